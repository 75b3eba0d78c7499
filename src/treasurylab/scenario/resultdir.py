"""Result folders written all-or-nothing, one writer at a time.

``with result_folder(out) as stage: ...`` is how ``run``, ``sweep`` and ``demo`` write a result set:

1. **Lock.** ``out/.treasurylab.lock`` is locked (``flock``, exclusive, non-blocking) before any work
   is done. A second run into the same folder gets :class:`~treasurylab.errors.BadInput` (exit 2)
   naming the lock, instead of interleaving its files with the first run's. The kernel releases the
   lock when a writer dies, even by SIGKILL, so a stale lock file never blocks anyone. (A ``flock``
   belongs to the open file, which forked children share: the worker processes a run forks would
   keep a killed writer's lock alive, so a forked child closes its copies at once: ``_HELD``.)
2. **Stage.** Every file of the set is written into a fresh hidden folder ``out/.partial-XXXXXXXX``
   (unique per run, on the same file system as ``out`` so that the renames below are atomic). A
   folder that cannot be written is found here, before the run, not after it.
3. **Commit**, only when the body finished without an exception: an ``INCOMPLETE`` marker is written
   into ``out``, the older record and the files of the older set that the new one lacks are removed,
   each staged file is moved into place with ``os.replace`` (``result.json`` or ``sweep.json``, the
   records, last), and the marker is removed. A run interrupted before the commit leaves the older result untouched (and
   a hidden ``.partial-*`` folder that the next writer sweeps); one interrupted during the commit's
   few renames leaves ``INCOMPLETE`` beside the files, saying so. A folder without ``INCOMPLETE`` is
   therefore all from one run.

On any exception (bad input found during the run, Ctrl-C) the staging folder is removed, the folder
is left as it was (and removed if this run created it and it is still empty), and the lock released.
Nothing is written outside ``out``.

A folder holds its latest result set, by design; a writer that replaces one says so.
:func:`earlier_set`, called under the lock (so the set cannot change before the commit), reads what
the folder holds - whose run it was, from its record - and :func:`replaced_line` words it, once the
commit has happened: ``run`` writing an edited copy of a shipped scenario into ``out/NAME`` names the
run it replaced instead of replacing it with no word said.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from treasurylab.errors import BadInput

LOCK_NAME = ".treasurylab.lock"
STAGE_PREFIX = ".partial-"
INCOMPLETE = "INCOMPLETE"
#: the files of a result set, records last; an older set's files the new set lacks are removed
RESULT_FILES = ("summary.csv", "summary.parquet", "paths.nc", "report.html", "sweep.html",
                "result.json", "sweep.json")
RECORDS = ("result.json", "sweep.json")


#: descriptors of the folder locks this process holds (the module's one piece of process state).
#: A child forked while a lock is held (a run's worker processes) closes its copies of them right
#: after the fork (:func:`_drop_locks_in_child`), so the lock lives exactly as long as the writer:
#: a killed writer's workers, which may outlive it, no longer hold its folder locked.
_HELD: set[int] = set()


def _drop_locks_in_child() -> None:
    """In a forked child: close the inherited lock descriptors. Closing a copy never unlocks (the
    writer's own descriptor still refers to the open file); only the child's reference goes."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_locks_in_child)


class _Lock:
    """An exclusive ``flock`` on ``path``; the file is removed on release (the inode is checked
    after locking, so a writer that locked a file another one just removed tries again)."""

    def __init__(self, path: Path, field: str) -> None:
        self.path, self.field, self.fd = path, field, None

    def acquire(self) -> None:
        import fcntl

        for _ in range(10):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:
                raise BadInput(f"cannot write there ({exc.strerror})", field=self.field,
                               got=str(self.path.parent), fix="choose a folder you can write to") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise BadInput("another treasurylab run is writing this folder", field=self.field,
                               got=str(self.path.parent),
                               fix=f"wait for it to finish (it holds the lock {self.path}) or choose "
                                   "another --out") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                _HELD.add(fd)
                os.write(fd, f"{os.getpid()}\n".encode())
                return
            os.close(fd)                  # the holder removed it as we opened it: lock the new one
        raise BadInput("could not lock the folder", field=self.field, got=str(self.path.parent),
                       fix="retry, or choose another --out")

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            _HELD.discard(self.fd)
            os.close(self.fd)
            self.fd = None


def _sweep_stale(out: Path) -> None:
    """Staging folders of writers that died (the lock is ours, so none of them is alive)."""
    for p in out.glob(STAGE_PREFIX + "*"):
        shutil.rmtree(p, ignore_errors=True)


def _commit(stage: Path, out: Path) -> None:
    new = {p.name for p in stage.iterdir()}
    marker = out / INCOMPLETE
    marker.write_text("A treasurylab run was moving its results into this folder and did not finish:\n"
                      "the files here may come from two runs. Run it again.\n")
    for name in RECORDS:                                   # the older record first: from here on no
        (out / name).unlink(missing_ok=True)               # record describes files of two runs
    for name in RESULT_FILES:
        if name not in new:
            (out / name).unlink(missing_ok=True)
    for name in sorted(new, key=lambda n: n in RECORDS):   # the records last
        src, dst = stage / name, out / name
        if dst.is_dir() and not src.is_dir():
            raise BadInput("a folder is in the way of a result file", field="--out", got=str(dst),
                           fix="remove or rename that folder")
        os.replace(src, dst)
    marker.unlink()


def utc_stamp(seconds: float | None = None) -> str:
    """``seconds`` since the epoch (default: now) as UTC to the second, ``2026-12-07T12:46:34Z``: the
    one form of a run's ``meta.ran_at`` and of :func:`earlier_set`'s times."""
    import datetime
    import time

    t = time.time() if seconds is None else seconds
    return datetime.datetime.fromtimestamp(t, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def earlier_set(out: str | Path) -> dict | None:
    """The result set ``out`` holds now, before a writer replaces it; None when it holds no result
    file (a new or empty folder). Read it under the folder's lock, so it is the set the commit replaces.

    ``{"folder", "kind", "name", "scenario_file", "ran_at", "written_at"}``: ``kind`` is "run" or
    "sweep" by its record (None when the record is missing or unreadable: an interrupted commit),
    ``name`` the scenario's or the sweep's, ``scenario_file`` and ``ran_at`` (UTC) from a run record's
    ``meta`` (None in a record written before runs kept them), ``written_at`` (UTC) the newest result
    file's modification time, which every set has."""
    out = Path(out)
    present = [out / n for n in (*RESULT_FILES, INCOMPLETE) if (out / n).is_file()]
    if not present:
        return None
    info: dict = {"folder": str(out), "kind": None, "name": None, "scenario_file": None, "ran_at": None,
                  "written_at": utc_stamp(max(p.stat().st_mtime for p in present))}
    import json

    for record, kind, key in (("result.json", "run", "scenario"), ("sweep.json", "sweep", "sweep")):
        try:
            rec = json.loads((out / record).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(rec, dict):
            continue
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        info.update(kind=kind, name=rec.get(key), scenario_file=meta.get("scenario_file"), ran_at=meta.get("ran_at"))
        break
    return info


def replaced_line(info: dict) -> str:
    """One line saying which earlier result set a writer replaced (:func:`earlier_set`'s answer)."""
    what = {"run": "an earlier run", "sweep": "an earlier sweep"}.get(info.get("kind"), "an earlier result set")
    if info.get("name"):
        what += f" of {info['name']}"
    when = (f"ran {info['ran_at']}" if info.get("ran_at")
            else f"its files written {info['written_at']}")
    src = (f"scenario file {info['scenario_file']}" if info.get("scenario_file")
           else "its scenario file not recorded")
    return f"replaced the results in {info['folder']} of {what} ({src}, {when})"


@contextmanager
def result_folder(out: str | Path, field: str = "--out") -> Iterator[Path]:
    """Lock ``out``, yield a staging folder to write the result set into, commit it on success."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise BadInput("exists and is a file, not a folder", field=field, got=str(out),
                       fix="give a folder name (it is created if its parent exists)")
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create the folder ({exc.strerror})", field=field, got=str(out),
                       fix="choose a folder you can write to") from None
    lock = _Lock(out / LOCK_NAME, field)
    stage = None
    try:
        lock.acquire()
        _sweep_stale(out)
        try:
            stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
        except OSError as exc:
            raise BadInput(f"cannot write into the folder ({exc.strerror})", field=field, got=str(out),
                           fix="choose a folder you can write to") from None
        yield stage
        _commit(stage, out)
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
        lock.release()
        if created:
            try:
                out.rmdir()           # only if empty: a run that failed before writing leaves no trace
            except OSError:
                pass
