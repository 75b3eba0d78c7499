"""Numbers of docs/design.md (world shocks) and docs/tutorial.md: the VAR's largest root (from the
estimated parameters in shocks.yaml), the historical p5-p95 spreads of the 10-year's changes
(``params.shocks_estimate.historical_change_spread_bp``), the same spreads (and the 10-year term premium's, against
ACM's history) measured on the baseline run the world-shock test uses (4,000 paths, seed 11), and the runner's kept-paths limit."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

MEASURE_PATHS, MEASURE_SEED = 4000, 11      # as tests/unit/test_world_shocks.py


@lru_cache(maxsize=4)
def _hist(h: int) -> float:
    from treasurylab.params.shocks_estimate import historical_change_spread_bp

    return historical_change_spread_bp(h)


@lru_cache(maxsize=1)
def _run():
    from treasurylab.scenario.runner import run

    return run("baseline", paths=MEASURE_PATHS, seed=MEASURE_SEED, workers=1, keep_paths=MEASURE_PATHS)


def _spreads(var: str) -> dict[int, float]:
    y = _run().ds[var].to_numpy() * 1e4
    return {h: float(np.ptp(np.percentile(y[:, h] - y[:, 0], [5, 95]))) for h in (12, 60)}


def _measured() -> dict[int, float]:
    return _spreads("y10")


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


def term_premium() -> str:
    """The world term premium's loadings (shocks.yaml) and its band against ACM's history."""
    from treasurylab.params import load_params
    from treasurylab.params.shocks_estimate import change_spread_bp, monthly_term_premium

    b = np.asarray(load_params("shocks")["term_premium_loadings"], dtype=float)
    acm = monthly_term_premium()
    hist = {h: change_spread_bp(acm, h) for h in (12, 60)}
    m = _spreads("tp10")
    return (f"loadings {b[0]:.2f} (level), {b[1]:.2f} (slope), {b[2]:.2f} (curvature); the baseline's "
            f"10-year term premium then spreads ≈ {m[12]:.0f} bp over 12 months (ACM 1990-2025: {hist[12]:.0f} bp) "
            f"and ≈ {m[60]:.0f} bp over 60 months (ACM: {hist[60]:.0f} bp)")


def keep_paths() -> str:
    from treasurylab.scenario.runner import KEEP_PATHS

    return f"every path of a run of up to {KEEP_PATHS:,} paths, the first {KEEP_PATHS:,} of a larger one"


SECTIONS = {
    "design-var-root": var_root,
    "design-random-walk": random_walk,
    "design-shock-spreads": measured,
    "design-term-premium": term_premium,
    "tutorial-keep-paths": keep_paths,
}
