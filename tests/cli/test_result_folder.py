"""Result folders are all from one run or clearly incomplete, one writer at a time, nothing outside --out.

A run's files are staged in a hidden folder inside ``--out`` and moved into place only when the run
succeeded (scenario/resultdir.py). Here: a second writer is refused with exit 2 naming the lock; a
run killed with SIGKILL midway leaves the older result byte for byte; a failure during the final
renames leaves ``INCOMPLETE``; a later run sweeps what a dead one left; files of an older set that the
new one lacks are removed (never a mix); nothing is written beside ``--out``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.errors import BadInput
from treasurylab.scenario import resultdir
from treasurylab.scenario.resultdir import INCOMPLETE, LOCK_NAME, result_folder

#: the modules whose internals this file tests: the result folder's lock, held to test a second writer
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.scenario.resultdir",)

runner = CliRunner()
SCEN = "name: rf\nstart: 2026-01\nhorizon: 24\npaths: 20\nseed: 3\n"


def _scenario(tmp_path: Path) -> Path:
    f = tmp_path / "rf.yaml"
    f.write_text(SCEN)
    return f


def _run(args: list[str]):
    return runner.invoke(app, ["run", *args])


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_run_writes_only_its_result_set_into_out(tmp_path):
    f = _scenario(tmp_path)
    out = tmp_path / "res" / "out"
    out.parent.mkdir()
    r = _run([str(f), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.stderr
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]       # nothing beside --out
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "result.json",      # paths.nc: --save-paths
                                                     "summary.csv", "summary.parquet"]
    rec = json.loads((out / "result.json").read_text())
    assert all(Path(v).parent == out for v in rec["files"].values())    # final paths, not the stage
    assert json.loads(r.stdout)["files"]["report_html"] == str(out / "report.html")


def test_the_record_on_disk_is_the_record_on_stdout(tmp_path):
    """result.json's 'files' lacked result_json and report_html, which the stdout JSON had (the report
    was written after the record, and the record did not list itself). The record is now written last
    and is the same document as 'run --json' prints, 'files' included: there is no difference."""
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    r = _run([str(f), "--out", str(out), "--json"])
    assert r.exit_code == 0, r.stderr
    shown, saved = json.loads(r.stdout), json.loads((out / "result.json").read_text())
    assert saved == shown
    assert saved["files"] == {"summary_csv": str(out / "summary.csv"), "summary_parquet": str(out / "summary.parquet"),
                              "report_html": str(out / "report.html"), "result_json": str(out / "result.json")}
    assert sorted(Path(v).name for v in saved["files"].values()) == sorted(p.name for p in out.iterdir())


def test_the_sweep_record_on_disk_is_the_record_on_stdout(tmp_path):
    sweep = tmp_path / "s.yaml"
    sweep.write_text("name: s\nscenario: china-exit\npaths: 20\nseed: 1\nmetric: y10.p50@12\n"
                     "grid:\n  horizon: [12, 24]\n")
    out = tmp_path / "out"
    r = runner.invoke(app, ["sweep", str(sweep), "--workers", "1", "--out", str(out), "--json"])
    assert r.exit_code == 0, r.stderr
    shown, saved = json.loads(r.stdout), json.loads((out / "sweep.json").read_text())
    assert saved == shown and saved["files"]["sweep_json"] == str(out / "sweep.json")
    assert sorted(Path(v).name for v in saved["files"].values()) == sorted(p.name for p in out.iterdir())


def test_a_second_writer_gets_exit_2_naming_the_lock(tmp_path):
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    held = resultdir._Lock(out / LOCK_NAME, "--out")
    held.acquire()
    try:
        r = _run([str(f), "--out", str(out), "--no-report"])
    finally:
        held.release()
    assert r.exit_code == 2
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and LOCK_NAME in lines[0] and "another treasurylab run" in lines[0]
    assert sorted(p.name for p in out.iterdir()) == []                  # nothing written by it
    r = _run([str(f), "--out", str(out), "--no-report"])                 # released: runs
    assert r.exit_code == 0, r.stderr
    assert not (out / LOCK_NAME).exists()


def test_two_concurrent_processes_never_mix(tmp_path):
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "treasurylab.cli.main", "run", str(f), "--out", str(out), "--no-report",
           "--paths", "200"]
    procs = [subprocess.Popen(cmd + ["--seed", str(s)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for s in (1, 2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    assert {rc for rc, _ in results} <= {0, 2} and 0 in {rc for rc, _ in results}, results
    for rc, err in results:
        if rc == 2:
            assert LOCK_NAME in err and len(err.strip().splitlines()) == 1
    rec = json.loads((out / "result.json").read_text())
    import pandas as pd

    from treasurylab.scenario.runner import run

    expect = run(str(f), paths=200, seed=rec["seed"]).summary_table()   # what summary.csv holds
    got = pd.read_csv(out / "summary.csv")
    assert len(got) == len(expect)
    assert got["p50"].to_numpy() == pytest.approx(expect["p50"].to_numpy(), rel=1e-12, abs=1e-15)
    assert not (out / INCOMPLETE).exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


# The child runs the CLI with the report writer stopped midway: the summary, paths and record are
# staged, the report half written; it prints MIDWAY and waits to be killed.
CHILD = r"""
import sys, time
from pathlib import Path
import treasurylab.report.html as H
def slow(res, path, **kw):
    Path(path).write_text("<html>half")
    print("MIDWAY", flush=True)
    time.sleep(120)
