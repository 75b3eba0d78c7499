"""The block-budget benchmark (benchmarks/bench_block_steps.py) still reaches every kernel it names:
its timers wrap module attributes, so a renamed or re-bound kernel would silently move its time to
the "month loop" row. Speed itself is measured by ``make bench``, never asserted here."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def test_block_budget_names_every_step_and_adds_up(monkeypatch):
    monkeypatch.setenv("BENCH_QUICK", "1")
    f = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_block_steps.py"
    spec = importlib.util.spec_from_file_location("bench_block_steps", f)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    from treasurylab.model import fiscal, holders

    before = (holders.holders_step, fiscal.step)
    rows = mod.run()
    assert (holders.holders_step, fiscal.step) == before      # its timers are taken off again
    total, parts = rows[0]["seconds"], {r["name"].strip(): r["seconds"] for r in rows[1:]}
    for step in ("holders: decisions and flows", "market: clearing", "market: premia and yields",
                 "fiscal, scenario path", "fiscal, world-only path", "world shocks: draws", "macro"):
        assert parts[f"step: {step}"] > 0, step
    assert abs(sum(parts.values()) - total) < 1e-9 * max(total, 1.0)
