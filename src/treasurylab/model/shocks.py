"""World shocks: per path and month draws of the yield curve, policy rate, inflation, growth and
primary deficit around the baseline (pure kernel; the numbers come from ``params/defaults/shocks.yaml``,
estimated by ``treasurylab.params.shocks_estimate``).

For each path (all paths of a block at once, month by month)::

    idx_t  = a new uniform date with probability 1/L, else idx_{t-1} + 1 (wrapping)   stationary bootstrap
    x_t    = A x_{t-1} + e_curve[idx_t]                       curve factors (level, slope, curvature,
                                                              policy spread), pp, deviation from baseline
    pi_t   = rho_pi pi_{t-1} + sigma_pi z_pi[idx_t]           inflation deviation, decimal annual rate
    g_t    = rho_g g_{t-1} + sigma_g z_g[idx_t]               real-growth deviation, decimal annual rate
    d_t    = rho_d d_{t-1} + sigma_d eps_t,  eps ~ N(0, 1)    primary deficit deviation, % of GDP
                                                              ('ar1', shipped: primary_deficit_draw)
    d_t    = P[k, t],  k uniform on the recorded paths        the same, 'record' (below; not adopted)

and the outputs each block reads::

    tenor_t  = B x_t[:3] / 100                                (5, n) yield shocks at 3m, 2y, 5y, 10y, 30y
    policy_t = tenor_t[3m] + x_t[policy spread] / 100         policy-rate shock
    tp10_t   = b' x_t[:3] / 100                               the 10-year term premium's part of it
                                                              (ACM premium on the factors, by OLS)
    real_t   = sum_{s<=t} g_s / 12,  price_t = sum_{s<=t} pi_s / 12   log level deviations
    gap_t    = phi_gap gap_{t-1} + g_t / 12                   output-gap deviation, fraction of potential:
                                                              the part of a growth surprise that is
                                                              not (yet) absorbed by potential output

**Primary deficit from CBO's own error record** ('record', measured and not adopted; the shipped
draw is 'ar1'): each path takes ONE whole historical error path, a spring baseline's
actual-minus-projected primary deficit (% of actual GDP) at projected years 1..6, centred by the
median error at each year across baselines (median zero at every projected year); ``P`` is it in
months, linear between ``deficit_path_months`` (the middles of the projected fiscal years) and flat
outside them. The path is chosen uniformly per path *after* the month loop, from the same generator,
and the loop still draws the AR(1)'s innovations ``eps`` it does not use: the curve and macro shocks
get the same random numbers under either choice. CBO's errors are skewed (FY2009, FY2020 far above
projection) and persist across a baseline's years; a Gaussian AR(1) has neither. That persistence is
why it was not adopted: the median of a path's summed deficits is not the sum of the yearly medians,
and the median path's debt/GDP ends up 3.7 pp above the baseline at 5 years
(params/shocks_estimate.py, module docstring). Two choices of the record draw, also measured and
not adopted: ``deficit_centring='cumulative'`` recentres the paths so the median of each path's errors
summed over years 1..n is zero at every n (:func:`centre_cumulative`), and
``deficit_after_record='zero'`` takes the monthly deviation linearly from year 6's error to zero one
year later and holds it at zero (assumption: the record has no errors beyond year 6); together they
keep the median debt/GDP near the baseline to 5 years but leave it 1.3 pp below at 10 years.

Every residual table is demeaned, so each shock has mean zero and the baseline stays the centre of
the fan. The draws come from a generator *jumped* from the block's own (``bit_generator.jumped()``):
the holders' draws are the same with world shocks on or off, and two scenarios run with the same seed
see the same world (common random numbers, for paired comparisons and the variance decomposition).
The draws never depend on the scenario's events or on which sources are switched on: a switched-off
source is drawn and multiplied by zero. Everything is drawn for all T months at block start, as
(T, ...) arrays, so the month loop only indexes them. The draws are numpy's; the recursions above run
as one compiled loop (:func:`_recursion`, model/compiled.py), adding the factor products' terms as
the numpy form's BLAS products did, so the numbers are the same bits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from treasurylab.model.compiled import fma, kernel


@dataclass(frozen=True)
class ShockParams:
    """The shocks block's numbers as arrays (from ``params/defaults/shocks.yaml``)."""

    A: np.ndarray             # (4, 4) VAR(1) persistence of the curve factors
    resid: np.ndarray         # (R, 4) curve-factor residuals, pp per month (demeaned)
    z_infl: np.ndarray        # (R,) standardised inflation residuals at the same dates
    z_growth: np.ndarray      # (R,)
    loadings: np.ndarray      # (5, 3) tenor loadings on level, slope, curvature
    block_length: float       # mean block length of the stationary bootstrap, months
    rho_infl: float
    sigma_infl: float
    rho_growth: float
    sigma_growth: float
    rho_deficit: float
    sigma_deficit: float      # pp of GDP per month
    rho_gap: float = 0.0      # per month: persistence of the output gap (CBO's gap history)
    rates: bool = True
    macro: bool = True
    fiscal: bool = True
    scale: float = 1.0
    tp_loadings: np.ndarray | None = None   # (3,) ACM 10y term premium per pp of level, slope, curvature
    deficit_draw: str = "ar1"                # 'record': whole CBO error paths; 'ar1': rho/sigma above
    deficit_paths: np.ndarray | None = None  # (P, 6) centred CBO error paths, pp of GDP, years 1..6
    deficit_path_months: np.ndarray | None = None   # (6,) month of the run each projected year sits at
    deficit_centring: str = "year"           # 'year': median zero each year; 'cumulative': each year's sum
    deficit_after_record: str = "hold"       # 'hold': flat at year 6's error; 'zero': to 0 by year 7's middle

    @classmethod
    def from_params(cls, ps) -> ShockParams | None:
        """Build from a :class:`treasurylab.params.ParamSet` of block 'shocks'; None when switched off."""
        if not bool(ps["enabled"]):
            return None
        r = ps["residuals"]
        names = list(ps["factor_names"])
        resid = np.column_stack([np.asarray(r[k], dtype=float) for k in names])
        return cls(
            A=np.asarray(ps["var_persistence"], dtype=float), resid=resid - resid.mean(axis=0),
            z_infl=_demean(r["inflation_z"]), z_growth=_demean(r["growth_z"]),
            loadings=np.asarray(ps["tenor_loadings"], dtype=float),
            tp_loadings=np.asarray(ps["term_premium_loadings"], dtype=float),
            block_length=float(ps["block_length_months"]),
            rho_infl=float(ps["inflation_persistence"]), sigma_infl=float(ps["inflation_sigma"]),
            rho_growth=float(ps["growth_persistence"]), sigma_growth=float(ps["growth_sigma"]),
            rho_deficit=float(ps["primary_deficit_persistence"]),
            sigma_deficit=float(ps["primary_deficit_sigma"]), rho_gap=float(ps["gap_persistence"]),
            rates=bool(ps["rates"]), macro=bool(ps["macro"]), fiscal=bool(ps["fiscal"]), scale=float(ps["scale"]),
            **_deficit_record(ps))


