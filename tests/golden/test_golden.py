"""Golden summaries: every shipped scenario's p5/p50/p95 table equals its committed CSV.

Each scenario runs with GOLDEN_PATHS paths and its own seed; the table (headline variables in the
units shown on screen, with a unit column, at months 12, 24, 60 and the last, plus the per-path
outcomes) is compared with ``tests/golden/<name>.csv`` at
rtol 1e-6 / atol 1e-9: the run is deterministic, the tolerance only absorbs floating-point
differences between machines (libm, BLAS). A deliberate model or parameter change regenerates them:

    TREASURYLAB_REGEN_GOLDEN=1 .venv/bin/pytest -q tests/golden -p no:cacheprovider

and the diff of the CSVs shows what moved.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from treasurylab.scenario.runner import run
from treasurylab.scenario.spec import shipped

GOLDEN_PATHS = 256
HERE = Path(__file__).parent
RTOL, ATOL = 1e-6, 1e-9


@pytest.mark.parametrize("name", shipped())
def test_golden_summary(name):
    got = run(name, paths=GOLDEN_PATHS, workers=1).golden()
    path = HERE / f"{name}.csv"
    if os.environ.get("TREASURYLAB_REGEN_GOLDEN") == "1":
        got.to_csv(path, index=False, float_format="%.12g")
    assert path.exists(), f"no golden file for {name}: regenerate with TREASURYLAB_REGEN_GOLDEN=1"
    want = pd.read_csv(path, keep_default_na=False)
    assert list(got["variable"]) == list(want["variable"])
    assert [str(m) for m in got["month"]] == [str(m) for m in want["month"]]
    for col in ("p5", "p50", "p95", "mean"):
        np.testing.assert_allclose(got[col].to_numpy(float), want[col].to_numpy(float), rtol=RTOL, atol=ATOL,
                                   err_msg=f"{name}: {col}")
