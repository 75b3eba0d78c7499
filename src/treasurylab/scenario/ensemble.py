"""Ensembles: N paths split into fixed-size blocks, one ``SeedSequence`` child per block.

Determinism by construction: the path axis is cut into blocks of ``BLOCK_SIZE`` paths (the last one
shorter); block ``b`` draws every random number from ``SeedSequence(seed).spawn(n_blocks)[b]``. A
block's numbers therefore depend only on (scenario, seed, b), never on how many workers run the
blocks or in which order they finish, so 1 worker and N workers give bit-identical results.

``plan(paths, seed)`` -> list of :class:`Block`; ``run_blocks(fn, payload, paths, seed, executor)``
maps ``fn((payload, block))`` over the blocks with an executor and concatenates each returned array
along axis 0 (the path axis).

``run_blocks(..., monthly={name: T})`` declares the big (paths, T) float64 outputs: each block is
called as ``fn((payload, block), out=views)`` and records them straight into one shared map for the
run (``out`` is None where the process cannot see the map: the block then returns its own arrays).
The map, the worker processes and the memory tuning are operating-system plumbing, kept in
:mod:`treasurylab.scenario.parallel`; the numbers do not depend on which way the arrays travel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Paths per block. Fixed (not derived from the worker count) so results do not depend on it.
#: Measured on the 2-core machine (davos-2026, 120 months, 2 processes, docs/benchmarks.md): the
#: numpy kernels took the same with blocks of 1,024 and 2,560 paths (0.63 s for 10,000 paths and
#: 6.4 s for 100,000). A multiple of ``parallel.ROW_ALIGN`` (page-aligned rows).
BLOCK_SIZE = 2560


@dataclass(frozen=True)
class Block:
    index: int
    start: int                       # first path (global index)
    size: int                        # paths in this block
    seed: np.random.SeedSequence     # this block's child of SeedSequence(seed)

    def rng(self) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(self.seed))


def plan(paths: int, seed: int, block_size: int = BLOCK_SIZE) -> list[Block]:
    if paths < 1:
        raise ValueError("paths must be >= 1")
    n_blocks = -(-paths // block_size)
    children = np.random.SeedSequence(seed).spawn(n_blocks)
    return [
        Block(b, b * block_size, min(block_size, paths - b * block_size), children[b])
        for b in range(n_blocks)
    ]


def merge(parts: list[dict[str, Any]], release: bool = False) -> dict[str, Any]:
    """Concatenate block outputs along the path axis (axis 0); non-array entries come from block 0.

    ``release=True`` drops each block's array from ``parts`` once it is copied, so merging needs
    one variable's worth of extra memory, not a second copy of everything.
    """
    out: dict[str, Any] = {}
    for key, first in list(parts[0].items()):
        if isinstance(first, np.ndarray) and first.ndim >= 1:
            out[key] = np.concatenate([p[key] for p in parts], axis=0)
            if release:
                for p in parts:
                    del p[key]
        else:
            out[key] = first
    return out


def run_blocks(fn: Callable, payload: Any, paths: int, seed: int, executor=None,
               progress: Callable[[int, int], None] | None = None,
               block_size: int = BLOCK_SIZE, monthly: dict[str, int] | None = None,
               blocks: list[Block] | None = None) -> dict[str, Any]:
    """Run ``fn((payload, block))`` for every block and merge the results in block order.

    ``monthly`` ({name: T}): outputs every block returns as (size, T) float64 arrays, gathered
    through a shared map (see the module docstring) and returned first, in that order; ``fn`` is
    then called with ``out=`` (a dict of (T, size) views to record into, or None).
    ``blocks``: run only these consecutive blocks of ``plan(paths, seed)`` (a wave of a streamed
    run, ``scenario.reduce``); the arrays returned then cover their paths only, from the first.
    """
    return start_blocks(fn, payload, paths, seed, executor, progress, block_size, monthly, blocks).result()


class PendingBlocks:
    """Blocks handed to an executor by :func:`start_blocks`; ``result()`` waits for them and returns
    what :func:`run_blocks` returns, ``cancel()`` gives up on them."""

    def __init__(self, pending, blocks: list[Block], shared=None) -> None:
        self._pending, self._blocks, self._shared = pending, blocks, shared

    def cancel(self) -> None:
        self._pending.cancel()
        if self._shared is not None:
            self._shared.close()

    def result(self) -> dict[str, Any]:
        shared = self._shared
        if shared is None:
            return merge(self._pending.result(), release=True)
        try:
            parts = self._pending.result()
        finally:
            shared.close()          # workers open the map through its descriptor until they are done
        bufs = shared.bufs
        for part, b in zip(parts, self._blocks):   # workers that could not see the map sent their arrays
            for name, buf in bufs.items():
                if name in part:
                    buf[:, b.start:b.start + b.size] = part.pop(name).T
        out: dict[str, Any] = {name: buf.T for name, buf in bufs.items()}
        out.update(merge(parts, release=True))
        return out


def start_blocks(fn: Callable, payload: Any, paths: int, seed: int, executor=None,
                 progress: Callable[[int, int], None] | None = None,
                 block_size: int = BLOCK_SIZE, monthly: dict[str, int] | None = None,
                 blocks: list[Block] | None = None) -> PendingBlocks:
    """:func:`run_blocks`, handed to the executor now and waited for by ``result()``: a streamed run
    (``runner._streamed``) folds one wave's records while the workers run the next."""
    from dataclasses import replace

    from treasurylab.scenario.executors import SerialExecutor
    from treasurylab.scenario.parallel import SharedOutputs, before_fork

    if blocks is None:
        blocks = plan(paths, seed, block_size)
    else:       # a block's seed is its own; its start only places its paths in this call's arrays
        first = blocks[0].start
        blocks = [replace(b, start=b.start - first) for b in blocks]
        paths = sum(b.size for b in blocks)
    ex = executor or SerialExecutor()
    tasks = [(payload, b) for b in blocks]
    if not monthly:
        return PendingBlocks(_submit(ex, fn, tasks, progress), blocks)
    before_fork(ex, payload)
    shared = SharedOutputs(monthly, paths)
    try:
        # processes open the map from its description; this process writes into it directly
        task_fn = shared.task(fn, to_processes=getattr(ex, "name", "") == "processes")
        return PendingBlocks(_submit(ex, task_fn, tasks, progress), blocks, shared)
    except BaseException:
        shared.close()
        raise


def _submit(ex, fn: Callable, tasks: list, progress):
    """``ex.submit``; an executor of the caller's with only ``map`` runs its tasks at ``result()``."""
    from treasurylab.scenario.executors import Pending

    sub = getattr(ex, "submit", None)
    if sub is not None:
        return sub(fn, tasks, progress=progress)
    return Pending(lambda: ex.map(fn, tasks, progress=progress))
