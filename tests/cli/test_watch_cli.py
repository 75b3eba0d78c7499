"""`treasurylab watch`: exit codes, --json, a rules file with an error, and a crafted store state
(a refreshed custody file as `data update` leaves it) that makes a rule fire and then not fire."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.monitor.rules import EXIT_FIRED

runner = CliRunner()
# piped without COLUMNS every table row stays on one line (a set COLUMNS, as under xdist, wraps cells)
ONE_LINE_ROWS = {"COLUMNS": None}


def _table(text: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """The watch table printed with ONE_LINE_ROWS: its columns, and its rows by alert id ({column: cell})."""
    lines = text.splitlines()
    head = next(line for line in lines if "status" in line and " id " in line)
    cols = [c.strip() for c in head.strip("┃ ").split("┃")]
    rows = {}
    for line in lines:
        cells = [c.strip() for c in line.strip("│ ").split("│")] if line.startswith("│") else []
        if len(cells) == len(cols):
            rows[cells[cols.index("id")]] = dict(zip(cols, cells))
    return cols, rows

CUSTODY_RULE = """rules:
  - id: custody_down_50_13w
    title: custody down more than $50bn in 13 weeks
    kind: change
    indicator: custody_foreign_official
    window: 13w
    below: -50
"""


def _store_with_custody(root, last_mn: int):
    """A store whose custody dataset was refreshed: 14 Wednesdays, flat at 2,700,000 then ``last_mn``."""
    import pandas as pd

    d = root / "_updates" / "fed.custody_foreign_official"
    d.mkdir(parents=True)
    days = pd.date_range(end="2026-07-01", periods=14, freq="W-WED")
    lines = ["observation_date,WMTSECL1"] + [f"{x.date()},2700000" for x in days[:-1]]
    lines.append(f"{days[-1].date()},{last_mn}")
    (d / "WMTSECL1.csv").write_text("\n".join(lines) + "\n")
    (d / "update.json").write_text(json.dumps({"url": "test", "retrieved": "2026-07-02"}))


@pytest.mark.parametrize("last_mn, code, status", [(2640000, EXIT_FIRED, "fired"), (2660000, 0, "quiet")])
def test_crafted_store_state_fires_or_not(tmp_path, monkeypatch, last_mn, code, status):
    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))
    _store_with_custody(tmp_path / "store", last_mn)
    rules = tmp_path / "rules.yaml"
    rules.write_text(CUSTODY_RULE)
    res = runner.invoke(app, ["watch", "--rules", str(rules), "--json"])
    assert res.exit_code == code, res.output
    doc = json.loads(res.stdout)
    a = doc["alerts"][0]
    assert a["status"] == status and a["date"] == "2026-07-01" and a["reference_date"] == "2026-04-01"
    assert a["change"] == pytest.approx((last_mn - 2700000) / 1000)
    assert doc["exit_code"] == code


def test_shipped_rules_print_what_fired_with_values_and_dates():
    res = runner.invoke(app, ["watch", "--as-of", "2026-07-01"])
    assert res.exit_code == EXIT_FIRED
    assert "[fired] custody_down_50_13w" in res.stdout and "2026-06-24" in res.stdout
    assert "[no data]" not in res.stdout or "no dataset" in res.stdout


def test_bad_rules_file_is_one_line_exit_2(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(CUSTODY_RULE.replace("window: 13w", "window: thirteen weeks"))
    res = runner.invoke(app, ["watch", "--rules", str(p), "--json"])
    assert res.exit_code == 2
    err = json.loads(res.stdout)["error"]
    assert "rules[0].window" in err and "line 6" in err


def test_bad_as_of(tmp_path):
    res = runner.invoke(app, ["watch", "--as-of", "2026-13-01"])
    assert res.exit_code == 2 and "--as-of" in res.stderr


def test_watch_shows_why_each_level_is_what_it_is():
    res = runner.invoke(app, ["watch", "--as-of", "2026-07-01", "--json"])
    doc = json.loads(res.stdout)
    basis = {a["id"]: a["basis"] for a in doc["alerts"]}
    assert basis["ten_year_above_5"].startswith("source: ") and "2007-07-19" in basis["ten_year_above_5"]
    assert basis["indirect_10y_below_p10"].startswith("source: treasury.auctions")
    text = runner.invoke(app, ["watch", "--as-of", "2026-07-01"]).stdout
    assert "why this level: source: yields.cmt (DGS10)" in text


DEADLINE_RULE = """rules:
  - id: clock
    title: a clock
    kind: deadline
    start: 2026-01-14
    days: 180
    warn_days: 30
