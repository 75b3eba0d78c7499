"""The stale flag: a dataset is stale once the day judged is past the date its next release was due (the
period after its last published observation, by its release cadence and its rule in data/asof.py) plus a
grace of GRACE_DAYS."""

from __future__ import annotations

import datetime as dt

import pytest

from treasurylab.data.freshness import GRACE_DAYS, freshness

CUSTODY = "fed.custody_foreign_official"


def _due_plus_grace(due: str) -> tuple[dt.date, dt.date]:
    last_ok = dt.date.fromisoformat(due) + dt.timedelta(days=GRACE_DAYS)
    return last_ok, last_ok + dt.timedelta(days=1)


def test_weekly_custody_is_stale_in_december_and_says_when_its_next_release_was_due():
    # the bundled custody series ends on Wednesday 2026-06-24; the week after ends Wednesday 2026-07-01,
    # whose H.4.1 is released the next day (data/asof.py: date + 1 day)
    f = freshness(CUSTODY, as_of="2026-12-07")
    assert f.judged and f.stale
    assert f.last == "2026-06-24" and f.next_due == dt.date(2026, 7, 2)
    assert f.status() == "stale: last observed 2026-06-24, next release was due ~2026-07-02"


def test_custody_is_fresh_until_the_grace_after_its_due_day_and_stale_the_day_after():
    ok, late = _due_plus_grace("2026-07-02")
    assert not freshness(CUSTODY, as_of=ok).stale
    assert freshness(CUSTODY, as_of=late).stale
    fresh = freshness(CUSTODY, as_of="2026-06-26")
    assert not fresh.stale and fresh.status().startswith("current: last observed 2026-06-24")


def test_an_earlier_as_of_judges_the_last_observation_published_by_then():
    # on Thursday 2026-03-05 the week ended Wednesday 2026-03-04 has just been released
    f = freshness(CUSTODY, as_of="2026-03-05")
    assert f.last == "2026-03-04" and not f.stale and f.next_due == dt.date(2026, 3, 12)


def test_a_monthly_release_is_due_by_the_tic_calendar():
    # TIC Table 3's last month is 2026-04; May's release is due at the end of May + 49 days (data/asof.py)
    due = dt.date(2026, 5, 31) + dt.timedelta(days=49)
    f = freshness("tic.table3.vintage-2026-07", as_of="2026-07-01")
    assert f.last == "2026-04" and f.next_due == due and not f.stale
    ok, late = _due_plus_grace(due.isoformat())
    assert not freshness("tic.table3.vintage-2026-07", as_of=ok).stale
    assert freshness("tic.table3.vintage-2026-07", as_of=late).stale


def test_a_fiscal_year_dataset_is_due_on_the_tenth_of_november():
    f = freshness("cbo.eval.actuals", as_of="2026-06-01")
    assert f.last == "2025" and f.next_due == dt.date(2026, 11, 10) and not f.stale
    assert freshness("cbo.eval.actuals", as_of="2026-11-18").stale


def test_a_frozen_vintage_is_not_judged():
    f = freshness("tic.s1.vintage-2026-07", as_of="2026-12-07")
    assert not f.judged and not f.stale and f.status().startswith("not judged")


def test_every_dataset_with_a_cadence_has_a_publication_rule():
    from treasurylab import data
    from treasurylab.data import asof

    for ds in data.datasets().values():
        if ds.release_every is not None:
            assert ds.release_every in {"B", "W", "M", "Q", "Y"}, ds.id
            assert ds.id in asof.RULES or ds.id in asof.SERIES_RULES, ds.id


@pytest.mark.parametrize("dataset, before, after, last", [
    # PBoC gold for February is out on 7 March (data/asof.py), March's due 7 April: stale after the 14th
    ("curated.pboc_gold_monthly", "2026-04-14", "2026-04-15", "2026-02"),
    # COFER 2025q4 out at the end of 2026q1, 2026q1 due at the end of 2026q2: stale from 8 July
    ("imf.cofer", "2026-07-07", "2026-07-08", "2025q4"),
])
def test_the_reserve_datasets_with_a_publication_rule_are_judged(dataset, before, after, last):
    """PBoC gold and COFER got publication rules (data/asof.py) and a release cadence, so the stale flag
    judges them (quarterly periods included) instead of 'not judged'."""
    f0, f1 = freshness(dataset, before), freshness(dataset, after)
    assert f0.judged and f1.judged and f0.last == f1.last == last
    assert not f0.stale and f1.stale


def test_tic_table5_is_judged_like_table3():
    a, b = freshness("tic.table5.vintage-2026-07", "2026-12-07"), freshness("tic.table3.vintage-2026-07", "2026-12-07")
    assert a.judged and b.judged and a.next_due == b.next_due and a.stale
