"""Results of a run: an xarray Dataset over (path, month[, holder]) and a p5/p50/p95 summary.

``Result.ds`` holds every recorded output, each with ``units``, ``long_name`` and ``source`` attrs
(:func:`internal_attrs`), over a datetime64 ``month`` coordinate (the first day of each month, as in
``paths.nc``: xarray's time tools work on it, ``.sel(month="2026-06")`` selects June 2026 by
partial-string indexing, keeping a ``month`` axis of length 1); where text is needed the months are
'YYYY-MM' labels (:func:`month_labels`): ``Result.months``, ``Result.arrays["month"]``, the summary. Variables shaped (path, month) are monthly paths (rates as decimals:
``units`` 'percent / 100'; money in USD bn); (path,) variables are per-path outcomes (``cascade_share``:
share of foreign official holdings sold within 24 months; ``regime_exceeded``: the path hit a
regime bound and was capped); (path, holder) variables are holder-level totals (``holder_sales``: cumulative sales beyond the
baseline, USD bn, + = sold).

``Result.summary`` is a tidy DataFrame ``variable, month, p5, p50, p95, mean`` of the monthly
variables (quantiles across paths, numpy's default linear interpolation; a run of more than
``reduce.EXACT_PATHS`` paths reads the inverted empirical CDF instead, at most one order statistic
away: ``scenario/reduce.py``) in the model's internal units; :meth:`Result.summary_table` is the
same in the units shown on screen (percent, bp, USD bn, % of GDP) with a ``unit`` column, and is
what ``summary.csv``/``summary.parquet`` hold. ``paths.nc`` carries ``units``, ``long_name`` and
``source`` on every variable (values in the shown units) and a datetime ``month`` coordinate (the
first day of each month).

Names say what a variable holds: ``foreign_total`` is the holdings of *all* foreign holders in the
model (TIC's grand total: official and private); TIC's foreign official total at the start month is
in ``result.json`` (``observed``) and is the denominator of ``cascade_share``. ``foreign_official``
starts from that total and falls (rises) by the non-absorbing foreign holders' net sales (purchases):
TIC publishes no official/private split by country, so those holders stand for the official sector
(an assumption, the one ``cascade_share`` makes).

Large runs stay compact: when a run has more paths than the runner keeps (``runner.KEEP_PATHS``,
10,000 by default), the summary and the per-path outcomes are computed once over *all* paths
(:func:`summarise_arrays`, :func:`outcomes_of`) and stored with the Result, and the Dataset keeps
the first ``KEEP_PATHS`` paths only (``ds.attrs['paths']`` is the run's total; the report's fan
charts use that sample). A 100,000-path run then holds ~0.2 GB of paths instead of ~1.7 GB. ``Result.save(dir)``
writes ``summary.csv``, ``summary.parquet`` and ``result.json``; ``Result.save(dir, save_paths=N)`` (the
CLI's ``--save-paths N``) also writes ``paths.nc`` (NetCDF 3 via scipy) with the first N kept paths.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: name -> (label, unit shown, scale from internal unit to shown unit)
VARIABLES: dict[str, tuple[str, str, float]] = {
    "y10": ("10-year yield", "%", 100.0),
    "tp10": ("10-year term premium", "%", 100.0),
    "fiscal_premium": ("fiscal risk premium", "bp", 1e4),
    "flow_premium": ("flow (selling) premium", "bp", 1e4),
    "policy_rate": ("policy rate", "%", 100.0),
    "expected_short_dev": ("expected short-rate effect on the 10y", "bp", 1e4),
    "mortgage": ("30-year mortgage rate", "%", 100.0),
    "baa": ("Baa corporate yield", "%", 100.0),
    "gdp_gap": ("output gap", "% of potential", 100.0),
    "gdp_level_dev": ("GDP level vs baseline", "%", 100.0),
    "inflation_dev": ("inflation vs baseline", "pp", 100.0),
    "net_interest": ("net interest", "USD bn/yr", 1.0),
    "deficit_gdp": ("deficit", "% of GDP", 100.0),
    "debt_gdp": ("debt held by the public", "% of GDP", 100.0),
    "foreign_total": ("foreign holdings, official and private", "USD bn", 1.0),
    "foreign_official": ("foreign official holdings", "USD bn", 1.0),
    "trust": ("trust index", "0-1", 1.0),
    "gold_price": ("gold price", "USD/oz", 1.0),
    "event_premium": ("term-premium event", "bp", 1e4),
    "unemployment": ("unemployment rate", "%", 100.0),
}

#: what a variable's short label leaves out: shown under the tables and charts that show it, and part of
#: its ``long_name`` in files (``describe``)
NOTES: dict[str, str] = {
    "foreign_official": "TIC's official total at the start less the non-absorbing foreign holders' net sales",
}

#: the variables of the headline table and the golden files
HEADLINE = ("y10", "tp10", "fiscal_premium", "policy_rate", "mortgage", "gdp_gap", "net_interest",
            "debt_gdp", "foreign_total", "foreign_official")

#: the named parts of the 10-year's change from the baseline (Result.decomposition): variable, words
DECOMPOSITION_PARTS = (("event_premium", "term-premium event"), ("flow_premium", "flows (selling)"),
                       ("fiscal_premium", "fiscal and trust premia"), ("expected_short_dev", "expected policy path"))
#: a mean within this many of its standard errors of zero is not told from zero: a normal mean within
#: 1.96 standard errors of zero is not different from zero at the 5% level (two-sided), "about twice"
NOISE_SE = 2.0


def decomposition_noise(rows: list[dict], se: list[dict], paths: int) -> str | None:
    """Words naming the parts of :meth:`Result.decomposition` (``rows``) whose mean is within
    :data:`NOISE_SE` of its standard errors (``se``, :meth:`Result.decomposition_se`) of zero in some
    month: not distinguishable from zero at this many ``paths``. None when every part stands out (or
    no standard error is known). The one home of these words: ``run``'s table and the report's chart."""
    hits: dict[str, int] = {}
    for r, e in zip(rows, se, strict=True):
        for k, v in r.items():
            if k == "month" or not math.isfinite(e.get(k, math.nan)):
                continue
            if abs(v) < NOISE_SE * e[k] and (v != 0.0 or e[k] > 0.0):
                hits[k] = hits.get(k, 0) + 1
    if not hits:
        return None
    m = len(rows)
    words = ", ".join(f"{'total (bp)' if k == 'total_bp' else k} ({n} of {m} months)" if m > 1 else
                      ('total (bp)' if k == 'total_bp' else k) for k, n in hits.items())
    return (f"not distinguishable from zero at {paths:,} paths: {words}, where the mean is within about "
            f"{NOISE_SE:g} standard errors of zero (± one Monte Carlo standard error: the standard "
            f"deviation across paths over the square root of {paths:,}; it shrinks as 1/sqrt(paths))")


def other_noise(rows: list[dict], se: list[dict], paths: int, capped: float, events: bool = True,
                marked: str = "", compare: str = "treasurylab compare") -> str | None:
    """Words saying the 'other' part of :meth:`Result.decomposition` (``rows``) is sampling noise of
    expected value zero where it is within :data:`NOISE_SE` of its standard errors (``se``) of zero in
    some month: 'other' is the mean over the paths of their random yield-curve shocks, each of mean zero
    (model/shocks.py demeans every residual table), so there it is noise however large it looks.
    ``capped``: the share of paths capped at a regime bound, whose cap also sits in 'other' and is not
    of mean zero (said when > 0). None when 'other' stands out in every month (or has no standard
    error). ``events``: the scenario has events (then the paired comparison ``compare`` names gives
    their effect path by path). ``marked``: how the medium marks those months (the report's chart
    hatches them). The one home of these words: ``run``'s table, the report's chart and result.json.

    They always come under :func:`decomposition_noise`'s (the same test of the same months lists
    'other' there), which says once what 'not distinguishable from zero' means (within
    :data:`NOISE_SE` standard errors) and how the error shrinks with paths: these words do not repeat it.
    """
    months = [r["month"] for r, e in zip(rows, se, strict=True)
              if math.isfinite(e.get("other", math.nan)) and e["other"] > 0
              and abs(r["other"]) < NOISE_SE * e["other"]]
    if not months:
        return None
    # a mean of zero lies beyond NOISE_SE standard errors in this share of months by chance alone
    # (two-sided normal tail): a few solid months in a long run are no evidence of an effect
    tail = math.erfc(NOISE_SE / math.sqrt(2.0))
    chance = (f"; a mean of zero still stands out in about {tail:.0%} of months by chance alone"
              if len(months) < len(rows) else "")
    cap = (f" But {capped:.1%} of the paths hit a regime bound, and the cap on them also sits in 'other': "
           "that part is not of mean zero." if capped > 0 else "")
    lead = "'other' is sampling noise here" if capped <= 0 else "'other' is mostly sampling noise here"
    return (f"{lead}: the mean over {paths:,} paths of their random yield-curve shocks, "
            f"each of mean zero (every residual table is demeaned, model/shocks.py), so its expected "
            f"value is zero; it is not distinguishable from zero in {len(months)} of {len(rows)} "
            f"months{marked}{chance}."
            + (f" Read the events' effect from the named parts, or path by path with {compare}."
               if events else "") + cap)


#: variables that are not monthly paths: name -> (long name, unit in files, scale to that unit)
OTHER_VARIABLES: dict[str, tuple[str, str, float]] = {
    "cascade_share": ("share of foreign official holdings sold within 24 months (beyond the baseline)", "1", 1.0),
    "regime_exceeded": ("path hit a regime bound and was capped (1 = yes)", "1", 1.0),
    "holder_sales": ("cumulative sales beyond the baseline by holder (+ = sold)", "USD bn", 1.0),
    "fed_backstop_bn": ("Federal Reserve backstop holdings at the end (purchases less sales back)", "USD bn", 1.0),
    "fed_backstop_gross_bn": ("Federal Reserve backstop purchases over the run (before any sale back)", "USD bn", 1.0),
    "minerals_gap_pp": ("output-gap shock from the minerals block", "percentage points", 1.0),
}

#: the unit words written into files for the short units the terminal shows
_FILE_UNITS = {"%": "percent", "pp": "percentage points", "0-1": "1"}
MODEL_SOURCE = "treasurylab scenario model output"
BASE_SOURCE = "treasurylab baseline path (no shocks; CBO February 2026 baseline where the variable has one)"


def label(var: str) -> str:
    lab, unit, _ = VARIABLES.get(var, (var, "", 1.0))
    return f"{lab} ({unit})" if unit else lab


def scale(var: str) -> float:
    return VARIABLES.get(var, (var, "", 1.0))[2]


def unit(var: str) -> str:
    """The unit of ``var`` as written in files (``percent``, ``bp``, ``USD bn``, ``% of GDP``...)."""
    name = var[5:] if var.startswith("base_") else var
    if name in VARIABLES:
        u = VARIABLES[name][1]
    elif name in OTHER_VARIABLES:
        u = OTHER_VARIABLES[name][1]
    else:
        return ""
    return _FILE_UNITS.get(u, u)


def difference_unit(var: str) -> str:
    """The shown unit of a difference of ``var`` between two runs: a difference of percentages is in
    percentage points (``%`` -> ``pp``, ``% of GDP`` -> ``pp of GDP``); other units are unchanged."""
    u = VARIABLES.get(var, (var, "", 1.0))[1]
    return "pp" + u[1:] if u.startswith("%") else u


def difference_file_unit(var: str) -> str:
    """:func:`difference_unit` in the words files use (:func:`unit`'s): ``percent`` -> ``percentage
    points``, ``% of GDP`` -> ``percentage points of GDP``; what ``compare --json`` gives the
    difference columns, whose variable's own ``unit`` is a level's."""
    u = difference_unit(var)
    return "percentage points" + u[2:] if u.startswith("pp") else _FILE_UNITS.get(u, u)


def describe(var: str) -> tuple[str, str, float, str]:
    """(long name, unit in files, scale from internal to that unit, source) of any output variable."""
    base = var.startswith("base_")
    name = var[5:] if base else var
    lab, _, k = VARIABLES.get(name) or OTHER_VARIABLES.get(name) or (name, "", 1.0)
    if name in NOTES:
        lab = f"{lab} ({NOTES[name]})"
    if base:
        lab = f"{lab}, baseline"
    return lab, unit(var), k, BASE_SOURCE if base else MODEL_SOURCE


def internal_attrs(var: str) -> dict:
    """The attrs of ``var`` in a run's in-memory Dataset (``Result.ds``), which holds the model's
    internal units (rates and ratios as decimals, money in USD bn): ``units`` relates them to the unit
    of the files (``percent / 100`` is a decimal), ``shown_units`` and ``shown_scale`` convert
    (value x shown_scale = value in shown_units), ``long_name`` and ``source`` as in ``paths.nc``."""
    lab, u, k, src = describe(var)
    return {"long_name": lab, "units": u if k == 1.0 else f"{u} / {k:g}", "shown_units": u,
            "shown_scale": k, "source": src}


def shown_summary(summary) -> Any:
    """``summary`` (internal units) in the units shown on screen, with a ``unit`` column after ``month``."""
    import pandas as pd

    return pd.DataFrame(Summary.of_frame(summary).shown_columns())


#: the attrs of the ``month`` coordinate, in ``Result.ds`` as in ``paths.nc``
MONTH_ATTRS = {"long_name": "month (first day)", "standard_name": "time"}


def month_coordinate(months: list[str]) -> Any:
    """'YYYY-MM' labels -> datetime64 (the first day of each month), for xarray and pandas: the
    ``month`` coordinate of ``Result.ds`` and ``paths.nc``. :func:`month_labels` is its inverse."""
    return np.array([f"{str(m)[:7]}-01" for m in months], dtype="datetime64[ns]")


def month_labels(values: Any) -> list[str]:
    """The 'YYYY-MM' label of each month of a ``month`` coordinate: datetime64 (``Result.ds["month"]``,
    ``paths.nc``), pandas Timestamps or Periods, or labels already. The one way to look a run's month
    up as text (the summary, ``Result.months``, ``Result.arrays["month"]``, the comparison, the
    calibration targets and the generated doc numbers all read months as 'YYYY-MM')."""
    a = np.asarray(getattr(values, "values", values))
    if np.issubdtype(a.dtype, np.datetime64):
        return [str(m) for m in a.astype("datetime64[M]")]
    return [str(m)[:7] for m in a]


def summarise(ds) -> Any:
    """Tidy p5/p50/p95/mean across paths for every (path, month) variable."""
    return _summary_of_dataset(ds).frame()


def _summary_of_dataset(ds) -> Summary:
    months = month_labels(ds["month"])
    return summary_of_arrays({name: da.values for name, da in ds.data_vars.items()
                              if da.dims == ("path", "month")}, months)


def summarise_arrays(arrays: dict, months: list[str]) -> Any:
    """The tidy summary (a DataFrame) of ``{name: (path, month) array}``: :func:`summary_of_arrays`."""
    return summary_of_arrays(arrays, months).frame()


def summary_of_arrays(arrays: dict, months: list[str]) -> Summary:
    """The :class:`Summary` of ``{name: (path, month) array}`` (other shapes are skipped), in dict order.

    Quantiles are numpy's (``np.quantile``, linear interpolation), computed by
    :func:`sorted_quantiles` from a copy of each variable's (month, path) rows ordered by
    :func:`order_rows` (sorted, or partitioned at the order statistics read: the same numbers), one
    call for all months of a variable. Variables are shared between threads (numpy's sort and
    partition release the GIL). For 100,000 paths x 120 months x 17 variables this took ~6.7 s as one
    ``np.quantile`` call per variable.
    """
    todo = []
    for name, v in arrays.items():
        a = np.asarray(v, dtype=float)
        if a.ndim != 2 or a.shape[1] != len(months) or name == "holder_sales":
            continue
        todo.append((name, a))
    qs = np.array([0.05, 0.5, 0.95])
    res: dict[str, np.ndarray] = {}

    def work(part: list) -> None:
        for name, a in part:
            # a is usually the transpose of a (month, path) record: a.T is then contiguous
            res[name] = sorted_quantiles(order_rows(a.T, qs), qs).T

    n_threads = min(_threads(sum(a.size for _, a in todo)), max(1, len(todo)))
    if n_threads > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(n_threads) as ex:
            list(ex.map(work, [todo[i::n_threads] for i in range(n_threads)]))
    else:
        work(todo)
    if not todo:
        return Summary((), tuple(months), np.zeros((3, 0)), np.zeros(0))
    return Summary(tuple(name for name, _ in todo), tuple(months),
                   np.concatenate([res[name] for name, _ in todo], axis=1),
                   np.concatenate([a.mean(axis=0) for _, a in todo]))


#: the columns of the tidy summary (internal units); ``unit`` follows ``month`` where values are shown
SUMMARY_COLUMNS = ("variable", "month", "p5", "p50", "p95", "mean")


@dataclass(frozen=True, eq=False)
class Summary:
    """p5/p50/p95 and mean of ``names`` x ``months`` series, as arrays: ``q`` (3, S) and ``mean``
    (S,), S = len(names) x len(months), variable-major. What a run computes (the exact summary and
    the streamed one, scenario/reduce.py); :meth:`frame` is the tidy DataFrame (``Result.summary``)
    and :meth:`shown_columns` what ``summary.csv`` holds. Kept as arrays so that a run whose summary
    goes only to its files and the printed tables never imports pandas (~0.3 s of a process)."""

    names: tuple[str, ...]
    months: tuple[str, ...]
    q: np.ndarray
    mean: np.ndarray

    @classmethod
    def of_frame(cls, df) -> Summary:
        """The arrays of a tidy summary DataFrame (whole variables, each over the same months in order)."""
        var = [str(v) for v in df["variable"]]
        names = tuple(dict.fromkeys(var))
        months = tuple(str(m) for m in df["month"][: var.count(names[0])]) if names else ()
        q = np.array([df[c].to_numpy(dtype=float) for c in ("p5", "p50", "p95")]).reshape(3, len(var))
        out = cls(names, months, q, df["mean"].to_numpy(dtype=float))
        if len(var) != len(names) * len(months) or list(out.column("variable")) != var \
                or [str(m) for m in df["month"]] != list(out.column("month")):
            raise ValueError("not a tidy summary: every variable over the same months, variable by variable")
        return out

    def column(self, name: str) -> np.ndarray:
        """One column of the tidy layout (the one home of that layout: variable-major, months inside)."""
        if name == "variable":
            return np.repeat(np.array(list(self.names), dtype=object), len(self.months))
        if name == "month":
            return np.array(list(self.months) * len(self.names), dtype=object)
        if name == "mean":
            return self.mean
        return self.q[("p5", "p50", "p95").index(name)]

    def frame(self) -> Any:
        """The tidy summary DataFrame: ``variable, month, p5, p50, p95, mean`` (internal units)."""
        import pandas as pd

        return pd.DataFrame({c: self.column(c) for c in SUMMARY_COLUMNS})

    def get(self, var: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(q (3, T), mean (T,)) of ``var`` over the months, or None when the summary lacks it."""
        if var not in self.names:
            return None
        T = len(self.months)
        i = self.names.index(var) * T
        return self.q[:, i:i + T], self.mean[i:i + T]

    def shown_columns(self) -> dict[str, np.ndarray]:
        """The columns of ``summary.csv``: values in the units shown on screen, a ``unit`` column
        after ``month`` (:func:`scale`, :func:`unit`)."""
        T = len(self.months)
        k = np.repeat(np.array([scale(v) for v in self.names], dtype=float), T)
        cols = {"variable": self.column("variable"), "month": self.column("month"),
                "unit": np.repeat(np.array([unit(v) for v in self.names], dtype=object), T)}
        for c in ("p5", "p50", "p95", "mean"):
            cols[c] = self.column(c) * k
        return cols


def _positions(n: int, qs) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The order statistics (0-based) :func:`sorted_quantiles` reads for ``n`` values: (prev, nxt,
    gamma), numpy's "linear" method; -1 (the last) where the virtual index is at or beyond n - 1."""
    vi = (n - 1) * np.asarray(qs, dtype=float)
    prev = np.floor(vi)
    nxt = prev + 1
    above = vi >= n - 1
    prev[above] = -1
    nxt[above] = -1
    prev = prev.astype(np.intp)
    nxt = nxt.astype(np.intp)
    return prev, nxt, vi - prev


def order_rows(rows: np.ndarray, qs, partition: bool | None = None) -> np.ndarray:
    """A copy of ``rows`` (R, n) in which every value :func:`sorted_quantiles` reads is in its sorted
    place: the rows sorted, or partitioned at those order statistics and the last (``np.partition``).
    Both give the same quantiles, bit for bit. Which is faster depends on the machine: where numpy's
    sort is vectorised (x86-simd-sort on an AVX-512 Intel core) a sort of 10,000 values took ~0.05 ms
    and a partition more; on the AMD EPYC of docs/benchmarks.md a sort of the 2,400 series of a
    10,000-path run took 1.04 s and the partition 0.41 s. ``partition`` None: timed once per process
    (:func:`_partition_faster`)."""
    n = rows.shape[1]
    if partition is None:
        partition = _partition_faster(n)
    if not partition or n < 3:
        return np.sort(rows, axis=1)
    prev, nxt, _ = _positions(n, qs)
    kth = np.unique(np.r_[prev % n, nxt % n, n - 1])
    return np.partition(rows, kth, axis=1)


@functools.cache
def _partition_faster(n: int) -> bool:
    """Whether :func:`order_rows` partitions rows of ``n`` values faster than it sorts them on this
    machine: both timed once (best of 3 on 16 rows of random values, a few ms). Only the speed
    depends on it, never a number."""
    import time

    x = np.random.default_rng(0).standard_normal((16, n))
    qs = (0.05, 0.5, 0.95)

    def best(partition: bool) -> float:
        t = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            order_rows(x, qs, partition=partition)
            t = min(t, time.perf_counter() - t0)
        return t

    return best(True) < best(False)


def sorted_quantiles(rows: np.ndarray, qs) -> np.ndarray:
    """(R, len(qs)): ``np.quantile(row, qs)`` (method "linear") of each row of ``rows`` (R, n), sorted
    or ordered by :func:`order_rows`.

    The same arithmetic as numpy's (``numpy.lib._function_base_impl._quantile``): virtual index
    ``(n - 1) q``, its floor and the next order statistic (both the last one at or beyond ``n - 1``),
    ``gamma = index - floor`` and the lerp ``a + (b - a) gamma``, or ``b - (b - a)(1 - gamma)`` where
    gamma >= 0.5; a row holding NaN (sorted last) gives NaN. Identical numbers, without numpy's
    partition, which is what makes np.quantile slow on data already sorted
    (tests/unit/test_result_units.py compares the two)."""
    n = rows.shape[1]
    prev, nxt, gamma = _positions(n, qs)
    a = rows[:, prev]
    b = rows[:, nxt]
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    nan = np.isnan(rows[:, -1])
    if nan.any():
        out[nan] = np.nan
    return out


def _threads(size: int) -> int:
    """Threads for the quantiles: the cores this process may use, for large arrays only."""
    import os

    if size < 4_000_000:              # below ~2,000 paths x 120 months x 17 variables one thread is as fast
        return 1
    try:
        return max(1, min(4, len(os.sched_getaffinity(0))))
    except AttributeError:            # pragma: no cover - not Linux
        return max(1, min(4, os.cpu_count() or 1))


#: what each outcome counts, in words (its unit is "1": a fraction, not a percent)
OUTCOME_MEANING = {
    "p_cascade_half_24m": "share of paths where more than half of foreign official holdings are sold within 24 months",
    "cascade_share_p50": "fraction of foreign official holdings sold within 24 months, median path",
    "cascade_share_p95": "fraction of foreign official holdings sold within 24 months, 95th percentile",
    "p_regime_exceeded": "share of paths capped at a bound of the model's range",
}


def outcome_line(name: str, *values: float) -> str:
    """``name: v`` (or ``name: a vs b``) with what the number counts, for the terminal."""
    shown = " vs ".join(f"{v:.4g}" for v in values)
    meaning = OUTCOME_MEANING.get(name)
    return f"{name}: {shown}" + (f" ({meaning})" if meaning else "")


def outcomes_of(get) -> dict[str, float]:
    """Per-path outcomes reduced to probabilities / medians; ``get(name)`` gives a (path,) array or None."""
    out: dict[str, float] = {}
    c = get("cascade_share")
    if c is not None:
        c = np.asarray(c, dtype=float)
        out["p_cascade_half_24m"] = float(np.mean(c > 0.5))
        out["cascade_share_p50"] = float(np.median(c))
        out["cascade_share_p95"] = float(np.quantile(c, 0.95))
    r = get("regime_exceeded")
    if r is not None:
        out["p_regime_exceeded"] = float(np.mean(np.asarray(r)))
    return out


@dataclass
class Head:
    """What a Result's files and tables need without its Dataset: the runner fills it so that
    ``run --no-report`` never builds the xarray Dataset (building one imports dask through xarray's
    array-type checks: ~0.8 s of a 10,000-path run's process, measured on the 2-core machine)."""

    months: list[str]
    paths: int
    variables: list[str]              # the Dataset's data variables, in order
    attrs: dict                       # the Dataset's attrs
    base: dict                        # name -> (month,) baseline path, as ``base_<name>`` holds it


def check_save_paths(save_paths: Any, kept: int | None = None, field: str = "save_paths") -> None:
    """The one check of how many paths to write to paths.nc (``--save-paths``, ``Result.save(save_paths=)``): a
    whole number >= 1 and, when ``kept`` (the paths the run keeps: its paths, at most ``runner.KEEP_PATHS``) is
    known, at most that: more wrote the kept paths only, with no word that fewer were written."""
    from treasurylab.errors import BadInput

    if isinstance(save_paths, bool) or not isinstance(save_paths, int) or save_paths < 1:
        raise BadInput("must be a whole number >= 1", field=field, got=save_paths,
                       fix="e.g. --save-paths 1000 (leave it out to write no paths.nc)")
    if kept is not None and save_paths > kept:
        raise BadInput(f"more than the {kept:,} paths the run keeps", field=field, got=save_paths,
                       fix=f"give at most {kept:,}")


@dataclass
class Result:
    """One run: the scenario, the Dataset, its summary and run metadata (``treasurylab.run`` wraps it in a notebook ``Run``).

    ``ds`` may be given as a function of no arguments that builds the Dataset: it is then built on
    first use of :attr:`ds` only, and ``head`` answers the rest (months, paths, units, baseline)."""

    scenario: Any
    _ds: Any
    meta: dict = field(default_factory=dict)
    _summary: Any = None
    minerals: Any = None     # the minerals block's MineralsResult when the scenario has minerals events
    _outcomes: dict | None = None   # over all paths, when the Dataset keeps a sample of them
    head: Head | None = None
    _arrays: Any = None     # the runner's function giving :attr:`arrays` without the Dataset, or its dict

    @property
    def ds(self):
        """The xarray Dataset (built now if the runner left it to be built on first use)."""
        if callable(self._ds):
            self._ds = self._ds()
        return self._ds

    @property
    def arrays(self) -> dict[str, np.ndarray]:
        """Every variable and coordinate of :attr:`ds` by name, as the numpy arrays the Dataset holds,
        but ``month`` as 'YYYY-MM' labels (the Dataset's coordinate is datetime64; :func:`month_labels`).

        Read without building the Dataset where the runner left it unbuilt: building one imports
        dask's array module through xarray's array-type checks (~0.4-0.6 s of a report run's process,
        measured on the 2-core machine), which the report's figures and the band decomposition,
        reading plain arrays, do not need."""
        if self._arrays is None:
            ds = self.ds
            # months as 'YYYY-MM' labels, as the runner's arrays give them (the Dataset's are datetime64)
            return {k: (np.asarray(month_labels(v)) if k == "month" else v.values) for k, v in ds.variables.items()}
        if callable(self._arrays):
            self._arrays = self._arrays()
        return self._arrays

    @property
    def summary(self):
        """The tidy summary DataFrame (variable, month, p5, p50, p95, mean; internal units)."""
        if not _is_frame(self._summary):
            self._summary = self._quantiles().frame()
        return self._summary

    def _quantiles(self) -> Summary:
        """The summary as arrays (what the tables and files read: no pandas needed for them)."""
        if self._summary is None:
            self._summary = _summary_of_dataset(self.ds)
        if isinstance(self._summary, Summary):
            return self._summary
        return Summary.of_frame(self._summary)

    @property
    def paths(self) -> int:
        """Paths of the run (the Dataset may keep only the first ``ds.attrs['paths_kept']``)."""
        if self.head is not None:
            return int(self.head.paths)
        return int(self.ds.attrs.get("paths", self.ds.sizes["path"]))

    @property
    def months(self) -> list[str]:
        if self.head is not None:
            return list(self.head.months)
        return month_labels(self.ds["month"])

    def _attrs(self) -> dict:
        return self.head.attrs if self.head is not None else self.ds.attrs

    def _variables(self) -> list[str]:
        return list(self.head.variables) if self.head is not None else list(self.ds.data_vars)

    def _base(self, var: str):
        """The baseline path of ``var`` (``base_<var>``), or None."""
        if self.head is not None:
            return self.head.base.get(var)
        return self.ds[f"base_{var}"].values if f"base_{var}" in self.ds else None

    def outcomes(self) -> dict[str, float]:
        """Per-path outcomes reduced to probabilities / medians (over all paths of the run)."""
        if self._outcomes is not None:
            return dict(self._outcomes)
        return outcomes_of(lambda k: self.ds[k].values if k in self.ds else None)

    def headline(self, at: list[int] | None = None) -> list[dict]:
        """Rows (variable, month, p5, p50, p95) in shown units at a few months (default 12, 24, end)."""
        T = len(self.months)
        idx = sorted({i for i in (at or [11, 23, T - 1]) if 0 <= i < T})
        s = self._quantiles()
        rows = []
        for var in HEADLINE:
            got = s.get(var)
            if got is None:
                continue
            q, k = got[0], scale(var)
            for i in idx:
                rows.append({"variable": var, "label": label(var), "unit": unit(var), "month": s.months[i],
                             "p5": float(q[0, i]) * k, "p50": float(q[1, i]) * k, "p95": float(q[2, i]) * k})
        return rows

    def headline_notes(self) -> list[str]:
        """'label: note' for each variable of :meth:`headline` whose short label leaves something out
        (:data:`NOTES`), to print under the table."""
        s = self._quantiles()
        return [f"{VARIABLES[v][0]}: {NOTES[v]}" for v in HEADLINE if v in NOTES and s.get(v) is not None]

    def decomposition(self, at: list[int] | str | None = None) -> list[dict]:
        """The 10-year's change from the baseline split into its sources, in bp, at a few months
        (default 12, 24, end; ``at="all"``: every month): a term-premium event, flows (selling), the
        fiscal and trust premia, the expected policy path, and what is left: the mean of the paths'
        random rate shocks (not zero over a few hundred paths: a run with no events shows several bp)
        and the regime cap. Means across paths, so the parts add up to the total (a mean of a sum is the
        sum of the means; a median is not); against CBO's path, not a paired no-event run
        (``scenario.compare.paired_rows`` is). The one home of this split: the terminal's table and the
        report's chart both read it."""
        idx = self._decomposition_months(at)
        s = self._quantiles()
        parts = DECOMPOSITION_PARTS

        def mean(var: str) -> list[float] | None:
            got = s.get(var)
            return None if got is None else [float(got[1][i]) for i in idx]

        y = mean("y10")
        base = self._base("y10")
        if y is None or base is None:
            return []
        rows = []
        got = {var: mean(var) for var, _ in parts}
        for j, i in enumerate(idx):
            total = (y[j] - float(base[i])) * 1e4
            row = {"month": self.months[i], "total_bp": total}
            rest = total
            for var, name in parts:
                v = got[var][j] * 1e4 if got[var] is not None else 0.0
                row[name] = v
                rest -= v
            row["other"] = rest
            rows.append(row)
        return rows

    def _decomposition_months(self, at: list[int] | str | None) -> list[int]:
        T = len(self.months)
        return list(range(T)) if at == "all" else sorted({i for i in (at or [11, 23, T - 1]) if 0 <= i < T})

    def decomposition_se(self, at: list[int] | str | None = None) -> list[dict]:
        """The Monte Carlo standard error of each mean of :meth:`decomposition` (same rows and keys, bp):
        the standard deviation across paths of that part (``other``: of each path's total less its
        named parts) over the square root of the run's paths. A run that keeps a sample of its paths
        (``keep_paths``) takes the standard deviation over the kept paths and still divides by the
        square root of every path, the mean's count. NaN with one path. What tells a part from Monte
        Carlo noise: see :func:`decomposition_noise`."""
        idx = self._decomposition_months(at)
        a = self.arrays
        base = self._base("y10")
        if "y10" not in a or base is None:
            return []
        total = (np.asarray(a["y10"], dtype=float)[:, idx] - np.asarray(base, dtype=float)[idx]) * 1e4
        sd = {"total_bp": total}
        rest = total.copy()
        for var, name in DECOMPOSITION_PARTS:
            v = np.asarray(a[var], dtype=float)[:, idx] * 1e4 if var in a else np.zeros_like(total)
            sd[name] = v
            rest -= v
        sd["other"] = rest
        n_kept, n = total.shape[0], self.paths
        with np.errstate(invalid="ignore", divide="ignore"):
            se = {k: (np.std(v, axis=0, ddof=1) if n_kept > 1 else np.full(len(idx), np.nan)) / math.sqrt(n)
                  for k, v in sd.items()}
        return [{"month": self.months[i], **{k: float(v[j]) for k, v in se.items()}} for j, i in enumerate(idx)]

    def summary_table(self) -> Any:
        """The summary in the units shown on screen, with a ``unit`` column (what ``summary.csv`` holds)."""
        return shown_summary(self.summary)

    def golden(self) -> Any:
        """The golden-file table: headline variables at months 12, 24, 60 and the last, shown units."""
        import pandas as pd

        T = len(self.months)
        idx = sorted({i for i in (11, 23, 59, T - 1) if 0 <= i < T})
        s = self.summary
        keep = shown_summary(s[s["variable"].isin(HEADLINE)])
        rows = [r for _, g in keep.groupby("variable", sort=False) for r in g.iloc[idx].to_dict("records")]
        df = pd.DataFrame(rows)
        for k, v in self.outcomes().items():
            df = pd.concat([df, pd.DataFrame([{"variable": k, "month": "", "unit": "1", "p5": v, "p50": v,
                                               "p95": v, "mean": v}])], ignore_index=True)
        return df

    def compare_command(self) -> str:
        """The paired comparison of this run's scenario with the baseline, as a command a reader can
        type: a shipped scenario by its name, another by its file (as it was given to ``run``)."""
        from treasurylab.scenario.spec import shipped_dir

        name = getattr(self.scenario, "name", str(self.scenario))
        f = self.meta.get("scenario_file")
        arg = f if f and Path(f).resolve().parent != shipped_dir().resolve() else name
        return f"`treasurylab compare baseline {arg}`"

    def decomposition_notes(self, rows: list[dict] | None = None, se: list[dict] | None = None) -> dict[str, str]:
        """The words under :meth:`decomposition`'s table (default months): the parts not told from zero
        at this many paths (:func:`decomposition_noise`) and 'other' as sampling noise of expected
        value zero (:func:`other_noise`), under the keys ``noise`` and ``other``, those that apply. What
        ``run`` prints under its table and result.json's ``decomposition_y10_notes``; ``rows``/``se``: the
        table's, when the caller has them."""
        rows = self.decomposition() if rows is None else rows
        if not rows:
            return {}
        se = self.decomposition_se() if se is None else se
        events = bool(getattr(self.scenario, "events", ()))
        capped = self.outcomes().get("p_regime_exceeded", 0.0)
        got = {"noise": decomposition_noise(rows, se, self.paths),
               "other": other_noise(rows, se, self.paths, capped, events, compare=self.compare_command())}
        return {k: w for k, w in got.items() if w}

    def to_dict(self) -> dict:
        dec, se = self.decomposition(), self.decomposition_se()     # once: the table, its errors and words
        return {
            "scenario": self.scenario.name if hasattr(self.scenario, "name") else str(self.scenario),
            "paths": self.paths,
            "seed": self.meta.get("seed"),
            "start": self.months[0],
            "end": self.months[-1],
            "outcomes": self.outcomes(),
            "outcome_units": {k: "1" for k in self.outcomes()},
            "headline": self.headline(),
            "headline_notes": self.headline_notes(),
            "decomposition_y10": dec,
            # run's table gives each part in bp with its Monte Carlo standard error: so does the record
            # (only total_bp said its unit; the other parts and the errors were missing)
            "decomposition_y10_unit": "bp",
            "decomposition_y10_se": se,
            # the words run prints under its table (the same function words them)
            "decomposition_y10_notes": self.decomposition_notes(dec, se),
            "events": self.event_rows(),
            # likely unit slips found when the scenario was read, kept as given (scenario.spec.unit_warnings)
            "warnings": list(getattr(self.scenario, "warnings", ())),
            "units": {v: unit(v) for v in self._variables()},
            "observed": {k: self._attrs()[k] for k in ("foreign_official_tic_bn",) if k in self._attrs()},
            "meta": {k: v for k, v in self.meta.items() if k not in ("files", "replaced")},
            "files": self.meta.get("files", {}),
            # the result set this run's folder held before it (scenario.resultdir.earlier_set), or None
            "replaced": self.meta.get("replaced"),
        }

    def event_rows(self) -> list[dict]:
        """The scenario's events in words against this run (``scenario.words``; [] when the scenario is
        not a validated Scenario)."""
        if not hasattr(self.scenario, "events"):
            return []
        from treasurylab.scenario.words import event_rows

        return event_rows(self.scenario, len(self.months))

    def save(self, out_dir: str | Path, as_dir: str | Path | None = None,
             save_paths: int | None = None, also: dict[str, str] | None = None) -> dict[str, str]:
        """Write summary (CSV, Parquet) and result.json into ``out_dir``, and ``paths.nc`` (the first
        ``save_paths`` kept paths, NetCDF) only when ``save_paths`` is given (>= 1): the summary covers
        every path without it, and writing every path costs more than the run (~1 s for 10,000).

        result.json is written last and its ``files`` lists the whole set: itself (``result_json``),
        the files above and ``also``, files the caller wrote into ``out_dir`` before (the report:
        ``{"report_html": ...}``, final paths). The record on disk is then the one ``to_dict()``
        gives afterwards (and ``run --json`` prints), ``files`` included.

        Each file is written under a unique temporary name and renamed (two writers never share a
        temporary). For a result *set* that is all-or-nothing, write into the staging folder of
        :func:`treasurylab.scenario.resultdir.result_folder` and give the final folder as ``as_dir``:
        the paths recorded in result.json are then the final ones."""
        import os
        import secrets

        out = Path(out_dir)
        final = Path(as_dir) if as_dir is not None else out
        out.mkdir(parents=True, exist_ok=True)
        files: dict[str, str] = {}

        def atomic(name: str, write) -> None:
            # unique per writer (not mkstemp: its 0600 mode would outlive the rename)
            tmp = out / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            try:
                write(Path(tmp))
                os.replace(tmp, out / name)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            files[name.split(".")[0] + "_" + name.split(".")[-1]] = str(final / name)

        table = self._quantiles().shown_columns()       # summary_table()'s columns, without pandas
        atomic("summary.csv", lambda p: write_csv(p, table))
        atomic("summary.parquet", lambda p: write_parquet(p, table))
        if save_paths is not None:
            check_save_paths(save_paths, int(self.meta.get("paths_kept", self.ds.sizes["path"])))
            ds = self.dataset_for_file(save_paths)
            atomic("paths.nc", lambda p: ds.to_netcdf(p, engine="scipy"))
        files.update(also or {})
        files["result_json"] = str(final / "result.json")      # the record lists itself: it is written last
        self.meta["files"] = dict(files)
        atomic("result.json", lambda p: p.write_text(json.dumps(_finite(self.to_dict()), indent=1)))
        return files


    def dataset_for_file(self, paths: int | None = None) -> Any:
        """The Dataset as ``paths.nc`` holds it: the first ``paths`` kept paths (all kept ones by
        default), shown units, ``units``/``long_name``/``source`` attrs on every variable, ``month``
        as datetime64 (first day of the month)."""
        ds = self.ds if paths is None else self.ds.isel(path=slice(0, int(paths)))
        ds = ds.copy()
        for k in list(ds.data_vars):
            if ds[k].dtype == bool:
                ds[k] = ds[k].astype("int8")
            lab, u, sc, src = describe(k)
            if sc != 1.0:
                ds[k] = ds[k] * sc
            ds[k].attrs = {"long_name": lab, "units": u, "source": src}
        ds = ds.assign_coords(month=month_coordinate(self.months))
        ds["month"].attrs = dict(MONTH_ATTRS)
        ds.attrs = {k: str(v) for k, v in ds.attrs.items()}
        ds.attrs["Conventions"] = "CF-1.8"
        ds.attrs["title"] = f"treasurylab scenario {ds.attrs.get('scenario', '')}: every kept path by month"
        return ds


def _is_frame(x: Any) -> bool:
    return x is not None and not isinstance(x, Summary)


def write_csv(path: str | Path, columns: dict[str, np.ndarray]) -> None:
    """``pandas.DataFrame(columns).to_csv(path, index=False)``, byte for byte, without pandas: the
    csv module pandas writes with (minimal quoting, ``os.linesep``), floats as numpy prints them
    (``astype(str)``: the shortest repr), NaN as an empty field (tests/unit/test_result_units.py)."""
    import csv
    import os

    cols = []
    for v in columns.values():
        v = np.asarray(v)
        if v.dtype.kind == "f":
            v = np.where(np.isnan(v), "", v.astype(str)).astype(object)
        cols.append(v)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator=os.linesep)
        w.writerow(list(columns))
        w.writerows(zip(*cols))


