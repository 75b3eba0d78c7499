"""Kept worker pool, the shared output map seen from workers started before it, and the exact
float32 uniforms of the holders' noise."""

from __future__ import annotations

import numpy as np

from treasurylab.model.holders import _normal_f32, _uniform_f32

#: the modules whose internals this file tests: the holders' float32 samplers
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.model.holders",)


def _walk(task, out=None):
    """A block function recording straight into the shared map when the process sees it."""
    payload, block = task
    steps = block.rng().standard_normal((block.size, payload["T"]))
    walk = np.empty((payload["T"], block.size)) if out is None else out["walk"]
    np.cumsum(steps, axis=1, out=walk.T)
    return {"walk": walk.T, "last": steps[:, -1].copy()}


def test_kept_pool_is_reused_and_workers_started_earlier_write_the_new_map():
    from treasurylab.scenario import parallel
    from treasurylab.scenario.ensemble import run_blocks
    from treasurylab.scenario.executors import ProcessExecutor, SerialExecutor
    from treasurylab.scenario.parallel import shutdown_pool

    shutdown_pool()
    try:
        ex = ProcessExecutor(2, keep_alive=True)
        assert not ex.started
        pools = []
        # second and third runs: the workers were forked before these maps existed
        for paths, seed, T in ((700, 4, 12), (1500, 5, 7), (700, 4, 12)):
            kw = {"paths": paths, "seed": seed, "block_size": 256}
            plain = run_blocks(_walk, {"T": T}, executor=SerialExecutor(), **kw)
            got = run_blocks(_walk, {"T": T}, executor=ex, monthly={"walk": T}, **kw)
            assert got["walk"].shape == (paths, T)
            assert np.array_equal(got["walk"], plain["walk"]) and np.array_equal(got["last"], plain["last"])
            pools.append(parallel.kept_pool_object())
            assert ex.started
        assert pools[0] is pools[1] is pools[2]
        # the earlier results are not overwritten by later runs (each run has its own map)
        first = run_blocks(_walk, {"T": 3}, executor=ex, monthly={"walk": 3}, paths=600, seed=1, block_size=256)
        keep = first["walk"].copy()
        run_blocks(_walk, {"T": 3}, executor=ex, monthly={"walk": 3}, paths=600, seed=2, block_size=256)
        assert np.array_equal(first["walk"], keep)
    finally:
        shutdown_pool()
    assert parallel.kept_pool_object() is None and parallel.kept_pool_workers() is None


def test_a_failing_block_drops_the_kept_pool():
    import pytest

    from treasurylab.scenario import parallel
    from treasurylab.scenario.executors import ProcessExecutor
    from treasurylab.scenario.parallel import shutdown_pool

    try:
        with pytest.raises(ZeroDivisionError):
            ProcessExecutor(2, keep_alive=True).map(_divide, [1, 0, 2])
        assert parallel.kept_pool_object() is None
    finally:
        shutdown_pool()


def _divide(x):
    return 1 / x


def test_uniform_f32_is_rng_random_bit_for_bit_and_leaves_the_same_state():
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    a.standard_normal(5)
    b.standard_normal(5)
    for m in (2, 1024, 32768):
        assert np.array_equal(_uniform_f32(a, m), b.random(m, dtype=np.float32))
    # the same state (numpy keeps a stale copy of the last high half, unused while has_uint32 == 0)
    sa, sb = a.bit_generator.state, b.bit_generator.state
    assert sa["state"] == sb["state"] and sa["has_uint32"] == sb["has_uint32"] == 0
    assert np.array_equal(a.standard_normal(7), b.standard_normal(7))
    # an odd count or a half-used 64-bit output falls back to numpy's own draw
    assert np.array_equal(_uniform_f32(a, 3), b.random(3, dtype=np.float32))
    assert np.array_equal(_uniform_f32(a, 4), b.random(4, dtype=np.float32))
    z = _normal_f32(np.random.default_rng(3), 200_001)
    assert z.dtype == np.float32 and abs(float(z.mean())) < 0.01 and abs(float(z.std()) - 1.0) < 0.01
