"""Reserves block targets: the PBoC's monthly gold path and central banks' 2025 buying (calibration.md s6).

* The PBoC's reported monthly path 2024-01 to the latest month (curated.pboc_gold_monthly) is
  reproduced by the kernel's accounting when fed the reported monthly changes (max error, tonnes).
* The PBoC's fitted baseline buying over calendar 2025 is WGC's 27 t.
* With no diversification signal, the model's central banks buy WGC's 863.3 t over a year (2025).
* At signal 1 each manager buys at its record calendar-year pace (reserves.yaml, managers): the PBoC
  its 2023 225 t, the other central banks the record year of WGC's central-bank total (2024's revised
  1,092.4 t), both read from curated.cb_gold_purchases_annual, so the response parameters cannot drift
  from the figures their assumption names.
* A freeze in force (coupled.reserves_freeze_weight): the managers' gold bought beyond their base in
  the freeze's first 12 months, in USD at the model's price, lies within the yearly excess of central
  banks' gold buying after the 2022 freeze of Russia's reserves over their 2010-2021 pace (2022-2025,
  each year's tonnes at its mean WGC-implied price; params/reserves_estimate.freeze_gold_excess). The
  freeze goes through the scenario's event and the reserves kernel, as a run sees it.
* The gold-price response: +100 t of extra official buying in a month raises the price by
  eta x 100 / 5,002 (labelled assumption, eta = 1 -> ~2%); reported, not a target.
"""

from __future__ import annotations

import numpy as np

from treasurylab.params.reserves_estimate import freeze_gold_excess
from treasurylab.scenario.targets import TargetResult, between, within

BLOCK = "reserves"
SRC = "World Gold Council, Gold Demand Trends FY2025; PBoC monthly reserve data; calibration.md s6"


def pboc_path_error() -> tuple[float, int]:
    """Max |model - reported| (tonnes) over the PBoC's monthly path from 2024-01, and the months checked."""
    from treasurylab.model.reserves import init_reserves, reserves_step
    from treasurylab.scenario.holders_inputs import build_reserves_params, pboc_monthly_tonnes

    months, tonnes = pboc_monthly_tonnes()
    i0 = months.index("2024-01")
    obs = tonnes[i0:]
    rp = build_reserves_params()
    j = rp.names.index("People's Bank of China")
    # the kernel's own accounting, fed the reported monthly purchases as its base
    path = [obs[0]]
    for buy in np.diff(obs):
        rp_m = type(rp)(**{**rp.__dict__, "gold0_t": np.where(np.arange(len(rp.names)) == j, path[-1], rp.gold0_t),
                           "base_t_per_month": np.where(np.arange(len(rp.names)) == j, buy, rp.base_t_per_month)})
        rs = init_reserves(rp_m, 1)
        path.append(float(reserves_step(rp_m, rs).gold_t[0, j]))
    return float(np.max(np.abs(np.array(path) - obs))), len(obs)


def annual_buying(signal: float = 0.0) -> dict:
    from treasurylab.model.reserves import init_reserves, reserves_step
    from treasurylab.scenario.holders_inputs import build_reserves_params

    rp = build_reserves_params()
    rs = init_reserves(rp, 1)
    g0 = rs.gold_t.copy()
    p0 = float(np.exp(rs.log_price[0]))
    for _ in range(12):
        out = reserves_step(rp, rs, signal=signal)
    bought = (rs.gold_t - g0)[0]
    return {"total": float(bought.sum()), "pboc": float(bought[rp.names.index("People's Bank of China")]),
            "price_change_pct": 100 * (float(out.price[0]) / p0 - 1)}


def record_paces() -> dict:
    """The record calendar-year purchases (tonnes) the signal-1 responses are set to: the PBoC's reported
    record and the record year of WGC's central-bank total, from curated.cb_gold_purchases_annual."""
    from treasurylab import data

    df = data.series("curated.cb_gold_purchases_annual")
    total = df[df["metric"] == "net_purchases"].set_index("date")["value"].astype(float)
    china = df[df["metric"] == "china_reported_purchases"].set_index("date")["value"].astype(float)
    return {"pboc": float(china.max()), "pboc_year": str(china.idxmax()),
            "others": float(total.max()), "others_year": str(total.idxmax())}