"""


@pytest.mark.parametrize("as_of, problem", [("1800-01-01", "before the earliest observation"),
                                            ("tomorrow", "after today")])
def test_as_of_outside_the_data_is_refused_naming_the_range(as_of, problem):
    """'watch --as-of 1800-01-01' exited 0 with '82738 days left' and every other rule 'no data'; a
    date after today passed today's data off as that day's. Both exit 2 naming --as-of and the range."""
    import datetime as dt

    today = dt.date.today()
    if as_of == "tomorrow":
        as_of = (today + dt.timedelta(days=1)).isoformat()
    for json_mode in (False, True):
        res = runner.invoke(app, ["watch", "--as-of", as_of] + (["--json"] if json_mode else []))
        assert res.exit_code == 2, res.output
        lines = res.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: --as-of: " + problem), res.stderr
        assert f"(got '{as_of}')" in lines[0] and f"to today ({today})" in lines[0], lines[0]
        assert "from 19" in lines[0], lines[0]                 # the first date any shipped rule can use


def test_as_of_today_and_at_the_first_usable_date_are_accepted():
    import datetime as dt

    from treasurylab.monitor import indicators
    from treasurylab.monitor.rules import earliest_usable, load_rules

    first = earliest_usable(load_rules(), indicators.series)
    for day in (first, dt.date.today()):
        res = runner.invoke(app, ["watch", "--as-of", day.isoformat(), "--json"])
        assert res.exit_code in (0, EXIT_FIRED), res.output
    doc = json.loads(runner.invoke(app, ["watch", "--as-of", first.isoformat(), "--json"]).stdout)
    judged = [a for a in doc["alerts"] if a["status"] != "no data"]
    assert judged, "at the first usable date at least one rule has an observation"
    clock = next(a for a in doc["alerts"] if a["kind"] == "deadline")
    assert clock["status"] == "no data" and "the clock starts on" in clock["message"]   # not 'N days left'


def test_a_file_of_deadlines_only_starts_at_its_clock(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(DEADLINE_RULE)
    res = runner.invoke(app, ["watch", "--rules", str(rules), "--as-of", "2026-01-13"])
    assert res.exit_code == 2 and "from 2026-01-14 to today" in res.stderr, res.output
    res = runner.invoke(app, ["watch", "--rules", str(rules), "--as-of", "2026-01-14", "--json"])
    assert json.loads(res.stdout)["alerts"][0]["value"] == 180


def test_the_table_says_which_date_is_the_observation_and_which_the_publication():
    """The table had one 'date' column: 2026-04 for China's holdings is the month observed, published
    2026-06-18 (the --json 'published'); a reader could not tell an observation from a release date."""
    doc = json.loads(runner.invoke(app, ["watch", "--as-of", "2026-07-01", "--json"]).stdout)
    want = {a["id"]: a for a in doc["alerts"]}
    text = runner.invoke(app, ["watch", "--as-of", "2026-07-01"], env=ONE_LINE_ROWS).stdout
    cols, rows = _table(text)
    assert "date" not in cols and "observed" in cols and "published" in cols, cols
    for rid in ("china_below_650", "custody_down_50_13w", "ten_year_above_5"):
        assert rows[rid]["observed"] == want[rid]["date"]
        assert rows[rid]["published"] == want[rid]["published"] and want[rid]["published"]
    assert want["china_below_650"]["date"] == "2026-04" and want["china_below_650"]["published"] > "2026-05"


def test_as_of_does_not_see_pboc_gold_or_cofer_before_their_release():
    """On 1 March 2026 watch judged February's PBoC gold (released on 7 March) and COFER 2025q4 (released at
    the end of March) as known, with a blank 'published'; now each row says when its value was published."""
    doc = json.loads(runner.invoke(app, ["watch", "--as-of", "2026-03-01", "--json"]).stdout)
    got = {a["id"]: a for a in doc["alerts"]}
    gold, cofer = got["pboc_month_without_gold"], got["dollar_reserve_share_below_55"]
    assert gold["date"] == "2026-01" and gold["published"] == "2026-02-07" and gold["reference_date"] == "2025-12"
    # the bundled COFER shares hold 2025q4 alone: before its release there is nothing to judge
    assert cofer["status"] == "no data" and cofer["date"] is None and "2026-03-01" in cofer["message"]
    late = {a["id"]: a for a in json.loads(runner.invoke(app, ["watch", "--as-of", "2026-03-31", "--json"]).stdout)["alerts"]}
    assert late["dollar_reserve_share_below_55"]["date"] == "2025q4"
    assert late["dollar_reserve_share_below_55"]["published"] == "2026-03-31"
    for a in doc["alerts"]:
        if a["kind"] != "deadline" and a["value"] is not None:
            assert a["published"] and a["published"] <= "2026-03-01", a
    _, rows = _table(runner.invoke(app, ["watch", "--as-of", "2026-03-01"], env=ONE_LINE_ROWS).stdout)
    gold_row = rows["pboc_month_without_gold"]
    assert gold_row["observed"] == "2026-01" and gold_row["published"] == "2026-02-07"


def test_a_long_passed_deadline_is_not_a_standing_alert_nor_negative_days_left():
    """In December the table showed Proclamation 11001's clock at '-147 days left', fired; 30 days after
    the end it is quiet and says when the deadline passed."""
    doc = json.loads(runner.invoke(app, ["watch", "--as-of", "2026-12-01", "--json"]).stdout)
    clock = next(a for a in doc["alerts"] if a["id"] == "proclamation_11001_30_days")
    assert clock["status"] == "quiet" and clock["value"] == 141 and clock["unit"] == "days since it passed"
    assert "passed on 2026-07-13, 141 days ago" in clock["message"]
    text = runner.invoke(app, ["watch", "--as-of", "2026-12-01"], env=ONE_LINE_ROWS).stdout
    row = _table(text)[1]["proclamation_11001_30_days"]
    assert row["status"] == "quiet" and row["value"] == "141"
    assert row["unit"] == "days since it passed" and "days left" not in row["unit"]
    assert "-141" not in text and "[quiet] proclamation_11001_30_days: the deadline passed on 2026-07-13" in text


def test_readme_names_the_first_date_watch_accepts_and_the_rule_it_comes_from():
    """README said the shipped rules' first usable date was the 10-year yield's, January 1962; watch
    refuses dates before 1961-09-15, the term premium's first 3-month change (ACM from June 1961)."""
    import re
    from pathlib import Path

    from treasurylab.monitor import indicators
    from treasurylab.monitor.rules import earliest_usable, load_rules

    rules = load_rules()
    first = earliest_usable(rules, indicators.series)
    which = [r.id for r in rules if earliest_usable([r], indicators.series) == first]
    readme = " ".join((Path(__file__).parents[2] / "README.md").read_text().split())
    said = re.search(r"`--as-of` takes a date from the first observation any rule can use \(([^)]*)\)", readme)
    assert said, "README's --as-of sentence"
    assert first.isoformat() in said.group(1) and which == ["term_premium_up_p95_3m"]
    assert "term premium" in said.group(1)
    res = runner.invoke(app, ["watch", "--as-of", first.isoformat()])
    assert res.exit_code in (0, EXIT_FIRED)


