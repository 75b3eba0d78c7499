"""TIC holdings changes split into net purchases, valuation and other (treasurylab.data.tic_flows), and
the S1 parser that extends net purchases before Table 3's flows begin (2023-02)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from treasurylab import data
from treasurylab.data import tic_flows
from treasurylab.data.parsers import tic_s1_txt
from treasurylab.errors import BadInput, DataError

TIC7 = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "tic_2026_07"
S1_FIX = TIC7 / "s1_globl_excerpt.txt"


# --- the S1 parser ------------------------------------------------------------------------------


def test_s1_reads_the_numbered_columns_in_bn_with_quoted_thousands():
    df = tic_s1_txt.parse([S1_FIX])
    v = df.set_index(["country", "date", "measure"])["value"]
    # "China, Mainland" 2023-01: [1] "16,744" purchases of Treasury bonds & notes, [7] "27,666" sales
    assert v["China, Mainland", "2023-01", "purchases_treasury"] == pytest.approx(16.744)
    assert v["China, Mainland", "2023-01", "sales_treasury"] == pytest.approx(27.666)
    assert v["China, Mainland", "2023-01", "sales_foreign_stocks"] == pytest.approx(1.444)
    assert v["Grand Total", "1977-01", "purchases_treasury"] == pytest.approx(1.632)
    assert set(df["measure"]) == set(tic_s1_txt.MEASURES) and len(tic_s1_txt.MEASURES) == 12
    assert set(df.loc[df["country"] == "China, Mainland", "country_code"]) == {"41408"}
    assert df.groupby("country")["date"].nunique().to_dict() == {"Austria": 2, "China, Mainland": 14,
                                                                  "Grand Total": 4}


def test_s1_refuses_moved_columns_and_a_cut_file(tmp_path):
    text = S1_FIX.read_bytes().decode()
    moved = tmp_path / "moved.txt"
    moved.write_bytes(text.replace("[7]", "[13]", 1).encode())
    with pytest.raises(DataError, match=r"\[1\] \.\.\. \[12\]"):
        tic_s1_txt.parse([moved])
    cut = tmp_path / "cut.txt"
    cut.write_bytes(text.encode()[:-7])
    with pytest.raises(DataError, match="truncated|cut off"):
        tic_s1_txt.parse([cut])


def test_s1_dataset_is_the_bundled_file_from_1977_to_2023():
    df = data.series("tic.s1.vintage-2026-07", country="china", measure="purchases_treasury")
    assert df["date"].max() == "2023-01" and set(df["vintage"]) == {"2026-07"}
    fix = tic_s1_txt.parse([S1_FIX])
    fix = fix[(fix["country"] == "China, Mainland") & (fix["measure"] == "purchases_treasury")]
    assert df.set_index("date")["value"][fix["date"]].tolist() == fix["value"].tolist()
    assert data.series("tic.s1.vintage-2026-07", country="total")["date"].min() == "1977-01"


# --- assemble / decompose on small tables ----------------------------------------------------------


def _tidy(rows, cols=("date", "country", "country_code", "measure", "value")):
    return pd.DataFrame(rows, columns=list(cols))


def _toy():
    t3 = _tidy(
        [(d, "X", "1", "for_treas_pos", v) for d, v in (("2022-12", 99.0), ("2023-01", 100.0), ("2023-02", 95.0), ("2023-03", 97.0))]
        + [(d, "X", "1", "for_st_treas_net", v) for d, v in (("2023-01", 1.0),)]
        + [("2023-02", "X", "1", "for_treas_net", -4.0), ("2023-02", "X", "1", "for_lt_treas_valchg", -2.0),
           ("2023-03", "X", "1", "for_treas_net", 1.5), ("2023-03", "X", "1", "for_lt_treas_valchg", 0.25)])
    s1 = _tidy([("2022-12", "X", "1", "purchases_treasury", 5.0), ("2022-12", "X", "1", "sales_treasury", 8.0),
                ("2023-01", "X", "1", "purchases_treasury", 4.0), ("2023-01", "X", "1", "sales_treasury", 3.0)])
    hist = pd.DataFrame({"date": ["2022-11", "2022-12"], "country": ["X", "X"], "value": [90.0, 88.0]})
    return t3, s1, hist


def test_assemble_takes_each_month_from_the_newest_source_that_has_it():
    t3, s1, hist = _toy()
    m = tic_flows.assemble(t3, s1, hist, table3_name="X", s1_name="X", history_name=None).set_index("date")
    assert list(m.index) == ["2022-12", "2023-01", "2023-02", "2023-03"]
    assert m.loc["2022-12", "net_purchases"] == -3.0 and m.loc["2022-12", "scope"] == tic_flows.SCOPE_LT
    # S1 long-term net (4 - 3) plus Table 3's bill flow (1)
    assert m.loc["2023-01", "net_purchases"] == 2.0 and m.loc["2023-01", "scope"] == tic_flows.SCOPE_LT_BILLS
    assert math.isnan(m.loc["2023-01", "valuation"])
    assert m.loc["2023-02", "scope"] == tic_flows.SCOPE_TOTAL
    assert m.loc["2023-02", "holdings_change"] == -5.0 and m.loc["2023-02", "other"] == pytest.approx(1.0)
    ok = m.dropna(subset=["holdings_change"])
    parts = ok["net_purchases"] + ok["valuation"].fillna(0) + ok["other"]
    assert (parts - ok["holdings_change"]).abs().max() < 1e-12


def test_decompose_starts_from_the_month_before_and_sums_the_window():
    t3, s1, hist = _toy()
    m = tic_flows.assemble(t3, s1, hist, table3_name="X", s1_name="X", history_name=None)
    d = tic_flows.decompose("X", m, "2023-02", "2023-03")
    assert d.jump_off == "2023-01" and d.holdings_start == 100.0 and d.holdings_end == 97.0
    assert d.net_purchases == -2.5 and d.valuation == -1.75
    assert d.other == pytest.approx(-3.0 + 2.5 + 1.75)
    assert d.holdings_change == pytest.approx(d.net_purchases + d.valuation + d.other)
    assert d.notes == []
    d2 = tic_flows.decompose("X", m, "2023-01", "2023-03")
    assert any("valuation is not published" in n for n in d2.notes)
    with pytest.raises(BadInput) as e:  # no holdings at the end of 2022-11 (history not given)
        tic_flows.decompose("X", m, "2022-12", "2023-03")
    assert e.value.field == "--start" and "2022-11" in str(e.value)
    with pytest.raises(BadInput) as e:
        tic_flows.decompose("X", m, "2023-03", "2023-02")
    assert e.value.field == "--end"


# --- the bundled files ---------------------------------------------------------------------------------


def test_table3_flows_add_up_by_tic_column_definitions():
    """Table 3's own definitions: total net = long-term net + bills net; bills net = change in bill
    holdings (footnote 2). The decomposition relies on both."""
    t3 = data.load(tic_flows.TABLE3)
    w = t3[t3["country"] == "China, Mainland"].pivot(index="date", columns="measure", values="value")
    w = w[w.index >= tic_flows.TABLE3_FLOWS_FROM]
    assert len(w) >= 39
    assert (w["for_lt_treas_net"] + w["for_st_treas_net"] - w["for_treas_net"]).abs().max() < 0.0015
    assert (w["for_st_treas_pos"].diff() - w["for_st_treas_net"]).iloc[1:].abs().max() < 0.0015


def test_china_since_its_2013_peak_splits_without_inventing_a_number():
    holder, m = tic_flows.monthly_flows("china")
    assert holder == "China, Mainland"
    d = tic_flows.decompose(holder, m, "2013-12", "2026-04", tic_flows.history_breaks())
    hist = data.series(tic_flows.HISTORY, country="china", series="current").set_index("date")["value"]
    assert d.holdings_start == hist["2013-11"]
    t3 = data.series(tic_flows.TABLE3, country="china").pivot(index="date", columns="measure", values="value")
    assert d.holdings_end == t3.loc["2026-04", "for_treas_pos"]
    # valuation is published only from 2023-02: the sum is Table 3's, month by month
    assert d.valuation == pytest.approx(t3.loc["2023-02":"2026-04", "for_lt_treas_valchg"].sum())
    s1 = data.series(tic_flows.S1, country="china").pivot(index="date", columns="measure", values="value")
    lt = (s1["purchases_treasury"] - s1["sales_treasury"]).loc["2013-12":"2019-12"].sum()
    bills_and_lt = ((s1["purchases_treasury"] - s1["sales_treasury"]).loc["2020-01":"2023-01"]
                    + t3.loc["2020-01":"2023-01", "for_st_treas_net"]).sum()
    assert d.net_purchases == pytest.approx(lt + bills_and_lt + t3.loc["2023-02":, "for_treas_net"].sum())
    assert d.holdings_change == pytest.approx(d.net_purchases + d.valuation + d.other)
    assert any("long-term Treasuries only" in n for n in d.notes)
    assert any("series breaks at 2016-02" in n for n in d.notes)
    row = d.months.set_index("date").loc["2015-06"]
    assert row["flows_from"] == "S1" and row["holdings_from"] == "MFH history"


def test_official_holders_have_no_flows_before_table3():
    holder, m = tic_flows.monthly_flows("official")
    assert holder == "Of Which: Foreign Official"
    d = tic_flows.decompose(holder, m, "2023-02", "2026-04")
    assert d.holdings_change == pytest.approx(d.net_purchases + d.valuation + d.other)
    with pytest.raises(BadInput) as e:  # S1 has no official split: nothing is filled in
        tic_flows.decompose(holder, m, "2021-01", "2026-04")
    assert e.value.field == "--start" and "2023-02" in str(e.value)


def test_an_unknown_holder_is_named_with_a_suggestion():
    with pytest.raises(BadInput) as e:
        tic_flows.resolve("chna")
    assert e.value.field == "--country" and "China, Mainland" in str(e.value)


def test_running_totals_end_at_the_summary_and_show_no_valuation_before_tic_publishes_it():
    from treasurylab.report import tic_flows as words

    t3, s1, hist = _toy()
    m = tic_flows.assemble(t3, s1, hist, table3_name="X", s1_name="X", history_name=None)
    d = tic_flows.decompose("X", m, "2023-01", "2023-03")
    c = words.cumulative(d)
    last = c[c["date"] == "2023-03"].set_index("series")["value"]
    assert last["holdings change"] == pytest.approx(d.holdings_change)
    assert last["net purchases"] == pytest.approx(d.net_purchases)
    assert last["other"] == pytest.approx(d.other)
    val = c[c["series"].str.startswith("valuation")]
    assert set(val["series"]) == {"valuation (published from 2023-02)"}
    assert val["value"].isna().tolist() == [True, False, False, False]   # jump-off, 2023-01, -02, -03
    assert last["valuation (published from 2023-02)"] == pytest.approx(d.valuation)
    assert (c.groupby("series")["value"].first().fillna(0.0) == 0.0).all()
    assert words.summary_line(d).startswith(f"holdings {words.bn(d.holdings_change)} = net purchases ")


def test_a_window_without_published_valuation_says_n_a_not_zero():
    from treasurylab.report import tic_flows as words

    t3, s1, hist = _toy()
    m = tic_flows.assemble(t3, s1, hist, table3_name="X", s1_name="X", history_name=None)
    d = tic_flows.decompose("X", m, "2023-01", "2023-01")
    assert math.isnan(d.valuation) and d.other == pytest.approx(d.holdings_change - d.net_purchases)
    assert "valuation n/a (not published: inside other)" in words.summary_line(d)
    c = words.cumulative(d)
    assert c.loc[c["series"] == "valuation (not published)", "value"].isna().all()
    assert words.as_dict(d, {})["summary"]["valuation"] is None
