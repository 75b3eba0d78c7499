"""Parser for curated tables (``treasurylab/data/curated/<name>.yaml``): values with no official file yet.

A curated table is a YAML document::

    table: pboc_gold_monthly
    title: ...
    columns: [date, value, unit, source/assumption]     # informative
    notes: ...                                           # optional free text (method, caveats)
    rows:
      - {date: "2025-12", metric: gold_moz, value: 74.15, unit: million troy oz, source: "..."}
      - {date: "2025-11", metric: gold_moz, value: 74.12, unit: million troy oz, date: ..., assumption: "..."}

Every row must carry ``value`` (a number, or null where the figure is not published — then the row must
say why in ``assumption``), a non-empty ``unit``, a ``date``, and either a non-empty ``source`` (a
citation) or a non-empty ``assumption`` (the reasoning). :func:`check_rows` lists every row that lacks
one, with its line number; :func:`parse` refuses such a file with a :class:`DataError` naming the file,
line and missing field. The table comes back tidy: one row per YAML row, every key a column, ``date`` as
text, ``value`` float, plus ``evidence`` = 'source' or 'assumption' and ``line`` (1-based line in the file).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError
from treasurylab.yamlio import load_yaml

PARSER_VERSION = "1"

REQUIRED = ("value", "unit", "date")


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def check_rows(path: Path, doc=None) -> list[str]:
    """Every problem in a curated table, as 'file line N: field: problem' (empty list when the file is
    sound); ``doc``: the file's :class:`~treasurylab.yamlio.YamlDoc` when the caller has read it."""
    doc = load_yaml(path) if doc is None else doc
    name = Path(path).name
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list) or not data["rows"]:
        return [f"{name}: 'rows' must be a non-empty list of mappings"]
    problems = []
    for i, row in enumerate(data["rows"]):
        line = doc.line(("rows", i))
        at = f"{name} line {line}"
        if not isinstance(row, dict):
            problems.append(f"{at}: row is not a mapping")
            continue
        for k in REQUIRED:
            if k not in row:
                problems.append(f"{at}: {k}: missing")
        if "unit" in row and _blank(row["unit"]):
            problems.append(f"{at}: unit: empty")
        if "date" in row and _blank(row["date"]):
            problems.append(f"{at}: date: empty")
        has_src = not _blank(row.get("source"))
        has_asm = not _blank(row.get("assumption"))
        if not (has_src or has_asm):
            problems.append(f"{at}: source/assumption: neither given (cite a source, or give the reasoning)")
        v = row.get("value")
        if v is None:
            if "value" in row and not has_asm:
                problems.append(f"{at}: value: null without an 'assumption' saying why it is missing")
        elif isinstance(v, bool) or not isinstance(v, (int, float)):
            problems.append(f"{at}: value: not a number (got {v!r})")
    return problems


def parse(paths: list[Path]) -> pd.DataFrame:
    path = Path(paths[0])
    doc = load_yaml(path)   # read once: the checks and the table use the same document
    problems = check_rows(path, doc)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DataError(first + more, fix="give every row value, unit, date and a source or an assumption")
    rows = []
    for i, row in enumerate(doc.data["rows"]):
        r = dict(row)
        r["date"] = str(r["date"])
        r["value"] = float("nan") if r["value"] is None else float(r["value"])
        r["evidence"] = "source" if not _blank(r.get("source")) else "assumption"
        r["line"] = doc.line(("rows", i))
        rows.append(r)
    df = pd.DataFrame.from_records(rows)
    for c in ("source", "assumption"):
        if c not in df.columns:
            df[c] = ""
        df[c] = df[c].fillna("").astype(str)
    first = [c for c in ("date", "value", "unit") if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]]
