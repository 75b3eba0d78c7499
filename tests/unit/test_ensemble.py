"""Ensembles, executors and sweeps: fixed blocks, one SeedSequence child each, same answer anywhere."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.scenario.ensemble import BLOCK_SIZE, merge, plan, run_blocks
from treasurylab.scenario.executors import ProcessExecutor, SerialExecutor, make_executor
from treasurylab.scenario.spec import shipped_dir
from treasurylab.scenario.sweep import load_sweep, set_path


def _toy(task):
    """A block function with real randomness: a random walk per path."""
    payload, block = task
    rng = block.rng()
    steps = rng.standard_normal((block.size, payload["T"]))
    return {"walk": np.cumsum(steps, axis=1), "last": steps[:, -1].copy(), "T": payload["T"]}


def test_plan_blocks_cover_paths_once():
    blocks = plan(5000, seed=3, block_size=2048)
    assert [b.size for b in blocks] == [2048, 2048, 904]
    assert [b.start for b in blocks] == [0, 2048, 4096]
    # children differ and are reproducible
    again = plan(5000, seed=3, block_size=2048)
    assert all(a.seed.spawn_key == b.seed.spawn_key for a, b in zip(blocks, again))
    draws = [b.rng().random() for b in blocks]
    assert len(set(draws)) == 3 and draws == [b.rng().random() for b in again]
    with pytest.raises(ValueError):
        plan(0, 1)


def test_serial_equals_processes_bitwise():
    a = run_blocks(_toy, {"T": 12}, paths=700, seed=11, executor=SerialExecutor(), block_size=256)
    b = run_blocks(_toy, {"T": 12}, paths=700, seed=11, executor=ProcessExecutor(2), block_size=256)
    assert a["walk"].shape == (700, 12) and a["T"] == 12
    assert np.array_equal(a["walk"], b["walk"]) and np.array_equal(a["last"], b["last"])
    c = run_blocks(_toy, {"T": 12}, paths=700, seed=12, executor=SerialExecutor(), block_size=256)
    assert not np.array_equal(a["walk"], c["walk"])


def test_progress_callback_counts_blocks():
    seen = []
    run_blocks(_toy, {"T": 2}, paths=10, seed=1, executor=SerialExecutor(), block_size=4,
               progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_make_executor_choices():
    assert isinstance(make_executor(None, None, 1), SerialExecutor)
    assert isinstance(make_executor(1, None, 10), SerialExecutor)
    ex = make_executor(2, None, 10)
    assert isinstance(ex, ProcessExecutor) and ex.workers == 2
    with pytest.raises(BadInput, match="^workers: ") as ei:      # the Python caller's name, not the CLI's
        make_executor(0, None, 3)
    assert ei.value.field == "workers"
    with pytest.raises(BadInput, match="tcp://"):
        make_executor(None, "localhost:8786", 3)


def test_merge_keeps_scalars_and_concatenates_arrays():
    m = merge([{"a": np.ones((2, 3)), "s": 5}, {"a": np.zeros((1, 3)), "s": 5}])
    assert m["a"].shape == (3, 3) and m["s"] == 5
    assert BLOCK_SIZE >= 1024


def test_set_path_and_errors():
    d = {"events": [{"type": "sale", "amount_bn": 1}, {"type": "threat", "strength": 0.1}]}
    # each returns the location it set, as the scenario loader names it (a warning's file and line)
    assert set_path(d, "events[type=threat].strength", 0.9, "s.yaml") == ("events", 1, "strength")
    assert set_path(d, "events[0].amount_bn", 7, "s.yaml") == ("events", 0, "amount_bn")
    assert set_path(d, "overrides.macro.taylor_gap", 1.0, "s.yaml") == ("overrides", "macro", "taylor_gap")
    assert d["events"][1]["strength"] == 0.9 and d["events"][0]["amount_bn"] == 7
    assert d["overrides"] == {"macro": {"taylor_gap": 1.0}}
    with pytest.raises(BadInput, match="no event of this type"):
        set_path(d, "events[type=backstop].on", True, "s.yaml")
    with pytest.raises(BadInput, match="index out of range"):
        set_path(d, "events[5].days", 3, "s.yaml")
    with pytest.raises(BadInput, match="did you mean 'events'"):
        set_path(d, "evnts.x", 3, "s.yaml")


def test_shipped_sweeps_are_valid():
    files = sorted(shipped_dir().glob("*.sweep.yaml"))
    assert any(f.name == "tipping-point.sweep.yaml" for f in files)
    for f in files:
        spec, _ = load_sweep(f)
        assert spec.metric == "p_cascade_half_24m" and len(spec.grid) == 2
