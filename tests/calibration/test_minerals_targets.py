"""Every minerals calibration target passes (2024 shares, 2030 IEA outlook, the 2025 replay)."""

import pytest

from treasurylab.scenario.targets import minerals as T

_TARGETS = T.targets()


@pytest.mark.parametrize("target", _TARGETS, ids=[t.id for t in _TARGETS])
def test_target_passes(target):
    assert target.passed, (f"{target.id}: model {target.model_value:.4g} outside "
                           f"[{target.lower:.4g}, {target.upper:.4g}] (reference {target.reference})")


def test_targets_cover_the_acceptance_points():
    ids = {t.id for t in _TARGETS}
    for stage in ("mining", "separation", "magnet"):
        assert f"minerals.china_share.{stage}.2024" in ids
    assert {"minerals.china_share.mining.2030", "minerals.china_share.separation.2030"} <= ids
    assert any(i.startswith("minerals.replay.magnet_exports_yoy") for i in ids)
