"""Estimate the world shocks from the bundled data and write ``params/defaults/shocks.yaml``.

Run ``python -m treasurylab.params.shocks_estimate --write`` to regenerate the file (``--check``
exits 1 when the file on disk differs from a fresh estimate; a test does the same). Nothing in the
file is typed in by hand: every number comes out of this module from the store.

What is estimated (docs/design.md, "World shocks", says why this form):

* **Yield curve and policy rate**, monthly averages of daily data, 1990-01..2025-12: the CMT curve
  (``yields.cmt``) summarised by three factors of the model's key tenors,
  level = (3m + 2y + 10y) / 3, slope = 10y - 3m, curvature = 2 * 2y - 3m - 10y (so 3m, 2y and 10y
  are exact functions of the factors), plus the policy spread = effective fed funds (``rates.daily``
  DFF) - 3m. A VAR(1) in levels (statsmodels, OLS with a constant) gives the persistence matrix;
  its residuals (demeaned, so the shocks have mean zero and the baseline stays the centre) are
  resampled jointly, by date, with a stationary bootstrap in the kernel (model/shocks.py); the mean
  block length is arch.bootstrap's optimal_block_length (Politis-White) of the residuals.
  **Minimum distance on the 10-year's changes** (:func:`match_change_spreads`): the OLS VAR's
  persistence is biased up in a 36-year sample and its bootstrapped residuals are serially
  correlated, so its 60-month 10-year band came out ~1.25x history's while the 12-month one matched.
  The speed of mean reversion and the innovation scale are therefore set so that the shocks'
  10-year spread at 12 and 60 months equals the data's: ``A = I + kappa (A_ols - I)`` (every root
  moved towards 1 - kappa (1 - root)), residuals times ``s``; the target is the normal-equivalent
  s.d. of the p5..p95 range of the 10-year's h-month changes in the estimation sample, ``(p95 -
  p5) / 3.29``, and the shocks' s.d. is the exact one of the stationary bootstrap started from zero
  (the residuals' circular autocovariances, kept at lag k with probability (1 - 1/L)^k).
  **Short-end scale** (:func:`match_curve_shocks` -> :func:`match_short_scale`, shipped): the residual
  scale is two, ``s_L`` on the level's column and ``s_R`` on slope, curvature and policy spread, and a
  third moment, the 3-month yield's 12-month spread (same sample, same normal-equivalent s.d.), joins the
  10-year's two: three moments, three parameters. Order: kappa solves the 10-year's 60/12 ratio (Brent on
  the shared speed's stability range, :func:`kappa_range`; the nearer end where the range does not reach
  it), and at every kappa the two 12-month spreads fix the scales exactly (the variance of a quantity's
  changes is ``s_L^2 V_LL + s_L s_R V_X + s_R^2 V_RR``, so ``s_R / s_L`` is the one root in
  SCALE_RATIO_BOUNDS of a quadratic, ``s_L`` then the 10-year's level). Well posed: the Jacobian of the
  three log moments in (log kappa, log s_L, log s_R) has condition number 4.0 on 1990-2025. Result:
  kappa 2.051, s_L 0.878, s_R 1.258 (one scale: kappa 1.906, s 1.039); the 3-month's 12-month p5..p95
  458 bp (one scale: 407 bp), the policy rate's 452 bp (one scale: 400 bp; fed funds record 495 bp).
  Where no single ratio in the bounds matches, the fit is not solved and the single-scale
  :func:`match_change_spreads` (kappa on the 60/12 ratio, then one scale on the 12-month level) is used,
  ``fallback`` saying why: in the backtest's as-of fits this happens at 1995-01 only (its 1985-1994
  window), out of the 30 January origins 1995-2024. The same function re-estimates them at every
  backtest origin on the data published by then (scenario/backtest.asof_shock_fit). The 5-year
  and 30-year load on the factors by OLS of their levels on the factors (the 30-year without
  2002-02..2006-02, when no 30-year bond was issued).
  **Per-factor speeds, measured and not adopted** (measured before the short-end scale, against one
  residual scale; the code that measured it, ``match_speeds``, was removed once the finding was
  recorded here: no run could reach it): ``A = I + K (A_ols - I)`` with ``K`` diagonal, factor i's monthly correction scaled by its
  own speed, each chosen so that its quantity's own 60/12 ratio of change spreads matches the data's,
  under the same stability guard and with the scale still on the 10-year's 12-month spread. Four
  speeds on the 10-year, 2-year, 3-month and fed funds ratios are not well posed (the three short-end
  ratios move almost together: condition number of the Jacobian ~1e6; the joint least squares leaves
  them unmatched and drives the spread's speed to a negative root), nor is a level+curvature /
  slope+spread split, nor the 3-month in place of fed funds; two speeds are (condition number ~4):
  the level's, pinned by the 10-year, and one for slope, curvature and policy spread, pinned by the
  policy rate (fed funds). On 1990-2025 they are 2.06 and 1.67 (shared kappa 1.91, scale 0.963):
  the short end reverts more slowly (alone, +2.5% on the policy rate's 12-month spread), but slower
  slope and curvature also widen the 10-year's 12-month changes, so the common scale set on them falls
  (1.039 to 0.963) and the policy rate's p5..p95 of 12-month changes falls from 400 to 381 bp (data
  495 bp).
  The shortfall is the size of the short end's shocks at 12-24 months (and fed funds' hump: 24-month
  changes wider than 60-month ones, 871 against 795 bp, which a VAR(1) cannot make), not their
  persistence (hence the short-end scale above). Tried in the backtest's as-of fits too, no pair of speeds fits at 29 of the 30 January
  origins 1995-2024 (their as-of 60-month changes are few): there the fit fell back to the shared
  kappa, so the 10-year's backtest scores barely moved.
* **The 10-year term premium's share of the curve shocks**: the Adrian-Crump-Moench 10-year term
  premium (``macro.term_premium``, ACMTP10, monthly averages) regressed on the curve factors, month on
  month (OLS of its monthly change on the factors' monthly changes, 1990-01..2025-12): the factors
  explain about 88% of its monthly variance and the coefficients are the same on 12- and 60-month
  changes, so a path's world term premium is these loadings times its curve-factor deviations
  (:func:`estimate_term_premium`; the rest of the premium's variance, about 12% a month, is not drawn).
* **Inflation and real growth**, CBO's quarterly history (``cbo.econ.2025-01``: CPI-U and real GDP,
  annualised quarter-on-quarter, 1990q1..2024q3, the last full quarter of history in that file): an
  AR(1) each (statsmodels AutoReg); the monthly persistence is the quarterly one to the power 1/3
  and each quarter's standardised residual is attached to its three months, so the bootstrap draws
  it together with the curve residuals of the same dates (cross-correlation and fat tails kept).
* **Primary deficit**, CBO's own projection errors (``cbo.eval.*``, spring baselines): actual minus
  projected primary deficit (deficit + net interest) in % of actual GDP, by fiscal years ahead.
  An AR(1) in % of GDP per month, ``d_t = rho d_{t-1} + sigma e_t``, is fitted (least squares on
  the standard deviations) to the half-width of CBO's p5..p95 error range / 1.645 at 1..6 projected
  years, so the p5..p95 band widens with the horizon as CBO's errors did. (The RMSE is dominated by
  the FY2020 pandemic error; the errors' positive median, about +2 pp at 5 years, is not a shock:
  the baseline stays the median.)
  **Whole error paths, measured and not adopted** (:func:`fiscal_error_paths`; ``primary_deficit_draw:
  record``): each path takes ONE spring baseline's errors at projected years 1..6 (the 29 baselines
  1992-03..2020-03 with all six years observed), centred by the median error at each year across them,
  in months linear between the middles of the projected fiscal years (months 2, 14, .., 62 from the
  start) and flat outside; the baseline chosen uniformly per path after the month loop, so the curve
  and macro shocks draw the same numbers. Pre-registered adoption criteria, measured on the engine's
  bands (the ``baseline`` scenario, 2,000 paths, seed 0; scenario/backtest.spread_checks), AR(1) ->
  record: debt/GDP width ratio against CBO's raw errors 0.536 -> 0.693 (1 year), 0.848 -> 0.964 (2),
  1.036 -> 1.088 (5), its p95 at 1 year +4.5 -> +7.7 pp (record +13.5); net interest 0.816 -> 0.826,
  0.877 -> 0.902, 0.893 -> 0.928; the 10-year and policy-rate rows and the whole rolling backtest
  unchanged. But the median of debt/GDP across paths, against the no-shock baseline, moves from -0.20 /
  -0.24 / -0.65 pp to +0.07 / +0.42 / +3.68 pp at 1 / 2 / 5 years, outside the criterion's 0.5 pp at 5
  years: each year's error has median zero, but a baseline's errors persist across its years and are
  skewed, so the median of their sum is not zero (the centred paths' years 1..5 summed: median +3.11 pp
  of GDP). Not adopted; the AR(1) stays the shipped draw. A run from a past month m can set
  ``primary_deficit_asof: m`` to keep only paths whose year-6 actual was published before m (2020-03's,
  FY2025 out on 2025-11-10, is left out of a 2025 start).
  **Centred on their sums, nothing added after year 6, measured and not adopted**
  (``primary_deficit_centring: cumulative``, ``primary_deficit_after_record: zero``; pre-registered,
  the same criteria plus the median at 10 years): the paths recentred so the median of each path's
  errors summed over years 1..n is zero at n = 1..6 (model/shocks.centre_cumulative), the monthly
  deviation linear from year 6's error (month 62) to zero at month 74 and zero after (assumption: the
  record has no errors beyond year 6). Same bands as above, AR(1) -> this draw: debt/GDP width 0.536 ->
  0.693 / 0.848 -> 0.964 / 1.036 -> 1.087, p95 at 1 year +4.5 -> +7.7 pp; net interest 0.816 -> 0.825 /
  0.877 -> 0.897 / 0.893 -> 0.884; rates unchanged; median debt/GDP - baseline -0.20 / -0.24 / -0.65 /
  +0.54 -> +0.00 / +0.10 / -0.36 / -1.32 pp at 1 / 2 / 5 / 10 years: outside 0.5 pp at 10 years (seed
  1: -1.55). With the rate and macro shocks off, its median stays within 0.32 pp of the baseline at 1, 2,
  5-8 and 10 years (-0.01 at 10): the skewed deficit paths added to the other shocks move the median.
  Not adopted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent / "defaults" / "shocks.yaml"
CURVE_START, CURVE_END = "1990-01", "2025-12"
MACRO_START, MACRO_END = "1990q1", "2024q3"
FACTORS = ("level", "slope", "curvature", "policy_spread")
TENORS = ("3M", "2Y", "5Y", "10Y", "30Y")          # the market block's tenors (model/market.TENORS)
NO_30Y = ("2002-02", "2006-02")                  # no 30-year bond: FRED's DGS30 is not a benchmark
DIGITS = 6


def _monthly_curve() -> pd.DataFrame:
    from treasurylab import data

    cmt = data.series("yields.cmt")
    w = cmt.pivot_table(index="date", columns="tenor", values="value")
    w.index = pd.PeriodIndex(pd.to_datetime(w.index), freq="M")
    m = w.groupby(level=0).mean()[list(TENORS)]
    r = data.series("rates.daily", series="DFF")
    dff = monthly_mean(r)
    m["DFF"] = dff
    return m.loc[CURVE_START:CURVE_END]


def monthly_mean(d: pd.DataFrame) -> pd.Series:
    """Monthly averages (PeriodIndex) of a store series' daily ``value`` column."""
    return d.set_index(pd.PeriodIndex(pd.to_datetime(d["date"]), freq="M"))["value"].groupby(level=0).mean()


