"""Sweeps too large are refused before any point is built; the others prepare their points a wave at
a time, so memory is bounded by the points in flight, not by the grid."""

from __future__ import annotations

import gc
import weakref

import pytest

from treasurylab.errors import BadInput
from treasurylab.scenario import setup as setup_mod
from treasurylab.scenario import spec as spec_mod
from treasurylab.scenario import sweep as sweep_mod
from treasurylab.scenario.sweep import MAX_PATH_MONTHS, MAX_POINTS, sweep


def _grid(n_x: int, n_y: int, paths: int = 5) -> dict:
    return {"name": "big", "scenario": "davos-2026", "paths": paths, "seed": 1,
            "grid": {"events[type=threat].strength": [i / n_x for i in range(n_x)],
                     "events[type=sale].amount_bn": [1 + i for i in range(n_y)]}}


@pytest.fixture
def counted(monkeypatch):
    """Count the points parsed and prepared (instrumentation, not timing)."""
    calls = {"parse": 0, "prepare": 0}
    parse, prepare = spec_mod.parse_scenario, setup_mod.prepare

    def parse_counted(*a, **k):
        calls["parse"] += 1
        return parse(*a, **k)

    def prepare_counted(*a, **k):
        calls["prepare"] += 1
        return prepare(*a, **k)

    monkeypatch.setattr(spec_mod, "parse_scenario", parse_counted)
    monkeypatch.setattr(setup_mod, "prepare", prepare_counted)
    return calls


def test_audit_grid_is_refused_before_any_point(counted):
    # the audit's 5,000 x 5,000 grid (11 GB after ~10 minutes, still building points)
    with pytest.raises(BadInput) as e:
        sweep(_grid(5000, 5000))
    assert e.value.field == "grid"
    assert "25,000,000 points" in str(e.value) and f"{MAX_POINTS:,}" in str(e.value)
    assert "fewer" in e.value.fix
    assert counted == {"parse": 0, "prepare": 0}
    # the audit's 300 x 300 grid at 5 paths (6.6 GB within ~2 minutes)
    with pytest.raises(BadInput, match="90,000 points"):
        sweep(_grid(300, 300))
    assert counted == {"parse": 0, "prepare": 0}


def test_points_times_paths_bound(counted):
    paths = MAX_PATH_MONTHS // (4 * 60) + 1                  # davos-2026 runs 60 months
    with pytest.raises(BadInput) as e:
        sweep(_grid(2, 2, paths=paths))
    msg = str(e.value)
    assert e.value.field == "grid" and f"{4 * paths * 60:,} path-months" in msg and f"{MAX_PATH_MONTHS:,}" in msg
    # from Python the fix names the keyword arguments; the CLI's options are its own (below)
    assert "paths= or the sweep's paths:" in e.value.fix and "(cluster=)" in e.value.fix
    assert "--" not in str(e.value)
    assert counted == {"parse": 0, "prepare": 0}
    # --paths of the call counts, not the file's
    with pytest.raises(BadInput, match="paths"):
        sweep(_grid(2, 2, paths=1), paths=paths)
    assert counted == {"parse": 0, "prepare": 0}


def test_point_paths_counts_a_paths_axis():
    spec, _ = sweep_mod.load_sweep({"name": "p", "scenario": "davos-2026",
                                    "grid": {"paths": [10, 30], "horizon": [12, 24, 36]}})
    # path-months: every paths value meets every horizon value once
    assert sweep_mod.grid_size(spec, {"paths": 7}, None) == (6, (10 + 30) * (12 + 24 + 36))
    spec, _ = sweep_mod.load_sweep({"name": "p", "scenario": "davos-2026", "paths": 5,
                                    "grid": {"paths": [10, 30], "horizon": [12, 24, 36]}})
    assert sweep_mod.grid_size(spec, {"paths": 7}, None) == (6, 2 * 5 * 72)   # the file's paths win
    assert sweep_mod.grid_size(spec, {"paths": 7}, 2) == (6, 2 * 2 * 72)      # and --paths over it
    # the months: the set's, else the scenario's
    spec, _ = sweep_mod.load_sweep({"name": "p", "scenario": "davos-2026", "set": {"horizon": 120},
                                    "grid": {"paths": [10, 30]}})
    assert sweep_mod.grid_size(spec, {"horizon": 60}, None) == (2, 40 * 120)
    spec, _ = sweep_mod.load_sweep({"name": "p", "scenario": "davos-2026", "grid": {"paths": [10, 30]}})
    assert sweep_mod.grid_size(spec, {"horizon": 60}, None) == (2, 40 * 60)


