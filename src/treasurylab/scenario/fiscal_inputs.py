"""Fiscal inputs built from data: the initial maturity ladder and CBO's baseline paths, month by month.

Role
----
The params layer between the data (``treasurylab.data``) and the fiscal kernel (``model/fiscal.py``):

* :func:`initial_ladder` / :func:`ladder_info` - the kernel's :class:`~treasurylab.model.fiscal.Ladder`
  at the start of a month, from the data layer's roll-forward (``treasurylab.data.ladder``: the
  January 2022 CUSIP-level statement rolled forward on the MSPD Table I class totals at market
  yields). Each cohort goes to the month in which it is repaid, ``k = ceil(months to maturity) - 1``;
  coupon flow = principal x coupon (TIPS: real coupon on principal incl. inflation compensation; FRN:
  principal only, paid at the bill rate + ``frn_spread``). The ladder is scaled by one factor to CBO's
  debt held by the public at the start (CBO's measure adds ~0.5 T of nonmarketable debt held by the
  public, savings bonds and state and local series, to marketable debt held by the public), keeping
  its composition. Its WAM, bill share and average rate are checked against the published ~72 months,
  ~21% and CBO's 3.2% (scenario/targets/fiscal.py).

* :func:`backtest` and :func:`fit_other_interest_offset` - the kernel run over FY2023-FY2025 at actual
  yields, deficits and bill shares; the one constant share of GDP that separates its interest on
  debt held by the public from CBO's actual net interest (model/fiscal.py "Definitions").

* :func:`cbo_baseline_inputs` - CBO's baseline as monthly kernel inputs: primary deficit
  (= total deficit - net interest, by fiscal year, /12 a month), revenue, other means of financing
  (= change in debt held by the public - deficit), nominal GDP (calendar-year values placed at month
  ordinal 12*Y + 5.5, quarterly values at their middle month, linearly interpolated to the middle of
  each month - the convention params/macro_inputs.py shares), CPI-U inflation (each period's growth, spread
  evenly over its months), and the yield curve: CBO's 3-month bill (discount basis, converted to the
  bond-equivalent investment yield ``i = 365 d / (360 - 91 d)``) and 10-year note; the 2y, 5y and 30y
  points come from their historical relationship with those two, an OLS
  ``y_k = a_k + b_k y_3m + c_k y_10`` on monthly FRED CMT yields over ``curve_spread_window``
  (2016-2025), the way CBO describes deriving the rates of other maturities from its 3-month and
  10-year projections.

* :func:`run_baseline` - the kernel on a CBO baseline (one path), optionally with every rate shifted
  (CBO's interest-rate rule of thumb), aggregated to fiscal years.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from treasurylab.errors import BadInput

CURVE_TENORS_M = (3, 24, 60, 120, 360)


# --- small helpers ------------------------------------------------------------------------------
def _mi(s: str) -> int:
    """'YYYY-MM' -> month number (year*12 + month-1)."""
    try:
        y, m = (int(x) for x in str(s).split("-")[:2])
        if not 1 <= m <= 12:
            raise ValueError
    except ValueError:
        raise BadInput("not a month", field="start", got=s, fix="write YYYY-MM") from None
    return y * 12 + m - 1


def _fiscal_params(params: Any = None):
    from treasurylab.params import load_params

    return load_params("fiscal") if params is None else params


@lru_cache(maxsize=4)
def _monthly_cmt() -> dict[str, dict[int, float]]:
    """Monthly averages of daily CMT yields, decimal, tenor label -> {month number: value}."""
    from treasurylab import data

    df = data.series("yields.cmt", start="1962-01")
    df = df.assign(month=df["date"].astype(str).str.slice(0, 7))
    g = df.groupby(["tenor", "month"])["value"].mean() / 100.0
    out: dict[str, dict[int, float]] = {}
    for (tenor, month), v in g.items():
        out.setdefault(str(tenor), {})[_mi(month)] = float(v)
    return out


def _cmt(tenor: str, m: int, fallbacks: tuple[str, ...] = ()) -> float:
    """CMT yield of ``tenor`` in month m; if missing, the fallbacks, then the nearest later month."""
    from treasurylab.params.macro_inputs import ordinal_label

    c = _monthly_cmt()
    for t in (tenor,) + fallbacks:
        s = c.get(t, {})
        if m in s:
            return s[m]
    for t in (tenor,) + fallbacks:   # before a series starts: its first value
        s = c.get(t, {})
        if s:
            first = min(s)
            if m < first:
                return s[first]
    raise BadInput("no Treasury yield for this month", field=f"yields.cmt {tenor}", got=ordinal_label(m),
                   fix="choose a start month covered by the bundled yields (1962-2026)")


@lru_cache(maxsize=4)
def _cpi_monthly_growth(vintage: str = "2026-02") -> dict[int, float]:
    """CPI-U inflation per month (annual decimal rate) from CBO's economic file, constant within a period."""
    from treasurylab import data

    df = data.series(f"cbo.econ.{vintage}", variable="cpiu")
    dates = df["date"].astype(str).tolist()
    vals = df["value"].to_numpy(dtype=np.float64)
    out: dict[int, float] = {}
    quarterly = "q" in dates[0]
    for i in range(1, len(dates)):
        if not (np.isfinite(vals[i]) and np.isfinite(vals[i - 1])):
            continue
        if quarterly:
            y, q = int(dates[i][:4]), int(dates[i][-1])
            rate = (vals[i] / vals[i - 1]) ** 4 - 1.0
            for k in range(3):
                out[y * 12 + 3 * (q - 1) + k] = rate
        else:
            y = int(dates[i])
            rate = vals[i] / vals[i - 1] - 1.0
            for k in range(12):
                out[y * 12 + k] = rate
    return out


