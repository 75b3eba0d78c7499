"""Executors: where the blocks of an ensemble run. Serial, local processes (default), or Dask.

All three share one method, ``map(fn, tasks, progress=None) -> list`` (results in task order), so
the ensemble code never knows where it runs; results are identical on every executor because each
task carries its own ``SeedSequence`` child (see ``scenario.ensemble``).

- :class:`SerialExecutor`: in this process.
- :class:`ProcessExecutor`: the standard library's ``ProcessPoolExecutor`` with an explicit
  multiprocessing *context* ("fork" from a single-threaded process, else "forkserver" or "spawn"),
  so the global start method of the user's program is never changed.
- :class:`DaskExecutor`: a Dask ``distributed`` cluster at ``tcp://host:port`` (optional extra
  ``treasurylab[dask]``).

``make_executor(workers=None, cluster=None, n_tasks=1)`` picks one: a cluster address wins; one
task or one worker runs serially (a process pool would only add start-up time).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from treasurylab.errors import BadInput


class SerialExecutor:
    name = "serial"
    workers = 1

    def map(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> list:
        out = []
        for i, t in enumerate(tasks):
            out.append(fn(t))
            if progress:
                progress(i + 1, len(tasks))
        return out


def _start_method() -> str:
    """'fork' when this process has a single thread (fast, nothing to re-import), else 'forkserver'
    (or 'spawn'): forking a multi-threaded process can deadlock. Only a *context* is used, so the
    program's global start method is never changed."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class ProcessExecutor:
    name = "processes"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, int(workers))

    def map(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> list:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        ctx = mp.get_context(_start_method())
        results: list[Any] = [None] * len(tasks)
        with ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)), mp_context=ctx) as pool:
            futs = {pool.submit(fn, t): i for i, t in enumerate(tasks)}
            done = 0
            for f in as_completed(futs):
                results[futs[f]] = f.result()
                done += 1
                if progress:
                    progress(done, len(tasks))
        return results


class DaskExecutor:
    name = "dask"

    def __init__(self, address: str) -> None:
        if not str(address).startswith(("tcp://", "tls://", "inproc://", "ucx://")):
            raise BadInput("not a Dask scheduler address", field="--cluster", got=address,
                           fix="write tcp://HOST:PORT (the address `dask scheduler` prints)")
        try:
            from distributed import Client
        except ImportError:
            raise BadInput("Dask distributed is not installed", field="--cluster", got=address,
                           fix="pip install 'treasurylab[dask]'") from None
        self.address = address
        try:
            self._client = Client(address, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise BadInput(f"cannot reach the Dask scheduler ({type(exc).__name__})", field="--cluster",
                           got=address, fix="start it with `dask scheduler` and `dask worker ADDRESS`, "
                                            "or drop --cluster to run locally") from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> list:
        from distributed import as_completed

        futs = self._client.map(fn, tasks, pure=False)
        index = {f.key: i for i, f in enumerate(futs)}
        results: list[Any] = [None] * len(tasks)
        done = 0
        for f in as_completed(futs):
            results[index[f.key]] = f.result()
            done += 1
            if progress:
                progress(done, len(tasks))
        return results

    def close(self) -> None:
        self._client.close()


def make_executor(workers: int | None = None, cluster: str | None = None, n_tasks: int = 1):
    """The executor for ``n_tasks`` blocks: Dask if ``cluster``, else processes, else serial."""
    if cluster:
        return DaskExecutor(cluster)
    if workers is not None and workers < 1:
        raise BadInput("must be >= 1", field="--workers", got=workers, fix="give 1 for serial, 2+ for processes")
    w = workers if workers is not None else (os.cpu_count() or 1)
    w = min(w, n_tasks)
    return ProcessExecutor(w) if w > 1 else SerialExecutor()
