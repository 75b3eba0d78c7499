"""How often each shipped rule fires over its own bundled history, judged at every past observation by the
code that judges today's (rules.replay): a basis that states a rate states the one the history gives, and
a rule that fires on more than 20% or less than 1% of its history is listed here with why, so a new one
cannot slip in unnoticed (an alert that fires most of the time, or never, tells the reader little)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from treasurylab.monitor import indicators
from treasurylab.monitor.rules import Deadline, load_rules, replay

LOW_PCT, HIGH_PCT = 1.0, 20.0
MIN_JUDGED = 20   # fewer judged observations than this: no rate is measured

#: rules outside [1%, 20%] over their whole bundled history, and why they stay as they are for now
OUTSIDE = {
    "china_below_650": "fired through 2000-2008 while China's holdings rose past 650 bn; none since 2009: a "
                       "level below today's, the reader's",
    "ten_year_above_5": "the 10-year stood above 5% most days 1962-2007; none since 2008",
    "mortgage_above_7": "above 7% most weeks 1971-2001; since 2000 about 8% of weeks",
    "pboc_month_without_gold": "the curated PBoC table starts in 2022, before the purchase streak of Nov 2024",
}
#: rules whose bundled history is too short to measure a rate
UNMEASURED = {
    "fima_repo_drawn": "the H.4.1 release-page lines are bundled from 2026-06 only",
    "dollar_reserve_share_below_55": "one COFER quarter (2025q4) is bundled",
}


def _histories():
    out = {}
    for r in load_rules():
        if isinstance(r, Deadline):
            continue
        s = indicators.series(r.indicator)
        h = replay(r, s, indicators.published(r.indicator, s.index))
        out[r.id] = (r, h[h["fired"].notna()])
    return out


@pytest.fixture(scope="module")
def histories():
    return _histories()


def _rate(h: pd.DataFrame) -> float:
    return 100.0 * float(h["fired"].astype(bool).mean())


def test_rules_outside_1_to_20_percent_of_their_history_are_the_listed_ones(histories):
    rates = {k: _rate(h) for k, (_, h) in histories.items() if len(h) >= MIN_JUDGED}
    assert {k for k, (_, h) in histories.items() if len(h) < MIN_JUDGED} == set(UNMEASURED)
    outside = {k for k, v in rates.items() if not LOW_PCT <= v <= HIGH_PCT}
    assert outside == set(OUTSIDE), {k: round(v, 1) for k, v in rates.items()}


# "3% of Japan's 3-month changes since 2000 were below -50 bn"
_STATED = re.compile(r"(\d+)% of [^;()]*? since (\d{4})")


def test_a_rate_a_basis_states_is_the_history_s(histories):
    checked = 0
    for rule_id, (rule, h) in histories.items():
        for m in _STATED.finditer(rule.basis or ""):
            rate = _rate(h[h.index >= pd.Timestamp(m.group(2))])
            assert abs(rate - int(m.group(1))) <= 0.5, (rule_id, m.group(0), round(rate, 2))
            checked += 1
    assert checked >= 3
