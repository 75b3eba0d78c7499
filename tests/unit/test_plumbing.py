"""The parallel plumbing lives in scenario/parallel.py, and the run's modules hold no mutable state.

The runner, the ensemble and the executors keep only constants at module level; parallel.py keeps the
one documented process-wide cache (the kept worker pool) and nothing else mutable; resultdir.py the
descriptors of the folder locks held (closed in forked children).
"""

from __future__ import annotations

import ast
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

import treasurylab

#: the modules whose internals this file tests: the operating-system plumbing: libc, huge-page advice
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.scenario.parallel",)

SCENARIO = Path(treasurylab.__file__).parent / "scenario"
#: module -> names allowed to hold mutable state at module level (each documented in its module)
ALLOWED = {"runner": set(), "ensemble": set(), "executors": set(), "parallel": {"_KEPT"},
           "resultdir": {"_HELD"}}
IMMUTABLE = (ast.Constant, ast.Tuple)


def _module_state(text: str) -> list[str]:
    """Module-level names bound to something other than a constant, plus any ``global`` statement."""
    tree = ast.parse(text)
    out = [f"global {', '.join(n.names)} (line {n.lineno})" for n in ast.walk(tree) if isinstance(n, ast.Global)]
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for t in targets:
            name = t.id if isinstance(t, ast.Name) else ast.unparse(t)
            if not isinstance(value, IMMUTABLE):
                out.append(f"{name} = {ast.unparse(value)[:40]} (line {node.lineno})")
    return out


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_no_module_level_mutable_state(module):
    found = [s for s in _module_state((SCENARIO / f"{module}.py").read_text(encoding="utf-8")) if s.split(" ")[0] not in ALLOWED[module]]
    assert not found, f"scenario/{module}.py holds module-level state: {found}"


def test_the_checker_sees_state():
    import textwrap

    text = textwrap.dedent("""
        X = 1
        T = (1, 2)
        _CACHE: dict = {}
        _L = [None]
        def f():
            global X
    """)
    got = _module_state(text)
    assert [g.split(" ")[0] for g in got] == ["global", "_CACHE", "_L"]


def _fill(task, out=None):
    _, block = task
    if out is not None:
        out["x"][...] = block.index + 1.0
    return {"x": out["x"].T if out is not None else np.full((block.size, 3), -1.0)}


def test_shared_outputs_close_their_file_and_never_travel():
    from treasurylab.scenario.ensemble import plan
    from treasurylab.scenario.parallel import SharedOutputs

    with SharedOutputs({"x": 3}, 600) as shared:
        here = shared.task(_fill, to_processes=False)
        far = pickle.loads(pickle.dumps(shared.task(_fill, to_processes=True)))
        assert far.bufs is None and (shared.desc is None) == (far.desc is None)
        for b in plan(600, 1, block_size=512):
            here(((), b))
        fd = shared._fd
    assert shared._fd == -1
    if fd >= 0:
        with pytest.raises(OSError):
            os.fstat(fd)
    x = shared.bufs["x"]
    assert x.shape == (3, 600) and (x[:, :512] == 1.0).all() and (x[:, 512:] == 2.0).all()


def test_huge_page_advice_is_off_during_a_run_and_put_back_after():
    """numpy's huge-page advice (a stall of up to 0.3 s on a big array's first touch where the kernel
    compacts memory) is off while blocks run and restored after, also when the run fails."""
    from treasurylab.scenario import parallel as P

    prev = P._set_hugepage_advice(True)
    if prev is None:
        pytest.skip("this numpy has no huge-page switch")
    try:
        with P.no_hugepage_advice():
            assert P._set_hugepage_advice(False) is False        # off inside
        assert P._set_hugepage_advice(True) is True              # on again after
        with pytest.raises(RuntimeError), P.no_hugepage_advice():
            raise RuntimeError("a failed run")
        assert P._set_hugepage_advice(True) is True
        P._set_hugepage_advice(False)
        with P.no_hugepage_advice():
            pass
        assert P._set_hugepage_advice(False) is False            # a caller's "off" stays off
    finally:
        P._set_hugepage_advice(prev)


def test_glibc_is_found_without_a_subprocess(monkeypatch):
    """The memory tuning's libc handle comes from its soname: ``ctypes.util.find_library`` ran
    ``ldconfig -p`` in a subprocess before every run's workers were forked."""
    import subprocess
    import sys

    from treasurylab.scenario import parallel

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's soname is a Linux name")

    def no_subprocess(*a, **k):
        raise AssertionError("a subprocess was started to find libc")

    monkeypatch.setattr(subprocess, "Popen", no_subprocess)
    parallel._libc.cache_clear()
    try:
        assert parallel._libc() is not None and hasattr(parallel._libc(), "malloc_trim")
    finally:
        parallel._libc.cache_clear()