def change_spread_bp(monthly: pd.Series, h: int) -> float:
    """p5-p95 of a monthly series' h-month changes (series in percent), bp."""
    ch = (monthly.shift(-h) - monthly).dropna().to_numpy() * 100.0
    return float(np.percentile(ch, 95) - np.percentile(ch, 5))


def historical_change_spread_bp(h: int, first: str = CURVE_START, last: str = CURVE_END) -> float:
    """p5-p95 of h-month changes of the 10-year (monthly averages of daily DGS10, ``first``..``last``), bp:
    the yardstick the world shocks' 10-year spreads are compared with (tests and docs/design.md)."""
    from treasurylab import data

    return change_spread_bp(monthly_mean(data.series("yields.cmt", series="DGS10")).loc[first:last], h)


def curve_factors(m: pd.DataFrame) -> pd.DataFrame:
    """Level, slope, curvature of the 3m/2y/10y and the policy spread, percent."""
    return pd.DataFrame({
        "level": (m["3M"] + m["2Y"] + m["10Y"]) / 3.0,
        "slope": m["10Y"] - m["3M"],
        "curvature": 2.0 * m["2Y"] - m["3M"] - m["10Y"],
        "policy_spread": m["DFF"] - m["3M"],
    })


def exact_loadings() -> np.ndarray:
    """(3, 3) loadings of 3m, 2y, 10y on (level, slope, curvature): the inverse of the definitions."""
    D = np.array([[1 / 3, 1 / 3, 1 / 3], [-1.0, 0.0, 1.0], [-1.0, 2.0, -1.0]])
    return np.linalg.inv(D)


def estimate_curve() -> dict:
    """The curve shocks from the bundled data (module docstring): one speed, two residual scales."""
    import statsmodels.api as sm
    from arch.bootstrap import optimal_block_length
    from statsmodels.tsa.api import VAR

    m = _monthly_curve()
    if m.isna().any().any():
        raise ValueError(f"missing monthly values in {CURVE_START}..{CURVE_END}: {m.isna().sum().to_dict()}")
    f = curve_factors(m)
    res = VAR(f.values).fit(1, trend="c")
    A = res.coefs[0]
    resid = pd.DataFrame(res.resid, index=f.index[1:], columns=list(FACTORS))
    resid = resid - resid.mean()
    load = np.zeros((len(TENORS), 3))
    ex = exact_loadings()
    for i, ten in ((0, "3M"), (1, "2Y"), (3, "10Y")):
        load[i] = ex[("3M", "2Y", "10Y").index(ten)]
    X = sm.add_constant(f[["level", "slope", "curvature"]].values)
    load[2] = sm.OLS(m["5Y"].values, X).fit().params[1:]
    keep = ~((f.index >= pd.Period(NO_30Y[0], "M")) & (f.index <= pd.Period(NO_30Y[1], "M")))
    load[4] = sm.OLS(m["30Y"].values[keep], X[keep]).fit().params[1:]
    block = float(optimal_block_length(resid.values)["stationary"].mean())
    md = match_curve_shocks(A, resid.values, block, load, m["10Y"].values, m["3M"].values)
    return {"A": md["A"], "resid": resid * md["scales"], "loadings": load, "block": block,
            "eig": md["root"], "n": len(f), "md": md}


