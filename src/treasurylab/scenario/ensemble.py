"""Ensembles: N paths split into fixed-size blocks, one ``SeedSequence`` child per block.

Determinism by construction: the path axis is cut into blocks of ``BLOCK_SIZE`` paths (the last one
shorter); block ``b`` draws every random number from ``SeedSequence(seed).spawn(n_blocks)[b]``. A
block's numbers therefore depend only on (scenario, seed, b), never on how many workers run the
blocks or in which order they finish, so 1 worker and N workers give bit-identical results.

``plan(paths, seed)`` -> list of :class:`Block`; ``run_blocks(fn, payload, paths, seed, executor)``
maps ``fn((payload, block))`` over the blocks with an executor and concatenates each returned array
along axis 0 (the path axis).

``run_blocks(..., monthly={name: T})`` declares the big (paths, T) float64 outputs. They are written
by each block straight into one shared, anonymous memory map allocated before the workers start:
forked worker processes (and the serial executor) inherit it, so those arrays are neither pickled
back through pipes nor concatenated (10,000 x 120 months x 17 records is 160 MB: both cost more than
the arithmetic on this machine). The result is a (paths, T) view of a month-major (T, paths) buffer.
Workers that cannot see the map (Dask, or a spawned process) return their arrays as usual and the
parent copies them in. Either way the numbers are the same.
"""

from __future__ import annotations

import functools
import itertools
import mmap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Paths per block. Fixed (not derived from the worker count) so results do not depend on workers.
#: Measured on the 2-core machine (coupled run, 120 months, CPU time per block, davos-2026): a block
#: carries ~30 ms of per-call overhead whatever its size; 1,024 paths take ~98 ms, 2,048 ~175 ms,
#: 4,096 ~420 ms (larger (N, A) arrays fall out of the 1 MB L2 cache). 1,024 also splits 10,000
#: paths into 10 blocks, 5 per worker on 2 workers, where 2,048 gives 5 blocks and one worker 3;
#: a 2-process 10,000-path run measured the same with 1,024 and 1,667 (6 blocks), slower with 2,048.
BLOCK_SIZE = 1024


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


#: token -> {name: (T, paths) array on a shared map}; set in the parent before the workers fork
_SHARED: dict[int, dict[str, np.ndarray]] = {}
_TOKENS = itertools.count()


_CURRENT: dict[str, np.ndarray] | None = None


def block_output() -> dict[str, np.ndarray] | None:
    """Inside a block function run by ``run_blocks(monthly=...)``: {name: (T, size) view of the
    shared map} for this block to record into directly (no copy), or None where the map is not
    visible (then the block returns its own arrays)."""
    return _CURRENT


def _into_shared(fn: Callable, token: int, task) -> Any:
    """Run one block; its declared monthly arrays end up in the shared map when this process sees it."""
    global _CURRENT
    bufs = _SHARED.get(token)
    block = task[1]
    views = None if bufs is None else {k: b[:, block.start:block.start + block.size] for k, b in bufs.items()}
    _CURRENT = views
    try:
        res = fn(task)
    finally:
        _CURRENT = None
    if views is not None:
        for name, view in views.items():
            v = res.pop(name)
            if not np.may_share_memory(v, view):      # the block recorded elsewhere: copy it in
                view[...] = v.T
    return res


def _shared_buffers(monthly: dict[str, int], paths: int) -> dict[str, np.ndarray]:
    """One anonymous shared map holding a (T, paths) float64 array per name."""
    sizes = {k: int(t) * paths for k, t in monthly.items()}
    mm = mmap.mmap(-1, max(8 * sum(sizes.values()), 1))
    out, off = {}, 0
    for k, t in monthly.items():
        out[k] = np.frombuffer(mm, dtype=np.float64, count=sizes[k], offset=off).reshape(int(t), paths)
        off += 8 * sizes[k]
    return out


def _trim_heap() -> None:
    """Hand the parent's free heap pages back to the system before worker processes fork.

    A forked worker shares the parent's pages copy-on-write; the heap left over from earlier work
    (a previous run, the set-up) is free but still mapped, so the worker's first allocations land
    on those pages and each first write copies a page. Measured on the 2-core machine, one forked
    child's first 1,024-path block: ~220 ms without, ~140-180 ms after ``malloc_trim(0)`` (fresh
    zero pages are cheaper than copies; later blocks ~100 ms); in a 2-process run the first block
    of each worker gained less (~10-20 ms). glibc only; elsewhere a no-op.
    """
    global _LIBC
    if _LIBC is None:
        try:
            import ctypes
            import ctypes.util

            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC = libc if hasattr(libc, "malloc_trim") else False
        except OSError:
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC = None


def run_blocks(fn: Callable, payload: Any, paths: int, seed: int, executor=None,
               progress: Callable[[int, int], None] | None = None,
               block_size: int = BLOCK_SIZE, monthly: dict[str, int] | None = None) -> dict[str, Any]:
    """Run ``fn((payload, block))`` for every block and merge the results in block order.

    ``monthly`` ({name: T}): outputs every block returns as (size, T) float64 arrays, gathered
    through a shared map (see the module docstring) and returned first, in that order.
    """
    from treasurylab.scenario.executors import SerialExecutor

    blocks = plan(paths, seed, block_size)
    ex = executor or SerialExecutor()
    tasks = [(payload, b) for b in blocks]
    if not monthly:
        return merge(ex.map(fn, tasks, progress=progress), release=True)
    bufs = _shared_buffers(monthly, paths)
    token = next(_TOKENS)
    _SHARED[token] = bufs
    if getattr(ex, "name", "") == "processes":
        _trim_heap()
    try:
        parts = ex.map(functools.partial(_into_shared, fn, token), tasks, progress=progress)
    finally:
        del _SHARED[token]
    for part, b in zip(parts, blocks):        # workers that could not see the map sent their arrays
        for name, buf in bufs.items():
            if name in part:
                buf[:, b.start:b.start + b.size] = part.pop(name).T
    out: dict[str, Any] = {name: buf.T for name, buf in bufs.items()}
    out.update(merge(parts, release=True))
    return out
