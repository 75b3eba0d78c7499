"""Executors: where the blocks of an ensemble run. Serial, local processes (default), or Dask.

All three share two methods, ``map(fn, tasks, progress=None) -> list`` (results in task order) and
``submit(fn, tasks, progress=None) -> Pending`` (the same tasks handed over now, their results
waited for by ``Pending.result()``: a streamed run folds one wave while the next runs), so the
ensemble code never knows where it runs; results are identical on every executor because each
task carries its own ``SeedSequence`` child (see ``scenario.ensemble``).

- :class:`SerialExecutor`: in this process.
- :class:`ProcessExecutor`: the standard library's ``ProcessPoolExecutor`` with an explicit
  multiprocessing *context* ("fork" from a single-threaded process, else "forkserver" or "spawn"),
  so the global start method of the user's program is never changed. The pools themselves (the kept
  one, fresh ones, the workers' memory set-up) are plumbing in :mod:`treasurylab.scenario.parallel`.
- :class:`DaskExecutor`: a Dask ``distributed`` cluster at ``tcp://host:port`` (optional extra
  ``treasurylab[dask]``). The shared payload of the tasks (the prepared scenario) is sent to the
  cluster once, as the input of one task that the block tasks depend on (a worker lost mid-run
  loses no data: Dask recomputes its tasks, that one included, on the others); each block keeps its own ``SeedSequence`` child, so a cluster gives the same
  numbers as one process. Connecting checks, within ``timeout``, that the scheduler answers, that
  it has at least one worker, and that every worker has this treasurylab version; each failure is
  a :class:`BadInput` on ``--cluster`` (exit 2), never a hang.

``make_executor(workers=None, cluster=None, n_tasks=1)`` picks one: a cluster address wins; one
task or one worker runs serially (a process pool would only add start-up time); otherwise a
``ProcessExecutor(keep_alive=True)``, whose worker processes stay up for the next run of this
process (``parallel.shutdown_pool()`` stops them; they also stop at exit and after any failed run).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from treasurylab.errors import BadInput


class Pending:
    """Tasks handed to an executor by ``submit``: ``result()`` waits for them (results in task
    order) and ``cancel()`` gives up on them. ``collect`` and ``drop`` are the executor's own."""

    def __init__(self, collect: Callable[[], list], drop: Callable[[], None] = lambda: None) -> None:
        self._collect, self._drop = collect, drop

    def result(self) -> list:
        return self._collect()

    def cancel(self) -> None:
        self._drop()


