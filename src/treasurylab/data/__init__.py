"""EVIDENCE layer: official data in, provenance kept.

Public API::

    from treasurylab import data
    data.datasets()                                   # id -> Dataset (catalog)
    df = data.series("tic.holdings", country="china", start="2013-01")
    df.attrs["provenance"]                           # source, publisher, sha256, parser version...
    data.query("SELECT ... FROM tic_holdings")       # DuckDB over the Parquet store

``series`` filters: ``country`` (forgiving match; several as a list or ``'china,japan,uk'``),
``start``/``end`` (prefix comparison on the date column, e.g. ``'2013-11'``), and ``<column>=value``
(or a list of values) for any other column. ``wide=True`` pivots to one column per country (or per
series), dates as the index::

    data.series("tic.holdings", country=["china", "japan", "uk"], series="current", wide=True)
"""

from __future__ import annotations

from typing import Any

from treasurylab.data.catalog import Dataset, datasets, get
from treasurylab.errors import BadInput, did_you_mean

__all__ = ["Dataset", "age", "coverage", "datasets", "filter_rows", "get", "load", "load_file", "query", "series",
           "wide_table"]


def load(dataset_id: str):
    from treasurylab.data import store

    return store.load(dataset_id)


def load_file(path):
    """Parse a file a user downloaded (TIC, Treasury par curve, FRED, SOMA, COFER, WGC), format sniffed."""
    from treasurylab.data import store

    return store.load_file(path)


def query(sql: str):
    from treasurylab.data import store

    return store.query(sql)


def period_end(text: str):
    """The last day of a period written ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``YYYYqN`` (None if unreadable)."""
    import calendar
    import datetime as dt
    import re

    s = str(text).strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
            y, mo = int(m[1]), int(m[2])
            return dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if m := re.fullmatch(r"(\d{4})q([1-4])", s, flags=re.IGNORECASE):
            y, mo = int(m[1]), 3 * int(m[2])
            return dt.date(y, mo, calendar.monthrange(y, mo)[1])
        if re.fullmatch(r"\d{4}", s):
            return dt.date(int(s), 12, 31)
    except ValueError:
        return None
    return None


def age(last: str, today=None) -> str:
    """How old an observation dated ``last`` is on ``today`` (default: the project's clock,
    data/clock.py, the day the stale rule judges), in words ('3 days', '11 months', '2.1 years')."""
    from treasurylab.data import clock

    end = period_end(last)
    if end is None:
        return "unknown"
    days = ((today or clock.today()) - end).days
    if days < 0:
        return "in the future (a projection)"
    if days < 62:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 730:
        return f"{round(days / 30.44)} months"
    return f"{days / 365.25:.1f} years"


def coverage(dataset_id: str) -> dict[str, Any]:
    """Rows, first and last observation, as-of date and publisher of a dataset (as the store has it).

    ``as_of`` is the day the files were retrieved (a ``data update`` copy's day when one is in use).
    Projections (e.g. CBO's) make ``last`` a future date: ``last_observed`` is the last date not after
    today (the project's clock, data/clock.py, the day the stale rule judges)."""
    from treasurylab.data import clock, store

    ds = get(dataset_id)
    df = store.load(dataset_id)
    prov = df.attrs.get("provenance", {})
    first = last = last_observed = None
    if ds.date_column and ds.date_column in df.columns:
        d = df[ds.date_column].dropna().astype(str)
        if not d.empty:
            first, last = d.min(), d.max()
            today = clock.today()
            past = [x for x in d.unique() if (period_end(x) or today) <= today]
            last_observed = max(past) if past else None
    upd = prov.get("updated_from") or {}
    return {"id": ds.id, "rows": len(df), "first": first, "last": last, "last_observed": last_observed,
            "as_of": upd.get("retrieved") or ds.retrieved, "publisher": ds.publisher, "unit": ds.unit,
            "frequency": ds.frequency}


def _check_period(name: str, v: Any) -> str:
    import datetime as dt
    import re

    s = str(v)
    bad = not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?|q[1-4])?", s)
    if not bad and len(s) >= 7 and s[4] == "-":
        try:  # a month or day that does not exist (2025-13, 2025-02-30) is refused, not matched to nothing
            dt.date(int(s[:4]), int(s[5:7]), int(s[8:10]) if len(s) == 10 else 1)
        except ValueError:
            bad = True
    if bad:
        raise BadInput("not a date", field=name, got=s, fix="write YYYY, YYYY-MM or YYYY-MM-DD")
    return s


