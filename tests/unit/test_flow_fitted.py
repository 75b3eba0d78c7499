"""'fitted' programmes on TIC net purchases (``holders.fit_basis: net_purchases``): the arithmetic on
a small synthetic holder, the as-of cut, the fall-back to holdings, and China's real 2023-2025 pace."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from treasurylab.data import asof, tic_flows
from treasurylab.errors import BadInput
from treasurylab.scenario import holders_inputs as HI


def test_loglinear_rate_by_hand():
    # three points 100, 90, 80: the OLS slope of log x on t = 0, 1, 2 is (log 80 - log 100) / 2
    x = HI.flow_path(100.0, [-10.0, -10.0])
    np.testing.assert_allclose(x, [100.0, 90.0, 80.0])
    assert HI.loglinear_rate(x) == pytest.approx(math.sqrt(0.8) - 1.0, rel=1e-12)
    # a constant 1% monthly net sale is a -1% programme
    h = 500.0 * 0.99 ** np.arange(13)
    assert HI.loglinear_rate(HI.flow_path(500.0, np.diff(h))) == pytest.approx(-0.01, rel=1e-10)


def _synthetic(months: list[str], h0: float, net: list[float], valuation: list[float]) -> pd.DataFrame:
    """Table 3-era rows of one holder: holdings move by net purchases plus valuation."""
    h = [h0]
    for n, v in zip(net[1:], valuation[1:], strict=True):
        h.append(h[-1] + n + v)
    return pd.DataFrame({"date": months, "holdings": h, "holdings_change": [math.nan] + list(np.diff(h)),
                         "net_purchases": net, "valuation": valuation, "other": 0.0,
                         "scope": tic_flows.SCOPE_TOTAL, "holdings_from": "Table 3", "flows_from": "Table 3"})


@pytest.fixture
def synthetic(monkeypatch):
    """Holder 'Testland': 2024-01..2024-07 with net sales of 10 bn a month and valuation losses of 5 bn
    a month; then months published after the end month, with absurd flows that must not be used."""
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    net = [0.0, -10, -10, -10, -10, -10, -10, 900, 900, 900, 900, 900]
    val = [0.0, -5, -5, -5, -5, -5, -5, 0, 0, 0, 0, 0]
    df = _synthetic(months, 200.0, net, val)
    monkeypatch.setattr(tic_flows, "resolve", lambda c: {"holder": "Testland", "table3": "Testland",
                                                        "s1": None, "history": None})
    monkeypatch.setattr(tic_flows, "monthly_flows", lambda c: ("Testland", df))
    return df


def test_flow_fit_by_hand_on_a_synthetic_holder(synthetic):
    rates, notes = HI.flow_fitted_rates(["Testland"], 4, "2024-07")
    # window 2024-04..2024-07: holdings of April (200 - 3 x 15 = 155), then April's holdings less
    # 10 bn a month (the valuation losses are not sales): 155, 145, 135, 125
    x = np.array([155.0, 145.0, 135.0, 125.0])
    t = np.arange(4.0)
    b = ((t - t.mean()) * (np.log(x) - np.log(x).mean())).sum() / ((t - t.mean()) ** 2).sum()
    assert rates["Testland"] == pytest.approx(math.expm1(b), rel=1e-12)
    # the holdings trend would count the 5 bn a month of price losses as sales
    hold = HI.loglinear_rate([155.0, 140.0, 125.0, 110.0])
    assert hold < rates["Testland"] < 0
    assert notes == [f"Testland: 'fitted' programme on net purchases 2024-04..2024-07 (TIC Table 3/S1, July 2026 "
                     f"download): {100 * rates['Testland']:+.2f}% a month"]


def test_flow_fit_uses_no_month_published_after_the_start(synthetic, monkeypatch):
    """A run starting in 2024-10 jumps off from the newest TIC month published by 2024-10-01 (July,
    released mid-September); poisoning every row published after that day changes nothing, poisoning
    the last published month does (the control)."""
    cut = np.datetime64(asof.as_date("2024-10"))
    pub = asof.published(tic_flows.TABLE3, synthetic).to_numpy()
    end = str(synthetic["date"][pub <= cut].max())
    assert end == "2024-07"
    clean = HI.flow_fitted_rates(["Testland"], 4, end)[0]["Testland"]

    def poisoned(rows):
        df = synthetic.copy()
        for col in ("holdings", "net_purchases", "valuation"):
            df.loc[rows, col] = df.loc[rows, col] * 1.5 + 1.0
        return df

    after = poisoned(pub > cut)
    monkeypatch.setattr(tic_flows, "monthly_flows", lambda c: ("Testland", after))
    assert HI.flow_fitted_rates(["Testland"], 4, end)[0]["Testland"] == clean
    last = poisoned(synthetic["date"] == end)
    monkeypatch.setattr(tic_flows, "monthly_flows", lambda c: ("Testland", last))
    assert HI.flow_fitted_rates(["Testland"], 4, end)[0]["Testland"] != clean


def test_holder_without_flows_keeps_the_holdings_fit(monkeypatch):
    def unknown(c):
        raise BadInput("unknown holder", field="--country", got=c, fix="-")

    monkeypatch.setattr(tic_flows, "resolve", unknown)
    rates, notes = HI.flow_fitted_rates(["Japan"], 36, "2025-12")
    assert rates["Japan"] == HI.fitted_rates(["Japan"], 36, "2025-12")["Japan"]
    assert notes == [f"Japan: 'fitted' programme on TIC holdings (not in TIC Table 3 or S1): "
                     f"{100 * rates['Japan']:+.2f}% a month"]


def test_window_before_2020_falls_back_to_holdings():
    """S1 has long-term transactions only (bills are missing before 2020-01): the holdings fit, noted."""
    rates, notes = HI.flow_fitted_rates(["China, Mainland"], 36, "2015-06")
    assert rates["China, Mainland"] == HI.fitted_rates(["China, Mainland"], 36, "2015-06")["China, Mainland"]
    assert "on TIC holdings (no published net purchases with bills" in notes[0]


def test_china_sells_faster_than_its_holdings_fell_2023_2025():
    """TIC, 2023-01..2025-12: China's holdings fell less than its net sales because rising yields'
    valuation changes and other changes offset part of them (`treasurylab data flows --country china
    --start 2023-02 --end 2025-12`). The transactions' pace is faster than the holdings' trend."""
    flows = HI.flow_fitted_rates(["China, Mainland"], 36, "2025-12")[0]["China, Mainland"]
    hold = HI.fitted_rates(["China, Mainland"], 36, "2025-12")["China, Mainland"]
    assert flows < hold < 0
    assert flows - hold < -0.001           # at least 0.1 pp a month faster (about 1.2 pp a year)
    _, m = tic_flows.monthly_flows("china")
    d = tic_flows.decompose("China, Mainland", m, "2023-02", "2025-12")
    assert d.net_purchases < d.holdings_change < 0


def test_unknown_fit_basis_names_the_field():
    with pytest.raises(BadInput, match="holders.fit_basis.*'net_purchases'.*'holdings'"):
        HI.build_holders_spec({"fit_basis": "prices"})
