"""Parser for the TIC rolling monthly table ``slt_table5.txt`` ("Table 5: Major Foreign Holders of
Treasury Securities"), the layout that replaced the monthly ``mfh.txt`` and extends ``mfhhis01.txt``
beyond its last complete year.

Layout (tab-delimited, CRLF): a few title lines (table name, "Holdings at end of time period",
"Billions of dollars", a link line), a blank line, then ONE header row ``Country<TAB>2026-02<TAB>2026-01
...`` with 13 rolling months as ``YYYY-MM`` (newest first), then one row per holder, ``Grand Total``
and ``Of Which: Foreign Official`` / ``Of Which: Foreign Official Treasury Bills`` lines. The format
is recognised by that header row (see :func:`sniff`), not by the file name, so a user who downloads
the current file can load it (``treasurylab data load slt_table5.txt``).

Output: the same columns as the history parser (``tic.holdings``): ``date`` (YYYY-MM), ``country``,
``country_raw``, ``row_type``, ``value`` (billions of USD), ``value_note``, ``series`` ('current').
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from treasurylab.data.parsers.tic_mfh_txt import AGGREGATES, COLUMNS, clean_name
from treasurylab.errors import DataError

VERSION = "slt-table5-txt-1"

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_ROW_TYPES = {
    "all other": "all_other",
    "grand total": "grand_total",
    "of which: foreign official": "foreign_official",
    "of which: foreign official treasury bills": "foreign_official_bills",
    "of which: foreign official t-bonds & notes": "foreign_official_bonds_notes",
}
_NAMES = {
    "foreign_official": "For. Official",
    "foreign_official_bills": "Treasury Bills",
    "foreign_official_bonds_notes": "T-Bonds & Notes",
}


def _header(cells: list[str]) -> list[str] | None:
    if not cells or cells[0].strip() != "Country":
        return None
    months = [c.strip() for c in cells[1:] if c.strip()]
    if months and all(_MONTH.match(m) for m in months):
        return [c.strip() for c in cells[1:]]
    return None


def sniff(text: str) -> bool:
    """True when the text has a ``Country`` row followed by ``YYYY-MM`` month headers."""
    for cells in csv.reader(io.StringIO(text[:20000]), delimiter="\t"):
        if _header(cells):
            return True
    return False


def parse_text(text: str) -> pd.DataFrame:
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quotechar='"'))
    start = next((i for i, c in enumerate(lines) if _header(c)), None)
    if start is None:
        raise DataError(
            "no 'Country' header row with YYYY-MM months found",
            field="slt_table5.txt",
            fix="give TIC's slt_table5.txt as published (Country, 2026-02, 2026-01, ...)",
        )
    months = _header(lines[start])
    rows = []
    for cells in lines[start + 1 :]:
        name_raw = cells[0].strip() if cells else ""
        if not name_raw or not any(c.strip() for c in cells[1:]):
            if rows:
                break  # first blank line after the table ends it (notes follow)
            continue
        key = " ".join(clean_name(name_raw).lower().split())
        row_type = _ROW_TYPES.get(key)
        name = _NAMES.get(row_type, clean_name(name_raw)) if row_type else clean_name(name_raw)
        if row_type is None:
            row_type = "aggregate_group" if name in AGGREGATES else "country"
        for m, c in zip(months, cells[1:]):
            c = c.strip()
            if not m or c == "":
                continue
            if c == "n.a.":
                v, note = math.nan, "not_available"
            elif c == "*":
                v, note = math.nan, "less_than_50mn"
            else:
                try:
                    v, note = float(c.replace(",", "")), ""
                except ValueError:
                    raise DataError(
                        f"unexpected value {c!r} for {name_raw!r}",
                        field="slt_table5.txt",
                        fix="the file looks truncated or edited; download it again",
                    ) from None
            rows.append(
                {
                    "date": m,
                    "country": name,
                    "country_raw": name_raw,
                    "row_type": row_type,
                    "value": v,
                    "value_note": note,
                    "series": "current",
                }
            )
    if not rows:
        raise DataError(
            "the table has a header but no rows",
            field="slt_table5.txt",
            fix="the file looks truncated; download it again",
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["value"] = df["value"].astype("float64")
    return df.sort_values("date", kind="stable").reset_index(drop=True)


def parse(paths: list[Path]) -> pd.DataFrame:
    return parse_text(Path(paths[0]).read_bytes().decode("utf-8"))
