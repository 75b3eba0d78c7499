"""Several series per query: ``--country china,japan,uk``, repeated ``--country``, aliases, JSON, plot, API."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from treasurylab import data
from treasurylab.cli.main import app
from treasurylab.errors import BadInput

#: the modules whose internals this file tests: the data command's rows as shown
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.cli.data_cmd",)

runner = CliRunner()
WANT = ["China, Mainland", "Japan", "United Kingdom"]


@pytest.mark.parametrize("args", [
    ["--country", "china,japan,uk"],
    ["--country", "china", "--country", "japan", "--country", "United Kingdom"],
    ["-c", "China,Japan", "-c", "Britain"],
])
def test_three_countries_in_json(args):
    res = runner.invoke(app, ["data", "show", "tic.holdings", *args, "--start", "2025-10", "--end", "2025-12",
                              "--json"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["filters"]["country"] == WANT
    got = {(r["country"], r["date"]): r["value"] for r in doc["data"]}
    assert len(got) == 9 and doc["rows"] == 9
    assert got[("China, Mainland", "2025-11")] == 683.9      # TIC mfhhis01, as in the single-country test
    assert [r["country"] for r in doc["data"]][::3] == WANT  # the order asked for


def test_three_countries_table_is_side_by_side():
    res = runner.invoke(app, ["data", "show", "tic.holdings", "-c", "china,japan,uk", "--limit", "3"])
    assert res.exit_code == 0, res.stderr
    header = next(line for line in res.stdout.splitlines() if "date" in line)
    for name in ("China, Mainland", "Japan", "United Kingdom"):
        assert name in header
    assert "3 countries" in res.stdout


def test_three_countries_png(tmp_path):
    png = tmp_path / "three.png"
    res = runner.invoke(app, ["data", "show", "tic.holdings", "-c", "china,japan,uk", "--plot", str(png)])
    assert res.exit_code == 0, res.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_one_unknown_among_several_is_one_clear_error():
    res = runner.invoke(app, ["data", "show", "tic.holdings", "-c", "china,atlantis"])
    assert res.exit_code == 2
    assert "atlantis" in res.stderr and "Traceback" not in res.stderr


def test_api_long_and_wide():
    long = data.series("tic.holdings", country=["china", "japan"], series="current", start="2025-11")
    assert list(dict.fromkeys(long["country"])) == ["China, Mainland", "Japan"]
    wide = data.series("tic.holdings", country="china,japan", series="current", start="2025-11", wide=True)
    assert list(wide.columns) == ["China, Mainland", "Japan"]
    assert wide.loc["2025-11", "China, Mainland"] == 683.9
    assert wide.attrs["unit"] == "USD bn" and "provenance" in wide.attrs


def test_wide_refuses_duplicate_dates():
    with pytest.raises(BadInput, match="several rows per date"):
        data.series("tic.holdings", country="china", wide=True)  # both series at a TIC break


def test_table_columns_share_one_number_of_decimals():
    """1,147.9 and 896.0 line up: a column takes the most decimals any of its values needs (<= 4)."""
    import pandas as pd

    from treasurylab.cli.data_cmd import _display_rows

    df = pd.DataFrame({"date": ["2025-06", "2025-07", "2025-08"], "Japan": [1147.9, 1151.8, 1200.0],
                       "UK": [855.7, 896.0, float("nan")], "y": [4.481234567, 4.5, 4.0]})
    rows = _display_rows(df)
    assert [r["Japan"] for r in rows] == ["1,147.9", "1,151.8", "1,200.0"]
    assert [r["UK"] for r in rows] == ["855.7", "896.0", "n/a"]
    assert [r["y"] for r in rows] == ["4.4812", "4.5000", "4.0000"]
    assert rows[0]["date"] == "2025-06"
