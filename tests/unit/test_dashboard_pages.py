"""The dashboard's page builders, read as an analyst reads them (no browser): dates as the data's own
period, units in every hover, sources and as-of dates that match what a chart shows."""

from __future__ import annotations

from treasurylab.app import pages as P

#: the modules whose internals this file tests: the pages' chart helpers
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.app.pages",)


def _walk(node):
    yield node
    kids = getattr(node, "children", None)
    if isinstance(kids, (list, tuple)):
        for k in kids:
            yield from _walk(k)
    elif isinstance(kids, (str, int, float)):
        yield kids
    elif kids is not None:
        yield from _walk(kids)


def _by_id(components, cid):
    for c in components:
        for n in _walk(c):
            if getattr(n, "id", None) == cid:
                return n
    raise AssertionError(f"no component {cid}")


def _text(node) -> str:
    return " ".join(str(n) for n in _walk(node) if isinstance(n, (str, int, float)))


def _rows(table) -> list[list[str]]:
    from dash import html

    return [[_text(td) for td in tr.children] for tr in _walk(table) if isinstance(tr, html.Tr)]


def _source_line(card) -> str:
    return next(_text(n) for n in _walk(card) if getattr(n, "className", None) == "source")


def test_monthly_indicators_are_dated_by_their_month_not_its_first_day():
    changed = _rows(_by_id(P.page_overview(), "card-changed"))
    head, body = changed[0], {r[0]: r for r in changed[1:]}
    col = {name: head.index(name) for name in ("as of", "previous")}
    china = body["China, Mainland: Treasury holdings (TIC)"]
    assert china[col["as of"]] == "2026-04" and china[col["previous"]] == "2026-03"
    assert body["PBoC official gold reserves"][col["as of"]] == "2026-02"
    # weekly and daily data keep their day
    assert body["Custody holdings for foreign official accounts (H.4.1)"][col["as of"]] == "2026-06-24"
    fed = _source_line(_by_id(P.page_holders_static(), "card-official-fed"))
    assert "as of 2026-04 (TIC)" in fed
    # judged on a day both datasets were current: no stale flag after the as-of date
    cross = _source_line(_by_id(P.page_demand_static(as_of="2026-06-26"), "card-crosscheck"))
    assert cross.endswith("as of 2026-06-24 / 2026-04")


def _figure(card):
    from dash import dcc

    return next(n for n in _walk(card) if isinstance(n, dcc.Graph)).figure


def test_weekly_means_of_daily_series_are_dated_within_the_data_and_named_so():
    import pandas as pd

    rates = P.page_rates()
    y10 = next(t for t in _figure(_by_id(rates, "card-10y")).data if t.name.startswith("10-year yield"))
    baa = _figure(_by_id(rates, "card-baa")).data[0]
    # the last daily observations are 2026-07-22 (CMT, a Wednesday) and 2026-07-30 (Baa, a Thursday): no
    # point may be dated after them (a week's mean labelled by the Sunday that ends it was 07-26 / 08-02)
    assert pd.Timestamp(y10.x[-1]) == pd.Timestamp("2026-07-22")
    assert pd.Timestamp(baa.x[-1]) == pd.Timestamp("2026-07-30")
    assert "weekly mean" in y10.name and "weekly mean" in baa.name
    s = pd.Series([1.0, 2.0, 3.0] * 700, index=pd.bdate_range("2018-01-01", periods=2100))
    tr = P._line({"x": s}).data[0]
    assert pd.Timestamp(tr.x[-1]) == s.index[-1] and pd.Timestamp(tr.x[0]) == pd.Timestamp("2018-01-05")


def test_the_term_premium_line_names_its_source_and_date():
    card = _by_id(P.page_rates(), "card-10y")
    names = [t.name for t in _figure(card).data]
    assert any(n.startswith("term premium") for n in names)
    src = _source_line(card)
    assert "macro.term_premium" in src and "ACM term premium (ACMTP10)" in src
    assert "2026-07-22 (yield)" in src and "2026-08-20 (term premium)" in src


