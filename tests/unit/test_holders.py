"""Holders kernel: Granovetter's analytical cases, threats, programmes, validation, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from treasurylab.errors import BadInput
from treasurylab.model.holders import (
    HoldersSpec,
    cascade_size,
    check_sale,
    check_thresholds,
    first_seller,
    foreign_share,
    holders_step,
    init_holders,
    named_sale_schedule,
    resolve_holder,
)


def crowd(a: int, theta_mean: float = 0.25, theta_sd: float = 0.0, **kw) -> HoldersSpec:
    """A pure Granovetter crowd: one peer group, signal = share of the group already selling."""
    z = np.zeros(a)
    base = {
        "names": tuple(f"a{i}" for i in range(a)), "kind": ("foreign",) * a, "holdings0": np.ones(a),
        "absorber": np.zeros(a, bool), "programme_rate": z, "baseline_programme_rate": z, "sale_rate": z,
        "peer_group": np.zeros(a, np.int64), "group_names": ("all",), "political_risk": z, "deterrence": z,
        "theta_mean": np.full(a, theta_mean), "theta_sd": np.full(a, theta_sd), "can_cascade": np.ones(a, bool),
        "w_peer": 1.0, "w_political": 0.0,
    }
    base.update(kw)
    return HoldersSpec(**base)


def run(spec, state, months, **kw):
    for _ in range(months):
        holders_step(spec, state, **kw)
    return state


def test_granovetter_uniform_thresholds_full_cascade():
    spec = crowd(100)
    st = run(spec, init_holders(spec, 1, theta=np.arange(100) / 100), 150)
    assert st.active.all()
    # the instigator (threshold 0) moved first, then one more agent each month
    assert first_seller(st)[0] == 0
    assert list(st.first_sale[0, :5]) == [0, 1, 2, 3, 4]
    assert cascade_size(spec, st)[0] == 1.0


def test_granovetter_remove_the_one_percent_agent_only_instigator():
    theta = np.arange(100) / 100
    theta[1] = 0.02  # Granovetter: replace the agent with threshold 1 by one with threshold 2
    spec = crowd(100)
    st = run(spec, init_holders(spec, 1, theta=theta), 150)
    assert st.active.sum() == 1 and st.active[0, 0]
    assert cascade_size(spec, st, weighted=False)[0] == pytest.approx(0.01)


def analytic_share(sigma: float, mean: float = 0.25) -> float:
    x = 0.0
    for _ in range(5000):
        x = norm.cdf((x - mean) / sigma)
    return x


def test_granovetter_normal_thresholds_jump_near_sigma_012():
    rng = np.random.default_rng(7)
    sigmas = np.round(np.arange(0.08, 0.161, 0.01), 3)
    shares = []
    for s in sigmas:
        spec = crowd(2000, theta_sd=s)
        st = run(spec, init_holders(spec, 16, rng), 120)
        shares.append(float(np.median(st.active.mean(axis=1))))
    shares = np.array(shares)
    jump = sigmas[np.argmax(shares > 0.5)]
    # low spread: only a few percent move; high spread: (almost) everybody
    assert shares[0] < 0.06 and shares[-1] > 0.99
    assert 0.10 <= jump <= 0.13
    # the analytical continuum tips between 0.12 and 0.125 (Granovetter: ~0.12)
    assert analytic_share(0.12) < 0.1 and analytic_share(0.125) > 0.99


def test_threat_deters_allies_and_provokes_rivals():
    a = 2
    spec = crowd(a, w_peer=0.0, w_political=1.0, political_risk=np.array([0.3, 0.3]),
                 deterrence=np.array([0.5, -0.5]), theta_mean=np.full(a, 0.4))
    st = init_holders(spec, 1, theta=np.full(a, 0.4))
    holders_step(spec, st, threat=0.0)
    assert not st.active.any()
    holders_step(spec, st, threat=0.5)           # ally: 0.3 - 0.25 < 0.4; rival: 0.3 + 0.25 >= 0.4
    assert list(st.active[0]) == [False, True]


def test_programme_and_cascade_flows_split():
    a = 3
    spec = crowd(a, w_peer=0.0, w_political=1.0, political_risk=np.array([1.0, 0.0, 0.0]),
                 sale_rate=np.full(a, 0.1), programme_rate=np.array([-0.01, -0.01, 0.0]),
                 baseline_programme_rate=np.array([-0.01, 0.0, 0.0]), holdings0=np.array([100.0, 50.0, 10.0]))
    st = init_holders(spec, 2, theta=np.full(a, 0.5))
    f = holders_step(spec, st, named_sales=np.array([0.0, 0.0, 0.1]))
    np.testing.assert_allclose(f.baseline[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(f.expected[0], [0.0, 0.5, 0.0])
    np.testing.assert_allclose(f.surprise[0], [10.0, 0.0, 0.1])
    np.testing.assert_allclose(f.sales, f.baseline + f.expected + f.surprise)


def test_sales_capped_at_holdings():
    spec = crowd(2, w_peer=0.0, holdings0=np.array([1.0, 5.0]))
    st = init_holders(spec, 1, theta=np.full(2, 0.9))
    f = holders_step(spec, st, named_sales=np.array([3.0, 1.0]))
    np.testing.assert_allclose(f.sales[0], [1.0, 1.0])
    np.testing.assert_allclose(f.surprise[0], [1.0, 1.0])


def test_named_sale_schedule_danish_pension():
    s = named_sale_schedule(0.1, 7, 12)
    assert s[0] == pytest.approx(0.1) and s[1:].sum() == 0
    s2 = named_sale_schedule(100, 365.25, 24)  # a year: spread over 12 months
    np.testing.assert_allclose(s2[:12], 100 / 12)
    assert s2.sum() == pytest.approx(100)


def test_bad_inputs_name_the_field():
    with pytest.raises(BadInput, match="threshold must be in"):
        check_thresholds([0.2, 1.4])
    with pytest.raises(BadInput, match="amount_bn: sale size must be >= 0"):
        check_sale(-5, 7)
    with pytest.raises(BadInput, match="days"):
        check_sale(1, 0)
    with pytest.raises(BadInput, match="unknown holder.*did you mean"):
        resolve_holder("Japn", ["Japan", "China, Mainland"])
    assert resolve_holder("china", ["Japan", "China, Mainland"]) == 1
    spec = crowd(3)
    with pytest.raises(BadInput, match="theta"):
        init_holders(spec, 1, theta=np.array([0.1, -0.2, 0.3]))
    st = init_holders(spec, 1, theta=np.zeros(3))
    with pytest.raises(BadInput, match="named_sales"):
        holders_step(spec, st, named_sales=np.array([1.0, -1.0, 0.0]))


def test_same_seed_identical_arrays():
    spec = crowd(40, theta_mean=0.5, theta_sd=0.2, noise_sd=0.1, peer_memory=0.5)

    def go(seed):
        rng = np.random.default_rng(seed)
        st = init_holders(spec, 50, rng)
        out = []
        for _ in range(24):
            out.append(holders_step(spec, st, rng=rng).active.copy())
        return st.theta, np.array(out), st.first_sale

    a, b, c = go(3), go(3), go(4)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


def test_foreign_share():
    spec = crowd(2, kind=("foreign", "domestic"))
    assert foreign_share(spec, np.array([[1.0, 3.0]]))[0] == pytest.approx(0.25)


def test_over_selling_scales_every_component_and_the_sale_counts_for_peers():
    """Hand-computed month: agent 0 holds 10 and is asked to sell 12 (baseline programme 2,
    scenario programme 5 -> 3 expected beyond the baseline, + 3 announced, + 4 named); agent 1 holds
    30 and sells nothing. Every component of agent 0 is scaled by 10/12; its named and announced
    sales (7) are 7x a cascade seller's pace (0.1 x 10), so it counts as a full participant."""
    spec = crowd(2, w_peer=0.0, holdings0=np.array([10.0, 30.0]), sale_rate=np.full(2, 0.1),
                 baseline_programme_rate=np.array([-0.2, 0.0]), programme_rate=np.array([-0.5, 0.0]),
                 peer_memory=0.5)
    st = init_holders(spec, 1, theta=np.full(2, 0.9))
    f = holders_step(spec, st, named_sales=np.array([4.0, 0.0]), announced_sales=np.array([3.0, 0.0]))
    k = 10.0 / 12.0
    np.testing.assert_allclose(f.sales[0], [10.0, 0.0], rtol=1e-15)
    np.testing.assert_allclose(f.baseline[0], [2.0 * k, 0.0], rtol=1e-15)
    np.testing.assert_allclose(f.expected[0], [6.0 * k, 0.0], rtol=1e-15)
    np.testing.assert_allclose(f.surprise[0], [4.0 * k, 0.0], rtol=1e-15)
    assert not f.active.any() and not f.expected_zero
    # share selling 10 / (10 + 30) = 0.25, remembered with weight 1 - 0.5 (group and all foreign)
    np.testing.assert_allclose(st.peer[0], [0.125], rtol=1e-15)
    np.testing.assert_allclose(st.market, [0.125], rtol=1e-15)
    # the next month, with nothing sold, the memory halves
    holders_step(spec, st)
    np.testing.assert_allclose(st.peer[0], [0.0625], rtol=1e-15)
    np.testing.assert_allclose(st.market, [0.0625], rtol=1e-15)