# --- the initial ladder --------------------------------------------------------------------------
@dataclass
class LadderInfo:
    ladder: Any                 # model.fiscal.Ladder at the start month
    wam: float                  # months
    bill_share: float
    average_rate: float         # annual decimal, coupons of the ladder plus FRN at the bill rate + spread
    scale: float                # factor applied to reach CBO's debt held by the public


def ladder_info(start: str, params: Any = None) -> LadderInfo:
    """The ladder at the start of month ``start`` with its diagnostics (cached; deterministic)."""
    p = _fiscal_params(params)
    return _ladder_cached(str(start), float(p["frn_spread"]))


def clear_memo() -> None:
    """Forget the ladders :func:`ladder_info` keeps in memory: the next is read from the disk cache, or
    rolled forward, again (a test of the disk cache, or of how often the ladder is built)."""
    _ladder_cached.cache_clear()


@lru_cache(maxsize=16)
def _ladder_cached(start: str, frn_spread: float) -> LadderInfo:
    """The ladder from memory, else from the disk cache (keyed on the data), else rolled forward."""
    from treasurylab.cache import cached
    from treasurylab.data.store import fingerprint

    return cached("ladder", {"start": start, "frn_spread": frn_spread, "data": fingerprint()},
                  lambda: _ladder_build(start, frn_spread))


