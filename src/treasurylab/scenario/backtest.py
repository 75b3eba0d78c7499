"""Backtest: rolling origins, each forecast made only from what was published then, scored on outcomes.

For each origin (the first day of a month; by default every January 1995-2024) the forecasters see
the data published by that day (``treasurylab.data.asof``) and make a distribution of:

* the 10-year yield ``h`` = 12 and 24 months after the last observed month (monthly averages of daily
  DGS10, the convention of docs/reference/uncertainty.md);
* debt held by the public / GDP and net interest for the fiscal years 1, 2 and 5 years after the
  latest CBO spring baseline published before the origin (``years ahead`` = CBO's projected-year
  number - 1), against the actuals of the eval files.

Forecasters of the 10-year:

* ``model``: treasurylab's baseline world from that origin: the jump-off (the last observed month)
  re-anchored on the newest CBO rate path published by then, the gap decaying at the AR(1) rate
  estimated on the data before the origin (scenario/jumpoff.py) - CBO's rate paths are bundled only
  for the 2025-01 and 2026-02 vintages, so before 2025 the centre stays at the jump-off (a random
  walk, what CBO Working Paper 2017-07 found hard to beat) - plus the world shocks when the model has
  them (:func:`world_shocks`: ``None`` means the model's baseline has no world shocks and its band
  is a point).
* ``engine``: the full coupled engine (the ``baseline`` scenario started at the origin), where it
  can start: from 2025-02 on (a CBO vintage with economic projections published, and the data the
  maturity ladder and the holders need); half-lives estimated as of the origin.
* yardsticks: ``no-change`` (a point at the last observation: CRPS = absolute error),
  ``empirical`` (every h-month change of the 10-year since 1990 observed by then, added to the last
  observation), ``gaussian-120`` (normal, sigma of the last 120 monthly changes x sqrt(h)).

Forecasters of debt/GDP and net interest, from CBO's own errors at that horizon over the vintages
whose outcome was published before the origin (debt/GDP: actual - projected; net interest: log of
actual / projected): ``cbo`` (CBO's projection as a point); ``cbo+past-errors`` (the projection plus
the empirical distribution of those errors, the past-error band of uncertainty.md s2, kept as the
yardstick it warns about: 6-13 errors at early origins understate the tails, and their bias flips
sign between regimes - debt came in 20-30 pp of GDP below the projections of the late 1980s and
early 1990s at 5 years, then 20-35 pp above those of 2001-08 - so shifting the band by the past
bias moved it away from the outcome); ``cbo+errors`` (:func:`rmse_band`: the method of the Fed's
SEP and Reifschneider & Tulip - centred on the projection, sized by the root-mean-square past error,
bias included, the statistic CBO's own evaluations publish - with the prediction interval of a new
error from a small sample: Student t with the effective number of errors, the count divided by the
years ahead because consecutive vintages' k-year errors share k - 1 years). The eval files hold no projected GDP, so CBO's debt is divided by GDP as it could be forecast
then (the newest published fiscal-year GDP grown at its trailing 5-year rate) and the past errors
are measured the same way (actual debt/GDP minus that forecast): they include the GDP error.

Scores: empirical coverage of the central 50% and 90% bands with a Newey-West standard error
(origins overlap when the horizon is longer than the spacing), CRPS (``scoringrules``, exact for
ensembles) next to the no-change forecast's, and PIT values (the share of the ensemble at or below
the outcome, ties split) for the calibration histogram.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from treasurylab.errors import BadInput

HORIZONS_M = (12, 24)
FISCAL_YEARS_AHEAD = (1, 2, 5)
BANDS = (0.5, 0.9)
FIRST_HISTORY_YEAR = 1990        # the yardsticks' history starts here (uncertainty.md)


def _mi(s: str) -> int:
    return int(s[:4]) * 12 + int(s[5:7]) - 1


def default_origins(first: int = 1995, last: int = 2024, month: int = 1) -> list[str]:
    return [f"{y:04d}-{month:02d}" for y in range(first, last + 1)]


# --- the data, read once ---------------------------------------------------------------------------
@dataclass
class _History:
    y10: dict[int, float]                # month number -> monthly average DGS10, decimal (complete months)
    y10_pub: dict[int, dt.date]          # month number -> date its last day was published
    fiscal_actual: dict[str, dict[int, float]]   # 'debt', 'net_interest', 'gdp' -> fiscal year -> USD bn
    fiscal_actual_pub: dict[int, dt.date]        # fiscal year -> publication date
    baselines: dict[str, dict[str, dict[int, float]]]   # vintage 'YYYY-MM' -> what -> fiscal year -> value
    baseline_pub: dict[str, dt.date]
    gdp_pub: dict[int, dt.date]                  # fiscal year -> publication date of its GDP


def _history() -> _History:
    from treasurylab import data
    from treasurylab.data.asof import published

    cmt = data.series("yields.cmt", series="DGS10")
    pub = published("yields.cmt", cmt)
    d = cmt.assign(month=cmt["date"].astype(str).str.slice(0, 7), pub=pub.to_numpy())
    g = d.groupby("month").agg(value=("value", "mean"), pub=("pub", "max"))
    newest = max(d["date"].astype(str))
    y10, y10_pub = {}, {}
    for m, row in g.iterrows():
        mm = _mi(str(m))
        if str(m) == newest[:7] and int(newest[8:10]) < 28:
            continue                     # the newest month is not complete: not an outcome yet
        y10[mm] = float(row["value"]) / 100.0
        y10_pub[mm] = row["pub"].date()
    act = data.series("cbo.eval.actuals")
    apub = published("cbo.eval.actuals", act)
    fa: dict[str, dict[int, float]] = {"debt": {}, "net_interest": {}}
    fa_pub: dict[int, dt.date] = {}
    for (comp, cat), key in ((("debt", "Total"), "debt"), (("outlay", "Net Interest"), "net_interest")):
        sel = (act["component"] == comp) & (act["category"] == cat)
        for y, v, p in zip(act.loc[sel, "fiscal_year"], act.loc[sel, act.columns[-1]], apub[sel]):
            fa[key][int(y)] = float(v)
            fa_pub[int(y)] = p.date()
    gdp = data.series("cbo.eval.gdp")
    fa["gdp"] = {int(y): float(v) for y, v in zip(gdp["fiscal_year"], gdp[gdp.columns[-1]])}
    gdp_pub = {int(y): p.date() for y, p in zip(gdp["fiscal_year"], published("cbo.eval.gdp", gdp))}
    bl = data.series("cbo.eval.baselines")
    bl = bl[bl["spring_flag"].astype(str).str.lower() == "true"]
    bpub = published("cbo.eval.baselines", bl)
    baselines: dict[str, dict[str, dict[int, float]]] = {}
    baseline_pub: dict[str, dt.date] = {}
    for (comp, cat), key in ((("debt", "Total"), "debt"), (("outlay", "Net Interest"), "net_interest")):
        sel = (bl["component"] == comp) & (bl["category"] == cat)
        for v_, y, val, p in zip(bl.loc[sel, "baseline_date"].astype(str), bl.loc[sel, "fiscal_year"],
                                 bl.loc[sel, "value"], bpub[sel]):
            baselines.setdefault(v_[:7], {}).setdefault(key, {})[int(y)] = float(val)
            baseline_pub[v_[:7]] = p.date()
    return _History(y10, y10_pub, fa, fa_pub, baselines, baseline_pub, gdp_pub)


# --- forecasters of the 10-year ---------------------------------------------------------------------
def _cbo_rate_vintage(as_of: dt.date) -> str | None:
    """The newest CBO economic vintage with a 10-year path published by ``as_of`` (None before 2025-02)."""
    from treasurylab.data.asof import release_date

    out = None
    for v in ("2025-01", "2026-02"):
        if release_date(f"cbo.econ.{v}", v) <= as_of:
            out = v
    return out


def model_centre(origin: str, horizon: int, jparams=None) -> tuple[np.ndarray, dict]:
    """The model's baseline 10-year for months L+1..L+horizon from ``origin`` (decimal), with notes.

    The jump-off and the gap's persistence use only data published by the origin."""
    from treasurylab.params import load_params
    from treasurylab.params.macro_inputs import ordinal_label
    from treasurylab.scenario import jumpoff as JO

    jp = jparams if jparams is not None else load_params("jumpoff")
    jump = JO.observe(origin)
    phi = JO.estimate_persistence(jump, int(jp["gap_fit_first_year"]))["long"]
    L = jump.last_month
    months = L + 1 + np.arange(horizon)
    vintage = _cbo_rate_vintage(JO.as_date_of(origin))
    obs = {int(m): float(v) for m, v in zip(jump.months, jump.curve[:, 3])}
    if vintage is None:
        centre = np.full(horizon, obs[L])
    else:
        from treasurylab.scenario.fiscal_inputs import econ_points

        x, v = econ_points(vintage, "treasury_note_rate_10yr")
        path = np.interp(np.concatenate([[L], months]) + 0.5, x, v) / 100.0
        centre = JO.reanchor(path, np.concatenate([[L], months]), obs, phi, L)[1:]
    return centre, {"vintage": vintage, "phi": phi, "last_month": ordinal_label(L)}