def test_rates_page_alert_and_fans_show_the_same_term_premium():
    # one estimate everywhere: the fans' observed history (report/history.py) is ACM, so the Rates page and
    # the alert are too; the card's note names the choice, Kim-Wright's differing reading and the release rule
    from treasurylab.monitor import indicators as I
    from treasurylab.report.history import HISTORY

    ds, filters, _, label = HISTORY["tp10"]
    ind = I.INDICATORS["term_premium_10y"]
    assert ind.datasets == (ds,) and ind.series == filters["series"] == "ACMTP10" and "ACM" in label
    assert "ACM" in ind.title and "Kim-Wright" not in ind.title
    card = _by_id(P.page_rates(), "card-10y")
    names = [t.name for t in _figure(card).data]
    assert any("term premium (ACM" in n for n in names) and not any("Kim-Wright" in n for n in names)
    note = _text(card)
    assert "scenario fans" in note and "Kim-Wright" in note and "next business day" in note
    baa = _text(_by_id(P.page_rates(), "card-baa"))
    assert "BAA10Y" in baa and "next business day" in baa


def test_cofer_shows_the_world_share_not_the_stale_1999_group_series_by_code():
    card = _by_id(P.page_reserves(), "card-cofer")
    fig = _figure(card)
    names = [t.name for t in fig.data]
    assert names == ["World (G001)"]
    xs = [str(x) for t in fig.data for x in t.x]
    assert "2025q4" in xs and not any(x.startswith("1999") for x in xs)
    assert abs(fig.data[0].y[-1] - 56.77) < 0.01
    assert "1999" in _text(card)          # the note says why the group series are left out


def _axis_of(fig, trace):
    """The y axis a trace is drawn on ('y', 'y2', 'y3': yaxis, yaxis2, yaxis3)."""
    return fig.layout["yaxis" + (getattr(trace, "yaxis", None) or "y")[1:]]


def test_auctions_chart_gives_each_quantity_its_own_axis_with_its_unit():
    # the bid-to-cover ratio and the tail in basis points shared one right axis titled 'ratio / bp'
    fig = _figure(P.auctions_card("10-Year"))
    titles = {t.name: _axis_of(fig, t).title.text for t in fig.data}
    assert titles == {"indirect share of the offering (%)": "percent of the offering",
                      "bid-to-cover": "ratio (bids / accepted)", "tail proxy (bp)": "bp"}
    assert len({getattr(t, "yaxis", None) or "y" for t in fig.data}) == 3


def test_every_hover_gives_the_value_with_its_unit():
    from dash import dcc

    pages = [P.page_holders_static(), P.holders_by_country(P.DEFAULT_COUNTRIES), P.page_demand_static(),
             [P.auctions_card("10-Year")], P.page_rates(), P.page_fiscal_static(), P.page_reserves()]
    seen = 0
    for page in pages:
        for g in (n for c in page for n in _walk(c) if isinstance(n, dcc.Graph)):
            fig = g.figure
            for t in fig.data:
                unit = _axis_of(fig, t).title.text
                assert t.hovertemplate, (fig.layout.title.text, t.name)
                assert unit in t.hovertemplate, (fig.layout.title.text, t.name, t.hovertemplate)
                seen += 1
    assert seen > 20
    auc = {t.name: t.hovertemplate for t in _figure(P.auctions_card("10-Year")).data}
    assert "bp" in auc["tail proxy (bp)"] and "bp" not in auc["bid-to-cover"] and "percent" in next(
        v for k, v in auc.items() if k.startswith("indirect"))


