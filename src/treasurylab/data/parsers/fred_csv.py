"""Parser for FRED-style CSV files (Federal Reserve Bank of St. Louis downloads).

Three header layouts are read:

- merged daily files ``date,DGS1MO,DGS3MO,...`` (one column per FRED series);
- FRED's own download ``observation_date,GFDEBTN`` (one series, named by the column);
- the two-column ``Date,Value`` written by some fetchers (H.4.1 TREAST, WALCL): the series id is
  then the file name's stem (``TREAST.csv`` -> ``TREAST``).

FRED writes ``.`` for a missing observation; that and an empty cell give no row.

Output (tidy): ``date`` (YYYY-MM-DD as in the file), ``series`` (FRED id), ``value`` (the file's unit;
callers convert, e.g. millions -> billions with :func:`scaled`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from treasurylab.data.parsers import require_final_newline
from treasurylab.errors import DataError

VERSION = "fred-csv-1"


def parse_one(path: Path) -> pd.DataFrame:
    path = Path(path)
    require_final_newline(path)     # FRED ends every file with a line end: a cut one lost digits
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if raw.shape[1] < 2:
        raise DataError(
            "a FRED-style CSV needs a date column and at least one value column",
            field=path.name,
            fix="give a file like 'date,DGS10' or 'observation_date,GFDEBTN'",
        )
    first = raw.columns[0].lstrip("\ufeff").strip()
    if first.lower() not in ("date", "observation_date"):
        raise DataError(
            f"first column is {first!r}, expected 'date' or 'observation_date'",
            field=path.name,
            fix="give a FRED download (observation_date,SERIES) or a merged date,SERIES,... file",
        )
    cols = list(raw.columns[1:])
    if [c.strip() for c in cols] == ["Value"]:
        names = [path.stem.upper()]
    else:
        names = [c.strip() for c in cols]
    dates = raw.iloc[:, 0].str.strip()
    bad = ~dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if bad.any():
        raise DataError(
            f"unreadable date {dates[bad].iloc[0]!r}",
            field=path.name,
            fix="dates must be YYYY-MM-DD; the file looks truncated or edited",
        )
    frames = []
    for c, name in zip(cols, names):
        v = raw[c].str.strip()
        keep = (v != "") & (v != ".")
        try:
            vals = v[keep].astype("float64")
        except ValueError:
            bad_cell = next(
                x for x in v[keep] if not re.fullmatch(r"-?\d+(\.\d*)?([eE][-+]?\d+)?", x)
            )
            raise DataError(
                f"non-numeric value {bad_cell!r} in column {name}",
                field=path.name,
                fix="the file looks truncated or edited; download it again",
            ) from None
        frames.append(
            pd.DataFrame({"date": dates[keep].values, "series": name, "value": vals.values})
        )
    return pd.concat(frames, ignore_index=True)


def parse(paths: list[Path], names: dict[str, str] | None = None) -> pd.DataFrame:
    """FRED-style files, tidy and sorted by series and date; a file whose value column does not name
    the series (``date,value``) gets its FRED id from ``names`` (file stem -> id)."""
    frames = []
    for p in paths:
        df = parse_one(Path(p))
        if names and Path(p).stem in names:
            df["series"] = names[Path(p).stem]
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    return df.sort_values(["series", "date"], kind="stable").reset_index(drop=True)


def scaled(df: pd.DataFrame, factor: float) -> pd.DataFrame:
    out = df.copy()
    out["value"] = out["value"] * factor
    return out
