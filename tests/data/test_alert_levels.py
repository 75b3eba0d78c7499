"""Alert levels set from the bundled history: each rule whose basis states a percentile rule is checked
against the file - the level is that percentile, and the share of past observations that would have fired
is what the basis says (an alert that fires at almost every auction tells nothing)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from treasurylab import data
from treasurylab.monitor import indicators
from treasurylab.monitor.rules import load_rules

TOLERANCE_PP = 3.0   # the firing rate over history may differ from the percentile's by ties, not more

# "the 10th percentile of nominal 10-year note auctions 2009-01-01 to 2025-12-31 ... rounded to 0.1, so it
# fired at 10% of them"
_RULE = re.compile(r"the (\d+)th percentile of .*? (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}).*?rounded to 0\.1, "
                   r"so it fired at (\d+)% of them")


def _percentile_rules():
    return [r for r in load_rules() if r.basis and _RULE.search(r.basis)]


def test_the_auction_alerts_state_a_percentile_rule():
    ids = {r.id for r in _percentile_rules()}
    assert {"indirect_10y_below_p10", "tail_10y_above_p90"} <= ids


@pytest.mark.parametrize("rule", _percentile_rules(), ids=lambda r: r.id)
def test_level_and_firing_rate_are_what_the_basis_says(rule):
    pct, start, end, stated = _RULE.search(rule.basis).groups()
    s = indicators.series(rule.indicator)
    hist = s[(s.index >= pd.Timestamp(start)) & (s.index <= pd.Timestamp(end))]
    assert len(hist) > 100
    kind, level = rule.bound()
    assert level == pytest.approx(round(float(hist.quantile(int(pct) / 100)), 1))
    rate = 100.0 * float(hist.map(rule.hit).mean())
    expected = int(pct) if kind in ("below", "at_most") else 100 - int(pct)
    assert abs(rate - expected) <= TOLERANCE_PP, (rule.id, rate)
    assert abs(rate - int(stated)) <= 0.5, (rule.id, rate, stated)   # the rate the basis prints, rounded


def test_indirect_share_excludes_soma_add_ons():
    # Fiscal Data's total_accepted includes SOMA's add-on tenders, which come on top of offering_amt (the
    # public offering): total minus offering is never negative where indirect bidders are reported
    df = data.series("treasury.auctions")
    df = df[df["indirect_share"].notna()]
    assert set(df["indirect_basis"]) == {"offering"}
    assert (df["accepted_bn"] - df["offering_bn"] >= -1e-6).all()
    # 2026-08-12 10-year note: 32.088bn to indirect bidders of a 42bn offering, 52.6bn accepted with SOMA
    r = df[(df["date"] == "2026-08-12") & (df["tenor"] == "10-Year")].iloc[0]
    assert r["indirect_share"] == pytest.approx(100 * 32087936000 / 42e9)
