"""Parser for the New York Fed's SOMA holdings download (CUSIP level), layout of the 2022-02-16 file.

Header: ``"As Of Date","CUSIP","Security Type","Security Description","Term","Maturity Date","Issuer",
"Spread (%)","Coupon (%)","Current Face Value","Par Value","Inflation Compensation",
"Percent Outstanding","Change From Prior Week","Change From Prior Year","is Aggregated"``.

Quirks: CUSIPs are written with a leading apostrophe inside quotes (``"'912796L80'"``, a spreadsheet
guard) -> stripped; amounts are in **dollars** -> converted to **billions** (/1e9);
``Percent Outstanding`` is a *fraction* of the issue (0.118) -> converted to percent (11.8);
agency CMBS rows have no ``As Of Date`` -> filled with the file's as-of date.

Output: one row per security: ``date`` (as-of, YYYY-MM-DD), ``cusip``, ``security_type`` (Bills,
NotesBonds, FRNs, TIPS, Agency Debts, CMBS), ``description``, ``term``, ``maturity_date``, ``issuer``,
``spread_pct``, ``coupon`` (percent), ``current_face_value`` (USD bn), ``par_value`` (USD bn),
``inflation_compensation`` (USD bn), ``percent_outstanding`` (percent of the issue held),
``change_prior_week`` and ``change_prior_year`` (USD bn), ``is_aggregated``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from treasurylab.data.parsers import require_final_newline
from treasurylab.errors import DataError

VERSION = "soma-csv-2022-1"

COLUMNS = {
    "As Of Date": "date",
    "CUSIP": "cusip",
    "Security Type": "security_type",
    "Security Description": "description",
    "Term": "term",
    "Maturity Date": "maturity_date",
    "Issuer": "issuer",
    "Spread (%)": "spread_pct",
    "Coupon (%)": "coupon",
    "Current Face Value": "current_face_value",
    "Par Value": "par_value",
    "Inflation Compensation": "inflation_compensation",
    "Percent Outstanding": "percent_outstanding",
    "Change From Prior Week": "change_prior_week",
    "Change From Prior Year": "change_prior_year",
    "is Aggregated": "is_aggregated",
}
DOLLAR_COLUMNS = [
    "current_face_value",
    "par_value",
    "inflation_compensation",
    "change_prior_week",
    "change_prior_year",
]


def parse(paths: list[Path]) -> pd.DataFrame:
    path = Path(paths[0])
    require_final_newline(path)     # the New York Fed ends the file with a line end
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    raw.columns = [c.lstrip("\ufeff").strip() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(
            f"SOMA holdings file lacks column(s) {missing}",
            field=path.name,
            fix="give the New York Fed SOMA holdings CSV download (As Of Date, CUSIP, ...)",
        )
    df = raw[list(COLUMNS)].rename(columns=COLUMNS)
    df["cusip"] = df["cusip"].str.strip().str.lstrip("'").str.rstrip("'")
    asof = df.loc[df["date"] != "", "date"].unique()
    if len(asof) != 1:
        raise DataError(
            f"expected one as-of date, found {list(asof)[:3]}",
            field=path.name,
            fix="give one SOMA holdings file per as-of date",
        )
    df["date"] = asof[0]
    for c in ["spread_pct", "coupon", "percent_outstanding", *DOLLAR_COLUMNS]:
        df[c] = pd.to_numeric(df[c].replace("", None), errors="raise").astype("float64")
    for c in DOLLAR_COLUMNS:
        df[c] = df[c] / 1e9
    df["percent_outstanding"] = df["percent_outstanding"] * 100.0
    return df.reset_index(drop=True)