def match_curve_shocks(A: np.ndarray, resid: np.ndarray, block: float, loadings: np.ndarray,
                       y10: np.ndarray, y3m: np.ndarray) -> dict:
    """The curve shocks' speed and residual scales, for the shipped estimate and every backtest origin:
    :func:`match_short_scale` on the 10-year (row 3 of the tenor ``loadings``) and the 3-month (row 0),
    monthly series in pp of the estimation sample (the targets: :func:`change_spread_sd` of each)."""
    return match_short_scale(A, resid, block, np.r_[loadings[3], 0.0], np.r_[loadings[0], 0.0],
                             {h: change_spread_sd(y10, h) for h in MATCH_HORIZONS},
                             {h: change_spread_sd(y3m, h) for h in MATCH_HORIZONS})


def monthly_term_premium() -> pd.Series:
    """The ACM 10-year term premium (percent), monthly averages, CURVE_START..CURVE_END."""
    from treasurylab import data

    return monthly_mean(data.series("macro.term_premium", series="ACMTP10")).loc[CURVE_START:CURVE_END]


def estimate_term_premium(m: pd.DataFrame | None = None) -> dict:
    """ACM 10-year term premium on the curve factors: OLS of monthly changes (percent on percent).

    Returns the loadings on (level, slope, curvature), their standard errors, the R^2 of monthly
    changes and, as a check that one set of loadings serves every horizon, the R^2 of the same
    loadings' fit of 12- and 60-month changes."""
    import statsmodels.api as sm

    m = _monthly_curve() if m is None else m
    f = curve_factors(m)[["level", "slope", "curvature"]]
    tp = monthly_term_premium().reindex(f.index)
    if tp.isna().any():
        raise ValueError(f"missing ACM term premium months in {CURVE_START}..{CURVE_END}")
    d = pd.concat([tp.diff(), f.diff()], axis=1).dropna()
    fit = sm.OLS(d.iloc[:, 0].values, sm.add_constant(d.iloc[:, 1:].values)).fit()
    beta = fit.params[1:]
    r2_h = {}
    for h in MATCH_HORIZONS:
        y, x = tp.diff(h).dropna(), f.diff(h).dropna().values @ beta
        r2_h[h] = float(np.corrcoef(x, y.values)[0, 1] ** 2)
    return {"loadings": beta, "se": fit.bse[1:], "r2": float(fit.rsquared), "r2_h": r2_h, "n": int(fit.nobs)}


#: horizons (months) of the changes matched by :func:`match_change_spreads` and :func:`match_short_scale`
MATCH_HORIZONS = (12, 60)
P5_P95_SD = 2.0 * 1.6448536         # the p5..p95 range of a normal is 3.29 s.d.


def change_spread_sd(y10: np.ndarray, h: int) -> float:
    """Normal-equivalent s.d. of a yield's (the 10-year's, the 3-month's) ``h``-month changes, (p95 - p5)
    / 3.29, from a monthly series (consecutive months, NaN skipped pairwise), in the series' unit."""
    y = np.asarray(y10, dtype=float)
    ch = y[h:] - y[:-h]
    ch = ch[np.isfinite(ch)]
    if len(ch) < 2:
        raise ValueError(f"too few {h}-month changes of the yield to measure their spread")
    q5, q95 = np.percentile(ch, [5, 95])
    return float((q95 - q5) / P5_P95_SD)


def bootstrap_autocov(resid: np.ndarray, block: float, lags: int) -> np.ndarray:
    """(lags, k, k) E[e_t e_{t+j}'] of the kernel's stationary bootstrap of ``resid`` (mean block
    ``block``, wrapping), j = 0..lags-1: (1 - 1/block)^j times the circular lag-j autocovariance."""
    e = np.asarray(resid, dtype=float)
    R = e.shape[0]
    keep = 1.0 - 1.0 / max(block, 1.0)
    return np.stack([keep ** k * (e.T @ np.roll(e, -k, axis=0)) / R for k in range(lags)])


def change_sd_from_autocov(A: np.ndarray, C: np.ndarray, weights: np.ndarray,
                           horizons=MATCH_HORIZONS) -> dict[int, np.ndarray]:
    """Exact s.d. of ``w @ x_h`` for each row ``w`` of ``weights`` ((q, k), or (k,)), ``x_t = A x_{t-1}
    + e_t``, ``x_0 = 0``, the innovations' autocovariances ``C`` (:func:`bootstrap_autocov`)."""
    W = np.atleast_2d(np.asarray(weights, dtype=float))
    H = max(horizons)
    M = np.empty((H,) + W.shape)
    v = W
    for i in range(H):
        M[i] = v                       # weights @ A^i
        v = v @ A
    out = {}
    for h in horizons:
        # Var = sum_{i,j<h} M_i E[e_{h-i} e_{h-j}'] M_j' ; the lag from e_{h-i} to e_{h-j} is i - j
        Mh = M[:h]
        var = np.einsum("iqa,ab,iqb->q", Mh, C[0], Mh)
        for d in range(1, h):
            var = var + 2.0 * np.einsum("iqa,ab,iqb->q", Mh[d:], C[d], Mh[:-d])
        out[h] = np.sqrt(np.maximum(var, 0.0))
    return out


def bootstrap_change_sd(A: np.ndarray, resid: np.ndarray, weights: np.ndarray, block: float,
                        horizons=MATCH_HORIZONS) -> dict[int, float]:
    """Exact s.d. of ``weights @ x_h`` for ``x_t = A x_{t-1} + e_t``, ``x_0 = 0``, with ``e`` drawn
    from the rows of ``resid`` by the kernel's stationary bootstrap (model/shocks.py: mean block
    ``block``, wrapping): E[e_t e_{t+k}'] = (1 - 1/block)^k times the circular lag-k autocovariance."""
    C = bootstrap_autocov(resid, block, max(horizons))
    return {h: float(v[0]) for h, v in change_sd_from_autocov(A, C, weights, horizons).items()}