def asof_jumpoff_overrides(origin: str, jparams=None) -> dict:
    """The jump-off half-lives re-estimated on the data published by ``origin`` (scenario overrides)."""
    from treasurylab.params import load_params
    from treasurylab.scenario import jumpoff as JO

    jp = jparams if jparams is not None else load_params("jumpoff")
    est = JO.estimate_persistence(JO.observe(origin), int(jp["gap_fit_first_year"]))
    return {"gap_half_life_long_months": round(JO.half_life(est["long"]), 6),
            "gap_half_life_short_months": round(JO.half_life(est["short"]), 6)}


def engine_vintage(origin: str) -> str | None:
    """The CBO baseline the full engine can start from at ``origin`` (published by then and covering
    it), or None: the engine needs a vintage with economic projections (2025-01 or 2026-02)."""
    from treasurylab.scenario import jumpoff as JO

    v = _cbo_rate_vintage(JO.as_date_of(origin))
    return None if v is None else f"cbo-{v}"


def engine_forecast(origin: str, h: int, paths: int, seed: int) -> np.ndarray | None:
    """The full coupled engine's 10-year in month L+h (the baseline scenario started at ``origin`` on
    the newest published CBO vintage, jump-off half-lives estimated as of the origin); None where
    the engine cannot start there.

    Its world shocks are the curve shocks re-estimated on the data published by ``origin``
    (:func:`asof_shock_params`, as the 'model' forecaster's), not the shipped file's, which is
    estimated on the curve through 2025-12 and on CBO errors published after a 2025 origin. The macro
    and fiscal world shocks are off: they move the world-only baseline that the premia are measured
    from, not the 10-year (model/coupled.py), so the 10-year's fan is the curve shocks' and the
    holders' own."""
    from dataclasses import replace

    from treasurylab.scenario.ensemble import run_blocks
    from treasurylab.scenario.runner import run_block
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import check_semantics, load_scenario

    v = engine_vintage(origin)
    if v is None:
        return None
    sc = load_scenario("baseline").with_(start=origin, horizon=h, baseline=v, paths=paths, seed=seed,
                                         overrides={"jumpoff": asof_jumpoff_overrides(origin)})
    check_semantics(sc)
    setup = replace(prepare(sc), shocks=asof_shock_params(origin))
    arrays = run_blocks(run_block, setup, paths, seed)
    return np.asarray(arrays["y10"][:, h - 1], dtype=float)


