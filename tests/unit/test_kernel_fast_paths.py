"""The speed-ups of the monthly kernels give, bit for bit, the numbers of their plain formulas.

- ``fiscal.step`` (one compiled loop over paths that writes each new issue into its calendars);
  the reference below is numpy, every tenor added into every calendar separately, as the module
  docstring writes the equations (``due[t+m] += A``, ``cpn_delta[t+1] += A*r``,
  ``cpn_delta[t+m+1] -= A*r``, ...), and the buy-back as one factor on the future calendars.
  ``outputs=`` computes only the named outputs; the state advances the same.
- ``market.market_step`` is a compiled loop, path after path, writing tenor-major (5, N) arrays; the
  reference computes the documented equations with numpy, path-major (N, 5), its expm1 and log1p
  from the C library as the kernel's.
- ``reserves.reserves_step`` with one signal for every path computes the purchases once per manager;
  the reference is the same signal given per path.
- ``macro.stress_index`` uses the clip ufuncs directly.
"""

from __future__ import annotations

import copy
import math

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


# --------------------------------------------------------------------------- fiscal reference
def _add(arr, rows_idx, vals, n_rows):
    keep = rows_idx < n_rows
    arr[rows_idx[keep]] += vals[keep]


def _months_dot(months, amounts):
    """sum_j months[j] * amounts[j], tenor after tenor (the order the kernel adds them in; a BLAS
    product may fuse or reorder the additions, which moves the last bits)."""
    return sum(float(m) * a for m, a in zip(months, amounts))


def fiscal_step_reference(state, t, yields, bill_rate, primary_deficit, ngdp, inflation, mix,
                          output_gap=0.0, other_means=0.0):
    """One month of the fiscal block, every tenor added to every calendar on its own."""
    n = state.n_paths
    br, pdef, gdp, pi = (np.broadcast_to(np.asarray(x, float), (n,)) for x in
                         (bill_rate, primary_deficit, ngdp, inflation))
    st = state
    st.cpn += st.cpn_delta[t]
    st.tips_cpn += st.tips_delta[t]
    st.frn_spr += st.frn_spr_delta[t]
    idx_prev = st.idx
    idx = idx_prev * (1.0 + pi) ** (1.0 / 12.0)
    tips_accrual = st.tips_out * (idx - idx_prev)
    interest = (st.cpn + st.frn_out * br + st.frn_spr + st.tips_cpn * idx) / 12.0 + tips_accrual
    net_interest = interest - st.offset * gdp / 12.0
    primary = pdef - st.stabiliser * output_gap * gdp / 12.0
    deficit = primary + net_interest
    m_nom, m_bill, m_frn, m_tips = st.due[t], st.bill_due[t], st.frn_due[t], st.tips_due[t]
    rollover = m_nom + m_frn + m_tips * idx
    nom_left, bills_left = st.nom_out - m_nom, st.bill_out - m_bill
    frn_left, tips_left = st.frn_out - m_frn, st.tips_out - m_tips
    s1n, s1f, s1t = st.s1_nom - t * m_nom, st.s1_frn - t * m_frn, st.s1_tips - t * m_tips
    gross = rollover + deficit - tips_accrual + other_means
    short = gross < 0
    if short.any():
        need = -gross
        safe = np.where(nom_left > 0, nom_left, 1.0)
        factor = np.where(short, 1.0 - np.minimum(need, nom_left) / safe, 1.0)
        st.cash += np.where(short, np.maximum(need - nom_left, 0.0), 0.0)
        s1n = s1n * factor
        st.due[t + 1:] *= factor
        st.cpn_delta[t + 1:] *= factor
        st.bill_due[t + 1:] *= factor
        st.cpn *= factor
        nom_left, bills_left = nom_left * factor, bills_left * factor
        gross = np.where(short, 0.0, gross)
    debt_next = nom_left + frn_left + tips_left * idx + gross
    yb, yc = F.price_curve(st, yields, br)
    B = np.clip(mix.bill_share * debt_next - bills_left, 0.0, gross)
    C = gross - B
    A_bill = mix.bill_weights[:, None] * B[None, :]
    A_cpn = mix.coupon_weights[:, None] * C[None, :]
    A_nom, A_tips, A_frn = A_cpn[:7], A_cpn[7:10] / idx[None, :], A_cpn[10]
    rows = st.due.shape[0]
    flow_b, flow_n = A_bill * yb, A_nom * yc[:7]
    real_cpn = A_tips * np.maximum(yc[7:10] - st.tips_breakeven, 0.0)
    spr = A_frn * st.frn_spread_new
    _add(st.due, t + F.BILL_TENORS_M, A_bill, rows)
    _add(st.bill_due, t + F.BILL_TENORS_M, A_bill, rows)
    _add(st.due, t + F.NOMINAL_TENORS_M, A_nom, rows)
    st.cpn_delta[t + 1] += flow_b.sum(axis=0) + flow_n.sum(axis=0)
    _add(st.cpn_delta, t + 1 + F.BILL_TENORS_M, -flow_b, rows)
    _add(st.cpn_delta, t + 1 + F.NOMINAL_TENORS_M, -flow_n, rows)
    _add(st.tips_due, t + F.TIPS_TENORS_M, A_tips, rows)
    st.tips_delta[t + 1] += real_cpn.sum(axis=0)
    _add(st.tips_delta, t + 1 + F.TIPS_TENORS_M, -real_cpn, rows)
    _add(st.frn_due, t + F.FRN_TENORS_M, A_frn[None, :], rows)
    st.frn_spr_delta[t + 1] += spr
    _add(st.frn_spr_delta, t + 1 + F.FRN_TENORS_M, -spr[None, :], rows)
    st.nom_out = nom_left + A_bill.sum(axis=0) + A_nom.sum(axis=0)
    st.bill_out = bills_left + A_bill.sum(axis=0)
    st.frn_out = frn_left + A_frn
    st.tips_out = tips_left + A_tips.sum(axis=0)
    st.s1_nom = s1n + _months_dot(t + F.BILL_TENORS_M, A_bill) + _months_dot(t + F.NOMINAL_TENORS_M, A_nom)
    st.s1_frn = s1f + A_frn * (t + F.FRN_TENORS_M[0])
    st.s1_tips = s1t + _months_dot(t + F.TIPS_TENORS_M, A_tips)
    st.idx = idx
    st.t_next = t + 1
    return {"debt": st.marketable, "deficit": deficit, "net_interest": net_interest, "rollover": rollover,
            "gross_issuance": gross, "interest_gross": interest}


