"""Where one block's time goes: ``model.coupled.simulate`` on one 2,560-path block of ``baseline``,
split by the month's steps (the kernels each step calls, timed by wrapping them; the rest of the
month loop is "month loop (coupled.py)").

This is the budget behind the whole-run rows: a 10,000-path run is four such blocks on two cores, a
1,000,000-path run 391. One process, one BLAS thread, world shocks on (the shipped default); the
block is run once untimed first so that one-off imports and allocations are not counted.
``BENCH_QUICK=1`` runs a 256-path block once (tests/unit/test_bench_block_steps.py).
"""

from __future__ import annotations

import os
import time
from collections import defaultdict

import numpy as np

QUICK = os.environ.get("BENCH_QUICK") == "1"      # a smoke test's size
BLOCK = 256 if QUICK else 2560
REPEATS = 1 if QUICK else 3


def _wrap(mod, name: str, label, acc: dict) -> tuple:
    """Replace ``mod.name`` by a timer that adds its time under ``label(args, kwargs)``; returns
    what :func:`run` needs to put the original back."""
    f = getattr(mod, name)

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return f(*a, **k)
        finally:
            acc[label(a, k)] += time.perf_counter() - t0

    setattr(mod, name, timed)
    return mod, name, f


def _fiscal_label(a, k) -> str:
    want = k.get("outputs")
    if want == ():
        return "fiscal pre-roll (before the start)"
    if want is not None and "net_interest" not in want:
        return "fiscal, world-only path"
    return "fiscal, scenario path"


def run() -> list[dict]:
    from treasurylab.model import coupled
    from treasurylab.model import fiscal as F
    from treasurylab.model import holders as H
    from treasurylab.model import macro as MA
    from treasurylab.model import market as M
    from treasurylab.model import reserves as R
    from treasurylab.model import shocks as WS
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    setup = prepare(load_scenario("baseline"))
    coupled.simulate(setup, 64, np.random.default_rng(0))
    acc: dict[str, float] = defaultdict(float)
    undo = [
        _wrap(coupled, "holders_month", lambda a, k: "holders: the month's sums (coupled.holders_month)", acc),
        _wrap(H, "holders_step", lambda a, k: "holders: decisions and flows", acc),
        _wrap(M, "market_step", lambda a, k: "market: premia and yields", acc),
        _wrap(M, "clear_market", lambda a, k: "market: clearing", acc),
        _wrap(F, "step", _fiscal_label, acc),
        _wrap(WS, "draw", lambda a, k: "world shocks: draws", acc),
        _wrap(MA, "step", lambda a, k: "macro", acc),
        _wrap(R, "reserves_step", lambda a, k: "reserves", acc),
    ]
    best = None
    try:
        for _ in range(REPEATS):
            acc.clear()
            t0 = time.perf_counter()
            coupled.simulate(setup, BLOCK, np.random.default_rng(1))
            total = time.perf_counter() - t0
            if best is None or total < best[0]:
                best = (total, dict(acc))
    finally:
        for mod, name, f in undo:
            setattr(mod, name, f)
    total, parts = best
    missing = {"holders: decisions and flows", "market: clearing", "fiscal, scenario path", "macro"} - set(parts)
    if missing:                        # a renamed kernel would otherwise be counted as "month loop"
        raise RuntimeError(f"kernels not reached through their module attributes: {sorted(missing)}")
    # holders_month's timer includes the holders_step inside it: keep its own part only
    parts["holders: the month's sums (coupled.holders_month)"] -= parts["holders: decisions and flows"]
    parts["month loop (coupled.py)"] = total - sum(parts.values())
    rows = [{"name": "one block of baseline, all steps (coupled.simulate, 1 process)",
             "size": f"{BLOCK:,} paths x {setup.T} months", "seconds": total,
             "throughput": f"{BLOCK * setup.T / total / 1e6:.2f} M path-months/s",
             # a 10k-path run is two blocks a core (simulate <= 0.5 s), a 1M-path one 196 (<= 90 s)
             "target": "<= 0.25 s (10k paths in 0.5 s); <= 0.46 s (1M paths in 90 s)",
             "notes": f"best of {REPEATS}; the rows below split it by step"}]
    for k, v in sorted(parts.items(), key=lambda kv: -kv[1]):
        rows.append({"name": f"  step: {k}", "size": f"{BLOCK:,} x {setup.T}", "seconds": v,
                     "throughput": f"{100 * v / total:.0f}% of the block", "target": "", "notes": ""})
    return rows


if __name__ == "__main__":
    for r in run():
        print(r)
