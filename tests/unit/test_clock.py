"""One clock (data/clock.py): an observation's age, a dataset's last observed period and the stale rule
all judge the same day when the caller names none; setting the clock moves all three together.

``data.age`` and ``data.coverage`` read the system date while the stale rule read its own clock, so a
dashboard or a test with the clock set showed a flag judged on one day beside an age counted to another."""

from __future__ import annotations

import datetime as dt

import pytest

from treasurylab import data
from treasurylab.data import clock
from treasurylab.data.freshness import freshness

CUSTODY = "fed.custody_foreign_official"   # weekly, Wednesdays; the bundled series ends 2026-06-24


@pytest.mark.parametrize("day", [dt.date(2026, 6, 5), dt.date(2026, 7, 8), dt.date(2031, 1, 1)])
def test_age_coverage_and_the_stale_rule_follow_the_clock(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)
    # the age of one observation, counted to the clock's day (what age(last, day) says with the day named)
    assert data.age("2026-06-03") == data.age("2026-06-03", day)
    assert data.age("2026-06-03") == {dt.date(2026, 6, 5): "2 days", dt.date(2026, 7, 8): "35 days",
                                      dt.date(2031, 1, 1): "4.6 years"}[day]
    # the last observation not after the clock's day
    cov = data.coverage(CUSTODY)
    dates = data.series(CUSTODY)["date"].astype(str)
    assert cov["last_observed"] == dates[dates <= day.isoformat()].max()
    assert cov["last"] == "2026-06-24"
    # and the stale rule judges that same day
    assert freshness(CUSTODY).as_of == day


def test_a_day_before_the_last_observation_makes_it_a_future_one(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 6, 1))
    assert data.age("2026-06-24").startswith("in the future")
    assert data.coverage(CUSTODY)["last_observed"] == "2026-05-27"
