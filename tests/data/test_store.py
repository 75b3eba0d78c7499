"""The write-once store: atomic writes (a killed writer leaves nothing readable), integrity checks
against the manifest, provenance records, and rebuilding from the source files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from treasurylab.data import catalog, store
from treasurylab.data.provenance import store_key
from treasurylab.errors import DataError

ID = "tic.holdings"

# The child process parses tic.holdings and writes it with store.write_result; the write is stopped
# at a chosen point (half of the Parquet bytes on disk, or Parquet done but JSON record not yet
# written), it prints MIDWAY and waits to be killed with SIGKILL.
CHILD = r"""
import io, sys, time
from pathlib import Path
import pandas as pd
from treasurylab.data import catalog, store
from treasurylab.data.provenance import record, store_key
root, stage = Path(sys.argv[1]), sys.argv[2]
ds = catalog.get("tic.holdings")
paths = ds.paths()
hashes = store.check_files(ds, paths)
key = store_key(ds, hashes)
df = pd.concat([ds.parse(paths)] * 20, ignore_index=True)  # a large frame (~250k rows)
prov = record(ds, paths, hashes, key, len(df), list(df.columns))
def stop():
    print("MIDWAY", flush=True)
    time.sleep(120)
if stage == "parquet":
    orig = pd.DataFrame.to_parquet
    def half(self, path, **kw):
        buf = io.BytesIO(); orig(self, buf, **kw); b = buf.getvalue()
        with open(path, "wb") as f:
            f.write(b[: len(b) // 2]); f.flush()
        stop()
    pd.DataFrame.to_parquet = half
else:
    orig_wt = Path.write_text
    def slow(self, *a, **k):
        if self.name.endswith(".tmp"):
            stop()
        return orig_wt(self, *a, **k)
    Path.write_text = slow
store.write_result(root / ds.id, key, df, prov)
"""


def _kill_midway(root: Path, stage: str) -> None:
    p = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), stage],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = p.stdout.readline()
        assert line.strip() == "MIDWAY", p.stderr.read()
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == -signal.SIGKILL


@pytest.mark.parametrize("stage", ["parquet", "record"])
def test_a_write_killed_midway_is_never_read_and_the_next_load_reparses(tmp_path, stage):
    root = tmp_path / "store"
    _kill_midway(root, stage)
    folder = root / ID
    assert store.complete_results(folder) == []  # nothing counts as stored
    leftovers = sorted(p.name for p in folder.iterdir())
    if stage == "parquet":
        assert leftovers and all(
            n.endswith(".tmp") for n in leftovers
        )  # only the half-written temporary
    else:
        assert any(n.endswith(".parquet") for n in leftovers) and not any(
            n.endswith(".json") for n in leftovers
        )
    df = store.load(ID, root=root)
    expected = catalog.get(ID).parse(catalog.get(ID).paths())
    pd.testing.assert_frame_equal(df.reset_index(drop=True), expected)
    assert len(df) == 12718
    key = df.attrs["provenance"]["store_key"]
    assert store.complete_results(folder) == [key]
    again = store.load(ID, root=root)  # now read from the store, same numbers
    pd.testing.assert_frame_equal(again, df)


def test_stale_temporaries_are_swept_young_ones_kept(tmp_path):
    folder = tmp_path / "x"
    folder.mkdir()
    old, young = folder / ".a.parquet.123.tmp", folder / ".b.parquet.456.tmp"
    old.write_bytes(b"half")
    young.write_bytes(b"half")
    t = time.time() - store.STALE_TMP_SECONDS - 60
    os.utime(old, (t, t))
    store.write_result(folder, "k", pd.DataFrame({"a": [1.0]}), {"id": "x"})
    assert not old.exists() and young.exists()
    assert store.complete_results(folder) == ["k"]


def _copy_snapshot_file(tmp_path: Path, rel: str) -> Path:
    dst = tmp_path / "snapshot" / rel
    dst.parent.mkdir(parents=True)
    dst.write_bytes((catalog.SNAPSHOT_DIR / rel).read_bytes())
    return dst


@pytest.mark.parametrize("damage", ["truncated", "re-encoded"])
def test_a_damaged_bundled_file_is_refused(tmp_path, monkeypatch, damage):
    dst = _copy_snapshot_file(tmp_path, "tic/mfhhis01.txt")
    raw = dst.read_bytes()
    dst.write_bytes(
        raw[: len(raw) // 3] if damage == "truncated" else raw.decode("utf-8").encode("utf-16")
    )
    monkeypatch.setattr(catalog, "SNAPSHOT_DIR", tmp_path / "snapshot")
    with pytest.raises(DataError) as e:
        store.load(ID, root=tmp_path / "store")
    msg = str(e.value)
    assert (
        "tic/mfhhis01.txt does not match the bundled snapshot" in msg
        and "restore the original" in msg
    )
    assert "\n" not in msg


@pytest.mark.parametrize("damage", ["truncated", "re-encoded"])
def test_a_damaged_user_file_gives_one_clear_error(tmp_path, damage):
    raw = (catalog.SNAPSHOT_DIR / "tic" / "mfhhis01.txt").read_bytes()
    p = tmp_path / "mfhhis01.txt"
    p.write_bytes(
        raw[: len(raw) // 3] if damage == "truncated" else raw.decode("utf-8").encode("utf-16")
    )
    with pytest.raises(DataError) as e:
        store.load(ID, root=tmp_path / "store", paths=[p])
    assert ("truncated" if damage == "truncated" else "encoding") in str(e.value)
    assert store.complete_results(tmp_path / "store" / ID) == []


def test_a_corrupt_stored_copy_is_rebuilt(tmp_path):
    root = tmp_path / "store"
    df = store.load(ID, root=root)
    key = df.attrs["provenance"]["store_key"]
    (root / ID / f"{key}.parquet").write_bytes(b"PAR1 not really")
    again = store.load(ID, root=root)
    pd.testing.assert_frame_equal(again, df)


def test_provenance_record_and_write_once_keys(tmp_path):
    root = tmp_path / "store"
    df = store.load(ID, root=root)
    prov = df.attrs["provenance"]
    for field in [
        "id",
        "title",
        "unit",
        "publisher",
        "source",
        "files",
        "parser",
        "parser_version",
        "retrieved",
        "series_breaks",
        "caveats",
        "attribution",
        "rows",
        "columns",
        "store_key",
    ]:
        assert prov[field] not in (None, "", []), field
    f = prov["files"][0]
    assert f["sha256"] == json.loads(store.MANIFEST.read_text())["tic/mfhhis01.txt"]
    on_disk = json.loads((root / ID / f"{prov['store_key']}.json").read_text())
    assert on_disk == prov
    ds = catalog.get(ID)
    import dataclasses

    newer = dataclasses.replace(ds, parser_version=ds.parser_version + "-next")
    assert (
        store_key(newer, [f["sha256"]]) != prov["store_key"]
    )  # a new parser never overwrites a result


def test_every_bundled_file_is_in_the_manifest_and_matches():
    man = json.loads(store.MANIFEST.read_text())
    files = {
        p.relative_to(catalog.SNAPSHOT_DIR).as_posix()
        for p in catalog.SNAPSHOT_DIR.rglob("*")
        if p.is_file() and p.name != "MANIFEST.json" and "__pycache__" not in p.parts
    }
    curated = {f"../curated/{p.name}" for p in (catalog.SNAPSHOT_DIR.parent / "curated").glob("*.yaml")}
    assert curated and files | curated == set(man)  # curated tables (beside the snapshot) too
    from treasurylab.data.provenance import sha256_file

    for rel, h in man.items():
        assert sha256_file(catalog.SNAPSHOT_DIR / rel) == h, rel
    for ds in catalog.datasets().values():
        for rel in ds.files:
            assert rel in man, (ds.id, rel)


def test_loading_is_deterministic(tmp_path):
    a = store.load("yields.par_curve", root=tmp_path / "a")
    b = store.load("yields.par_curve", root=tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["provenance"] == b.attrs["provenance"]


def test_query_reads_the_current_stored_copy(tmp_path):
    root = tmp_path / "store"
    got = store.query(
        "SELECT max(value) AS peak FROM tic_holdings WHERE country = 'China, Mainland' "
        "AND series = 'current'",
        root=root,
    )
    assert got["peak"].tolist() == [1316.7]
    from treasurylab.errors import BadInput

    with pytest.raises(BadInput, match="names no dataset"):
        store.query("SELECT 1", root=root)


def test_series_refuses_a_month_that_does_not_exist():
    from treasurylab import data
    from treasurylab.errors import BadInput

    with pytest.raises(BadInput, match="not a date"):
        data.series("tic.holdings", country="china", start="2025-13")
    with pytest.raises(BadInput, match="not a date"):
        data.series("tic.holdings", country="china", end="2025-02-30")
    assert len(data.series("tic.holdings", country="china", start="2025-02", end="2025-03")) >= 2