def _deficit_record(ps) -> dict:
    """The primary-deficit draw's choice and its recorded paths (as of ``primary_deficit_asof``:
    only paths published before that month, recentred on their own median)."""
    from treasurylab.errors import BadInput

    how = str(ps["primary_deficit_draw"])
    if how not in ("record", "ar1"):
        raise BadInput("unknown primary-deficit draw", field="shocks.primary_deficit_draw", got=how,
                       fix="write record or ar1")
    paths = ps["primary_deficit_paths"]
    names = sorted(paths)
    P = np.array([paths[k] for k in names], dtype=float)
    asof = str(ps["primary_deficit_asof"])
    if asof:
        from treasurylab.data.asof import as_date

        try:
            cut = as_date(asof)
        except BadInput:
            raise BadInput("not a month", field="shocks.primary_deficit_asof", got=asof,
                           fix="write YYYY-MM (or leave it empty for every recorded path)") from None
        pub = ps["primary_deficit_paths_published"]
        keep = np.array([as_date(pub[k]) < cut for k in names])
        if not keep.any():
            raise BadInput("no recorded primary-deficit path was published before this date",
                           field="shocks.primary_deficit_asof", got=asof, fix="use a later date or ar1")
        P = P[keep]
        P = P - np.median(P, axis=0)
    centring = str(ps["primary_deficit_centring"])
    if centring not in ("year", "cumulative"):
        raise BadInput("unknown primary-deficit centring", field="shocks.primary_deficit_centring",
                       got=centring, fix="write year or cumulative")
    after = str(ps["primary_deficit_after_record"])
    if after not in ("hold", "zero"):
        raise BadInput("unknown primary-deficit treatment after the record",
                       field="shocks.primary_deficit_after_record", got=after, fix="write hold or zero")
    if centring == "cumulative":
        P = centre_cumulative(P)
    return {"deficit_draw": how, "deficit_paths": P,
            "deficit_path_months": np.asarray(ps["primary_deficit_path_months"], dtype=float),
            "deficit_centring": centring, "deficit_after_record": after}


