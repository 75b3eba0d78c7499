"""TIPS, FRN or nominal: the auctions whose maturity date cannot tell (``inflation_indexed`` null in
``treasury.auctions``: a 30-year issue maturing on 15 February, the 5-year notes, the 2-year notes and FRNs).

The bundled auctions file dropped Fiscal Data's TIPS and FRN flags; two bundled official files and one field
of the auctions file itself settle most of what its maturity dates leave open, issue by issue (a reopening
keeps its issue's CUSIP, so an issue typed once types every auction of it):

1. **SOMA by CUSIP**: the New York Fed's SOMA holdings of 16 February 2022 (``fed.soma.2022-02-16``) type every
   security they hold (``NotesBonds``, ``TIPS``, ``FRNs``): source, the holdings file itself.
2. **FRN: a note auctioned without a high yield** (the auctions file's ``high_yield`` empty): a floating-rate
   note's auction clears at a discount margin over the 13-week bill (Fiscal Data's ``high_discnt_margin``, a
   field the bundled file did not copy), not at a yield, so its ``high_yield`` is empty; every fixed-rate note
   and bond in the file has one. In the bundled file the notes without a high yield are exactly the 2-year
   FRNs: 153 auctions from 29 January 2014 (Treasury's first FRN auction) to July 2026, each new issue
   (``2-Year``) with its two reopenings (``1-Year 11-Month``, ``1-Year 10-Month``); the 24 of them that SOMA
   types are FRNs and the 24 2-year notes it types nominal have a high yield (tests/data/test_auction_types.py).
   **A note or bond with a high yield maturing on a day other than the 15th is nominal**: not an FRN (it has a
   high yield) and not TIPS, which mature on the 15th of a month (assumption, from Treasury's TIPS schedule:
   the maturity dates of the parser's rule for the 10-, 20- and 30-year tenors, 5-year TIPS on the 15th as
   well; all 258 TIPS auctions typed in the bundled file, 1997-2026, mature on the 15th, and every
   auction this rule types that SOMA, the yield rule or the file's maturity date also types is nominal there,
   tests/data/test_auction_types.py). It types the 2-, 5- and 7-year notes of recent years, which mature on a
   month's last day (every 2-, 5- and 7-year auction since 2009 is typed); not the 3-year notes, which mature
   on the 15th (rule 4 types them).
3. **The auction's yield against the market's**: for an issue SOMA did not hold then, the high yield of one
   of its auctions against the same tenor's nominal and real (TIPS) market yields of the auction day or up to
   :data:`MAX_LAG_DAYS` days before (H.15 via FRED: ``yields.cmt`` DGS5/10/20/30, ``rates.daily``
   DFII5/10/20/30). A TIPS auction clears at a real yield, a nominal one at a nominal yield; the nearer of
   the two types the issue when the high yield is within :data:`MAX_DISTANCE_PP` of it and at least
   :data:`MIN_MARGIN_PP` farther from the other (assumption: a stop-out lies close to its own market's
   yield and the breakeven keeps the two apart; in the bundled data every 30-year auction since 2010 with
   both market yields stopped within 0.17 pp of one and at least 0.85 pp from the other; where the
   breakeven is narrow, as for 5-year notes late in 2008, the rule leaves the auction unknown). Every
   issue that SOMA types is typed the same way by this rule (tests/data/test_auction_types.py).
   An issue whose auctions disagree stays unknown.
4. **No TIPS of its term in the file -> nominal**: a note or bond with a high yield, of an issue none of whose
   auctions in the bundled file is of a tenor (:func:`treasurylab.data.parsers.auctions_csv.tenor`) that the
   file's maturity date, SOMA or the yields type TIPS anywhere in the file (:func:`tips_terms`), or lacks a high
   yield. Treasury has never sold TIPS of any term but 5, 10, 20 and 30 years (TreasuryDirect's TIPS terms;
   20 years 2004-2009), and the file agrees: its 265 auctions typed TIPS (108 issues) are of issues first sold
   as 5-, 10-, 20- or 30-year TIPS (or 5-Year 6-Month, 20-Year 6-Month, 30-Year 6-Month) and carry 4-, 5-, 6-,
   10-, 20-, 21-, 29-, 30- and 31-year tenors (``4-Year 4-Month``: the December reopening of April's 5-year
   TIPS); never a 2-, 3-, 7- or 15-year one. The rule reads the issue, not the row, because a TIPS reopening
   can carry a tenor with no typed TIPS: 9128273T7, the January 2008 10-year TIPS, was reopened in October
   1998 as ``9-Year 3-Month``; its 10-year auction keeps the issue out (rule 5 types it TIPS). It types the 3-year
   notes, which mature on the 15th: 200 auctions, 176 of them since 2009 (every 3-year auction since 2009 is
   typed). Of the 902 auctions it would type that the other rules also type (2-, 3-, 7- and 15-year), every
   one is nominal there, 138 of them by SOMA's CUSIPs (35 3-year); tests/data/test_auction_types.py.
5. **An issue's kind carried to its untyped auctions**: SOMA and the yields type an issue, but the file's maturity
   date types a row, read against its tenor, and a reopening's term is shorter (``9-Year 3-Month`` rounds to a
   9-year tenor, whose maturity months the file's rule does not read). An auction none of rules 1-4 types takes
   the kind of the other auctions of its issue (CUSIP) in the bundled file, where every one of them that the
   file's maturity date or rules 1-4 type is of that one kind (:func:`issue_kinds`); an issue whose typed auctions
   disagree is left as it is (:func:`disagreeing_issues`: none in the bundled file, 2,056 issues typed). It types
   5 auctions, none since 2009, and changes none typed before: 9128273T7's ``9-Year 3-Month`` reopening of
   1998-10-07 (TIPS: the file types the issue's 1998-01-08 10-year auction, maturing 15 January), and four
   reopenings of 10-year notes on 8-9 October 2008, ``6-Year 10-Month``, ``6-Year 7-Month`` (7-year tenor),
   ``6-Year 4-Month`` (6-year) and ``9-Year 4-Month`` (9-year), nominal as the file types each issue's 10-year
   auctions (maturing on the 15th of February, May or August). It reads the whole file, so a tenor classified
   alone (the cards) types them too. Issues with no typed auction stay unknown: 9128273A8, auctioned 1997-07-09
   as a 5-year note maturing 2002-07-15 at 3.744% (the 5-year notes of 1997-06-25 and 1997-07-23 stopped at 6.298%
   and 6.024%, the 10-year TIPS of January and April 1997 at 3.449% and 3.650%: by the file's own yields the
   first 5-year TIPS, but no bundled real yield reaches 1997 and 5-year notes of 2004-2006 also matured on 15
   January or July), its ``4-Year 9-Month`` reopening and the 1998-2002 5-year issues maturing on the 15th.

What none of them settles stays unknown, and the dashboard counts it on the card.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

MAX_LAG_DAYS = 3
MAX_DISTANCE_PP = 0.25
MIN_MARGIN_PP = 0.5
#: tenor -> (nominal CMT series in yields.cmt, real yield series in rates.daily)
MARKET = {"5-Year": ("DGS5", "DFII5"), "10-Year": ("DGS10", "DFII10"), "20-Year": ("DGS20", "DFII20"),
          "30-Year": ("DGS30", "DFII30")}
FRN_SOURCE = "auctions file: no high yield (FRN)"
TIPS_MATURITY_DAY = 15
OFF_15TH_SOURCE = "auctions file: high yield, matures off the 15th"
NO_TIPS_TERM_SOURCE = "auctions file: high yield, a term with no TIPS in the file"
ISSUE_SOURCE = "its issue's other auctions"
_SOMA = {"TIPS": "TIPS", "NotesBonds": "nominal", "FRNs": "FRN", "Bills": "nominal"}


def _soma_types() -> pd.Series:
    from treasurylab import data

    soma = data.series("fed.soma.2022-02-16")
    return soma.drop_duplicates("cusip").set_index("cusip")["security_type"].map(_SOMA).dropna()


def _market(tenor: str) -> pd.DataFrame | None:
    from treasurylab import data

    if tenor not in MARKET:
        return None
    nom, real = MARKET[tenor]
    out = []
    for ds, name in (("yields.cmt", nom), ("rates.daily", real)):
        d = data.series(ds, series=name)[["date", "value"]].dropna()
        out.append(d.assign(ts=pd.to_datetime(d["date"])).set_index("ts")["value"].rename(name))
    return pd.concat(out, axis=1).dropna().sort_index()


def _by_yield(df: pd.DataFrame) -> pd.DataFrame:
    """Issue kind by the yield rule (index: cusip; columns ``kind`` and ``source``, the market series
    that settled it), from every auction of the issue the rule can read. An issue's reopenings carry
    other tenor labels ('9-Year 10-Month'): the source is the series its votes were read against, not
    the row's own tenor's, which may have no market series."""
    votes = []
    for tenor, g in df.groupby("tenor"):
        mkt = _market(str(tenor))
        if mkt is None or mkt.empty:
            continue
        nom, real = MARKET[str(tenor)]
        a = g[["cusip", "date", "high_yield"]].dropna().assign(ts=lambda x: pd.to_datetime(x["date"]))
        a = pd.merge_asof(a.sort_values("ts"), mkt.rename_axis("mts").reset_index(), left_on="ts", right_on="mts",
                          direction="backward", tolerance=pd.Timedelta(days=MAX_LAG_DAYS)).dropna(subset=[nom, real])
        d_nom, d_real = (a["high_yield"] - a[nom]).abs(), (a["high_yield"] - a[real]).abs()
        kind = pd.Series(pd.NA, index=a.index, dtype="object")
        kind[(d_real <= MAX_DISTANCE_PP) & (d_nom - d_real >= MIN_MARGIN_PP)] = "TIPS"
        kind[(d_nom <= MAX_DISTANCE_PP) & (d_real - d_nom >= MIN_MARGIN_PP)] = "nominal"
        votes.append(pd.DataFrame({"cusip": a["cusip"], "kind": kind,
                                   "source": f"auction yield vs {nom} / {real}"}).dropna())
    if not votes:
        return pd.DataFrame({"kind": pd.Series(dtype="object"), "source": pd.Series(dtype="object")})
    v = pd.concat(votes)
    g = v.groupby("cusip")
    agree = pd.DataFrame({"kind": g["kind"].agg(lambda k: k.iloc[0] if k.nunique() == 1 else pd.NA),
                          "source": g["source"].agg(lambda x: " and ".join(dict.fromkeys(x)))})
    return agree.dropna(subset=["kind"])


def classify(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (rows of ``treasury.auctions``) with ``kind`` (``TIPS``, ``nominal``, ``FRN`` or NA: unknown)
    and ``kind_source`` (``auctions file`` - its flag or maturity date -, ``SOMA 2022-02-16 by CUSIP``,
    ``auction yield vs DGSn/DFIIn``, the rules' other sources, :data:`ISSUE_SOURCE` (rule 5) or NA); ``inflation_indexed`` is filled where the kind is now known."""
    return _classify(df, by_term=True, by_issue=True)


