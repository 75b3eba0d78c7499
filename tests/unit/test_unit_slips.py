"""A unit slip inside a field's bounds (size_bp: 0.5 meant as 50 bp, pct_gdp: 0.02 meant as 2% of GDP) is
kept but warned about: one line naming the file and line, the field, the value, its unit and what was
probably meant; no shipped scenario warns."""

from __future__ import annotations

import html
import json

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.scenario.events import EVENT_TYPES, field_rows
from treasurylab.scenario.events.base import FIELD_UNITS, PLAUSIBILITY_FLOORS
from treasurylab.scenario.spec import load_scenario, load_scenario_text, shipped

HEAD = "name: s\nstart: 2026-01\nhorizon: 24\npaths: 2\nevents:\n"


@pytest.mark.parametrize("name", shipped())
def test_no_shipped_scenario_warns(name):
    assert load_scenario(name).warnings == ()


@pytest.mark.parametrize(("event", "field", "said"), [
    ("{type: term_premium, date: 2026-02, size_bp: 0.5}", "size_bp",
     "0.5 bp is under 1 bp, more likely a percent written for bp (0.5 for 50 bp) - did you mean 50 (bp)?"),
    ("{type: credit_spread, date: 2026-02, baa_bp: -0.75}", "baa_bp", "did you mean -75 (bp)?"),
    ("{type: backstop, date: 2026-02, on: true, trigger_bp: 0.25}", "trigger_bp", "did you mean 25 (bp)?"),
    ("{type: fiscal_slippage, date: 2026-03, pct_gdp: 0.02}", "pct_gdp",
     "0.02 % of GDP a year is under 0.1 % of GDP a year, more likely a fraction written for a percent "
     "(0.02 for 2% of GDP) - did you mean 2 (% of GDP a year)?"),
    ("{type: fiscal, date: 2026-03, transfers_pct_gdp: 0.01}", "transfers_pct_gdp", "did you mean 1 (% of GDP a year)?"),
])
def test_a_value_under_its_floor_is_kept_and_named_with_its_line(event, field, said):
    sc = load_scenario_text(HEAD + "  - {type: threat, date: 2026-01, strength: 0.5}\n  - " + event + "\n", "my.yaml")
    (w,) = sc.warnings
    assert w.startswith(f"my.yaml line 7: events[1].{field}: "), w
    assert said in w and w.endswith("(kept as given)"), w
    assert getattr(sc.events[1], field) == pytest.approx(float(w.split(": ")[2].split()[0]))   # not changed


@pytest.mark.parametrize("event", [
    "{type: term_premium, date: 2026-02, size_bp: 1}",
    "{type: credit_spread, date: 2026-02, baa_bp: -150}",
    "{type: fiscal_slippage, date: 2026-03, pct_gdp: 0.1}",
    "{type: fiscal, date: 2026-03, purchases_pct_gdp: 1, transfers_pct_gdp: 0}",
])
def test_values_at_or_over_the_floor_and_zero_defaults_do_not_warn(event):
    assert load_scenario_text(HEAD + "  - " + event + "\n", "ok.yaml").warnings == ()


def test_each_floor_has_a_unit_and_is_stated_in_its_fields_docs():
    for kind, cls in EVENT_TYPES.items():
        for row in field_rows(cls):
            if row["field"] in PLAUSIBILITY_FLOORS:
                assert FIELD_UNITS.get(row["field"]), (kind, row["field"])
                assert "warned about" in row["description"] and "assumption:" in row["description"], row


