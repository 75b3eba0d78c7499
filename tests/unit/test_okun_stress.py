"""Okun's law and the stress index, as sized on the bundled history."""

import numpy as np
import pytest

from treasurylab.model.macro import MacroParams, stress_index
from treasurylab.params import load_params
from treasurylab.params.macro_inputs import estimate_okun


def test_okun_parameters_are_the_estimate_on_cbo_history():
    est = estimate_okun()
    ps = load_params("macro")
    assert est["n"] > 250 and est["first"] == "1949q2"
    assert float(ps["okun_coefficient"]) == pytest.approx(est["okun_coefficient"], abs=5e-4)
    assert float(ps["okun_persistence"]) == pytest.approx(est["okun_persistence"], abs=5e-4)


def test_one_month_event_gives_no_gfc_spread():
    """Whatever the jump or distrust, one month moves the Baa spread by at most the worst month on
    record (+1.44 pp, Oct 2008); the GFC size takes three months and then decays slowly."""
    p = MacroParams.from_params(load_params("macro"))
    s1 = stress_index(np.array([0.02, 0.005, 0.0]), np.array([0.0, 0.0, 1.0]), p, np.zeros(3))
    assert np.all(s1 * p.baa_spread_stress <= 0.0144 + 1e-12)
    s = np.zeros(1)
    for _ in range(3):
        s = stress_index(np.array([0.02]), np.zeros(1), p, s)
    assert s[0] == pytest.approx(1.0)
    after = stress_index(np.zeros(1), np.zeros(1), p, s)
    assert after[0] == pytest.approx(p.stress_persistence)


def test_ordinary_rises_give_no_stress():
    """A rise of the 10-year within the usual months (below the 1-in-20 month, +37 bp) widens nothing:
    historically the Baa-Treasury spread does not widen when the 10-year rises."""
    p = MacroParams.from_params(load_params("macro"))
    s = stress_index(np.array([0.001, 0.0036, 0.005]), np.zeros(3), p, np.zeros(3))
    assert s[0] == 0.0 and s[1] == 0.0 and 0.0 < s[2] < p.stress_max_rise


def test_stress_parameters_are_the_history_in_the_store():
    """The stress index's and the uncertainty event's sizes are recomputed from the bundled BAA10Y and
    DGS10 (params.macro_inputs.stress_history) and match the parameter files to their rounding."""
    from treasurylab.params.macro_inputs import stress_history

    h = stress_history()
    macro, coupled = load_params("macro"), load_params("coupled")
    for name, tol in (("baa_spread_stress", 5e-5), ("stress_max_rise", 5e-3), ("stress_persistence", 5e-4),
                      ("stress_yield_jump", 5e-5), ("stress_jump_floor", 5e-5)):
        assert float(macro[name]) == pytest.approx(h[name], abs=tol), name
    assert float(coupled["uncertainty_median_move_bp"]) == pytest.approx(h["uncertainty_median_move_bp"], abs=0.5)