def _ladder_build(start: str, frn_spread: float) -> LadderInfo:
    from treasurylab.data.ladder import roll_forward
    from treasurylab.model.fiscal import MAX_TENOR_M, Ladder
    from treasurylab.params.macro_inputs import ordinal_label

    s = _mi(start)
    try:
        lad = roll_forward(ordinal_label(s - 1))
    except BadInput as exc:
        raise BadInput("the initial ladder needs the MSPD data of the month before the start", field="start",
                       got=start, fix=f"choose a start month one month after a month the data covers ({exc.fix})"
                       ) from None
    c = lad.cohorts
    # principal repaid in simulated month k: remaining maturity in (k, k+1] months at the end of as_of
    k = np.clip(np.ceil(c["months_to_maturity"].to_numpy(dtype=np.float64)) - 1, 0, MAX_TENOR_M).astype(int)
    pr = c["principal_bn"].to_numpy(dtype=np.float64)
    cp = c["coupon_pct"].to_numpy(dtype=np.float64) / 100.0
    cl = c["class_code"].astype(str).to_numpy()
    if np.any(pr < 0) or np.any(~np.isfinite(cp)):
        raise BadInput("the rolled-forward ladder has negative principal or missing coupons",
                       field="data.ladder", got=start, fix="check the bundled MSPD data (make manifest)")

    def cal(mask: np.ndarray, w: np.ndarray, n: int = MAX_TENOR_M + 1) -> np.ndarray:
        return np.bincount(k[mask], weights=w[mask], minlength=MAX_TENOR_M + 1)[:n]

    nominal = np.isin(cl, ["bill", "note", "bond"])
    marketable = float(pr.sum())
    scale = _cbo_debt_at(s) / marketable
    ladder = Ladder(
        nominal_due=cal(nominal, pr) * scale,
        nominal_coupon=cal(nominal, pr * cp) * scale,
        bill_due=cal(cl == "bill", pr, 13) * scale,
        tips_due=cal(cl == "tips", pr) * scale,
        tips_coupon=cal(cl == "tips", pr * cp) * scale,
        frn_due=cal(cl == "frn", pr, 25) * scale,
        frn_spread=frn_spread,
        start=ordinal_label(s),
        source=(f"treasurylab.data.ladder.roll_forward('{ordinal_label(s - 1)}') (MSPD 2022-01 CUSIP seed rolled "
                f"forward on MSPD Table I totals), scaled by {scale:.4f} to CBO debt held by the public"),
    )
    bill3m = _cmt("3M", s - 1, ("6M",))
    frn = cl == "frn"
    avg = (float((pr * cp)[~frn].sum()) + float(pr[frn].sum()) * (bill3m + frn_spread)) / marketable
    return LadderInfo(ladder, ladder.wam_months, ladder.bill_share, avg, scale)


def initial_ladder(start: str = "2025-10", params: Any = None):
    """The :class:`~treasurylab.model.fiscal.Ladder` at the start of month ``start`` ('YYYY-MM')."""
    return ladder_info(start, params).ladder


def _cbo_debt_at(s: int) -> float:
    """CBO debt held by the public at the end of month s-1: the actual FY-end value if s is October,
    else linear interpolation of the FY-end actuals (or the latest baseline beyond the actuals)."""
    from treasurylab.model.fiscal import fiscal_year
    from treasurylab.params.macro_inputs import ordinal_label

    fy_end = _cbo_actual("debt")
    y_prev = fiscal_year(s - 1)                        # fiscal year containing month s-1
    months_into = ((s - 1) % 12 - 9) % 12 + 1         # 12 at September
    lo, hi = fy_end.get(y_prev - 1), fy_end.get(y_prev)
    if hi is None:
        base = _baseline_fy("2026-02", "debt")
        hi = base.get(y_prev)
    if lo is None or hi is None:
        raise BadInput("no CBO debt held by the public for this month", field="start", got=ordinal_label(s),
                       fix="choose a start month between 1985-10 and 2036-09")
    return lo + (hi - lo) * months_into / 12.0


@lru_cache(maxsize=8)
def _cbo_actual_cached(component: str, category: str) -> tuple[tuple[int, float], ...]:
    from treasurylab import data

    df = data.series("cbo.eval.actuals", component=component, category=category)
    return tuple((int(y), float(v)) for y, v in zip(df["fiscal_year"], df[df.columns[-1]]))


def _cbo_actual(what: str) -> dict[int, float]:
    comp, cat = {"debt": ("debt", "Total"), "deficit": ("deficit", "Total"),
                 "net_interest": ("outlay", "Net Interest"), "revenue": ("revenue", "Total")}[what]
    return dict(_cbo_actual_cached(comp, cat))


@lru_cache(maxsize=16)
def _baseline_cached(vintage: str, component: str, category: str) -> tuple[tuple[int, float], ...]:
    from treasurylab import data

    df = data.series("cbo.eval.baselines", baseline_date=vintage, component=component, category=category)
    if df.empty:
        raise BadInput("no CBO baseline of this vintage", field="vintage", got=vintage,
                       fix="use a baseline_date of cbo.eval.baselines, e.g. '2026-02' or '2025-01'")
    return tuple((int(y), float(v)) for y, v in zip(df["fiscal_year"], df["value"]))


def _baseline_fy(vintage: str, what: str) -> dict[int, float]:
    comp, cat = {"debt": ("debt", "Total"), "deficit": ("deficit", "Total"),
                 "net_interest": ("outlay", "Net Interest"), "revenue": ("revenue", "Total")}[what]
    return dict(_baseline_cached(vintage, comp, cat))


