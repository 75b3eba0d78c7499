"""Compiled twin of :func:`treasurylab.model.fiscal.step`: one month of the debt roll.

Role
----
The coupled run (``model/coupled.py``) advances the fiscal block once a month per block of paths,
asking for four outputs (``debt``, ``debt_gdp``, ``deficit``, ``net_interest``) in the scenario
months and none in the pre-roll months. :func:`step` here takes the same state, inputs and
``outputs`` as the numpy reference and leaves the state as the reference leaves it, but does the
month in one compiled call instead of ~60 numpy operations on (N,) vectors.

Equations
---------
Those of the ``model/fiscal.py`` module docstring ("One month, in order", the buyback of a surplus
larger than maturing debt, the curve interpolation, TIPS and FRN accrual), in the reference's
order for every path:

1. interest accrued on live cohorts (running coupon flows advanced by this month's calendar row,
   TIPS index ratio, accrual), net interest, primary deficit with stabilisers, deficit;
2. maturing principal of the four calendars, what is left outstanding, the WAM sums;
3. if gross issuance is negative, the pro-rata buyback of future fixed-rate nominal cohorts
   (calendar rows after ``t`` scaled by one factor; the excess beyond all nominal debt to cash);
4. the 17 new securities, priced on the knots of ``fiscal._knots`` (the bill rate, then the curve
   tenors beyond 3 months) with the state's interpolation weights ``_wb``/``_wc``, added to the
   seven calendars by the reference's own scatter plan (``fiscal._issue_plan``), and the running
   totals.

How: paths go in tiles of a few hundred; within a tile each of these steps is a short loop over
the tile's paths, which the compiler vectorises (see ``_month`` for why not one path at a time).
The TIPS index growth (1 + inflation)^(1/12) is computed by numpy before the call, as in the
reference (numpy's vectorised power is ~20 times faster than a scalar ``pow`` per path).

Agreement with the reference is to rounding, not bitwise: the new-issue rates and the WAM sums are
matrix products there (summed in a BLAS order) and plain sums here; every other operation is the
reference's, in its order. The rates use only the nonzero interpolation weights (at most two per
tenor), which is the same sum for finite yields; with an infinite or NaN yield the reference makes
every rate NaN and the twin only those that use that yield (both runs are then meaningless).

The state
---------
The calendars are updated through the state's ``_cal`` block (re-stacked first, as the reference
does, when a copied state no longer shares it). The running vectors (``cpn``, ``tips_cpn``,
``frn_spr``, ``nom_out``, ``bill_out``, ``tips_out``, ``frn_out``, ``idx``, ``s1_nom``, ``s1_frn``,
``s1_tips``, ``cash``) are overwritten in place, where the reference binds some of them to new
arrays: the values are the same; a caller must not keep a reference to one of them expecting last
month's numbers (copy it, as the coupled run does with ``debt``). Of the reference's scratch
buffers, row 0 of ``_rates`` holds the index growth during the call and ``_buf`` is not used
(both are overwritten by the reference before it reads them).

Preconditions (not checked; the coupled run's arrays meet them): the state was built by
``fiscal.init_state`` and advanced only by ``fiscal.step`` or this function, so its running vectors
are distinct, writable, C-contiguous float64 arrays of shape (N,); the mix is a validated
``IssuanceMix`` (float64 weights).

Fallback to the numpy reference
-------------------------------
:func:`step` calls ``fiscal.step`` itself (same results, same errors) when

- ``outputs`` names anything but ``debt``, ``debt_gdp``, ``deficit``, ``net_interest`` (or is
  None, meaning all of them);
- ``fed_share`` is not a number in [0, 1] (it only feeds ``interest_to_fed``; the reference
  validates it);
- an input has the wrong shape (``yields`` not (K,) or (N, K); another input neither a scalar nor
  (N,)): the reference raises its error.

``revenue`` feeds only ``net_interest_rev``, so it is accepted and ignored, as the reference does
when that output is not asked for. Errors the twin raises itself, before changing the state, are
the reference's: months out of order, past the horizon, a mix that is not an ``IssuanceMix``,
non-positive GDP, inflation <= -1.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model import fiscal as _F
from treasurylab.model.jit import njit

# The reference, bound at import: the fallback must reach numpy even if ``fiscal.step`` is replaced.
_reference = _F.step

#: The outputs the twin computes; any other request goes to the reference.
FAST_OUTPUTS = ("debt", "debt_gdp", "deficit", "net_interest")
_SLOT = {k: i for i, k in enumerate(FAST_OUTPUTS)}
_FAST_ASKS: dict[tuple, bool] = {}     # outputs tuple -> all of them in FAST_OUTPUTS (memo)

# The kernel hard-codes the reference's layout: 6 bills, 7 nominal, 3 TIPS, 1 FRN; the new-issue
# buffer's 37 rows; the seven calendars in this order.
assert (_F._NB, _F._NN, _F._NT, _F._NNEW, _F._NBUF) == (6, 7, 3, 17, 37)
assert _F._CALENDARS == ("due", "cpn_delta", "bill_due", "tips_due", "tips_delta", "frn_due",
                         "frn_spr_delta")
# Tenors of the 17 securities in the reference's buffer order: bills, nominal, TIPS, FRN.
_TENORS = np.concatenate([_F.BILL_TENORS_M, _F.NOMINAL_TENORS_M, _F.TIPS_TENORS_M,
                          _F.FRN_TENORS_M]).astype(np.int64)

_NO_OUT = np.empty((len(FAST_OUTPUTS), 0))        # outputs=(): the kernel writes none

#: The state's running vectors, in the order the kernel receives them (one tuple).
_VECS = ("cpn", "tips_cpn", "frn_spr", "nom_out", "bill_out", "tips_out", "frn_out", "idx",
         "s1_nom", "s1_frn", "s1_tips", "cash")

# curve tenors -> (rows of the curve that are knots after the bill rate; knot index and weight of
# each new issue's rate, (17, w) each: the nonzero terms of _wb/_wc, w <= 2 by fiscal._interp)
_PRICING: dict[bytes, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


@njit
def _month(cal, sv, t, yt, sy, kcols, wcol, wval, ten, br, sbr, pdef, spd, gdp, sgdp, pi, grow,
           spi, gap, sgap, om, som, bill_share, bw, cw, offset, breakeven, frn_spread, stabiliser,
           src, ci, ri, out):
    """One month for every path; returns 0, or 1 (GDP <= 0) / 2 (inflation <= -1) before any write.

    ``cal``: the (7, rows, N) calendar block; ``sv``: the state's running vectors (order of
    ``_VECS``); both updated in place. Inputs that are scalars arrive as length-1 arrays read with
    stride 0 (``s* = 0``), vectors with stride 1; ``grow`` = (1 + inflation)^(1/12); ``yt`` is the
    curve tenor-major, (K, N) or (K, 1), ``kcols`` its rows that are knots after the bill rate.
    Issue j's rate is sum_q wval[j, q] * knot[wcol[j, q]] (the nonzero terms of ``_wb``/``_wc``
    times the knots, in their order). ``src, ci, ri``: the month's scatter plan
    (``fiscal._issue_plan``): new-issue row, calendar, calendar row. ``out``: (4, N), or (4, 0).

    Layout of the work: paths go in tiles of P; within a tile each step is a short loop over the
    tile's paths that reads a few (N,) rows and writes rows of a small scratch ``S`` (and the
    new-issue rows ``X``), so the compiler vectorises it and the scratch stays in cache. Measured
    at 1,024 paths: 1.7 times as fast as the whole month one path at a time, which is no faster
    than numpy (scalar arithmetic), and slower still if it reads its ~60 (N,) rows path by path
    (rows 8 KB apart when N is a power of two share one L1 cache set and evict each other). Each
    path still sees the reference's operations in their order.
    """
    n = sv[0].shape[0]
    for i in range(n):                  # the reference validates before touching the state
        if gdp[i * sgdp] <= 0.0:
            return 1
    for i in range(n):
        if pi[i * spi] <= -1.0:
            return 2
    cpn, tips_cpn, frn_spr, nom_out, bill_out, tips_out, frn_out, idx, s1_nom, s1_frn, \
        s1_tips, cash = sv
    rows = cal.shape[1]
    nb, nn, nt, nnew = 6, 13, 16, 17    # issues: bills 0..5, nominal 6..12, TIPS 13..15, FRN 16
    nkc = kcols.shape[0]
    nw = wcol.shape[1]
    # scratch rows: inputs, then the knots (bill rate, curve), then the month's intermediates
    PD, GDP, GR, GAP, OM, KN = 0, 1, 2, 3, 4, 5
    C = KN + 1 + nkc                    # nominal coupon flow
    TC, FS, IX, ACC, NET, DEF, GROSS = C + 1, C + 2, C + 3, C + 4, C + 5, C + 6, C + 7
    NL, BL, FL, TL = C + 8, C + 9, C + 10, C + 11          # nominal, bills, FRN, TIPS left
    S1N, S1F, S1T, CASH, B, CC = C + 12, C + 13, C + 14, C + 15, C + 16, C + 17
    FB, FN, FT, AB, AN, AT = C + 18, C + 19, C + 20, C + 21, C + 22, C + 23
    WB, WN, WT, DEBT = C + 24, C + 25, C + 26, C + 27
    RATE = C + 28
    P = 200                             # paths per tile (rows 1,600 bytes apart: no set aliasing)
    S = np.empty((RATE + nnew, P))
    X = np.empty((2 * nnew + 3, P))     # new issues, as the reference's buffer rows (see step)
    ft = float(t)
    write = out.shape[1] > 0
    for i0 in range(0, n, P):
        m = min(P, n - i0)
        # inputs (scalar or per path) and knots into scratch rows
        for p in range(m):
            S[PD, p] = pdef[(i0 + p) * spd]
        for p in range(m):
            S[GDP, p] = gdp[(i0 + p) * sgdp]
        for p in range(m):
            S[GR, p] = grow[(i0 + p) * spi]
        for p in range(m):
            S[GAP, p] = gap[(i0 + p) * sgap]
        for p in range(m):
            S[OM, p] = om[(i0 + p) * som]
        for p in range(m):
            S[KN, p] = br[(i0 + p) * sbr]
        for k in range(nkc):
            col = kcols[k]
            for p in range(m):
                S[KN + 1 + k, p] = yt[col, (i0 + p) * sy]
        # 1. interest accrued on live cohorts, net interest, deficit
        for p in range(m):
            i = i0 + p
            S[C, p] = cpn[i] + cal[1, t, i]
            S[TC, p] = tips_cpn[i] + cal[4, t, i]
            S[FS, p] = frn_spr[i] + cal[6, t, i]
        for p in range(m):
            i = i0 + p
            ip = idx[i]
            ix = ip * S[GR, p]
            acc = tips_out[i] * (ix - ip)
            interest = (S[C, p] + frn_out[i] * S[KN, p] + S[FS, p] + S[TC, p] * ix) / 12.0 + acc
            g = S[GDP, p]
            net = interest - offset * g / 12.0
            S[IX, p] = ix
            S[ACC, p] = acc
            S[NET, p] = net
            S[DEF, p] = S[PD, p] - stabiliser * S[GAP, p] * g / 12.0 + net
        # 2. maturing principal, what is left, the WAM sums; gross issuance
        for p in range(m):
            i = i0 + p
            m_nom = cal[0, t, i]
            rollover = m_nom + cal[5, t, i] + cal[3, t, i] * S[IX, p]
            S[GROSS, p] = rollover + S[DEF, p] - S[ACC, p] + S[OM, p]
            S[NL, p] = nom_out[i] - m_nom
            S[S1N, p] = s1_nom[i] - ft * m_nom
        for p in range(m):
            i = i0 + p
            m_frn = cal[5, t, i]
            S[BL, p] = bill_out[i] - cal[2, t, i]
            S[FL, p] = frn_out[i] - m_frn
            S[S1F, p] = s1_frn[i] - ft * m_frn
        for p in range(m):
            i = i0 + p
            m_tips = cal[3, t, i]
            S[TL, p] = tips_out[i] - m_tips
            S[S1T, p] = s1_tips[i] - ft * m_tips
            S[CASH, p] = cash[i]
        # 3. a surplus larger than maturing debt buys back future fixed-rate nominal cohorts pro
        #    rata (the reference multiplies the other paths by exactly 1), before the new issues
        for p in range(m):
            if S[GROSS, p] < 0.0:
                nom_left = S[NL, p]
                need = -S[GROSS, p]
                safe = nom_left if nom_left > 0.0 else 1.0
                factor = 1.0 - (need if need < nom_left else nom_left) / safe
                excess = need - nom_left
                if excess < 0.0:
                    excess = 0.0
                S[S1N, p] = S[S1N, p] * factor
                for r in range(t + 1, rows):
                    cal[0, r, i0 + p] *= factor
                    cal[1, r, i0 + p] *= factor
                    cal[2, r, i0 + p] *= factor
                S[C, p] = S[C, p] * factor
                S[NL, p] = nom_left * factor
                S[BL, p] = S[BL, p] * factor
                S[GROSS, p] = 0.0
                S[CASH, p] = S[CASH, p] + excess
        # 4. new issues: bills B = clip(bill_share * debt_next - bills_left, 0, gross), written
        #    as the reference's np.maximum then np.minimum (a NaN passes through), coupons C
        for p in range(m):
            gross = S[GROSS, p]
            bb = bill_share * (S[NL, p] + S[FL, p] + S[TL, p] * S[IX, p] + gross) - S[BL, p]
            bb = 0.0 if bb < 0.0 else bb
            bb = gross if (gross < bb or gross != gross) else bb
            S[B, p] = bb
            S[CC, p] = gross - bb
        for j in range(nb):
            w = bw[j]
            for p in range(m):
                X[j, p] = w * S[B, p]
        for j in range(nb, nnew):
            w = cw[j - nb]
            for p in range(m):
                X[j, p] = w * S[CC, p]
        for j in range(nn, nt):         # TIPS principal in real terms
            for p in range(m):
                X[j, p] = X[j, p] / S[IX, p]
        # rates at today's curve; TIPS: y - breakeven, floored at 0; FRN: its spread
        for j in range(nnew - 1):
            for p in range(m):
                S[RATE + j, p] = 0.0
            for q in range(nw):
                w = wval[j, q]
                kr = KN + wcol[j, q]
                for p in range(m):
                    S[RATE + j, p] += w * S[kr, p]
        for j in range(nn, nt):
            for p in range(m):
                r = S[RATE + j, p] - breakeven
                S[RATE + j, p] = 0.0 if r < 0.0 else r
        for p in range(m):
            S[RATE + nnew - 1, p] = frn_spread
        # coupon flows (bills + nominal, TIPS, FRN) and amounts, summed issue by issue as numpy
        # sums the buffer's rows; the WAM sums are matrix products there (another order)
        for p in range(m):
            S[FB, p] = X[0, p] * S[RATE, p]
            S[FN, p] = X[nb, p] * S[RATE + nb, p]
            S[FT, p] = X[nn, p] * S[RATE + nn, p]
            S[AB, p] = X[0, p]
            S[AN, p] = X[nb, p]
            S[AT, p] = X[nn, p]
            S[WB, p] = 0.0
            S[WN, p] = 0.0
            S[WT, p] = 0.0
        for j in range(1, nb):
            for p in range(m):
                S[FB, p] += X[j, p] * S[RATE + j, p]
                S[AB, p] += X[j, p]
        for j in range(nb + 1, nn):
            for p in range(m):
                S[FN, p] += X[j, p] * S[RATE + j, p]
                S[AN, p] += X[j, p]
        for j in range(nn + 1, nt):
            for p in range(m):
                S[FT, p] += X[j, p] * S[RATE + j, p]
                S[AT, p] += X[j, p]
        for j in range(nb):
            tj = float(t + ten[j])
            for p in range(m):
                S[WB, p] += tj * X[j, p]
        for j in range(nb, nn):
            tj = float(t + ten[j])
            for p in range(m):
                S[WN, p] += tj * X[j, p]
        for j in range(nn, nt):
            tj = float(t + ten[j])
            for p in range(m):
                S[WT, p] += tj * X[j, p]
        for j in range(nnew):
            for p in range(m):
                X[nnew + j, p] = -(X[j, p] * S[RATE + j, p])
        for p in range(m):
            X[2 * nnew, p] = S[FB, p] + S[FN, p]
            X[2 * nnew + 1, p] = S[FT, p]
            X[2 * nnew + 2, p] = X[nnew - 1, p] * S[RATE + nnew - 1, p]
        # the new running totals
        tf = float(t + ten[nnew - 1])
        for p in range(m):
            i = i0 + p
            cpn[i] = S[C, p]
            tips_cpn[i] = S[TC, p]
            frn_spr[i] = S[FS, p]
            cash[i] = S[CASH, p]
        for p in range(m):
            i = i0 + p
            no = S[NL, p] + S[AB, p] + S[AN, p]
            fo = S[FL, p] + X[nnew - 1, p]
            to = S[TL, p] + S[AT, p]
            ix = S[IX, p]
            nom_out[i] = no
            frn_out[i] = fo
            tips_out[i] = to
            idx[i] = ix
            S[DEBT, p] = no + fo + to * ix
        for p in range(m):
            i = i0 + p
            bill_out[i] = S[BL, p] + S[AB, p]
            s1_nom[i] = S[S1N, p] + S[WB, p] + S[WN, p]
            s1_frn[i] = S[S1F, p] + X[nnew - 1, p] * tf
            s1_tips[i] = S[S1T, p] + S[WT, p]
        if write:
            for p in range(m):
                out[0, i0 + p] = S[DEBT, p]
            for p in range(m):
                out[1, i0 + p] = S[DEBT, p] / S[GDP, p]
            for p in range(m):
                out[2, i0 + p] = S[DEF, p]
            for p in range(m):
                out[3, i0 + p] = S[NET, p]
        for e in range(src.shape[0]):   # new issues into their calendars (no cell twice)
            a_, c_, r_ = src[e], ci[e], ri[e]
            for p in range(m):
                cal[c_, r_, i0 + p] += X[a_, p]
    return 0


def _vec(x: Any, n: int) -> tuple[np.ndarray, int] | None:
    """(array, stride): a scalar as a length-1 array read with stride 0, an (N,) vector with 1;
    None for any other shape (the reference then raises its error)."""
    if isinstance(x, (int, float)):
        return np.array((x,), dtype=np.float64), 0
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1), 0
    if a.shape != (n,):
        return None
    if not a.flags.c_contiguous:
        a = np.ascontiguousarray(a)
    return a, 1


def _pricing(st: _F.FiscalState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The knot rows of the curve and the nonzero interpolation terms, per set of curve tenors
    (``_wb``/``_wc`` are a function of ``curve_tenors_m`` alone, see ``fiscal.init_state``)."""
    ct = st.curve_tenors_m
    key = ct.tobytes()
    got = _PRICING.get(key)
    if got is None:
        w = np.concatenate([st._wb, st._wc])               # (17, K'): bills, then coupon tenors
        width = max(1, int((w != 0).sum(axis=1).max()))
        wcol = np.zeros((w.shape[0], width), dtype=np.int64)
        wval = np.zeros((w.shape[0], width))
        for j, row in enumerate(w):
            nz = np.flatnonzero(row)                       # ascending: the reference's order
            wcol[j, :len(nz)] = nz
            wval[j, :len(nz)] = row[nz]
        got = _PRICING[key] = (np.flatnonzero(ct > 3.0).astype(np.int64), wcol, wval)
    return got


