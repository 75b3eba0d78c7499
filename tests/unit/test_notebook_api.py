"""The notebook API: treasurylab.run(...) -> Run with summary(), fan(), paths(), _repr_html_; compare(a, b)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import treasurylab
from treasurylab.errors import BadInput


@pytest.fixture(scope="module")
def base():
    return treasurylab.run("baseline", paths=8, seed=1, workers=1)


@pytest.fixture(scope="module")
def exit_():
    return treasurylab.run("china-exit", paths=8, seed=1, workers=1)


def test_summary_has_units(base):
    s = base.summary()
    assert isinstance(s, pd.DataFrame) and "unit" in s.columns
    y = s[s["variable"] == "y10"]
    assert set(y["unit"]) == {"percent"} and 1.0 < y["p50"].iloc[0] < 15.0


def test_fan_has_history_then_fan(base):
    fig = base.fan("y10")
    assert fig.data[0].name == "observed" and max(fig.data[0].x) < base.months[0]
    assert any(t.name == "median" for t in fig.data)


def test_paths_frame(base):
    p = base.paths("debt_gdp")
    assert isinstance(p.index, pd.DatetimeIndex) and p.shape == (len(base.months), 8)
    np.testing.assert_allclose(p.to_numpy(), base.ds["debt_gdp"].values.T * 100.0)
    assert p.attrs["unit"] == "% of GDP"


def test_unknown_variable_is_bad_input(base):
    with pytest.raises(BadInput, match="not a monthly output"):
        base.fan("y11")


def test_repr_html_and_delegation(base):
    h = base._repr_html_()
    assert "<table>" in h and "10-year yield" in h and "percent" in h
    assert base.outcomes() is not None and base.ds is base.result.ds


def test_compare(base, exit_):
    c = treasurylab.compare(base, exit_)
    s = c.summary()
    row = s[(s["variable"] == "foreign_total")].iloc[-1]
    assert row["difference p50"] < 0                           # China sold: fewer foreign holdings
    fig = c.fan("y10")
    assert sum(t.name == "observed" for t in fig.data) == 1 and "china-exit" in fig.layout.title.text
    assert "<table>" in c._repr_html_()


def test_compare_summary_is_the_per_path_difference(base, exit_):
    """b - a path by path (same seed, same world), not a difference of medians: the two disagree here,
    and the summary gives the paired one, for every variable and month both runs have."""
    s = treasurylab.compare(base, exit_).summary()
    T = min(len(base.months), len(exit_.months))
    both = [v for v in base.summary()["variable"].unique() if v in set(exit_.summary()["variable"])]
    assert list(s["variable"].unique()) == both and len(s) == len(both) * T
    assert list(s["month"].iloc[:T]) == base.months[:T]
    worst = 0.0
    for var in ("y10", "debt_gdp", "foreign_total", "net_interest"):
        k = {"y10": 100.0, "debt_gdp": 100.0}.get(var, 1.0)
        a, b = base.ds[var].values[:, :T] * k, exit_.ds[var].values[:, :T] * k
        got = s[s["variable"] == var]
        np.testing.assert_allclose(got["difference p50"], np.median(b - a, axis=0), atol=1e-9)
        np.testing.assert_allclose(got["difference p5"], np.percentile(b - a, 5, axis=0), atol=1e-9)
        np.testing.assert_allclose(got["difference p95"], np.percentile(b - a, 95, axis=0), atol=1e-9)
        np.testing.assert_allclose(got["china-exit p50"], np.median(b, axis=0), atol=1e-9)
        worst = max(worst, float(np.max(np.abs(np.median(b - a, axis=0)
                                                - (np.median(b, axis=0) - np.median(a, axis=0))))))
    assert worst > 1e-3                # the difference of medians is another number: the test can tell
    units = dict(zip(s["variable"], s["unit"]))
    assert units["y10"] == "percent" and units["debt_gdp"] == "% of GDP" and units["foreign_total"] == "USD bn"
    assert {"baseline p50", "china-exit p50"} <= set(s.columns)


def test_compare_summary_gives_the_differences_their_own_unit(base, exit_):
    """One 'unit' column served the medians and the differences: a difference of y10 (percent) is in
    percentage points, as compare --json's difference_unit says; the frame now has that column too."""
    from treasurylab.scenario.results import difference_file_unit

    s = treasurylab.compare(base, exit_).summary()
    units = dict(zip(s["variable"], zip(s["unit"], s["difference_unit"])))
    assert units["y10"] == ("percent", "percentage points")
    assert units["debt_gdp"] == ("% of GDP", "percentage points of GDP")
    assert units["foreign_total"] == ("USD bn", "USD bn")
    assert all(du == difference_file_unit(v) for v, (_, du) in units.items())
    cols = list(s.columns)
    assert cols.index("difference_unit") == cols.index("difference p5") - 1     # beside what it measures
    h = treasurylab.compare(base, exit_)._repr_html_()
    assert "<th>difference unit</th>" in h and "<td>percentage points</td>" in h


