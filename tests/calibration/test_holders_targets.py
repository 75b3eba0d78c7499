"""Every holders target (Granovetter's analytical cases, the TIC foreign share) passes."""

import pytest

from treasurylab.scenario.targets import holders

TARGETS = holders.targets()


@pytest.mark.parametrize("t", TARGETS, ids=[t.id for t in TARGETS])
def test_holders_target(t):
    assert t.passed, f"{t.id}: model {t.model_value:.4g} {t.unit} not in [{t.lower}, {t.upper}] ({t.source})"