def write_parquet(path: str | Path, columns: dict[str, np.ndarray]) -> None:
    """``pandas.DataFrame(columns).to_parquet(path, index=False)`` without pandas: the same pyarrow
    writer, the same column types (text as large strings, as pandas 3 writes its ``str`` columns, numbers as float64, NaN as null, as pandas
    converts them) and values, less pandas' own schema metadata. The arrays are built from their
    buffers: pyarrow's ``pa.array`` imports pandas (~0.3 s) to check for pandas objects."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow(v) -> Any:
        v = np.asarray(v)
        n = len(v)
        if v.dtype.kind == "f":
            v = np.ascontiguousarray(v, dtype=np.float64)
            nan = np.isnan(v)
            valid = pa.py_buffer(np.packbits(~nan, bitorder="little")) if nan.any() else None
            return pa.Array.from_buffers(pa.float64(), n, [valid, pa.py_buffer(v)], null_count=int(nan.sum()))
        data = [str(x).encode("utf-8") for x in v]
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum([len(b) for b in data], out=offsets[1:])
        return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))])

    table = pa.Table.from_arrays([arrow(v) for v in columns.values()], names=list(columns))
    table.validate(full=True)
    pq.write_table(table, str(path))


def _finite(o: Any) -> Any:
    if isinstance(o, float):
        return o if np.isfinite(o) else None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite(v) for v in o]
    if isinstance(o, (np.floating, np.integer)):
        return _finite(o.item())
    return o
