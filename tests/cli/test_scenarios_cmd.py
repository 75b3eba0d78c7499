"""`treasurylab scenarios` lists the shipped scenarios; `scenarios show NAME` explains one in words."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.cli.scenarios_cmd import event_words
from treasurylab.scenario.spec import load_scenario, shipped

runner = CliRunner()


def test_list_has_every_shipped_scenario_with_story_and_events():
    res = runner.invoke(app, ["scenarios", "--json"])
    assert res.exit_code == 0, res.stderr
    rows = {r["name"]: r for r in json.loads(res.stdout)["scenarios"]}
    assert sorted(rows) == shipped()
    assert rows["china-exit"]["story"].startswith("China sells everything")
    ev = rows["china-exit"]["events"]
    assert [e["type"] for e in ev] == ["sale"]
    assert "China, Mainland sells 100% of its holdings of Treasuries over 730 days" in ev[0]["what"]
    assert rows["baseline"]["events"] == []
    table = runner.invoke(app, ["scenarios"])
    assert table.exit_code == 0 and "davos-2026" in table.stdout and "sale x8" in table.stdout


def test_show_prints_resolved_yaml_and_words():
    res = runner.invoke(app, ["scenarios", "show", "davos-2026"])
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "paths: " in out and "seed: " in out and "horizon: 60" in out       # defaults filled in
    assert "Denmark sells USD 0.1bn of Treasuries over 7 days" in out
    assert "threat of retaliation against sellers, strength 0.6" in out and "Section 232" in out


def test_show_unknown_is_one_line_exit_2():
    res = runner.invoke(app, ["scenarios", "show", "davos-2062"])
    assert res.exit_code == 2 and "davos-2026" in res.stderr and "Traceback" not in res.stderr


def test_every_shipped_event_has_words():
    for name in shipped():
        for e in load_scenario(name).events:
            w = event_words(e)
            assert w.startswith(e.date + ": ") and len(w) > len(e.date) + 20, (name, e)
