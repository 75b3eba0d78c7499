"""Every fiscal calibration target passes: CBO's Feb 2026 net interest and debt/GDP, CBO's interest-rate
rule of thumb on the Jan 2025 vintage, the initial ladder's WAM, bill share and average rate."""

from __future__ import annotations

import pytest

from treasurylab.scenario.targets import fiscal

_RESULTS = {r.id: r for r in fiscal.targets()}


@pytest.mark.parametrize("target_id", sorted(_RESULTS))
def test_fiscal_target_passes(target_id):
    r = _RESULTS[target_id]
    assert r.passed, (f"{r.id}: model {r.model_value:.6g} outside [{r.lower:.6g}, {r.upper:.6g}] "
                      f"({r.unit}); reference {r.reference} - {r.source}")


def test_every_required_target_is_there():
    ids = set(_RESULTS)
    assert {f"fiscal.net_interest.fy{y}" for y in range(2026, 2037)} <= ids
    assert {f"fiscal.debt_gdp.fy{y}" for y in range(2026, 2037)} <= ids
    assert {"fiscal.net_interest.total_2027_2036", "fiscal.rule_of_thumb.0_1pp",
            "fiscal.rule_of_thumb.1pp_scaling", "fiscal.ladder.wam", "fiscal.ladder.bill_share"} <= ids


def test_tolerances_are_the_ones_stated():
    r = _RESULTS["fiscal.net_interest.fy2030"]
    assert (r.upper - r.lower) / 2 == pytest.approx(0.07 * r.reference)
    r = _RESULTS["fiscal.net_interest.total_2027_2036"]
    assert (r.upper - r.lower) / 2 == pytest.approx(0.04 * r.reference)
    r = _RESULTS["fiscal.rule_of_thumb.0_1pp"]
    assert r.reference == 351.0 and (r.upper - r.lower) / 2 == pytest.approx(0.15 * 351.0)
    assert (_RESULTS["fiscal.debt_gdp.fy2036"].upper - _RESULTS["fiscal.debt_gdp.fy2036"].lower) == pytest.approx(4.0)


def test_interest_responds_to_rates_not_copied_from_cbo():
    """The engine's net interest is computed, not CBO's numbers: a higher curve raises it."""
    import numpy as np

    from treasurylab.scenario import fiscal_inputs as FI

    base = FI.run_baseline("2026-02")
    high = FI.run_baseline("2026-02", rate_shift=0.01)
    gain = high["fy_net_interest"] - base["fy_net_interest"]
    assert np.all(gain > 0) and gain[-1] > gain[0]
    cbo = np.array([base["inputs"].cbo_net_interest[int(y)] for y in base["fy"]])
    assert not np.allclose(base["fy_net_interest"], cbo, rtol=1e-3)


def test_horizon_past_the_data_is_bad_input():
    from treasurylab.errors import BadInput
    from treasurylab.scenario import fiscal_inputs as FI

    with pytest.raises(BadInput, match=r"years: the 2026-02 baseline covers FY2026-FY2036"):
        FI.cbo_baseline_inputs("2026-02", years=12)
    with pytest.raises(BadInput, match=r"vintage: no economic projections bundled"):
        FI.cbo_baseline_inputs("2019-01")
    with pytest.raises(BadInput, match="a horizon past the data is not possible"):
        FI.backtest(years=(2025, 2026))
    with pytest.raises(BadInput, match=r"start: the initial ladder needs the MSPD data"):
        FI.initial_ladder("2030-01")
