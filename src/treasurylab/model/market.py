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

    F_t       = u_t + a * expected_t - fed_t                         (a: share of announced flow that
                                                                       still surprises; Vissing-Jorgensen 2021)
    pace_t    = F_t / dt                                             (USD bn per month)
    tp_temp_k = rho**dt * tp_temp_k + dt * A_k * sign(pace) * (1 - exp(-|pace| / D))

Unannounced selling that goes on becomes *expected* (a known programme is no longer a surprise):
the market keeps an adaptive expectation e of the pace of unannounced flows (foreign official
custody holdings are published weekly in H.4.1 and TIC monthly, so a sustained pace is seen), and
only the part of this step's unannounced flow beyond that pace moves the transitory premium::

    p_t  = surprise_t / dt                                           (unannounced pace, USD bn a month)
    u_t  = surprise_t - dt * clip(e_{t-1}, min(0, p_t), max(0, p_t)) (the part not already expected)
    e_t  = e_{t-1} + (1 - (1 - kappa)**dt) (p_t - e_{t-1})           (kappa: learning per month)

The expected part is counted once, where it belongs: every dollar sold still enters the stock S
(the permanent premium) when it is sold. A shortfall against the expected pace is no rally (nothing
of it was priced in advance in the transitory premium), and a one-off sale is a full surprise
(e = 0 before it), so the Beltran impact and 12-month effect are unchanged. Without learning
(kappa = 0) a constant pace p would pile up to A (1 - exp(-p/D)) / (1 - rho), 13 months of impact
(~500 bp at $80bn a month); with it the transitory premium of a constant pace peaks and decays to
zero while the stock premium carries the sold stock.

Fiscal risk premium (CBO 2019: 2-3 bp per pp of debt/GDP; Laubach 2009 for deficits)::

    fp_k = phi_debt_k * d(debt/GDP projected, pp) + phi_def_k * d(deficit/GDP projected, pp)

Trust (Krishnamurthy & Vissing-Jorgensen 2012 convenience yield as the scale)::

    trust_t = clip(trust_{t-1} + (1 - (1 - r)**dt) (1 - trust_{t-1}) - distrust_shock_t, 0, 1)
    trust_k = psi_k * (1 - trust_t)

psi_k: 73 bp at the 10-year, shaped by tenor as the curve moved over the April 2025 "Sell America"
days (params/trust_estimate.py: most at the long end, little at the 3-month).

Fed backstop (a state-contingent policy; :func:`backstop_purchases`, :func:`backstop_update`).
The trigger looks at the flow-driven part of the 10-year only (``tp_temp``: dysfunction caused by
selling, not a fiscal or policy repricing). With x = tp_temp_10y in bp::

    episode opens   at the end of a step where x > trigger_bp and no episode is open
                    (cap_left = size_bn: the cap per episode; purchases start the next step)
    while open      the Fed buys what brings x back down to exit_bp this step, within its pace
                    and what is left of the cap:
                      F_t = clip(flow_t - I10^-1(exit - rho^dt x_{t-1}), 0, min(pace * 21 dt, cap_left))
                    (flow_t = this step's surprise flow before the Fed; I10^-1 inverts the 10y
                    transitory impact; if exit cannot be reached in one step the Fed buys at full pace)
    episode closes  once x has stayed <= exit_bp without purchases for rearm_months in a row
                    (or at once if the backstop is switched off); the next episode
                    (a new trigger crossing) gets a fresh cap

so purchases scale with the stress (a small dislocation costs a few $bn, a sustained exit the cap),
the premium is never pushed below the exit level, and a second stress after calm can be met again.
Purchases are a negative surprise flow and reduce S. ``MarketState.backstop_fired`` records the step
of the first opening, ``backstop_open`` and ``backstop_left_bn`` the current episode.

