"""Publication dates: when each observation became public, so that a run from month m sees only what
was published by then (strict as-of discipline).

Every bundled dataset that a run or a backtest reads as *observed* data gets a rule
``period -> publication date`` (:data:`RULES`); :func:`published` applies it to a table and
:func:`series_asof` returns the rows published on or before a date, with a ``published`` column.
The rules are the publishers' release calendars, rounded to the later side where a release day
varies (a conservative rule can only hide data, never leak it):

* ``yields.cmt``, ``rates.daily`` (FRED / H.15 daily rates): a day's value is posted the next
  business day - rule: date + 1 day (weekends make it later in fact, never earlier).
* ``tic.holdings`` (TIC "Major Foreign Holders", end of month M): released about six weeks later,
  around the 15th-18th of month M+2 (Treasury's TIC release calendar) - rule: end of M + 49 days.
  The same monthly release carries TIC Table 3 (holdings, net purchases, valuation) and, up to its
  last month (2023-01), the S1 table of long-term transactions: the bundled July 2026 downloads of
  all three (``tic.holdings.vintage-2026-07``, ``tic.table3.vintage-2026-07``,
  ``tic.s1.vintage-2026-07``) get the same rule.
* ``mspd.summary`` (Monthly Statement of the Public Debt, end of month M): published on the fourth
  business day of M+1 (Fiscal Data, MSPD release notes) - rule: end of M + 7 days.
* ``fed.treasuries`` (H.4.1, Wednesday levels): released on Thursday - rule: date + 1 day.
* ``fed.custody_foreign_official`` (FRED WMTSECL1, the H.4.1 table 1A memo) and
  ``fed.h41.foreign_official`` (the release page's custody, foreign official reverse repo and FIMA repo
  lines), dated by the Wednesday that ends the week: the Federal Reserve Board releases H.4.1 each
  Thursday at 4:30 p.m. for the week ended the day before (H.4.1 release page and its release dates,
  federalreserve.gov/releases/h41; a Thursday holiday moves it to Friday, later, never earlier) - rule:
  date + 1 day.
* ``mortgage.rate30`` (Freddie Mac PMMS, FRED MORTGAGE30US): Freddie Mac publishes the survey every
  Thursday at noon ET, and FRED dates each week by that Thursday (freddiemac.com/pmms) - rule: the date
  itself.
* ``treasury.auctions`` (Fiscal Data auctions_query): Treasury releases an auction's results the day it
  is held, minutes after bidding closes (TreasuryDirect, auction results press releases; the auction's
  own date is ``date``) - rule: the date itself.
* ``fred.baa10y`` (FRED BAA10Y: Moody's seasoned Baa yield, FRED DBAA from "Moody's Daily Corporate
  Bond Yield Averages", less the 10-year CMT, DGS10 from H.15): FRED posts a day's spread the next
  business day, once both legs are in (H.15 posts a day's rates the next business day, as for
  ``yields.cmt``; a contemporaneous retrieval shows the Friday 2015-12-11 value on FRED on Monday
  2015-12-14) - rule: the next business day.
* ``macro.term_premium`` holds two series with their own calendars (:data:`SERIES_RULES`):
  ``ACMTP10``, the New York Fed's ACM term premium: "ACM term premia data are updated daily" (the
  model is re-estimated once a month, revising history slightly; newyorkfed.org, Treasury Term Premia
  page) - rule: the next business day; ``THREEFYTP10``, the Fed Board's Kim-Wright term premium
  (FRED): the Board updates the three-factor model's data weekly (its data catalog entry, "modified
  R/P1W"; FRED's THREEFY3 shows the Friday 2024-10-11 value updated on Tuesday 2024-10-15) - rule:
  the Tuesday after the week of the observation (its Friday + 4 days).
* ``curated.pboc_gold_monthly`` (PBoC official gold reserves, end of month M, dated by M's first day):
  SAFE releases China's official reserve assets, the PBoC's gold among them, on the 7th of M+1 (the
  first report the table cites for a month is dated that 7th: end-January 2022 in Xinhua of 2022-02-07,
  end-September 2025 in FXStreet of 2025-10-07, end-February 2026 in Jinshi of 2026-03-07; later reports,
  such as Bloomberg's of 2023-01-08, are no earlier) - rule: the 7th of M+1. assumption: a release is
  never earlier than the 7th (none the table cites is), so a month is never seen before it ends.
* ``imf.cofer`` (COFER, quarter Q, dated ``YYYYqN`` or by the quarter's first day): "end-of-period
  quarterly data with a one-quarter lag ... released on the last business day of each quarter" (IMF
  DataHelp, "What is the release schedule for COFER data?"); the bundled 2025q4 response carries the IMF
  update date 2026-03-27 (PROVENANCE.md) - rule: the last calendar day of the quarter after Q (the later
  side of its last business day).
* ``tic.table5.vintage-2026-07`` (TIC Table 5, the latest months of the holdings by country): published
  in the same monthly TIC release as the history file - rule: the TIC rule above.
* ``cbo.eval.baselines`` and ``cbo.econ.<vintage>``: CBO's report is released during the month its
  baseline is dated (January 17, 2025; February 2026) - rule: the first day of the next month.
* ``cbo.eval.actuals`` and ``cbo.eval.gdp`` (fiscal year Y, ending September 30): the Monthly
  Budget Review for September and BEA's advance third-quarter GDP appear by early November -
  rule: November 10 of year Y.

What the rules cannot undo: the bundled files are the *latest* vintages of each series, so revised
history (TIC's annual revisions, GDP revisions) is seen with its revisions; this is documented in
docs/validation.md. Dates are ``datetime.date``; periods are the datasets' own ``date`` text
(``YYYY-MM-DD``, ``YYYY-MM``) or, for CBO's fiscal tables, ``fiscal_year`` / ``baseline_date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from treasurylab.errors import BadInput

if TYPE_CHECKING:     # imported where a rule is applied: a run that only needs as_date never loads pandas
    import pandas as pd


def _day(s: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(s.astype(str).str.slice(0, 10), format="%Y-%m-%d")


def _month_end(s: pd.Series) -> pd.Series:
    import pandas as pd

    first = pd.to_datetime(s.astype(str).str.slice(0, 7), format="%Y-%m")
    return first + pd.offsets.MonthEnd(0)


def _next_month_first(s: pd.Series) -> pd.Series:
    import pandas as pd

    first = pd.to_datetime(s.astype(str).str.slice(0, 7), format="%Y-%m")
    return first + pd.offsets.MonthBegin(1)


def _next_business_day(s: pd.Series) -> pd.Series:
    import pandas as pd

    d = _day(s)
    return pd.Series(pd.DatetimeIndex(d) + pd.offsets.BDay(1), index=s.index)


def _tuesday_after_week(s: pd.Series) -> pd.Series:
    import pandas as pd

    d = _day(s)
    return d + pd.to_timedelta((4 - d.dt.day_of_week) % 7 + 4, unit="D")


def _fiscal_year_nov10(s: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(s.astype(int).astype(str) + "-11-10", format="%Y-%m-%d")


def _days(n: int):
    import pandas as pd

    return pd.Timedelta(days=n)


def _next_day(s: pd.Series) -> pd.Series:
    """Daily files (H.15, H.4.1, the custody series): an observation is published the next day."""
    return _day(s) + _days(1)


def _tic_release(s: pd.Series) -> pd.Series:
    """TIC: a month's holdings are published about 49 days after its end (mid second month)."""
    return _month_end(s) + _days(49)


