"""The compiled market twins against the numpy reference: every output and every state field, monthly.

Both implementations run side by side on deep copies of the same state, on the shipped scenarios'
own parameters, for 120+ months of seeded random inputs sized to reach the rare branches (the
backstop opening, buying at full pace and within reach, exhausting its cap, closing after calm and
firing again; flow learning on both sides of zero; trust clipped at 0 and 1); the tests assert
that those branches were actually reached.
"""

from __future__ import annotations

import copy
from dataclasses import fields, replace

import numpy as np
import pytest

pytest.importorskip("numba", reason="the compiled kernels need numba (the [fast] extra)")

from treasurylab.errors import BadInput  # noqa: E402
from treasurylab.model import market as M  # noqa: E402
from treasurylab.model.holders import init_holders  # noqa: E402
from treasurylab.model.jit import market as J  # noqa: E402
from treasurylab.scenario.setup import prepare  # noqa: E402
from treasurylab.scenario.spec import load_scenario  # noqa: E402

N = 384
MONTHS = 150


@pytest.fixture(scope="module")
def davos():
    return prepare(load_scenario("davos-2026").with_(horizon=120))


@pytest.fixture(scope="module")
def no_backstop():
    return prepare(load_scenario("no-backstop").with_(horizon=120))


def close(got, want, what: str) -> None:
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, what
    if want.dtype.kind in "biu":
        assert got.dtype.kind == want.dtype.kind, what
        np.testing.assert_array_equal(got, want, err_msg=what)
        return
    fin = np.isfinite(want)
    scale = float(np.max(np.abs(want[fin]))) if fin.any() else 1.0
    np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-12 * max(scale, 1e-300), err_msg=what)


def same_state(a: M.MarketState, b: M.MarketState, t: int) -> None:
    for f in fields(M.MarketState):
        x, y = getattr(a, f.name), getattr(b, f.name)
        if y is None or isinstance(y, int):
            assert x == y, f"month {t}: state.{f.name}"
        else:
            close(x, y, f"month {t}: state.{f.name}")


def same_out(a: M.MarketOut, b: M.MarketOut, t: int) -> None:
    for f in fields(M.MarketOut):
        close(getattr(a, f.name), getattr(b, f.name), f"month {t}: out.{f.name}")