H.write_report = slow
from treasurylab.cli.main import app
sys.argv = ["treasurylab", "run", sys.argv[1], "--out", sys.argv[2], "--seed", "9"]
app()
"""


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.add(int(d.name))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_run_killed_midway_leaves_the_older_result_untouched(tmp_path):
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    assert _run([str(f), "--out", str(out)]).exit_code == 0
    before = _snapshot(out)
    p = subprocess.Popen([sys.executable, "-c", CHILD, str(f), str(out)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "MIDWAY", p.stderr.read()
        workers = _children(p.pid)          # the run's worker processes (--workers: the default pool)
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    # the killed run's workers end too (they waited on a pipe they themselves held open, forever)
    assert workers
    deadline = time.monotonic() + 20
    while workers and time.monotonic() < deadline:
        workers = {w for w in workers if _alive(w)}
        time.sleep(0.1)
    assert not workers, f"worker processes {sorted(workers)} outlived the killed run"
    visible = {q.name for q in out.iterdir() if not q.name.startswith(".")}
    assert visible == set(before)
    assert {n: (out / n).read_bytes() for n in visible} == before       # byte for byte the older run
    stale = [q for q in out.iterdir() if q.name.startswith(resultdir.STAGE_PREFIX)]
    assert len(stale) == 1                                             # hidden, named as partial
    r = _run([str(f), "--out", str(out), "--seed", "9"])                 # the next writer sweeps it
    assert r.exit_code == 0, r.stderr
    assert not [q for q in out.iterdir() if q.name.startswith(".")]
    assert json.loads((out / "result.json").read_text())["seed"] == 9


# The child locks the folder, forks a grandchild that lives on (as a run's worker processes may),
# prints the grandchild's pid once the grandchild runs (its fork is over) and waits to be killed.
FORKING_WRITER = r"""
import os, sys, time
from pathlib import Path
from treasurylab.scenario.resultdir import result_folder
with result_folder(Path(sys.argv[1])):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(w, b"x")
        time.sleep(60)
        os._exit(0)
    os.read(r, 1)
    print(pid, flush=True)
    time.sleep(120)
