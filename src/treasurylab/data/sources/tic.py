"""Treasury International Capital (TIC): major foreign holders of Treasury securities.

Ids::

    tic.holdings   monthly holdings by country, 2000-03 to 2025-12, USD bn (mfhhis01.txt)

Columns: ``date`` (YYYY-MM), ``country`` (cleaned name; ``data.series(..., country='china')`` matches
forgivingly), ``country_raw``, ``row_type``, ``value`` (USD bn), ``value_note``, ``series``
('current' or 'comparison_only' at a series break). Totals: ``row_type='grand_total'``; foreign
official: ``'foreign_official'``. Use ``series='current'`` for a continuous history.

A user-downloaded ``slt_table5.txt`` (the rolling 13-month layout) is read by
``treasurylab data load FILE`` (same columns).
"""

from __future__ import annotations

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import tic_mfh_txt

DATASETS = [
    Dataset(
        id="tic.holdings",
        title="Major Foreign Holders of Treasury Securities (holdings at end of period)",
        unit="USD bn",
        frequency="monthly (end of month)",
        publisher="U.S. Department of the Treasury / Federal Reserve Board, Treasury International Capital (TIC) system",
        source=(
            "ticdata.treasury.gov file mfhhis01.txt, release of 2026-03-18; copy from GitHub "
            "DimuthuAttanayake/US_foreign_debt, mfhhis01.txt, commit a2f19c5e128590c47fd59d15986fcd69a8f65708"
        ),
        files=("tic/mfhhis01.txt",),
        parse=tic_mfh_txt.parse,
        parser_version=tic_mfh_txt.VERSION,
        retrieved="2026-03-18",
        country_column="country",
        caveats=(
            (
                "by country of the custodian/holder as reported (custody bias: Belgium, Luxembourg, Cayman "
                "Islands, United Kingdom hold for others)"
            ),
            "only the major holders of each year are listed; the rest are in 'All Other'",
            "history is revised: each yearly block has its own last revision date (2025 revised 2026-03-18)",
            "value is NaN with value_note 'not_available' (n.a.) or 'less_than_50mn' (*)",
            (
                "at a series break the same month appears twice: series='current' is the new series, "
                "'comparison_only' the old one; use series='current' for a continuous history"
            ),
        ),
        series_breaks=(
            (
                "2000-03, 2002-06, 2003-06, 2004-06, 2005-06, 2006-06, 2007-06, 2008-06, 2009-06, 2010-06, "
                "2011-06: annual benchmark-survey series breaks (comparison_only rows give the old series)"
            ),
            (
                "2011-12: collection basis changes from custodian surveys plus monthly flows to the monthly "
                "SLT form (footnotes 16 and 17)"
            ),
            (
                "2016-02: last month of the aggregates Oil Exporters and Carib Bnkng Ctrs and of United Kingdom "
                "including Channel Islands and Isle of Man; members are listed separately afterwards"
            ),
            "2002-06: Belgium and Luxembourg split (Belgium-Luxembourg in 2000-2001; Luxembourg n.a. in early 2002)",
        ),
        attribution="U.S. Department of the Treasury, Treasury International Capital (TIC) system",
        update_url="https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/mfhhis01.txt",
    ),
]
