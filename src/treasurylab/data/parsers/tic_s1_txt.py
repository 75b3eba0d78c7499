"""Parser for the frozen TIC S table S1 ``s1_globl.txt`` ("U.S. Transactions with Foreigners in Long-term
Domestic and Foreign Securities, by Type and Country"), monthly 1977-01 to 2023-01, USD millions.

Layout (tab-delimited, CRLF, thousands quoted as ``"1,480"``): title lines, then a multi-row human
header whose last three rows are ``Country / Country / End of / notes ...``, ``name / code / month /
[1] ... [12]`` and a rule of dashes; then one row per country and month (newest month first inside a
country). Columns [1]-[6] are gross purchases by foreigners from U.S. residents, [7]-[12] gross sales
by foreigners to U.S. residents, each of: marketable Treasury and Federal Financing Bank bonds & notes,
agency bonds, corporate & other bonds, corporate stocks, foreign bonds, foreign stocks. The file has no
machine column names, so the parser keys on the ``name / code / month / [1] ... [12]`` row and refuses a
file whose numbered columns differ (a moved column would otherwise be read under the wrong name).

The table is long-term only (no bills) and has no foreign official / private split. TIC stopped it
after 2023-01; Table 3 (``slt_table3.txt``) gives net purchases from 2023-02.

Output (tidy): ``date`` (YYYY-MM), ``country`` (as printed), ``country_code`` (TIC code, the same codes
as Table 3), ``measure`` (``purchases_treasury`` ... ``sales_foreign_stocks``, see :data:`MEASURES`),
``value`` in **USD bn** (the file's millions divided by 1,000).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from treasurylab.data.parsers import require_final_newline
from treasurylab.errors import DataError

VERSION = "s1-globl-txt-1"

_TYPES = ("treasury", "agency", "corporate_bonds", "corporate_stocks", "foreign_bonds", "foreign_stocks")
#: the twelve numbered columns [1]-[12], in the file's order
MEASURES = tuple(f"purchases_{t}" for t in _TYPES) + tuple(f"sales_{t}" for t in _TYPES)
_KEY = ["name", "code", "month"] + [f"[{i}]" for i in range(1, 13)]
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _bad(msg: str) -> DataError:
    return DataError(msg, field="s1_globl.txt",
                     fix="give TIC's s1_globl.txt as published (the file looks truncated or edited)")


def parse_text(text: str) -> pd.DataFrame:
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t"))
    start = next((i for i, c in enumerate(lines) if [x.strip() for x in c[:15]] == _KEY), None)
    if start is None:
        raise _bad("no header row 'name, code, month, [1] ... [12]' found")
    if not any("Treasury" in c for row in lines[:start] for c in row):
        raise _bad("the header does not name the Treasury column")
    rows = []
    for cells in lines[start + 1:]:
        if not cells or not any(c.strip() for c in cells):
            continue
        if cells[0].strip().startswith("-"):
            continue  # the rule under the header
        date = cells[2].strip() if len(cells) > 2 else ""
        if not _MONTH.match(date):
            raise _bad(f"unreadable month {date!r} for {cells[0].strip()!r}")
        if len(cells) < 15:
            raise _bad(f"row {cells[0].strip()!r} {date} has {len(cells)} cells, 15 expected")
        country, code = cells[0].strip(), cells[1].strip()
        for m, c in zip(MEASURES, cells[3:15], strict=True):
            c = c.strip().replace(",", "")
            if c in ("", "n.a.", "*"):
                continue
            try:
                v = float(c)
            except ValueError:
                raise _bad(f"unexpected value {c!r} for {country!r} {date}") from None
            rows.append((date, country, code, m, v / 1000.0))
    if not rows:
        raise _bad("the table has a header but no rows")
    df = pd.DataFrame(rows, columns=["date", "country", "country_code", "measure", "value"])
    return df.sort_values(["country", "measure", "date"], kind="stable").reset_index(drop=True)


def parse(paths: list[Path]) -> pd.DataFrame:
    require_final_newline(Path(paths[0]))
    return parse_text(Path(paths[0]).read_bytes().decode("utf-8"))
