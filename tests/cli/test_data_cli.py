"""`treasurylab data ...` and `treasurylab demo`: JSON documents, exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from treasurylab.cli import data_cmd
from treasurylab.cli.main import app
from treasurylab.data import catalog

#: the modules whose internals this file tests: the data command's fetch and probe, replaced: no network
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.cli.data_cmd",)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def _one_error_line(res, *needles: str) -> str:
    assert res.exit_code == 2, (res.exit_code, res.stdout, res.stderr)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr
    assert "Traceback" not in res.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    return lines[0]


def test_acceptance_china_through_the_installed_command():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "treasurylab.cli.main",
            "data",
            "show",
            "tic.holdings",
            "--country",
            "china",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)  # exactly one JSON document on stdout
    got = {r["date"]: r["value"] for r in doc["data"]}
    assert got["2013-11"] == 1316.7 and got["2025-11"] == 683.9
    assert doc["filters"]["country"] == "China, Mainland" and doc["filters"]["series"] == "current"
    assert doc["provenance"]["id"] == "tic.holdings"


def test_show_with_range_and_other_spellings():
    res = run(
        "data",
        "show",
        "tic.holdings",
        "--country",
        "China, Mainland",
        "--start",
        "2013-11",
        "--end",
        "2013-11",
        "--json",
    )
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [(r["date"], r["value"]) for r in doc["data"]] == [("2013-11", 1316.7)]
    res = run(
        "data", "show", "yields.cmt", "--filter", "series=DGS10", "--start", "2025-12-31", "--json"
    )
    assert [r["value"] for r in json.loads(res.stdout)["data"]][0] == 4.18
    res = run("data", "show", "tic.holdings", "--country", "uk", "--start", "2026", "--json")
    doc = json.loads(res.stdout)
    assert doc["rows"] == 0 and doc["note"].endswith("data cover 2000-03 to 2025-12")
    res = run("data", "show", "tic.holdings", "--country", "Japan", "--limit", "3")
    assert res.exit_code == 0 and "1185.5" in res.stdout.replace(",", "")


def test_unknown_dataset_id():
    res = run("data", "show", "tic.holding", "--json")
    line = _one_error_line(res, "unknown dataset id", "tic.holding", "did you mean 'tic.holdings'")
    assert json.loads(res.stdout)["exit_code"] == 2 and line


def test_unknown_country():
    _one_error_line(
        run("data", "show", "tic.holdings", "--country", "chna"),
        "unknown country",
        "'chna'",
        "did you mean 'China, Mainland'",
    )


def test_inverted_date_range():
    _one_error_line(
        run("data", "show", "tic.holdings", "--start", "2020-01", "--end", "2010-01"),
        "inverted",
        "give --start before --end",
    )


def test_bad_date_and_bad_filter():
    _one_error_line(run("data", "show", "tic.holdings", "--start", "Jan 2020"), "start", "YYYY")
    _one_error_line(
        run("data", "show", "yields.cmt", "--filter", "series"), "--filter", "COLUMN=VALUE"
    )
    _one_error_line(run("data", "show", "yields.cmt", "--filter", "series=DGS11"), "did you mean")


@pytest.mark.parametrize("damage", ["truncated", "re-encoded"])
def test_damaged_bundled_file_exit_2(tmp_path, monkeypatch, damage):
    rel = "tic/mfhhis01.txt"
    dst = tmp_path / "snapshot" / rel
    dst.parent.mkdir(parents=True)
    raw = (catalog.SNAPSHOT_DIR / rel).read_bytes()
    dst.write_bytes(
        raw[: len(raw) // 2] if damage == "truncated" else raw.decode("utf-8").encode("utf-16")
    )
    monkeypatch.setattr(catalog, "SNAPSHOT_DIR", tmp_path / "snapshot")
    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))
    _one_error_line(
        run("data", "show", "tic.holdings", "--country", "china"),
        "tic.holdings",
        "does not match the bundled snapshot",
        "restore the original file",
    )


@pytest.mark.parametrize("damage", ["truncated", "re-encoded"])
def test_damaged_user_file_exit_2(tmp_path, damage):
    raw = (FIX / "tic" / "mfhhis01_excerpt.txt").read_bytes()
    p = tmp_path / "mfhhis01.txt"
    p.write_bytes(
        raw[: len(raw) // 2] if damage == "truncated" else raw.decode("utf-8").encode("utf-16")
    )
    _one_error_line(run("data", "load", str(p)), "truncated" if damage == "truncated" else "UTF-8")


def test_load_user_files_in_each_format():
    for rel, fmt in [
        ("tic/mfhhis01_excerpt.txt", "tic.mfhhis01"),
        ("tic/slt_table5_layout_reconstruction.txt", "tic.slt_table5"),
        ("yields/par_curve_official_2023_excerpt.csv", "treasury.par_curve"),
        ("yields/fred_cmt_daily_excerpt.csv", "fred.csv"),
        ("fed/soma_20220216_excerpt.csv", "nyfed.soma"),
        ("reserves/cofer_shares.xml", "imf.cofer"),
        ("reserves/wgc_cbd_excerpt_CHN_RUS_IND.json", "wgc.cbd"),
    ]:
        res = run("data", "load", str(FIX / rel), "--json", "--limit", "2")
        assert res.exit_code == 0, (rel, res.stderr)
        doc = json.loads(res.stdout)
        assert doc["format"] == fmt and doc["rows"] > 0 and len(doc["data"]) <= 2
    _one_error_line(run("data", "load", str(FIX / "tic" / "README.md")), "unknown file format")
    _one_error_line(run("data", "load", "no/such/file.txt"), "no such file")


def test_plots_png_and_html(tmp_path):
    png, html = tmp_path / "c.png", tmp_path / "c.html"
    assert (
        run("data", "show", "tic.holdings", "--country", "japan", "--plot", str(png)).exit_code == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    res = run(
        "data",
        "show",
        "yields.cmt",
        "--filter",
        "series=DGS10",
        "--filter",
        "series=DGS2",
        "--start",
        "2020",
        "--plot",
        str(html),
        "--json",
        "--limit",
        "1",
    )
    assert res.exit_code == 0 and json.loads(res.stdout)["plot"] == str(html)
    text = html.read_text()
    assert "plotly" in text.lower() and len(text) > 1_000_000  # plotly.js inlined
    assert '<script src="http' not in text and '<script src="http' not in text
    _one_error_line(
        run("data", "show", "tic.holdings", "--plot", str(tmp_path / "c.svg")), ".png or .html"
    )


def test_list_and_provenance_json():
    res = run("data", "list", "--json")
    doc = json.loads(res.stdout)
    ids = {d["id"] for d in doc["datasets"]}
    assert {
        "tic.holdings",
        "yields.cmt",
        "yields.par_curve",
        "rates.daily",
        "fed.treasuries",
        "fed.total_assets",
        "fred.gfdebtn",
        "fed.soma.2022-02-16",
        "imf.cofer",
        "wgc.gold_reserves",
    } <= ids
    prov = json.loads(run("data", "provenance", "fed.treasuries", "--json").stdout)
    assert prov["unit"] == "USD bn" and prov["files"][0]["name"] == "TREAST.csv"


def test_update_offline_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))

    def no_network(*a, **k):
        raise OSError("network unreachable")

    def must_not_fetch(*a, **k):
        raise AssertionError("fetched while offline")

    monkeypatch.setattr(data_cmd, "_probe", no_network)
    monkeypatch.setattr(data_cmd, "_fetch", must_not_fetch)
    res = run("data", "update", "--json")
    assert res.exit_code == data_cmd.EXIT_NOTHING_REFRESHED == 3   # not 0: nothing was refreshed
    doc = json.loads(res.stdout)
    assert doc["online"] is False and doc["changed"] == [] and "offline" in doc["message"]
    assert doc["exit_code"] == 3
    res = run("data", "update")
    assert res.exit_code == 3 and "offline" in res.stdout and "nothing was changed" in res.stdout
    assert not (tmp_path / "store" / "_updates").exists()
    monkeypatch.setenv("TREASURYLAB_OFFLINE", "1")
    monkeypatch.setattr(data_cmd, "_probe", must_not_fetch)
    assert json.loads(run("data", "update", "--json").stdout)["online"] is False


def test_update_online_path_with_an_injected_publisher(tmp_path, monkeypatch):
    """The online path, with the publisher replaced by a local file: fetched copies are parsed before use."""
    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("TREASURYLAB_OFFLINE", raising=False)
    monkeypatch.setattr(data_cmd, "_probe", lambda *a, **k: None)
    served = {
        "https://fred.stlouisfed.org/graph/fredgraph.csv?id=TREAST": (
            FIX / "fed" / "TREAST.csv"
        ).read_bytes(),
        "https://fred.stlouisfed.org/graph/fredgraph.csv?id=WALCL": b"<html>rate limited</html>",
    }
    monkeypatch.setattr(data_cmd, "_fetch", lambda url, *a, **k: served[url])
    res = run("data", "update", "--id", "fed.treasuries", "--id", "fed.total_assets", "--json")
    doc = json.loads(res.stdout)
    status = {d["id"]: d["status"] for d in doc["datasets"]}
    assert status == {"fed.treasuries": "updated", "fed.total_assets": "failed"}
    assert doc["changed"] == ["fed.treasuries"] and res.exit_code == 0 and doc["exit_code"] == 0
    res = run("data", "update", "--id", "fed.total_assets", "--json")    # every fetch failed
    assert res.exit_code == 3 and json.loads(res.stdout)["changed"] == []
    assert not (tmp_path / "store" / "_updates" / "fed.total_assets" / "update.json").exists()
    res = run("data", "show", "fed.treasuries", "--json")
    shown = json.loads(res.stdout)
    assert shown["rows"] == 9 and shown["provenance"]["updated_from"]["url"].endswith("id=TREAST")
    _one_error_line(run("data", "update", "--id", "fed.treasury"), "did you mean")


def test_demo_summary_and_charts(tmp_path):
    res = run("demo", "--out", str(tmp_path), "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    rows = {r["claim"]: r for r in doc["summary"]}
    assert (
        rows["China holdings, peak"]["value"] == 1316.7
        and rows["China holdings, peak"]["as_of"] == "2013-11"
    )
    assert rows["China holdings, latest"]["value"] == 683.5
    assert rows["China holdings, change from peak"]["value"] == pytest.approx(
        100 * (683.5 / 1316.7 - 1), abs=1e-3
    )
    assert rows["US dollar share of allocated FX reserves (COFER)"]["value"] == pytest.approx(
        56.77, abs=0.01
    )
    assert rows["Gold reserves, China, Mainland"]["value"] == 2306.3
    assert all(r["dataset"] and r["unit"] for r in doc["summary"])
    for p in doc["charts"]:
        assert Path(p).exists() and Path(p).stat().st_size > 10_000
    assert {Path(p).suffix for p in doc["charts"]} == {".png", ".html"}


def test_update_builds_the_h41_history_week_by_week(tmp_path, monkeypatch):
    """`data update` fetches the weekly H.4.1 releases after the bundled week (a fake Fed, no network)."""
    import datetime as dt

    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("TREASURYLAB_OFFLINE", raising=False)
    monkeypatch.setattr(data_cmd, "_probe", lambda *a, **k: None)
    text = (FIX / "monitor" / "h41_20260702_excerpt.htm").read_text()
    asked = []

    def fed(url, *a, **k):  # the release of the week ended W is dated Thursday W+1
        asked.append(url)
        day = dt.datetime.strptime(url.rstrip("/").rsplit("/", 1)[1], "%Y%m%d").date()
        if day.weekday() != 3 or day > dt.date(2026, 7, 16):
            raise OSError("HTTP Error 404: Not Found")
        wed = day - dt.timedelta(days=1)
        return text.replace("Jun 24, 2026", wed.strftime("%b %-d, %Y")).encode()

    monkeypatch.setattr(data_cmd, "_fetch", fed)
    res = run("data", "update", "fed.h41.foreign_official", "--json")
    doc = json.loads(res.stdout)
    assert res.exit_code == 0 and doc["changed"] == ["fed.h41.foreign_official"], res.stdout
    assert "3 week(s) added, 4 weeks held" in doc["datasets"][0]["detail"]
    assert "https://www.federalreserve.gov/releases/h41/20260709/" in asked
    shown = json.loads(run("data", "show", "fed.h41.foreign_official", "--json").stdout)
    assert {r["date"] for r in shown["data"]} >= {"2026-06-24", "2026-07-01", "2026-07-08", "2026-07-15"}
    res = run("data", "update", "fed.h41.foreign_official", "--json")  # no new release: nothing changed
    assert res.exit_code == 3 and json.loads(res.stdout)["datasets"][0]["status"] == "unchanged"


def test_data_show_plot_titles_its_x_axis_with_the_date_observed(tmp_path, saved_xlabels):
    """data show --plot had no x-axis title; it says the axis is the date each value is for."""
    assert run("data", "show", "tic.holdings", "--country", "japan", "--plot", str(tmp_path / "j.png")).exit_code == 0
    assert saved_xlabels == ["date observed"]
    html = tmp_path / "j.html"
    assert run("data", "show", "tic.holdings", "--country", "japan", "--plot", str(html)).exit_code == 0
    assert '"title":{"text":"date observed"}' in html.read_text()
