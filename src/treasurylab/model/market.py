"""Market block: net selling and supply -> term premium and yields at 3m, 2y, 5y, 10y, 30y; clearing.

Role
----
Every premium here is a **deviation from the baseline's own path** (DESIGN.md, modelling
principles): CBO's baseline rates already embed its view of debt and term premia, so with no
shock every term below is exactly zero and the yields equal the baseline curve.

Equations (per path n and tenor k; rates are decimals, parameters are in bp)
--------------------------------------------------------------------------
Yields::

    y_k = baseline_k + dE[short rate over k] + tp_perm_k + tp_temp_k + fp_k + trust_k

Permanent term premium, priced on the *expected* stock of duration held by price-sensitive
investors (Gagnon et al. 2011; Greenwood & Vayanos 2014), as a share of GDP::

    S_t       = S_{t-1} + surprise_t + expected_t - fed_t          (USD bn, deviation from baseline)
    tp_perm_k = lambda_k * 100 * (S_t + announced_future_t) / GDP_t     (lambda_k in bp per pp of GDP)

so an announced programme is priced in full the month it becomes known.

Transitory term premium, driven by this step's *surprise* flow, concave in its pace relative to
the market's depth D and decaying as arbitrage capital arrives (Beltran et al. 2013 impact and
12-month effect; Cont-Schaanning impact shape 1 - exp(-q/D), calibration.md s4.3)::

    F_t       = surprise_t + a * expected_t - fed_t                  (a: share of announced flow that
                                                                       still surprises; Vissing-Jorgensen 2021)
    pace_t    = F_t / dt                                             (USD bn per month)
    tp_temp_k = rho**dt * tp_temp_k + dt * A_k * sign(pace) * (1 - exp(-|pace| / D))

Fiscal risk premium (CBO 2019: 2-3 bp per pp of debt/GDP; Laubach 2009 for deficits)::

    fp_k = phi_debt_k * d(debt/GDP projected, pp) + phi_def_k * d(deficit/GDP projected, pp)

Trust (Krishnamurthy & Vissing-Jorgensen 2012 convenience yield as the scale)::

    trust_t = clip(trust_{t-1} + (1 - (1 - r)**dt) (1 - trust_{t-1}) - distrust_shock_t, 0, 1)
    trust_k = psi_k * (1 - trust_t)

Fed backstop: if on, once the flow-driven part of the 10-year (``tp_temp``) exceeds ``trigger_bp``
(a jump caused by selling, not a fiscal or policy repricing), the Fed buys ``size_bn`` spread evenly
over ``months`` from the *next* step (purchases are a negative surprise flow and reduce S). It fires
at most once per run (``MarketState.backstop_fired`` records the step).

Market clearing (:func:`clear_market`): explicit sales and purchases first, then the residual
``R = sold + new_supply - bought - fed`` is absorbed by the price-sensitive holders in proportion
to their holdings; buyers are scaled back if they want more than exists. Every dollar sold is
bought by someone (``sum(delta holdings) == new_supply``) and holdings never go negative
(hypothesis-tested).

Per-month API (stable; the coupled runner calls it)
---------------------------------------------------
::

    mp    = MarketParams.from_params(load_params("market", overrides))
    ms    = init_market(mp, n_paths) -> MarketState
    out   = market_step(mp, ms,
                        surprise_flow_bn=...,     # (N,) surprise net sales by price-insensitive holders
                        expected_flow_bn=0.0,     # (N,) expected/announced excess net sales this step
                        announced_future_bn=0.0,  # (N,) known excess sales still to come (expectation horizon)
                        gdp_bn=...,               # (N,) or scalar, nominal GDP, USD bn (annual rate)
                        debt_gdp_dev_pp=0.0,      # (N,) projected debt/GDP minus baseline, pp
                        deficit_gdp_dev_pp=0.0,   # (N,) projected deficit/GDP minus baseline, pp
                        exp_short_dev=0.0,        # (N, 5) expected average policy-rate deviation, decimal
                        baseline_yields=0.0,      # (5,) or (N, 5) baseline yields, decimal
                        distrust_shock=0.0,       # (N,) fall in trust this step, in [0, 1]
                        dt_months=1.0)
        -> MarketOut(yields, dev, tp_perm, tp_temp, fiscal, trust_term, fed_purchases_bn, vol_bp, trust)
    clr   = clear_market(holdings, flows.sales, absorber, fed_index, out.fed_purchases_bn, new_supply_bn)
        -> ClearOut(holdings, bought, fed_bought, supply)

    flows_for_market(spec.absorber, flows) -> (surprise_bn (N,), expected_bn (N,)) from a HoldersFlows
    announced_future(schedule, t, horizon_months) -> known excess sales after step t (USD bn)
    run_holders_market(spec, mp, N, T, rng, gdp_bn=...) -> reference loop of holders + market
    run_market_path(mp, gdp_bn, T, surprise_flow_bn=..., ...) -> dict of arrays (T, N, 5) (for targets)

``TENORS = ("3m", "2y", "5y", "10y", "30y")``; index 2 is the 5-year, 3 the 10-year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from treasurylab.errors import BadInput

TENORS = ("3m", "2y", "5y", "10y", "30y")
TENOR_YEARS = np.array([0.25, 2.0, 5.0, 10.0, 30.0])
I5, I10 = 2, 3
BP = 1e-4


def _vec5(x, name: str) -> np.ndarray:
    """A per-tenor parameter (mapping tenor -> value, list of 5, or a scalar) as a (5,) array."""
    if isinstance(x, dict):
        missing = [t for t in TENORS if t not in x]
        if missing:
            raise BadInput("needs a value for every tenor", field=f"market.{name}", got=sorted(x),
                           fix=f"give {', '.join(TENORS)}")
        return np.array([float(x[t]) for t in TENORS])
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return np.full(5, float(arr))
    if arr.shape != (5,):
        raise BadInput("needs 5 values (3m, 2y, 5y, 10y, 30y)", field=f"market.{name}",
                       got=list(np.ravel(arr)), fix="give a mapping tenor -> value")
    return arr


@dataclass(frozen=True)
class MarketParams:
    """The market block's numbers (bp where named *_bp)."""

    flow_amplitude_bp: np.ndarray        # (5,) A_k
    flow_depth_bn: float                 # D, USD bn per month
    flow_decay: float                    # rho per month
    announced_surprise_share: float      # a
    stock_bp_per_pp_gdp: np.ndarray      # (5,) lambda_k
    fiscal_bp_per_pp_debt: np.ndarray    # (5,) phi_debt_k
    fiscal_bp_per_pp_deficit: np.ndarray  # (5,) phi_def_k
    trust_bp: np.ndarray                 # (5,) psi_k
    trust_recovery: float                # r per month
    backstop_on: bool = True
    backstop_trigger_bp: float = 25.0
    backstop_size_bn: float = 1000.0
    backstop_months: float = 1.5
    vol_memory: float = 0.5
    expectation_horizon_months: float = 24.0

    @classmethod
    def from_params(cls, ps) -> MarketParams:
        """Build from a :class:`treasurylab.params.ParamSet` of block 'market'."""
        mp = cls(
            flow_amplitude_bp=_vec5(ps["flow_amplitude_bp"], "flow_amplitude_bp"),
            flow_depth_bn=float(ps["flow_depth_bn"]),
            flow_decay=float(ps["flow_decay_per_month"]),
            announced_surprise_share=float(ps["announced_surprise_share"]),
            stock_bp_per_pp_gdp=_vec5(ps["stock_bp_per_pp_gdp"], "stock_bp_per_pp_gdp"),
            fiscal_bp_per_pp_debt=_vec5(ps["fiscal_bp_per_pp_debt"], "fiscal_bp_per_pp_debt"),
            fiscal_bp_per_pp_deficit=_vec5(ps["fiscal_bp_per_pp_deficit"], "fiscal_bp_per_pp_deficit"),
            trust_bp=_vec5(ps["trust_bp"], "trust_bp"),
            trust_recovery=float(ps["trust_recovery_per_month"]),
            backstop_on=bool(ps["backstop_on"]),
            backstop_trigger_bp=float(ps["backstop_trigger_bp"]),
            backstop_size_bn=float(ps["backstop_size_bn"]),
            backstop_months=float(ps["backstop_months"]),
            vol_memory=float(ps["vol_memory"]),
            expectation_horizon_months=float(ps["expectation_horizon_months"]),
        )
        mp.validate()
        return mp

    def validate(self) -> None:
        if self.flow_depth_bn <= 0:
            raise BadInput("market depth must be > 0", field="market.flow_depth_bn",
                           got=self.flow_depth_bn, fix="give USD bn per month, e.g. 300")
        if not 0 <= self.flow_decay < 1:
            raise BadInput("decay must be in [0, 1)", field="market.flow_decay_per_month",
                           got=self.flow_decay, fix="monthly persistence of the transitory premium")
        if not 0 <= self.announced_surprise_share <= 1:
            raise BadInput("must be in [0, 1]", field="market.announced_surprise_share",
                           got=self.announced_surprise_share, fix="share of announced flows that still surprise")
        if self.backstop_months <= 0 or self.backstop_size_bn < 0:
            raise BadInput("backstop needs size >= 0 and months > 0", field="market.backstop",
                           got=(self.backstop_size_bn, self.backstop_months),
                           fix="e.g. size 1000 (USD bn) over 1.5 months")
        if not 0 <= self.trust_recovery <= 1:
            raise BadInput("must be in [0, 1]", field="market.trust_recovery_per_month",
                           got=self.trust_recovery, fix="monthly share of lost trust regained")