def test_ten_year_auction_series_are_nominal_notes_only():
    # 2026-07-23 was a 10-year TIPS auction (real yield 2.438%, indirect 58.3%): it is not a 10-year note
    from treasurylab.monitor import indicators as I

    for name in ("auction_indirect_10y", "auction_btc_10y", "auction_tail_10y"):
        s = I.series(name)
        assert "2026-07-23" not in s.index.strftime("%Y-%m-%d"), name
        assert "2026-01-22" not in s.index.strftime("%Y-%m-%d"), name   # the January TIPS
        assert s.index[-1].date().isoformat() == "2026-08-12", name
    ind = I.series("auction_indirect_10y")
    assert abs(ind.iloc[-2] - 100 * 31720938500 / 39e9) < 1e-9     # the July reopening of the May note (39bn offered)
    changed = _rows(_by_id(P.page_overview(), "card-changed"))
    head, body = changed[0], {r[0]: r for r in changed[1:]}
    row = body[I.INDICATORS["auction_indirect_10y"].title]
    assert row[head.index("previous")] == "2026-07-08"   # not the TIPS of 2026-07-23
    card = P.auctions_card("10-Year")
    fig = _figure(card)
    xs = {str(x)[:10] for x in fig.data[0].x}
    assert "2026-07-23" not in xs and "2026-08-12" in xs
    assert "nominal" in fig.layout.title.text and "Left out: 103 10-Year TIPS auctions" in _text(card)


def test_what_changed_gives_each_change_its_own_unit():
    # a change of the 10-year yield is not 'percent': basis points; an auction share moves in percentage points
    from treasurylab.monitor import indicators as I

    changed = _rows(_by_id(P.page_overview(), "card-changed"))
    head, body = changed[0], {r[0]: r for r in changed[1:]}
    assert "unit of the change" in head
    unit, cu, ch = head.index("unit"), head.index("unit of the change"), head.index("change")
    y = body["10-year Treasury yield (CMT)"]
    assert y[unit] == "percent" and y[cu] == "bp"
    s = I.series("yield_10y")
    assert float(y[ch].replace(",", "")) == round(100 * (s.iloc[-1] - s.iloc[-2]), 2)
    assert body[I.INDICATORS["auction_indirect_10y"].title][cu] == "percentage points"
    assert body["China, Mainland: Treasury holdings (TIC)"][cu] == "USD bn"
    assert body["PBoC official gold reserves"][cu] == "million troy oz"


def test_overview_alerts_show_why_each_level_is_what_it_is():
    rows = _rows(_by_id(P.page_overview(), "card-alerts"))
    head, body = rows[0], {r[0]: r for r in rows[1:]}
    why = head.index("why this level")
    assert body["10-year Treasury yield above 5%"][why].startswith("source: yields.cmt")
    assert all(r[why].startswith(("source:", "assumption:")) for r in rows[1:])


def test_no_chart_has_an_axis_with_nothing_drawn_on_it():
    # the debt/GDP chart had a right-hand 'USD bn' axis whose traces were all hidden until the legend was
    # clicked: an empty axis with ticks that measured nothing
    pages = [P.page_overview(), P.page_holders_static(), P.holders_by_country(P.DEFAULT_COUNTRIES),
             P.page_demand_static(), [P.auctions_card("10-Year")], P.page_rates(), P.page_fiscal_static(),
             P.page_reserves()]
    from dash import dcc

    for page in pages:
        for g in (n for c in page for n in _walk(c) if isinstance(n, dcc.Graph)):
            fig = g.figure
            axes = {"y"} | {k.replace("yaxis", "y") for k in ("yaxis2", "yaxis3")
                            if k in fig.layout and fig.layout[k].overlaying}
            drawn = {getattr(t, "yaxis", None) or "y" for t in fig.data if t.visible != "legendonly"}
            assert axes <= drawn, (fig.layout.title.text, axes - drawn)
    debt = _by_id(P.page_fiscal_static(), "card-debt-baselines")
    names = [t.name for t in _figure(debt).data]
    assert names[0] == "actual" and "CBO 2026-02" in names


