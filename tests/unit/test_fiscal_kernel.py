"""Fiscal kernel: hand-sized analytical cases, accounting identities (hypothesis), bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treasurylab.errors import BadInput
from treasurylab.model import fiscal as F

PARAMS = {"other_interest_offset": 0.0, "tips_breakeven": 0.02, "frn_spread": 0.001,
          "stabiliser_semi_elasticity": 0.35, "revenue_share_gdp": 0.17}
BILLS = {"b1m": 0.3, "b2m": 0.2, "b3m": 0.2, "b4m": 0.1, "b6m": 0.1, "b12m": 0.1}
COUPONS = {k: 1.0 / len(F.COUPON_KEYS) for k in F.COUPON_KEYS}
CURVE = np.array([0.03, 0.035, 0.038, 0.042, 0.046])


def ladder(nominal=None, coupon=None, bills=None, tips=None, tips_cpn=None, frn=None, spread=0.001):
    z = np.zeros(361)
    return F.Ladder(z.copy() if nominal is None else nominal, z.copy() if coupon is None else coupon,
                    np.zeros(13) if bills is None else bills, z.copy() if tips is None else tips,
                    z.copy() if tips_cpn is None else tips_cpn, np.zeros(25) if frn is None else frn,
                    spread, "2025-10")


def one(k: int, amount: float, rate: float, n: int = 361) -> tuple[np.ndarray, np.ndarray]:
    a = np.zeros(n)
    a[k] = amount
    return a, a * rate


def run_months(lad, T, mix=None, params=PARAMS, full=True, **inputs):
    mix = mix or F.make_mix(0.2, BILLS, COUPONS)
    state = F.init_state(lad, 1, T, params, full_calendar=full)
    outs = []
    for t in range(T):
        kw = {k: (v[t] if np.ndim(v) > (1 if k == "yields" else 0) else v) for k, v in inputs.items()}
        args = {"yields": CURVE, "bill_rate": 0.03, "primary_deficit": 0.0, "ngdp": 30000.0, "inflation": 0.0}
        args.update(kw)
        outs.append(F.step(state, t, mix=mix, **args))
    return state, outs


# ---- analytical cases ------------------------------------------------------------------------------
def test_a_note_pays_its_coupon_every_month_until_it_matures():
    due, cpn = one(23, 1000.0, 0.04)
    # a primary surplus equal to the coupon keeps the deficit at zero, so nothing new is issued
    _, outs = run_months(ladder(due, cpn), 24, primary_deficit=-1000.0 * 0.04 / 12.0)
    interest = np.array([o["interest_gross"][0] for o in outs])
    assert interest[:24] == pytest.approx(1000.0 * 0.04 / 12.0, rel=1e-12)
    # it is repaid in month 23 and rolled over at the curve: debt unchanged, no deficit
    assert outs[23]["rollover"][0] == pytest.approx(1000.0)
    assert outs[23]["debt"][0] == pytest.approx(1000.0)


def test_new_issues_are_priced_linear_in_maturity_between_the_bill_rate_and_the_curve():
    """Knots: {3 months: the bill rate} U {curve tenors beyond 3 months} (the curve's own 3-month
    yield is not one), linear in maturity between them, flat beyond the ends; per path."""
    state = F.init_state(ladder(), 2, 1, PARAMS)          # curve tenors 3, 24, 60, 120, 360 months
    curve = np.array([[0.03, 0.035, 0.038, 0.042, 0.046], [0.09, 0.02, 0.05, 0.06, 0.04]])
    bill_rate = np.array([0.025, 0.005])
    bills, coupons = F.price_curve(state, curve, bill_rate)
    for p in (0, 1):
        b, y24, y60, y120, y360 = bill_rate[p], *curve[p, 1:]
        # 1, 2, 3 months: the bill rate; 4, 6, 12 months: 1/21, 3/21, 9/21 of the way to 24 months
        want_b = [b, b, b, b + (y24 - b) / 21, b + (y24 - b) * 3 / 21, b + (y24 - b) * 9 / 21]
        # 2, 3, 5, 7, 10, 20, 30 y; TIPS 5, 10, 30 y; FRN 2 y
        want_c = [y24, y24 + (y60 - y24) / 3, y60, y60 + (y120 - y60) * 0.4, y120, (y120 + y360) / 2, y360,
                  y60, y120, y360, y24]
        np.testing.assert_allclose(bills[:, p], want_b, rtol=1e-14)
        np.testing.assert_allclose(coupons[:, p], want_c, rtol=1e-14)
    # one curve for every path, and a scalar bill rate, give the same numbers as per-path copies
    one = F.price_curve(state, curve[0], 0.025)
    full = F.price_curve(state, np.tile(curve[0], (2, 1)), np.full(2, 0.025))
    assert all(np.array_equal(a, b) for a, b in zip(one, full))
    # a month's new 6-month bills earn that yield: its coupon flow starts next month, ends after 6
    st1 = F.init_state(ladder(), 1, 12, PARAMS, full_calendar=True)
    mix = F.make_mix(1.0, {"b6m": 1.0}, COUPONS)
    F.step(st1, 0, curve[0], 0.025, 100.0, 30000.0, 0.0, mix)
    r6 = 0.025 + (0.035 - 0.025) * 3 / 21
    assert st1.bill_due[6, 0] == pytest.approx(100.0) and st1.due[6, 0] == st1.bill_due[6, 0]
    assert st1.cpn_delta[1, 0] == pytest.approx(100.0 * r6) and st1.cpn_delta[7, 0] == -st1.cpn_delta[1, 0]


def test_wam_counts_down_one_month_per_month_without_issuance():
    due, cpn = one(30, 500.0, 0.0)
    _, outs = run_months(ladder(due, cpn), 3)   # zero coupon, zero primary deficit: no issuance
    assert [o["wam"][0] for o in outs] == pytest.approx([30.0, 29.0, 28.0])
    assert F.Ladder.wam_months.fget(ladder(due, cpn)) == pytest.approx(31.0)


def test_bill_issuance_keeps_the_bill_share_on_target():
    due, cpn = one(100, 1000.0, 0.03)
    _, outs = run_months(ladder(due, cpn), 12, primary_deficit=50.0)
    assert outs[-1]["bill_share"][0] == pytest.approx(0.2, abs=1e-12)
    assert outs[-1]["debt"][0] == pytest.approx(1000.0 + sum(o["deficit"][0] for o in outs))


def test_tips_principal_accrues_with_inflation_and_is_interest():
    tips, _ = one(200, 1000.0, 0.0)
    _, outs = run_months(ladder(tips=tips), 12, inflation=0.03, yields=np.zeros(5), bill_rate=0.0)
    monthly = 1.03 ** (1 / 12) - 1
    assert outs[0]["tips_accrual"][0] == pytest.approx(1000.0 * monthly, rel=1e-12)
    assert outs[-1]["debt"][0] == pytest.approx(1000.0 * 1.03, rel=1e-12)
    assert sum(o["interest_gross"][0] for o in outs) == pytest.approx(30.0, rel=1e-9)


def test_frn_coupon_resets_with_the_bill_rate():
    frn = np.zeros(25)
    frn[20] = 600.0
    rates = np.array([0.03, 0.05, 0.05])
    _, outs = run_months(ladder(frn=frn, spread=0.001), 3, bill_rate=rates,
                         primary_deficit=-600 * np.array([0.031, 0.051, 0.051]) / 12)
    got = [o["interest_gross"][0] for o in outs]
    assert got == pytest.approx([600 * 0.031 / 12, 600 * 0.051 / 12, 600 * 0.051 / 12], rel=1e-12)


def test_stabilisers_raise_the_primary_deficit_in_a_negative_gap():
    due, cpn = one(100, 1000.0, 0.0)
    _, outs = run_months(ladder(due, cpn), 1, primary_deficit=10.0, output_gap=-0.02, ngdp=24000.0)
    assert outs[0]["primary_deficit"][0] == pytest.approx(10.0 + 0.35 * 0.02 * 24000.0 / 12.0)


def test_other_interest_offset_is_a_share_of_gdp():
    due, cpn = one(100, 1000.0, 0.06)
    p = dict(PARAMS, other_interest_offset=0.001)
    _, outs = run_months(ladder(due, cpn), 1, params=p, ngdp=12000.0)
    assert outs[0]["net_interest"][0] == pytest.approx(5.0 - 1.0)


def test_interest_paid_to_the_fed_stays_in_net_interest():
    due, cpn = one(100, 1000.0, 0.06)
    _, outs = run_months(ladder(due, cpn), 1, fed_share=0.15)
    assert outs[0]["interest_to_fed"][0] == pytest.approx(0.15 * 5.0)
    assert outs[0]["net_interest"][0] == pytest.approx(5.0)   # offset 0: all interest, the Fed's included


def test_ladders_are_copied_and_read_only():
    due, cpn = one(10, 100.0, 0.05)
    lad = ladder(due, cpn)
    due[10] = 5.0                                    # the caller's array is not the ladder's
    assert lad.nominal_due[10] == 100.0
    with pytest.raises(ValueError):
        lad.nominal_due[10] = 1.0


def test_surplus_buys_back_debt_pro_rata_and_keeps_principal_non_negative():
    due = np.zeros(361)
    due[[50, 150]] = [400.0, 600.0]
    state, outs = run_months(ladder(due, due * 0.05), 2, primary_deficit=-1200.0)
    assert outs[0]["debt"][0] == pytest.approx(0.0, abs=1e-9)
    assert outs[0]["excess_surplus"][0] == pytest.approx(1200.0 - 1000.0 - 1000 * 0.05 / 12, rel=1e-9)
    assert np.all(state.due >= 0) and np.all(state.cpn_delta.cumsum(axis=0) + 1e-9 >= -1e-9)


def test_half_buyback_scales_coupons_too():
    due = np.zeros(361)
    due[[50, 150]] = [400.0, 600.0]
    _, outs = run_months(ladder(due, due * 0.05), 2, primary_deficit=np.array([-500.0 - 50 / 12, -500 * 0.05 / 12]))
    assert outs[0]["debt"][0] == pytest.approx(500.0)
    assert outs[1]["interest_gross"][0] == pytest.approx(500.0 * 0.05 / 12, rel=1e-12)
    assert outs[1]["wam"][0] == pytest.approx((200 * 49 + 300 * 149) / 500)


def test_truncated_and_full_calendars_give_identical_results():
    rng = np.random.default_rng(1)
    due = rng.uniform(0, 50, 361)
    lad = ladder(due, due * 0.03, bills=due[:13] * 0.5, tips=due * 0.1, tips_cpn=due * 0.001, frn=due[:25] * 0.2)
    a = F.simulate(lad, PARAMS, F.make_mix(0.2, BILLS, COUPONS), yields=CURVE, bill_rate=0.03,
                   primary_deficit=20.0, ngdp=30000.0, inflation=0.02, n_paths=2, horizon=40)
    _, outs = run_months(lad, 40, primary_deficit=20.0, inflation=0.02)
    assert np.array_equal(a["debt"][0], a["debt"][1])
    np.testing.assert_allclose(a["debt"][0], [o["debt"][0] for o in outs], rtol=1e-13)
    np.testing.assert_allclose(a["wam"][0], [o["wam"][0] for o in outs], rtol=1e-12)


def test_same_inputs_same_numbers():
    due, cpn = one(100, 1000.0, 0.03)
    kw = {"yields": CURVE, "bill_rate": 0.03, "primary_deficit": np.linspace(0, 30, 24), "ngdp": 30000.0,
          "inflation": 0.02, "n_paths": 3, "horizon": 24}
    a = F.simulate(ladder(due, cpn), PARAMS, F.make_mix(0.2, BILLS, COUPONS), **kw)
    b = F.simulate(ladder(due, cpn), PARAMS, F.make_mix(0.2, BILLS, COUPONS), **kw)
    for k in F.OUTPUTS:
        assert np.array_equal(a[k], b[k], equal_nan=True)


def test_each_path_gets_the_numbers_it_gets_alone():
    """The month runs each statement over all the paths at once (lanes form): a path's numbers are
    the same bits whatever the other paths do (a surplus's buy-back on some of them) and whether its
    inputs come one per path or as the one value of a single path's run."""
    rng = np.random.default_rng(7)
    n, T = 70, 6                       # more than 64 paths: rows padded (fiscal._padded)
    due = rng.uniform(0, 60, 361) * (rng.uniform(size=361) < 0.3)
    lad = ladder(due, due * 0.04, bills=np.minimum(due[:13], 20.0), tips=rng.uniform(0, 10, 361) * (due > 0),
                 tips_cpn=rng.uniform(0, 0.2, 361), frn=rng.uniform(0, 20, 25))
    mix = F.make_mix(0.2, BILLS, COUPONS)
    surplus = rng.uniform(size=n) < 0.3          # these paths run a surplus that buys debt back
    ins = [{"yields": rng.uniform(0.0, 0.08, (n, 5)), "bill_rate": rng.uniform(0.0, 0.06, n),
            "primary_deficit": rng.normal(0, 300, n) - 2000.0 * surplus, "ngdp": rng.uniform(2e4, 4e4, n),
            "inflation": rng.uniform(-0.02, 0.1, n), "output_gap": rng.normal(0, 0.02, n), "other_means": 0.5,
            "revenue": rng.uniform(300, 500, n), "fed_share": rng.uniform(0, 0.3, n)} for _ in range(T)]
    every = F.init_state(lad, n, T, PARAMS)
    outs = [F.step(every, t, mix=mix, **ins[t]) for t in range(T)]
    bought = np.array([o["excess_surplus"] > 0 for o in outs]).any(axis=0)
    assert bought.any() and not bought.all()
    for i in (*np.flatnonzero(bought)[:3], *np.flatnonzero(~bought)[:3], n - 1):
        alone = F.init_state(lad, 1, T, PARAMS)
        for t in range(T):
            got = F.step(alone, t, mix=mix, **{k: v[i] if np.ndim(v) else v for k, v in ins[t].items()})
            for k in F.OUTPUTS:
                assert np.array_equal(got[k], outs[t][k][i:i + 1], equal_nan=True), (i, t, k)


def test_fiscal_year_helpers():
    x = np.arange(24, dtype=float)[None, :]
    years, tot = F.fiscal_year_totals(x, "2025-10")
    assert years.tolist() == [2026, 2027] and tot[0].tolist() == [sum(range(12)), sum(range(12, 24))]
    years, end = F.fiscal_year_end(x, "2025-10")
    assert years.tolist() == [2026, 2027] and end[0].tolist() == [11.0, 23.0]
    years, tot = F.fiscal_year_totals(np.ones((1, 6)), "2025-07")
    assert years.size == 0 and tot.shape == (1, 0)   # no complete fiscal year in 6 months


# ---- accounting identities for every path (hypothesis) ------------------------------------------
@st.composite
def cases(draw):
    n = draw(st.integers(1, 4))
    T = draw(st.integers(1, 30))
    seed = draw(st.integers(0, 2**31 - 1))
    scale = draw(st.floats(0.0, 200.0))
    surplus = draw(st.booleans())
    bill_share = draw(st.floats(0.0, 1.0))
    return n, T, seed, scale, surplus, bill_share


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_identities_hold_exactly_for_every_path(case):
    n, T, seed, scale, surplus, bill_share = case
    rng = np.random.default_rng(seed)
    due = rng.uniform(0, 60, 361) * (rng.uniform(size=361) < 0.3)
    lad = ladder(due, due * rng.uniform(0, 0.08, 361), bills=np.minimum(due[:13], rng.uniform(0, 60, 13)),
                 tips=rng.uniform(0, 10, 361) * (rng.uniform(size=361) < 0.1),
                 tips_cpn=rng.uniform(0, 0.2, 361), frn=rng.uniform(0, 20, 25))
    mix = F.make_mix(bill_share, BILLS, COUPONS)
    state = F.init_state(lad, n, T, PARAMS, full_calendar=True)
    debt_prev = np.full(n, lad.marketable)
    for t in range(T):
        pdef = rng.normal(0, scale, n) - (rng.uniform(0, 3000, n) if surplus and t % 3 == 0 else 0.0)
        om = rng.normal(0, 5, n)
        out = F.step(state, t, rng.uniform(-0.005, 0.1, (n, 5)), rng.uniform(0, 0.08, n), pdef,
                     rng.uniform(1000, 40000, n), rng.uniform(-0.03, 0.15, n), mix, other_means=om)
        # debt(t) = debt(t-1) + deficit(t) + other means (+ surplus that had no debt left to retire)
        gap = (out["debt"] - debt_prev) - (out["deficit"] + om + out["excess_surplus"])
        assert np.all(np.abs(gap) <= 1e-10 * (1.0 + np.abs(debt_prev))), gap
        # outstanding = sum of live cohorts, calendar by calendar
        live = slice(t + 1, None)
        np.testing.assert_allclose(state.nom_out, state.due[live].sum(axis=0), rtol=1e-10, atol=1e-7)
        np.testing.assert_allclose(state.bill_out, state.bill_due[live].sum(axis=0), rtol=1e-10, atol=1e-7)
        np.testing.assert_allclose(state.frn_out, state.frn_due[live].sum(axis=0), rtol=1e-10, atol=1e-7)
        np.testing.assert_allclose(state.tips_out, state.tips_due[live].sum(axis=0), rtol=1e-10, atol=1e-7)
        np.testing.assert_allclose(out["debt"], state.nom_out + state.frn_out + state.tips_out * state.idx,
                                   rtol=1e-12)
        # the running coupon flow equals the coupons of the live cohorts (difference array summed)
        np.testing.assert_allclose(state.cpn + state.cpn_delta[t + 1:].sum(axis=0), 0.0, atol=1e-7)
        # no negative principal anywhere, never a negative issue
        for cal in (state.due, state.bill_due, state.tips_due, state.frn_due):
            assert cal.min() >= -1e-9
        assert np.all(out["gross_issuance"] >= 0) and np.all(out["excess_surplus"] >= 0)
        debt_prev = out["debt"]


@settings(max_examples=40, deadline=None)
@given(cases())
def test_debt_identity_with_other_means(case):
    n, T, seed, scale, surplus, bill_share = case
    rng = np.random.default_rng(seed)
    due = rng.uniform(0, 60, 361)
    lad = ladder(due, due * 0.03, tips=due * 0.05, frn=due[:25] * 0.1)
    state = F.init_state(lad, n, T, PARAMS)
    mix = F.make_mix(bill_share, BILLS, COUPONS)
    debt_prev = np.full(n, lad.marketable)
    for t in range(T):
        om = rng.normal(0, 10, n)
        pdef = rng.normal(0, scale, n) - (rng.uniform(0, 40000, n) if surplus and t == 0 else 0.0)
        out = F.step(state, t, CURVE, 0.03, pdef, 30000.0, rng.uniform(-0.02, 0.1, n), mix, other_means=om)
        gap = (out["debt"] - debt_prev) - (out["deficit"] + om + out["excess_surplus"])
        assert np.all(np.abs(gap) <= 1e-10 * (1.0 + np.abs(debt_prev))), gap
        assert np.all(out["debt"] >= -1e-7)
        debt_prev = out["debt"]


# ---- bad input -----------------------------------------------------------------------------------
def test_weights_must_sum_to_one():
    with pytest.raises(BadInput, match=r"coupon_weights: weights must sum to 1 .* - rescale"):
        F.make_mix(0.2, BILLS, dict(COUPONS, n2y=0.5))


def test_unknown_tenor_is_named():
    with pytest.raises(BadInput, match=r"bill_weights.b13w: unknown tenor"):
        F.make_mix(0.2, dict(BILLS, b13w=0.0), COUPONS)


def test_bill_share_must_be_a_share():
    with pytest.raises(BadInput, match=r"bill_share: must be between 0 and 1 \(got 1.5\)"):
        F.make_mix(1.5, BILLS, COUPONS)


def test_negative_maturities_are_refused():
    with pytest.raises(BadInput, match=r"curve_tenors_m: tenors must be positive and increasing"):
        F.init_state(ladder(), 1, 12, PARAMS, curve_tenors_m=(-3, 24, 60, 120, 360))
    bad = np.zeros(361)
    bad[5] = -1.0
    with pytest.raises(BadInput, match=r"ladder.nominal_due: must be finite and non-negative"):
        ladder(nominal=bad)


def test_steps_in_order_and_within_the_horizon():
    state = F.init_state(ladder(), 1, 2, PARAMS)
    mix = F.make_mix(0.2, BILLS, COUPONS)
    with pytest.raises(BadInput, match="t: months must be stepped in order"):
        F.step(state, 1, CURVE, 0.03, 0.0, 30000.0, 0.0, mix)
    F.step(state, 0, CURVE, 0.03, 0.0, 30000.0, 0.0, mix)
    F.step(state, 1, CURVE, 0.03, 0.0, 30000.0, 0.0, mix)
    with pytest.raises(BadInput, match="past the horizon"):
        F.step(state, 2, CURVE, 0.03, 0.0, 30000.0, 0.0, mix)


def test_wrong_yield_shape_names_the_field():
    state = F.init_state(ladder(), 2, 2, PARAMS)
    with pytest.raises(BadInput, match=r"yields: must be shape \(2, 5\) or \(5,\)"):
        F.step(state, 0, np.zeros((3, 5)), 0.03, 0.0, 30000.0, 0.0, F.make_mix(0.2, BILLS, COUPONS))


def test_unknown_output_and_bad_fed_share_are_named():
    kw = {"yields": CURVE, "bill_rate": 0.03, "primary_deficit": 0.0, "ngdp": 3e4, "inflation": 0.0, "horizon": 2}
    with pytest.raises(BadInput, match=r"outputs.debts: unknown output - did you mean 'debt'"):
        F.simulate(ladder(), PARAMS, F.make_mix(0.2, BILLS, COUPONS), outputs=("debts",), **kw)
    with pytest.raises(BadInput, match=r"fed_share: must be between 0 and 1"):
        F.simulate(ladder(), PARAMS, F.make_mix(0.2, BILLS, COUPONS), fed_share=1.2, **kw)


def test_missing_parameter_is_named():
    p = dict(PARAMS)
    del p["frn_spread"]
    with pytest.raises(BadInput, match="frn_spread: missing fiscal parameter"):
        F.init_state(ladder(), 1, 2, p)


def test_state_copy_evolves_like_a_deepcopy_and_leaves_the_original_alone():
    """FiscalState.copy (the coupled run's world-only path starts from one): the same numbers as a
    deepcopy month after month, its own calendar block, and stepping it never writes the original."""
    import copy

    from treasurylab.params import load_params
    from treasurylab.scenario import fiscal_inputs as FI

    p = load_params("fiscal")
    b = FI.cbo_baseline_inputs("2026-02", p)
    mix = F.mix_from_params(p)
    s0 = F.init_state(FI.initial_ladder(b.start, p), 5, 6, p)

    def step(s, t, shift):
        return F.step(s, t, b.yields[t] + shift, b.bill_rate[t] + shift, b.primary_deficit[t], b.ngdp[t],
                      b.inflation[t], mix, revenue=b.revenue[t], other_means=b.other_means[t])

    step(s0, 0, 0.0)
    cal0, out0 = s0._cal.copy(), s0.nom_out.copy()
    a, d = s0.copy(), copy.deepcopy(s0)
    assert a.due.base is a._cal and a._cal is not s0._cal
    for t in (1, 2, 3):
        oa, od = step(a, t, 0.01), step(d, t, 0.01)
        for k in oa:
            assert np.array_equal(oa[k], od[k]), k
    assert np.array_equal(s0._cal, cal0) and np.array_equal(s0.nom_out, out0) and s0.t_next == 1


def test_fiscal_year_of_an_ordinal_month_runs_october_to_september():
    """model.fiscal.fiscal_year, the one home of the mapping the CBO inputs, the fiscal doc numbers
    and the kernel's fiscal-year sums use: the calendar's definition (October starts the next fiscal
    year), for ints and arrays alike."""
    import datetime as dt

    ords = np.arange(12 * 2019, 12 * 2031)
    want = [dt.date(o // 12, o % 12 + 1, 1).year + (o % 12 + 1 >= 10) for o in ords]
    assert [F.fiscal_year(int(o)) for o in ords] == want
    assert F.fiscal_year(ords).tolist() == want
    assert F.fiscal_year(12 * 2025 + 8) == 2025 and F.fiscal_year(12 * 2025 + 9) == 2026    # Sep, Oct 2025
    years, totals = F.fiscal_year_totals(np.ones(24), "2025-10")
    assert years.tolist() == [2026, 2027] and totals.tolist() == [[12.0, 12.0]]
