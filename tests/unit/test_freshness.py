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


def _reads(monkeypatch) -> list[str]:
    """The datasets read from the store from now on, in order."""
    from treasurylab.data import store

    reads: list[str] = []
    load = store.load
    monkeypatch.setattr(store, "load", lambda dataset_id, **k: reads.append(dataset_id) or load(dataset_id, **k))
    return reads


def test_a_dataset_is_read_and_judged_once_per_day_in_a_process(monkeypatch):
    """The dashboard asks for a dataset's flag card after card (a cold Overview asked 21 times for 11
    datasets), and each judgement read the dataset from the store again. Days no other test judges, so
    that nothing is remembered for them yet."""
    from treasurylab.data.freshness import stale_flags

    reads = _reads(monkeypatch)
    day, other = "2026-08-13", "2026-08-14"
    flags = [stale_flags([CUSTODY, "mortgage.rate30"], as_of=day) for _ in range(3)]
    assert flags[0] == flags[1] == flags[2] and CUSTODY in flags[0]
    assert sorted(reads) == sorted([CUSTODY, "mortgage.rate30"])          # once each, not three times
    assert freshness(CUSTODY, as_of=other).as_of == dt.date(2026, 8, 14)   # another day: judged on its own
    assert reads.count(CUSTODY) == 2
    assert freshness(CUSTODY, as_of=day).status() in flags[0]                # the first day is still known
    assert reads.count(CUSTODY) == 2
    # a table the caller already has is judged on it, never answered from the memo
    from treasurylab import data

    df = data.series(CUSTODY)
    assert freshness(CUSTODY, as_of=day, df=df[df["date"].astype(str) <= "2026-06-03"]).last == "2026-06-03"


def _refreshed_custody(root, last: str) -> None:
    """``data update``'s copy of the custody series in the store at ``root``: weekly, ending on ``last``."""
    import json

    import pandas as pd

    d = root / "_updates" / CUSTODY
    d.mkdir(parents=True, exist_ok=True)
    days = pd.date_range(end=last, periods=14, freq="W-WED")
    (d / "WMTSECL1.csv").write_text("observation_date,WMTSECL1\n" + "".join(f"{x.date()},2700000\n" for x in days))
    (d / "update.json").write_text(json.dumps({"url": "test", "retrieved": last}))


def test_a_refreshed_copy_or_another_store_is_judged_afresh(tmp_path, monkeypatch):
    """The memo of judgements is keyed on the dataset's data (its files in the store in use): a store
    swapped for another, or a copy refreshed in place, is judged on its own data, never answered from
    the old. On 2026-07-15 the bundled custody series (last week 2026-06-24, next due 2026-07-02) is past
    its grace; a copy with the week of 2026-07-01 is current; one with 2026-07-08 too, a week later."""
    import os

    day, first_store = "2026-07-15", os.environ["TREASURYLAB_STORE"]
    bundled = freshness(CUSTODY, as_of=day)
    assert bundled.last == "2026-06-24" and bundled.stale
    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))
    _refreshed_custody(tmp_path / "store", "2026-07-01")
    swapped = freshness(CUSTODY, as_of=day)
    assert swapped.last == "2026-07-01" and not swapped.stale
    _refreshed_custody(tmp_path / "store", "2026-07-08")                 # refreshed again, same store
    assert freshness(CUSTODY, as_of=day).last == "2026-07-08"
    monkeypatch.setenv("TREASURYLAB_STORE", first_store)
    assert freshness(CUSTODY, as_of=day) == bundled                      # back to the first store: its data