def test_run_and_scenarios_show_print_the_warning_on_stderr_and_in_json(tmp_path):
    f = tmp_path / "slip.yaml"
    f.write_text(HEAD + "  - {type: term_premium, date: 2026-02, size_bp: 0.5}\n")
    runner = CliRunner()
    res = runner.invoke(app, ["run", str(f), "--no-report", "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == 0, res.output
    (w,) = json.loads(res.stdout)["warnings"]
    assert "line 6: events[0].size_bp: 0.5 bp" in w and "did you mean 50 (bp)?" in w
    assert res.stderr.splitlines() == [f"warning: {w}"]
    res = runner.invoke(app, ["scenarios", "show", str(f), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["warnings"] == [w]
    assert f"warning: {w}" in res.stderr


def test_the_report_words_carry_the_warning():
    from treasurylab.report.html import render
    from treasurylab.scenario.runner import run

    sc = load_scenario_text(HEAD + "  - {type: fiscal_slippage, date: 2026-03, pct_gdp: 0.02}\n", "my.yaml")
    html = render(run(sc, paths=2))
    assert "Warning: my.yaml line 6: events[0].pct_gdp: 0.02 % of GDP a year" in html


def test_treasurylab_run_in_python_raises_each_warning_as_a_userwarning(tmp_path):
    """treasurylab.run() kept a likely unit slip silently (only result.json and the report had it): each
    warning is now a Python UserWarning with the same text, issued before the run, once per warning."""
    import warnings

    import treasurylab

    f = tmp_path / "slip.yaml"
    f.write_text(HEAD + "  - {type: term_premium, date: 2026-02, size_bp: 0.5}\n"
                 "  - {type: fiscal_slippage, date: 2026-03, pct_gdp: 0.02}\n")
    want = load_scenario(str(f)).warnings
    assert len(want) == 2
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        res = treasurylab.run(str(f), paths=2, workers=1)
    slips = [w for w in got if issubclass(w.category, UserWarning) and "kept as given" in str(w.message)]
    assert [str(w.message) for w in slips] == list(want)
    assert all(w.filename == __file__ for w in slips)          # pointed at the caller's line
    assert list(res.to_dict()["warnings"]) == list(want)        # and still in result.json's record
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        treasurylab.run("baseline", paths=2, workers=1)
    assert not [w for w in got if "kept as given" in str(w.message)]
    with warnings.catch_warnings(record=True) as got:         # compare(a, b) runs them the same way
        warnings.simplefilter("always")
        treasurylab.compare("baseline", str(f), paths=2, workers=1)
    slips = [w for w in got if "kept as given" in str(w.message)]
    assert [str(w.message) for w in slips] == list(want) and all(w.filename == __file__ for w in slips)


def test_sweep_prints_each_warning_once_and_keeps_them_in_sweep_json(tmp_path):
    """A sweep read its scenario's slips without a word (every grid point is a scenario of its own): each
    distinct warning is now one line on stderr, before the run, not one per grid point, and under
    ``warnings`` in ``sweep --json`` and sweep.json. A slip in the scenario file names that file's line;
    one the grid sets names the sweep file's line."""
    base = tmp_path / "base.yaml"
    base.write_text(HEAD + "  - {type: term_premium, date: 2026-02, size_bp: 0.5}\n"
                    "  - {type: fiscal_slippage, date: 2026-03, pct_gdp: 1}\n")
    f = tmp_path / "w.sweep.yaml"
    f.write_text(f"name: w\nscenario: {base}\npaths: 2\nseed: 1\nmetric: y10.p50@12\ngrid:\n"
                 "  events[type=fiscal_slippage].pct_gdp: [0.02, 1]\n  horizon: [12, 24]\n")
    r = CliRunner().invoke(app, ["sweep", str(f), "--workers", "1", "--out", str(tmp_path / "o"), "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert len(doc["points"]) == 4
    w_base, w_grid = doc["warnings"]
    assert w_base.startswith(f"{base} line 6: events[0].size_bp: 0.5 bp is under 1 bp"), w_base
    assert w_base == load_scenario(str(base)).warnings[0]             # the text run prints for the file
    assert w_grid.startswith(f"{f} line 7: events[1].pct_gdp: 0.02 % of GDP a year"), w_grid
    assert "did you mean 2 (% of GDP a year)?" in w_grid
    assert [x for x in r.stderr.splitlines() if x.startswith("warning:")] == [f"warning: {w_base}", f"warning: {w_grid}"]
    assert json.loads((tmp_path / "o" / "sweep.json").read_text())["warnings"] == doc["warnings"]
    # the map's page heads with them too (a reader of sweep.html alone sees them), escaped
    page = (tmp_path / "o" / "sweep.html").read_text()
    for w in doc["warnings"]:
        assert f"Warning: {html.escape(w)}</p>" in page
    assert page.count("<p class=\"flag\"") == 2 and "plotly" in page
    r = CliRunner().invoke(app, ["sweep", "tipping-point", "--workers", "1", "--paths", "2", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["warnings"] == [] and "warning:" not in r.stderr


def test_a_policy_path_rate_given_as_a_decimal_is_warned_about_in_run_json_and_python(tmp_path):
    """policy_path rates are percent (its field: 'policy rate in percent'); a point under the model's
    lower bound in percent (macro.lower_bound, the midpoint of 0-0.25%) but not 0 is warned about as a
    decimal written for a percent, on each surface the other floors reach; 0 and 0.125 are not."""
    import warnings

    import treasurylab
    from treasurylab.params import load_params

    assert PLAUSIBILITY_FLOORS["path"].floor == pytest.approx(100 * load_params("macro")["lower_bound"])
    f = tmp_path / "pp.yaml"
    f.write_text(HEAD + "  - {type: policy_path, date: 2026-02, path: {2026-06: 0.04, 2026-09: 3}}\n")
    (w,) = load_scenario(str(f)).warnings
    assert w.startswith(f"{f} line 6: events[0].path.2026-06: 0.04 percent is under 0.125 percent, more likely "
                        "a decimal written for a percent (0.04 for 4%) - did you mean 4 (percent)?"), w
    res = CliRunner().invoke(app, ["run", str(f), "--no-report", "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["warnings"] == [w] and res.stderr.splitlines() == [f"warning: {w}"]
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        out = treasurylab.run(str(f), paths=2, workers=1)
    assert [str(x.message) for x in got if "kept as given" in str(x.message)] == [w]
    assert list(out.to_dict()["warnings"]) == [w]
    for ok in ("{2026-06: 0, 2026-09: 3}", "{2026-06: 0.125}", "{2026-06: -0.5}"):
        sc = load_scenario_text(HEAD + f"  - {{type: policy_path, date: 2026-02, path: {ok}}}\n", "ok.yaml")
        assert sc.warnings == (), ok
