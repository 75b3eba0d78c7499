"""Compiled twins of the market block's month: premia and yields (``market_step``) and clearing.

Role
----
:func:`market_step` twins ``model.market.market_step`` together with the helpers it calls
(``backstop_purchases``, ``_inverse_impact10``, ``backstop_update``): flow learning, the Fed
backstop's purchases, the transitory and permanent term premia, the fiscal and trust premia, the
yields, the volatility memory and the backstop's episode bookkeeping. :func:`clear_market` twins
``model.market.clear_market`` in its selling-only case (``_clear_selling_only``). The equations are
those of ``model/market.py``'s docstring; here each is evaluated for one path at a time, in the
reference's order of operations, in one compiled loop per call.

Why the reference's ``.any()`` branches need no counterpart: each one (flow learning only where an
expectation is non-zero, purchases only where an episode is open, the calm count only while one is
open, the scaling of buyers only where demand exceeds the offer) selects, path by path, the same
numbers as the branch-free formula would, so a per-path test gives the reference's results.

State updates
-------------
The reference rebinds the fields of ``MarketState`` to fresh arrays; the twin writes the same
values into the existing arrays, in place (``ms.tp_temp`` stays an (N, 5) transposed view of a
(5, N) array; ``ms.flow_expected_bn`` is created, as zeros, when learning is on and it is None).
Preconditions (not checked; the coupled run's arrays meet them): the state's (N,) arrays are
distinct, writable, and of the dtypes ``init_market`` gives them (float64; bool for
``backstop_open``/``backstop_buying``; int64 for ``backstop_fired``); per-path inputs are scalars
or have N values; ``exp_short_dev`` and ``baseline_yields`` are scalars, (5,) or (N, 5); the
parameters are not changed in place after their first use (the packed constants are cached on the
frozen ``MarketParams``, keyed by the step length). Every array of ``MarketOut`` is new, as in the
reference: views of one block allocated per call, the (N, 5) ones transposed (5, N) blocks,
Fortran-ordered like the reference's.

Fallback and errors
-------------------
``market_step`` has none: every branch is compiled. A non-positive GDP or step length raises the
reference's error before the state is touched. ``clear_market`` calls the numpy reference for the
whole call when any sale is negative or NaN (the general case: explicit purchases), when the
Fed's purchases are negative or lack a Fed agent (the reference raises), when the holdings have
no columns, or when ``sales`` is not shaped like ``holdings``.
"""

from __future__ import annotations

import math

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model import market as M
from treasurylab.model.jit import njit

BP = M.BP
I10 = M.I10
_EMPTY = np.zeros(0)           # the expectation's stand-in when learning is off (never read)