Unwind (:func:`backstop_unwind`): the backstop's holdings ``H`` (bought, not yet sold back) are sold
back in equal amounts of ``u * H_last`` a month (u = ``backstop_unwind_per_month``, H_last the
holdings after the last purchase; the Bank of England's 2022 gilt purchases were sold back in about
1.5 months, u = 0.69; u = 0 keeps them for ever, as the Fed kept its 2020 purchases), starting once
the premium has been calm (at or below the exit level, no purchases) for ``backstop_unwind_delay_months``
since the last purchase (the Bank's first sale came 1.5 months after its last purchase), or when the
episode closes if that comes first. A purchase stops the sales and restarts the count. The sales are
demand-led (the Bank sold only what its reverse enquiry windows were asked for): a month's sale never
pushes the flow-driven 10y premium above the exit level::

    sold_t = clip(min(u * H_last * dt, room_t), 0, H_{t-1})    on paths where the sales are due
    room_t = (I10^-1(exit - rho^dt x_{t-1}) - flow_t) / a       (what the market takes; flow_t after the Fed)
    H_t    = H_{t-1} + fed_t - sold_t

The sales are an announced programme (the Bank of England published its unwind before selling):
when they are due, what is still to be sold within the expectation horizon is priced at once in the
expected stock, like any announced sale; ``sold_t`` enters the stock S when sold and the transitory
flow with the announced share a. The runner sells ``sold_t`` from the Fed's holdings through
:func:`clear_market` (the absorbers buy it), then hands back what the clearing did
(:func:`backstop_settle`): if buyers were scaled back, F_t above is what the Fed actually bought, so
the cap, the holdings H, the unwind and the stock S count only that.

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
        -> MarketOut(yields, dev, tp_perm, tp_temp, fiscal, trust_term, fed_purchases_bn, vol_bp, trust,
                     fed_sales_bn)
    sales, sold = with_fed_sales(flows.sales, holdings, fed_index, out.fed_sales_bn)   # the unwind, if any
    clr   = clear_market(holdings, sales, absorber, fed_index, out.fed_purchases_bn, new_supply_bn)
        -> ClearOut(holdings, bought, fed_bought, supply)
    backstop_settle(mp, ms, out, clr.fed_bought, sold)   # the state takes what the clearing did

    flows_for_market(spec.absorber, flows) -> (surprise_bn (N,), expected_bn (N,)) from a HoldersFlows
    announced_future(schedule, t, horizon_months) -> known excess sales after step t (USD bn)
    run_holders_market(spec, mp, N, T, rng, gdp_bn=...) -> reference loop of holders + market
    run_market_path(mp, gdp_bn, T, surprise_flow_bn=..., ...) -> dict of arrays (T, N, 5) (for targets)

``TENORS = ("3m", "2y", "5y", "10y", "30y")``; index 2 is the 5-year, 3 the 10-year.

Layout: ``market_step`` computes its per-tenor arrays tenor-major, as (5, N) blocks (an outer
product of a (5,) parameter with an (N,) path vector runs ~3x faster along the contiguous path
axis), and ``MarketOut`` holds their (N, 5) transposed views (Fortran-ordered, same numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.compiled import kernel

TENORS = ("3m", "2y", "5y", "10y", "30y")
TENOR_YEARS = np.array([0.25, 2.0, 5.0, 10.0, 30.0])
I5, I10 = 2, 3
BP = 1e-4
TRADING_DAYS_PER_MONTH = 21.0   # converts the backstop's daily pace into a monthly one


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
    backstop_trigger_bp: float = 50.0
    backstop_size_bn: float = 1000.0       # cap per episode, USD bn
    backstop_exit_bp: float = 25.0         # purchases hold tp_temp_10y at or below this level
    backstop_pace_bn_per_day: float = 75.0  # most the Fed buys per trading day
    backstop_rearm_months: float = 3.0     # calm months (x <= exit) that close an episode
    backstop_unwind_per_month: float = 0.0  # u: share of the holdings when sales start sold back a month
    backstop_unwind_delay_months: float = 0.0  # months from the last purchase to the first sale back
    vol_memory: float = 0.5
    expectation_horizon_months: float = 24.0
    flow_learning: float = 0.0             # kappa per month (0 = every unannounced flow is a surprise)

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
            backstop_exit_bp=float(ps["backstop_exit_bp"]),
            backstop_pace_bn_per_day=float(ps["backstop_pace_bn_per_day"]),
            backstop_rearm_months=float(ps["backstop_rearm_months"]),
            backstop_unwind_per_month=float(ps["backstop_unwind_per_month"]),
            backstop_unwind_delay_months=float(ps["backstop_unwind_delay_months"]),
            vol_memory=float(ps["vol_memory"]),
            expectation_horizon_months=float(ps["expectation_horizon_months"]),
            flow_learning=float(ps["flow_learning_per_month"]),
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
        if self.backstop_size_bn < 0 or self.backstop_pace_bn_per_day <= 0:
            raise BadInput("backstop needs a cap >= 0 and a pace > 0", field="market.backstop_size_bn/pace_bn_per_day",
                           got=(self.backstop_size_bn, self.backstop_pace_bn_per_day),
                           fix="e.g. a cap of 1000 (USD bn per episode) at 75 (USD bn per trading day)")
        if not 0 <= self.backstop_exit_bp <= self.backstop_trigger_bp:
            raise BadInput("exit level must be in [0, trigger]", field="market.backstop_exit_bp",
                           got=self.backstop_exit_bp,
                           fix=f"give a level between 0 and backstop_trigger_bp ({self.backstop_trigger_bp:g} bp)")
        if self.backstop_rearm_months < 0:
            raise BadInput("must be >= 0", field="market.backstop_rearm_months", got=self.backstop_rearm_months,
                           fix="months of calm before the backstop can fire again, e.g. 3")
        if not 0 <= self.backstop_unwind_per_month <= 1:
            raise BadInput("must be in [0, 1]", field="market.backstop_unwind_per_month",
                           got=self.backstop_unwind_per_month,
                           fix="share of the backstop's holdings sold back a month after an episode closes, "
                               "e.g. 0.69 (Bank of England 2022), 0 to keep them")
        if not 0 <= self.backstop_unwind_delay_months < np.inf:
            raise BadInput("must be >= 0", field="market.backstop_unwind_delay_months",
                           got=self.backstop_unwind_delay_months,
                           fix="months from the backstop's last purchase to its first sale back, e.g. 1.5 "
                               "(Bank of England 2022)")
        if not 0 <= self.flow_learning <= 1:
            raise BadInput("must be in [0, 1]", field="market.flow_learning_per_month", got=self.flow_learning,
                           fix="monthly share of the gap between the observed and the expected selling pace "
                               "that the market learns, e.g. 0.3")
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
    backstop_left_bn: np.ndarray  # (N,) USD bn left of the open episode's cap
    backstop_open: np.ndarray    # (N,) bool: an episode is open (the Fed leans against the premium)
    backstop_calm: np.ndarray    # (N,) months in a row with tp_temp_10y <= exit without purchases
    backstop_buying: np.ndarray  # (N,) bool: the Fed bought in the current step
    backstop_fired: np.ndarray   # (N,) int: step the backstop fired first, -1 never
    flow_expected_bn: np.ndarray | None = None  # (N,) expected pace of unannounced flows, USD bn a month
    backstop_held_bn: np.ndarray | None = None  # (N,) bought by the backstop and not yet sold back, USD bn
    backstop_unwind_bn: np.ndarray | None = None  # (N,) sold back a month once closed (u * holdings at close)
    step_flow_bn: np.ndarray | None = None  # (N,) this step's net surprise flow (after the Fed), USD bn
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
    fed_sales_bn: np.ndarray | float = 0.0  # (N,) backstop holdings sold back this step (0.0: none anywhere)


class ClearOut:
    """The settled step: ``holdings`` (N, A) after trading, ``bought`` (N, A) purchases (explicit +
    absorbed, USD bn), ``fed_bought`` (N,) bought by the Fed backstop (after any scaling) and
    ``supply`` (N,) net new supply actually placed. ``bought`` is built on first access: the monthly
    loop of the coupled run never reads it, and building it is a full (N, A) pass."""

    def __init__(self, holdings: np.ndarray, bought, fed_bought: np.ndarray, supply: np.ndarray) -> None:
        self.holdings = holdings
        self._bought = bought          # an array, or a function that builds it
        self.fed_bought = fed_bought
        self.supply = supply

    @property
    def bought(self) -> np.ndarray:
        if callable(self._bought):
            self._bought = self._bought()
        return self._bought


def init_market(mp: MarketParams, n_paths: int, trust0: float = 1.0) -> MarketState:
    if n_paths < 1:
        raise BadInput("need at least one path", field="paths", got=n_paths, fix="give paths >= 1")
    z = np.zeros(n_paths)
    return MarketState(tp_temp=np.zeros((5, n_paths)).T, stock_dev_bn=z.copy(),   # tenor-major (see market_step)
                       trust=np.full(n_paths, float(trust0)), y10_dev_prev=z.copy(), vol_bp=z.copy(),
                       backstop_left_bn=z.copy(), backstop_open=np.zeros(n_paths, dtype=bool),
                       backstop_calm=z.copy(), backstop_buying=np.zeros(n_paths, dtype=bool),
                       backstop_fired=np.full(n_paths, -1, dtype=np.int64), flow_expected_bn=z.copy(),
                       backstop_held_bn=z.copy(), backstop_unwind_bn=z.copy())


def _n(x, n: int) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    return np.full(n, float(a)) if a.ndim == 0 else a.reshape(n)


def flow_impact_bp(mp: MarketParams, flow_bn, dt_months: float = 1.0) -> np.ndarray:
    """Transitory impact (bp, shape (..., 5)) of a net surprise flow over one step of dt months."""
    f = np.asarray(flow_bn, dtype=float)[..., None]
    pace = f / dt_months
    return dt_months * mp.flow_amplitude_bp * np.sign(pace) * (-np.expm1(-np.abs(pace) / mp.flow_depth_bn))


def _impact_t(mp: MarketParams, flow: np.ndarray, dt_months: float) -> np.ndarray:
    """:func:`flow_impact_bp` of a 1-D flow (N,), tenor-major (5, N): the same numbers.

    The sign is exact (+-1 or 0), so A_k * sign * m equals A_k * (sign * m) bit for bit; the
    outer product then runs along the contiguous path axis.
    """
    pace = flow / dt_months
    m = np.sign(pace) * (-np.expm1(-np.abs(pace) / mp.flow_depth_bn))
    return (dt_months * mp.flow_amplitude_bp)[:, None] * m


def _tenor_major(x, n: int, name: str):
    """A (N, 5) / (5,) / scalar input as something that broadcasts against (5, N): no copy."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return a
    if a.shape == (n, 5):
        return a.T
    if a.shape == (5,):
        return a[:, None]
    try:
        return np.broadcast_to(a, (n, 5)).T
    except ValueError:
        raise BadInput(f"must be a scalar, (5,) or ({n}, 5)", field=name, got=a.shape,
                       fix="one value per tenor (3m, 2y, 5y, 10y, 30y), optionally per path") from None


def market_step(mp: MarketParams, ms: MarketState, *, surprise_flow_bn=0.0, expected_flow_bn=0.0,
                announced_future_bn=0.0, gdp_bn, debt_gdp_dev_pp=0.0, deficit_gdp_dev_pp=0.0,
                exp_short_dev=0.0, baseline_yields=0.0, distrust_shock=0.0,
                dt_months: float = 1.0) -> MarketOut:
    """Advance the market by one step (``dt_months``, 1 = a month); updates ``ms`` in place.

    The (N, 5) arrays are computed tenor-major, as (5, N) blocks (an outer product along the
    contiguous path axis is several times faster than one along 5 tenors), and returned as their
    (N, 5) transposed views: the same numbers, Fortran-ordered. Each row ``[:, k]`` is contiguous.
    """
    n = ms.stock_dev_bn.shape[0]
    if dt_months <= 0:
        raise BadInput("step must be > 0 months", field="dt_months", got=dt_months, fix="use 1 for monthly steps")
    gdp = _n(gdp_bn, n)
    if (gdp <= 0).any():
        raise BadInput("GDP must be > 0", field="gdp_bn", got=float(gdp.min()), fix="give nominal GDP in USD bn")
    sur = _n(surprise_flow_bn, n)
    exp_ = _n(expected_flow_bn, n)
    decay = mp.flow_decay ** dt_months
    # 0. the part of the unannounced flow the market already expects (a sustained pace it has seen)
    unexp = sur
    if mp.flow_learning > 0.0:
        if ms.flow_expected_bn is None:
            ms.flow_expected_bn = np.zeros(n)
        e = ms.flow_expected_bn
        pace = sur / dt_months
        if (e != 0.0).any():
            # np.clip(e, lo, hi) is minimum(maximum(e, lo), hi): the ufuncs directly, without its wrapper
            unexp = sur - dt_months * np.minimum(np.maximum(e, np.minimum(pace, 0.0)), np.maximum(pace, 0.0))
        ms.flow_expected_bn = e + (1.0 - (1.0 - mp.flow_learning) ** dt_months) * (pace - e)
    # 1. backstop purchases of an episode opened in an earlier step
    flow = unexp + mp.announced_surprise_share * exp_
    fed = backstop_purchases(mp, ms, flow, decay, dt_months)
    flow = flow - fed
    # 1b. sales back of a closed episode's holdings (an announced programme: the announced share surprises)
    sold, unwind_future = backstop_unwind(mp, ms, fed, dt_months, flow, decay)
    if unwind_future is not None:
        flow = flow + mp.announced_surprise_share * sold
    ms.step_flow_bn = flow             # backstop_settle reprices it if the clearing scales the Fed back
    # 2. transitory part from the surprise flow (tenor-major (5, N) from here on)
    tp_prev = ms.tp_temp.T
    if not tp_prev.flags.c_contiguous:
        tp_prev = np.ascontiguousarray(tp_prev)
    impact = _impact_t(mp, flow, dt_months)
    impact *= BP
    tp_temp = decay * tp_prev
    tp_temp += impact
    ms.tp_temp = tp_temp.T
    # 3. permanent part from the expected stock
    ms.stock_dev_bn = ms.stock_dev_bn + sur + exp_ - fed
    expected_stock = ms.stock_dev_bn + _n(announced_future_bn, n)
    if unwind_future is not None:
        ms.stock_dev_bn += sold
        expected_stock += sold + unwind_future
    tp_perm = (BP * mp.stock_bp_per_pp_gdp)[:, None] * (100.0 * expected_stock / gdp)
    # 4. fiscal premium
    fiscal = mp.fiscal_bp_per_pp_debt[:, None] * _n(debt_gdp_dev_pp, n)
    fiscal += mp.fiscal_bp_per_pp_deficit[:, None] * _n(deficit_gdp_dev_pp, n)
    fiscal *= BP
    # 5. trust
    rec = 1.0 - (1.0 - mp.trust_recovery) ** dt_months
    trust = ms.trust + rec * (1.0 - ms.trust) - _n(distrust_shock, n)
    ms.trust = np.minimum(np.maximum(trust, 0.0, out=trust), 1.0, out=trust)     # clip to [0, 1]
    trust_term = (BP * mp.trust_bp)[:, None] * (1.0 - ms.trust)
    # 6. yields
    dev = _tenor_major(exp_short_dev, n, "exp_short_dev") + tp_perm
    dev += tp_temp
    dev += fiscal
    dev += trust_term
    yields = _tenor_major(baseline_yields, n, "baseline_yields") + dev
    # 7. volatility and the backstop trigger for the next step
    dy10 = dev[I10] - ms.y10_dev_prev
    ms.vol_bp = mp.vol_memory * ms.vol_bp + (1.0 - mp.vol_memory) * np.abs(dy10) / BP
    backstop_update(mp, ms, dt_months)
    ms.y10_dev_prev = dev[I10].copy()
    ms.t += 1
    return MarketOut(yields=yields.T, dev=dev.T, tp_perm=tp_perm.T, tp_temp=tp_temp.T.copy(order="K"),
                     fiscal=fiscal.T, trust_term=trust_term.T, fed_purchases_bn=fed, vol_bp=ms.vol_bp.copy(),
                     trust=ms.trust.copy(), fed_sales_bn=sold)


def _inverse_impact10(mp: MarketParams, x_bp, dt_months: float) -> np.ndarray:
    """The net surprise flow (USD bn) whose 10y transitory impact over one step is ``x_bp``.

    Inverts dt A (1 - exp(-|g/dt|/D)) sign(g); |x| must be < dt * A_10y (the saturation).
    """
    u = np.asarray(x_bp, dtype=float) / (dt_months * mp.flow_amplitude_bp[I10])
    return np.sign(u) * dt_months * mp.flow_depth_bn * -np.log1p(-np.abs(u))


def backstop_purchases(mp: MarketParams, ms: MarketState, flow_bn, decay: float, dt_months: float) -> np.ndarray:
    """This step's Fed purchases (N,), USD bn, on paths with an open episode; updates the cap left.

    The Fed buys what brings the flow-driven 10y premium down to ``backstop_exit_bp`` given this
    step's surprise flow ``flow_bn`` (before the Fed) and the decay of the premium, within its pace
    (``backstop_pace_bn_per_day`` x 21 trading days a month x dt) and the cap left; it never buys to
    push the premium below the exit level.
    """
    n = flow_bn.shape[0]
    if not (mp.backstop_on and ms.backstop_open.any()):
        ms.backstop_buying = np.zeros(n, dtype=bool)
        return np.zeros(n)
    cap = np.minimum(mp.backstop_pace_bn_per_day * TRADING_DAYS_PER_MONTH * dt_months, ms.backstop_left_bn)
    x = mp.backstop_exit_bp - decay * ms.tp_temp[:, I10] / BP      # change that lands on the exit level
    sat = dt_months * mp.flow_amplitude_bp[I10]
    reach = x > -sat * (1.0 - 1e-12)
    g = _inverse_impact10(mp, np.where(reach, np.minimum(x, sat * (1.0 - 1e-12)), 0.0), dt_months)
    need = np.where(reach, flow_bn - g, np.inf)
    fed = np.where(ms.backstop_open, np.clip(need, 0.0, cap), 0.0)
    ms.backstop_left_bn = ms.backstop_left_bn - fed
    ms.backstop_buying = fed > 1e-9
    return fed


def backstop_unwind(mp: MarketParams, ms: MarketState, fed: np.ndarray, dt_months: float, flow=None,
                    decay: float = 1.0):
    """Book this step's purchases ``fed`` and sell back what the backstop holds (USD bn).

    Sales run on paths whose episode has closed, or that have been calm (premium at or below the exit
    level, no purchases) for ``backstop_unwind_delay_months`` since the last purchase, and never in a
    step with purchases; each month u times the holdings after the last purchase (nothing is sold
    between the last purchase and the first sale, so these are the holdings when sales start). The
    sales are demand-led: given this step's net surprise flow ``flow`` (after the Fed's purchases)
    the Fed sells no more than keeps the flow-driven 10y premium at or below the exit level (what
    is not sold waits for a later month). Returns (sold (N,), still to be sold within the expectation
    horizon after this step (N,)), or (0.0, None) when the backstop holds nothing on any path.
    """
    if ms.backstop_held_bn is None:
        ms.backstop_held_bn = np.zeros(fed.shape[0])
        ms.backstop_unwind_bn = np.zeros(fed.shape[0])
    held = ms.backstop_held_bn
    buying = ms.backstop_buying
    if buying.any():
        held = held + fed
        ms.backstop_unwind_bn = np.where(buying, mp.backstop_unwind_per_month * held, ms.backstop_unwind_bn)
    elif not held.any():
        return 0.0, None
    calm = ms.backstop_calm            # calm months up to the last step (backstop_update counts them)
    due = ~ms.backstop_open | ((calm > 0) & (calm + dt_months >= mp.backstop_unwind_delay_months - 1e-9))
    due &= ~buying
    pace = np.where(due, ms.backstop_unwind_bn, 0.0)
    sold = np.minimum(pace * dt_months, held)
    if flow is not None and mp.announced_surprise_share > 0 and sold.any():
        # demand-led: the net flow that lands the 10y transitory premium on the exit level, less this
        # step's flow, is what the market takes; the announced share a of a sale is its surprise part
        sat = dt_months * mp.flow_amplitude_bp[I10] * (1.0 - 1e-12)
        room_bp = np.clip(mp.backstop_exit_bp - decay * ms.tp_temp[:, I10] / BP, -sat, sat)
        room = (_inverse_impact10(mp, room_bp, dt_months) - flow) / mp.announced_surprise_share
        sold = np.minimum(sold, np.maximum(room, 0.0))
    held = held - sold
    held[held < 1e-9] = 0.0            # a remainder of rounding is no holding
    ms.backstop_held_bn = held
    # the sales are announced when they are due (not at the purchase): the rest within the horizon is priced
    future = np.minimum(held, pace * mp.expectation_horizon_months)
    return sold, future


def backstop_settle(mp: MarketParams, ms: MarketState, out: MarketOut, fed_bought, fed_sold=0.0,
                    dt_months: float = 1.0) -> None:
    """Make the market state agree with the clearing: what the Fed actually bought and sold back.

    :func:`market_step` prices the purchases the backstop wants (``out.fed_purchases_bn``) and the
    sales back it plans (``out.fed_sales_bn``); :func:`clear_market` scales the Fed's purchases back
    with every other buyer's when they want more than can be sold to them (``ClearOut.fed_bought``),
    and :func:`with_fed_sales` caps the sales back at what the Fed agent holds. The runner calls this
    after the clearing with what was done, so that from the next step on the state carries it: the
    shortfall of purchases F - F' stays in the episode's cap and out of the backstop's holdings (the
    unwind sells back only what was bought), the price-sensitive investors keep it in the stock S,
    and the transitory premium is repriced on the flow that did hit the market (the step's net flow
    plus the shortfall, less the announced share of the sales not made). This step's yields stay as
    priced: the market priced the purchases it expected. Nothing to do in the usual month.
    """
    sales_planned = isinstance(out.fed_sales_bn, np.ndarray)
    if not (ms.backstop_buying.any() or sales_planned):
        return
    short_buy = out.fed_purchases_bn - _n(fed_bought, out.fed_purchases_bn.shape[0])
    short_sell = out.fed_sales_bn - fed_sold if sales_planned else 0.0
    if not (np.any(short_buy > 1e-12) or np.any(short_sell > 1e-12)):
        return
    short_buy = np.maximum(short_buy, 0.0)
    short_sell = np.maximum(short_sell, 0.0)
    ms.backstop_left_bn = ms.backstop_left_bn + short_buy
    if ms.backstop_held_bn is not None:
        held = ms.backstop_held_bn - short_buy + short_sell
        held[held < 1e-9] = 0.0        # a remainder of rounding is no holding
        ms.backstop_held_bn = held
    ms.stock_dev_bn = ms.stock_dev_bn + short_buy - short_sell
    planned = ms.step_flow_bn
    done = planned + short_buy - mp.announced_surprise_share * short_sell
    tp = ms.tp_temp.T + BP * (_impact_t(mp, done, dt_months) - _impact_t(mp, planned, dt_months))
    ms.tp_temp = tp.T
    ms.step_flow_bn = done
    ms.backstop_buying = ms.backstop_buying & (out.fed_purchases_bn - short_buy > 1e-9)
    if ms.backstop_held_bn is not None:    # the unwind's pace: u times what the purchases left
        ms.backstop_unwind_bn = np.where(short_buy > 0, mp.backstop_unwind_per_month * ms.backstop_held_bn,
                                         ms.backstop_unwind_bn)


def backstop_update(mp: MarketParams, ms: MarketState, dt_months: float) -> None:
    """After the premia of a step: open an episode on a trigger crossing, close one after calm."""
    x = ms.tp_temp[:, I10] / BP
    if ms.backstop_open.any():
        # calm: at or below the exit level on its own (a premium held there by purchases is not calm)
        calm = (x <= mp.backstop_exit_bp + 1e-9) & ~ms.backstop_buying
        ms.backstop_calm = np.where(ms.backstop_open & calm, ms.backstop_calm + dt_months, 0.0)
        ms.backstop_open = ms.backstop_open & (ms.backstop_calm < mp.backstop_rearm_months - 1e-9) & mp.backstop_on
    else:                              # no episode open anywhere (the usual month): the same result
        ms.backstop_calm = np.zeros(x.shape[0])
    if mp.backstop_on and mp.backstop_size_bn > 0:
        fire = (x > mp.backstop_trigger_bp) & ~ms.backstop_open
        if fire.any():
            ms.backstop_open = ms.backstop_open | fire
            ms.backstop_left_bn = np.where(fire, mp.backstop_size_bn, ms.backstop_left_bn)
            ms.backstop_calm = np.where(fire, 0.0, ms.backstop_calm)
            ms.backstop_fired = np.where(fire & (ms.backstop_fired < 0), ms.t, ms.backstop_fired)


def clear_market(holdings, sales, absorber, fed_index: int = -1, fed_purchases_bn=0.0,
                 new_supply_bn=0.0) -> ClearOut:
    """Settle one step's trades so that every dollar sold is bought by someone.

    ``sales[N, A]`` (+ sold, - bought) are executed first (sales capped at holdings), the Fed buys
    ``fed_purchases_bn``, new supply is issued, and the residual is absorbed by the ``absorber``
    agents in proportion to their holdings. If buyers (and redemptions, negative supply) want more
    than the absorbers can sell, they are scaled back pro rata. Returns the new holdings.

    The arithmetic is :func:`_clear` (compiled). ``ClearOut.bought`` is built on first access by the
    same kernel run again on this step's inputs (the monthly loop never reads it): ``holdings`` and
    ``sales`` must not be changed in place before it is read.
    """
    h = np.ascontiguousarray(holdings, dtype=float)
    n, a = h.shape
    s = np.ascontiguousarray(sales, dtype=float)
    absorber = np.asarray(absorber, dtype=bool)
    fed = _n(fed_purchases_bn, n)
    supply = _n(new_supply_bn, n)
    if (fed < 0).any():
        raise BadInput("Fed purchases must be >= 0", field="fed_purchases_bn", got=float(fed.min()),
                       fix="sales by the Fed are agent sales, not backstop purchases")
    if fed_index < 0 and (fed > 0).any():
        raise BadInput("Fed purchases need a Fed agent", field="fed_index", got=fed_index,
                       fix="include the 'Fed SOMA' sector among the holders")
    if fed_index >= a:
        raise BadInput("no such agent", field="fed_index", got=fed_index, fix=f"give -1 or an agent 0..{a - 1}")
    if s.shape != (n, a) or absorber.shape != (a,):
        raise BadInput(f"must be ({n}, {a}) and ({a},) like the holdings", field="sales/absorber",
                       got=(s.shape, absorber.shape), fix="one column per agent, one row per path")
    ab = _columns(absorber)
    h2 = np.empty((n, a))
    fed_bought = np.empty(n)
    placed = np.empty(n)
    _clear(h, s, ab, fed_index, fed, supply, h2, fed_bought, placed, _NO_BOUGHT)

    def bought() -> np.ndarray:
        b = np.empty((n, a))
        _clear(h, s, ab, fed_index, fed, supply, np.empty((n, a)), np.empty(n), np.empty(n), b)
        return b

    return ClearOut(holdings=h2, bought=bought, fed_bought=fed_bought, supply=placed)


#: ``bought`` for :func:`_clear` when the purchases are not wanted
_NO_BOUGHT = np.empty((0, 0))
_COLUMNS: dict[bytes, np.ndarray] = {}
_ZEROS: dict[tuple[int, ...], np.ndarray] = {}


def cached_zeros(shape: tuple[int, ...]) -> np.ndarray:
    """A read-only array of zeros of this shape (cached): ``np.maximum(x, zeros)`` is the same as
    ``np.maximum(x, 0.0)`` but runs on numpy's vectorised array-array loop, not the scalar one."""
    z = _ZEROS.get(shape)
    if z is None:
        if len(_ZEROS) > 64:
            _ZEROS.clear()
        z = _ZEROS[shape] = np.zeros(shape)
        z.setflags(write=False)
    return z