@dataclass
class MarketState:
    tp_temp: np.ndarray          # (N, 5) decimal
    stock_dev_bn: np.ndarray     # (N,) USD bn
    trust: np.ndarray            # (N,) in [0, 1]
    y10_dev_prev: np.ndarray     # (N,) decimal
    vol_bp: np.ndarray           # (N,) EMA of |change of the 10y deviation| per step, bp
    backstop_left_bn: np.ndarray  # (N,)
    backstop_rate_bn: np.ndarray  # (N,) USD bn per month while active
    backstop_fired: np.ndarray   # (N,) int: step the backstop fired first, -1 never
    t: int = 0


@dataclass
class MarketOut:
    yields: np.ndarray           # (N, 5) decimal (baseline + dev)
    dev: np.ndarray              # (N, 5) decimal deviation from baseline
    tp_perm: np.ndarray          # (N, 5)
    tp_temp: np.ndarray          # (N, 5)
    fiscal: np.ndarray           # (N, 5)
    trust_term: np.ndarray       # (N, 5)
    fed_purchases_bn: np.ndarray  # (N,) bought this step by the backstop
    vol_bp: np.ndarray           # (N,)
    trust: np.ndarray            # (N,)


@dataclass
class ClearOut:
    holdings: np.ndarray         # (N, A) after trading
    bought: np.ndarray           # (N, A) purchases (explicit + absorbed), USD bn
    fed_bought: np.ndarray       # (N,) bought by the Fed backstop (after any scaling)
    supply: np.ndarray           # (N,) net new supply actually placed


