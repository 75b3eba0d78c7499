"""The fast paths of the monthly kernels give the numbers of their plain reference formulas.

- ``clear_market`` (a compiled loop, one path at a time) gives bitwise the holdings, purchases, Fed
  purchases and supply of the general algorithm written with numpy (kept here as the reference, as
  in the module docstring), its row sums taken in the order the loop adds them; on selling-only
  months (every sale >= 0) and on months with explicit buyers alike.
- ``holders_step`` computes the signal as one small matmul over the cascade-capable agents only and
  draws their noise by Box-Muller in float32; a direct transcription of the documented equations
  with the same draws gives the same decisions and flows.
- The Box-Muller draws are standard normal (moments, Kolmogorov-Smirnov) and reproducible.
- A run that keeps only a sample of its paths has the same summary and outcomes as a full one.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy import stats

from treasurylab.model.holders import HoldersSpec, _normal_f32, holders_step, init_holders
from treasurylab.model.market import clear_market

#: the modules whose internals this file tests: the holders' float32 samplers
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.model.holders",)


def _row_sums(x):
    """Row sums added left to right (the order of the kernel's sums over the absorbers; a matmul or
    ``sum`` may add in another order and differ in the last bits)."""
    return np.cumsum(x, axis=1)[:, -1]


def _four_lanes(x):
    """Row sums in the kernel's order for the sales' totals: four running sums over the columns
    j = r mod 4, the last A mod 4 columns into the first, then (s0 + s1) + (s2 + s3)."""
    a = x.shape[1]
    full = a - a % 4
    lanes = [np.zeros(x.shape[0]) for _ in range(4)]
    for j in range(full):
        lanes[j % 4] = lanes[j % 4] + x[:, j]
    for j in range(full, a):
        lanes[0] = lanes[0] + x[:, j]
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])


def clear_reference(h, s, absorber, fed_index, fed, supply):
    """The general clearing algorithm, step by step (explicit sales, Fed, supply, residual)."""
    n, a = h.shape
    absf = absorber.astype(float)
    pos = np.maximum(s, 0.0)
    sold = np.minimum(pos, h)
    buy = pos - s
    redeem = np.maximum(-supply, 0.0)
    issue = np.maximum(supply, 0.0)
    h1 = h - sold
    sold_tot = _four_lanes(sold)
    buy_tot = _four_lanes(buy)
    demand = buy_tot + fed + redeem
    offer = sold_tot + issue + _row_sums(h1 * absf)
    f = np.ones(n)
    np.divide(offer, demand, out=f, where=demand > offer)
    f = np.minimum(f, 1.0)
    if np.any(f < 1.0):
        buy = buy * f[:, None]
        buy_tot = buy_tot * f
        fed = fed * f
        redeem = redeem * f
    h1 += buy
    if fed_index >= 0:
        h1[:, fed_index] += fed
    resid = sold_tot + issue - redeem - buy_tot - fed
    tot = _row_sums(h1 * absf)
    w = np.divide(h1 * absf, tot[:, None], out=np.zeros_like(h1), where=tot[:, None] > 0)
    delta = w * resid[:, None]
    empty = tot <= 0
    if np.any(empty):
        delta[empty] = resid[empty, None] * absf / max(absf.sum(), 1.0)
    h2 = np.maximum(h1 + delta, 0.0)
    bought = buy + np.maximum(delta, 0.0)
    if fed_index >= 0:
        bought[:, fed_index] += fed
    return h2, bought, fed, issue - redeem


@pytest.mark.parametrize("case", range(8))
def test_clear_market_is_bitwise_the_general_algorithm(case):
    rng = np.random.default_rng(100 + case)
    n, a = 64, 9
    h = rng.uniform(0, 100, (n, a))
    h[:, 2] = 0.0                                     # an agent holding nothing
    absorber = np.zeros(a, bool)
    absorber[[1, 4, 7]] = True
    if case % 4 == 3:
        h[:5][:, absorber] = 0.0                      # paths where the absorbers hold nothing
    fed_index = [-1, 8, 4][case % 3]                  # none, a non-absorber Fed, an absorbing Fed
    s = rng.uniform(0, 60, (n, a)) * (rng.random((n, a)) < 0.5)
    s[::7] *= 3.0                                     # some sales above holdings (capped)
    if case >= 4:
        s[:, 3] = -rng.uniform(0, 20, n)              # explicit buyers: the general path
    fed = rng.uniform(0, 50, n) * (fed_index >= 0) * (rng.random(n) < 0.5)
    fed[:3] = 1e5 * (fed_index >= 0)                  # demand above what can be sold: scaled back
    supply = rng.normal(0, 40, n)
    got = clear_market(h.copy(), s, absorber, fed_index, fed, supply)
    ref = clear_reference(h.copy(), s, absorber, fed_index, fed.copy(), supply)
    for g, r, name in zip((got.holdings, got.bought, got.fed_bought, got.supply), ref,
                          ("holdings", "bought", "fed_bought", "supply")):
        assert np.array_equal(g, r), name
    # every dollar sold is bought by someone
    np.testing.assert_allclose((got.holdings - h).sum(axis=1), got.supply, atol=1e-9)


def test_normal_f32_is_standard_normal_and_reproducible():
    z = _normal_f32(np.random.default_rng(1), 200_001)
    assert z.dtype == np.float32 and z.shape == (200_001,)
    assert abs(float(z.mean())) < 0.01 and abs(float(z.std()) - 1.0) < 0.01
    assert stats.kstest(z.astype(float), "norm").pvalue > 1e-3
    assert np.abs(z).max() <= np.sqrt(48 * np.log(2)) + 1e-5          # float32 uniforms: |z| <= 5.77
    assert np.array_equal(z, _normal_f32(np.random.default_rng(1), 200_001))
    scaled = _normal_f32(np.random.default_rng(1), 1001, scale=0.1)
    np.testing.assert_allclose(scaled, 0.1 * _normal_f32(np.random.default_rng(1), 1001), rtol=1e-6, atol=1e-7)


def _spec(a: int = 12) -> HoldersSpec:
    r = np.random.default_rng(3)
    return HoldersSpec(
        names=tuple(f"h{i}" for i in range(a)), kind=("foreign",) * (a - 3) + ("domestic", "domestic", "fed"),
        holdings0=r.uniform(10, 500, a), absorber=np.array([False] * (a - 3) + [True, True, False]),
        programme_rate=np.r_[-0.01, np.zeros(a - 1)], baseline_programme_rate=np.r_[-0.005, np.zeros(a - 1)],
        sale_rate=np.full(a, 0.05), peer_group=np.array([0, 0, 1, 1, 2, 2, 0, 1, -1, -1, -1, -1]),
        group_names=("g0", "g1", "g2"), political_risk=r.uniform(0, 0.2, a),
        deterrence=r.uniform(-0.3, 0.3, a), theta_mean=np.full(a, 0.4), theta_sd=np.full(a, 0.2),
        can_cascade=np.array([True] * (a - 4) + [False] * 4), w_fiscal=0.3, w_peer=0.8, w_market=0.3,
        w_vol=0.2, w_political=1.0, noise_sd=0.05, peer_memory=0.5)


def step_reference(spec, state, noise_c, debt, vol, threat, named):
    """The module docstring's equations, term by term, with the cascade agents' noise given."""
    h = state.holdings
    m = spec.membership()
    casc = np.flatnonzero(spec.can_cascade)
    sig = (spec.w_fiscal * np.maximum(debt, 0.0) / spec.fiscal_scale_pp + spec.w_vol * vol / spec.vol_scale_bp
           + spec.w_market * state.market)[:, None] + spec.w_political * spec.political_risk
    sig = sig - spec.deterrence * threat + spec.w_peer * (state.peer @ m.T)
    sig[:, casc] += noise_c
    active = (sig >= state.theta) & spec.can_cascade
    baseline = -spec.baseline_programme_rate * h
    expected = -spec.programme_rate * h - baseline
    surprise = active * spec.sale_rate * h + named
    return active, baseline, expected, surprise, baseline + expected + surprise


def test_holders_step_fast_signal_equals_the_equations():
    spec = _spec()
    n = 300
    rng = np.random.default_rng(11)
    st = init_holders(spec, n, rng)
    ref_state = copy.deepcopy(st)
    debt, vol = rng.normal(0, 5, n), rng.uniform(0, 30, n)
    named = np.zeros(spec.n_agents)
    named[0] = 2.0
    for t in range(6):
        ref_state.holdings = st.holdings = st.holdings * (1 + 0.01 * t)
        twin = copy.deepcopy(rng)                  # the same draws for the reference
        c = int(spec.can_cascade.sum())
        noise_c = _normal_f32(twin, n * c, spec.noise_sd).reshape(n, c)
        threat = 0.5 if t in (2, 3) else 0.0
        fl = holders_step(spec, st, t, debt_gdp_dev_pp=debt, yield_vol_bp=vol, threat=threat,
                          named_sales=named if t == 1 else None, rng=rng)
        ra, rb, re, rs, rsales = step_reference(spec, ref_state, noise_c, debt, vol, threat,
                                                named if t == 1 else 0.0)
        assert np.array_equal(fl.active, ra)
        for g, r in ((fl.baseline, rb), (fl.expected, re), (fl.surprise, rs), (fl.sales, rsales)):
            np.testing.assert_allclose(g, r, rtol=1e-12, atol=1e-12)
        # the reference state follows the fast one's memories (checked through the next decisions)
        ref_state.peer, ref_state.market = st.peer.copy(), st.market.copy()
    assert st.active.any() and not st.active.all()


def test_keep_paths_sample_has_the_full_summary():
    from treasurylab.scenario.runner import run

    full = run("davos-2026", paths=600, seed=5, workers=1)
    part = run("davos-2026", paths=600, seed=5, workers=1, keep_paths=100)
    assert part.paths == 600 and part.ds.sizes["path"] == 100 and part.ds.attrs["paths_kept"] == 100
    assert full.summary.equals(part.summary) and full.outcomes() == part.outcomes()
    assert np.array_equal(full.ds["y10"].values[:100], part.ds["y10"].values)
    # the kept paths are copied out when the Dataset is built, so the run's full arrays can go
    kept = part.ds["y10"].values
    assert kept.flags.owndata or kept.base.nbytes == kept.nbytes
    from treasurylab.errors import BadInput

    with pytest.raises(BadInput, match="keep_paths"):
        run("davos-2026", paths=10, workers=1, keep_paths=0)


def test_simulate_leaves_blas_threads_as_they_were():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from treasurylab.model.coupled import one_blas_thread

    before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    with one_blas_thread():
        inside = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    after = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    assert after == before and all(k == 1 for k in inside)


def _walk(task, out=None):
    """A block function with (size, T) monthly arrays and a per-path output (ignores the shared map)."""
    payload, block = task
    steps = block.rng().standard_normal((block.size, payload["T"]))
    return {"walk": np.cumsum(steps, axis=1), "other": steps * 2.0, "last": steps[:, -1].copy()}


class _BlindExecutor:
    """Runs tasks here but on a pickled copy of the function, as a Dask worker gets it: the shared
    map does not travel, so the blocks return their arrays."""

    name = "blind"

    def map(self, fn, tasks, progress=None):
        import pickle

        far = pickle.loads(pickle.dumps(fn))
        assert far.bufs is None and far.desc is None
        return [far(t) for t in tasks]


def test_monthly_outputs_through_the_shared_map_equal_plain_merging():
    from treasurylab.scenario.ensemble import run_blocks
    from treasurylab.scenario.executors import ProcessExecutor, SerialExecutor

    kw = {"paths": 700, "seed": 4, "block_size": 256}
    plain = run_blocks(_walk, {"T": 12}, executor=SerialExecutor(), **kw)
    for ex in (SerialExecutor(), ProcessExecutor(2), _BlindExecutor()):
        got = run_blocks(_walk, {"T": 12}, executor=ex, monthly={"walk": 12, "other": 12}, **kw)
        assert list(got) == ["walk", "other", "last"]
        for k in plain:
            assert got[k].shape == plain[k].shape and np.array_equal(got[k], plain[k]), (ex.name, k)


def test_runner_refuses_runs_beyond_memory_before_any_work():
    from treasurylab.errors import BadInput
    from treasurylab.scenario.runner import run

    with pytest.raises(BadInput, match="GB of memory"):
        # a streamed run's memory is bounded (scenario/reduce.py); keeping every path is not
        run("davos-2026", paths=10_000_000, workers=1, keep_paths=10_000_000)


def _walk_direct(task, out=None):
    """Like _walk, but records into the shared map's views when the process sees them."""
    payload, block = task
    steps = block.rng().standard_normal((block.size, payload["T"]))
    walk = np.empty((payload["T"], block.size)) if out is None else out["walk"]
    np.cumsum(steps, axis=1, out=walk.T)
    return {"walk": walk.T, "last": steps[:, -1].copy()}


def test_blocks_recording_into_the_shared_map_directly():
    from treasurylab.scenario.ensemble import run_blocks
    from treasurylab.scenario.executors import ProcessExecutor, SerialExecutor

    kw = {"paths": 700, "seed": 4, "block_size": 256}
    plain = run_blocks(_walk, {"T": 12}, executor=SerialExecutor(), **kw)
    for ex in (SerialExecutor(), ProcessExecutor(2), _BlindExecutor()):
        got = run_blocks(_walk_direct, {"T": 12}, executor=ex, monthly={"walk": 12}, **kw)
        assert np.array_equal(got["walk"], plain["walk"]) and np.array_equal(got["last"], plain["last"]), ex.name
