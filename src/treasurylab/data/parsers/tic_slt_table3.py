"""Parser for TIC Table 3 ``slt_table3.txt`` ("U.S. Treasury Securities Held by Foreign Residents"),
by country with the foreign official / non-official split, positions and net purchases, USD millions.

Layout (tab-delimited, CRLF): title lines, a blank line, two human header rows, then ONE row of machine
column names (``country<TAB>country_code<TAB>date<TAB>for_treas_pos ...``), then one row per country and
month (newest month first inside a country), then notes and column definitions after a blank line.
``n.a.`` is no observation. The machine-name row is what the parser keys on, so a column the publisher
adds or moves is read by its name, not by its position.

Output (tidy): ``date`` (YYYY-MM), ``country`` (as printed), ``country_code`` (TIC code), ``measure``
(the machine column name, e.g. ``for_treas_pos`` total holdings, ``for_treas_net`` net purchases), and
``value`` in **USD bn** (the file's millions divided by 1,000). Aggregates keep their printed names
(``Of Which: Foreign Official``, ``Grand Total``, ``Total Asia``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

VERSION = "slt-table3-txt-1"

KEYS = ["country", "country_code", "date"]
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _bad(msg: str) -> DataError:
    return DataError(msg, field="slt_table3.txt",
                     fix="give TIC's slt_table3.txt as published (the file looks truncated or edited)")


def parse_text(text: str) -> pd.DataFrame:
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t"))
    start = next((i for i, c in enumerate(lines) if [x.strip() for x in c[:3]] == KEYS), None)
    if start is None:
        raise _bad("no machine header row 'country, country_code, date, ...' found")
    names = [c.strip() for c in lines[start]]
    measures = [(j, n) for j, n in enumerate(names) if j >= 3 and n]
    rows = []
    for cells in lines[start + 1:]:
        if not cells or not cells[0].strip() or not any(c.strip() for c in cells[1:3]):
            if rows:
                break  # a blank line or a note (no code, no month) after the table ends it
            continue
        date = cells[2].strip() if len(cells) > 2 else ""
        if not _MONTH.match(date):
            raise _bad(f"unreadable month {date!r} for {cells[0].strip()!r}")
        for j, m in measures:
            c = cells[j].strip().replace(",", "") if j < len(cells) else ""
            if c in ("", "n.a."):
                continue
            try:
                v = float(c)
            except ValueError:
                raise _bad(f"unexpected value {c!r} for {cells[0].strip()!r} {date}") from None
            rows.append((date, cells[0].strip(), cells[1].strip(), m, v / 1000.0))
    if not rows:
        raise _bad("the table has a header but no rows")
    df = pd.DataFrame(rows, columns=["date", "country", "country_code", "measure", "value"])
    return df.sort_values(["country", "measure", "date"], kind="stable").reset_index(drop=True)


def sniff(text: str) -> bool:
    return "\ncountry\tcountry_code\tdate\t" in text[:20000].replace("\r\n", "\n")


def parse(paths: list[Path]) -> pd.DataFrame:
    return parse_text(Path(paths[0]).read_bytes().decode("utf-8"))
