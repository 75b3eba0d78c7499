"""The store is verified, not trusted: every stored Parquet file's sha256 is in its provenance
record and checked on read (an edited value is never served; the table is rebuilt from the
snapshot); curated tables are in the manifest; a missing manifest is an error, not a skip."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.data import catalog, store
from treasurylab.data.provenance import sha256_file
from treasurylab.errors import DataError

ID = "fed.treasuries"


def _edit_stored_value(root, ds_id: str) -> tuple[float, float]:
    df = store.load(ds_id, root=root)
    key = df.attrs["provenance"]["store_key"]
    pq = root / ds_id / f"{key}.parquet"
    edited = df.copy()
    edited.attrs = {}
    before = float(edited.loc[len(edited) - 1, "value"])
    edited.loc[len(edited) - 1, "value"] = before * 10      # a valid Parquet file with one value changed
    edited.to_parquet(pq, index=False)
    return before, before * 10


def test_the_record_holds_the_sha256_of_the_stored_file(tmp_path):
    root = tmp_path / "store"
    prov = store.load(ID, root=root).attrs["provenance"]
    pq = root / ID / f"{prov['store_key']}.parquet"
    assert prov["stored"] == {"file": pq.name, "sha256": sha256_file(pq)}
    assert json.loads(pq.with_suffix(".json").read_text())["stored"]["sha256"] == sha256_file(pq)


def test_an_edited_stored_value_is_never_served_and_the_file_is_rebuilt(tmp_path):
    root = tmp_path / "store"
    before, edited = _edit_stored_value(root, ID)
    df = store.load(ID, root=root)
    assert float(df["value"].iloc[-1]) == before != edited
    prov = df.attrs["provenance"]
    assert sha256_file(root / ID / f"{prov['store_key']}.parquet") == prov["stored"]["sha256"]
    # the query path (DuckDB over the Parquet file) sees the rebuilt file too
    _edit_stored_value(root, ID)
    q = store.query("SELECT max(value) AS m FROM fed_treasuries", root=root)
    assert float(q["m"].iloc[0]) == pytest.approx(float(df["value"].max()))


def test_data_show_does_not_serve_an_edited_store(tmp_path, monkeypatch):
    root = tmp_path / "store"
    monkeypatch.setenv("TREASURYLAB_STORE", str(root))
    before, edited = _edit_stored_value(root, ID)
    res = CliRunner().invoke(app, ["data", "show", ID, "--limit", "1", "--json"])
    assert res.exit_code == 0, res.stderr
    assert str(edited) not in res.stdout and json.loads(res.stdout)["rows"] >= 1


def test_a_record_without_a_stored_hash_is_rebuilt(tmp_path):
    root = tmp_path / "store"
    df = store.load(ID, root=root)
    js = root / ID / f"{df.attrs['provenance']['store_key']}.json"
    rec = json.loads(js.read_text())
    del rec["stored"]
    js.write_text(json.dumps(rec))
    again = store.load(ID, root=root)
    assert "stored" in again.attrs["provenance"]
    pd.testing.assert_frame_equal(again, df)


def test_curated_tables_are_in_the_manifest_and_an_edited_one_is_refused(tmp_path, monkeypatch):
    man = json.loads(store.MANIFEST.read_text())
    curated = [ds for ds in catalog.datasets().values() if ds.id.startswith("curated.")]
    assert curated and all(ds.files[0] in man for ds in curated)
    snap = tmp_path / "data" / "snapshot"
    snap.mkdir(parents=True)
    (tmp_path / "data" / "curated").mkdir()
    rel = curated[0].files[0]
    src = catalog.SNAPSHOT_DIR / rel
    (snap / rel).write_text(src.read_text().replace("value: ", "value: 1", 1))
    monkeypatch.setattr(catalog, "SNAPSHOT_DIR", snap)
    with pytest.raises(DataError, match="does not match the bundled snapshot"):
        store.load(curated[0].id, root=tmp_path / "store")


def test_a_missing_manifest_is_an_error_not_a_skip(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "MANIFEST", tmp_path / "MANIFEST.json")
    store._manifest.cache_clear()
    try:
        with pytest.raises(DataError, match="manifest is missing"):
            store.load(ID, root=tmp_path / "store")
        (tmp_path / "MANIFEST.json").write_text("[]")
        store._manifest.cache_clear()
        with pytest.raises(DataError, match="not a JSON mapping"):
            store.load(ID, root=tmp_path / "store")
    finally:
        store._manifest.cache_clear()
