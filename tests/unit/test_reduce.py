"""The streaming reduction (scenario/reduce.py): exact below the sketch's capacity, within its stated
rank error above it, and a streamed run equal on every executor and consistent with an exact run."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.scenario import reduce as R


def _ranks(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Share of the values <= each returned quantile, per series."""
    return (x[:, None, :] <= q[None, :, :]).mean(axis=0)


def test_below_capacity_is_the_exact_inverted_cdf():
    x = np.random.default_rng(1).standard_normal((900, 4))
    s = R.Stream(["a", "b"], 2, k=1024)
    s.add({"a": x[:500, :2], "b": x[:500, 2:]})
    s.add({"a": x[500:, :2], "b": x[500:, 2:]})
    assert s.rank_error == 0.0
    srt = np.sort(x, axis=0)
    want = np.stack([srt[int(np.ceil(q * 900)) - 1] for q in R.QUANTILES])
    np.testing.assert_array_equal(s.quantiles(), want[:, [0, 1, 2, 3]])
    np.testing.assert_allclose(s.sums / s.n, x.mean(axis=0), rtol=1e-13)


@pytest.mark.parametrize("dist", ["normal", "lognormal", "ties"])
def test_sketch_within_its_rank_error(dist):
    rng = np.random.default_rng(7)
    n = 60_000
    x = {"normal": rng.standard_normal((n, 3)), "lognormal": rng.lognormal(0, 2, (n, 3)),
         "ties": rng.integers(0, 20, (n, 3)).astype(float)}[dist]
    s = R.Stream(["v"], 3, k=256)
    for i in range(0, n, 2560):
        s.add({"v": x[i:i + 2560]})
    err = s.rank_error
    assert 0 < err < 0.05
    q = s.quantiles()
    below = (x[:, None, :] < q[None, :, :]).mean(axis=0)       # rank just below the value
    at = _ranks(x, q)
    for i, p in enumerate(R.QUANTILES):
        assert np.all(below[i] <= p + err) and np.all(at[i] >= p - err), (p, below[i], at[i], err)


@pytest.fixture
def small_stream(monkeypatch):
    """A run of more than 3,000 paths streams, one block a wave, through a small sketch."""
    monkeypatch.setattr(R, "EXACT_PATHS", 3000)
    monkeypatch.setattr(R, "WAVE_BLOCKS", 1)
    monkeypatch.setattr(R, "SKETCH_K", 512)


def test_streamed_run_same_on_one_and_two_workers_and_close_to_exact(small_stream, monkeypatch):
    from treasurylab.scenario.runner import run

    a = run("davos-2026", paths=6000, seed=4, workers=1, keep_paths=700)
    b = run("davos-2026", paths=6000, seed=4, workers=2, keep_paths=700)
    assert a.meta["quantiles"] == "sketch" and 0 < a.meta["quantile_rank_error"] < 0.02
    assert a.summary.equals(b.summary) and a.outcomes() == b.outcomes()
    assert a.ds.sizes["path"] == 700 and a.paths == 6000
    monkeypatch.setattr(R, "EXACT_PATHS", 10_000)
    e = run("davos-2026", paths=6000, seed=4, workers=1, keep_paths=6000)
    assert e.meta["quantiles"] == "exact" and e.meta["quantile_rank_error"] == 0.0
    # the sample is the exact run's first paths; outcomes cover every path, exactly
    np.testing.assert_array_equal(a.ds["y10"].values, e.ds["y10"].values[:700])
    assert a.outcomes() == pytest.approx(e.outcomes(), rel=1e-12)
    np.testing.assert_allclose(a.summary["mean"], e.summary["mean"], rtol=1e-9, atol=1e-12)
    # every sketched quantile sits within the stated rank error of the exact paths
    err = a.meta["quantile_rank_error"]
    for var in ("y10", "debt_gdp", "foreign_total"):
        x = e.ds[var].values                                     # (paths, months)
        sa = a.summary[a.summary["variable"] == var]
        for col, p in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
            q = sa[col].to_numpy()
            below = (x < q[None, :]).mean(axis=0)
            at = (x <= q[None, :]).mean(axis=0)
            assert np.all(below <= p + err + 1e-12) and np.all(at >= p - err - 1e-12), (var, col)


def test_sketch_levels_own_their_memory():
    """Each level is its own small array: none is a view that would keep a wave's (series, paths)
    stack alive (an empty slice of one did, ~0.3 GB a level in a 1,000,000-path run)."""
    rng = np.random.default_rng(3)
    s = R.Stream(["v", "w"], 4, k=64)
    for _ in range(20):
        s.add({"v": rng.standard_normal((300, 4)), "w": rng.standard_normal((300, 4))})
    assert len(s.levels) > 2
    for lv in s.levels:
        assert lv.base is None and lv.flags.c_contiguous and lv.shape[0] == s.S
        assert lv.shape[1] < 2 * s.k


def test_every_path_is_weighed_once_and_kept_items_are_data():
    """Compaction keeps the total weight: the levels' items weigh 2**h each and add up to the paths
    folded, for chunks of any size given as the runner gives them ((paths, T) views of (T, paths)
    month-major buffers); every kept item is one of the values folded in."""
    rng = np.random.default_rng(5)
    s = R.Stream(["v", "w"], 3, k=16)
    seen = {"v": [], "w": []}
    for n in (5, 40, 1, 33, 64, 2, 100):
        chunk = {k: np.ascontiguousarray(rng.integers(0, 50, (3, n + 7)).astype(float))[:, :n].T
                 for k in ("v", "w")}
        for k in chunk:
            seen[k].append(chunk[k])
        s.add(chunk)
        assert sum(lv.shape[1] * 2 ** h for h, lv in enumerate(s.levels)) == s.n
    assert s.n == 245 and s.rank_error > 0
    for i, k in enumerate(("v", "w")):
        allv = np.concatenate(seen[k], axis=0)                  # (paths, T)
        np.testing.assert_allclose(s.sums[i * 3:(i + 1) * 3], allv.sum(axis=0))
        for t in range(3):
            kept = np.concatenate([lv[i * 3 + t] for lv in s.levels])
            assert np.isin(kept, allv[:, t]).all()


def test_a_failed_fold_stops_the_wave_running_behind_it(small_stream, monkeypatch):
    """The workers run the next wave while this process folds one: when the fold fails, that wave is
    given up and no kept worker is left behind."""
    from treasurylab.scenario import parallel
    from treasurylab.scenario.runner import run

    def broken(self, arrays):
        raise RuntimeError("fold failed")

    monkeypatch.setattr(R.Stream, "add", broken)
    with pytest.raises(RuntimeError, match="fold failed"):
        run("baseline", paths=6000, seed=4, workers=2, keep_paths=100)
    assert not parallel.kept_pool_alive(2)
