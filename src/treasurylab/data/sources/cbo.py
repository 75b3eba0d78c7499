"""Congressional Budget Office datasets: baseline projections (every vintage), actuals, baseline changes,
economic projections (February 2026 annual, January 2025 quarterly) and the historical budget workbook.

Ids::

    cbo.eval.baselines      every CBO baseline since 1984 (Feb 2026 included), USD bn by fiscal year
    cbo.eval.actuals        actual outcomes, USD bn by fiscal year
    cbo.eval.changes        changes between successive baselines (legislative/economic/technical)
    cbo.eval.gdp            nominal GDP by fiscal year, USD bn
    cbo.econ.2026-02        economic projections, calendar years 1949-2036 (units per variable)
    cbo.econ.2025-01        economic projections, quarters 1949q1-2035q4 (units per variable)
    cbo.historical.2026-02  historical budget data workbook (tables 1-5a), USD bn or % of GDP

Example (the fiscal engine's calibration target)::

    series("cbo.eval.baselines", category="Net Interest", baseline_date="2026-02")
    # fiscal_year 2026 -> 1038.976, 2036 -> 2144.336 (USD bn)
"""

from __future__ import annotations

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import cbo_econ_csv, cbo_eval_csv, cbo_historical_xlsx

_EVAL_SRC = ("CBO eval-projections repository (github.com/US-CBO/eval-projections, input_data/, commit "
             "682559ca5800ee7be57a398085fd023a050c7cb9, 2026-02-17), used for 'The Accuracy of CBO's Budget "
             "Projections for Fiscal Year 2025' (cbo.gov/publication/61916)")
_EVAL_RETRIEVED = "2026-02-17"
_FY = "federal fiscal year (October to September)"

