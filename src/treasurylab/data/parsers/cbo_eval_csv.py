"""Parser for CBO's ``eval-projections`` input CSVs (format of the US-CBO/eval-projections repository, 2026-02).

Four files share one layout family (comma-separated, header in row 1, UTF-8, LF, billions of dollars by
federal fiscal year):

- ``cbo_eval_baselines.csv``: ``component,category,subcategory,baseline_date,Spring_flag,Winter_flag,
  projected_fiscal_year,projected_year_number,value`` -> tidy columns ``component, category, subcategory,
  baseline_date ('YYYY-MM'), spring_flag, winter_flag, fiscal_year, year_number, value``.
- ``cbo_eval_actuals.csv``: ``component,category,subcategory,fiscal_year,actual_value`` ->
  ``component, category, subcategory, fiscal_year, value``.
- ``cbo_eval_baseline_changes.csv``: ``...,changes_baseline_date,change_category,projected_fiscal_year,value``
  -> ``component, category, subcategory, changes_baseline_date ('YYYY-MM'), change_category, fiscal_year, value``.
- ``cbo_eval_actual_GDP.csv``: ``fiscal_year,GDP`` -> ``fiscal_year, value``.

In the changes file an empty value cell (one in the 2026-02 file) becomes NaN. No arithmetic is done: values are copied as published (``deficit`` is negative for a deficit; ``debt`` is
debt held by the public at the end of the fiscal year). CBO writes the baseline date as ``YYYY-MM-01``;
the day carries no information, so it is dropped (``'2026-02'``), which is how users name a vintage.

Every row is checked: the header must be exactly the published one, each row must have as many fields as
the header and the file must end with its newline (a truncated copy fails here), numbers must parse. A file that is not UTF-8 (for example
re-saved as UTF-16) is refused. Each failure is a :class:`DataError` naming the file, line and fix.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

PARSER_VERSION = "1"

FIX = "restore the original CBO file (github.com/US-CBO/eval-projections, input_data/)"

HEADERS = {
    "baselines": ["component", "category", "subcategory", "baseline_date", "Spring_flag", "Winter_flag",
                  "projected_fiscal_year", "projected_year_number", "value"],
    "actuals": ["component", "category", "subcategory", "fiscal_year", "actual_value"],
    "changes": ["component", "category", "subcategory", "changes_baseline_date", "change_category",
                "projected_fiscal_year", "value"],
    "gdp": ["fiscal_year", "GDP"],
}


def read_text(path: Path, *, encoding: str = "utf-8", fix: str = FIX) -> str:
    """The file's text, or a DataError if it is not in the publisher's encoding (re-encoded copy)."""
    raw = Path(path).read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:200]:
        raise DataError("file looks re-encoded (UTF-16 bytes), expected " + encoding, where=Path(path).name,
                        fix=fix)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DataError(f"file is not valid {encoding} text (byte {exc.start})", where=Path(path).name,
                        fix=fix) from None


def read_rows(path: Path, kind: str) -> list[list[str]]:
    """Rows under the header, each with exactly the header's number of fields."""
    name = Path(path).name
    text = read_text(path).lstrip("\ufeff")
    if not text.endswith("\n"):
        # CBO's files end with a newline; a missing one means the copy was cut off mid-line
        raise DataError("file does not end with a newline: it was cut off (truncated copy)", where=name,
                        got=text[-40:], fix=FIX)
    rows = list(csv.reader(io.StringIO(text)))
    want = HEADERS[kind]
    if not rows or [h.strip() for h in rows[0]] != want:
        raise DataError(f"unexpected header for a CBO eval {kind} file", where=name,
                        got=",".join(rows[0]) if rows else "(empty file)", fix=FIX)
    body = []
    for i, r in enumerate(rows[1:], start=2):
        if not r:
            continue
        if len(r) != len(want):
            raise DataError(f"line {i} has {len(r)} fields, expected {len(want)} (file truncated or edited?)",
                            where=name, got=",".join(r), fix=FIX)
        body.append(r)
    if not body:
        raise DataError("file has a header but no data rows", where=name, fix=FIX)
    return body


def _num(values: list[str], name: str, col: str, allow_empty: bool = False) -> pd.Series:
    s = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    bad = s.isna()
    if allow_empty:
        bad &= pd.Series([v.strip() != "" for v in values])
    if bad.any():
        i = int(bad.idxmax())
        raise DataError(f"{col}: not a number on data row {i + 1}", where=name, got=values[i], fix=FIX)
    return s.astype("float64")


def _month(values: list[str], name: str, col: str) -> list[str]:
    out = []
    for i, v in enumerate(values):
        m = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", v.strip())
        if not m:
            raise DataError(f"{col}: not a date YYYY-MM-DD on data row {i + 1}", where=name, got=v, fix=FIX)
        out.append(f"{m.group(1)}-{m.group(2)}")
    return out


def _flag(values: list[str], name: str, col: str) -> list[bool]:
    out = []
    for i, v in enumerate(values):
        t = v.strip().lower()
        if t not in ("true", "false"):
            raise DataError(f"{col}: expected True or False on data row {i + 1}", where=name, got=v, fix=FIX)
        out.append(t == "true")
    return out


def _parse_kind(path: Path, kind: str) -> pd.DataFrame:
    name = Path(path).name
    rows = read_rows(path, kind)
    cols = list(zip(*rows))
    c = {h: list(v) for h, v in zip(HEADERS[kind], cols)}
    if kind == "gdp":
        return pd.DataFrame({
            "fiscal_year": _num(c["fiscal_year"], name, "fiscal_year").astype("int64"),
            "value": _num(c["GDP"], name, "GDP"),
        })
    out = pd.DataFrame({k: [x.strip() for x in c[k]] for k in ("component", "category", "subcategory")})
    if kind == "baselines":
        out["baseline_date"] = _month(c["baseline_date"], name, "baseline_date")
        out["spring_flag"] = _flag(c["Spring_flag"], name, "Spring_flag")
        out["winter_flag"] = _flag(c["Winter_flag"], name, "Winter_flag")
        out["fiscal_year"] = _num(c["projected_fiscal_year"], name, "projected_fiscal_year").astype("int64")
        out["year_number"] = _num(c["projected_year_number"], name, "projected_year_number").astype("int64")
        out["value"] = _num(c["value"], name, "value")
    elif kind == "actuals":
        out["fiscal_year"] = _num(c["fiscal_year"], name, "fiscal_year").astype("int64")
        out["value"] = _num(c["actual_value"], name, "actual_value")
    elif kind == "changes":
        out["changes_baseline_date"] = _month(c["changes_baseline_date"], name, "changes_baseline_date")
        out["change_category"] = [x.strip() for x in c["change_category"]]
        out["fiscal_year"] = _num(c["projected_fiscal_year"], name, "projected_fiscal_year").astype("int64")
        # CBO leaves one cell empty (Net Interest, 2024-12 Legislative, FY2024): kept as NaN, not invented
        out["value"] = _num(c["value"], name, "value", allow_empty=True)
    return out


def parse_baselines(paths: list[Path]) -> pd.DataFrame:
    return _parse_kind(paths[0], "baselines")


def parse_actuals(paths: list[Path]) -> pd.DataFrame:
    return _parse_kind(paths[0], "actuals")


def parse_changes(paths: list[Path]) -> pd.DataFrame:
    return _parse_kind(paths[0], "changes")


def parse_gdp(paths: list[Path]) -> pd.DataFrame:
    return _parse_kind(paths[0], "gdp")
