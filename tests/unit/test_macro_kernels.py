"""The macro block's month kernel (model/macro.py ``_month``) in lanes form: each statement runs over
all the paths at once, so a path's numbers must not depend on the other paths."""

from __future__ import annotations

import numpy as np
import pytest
from tests.unit.test_coupled_kernels import N, _check_each_path_alone

from treasurylab.model import macro as M
from treasurylab.params import load_params


@pytest.mark.parametrize("case", ["plain", "stress_here", "fiscal_paths", "fiscal_one", "events", "override",
                                  "no_floor"])
def test_month_each_path_gets_the_numbers_it_gets_alone(case):
    c = M._consts(M.MacroParams.from_params(load_params("macro"))).copy()
    if case == "events":
        c[M._WF] = 0.1                            # the policy rate in the real rate: a loop of its own
    # month scalars: base y10, policy, gap, gdp, gap shock, spread add-ons, override, fiscal, stress here
    m = np.array([0.042, 0.036, 0.0, 30e3, 0.0, 0.0, 0.0, np.nan, 0.0, 0.0])
    if case == "stress_here":
        m[M._M_STRESS] = 1.0
    if case in ("fiscal_paths", "fiscal_one", "events"):
        m[M._M_FISCAL] = 1.0
    if case == "events":
        m[M._M_GAP_SHOCK], m[M._M_ADD_M], m[M._M_ADD_B] = -0.004, 0.003, 0.005
    if case == "override":
        m[M._M_OVERRIDE] = 0.01
    if case == "no_floor":
        m[M._M_BASE_POLICY] = c[M._LB] - 0.001    # baseline below the lower bound: no floor on deviations

    def make():
        rng = np.random.default_rng(5)            # the same inputs on every call
        dy10 = rng.normal(0.0, 0.01, N)
        dy10[:4] = 0.2                            # beyond the 10y cap: the regime flag and the cap bite
        dy10[9] = np.nan
        stress = M._NONE if case == "stress_here" else rng.uniform(0.0, 1.0, N)
        jump, distrust = ((rng.normal(0.0, 0.01, N), rng.uniform(0.0, 1.0, N)) if case == "stress_here"
                          else (M._NONE, M._NONE))
        purchases = rng.normal(0.0, 0.01, N if case in ("fiscal_paths", "events") else 1)
        transfers = rng.normal(0.0, 0.01, N if case == "fiscal_paths" else 1)
        state = [rng.normal(0.0, 0.01, N) for _ in range(11)]
        state[0][10:13] = 0.5                     # gap beyond its cap on a few paths
        state[3][20:25] = -0.08                   # policy deviation below the floor's room
        state[10] = rng.uniform(0.0, 1.0, N)      # last month's stress
        out = np.full((9, N), np.nan)
        regime = np.zeros(N, dtype=bool)
        return [c, m, dy10, stress, jump, distrust, purchases, transfers, *state, out, regime]

    _check_each_path_alone(M._month, make)
