"""Fuzzing as a property: malformed scenario files and CLI arguments always end with exit 0 or with
exit 2 and one line on stderr; never exit 1 ("internal error"), never a traceback, and nothing is
written outside the output folder.

Scenario files are a valid scenario with one part replaced by a hostile value (NaN, inf, huge or
negative numbers, text with control characters and NUL, impossible dates, wrong types, deep
nesting), or its YAML text cut or spliced. CLI arguments are the options of the commands with such
values. Each example costs ~0.2 s (the examples that validate run 2 paths), so the whole file runs in
well under a minute; the counts are in docs/reliability.md.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()

BASE = {
    "name": "fz",
    "start": "2026-01",
    "horizon": 12,
    "paths": 2,
    "seed": 1,
    "baseline": "cbo-2026-02",
    "events": [
        {"type": "sale", "date": "2026-02-10", "holder": "china", "amount_bn": 10.0, "days": 20},
        {"type": "threat", "date": "2026-03", "strength": 0.5},
        {"type": "minerals", "date": "2026-02-01", "action": "export_ban",
         "params": {"products": "heavy,magnet", "destinations": "allies", "months": 12}},
        {"type": "fiscal_slippage", "date": "2026-04", "pct_gdp": 1.0},
    ],
    "overrides": {"macro": {"baa_spread_stress": 0.1}, "holders": {"theta_mean": 0.45}},
}
OVERRIDE_NAMES = {"macro": ["baa_spread_stress", "cbo_gdp", "nonsense"],
                  "holders": ["theta_mean", "peer_groups", "nonsense"], "market": ["nonsense"], "nope": ["x"]}

text = st.text(st.characters(codec="utf-8"), max_size=24)
scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    text,
    st.booleans(),
    st.none(),
    st.sampled_from([".nan", "nan", "inf", "-Infinity", "1e999", "2026-02-30", "2026-13", "0000-00-00",
                     "9999-12-31", "../../x", "/tmp/x", "a\x00b", "\x1b[31m", "x" * 3000]),
    st.from_regex(r"\d{4}-\d{1,2}(-\d{1,2})?", fullmatch=True),
)
NAMES = st.sampled_from(["..", "../x", "../../x", "../../../x", "/tmp/x", "./x", "a/../../x", "~", ".",
                         "x\x00y", "x\ny", "\x1b]0;t\x07", "-x", "--help", " x", "x" * 300, "CON", "out"])
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(text, inner, max_size=3)),
                      max_leaves=8)
DEEP = "DEEP_NESTING_HERE"     # replaced in the text: a YAML writer cannot write 1,000 levels


@st.composite
def hostile_scenario(draw) -> str:
    sc = copy.deepcopy(BASE)                 # never BASE itself: each example starts from the valid one
    where = draw(st.sampled_from(["top", "name", "name", "event", "event_param", "override", "extra_key",
                                  "deep"]))
    bad = draw(values)
    if where == "name":         # the name decides the default output folder
        sc["name"] = draw(st.one_of(NAMES, NAMES, text, st.builds("/".join, st.lists(NAMES | text, max_size=4))))
    elif where == "top":
        sc[draw(st.sampled_from(list(BASE)))] = bad
    elif where == "event":
        ev = sc["events"][draw(st.integers(0, len(sc["events"]) - 1))]
        ev[draw(st.sampled_from(sorted(ev) + ["extra"]))] = bad
    elif where == "event_param":
        sc["events"][2]["params"][draw(st.sampled_from(["products", "destinations", "months", "x"]))] = bad
    elif where == "override":
        block = draw(st.sampled_from(sorted(OVERRIDE_NAMES)))
        sc["overrides"].setdefault(block, {})[draw(st.sampled_from(OVERRIDE_NAMES[block]))] = bad
    elif where == "extra_key":
        sc[draw(text)] = bad
    else:
        sc[draw(st.sampled_from(["overrides", "events", "name"]))] = DEEP
    buf = io.StringIO()
    y = YAML(typ="safe", pure=True)
    y.width = 4096
    y.dump(sc, buf)
    out = buf.getvalue()
    if DEEP in out:
        n = draw(st.integers(50, 1200))
        out = out.replace(DEEP, draw(st.sampled_from(["[" * n + "]" * n, "{a: " * n + "1" + "}" * n])))
    how = draw(st.sampled_from(["as is", "as is", "cut", "splice"]))
    if how == "cut":
        out = out[: draw(st.integers(0, len(out)))]
    elif how == "splice":
        i = draw(st.integers(0, len(out)))
        out = out[:i] + draw(st.sampled_from(["\x00", "&a", "*a", "!!python/object:os.system", ": :", "\t",
                                              "[", "{", "'", '"', "\ufeff", "%YAML 9.9\n"])) + out[i:]
    return out


def test_the_fuzzed_scenario_is_valid_before_it_is_broken(tmp_path):
    """Otherwise every example would fail on the same error and the fuzzing would test nothing."""
    from treasurylab.scenario.spec import load_scenario

    assert load_scenario(BASE).name == "fz"
    f = tmp_path / "s.yaml"
    y = YAML(typ="safe", pure=True)
    with f.open("w") as fh:
        y.dump(BASE, fh)
    res = runner.invoke(app, ["run", str(f), "--no-report", "--paths", "2", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.stderr


def _deep_cwd(d: str) -> str:
    p = Path(d) / "a" / "b"
    p.mkdir(parents=True)
    return str(p)


def _check(res, where: Path, cwd: Path) -> None:
    err = res.stderr
    assert res.exit_code in (0, 2), (res.exit_code, err[-2000:])
    assert "Traceback" not in err and "internal error" not in err, err[-2000:]
    if res.exit_code == 2:
        lines = [x for x in err.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), err[-2000:]
        assert len(lines[0]) <= 2100 and "\x1b" not in lines[0] and "\x00" not in lines[0]
    # nothing written outside the output folder (the scenario file itself aside); cwd is two levels
    # below a private folder, so that '../../x' would land where it is seen
    assert {p.name for p in cwd.iterdir()} <= {"s.yaml", "out"}
    assert [p.name for p in cwd.parent.iterdir()] == [cwd.name]
    assert [p.name for p in cwd.parent.parent.iterdir()] == [cwd.parent.name]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(hostile_scenario())
# found by this test: an empty yearly table reached the baseline's interpolation (exit 1)
@example("baseline: cbo-2026-02\nhorizon: 12\nname: fz\noverrides:\n  macro:\n    cbo_gdp: {}\n"
         "paths: 2\nseed: 1\nstart: 2026-01\n")
@example("baseline: cbo-2026-02\nevents:\n- action: export_ban\n  date: '2026-02-01'\n  params: {destinations: "
         "allies, months: '', products: 'heavy,magnet'}\n  type: minerals\nhorizon: 12\nname: fz\npaths: 2\n"
         "seed: 1\nstart: 2026-01\n")
def test_malformed_scenario_files_exit_0_or_2_with_one_line(doc):
    with tempfile.TemporaryDirectory() as d, contextlib.chdir(_deep_cwd(d)):
        cwd = Path.cwd()
        f = cwd / "s.yaml"
        f.write_text(doc, encoding="utf-8")
        # no --out: the default folder out/NAME must stay inside ./out whatever the name says
        res = runner.invoke(app, ["run", str(f), "--no-report", "--paths", "2"])
        _check(res, cwd / "out", cwd)


OPTION_VALUES = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "1e9", "-1", "0", "1e309", "", " ", "\x00", "\x1b[2J", "x" * 5000,
                     "2026-02-30", "{", '{"b1m": "x"}', "[1,2]", "NaN", "null", "true", "../..", "/"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    text.filter(lambda s: "\x00" not in s),
)


@st.composite
def hostile_args(draw) -> list[str]:
    v = draw(OPTION_VALUES)
    return draw(st.sampled_from([
        ["fiscal", "--years", "1", "--rate-shift-bp", v],
        ["fiscal", "--years", "1", "--bill-share", v],
        ["fiscal", "--years", v],
        ["fiscal", "--years", "1", "--set", f"bill_share_target={v}"],
        ["fiscal", "--years", "1", "--set", f"bill_weights={v}"],
        ["fiscal", "--years", "1", "--set", f"{v}=1"],
        ["fiscal", "--years", "1", "--vintage", v],
        ["minerals", "--months", "2", "--target-share", v],
        ["minerals", "--months", v],
        ["minerals", "--start", v, "--months", "2"],
        ["run", "baseline", "--paths", v, "--no-report"],
        ["run", "baseline", "--paths", "2", "--seed", v, "--no-report"],
        ["run", "baseline", "--paths", "2", "--workers", v, "--no-report"],
        ["run", v, "--paths", "2", "--no-report"],
        ["data", "show", "fed.treasuries", "--start", v, "--limit", "1"],
        ["data", "show", "fed.treasuries", "--limit", v],
        ["data", "show", v],
        ["sweep", v],
        ["calibrate", "--block", v],
    ]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_args(), st.booleans())
def test_malformed_cli_arguments_exit_0_or_2_with_one_line(args, json_mode):
    with tempfile.TemporaryDirectory() as d, contextlib.chdir(_deep_cwd(d)):
        d = os.getcwd()
        if json_mode:
            args = args + ["--json"]
        if args[0] == "run":
            args = args + ["--out", os.path.join(d, "out")]
        res = runner.invoke(app, args)
        if res.exit_code == 2 and json_mode and res.stdout.strip():
            import json

            doc = json.loads(res.stdout)
            assert doc["exit_code"] == 2
        cwd = Path(d)
        _check(res, cwd / "out", cwd)
