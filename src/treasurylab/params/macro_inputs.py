"""The CBO economic baseline, month by month, for the macro block (the path the add-factors reproduce).

CBO publishes calendar-year averages (``params/defaults/macro.yaml``, copied from the February 2026
"History and Projections for Key Economic Variables"). A monthly path is built by placing each annual
average at mid-year (month ordinal ``12*Y + 5.5``) and interpolating linearly between mid-years to
the middle of each month (ordinal + 0.5, the same convention as ``scenario/fiscal_inputs.py`` so both
blocks see the same 10-year and GDP); the PCE price index is interpolated linearly in logs; before the
first / after the last mid-year the end values are held flat. Monthly inflation is the annualised month-on-month change of the interpolated index,
``pi_t = (P_t / P_{t-1})**12 - 1``.

Rates are returned as decimals (CBO's percent / 100), the output gap as a fraction of potential GDP,
GDP in USD bn at an annual rate. ``macro_baseline(start, months)`` -> :class:`MacroBaseline`.

Other CBO vintages (``vintage='2025-01'``) are read from the bundled economic file of that vintage
(``cbo.econ.<vintage>``, quarterly): each quarter's value placed at its middle month
(ordinal ``12*Y + 3*(q-1) + 1``, the convention of ``scenario/fiscal_inputs.py``) and interpolated the
same way; the months covered run from 2024-01 to the last projected quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.params.load import ParamSet, load_params, short_repr

#: Months covered by the copied CBO baseline (inclusive), as (year, month).
FIRST_MONTH = (2024, 1)
LAST_MONTH = (2036, 12)


def month_ordinal(year: int, month: int) -> int:
    return 12 * year + (month - 1)


def ordinal_label(o: int) -> str:
    return f"{o // 12:04d}-{o % 12 + 1:02d}"


@dataclass(frozen=True)
class MacroBaseline:
    """CBO's path over the run's months; every array has shape (T,)."""

    months: tuple[str, ...]      # 'YYYY-MM'
    y10: np.ndarray              # 10-year Treasury yield, decimal
    bill3m: np.ndarray           # 3-month bill rate, decimal
    policy: np.ndarray           # federal funds rate, decimal
    inflation: np.ndarray        # PCE inflation, annualised, decimal
    gap: np.ndarray              # output gap, fraction of potential
    gdp: np.ndarray              # nominal GDP, USD bn annual rate

    @property
    def T(self) -> int:
        return len(self.months)


#: the yearly tables of macro.yaml (calendar-year averages) the monthly paths interpolate
YEARLY_TABLES = ("cbo_treasury_10y", "cbo_bill_3m", "cbo_fed_funds", "cbo_pce_index", "cbo_output_gap",
                 "cbo_gdp", "cbo_unemployment")
_LOGGED = ("cbo_pce_index", "cbo_gdp")


def check_tables(p: ParamSet, where: str = "overrides.macro") -> None:
    """Each yearly table must map at least two years (YYYY) to numbers, positive where interpolated in
    logs: an override such as ``cbo_gdp: {}`` is bad input here, not a failure inside a run."""
    keys = set(p)
    for name in YEARLY_TABLES:
        if name not in keys:
            continue
        table = p[name]
        try:
            years = sorted(int(y) for y in table)
            vals = [float(table[y]) for y in table]
        except (TypeError, ValueError):
            raise BadInput("must map years (YYYY) to numbers", field=f"{where}.{name}", got=short_repr(table),
                           fix="write 'YEAR: value' lines, like the default in params/defaults/macro.yaml") from None
        if len(years) < 2:
            raise BadInput("needs at least two years to interpolate between", field=f"{where}.{name}",
                           got=short_repr(table), fix="give two or more 'YEAR: value' lines (or drop the override)")
        if name in _LOGGED and min(vals) <= 0:
            raise BadInput("must be positive (an index or a level)", field=f"{where}.{name}", got=min(vals),
                           fix="give values above 0")


def _interp(table: dict, ords: np.ndarray, log: bool = False) -> np.ndarray:
    years = np.array(sorted(int(y) for y in table), dtype=float)
    vals = np.array([float(table[str(int(y))] if str(int(y)) in table else table[int(y)]) for y in years])
    x = 12.0 * years + 5.5
    if log:
        return np.exp(np.interp(ords, x, np.log(vals)))
    return np.interp(ords, x, vals)


#: the variables of the economic file behind each table of macro.yaml
_ECON_COLUMNS = {"cbo_treasury_10y": "treasury_note_rate_10yr", "cbo_bill_3m": "treasury_bill_rate_3mo",
                 "cbo_fed_funds": "fed_funds_rate", "cbo_pce_index": "pce_price_index",
                 "cbo_output_gap": "output_gap", "cbo_gdp": "gdp", "cbo_unemployment": "unemployment_rate"}


def _econ_tables(vintage: str) -> tuple[dict, int]:
    """{table name: (x ordinals, values)} from ``cbo.econ.<vintage>`` and its last covered month."""
    from treasurylab import data

    out = {}
    last = 0
    for name, col in _ECON_COLUMNS.items():
        df = data.series(f"cbo.econ.{vintage}", variable=col)
        x, v = [], []
        for d, val in zip(df["date"].astype(str), df["value"].to_numpy(dtype=float)):
            if not np.isfinite(val):
                continue
            if "q" in d:
                y, q = int(d[:4]), int(d[-1])
                x.append(12.0 * y + 3 * (q - 1) + 1.0)
                last = max(last, 12 * y + 3 * q - 1)
            else:
                x.append(12.0 * int(d) + 5.5)
                last = max(last, 12 * int(d) + 11)
            v.append(val)
        out[name] = (np.array(x), np.array(v))
    return out, last


def macro_span(vintage: str = "2026-02") -> tuple[int, int]:
    """(first, last) month ordinals a macro baseline of ``vintage`` covers."""
    if vintage == "2026-02":
        return month_ordinal(*FIRST_MONTH), month_ordinal(*LAST_MONTH)
    return month_ordinal(*FIRST_MONTH), _econ_tables(vintage)[1]


def macro_baseline(start: str, months: int, params: ParamSet | None = None,
                   vintage: str = "2026-02") -> MacroBaseline:
    """CBO's monthly economic path for ``months`` months from ``start`` ('YYYY-MM')."""
    p = params if params is not None else load_params("macro")
    tables = None
    if vintage != "2026-02":
        tables = _econ_tables(vintage)[0]
    try:
        y, m = (int(x) for x in str(start)[:7].split("-"))
    except ValueError:
        raise BadInput("not a month", field="start", got=start, fix="write YYYY-MM") from None
    o0 = month_ordinal(y, m)
    lo, hi = macro_span(vintage)
    if months < 1 or o0 < lo or o0 + months - 1 > hi:
        raise BadInput(
            f"the CBO baseline covers {ordinal_label(lo)} to {ordinal_label(hi)}",
            field="start/horizon", got=f"{ordinal_label(o0)} + {months} months",
            fix=f"start at or after {ordinal_label(lo)} and end by {ordinal_label(hi)}",
        )
    ords = np.arange(o0, o0 + months, dtype=float)
    mid = ords + 0.5

    def f(name: str, x: np.ndarray, log: bool = False) -> np.ndarray:
        if tables is None:
            return _interp(p[name], x, log=log)
        xs, vs = tables[name]
        return np.exp(np.interp(x, xs, np.log(vs))) if log else np.interp(x, xs, vs)

    price = f("cbo_pce_index", np.concatenate([[o0 - 0.5], mid]), log=True)
    infl = (price[1:] / price[:-1]) ** 12 - 1.0
    return MacroBaseline(
        months=tuple(ordinal_label(int(o)) for o in ords),
        y10=f("cbo_treasury_10y", mid) / 100.0,
        bill3m=f("cbo_bill_3m", mid) / 100.0,
        policy=f("cbo_fed_funds", mid) / 100.0,
        inflation=infl,
        gap=f("cbo_output_gap", mid) / 100.0,
        gdp=f("cbo_gdp", mid),
    )


