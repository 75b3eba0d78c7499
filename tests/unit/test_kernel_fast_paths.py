"""The monthly kernels on small cases computed by hand, and path by path (no second copy of them here).

- ``fiscal.step``: new issues land in their calendars (principal at t + m, its coupon flow from t + 1
  to t + m) at the prices the module docstring states (the 3-month bill at the bill rate, the
  2-year note at the curve's 2-year); ``outputs=`` computes only the named outputs, the state
  advancing the same.
- ``market.market_step``: each term alone (fiscal premium, expected short rate, trust) is its
  parameter times its input.
- Both compiled loops run path after path over padded, tenor-major arrays: a batch of paths gives,
  bit for bit, what each path gives run alone (also through buy-backs, the backstop and its unwind).
- ``reserves.reserves_step`` with one signal for every path computes the purchases once per manager;
  the reference is the same signal given per path.
- ``macro.stress_index`` uses the clip ufuncs directly.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model import fiscal as F
from treasurylab.model import market as M
from treasurylab.model import reserves as R
from treasurylab.model.macro import MacroParams, stress_index
from treasurylab.params.load import load_params

#: the modules whose internals this file tests: none beyond their public names
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ()

PARAMS = {"other_interest_offset": 0.001, "tips_breakeven": 0.022, "frn_spread": 0.0015,
          "stabiliser_semi_elasticity": 0.35, "revenue_share_gdp": 0.17}
BILLS = {"b1m": 0.3, "b2m": 0.2, "b3m": 0.2, "b4m": 0.1, "b6m": 0.1, "b12m": 0.1}
COUPONS = {k: 1.0 / len(F.COUPON_KEYS) for k in F.COUPON_KEYS}


# --------------------------------------------------------------------------- fiscal
def _ladder(rng):
    nominal = rng.uniform(0, 80, 361) * (rng.random(361) < 0.4)
    bills = np.minimum(rng.uniform(0, 40, 13), nominal[:13])
    tips = rng.uniform(0, 20, 361) * (rng.random(361) < 0.1)
    frn = rng.uniform(0, 30, 25)
    return F.Ladder(nominal, nominal * 0.03, bills, tips, tips * 0.01, frn, 0.001, "2025-10")


STATE_ARRAYS = ("due", "cpn_delta", "bill_due", "tips_due", "tips_delta", "frn_due", "frn_spr_delta", "cpn",
                "tips_cpn", "frn_spr", "nom_out", "bill_out", "tips_out", "frn_out", "idx", "s1_nom", "s1_frn",
                "s1_tips", "cash")


def _one_bill_ladder(amount=100.0):
    """A ladder of one bill of ``amount`` USD bn maturing in the first month, no coupons."""
    z = np.zeros(13)
    due = z.copy()
    due[0] = amount
    return F.Ladder(due, z.copy(), due.copy(), np.zeros(1), np.zeros(1), np.zeros(1), 0.0, "2025-10")


def test_fiscal_new_issues_land_in_their_calendars_at_their_prices():
    """By hand: USD 100bn of bills mature in month 0 and the primary deficit is 5, with no interest due
    (no coupons, no offset): the gross need is 105. All in 3-month bills (bill share 1): 105 is repaid
    at month 3 and its coupon flow 105 x bill rate runs from month 1 to 3. All in 2-year notes (bill
    share 0): 105 is repaid at month 24 and pays 105 x the curve's 2-year from month 1 to 24."""
    params = {**PARAMS, "other_interest_offset": 0.0}
    curve = np.array([[0.041, 0.038, 0.039, 0.042, 0.047]])       # 3m, 2y, 5y, 10y, 30y
    bill_rate = 0.04
    cases = ((F.make_mix(1.0, {"b3m": 1.0}, COUPONS), 3, bill_rate),
             (F.make_mix(0.0, BILLS, {k: float(k == "n2y") for k in F.COUPON_KEYS}), 24, 0.038))
    for mix, m, r in cases:
        st = F.init_state(_one_bill_ladder(), 1, 30, params)
        out = F.step(st, 0, curve, bill_rate, 5.0, 30000.0, 0.0, mix)
        assert out["gross_issuance"][0] == pytest.approx(105.0) and out["rollover"][0] == pytest.approx(100.0)
        assert st.due[m, 0] == pytest.approx(105.0) and st.due[1:m, 0].sum() == 0.0
        assert st.bill_due[m, 0] == pytest.approx(105.0 if m == 3 else 0.0)
        assert st.cpn_delta[1, 0] == pytest.approx(105.0 * r)        # the flow starts next month...
        assert st.cpn_delta[m + 1, 0] == pytest.approx(-105.0 * r)   # ...and stops after repayment
        assert out["debt"][0] == pytest.approx(105.0)
        # the next month pays a month of that coupon, and nothing else is due
        nxt = F.step(st, 1, curve, bill_rate, 0.0, 30000.0, 0.0, mix)
        assert nxt["interest_gross"][0] == pytest.approx(105.0 * r / 12.0)


