"""The provenance record kept beside every stored dataset (and on ``DataFrame.attrs``).

Fields: dataset id and title, publisher, source, each input file with its sha256 and size, the parser
and its version, the snapshot's retrieval date, series breaks, caveats, attribution, rows, columns,
and the store key. No user or host names are recorded (outputs stay reproducible and private).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from treasurylab.data.catalog import Dataset


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def store_key(ds: Dataset, file_hashes: list[str]) -> str:
    h = hashlib.sha256()
    h.update(ds.id.encode())
    h.update(ds.parser_version.encode())
    for fh in file_hashes:
        h.update(fh.encode())
    return h.hexdigest()[:16]


def record(ds: Dataset, paths: list[Path], hashes: list[str], key: str, rows: int, columns: list[str]) -> dict[str, Any]:
    return {
        "id": ds.id,
        "title": ds.title,
        "unit": ds.unit,
        "frequency": ds.frequency,
        "publisher": ds.publisher,
        "source": ds.source,
        "files": [
            {"name": p.name, "sha256": h, "bytes": p.stat().st_size} for p, h in zip(paths, hashes)
        ],
        "parser": ds.parser_name,
        "parser_version": ds.parser_version,
        "retrieved": ds.retrieved,
        "series_breaks": list(ds.series_breaks),
        "caveats": list(ds.caveats),
        "attribution": ds.attribution,
        "rows": rows,
        "columns": columns,
        "store_key": key,
    }
