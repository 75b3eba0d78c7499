"""High-frequency indicators of foreign demand for Treasuries (the monitor's weekly and per-auction data).

Ids::

    fed.custody_foreign_official   H.4.1 memo via FRED WMTSECL1: marketable Treasuries held in custody at
                                   the New York Fed for foreign official and international accounts,
                                   Wednesday level, weekly, USD bn
    fed.h41.foreign_official       the H.4.1 release page itself: custody, foreign official reverse repos
                                   and the FIMA repo facility, one week per release file, USD bn
    treasury.auctions              every marketable Treasury auction: bid-to-cover, indirect bidders' share,
                                   tail proxy (Fiscal Data auctions_query fields)
    fred.baa10y                    Moody's Baa corporate yield minus the 10-year CMT, daily, percentage points

``fed.custody_foreign_official``: ``date``, ``series`` (WMTSECL1), ``value``. The FRED file carries
zeros before 2007-07-04 meaning "not reported"; they are dropped here (a zero would read as a collapse).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import auctions_csv, fred_csv, h41_html

_REPO = "KonstantineVM/dollar-breaking-point, commit dbca3fb3a23325bb43e37c388941144c0e0ac0dd"


def parse_custody(paths: list[Path]) -> pd.DataFrame:
    """WMTSECL1 in USD millions -> USD bn, without the zeros that mean 'not reported' (before mid-2007)."""
    df = fred_csv.scaled(fred_csv.parse(paths), 1e-3)
    return df[df["value"] > 0].reset_index(drop=True)


DATASETS = [
    Dataset(
        id="fed.custody_foreign_official",
        release_every="W",
        title="Marketable Treasuries held in custody for foreign official and international accounts (WMTSECL1, Wednesday level)",
        unit="USD bn",
        frequency="weekly (Wednesday); released Thursday, lag 1 day",
        publisher="Board of Governors of the Federal Reserve System, H.4.1 table 1A memo (via FRED)",
        source=(
            "FRED series WMTSECL1 (fredgraph.csv?id=WMTSECL1, fetched 2026-07-02); copy from GitHub "
            f"{_REPO}, build/reserve/rdte_evidence/fred_wmtsecl1.csv"
        ),
        files=("monitor/fed_h41/WMTSECL1.csv",),
        parse=parse_custody,
        parser_version=fred_csv.VERSION + "+bn-nozero-1",
        retrieved="2026-07-02",
        caveats=(
            "converted from USD millions (FRED unit) to USD bn by dividing by 1,000",
            "zeros before 2007-07-04 mean 'not reported' and are dropped",
            (
                "face value plus TIPS inflation compensation; excludes securities pledged against foreign "
                "official reverse repos (H.4.1 footnote)"
            ),
            "custody at the New York Fed only: officials also hold Treasuries with private custodians",
        ),
        attribution="Source: Board of Governors of the Federal Reserve System (H.4.1), via FRED",
        update_url="https://fred.stlouisfed.org/graph/fredgraph.csv?id=WMTSECL1",
    ),
    Dataset(
        id="fed.h41.foreign_official",
        release_every="W",
        title="H.4.1 foreign official lines: custody holdings, foreign official reverse repos, FIMA repo",
        unit="USD bn",
        frequency="weekly (week ended Wednesday), one week per release file; released Thursday",
        publisher="Board of Governors of the Federal Reserve System, H.4.1 release",
        source=(
            "H.4.1 'Factors Affecting Reserve Balances' release page for the week ended 2026-06-24 "
            f"(federalreserve.gov/releases/h41); copy from GitHub {_REPO}, "
            "build/reserve/rdte_evidence/frb_h41_current.htm"
        ),
        files=("monitor/fed_h41/h41_20260702.htm",),
        parse=h41_html.parse,
        parser_version=h41_html.VERSION,
        retrieved="2026-07-02",
        caveats=(
            "one release (one week) is bundled: no time series of the reverse repo pool or FIMA repo was found; "
            "'data update' builds the history week by week from the weekly release pages (data/h41_weekly.py)",
            "measure 'wednesday' is the Wednesday level; 'week_average' the average of daily figures",
            "converted from USD millions to USD bn",
        ),
        attribution="Source: Board of Governors of the Federal Reserve System, H.4.1",
        # one page per week: data/h41_weekly.py fetches each missing week's release at this address
        update_url="https://www.federalreserve.gov/releases/h41/YYYYMMDD/",
    ),
    Dataset(
        id="treasury.auctions",
        release_every="W",     # bills are auctioned every week (TreasuryDirect's auction schedule)
        title="Treasury securities auctions: bid-to-cover, indirect bidders' share, tail proxy",
        unit="percent (indirect_share); USD bn (offering_bn, accepted_bn); percent (yields); bp (tail_proxy_bp)",
        frequency="per auction",
        publisher="U.S. Department of the Treasury, Bureau of the Fiscal Service (Fiscal Data, auctions_query)",
        source=(
            "Fiscal Data 'Treasury Securities Auctions Data' (v1/accounting/od/auctions_query), 14 fields "
            "copied verbatim by GitHub heliar-k/market-base, data/treasury/auction_results.csv, "
            "commit 968ef07c1cfa719d7e4e1638f148217f2fa4417c"
        ),
        files=("monitor/auctions/auction_results_fiscaldata_subset.csv",),
        parse=auctions_csv.parse,
        parser_version=auctions_csv.VERSION,
        retrieved="2026-08-20",
        caveats=(
            (
                "indirect_share divides by the offering amount (offering_amt: total accepted less SOMA's add-on "
                "tenders); the bundled file lacks comp_accepted, so non-competitive and FIMA awards stay in the "
                "denominator and the share sits slightly below Treasury's share of competitive awards"
            ),
            "indirect bidders are not the same as foreign buyers (Treasury says so)",
            ("tail_proxy_bp is high minus median yield (0.1 bp), a proxy: the tail is measured against the "
             "when-issued yield, which this file does not carry"),
            (
                "TIPS and FRNs appear as Note/Bond (the file dropped Fiscal Data's inflation_index_security and "
                "floating_rate flags); inflation_indexed is read from the maturity date for the 10-, 20- and "
                "30-year tenors (10-year TIPS mature on 15 January or July, 10-year notes on the 15th of February, "
                "May, August or November: Treasury's auction schedule) and is null where the date cannot tell "
                "(a 30-year issue maturing 15 February, 2- to 7-year notes, FRNs)"
            ),
            "the repository's own derived columns (indirect_pct, tail_bp, high_rate) are not used",
        ),
        attribution="Source: U.S. Treasury, Bureau of the Fiscal Service, Fiscal Data",
        update_url=(
            "https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v1/accounting/od/"
            "auctions_query?page[size]=10000"
        ),
    ),
    Dataset(
        id="fred.baa10y",
        release_every="B",
        title="Moody's Seasoned Baa Corporate Bond Yield relative to the 10-Year Treasury (BAA10Y)",
        unit="percentage points",
        frequency="daily (business days); published the next business day",
        publisher="Moody's, via Federal Reserve Bank of St. Louis (FRED)",
        source=(
            "FRED series BAA10Y; copy from GitHub qie2003/treasury-yield-forecast, data/BAA10Y.csv, "
            "commit 12ce0e2a7c30346f4a5428b9a4fbc8089a9083ff"
        ),
        files=("monitor/credit/BAA10Y.csv",),
        parse=fred_csv.parse,
        parser_version=fred_csv.VERSION,
        retrieved="2026-07-30",
        caveats=("Moody's data: cite 'Moody's, retrieved from FRED'",),
        attribution="Source: Moody's, via FRED",
        update_url="https://fred.stlouisfed.org/graph/fredgraph.csv?id=BAA10Y",
    ),
]
