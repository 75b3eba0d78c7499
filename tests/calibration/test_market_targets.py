"""Every market calibration target (Beltran, Ahmed & Rebucci, pace, Gagnon, LSAP1, CBO fiscal, March 2020) passes."""

import pytest

from treasurylab.scenario.targets import market

TARGETS = market.targets()


@pytest.mark.parametrize("t", TARGETS, ids=[t.id for t in TARGETS])
def test_market_target(t):
    assert t.passed, f"{t.id}: model {t.model_value:.4g} {t.unit} not in [{t.lower}, {t.upper}] ({t.source})"


def test_every_acceptance_target_is_listed():
    ids = {t.id for t in TARGETS}
    for needed in ("market.beltran.impact_5y", "market.beltran.after_12m_5y", "market.ahmed_rebucci.impact_5y",
                   "market.pace.announced_vs_surprise", "market.gagnon.tp10", "market.fiscal.y10_per_pp_debt",
                   "market.march2020.rise_before_backstop", "market.march2020.reversal_after_backstop"):
        assert needed in ids


def test_pace_ratio_documented_value():
    # docs/holders_market.md states the ratio; keep the two in step
    p = market.pace()
    assert 0.05 < p["ratio"] < 0.12
    assert p["unannounced_peak"] > p["announced_peak"]