def _columns(mask: np.ndarray) -> np.ndarray:
    """``np.flatnonzero(mask)`` for a small boolean mask, cached (the same absorbers every month)."""
    key = mask.tobytes()
    cols = _COLUMNS.get(key)
    if cols is None:
        if len(_COLUMNS) > 256:
            _COLUMNS.clear()
        cols = _COLUMNS[key] = np.flatnonzero(mask)
        cols.setflags(write=False)
    return cols


@kernel
def _clear(h, s, ab, fed_index, fed, supply, h2, fed_bought, placed, bought):
    """The clearing of :func:`clear_market`, one path (row) at a time; writes ``h2`` (N, A), the Fed's
    purchases after scaling ``fed_bought`` (N,), the net supply placed ``placed`` (N,) and, when
    ``bought`` is (N, A) rather than empty, the purchases (explicit + absorbed + the Fed's).

    ``ab``: the absorbers' column numbers. Per path, three passes over its row (in cache): the sales
    (capped at holdings) and their totals; the scale of the buyers if they want more than can be
    sold, the purchases and the absorbers' total; the residual shared by the absorbers in proportion
    to their holdings (equally if they hold nothing). A month without explicit buyers (every sale
    >= 0) runs the same loops: its purchases are exact zeros.
    """
    n, a = h.shape
    want_bought = bought.shape[0] > 0
    n_ab = max(ab.shape[0], 1)
    for i in range(n):
        # 1. sales, capped at holdings; explicit purchases (negative sales); totals
        sold_tot = 0.0
        buy_tot = 0.0
        offer_ab = 0.0
        for j in range(a):
            sj = s[i, j]
            pos = sj if (sj >= 0.0 or sj != sj) else 0.0        # np.maximum(s, 0)
            hij = h[i, j]
            sold = pos if (pos <= hij or pos != pos) else hij   # np.minimum(pos, h)
            sold_tot += sold
            buy_tot += pos - sj
            h2[i, j] = hij - sold
        for k in range(ab.shape[0]):
            offer_ab += h2[i, ab[k]]
        sup = supply[i]
        redeem = -sup if -sup >= 0.0 else 0.0
        issue = sup if sup >= 0.0 else 0.0
        fed_i = fed[i]
        # 2. scale every buyer (and redemptions) back if they want more than can be sold to them
        demand = buy_tot + fed_i + redeem
        offer = sold_tot + issue + offer_ab
        f = 1.0
        if demand > offer:
            f = offer / demand
            if f > 1.0:                # np.minimum(f, 1.0), NaN kept
                f = 1.0
        if f < 1.0:
            buy_tot = buy_tot * f
            fed_i = fed_i * f
            redeem = redeem * f
        for j in range(a):
            sj = s[i, j]
            if sj < 0.0:               # an explicit buyer (max(s, 0) - s is 0 for every seller)
                h2[i, j] += (0.0 - sj) * f
        if fed_index >= 0:
            h2[i, fed_index] += fed_i
        resid = sold_tot + issue - redeem - buy_tot - fed_i
        tot = 0.0
        for k in range(ab.shape[0]):
            tot += h2[i, ab[k]]
        # 3. the absorbers take the residual in proportion to their holdings (equal split if they hold
        # nothing); weights first (each in [0, 1]) so that tiny totals cannot overflow the division
        if want_bought:
            for j in range(a):
                sj = s[i, j]
                bought[i, j] = (0.0 - sj) * f if sj < 0.0 else 0.0
        for k in range(ab.shape[0]):
            j = ab[k]
            if tot > 0.0:
                delta = h2[i, j] / tot * resid
            elif tot <= 0.0:
                delta = resid / n_ab
            else:
                delta = 0.0 * resid
            v = h2[i, j] + delta
            # only rounding can make this bite (|resid| <= absorbers' holdings)
            h2[i, j] = v if (v >= 0.0 or v != v) else 0.0
            if want_bought:
                bought[i, j] += delta if (delta >= 0.0 or delta != delta) else 0.0
        if want_bought and fed_index >= 0:
            bought[i, fed_index] += fed_i
        fed_bought[i] = fed_i
        placed[i] = issue - redeem


