"""Validation of the coupled system on a real episode: the Davos threat of January 2026.

The scenario ``davos-2026`` replays 20-22 January 2026 (a Danish pension sells its ~$0.1bn of
Treasuries; a US threat of "big retaliation" against any seller, strength 0.6). What was observed
afterwards bounds the assumption parameters of the threat channel:

* **10-year, event window.** DGS10 (yields.cmt) from the last close before the sale (Fri 16 Jan
  2026; Mon 19 Jan was a holiday) to the day after the threat (Fri 23 Jan 2026). The model's median
  10y deviation in January 2026 must lie within +-2 standard deviations of 5-trading-day changes of
  DGS10 over 2024-2025 (computed from the same data, ~17 bp): a smaller move cannot be told apart
  from an ordinary week, so a tighter band would fit noise.
* **Reserve managers.** The threat's largest median channel is reserve managers buying gold with
  dollars freed from Treasuries (coupled.reserves_threat_weight). The PBoC, the manager the threat
  provokes most, bought 2.2 t in January-February 2026 (curated.pboc_gold_monthly), below its 2025
  pace. The model's median PBoC purchases over those two months must lie within the range of
  2-month purchases during the PBoC's 2025 buying streak (min-max of consecutive pairs of monthly
  changes, Jan-Dec 2025): outside that range the response would have been visible in the data.

Equations: 5-day change sd = std(y_{d+5} - y_d); band_y10 = observed +- 2 sd;
PBoC 2-month purchases = gold_t(Feb 2026) - gold_t(Dec 2025) in the model and in the data.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from treasurylab.scenario.targets import TargetResult, between

BLOCK = "episodes"
PATHS = 300
SRC_DAVOS = ("davos-2026 scenario: AkademikerPension sale (20 Jan 2026), Davos threat (22 Jan 2026); "
             "calibration.md s2.2")


@lru_cache(maxsize=1)
def observed_event_window() -> dict:
    """DGS10 change (bp) 16 -> 23 Jan 2026 and the sd (bp) of 5-trading-day changes in 2024-2025."""
    from treasurylab import data

    win = data.series("yields.cmt", start="2026-01-16", end="2026-01-23", series="DGS10").sort_values("date")
    hist = data.series("yields.cmt", start="2024-01-01", end="2025-12-31", series="DGS10").sort_values("date")
    v = hist["value"].to_numpy(dtype=float)
    sd5 = float(np.std(v[5:] - v[:-5]) * 100)
    y = win["value"].to_numpy(dtype=float)
    return {"change_bp": float((y[-1] - y[0]) * 100), "sd5_bp": sd5,
            "from": str(win["date"].iloc[0])[:10], "to": str(win["date"].iloc[-1])[:10]}


@lru_cache(maxsize=1)
def observed_pboc() -> dict:
    """PBoC gold bought in Jan-Feb 2026 (t) and the range of 2-month purchases in 2025 (t)."""
    from treasurylab import data

    df = data.series("curated.pboc_gold_monthly")
    t = df[df["metric"] == "gold_tonnes"].sort_values("date").set_index("date")["value"].astype(float)
    t.index = t.index.astype(str).str[:7]
    d = t.diff()
    y25 = d[(d.index >= "2025-01") & (d.index <= "2025-12")].to_numpy()
    pairs = y25[1:] + y25[:-1]
    return {"jan_feb_2026": float(t["2026-02"] - t["2025-12"]), "lo": float(pairs.min()),
            "hi": float(pairs.max())}


@lru_cache(maxsize=1)
def davos_run(paths: int = PATHS) -> dict:
    """Median outcomes of davos-2026 (the y10 deviation path in bp, the PBoC's model purchases)."""
    from treasurylab.model import reserves as R
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    # the scenario's own response (its median and tails), measured without the world shocks
    sc = load_scenario("davos-2026")
    res = run(sc.with_(overrides={**sc.overrides, "shocks": {"enabled": False}}), paths=paths, workers=1)
    ds = res.ds
    dev = (ds["y10"].values - ds["base_y10"].values[None, :]) * 1e4
    # the reserves block is deterministic given the signal: run it alone on the scenario's schedule
    S = prepare(load_scenario("davos-2026"))
    rs = R.init_reserves(S.rp, 1)
    j = list(S.rp.names).index("People's Bank of China")
    bought = 0.0
    for t in range(2):
        bought += float(R.reserves_step(S.rp, rs, signal=S.res_signal[t]).buy_t[0, j])
    return {"months": res.months, "dev_p50": np.median(dev, axis=0),
            "dev_p95": np.percentile(dev, 95, axis=0), "pboc_jan_feb_t": bought,
            "cascade_p95": float(np.quantile(ds["cascade_share"].values, 0.95)),
            "cascade_p50": float(np.median(ds["cascade_share"].values))}


def targets() -> list[TargetResult]:
    ew = observed_event_window()
    pb = observed_pboc()
    m = davos_run()
    tol = 2.0 * ew["sd5_bp"]
    return [
        between("episodes.davos2026.y10_event_window", BLOCK,
                f"davos-2026: median 10y deviation in Jan 2026 vs DGS10 {ew['from']} -> {ew['to']} "
                f"({ew['change_bp']:+.0f} bp; band +-2 sd of 5-day changes 2024-25)",
                float(m["dev_p50"][0]), ew["change_bp"] - tol, ew["change_bp"] + tol, unit="bp",
                reference=f"{ew['change_bp']:+.0f} +- {tol:.0f}",
                source="DGS10 (yields.cmt, FRED); " + SRC_DAVOS),
        between("episodes.davos2026.pboc_gold_jan_feb", BLOCK,
                f"davos-2026: PBoC gold bought Jan-Feb 2026 (observed {pb['jan_feb_2026']:.1f} t; band = "
                "range of 2-month purchases in its 2025 streak)",
                m["pboc_jan_feb_t"], pb["lo"], pb["hi"], unit="t",
                reference=f"{pb['jan_feb_2026']:.1f} ({pb['lo']:.1f}-{pb['hi']:.1f})",
                source="curated.pboc_gold_monthly (PBoC via Jinshi, newsbytesapp); calibration.md s6; " + SRC_DAVOS),
    ]
