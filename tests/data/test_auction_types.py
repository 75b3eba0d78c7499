"""TIPS, FRN or nominal where the auctions file's maturity date cannot tell: SOMA's CUSIP list, then the
auction's yield against the market's (monitor/auction_types.py); what is left is counted on the card."""

from __future__ import annotations

import pandas as pd

from treasurylab import data
from treasurylab.monitor import auction_types as T

#: the modules whose internals this file tests: the auction indicators' reading by tenor
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.monitor.indicators",)


def _bonds(tenor):
    df = data.series("treasury.auctions", tenor=tenor)
    return df[df["security_type"].isin(["Note", "Bond"])]


def test_30_year_tips_maturing_15_february_are_typed():
    # 912810US5: 30-year TIPS auctioned 2026-02-19 (2.473%) and reopened 2026-08-20 (2.973%), maturing
    # 2056-02-15 like the February nominal bond; the maturity date cannot tell them apart, the yields can
    c = T.classify(_bonds("30-Year")).set_index(["date", "cusip"])
    assert c.loc[("2026-08-20", "912810US5"), "kind"] == "TIPS"
    assert c.loc[("2026-02-19", "912810US5"), "kind"] == "TIPS"
    assert c.loc[("2026-02-12", "912810UR7"), "kind"] == "nominal"
    assert c.loc[("2026-08-20", "912810US5"), "kind_source"] == "auction yield vs DGS30 / DFII30"
    # an issue SOMA held in February 2022 is typed by its CUSIP (2021's 30-year TIPS and its reopening)
    assert c.loc[("2021-08-19", "912810SV1"), "kind_source"] == "SOMA 2022-02-16 by CUSIP"
    assert c.loc[("2021-08-19", "912810SV1"), "kind"] == "TIPS"
    since = c[c.index.get_level_values("date") >= "2009-01-01"]
    assert since["kind"].notna().all()


def test_the_yield_rule_types_every_issue_as_soma_does():
    soma = T._soma_types()
    checked = 0
    for tenor in ("5-Year", "10-Year", "20-Year", "30-Year"):
        df = _bonds(tenor)
        df = df[df["cusip"].isin(soma.index)].assign(inflation_indexed=pd.NA)
        by_yield = T._by_yield(df)["kind"]
        assert (soma.reindex(by_yield.index) == by_yield).all(), tenor
        checked += len(by_yield)
    assert checked > 150


def test_auction_cards_leave_out_tips_and_count_what_is_unknown():
    from dash import dcc

    from treasurylab.app import pages as P

    def parts(tenor):
        card = P.auctions_card(tenor)
        fig = next(k for k in card.children if isinstance(k, dcc.Graph)).figure
        note = next(k.children for k in card.children if getattr(k, "className", "") == "note")
        return {str(x)[:10] for x in fig.data[0].x}, note

    xs, note = parts("30-Year")
    assert "2026-08-20" not in xs and "2026-02-19" not in xs and "2026-08-13" in xs
    assert "34 30-Year TIPS auctions" in note and "cannot tell" not in note
    xs, note = parts("5-Year")
    assert "50 5-Year TIPS auctions" in note and "cannot tell" not in note and "2026-07-27" in xs
    # 3-year notes mature on the 15th, as TIPS do, and SOMA held few of them; no TIPS of the term exist, so the
    # card shows every 3-year auction since 2009 (176 were left out as unknown), typed by SOMA or rule 4
    xs, note = parts("3-Year")
    three = T.classify(_bonds("3-Year"))
    three = three[three["date"] >= "2009-01-01"]
    assert three["kind"].eq("nominal").all() and set(three["date"]) == xs and len(xs) > 200
    assert "cannot tell" not in note and "Left out" not in note
    n_rule = three["kind_source"].eq(T.NO_TIPS_TERM_SOURCE).sum()
    assert n_rule > 150 and f"{T.NO_TIPS_TERM_SOURCE} ({n_rule})" in note
    xs, note = parts("2-Year")
    assert "2026-07-29" not in xs and "2026-07-27" in xs        # the July FRN out, the July note in
    assert "151 2-Year FRN auctions" in note and "cannot tell" not in note


