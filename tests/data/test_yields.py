"""Yield parsers: Treasury par-curve CSV (official and re-saved layouts) and FRED-style CSVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from treasurylab import data
from treasurylab.data.parsers import fred_csv, treasury_par_csv
from treasurylab.data.sources.yields import CMT_TENORS, parse_cmt
from treasurylab.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "yields"
TOL = 0.005  # percentage points: both files print 2 decimals (PROVENANCE.md cross-check)


def _compare(par: pd.DataFrame, cmt: pd.DataFrame) -> pd.DataFrame:
    m = par.merge(cmt[["date", "tenor", "value"]], on=["date", "tenor"], suffixes=("_par", "_fred"))
    return m.assign(diff=(m["value_par"] - m["value_fred"]).abs())


def test_official_layout_excerpt():
    df = treasury_par_csv.parse([FIX / "par_curve_official_2023_excerpt.csv"])
    assert list(df.columns) == ["date", "tenor", "value"]
    assert df["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    v = df.set_index(["date", "tenor"])["value"]
    assert v[("2023-09-01", "10Y")] == 4.18 and v[("2023-01-03", "1M")] == 4.17
    assert v[("2023-01-04", "30Y")] == 3.81
    assert set(df["tenor"]) == {
        "1M",
        "2M",
        "3M",
        "4M",
        "6M",
        "1Y",
        "2Y",
        "3Y",
        "5Y",
        "7Y",
        "10Y",
        "20Y",
        "30Y",
    }


def test_resaved_layout_excerpt_two_digit_years_and_gaps():
    df = treasury_par_csv.parse([FIX / "par_curve_1990_2024_resaved_excerpt.csv"])
    v = df.set_index(["date", "tenor"])["value"]
    assert v[("1990-01-02", "30Y")] == 8.0 and v[("2024-12-31", "10Y")] == 4.58
    assert ("1990-01-02", "1M") not in v.index  # empty cell = not published
    march03 = df[df["date"].str.startswith("2003-03")]
    assert len(march03) and "30Y" not in set(march03["tenor"])  # the suspended 30-year bond


def test_par_curve_equals_fred_on_every_overlapping_day_in_the_fixtures():
    cmt = parse_cmt([FIX / "fred_cmt_daily_excerpt.csv"])
    for name in ["par_curve_official_2023_excerpt.csv", "par_curve_1990_2024_resaved_excerpt.csv"]:
        m = _compare(treasury_par_csv.parse([FIX / name]), cmt)
        assert len(m) > 100
        assert m["diff"].max() <= TOL + 1e-9, m.sort_values("diff").tail()


def test_par_curve_equals_fred_on_every_overlapping_day_full_snapshot():
    par = data.load("yields.par_curve")
    cmt = data.load("yields.cmt")
    m = _compare(par, cmt)
    # every tenor FRED also publishes, on every day both have (91,481 pairs 1990-2024 per PROVENANCE.md)
    assert len(m) >= 91_481
    assert m["diff"].max() <= TOL + 1e-9
    official = treasury_par_csv.parse([data.get("yields.par_curve").paths()[1]])
    m23 = _compare(official, cmt)
    assert len(m23) == 1_859 and m23["diff"].max() <= TOL + 1e-9


def test_dgs30_window_without_a_treasury_30_year_rate():
    par = data.series("yields.par_curve", tenor="30Y", start="2002-02-19", end="2006-02-08")
    fred = data.series("yields.cmt", series="DGS30", start="2002-02-19", end="2006-02-08")
    assert len(par) == 0 and len(fred) == 994
    assert any("DGS30 2002-02" in b for b in data.get("yields.cmt").series_breaks)


def test_tenor_codes_and_the_2025_one_and_a_half_month_column():
    assert treasury_par_csv.tenor_code("1 Mo") == "1M"
    assert treasury_par_csv.tenor_code("1.5 Month") == "1.5M"
    assert treasury_par_csv.tenor_code("30 Yr") == "30Y"
    # the 2025+ header layout: a "1.5 Month" column between "1 Mo" and "2 Mo"; the row below is the
    # 2023 official row with that column left empty (no observation), so no number is invented
    lines = (FIX / "par_curve_official_2023_excerpt.csv").read_text().splitlines()
    header = lines[0].replace('"1 Mo",', '"1 Mo","1.5 Month",')
    cells = lines[1].split(",")
    row = ",".join(cells[:2] + [""] + cells[2:])
    df = treasury_par_csv.parse_text(header + "\n" + row + "\n")
    assert "1.5M" not in set(df["tenor"]) and len(df) == 13
    with pytest.raises(DataError, match="tenor"):
        treasury_par_csv.tenor_code("1 Fortnight")


def test_truncated_par_curve_row_is_refused(tmp_path):
    text = (FIX / "par_curve_official_2023_excerpt.csv").read_text()
    p = tmp_path / "cut.csv"
    p.write_text(text[: text.index("\n", 200) - 10])
    with pytest.raises(DataError, match="truncated"):
        treasury_par_csv.parse([p])


def test_fred_layouts():
    cmt = parse_cmt([FIX / "fred_cmt_daily_excerpt.csv"])
    assert (
        set(cmt["series"]) <= set(CMT_TENORS)
        and (cmt["tenor"] == cmt["series"].map(CMT_TENORS)).all()
    )
    assert cmt.set_index(["date", "series"])["value"][("2023-09-01", "DGS10")] == 4.18
    misc = fred_csv.parse([FIX / "fred_rates_misc_excerpt.csv"])
    sofr = misc[misc["series"] == "SOFR"]
    assert sofr["date"].min() == "2018-04-03"
    assert set(misc["series"]) == {
        "DFF",
        "SOFR",
        "DFII5",
        "DFII10",
        "DFII20",
        "DFII30",
        "T5YIE",
        "T10YIE",
        "T10Y2Y",
        "T10Y3M",
    }


def test_fred_missing_marker_and_bad_cells(tmp_path):
    p = tmp_path / "DGS10.csv"
    p.write_text("observation_date,DGS10\n2024-12-31,4.58\n2025-01-01,.\n2025-01-02,4.57\n")
    df = fred_csv.parse([p])
    assert df["date"].tolist() == ["2024-12-31", "2025-01-02"]
    p.write_text("observation_date,DGS10\n2024-12-31,4.58\n2025-01-0")
    with pytest.raises(DataError, match="cut off"):  # truncated: refused before the date check
        fred_csv.parse([p])
    p.write_text("observation_date,DGS10\n2024-12-31,4.5x8\n")
    with pytest.raises(DataError, match="non-numeric"):
        fred_csv.parse([p])


def test_rates_daily_and_cmt_datasets():
    y = data.series("yields.cmt", series="DGS10", start="2013-11-29", end="2013-11-29")
    assert y["value"].tolist() == [2.75]
    assert data.series("yields.cmt", tenor="10Y", start="2025-12-31", end="2025-12-31")[
        "value"
    ].tolist() == [4.18]
    r = data.series("rates.daily", series="SOFR")
    assert r["date"].min() == "2018-04-03"