# --- backtest on actuals and the fitted residual ------------------------------------------------
def backtest(params: Any = None, years: tuple[int, ...] = (2023, 2024, 2025), offset: float | None = None) -> dict:
    """Run the kernel over actual fiscal years from the ladder at the start of the first one.

    Inputs are actuals: monthly-average CMT yields (3m as the bill rate; 2y, 5y, 10y, 30y), the primary
    deficit (CBO actual deficit - actual net interest) and other means (actual change in debt - deficit)
    spread evenly over each fiscal year, GDP by fiscal year, CPI-U inflation, and the MSPD bill share of
    each month as the bill target. Returns fiscal-year interest on the debt and net interest next to
    CBO's actuals. ``offset`` overrides ``other_interest_offset`` (0 gives gross interest only).
    """
    from treasurylab.model import fiscal as F
    from treasurylab.params.macro_inputs import ordinal_label

    p = _fiscal_params(params)
    years = tuple(int(y) for y in years)
    if list(years) != list(range(years[0], years[0] + len(years))):
        raise BadInput("must be consecutive fiscal years", field="years", got=list(years), fix="e.g. (2023, 2024, 2025)")
    ni, deficit, debt, gdp = _cbo_actual("net_interest"), _cbo_actual("deficit"), _cbo_actual("debt"), _cbo_gdp()
    for y in years:
        if y not in ni or y not in gdp or y - 1 not in debt:
            raise BadInput("no CBO actuals for this fiscal year", field="years", got=y,
                           fix=f"use fiscal years up to {max(ni)} (a horizon past the data is not possible)")
    start_m = (years[0] - 1) * 12 + 9
    T = 12 * len(years)
    months = start_m + np.arange(T)
    fy_of = F.fiscal_year(months)
    tenors = (("3M", ("6M",)), ("2Y", ("1Y", "3Y")), ("5Y", ()), ("10Y", ()), ("30Y", ("20Y", "10Y")))
    yields = np.array([[_cmt(t, int(m), fb) for t, fb in tenors] for m in months])
    cpi = _cpi_monthly_growth("2026-02")
    infl = np.array([cpi.get(int(m), np.nan) for m in months])
    pdef, om, ngdp = np.empty(T), np.empty(T), np.empty(T)
    for y in years:
        sel = fy_of == y
        pdef[sel] = (-deficit[y] - ni[y]) / 12.0
        om[sel] = (debt[y] - debt[y - 1] + deficit[y]) / 12.0
        ngdp[sel] = gdp[y]
    share = _mspd_bill_share()
    mixes = []
    for m in months:
        if int(m) not in share:
            raise BadInput("no MSPD bill share for this month", field="years", got=ordinal_label(int(m)),
                           fix="use fiscal years covered by mspd.summary")
        mixes.append(F.mix_from_params(p, bill_share=share[int(m)]))
    pp = dict(p)
    if offset is not None:
        pp["other_interest_offset"] = offset
    res = F.simulate(initial_ladder(ordinal_label(start_m), p), pp, mixes, yields=yields, bill_rate=yields[:, 0],
                     primary_deficit=pdef, ngdp=ngdp, inflation=infl, other_means=om, n_paths=1, horizon=T)
    _, gross = F.fiscal_year_totals(res["interest_gross"], ordinal_label(start_m))
    _, net = F.fiscal_year_totals(res["net_interest"], ordinal_label(start_m))
    _, dend = F.fiscal_year_end(res["debt"], ordinal_label(start_m))
    rows = [{"fiscal_year": y, "model_interest_on_debt": float(gross[0, i]), "model_net_interest": float(net[0, i]),
             "cbo_net_interest": ni[y], "model_debt": float(dend[0, i]), "cbo_debt": debt[y], "gdp": gdp[y]}
            for i, y in enumerate(years)]
    return {"years": rows, "monthly": {k: v[0] for k, v in res.items()}}


