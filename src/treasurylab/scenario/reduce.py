"""Streaming reduction of a run's monthly paths: means and p5/p50/p95 merged wave by wave.

A run of up to :data:`EXACT_PATHS` paths keeps every path's records in one shared map and takes
exact quantiles (``results.summarise_arrays``: numpy's linear interpolation). A larger run is cut
into waves of :data:`WAVE_BLOCKS` blocks; each wave's records are folded into a :class:`Stream` and
released, so memory stays bounded whatever the number of paths (one wave's records plus what the
windows keep, below), and the same code serves every executor (serial, local processes, Dask): the
executor only runs the blocks of a wave, and the stream sees the waves in order.

What a :class:`Stream` holds, per (variable, month) series:

- the sum of the values (the mean is exact, summed in block order);
- for each quantile ``q`` a *window* ``[lo, hi]``: exact integer counts of the values below ``lo``,
  equal to ``lo`` and equal to ``hi``, and every value strictly inside ``(lo, hi)``, kept. The
  values above ``hi`` are the rest of the ``n`` paths.

A quantile is the value of rank ``r = ceil(q n)`` among the ``n`` paths (1-based; the inverted
empirical CDF, numpy's ``method="inverted_cdf"``). Where ``r`` falls inside the window, i.e.
``n_below < r <= n_below + n_lo + kept + n_hi``, it is read from the counts and the kept values,
EXACTLY. The windows are set and narrowed so that it does:

- the first wave of ``n`` paths sets ``lo`` and ``hi`` to its values of ranks
  ``r_lo = max(1, floor(r - k s))`` and ``r_hi = min(n, ceil(r + k s))`` (one ``np.partition``),
  where ``s = sqrt(q (1 - q) n)`` is the standard error of a binomial rank and ``k`` =
  :data:`WINDOW_SE`;
- every wave then only compares its values with the windows (vectorised over (series, paths)
  rows: no per-series loop): it counts those below ``lo``, equal to ``lo`` and equal to ``hi``, and
  keeps those strictly inside. Once the values a window waits to sort reach half its width, they are
  merged into its sorted kept values and the window narrows to the ranks ``r_lo``, ``r_hi`` of the
  ``n`` paths seen so far, wherever those are inside it (``lo`` and ``hi`` only move inwards; the
  values a window drops move, exactly, into its counts).

Why a window holds the final rank: a run's paths are independent draws of one distribution, so the
final quantile's rank among the first ``n`` paths differs from ``q n`` by an error of standard
deviation ``sqrt(q (1 - q) n (1 - n / N)) <= s``. A window edge ``k`` of those from the middle is
crossed with probability about ``Phi(-k)``: ``Phi(-7) = 1.3e-12``, and over a 1,000,000-path run
(2,400 series x 3 quantiles x 2 edges x 49 waves) the probability of any miss is below 1e-6 (a union
bound). A miss is never silent: the nearest value held is returned (``lo`` for a rank below the
window, ``hi`` above it) and the ranks it is off by, as a share of the paths, are
:attr:`Stream.rank_error` (the largest), which the runner reports as
``Result.meta["quantile_rank_error"]``: 0 when every quantile is exact, as in an exact run.

Memory: a narrowed window keeps at most ``r_hi - r_lo - 1 <= 2 k s + 1`` values of a series (ties at
``lo`` and ``hi`` are counted, not kept: a constant series keeps none), plus up to half as many
waiting to be sorted. For 1,000,000 paths and ``k = 7`` that is 3,051 at p5 and p95 and 6,999 at p50:
~0.25 GB for 2,400 series (20 records x 120 months), ~0.38 GB with the waiting values, instead of
every path's values (19 GB).

Exact runs and streamed runs differ in their quantile definition by at most one order statistic:
with ``x_(0) <= ... <= x_(N-1)`` the sorted paths, numpy's linear interpolation (exact runs) lies
between ``x_(p)`` and ``x_(p+1)``, ``p = floor((N - 1) q)``, and the inverted CDF (streamed runs)
returns ``x_(j)``, ``j = ceil(q N) - 1``, which is ``p`` or ``p + 1`` (``p <= qN - q < qN``, so
``p <= j``; ``j < qN < p + 1 + q``, so ``j <= p + 1``): the two are never further apart than two
adjacent order statistics.

The runner keeps the first ``keep_paths`` paths as the Result's sample and the per-path outcomes
(``cascade_share``, ``regime_exceeded``, ``fed_backstop_bn``, ``fed_backstop_gross_bn``: a number a
path) of every path.
"""

