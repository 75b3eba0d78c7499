"""Treasury yields and money-market rates.

Ids::

    yields.cmt         FRED daily constant-maturity Treasury yields DGS1MO..DGS30, 1962-2026, percent
    yields.par_curve   Treasury daily par yield curve, 1990-2024 (+ the 2023 official download), percent
    rates.daily        DFF, SOFR, DFII5/10/20/30, T5YIE, T10YIE, T10Y2Y, T10Y3M, percent or pp

Columns: ``yields.cmt``: ``date`` (YYYY-MM-DD), ``tenor`` ('1M', '3M', ..., '10Y', '30Y'),
``series`` (e.g. 'DGS10'), ``value``; ``yields.par_curve``: ``date``, ``tenor``, ``value``;
``rates.daily``: ``date``, ``series``, ``value``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import fred_csv, treasury_par_csv

# FRED constant-maturity series -> tenor codes used across the package (same codes as the par curve)
CMT_TENORS = {
    "DGS1MO": "1M",
    "DGS3MO": "3M",
    "DGS6MO": "6M",
    "DGS1": "1Y",
    "DGS2": "2Y",
    "DGS3": "3Y",
    "DGS5": "5Y",
    "DGS7": "7Y",
    "DGS10": "10Y",
    "DGS20": "20Y",
    "DGS30": "30Y",
}


def parse_cmt(paths: list[Path]) -> pd.DataFrame:
    df = fred_csv.parse(paths)
    unknown = set(df["series"]) - set(CMT_TENORS)
    if unknown:
        from treasurylab.errors import DataError

        raise DataError(
            f"unexpected series {sorted(unknown)} in the CMT file",
            field="header",
            fix="give merged FRED DGS* columns only",
        )
    df.insert(1, "tenor", df["series"].map(CMT_TENORS))
    return df.sort_values(["date", "series"]).reset_index(drop=True)


_FRED_MERGED = (
    "FRED (Federal Reserve Bank of St. Louis); merged daily downloads from GitHub "
    "JoaquinMulet/treasury-desk-chile-usa, data/fred/<SERIES>.csv, commit "
    "bb4f8dc31fe78c5df5b1922374ce21d4c77a6b17 (DGS3: GitHub charishma005/"
    "Blackrock_UCB_MFE_Industry_Project, data/fred/DGS3.csv, commit 83c069c07e9520cf64d4152e3569277ddfe4cac7)"
)

DATASETS = [
    Dataset(
        id="yields.cmt",
        release_every="B",
        title="Treasury constant-maturity yields, daily (FRED DGS1MO ... DGS30)",
        unit="percent",
        frequency="daily (business days)",
        publisher="U.S. Department of the Treasury (par yield curve / H.15), via FRED",
        source=_FRED_MERGED,
        files=("yields/fred_treasury_cmt_daily.csv",),
        parse=parse_cmt,
        parser_version=fred_csv.VERSION + "+cmt-1",
        retrieved="2026-07-23",
        caveats=(
            "missing cells (tenor not published, holidays) give no row",
            "DGS20 is empty from 1987 to late 1993 (no 20-year rate published)",
            "DGS3 ends 2026-06-24; the others end 2026-07-22",
            "values were rounded to 2 decimals when the per-series files were merged",
        ),
        series_breaks=(
            (
                "DGS30 2002-02-19..2006-02-08: Treasury published no 30-year rate (no 30-year bond issued); "
                "FRED's values for those 994 days are not a live benchmark: drop or flag that window"
            ),
        ),
        attribution="Source: U.S. Treasury via FRED, Federal Reserve Bank of St. Louis",
        # FRED's graph CSV accepts several ids and returns them merged (observation_date, DGS1MO, ...)
        update_url="https://fred.stlouisfed.org/graph/fredgraph.csv?id=" + ",".join(CMT_TENORS),
    ),
    Dataset(
        id="yields.par_curve",
        title="Daily Treasury Par Yield Curve Rates (1990-2024, plus the 2023 official download)",
        unit="percent",
        frequency="daily (business days)",
        publisher="U.S. Department of the Treasury, Office of Debt Management",
        source=(
            "home.treasury.gov daily par yield curve; 1990-2024 copy from GitHub ren-jamie11/nelson_siegel, "
            "yield-curve-rates-1990-2024.csv, commit e20814cddd792ea904f749b65afad3befd6337ae (re-saved "
            "by a spreadsheet); 2023 official download from GitHub linroger036/vega-treasury, "
            "daily-treasury-rates.csv, commit db49cabdda611b8098fe749d98ad03b000ecbc35"
        ),
        files=(
            "yields/treasury_par_yield_curve_1990_2024.csv",
            "yields/treasury_daily_par_yield_curve_2023_official_format.csv",
        ),
        parse=treasury_par_csv.parse,
        parser_version=treasury_par_csv.VERSION,
        retrieved="2023-09-03 (official 2023 file); 1990-2024 copy undated",
        caveats=(
            (
                "the 1990-2024 copy was re-saved by a spreadsheet (M/D/YY dates, trailing zeros dropped); "
                "on 2023 days the official download's value is used"
            ),
            "no 1.5-month tenor (added by Treasury in February 2025, after these data end)",
            "empty cell = tenor not published that day: no row",
        ),
        series_breaks=(
            "30Y absent 2002-02-19..2006-02-08 (30-year bond suspended)",
            "20Y absent before 1993-10; 1M from 2001-07; 2M from 2018-10; 4M from 2022-10",
        ),
        attribution="Source: U.S. Department of the Treasury",
        # two files: 'data update' does not refresh it; 'data load' reads a new official download
        update_url=None,
    ),
    Dataset(
        id="rates.daily",
        release_every="B",
        title="Policy, money-market, real-yield, breakeven and curve-spread rates, daily (FRED)",
        unit="percent (spreads T10Y2Y, T10Y3M in percentage points)",
        frequency="daily",
        publisher=(
            "Federal Reserve Board (DFF, H.15), Federal Reserve Bank of New York (SOFR), U.S. Treasury "
            "(DFII* real yields); breakevens and spreads computed by FRED"
        ),
        source=(
            "FRED; merged downloads from GitHub JoaquinMulet/treasury-desk-chile-usa, data/fred/*.csv, "
            "commit bb4f8dc31fe78c5df5b1922374ce21d4c77a6b17"
        ),
        files=("yields/fred_rates_misc_daily.csv",),
        parse=fred_csv.parse,
        parser_version=fred_csv.VERSION,
        retrieved="2026-07-23",
        caveats=(
            "DFF from 1954-07-01; SOFR from 2018-04-03; TIPS yields and breakevens from 2003",
            "SOFR is published by the Federal Reserve Bank of New York under its terms of use: keep the attribution",
        ),
        attribution="Source: FRED, Federal Reserve Bank of St. Louis; SOFR: Federal Reserve Bank of New York",
        update_url=(
            "https://fred.stlouisfed.org/graph/fredgraph.csv?id="
            "DFF,SOFR,DFII5,DFII10,DFII20,DFII30,T5YIE,T10YIE,T10Y2Y,T10Y3M"
        ),
    ),
]