def month_inputs(S, rng, t: int, n: int) -> dict:
    """Coupled-style inputs for month t: flows with bursts of heavy selling (and buying), noisy
    fiscal deviations, an expected policy path, and trust shocks that push it to 0 and past 1."""
    sur = rng.normal(0.0, 40.0, n)
    burst = rng.random(n) < 0.08
    sur[burst] += rng.choice([1.0, 1.0, 1.0, -1.0], burst.sum()) * rng.uniform(150.0, 2500.0, burst.sum())
    if 30 <= t < 60:                            # a sustained programme on a third of the paths: learned
        sur[: n // 3] += 120.0
    if t % 7 == 3:
        exp_ = rng.uniform(0.0, 300.0, n)
    else:
        exp_ = np.zeros(n)
    esd = np.empty((5, n))                      # tenor-major, passed as its (N, 5) view (as coupled.py)
    esd[:] = rng.normal(0.0, 0.004, n) * np.array([1.0, 0.9, 0.8, 0.6, 0.4])[:, None]
    k = S.k0 + min(t, S.T - 1)
    r = rng.random()
    dis = 0.0 if r < 0.7 else (0.05 if r < 0.8 else (0.7 if r < 0.85 else (1.3 if r < 0.88 else -0.4)))
    if t % 11 == 5:                             # per-path shocks too (the reference accepts them)
        dis = rng.uniform(-0.5, 0.8, n)
    return dict(surprise_flow_bn=sur, expected_flow_bn=exp_, announced_future_bn=float(rng.uniform(0, 2000)),
                gdp_bn=float(S.ngdp[k]) * (1.0 + rng.normal(0.0, 0.02, n)),
                debt_gdp_dev_pp=rng.normal(0.0, 8.0, n), deficit_gdp_dev_pp=rng.normal(0.0, 2.0, n),
                exp_short_dev=esd.T, baseline_yields=S.yields[k], distrust_shock=dis)


def run_both(mp, S, seed: int, *, n: int = N, months: int = MONTHS, dt: float = 1.0, flow_exp_none=False):
    rng = np.random.default_rng(seed)
    ms_ref = M.init_market(mp, n)
    if flow_exp_none:
        ms_ref.flow_expected_bn = None
    ms_jit = copy.deepcopy(ms_ref)
    seen = {"fired": 0, "buying": 0, "closed": 0, "refired": 0, "unreachable": 0, "partial": 0, "cap_spent": 0,
            "learned": 0, "learned_neg": 0, "trust0": 0, "trust1_from_below": 0}
    opened = np.zeros(n, dtype=int)
    for t in range(months):
        kw = month_inputs(S, rng, t, n)
        was_open = ms_ref.backstop_open.copy()
        x = mp.backstop_exit_bp - mp.flow_decay ** dt * ms_ref.tp_temp[:, M.I10] / M.BP
        seen["unreachable"] += int((was_open & (x <= -dt * mp.flow_amplitude_bp[M.I10])).sum())
        trust_before = ms_ref.trust.copy()
        cap = np.minimum(mp.backstop_pace_bn_per_day * M.TRADING_DAYS_PER_MONTH * dt, ms_ref.backstop_left_bn)
        ref = M.market_step(mp, ms_ref, dt_months=dt, **copy.deepcopy(kw))
        got = J.market_step(mp, ms_jit, dt_months=dt, **kw)
        same_out(got, ref, t)
        same_state(ms_jit, ms_ref, t)
        # the numbers on the branches reached
        newly = ms_ref.backstop_open & ~was_open
        opened += newly
        seen["fired"] += int(newly.sum())
        seen["refired"] += int((newly & (opened >= 2)).sum())
        seen["closed"] += int((was_open & ~ms_ref.backstop_open).sum())
        seen["buying"] += int(ms_ref.backstop_buying.sum())
        seen["partial"] += int((ms_ref.backstop_buying & (ref.fed_purchases_bn < cap - 1e-6)).sum())
        seen["cap_spent"] += int((ms_ref.backstop_open & (ms_ref.backstop_left_bn <= 1e-9)).sum())
        if ms_ref.flow_expected_bn is not None:
            seen["learned"] += int((ms_ref.flow_expected_bn > 1.0).sum())
            seen["learned_neg"] += int((ms_ref.flow_expected_bn < -1.0).sum())
        seen["trust0"] += int((ms_ref.trust == 0.0).sum())
        seen["trust1_from_below"] += int(((ms_ref.trust == 1.0) & (trust_before < 1.0)).sum())
    return seen, ms_ref, ms_jit


def test_market_step_matches_reference_davos(davos):
    mp = davos.mps[0]
    assert mp.backstop_on and mp.flow_learning > 0
    seen, _, _ = run_both(mp, davos, seed=11)
    # every rare branch was exercised
    for k in ("fired", "buying", "closed", "refired", "unreachable", "partial", "cap_spent", "learned", "learned_neg",
              "trust0", "trust1_from_below"):
        assert seen[k] > 0, (k, seen)


def test_market_step_matches_reference_no_backstop(no_backstop):
    off = [mp for mp in no_backstop.mps if not mp.backstop_on]
    assert off, "the no-backstop scenario switches the backstop off"
    seen, ms, _ = run_both(off[0], no_backstop, seed=12)
    assert seen["fired"] == 0 and seen["buying"] == 0 and (ms.backstop_fired < 0).all()


def test_backstop_switched_off_while_open(davos):
    """An episode open when the backstop is switched off (a programme segment ends) closes at once."""
    mp = davos.mps[0]
    rng = np.random.default_rng(5)
    ms_ref = M.init_market(mp, N)
    ms_jit = copy.deepcopy(ms_ref)
    mp_off = replace(mp, backstop_on=False)
    for t in range(40):
        kw = month_inputs(davos, rng, t, N)
        p = mp if t < 20 or t >= 30 else mp_off
        same_out(J.market_step(p, ms_jit, **copy.deepcopy(kw)), M.market_step(p, ms_ref, **kw), t)
        same_state(ms_jit, ms_ref, t)
    assert (ms_ref.backstop_fired >= 0).any()


@pytest.mark.parametrize("variant", ["no-learning", "no-cap", "slow-rearm", "half-month"])
def test_market_step_params_variants(davos, variant):
    mp = davos.mps[0]
    dt = 1.0
    none = False
    if variant == "no-learning":                 # flow_expected_bn is never touched (None stays None)
        mp, none = replace(mp, flow_learning=0.0), True
    elif variant == "no-cap":                    # the backstop is on but has nothing to spend: never opens
        mp = replace(mp, backstop_size_bn=0.0)
    elif variant == "slow-rearm":
        mp = replace(mp, backstop_rearm_months=0.0, backstop_exit_bp=0.0, backstop_pace_bn_per_day=5.0)
    else:
        dt = 0.5
    seen, ms, _ = run_both(mp, davos, seed=13, months=90, dt=dt, flow_exp_none=none)
    if variant == "no-learning":
        assert ms.flow_expected_bn is None
    if variant == "no-cap":
        assert seen["fired"] == 0


def test_market_step_scalar_and_per_path_forms(davos):
    """Scalars where the reference allows them (flows, GDP, a (5,) expected path), and (N, 5) baselines."""
    mp = davos.mps[0]
    rng = np.random.default_rng(3)
    ms_ref = M.init_market(mp, 7)
    ms_jit = copy.deepcopy(ms_ref)
    for t in range(30):
        kw = dict(surprise_flow_bn=float(rng.normal(0, 400)), gdp_bn=30000.0,
                  exp_short_dev=rng.normal(0, 0.003, 5), baseline_yields=rng.uniform(0.03, 0.05, (7, 5)),
                  announced_future_bn=rng.uniform(0, 500, 7), distrust_shock=rng.uniform(0, 0.1, 7))
        if t % 2:
            kw["exp_short_dev"] = np.ascontiguousarray(rng.normal(0, 0.003, (7, 5)))   # C-ordered (N, 5)
        same_out(J.market_step(mp, ms_jit, **copy.deepcopy(kw)), M.market_step(mp, ms_ref, **kw), t)
        same_state(ms_jit, ms_ref, t)


def test_market_step_errors_leave_state_untouched(davos):
    mp = davos.mps[0]
    ms = M.init_market(mp, 4)
    before = copy.deepcopy(ms)
    gdp = np.array([1.0, 2.0, 0.0, 3.0])
    with pytest.raises(BadInput, match="GDP must be > 0"):
        J.market_step(mp, ms, surprise_flow_bn=np.full(4, 500.0), gdp_bn=gdp)
    same_state(ms, before, -1)
    with pytest.raises(BadInput, match="step must be > 0"):
        J.market_step(mp, ms, gdp_bn=1.0, dt_months=0.0)


# ---------------------------------------------------------------------------------------- clearing

def same_clear(got: M.ClearOut, want: M.ClearOut, t) -> None:
    close(got.holdings, want.holdings, f"{t}: holdings")
    close(got.fed_bought, want.fed_bought, f"{t}: fed_bought")
    close(got.supply, want.supply, f"{t}: supply")


def clear_inputs(rng, h, t: int, fed_index: int, absorber):
    n, a = h.shape
    # sales >= 0: a share of holdings (some beyond them: capped), zero on most agents
    s = np.where(rng.random((n, a)) < 0.3, h * rng.uniform(0.0, 1.3, (n, a)), 0.0)
    s[rng.random(n) < 0.1] = 0.0                 # quiet paths
    fed = np.where(rng.random(n) < 0.2, rng.uniform(0.0, 400.0, n), 0.0) if fed_index >= 0 else np.zeros(n)
    supply = rng.normal(150.0, 300.0, n)
    short = rng.random(n) < 0.03                 # redemptions beyond what can be sold: scaled back
    supply[short] = -rng.uniform(1e5, 1e6, short.sum())
    if t % 5 == 2:                               # some paths' absorbers hold nothing: equal split
        empty = rng.random(n) < 0.1
        h = h.copy()
        h[np.ix_(empty, absorber)] = 0.0
    return h, s, fed, supply


@pytest.mark.parametrize("fed_case", ["spec", "fed-absorbs", "no-fed"])
def test_clear_market_matches_reference(davos, fed_case):
    spec = davos.hspecs[0]
    rng = np.random.default_rng(21)
    absorber = spec.absorber.copy()
    fed_index = spec.fed_index
    if fed_case == "fed-absorbs":
        absorber[fed_index] = True
    elif fed_case == "no-fed":
        fed_index = -1
    h_ref = init_holders(spec, N, np.random.default_rng(1)).holdings
    h_jit = h_ref.copy()
    branches = {"scaled": 0, "empty": 0}
    for t in range(MONTHS):
        h_ref, s, fed, supply = clear_inputs(rng, h_ref, t, fed_index, absorber)
        if t % 5 == 2:
            h_jit = h_ref.copy()                 # the same emptied holdings on both sides
        want = M.clear_market(h_ref, s, absorber, fed_index, fed, supply)
        got = J.clear_market(h_jit, s, absorber, fed_index, fed, supply)
        same_clear(got, want, t)
        close(got.bought, want.bought, f"{t}: bought")
        branches["scaled"] += int((want.fed_bought < fed - 1e-9).sum() + (want.supply > supply + 1e-6).sum())
        branches["empty"] += int(((h_ref @ absorber.astype(float)) <= 0).sum())
        h_ref, h_jit = want.holdings, got.holdings
        # a path scaled back sells its absorbers out: what is left is rounding (~1e-13 or exactly
        # 0), and the next month's split (pro rata, or equal when the total is <= 0) turns on it;
        # start both sides from the reference's holdings there
        wiped = (h_ref @ absorber.astype(float)) < 1e-6
        h_jit[wiped] = h_ref[wiped]
    assert branches["scaled"] > 0 and branches["empty"] > 0, branches


def test_clear_market_with_purchases_runs_the_reference(davos):
    spec = davos.hspecs[0]
    rng = np.random.default_rng(4)
    h = init_holders(spec, 64, rng).holdings
    s = rng.normal(0.0, 20.0, h.shape)           # negative entries: explicit purchases
    fed = rng.uniform(0.0, 50.0, 64)
    want = M.clear_market(h, s, spec.absorber, spec.fed_index, fed, 100.0)
    got = J.clear_market(h, s, spec.absorber, spec.fed_index, fed, 100.0)
    np.testing.assert_array_equal(got.holdings, want.holdings)
    np.testing.assert_array_equal(got.bought, want.bought)
    # scalars for the Fed and the supply, selling only
    s = np.abs(s)
    same_clear(J.clear_market(h, s, spec.absorber, spec.fed_index, 10.0, -50.0),
               M.clear_market(h, s, spec.absorber, spec.fed_index, 10.0, -50.0), "scalars")


def test_clear_market_errors_as_reference(davos):
    spec = davos.hspecs[0]
    h = init_holders(spec, 8, np.random.default_rng(2)).holdings
    s = np.zeros_like(h)
    fed = np.zeros(8)
    fed[5] = -1.0
    with pytest.raises(BadInput, match="Fed purchases must be >= 0"):
        J.clear_market(h, s, spec.absorber, spec.fed_index, fed)
    with pytest.raises(BadInput, match="need a Fed agent"):
        J.clear_market(h, s, spec.absorber, -1, np.abs(fed))


@pytest.mark.filterwarnings("ignore:invalid value encountered")
def test_non_finite_values_propagate_as_in_the_reference(davos):
    """NaN and infinities (the coupled run lets them through and flags the path at the end)."""
    mp = davos.mps[0]
    rng = np.random.default_rng(8)
    ms_ref = M.init_market(mp, 64)
    ms_jit = copy.deepcopy(ms_ref)
    for t in range(24):
        kw = month_inputs(davos, rng, t, 64)
        kw["surprise_flow_bn"][:3] = [np.nan, np.inf, -np.inf]
        kw["expected_flow_bn"] = kw["expected_flow_bn"].copy()
        kw["expected_flow_bn"][3] = np.nan
        kw["debt_gdp_dev_pp"][4] = np.inf
        kw["gdp_bn"][5] = np.inf
        kw["distrust_shock"] = np.where(np.arange(64) == 6, np.nan, 0.01)
        same_out(J.market_step(mp, ms_jit, **copy.deepcopy(kw)), M.market_step(mp, ms_ref, **kw), t)
        same_state(ms_jit, ms_ref, t)
    spec = davos.hspecs[0]
    h = init_holders(spec, 16, rng).holdings
    s = np.where(rng.random(h.shape) < 0.3, h * 0.5, 0.0)   # selling only: the compiled case
    h[0, spec.absorber] = np.nan
    h[1, 0] = np.inf
    s[2, 1] = np.inf
    fed = np.full(16, 5.0)
    fed[3] = np.nan
    supply = np.full(16, 100.0)
    supply[4] = np.nan
    supply[5] = -np.inf
    same_clear(J.clear_market(h, s, spec.absorber, spec.fed_index, fed, supply),
               M.clear_market(h, s, spec.absorber, spec.fed_index, fed, supply), "non-finite")


def test_twin_and_reference_interleave_on_one_state(davos):
    """A state stepped by either implementation month by month (a caller may fall back to numpy for
    a month) ends where the reference alone takes it."""
    mp = davos.mps[0]
    rng = np.random.default_rng(14)
    ms_ref = M.init_market(mp, 128)
    ms_mix = copy.deepcopy(ms_ref)
    for t in range(60):
        kw = month_inputs(davos, rng, t, 128)
        step = J.market_step if (t // 3) % 2 == 0 else M.market_step
        same_out(step(mp, ms_mix, **copy.deepcopy(kw)), M.market_step(mp, ms_ref, **kw), t)
        same_state(ms_mix, ms_ref, t)
