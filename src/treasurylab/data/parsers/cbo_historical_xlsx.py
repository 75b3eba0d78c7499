"""Parser for CBO's "Historical Budget Data" workbook (February 2026 layout, ``51134-2026-02-...xlsx``).

Each numbered sheet (``1. Rev, Outlays, Surplus, Debt``, ``3. Outlays``, ... ``5a.``) holds one table:
two title rows, the table title (``1. Revenues, Outlays, ...``), a unit row (``Billions of dollars`` or
``Percentage of gross domestic product``), one or two header rows (an upper row of merged group labels
such as ``Deficit (-) or surplus`` or ``Mandatory``, then the line labels with footnote markers written
as superscript letters, ``Debt held by the publicᵃ``), one row per fiscal year (first cell an integer
year), then notes. The ``Contents`` sheet is skipped.

Output, tidy::

    table ('1', '1a', '3', ...), sheet, title, unit, group, line, fiscal_year, value

``line`` is the column label with superscript footnote markers stripped (``Debt held by the public``);
``group`` is the merged group label above it ('' if none). ``n.a.`` cells (not applicable) are dropped.
Nothing is recomputed. Checks: the workbook opens as xlsx (a truncated or re-encoded file does not), the
numbered sheets 1 and 3 are present, every sheet has a unit row and a run of consecutive fiscal years,
and every value cell is a number or ``n.a.``. Failures raise :class:`DataError`.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

PARSER_VERSION = "1"

FIX = "restore the original CBO workbook (cbo.gov/data/budget-economic-data, Historical Budget Data)"

REQUIRED_TABLES = ("1", "3")


def clean_label(text: str) -> str:
    """Strip superscript footnote markers (ᵃ, ᵇ, ᶜ ...) and squeeze spaces; normalise curly apostrophes."""
    kept = []
    for ch in str(text):
        decomp = unicodedata.decomposition(ch)
        if decomp.startswith("<super>"):
            continue  # a footnote marker, not part of the label
        kept.append(ch)
    s = "".join(kept).replace("\u2019", "'")
    return re.sub(r"\s+", " ", s).strip()


def _open(path: Path):
    import openpyxl

    name = Path(path).name
    if not zipfile.is_zipfile(path):
        raise DataError("not a valid xlsx workbook (truncated or re-encoded file)", where=name, fix=FIX)
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise DataError(f"workbook could not be opened ({type(exc).__name__})", where=name, fix=FIX) from None


def _parse_sheet(ws, name: str) -> list[dict]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    title_i = next((i for i, r in enumerate(rows) if isinstance(r[0], str) and re.match(r"^\d+a?\. ", r[0])), None)
    if title_i is None:
        raise DataError(f"sheet '{ws.title}' has no numbered table title", where=name, fix=FIX)
    title = rows[title_i][0].strip()
    table = title.split(".")[0]
    unit = str(rows[title_i + 1][0] or "").strip()
    if not unit:
        raise DataError(f"sheet '{ws.title}' has no unit row under its title", where=name, fix=FIX)
    first = next((i for i in range(title_i + 2, len(rows)) if isinstance(rows[i][0], int)), None)
    if first is None:
        raise DataError(f"sheet '{ws.title}' has no fiscal-year rows", where=name, fix=FIX)
    label_row = rows[first - 1]
    # group labels (e.g. 'Deficit (-) or surplus' over D8:G8) sit one row above the line labels, in
    # merged cells spanning the columns they cover; openpyxl rows are 1-based, ``first - 1`` is that row
    groups = [""] * len(label_row)
    group_row = first - 1
    if group_row - 1 > title_i + 1:
        for rng in ws.merged_cells.ranges:
            if rng.min_row == group_row:
                v = ws.cell(rng.min_row, rng.min_col).value
                for c in range(rng.min_col - 1, min(rng.max_col, len(groups))):
                    groups[c] = clean_label(v) if v else ""
        for c, v in enumerate(rows[group_row - 1]):
            if v and c < len(groups) and not groups[c]:
                groups[c] = clean_label(v)
    out = []
    year_prev = None
    for i in range(first, len(rows)):
        r = rows[i]
        if not isinstance(r[0], int):
            break
        year = r[0]
        if year_prev is not None and year != year_prev + 1:
            raise DataError(f"sheet '{ws.title}': fiscal year {year} does not follow {year_prev}",
                            where=name, fix=FIX)
        year_prev = year
        for c in range(1, len(label_row)):
            label = label_row[c]
            if label is None:
                continue
            v = r[c] if c < len(r) else None
            if isinstance(v, str) and v.strip() == "n.a.":
                continue
            if v is None:
                continue
            if not isinstance(v, (int, float)):
                raise DataError(f"sheet '{ws.title}', FY{year}, '{clean_label(label)}': not a number",
                                where=name, got=v, fix=FIX)
            out.append({"table": table, "sheet": ws.title, "title": title, "unit": unit,
                        "group": groups[c], "line": clean_label(label), "fiscal_year": int(year),
                        "value": float(v)})
    return out


def parse(paths: list[Path]) -> pd.DataFrame:
    path = Path(paths[0])
    wb = _open(path)
    records: list[dict] = []
    seen = set()
    for ws in wb.worksheets:
        if not re.match(r"^\d+a?\. ", ws.title):
            continue  # Contents and any non-table sheet
        recs = _parse_sheet(ws, path.name)
        records += recs
        seen.add(ws.title.split(".")[0])
    missing = [t for t in REQUIRED_TABLES if t not in seen]
    if missing:
        raise DataError(f"workbook lacks table(s) {', '.join(missing)}", where=path.name, fix=FIX)
    df = pd.DataFrame.from_records(records)
    df["value"] = df["value"].astype("float64")
    df["fiscal_year"] = df["fiscal_year"].astype("int64")
    return df
