"""`treasurylab data flows`: a holder's change in Treasury holdings split into net purchases, valuation
and other, as a table, one JSON document or a chart; bad input is one line and exit 2."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from treasurylab import data
from treasurylab.cli.main import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["data", "flows", *args])


def test_china_since_its_peak_as_json_adds_up_and_names_its_files():
    res = run("--country", "china", "--start", "2013-12", "--end", "2026-04", "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["holder"] == "China, Mainland" and doc["unit"] == "USD bn"
    hist = data.series("tic.holdings.vintage-2026-07", country="china", series="current").set_index("date")
    assert doc["jump_off"] == {"month": "2013-11", "holdings": hist.loc["2013-11", "value"],
                               "rule": doc["jump_off"]["rule"]}
    s = doc["summary"]
    assert s["holdings_change"] == pytest.approx(s["net_purchases"] + s["valuation"] + s["other"], abs=2e-3)
    assert s["holdings_change"] == pytest.approx(doc["end_holdings"]["holdings"] - doc["jump_off"]["holdings"],
                                                 abs=2e-3)
    months = doc["months"]
    assert [m["date"] for m in months][:2] == ["2013-12", "2014-01"] and months[-1]["date"] == "2026-04"
    assert len(months) == 149
    assert sum(m["net_purchases"] for m in months) == pytest.approx(s["net_purchases"], abs=0.01)
    # valuation only where TIC publishes it (Table 3, from 2023-02); null before, never a made-up zero
    assert all(m["valuation"] is None for m in months if m["date"] < "2023-02")
    assert all(m["valuation"] is not None for m in months if m["date"] >= "2023-02")
    assert {m["flows_from"] for m in months} == {"S1", "S1 + Table 3 (bills)", "Table 3"}
    assert "s1_globl.txt" in doc["sources"]["S1"] and "slt_table3.txt" in doc["sources"]["Table 3"]
    assert any("long-term Treasuries only" in n for n in doc["notes"])


def test_2022_china_fall_is_mostly_not_selling_and_valuation_is_not_invented():
    """2022: holdings fell while TIC published no valuation (Table 3's begins 2023-02) - the price
    effect is inside other, and valuation is null, not 0."""
    doc = json.loads(run("-c", "china", "--start", "2022-01", "--end", "2022-12", "--json").stdout)
    s = doc["summary"]
    assert s["valuation"] is None and "n/a" in s["line"]
    assert s["other"] == pytest.approx(s["holdings_change"] - s["net_purchases"], abs=2e-3)
    assert abs(s["net_purchases"]) < abs(s["holdings_change"])


def test_the_table_ends_with_the_summary_line_and_the_chart_is_written(tmp_path):
    png = tmp_path / "flows.png"
    res = run("-c", "all", "--start", "2025-01", "--limit", "3", "--plot", str(png))
    assert res.exit_code == 0, res.stderr
    line = next(x for x in res.stdout.splitlines() if x.startswith("holdings "))
    nums = [float(x.replace(",", "")) for x in re.findall(r"([+-][\d,]+\.\d) bn", line)]
    assert len(nums) == 4 and abs(nums[0] - sum(nums[1:])) <= 0.15  # each rounded to 0.1 bn
    assert "USD bn" in line and "Grand Total, end of 2024-12 to end of 2026-04" in res.stdout
    # the holdings at both ends carry the currency too (they read '9,208.9 bn -> 9,346.1 bn')
    ends = next(x for x in res.stdout.splitlines() if "Grand Total, end of 2024-12 to end of 2026-04" in x)
    assert re.search(r"holdings [\d,]+\.\d USD bn -> [\d,]+\.\d USD bn$", ends), ends
    assert "source: Table 3 = tic/vintage_2026-07/slt_table3.txt" in res.stdout
    assert "16 months (2025-01 to 2026-04; showing the last 3)" in res.stdout
    assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    html = tmp_path / "flows.html"
    assert run("-c", "japan", "--plot", str(html)).exit_code == 0
    assert "valuation" in html.read_text()


@pytest.mark.parametrize("args, field, needle", [
    (("--country", "chna"), "--country", "China, Mainland"),
    (("--start", "2020-13"), "--start", "YYYY-MM"),
    (("--start", "2020"), "--start", "YYYY-MM"),
    (("--country", "official", "--start", "2021-01"), "--start", "net purchases cover 2023-02"),
    (("--start", "2024-01", "--end", "2023-01"), "--end", "at or after"),
    (("--country", "china", "--start", "1990-01"), "--start", "2000-03"),
    (("--end", "2026-09"), "--end", "2026-04"),
    (("--limit", "0"), "--limit", "positive"),
    (("--plot", "flows.txt"), "--plot", ".png or .html"),
])
def test_bad_input_is_one_line_naming_the_field(args, field, needle):
    res = run(*args)
    assert res.exit_code == 2, (res.stdout, res.stderr)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr
    assert lines[0].startswith(f"error: {field}:") and needle in lines[0], lines[0]


def test_json_errors_are_one_document():
    res = run("--country", "chna", "--json")
    assert res.exit_code == 2
    assert json.loads(res.stdout) == {"error": json.loads(res.stdout)["error"], "exit_code": 2}


def test_the_chart_titles_its_x_axis_with_the_month_observed(tmp_path, saved_xlabels):
    """The chart had no x-axis title: its axis is the month each change was observed (TIC, monthly)."""
    assert run("-c", "japan", "--start", "2025-01", "--plot", str(tmp_path / "f.png")).exit_code == 0
    assert saved_xlabels == ["month observed"]
    html = tmp_path / "f.html"
    assert run("-c", "japan", "--start", "2025-01", "--plot", str(html)).exit_code == 0
    text = html.read_text()
    assert re.search(r'"xaxis":\{[^{}]*"title":\{"text":"month observed"\}', text), \
        re.findall(r'"xaxis":\{.{0,120}', text)
