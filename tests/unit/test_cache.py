"""The disk cache of prepared inputs (treasurylab.cache): hits give the same arrays, any changed
input misses, a damaged entry is rebuilt, and a run gives the same numbers with and without it."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab import cache

#: the modules whose internals this file tests: setup's anchored state, the disk cache's main user
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.scenario.setup",)


@pytest.fixture
def cdir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", str(d))
    return d


def _counting(value):
    calls = []

    def build():
        calls.append(1)
        return value

    return build, calls


def test_hit_returns_identical_arrays(cdir):
    a = {"x": np.random.default_rng(3).normal(size=(7, 5)), "n": 3}
    build, calls = _counting(a)
    first = cache.cached("t", {"p": 1.5}, build)
    second = cache.cached("t", {"p": 1.5}, build)
    assert len(calls) == 1
    assert np.array_equal(second["x"], a["x"]) and second["x"].dtype == a["x"].dtype
    assert first is a and second is not a          # the hit is read back from disk


def test_changed_parameter_misses(cdir):
    build, calls = _counting([1.0])
    cache.cached("t", {"p": 1.5}, build)
    cache.cached("t", {"p": 1.5000001}, build)
    cache.cached("u", {"p": 1.5}, build)          # another kind
    assert len(calls) == 3


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupted_entry_is_rebuilt(cdir, damage):
    build, calls = _counting(np.arange(1000.0))
    cache.cached("t", {"p": 2}, build)
    (f,) = list(cdir.glob("t-*.pkl"))
    blob = f.read_bytes()
    f.write_bytes({"truncate": blob[: len(blob) // 2],
                   "flip": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
                   "garbage": b"not a cache entry",
                   "empty": b""}[damage])
    out = cache.cached("t", {"p": 2}, build)
    assert len(calls) == 2 and np.array_equal(out, np.arange(1000.0))
    assert cache.read("t", cache.key_of("t", {"p": 2}))[0]      # rewritten sound


def test_off_and_unwritable_folder_still_build(tmp_path, monkeypatch):
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", "off")
    build, calls = _counting(5)
    assert cache.cached("t", {}, build) == 5 and cache.cached("t", {}, build) == 5 and len(calls) == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", str(blocker / "sub"))   # cannot be created
    assert cache.cached("t", {}, build) == 5


def test_folder_respects_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("TREASURYLAB_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "treasurylab" / "prepared"


def test_data_change_changes_the_fingerprint(monkeypatch, tmp_path):
    from treasurylab.data import store

    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))
    before = store.fingerprint()
    upd = store.updates_dir("fred.dgs10")
    upd.mkdir(parents=True)
    (upd / "update.json").write_text("{}")
    assert store.fingerprint() != before


def _cold_warm_off(name: str, monkeypatch, *kinds: str):
    """The Setup of shipped scenario ``name`` prepared from a cold cache (which then holds an entry of
    each of ``kinds``), from the warm one, and with the cache off: each from a fresh process state."""
    from treasurylab.cache import cache_dir
    from treasurylab.scenario import fiscal_inputs as FI
    from treasurylab.scenario import setup as S
    from treasurylab.scenario.spec import load_scenario

    sc = load_scenario(name)

    def fresh():
        S.clear_memo()
        FI.clear_memo()
        return S.prepare(sc)

    cold = fresh()
    for kind in kinds:
        assert any(cache_dir().glob(f"{kind}-*.pkl")), kind
    warm = fresh()
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", "off")
    off = fresh()
    return cold, warm, off


def test_prepare_same_with_and_without_cache(cdir, monkeypatch):
    """A scenario's Setup from a cold cache, a warm one and no cache holds the same arrays."""
    cold, warm, off = _cold_warm_off("baseline", monkeypatch, "anchored", "ladder")
    for name in ("yields", "bill", "pdef", "revenue", "other_means", "ngdp", "base_debt_gdp", "base_net_interest"):
        for other in (warm, off):
            assert np.array_equal(getattr(cold, name), getattr(other, name)), name
    for f in ("nominal_due", "nominal_coupon", "bill_due", "tips_due", "frn_due"):
        assert np.array_equal(getattr(cold.ladder, f), getattr(warm.ladder, f))


def test_anchored_misses_when_a_parameter_changes(cdir):
    from treasurylab.scenario import setup as S

    fp, jp, mp = S.block_params("fiscal"), S.block_params("jumpoff"), S.block_params("macro")
    S._anchored("2026-02", "2026-03", fp, jp, mp)
    n = len(list(cdir.glob("anchored-*.pkl")))
    name = next(k for k, v in fp.items() if isinstance(v, float) and v > 0)
    S._anchored("2026-02", "2026-03", fp.with_overrides({name: fp[name] * 1.01}), jp, mp)
    assert len(list(cdir.glob("anchored-*.pkl"))) == n + 1


def test_minerals_block_from_the_cache_is_the_same(cdir, monkeypatch):
    """davos-2026's minerals inputs (curated tables) and its monthly LP run come from the disk cache
    in a later process; cold, warm and uncached give the same output lost and the same inputs."""
    from treasurylab.scenario import setup as S
    from treasurylab.scenario.spec import load_scenario

    cold, warm, off = _cold_warm_off("davos-2026", monkeypatch, "minerals_inputs", "minerals_run")
    sc = load_scenario("davos-2026")
    for other in (warm, off):
        assert np.array_equal(cold.gap_shock, other.gap_shock)
        assert np.array_equal(np.asarray(cold.minerals.us_output_gap_pp), np.asarray(other.minerals.us_output_gap_pp))
    assert np.any(cold.gap_shock != 0.0)          # the scenario's export controls cost US output
    # another minerals override is another key: built, not read
    n = len(list(cdir.glob("minerals_run-*.pkl")))
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", str(cdir))
    S.clear_memo()
    S.prepare(sc.with_(overrides={**sc.overrides, "minerals": {"heavy_min_share": 0.4}}))
    assert len(list(cdir.glob("minerals_run-*.pkl"))) == n + 1


def test_source_is_hashed_once_per_process(monkeypatch):
    """Every key includes the package's source hash; the ~150 modules are read once per process,
    not once per key (a run makes ~15 keys: ~0.15 s of a 10,000-path run's process)."""
    from pathlib import Path

    cache.key_of("t", {"p": 1})
    reads = []
    orig = Path.read_bytes

    def counting(self):
        reads.append(self)
        return orig(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    keys = {cache.key_of("t", {"p": i}) for i in range(3)}
    assert len(keys) == 3
    assert not [p for p in reads if p.suffix == ".py"]
