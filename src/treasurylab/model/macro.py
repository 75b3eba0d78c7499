"""Macro block: yields -> mortgage and corporate rates -> output gap, inflation, policy rate.

Everything is written in **deviations from the CBO baseline** (add-factors, as FRB/US does): the
state holds only deviations, which are exactly zero when no shock arrives, so a run with no shocks
reproduces CBO's path to the last bit. Per month t, for every path at once (arrays shaped (N,);
rates are decimals, the gap a fraction of potential GDP, stress in [0, 1]):

Spreads over the 10-year (calibration.md s5)::

    mortgage_t = y10_t + s_m + s_m_stress * stress_t        (s_m ~ 1.7 pp)
    baa_t      = y10_t + s_b + s_b_stress * stress_t        (BBB OAS ~ 1.0 pp)

so the deviations are ``dm = dy10 + s_m_stress * stress`` and ``db = dy10 + s_b_stress * stress``.

IS curve, with the real long-rate index (FCI-G style weights w) entering through two lag stages::

    r_t   = w10*dy10 + wm*dm + wb*db + wf*di_{t-1} - dpi_e_{t-1}
    l1_t  = l1_{t-1} + a (r_t - l1_{t-1});   l2_t = l2_{t-1} + a (l1_t - l2_{t-1})
    dgap_t = rho_y dgap_{t-1} - (1 - rho_y) beta l2_t

Fiscal impulse (the FRB/US responses to federal purchases and to transfers, calibration.md s5): the
demand of a fiscal change ``D_t = m_G g_t + m_TR tr_t`` (g, tr: purchases and transfers beyond the
baseline, fractions of GDP; m: the two multipliers) enters the IS curve as an impulse whose effect
fades at rate f per month even when the spending is permanent (FRB/US's fiscal closure raises taxes
to hold the surplus ratio, and its crowding out through the dollar and the stock market is not in
this block)::

    fi_t   = f fi_{t-1} + (D_t - D_{t-1})
    dgap_t = rho_y dgap_{t-1} + (1 - rho_y) (fi_t - beta l2_t)

Unemployment through a dynamic Okun's law (estimated on CBO's quarterly history, 1949q1-2024q3)::

    du_t = rho_u du_{t-1} - (1 - rho_u) okun dgap_t

Phillips curve and adaptive inflation expectations::

    dpi_t   = rho_pi dpi_{t-1} + (1 - rho_pi) kappa dgap_t
    dpi_e_t = dpi_e_{t-1} + e (dpi_t - dpi_e_{t-1})

Taylor rule with inertia and a lower bound (the bound never binds on the baseline itself)::

    di*_t = phi_pi dpi_t + phi_y dgap_t
    di_t  = rho_i di_{t-1} + (1 - rho_i) di*_t,   then  i_t = max(i_base_t + di_t, LB) unless i_base_t < LB

A policy-rate path (the ``policy_path`` event) overrides the rule where its mask is set: the
deviation is then the path minus the baseline, and the rule takes over from there (its inertia
starting from the path's last value).

Stress, sized on the history of the Baa-Treasury spread (FRED BAA10Y, monthly averages 1986-2026):
the target is the larger of distrust and this month's 10-year rise beyond the 1-in-20 month
(``stress_jump_floor``) as a share of the way to the record monthly rise (``stress_yield_jump``); the index follows it up by at most ``stress_max_rise`` a month (the Oct 2008 rise
of the spread over its GFC range) and down at the spread's own persistence::

    stress_t = min(stress_{t-1} + max_rise, max(target_t, rho_s stress_{t-1}))

Expected path used by the market block (a policy deviation expected to fade at rate q per month)::

    E[average short-rate deviation over the next k months] = di_t (1 - q^k) / (k (1 - q))

Levels: nominal GDP = GDP_base * (1 + dgap) * exp(dp) with the price-level deviation
``dp_t = dp_{t-1} + dpi_t / 12``. An exogenous ``gap_shock`` (the minerals block's output lost) adds to the gap
of the month without entering the IS state. The gap deviation is capped to keep the total gap within
+-``regime_gap_max``; a capped path is flagged (``regime`` output) rather than producing inf/NaN.

Compiled: the stress index and the month's step are written once, as loops over the paths compiled
by numba (``model/compiled.py``): :func:`_stress` and :func:`_month`, which computes the stress and
the step in one pass when the runner gives it the month's jump and distrust.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.compiled import kernel, per_path


@dataclass(frozen=True)
class MacroParams:
    """The macro block's numbers as floats (from ``params/defaults/macro.yaml``)."""

    mortgage_spread: float
    mortgage_spread_stress: float
    baa_spread: float
    baa_spread_stress: float
    w10: float
    wm: float
    wb: float
    wf: float
    is_persistence: float
    is_lag_speed: float
    is_rate_sensitivity: float
    phillips_slope: float
    phillips_persistence: float
    inflation_expectations_speed: float
    taylor_inflation: float
    taylor_gap: float
    taylor_inertia: float
    lower_bound: float
    expected_policy_persistence: float
    stress_yield_jump: float
    stress_jump_floor: float
    stress_max_rise: float
    stress_persistence: float
    fiscal_purchases_multiplier: float
    fiscal_transfers_multiplier: float
    fiscal_impulse_fade: float
    okun_coefficient: float
    okun_persistence: float
    regime_y10_max: float
    regime_gap_max: float

    @classmethod
    def from_params(cls, ps) -> MacroParams:
        """Build from a :class:`treasurylab.params.ParamSet` of block 'macro'."""
        from treasurylab.errors import BadInput, did_you_mean

        w = dict(ps["fci_weights"])
        rates = ("y10", "mortgage", "baa", "fed_funds")
        for k in w:
            if k not in rates:
                raise BadInput("unknown rate", field=f"macro.fci_weights.{k}", fix=did_you_mean(str(k), rates))
        missing = [k for k in rates[:3] if k not in w]
        if missing:       # an override replaces the whole table: a weight left out is not the default's
            raise BadInput("needs a weight for every rate", field=f"macro.fci_weights.{missing[0]}",
                           got=sorted(map(str, w)), fix="give y10, mortgage and baa (fed_funds is 0 when left out)")
        w.setdefault("fed_funds", 0.0)
        total = float(w["y10"]) + float(w["mortgage"]) + float(w["baa"]) + float(w["fed_funds"])
        if total <= 0:
            raise BadInput("weights must not all be zero", field="macro.fci_weights", got=w,
                           fix="give positive weights for y10, mortgage and baa")
        names = {f.name for f in fields(cls)} - {"w10", "wm", "wb", "wf"}
        kw = {n: float(ps[n]) for n in names}
        return cls(w10=float(w["y10"]) / total, wm=float(w["mortgage"]) / total,
                   wb=float(w["baa"]) / total, wf=float(w["fed_funds"]) / total, **kw)


