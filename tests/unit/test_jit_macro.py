"""The compiled macro twin against the numpy reference (``stress_index`` then ``macro.step``).

Both run side by side on deep copies of the same state for 150 months of seeded random inputs on
the shipped scenarios' parameters and baseline, sized to reach the rare branches: the regime cap on
the gap from both sides, the exogenous gap shock, the policy rate's lower bound (and a baseline
below it, where the bound is off), the cap on the policy rate, and stress from both the 10-year's
jump and distrust out of [0, 1]. Every output and every state field is compared each month.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import pytest

pytest.importorskip("numba", reason="the compiled kernels need numba (the [fast] extra)")

from treasurylab.model import macro as R  # noqa: E402
from treasurylab.model.jit import macro as J  # noqa: E402
from treasurylab.scenario.setup import prepare  # noqa: E402
from treasurylab.scenario.spec import load_scenario  # noqa: E402

N = 512
MONTHS = 150


@pytest.fixture(scope="module", params=["davos-2026", "rare-earth-cutoff"])
def setup(request):
    return prepare(load_scenario(request.param).with_(horizon=120))


def close(got, want, what: str) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, what
    if want.dtype.kind == "b":
        assert got.dtype.kind == "b", what
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    fin = np.isfinite(want)
    scale = float(np.max(np.abs(want[fin]))) if fin.any() else 1.0
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12 * max(scale, 1e-300), err_msg=what)


def start_state(rng, n: int) -> R.MacroState:
    """Zeros, except a few paths started far from the baseline (the policy cap, a deep gap)."""
    st = R.MacroState.zeros(n)
    k = n // 16
    st.policy[:k] = rng.uniform(0.15, 0.4, k)
    st.gap[k:2 * k] = rng.uniform(-0.3, 0.3, k)
    st.infl[2 * k:3 * k] = rng.normal(0.0, 0.03, k)
    st.lag2[3 * k:4 * k] = rng.normal(0.0, 0.05, k)
    return st


def test_macro_step_matches_reference(setup):
    S, p = setup, setup.macro
    rng = np.random.default_rng(17)
    st_ref = start_state(rng, N)
    st_jit = copy.deepcopy(st_ref)
    # per path: a persistent 10-year deviation (some paths far below or above the baseline), plus noise
    level = rng.choice([0.0, 0.0, 0.02, -0.3, 0.3], N)
    dy10_prev = np.zeros(N)
    trust = np.ones(N)
    seen = {"cap_hi": 0, "cap_lo": 0, "lb": 0, "lb_off": 0, "pol_cap": 0, "jump": 0, "distrust": 0}
    for t in range(MONTHS):
        k = min(t, S.T - 1)
        dy10 = level + rng.normal(0.0, 0.003, N)
        dy10[rng.random(N) < 0.05] += rng.uniform(0.0, 0.02)           # sudden rises: stress from the jump
        trust = np.clip(trust + 0.05 * (1 - trust) - np.where(rng.random(N) < 0.03, 0.5, 0.0), 0, 1)
        distrust = 1.0 - trust
        if t % 9 == 4:
            distrust = rng.uniform(-0.3, 1.3, N)                        # outside [0, 1]: clipped
        base_policy = float(S.base_policy[k])
        if 60 <= t < 75:
            base_policy = 0.5 * p.lower_bound                           # a baseline below the bound
        shock = float(S.gap_shock[k]) + (float(rng.choice([0.0, 0.0, -0.01, 0.04])) if t % 3 else 0.0)
        kw = dict(base_y10=float(S.yields[S.k0 + k, 3]), base_policy=base_policy,
                  base_gap=float(S.base_gap[k]), base_gdp=float(S.ngdp[S.k0 + k]), gap_shock=shock)
        stress = R.stress_index(dy10 - dy10_prev, distrust, p)
        want = R.step(st_ref, p, dy10=dy10.copy(), stress=stress, **kw)
        got = J.step(st_jit, p, dy10=dy10, distrust=distrust, dy10_prev=dy10_prev, **kw)
        assert set(got) == set(want)
        for key in want:
            close(got[key], want[key], f"month {t}: {key}")
        for f in fields(R.MacroState):
            close(getattr(st_jit, f.name), getattr(st_ref, f.name), f"month {t}: state.{f.name}")
        seen["cap_hi"] += int((want["regime"] & (want["gap_dev"] > 0)).sum())
        seen["cap_lo"] += int((want["regime"] & (want["gap_dev"] < 0)).sum())
        at_lb = np.isclose(st_ref.policy, p.lower_bound - base_policy, rtol=0, atol=1e-15)
        if base_policy >= p.lower_bound:
            seen["lb"] += int(at_lb.sum())
        else:
            seen["lb_off"] += int((want["policy"] < p.lower_bound).sum())
        seen["pol_cap"] += int((st_ref.policy == p.regime_y10_max - base_policy).sum())
        seen["jump"] += int((stress > distrust.clip(0, 1)).sum())
        seen["distrust"] += int((stress > 0).sum() - (stress > distrust.clip(0, 1)).sum())
        dy10_prev = dy10
    assert all(v > 0 for v in seen.values()), seen


def test_macro_step_scalar_inputs(setup):
    """Scalars where the reference allows them (a uniform 10-year deviation, no distrust)."""
    S, p = setup, setup.macro
    st_ref = R.MacroState.zeros(5)
    st_jit = copy.deepcopy(st_ref)
    prev = 0.0
    for t in range(24):
        dy10 = 0.001 * t
        kw = dict(base_y10=float(S.yields[S.k0 + t, 3]), base_policy=float(S.base_policy[t]),
                  base_gap=float(S.base_gap[t]), base_gdp=float(S.ngdp[S.k0 + t]))
        want = R.step(st_ref, p, dy10=np.full(5, dy10), stress=R.stress_index(np.full(5, dy10 - prev), np.zeros(5), p), **kw)
        got = J.step(st_jit, p, dy10=dy10, distrust=0.0, dy10_prev=prev, **kw)
        for key in want:
            close(got[key], want[key], f"month {t}: {key}")
        for f in fields(R.MacroState):
            close(getattr(st_jit, f.name), getattr(st_ref, f.name), f"month {t}: state.{f.name}")
        prev = dy10


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_non_finite_values_propagate_as_in_the_reference(setup):
    """NaN and infinities (the coupled run lets them through and flags the path at the end)."""
    S, p = setup, setup.macro
    rng = np.random.default_rng(9)
    st_ref = R.MacroState.zeros(16)
    st_jit = copy.deepcopy(st_ref)
    prev = np.zeros(16)
    for t in range(12):
        dy10 = rng.normal(0.0, 0.01, 16)
        dy10[:3] = [np.nan, np.inf, -np.inf]
        distrust = rng.uniform(0.0, 1.0, 16)
        distrust[3:5] = [np.nan, np.inf]
        kw = dict(base_y10=float(S.yields[S.k0 + t, 3]), base_policy=float(S.base_policy[t]),
                  base_gap=float(S.base_gap[t]), base_gdp=float(S.ngdp[S.k0 + t]),
                  gap_shock=np.nan if t == 5 else 0.0)
        want = R.step(st_ref, p, dy10=dy10.copy(), stress=R.stress_index(dy10 - prev, distrust, p), **kw)
        got = J.step(st_jit, p, dy10=dy10, distrust=distrust, dy10_prev=prev, **kw)
        for key in want:
            close(got[key], want[key], f"month {t}: {key}")
        for f in fields(R.MacroState):
            close(getattr(st_jit, f.name), getattr(st_ref, f.name), f"month {t}: state.{f.name}")
        prev = dy10
