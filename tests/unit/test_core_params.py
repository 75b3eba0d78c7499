"""The parameter schema: every number has a unit and a source (or a labelled assumption)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from treasurylab.errors import BadInput
from treasurylab.params import list_blocks, load_params
from treasurylab.params.load import load_param_file


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "x.yaml"
    p.write_text(textwrap.dedent(body))
    return p


def test_sourced_and_assumption_params_load(tmp_path):
    p = _write(tmp_path, """
        block: x
        title: X
        params:
          a:
            value: 0.21
            unit: fraction
            source: "PGPF 2024"
            date: 2024-06
            min: 0
            max: 1
          b:
            value: {us: 1.0, eu: 2.0}
            unit: months
            assumption: "no estimate; swept in sensitivity"
        """)
    ps = load_param_file(p)
    assert ps["a"] == 0.21 and ps["b"] == {"us": 1.0, "eu": 2.0}
    assert ps.meta["a"].date == "2024-06"
    assert ps.meta["b"].is_assumption
    rows = {r["parameter"]: r for r in ps.sources()}
    assert rows["a"]["source"] == "PGPF 2024" and rows["b"]["assumption"]


def test_param_without_source_is_refused_with_line(tmp_path):
    p = _write(tmp_path, """
        block: x
        title: X
        params:
          a:
            value: 1.0
            unit: bp
        """)
    with pytest.raises(BadInput) as ei:
        load_param_file(p)
    msg = str(ei.value)
    assert "params.a" in msg and "source" in msg and "line 5" in msg


def test_bounds_checked_on_file_and_override(tmp_path):
    p = _write(tmp_path, """
        block: x
        title: X
        params:
          share:
            value: 1.4
            unit: fraction
            source: s
            date: "2025"
            max: 1
        """)
    with pytest.raises(BadInput, match=r"x\.share: must be <= 1 \(got 1.4\)"):
        load_param_file(p)


def test_unknown_override_suggests_name(tmp_path):
    p = _write(tmp_path, """
        block: x
        title: X
        params:
          bill_share:
            value: 0.2
            unit: fraction
            source: s
            date: "2025"
        """)
    ps = load_param_file(p)
    with pytest.raises(BadInput, match="did you mean 'bill_share'"):
        ps.with_overrides({"bill_shar": 0.3})
    assert ps.with_overrides({"bill_share": 0.3})["bill_share"] == 0.3
    assert ps["bill_share"] == 0.2  # the original is untouched


def test_bad_yaml_names_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("block: x\nparams:\n  a: [1, 2\n")
    with pytest.raises(BadInput, match="not valid YAML"):
        load_param_file(p)


@pytest.mark.parametrize("block", list_blocks())
def test_every_shipped_parameter_file_loads(block):
    """Every default parameter has unit + (source and date, or assumption): the schema enforces it."""
    ps = load_params(block)
    assert len(ps) > 0
    for name, meta in ps.meta.items():
        assert meta.unit.strip(), name
        assert meta.assumption or (meta.source and meta.date), name
