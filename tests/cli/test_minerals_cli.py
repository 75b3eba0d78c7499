"""CLI: ``treasurylab minerals`` - one JSON document; bad input exits 2 with one clear line."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()


def _json(res) -> dict:
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_minerals_json_default_run():
    doc = _json(runner.invoke(app, ["minerals", "--months", "24", "--json"]))["minerals"]
    assert doc["months"] == 24 and doc["start"] == "2026-01"
    assert set(doc["china_share_first_month"]) == {"mining", "separation", "heavy_separation", "metal", "magnet"}
    assert {"germany_value_lost_bn", "korea_value_lost_bn", "us_output_gap_pp_min", "price_peak",
            "months_to_target", "shortfall_by_end_use_t"} <= set(doc)
    assert doc["scenario"] == "policy-record-2025"


def test_minerals_cutoff_scenario_has_shortfalls_in_allies():
    doc = _json(runner.invoke(app, ["minerals", "--scenario", "rare-earth-cutoff", "--months", "18", "--json"]))
    m = doc["minerals"]
    assert m["scenario"] == "rare-earth-cutoff"
    assert m["shortfall_total_t"]["US"] > 0 and m["shortfall_total_t"]["China"] == 0
    assert m["germany_value_lost_bn"] > 0 and m["korea_value_lost_bn"] > 0


def test_answer_180_json():
    a = _json(runner.invoke(app, ["minerals", "--answer-180", "--json"]))["answer_180_days"]
    assert a["date"] == "2026-07-13"
    for s, v in a["chain"].items():
        assert 0 <= v <= a["stage_only"][s] + 1e-12 <= 1 + 1e-12
    # a longer window can only bring more capacity online
    b = _json(runner.invoke(app, ["minerals", "--answer-180", "--days", "1000", "--json"]))["answer_180_days"]
    assert b["non_china_capacity_per_year"]["magnet"] > a["non_china_capacity_per_year"]["magnet"]


def test_human_output():
    res = runner.invoke(app, ["minerals", "--months", "12"])
    assert res.exit_code == 0, res.output
    assert "Germany output at risk" in res.stdout


def test_a_runs_shares_are_percents_of_what_they_are_shares_of():
    """The run's tables printed China's share as 0.6372 under 'China share (first month)' and the
    shortfall as 0.64 under 'peak shortfall share', with no unit and no word of what they are shares
    of, beside the 180-day answer's percents; the prices' table named no unit per row."""
    doc = _json(runner.invoke(app, ["minerals", "--scenario", "rare-earth-cutoff", "--months", "18", "--json"]))
    m = doc["minerals"]
    res = runner.invoke(app, ["minerals", "--scenario", "rare-earth-cutoff", "--months", "18"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "China's share of world output, first month" in out and "% of its demand" in out
    mining = next(ln for ln in out.splitlines() if ln.strip("│ ").startswith("mining"))
    assert f"{100 * m['china_share_first_month']['mining']:.1f}%" in mining
    us = next(ln for ln in out.splitlines() if ln.strip("│ ").startswith("US "))
    assert f"{100 * m['shortfall_peak_share']['US']:.1f}%" in us and f"{m['shortfall_total_t']['US']:,.0f}" in us
    magnet = next(ln for ln in out.splitlines() if ln.strip("│ ").startswith("magnet_us"))
    assert "index (1 = base price)" in magnet
    assert "USD/kg oxide" in next(ln for ln in out.splitlines() if ln.strip("│ ").startswith("tb_ex_china"))
    # --json names the unit of every number it gives
    numbers = {k for k, v in m.items() if isinstance(v, (int, float, dict)) and not isinstance(v, bool)
               and k not in ("units",)}
    assert numbers <= set(m["units"]), numbers - set(m["units"])
    assert m["units"]["china_share_first_month"].startswith("fraction") and 0 < m["china_share_first_month"]["mining"] < 1


def test_the_months_column_says_what_it_measures_beside_chinas_share():
    """'months to 50% non-China: 0' for mining sat beside China's 63.7% of world output, as if the two
    disagreed: one is China's share of world output, the other the months until supply outside China meets
    half of the needs outside China. The header and a line under the table say so, and --json's unit."""
    res = runner.invoke(app, ["minerals", "--months", "12"], env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    out = " ".join(res.stdout.split())
    assert "months to 50% non-China" not in out
    assert "months until supply outside China meets 50% of needs outside China" in out
    assert "China's share is of world output, China's own use included" in out
    mining = next(ln for ln in res.stdout.splitlines() if ln.strip("│ ").startswith("mining"))
    cells = [c.strip() for c in mining.split("│") if c.strip()]
    assert cells[-1] == "0" and float(cells[1].rstrip("%")) > 50      # the pair the analyst read as a clash
    doc = _json(runner.invoke(app, ["minerals", "--months", "12", "--json"]))["minerals"]
    assert "needs outside China" in doc["units"]["months_to_target"]
    assert "not China's share of world output" in doc["units"]["months_to_target"]


def test_the_180_day_answers_shares_say_their_unit():
    """The answer's JSON gave units for the stages' capacities only: 'stage_only' and 'chain' (0.62,
    printed as 62%), the magnet demand and the shortfalls had none."""
    a = _json(runner.invoke(app, ["minerals", "--answer-180", "--json"]))["answer_180_days"]
    numbers = {k for k, v in a.items() if isinstance(v, (int, float, dict)) and not isinstance(v, bool)
               and k != "units"}
    assert numbers <= set(a["units"]), numbers - set(a["units"])
    assert a["units"]["stage_only"].startswith("fraction") and a["units"]["magnet"] == "t NdFeB/yr"
    assert "t NdFeB" in a["units"]["shortfall_to_date"]


def _bad(args, *words):
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:"), res.stderr
    for w in words:
        assert w in err[0], err[0]
    return err[0]


def test_bad_inputs_exit_2(tmp_path):
    _bad(["minerals", "--months", "0"], "months")
    _bad(["minerals", "--target-share", "2"], "--target-share")
    _bad(["minerals", "--scenario", "no-such-scenario"], "no such scenario")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nstart: 2026-01\nhorizon: 24\nevents:\n"
                   "  - {type: minerals, date: 2026-02-01, action: export_ban, params: {destinations: Atlantis}}\n")
    _bad(["minerals", "--scenario", str(bad)], "unknown region", "Atlantis")
    mix = tmp_path / "mix.yaml"
    mix.write_text("name: mix\nstart: 2026-01\nhorizon: 24\nevents:\n"
                   "  - {type: minerals, date: 2026-02-01, action: export_ban, params: {destinations: US}}\n"
                   "  - {type: minerals, date: 2026-03-01, action: exemption, params: {destinations: US}}\n")
    _bad(["minerals", "--scenario", str(mix)], "infeasible policy mix")
    neg = tmp_path / "neg.yaml"
    neg.write_text("name: neg\nstart: 2026-01\nhorizon: 24\nevents:\n"
                   "  - {type: minerals, date: 2026-02-01, action: new_capacity,"
                   " params: {region: US, stage: magnets, tonnes_per_year: -100}}\n")
    _bad(["minerals", "--scenario", str(neg)], "tonnes_per_year", ">= 0")
    stage = tmp_path / "stage.yaml"
    stage.write_text("name: st\nstart: 2026-01\nhorizon: 24\nevents:\n"
                     "  - {type: minerals, date: 2026-02-01, action: new_capacity,"
                     " params: {region: US, stage: smelter, tonnes_per_year: 100}}\n")
    _bad(["minerals", "--scenario", str(stage)], "unknown stage")


