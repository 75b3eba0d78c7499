"""The month's compiled kernels of macro, reserves and coupled.holders_month, on small inputs whose
answers are worked out here by hand from the equations in each module's docstring."""

from __future__ import annotations

import math

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model import coupled
from treasurylab.model import reserves as R
from treasurylab.model.macro import MacroParams, MacroState, step, stress_index
from treasurylab.units import OZ_PER_TONNE

TESTS = ("treasurylab.model.coupled",)      # its month kernels, tested here beside macro's and reserves'


def _params(**kw) -> MacroParams:
    """Round numbers, so that a month can be followed by hand."""
    p = dict(mortgage_spread=0.017, mortgage_spread_stress=0.02, baa_spread=0.01, baa_spread_stress=0.04,
             w10=0.5, wm=0.25, wb=0.25, wf=0.0, is_persistence=0.5, is_lag_speed=0.5, is_rate_sensitivity=1.0,
             phillips_slope=0.2, phillips_persistence=0.5, inflation_expectations_speed=0.5,
             taylor_inflation=1.5, taylor_gap=0.5, taylor_inertia=0.5, lower_bound=0.00125,
             expected_policy_persistence=0.9, stress_yield_jump=0.01, stress_jump_floor=0.002,
             stress_max_rise=0.25, stress_persistence=0.5, fiscal_purchases_multiplier=1.0,
             fiscal_transfers_multiplier=0.5, fiscal_impulse_fade=0.5, okun_coefficient=0.5,
             okun_persistence=0.5, regime_y10_max=0.2, regime_gap_max=0.1)
    p.update(kw)
    return MacroParams(**p)


def test_one_macro_month_by_hand():
    p = _params()
    st = MacroState.zeros(2)
    out = step(st, p, dy10=np.array([0.01, 0.0]), stress=np.array([0.0, 0.5]), base_y10=0.04,
               base_policy=0.03, base_gap=0.0, base_gdp=30000.0)
    # path 0: r = 0.01 (weights sum to 1, no stress); lag1 = 0.005, lag2 = 0.0025;
    # gap = -(1 - 0.5) * 1 * 0.0025 = -0.00125; inflation = 0.5 * 0.2 * gap = -0.000125;
    # policy = 0.5 * (1.5 * -0.000125 + 0.5 * -0.00125) = -0.00040625 (above the bound's room)
    assert st.lag1[0] == pytest.approx(0.005) and st.lag2[0] == pytest.approx(0.0025)
    assert out["gap_dev"][0] == pytest.approx(-0.00125)
    assert out["inflation_dev"][0] == pytest.approx(-0.000125)
    assert out["policy"][0] == pytest.approx(0.03 - 0.00040625)
    assert out["mortgage"][0] == pytest.approx(0.04 + 0.017 + 0.01)
    # unemployment: -(1 - 0.5) * 0.5 * gap; GDP: (1 + gap) exp(inflation / 12)
    assert out["unemployment_dev"][0] == pytest.approx(0.0003125)
    assert out["gdp"][0] == pytest.approx(30000.0 * (1 - 0.00125) * math.exp(-0.000125 / 12))
    # path 1: stress 0.5 widens mortgage by 0.01, Baa by 0.02; r = 0.25 * 0.01 + 0.25 * 0.02 = 0.0075
    assert out["mortgage"][1] == pytest.approx(0.04 + 0.017 + 0.01)
    assert out["baa"][1] == pytest.approx(0.04 + 0.01 + 0.02)
    assert st.lag1[1] == pytest.approx(0.00375)
    assert not out["regime"].any()


def test_macro_fiscal_impulse_gap_shock_override_and_caps_by_hand():
    p = _params()
    st = MacroState.zeros(3)
    out = step(st, p, dy10=np.array([0.0, 0.0, 0.5]), stress=np.zeros(3), base_y10=0.04, base_policy=0.03,
               base_gap=0.0, base_gdp=1.0, gap_shock=0.002, purchases=0.01, transfers=np.array([0.0, 0.02, 0.0]),
               policy_override=0.05)
    # demand D = 1 * 0.01 + 0.5 * tr; fi = D (nothing before); gap = (1 - 0.5) fi, then + the gap shock
    assert st.fiscal[:2] == pytest.approx([0.01, 0.02])
    assert st.gap[:2] == pytest.approx([0.005, 0.01])                 # the IS state, without the shock
    assert out["gap_dev"][:2] == pytest.approx([0.007, 0.012])
    assert out["policy"] == pytest.approx([0.05] * 3)                  # the override's level, every path
    # path 2: a 50 pp 10-year is capped at regime_y10_max - base (0.16) and flagged
    assert out["regime"].tolist() == [False, False, True]
    assert out["mortgage"][2] == pytest.approx(0.04 + 0.017 + 0.16)
    # next month the impulse fades by half while the demand stays: fi = 0.5 fi
    step(st, p, dy10=np.zeros(3), stress=np.zeros(3), base_y10=0.04, base_policy=0.03, base_gap=0.0,
         base_gdp=1.0, purchases=0.01, transfers=np.array([0.0, 0.02, 0.0]))
    assert st.fiscal[:2] == pytest.approx([0.005, 0.01])


