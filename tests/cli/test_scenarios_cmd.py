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


def test_show_lists_events_by_date_keeping_the_file_order_within_a_date(tmp_path):
    """davos-2026 listed the minerals proclamation of 14 Jan after the threat of 22 Jan (the file's
    order): the events are listed by date, and two of one date keep the file's order."""
    import re

    res = runner.invoke(app, ["scenarios", "show", "davos-2026"])
    assert res.exit_code == 0, res.stderr
    words = res.stdout.split("What each event does")[1]
    dates = re.findall(r"^ +\d+\. (\d{4}-\d{2}-\d{2}):", words, flags=re.M)
    assert dates == sorted(dates) and dates[0] == "2026-01-14" and len(dates) == 3, dates
    doc = json.loads(runner.invoke(app, ["scenarios", "show", "davos-2026", "--json"]).stdout)
    assert [e["date"] for e in doc["events"]] == sorted(dates)
    assert doc["events"][0]["field"] == "events[2]"          # its place in the file, to find it there
    # two sales on one date, the larger first in the file: they stay in that order, after the earlier date
    f = tmp_path / "s.yaml"
    f.write_text("name: s\nstart: 2026-01\nhorizon: 24\nevents:\n"
                 "  - {type: sale, date: 2026-03-01, holder: China, share: 0.5, days: 30}\n"
                 "  - {type: sale, date: 2026-03-01, holder: China, share: 0.2, days: 30}\n"
                 "  - {type: sale, date: 2026-02-01, holder: Japan, share: 0.1, days: 30}\n")
    doc = json.loads(runner.invoke(app, ["scenarios", "show", str(f), "--json"]).stdout)
    assert [e["field"] for e in doc["events"]] == ["events[2]", "events[0]", "events[1]"], doc["events"]


def test_show_unknown_is_one_line_exit_2():
    res = runner.invoke(app, ["scenarios", "show", "davos-2062"])
    assert res.exit_code == 2 and "davos-2026" in res.stderr and "Traceback" not in res.stderr


def test_every_shipped_event_has_words():
    for name in shipped():
        for e in load_scenario(name).events:
            w = event_words(e)
            assert w.startswith(e.date + ": ") and len(w) > len(e.date) + 20, (name, e)


def _full_rows(name):
    """The listing's rows built the long way: the scenario checked in full (check_semantics) and each
    event worded against a run window with the minerals block's full inputs (its curated tables) and
    the holders' spec with its fitted programmes, as a run has them."""
    from treasurylab.scenario.events.base import RunWindow, passes_end
    from treasurylab.scenario.setup import holders_spec, minerals_inputs

    sc = load_scenario(name)
    mov = sc.overrides.get("minerals")
    mev = tuple(ev for ev in sc.events if ev.type == "minerals")
    run = RunWindow(start=sc.start, T=sc.horizon, names=tuple(holders_spec(sc.overrides.get("holders")).names),
                    minerals_params=minerals_inputs(mov).p if mev else None,
                    minerals_overridden=frozenset(mov or ()), minerals_events=mev,
                    minerals_projects=minerals_inputs(mov).projects if mev else None)
    rows = [{"type": ev.type, "date": ev.date, "what": (w := ev.describe(run)), "passes_end": passes_end(w),
             "field": f"events[{i}]"} for i, ev in enumerate(sc.events)]
    return sorted(rows, key=lambda r: r["date"])           # the listing's order: by date, stable


def test_list_says_what_the_full_inputs_say():
    """The listing (schema-checked files, the minerals parameters alone, the holders' names alone)
    words every event of every shipped scenario as the full inputs do, defaults with their values."""
    res = runner.invoke(app, ["scenarios", "--json"])
    assert res.exit_code == 0, res.stderr
    rows = {r["name"]: r for r in json.loads(res.stdout)["scenarios"]}
    for name in shipped():
        sc = load_scenario(name)
        assert rows[name]["events"] == _full_rows(name), name
        assert rows[name]["warnings"] == list(sc.warnings) and rows[name]["start"] == sc.start
    words = " ".join(e["what"] for e in rows["rare-earth-180-days"]["events"])
    assert "negotiated for 180 days (default)" in words and "110 USD/kg (default)" in words
    table = runner.invoke(app, ["scenarios"]).stdout
    for name in shipped():
        assert name in table
    assert "minerals x" in table or "minerals (" in table


def test_list_builds_no_minerals_chain_and_no_fitted_holders(monkeypatch):
    """By instrumentation: the listing (both forms) neither builds the minerals block's inputs (its
    curated tables) nor runs it, nor fits the holders' programmes; the plain table reads no data."""
    import treasurylab.model.minerals as MN
    import treasurylab.params.minerals_inputs as MI
    import treasurylab.scenario.holders_inputs as HI
    import treasurylab.scenario.setup as S

    def boom(*a, **k):
        raise AssertionError("the listing built it")

    for mod, fn in ((S, "minerals_inputs"), (MI, "build"), (MN, "simulate_scenario"), (S, "holders_spec"),
                    (HI, "build_holders_spec"), (HI, "flow_fitted_rates")):
        monkeypatch.setattr(mod, fn, boom)
    S.clear_memo()
    res = runner.invoke(app, ["scenarios", "--json"])
    assert res.exit_code == 0, res.stdout + res.stderr
    assert len(json.loads(res.stdout)["scenarios"]) == len(shipped())
    monkeypatch.setattr(S, "holder_names", boom)
    monkeypatch.setattr(S, "minerals_params", boom)
    import treasurylab.scenario.spec as SP

    monkeypatch.setattr(SP, "baseline_window", boom)
    res = runner.invoke(app, ["scenarios"])
    assert res.exit_code == 0 and "davos-2026" in res.stdout, res.stdout + res.stderr


def test_the_list_never_cuts_a_story():
    """Piped, a story over 140 characters was cut ('... and a Swedish fun...'); README: tables never cut
    a value (piped, a row stays on one line at full width)."""
    res = runner.invoke(app, ["scenarios"], env={"COLUMNS": ""})
    assert res.exit_code == 0
    long = [s for s in (" ".join(str(load_scenario(n, checks=False).description).split()) for n in shipped())
            if len(s) > 140]
    assert long, "no shipped story is long enough to test this"
    for story in long:
        assert story in res.stdout, story[:60]