def _ladder(rng):
    nominal = rng.uniform(0, 80, 361) * (rng.random(361) < 0.4)
    bills = np.minimum(rng.uniform(0, 40, 13), nominal[:13])
    tips = rng.uniform(0, 20, 361) * (rng.random(361) < 0.1)
    frn = rng.uniform(0, 30, 25)
    return F.Ladder(nominal, nominal * 0.03, bills, tips, tips * 0.01, frn, 0.001, "2025-10")


STATE_ARRAYS = ("due", "cpn_delta", "bill_due", "tips_due", "tips_delta", "frn_due", "frn_spr_delta", "cpn",
                "tips_cpn", "frn_spr", "nom_out", "bill_out", "tips_out", "frn_out", "idx", "s1_nom", "s1_frn",
                "s1_tips", "cash")


@pytest.mark.parametrize("full", [False, True])
def test_fiscal_fused_issuance_equals_per_tenor_calendar_updates(full):
    rng = np.random.default_rng(5)
    n, T = 7, 40
    mix = F.make_mix(0.22, BILLS, COUPONS)
    st = F.init_state(_ladder(rng), n, T, PARAMS, full_calendar=full)
    ref = copy.deepcopy(st)                  # the copy has calendars of its own (no shared block)
    for t in range(T):
        y = 0.04 + rng.normal(0, 0.004, (n, 5))
        pdef = rng.normal(60, 40, n)
        if t in (10, 11):
            pdef = pdef - 4000.0 * (np.arange(n) % 2)      # a surplus beyond maturing debt: buy-backs
        args = (y, y[:, 0] - 0.001, pdef, 30000.0 + rng.normal(0, 100, n), rng.normal(0.025, 0.01, n), mix)
        kw = {"output_gap": rng.normal(0, 0.01, n), "other_means": 3.0}
        got = F.step(st, t, *args, **kw)
        want = fiscal_step_reference(ref, t, *args, **kw)
        for k, v in want.items():
            assert np.array_equal(got[k], v), (t, k)
        for name in STATE_ARRAYS:
            assert np.array_equal(getattr(st, name), getattr(ref, name)), (t, name)
    assert st.cash.max() > 0                 # the buy-back branch ran


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


# --------------------------------------------------------------------------- market reference
# expm1 and log1p element by element from the C library, as the compiled kernel calls them: numpy's
# own loops may use a vector library on some CPUs (AVX-512) that differs from it in the last bit
_expm1 = np.frompyfunc(math.expm1, 1, 1)
_log1p = np.frompyfunc(math.log1p, 1, 1)


