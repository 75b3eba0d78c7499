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


def test_four_partial_sums_by_hand():
    x, w = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0]), np.array([1.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    # s0 = 1 + 16 (the remainder goes to s0), s1 = 0, s2 = 4, s3 = 8: (17 + 0) + (4 + 8)
    assert coupled._dot4(x, w) == 29.0
    assert coupled._dot4(np.array([0.5]), np.array([1.0])) == 0.5


def test_yields_month_adds_the_event_caps_and_gives_the_macro_inputs_by_hand():
    y = np.array([[0.03, 0.03], [0.035, 0.035], [0.04, 0.04], [0.045, 0.19], [0.05, 0.21]])   # (5, 2)
    tp = np.array([0.0, 0.0, 0.0, 0.01, 0.02])
    regime = np.zeros(2, dtype=bool)
    dy10, jump, distrust = np.empty(2), np.empty(2), np.empty(2)
    coupled._yields_month(y, tp, 0.2, np.array([0.04]), np.array([0.001, 0.0]), 0.01, np.array([1.0, 0.75]),
                          regime, dy10, jump, distrust)
    # path 1's 10-year, 0.19 + 0.01, is not above the cap 0.2: nothing flagged, nothing capped
    assert regime.tolist() == [False, False]
    assert y[3] == pytest.approx([0.055, 0.2]) and y[4] == pytest.approx([0.07, 0.23])
    assert dy10 == pytest.approx([0.015, 0.16])
    # the event's own change (0.01) is no market jump
    assert jump == pytest.approx([0.015 - 0.001 - 0.01, 0.16 - 0.01])
    assert distrust == pytest.approx([0.0, 0.25])
    y[3, 1] = 0.25                         # a 10-year above the cap: every yield of every path capped
    coupled._yields_month(y, np.empty(0), 0.2, np.array([0.04, 0.05]), dy10.copy(), 0.0, np.ones(2), regime,
                          dy10, jump, distrust)
    assert regime.tolist() == [False, True]
    assert y.max() == 0.2 and y[4].tolist() == [0.07, 0.2]
    assert dy10 == pytest.approx([0.015, 0.15])


def test_to_fiscal_world_around_the_baseline_by_hand():
    # c: world on, no stated policy path, lower bound 0.001, Okun rho 0.5 and 0.25, events' deficit 1 %
    # of GDP, baseline bill 0.04, 3-month 0.041, primary deficit 100, inflation 0.02, revenue 400, GDP
    # 30,000, unemployment 0.045, 10-year 0.043
    c = np.array([1.0, 1.0, 0.001, 0.5, 0.25, 1.0, 0.04, 0.041, 100.0, 0.02, 400.0, 30000.0, 0.045, 0.043])
    mo = np.zeros((9, 1))
    mo[:, 0] = [0.06, 0.05, 0.0005, 0.01, 0.0, 0.002, 0.003, 30000.0, 0.0]   # OUT_ROWS
    y = np.full((5, 1), 0.05)
    u_world, regime = np.array([0.004]), np.zeros(1, dtype=bool)
    fin, win = np.empty((5, 1)), np.empty((5, 1))
    rows = [np.empty(1) for _ in range(7)]
    lvl = math.exp(0.01 + 0.02)
    coupled._to_fiscal(c, mo, np.array([True]), y, np.array([0.045]), np.array([0.042]), np.array([-0.001]),
                       np.array([0.01]), np.array([0.02]), np.array([0.003]), np.array([0.5]), np.array([0.002]),
                       u_world, regime, fin, win, *rows)
    policy, mortgage, baa, gap, level, infl, unemp = (r[0] for r in rows)
    assert regime[0] and mortgage == pytest.approx(0.062) and baa == pytest.approx(0.052)
    assert policy == pytest.approx(0.001)          # 0.0005 - 0.001, floored at the lower bound
    assert gap == pytest.approx(0.012) and infl == pytest.approx(0.005)
    assert level == pytest.approx(lvl - 1.0)
    # the world's unemployment: 0.5 x 0.004 - 0.25 x 0.002 = 0.0015, added to the block's 0.003
    assert u_world[0] == pytest.approx(0.0015) and unemp == pytest.approx(0.045 + 0.0045)
    gdp = 30000.0 * lvl
    assert fin[:, 0] == pytest.approx([0.04 + 0.009, 100.0 + 1.5 * gdp / 1200.0, gdp, 0.025, 400.0 * lvl])
    assert win[:, 0] == pytest.approx([gdp, 0.04 + 0.001, 100.0 + 0.5 * gdp / 1200.0, 0.023, 400.0 * lvl])


def test_month_end_deviations_supply_and_records_by_hand():
    # c: debt/GDP cap 2.0, 5 projection years, baseline deficit/GDP 0.06 and debt/GDP 1.0, tp10 base
    # 0.005 + event 0.001, event 0.001
    c = np.array([2.0, 5.0, 0.06, 1.0, 0.006, 0.001])
    debt_gdp, deficit, debt = np.array([1.1, 2.5]), np.array([200.0, 300.0]), np.array([33000.0, 75000.0])
    gdp, ni = np.array([30000.0, 30000.0]), np.array([100.0, 150.0])
    regime = np.zeros(2, dtype=bool)
    dev = [np.empty(2) for _ in range(4)]
    debt_prev = np.array([32900.0, 74000.0])
    ones = np.full((5, 2), 0.001)
    rows = [np.empty(2) for _ in range(11)]
    rows[8][:] = [500.0, 100.0]             # the foreign non-absorbers' holdings on entry
    coupled._month_end(c, debt_gdp, deficit, debt, ni, gdp, np.empty(0), np.empty(0), np.empty(0), regime, *dev,
                       debt_prev, ones * 30, ones, ones * 2, ones * 3, ones * 4, np.array([0.9, 1.0]),
                       np.array([0.01, 0.02]), np.empty(0), np.array([-200.0, -300.0]), *rows)
    deficit_dev, debt_now, debt_dev, supply = dev
    assert regime.tolist() == [False, True]                   # debt/GDP above the cap
    # deficit/GDP = 200 x 12 / 30,000 = 0.08: 2 pp above the baseline; debt 10 pp (path 1 capped: 100 pp)
    assert deficit_dev == pytest.approx([2.0, 6.0]) and debt_now == pytest.approx([10.0, 100.0])
    assert debt_dev == pytest.approx([10.0 + 5 * 2.0, 100.0 + 5 * 6.0])
    assert supply.tolist() == [100.0, 1000.0] and debt_prev.tolist() == debt.tolist()
    r_def, r_debt, r_ni, r_y10, r_flow, r_fis, r_tp10, r_esd, r_foff, r_trust, r_ev = rows
    assert r_def == pytest.approx([0.08, 0.12]) and r_debt.tolist() == [1.1, 2.5] and r_ni.tolist() == [1200.0, 1800.0]
    assert r_y10 == pytest.approx([0.03, 0.03]) and r_flow == pytest.approx([0.003, 0.003])
    assert r_fis == pytest.approx([0.007, 0.007]) and r_tp10 == pytest.approx([0.009, 0.009])
    assert r_esd.tolist() == [0.01, 0.02] and r_trust.tolist() == [0.9, 1.0] and r_ev.tolist() == [0.001, 0.001]
    assert r_foff.tolist() == [300.0, 0.0]                    # 500 - 200; 100 - 300 floored at 0
