"""Scenario files: valid ones load; malformed ones give one BadInput naming file, line, field and fix."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treasurylab.errors import BadInput
from treasurylab.scenario.spec import (
    EVENT_TYPES,
    Scenario,
    load_scenario,
    load_scenario_text,
    shipped,
)

VALID = """\
name: test
description: a test
start: 2026-01
horizon: 24
paths: 10
seed: 3
events:
  - {type: sale, date: 2026-01-20, holder: denmark, amount_bn: 0.1, days: 7}
  - {type: threat, date: 2026-01-22, strength: 0.6}
  - {type: backstop, date: 2026-02, on: false}
  - {type: fiscal_slippage, date: 2026-03, pct_gdp: 2}
  - {type: issuance_mix, date: 2026-04, bill_share: 0.3}
  - {type: programme, date: 2026-01, holder: china, rate_per_year: -0.1}
  - {type: sanction, date: 2026-05, holder: china}
overrides:
  macro: {taylor_gap: 1.0}
"""


def test_valid_scenario_loads():
    sc = load_scenario_text(VALID, "v.yaml")
    assert isinstance(sc, Scenario)
    assert sc.horizon == 24 and len(sc.events) == 7
    assert sc.month_of(sc.events[0]) == (0, 20)
    assert sc.month_of(sc.events[3]) == (2, 1)


@pytest.mark.parametrize(
    "text, line, field, fix",
    [
        (VALID.replace("horizon: 24", "horizn: 24"), 4, "horizn", "did you mean 'horizon'"),
        (VALID.replace("horizon: 24", "horizon: -3"), 4, "horizon", "at least 1"),
        (VALID.replace("horizon: 24", "horizon: ten"), 4, "horizon", "whole number"),
        (VALID.replace("start: 2026-01", "start: 2040-01"), 3, "start", "start between"),
        (VALID.replace("start: 2026-01", "start: 1999-01"), 3, "start", "start between"),
        (VALID.replace("amount_bn: 0.1", "amount_bn: -5"), 8, "events[0].amount_bn", "above 0"),
        (VALID.replace("type: sale", "type: sael"), 8, "events[0].type", "did you mean 'sale'"),
        (VALID.replace("strength: 0.6", "strenght: 0.6"), 9, "events[1].strenght", "did you mean 'strength'"),
        (VALID.replace("date: 2026-03", "date: 2031-03"), 11, "events[3].date", "date the event between"),
        (VALID.replace("date: 2026-03", "date: March"), 11, "events[3].date", "YYYY-MM"),
        (VALID.replace("macro: {taylor_gap", "marco: {taylor_gap"), 16, "overrides.marco", "did you mean 'macro'"),
        (VALID.replace("taylor_gap: 1.0", "taylor_gapp: 1.0"), 16, "macro.taylor_gapp", "did you mean 'taylor_gap'"),
        (VALID.replace("taylor_gap: 1.0", "taylor_gap: 99"), 16, "macro.taylor_gap", "use a value in"),
        (VALID + "  holders:\n    programmes: {Japon: fitted}\n", 18, "holders.programmes.Japon", "did you mean 'Japan'"),
        (VALID.replace("baseline", "x") + "baseline: cbo-1999\n", 17, "baseline", "unknown baseline"),
    ],
)
def test_malformed_scenario_message(text, line, field, fix):
    with pytest.raises(BadInput) as ei:
        load_scenario_text(text, "bad.yaml")
    msg = str(ei.value)
    assert msg.startswith(f"bad.yaml line {line}: "), msg
    assert field in msg and fix in msg, msg
    assert "\n" not in msg


def test_unknown_shipped_name_suggests():
    with pytest.raises(BadInput, match="did you mean 'davos-2026'"):
        load_scenario("davos-2062")


def test_not_a_mapping():
    with pytest.raises(BadInput, match="mapping"):
        load_scenario_text("- a\n- b\n", "list.yaml")


def test_shipped_scenarios_are_valid():
    names = shipped()
    for required in ("baseline", "davos-2026", "china-exit", "allied-copycat", "fiscal-slippage", "no-backstop"):
        assert required in names
    for n in names:
        assert load_scenario(n).name


# ---- property test: any mutation of a valid file gives a Scenario or one clean BadInput ----------

_BASE = {
    "name": "p", "start": "2026-01", "horizon": 24, "paths": 5, "seed": 1,
    "events": [
        {"type": "sale", "date": "2026-02-03", "holder": "china", "amount_bn": 10.0, "days": 7},
        {"type": "threat", "date": "2026-03", "strength": 0.5},
    ],
    "overrides": {"macro": {"taylor_gap": 0.5}},
}
_junk = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["2026-13", "2026-02-40", "1900-01", "2099-12", "all", "-1", "1e400", "sale", "threat"]),
)
_paths = st.sampled_from([
    ("name",), ("start",), ("horizon",), ("paths",), ("seed",), ("baseline",), ("events",), ("overrides",),
    ("events", 0), ("events", 0, "type"), ("events", 0, "date"), ("events", 0, "amount_bn"),
    ("events", 0, "days"), ("events", 0, "holder"), ("events", 1, "strength"), ("events", 1, "type"),
    ("events", 1, "months"), ("overrides", "macro"), ("overrides", "macro", "taylor_gap"),
    ("overrides", "fiscal"), ("overrides", "macro", "fci_weights"), ("bogus",), ("events", 0, "bogus"),
    ("overrides", "market"), ("overrides", "holders"), ("overrides", "reserves"),
])


def _set(d, path, value, delete):
    node = d
    for k in path[:-1]:
        node = node[k]
    if delete:
        if isinstance(node, dict):
            node.pop(path[-1], None)
        elif isinstance(node, list) and path[-1] < len(node):
            node.pop(path[-1])
    else:
        node[path[-1]] = value


def _dump(d) -> str:
    from ruamel.yaml import YAML

    y = YAML(typ="safe")
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(d, buf)
    return buf.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_paths, _junk, st.booleans()), min_size=1, max_size=3))
def test_property_malformed_never_traceback(mutations):
    import copy

    d = copy.deepcopy(_BASE)
    for path, value, delete in mutations:
        try:
            _set(d, path, value, delete)
        except (KeyError, IndexError, TypeError):
            pass
    text = _dump(d)
    try:
        load_scenario_text(text, "gen.yaml")
    except BadInput as exc:
        msg = str(exc)
        assert msg.startswith("gen.yaml"), msg
        assert "\n" not in msg
        assert re.search(r" - \S", msg), f"no fix in: {msg}"


def test_event_types_documented():
    for name, cls in EVENT_TYPES.items():
        assert cls.__doc__, name


def test_a_sweep_file_given_as_a_scenario_says_so(tmp_path):
    from treasurylab.scenario.spec import shipped_dir

    with pytest.raises(BadInput, match="this is a sweep file.*treasurylab sweep FILE"):
        load_scenario(shipped_dir() / "tipping-point.sweep.yaml")


def test_a_scenario_file_given_as_a_sweep_says_so():
    from treasurylab.scenario.spec import shipped_dir
    from treasurylab.scenario.sweep import load_sweep

    with pytest.raises(BadInput, match="this is a scenario file.*treasurylab run FILE"):
        load_sweep(shipped_dir() / "davos-2026.yaml")


def test_a_misspelt_sweep_key_is_suggested_from_the_sweep_schema(tmp_path):
    from treasurylab.scenario.sweep import load_sweep

    p = tmp_path / "s.yaml"
    p.write_text("name: x\nscenario: davos-2026\ngird:\n  a: [1]\n")
    with pytest.raises(BadInput, match="line 3: gird: unknown key - did you mean 'grid'"):
        load_sweep(p)