def _classify(df: pd.DataFrame, by_term: bool, by_issue: bool = False) -> pd.DataFrame:
    """:func:`classify`; ``by_term=False`` leaves out rule 4, which reads the other rules' TIPS of the whole file,
    ``by_issue=False`` rule 5, which reads the kinds rules 1-4 give the whole file's issues."""
    out = df.copy()
    known = out["inflation_indexed"].notna()
    out["kind"] = pd.Series(pd.NA, index=out.index, dtype="object")
    out.loc[known, "kind"] = out.loc[known, "inflation_indexed"].map({True: "TIPS", False: "nominal"})
    out["kind_source"] = pd.Series(pd.NA, index=out.index, dtype="object")
    out.loc[known, "kind_source"] = "auctions file"
    todo = ~known & out["cusip"].astype(str).str.len().gt(0)
    if todo.any():
        soma = out.loc[todo, "cusip"].map(_soma_types())
        hit = soma.dropna().index
        out.loc[hit, "kind"], out.loc[hit, "kind_source"] = soma[hit], "SOMA 2022-02-16 by CUSIP"
        frn = todo & out["kind"].isna() & out["security_type"].eq("Note") & out["high_yield"].isna()
        out.loc[frn, "kind"], out.loc[frn, "kind_source"] = "FRN", FRN_SOURCE
        off = pd.to_datetime(out["maturity_date"], errors="coerce").dt.day.ne(TIPS_MATURITY_DAY)
        fixed = todo & out["kind"].isna() & out["high_yield"].notna() & out["maturity_date"].notna() & off
        out.loc[fixed, "kind"], out.loc[fixed, "kind_source"] = "nominal", OFF_15TH_SOURCE
        rest = todo & out["kind"].isna()
        if rest.any():
            votes = _by_yield(out[rest])
            by_y = out.loc[rest, "cusip"].map(votes["kind"])
            hit = by_y.dropna().index
            src = out.loc[hit, "cusip"].map(votes["source"])
            out.loc[hit, "kind"], out.loc[hit, "kind_source"] = by_y[hit], src
        rest = todo & out["kind"].isna()
        if by_term and rest.any():
            term = rest & no_tips_term(out)
            out.loc[term, "kind"], out.loc[term, "kind_source"] = "nominal", NO_TIPS_TERM_SOURCE
        rest = todo & out["kind"].isna()
        if by_issue and rest.any():
            carried = out.loc[rest, "cusip"].astype(str).map(issue_kinds()).dropna()
            out.loc[carried.index, "kind"], out.loc[carried.index, "kind_source"] = carried, ISSUE_SOURCE
    fill = out["inflation_indexed"].isna() & out["kind"].isin(["TIPS", "nominal", "FRN"])
    out["inflation_indexed"] = out["inflation_indexed"].astype("boolean")
    out.loc[fill, "inflation_indexed"] = out.loc[fill, "kind"].eq("TIPS")
    return out


