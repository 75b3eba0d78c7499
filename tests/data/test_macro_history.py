"""Macro history datasets: each parser on verbatim excerpts of the official files, then the bundled store."""

from __future__ import annotations

from pathlib import Path

import pytest

from treasurylab import data
from treasurylab.data.parsers import fred_csv, kcfed_rstar_csv
from treasurylab.data.sources import macro
from treasurylab.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "macro"
IDS = ("macro.term_premium", "macro.unemployment", "macro.nrou", "macro.inflation", "macro.gdp",
       "macro.rstar", "macro.federal_surplus", "mortgage.rate30", "fx.broad_dollar")


def test_term_premium_acm_and_kim_wright():
    df = macro.parse_term_premium([FIX / "us-10y-term-premium_ACMTP10.csv", FIX / "THREEFYTP10.csv"])
    v = df.set_index(["series", "date"])["value"]
    assert v["ACMTP10", "2026-08-20"] == pytest.approx(0.815923)       # date,value file: id from the name
    assert v["THREEFYTP10", "2026-09-25"] == pytest.approx(1.0203)
    assert set(df["series"]) == {"ACMTP10", "THREEFYTP10"}
    kw = df[df["series"] == "THREEFYTP10"]
    assert len(kw) == 6                                                  # the holiday's blank cell: no row


def test_unemployment_skips_the_unpublished_month():
    df = fred_csv.parse([FIX / "UNRATE.csv"])
    assert "2025-10-01" not in set(df["date"]) and len(df) == 10
    assert df.set_index("date")["value"]["2026-03-01"] == 4.3 and set(df["series"]) == {"UNRATE"}


def test_nrou_quarters():
    df = macro.parse_quarterly([FIX / "NROU.csv"])
    assert df["quarter"].tolist()[:2] == ["2025q1", "2025q2"]
    assert df["value"].iloc[-1] == pytest.approx(4.399090564203689)


def test_inflation_twelve_month_change():
    df = macro.parse_inflation([FIX / "CPIAUCSL.csv"])
    row = df.set_index("date").loc["2004-01-01"]
    assert row["value"] == 186.3
    assert row["change_12m_pct"] == pytest.approx(100 * (186.3 / 182.6 - 1))
    assert df.set_index("date")["change_12m_pct"].isna()["2003-12-01"]


def test_gdp_real_and_nominal():
    df = macro.parse_quarterly([FIX / "GDPC1.csv", FIX / "GDP.csv"])
    v = df.set_index(["series", "quarter"])["value"]
    assert v["GDPC1", "2026q1"] == pytest.approx(24180.419) and v["GDP", "2025q3"] == pytest.approx(31095.089)


def test_rstar_point_and_bands():
    df = kcfed_rstar_csv.parse([FIX / "KCFed_ModelBased_Rstar_Ustar.csv"])
    r = df.set_index(["series", "date"])
    assert r.loc[("rstar", "2026-02"), "value"] == pytest.approx(1.043200149)
    assert r.loc[("rstar", "2026-02"), "lower_68"] == pytest.approx(-1.703774909)
    assert r.loc[("ustar", "1966-07"), "upper_68"] == pytest.approx(5.639708)
    assert len(df) == 10


def test_rstar_refuses_another_layout(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("date,value\n2026-01-01,1\n")
    with pytest.raises(DataError, match="KC Fed"):
        kcfed_rstar_csv.parse([p])


def test_federal_surplus_in_bn_by_fiscal_year():
    df = macro.parse_surplus([FIX / "FYFSD.csv"])
    assert df.set_index("fiscal_year")["value"][2024] == pytest.approx(-1832.816)


def test_mortgage_and_dollar():
    m = fred_csv.parse([FIX / "MORTGAGE30US.csv"])
    d = fred_csv.parse([FIX / "DTWEXBGS.csv"])
    assert m["value"].iloc[-1] == 6.36 and d["value"].iloc[-1] == pytest.approx(118.8552)


@pytest.mark.parametrize("ds_id", IDS)
def test_bundled_macro_datasets_load_with_provenance_and_unit(ds_id):
    ds = data.get(ds_id)
    assert ds.unit and ds.publisher and ds.source
    df = data.series(ds_id)
    assert len(df) > 50 and df["value"].notna().all()
    prov = df.attrs["provenance"]
    assert prov["id"] == ds_id and prov["unit"] == ds.unit
    assert [f["name"] for f in prov["files"]] == [Path(f).name for f in ds.files]
    assert all(len(f["sha256"]) == 64 for f in prov["files"])


def test_bundled_values_match_the_publishers():
    tp = data.series("macro.term_premium", start="2026-08-20", end="2026-08-20").set_index("series")["value"]
    assert tp["ACMTP10"] == pytest.approx(0.815923)
    assert data.series("macro.unemployment", start="1948-01", end="1948-01")["value"].tolist() == [3.4]
    assert data.series("mortgage.rate30", start="1971-04-02", end="1971-04-02")["value"].tolist() == [7.33]
    r = data.series("macro.rstar", series="rstar")
    assert r["date"].iloc[0] == "1966-07" and r["date"].iloc[-1] == "2026-02"