def test_revisions_table_names_holders_as_a_reader_would():
    # the TIC file's own labels ('For. Official', 'T-Bonds & Notes', 'Grand Total') are not shown
    card = _by_id(P.page_holders_static(), "card-revisions")
    rows = _rows(card)
    holders = [r[rows[0].index("holder")] for r in rows[1:]]
    assert holders and not {"For. Official", "T-Bonds & Notes", "Grand Total", "All Other"} & set(holders)
    assert "Foreign official (all countries)" in holders
    assert "Foreign official: Treasury bonds and notes" in holders
    assert "revision (USD bn)" in rows[0]


def test_minerals_chain_in_chain_order_with_readable_stage_names():
    card = _by_id(P.page_minerals(), "card-chain")
    fig = _figure(card)
    xs = list(fig.data[0].x)
    assert xs == ["Mining", "Separation (light, NdPr)", "Separation (heavy, Dy+Tb)", "Metal", "Magnets"]
    assert not any("_" in x for t in fig.data for x in t.x)
    assert fig.layout.legend.yanchor == "bottom"   # legend above the plot, clear of the axis title


def test_fiscal_year_axes_say_fiscal_year():
    cards = [c for c in P.page_fiscal_static() if getattr(c, "id", "").startswith("card-")]
    cards.append(P.interest_shift_figure(100))
    for c in cards:
        assert "fiscal year" in _figure(c).layout.xaxis.title.text, c.id


def test_yield_curve_shows_a_missing_tenor_as_a_gap_and_says_so():
    # 2026-07-22, the file's last day, has no 3-year CMT (DGS3 stops at 2026-06-24)
    import math

    card = _by_id(P.page_rates(), "card-curve")
    latest = next(t for t in _figure(card).data if t.name == "2026-07-22")
    pts = dict(zip(latest.x, latest.y))
    assert "3Y" in pts and (pts["3Y"] is None or math.isnan(pts["3Y"]))
    assert not latest.connectgaps
    assert "2026-07-22 has no 3Y value" in _text(card)


def test_auctions_card_leaves_out_the_offerings_the_auction_indicators_leave_out(monkeypatch):
    """The $0.025bn offerings (2-, 5-, 10- and 20-year notes, 2019-2022; indirect share 0%) are not a market's
    auction: the auction indicators leave them out, and so does the card - its chart and its 'lower than X% of
    auctions since 2009' - by the indicators' own rule (changing that rule's cut changes the card too)."""
    import numpy as np

    from treasurylab import data
    from treasurylab.monitor import indicators as I

    def parts(tenor):
        card = P.auctions_card(tenor)
        return _figure(card).data[0], _text(card)

    for tenor in ("2-Year", "5-Year", "10-Year", "20-Year"):
        raw = data.series("treasury.auctions", tenor=tenor)
        small = set(raw.loc[(raw["date"] >= "2009-01-01") & (raw["offering_bn"] < I.MIN_OFFERING_BN), "date"])
        assert small, tenor
        trace, note = parts(tenor)
        xs = {str(x)[:10] for x in trace.x}
        assert not small & xs, (tenor, small & xs)
        ys = np.asarray(trace.y, dtype=float)
        lower = 100 - 100 * float((ys < ys[-1]).mean())
        assert f"lower than {lower:.0f}% of {tenor} auctions since 2009" in note, (tenor, note)
        assert f"{len(small)} {tenor} offering{'s' if len(small) > 1 else ''} under $1bn" in note, (tenor, note)
    # one rule: the card follows the indicators' cut
    monkeypatch.setattr(I, "MIN_OFFERING_BN", 0.0)
    P.auctions_card.cache_clear()
    try:
        trace, _ = parts("10-Year")
        assert "2019-06-21" in {str(x)[:10] for x in trace.x}
    finally:
        P.auctions_card.cache_clear()