def centre_cumulative(P: np.ndarray) -> np.ndarray:
    """(P, Y) error paths recentred so that the median of each path's CUMULATIVE error (years 1..n
    summed) is zero at every n = 1..Y; the yearly errors are the differences of the centred sums.

    A shift of each year by a constant does not change the result (the sums shift by constants and
    are recentred on their median), so the year-centred paths give the same numbers as the raw ones."""
    C = np.cumsum(np.asarray(P, dtype=float), axis=1)
    C = C - np.median(C, axis=0)
    return np.diff(C, axis=1, prepend=0.0)


def deficit_months(sp: ShockParams, T: int) -> np.ndarray:
    """(T, P) the recorded paths in months: linear between ``deficit_path_months``, flat before the
    first; after the last, flat ('hold') or linear to zero one year later and zero from then on
    ('zero': CBO's record has no errors beyond its last projected year)."""
    t = np.arange(T, dtype=float)
    m = np.asarray(sp.deficit_path_months, dtype=float)
    P = np.asarray(sp.deficit_paths, dtype=float)
    if sp.deficit_after_record == "zero":
        m = np.r_[m, m[-1] + 12.0]
        P = np.column_stack([P, np.zeros(P.shape[0])])
    return np.stack([np.interp(t, m, p) for p in P], axis=1)


def _demean(x) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return a - a.mean()


@dataclass
class WorldPaths:
    """One block's world shocks for every month: (T, 5, n) and (T, n) arrays."""

    tenor: np.ndarray         # (T, 5, n) decimal yield shocks, tenor-major (the market block's layout)
    policy: np.ndarray        # (T, n) decimal
    inflation: np.ndarray     # (T, n) decimal annual rate
    real_level: np.ndarray    # (T, n) log real-GDP level deviation
    price_level: np.ndarray   # (T, n) log price-level deviation
    gap: np.ndarray           # (T, n) output-gap deviation, fraction of potential
    deficit_pp: np.ndarray    # (T, n) primary deficit, % of GDP
    tp10: np.ndarray          # (T, n) decimal: the 10-year term premium's part of tenor[:, 3]


def shock_rng(rng: np.random.Generator) -> np.random.Generator:
    """A generator for the world shocks derived from ``rng`` without consuming any of its draws."""
    return np.random.Generator(rng.bit_generator.jumped())


@kernel
def _recursion(idx, eps, resid, z_infl, z_growth, A, B, rho_infl, sigma_infl, rho_growth, sigma_growth,
               rho_deficit, sigma_deficit, rho_gap, record, kr, km,
               factors, tenor, policy, infl, real, price, gap, deficit):
    """The recursions of the module docstring for every path of a block, given its drawn dates
    ``idx`` (T, n) and deficit innovations ``eps`` (T, n); compiled (model/compiled.py).

    Writes the curve factors ``factors`` (T, n, 4) and, scaled by ``kr`` (rates) or ``km`` (macro),
    ``tenor`` (T, 5, n; ``B`` = the loadings in decimal), ``policy``, ``infl``, ``real``, ``price``
    and ``gap`` (T, n); ``deficit`` (T, n) unscaled, untouched when ``record``. A matrix product's
    terms are added in the inner index's order, each with one fused multiply-add (``compiled.fma``),
    as the numpy form's OpenBLAS products did: the same bits.
    """
    T, n = idx.shape
    # month by month, paths innermost: every (T, n) output is written along its rows (a path-major
    # loop wrote each at a stride of n doubles, a multiple of 4 KiB at 2,560 paths, and was ~8x slower)
    x = np.zeros((n, 4))
    st = np.zeros((n, 6))           # pi, g, d, lv, pl, gp
    for t in range(T):
        for i in range(n):
            r = idx[t, i]
            x0, x1, x2, x3 = x[i, 0], x[i, 1], x[i, 2], x[i, 3]
            # x_t = A x_{t-1} + e[idx_t]
            y0 = fma(x3, A[0, 3], fma(x2, A[0, 2], fma(x1, A[0, 1], fma(x0, A[0, 0], 0.0)))) + resid[r, 0]
            y1 = fma(x3, A[1, 3], fma(x2, A[1, 2], fma(x1, A[1, 1], fma(x0, A[1, 0], 0.0)))) + resid[r, 1]
            y2 = fma(x3, A[2, 3], fma(x2, A[2, 2], fma(x1, A[2, 1], fma(x0, A[2, 0], 0.0)))) + resid[r, 2]
            y3 = fma(x3, A[3, 3], fma(x2, A[3, 2], fma(x1, A[3, 1], fma(x0, A[3, 0], 0.0)))) + resid[r, 3]
            x[i, 0], x[i, 1], x[i, 2], x[i, 3] = y0, y1, y2, y3
            factors[t, i, 0] = y0
            factors[t, i, 1] = y1
            factors[t, i, 2] = y2
            factors[t, i, 3] = y3
            pi = rho_infl * st[i, 0] + sigma_infl * z_infl[r]
            g = rho_growth * st[i, 1] + sigma_growth * z_growth[r]
            lv = st[i, 3] + g / 12.0
            pl = st[i, 4] + pi / 12.0
            gp = rho_gap * st[i, 5] + g / 12.0
            st[i, 0], st[i, 1], st[i, 3], st[i, 4], st[i, 5] = pi, g, lv, pl, gp
            infl[t, i] = pi * km
            real[t, i] = lv * km
            gap[t, i] = gp * km
            price[t, i] = pl * km
            if not record:
                d = rho_deficit * st[i, 2] + sigma_deficit * eps[t, i]
                st[i, 2] = d
                deficit[t, i] = d
        for j in range(5):
            for i in range(n):
                tenor[t, j, i] = fma(x[i, 2], B[j, 2], fma(x[i, 1], B[j, 1], fma(x[i, 0], B[j, 0], 0.0))) * kr
        for i in range(n):
            short = fma(x[i, 2], B[0, 2], fma(x[i, 1], B[0, 1], fma(x[i, 0], B[0, 0], 0.0)))
            policy[t, i] = (short + x[i, 3] / 100.0) * kr


