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


def test_show_says_when_the_dataset_is_stale_and_when_its_next_release_was_due():
    # the bundled custody series ends 2026-06-24 (its next H.4.1 was due 2026-07-02): stale on any day
    # after the grace, today included; the flag is data/freshness.py's, word for word
    from treasurylab.data.freshness import freshness

    f = freshness("fed.custody_foreign_official")
    assert f.stale
    res = runner.invoke(app, ["data", "show", "fed.custody_foreign_official", "--limit", "1"])
    assert res.exit_code == 0, res.stderr
    assert "stale: last observed 2026-06-24, next release was due ~2026-07-02" in res.stdout
    doc = json.loads(runner.invoke(app, ["data", "show", "fed.custody_foreign_official", "--limit", "1",
                                         "--json"]).stdout)
    assert doc["freshness"] == {"judged": True, "stale": True, "last": "2026-06-24", "next_due": "2026-07-02",
                                "status": f.status()}


def test_show_says_nothing_of_staleness_for_a_dataset_that_is_not_judged():
    # a frozen vintage has no release calendar: neither stale nor current, and the JSON says why
    res = runner.invoke(app, ["data", "show", "tic.s1.vintage-2026-07", "--limit", "1"])
    assert res.exit_code == 0, res.stderr
    assert "latest value:" in res.stdout and "stale" not in res.stdout and "current" not in res.stdout
    doc = json.loads(runner.invoke(app, ["data", "show", "tic.s1.vintage-2026-07", "--limit", "1", "--json"]).stdout)
    fr = doc["freshness"]
    assert fr["judged"] is False and fr["stale"] is False and fr["next_due"] is None
    assert fr["status"].startswith("not judged: ")


def test_show_reads_the_dataset_once(monkeypatch):
    """`data show` read the dataset twice - once for the rows shown, once more to judge its freshness
    over every row - and a third time for an empty date window's 'data cover ...' note. It reads it
    once now; the freshness is still judged over every row, not the rows the filters kept."""
    from treasurylab.data import store
    from treasurylab.data.freshness import freshness

    real, calls = store.load, []

    def counted(dataset_id, **kw):
        calls.append(dataset_id)
        return real(dataset_id, **kw)

    monkeypatch.setattr(store, "load", counted)
    ds = "fed.custody_foreign_official"
    res = runner.invoke(app, ["data", "show", ds, "--start", "2020-01", "--end", "2020-01", "--json"])
    assert res.exit_code == 0, res.stderr
    assert calls == [ds]
    doc = json.loads(res.stdout)
    assert doc["rows"] == 5 and doc["latest"] == "2020-01-29"      # the filtered rows are shown...
    whole = freshness(ds)                                          # ...the freshness is the whole dataset's
    assert whole.judged and doc["freshness"]["last"] == whole.last == "2026-06-24"
    assert doc["freshness"]["status"] == whole.status()
    calls.clear()
    res = runner.invoke(app, ["data", "show", ds, "--start", "1990", "--end", "1991"])
    assert res.exit_code == 0, res.stderr
    assert "data cover 2007-07-04 to 2026-06-24" in res.stdout and whole.status() in res.stdout
    assert calls == [ds]
