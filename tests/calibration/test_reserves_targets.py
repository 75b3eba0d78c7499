"""Every reserves target (PBoC monthly path, 2025 central-bank buying) passes."""

import pytest

from treasurylab.scenario.targets import reserves

TARGETS = reserves.targets()


@pytest.mark.parametrize("t", TARGETS, ids=[t.id for t in TARGETS])
def test_reserves_target(t):
    assert t.passed, f"{t.id}: model {t.model_value:.4g} {t.unit} not in [{t.lower}, {t.upper}] ({t.source})"