@dataclass
class MacroState:
    """Deviations from the CBO baseline, one value per path (shape (N,))."""

    gap: np.ndarray        # output gap deviation, fraction of potential
    infl: np.ndarray       # inflation deviation, decimal annual rate
    infl_exp: np.ndarray   # expected-inflation deviation
    policy: np.ndarray     # policy-rate deviation, decimal
    lag1: np.ndarray       # first lag stage of the real long-rate index
    lag2: np.ndarray       # second lag stage
    price: np.ndarray      # log price-level deviation
    unemp: np.ndarray      # unemployment-rate deviation, decimal
    fiscal: np.ndarray     # fiscal impulse state fi (fraction of potential)
    fiscal_demand: np.ndarray   # last month's fiscal demand D
    stress: np.ndarray     # stress index in [0, 1]
    fiscal_on: bool = False    # a fiscal change has arrived (the impulse state is then carried)

    @classmethod
    def zeros(cls, n: int) -> MacroState:
        return cls(*(np.zeros(n) for _ in range(11)))


def expected_avg_short_dev(policy_dev: np.ndarray, k_months: float, q: float) -> np.ndarray:
    """Expected average short-rate deviation over the next ``k_months`` (the market block's input)."""
    if q >= 1.0:
        return policy_dev.copy()
    factor = (1.0 - q ** k_months) / (k_months * (1.0 - q))
    return policy_dev * factor