def test_political_shock_and_given_noise_enter_the_signal_of_cascade_agents_only():
    """signal = w_political (risk + shock) + noise_sd z: 0.8 (0.1 + 0.2) + 0.05 z against theta 0.25.
    z = +1 -> 0.29 (sells), z = -1 -> 0.19 (does not); agent 2 has the same signal as agent 0 but
    cannot cascade; on path 1 the shock is 0 for everyone (0.08 +- 0.05: nobody sells)."""
    spec = crowd(3, w_peer=0.0, w_political=0.8, political_risk=np.full(3, 0.1), sale_rate=np.full(3, 0.5),
                 holdings0=np.array([1.0, 2.0, 4.0]), can_cascade=np.array([True, True, False]))
    st = init_holders(spec, 2, theta=np.full(3, 0.25))
    spec = spec.with_(noise_sd=0.05)
    shock = np.array([[0.2, 0.2, 0.2], [0.0, 0.0, 0.0]])
    z = np.array([[1.0, -1.0, 1.0], [1.0, 1.0, 1.0]])
    f = holders_step(spec, st, 3, political_shock=shock, noise=z)
    assert f.active.tolist() == [[True, False, False], [False, False, False]]
    np.testing.assert_allclose(f.surprise, [[0.5, 0.0, 0.0], [0.0, 0.0, 0.0]])
    assert st.first_sale.tolist() == [[3, -1, -1], [-1, -1, -1]]
    # the seller is 1 of the group's 7 held: the next month's peer share
    np.testing.assert_allclose(st.peer[:, 0], [1.0 / 7.0, 0.0], rtol=1e-15)


def test_a_state_of_the_wrong_shape_is_refused_with_its_field():
    spec = crowd(3)
    st = init_holders(spec, 4, theta=np.zeros(3))
    st.theta = np.zeros((4, 2))
    with pytest.raises(BadInput, match=r"state\.theta"):
        holders_step(spec, st)


def test_a_per_path_signal_input_of_the_wrong_length_is_refused_naming_it():
    """holders_step raised numpy's reshape error for a debt deviation with the wrong number of paths."""
    spec = crowd(5)
    st = init_holders(spec, 3, np.random.default_rng(0))
    with pytest.raises(BadInput) as e:
        holders_step(spec, st, 0, debt_gdp_dev_pp=np.ones(2), rng=np.random.default_rng(1))
    assert e.value.field == "debt_gdp_dev_pp"