def unemployment_baseline(start: str, months: int, params: ParamSet | None = None,
                          vintage: str = "2026-02") -> np.ndarray:
    """CBO's unemployment rate (decimal), month by month from ``start``, of the same vintage as the
    rest of the macro baseline (macro.yaml's calendar-year table for 2026-02, the vintage's own file
    otherwise), interpolated as the other series; the level the Okun's-law deviation is added to."""
    p = params if params is not None else load_params("macro")
    b = macro_baseline(start, months, p, vintage=vintage)          # validates the range
    y, m = (int(x) for x in str(start)[:7].split("-"))
    o0 = month_ordinal(y, m)
    mid = np.arange(o0, o0 + b.T, dtype=float) + 0.5
    if vintage != "2026-02":
        xs, vs = _econ_tables(vintage)[0]["cbo_unemployment"]
        return np.interp(mid, xs, vs) / 100.0
    return _interp(p["cbo_unemployment"], mid) / 100.0


def estimate_okun(last: str = "2024q3") -> dict:
    """Okun's law estimated on CBO's quarterly history (the bundled January 2025 file).

    OLS of ``(u - u*)_t = c + a (u - u*)_{t-1} + b gap_t`` from 1949q2 to ``last`` (u: unemployment
    rate, u*: CBO's noncyclical rate, gap: CBO's output gap, all in percent). Returns the long-run
    coefficient ``-b / (1 - a)``, the monthly persistence ``a ** (1/3)`` and the sample.
    """
    from treasurylab import data

    df = data.series("cbo.econ.2025-01")
    wide = df.pivot_table(index="date", columns="variable", values="value")
    cols = ["unemployment_rate", "noncyclical_rate_of_unemployment", "output_gap"]
    wide = wide[cols].dropna()
    wide = wide[wide.index <= last]
    ug = (wide["unemployment_rate"] - wide["noncyclical_rate_of_unemployment"]).to_numpy(float)
    gap = wide["output_gap"].to_numpy(float)
    X = np.column_stack([np.ones(len(ug) - 1), ug[:-1], gap[1:]])
    (c, a, b), *_ = np.linalg.lstsq(X, ug[1:], rcond=None)
    return {"okun_coefficient": float(-b / (1.0 - a)), "okun_persistence": float(a ** (1.0 / 3.0)),
            "quarterly_a": float(a), "b": float(b), "first": str(wide.index[1]), "last": str(wide.index[-1]),
            "n": int(len(ug) - 1)}