# The block's scalar parameters, as the kernels take them: one float array read by these positions
# (numba reads an array argument's type at once; a dataclass is no kernel argument)
(_JUMP_FLOOR, _JUMP_SPAN, _MAX_RISE, _PERSIST, _W10, _WM, _WB, _WF, _SM_STRESS, _SB_STRESS, _A, _RHO_Y,
 _IS_SLOPE, _M_G, _M_TR, _FADE, _PHI_PI, _PI_SLOPE, _E, _T_PI, _T_Y, _RHO_I, _LB, _OKUN_RHO, _OKUN, _Y10_MAX,
 _GAP_MAX, _SPREAD_M, _SPREAD_B) = range(29)
_CONSTS: dict[int, tuple[MacroParams, np.ndarray]] = {}


def _consts(p: MacroParams) -> np.ndarray:
    """The kernels' parameters (29,), products of parameters formed as the equations group them;
    kept per parameter set (a run asks every month)."""
    hit = _CONSTS.get(id(p))
    if hit is not None and hit[0] is p:
        return hit[1]
    c = np.empty(29)
    c[_JUMP_FLOOR] = p.stress_jump_floor
    c[_JUMP_SPAN] = p.stress_yield_jump - p.stress_jump_floor
    c[_MAX_RISE] = p.stress_max_rise
    c[_PERSIST] = p.stress_persistence
    c[_W10], c[_WM], c[_WB], c[_WF] = p.w10, p.wm, p.wb, p.wf
    c[_SM_STRESS], c[_SB_STRESS] = p.mortgage_spread_stress, p.baa_spread_stress
    c[_A] = p.is_lag_speed
    c[_RHO_Y] = p.is_persistence
    c[_IS_SLOPE] = (1.0 - p.is_persistence) * p.is_rate_sensitivity
    c[_M_G], c[_M_TR], c[_FADE] = (p.fiscal_purchases_multiplier, p.fiscal_transfers_multiplier,
                                   p.fiscal_impulse_fade)
    c[_PHI_PI] = p.phillips_persistence
    c[_PI_SLOPE] = (1.0 - p.phillips_persistence) * p.phillips_slope
    c[_E] = p.inflation_expectations_speed
    c[_T_PI], c[_T_Y], c[_RHO_I] = p.taylor_inflation, p.taylor_gap, p.taylor_inertia
    c[_LB] = p.lower_bound
    c[_OKUN_RHO] = p.okun_persistence
    c[_OKUN] = (1.0 - p.okun_persistence) * p.okun_coefficient
    c[_Y10_MAX], c[_GAP_MAX] = p.regime_y10_max, p.regime_gap_max
    c[_SPREAD_M], c[_SPREAD_B] = p.mortgage_spread, p.baa_spread
    if len(_CONSTS) > 64:
        _CONSTS.clear()
    _CONSTS[id(p)] = (p, c)
    return c


@kernel
def _stress(c, dy10_month, distrust, prev):
    """The stress index after this month on one path (module docstring), from last month's ``prev``:
    min(prev + max_rise, max(target, rho_s prev)) with target = clip(max(jump share, distrust), 0, 1).
    np.maximum / np.minimum of floats: a NaN propagates, as in the numpy form this replaced."""
    jump = (dy10_month - c[_JUMP_FLOOR]) / c[_JUMP_SPAN]
    target = np.minimum(np.maximum(np.maximum(jump, distrust), 0.0), 1.0)
    return np.minimum(np.maximum(target, c[_PERSIST] * prev), prev + c[_MAX_RISE])