def test_overview_claims_give_the_claimed_number_its_own_unit_and_never_round_a_value_to_zero():
    """The claims card showed one unit column, the data's: the Danish sale's claimed 0.10 (USD bn) read as
    '0.10 % of marketable debt', and its share, 0.00033%, was printed as 0.00."""
    from treasurylab.report.claims import check_claims

    rows = _rows(_by_id(P.page_overview(), "card-claims"))
    head, body = rows[0], {r[0]: r for r in rows[1:]}
    want = {r["claim"]: r for r in check_claims() if r["id"] == "danish_sale_vs_market"}
    (text, r), = want.items()
    row = body[text]
    assert row[head.index("claimed")] == "0.10" and row[head.index("claimed unit")] == r["claimed_unit"] == "USD bn"
    assert row[head.index("unit of today's value")] == r["data_unit"] == "% of marketable debt"
    shown = row[head.index("today's value")]
    assert float(shown) != 0 and abs(float(shown) - r["data_value"]) <= 0.05 * abs(r["data_value"])


def test_overview_alerts_say_which_date_is_the_observation_and_which_the_publication():
    """The alerts card had one 'date' column (2026-04 for China's holdings: the month observed, released
    2026-06-18); it now shows both, as `treasurylab watch` does."""
    rows = _rows(_by_id(P.page_overview(), "card-alerts"))
    head, body = rows[0], {r[0]: r for r in rows[1:]}
    assert "date" not in head and "observed" in head and "published" in head, head
    from treasurylab.monitor.rules import evaluate, load_rules

    for a in evaluate(load_rules()):
        if a["kind"] == "deadline":
            continue
        # every dataset an alert reads has a publication rule, PBoC gold and COFER included (blank before)
        row = body[a["title"]]
        assert a["published"], a["id"]
        assert row[head.index("observed")] == a["date"] and row[head.index("published")] == a["published"]
        # the value as the reading beside it writes it (0.51 percent, not a table's own 0.5123 or 0.51 vs 2,636.95)
        assert f"{row[head.index('value')]} {a['unit']}" in row[head.index("reading")], a["id"]
    assert body["China's Treasury holdings below $650bn (TIC)"][head.index("observed")] == "2026-04"


def test_overview_alerts_say_how_old_each_observation_is():
    """As `treasurylab watch` does: custody's week of 2026-06-24 seen in December is months old."""
    rows = _rows(_by_id(P.page_overview(), "card-alerts"))
    head, body = rows[0], {r[0]: r for r in rows[1:]}
    from treasurylab.monitor.rules import evaluate, load_rules

    for a in evaluate(load_rules()):
        assert body[a["title"]][head.index("age")] == (a["age"] or ""), a["id"]
    assert any(a["age"] for a in evaluate(load_rules()))


def test_overview_claims_write_whole_numbers_with_separators_and_no_unit_without_a_number():
    """9355 stood next to 9,359.30; a claim with no number (Japan's seabed trial) showed a claimed unit;
    a share of a reference said '% of the reference'; a project's planned start read as a date of data."""
    from treasurylab.report.claims import check_claims

    rows = _rows(_by_id(P.page_overview(), "card-claims"))
    head, body = rows[0], {r[0]: r for r in rows[1:]}
    by_id = {r["id"]: r for r in check_claims()}
    rec = body[by_id["foreign_total_record"]["claim"]]
    assert rec[head.index("claimed")] == "9,355" and rec[head.index("today's value")] == "9,359.30"
    sea = body[by_id["japan_seabed"]["claim"]]
    assert sea[head.index("claimed")] == "" and sea[head.index("claimed unit")] == ""
    assert sea[head.index("unit of today's value")] == "t REO/yr"
    assert sea[head.index("as of")].startswith("planned start ")
    turn = body[by_id["danish_sale_vs_turnover"]["claim"]]
    assert turn[head.index("unit of today's value")] == "% of one day's trading"