from __future__ import annotations

import math

import numpy as np

#: runs of up to this many paths get exact quantiles (all records in memory: ~0.37 GB at 120 months)
EXACT_PATHS = 20_480
#: blocks folded at a time in a larger run (8 x 2,560 = 20,480 paths, ~0.39 GB)
WAVE_BLOCKS = 8
#: assumption: a window's half-width ``k`` in standard errors of a binomial rank: 7 makes a miss of
#: the final rank rarer than one in a million 1,000,000-path runs (module docstring) for ~0.25 GB of
#: kept values; a miss is reported, never silent
WINDOW_SE = 7.0
#: the quantiles of the summary
QUANTILES = (0.05, 0.5, 0.95)


def rank_of(q: float, n: int) -> int:
    """The 1-based rank of the ``q`` quantile among ``n`` values: ``ceil(q n)`` (the inverted
    empirical CDF, numpy's ``method="inverted_cdf"``), at least 1."""
    return min(n, max(1, math.ceil(q * n)))


def window_ranks(q: float, n: int, k: float) -> tuple[int, int]:
    """The ranks (1-based) of a window's ends among ``n`` values: ``k`` standard errors of a
    binomial rank, ``sqrt(q (1 - q) n)``, either side of :func:`rank_of`."""
    r = rank_of(q, n)
    half = k * math.sqrt(q * (1.0 - q) * n)
    return max(1, math.floor(r - half)), min(n, math.ceil(r + half))


def _row_counts(mask: np.ndarray) -> np.ndarray:
    """The True values of each row of a C-contiguous (R, n) bool array: for rows of a multiple of 8
    values (the runner's waves), a popcount of their bytes read 8 at a time (a bool is one byte,
    0 or 1), ~5x faster than ``np.count_nonzero(mask, axis=1)``; the same integers."""
    if mask.shape[1] % 8 == 0 and mask.flags.c_contiguous:
        return np.bitwise_count(mask.view(np.uint64)).sum(axis=1, dtype=np.int64)
    return np.count_nonzero(mask, axis=1).astype(np.int64)


def _search(kept: np.ndarray, off: np.ndarray, m: np.ndarray, v: np.ndarray, right: bool) -> np.ndarray:
    """Per row ``s``: how many of the sorted ``kept[s, off[s]:off[s] + m[s]]`` are < ``v[s]`` (or
    <= with ``right``): a binary search run for every row at once (~log2(width) vectorised steps)."""
    lo = np.zeros_like(m)
    hi = m.copy()
    if kept.shape[1] == 0:
        return lo
    rows = np.arange(len(m))
    last = kept.shape[1] - 1
    while True:
        active = lo < hi
        if not active.any():
            return lo
        mid = (lo + hi) >> 1
        x = kept[rows, np.minimum(off + mid, last)]
        go = (x <= v) if right else (x < v)
        lo = np.where(active & go, mid + 1, lo)
        hi = np.where(active & ~go, mid, hi)


