"""CLI: run / compare / sweep / demo - one JSON document, exit 2 with one clear line on bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()


def _json(res) -> dict:
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_run_json_is_one_document_and_writes_files(tmp_path):
    res = runner.invoke(app, ["run", "davos-2026", "--paths", "50", "--out", str(tmp_path), "--json",
                              "--save-paths", "20"])
    doc = _json(res)
    assert doc["scenario"] == "davos-2026" and doc["paths"] == 50
    assert {"headline", "outcomes", "files"} <= set(doc)
    for k in ("summary_csv", "summary_parquet", "paths_nc", "report_html"):
        assert Path(doc["files"][k]).exists(), k
    import xarray as xr

    with xr.open_dataset(doc["files"]["paths_nc"]) as ds:
        assert ds.sizes["path"] == 20                  # the first 20 paths of the 50

    html = Path(doc["files"]["report_html"]).read_text()
    import re

    assert "<script" in html and not re.search(r"<script[^>]+src=", html)   # plotly.js inlined, no network


def test_run_save_paths_must_be_positive(tmp_path):
    res = runner.invoke(app, ["run", "baseline", "--paths", "10", "--out", str(tmp_path / "o"),
                              "--save-paths", "0", "--json"])
    assert res.exit_code == 2 and "--save-paths" in res.output and "Traceback" not in res.output


def test_run_seed_twice_identical(tmp_path):
    a = _json(runner.invoke(app, ["run", "china-exit", "-n", "40", "--seed", "7", "--no-report",
                                  "--out", str(tmp_path / "a"), "--json"]))
    b = _json(runner.invoke(app, ["run", "china-exit", "-n", "40", "--seed", "7", "--no-report",
                                  "--out", str(tmp_path / "b"), "--json"]))
    assert a["headline"] == b["headline"] and a["outcomes"] == b["outcomes"]
    sa = (tmp_path / "a" / "summary.csv").read_text()
    assert sa == (tmp_path / "b" / "summary.csv").read_text()


def test_run_human_table(tmp_path):
    res = runner.invoke(app, ["run", "baseline", "-n", "5", "--out", str(tmp_path), "--no-report"])
    assert res.exit_code == 0, res.output
    assert "10-year yield" in res.stdout and "p50" in res.stdout
    # the foreign official row's definition is under the table; a run with no events is not told to
    # compare itself with the baseline
    assert "note: foreign official holdings: TIC's official total at the start" in res.stdout
    assert "compare baseline baseline" not in res.stdout
    ev = runner.invoke(app, ["run", "china-exit", "-n", "5", "--out", str(tmp_path / "c"), "--no-report"])
    assert ev.exit_code == 0, ev.output
    # on the 'other:' line, or in the words saying 'other' is sampling noise when it is (5 paths: it is)
    out = " ".join(ev.stdout.split())
    assert ("`treasurylab compare baseline china-exit` gives the events' effect" in out
            or "path by path with `treasurylab compare baseline china-exit`." in out)


OUTCOME_LINE = re.compile(r"^(p_cascade_half_24m|cascade_share_p50|cascade_share_p95|p_regime_exceeded): (.*)$", re.M)


def test_run_and_compare_say_what_each_outcome_counts(tmp_path):
    """The outcome lines under the tables are fractions of paths or of holdings; they said only
    'cascade_share_p50: 0.001627', which reads as a percent as easily as a fraction."""
    res = runner.invoke(app, ["run", "davos-2026", "-n", "5", "--out", str(tmp_path), "--no-report"])
    assert res.exit_code == 0, res.output
    res2 = runner.invoke(app, ["compare", "baseline", "china-exit", "-n", "5"])
    assert res2.exit_code == 0, res2.output
    assert "note: foreign official holdings: TIC's official total at the start" in res2.stdout
    for out in (res.stdout, res2.stdout):
        lines = dict(OUTCOME_LINE.findall(out))
        assert len(lines) == 4, out
        assert "share of paths" in lines["p_cascade_half_24m"] and "share of paths" in lines["p_regime_exceeded"]
        for k in ("cascade_share_p50", "cascade_share_p95"):
            assert "fraction of foreign official holdings" in lines[k], lines[k]


BAD = {
    "unknown_key": ("name: x\nstart: 2026-01\nhorizn: 12\n", "line 3", "horizn", "did you mean 'horizon'"),
    "wrong_type": ("name: x\nstart: 2026-01\nhorizon: twelve\n", "line 3", "horizon", "whole number"),
    "negative_horizon": ("name: x\nstart: 2026-01\nhorizon: -4\n", "line 3", "horizon", "at least 1"),
    "date_outside": ("name: x\nstart: 2050-01\nhorizon: 12\n", "line 2", "start", "start between"),
    "unknown_holder": ("name: x\nstart: 2026-01\nhorizon: 12\nevents:\n  - {type: sale, date: 2026-02, holder: Chna, amount_bn: 5}\n",
                       "line 5", "events[0].holder", "did you mean"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_malformed_scenario_exit_2_one_line(tmp_path, case):
    text, line, field, fix = BAD[case]
    f = tmp_path / f"{case}.yaml"
    f.write_text(text)
    res = runner.invoke(app, ["run", str(f), "--json"])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{f} {line}:" in err and field in err and fix in err, err
    assert "Traceback" not in res.output
    assert json.loads(res.stdout)["exit_code"] == 2


def test_announced_sales_beyond_the_holdings_exit_2_one_line(tmp_path):
    """Two announced sales by China, each within its holdings, that together exceed them: the later one
    is refused with its field, the holder, the total and the most it can still take; nothing written."""
    text = ("name: x\nstart: 2026-01\nhorizon: 12\nevents:\n"
            "  - {type: sale, date: 2026-02, holder: China, share: 0.5, announced: true}\n"
            "  - {type: sale, date: 2026-06, holder: China, share: 0.75, days: 60, announced: true}\n")
    f = tmp_path / "two-sales.yaml"
    f.write_text(text)
    res = runner.invoke(app, ["run", str(f), "-n", "5", "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in res.output, err
    assert "events[1].share" in err and "China, Mainland's announced sales come to" in err, err
    assert "with events[0] before it" in err and "more than it holds at the start" in err, err
    assert "give a share of at most 0.5" in err, err
    total, held = (float(re.search(rf"{w} \(?([\d,.]+) bn", err).group(1).replace(",", ""))
                   for w in ("come to", "at the start"))
    assert total == pytest.approx(1.25 * held, abs=0.1), err
    assert json.loads(res.stdout)["exit_code"] == 2 and not (tmp_path / "o").exists()


def test_unknown_scenario_name_and_bad_options():
    res = runner.invoke(app, ["run", "davos-2062"])
    assert res.exit_code == 2 and "did you mean 'davos-2026'" in res.stderr
    res = runner.invoke(app, ["run", "baseline", "--paths", "0"])
    assert res.exit_code == 2 and "paths" in res.stderr
    res = runner.invoke(app, ["run", "baseline", "--workers", "0", "-n", "5000", "--no-report"])
    assert res.exit_code == 2 and "--workers" in res.stderr


@pytest.mark.parametrize("argv", [["run", "baseline"], ["compare", "baseline", "china-exit"],
                                  ["sweep", "tipping-point"]])
def test_a_path_count_beyond_the_scenario_files_bound_is_refused_at_once(argv, monkeypatch):
    """A scenario file's paths stop at 10,000,000, but --paths 99999999999999999999 was accepted and
    ran for hours (found by the fuzz tests' explore mode)."""
    import treasurylab.scenario.runner as R

    monkeypatch.setattr(R, "run", lambda *a, **k: (_ for _ in ()).throw(AssertionError("ran")))
    res = runner.invoke(app, [*argv, "--paths", "99999999999999999999"])
    assert res.exit_code == 2, res.output
    assert "error: --paths: " in res.stderr and "10,000,000" in res.stderr


def test_the_library_refuses_the_same_path_counts():
    from treasurylab.errors import BadInput
    from treasurylab.scenario.runner import run

    with pytest.raises(BadInput, match="10,000,000"):
        run("baseline", paths=10_000_001)


def test_compare_json():
    doc = _json(runner.invoke(app, ["compare", "baseline", "fiscal-slippage", "-n", "20", "--json"]))
    rows = {(r["variable"], r["month"]): r for r in doc["rows"]}
    debt = [r for k, r in rows.items() if k[0].startswith("debt")]
    # paired per path on the same world: +2% of GDP deficits raise debt/GDP on every path
    assert debt and all(r["difference p5"] > 0 for r in debt)
    assert all(r["difference p5"] <= r["difference p50"] <= r["difference p95"] for r in rows.values())


def test_compare_json_gives_the_differences_their_own_unit():
    """--json gave each row one 'unit', the medians' ('percent' for the 10-year), and none for the
    difference columns, which are in percentage points for a variable in percent (as the terminal's
    words say): a 0.34 difference read as 0.34%. The outcomes had no units (run --json has them)."""
    doc = _json(runner.invoke(app, ["compare", "baseline", "china-exit", "-n", "20", "--json"]))
    by_var = {}
    for r in doc["rows"]:
        by_var.setdefault(r["variable"], set()).add((r["unit"], r["difference_unit"]))
    y10 = next(v for k, v in by_var.items() if k.startswith("10-year yield"))
    debt = next(v for k, v in by_var.items() if k.startswith("debt held by the public"))
    interest = next(v for k, v in by_var.items() if k.startswith("net interest"))
    assert y10 == {("percent", "percentage points")}
    assert debt == {("% of GDP", "percentage points of GDP")}
    assert interest == {("USD bn/yr", "USD bn/yr")}          # a difference of amounts keeps their unit
    assert set(doc["outcome_units"]) == set(doc["outcomes"]) and set(doc["outcome_units"].values()) == {"1"}
    # the terminal's table keeps the unit in the variable's label, and no unit column
    text = runner.invoke(app, ["compare", "baseline", "china-exit", "-n", "20"], env={"COLUMNS": "400"})
    assert text.exit_code == 0 and "difference_unit" not in text.stdout


def test_sweep_json_and_bad_sweep(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: s\nscenario: davos-2026\npaths: 30\nseed: 1\nmetric: y10.p50@12\n"
                 "grid:\n  events[type=threat].strength: [0, 1]\n  events[type=sale].amount_bn: [0.1, 300]\n")
    doc = _json(runner.invoke(app, ["sweep", str(f), "--out", str(tmp_path / "o"), "--json"]))
    assert len(doc["points"]) == 4
    v = {(p["events[type=threat].strength"], p["events[type=sale].amount_bn"]): p["value"] for p in doc["points"]}
    assert v[(0, 300)] > v[(0, 0.1)]          # a $300bn surprise sale raises the median 10-year
    assert Path(doc["files"]["sweep_html"]).exists()
    f.write_text("name: s\nscenario: davos-2026\ngrid:\n  events[type=sael].amount_bn: [1]\n")
    res = runner.invoke(app, ["sweep", str(f)])
    assert res.exit_code == 2 and "grid.events[type=sael].amount_bn" in res.stderr and "line 4" in res.stderr
    f.write_text("name: s\nscenario: davos-2026\nmetric: y11.p50@3\ngrid:\n  horizon: [12]\n")
    res = runner.invoke(app, ["sweep", str(f)])
    assert res.exit_code == 2 and "metric" in res.stderr and "line 3" in res.stderr


def test_a_sweep_reads_its_scenario_file_from_its_own_folder(tmp_path, monkeypatch):
    """A sweep written next to its scenario runs from any folder: a relative `scenario:` path is read
    from the sweep file's folder (it was read from the current folder: 'file not found')."""
    d = tmp_path / "work"
    d.mkdir()
    (d / "mine.yaml").write_text("name: mine\nstart: 2026-01\nhorizon: 24\nevents:\n"
                                 "  - {type: threat, date: 2026-02, strength: 0.5}\n")
    (d / "mine.sweep.yaml").write_text("name: m\nscenario: mine.yaml\npaths: 10\nseed: 1\n"
                                       "grid:\n  events[type=threat].strength: [0, 1]\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    doc = _json(runner.invoke(app, ["sweep", str(d / "mine.sweep.yaml"), "--json"]))
    assert len(doc["points"]) == 2
    # a path that is not beside the sweep file is still read from the current folder, and refused there
    (d / "mine.sweep.yaml").write_text("name: m\nscenario: other.yaml\ngrid:\n  horizon: [12]\n")
    res = runner.invoke(app, ["sweep", str(d / "mine.sweep.yaml")])
    assert res.exit_code == 2 and "scenario" in res.stderr and "other.yaml" in res.stderr, res.stderr


def test_sweep_too_large_is_refused_in_one_line(tmp_path):
    f = tmp_path / "big.sweep.yaml"
    xs = ", ".join(str(i) for i in range(300))
    f.write_text(f"name: big\nscenario: davos-2026\npaths: 5\ngrid:\n  events[type=threat].strength: [{xs}]\n"
                 f"  events[type=sale].amount_bn: [{xs}]\n")
    res = runner.invoke(app, ["sweep", str(f), "--out", str(tmp_path / "o")])
    lines = res.stderr.strip().splitlines()
    assert res.exit_code == 2 and len(lines) == 1, res.stderr
    assert "grid" in lines[0] and "90,000 points" in lines[0] and "line 4" in lines[0] and "fewer points" in lines[0]
    assert not (tmp_path / "o").exists()          # nothing written


def test_help_imports_nothing_heavy():
    # the start-up time itself is measured by the benchmark (docs/benchmarks.md), never asserted
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import treasurylab.cli.main"],
                         capture_output=True, text=True).stderr
    for heavy in ("numpy", "pandas", "xarray", "plotly", "pydantic"):
        assert f" {heavy}\n" not in out and f"| {heavy}\n" not in out, f"{heavy} imported by --help"


def test_a_warm_run_without_report_never_imports_pandas(tmp_path):
    """`run --no-report`, its prepared inputs in the disk cache: loading the scenario, prepare, the
    summary, the tables and the result files (summary.csv, summary.parquet, result.json) need no
    pandas (importing it was ~0.35 s of a 10,000-path run's process); the files are those pandas
    would write (tests/unit/test_result_units.py). With --json no progress bar is drawn: no rich."""
    # app, not main: main ends the process without running a finally (cli/main.py)
    code = ("import sys\nfrom treasurylab.cli.main import app\nsys.argv = ['treasurylab'] + sys.argv[1:]\n"
            "try:\n    app()\nfinally:\n    print('IMPORTED', sorted({m.split('.')[0] for m in sys.modules} & "
            "{'pandas', 'xarray', 'dask', 'plotly', 'rich'}), file=sys.stderr)\n")
    env = {**os.environ, "TREASURYLAB_CACHE_DIR": str(tmp_path / "cache")}
    for i in range(2):                             # the first fills the cache of prepared inputs
        p = subprocess.run([sys.executable, "-c", code, "run", "baseline", "-n", "40", "--workers", "1", "--no-report",
                            "--out", str(tmp_path / f"o{i}"), "--json"], capture_output=True, text=True, env=env)
        assert p.returncode == 0, p.stderr
    assert "IMPORTED []" in p.stderr, p.stderr
    doc = json.loads(p.stdout)
    assert doc["headline"] and Path(doc["files"]["summary_parquet"]).exists()


def _time(cmd) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - t


def test_compare_a_renamed_copy_keeps_both_columns_and_gives_units(tmp_path):
    """`scenarios show china-exit --yaml > my.yaml`, edited, then `compare china-exit my.yaml`: both
    are named china-exit, and one median column was lost (in the terminal, in --json, and the Python
    Comparison.summary() raised a ValueError)."""
    import treasurylab

    mine = tmp_path / "my.yaml"
    shown = runner.invoke(app, ["scenarios", "show", "china-exit", "--yaml"])
    mine.write_text(shown.stdout.replace("share: 1.0", "share: 0.5").replace("horizon: 60", "horizon: 24"))
    doc = _json(runner.invoke(app, ["compare", "china-exit", str(mine), "-n", "8", "--json"]))
    row = doc["rows"][0]
    assert row["unit"] == "percent" and row["variable"].startswith("10-year yield")
    assert {"china-exit (A) p50", "china-exit (B) p50"} <= set(row)
    m = treasurylab.compare(treasurylab.run("china-exit", paths=8, seed=1),
                            treasurylab.run(str(mine), paths=8, seed=1)).summary()
    assert {"china-exit (a) p50", "china-exit (b) p50", "difference p50"} <= set(m.columns)


def test_run_says_what_other_is_in_the_10_year_decomposition(tmp_path):
    """With no events and 100 paths 'other' was +8 bp at month 12 while the docstring said it was the
    regime cap: a reader took Monte Carlo noise for an effect of the events."""
    res = runner.invoke(app, ["run", "baseline", "-n", "100", "-s", "15", "--no-report", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    line = next(ln for ln in res.stdout.splitlines() if ln.startswith("other:"))
    # with no events there is nothing to compare path by path (china-exit's hint: test_run_human_table)
    assert "random shocks over 100 paths" in line and "compare baseline baseline" not in line


@pytest.mark.parametrize("cmd", [["run"], ["compare", "baseline"]])
def test_a_check_made_at_set_up_names_the_file_and_line(tmp_path, cmd):
    """Overlapping events and announced sales past the holdings are found when the run is set up,
    after loading: they named the field but not the file and line, unlike every loader error."""
    f = tmp_path / "s.yaml"
    f.write_text("name: s\nstart: 2026-01\nhorizon: 24\nevents:\n"
                 "  - {type: term_premium, date: 2026-02, size_bp: 50}\n"
                 "  - {type: threat, date: 2026-03, strength: 0.5}\n"
                 "  - {type: term_premium, date: 2026-06, size_bp: 20}\n")
    res = runner.invoke(app, [*cmd, str(f), "-n", "4", *(["--no-report", "--out", str(tmp_path / "o")]
                                                         if cmd == ["run"] else [])])
    assert res.exit_code == 2
    assert f"{f} line 7: events[2].date: overlaps events[0]" in res.stderr, res.stderr
    if cmd == ["run"]:   # the library, given the file, says the same
        from treasurylab.errors import BadInput
        from treasurylab.scenario.runner import run

        with pytest.raises(BadInput, match="line 7: events"):
            run(str(f), paths=4)


def test_compare_table_says_its_paths_seed_and_what_the_difference_percentiles_are(monkeypatch):
    """The paired table named neither how many paths nor which seed (run's title does, and so does
    the notebook's table), and 'difference p5' under '10-year yield (%)' did not say it is a
    percentile across paths of each path's B - A, in percentage points for a variable in percent."""
    monkeypatch.setenv("COLUMNS", "400")
    res = runner.invoke(app, ["compare", "baseline", "fiscal-slippage", "-n", "20", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert "fiscal-slippage - baseline, paired per path (same seed, same world): 20 paths, seed 3" in res.stdout
    assert ("difference p5 / p50 / p95: the 5th, 50th and 95th percentiles across the 20 paths of "
            "fiscal-slippage minus baseline on the same path, in the variable's unit; for a unit in % "
            "the difference is in percentage points (pp)") in " ".join(res.stdout.split())


def test_run_table_says_what_its_percentiles_are(monkeypatch, tmp_path):
    """run's table heads p5 / p50 / p95 with no word on what they are (percentiles across the run's
    paths, month by month), as compare's difference percentiles now say theirs."""
    monkeypatch.setenv("COLUMNS", "400")
    res = runner.invoke(app, ["run", "baseline", "-n", "20", "--no-report", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert ("p5 / p50 / p95: the 5th, 50th (median) and 95th percentiles across the 20 paths in each month; "
            "90% of the paths lie between p5 and p95") in " ".join(res.stdout.split())


def test_the_decomposition_tables_columns_are_worded_with_their_unit(tmp_path):
    """One raw column name, 'total_bp', stood among worded headers ('flows (selling)', ...)."""
    res = runner.invoke(app, ["run", "baseline", "-n", "8", "-s", "1", "--no-report", "--out", str(tmp_path / "o")],
                        env={"COLUMNS": "400"})       # no folded headers, whatever the terminal the tests run in
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "total_bp" not in out
    head = next(ln for ln in out.splitlines() if "flows (selling)" in ln)
    assert "total (bp)" in head, head
    assert "by source (bp, mean across paths ± its Monte Carlo standard error)" in out


def test_runs_decomposition_table_gives_each_mean_its_standard_error(tmp_path):
    """'other' at a few hundred paths is mostly Monte Carlo noise: each cell now says +- its standard
    error, and a line names the parts within about two standard errors of zero."""
    res = runner.invoke(app, ["run", "baseline", "-n", "40", "-s", "3", "--no-report", "--out", str(tmp_path / "o")],
                        env={"COLUMNS": "400"})
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "± its Monte Carlo standard error" in out
    row = next(ln for ln in out.splitlines() if "2026-12" in ln and "±" in ln)
    assert row.count("±") == 6, row          # total, four parts and other
    assert "not distinguishable from zero at 40 paths" in " ".join(out.split())


def test_run_json_gives_the_decomposition_its_unit_and_standard_errors(tmp_path):
    """run's table gives each part of the 10-year's change in bp with its standard error; --json (and
    result.json) had the means only, with 'bp' in one key of seven (total_bp) and no errors."""
    doc = _json(runner.invoke(app, ["run", "china-exit", "-n", "40", "-s", "3", "--no-report",
                                    "--out", str(tmp_path / "o"), "--json"]))
    dec, se = doc["decomposition_y10"], doc["decomposition_y10_se"]
    assert doc["decomposition_y10_unit"] == "bp"
    assert [r["month"] for r in se] == [r["month"] for r in dec] and all(set(e) == set(r) for e, r in zip(se, dec))
    assert all(e[k] >= 0 for e in se for k in e if k != "month")
    flows = [e["flows (selling)"] for e in se]
    assert any(v > 0 for v in flows)       # China's sale makes flows differ across paths: not a zero error
    # the table's '±' is these numbers, to one decimal
    text = runner.invoke(app, ["run", "china-exit", "-n", "40", "-s", "3", "--no-report", "--out",
                               str(tmp_path / "t")], env={"COLUMNS": "400"})
    row = next(ln for ln in text.stdout.splitlines() if ln.strip("│ ").startswith(dec[0]["month"]) and "±" in ln)
    assert f"± {se[0]['flows (selling)']:.1f}" in row and f"± {se[0]['total_bp']:.1f}" in row
    on_disk = json.loads((tmp_path / "o" / "result.json").read_text())
    assert on_disk["decomposition_y10_se"] == se and on_disk["decomposition_y10_unit"] == "bp"


def test_workers_help_says_a_single_block_runs_serially(tmp_path):
    """'run my-scenario.yaml --workers 2 --json' (README) ran 1,000 paths, one block, serially, and
    meta said workers 1 with no word anywhere that --workers is a most, not a count."""
    doc = _json(runner.invoke(app, ["run", "china-exit", "-n", "50", "--workers", "2", "--no-report",
                                    "--out", str(tmp_path / "o"), "--json"]))
    assert doc["meta"]["blocks"] == 1 and doc["meta"]["workers"] == 1 and doc["meta"]["executor"] == "serial"
    for cmd in ("run", "compare"):
        text = " ".join(runner.invoke(app, [cmd, "--help"], env={"COLUMNS": "200"}).stdout.replace("│", " ").split())
        assert "at most one per block of paths, so a run of a single block runs serially" in text, cmd


def test_run_says_other_is_sampling_noise_in_the_words_of_the_report_and_result_json(tmp_path):
    """The report said under its decomposition chart that 'other' within 2 standard errors of zero is
    sampling noise of expected value zero; run's table only said what 'other' holds. Both now take
    the words from one function, and result.json carries them as run prints them."""
    from treasurylab.scenario.results import other_noise

    doc = _json(runner.invoke(app, ["run", "china-exit", "-n", "40", "-s", "3", "--no-report",
                                    "--out", str(tmp_path / "o"), "--json"]))
    notes = doc["decomposition_y10_notes"]
    # at 40 paths 'other' (about ±15 bp of standard error) is within 2 of them of zero
    assert notes["other"].startswith("'other' is sampling noise here") and "expected value is zero" in notes["other"]
    assert "not distinguishable from zero at 40 paths" in notes["noise"]
    text = runner.invoke(app, ["run", "china-exit", "-n", "40", "-s", "3", "--no-report", "--out",
                               str(tmp_path / "t")], env={"COLUMNS": "400"})
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert notes["other"] in lines and notes["noise"] in lines
    assert "compare baseline china-exit" in notes["other"]      # the events' effect, path by path
    # the same function, given the record's rows, gives the same words
    assert other_noise(doc["decomposition_y10"], doc["decomposition_y10_se"], 40,
                       doc["outcomes"]["p_regime_exceeded"],
                       compare="`treasurylab compare baseline china-exit`") == notes["other"]
    assert json.loads((tmp_path / "o" / "result.json").read_text())["decomposition_y10_notes"] == notes