@kernel
def _stress_paths(c, dy10_month, distrust, prev, out):
    """:func:`_stress` on every path; each input (N,) or (1,) (one value for every path)."""
    for i in range(out.shape[0]):
        out[i] = _stress(c, dy10_month[i if dy10_month.shape[0] > 1 else 0],
                         distrust[i if distrust.shape[0] > 1 else 0], prev[i if prev.shape[0] > 1 else 0])


def stress_index(dy10_month: np.ndarray, distrust: np.ndarray, p: MacroParams,
                 prev: np.ndarray | float = 0.0) -> np.ndarray:
    """Stress in [0, 1] after this month, from last month's ``prev``.

    Target: the larger of a sudden 10y rise beyond ``stress_jump_floor`` (relative to the record
    ``stress_yield_jump``) and distrust; the index
    rises towards it by at most ``stress_max_rise`` a month and decays at ``stress_persistence``
    (both from the history of the Baa spread), so no one-month event produces GFC-size spreads.
    Scalars or (N,) arrays; the arithmetic is :func:`_stress` (compiled). Scalars give a 0-d array.
    """
    ins = (per_path(dy10_month, None, "dy10_month"), per_path(distrust, None, "distrust"), per_path(prev, None, "prev"))
    n = max(a.shape[0] for a in ins)
    for name, a in zip(("dy10_month", "distrust", "prev"), ins):
        if a.shape[0] not in (1, n):
            raise BadInput(f"must be a scalar or shape ({n},)", field=name, got=a.shape, fix="one value per path")
    out = np.empty(n)
    _stress_paths(_consts(p), *ins, out)
    scalar = all(np.ndim(x) == 0 for x in (dy10_month, distrust, prev))
    return out.reshape(()) if scalar else out


# the month's scalars, as :func:`_month` takes them: one float array read by these positions
(_M_BASE_Y10, _M_BASE_POLICY, _M_BASE_GAP, _M_BASE_GDP, _M_GAP_SHOCK, _M_ADD_M, _M_ADD_B, _M_OVERRIDE,
 _M_FISCAL, _M_STRESS) = range(10)
#: the rows of :func:`_month`'s output, by name
OUT_ROWS = ("mortgage", "baa", "policy", "gap", "gap_dev", "inflation_dev", "unemployment_dev", "gdp",
            "gdp_level_dev")
_NONE = np.empty(0)


