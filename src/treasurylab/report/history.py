"""Observed history before a scenario's fan: the monthly record of the variable, from the bundled data.

``observed(var, before, months=60)`` returns a DataFrame ``month`` (YYYY-MM), ``value`` (in the unit the
fan shows) with ``.attrs`` ``source`` (publisher and dataset id) and ``as_of`` (the last observation),
or None where no bundled series measures the variable (output gap, debt/GDP by month, net interest by
month: CBO publishes those by fiscal year, and the model's monthly versions have no observed twin).
Daily and weekly series are averaged by calendar month (the last month may be a part month).
``observed_since(var, start)`` returns the same for the months from ``start`` on, to the last
observation: what happened after a run's start, drawn over its fan so that a reader can check the band
against it.
"""

from __future__ import annotations

from typing import Any

#: variable -> (dataset id, filters, scale to the fan's unit, label)
HISTORY: dict[str, tuple[str, dict[str, Any], float, str]] = {
    "y10": ("yields.cmt", {"series": "DGS10"}, 1.0, "10-year CMT yield (DGS10)"),
    "tp10": ("macro.term_premium", {"series": "ACMTP10"}, 1.0, "ACM 10-year term premium"),
    "mortgage": ("mortgage.rate30", {}, 1.0, "30-year mortgage rate (Freddie Mac PMMS)"),
    "policy_rate": ("rates.daily", {"series": "DFF"}, 1.0, "effective federal funds rate (DFF)"),
    "foreign_total": ("tic.holdings", {"row_type": "grand_total", "series": "current"}, 1.0,
                      "TIC: all foreign holders (grand total)"),
    "foreign_official": ("tic.holdings", {"row_type": "foreign_official", "series": "current"}, 1.0,
                         "TIC: foreign official holders"),
}


def _monthly(var: str, first: str | None, before: str | None):
    from treasurylab import data

    if var not in HISTORY:
        return None
    ds_id, filters, k, label = HISTORY[var]
    df = data.series(ds_id, start=first, **filters)
    ds = data.get(ds_id)
    if df.empty:
        return None
    m = df[ds.date_column].astype(str).str.slice(0, 7)
    keep = m < before[:7] if before is not None else m == m
    out = (df.assign(month=m)[keep].groupby("month", sort=True)[ds.value_column].mean() * k).reset_index()
    out.columns = ["month", "value"]
    if out.empty:
        return None
    out.attrs = {"source": f"{ds.publisher} ({ds.id})", "as_of": str(df[ds.date_column].astype(str).max()),
                 "label": label, "dataset": ds_id}
    return out


def observed(var: str, before: str, months: int = 60):
    """Monthly observations of ``var`` in the ``months`` months before ``before`` (YYYY-MM), or None."""
    import pandas as pd

    if var not in HISTORY:
        return None
    first = (pd.Period(before[:7], freq="M") - months).strftime("%Y-%m")
    return _monthly(var, first, before)


def observed_since(var: str, start: str):
    """Monthly observations of ``var`` from ``start`` (YYYY-MM) to the last one, or None (none yet)."""
    return _monthly(var, start[:7], None)
