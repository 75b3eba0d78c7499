"""Every macro-block calibration target passes."""

import pytest

from treasurylab.scenario.targets.macro import targets


@pytest.mark.parametrize("t", targets(), ids=lambda t: t.id)
def test_macro_target(t):
    assert t.passed, f"{t.id}: model {t.model_value} not in [{t.lower}, {t.upper}] ({t.source})"
