"""Macro block: exact baseline reproduction, transmission size and signs, lower bound, regime caps."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model.macro import (
    MacroParams,
    MacroState,
    expected_avg_short_dev,
    run_exogenous,
    step,
)
from treasurylab.params import load_params
from treasurylab.params.macro_inputs import macro_baseline


@pytest.fixture(scope="module")
def p():
    return MacroParams.from_params(load_params("macro"))


@pytest.fixture(scope="module")
def base():
    return macro_baseline("2026-01", 120)


def test_baseline_interpolation_hits_cbo_annual_average_at_mid_year(base):
    # July 2026 sits half a month after the 2026 mid-year point: between the 2026 and 2027 values
    jul = base.months.index("2026-07")
    assert 0.04127 < base.y10[jul] < 0.04255
    # the mean of the monthly path over a year is close to CBO's annual average (linear interpolation)
    i = base.months.index("2028-01")
    assert abs(base.y10[i:i + 12].mean() - 0.04303934546) < 2e-4
    assert np.all(np.isfinite(base.inflation)) and np.all((base.inflation > 0.01) & (base.inflation < 0.04))


def test_no_shock_reproduces_cbo_exactly(p, base):
    r = run_exogenous(p, np.zeros((3, base.T)), base.y10, base.policy, base.gap, base.gdp)
    assert np.array_equal(r["policy"], np.broadcast_to(base.policy, (3, base.T)))
    assert np.array_equal(r["gap"], np.broadcast_to(base.gap, (3, base.T)))
    assert np.array_equal(r["gdp"], np.broadcast_to(base.gdp, (3, base.T)))
    assert np.allclose(r["mortgage"] - base.y10, p.mortgage_spread, atol=1e-15)


def test_term_premium_shock_size_and_signs(p, base):
    shock = np.full((1, base.T), 0.01)
    r = run_exogenous(p, shock, base.y10, base.policy, base.gap, base.gdp)
    gdp8q = r["gap_dev"][0, 23] * 100
    assert -1.0 <= gdp8q <= -0.5
    # the Fed cuts in response, inflation falls, mortgages move one for one with the 10y (no stress)
    assert r["policy"][0, 23] < base.policy[23]
    assert r["inflation_dev"][0, 23] < 0
    assert r["mortgage"][0, 23] - p.mortgage_spread == pytest.approx(base.y10[23] + r["dy10"][0, 23], abs=1e-12)
    # a bigger shock does more harm (monotone)
    r2 = run_exogenous(p, 2 * shock, base.y10, base.policy, base.gap, base.gdp)
    assert r2["gap_dev"][0, 23] < r["gap_dev"][0, 23]


def test_stress_widens_spreads(p):
    st = MacroState.zeros(2)
    out = step(st, p, dy10=np.zeros(2), stress=np.array([0.0, 1.0]), base_y10=0.04, base_policy=0.03,
               base_gap=0.0, base_gdp=30000.0)
    assert out["mortgage"][1] - out["mortgage"][0] == pytest.approx(p.mortgage_spread_stress)
    assert out["baa"][1] - out["baa"][0] == pytest.approx(p.baa_spread_stress)


def test_lower_bound_binds_and_extremes_stay_finite(p, base):
    # a huge easing shock (10y down 10 pp) must not push the policy rate below the lower bound
    r = run_exogenous(p, np.full((1, base.T), -0.10), base.y10, base.policy, base.gap, base.gdp)
    assert r["policy"].min() >= p.lower_bound - 1e-15
    # a 20%-plus 10y: capped, flagged, finite
    r = run_exogenous(p, np.full((1, base.T), 0.5), base.y10, base.policy, base.gap, base.gdp)
    for k, v in r.items():
        assert np.all(np.isfinite(np.asarray(v, dtype=float))), k
    assert r["regime"].any()
    assert np.all(np.abs(r["gap"]) <= p.regime_gap_max + 1e-12)


def test_expected_path_fades(p):
    d = np.array([0.01])
    two = expected_avg_short_dev(d, 24, p.expected_policy_persistence)
    ten = expected_avg_short_dev(d, 120, p.expected_policy_persistence)
    assert 0 < ten[0] < two[0] < 0.01


def test_baseline_window_checked():
    with pytest.raises(BadInput, match="start/horizon"):
        macro_baseline("2030-01", 120)
    with pytest.raises(BadInput, match="start"):
        macro_baseline("20x0-01", 12)


def test_zero_weights_rejected():
    ps = load_params("macro", {"fci_weights": {"y10": 0, "mortgage": 0, "baa": 0}})
    with pytest.raises(BadInput, match="fci_weights"):
        MacroParams.from_params(ps)