def test_sources_page_flags_a_stale_dataset_and_keeps_a_current_one_current():
    def status(as_of):
        rows = _rows(_by_id(P.page_sources(as_of=as_of), "card-sources"))
        head, body = rows[0], {r[0]: r for r in rows[1:]}
        return lambda ds: body[ds][head.index("status")]

    december = status("2026-12-07")
    assert december("fed.custody_foreign_official") == \
        "stale: last observed 2026-06-24, next release was due ~2026-07-02"
    assert december("tic.s1.vintage-2026-07").startswith("loaded; not judged")
    june = status("2026-06-26")
    assert june("fed.custody_foreign_official").startswith("current: last observed 2026-06-24")


def test_the_demand_reading_says_when_it_reads_a_stale_series():
    stale = _by_id(P.page_demand_static(as_of="2026-12-07"), "card-reading")
    assert "(stale data)" in _text(stale.children[0])
    assert "stale: last observed 2026-06-24, next release was due ~2026-07-02" in _text(stale)
    fresh = _by_id(P.page_demand_static(as_of="2026-06-26"), "card-reading")
    assert "stale" not in _text(fresh)


def test_holders_chart_marks_every_series_break_with_a_dotted_full_height_line():
    fig = _figure(_by_id(P.holders_by_country(("Japan", "Belgium")), "card-tic-countries"))
    lines = [sh for sh in fig.layout.shapes if sh.type == "line"]
    assert sorted(str(sh.x0)[:7] for sh in lines) == P._breaks() and len(P._breaks()) > 10
    assert all(sh.x0 == sh.x1 and sh.yref == "y domain" and (sh.y0, sh.y1) == (0, 1) and sh.line.dash == "dot"
               for sh in lines)


def test_what_changed_marks_a_row_whose_dataset_is_stale():
    from treasurylab.monitor import indicators as I

    def note(as_of, indicator):
        rows = _rows(_by_id(P.page_overview(as_of=as_of), "card-changed"))
        head, body = rows[0], {r[0]: r for r in rows[1:]}
        return body[I.INDICATORS[indicator].title][head.index("note")]

    # custody ends 2026-06-24, its next H.4.1 due 2026-07-02: stale in December, current on 26 June
    assert note("2026-12-07", "custody_foreign_official") == \
        "fed.custody_foreign_official stale: last observed 2026-06-24, next release was due ~2026-07-02"
    assert "stale" not in note("2026-06-26", "custody_foreign_official")


CUSTODY = "fed.custody_foreign_official"


def _custody_days():
    """(a day custody is current, the first day it is stale), from the data: the due day of the week after
    its last published one, and that day plus the grace plus one."""
    import datetime as dt

    from treasurylab.data.freshness import GRACE_DAYS, freshness

    due = freshness(CUSTODY).next_due
    return due, due + dt.timedelta(days=GRACE_DAYS + 1)


def _flag(ds: str, day) -> str:
    from treasurylab.data.freshness import freshness

    f = freshness(ds, as_of=day)
    assert f.stale, (ds, day)
    return f"{ds} {f.status()}"


def test_an_alert_whose_dataset_is_stale_says_so_beside_its_age():
    """The alerts table showed an alert's age and nothing when its dataset's next release was overdue."""
    from treasurylab.monitor import indicators as I
    from treasurylab.monitor.rules import evaluate, load_rules

    current, stale = _custody_days()

    def table(day):
        rows = _rows(_by_id(P.page_overview(as_of=day), "card-alerts"))
        head, body = rows[0], {r[0]: r for r in rows[1:]}
        assert head.index("stale data") == head.index("age") + 1, head
        return lambda rule: body[rule["title"]][head.index("stale data")]

    rules = {a["id"]: a for a in evaluate(load_rules())}
    custody, deadline = rules["custody_down_50_13w"], rules["proclamation_11001_30_days"]
    assert I.INDICATORS[custody["indicator"]].datasets == (CUSTODY,)
    late, early = table(stale), table(current)
    assert late(custody) == _flag(CUSTODY, stale)
    assert late(custody).startswith(f"{CUSTODY} stale: last observed ")
    assert early(custody) == ""
    assert late(deadline) == early(deadline) == ""          # a deadline reads no dataset