"""


def test_a_killed_writers_forked_children_do_not_keep_its_folder_locked(tmp_path):
    """flock belongs to the open file, which a forked child shares: without closing it in the child,
    a killed run's surviving worker processes held its folder locked and every later run got exit 2."""
    out = tmp_path / "out"
    p = subprocess.Popen([sys.executable, "-c", FORKING_WRITER, str(out)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    child = None
    try:
        line = p.stdout.readline().strip()
        assert line.isdigit(), p.stderr.read()
        child = int(line)
        with pytest.raises(BadInput, match="another treasurylab run"):
            with result_folder(out):
                pass
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        os.kill(child, 0)                       # the forked child is still alive ...
        with result_folder(out) as stage:        # ... and the folder is free
            (stage / "result.json").write_text("{}")
        assert (out / "result.json").read_text() == "{}"
    finally:
        if p.poll() is None:
            p.kill()
        if child is not None:
            try:
                os.kill(child, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_a_failure_during_the_commit_leaves_incomplete(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "result.json").write_text("{}")
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(resultdir.os, "replace", flaky)
    with pytest.raises(OSError):
        with result_folder(out) as stage:
            for n in ("summary.csv", "paths.nc", "result.json"):
                (stage / n).write_text(n)
    assert (out / INCOMPLETE).exists()                                  # says so
    assert not (out / "result.json").exists() or (out / "result.json").read_text() != "{}"
    assert not [q for q in out.iterdir() if q.name.startswith(".")]


def test_an_error_in_the_run_changes_nothing_and_a_new_folder_is_not_left(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(KeyboardInterrupt):
        with result_folder(out) as stage:
            (stage / "summary.csv").write_text("half")
            raise KeyboardInterrupt
    assert not out.exists()
    old = tmp_path / "old"
    old.mkdir()
    (old / "result.json").write_text("old")
    with pytest.raises(BadInput):
        with result_folder(old) as stage:
            (stage / "result.json").write_text("new")
            raise BadInput("found during the run")
    assert _snapshot(old) == {"result.json": b"old"}


def test_files_of_an_older_set_are_removed_never_mixed(tmp_path):
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    assert _run([str(f), "--out", str(out)]).exit_code == 0
    assert (out / "report.html").exists()
    (out / "notes.txt").write_text("mine")                                # a user's own file stays
    assert _run([str(f), "--out", str(out), "--no-report", "--seed", "4"]).exit_code == 0
    assert not (out / "report.html").exists()                            # it was the older run's
    assert (out / "notes.txt").read_text() == "mine"


def test_out_that_cannot_be_written_is_refused_before_the_run(tmp_path, monkeypatch):
    f = _scenario(tmp_path)
    calls = []
    import treasurylab.scenario.runner as R

    monkeypatch.setattr(R, "run", lambda *a, **k: calls.append(1))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = _run([str(f), "--out", str(blocker / "sub"), "--no-report"])     # parent is a file
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    if os.geteuid() != 0:                                               # root may write anywhere
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            r = _run([str(f), "--out", str(ro / "x"), "--no-report"])
            assert r.exit_code == 2 and "write" in r.stderr
        finally:
            ro.chmod(0o755)
    assert calls == []                                                  # refused before any run


def test_a_run_that_replaces_an_earlier_run_says_whose_it_was(tmp_path, monkeypatch):
    """An edited copy of a scenario that keeps its name, run with no --out, replaced the results in
    out/NAME with no word said. The folder still holds the latest run (by design), but the run says
    which run it replaced - its scenario file and when it ran, from the old record - in one line on
    stderr and in --json's 'replaced'; the first run into a new folder replaced nothing and says nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "rf.yaml").write_text(SCEN)
    (tmp_path / "b" / "rf.yaml").write_text(SCEN.replace("seed: 3", "seed: 4"))     # edited, same name
    first = _run(["a/rf.yaml", "--no-report", "--json"])
    assert first.exit_code == 0, first.stderr
    doc1 = json.loads(first.stdout)
    assert doc1["replaced"] is None and "replaced" not in first.stderr
    assert doc1["meta"]["scenario_file"] == str(tmp_path / "a" / "rf.yaml")
    out = Path("out") / "rf"
    second = _run(["b/rf.yaml", "--no-report", "--json"])
    assert second.exit_code == 0, second.stderr
    doc2 = json.loads(second.stdout)
    assert doc2["replaced"]["scenario_file"] == str(tmp_path / "a" / "rf.yaml")
    assert doc2["replaced"]["ran_at"] == doc1["meta"]["ran_at"] and doc2["replaced"]["folder"] == str(out)
    lines = [x for x in second.stderr.splitlines() if "replaced" in x]
    assert lines == [f"note: replaced the results in {out} of an earlier run of rf (scenario file "
                     f"{tmp_path / 'a' / 'rf.yaml'}, ran {doc1['meta']['ran_at']})"]
    assert json.loads((out / "result.json").read_text()) == doc2                 # the record says so too
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b", "out"]       # nothing else written
    assert sorted(p.name for p in out.iterdir()) == ["result.json", "summary.csv", "summary.parquet"]
    # on screen (not --json) the same line, on stderr: stdout stays the table
    third = _run(["a/rf.yaml", "--no-report"])
    assert third.exit_code == 0, third.stderr
    assert f"scenario file {tmp_path / 'b' / 'rf.yaml'}, ran {doc2['meta']['ran_at']})" in third.stderr
    assert "replaced" not in third.stdout


def test_a_demo_that_replaces_an_earlier_demo_says_whose_it_was(tmp_path, monkeypatch):
    """demo writes davos-2026's results into OUT/davos-2026 as run does, and says in the same line as
    run which earlier run it replaced; that line had no test of its own. The first demo into a new
    folder replaced nothing and says nothing; a second says the first's scenario file and time, on
    stderr and in --json's scenario.replaced, and the record keeps it."""
    from treasurylab.cli import demo_cmd

    # the holders' chart (PNG export, tested in test_png_export.py) is not what is tested here
    monkeypatch.setattr(demo_cmd, "write_charts", lambda out_dir: [])
    args = ["demo", "--paths", "4", "--seed", "1", "--out", str(tmp_path / "o"), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stderr
    doc1 = json.loads(first.stdout)["scenario"]
    assert doc1["replaced"] is None and "replaced" not in first.stderr
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.stderr
    doc2 = json.loads(second.stdout)["scenario"]
    folder = tmp_path / "o" / "davos-2026"
    assert doc2["replaced"]["ran_at"] == doc1["meta"]["ran_at"] and doc2["replaced"]["folder"] == str(folder)
    lines = [x for x in second.stderr.splitlines() if "replaced" in x]
    assert lines == [f"note: replaced the results in {folder} of an earlier run of davos-2026 (scenario file "
                     f"{doc1['meta']['scenario_file']}, ran {doc1['meta']['ran_at']})"]
    assert json.loads((folder / "result.json").read_text())["replaced"] == doc2["replaced"]
    # on screen (not --json) the same line, on stderr: stdout stays the tables
    third = runner.invoke(app, args[:-1])
    assert third.exit_code == 0, third.stderr
    assert f"of an earlier run of davos-2026 (scenario file {doc1['meta']['scenario_file']}, ran " in third.stderr
    assert "replaced" not in third.stdout


def test_a_record_from_before_runs_kept_their_file_is_named_by_its_files_time(tmp_path):
    """A result.json written before runs recorded their scenario file and time: the run still says it
    replaced it, with the time its files were written; a folder with no result file replaced nothing."""
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")                     # not a result set: nothing replaced
    r = _run([str(f), "--out", str(out), "--no-report", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["replaced"] is None and "replaced" not in r.stderr
    rec = json.loads((out / "result.json").read_text())
    for k in ("scenario_file", "ran_at"):
        del rec["meta"][k]
    (out / "result.json").write_text(json.dumps(rec))
    os.utime(out / "result.json", (1_780_000_000, 1_780_000_000))
    for n in ("summary.csv", "summary.parquet"):
        os.utime(out / n, (1_779_000_000, 1_779_000_000))
    r = _run([str(f), "--out", str(out), "--no-report", "--json"])
    assert r.exit_code == 0, r.stderr
    got = json.loads(r.stdout)["replaced"]
    assert got["scenario_file"] is None and got["ran_at"] is None and got["written_at"] == "2026-05-28T20:26:40Z"
    assert (f"note: replaced the results in {out} of an earlier run of rf (its scenario file not recorded, "
            "its files written 2026-05-28T20:26:40Z)") in r.stderr.splitlines()


def test_a_run_that_fails_replaces_nothing_and_says_nothing(tmp_path, monkeypatch):
    """Bad input found during the run (after the folder is locked and its set read): the older result
    stays byte for byte and no 'replaced' line is written - the line follows the commit, not the lock."""
    f = _scenario(tmp_path)
    out = tmp_path / "out"
    assert _run([str(f), "--out", str(out), "--no-report"]).exit_code == 0
    before = _snapshot(out)
    import treasurylab.scenario.runner as R

    def fails(*a, **k):
        raise BadInput("found during the run", field="paths")

    monkeypatch.setattr(R, "run", fails)
    r = _run([str(f), "--out", str(out), "--no-report", "--json"])
    assert r.exit_code == 2 and "found during the run" in r.stderr and "replaced" not in r.stderr + r.stdout
    assert _snapshot(out) == before
