"""The streaming reduction (scenario/reduce.py): quantiles read from windows are the exact inverted
empirical CDF (numpy's "inverted_cdf") where the stream says 0 rank error, a miss is returned as the
nearest value held with its exact rank error, memory stays bounded, and a streamed run equals on
every executor and agrees with an exact run."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.scenario import reduce as R


def _fold(x: np.ndarray, chunk: int, T: int, k: float | None = None) -> R.Stream:
    """Fold (paths, 2 T) data, two variables of T months, ``chunk`` paths at a time."""
    s = R.Stream(["a", "b"], T, k=k)
    for i in range(0, len(x), chunk):
        s.add({"a": x[i:i + chunk, :T], "b": x[i:i + chunk, T:]})
    return s


def _misses(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Ranks each returned quantile is off by, from all the data: the distance from ceil(q n) to the
    ranks the returned value holds (count(x < v) + 1 .. count(x <= v))."""
    n = len(x)
    out = np.empty(q.shape, dtype=np.int64)
    for i, p in enumerate(R.QUANTILES):
        r = R.rank_of(p, n)
        first = (x < q[i][None, :]).sum(axis=0) + 1
        last = (x <= q[i][None, :]).sum(axis=0)
        out[i] = np.maximum(first - r, 0) + np.maximum(r - last, 0)
    return out


def _data(kind: str, n: int, S: int, rng) -> np.ndarray:
    return {
        "normal": lambda: rng.standard_normal((n, S)),
        "lognormal": lambda: rng.lognormal(0.0, 3.0, (n, S)),
        "cauchy": lambda: rng.standard_cauchy((n, S)),                 # heavy tails, no NaN
        "ties": lambda: rng.integers(0, 20, (n, S)).astype(float),
        "two values": lambda: (rng.random((n, S)) < 0.5).astype(float),
        "constant": lambda: np.full((n, S), 2.5),
        "mixed": lambda: np.where(rng.random((n, S)) < 0.3, 0.0, rng.standard_normal((n, S))),
    }[kind]()


@pytest.mark.parametrize("kind", ["normal", "lognormal", "cauchy", "ties", "two values", "constant", "mixed"])
@pytest.mark.parametrize("chunk", [997, 4096])
def test_windows_give_the_exact_inverted_cdf(kind, chunk):
    """Random and adversarial data (heavy tails, ties, a constant series, an atom at 0), in chunks
    of an odd and an even size: every quantile equals numpy's inverted_cdf, with 0 rank error."""
    rng = np.random.default_rng(11)
    x = _data(kind, 60_000, 6, rng)
    s = _fold(x, chunk, 3)
    want = np.quantile(x, R.QUANTILES, axis=0, method="inverted_cdf")
    np.testing.assert_array_equal(s.quantiles(), want)
    assert s.rank_error == 0.0 and not s.read()[1].any()
    np.testing.assert_allclose(s.sums / s.n, x.mean(axis=0), rtol=1e-12, atol=1e-12)


def test_one_chunk_and_tiny_runs_are_exact():
    rng = np.random.default_rng(2)
    for n in (1, 2, 3, 7, 20, 101):
        x = rng.standard_normal((n, 4))
        s = _fold(x, 1000, 2)
        np.testing.assert_array_equal(s.quantiles(), np.quantile(x, R.QUANTILES, axis=0, method="inverted_cdf"))
        assert s.rank_error == 0.0


@pytest.mark.parametrize("order", ["ascending", "descending"])
def test_sorted_input_misses_are_the_nearest_value_held_and_reported_exactly(order):
    """Paths arriving sorted: the first chunk's windows hold the smallest (largest) values, the final
    ranks fall outside them. The value returned is the window's end nearest the rank, and the ranks
    it is off by are reported exactly (checked against all the data), never hidden."""
    rng = np.random.default_rng(4)
    x = np.sort(rng.standard_normal((30_000, 4)), axis=0)
    if order == "descending":
        x = x[::-1]
    s = _fold(x, 1000, 2)
    q, miss = s.read()
    np.testing.assert_array_equal(miss, _misses(x, q))
    assert miss.max() > 0 and s.rank_error == miss.max() / len(x)
    assert (miss > 0).all()                       # the first chunk holds none of the final ranks
    np.testing.assert_array_equal(q, s.hi if order == "ascending" else s.lo)


