"""A real distributed run: a Dask scheduler and two workers started as separate processes on
127.0.0.1 (the ``dask scheduler`` / ``dask worker`` commands), a sweep sent to them, one worker
killed with SIGKILL mid-sweep; the sweep completes on the surviving worker with results identical
to a local serial run.

Dask recomputes the tasks a lost worker held (its futures are rescheduled on the survivors), and
each (grid point, block) task carries its own ``SeedSequence`` child, so where a block ran does not
change its numbers. Every start and wait is bounded; the processes are stopped in a ``finally`` (and
killed if they do not stop). Skipped, with the reason shown, when ``distributed`` is not installed
(the optional extra ``treasurylab[dask]``; CI installs it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="Dask distributed is not installed (optional extra treasurylab[dask])")

START_TIMEOUT_S = 90      # three processes importing numpy/pandas on a loaded 2-core machine
SWEEP = {
    "name": "loss",
    "scenario": "davos-2026",
    "paths": 2 * 2560,     # two blocks per point: 16 tasks, enough to be mid-sweep when the kill lands
    "seed": 11,
    "metric": "y10.p50@12",
    "grid": {"events[type=threat].strength": [0, 0.5, 0.8, 1], "events[type=sale].amount_bn": [0.1, 300]},
}


def _dask_cmd(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("dask")
    if exe.exists():
        return [str(exe), *args]
    return [sys.executable, "-m", "distributed.cli.dask_" + args[0], *args[1:]]   # pragma: no cover


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 20
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def test_a_sweep_survives_the_loss_of_a_worker_with_identical_results(tmp_path):
    from distributed import Client

    from treasurylab.scenario.sweep import sweep

    local = sweep(SWEEP, workers=1)

    sched_file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    logs = {n: (tmp_path / f"{n}.log").open("w") for n in ("scheduler", "w1", "w2")}
    procs: list[subprocess.Popen] = []
    try:
        procs.append(subprocess.Popen(
            _dask_cmd("scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
                      "--scheduler-file", str(sched_file)),
            stdout=logs["scheduler"], stderr=subprocess.STDOUT, env=env))
        t0 = time.monotonic()
        while not sched_file.exists():
            assert time.monotonic() - t0 < START_TIMEOUT_S, "scheduler did not start"
            assert procs[0].poll() is None, (tmp_path / "scheduler.log").read_text()[-2000:]
            time.sleep(0.2)
        time.sleep(0.5)                                   # the file is written, then filled
        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for name in ("w1", "w2"):
            procs.append(subprocess.Popen(
                _dask_cmd("worker", address, "--host", "127.0.0.1", "--nthreads", "1", "--nworkers", "1",
                          "--name", name, "--no-dashboard", "--death-timeout", "60"),
                stdout=logs[name], stderr=subprocess.STDOUT, env=env))
        with Client(address, timeout=f"{START_TIMEOUT_S}s", set_as_default=False) as c:
            c.wait_for_workers(2, timeout=START_TIMEOUT_S)
            # warm both workers (imports) so the kill lands during the sweep proper
            c.run(lambda: __import__("treasurylab.scenario.setup") and None)

        killed = threading.Event()
        victim = procs[1]

        def progress(done: int, total: int) -> None:
            if done >= 2 and not killed.is_set():         # mid-sweep: some blocks done, most not
                os.kill(victim.pid, signal.SIGKILL)
                killed.set()

        remote = sweep(SWEEP, cluster=address, progress=progress)

        assert killed.is_set()
        assert victim.wait(timeout=10) == -signal.SIGKILL
        with Client(address, timeout="30s", set_as_default=False) as c:
            names = {w["name"] for w in c.scheduler_info()["workers"].values()}
        assert names == {"w2"}                            # the sweep finished on the survivor alone
        assert remote.rows == local.rows                  # identical numbers, not close ones
    finally:
        _stop(procs)
        for f in logs.values():
            f.close()
    assert all(p.poll() is not None for p in procs)
