"""run says, for an event that passes the run's end, how much of it falls inside: a note under the table,
``events`` in --json (and result.json), and the report's "the scenario in words"."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()

CUT = "of which USD 200bn (24 of 36 months) falls inside this run, which ends 2027-12"


def _file(tmp_path: Path) -> Path:
    f = tmp_path / "cut.yaml"
    f.write_text("name: cut\nstart: 2026-01\nhorizon: 24\npaths: 2\nevents:\n"
                 "  - {type: sale, date: 2026-01, holder: China, amount_bn: 300, days: 1096}\n"
                 "  - {type: threat, date: 2026-02, strength: 0.5, months: 6}\n")
    return f


def test_run_notes_and_json_say_what_falls_inside_the_run(tmp_path):
    f = _file(tmp_path)
    res = runner.invoke(app, ["run", str(f), "--no-report", "--out", str(tmp_path / "a")])
    assert res.exit_code == 0, res.output
    # the events' notes (the headline table's definitions are notes too: 'note: foreign official ...')
    notes = [ln for ln in res.stdout.splitlines() if ln.startswith("note: events")]
    assert len(notes) == 1 and notes[0].startswith("note: events[0]: 2026-01: ") and CUT in notes[0], notes
    res = runner.invoke(app, ["run", str(f), "--no-report", "--out", str(tmp_path / "b"), "--json"])
    assert res.exit_code == 0, res.output
    ev = json.loads(res.stdout)["events"]
    assert [e["passes_end"] for e in ev] == [True, False]
    assert CUT in ev[0]["what"] and "inside this run" not in ev[1]["what"]
    saved = json.loads((tmp_path / "b" / "result.json").read_text())
    assert saved["events"] == ev


def test_the_report_words_say_what_falls_inside_the_run(tmp_path):
    from treasurylab.report.html import render
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.spec import load_scenario

    html = render(run(load_scenario(_file(tmp_path)), paths=2))
    assert CUT in html