def countries(country: Any) -> list[str]:
    """``'china,japan'``, ``['china', 'uk']`` or ``('china,japan', 'uk')`` -> ``['china', 'japan', 'uk']``."""
    items = [country] if isinstance(country, str) else list(country)
    out = [p.strip() for it in items for p in str(it).split(",")]
    out = [p for p in out if p]
    if not out:
        raise BadInput("no country given", field="country", got=country, fix="e.g. china or china,japan,uk")
    return out


def series(dataset_id: str, *, country: Any = None, start: Any = None, end: Any = None, wide: bool = False,
           **filters: Any):
    """Rows of ``dataset_id`` matching the filters (a pandas DataFrame with provenance in ``.attrs``).

    ``country`` may name several countries (a list, or comma-separated); the rows keep the order of
    the names given. ``wide=True`` returns one column per country (or per ``series`` when the dataset
    has no country dimension), indexed by date, with the unit in ``.attrs['unit']``."""
    from treasurylab.data import store

    return filter_rows(dataset_id, store.load(dataset_id), country=country, start=start, end=end, wide=wide,
                       **filters)


def filter_rows(dataset_id: str, df, /, *, country: Any = None, start: Any = None, end: Any = None,
                wide: bool = False, **filters: Any):
    """:func:`series` on ``df``, the whole table of ``dataset_id`` already read (``load``): for a
    caller that needs the whole table too (``data show`` judges freshness over every row), so the
    dataset is read once. The one home of the filters' rules."""
    from treasurylab.data.names import match_name

    ds = get(dataset_id)
    full = df  # values of a filter column are checked against the whole dataset, not the date window
    attrs = dict(df.attrs)
    if country is not None:
        if not ds.country_column:
            raise BadInput(f"dataset {ds.id} has no country dimension", field="country",
                           fix="drop --country for this dataset")
        names = df[ds.country_column].dropna().unique().tolist()
        wanted = list(dict.fromkeys(match_name(c, names, what="country") for c in countries(country)))
        df = df[df[ds.country_column].isin(wanted)]
        if len(wanted) > 1:  # the order the reader asked for, dates ascending within each
            order = {w: i for i, w in enumerate(wanted)}
            df = df.iloc[df[ds.country_column].map(order).argsort(kind="stable")]
    if start is not None or end is not None:
        if not ds.date_column:
            raise BadInput(f"dataset {ds.id} has no date dimension", field="start/end",
                           fix="drop --start/--end for this dataset")
        d = df[ds.date_column].astype(str)
        if start is not None:
            start = _check_period("start", start)
        if end is not None:
            end = _check_period("end", end)
        if start is not None and end is not None and str(start) > str(end):
            raise BadInput("date range is inverted", field="start/end", got=f"{start} > {end}",
                           fix="give --start before --end")
        mask = d.notna()
        if start is not None:
            mask &= d.str.slice(0, len(start)) >= start
        if end is not None:
            mask &= d.str.slice(0, len(end)) <= end
        df = df[mask]
    for col, want in filters.items():
        if want is None:
            continue
        if col not in df.columns:
            raise BadInput(f"dataset {ds.id} has no column to filter on", field=col,
                           fix=did_you_mean(col, list(df.columns)))
        wants = want if isinstance(want, (list, tuple, set)) else [want]
        col_values = df[col]
        if col_values.dtype == object or str(col_values.dtype).startswith("str"):
            lowered = {str(w).lower() for w in wants}
            mask = col_values.astype(str).str.lower().isin(lowered)
            known = full[col].dropna().astype(str)
            if not known.str.lower().isin(lowered).any():
                raise BadInput(f"no rows with {col} = {want!r} in {ds.id}", field=col,
                               fix=did_you_mean(str(wants[0]), known.unique()))
        else:
            mask = col_values.isin(list(wants))
        df = df[mask]
    df = df.reset_index(drop=True)
    df.attrs = attrs
    if wide:
        return wide_table(ds, df)
    return df


def wide_table(ds: Dataset, df):
    """One column per country (else per series), one row per date; provenance and unit in ``.attrs``."""
    by = ds.country_column if ds.country_column and ds.country_column in df.columns else (
        "series" if "series" in df.columns else None)
    if not ds.date_column or not ds.value_column or by is None:
        raise BadInput(f"dataset {ds.id} cannot be shown wide (no date, value and country or series columns)",
                       field="wide", fix="use the long table (wide=False)")
    dup = df.duplicated([ds.date_column, by])
    if dup.any():
        raise BadInput(f"dataset {ds.id} has several rows per date and {by}", field="wide",
                       fix="filter it to one row per date first (e.g. series='current' for tic.holdings)")
    out = df.pivot(index=ds.date_column, columns=by, values=ds.value_column)
    out = out[list(dict.fromkeys(df[by]))]
    out.columns.name = by
    out.attrs = {**df.attrs, "unit": ds.unit}
    return out