class SerialExecutor:
    name = "serial"
    workers = 1

    def submit(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> Pending:
        """Nothing runs until ``result()`` (this process has no one to hand the work to)."""
        def run() -> list:
            out = []
            for i, t in enumerate(tasks):
                out.append(fn(t))
                if progress:
                    progress(i + 1, len(tasks))
            return out

        return Pending(run)

    def map(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> list:
        return self.submit(fn, tasks, progress).result()


class ProcessExecutor:
    """Blocks on local worker processes.

    ``keep_alive=True`` (what :func:`make_executor` gives) keeps one pool of ``workers`` processes
    alive across runs of this process, so a second run does not pay again for starting the
    processes and for each worker's first block (fresh process memory: ~100 ms a worker, measured on
    the 2-core machine). Only one such pool exists at a time (a run with another worker count
    replaces it); it is shut down at exit or by ``parallel.shutdown_pool``, and dropped after any error.
    Tasks still travel by pickle, so kept workers compute exactly what fresh ones would.
    """

    name = "processes"

    def __init__(self, workers: int, keep_alive: bool = False) -> None:
        self.workers = max(1, int(workers))
        self.keep_alive = bool(keep_alive)

    @property
    def started(self) -> bool:
        """True when the next :meth:`map` runs on kept workers that are already up (no fork)."""
        from treasurylab.scenario.parallel import kept_pool_alive

        return self.keep_alive and kept_pool_alive(self.workers)

    def submit(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> Pending:
        """Hand the tasks to the workers now; ``result()`` waits for them. A failed, interrupted or
        cancelled run leaves no kept workers behind (they may hold half-done work)."""
        from treasurylab.scenario.parallel import kept_pool, new_pool, shutdown_pool

        pool = kept_pool(self.workers) if self.keep_alive else new_pool(min(self.workers, len(tasks)))
        done_with = shutdown_pool if self.keep_alive else (lambda: pool.shutdown(cancel_futures=True))
        try:
            futs = {pool.submit(fn, t): i for i, t in enumerate(tasks)}
        except BaseException:
            done_with()
            raise

        def collect() -> list:
            try:
                out = _gather(futs, len(tasks), progress)
            except BaseException:
                done_with()
                raise
            if not self.keep_alive:
                pool.shutdown()
            return out

        def drop() -> None:
            for f in futs:
                f.cancel()
            done_with()

        return Pending(collect, drop)

    def map(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> list:
        return self.submit(fn, tasks, progress).result()


def _gather(futs: dict, n: int, progress) -> list:
    """The results of ``futs`` ({future: task index}) in task order, as they complete."""
    from concurrent.futures import as_completed

    results: list[Any] = [None] * n
    try:
        for done, f in enumerate(as_completed(futs), 1):
            results[futs[f]] = f.result()
            if progress:
                progress(done, n)
    except BaseException:
        for f in futs:
            f.cancel()
        raise
    return results


#: Schemes a Dask ``distributed`` scheduler listens on.
DASK_SCHEMES = ("tcp://", "tls://", "inproc://", "ucx://", "ws://", "wss://")


def check_address(address: str) -> str:
    """A Dask scheduler address must be SCHEME://HOST:PORT; checked before any work is done."""
    a = str(address).strip()
    if not a.startswith(DASK_SCHEMES) or (not a.startswith("inproc://") and ":" not in a.split("://", 1)[1]):
        raise BadInput("not a Dask scheduler address", field="--cluster", got=address,
                       fix="write tcp://HOST:PORT (the address `dask scheduler` prints)")
    return a


def _identity(payload: Any) -> Any:
    """Run on a Dask worker: hold the shared payload as a recomputable task result."""
    return payload


def _apply(fn: Callable, payload: Any, item: Any) -> Any:
    """Run on a Dask worker: rebuild the ``(payload, item)`` task from its shared payload."""
    return fn((payload, item))


def _installed_version() -> str:
    """This machine's treasurylab version, read the way the workers' is read (package metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("treasurylab")
    except PackageNotFoundError:        # running from a source tree that was never installed
        from treasurylab import __version__

        return __version__


class DaskExecutor:
    """Blocks on a Dask ``distributed`` cluster.

    A task ``(payload, block)`` whose payload is shared by many tasks (the prepared scenario, about
    0.2 MB) is sent to the cluster once, as the input of one task whose result is referenced by every task, instead of being
    pickled into each of them; the block (and so its ``SeedSequence`` child) travels with its task, so
    results do not depend on which worker runs what. ``timeout`` bounds the connection and the wait
    for at least one worker: a scheduler with no workers would otherwise accept tasks and never run them.
    """

    name = "dask"

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        address = check_address(address)
        try:
            from distributed import Client
        except ImportError:
            raise BadInput("Dask distributed is not installed", field="--cluster", got=address,
                           fix="pip install 'treasurylab[dask]'") from None
        self.address = address
        try:
            self._client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise BadInput(f"cannot reach the Dask scheduler ({type(exc).__name__})", field="--cluster",
                           got=address, fix="start it with `dask scheduler` and `dask worker ADDRESS`, "
                                            "or drop --cluster to run locally") from None
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            self._client.close()
            raise BadInput(f"the Dask scheduler has no workers (waited {timeout:g} s)", field="--cluster",
                           got=address, fix="start at least one with `dask worker ADDRESS`, "
                                            "or drop --cluster to run locally") from None
        # nthreads() lists every worker (scheduler_info() may list only the first few)
        self.workers = max(1, len(self._client.nthreads()))
        self._check_workers_code()

    def _check_workers_code(self) -> None:
        """Every worker must have this treasurylab version. Tasks carry the code by reference, so a
        worker without the package fails to even read a task (and drops its connection, so the
        client sees only a cancelled future), and another version could give other numbers."""
        from importlib.metadata import PackageNotFoundError, version

        here = _installed_version()
        try:
            # a standard-library function, so the probe itself can be read by any worker
            seen = self._client.run(version, "treasurylab")
        except PackageNotFoundError:
            self._client.close()
            raise BadInput("a Dask worker does not have treasurylab installed", field="--cluster",
                           got=self.address, fix=f"install treasurylab {here} in the workers' Python "
                                                 "environment (pip install 'treasurylab[dask]')") from None
        other = sorted({v for v in seen.values() if v != here})
        if other:
            self._client.close()
            raise BadInput(f"Dask workers run treasurylab {', '.join(other)}, this machine {here}",
                           field="--cluster", got=self.address,
                           fix=f"install treasurylab {here} on every worker so results match a local run")

    def submit(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> Pending:
        """Send the tasks to the cluster now; ``result()`` waits for them."""
        from distributed import as_completed

        futs = []
        shared: dict[int, Any] = {}      # id(payload) -> its future on the cluster
        for t in tasks:
            if isinstance(t, tuple) and len(t) == 2:
                payload, item = t
                if id(payload) not in shared:
                    # a task that returns the payload, not scatter(): scattered data cannot be
                    # recomputed, so when the worker(s) holding it die the scheduler forgets it and
                    # cancels every task waiting on it ("already forgotten"), even with broadcast=True
                    # on a loaded machine. A task's input travels in the graph, so a lost result is
                    # simply recomputed on a survivor (tests/unit/test_dask_worker_loss.py).
                    shared[id(payload)] = self._client.submit(_identity, payload, pure=False)
                futs.append(self._client.submit(_apply, fn, shared[id(payload)], item, pure=False))
            else:
                futs.append(self._client.submit(fn, t, pure=False))
        index = {f.key: i for i, f in enumerate(futs)}

        def release() -> None:
            for f in futs:                   # on an error or Ctrl-C, do not leave work on the cluster
                f.release()
            for f in shared.values():
                f.release()

        def collect() -> list:
            results: list[Any] = [None] * len(tasks)
            try:
                # loop=: this client is not the process's default one (set_as_default=False)
                for done, f in enumerate(as_completed(futs, loop=self._client.loop), 1):
                    results[index[f.key]] = f.result()
                    if progress:
                        progress(done, len(tasks))
            finally:
                release()
            return results

        return Pending(collect, release)

    def map(self, fn: Callable, tasks: list, progress: Callable[[int, int], None] | None = None) -> list:
        return self.submit(fn, tasks, progress).result()

    def close(self) -> None:
        self._client.close()


def check_workers(workers: Any, field: str = "workers") -> None:
    """The one check of a number of local workers (``--workers``, ``run(workers=...)``): a whole number >= 1
    (a NaN, 2.5 or True passed every ``< 1`` test and ran serially or as a float). ``field``: the name the
    caller wrote (the CLI passes ``--workers``; ``workers`` is the Python API's keyword)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BadInput("must be a whole number >= 1", field=field, got=workers,
                       fix="give 1 for serial, 2+ for processes")


def make_executor(workers: int | None = None, cluster: str | None = None, n_tasks: int = 1):
    """The executor for ``n_tasks`` blocks: Dask if ``cluster``, else processes, else serial."""
    if cluster:
        return DaskExecutor(cluster)
    if workers is not None:
        check_workers(workers)
    w = workers if workers is not None else (os.cpu_count() or 1)
    w = min(w, n_tasks)
    return ProcessExecutor(w, keep_alive=True) if w > 1 else SerialExecutor()