def match_change_spreads(A: np.ndarray, resid: np.ndarray, weights: np.ndarray, block: float,
                         y10: np.ndarray, horizons=MATCH_HORIZONS) -> dict:
    """Minimum-distance persistence and scale of the curve shocks (module docstring).

    ``A``, ``resid``: the OLS VAR(1) and its demeaned residuals (pp); ``weights``: the 10-year's
    loadings on the factors (zero for those it does not load on); ``y10``: the monthly 10-year (pp)
    of the estimation sample. Returns ``kappa`` (speed multiplier), ``scale``, the adjusted ``A`` and
    ``resid``, the targets and the fitted s.d.s (pp), and ``matched`` (False where no kappa in
    0.05..the stability bound gives the data's 60/12 ratio: the nearer end is used, the 12-month
    spread still matched). kappa runs from 0.05 to 0.98 times the first value at which a root would
    leave the unit circle or turn negative."""
    return _shared_kappa_fit(A, resid, weights, block, {h: change_spread_sd(y10, h) for h in horizons}, horizons)


def _shared_kappa_fit(A: np.ndarray, resid: np.ndarray, weights: np.ndarray, block: float,
                      target: dict[int, float], horizons=MATCH_HORIZONS) -> dict:
    """:func:`match_change_spreads` on given target s.d.s (pp) of the quantity's changes by horizon."""
    from scipy.optimize import brentq

    h1, h2 = horizons
    I = np.eye(A.shape[0])
    lam = np.linalg.eigvals(A)

    def A_of(k):
        return I + k * (A - I)

    def ratio(k):
        s = bootstrap_change_sd(A_of(k), resid, weights, block, horizons)
        return s[h2] / s[h1]

    k_lo, k_hi = kappa_range(A)
    goal = target[h2] / target[h1]
    f_lo, f_hi = ratio(k_lo) - goal, ratio(k_hi) - goal
    matched = f_lo * f_hi <= 0
    if not matched:                   # no root in range (e.g. a random walk's sqrt(h)): the nearer end
        kappa = k_lo if abs(f_lo) < abs(f_hi) else k_hi
    else:
        kappa = float(brentq(lambda k: ratio(k) - goal, k_lo, k_hi, xtol=1e-8))
    A_k = A_of(kappa)
    sd1 = bootstrap_change_sd(A_k, resid, weights, block, horizons)
    scale = target[h1] / sd1[h1]
    fitted = {h: scale * v for h, v in sd1.items()}
    return {"kappa": float(kappa), "scale": float(scale), "matched": bool(matched), "A": A_k, "resid": np.asarray(resid) * scale,
            "target_sd": target, "fitted_sd": fitted, "A_ols": A,
            "root_ols": float(np.max(np.abs(lam))), "root": float(np.max(np.abs(np.linalg.eigvals(A_k))))}


def kappa_range(A: np.ndarray) -> tuple[float, float]:
    """(0.05, 0.98 x the largest kappa at which every root of ``I + kappa (A - I)`` stays inside the unit
    circle with a non-negative real part): the stability guard of the shared speed."""
    lam = np.linalg.eigvals(A)
    # every root stays inside the unit circle (|1 - kappa (1 - root)| < 1 <=> kappa < 2 Re(1 - root) /
    # |1 - root|^2) and keeps a non-negative real part (kappa <= 1 / Re(1 - root)): speeding up the
    # reversion must not make a factor flip sign month to month
    w = [1.0 - r for r in lam if abs(1.0 - r) > 1e-12]
    k_hi = 0.98 * min([2.0 * x.real / abs(x) ** 2 for x in w] + [1.0 / x.real for x in w if x.real > 0] + [50.0])
    return 0.05, k_hi


# --- a short-end scale: two residual scales (module docstring, "Short-end scale") ---------------------
#: which residual scale each curve factor's column takes (FACTORS order): 0 = s_L (level), 1 = s_R
#: (slope, curvature, policy spread)
SCALE_GROUPS = (0, 1, 1, 1)
#: the ratio s_R / s_L searched: outside it the fit is not solved and falls back to one scale.
#: assumption: a factor of 5 either way; beyond it the short end's shocks would be a different process,
#: not the level's rescaled (on 1990-2025 the ratio is 1.43, at the backtest's solved origins 0.78..2.95)
SCALE_RATIO_BOUNDS = (0.2, 5.0)


class _NoTwoScales(Exception):
    pass


def _scale_parts(A_k: np.ndarray, C: np.ndarray, W: np.ndarray, groups, horizons) -> dict:
    """{h: (V_LL, V_X, V_RR)}, each (q,): the variance of ``W @ x_h`` is ``s_L^2 V_LL + s_L s_R V_X +
    s_R^2 V_RR`` when the residual columns in group 0 are scaled by s_L and the rest by s_R (exact: the
    autocovariances scale as D C D, D = diag of the column scales)."""
    g = np.asarray(groups) == 0
    mL = np.outer(g, g)
    mR = np.outer(~g, ~g)
    tot = change_sd_from_autocov(A_k, C, W, horizons)
    ll = change_sd_from_autocov(A_k, C * mL, W, horizons)
    rr = change_sd_from_autocov(A_k, C * mR, W, horizons)
    return {h: (ll[h] ** 2, tot[h] ** 2 - ll[h] ** 2 - rr[h] ** 2, rr[h] ** 2) for h in horizons}


def _scales_for(parts: dict, t_long: float, t_short: float, h: int) -> tuple[float, float]:
    """(s_L, s_R) matching the long quantity's (row 0) and the short one's (row 1) h-month s.d.s:
    r = s_R / s_L is the root of a quadratic in SCALE_RATIO_BOUNDS, s_L then the long one's level.
    Raises _NoTwoScales when no root, or more than one, lies in the bounds."""
    a, b, c = parts[h]
    T2 = (t_short / t_long) ** 2
    coef = [c[1] - T2 * c[0], b[1] - T2 * b[0], a[1] - T2 * a[0]]
    lo, hi = SCALE_RATIO_BOUNDS
    if abs(coef[0]) < 1e-14 * max(abs(coef[1]), abs(coef[2]), 1e-300):
        roots = np.array([-coef[2] / coef[1]]) if coef[1] != 0 else np.array([])
    else:
        roots = np.roots(coef)
    roots = [float(x.real) for x in np.atleast_1d(roots) if abs(x.imag) < 1e-12 and lo <= x.real <= hi]
    if len(roots) != 1:
        raise _NoTwoScales(f"{'no' if not roots else 'more than one'} scale ratio s_R/s_L in {lo}..{hi} "
                           "matches the 3-month's 12-month spread")
    r = roots[0]
    var_long = a[0] + b[0] * r + c[0] * r * r
    if var_long <= 0:
        raise _NoTwoScales("the 10-year's variance is not positive at the matching scale ratio")
    sL = t_long / float(np.sqrt(var_long))
    return sL, r * sL


