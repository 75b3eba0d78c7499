"""Monthly Statement of the Public Debt (Bureau of the Fiscal Service): the summary by security type
(Table I, 2001-2026) and the security-level detail of January 2022 (Table III, fixed-width ``.prn``).

Ids::

    mspd.summary           Table I by month, type and class; USD bn (held by the public, intragovernmental, total)
    mspd.securities.2022-01  Table III, one row per issue/reopening line of every marketable CUSIP; USD mn

Example: total marketable debt at end-2025 and the bill share::

    s = series("mspd.summary", start="2025-12", end="2025-12")
    s[s.security_type == "Total Marketable"]["total"]        # 30,271.3 (USD bn)
"""

from __future__ import annotations

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import mspd_prn, mspd_summary_csv

DATASETS = [
    Dataset(
        id="mspd.summary",
        release_every="M",
        title="Monthly Statement of the Public Debt, Table I: Treasury securities outstanding by type and class",
        unit="USD bn",
        frequency="monthly (month-end)",
        publisher="U.S. Department of the Treasury, Bureau of the Fiscal Service",
        source=("FiscalData 'Summary of Treasury Securities Outstanding' (MSPD Table I, endpoint "
                "v1/debt/mspd/mspd_table_1), download MSPD_SumSecty_20010131_20260531.csv; copy from "
                "github.com/linfante995-sketch/Master-Thesis (commit d359130ca6f6a10ebeaebde41c7ddaf0133ba085)"),
        files=("fiscal/MSPD_SumSecty_20010131_20260531.csv",),
        parse=mspd_summary_csv.parse,
        parser_version=mspd_summary_csv.PARSER_VERSION,
        retrieved="2026-06-28",
        value_column="total",
        caveats=(
            ("amounts at par, converted from millions to billions; bills at maturity value; TIPS include "
             "the accrued inflation adjustment"),
            "held_by_public includes the Federal Reserve's holdings",
            "security_class 'Total' on total rows (the file writes '_')",
            ("2001-01 and 2001-02: the grand total labelled 'Total Treasury Securities Outstanding' is "
             "renamed 'Total Public Debt Outstanding'"),
        ),
        series_breaks=(
            ("2004-06: 'Inflation-Indexed Notes/Bonds' become 'Treasury Inflation-Protected Securities' "
             "(class_code 'tips' for both)"),
            "2014-01: Floating Rate Notes start",
        ),
        update_url=("https://api.fiscaldata.treasury.gov/services/api/fiscal_service/v1/debt/mspd/"
                    "mspd_table_1?format=csv&page[size]=10000"),
    ),
    Dataset(
        id="mspd.securities.2022-01",
        title="Monthly Statement of the Public Debt, Table III: every marketable security outstanding, January 31, 2022",
        unit="USD mn",
        frequency="one month (2022-01-31)",
        publisher="U.S. Department of the Treasury, Bureau of the Fiscal Service",
        source=("Monthly Statement of the Public Debt of the United States, January 31, 2022, fixed-width text "
                "file opdm012022.prn (TreasuryDirect); copy from github.com/pgg1309/lpm data/mspd "
                "(commit 1987ec422403a87d4c9780aa66e0ad213bf759f3)"),
        files=("fiscal/mspd_2022/opdm012022.prn",),
        parse=mspd_prn.parse,
        parser_version=mspd_prn.PARSER_VERSION,
        retrieved="2022-04-28",
        value_column="outstanding",
        caveats=(
            "January 2022, not current: a structural sample of the maturity ladder",
            "amounts in millions as published; outstanding only on a CUSIP's first line (NaN on reopenings)",
            "'*' (less than $0.5 million) read as 0 and flagged in amount_note",
            ("rows 'matured' (securities matured, not yet presented) and 'ffb' (Federal Financing Bank) "
             "make the class sums equal Table I"),
        ),
    ),
]