def _impact_ref(mp, flow):
    """dt A_k sign(pace) (1 - exp(-|pace| / D)), bp, path-major (N, 5); dt = 1."""
    pace = flow[:, None] / 1.0
    return 1.0 * mp.flow_amplitude_bp * np.sign(pace) * (-_expm1(-np.abs(pace) / mp.flow_depth_bn).astype(float))


def _inverse_impact10_ref(mp, x_bp):
    """The net flow whose 10y impact is ``x_bp`` over a month: the inverse of :func:`_impact_ref`."""
    u = x_bp / (1.0 * mp.flow_amplitude_bp[M.I10])
    return np.sign(u) * 1.0 * mp.flow_depth_bn * -_log1p(-np.abs(u)).astype(float)


def market_step_reference(mp, ms, *, sur, exp_, fut, gdp, debt_dev, def_dev, esd, base, distrust):
    """The market block's month, path-major, as the module docstring writes it."""
    decay = mp.flow_decay
    unexp = sur
    if mp.flow_learning > 0.0:
        e = ms.flow_expected_bn
        if np.any(e != 0.0):
            unexp = sur - 1.0 * np.clip(e, np.minimum(sur, 0.0), np.maximum(sur, 0.0))
        ms.flow_expected_bn = e + (1.0 - (1.0 - mp.flow_learning) ** 1.0) * (sur - e)
    flow = unexp + mp.announced_surprise_share * exp_
    # the backstop buys what lands the 10y flow premium on the exit level, within its pace and cap
    fed = np.zeros(len(sur))
    if mp.backstop_on and ms.backstop_open.any():
        cap = np.minimum(mp.backstop_pace_bn_per_day * M.TRADING_DAYS_PER_MONTH, ms.backstop_left_bn)
        x = mp.backstop_exit_bp - decay * ms.tp_temp[:, M.I10] / M.BP
        sat = mp.flow_amplitude_bp[M.I10]
        reach = x > -sat * (1.0 - 1e-12)
        g = _inverse_impact10_ref(mp, np.where(reach, np.minimum(x, sat * (1.0 - 1e-12)), 0.0))
        fed = np.where(ms.backstop_open, np.clip(np.where(reach, flow - g, np.inf), 0.0, cap), 0.0)
        ms.backstop_left_bn = ms.backstop_left_bn - fed
    ms.backstop_buying = buying = fed > 1e-9
    # the unwind: u times the holdings after the last purchase a month, due once the episode has closed or
    # after the delay in calm months, never while buying; demand-led (no sale lifts the 10y flow premium
    # above the exit level); an announced programme (announced share surprises, the rest priced at once)
    held = ms.backstop_held_bn + fed
    ms.backstop_unwind_bn = np.where(buying, mp.backstop_unwind_per_month * held, ms.backstop_unwind_bn)
    calm = ms.backstop_calm
    due = ~ms.backstop_open | ((calm > 0) & (calm + 1.0 >= mp.backstop_unwind_delay_months - 1e-9))
    pace = np.where(due & ~buying, ms.backstop_unwind_bn, 0.0)
    sat = mp.flow_amplitude_bp[M.I10] * (1.0 - 1e-12)
    room_bp = np.clip(mp.backstop_exit_bp - decay * ms.tp_temp[:, M.I10] / M.BP, -sat, sat)
    room = (_inverse_impact10_ref(mp, room_bp) - (flow - fed)) / mp.announced_surprise_share
    sold = np.minimum(np.minimum(pace, held), np.maximum(room, 0.0))
    held = held - sold
    held[held < 1e-9] = 0.0
    ms.backstop_held_bn = held
    future = np.minimum(held, pace * mp.expectation_horizon_months)
    flow = flow - fed + mp.announced_surprise_share * sold
    ms.tp_temp = decay * ms.tp_temp + M.BP * _impact_ref(mp, flow)
    ms.stock_dev_bn = ms.stock_dev_bn + sur + exp_ - fed
    expected_stock = (ms.stock_dev_bn + fut) + (sold + future)
    ms.stock_dev_bn = ms.stock_dev_bn + sold
    tp_perm = M.BP * mp.stock_bp_per_pp_gdp * (100.0 * expected_stock / gdp)[:, None]
    fiscal = M.BP * (mp.fiscal_bp_per_pp_debt * debt_dev[:, None] + mp.fiscal_bp_per_pp_deficit * def_dev[:, None])
    rec = 1.0 - (1.0 - mp.trust_recovery) ** 1.0       # the monthly recovery, as the kernel writes it
    ms.trust = np.clip(ms.trust + rec * (1.0 - ms.trust) - distrust, 0.0, 1.0)
    trust_term = M.BP * mp.trust_bp * (1.0 - ms.trust)[:, None]
    dev = esd + tp_perm + ms.tp_temp + fiscal + trust_term
    yields = base + dev
    dy10 = dev[:, M.I10] - ms.y10_dev_prev
    ms.vol_bp = mp.vol_memory * ms.vol_bp + (1.0 - mp.vol_memory) * np.abs(dy10) / M.BP
    # the trigger: an open episode closes after rearm calm months (at or below exit, no purchases);
    # a crossing of the trigger opens one with a fresh cap
    x = ms.tp_temp[:, M.I10] / M.BP
    quiet = (x <= mp.backstop_exit_bp + 1e-9) & ~buying
    ms.backstop_calm = np.where(ms.backstop_open & quiet, ms.backstop_calm + 1.0, 0.0)
    ms.backstop_open = ms.backstop_open & (ms.backstop_calm < mp.backstop_rearm_months - 1e-9) & mp.backstop_on
    fire = (x > mp.backstop_trigger_bp) & ~ms.backstop_open & mp.backstop_on & (mp.backstop_size_bn > 0)
    ms.backstop_open = ms.backstop_open | fire
    ms.backstop_left_bn = np.where(fire, mp.backstop_size_bn, ms.backstop_left_bn)
    ms.backstop_calm = np.where(fire, 0.0, ms.backstop_calm)
    ms.backstop_fired = np.where(fire & (ms.backstop_fired < 0), ms.t, ms.backstop_fired)
    ms.y10_dev_prev = dev[:, M.I10].copy()
    ms.t += 1
    return {"yields": yields, "dev": dev, "tp_perm": tp_perm, "tp_temp": ms.tp_temp.copy(), "fiscal": fiscal,
            "trust_term": trust_term, "fed_purchases_bn": fed, "vol_bp": ms.vol_bp.copy(), "trust": ms.trust.copy(),
            "fed_sales_bn": sold}


