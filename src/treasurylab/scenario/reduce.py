"""Streaming reduction of a run's monthly paths: means and p5/p50/p95 merged block by block.

A run of up to :data:`EXACT_PATHS` paths keeps every path's records in one shared map and takes
exact quantiles (``results.summarise_arrays``: numpy's linear interpolation). A larger run is cut
into waves of :data:`WAVE_BLOCKS` blocks; each wave's records are folded into a :class:`Stream` and
released, so memory stays bounded whatever the number of paths (about 1.3 GB at most for 120
months: one wave's records plus the sketch), and the same code serves every executor (serial,
local processes, Dask): the executor only runs the blocks of a wave.

What a :class:`Stream` holds, per (variable, month) series:

- the sum of the values (the mean is exact, summed in block order);
- a quantile *sketch*: a deterministic compactor hierarchy (Manku-Rajagopalan-Lindsay / KLL
  style). Level ``h`` holds items of weight ``2**h``; when a level holds ``2 k`` items or more it is
  sorted and every other item (alternating the first one, to cancel errors) moves up a level with
  twice the weight. Each compaction of level ``h`` moves the weighted rank of any value by at most
  ``2**h``, so after ``N`` paths every rank is off by at most ``H N / (2 k)`` where ``H`` is the
  number of levels that compacted: with ``k`` = :data:`SKETCH_K` = 2,048 and ``N`` = 1,000,000,
  ``H`` = 9 and the rank error is at most 0.22 % of ``N`` (the p5 returned lies between the 4.78th
  and the 5.22nd percentile of the paths). The bound of each run is in ``Result.meta``
  (``quantile_rank_error``: 0 for an exact run). A quantile is read as the smallest kept value whose
  cumulative weight reaches ``q`` times the total (the inverted empirical CDF).

The runner keeps the first ``keep_paths`` paths as the Result's sample and the per-path outcomes
(``cascade_share``, ``regime_exceeded``, ``fed_backstop_bn``, ``fed_backstop_gross_bn``: a number a
path) of every path.
"""

from __future__ import annotations

import numpy as np

#: runs of up to this many paths get exact quantiles (all records in memory: ~0.37 GB at 120 months)
EXACT_PATHS = 20_480
#: blocks folded into the sketch at a time in a larger run (8 x 2,560 = 20,480 paths, ~0.37 GB)
WAVE_BLOCKS = 8
#: items a sketch level holds before it compacts (see the module docstring for the rank error)
SKETCH_K = 2048
#: the quantiles of the summary
QUANTILES = (0.05, 0.5, 0.95)