def test_a_drifting_first_wave_forces_the_fallback_with_its_error():
    """A first chunk from another distribution than the rest (the model's paths are independent draws
    of one; this breaks that): its windows miss, the error is reported and exact; where a rank still
    falls inside its window the value is exact."""
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.standard_normal((2000, 4)), 3.0 + rng.standard_normal((40_000, 4))])
    s = _fold(x, 2000, 2)
    q, miss = s.read()
    np.testing.assert_array_equal(miss, _misses(x, q))
    assert miss.max() > 0
    assert s.rank_error == pytest.approx(miss.max() / len(x), rel=0, abs=0)
    want = np.quantile(x, R.QUANTILES, axis=0, method="inverted_cdf")
    np.testing.assert_array_equal(q[miss == 0], want[miss == 0])


def test_counts_and_kept_values_are_exact_after_every_chunk():
    """The window's bookkeeping, checked against all values folded so far after every chunk (chunks
    of any size, as the runner gives them: (paths, T) views of (T, paths) buffers): below lo, equal
    to lo, equal to hi, and the values kept strictly inside, sorted."""
    rng = np.random.default_rng(6)
    s = R.Stream(["v", "w"], 3, k=2.0)
    seen = []
    for n in (5, 400, 1, 333, 640, 2, 1000, 77, 2048):
        chunk = {k: np.ascontiguousarray(rng.integers(0, 60, (3, n + 7)).astype(float))[:, :n].T for k in ("v", "w")}
        seen.append(np.concatenate([chunk["v"], chunk["w"]], axis=1))
        s.add(chunk)
        allv = np.concatenate(seen)                                    # (paths, S)
        assert s.n == len(allv)
        for j in range(len(s.qs)):
            s._settle(j)
            lo, hi = s.lo[j], s.hi[j]
            np.testing.assert_array_equal(s.n_lt[j], (allv < lo).sum(axis=0))
            np.testing.assert_array_equal(s.n_lo[j], (allv == lo).sum(axis=0))
            np.testing.assert_array_equal(s.n_hi[j], np.where(lo < hi, (allv == hi).sum(axis=0), 0))
            for c in range(s.S):
                inner = np.sort(allv[(allv[:, c] > lo[c]) & (allv[:, c] < hi[c]), c])
                kept = s.kept[j][c, s.off[j, c]:s.off[j, c] + s.m[j, c]]
                np.testing.assert_array_equal(kept, inner)
    q, miss = s.read()
    np.testing.assert_array_equal(miss, _misses(allv, q))
    want = np.quantile(allv, R.QUANTILES, axis=0, method="inverted_cdf")
    np.testing.assert_array_equal(q[miss == 0], want[miss == 0])


def test_memory_is_bounded_by_the_window_widths():
    """After 200,000 paths a window keeps at most r_hi - r_lo - 1 values a series (the module
    docstring's bound), plus those waiting to be sorted (half as many, and one chunk's), not the
    paths; a constant series keeps none."""
    rng = np.random.default_rng(8)
    s = R.Stream(["v", "c"], 2)
    for _ in range(20):
        s.add({"v": rng.standard_normal((10_000, 2)), "c": np.full((10_000, 2), 1.0)})
    s.read()                                                           # merges what waits
    for j, q in enumerate(s.qs):
        r_lo, r_hi = R.window_ranks(q, s.n, s.k)
        assert s.m[j].max() <= r_hi - r_lo - 1
        assert s.m[j, 2:].max() == 0                                   # the constant series
    assert s.kept_values < 0.03 * s.n * s.S
    for kept in s.kept:                                                # its own memory, no view of a chunk
        assert kept.base is None and kept.flags.c_contiguous