def test_compare_refuses_runs_with_other_seeds_or_paths(base):
    other_seed = treasurylab.run("china-exit", paths=8, seed=2, workers=1)
    with pytest.raises(BadInput, match="same paths and seed") as err:
        treasurylab.compare(base, other_seed).summary()
    assert err.value.field == "paths/seed"
    with pytest.raises(BadInput, match="same paths and seed"):
        treasurylab.compare(base, treasurylab.run("china-exit", paths=6, seed=1, workers=1)).summary()


def test_compare_runs_scenarios_on_the_same_draws(base):
    """baseline's file says seed 1, china-exit's seed 2026: compare(names) ran each with its own seed."""
    c = treasurylab.compare("baseline", "china-exit", paths=8, workers=1)
    assert c.a.result.scenario.seed == c.b.result.scenario.seed == 1
    assert c.summary()["difference p50"].notna().all()
    c = treasurylab.compare(base, "china-exit", workers=1)         # a run made already sets both
    assert (c.b.result.paths, c.b.result.scenario.seed) == (8, 1)


def test_compare_checks_paths_given_for_both():
    """paths=0 is refused as run(paths=0) refuses it (it fell back to the scenarios' own 1,000)."""
    with pytest.raises(BadInput, match="whole number"):
        treasurylab.compare("baseline", "china-exit", paths=0, workers=1)


def test_compare_repr_html_shows_the_paired_difference(base, exit_):
    from treasurylab.scenario.compare import paired_rows

    h = treasurylab.compare(base, exit_)._repr_html_()
    for head in ("difference p5", "difference p50", "difference p95", "unit"):
        assert f"<th>{head}</th>" in h
    rows = paired_rows(base.result, exit_.result)
    ft = next(r for r in rows if r["variable"] == "foreign_total" and r["month"] == exit_.months[-1])
    assert f"<td>{ft['diff_p5']:+,.2f}</td><td>{ft['diff_p50']:+,.2f}</td><td>{ft['diff_p95']:+,.2f}</td>" in h
    assert ft["diff_p50"] != pytest.approx(ft["b_p50"] - ft["a_p50"], abs=0.005)   # not a difference of medians
    refused = treasurylab.compare(base, treasurylab.run("china-exit", paths=8, seed=2, workers=1))._repr_html_()
    assert "same paths and seed" in refused and "<table>" not in refused


def test_compare_difference_fan(base, exit_):
    fig = treasurylab.compare(base, exit_).difference_fan("debt_gdp")
    names = [t.name for t in fig.data]
    assert {"p5-p95 of paths", "p25-p75 of paths", "median"} <= set(names) and "observed" not in names
    T = min(len(base.months), len(exit_.months))
    d = (exit_.ds["debt_gdp"].values - base.ds["debt_gdp"].values[:, :T]) * 100.0
    med = next(t for t in fig.data if t.name == "median")
    np.testing.assert_allclose(med.y, np.median(d, axis=0), atol=1e-9)
    assert list(med.x) == base.months[:T]
    p5 = next(t for t in fig.data if t.name == "p5-p95 of paths")
    np.testing.assert_allclose(p5.y, np.percentile(d, 5, axis=0), atol=1e-9)
    assert "pp of GDP" in fig.layout.yaxis.title.text
    assert any(sh.type == "line" and sh.y0 == 0 == sh.y1 for sh in fig.layout.shapes)   # the zero line
    notes = " ".join(a.text.replace("<br>", " ") for a in fig.layout.annotations)
    assert "Source" in notes and "8 paths" in notes and "seed 1" in notes
    with pytest.raises(BadInput, match="not a monthly output"):
        treasurylab.compare(base, exit_).difference_fan("y11")


def test_compare_fan_legend_says_which_scenario_each_band_is(base, exit_):
    """The overlaid fan named only B's traces ('median' was A's, unnamed), drew both fans' bands in the
    same blue, and listed the one CBO baseline twice: each band and median now names its scenario, B's
    are drawn in their own colour, and what both runs share (observed, CBO baseline) is drawn once."""
    fig = treasurylab.compare(base, exit_).fan("y10")
    names = [t.name for t in fig.data if t.showlegend is not False]
    assert len(names) == len(set(names)), names
    assert names.count("CBO baseline") == 1 and "observed" in names
    for side in ("baseline", "china-exit"):
        for what in ("p5-p95 of paths", "p25-p75 of paths", "median"):
            assert f"{what} ({side})" in names, (what, side, names)
    fill = {t.name: t.fillcolor for t in fig.data if t.name and t.name.startswith("p5-p95 of paths")}
    assert fill["p5-p95 of paths (baseline)"] != fill["p5-p95 of paths (china-exit)"]
    groups = {t.legendgroup for t in fig.data if t.name and t.name.startswith("p5-p95 of paths")}
    assert len(groups) == 2                  # a click on one side's band hides that side's only


def test_compare_repr_names_both_runs(base, exit_):
    """Outside a notebook the tutorial's last line of section 3 printed
    '<treasurylab.report.notebook.Comparison object at 0x...>'; a Run says what it is, so does a comparison."""
    r = repr(treasurylab.compare(base, exit_))
    assert r == "<treasurylab Comparison china-exit - baseline, paired per path: 8 paths, seed 1, 60 months>"