@lru_cache(maxsize=1)
def _mspd_bill_share() -> dict[int, float]:
    from treasurylab import data

    df = data.series("mspd.summary")
    df = df[df["class_code"].isin(["bill", "note", "bond", "tips", "frn"])]
    df = df.assign(month=df["date"].astype(str).str.slice(0, 7))
    tot = df.groupby("month")["total"].sum()
    bills = df[df["class_code"] == "bill"].groupby("month")["total"].sum()
    return {_mi(m): float(bills.get(m, 0.0) / v) for m, v in tot.items() if v > 0}


def fit_other_interest_offset(params: Any = None, years: tuple[int, ...] = (2023, 2024, 2025)) -> dict:
    """One constant share of GDP: (sum of model interest on debt held by the public - sum of CBO actual
    net interest) / sum of fiscal-year GDP, the model run by :func:`backtest` on actual yields."""
    bt = backtest(params, years, offset=0.0)
    rows = bt["years"]
    model = sum(r["model_interest_on_debt"] for r in rows)
    actual = sum(r["cbo_net_interest"] for r in rows)
    g = sum(r["gdp"] for r in rows)
    for r in rows:
        r["offset_share_gdp"] = (r["model_interest_on_debt"] - r["cbo_net_interest"]) / r["gdp"]
    return {"offset": (model - actual) / g, "years": rows}


@lru_cache(maxsize=1)
def _cbo_gdp_cached() -> tuple[tuple[int, float], ...]:
    from treasurylab import data

    df = data.series("cbo.eval.gdp")
    col = "value" if "value" in df.columns else df.columns[-1]
    return tuple((int(y), float(v)) for y, v in zip(df["fiscal_year"], df[col]))


def _cbo_gdp() -> dict[int, float]:
    return dict(_cbo_gdp_cached())


# --- CBO baseline inputs ------------------------------------------------------------------------
@dataclass
class BaselineInputs:
    vintage: str
    start: str                       # first month 'YYYY-MM' (October of the first fiscal year)
    fiscal_years: np.ndarray         # the baseline's fiscal years, in order
    curve_tenors_m: tuple[int, ...]
    yields: np.ndarray               # (T, 5) decimal at curve_tenors_m
    bill_rate: np.ndarray            # (T,) bond-equivalent 3-month bill yield
    primary_deficit: np.ndarray      # (T,) USD bn a month
    revenue: np.ndarray              # (T,)
    other_means: np.ndarray          # (T,)
    ngdp: np.ndarray                 # (T,) USD bn annual rate
    inflation: np.ndarray            # (T,) CPI-U, annual decimal
    cbo_net_interest: dict[int, float]
    cbo_debt: dict[int, float]
    cbo_deficit: dict[int, float]
    gdp_fy: dict[int, float]         # fiscal-year GDP from CBO's economic file (same for model and CBO)
    source: str = ""

    @property
    def horizon(self) -> int:
        return len(self.bill_rate)


_ECON_FOR_BASELINE = {"2026-02": "2026-02", "2025-01": "2025-01"}


@lru_cache(maxsize=8)
def econ_points(vintage: str, variable: str) -> tuple[np.ndarray, np.ndarray]:
    """(midpoint month number as float, value) for an economic variable of CBO's file."""
    from treasurylab import data

    df = data.series(f"cbo.econ.{vintage}", variable=variable)
    x, v = [], []
    for d, val in zip(df["date"].astype(str), df["value"].to_numpy(dtype=np.float64)):
        if not np.isfinite(val):
            continue
        if "q" in d:
            y, q = int(d[:4]), int(d[-1])
            x.append(y * 12 + 3 * (q - 1) + 1.0)     # quarter's value at its middle month's start (shared convention)
        else:
            x.append(int(d) * 12 + 5.5)              # year's value at ordinal 12*Y + 5.5, the convention macro_inputs shares
        v.append(val)
    return np.array(x), np.array(v)


