"""Compiled twin of the macro block's month: the stress index fused with ``model.macro.step``.

Role
----
:func:`step` does what ``model/coupled.py`` does in its step 4 with the numpy reference,
``macro.step(state, p, dy10=dy10, stress=macro.stress_index(dy10 - dy10_prev, distrust, p), ...)``,
in one compiled loop over paths: the stress index, the spreads, the IS curve's two lag stages, the
regime cap on the gap, the exogenous gap shock, the Phillips curve, inflation expectations, the
Taylor rule with its lower bound and cap, the price level and the levels returned. The equations
are those of ``model/macro.py``'s docstring, evaluated per path in the reference's order.

State and outputs
-----------------
Every field of ``MacroState`` ends with the reference's values; the twin writes them into the
existing arrays in place (the reference rebinds ``gap``, ``infl`` and ``policy`` to new arrays and
updates the others in place). The returned dict has the reference's keys; its arrays are new (rows
of one block allocated per call, plus the boolean ``regime``), so unlike the reference's,
``inflation_dev`` and ``gap_dev`` are not the state's own arrays. Preconditions (not checked; the
coupled run's arrays meet them): the state's seven arrays are distinct, writable float64 (N,)
arrays; ``dy10``, ``distrust`` and ``dy10_prev`` are scalars or have N values; ``distrust`` is
``1 - trust`` (clipped to [0, 1] here, as in ``stress_index``). No fallback: every branch is compiled.
"""

from __future__ import annotations

import math

import numpy as np

from treasurylab.model.jit import njit
from treasurylab.model.jit.market import _path, _rows
from treasurylab.model.macro import MacroParams, MacroState

_KEYS = ("mortgage", "baa", "policy", "gap", "gap_dev", "inflation_dev", "gdp", "gdp_level_dev")


def _constants(p: MacroParams) -> np.ndarray:
    """The parameters as one float64 array for the kernel, the compound factors formed as the
    reference forms them; cached on the (frozen) parameters object."""
    c = p.__dict__.get("_jit_constants")
    if c is None:
        c = np.array([
            p.stress_yield_jump, p.mortgage_spread_stress, p.baa_spread_stress, p.w10, p.wm, p.wb,
            p.is_lag_speed, p.is_persistence, (1.0 - p.is_persistence) * p.is_rate_sensitivity,
            p.regime_gap_max, p.phillips_persistence, (1.0 - p.phillips_persistence) * p.phillips_slope,
            p.inflation_expectations_speed, p.taylor_inflation, p.taylor_gap, p.taylor_inertia,
            1.0 - p.taylor_inertia, p.lower_bound, p.regime_y10_max, p.mortgage_spread, p.baa_spread,
        ], dtype=np.float64)
        object.__setattr__(p, "_jit_constants", c)
    return c


@njit
def _macro_kernel(dy10, s_dy, dis, s_dis, prev, s_prev, c, base_y10, base_policy, base_gap, base_gdp,
                  shock, gap_s, infl_s, ie_s, pol_s, l1_s, l2_s, price_s, out, regime):
    jump_scale, sms, sbs, w10, wm, wb = c[0], c[1], c[2], c[3], c[4], c[5]
    lag_speed, is_rho, is_coef, gap_max = c[6], c[7], c[8], c[9]
    ph_rho, ph_coef, ie_speed, t_pi, t_gap, inertia, inertia_c = c[10], c[11], c[12], c[13], c[14], c[15], c[16]
    lb, y10_max = c[17], c[18]
    # this month's bounds and constant terms, as the reference forms them from the baseline
    ycap = y10_max - base_y10
    lo = -gap_max - base_gap
    hi = gap_max - base_gap
    lb_on = base_policy >= lb
    pol_lo = lb - base_policy
    pol_hi = y10_max - base_policy
    c_m = base_y10 + c[19]
    c_b = base_y10 + c[20]
    shock_on = shock != 0.0            # the reference's ``if gap_shock``: NaN counts too
    n = gap_s.shape[0]
    for i in range(n):
        y = dy10[i * s_dy]
        # stress_index: the larger of the clipped jump and the clipped distrust
        jump = (y - prev[i * s_prev]) / jump_scale
        jump = np.minimum(np.maximum(jump, 0.0), 1.0)
        d = np.minimum(np.maximum(dis[i * s_dis], 0.0), 1.0)
        stress = np.maximum(jump, d)
        # spreads and the real long-rate index
        y = np.minimum(y, ycap)
        dm = y + sms * stress
        db = y + sbs * stress
        r = w10 * y + wm * dm + wb * db - ie_s[i]
        l1 = l1_s[i]
        l1 += lag_speed * (r - l1)
        l1_s[i] = l1
        l2 = l2_s[i]
        l2 += lag_speed * (l1 - l2)
        l2_s[i] = l2
        # IS curve, capped to the model's range (the cap is flagged, not silent)
        gap = is_rho * gap_s[i] - is_coef * l2
        regime[i] = gap < lo or gap > hi
        gap = np.minimum(np.maximum(gap, lo), hi)
        gap_s[i] = gap
        if shock_on:
            gap = np.minimum(np.maximum(gap + shock, lo), hi)
        # Phillips curve, expectations, Taylor rule
        infl = ph_rho * infl_s[i] + ph_coef * gap
        infl_s[i] = infl
        ie = ie_s[i]
        ie += ie_speed * (infl - ie)
        ie_s[i] = ie
        target = t_pi * infl + t_gap * gap
        pol = inertia * pol_s[i] + inertia_c * target
        if lb_on:
            pol = np.maximum(pol, pol_lo)
        pol = np.minimum(pol, pol_hi)
        pol_s[i] = pol
        price = price_s[i] + infl / 12.0
        price_s[i] = price
        level = (1.0 + gap) * math.exp(price)
        out[0, i] = c_m + dm
        out[1, i] = c_b + db
        out[2, i] = base_policy + pol
        out[3, i] = base_gap + gap
        out[4, i] = gap
        out[5, i] = infl
        out[6, i] = base_gdp * level
        out[7, i] = level - 1.0


def step(state: MacroState, p: MacroParams, *, dy10, distrust, dy10_prev, base_y10: float,
         base_policy: float, base_gap: float, base_gdp: float, gap_shock: float = 0.0) -> dict:
    """``macro.step(state, p, dy10=dy10, stress=stress_index(dy10 - dy10_prev, distrust, p), ...)``,
    compiled; updates ``state`` in place and returns the reference's dict (module docstring).
    """
    n = state.gap.shape[0]
    dy, s_dy = _path(dy10, n)
    dis, s_dis = _path(distrust, n)
    prev, s_prev = _path(dy10_prev, n)
    out = _rows(8, n)
    regime = np.empty(n, dtype=np.bool_)
    _macro_kernel(dy, s_dy, dis, s_dis, prev, s_prev, _constants(p), float(base_y10), float(base_policy),
                  float(base_gap), float(base_gdp), float(gap_shock), state.gap, state.infl, state.infl_exp,
                  state.policy, state.lag1, state.lag2, state.price, out, regime)
    res = dict(zip(_KEYS, out[:, :n]))
    res["regime"] = regime
    return res