class Stream:
    """Means and windowed quantiles of ``S`` series, fed (paths, S) chunks in a fixed order.

    Per quantile ``j``, arrays of shape (quantiles, S): ``lo``, ``hi`` the windows, ``n_lt`` the
    values below ``lo``, ``n_lo`` those equal to ``lo``, ``n_hi`` those equal to ``hi`` (0 when
    ``lo == hi``: all are in ``n_lo``), and the ``m`` values strictly inside, sorted, at
    ``kept[j][s, off[j, s]:off[j, s] + m[j, s]]``. A chunk's values inside a window wait, unsorted,
    in ``pending[j]`` (``waiting`` a series) until they are half the window's width (:meth:`_settle`:
    one merge and sort, then the window narrows): the kept values are sorted about once each time
    the paths grow by half, not every chunk."""

    def __init__(self, names: list[str], T: int, k: float | None = None, qs=QUANTILES) -> None:
        self.names, self.T = list(names), int(T)
        self.k = float(WINDOW_SE if k is None else k)
        self.qs = tuple(float(q) for q in qs)
        self.S = len(self.names) * self.T
        self.n = 0
        self.sums = np.zeros(self.S)
        shape = (len(self.qs), self.S)
        self.lo = np.full(shape, -np.inf)
        self.hi = np.full(shape, np.inf)
        self.n_lt, self.n_lo, self.n_hi, self.m, self.off, self.waiting = (
            np.zeros(shape, dtype=np.int64) for _ in range(6))
        self.kept = [np.empty((self.S, 0)) for _ in self.qs]
        self.pending: list[list[tuple[np.ndarray, np.ndarray]]] = [[] for _ in self.qs]

    def add(self, arrays: dict) -> None:
        """Fold one chunk of paths: ``arrays[name]`` (paths, T) for every name of the stream.

        The runner's records are (paths, T) views of (T, paths) buffers: their transposes are
        contiguous rows, compared in place, one variable at a time (no stacked copy of the wave)."""
        xs = [np.ascontiguousarray(np.asarray(arrays[name], dtype=np.float64).T) for name in self.names]
        items = xs[0].shape[1]
        if items == 0:
            return
        self.sums += np.concatenate([x.sum(axis=1) for x in xs])
        if self.n == 0:
            self._open(xs)
        self.n += items
        self._count(xs)
        del xs
        for j, q in enumerate(self.qs):
            r_lo, r_hi = window_ranks(q, self.n, self.k)
            if 2 * int(self.waiting[j].max()) > r_hi - r_lo:
                self._settle(j)

    def _open(self, xs: list[np.ndarray]) -> None:
        """The first chunk's windows: its values of ranks ``window_ranks`` (one ``np.partition`` a
        variable for both ends of every window); :meth:`_count` then counts and keeps as for any chunk."""
        n = xs[0].shape[1]
        ends = [window_ranks(q, n, self.k) for q in self.qs]
        kth = sorted({r - 1 for pair in ends for r in pair})
        T = self.T
        for i, x in enumerate(xs):
            part = np.partition(x, kth, axis=1)
            rows = slice(i * T, (i + 1) * T)
            for j, (r_lo, r_hi) in enumerate(ends):
                self.lo[j, rows] = part[:, r_lo - 1]
                self.hi[j, rows] = part[:, r_hi - 1]
            del part

    def _count(self, xs: list[np.ndarray]) -> None:
        """Count each chunk's values below each window and at its ends; those strictly inside wait
        in ``pending`` (row-major: by series, in chunk order). Rows are compared a few at a time
        (~4 MB), so that they stay in cache across the windows (~30% less CPU than a variable at a
        time, measured on the 2-core machine)."""
        T, S, J = self.T, self.S, len(self.qs)
        counts = np.zeros((J, S), dtype=np.int64)
        vals: list[list] = [[] for _ in range(J)]
        n = xs[0].shape[1]
        step = max(1, (1 << 19) // n)
        for i, x in enumerate(xs):
            for a in range(0, T, step):
                xc = x[a:a + step]
                R = xc.shape[0]
                rows = slice(i * T + a, i * T + a + R)
                for j in range(J):
                    self._count_rows(j, xc, rows, counts, vals)
        for j in range(J):
            if counts[j].any():
                self.pending[j].append((counts[j], np.concatenate(vals[j])))
                self.waiting[j] += counts[j]

    def _count_rows(self, j: int, x: np.ndarray, rows: slice, counts: np.ndarray, vals: list) -> None:
        """:meth:`_count` for window ``j`` and the (R, n) rows ``x`` of the series ``rows``."""
        R, n = x.shape
        lo, hi = self.lo[j, rows], self.hi[j, rows]
        below = x < lo[:, None]
        self.n_lt[j, rows] += _row_counts(below)
        inside = x <= hi[:, None]
        inside &= ~below                                               # lo <= x <= hi
        shut = lo == hi                          # a window shut on one value: it only counts
        if shut.any():
            self.n_lo[j, rows] += np.where(shut, _row_counts(inside), 0)
            inside[shut] = False
        flat = np.flatnonzero(inside)                                  # row-major
        if not flat.size:
            return
        c = np.diff(np.searchsorted(flat, np.arange(R + 1) * n))
        v = x.ravel()[flat]
        row = np.repeat(np.arange(R), c)
        at_lo = v == np.repeat(lo, c)
        at_hi = v == np.repeat(hi, c)
        self.n_lo[j, rows] += np.bincount(row[at_lo], minlength=R)
        self.n_hi[j, rows] += np.bincount(row[at_hi], minlength=R)
        keep = ~(at_lo | at_hi)
        counts[j, rows] = np.bincount(row[keep], minlength=R)
        vals[j].append(v[keep])

    def _settle(self, j: int) -> None:
        """Merge window ``j``'s waiting values into its kept ones, then narrow it (:meth:`_narrow`).

        Each row of the merged array is the row's kept values (a sorted run), then its waiting
        ones, sorted (stable: merge-based). Rows are merged a block of ~2 MB at a time, in place:
        with whole-array temporaries (indices, gathers) the merges of 49 waves took 4.9 s of CPU
        instead of 3.5 s (measured on the 2-core machine)."""
        if self.pending[j]:
            S = self.S
            m, off, old, waiting = self.m[j], self.off[j], self.kept[j], self.waiting[j]
            fill = m + waiting
            merged = np.empty((S, int(fill.max())))
            starts = [np.concatenate(([0], np.cumsum(c))) for c, _ in self.pending[j]]
            step = max(1, (1 << 18) // max(1, merged.shape[1]))
            for a in range(0, S, step):
                rows = slice(a, min(S, a + step))
                blk = merged[rows]                                    # a view: rows are contiguous
                mr = m[rows]
                width = int(mr.max())
                if width:
                    cols = np.arange(width)[None, :]
                    idx = np.minimum(off[rows, None] + cols, old.shape[1] - 1)
                    np.copyto(blk[:, :width], np.take_along_axis(old[rows], idx, axis=1))
                    blk[:, :width][cols >= mr[:, None]] = np.inf
                blk[:, width:] = np.inf
                at = mr.copy()
                for (c, v), st in zip(self.pending[j], starts, strict=True):
                    cr = c[rows]
                    g = np.repeat(np.arange(len(cr)), cr)
                    blk[g, at[g] + np.arange(g.size) - np.repeat(np.cumsum(cr) - cr, cr)] = \
                        v[st[rows.start]:st[rows.stop]]
                    at += cr
                blk.sort(axis=1, kind="stable")
            self.kept[j] = merged
            self.m[j] = fill
            self.off[j] = 0
            self.pending[j] = []
            self.waiting[j] = 0
        self._narrow(j)

    def _at(self, j: int, r: int) -> tuple[np.ndarray, np.ndarray]:
        """The value of rank ``r`` (1-based) in every series, from quantile ``j``'s window, and the
        number of ranks it is off by: 0 where ``r`` is inside the window; else the nearest value held
        (``lo`` below the window, ``hi`` above it) and how far its ranks are from ``r``."""
        n_lt, n_lo, n_hi, m, kept = self.n_lt[j], self.n_lo[j], self.n_hi[j], self.m[j], self.kept[j]
        c_lo = n_lt + n_lo
        c_in = c_lo + m
        c_hi = c_in + n_hi
        if kept.shape[1]:
            idx = np.clip(self.off[j] + r - c_lo - 1, 0, kept.shape[1] - 1)
            inner = kept[np.arange(self.S), idx]
        else:
            inner = self.hi[j]
        val = np.where(r <= c_lo, self.lo[j], np.where(r <= c_in, inner, self.hi[j]))
        off = np.where(r <= n_lt, n_lt + 1 - r, np.where(r > c_hi, r - c_hi, 0))
        return val, off

    def _narrow(self, j: int) -> None:
        """Narrow quantile ``j``'s windows to the ranks ``window_ranks`` of the paths seen so far,
        where those are inside them, moving what leaves a window into its counts, exactly."""
        r_lo, r_hi = window_ranks(self.qs[j], self.n, self.k)
        lo, hi = self.lo[j], self.hi[j]
        v_lo, miss_lo = self._at(j, r_lo)
        v_hi, miss_hi = self._at(j, r_hi)
        lo2 = np.where(miss_lo == 0, v_lo, lo)
        hi2 = np.where(miss_hi == 0, v_hi, hi)
        kept, off, m = self.kept[j], self.off[j], self.m[j]
        lt_lo, le_lo = (_search(kept, off, m, lo2, right) for right in (False, True))
        lt_hi, le_hi = (_search(kept, off, m, hi2, right) for right in (False, True))
        moved = lo2 > lo
        n_lo, n_hi = self.n_lo[j], self.n_hi[j]
        self.n_lt[j] += np.where(moved, n_lo + lt_lo, 0)
        new_lo = np.where(moved, le_lo - lt_lo + np.where(lo2 == hi, n_hi, 0), n_lo)
        new_hi = np.where(lo2 == hi2, 0, np.where(hi2 < hi, le_hi - lt_hi, n_hi))
        a = le_lo                                       # the kept values strictly inside: [a, b)
        b = np.maximum(a, lt_hi)
        self.off[j] = off + a
        self.m[j] = b - a
        self.n_lo[j], self.n_hi[j] = new_lo, new_hi
        self.lo[j], self.hi[j] = lo2, hi2

    def read(self) -> tuple[np.ndarray, np.ndarray]:
        """(quantiles, S) arrays: each series' value of rank ``ceil(q n)``, and the ranks it is off
        by (0 where exact). The values waiting to be sorted are merged first."""
        for j in range(len(self.qs)):
            if self.pending[j]:
                self._settle(j)
        vals, misses = zip(*(self._at(j, rank_of(q, self.n)) for j, q in enumerate(self.qs)), strict=True)
        return np.stack(vals), np.stack(misses)

    @property
    def rank_error(self) -> float:
        """The most ranks a quantile returned is off by, as a share of the paths (0 when every
        quantile is exact)."""
        if self.n == 0:
            return 0.0
        return float(self.read()[1].max()) / self.n

    @property
    def kept_values(self) -> int:
        """Values the windows keep, strictly inside them, sorted or waiting."""
        return int(self.m.sum() + self.waiting.sum())

    def quantiles(self) -> np.ndarray:
        """(quantiles, S): the value of rank ``ceil(q n)`` of each series (NaN for a series with a
        value that is not finite: its sum is not)."""
        vals = self.read()[0]
        vals[:, ~np.isfinite(self.sums)] = np.nan
        return vals

    def summary(self, months: list[str]):
        """The summary (``results.Summary``: p5, p50, p95 and mean by variable and month), as
        ``results.summary_of_arrays`` gives it for an exact run."""
        from treasurylab.scenario.results import Summary

        return Summary(tuple(self.names), tuple(months), self.quantiles(), self.sums / max(self.n, 1))