def test_the_auctions_card_counts_the_auctions_the_indicators_count():
    """One rule (indicators.tenor_auctions): an auction that cannot be told from TIPS or FRNs is left out of the
    auction indicators' series and of the card alike (the card counts it in its note), so the chart, its 'lower
    than X% of auctions since 2009' and the indicator read the same auctions, tenor by tenor."""
    from dash import dcc

    from treasurylab.app import pages as P
    from treasurylab.monitor import indicators as I

    for tenor in ("2-Year", "3-Year", "5-Year", "10-Year", "20-Year", "30-Year"):
        card = P.auctions_card(tenor)
        fig = next(k for k in card.children if isinstance(k, dcc.Graph)).figure
        card_dates = [str(x)[:10] for x in fig.data[0].x]
        ind = I._auction("indirect_share", tenor)
        ind_dates = list(ind[ind.index >= "2009-01-01"].index.strftime("%Y-%m-%d"))
        assert card_dates == ind_dates, (tenor, sorted(set(card_dates) ^ set(ind_dates))[:5])
        assert list(fig.data[0].y) == list(ind[ind.index >= "2009-01-01"].values), tenor


def test_two_year_frns_are_told_by_their_missing_high_yield():
    # an FRN auction clears at a discount margin, not a yield: the file's high_yield is empty for it. 91282CRD5
    # (2026-07-29, $30bn) is a 2-year FRN SOMA could not hold in 2022; 91282CRB9 (2026-07-27) the 2-year note
    c = T.classify(_bonds("2-Year")).set_index(["date", "cusip"])
    assert c.loc[("2026-07-29", "91282CRD5"), "kind"] == "FRN"
    assert c.loc[("2026-07-29", "91282CRD5"), "kind_source"] == T.FRN_SOURCE
    assert c.loc[("2026-06-24", "91282CQM6"), "kind"] == "FRN"       # its reopening, 1-Year 10-Month
    assert c.loc[("2026-07-27", "91282CRB9"), "kind"] == "nominal"       # a 2-year note, maturing 2028-07-31
    assert c.loc[("2026-07-27", "91282CRB9"), "kind_source"] == T.OFF_15TH_SOURCE
    no_yield = c["high_yield"].isna()
    assert no_yield.sum() == 153 and c.loc[no_yield, "kind"].eq("FRN").all()
    assert c.index.get_level_values("date")[no_yield].min() == "2014-01-29"      # the first FRN auction
    # the field agrees with SOMA on every 2-year issue SOMA typed, FRN or note
    soma = c[c["kind_source"] == "SOMA 2022-02-16 by CUSIP"]
    assert soma["kind"].eq("FRN").sum() > 20 and soma["kind"].eq("nominal").sum() > 20
    assert (soma["kind"].eq("FRN") == soma["high_yield"].isna()).all()


def test_every_two_year_auction_since_2009_is_typed():
    # FRNs by their missing high yield, the notes by their high yield and month-end maturity (no TIPS); where
    # SOMA typed an issue, both rules type it the same way
    c = T.classify(_bonds("2-Year").query("date >= '2009-01-01'"))
    assert c["kind"].notna().all(), c[c["kind"].isna()]
    soma = c[c["kind_source"] == "SOMA 2022-02-16 by CUSIP"]
    by_rule = soma["high_yield"].isna().map({True: "FRN", False: "nominal"})
    assert (soma["kind"] == by_rule).all()