def test_bad_input_json_mode_prints_one_document():
    res = runner.invoke(app, ["minerals", "--months", "-3", "--json"])
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert doc["exit_code"] == 2 and "months" in doc["error"]


CLASHES = {
    # a ban and an exemption of the same destination and product in the same months; the exemption first
    "ban_exemption": ("  - {type: minerals, date: 2026-03-01, action: exemption, params: {destinations: US}}\n"
                      "  - {type: minerals, date: 2026-02-01, action: export_ban, params: {destinations: US}}\n",
                      "the other: events[1] (exemption 2026-03-01)"),
    "two_proclamations": ("  - {type: minerals, date: 2026-02-01, action: proclamation_232}\n"
                          "  - {type: minerals, date: 2026-03-01, action: proclamation_232}\n",
                          "the other: events[1] (proclamation_232 2026-02-01)"),
}


@pytest.mark.parametrize("case", sorted(CLASHES))
def test_clashing_events_named_at_load_by_the_second_events_line(tmp_path, case):
    """A clash of minerals events is refused when the file is loaded: the second event's file and line
    (line 6: after an event of another kind), the first event's index; the run's set-up names it alike
    (the same rule)."""
    from treasurylab.errors import BadInput
    from treasurylab.model.minerals import simulate_scenario
    from treasurylab.scenario.spec import load_scenario

    events, first = CLASHES[case]
    f = tmp_path / "mix.yaml"
    f.write_text("name: mix\nstart: 2026-01\nhorizon: 24\nevents:\n"
                 "  - {type: sale, date: 2026-02, holder: China, amount_bn: 5}\n" + events)
    line = _bad(["run", str(f), "--paths", "16"], f"{f.name} line 7: events[2] (", "infeasible policy mix", first)
    with pytest.raises(BadInput) as load:
        load_scenario(f)
    assert str(load.value) == line.removeprefix("error: ")
    with pytest.raises(BadInput) as setup:        # the set-up (no file) checks with the same rule
        simulate_scenario(load_scenario(f, checks=False))
    assert setup.value.field.startswith("events[2]") and setup.value.problem == load.value.problem
