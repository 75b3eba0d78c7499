"""One home for how a number is written (``treasurylab.numtext.number``): the cases each former copy
handled, and the differences between the copies that were bugs."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from treasurylab.numtext import number


@pytest.mark.parametrize(("x", "kw", "want"), [
    # run's table, the report's and a notebook's (was scenario.results.fmt_number)
    (1060.354, {}, "1,060.35"), (-2.5, {}, "-2.50"), (9417.79, {}, "9,417.79"),
    # the dashboard's tables (was app.cards.cell_number): a real amount never reads 0.00
    (0.00033, {}, "0.00033"), (0.0085, {}, "0.0085"), (0.0, {}, "0.00"), (0.01, {}, "0.01"),
    # the watch's indicators (was monitor.indicators.fmt_number): the publisher's precision, never -0
    (2636.94, {"decimals": 1, "small": False}, "2,636.9"), (-0.004, {"decimals": 2, "small": False}, "0.00"),
    (-18.0, {"decimals": 0, "small": False}, "-18"),
    # a rule's bound (was monitor.rules._fmt): as its author wrote it
    (650.0, {"trim": True}, "650"), (0.5, {"trim": True}, "0.5"), (1000.0, {"trim": True}, "1,000"),
    # a difference
    (1.5, {"sign": True}, "+1.50"), (-1.5, {"sign": True}, "-1.50"),
])
def test_number(x, kw, want):
    assert number(x, **kw) == want


def test_differences_that_were_bugs():
    """What the copies wrote that misread: the report's tables wrote -0.00 for a value that rounds to
    zero and 0.00 for a nonzero one (the dashboard's copy already kept two digits), and past ten
    million switched to 1.235e+07; an alert's bound of 0.001 read '0' and one of 10,000.4 read '10,000'."""
    assert number(-0.0) == "0.00" and number(-0.001) == "-0.0010"
    assert number(12_345_678.9) == "12,345,678.90"
    assert number(0.001, trim=True) == "0.001" and number(10_000.4, trim=True) == "10,000.4"


def test_not_finite_is_left_as_python_writes_it():
    assert number(math.nan) == "nan" and number(math.inf, small=False) == "inf"


def test_an_alerts_bound_is_written_as_its_rule_gives_it():
    """A change rule with a bound of -0.001 USD bn said 'below -0 USD bn' (zeros trimmed off -0.00)."""
    from treasurylab.monitor.rules import RuleFile, evaluate

    rule = {"id": "x", "title": "small drop", "kind": "change", "indicator": "china_holdings", "window": "3m",
            "below": -0.001}
    s = pd.Series([700.0, 700.0, 699.0, 699.0], index=pd.date_range(end="2026-04-01", periods=4, freq="MS"))
    r = evaluate(RuleFile.model_validate({"rules": [rule]}).rules, get_series=lambda name: s)[0]
    assert "below -0.001 USD bn" in r["condition"], r["condition"]
