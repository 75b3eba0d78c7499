"""Every FRB/US target passes (the macro block's responses held to the Fed's public model)."""

import pytest

from treasurylab.scenario.targets.frbus import targets


@pytest.mark.parametrize("t", targets(), ids=lambda t: t.id)
def test_frbus_target(t):
    assert t.passed, f"{t.id}: model {t.model_value} not in [{t.lower}, {t.upper}] ({t.source})"
