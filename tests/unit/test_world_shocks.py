"""World shocks in the coupled run (issue 10): the baseline's 10-year spreads match history, the
baseline stays the median, and the deterministic run is one override away."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.params.shocks_estimate import historical_change_spread_bp
from treasurylab.scenario.runner import run
from treasurylab.scenario.spec import load_scenario

PATHS = 4000


@pytest.fixture(scope="module")
def shocked():
    return run("baseline", paths=PATHS, seed=11, workers=1, keep_paths=PATHS)


@pytest.mark.parametrize("h", [12, 60])
def test_baseline_10y_spread_of_changes_within_25pct_of_history(shocked, h):
    y = shocked.ds["y10"].values * 1e4
    model = float(np.ptp(np.percentile(y[:, h] - y[:, 0], [5, 95])))
    hist = historical_change_spread_bp(h)
    assert 0.75 * hist <= model <= 1.25 * hist, (h, model, hist)


def _tp_spreads(shocked, h):
    from treasurylab.params.shocks_estimate import change_spread_bp, monthly_term_premium

    tp = shocked.ds["tp10"].values * 1e4
    model = float(np.ptp(np.percentile(tp[:, h] - tp[:, 0], [5, 95])))
    return model, change_spread_bp(monthly_term_premium(), h)


def test_baseline_term_premium_moves_like_acms(shocked):
    """The world's term premium (ACM's loadings on the curve factors) gives the 10-year term premium
    a band: its 12-month changes spread like the ACM premium's own 1990-2025 changes (less the ~10%
    of their variance the factors do not explain), within 25%. At 60 months the band is narrower
    than history's (measured ~0.68x): the shocks are matched on the 10-year's changes, not on the
    slope's, and the premium loads on the slope; history's 60-month changes also carry the premium's
    secular fall from ~3% to below 0. docs/design.md states both."""
    model, hist = _tp_spreads(shocked, 12)
    assert 0.75 * hist <= model <= 1.25 * hist, (model, hist)
    model, hist = _tp_spreads(shocked, 60)
    assert 0.55 * hist <= model <= 1.0 * hist, (model, hist)


def test_baseline_stays_the_median(shocked):
    ds = shocked.ds
    for i in (11, 59):
        assert abs(np.median(ds["y10"].values[:, i]) - ds["base_y10"].values[i]) < 0.0010
        assert abs(np.median(ds["debt_gdp"].values[:, i]) - ds["base_debt_gdp"].values[i]) < 0.015
    # and the bands are real: p5 < p50 < p95 for the 10-year, net interest and debt/GDP after a year
    for v in ("y10", "net_interest", "debt_gdp"):
        q = np.percentile(ds[v].values[:, 23], [5, 50, 95])
        assert q[0] < q[1] < q[2], v


def test_shocks_off_is_the_deterministic_run():
    sc = load_scenario("baseline")
    r = run(sc.with_(overrides={"shocks": {"enabled": False}}), paths=50, workers=1)
    y, base = r.ds["y10"].values, r.ds["base_y10"].values
    # only the holders' own draws remain: most paths are CBO's path to the last bit
    assert np.mean(np.all(np.abs(y - base) < 1e-12, axis=1)) > 0.8


def test_same_seed_same_world_for_two_scenarios():
    """Common random numbers: the world shocks do not depend on the scenario's events."""
    base = load_scenario("baseline").model_dump()
    slip = run(dict(base, name="slip", events=[{"type": "fiscal_slippage", "date": "2026-01", "pct_gdp": 2}]),
               paths=40, seed=3, workers=1)
    ref = run("baseline", paths=40, seed=3, workers=1)
    diff = (slip.ds["y10"].values - ref.ds["y10"].values)[:, 24]
    # paired: the per-path difference is the scenario's effect, far narrower than either band
    assert np.ptp(diff) < 0.2 * np.ptp(ref.ds["y10"].values[:, 24])
    assert np.median(diff) > 0


def test_paired_rows_need_the_same_seed():
    from treasurylab.errors import BadInput
    from treasurylab.scenario.compare import paired_rows

    a = run("baseline", paths=8, seed=1, workers=1)
    b = run("fiscal-slippage", paths=8, seed=2, workers=1)
    with pytest.raises(BadInput):
        paired_rows(a, b)
    rows = paired_rows(a, run("fiscal-slippage", paths=8, seed=1, workers=1))
    debt = [r for r in rows if r["variable"] == "debt_gdp"]
    assert debt and all(r["diff_p5"] > 0 for r in debt)


