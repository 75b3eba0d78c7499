"""Reserves block: official holders diversify toward gold and non-dollar assets; freed dollars leave Treasuries.

Role
----
R reserve managers (the PBoC, other named central banks, 'other central banks') hold gold
``gold_t[N, R]`` (tonnes). Each month they buy a baseline amount (fitted from the data: the PBoC's
reported monthly path, the World Gold Council's annual central-bank total) plus a diversification
response to a signal (sanction risk, a threat, fiscal stress); the dollars that fund the extra gold
come out of Treasuries in proportion to the dollar share of reserves (IMF COFER); a named share of
the reallocation can go to non-dollar assets instead of gold. The gold price responds to
official demand above the baseline.

Equations (month t; all arrays (N, R) unless noted)
---------------------------------------------------
::

    buy_t        = (base_r + k_r * max(signal_t, 0)) * dt                      tonnes
    gold_t       = gold_{t-1} + buy_t
    excess_t     = sum_r (buy_t - base_r * dt)                                 (N,) tonnes
    D_t          = D_{t-1} + eta * excess_t / annual_demand_t                  (N,) official-demand part
    ln P_t       = ln P_0 + D_t + gamma * dev10_t                              (gold-price response)
    usd_gold_t   = (buy_t - base_r * dt) * P_t * OZ_PER_TONNE / 1e9            USD bn of extra gold
    usd_other_t  = nondollar_r * max(signal_t, 0) * reserves_usd_bn_r * dt     USD bn to non-dollar assets
    tsy_sales_t  = usd_share * (usd_gold_t + usd_other_t) * tsy_share          USD bn sold of Treasuries

Only purchases *above the baseline* free dollars in the scenario: baseline buying is already in
the baseline holders path (its programme), so it carries no new Treasury sales.

``eta`` (percent price change per percent of annual gold demand added) is a labelled assumption in
``params/defaults/reserves.yaml``; swept in sensitivity analysis. ``gamma`` (log points per pp of
``dev10``, the path's 10-year yield less the baseline's, in percentage points) is estimated from the
WGC-implied gold price and the 10-year CMT, 2019-2025 (``params/reserves_estimate.py``): gold falls
when yields rise above the baseline, by world rate shocks or by the scenario.

Per-month API (stable; the coupled runner calls it)
---------------------------------------------------
::

    rp  = scenario.holders_inputs.build_reserves_params(overrides, holder_names=spec.names)
    rs  = init_reserves(rp, n_paths) -> ReservesState
    out = reserves_step(rp, rs, signal=0.0, dt_months=1.0, dev10_pp=0.0)   # signal (N,) or (N, R), dimensionless
        -> ReservesOut(buy_t, gold_t, price, treasury_sales_bn)   # (N,R), (N,R), (N,), (N,R)
    to_agents(rp, out.treasury_sales_bn, n_agents, spread_weights) -> (N, A) USD bn: pass as the
        holders' named (surprise) sales of the next holders_step
    path_from_purchases(gold0, purchases) -> cumulative path (used to reproduce the PBoC's monthly path)

Compiled: the arithmetic of :func:`reserves_step` is :func:`_month`, one loop over the paths
compiled by numba (``model/compiled.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.compiled import kernel
from treasurylab.units import OZ_PER_TONNE


@dataclass(frozen=True)
class ReservesParams:
    names: tuple[str, ...]             # reserve managers (R)
    gold0_t: np.ndarray                # (R,) tonnes at the start
    base_t_per_month: np.ndarray       # (R,) baseline purchases
    response_t_per_month: np.ndarray   # (R,) extra tonnes per month per unit of signal
    nondollar_per_month: np.ndarray    # (R,) share of reserves moved to non-dollar assets per unit signal
    reserves_usd_bn: np.ndarray        # (R,) FX reserves (USD bn) of each manager
    holder_index: np.ndarray           # (R,) matching holders agent; -1: spread over official-type agents
    usd_share: float                   # dollar share of FX reserves (COFER)
    tsy_share: float                   # share of dollar reserves held in Treasuries
    price0: float                      # USD per troy ounce
    eta: float                         # % price per % of annual demand
    annual_demand_t: float             # world gold demand, tonnes a year
    rate_semi_elasticity: float = 0.0  # gamma: log points of price per pp of the 10-year above baseline

    def validate(self) -> None:
        for f in ("gold0_t", "base_t_per_month", "response_t_per_month", "nondollar_per_month", "reserves_usd_bn"):
            v = getattr(self, f)
            if np.any(~np.isfinite(v)) or np.any(v < 0):
                raise BadInput("must be finite and >= 0", field=f"reserves.managers.{f}",
                               got=float(np.nanmin(v)), fix="give non-negative tonnes / shares")
        for f in ("usd_share", "tsy_share"):
            v = getattr(self, f)
            if not 0 <= v <= 1:
                raise BadInput("must be in [0, 1]", field=f"reserves.{f}", got=v, fix="a share")
        if self.price0 <= 0 or self.annual_demand_t <= 0:
            raise BadInput("gold price and annual demand must be > 0", field="reserves.gold_price0",
                           fix="USD/oz and tonnes a year")


@dataclass
class ReservesState:
    gold_t: np.ndarray     # (N, R)
    log_price: np.ndarray  # (N,) ln P_0 + the official-demand part D_t (the rate part is not kept)
    t: int = 0


@dataclass
class ReservesOut:
    buy_t: np.ndarray              # (N, R) tonnes bought this step
    gold_t: np.ndarray             # (N, R)
    price: np.ndarray              # (N,) USD/oz
    treasury_sales_bn: np.ndarray  # (N, R) USD bn of Treasuries sold to fund the reallocation


def init_reserves(rp: ReservesParams, n_paths: int) -> ReservesState:
    if n_paths < 1:
        raise BadInput("need at least one path", field="paths", got=n_paths, fix="give paths >= 1")
    return ReservesState(gold_t=np.tile(rp.gold0_t, (n_paths, 1)).astype(float),
                         log_price=np.full(n_paths, np.log(rp.price0)))


@kernel
def _month(c, base_t, response_t, nondollar, reserves_usd, s, dev10, gold, log_price, buy, gold_new, gold_out, price, tsy):
    """One month of :func:`reserves_step` (the module docstring's equations), path after path.

    ``c``: (dt, eta, annual demand, gamma, usd_share * tsy_share, 1.0 when the price sees ``dev10``);
    ``base_t``, ``response_t`` (R,) tonnes a month; ``nondollar`` (R,) shares a month and
    ``reserves_usd`` (R,) USD bn; ``s`` the signal (N, R), (N, 1) or (1, 1) (one for every
    path and manager); ``dev10`` (N,) or (1,) pp. ``log_price`` (N,) is updated in place; written:
    ``buy``, ``gold_new`` (the state's next holdings) and ``gold_out`` (its copy for the output)
    (N, R), ``price`` (N,), ``tsy`` (N, R). A path whose signals are all <= 0 buys nothing beyond
    the baseline: its price keeps its demand part and it sells no Treasuries. Each expression keeps
    the order of operations of the numpy form this replaced; the sum over managers is in order.
    """
    n, r = gold.shape
    dt, eta, annual, gamma, usd_tsy = c[0], c[1], c[2], c[3], c[4]
    rate_on = c[5] != 0.0
    by_path, by_manager = s.shape[0] > 1, s.shape[1] > 1
    for i in range(n):
        si = i if by_path else 0
        excess = 0.0
        moved = False
        for k in range(r):
            sk = np.maximum(s[si, k if by_manager else 0], 0.0)
            extra = response_t[k] * sk * dt
            b = base_t[k] * dt + extra
            buy[i, k] = b
            g = gold[i, k] + b
            gold_new[i, k] = g
            gold_out[i, k] = g
            excess += extra
            moved = moved or sk != 0.0
        lp = log_price[i]
        if moved:
            lp = lp + eta * excess / annual
            log_price[i] = lp
        if rate_on:
            lp = lp + gamma * dev10[i if dev10.shape[0] > 1 else 0]
        p = np.exp(lp)
        price[i] = p
        for k in range(r):
            if moved:
                sk = np.maximum(s[si, k if by_manager else 0], 0.0)
                usd_gold = response_t[k] * sk * dt * p * OZ_PER_TONNE / 1e9
                usd_other = nondollar[k] * sk * reserves_usd[k] * dt
                tsy[i, k] = usd_tsy * (usd_gold + usd_other)
            else:
                tsy[i, k] = 0.0


def reserves_step(rp: ReservesParams, rs: ReservesState, signal=0.0, dt_months: float = 1.0,
                  dev10_pp=0.0) -> ReservesOut:
    """One month of official gold buying, its price effect and the Treasuries sold to pay for it.

    ``signal``: scalar (one for every path, the coupled run's case), (N,) or (N, R), dimensionless;
    ``dev10_pp``: scalar or (N,), the 10-year yield less the baseline's this month, percentage
    points. The arithmetic is :func:`_month` (compiled, one path at a time)."""
    n, r = rs.gold_t.shape
    s = np.asarray(signal, dtype=float)
    if s.ndim == 0:
        s2 = s.reshape(1, 1)
    elif s.shape == (n,):
        s2 = s.reshape(n, 1)
    elif s.shape == (n, r):
        s2 = s
    else:
        raise BadInput(f"must be a scalar, ({n},) or ({n}, {r})", field="signal", got=s.shape,
                       fix="one signal, one per path, or one per path and manager")
    dev = np.asarray(dev10_pp, dtype=float)
    if dev.ndim > 1 or (dev.ndim == 1 and dev.shape[0] not in (1, n)):
        raise BadInput(f"must be a scalar or shape ({n},)", field="dev10_pp", got=dev.shape, fix="one value per path")
    # the rate response is left out (not multiplied by 0) when gamma is 0 or the 10-year on the
    # baseline everywhere: exp(ln P) keeps the price's bits
    rate_on = rp.rate_semi_elasticity != 0.0 and not (dev.ndim == 0 and float(dev) == 0.0)
    c = np.array([dt_months, rp.eta, rp.annual_demand_t, rp.rate_semi_elasticity, rp.usd_share * rp.tsy_share,
                  float(rate_on)])
    if rs.log_price.shape != (n,) or not rs.log_price.flags.c_contiguous or not rs.log_price.flags.writeable:
        rs.log_price = np.array(np.broadcast_to(rs.log_price, (n,)), dtype=float)
    buy, gold_new, gold_out, tsy = (np.empty((n, r)) for _ in range(4))
    price = np.empty(n)
    _month(c, _row(rp.base_t_per_month), _row(rp.response_t_per_month),
           _row(rp.nondollar_per_month), _row(rp.reserves_usd_bn), np.ascontiguousarray(s2),
           np.ascontiguousarray(dev.reshape(-1)), np.ascontiguousarray(rs.gold_t, dtype=float), rs.log_price,
           buy, gold_new, gold_out, price, tsy)
    rs.gold_t = gold_new
    rs.t += 1
    return ReservesOut(buy_t=buy, gold_t=gold_out, price=price, treasury_sales_bn=tsy)


def _row(x) -> np.ndarray:
    """A manager's (R,) parameter as a contiguous float64 array."""
    return np.ascontiguousarray(x, dtype=float)


def to_agents(rp: ReservesParams, treasury_sales_bn: np.ndarray, n_agents: int, spread_weights=None) -> np.ndarray:
    """Map the managers' Treasury sales (N, R) onto the holders' agents (N, A).

    A manager with ``holder_index = -1`` (e.g. 'Other central banks') has its sales spread over the
    agents in proportion to ``spread_weights`` ((A,) or (N, A); typically the holdings of foreign
    agents that are not price-sensitive absorbers); without weights those sales are dropped.
    """
    n = treasury_sales_bn.shape[0]
    out = np.zeros((n, n_agents))
    ok = rp.holder_index >= 0
    cols = rp.holder_index[ok]
    if len(np.unique(cols)) == len(cols):        # one manager per agent: a plain fancy add
        out[:, cols] += treasury_sales_bn[:, ok]
    else:
        np.add.at(out, (slice(None), cols), treasury_sales_bn[:, ok])
    if spread_weights is not None and np.any(~ok):
        w = np.broadcast_to(np.asarray(spread_weights, dtype=float), (n, n_agents))
        tot = w.sum(axis=1, keepdims=True)
        share = np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)
        out += treasury_sales_bn[:, ~ok].sum(axis=1, keepdims=True) * share
    return out


def path_from_purchases(gold0: float, purchases) -> np.ndarray:
    """Holdings path gold0 + cumulative purchases (tonnes), the same accounting as reserves_step."""
    p = np.asarray(purchases, dtype=float)
    return gold0 + np.cumsum(p, axis=-1)
