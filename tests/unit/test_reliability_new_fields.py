"""Hostile input in the fields and options added or changed since the last input audit: one line naming
the field and the fix, exit 2, nothing written (docs/reliability.md).

policy_path's points, minerals parameters given as mappings or non-finite numbers from Python, seeds
above the bound a scenario file already had, workers that are not whole numbers, ``--save-paths``
beyond the paths a run keeps, and the watch rules' windows and deadline clocks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from typer.testing import CliRunner

import treasurylab
from treasurylab.cli.main import app
from treasurylab.errors import BadInput
from treasurylab.scenario.spec import load_scenario, load_scenario_text

runner = CliRunner()
MAX_SEED = 2**63 - 1      # a scenario file's bound on seed (spec.Scenario.seed)
HEAD = "name: x\nstart: 2026-01\nhorizon: 24\npaths: 5\nseed: 1\n"


def _refused(text: str) -> str:
    with pytest.raises(BadInput) as ei:
        load_scenario_text(text, "s.yaml")
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def _cli(args) -> str:
    res = runner.invoke(app, args)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]


# -- policy_path -----------------------------------------------------------------------------------

def test_policy_path_two_days_of_one_month_are_refused_not_one_dropped():
    # both are read as 2026-06: one rate was dropped without a word
    msg = _refused(HEAD + "events: [{type: policy_path, date: 2026-03, path: {2026-06-01: 2, 2026-06-20: 3}}]\n")
    assert "events[0].path.2026-06" in msg and "one rate a month" in msg


def _pp(rate) -> dict:
    return {"name": "x", "start": "2026-01", "horizon": 24,
            "events": [{"type": "policy_path", "date": "2026-03", "path": {"2026-06": rate}}]}


@pytest.mark.parametrize("rate", [np.float32(2.5), np.int64(2), np.float64(2.5)])
def test_policy_path_takes_numpy_numbers_from_a_notebook(rate):
    sc = load_scenario(_pp(rate))
    assert sc.events[0].path == {"2026-06": float(rate)}


@pytest.mark.parametrize("rate", [np.float32("nan"), np.float64("inf")])
def test_policy_path_refuses_numpy_non_finite(rate):
    with pytest.raises(BadInput, match=r"events\[0\]\.path.*finite"):
        load_scenario(_pp(rate))
