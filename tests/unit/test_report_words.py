"""The run report's charts and tables say what they show: the window of the holders' waterfall, one
statistic (the mean across paths) for the 10-year's decomposition in the report and the terminal, the
fan bands' percentiles named as percentiles of paths, and the terminal's number format in the report's
tables."""

from __future__ import annotations

import pytest

from treasurylab.report.html import figures_for
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