def test_each_alert_says_how_old_its_latest_observation_is():
    """Judged today, custody (weekly, released the next day) was last observed 2026-06-24 and the table
    did not say so: a reader took a months-old week for this week's reading. Each row now gives the
    age of its observation against the day judged (--as-of, else today), in data.age's words."""
    import datetime as dt

    from treasurylab.data import age

    for args, day in ((["--as-of", "2026-07-01"], dt.date(2026, 7, 1)), ([], dt.date.today())):
        doc = json.loads(runner.invoke(app, ["watch", "--json", *args]).stdout)
        text = runner.invoke(app, ["watch", *args], env=ONE_LINE_ROWS).stdout
        rows = _table(text)[1]
        for a in doc["alerts"]:
            want = "" if a["kind"] == "deadline" else age(a["date"], day)
            assert a["age"] == (want or None), (a["id"], a["age"], want)
            assert rows[a["id"]]["age"] == want
    custody = next(a for a in json.loads(runner.invoke(app, ["watch", "--json", "--as-of", "2026-07-01"]).stdout)[
        "alerts"] if a["id"] == "custody_down_50_13w")
    assert custody["age"] == "7 days"


def test_the_table_and_the_sentence_write_each_number_alike_at_the_indicators_precision():
    """The table showed the term premium as 0.8159 percent and a change of 0.4156 bp while the sentence
    under it said 0.82 and 0.42 bp: two formatting rules. Now one (monitor.indicators.Indicator.fmt), with
    the digits the indicator is published to, writes the table's value and change and the sentence's."""
    from treasurylab.monitor.indicators import INDICATORS

    for as_of in ("2026-07-01", "2026-03-31"):
        doc = json.loads(runner.invoke(app, ["watch", "--as-of", as_of, "--json"]).stdout)
        text = runner.invoke(app, ["watch", "--as-of", as_of], env=ONE_LINE_ROWS).stdout
        rows = _table(text)[1]
        for a in doc["alerts"]:
            if a["value"] is None:
                continue
            value, change = rows[a["id"]]["value"], rows[a["id"]]["change"]
            assert f"{value} {a['unit']}" in a["message"] if a["kind"] != "deadline" else value in a["message"], \
                (a["id"], value, a["message"])
            if a["change"] is not None:
                assert f"a change of {change} {a['change_unit']}" in a["message"], (a["id"], change, a["message"])
            if a["indicator"]:
                d = INDICATORS[a["indicator"]].decimals
                assert value.rpartition(".")[2] == value if d == 0 else len(value.rpartition(".")[2]) == d, \
                    (a["id"], value, d)
    tp = next(a for a in json.loads(runner.invoke(app, ["watch", "--as-of", "2026-07-01", "--json"]).stdout)["alerts"]
              if a["id"] == "term_premium_up_p95_3m")
    text = runner.invoke(app, ["watch", "--as-of", "2026-07-01"], env=ONE_LINE_ROWS).stdout
    row = _table(text)[1]["term_premium_up_p95_3m"]
    # 0.512 percent against 0.688: a change of -17.5 bp at the same precision (a tenth of a basis point),
    # not -17.54; at a basis point a quiet quarter read '0.82 against 0.81, a change of 0 bp'
    assert row["value"] == f"{tp['value']:.3f}" and row["change"] == f"{tp['change']:.1f}"
    assert abs(tp["change"]) >= 10
    assert f"a change of {tp['change']:.1f} bp" in tp["message"] and tp["shown"]["change"] == f"{tp['change']:.1f}"


