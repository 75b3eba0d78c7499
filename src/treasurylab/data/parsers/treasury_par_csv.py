"""Parser for Treasury's "Daily Treasury Par Yield Curve Rates" CSV (home.treasury.gov).

Two layouts are read, sniffed from the header and the date cells:

- the official download (``daily-treasury-rates.csv``): header ``Date,"1 Mo","2 Mo",...,"30 Yr"``,
  quoted tenor names, dates ``MM/DD/YYYY`` (the 2023 file also has one ``1/04/2023``), newest first,
  no newline after the last line. From February 2025 the header carries an extra ``"1.5 Month"``
  column between ``"1 Mo"`` and ``"2 Mo"``;
- the same data re-saved by a spreadsheet (the 1990-2024 copy): unquoted header, dates ``M/D/YY``
  (two-digit years: 90-99 -> 1990s, 00-89 -> 2000s), trailing zeros dropped.

An empty cell means the tenor was not published that day (e.g. no 30-year from 2002-02-19 to
2006-02-08, no 20-year before 1993-10); no row is emitted for it.

Output (tidy): ``date`` (YYYY-MM-DD), ``tenor`` ('1M', '1.5M', '2M', '3M', '4M', '6M', '1Y', '2Y',
'3Y', '5Y', '7Y', '10Y', '20Y', '30Y'), ``value`` (percent, bond-equivalent par yield).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

VERSION = "treasury-par-csv-1"

_TENOR = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(Mo|Month|Months|Yr|Year|Years)\s*$", re.IGNORECASE)


def tenor_code(header: str) -> str:
    """'1 Mo' -> '1M', '1.5 Month' -> '1.5M', '10 Yr' -> '10Y'."""
    m = _TENOR.match(header)
    if not m:
        raise DataError(
            f"unknown tenor column {header!r} in the par yield curve file",
            field="header",
            fix="give Treasury's daily par yield curve CSV (Date, 1 Mo, ..., 30 Yr)",
        )
    num, unit = m.groups()
    return f"{num}{'M' if unit.lower().startswith('mo') else 'Y'}"


def _date(cell: str) -> str:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", cell.strip())
    if not m:
        m2 = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", cell.strip())
        if m2:
            return cell.strip()
        raise DataError(
            f"unreadable date {cell!r} in the par yield curve file",
            field="Date",
            fix="dates must be MM/DD/YYYY (official download) or M/D/YY",
        )
    mo, d, y = m.groups()
    if len(y) == 2:
        y = ("19" if int(y) >= 90 else "20") + y
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def sniff(text: str) -> bool:
    head = text.lstrip("\ufeff").split("\n", 1)[0]
    return head.replace('"', "").startswith("Date,") and ("Mo" in head or "Yr" in head)


def parse_text(text: str) -> pd.DataFrame:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or not rows[0] or rows[0][0].strip() != "Date":
        raise DataError(
            "not a Treasury par yield curve CSV (first column must be 'Date')",
            field="header",
            fix="give the file downloaded from home.treasury.gov (daily par yield curve rates)",
        )
    tenors = [tenor_code(h) for h in rows[0][1:]]
    out_d, out_t, out_v = [], [], []
    for r in rows[1:]:
        if not r or not r[0].strip():
            continue
        if len(r) != len(tenors) + 1:
            raise DataError(
                f"row for {r[0]!r} has {len(r) - 1} values, header has {len(tenors)}",
                field="row",
                fix="the file looks truncated or edited; download it again",
            )
        d = _date(r[0])
        for t, c in zip(tenors, r[1:]):
            c = c.strip()
            if c in ("", "N/A", "."):
                continue
            out_d.append(d)
            out_t.append(t)
            out_v.append(float(c))
    df = pd.DataFrame({"date": out_d, "tenor": out_t, "value": pd.Series(out_v, dtype="float64")})
    return df.sort_values(["date"], kind="stable").reset_index(drop=True)


def parse(paths: list[Path]) -> pd.DataFrame:
    """Parse one or more par-curve files; a later file's value wins on a day both cover."""
    frames = [parse_text(Path(p).read_bytes().decode("utf-8")) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    df = df.drop_duplicates(["date", "tenor"], keep="last")
    order = {
        t: i
        for i, t in enumerate(
            [
                "1M",
                "1.5M",
                "2M",
                "3M",
                "4M",
                "6M",
                "1Y",
                "2Y",
                "3Y",
                "5Y",
                "7Y",
                "10Y",
                "20Y",
                "30Y",
            ]
        )
    }
    df = df.assign(_o=df["tenor"].map(order)).sort_values(["date", "_o"]).drop(columns="_o")
    return df.reset_index(drop=True)