def _rows(k: int, n: int) -> np.ndarray:
    """An empty (k, w) block, w >= n, whose rows hold one output (or one group of them) each.

    The kernels write to every row for one path before the next: with rows 2**m bytes apart
    (N = 1024) they all fall in the same set of the level-1 cache, which holds 8 lines, and the loop
    runs several times slower (measured). A row length of an odd number of 64-byte lines puts the
    rows in distinct sets.
    """
    w = -(-n // 8) * 8
    if (w // 8) % 2 == 0:
        w += 8
    return np.empty((k, w))


def _path(x, n: int) -> tuple[np.ndarray, int]:
    """A per-path input as (array, stride): (N,) with stride 1, or one value with stride 0."""
    if type(x) is np.ndarray and x.shape == (n,) and x.dtype.char == "d" and x.flags.c_contiguous:
        return x, 1                    # the coupled run's inputs: as they are
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1), 0
    if a.shape != (n,):
        a = a.reshape(n)
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    return a, 1


def _tenor_path(x, n: int, name: str) -> tuple[np.ndarray, int]:
    """A scalar, (5,) or (N, 5) input as a tenor-major (5, N) array (stride 1) or (5, 1) (stride 0)."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        return np.full((5, 1), float(a)), 0
    if a.shape == (5,):
        return a.reshape(5, 1), 0
    if a.shape == (n, 5):
        t = a.T
        return (t if t.flags.c_contiguous else np.ascontiguousarray(t)), 1
    # the reference's own error (or its broadcasting of an odd but compatible shape)
    return np.ascontiguousarray(M._tenor_major(a, n, name) + np.zeros((5, n))), 1


def _constants(mp: M.MarketParams, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """The step's scalar constants (15,) and the per-tenor parameters (5, 5), packed for the kernel.

    Computed as the reference computes them (Python floats, the same expressions) and cached on the
    (frozen) parameters object, keyed by the step length: the coupled run reuses one per segment.
    """
    got = mp.__dict__.get("_jit_constants")
    if got is not None and got[0] == dt:
        return got[1], got[2]
    on = bool(mp.backstop_on)
    c = np.array([
        mp.flow_depth_bn,
        mp.flow_decay ** dt,                                           # decay
        mp.announced_surprise_share,
        1.0 - (1.0 - mp.trust_recovery) ** dt,                          # trust recovery this step
        mp.vol_memory,
        1.0 if mp.flow_learning > 0.0 else 0.0,
        1.0 - (1.0 - mp.flow_learning) ** dt,                           # learning this step
        1.0 if on else 0.0,
        1.0 if on and mp.backstop_size_bn > 0 else 0.0,                 # an episode can open
        mp.backstop_trigger_bp,
        mp.backstop_size_bn,
        mp.backstop_exit_bp,
        mp.backstop_pace_bn_per_day * M.TRADING_DAYS_PER_MONTH * dt,    # most bought this step
        mp.backstop_rearm_months,
        dt,
    ], dtype=np.float64)
    tv = np.ascontiguousarray(np.stack([mp.flow_amplitude_bp, mp.stock_bp_per_pp_gdp, mp.fiscal_bp_per_pp_debt,
                                        mp.fiscal_bp_per_pp_deficit, mp.trust_bp]), dtype=np.float64)
    object.__setattr__(mp, "_jit_constants", (dt, c, tv))
    return c, tv


@njit
def _market_kernel(sur, s_sur, exp_, s_exp, fut, s_fut, gdp, s_gdp, debt, s_debt, dfc, s_dfc,
                   dis, s_dis, esd, s_esd, base, s_base, c, tv, t,
                   tp, stock, trust, y10p, vol, left, is_open, calm, buying, fired, e_exp, out):
    n = stock.shape[0]
    # the reference checks GDP before it changes anything: so does the twin
    for i in range(n):
        if gdp[i * s_gdp] <= 0.0:
            return 1
    depth, decay, a_share, rec, vol_mem = c[0], c[1], c[2], c[3], c[4]
    learn, learn_rate, bs_on, fire_ok = c[5] != 0.0, c[6], c[7] != 0.0, c[8] != 0.0
    trigger, size, exit_bp, pace_cap, rearm, dt = c[9], c[10], c[11], c[12], c[13], c[14]
    amp, lam, phi_d, phi_f, psi = tv[0], tv[1], tv[2], tv[3], tv[4]
    sat = dt * amp[3]
    sat_in = sat * (1.0 - 1e-12)
    for i in range(n):
        s = sur[i * s_sur]
        xe = exp_[i * s_exp]
        # 0. flow learning
        unexp = s
        if learn:
            e = e_exp[i]
            p = s / dt
            if e != 0.0:
                lo = np.minimum(p, 0.0)
                hi = np.maximum(p, 0.0)
                unexp = s - dt * np.minimum(np.maximum(e, lo), hi)
            e_exp[i] = e + learn_rate * (p - e)
        # 1. backstop purchases (backstop_purchases, _inverse_impact10)
        flow = unexp + a_share * xe
        fed = 0.0
        if bs_on and is_open[i]:
            cap = np.minimum(pace_cap, left[i])
            x = exit_bp - decay * tp[3, i] / BP
            reach = x > -sat * (1.0 - 1e-12)
            xx = np.minimum(x, sat_in) if reach else 0.0
            u = xx / (dt * amp[3])
            g = np.sign(u) * dt * depth * -math.log1p(-abs(u))
            need = flow - g if reach else np.inf
            fed = np.minimum(np.maximum(need, 0.0), cap)
            left[i] = left[i] - fed
        buying[i] = fed > 1e-9
        flow = flow - fed
        # 2. transitory premium
        pf = flow / dt
        m = np.sign(pf) * (-math.expm1(-abs(pf) / depth))
        for k in range(5):
            v = decay * tp[k, i] + dt * amp[k] * m * BP
            tp[k, i] = v
            out[3, k * n + i] = v
        # 3. permanent premium on the expected stock
        st = stock[i] + s + xe - fed
        stock[i] = st
        q = 100.0 * (st + fut[i * s_fut]) / gdp[i * s_gdp]
        # 5. trust (before the yields: its premium enters them)
        tr0 = trust[i]
        tr = tr0 + rec * (1.0 - tr0) - dis[i * s_dis]
        tr = np.minimum(np.maximum(tr, 0.0), 1.0)
        trust[i] = tr
        out[6, 2 * n + i] = tr
        dtr = 1.0 - tr
        db = debt[i * s_debt]
        df = dfc[i * s_dfc]
        for k in range(5):
            tpp = BP * lam[k] * q
            fis = (phi_d[k] * db + phi_f[k] * df) * BP
            ttr = BP * psi[k] * dtr
            dev = esd[k, i * s_esd] + tpp
            dev += out[3, k * n + i]
            dev += fis
            dev += ttr
            out[0, k * n + i] = base[k, i * s_base] + dev
            out[1, k * n + i] = dev
            out[2, k * n + i] = tpp
            out[4, k * n + i] = fis
            out[5, k * n + i] = ttr
        # 7. volatility, then backstop_update on the new premium
        d10 = out[1, 3 * n + i]
        vol[i] = vol_mem * vol[i] + (1.0 - vol_mem) * abs(d10 - y10p[i]) / BP
        out[6, n + i] = vol[i]
        out[6, i] = fed
        x10 = out[3, 3 * n + i] / BP
        op = is_open[i]
        if op:
            # calm: at or below the exit level on its own (held there by purchases is not calm)
            cm = calm[i] + dt if (x10 <= exit_bp + 1e-9 and not buying[i]) else 0.0
            calm[i] = cm
            op = cm < rearm - 1e-9 and bs_on
            is_open[i] = op
        else:
            calm[i] = 0.0
        if fire_ok and x10 > trigger and not op:
            is_open[i] = True
            left[i] = size
            calm[i] = 0.0
            if fired[i] < 0:
                fired[i] = t
        y10p[i] = d10
    return 0


def market_step(mp: M.MarketParams, ms: M.MarketState, *, surprise_flow_bn=0.0, expected_flow_bn=0.0,
                announced_future_bn=0.0, gdp_bn, debt_gdp_dev_pp=0.0, deficit_gdp_dev_pp=0.0,
                exp_short_dev=0.0, baseline_yields=0.0, distrust_shock=0.0,
                dt_months: float = 1.0) -> M.MarketOut:
    """``model.market.market_step``, compiled: the same outputs and the same state, updated in place.

    See the module docstring for the preconditions on ``ms`` and the inputs.
    """
    n = ms.stock_dev_bn.shape[0]
    if dt_months <= 0:
        raise BadInput("step must be > 0 months", field="dt_months", got=dt_months, fix="use 1 for monthly steps")
    c, tv = _constants(mp, dt_months)
    if c[5] != 0.0:
        if ms.flow_expected_bn is None:
            ms.flow_expected_bn = np.zeros(n)
        e_exp = ms.flow_expected_bn
    else:
        e_exp = _EMPTY
    tp = ms.tp_temp.T
    if not (tp.flags.c_contiguous and tp.flags.writeable):
        tp = np.array(tp, order="C")
        ms.tp_temp = tp.T
    sur, s_sur = _path(surprise_flow_bn, n)
    exp_, s_exp = _path(expected_flow_bn, n)
    fut, s_fut = _path(announced_future_bn, n)
    gdp, s_gdp = _path(gdp_bn, n)
    debt, s_debt = _path(debt_gdp_dev_pp, n)
    dfc, s_dfc = _path(deficit_gdp_dev_pp, n)
    dis, s_dis = _path(distrust_shock, n)
    esd, s_esd = _tenor_path(exp_short_dev, n, "exp_short_dev")
    base, s_base = _tenor_path(baseline_yields, n, "baseline_yields")
    # outputs by groups: yields, dev, tp_perm, tp_temp, fiscal, trust_term (each (5, N), tenor-major
    # as in the reference), then fed purchases, vol, trust
    out = _rows(7, 5 * n)
    if _market_kernel(sur, s_sur, exp_, s_exp, fut, s_fut, gdp, s_gdp, debt, s_debt, dfc, s_dfc, dis, s_dis,
                      esd, s_esd, base, s_base, c, tv, ms.t,
                      tp, ms.stock_dev_bn, ms.trust, ms.y10_dev_prev, ms.vol_bp, ms.backstop_left_bn,
                      ms.backstop_open, ms.backstop_calm, ms.backstop_buying, ms.backstop_fired, e_exp, out):
        raise BadInput("GDP must be > 0", field="gdp_bn", got=float(np.min(gdp)), fix="give nominal GDP in USD bn")
    ms.t += 1
    g = out[:6, :5 * n].reshape(6, 5, n)
    return M.MarketOut(yields=g[0].T, dev=g[1].T, tp_perm=g[2].T, tp_temp=g[3].T, fiscal=g[4].T,
                       trust_term=g[5].T, fed_purchases_bn=out[6, :n], vol_bp=out[6, n:2 * n],
                       trust=out[6, 2 * n:3 * n])


@njit
def _clear_kernel(h, s, absorber, fed_index, fed_in, s_fed, supply, s_sup, out, out2):
    # min(x, y) and max(x, 0) are written as comparisons that return the NaN whenever the
    # reference's np.minimum / np.maximum would (the sale is never NaN here: that call falls back);
    # numba's scalar ufuncs cost a third of the loop
    n, a = h.shape
    absf = np.empty(a)
    nab = 0.0
    for j in range(a):
        absf[j] = 1.0 if absorber[j] else 0.0
        nab += absf[j]
    nab = max(nab, 1.0)
    fed_abs = fed_index >= 0 and absorber[fed_index]
    a4 = a - a % 4
    for i in range(n):
        f = fed_in[i * s_fed]
        if f < 0.0 or (fed_index < 0 and f > 0.0):
            return 2                   # the reference raises: let it
        sup = supply[i * s_sup]
        # the row sums (the reference's products with a ones / absorber vector) in four partial
        # sums, as BLAS forms them: one running sum would be a chain of dependent additions
        sold0 = sold1 = sold2 = sold3 = 0.0
        abs0 = abs1 = abs2 = abs3 = 0.0
        ok = True
        for j in range(0, a4, 4):
            s0, s1, s2, s3 = s[i, j], s[i, j + 1], s[i, j + 2], s[i, j + 3]
            ok &= (s0 >= 0.0) & (s1 >= 0.0) & (s2 >= 0.0) & (s3 >= 0.0)
            h0, h1, h2, h3 = h[i, j], h[i, j + 1], h[i, j + 2], h[i, j + 3]
            x0 = s0 if s0 < h0 else h0
            x1 = s1 if s1 < h1 else h1
            x2 = s2 if s2 < h2 else h2
            x3 = s3 if s3 < h3 else h3
            y0 = h0 - x0
            y1 = h1 - x1
            y2 = h2 - x2
            y3 = h3 - x3
            out[i, j] = y0
            out[i, j + 1] = y1
            out[i, j + 2] = y2
            out[i, j + 3] = y3
            sold0 += x0
            sold1 += x1
            sold2 += x2
            sold3 += x3
            abs0 += y0 * absf[j]
            abs1 += y1 * absf[j + 1]
            abs2 += y2 * absf[j + 2]
            abs3 += y3 * absf[j + 3]
        for j in range(a4, a):
            s0 = s[i, j]
            ok &= s0 >= 0.0
            h0 = h[i, j]
            x0 = s0 if s0 < h0 else h0
            y0 = h0 - x0
            out[i, j] = y0
            sold0 += x0
            abs0 += y0 * absf[j]
        if not ok:
            return 1                   # an explicit purchase (or a NaN sale): the general case
        sold_tot = (sold0 + sold1) + (sold2 + sold3)
        h1_abs = (abs0 + abs1) + (abs2 + abs3)
        redeem = np.maximum(-sup, 0.0)
        issue = np.maximum(sup, 0.0)
        demand = f + redeem
        offer = sold_tot + issue + h1_abs
        if demand > offer:
            r = np.minimum(offer / demand, 1.0)
            if r < 1.0:
                f = f * r
                redeem = redeem * r
        if fed_index >= 0:
            out[i, fed_index] += f
        resid = sold_tot + issue - redeem - f
        tot = h1_abs
        if fed_abs:                    # the Fed absorbs too: its purchases count in the total
            tot = 0.0
            for j in range(a):
                tot += out[i, j] * absf[j]
        for j in range(a):
            if absorber[j]:
                hj = out[i, j]
                if tot > 0.0:
                    d = hj / tot * resid
                elif tot <= 0.0:
                    d = resid / nab
                else:                  # NaN total: the reference's masked division leaves 0
                    d = 0.0 * resid
                v = hj + d
                out[i, j] = 0.0 if v < 0.0 else v
        out2[0, i] = f
        out2[1, i] = issue - redeem
    return 0


def clear_market(holdings, sales, absorber, fed_index: int = -1, fed_purchases_bn=0.0,
                 new_supply_bn=0.0) -> M.ClearOut:
    """``model.market.clear_market``, compiled for the selling-only month (every sale >= 0).

    Returns a ``ClearOut`` with new ``holdings`` (N, A), ``fed_bought`` and ``supply`` (N,) (rows
    of one new block). ``bought`` is built on first access by the numpy reference from the inputs
    of this call, so read it before they change (the coupled run never reads it). Calls made
    outside the selling-only case run the numpy reference (module docstring).
    """
    h = np.ascontiguousarray(holdings, dtype=np.float64)
    s = np.ascontiguousarray(sales, dtype=np.float64)
    if h.ndim != 2 or s.shape != h.shape or h.shape[1] == 0:
        return M.clear_market(holdings, sales, absorber, fed_index, fed_purchases_bn, new_supply_bn)
    n = h.shape[0]
    ab = np.asarray(absorber, dtype=np.bool_)
    fed, s_fed = _path(fed_purchases_bn, n)
    sup, s_sup = _path(new_supply_bn, n)
    out = np.empty(h.shape)
    out2 = _rows(2, n)
    if _clear_kernel(h, s, ab, int(fed_index), fed, s_fed, sup, s_sup, out, out2):
        return M.clear_market(holdings, sales, absorber, fed_index, fed_purchases_bn, new_supply_bn)

    def bought() -> np.ndarray:
        return M.clear_market(h, s, ab, fed_index, fed_purchases_bn, new_supply_bn).bought

    return M.ClearOut(holdings=out, bought=bought, fed_bought=out2[0, :n], supply=out2[1, :n])