def test_a_long_horizon_counts_its_months(counted, tmp_path):
    """The bound is on paths x months: a grid that passes at davos-2026's 60 months is refused at 120
    (it counted paths only, and let the 120-month grid through at twice the cost), exit 2 on one line
    naming the grid and the fix."""
    from typer.testing import CliRunner

    from treasurylab.cli.main import app

    paths = MAX_PATH_MONTHS // (4 * 60) - 1                  # 4 points x 60 months: within the bound
    assert 4 * paths < 4_000_000                             # and within the old bound in paths
    sweep_mod.check_size(sweep_mod.load_sweep(_grid(2, 2, paths=paths))[0], {"horizon": 60}, None, None, "x")
    f = tmp_path / "long.sweep.yaml"
    f.write_text(f"name: long\nscenario: davos-2026\npaths: {paths}\nseed: 1\nset:\n  horizon: 120\n"
                 "grid:\n  events[type=threat].strength: [0, 0.5]\n  events[type=sale].amount_bn: [1, 2]\n")
    r = CliRunner().invoke(app, ["sweep", str(f)])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, r.output
    assert "grid" in lines[0] and f"{4 * paths * 120:,} path-months" in lines[0]
    assert "horizon" in lines[0] and "(--cluster)" in lines[0] and "--paths or the sweep's paths:" in lines[0]
    assert counted == {"parse": 0, "prepare": 0}


def test_points_are_prepared_a_wave_at_a_time(monkeypatch):
    alive: weakref.WeakSet = weakref.WeakSet()
    most = [0]
    prepare = setup_mod.prepare

    def tracked(sc):
        gc.collect()
        s = prepare(sc)
        alive.add(s)
        most[0] = max(most[0], len(alive))
        return s

    monkeypatch.setattr(setup_mod, "prepare", tracked)
    res = sweep(_grid(8, 5, paths=1), workers=1)
    assert len(res.rows) == 40
    # two waves in flight at most (the one collected, the next one running)
    assert most[0] <= 2 * sweep_mod.wave_points(1, 1)
    assert most[0] < 40


def test_a_large_point_is_reduced_as_run_reduces_it(monkeypatch):
    """A point of more than reduce.EXACT_PATHS paths is folded a wave of blocks at a time, as a run
    of its paths is (its memory does not grow with its paths): its value is the run's, to the bit
    (the streamed quantiles, not linear ones over every path held at once); a smaller point's is
    the exact run's."""
    from treasurylab.scenario import reduce as R
    from treasurylab.scenario.runner import run

    monkeypatch.setattr(R, "EXACT_PATHS", 3000)
    monkeypatch.setattr(R, "WAVE_BLOCKS", 1)
    chunks: list[int] = []
    add = R.Stream.add

    def counted(self, arrays):
        chunks.append(next(iter(arrays.values())).shape[0])
        return add(self, arrays)

    monkeypatch.setattr(R.Stream, "add", counted)
    res = sweep({"name": "s", "scenario": "davos-2026", "seed": 3, "metric": "y10.p95@12",
                 "set": {"horizon": 24}, "grid": {"paths": [2000, 6000]}}, workers=2)
    assert chunks == [2560, 2560, 880]                      # the 6,000-path point, a block a wave
    for row in res.rows:
        sc = spec_mod.load_scenario("davos-2026").with_(horizon=24, paths=row["paths"], seed=3)
        r = run(sc, workers=1)
        assert r.meta["quantiles"] == ("windows" if row["paths"] > 3000 else "exact")
        assert row["value"] == sweep_mod.metric_value(r, "y10.p95@12")


def test_the_next_wave_is_prepared_before_this_one_is_collected(monkeypatch):
    """The workers need not wait while a wave is prepared: the next wave is prepared and handed over
    before this one is collected (so two waves are prepared before the first is collected)."""
    from treasurylab.scenario import executors

    log: list[str] = []
    prepare, result = setup_mod.prepare, executors.Pending.result

    def prepared(sc):
        log.append("prepare")
        return prepare(sc)

    def collected(self):
        log.append("collect")
        return result(self)

    monkeypatch.setattr(setup_mod, "prepare", prepared)
    monkeypatch.setattr(executors.Pending, "result", collected)
    res = sweep(_grid(4, 5, paths=1), workers=1)
    wave = sweep_mod.wave_points(1, 1)
    assert len(res.rows) == 20 and wave == 8
    first = log.index("collect")
    assert log[:first].count("prepare") == 2 * wave
    assert log.count("collect") == 3
