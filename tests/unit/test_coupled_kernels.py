"""The month's kernels between market, macro and fiscal (model/coupled.py) in lanes form: each statement
runs over all the paths at once, so a path's numbers must not depend on the other paths."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.model import coupled as C

N = 70                                   # more than a few vector widths, with a remainder


def _alone(kernel, args, i):
    """Run ``kernel`` on path ``i`` alone: every (..., N) array sliced to (..., 1), contiguous copies;
    returns the arrays it was given (outputs and in-place inputs)."""
    one = [np.ascontiguousarray(a[..., i:i + 1]) if isinstance(a, np.ndarray) and a.ndim and a.shape[-1] == N
           else a for a in args]
    kernel(*one)
    return one


def _check_each_path_alone(kernel, make):
    together = make()
    kernel(*together)
    for i in (0, 1, 5, 33, N - 2, N - 1):
        got = _alone(kernel, make(), i)
        for k, (a, b) in enumerate(zip(together, got)):
            if isinstance(a, np.ndarray) and a.ndim and a.shape[-1] == N:
                assert np.array_equal(a[..., i:i + 1], b, equal_nan=True), (i, k)


@pytest.mark.parametrize("world,rule", [(False, True), (True, True), (True, False)])
def test_to_fiscal_each_path_gets_the_numbers_it_gets_alone(world, rule):
    def make():
        rng = np.random.default_rng(3)           # the same inputs on every call
        c = np.array([float(world), float(rule), 0.001, 0.8, 0.1, 0.5, 0.04, 0.041, 150.0, 0.025, 420.0,
                      2.5e3, 4.2, 0.043])
        mo = rng.normal(0.0, 0.02, (9, N))
        mo[7] = rng.uniform(2.4e3, 2.7e3, N)
        mo[2, :5] = -0.01                        # below the lower bound: the floor bites on some paths
        macro_regime = rng.uniform(size=N) < 0.2
        y = rng.uniform(0.0, 0.08, (5, N))
        w = [rng.normal(0.0, 0.01, N) for _ in range(8)] if world else [C._NO_PATHS] * 8
        u_world = rng.normal(0.0, 0.005, N) if world else C._NO_PATHS
        regime = rng.uniform(size=N) < 0.1
        fin = np.full((5, N), np.nan)
        win = np.full((5, N), np.nan) if world else C._NO_ROWS
        recs = [np.full(N, np.nan) for _ in range(7)]
        return [c, mo, macro_regime, y, *w, u_world, regime, fin, win, *recs]

    _check_each_path_alone(C._to_fiscal, make)


@pytest.mark.parametrize("world", [False, True])
def test_month_end_each_path_gets_the_numbers_it_gets_alone(world):
    def make():
        rng = np.random.default_rng(4)
        c = np.array([1.5, 10.0, 0.06, 1.0, 0.005, 0.001])
        debt_gdp = rng.uniform(0.9, 1.7, N)      # some above the cap (regime)
        debt_gdp[7] = np.nan
        deficit, debt, ni, gdp = (rng.uniform(100, 200, N), rng.uniform(3e4, 4e4, N), rng.uniform(50, 100, N),
                                  rng.uniform(2.4e3, 2.7e3, N))
        ww = [rng.uniform(100, 200, N), rng.uniform(2.4e3, 2.7e3, N), rng.uniform(0.9, 1.7, N)] if world \
            else [C._NO_PATHS] * 3
        regime = rng.uniform(size=N) < 0.1
        outs = [np.full(N, np.nan) for _ in range(4)]
        debt_prev = rng.uniform(3e4, 4e4, N)
        rows = [rng.normal(0.0, 0.01, (5, N)) for _ in range(5)]
        trust, esd10 = rng.uniform(0.5, 1.0, N), rng.normal(0.0, 0.01, N)
        w_tp10 = rng.normal(0.0, 0.002, N) if world else C._NO_PATHS
        official_gap = rng.normal(0.0, 50.0, N)
        recs = [np.full(N, np.nan) for _ in range(11)]
        recs[8] = rng.uniform(0.0, 100.0, N)      # r_foff: the holdings on entry, floored at 0 after the gap
        return [c, debt_gdp, deficit, debt, ni, gdp, *ww, regime, *outs, debt_prev, *rows, trust, esd10, w_tp10,
                official_gap, *recs]

    _check_each_path_alone(C._month_end, make)


@pytest.mark.parametrize("tp,by10_paths", [(True, True), (False, False), (True, False)])
def test_yields_month_each_path_gets_the_numbers_it_gets_alone(tp, by10_paths):
    def make():
        rng = np.random.default_rng(7)
        y = rng.uniform(0.03, 0.06, (5, N))
        y[3, 3:6] = 0.2                          # above the cap on a few paths: every path's yields capped
        y[1, 8] = np.nan
        tp_add = rng.normal(0.0, 0.003, 5) if tp else C._NO_TENORS
        by10 = rng.uniform(0.04, 0.045, N if by10_paths else 1)
        dy10_prev, trust = rng.normal(0.0, 0.01, N), rng.uniform(0.5, 1.0, N)
        regime = rng.uniform(size=N) < 0.1       # flags set before this step stay set
        outs = [np.full(N, np.nan) for _ in range(3)]
        return [y, tp_add, 0.1, by10, dy10_prev, 0.002, trust, regime, *outs]

    _check_each_path_alone(C._yields_month, make)
