"""The weekly foreign-demand reading: each label from crafted custody / reverse repo / FIMA series."""

from __future__ import annotations

import pandas as pd
import pytest

from treasurylab.monitor.demand import BAND_BN, read


def _w(first, last, n=14):
    idx = pd.date_range(end="2026-06-24", periods=n, freq="W-WED")
    return pd.Series([first] * (n - 1) + [last], index=idx, dtype=float)


@pytest.mark.parametrize("dc, dr, fima, label", [
    (+20, 0, 0, "build"),
    (-(BAND_BN - 1), 0, 0, "steady"),
    (-40, +30, 0, "rotation"),
    (-40, -0.5 * BAND_BN, 0, "rotation"),
    (-40, -30, 0, "retreat"),
    (-40, -30, 12.0, "borrowing"),
])
def test_labels(dc, dr, fima, label):
    r = read(_w(2700, 2700 + dc), _w(300, 300 + dr), _w(0, fima))
    assert r.label == label and r.custody_change == pytest.approx(dc)
    assert r.as_of == "2026-06-24"


def test_without_reverse_repo_history_a_fall_is_not_classified():
    r = read(_w(2700, 2650), _w(300, 300, n=1), None)
    assert r.label == "custody down, unclassified" and "cannot be told apart" in r.sentence