def _notes_and_bonds() -> pd.DataFrame:
    from treasurylab import data

    a = data.series("treasury.auctions")
    return a[a["security_type"].isin(["Note", "Bond"])]


@lru_cache(maxsize=2)
def _tips_terms(fingerprint: str) -> tuple[frozenset[str], frozenset[str]]:
    """(the tenors of the bundled file's auctions that rules 1-3 and the file's maturity date type TIPS, the CUSIPs of
    the issues with an auction of one of those tenors or without a high yield), for the data ``fingerprint``
    (:func:`treasurylab.data.store.fingerprint`: classifying the whole file takes ~0.2 s, once per data)."""
    whole = _notes_and_bonds()
    typed = _classify(whole, by_term=False)
    tenors = frozenset(typed.loc[typed["kind"].eq("TIPS"), "tenor"].astype(str))
    excluded = whole["tenor"].isin(tenors) | whole["high_yield"].isna()
    return tenors, frozenset(whole.loc[excluded, "cusip"].astype(str))


def tips_terms() -> frozenset[str]:
    """The tenors (:func:`treasurylab.data.parsers.auctions_csv.tenor`) of every auction in the bundled file typed
    TIPS by the file's maturity date, SOMA's CUSIPs or the yields (rule 4's evidence)."""
    from treasurylab.data import store

    return _tips_terms(store.fingerprint())[0]


