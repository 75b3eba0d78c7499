"""docs/reliability.md's exit-code table names every command that exits with each code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _table() -> dict[int, str]:
    text = (ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| (.+) \|$", section, re.M)}


def test_every_command_with_its_own_exit_code_is_in_the_table():
    """The table gave 3 to `data update` only, while `watch` exits 3 when an alert fired (README's
    monitor section): a reader of the table took watch's 3 for a failed refresh."""
    from treasurylab.cli.data_cmd import EXIT_NOTHING_REFRESHED
    from treasurylab.monitor.rules import EXIT_FIRED

    rows = _table()
    assert {0, 1, 2} <= set(rows)
    assert "`data update`" in rows[EXIT_NOTHING_REFRESHED]
    assert "`watch`" in rows[EXIT_FIRED] and "fired" in rows[EXIT_FIRED]