class Stream:
    """Means and a quantile sketch of ``S`` series, fed (rows = paths, S) blocks in a fixed order.

    Each level is held as (S, items): one series per row, so a compaction sorts contiguous rows
    (numpy's vectorised sort) and the runner's records, (month, path) buffers, are stacked without a
    transpose. Holding levels as (items, S) and sorting along the strided axis cost ~1.4-2.3 s a
    wave of 20,480 paths x 2,040 series (measured on the 2-core machine), while the workers waited."""

    def __init__(self, names: list[str], T: int, k: int | None = None) -> None:
        self.names, self.T, self.k = list(names), int(T), int(SKETCH_K if k is None else k)
        self.S = len(self.names) * self.T
        self.n = 0
        self.sums = np.zeros(self.S)
        self.levels: list[np.ndarray] = []     # level h: (S, items of weight 2**h)
        self._flip: list[int] = []
        self._compactions: list[int] = []

    def add(self, arrays: dict) -> None:
        """Fold one chunk of paths: ``arrays[name]`` (paths, T) for every name of the stream.

        Level 0 is compacted one variable at a time, straight from the chunk's arrays: the same
        numbers as stacking the chunk into one (S, paths) array first (each series is sorted on its
        own), without that copy (a 20,480-path wave of 20 records is 0.4 GB; the copy and its page
        faults were most of a wave's fold)."""
        xs = [np.asarray(arrays[name], dtype=np.float64).T for name in self.names]    # (T, paths) each
        items = xs[0].shape[1]
        self.n += items
        self.sums += np.concatenate([x.sum(axis=1) for x in xs])
        self._grow(0)
        held = self.levels[0]
        total = held.shape[1] + items
        if total < 2 * self.k:
            self.levels[0] = np.concatenate([held, np.concatenate(xs, axis=0)], axis=1)
            return
        m = total - total % 2                  # an odd item out (the largest) stays at this level
        f = self._flip[0]
        up = np.empty((self.S, len(range(f, m, 2))))
        rest = np.empty((self.S, total - m))
        T = self.T
        for i, x in enumerate(xs):
            rows = slice(i * T, (i + 1) * T)
            lev = np.concatenate([held[rows], x], axis=1)      # a copy, sorted in place
            lev.sort(axis=1)
            up[rows] = lev[:, f:m:2]
            rest[rows] = lev[:, m:]
            del lev
        del xs
        self._flip[0] ^= 1
        self._compactions[0] += 1
        self.levels[0] = rest
        self._push(1, [up])

    def _grow(self, h: int) -> None:
        """Make sure level ``h`` exists (empty)."""
        while len(self.levels) <= h:
            self.levels.append(np.empty((self.S, 0)))
            self._flip.append(0)
            self._compactions.append(0)

    def _push(self, h: int, box: list) -> None:
        """Fold ``box``'s one array (S, items) into level ``h``. It comes in a list that this method
        empties, so no caller's frame keeps it alive: each level's array is freed before the level
        above is built, and the stack of a wave's compactions holds about one wave at a time."""
        self._grow(h)
        x = box.pop()
        lev = np.concatenate([self.levels[h], x], axis=1) if self.levels[h].shape[1] else x
        del x
        if lev.shape[1] < 2 * self.k:
            self.levels[h] = lev
            return
        # each series (row) on its own. Above level 0 a level is a few sorted runs (every other item
        # of a sorted level below, and what this level kept): timsort ("stable") merges runs,
        # ~2x faster here than the default introsort; a sort is a sort, the numbers are the same
        lev.sort(axis=1, kind="stable" if h > 0 else None)
        m = lev.shape[1] - lev.shape[1] % 2    # an odd item out (the largest) stays at this level
        box.append(np.ascontiguousarray(lev[:, self._flip[h]:m:2]))
        self._flip[h] ^= 1
        self._compactions[h] += 1
        self.levels[h] = lev[:, m:].copy()     # a copy: even an empty view would keep lev alive
        del lev
        self._push(h + 1, box)

    @property
    def rank_error(self) -> float:
        """The bound on any quantile's rank error, as a share of the paths (0 when exact)."""
        if self.n == 0:
            return 0.0
        return float(sum(c * 2 ** h for h, c in enumerate(self._compactions))) / self.n

    def quantiles(self, qs=QUANTILES, chunk: int = 240) -> np.ndarray:
        """(len(qs), S): the smallest kept value whose cumulative weight reaches q x total."""
        qs = np.asarray(qs, dtype=float)
        out = np.empty((len(qs), self.S))
        weights = np.concatenate([np.full(lv.shape[1], 2.0 ** h) for h, lv in enumerate(self.levels)])
        total = weights.sum()
        for j0 in range(0, self.S, chunk):
            j1 = min(self.S, j0 + chunk)
            vals = np.concatenate([lv[j0:j1] for lv in self.levels], axis=1)     # (chunk, items)
            order = np.argsort(vals, axis=1, kind="stable")
            cw = np.cumsum(weights[order], axis=1)
            sv = np.take_along_axis(vals, order, axis=1)
            for i, q in enumerate(qs):
                pos = (cw < q * total).sum(axis=1)          # first index where cumulative >= q * total
                out[i, j0:j1] = sv[np.arange(j1 - j0), np.minimum(pos, sv.shape[1] - 1)]
        return out

    def summary(self, months: list[str]):
        """The tidy summary (variable, month, p5, p50, p95, mean), as ``results.summarise_arrays``."""
        from treasurylab.scenario.results import tidy_summary

        return tidy_summary(self.names, months, self.quantiles(), self.sums / max(self.n, 1))
