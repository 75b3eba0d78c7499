"""Holders built from data (TIC, H.4.1, MSPD, ownership table) and the holders+market loop on them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treasurylab.errors import BadInput
from treasurylab.model.market import MarketParams, run_holders_market
from treasurylab.params.load import load_params
from treasurylab.scenario.holders_inputs import (
    agent_table,
    build_holders_spec,
    fitted_rates,
    flow_fitted_rates,
)


@pytest.fixture(scope="module")
def spec():
    return build_holders_spec()


@pytest.fixture(scope="module")
def mp():
    return MarketParams.from_params(load_params("market"))


def test_agents_from_tic_latest_month(spec):
    assert spec.start == "2025-12"
    i = spec.index("china")
    assert spec.names[i] == "China, Mainland" and spec.holdings0[i] == pytest.approx(683.5)
    assert spec.holdings0[spec.index("Japan")] == pytest.approx(1185.5)
    assert spec.holdings0[spec.fed_index] == pytest.approx(4227.8, abs=0.1)
    # foreign agents add up to the TIC grand total of the month
    assert spec.holdings0[spec.foreign].sum() == pytest.approx(9271.0, abs=1.0)
    # every sector of the issue is addressable by name
    for s in ("Banks", "Money market funds", "Mutual funds", "Pensions and insurers", "State and local",
              "Households and other", "Leveraged funds", "Fed SOMA", "Denmark"):
        assert spec.names[spec.index(s)] == s
    assert len(agent_table(spec)) == spec.n_agents


def test_china_programme_is_a_fitted_reduction(spec):
    r = flow_fitted_rates(["China, Mainland"], 36, "2025-12")[0]["China, Mainland"]
    assert spec.programme_rate[spec.index("China, Mainland")] == pytest.approx(r)
    assert -0.012 < r < -0.003       # -4% to -13% a year, as TIC shows since 2022
    assert spec.programme_rate[spec.index("Japan")] == 0.0
    # the alternative basis: the trend of TIC holdings (the earlier default)
    old = build_holders_spec({"fit_basis": "holdings"})
    assert old.programme_rate[old.index("China, Mainland")] == pytest.approx(
        fitted_rates(["China, Mainland"], 36, "2025-12")["China, Mainland"])


def test_custody_reattribution_switch_conserves_total(spec):
    on = build_holders_spec({"custody_reattribution_on": 1})
    assert on.holdings0.sum() == pytest.approx(spec.holdings0.sum())
    c = spec.index("China, Mainland")
    assert on.holdings0[c] == pytest.approx(spec.holdings0[c] + 0.5 * 477.3 + 0.1 * (866.0 + 435.1 + 294.1))


def test_bad_overrides_name_the_field():
    with pytest.raises(BadInput, match="holders.programmes.Japn.*did you mean 'Japan'"):
        build_holders_spec({"programmes": {"Japn": -0.01}})
    with pytest.raises(BadInput, match="holders.theta_mean: must be <= 1"):
        build_holders_spec({"theta_mean": 1.5})
    with pytest.raises(BadInput, match="programme"):
        build_holders_spec({"programmes": {"Japan": "sell everything"}})


def test_loop_deterministic(spec, mp):
    a = run_holders_market(spec, mp, 20, 24, np.random.default_rng(5), gdp_bn=32274.2)
    b = run_holders_market(spec, mp, 20, 24, np.random.default_rng(5), gdp_bn=32274.2)
    np.testing.assert_array_equal(a["y10"], b["y10"])
    np.testing.assert_array_equal(a["holders"].holdings, b["holders"].holdings)
    np.testing.assert_array_equal(a["holders"].theta, b["holders"].theta)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), theta_mean=st.floats(0.0, 1.0), sale_rate=st.floats(0.0, 1.0),
       threat=st.floats(0.0, 1.0))
def test_loop_holdings_never_negative_and_conserved(spec, mp, seed, theta_mean, sale_rate, threat):
    sp = spec.with_(theta_mean=np.full(spec.n_agents, theta_mean), sale_rate=np.full(spec.n_agents, sale_rate))
    r = run_holders_market(sp, mp, 8, 12, np.random.default_rng(seed), gdp_bn=32274.2,
                           threat=np.full(12, threat))
    h = r["holders"].holdings
    assert np.all(h >= 0)
    # with no new supply, holdings only move between holders, plus whatever the Fed backstop bought
    # (it buys from the market, so the total is unchanged too)
    np.testing.assert_allclose(h.sum(axis=1), sp.holdings0.sum(), rtol=1e-10)
