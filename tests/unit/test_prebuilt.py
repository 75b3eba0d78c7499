"""model/prebuilt.py: the kernels built ahead of time give the JIT's numbers, load without numba, and
are used only for the argument types they were built for and the sources they were built from."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from treasurylab.model import prebuilt

BUILD = textwrap.dedent('''
    import sys, numpy as np
    from treasurylab.model import compiled, coupled
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    def exercise():
        setup = prepare(load_scenario("davos-2026"))
        coupled.simulate(setup, 8, np.random.default_rng(0))

    print(compiled.build_prebuilt(exercise))
''')

BLOCK = textwrap.dedent('''
    import json, sys, numpy as np
    from treasurylab.model import compiled, coupled
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario
    before = compiled.kernel_runtime()
    setup = prepare(load_scenario("davos-2026"))
    out = coupled.simulate(setup, 300, np.random.default_rng(7))
    np.savez(sys.argv[1], **{k: np.asarray(v) for k, v in out.items()
                             if isinstance(v, np.ndarray) and v.dtype != object})
    print(json.dumps({"numba": "numba" in sys.modules, "jit_started": compiled._KERNELS.cache is not None,
                      "prebuilt": sorted(compiled._KERNELS.native or {}),
                      "runtime": [before, compiled.kernel_runtime()]}))
''')


def _python(code: str, *args: str, env: dict) -> str:
    out = subprocess.run([sys.executable, "-c", code, *args], env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("prebuilt")
    where = _python(BUILD, env={"TREASURYLAB_PREBUILT_DIR": str(base)})
    return base, where


def test_a_prebuilt_block_gives_the_jits_numbers_without_starting_numba(built, tmp_path):
    base, where = built
    manifest = json.loads((Path(where) / "manifest.json").read_text())
    assert manifest["fingerprint"] == prebuilt.fingerprint()
    assert "treasurylab.model.holders._step_kernel" in manifest["kernels"]

    with_prebuilt = json.loads(_python(BLOCK, str(tmp_path / "a.npz"), env={"TREASURYLAB_PREBUILT_DIR": str(base)}))
    assert with_prebuilt == {"numba": False, "jit_started": False, "prebuilt": sorted(manifest["kernels"]),
                             "runtime": ["not called yet", "prebuilt"]}
    jit = json.loads(_python(BLOCK, str(tmp_path / "b.npz"), env={"TREASURYLAB_PREBUILT_DIR": "off"}))
    assert jit["numba"] and jit["jit_started"] and jit["prebuilt"] == []
    assert jit["runtime"] == ["not called yet", "numba JIT"]      # what a run's meta.json says ("kernels")

    a, b = np.load(tmp_path / "a.npz"), np.load(tmp_path / "b.npz")
    assert sorted(a) == sorted(b) and len(a) > 10
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def test_a_build_from_other_sources_is_not_used(built, tmp_path, monkeypatch):
    base, where = built
    from treasurylab.model.compiled import kernel_runtime_expected

    monkeypatch.setenv("TREASURYLAB_PREBUILT_DIR", str(base))
    assert prebuilt.load()                        # the build matches today's model sources
    # what a worker process starting now finds, its manifest read and nothing loaded
    assert prebuilt.current() and kernel_runtime_expected() == "prebuilt"
    monkeypatch.setattr(prebuilt, "fingerprint", lambda: "0" * 64)      # as if a kernel were edited
    assert prebuilt.load() == {}                  # no build of those sources
    assert not prebuilt.current() and kernel_runtime_expected() == "numba JIT"
    # a build found where those sources' build would be, its manifest naming other sources: refused
    shutil.copytree(where, prebuilt.build_folder())
    assert prebuilt.load() == {} and not prebuilt.current()
    monkeypatch.setenv("TREASURYLAB_PREBUILT_DIR", "off")
    assert prebuilt.folder() is None and prebuilt.load() == {} and not prebuilt.current()
    monkeypatch.setenv("TREASURYLAB_PREBUILT_DIR", str(tmp_path / "never-built"))
    assert prebuilt.load() == {} and not prebuilt.current()


def test_disable_jit_leaves_prebuilt_kernels_unused(monkeypatch, tmp_path):
    monkeypatch.setenv("TREASURYLAB_PREBUILT_DIR", str(tmp_path))
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
    assert prebuilt.disabled() and prebuilt.folder() is None


ARGS = [
    np.zeros((3, 4)), np.zeros((3, 4), order="F"), np.zeros((3, 4))[:, ::2], np.zeros(5, dtype=np.int64),
    np.zeros(5, dtype=bool), np.zeros((2, 2), dtype=np.float32), np.zeros((1, 5)), np.zeros(0),
    1.5, 3, True, np.float64(2.0), np.int64(4), np.float32(1.0), np.bool_(False),
]


@pytest.mark.parametrize("arg", ARGS + ["read-only"], ids=lambda a: type(a).__name__)
def test_argument_keys_are_numbas_own_types(arg):
    """A call reaches a prebuilt signature only when numba would have typed its arguments alike."""
    numba = pytest.importorskip("numba")
    if isinstance(arg, str):
        arg = np.zeros((4, 3))
        arg.flags.writeable = False
    assert prebuilt.key_of_args([arg]) == prebuilt._key_of_signature((numba.typeof(arg),))


def test_arguments_no_signature_can_have_are_refused():
    assert prebuilt.key_of_args([None]) is None
    assert prebuilt.key_of_args([(1.0, 2.0)]) is None
    assert prebuilt.key_of_args([2 ** 70]) is None
    assert prebuilt.key_of_args([np.zeros(3, dtype=">f8")]) is None
    assert prebuilt.key_of_args([1.0, np.zeros(2)]) == ("float64", ("d", 1, 1, 0x400))
    ro = np.zeros((2, 3), order="F")
    ro.flags.writeable = False
    assert prebuilt.key_of_args([ro, True, np.int64(3)]) == (("d", 2, 2, 0), "bool", "int64")


def test_a_failed_build_leaves_the_jit_in_charge_and_says_why(monkeypatch, tmp_path, capsys):
    from treasurylab.model import compiled
    from treasurylab.scenario import prebuild

    monkeypatch.setenv("TREASURYLAB_PREBUILT_DIR", str(tmp_path))

    def no_pycc(exercise, where=None):
        raise ImportError("No module named 'numba.pycc'")

    monkeypatch.setattr(compiled, "build_prebuilt", no_pycc)
    assert prebuild.main([]) == 0
    err = capsys.readouterr().err
    assert "not built (ImportError: No module named 'numba.pycc')" in err and "numba compiles them" in err
    assert not any(tmp_path.iterdir())


def test_builds_of_other_sources_stay_beside_each_other_up_to_keep(tmp_path, monkeypatch):
    """Two checkouts of different model sources each keep their own build; the oldest go beyond KEEP."""
    monkeypatch.setenv("TREASURYLAB_PREBUILT_DIR", str(tmp_path))
    machine = prebuilt.folder()
    assert prebuilt.build_folder() == machine / prebuilt.fingerprint()[:16]
    assert prebuilt.build_folder("ab" * 32) == machine / ("ab" * 8)
    machine.mkdir(parents=True)
    for i in range(prebuilt.KEEP + 2):
        d = machine / f"build{i}"
        d.mkdir()
        os.utime(d, (1_000_000 + i, 1_000_000 + i))
    (machine / ".build-in-progress").mkdir()
    prebuilt._prune(machine)
    left = sorted(p.name for p in machine.iterdir())
    assert left == [".build-in-progress"] + [f"build{i}" for i in range(2, prebuilt.KEEP + 2)]


def test_a_run_that_compiled_its_kernels_says_how_to_build_them():
    """`treasurylab run` adds one note on stderr when its kernels came from numba's JIT and the user has
    not chosen a build folder (TREASURYLAB_PREBUILT_DIR): the command that builds them once."""
    from treasurylab.cli.run_cmd import kernels_hint

    hint = kernels_hint({"kernels": "numba JIT"}, {})
    assert hint is not None and "python -m treasurylab.scenario.prebuild" in hint
    assert kernels_hint({"kernels": "prebuilt"}, {}) is None
    assert kernels_hint({"kernels": "numba JIT"}, {"TREASURYLAB_PREBUILT_DIR": "off"}) is None
    assert kernels_hint({}, {}) is None                      # a result from before the field
    # a run on worker processes says what they do (runner.kernels_used)
    assert kernels_hint({"kernels": "numba JIT (worker processes)"}, {}) == hint
    assert kernels_hint({"kernels": "prebuilt (worker processes)"}, {}) is None


def test_a_run_on_worker_processes_reports_their_kernels_not_the_parents(monkeypatch):
    """The parent of a process-pool run calls no kernel, so its own runtime said "not called yet" in
    every 10,000-path run's meta, and the prebuild note never came for the runs that need it most.
    The workers report nothing back: the run says what a process of this machine does (the same check
    of the build they make), or the parent's own runtime where it ran the kernels already."""
    from types import SimpleNamespace

    from treasurylab.model import compiled
    from treasurylab.scenario.runner import kernels_used

    serial, pool, dask = (SimpleNamespace(name=n) for n in ("serial", "processes", "dask"))
    monkeypatch.setattr(compiled, "kernel_runtime", lambda: "not called yet")
    monkeypatch.setattr(compiled, "kernel_runtime_expected", lambda: "numba JIT")
    assert kernels_used(serial) == "not called yet"
    assert kernels_used(pool) == "numba JIT (worker processes)"
    assert kernels_used(dask) == "not reported by the Dask workers"
    monkeypatch.setattr(compiled, "kernel_runtime_expected", lambda: "prebuilt")
    assert kernels_used(pool) == "prebuilt (worker processes)"
    monkeypatch.setattr(compiled, "kernel_runtime", lambda: "numba JIT")     # forked after it ran them
    assert kernels_used(pool) == "numba JIT (worker processes)" and kernels_used(serial) == "numba JIT"
    monkeypatch.undo()
    monkeypatch.setenv("NUMBA_DISABLE_JIT", "1")
    assert compiled.kernel_runtime_expected() == "plain Python (NUMBA_DISABLE_JIT)"
