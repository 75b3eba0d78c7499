"""Is a dataset current? Its next release was due when the publisher's calendar says the period after
its last observation is published; past that date plus a grace, the dataset is *stale*.

One rule for every dataset that has both a release cadence (``Dataset.release_every`` in the catalog)
and a publication-date rule (:mod:`treasurylab.data.asof`): the last observation published by the day
judged (today or an as-of date), the period after it (a business day, a week, a month, a quarter or a year
later), the publication date of that period by the dataset's as-of rule, plus :data:`GRACE_DAYS`.
A dataset without a cadence (irregular, a frozen vintage, a history file, or a calendar not yet
written) or without a rule is not judged: :attr:`Freshness.judged` is False and its status says why.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass

#: assumption: a week past the due day. Publishers' calendars slip by a day or two (a holiday moves the
#: H.4.1 from Thursday to Friday, TIC's mid-month day varies); a week covers those without calling a
#: dataset current when a whole weekly release, or a monthly one by more than a week, is missing.
GRACE_DAYS = 7


def judged_day(as_of=None) -> dt.date:
    """``as_of`` as a date (a date or 'YYYY-MM[-DD]'), or the project's clock's day
    (:func:`treasurylab.data.clock.today`, looked up at each call so that a test setting it is followed)
    when it is None."""
    from treasurylab.data import clock
    from treasurylab.data.asof import as_date

    return as_date(as_of) if as_of is not None else clock.today()


@dataclass(frozen=True)
class Freshness:
    dataset: str
    judged: bool                     # False: no cadence or no release rule (``why`` says which)
    stale: bool = False
    last: str | None = None          # the last observation published by ``as_of`` (the dataset's period text)
    next_due: dt.date | None = None  # when the release of the period after ``last`` was due
    as_of: dt.date | None = None
    why: str = ""

    def status(self) -> str:
        """'stale: last observed 2026-06-24, next release was due ~2026-07-02', 'current: ...' or why
        it is not judged."""
        if not self.judged:
            return f"not judged: {self.why}"
        if self.stale:
            return f"stale: last observed {self.last}, next release was due ~{self.next_due.isoformat()}"
        return f"current: last observed {self.last}, next release due ~{self.next_due.isoformat()}"


def _next_period(text: str, every: str) -> str:
    """The period after ``text`` (the dataset's own period text) for a cadence ``every``."""
    import pandas as pd

    s = str(text)
    if every == "Q":                     # 'YYYYqN' (COFER) or a quarter's first day
        q = pd.Period(s.upper(), "Q") if "q" in s.lower() else pd.Period(s[:10], "Q")
        nq = q + 1
        return f"{nq.year}q{nq.quarter}" if "q" in s.lower() else nq.start_time.date().isoformat()
    if every == "Y":
        return str(int(s) + 1) if s.isdigit() else str(pd.Period(s, "M") + 12)
    if every == "M":
        if len(s) == 7:
            return str(pd.Period(s, "M") + 1)
        return (pd.Timestamp(s[:10]) + pd.offsets.MonthEnd(1)).date().isoformat()  # a month-end date
    d = pd.Timestamp(s[:10])
    step = pd.offsets.BDay(1) if every == "B" else pd.Timedelta(days=7)
    return (d + step).date().isoformat()


#: (dataset, its cadence and rule, day judged, the dataset's data state) -> its Freshness, for this process,
#: oldest first (first in, first out: a day's keys are all made within minutes)
_JUDGED: OrderedDict[tuple, Freshness] = OrderedDict()
#: a page reads ~10 datasets, judged on one day (two or three days when a test or an as-of moves the clock)
_JUDGED_MAX = 256


def freshness(dataset_id: str, as_of=None, df=None) -> Freshness:
    """Whether ``dataset_id`` is stale on ``as_of`` (a date or 'YYYY-MM[-DD]'; default today).
    ``df``: the dataset's table when the caller has it (else it is read from the store).

    Read from the store, a dataset is judged once per day judged and per state of its data in a process:
    the dashboard's pages ask for the same dataset's flag card after card (a cold Overview asked 21
    times for 11 datasets, each reading its table). The memo's key holds the dataset's data state
    (``store.fingerprint(dataset_id)``: its files' names, sizes and times, the bundled ones or the copy
    ``data update`` fetched into the store in use), so a refreshed file or another store is judged
    afresh, never answered from the old data; and its cadence and rule, which a test may change."""
    from treasurylab.data import asof as A
    from treasurylab.data.catalog import get

    ds = get(dataset_id)
    day = judged_day(as_of)
    if ds.release_every is None:
        return Freshness(ds.id, False, as_of=day, why="no release calendar recorded")
    if ds.id not in A.RULES and ds.id not in A.SERIES_RULES:
        return Freshness(ds.id, False, as_of=day, why="no publication-date rule in data/asof.py")
    if df is not None:
        return _judge(ds, day, df)
    from treasurylab.data.store import fingerprint

    key = (ds.id, ds.release_every, A.RULES.get(ds.id), str(A.SERIES_RULES.get(ds.id)), day,
           fingerprint(ds.id))
    # the dashboard's server threads share the memo: one lookup (a key evicted between a test and a read
    # by another thread is a miss, never a KeyError); two threads judging one key at once both get it right
    hit = _JUDGED.get(key)
    if hit is not None:
        return hit
    from treasurylab import data

    out = _JUDGED[key] = _judge(ds, day, data.series(ds.id))
    while len(_JUDGED) > _JUDGED_MAX:
        try:
            _JUDGED.popitem(last=False)
        except KeyError:       # emptied by another thread meanwhile
            break
    return out


def _judge(ds, day: dt.date, df) -> Freshness:
    """The stale rule for ``ds`` (with a cadence and a publication-date rule) on ``day`` over its table ``df``."""
    import numpy as np
    import pandas as pd

    from treasurylab.data import asof as A

    col = A.RULES[ds.id][0] if ds.id in A.RULES else A.SERIES_RULES[ds.id][1]
    # a row's publication date depends on its period (and its series, where series have calendars of
    # their own) only: judge the distinct ones, not every row (146,731 rows of yields.cmt are 12,000-odd
    # days; converting every row's text to a date took 90 ms of the 100 ms a judgement took)
    if ds.id in A.SERIES_RULES:
        df = df[[A.SERIES_RULES[ds.id][0], col]]
        df.attrs = {}   # pandas deep-copies a frame's attrs (the provenance record) into every result
        df = df.drop_duplicates()
    else:
        df = pd.DataFrame({col: df[col].unique()})
    pub = A.published(ds.id, df).to_numpy()
    seen = df[pub <= np.datetime64(day)]
    if seen.empty:
        return Freshness(ds.id, False, as_of=day, why=f"nothing published by {day.isoformat()}")
    periods = seen[col].astype(str)
    last = periods.max() if ds.release_every != "Y" or not periods.str.isdigit().all() else str(periods.astype(int).max())
    nxt = seen[periods == last].copy()
    nxt[col] = _next_period(last, ds.release_every)
    if col == "fiscal_year":
        nxt[col] = nxt[col].astype(int)
    due = A.published(ds.id, nxt).min().date()
    return Freshness(ds.id, True, stale=day > due + dt.timedelta(days=GRACE_DAYS), last=last, next_due=due, as_of=day)


def stale_flags(ids, as_of=None) -> str | None:
    """The stale flags of the datasets ``ids`` that something reads, in the words every reader sees
    ('fed.custody_foreign_official stale: last observed 2026-06-24, next release was due ~2026-07-02', one
    per stale dataset, joined by '; '), or None when none is stale: the dashboard's alerts, 'what changed'
    rows, chart source lines and the Demand reading all write them through here."""
    day = judged_day(as_of)
    flags = [f for f in (freshness(i, as_of=day) for i in dict.fromkeys(ids)) if f.stale]
    return "; ".join(f"{f.dataset} {f.status()}" for f in flags) or None