def _pboc_release(s: pd.Series) -> pd.Series:
    """SAFE's monthly reserve release: month M (dated by its first day) is published on the 7th of M+1."""
    return _next_month_first(s) + _days(6)


def _quarter_end(s: pd.Series) -> pd.Series:
    """The last day of the quarter a period falls in: 'YYYYqN' or any date inside the quarter."""
    import pandas as pd

    t = s.astype(str)
    month = t.str.slice(0, 7)
    q = t.str.extract(r"^(\d{4})[qQ]([1-4])$")
    has_q = q[0].notna()
    month[has_q] = q.loc[has_q, 0] + "-" + q.loc[has_q, 1].map(lambda n: f"{3 * int(n):02d}")
    return pd.to_datetime(month, format="%Y-%m") + pd.offsets.QuarterEnd(0)


def _cofer_release(s: pd.Series) -> pd.Series:
    """COFER: quarter Q is released on the last business day of the quarter after it (later side: its last day)."""
    import pandas as pd

    return _quarter_end(s) + pd.offsets.QuarterEnd(1)


#: dataset id -> (column holding the period, rule from that column to the publication date)
RULES: dict[str, tuple[str, Callable[[pd.Series], pd.Series]]] = {
    "yields.cmt": ("date", _next_day),
    "rates.daily": ("date", _next_day),
    "fed.treasuries": ("date", _next_day),
    "fed.custody_foreign_official": ("date", _next_day),
    "fed.h41.foreign_official": ("date", _next_day),
    "mortgage.rate30": ("date", _day),
    "treasury.auctions": ("date", _day),
    "fred.baa10y": ("date", _next_business_day),
    "tic.holdings": ("date", _tic_release),
    "tic.holdings.vintage-2026-07": ("date", _tic_release),
    "tic.table3.vintage-2026-07": ("date", _tic_release),
    "tic.s1.vintage-2026-07": ("date", _tic_release),
    "tic.table5.vintage-2026-07": ("date", _tic_release),
    "curated.pboc_gold_monthly": ("date", _pboc_release),
    "imf.cofer": ("date", _cofer_release),
    "mspd.summary": ("date", lambda s: _month_end(s) + _days(7)),
    "cbo.eval.baselines": ("baseline_date", _next_month_first),
    "cbo.eval.actuals": ("fiscal_year", _fiscal_year_nov10),
    "cbo.eval.gdp": ("fiscal_year", _fiscal_year_nov10),
}