@kernel
def _month(c, m, dy10, stress, jump, distrust, purchases, transfers, gap, infl, infl_exp, policy, lag1,
           lag2, price, unemp, fiscal, fiscal_demand, stress_state, out, regime):
    """One month of :func:`step` (the module docstring's equations) on every path, in place.

    ``c``: the block's parameters (:func:`_consts`); ``m``: the month's scalars (baseline values,
    gap shock, spread add-ons, the policy override (NaN: none), 1.0 when the fiscal impulse is
    carried, 1.0 when the stress is computed here). ``dy10`` (N,); ``stress`` (N,) the stress index
    given, or, when ``m[_M_STRESS]`` is 1, :func:`_stress` of ``jump`` and ``distrust`` (N,) on
    last month's ``stress_state``, which takes it. ``purchases``, ``transfers`` (N,) or (1,).
    The state's (N,) arrays are updated in place; ``out`` (9, N) takes the rows of ``OUT_ROWS``
    and ``regime`` (N,) whether a cap was hit. Each expression keeps the order of operations of the
    numpy form this replaced (the same bits); np.maximum / np.minimum keep a NaN, as there.

    Lanes form: each group of statements is a loop over the paths starting at 0, so LLVM runs it on
    several paths per vector instruction; a month-wide case (spread add-on, fiscal impulse, gap
    shock, policy override or floor) is a loop of its own instead of a branch inside the loop, and
    the exp (scalar libm) has its own loop. Rows of ``out`` hold the intermediates until their
    final value is written (no allocation a month): 0, 1 the spread deviations, 2 the capped dy10
    then the policy deviation, 3 the real rate, 4 the gap, 5 the fiscal demand.
    """
    n = dy10.shape[0]
    base_y10, base_policy, base_gap = m[_M_BASE_Y10], m[_M_BASE_POLICY], m[_M_BASE_GAP]
    y_room = c[_Y10_MAX] - base_y10
    lo, hi = -c[_GAP_MAX] - base_gap, c[_GAP_MAX] - base_gap
    pol_room = c[_Y10_MAX] - base_policy
    override = m[_M_OVERRIDE]
    has_override = override == override
    floor_on = base_policy >= c[_LB]
    pol_floor = c[_LB] - base_policy
    gap_shock = m[_M_GAP_SHOCK]
    add_m, add_b = m[_M_ADD_M], m[_M_ADD_B]
    fiscal_on = m[_M_FISCAL] != 0.0
    a = c[_A]
    sm, sb, w10, wm, wb, wf = c[_SM_STRESS], c[_SB_STRESS], c[_W10], c[_WM], c[_WB], c[_WF]
    dm_, db_, d_, r_, g_, dem_ = out[0], out[1], out[2], out[3], out[4], out[5]
    if m[_M_STRESS] != 0.0:
        for i in range(n):
            stress_state[i] = _stress(c, jump[i], distrust[i], stress_state[i])
        s_ = stress_state
    else:
        s_ = stress
    for i in range(n):
        d = dy10[i]
        regime[i] = d > y_room                        # flagged like the gap cap below
        d = np.minimum(d, y_room)
        s = s_[i]
        d_[i] = d
        dm_[i] = d + sm * s
        db_[i] = d + sb * s
    if add_m != 0.0:
        for i in range(n):
            dm_[i] = dm_[i] + add_m
    if add_b != 0.0:
        for i in range(n):
            db_[i] = db_[i] + add_b
    for i in range(n):
        r_[i] = w10 * d_[i] + wm * dm_[i] + wb * db_[i] - infl_exp[i]
    if wf != 0.0:
        for i in range(n):
            r_[i] = r_[i] + wf * policy[i]          # last month's policy-rate deviation
    for i in range(n):
        r = r_[i]
        l1 = lag1[i] + a * (r - lag1[i])
        l2 = lag2[i] + a * (l1 - lag2[i])
        lag1[i] = l1
        lag2[i] = l2
        g_[i] = c[_RHO_Y] * gap[i] - c[_IS_SLOPE] * l2
    if fiscal_on:
        # dem = m_g purchases + m_tr transfers: the product formed first, then the sum, as before
        if purchases.shape[0] > 1:
            for i in range(n):
                dem_[i] = c[_M_G] * purchases[i]
        else:
            pu = c[_M_G] * purchases[0]
            for i in range(n):
                dem_[i] = pu
        if transfers.shape[0] > 1:
            for i in range(n):
                dem_[i] = dem_[i] + c[_M_TR] * transfers[i]
        else:
            tr = c[_M_TR] * transfers[0]
            for i in range(n):
                dem_[i] = dem_[i] + tr
        fade, carry = c[_FADE], 1.0 - c[_RHO_Y]
        for i in range(n):
            dem = dem_[i]
            fi = fade * fiscal[i] + (dem - fiscal_demand[i])
            fiscal[i] = fi
            fiscal_demand[i] = dem
            g_[i] = g_[i] + carry * fi
    for i in range(n):
        g = g_[i]
        regime[i] = regime[i] | (g < lo) | (g > hi)
        g = np.minimum(np.maximum(g, lo), hi)
        gap[i] = g
        g_[i] = g
    if gap_shock != 0.0:
        for i in range(n):
            g_[i] = np.minimum(np.maximum(g_[i] + gap_shock, lo), hi)
    pol_ = d_                                       # the capped dy10 is no longer read
    for i in range(n):
        g = g_[i]
        pi = c[_PHI_PI] * infl[i] + c[_PI_SLOPE] * g
        infl[i] = pi
        infl_exp[i] = infl_exp[i] + c[_E] * (pi - infl_exp[i])
        target = c[_T_PI] * pi + c[_T_Y] * g
        pol_[i] = c[_RHO_I] * policy[i] + (1.0 - c[_RHO_I]) * target
        pr = price[i] + pi / 12.0
        price[i] = pr
        u = unemp[i] * c[_OKUN_RHO]
        u -= c[_OKUN] * g
        unemp[i] = u
        out[5, i] = pi
        out[6, i] = u
    if has_override:
        fixed = override - base_policy
        for i in range(n):
            pol_[i] = fixed
    elif floor_on:
        # the lower bound binds only on deviations that would push the rate below it
        for i in range(n):
            pol_[i] = np.maximum(pol_[i], pol_floor)
    mort, baa = base_y10 + c[_SPREAD_M], base_y10 + c[_SPREAD_B]
    for i in range(n):
        pol = np.minimum(pol_[i], pol_room)
        policy[i] = pol
        out[2, i] = base_policy + pol
        out[0, i] = mort + dm_[i]
        out[1, i] = baa + db_[i]
        g = g_[i]
        out[3, i] = base_gap + g
    for i in range(n):
        level = (1.0 + g_[i]) * np.exp(price[i])
        out[7, i] = m[_M_BASE_GDP] * level
        out[8, i] = level - 1.0