def stress_history() -> dict:
    """The history the stress index and the uncertainty event are sized on (bundled store).

    From the Baa-Treasury spread (``fred.baa10y``, monthly averages 1986-01 to the last full month): its
    GFC peak over the median, the largest one-month rise over that range, its AR(1) coefficient; from the
    10-year (``yields.cmt`` DGS10, monthly averages since 1986): the record and the 95th percentile of
    one-month rises; and the median absolute month-end change of the 10-year, 1990-2025 (bp).
    """
    import pandas as pd

    from treasurylab import data

    def monthly(dataset: str, series: str, how: str = "mean"):
        df = data.series(dataset, series=series)
        s = pd.Series(pd.to_numeric(df["value"], errors="coerce").to_numpy(),
                      index=pd.to_datetime(df["date"].astype(str))).dropna().sort_index()
        return s.resample("MS").mean() if how == "mean" else s.resample("MS").last()

    baa = monthly("fred.baa10y", "BAA10Y").loc["1986-01":"2026-07"]
    rng = float(baa.max() - baa.median())
    x = (baa - baa.mean()).to_numpy()
    y10 = monthly("yields.cmt", "DGS10").loc["1986-01":"2026-07"]
    rises = y10.diff().dropna()
    ends = monthly("yields.cmt", "DGS10", "last").loc["1989-12":"2025-12"].diff().dropna().abs() * 100.0
    return {
        "baa_spread_stress": rng / 100.0,
        "stress_max_rise": float(baa.diff().max()) / rng,
        "stress_persistence": float(x[1:] @ x[:-1] / (x[:-1] @ x[:-1])),
        "stress_yield_jump": float(rises.max()) / 100.0,
        "stress_jump_floor": float(rises.quantile(0.95)) / 100.0,
        "uncertainty_median_move_bp": float(ends.median()),
    }