def _source_lines(components):
    from dash import html

    for c in components:
        for n in _walk(c):
            if isinstance(n, html.Div) and "card" in (n.className or "").split():
                yield n.id, _source_line(n)


def test_every_chart_source_line_flags_each_stale_dataset_it_names_and_no_current_one():
    """A chart's source line named its datasets and their date and never said one was overdue."""
    from treasurylab import data
    from treasurylab.data.freshness import freshness

    _, day = _custody_days()
    pages = [P.page_overview(as_of=day), P.page_holders_static(as_of=day),
             P.holders_by_country(P.DEFAULT_COUNTRIES, as_of=day), P.page_demand_static(as_of=day),
             [P.auctions_card("10-Year", as_of=day)], P.page_rates(as_of=day), P.page_fiscal_static(as_of=day),
             P.page_reserves(as_of=day), P.page_minerals(as_of=day), [P.scenario_history_card(as_of=day)]]
    ids = list(data.datasets())
    seen = {"stale": set(), "current": set()}
    lines = dict(line for page in pages for line in _source_lines(page))
    for cid, line in lines.items():
        for ds in (i for i in ids if f"({i})" in line):
            f = freshness(ds, as_of=day)
            if f.stale:
                assert _flag(ds, day) in line, (cid, ds, line)
                seen["stale"].add(ds)
            else:
                assert f"{ds} stale:" not in line, (cid, ds, line)
                seen["current"].add(ds)
    # the day tells stale from current: both kinds are on the pages
    assert CUSTODY in seen["stale"] and "tic.table5.vintage-2026-07" in seen["current"], seen
    # a source written by hand (Freddie Mac's PMMS) is judged by the dataset the chart reads
    assert _flag("mortgage.rate30", day) in lines["card-mortgage"]


def test_a_running_dashboard_judges_each_request_on_its_own_day(monkeypatch):
    """The cached pages kept the stale flags and alert ages of the day the server started; with a clock
    set from one day to the next, the same address shows each day's, and a day's pages stay cached."""
    import datetime as dt

    from treasurylab.app.server import render
    from treasurylab.data import clock as C
    from treasurylab.data import freshness as F
    from treasurylab.monitor.rules import evaluate, load_rules

    title = next(a["title"] for a in evaluate(load_rules()) if a["id"] == "custody_down_50_13w")
    current, stale = _custody_days()
    clock = {"day": current}
    monkeypatch.setattr(C, "today", lambda: clock["day"])

    def custody_line():
        return _source_line(_by_id(render("/demand"), "card-custody"))

    def alert_row():
        rows = _rows(_by_id(render("/"), "card-alerts"))
        head, body = rows[0], {r[0]: r for r in rows[1:]}
        row = body[title]
        return row[head.index("age")], row[head.index("stale data")]

    first = _by_id(render("/demand"), "card-custody")
    assert "stale" not in custody_line()
    assert _by_id(render("/demand"), "card-custody") is first          # cached within the day
    age_then, flag_then = alert_row()
    assert flag_then == ""
    clock["day"] = stale
    assert _flag(CUSTODY, stale) in custody_line()
    age_now, flag_now = alert_row()
    assert flag_now == _flag(CUSTODY, stale) and age_now != age_then
    from treasurylab import data

    last = F.freshness(CUSTODY, as_of=stale).last
    assert (age_then, age_now) == (data.age(last, current), data.age(last, stale))
    assert P.page_sources(as_of=None) is P.page_sources(as_of=stale)  # the clock's day is the cache's key
    clock["day"] = current + dt.timedelta(days=1)
    assert "stale" not in custody_line()