def test_band_sources_split_each_band_by_source_and_show_in_the_report():
    from treasurylab.report.html import render
    from treasurylab.scenario.compare import SOURCES, band_sources

    sc = load_scenario("baseline").with_(paths=300, seed=4)
    rows = band_sources(sc, workers=1)
    by = {(r["variable"], r["month"]): r for r in rows}
    for r in rows:
        assert sum(r[s] for s in SOURCES) == pytest.approx(1.0) or sum(r[s] for s in SOURCES) == 0.0
    # the 10-year's band is the curve's; debt/GDP's at the end is fiscal and macro, hardly rates
    assert by[("y10", "2027-12")]["rates"] > 0.9
    end = by[("debt_gdp", "2035-12")]
    assert end["fiscal"] + end["macro"] > 0.7
    html = render(run(sc, workers=1), band_sources=rows)
    assert "Where the bands come from" in html
    # a deterministic scenario has no world bands to split
    assert band_sources(sc.with_(overrides={"shocks": {"enabled": False}}), workers=1) == []


def test_band_sources_say_where_a_sources_negative_added_variance_was_set_to_0():
    """A source whose run has a narrower band than the contagion-only run adds negative variance (an
    interaction), which band_sources set to 0 with no word: its share read 0% and the row's sum, the
    shares' denominator, was larger than the signed sum. Each row now keeps what was cut and that sum,
    and the report's table gives it per row (unit squared, share of the sum) with a note."""
    from markupsafe import escape  # the report's template escapes as jinja does

    from treasurylab.report.html import render
    from treasurylab.scenario.compare import band_sources, clipped_cell, clipped_note

    sc = load_scenario("baseline").with_(paths=300, seed=4)
    rows = band_sources(sc, workers=1)
    hit = [r for r in rows if r["clipped"]]
    assert hit and len(hit) < len(rows)    # at 300 paths macro and fiscal narrow some bands a little
    for r in rows:
        for s, c in r["clipped"].items():
            assert c > 0 and r[s] == 0.0, (r["variable"], r["month"], s)
    # what was cut is the contagion-only run's variance less the source-only run's, in the shown unit squared
    r = next(r for r in hit if r["variable"] == "y10" and "macro" in r["clipped"])
    i = list(run(sc, workers=1).months).index(r["month"])
    var = {name: float(np.var(run(sc.with_(overrides={"shocks": ov}), workers=1).arrays["y10"][:, i] * 100))
           for name, ov in (("contagion", {"enabled": False}),
                            ("macro", {"rates": False, "macro": True, "fiscal": False}))}
    assert r["clipped"]["macro"] == pytest.approx(var["contagion"] - var["macro"], rel=1e-9)
    assert r["contagion"] * r["variance_sum"] == pytest.approx(var["contagion"], rel=1e-9)
    words = clipped_note(rows)
    assert words is not None and f"In {len(hit)} of {len(rows)} rows" in words and "set to 0" in words
    html = render(run(sc, workers=1), band_sources=rows)
    assert 'id="band-clipped"' in html and str(escape(words)) in html
    assert all(str(escape(clipped_cell(r))) in html for r in hit)
    # the cell: each source's cut in the unit squared, and all of it as a share of the row's sum
    row = {"variable": "y10", "label": "10-year yield (%)", "month": "2026-12", "variance_sum": 0.01,
           "clipped": {"macro": 2e-4, "fiscal": 1e-4}}
    # (a cut under 0.01 keeps two significant digits, the one number format: numtext.number)
    assert clipped_cell(row) == "macro 0.00020 pp², fiscal 0.00010 pp² (3.0% of the sum)"
    assert clipped_cell({**row, "variable": "foreign_total", "clipped": {"macro": 1.5}, "variance_sum": 300.0}) == (
        "macro 1.50 (USD bn)² (0.5% of the sum)")
    assert clipped_cell({**row, "clipped": {}}) == "" and clipped_note([{**row, "clipped": {}}]) is None
    assert 'id="band-clipped"' not in render(run(sc, workers=1), band_sources=[{**r, "clipped": {}} for r in rows])


def test_band_sources_reuse_the_scenarios_own_run_and_share_the_workers():
    """The "all" run is the scenario's own run (same seed and paths): passing it gives the very same
    rows; the other runs' blocks on two worker processes give the same rows as one after the other."""
    from treasurylab.scenario.compare import band_sources

    sc = load_scenario("baseline").with_(paths=300, seed=5)
    serial = band_sources(sc, workers=1)
    own = run(sc, workers=1)
    assert band_sources(sc, workers=1, result=own) == serial
    assert band_sources(sc, workers=2, result=own) == serial
    # a run on other paths or another seed is not the "all" run: it is run again, same rows
    assert band_sources(sc, workers=1, result=run(sc.with_(seed=6), workers=1)) == serial
