"""Readable answers: minerals --answer-180, fiscal and claims open with a plain sentence; numbers in one style."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()
EXPONENT = re.compile(r"\d\.\d+e[+-]\d+")


def test_answer_180_opens_with_a_verdict_and_no_exponents():
    res = runner.invoke(app, ["minerals", "--answer-180"])
    assert res.exit_code == 0, res.stderr
    first = res.stdout.splitlines()[0]
    assert first.startswith("By 2026-07-13 (day 180), supply without China could meet at most")
    # the chain's 20% is bound by metal; heavy separation (13%) is scarcer only against a full recipe
    a = json.loads(runner.invoke(app, ["minerals", "--answer-180", "--json"]).stdout)["answer_180_days"]
    assert "bound by metal (20% on its own)" in first
    assert "Heavy separation is the scarcest stage on its own (13%" in first
    assert f"{a['stage_only']['heavy_separation'] / a['heavy_min_share']:.0%}" in first
    assert "The binding stage is heavy separation" not in first
    for name in ("Germany", "Japan", "Korea", "US"):
        assert name in first
    assert not EXPONENT.search(res.stdout), res.stdout
    assert "16,068" in res.stdout and "62%" in res.stdout        # separation: capacity and share


def test_answer_180_cutoff_names_shortfalls_in_tonnes_and_months():
    res = runner.invoke(app, ["minerals", "--answer-180", "--scenario", "rare-earth-cutoff", "--json"])
    assert res.exit_code == 0, res.stderr
    a = json.loads(res.stdout)["answer_180_days"]
    short = a["shortfall_to_date"]
    assert set(short) == {"Germany", "Japan", "Korea", "US"}
    assert all(v["shortfall_t"] > 0 and v["shortfall_months"] > 0 for v in short.values())
    assert a["scarcest_stage"] == min(a["stage_only"], key=a["stage_only"].get)
    assert abs(a["stage_only"][a["binding_stage"]] - a["chain"]["magnet"]) < 1e-9
    assert re.search(r"US [\d,]+ t \(\d+\.\d months of demand", a["verdict"])


def test_fiscal_opens_with_a_sentence():
    res = runner.invoke(app, ["fiscal", "--years", "3"])
    assert res.exit_code == 0, res.stderr
    first = res.stdout.splitlines()[0]
    assert first.startswith("On CBO's 2026-02 baseline, debt held by the public goes from")
    assert "net interest from USD" in first and not EXPONENT.search(res.stdout)


def test_fiscal_sentence_for_one_year_has_no_from_to():
    """--years 1 read 'goes from 99.7% of GDP in FY2025 to 99.7% in FY2025', 'net interest from USD
    936bn to USD 936bn' and 'adds ... to FY2026-2026 deficits'."""
    first = runner.invoke(app, ["fiscal", "--years", "1", "--vintage", "2025-01"]).stdout.splitlines()[0]
    assert "is 99.7% of GDP in FY2025" in first and "from" not in first and "net interest USD" in first
    shifted = runner.invoke(app, ["fiscal", "--years", "1", "--rate-shift-bp", "50"]).stdout.splitlines()[0]
    assert "FY2026-2026" not in shifted and "to FY2026 deficits" in shifted
    two = runner.invoke(app, ["fiscal", "--years", "2"]).stdout.splitlines()[0]
    assert "goes from" in two and "in FY2026 to" in two and "in FY2027" in two


def test_claims_opens_with_counts_and_no_exponents():
    res = runner.invoke(app, ["claims"])
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("Of ") and "can be checked against the bundled data" in res.stdout
    table_part = res.stdout.split("[1]")[0]
    assert not EXPONENT.search(table_part)


def test_fiscal_rate_shift_reports_its_effect_against_the_same_run_without_it():
    # README: 'treasurylab fiscal --rate-shift-bp 10 --vintage 2025-01  # CBO's rule of thumb, replayed':
    # the effect of the shift is the shifted run minus the unshifted one, not the gap to CBO's baseline
    from treasurylab.params import load_params
    from treasurylab.scenario import fiscal_inputs as FI

    res = runner.invoke(app, ["fiscal", "--rate-shift-bp", "10", "--vintage", "2025-01", "--json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    p = load_params("fiscal")
    hi, lo = FI.run_baseline("2025-01", p, rate_shift=0.001), FI.run_baseline("2025-01", p)
    want = {int(y): float(h - b) for y, h, b in zip(hi["fy"], hi["fy_deficit"], lo["fy_deficit"])}
    got = {r["fiscal_year"]: r["extra_deficit_vs_no_shift"] for r in doc["fiscal_years"]}
    assert got.keys() == want.keys() and all(abs(got[y] - want[y]) < 1e-6 for y in want)
    total = sum(v for y, v in want.items() if 2026 <= y <= 2035)
    assert abs(doc["meta"]["extra_deficits_fy2026_2035"] - total) < 1e-6
    # COLUMNS unset: piped, a table's header stays on one line (a set COLUMNS, as under xdist, wraps it)
    text = runner.invoke(app, ["fiscal", "--rate-shift-bp", "10", "--vintage", "2025-01"], env={"COLUMNS": None}).stdout
    first = text.splitlines()[0]
    assert f"adds USD {total:,.0f}bn to FY2026-2035 deficits" in first
    assert "CBO's rule of thumb: USD 351bn" in first
    assert "CBO net interest, no shift (USD bn)" in text and "CBO debt, no shift (% of GDP)" in text
    # every CBO number of the answer says it is unshifted (the debt one did not)
    assert "(CBO, unshifted: " in first and "CBO's unshifted USD" in first
    plain_text = runner.invoke(app, ["fiscal", "--years", "2"], env={"COLUMNS": None}).stdout
    assert "(CBO: " in plain_text and "unshifted" not in plain_text and "no shift" not in plain_text
    # without a shift there is no effect to report
    plain = runner.invoke(app, ["fiscal", "--years", "2", "--json"])
    assert "extra_deficit_vs_no_shift" not in plain.stdout


def test_fiscal_rate_shift_prints_its_yearly_effect_and_says_how_the_totals_are_rounded():
    """The sentence's added-deficit totals are summed before rounding and no yearly figure was printed
    beside them (--json had them, unrounded): at +100 bp the ten years' whole-bn figures add up to USD
    3,482bn against the sentence's USD 3,480bn. The table now has the yearly column, a note says the
    totals are summed before rounding, and --json carries every total the sentence prints."""
    args = ["fiscal", "--rate-shift-bp", "100"]
    doc = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    yearly = {r["fiscal_year"]: r["extra_deficit_vs_no_shift"] for r in doc["fiscal_years"]}
    meta = doc["meta"]
    assert meta["extra_deficits_all_years"] == pytest.approx(sum(yearly.values()), abs=1e-6)
    assert "extra_deficits_all_years" in meta["units"]
    text = runner.invoke(app, args, env={"COLUMNS": None}).stdout
    first, span = text.splitlines()[0], f"FY{min(yearly)}-{max(yearly)}"
    assert f"adds USD {meta['extra_deficits_all_years']:,.0f}bn to {span} deficits" in first
    assert f"it adds USD {meta['extra_deficits_fy2026_2035']:,.0f}bn to FY2026-2035 deficits" in first
    assert "added deficit vs no shift (USD bn)" in text and "summed before rounding" in text
    # each year's figure in the table is the --json figure rounded to whole USD bn
    for y, v in yearly.items():
        row = next(line for line in text.splitlines() if re.match(rf"\W*{y}\W", line))
        assert row.replace("│", " ").split()[-1] == f"{round(v):,}", (y, row)
