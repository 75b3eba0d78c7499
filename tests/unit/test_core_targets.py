"""The calibration-target registry: pass/fail logic and the CLI listing."""

import math

from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.scenario.targets import TargetResult, between, within


def test_within_and_between():
    assert within("a", "b", "d", 104, 100, rel=0.05).passed
    assert not within("a", "b", "d", 106, 100, rel=0.05).passed
    assert within("a", "b", "d", 2.9, 3.0, abs_=0.2).passed
    assert between("a", "b", "d", 0.5, 0.4, 0.6).passed
    assert not between("a", "b", "d", 0.7, 0.4, 0.6).passed
    assert not TargetResult("a", "b", "d", math.nan, 1, 0, 2, "", "").passed


def test_calibrate_unknown_block_exit_2():
    r = CliRunner().invoke(app, ["calibrate", "--block", "fiscl", "--json"])
    assert r.exit_code == 2
    assert "unknown block" in r.output


def test_help_lists_commands():
    r = CliRunner().invoke(app, ["--help"])
    assert r.exit_code == 0 and "calibrate" in r.output
