"""Compiled twin of the holders' month (``model.holders.holders_step``) with the coupled run's sums.

Role
----
:func:`step_coupled` twins ``model.coupled.holders_month_numpy``, step 2 of the coupled month:
``holders_step`` (signals, thresholds, flows, the over-selling cap, the peers' and
the market's memories, first sales), the zeroing of frozen holders' flows, and the sums the rest of
the month needs - the price-insensitive holders' surprise and expected flows (the market block's
inputs), each holder's cumulative scenario sales, and the foreign non-absorbers' sales in the
cascade window. The equations are those of ``model/holders.py``'s docstring; this module only
changes how they are evaluated: one pass over the agents of one path at a time.

Randomness is unchanged: the (N, C) noise is drawn by the reference's own ``_draws`` (numpy, the
same generator calls), so both backends consume the block's random stream identically.

Fallback: a month with a political shock (a freeze's months) runs ``holders_month_numpy``; so does a spec without cascade-capable agents, or a peer-group matrix in which an
agent belongs to several groups (the spec's is one-hot: each agent is in at most one group, plus
the foreign total).
"""

from __future__ import annotations

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model import holders as H
from treasurylab.model.jit import njit


@njit
def _step(h, peer, market, colv, threat, wc, casc, theta_c, noise, neg_base, d_prog, ez,
          sale_rate, oversell_ok, grp, gw, fw, mem, first_sale, t, frozen, insens,
          foreign_f, window, named, has_named, announced, has_ann, spec_rate, sales, active, peer_out,
          market_out, sur_out, exp_out, holder_sales, sold_24m):
    n, a = h.shape
    plain = not (has_named or has_ann)
    cap = not (oversell_ok and plain)
    nr = named.shape[0]
    ar = announced.shape[0]
    g = peer.shape[1]
    nc = casc.shape[0]
    num = np.empty(g)
    den = np.empty(g)
    sig = np.empty(nc)
    for i in range(n):
        for j in range(a):
            active[i, j] = False
        ci = colv[i]
        ti = threat[i]
        # the signal, term by term in the order of X @ W (loops over c innermost: they vectorise)
        for c in range(nc):
            sig[c] = 0.0
        for k in range(g):
            pk = peer[i, k]
            for c in range(nc):
                sig[c] += pk * wc[k, c]
        for c in range(nc):
            s = sig[c] + wc[g, c]
            s += ci * wc[g + 1, c]
            s += ti * wc[g + 2, c]
            s += noise[i, c]
            if s >= theta_c[i, c]:
                active[i, casc[c]] = True
        for k in range(g):
            num[k] = 0.0
            den[k] = 0.0
        num_f = 0.0
        den_f = 0.0
        sur = 0.0
        exp_ = 0.0
        sold = 0.0
        for j in range(a):
            hv = h[i, j]
            act = active[i, j]
            ah = hv if act else 0.0
            b = hv * neg_base[j]
            su = ah * sale_rate[j]
            nm = 0.0
            an = 0.0
            if has_named:
                nm = named[i if nr > 1 else 0, j]
                su += nm
            if ez:
                e = 0.0
                sa = b + su
            else:
                e = hv * d_prog[j]
                if has_ann:
                    an = announced[i if ar > 1 else 0, j]
                    e += an
                sa = b + e + su
            if not plain:
                # a named or announced sale counts as taking part at its pace relative to a
                # cascade seller's, capped at 1 (see model/holders.py)
                extra = nm + an
                pace = spec_rate[j] * hv
                part = extra / pace if pace > 0 else (1.0 if extra > 0 else 0.0)
                ah = max(1.0 if act else 0.0, min(part, 1.0)) * hv
            if cap and sa > hv:
                f = hv / sa
                b = b * f
                e = e * f
                su = su * f
                sa = hv
            # memories see every seller, frozen or not (the reference freezes flows afterwards)
            gj = grp[j]
            if gj >= 0:
                num[gj] += ah * gw[j]
                den[gj] += hv * gw[j]
            num_f += ah * fw[j]
            den_f += hv * fw[j]
            if act and first_sale[i, j] < 0:
                first_sale[i, j] = t
            if frozen[j]:
                b = 0.0
                e = 0.0
                su = 0.0
                sa = 0.0
            sales[i, j] = sa
            sc = su if ez else e + su
            if sc != 0.0:                  # adding 0.0 changes nothing: skip the read-modify-write
                holder_sales[i, j] += sc
                if window and sc > 0.0:
                    sold += sc * foreign_f[j]
                sur += su * insens[j]
                exp_ += e * insens[j]
        for k in range(g):
            sh = num[k] / den[k] if den[k] > 0 else 0.0
            if mem != 0.0:
                peer_out[i, k] = mem * peer[i, k] + (1.0 - mem) * sh
            else:
                peer_out[i, k] = sh
        sh = num_f / den_f if den_f > 0 else 0.0
        market_out[i] = mem * market[i] + (1.0 - mem) * sh
        sur_out[i] = sur
        exp_out[i] = exp_
        if window:
            sold_24m[i] += sold