def init_market(mp: MarketParams, n_paths: int, trust0: float = 1.0) -> MarketState:
    if n_paths < 1:
        raise BadInput("need at least one path", field="paths", got=n_paths, fix="give paths >= 1")
    z = np.zeros(n_paths)
    return MarketState(tp_temp=np.zeros((n_paths, 5)), stock_dev_bn=z.copy(),
                       trust=np.full(n_paths, float(trust0)), y10_dev_prev=z.copy(), vol_bp=z.copy(),
                       backstop_left_bn=z.copy(), backstop_rate_bn=z.copy(),
                       backstop_fired=np.full(n_paths, -1, dtype=np.int64))


def _n(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return np.full(n, float(a)) if a.ndim == 0 else a.reshape(n)


def flow_impact_bp(mp: MarketParams, flow_bn, dt_months: float = 1.0) -> np.ndarray:
    """Transitory impact (bp, shape (..., 5)) of a net surprise flow over one step of dt months."""
    f = np.asarray(flow_bn, dtype=float)[..., None]
    pace = f / dt_months
    return dt_months * mp.flow_amplitude_bp * np.sign(pace) * (-np.expm1(-np.abs(pace) / mp.flow_depth_bn))


def market_step(mp: MarketParams, ms: MarketState, *, surprise_flow_bn=0.0, expected_flow_bn=0.0,
                announced_future_bn=0.0, gdp_bn, debt_gdp_dev_pp=0.0, deficit_gdp_dev_pp=0.0,
                exp_short_dev=0.0, baseline_yields=0.0, distrust_shock=0.0,
                dt_months: float = 1.0) -> MarketOut:
    """Advance the market by one step (``dt_months``, 1 = a month); updates ``ms`` in place."""
    n = ms.stock_dev_bn.shape[0]
    if dt_months <= 0:
        raise BadInput("step must be > 0 months", field="dt_months", got=dt_months, fix="use 1 for monthly steps")
    gdp = _n(gdp_bn, n)
    if np.any(gdp <= 0):
        raise BadInput("GDP must be > 0", field="gdp_bn", got=float(gdp.min()), fix="give nominal GDP in USD bn")
    # 1. backstop purchases decided in an earlier step
    fed = np.minimum(ms.backstop_rate_bn * dt_months, ms.backstop_left_bn)
    ms.backstop_left_bn = ms.backstop_left_bn - fed
    # 2. transitory part from the surprise flow
    sur = _n(surprise_flow_bn, n)
    exp_ = _n(expected_flow_bn, n)
    flow = sur + mp.announced_surprise_share * exp_ - fed
    decay = mp.flow_decay ** dt_months
    ms.tp_temp = decay * ms.tp_temp + BP * flow_impact_bp(mp, flow, dt_months)
    # 3. permanent part from the expected stock
    ms.stock_dev_bn = ms.stock_dev_bn + sur + exp_ - fed
    expected_stock = ms.stock_dev_bn + _n(announced_future_bn, n)
    tp_perm = BP * mp.stock_bp_per_pp_gdp * (100.0 * expected_stock / gdp)[:, None]
    # 4. fiscal premium
    fiscal = BP * (mp.fiscal_bp_per_pp_debt * _n(debt_gdp_dev_pp, n)[:, None]
                   + mp.fiscal_bp_per_pp_deficit * _n(deficit_gdp_dev_pp, n)[:, None])
    # 5. trust
    rec = 1.0 - (1.0 - mp.trust_recovery) ** dt_months
    ms.trust = np.clip(ms.trust + rec * (1.0 - ms.trust) - _n(distrust_shock, n), 0.0, 1.0)
    trust_term = BP * mp.trust_bp * (1.0 - ms.trust)[:, None]
    # 6. yields
    dev = np.asarray(exp_short_dev, dtype=float) + tp_perm + ms.tp_temp + fiscal + trust_term
    dev = np.broadcast_to(dev, (n, 5))
    yields = np.asarray(baseline_yields, dtype=float) + dev
    # 7. volatility and the backstop trigger for the next step
    dy10 = dev[:, I10] - ms.y10_dev_prev
    ms.vol_bp = mp.vol_memory * ms.vol_bp + (1.0 - mp.vol_memory) * np.abs(dy10) / BP
    if mp.backstop_on and mp.backstop_size_bn > 0:
        # the trigger is the flow-driven (transitory) part of the 10y: market dysfunction, not a fiscal
        # or policy repricing, and independent of the step length
        fire = (ms.tp_temp[:, I10] / BP > mp.backstop_trigger_bp) & (ms.backstop_fired < 0)
        if np.any(fire):
            ms.backstop_left_bn = np.where(fire, mp.backstop_size_bn, ms.backstop_left_bn)
            ms.backstop_rate_bn = np.where(fire, mp.backstop_size_bn / mp.backstop_months, ms.backstop_rate_bn)
            ms.backstop_fired = np.where(fire, ms.t, ms.backstop_fired)
    ms.y10_dev_prev = dev[:, I10].copy()
    ms.t += 1
    return MarketOut(yields=yields, dev=dev, tp_perm=tp_perm, tp_temp=ms.tp_temp.copy(), fiscal=fiscal,
                     trust_term=trust_term, fed_purchases_bn=fed, vol_bp=ms.vol_bp.copy(), trust=ms.trust.copy())


def clear_market(holdings, sales, absorber, fed_index: int = -1, fed_purchases_bn=0.0,
                 new_supply_bn=0.0) -> ClearOut:
    """Settle one step's trades so that every dollar sold is bought by someone.

    ``sales[N, A]`` (+ sold, - bought) are executed first (sales capped at holdings), the Fed buys
    ``fed_purchases_bn``, new supply is issued, and the residual is absorbed by the ``absorber``
    agents in proportion to their holdings. If buyers (and redemptions, negative supply) want more
    than the absorbers can sell, they are scaled back pro rata. Returns the new holdings.
    """
    h = np.asarray(holdings, dtype=float)
    n, a = h.shape
    s = np.asarray(sales, dtype=float)
    absorber = np.asarray(absorber, dtype=bool)
    fed = _n(fed_purchases_bn, n)
    supply = _n(new_supply_bn, n)
    if np.any(fed < 0):
        raise BadInput("Fed purchases must be >= 0", field="fed_purchases_bn", got=float(fed.min()),
                       fix="sales by the Fed are agent sales, not backstop purchases")
    if np.any(fed > 0) and fed_index < 0:
        raise BadInput("Fed purchases need a Fed agent", field="fed_index", got=fed_index,
                       fix="include the 'Fed SOMA' sector among the holders")
    ones = np.ones(a)
    absf = absorber.astype(float)
    pos = np.maximum(s, 0.0)
    sold = np.minimum(pos, h)
    buy = pos - s                      # = max(-s, 0)
    redeem = np.maximum(-supply, 0.0)
    issue = np.maximum(supply, 0.0)
    h1 = h - sold
    sold_tot = sold @ ones             # row sums as matmuls: faster than sum(axis=1) on narrow rows
    buy_tot = buy @ ones
    demand = buy_tot + fed + redeem
    offer = sold_tot + issue + h1 @ absf
    # scale every buyer (and redemptions) back if they want more than can be sold to them
    f = np.ones(n)
    np.divide(offer, demand, out=f, where=demand > offer)
    f = np.minimum(f, 1.0)
    if np.any(f < 1.0):
        buy = buy * f[:, None]
        buy_tot = buy_tot * f
        fed = fed * f
        redeem = redeem * f
    h1 += buy
    if fed_index >= 0:
        h1[:, fed_index] += fed
    resid = sold_tot + issue - redeem - buy_tot - fed
    # absorbers take the residual in proportion to their holdings (equal split if they hold nothing)
    tot = h1 @ absf
    # weights first (each in [0, 1]) so that tiny totals cannot overflow the division
    w = np.divide(h1 * absf, tot[:, None], out=np.zeros_like(h1), where=tot[:, None] > 0)
    delta = w * resid[:, None]
    empty = tot <= 0
    if np.any(empty):
        delta[empty] = resid[empty, None] * absf / max(absf.sum(), 1.0)
    h2 = h1 + delta
    np.maximum(h2, 0.0, out=h2)        # only rounding can make this bite (|resid| <= absorbers' holdings)
    bought = buy + np.maximum(delta, 0.0)
    if fed_index >= 0:
        bought[:, fed_index] += fed
    return ClearOut(holdings=h2, bought=bought, fed_bought=fed, supply=issue - redeem)


def flows_for_market(absorber, flows) -> tuple[np.ndarray, np.ndarray]:
    """Sum a :class:`~treasurylab.model.holders.HoldersFlows` over the price-insensitive agents.

    Returns (surprise_bn (N,), expected_bn (N,)): the flows that price-sensitive investors must
    absorb, as deviations from the baseline (baseline programme sales carry no price effect).
    """
    insens = ~np.asarray(absorber, dtype=bool)
    return flows.surprise[:, insens].sum(axis=1), flows.expected[:, insens].sum(axis=1)


def announced_future(schedule, t: int, horizon_months: float) -> np.ndarray:
    """Known sales still to come after step t within the horizon: sum(schedule[..., t+1 : t+1+H])."""
    sch = np.asarray(schedule, dtype=float)
    h = round(horizon_months)
    return sch[..., t + 1: t + 1 + h].sum(axis=-1)


def run_market_path(mp: MarketParams, gdp_bn: float, steps: int, *, surprise_flow_bn=None,
                    expected_flow_bn=None, announced=False, debt_gdp_dev_pp=None,
                    baseline_yields=0.0, dt_months: float = 1.0, n_paths: int = 1) -> dict:
    """Run the market alone for ``steps`` steps on given flow schedules ((T,) arrays, USD bn).

    ``announced=True`` makes ``expected_flow_bn`` known from step 0 (priced through the expected
    stock within the expectation horizon). Returns arrays shaped (T, N, 5) for 'dev', 'tp_perm',
    'tp_temp', 'fiscal', 'yields' and (T, N) for 'fed'. Used by calibration targets and docs.
    """
    z = np.zeros(steps)
    sur = z if surprise_flow_bn is None else np.asarray(surprise_flow_bn, dtype=float)
    exp_ = z if expected_flow_bn is None else np.asarray(expected_flow_bn, dtype=float)
    dgd = z if debt_gdp_dev_pp is None else np.asarray(debt_gdp_dev_pp, dtype=float)
    ms = init_market(mp, n_paths)
    keys = ("dev", "tp_perm", "tp_temp", "fiscal", "yields")
    out = {k: np.zeros((steps, n_paths, 5)) for k in keys}
    out["fed"] = np.zeros((steps, n_paths))
    horizon = mp.expectation_horizon_months / dt_months
    for t in range(steps):
        fut = announced_future(exp_, t, horizon) if announced else 0.0
        o = market_step(mp, ms, surprise_flow_bn=sur[t], expected_flow_bn=exp_[t], announced_future_bn=fut,
                        gdp_bn=gdp_bn, debt_gdp_dev_pp=dgd[t], baseline_yields=baseline_yields,
                        dt_months=dt_months)
        for k in keys:
            out[k][t] = getattr(o, k)
        out["fed"][t] = o.fed_purchases_bn
    return out


def run_holders_market(spec, mp: MarketParams, n_paths: int, months: int, rng: np.random.Generator, *,
                       gdp_bn: float, threat=None, named_sales=None, record: bool = True) -> dict:
    """Reference month loop of the holders and market blocks alone (the call order the runner uses).

    ``threat`` (months,) and ``named_sales`` (months, A) are optional schedules. Per month:
    holders decide (signal from last month's yield volatility) -> market prices the flows ->
    the market clears (holdings updated). Returns (months, N, ...) arrays when ``record``.
    """
    from treasurylab.model.holders import holders_step, init_holders

    hs = init_holders(spec, n_paths, rng)
    ms = init_market(mp, n_paths)
    absorber = spec.absorber
    insens = ~absorber
    fed_index = spec.fed_index
    memb = spec.membership()
    rec = {"y10": np.zeros((months, n_paths)), "sales": np.zeros((months, n_paths)),
           "active": np.zeros((months, n_paths))} if record else {}
    for t in range(months):
        fl = holders_step(spec, hs, t, yield_vol_bp=ms.vol_bp,
                          threat=0.0 if threat is None else threat[t],
                          named_sales=None if named_sales is None else named_sales[t], rng=rng,
                          _membership=memb)
        sur = fl.surprise[:, insens].sum(axis=1)
        exp_ = fl.expected[:, insens].sum(axis=1)
        out = market_step(mp, ms, surprise_flow_bn=sur, expected_flow_bn=exp_, gdp_bn=gdp_bn)
        clr = clear_market(hs.holdings, fl.sales, absorber, fed_index, out.fed_purchases_bn)
        hs.holdings = clr.holdings
        if record:
            rec["y10"][t] = out.dev[:, I10]
            rec["sales"][t] = fl.sales[:, insens].sum(axis=1)
            rec["active"][t] = fl.active.sum(axis=1)
    rec["holders"] = hs
    rec["market"] = ms
    return rec