def step(state: MacroState, p: MacroParams, *, dy10: np.ndarray, stress: np.ndarray | None = None,
         base_y10: float, base_policy: float, base_gap: float, base_gdp: float,
         gap_shock: float = 0.0, purchases: float = 0.0, transfers: float = 0.0,
         spread_add: tuple[float, float] = (0.0, 0.0), policy_override: float | None = None,
         stress_jump: np.ndarray | None = None, distrust: np.ndarray | None = None,
         out: np.ndarray | None = None) -> dict:
    """Advance every path one month in place; return this month's levels (baseline + deviation).

    ``dy10``: 10-year deviation from the baseline (decimal, (N,)); ``stress``: stress index in
    [0, 1] (N,) - or, instead, ``stress_jump`` and ``distrust`` (N,): the stress is then
    :func:`stress_index` of them on ``state.stress``, computed in the same pass over the paths and
    kept in ``state.stress``. ``base_*``: this month's CBO baseline values; ``gap_shock``: an
    exogenous contribution to this month's gap (fraction of potential, e.g. the minerals block's
    output lost), added to the gap the Phillips curve, the Taylor rule and GDP see but not carried
    in the IS state. ``purchases`` and ``transfers``: federal purchases and transfers beyond the
    baseline this month (fractions of GDP, scalars or (N,)); ``spread_add``: (mortgage, Baa) spread
    add-ons of a credit event (decimal); ``policy_override``: a policy-rate level (decimal) that
    replaces the rule this month. Returns a dict of (N,) arrays: mortgage, baa, policy, gap,
    gap_dev, inflation_dev, unemployment_dev, gdp, gdp_level_dev, regime (bool: a cap was hit);
    the first nine are the rows of ``out`` (9, N) float64 when given (a runner's buffer, rewritten
    every month), else of a new array. The arithmetic is :func:`_month` (compiled, all paths at once).
    """
    d = np.ascontiguousarray(dy10, dtype=float)
    n = state.gap.shape[0]
    if d.shape != (n,):
        raise BadInput(f"must be shape ({n},), one value per path", field="dy10", got=d.shape,
                       fix="the 10-year's deviation from the baseline on every path")
    stress_here = stress is None
    if stress_here:
        if stress_jump is None or distrust is None:
            raise BadInput("give the stress index or the month's jump and distrust", field="stress",
                           fix="stress=(N,) array, or stress_jump= and distrust=")
        jump, dis = per_path(stress_jump, n, "stress_jump"), per_path(distrust, n, "distrust")
        if jump.shape[0] != n or dis.shape[0] != n:
            raise BadInput(f"must be shape ({n},)", field="stress_jump/distrust", got=(jump.shape, dis.shape),
                           fix="one value per path")
        s = _NONE
    else:
        s = np.broadcast_to(per_path(stress, n, "stress"), (n,))
        s = np.ascontiguousarray(s)
        jump = dis = _NONE
    pu, tr = per_path(purchases, n, "purchases"), per_path(transfers, n, "transfers")
    # skipped while there is no fiscal change: a run without one keeps its numbers to the last bit
    if not state.fiscal_on and (np.any(pu) or np.any(tr)):
        state.fiscal_on = True
    for name in ("gap", "infl", "infl_exp", "policy", "lag1", "lag2", "price", "unemp", "fiscal",
                 "fiscal_demand", "stress"):
        a = getattr(state, name)
        if a.shape != (n,) or a.dtype != np.float64 or not a.flags.c_contiguous or not a.flags.writeable:
            setattr(state, name, np.array(np.broadcast_to(a, (n,)), dtype=float))
    m = np.array([base_y10, base_policy, base_gap, base_gdp, gap_shock, spread_add[0], spread_add[1],
                  np.nan if policy_override is None else policy_override, float(state.fiscal_on),
                  float(stress_here)])
    if out is None:
        out = np.empty((9, n))
    elif out.shape != (9, n) or out.dtype != np.float64 or not out.flags.c_contiguous:
        raise BadInput(f"must be a C-ordered float64 array shaped (9, {n})", field="out", got=out.shape,
                       fix="np.empty((9, n)), or leave it out")
    regime = np.empty(n, dtype=bool)
    _month(_consts(p), m, d, s, jump, dis, pu, tr, state.gap, state.infl, state.infl_exp, state.policy,
           state.lag1, state.lag2, state.price, state.unemp, state.fiscal, state.fiscal_demand, state.stress,
           out, regime)
    res = dict(zip(OUT_ROWS, out))
    res["regime"] = regime
    return res


