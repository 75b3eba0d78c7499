"""Parser for the Monthly Statement of the Public Debt, Table I summary (FiscalData download layout, 2026).

File: ``MSPD_SumSecty_<first>_<last>.csv`` from fiscaldata.treasury.gov (endpoint ``v1/debt/mspd/mspd_table_1``):
UTF-8 with a byte-order mark, unquoted, LF, no newline at the end, header::

    Record Date,Security Type Description,Security Class Description,
    Debt Held by the Public (in Millions),Intragovernmental Holdings (in Millions),
    Total Public Debt Outstanding (in Millions)

Output, tidy, one row per (month-end, type, class), amounts converted to **USD billions** (/1000)::

    date ('YYYY-MM-DD'), security_type, security_class, class_code,
    held_by_public, intragovernmental, total

``security_class`` is ``Total`` on the total rows (the file writes ``_``). ``class_code`` is a stable short
code for marketable classes (``bill``, ``note``, ``bond``, ``tips``, ``frn``, ``ffb``; the pre-2004-06
``Inflation-Indexed Notes/Bonds`` are both ``tips``), ``total`` on totals and ``nonmarketable`` otherwise.
The grand-total row of 2001-01 and 2001-02, labelled ``Total Treasury Securities Outstanding``, is renamed
``Total Public Debt Outstanding`` so that one name covers all months (the same aggregate).

Checks (the file has no final newline, so a cut-off copy is caught by content): header as published; six
fields per row; dates ``YYYY-MM-DD``; numbers parse; no duplicate (date, type, class); every month has its
``Total Marketable`` and grand-total rows; and in every month the marketable classes add up to
``Total Marketable`` within 2 million (the source's rounding is at most 1.0 million, 2009-09). A truncated
or edited file fails one of these with a :class:`DataError` naming the month and the fix.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from treasurylab.data.parsers.cbo_eval_csv import read_text
from treasurylab.errors import DataError

PARSER_VERSION = "1"

FIX = ("restore the original file (fiscaldata.treasury.gov, Monthly Statement of the Public Debt, "
       "Summary of Treasury Securities Outstanding, CSV download)")

HEADER = ["Record Date", "Security Type Description", "Security Class Description",
          "Debt Held by the Public (in Millions)", "Intragovernmental Holdings (in Millions)",
          "Total Public Debt Outstanding (in Millions)"]

CLASS_CODES = {
    "Bills": "bill",
    "Notes": "note",
    "Bonds": "bond",
    "Treasury Inflation-Protected Securities": "tips",
    "Inflation-Indexed Notes": "tips",
    "Inflation-Indexed Bonds": "tips",
    "Floating Rate Notes": "frn",
    "Federal Financing Bank": "ffb",
}

GRAND_TOTAL = "Total Public Debt Outstanding"

# the source's own rounding leaves the classes up to 1.0 million off the total (2009-09-30)
SUM_TOLERANCE_MN = 2.0


def parse(paths: list[Path]) -> pd.DataFrame:
    path = Path(paths[0])
    name = path.name
    text = read_text(path, encoding="utf-8", fix=FIX)
    text = text.removeprefix("\ufeff")  # the publisher's byte-order mark
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    if not rows or [h.strip() for h in rows[0]] != HEADER:
        raise DataError("unexpected header for the MSPD summary (Table I) CSV", where=name,
                        got=",".join(rows[0])[:120] if rows else "(empty file)", fix=FIX)
    recs = []
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != 6:
            raise DataError(f"line {i} has {len(r)} fields, expected 6 (file truncated or edited?)",
                            where=name, got=",".join(r)[:120], fix=FIX)
        date, typ, cls = r[0].strip(), r[1].strip(), r[2].strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            raise DataError(f"line {i}: Record Date is not YYYY-MM-DD", where=name, got=date, fix=FIX)
        try:
            nums = [float(x) for x in r[3:]]
        except ValueError:
            raise DataError(f"line {i}: an amount is not a number", where=name, got=",".join(r[3:]),
                            fix=FIX) from None
        if typ == "Total Treasury Securities Outstanding":
            typ = GRAND_TOTAL  # 2001-01 and 2001-02 label the same aggregate differently
        if cls == "_":
            cls, code = "Total", "total"
        elif typ == "Marketable":
            code = CLASS_CODES.get(cls, "other_marketable")
        else:
            code = "nonmarketable"
        recs.append((date, typ, cls, code, *nums))
    if not recs:
        raise DataError("file has a header but no data rows", where=name, fix=FIX)
    df = pd.DataFrame.from_records(
        recs, columns=["date", "security_type", "security_class", "class_code",
                       "held_by_public", "intragovernmental", "total"])
    dup = df.duplicated(["date", "security_type", "security_class"])
    if dup.any():
        d = df[dup].iloc[0]
        raise DataError("duplicate row", where=name, got=f"{d.date} {d.security_type} {d.security_class}",
                        fix=FIX)
    _check_months(df, name)
    for c in ("held_by_public", "intragovernmental", "total"):
        df[c] = df[c] / 1000.0  # millions -> billions
    df = df.sort_values(["date"], kind="stable").reset_index(drop=True)
    return df


def _check_months(df: pd.DataFrame, name: str) -> None:
    """Every month complete and internally consistent (catches a copy cut off or edited); the first
    month that fails, in date order, is named. Each month's sums are taken for all months at once
    (one pass over the columns, not a frame per month: ~0.17 s of a cold store's parse)."""
    typ, date = df["security_type"], df["date"]
    is_tm = typ == "Total Marketable"
    has_tm = is_tm.groupby(date, sort=True).any()
    has_gt = (typ == GRAND_TOTAL).groupby(date, sort=True).any()
    classes = df["total"].where(typ == "Marketable", 0.0).groupby(date, sort=True).sum()
    total = df["total"].where(is_tm).groupby(date, sort=True).first()   # the month's first such row
    off = has_tm & ((classes - total).abs() > SUM_TOLERANCE_MN)
    bad = ~has_tm | ~has_gt | off
    if not bad.any():
        return
    month = bad.idxmax()   # the first failing month in date order
    for need, present in (("Total Marketable", has_tm), (GRAND_TOTAL, has_gt)):
        if not present[month]:
            raise DataError(f"month {month} has no '{need}' row (file truncated or edited?)",
                            where=name, fix=FIX)
    raise DataError(
        f"month {month}: marketable classes add up to {float(classes[month]):,.1f} million, not the "
        f"Total Marketable {float(total[month]):,.1f} (file truncated or edited?)", where=name, fix=FIX)