def test_tips_mature_on_the_15th_and_the_notes_maturing_off_it_are_typed():
    # every auction typed TIPS by the file, SOMA or the yields matures on the 15th; every auction the
    # maturity-day rule would call nominal that the others type is nominal there
    import numpy as np

    parts = [T.classify(g) for _, g in data.series("treasury.auctions").query("security_type != 'Bill'").groupby("tenor")]
    c = pd.concat(parts)
    day = pd.to_datetime(c["maturity_date"]).dt.day
    assert day[c["kind"].eq("TIPS")].eq(T.TIPS_MATURITY_DAY).all() and c["kind"].eq("TIPS").sum() > 250
    off = day.ne(T.TIPS_MATURITY_DAY) & c["high_yield"].notna()
    other = c["kind_source"].ne(T.OFF_15TH_SOURCE) & c["kind"].notna()
    assert c.loc[off & other, "kind"].eq("nominal").all() and (off & other).sum() > 450
    # the 5-year notes since 2009 that neither SOMA nor the yields could type (the market yields of the bundled
    # files end before 2026-07-27's auction) mature on a month's last day
    five = c[(c["tenor"] == "5-Year") & (c["date"] >= "2009-01-01")].set_index("date")
    assert five["kind"].notna().all()
    assert five.loc[["2009-01-29", "2009-02-25", "2026-07-27"], "kind_source"].eq(T.OFF_15TH_SOURCE).all()
    assert not np.isnan(five.loc["2026-07-27", "high_yield"])


def test_the_whole_file_at_once_is_classified_as_each_tenor_alone():
    """classify() on auctions of several tenors at once (an issue's reopenings carry other tenor labels,
    e.g. '6-Year') named each yield-rule source by the row's own tenor and raised KeyError for a tenor
    with no market series; the source is now the series the issue's votes were read against. Each
    tenor's kinds and sources are what classifying that tenor alone gives, wherever the tenor alone
    settles them."""
    allb = data.series("treasury.auctions")
    allb = allb[allb["security_type"].isin(["Note", "Bond"])]
    whole = T.classify(allb).set_index(["date", "cusip", "tenor"])
    for tenor in ("5-Year", "10-Year", "30-Year"):
        alone = T.classify(_bonds(tenor)).set_index(["date", "cusip", "tenor"])
        known = alone["kind"].notna()
        assert known.sum() > 0
        pd.testing.assert_series_equal(whole.loc[alone.index[known], "kind"], alone.loc[known, "kind"])
        pd.testing.assert_series_equal(whole.loc[alone.index[known], "kind_source"], alone.loc[known, "kind_source"])
    assert whole["kind_source"].dropna().str.startswith(("auctions file", "SOMA", "auction yield vs DGS",
                                                                T.ISSUE_SOURCE)).all()


def test_no_tips_of_the_term_in_the_file_types_the_three_year_notes():
    """Rule 4: Treasury has never sold 3-year TIPS, and the file agrees: the tenors of its auctions typed TIPS
    by the other rules never include 2, 3 or 7 years, and each TIPS issue was first sold as a 5-, 10-, 20- or
    30-year one. A note or bond with a high yield of an issue with no auction of a TIPS tenor is nominal;
    wherever another rule types such an auction, it types it nominal too."""
    whole = T._notes_and_bonds()
    others = T._classify(whole, by_term=False)
    tips = others[others["kind"].eq("TIPS")]
    assert T.tips_terms() == frozenset(tips["tenor"]) and len(tips) > 250
    assert not {"2-Year", "3-Year", "7-Year"} & T.tips_terms() and {"5-Year", "10-Year", "30-Year"} <= T.tips_terms()
    first = whole[whole["reopening"].eq("No")].drop_duplicates("cusip").set_index("cusip")["security_term"]
    assert set(tips["cusip"].map(first)) <= {"5-Year", "5-Year 6-Month", "10-Year", "20-Year", "20-Year 6-Month",
                                              "30-Year", "30-Year 6-Month"}
    rule = T.no_tips_term(whole)
    both = rule & others["kind"].notna()
    assert others.loc[both, "kind"].eq("nominal").all() and both.sum() > 900
    soma = both & others["kind_source"].eq("SOMA 2022-02-16 by CUSIP")
    assert soma.sum() > 100 and (soma & whole["tenor"].eq("3-Year")).sum() > 30
    # the rule reads the issue: 9128273T7, the January 2008 10-year TIPS reopened in October 1998 as '9-Year
    # 3-Month' (a tenor with no typed TIPS), is not called nominal
    tips_reopening = whole["cusip"].eq("9128273T7") & whole["security_term"].eq("9-Year 3-Month")
    assert tips_reopening.sum() == 1 and not rule[tips_reopening].any()
    assert T._classify(whole, by_term=True).loc[tips_reopening, "kind"].isna().all()
    assert T.classify(whole).loc[tips_reopening, "kind"].eq("TIPS").all()       # rule 5: its issue is TIPS
    # every 3-year auction since 2009 is typed; the rule types those neither SOMA nor the others could
    three = T.classify(_bonds("3-Year").query("date >= '2009-01-01'"))
    assert three["kind"].eq("nominal").all()
    assert three["kind_source"].eq(T.NO_TIPS_TERM_SOURCE).sum() == 176


