"""What the tutorial's cells display is what a reader expects: no column of NaN in a table shown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]


def _block_with(text: str, needle: str) -> str:
    """The Python block of ``text`` holding ``needle``."""
    parts = text.split("```python\n")
    return next(p.split("```")[0] for p in parts[1:] if needle in p.split("```")[0])


def test_the_term_premium_cell_shows_both_series(monkeypatch):
    """``tp.tail(3)`` showed ACMTP10 as NaN in every row: the ACM series ends weeks before Kim-Wright's,
    so the last rows of the wide table have only one of the two."""
    monkeypatch.setenv("TREASURYLAB_OFFLINE", "1")
    code = _block_with((ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8"), "macro.term_premium\", start")
    lines = [ln for ln in code.strip().splitlines() if ln.strip()]
    ns: dict = {}
    exec("from treasurylab import data", ns)              # the cell before it imports it
    exec("\n".join(lines[:-1]), ns)
    shown = eval(lines[-1].split("#")[0].strip(), ns)          # the cell's displayed value
    assert isinstance(shown, pd.DataFrame) and {"ACMTP10", "THREEFYTP10"} <= set(shown.columns)
    assert len(shown) and not shown.isna().any().any(), shown