def with_fed_sales(sales, holdings, fed_index: int, fed_sales_bn):
    """Add the backstop's sales back (``MarketOut.fed_sales_bn``) to the Fed agent's column of ``sales``.

    Returns (sales (N, A), sold (N,) or 0.0): a new array when something is sold (the holders' own
    is left alone), capped at what the Fed holds, so that :func:`clear_market` settles it like any
    other sale (the absorbers buy every dollar).
    """
    if not isinstance(fed_sales_bn, np.ndarray) or fed_index < 0:
        return sales, 0.0
    sold = np.minimum(fed_sales_bn, holdings[:, fed_index])
    sales = np.array(sales, dtype=float)
    sales[:, fed_index] += sold
    return sales, sold


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
           "active": np.zeros((months, n_paths)), "fed_bought": np.zeros((months, n_paths)),
           "fed_sold": np.zeros((months, n_paths))} if record else {}
    for t in range(months):
        fl = holders_step(spec, hs, t, yield_vol_bp=ms.vol_bp,
                          threat=0.0 if threat is None else threat[t],
                          named_sales=None if named_sales is None else named_sales[t], rng=rng,
                          _membership=memb)
        sur = fl.surprise[:, insens].sum(axis=1)
        exp_ = fl.expected[:, insens].sum(axis=1)
        out = market_step(mp, ms, surprise_flow_bn=sur, expected_flow_bn=exp_, gdp_bn=gdp_bn)
        sales, sold = with_fed_sales(fl.sales, hs.holdings, fed_index, out.fed_sales_bn)
        clr = clear_market(hs.holdings, sales, absorber, fed_index, out.fed_purchases_bn)
        hs.holdings = clr.holdings
        backstop_settle(mp, ms, out, clr.fed_bought, sold)
        if record:
            rec["fed_bought"][t] = clr.fed_bought
            rec["fed_sold"][t] = sold
            rec["y10"][t] = out.dev[:, I10]
            rec["sales"][t] = fl.sales[:, insens].sum(axis=1)
            rec["active"][t] = fl.active.sum(axis=1)
    rec["holders"] = hs
    rec["market"] = ms
    return rec
