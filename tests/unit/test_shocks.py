"""World shocks: the estimate is regenerated from the store exactly, and the kernel's draws are
mean-zero, deterministic, and independent of which sources are switched on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from treasurylab.model import shocks as WS
from treasurylab.params import load_params


def test_regenerating_the_estimate_gives_the_shipped_file():
    from treasurylab.params import shocks_estimate as E

    assert E.OUT.read_text() == E.render(), \
        "params/defaults/shocks.yaml is stale: run python -m treasurylab.params.shocks_estimate --write"


def test_every_estimated_number_has_a_source_and_a_date():
    ps = load_params("shocks")
    for name, p in ps.meta.items():
        assert p.unit and p.source and p.date, name


@pytest.fixture(scope="module")
def sp():
    return WS.ShockParams.from_params(load_params("shocks"))


def test_switched_off_gives_none():
    assert WS.ShockParams.from_params(load_params("shocks", {"enabled": False})) is None


def test_draws_are_deterministic_and_centred(sp):
    a = WS.draw(sp, 4000, 60, np.random.default_rng(3))
    b = WS.draw(sp, 4000, 60, np.random.default_rng(3))
    assert np.array_equal(a.tenor, b.tenor) and np.array_equal(a.deficit_pp, b.deficit_pp)
    # mean zero: the median 10y shock after 5 years is within a few bp of zero, its spread is not
    y10 = a.tenor[-1, 3]
    assert abs(np.median(y10)) < 0.0015
    assert np.percentile(y10, 95) - np.percentile(y10, 5) > 0.02
    assert abs(np.median(a.deficit_pp[-1])) < 0.3


def test_switching_a_source_off_keeps_the_others_draws(sp):
    full = WS.draw(sp, 500, 24, np.random.default_rng(5))
    no_rates = WS.draw(replace(sp, rates=False), 500, 24, np.random.default_rng(5))
    assert not no_rates.tenor.any() and not no_rates.policy.any()
    assert np.array_equal(full.deficit_pp, no_rates.deficit_pp)
    assert np.array_equal(full.inflation, no_rates.inflation)


def test_shock_rng_leaves_the_block_generator_untouched():
    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    WS.shock_rng(r1).random(10)
    assert r1.random() == r2.random()


def test_tenor_loadings_reproduce_the_factor_definitions(sp):
    # 3m, 2y, 10y are exact functions of level, slope, curvature
    f = np.array([4.0, 1.0, -0.3])
    y3m, y2y, _, y10, _ = sp.loadings @ f
    assert np.isclose((y3m + y2y + y10) / 3, 4.0) and np.isclose(y10 - y3m, 1.0)
    assert np.isclose(2 * y2y - y3m - y10, -0.3)


def test_bootstrap_change_sd_is_the_kernels_spread(sp):
    """The minimum distance's exact s.d. of the 10-year shock equals what the kernel's stationary
    bootstrap draws (Monte Carlo, 20,000 paths: sampling error about 0.5%)."""
    from treasurylab.params import shocks_estimate as E

    w = WS.draw(sp, 20000, 60, np.random.default_rng(11))
    exact = E.bootstrap_change_sd(sp.A, sp.resid, np.r_[sp.loadings[3], 0.0], sp.block_length, (12, 60))
    for h in (12, 60):
        mc = float(np.std(w.tenor[h - 1, 3])) * 100       # decimal -> pp
        assert mc == pytest.approx(exact[h], rel=0.03), h


def test_minimum_distance_matches_the_data_and_speeds_up_reversion():
    """Shipped estimate: the shocks' 10-year spread equals history's at 12 and 60 months (the OLS VAR
    was ~25% too wide at 60 months), with a faster but still persistent level root."""
    from treasurylab.params import shocks_estimate as E

    c = E.estimate_curve()
    md = c["md"]
    assert md["matched"]
    for h in E.MATCH_HORIZONS:
        assert md["fitted_sd"][h] == pytest.approx(md["target_sd"][h], rel=1e-6)
    # the data's p5..p95 ranges (docs/reference/uncertainty.md s1: 292 bp at 12 months, 449 bp at 60)
    assert E.P5_P95_SD * 100 * md["target_sd"][12] == pytest.approx(292, abs=1)
    assert E.P5_P95_SD * 100 * md["target_sd"][60] == pytest.approx(449, abs=1)
    assert md["kappa"] > 1.0 and 0.9 < md["root"] < md["root_ols"] < 1.0
    ols = E.bootstrap_change_sd(md["A_ols"], c["resid"].values / md["scale"], np.r_[c["loadings"][3], 0.0],
                                c["block"])
    assert ols[60] / md["target_sd"][60] > 1.15        # what the adjustment corrects


def test_minimum_distance_on_a_synthetic_series():
    """A random walk's changes widen as sqrt(h): matched to it, a mean-reverting AR(1) is slowed down
    (kappa < 1); matched to a fast-reverting AR(1)'s changes it is sped up (kappa > 1)."""
    from treasurylab.params import shocks_estimate as E

    rng = np.random.default_rng(0)
    e = rng.standard_normal((6000, 1)) * 0.25
    A = np.array([[0.97]])
    rw = np.cumsum(rng.standard_normal(6000) * 0.25)
    slow = E.match_change_spreads(A, e - e.mean(), np.array([1.0]), 1.0, rw)
    ar = np.zeros(6000)
    for t in range(1, 6000):
        ar[t] = 0.9 * ar[t - 1] + 0.25 * rng.standard_normal()
    fast = E.match_change_spreads(A, e - e.mean(), np.array([1.0]), 1.0, ar)
    assert slow["kappa"] < 1.0 < fast["kappa"]
    # an AR(1) cannot widen quite as fast as a random walk: the slowest allowed speed, flagged
    assert not slow["matched"] and slow["kappa"] == pytest.approx(0.05)
    assert fast["matched"] and fast["fitted_sd"][60] == pytest.approx(fast["target_sd"][60], rel=1e-4)
    for md in (slow, fast):
        assert md["fitted_sd"][12] == pytest.approx(md["target_sd"][12], rel=1e-6)