@lru_cache(maxsize=4)
def curve_coefficients(first: int, last: int) -> dict[str, tuple[float, float, float]]:
    """OLS of monthly CMT 2y, 5y and 30y yields on a constant, the 3-month and the 10-year yields over
    calendar years ``first``..``last``: tenor -> (a, b_3m, c_10y), all in decimal units."""
    c = _monthly_cmt()
    months = [m for m in range(first * 12, last * 12 + 12)
              if all(m in c.get(t, {}) for t in ("3M", "2Y", "5Y", "10Y", "30Y"))]
    if len(months) < 24:
        raise BadInput("too few months of CMT data in the window", field="fiscal.curve_spread_window",
                       got=[first, last], fix="use at least two years covered by yields.cmt (1982-2026)")
    X = np.array([[1.0, c["3M"][m], c["10Y"][m]] for m in months])
    out = {}
    for ten in ("2Y", "5Y", "30Y"):
        y = np.array([c[ten][m] for m in months])
        beta = np.linalg.lstsq(X, y, rcond=None)[0]
        out[ten] = tuple(float(b) for b in beta)
    return out


def build_curve(bill_bey: np.ndarray, y10: np.ndarray, params: Any = None) -> np.ndarray:
    """(T, 5) yields at CURVE_TENORS_M from the 3-month (bond-equivalent) and 10-year rates: the 2y, 5y
    and 30y points from their historical relationship with those two (:func:`curve_coefficients`)."""
    p = _fiscal_params(params)
    first, last = (int(x) for x in p["curve_spread_window"])
    k = curve_coefficients(first, last)
    bill_bey = np.asarray(bill_bey, dtype=np.float64)
    y10 = np.asarray(y10, dtype=np.float64)

    def fit(t: str) -> np.ndarray:
        a, b, c = k[t]
        return a + b * bill_bey + c * y10

    return np.stack([bill_bey, fit("2Y"), fit("5Y"), y10, fit("30Y")], axis=1)


def discount_to_bey(d: np.ndarray, days: int = 91) -> np.ndarray:
    """Bank-discount bill rate -> bond-equivalent (investment) yield, both decimal."""
    d = np.asarray(d, dtype=np.float64)
    return 365.0 * d / (360.0 - days * d)


def cbo_baseline_inputs(vintage: str = "2026-02", params: Any = None, years: int | None = None) -> BaselineInputs:
    """CBO's baseline of ``vintage`` as monthly inputs from October of its first fiscal year."""
    from treasurylab.model.fiscal import fiscal_year
    from treasurylab.params.macro_inputs import ordinal_label

    if vintage not in _ECON_FOR_BASELINE:
        import re

        known = "use " + " or ".join(repr(v) for v in _ECON_FOR_BASELINE)
        # 'cbo-2025-01' is how run --baseline names it
        m = re.fullmatch(r"(?:cbo-)?(\d{4})-(\d{1,2})", str(vintage).strip().lower())
        if not re.fullmatch(r"\d{4}-\d{2}", str(vintage)):
            # '2025-1' is a bundled vintage written without its month's zero, not a baseline without
            # projections (what this said of it)
            padded = f"{m.group(1)}-{int(m.group(2)):02d}" if m else None
            raise BadInput("not a vintage: write YYYY-MM", field="vintage", got=vintage,
                           fix=f"did you mean {padded!r}?" if padded in _ECON_FOR_BASELINE else known)
        raise BadInput("no economic projections bundled for this baseline", field="vintage", got=vintage,
                       fix=known)
    econ = _ECON_FOR_BASELINE[vintage]
    deficit = _baseline_fy(vintage, "deficit")
    ni = _baseline_fy(vintage, "net_interest")
    rev = _baseline_fy(vintage, "revenue")
    debt = _baseline_fy(vintage, "debt")
    fys = np.array(sorted(deficit))
    if years is not None:
        if years < 1 or years > len(fys):
            raise BadInput(f"the {vintage} baseline covers FY{fys[0]}-FY{fys[-1]}", field="years", got=years,
                           fix=f"use 1 to {len(fys)} fiscal years (a horizon past the data is not possible)")
        fys = fys[:years]
    start_m = (int(fys[0]) - 1) * 12 + 9
    T = 12 * len(fys)
    months = start_m + np.arange(T)
    mid = months + 0.5
    fy_of = fiscal_year(months)

    def interp(var: str) -> np.ndarray:
        x, v = econ_points(econ, var)
        if mid[-1] > x[-1] + 6.5:
            raise BadInput("the economic projections end before the horizon", field="years", got=len(fys),
                           fix="shorten the horizon")
        return np.interp(mid, x, v)

    ngdp = interp("gdp")
    y10 = interp("treasury_note_rate_10yr") / 100.0
    bill = discount_to_bey(interp("treasury_bill_rate_3mo") / 100.0)
    cpi = _cpi_monthly_growth(econ)
    infl = np.array([cpi.get(int(m), np.nan) for m in months])
    if np.any(~np.isfinite(infl)):
        raise BadInput("no CPI-U projection for every month", field="vintage", got=vintage,
                       fix="check the bundled CBO economic file")
    actual_debt = _cbo_actual("debt")
    prev_debt = actual_debt.get(int(fys[0]) - 1)
    if prev_debt is None:
        prev_debt = _baseline_fy(vintage, "debt").get(int(fys[0]) - 1)
    pdef = np.empty(T)
    revm = np.empty(T)
    om = np.empty(T)
    for y in fys:
        sel = fy_of == y
        pdef[sel] = (-deficit[y] - ni[y]) / 12.0
        revm[sel] = rev[y] / 12.0
        d_prev = prev_debt if y == fys[0] else debt[y - 1]
        om[sel] = (debt[y] - d_prev - (-deficit[y])) / 12.0
    gdp_fy = {int(y): float(ngdp[fy_of == y].mean()) for y in fys}
    return BaselineInputs(
        vintage=vintage, start=ordinal_label(start_m), fiscal_years=fys, curve_tenors_m=CURVE_TENORS_M,
        yields=build_curve(bill, y10, params), bill_rate=bill, primary_deficit=pdef, revenue=revm,
        other_means=om, ngdp=ngdp, inflation=infl,
        cbo_net_interest={int(y): ni[y] for y in fys}, cbo_debt={int(y): debt[y] for y in fys},
        cbo_deficit={int(y): -deficit[y] for y in fys}, gdp_fy=gdp_fy,
        source=(f"CBO baseline {vintage} (cbo.eval.baselines) and economic projections "
                f"(cbo.econ.{econ}); curve built as in scenario/fiscal_inputs.py"),
    )


