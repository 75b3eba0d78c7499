"""World shocks: the estimate is regenerated from the store exactly, and the kernel's draws are
mean-zero, deterministic, and independent of which sources are switched on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from treasurylab.model import shocks as WS
from treasurylab.params import load_params

#: the modules whose internals this file tests: the shocks' estimation steps
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.params.shocks_estimate",)


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
    assert md["matched"] and md["fallback"] is None
    for h in E.MATCH_HORIZONS:
        assert md["fitted_sd"][h] == pytest.approx(md["target_sd"][h], rel=1e-6)
    # the data's p5..p95 ranges (docs/reference/uncertainty.md s1: 292 bp at 12 months, 449 bp at 60)
    assert E.P5_P95_SD * 100 * md["target_sd"][12] == pytest.approx(292, abs=1)
    assert E.P5_P95_SD * 100 * md["target_sd"][60] == pytest.approx(449, abs=1)
    assert md["kappa"] > 1.0 and 0.9 < md["root"] < md["root_ols"] < 1.0
    ols = E.bootstrap_change_sd(md["A_ols"], c["resid"].values / md["scales"], np.r_[c["loadings"][3], 0.0],
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


# --- the short-end scale (shocks_estimate.match_short_scale): the shipped estimate ----------------------
def _four_factor_case(kappa, s_level, s_rest, block=3.0):
    """A small four-factor VAR, its residuals, and the exact change s.d.s of a long and a short quantity
    under a known speed and two known residual scales (level's column; the rest)."""
    from treasurylab.params import shocks_estimate as E

    rng = np.random.default_rng(4)
    A0 = np.array([[0.985, 0.005, 0.0, 0.0], [0.02, 0.95, 0.02, 0.0],
                   [0.0, 0.04, 0.9, 0.0], [0.0, 0.02, 0.0, 0.8]])
    e = rng.standard_normal((430, 4)) * np.array([0.25, 0.3, 0.2, 0.15])
    e[:, 1] -= 0.6 * e[:, 0]          # the short end moves more than the long, as in the data,
    e[:, 2] += 2.0 * e[:, 1]          # and slope and curvature shocks move the 10-year little
    e -= e.mean(axis=0)
    ex = E.exact_loadings()
    w_long, w_short = np.r_[ex[2], 0.0], np.r_[ex[0], 0.0]
    At = np.eye(4) + kappa * (A0 - np.eye(4))
    D = np.array([s_level, s_rest, s_rest, s_rest])
    sd = E.change_sd_from_autocov(At, E.bootstrap_autocov(e * D, block, 60), np.array([w_long, w_short]))
    t_long = {h: float(sd[h][0]) for h in E.MATCH_HORIZONS}
    t_short = {h: float(sd[h][1]) for h in E.MATCH_HORIZONS}
    return A0, e, block, w_long, w_short, t_long, t_short


def test_short_scale_recovers_a_known_speed_and_two_scales():
    """Targets made by the shocks' own exact spreads under a known speed and known scales (the short
    end's residuals 1.5x the level's relative size) are matched by exactly those three numbers."""
    from treasurylab.params import shocks_estimate as E

    A0, e, block, wl, ws, tl, ts = _four_factor_case(1.8, 0.9, 1.35)
    md = E.match_short_scale(A0, e, block, wl, ws, tl, ts)
    assert md["fallback"] is None and md["matched"]
    assert md["kappa"] == pytest.approx(1.8, rel=1e-5)
    assert md["scale_level"] == pytest.approx(0.9, rel=1e-5)
    assert md["scale_rest"] == pytest.approx(1.35, rel=1e-5)
    np.testing.assert_allclose(md["scales"], [md["scale_level"]] + [md["scale_rest"]] * 3)
    np.testing.assert_allclose(md["resid"], e * md["scales"])
    for h in E.MATCH_HORIZONS:
        assert md["fitted_sd"][h] == pytest.approx(tl[h], rel=1e-6)
    assert md["fitted_sd_short"][12] == pytest.approx(ts[12], rel=1e-6)
    assert md["cond"] < 100


def test_short_scale_falls_back_to_one_scale_and_says_why():
    """A 3-month spread no scale ratio in the bounds reaches is not solved: the single-scale fit of
    match_change_spreads is used, and the result says so."""
    from treasurylab.params import shocks_estimate as E

    A0, e, block, wl, ws, tl, ts = _four_factor_case(1.8, 0.9, 1.35)
    ts = {h: 100.0 * v for h, v in ts.items()}
    md = E.match_short_scale(A0, e, block, wl, ws, tl, ts)
    one = E._shared_kappa_fit(A0, e, wl, block, tl)
    assert md["fallback"].startswith("one scale: ") and "3-month" in md["fallback"]
    assert md["kappa"] == one["kappa"] and md["scale_level"] == md["scale_rest"] == one["scale"]
    np.testing.assert_array_equal(md["A"], one["A"])
    assert md["fitted_sd"][12] == pytest.approx(tl[12], rel=1e-6)


def test_kappa_range_is_the_shared_speeds_guard():
    from treasurylab.params import shocks_estimate as E

    lo, hi = E.kappa_range(np.diag([0.9, 0.99]))
    assert lo == 0.05 and hi == pytest.approx(0.98 * 10.0)       # root 0.9 reaches 0 at kappa 10


def test_bundled_short_scale_reproduces_each_target_and_widens_the_short_end():
    """Shipped estimate (module docstring, "Short-end scale"): the 10-year's 12- and 60-month spreads
    and the 3-month's 12-month spread are each reproduced, the system is well conditioned, the short
    end's residuals are scaled up relative to the level's, and the policy rate's 12-month spread comes
    out wider than with one scale, still not wider than the fed funds record."""
    from treasurylab.params import shocks_estimate as E

    c = E.estimate_curve()
    md = c["md"]
    assert md["fallback"] is None and md["matched"]
    for h in E.MATCH_HORIZONS:
        assert md["fitted_sd"][h] == pytest.approx(md["target_sd"][h], rel=1e-6)
    assert md["fitted_sd_short"][12] == pytest.approx(md["target_sd_short"][12], rel=1e-6)
    # the data's p5..p95 range of the 3-month's 12-month changes, 1990-2025 (monthly averages)
    assert E.P5_P95_SD * 100 * md["target_sd_short"][12] == pytest.approx(458, abs=1)
    assert md["cond"] < 10
    assert md["scale_rest"] > md["scale_level"]
    np.testing.assert_allclose(c["resid"].values, (c["resid"].values / md["scales"]) * md["scales"])
    m = E._monthly_curve()
    one = E.match_change_spreads(md["A_ols"], c["resid"].values / md["scales"], np.r_[c["loadings"][3], 0.0],
                                 c["block"], m["10Y"].values)
    pol = np.r_[c["loadings"][0], 1.0]
    two = E.bootstrap_change_sd(md["A"], md["resid"], pol, c["block"])[12]
    single = E.bootstrap_change_sd(one["A"], one["resid"], pol, c["block"])[12]
    assert single < two <= E.change_spread_sd(m["DFF"].values, 12)


# --- the primary deficit from CBO's whole error paths ('record'): measured, not adopted -----------------
@pytest.fixture(scope="module")
def sp_record(sp):
    return replace(sp, deficit_draw="record")


def test_shipped_deficit_draw_is_the_ar1_and_its_numbers_did_not_move(sp):
    """Not adopted (shocks_estimate docstring): the shipped draw is the AR(1), and its deficit shocks
    are the AR(1) recursion on the innovations the month loop draws, as before the record option."""
    assert sp.deficit_draw == "ar1"
    T, n = 24, 300
    w = WS.draw(sp, n, T, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    R = sp.resid.shape[0]
    rng.integers(0, R, size=n)
    d = np.zeros(n)
    for t in range(T):
        rng.random(n)
        rng.integers(0, R, size=n)
        d = sp.rho_deficit * d + sp.sigma_deficit * rng.standard_normal(n)
        np.testing.assert_allclose(w.deficit_pp[t], sp.scale * d, rtol=0, atol=1e-12)


def test_record_draw_reproduces_the_centred_record_by_year(sp_record):
    """At the middle of each projected fiscal year every path holds one recorded (centred) error, each
    baseline's about equally often; so the draw's quantiles are the record's and its median is zero."""
    P = sp_record.deficit_paths
    w = WS.draw(sp_record, 20000, 72, np.random.default_rng(3))
    for j, m in enumerate(sp_record.deficit_path_months.astype(int)):
        x = w.deficit_pp[m]
        vals, counts = np.unique(x, return_counts=True)
        assert set(vals) <= set(P[:, j])
        assert np.all(np.abs(counts / x.size - 1.0 / P.shape[0]) < 0.01)
        for q in (0.05, 0.25, 0.5, 0.75, 0.95):
            assert np.quantile(x, q, method="inverted_cdf") == np.quantile(P[:, j], q, method="inverted_cdf")
        assert np.median(x) == 0.0                          # the median path is the baseline's


def test_record_paths_are_centred_whole_paths_linear_between_the_fiscal_years(sp_record):
    from treasurylab.params import shocks_estimate as E

    f = E.fiscal_error_paths()
    np.testing.assert_allclose(sp_record.deficit_paths, f["centred"], atol=1e-6)
    np.testing.assert_allclose(np.median(sp_record.deficit_paths, axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(f["raw"] - f["median"], f["centred"])
    assert f["baselines"][0] == "1992-03" and f["baselines"][-1] == "2020-03"   # all six years observed
    M = WS.deficit_months(sp_record, 80)
    m, P = sp_record.deficit_path_months, sp_record.deficit_paths
    np.testing.assert_allclose(M[m.astype(int)], P.T)
    np.testing.assert_allclose(M[8], P[:, 0] + (P[:, 1] - P[:, 0]) * 6 / 12)   # between years 1 and 2
    np.testing.assert_allclose(M[0], P[:, 0])                                   # flat before year 1
    np.testing.assert_allclose(M[79], P[:, -1])                                 # and after year 6


@pytest.mark.parametrize("which", ["sp_record", "sp_cum"])
def test_record_draws_keep_every_other_shock_and_the_seed(sp, which, request):
    """Both record draws (centred by year and held; centred on sums and zero after year 6): same seed,
    same numbers; the curve and macro shocks are the AR(1) draw's; fiscal off leaves the curve alone."""
    rec = request.getfixturevalue(which)
    a = WS.draw(rec, 500, 120, np.random.default_rng(5))
    b = WS.draw(rec, 500, 120, np.random.default_rng(5))
    ar = WS.draw(sp, 500, 120, np.random.default_rng(5))
    assert np.array_equal(a.deficit_pp, b.deficit_pp)
    for k in ("tenor", "policy", "inflation", "real_level", "price_level", "gap", "tp10"):
        assert np.array_equal(getattr(a, k), getattr(ar, k)), k
    assert not np.array_equal(a.deficit_pp, ar.deficit_pp)
    off = WS.draw(replace(rec, fiscal=False), 500, 120, np.random.default_rng(5))
    assert not off.deficit_pp.any() and np.array_equal(off.tenor, a.tenor)
    if which == "sp_cum":
        assert not a.deficit_pp[74:].any() and a.deficit_pp[:62].any()


def test_record_paths_as_of_a_date_use_only_published_errors():
    """As-of draws (the backtest's engine replays): only paths whose year-6 actual was published before
    the date, recentred on their own median; 2020-03's (FY2025, out on 2025-11-10) is left out in 2025."""
    from treasurylab.data.asof import as_date
    from treasurylab.errors import BadInput

    ps = load_params("shocks")
    pub = ps["primary_deficit_paths_published"]
    assert pub["2020-03"] == "2025-11-10" and pub["2019-05"] == "2024-11-10"
    full = WS.ShockParams.from_params(ps)
    for origin, n in (("2025-02", 28), ("2025-12", 29), ("2010-01", 13)):
        s = WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_asof": origin}))
        assert s.deficit_paths.shape[0] == n == sum(as_date(d) < as_date(origin) for d in pub.values())
        np.testing.assert_allclose(np.median(s.deficit_paths, axis=0), 0.0, atol=1e-12)
    assert WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_asof": "2025-12"})).deficit_paths \
        .shape == full.deficit_paths.shape
    with pytest.raises(BadInput):
        WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_asof": "1995-01"}))
    with pytest.raises(BadInput, match="shocks.primary_deficit_asof"):        # not a month: named
        WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_asof": "soon"}))
    with pytest.raises(BadInput):
        WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_draw": "gaussian"}))


def test_why_the_record_was_not_adopted():
    """The record's paths have median zero at each projected year, but a baseline's errors persist and
    are skewed: the median of their sum over years 1..5 (the debt they add, pp of GDP) is far from zero,
    so the median path's debt/GDP would leave the baseline (engine: +3.7 pp at 5 years, criterion 0.5)."""
    from treasurylab.params import shocks_estimate as E

    c = E.fiscal_error_paths()["centred"]
    np.testing.assert_allclose(np.median(c, axis=0), 0.0, atol=1e-12)
    assert np.median(c[:, :5].sum(axis=1)) > 2.5


# --- the record draw centred on its sums, nothing added after year 6 (measured; see design.md) ----------
@pytest.fixture(scope="module")
def sp_cum():
    return WS.ShockParams.from_params(load_params("shocks", {
        "primary_deficit_draw": "record", "primary_deficit_centring": "cumulative",
        "primary_deficit_after_record": "zero"}))


def test_shipped_record_choices_are_year_centring_held_after_year_6(sp):
    assert (sp.deficit_centring, sp.deficit_after_record) == ("year", "hold")


def test_cumulative_centring_has_median_zero_sums_at_every_year(sp, sp_cum):
    from treasurylab.params import shocks_estimate as E

    raw = E.fiscal_error_paths()["raw"]
    P = sp_cum.deficit_paths
    assert P.shape == raw.shape == sp.deficit_paths.shape
    np.testing.assert_allclose(np.median(np.cumsum(P, axis=1), axis=0), 0.0, atol=1e-12)
    # the same from the raw paths or the year-centred ones (a constant per year does not matter)
    np.testing.assert_allclose(WS.centre_cumulative(raw), P, atol=1e-5)
    np.testing.assert_allclose(WS.centre_cumulative(sp.deficit_paths), P, atol=1e-12)
    # each path keeps its shape: its yearly errors move by the same constant per year as every other's
    d = P - raw
    np.testing.assert_allclose(d, d[:1].repeat(d.shape[0], axis=0), atol=1e-5)
    # the yearly medians are not zero (why 'year' centring moves the median path's debt)
    assert np.abs(np.median(P, axis=0)).max() > 1.0


def test_cumulative_draw_reproduces_the_centred_sums_by_year(sp_cum):
    """At the middle of each projected year every path holds one centred error; the running sum of the
    yearly values each path holds has median zero at every year."""
    w = WS.draw(sp_cum, 20000, 120, np.random.default_rng(3))
    m = sp_cum.deficit_path_months.astype(int)
    X = w.deficit_pp[m].T                          # (n, 6)
    for j in range(6):
        assert set(np.unique(X[:, j])) <= set(sp_cum.deficit_paths[:, j])
        assert abs(np.median(np.cumsum(X, axis=1)[:, j])) < 1e-9      # 29 paths: the middle one's sum is 0


def test_after_record_zero_ramps_to_zero_by_the_middle_of_year_7(sp_cum):
    M = WS.deficit_months(sp_cum, 120)
    P, m = sp_cum.deficit_paths, sp_cum.deficit_path_months
    assert m[-1] == 62.0
    np.testing.assert_allclose(M[m.astype(int)], P.T)
    np.testing.assert_allclose(M[0], P[:, 0])                               # flat before year 1
    np.testing.assert_allclose(M[68], P[:, -1] * 0.5)                       # half way to zero
    assert not M[74:].any()                                                 # zero from year 7's middle
    held = WS.deficit_months(replace(sp_cum, deficit_after_record="hold"), 120)
    np.testing.assert_allclose(held[:63], M[:63])
    np.testing.assert_allclose(held[100], P[:, -1])


def test_record_choices_are_checked():
    from treasurylab.errors import BadInput

    with pytest.raises(BadInput):
        WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_centring": "mean"}))
    with pytest.raises(BadInput):
        WS.ShockParams.from_params(load_params("shocks", {"primary_deficit_after_record": "fade"}))
    asof = WS.ShockParams.from_params(load_params("shocks", {
        "primary_deficit_draw": "record", "primary_deficit_centring": "cumulative", "primary_deficit_asof": "2025-02"}))
    assert asof.deficit_paths.shape[0] == 28
    np.testing.assert_allclose(np.median(np.cumsum(asof.deficit_paths, axis=1), axis=0), 0.0, atol=1e-12)


@pytest.mark.parametrize("record", [False, True])
def test_the_compiled_recursion_on_a_hand_computed_case(record):
    """One path, two months, numbers small enough to follow the module docstring's equations by hand."""
    from treasurylab.model.shocks import _recursion

    A = np.array([[0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 0.5, 0], [0.1, 0, 0, 0.2]])
    resid = np.array([[1.0, 2.0, 3.0, 4.0], [0.5, 0.0, 0.0, -1.0]])
    B = np.array([[1.0, 0, 0], [1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]])
    idx = np.array([[0], [1]])
    eps = np.array([[1.0], [2.0]])
    factors, tenor = np.empty((2, 1, 4)), np.empty((2, 5, 1))
    policy, infl, real, price, gap = (np.empty((2, 1)) for _ in range(5))
    deficit = np.full((2, 1), np.nan)
    _recursion(idx, eps, resid, np.array([1.0, -2.0]), np.array([1.0, 1.0]), A, B,
               0.5, 0.01, 0.0, 0.02, 0.9, 0.1, 0.5, record, 2.0, 1.0,
               factors, tenor, policy, infl, real, price, gap, deficit)
    # x_0 = e[0]; x_1 = A x_0 + e[1]
    assert factors[:, 0].tolist() == [[1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.5, pytest.approx(-0.1, rel=1e-12)]]
    # tenors: B x[:3] times kr = 2; policy: (tenor 3m + x[3] / 100) times kr
    assert tenor[1, :, 0] == pytest.approx([2.0, 4.0, 5.0, 5.0, 7.0], rel=1e-12)
    assert policy[:, 0] == pytest.approx([2 * (1 + 0.04), 2 * (1 - 0.001)], rel=1e-12)
    # inflation AR(1) 0.5 / 0.01, growth 0 / 0.02, levels as sums of twelfths, the gap's persistence 0.5
    assert infl[:, 0] == pytest.approx([0.01, -0.015], rel=1e-12)
    assert price[:, 0] == pytest.approx([0.01 / 12, -0.005 / 12], rel=1e-12)
    assert real[:, 0] == pytest.approx([0.02 / 12, 0.04 / 12], rel=1e-12)
    assert gap[:, 0] == pytest.approx([0.02 / 12, 0.03 / 12], rel=1e-12)
    if record:          # the recorded paths replace the AR(1): left as they were
        assert np.isnan(deficit).all()
    else:
        assert deficit[:, 0] == pytest.approx([0.1, 0.29], rel=1e-12)
