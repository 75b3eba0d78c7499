"""The Dask executor against a real ``distributed`` scheduler on the loopback interface.

One module-scoped ``LocalCluster`` (127.0.0.1 only, 2 worker processes with 1 thread each, no
dashboard) serves every test; its start is bounded and it is closed in the fixture's finaliser.
What is checked:

- ``treasurylab.run(spec, paths=..., seed=7, cluster=ADDRESS)`` gives bit-identical results to the
  serial and the process-pool runs (determinism by construction: one SeedSequence child per block);
- the shared payload is sent once and blocks come back in order whatever finishes first;
- ``treasurylab sweep FILE --cluster tcp://127.0.0.1:PORT --json`` works through the CLI and equals
  the local sweep;
- an unreachable scheduler and a scheduler without workers are bad input (exit 2), not a hang.

``distributed`` is an optional extra (``treasurylab[dask]``): without it the module is skipped with a
visible reason; CI installs it.
"""

from __future__ import annotations

import json
import logging
import socket
import time

import numpy as np
import pytest

pytest.importorskip("distributed", reason="Dask distributed is not installed (optional extra treasurylab[dask])")

from typer.testing import CliRunner

import treasurylab
from treasurylab.cli.main import app
from treasurylab.errors import BadInput
from treasurylab.scenario.ensemble import BLOCK_SIZE, run_blocks
from treasurylab.scenario.executors import DaskExecutor, SerialExecutor, make_executor

START_TIMEOUT_S = 60   # a LocalCluster starts in a few seconds; a stuck start fails the tests, not hangs
# the scheduler's small HTTP server (health checks) would otherwise listen on every interface at :8787
LOOPBACK_HTTP = {"dashboard_address": "127.0.0.1:0"}


@pytest.fixture(scope="module")
def cluster(request):
    from distributed import Client, LocalCluster

    t0 = time.monotonic()
    lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_kwargs=LOOPBACK_HTTP, silence_logs=logging.ERROR,
                      timeout=START_TIMEOUT_S)
    request.addfinalizer(lambda: lc.close(timeout=30))
    with Client(lc.scheduler_address, timeout=f"{START_TIMEOUT_S}s", set_as_default=False) as c:
        c.wait_for_workers(2, timeout=max(1.0, START_TIMEOUT_S - (time.monotonic() - t0)))
    assert lc.scheduler_address.startswith("tcp://127.0.0.1:")
    return lc.scheduler_address


def _toy(task):
    """A block function with real randomness (a random walk per path) and the block's identity."""
    payload, block = task
    rng = block.rng()
    steps = rng.standard_normal((block.size, payload["T"]))
    return {"walk": np.cumsum(steps, axis=1), "start": np.full(block.size, block.start)}


def _square(x):
    return x * x


def test_run_on_the_cluster_equals_serial_and_processes(cluster):
    paths = 2 * BLOCK_SIZE + 5                       # three blocks, the last one short
    dask = treasurylab.run("china-exit", paths=paths, seed=7, cluster=cluster)
    serial = treasurylab.run("china-exit", paths=paths, seed=7, workers=1)
    procs = treasurylab.run("china-exit", paths=paths, seed=7, workers=2)
    assert dask.meta["executor"] == "dask" and dask.meta["workers"] == 2 and dask.meta["blocks"] == 3
    assert serial.meta["executor"] == "serial" and procs.meta["executor"] == "processes"
    assert dask.ds.sizes["path"] == paths
    # bit-identical, every variable, every path
    assert dask.ds.identical(serial.ds) and procs.ds.identical(serial.ds)
    assert dask.summary().equals(serial.summary())
    # and not trivially so: the paths really differ from one another (random thresholds and shocks)
    y10 = dask.ds["y10"].values
    assert np.ptp(y10[:, -1]) > 0
    other = treasurylab.run("china-exit", paths=paths, seed=8, cluster=cluster)
    assert not np.array_equal(other.ds["y10"].values, y10)


def test_blocks_come_back_in_order_with_progress(cluster):
    seen = []
    ex = DaskExecutor(cluster)
    try:
        a = run_blocks(_toy, {"T": 6}, paths=1000, seed=11, executor=ex, block_size=128,
                       progress=lambda d, t: seen.append((d, t)))
        squares = ex.map(_square, [3, 1, 2])          # tasks that are not (payload, block) pairs
    finally:
        ex.close()
    b = run_blocks(_toy, {"T": 6}, paths=1000, seed=11, executor=SerialExecutor(), block_size=128)
    assert np.array_equal(a["walk"], b["walk"])
    assert np.array_equal(a["start"], np.repeat(np.arange(8) * 128, [128] * 7 + [104]))
    assert seen == [(i, 8) for i in range(1, 9)]
    assert squares == [9, 1, 4]


