"""Operating-system plumbing for running blocks of paths in parallel: shared output maps, the worker
pool, and memory tuning. No modelling here; the ensemble logic (``scenario.ensemble``) and the
executors (``scenario.executors``) call it.

Shared output map (:class:`SharedOutputs`)
    The big (paths, T) float64 outputs of a run are written by each block straight into one memory
    map allocated for the run, instead of being pickled back through pipes and concatenated (10,000
    paths x 120 months x 17 records is 160 MB: both cost more than the arithmetic on a 2-core
    machine). On Linux the map is an anonymous memory file (``memfd``) that worker processes map for
    their block through ``/proc/<pid>/fd/<fd>``, whether they were forked before the map existed (the
    kept pool) or after. The map is month-major, (T, stride), rows padded to whole 4 KiB pages
    (:data:`ROW_ALIGN`) so that no two blocks share a page. The serial executor writes into it
    directly; a worker that cannot see it (Dask, no memfd) returns its arrays and the parent copies
    them in. The numbers are the same either way.

Worker pool (:func:`kept_pool`, :func:`shutdown_pool`)
    One pool of local worker processes is kept alive across the runs of this process (starting
    processes and each worker's first block cost ~100 ms a worker on the 2-core machine). It is the
    one piece of process-wide state here - a cache of processes, like an ``lru_cache`` of objects -
    held by :data:`_KEPT`, a :class:`_KeptPool`; it is replaced when a run asks for another worker
    count, dropped after any error, and shut down at exit.

Memory (:func:`worker_init`, :func:`trim_heap`, :func:`before_fork`, :func:`release_in_background`,
:func:`no_hugepage_advice`)
    numpy's transparent-huge-page advice off while blocks run (see :func:`no_hugepage_advice`),
    glibc's ``mallopt`` in workers (keep freed heap for the next month's arrays), ``malloc_trim``
    in the parent before forking (fresh zero pages are cheaper than copy-on-write copies), the
    one-off start-up of a block done once before forking, and the unmapping of a run's big map on
    a thread of its own. Elsewhere than glibc these are no-ops. None changes a number.
"""

from __future__ import annotations

import functools
import mmap
import os
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import numpy as np

#: rows of the shared map are padded to a multiple of this many float64 (one 4 KiB page), so that
#: with ``ensemble.BLOCK_SIZE`` a multiple of it every block's row segments start on a page of their
#: own: a block then touches whole pages of its own in each row instead of sharing the end pages with
#: its neighbours, which cost ~2,000 extra page faults a 1,024-path block (measured, 2-core machine)
ROW_ALIGN = 512


# ---- shared output map ---------------------------------------------------------------------------


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


