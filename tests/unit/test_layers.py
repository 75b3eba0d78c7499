"""Layering: data -> params -> model -> scenario -> monitor -> report -> app -> cli; a lower layer never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import treasurylab

PKG = Path(treasurylab.__file__).parent
ORDER = ["data", "params", "model", "scenario", "monitor", "report", "app", "cli"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


MODULES = sorted(p for layer in ORDER for p in (PKG / layer).rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PKG)))
def test_no_upward_import(path):
    layer = path.relative_to(PKG).parts[0]
    higher = ORDER[ORDER.index(layer) + 1:]
    bad = sorted(m for m in _imports(path)
                 if m.startswith("treasurylab.") and m.split(".")[1] in higher)
    assert not bad, f"{path.relative_to(PKG)} ({layer}) imports a higher layer: {bad}"
