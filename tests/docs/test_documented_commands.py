"""Documented commands are tests: every shell and Python block of README.md and docs/*.md runs.

Blocks are Markdown fences labelled ``sh`` (also ``bash``, ``shell``, ``console``) or ``python``; other
fences (``yaml``, plain text, equations) are not commands. Each block runs in a fresh temporary folder,
offline (``TREASURYLAB_OFFLINE=1``), with the test store:

- a shell line ``treasurylab ...`` is run in-process through the typer app (exit code must be 0);
  ``> FILE`` writes its output to FILE; other programs run through ``subprocess`` (a non-zero exit fails);
- a Python block is executed (an exception fails); the Python blocks of one file run in order in one
  namespace, as cells of a notebook do (docs/tutorial.md builds on its earlier cells).

Path counts are kept small so the whole file runs in well under a minute: ``run``, ``compare``,
``sweep`` and ``demo`` get ``--paths 16`` (a documented count above 16 is lowered to 16) and
``paths=N`` in Python becomes ``paths=16``; ``--save-paths N`` and ``save_paths=N`` are lowered to 16 with
them (more paths than a run keeps are refused). Nothing else in a command is changed.

Skipping is explicit and visible in the docs: a line ``<!-- docs-test: skip: REASON -->`` right
above a fence skips that block, and a shell line whose comment contains ``docs-test: skip`` is not run
(e.g. a command that needs a Dask scheduler or a file the reader downloaded). Skipped blocks are
reported as pytest skips with their reason. A shell line whose comment says ``docs-test: exit N`` must
exit with that documented code instead of 0 (``data update`` offline exits 3: nothing was refreshed).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL = {"sh", "bash", "shell", "console"}
SMALL_PATHS = 16
PATH_COMMANDS = {"run", "compare", "sweep", "demo"}
SKIP_BLOCK = re.compile(r"<!--\s*docs-test:\s*skip:\s*(.+?)\s*-->")
FENCE = re.compile(r"^```([A-Za-z0-9_+-]*)\s*$")


def blocks() -> list[tuple[str, int, str, str, str | None]]:
    """(file, line, language, code, skip reason) of every shell and Python block."""
    out = []
    for path in DOCS:
        lines = path.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            m = FENCE.match(lines[i])
            if not m:
                i += 1
                continue
            lang, start = m.group(1).lower(), i
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            prev = next((lines[k] for k in range(start - 1, -1, -1) if lines[k].strip()), "")
            skip = SKIP_BLOCK.search(prev)
            if lang in SHELL or lang == "python":
                out.append((path.relative_to(ROOT).as_posix(), start + 1, "python" if lang == "python" else "sh",
                            "\n".join(lines[start + 1:j]), skip.group(1) if skip else None))
            i = j + 1
    return out


BLOCKS = blocks()
_NAMESPACES: dict[str, dict] = {}   # one per file: its Python blocks share variables, like notebook cells


def _small_paths(argv: list[str]) -> list[str]:
    if len(argv) < 2 or argv[1] not in PATH_COMMANDS:
        return argv
    out = list(argv)
    for k, a in enumerate(out[:-1]):
        if a == "--save-paths":
            out[k + 1] = str(min(int(out[k + 1]), SMALL_PATHS))
    for k, a in enumerate(out[:-1]):
        if a in ("--paths", "-n"):
            out[k + 1] = str(min(int(out[k + 1]), SMALL_PATHS))
            return out
    return out + ["--paths", str(SMALL_PATHS)]


def _run_shell_line(line: str) -> None:
    from typer.testing import CliRunner

    from treasurylab.cli.main import app

    argv = shlex.split(line, comments=True)
    if not argv:
        return
    m = re.search(r"docs-test: exit (\d+)", line)
    expect = int(m.group(1)) if m else 0
    target = None
    if ">" in argv:
        k = argv.index(">")
        argv, target = argv[:k], argv[k + 1]
    if argv[0] == "treasurylab":
        argv = _small_paths(argv)
        res = CliRunner().invoke(app, argv[1:])
        assert res.exit_code == expect, f"{line!r} exited {res.exit_code}:\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        if target:
            Path(target).write_text(res.stdout)
    else:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == expect, f"{line!r} exited {done.returncode}: {done.stderr[-2000:]}"
        if target:
            Path(target).write_text(done.stdout)


@pytest.mark.parametrize("where,line,lang,code,skip", BLOCKS, ids=[f"{b[0]}:{b[1]}" for b in BLOCKS])
def test_documented_block_runs(where, line, lang, code, skip, tmp_path, monkeypatch):
    if skip:
        pytest.skip(f"marked in the docs: {skip}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TREASURYLAB_OFFLINE", "1")
    if lang == "sh":
        for raw in code.splitlines():
            if "docs-test: skip" in raw:
                continue
            _run_shell_line(raw)
    else:
        src = re.sub(r"\b(save_)?paths=\d+", lambda m: f"{m.group(1) or ''}paths={SMALL_PATHS}", code)
        ns = _NAMESPACES.setdefault(where, {"__name__": "__docs__"})
        exec(compile(src, f"{where}:{line}", "exec"), ns)


def test_blocks_were_found():
    """The extraction itself: README's tour and the tutorial are among the blocks (a parser that finds
    nothing would pass every check above)."""
    files = {b[0] for b in BLOCKS}
    assert "README.md" in files and "docs/tutorial.md" in files
    assert sum(b[2] == "sh" for b in BLOCKS) >= 4 and sum(b[2] == "python" for b in BLOCKS) >= 3
    assert os.environ.get("TREASURYLAB_STORE")


def test_relative_links_exist():
    """Every relative link of README.md and docs/*.md names a file that exists."""
    missing = []
    for path in DOCS:
        for m in re.finditer(r"\]\(([^)#\s]+)(#[^)]*)?\)", path.read_text(encoding="utf-8")):
            target = m.group(1)
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (path.parent / target).exists():
                missing.append(f"{path.relative_to(ROOT).as_posix()} -> {target}")
    assert not missing, missing


def test_scenarios_doc_states_the_baseline_window():
    """docs/scenarios.md quotes the months a run may cover; they are the ones the checks enforce."""
    from treasurylab.params.macro_inputs import ordinal_label
    from treasurylab.scenario.spec import BASELINES, baseline_window

    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for b in BASELINES:
        lo, hi = baseline_window(b)
        assert f"{b} covers {ordinal_label(lo)} .. {ordinal_label(hi)}" in text, b
