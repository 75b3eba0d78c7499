"""The run report's charts and tables say what they show: the window of the holders' waterfall, one
statistic (the mean across paths) for the 10-year's decomposition in the report and the terminal, the
fan bands' percentiles named as percentiles of paths, and the terminal's number format in the report's
tables."""

from __future__ import annotations

import re

import numpy as np
import pytest

from treasurylab.report import figures as F
from treasurylab.report.html import figures_for, render
from treasurylab.scenario.runner import run


@pytest.fixture(scope="module")
def res():
    return run("davos-2026", paths=60, seed=5, workers=1)


def test_the_holders_waterfall_says_over_which_months(res):
    """The title said 'beyond the baseline, by holder (mean across paths)', not over which months: the
    sales are cumulative over the whole run (model/coupled.py: holder_sales)."""
    (_, fig), = figures_for(res)["holders"]
    title = fig.layout.title.text
    n = len(res.months)
    assert f"{res.months[0]} to {res.months[-1]}" in title and f"{n} months" in title, title
    assert "mean across paths" in title


def test_the_reports_decomposition_is_the_terminals_mean_across_paths(res):
    """The report's chart was the median path of each part while the terminal's table was the mean across
    paths: a median of parts does not add up to the median of the total; a mean does."""
    (_, fig), = figures_for(res)["loop"]
    assert "mean across paths" in fig.layout.title.text and "median" not in fig.layout.title.text
    rows = res.decomposition()
    bars = {t.name: dict(zip(t.x, t.y)) for t in fig.data if t.type == "bar"}
    line = next(t for t in fig.data if t.type == "scatter")
    total = dict(zip(line.x, line.y))
    for r in rows:
        m = r["month"]
        for name, v in r.items():
            if name in ("month", "total_bp"):
                continue
            if name in bars:
                assert bars[name][m] == pytest.approx(v, abs=1e-9), (name, m)
            else:       # a part left out of the chart is zero in the table (no term-premium event)
                assert v == pytest.approx(0.0, abs=1e-9), (name, m)
        assert total[m] == pytest.approx(r["total_bp"], abs=1e-9)
    # the bars add up to the total line in every month
    months = list(line.x)
    stacked = np.sum([[bars[n][m] for m in months] for n in bars], axis=0)
    np.testing.assert_allclose(stacked, list(line.y), atol=1e-9)


@pytest.mark.parametrize("fig", [
    lambda: F.fan_chart(["2026-01", "2026-02"], np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 4.0]]), "t", "%"),
    lambda: F.difference_fan(["2026-01", "2026-02"], np.array([[1.0, 2.0], [2.0, 3.0]]), "t", "pp"),
])
def test_fan_legends_say_the_bands_are_percentiles_of_paths(fig):
    names = {t.name for t in fig().data if t.showlegend is not False}
    assert {"p5-p95 of paths", "p25-p75 of paths"} <= names, names


def test_the_runs_fan_in_python_names_its_bands_of_paths():
    import treasurylab

    fig = treasurylab.run("baseline", paths=8, seed=1, workers=1).fan("y10")
    names = {t.name for t in fig.data if t.showlegend is not False}
    assert {"p5-p95 of paths", "p25-p75 of paths"} <= names, names


def test_the_reports_tables_write_numbers_as_the_terminal_does(res):
    """The report's headline wrote 1060.35 and 9417.79 where the terminal writes 1,060.35."""
    from treasurylab.scenario.results import fmt_number

    html = render(res)
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells
    assert not [c for c in cells if re.fullmatch(r"-?\d{4,}\.\d+", c)], "a number without its separators"
    ni = next(r for r in res.headline() if r["variable"] == "net_interest")
    assert f'<td class="num">{fmt_number(ni["p50"])}</td>' in html
    assert "," in fmt_number(ni["p50"])
    assert fmt_number(1060.354) == "1,060.35" and fmt_number(-2.5) == "-2.50"
