"""Every reserves target (PBoC monthly path, 2025 central-bank buying) passes."""

import pytest

from treasurylab.scenario.targets import reserves

TARGETS = reserves.targets()


@pytest.mark.parametrize("t", TARGETS, ids=[t.id for t in TARGETS])
def test_reserves_target(t):
    assert t.passed, f"{t.id}: model {t.model_value:.4g} {t.unit} not in [{t.lower}, {t.upper}] ({t.source})"


def test_the_freeze_gold_target_rejects_a_freeze_at_signal_1():
    """Before coupled.reserves_freeze_weight was sized on 2022-2025, a freeze added 1 to the signal: the
    managers then bought $67bn of extra gold in a year, above every year of the excess after 2022."""
    t = next(t for t in TARGETS if t.id == "reserves.freeze.gold_usd_year")
    old = reserves.freeze_gold_usd({"coupled": {"reserves_freeze_weight": 1.0}})
    assert old > t.upper * 1.3, (old, t.upper)
    assert t.lower <= t.model_value <= t.upper