def match_short_scale(A: np.ndarray, resid: np.ndarray, block: float, w_long: np.ndarray, w_short: np.ndarray,
                      t_long: dict[int, float], t_short: dict[int, float], horizons=MATCH_HORIZONS,
                      groups=SCALE_GROUPS) -> dict:
    """One speed kappa and two residual scales, s_L on the level's column and s_R on the others
    (``groups``), by minimum distance on three moments (module docstring, "Short-end scale"): the long
    quantity's (the 10-year, weights ``w_long``) 60/12 ratio of change spreads and 12-month spread, and
    the short one's (the 3-month, ``w_short``) 12-month spread: ``t_long`` / ``t_short`` {h: the s.d. of
    the quantity's h-month changes in the data, pp} (:func:`match_curve_shocks` measures them).

    Order (well posed: for each kappa the two 12-month spreads fix the two scales exactly): kappa solves
    the 10-year's 60/12 ratio by Brent on :func:`kappa_range` (the shared speed's stability guard; the
    nearer end where the range does not reach it, as :func:`match_change_spreads`), the range cut, by
    bisection from whichever end is solvable, to the speeds at which the scales below are; at every kappa
    the ratio s_R / s_L is the root in SCALE_RATIO_BOUNDS of a quadratic that matches the 3-month's
    12-month spread relative to the 10-year's, s_L then the 10-year's level. Where no single ratio in
    the bounds matches (at the ends of kappa's range or along Brent's search) the fit is not solved: the
    single-scale :func:`match_change_spreads` is used and ``fallback`` says why (None when solved).
    ``cond``: condition number of the Jacobian of the three log moments in (log kappa, log s_L,
    log s_R) at the solution."""
    from scipy.optimize import brentq

    h1, h2 = horizons
    t_long = {h: float(t_long[h]) for h in horizons}
    t_short = {h: float(t_short[h]) for h in horizons}
    W = np.array([w_long, w_short], dtype=float)
    C = bootstrap_autocov(resid, block, max(horizons))
    I = np.eye(A.shape[0])
    gmask = np.asarray(groups) == 0

    def A_of(k):
        return I + k * (A - I)

    def solve(k):
        parts = _scale_parts(A_of(k), C, W, groups, horizons)
        sL, sR = _scales_for(parts, t_long[h1], t_short[h1], h1)
        return parts, sL, sR

    def var(parts, h, sL, sR):
        a, b, c = parts[h]
        return a * sL * sL + b * sL * sR + c * sR * sR

    def ratio(k):
        parts, sL, sR = solve(k)
        return float(np.sqrt(var(parts, h2, sL, sR)[0] / var(parts, h1, sL, sR)[0]))

    def solvable(k):
        try:
            solve(k)
            return True
        except _NoTwoScales:
            return False

    k_lo, k_hi = kappa_range(A)
    goal = t_long[h2] / t_long[h1]
    try:
        ok_lo, ok_hi = solvable(k_lo), solvable(k_hi)
        if not (ok_lo or ok_hi):
            solve(k_hi)                         # raises, with the reason
        if not (ok_lo and ok_hi):
            # e.g. slow reversion lets the level's shocks dominate every tenor: no s_R / s_L in the bounds
            # makes the 3-month's changes wide enough. kappa's range is cut, by bisection, to the part
            # where one does, from the end that is solvable
            a, b = k_lo, k_hi
            while b - a > 1e-6 * b:
                mid = 0.5 * (a + b)
                if solvable(mid) == ok_lo:
                    a = mid
                else:
                    b = mid
            k_lo, k_hi = (k_lo, a) if ok_lo else (b, k_hi)
        f_lo, f_hi = ratio(k_lo) - goal, ratio(k_hi) - goal
        matched = f_lo * f_hi <= 0
        if not matched:
            kappa = k_lo if abs(f_lo) < abs(f_hi) else k_hi
        else:
            kappa = float(brentq(lambda k: ratio(k) - goal, k_lo, k_hi, xtol=1e-8))
        parts, sL, sR = solve(kappa)
        fallback = None
    except _NoTwoScales as exc:
        fallback = f"one scale: {exc}"
    if fallback is not None:
        md = _shared_kappa_fit(A, resid, w_long, block, t_long, horizons)
        kappa, sL, sR, matched = md["kappa"], md["scale"], md["scale"], md["matched"]
        parts = _scale_parts(A_of(kappa), C, W, groups, horizons)
    scales = np.where(gmask, sL, sR)
    fitted = {h: np.sqrt(np.maximum(var(parts, h, sL, sR), 0.0)) for h in horizons}

    def logm(k, a, b):
        p = _scale_parts(A_of(k), C, W, groups, horizons)
        v1, v2 = var(p, h1, a, b), var(p, h2, a, b)
        return 0.5 * np.log([v2[0] / v1[0], v1[0], v1[1]])

    eps = 1e-5
    J = np.column_stack([(logm(kappa * np.exp(eps), sL, sR) - logm(kappa * np.exp(-eps), sL, sR)) / (2 * eps),
                         (logm(kappa, sL * np.exp(eps), sR) - logm(kappa, sL * np.exp(-eps), sR)) / (2 * eps),
                         (logm(kappa, sL, sR * np.exp(eps)) - logm(kappa, sL, sR * np.exp(-eps))) / (2 * eps)])
    A_k = A_of(kappa)
    return {"kappa": float(kappa), "scale_level": float(sL), "scale_rest": float(sR), "scales": scales,
            "matched": bool(matched), "fallback": fallback, "A": A_k, "resid": np.asarray(resid) * scales,
            "A_ols": A, "target_sd": t_long, "fitted_sd": {h: float(fitted[h][0]) for h in horizons},
            "target_sd_short": t_short, "fitted_sd_short": {h: float(fitted[h][1]) for h in horizons},
            "cond": float(np.linalg.cond(J)),
            "root_ols": float(np.max(np.abs(np.linalg.eigvals(A)))),
            "root": float(np.max(np.abs(np.linalg.eigvals(A_k))))}


def estimate_macro() -> dict:
    from statsmodels.tsa.ar_model import AutoReg

    from treasurylab import data

    q = data.series("cbo.econ.2025-01")
    q = q[q["variable"].isin(["cpiu", "real_gdp"])].pivot_table(index="date", columns="variable", values="value")
    q.index = pd.PeriodIndex([d.replace("q", "Q") for d in q.index], freq="Q")
    q = q.sort_index()
    # annualised quarter-on-quarter rates, decimals
    g = pd.DataFrame({"inflation": (q["cpiu"] / q["cpiu"].shift(1)) ** 4 - 1.0,
                      "growth": (q["real_gdp"] / q["real_gdp"].shift(1)) ** 4 - 1.0})
    g = g.loc[pd.Period(MACRO_START.replace("q", "Q"), "Q"):pd.Period(MACRO_END.replace("q", "Q"), "Q")].dropna()
    out = {}
    for v in g.columns:
        fit = AutoReg(g[v].values, lags=1, trend="c").fit()
        rho_q = float(fit.params[1])
        e = pd.Series(fit.resid, index=g.index[1:])
        sd_q = float(e.std(ddof=1))
        rho_m = max(rho_q, 0.0) ** (1.0 / 3.0)
        out[v] = {"rho_q": rho_q, "sigma_q": sd_q, "rho_m": rho_m,
                  # one quarter's innovation spread over its three months (see the module docstring)
                  "sigma_m": sd_q / (1.0 + rho_m + rho_m ** 2),
                  "z": (e - e.mean()) / sd_q, "n": len(g)}
    # the output gap's persistence (CBO's estimate of the gap, percent of potential), same quarters
    gq = data.series("cbo.econ.2025-01")
    gq = gq[gq["variable"] == "output_gap"].set_index("date")["value"]
    gq.index = pd.PeriodIndex([d.replace("q", "Q") for d in gq.index], freq="Q")
    gq = gq.sort_index().loc[g.index[0]:g.index[-1]].astype(float)
    fit = AutoReg(gq.values, lags=1, trend="c").fit()
    rho_q = float(fit.params[1])
    out["gap"] = {"rho_q": rho_q, "rho_m": max(rho_q, 0.0) ** (1.0 / 3.0), "n": len(gq)}
    return out


