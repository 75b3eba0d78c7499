"""Market kernel: clearing identity (hypothesis), non-negative holdings, pace, backstop, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from treasurylab.errors import BadInput
from treasurylab.model.market import (
    BP,
    I5,
    I10,
    MarketParams,
    clear_market,
    flow_impact_bp,
    init_market,
    market_step,
    run_market_path,
)
from treasurylab.params.load import load_params


@pytest.fixture(scope="module")
def mp():
    return MarketParams.from_params(load_params("market"))


finite = st.floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    h=arrays(np.float64, (3, 6), elements=finite),
    s=arrays(np.float64, (3, 6), elements=st.floats(-5e3, 5e3, allow_nan=False)),
    absorber=arrays(np.bool_, 6),
    fed=arrays(np.float64, 3, elements=st.floats(0, 5e3, allow_nan=False)),
    supply=arrays(np.float64, 3, elements=st.floats(-5e3, 5e3, allow_nan=False)),
)
def test_clearing_identity_and_nonnegative(h, s, absorber, fed, supply):
    absorber = absorber.copy()
    absorber[0] = True   # at least one absorber
    absorber[5] = False  # the Fed is not one
    out = clear_market(h, s, absorber, fed_index=5, fed_purchases_bn=fed, new_supply_bn=supply)
    assert np.all(out.holdings >= 0)
    # every dollar sold (or newly issued) is bought by someone: total holdings change by the net supply
    scale = 1.0 + np.abs(h).sum(axis=1) + np.abs(s).sum(axis=1) + fed + np.abs(supply)
    np.testing.assert_allclose(out.holdings.sum(axis=1) - h.sum(axis=1), out.supply, atol=1e-9 * scale.max())
    # purchases equal sales plus net supply, agent by agent aggregated
    dh = out.holdings - h
    np.testing.assert_allclose(dh.clip(min=0).sum(axis=1) - (-dh).clip(min=0).sum(axis=1), out.supply,
                               atol=1e-9 * scale.max())
    # the Fed never gets more than asked for
    assert np.all(out.fed_bought <= fed + 1e-12)


def test_clearing_absorbers_take_the_residual():
    h = np.array([[100.0, 300.0, 100.0, 0.0]])
    absorber = np.array([False, True, True, False])
    out = clear_market(h, np.array([[40.0, 0, 0, 0]]), absorber, fed_index=3, fed_purchases_bn=10.0)
    # 40 sold, Fed buys 10, absorbers take 30 in proportion 3:1
    np.testing.assert_allclose(out.holdings[0], [60.0, 322.5, 107.5, 10.0])


def test_flow_impact_is_concave_in_pace(mp):
    one = flow_impact_bp(mp, 100.0)[I5]
    two = flow_impact_bp(mp, 200.0)[I5]
    assert 1.0 < two / one < 2.0
    # selling the same dollars at a quarter of the pace (over 4 months) has a smaller impact per month
    assert flow_impact_bp(mp, 100.0, dt_months=4.0)[I5] / 4 < one
    assert flow_impact_bp(mp, -100.0)[I5] == pytest.approx(-one)


def test_announced_programme_far_less_than_surprise(mp):
    gdp = 32274.2
    f = np.zeros(30)
    f[0] = 100
    surprise = run_market_path(mp, gdp, 30, surprise_flow_bn=f)["dev"][:, 0, I5].max()
    e = np.zeros(30)
    e[:24] = 100 / 24
    announced = run_market_path(mp, gdp, 30, expected_flow_bn=e, announced=True)["dev"][:, 0, I5].max()
    assert announced < surprise / 3


def test_zero_inputs_give_baseline_exactly(mp):
    ms = init_market(mp, 4)
    base = np.array([0.04, 0.038, 0.039, 0.042, 0.047])
    for _ in range(12):
        out = market_step(mp, ms, gdp_bn=30000.0, baseline_yields=base)
    np.testing.assert_array_equal(out.yields, np.broadcast_to(base, (4, 5)))


def test_backstop_fires_and_buys(mp):
    ms = init_market(mp, 2)
    o = market_step(mp, ms, surprise_flow_bn=np.array([400.0, 10.0]), gdp_bn=30000.0)
    assert o.fed_purchases_bn.sum() == 0
    assert list(ms.backstop_fired) == [0, -1]
    o2 = market_step(mp, ms, gdp_bn=30000.0)
    # state-contingent: buys what brings the flow-driven 10y back to the exit level (tests/unit/test_backstop.py)
    assert 0 < o2.fed_purchases_bn[0] < mp.backstop_size_bn
    assert o2.tp_temp[0, I10] / BP == pytest.approx(mp.backstop_exit_bp)
    assert o2.fed_purchases_bn[1] == 0
    assert o2.dev[0, I10] < o.dev[0, I10]


def test_market_bad_inputs(mp):
    ms = init_market(mp, 1)
    with pytest.raises(BadInput, match="gdp_bn"):
        market_step(mp, ms, gdp_bn=0.0)
    with pytest.raises(BadInput, match="market.flow_amplitude_bp"):
        MarketParams.from_params(load_params("market", {"flow_amplitude_bp": {"5y": 1.0}}))
    with pytest.raises(BadInput, match="Fed agent"):
        clear_market(np.ones((1, 2)), np.zeros((1, 2)), np.array([True, False]), fed_index=-1,
                     fed_purchases_bn=1.0)


def test_market_deterministic(mp):
    rng = np.random.default_rng(11)
    flows = rng.normal(0, 50, size=(24, 8))

    def go():
        ms = init_market(mp, 8)
        return np.array([market_step(mp, ms, surprise_flow_bn=f, gdp_bn=30000.0).yields for f in flows])

    np.testing.assert_array_equal(go(), go())
    assert BP == 1e-4


def test_a_per_path_input_of_the_wrong_length_is_refused_naming_it(mp):
    """market_step and clear_market raised numpy's 'cannot reshape array of size 2 into shape (3,)' for
    an input with the wrong number of paths; now a BadInput naming the input (compiled.per_path)."""
    ms = init_market(mp, 3)
    with pytest.raises(BadInput) as e:
        market_step(mp, ms, gdp_bn=30000.0, debt_gdp_dev_pp=np.ones(2))
    assert e.value.field == "debt_gdp_dev_pp"
    with pytest.raises(BadInput) as e:
        clear_market(np.ones((3, 4)), np.zeros((3, 4)), np.array([False, True, True, False]), -1, 0.0, np.ones(2))
    assert e.value.field == "new_supply_bn"
    # one value, or a one-element array, still stands for every path
    a = market_step(mp, init_market(mp, 3), gdp_bn=30000.0, debt_gdp_dev_pp=np.array([1.0]))
    b = market_step(mp, init_market(mp, 3), gdp_bn=30000.0, debt_gdp_dev_pp=1.0)
    assert np.array_equal(a.yields, b.yields)
