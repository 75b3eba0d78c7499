"""`data list` says each dataset's coverage and freshness; `data show` says how old the latest value is."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from treasurylab import data
from treasurylab.cli.main import app

runner = CliRunner()


def test_list_json_has_coverage_as_of_rows_and_publisher():
    res = runner.invoke(app, ["data", "list", "--json"])
    assert res.exit_code == 0, res.stderr
    rows = {r["id"]: r for r in json.loads(res.stdout)["datasets"]}
    tic = rows["tic.holdings"]
    assert tic["first"] == "2000-03" and tic["last"] >= "2025-12" and tic["rows"] > 1000
    assert tic["as_of"] == data.get("tic.holdings").retrieved and "Treasury" in tic["publisher"]
    un = rows["macro.unemployment"]
    assert un["first"] == "1948-01-01" and un["last"] == "2026-03-01"
    nrou = rows["macro.nrou"]                         # CBO projections run past today
    assert nrou["last"] == "2036-10-01" and nrou["last_observed"] < nrou["last"]
    assert all(r["rows"] for r in rows.values())


def test_list_table_shows_the_columns():
    res = runner.invoke(app, ["data", "list"])
    assert res.exit_code == 0, res.stderr
    for word in ("first", "last", "rows", "as of", "publisher", "macro.term_premium"):
        assert word in res.stdout


def test_show_says_how_old_the_latest_value_is():
    res = runner.invoke(app, ["data", "show", "mortgage.rate30", "--limit", "2"])
    assert res.exit_code == 0, res.stderr
    assert "latest value: 2026-05-14 (" in res.stdout and " old)" in res.stdout
    doc = json.loads(runner.invoke(app, ["data", "show", "mortgage.rate30", "--limit", "1", "--json"]).stdout)
    assert doc["latest"] == "2026-05-14" and doc["latest_age"]


def test_age_in_words():
    today = dt.date(2026, 12, 5)
    assert data.age("2026-12-01", today) == "4 days"
    assert data.age("2025-12", today) == "11 months"       # a month counts from its last day
    assert data.age("2024q2", today) == "2.4 years"
    assert data.age("2036-10-01", today).startswith("in the future")
    assert data.age("n/a", today) == "unknown"