@pytest.mark.parametrize("learning", [0.0, 0.3])
def test_market_step_kernel_equals_the_path_major_equations(learning):
    rng = np.random.default_rng(21)
    mp = M.MarketParams.from_params(load_params("market", {"flow_learning_per_month": learning}))
    n, T = 9, 36
    ms, ref = M.init_market(mp, n), M.init_market(mp, n)
    ref.tp_temp = np.zeros((n, 5))                   # the reference keeps path-major arrays
    sold_total = 0.0
    base = 0.04 + rng.normal(0, 0.002, 5)
    for t in range(T):
        sur = rng.normal(0, 30, n) + (400.0 if t in (3, 4, 5) else 0.0)     # a sale that fires the backstop
        kw = {"sur": sur, "exp_": rng.normal(0, 5, n), "fut": rng.uniform(0, 50, n), "gdp": np.full(n, 30000.0),
              "debt_dev": rng.normal(0, 2, n), "def_dev": rng.normal(0, 1, n), "esd": rng.normal(0, 0.001, (n, 5)),
              "base": base if t % 2 else base + rng.normal(0, 0.001, (n, 5)), "distrust": rng.uniform(0, 0.05, n)}
        got = M.market_step(mp, ms, surprise_flow_bn=kw["sur"], expected_flow_bn=kw["exp_"],
                            announced_future_bn=kw["fut"], gdp_bn=kw["gdp"], debt_gdp_dev_pp=kw["debt_dev"],
                            deficit_gdp_dev_pp=kw["def_dev"], exp_short_dev=kw["esd"], baseline_yields=kw["base"],
                            distrust_shock=kw["distrust"])
        want = market_step_reference(mp, ref, **kw)
        for k, v in want.items():
            g = np.broadcast_to(getattr(got, k), v.shape)    # fed_sales_bn is 0.0 while nothing is held
            assert np.array_equal(g, v), (t, k)
        for k in ("tp_temp", "stock_dev_bn", "trust", "vol_bp", "backstop_open", "backstop_left_bn",
                  "backstop_calm", "backstop_fired", "backstop_held_bn", "backstop_unwind_bn"):
            assert np.array_equal(getattr(ms, k), getattr(ref, k)), (t, k)
        sold_total += float(np.sum(want["fed_sales_bn"]))
    assert ms.backstop_fired.max() >= 0              # the backstop path was exercised
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
