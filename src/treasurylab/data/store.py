"""The write-once Parquet store: each dataset parsed once, kept with its provenance record.

Layout: ``<root>/<dataset id>/<key>.parquet`` and ``<key>.json``, where ``key`` hashes the dataset
id, its parser version and the sha256 of every input file, so a new snapshot or parser never
overwrites an old result; it gets a new key. Writes are atomic: each file is written to a temporary
name in the same folder and renamed with ``os.replace``; the JSON record is written *last* and a
result counts as present only when both files exist, so a write killed midway leaves nothing that
is ever read (temporaries left by a dead writer are swept on a later write).

The root is ``$TREASURYLAB_STORE`` or ``~/.cache/treasurylab/store``. DuckDB (in memory) queries the
Parquet files through :func:`query`; no database file is ever locked.

Bundled files, the snapshot's and the curated tables (``../curated/NAME.yaml`` in the manifest), are
checked against ``snapshot/MANIFEST.json`` (sha256) before parsing: a truncated, re-encoded or edited
copy is refused with one clear message instead of being parsed into wrong numbers. A missing
manifest is an error (a package without it cannot vouch for any number).

The store is not trusted blindly either: the provenance record of each stored table holds the
sha256 of its Parquet file (``stored``), checked on every read; a stored file that does not match
(edited, truncated, swapped) is ignored and rebuilt from the source files, so ``data show`` and
``claims`` never serve an edited value.

:func:`load_file` reads a file a user downloaded (TIC ``mfhhis01.txt`` or ``slt_table5.txt``, a Treasury
par-curve CSV, a FRED CSV, a SOMA holdings CSV, a COFER SDMX file, a WGC dashboard JSON), recognising
the format by its content, not its name.
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


#: the curated tables' folder, beside the snapshot; manifest names ``../curated/NAME.yaml``
CURATED = "curated"


@lru_cache(maxsize=1)
def _manifest() -> dict[str, str]:
    if not MANIFEST.exists():
        raise DataError("the bundled snapshot's manifest is missing", where="data/snapshot/MANIFEST.json",
                        fix="reinstall treasurylab (no bundled number can be vouched for without it)")
    try:
        man = json.loads(MANIFEST.read_text())
    except ValueError:
        man = None
    if not isinstance(man, dict):
        raise DataError("the bundled snapshot's manifest is not a JSON mapping of file -> sha256",
                        where="data/snapshot/MANIFEST.json", fix="reinstall treasurylab")
    return man


def build_manifest() -> dict[str, str]:
    """Recompute MANIFEST.json from the files in the snapshot folder and the curated tables (run
    after adding or changing a file)."""
    out = {}
    for p in sorted(SNAPSHOT_DIR.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.json" and "__pycache__" not in p.parts:
            out[p.relative_to(SNAPSHOT_DIR).as_posix()] = sha256_file(p)
    for p in sorted((SNAPSHOT_DIR.parent / CURATED).glob("*.yaml")):
        out[f"../{CURATED}/{p.name}"] = sha256_file(p)
    MANIFEST.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    _manifest.cache_clear()
    return out


def fingerprint(dataset_id: str | None = None) -> str:
    """A hash of what every dataset can be read from: the snapshot's manifest, and the name, size and
    modification time of each bundled file and of each copy fetched by ``data update``. It changes
    whenever a data file does, so caches of what is computed from the data (``treasurylab.cache``)
    are keyed on it; a stat per file, no file is read.

    With ``dataset_id``: the same for that one dataset, over the files :func:`load` reads for it (the copy
    ``data update`` fetched into this store, else the bundled files) and the manifest's size and time. A
    stat of a few files (~0.1 ms) instead of every one (~5 ms): what a memo of something computed from
    one dataset is keyed on when it is looked up many times per page (data/freshness.py)."""
    import hashlib

    if dataset_id is not None:
        ds = catalog.get(dataset_id)
        upd = updated_paths(ds)
        h = hashlib.sha256(f"{ds.id}|{ds.parser_name}\n".encode())
        for p in [MANIFEST, *(upd[0] if upd is not None else ds.paths())]:
            try:
                st = p.stat()
                h.update(f"{p}|{st.st_size}|{st.st_mtime_ns}\n".encode())
            except OSError:
                h.update(f"{p}|missing\n".encode())
        return h.hexdigest()
    h = hashlib.sha256(MANIFEST.read_bytes() if MANIFEST.exists() else b"")
    roots = [SNAPSHOT_DIR, SNAPSHOT_DIR.parent / CURATED, store_root() / "_updates"]
    for root in roots:
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                st = p.stat()
                h.update(f"{p.relative_to(root).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _bundled_rel(p: Path) -> str | None:
    """The manifest name of ``p`` when it is a bundled file (in the snapshot, or a curated table
    beside it), else None (a user's file)."""
    snap = Path(catalog.SNAPSHOT_DIR).resolve()
    p = Path(p).resolve()
    try:
        return p.relative_to(snap).as_posix()
    except ValueError:
        pass
    try:
        return f"../{CURATED}/" + p.relative_to(snap.parent / CURATED).as_posix()
    except ValueError:
        return None


def check_files(ds: Dataset, paths: list[Path]) -> list[str]:
    """sha256 of each input; bundled files must match the manifest (user files are only hashed)."""
    hashes = []
    man = _manifest()
    for p in paths:
        p = Path(p)
        rel = _bundled_rel(p)
        if not p.exists():
            raise DataError(
                "data file is missing",
                where=ds.id,
                got=rel or p.name,
                fix=(
                    "reinstall treasurylab (the bundled snapshot is incomplete)"
                    if rel
                    else "check the file name and path"
                ),
            )
        h = sha256_file(p)
        want = man.get(rel) if rel is not None else None
        if rel is not None and want is None:
            raise DataError(
                f"bundled data file {rel} is not in the snapshot's manifest",
                where=ds.id,
                fix="reinstall treasurylab (a maintainer adding a file runs 'make manifest')",
            )
        if want is not None and want != h:
            raise DataError(
                f"data file {rel} does not match the bundled snapshot (sha256 differs: truncated, "
                "re-encoded or edited)",
                where=ds.id,
                fix="restore the original file (reinstall treasurylab) or run 'treasurylab data update'",
            )
        hashes.append(h)
    return hashes


def atomic_write(path: Path, write) -> None:
    """``write(tmp)`` into a temporary file beside ``path``, then rename it over ``path``: a reader sees the
    old file or the whole new one, never half (the store's files and ``data update``'s record)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


STALE_TMP_SECONDS = (
    600  # a temporary older than this belongs to a dead writer (a live one is faster)
)


def write_result(folder: Path, key: str, df: pd.DataFrame, prov: dict[str, Any]) -> None:
    """Write ``key.parquet`` then ``key.json`` atomically (the JSON marks the result complete).

    Leftover temporaries of writers that died are swept first; young ones are left alone because a
    concurrent process (e.g. a parallel test worker) may still be writing them.
    """
    import time

    now = time.time()
    for stale in folder.glob(".*.tmp") if folder.exists() else []:
        try:
            if now - stale.stat().st_mtime > STALE_TMP_SECONDS:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
    def parquet(tmp: str) -> None:
        df.to_parquet(tmp, index=False)
        # the record vouches for the stored bytes: checked on every read (stored_ok)
        prov["stored"] = {"file": f"{key}.parquet", "sha256": sha256_file(Path(tmp))}

    atomic_write(folder / f"{key}.parquet", parquet)
    atomic_write(
        folder / f"{key}.json",
        lambda tmp: Path(tmp).write_text(json.dumps(prov, indent=1, sort_keys=True) + "\n"),
    )


def complete_results(folder: Path) -> list[str]:
    """Keys in ``folder`` that count as stored: both ``key.parquet`` and ``key.json`` present."""
    if not folder.exists():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if (folder / f"{p.stem}.parquet").exists())


def stored_ok(pq: Path, prov: Any) -> bool:
    """Whether the stored Parquet file ``pq`` is byte for byte the one its record vouches for."""
    want = prov.get("stored", {}).get("sha256") if isinstance(prov, dict) else None
    return isinstance(want, str) and sha256_file(pq) == want


def updates_dir(dataset_id: str, *, root: Path | None = None) -> Path:
    """Where ``data update`` keeps a refreshed copy of a dataset's files (never the bundled snapshot)."""
    return (root or store_root()) / "_updates" / dataset_id


def updated_paths(
    ds: Dataset, *, root: Path | None = None
) -> tuple[list[Path], dict[str, Any]] | None:
    """The refreshed files of ``ds`` and their record, if ``data update`` fetched them."""
    d = updates_dir(ds.id, root=root)
    rec = d / "update.json"
    if not rec.exists():
        return None
    info = json.loads(rec.read_text())
    # a weekly history (H.4.1) lists its release files in the record; otherwise the dataset's own names
    paths = [d / Path(f).name for f in info.get("files") or ds.files]
    if not all(p.exists() for p in paths):
        return None
    return paths, info


def _parse(ds: Dataset, paths: list[Path]) -> pd.DataFrame:
    try:
        return ds.parse(paths)
    except BadInput:
        raise
    except UnicodeDecodeError:
        raise DataError(
            "data file is not in its expected text encoding (UTF-8)",
            where=ds.id,
            fix="restore the original file from the publisher",
        ) from None
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise DataError(
            f"data file could not be parsed ({type(exc).__name__}: {exc})",
            where=ds.id,
            fix="restore the original file from the publisher",
        ) from None


def load(
    dataset_id: str, *, root: Path | None = None, paths: list[Path] | None = None
) -> pd.DataFrame:
    """The parsed table of ``dataset_id`` (from the store, parsing once if needed), with provenance in ``.attrs``.

    ``paths`` replaces the dataset's files (a user's download in the same format); otherwise a copy
    fetched by ``data update`` is used when present, else the bundled snapshot.
    """
    ds = catalog.get(dataset_id)
    update_info = None
    if paths is None:
        upd = updated_paths(ds, root=root)
        if upd is not None:
            paths, update_info = upd
    paths = [Path(p) for p in (paths or ds.paths())]
    hashes = check_files(ds, paths)
    key = store_key(ds, hashes)
    folder = (root or store_root()) / ds.id
    pq, js = folder / f"{key}.parquet", folder / f"{key}.json"
    df = prov = None
    if pq.exists() and js.exists():
        try:
            prov = json.loads(js.read_text())
            if stored_ok(pq, prov):
                import pandas as pd

                df = pd.read_parquet(pq)
        except (OSError, ValueError):
            pass
        if df is None:  # an unreadable or edited stored copy is ignored and rebuilt from the sources
            prov = None
    if df is None:
        df = _parse(ds, paths)
        prov = record(ds, paths, hashes, key, len(df), [str(c) for c in df.columns])
        if update_info is not None:
            prov["updated_from"] = update_info
        try:
            write_result(folder, key, df, prov)
        except OSError:
            pass  # a read-only store still answers from the parse; nothing half-written is left
    df.attrs = {"provenance": prov, "source": f"{ds.publisher}: {ds.title} ({ds.source})"}
    return df


FILE_FORMATS = {
    "tic.mfhhis01": "TIC major foreign holders history (mfhhis01.txt)",
    "tic.slt_table5": "TIC rolling table 5 (slt_table5.txt)",
    "treasury.par_curve": "Treasury daily par yield curve CSV",
    "nyfed.soma": "New York Fed SOMA holdings CSV",
    "fred.csv": "FRED-style CSV (date or observation_date, one column per series)",
    "imf.cofer": "IMF COFER SDMX-ML",
    "wgc.cbd": "World Gold Council Central Banks Dashboard JSON",
}


def sniff_format(path: Path) -> str:
    """Which known format ``path`` is in, from its first bytes (BadInput if none)."""
    from treasurylab.data.parsers import tic_slt_table5, treasury_par_csv

    path = Path(path)
    if not path.is_file():
        raise BadInput(
            "no such file",
            field="FILE",
            got=str(path),
            fix="give the path of a downloaded data file",
        )
    head_bytes = path.open("rb").read(65536)
    try:
        head = head_bytes.decode("utf-8")
    except UnicodeDecodeError:
        try:  # a cut in the middle of a multi-byte character at the 64 KiB boundary is not an error
            head = head_bytes[:-3].decode("utf-8")
        except UnicodeDecodeError:
            raise DataError(
                "file is not UTF-8 text (re-encoded or binary)",
                field="FILE",
                got=path.name,
                fix="give the file exactly as downloaded from the publisher",
            ) from None
    s = head.lstrip("\ufeff")
    first = s.split("\n", 1)[0]
    if "MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES" in s[:2000].upper() and "\nCountry\t" in s:
        if tic_slt_table5.sniff(s):
            return "tic.slt_table5"
        return "tic.mfhhis01"
    if tic_slt_table5.sniff(s):
        return "tic.slt_table5"
    if treasury_par_csv.sniff(s):
        return "treasury.par_curve"
    if first.startswith(('"As Of Date","CUSIP"', "As Of Date,CUSIP")):
        return "nyfed.soma"
    if first.split(",")[0].strip().lower() in ("date", "observation_date"):
        return "fred.csv"
    if s.startswith("<?xml") and "COFER" in s[:5000]:
        return "imf.cofer"
    if s.startswith("{") and '"chartData"' in s[:5000]:
        return "wgc.cbd"
    raise BadInput(
        "unknown file format",
        field="FILE",
        got=path.name,
        fix="supported: " + "; ".join(FILE_FORMATS.values()),
    )


def load_file(path: Path) -> pd.DataFrame:
    """Parse a user's file in one of the known formats; provenance (format, sha256, parser) in ``.attrs``."""
    from treasurylab.data.parsers import (
        fred_csv,
        imf_cofer_sdmx,
        soma_csv,
        tic_mfh_txt,
        tic_slt_table5,
        treasury_par_csv,
        wgc_cbd_json,
    )

    path = Path(path)
    fmt = sniff_format(path)
    mod = {
        "tic.mfhhis01": tic_mfh_txt,
        "tic.slt_table5": tic_slt_table5,
        "treasury.par_curve": treasury_par_csv,
        "nyfed.soma": soma_csv,
        "fred.csv": fred_csv,
        "imf.cofer": imf_cofer_sdmx,
        "wgc.cbd": wgc_cbd_json,
    }[fmt]
    try:
        df = mod.parse([path])
    except BadInput:
        raise
    except UnicodeDecodeError:
        raise DataError(
            "file is not UTF-8 text (re-encoded?)",
            field="FILE",
            got=path.name,
            fix="give the file exactly as downloaded from the publisher",
        ) from None
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise DataError(
            f"file could not be parsed as {FILE_FORMATS[fmt]} ({type(exc).__name__}: {exc})",
            field="FILE",
            got=path.name,
            fix="give the file exactly as downloaded",
        ) from None
    df.attrs = {
        "provenance": {
            "file": path.name,
            "sha256": sha256_file(path),
            "bytes": path.stat().st_size,
            "format": fmt,
            "format_title": FILE_FORMATS[fmt],
            "parser": mod.__name__,
            "parser_version": mod.VERSION,
            "rows": len(df),
            "columns": [str(c) for c in df.columns],
        }
    }
    return df


def query(sql: str, *, root: Path | None = None) -> pd.DataFrame:
    """Run SQL over the datasets it names, in DuckDB (in memory). Views are named like ``tic_holdings``.

    Only the datasets whose view name appears in ``sql`` are loaded (a dataset that cannot be loaded
    does not break queries on the others); each view reads the Parquet file of the dataset's current
    store key, i.e. exactly what :func:`load` returns.
    """
    import re

    import duckdb

    views = {ds_id.replace(".", "_").replace("-", "_"): ds_id for ds_id in catalog.datasets()}
    used = {v: d for v, d in views.items() if re.search(rf"\b{re.escape(v)}\b", sql)}
    if not used:
        raise BadInput(
            "the query names no dataset view",
            field="sql",
            fix="use views named like the ids with '.' and '-' as '_': "
            + ", ".join(sorted(views)[:8])
            + " ...",
        )
    con = duckdb.connect()
    try:
        for view, ds_id in used.items():
            key = load(ds_id, root=root).attrs["provenance"]["store_key"]
            pq = (root or store_root()) / ds_id / f"{key}.parquet"
            if pq.exists():
                con.execute(
                    f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{pq.as_posix()}')"
                )
            else:  # a read-only store: register the parsed frame instead
                con.register(view, load(ds_id, root=root))
        return con.execute(sql).df()
    finally:
        con.close()
