"""Hostile input in the fields and options added or changed since the last input audit: one line naming
the field and the fix, exit 2, nothing written (docs/reliability.md).

policy_path's points, minerals parameters given as mappings or non-finite numbers from Python, seeds
above the bound a scenario file already had, workers that are not whole numbers, ``--save-paths``
beyond the paths a run keeps, and the watch rules' windows and deadline clocks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from cli_refusal import refused
from typer.testing import CliRunner

import treasurylab
from treasurylab.cli.main import app
from treasurylab.errors import BadInput
from treasurylab.scenario.spec import load_scenario, load_scenario_text

runner = CliRunner()
MAX_SEED = 2**63 - 1      # a scenario file's bound on seed (spec.Scenario.seed)
HEAD = "name: x\nstart: 2026-01\nhorizon: 24\npaths: 5\nseed: 1\n"


def _refused(text: str) -> str:
    with pytest.raises(BadInput) as ei:
        load_scenario_text(text, "s.yaml")
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


# -- policy_path -----------------------------------------------------------------------------------

def test_policy_path_two_days_of_one_month_are_refused_not_one_dropped():
    # both are read as 2026-06: one rate was dropped without a word
    msg = _refused(HEAD + "events: [{type: policy_path, date: 2026-03, path: {2026-06-01: 2, 2026-06-20: 3}}]\n")
    assert "events[0].path.2026-06" in msg and "one rate a month" in msg


def _pp(rate) -> dict:
    return {"name": "x", "start": "2026-01", "horizon": 24,
            "events": [{"type": "policy_path", "date": "2026-03", "path": {"2026-06": rate}}]}


@pytest.mark.parametrize("rate", [np.float32(2.5), np.int64(2), np.float64(2.5)])
def test_policy_path_takes_numpy_numbers_from_a_notebook(rate):
    sc = load_scenario(_pp(rate))
    assert sc.events[0].path == {"2026-06": float(rate)}


@pytest.mark.parametrize("rate", [np.float32("nan"), np.float64("inf")])
def test_policy_path_refuses_numpy_non_finite(rate):
    with pytest.raises(BadInput, match=r"events\[0\]\.path.*finite"):
        load_scenario(_pp(rate))


# -- minerals parameters ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, needle", [
    ("{a: 1}", "must be a number, a name or true/false"),
    ("[EU, Korea]", "must be a number, a name or true/false"),
])
def test_a_minerals_parameter_of_the_wrong_shape_is_named_by_its_key(value, needle):
    msg = _refused(HEAD + f"events: [{{type: minerals, date: 2026-02, action: ally_delay, "
                          f"params: {{region: {value}, months: 6}}}}]\n")
    # pydantic named its union's first branch ('params.region.float') and asked for a number
    assert "events[0].params.region:" in msg and ".float" not in msg and needle in msg, msg


@pytest.mark.parametrize("value", [math.nan, math.inf, np.float64("-inf")])
def test_a_non_finite_minerals_parameter_from_python_is_named_by_its_key(value):
    d = {"name": "x", "start": "2026-01", "horizon": 24,
         "events": [{"type": "minerals", "date": "2026-03", "action": "ally_delay",
                     "params": {"region": "EU", "months": value}}]}
    with pytest.raises(BadInput) as ei:
        load_scenario(d)
    assert "events[0].params.months:" in str(ei.value) and "not a finite number" in str(ei.value)


def test_minerals_parameters_from_numpy_are_read_as_numbers():
    d = {"name": "x", "start": "2026-01", "horizon": 24,
         "events": [{"type": "minerals", "date": "2026-03", "action": "export_licence",
                     "params": {"share": np.float32(0.5), "months": 6}}]}
    assert load_scenario(d, checks=False).events[0].params == {"share": 0.5, "months": 6}


# -- seeds and workers -----------------------------------------------------------------------------

@pytest.mark.parametrize("cmd", [["run", "baseline", "--no-report"], ["compare", "baseline", "davos-2026"]])
def test_cli_seed_above_the_files_bound_is_refused(cmd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = refused([*cmd, "--paths", "5", "--seed", str(MAX_SEED + 1)])
    assert "--seed" in line and f"{MAX_SEED:,}" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("call", ["run", "compare"])
def test_python_seed_above_the_files_bound_is_refused(call):
    fn = {"run": lambda s: treasurylab.run("baseline", paths=5, seed=s),
          "compare": lambda s: treasurylab.compare("baseline", "davos-2026", paths=5, seed=s)}[call]
    with pytest.raises(BadInput, match="seed"):
        fn(MAX_SEED + 1)
    # the bound itself is the file's: a scenario may say it
    assert load_scenario({"name": "x", "seed": MAX_SEED}, checks=False).seed == MAX_SEED


@pytest.mark.parametrize("workers", [math.nan, 2.5, True])
def test_python_workers_must_be_a_whole_number(workers):
    with pytest.raises(BadInput, match="workers"):
        treasurylab.run("baseline", paths=5, workers=workers)


@pytest.mark.parametrize("call", ["run", "compare", "sweep"])
def test_python_workers_are_named_as_the_caller_wrote_them(call):
    # the Python caller wrote workers=, not --workers (the line named the CLI's option)
    from treasurylab.scenario.sweep import sweep

    fn = {"run": lambda: treasurylab.run("baseline", paths=5, workers=2.5),
          "compare": lambda: treasurylab.compare("baseline", "davos-2026", paths=5, workers=2.5),
          "sweep": lambda: sweep({"name": "s", "scenario": "davos-2026", "paths": 2, "seed": 1,
                                  "grid": {"events[type=threat].strength": [0.5]}}, workers=2.5)}[call]
    with pytest.raises(BadInput) as ei:
        fn()
    assert ei.value.field == "workers" and "--workers" not in str(ei.value), str(ei.value)


@pytest.mark.parametrize("cmd", [["run", "baseline", "--no-report"], ["compare", "baseline", "davos-2026"],
                                 ["sweep", "tipping-point"], ["demo"]])
def test_cli_workers_are_named_as_the_option(cmd, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = refused([*cmd, "--workers", "0"])
    assert line.startswith("error: --workers: must be a whole number >= 1"), line


# -- --save-paths ----------------------------------------------------------------------------------

def test_save_paths_beyond_the_runs_paths_is_refused_before_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = refused(["run", "baseline", "--paths", "5", "--save-paths", "6", "--no-report", "--out", "o"])
    assert "--save-paths" in line and "5 paths" in line
    assert list(tmp_path.iterdir()) == []        # refused before the run: no folder, nothing written


def test_result_save_refuses_more_paths_than_it_keeps(tmp_path):
    res = treasurylab.run("baseline", paths=5, seed=1)
    with pytest.raises(BadInput, match="more than the 5 paths"):
        res.save(tmp_path / "o", save_paths=6)
    assert "paths_nc" in res.save(tmp_path / "o", save_paths=5)


# -- watch rules -----------------------------------------------------------------------------------

RULE = "rules:\n  - id: r\n    title: t\n"


@pytest.mark.parametrize("body, field", [
    ("kind: change\n    indicator: china_holdings\n    window: 0m\n    below: 1\n", "rules[0].window"),
    ("kind: change\n    indicator: china_holdings\n    window: 99999999y\n    below: 1\n", "rules[0].window"),
    ("kind: change\n    indicator: china_holdings\n    window: 36526d\n    below: 1\n", "rules[0].window"),
    ("kind: new_low\n    indicator: china_holdings\n    lookback: 0d\n", "rules[0].lookback"),
    ("kind: new_low\n    indicator: china_holdings\n    lookback: 99999999y\n", "rules[0].lookback"),
    ("kind: deadline\n    start: 2026-01-14\n    days: 1000000000\n    warn_days: 1\n", "rules[0]"),
    ("kind: deadline\n    start: 9999-12-31\n    days: 10\n    warn_days: 1\n", "rules[0]"),
])
def test_watch_refuses_empty_or_overflowing_windows_and_clocks(body, field, tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(RULE + "    " + body)
    line = refused(["watch", "--rules", str(f)])
    assert field in line and "internal error" not in line, line


def test_watch_takes_a_century_window(tmp_path):
    f = tmp_path / "r.yaml"
    f.write_text(RULE + "    kind: new_low\n    indicator: china_holdings\n    lookback: 100y\n")
    assert runner.invoke(app, ["watch", "--rules", str(f)]).exit_code in (0, 3)


# -- sweep keys ------------------------------------------------------------------------------------

def test_a_sweep_grid_reaches_a_policy_path_point_and_warns_of_its_decimal(tmp_path, monkeypatch):
    # the point's key is a month: the key parser took only \w names ('not a field path')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pp.yaml").write_text(HEAD + "events: [{type: policy_path, date: 2026-03, path: {2026-06: 2}}]\n")
    (tmp_path / "s.sweep.yaml").write_text("name: s\nscenario: pp.yaml\npaths: 2\nseed: 1\nmetric: y10.p50@12\n"
                                           "grid:\n  events[type=policy_path].path.2026-06: [0.04, 3]\n")
    res = runner.invoke(app, ["sweep", "s.sweep.yaml", "--workers", "1", "--json"])
    assert res.exit_code == 0, res.stderr
    assert "events[0].path.2026-06: 0.04 percent" in res.stderr
    import json

    rows = json.loads(res.stdout)["points"]
    assert [r["events[type=policy_path].path.2026-06"] for r in rows] == [0.04, 3]
    assert rows[0]["value"] != rows[1]["value"]       # the point moved the path


def test_a_bad_key_under_set_is_named_under_set(tmp_path):
    (tmp_path / "s.sweep.yaml").write_text("name: s\nscenario: davos-2026\npaths: 2\nseed: 1\n"
                                           "metric: p_cascade_half_24m\nset:\n  evnts.x: 1\n"
                                           "grid:\n  events[type=threat].strength: [0.5]\n")
    line = refused(["sweep", str(tmp_path / "s.sweep.yaml"), "--workers", "1"])
    assert "set.evnts.x" in line and "grid.evnts" not in line, line


@pytest.mark.parametrize("action, params, field", [
    ("ally_delay", "{region: EU, months: 2.5}", "events[0].params.months"),
    ("subsidy", "{months: 6.5, regions: all}", "events[0].params.months"),
    ("export_ban", "{months: 0.5}", "events[0].params.months"),
    ("new_capacity", "{region: US, stage: magnet, tonnes_per_year: 1000, ramp_months: 12.5}",
     "events[0].params.ramp_months"),
])
def test_minerals_months_must_be_whole(action, params, field):
    # the block counts whole months (int()): a fraction was cut without a word
    msg = _refused(HEAD + f"events: [{{type: minerals, date: 2026-02, action: {action}, params: {params}}}]\n")
    assert field in msg and "whole number of months" in msg, msg


def test_a_stockpile_release_in_months_of_demand_may_be_a_fraction():
    # months of demand are a quantity, not a count of months
    sc = load_scenario_text(HEAD + "events: [{type: minerals, date: 2026-02, action: stockpile_release, "
                                   "params: {region: EU, months: 1.5}}]\n", "s.yaml")
    assert sc.events[0].params["months"] == 1.5


# -- a minerals event re-checked at set-up is named by the user's index ------------------------------

def _minerals_second(action: str, params: dict) -> dict:
    # a policy_path first, so the minerals event is the user's events[1] (and the block's events[4]
    # once the 2025 policy record's four events are put before it)
    return {"name": "x", "start": "2026-01", "horizon": 24, "paths": 4, "seed": 1,
            "events": [{"type": "policy_path", "date": "2026-03", "path": {"2026-06": 3}},
                       {"type": "minerals", "date": "2026-02", "action": action, "params": params}]}


@pytest.mark.parametrize("action, params, field", [
    ("export_bann", {}, "events[1].action"),
    ("export_ban", {"months": 0.5}, "events[1].params.months"),
    ("ally_delay", {"region": "Atlantis", "months": 6}, "events[1].params.region"),
])
def test_a_bad_minerals_event_given_to_run_is_named_by_the_users_index(action, params, field):
    d = _minerals_second(action, params)
    with pytest.raises(BadInput) as at_load:
        load_scenario(d)
    with pytest.raises(BadInput) as at_run:
        treasurylab.run(load_scenario(d, checks=False), paths=4)
    assert at_load.value.field == field, str(at_load.value)
    # the set-up's re-check named the block's list, after the policy record (minerals.events[4])
    assert at_run.value.field == field, str(at_run.value)
    assert "minerals.events[" not in str(at_run.value) and at_run.value.problem == at_load.value.problem


def test_a_minerals_policy_mix_is_named_by_the_users_indices(tmp_path):
    d = _minerals_second("export_ban", {"products": "magnet", "destinations": "all"})
    d["events"].append({"type": "minerals", "date": "2026-03", "action": "exemption",
                        "params": {"products": "magnet", "destinations": "all"}})
    with pytest.raises(BadInput) as ei:
        treasurylab.run(d, paths=4)
    msg = str(ei.value)
    assert ei.value.field.startswith("events[2] ") and "the other: events[1] (export_ban " in msg, msg
    assert "minerals.events[" not in msg, msg


# -- a grid value the scenario refuses is named by the sweep file's grid line --------------------------

@pytest.mark.parametrize("value, shown, needle", [
    ("'nan'", "'nan'", "finite number of percent"),
    ("{a: 1}", "{'a': 1}", "finite number of percent"),
    ("500", "500", "outside -1% to 20%"),
])
def test_a_grid_value_the_scenario_refuses_names_the_sweep_files_grid_line(value, shown, needle, tmp_path,
                                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pp.yaml").write_text(HEAD + "events: [{type: policy_path, date: 2026-03, path: {2026-06: 2}}]\n")
    sweep = tmp_path / "s.sweep.yaml"
    sweep.write_text("name: s\nscenario: pp.yaml\npaths: 2\nseed: 1\nmetric: y10.p50@12\n"
                     f"grid:\n  events[type=policy_path].path.2026-06: [3, {value}]\n")
    line = refused(["sweep", str(sweep), "--workers", "1"])
    # the line named the base scenario by its full path with the event's field; the value was the
    # sweep file's, on its line 7
    want = f"{sweep} line 7: grid.events[type=policy_path].path.2026-06 = {shown}: events[0].path"
    assert line.startswith("error: " + want), line
    assert str(tmp_path / "pp.yaml") not in line and needle in line and "see docs/scenarios.md" in line, line


def test_a_set_value_the_scenario_refuses_names_the_sweep_files_set_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pp.yaml").write_text(HEAD + "events: [{type: policy_path, date: 2026-03, path: {2026-06: 2}}]\n")
    sweep = tmp_path / "s.sweep.yaml"
    sweep.write_text("name: s\nscenario: pp.yaml\npaths: 2\nseed: 1\nmetric: y10.p50@12\n"
                     "set:\n  events[type=policy_path].date: 2031-01\ngrid:\n  horizon: [24]\n")
    line = refused(["sweep", str(sweep), "--workers", "1"])
    assert line.startswith(f"error: {sweep} line 7: set.events[type=policy_path].date = "), line
    assert "events[0].date: outside the run" in line, line


# -- a table parameter overridden in part ----------------------------------------------------------

ALL_KEYS = "needs a value for every key of the default"


@pytest.mark.parametrize("override, field, needle", [
    # these were 'internal error: KeyError' (exit 1), in the run and in the words alike
    ("minerals: {licence_share_settled: {magnet: 0.5}}", "minerals.licence_share_settled.ndpr", ALL_KEYS),
    ("minerals: {price_base: {ndpr: 80}}", "minerals.price_base.dy", ALL_KEYS),
    ("minerals: {price_elasticity: {ndpr: 0.5, dy: 1, tb: 1, magnet: 1, nd: 2}}", "minerals.price_elasticity.nd",
     "unknown product"),
    ("minerals: {value_per_tonne: {wind: 1}}", "minerals.value_per_tonne.ev_traction", ALL_KEYS),
    # these ran, with every key left out silently at 0: other regions' heavy content, the allies' deterrence
    # (a threat then no longer deterred Europe), the Gulf's political risk
    ("minerals: {heavy_content: {China: 0.1}}", "minerals.heavy_content.Myanmar/Laos", ALL_KEYS),
    ("holders: {deterrence: {'China, Mainland': 0}}", "holders.deterrence.asian_official", ALL_KEYS),
    ("holders: {political_risk: {'China, Mainland': 0.2}}", "holders.political_risk.Hong Kong", ALL_KEYS),
    # 'not a valid override for block macro (KeyError: mortgage)'
    ("macro: {fci_weights: {y10: 1}}", "macro.fci_weights.mortgage", "every rate"),
    ("macro: {fci_weights: {y10: 1, mortage: 1, baa: 1}}", "macro.fci_weights.mortage", "did you mean 'mortgage'"),
])
def test_a_table_overridden_in_part_is_refused_naming_the_missing_key(override, field, needle, tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(HEAD + "events: [{type: minerals, date: 2026-03, action: export_licence}]\n"
                 f"overrides:\n  {override}\n")
    line = refused(["run", str(f), "--no-report", "--out", str(tmp_path / "out")])
    assert f"p.yaml line 8: {field}:" in line and needle in line, line
    assert not (tmp_path / "out").exists()


def test_a_whole_table_override_changes_only_the_keys_changed():
    from treasurylab.params import load_params
    from treasurylab.params.minerals_inputs import build

    table = dict(load_params("minerals")["heavy_content"])
    table["China"] = 0.5 * table["China"]
    inp, base = build({"heavy_content": table}), build()
    assert inp.heavy_content[0] == 0.5 * base.heavy_content[0]
    assert (inp.heavy_content[1:] == base.heavy_content[1:]).all()


def test_a_sweep_key_inside_a_table_changes_that_key_only(tmp_path):
    """A grid on overrides.holders.deterrence.asian_official built {asian_official: v} as the whole table,
    so every point also dropped the other groups' deterrence; a point now starts from the default table."""
    from treasurylab.params import load_params
    from treasurylab.scenario.sweep import set_path

    data = {"name": "x", "events": []}
    set_path(data, "overrides.holders.deterrence.asian_official", 0.4, "s.sweep.yaml")
    want = {**load_params("holders")["deterrence"], "asian_official": 0.4}
    assert data["overrides"]["holders"]["deterrence"] == want
    # a scenario's own table is changed in place, not replaced
    data = {"name": "x", "overrides": {"holders": {"deterrence": dict(want, americas=0.0)}}}
    set_path(data, "overrides.holders.deterrence.gulf_official", 0.0, "s.sweep.yaml")
    assert data["overrides"]["holders"]["deterrence"] == dict(want, americas=0.0, gulf_official=0.0)
