"""TIC parsers: the mfhhis01.txt history layout (every quirk) and the rolling slt_table5.txt layout."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from treasurylab import data
from treasurylab.data.catalog import SNAPSHOT_DIR
from treasurylab.data.parsers import tic_mfh_txt, tic_slt_table5
from treasurylab.data.store import load_file
from treasurylab.errors import DataError

#: the modules whose internals this file tests: the TIC text parser's cell reader
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.data.parsers.tic_mfh_txt",)

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "tic"
TIDY = SNAPSHOT_DIR / "tic" / "mfh_history_tidy.csv"
KEY = ["date", "country", "series"]


def _tidy() -> pd.DataFrame:
    t = pd.read_csv(TIDY, dtype=str, keep_default_na=False)
    t["value"] = pd.to_numeric(t.pop("holdings_usd_bn").replace("", np.nan))
    return t


def _assert_same(parsed: pd.DataFrame, tidy: pd.DataFrame) -> None:
    a = parsed.sort_values(KEY).reset_index(drop=True)
    b = tidy.sort_values(KEY).reset_index(drop=True)
    assert len(a) == len(b)
    assert not a.duplicated(KEY).any()
    for c in ["date", "country", "country_raw", "row_type", "value_note", "series"]:
        mism = a[c] != b[c]
        assert not mism.any(), f"{c}: {a.loc[mism, KEY + [c]].head()} vs {b.loc[mism, c].head()}"
    np.testing.assert_array_equal(a["value"].to_numpy(), b["value"].to_numpy())


def test_full_history_equals_the_tidy_table_on_all_12718_rows():
    parsed = tic_mfh_txt.parse([SNAPSHOT_DIR / "tic" / "mfhhis01.txt"])
    assert list(parsed.columns) == [
        "date",
        "country",
        "country_raw",
        "row_type",
        "value",
        "value_note",
        "series",
    ]
    assert len(parsed) == 12718
    _assert_same(parsed, _tidy())


def test_verbatim_excerpt_gives_the_same_rows_as_the_tidy_table_for_its_years():
    parsed = tic_mfh_txt.parse([FIX / "mfhhis01_excerpt.txt"])
    years = {"2025", "2013", "2011", "2002", "2000"}
    assert set(parsed["date"].str[:4]) == years
    t = _tidy()
    _assert_same(parsed, t[t["date"].str[:4].isin(years)])


@pytest.fixture(scope="module")
def excerpt() -> pd.DataFrame:
    return tic_mfh_txt.parse([FIX / "mfhhis01_excerpt.txt"])


def _one(df, date, country, series="current"):
    r = df[(df["date"] == date) & (df["country"] == country) & (df["series"] == series)]
    assert len(r) == 1, (date, country, series, r)
    return r.iloc[0]


def test_quirks_in_the_excerpt(excerpt):
    # quoted names with commas, and the trailing space inside the quotes ('"Korea, South "', 2000)
    assert _one(excerpt, "2013-11", "China, Mainland")["value"] == 1316.7
    k = _one(excerpt, "2000-12", "Korea, South")
    assert k["country_raw"] == "Korea, South" and k["value"] == 29.6
    # footnote markers are removed from the name but kept in country_raw
    assert _one(excerpt, "2011-12", "United Kingdom")["country_raw"] == "United Kingdom 2/"
    # series break, two in 2011: June printed twice (new series left, old series right)
    assert _one(excerpt, "2011-06", "China, Mainland")["value"] == 1307.0
    assert _one(excerpt, "2011-06", "China, Mainland", "comparison_only")["value"] == 1165.5
    assert _one(excerpt, "2000-03", "Belgium-Luxembourg", "comparison_only")["value"] == 26.4
    assert _one(excerpt, "2000-03", "Belgium-Luxembourg")["value"] == 27.1
    # n.a. -> NaN with a note, and the row is kept
    lux = _one(excerpt, "2002-01", "Luxembourg")
    assert math.isnan(lux["value"]) and lux["value_note"] == "not_available"
    # aggregates and the 'Of which' rows
    assert _one(excerpt, "2011-12", "Oil Exporters")["row_type"] == "aggregate_group"
    assert _one(excerpt, "2011-12", "Carib Bnkng Ctrs")["row_type"] == "aggregate_group"
    assert _one(excerpt, "2025-11", "For. Official")["row_type"] == "foreign_official"
    assert _one(excerpt, "2025-11", "T-Bonds & Notes")["value"] == 3536.1
    # revision notes, release stamp and footnotes are not rows
    assert (
        not excerpt["country"]
        .str.contains(r"revised|Department|Less than|^\(|^\d+/", regex=True)
        .any()
    )
    # the 2000 block has 11 months plus a comparison column: no 2000-01/02 rows invented
    assert (
        sorted(excerpt.loc[excerpt["date"].str.startswith("2000"), "date"].unique())[0] == "2000-03"
    )


def test_star_and_na_cells():
    assert tic_mfh_txt._value("*")[1] == "less_than_50mn" and math.isnan(tic_mfh_txt._value("*")[0])
    assert tic_mfh_txt._value("n.a.")[1] == "not_available"
    assert tic_mfh_txt._value("  ") is None
    assert tic_mfh_txt._value("1,316.7") == (1316.7, "")
    with pytest.raises(DataError, match="unexpected value cell"):
        tic_mfh_txt._value("12..3")


def test_components_sum_to_the_grand_total_every_month():
    df = data.series("tic.holdings", series="current")
    parts = (
        df[df["row_type"].isin(["country", "aggregate_group", "all_other"])]
        .groupby("date")["value"]
        .sum()
    )
    total = df[df["row_type"] == "grand_total"].set_index("date")["value"]
    assert len(total) == 310
    assert (parts.reindex(total.index) - total).abs().max() <= 0.6


def test_truncated_history_is_refused(tmp_path):
    text = (FIX / "mfhhis01_excerpt.txt").read_text()
    cut = tmp_path / "mfhhis01.txt"
    cut.write_text(text[: len(text) // 2])
    with pytest.raises(DataError, match="truncated"):
        tic_mfh_txt.parse([cut])


def test_acceptance_values_through_the_api():
    df = data.series("tic.holdings", country="china", series="current")
    got = dict(zip(df["date"], df["value"]))
    assert got["2013-11"] == 1316.7 and got["2025-11"] == 683.9 and got["2025-12"] == 683.5
    assert data.series("tic.holdings", country="Japan", start="2025-11", end="2025-11")[
        "value"
    ].tolist() == [1202.7]
    prov = df.attrs["provenance"]
    assert prov["id"] == "tic.holdings" and prov["files"][0]["name"] == "mfhhis01.txt"
    assert any("2011-12" in b for b in prov["series_breaks"])


def test_slt_table5_layout_is_sniffed_and_parsed():
    path = FIX / "slt_table5_layout_reconstruction.txt"
    text = path.read_text()
    assert tic_slt_table5.sniff(text)
    assert not tic_slt_table5.sniff((FIX / "mfhhis01_excerpt.txt").read_text())
    df = load_file(path)
    assert df.attrs["provenance"]["format"] == "tic.slt_table5"
    assert list(df.columns) == list(tic_mfh_txt.COLUMNS)
    got = {(r.date, r.country): r.value for r in df.itertuples()}
    assert got == {
        ("2026-02", "China, Mainland"): 693.3,
        ("2026-01", "China, Mainland"): 694.4,
        ("2025-12", "United Kingdom"): 863.1,
    }


def test_slt_table5_of_which_rows_and_missing_header(tmp_path):
    # layout of the table's foot (names only; the values are the ones quoted in PROVENANCE.md)
    head = (FIX / "slt_table5_layout_reconstruction.txt").read_text().rstrip("\r\n\t")
    p = tmp_path / "slt.txt"
    p.write_text(head.replace("China, Mainland\t693.3", "Of Which: Foreign Official\t693.3"))
    df = tic_slt_table5.parse([p])
    assert set(df["row_type"]) == {"country", "foreign_official"}
    assert df.loc[df["row_type"] == "foreign_official", "country"].unique().tolist() == [
        "For. Official"
    ]
    bad = tmp_path / "bad.txt"
    bad.write_text("Table 5\nCountry\tJan\tFeb\n")
    with pytest.raises(DataError, match="YYYY-MM"):
        tic_slt_table5.parse([bad])