# --- per-factor speeds (shocks_estimate.match_speeds): measured, not adopted ----------------------------
def _three_factor_case(K, scale=1.3, block=4.0):
    """A small VAR, its residuals and the exact change s.d.s of two quantities under known speeds."""
    from treasurylab.params import shocks_estimate as E

    rng = np.random.default_rng(2)
    A0 = np.array([[0.985, 0.01, 0.0], [0.03, 0.95, 0.02], [0.0, 0.05, 0.9]])
    e = rng.standard_normal((400, 3)) * np.array([0.2, 0.3, 0.1])
    e -= e.mean(axis=0)
    W = {"a": np.array([1.0, 0.5, 0.0]), "b": np.array([1.0, -0.5, 1.0])}
    At = np.eye(3) + np.diag(K) @ (A0 - np.eye(3))
    sd = E.change_sd_from_autocov(At, E.bootstrap_autocov(e * scale, block, 60), np.array([W["a"], W["b"]]))
    targets = {g: (W[g], {h: float(sd[h][n]) for h in E.MATCH_HORIZONS}) for n, g in enumerate("ab")}
    return A0, e, block, targets


def test_per_factor_speeds_recover_known_speeds_and_scale():
    """Targets made by the shocks' own exact spreads under known speeds are matched by exactly those
    speeds (level-like factor faster, the other two one slower speed) and that residual scale."""
    from treasurylab.params import shocks_estimate as E

    A0, e, block, targets = _three_factor_case(np.array([1.6, 0.7, 0.7]))
    md = E.match_speeds(A0, e, block, targets, groups=("a", "b", "b"), scale_on="a")
    assert md["fallback"] is None and md["matched"]
    assert md["speeds"]["a"] == pytest.approx(1.6, rel=1e-5)
    assert md["speeds"]["b"] == pytest.approx(0.7, rel=1e-5)
    assert md["scale"] == pytest.approx(1.3, rel=1e-6)
    for g in "ab":
        assert md["fitted_ratio"][g] == pytest.approx(md["target_ratio"][g], rel=1e-6)


def test_per_factor_speeds_fall_back_to_the_shared_kappa_and_say_why():
    """A 60/12 ratio no stable speed reaches (wider than a random walk's sqrt(5)) is not pinned: every
    factor gets the shared kappa, and the result says so."""
    from treasurylab.params import shocks_estimate as E

    A0, e, block, targets = _three_factor_case(np.array([1.6, 0.7, 0.7]))
    w, sd = targets["b"]
    targets["b"] = (w, {12: sd[12], 60: 2.5 * sd[12]})
    md = E.match_speeds(A0, e, block, targets, groups=("a", "b", "b"), scale_on="a")
    assert not md["matched"] and md["fallback"].startswith("shared kappa: ")
    assert "no exact solution" in md["fallback"]
    assert md["speeds"]["a"] == md["speeds"]["b"] == md["kappa_shared"]
    assert md["fitted_sd"]["a"][12] == pytest.approx(md["target_sd"]["a"][12], rel=1e-6)


def test_stability_guard_keeps_roots_positive_and_inside():
    from treasurylab.params import shocks_estimate as E

    A = np.diag([0.9, 0.99])
    assert E.passes_stability_guard(A, np.array([1.0, 1.0]))
    assert E.passes_stability_guard(A, np.array([9.7, 1.0]))        # root 0.03 (0.01 at K / 0.98)
    assert not E.passes_stability_guard(A, np.array([9.9, 1.0]))    # within 2% of a root at zero
    assert not E.passes_stability_guard(A, np.array([1.0, -1.0]))   # a root above 1


def test_per_factor_speeds_on_the_bundled_data_narrow_the_policy_rate():
    """Why per-factor speeds were not adopted (shocks_estimate docstring): on 1990-2025 each speed is
    pinned by its own 60/12 ratio (the short end slower than the shared speed, the level faster), yet
    the policy rate's 12-month spread comes out narrower than with the shared speed, both below the
    fed funds record: its shortfall is the size of the short end's shocks, not their persistence."""
    from treasurylab.params import shocks_estimate as E

    c = E.estimate_curve(per_factor=True)
    md = c["md"]
    assert md["fallback"] is None
    for g in E.SPEED_TARGETS:
        assert md["fitted_ratio"][g] == pytest.approx(md["target_ratio"][g], rel=1e-6)
    assert md["fitted_sd"]["long"][12] == pytest.approx(md["target_sd"]["long"][12], rel=1e-6)
    shared = E.estimate_curve()["md"]
    assert md["kappa_shared"] == pytest.approx(shared["kappa"], rel=1e-6)
    assert md["speeds"]["short"] < shared["kappa"] < md["speeds"]["long"]
    pol = np.r_[c["loadings"][0], 1.0]
    now = E.bootstrap_change_sd(shared["A"], shared["resid"], pol, c["block"])
    assert md["fitted_sd"]["short"][12] < now[12] < md["target_sd"]["short"][12]
