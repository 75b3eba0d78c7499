"""`treasurylab fiscal` and `treasurylab calibrate -b fiscal`: one JSON document, exit 2 with one clear line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()


def _one_error_line(res, *needles: str) -> str:
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def test_fiscal_json_is_one_document_by_fiscal_year():
    res = runner.invoke(app, ["fiscal", "--years", "3", "--json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [r["fiscal_year"] for r in doc["fiscal_years"]] == [2026, 2027, 2028]
    first = doc["fiscal_years"][0]
    assert first["net_interest"] == pytest.approx(first["cbo_net_interest"], rel=0.07)
    assert first["bill_share_pct"] == pytest.approx(21.0, abs=0.01)
    assert 60 < first["wam_months"] < 84


def test_fiscal_json_names_the_unit_of_every_number():
    """meta.units said 'USD bn; percentages in percent; WAM in months' while meta.bill_share_target is
    a fraction (0.21, as --bill-share takes it) beside bill_share_pct in percent (21.0): every number
    of the document is now named with its unit."""
    import re

    doc = json.loads(runner.invoke(app, ["fiscal", "--years", "10", "--rate-shift-bp", "10", "--json"]).stdout)
    units = doc["meta"]["units"]
    numbers = {k for r in doc["fiscal_years"] for k, v in r.items() if isinstance(v, float) and k != "fiscal_year"}
    numbers |= {k for k, v in doc["meta"].items() if isinstance(v, float)}
    assert numbers and "bill_share_target" in numbers and "extra_deficits_fy2026_2035" in numbers
    named = set(re.findall(r"[a-z_0-9]+", units))
    assert numbers <= named, numbers - named
    assert re.search(r"fraction[^;]*: bill_share_target", units) and doc["meta"]["bill_share_target"] == 0.21
    assert re.search(r"percent: [^;]*bill_share_pct", units)


def test_fiscal_bill_share_knob_changes_the_structure_and_the_cost():
    lo = json.loads(runner.invoke(app, ["fiscal", "--years", "5", "--json", "--bill-share", "0.15"]).stdout)
    hi = json.loads(runner.invoke(app, ["fiscal", "--years", "5", "--json", "--bill-share", "0.35"]).stdout)
    assert hi["fiscal_years"][-1]["bill_share_pct"] == pytest.approx(35.0, abs=0.01)
    assert hi["fiscal_years"][-1]["wam_months"] < lo["fiscal_years"][-1]["wam_months"]
    assert hi["fiscal_years"][-1]["rollover"] > lo["fiscal_years"][-1]["rollover"]


def test_horizon_past_the_data_exits_2():
    _one_error_line(runner.invoke(app, ["fiscal", "--years", "20"]), "years:", "FY2026-FY2036", "use 1 to 11")


def test_shares_not_summing_to_one_exit_2():
    _one_error_line(runner.invoke(app, ["fiscal", "--set", 'coupon_weights={"n2y": 0.5}']),
                    "coupon_weights: weights must sum to 1", "rescale")
    _one_error_line(runner.invoke(app, ["fiscal", "--bill-share", "1.5"]), "bill_share_target", "must be <= 1")


def test_negative_weights_and_unknown_parameters_exit_2():
    _one_error_line(runner.invoke(app, ["fiscal", "--set", 'bill_weights={"b1m": -0.2, "b3m": 1.2}']),
                    "bill_weights", "must be >= 0")
    _one_error_line(runner.invoke(app, ["fiscal", "--set", "bill_shar=0.3"]), "did you mean 'bill_share_target'")


def test_calibrate_lists_every_fiscal_target_as_json():
    res = runner.invoke(app, ["calibrate", "--check", "--json", "-b", "fiscal"])
    doc = json.loads(res.stdout)
    ids = {t["id"] for t in doc["targets"]}
    assert "fiscal.net_interest.total_2027_2036" in ids and "fiscal.rule_of_thumb.0_1pp" in ids
    assert doc["failed"] == 0 and res.exit_code == 0


def test_fiscal_table_headers_say_what_each_column_is(monkeypatch):
    """'CBO (USD bn)' did not say CBO's what (it is CBO's net interest, beside the model's), 'avg rate'
    not of what, and 'rollover' not over what period (the fiscal year's total)."""
    monkeypatch.setenv("COLUMNS", "400")
    res = runner.invoke(app, ["fiscal", "--years", "2"])
    assert res.exit_code == 0, res.output
    head = " ".join(res.stdout.split())
    for col in ("CBO net interest (USD bn)", "average interest rate on the debt (%)",
                "rollover in the year (USD bn)"):
        assert col in head, col
    assert "┃ CBO (USD bn)" not in head


@pytest.mark.parametrize("typed,meant", [("2025-1", "2025-01"), ("2026-2", "2026-02"), ("cbo-2025-01", "2025-01")])
def test_a_mistyped_vintage_is_named_as_one(typed, meant):
    """'--vintage 2025-1' said 'no economic projections bundled for this baseline', as if CBO's
    January 2025 baseline had none; it is the month written without its zero ('cbo-2025-01' is run
    --baseline's spelling of it)."""
    line = _one_error_line(runner.invoke(app, ["fiscal", "--vintage", typed]), "--vintage", f"did you mean '{meant}'")
    assert "no economic projections" not in line
    # a well-written vintage with no projections is still said to be one
    _one_error_line(runner.invoke(app, ["fiscal", "--vintage", "2024-01"]), "no economic projections bundled",
                    "'2026-02' or '2025-01'")


def _row(year: int, ni: float, cbo: float) -> dict:
    return {"fiscal_year": year, "net_interest": ni, "cbo_net_interest": cbo, "net_interest_pct_gdp": 3.2,
            "debt_pct_gdp": 101.0, "cbo_debt_pct_gdp": 100.5}


@pytest.mark.parametrize("ni,cbo,words", [
    (1789.4, 1782.6, "USD 6bn above CBO's USD 1,783bn"),     # 6.8 before rounding: it said 7
    (1782.6, 1789.4, "USD 6bn below CBO's USD 1,789bn"),
    (1783.4, 1782.6, "the same as CBO's USD 1,783bn"),        # 0.8 apart, shown alike: it said '1bn above'
])
def test_fiscal_sentence_gap_agrees_with_the_figures_it_prints(ni, cbo, words):
    """The sentence took the gap to CBO before rounding: 'USD 7bn above CBO's USD 1,783bn' beside
    USD 1,789bn. The gap is now the difference of the figures as printed."""
    from treasurylab.cli.fiscal_cmd import fiscal_verdict

    text = fiscal_verdict([_row(2026, 1000.0, 1000.0), _row(2036, ni, cbo)], "2026-02", 0.0)
    assert words in text, text


def test_fiscal_sentence_gap_is_the_difference_of_the_printed_figures():
    """Through the CLI, on every horizon: the 'USD Xbn above/below CBO's USD Ybn' of the sentence is the
    printed net interest minus the printed CBO figure."""
    import re

    for years in range(1, 12):
        res = runner.invoke(app, ["fiscal", "--years", str(years)])
        assert res.exit_code == 0, res.output
        m = re.search(r"net interest[^(]*USD ([\d,]+)bn(?: a year)? \([^;]*; (?:USD ([\d,]+)bn (above|below)|the same as) "
                      r"CBO's USD ([\d,]+)bn\)", res.stdout)
        assert m, res.stdout.splitlines()[0]
        ours, gap, side, cbo = m.groups()
        num = lambda s: int(s.replace(",", ""))  # noqa: E731
        diff = num(ours) - num(cbo)
        assert (num(gap) if gap else 0) == abs(diff) and (side or "same") == (
            "above" if diff > 0 else "below" if diff < 0 else "same"), m.group(0)
