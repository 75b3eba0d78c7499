"""Numbers of docs/design.md (world shocks) and docs/tutorial.md: the VAR's largest root (from the
estimated parameters in shocks.yaml), the historical p5-p95 spreads of the 10-year's changes
(``params.shocks_estimate.historical_change_spread_bp``), the same spreads measured on the baseline
run the world-shock test uses (4,000 paths, seed 11), and the runner's kept-paths limit."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MEASURE_PATHS, MEASURE_SEED = 4000, 11      # as tests/unit/test_world_shocks.py


@lru_cache(maxsize=4)
def _hist(h: int) -> float:
    from treasurylab.params.shocks_estimate import historical_change_spread_bp

    return historical_change_spread_bp(h)


@lru_cache(maxsize=1)
def _measured() -> dict[int, float]:
    from treasurylab.scenario.runner import run

    r = run("baseline", paths=MEASURE_PATHS, seed=MEASURE_SEED, workers=1, keep_paths=MEASURE_PATHS)
    y = r.ds["y10"].to_numpy() * 1e4
    return {h: float(np.ptp(np.percentile(y[:, h] - y[:, 0], [5, 95]))) for h in (12, 60)}


def var_root() -> str:
    from treasurylab.params import load_params

    a = np.asarray(load_params("shocks")["var_persistence"], dtype=float)
    return f"largest root {np.max(np.abs(np.linalg.eigvals(a))):.3f} a month"


def random_walk() -> str:
    return f"about {round(np.sqrt(5) * _hist(12), -1):.0f} bp against {_hist(60):.0f} bp"


def measured() -> str:
    m = _measured()
    return (f"10-year's 12-month change ≈ {m[12]:.0f} bp (history 1990-2025: {_hist(12):.0f} bp), 60-month ≈ "
            f"{m[60]:.0f} bp (history {_hist(60):.0f} bp")


def keep_paths() -> str:
    from treasurylab.scenario.runner import KEEP_PATHS

    return f"every path of a run of up to {KEEP_PATHS:,} paths, the first {KEEP_PATHS:,} of a larger one"


SECTIONS = {
    "design-var-root": var_root,
    "design-random-walk": random_walk,
    "design-shock-spreads": measured,
    "tutorial-keep-paths": keep_paths,
}
