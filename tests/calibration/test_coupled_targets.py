"""Every coupled-system calibration target passes (no events -> the baseline, to 1e-9)."""

import pytest

from treasurylab.scenario.targets.coupled import targets


@pytest.mark.parametrize("t", targets(), ids=lambda t: t.id)
def test_coupled_target(t):
    assert t.passed, f"{t.id}: model {t.model_value} not in [{t.lower}, {t.upper}] ({t.source})"
