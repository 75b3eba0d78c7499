"""The dashboard's data pages, built from the store (every chart with its source and as-of date).

Each ``page_*`` function returns the page's Dash components, cached for the life of the process by their
arguments and the day judged (the bundled data do not change while the server runs; ``data update``
needs a restart), so a page costs one lookup after its first view of the day. The day judged is what
the stale flags, the alerts' ages and the deadline clocks are judged on: ``as_of``, else today by
data/clock.py's clock, read on every call, so a server left running for days shows each day's flags
(:func:`_by_day`). :func:`warm` builds them all for today.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import html
from plotly.subplots import make_subplots

from treasurylab.app.cards import card, table
from treasurylab.monitor import indicators as I

PAGES = [("/", "Overview"), ("/holders", "Holders"), ("/demand", "Foreign demand, weekly"), ("/rates", "Rates"),
         ("/fiscal", "Fiscal"), ("/reserves", "Reserves"), ("/minerals", "Minerals"), ("/scenarios", "Scenarios"),
         ("/sources", "Sources")]
DEFAULT_COUNTRIES = ("China, Mainland", "Japan", "United Kingdom")


def _src(*ids: str) -> str:
    from treasurylab import data

    out = []
    for i in ids:
        try:
            ds = data.get(i)
            out.append(f"{ds.publisher} ({i})")
        except Exception:
            out.append(i)
    return "; ".join(out)


def _ind(name: str):
    """(series, None) or (None, reason)."""
    try:
        return I.series(name), None
    except I.Unavailable as exc:
        return None, str(exc)


def _d(ts) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _when(indicator: str, ts) -> str:
    """An indicator's date as its publisher labels it: 2026-04 for April's TIC, 2025q4, else the day."""
    from treasurylab.monitor.rules import date_label

    return date_label(pd.Timestamp(ts), I.INDICATORS[indicator].frequency)


def _weekly_mean(s: pd.Series) -> pd.Series:
    """Weekly means dated by the last observation of their week (not by the Sunday that ends it, which
    lies after the data: a series ending on a Wednesday would show a point four days later)."""
    weeks = s.resample("W")
    mean, last_day = weeks.mean(), s.index.to_series().resample("W").max()
    keep = mean.notna() & last_day.notna()
    return pd.Series(mean[keep].to_numpy(), index=pd.DatetimeIndex(last_day[keep].to_numpy()))


def _line(series: dict[str, pd.Series], title: str = "", unit: str = ""):
    fig = go.Figure()
    for name, s in series.items():
        if len(s) > 1500:   # a daily series over years: weekly means draw the same line, 5x lighter to send
            s, name = _weekly_mean(s), f"{name} (weekly mean)"
        fig.add_trace(go.Scatter(x=s.index, y=s.values, name=name, mode="lines"))
    fig.update_layout(title=title, yaxis_title=unit)
    return fig


def _stale(*ids: str, as_of=None) -> str | None:
    """The stale flags of the datasets a card or a row reads, or None when none is stale (the words and the
    rule: data/freshness.py's ``stale_flags``)."""
    from treasurylab.data.freshness import stale_flags

    return stale_flags(ids, as_of=as_of)


def _from(day: dt.date, *ids: str) -> dict:
    """A card's ``source`` and ``stale`` for the datasets ``ids`` it reads, judged on ``day``: one call, so a
    chart never names a dataset in its source line without saying when that dataset is stale."""
    return {"source": _src(*ids), "stale": _stale(*ids, as_of=day)}


def _by_day(maxsize: int):
    """Cache a page builder by its arguments and the day judged. ``page(*args, as_of=None)`` calls the
    builder as ``build(*args, day=D)``, D the date of ``as_of``, else today by data/clock.py's clock,
    read at each call: a cache keyed by the arguments alone kept the flags of the day the server started."""
    from treasurylab.data.freshness import judged_day

    def wrap(build):
        cached = lru_cache(maxsize=maxsize)(build)

        @functools.wraps(build)
        def page(*args, as_of=None):
            return cached(*args, day=judged_day(as_of))

        page.cache_clear = cached.cache_clear
        page.cache_info = cached.cache_info
        return page

    return wrap


# ---------------------------------------------------------------- overview
_CLAIM_PAGE = {"tic": "/holders", "sale": "/holders", "cbo": "/fiscal", "pboc": "/reserves", "cofer": "/reserves",
               "re": "/minerals"}


@_by_day(maxsize=2)
def alerts(*, day: dt.date) -> list[dict]:
    """The shipped rules as things stand on ``day`` (``watch --as-of``): the ages and the deadline clocks
    count to the day judged, not to the day the server started."""
    from treasurylab.monitor.rules import evaluate, load_rules

    return evaluate(load_rules(), as_of=day)


def scenario_href(name: str) -> str:
    """The Scenarios page with ``name`` chosen (the page accepts shipped names only)."""
    from urllib.parse import urlencode

    return "/scenarios?" + urlencode({"scenario": name})


def alerts_table(as_of=None):
    """The alerts judged on ``as_of`` (default today); an alert whose indicator reads a stale dataset says so
    beside its age (a deadline reads no dataset: blank)."""
    from treasurylab.data.freshness import judged_day
    from treasurylab.monitor.rules import shown_numbers

    day = judged_day(as_of)

    page = {i.id: i.page for i in I.INDICATORS.values()}
    # value and change as the reading beside them writes them (monitor.rules.shown_numbers: one rule)
    rows = [{**a, **shown_numbers(a), "_link": "/" + ("" if page.get(a["indicator"] or "", "minerals") == "overview"
                                  else page.get(a["indicator"] or "", "minerals")),
             "_scenario_link": scenario_href(a["scenario"]) if a.get("scenario") else None} for a in alerts(as_of=day)]
    return table(rows, [("title", "alert"), ("status", "status"), ("value", "value"), ("unit", "unit"),
                        ("date", "observed"), ("published", "published"), ("age", "age"), ("stale", "stale data"),
                        ("message", "reading"), ("basis", "why this level"),
                        ("scenario", "play it forward")], links={"": ""},
                 cell_links={"scenario": "_scenario_link"})


@_by_day(maxsize=4)
def page_overview(*, day: dt.date):
    """``day``: the day the alerts and the stale flags of the alerts and of 'what changed' judge."""
    from treasurylab.report.claims import check_claims, load_claims

    kinds = {c["id"]: c.get("check", {}).get("kind", "none") for c in load_claims()}
    rows = []
    for r in check_claims():
        k = kinds.get(r["id"], "none")
        # a claim without a number has no claimed unit to show (its unit is the check's, beside today's value)
        rows.append({**r, "claimed_unit": r["claimed_unit"] if r.get("claimed") is not None else "",
                     "_link": _CLAIM_PAGE.get(k.split("_")[0], "/sources")})
    claims = table(rows, [("claim", "claim (link: its page)"), ("claimed", "claimed"), ("claimed_unit", "claimed unit"),
                          ("data_value", "today's value"), ("data_unit", "unit of today's value"), ("as_of", "as of"),
                          ("verdict", "verdict")], links={"": ""})
    changed = []
    for name in ("china_holdings", "japan_holdings", "foreign_official_tic", "custody_foreign_official",
                 "auction_indirect_10y", "yield_10y", "pboc_gold"):
        s, why = _ind(name)
        ind = I.INDICATORS[name]
        if s is None or len(s) < 2:
            changed.append({"what": ind.title, "latest": None, "as_of": "", "change": None, "note": why or "one observation"})
            continue
        cu, k = ind.change_unit()
        changed.append({"what": ind.title, "latest": float(s.iloc[-1]), "as_of": _when(name, s.index[-1]),
                        "previous": _when(name, s.index[-2]), "change": float(s.iloc[-1] - s.iloc[-2]) * k,
                        "unit": ind.unit, "change_unit": cu, "note": _stale(*ind.datasets, as_of=day)})
    from treasurylab.data.vintages import tic_revisions

    rev = tic_revisions()
    return [
        html.H2("Overview"),
        card("The commentary's claims against today's data", body=claims, source="treasurylab claims (report/claims.yaml)",
             as_of="per row", card_id="card-claims"),
        card("Alerts (treasurylab watch, shipped rules)", body=alerts_table(day), source="treasurylab/monitor/rules.yaml",
             as_of="per row", card_id="card-alerts"),
        card("What changed since the previous observation", body=table(changed, [
            ("what", "indicator"), ("latest", "latest"), ("unit", "unit"), ("as_of", "as of"), ("previous", "previous"),
            ("change", "change"), ("change_unit", "unit of the change"), ("note", "note")]),
            source="the store (see Sources)", as_of="per row",
            card_id="card-changed",
            note=f"The July 2026 TIC vintage revised {len(rev)} month-holder figures of the March 2026 one "
                 f"(largest: {rev['revision'].abs().max():.1f} bn); see Holders."),
    ]


# ---------------------------------------------------------------- holders
def _breaks() -> list[str]:
    from treasurylab import data

    text = " ".join(data.get("tic.holdings").series_breaks)
    return sorted(set(re.findall(r"\b(\d{4}-\d{2})\b", text)))


@lru_cache(maxsize=1)
def _tic_frames():
    from treasurylab import data

    hist = data.series("tic.holdings.vintage-2026-07", series="current")
    t5 = data.series("tic.table5.vintage-2026-07")
    both = pd.concat([hist[~hist["date"].isin(t5["date"])], t5], ignore_index=True)
    both["ts"] = pd.to_datetime(both["date"])
    return both


def tic_countries() -> list[str]:
    df = _tic_frames()
    latest = df[df["date"] == df["date"].max()]
    return sorted(latest[latest["row_type"] == "country"]["country"].unique())


@_by_day(maxsize=32)
def holders_by_country(countries: tuple[str, ...], *, day: dt.date):
    df = _tic_frames()
    total = df[df["row_type"] == "grand_total"].set_index("ts")["value"]
    fig, share = go.Figure(), go.Figure()
    for c in countries:
        s = df[(df["country"] == c)].set_index("ts")["value"].sort_index()
        if s.empty:
            continue
        fig.add_trace(go.Scatter(x=s.index, y=s.values, name=c, mode="lines"))
        share.add_trace(go.Scatter(x=s.index, y=(100 * s / total.reindex(s.index)).values, name=c, mode="lines"))
        if c == "China, Mainland":
            pk = s.idxmax()
            fig.add_annotation(x=pk, y=s[pk], text=f"peak {s[pk]:,.1f} ({pk:%b %Y})", showarrow=True)
        fig.add_annotation(x=s.index[-1], y=s.iloc[-1], text=f"{s.iloc[-1]:,.1f} ({s.index[-1]:%b %Y})",
                           showarrow=True, ax=30, ay=-20)
    # the break lines in one layout update: add_vline once a break re-validated every shape before it
    # (13 breaks: ~2/3 of a new selection's callback)
    fig.update_layout(shapes=[dict(type="line", xref="x", yref="y domain", x0=pd.Timestamp(b + "-01"),
                                   x1=pd.Timestamp(b + "-01"), y0=0, y1=1,
                                   line=dict(width=0.6, dash="dot", color="grey")) for b in _breaks()])
    fig.update_layout(title="Holdings by country (dotted: series breaks)", yaxis_title="USD bn")
    share.update_layout(title="Share of all foreign holdings", yaxis_title="percent")
    asof = df["date"].max()
    src = _from(day, "tic.table5.vintage-2026-07", "tic.holdings.vintage-2026-07")
    return [card("TIC holdings by country", fig, **src, as_of=asof, card_id="card-tic-countries",
                 note="Series breaks from the TIC file's notes: " + ", ".join(_breaks())),
            card("Share of the total", share, **src, as_of=asof, card_id="card-tic-share")]


@_by_day(maxsize=2)
def page_holders_static(*, day: dt.date):
    fo, why = _ind("foreign_official_tic")
    fed, why2 = _ind("fed_treasuries")
    fig = _line({"foreign official (TIC)": fo, "Federal Reserve (H.4.1)": fed}, "Foreign official and the Fed",
                "USD bn") if fo is not None and fed is not None else None
    from treasurylab.data.names import tic_holder_label
    from treasurylab.data.vintages import tic_revisions

    rev = tic_revisions()
    top = rev.reindex(rev["revision"].abs().sort_values(ascending=False).index).head(12)
    top = top.assign(holder=[tic_holder_label(c, t) for c, t in zip(top["country"], top["row_type"])])
    return [card("Foreign official holdings and the Fed", fig, **_from(day, "tic.table5.vintage-2026-07",
                                                                       "fed.treasuries"),
                 as_of=f"{_when('foreign_official_tic', fo.index[-1])} (TIC), {_d(fed.index[-1])} (Fed)" if fig else None, reason=why or why2,
                 card_id="card-official-fed"),
            card("Revisions: TIC July 2026 vintage against March 2026", body=table(top.to_dict("records"), [
                ("date", "month"), ("holder", "holder"), ("old", "2026-03 vintage (USD bn)"),
                ("new", "2026-07 vintage (USD bn)"), ("revision", "revision (USD bn)")]),
                **_from(day, "tic.holdings", "tic.holdings.vintage-2026-07"),
                as_of="2025-12", card_id="card-revisions",
                note=f"{len(rev)} figures revised by 0.05 bn or more; the 12 largest shown.")]


# ---------------------------------------------------------------- foreign demand, weekly
@_by_day(maxsize=4)
def page_demand_static(*, day: dt.date):
    """``day``: the day the stale flags judge."""
    from treasurylab.monitor import demand

    cus, why = _ind("custody_foreign_official")
    rrp, _ = _ind("rrp_foreign_official")
    fima, _ = _ind("fima_repo")
    out = [html.H2("Foreign demand, weekly")]
    if cus is None:
        out.append(card("Custody holdings", None, **_from(day, "fed.custody_foreign_official"), as_of=None, reason=why))
        return out
    r = demand.read(cus, rrp, fima)
    # the reading judges custody alone: its title says "(stale data)" when custody is stale, and the source
    # line names every stale dataset the card reads
    src = _from(day, "fed.custody_foreign_official", "fed.h41.foreign_official")
    out.append(card(f"Reading: {r.label}" + (" (stale data)" if _stale("fed.custody_foreign_official", as_of=day) else ""),
                    body=html.P(r.sentence, className="reading"), **src, as_of=r.as_of,
                    note="Rule: " + demand.RULE, card_id="card-reading"))
    recent = cus[cus.index >= cus.index[-1] - pd.DateOffset(years=3)]
    fig = go.Figure(go.Scatter(x=recent.index, y=recent.values, name="custody (Wednesday level)", mode="lines"))
    ch = go.Figure()
    for w in (4, 13):
        d = (recent - cus.shift(w).reindex(recent.index))
        ch.add_trace(go.Bar(x=d.index, y=d.values, name=f"{w}-week change"))
    ch.update_layout(title="4- and 13-week changes", yaxis_title="USD bn", barmode="overlay")
    fig.update_layout(title="Custody holdings for foreign official accounts", yaxis_title="USD bn")
    out += [card("Custody holdings (H.4.1)", fig, **_from(day, "fed.custody_foreign_official"), as_of=_d(cus.index[-1]),
                 card_id="card-custody"),
            card("Custody: 4- and 13-week changes", ch, **_from(day, "fed.custody_foreign_official"),
                 as_of=_d(cus.index[-1]), card_id="card-custody-changes")]
    lines = [{"line": "custody, marketable Treasuries", "value": float(cus.iloc[-1]), "as_of": _d(cus.index[-1])}]
    for name, s in (("foreign official reverse repos", rrp), ("FIMA repo facility", fima)):
        if s is not None:
            lines.append({"line": name, "value": float(s.iloc[-1]), "as_of": _d(s.index[-1])})
    out.append(card("H.4.1 foreign official lines (USD bn, Wednesday level)", body=table(lines, [
        ("line", "line"), ("value", "USD bn"), ("as_of", "week ended")]), **_from(day, "fed.h41.foreign_official"),
        as_of=lines[-1]["as_of"], card_id="card-fima",
        note="One H.4.1 release is bundled: the reverse repo and FIMA lines have one week; `data update` adds weeks."))
    fo, _ = _ind("foreign_official_tic")
    if fo is not None:
        cm = cus.resample("MS").last()
        x = _line({"custody at the New York Fed (H.4.1, month's last Wednesday)": cm[cm.index >= "2012-01"],
                   "foreign official, all custodians (TIC)": fo[fo.index >= "2012-01"]},
                  "Cross-check: custody against TIC foreign official", "USD bn")
        out.append(card("Cross-check: custody vs TIC foreign official", x,
                        **_from(day, "fed.custody_foreign_official", "tic.table5.vintage-2026-07"),
                        as_of=f"{_d(cus.index[-1])} / {_when('foreign_official_tic', fo.index[-1])}", card_id="card-crosscheck",
                        note="TIC counts every custodian; H.4.1 only the New York Fed's: the gap is custody elsewhere."))
    return out


@_by_day(maxsize=16)
def auctions_card(tenor: str, *, day: dt.date):
    # the auctions the auction indicators count, by their one rule (monitor/indicators.py tenor_auctions): TIPS
    # and FRNs of the tenor (typed by the auctions file, SOMA's CUSIP list or the auction's yield against the
    # market's, monitor/auction_types.py), auctions none of them can type and offerings under $1bn are left
    # out, each counted in the note
    from treasurylab.monitor.indicators import MIN_OFFERING_BN, tenor_auctions

    df = tenor_auctions(tenor)
    df = df[df["date"] >= "2009-01-01"]
    left = df["left_out"].value_counts().to_dict()
    n_small, unknown = left.get("under_min_offering", 0), left.get("unknown", 0)
    n_out = {k: left[k] for k in ("TIPS", "FRN") if k in left}
    how = df[df["left_out"].isna() | df["left_out"].isin(["TIPS", "FRN"])].groupby("kind_source").size().to_dict()
    df = df[df["left_out"].isna()]
    if df.empty:
        return card(f"Auctions: {tenor}", None, **_from(day, "treasury.auctions"), as_of=None,
                    reason=f"no {tenor} auction with results in the store")
    x = pd.to_datetime(df["date"])
    # one panel per quantity, each with its unit (a ratio and basis points on one shared axis read neither)
    tails = df["tail_proxy_bp"].notna().any()
    fig = make_subplots(rows=3 if tails else 2, cols=1, shared_xaxes=True, vertical_spacing=0.05,
                        row_heights=[0.45, 0.275, 0.275] if tails else [0.6, 0.4])
    fig.add_trace(go.Scatter(x=x, y=df["indirect_share"], name="indirect share of the offering (%)", mode="markers+lines",
                             hovertemplate="%{x}: %{y:.1f} percent of the offering (SOMA add-ons excluded)"
                                           "<extra>indirect bidders</extra>"), row=1, col=1)
    fig.add_trace(go.Scatter(x=x, y=df["bid_to_cover"], name="bid-to-cover", mode="lines",
                             hovertemplate="%{x}: %{y:.2f} ratio (bids / accepted)<extra>bid-to-cover</extra>"),
                  row=2, col=1)
    fig.update_yaxes(title_text="percent of the offering", row=1, col=1)
    fig.update_yaxes(title_text="ratio (bids / accepted)", row=2, col=1)
    if tails:
        fig.add_trace(go.Bar(x=x, y=df["tail_proxy_bp"], name="tail proxy (bp)", opacity=0.6,
                             hovertemplate="%{x}: %{y:.1f} bp (high minus median yield)<extra>tail proxy</extra>"),
                      row=3, col=1)
        fig.update_yaxes(title_text="bp", row=3, col=1)
    last = df.iloc[-1]
    pct = float((df["indirect_share"] < last["indirect_share"]).mean() * 100)
    kind = "nominal " if n_out or unknown else ""
    out_parts = ([f"{n} {tenor} {k} auctions" for k, n in sorted(n_out.items(), reverse=True)]
                 + ([f"{unknown} {tenor} auction{'s' if unknown > 1 else ''} that neither the file, SOMA's CUSIPs nor "
                     "the yields can tell from TIPS or FRNs"] if unknown else [])
                 + ([f"{n_small} {tenor} offering{'s' if n_small > 1 else ''} under ${MIN_OFFERING_BN:g}bn (not a "
                     "market's auction)"] if n_small else []))
    fig.update_layout(title=f"{tenor} {kind}auctions since 2009", height=560)
    return card(f"Auctions: {tenor}", fig, **_from(day, "treasury.auctions"), as_of=last["date"],
                card_id="card-auctions",
                note=(f"Latest: indirect {last['indirect_share']:.1f}% (lower than {100 - pct:.0f}% of {tenor} auctions since "
                      "2009), bid-to-cover {:.2f}. Indirect share over the offering amount (total accepted less SOMA "
                      "add-ons; non-competitive awards stay in it); indirect is not foreign; the tail is a proxy "
                      "(high minus median yield, not the when-issued tail).").format(last["bid_to_cover"])
                + (" Left out: " + "; ".join(out_parts) + " (so do the auction indicators)." if out_parts else "")
                + (" How each auction was typed: " + "; ".join(f"{k} ({n})" for k, n in sorted(how.items())) + "."
                   if set(how) - {"auctions file"} else ""))


# ---------------------------------------------------------------- rates
@_by_day(maxsize=2)
def page_rates(*, day: dt.date):
    from treasurylab import data

    cmt = data.series("yields.cmt")
    cmt["ts"] = pd.to_datetime(cmt["date"])
    last = cmt["ts"].max()
    ago = cmt[cmt["ts"] <= last - pd.DateOffset(years=1)]["ts"].max()
    order = ["1M", "3M", "6M", "1Y", "2Y", "3Y", "5Y", "7Y", "10Y", "20Y", "30Y"]
    curve = go.Figure()
    gaps = []
    for d in (ago, last):
        # every tenor on the axis; a tenor the file has no value for that day stays a gap in the line (not
        # bridged by a straight segment), and the card says which
        c = cmt[cmt["ts"] == d].set_index("tenor")["value"].reindex(order)
        missing = [t for t in order if pd.isna(c[t]) and cmt["tenor"].eq(t).any()]
        if missing:
            gaps.append(f"{_d(d)} has no {', '.join(missing)} value in the file (the line is broken there)")
        curve.add_trace(go.Scatter(x=order, y=c.values, name=_d(d), mode="lines+markers", connectgaps=False))
    curve.update_layout(title="Treasury curve: latest and one year before", yaxis_title="percent",
                        xaxis_title="maturity (constant-maturity tenor)")
    out = [html.H2("Rates"), card("Yield curve", curve, **_from(day, "yields.cmt"), as_of=_d(last), card_id="card-curve",
                                  note=("Missing tenors: " + "; ".join(gaps) + ".") if gaps else None)]
    y10, _ = _ind("yield_10y")
    tp, why = _ind("term_premium_10y")
    since = y10.index[-1] - pd.DateOffset(years=10)
    series = {"10-year yield": y10[y10.index >= since]}
    if tp is not None:
        series["term premium (ACM, New York Fed)"] = tp[tp.index >= since]
    out.append(card("10-year yield and term premium", _line(series, "10-year yield" + (" and term premium" if tp is not None else ""),
                                                            "percent"),
                    source=_src("yields.cmt") + ("; ACM term premium (ACMTP10): " + _src("macro.term_premium")
                                                 if tp is not None else ""),
                    stale=_stale("yields.cmt", *(("macro.term_premium",) if tp is not None else ()), as_of=day),
                    as_of=f"{_d(y10.index[-1])} (yield)" + (f", {_d(tp.index[-1])} (term premium)" if tp is not None
                                                            else ""), card_id="card-10y",
                    note=_term_premium_note() if tp is not None else f"Term premium not shown: {why}."))
    ry, _ = _ind("real_yield_10y")
    be, _ = _ind("breakeven_10y")
    out.append(card("Real yield and breakeven (10-year)", _line({"TIPS real yield": ry[ry.index >= since],
                                                                 "breakeven inflation": be[be.index >= since]},
                                                                "10-year real yield and breakeven", "percent"),
                    **_from(day, "rates.daily"), as_of=_d(ry.index[-1]), card_id="card-real"))
    mort, why = _ind("mortgage_30y")
    out.append(card("30-year mortgage rate", _line({"30-year fixed": mort[mort.index >= since]}, "", "percent")
                    if mort is not None else None, source="Freddie Mac PMMS (MORTGAGE30US)",
                    stale=_stale("mortgage.rate30", as_of=day),
                    as_of=_d(mort.index[-1]) if mort is not None else None, reason=why, card_id="card-mortgage"))
    baa, _ = _ind("baa_spread")
    out.append(card("Baa corporate spread", _line({"Baa - 10y": baa[baa.index >= since]}, "", "percentage points"),
                    source=_src("fred.baa10y") + " (BAA10Y)", stale=_stale("fred.baa10y", as_of=day),
                    as_of=_d(baa.index[-1]), card_id="card-baa",
                    note="FRED's BAA10Y: Moody's seasoned Baa corporate yield (DBAA) minus the 10-year CMT (DGS10), "
                         "daily. Published the next business day, once both legs are in (H.15 posts a day's "
                         "rates the next business day; rule in data/asof.py)."))
    return out


def _term_premium_note() -> str:
    """Which term premium the Rates page shows, why, and when it is published (data/asof.py)."""
    from treasurylab import data

    kw = data.series("macro.term_premium", series="THREEFYTP10")
    last = kw.iloc[-1] if len(kw) else None
    other = (f" The Fed Board's Kim-Wright estimate (THREEFYTP10, in the same dataset; updated weekly) is another "
             f"model and reads differently: {last['value']:.2f}% on {last['date']}." if last is not None else "")
    return ("ACM (Adrian-Crump-Moench, New York Fed, ACMTP10): the series the scenario engine's term-premium shocks "
            "are estimated on and the scenario fans draw, so this page, the term-premium alert and the fans show "
            "one estimate. The New York Fed updates it daily (published the next business day) and re-estimates "
            "the model monthly, which revises history slightly." + other)


# ---------------------------------------------------------------- fiscal
@_by_day(maxsize=2)
def page_fiscal_static(*, day: dt.date):
    from treasurylab import data

    act = data.series("cbo.eval.actuals")
    base = data.series("cbo.eval.baselines")
    gdp = data.series("cbo.eval.gdp").set_index("fiscal_year")["value"]
    ni = act[(act["category"] == "Net Interest")].set_index("fiscal_year")["value"]
    debt = act[(act["component"] == "debt")].set_index("fiscal_year")["value"]
    fig = go.Figure(go.Scatter(x=ni.index, y=ni.values, name="actual", line=dict(color="black", width=3)))
    dfig = go.Figure(go.Scatter(x=debt.index, y=(100 * debt / gdp.reindex(debt.index)).values, name="actual",
                                line=dict(color="black", width=3)))
    # CBO's baselines carry no GDP: their debt goes on a chart of its own in USD bn, beside the actual
    # debt in USD bn (a hidden right-hand axis on the ratio chart drew empty ticks until clicked)
    bfig = go.Figure(go.Scatter(x=debt.index, y=debt.values, name="actual", line=dict(color="black", width=3)))
    for v in ("2016-01", "2020-01", "2023-02", "2025-01", "2026-02"):
        b = base[(base["baseline_date"] == v) & (base["category"] == "Net Interest")]
        if not b.empty:
            fig.add_trace(go.Scatter(x=b["fiscal_year"], y=b["value"], name=f"CBO {v}", line=dict(dash="dot")))
        bd = base[(base["baseline_date"] == v) & (base["component"] == "debt")]
        if not bd.empty:
            bfig.add_trace(go.Scatter(x=bd["fiscal_year"], y=bd["value"], name=f"CBO {v}", line=dict(dash="dot")))
    fy = "fiscal year (October to September, named by the year it ends)"
    fig.update_layout(title="Net interest: actual and CBO baselines", yaxis_title="USD bn", xaxis_title=fy)
    dfig.update_layout(title="Debt held by the public, % of GDP (actual)", yaxis_title="percent of GDP",
                       xaxis_title=fy)
    bfig.update_layout(title="Debt held by the public: actual and CBO baselines", yaxis_title="USD bn",
                       xaxis_title=fy)
    src = _from(day, "cbo.eval.actuals", "cbo.eval.baselines")
    return [html.H2("Fiscal"),
            card("Net interest, actual vs CBO vintages", fig, **src, as_of=f"FY{int(ni.index.max())}",
                 card_id="card-net-interest"),
            card("Debt held by the public / GDP", dfig, **_from(day, "cbo.eval.actuals", "cbo.eval.gdp"),
                 as_of=f"FY{int(debt.index.max())}", card_id="card-debt-gdp",
                 note="CBO's baselines carry no GDP: their debt is compared in USD bn in the next card."),
            card("Debt held by the public, actual vs CBO vintages", bfig, **src,
                 as_of=f"FY{int(debt.index.max())}", card_id="card-debt-baselines")]


@lru_cache(maxsize=64)
def interest_shift_figure(shift_bp: int):
    """Net interest by fiscal year on CBO's February 2026 baseline with every rate shifted by ``shift_bp``."""
    from treasurylab.params import load_params
    from treasurylab.scenario import fiscal_inputs as FI

    p = load_params("fiscal")
    b0 = FI.run_baseline("2026-02", p, rate_shift=0.0, years=10)
    b1 = FI.run_baseline("2026-02", p, rate_shift=shift_bp / 1e4, years=10)
    fy = [int(x) for x in b0["fy"]]
    fig = go.Figure([go.Bar(x=fy, y=b0["fy_net_interest"], name="engine, CBO rates"),
                     go.Bar(x=fy, y=b1["fy_net_interest"], name=f"engine, rates {shift_bp:+d} bp")])
    extra = float(np.sum(b1["fy_net_interest"]) - np.sum(b0["fy_net_interest"]))
    fig.update_layout(title=f"Net interest, 10 fiscal years: {extra:+,.0f} bn in total", yaxis_title="USD bn",
                      barmode="group", xaxis_title="fiscal year (October to September, named by the year it ends)")
    return card("Interest rule of thumb: shift the curve", fig,
                source="treasurylab fiscal engine on CBO's February 2026 baseline (cbo.econ.2026-02, cbo.eval.baselines)",
                as_of="2026-02 baseline", card_id="card-shift",
                note="Every rate shifted from the first month; the debt reprices as it matures (maturity ladder).")


# ---------------------------------------------------------------- reserves
@_by_day(maxsize=2)
def page_reserves(*, day: dt.date):
    from treasurylab import data

    out = [html.H2("Reserves")]
    # the world (G001) only: the advanced (G110) and emerging (G200) group series of this snapshot carry one
    # 1999q4 value each, which the IMF no longer publishes (dataset caveat: not current, ignore them)
    cofer = data.series("imf.cofer", indicator="share_pct", currency="USD", region="G001").sort_values("date")
    if cofer.empty:
        out.append(card("COFER dollar share", None, **_from(day, "imf.cofer"), as_of=None, reason="no USD share rows"))
    else:
        fig = go.Figure(go.Bar(x=cofer["date"], y=cofer["value"], name="World (G001)"))
        fig.update_layout(title="US dollar share of allocated reserves, world", yaxis_title="percent")
        out.append(card("COFER: dollar share of reserves", fig, **_from(day, "imf.cofer"), as_of=cofer["date"].max(),
                        card_id="card-cofer",
                        note="Only the quarters in the bundled COFER snapshot are shown. The snapshot's advanced- and "
                             "emerging-economy series hold a single 1999q4 value the IMF has since withdrawn: left out."))
    gold = data.series("wgc.gold_reserves", metric="gold_tonnes")
    fig = go.Figure()
    for iso in ("CHN", "RUS", "IND", "POL", "TUR"):
        g = gold[gold["iso3"] == iso]
        if not g.empty:
            fig.add_trace(go.Scatter(x=pd.to_datetime(g["date"]), y=g["value"], name=str(g["country"].iloc[0])))
    fig.update_layout(title="Central-bank gold (tonnes)", yaxis_title="tonnes")
    out.append(card("Central-bank gold", fig if fig.data else None, **_from(day, "wgc.gold_reserves"),
                    as_of=gold["date"].max() if not gold.empty else None, reason="no tonnes rows", card_id="card-cb-gold"))
    pb, why = _ind("pboc_gold")
    out.append(card("PBoC gold, monthly", _line({"PBoC gold": pb}, "", "million troy oz") if pb is not None else None,
                    **_from(day, "curated.pboc_gold_monthly"), as_of=_d(pb.index[-1])[:7] if pb is not None else None,
                    reason=why, card_id="card-pboc"))
    return out


# ---------------------------------------------------------------- minerals
@lru_cache(maxsize=1)
def _minerals_run():
    """The minerals block's ten years and its 180-day answer: the same every day, so run once a process
    (the page itself is rebuilt each day for its clock)."""
    from treasurylab.model import minerals as M
    from treasurylab.params.minerals_inputs import build

    inputs = build(None)
    res = M.simulate(inputs, M.policy_record_2025(), start="2026-01", months=120)
    ans = M.answer_180_days(inputs, M.policy_record_2025(), start="2026-01-14", days=180)
    return res, ans


@_by_day(maxsize=2)
def page_minerals(*, day: dt.date):
    """``day``: the day the 180-day clock counts to."""
    from treasurylab import data
    from treasurylab.report import minerals_figures as MF

    cap = data.series("curated.rare_earths_capacity")
    cap = cap[cap["date"] == cap["date"].max()]
    fig = go.Figure()
    world = cap.groupby("stage")["value"].sum()
    stages = [s for s in MF.STAGES if s in world.index] + sorted(set(world.index) - set(MF.STAGES))
    for reg, g in cap.groupby("region"):
        share = 100 * g.groupby("stage")["value"].sum().reindex(stages) / world.reindex(stages)
        fig.add_trace(go.Bar(x=[MF.STAGE_LABELS.get(s, s) for s in stages], y=share.values, name=str(reg)))
    fig.update_layout(title="Share of world capacity by stage and region", yaxis_title="percent", barmode="stack",
                      xaxis_title="stage of the chain, ore to magnet")
    rules = {a["id"]: a for a in alerts(as_of=day)}
    clock = rules.get("proclamation_11001_30_days")
    res, ans = _minerals_run()
    figs = MF.figures(res)
    return [html.H2("Minerals"),
            card("The rare-earth chain by stage and region", fig, **_from(day, "curated.rare_earths_capacity"),
                 as_of=str(cap["date"].max()), card_id="card-chain"),
            card("Proclamation 11001: the 180-day clock", body=html.P(clock["message"] if clock else "no clock rule",
                                                                       className="reading"),
                 source="Proclamation 11001 (14 Jan 2026); params minerals.negotiation_days",
                 as_of=day.isoformat(), card_id="card-clock"),
            card("Ally shortfalls (policy record to 2025, no new restriction)", figs["minerals_shortfall"],
                 source="treasurylab minerals block (curated rare-earth datasets)", as_of="2026-01 start",
                 card_id="card-shortfall"),
            card("What 180 days can build", MF.answer_180_figure(ans), source="treasurylab minerals --answer-180",
                 as_of=str(ans["date"]), card_id="card-180")]


# ---------------------------------------------------------------- sources
@_by_day(maxsize=4)
def page_sources(*, day: dt.date):
    """``day``: the day the stale flags judge."""
    from treasurylab import data
    from treasurylab.data import store
    from treasurylab.data.freshness import GRACE_DAYS, freshness

    rows = []
    for ds in data.datasets().values():
        try:
            df = store.load(ds.id)
            col = ds.date_column if ds.date_column in df.columns else None
            latest = str(df[col].astype(str).max()) if col and len(df) else "(no date column)"
            upd = df.attrs["provenance"].get("updated_from")
            f = freshness(ds.id, as_of=day, df=df)
            rows.append({"id": ds.id, "title": ds.title, "latest": latest, "frequency": ds.frequency,
                         "retrieved": ds.retrieved, "refreshed": (upd or {}).get("retrieved", "bundled snapshot"),
                         "status": f.status() if f.judged else f"loaded; {f.status()}"})
        except Exception as exc:
            rows.append({"id": ds.id, "title": ds.title, "latest": "", "frequency": ds.frequency,
                         "retrieved": ds.retrieved, "refreshed": "", "status": f"FAIL: {exc}"})
    missing = [{"id": i.id, "title": i.title, "why": str(e)} for i in I.INDICATORS.values()
               for e in [_ind(i.id)[1]] if e]
    return [html.H2("Sources"),
            card("Datasets: latest observation, frequency and release lag, refresh", body=table(rows, [
                ("id", "dataset"), ("title", "title"), ("latest", "latest observation"), ("frequency", "frequency / lag"),
                ("retrieved", "snapshot retrieved"), ("refreshed", "last refreshed"), ("status", "status")]),
                source="treasurylab data list / the store's provenance records", as_of="per row", card_id="card-sources",
                note=f"Stale: the day judged ({day}) is past the day the next release was due "
                     f"(the period after the last observation, by the publisher's calendar in data/asof.py) plus "
                     f"{GRACE_DAYS} days (assumption: a week covers a release's ordinary slips, such as a holiday). "
                     "Not judged: a dataset with no release calendar recorded (irregular, a frozen vintage, a "
                     "history file, or a calendar not yet written)."),
            card("Indicators with no data here", body=table(missing, [("id", "indicator"), ("title", "title"), ("why", "why")])
                 if missing else html.P("every indicator has data"), source="treasurylab.monitor.indicators",
                 as_of=None, card_id="card-missing")]


def warm() -> None:
    """Build every cached page once for today (so that the first visitor does not wait)."""
    page_overview()
    holders_by_country(DEFAULT_COUNTRIES)
    page_holders_static()
    page_demand_static()
    auctions_card("10-Year")
    page_rates()
    page_fiscal_static()
    interest_shift_figure(100)
    page_reserves()
    page_minerals()
    page_sources()
    scenario_history_card()


@_by_day(maxsize=2)
def scenario_history_card(*, day: dt.date):
    """The observed 10-year yield of the last three years: where a run's fan charts start from."""
    y10, why = _ind("yield_10y")
    if y10 is None:
        return card("Observed history", None, **_from(day, "yields.cmt"), as_of=None, reason=why)
    m = y10.resample("MS").mean()
    m = m[m.index >= m.index[-1] - pd.DateOffset(years=3)]
    return card("Observed history the fans start from: 10-year yield (monthly mean)",
                _line({"10-year yield": m}, "", "percent"), **_from(day, "yields.cmt"), as_of=_d(y10.index[-1]),
                card_id="card-history")