def test_sweep_through_the_cli_on_the_cluster(cluster, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: s\nscenario: davos-2026\npaths: 40\nseed: 3\nmetric: y10.p50@12\n"
                 "grid:\n  events[type=threat].strength: [0, 1]\n  events[type=sale].amount_bn: [0.1, 300]\n")
    runner = CliRunner()
    res = runner.invoke(app, ["sweep", str(f), "--cluster", cluster, "--json"])
    assert res.exit_code == 0, (res.stdout, res.stderr)
    doc = json.loads(res.stdout)                     # exactly one JSON document on stdout
    local = json.loads(runner.invoke(app, ["sweep", str(f), "--workers", "1", "--json"]).stdout)
    assert len(doc["points"]) == 4 and doc["points"] == local["points"]
    v = {(p["events[type=threat].strength"], p["events[type=sale].amount_bn"]): p["value"] for p in doc["points"]}
    assert v[(0, 300)] > v[(0, 0.1)]
    # and the human table through the same cluster
    res = runner.invoke(app, ["sweep", str(f), "--cluster", cluster])
    assert res.exit_code == 0 and "events[type=sale].amount_bn" in res.stdout


def test_run_cli_on_the_cluster_reports_the_executor(cluster, tmp_path):
    res = CliRunner().invoke(app, ["run", "baseline", "-n", "20", "--no-report", "--out", str(tmp_path),
                                   "--cluster", cluster, "--json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["paths"] == 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_scheduler_is_bad_input():
    t0 = time.monotonic()
    with pytest.raises(BadInput, match="cannot reach the Dask scheduler") as info:
        DaskExecutor(f"tcp://127.0.0.1:{_free_port()}", timeout=1)
    assert "--cluster" in str(info.value) and "dask scheduler" in str(info.value)
    assert time.monotonic() - t0 < 15


def test_scheduler_without_workers_is_bad_input_not_a_hang():
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None,
                      scheduler_kwargs=LOOPBACK_HTTP, silence_logs=logging.ERROR) as lc:
        t0 = time.monotonic()
        with pytest.raises(BadInput, match="no workers") as info:
            DaskExecutor(lc.scheduler_address, timeout=1)
        assert "dask worker" in str(info.value)
        assert time.monotonic() - t0 < 15


@pytest.mark.parametrize("address", ["localhost:8786", "tcp://", "http://127.0.0.1:8786", "8786"])
def test_malformed_address_is_bad_input_before_connecting(address):
    with pytest.raises(BadInput, match="--cluster"):
        make_executor(None, address, 3)
    res = CliRunner().invoke(app, ["run", "baseline", "-n", "5", "--cluster", address])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1 and "tcp://HOST:PORT" in res.stderr


def test_workers_with_another_treasurylab_version_are_bad_input(cluster, monkeypatch):
    """The workers' treasurylab version is checked on connect (another version, other numbers)."""
    from treasurylab.scenario import executors

    monkeypatch.setattr(executors, "_installed_version", lambda: "0.0.0-not-installed")
    with pytest.raises(BadInput, match="Dask workers run treasurylab") as info:
        DaskExecutor(cluster)
    assert "0.0.0-not-installed" in str(info.value) and "--cluster" in str(info.value)


def test_streamed_run_on_the_cluster_equals_serial(cluster, monkeypatch):
    """The streaming reduction (scenario/reduce.py) serves Dask as it serves local processes: a run
    past the exact limit, folded wave by wave, gives the serial run's summary and sample bit for bit."""
    from treasurylab.scenario import reduce as R

    monkeypatch.setattr(R, "EXACT_PATHS", BLOCK_SIZE)
    monkeypatch.setattr(R, "WAVE_BLOCKS", 2)
    paths = 3 * BLOCK_SIZE + 5
    dask = treasurylab.run("china-exit", paths=paths, seed=7, cluster=cluster, keep_paths=300)
    serial = treasurylab.run("china-exit", paths=paths, seed=7, workers=1, keep_paths=300)
    assert dask.result.meta["quantiles"] == "windows"
    assert dask.summary().equals(serial.summary()) and dask.ds.identical(serial.ds)
    assert dask.outcomes() == serial.outcomes()