def run_exogenous(p: MacroParams, dtp: np.ndarray, base_y10: np.ndarray, base_policy: np.ndarray,
                  base_gap: np.ndarray, base_gdp: np.ndarray, stress: np.ndarray | None = None,
                  purchases: np.ndarray | None = None, transfers: np.ndarray | None = None) -> dict:
    """Run the macro block alone for a term-premium deviation path ``dtp`` of shape (N, T).

    The 10-year deviation is the term premium plus the expected average policy deviation over ten
    years (the market block's expectations rule), so the Taylor rule's response feeds back into the
    10-year. ``purchases`` / ``transfers``: optional (N, T) fiscal paths (fractions of GDP). There is
    no fiscal risk premium here (the market block adds it in the coupled run; FRB/US has none), so
    this is the block to hold to FRB/US. Used by the calibration targets and tests; returns (N, T) arrays.
    """
    n, T = dtp.shape
    st = MacroState.zeros(n)
    stress = np.zeros((n, T)) if stress is None else stress
    zero = np.zeros((n, T))
    purchases = zero if purchases is None else purchases
    transfers = zero if transfers is None else transfers
    out: dict[str, list] = {}
    for t in range(T):
        dy10 = dtp[:, t] + expected_avg_short_dev(st.policy, 120.0, p.expected_policy_persistence)
        res = step(st, p, dy10=dy10, stress=stress[:, t], base_y10=float(base_y10[t]),
                   base_policy=float(base_policy[t]), base_gap=float(base_gap[t]), base_gdp=float(base_gdp[t]),
                   purchases=purchases[:, t], transfers=transfers[:, t])
        res["dy10"] = dy10
        for k, v in res.items():
            out.setdefault(k, []).append(v)
    return {k: np.stack(v, axis=1) for k, v in out.items()}