def run_baseline(vintage: str = "2026-02", params: Any = None, rate_shift: float = 0.0,
                 shift_from: str | None = None, years: int | None = None,
                 inputs: BaselineInputs | None = None) -> dict:
    """Run the fiscal kernel on CBO's baseline (one path); ``rate_shift`` adds to every rate (bills,
    the whole curve, FRN resets, new TIPS real coupons) from month ``shift_from`` on. ``inputs``:
    baseline inputs to use instead of CBO's own (e.g. re-anchored on observed data by
    ``scenario/jumpoff.py``).

    Returns the monthly outputs (1-D arrays) plus ``fy`` (fiscal years) and fiscal-year aggregates.
    """
    from treasurylab.model import fiscal as F

    p = _fiscal_params(params)
    b = inputs if inputs is not None else cbo_baseline_inputs(vintage, p, years)
    ladder = initial_ladder(b.start, p)
    shift = np.zeros(b.horizon)
    if rate_shift:
        k0 = 0 if shift_from is None else _mi(shift_from) - _mi(b.start)
        if not 0 <= k0 < b.horizon:
            raise BadInput("outside the baseline horizon", field="shift_from", got=shift_from,
                           fix=f"use a month from {b.start} on")
        shift[k0:] = rate_shift
    res = F.simulate(ladder, p, F.mix_from_params(p), yields=b.yields + shift[:, None],
                     bill_rate=b.bill_rate + shift, primary_deficit=b.primary_deficit, ngdp=b.ngdp,
                     inflation=b.inflation, revenue=b.revenue, other_means=b.other_means,
                     n_paths=1, horizon=b.horizon, curve_tenors_m=b.curve_tenors_m)
    out = {k: v[0] for k, v in res.items()}
    years_, ni = F.fiscal_year_totals(res["net_interest"], b.start)
    _, dfc = F.fiscal_year_totals(res["deficit"], b.start)
    _, debt_end = F.fiscal_year_end(res["debt"], b.start)
    out.update(fy=years_, fy_net_interest=ni[0], fy_deficit=dfc[0], fy_debt=debt_end[0],
               fy_debt_gdp=debt_end[0] / np.array([b.gdp_fy[int(y)] for y in years_]), inputs=b, ladder=ladder)
    return out
