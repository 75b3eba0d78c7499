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
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np


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


def stress_index(dy10_month: np.ndarray, distrust: np.ndarray, p: MacroParams,
                 prev: np.ndarray | float = 0.0) -> np.ndarray:
    """Stress in [0, 1] after this month, from last month's ``prev``.

    Target: the larger of a sudden 10y rise beyond ``stress_jump_floor`` (relative to the record
    ``stress_yield_jump``) and distrust; the index
    rises towards it by at most ``stress_max_rise`` a month and decays at ``stress_persistence``
    (both from the history of the Baa spread), so no one-month event produces GFC-size spreads.
    """
    # only a rise beyond the usual months counts (history: ordinary 10y rises do not widen Baa spreads)
    jump = (np.asarray(dy10_month, dtype=float) - p.stress_jump_floor) / (p.stress_yield_jump - p.stress_jump_floor)
    target = np.minimum(np.maximum(np.maximum(jump, distrust), 0.0), 1.0)
    prev = np.asarray(prev, dtype=float)
    if not isinstance(target, np.ndarray):
        return np.minimum(prev + p.stress_max_rise, np.maximum(target, p.stress_persistence * prev))
    # in place on the fresh target array (the same numbers, fewer temporaries)
    np.maximum(target, p.stress_persistence * prev, out=target)
    return np.minimum(target, prev + p.stress_max_rise, out=target)


def step(state: MacroState, p: MacroParams, *, dy10: np.ndarray, stress: np.ndarray,
         base_y10: float, base_policy: float, base_gap: float, base_gdp: float,
         gap_shock: float = 0.0, purchases: float = 0.0, transfers: float = 0.0,
         spread_add: tuple[float, float] = (0.0, 0.0), policy_override: float | None = None) -> dict:
    """Advance every path one month in place; return this month's levels (baseline + deviation).

    ``dy10``: 10-year deviation from the baseline (decimal); ``stress``: stress index in [0, 1];
    ``base_*``: this month's CBO baseline values; ``gap_shock``: an exogenous contribution to this
    month's gap (fraction of potential, e.g. the minerals block's output lost), added to the gap the
    Phillips curve, the Taylor rule and GDP see but not carried in the IS state. ``purchases`` and
    ``transfers``: federal purchases and transfers beyond the baseline this month (fractions of GDP,
    scalars or (N,)); ``spread_add``: (mortgage, Baa) spread add-ons of a credit event (decimal);
    ``policy_override``: a policy-rate level (decimal) that replaces the rule this month.
    Returns a dict of (N,) arrays: mortgage, baa, policy, gap, inflation_dev, gdp, gdp_level_dev,
    unemployment_dev, regime (bool: a cap was hit).
    """
    y_over = dy10 > p.regime_y10_max - base_y10       # flagged like the gap cap below
    dy10 = np.minimum(dy10, p.regime_y10_max - base_y10)
    dm = dy10 + p.mortgage_spread_stress * stress
    db = dy10 + p.baa_spread_stress * stress
    if spread_add[0]:
        dm = dm + spread_add[0]
    if spread_add[1]:
        db = db + spread_add[1]
    r = p.w10 * dy10 + p.wm * dm + p.wb * db - state.infl_exp
    if p.wf:
        r = r + p.wf * state.policy        # last month's policy-rate deviation (the dollar / equity channel)
    a = p.is_lag_speed
    state.lag1 += a * (r - state.lag1)
    state.lag2 += a * (state.lag1 - state.lag2)
    gap = p.is_persistence * state.gap - (1.0 - p.is_persistence) * p.is_rate_sensitivity * state.lag2
    # skipped while there is no fiscal change: a run without one keeps its numbers to the last bit
    if state.fiscal_on or np.any(purchases) or np.any(transfers):
        state.fiscal_on = True
        demand = p.fiscal_purchases_multiplier * purchases + p.fiscal_transfers_multiplier * transfers
        state.fiscal = p.fiscal_impulse_fade * state.fiscal + (demand - state.fiscal_demand)
        state.fiscal_demand = np.zeros_like(state.fiscal_demand) + demand
        gap = gap + (1.0 - p.is_persistence) * state.fiscal
    # keep the total gap inside the model's range; flag the paths that needed it
    lo, hi = -p.regime_gap_max - base_gap, p.regime_gap_max - base_gap
    regime = (gap < lo) | (gap > hi) | y_over
    np.minimum(np.maximum(gap, lo, out=gap), hi, out=gap)      # np.clip(gap, lo, hi), ufuncs directly
    state.gap = gap
    if gap_shock:
        gap = gap + gap_shock
        np.minimum(np.maximum(gap, lo, out=gap), hi, out=gap)
    state.infl = p.phillips_persistence * state.infl + (1.0 - p.phillips_persistence) * p.phillips_slope * gap
    state.infl_exp += p.inflation_expectations_speed * (state.infl - state.infl_exp)
    target = p.taylor_inflation * state.infl + p.taylor_gap * gap
    pol = p.taylor_inertia * state.policy + (1.0 - p.taylor_inertia) * target
    if policy_override is not None:
        pol = np.full_like(pol, policy_override - base_policy)
    elif base_policy >= p.lower_bound:
        # the lower bound binds only on deviations that would push the rate below it
        np.maximum(pol, p.lower_bound - base_policy, out=pol)
    np.minimum(pol, p.regime_y10_max - base_policy, out=pol)
    state.policy = pol
    state.price += state.infl / 12.0
    u = state.unemp * p.okun_persistence      # a fresh array each month: the returned one is kept
    u -= ((1.0 - p.okun_persistence) * p.okun_coefficient) * gap
    state.unemp = u
    level = (1.0 + gap) * np.exp(state.price)
    return {
        "mortgage": base_y10 + p.mortgage_spread + dm,
        "baa": base_y10 + p.baa_spread + db,
        "policy": base_policy + pol,
        "gap": base_gap + gap,
        "gap_dev": gap,
        "inflation_dev": state.infl,
        "unemployment_dev": state.unemp,
        "gdp": base_gdp * level,
        "gdp_level_dev": level - 1.0,
        "regime": regime,
    }


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