def _groups(mf: np.ndarray, g: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The (A, G+1) memory matrix (peer groups, then the foreign total) as each agent's group index
    (-1: none), its weight and its foreign weight; None when an agent is in several groups."""
    memb = mf[:, :g]
    nz = memb != 0
    if np.any(nz.sum(axis=1) > 1):
        return None
    grp = np.where(nz.any(axis=1), nz.argmax(axis=1), -1).astype(np.int64)
    gw = np.where(grp >= 0, memb[np.arange(len(grp)), np.maximum(grp, 0)], 0.0)
    return grp, gw, np.ascontiguousarray(mf[:, g], dtype=float)


def _rows(x, n: int, a: int) -> tuple[np.ndarray, bool]:
    """An optional (A,) or (N, A) per-agent input as a C-ordered (1 or N, A) array and a flag."""
    if x is None:
        return _NONE, False
    arr = np.asarray(x, dtype=float)
    return np.ascontiguousarray(arr.reshape(1, a) if arr.shape == (a,) else arr.reshape(n, a)), True


_NONE = np.zeros((1, 1))


def _col(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return np.full(n, float(a)) if a.ndim == 0 else np.ascontiguousarray(a.reshape(n))


def step_coupled(spec, state, t: int, *, debt_gdp_dev_pp, yield_vol_bp, threat, rng, membership,
                 named_sales=None, announced_sales=None, political_shock=None, frozen=None,
                 insens: np.ndarray, foreign_f: np.ndarray, holder_sales: np.ndarray,
                 sold_24m: np.ndarray, window: bool):
    """One month of the holders for the coupled run; returns (sales, surprise_insens, expected_insens).

    Only what the rest of the month reads leaves the step: each holder's sales (N, A) for the
    clearing, and the price-insensitive holders' surprise and expected flows (N,) for the market
    (the reference's baseline/expected/surprise (N, A) arrays are not written: for a block of 2,560
    paths x 47 holders each is ~1 MB, and the step is bound by memory traffic, not arithmetic).

    ``frozen``: (A,) bool or None - those holders' flows are zeroed (their memories are not).
    ``insens``, ``foreign_f``: (A,) 0/1 floats (price-insensitive holders; foreign non-absorbers);
    ``holder_sales`` (N, A) accumulates the scenario sales (expected + surprise) in place;
    ``sold_24m`` (N,) accumulates the foreign non-absorbers' positive scenario sales when ``window``.
    """
    n, a = state.holdings.shape
    k = H._consts(spec, state, membership)
    casc = k["casc"]
    sp = k.get("jit_groups", False)
    if sp is False:
        sp = k["jit_groups"] = _groups(k["mf"], k["g"])
    if political_shock is not None or not len(casc) or sp is None:
        from treasurylab.model.coupled import holders_month_numpy

        return holders_month_numpy(spec, state, t, debt_gdp_dev_pp=debt_gdp_dev_pp, yield_vol_bp=yield_vol_bp,
                                   threat=threat, rng=rng, membership=membership, named_sales=named_sales,
                                   announced_sales=announced_sales, political_shock=political_shock,
                                   frozen=frozen, insens=insens, foreign_f=foreign_f,
                                   holder_sales=holder_sales, sold_24m=sold_24m, window=window)
    named, has_named = _rows(named_sales, n, a)
    announced, has_ann = _rows(announced_sales, n, a)
    if (has_named and named.min() < 0) or (has_ann and announced.min() < 0):
        raise BadInput("sale size must be >= 0", field="named_sales" if has_named and named.min() < 0
                       else "announced_sales", fix="give positive sale sizes in USD bn")
    g = k["g"]
    # the signal's per-path column, built term by term as the reference does
    colv = np.zeros(n)
    if spec.w_fiscal:
        colv += (spec.w_fiscal / spec.fiscal_scale_pp) * np.maximum(_col(debt_gdp_dev_pp, n), 0.0)
    if spec.w_vol:
        colv += (spec.w_vol / spec.vol_scale_bp) * _col(yield_vol_bp, n)
    if spec.w_market:
        colv += spec.w_market * state.market
    noise = H._draws(rng, n, len(casc), spec.noise_sd) if spec.noise_sd > 0 else np.zeros((n, len(casc)), np.float32)
    ez = bool(k["d_zero"]) and not has_ann
    sales = np.empty((n, a))
    active = np.empty((n, a), dtype=bool)
    peer = np.empty((n, g))
    market = np.empty(n)
    sur, exp_ = np.empty(n), np.empty(n)
    fz = np.zeros(a, dtype=bool) if frozen is None else np.asarray(frozen, dtype=bool)
    _step(state.holdings, state.peer, state.market, colv, _col(threat, n), k["wc"], casc,
          H._theta_casc(state, casc, k["all"]), noise, k["neg_base"], k["d_prog"], ez, k["sale_rate"],
          bool(k["cannot_oversell"]), sp[0], sp[1], sp[2], float(spec.peer_memory), state.first_sale,
          int(t), fz, insens, foreign_f, bool(window), named, has_named, announced, has_ann,
          np.ascontiguousarray(spec.sale_rate, dtype=float), sales, active, peer, market, sur, exp_,
          holder_sales, sold_24m)
    state.peer, state.market, state.active, state.t = peer, market, active, t + 1
    return sales, sur, (np.zeros(n) if ez else exp_)
