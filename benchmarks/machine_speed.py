"""How fast the machine is today: fixed workloads whose code never changes, timed before a benchmark.

``make bench`` (benchmarks/run.py) and ``make load`` (benchmarks/load_dashboard.py) print these beside
their rows: a throttled or shared machine slows every row alike, so rows measured on different days
are compared only after comparing these figures.
"""

from __future__ import annotations

#: the reference workload's code never changes: its time says how fast the machine was that day
REFERENCE = "sum(i * i for i in range(2_000_000)); numpy.sort of 4,000,000 uniforms; best of 5"


#: a third reference, added 2026-12-07 after a day when the two above read as usual while the model's
#: blocks ran ~1.5x slower: the blocks pass over many (paths x holders) arrays of about 1 MiB each, so
#: they wait on the caches and memory the host shares, which a Python loop and one sort barely touch
REFERENCE_MEMORY = ("x * 1.0001 + y over 32 pairs of (2,560 x 47) float64 arrays (~60 MiB, beyond the caches) "
                    "into fresh outputs, 20 rounds; best of 5")


def memory_reference_seconds() -> float:
    """Seconds of :data:`REFERENCE_MEMORY` (best of 5): the same code at every measurement."""
    import numpy as np

    rng = np.random.default_rng(0)
    xs = [rng.random((2560, 47)) for _ in range(32)]
    ys = [rng.random((2560, 47)) for _ in range(32)]

    def once() -> None:
        for _ in range(20):
            for x, y in zip(xs, ys, strict=True):
                z = x * 1.0001
                z += y

    return _best(once)


def _best(f, repeats: int = 5) -> float:
    """The least wall-clock seconds of ``repeats`` calls of ``f``."""
    import time

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def reference_seconds() -> tuple[float, float]:
    """Seconds of a fixed pure-Python loop and a fixed numpy sort (best of 5 each): the same code at
    every measurement, so rows measured on different days or machines are compared through it (a
    shared or throttled machine slows every row alike)."""
    import numpy as np

    x = np.random.default_rng(0).random(4_000_000)
    return _best(lambda: sum(i * i for i in range(2_000_000))), _best(lambda: np.sort(x))
