"""Learned expectation of unannounced flows: a sustained pace stops being a surprise, a one-off does not."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model.market import (
    BP,
    I5,
    I10,
    MarketParams,
    init_market,
    market_step,
    run_market_path,
)
from treasurylab.params.load import load_params

GDP = 32274.2


def params(**ov) -> MarketParams:
    return MarketParams.from_params(load_params("market", {"backstop_on": 0, **ov}))


def test_one_off_sale_is_a_full_surprise_whatever_the_learning():
    f = np.zeros(25)
    f[0] = 100.0
    a = run_market_path(params(flow_learning_per_month=0.0), GDP, 25, surprise_flow_bn=f)
    b = run_market_path(params(flow_learning_per_month=0.3), GDP, 25, surprise_flow_bn=f)
    c = run_market_path(params(flow_learning_per_month=1.0), GDP, 25, surprise_flow_bn=f)
    np.testing.assert_array_equal(a["dev"], b["dev"])
    np.testing.assert_array_equal(a["dev"], c["dev"])


def test_sustained_pace_decays_and_the_stock_carries_it():
    T = 60
    f = np.full(T, 80.0)
    old = run_market_path(params(flow_learning_per_month=0.0), GDP, T, surprise_flow_bn=f)
    new = run_market_path(params(flow_learning_per_month=0.3), GDP, T, surprise_flow_bn=f)
    mp = params()
    # without learning: towards the pile-up A (1 - exp(-p/D)) / (1 - rho)
    pile = mp.flow_amplitude_bp[I10] * -np.expm1(-80.0 / mp.flow_depth_bn) / (1.0 - mp.flow_decay)
    assert old["tp_temp"][-1, 0, I10] / BP > 0.95 * pile
    temp = new["tp_temp"][:, 0, I10] / BP
    peak = int(np.argmax(temp))
    assert 0 < peak < 12                         # peaks while the pace is still news
    assert np.all(np.diff(temp[peak:]) < 0)      # then only decays
    assert temp[-1] < 0.05 * temp[peak]
    # every dollar sold is still in the stock premium, learned or not
    np.testing.assert_array_equal(old["tp_perm"], new["tp_perm"])


def test_a_shortfall_against_the_expected_pace_is_no_rally():
    mp = params()
    ms = init_market(mp, 1)
    for _ in range(12):
        market_step(mp, ms, surprise_flow_bn=50.0, gdp_bn=GDP)
    before = ms.tp_temp.copy()
    market_step(mp, ms, surprise_flow_bn=0.0, gdp_bn=GDP)
    # the selling stops: the premium decays at rho, nothing un-priced
    np.testing.assert_allclose(ms.tp_temp, mp.flow_decay * before, rtol=1e-12)


def test_buying_against_expected_selling_is_a_full_surprise():
    mp = params()
    ms = init_market(mp, 2)
    for _ in range(6):
        market_step(mp, ms, surprise_flow_bn=np.array([60.0, 0.0]), gdp_bn=GDP)
    t0 = ms.tp_temp.copy()
    market_step(mp, ms, surprise_flow_bn=np.array([-40.0, -40.0]), gdp_bn=GDP)
    drop = t0 * mp.flow_decay - ms.tp_temp
    np.testing.assert_allclose(drop[0], drop[1], rtol=1e-12)   # the same -40 impact on both paths
    assert drop[0, I5] > 0


def test_learning_is_consistent_across_step_lengths():
    # one month of a pace in 21 daily steps is learnt as much as in one monthly step
    mp = params()
    a, b = init_market(mp, 1), init_market(mp, 1)
    market_step(mp, a, surprise_flow_bn=90.0, gdp_bn=GDP)
    for _ in range(21):
        market_step(mp, b, surprise_flow_bn=90.0 / 21, gdp_bn=GDP, dt_months=1.0 / 21)
    assert a.flow_expected_bn[0] == pytest.approx(0.3 * 90.0)
    assert b.flow_expected_bn[0] == pytest.approx(a.flow_expected_bn[0], rel=1e-9)


def test_learning_rate_bad_input_names_the_field():
    with pytest.raises(BadInput, match="market.flow_learning_per_month"):
        MarketParams.from_params(load_params("market", {"flow_learning_per_month": 1.5}))
