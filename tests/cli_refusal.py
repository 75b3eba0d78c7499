"""The CLI's promise on bad input, as the tests check it: exit 2 and one line on stderr, no traceback."""

from __future__ import annotations

from typer.testing import CliRunner

from treasurylab.cli.main import app

_runner = CliRunner()


def refused(args: list[str], env: dict | None = None) -> str:
    """Run ``treasurylab ARGS``; assert it exits 2 with one non-empty stderr line and no traceback, and
    return that line."""
    res = _runner.invoke(app, args, env=env)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]