#: the as-of estimation window of the world shocks: from 1990 (the shocks block's own sample start),
#: or the last 10 years where fewer months than that have been observed since 1990
SHOCK_FIT_MIN_MONTHS = 120

@lru_cache(maxsize=512)
def asof_shock_fit(origin: str) -> dict:
    """The curve shocks' fit on the data published by ``origin`` (:func:`asof_shock_params`): the OLS
    VAR(1), its block length and ``shocks_estimate.match_curve_shocks``' result (``md``: the speed, the
    two residual scales, ``fallback`` where one scale was used and why)."""
    import pandas as pd
    from arch.bootstrap import optimal_block_length
    from statsmodels.tsa.api import VAR

    from treasurylab.params.shocks_estimate import curve_factors, exact_loadings, match_curve_shocks
    from treasurylab.scenario import jumpoff as JO

    j = JO.observe(origin)
    first = min(FIRST_HISTORY_YEAR * 12, j.last_month - SHOCK_FIT_MIN_MONTHS + 1)
    sel = (j.months >= first) & np.isfinite(j.policy) & np.all(np.isfinite(j.curve[:, [0, 1, 3]]), axis=1)
    m = pd.DataFrame({"3M": j.curve[sel, 0] * 100, "2Y": j.curve[sel, 1] * 100, "10Y": j.curve[sel, 3] * 100,
                      "DFF": j.policy[sel] * 100})
    f = curve_factors(m)
    fit = VAR(f.values).fit(1, trend="c")
    resid = fit.resid - fit.resid.mean(axis=0)
    load = np.zeros((5, 3))
    ex = exact_loadings()
    load[0], load[1], load[3] = ex[0], ex[1], ex[2]
    block = float(optimal_block_length(resid)["stationary"].mean())
    window = (j.months >= first) & (j.months <= j.last_month)
    y10 = j.curve[window, 3] * 100
    y3m = j.curve[window, 0] * 100
    md = match_curve_shocks(fit.coefs[0], resid, block, load, y10, y3m)
    return {"md": md, "loadings": load, "block": block, "months": int(sel.sum())}


@lru_cache(maxsize=512)
def asof_shock_params(origin: str):
    """The world shocks' yield-curve part (``model/shocks.py``) re-estimated on the data published by
    ``origin``: the VAR(1) of the curve factors of ``params/shocks_estimate.py`` (level, slope,
    curvature of 3m/2y/10y and the fed funds - 3m spread) on monthly averages from 1990-01 (or the
    last ``SHOCK_FIT_MIN_MONTHS`` months) to the last observed month, its demeaned residuals and the
    Politis-White block length, then the same minimum-distance speed and two residual scales as the
    shipped file (``shocks_estimate.match_curve_shocks``) on the 10-year's 12- and 60-month changes
    and the 3-month's 12-month changes in the VAR's own months (one scale, as before, where the two
    cannot be solved: ``asof_shock_fit(origin)["md"]["fallback"]`` says why). Macro and fiscal shocks
    are off (the 10-year needs the curve only)."""
    from treasurylab.model.shocks import ShockParams

    fit = asof_shock_fit(origin)
    md = fit["md"]
    resid = md["resid"]
    R = resid.shape[0]
    sp = ShockParams(A=md["A"], resid=resid, z_infl=np.zeros(R), z_growth=np.zeros(R), loadings=fit["loadings"],
                     block_length=fit["block"], rho_infl=0.0, sigma_infl=0.0, rho_growth=0.0, sigma_growth=0.0,
                     rho_deficit=0.0, sigma_deficit=0.0, macro=False, fiscal=False)
    # tp_loadings stay None: the backtest scores the 10-year yield, not its term-premium split
    return sp


