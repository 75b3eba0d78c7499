"""Parser for CBO's "History and Projections for Key Economic Variables" CSVs (2025-2026 layout).

One file per frequency (``Annual_CY_February2026.csv``, ``Quarterly_January2025.csv``, ...): a header row
``date,<variable>,<variable>,...`` and one row per period, ``date`` as ``YYYY`` (calendar year) or
``YYYYqN`` (quarter); ``NA`` = not available. Units are not in the CSV: they are in the ``README.txt``
variable dictionary shipped in the same zip (``<variable><tabs><description (units)>``). The parser
therefore takes two files, ``[csv, README.txt]``, and returns a tidy table::

    date, variable, value, unit, description

``unit`` is the unit group of the description (e.g. ``% p.a.``, ``SAAR, Bil.$``, ``SA, 2017=100``) or
``not stated`` where CBO gives none. ``NA`` cells are dropped (tidy: one row per observation). The
dictionary spells one name differently from the CSV (``non_cyclical_rate_of_unemployment`` against
``noncyclical_rate_of_unemployment``), so names are matched with underscores ignored.

Checks: header starts with ``date``; every row has the header's field count; dates are ``YYYY`` or
``YYYYqN`` and strictly consecutive (a missing period means an edited file); every value is a number or
``NA``; the file ends with its newline (otherwise it was truncated); UTF-8 (ASCII) text only. Failures raise
:class:`DataError` naming the file, the line and the fix.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from treasurylab.data.parsers import require_final_newline
from treasurylab.data.parsers.cbo_eval_csv import read_text
from treasurylab.errors import DataError

PARSER_VERSION = "1"

FIX = "restore the original CBO file (cbo.gov, 'Historical Economic Data' zip of the Budget and Economic Outlook)"

_UNIT_HINTS = ("$", "%", "Mil", "=", "Index", "Percentage", "SA", "p.a.", "people")


def _unit(description: str) -> str:
    """The unit group of a CBO description: the last parenthesised group that looks like a unit."""
    head = re.split(r", based on|, CBO's", description)[0]
    groups = re.findall(r"\(([^()]*)\)", head)
    for g in reversed(groups):
        if any(h in g for h in _UNIT_HINTS):
            return g.strip()
    return "not stated"


def read_dictionary(path: Path) -> dict[str, str]:
    """``variable -> description`` from CBO's README.txt (lines after the ``-- VARIABLE --`` header)."""
    require_final_newline(path, FIX)   # a cut README loses the last variables' descriptions
    text = read_text(path, fix=FIX)
    out: dict[str, str] = {}
    started = False
    for line in text.splitlines():
        if "-- VARIABLE --" in line:
            started = True
            continue
        if not started or not line.strip() or line.startswith("---"):
            continue
        m = re.match(r"^([a-z][a-z0-9_]*)\s*\t\s*(.*\S)\s*$", line)
        if m:
            out[m.group(1)] = re.sub(r"\s+", " ", m.group(2))
    if not out:
        raise DataError("no variable dictionary found (expected a '-- VARIABLE --' section)",
                        where=Path(path).name, fix=FIX)
    return out


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def _next_period(p: str) -> str:
    if "q" in p:
        y, q = int(p[:4]), int(p[5])
        return f"{y + (q == 4)}q{q % 4 + 1}"
    return str(int(p) + 1)


def parse(paths: list[Path]) -> pd.DataFrame:
    csv_path, readme = Path(paths[0]), Path(paths[1])
    name = csv_path.name
    text = read_text(csv_path, fix=FIX).lstrip("\ufeff")
    if not text.endswith("\n"):
        raise DataError("file does not end with a newline: it was cut off (truncated copy)", where=name,
                        got=text[-40:], fix=FIX)
    rows = [r for r in csv.reader(io.StringIO(text)) if r]
    if not rows or rows[0][0].strip() != "date" or len(rows[0]) < 2:
        raise DataError("unexpected header, expected 'date,<variable>,...'", where=name,
                        got=",".join(rows[0])[:80] if rows else "(empty file)", fix=FIX)
    header = [h.strip() for h in rows[0]]
    dictionary = {_key(k): v for k, v in read_dictionary(readme).items()}
    dates: list[str] = []
    variables: list[str] = []
    values: list[float] = []
    prev = None
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(header):
            raise DataError(f"line {i} has {len(r)} fields, expected {len(header)} (file truncated or edited?)",
                            where=name, got=",".join(r)[:80], fix=FIX)
        d = r[0].strip()
        if not re.fullmatch(r"\d{4}(q[1-4])?", d):
            raise DataError(f"line {i}: date is not YYYY or YYYYqN", where=name, got=d, fix=FIX)
        if prev is not None and d != _next_period(prev):
            raise DataError(f"line {i}: period {d} does not follow {prev} (rows missing or out of order)",
                            where=name, fix=FIX)
        prev = d
        for var, cell in zip(header[1:], r[1:]):
            c = cell.strip()
            if c in ("NA", ""):
                continue
            try:
                v = float(c)
            except ValueError:
                raise DataError(f"line {i}, column {var}: not a number", where=name, got=c, fix=FIX) from None
            dates.append(d)
            variables.append(var)
            values.append(v)
    if not dates:
        raise DataError("file has a header but no data", where=name, fix=FIX)
    desc = {v: dictionary.get(_key(v), "not in CBO's variable dictionary") for v in header[1:]}
    out = pd.DataFrame({"date": dates, "variable": variables, "value": pd.Series(values, dtype="float64")})
    out["description"] = out["variable"].map(desc)
    out["unit"] = out["description"].map(
        lambda s: "not stated" if s == "not in CBO's variable dictionary" else _unit(s))
    return out[["date", "variable", "value", "unit", "description"]]
