"""`treasurylab claims`: the commentary's numbers against the bundled data, verdict rules, bad input."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.data import series
from treasurylab.errors import BadInput
from treasurylab.report import claims as C

runner = CliRunner()


@pytest.fixture(scope="module")
def doc():
    res = runner.invoke(app, ["claims", "--json"])
    assert res.exit_code == 0, (res.stdout, res.stderr)
    return json.loads(res.stdout)  # exactly one JSON document


@pytest.fixture(scope="module")
def by_id(doc):
    return {r["id"]: r for r in doc["claims"]}


def test_every_row_of_the_article_table_is_covered(doc):
    rows = doc["claims"]
    assert {r["row"] for r in rows} == set(range(1, 18))
    assert all(r["verdict"] in C.VERDICTS for r in rows)
    assert sum(doc["counts"].values()) == len(rows)
    for r in rows:
        assert r["claim"] and isinstance(r["note"], str)
        if r["verdict"] != C.NOT_CHECKABLE:  # a verdict always comes with the data value and its origin
            assert r["data_value"] is not None and r["dataset"] and r["as_of"] and r["rule"]


def test_china_numbers_come_from_tic(by_id):
    china = series("tic.holdings", country="china", series="current").set_index("date")["value"]
    r = by_id["china_nov_2025"]
    assert (r["data_value"], r["as_of"], r["dataset"]) == (683.9, "2025-11", "tic.holdings")
    assert r["verdict"] == C.CONSISTENT
    peak = by_id["china_peak"]
    assert (peak["data_value"], peak["as_of"]) == (1316.7, "2013-11")
    assert peak["data_value"] == china.max()
    assert peak["verdict"] == C.CONSISTENT
    halved = by_id["china_halved"]
    assert halved["data_value"] == pytest.approx(100 * (683.9 / 1316.7 - 1), abs=1e-4)
    assert round(halved["data_value"]) == -48
    assert halved["verdict"] == C.CONSISTENT


def test_danish_sale_next_to_the_market(by_id):
    m = series("mspd.summary", security_type="Total Marketable", start="2026-01", end="2026-01")
    total = float(m["total"].iloc[0])
    assert 29_000 < total < 32_000  # USD bn, about $30T marketable in Jan 2026 (calibration.md s1.5)
    r = by_id["danish_sale_vs_market"]
    assert r["data_value"] == pytest.approx(100 * 0.1 / total, rel=1e-5)
    assert r["as_of"] == "2026-01-31" and r["verdict"] == C.CONSISTENT
    turnover = by_id["danish_sale_vs_turnover"]
    assert turnover["data_value"] == pytest.approx(100 * 0.1 / 1170, rel=1e-5)
    dk = by_id["danish_sale_vs_denmark"]
    denmark = series("tic.holdings", country="Denmark", series="current").dropna(subset=["value"])
    assert dk["as_of"] == denmark["date"].max()
    assert dk["data_value"] == pytest.approx(100 * 0.1 / denmark["value"].iloc[-1], rel=1e-5)


def test_cbo_feb_2026_baseline(by_id):
    # CBO's own long-term file puts FY2026 debt at 100.6% of GDP (calibration.md s1.2); our fiscal-year
    # GDP is rebuilt from calendar years, so allow 0.2 pp
    assert by_id["cbo_debt_gdp_2026"]["data_value"] == pytest.approx(100.6, abs=0.2)
    assert by_id["cbo_debt_gdp_2036"]["data_value"] == pytest.approx(120.2, abs=0.2)
    b = series("cbo.eval.baselines", baseline_date="2026-02", component="outlay", category="Net Interest")
    ni = b.set_index("fiscal_year")["value"]
    assert by_id["cbo_net_interest_2026"]["data_value"] == pytest.approx(ni[2026], rel=1e-5)
    assert by_id["cbo_net_interest_2036"]["data_value"] == pytest.approx(ni[2036], rel=1e-5)
    assert all(by_id[k]["verdict"] == C.CONSISTENT for k in by_id if k.startswith("cbo_"))


def test_gold_cofer_and_rare_earths(by_id):
    assert by_id["pboc_gold_moz"]["data_value"] == 74.15
    streak = by_id["pboc_gold_streak"]
    assert streak["data_value"] == 14 and streak["note"].startswith("consecutive monthly rises 2024-11..2025-12")
    cofer = by_id["non_dollar_assets"]
    assert cofer["verdict"] == C.NOT_CHECKABLE and 50 < cofer["data_value"] < 60 and cofer["as_of"] == "2025q4"
    assert by_id["re_share_mining"]["data_value"] == pytest.approx(100 * 270_000 / 390_000, rel=1e-5)
    assert "assumption" in by_id["re_share_separation"]["note"]  # circularity is said, not hidden


def _entries(**change):
    """The bundled claims with some entries changed (id -> dict of new keys)."""
    out = []
    for c in C.load_claims():
        if c["id"] in change:
            c = {**c, **change[c["id"]]}
        out.append(c)
    return out


def test_verdict_follows_the_rule():
    rows = {r["id"]: r for r in C.check_claims(_entries(
        china_nov_2025={"number": 800},                                   # wrong level
        china_peak={"rule": {"tolerance": {"rel": 0.05}, "year": 2016, "year_window": 1}},  # wrong year
        china_halved={"rule": None},                                      # no rule: context only
    ))}
    assert rows["china_nov_2025"]["verdict"] == C.INCONSISTENT
    assert rows["china_peak"]["verdict"] == C.INCONSISTENT
    assert rows["china_halved"]["verdict"] == C.NOT_CHECKABLE
    assert rows["china_halved"]["data_value"] is not None


def test_row_filter_and_human_output():
    res = runner.invoke(app, ["claims", "--row", "1", "--row", "3", "--json"])
    assert res.exit_code == 0
    assert {r["row"] for r in json.loads(res.stdout)["claims"]} == {1, 3}
    res = runner.invoke(app, ["claims"])
    assert res.exit_code == 0 and "china_nov_2025" in res.stdout and "consistent" in res.stdout


def test_the_table_shows_the_unit_of_the_claimed_number():
    """The claimed number has its own unit: the Danish sale is claimed in USD bn (0.1) and checked as a
    share of marketable debt (%); without the claimed unit the row showed 0.1 next to 0.00033 %."""
    res = runner.invoke(app, ["claims", "--row", "5"], env={"COLUMNS": "400"})   # no folded cells
    assert res.exit_code == 0
    row = next(line for line in res.stdout.splitlines() if "danish_sale_vs_market" in line and "│" in line)
    assert "USD bn" in row and "% of marketable debt" in row


def test_json_names_the_claimed_unit_as_the_table_does(monkeypatch):
    """--json wrote the claimed number's unit as 'unit' where the table's column says 'claimed_unit'
    (beside 'data_unit'): one name for one thing, so every unit column of the table is a key of the JSON."""
    monkeypatch.setenv("COLUMNS", "400")
    doc = json.loads(runner.invoke(app, ["claims", "--row", "5", "--json"]).stdout)
    head = next(line for line in runner.invoke(app, ["claims", "--row", "5"]).stdout.splitlines() if "┃" in line)
    columns = {c.strip() for c in head.split("┃") if c.strip()}
    danish = next(r for r in doc["claims"] if r["id"] == "danish_sale_vs_market")
    assert {"claimed_unit", "data_unit"} <= columns <= set(danish), columns - set(danish)
    assert "unit" not in danish and danish["claimed_unit"] == "USD bn"


def test_demo_summary_agrees_with_claims(by_id):
    from treasurylab.cli.demo_cmd import data_summary

    rows = {r["claim"]: r for r in data_summary()}
    assert rows["China holdings, peak"]["value"] == by_id["china_peak"]["data_value"]
    assert rows["China holdings, peak"]["as_of"] == "2013-11"
    assert rows["China holdings, change from peak"]["value"] == pytest.approx(-48.09, abs=0.01)


BAD = [
    ("claims:\n  - id: x\n    row: 1\n    claim: c\n    check: {kind: tic_valu}\n",
     ["line 5", "claims[0].check.kind", "tic_value"]),
    ("claims:\n  - id: x\n    row: 1\n    claim: c\n    nubmer: 3\n    check: {kind: none}\n",
     ["line 5", "claims[0].nubmer", "number"]),
    ("claims:\n  - id: x\n    row: 1\n    claim: c\n    check: {kind: tic_value, country: China}\n",
     ["claims[0].check", "needs date"]),
    (("claims:\n  - id: x\n    row: 1\n    claim: c\n    check: {kind: none}\n    rule: {range: [0, 1]}\n"
      "  - id: x\n    row: 2\n    claim: d\n    check: {kind: none}\n"), ["claims[1].id", "duplicate"]),
    ("claims:\n  - id: x\n    row: 1\n    claim: c\n    check: {kind: none}\n    rule: {tolerance: {rel: 0.1}}\n",
     ["claims[0].number", "needs the claimed number"]),
    ("claims: 3\n", ["'claims:'"]),
]


@pytest.mark.parametrize("text,needles", BAD)
def test_bad_claims_file_is_one_clear_line(tmp_path, text, needles):
    p = tmp_path / "claims.yaml"
    p.write_text(text)
    res = runner.invoke(app, ["claims", "--file", str(p)])
    assert res.exit_code == 2, res.stdout
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def test_bad_check_argument_names_the_claim(tmp_path):
    p = tmp_path / "claims.yaml"
    p.write_text("claims:\n  - id: mine\n    row: 1\n    claim: c\n"
                 "    check: {kind: tic_value, country: Atlantis, date: '2025-11'}\n")
    with pytest.raises(BadInput) as e:
        C.check_claims(path=p)
    assert "mine" in str(e.value) and "country" in str(e.value)
    res = runner.invoke(app, ["claims", "--file", str(tmp_path / "missing.yaml")])
    assert res.exit_code == 2 and "no such file" in res.stderr


# a number with its unit after it: a percent sign, or a unit word the bundled data use
_UNIT_AFTER = r"(?:%| USD bn| t\b| months\b| million troy oz)"
# numbers that are dates or date parts (2013-11, 2013-11-29, 2019q1, FY2026, CY(y-1)) are not amounts
_DATE = r"\d{4}-\d{2}(?:-\d{2})?|\d{4}q\d|FY\d{4}|CY\(y-?1?\)"


def _bare_numbers(text: str) -> list[str]:
    """The amounts in ``text`` with no unit right after them (dates left out)."""
    import re

    no_dates = re.sub(_DATE, "", text)
    return [m.group(0) for m in re.finditer(rf"[-+]?\d[\d,]*(?:\.\d+)?(?!{_UNIT_AFTER})(?![\d.,])", no_dates)
            if not re.fullmatch(r"\d", m.group(0).lstrip("+-"))]     # counts ("4 of those months") aside


def test_demo_notes_carry_their_units():
    """The demo's notes gave peaks as bare numbers ('peak 1325.5 in 2021-11', 'peak 5771.4 on
    2022-06-08') beside a value column with thousands separators and a unit: each amount in a note now
    says its unit, in the value column's number style."""
    from treasurylab.cli.demo_cmd import data_summary

    rows = data_summary()
    notes = {r["claim"]: r["note"] for r in rows if r["note"]}
    assert notes, "the demo's table has notes"
    for claim, note in notes.items():
        assert not _bare_numbers(note), (claim, note)
    japan = next(r for r in rows if r["claim"] == "Japan holdings, latest")
    assert japan["unit"] in japan["note"] and "," in japan["note"].split(" USD bn")[0]


def test_the_rule_in_words_names_the_unit_it_is_judged_in(by_id):
    """A rule's numbers are compared with the data's value, so they are in the data's unit, which is
    not always the claim's: 'between 0 and 0.01' for the $100M Danish sale read as 0.01 USD bn, when
    it is 0.01% of marketable debt."""
    for r in by_id.values():
        if r["rule"]:
            assert r["data_unit"] in r["rule"], r
    assert by_id["danish_sale_vs_market"]["rule"] == "between 0 and 0.01 % of marketable debt"
    assert by_id["china_nov_2025"]["rule"] == "within 1% of 683 USD bn"


def test_notes_of_checked_claims_carry_units(by_id):
    """Amounts in a claim's note carry their unit ('peak 23.8 USD bn', 'debt 32,095 USD bn'; the
    change from China's peak was '-632.8 bn')."""
    for key in ("danish_sale_vs_denmark", "cbo_debt_gdp_2026"):
        assert not _bare_numbers(by_id[key]["note"].split("(0.25")[0]), by_id[key]["note"]
    assert by_id["china_halved"]["note"].endswith(" USD bn")