def test_every_field_of_the_json_output_is_documented_with_its_unit():
    """`shown` and `age` joined the --json rows with no word in the docs on what they hold or in what unit;
    the README's list is generated from monitor.rules' field list, which must match the output exactly."""
    from pathlib import Path

    from treasurylab.monitor.rules import ALERT_FIELDS, WATCH_JSON_FIELDS

    doc = json.loads(runner.invoke(app, ["watch", "--as-of", "2026-07-01", "--json"]).stdout)
    assert list(doc) == list(WATCH_JSON_FIELDS)
    kinds = {a["kind"] for a in doc["alerts"]}
    assert {"deadline", "change", "threshold", "percentile"} <= kinds       # every shape of row is seen
    for a in doc["alerts"]:
        assert list(a) == list(ALERT_FIELDS), a["id"]
        assert set(a["shown"]) == {"value", "change"}, a["id"]
    for name, (unit, meaning) in {**WATCH_JSON_FIELDS, **ALERT_FIELDS}.items():
        assert unit.strip() and meaning.strip(), name
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- generated:watch-json-fields -->")[1].split("<!-- /generated:watch-json-fields -->")[0]
    for name, (unit, _) in {**WATCH_JSON_FIELDS, **ALERT_FIELDS}.items():
        assert f"| `{name}` | {unit} |" in section, name


def test_each_alert_says_when_its_dataset_is_stale_in_json_and_under_its_sentence():
    """watch gave an alert's age but not whether its dataset's next release was overdue (the dashboard's alerts
    table did): on the day the custody release after the last bundled week was due the custody alert is current
    (null, no line); a week past the grace days it carries data/freshness.py's flag in --json and prints it
    under its sentence. A deadline reads no dataset: never flagged."""
    import datetime as dt

    from treasurylab.data.freshness import GRACE_DAYS, freshness, stale_flags

    due = freshness("fed.custody_foreign_official").next_due
    late = due + dt.timedelta(days=GRACE_DAYS + 7)
    assert late < dt.date.today()
    for day, stale in ((due, False), (late, True)):
        doc = json.loads(runner.invoke(app, ["watch", "--json", "--as-of", day.isoformat()]).stdout)
        rows = {a["id"]: a for a in doc["alerts"]}
        custody = rows["custody_down_50_13w"]
        want = stale_flags(["fed.custody_foreign_official"], as_of=day)
        assert (want is not None) == stale
        assert custody["stale"] == want
        assert rows["proclamation_11001_30_days"]["stale"] is None
        text = runner.invoke(app, ["watch", "--as-of", day.isoformat()], env=ONE_LINE_ROWS).stdout
        block = text.split("custody_down_50_13w: ", 1)[1].split("\n[", 1)[0]
        assert (f"    stale data: {want}" in block) == stale, block
