"""Background scenario runs for the dashboard: a bounded queue, a bounded path count, bounded memory.

- ``MAX_PATHS`` caps the paths of one run (a browser must not be able to start a run that takes an hour);
- ``MAX_IN_FLIGHT`` runs execute at once, in worker processes of their own (``processes=True``, the
  server's default: a run then never holds the web server's interpreter lock, so pages stay fast while
  runs compute) or in threads (``processes=False``, tests); at most ``MAX_QUEUED`` more wait; a
  submission past that is refused with "busy";
- only the figures of a finished run are kept (not its arrays), and only for the last ``KEEP_DONE`` runs.

Job ids are random tokens; a job is reached only through its id (no path, no file is involved).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from treasurylab.errors import BadInput

MAX_PATHS = 2000
MAX_IN_FLIGHT = 1
MAX_QUEUED = 5
KEEP_DONE = 16


@dataclass
class Job:
    id: str
    label: str
    status: str = "queued"          # queued | running | done | failed
    done: int = 0
    total: int = 1
    error: str = ""
    figures: list = field(default_factory=list)   # [(div id, title, plotly figure dict, as-of text)]
    warnings: tuple[str, ...] = ()  # the scenarios' likely unit slips, kept as given (Scenario.warnings)


class Busy(Exception):
    pass


def _in_process(run_fn, job_id, spec, paths, seed, compare, shared):
    """Runs in a worker process: progress goes to the manager's dict the server reads."""
    shared[job_id] = (0, 1)

    def progress(d: int, n: int) -> None:
        shared[job_id] = (d, max(n, 1))

    return run_fn(spec, paths, seed, compare, progress)


class JobQueue:
    def __init__(self, run_fn, max_in_flight: int = MAX_IN_FLIGHT, max_queued: int = MAX_QUEUED,
                 keep_done: int = KEEP_DONE, processes: bool = False) -> None:
        self._run_fn = run_fn
        self._shared = None
        if processes:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            ctx = mp.get_context("spawn")    # never fork a threaded server
            self._manager = ctx.Manager()
            self._shared = self._manager.dict()
            from treasurylab.scenario.parallel import exit_with_parent

            # its workers end with the server, even a killed one (exit_with_parent)
            self._pool = ProcessPoolExecutor(max_workers=max_in_flight, mp_context=ctx, initializer=exit_with_parent)
        else:
            self._pool = ThreadPoolExecutor(max_workers=max_in_flight, thread_name_prefix="treasurylab-run")
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._cap = max_in_flight + max_queued
        self._keep = keep_done

    def _pending(self) -> int:
        return sum(j.status in ("queued", "running") for j in self._jobs.values())

    def submit(self, label: str, spec: Any, paths: int, seed: int, compare: Any = None) -> str:
        if isinstance(paths, bool) or not isinstance(paths, int) or not 1 <= paths <= MAX_PATHS:
            raise BadInput(f"must be a whole number from 1 to {MAX_PATHS}", field="paths", got=paths,
                           fix=f"choose at most {MAX_PATHS} paths here (the CLI runs more)")
        from treasurylab.scenario.spec import check_seed

        check_seed(seed, "seed", fix="e.g. 7")
        with self._lock:
            if self._pending() >= self._cap:
                raise Busy(f"{self._pending()} runs are queued or running; try again when one finishes")
            job = Job(secrets.token_urlsafe(12), label,
                      warnings=tuple(w for sc in (spec, compare) for w in getattr(sc, "warnings", ())))
            self._jobs[job.id] = job
            done = [k for k, j in self._jobs.items() if j.status in ("done", "failed")]
            for k in done[: max(0, len(done) - self._keep)]:
                del self._jobs[k]
        if self._shared is None:
            self._pool.submit(self._work, job, spec, paths, seed, compare)
        else:
            fut = self._pool.submit(_in_process, self._run_fn, job.id, spec, paths, seed, compare, self._shared)
            fut.add_done_callback(lambda f, job=job: self._finish(job, f))
        return job.id

    def _finish(self, job: Job, fut) -> None:
        try:
            figures, error = fut.result(), None
        except Exception as exc:
            figures, error = [], str(exc) if isinstance(exc, BadInput) else f"{type(exc).__name__}: {exc}"
        with self._lock:    # against get() writing 'running' over the end (see there)
            if error is None:
                job.figures, job.done, job.status = figures, job.total, "done"
            else:
                job.error, job.status = error, "failed"
        if self._shared is not None:
            self._shared.pop(job.id, None)

    def _work(self, job: Job, spec, paths, seed, compare) -> None:
        job.status = "running"

        def progress(d: int, n: int) -> None:
            job.done, job.total = d, max(n, 1)

        try:
            job.figures = self._run_fn(spec, paths, seed, compare, progress)
            job.done = job.total
            job.status = "done"
        except Exception as exc:  # the job reports it; the server goes on
            job.error = str(exc) if isinstance(exc, BadInput) else f"{type(exc).__name__}: {exc}"
            job.status = "failed"

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None and self._shared is not None and job.status in ("queued", "running"):
            p = self._shared.get(job.id)
            if p is not None:
                # the run may have ended (_finish, on the pool's thread) while the progress was read: the
                # check and the write under one lock, or 'running 1/1' could be written over 'done' and,
                # the progress entry gone, stay there. (A page seen polling 'running 1/1' for 10 minutes
                # under load was another cause: Dash dropped each 'done' answer, server._poll says why.)
                with self._lock:
                    if job.status in ("queued", "running"):
                        job.status, (job.done, job.total) = "running", p
        return job

    def close(self) -> None:
        """Stop the workers (queued runs are dropped); called when the server stops."""
        procs = list(getattr(self._pool, "_processes", None) or {}) if self._shared is not None else []
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._shared is not None:
            import os
            import signal

            for pid in procs:
                try:
                    os.kill(pid, signal.SIGTERM)
                except OSError:
                    pass
            self._manager.shutdown()

    def stats(self) -> dict[str, int]:
        with self._lock:
            out: dict[str, int] = {}
            for j in self._jobs.values():
                out[j.status] = out.get(j.status, 0) + 1
            return out
