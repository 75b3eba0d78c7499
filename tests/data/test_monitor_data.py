"""The monitor's data: H.4.1 custody (FRED and the release page), auctions, TIC Tables 3 and 5 of the July
2026 vintage, and the revisions between the two TIC vintages. Parsers run on verbatim excerpts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from treasurylab import data
from treasurylab.data.parsers import (
    auctions_csv,
    h41_html,
    tic_mfh_txt,
    tic_slt_table3,
    tic_slt_table5,
)
from treasurylab.data.sources.monitor import parse_custody
from treasurylab.data.vintages import tic_revisions
from treasurylab.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official"
MON, TIC7 = FIX / "monitor", FIX / "tic_2026_07"


def test_custody_drops_the_not_reported_zeros_and_converts_to_bn():
    df = parse_custody([MON / "WMTSECL1_excerpt.csv"])
    assert df["date"].iloc[0] == "2007-07-04" and df["value"].iloc[0] == pytest.approx(1209.781)
    assert (df["value"] > 0).all()
    assert df.set_index("date")["value"]["2026-06-24"] == pytest.approx(2636.947)


def test_h41_release_reads_custody_reverse_repo_and_fima_under_their_parents():
    df = h41_html.parse([MON / "h41_20260702_excerpt.htm"])
    v = df.set_index(["series", "measure"])["value"]
    assert set(df["date"]) == {"2026-06-24"}
    assert v["custody_treasuries", "wednesday"] == pytest.approx(2636.947)
    assert v["custody_treasuries", "week_average"] == pytest.approx(2639.690)
    assert v["custody_total", "wednesday"] == pytest.approx(2920.825)
    assert v["rrp_foreign_official", "wednesday"] == pytest.approx(331.994)
    # 'Foreign official' under deposits (9,445) must not be taken for the FIMA repo line (0)
    assert v["fima_repo", "wednesday"] == 0.0


def test_h41_release_cross_checks_with_fred_on_the_same_wednesday():
    rel = data.series("fed.h41.foreign_official", series="custody_treasuries", measure="wednesday")
    fred = data.series("fed.custody_foreign_official", start="2026-06-24")
    assert rel["value"].iloc[0] == pytest.approx(fred["value"].iloc[0])


def test_h41_history_is_built_from_several_releases_and_refuses_a_week_twice(tmp_path):
    f = MON / "h41_20260702_excerpt.htm"
    other = tmp_path / "h41_next.htm"
    other.write_text(f.read_text().replace("Jun 24, 2026", "Jul 1, 2026"))
    df = h41_html.parse([f, other])
    assert sorted(set(df["date"])) == ["2026-06-24", "2026-07-01"]
    with pytest.raises(DataError, match="given twice"):
        h41_html.parse([f, f])


def test_h41_truncated_release_is_refused(tmp_path):
    text = (MON / "h41_20260702_excerpt.htm").read_text()
    cut = tmp_path / "cut.htm"
    cut.write_text(text[: text.index("Reverse repurchase agreements")])
    with pytest.raises(DataError, match="rrp_foreign_official"):
        h41_html.parse([cut])


def test_auctions_metrics_and_tenor_of_reopenings():
    df = auctions_csv.parse([MON / "auctions_excerpt.csv"])
    assert not df["date"].isin(["2026-08-26", "2026-08-27"]).any()  # announced, not held
    r = df[(df["date"] == "2026-08-12") & (df["tenor"] == "10-Year")].iloc[0]
    # over the offering (42bn), not total accepted (52.6bn, SOMA's add-on included)
    assert r["indirect_share"] == pytest.approx(100 * 32087936000 / 42000000000)
    assert r["indirect_basis"] == "offering" and r["bid_to_cover"] == pytest.approx(2.53)
    assert r["tail_proxy_bp"] == pytest.approx(5.3)   # 4.683 - 4.630, to 0.1 bp
    assert auctions_csv.tenor("9-Year 11-Month") == "10-Year"
    assert auctions_csv.tenor("29-Year 6-Month") == "30-Year"
    assert auctions_csv.tenor("4-Week") == "4-Week"


def test_auctions_tell_10_year_tips_from_notes_by_maturity_date():
    # verbatim rows: 2026-07-23 is a 10-year TIPS (real yield 2.438%, matures 15 July), 2026-08-12 a
    # 10-year note (4.683%, matures 15 August); a 30-year issue maturing 15 February cannot be told
    df = auctions_csv.parse([MON / "auctions_excerpt.csv"]).set_index(["date", "security_term"])
    assert df.loc[("2026-07-23", "10-Year"), "inflation_indexed"] == True  # noqa: E712
    assert df.loc[("2026-08-12", "10-Year"), "inflation_indexed"] == False  # noqa: E712
    assert df.loc[("2026-06-10", "9-Year 11-Month"), "inflation_indexed"] == False  # noqa: E712 - a note reopened
    assert df.loc[("2026-08-13", "30-Year"), "inflation_indexed"] == False  # noqa: E712 - matures 15 August
    assert pd.isna(df.loc[("2026-08-20", "29-Year 6-Month"), "inflation_indexed"])   # matures 15 February
    assert df.loc[("2026-08-20", "4-Week"), "inflation_indexed"] == False  # noqa: E712 - bills never are
    assert df.loc[("1979-10-31", "10-Year"), "inflation_indexed"] == False  # noqa: E712 - before TIPS existed


def test_auctions_tips_flag_on_the_bundled_file_agrees_with_soma_types():
    df = data.series("treasury.auctions", tenor="10-Year")
    first = df[df["date"] == "1997-01-29"].iloc[0]      # Treasury's first TIPS auction: 10-year, 3.449%
    assert bool(first["inflation_indexed"]) and first["high_yield"] == pytest.approx(3.449)
    assert df["inflation_indexed"].notna().all()
    soma = data.series("fed.soma.2022-02-16").set_index("cusip")["security_type"]
    both = df[df["cusip"].isin(soma.index)]
    assert len(both) > 150
    expect = both["cusip"].map(soma).map({"TIPS": True, "NotesBonds": False})
    assert (both["inflation_indexed"].astype(bool) == expect).all()


def test_auctions_api_flag_is_used_where_the_file_has_it(tmp_path):
    rows = pd.read_csv(MON / "auctions_excerpt.csv", dtype=str, keep_default_na=False)
    rows["inflation_index_security"] = "No"
    rows.loc[rows["security_term"] == "29-Year 6-Month", "inflation_index_security"] = "Yes"
    p = tmp_path / "a.csv"
    rows.to_csv(p, index=False)
    df = auctions_csv.parse([p])
    assert df["inflation_indexed"].notna().all()
    assert df[df["inflation_indexed"]]["security_term"].tolist() == ["29-Year 6-Month"]
    assert not df[df["date"] == "2026-07-23"]["inflation_indexed"].any()   # the flag outranks the date


def test_auctions_api_json_layout_uses_competitive_accepted(tmp_path):
    # the API's JSON shape (strings, "null"), filled with verbatim rows of the bundled CSV
    rows = pd.read_csv(MON / "auctions_excerpt.csv", dtype=str, keep_default_na=False)
    recs = [{k: (v if v != "" else "null") for k, v in r.items()} for r in rows.to_dict("records")]
    recs[0]["comp_accepted"] = "null"
    for r in recs[1:]:
        r["comp_accepted"] = r["offering_amt"]
    p = tmp_path / "auctions_query.json"
    p.write_text(json.dumps({"data": recs, "meta": {"count": len(recs)}}))
    df = auctions_csv.parse([p])
    assert set(df["indirect_basis"]) == {"competitive"}   # comp_accepted, where given, outranks the offering
    csv = auctions_csv.parse([MON / "auctions_excerpt.csv"])
    assert df["indirect_share"].fillna(-1).tolist() == pytest.approx(csv["indirect_share"].fillna(-1).tolist())


def test_auctions_missing_column_names_it(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("auction_date,security_type\n2026-08-12,Note\n")
    with pytest.raises(DataError, match="bid_to_cover_ratio"):
        auctions_csv.parse([p])


def test_table3_official_split_and_units():
    df = tic_slt_table3.parse([TIC7 / "slt_table3_excerpt.txt"])
    pos = df[df["measure"] == "for_treas_pos"].set_index(["country", "date"])["value"]
    assert pos["Of Which: Foreign Official", "2026-04"] == pytest.approx(3906.503)
    assert pos["China, Mainland", "2026-04"] == pytest.approx(651.072)
    assert not ((df["country"] == "Anguilla") & (df["measure"] == "for_treas_pos")).any()  # n.a.
    assert tic_slt_table3.sniff((TIC7 / "slt_table3_excerpt.txt").read_text())


def test_table3_agrees_with_table5_on_foreign_official():
    t5 = tic_slt_table5.parse([TIC7 / "slt_table5.txt"])
    t5 = t5[t5["row_type"] == "foreign_official"].set_index("date")["value"]
    t3 = tic_slt_table3.parse([TIC7 / "slt_table3_excerpt.txt"])
    t3 = t3[(t3["country"] == "Of Which: Foreign Official") & (t3["measure"] == "for_treas_pos")]
    t3 = t3.set_index("date")["value"]
    common = t5.index.intersection(t3.index)
    assert len(common) == 13
    assert (t5[common] - t3[common]).abs().max() < 0.06  # Table 5 rounds to 0.1 bn


def test_mfhhis01_july_vintage_crlf_block():
    df = tic_mfh_txt.parse([TIC7 / "mfhhis01_2025_block.txt"])
    uk = df[(df["country"] == "United Kingdom") & (df["date"] == "2025-12")]["value"]
    assert uk.iloc[0] == pytest.approx(863.1)


def test_both_vintages_are_labelled_and_revisions_visible():
    new = data.load("tic.holdings.vintage-2026-07")
    assert set(new["vintage"]) == {"2026-07"}
    assert data.get("tic.holdings").retrieved == "2026-03-18"
    rev = tic_revisions()
    uk = rev[(rev["country"] == "United Kingdom") & (rev["date"] == "2025-12")].iloc[0]
    assert uk["old"] == pytest.approx(866.0) and uk["new"] == pytest.approx(863.1)
    assert rev.attrs["old_vintage"] == "2026-03" and rev.attrs["new_vintage"] == "2026-07"
    assert (rev["revision"].abs() >= 0.05).all()
    assert rev["date"].min() >= "2024-01"  # revisions touch recent years, not the whole history


def test_vintage_datasets_name_the_parser_that_reads_their_file():
    """The vintage label wrapper keeps the parser's name: docs/data.md and provenance name the real parser."""
    from treasurylab.data.parsers import tic_s1_txt

    expected = {"tic.holdings.vintage-2026-07": tic_mfh_txt, "tic.table5.vintage-2026-07": tic_slt_table5,
                "tic.table3.vintage-2026-07": tic_slt_table3, "tic.s1.vintage-2026-07": tic_s1_txt}
    for ds_id, module in expected.items():
        ds = data.get(ds_id)
        assert ds.parser_name == f"{module.__name__}.parse", ds_id
        assert ds.parse.__wrapped__ is module.parse
        assert ds.parser_version == module.VERSION + "+vintage-1"
