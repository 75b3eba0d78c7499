"""The generated numbers of docs/validation.md say what the model runs give: the March 2020 table marks
the days from the replay itself, the Davos table reads the parameter file's threat weight and the
channels it switches off change the run, the minerals tables follow the targets and the scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.report.doc_numbers import validation_market as V
from treasurylab.report.doc_numbers import validation_minerals as VM


def _rows(table: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]


def test_march_2020_table_marks_the_days_from_the_replay():
    from treasurylab.scenario.targets.market import march_2020, observed_march_2020

    dates, obs = observed_march_2020()
    m = march_2020(days=len(dates))
    rows = {r[0]: r for r in _rows(V.march_2020_table())}
    peak_obs = V._short(dates[int(np.argmax(obs))])
    assert "(peak)" in rows[peak_obs][1] and f"{100 * (max(obs) - obs[0]):+.0f} bp" in rows[peak_obs][1]
    peak_model = V._short(dates[int(np.argmax(m["y10_bp"]))])
    assert "(peak" in rows[peak_model][2] and f"{m['peak_before_bp']:+.1f} bp" in rows[peak_model][2]
    # the first purchase is at the day's cap, and it is the row that says so
    first = V._short(dates[m["backstop_day"]])
    cap = float(V._market_params()["backstop_pace_bn_per_day"])
    assert m["fed_bn"][m["backstop_day"]] == pytest.approx(cap)
    assert rows[first][3] == f"{V._bn(cap)} (the pace binds)"
    assert sum("(the pace binds)" in r[3] for r in rows.values()) == 1
    # the last day shows the model's end value, and the text quotes the same
    last = rows[V._short(dates[-1])]
    assert last[2] == f"{m['y10_bp'][-1]:+.1f} bp"
    assert last[2] in V.march_2020_end()


def test_davos_table_uses_the_parameter_files_weight_and_each_channel_moves_the_run():
    from treasurylab.params import load_params

    w = float(load_params("coupled")["reserves_threat_weight"])
    table = V.davos_channel_table()
    assert f"weight {w:g} (now)" in table.splitlines()[0]
    base = V._davos()
    assert V._davos(V.OLD_THREAT_WEIGHT)["p50"] > base["p50"]           # a larger weight, more selling
    assert V._davos(None, "reserves")["p50"] < base["p50"]
    assert V._davos(None, "trust")["p50"] < base["p50"]
    assert V._davos(None, "rivals")["p95"] < base["p95"]                 # the provoked rivals are the tail
    assert abs(V._davos(None, "threat")["p50"]) < 0.05
    rows = _rows(table)
    assert rows[0][2] == f"{base['p50']:+.1f} bp"


def test_minerals_tables_follow_the_targets_and_the_scenarios():
    from treasurylab.model.minerals import simulate_scenario
    from treasurylab.scenario.spec import load_scenario
    from treasurylab.scenario.targets.minerals import targets

    t = {x.id: x for x in targets()}
    rows = _rows(VM.replay_table())
    assert rows[0][1] == f"{100 * t['minerals.replay.magnet_exports_yoy.2025-05'].model_value:+.1f}%"
    assert rows[0][3] == "-85% .. -60%"
    s = simulate_scenario(load_scenario("rare-earth-cutoff")).summary()
    (cut,) = [r for r in _rows(VM.scenarios_table()) if r[0] == "rare-earth-cutoff"]
    assert f"US {100 * s['shortfall_peak_share']['US']:.0f}%" in cut[1]
    assert f"{s['us_output_gap_pp_min']:+.2f} pp" == cut[3]
