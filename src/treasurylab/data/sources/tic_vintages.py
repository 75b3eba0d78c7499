"""TIC files of the July 2026 vintage, kept beside the March 2026 one so that revisions stay visible.

Ids::

    tic.holdings.vintage-2026-07   mfhhis01.txt downloaded 2026-07-01 (2000-03 to 2025-12), USD bn
    tic.table5.vintage-2026-07     slt_table5.txt: major foreign holders with foreign official, 2025-04 to
                                   2026-04, USD bn
    tic.table3.vintage-2026-07     slt_table3.txt: holdings and net purchases by country with the foreign
                                   official / non-official split, 2020-01 to 2026-04, USD bn
    tic.s1.vintage-2026-07         s1_globl.txt (frozen TIC S table S1): gross purchases and sales of
                                   long-term securities by type and country, 1977-01 to 2023-01, USD bn

``tic.holdings`` (catalog module ``tic``) is the March 2026 vintage (release of 2026-03-18). Every table
here carries a ``vintage`` column; :func:`treasurylab.data.vintages.tic_revisions` lines the two up.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import tic_mfh_txt, tic_s1_txt, tic_slt_table3, tic_slt_table5

VINTAGE = "2026-07"
_SRC = (
    "ticdata.treasury.gov file {f}, downloaded 2026-07-01 (fetch log with URL, HTTP status, bytes and "
    "time); copy from GitHub KonstantineVM/dollar-breaking-point, build/reserve/rdt_evidence/tic/{f}, "
    "commit 001460cfee51b299229baf63d89e19085c9ef65f"
)
_PUB = "U.S. Department of the Treasury / Federal Reserve Board, Treasury International Capital (TIC) system"
_ATTR = "U.S. Department of the Treasury, Treasury International Capital (TIC) system"
_BASE = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/"


def _labelled(parse):
    """``parse`` with its rows labelled by the vintage; it keeps ``parse``'s module and name, so the
    catalog (``Dataset.parser_name``, docs/data.md, provenance records) names the parser that reads the
    file (its version, ``+vintage-1``, says the rows carry the label)."""

    @functools.wraps(parse)
    def run(paths: list[Path]) -> pd.DataFrame:
        df = parse(paths)
        df["vintage"] = VINTAGE
        return df

    return run


parse_mfh = _labelled(tic_mfh_txt.parse)
parse_table5 = _labelled(tic_slt_table5.parse)
parse_table3 = _labelled(tic_slt_table3.parse)
parse_s1 = _labelled(tic_s1_txt.parse)


def _vintage_file(file: str, parse, parser, **kw) -> Dataset:
    """One TIC file of the July 2026 vintage (``tic/vintage_2026-07/<file>``), monthly, USD bn, by
    country: ``parse`` labels its rows with the vintage, ``parser`` is the parser module (its VERSION)."""
    return Dataset(
        unit="USD bn",
        frequency="monthly (end of month); released mid-month, lag about 6 weeks",
        publisher=_PUB,
        source=_SRC.format(f=file),
        files=(f"tic/vintage_2026-07/{file}",),
        parse=parse,
        parser_version=parser.VERSION + "+vintage-1",
        retrieved="2026-07-01",
        country_column="country",
        attribution=_ATTR,
        update_url=_BASE + file,
        **kw,
    )


DATASETS = [
    _vintage_file(
        "mfhhis01.txt", parse_mfh, tic_mfh_txt,
        id="tic.holdings.vintage-2026-07",
        title="Major Foreign Holders of Treasury Securities, history file, vintage of July 2026",
        caveats=(
            "a later vintage of tic.holdings (March 2026 release): 2025 values are revised (United Kingdom "
            "Dec 2025 863.1 here, 866.0 there); tic_revisions() lists the differences",
            "CRLF line endings (as downloaded)",
        ),
    ),
    _vintage_file(
        "slt_table5.txt", parse_table5, tic_slt_table5,
        id="tic.table5.vintage-2026-07",
        release_every="M",     # the monthly TIC release, as Table 3's
        title="TIC Table 5: Major Foreign Holders of Treasury Securities (13 months), vintage of July 2026",
        caveats=("rolling 13 months (2025-04 to 2026-04); older months are in the history file",),
    ),
    _vintage_file(
        "slt_table3.txt", parse_table3, tic_slt_table3,
        id="tic.table3.vintage-2026-07",
        release_every="M",     # the monthly TIC release (the history file above is not: it is revised yearly)
        title="TIC Table 3: U.S. Treasury securities held by foreign residents, by country, official split",
        caveats=(
            "converted from USD millions to USD bn",
            "measure: for_treas_pos (holdings), for_treas_net (net purchases), lt/st splits, valuation change",
            "net purchases of bills are estimated as the change in position (file footnote 2)",
        ),
    ),
    Dataset(
        id="tic.s1.vintage-2026-07",
        title="TIC S table S1: gross purchases and sales of long-term securities by foreigners, by type and country",
        unit="USD bn",
        frequency="monthly (month of the transactions); frozen: the TIC S form ended with 2023-01",
        publisher=_PUB,
        source=_SRC.format(f="s1_globl.txt"),
        files=("tic/vintage_2026-07/s1_globl.txt",),
        parse=parse_s1,
        parser_version=tic_s1_txt.VERSION + "+vintage-1",
        retrieved="2026-07-01",
        date_column="date",
        country_column="country",
        caveats=(
            "converted from USD millions to USD bn",
            "measure: purchases_treasury / sales_treasury are gross purchases / sales by foreigners of marketable "
            "Treasury (and Federal Financing Bank) bonds and notes; likewise agency, corporate_bonds, "
            "corporate_stocks, foreign_bonds, foreign_stocks",
            "long-term securities only (no bills), no foreign official / private split, no valuation changes",
            "frozen historical table, 1977-01 to 2023-01; Table 3 (tic.table3.vintage-2026-07) gives net "
            "purchases from 2023-02",
        ),
        attribution=_ATTR,
        update_url=None,  # frozen: TIC no longer updates it
    ),
]