def world_shocks(origin: str, n: int, horizon: int, rng: np.random.Generator) -> np.ndarray | None:
    """(n, horizon) deviations of the 10-year from the baseline drawn by the model's world shocks,
    estimated on data published before ``origin``; None while the model has none."""
    try:
        from treasurylab.model.shocks import draw, shock_rng
    except ImportError:
        return None
    from treasurylab.params import list_blocks, load_params

    if "shocks" not in list_blocks() or not bool(load_params("shocks")["enabled"]):
        return None
    w = draw(asof_shock_params(origin), n, horizon, shock_rng(rng))
    return w.tenor[:, 3, :].T.copy()


def _y10_forecasts(origin: str, h: int, hist: _History, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    from treasurylab.data.asof import as_date

    as_of = as_date(origin)
    seen = {m: v for m, v in hist.y10.items() if hist.y10_pub[m] <= as_of}
    L = max(seen)
    last = seen[L]
    out: dict[str, np.ndarray] = {"no-change": np.array([last])}
    first = FIRST_HISTORY_YEAR * 12
    ch = np.array([seen[m] - seen[m - h] for m in sorted(seen) if m - h >= first and m - h in seen])
    out["empirical"] = last + ch
    d1 = np.array([seen[m] - seen[m - 1] for m in sorted(seen)[-120:] if m - 1 in seen])
    sig = float(np.std(d1, ddof=1)) * np.sqrt(h)
    out["gaussian-120"] = last + sig * rng.standard_normal(n)
    centre, _ = model_centre(origin, h)
    shocks = world_shocks(origin, n, h, rng)
    if shocks is None:
        out["model"] = np.array([centre[-1]])
    else:   # floored at the policy-rate lower bound, as the engine floors its shocked curve
        from treasurylab.model.macro import MacroParams
        from treasurylab.params import load_params

        lb = MacroParams.from_params(load_params("macro")).lower_bound
        out["model"] = np.maximum(centre[-1] + shocks[:, -1], lb)
    eng = engine_forecast(origin, h, n, int(rng.integers(2**31)))
    if eng is not None:
        out["engine"] = eng
    return out


# --- scores -----------------------------------------------------------------------------------------
def pit(ens: np.ndarray, y: float) -> float:
    """Share of the ensemble below the outcome, ties counted half (a point forecast gives 0, 0.5 or 1)."""
    ens = np.asarray(ens, dtype=float)
    return float((np.sum(ens < y) + 0.5 * np.sum(ens == y)) / len(ens))


def covered(ens: np.ndarray, y: float, level: float) -> bool:
    lo, hi = np.quantile(ens, [(1 - level) / 2, (1 + level) / 2])
    return bool(lo <= y <= hi)


def crps(ens: np.ndarray, y: float) -> float:
    import scoringrules as sr

    return float(sr.crps_ensemble(np.asarray(y, dtype=float), np.asarray(ens, dtype=float)))


def newey_west_se(x: np.ndarray, lags: int) -> float:
    """Standard error of the mean of ``x`` allowing for autocorrelation up to ``lags`` (Bartlett)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 2:
        return float("nan")
    e = x - x.mean()
    v = float(e @ e) / n
    for k in range(1, min(lags, n - 1) + 1):
        v += 2 * (1 - k / (lags + 1)) * float(e[k:] @ e[:-k]) / n
    return float(np.sqrt(max(v, 0.0) / n))


@dataclass
class BacktestResult:
    origins: list[str]
    paths: int
    rows: list[dict] = field(default_factory=list)      # one per origin x target x forecaster
    summary: list[dict] = field(default_factory=list)   # one per target x forecaster
    notes: list[str] = field(default_factory=list)
    spread: list[dict] = field(default_factory=list)    # spread_checks() of the engine's baseline run
    spread_paths: int = 0
    engine: list[dict] = field(default_factory=list)    # 10-year summaries of the engine replays
    engine_origins: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"origins": self.origins, "paths": self.paths, "summary": self.summary, "rows": self.rows,
                "spread": self.spread, "engine": self.engine, "engine_origins": self.engine_origins,
                "notes": self.notes, "units": UNITS}


#: the units of the numbers in ``to_dict`` (backtest.json, ``backtest --json``); the terminal table
#: shows CRPS in bp for y10 and in pp for debt/GDP instead
UNITS = {
    "values": {"y10": "fraction (0.045 = 4.5 percent)", "debt_gdp": "fraction of GDP (1.0 = 100% of GDP)",
               "net_interest": "USD bn"},
    "values_apply_to": "outcome, p5, p25, p50, p75, p95 and crps of rows, summary and engine, by target",
    "horizon": "months for y10, fiscal years for debt_gdp and net_interest",
    "cover50": "fraction of origins whose outcome is inside the 50% band",
    "cover90": "fraction of origins whose outcome is inside the 90% band",
    "pit": "probability (0-1): the forecast's CDF at the outcome",
    "crps": "the target's value unit (see values)",
    "crps_vs_point": "ratio: CRPS over the point forecast's (no-change for y10, CBO for fiscal)",
    "spread": "model_p5/p95 and ref_p5/p95 in the unit in each row's 'what' (bp, pp or %); width_ratio a "
              "ratio; ref_inside (and its Newey-West standard error ref_inside_se) the fraction of the record's "
              "ref_n values inside the engine's p5..p95",
}


def _summarise(rows: list[dict]) -> list[dict]:
    out = []
    keys = sorted({(r["target"], r["horizon"], r["forecaster"]) for r in rows},
                  key=lambda k: (k[0], k[1], k[2]))
    for tgt, hz, fc in keys:
        rs = [r for r in rows if (r["target"], r["horizon"], r["forecaster"]) == (tgt, hz, fc)]
        hm = hz if tgt == "y10" else 12 * hz
        om = sorted(_mi(r["origin"]) for r in rs)
        spacing = max(1, int(np.median(np.diff(om)))) if len(om) > 1 else 12
        lags = max(0, int(np.ceil(hm / spacing)) - 1)      # windows that overlap the next origins
        s = {"target": tgt, "horizon": hz, "forecaster": fc, "n": len(rs)}
        for lvl in BANDS:
            c = np.array([r[f"in{int(lvl * 100)}"] for r in rs], dtype=float)
            s[f"cover{int(lvl * 100)}"] = float(c.mean())
            s[f"cover{int(lvl * 100)}_se"] = newey_west_se(c, lags)
        s["crps"] = float(np.mean([r["crps"] for r in rs]))
        s["pit"] = [r["pit"] for r in rs]
        out.append(s)
    # CRPS relative to the no-change point, same target and horizon
    for s in out:
        ref = [t for t in out if (t["target"], t["horizon"]) == (s["target"], s["horizon"])
               and t["forecaster"] in ("no-change", "cbo")]
        s["crps_vs_point"] = s["crps"] / ref[0]["crps"] if ref and ref[0]["crps"] > 0 else float("nan")
    return out


def _gdp_asof(hist: _History, fy: int, as_of: dt.date) -> float:
    """GDP of fiscal year ``fy`` as it could be forecast on ``as_of``: the newest published fiscal-year
    GDP grown at its trailing 5-year average rate (the eval files hold no projected GDP)."""
    g = hist.fiscal_actual["gdp"]
    known = [y for y, p in hist.gdp_pub.items() if p <= as_of]
    if not known:
        raise BadInput("no GDP published before this date", field="origins", got=str(as_of),
                       fix="use origins from 1990 on")
    last = max(known)
    back = min(5, last - min(g))           # the first years of the file have fewer years behind them
    growth = (g[last] / g[last - back]) ** (1.0 / back) if back > 0 else 1.0
    return g[last] * growth ** (fy - last)


#: fewest past errors at a horizon for an error band (a t predictive needs a few degrees of freedom)
MIN_PAST_ERRORS = 5


def rmse_band(errs: np.ndarray, n: int, overlap: int = 1) -> np.ndarray:
    """``n`` evenly spaced quantiles of the error band built from past errors ``errs`` the way the
    Fed's SEP and Reifschneider & Tulip (FEDS 2017-020) do: centred on the projection (zero), sized by
    the root-mean-square error, bias included, which is also the statistic CBO's own evaluations
    publish; with the small-sample prediction interval of a new error, a Student t scaled by
    ``sqrt(1 + 1/m)`` with ``m - 1`` degrees of freedom (at least ``MIN_PAST_ERRORS - 1``), where
    ``m = len(errs) / overlap`` is the effective number of errors (``overlap``: the years ahead,
    consecutive spring vintages' errors at k years sharing k - 1 of them)."""
    from scipy.stats import t as student_t

    e = np.asarray(errs, dtype=float)
    k = len(e) / max(overlap, 1)
    rmse = float(np.sqrt(np.mean(e ** 2)))
    u = (np.arange(n) + 0.5) / n
    return rmse * np.sqrt(1.0 + 1.0 / k) * student_t.ppf(u, df=max(k - 1, MIN_PAST_ERRORS - 1.0))


def _fiscal_rows(origin: str, hist: _History, rng: np.random.Generator, paths: int = 2000) -> list[dict]:
    """Debt/GDP and net interest: CBO's newest spring baseline as of the origin, as a point and with
    the as-of distribution of its past errors."""
    from treasurylab.data.asof import as_date

    as_of = as_date(origin)
    vint = [v for v, p in hist.baseline_pub.items() if p <= as_of]
    if not vint:
        return []
    v = max(vint)
    rows = []
    for k in FISCAL_YEARS_AHEAD:
        for what in ("debt_gdp", "net_interest"):
            comp = "debt" if what == "debt_gdp" else "net_interest"
            proj = hist.baselines[v].get(comp, {})
            if not proj:
                continue
            fy = min(proj) + k                      # projected-year number k+1 -> k years ahead
            if fy not in proj or fy not in hist.fiscal_actual[comp] or fy not in hist.fiscal_actual["gdp"]:
                continue
            actual, gdp = hist.fiscal_actual[comp][fy], hist.fiscal_actual["gdp"][fy]
            # past errors at the same horizon, of vintages whose outcome was published by the origin
            errs = []
            for w, bw in hist.baselines.items():
                pw = bw.get(comp, {})
                if not pw or w >= v:
                    continue
                fw = min(pw) + k
                if fw in pw and fw in hist.fiscal_actual[comp] and hist.fiscal_actual_pub[fw] <= as_of:
                    a = hist.fiscal_actual[comp][fw]
                    if what == "debt_gdp":
                        g = _gdp_asof(hist, fw, hist.baseline_pub[w])
                        errs.append(a / hist.fiscal_actual["gdp"][fw] - pw[fw] / g)
                    else:
                        errs.append(np.log(a / pw[fw]))
            errs = np.array(errs)
            if what == "debt_gdp":
                y, point = actual / gdp, proj[fy] / _gdp_asof(hist, fy, as_of)
                ens = {"cbo": np.array([point])}
                if len(errs) >= MIN_PAST_ERRORS:
                    ens["cbo+past-errors"] = point + errs
                    ens["cbo+errors"] = point + rmse_band(errs, paths, k)
            else:
                y, point = actual, proj[fy]
                ens = {"cbo": np.array([point])}
                if len(errs) >= MIN_PAST_ERRORS:
                    ens["cbo+past-errors"] = point * np.exp(errs)
                    ens["cbo+errors"] = point * np.exp(rmse_band(errs, paths, k))
            for fc, e in ens.items():
                rows.append(_score_row(origin, what, k, fc, e, y, extra={"vintage": v, "fiscal_year": fy,
                                                                        "past_errors": len(errs)}))
    return rows


def _score_row(origin: str, target: str, horizon: int, fc: str, ens: np.ndarray, y: float,
               extra: dict | None = None) -> dict:
    q = np.quantile(ens, [0.05, 0.25, 0.5, 0.75, 0.95])
    r = {"origin": origin, "target": target, "horizon": horizon, "forecaster": fc, "outcome": float(y),
         "p5": float(q[0]), "p25": float(q[1]), "p50": float(q[2]), "p75": float(q[3]), "p95": float(q[4]),
         "in50": covered(ens, y, 0.5), "in90": covered(ens, y, 0.9), "crps": crps(ens, y), "pit": pit(ens, y)}
    r.update(extra or {})
    return r


def count(n: int, unit: str) -> str:
    """'1 year', '2 years': a count with its unit, singular for one."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


@lru_cache(maxsize=1)
def last_origin() -> str:
    """The newest origin with an outcome in the bundled data: its 12-month-ahead 10-year yield (the
    shortest horizon) is the newest complete month of DGS10. A later origin has nothing to be scored
    against (the fiscal outcomes, fiscal years of CBO's actuals, end earlier still)."""
    from treasurylab.params.macro_inputs import ordinal_label

    return ordinal_label(max(_history().y10) - min(HORIZONS_M) + 1)


def check_inputs(origins: list[str], paths: int, field: str = "origins", paths_field: str = "paths") -> None:
    """Bad input of :func:`backtest`, named as the caller names it (the CLI checks its options before any work)."""
    if not origins:
        raise BadInput("no origins", field=field, fix="give at least one YYYY-MM")
    if paths < 10:
        raise BadInput("too few paths for quantiles", field=paths_field, got=paths, fix="use at least 10")
    for o in origins:
        if not (len(o) == 7 and o[4] == "-" and o[:4].isdigit() and o[5:].isdigit() and 1 <= int(o[5:]) <= 12):
            raise BadInput("not a month", field=field, got=o, fix="write YYYY-MM")
        if int(o[:4]) < FIRST_HISTORY_YEAR + 3:
            raise BadInput("too little history before the origin", field=field, got=o,
                           fix=f"start at {FIRST_HISTORY_YEAR + 3}-01 or later")
    last = last_origin()
    late = [o for o in origins if o > last]
    if late:
        raise BadInput(f"no outcome yet: the bundled data score origins up to {last} (its 12-month outcome is "
                       "the newest complete month)", field=field, got=late[0],
                       fix=f"use origins from {FIRST_HISTORY_YEAR + 3}-01 to {last}")


def backtest(origins: list[str] | None = None, paths: int = 2000, seed: int = 0) -> BacktestResult:
    """Run every forecaster from every origin and score it (deterministic for a seed)."""
    from treasurylab.params.macro_inputs import ordinal_label

    origins = list(origins) if origins is not None else default_origins()
    check_inputs(origins, paths)
    hist = _history()
    res = BacktestResult(origins=origins, paths=paths)
    for i, o in enumerate(origins):
        rng = np.random.default_rng([seed, i])
        L = _mi(o) - 1
        for h in HORIZONS_M:
            tgt = L + h
            if tgt not in hist.y10:
                continue
            for fc, ens in _y10_forecasts(o, h, hist, paths, rng).items():
                res.rows.append(_score_row(o, "y10", h, fc, ens, hist.y10[tgt], {"target_month": ordinal_label(tgt)}))
        res.rows.extend(_fiscal_rows(o, hist, rng, paths))
    res.summary = _summarise(res.rows)
    res.notes += [
        "CBO rate paths are bundled only for the 2025-01 and 2026-02 vintages (cbo.econ.*); the eval files "
        "hold every spring baseline's debt, deficits and net interest since 1984 but no rates or GDP. Before "
        "2025-02 the model's 10-year centre is therefore the jump-off itself (a random walk), and debt/GDP "
        "divides CBO's debt by an as-of GDP forecast (newest published GDP at its trailing 5-year growth).",
        "The full engine ('engine') can start only from 2025-02 (a vintage with economic projections "
        "published; the maturity ladder and the holders' data): --engine-origins 2025-02,...,2025-07 replays it for "
        "its 12-month scores.",
        "As-of limits: the bundled files are the latest vintages of each series, so revised history "
        "(GDP, TIC) is seen with its revisions; the publication rules are in data/asof.py.",
        "Fiscal bands: 'cbo+past-errors' adds CBO's past errors at that horizon to its projection (uncertainty.md "
        "s2's band, biased by the regime of the errors it has seen); 'cbo+errors' is centred on the projection "
        "and sized by the past errors' RMSE (the Fed SEP / Reifschneider-Tulip method), a Student t for the "
        "effective number of past errors (count / years ahead: consecutive vintages' errors overlap).",
        "Sampling error: about 30 independent 12-month outcomes (15 at 24 months) exist since 1995; a "
        "calibrated 90% band shows coverage anywhere in about [0.80, 1.00] at 12 months "
        "(docs/reference/uncertainty.md s1).",
    ]
    if world_shocks(origins[0], 2, 1, np.random.default_rng(0)) is None:
        res.notes.append("the model's baseline has no world shocks: its 10-year forecast is a point (the "
                         "re-anchored baseline), so its bands cover an outcome only by chance")
    else:
        res.notes.append("'model' = the re-anchored baseline plus the world shocks of model/shocks.py with "
                         "their yield-curve part re-estimated on the data published by each origin "
                         f"(VAR(1) of the curve factors from 1990-01, or the last {SHOCK_FIT_MIN_MONTHS} "
                         "months where fewer; stationary bootstrap of its residuals; speed of mean reversion "
                         "and two residual scales, the level's and the other factors', by minimum distance on "
                         "the 10-year's 12- and 60-month changes and the 3-month's 12-month changes in the "
                         "same months)." + _one_scale_note(origins))
    return res


def _one_scale_note(origins: list[str]) -> str:
    """Which origins' as-of fits fell back to one residual scale, and why (never silently)."""
    fb = {o: asof_shock_fit(o)["md"]["fallback"] for o in origins}
    fb = {o: why for o, why in fb.items() if why is not None}
    if not fb:
        return ""
    return (f" One scale (the single-scale fit) at {len(fb)} of {len(origins)} origins, where the two could not "
            "be solved: " + "; ".join(f"{o}: {why.removeprefix('one scale: ')}" for o, why in fb.items()) + ".")


# --- the engine's spread against history and CBO's error record ---------------------------------------
def historical_change_record(h: int, first: int = FIRST_HISTORY_YEAR, last: int = 2025) -> np.ndarray:
    """Every h-month change of the monthly average 10-year (decimal), windows inside ``first``..``last``
    (overlapping: one a month)."""
    hist = _history()
    y = hist.y10
    return np.array([y[m] - y[m - h] for m in sorted(y)
                     if m - h >= first * 12 and m < (last + 1) * 12 and m - h in y])


def historical_policy_change_record(h: int, first: int = FIRST_HISTORY_YEAR, last: int = 2025) -> np.ndarray:
    """Every h-month change of the monthly average effective federal funds rate (``rates.daily`` DFF,
    decimal), windows inside ``first``..``last`` (overlapping: one a month)."""
    m = _fed_funds_monthly(first, last)
    return m[h:] - m[:-h]


@lru_cache(maxsize=4)
def _fed_funds_monthly(first: int, last: int) -> np.ndarray:
    """Monthly averages of the effective federal funds rate (decimal), ``first``..``last``, read once."""
    import pandas as pd

    from treasurylab import data
    from treasurylab.params.shocks_estimate import monthly_mean

    m = monthly_mean(data.series("rates.daily", series="DFF"))
    m = m[(m.index >= pd.Period(f"{first}-01", "M")) & (m.index <= pd.Period(f"{last}-12", "M"))] / 100.0
    if len(m) != 12 * (last - first + 1):
        raise ValueError(f"missing months of the fed funds rate in {first}..{last}")
    out = m.to_numpy(dtype=float, copy=True)
    out.setflags(write=False)         # shared by every caller of the cache
    return out


def cbo_error_record(years_ahead: int) -> dict[str, np.ndarray]:
    """CBO's raw errors (every spring baseline, published projection vs actual) ``years_ahead`` years
    ahead: "debt_gdp" (actual - projected debt) / actual GDP and "net_interest" actual / projected - 1,
    one value a baseline whose outcome is in the data (docs/reference/uncertainty.md s2)."""
    hist = _history()
    out: dict[str, list[float]] = {"debt_gdp": [], "net_interest": []}
    for bw in hist.baselines.values():
        for what, comp in (("debt_gdp", "debt"), ("net_interest", "net_interest")):
            pw = bw.get(comp, {})
            if not pw:
                continue
            fy = min(pw) + years_ahead
            if fy in pw and fy in hist.fiscal_actual[comp] and fy in hist.fiscal_actual["gdp"]:
                a = hist.fiscal_actual[comp][fy]
                out[what].append((a - pw[fy]) / hist.fiscal_actual["gdp"][fy] if what == "debt_gdp"
                                 else a / pw[fy] - 1.0)
    return {k: np.array(v) for k, v in out.items()}


def inside_share(record: np.ndarray, lo: float, hi: float, lags: int) -> dict[str, float]:
    """{"ref_inside": the share of a record's values inside [lo, hi], "ref_inside_se": its Newey-West
    standard error with ``lags`` (neighbouring values that share months: h - 1 for h-month changes
    a month apart, years ahead - 1 for yearly baselines)}. A 90% band as wide as history should hold
    about 90% of it whatever the record's shape: the width ratio misreads a record made of a tight
    core and a few recessions (CBO's 1-year debt errors: fiscal years 2002-03, 2008-09 and
    2020-21 in the bundled record)."""
    c = np.asarray(record, dtype=float)
    c = ((c >= lo) & (c <= hi)).astype(float)
    return {"ref_inside": float(c.mean()), "ref_inside_se": newey_west_se(c, lags)}


def spread_checks(paths: int = 2000, seed: int = 0, scenario: str = "baseline") -> list[dict]:
    """The engine's bands from ``scenario`` against history: the 10-year's 12- and 60-month changes
    and the policy rate's 12- and 24-month changes from the jump-off (p5..p95) against 1990-2025's,
    and debt/GDP and net interest 1, 2, 5 years ahead (relative to the no-shock baseline) against
    CBO's own errors."""
    from treasurylab.scenario.runner import run

    res = run(scenario, paths=paths, seed=seed, workers=1, keep_paths=paths)
    ds = res.ds
    y0 = float(res.meta["jump_off"]["y10_observed"])
    T = ds.sizes["month"]
    rows = []
    for h in (12, 60):
        if h > T:
            continue
        m = np.quantile(ds["y10"].values[:, h - 1] - y0, [0.05, 0.95])
        rec = historical_change_record(h)
        hq = np.quantile(rec, [0.05, 0.95])
        rows.append({"what": f"10-year change, {count(h, 'month')} (bp)", "model_p5": float(m[0] * 1e4), "model_p95": float(m[1] * 1e4),
                     "ref_p5": float(hq[0] * 1e4), "ref_p95": float(hq[1] * 1e4), "ref": "monthly averages 1990-2025",
                     "width_ratio": float((m[1] - m[0]) / (hq[1] - hq[0])), "ref_n": len(rec),
                     **inside_share(rec, m[0], m[1], h - 1)})
    # the policy rate: it reprices bills and floating-rate notes, so it sizes net interest's band
    p0 = float(res.meta["jump_off"]["policy_observed"])
    for h in (12, 24):
        if h > T:
            continue
        m = np.quantile(ds["policy_rate"].values[:, h - 1] - p0, [0.05, 0.95])
        rec = historical_policy_change_record(h)
        hq = np.quantile(rec, [0.05, 0.95])
        rows.append({"what": f"policy rate change, {count(h, 'month')} (bp)", "model_p5": float(m[0] * 1e4),
                     "model_p95": float(m[1] * 1e4), "ref_p5": float(hq[0] * 1e4), "ref_p95": float(hq[1] * 1e4),
                     "ref": "effective fed funds, monthly averages 1990-2025",
                     "width_ratio": float((m[1] - m[0]) / (hq[1] - hq[0])), "policy_months": h, "ref_n": len(rec),
                     **inside_share(rec, m[0], m[1], h - 1)})
    for k in FISCAL_YEARS_AHEAD:
        h = 12 * k
        if h > T:
            continue
        rec = cbo_error_record(k)
        q = {kk: np.quantile(v, [0.05, 0.95]) for kk, v in rec.items()}
        d = ds["debt_gdp"].values[:, h - 1] - ds["base_debt_gdp"].values[h - 1]
        m = np.quantile(d, [0.05, 0.95])
        rows.append({"what": f"debt/GDP vs baseline, {count(k, 'year')} (pp)", "model_p5": float(m[0] * 100), "model_p95": float(m[1] * 100),
                     "ref_p5": float(q["debt_gdp"][0] * 100), "ref_p95": float(q["debt_gdp"][1] * 100),
                     "ref": "CBO raw errors, spring baselines",
                     "width_ratio": float((m[1] - m[0]) / (q["debt_gdp"][1] - q["debt_gdp"][0])),
                     "ref_n": len(rec["debt_gdp"]), **inside_share(rec["debt_gdp"], m[0], m[1], k - 1)})
        r = ds["net_interest"].values[:, h - 1] / ds["base_net_interest"].values[h - 1] - 1.0
        m = np.quantile(r, [0.05, 0.95])
        rows.append({"what": f"net interest vs baseline, {count(k, 'year')} (%)", "model_p5": float(m[0] * 100),
                     "model_p95": float(m[1] * 100), "ref_p5": float(q["net_interest"][0] * 100),
                     "ref_p95": float(q["net_interest"][1] * 100), "ref": "CBO raw errors, spring baselines",
                     "width_ratio": float((m[1] - m[0]) / (q["net_interest"][1] - q["net_interest"][0])),
                     "ref_n": len(rec["net_interest"]), **inside_share(rec["net_interest"], m[0], m[1], k - 1),
                     "net_interest_years": k})
    return rows
