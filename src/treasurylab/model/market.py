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

Compiled: the arithmetic of :func:`market_step`, :func:`backstop_settle` and :func:`clear_market` is
written once, as loops over the paths compiled by numba (``model/compiled.py``): one path's values
stay in registers instead of passing through (N, 5) and (N, A) arrays in memory. The per-tenor
arrays are tenor-major (5, N) (each tenor's row contiguous, as the runner reads them) and
``MarketOut`` holds their (N, 5) transposed views (Fortran-ordered).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.compiled import kernel, per_path

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


# One path's arithmetic, compiled (model/compiled.py). min, max, clip and sign keep numpy's meaning
# (a NaN propagates; np.clip's own order of tests) so that a loop gives numpy's numbers bit for bit.

@kernel
def _maximum(a, b):
    """``np.maximum(a, b)`` of two floats (a NaN in either gives NaN)."""
    return a if (a >= b or a != a) else b


@kernel
def _minimum(a, b):
    """``np.minimum(a, b)`` of two floats (a NaN in either gives NaN)."""
    return a if (a <= b or a != a) else b


@kernel
def _clip(x, lo, hi):
    """``np.clip(x, lo, hi)`` of floats: max(x, lo) then min(., hi), a NaN ``x`` kept."""
    y = x if (x != x or x > lo) else lo
    return y if (y != y or y < hi) else hi


@kernel
def _sign(x):
    """``np.sign(x)`` of a float: +-1, 0 for +-0, NaN for NaN."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    return 0.0 if x == 0.0 else x


@kernel
def _impact_shape(flow, dt, depth):
    """sign(pace) (1 - exp(-|pace| / D)) of a net surprise flow (pace = flow / dt): the transitory
    impact per unit of amplitude. The impact at tenor k is dt A_k times it, in bp (the sign is
    exact, so dt A_k sign m and dt A_k (sign m) are the same bits)."""
    pace = flow / dt
    return _sign(pace) * (-math.expm1(-abs(pace) / depth))


@kernel
def _inverse_impact10(x_bp, dt_a10, dt, depth):
    """The net surprise flow (USD bn) whose 10y transitory impact over one step is ``x_bp``.

    Inverts dt A (1 - exp(-|g/dt|/D)) sign(g) (``dt_a10`` = dt A_10y); |x| must be < dt A_10y (the
    saturation).
    """
    u = x_bp / dt_a10
    return _sign(u) * dt * depth * -math.log1p(-abs(u))


@kernel
def _flow_impacts(flow, dt_a, dt, depth, out):
    """``out[j, k] = dt A_k * impact shape of flow[j]`` (bp)."""
    for j in range(flow.shape[0]):
        m = _impact_shape(flow[j], dt, depth)
        for k in range(dt_a.shape[0]):
            out[j, k] = dt_a[k] * m


def flow_impact_bp(mp: MarketParams, flow_bn, dt_months: float = 1.0) -> np.ndarray:
    """Transitory impact (bp, shape (..., 5)) of a net surprise flow over one step of dt months."""
    f = np.asarray(flow_bn, dtype=float)
    out = np.empty(f.shape + (5,))
    _flow_impacts(np.ascontiguousarray(f).reshape(-1), dt_months * mp.flow_amplitude_bp, float(dt_months),
                  mp.flow_depth_bn, out.reshape(-1, 5))
    return out


#: an absent array argument of a kernel: 1-D, 2-D
_NONE1 = np.empty(0)
_NONE2 = np.empty((0, 0))


def _per_tenor(x, n: int, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A scalar / (5,) / (N, 5) input as (one value per tenor (5,), per path and tenor (5, N) or empty).

    An (N, 5) input that is the transposed view of a (5, N) array (the runner's) is passed without a
    copy; only an input given per path in another layout is copied tenor-major.
    """
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        return np.full(5, float(a)), _NONE2
    if a.shape == (5,):
        return np.array(a), _NONE2
    if a.shape != (n, 5):
        try:
            a = np.broadcast_to(a, (n, 5))
        except ValueError:
            raise BadInput(f"must be a scalar, (5,) or ({n}, 5)", field=name, got=a.shape,
                           fix="one value per tenor (3m, 2y, 5y, 10y, 30y), optionally per path") from None
    return _NONE1, np.ascontiguousarray(a.T)


# A step's scalar parameters, as the kernels take them: one float array (a flag is 1.0 or 0.0), read
# by these positions. An array, not a named tuple: numba reads an array argument's type at once,
# a named tuple's field by field (~50 us a call, as long as a month's arithmetic on 500 paths).
(_DT, _DECAY, _LEARNING, _LEARN, _ANNOUNCED, _DEPTH, _DT_A10, _ON, _SIZE, _CAP_PACE, _EXIT, _TRIGGER,
 _REARM, _UNWIND, _DELAY, _HORIZON, _RECOVERY, _VOL_MEMORY, _VOL_NEW) = range(19)
_MONTHS: dict[tuple[int, float], tuple[MarketParams, np.ndarray, np.ndarray]] = {}


def _month(mp: MarketParams, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """The kernels' parameters for a step of ``dt`` months: the scalars (19,) and the per-tenor rows
    (dt A_k, BP lambda_k, phi_debt_k, phi_def_k, BP psi_k) as one (5, 5) array. Kept per parameter
    set and step (a run calls this every month with the same few)."""
    key = (id(mp), float(dt))
    hit = _MONTHS.get(key)
    if hit is not None and hit[0] is mp:
        return hit[1], hit[2]
    c = np.empty(19)
    c[_DT] = dt
    c[_DECAY] = mp.flow_decay ** dt                      # rho ** dt
    c[_LEARNING] = mp.flow_learning > 0.0
    c[_LEARN] = 1.0 - (1.0 - mp.flow_learning) ** dt     # share of the gap to the seen pace learnt
    c[_ANNOUNCED] = mp.announced_surprise_share          # a
    c[_DEPTH] = mp.flow_depth_bn                         # D
    c[_DT_A10] = dt * mp.flow_amplitude_bp[I10]
    c[_ON] = mp.backstop_on
    c[_SIZE] = mp.backstop_size_bn
    c[_CAP_PACE] = mp.backstop_pace_bn_per_day * TRADING_DAYS_PER_MONTH * dt   # the most bought in a step
    c[_EXIT] = mp.backstop_exit_bp
    c[_TRIGGER] = mp.backstop_trigger_bp
    c[_REARM] = mp.backstop_rearm_months
    c[_UNWIND] = mp.backstop_unwind_per_month            # u
    c[_DELAY] = mp.backstop_unwind_delay_months
    c[_HORIZON] = mp.expectation_horizon_months
    c[_RECOVERY] = 1.0 - (1.0 - mp.trust_recovery) ** dt
    c[_VOL_MEMORY] = mp.vol_memory
    c[_VOL_NEW] = 1.0 - mp.vol_memory
    rows = np.stack([dt * mp.flow_amplitude_bp, BP * mp.stock_bp_per_pp_gdp, mp.fiscal_bp_per_pp_debt,
                     mp.fiscal_bp_per_pp_deficit, BP * mp.trust_bp])
    if len(_MONTHS) > 64:
        _MONTHS.clear()
    _MONTHS[key] = (mp, c, rows)
    return c, rows


def _state_arrays(ms: MarketState, n: int) -> None:
    """Give the state the kernel's form: zeros for an array not yet made, the transitory premium
    tenor-major (5, N) in memory (init_market makes every other array as the kernel takes it)."""
    for name in ("flow_expected_bn", "backstop_held_bn", "backstop_unwind_bn", "step_flow_bn"):
        if getattr(ms, name) is None:
            setattr(ms, name, np.zeros(n))
    if not ms.tp_temp.T.flags.c_contiguous:
        ms.tp_temp = np.ascontiguousarray(ms.tp_temp.T, dtype=float).T


def market_step(mp: MarketParams, ms: MarketState, *, surprise_flow_bn=0.0, expected_flow_bn=0.0,
                announced_future_bn=0.0, gdp_bn, debt_gdp_dev_pp=0.0, deficit_gdp_dev_pp=0.0,
                exp_short_dev=0.0, baseline_yields=0.0, distrust_shock=0.0,
                dt_months: float = 1.0) -> MarketOut:
    """Advance the market by one step (``dt_months``, 1 = a month); updates ``ms`` in place.

    The arithmetic is :func:`_market_month` (compiled, one path at a time). The (N, 5) outputs are
    the transposed views of (5, N) arrays (tenor-major: each row ``[:, k]`` is contiguous, as the
    runner reads them), Fortran-ordered; the state's arrays are updated in place.
    """
    n = ms.stock_dev_bn.shape[0]
    if dt_months <= 0:
        raise BadInput("step must be > 0 months", field="dt_months", got=dt_months, fix="use 1 for monthly steps")
    gdp = per_path(gdp_bn, n, "gdp_bn", fill=True)
    if (gdp <= 0).any():
        raise BadInput("GDP must be > 0", field="gdp_bn", got=float(gdp.min()), fix="give nominal GDP in USD bn")
    esd_k, esd_nk = _per_tenor(exp_short_dev, n, "exp_short_dev")
    base_k, base_nk = _per_tenor(baseline_yields, n, "baseline_yields")
    c, rows = _month(mp, dt_months)
    _state_arrays(ms, n)
    yields, dev, tp_perm, tp_temp, fiscal, trust_term = (np.empty((5, n)), np.empty((5, n)), np.empty((5, n)),
                                                         np.empty((5, n)), np.empty((5, n)), np.empty((5, n)))
    fed, sold, vol, trust = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    selling = _market_month(
        c, rows, ms.t, per_path(surprise_flow_bn, n, "surprise_flow_bn", fill=True),
        per_path(expected_flow_bn, n, "expected_flow_bn", fill=True),
        per_path(announced_future_bn, n, "announced_future_bn", fill=True), gdp,
        per_path(debt_gdp_dev_pp, n, "debt_gdp_dev_pp", fill=True),
        per_path(deficit_gdp_dev_pp, n, "deficit_gdp_dev_pp", fill=True),
        per_path(distrust_shock, n, "distrust_shock", fill=True), esd_k, esd_nk, base_k, base_nk,
        ms.tp_temp.T, ms.stock_dev_bn, ms.trust, ms.y10_dev_prev, ms.vol_bp, ms.backstop_left_bn,
        ms.backstop_open, ms.backstop_calm, ms.backstop_buying, ms.backstop_fired, ms.flow_expected_bn,
        ms.backstop_held_bn, ms.backstop_unwind_bn, ms.step_flow_bn,
        yields, dev, tp_perm, tp_temp, fiscal, trust_term, fed, sold, vol, trust, np.empty((2, n)))
    ms.t += 1
    return MarketOut(yields=yields.T, dev=dev.T, tp_perm=tp_perm.T, tp_temp=tp_temp.T, fiscal=fiscal.T,
                     trust_term=trust_term.T, fed_purchases_bn=fed, vol_bp=vol, trust=trust,
                     fed_sales_bn=sold if selling else 0.0)


@kernel
def backstop_purchases(c, tp10, left, flow):
    """This step's Fed purchases on a path with an open episode, USD bn (the caller takes them off
    the cap left).

    The Fed buys what brings the flow-driven 10y premium (``tp10``, decimal, last step's) down to
    ``backstop_exit_bp`` given this step's surprise flow ``flow`` (before the Fed) and the decay of
    the premium, within its pace (``backstop_pace_bn_per_day`` x 21 trading days a month x dt) and
    the cap ``left``; it never buys to push the premium below the exit level.
    """
    cap = _minimum(c[_CAP_PACE], left)
    x = c[_EXIT] - c[_DECAY] * tp10 / BP      # change that lands on the exit level
    sat = c[_DT_A10] * (1.0 - 1e-12)
    need = np.inf                            # exit out of reach in one step: full pace
    if x > -sat:
        need = flow - _inverse_impact10(_minimum(x, sat), c[_DT_A10], c[_DT], c[_DEPTH])
    return _clip(need, 0.0, cap)


@kernel
def backstop_unwind(c, held, pace, tp10, flow):
    """The backstop's sale back on one path this step, USD bn, at most ``pace * dt`` and what it holds.

    The sales are demand-led: given this step's net surprise flow ``flow`` (after the Fed's
    purchases) the Fed sells no more than keeps the flow-driven 10y premium (``tp10``, last step's)
    at or below the exit level (what is not sold waits for a later month). Which paths sell, and at
    what pace, is :func:`_market_month`'s (the module docstring's rule).
    """
    sold = _minimum(pace * c[_DT], held)
    if c[_ANNOUNCED] > 0.0 and sold != 0.0:
        # the net flow that lands the 10y transitory premium on the exit level, less this step's
        # flow, is what the market takes; the announced share a of a sale is its surprise part
        sat = c[_DT_A10] * (1.0 - 1e-12)
        room_bp = _clip(c[_EXIT] - c[_DECAY] * tp10 / BP, -sat, sat)
        room = (_inverse_impact10(room_bp, c[_DT_A10], c[_DT], c[_DEPTH]) - flow) / c[_ANNOUNCED]
        sold = _minimum(sold, _maximum(room, 0.0))
    return sold


@kernel
def backstop_update(c, t, tp10, buying, is_open, calm, left, fired):
    """After the premia of a step, on one path: open an episode on a trigger crossing, close one
    after calm. Returns (open, calm months, cap left, step of the first opening)."""
    x = tp10 / BP
    if is_open:
        # calm: at or below the exit level on its own (a premium held there by purchases is not calm)
        calm = calm + c[_DT] if (x <= c[_EXIT] + 1e-9 and not buying) else 0.0
        is_open = calm < c[_REARM] - 1e-9 and c[_ON] != 0.0
    else:
        calm = 0.0
    if c[_ON] != 0.0 and c[_SIZE] > 0.0 and x > c[_TRIGGER] and not is_open:
        is_open = True
        left = c[_SIZE]
        calm = 0.0
        if fired < 0:
            fired = t
    return is_open, calm, left, fired


@kernel
def _market_month(c, rows, t, sur, exp_, fut, gdp, debt, deficit, distrust, esd_k, esd_nk, base_k, base_nk,
                  tp, stock, trust, y10_prev, vol, left, is_open, calm, buying, fired, expected, held, unwind,
                  step_flow, yields, dev, tp_perm, tp_out, fiscal, trust_term, fed, sold, vol_out, trust_out,
                  scratch):
    """One step of :func:`market_step` (the module docstring's equations).

    State arrays (``tp`` tenor-major (5, N), then (N,)) are updated in place; outputs are written
    into the (5, N) and (N,) arrays given; ``scratch`` (2, N) takes two per-path numbers between
    passes. Four passes, each along contiguous memory: over the paths, the unannounced flow and the
    Fed's purchases; over the paths, the sales back, the flow's impact, the expected stock and trust;
    by tenor along the paths, the premia and the yields; over the paths, the volatility and the
    backstop's trigger. The sales back run only when the backstop buys or holds something on some
    path (returned: True, and ``sold`` holds them), as a whole: a path then books its own purchases
    in its holdings even when they are too small to count as buying.
    """
    n = sur.shape[0]
    dt = c[_DT]
    any_buying = False
    any_held = False
    for i in range(n):
        # 0. the part of the unannounced flow the market already expects (a sustained pace it has seen)
        unexp = sur[i]
        if c[_LEARNING] != 0.0:
            e = expected[i]
            pace = sur[i] / dt
            unexp = sur[i] - dt * _minimum(_maximum(e, _minimum(pace, 0.0)), _maximum(pace, 0.0))
            expected[i] = e + c[_LEARN] * (pace - e)
        # 1. backstop purchases of an episode opened in an earlier step
        flow = unexp + c[_ANNOUNCED] * exp_[i]
        f = 0.0
        if c[_ON] != 0.0 and is_open[i]:
            f = backstop_purchases(c, tp[I10, i], left[i], flow)
            left[i] = left[i] - f
        fed[i] = f
        buying[i] = f > 1e-9
        step_flow[i] = flow - f
        any_buying = any_buying or buying[i]
        any_held = any_held or held[i] != 0.0
    selling = any_buying or any_held
    impact = scratch[0]                # the flow's impact per unit of amplitude
    share = scratch[1]                 # the expected stock, pp of GDP
    for i in range(n):
        f = fed[i]
        flow = step_flow[i]
        # 1b. sales back of the backstop's holdings (an announced programme: the announced share surprises)
        s = 0.0
        future = 0.0
        if selling:
            h = held[i]
            if any_buying:
                h = h + f
                if buying[i]:          # the unwind's pace: u times the holdings after the last purchase
                    unwind[i] = c[_UNWIND] * h
            # due once the episode has closed, or after the delay in calm months; never while buying
            due = not is_open[i] or (calm[i] > 0.0 and calm[i] + dt >= c[_DELAY] - 1e-9)
            pace = unwind[i] if (due and not buying[i]) else 0.0
            s = backstop_unwind(c, h, pace, tp[I10, i], flow)
            h = h - s
            if h < 1e-9:               # a remainder of rounding is no holding
                h = 0.0
            held[i] = h
            # announced when due: what is still to be sold within the horizon is priced at once
            future = _minimum(h, pace * c[_HORIZON])
            flow = flow + c[_ANNOUNCED] * s
        sold[i] = s
        step_flow[i] = flow            # backstop_settle reprices it if the clearing scales the Fed back
        # 2. transitory part from the surprise flow (by tenor below)
        impact[i] = _impact_shape(flow, dt, c[_DEPTH])
        # 3. permanent part from the expected stock
        st = stock[i] + sur[i] + exp_[i] - f
        expected_stock = st + fut[i]
        if selling:
            st += s
            expected_stock += s + future
        stock[i] = st
        share[i] = 100.0 * expected_stock / gdp[i]
        # 5. trust
        tr = trust[i] + c[_RECOVERY] * (1.0 - trust[i]) - distrust[i]
        tr = _minimum(_maximum(tr, 0.0), 1.0)
        trust[i] = tr
        trust_out[i] = tr
    # 2-6 by tenor: premia and yields, each tenor's row along the paths
    decay = c[_DECAY]
    esd_by_path = esd_nk.shape[0] > 0
    base_by_path = base_nk.shape[0] > 0
    for k in range(5):
        amp, lam, phi_debt, phi_def, psi = rows[0, k], rows[1, k], rows[2, k], rows[3, k], rows[4, k]
        for i in range(n):
            x = decay * tp[k, i] + amp * impact[i] * BP
            tp[k, i] = x
            tp_out[k, i] = x
            perm = lam * share[i]
            fis = (phi_debt * debt[i] + phi_def * deficit[i]) * BP
            tt = psi * (1.0 - trust[i])
            d = (esd_nk[k, i] if esd_by_path else esd_k[k]) + perm
            d += x
            d += fis
            d += tt
            tp_perm[k, i] = perm
            fiscal[k, i] = fis
            trust_term[k, i] = tt
            dev[k, i] = d
            yields[k, i] = (base_nk[k, i] if base_by_path else base_k[k]) + d
    # 7. volatility and the backstop trigger for the next step
    for i in range(n):
        d10 = dev[I10, i]
        v = c[_VOL_MEMORY] * vol[i] + c[_VOL_NEW] * abs(d10 - y10_prev[i]) / BP
        vol[i] = v
        vol_out[i] = v
        is_open[i], calm[i], left[i], fired[i] = backstop_update(c, t, tp[I10, i], buying[i], is_open[i], calm[i],
                                                                 left[i], fired[i])
        y10_prev[i] = d10
    return selling


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
    n = out.fed_purchases_bn.shape[0]
    c, rows = _month(mp, dt_months)
    _state_arrays(ms, n)
    _settle(c, rows, out.fed_purchases_bn, per_path(fed_bought, n, "fed_bought", fill=True), sales_planned,
            per_path(out.fed_sales_bn, n, "fed_sales_bn", fill=True) if sales_planned else _NONE1,
            per_path(fed_sold, n, "fed_sold", fill=True), ms.tp_temp.T, ms.stock_dev_bn,
            ms.backstop_left_bn, ms.backstop_buying, ms.backstop_held_bn, ms.backstop_unwind_bn, ms.step_flow_bn)


@kernel
def _settle(c, rows, fed_plan, fed_done, sales_planned, sold_plan, sold_done, tp, stock, left, buying, held,
            unwind, step_flow):
    """:func:`backstop_settle`'s arithmetic, in place. Nothing changes unless some path's purchases
    or sales back fell short by more than rounding (1e-12 USD bn); then every path is settled."""
    n = fed_plan.shape[0]
    short = False
    for i in range(n):
        if fed_plan[i] - fed_done[i] > 1e-12 or (sales_planned and sold_plan[i] - sold_done[i] > 1e-12):
            short = True
            break
    if not short:
        return
    for i in range(n):
        short_buy = _maximum(fed_plan[i] - fed_done[i], 0.0)
        short_sell = _maximum(sold_plan[i] - sold_done[i], 0.0) if sales_planned else 0.0
        left[i] = left[i] + short_buy
        h = held[i] - short_buy + short_sell
        held[i] = 0.0 if h < 1e-9 else h       # a remainder of rounding is no holding
        stock[i] = stock[i] + short_buy - short_sell
        planned = step_flow[i]
        done = planned + short_buy - c[_ANNOUNCED] * short_sell
        m_done = _impact_shape(done, c[_DT], c[_DEPTH])
        m_planned = _impact_shape(planned, c[_DT], c[_DEPTH])
        for k in range(5):
            tp[k, i] = tp[k, i] + BP * (rows[0, k] * m_done - rows[0, k] * m_planned)
        step_flow[i] = done
        buying[i] = buying[i] and fed_plan[i] - short_buy > 1e-9
        if short_buy > 0.0:            # the unwind's pace: u times what the purchases left
            unwind[i] = c[_UNWIND] * held[i]


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
    fed = per_path(fed_purchases_bn, n, "fed_purchases_bn", fill=True)
    supply = per_path(new_supply_bn, n, "new_supply_bn", fill=True)
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
    _clear(h, s, ab, fed_index, fed, supply, h2, fed_bought, placed, _NONE2)

    def bought() -> np.ndarray:
        b = np.empty((n, a))
        _clear(h, s, ab, fed_index, fed, supply, np.empty((n, a)), np.empty(n), np.empty(n), b)
        return b

    return ClearOut(holdings=h2, bought=bought, fed_bought=fed_bought, supply=placed)


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
def _sum4(x):
    """Sum of a row in four interleaved partial sums: s_r adds x[j] for j = r mod 4 in order, the
    last len(x) mod 4 terms go to s_0 after, and the sum is (s_0 + s_1) + (s_2 + s_3). The four adds
    of a step are independent, so they overlap (and may run as one vector add)."""
    a = x.shape[0]
    full = a - a % 4
    s0 = s1 = s2 = s3 = 0.0
    for j in range(0, full, 4):
        s0 += x[j]
        s1 += x[j + 1]
        s2 += x[j + 2]
        s3 += x[j + 3]
    for j in range(full, a):
        s0 += x[j]
    return (s0 + s1) + (s2 + s3)


@kernel
def _clear(h, s, ab, fed_index, fed, supply, h2, fed_bought, placed, bought):
    """The clearing of :func:`clear_market`, one path (row) at a time; writes ``h2`` (N, A), the Fed's
    purchases after scaling ``fed_bought`` (N,), the net supply placed ``placed`` (N,) and, when
    ``bought`` is (N, A) rather than empty, the purchases (explicit + absorbed + the Fed's).

    ``ab``: the absorbers' column numbers. Per path, passes over its row (in cache): the sales
    (capped at holdings) and their totals; the scale of the buyers if they want more than can be
    sold, and their purchases; the residual shared by the absorbers in proportion to their holdings
    (equally if they hold nothing). A path without explicit buyers (every sale >= 0, the usual
    month) skips the purchases' pass: they are all zero, and the absorbers' total is the one the
    offer counted unless the Fed is an absorber.

    The sales' totals are added in four interleaved partial sums (:func:`_sum4`): in one running sum
    each add waits for the one before, and the pass took twice as long. Like the matmuls before,
    this order may differ from another in the last bits.
    """
    n, a = h.shape
    want_bought = bought.shape[0] > 0
    n_ab = max(ab.shape[0], 1)
    fed_absorbs = False
    for k in range(ab.shape[0]):
        fed_absorbs = fed_absorbs or ab[k] == fed_index
    row = np.empty((2, a))             # one path's sales and explicit purchases, summed below
    sold_row = row[0]
    buy_row = row[1]
    for i in range(n):
        # 1. sales, capped at holdings; explicit purchases (negative sales); totals
        for j in range(a):
            sj = s[i, j]
            pos = _maximum(sj, 0.0)
            hij = h[i, j]
            sold = _minimum(pos, hij)
            h2[i, j] = hij - sold
            sold_row[j] = sold
            buy_row[j] = pos - sj
        sold_tot = _sum4(sold_row)
        buy_tot = _sum4(buy_row)
        offer_ab = 0.0
        for k in range(ab.shape[0]):
            offer_ab += h2[i, ab[k]]
        sup = supply[i]
        redeem = _maximum(-sup, 0.0)
        issue = _maximum(sup, 0.0)
        fed_i = fed[i]
        # 2. scale every buyer (and redemptions) back if they want more than can be sold to them
        demand = buy_tot + fed_i + redeem
        offer = sold_tot + issue + offer_ab
        f = 1.0
        if demand > offer:
            f = _minimum(offer / demand, 1.0)
        if f < 1.0:
            buy_tot = buy_tot * f
            fed_i = fed_i * f
            redeem = redeem * f
        buyers = buy_tot != 0.0        # some sale < 0 (every term of the total is >= 0)
        if buyers:
            for j in range(a):
                sj = s[i, j]
                if sj < 0.0:           # max(s, 0) - s is 0 for every seller
                    h2[i, j] += (0.0 - sj) * f
        if fed_index >= 0:
            h2[i, fed_index] += fed_i
        resid = sold_tot + issue - redeem - buy_tot - fed_i
        tot = offer_ab
        if buyers or fed_absorbs:      # an absorber's holding changed since the offer was counted
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
            # only rounding can make the floor bite (|resid| <= absorbers' holdings)
            h2[i, j] = _maximum(h2[i, j] + delta, 0.0)
            if want_bought:
                bought[i, j] += _maximum(delta, 0.0)
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
