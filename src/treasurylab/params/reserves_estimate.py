"""The gold price's response to US rates, estimated from the bundled data (params layer).

``gold_rate_response()`` regresses the quarterly change in the log gold price on the quarterly change
in the 10-year Treasury yield, by OLS (statsmodels), over the quarters the bundled World Gold Council
file covers::

    ln P_q - ln P_{q-1} = a + b (y10_q - y10_{q-1}) + e_q       P: USD/oz, y10: percent

* ``P``: the price implied by the WGC / IMF IFS valuation of US official gold (``wgc.gold_reserves``,
  USD mn / tonnes / 32,150.7466 oz per tonne; US tonnes do not change, so the ratio is the price WGC
  used at each quarter end), 2019-Q1..2025-Q4;
* ``y10``: the 10-year CMT (``yields.cmt`` DGS10) on the last business day of the quarter.

The nominal yield is the regressor because the model's paths carry the nominal 10-year, not a
breakeven: the real 10-year (``rates.daily`` DFII10) fits better (reported as ``b_real``) and the
breakeven adds nothing, so a nominal-yield coefficient is the real-rate response diluted by the part
of past nominal moves that were breakevens, the right reduced form for a model that moves the
nominal yield. The constant (2019-2025's drift, ~5% a quarter) is not a shock and is not used: the
baseline does not forecast gold's trend.

``params/defaults/reserves.yaml`` holds the rounded result (``gold_rate_semi_elasticity``);
``tests/unit/test_reserves.py`` recomputes it from the store.

``freeze_reserve_weight()`` sizes a freeze's weight in the reserve managers' signal
(``coupled.reserves_freeze_weight``) on the one freeze on record, that of Russia's reserves from
February 2022 (still in force)::

    excess_y = (WGC central banks' net purchases in year y - their 2010-2021 average) * P_y * oz/t
    weight   = mean_y excess_y / (sum_r response_r * 12 * P_0 * oz/t)          y = 2022, 2023, ...

* the purchases (tonnes) are ``curated.cb_gold_purchases_annual`` (WGC, Gold Demand Trends FY2025;
  calibration.md s6): every calendar year from 2022 (2022 includes January-February, before the
  freeze), against the 2010-2021 average, the one earlier figure bundled;
* ``P_y``: the mean of year y's four quarter-end prices of ``implied_gold_price()``; ``P_0`` and the
  managers' extra tonnes a month at signal 1 (``response_r``) are reserves.yaml's.

The match is in dollars, not tonnes: what funds the gold leaves Treasuries in dollars, and the price
at the model's start (2025-Q4) is more than twice 2022-23's, so the same tonnes would free more than
twice the dollars. The whole excess is put down to the freeze (nothing in the data splits it by motive).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from treasurylab.units import OZ_PER_TONNE


def _quarter_end(dataset: str, series: str) -> pd.Series:
    from treasurylab import data

    d = data.series(dataset, series=series)
    return d.set_index(pd.PeriodIndex(pd.to_datetime(d["date"]), freq="Q"))["value"].groupby(level=0).last()


def implied_gold_price() -> pd.Series:
    """USD per troy ounce at each quarter end: WGC's US gold value / US tonnes."""
    from treasurylab import data

    d = data.series("wgc.gold_reserves", iso3="USA")
    w = d.pivot_table(index="date", columns="metric", values="value")
    p = w["gold_usd_mn"] * 1e6 / (w["gold_tonnes"] * OZ_PER_TONNE)
    p.index = pd.PeriodIndex(pd.to_datetime(p.index), freq="Q")
    return p.sort_index()


def gold_rate_response() -> dict:
    """OLS of the quarterly log gold-price change on the 10-year's change (percent): the slope ``b``
    (log points per percentage point), its standard error, R^2, the number of quarters, the sample,
    and the same on the real 10-year (``b_real``, ``se_real``, ``r2_real``)."""
    import statsmodels.api as sm

    lp = np.log(implied_gold_price())
    out: dict = {}
    for key, (ds, s) in {"": ("yields.cmt", "DGS10"), "_real": ("rates.daily", "DFII10")}.items():
        df = pd.concat([lp.diff(), _quarter_end(ds, s).diff()], axis=1, join="inner").dropna()
        fit = sm.OLS(df.iloc[:, 0].to_numpy(), sm.add_constant(df.iloc[:, 1].to_numpy())).fit()
        out[f"b{key}"], out[f"se{key}"], out[f"r2{key}"] = float(fit.params[1]), float(fit.bse[1]), float(fit.rsquared)
        out[f"n{key}"] = int(fit.nobs)
        out["first"], out["last"] = str(df.index[0]), str(df.index[-1])
    return out


def freeze_gold_excess() -> dict:
    """Central banks' gold buying after the 2022 freeze beyond their earlier pace: ``before_t`` (tonnes a
    year) and ``before_years``; ``years``: {year: {bought_t, excess_t, price (USD/oz), usd_bn}}; the
    mean excess in tonnes and USD bn a year, and the smallest and largest year in USD bn."""
    from treasurylab import data

    df = data.series("curated.cb_gold_purchases_annual")
    before = df[df["metric"] == "average_net_purchases"]
    if len(before) != 1:
        raise ValueError("curated.cb_gold_purchases_annual: expected one earlier average")
    before_t, before_years = float(before["value"].iloc[0]), str(before["date"].iloc[0])
    annual = df[(df["metric"] == "net_purchases") & (df["date"].astype(str).str.fullmatch(r"\d{4}"))]
    price = implied_gold_price()
    by_year = price.groupby(price.index.year)
    years = {}
    for y, v in sorted(zip(annual["date"].astype(int), annual["value"].astype(float))):
        if y < 2022:
            continue
        if y not in by_year.groups or by_year.size()[y] != 4:
            raise ValueError(f"wgc.gold_reserves: no four quarter-end prices in {y}")
        p = float(by_year.mean()[y])
        years[y] = {"bought_t": v, "excess_t": v - before_t, "price": p,
                    "usd_bn": (v - before_t) * p * OZ_PER_TONNE / 1e9}
    usd = [r["usd_bn"] for r in years.values()]
    return {"before_t": before_t, "before_years": before_years, "years": years,
            "mean_t": float(np.mean([r["excess_t"] for r in years.values()])),
            "mean_usd_bn": float(np.mean(usd)), "lo_usd_bn": float(min(usd)), "hi_usd_bn": float(max(usd))}


def model_gold_usd_bn_at_signal_1(params=None) -> float:
    """USD bn a year of the extra gold reserves.yaml's managers buy at signal 1, at its starting price."""
    from treasurylab.params.load import load_params

    ps = load_params("reserves") if params is None else params
    tonnes = sum(float(m.get("response_t_per_month", 0.0)) for m in (ps["managers"] or {}).values())
    return tonnes * 12 * float(ps["gold_price0"]) * OZ_PER_TONNE / 1e9


def freeze_reserve_weight() -> float:
    """The weight of a freeze in the reserve signal at which the model's extra gold buying, in dollars,
    is the mean yearly excess of 2022 on (``freeze_gold_excess``); coupled.yaml holds it rounded."""
    return freeze_gold_excess()["mean_usd_bn"] / model_gold_usd_bn_at_signal_1()
