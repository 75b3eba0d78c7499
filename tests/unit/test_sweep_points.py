"""What a sweep's points are: a grid (or set) value of paths or seed is run as written or refused,
never silently replaced; a point the scenario refuses is named where the refused value was written."""

from __future__ import annotations

import json

from cli_refusal import refused
from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()
HEAD = "name: x\nstart: 2026-01\nhorizon: 24\npaths: 5\nseed: 1\n"
#: a policy-path event late in the run: a horizon of 6 months leaves it outside the run
PP = HEAD + "events:\n  - type: policy_path\n    date: 2026-12\n    path: {2027-01: 2}\n"


def _files(tmp_path, sweep_text: str):
    (tmp_path / "pp.yaml").write_text(PP)
    f = tmp_path / "s.sweep.yaml"
    f.write_text("name: s\nscenario: pp.yaml\nmetric: y10.p50@6\n" + sweep_text)
    return f


# -- paths (or seed) given twice -------------------------------------------------------------------

def test_a_paths_axis_clashing_with_the_sweep_files_paths_is_refused(tmp_path):
    # the grid's 3 and 4 paths were both run with 2 paths: a sweep of another size than written
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  paths: [3, 4]\n")
    line = refused(["sweep", str(f), "--workers", "1"])
    assert line.startswith(f"error: {f} line 7: grid.paths: "), line
    assert "paths: 2" in line and "[3, 4]" in line and "one place" in line, line


def test_a_paths_axis_clashing_with_the_paths_option_is_refused(tmp_path):
    f = _files(tmp_path, "seed: 1\ngrid:\n  paths: [3, 4]\n")
    line = refused(["sweep", str(f), "--workers", "1", "--paths", "2"])
    assert line.startswith(f"error: {f} line 6: grid.paths: "), line
    assert "--paths 2" in line and "[3, 4]" in line and "one place" in line, line


def test_a_set_paths_clashing_is_refused_and_a_seed_axis_too(tmp_path):
    f = _files(tmp_path, "paths: 2\nseed: 1\nset:\n  paths: 3\ngrid:\n  horizon: [24]\n")
    line = refused(["sweep", str(f), "--workers", "1"])
    assert line.startswith(f"error: {f} line 7: set.paths: ") and "paths: 2" in line and "(got 3)" in line, line
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  seed: [1, 2]\n")
    line = refused(["sweep", str(f), "--workers", "1"])
    assert line.startswith(f"error: {f} line 7: grid.seed: ") and "seed: 1" in line and "[1, 2]" in line, line
    line = refused(["sweep", str(_files(tmp_path, "paths: 2\ngrid:\n  seed: [1, 2]\n")), "--workers", "1",
                 "--seed", "7"])
    assert "grid.seed: " in line and "--seed 7" in line, line


def test_the_same_paths_in_both_places_is_run(tmp_path):
    # equal values change nothing: allowed
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  paths: [2]\n")
    res = runner.invoke(app, ["sweep", str(f), "--workers", "1", "--json"])
    assert res.exit_code == 0, res.stderr
    assert [r["paths"] for r in json.loads(res.stdout)["points"]] == [2]
    res = runner.invoke(app, ["sweep", str(f), "--workers", "1", "--paths", "2", "--json"])
    assert res.exit_code == 0, res.stderr


def test_a_paths_axis_alone_runs_each_points_paths(tmp_path):
    f = _files(tmp_path, "seed: 1\ngrid:\n  paths: [3, 4]\n")
    res = runner.invoke(app, ["sweep", str(f), "--workers", "1", "--json"])
    assert res.exit_code == 0, res.stderr
    assert [r["paths"] for r in json.loads(res.stdout)["points"]] == [3, 4]


# -- a point refused at a value the sweep did not write --------------------------------------------

def test_a_base_value_a_grid_point_leaves_outside_the_run_names_the_scenarios_line(tmp_path):
    # horizon 6 (the grid's) leaves the base's event date (pp.yaml line 8) outside the run: the line
    # read 'pp.yaml with horizon=6', naming no line
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  horizon: [24, 6]\n")
    line = refused(["sweep", str(f), "--workers", "1"])
    base = tmp_path / "pp.yaml"
    assert line.startswith(f"error: {base} line 8 with horizon=6: events[0].date: outside the run"), line