@pytest.mark.parametrize("full", [False, True])
def test_fiscal_paths_in_a_batch_are_each_path_alone(full):
    """A batch of paths (padded calendar rows, one compiled loop over paths) gives, bit for bit, what
    each path gives in a state of its own, through buy-backs too."""
    rng = np.random.default_rng(5)
    n, T = 7, 40
    mix = F.make_mix(0.22, BILLS, COUPONS)
    ladder = _ladder(rng)
    batch = F.init_state(ladder, n, T, PARAMS, full_calendar=full)
    alone = [F.init_state(ladder, 1, T, PARAMS, full_calendar=full) for _ in range(n)]
    for t in range(T):
        y = 0.04 + rng.normal(0, 0.004, (n, 5))
        pdef = rng.normal(60, 40, n)
        if t in (10, 11):
            pdef = pdef - 4000.0 * (np.arange(n) % 2)      # a surplus beyond maturing debt: buy-backs
        gdp, infl, gap = 30000.0 + rng.normal(0, 100, n), rng.normal(0.025, 0.01, n), rng.normal(0, 0.01, n)
        got = F.step(batch, t, y, y[:, 0] - 0.001, pdef, gdp, infl, mix, output_gap=gap, other_means=3.0)
        for i in range(n):
            one = F.step(alone[i], t, y[i:i + 1], y[i:i + 1, 0] - 0.001, pdef[i:i + 1], gdp[i:i + 1],
                         infl[i:i + 1], mix, output_gap=gap[i:i + 1], other_means=3.0)
            for k, v in one.items():
                assert got[k][i] == v[0], (t, i, k)
    for i in range(n):
        for name in STATE_ARRAYS:
            a = getattr(batch, name)
            assert np.array_equal(a[..., i], getattr(alone[i], name)[..., 0]), (i, name)
    assert batch.cash.max() > 0                 # the buy-back branch ran


def test_fiscal_outputs_subset_is_the_full_step_and_unknown_names_are_refused():
    rng = np.random.default_rng(9)
    n = 5
    mix = F.make_mix(0.2, BILLS, COUPONS)
    a = F.init_state(_ladder(rng), n, 13, PARAMS)
    b = copy.deepcopy(a)
    for t in range(12):
        y = 0.04 + rng.normal(0, 0.003, (n, 5))
        args = (y, 0.039, 50.0, 30000.0, 0.02, mix)
        full = F.step(a, t, *args)
        part = F.step(b, t, *args, outputs=("wam", "debt_gdp"))
        assert list(full) == list(F.OUTPUTS) and list(part) == ["wam", "debt_gdp"]
        for k in part:
            assert np.array_equal(part[k], full[k]), k
        assert np.array_equal(a.due, b.due) and np.array_equal(a.nom_out, b.nom_out)
    with pytest.raises(BadInput, match="outputs.wamm"):
        F.step(a, 12, y, 0.039, 50.0, 30000.0, 0.02, mix, outputs=("wamm",))


def test_fiscal_bad_fed_share_is_named_for_scalars_and_arrays():
    st = F.init_state(_ladder(np.random.default_rng(1)), 3, 4, PARAMS)
    mix = F.make_mix(0.2, BILLS, COUPONS)
    for bad in (1.5, np.array([0.1, -0.2, 0.3])):
        with pytest.raises(BadInput, match="fed_share"):
            F.step(st, 0, np.full(5, 0.04), 0.04, 10.0, 30000.0, 0.02, mix, fed_share=bad)


