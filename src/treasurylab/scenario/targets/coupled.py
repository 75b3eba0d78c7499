"""Coupled-system targets: with no events the whole loop reproduces the baseline it was built on.

The baseline is CBO's February 2026 projection re-anchored on the data published before the start
(scenario/jumpoff.py): its 10-year yield, and the fiscal block's baseline run on those rates and
CBO's primary deficits for net interest and debt/GDP. Every premium, flow and
macro response in the coupled run is a deviation from that path (add-factors, as FRB/US does), so
the largest relative difference over 2026-2035 must be at rounding level (<= 1e-9).
"""

from __future__ import annotations

from treasurylab.scenario.targets import TargetResult, within


def targets() -> list[TargetResult]:
    import numpy as np

    from treasurylab.params import load_params
    from treasurylab.scenario import jumpoff as JO
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.spec import load_scenario

    # add-factors by construction: the deterministic run (no world shocks) reproduces CBO's path
    sc = load_scenario("baseline")
    res = run(sc.with_(overrides={**sc.overrides, "shocks": {"enabled": False}}), paths=2, workers=1)
    ds = res.ds
    T = ds.sizes["month"]
    k0 = 3   # the fiscal baseline starts in October 2025; the scenario in January 2026
    anc = JO.anchored("2026-02", res.months[0], load_params("fiscal"), load_params("jumpoff"))
    base, cbo = anc.base_run, anc.inputs
    src = "CBO, The Budget and Economic Outlook: 2026 to 2036 (Feb 2026); calibration.md s1.2"
    y10 = float(np.max(np.abs(ds["y10"].values / cbo.yields[k0:k0 + T, 3] - 1.0)))
    ni = float(np.max(np.abs(ds["net_interest"].values / (12.0 * base["net_interest"][k0:k0 + T]) - 1.0)))
    dg = float(np.max(np.abs(ds["debt_gdp"].values / base["debt_gdp"][k0:k0 + T] - 1.0)))
    return [
        within("coupled.baseline.y10", "coupled", "no events: 10-year vs CBO's path, largest relative gap 2026-2035",
               y10, 0.0, abs_=1e-9, unit="relative", source=src),
        within("coupled.baseline.net_interest", "coupled",
               "no events: net interest vs the fiscal block's CBO baseline run, largest relative gap",
               ni, 0.0, abs_=1e-9, unit="relative", source=src),
        within("coupled.baseline.debt_gdp", "coupled",
               "no events: debt/GDP vs the fiscal block's CBO baseline run, largest relative gap",
               dg, 0.0, abs_=1e-9, unit="relative", source=src),
    ]