DATASETS = [
    Dataset(
        id="cbo.eval.baselines",
        title="CBO baseline budget projections, every vintage since 1984 (February 2026 included)",
        unit="USD bn",
        frequency="annual (fiscal year), one projection per baseline vintage",
        publisher="Congressional Budget Office",
        source=_EVAL_SRC,
        files=("fiscal/cbo_eval_baselines.csv",),
        parse=cbo_eval_csv.parse_baselines,
        parser_version=cbo_eval_csv.PARSER_VERSION,
        retrieved=_EVAL_RETRIEVED,
        date_column="fiscal_year",
        caveats=(
            "values by " + _FY,
            "debt = debt held by the public at the end of the fiscal year; deficit is negative",
            "baseline_date keeps year and month only (CBO writes day 01)",
            "no GDP or interest-rate projections in this file (see cbo.econ.*)",
        ),
    ),
    Dataset(
        id="cbo.eval.actuals",
        release_every="Y",
        title="Actual federal budget outcomes used by CBO to evaluate its projections",
        unit="USD bn",
        frequency="annual (fiscal year)",
        publisher="Congressional Budget Office",
        source=_EVAL_SRC,
        files=("fiscal/cbo_eval_actuals.csv",),
        parse=cbo_eval_csv.parse_actuals,
        parser_version=cbo_eval_csv.PARSER_VERSION,
        retrieved=_EVAL_RETRIEVED,
        date_column="fiscal_year",
        caveats=("values by " + _FY, "debt = debt held by the public at the end of the fiscal year"),
    ),
    Dataset(
        id="cbo.eval.changes",
        title="Changes between successive CBO baselines by cause (legislative, economic, technical)",
        unit="USD bn",
        frequency="annual (fiscal year), per baseline update",
        publisher="Congressional Budget Office",
        source=_EVAL_SRC,
        files=("fiscal/cbo_eval_baseline_changes.csv",),
        parse=cbo_eval_csv.parse_changes,
        parser_version=cbo_eval_csv.PARSER_VERSION,
        retrieved=_EVAL_RETRIEVED,
        date_column="fiscal_year",
        caveats=("values by " + _FY, "revenues: legislative changes only",
                 "one empty cell in the source (Net Interest, 2024-12 Legislative, FY2024) is NaN"),
    ),
    Dataset(
        id="cbo.eval.gdp",
        release_every="Y",
        title="Nominal GDP by fiscal year (CBO eval-projections)",
        unit="USD bn",
        frequency="annual (fiscal year)",
        publisher="Congressional Budget Office",
        source=_EVAL_SRC,
        files=("fiscal/cbo_eval_actual_GDP.csv",),
        parse=cbo_eval_csv.parse_gdp,
        parser_version=cbo_eval_csv.PARSER_VERSION,
        retrieved=_EVAL_RETRIEVED,
        date_column="fiscal_year",
        caveats=("values by " + _FY,),
    ),
    Dataset(
        id="cbo.econ.2026-02",
        title="CBO economic projections, February 2026 (calendar years 1949-2036)",
        unit="per variable (column unit, from CBO's README variable dictionary)",
        frequency="annual (calendar year)",
        publisher="Congressional Budget Office",
        source=("CBO, 'History and Projections for Key Economic Variables', supplement to The Budget and "
                "Economic Outlook: 2026 to 2036 (cbo.gov/publication/61882), Annual_CY_February2026.csv and "
                "README.txt; copy from github.com/andsalazar/FederalBudgetAnalysis data/raw "
                "(commit c8f5db0db5e2a508318a7f8117e4780dbf362eef)"),
        files=("fiscal/cbo_econ_2026-02/Annual_CY_February2026.csv", "fiscal/cbo_econ_2026-02/README.txt"),
        parse=cbo_econ_csv.parse,
        parser_version=cbo_econ_csv.PARSER_VERSION,
        retrieved="2026-02-21",
        caveats=(
            "history through 2025 as released by December 3, 2025; projections after",
            "treasury_bill_rate_3mo is the secondary-market discount-basis rate (below DGS3MO)",
            "treasury_note_rate_10yr is the calendar-year average of the 10-year constant-maturity yield",
        ),
        series_breaks=("2026: history ends in 2025, projections start in 2026",),
    ),
    Dataset(
        id="cbo.econ.2025-01",
        title="CBO economic projections, January 2025 (quarters 1949q1-2035q4)",
        unit="per variable (column unit, from CBO's README variable dictionary)",
        frequency="quarterly",
        publisher="Congressional Budget Office",
        source=("CBO, 'History and Projections for Key Economic Variables', supplement to The Budget and "
                "Economic Outlook: 2025 to 2035 (cbo.gov/publication/60870, updated April 30, 2025), "
                "Quarterly_January2025.csv (renamed CBO_Quarterly_January2025.csv by the copy's owner) and "
                "README.txt; copy from github.com/trinebsaether/TIO4550_Replication data/CPr "
                "(commit 68011a35f4f1f2d272f2df39d30ad8f63ca6fd27)"),
        files=("fiscal/cbo_econ_2025-01/CBO_Quarterly_January2025.csv", "fiscal/cbo_econ_2025-01/README.txt"),
        parse=cbo_econ_csv.parse,
        parser_version=cbo_econ_csv.PARSER_VERSION,
        retrieved="2025-10-05",
        caveats=(
            "history as released by December 4, 2024; 2024q4 is partly a projection",
            "quarterly values are seasonally adjusted annual rates where CBO says SAAR",
        ),
        series_breaks=("2024q4: history ends, projections start",),
    ),
    Dataset(
        id="cbo.historical.2026-02",
        title="CBO Historical Budget Data, February 2026 (revenues, outlays, deficits, debt held by the public, since FY1962)",
        unit="per table: USD bn (tables 1-5) or percent of GDP (tables 1a-5a)",
        frequency="annual (fiscal year)",
        publisher="Congressional Budget Office",
        source=("CBO, Historical Budget Data, February 2026 (51134-2026-02-Historical-Budget-Data.xlsx), "
                "supplement to The Budget and Economic Outlook: 2026 to 2036 (cbo.gov/publication/61882); "
                "copy from github.com/andsalazar/FederalBudgetAnalysis data/raw "
                "(commit c8f5db0db5e2a508318a7f8117e4780dbf362eef)"),
        files=("fiscal/51134-2026-02-Historical-Budget-Data.xlsx",),
        parse=cbo_historical_xlsx.parse,
        parser_version=cbo_historical_xlsx.PARSER_VERSION,
        retrieved="2026-02-21",
        date_column="fiscal_year",
        caveats=("values by " + _FY, "debt held by the public is the end-of-fiscal-year value",
                 "'n.a.' (not applicable) cells are omitted"),
    ),
]
