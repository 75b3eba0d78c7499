"""Monthly Statement of the Public Debt: summary CSV (Table I) and security-level .prn (Table III).

Reference values from the snapshot's PROVENANCE.md checks (Table I totals of January 2022; shares at
2025-12-31).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from treasurylab.data import series
from treasurylab.data.parsers import mspd_prn, mspd_summary_csv
from treasurylab.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "mspd"
PRN = FIX / "opdm012022_excerpt.prn"
SUMMARY = FIX / "MSPD_SumSecty_excerpt.csv"


def test_fixtures_keep_the_official_bytes():
    raw = PRN.read_bytes()
    assert raw.count(b"\r\r\n") > 800 and b"\x85" in raw
    assert SUMMARY.read_bytes().startswith(b"\xef\xbb\xbf") and not SUMMARY.read_bytes().endswith(b"\n")


# --- summary ---------------------------------------------------------------------------------------------

def test_summary_end_2025_total_marketable_and_bill_share():
    df = series("mspd.summary", start="2025-12", end="2025-12")
    tot = float(df.loc[df.security_type == "Total Marketable", "total"].iloc[0])
    assert tot == pytest.approx(30271.3, abs=0.05)  # USD bn, i.e. about $30.27T
    mk = df[df.security_type == "Marketable"].set_index("class_code")["total"]
    assert mk["bill"] / tot == pytest.approx(0.2163, abs=5e-4)
    assert mk["note"] / tot == pytest.approx(0.5166, abs=5e-4)
    assert mk["bond"] / tot == pytest.approx(0.1734, abs=5e-4)
    assert mk["tips"] / tot == pytest.approx(0.0705, abs=5e-4)
    assert mk["frn"] / tot == pytest.approx(0.0231, abs=5e-4)
    assert float(df.loc[df.security_type == "Total Marketable", "held_by_public"].iloc[0]) == pytest.approx(
        30250.9, abs=0.05)
    assert df.attrs["provenance"]["parser"].endswith("mspd_summary_csv.parse")


def test_summary_other_checks():
    df = series("mspd.summary")
    assert df["date"].min() == "2001-01-31" and df["date"].max() == "2026-05-31"
    assert df["date"].nunique() == 305
    gt = df[df.security_type == "Total Public Debt Outstanding"].set_index("date")["total"]
    assert len(gt) == 305  # the 2001 label variant is normalised
    assert gt["2025-06-30"] == pytest.approx(36211.4693, abs=1e-4)  # = FRED GFDEBTN 2025-Q2
    may = df[df.date == "2026-05-31"]
    assert float(may.loc[may.security_type == "Total Marketable", "total"].iloc[0]) == pytest.approx(30914.0, abs=0.05)
    assert float(may.loc[may.class_code == "bill", "total"].iloc[0]) == pytest.approx(6758.8, abs=0.05)
    # pre-2004-06 inflation-indexed classes map to 'tips'
    early = df[(df.date == "2001-01-31") & (df.class_code == "tips")]
    assert set(early["security_class"]) == {"Inflation-Indexed Notes", "Inflation-Indexed Bonds"}


def test_summary_fixture_equals_bundled_file_rows():
    fx = mspd_summary_csv.parse([SUMMARY])
    full = series("mspd.summary")
    key = ["date", "security_type", "security_class"]
    m = fx.merge(full, on=key, suffixes=("", "_full"))
    assert len(m) == len(fx) == 75
    for c in ("held_by_public", "intragovernmental", "total"):
        assert (m[c] == m[c + "_full"]).all()


def test_summary_truncated_or_reencoded_is_refused(tmp_path):
    raw = SUMMARY.read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(raw[:-30])  # cut inside the last row: the month no longer adds up
    with pytest.raises(DataError, match="truncated"):
        mspd_summary_csv.parse([cut])
    lines = raw.split(b"\n")
    lost = tmp_path / "lost.csv"
    lost.write_bytes(b"\n".join(l for l in lines if b"2022-01-31,Total Marketable" not in l))
    with pytest.raises(DataError, match="2022-01-31.*Total Marketable"):
        mspd_summary_csv.parse([lost])
    enc = tmp_path / "utf16.csv"
    enc.write_bytes(raw.decode("utf-8").encode("utf-16"))
    with pytest.raises(DataError, match="re-encoded"):
        mspd_summary_csv.parse([enc])


# --- security-level statement ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prn():
    return mspd_prn.parse([PRN])


def test_prn_lines_and_quirks(prn):
    sec = prn[prn.record_type.isin(["issue", "reopening"])]
    assert len(sec) == 766  # every '912' CUSIP line of Table III
    assert prn["date"].unique().tolist() == ["2022-01-31"]
    first = prn.iloc[0]
    assert (first.cusip, first.class_code, first.issue_date, first.maturity_date) == (
        "912796Q93", "bill", "2021-10-05", "2022-02-01")
    assert first.outstanding == 110985 and first["yield"] == pytest.approx(0.050)
    reop = prn[(prn.cusip == "912796Q93") & (prn.record_type == "reopening")]
    assert len(reop) == 2 and reop["outstanding"].isna().all()
    assert (reop["maturity_date"] == "2022-02-01").all()
    # negative redemption in parentheses, on a reopening line
    tj9 = prn[prn.cusip == "912828TJ9"]
    assert tj9["redeemed"].tolist() == [0, 0, -5]
    assert tj9["outstanding"].iloc[0] == 65995 == tj9[["issued", "inflation_adj", "redeemed"]].to_numpy().sum()
    # TIPS carry inflation adjustments, notes have coupon and yield
    x39 = prn[(prn.cusip == "912828X39") & (prn.record_type == "issue")].iloc[0]
    assert (x39.class_code, x39.rate, x39["yield"], x39.inflation_adj) == ("tips", 0.125, -0.049, 2283)
    frn = prn[(prn.cusip == "91282CDU2")].iloc[0]
    assert frn.class_code == "frn" and frn["yield"] == pytest.approx(-0.015)
    assert set(prn.class_code) == {"bill", "note", "bond", "tips", "frn", "ffb"}


def test_prn_totals_equal_the_summary_for_january_2022(prn):
    """Security-level totals per class = the summary's Table I for the same month (within rounding)."""
    summ = series("mspd.summary", start="2022-01", end="2022-01")
    want = summ[summ.security_type == "Marketable"].groupby("class_code")["total"].sum() * 1000  # -> USD mn
    got = prn.groupby("class_code")["outstanding"].sum()
    lines = prn.groupby("class_code").size()
    for c in ("bill", "note", "bond", "tips", "frn", "ffb"):
        # each printed line is rounded to the million: the sum may differ by at most half a million a line
        assert abs(got[c] - want[c]) <= 0.5 * lines[c] + 1, c
        assert abs(got[c] / want[c] - 1) < 1e-5, c
    total = float(summ.loc[summ.security_type == "Total Marketable", "total"].iloc[0]) * 1000
    assert got.sum() == pytest.approx(total, abs=20)  # 22,918,898 million
    # PROVENANCE check: Table III issued 22,697,902 + inflation adj 238,953 - redeemed 17,957 (printed totals;
    # the lines are each rounded, so their sums may differ by a few million)
    assert prn["issued"].sum() == pytest.approx(22697902, abs=10)
    assert prn["inflation_adj"].sum() == 238953
    assert prn["redeemed"].sum() == pytest.approx(-17957, abs=3)


