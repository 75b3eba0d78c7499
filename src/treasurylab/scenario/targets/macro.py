"""Macro-block targets: the size of yield-to-GDP transmission, and exact reproduction of CBO's path.

- ``macro.tp100_gdp_8q``: a permanent +100 bp on the 10-year term premium (the Taylor rule free to
  respond, its expected path feeding back into the 10-year) lowers the real GDP level by 0.5-1.0%
  after 8 quarters (calibration.md s5, rule of thumb [U]; ELR 2015; Gagnon 2009).
- ``macro.baseline_addfactor``: with no shock the block's largest deviation from CBO's 10-year,
  policy rate, output gap and GDP over 2026-2035 is zero (to 1e-9).
"""

from __future__ import annotations

from treasurylab.scenario.targets import TargetResult, between, within


def targets() -> list[TargetResult]:
    import numpy as np

    from treasurylab.model.macro import MacroParams, run_exogenous
    from treasurylab.params import load_params
    from treasurylab.params.macro_inputs import macro_baseline

    p = MacroParams.from_params(load_params("macro"))
    b = macro_baseline("2026-01", 120)
    shock = np.zeros((2, b.T))
    shock[1, :] = 0.01
    r = run_exogenous(p, shock, b.y10, b.policy, b.gap, b.gdp)
    gdp_8q = float(r["gap_dev"][1, 23]) * 100.0
    base_dev = max(
        float(np.max(np.abs(r["dy10"][0]))),
        float(np.max(np.abs(r["policy"][0] - b.policy))),
        float(np.max(np.abs(r["gap"][0] - b.gap))),
        float(np.max(np.abs(r["gdp"][0] / b.gdp - 1.0))),
    )
    return [
        between("macro.tp100_gdp_8q", "macro",
                "+100 bp 10y term premium: real GDP level after 8 quarters", gdp_8q, -1.0, -0.5,
                unit="% of baseline GDP",
                source="calibration.md s5: rule of thumb -0.5..-1.0% after 2 years [U]; ELR (FEDS 2015-005)",
                reference="-0.5..-1.0"),
        within("macro.baseline_addfactor", "macro",
               "no shock: largest deviation from CBO's path (10y, policy rate, gap, GDP), 2026-2035",
               base_dev, 0.0, abs_=1e-9, unit="decimal / fraction",
               source="CBO Feb 2026 economic projections (pub 61882); add-factors as in FRB/US"),
    ]