def fiscal_errors() -> pd.DataFrame:
    """CBO's spring-baseline errors of the primary deficit, % of actual GDP, by projected year."""
    from treasurylab import data

    b = data.series("cbo.eval.baselines")
    a = data.series("cbo.eval.actuals")
    gdp = data.series("cbo.eval.gdp").set_index("fiscal_year")["value"]
    b = b[b["spring_flag"].astype(bool)]

    def pick(df, comp, cat):
        return df[(df["component"] == comp) & (df["category"] == cat)]

    keys = ["baseline_date", "fiscal_year", "year_number"]
    pb = pick(b, "deficit", "Total")[keys + ["value"]].merge(
        pick(b, "outlay", "Net Interest")[keys + ["value"]], on=keys, suffixes=("_def", "_ni"))
    pb["proj"] = -pb["value_def"] - pb["value_ni"]         # primary deficit (+ = deficit)
    ac = pick(a, "deficit", "Total").set_index("fiscal_year")["value"]
    ai = pick(a, "outlay", "Net Interest").set_index("fiscal_year")["value"]
    act = (-ac - ai).dropna()
    pb = pb[pb["fiscal_year"].isin(act.index) & pb["fiscal_year"].isin(gdp.index)]
    pb["error_pp"] = 100.0 * (pb["fiscal_year"].map(act) - pb["proj"]) / pb["fiscal_year"].map(gdp)
    return pb


def estimate_fiscal() -> dict:
    from scipy.optimize import least_squares

    e = fiscal_errors()
    rows = []
    for n in range(1, 7):
        x = e.loc[e["year_number"] == n, "error_pp"].to_numpy()
        rows.append({"years": n, "n": len(x), "rmse": float(np.sqrt(np.mean(x ** 2))),
                     "p5": float(np.percentile(x, 5)), "p50": float(np.percentile(x, 50)),
                     "p95": float(np.percentile(x, 95))})
    # months from a spring baseline (Jan-Mar) to the middle of projected fiscal year n (April of it)
    months = np.array([12.0 * (r["years"] - 1) + 2.0 for r in rows])
    # the half-width of CBO's p5..p95 error range over 1.645: the band a reader sees matches CBO's record
    # at each horizon; robust to the one FY2020 error (9.8 pp) that dominates the RMSE
    for r in rows:
        r["sd_p5_p95"] = (r["p95"] - r["p5"]) / (2.0 * 1.6448536)
    target = np.array([r["sd_p5_p95"] for r in rows])

    def sd(p):
        rho, sig = p
        k = months + 1.0
        return sig * np.sqrt((1.0 - rho ** (2 * k)) / (1.0 - rho ** 2))

    fit = least_squares(lambda p: sd(p) - target, x0=[0.97, 0.3], bounds=([0.5, 1e-4], [0.9999, 5.0]))
    rho, sig = (float(v) for v in fit.x)
    return {"rows": rows, "rho": rho, "sigma": sig, "months": months.tolist(),
            "first_baseline": str(e["baseline_date"].min()), "last_baseline": str(e["baseline_date"].max()),
            "fitted_sd": sd(fit.x).tolist()}


#: CBO's projected years a whole error path spans (1 = the fiscal year of the spring baseline)
PATH_YEARS = 6


def fiscal_error_paths() -> dict:
    """Whole error paths: one per spring baseline with all of years 1..PATH_YEARS ahead observed
    (:func:`fiscal_errors`; newer baselines, whose later years have not happened yet, are left out),
    centred by subtracting the median error at each projected year across these baselines (so the
    median path is the baseline's). ``published`` is when each path's last actual became public
    (data/asof.py: fiscal year Y's actuals on November 10 of Y), for as-of draws."""
    from treasurylab.data import asof

    e = fiscal_errors()
    w = e.pivot_table(index="baseline_date", columns="year_number", values="error_pp")
    fy = e.pivot_table(index="baseline_date", columns="year_number", values="fiscal_year")
    cols = list(range(1, PATH_YEARS + 1))
    keep = w[cols].notna().all(axis=1)
    w, fy = w.loc[keep, cols], fy.loc[keep, cols]
    med = w.median(axis=0).to_numpy()
    cen = w.to_numpy() - med
    last = fy[PATH_YEARS].astype(int)
    pub = asof.published("cbo.eval.actuals", pd.DataFrame({"fiscal_year": last.to_numpy()}))
    return {"baselines": [str(b) for b in w.index], "raw": w.to_numpy(), "centred": cen, "median": med,
            "last_fiscal_year": last.tolist(), "published": [d.strftime("%Y-%m-%d") for d in pub],
            "skipped": [str(b) for b in e["baseline_date"].unique() if b not in set(w.index)]}


