"""Hostile input is refused at load time with exit 2 and one line, never exit 1 or a traceback.

Regression tests for the reliability issue: non-finite numbers everywhere (scenario fields,
overrides, minerals event params, CLI float options, ``--set``), scenario names that are paths or
hide control characters, impossible calendar dates, wrong-shaped overrides, deep nesting, YAML
alias bombs, and the length of what an error line echoes.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cli_refusal import refused
from typer.testing import CliRunner

from treasurylab.errors import BadInput
from treasurylab.scenario.spec import load_scenario, load_scenario_text
from treasurylab.yamlio import MAX_DEPTH, load_yaml_text

runner = CliRunner()
HEAD = "name: x\nstart: 2026-01\nhorizon: 24\npaths: 20\nseed: 1\n"


def _refused(text: str, *needles: str) -> str:
    with pytest.raises(BadInput) as ei:
        load_scenario_text(text, "s.yaml")
    msg = str(ei.value)
    assert "\n" not in msg
    for n in needles:
        assert n in msg, msg
    return msg


@pytest.mark.parametrize("body, needle", [
    ("overrides: {macro: {baa_spread_stress: .nan}}", "overrides.macro.baa_spread_stress"),
    ("overrides: {macro: {baa_spread_stress: .inf}}", "overrides.macro.baa_spread_stress"),
    ("overrides: {macro: {baa_spread_stress: -.inf}}", "not a finite number"),
    ("events: [{type: threat, date: 2026-02, strength: .nan}]", "events[0].strength"),
    ("events: [{type: sale, date: 2026-02, holder: china, amount_bn: .inf}]", "events[0].amount_bn"),
    ("events: [{type: minerals, date: 2026-02, action: export_control, params: {share: .nan}}]",
     "events[0].params.share"),
    ("events: [{type: minerals, date: 2026-02, action: export_control, params: {share: -.inf}}]",
     "events[0].params.share"),
])
def test_non_finite_yaml_numbers_are_refused_with_their_line(body, needle):
    msg = _refused(HEAD + body + "\n", needle)
    assert "s.yaml line 6" in msg


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity"])
def test_non_finite_numbers_written_as_text_are_refused(value):
    # pydantic would turn the text 'nan' into a float that passes every bound
    _refused(HEAD + f"events: [{{type: threat, date: 2026-02, strength: '{value}'}}]\n", "events[0].strength")


def test_non_finite_override_from_python_is_refused():
    from treasurylab.params import load_params

    with pytest.raises(BadInput, match="not a finite number"):
        load_params("macro", {"baa_spread_stress": float("nan")})


@pytest.mark.parametrize("body, needle", [
    ("overrides: {macro: {cbo_gdp: 1.0}}", "must be a mapping"),
    ("overrides: {macro: {baa_spread_stress: [1, 2]}}", "must be a number"),
    ("overrides: {macro: {baa_spread_stress: fast}}", "must be a number"),
    ("overrides: {macro: {cbo_gdp: {'2026': bad}}}", "macro.cbo_gdp.2026"),
    ("events: [{type: minerals, date: 2026-02, action: export_control, params: {share: [1, 2]}}]",
     "events[0].params"),
])
def test_wrong_shaped_values_are_refused_at_load(body, needle):
    _refused(HEAD + body + "\n", needle)


@pytest.mark.parametrize("date", ["2026-02-30", "2026-04-31", "2027-02-29"])
@pytest.mark.parametrize("quoted", [True, False])
def test_impossible_calendar_dates_are_refused(date, quoted):
    d = f"'{date}'" if quoted else date
    msg = _refused(HEAD + f"events: [{{type: threat, date: {d}, strength: 0.5}}]\n")
    assert "line 6" in msg and ("calendar date" in msg or "day is out of range" in msg)
    # quoted or not, the line names the field and echoes the date
    assert "events[0].date: not a valid calendar date" in msg and date in msg


@pytest.mark.parametrize("name", ["/tmp/x", "../../x", "a/b", "..", ".hidden", "a\\b", '"a\\0b"',
                                  '"a\\e[31mred"', '"tab\\there"', "'a b'"])
def test_names_that_are_paths_or_hide_control_characters_are_refused(name):
    text = HEAD.replace("name: x", f"name: {name}")
    _refused(text, "name:", "output folder")


def test_shipped_scenarios_still_load():
    from treasurylab.scenario.spec import shipped

    for n in shipped():
        assert load_scenario(n).name == n


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")])
def test_deep_nesting_is_refused_not_a_recursion_error(opener, closer):
    text = HEAD + "overrides: " + opener * 1000 + "1" + closer * 1000 + "\n"
    msg = _refused(text, f"nested more than {MAX_DEPTH} levels")
    assert "line 6" in msg


def test_nesting_within_the_limit_is_read():
    depth = MAX_DEPTH - 1
    doc = load_yaml_text("a: " + "[" * depth + "1" + "]" * depth + "\n")
    node = doc.data["a"]
    for _ in range(depth - 1):
        node = node[0]
    assert node == [1]


BOMB = "\n".join(
    [f'a0: &a0 [{",".join(["x"] * 9)}]']
    + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["name: *a8"]) + "\n"


def test_alias_bomb_is_refused_fast():
    assert len(BOMB.encode()) < 500
    t0 = time.perf_counter()
    with pytest.raises(BadInput, match="expands to more than"):
        load_yaml_text(BOMB, "bomb.yaml")
    # not a speed benchmark: a bomb that were expanded would take minutes and gigabytes
    assert time.perf_counter() - t0 < 10


def test_a_few_honest_aliases_are_still_read():
    doc = load_yaml_text("base: &b {x: 1, y: 2}\none: *b\ntwo: *b\n")
    assert doc.data["one"] == doc.data["two"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("args, needle", [
    (["fiscal", "--rate-shift-bp", "nan"], "--rate-shift-bp"),
    (["fiscal", "--rate-shift-bp", "inf"], "--rate-shift-bp"),
    (["fiscal", "--rate-shift-bp", "-inf"], "--rate-shift-bp"),
    (["fiscal", "--rate-shift-bp", "1e9"], "--rate-shift-bp"),
    (["fiscal", "--bill-share", "nan"], "--bill-share"),
    (["fiscal", "--set", "bill_share_target=NaN"], "not a finite number"),
    (["fiscal", "--set", "bill_share_target=notjson"], "must be a number"),
    (["fiscal", "--set", 'bill_weights=notjson'], "bill_weights"),
    (["fiscal", "--set", 'bill_weights={"b1m": "x"}'], "bill_weights.b1m"),
    (["minerals", "--target-share", "nan"], "--target-share"),
])
def test_cli_float_options_and_set_refuse_non_finite_and_wrong_shapes(args, needle):
    assert needle in refused(args)


def test_cli_run_refuses_a_name_outside_out_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "s.yaml"
    f.write_text(HEAD.replace("name: x", "name: ../../escaped"))
    assert "name" in refused(["run", str(f), "--no-report"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]
    assert not (tmp_path.parent.parent / "escaped").exists()


def test_error_lines_cut_huge_values_and_strip_control_characters():
    e = BadInput("unknown holder", field="events[0].holder", got="\x1b[2J" + "x" * 10_000_000, fix="f")
    msg = str(e)
    assert len(msg) < 1000 and "\x1b" not in msg and "\n" not in msg
    assert "10,000,004 characters" in msg


def test_a_ten_megabyte_name_gives_a_short_line(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_text(HEAD.replace("name: x", "name: " + "n" * 10_000_000))
    line = refused(["run", str(f), "--no-report"])
    assert len(line) < 2000


def test_cli_unknown_scenario_name_with_control_characters_is_escaped():
    line = refused(["run", "evil\x1b]0;title\x07name"])
    assert "\x1b" not in line and "\x07" not in line


def test_paths_of_shipped_scenarios_unchanged():
    # the folder a run writes by default is out/NAME and NAME is now always a plain folder name
    from treasurylab.scenario.spec import shipped

    for n in shipped():
        assert Path("out", load_scenario(n).name).parent == Path("out")


@pytest.mark.parametrize("cmd", [["sweep"], ["run"], ["data", "load"]])
def test_a_path_the_system_refuses_is_bad_input_not_an_internal_error(cmd):
    # found by the fuzzing: a 5,000-character name made the OS refuse the path (ENAMETOOLONG), exit 1
    line = refused(cmd + ["x" * 5000])
    assert "internal error" not in line and len(line) < 1000


@pytest.mark.parametrize("size, field, needles", [
    ("amount_bn: 5, share: 0.5", "events[0].share", ["(got 0.5)", "amount_bn (5 USD bn)", "not both"]),
    ("days: 7", "events[0].amount_bn", ["needs a size", "add amount_bn:"]),
])
def test_a_sale_with_two_sizes_or_none_names_the_field_and_the_values(size, field, needles):
    """Both sizes gave '(got 'dict')' (the event was too long to echo) and named no field."""
    msg = _refused(HEAD + f"events: [{{type: sale, date: 2026-02, holder: Denmark, {size}}}]\n", *needles)
    assert f"line 6: {field}:" in msg and "dict" not in msg