# --------------------------------------------------------------------------- market
MARKET_STATE = ("tp_temp", "stock_dev_bn", "trust", "vol_bp", "backstop_open", "backstop_left_bn", "backstop_calm",
                "backstop_fired", "backstop_held_bn", "backstop_unwind_bn", "flow_expected_bn", "y10_dev_prev")


def test_market_terms_alone_are_their_parameter_times_their_input():
    """One month from a fresh state, one input at a time (no flows): +1 pp of projected debt/GDP adds
    fiscal_bp_per_pp_debt at each tenor (market.yaml: +2.5 bp at 10 years); an expected short-rate
    deviation passes into the yields as given; a distrust shock of 0.1 takes trust from 1 to 0.9 and
    adds 0.1 x trust_bp."""
    mp = M.MarketParams.from_params(load_params("market"))
    base = np.array([0.04, 0.038, 0.039, 0.042, 0.047])
    out = M.market_step(mp, M.init_market(mp, 1), gdp_bn=30000.0, debt_gdp_dev_pp=1.0, baseline_yields=base)
    np.testing.assert_allclose(out.fiscal[0], mp.fiscal_bp_per_pp_debt * M.BP, rtol=1e-12)
    np.testing.assert_allclose(out.yields[0], base + mp.fiscal_bp_per_pp_debt * M.BP, rtol=1e-12)
    assert out.fiscal[0, M.I10] == pytest.approx(2.5e-4)
    esd = np.array([[0.001, -0.002, 0.0005, 0.0, 0.003]])
    out = M.market_step(mp, M.init_market(mp, 1), gdp_bn=30000.0, exp_short_dev=esd, baseline_yields=base)
    np.testing.assert_allclose(out.yields[0], base + esd[0], rtol=1e-12)
    out = M.market_step(mp, M.init_market(mp, 1), gdp_bn=30000.0, distrust_shock=0.1, baseline_yields=base)
    assert out.trust[0] == pytest.approx(0.9)
    np.testing.assert_allclose(out.trust_term[0], 0.1 * mp.trust_bp * M.BP, rtol=1e-12)


def _path(x, i: int, n: int):
    """Path ``i``'s row of an output or state array of ``n`` paths (a scalar stands for every path:
    ``fed_sales_bn`` is 0.0 while nothing is held)."""
    x = np.asarray(x)
    return x[i] if x.ndim and x.shape[0] == n else x


@pytest.mark.parametrize("learning", [0.0, 0.3])
def test_market_paths_in_a_batch_are_each_path_alone(learning):
    """A batch of paths (tenor-major arrays, one compiled loop over paths) gives, bit for bit, what each
    path gives in a state of its own: every output and every state array, month after month, through
    a sale that fires the backstop and the unwind that sells it back."""
    rng = np.random.default_rng(21)
    mp = M.MarketParams.from_params(load_params("market", {"flow_learning_per_month": learning}))
    n, T = 9, 36
    batch, alone = M.init_market(mp, n), [M.init_market(mp, 1) for _ in range(n)]
    sold_total = 0.0
    base = 0.04 + rng.normal(0, 0.002, 5)
    outputs = ("yields", "dev", "tp_perm", "tp_temp", "fiscal", "trust_term", "fed_purchases_bn", "vol_bp", "trust",
               "fed_sales_bn")
    for t in range(T):
        sur = rng.normal(0, 30, n) + (400.0 if t in (3, 4, 5) else 0.0)     # a sale that fires the backstop
        kw = {"surprise_flow_bn": sur, "expected_flow_bn": rng.normal(0, 5, n),
              "announced_future_bn": rng.uniform(0, 50, n), "gdp_bn": np.full(n, 30000.0),
              "debt_gdp_dev_pp": rng.normal(0, 2, n), "deficit_gdp_dev_pp": rng.normal(0, 1, n),
              "exp_short_dev": rng.normal(0, 0.001, (n, 5)),
              "baseline_yields": np.broadcast_to(base, (n, 5)) if t % 2 else base + rng.normal(0, 0.001, (n, 5)),
              "distrust_shock": rng.uniform(0, 0.05, n)}
        got = M.market_step(mp, batch, **kw)
        for i in range(n):
            one = M.market_step(mp, alone[i], **{k: v[i:i + 1] for k, v in kw.items()})
            for k in outputs:
                assert np.array_equal(_path(getattr(got, k), i, n), _path(getattr(one, k), 0, 1)), (t, i, k)
        sold_total += float(np.sum(got.fed_sales_bn))
    for i in range(n):
        for k in MARKET_STATE:
            assert np.array_equal(_path(getattr(batch, k), i, n), _path(getattr(alone[i], k), 0, 1)), (i, k)
    assert batch.backstop_fired.max() >= 0           # the backstop path was exercised
    assert sold_total > 0                            # and so was its unwind