def test_the_two_quantile_definitions_are_at_most_one_order_statistic_apart():
    """The streamed quantile (inverted CDF, rank ceil(qN)) is one of the two order statistics that
    numpy's linear interpolation (the exact runs') lies between, for every N, so the two differ by
    at most the gap between adjacent order statistics."""
    for n in range(1, 5000):
        for q in R.QUANTILES:
            p = int(np.floor((n - 1) * q))
            assert R.rank_of(q, n) - 1 in (p, p + 1), (n, q)
    rng = np.random.default_rng(9)
    for n in (19, 20, 21, 999, 1000, 20_481):
        x = np.sort(rng.standard_normal(n))
        for q in R.QUANTILES:
            lin = np.quantile(x, q)
            inv = np.quantile(x, q, method="inverted_cdf")
            p = int(np.floor((n - 1) * q))
            gap = x[min(p + 1, n - 1)] - x[p]
            assert abs(lin - inv) <= gap + 1e-15 and inv in (x[p], x[min(p + 1, n - 1)])


def test_a_series_with_a_value_that_is_not_finite_gets_nan():
    x = np.random.default_rng(10).standard_normal((5000, 2))
    x[1234, 1] = np.nan
    s = _fold(x, 1000, 1)
    q = s.quantiles()
    assert np.isfinite(q[:, 0]).all() and np.isnan(q[:, 1]).all()


@pytest.fixture
def small_stream(monkeypatch):
    """A run of more than 3,000 paths streams, one block a wave."""
    monkeypatch.setattr(R, "EXACT_PATHS", 3000)
    monkeypatch.setattr(R, "WAVE_BLOCKS", 1)


def test_streamed_run_same_on_one_and_two_workers_and_equal_to_exact(small_stream, monkeypatch):
    """A run folded wave by wave: the same on one and two workers; against an exact run of the same
    paths, its quantiles are numpy's inverted_cdf of all paths bit for bit (0 rank error), within
    one order statistic of the exact run's linear ones, and its means and outcomes equal."""
    from treasurylab.scenario.runner import run

    a = run("davos-2026", paths=6000, seed=4, workers=1, keep_paths=700)
    b = run("davos-2026", paths=6000, seed=4, workers=2, keep_paths=700)
    assert a.meta["quantiles"] == "windows" and a.meta["quantile_rank_error"] == 0.0
    assert a.summary.equals(b.summary) and a.outcomes() == b.outcomes()
    assert a.ds.sizes["path"] == 700 and a.paths == 6000
    monkeypatch.setattr(R, "EXACT_PATHS", 10_000)
    e = run("davos-2026", paths=6000, seed=4, workers=1, keep_paths=6000)
    assert e.meta["quantiles"] == "exact" and e.meta["quantile_rank_error"] == 0.0
    # the sample is the exact run's first paths; outcomes cover every path, exactly
    np.testing.assert_array_equal(a.ds["y10"].values, e.ds["y10"].values[:700])
    assert a.outcomes() == pytest.approx(e.outcomes(), rel=1e-12)
    np.testing.assert_allclose(a.summary["mean"], e.summary["mean"], rtol=1e-9, atol=1e-12)
    variables = list(dict.fromkeys(a.summary["variable"]))
    assert len(variables) >= 15
    for var in variables:
        x = e.ds[var].values                                           # (paths, months)
        srt = np.sort(x, axis=0)
        sa = a.summary[a.summary["variable"] == var]
        se = e.summary[e.summary["variable"] == var]
        for col, q in (("p5", 0.05), ("p50", 0.5), ("p95", 0.95)):
            got = sa[col].to_numpy()
            np.testing.assert_array_equal(got, np.quantile(x, q, axis=0, method="inverted_cdf"), err_msg=f"{var} {col}")
            p = int(np.floor((len(x) - 1) * q))
            gap = srt[p + 1] - srt[p]
            assert np.all(np.abs(got - se[col].to_numpy()) <= gap * (1 + 1e-12) + 1e-12), (var, col)


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