def freeze_reallocation(overrides: dict | None = None, months: int = 12) -> dict:
    """USD bn the reserve managers move in the first ``months`` of a freeze in force (the 2022 case's
    freeze, ``episodes.freeze_doc``): ``gold`` bought beyond their base, valued at the model's price
    each month; ``other``: reserves moved to non-dollar assets; ``treasuries``: the Treasuries sold to
    fund both."""
    from treasurylab.model import reserves as R
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario
    from treasurylab.scenario.targets import episodes as E
    from treasurylab.units import OZ_PER_TONNE

    t0 = E.months_between(E.FREEZE_START, E.FREEZE_MONTH) - 1      # the freeze's first month in the run
    S = prepare(load_scenario(E.freeze_doc(None, E.analog_holder(), horizon=t0 + months, paths=1,
                                           overrides=overrides)))
    rs = R.init_reserves(S.rp, 1)
    out = {"gold": 0.0, "other": 0.0, "treasuries": 0.0}
    for t in range(t0 + months):
        o = R.reserves_step(S.rp, rs, signal=S.res_signal[t])
        if t >= t0:
            gold = float(((o.buy_t[0] - S.rp.base_t_per_month) * o.price[0]).sum()) * OZ_PER_TONNE / 1e9
            out["gold"] += gold
            out["treasuries"] += float(o.treasury_sales_bn[0].sum())
            out["other"] += float(o.treasury_sales_bn[0].sum()) / (S.rp.usd_share * S.rp.tsy_share) - gold
    return out


def freeze_gold_usd(overrides: dict | None = None, months: int = 12) -> float:
    """USD bn of gold bought beyond the base in the first ``months`` of a freeze in force."""
    return freeze_reallocation(overrides, months)["gold"]


def targets() -> list[TargetResult]:
    err, n = pboc_path_error()
    a = annual_buying()
    s1 = annual_buying(signal=1.0)
    rec = record_paces()
    ex = freeze_gold_excess()
    return [
        between("reserves.pboc.monthly_path", BLOCK,
                f"PBoC gold path 2024-01 onward ({n} months) reproduced from reported monthly changes: max error",
                err, 0.0, 0.01, unit="tonnes", reference=0.0, source="curated.pboc_gold_monthly; calibration.md s6"),
        within("reserves.pboc.buying_2025", BLOCK, "PBoC baseline buying over a year (fitted on calendar 2025)",
               a["pboc"], 27.0, abs_=2.0, unit="tonnes", source=SRC),
        within("reserves.central_banks.buying_2025", BLOCK,
               "central banks' baseline gold buying over a year, no diversification signal",
               a["total"], 863.3, rel=0.01, unit="tonnes", source=SRC),
        within("reserves.pboc.record_pace", BLOCK,
               f"PBoC gold buying over a year at diversification signal 1 = its record ({rec['pboc_year']})",
               s1["pboc"], rec["pboc"], abs_=2.0, unit="tonnes", source=SRC + "; reserves.yaml managers"),
        within("reserves.others.record_pace", BLOCK,
               "other central banks' gold buying over a year at diversification signal 1 = the record year of "
               f"WGC's central-bank total ({rec['others_year']})",
               s1["total"] - s1["pboc"], rec["others"], rel=0.005, unit="tonnes",
               source=SRC + "; reserves.yaml managers"),
        between("reserves.freeze.gold_usd_year", BLOCK,
                f"a freeze in force: gold bought beyond the base in its first 12 months (USD, model price) vs "
                f"central banks' yearly excess over {ex['before_years']} ({ex['before_t']:.0f} t a year) in "
                f"{min(ex['years'])}-{max(ex['years'])}, at each year's price (band: the smallest and largest year)",
                freeze_gold_usd(), ex["lo_usd_bn"], ex["hi_usd_bn"], unit="USD bn",
                reference=f"{ex['mean_usd_bn']:.1f} ({ex['lo_usd_bn']:.1f}-{ex['hi_usd_bn']:.1f})",
                source=SRC + "; wgc.gold_reserves (implied price); curated.cb_gold_purchases_annual; "
                             "coupled.yaml reserves_freeze_weight"),
    ]