def test_market_step_refuses_a_badly_shaped_curve():
    mp = M.MarketParams.from_params(load_params("market"))
    ms = M.init_market(mp, 4)
    with pytest.raises(BadInput, match="baseline_yields"):
        M.market_step(mp, ms, gdp_bn=30000.0, baseline_yields=np.zeros(3))


# --------------------------------------------------------------------------- reserves, macro
def _reserves_params():
    return R.ReservesParams(names=("a", "b", "c"), gold0_t=np.array([2000.0, 500.0, 100.0]),
                            base_t_per_month=np.array([3.0, 1.0, 0.5]),
                            response_t_per_month=np.array([20.0, 5.0, 1.0]),
                            nondollar_per_month=np.array([0.001, 0.002, 0.0]),
                            reserves_usd_bn=np.array([3000.0, 400.0, 100.0]), holder_index=np.array([0, -1, 2]),
                            usd_share=0.57, tsy_share=0.6, price0=3000.0, eta=1.5, annual_demand_t=4500.0)


def test_reserves_one_signal_for_all_paths_equals_the_same_signal_per_path():
    rp = _reserves_params()
    n = 6
    a, b = R.init_reserves(rp, n), R.init_reserves(rp, n)
    for s in (0.0, 0.5, 0.0, 1.0, -0.3, 2.0):
        got = R.reserves_step(rp, a, signal=s)
        want = R.reserves_step(rp, b, signal=np.full(n, s))
        for k in ("buy_t", "gold_t", "price", "treasury_sales_bn"):
            assert np.array_equal(getattr(got, k), getattr(want, k)), (s, k)
        assert np.array_equal(a.gold_t, b.gold_t) and np.array_equal(a.log_price, b.log_price)
    assert a.t == b.t == 6


def test_to_agents_adds_managers_that_share_an_agent():
    rp = _reserves_params()
    rp2 = R.ReservesParams(**{**rp.__dict__, "holder_index": np.array([1, 1, 0])})
    sales = np.array([[1.0, 2.0, 4.0], [0.5, 0.25, 0.0]])
    out = R.to_agents(rp2, sales, 3)
    assert np.array_equal(out, [[4.0, 3.0, 0.0], [0.0, 0.75, 0.0]])


def test_stress_index_is_the_clipped_maximum_for_arrays_and_scalars():
    """The target is the clipped maximum of jump and distrust; the index moves towards it by at most
    stress_max_rise a month and decays at stress_persistence (macro.stress_index)."""
    p = MacroParams.from_params(load_params("macro"))
    rng = np.random.default_rng(2)
    jump, distrust = rng.normal(0, 0.01, 50), rng.uniform(-0.5, 1.5, 50)
    prev = rng.uniform(0.0, 1.0, 50)
    scaled = (jump - p.stress_jump_floor) / (p.stress_yield_jump - p.stress_jump_floor)
    target = np.maximum(np.clip(scaled, 0.0, 1.0), np.clip(distrust, 0.0, 1.0))
    want = np.minimum(prev + p.stress_max_rise, np.maximum(target, p.stress_persistence * prev))
    assert np.array_equal(stress_index(jump, distrust, p, prev), want)
    assert float(stress_index(0.5, 0.2, p)) == pytest.approx(p.stress_max_rise)
    assert float(stress_index(0.5, 0.2, p, 0.9)) == pytest.approx(1.0)
    assert float(stress_index(0.0, 0.2, p)) == pytest.approx(0.2)