def draw(sp: ShockParams, n: int, T: int, rng: np.random.Generator) -> WorldPaths:
    """Draw the world shocks of ``n`` paths for ``T`` months from ``rng`` (use :func:`shock_rng`)."""
    R = sp.resid.shape[0]
    p_new = 1.0 / max(sp.block_length, 1.0)
    idx = np.empty((T, n), dtype=np.int64)
    eps = np.empty((T, n))
    cur = rng.integers(0, R, size=n)
    for t in range(T):
        # per month: a restart flag, a restart date and a deficit innovation for every path
        new = rng.random(n) < p_new
        jump = rng.integers(0, R, size=n)
        cur = np.where(new, jump, cur + 1)
        cur[cur >= R] -= R
        idx[t] = cur
        eps[t] = rng.standard_normal(n)        # drawn under 'record' too: the same numbers for the rest
    record = sp.deficit_draw == "record"
    if record:
        pick = rng.integers(0, sp.deficit_paths.shape[0], size=n)
    s = sp.scale
    kr = s if sp.rates else 0.0
    km = s if sp.macro else 0.0
    kf = s if sp.fiscal else 0.0
    tpb = None if sp.tp_loadings is None else np.asarray(sp.tp_loadings, dtype=float) / 100.0
    tenor = np.empty((T, 5, n))
    policy, infl, real, price, gapw, dpp = (np.empty((T, n)) for _ in range(6))
    factors = np.empty((T, n, 4))
    _recursion(idx, eps, np.ascontiguousarray(sp.resid, dtype=float), np.ascontiguousarray(sp.z_infl, dtype=float),
               np.ascontiguousarray(sp.z_growth, dtype=float), np.ascontiguousarray(sp.A, dtype=float),
               np.ascontiguousarray(sp.loadings / 100.0, dtype=float),             # percent -> decimal
               float(sp.rho_infl), float(sp.sigma_infl), float(sp.rho_growth), float(sp.sigma_growth),
               float(sp.rho_deficit), float(sp.sigma_deficit), float(sp.rho_gap), bool(record),
               float(kr), float(km), factors, tenor, policy, infl, real, price, gapw, dpp)
    tp10 = np.zeros((T, n))
    if tpb is not None:
        # numpy's matrix-vector product (a BLAS dgemv), kept for its bits: a (n, 3) view of the
        # factors times the premium's loadings, month by month, then scaled as the other rate shocks
        for t in range(T):
            np.matmul(factors[t, :, :3], tpb, out=tp10[t])
        tp10 *= kr
    if record:
        dpp = deficit_months(sp, T)[:, pick]
    dpp *= kf
    return WorldPaths(tenor=tenor, policy=policy, inflation=infl, real_level=real, price_level=price,
                      gap=gapw, deficit_pp=dpp, tp10=tp10)