def _fast(outputs: Any) -> bool:
    if outputs is None:
        return False
    key = tuple(outputs)
    ok = _FAST_ASKS.get(key)
    if ok is None:
        ok = _FAST_ASKS[key] = all(k in _SLOT for k in key)
    return ok


def step(state: _F.FiscalState, t: int, yields: Any, bill_rate: Any, primary_deficit: Any,
         ngdp: Any, inflation: Any, mix: _F.IssuanceMix, output_gap: Any = 0.0,
         revenue: Any = None, other_means: Any = 0.0, fed_share: Any = 0.0,
         outputs: tuple[str, ...] | None = FAST_OUTPUTS) -> dict[str, np.ndarray]:
    """``fiscal.step`` compiled, for ``outputs`` among :data:`FAST_OUTPUTS`; same arguments.

    Returns {name: fresh (N,) float64 array} for ``outputs``, in that order (rows of one new
    block). ``revenue`` is ignored (it feeds no output computed here). See the module docstring
    for the preconditions and when the numpy reference is called instead.
    """
    if not _fast(outputs) or not (isinstance(fed_share, (int, float)) and 0.0 <= fed_share <= 1.0):
        return _reference(state, t, yields, bill_rate, primary_deficit, ngdp, inflation, mix,
                          output_gap=output_gap, revenue=revenue, other_means=other_means,
                          fed_share=fed_share, outputs=outputs)
    st = state
    _F.check_month(st, t, mix)
    n = st.n_paths
    br = _vec(bill_rate, n)
    pd = _vec(primary_deficit, n)
    gd = _vec(ngdp, n)
    pi = _vec(inflation, n)
    gp = _vec(output_gap, n)
    om = _vec(other_means, n)
    y = yields if isinstance(yields, np.ndarray) else np.asarray(yields, dtype=np.float64)
    K = st.curve_tenors_m.shape[0]
    if y.ndim == 2 and y.shape == (n, K):
        yt, sy = y.T, 1
    elif y.ndim == 1 and y.shape == (K,):
        yt, sy = y.reshape(K, 1), 0
    else:
        yt = None
    if yt is None or br is None or pd is None or gd is None or pi is None or gp is None or om is None:
        return _reference(state, t, yields, bill_rate, primary_deficit, ngdp, inflation, mix,
                          output_gap=output_gap, revenue=revenue, other_means=other_means,
                          fed_share=fed_share, outputs=outputs)
    if yt.dtype != np.float64 or not yt.flags.c_contiguous:
        # one compiled layout; the coupled run's (N, 5) is a transposed (5, N): no copy there
        yt = np.ascontiguousarray(yt, dtype=np.float64)
    if st._cal is None or st.due.base is not st._cal:
        _F._rebind_calendars(st)        # a copied state (deepcopy/pickle) no longer shares one block
    # (1 + pi)^(1/12) as the reference computes it; a NaN from inflation < -1 is never used (the
    # kernel refuses such inflation before writing anything)
    grow = st._rates[0] if pi[1] else np.empty(1)
    with np.errstate(invalid="ignore"):
        np.add(pi[0], 1.0, out=grow)
        np.power(grow, 1.0 / 12.0, out=grow)
    res = np.empty((len(FAST_OUTPUTS), n)) if outputs else _NO_OUT
    src, ci, ri = _F._issue_plan(t, st._cal.shape[1])
    code = _month(st._cal, (st.cpn, st.tips_cpn, st.frn_spr, st.nom_out, st.bill_out, st.tips_out,
                            st.frn_out, st.idx, st.s1_nom, st.s1_frn, st.s1_tips, st.cash),
                  int(t), yt, sy, *_pricing(st), _TENORS, br[0], br[1], pd[0], pd[1], gd[0], gd[1],
                  pi[0], grow, pi[1], gp[0], gp[1], om[0], om[1], mix.bill_share,
                  mix.bill_weights, mix.coupon_weights, st.offset, st.tips_breakeven,
                  st.frn_spread_new, st.stabiliser, src, ci, ri, res)
    if code == 1:
        raise BadInput("must be positive", field="ngdp", got=float(gd[0].min()),
                       fix="nominal GDP in USD bn (annual rate)")
    if code == 2:
        raise BadInput("must be > -1", field="inflation", got=float(pi[0].min()),
                       fix="annual rate as a decimal")
    st.t_next = t + 1
    return {k: res[_SLOT[k]] for k in outputs}
