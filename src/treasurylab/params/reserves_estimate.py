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