class SharedOutputs:
    """One run's shared map: a (T, paths) float64 array per name (``bufs``), and how another process
    finds it (``desc``: None where there is no memfd; then only this process sees the map).

    Use as a context manager around the parallel part of a run: leaving it closes the memory file's
    descriptor; the memory itself lives as long as the arrays (their views keep the map mapped).
    """

    def __init__(self, monthly: dict[str, int], paths: int) -> None:
        nbytes = max(8 * sum(int(t) * _stride(paths) for t in monthly.values()), 1)
        fd, self.desc = -1, None     # desc: (path, fd, nbytes, monthly, paths)
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
            self.desc = (f"/proc/{os.getpid()}/fd/{fd}", fd, nbytes, dict(monthly), paths)
        else:   # only this process sees it: workers return their arrays
            mm = mmap.mmap(-1, nbytes)
        self._fd = fd
        self.bufs = _views(mm, monthly, paths)

    def close(self) -> None:
        """Close the memory file's descriptor (the map stays while the arrays live)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> SharedOutputs:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def task(self, fn: Callable, to_processes: bool) -> BlockIntoShared:
        """``fn`` wrapped to record into this map (see :class:`BlockIntoShared`); ``to_processes``:
        the tasks go to local worker processes, which open the map from its description."""
        return BlockIntoShared(fn, self.desc if to_processes else None, self.bufs)


def attach(desc: tuple) -> dict[str, np.ndarray] | None:
    """The shared map of ``desc`` mapped into this process (None when it cannot be opened)."""
    path, _, nbytes, monthly, paths = desc
    try:
        with open(path, "r+b") as f:
            mm = mmap.mmap(f.fileno(), nbytes)
    except OSError:
        return None
    # the views keep the map alive; it is unmapped when the block's last view is dropped
    return _views(mm, monthly, paths)


class BlockIntoShared:
    """A block function that records its declared monthly arrays into a run's shared map.

    Called as ``fn(task, out=views)`` with ``views`` = {name: (T, size) view of the map for this
    block}, or ``out=None`` where this process cannot see the map (the block then returns its own
    (size, T) arrays, copied in by the parent). In the process that built it, it holds the map's
    arrays; pickled (to a worker), it carries only the description, and the worker maps the file.
    """

    def __init__(self, fn: Callable, desc: tuple | None, bufs: dict[str, np.ndarray] | None) -> None:
        self.fn, self.desc, self.bufs = fn, desc, bufs

    def __getstate__(self) -> dict:
        return {"fn": self.fn, "desc": self.desc, "bufs": None}   # the arrays never travel

    def __call__(self, task) -> Any:
        bufs = self.bufs
        if bufs is None and self.desc is not None:
            bufs = attach(self.desc)
        block = task[1]
        views = None if bufs is None else {k: b[:, block.start:block.start + block.size] for k, b in bufs.items()}
        res = self.fn(task, out=views)
        if views is not None:
            for name, view in views.items():
                v = res.pop(name)
                if not np.may_share_memory(v, view):      # the block recorded elsewhere: copy it in
                    view[...] = v.T
        return res


def release_in_background(arrays: dict) -> None:
    """Drop the last references to a run's full arrays on another thread.

    They are views of one shared map (1.6 GB for 100,000 paths x 120 months); unmapping it hands
    ~400,000 pages back to the system, ~0.4 s during which the GIL is released: on a thread of its
    own, that overlaps with building the Dataset and the report instead of adding to them.
    """
    import threading

    threading.Thread(target=arrays.clear, name="treasurylab-free", daemon=True).start()


# ---- memory tuning -------------------------------------------------------------------------------


@functools.cache
def _libc():
    """glibc through ctypes (a process-wide cache of the handle), or None elsewhere. Its soname first:
    ``ctypes.util.find_library`` runs ``ldconfig -p`` in a subprocess (~5-10 ms of every run that
    starts workers), needed only where the name differs."""
    import ctypes

    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        pass
    try:
        import ctypes.util

        name = ctypes.util.find_library("c")
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


def _set_hugepage_advice(enabled: bool) -> bool | None:
    """Switch numpy's ``madvise(MADV_HUGEPAGE)`` on arrays of 4 MB and more; returns the previous
    setting, or None where this numpy has no such switch (the one the documented environment
    variable ``NUMPY_MADVISE_HUGEPAGE`` sets at import)."""
    from numpy._core import multiarray

    switch = getattr(multiarray, "_set_madvise_hugepage", None)
    return None if switch is None else bool(switch(bool(enabled)))


@contextmanager
def no_hugepage_advice():
    """Run the block with numpy's huge-page advice off, and put the previous setting back after.

    On Linux numpy asks the kernel for transparent huge pages for every array of 4 MB and more
    (a block's fiscal calendars, world shocks and records are 5-20 MB each). Where the kernel's
    policy is ``defrag=madvise`` and free memory is fragmented, the first touch of such an array
    waits for memory compaction: measured on the 2-core machine, 0.15-0.29 s stalls on single
    allocations, a worker's first 2,560-path block 0.67-0.81 s instead of 0.51 s; later blocks
    (freed memory reused) run the same either way. Page faults are then plain 4 KB ones (~3 ms for
    18 MB). ``treasurylab run baseline --paths 10000 --workers 2``: seconds_simulate 1.16-1.46 s
    with the advice, 1.14-1.18 s without (3 runs each, same day). Results are unchanged.
    """
    before = _set_hugepage_advice(False)
    try:
        yield
    finally:
        if before:
            _set_hugepage_advice(True)


def worker_init() -> None:
    """Set-up of each worker process: no huge-page advice (:func:`no_hugepage_advice`), and keep
    freed memory for reuse (glibc; elsewhere nothing).

    A block allocates and frees the same large temporaries every month ((N, A) arrays of ~1 MB at
    2,560 paths). glibc serves allocations above its mmap threshold (128 KB, rising adaptively) with
    fresh maps and returns freed heap above its trim threshold to the system, so each month's
    arrays landed on new pages and paid a page fault per 4 KB. In a worker - a process of ours
    whose only job is blocks - allocations up to 32 MB now come from the heap and up to 256 MB of
    freed heap is kept. Measured on the 2-core machine, 2 processes, numpy kernels: 10,000 paths
    0.61 -> 0.54 s, 100,000 paths 6.4 -> 5.5 s.
    Results are unchanged. The user's own process (serial runs) is left as it is, but for the
    huge-page advice, which :func:`treasurylab.scenario.runner.run` switches off while it runs.
    """
    exit_with_parent()
    _set_hugepage_advice(False)
    libc = _libc()
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return
    m_trim_threshold, m_mmap_threshold = -1, -3          # glibc's malloc.h
    mallopt(m_mmap_threshold, 32 << 20)                  # the largest glibc accepts on 64-bit
    mallopt(m_trim_threshold, 256 << 20)


def exit_with_parent(poll_s: float = 1.0) -> None:
    """End this worker process once the process that started it is gone.

    A pool's workers wait for tasks on a pipe that each of them also holds open, so when a run is
    killed (SIGKILL, the out-of-memory killer) they never see it close: they lived on, idle and
    holding their memory (still there minutes later, measured). A thread of the worker checks once every ``poll_s``
    seconds whether it has been handed to another parent (what happens to an orphan) and exits then.
    """
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(poll_s)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="treasurylab-orphan-watch", daemon=True).start()


def trim_heap() -> None:
    """Hand the parent's free heap pages back to the system before worker processes fork.

    A forked worker shares the parent's pages copy-on-write; the heap left over from earlier work
    (a previous run, the set-up) is free but still mapped, so the worker's first allocations land
    on those pages and each first write copies a page. Measured on the 2-core machine, one forked
    child's first 1,024-path block: ~220 ms without, ~140-180 ms after ``malloc_trim(0)`` (fresh
    zero pages are cheaper than copies; later blocks ~100 ms); in a 2-process run the first block
    of each worker gained less (~10-20 ms). glibc only; elsewhere a no-op.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def _prefork(payload: Any = None) -> None:
    """The one-off start-up of a coupled block (imports, BLAS thread controller),
    done once in the parent so that forked workers inherit it (see ``model.coupled.warm_process``);
    ~10 ms saved on each worker's first block."""
    from treasurylab.model.coupled import warm_process
    from treasurylab.scenario.setup import Setup

    warm_process(payload if isinstance(payload, Setup) else None)


