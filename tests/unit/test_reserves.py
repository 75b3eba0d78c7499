"""Reserves kernel: diversification frees dollars, price response, mapping to holders, validation."""

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model.reserves import (
    OZ_PER_TONNE,
    ReservesParams,
    init_reserves,
    path_from_purchases,
    reserves_step,
    to_agents,
)


def params(**kw):
    base = {"names": ("A", "B"), "gold0_t": np.array([100.0, 50.0]), "base_t_per_month": np.array([1.0, 2.0]),
                "response_t_per_month": np.array([10.0, 0.0]), "nondollar_per_month": np.array([0.0, 0.01]),
                "reserves_usd_bn": np.array([1000.0, 500.0]), "holder_index": np.array([1, -1]), "usd_share": 0.5,
                "tsy_share": 0.5, "price0": 4000.0, "eta": 1.0, "annual_demand_t": 5000.0}
    base.update(kw)
    return ReservesParams(**base)


def test_baseline_buying_frees_no_dollars_and_moves_no_price():
    rp = params()
    rs = init_reserves(rp, 3)
    out = reserves_step(rp, rs)
    np.testing.assert_allclose(out.gold_t, [[101.0, 52.0]] * 3)
    assert np.all(out.treasury_sales_bn == 0)
    np.testing.assert_allclose(out.price, 4000.0)


def test_signal_buys_gold_sells_treasuries_and_lifts_price():
    rp = params()
    rs = init_reserves(rp, 2)
    out = reserves_step(rp, rs, signal=np.array([0.0, 1.0]))
    extra_usd = 10.0 * out.price[1] * OZ_PER_TONNE / 1e9
    assert out.treasury_sales_bn[1, 0] == pytest.approx(0.25 * extra_usd)
    assert out.treasury_sales_bn[1, 1] == pytest.approx(0.25 * 0.01 * 500.0)
    assert out.price[1] == pytest.approx(4000.0 * np.exp(10.0 / 5000.0))
    assert out.price[0] == pytest.approx(4000.0, rel=1e-12)


def test_to_agents_maps_and_spreads():
    rp = params()
    sales = np.array([[2.0, 4.0]])
    out = to_agents(rp, sales, 3, spread_weights=np.array([1.0, 0.0, 3.0]))
    np.testing.assert_allclose(out, [[1.0, 2.0, 3.0]])
    assert to_agents(rp, sales, 3).sum() == pytest.approx(2.0)


def test_path_accounting():
    np.testing.assert_allclose(path_from_purchases(10.0, [1, 2, 3]), [11, 13, 16])


def test_bad_params():
    with pytest.raises(BadInput, match="usd_share"):
        params(usd_share=1.5).validate()
    with pytest.raises(BadInput, match="managers"):
        params(gold0_t=np.array([-1.0, 0.0])).validate()


def test_default_params_from_data():
    from treasurylab.scenario.holders_inputs import build_reserves_params

    rp = build_reserves_params(holder_names=["Japan", "China, Mainland"])
    assert rp.names[0] == "People's Bank of China" and rp.holder_index[0] == 1
    assert 2000 < rp.gold0_t[0] < 2500
    with pytest.raises(BadInput, match="pboc_fit_window"):
        build_reserves_params({"pboc_fit_window": ["2030-01", "2030-12"]})


def test_gold_price_answers_the_10y_deviation_by_hand():
    """ln P = ln P0 + demand part + gamma * (10y - baseline 10y): a level on the deviation, so the
    price returns when the yield does, and the demand part adds in logs."""
    rp = params(rate_semi_elasticity=-0.1)
    rs = init_reserves(rp, 3)
    out = reserves_step(rp, rs, dev10_pp=np.array([0.0, 1.0, -2.0]))
    np.testing.assert_allclose(out.price, 4000.0 * np.exp([0.0, -0.1, 0.2]))
    out = reserves_step(rp, rs, dev10_pp=0.0)              # yields back on the baseline: price back
    np.testing.assert_allclose(out.price, 4000.0)
    # a signal: demand part (eta * 10 t / 5000 t) plus the rate part, in logs; what the extra gold
    # costs (and so the Treasuries sold) is valued at that price
    out = reserves_step(rp, rs, signal=1.0, dev10_pp=np.array([1.0, 1.0, 1.0]))
    np.testing.assert_allclose(out.price, 4000.0 * np.exp(10.0 / 5000.0 - 0.1))
    assert out.treasury_sales_bn[0, 0] == pytest.approx(0.25 * 10.0 * out.price[0] * OZ_PER_TONNE / 1e9)


def test_gold_rate_response_is_recomputed_from_the_data():
    """reserves.yaml's gold_rate_semi_elasticity is params/reserves_estimate's OLS on the bundled
    WGC-implied gold price and the 10-year CMT, and the data say gold falls when yields rise."""
    from treasurylab.params import load_params
    from treasurylab.params.reserves_estimate import gold_rate_response

    est = gold_rate_response()
    assert float(load_params("reserves")["gold_rate_semi_elasticity"]) == round(est["b"], 3)
    assert est["b"] + 2 * est["se"] < 0 and est["b_real"] + 2 * est["se_real"] < 0
    assert est["n"] == 27 and (est["first"], est["last"]) == ("2019Q2", "2025Q4")


def test_a_freezes_reserve_weight_is_sized_on_the_gold_bought_after_2022():
    """coupled.yaml's reserves_freeze_weight is params/reserves_estimate's sizing on the bundled data:
    central banks' gold buying in 2022-2025 (WGC, the freeze of Russia's reserves in force) beyond their
    2010-2021 pace, valued at each year's WGC-implied price, against the model's extra gold at signal 1
    valued at its starting price. A weight of 1 had the model buy half as much again, in dollars."""
    from treasurylab.params import load_params
    from treasurylab.params.reserves_estimate import freeze_gold_excess, freeze_reserve_weight

    ex = freeze_gold_excess()
    assert ex["before_t"] == 473.0 and ex["before_years"] == "2010/2021"
    assert sorted(ex["years"]) == [2022, 2023, 2024, 2025]
    for y, row in ex["years"].items():
        assert row["excess_t"] > 0 and 1500 < row["price"] < 4500, (y, row)
        assert row["usd_bn"] == pytest.approx(row["excess_t"] * row["price"] * OZ_PER_TONNE / 1e9)
    assert ex["lo_usd_bn"] < ex["mean_usd_bn"] < ex["hi_usd_bn"]
    w = freeze_reserve_weight()
    assert 0 < w < 1
    assert float(load_params("coupled")["reserves_freeze_weight"]) == round(w, 2)
