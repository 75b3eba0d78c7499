"""The Fed backstop as a state-contingent policy: opens on the trigger, holds the exit level, scales
with the stress, respects its pace and cap, never overshoots below the exit, re-arms after calm."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model.market import (
    BP,
    I10,
    MarketParams,
    backstop_settle,
    clear_market,
    init_market,
    market_step,
    run_market_path,
    with_fed_sales,
)
from treasurylab.params.load import load_params

GDP = 32000.0


@pytest.fixture(scope="module")
def mp():
    return MarketParams.from_params(load_params("market"))


def _run(mp, flows, n=1):
    ms = init_market(mp, n)
    out = []
    for f in flows:
        o = market_step(mp, ms, surprise_flow_bn=np.full(n, f) if np.ndim(f) == 0 else f, gdp_bn=GDP)
        out.append((o.tp_temp[:, I10] / BP, o.fed_purchases_bn.copy()))
    return ms, out


def test_opens_on_trigger_buys_next_step_to_the_exit_level(mp):
    ms, out = _run(mp, [400.0, 0.0, 0.0])
    x0, fed0 = out[0]
    assert x0[0] > mp.backstop_trigger_bp and fed0[0] == 0.0      # reaction lag: nothing bought at once
    assert ms.backstop_fired[0] == 0
    x1, fed1 = out[1]
    assert fed1[0] > 0
    assert x1[0] == pytest.approx(mp.backstop_exit_bp, abs=1e-6)  # held at the exit, not below
    # the amount is what that takes, far below the $1T cap
    assert fed1[0] < 0.3 * mp.backstop_size_bn


def test_purchases_scale_with_stress(mp):
    small = _run(mp, [340.0, 0.0])[1][1][1][0]
    big = _run(mp, [2000.0, 0.0])[1][1][1][0]
    assert 0 < small < big


def test_no_purchase_below_trigger_and_never_below_exit(mp):
    rng = np.random.default_rng(3)
    flows = rng.normal(30, 120, size=(60, 16))
    ms = init_market(mp, 16)
    for f in flows:
        o = market_step(mp, ms, surprise_flow_bn=f, gdp_bn=GDP)
        x = o.tp_temp[:, I10] / BP
        bought = o.fed_purchases_bn > 0
        # wherever the Fed bought, the premium is not pushed below the exit level
        assert np.all(x[bought] >= mp.backstop_exit_bp - 1e-6)
        assert np.all(o.fed_purchases_bn >= 0)
    never = _run(mp, [100.0] * 3)   # 100bn a month: premium stays below the 50 bp trigger at first
    assert never[1][0][1][0] == 0.0


def test_pace_and_cap_bind(mp):
    daily = 1.0 / 21.0
    f = np.zeros(30)
    f[:10] = 150.0                 # a heavy daily selling wave
    o = run_market_path(mp, GDP, 30, surprise_flow_bn=f, dt_months=daily)
    assert o["fed"].max() <= mp.backstop_pace_bn_per_day + 1e-9
    assert o["fed"].max() == pytest.approx(mp.backstop_pace_bn_per_day)
    small = replace(mp, backstop_size_bn=40.0)
    o2 = run_market_path(small, GDP, 30, surprise_flow_bn=f, dt_months=daily)
    assert o2["fed"].sum() == pytest.approx(40.0)


def test_episode_rearms_after_calm_with_fresh_cap(mp):
    flows = [400.0] + [0.0] * 8 + [400.0, 0.0, 0.0]
    ms, out = _run(mp, flows)
    fed = np.array([o[1][0] for o in out])
    assert fed[1] > 0 and fed[10] > 0           # two episodes, both bought
    assert ms.backstop_open[0]                  # the second is open
    assert ms.backstop_fired[0] == 0            # first opening is recorded


def test_no_rearm_while_stress_persists(mp):
    # steady selling held at the exit level by purchases is not calm: one episode, one cap
    # (flow_learning=0: every dollar stays a surprise, so the stress persists; with the learned
    # expectation a steady pace stops being news and the premium calms on its own)
    p = replace(mp, backstop_size_bn=150.0, flow_learning=0.0)
    ms, out = _run(p, [400.0] + [60.0] * 20)
    fed = np.array([o[1][0] for o in out])
    assert fed.sum() == pytest.approx(150.0)
    assert ms.backstop_open[0]


def test_switched_off_buys_nothing(mp):
    off = replace(mp, backstop_on=False)
    ms, out = _run(off, [800.0, 0.0, 0.0])
    assert sum(o[1][0] for o in out) == 0.0 and ms.backstop_fired[0] == -1


def test_bad_backstop_params(mp):
    with pytest.raises(BadInput, match="backstop_exit_bp"):
        MarketParams.from_params(load_params("market", {"backstop_exit_bp": 80.0}))
    with pytest.raises(BadInput, match="pace"):
        replace(mp, backstop_pace_bn_per_day=0.0).validate()
    with pytest.raises(BadInput, match="backstop_rearm_months"):
        replace(mp, backstop_rearm_months=-1.0).validate()


# --------------------------------------------------------------------------- unwind
def test_unwind_sells_the_holdings_back_at_the_stated_pace_to_zero(mp):
    """By hand, sales after the close (delay alternative after_close, 4 months): 400 sold at t=0 fires
    the backstop; the Fed buys F at t=1 (premium held at the exit); the premium then decays below the
    exit without purchases at t=2, 3, 4 (three calm months close the episode at the end of t=4); from
    t=5 the Fed sells u F a month: with u = 0.25, F/4 at t=5..8, holdings F, 3F/4, F/2, F/4, 0.
    (a = 0: the sales move only the stock premium, so the demand-led cap has nothing to hold back.)"""
    p = replace(mp, backstop_unwind_per_month=0.25, backstop_unwind_delay_months=4.0,
                announced_surprise_share=0.0)
    ms = init_market(p, 1)
    fed, sold, held = [], [], []
    for f in [400.0] + [0.0] * 11:
        o = market_step(p, ms, surprise_flow_bn=f, gdp_bn=GDP)
        fed.append(float(o.fed_purchases_bn[0]))
        sold.append(float(np.broadcast_to(o.fed_sales_bn, (1,))[0]))
        held.append(float(ms.backstop_held_bn[0]))
    F = fed[1]
    assert F > 0 and sum(fed) == F                                  # one purchase, at t=1
    np.testing.assert_allclose(sold, [0, 0, 0, 0, 0, F / 4, F / 4, F / 4, F / 4, 0, 0, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(held, [0, F, F, F, F, 3 * F / 4, F / 2, F / 4, 0, 0, 0, 0], rtol=1e-12, atol=1e-9)
    # every dollar bought is sold back: the stock held by price-sensitive investors is the 400 sold again
    assert ms.stock_dev_bn[0] == pytest.approx(400.0)


def test_unwind_starts_after_the_delay_demand_led(mp):
    """The default delay (Bank of England 2022: 1.5 months from the last purchase to the first sale):
    the last purchase is at t=1, t=2 is calm, and the first sale, u F, is at t=3 - while the episode is
    still open (it closes at the end of t=4). Demand-led: no month's sale pushes the flow-driven 10y
    premium above the exit level; where the sale falls short of u F the premium sits on the exit. The
    Fed never buys again (no buying back what it just sold) and sells everything it bought."""
    assert mp.backstop_unwind_delay_months == 1.5
    p = replace(mp, backstop_unwind_per_month=0.25)
    ms = init_market(p, 1)
    fed, sold, x, opened, before = [], [], [], [], []
    for f in [400.0] + [0.0] * 17:
        before.append(float(ms.backstop_held_bn[0]))
        o = market_step(p, ms, surprise_flow_bn=f, gdp_bn=GDP)
        fed.append(float(o.fed_purchases_bn[0]))
        sold.append(float(np.broadcast_to(o.fed_sales_bn, (1,))[0]))
        x.append(float(o.tp_temp[0, I10] / BP))
        opened.append(bool(ms.backstop_open[0]))
    F = fed[1]
    assert F > 0 and sum(fed) == F                                  # one purchase, at t=1, never again
    assert sold[:3] == [0.0, 0.0, 0.0]
    assert sold[3] == pytest.approx(F / 4, rel=1e-12) and opened[3]  # first sale at t=3, episode still open
    for t in range(3, 18):
        assert x[t] <= p.backstop_exit_bp + 1e-9
        if sold[t] < min(F / 4, before[t]) - 1e-9:                  # the market took less than was due
            assert x[t] == pytest.approx(p.backstop_exit_bp, abs=1e-6)
    assert any(sold[t] < min(F / 4, before[t]) - 1e-9 for t in range(3, 18) if before[t] > 0)  # the cap bites
    assert sum(sold) == pytest.approx(F) and ms.backstop_held_bn[0] == 0.0


def test_unwind_is_announced_and_priced_at_once(mp):
    """When the sales start (t=3 with the default delay) the permanent premium prices the whole
    remaining unwind (within the expectation horizon) and then stays put as it is carried out;
    while the Fed only holds, nothing of the sale is priced."""
    p = replace(mp, backstop_unwind_per_month=0.25)
    ms = init_market(p, 1)
    perm = []
    for f in [400.0] + [0.0] * 10:
        o = market_step(p, ms, surprise_flow_bn=f, gdp_bn=GDP)
        perm.append(o.tp_perm[0, I10] / BP)
    stock_bp = p.stock_bp_per_pp_gdp[I10] * 100.0 * 400.0 / GDP      # the 400 sold, nothing held by the Fed
    assert perm[2] < stock_bp - 0.5                                   # the Fed still holds F at t=2
    np.testing.assert_allclose(perm[3:], stock_bp, rtol=1e-12)        # unwind known from t=3: priced in full


def test_unwind_pauses_while_a_new_episode_is_open(mp):
    p = replace(mp, backstop_unwind_per_month=0.1)
    ms = init_market(p, 1)
    out = []
    for f in [400.0] + [0.0] * 5 + [400.0] + [0.0] * 5:
        o = market_step(p, ms, surprise_flow_bn=f, gdp_bn=GDP)
        out.append((float(o.fed_purchases_bn[0]), float(np.broadcast_to(o.fed_sales_bn, (1,))[0]),
                    bool(ms.backstop_open[0]), float(ms.backstop_held_bn[0])))
    assert all(out[t][1] > 0 for t in (3, 4, 5))     # unwinding from t=3 (1.5 months after the t=1 purchase)
    assert out[6][1] == 0.0 and out[6][2]            # the second 400 leaves no room to sell, opens an episode
    assert out[7][0] > 0 and out[7][1] == 0.0        # t=7: buys, sells nothing
    assert out[8][1] == 0.0                          # t=8: one calm month, not yet the delay
    assert out[9][1] == pytest.approx(0.1 * out[7][3], rel=1e-12)  # t=9: u times the holdings after t=7


def test_no_unwind_keeps_the_holdings(mp):
    p = replace(mp, backstop_unwind_per_month=0.0)     # the Fed in 2020 (alternative fed_2020)
    ms, out = _run(p, [400.0] + [0.0] * 12)
    assert ms.backstop_held_bn[0] == pytest.approx(out[1][1][0]) and ms.backstop_held_bn[0] > 0
    assert not ms.backstop_open[0]


def test_unwind_is_sold_through_the_clearing_every_dollar_bought():
    """The Fed's sale back is an agent sale: the absorbers buy every dollar of it, nobody else moves."""
    from treasurylab.model.market import clear_market, with_fed_sales

    h = np.array([[100.0, 300.0, 100.0, 50.0], [10.0, 0.0, 30.0, 5.0]])
    absorber = np.array([False, True, True, False])
    agent_sales = np.array([[5.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    sales, sold = with_fed_sales(agent_sales, h, 3, np.array([20.0, 8.0]))
    assert agent_sales[0, 3] == 0.0                                    # the holders' array is left alone
    np.testing.assert_array_equal(sold, [20.0, 5.0])                   # never more than the Fed holds
    out = clear_market(h, sales, absorber, fed_index=3)
    dh = out.holdings - h
    np.testing.assert_allclose(dh[:, 3], -sold)
    np.testing.assert_allclose(dh[:, absorber].sum(axis=1), sold + agent_sales[:, 0])  # bought by absorbers
    np.testing.assert_allclose(dh.sum(axis=1), 0.0, atol=1e-12)        # every dollar sold is bought
    np.testing.assert_allclose(dh[0, 1:3], [25.0 * 0.75, 25.0 * 0.25])  # in proportion to their holdings
    assert with_fed_sales(agent_sales, h, 3, 0.0)[0] is agent_sales    # nothing held: nothing to do


def test_bad_unwind_param(mp):
    with pytest.raises(BadInput, match="backstop_unwind_per_month"):
        MarketParams.from_params(load_params("market", {"backstop_unwind_per_month": 1.5}))
    for bad in (-1.0, float("nan")):
        with pytest.raises(BadInput, match="backstop_unwind_delay_months"):
            MarketParams.from_params(load_params("market", {"backstop_unwind_delay_months": bad}))
    with pytest.raises(BadInput, match="backstop_unwind_delay_months"):
        replace(MarketParams.from_params(load_params("market")), backstop_unwind_delay_months=-0.5).validate()


# --------------------------------------------------------------------------- unwind in the coupled run
def _coupled(events, unwind=None, horizon=60):
    from treasurylab.model.coupled import simulate
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    ov = {"shocks": {"enabled": False}}
    if unwind is not None:
        ov["market"] = {"backstop_unwind_per_month": unwind}
    sc = load_scenario({"name": "t", "description": "t", "start": "2026-01", "horizon": horizon, "paths": 4,
                        "seed": 1, "baseline": "cbo-2026-02", "events": events, "overrides": ov})
    return simulate(prepare(sc), 4, np.random.default_rng(3))


JAPAN_DUMP = [{"type": "sale", "date": "2026-02", "holder": "Japan", "share": 1.0, "days": 5}]


def test_coupled_unwind_sells_everything_back_and_moves_yields():
    kept = _coupled(JAPAN_DUMP, unwind=0.0)
    sold = _coupled(JAPAN_DUMP)                      # the default pace (Bank of England 2022)
    assert np.all(kept["fed_backstop_bn"] > 10.0)    # the backstop bought, and keeps it all
    np.testing.assert_allclose(sold["fed_backstop_bn"], 0.0, atol=1e-6)   # all sold back by month 60
    # the gross purchases remember what was bought: all of it kept without the unwind
    np.testing.assert_allclose(kept["fed_backstop_gross_bn"], kept["fed_backstop_bn"])
    assert np.all(sold["fed_backstop_gross_bn"] > 10.0)
    # the same purchases until the first episode closes; after it, the sales back raise the 10-year
    assert np.array_equal(kept["y10"][:, :3], sold["y10"][:, :3])
    assert np.all(sold["y10"][:, 12:].mean(axis=1) > kept["y10"][:, 12:].mean(axis=1))


def test_coupled_run_without_an_episode_is_unchanged_by_the_unwind():
    small = [{"type": "sale", "date": "2026-02", "holder": "Belgium", "share": 0.2, "days": 60}]
    a, b = _coupled(small, unwind=0.0, horizon=36), _coupled(small, unwind=1.0, horizon=36)
    assert np.all(a["fed_backstop_bn"] == 0.0) and np.all(a["fed_backstop_gross_bn"] == 0.0)
    for k in a:
        assert np.array_equal(a[k], b[k]), k


# --------------------------------------------------------------------------- the state takes what the clearing did
def _settled_step(mp, ms, flow, h, sales=None, supply=0.0):
    """One step as the runners do it: price, sell back, clear, then settle the market's state."""
    absorber = np.array([False, True, False])          # a seller, one price-sensitive holder, the Fed
    o = market_step(mp, ms, surprise_flow_bn=np.full(h.shape[0], flow), gdp_bn=GDP)
    s = np.zeros_like(h) if sales is None else sales
    s, sold = with_fed_sales(s, h, 2, o.fed_sales_bn)
    clr = clear_market(h, s, absorber, 2, o.fed_purchases_bn, supply)
    backstop_settle(mp, ms, o, clr.fed_bought, sold)
    return o, clr, sold


def test_scaled_back_purchases_are_what_the_state_counts(mp):
    """By hand: 400 sold at t=0 fires the backstop; at t=1 the Fed wants F (~225) but the only
    price-sensitive holder has 60 to sell, so the clearing gives it 60. The state counts 60: cap left
    1000 - 60, holdings 60, stock 400 - 60, and the 10y transitory premium is the one of a net flow
    of -60 (rho x0 - A_10y (1 - exp(-60/300))), not of -F; the unwind then sells back 0.69 x 60."""
    p = replace(mp, backstop_unwind_per_month=0.69)
    ms = init_market(p, 1)
    h = np.array([[0.0, 60.0, 4000.0]])
    o0 = market_step(p, ms, surprise_flow_bn=400.0, gdp_bn=GDP)   # the sale itself cleared elsewhere
    x0 = o0.tp_temp[0, I10] / BP
    o1, clr, _ = _settled_step(p, ms, 0.0, h)
    F = o1.fed_purchases_bn[0]
    assert F > 150.0                                               # the Fed wanted far more than 60
    assert clr.fed_bought[0] == pytest.approx(60.0)                # the scale-back bites
    assert ms.backstop_left_bn[0] == pytest.approx(1000.0 - 60.0)
    assert ms.backstop_held_bn[0] == pytest.approx(60.0)
    assert ms.stock_dev_bn[0] == pytest.approx(400.0 - 60.0)
    x1 = p.flow_decay * x0 - p.flow_amplitude_bp[I10] * (1.0 - np.exp(-60.0 / p.flow_depth_bn))
    assert ms.tp_temp[0, I10] / BP == pytest.approx(x1, rel=1e-12)
    assert ms.tp_temp[0, I10] / BP > o1.tp_temp[0, I10] / BP      # less bought: a higher premium
    # the rest of the episode: the Fed buys from a deep market now, and every sale back is of what it holds
    h = clr.holdings.copy()
    h[0, 1] += 5000.0
    bought, sold_all = clr.fed_bought[0], 0.0
    for _ in range(12):
        o, clr, sold = _settled_step(p, ms, 0.0, h)
        h = clr.holdings
        bought += clr.fed_bought[0]
        sold_all += float(np.sum(sold))
    assert sold_all == pytest.approx(bought)                       # sold back what was bought, no more
    assert ms.backstop_held_bn[0] == 0.0
    assert h[0, 2] == pytest.approx(4000.0)                        # the Fed agent is back where it began


def test_backstop_holdings_identity_over_a_whole_run(mp):
    """Random stress on 64 paths with thin, redeeming markets (the scale-back bites on many paths):
    at the end, per path, the backstop's holdings = bought - sold back (as cleared) = the Fed agent's
    holdings change (it has no other trades here), and the cap never counts more than was bought."""
    rng = np.random.default_rng(11)
    n, months = 64, 48
    ms = init_market(mp, n)
    h0 = np.column_stack([np.full(n, 5000.0), rng.uniform(0.0, 300.0, n), np.full(n, 4000.0)])
    h = h0.copy()
    bought, sold_all, cut = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
    for _ in range(months):
        flow = np.where(rng.random(n) < 0.15, rng.uniform(200.0, 900.0, n), 0.0)
        sales = np.zeros((n, 3))
        sales[:, 0] = flow
        o = market_step(mp, ms, surprise_flow_bn=flow, gdp_bn=GDP)
        s, sold = with_fed_sales(sales, h, 2, o.fed_sales_bn)
        supply = -rng.uniform(0.0, 400.0, n)          # redemptions compete with the Fed for the same bonds
        clr = clear_market(h, s, np.array([False, True, False]), 2, o.fed_purchases_bn, supply)
        cut |= clr.fed_bought < o.fed_purchases_bn - 1e-9
        backstop_settle(mp, ms, o, clr.fed_bought, sold)
        h = clr.holdings
        bought += clr.fed_bought
        sold_all += sold
    assert cut.sum() >= 5                                          # the scale-back did bite
    np.testing.assert_allclose(ms.backstop_held_bn, bought - sold_all, atol=1e-6)
    np.testing.assert_allclose(h[:, 2] - h0[:, 2], bought - sold_all, atol=1e-6)
    assert np.all(ms.backstop_held_bn >= 0.0)


def test_holders_market_loop_records_the_cleared_backstop(mp):
    """The reference loop settles the market too: holdings = recorded purchases - sales back."""
    from treasurylab.model.holders import HoldersSpec
    from treasurylab.model.market import run_holders_market

    z = np.zeros(3)
    spec = HoldersSpec(names=("Seller", "Banks", "Fed SOMA"), kind=("foreign", "domestic", "fed"),
                       holdings0=np.array([3000.0, 200.0, 4000.0]), absorber=np.array([False, True, False]),
                       programme_rate=z, baseline_programme_rate=z, sale_rate=z,
                       peer_group=np.array([-1, -1, -1]), group_names=(), political_risk=z, deterrence=z,
                       theta_mean=np.ones(3), theta_sd=z, can_cascade=np.zeros(3, bool), w_political=0.0)
    named = np.zeros((24, 3))
    named[0, 0] = 900.0
    r = run_holders_market(spec, mp, 2, 24, np.random.default_rng(1), gdp_bn=GDP, named_sales=named)
    net = r["fed_bought"].sum(axis=0) - r["fed_sold"].sum(axis=0)
    assert r["fed_bought"].sum() > 0
    np.testing.assert_allclose(r["market"].backstop_held_bn, net, atol=1e-6)
    np.testing.assert_allclose(r["holders"].holdings[:, 2] - 4000.0, net, atol=1e-6)