def before_fork(executor, payload: Any = None) -> None:
    """Before ``executor`` forks its workers (a process pool not started yet), do in this process
    what every worker would otherwise redo (:func:`_prefork`) and hand back free heap
    (:func:`trim_heap`); kept workers that are already up have done both. Any other executor: nothing."""
    if getattr(executor, "name", "") == "processes" and not getattr(executor, "started", False):
        _prefork(payload)
        trim_heap()


# ---- worker pools --------------------------------------------------------------------------------


def start_method() -> str:
    """'fork' when this process has a single thread (fast, nothing to re-import), else 'forkserver'
    (or 'spawn'): forking a multi-threaded process can deadlock. Only a *context* is used, so the
    program's global start method is never changed."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def new_pool(workers: int):
    """A fresh ``ProcessPoolExecutor`` of ``workers`` processes set up by :func:`worker_init`."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(start_method()),
                               initializer=worker_init)


class _KeptPool:
    """The process's kept worker pool (at most one; see the module docstring)."""

    def __init__(self) -> None:
        self._pool = None
        self._workers = 0
        self._atexit = False

    def alive(self, workers: int) -> bool:
        """True when a usable pool of exactly ``workers`` processes is up."""
        return self._pool is not None and self._workers == workers and not getattr(self._pool, "_broken", False)

    @property
    def pool(self):
        """The kept ``ProcessPoolExecutor`` or None."""
        return self._pool

    @property
    def workers(self) -> int | None:
        return self._workers if self._pool is not None else None

    def get(self, workers: int):
        """The kept pool of ``workers`` processes (created on first use, replacing another size)."""
        if self.alive(workers):
            return self._pool
        self.shutdown()                    # first, so that no pool thread stops a fork below
        if not self._atexit:
            import atexit

            atexit.register(self.shutdown)
            self._atexit = True
        self._pool, self._workers = new_pool(workers), workers
        return self._pool

    def shutdown(self) -> None:
        pool, self._pool, self._workers = self._pool, None, 0
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


#: the process-wide kept pool (with ``_libc``'s cached handle, the only module-level state here)
_KEPT = _KeptPool()


def kept_pool(workers: int):
    """The kept pool of ``workers`` processes (started on first use)."""
    return _KEPT.get(workers)


def kept_pool_alive(workers: int) -> bool:
    """True when the kept pool has ``workers`` processes up (the next run forks nothing)."""
    return _KEPT.alive(workers)


def kept_pool_workers() -> int | None:
    """How many processes the kept pool has (None: no pool)."""
    return _KEPT.workers


def kept_pool_object():
    """The kept ``ProcessPoolExecutor`` itself, or None (for checks that it is reused)."""
    return _KEPT.pool


def shutdown_pool() -> None:
    """Stop the kept worker pool, if any (safe to call at any time)."""
    _KEPT.shutdown()