def test_a_base_value_a_set_key_leaves_outside_the_run_names_the_scenarios_line_and_the_set_key(tmp_path):
    # the set key made the point bad; the line named only the grid's seed=1
    f = _files(tmp_path, "paths: 2\nset:\n  horizon: 6\ngrid:\n  seed: [1, 2]\n")
    line = refused(["sweep", str(f), "--workers", "1"])
    base = tmp_path / "pp.yaml"
    assert line.startswith(f"error: {base} line 8 with horizon=6, seed=1: events[0].date: outside the run"), line


def test_a_base_scenario_bad_on_its_own_is_named_as_its_loader_names_it(tmp_path):
    # every point failed on it first, named 'pp.yaml with horizon=24', as if the grid had caused it
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  horizon: [24]\n")
    (tmp_path / "pp.yaml").write_text(PP.replace("date: 2026-12", "date: 2029-12"))
    line = refused(["sweep", str(f), "--workers", "1"])
    assert line.startswith(f"error: {tmp_path / 'pp.yaml'} line 8: events[0].date: outside the run"), line


def test_a_base_that_only_the_sweeps_values_make_valid_is_swept(tmp_path):
    # horizon 6 leaves the base's event (month 12) outside its run: refused alone, but every point of
    # the sweep sets horizon 24 or 36, which holds it; the sweep was refused on the base alone
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  horizon: [24, 36]\n")
    base = tmp_path / "pp.yaml"
    base.write_text(PP.replace("horizon: 24", "horizon: 6"))
    line = refused(["run", str(base), "--no-report", "--out", str(tmp_path / "out")])
    assert line.startswith(f"error: {base} line 8: events[0].date: outside the run (2026-01 + 6 months)"), line
    res = runner.invoke(app, ["sweep", str(f), "--workers", "1", "--json"])
    assert res.exit_code == 0, res.stderr
    assert [r["horizon"] for r in json.loads(res.stdout)["points"]] == [24, 36]
    # a point that still leaves it outside is named as that point, with its own horizon
    f = _files(tmp_path, "paths: 2\nseed: 1\ngrid:\n  horizon: [24, 9]\n")
    base.write_text(PP.replace("horizon: 24", "horizon: 6"))
    line = refused(["sweep", str(f), "--workers", "1"])
    assert line.startswith(f"error: {base} line 8 with horizon=9: events[0].date: outside the run "
                           "(2026-01 + 9 months)"), line


# -- the call's arguments, named as the caller's user gave them ---------------------------------------

def test_from_python_a_clash_names_the_keyword_argument_not_the_option(tmp_path):
    """sweep() called from Python said 'clashes with --paths 2 ... or --paths', the CLI's option,
    which a notebook user never typed. One message, the argument named as given: ``paths=2`` from
    Python, ``--paths 2`` from the CLI (the tests above)."""
    import pytest

    from treasurylab.errors import BadInput
    from treasurylab.scenario.sweep import sweep

    f = _files(tmp_path, "grid:\n  paths: [3, 4]\n")
    with pytest.raises(BadInput) as e:
        sweep(f, workers=1, paths=2)
    assert e.value.field == "grid.paths" and "clashes with paths=2," in e.value.problem
    assert e.value.fix.endswith("or paths=") and "--" not in str(e.value)
    f = _files(tmp_path, "grid:\n  seed: [1, 2]\n")
    with pytest.raises(BadInput) as e:
        sweep(f, workers=1, seed=7)
    assert "clashes with seed=7," in e.value.problem and "--" not in str(e.value)


def test_from_python_a_bad_paths_or_seed_is_named_as_the_call_s(tmp_path):
    """sweep(seed=-1) (or paths=0 beside a grid without a paths axis) was blamed on the scenario
    file's line of seed, as if the file held it; it is the call's argument, checked first, with the
    same check as run() and the CLI (spec.check_paths, spec.check_seed)."""
    import pytest

    from treasurylab.errors import BadInput
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.sweep import sweep

    f = _files(tmp_path, "grid:\n  horizon: [6, 12]\n")
    for kw, field, fix in (({"paths": 0}, "paths", "e.g. paths=1000"), ({"seed": -1}, "seed", "e.g. seed=7")):
        with pytest.raises(BadInput) as e:
            sweep(f, workers=1, **kw)
        assert (e.value.field, e.value.where, e.value.fix) == (field, None, fix), str(e.value)
        with pytest.raises(BadInput) as r:
            run(str(tmp_path / "pp.yaml"), **kw)
        assert str(r.value) == str(e.value)                     # one check, one message
    line = refused(["sweep", str(f), "--workers", "1", "--paths", "0"])
    assert line.startswith("error: --paths: must be a whole number >= 1") and line.endswith("e.g. --paths 1000")