def test_stress_computed_in_the_step_is_the_stress_index():
    p = _params()
    # jump share (0.006 - 0.002) / 0.008 = 0.5; distrust 0.1: target 0.5; the rise is capped at 0.25
    assert float(stress_index(0.006, 0.1, p, 0.0)) == pytest.approx(0.25)
    # decay: target 0 against 0.5 * 0.8 = 0.4 (within 0.8 + 0.25)
    assert float(stress_index(0.0, 0.0, p, 0.8)) == pytest.approx(0.4)
    st = MacroState.zeros(2)
    st.stress[:] = [0.0, 0.8]
    out = step(st, p, dy10=np.zeros(2), stress_jump=np.array([0.006, 0.0]), distrust=np.array([0.1, 0.0]),
               base_y10=0.04, base_policy=0.03, base_gap=0.0, base_gdp=1.0)
    assert st.stress == pytest.approx([0.25, 0.4])                     # kept in the state
    assert out["baa"] - 0.05 == pytest.approx([0.04 * 0.25, 0.04 * 0.4])
    with pytest.raises(BadInput, match="stress"):
        step(st, p, dy10=np.zeros(2), base_y10=0.04, base_policy=0.03, base_gap=0.0, base_gdp=1.0)
    with pytest.raises(BadInput, match="dy10"):
        step(st, p, dy10=np.zeros(3), stress=0.0, base_y10=0.04, base_policy=0.03, base_gap=0.0, base_gdp=1.0)


def _reserves(**kw) -> R.ReservesParams:
    base = dict(names=("A", "B"), gold0_t=np.array([100.0, 50.0]), base_t_per_month=np.array([1.0, 2.0]),
                response_t_per_month=np.array([10.0, 4.0]), nondollar_per_month=np.array([0.0, 0.01]),
                reserves_usd_bn=np.array([1000.0, 500.0]), holder_index=np.array([0, -1]), usd_share=0.5,
                tsy_share=0.5, price0=4000.0, eta=1.0, annual_demand_t=5000.0, rate_semi_elasticity=-0.1)
    base.update(kw)
    return R.ReservesParams(**base)


def test_reserves_month_per_manager_signal_and_rates_by_hand():
    rp = _reserves()
    rs = R.init_reserves(rp, 2)
    sig = np.array([[1.0, 0.5], [-1.0, 0.0]])          # a negative signal buys nothing extra
    out = R.reserves_step(rp, rs, signal=sig, dev10_pp=np.array([1.0, 0.0]))
    # path 0: extra = (10, 2) tonnes; D = 12 / 5000; price = 4000 exp(D - 0.1 * 1 pp)
    assert out.buy_t[0] == pytest.approx([11.0, 4.0]) and out.gold_t[0] == pytest.approx([111.0, 54.0])
    p0 = 4000.0 * math.exp(12.0 / 5000.0 - 0.1)
    assert out.price[0] == pytest.approx(p0)
    # Treasuries sold: 0.25 x (extra tonnes x price x oz per tonne / 1e9 + 0.01 x 0.5 x 500)
    assert out.treasury_sales_bn[0] == pytest.approx([0.25 * 10.0 * p0 * OZ_PER_TONNE / 1e9,
                                                      0.25 * (2.0 * p0 * OZ_PER_TONNE / 1e9 + 2.5)])
    # path 1: baseline buying only, the price on its start, nothing sold
    assert out.buy_t[1] == pytest.approx([1.0, 2.0]) and out.price[1] == pytest.approx(4000.0)
    assert np.all(out.treasury_sales_bn[1] == 0.0)
    assert rs.gold_t == pytest.approx(out.gold_t) and rs.t == 1
    with pytest.raises(BadInput, match="signal"):
        R.reserves_step(rp, rs, signal=np.zeros(3))


def test_holders_month_sums_by_hand():
    sales = np.array([[2.0, 5.0, 3.0]])
    surprise = np.array([[1.0, -2.0, 3.0]])
    expected = np.array([[0.5, 1.0, -4.0]])
    frozen = np.array([False, True, False])
    insens, foreign = np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 1.0])
    held, sold = np.full((1, 3), 10.0), np.zeros(1)
    sur, exp_ = np.empty(1), np.empty(1)
    coupled._holders_sums(sales, surprise, expected, frozen, insens, foreign, held, sold, True, sur, exp_)
    # the frozen holder's flows are zeroed; scenario sales e = expected + surprise = (1.5, 0, -1)
    assert sales.tolist() == [[2.0, 0.0, 3.0]] and surprise[0, 1] == 0.0 and expected[0, 1] == 0.0
    assert held.tolist() == [[11.5, 10.0, 9.0]]
    assert sold.tolist() == [1.5]            # foreign: max(1.5, 0) + max(-1, 0)
    assert sur.tolist() == [1.0] and exp_.tolist() == [0.5]     # price-insensitive holders 0 and 1
    # outside the 24-month window and without an expected part: only the surprise counts
    coupled._holders_sums(sales, surprise, np.empty((0, 0)), np.empty(0, dtype=bool), insens, foreign, held,
                          sold, False, sur, exp_)
    assert held.tolist() == [[12.5, 10.0, 12.0]] and sold.tolist() == [1.5]
    assert sur.tolist() == [1.0] and exp_.tolist() == [0.0]