def test_prn_fixture_equals_the_bundled_statement(prn):
    full = series("mspd.securities.2022-01")
    assert len(full) == len(prn)
    cols = ["cusip", "class_code", "issue_date", "issued", "redeemed", "outstanding"]
    import pandas as pd

    pd.testing.assert_frame_equal(full[cols], prn[cols].reset_index(drop=True), check_dtype=False)


def test_prn_truncated_is_refused(tmp_path):
    raw = PRN.read_bytes()
    cut = tmp_path / "opdm012022.prn"
    cut.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(DataError, match="truncated"):
        mspd_prn.parse([cut])


def test_prn_reencoded_is_refused(tmp_path):
    raw = PRN.read_bytes()
    utf8 = tmp_path / "utf8.prn"
    utf8.write_bytes(raw.decode("cp1252").encode("utf-8"))
    with pytest.raises(DataError, match="UTF-8"):
        mspd_prn.parse([utf8])
    utf16 = tmp_path / "utf16.prn"
    utf16.write_bytes(raw.decode("cp1252").encode("utf-16"))
    with pytest.raises(DataError, match="UTF-16"):
        mspd_prn.parse([utf16])


def test_prn_edited_amount_is_refused(tmp_path):
    raw = PRN.read_bytes()
    edited = raw.replace(b"912828TJ9    1.625    1.764  09/17/12                            21,000",
                         b"912828TJ9    1.625    1.764  09/17/12                            29,000")
    assert edited != raw
    p = tmp_path / "edited.prn"
    p.write_bytes(edited)
    with pytest.raises(DataError, match="912828TJ9"):
        mspd_prn.parse([p])


def test_summary_month_checks_take_all_months_at_once(tmp_path, monkeypatch):
    """The month checks sum every month in one pass over the columns, not a frame per month (they
    were ~0.17 s of the 0.24 s parse of the bundled file on a cold store, which every holders' list
    waits for); by instrumentation, no group is iterated, and the bundled file still parses to what
    the store holds. Each check still names the first month that fails, in date order."""
    from pandas.core.groupby.generic import DataFrameGroupBy, SeriesGroupBy

    def boom(self):
        raise AssertionError("iterated the months one by one")

    monkeypatch.setattr(DataFrameGroupBy, "__iter__", boom)
    monkeypatch.setattr(SeriesGroupBy, "__iter__", boom)
    from treasurylab.data import catalog

    parsed = mspd_summary_csv.parse(catalog.get("mspd.summary").paths())
    stored = series("mspd.summary")
    assert parsed.equals(stored.reset_index(drop=True)) and len(parsed) == len(stored)
    lines = SUMMARY.read_bytes().split(b"\n")
    no_gt = tmp_path / "no_gt.csv"
    no_gt.write_bytes(b"\n".join(l for l in lines if not l.startswith(b"2025-12-31,Total Public Debt")))
    with pytest.raises(DataError, match="month 2025-12-31 has no 'Total Public Debt Outstanding' row"):
        mspd_summary_csv.parse([no_gt])
    edited = tmp_path / "edited.csv"   # a bill total changed in two months: the earlier one is named
    out = []
    for l in lines:
        if l.startswith((b"2009-09-30,Marketable,Bills,", b"2025-12-31,Marketable,Bills,")):
            f = l.split(b",")
            f[5] = str(float(f[5]) + 10.0).encode()
            l = b",".join(f)
        out.append(l)
    edited.write_bytes(b"\n".join(out))
    with pytest.raises(DataError, match=r"month 2009-09-30: marketable classes add up to [\d,]+\.\d million, "
                                        r"not the Total Marketable [\d,]+\.\d"):
        mspd_summary_csv.parse([edited])
