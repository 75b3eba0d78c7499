"""The CLI contract, command by command, as a demanding user meets it.

1. Bad input -> exit 2, exactly one line on stderr (``error: FIELD: problem (got X) - fix``) naming
   the option and the fix, nothing on stdout, never a traceback; with ``--json`` the same error as one
   JSON document on stdout (``{"error": ..., "exit_code": 2}``). Table-driven over every command.
2. Good input with ``--json`` -> stdout is exactly one JSON document (``json.loads`` of all of it),
   stderr empty (no progress bar, no log line).
3. Human tables, read from a pipe (the tests' stdout is not a terminal), never cut an identifier:
   every calibration target id appears whole; on a narrow terminal text wraps but ids stay whole.
4. The progress bar appears on a terminal only, and never under ``--json``.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from treasurylab.cli import output
from treasurylab.cli.main import app

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"


@pytest.fixture
def files(tmp_path):
    """Small input files for the bad-input table (written per test, never shared)."""
    f = {
        "malformed": tmp_path / "malformed.yaml",
        "zero_months": tmp_path / "zero.yaml",
        "unknown_param": tmp_path / "unknown_param.yaml",
        "unknown_block": tmp_path / "unknown_block.yaml",
        "bad_metric": tmp_path / "bad_metric.sweep.yaml",
        "sweep_no_scenario": tmp_path / "no_scenario.sweep.yaml",
        "a_file": tmp_path / "a_file.txt",
        "no_parent": tmp_path / "no" / "such" / "folder",
        "folder": tmp_path,
    }
    f["malformed"].write_text("name: x\nstart: [2026-01\n")
    f["zero_months"].write_text("name: x\nstart: 2026-01\nhorizon: 0\n")
    f["unknown_param"].write_text("name: x\nstart: 2026-01\nhorizon: 12\noverrides:\n  market:\n    no_such_param: 1\n")
    f["unknown_block"].write_text("name: x\nstart: 2026-01\nhorizon: 12\noverrides:\n  zzz_block:\n    x: 1\n")
    f["bad_metric"].write_text("name: s\nscenario: baseline\nmetric: y11.p50@3\ngrid:\n  horizon: [12]\n")
    f["sweep_no_scenario"].write_text("name: s\nscenario: missing.yaml\nmetric: y10.p50@12\ngrid:\n  horizon: [12]\n")
    f["a_file"].write_text("not a folder\n")
    return f


# (case id, argv with {placeholders} for the files above, substrings the one stderr line must hold)
BAD = [
    # data
    ("data-show-unknown-dataset", "data show tic.holdngs", ["ID:", "unknown dataset", "did you mean 'tic.holdings'"]),
    ("data-show-unknown-country", "data show tic.holdings --country chna", ["country:", "did you mean 'China, Mainland'"]),
    ("data-show-inverted-range", "data show tic.holdings --start 2025-06 --end 2024-01",
     ["inverted", "give --start before --end"]),
    ("data-show-month-13", "data show tic.holdings --start 2025-13", ["--start:", "not a date", "YYYY-MM"]),
    ("data-show-day-30-feb", "data show tic.holdings --end 2025-02-30", ["--end:", "not a date", "real month and day"]),
    ("data-show-malformed-date", "data show tic.holdings --start 2025/01", ["--start:", "not a date", "YYYY-MM"]),
    ("data-show-zero-limit", "data show tic.holdings --limit 0", ["--limit:", "positive row count"]),
    ("data-show-bad-filter", "data show tic.holdings --filter series", ["--filter:", "COLUMN=VALUE"]),
    ("data-show-unknown-filter-column", "data show tic.holdings --filter colour=red", ["colour", "no column", "country"]),
    ("data-show-plot-suffix", "data show tic.holdings --plot chart.pdf", ["--plot:", ".png or .html"]),
    ("data-show-plot-no-folder", "data show tic.holdings --plot {no_parent}/c.png", ["--plot:", "does not exist", "mkdir"]),
    ("data-show-plot-is-folder", "data show tic.holdings --plot {folder}", ["--plot:", "is a folder"]),
    ("data-show-missing-id", "data show", ["Missing argument 'ID'", "treasurylab data show --help"]),
    ("data-unknown-subcommand", "data shwo tic.holdings", ["No such command 'shwo'", "show"]),
    ("data-provenance-unknown", "data provenance nosuch", ["ID:", "unknown dataset"]),
    ("data-load-missing-file", "data load {no_parent}/x.csv", ["FILE:", "no such file"]),
    ("data-load-folder", "data load {folder}", ["FILE:", "is a folder"]),
    ("data-load-unknown-format", "data load {a_file}", ["FILE:", "unknown file format", "supported"]),
    ("data-load-zero-limit", ["data", "load", str(FIXTURES / "fed" / "TREAST.csv"), "--limit", "0"],
     ["--limit:", "at least 1", "(got 0)", "positive row count"]),
    ("data-load-negative-limit", ["data", "load", str(FIXTURES / "fed" / "TREAST.csv"), "--limit", "-3"],
     ["--limit:", "at least 1", "(got -3)", "positive row count"]),
    ("data-update-unknown-id", "data update --id nosuch", ["--id:", "unknown dataset"]),
    ("data-update-unknown-argument", "data update nosuch", ["ID:", "unknown dataset"]),
    # claims
    ("claims-unknown-row", "claims --row 99", ["--row:", "rows with claims"]),
    ("claims-missing-file", "claims --file {no_parent}/c.yaml", ["no such file"]),
    ("claims-malformed-yaml", "claims --file {malformed}", ["malformed.yaml line", "not valid YAML"]),
    # run
    ("run-unknown-scenario", "run davos-2062", ["no such scenario", "did you mean 'davos-2026'"]),
    ("run-malformed-yaml", "run {malformed}", ["malformed.yaml line", "not valid YAML"]),
    ("run-zero-months", "run {zero_months}", ["line 3", "horizon", "at least 1"]),
    ("run-unknown-parameter", "run {unknown_param}", ["line 6", "market.no_such_param", "valid names"]),
    ("run-unknown-block", "run {unknown_block}", ["line 5", "overrides.zzz_block", "valid names"]),
    ("run-negative-paths", "run baseline --paths -5", ["--paths:", ">= 1", "--paths 1000"]),
    ("run-zero-paths", "run baseline --paths 0", ["--paths:", ">= 1"]),
    ("run-paths-not-a-number", "run baseline --paths many", ["'--paths'", "not a valid int", "treasurylab run --help"]),
    ("run-negative-seed", "run baseline --seed -1", ["--seed:", ">= 0"]),
    ("run-zero-workers", "run baseline --workers 0", ["--workers:", "1 for serial"]),
    ("run-unknown-option", "run baseline --pathz 3", ["No such option: --pathz", "--paths"]),
    ("run-empty-name", ["run", ""], ["SCENARIO:", "empty scenario name"]),
    ("run-a-folder", "run {folder}", ["SCENARIO:", "is a folder"]),
    ("run-missing-argument", "run", ["Missing argument 'SCENARIO'", "treasurylab run --help"]),
    ("run-out-no-parent", "run baseline -n 5 --out {no_parent}", ["--out:", "parent folder does not exist", "mkdir"]),
    ("run-out-is-a-file", "run baseline -n 5 --out {a_file}", ["--out:", "is a file"]),
    ("run-bad-cluster", "run baseline -n 5 --cluster localhost:8786", ["--cluster:", "tcp://HOST:PORT"]),
    # compare
    ("compare-unknown-scenario", "compare baseline chnia-exit", ["no such scenario", "did you mean 'china-exit'"]),
    ("compare-zero-paths", "compare baseline china-exit -n 0", ["--paths:", ">= 1"]),
    # sweep
    ("sweep-a-scenario-name", "sweep davos-2026", ["SWEEP:", "is a scenario, not a sweep", "tipping-point"]),
    ("sweep-unknown-name", "sweep tiping-point", ["SWEEP:", "no such sweep", "did you mean 'tipping-point'"]),
    ("sweep-missing-file", "sweep {no_parent}/s.yaml", ["SWEEP:", "file not found", "check the path"]),
    ("sweep-scenario-missing-file", "sweep {sweep_no_scenario}",
     ["line 2: scenario:", "file not found", "check the path"]),
    ("sweep-malformed-yaml", "sweep {malformed}", ["malformed.yaml line", "not valid YAML"]),
    ("sweep-unknown-metric", "sweep {bad_metric}", ["line 3", "metric", "y10.p50@24"]),
    ("sweep-zero-paths", "sweep tipping-point -n 0", ["--paths:", ">= 1"]),
    ("sweep-bad-cluster", "sweep tipping-point --cluster 127.0.0.1", ["--cluster:", "tcp://HOST:PORT"]),
    ("sweep-out-no-parent", "sweep tipping-point --out {no_parent}", ["--out:", "parent folder does not exist"]),
    # backtest
    ("backtest-after-the-data", "backtest --first 2030 --last 2031",
     ["--first/--last:", "no outcome yet", "(got '2030-01')", "use origins from 1993-01 to "]),
    ("backtest-origin-after-the-data", "backtest --origins 2020-01,2031-06",
     ["--origins:", "no outcome yet", "(got '2031-06')"]),
    ("backtest-write-docs-a-folder", "backtest --write-docs {folder}",
     ["--write-docs:", "is a folder", "validation.md"]),
    ("backtest-out-no-parent", "backtest --out {no_parent}", ["--out:", "parent folder does not exist", "mkdir"]),
    ("backtest-out-is-a-file", "backtest --out {a_file}", ["--out:", "is a file"]),
    # calibrate
    ("calibrate-unknown-block", "calibrate --block fiscl", ["--block:", "did you mean 'fiscal'"]),
    # fiscal
    ("fiscal-zero-years", "fiscal --years 0", ["years:", "use 1 to"]),
    ("fiscal-unknown-vintage", "fiscal --vintage 2030-01", ["vintage:", "2026-02"]),
    ("fiscal-unknown-parameter", "fiscal --set no_such=1", ["no_such", "valid names"]),
    ("fiscal-set-without-value", "fiscal --set bill_share_target", ["--set:", "NAME=VALUE"]),
    ("fiscal-share-out-of-range", "fiscal --bill-share 2", ["bill_share_target", "must be <= 1"]),
    # minerals
    ("minerals-zero-months", "minerals --months 0", ["months:", "1..600"]),
    ("minerals-malformed-date", "minerals --start 2026-13", ["start:", "not a date"]),
    ("minerals-unknown-scenario", "minerals --scenario rare-earth-cutof", ["no such scenario", "rare-earth-cutoff"]),
    ("minerals-scenario-folder", "minerals --scenario {folder}", ["--scenario:", "is a folder"]),
    ("minerals-scenario-missing-file", "minerals --scenario {no_parent}/s.yaml",
     ["--scenario:", "file not found", "check the path"]),
    ("compare-a-folder", "compare baseline {folder}", ["B:", "is a folder"]),
    ("minerals-share-out-of-range", "minerals --target-share 2", ["--target-share:", "[0, 1]"]),
    ("minerals-negative-days", "minerals --answer-180 --days -5", ["days:", "e.g. 180"]),
    ("minerals-start-before-the-data", "minerals --start 1900-01",
     ["--start:", "before the minerals data", "from 2024-01 on", "(got '1900-01')"]),
    ("minerals-answer-with-start", "minerals --answer-180 --start 2026-03", ["--start:", "not used with --answer-180"]),
    ("minerals-answer-with-months", "minerals --answer-180 --months 12", ["--months:", "not used with --answer-180"]),
    ("minerals-answer-with-target", "minerals --answer-180 --target-share 0.5",
     ["--target-share:", "not used with --answer-180"]),
    ("minerals-days-without-answer", "minerals --days 90", ["--days:", "only used with --answer-180"]),
    # demo
    ("demo-zero-paths", "demo --paths 0", ["--paths:", ">= 1"]),
    ("demo-out-is-a-file", "demo --out {a_file}", ["--out:", "is a file"]),
    # the program itself
    ("unknown-command", "sweeep tipping-point", ["No such command 'sweeep'", "treasurylab --help"]),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
def test_bad_input_exits_2_with_one_line(case, files, monkeypatch):
    monkeypatch.setenv("TREASURYLAB_OFFLINE", "1")          # data update never touches the network
    _, argv, needles = case
    args = [a.format(**files) for a in (argv.split() if isinstance(argv, str) else argv)]
    for json_mode in (False, True):
        res = runner.invoke(app, args + (["--json"] if json_mode else []))
        out = f"stdout={res.stdout!r} stderr={res.stderr!r}"
        assert res.exit_code == 2, out
        assert res.exception is None or isinstance(res.exception, SystemExit), out
        assert "Traceback" not in res.stdout + res.stderr, out
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), out
        for n in needles:
            assert n in lines[0], (n, out)
        if json_mode:
            doc = json.loads(res.stdout)                      # the whole of stdout is one document
            assert doc == {"error": lines[0].removeprefix("error: "), "exit_code": 2}
        else:
            assert res.stdout == "", out


# (argv with {placeholders}, the option as typed): every option of every command that takes a value,
# given a bad one. The one error line must name that option as the user typed it ('--start'), not the
# field of the layer underneath ('start'), nor another option ('--set' for '--bill-share'); and every
# positional argument as its help shows it ('ID', not 'id'; 'NAME', not 'SCENARIO').
TREAST = str(FIXTURES / "fed" / "TREAST.csv")
AS_TYPED = [
    ("backtest --first 1800", "--first"),
    ("backtest --last 1990", "--last"),
    ("backtest --month 13", "--month"),
    ("backtest --every 0", "--every"),
    ("backtest --origins 2001-13", "--origins"),
    ("backtest --paths 5", "--paths"),
    ("backtest --seed -1", "--seed"),
    ("backtest --engine-origins garbage", "--engine-origins"),
    ("backtest --spread-paths 5", "--spread-paths"),
    ("backtest --out {a_file}", "--out"),
    ("backtest --write-docs {folder}", "--write-docs"),
    ("calibrate --block fiscl", "--block"),
    ("claims --row 99", "--row"),
    ("claims --file {no_parent}/c.yaml", "--file"),
    ("dashboard --port 70000", "--port"),
    ("demo --paths 0", "--paths"),
    ("demo --seed -1", "--seed"),
    ("demo --workers 0", "--workers"),
    ("demo --out {a_file}", "--out"),
    ("fiscal --vintage 2030-01", "--vintage"),
    ("fiscal --years 0", "--years"),
    ("fiscal --years 99", "--years"),
    ("fiscal --bill-share 2", "--bill-share"),
    ("fiscal --rate-shift-bp 5000", "--rate-shift-bp"),
    ("fiscal --set bill_share_target", "--set"),
    ("minerals --scenario rare-earth-cutof", "--scenario"),
    ("minerals --scenario {folder}", "--scenario"),
    ("minerals --scenario {no_parent}/s.yaml", "--scenario"),
    ("minerals --start 2026-13", "--start"),
    ("minerals --months 0", "--months"),
    ("minerals --months 601", "--months"),
    ("minerals --answer-180 --days 0", "--days"),
    ("minerals --target-share 2", "--target-share"),
    ("minerals --start 2023-12", "--start"),
    ("minerals --answer-180 --start 2026-03", "--start"),
    ("minerals --answer-180 --months 12", "--months"),
    ("minerals --days 90", "--days"),
    ("run baseline --paths 0", "--paths"),
    ("run baseline --seed -1", "--seed"),
    ("run baseline --out {a_file}", "--out"),
    ("run baseline --workers 0", "--workers"),
    ("run baseline --cluster localhost:8786", "--cluster"),
    ("run baseline --baseline cbo-2030-01", "--baseline"),
    ("run baseline --save-paths 0", "--save-paths"),
    ("compare baseline china-exit --paths 0", "--paths"),
    ("compare baseline china-exit --seed -1", "--seed"),
    ("compare baseline china-exit --workers 0", "--workers"),
    ("sweep tipping-point --cluster 127.0.0.1", "--cluster"),
    ("sweep tipping-point --workers 0", "--workers"),
    ("sweep tipping-point --paths 0", "--paths"),
    ("sweep tipping-point --seed -1", "--seed"),
    ("sweep tipping-point --out {a_file}", "--out"),
    ("watch --rules {no_parent}/rules.yaml", "--rules"),
    ("watch --rules {folder}", "--rules"),
    ("watch --as-of 2026-13-01", "--as-of"),
    ("watch --as-of 1800-01-01", "--as-of"),
    ("data show tic.holdings --country chna", "--country"),
    ("data show tic.holdings --start 2025-13", "--start"),
    ("data show tic.holdings --end 2025-02-30", "--end"),
    ("data show tic.holdings --filter series", "--filter"),
    ("data show tic.holdings --plot chart.pdf", "--plot"),
    ("data show tic.holdings --limit 0", "--limit"),
    ("data flows --country chna", "--country"),
    ("data flows --start 2026-13", "--start"),
    ("data flows --start 2024-01 --end 2023-01", "--end"),
    ("data flows --plot chart.pdf", "--plot"),
    ("data flows --limit 0", "--limit"),
    (f"data load {TREAST} --plot chart.pdf", "--plot"),
    (f"data load {TREAST} --limit 0", "--limit"),
    ("data update --id tic.holdngs", "--id"),
    # positional arguments, by the metavar of their help
    ("data show tic.holdngs", "ID"),
    ("data provenance tic.holdngs", "ID"),
    ("data update tic.holdngs", "ID"),
    ("data load {no_parent}/x.csv", "FILE"),
    ("data load {folder}", "FILE"),
    ("scenarios show davos-2062", "NAME"),
    ("scenarios show {folder}", "NAME"),
    ("run davos-2062", "SCENARIO"),
    ("run {folder}", "SCENARIO"),
    ("compare chnia-exit baseline", "A"),
    ("compare baseline chnia-exit", "B"),
    ("compare baseline {folder}", "B"),
    ("sweep tiping-point", "SWEEP"),
    ("sweep {folder}", "SWEEP"),
    # a scenario file that does not exist, named as the option or argument that gave it
    ("run {no_parent}/s.yaml", "SCENARIO"),
    ("scenarios show {no_parent}/s.yaml", "NAME"),
    ("compare baseline {no_parent}/s.yaml", "B"),
    ("sweep {no_parent}/s.yaml", "SWEEP"),
]


def _field_of(line: str) -> str:
    """The field an error line names: ``error: FIELD: problem ...`` (click's own usage errors say
    ``Invalid value for '--opt'``)."""
    text = line.removeprefix("error: ")
    quoted = re.match(r"Invalid value for '(--[a-z0-9-]+)'", text)
    return quoted.group(1) if quoted else text.split(": ", 1)[0]


def _case_id(case: tuple[str, str]) -> str:
    command = [w for w in case[0].split(" --", 1)[0].split() if w.isalpha() and not w.isupper()]
    return " ".join([*command, case[1]])


@pytest.mark.parametrize("case", AS_TYPED, ids=[_case_id(c) for c in AS_TYPED])
def test_a_bad_option_is_named_as_typed(case, files, monkeypatch):
    monkeypatch.setenv("TREASURYLAB_OFFLINE", "1")
    monkeypatch.chdir(files["folder"])                       # anything written by mistake lands in tmp
    argv, option = case
    args = [a.format(**files) for a in argv.split()]
    for json_mode in (False,) if args[0] == "dashboard" else (False, True):   # dashboard has no --json
        res = runner.invoke(app, args + (["--json"] if json_mode else []))
        out = f"stdout={res.stdout[-300:]!r} stderr={res.stderr!r}"
        assert res.exit_code == 2, out
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), out
        assert option in _field_of(lines[0]).split("/"), out   # '--first/--last' names both


def test_a_missing_parent_of_out_is_refused_alike_by_every_command(files, monkeypatch):
    """backtest --out created missing parent folders (a typo became a folder tree), while run, sweep
    and demo refuse them: one behaviour and one message for all, and nothing is created."""
    monkeypatch.chdir(files["folder"])
    lines = {}
    for argv in ("run baseline -n 5", "sweep tipping-point", "demo", "backtest"):
        res = runner.invoke(app, [*argv.split(), "--out", str(files["no_parent"])])
        assert res.exit_code == 2, (argv, res.stdout[-300:], res.stderr)
        lines[argv] = res.stderr
    assert len(set(lines.values())) == 1, lines
    assert "--out: the parent folder does not exist" in lines["backtest"]
    assert not files["no_parent"].parent.exists()


def _good_cases(tmp_path: Path) -> list[tuple[str, list[str]]]:
    sweep = tmp_path / "s.yaml"
    sweep.write_text("name: s\nscenario: china-exit\npaths: 20\nseed: 1\nmetric: y10.p50@12\n"
                     "grid:\n  horizon: [12, 24]\n")
    return [
        ("data-list", ["data", "list"]),
        ("data-show", ["data", "show", "tic.holdings", "--country", "japan", "--start", "2025-01", "--limit", "3"]),
        ("data-provenance", ["data", "provenance", "fed.soma.2022-02-16"]),
        ("data-flows", ["data", "flows", "--country", "china", "--start", "2025-01"]),
        ("data-load", ["data", "load", str(FIXTURES / "fed" / "TREAST.csv"), "--limit", "2"]),
        ("data-update-offline", ["data", "update"]),
        ("claims", ["claims", "--row", "1"]),
        ("calibrate", ["calibrate", "--block", "macro"]),
        ("fiscal", ["fiscal", "--years", "2"]),
        ("minerals", ["minerals", "--months", "3"]),
        ("minerals-180", ["minerals", "--answer-180"]),
        ("run", ["run", "china-exit", "-n", "5", "--no-report", "--out", str(tmp_path / "run")]),
        ("compare", ["compare", "baseline", "china-exit", "-n", "5"]),
        ("sweep", ["sweep", str(sweep), "--workers", "1", "--out", str(tmp_path / "sweep")]),
        ("demo", ["demo", "-n", "20", "--out", str(tmp_path / "demo")]),
    ]


def test_every_command_json_is_one_document_and_stderr_is_silent(tmp_path, monkeypatch):
    monkeypatch.setenv("TREASURYLAB_OFFLINE", "1")
    for name, args in _good_cases(tmp_path):
        res = runner.invoke(app, args + ["--json"])
        want = 3 if name == "data-update-offline" else 0      # 3: nothing could be refreshed
        assert res.exit_code == want, (name, res.stdout[-500:], res.stderr)
        doc = json.loads(res.stdout)
        assert isinstance(doc, dict) and doc, name
        assert "error" not in doc, name
        assert res.stderr == "", (name, res.stderr)


def test_piped_calibrate_table_shows_every_target_id_whole():
    doc = json.loads(runner.invoke(app, ["calibrate", "--block", "fiscal", "--block", "macro", "--json"]).stdout)
    ids = [t["id"] for t in doc["targets"]]
    assert len(ids) > 10 and any(len(i) > 20 for i in ids)
    res = runner.invoke(app, ["calibrate", "--block", "fiscal", "--block", "macro"])
    assert res.exit_code == 0, res.stderr
    assert "…" not in res.stdout
    lines = res.stdout.splitlines()
    for i in ids:
        assert any(f" {i} " in line for line in lines), i     # on one line, not folded, not cut


def _terminal(width: int, buffer: io.StringIO | None = None):
    """A stand-in for output.console: a terminal of ``width`` columns (stderr goes to ``buffer``)."""

    def make(stderr: bool = False):
        return Console(force_terminal=True, width=width, file=buffer if stderr and buffer else None)

    return make


def test_narrow_terminal_wraps_text_but_never_cuts_an_identifier(monkeypatch, capsys):
    monkeypatch.setattr(output, "console", _terminal(72))
    ids = ["fiscal.net_interest_to_revenue.fy2035", "minerals.separation.china_share"]
    note = "a note long enough that it has to wrap onto several lines in a narrow terminal window"
    output.table([{"target": i, "value": 1234.5, "unit": "USD bn", "note": note} for i in ids], title="t")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert max(len(x) for x in lines) <= 72           # fits the terminal
    assert len(lines) > 10                            # because the note wrapped
    for i in ids:
        assert any(i in x for x in lines), i          # whole, on one line
    assert "1,234" in out and "USD bn" in out and "…" not in out
    words = " ".join(x.strip("│ ") for x in lines if "│" in x)
    for w in note.split():
        assert w in words                             # the note wrapped, nothing lost


def test_table_wider_than_the_terminal_is_drawn_whole(monkeypatch, capsys):
    monkeypatch.setattr(output, "console", _terminal(40))
    row = {f"column_{k}": f"value-{k}-{'x' * 6}" for k in range(5)}
    output.table([row])
    out = capsys.readouterr().out
    for v in row.values():
        assert v in out                               # wider than 40, but nothing cut


def test_table_prints_brackets_literally(capsys):
    output.table([{"events[type=sale].amount_bn": "[bold]x[/bold]", "v": 1}])
    out = capsys.readouterr().out
    assert "events[type=sale].amount_bn" in out and "[bold]x[/bold]" in out


def test_column_widths_and_header_folding():
    header, cells = ["id", "text"], [["abcdefghij", "one two three four five six"]]
    widths, total = output.column_widths(header, cells, None)
    assert widths == [10, 27] and total == 37 + 7
    widths, total = output.column_widths(header, cells, 30)
    assert widths[0] == 10 and widths[1] < 27 and total == 30
    widths, _ = output.column_widths(header, cells, 10)    # too narrow: minimums, ids still whole
    assert widths[0] == 10
    assert output.fold_header("cbo_net_interest", 8) == "cbo_net_\ninterest"
    assert output.fold_header("short", 8) == "short"


def test_progress_bar_only_on_a_terminal_and_never_with_json(monkeypatch, tmp_path):
    from treasurylab.scenario.ensemble import BLOCK_SIZE

    n = str(BLOCK_SIZE + 1)                               # two blocks: a bar is worth showing
    args = ["run", "baseline", "-n", n, "--no-report", "--out", str(tmp_path)]
    res = runner.invoke(app, args)                        # a pipe: no bar, nothing on stderr
    assert res.exit_code == 0 and res.stderr == ""
    buf = io.StringIO()
    monkeypatch.setattr(output, "console", _terminal(100, buf))
    res = runner.invoke(app, args)
    assert res.exit_code == 0 and "2/2" in buf.getvalue()  # the bar counted the blocks on the terminal
    buf.seek(0), buf.truncate()
    res = runner.invoke(app, args + ["--json"])
    assert res.exit_code == 0 and buf.getvalue() == "" and json.loads(res.stdout)["paths"] == int(n)


def test_closed_pipe_is_quiet(monkeypatch):
    def broken():
        raise BrokenPipeError(32, "Broken pipe")

    with pytest.raises(Exception) as info:
        output.guard(broken)
    assert type(info.value).__name__ == "Exit" and info.value.exit_code == 1


def test_version_text_and_json():
    from treasurylab import __version__

    plain = runner.invoke(app, ["--version"])
    assert plain.exit_code == 0 and plain.stdout.strip() == __version__
    doc = runner.invoke(app, ["--version", "--json"])
    assert doc.exit_code == 0 and json.loads(doc.stdout) == {"version": __version__}


def test_version_shows_no_metavar_in_the_help():
    """'treasurylab --help' listed '--version <bool>', as if it took a value; it is a flag."""
    res = runner.invoke(app, ["--help"], env={"COLUMNS": "100"})
    assert res.exit_code == 0
    line = next(x for x in res.stdout.splitlines() if "--version" in x)
    assert "Print the version." in line and "<" not in line, line


def test_every_command_module_is_registered():
    """cli/main.py lists its command modules instead of scanning the package at start: a new
    ``*_cmd.py`` that is not listed would silently be missing from the CLI."""
    from pathlib import Path

    import treasurylab.cli as cli_pkg
    from treasurylab.cli.main import COMMAND_MODULES

    on_disk = sorted(p.stem for p in Path(cli_pkg.__file__).parent.glob("*_cmd.py"))
    assert sorted(COMMAND_MODULES) == on_disk


def _command_paths(group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from _command_paths(cmd, (*prefix, name))


def test_no_flag_shows_a_value_in_any_help():
    """Every flag's help line showed '<bool>' in the value column ('--json  <bool>  Print one JSON document.',
    '--help  <bool>'), as if it took a value; a flag takes none. Options that take a value keep theirs."""
    import typer

    group = typer.main.get_command(app)
    paths = list(_command_paths(group))
    assert len(paths) > 15 and ("data", "list") in paths
    for path in [(), *paths]:
        res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
        assert res.exit_code == 0, path
        assert "<bool>" not in res.stdout, (path, [x for x in res.stdout.splitlines() if "<bool>" in x])
        help_line = next(x for x in res.stdout.splitlines() if "--help" in x and "Show this message" in x)
        assert "<" not in help_line, (path, help_line)
    run_help = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "120"}).stdout
    assert re.search(r"--paths\b.*<int>", run_help) and re.search(r"--json\s+Print one JSON", run_help)
