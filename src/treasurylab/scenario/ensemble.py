"""Ensembles: N paths split into fixed-size blocks, one ``SeedSequence`` child per block.

Determinism by construction: the path axis is cut into blocks of ``BLOCK_SIZE`` paths (the last one
shorter); block ``b`` draws every random number from ``SeedSequence(seed).spawn(n_blocks)[b]``. A
block's numbers therefore depend only on (scenario, seed, b), never on how many workers run the
blocks or in which order they finish, so 1 worker and N workers give bit-identical results.

``plan(paths, seed)`` -> list of :class:`Block`; ``run_blocks(fn, payload, paths, seed, executor)``
maps ``fn((payload, block))`` over the blocks with an executor and concatenates each returned array
along axis 0 (the path axis).

``run_blocks(..., monthly={name: T})`` declares the big (paths, T) float64 outputs. They are written
by each block straight into one shared memory map allocated for the run: worker processes forked
now (and the serial executor) inherit it, and workers started earlier (the kept pool of
``executors.ProcessExecutor``, or a forkserver) map it for their block through its Linux memory
file (``memfd``, opened as ``/proc/<pid>/fd/<fd>``). Those arrays are then neither pickled back
through pipes nor concatenated (10,000 x 120 months x 17 records is 160 MB: both cost more than the
arithmetic on this machine). The result is a (paths, T) view of a month-major (T, stride) buffer,
rows padded to whole 4 KiB pages (``ROW_ALIGN``) so that no two blocks share a page. Workers that
cannot see the map (Dask, or where there is no memfd) return their arrays as usual and the parent
copies them in. Either way the numbers are the same.
"""

from __future__ import annotations

import functools
import itertools
import mmap
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Paths per block. Fixed (not derived from the worker count) so results do not depend on it.
#: Measured on the 2-core machine (davos-2026, 120 months, 2 processes, docs/benchmarks.md): the
#: numpy kernels took the same with blocks of 1,024 and 2,560 paths (0.63 s for 10,000 paths and
#: 6.4 s for 100,000). A multiple of ``ROW_ALIGN`` (page-aligned rows).
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


#: token -> {name: (T, paths) array on a shared map}; set in the parent before the workers fork
_SHARED: dict[int, dict[str, np.ndarray]] = {}
_TOKENS = itertools.count()


_CURRENT: dict[str, np.ndarray] | None = None


def block_output() -> dict[str, np.ndarray] | None:
    """Inside a block function run by ``run_blocks(monthly=...)``: {name: (T, size) view of the
    shared map} for this block to record into directly (no copy), or None where the map is not
    visible (then the block returns its own arrays)."""
    return _CURRENT


def _into_shared(fn: Callable, token: int, task, desc: tuple | None = None) -> Any:
    """Run one block; its declared monthly arrays end up in the shared map when this process sees it.

    A worker forked before the map existed (a kept pool, see ``executors.ProcessExecutor``) maps
    it for this block from ``desc`` (see :func:`_shared_buffers`) and unmaps it afterwards.
    """
    global _CURRENT
    bufs = _SHARED.get(token)
    if bufs is None and desc is not None:
        bufs = _attach(desc)
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


#: rows of the shared map are padded to a multiple of this many float64 (one 4 KiB page), so that
#: with BLOCK_SIZE a multiple of it every block's row segments start on a page of their own: a
#: block then touches whole pages of its own in each row instead of sharing the end pages with its
#: neighbours, which cost ~2,000 extra page faults a 1,024-path block (measured, 2-core machine)
ROW_ALIGN = 512


def _stride(paths: int) -> int:
    return -(-paths // ROW_ALIGN) * ROW_ALIGN


def _views(mm, monthly: dict[str, int], paths: int) -> dict[str, np.ndarray]:
    """{name: (T, paths) view} of the map; rows ``_stride(paths)`` apart, arrays page-aligned."""
    out, off, stride = {}, 0, _stride(paths)
    for k, t in monthly.items():
        size = int(t) * stride
        out[k] = np.frombuffer(mm, dtype=np.float64, count=size, offset=off).reshape(int(t), stride)[:, :paths]
        off += 8 * size
    return out


def _shared_buffers(monthly: dict[str, int], paths: int) -> tuple[dict[str, np.ndarray], tuple | None]:
    """One shared map holding a (T, paths) float64 array per name, and how another process finds it.

    On Linux the map is an anonymous memory file (``memfd``): workers forked now inherit the
    mapping, and workers started earlier open it by ``/proc/<pid>/fd/<fd>`` (the returned
    description; the caller closes the descriptor after the run, the memory lives as long as the
    arrays). Elsewhere it is an anonymous map that only workers forked now can see (description None).
    """
    nbytes = max(8 * sum(int(t) * _stride(paths) for t in monthly.values()), 1)
    fd, desc = -1, None
    if hasattr(os, "memfd_create") and os.path.isdir(f"/proc/{os.getpid()}/fd"):
        try:
            fd = os.memfd_create("treasurylab-out", os.MFD_CLOEXEC)
            os.ftruncate(fd, nbytes)
        except OSError:
            if fd >= 0:
                os.close(fd)
            fd = -1
    if fd >= 0:
        mm = mmap.mmap(fd, nbytes)
        desc = (f"/proc/{os.getpid()}/fd/{fd}", fd, nbytes, dict(monthly), paths)
    else:
        mm = mmap.mmap(-1, nbytes)
    return _views(mm, monthly, paths), desc


def _attach(desc: tuple) -> dict[str, np.ndarray] | None:
    """The shared map of ``desc`` mapped into this process (None when it cannot be opened)."""
    path, _, nbytes, monthly, paths = desc
    try:
        with open(path, "r+b") as f:
            mm = mmap.mmap(f.fileno(), nbytes)
    except OSError:
        return None
    # the views keep the map alive; it is unmapped when the block's last view is dropped
    return _views(mm, monthly, paths)


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


def _prefork(payload: Any = None) -> None:
    """The one-off start-up of a coupled block (imports, BLAS thread controller),
    done once in the parent so that forked workers inherit it (see ``model.coupled.warm_process``);
    ~10 ms saved on each worker's first block."""
    from treasurylab.model.coupled import Setup, warm_process

    warm_process(payload if isinstance(payload, Setup) else None)


def before_fork(executor, payload: Any = None) -> None:
    """Before ``executor`` forks its workers (a process pool not started yet), do in this process
    what every worker would otherwise redo (:func:`_prefork`) and hand back free heap
    (:func:`_trim_heap`); kept workers that are already up have done both. Any other executor: nothing."""
    if getattr(executor, "name", "") == "processes" and not getattr(executor, "started", False):
        _prefork(payload)
        _trim_heap()


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
    bufs, desc = _shared_buffers(monthly, paths)
    token = next(_TOKENS)
    _SHARED[token] = bufs
    before_fork(ex, payload)
    try:
        # the description travels only to processes (a worker here sees _SHARED directly)
        d = desc if getattr(ex, "name", "") == "processes" else None
        parts = ex.map(functools.partial(_into_shared, fn, token, desc=d), tasks, progress=progress)
    finally:
        del _SHARED[token]
        if desc is not None:
            os.close(desc[1])             # the map stays while the arrays live
    for part, b in zip(parts, blocks):        # workers that could not see the map sent their arrays
        for name, buf in bufs.items():
            if name in part:
                buf[:, b.start:b.start + b.size] = part.pop(name).T
    out: dict[str, Any] = {name: buf.T for name, buf in bufs.items()}
    out.update(merge(parts, release=True))
    return out