def test_an_issue_typed_by_its_other_auctions_types_its_reopenings():
    """Rule 5: the file's maturity date types the row, SOMA and the yields the issue; a reopening whose tenor the
    maturity-date rule does not read ('9-Year 3-Month', '6-Year 10-Month') takes its issue's kind where every typed
    auction of the issue agrees. Classified tenor by tenor, as the cards do, the rule still reads the whole file."""
    whole = T._notes_and_bonds()
    before = T._classify(whole, by_term=True)
    after = T.classify(whole)
    # nothing typed before changes
    typed = before["kind"].notna()
    pd.testing.assert_series_equal(after.loc[typed, "kind"], before.loc[typed, "kind"])
    pd.testing.assert_series_equal(after.loc[typed, "kind_source"], before.loc[typed, "kind_source"])
    carried = after["kind_source"].eq(T.ISSUE_SOURCE)
    assert carried.sum() > 0 and before.loc[carried, "kind"].isna().all()
    # each carried kind is the one kind of its issue's other typed auctions
    kinds = before[typed].groupby("cusip")["kind"].agg(set)
    for i in after.index[carried]:
        assert kinds[after.at[i, "cusip"]] == {after.at[i, "kind"]}
    # no issue's typed auctions disagree in the bundled file
    assert (kinds.map(len) == 1).all() and not T.disagreeing_issues()
    c = after.set_index(["date", "cusip"])
    # 9128273T7, the January 2008 10-year TIPS (first sold 1998-01-08, maturing 15 January: the file types it TIPS),
    # reopened 1998-10-07 as '9-Year 3-Month'
    assert c.loc[("1998-10-07", "9128273T7"), "kind"] == "TIPS"
    assert c.loc[("1998-01-08", "9128273T7"), "kind_source"] == "auctions file"
    # October 2008's reopenings of 10-year notes maturing on the 15th of a refunding month
    for key in (("2008-10-08", "912828EE6"), ("2008-10-08", "912828DV9"), ("2008-10-09", "912828DM9"),
                ("2008-10-09", "912828HR4")):
        assert c.loc[key, "kind"] == "nominal", key
    seven = T.classify(_bonds("7-Year")).set_index(["date", "cusip"])
    assert seven.loc[("2008-10-08", "912828EE6"), "kind"] == "nominal"
    assert seven.loc[("2008-10-08", "912828EE6"), "kind_source"] == T.ISSUE_SOURCE
    # an issue none of whose auctions is typed stays unknown (9128273A8, 1997's 5-year, and its reopening)
    assert c.loc[("1997-07-09", "9128273A8"), "kind"] is pd.NA
    assert c.loc[("1997-10-08", "9128273A8"), "kind"] is pd.NA
