"""model/compiled.py: kernels compiled once and kept in the user's cache folder; NUMBA_DISABLE_JIT runs the source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from treasurylab.model.compiled import fma, kernel

PROBE = textwrap.dedent('''
    import json, os, sys
    sys.path.insert(0, sys.argv[1])
    from treasurylab.model import compiled
    import probe_kernel
    numba_at_import = "numba" in sys.modules
    x = probe_kernel.total(3)
    print(json.dumps({"x": x, "cache": compiled.cache_on_disk(), "folder": os.environ.get("NUMBA_CACHE_DIR"),
                      "compiled": hasattr(probe_kernel.total, "signatures"),
                      "scipy_linalg": "scipy.linalg" in sys.modules, "numba_at_import": numba_at_import}))
''')

KERNEL = textwrap.dedent('''
    from treasurylab.model.compiled import kernel

    @kernel
    def quarter(i):
        return i * 0.25

    @kernel
    def total(n):          # a kernel calling another kernel of its module
        s = 0.5
        for i in range(n):
            s += quarter(i)
        return s
''')


def _run(tmp_path, env_extra: dict, drop=("NUMBA_CACHE_DIR", "XDG_CACHE_HOME", "NUMBA_DISABLE_JIT")) -> dict:
    mod = tmp_path / "mods"
    mod.mkdir(exist_ok=True)
    (mod / "probe_kernel.py").write_text(KERNEL)
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", PROBE, str(mod)], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_compiled_and_kept_in_the_user_cache_folder(tmp_path):
    got = _run(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert got["x"] == 0.5 + 0.25 * (0 + 1 + 2)
    assert got["compiled"] and got["cache"]
    folder = tmp_path / "cache" / "treasurylab" / "numba"
    assert got["folder"] == str(folder)
    assert any(p.suffix == ".nbi" for p in folder.rglob("*")), "no compiled kernel kept on disk"
    # numba started at the first call, not at the import of a module defining kernels, and without
    # its BLAS probe's import of scipy.linalg (~0.2 s a process)
    assert not got["numba_at_import"]
    assert not got["scipy_linalg"]
    again = _run(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache")})       # loaded from the disk
    assert again["x"] == got["x"] and not again["scipy_linalg"]


def test_a_folder_that_cannot_be_written_compiles_in_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    got = _run(tmp_path, {"XDG_CACHE_HOME": str(blocker)})
    assert got["x"] == 1.25 and got["compiled"] and not got["cache"]


def test_disable_jit_runs_the_same_source_as_python(tmp_path):
    got = _run(tmp_path, {"XDG_CACHE_HOME": str(tmp_path / "cache"), "NUMBA_DISABLE_JIT": "1"})
    assert got["x"] == 1.25 and not got["compiled"]


BLOCK = textwrap.dedent('''
    import sys
    import numpy as np
    from treasurylab.model import coupled
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario
    out = coupled.simulate(prepare(load_scenario(sys.argv[1])), 4, np.random.default_rng(7))
    np.savez(sys.argv[2], **{k: v for k, v in out.items() if isinstance(v, np.ndarray) and v.dtype != object})
''')


def test_a_block_run_as_python_gives_the_compiled_numbers(tmp_path):
    """NUMBA_DISABLE_JIT=1 runs every kernel's source as Python: a small block of a scenario with
    events gives the compiled block's numbers (same arithmetic; the compiled code may differ only in
    the last bits, e.g. where a sum's terms are added in another order)."""
    got = {}
    for mode in ("compiled", "python"):
        env = dict(os.environ)
        env.pop("NUMBA_DISABLE_JIT", None)
        if mode == "python":
            env["NUMBA_DISABLE_JIT"] = "1"
        f = tmp_path / f"{mode}.npz"
        out = subprocess.run([sys.executable, "-c", BLOCK, "davos-2026", str(f)], env=env,
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr
        got[mode] = dict(np.load(f))
    assert set(got["compiled"]) == set(got["python"]) and "y10" in got["compiled"]
    for k, a in got["compiled"].items():
        np.testing.assert_allclose(got["python"][k], a, rtol=1e-12, atol=1e-9, err_msg=k)


def _fma_of(x, y, acc):
    return fma(x, y, acc)


def test_fma_rounds_once_compiled_and_as_python():
    x, y = 1.0 + 2.0**-30, 1.0 - 2.0**-30          # x * y = 1 - 2**-60 exactly
    assert x * y - 1.0 == 0.0                        # the product rounded first loses it
    assert fma(x, y, -1.0) == -(2.0**-60)            # as Python: the exact sum, rounded once
    compiled_fma = kernel(_fma_of)
    assert compiled_fma(x, y, -1.0) == -(2.0**-60)   # compiled: the processor's fused multiply-add
    assert compiled_fma(2.0, 3.0, 1.0) == 7.0 and fma(float("inf"), 1.0, 1.0) == float("inf")


def test_per_path_is_the_one_form_of_a_per_path_input():
    """compiled.per_path: one value -> (1,) (or (n,) filled), n values -> (n,), C-contiguous float64;
    writeable True copies a read-only input, False hands a read-only view, None keeps the input's;
    any other size is refused naming the field."""
    from treasurylab.errors import BadInput
    from treasurylab.model.compiled import per_path

    one = per_path(2, 4, "x")
    assert one.shape == (1,) and one.dtype == np.float64 and one[0] == 2.0
    assert per_path(np.array([2.0]), 4, "x").shape == (1,)           # a one-element array is one value
    assert np.array_equal(per_path(2.5, 3, "x", fill=True), [2.5, 2.5, 2.5])
    col = np.arange(8.0).reshape(4, 2)[:, 0]                          # strided: made contiguous
    got = per_path(col, 4, "x")
    assert got.flags.c_contiguous and np.array_equal(got, [0.0, 2.0, 4.0, 6.0])
    ro = np.arange(4.0)
    ro.flags.writeable = False
    assert per_path(ro, 4, "x", writeable=True).flags.writeable
    assert not per_path(np.arange(4.0), 4, "x", writeable=False).flags.writeable
    kept = per_path(ro, 4, "x")                                         # kept as given: no copy
    assert np.shares_memory(kept, ro) and not kept.flags.writeable
    assert per_path(np.arange(7.0), None, "x").shape == (7,)          # any number of paths
    for bad, n in ((np.arange(3.0), 4), (np.ones((2, 2)), None)):
        with pytest.raises(BadInput, match="x") as e:
            per_path(bad, n, "x")
        assert e.value.field == "x"