def no_tips_term(df: pd.DataFrame) -> pd.Series:
    """Rule 4 for each row of ``df`` (whatever the other rules say): a note or bond with a high yield of an issue
    none of whose auctions in the bundled file is of a tenor with TIPS there or lacks a high yield."""
    from treasurylab.data import store

    tenors, excluded = _tips_terms(store.fingerprint())
    return (df["security_type"].isin(["Note", "Bond"]) & df["high_yield"].notna() & ~df["tenor"].isin(tenors)
            & ~df["cusip"].astype(str).isin(excluded) & df["cusip"].astype(str).str.len().gt(0))


@lru_cache(maxsize=2)
def _issue_kinds(fingerprint: str) -> tuple[dict[str, str], frozenset[str]]:
    """({CUSIP: kind} of the bundled file's issues whose auctions typed by the file's maturity date and rules 1-4 are
    all of one kind, the CUSIPs of the issues whose typed auctions disagree), for the data ``fingerprint``."""
    typed = _classify(_notes_and_bonds(), by_term=True).dropna(subset=["kind"])
    typed = typed[typed["cusip"].astype(str).str.len().gt(0)]
    kinds = typed.groupby(typed["cusip"].astype(str))["kind"].agg(lambda k: frozenset(k))
    one = kinds[kinds.map(len).eq(1)]
    return {c: next(iter(k)) for c, k in one.items()}, frozenset(kinds.index[kinds.map(len).gt(1)])


def issue_kinds() -> dict[str, str]:
    """Rule 5's evidence: {CUSIP: kind} of every issue in the bundled file whose typed auctions (the file's maturity
    date, rules 1-4) all agree."""
    from treasurylab.data import store

    return _issue_kinds(store.fingerprint())[0]


def disagreeing_issues() -> frozenset[str]:
    """The CUSIPs of the bundled file's issues whose typed auctions disagree (rule 5 leaves them as they are)."""
    from treasurylab.data import store

    return _issue_kinds(store.fingerprint())[1]
