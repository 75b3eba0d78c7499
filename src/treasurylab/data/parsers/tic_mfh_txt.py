"""Parser for the TIC "Major Foreign Holders of Treasury Securities" history file (``mfhhis01.txt``).

Format version: the tab-delimited text file on ticdata.treasury.gov as released 2026-03-18 (and the
same layout since the 2010s). One block per calendar year, newest first::

    <blank>  Dec  Nov ... Jan              <- month header row (first cell empty)
    Country  2025 2025 ... 2025            <- year row
    <blank>  ------ ...                    <- rule
    Japan    1185.5 1202.7 ...             <- holder rows (billions of US dollars)
    All Other / Grand Total / Of which: For. Official, Treasury Bills, T-Bonds & Notes

Quirks handled (each one is in the real file):

- quoted names with commas (``"China, Mainland"``), trailing spaces (``"Korea, South "``, ``Spain ``),
  footnote markers (``United Kingdom 2/``, ``Belgium  5/``) -> ``country`` is the cleaned name,
  ``country_raw`` the name as printed (outer whitespace and quotes removed);
- series-break years (2000, 2002-2011) have 13 value columns: a month printed twice; the left column
  is the new series (``series='current'``), the right one the old series shown for comparison only
  (``series='comparison_only'``). The two extra header rows above the months (``Series 17/`` and
  Roman numerals) are skipped;
- ``n.a.`` -> value NaN, ``value_note='not_available'``; ``*`` (less than $50 million) -> NaN,
  ``value_note='less_than_50mn'``; an empty cell is no observation (no row);
- ``Oil Exporters`` and ``Carib Bnkng Ctrs`` are aggregates (``row_type='aggregate_group'``) until
  2016-02; ``Belgium-Luxembourg`` (2000-2001) is kept as printed;
- rows after ``Of which:`` are the foreign-official holdings and their bills / bonds-and-notes split;
- the release stamp (``Department of the Treasury/Federal Reserve Board``) ends the data; a file
  without it is refused as truncated. The revision notes (``"(2025 revised March 18, 2026)"``)
  and footnotes after the last block are not data and are skipped.

Output (tidy): ``date`` (YYYY-MM), ``country``, ``country_raw``, ``row_type`` (country,
aggregate_group, all_other, grand_total, foreign_official, foreign_official_bills,
foreign_official_bonds_notes), ``value`` (billions of USD, end of month), ``value_note``, ``series``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

VERSION = "mfhhis01-txt-1"

MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}
AGGREGATES = {"Oil Exporters", "Carib Bnkng Ctrs"}
SPECIAL = {
    "All Other": "all_other",
    "Grand Total": "grand_total",
    "For. Official": "foreign_official",
    "Treasury Bills": "foreign_official_bills",
    "T-Bonds & Notes": "foreign_official_bonds_notes",
}
COLUMNS = ["date", "country", "country_raw", "row_type", "value", "value_note", "series"]
_FOOTNOTE = re.compile(r"\s+\d{1,2}/$")


def clean_name(raw: str) -> str:
    """'United Kingdom 2/' -> 'United Kingdom'; 'Korea, South ' -> 'Korea, South'."""
    return _FOOTNOTE.sub("", raw.strip()).strip()


def _value(cell: str) -> tuple[float, str] | None:
    c = cell.strip()
    if c == "":
        return None
    if c == "n.a.":
        return math.nan, "not_available"
    if c == "*":
        return math.nan, "less_than_50mn"
    try:
        return float(c.replace(",", "")), ""
    except ValueError:
        raise DataError(
            f"unexpected value cell {c!r} in the TIC holdings table",
            field="mfhhis01.txt",
            fix="restore the original file from ticdata.treasury.gov",
        ) from None


def parse_text(text: str) -> pd.DataFrame:
    rows: list[dict] = []
    lines = list(csv.reader(io.StringIO(text), delimiter="\t", quotechar='"'))
    i, n = 0, len(lines)
    blocks = 0
    footer = False
    while i < n:
        cells = lines[i]
        months = [c.strip() for c in cells[1:]]
        is_header = (
            cells
            and cells[0].strip() == ""
            and months
            and months[0] in MONTHS
            and i + 1 < n
            and lines[i + 1]
            and lines[i + 1][0].strip() == "Country"
        )
        if not is_header:
            i += 1
            continue
        years = [c.strip() for c in lines[i + 1][1:]]
        cols: list[tuple[int, str, str]] = []  # (cell index, YYYY-MM, series)
        seen: set[str] = set()
        for j, (m, y) in enumerate(zip(months, years), start=1):
            if not m:
                continue
            if m not in MONTHS or not re.fullmatch(r"\d{4}", y):
                raise DataError(
                    f"unexpected month header {m!r} / {y!r} in the TIC holdings table",
                    field="mfhhis01.txt",
                    fix="restore the original file from ticdata.treasury.gov",
                )
            date = f"{y}-{MONTHS[m]:02d}"
            # at a series break the month repeats: the left (first) column is the new series
            cols.append((j, date, "comparison_only" if date in seen else "current"))
            seen.add(date)
        blocks += 1
        i += 2
        in_of_which = False
        while i < n:
            cells = lines[i]
            first = cells[0] if cells else ""
            nxt = [c.strip() for c in cells[1:]]
            if first.strip() == "" and nxt and nxt[0] in MONTHS:
                break  # next year's month header
            if first.strip() == "" and any("Series" in c for c in nxt):
                break  # series-break header rows above the next month header
            if first.strip().startswith("Department of the Treasury"):
                footer = True
                i = n
                break
            name_raw = first.strip()
            if name_raw == "Of which:":
                in_of_which = True
                i += 1
                continue
            if not name_raw or set(name_raw) <= {"-"}:
                i += 1
                continue
            name = clean_name(name_raw)
            if name in SPECIAL:
                row_type = SPECIAL[name]
                if row_type.startswith("foreign_official") and not in_of_which:
                    row_type = "country"
            elif name in AGGREGATES:
                row_type = "aggregate_group"
            else:
                row_type = "country"
            for j, date, series in cols:
                v = _value(cells[j]) if j < len(cells) else None
                if v is None:
                    continue
                rows.append(
                    {
                        "date": date,
                        "country": name,
                        "country_raw": name_raw,
                        "row_type": row_type,
                        "value": v[0],
                        "value_note": v[1],
                        "series": series,
                    }
                )
            i += 1
    if blocks == 0 or not rows:
        raise DataError(
            "no yearly table found (expected a month header row and a 'Country' year row)",
            field="mfhhis01.txt",
            fix="give the TIC file mfhhis01.txt as published",
        )
    if not footer:
        # the oldest block is followed by the release stamp; without it the file was cut short
        raise DataError(
            "the file ends before the release stamp ('Department of the Treasury/Federal "
            "Reserve Board'): it looks truncated",
            field="mfhhis01.txt",
            fix="download mfhhis01.txt again from ticdata.treasury.gov",
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    df["value"] = df["value"].astype("float64")
    # current rows first within a month, comparison_only after (file order otherwise)
    order = df["series"].eq("comparison_only")
    df = df.assign(_o=order).sort_values(["date", "_o"], kind="stable").drop(columns="_o")
    return df.reset_index(drop=True)


def parse(paths: list[Path]) -> pd.DataFrame:
    text = Path(paths[0]).read_bytes().decode("utf-8")
    return parse_text(text)
