"""The compiled clearing and holders' step on cases computed by hand (no second copy of them here).

- ``clear_market``: sales capped at holdings, explicit buyers, buyers scaled back when the absorbers
  cannot sell enough, absorbers holding nothing, issuance and redemption, a Fed that absorbs too;
  each row checked by hand and the rows run together as one batch (each path's numbers its own).
- ``holders_step``: a three-holder month whose signal, thresholds, flows and memories are worked
  out term by term in the test.
- The Box-Muller draws are standard normal (moments, Kolmogorov-Smirnov) and reproducible.
- A run that keeps only a sample of its paths has the same summary and outcomes as a full one.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from treasurylab.model.holders import HoldersSpec, _normal_f32, holders_step, init_holders
from treasurylab.model.market import clear_market

#: the modules whose internals this file tests: the holders' float32 samplers
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.model.holders",)


#: clearing cases worked out by hand, one path each: holdings, sales (+ sold, - bought), the Fed's
#: purchases, new supply (+ issued, - redeemed), and the holdings, purchases and Fed purchases after.
#: Agents: 0 a seller or buyer, 1 and 2 absorbers, 3 the Fed (not an absorber).
CLEAR_CASES = {
    # 80 offered, 50 held: 50 sold; the absorbers buy it 3:1
    "sale capped at holdings": ([50, 300, 100, 0], [80, 0, 0, 0], 0, 0,
                                [0, 337.5, 112.5, 0], [0, 37.5, 12.5, 0], 0),
    # agent 0 buys 20; the absorbers sell it 3:1
    "explicit buyer": ([100, 300, 100, 0], [-20, 0, 0, 0], 0, 0, [120, 285, 95, 0], [20, 0, 0, 0], 0),
    # 100 wanted, 40 held by the absorbers: the buyer gets 40 (scaled back by 0.4)
    "buyer scaled back": ([0, 30, 10, 0], [-100, 0, 0, 0], 0, 0, [40, 0, 0, 0], [40, 0, 0, 0], 0),
    # the absorbers hold nothing: the 60 sold is shared equally
    "absorbers hold nothing": ([100, 0, 0, 0], [60, 0, 0, 0], 0, 0, [40, 30, 30, 0], [0, 30, 30, 0], 0),
    # 40 sold; the Fed buys 10, the absorbers the other 30, 3:1
    "Fed buys part": ([100, 300, 100, 0], [40, 0, 0, 0], 10, 0, [60, 322.5, 107.5, 10], [0, 22.5, 7.5, 10], 10),
    # 40 issued: the absorbers buy it 3:1
    "issuance": ([100, 300, 100, 0], [0, 0, 0, 0], 0, 40, [100, 330, 110, 0], [0, 30, 10, 0], 0),
    # 40 redeemed and 10 bought by the Fed: the absorbers give up 50, 3:1
    "redemption": ([100, 300, 100, 0], [0, 0, 0, 0], 10, -40, [100, 262.5, 87.5, 10], [0, 0, 0, 10], 10),
    # the Fed wants 1,000, the absorbers hold 40 and 10 is sold: the Fed gets 50
    "Fed scaled back": ([10, 30, 10, 0], [10, 0, 0, 0], 1000, 0, [0, 0, 0, 50], [0, 0, 0, 50], 50),
}


def test_clear_market_cases_by_hand_and_as_one_batch():
    absorber = np.array([False, True, True, False])
    cols = [np.array([c[i] for c in CLEAR_CASES.values()], dtype=float) for i in range(7)]
    h, s, fed, supply, want_h, want_bought, want_fed = cols
    got = clear_market(h.copy(), s, absorber, 3, fed, supply)       # every case a path of one batch
    for i, name in enumerate(CLEAR_CASES):
        one = clear_market(h[i:i + 1].copy(), s[i:i + 1], absorber, 3, fed[i:i + 1], supply[i:i + 1])
        for o, r in ((got, i), (one, 0)):
            np.testing.assert_allclose(o.holdings[r], want_h[i], rtol=1e-12, atol=1e-12, err_msg=name)
            np.testing.assert_allclose(o.bought[r], want_bought[i], rtol=1e-12, atol=1e-12, err_msg=name)
            assert o.fed_bought[r] == pytest.approx(want_fed[i]), name
            assert o.supply[r] == pytest.approx(supply[i]), name
        assert np.array_equal(one.holdings[0], got.holdings[i]), name     # a batch: each path its own
    # an absorbing Fed: 40 sold, the Fed buys 10 first and then takes its share of the residual 30
    # with the other absorber (holdings 300 and 110 after its purchase)
    out = clear_market(np.array([[100.0, 300.0, 100.0]]), np.array([[40.0, 0, 0]]), np.array([False, True, True]),
                       2, 10.0, 0.0)
    np.testing.assert_allclose(out.holdings[0], [60.0, 300 + 30 * 300 / 410, 110 + 30 * 110 / 410], rtol=1e-12)


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


def test_holders_step_month_worked_out_by_hand():
    """Three holders: 0 and 1 foreign, one peer group, able to cascade; 2 a domestic absorber. Their
    signals, term by term (fiscal 0.5 x 4 / 10, volatility 0.2 x 50 / 100, market 0.3 x 0.5, peers
    0.8 x 0.25, political risk 0.05 / 0, the threat 0.5 deterring 0 (d = 0.2) and provoking 1
    (d = -0.1), no noise): 0.60 and 0.70 against thresholds 0.65: 1 sells in the cascade, 0 does
    not. Flows: 0's programme 1% of 100 (0.5% of it already in the baseline) and a named sale of 2;
    1's cascade 5% of 200. Memories (m = 0.5): 0 takes part at the pace 2 / (5% x 100) = 0.4, 1 at 1,
    so the group's and the foreign share selling is (100 x 0.4 + 200) / 300 = 0.8."""
    spec = HoldersSpec(
        names=("f0", "f1", "dom"), kind=("foreign", "foreign", "domestic"), holdings0=np.array([100.0, 200.0, 300.0]),
        absorber=np.array([False, False, True]), programme_rate=np.array([-0.01, 0.0, 0.0]),
        baseline_programme_rate=np.array([-0.005, 0.0, 0.0]), sale_rate=np.full(3, 0.05),
        peer_group=np.array([0, 0, -1]), group_names=("g",), political_risk=np.array([0.05, 0.0, 0.0]),
        deterrence=np.array([0.2, -0.1, 0.0]), theta_mean=np.full(3, 0.5), theta_sd=np.full(3, 0.1),
        can_cascade=np.array([True, True, False]), w_fiscal=0.5, w_peer=0.8, w_market=0.3, w_vol=0.2,
        w_political=1.0, noise_sd=0.05, peer_memory=0.5)
    st = init_holders(spec, 1, theta=np.array([0.65, 0.65, 0.0]))
    st.peer, st.market = np.array([[0.25]]), np.array([0.5])
    fl = holders_step(spec, st, 0, debt_gdp_dev_pp=4.0, yield_vol_bp=50.0, threat=0.5,
                      named_sales=np.array([2.0, 0.0, 0.0]), noise=np.zeros(3))
    assert fl.active[0].tolist() == [False, True, False]
    np.testing.assert_allclose(fl.baseline[0], [0.5, 0, 0], atol=1e-12)
    np.testing.assert_allclose(fl.expected[0], [0.5, 0, 0], atol=1e-12)
    np.testing.assert_allclose(fl.surprise[0], [2.0, 10.0, 0], atol=1e-12)
    np.testing.assert_allclose(fl.sales[0], [3.0, 10.0, 0], atol=1e-12)
    np.testing.assert_allclose(st.peer[0], [0.5 * 0.25 + 0.5 * 0.8], rtol=1e-12)
    np.testing.assert_allclose(st.market, [0.5 * 0.5 + 0.5 * 0.8], rtol=1e-12)
    assert st.first_sale[0].tolist() == [-1, 0, -1]
    # a threshold 0.01 lower turns holder 0 on (0.60 >= 0.59): the signal is what the docstring says
    st2 = init_holders(spec, 1, theta=np.array([0.59, 0.71, 0.0]))
    st2.peer, st2.market = np.array([[0.25]]), np.array([0.5])
    fl2 = holders_step(spec, st2, 0, debt_gdp_dev_pp=4.0, yield_vol_bp=50.0, threat=0.5,
                       named_sales=np.array([2.0, 0.0, 0.0]), noise=np.zeros(3))
    assert fl2.active[0].tolist() == [True, False, False]


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
