"""Fed data: H.4.1 TREAST/WALCL (Date,Value files), FRED GFDEBTN, and the 2022 SOMA holdings by CUSIP."""

from __future__ import annotations

from pathlib import Path

import pytest

from treasurylab import data
from treasurylab.data.parsers import fred_csv, soma_csv
from treasurylab.data.sources.fed import parse_gfdebtn, parse_millions_to_bn
from treasurylab.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "fed"


def test_date_value_layout_takes_the_series_from_the_file_name():
    df = fred_csv.parse([FIX / "TREAST.csv", FIX / "WALCL.csv"])
    assert set(df["series"]) == {"TREAST", "WALCL"}
    bn = parse_millions_to_bn([FIX / "TREAST.csv"]).set_index("date")["value"]
    assert bn["2022-02-16"] == pytest.approx(5738.619) and bn["2025-12-31"] == pytest.approx(
        4227.801
    )


def test_gfdebtn_quarters_and_units():
    df = parse_gfdebtn([FIX / "fred_GFDEBTN_excerpt.csv"])
    row = df[df["date"] == "2025-04-01"].iloc[0]
    assert row["quarter"] == "2025q2" and row["value"] == pytest.approx(36211.469)
    assert row["series"] == "GFDEBTN"
    full = data.series("fred.gfdebtn")
    assert full["quarter"].iloc[0] == "1966q1" and full["quarter"].iloc[-1] == "2025q2"


def test_fed_datasets_in_bn_with_the_unit_stated():
    ds = data.get("fed.treasuries")
    assert ds.unit == "USD bn" and any("millions" in c for c in ds.caveats)
    t = data.series("fed.treasuries", start="2026-06-03")
    assert t["value"].tolist() == [pytest.approx(4469.293)]
    w = data.series("fed.total_assets", start="2026-06-03")
    assert w["value"].tolist() == [pytest.approx(6711.495)]


def test_soma_excerpt_quirks():
    df = soma_csv.parse([FIX / "soma_20220216_excerpt.csv"])
    assert not df["cusip"].str.contains("'").any()
    assert (df["date"] == "2022-02-16").all()  # CMBS rows have no as-of date in the file
    b = df[df["cusip"] == "912796L80"].iloc[0]
    assert b["security_type"] == "Bills" and b["par_value"] == pytest.approx(14.0612938)
    assert b["percent_outstanding"] == pytest.approx(11.81055612017773)
    tips = df[df["cusip"] == "912828X39"].iloc[0]
    assert tips["inflation_compensation"] == pytest.approx(1.44588430219)


def test_soma_totals_match_h41_on_the_same_day():
    soma = data.load("fed.soma.2022-02-16")
    assert len(soma) == 1076
    by = soma.groupby("security_type")["par_value"].sum()
    assert by["Bills"] == pytest.approx(326.0, abs=0.05)
    assert by["NotesBonds"] == pytest.approx(4923.7, abs=0.05)
    assert by["FRNs"] == pytest.approx(29.2, abs=0.05)
    assert by["TIPS"] == pytest.approx(385.1, abs=0.05)
    treasuries = soma[soma["security_type"].isin(["Bills", "NotesBonds", "FRNs", "TIPS"])]
    total = treasuries["par_value"].sum() + treasuries["inflation_compensation"].fillna(0).sum()
    h41 = data.series("fed.treasuries", start="2022-02-16", end="2022-02-16")["value"].iloc[0]
    assert total == pytest.approx(h41, abs=0.1)  # TREAST = par + TIPS inflation compensation


def test_soma_wrong_layout_is_refused(tmp_path):
    p = tmp_path / "soma.csv"
    p.write_text('"As Of Date","CUSIP"\n"2022-02-16","\'912796L80\'"\n')
    with pytest.raises(DataError, match="lacks column"):
        soma_csv.parse([p])
