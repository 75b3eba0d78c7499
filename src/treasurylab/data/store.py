"""The write-once Parquet store: each dataset parsed once, kept with its provenance record.

Layout: ``<root>/<dataset id>/<key>.parquet`` and ``<key>.json``, where ``key`` hashes the dataset
id, its parser version and the sha256 of every input file, so a new snapshot or parser never
overwrites an old result; it gets a new key. Writes are atomic: each file is written to a temporary
name in the same folder and renamed with ``os.replace``; the JSON record is written *last* and a
result counts as present only when both files exist, so a write killed midway leaves nothing that
is ever read (stale temporaries are swept on the next write).

The root is ``$TREASURYLAB_STORE`` or ``~/.cache/treasurylab/store``. DuckDB (in memory) queries the
Parquet files through :func:`query`; no database file is ever locked.

Bundled files are checked against ``snapshot/MANIFEST.json`` (sha256) before parsing: a truncated or
re-encoded copy is refused with one clear message instead of being parsed into wrong numbers.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from treasurylab.data import catalog
from treasurylab.data.catalog import SNAPSHOT_DIR, Dataset
from treasurylab.data.provenance import record, sha256_file, store_key
from treasurylab.errors import BadInput, DataError

MANIFEST = SNAPSHOT_DIR / "MANIFEST.json"


def store_root() -> Path:
    env = os.environ.get("TREASURYLAB_STORE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "treasurylab" / "store"


@lru_cache(maxsize=1)
def _manifest() -> dict[str, str]:
    if not MANIFEST.exists():
        return {}
    return json.loads(MANIFEST.read_text())


def build_manifest() -> dict[str, str]:
    """Recompute MANIFEST.json from the files in the snapshot folder (run after adding a file)."""
    out = {}
    for p in sorted(SNAPSHOT_DIR.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.json" and "__pycache__" not in p.parts:
            out[p.relative_to(SNAPSHOT_DIR).as_posix()] = sha256_file(p)
    MANIFEST.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    _manifest.cache_clear()
    return out


def check_files(ds: Dataset, paths: list[Path]) -> list[str]:
    """sha256 of each input; bundled files must match the manifest."""
    hashes = []
    man = _manifest()
    for rel, p in zip(ds.files, paths):
        if not p.exists():
            raise DataError(
                "data file is missing", where=ds.id, got=rel,
                fix="reinstall treasurylab (the bundled snapshot is incomplete)",
            )
        h = sha256_file(p)
        want = man.get(rel)
        if want is not None and want != h:
            raise DataError(
                f"data file {rel} does not match the bundled snapshot (sha256 differs: truncated, "
                "re-encoded or edited)",
                where=ds.id,
                fix="restore the original file (reinstall treasurylab) or run 'treasurylab data update'",
            )
        hashes.append(h)
    return hashes


def _atomic_write_bytes(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_result(folder: Path, key: str, df: pd.DataFrame, prov: dict[str, Any]) -> None:
    """Write ``key.parquet`` then ``key.json`` atomically (the JSON marks the result complete)."""
    for stale in folder.glob(".*.tmp") if folder.exists() else []:
        stale.unlink(missing_ok=True)
    _atomic_write_bytes(folder / f"{key}.parquet", lambda tmp: df.to_parquet(tmp, index=False))
    _atomic_write_bytes(
        folder / f"{key}.json",
        lambda tmp: Path(tmp).write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n"),
    )


def load(dataset_id: str, *, root: Path | None = None, paths: list[Path] | None = None) -> pd.DataFrame:
    """The parsed table of ``dataset_id`` (from the store, parsing once if needed), with provenance in ``.attrs``."""
    ds = catalog.get(dataset_id)
    paths = paths or ds.paths()
    hashes = check_files(ds, paths)
    key = store_key(ds, hashes)
    folder = (root or store_root()) / ds.id
    pq, js = folder / f"{key}.parquet", folder / f"{key}.json"
    if pq.exists() and js.exists():
        df = pd.read_parquet(pq)
        prov = json.loads(js.read_text())
    else:
        try:
            df = ds.parse(paths)
        except BadInput:
            raise
        except UnicodeDecodeError:
            raise DataError("data file is not in its expected text encoding", where=ds.id,
                            fix="restore the original file from the publisher") from None
        except (ValueError, KeyError, IndexError) as exc:
            raise DataError(f"data file could not be parsed ({exc})", where=ds.id,
                            fix="restore the original file from the publisher") from None
        prov = record(ds, paths, hashes, key, len(df), [str(c) for c in df.columns])
        try:
            write_result(folder, key, df, prov)
        except OSError:
            pass  # a read-only store still answers from the parse; nothing half-written is left
    df.attrs = {"provenance": prov, "source": f"{ds.publisher}: {ds.title} ({ds.source})"}
    return df


def query(sql: str, *, root: Path | None = None) -> pd.DataFrame:
    """Run SQL over every dataset in DuckDB (in memory). Views are named like ``tic_holdings``."""
    import duckdb

    con = duckdb.connect()
    try:
        for ds_id in catalog.datasets():
            load(ds_id, root=root)  # make sure it is stored
            folder = (root or store_root()) / ds_id
            files = sorted(folder.glob("*.parquet"))
            if files:
                latest = max(files, key=lambda p: p.stat().st_mtime)
                view = ds_id.replace(".", "_").replace("-", "_")
                con.execute(f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{latest.as_posix()}')")
        return con.execute(sql).df()
    finally:
        con.close()
