"""Readable answers: minerals --answer-180, fiscal and claims open with a plain sentence; numbers in one style."""

from __future__ import annotations

import json
import re

from typer.testing import CliRunner

from treasurylab.cli.main import app

runner = CliRunner()
EXPONENT = re.compile(r"\d\.\d+e[+-]\d+")


def test_answer_180_opens_with_a_verdict_and_no_exponents():
    res = runner.invoke(app, ["minerals", "--answer-180"])
    assert res.exit_code == 0, res.stderr
    first = res.stdout.splitlines()[0]
    assert first.startswith("By 2026-07-13 (day 180), supply without China could meet at most")
    # the chain's 20% is bound by metal; heavy separation (13%) is scarcer only against a full recipe
    a = json.loads(runner.invoke(app, ["minerals", "--answer-180", "--json"]).stdout)["answer_180_days"]
    assert "bound by metal (20% on its own)" in first
    assert "Heavy separation is the scarcest stage on its own (13%" in first
    assert f"{a['stage_only']['heavy_separation'] / a['heavy_min_share']:.0%}" in first
    assert "The binding stage is heavy separation" not in first
    for name in ("Germany", "Japan", "Korea", "US"):
        assert name in first
    assert not EXPONENT.search(res.stdout), res.stdout
    assert "16,068" in res.stdout and "62%" in res.stdout        # separation: capacity and share


def test_answer_180_cutoff_names_shortfalls_in_tonnes_and_months():
    res = runner.invoke(app, ["minerals", "--answer-180", "--scenario", "rare-earth-cutoff", "--json"])
    assert res.exit_code == 0, res.stderr
    a = json.loads(res.stdout)["answer_180_days"]
    short = a["shortfall_to_date"]
    assert set(short) == {"Germany", "Japan", "Korea", "US"}
    assert all(v["shortfall_t"] > 0 and v["shortfall_months"] > 0 for v in short.values())
    assert a["scarcest_stage"] == min(a["stage_only"], key=a["stage_only"].get)
    assert abs(a["stage_only"][a["binding_stage"]] - a["chain"]["magnet"]) < 1e-9
    assert re.search(r"US [\d,]+ t \(\d+\.\d months of demand", a["verdict"])


def test_fiscal_opens_with_a_sentence():
    res = runner.invoke(app, ["fiscal", "--years", "3"])
    assert res.exit_code == 0, res.stderr
    first = res.stdout.splitlines()[0]
    assert first.startswith("On CBO's 2026-02 baseline, debt held by the public goes from")
    assert "net interest from USD" in first and not EXPONENT.search(res.stdout)


def test_claims_opens_with_counts_and_no_exponents():
    res = runner.invoke(app, ["claims"])
    assert res.exit_code == 0, res.stderr
    assert res.stdout.startswith("Of ") and "can be checked against the bundled data" in res.stdout
    table_part = res.stdout.split("[1]")[0]
    assert not EXPONENT.search(table_part)
