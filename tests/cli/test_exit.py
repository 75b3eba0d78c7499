"""The console command ends without Python's teardown (cli/main.py ``main``), and loses nothing by it:
the exit code, the printed output and the files are those of a normal exit, and no worker is left."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    # timeout: a process that waits for its own workers at exit would hang here, not pass
    return subprocess.run([sys.executable, "-m", "treasurylab.cli.main", *args], capture_output=True,
                          text=True, timeout=timeout, env=os.environ.copy())


def test_a_run_on_worker_processes_ends_with_its_output_and_no_worker_left(tmp_path):
    out = tmp_path / "res"
    p = _cli("run", "baseline", "--paths", "5200", "--workers", "2", "--no-report", "--out", str(out), "--json")
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    assert doc["meta"]["paths"] == 5200 and doc["meta"]["executor"] == "processes"
    assert (out / "summary.csv").stat().st_size > 0 and json.loads((out / "result.json").read_text())
    # forked workers carry the command line of the run (its --out among it): none is still running
    assert _processes_naming(str(out)) == []


def _processes_naming(text: str) -> list[int]:
    """The pids of running processes whose command line contains ``text`` (Linux's /proc)."""
    pids = []
    for d in os.listdir("/proc"):
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                if text.encode() in f.read():
                    pids.append(int(d))
        except (OSError, ValueError):
            continue
    return pids


def test_bad_input_still_exits_2_with_one_line():
    p = _cli("run", "no-such-scenario", timeout=120)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "SCENARIO" in p.stderr


@pytest.mark.parametrize(("code", "rc", "err"), [(None, 0, ""), (3, 3, ""), ("boom", 1, "boom\n")])
def test_the_exit_code_and_pending_output_are_those_of_sys_exit(code, rc, err):
    prog = ("import sys; from treasurylab.cli.main import _end_now; sys.stdout.write('partial line'); "
            f"_end_now({code!r})")
    p = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout, p.stderr) == (rc, "partial line", err)