def _r(x):
    if isinstance(x, dict):
        return {k: _r(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_r(v) for v in x]
    if isinstance(x, (float, np.floating)):
        v = round(float(x), DIGITS)
        return 0.0 if v == 0 else v
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def _param(name: str, value, unit: str, source: str, date: str, description: str, lo=None, hi=None,
           assumption: str | None = None) -> str:
    lines = [f"  {name}:", f"    value: {json.dumps(_r(value))}", f"    unit: {json.dumps(unit)}",
             f"    source: {json.dumps(source)}", f"    date: {json.dumps(date)}"]
    if assumption is not None:
        lines.append(f"    assumption: {json.dumps(assumption)}")
    if lo is not None:
        lines.append(f"    min: {lo}")
    if hi is not None:
        lines.append(f"    max: {hi}")
    lines.append(f"    description: {json.dumps(description)}")
    return "\n".join(lines)


def render() -> str:
    """The text of shocks.yaml, from a fresh estimate."""
    c = estimate_curve()
    mac = estimate_macro()
    fis = estimate_fiscal()
    fpaths = fiscal_error_paths()
    tpe = estimate_term_premium()
    # the bootstrap's rows: months where both the curve and the macro residuals exist
    months = [p for p in c["resid"].index if p.asfreq("Q") in mac["inflation"]["z"].index]
    resid = {k: c["resid"].loc[months, k].tolist() for k in FACTORS}
    resid["inflation_z"] = [mac["inflation"]["z"][p.asfreq("Q")] for p in months]
    resid["growth_z"] = [mac["growth"]["z"][p.asfreq("Q")] for p in months]
    gen = "treasurylab.params.shocks_estimate"
    src_c = (f"{gen}: yields.cmt (FRED DGS3MO, DGS2, DGS5, DGS10, DGS30) and rates.daily (DFF), monthly "
             f"averages of daily values, {CURVE_START}..{CURVE_END} ({c['n']} months); VAR(1) by OLS "
             "(statsmodels)")
    src_m = (f"{gen}: cbo.econ.2025-01 (CBO, history as of Dec 2024: cpiu, real_gdp), annualised "
             f"quarter-on-quarter, {MACRO_START}..{MACRO_END} ({mac['inflation']['n']} quarters); AR(1) "
             "by OLS (statsmodels AutoReg)")
    src_f = (f"{gen}: cbo.eval.baselines, cbo.eval.actuals, cbo.eval.gdp (CBO eval-projections), spring "
             f"baselines {fis['first_baseline']}..{fis['last_baseline']}, primary deficit = -deficit - "
             "net interest, error = actual - projected, % of actual GDP")
    src_paths = (src_f + f"; only baselines with all of years 1..{PATH_YEARS} observed "
                 f"({fpaths['baselines'][0]}..{fpaths['baselines'][-1]}, {len(fpaths['baselines'])} paths; "
                 f"left out: {', '.join(fpaths['skipped'])})")
    first, last = str(months[0]), str(months[-1])
    md = c["md"]
    src_md = (src_c + f"; speed of mean reversion (kappa) and two residual scales (level; slope, curvature "
              f"and policy spread) by minimum distance on the p5..p95 spread of the 10-year's "
              f"{MATCH_HORIZONS[0]}- and {MATCH_HORIZONS[1]}-month changes and the 3-month's "
              f"{MATCH_HORIZONS[0]}-month changes in the same months (match_short_scale, module docstring)")
    if md["fallback"] is not None:
        raise ValueError(f"the shipped curve shocks' two scales were not solved: {md['fallback']}")
    tgt = [P5_P95_SD * 100 * md["target_sd"][h] for h in MATCH_HORIZONS]
    fit = [P5_P95_SD * 100 * md["fitted_sd"][h] for h in MATCH_HORIZONS]
    t3m = P5_P95_SD * 100 * md["target_sd_short"][MATCH_HORIZONS[0]]
    f3m = P5_P95_SD * 100 * md["fitted_sd_short"][MATCH_HORIZONS[0]]
    ols_sd = bootstrap_change_sd(md["A_ols"], c["resid"].values / md["scales"], np.r_[c["loadings"][3], 0.0],
                                 c["block"])
    ols = [P5_P95_SD * 100 * ols_sd[h] for h in MATCH_HORIZONS]
    ps = [
        _param("enabled", True, "switch",
               "docs/design.md, World shocks (issue 10: every path a draw of the world)", "2026-12",
               "World shocks on (true) or off (false: the deterministic run used by calibration targets "
               "and pure-scenario comparisons). Scenarios write overrides: {shocks: {enabled: false}}."),
        _param("rates", True, "switch", "docs/design.md, World shocks", "2026-12",
               "Yield-curve and policy-rate shocks on/off (variance decomposition)."),
        _param("macro", True, "switch", "docs/design.md, World shocks", "2026-12",
               "Inflation and real-growth shocks on/off (variance decomposition)."),
        _param("fiscal", True, "switch", "docs/design.md, World shocks", "2026-12",
               "Primary-deficit shocks on/off (variance decomposition)."),
        _param("scale", 1.0, "multiplier of every shock", "docs/design.md, World shocks", "2026-12",
               "1 = the historical size; a sensitivity knob (0 switches the size off, not the draws).", 0, 5),
        _param("factor_names", list(FACTORS), "names", src_c, CURVE_END,
               "Order of the curve factors in the matrices below: level = (3m+2y+10y)/3, slope = 10y-3m, "
               "curvature = 2*2y-3m-10y, policy_spread = fed funds (DFF) - 3m; percent."),
        _param("var_persistence", c["A"].tolist(), "per month (rows: factor today, columns: factor last month)",
               src_md, CURVE_END,
               f"VAR(1) coefficient matrix I + kappa (A_ols - I), kappa = {md['kappa']:.4f} (minimum distance); "
               f"largest eigenvalue modulus {c['eig']:.4f} (OLS {md['root_ols']:.4f}). 10-year p5..p95 spread "
               f"of {MATCH_HORIZONS[0]}/{MATCH_HORIZONS[1]}-month changes: data {tgt[0]:.0f}/{tgt[1]:.0f} bp, "
               f"shocks {fit[0]:.0f}/{fit[1]:.0f} bp; with the OLS matrix and residuals {ols[0]:.0f}/{ols[1]:.0f} bp. "
               f"3-month p5..p95 spread of {MATCH_HORIZONS[0]}-month changes: data {t3m:.0f} bp, shocks {f3m:.0f} bp."),
        _param("tenor_loadings", c["loadings"].tolist(), "pp of yield per pp of factor",
               src_c + "; 5y and 30y by OLS of their levels on the factors (30y without "
               f"{NO_30Y[0]}..{NO_30Y[1]})", CURVE_END,
               "Rows 3m, 2y, 5y, 10y, 30y; columns level, slope, curvature (3m, 2y, 10y exact)."),
        _param("term_premium_loadings", tpe["loadings"].tolist(), "pp of 10-year term premium per pp of factor",
               f"{gen}: macro.term_premium (FRBNY, Adrian-Crump-Moench ACMTP10), monthly averages, on the "
               f"curve factors above, {CURVE_START}..{CURVE_END} ({tpe['n']} monthly changes); OLS (statsmodels)",
               CURVE_END,
               "The world's 10-year term premium = these loadings (level, slope, curvature) times a path's "
               f"curve-factor deviations: standard errors {[round(float(x), 3) for x in tpe['se']]}; R^2 of "
               f"monthly changes {tpe['r2']:.3f}, of {MATCH_HORIZONS[0]}/{MATCH_HORIZONS[1]}-month changes "
               f"{tpe['r2_h'][MATCH_HORIZONS[0]]:.3f}/{tpe['r2_h'][MATCH_HORIZONS[1]]:.3f} with the same "
               "loadings. The unexplained part is not drawn."),
        _param("block_length_months", c["block"], "months (mean block length of the stationary bootstrap)",
               src_c + "; arch.bootstrap.optimal_block_length (Politis-White 2004, Patton et al. 2009), "
               "mean over the four factors' residuals", CURVE_END,
               "Residuals are drawn in blocks of geometric length with this mean: keeps volatility "
               "clusters and the factors' cross-correlation at each date.", 1, 120),
        _param("residual_months", [str(p) for p in months], "YYYY-MM", src_c, last,
               f"Dates of the bootstrap's rows ({first}..{last}: months where both the curve and the "
               "quarterly macro residuals exist)."),
        _param("residuals", resid, "pp per month (curve factors); standard deviations (inflation_z, growth_z)",
               src_md + "; " + src_m, last,
               f"Demeaned VAR(1) residuals of the curve factors times the minimum-distance scales "
               f"{md['scale_level']:.4f} (level) and {md['scale_rest']:.4f} (slope, curvature, policy spread), "
               "and standardised AR(1) residuals of "
               "inflation and growth (each quarter's residual on its three months), one row per date."),
        _param("inflation_persistence", mac["inflation"]["rho_m"], "per month", src_m, MACRO_END,
               f"Quarterly AR(1) coefficient {mac['inflation']['rho_q']:.4f} to the power 1/3.", 0, 1),
        _param("inflation_sigma", mac["inflation"]["sigma_m"], "decimal annual rate per month", src_m, MACRO_END,
               f"Quarterly residual s.d. {mac['inflation']['sigma_q']:.5f} spread over three months.", 0, 1),
        _param("growth_persistence", mac["growth"]["rho_m"], "per month", src_m, MACRO_END,
               f"Quarterly AR(1) coefficient {mac['growth']['rho_q']:.4f} to the power 1/3.", 0, 1),
        _param("growth_sigma", mac["growth"]["sigma_m"], "decimal annual rate per month", src_m, MACRO_END,
               f"Quarterly residual s.d. {mac['growth']['sigma_q']:.5f} spread over three months.", 0, 1),
        _param("gap_persistence", mac["gap"]["rho_m"], "per month",
               src_m.replace("cpiu, real_gdp", "output_gap").replace("annualised quarter-on-quarter", "quarterly level"),
               MACRO_END,
               f"Quarterly AR(1) coefficient {mac['gap']['rho_q']:.4f} of CBO's output gap to the power 1/3: "
               "a growth surprise moves the gap by its monthly level change, and the gap then fades at "
               "this rate (potential output absorbs the rest).", 0, 1),
        _param("primary_deficit_persistence", fis["rho"], "per month", src_f, fis["last_baseline"],
               "AR(1) of the primary-deficit shock (% of GDP), fitted to CBO's p5..p95 error range by projected year.", 0, 1),
        _param("primary_deficit_sigma", fis["sigma"], "pp of GDP per month", src_f, fis["last_baseline"],
               "Innovation s.d. of the primary-deficit shock.", 0, 10),
        _param("primary_deficit_draw", "ar1", "choice: ar1 | record", "docs/design.md, World shocks", "2026-12",
               "How a path's primary-deficit deviation is drawn: 'ar1' (shipped) = the Gaussian AR(1) "
               "(primary_deficit_persistence, primary_deficit_sigma); 'record' = one whole centred CBO error "
               "path (primary_deficit_paths), chosen uniformly per path: measured and not adopted (its "
               "cumulated deficits move the median path's debt/GDP 3.7 pp above the baseline at 5 years; "
               "module docstring of treasurylab.params.shocks_estimate)."),
        _param("primary_deficit_paths", dict(zip(fpaths["baselines"], fpaths["centred"].tolist())),
               "pp of GDP (actual - projected, minus the median across baselines), projected years 1..6",
               src_paths, fpaths["published"][-1][:7],
               "One whole error path per spring baseline (key), centred by subtracting the median error at "
               "each projected year across these baselines (primary_deficit_path_median), so the median "
               "path is the baseline. The kernel turns a path into months by linear interpolation between "
               "primary_deficit_path_months, flat outside them."),
        _param("primary_deficit_path_median", fpaths["median"].tolist(), "pp of GDP, projected years 1..6",
               src_paths, fpaths["published"][-1][:7],
               "The median error at each projected year across the paths' baselines, subtracted from each "
               "path (CBO's primary deficits came out above projection at the median from year 2 on: not a "
               "shock, the baseline stays the median)."),
        _param("primary_deficit_paths_published", dict(zip(fpaths["baselines"], fpaths["published"])),
               "date (YYYY-MM-DD)", "treasurylab.data.asof: cbo.eval.actuals, fiscal year Y published "
               "November 10 of Y", fpaths["published"][-1],
               "When each path's last actual (projected year 6) became public: a run with "
               "primary_deficit_asof draws only from paths published before it."),
        _param("primary_deficit_path_months", [12.0 * (n - 1) + 2.0 for n in range(1, PATH_YEARS + 1)],
               "months from the run's start", "docs/design.md, World shocks", "2026-12",
               "Month at which each projected year's error applies (the middle of projected fiscal year n "
               "from a spring baseline, as in the AR(1) fit). Piecewise linear in between, flat before the "
               "first and after the last.",
               assumption="The run's start is taken as the baseline's date, whatever its month: a spring "
               "baseline (Jan-Mar) sits about 2 months before the middle (April) of the fiscal year it "
               "projects first, so year n's error sits 12 (n - 1) + 2 months on, the convention the AR(1) "
               "fit already uses (estimate_fiscal)."),
        _param("primary_deficit_centring", "year", "choice: year | cumulative", "docs/design.md, World shocks",
               "2026-12",
               "How the 'record' draw centres the recorded paths: 'year' (as stored in primary_deficit_paths) = "
               "the median error at each projected year is zero; 'cumulative' = the median of each path's "
               "errors summed over years 1..n is zero at every n = 1..6, the yearly errors their differences "
               "(model/shocks.centre_cumulative). Not used by the shipped 'ar1' draw; 'record' with "
               "'cumulative' and 'zero' after the record was measured and not adopted (median debt/GDP "
               "1.3 pp below the baseline at 10 years; module docstring of treasurylab.params.shocks_estimate)."),
        _param("primary_deficit_after_record", "hold", "choice: hold | zero", "docs/design.md, World shocks",
               "2026-12",
               "What the 'record' draw does after the last recorded year (6): 'hold' = each path stays at its "
               "year-6 error; 'zero' = linear from year 6's error (month 62) to zero at the middle of year 7 "
               "(month 74) and zero after. Not used by the shipped 'ar1' draw.",
               assumption="'zero': CBO's record has no errors beyond 6 projected years, so none is added "
               "after them; the deficits already accumulated stay in the debt."),
        _param("primary_deficit_asof", "", "YYYY-MM or empty",
               "docs/design.md, World shocks (as-of discipline)", "2026-12",
               "Empty: every recorded path. 'YYYY-MM': only paths published before that month's first day "
               "(a run replaying a past month sets it to that month), recentred on their own median."),
        _param("cbo_primary_deficit_errors", fis["rows"], "pp of GDP (actual - projected); n = baselines",
               src_f, fis["last_baseline"],
               "CBO's errors by projected year (1 = the fiscal year of the baseline): the fit's target "
               f"(sd_p5_p95 = (p95 - p5) / 3.29); months from the baseline used {fis['months']}; fitted s.d. "
               f"{[round(x, 3) for x in fis['fitted_sd']]}."),
    ]
    head = ("# GENERATED by `python -m treasurylab.params.shocks_estimate --write` from the bundled data;\n"
            "# do not edit by hand (tests/unit/test_shocks.py checks that regenerating gives this file).\n"
            "block: shocks\n"
            "title: World shocks - yield curve, policy rate, inflation, growth, primary deficit\n"
            "description: >\n"
            "  Per path and month draws of the world around the baseline, estimated from history\n"
            "  (docs/design.md, World shocks). The baseline stays the median: every shock has mean zero.\n"
            "params:\n")
    return head + "\n".join(ps) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true", help="write params/defaults/shocks.yaml")
    g.add_argument("--check", action="store_true", help="exit 1 if the file differs from a fresh estimate")
    a = ap.parse_args(argv)
    text = render()
    if a.write:
        tmp = OUT.with_suffix(".yaml.tmp")
        tmp.write_text(text)
        tmp.replace(OUT)
        print(f"wrote {OUT.name}")
        return 0
    same = OUT.exists() and OUT.read_text() == text
    print("shocks.yaml is up to date" if same else "shocks.yaml differs from a fresh estimate")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
