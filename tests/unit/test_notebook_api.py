"""The notebook API: treasurylab.run(...) -> Run with summary(), fan(), paths(), _repr_html_; compare(a, b)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import treasurylab
from treasurylab.errors import BadInput


@pytest.fixture(scope="module")
def base():
    return treasurylab.run("baseline", paths=8, seed=1, workers=1)


@pytest.fixture(scope="module")
def exit_():
    return treasurylab.run("china-exit", paths=8, seed=1, workers=1)


def test_summary_has_units(base):
    s = base.summary()
    assert isinstance(s, pd.DataFrame) and "unit" in s.columns
    y = s[s["variable"] == "y10"]
    assert set(y["unit"]) == {"percent"} and 1.0 < y["p50"].iloc[0] < 15.0


def test_fan_has_history_then_fan(base):
    fig = base.fan("y10")
    assert fig.data[0].name == "observed" and max(fig.data[0].x) < base.months[0]
    assert any(t.name == "median" for t in fig.data)


def test_paths_frame(base):
    p = base.paths("debt_gdp")
    assert isinstance(p.index, pd.DatetimeIndex) and p.shape == (len(base.months), 8)
    np.testing.assert_allclose(p.to_numpy(), base.ds["debt_gdp"].values.T * 100.0)
    assert p.attrs["unit"] == "% of GDP"


def test_unknown_variable_is_bad_input(base):
    with pytest.raises(BadInput, match="not a monthly output"):
        base.fan("y11")


def test_repr_html_and_delegation(base):
    h = base._repr_html_()
    assert "<table>" in h and "10-year yield" in h and "percent" in h
    assert base.outcomes() is not None and base.ds is base.result.ds


def test_compare(base, exit_):
    c = treasurylab.compare(base, exit_)
    s = c.summary()
    row = s[(s["variable"] == "foreign_total")].iloc[-1]
    assert row["p50 difference (b - a)"] < 0                  # China sold: fewer foreign holdings
    fig = c.fan("y10")
    assert sum(t.name == "observed" for t in fig.data) == 1 and "china-exit" in fig.layout.title.text
    assert "<table>" in c._repr_html_()
