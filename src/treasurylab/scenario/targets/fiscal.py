"""Fiscal-block targets: the engine fed CBO's baseline reproduces CBO's net interest and debt.

- ``fiscal.net_interest.fyYYYY`` (2026-2036): fed CBO's February 2026 baseline primary deficits, other
  means of financing, nominal GDP and rates (3-month bill and 10-year note, cbo.econ.2026-02; the rest
  of the curve from their historical relationship), the engine's net interest is within +-7% of CBO's
  (cbo.eval.baselines, baseline 2026-02).
- ``fiscal.net_interest.total_2027_2036``: the ten-year total within +-4%.
- ``fiscal.debt_gdp.fyYYYY``: debt held by the public / fiscal-year GDP within +-2 percentage points
  (both divided by the same GDP, from CBO's economic projections).
- ``fiscal.rule_of_thumb.0_1pp``: on the January 2025 vintage (2025-01 baseline, quarterly economic file),
  all rates +0.1 pp from January 2025 on add $351bn to 2026-2035 deficits (CBO, Mar 2025, pub 61249;
  calibration.md s1.3 [V2]); tolerance +-15%.
- ``fiscal.rule_of_thumb.1pp_scaling``: +1 pp adds 10x the +0.1 pp effect in CBO's rules of thumb
  (calibration.md s1.3 "scales to about $3.5T for +1 pp"); tolerance +-10%: CBO's rule is linear by
  construction, while in the engine the extra debt itself pays the higher rate, so the response is
  slightly convex (a few percent at +1 pp); more than 10% would mean a scaling error, not compounding.
- ``fiscal.ladder.*``: the initial ladder (2025-10) has WAM about 72 months (+-6) and bills about 21%
  (+-2 pp) of marketable debt (calibration.md s1.5 [V2]), and an average rate within +-0.25 pp of CBO's
  3.2% average interest rate on debt held by the public in FY2025 (calibration.md s1.1 [V]).
- ``fiscal.offset_refit``: the ``other_interest_offset`` in params/defaults/fiscal.yaml equals a fresh
  fit on FY2023-2025 actuals (so the documented fit is the one used).
"""

from __future__ import annotations

from treasurylab.scenario.targets import TargetResult, between, within

_CBO26 = "CBO, The Budget and Economic Outlook: 2026 to 2036 (Feb 2026), cbo.eval.baselines 2026-02"
#: CBO's interest-rate rule of thumb on its January 2025 baseline: all rates +0.1 pp from January 2025 add this
#: much (USD bn) to FY2026-2035 deficits, and the rule scales linearly (source: _ROT)
CBO_RULE_OF_THUMB_0_1PP_BN = 351.0
_ROT = "CBO, Mar 2025 (pub 61249): +0.1 pp on all rates adds $351bn to 2026-2035 deficits; calibration.md s1.3"


def targets() -> list[TargetResult]:
    import numpy as np

    from treasurylab.params import load_params
    from treasurylab.scenario import fiscal_inputs as FI

    p = load_params("fiscal")
    out: list[TargetResult] = []

    # 1. Feb 2026 baseline: net interest by year, ten-year total, debt/GDP
    r = FI.run_baseline("2026-02", p)
    b = r["inputs"]
    years = [int(y) for y in r["fy"]]
    for i, y in enumerate(years):
        out.append(within(f"fiscal.net_interest.fy{y}", "fiscal",
                          f"Net interest FY{y}, engine fed CBO's Feb 2026 baseline", r["fy_net_interest"][i],
                          b.cbo_net_interest[y], rel=0.07, unit="USD bn", source=_CBO26))
    sel = [i for i, y in enumerate(years) if 2027 <= y <= 2036]
    model_total = float(np.sum(r["fy_net_interest"][sel]))
    cbo_total = float(sum(b.cbo_net_interest[years[i]] for i in sel))
    out.append(within("fiscal.net_interest.total_2027_2036", "fiscal",
                      "Net interest FY2027-2036 total, engine fed CBO's Feb 2026 baseline", model_total,
                      cbo_total, rel=0.04, unit="USD bn", source=_CBO26))
    for i, y in enumerate(years):
        out.append(within(f"fiscal.debt_gdp.fy{y}", "fiscal",
                          f"Debt held by the public / GDP, end FY{y}", 100.0 * r["fy_debt_gdp"][i],
                          round(100.0 * b.cbo_debt[y] / b.gdp_fy[y], 3), abs_=2.0, unit="% of GDP",
                          source=_CBO26 + "; GDP from cbo.econ.2026-02 averaged over the fiscal year"))

    # 2. Jan 2025 vintage: CBO's interest-rate rule of thumb
    def extra_deficits(shift: float) -> float:
        base = FI.run_baseline("2025-01", p)
        hi = FI.run_baseline("2025-01", p, rate_shift=shift, shift_from="2025-01")
        fy = base["fy"]
        m = (fy >= 2026) & (fy <= 2035)
        return float(np.sum((hi["fy_deficit"] - base["fy_deficit"])[m]))

    d01 = extra_deficits(0.001)
    d1 = extra_deficits(0.01)
    out.append(within("fiscal.rule_of_thumb.0_1pp", "fiscal",
                      "All rates +0.1 pp from Jan 2025: extra deficits FY2026-2035 (Jan 2025 baseline)", d01,
                      CBO_RULE_OF_THUMB_0_1PP_BN, rel=0.15, unit="USD bn", source=_ROT))
    out.append(within("fiscal.rule_of_thumb.1pp_scaling", "fiscal",
                      "Extra deficits at +1 pp / at +0.1 pp (CBO's rule scales linearly: 10x)", d1 / d01,
                      10.0, rel=0.10, unit="ratio",
                      source=_ROT + "; calibration.md summary: scales to about $3.5T for +1 pp"))

    # 3. the initial ladder
    li = FI.ladder_info("2025-10", p)
    out.append(within("fiscal.ladder.wam", "fiscal", "WAM of marketable debt, ladder at 2025-10", li.wam, 72.0,
                      abs_=6.0, unit="months", source="calibration.md s1.5: WAM about 72 months in 2025 [V2]"))
    out.append(within("fiscal.ladder.bill_share", "fiscal", "Bills / marketable debt, ladder at 2025-10",
                      100.0 * li.bill_share, 21.0, abs_=2.0, unit="%",
                      source="calibration.md s1.5: bills about 21% of marketable debt [V2]"))
    out.append(within("fiscal.ladder.average_rate", "fiscal", "Average interest rate of the ladder at 2025-10",
                      100.0 * li.average_rate, 3.2, abs_=0.25, unit="%",
                      source="CBO Jan 2025: average interest rate on debt held by the public 3.2% in FY2025; "
                             "calibration.md s1.1 [V]"))

    # 4. the documented fit is the one in use
    fit = FI.fit_other_interest_offset(p)["offset"]
    out.append(between("fiscal.offset_refit", "fiscal",
                       "other_interest_offset in fiscal.yaml minus a fresh fit on FY2023-2025 actuals",
                       float(p["other_interest_offset"]) - fit, -1e-6, 1e-6, unit="share of GDP",
                       source="scenario/fiscal_inputs.fit_other_interest_offset", reference=0.0))
    return out