#: datasets whose series have calendars of their own: dataset id -> (series column, period column,
#: {series: rule from the period column to the publication date})
SERIES_RULES: dict[str, tuple[str, str, dict[str, Callable[[pd.Series], pd.Series]]]] = {
    "macro.term_premium": ("series", "date", {"ACMTP10": _next_business_day, "THREEFYTP10": _tuesday_after_week}),
}

#: CBO economic projections: the vintage's release month (the whole file is published at once)
ECON_VINTAGES = {"cbo.econ.2025-01": "2025-01", "cbo.econ.2026-02": "2026-02"}


def as_date(x) -> dt.date:
    """A date from 'YYYY-MM' (its first day), 'YYYY-MM-DD' or a date."""
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    s = str(x)
    try:
        if len(s) == 7:
            return dt.date(int(s[:4]), int(s[5:7]), 1)
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        raise BadInput("not a date", field="as_of", got=s, fix="write YYYY-MM or YYYY-MM-DD") from None


def published(dataset_id: str, df: pd.DataFrame) -> pd.Series:
    """The publication date (``datetime64``) of every row of ``df``, a table of ``dataset_id``."""
    import pandas as pd

    if dataset_id in ECON_VINTAGES:
        d = _next_month_first(pd.Series([ECON_VINTAGES[dataset_id]]))[0]
        return pd.Series(d, index=df.index)
    if dataset_id in SERIES_RULES:
        scol, col, rules = SERIES_RULES[dataset_id]
        out = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
        for name, rule in rules.items():
            m = df[scol] == name
            if m.any():
                out[m] = rule(df.loc[m, col]).to_numpy()
        return out
    if dataset_id not in RULES:
        raise BadInput("no publication-date rule for this dataset", field="dataset", got=dataset_id,
                       fix=f"use one of {sorted(RULES) + sorted(SERIES_RULES) + sorted(ECON_VINTAGES)}")
    col, rule = RULES[dataset_id]
    return rule(df[col])


def release_date(dataset_id: str, period: str) -> dt.date:
    """The publication date of one period of a dataset (e.g. a CBO vintage '2025-01')."""
    import pandas as pd

    col, _ = RULES.get(dataset_id, ("date", None))
    return published(dataset_id, pd.DataFrame({col: [period]})).iloc[0].date()


def series_asof(dataset_id: str, as_of, **filters) -> pd.DataFrame:
    """Rows of ``dataset_id`` published on or before ``as_of`` (a date or 'YYYY-MM' = its first day),
    with a ``published`` column; ``filters`` as in :func:`treasurylab.data.series`."""
    from treasurylab import data

    cut = np.datetime64(as_date(as_of))
    df = data.series(dataset_id, **filters)
    pub = published(dataset_id, df)
    out = df.assign(published=pub.to_numpy())
    return out[out["published"].to_numpy() <= cut].reset_index(drop=True)
