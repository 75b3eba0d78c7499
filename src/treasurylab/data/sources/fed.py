"""Federal Reserve holdings of Treasuries (H.4.1, SOMA) and total public debt (FRED GFDEBTN).

Ids::

    fed.treasuries         H.4.1 TREAST: Treasury securities held outright, Wednesday level, USD bn
    fed.total_assets       H.4.1 WALCL: Federal Reserve total assets, Wednesday level, USD bn
    fed.soma.2022-02-16    New York Fed SOMA holdings by CUSIP as of 2022-02-16 (one row per security)
    fred.gfdebtn           total public debt outstanding, quarterly, USD bn

``fed.treasuries``/``fed.total_assets``/``fred.gfdebtn``: ``date`` (YYYY-MM-DD), ``series``, ``value``
(USD bn: the files are in millions and are divided by 1,000 here); ``fred.gfdebtn`` adds
``quarter`` (YYYYqN; FRED labels a quarter by its first day, the value is end of quarter).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import fred_csv, soma_csv

MILLIONS_TO_BN = 1e-3


def parse_millions_to_bn(paths: list[Path]) -> pd.DataFrame:
    """FRED file in USD millions -> tidy table in USD bn."""
    return fred_csv.scaled(fred_csv.parse(paths), MILLIONS_TO_BN)


def parse_gfdebtn(paths: list[Path]) -> pd.DataFrame:
    df = parse_millions_to_bn(paths)
    d = pd.to_datetime(df["date"])
    df["quarter"] = d.dt.year.astype(str) + "q" + d.dt.quarter.astype(str)
    return df


_H41 = (
    "FRED series {s} (Board of Governors H.4.1); automated download from GitHub jonsflow/risk-model, "
    "data/fred/{s}.csv, commit 85a556e2b7949e9ddd137cfc08316a4f4d71d2ee (2026-06-05)"
)
_UNIT_NOTE = "converted from USD millions (FRED unit) to USD bn by dividing by 1,000"

DATASETS = [
    Dataset(
        id="fed.treasuries",
        release_every="W",
        title="Fed assets: securities held outright, U.S. Treasury securities (TREAST, Wednesday level)",
        unit="USD bn",
        frequency="weekly (Wednesday)",
        publisher="Board of Governors of the Federal Reserve System, H.4.1 (via FRED)",
        source=_H41.format(s="TREAST"),
        files=("holders/fed_h41/TREAST.csv",),
        parse=parse_millions_to_bn,
        parser_version=fred_csv.VERSION + "+bn-1",
        retrieved="2026-06-05",
        caveats=(
            _UNIT_NOTE,
            (
                "face value plus TIPS inflation compensation, all maturities (bills, notes and bonds, TIPS, FRN); "
                "no maturity split"
            ),
            "the fetcher wrote the header 'Date,Value' (not FRED's own header); series id from the file name",
        ),
        attribution="Source: Board of Governors of the Federal Reserve System (H.4.1), via FRED",
        update_url="https://fred.stlouisfed.org/graph/fredgraph.csv?id=TREAST",
    ),
    Dataset(
        id="fed.total_assets",
        title="Fed total assets (WALCL, Wednesday level)",
        unit="USD bn",
        frequency="weekly (Wednesday)",
        publisher="Board of Governors of the Federal Reserve System, H.4.1 (via FRED)",
        source=_H41.format(s="WALCL"),
        files=("holders/fed_h41/WALCL.csv",),
        parse=parse_millions_to_bn,
        parser_version=fred_csv.VERSION + "+bn-1",
        retrieved="2026-06-05",
        caveats=(_UNIT_NOTE,),
        attribution="Source: Board of Governors of the Federal Reserve System (H.4.1), via FRED",
        update_url="https://fred.stlouisfed.org/graph/fredgraph.csv?id=WALCL",
    ),
    Dataset(
        id="fed.soma.2022-02-16",
        title="System Open Market Account holdings by CUSIP, as of 2022-02-16",
        unit="USD bn (amounts); percent (coupon, percent_outstanding)",
        frequency="one weekly snapshot",
        publisher="Federal Reserve Bank of New York",
        source=(
            "New York Fed SOMA holdings download; copy from GitHub pgg1309/lpm, "
            "data/20220216-Fed-Soma_holdings.csv, commit 1987ec422403a87d4c9780aa66e0ad213bf759f3"
        ),
        files=("holders/soma_2022/20220216-Fed-Soma_holdings.csv",),
        parse=soma_csv.parse,
        parser_version=soma_csv.VERSION,
        retrieved="2022-04-28",
        caveats=(
            "2022 only: a structural sample, not current holdings (no 2025-26 CUSIP-level file in the snapshot)",
            (
                "amounts converted from dollars to USD bn; percent_outstanding converted from the file's fraction "
                "to percent of the issue"
            ),
            "agency MBS are not in this file; CMBS and agency debt rows are (security_type)",
        ),
        attribution="Source: Federal Reserve Bank of New York, System Open Market Account holdings",
        update_url=None,  # a dated snapshot: a newer SOMA file is a new dataset, not an update
    ),
    Dataset(
        id="fred.gfdebtn",
        title="Federal Debt: Total Public Debt (GFDEBTN)",
        unit="USD bn",
        frequency="quarterly (value at end of quarter, labelled by its first day)",
        publisher="U.S. Department of the Treasury, Fiscal Service (via FRED)",
        source=(
            "FRED series GFDEBTN; download from GitHub yinkaadx/indicators-dashboard, data/fred/GFDEBTN.csv, "
            "commit 3ebe674b74b8047835358fb1e1d58bd30b838254 (2025-12-13)"
        ),
        files=("fiscal/fred_GFDEBTN.csv",),
        parse=parse_gfdebtn,
        parser_version=fred_csv.VERSION + "+bn-q-1",
        retrieved="2025-12-13",
        caveats=(
            _UNIT_NOTE,
            "total public debt includes intragovernmental holdings, so it exceeds debt held by the public",
            "ends 2025-Q2",
        ),
        attribution="Source: U.S. Treasury, Fiscal Service, via FRED",
        update_url="https://fred.stlouisfed.org/graph/fredgraph.csv?id=GFDEBTN",
    ),
]
