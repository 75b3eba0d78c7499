"""The unemployment baseline comes from the same CBO vintage as the rest of the macro baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from treasurylab import data
from treasurylab.params.macro_inputs import unemployment_baseline


def test_unemployment_follows_the_chosen_vintage():
    u26 = unemployment_baseline("2025-06", 24)
    u25 = unemployment_baseline("2025-06", 24, vintage="2025-01")
    assert u25.shape == u26.shape == (24,)
    assert np.all(np.isfinite(u25)) and np.all((u25 > 0.02) & (u25 < 0.10))
    # the two vintages' paths differ (CBO revised its unemployment projection between them)
    assert np.max(np.abs(u25 - u26)) > 1e-4
    # and the 2025-01 path is interpolated from the file's own quarterly numbers: 2026-02 (month
    # ordinal + 0.5) lies between 2026q1 (placed at its middle month) and 2026q2
    df = data.series("cbo.econ.2025-01", variable="unemployment_rate")
    v = {d: float(x) / 100.0 for d, x in zip(df["date"].astype(str), df["value"])}
    i = (pd.Period("2026-02", "M") - pd.Period("2025-06", "M")).n
    lo, hi = sorted((v["2026q1"], v["2026q2"]))
    assert lo - 1e-12 <= u25[i] <= hi + 1e-12
    assert abs(u25[i] - (v["2026q1"] + (v["2026q2"] - v["2026q1"]) / 6.0)) < 1e-9
