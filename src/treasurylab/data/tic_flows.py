"""Why a holder's Treasuries moved: the change in TIC holdings split into net purchases (transactions),
valuation change and other (revisions, custody reclassification, what TIC does not value), in USD bn.

"China cut its Treasuries from $1.3T to $683B" mixes selling with price: when yields rise, bonds held
lose market value without a sale. TIC publishes the pieces; this module lines them up month by month.

Sources, newest first (each monthly row names the ones it used):

- from 2023-02, **Table 3** (``tic.table3.vintage-2026-07``, ``slt_table3.txt``): holdings, net
  purchases of long-term Treasuries and of bills, and the valuation change of long-term holdings. TIC
  estimates bill net purchases as the change in bill holdings (its footnote 2), so bills carry no
  valuation; ``other`` is what remains: revisions, reclassification between holders, rounding.
- 2020-01 to 2023-01, Table 3 holdings and bill flows, plus **S1** (``tic.s1.vintage-2026-07``,
  ``s1_globl.txt``, the frozen TIC S table) for net long-term purchases (gross purchases minus gross
  sales of Treasury bonds and notes). No valuation column exists for these months: the price effect
  sits inside ``other``.
- before 2020-01, holdings from the **Major Foreign Holders** history (``tic.holdings.vintage-2026-07``,
  ``mfhhis01.txt``, same July 2026 download) and **long-term** net purchases from S1 only: ``other``
  also holds the holder's bill purchases and valuation. At the history's benchmark breaks (yearly to
  2011-06) the change includes the survey revision.

Sign: net purchases > 0 are net purchases by foreigners (TIC's "net U.S. sales"); < 0 are net sales.

:func:`monthly_flows` builds the monthly table (reads the bundled datasets); :func:`assemble` is the
same from given tables (pure); :func:`decompose` sums a window (pure). A window "starting in month m"
begins from the holdings at the end of m-1, the last observed before m (the same jump-off rule as runs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from treasurylab.errors import BadInput

TABLE3 = "tic.table3.vintage-2026-07"
S1 = "tic.s1.vintage-2026-07"
HISTORY = "tic.holdings.vintage-2026-07"
#: first month with Table 3's net purchases and valuation; S1 ends the month before
TABLE3_FLOWS_FROM = "2023-02"
#: first month of Table 3's holdings; the Major Foreign Holders history is used before
TABLE3_HOLDINGS_FROM = "2020-01"
#: Table 3 aggregates whose names differ in the Major Foreign Holders history
_HISTORY_NAMES = {"Of Which: Foreign Official": "For. Official"}

#: short names for Table 3's aggregates (the general aliases point at the history's "For. Official")
_SHORT = {"all": "Grand Total", "all foreign": "Grand Total", "total": "Grand Total",
          "official": "Of Which: Foreign Official", "foreign official": "Of Which: Foreign Official",
          "for official": "Of Which: Foreign Official", "private": "Of Which: Foreign Non-Official",
          "non official": "Of Which: Foreign Non-Official",
          "foreign non official": "Of Which: Foreign Non-Official"}

SCOPE_TOTAL = "long-term + bills, with valuation (Table 3)"
SCOPE_LT_BILLS = "long-term (S1) + bills (Table 3); no valuation"
SCOPE_LT = "long-term only (S1); no valuation, bills in other"

COLUMNS = ["date", "holdings", "holdings_change", "net_purchases", "valuation", "other", "scope",
           "holdings_from", "flows_from"]


def _month_before(ym: str) -> str:
    p = pd.Period(ym, freq="M") - 1
    return str(p)


def _empty() -> pd.Series:
    return pd.Series([], index=pd.Index([], dtype=object), dtype=float)


def _pick(df: pd.DataFrame, country: str, measure: str) -> pd.Series:
    d = df[(df["country"] == country) & (df["measure"] == measure)]
    return d.set_index("date")["value"].astype(float)


def assemble(table3: pd.DataFrame, s1: pd.DataFrame, history: pd.DataFrame, *, table3_name: str | None,
             s1_name: str | None, history_name: str | None, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Monthly rows (see :data:`COLUMNS`, USD bn) for one holder, from the tidy tables of the three
    datasets (``history`` filtered to ``series='current'``). A name of None: the holder is not in that
    file. ``labels`` maps 'table3', 's1', 'history' to the source text written in each row."""
    lab = {"table3": "Table 3", "s1": "S1", "history": "Major Foreign Holders history", **(labels or {})}
    pos3 = _pick(table3, table3_name, "for_treas_pos") if table3_name else _empty()
    net3 = _pick(table3, table3_name, "for_treas_net") if table3_name else _empty()
    val3 = _pick(table3, table3_name, "for_lt_treas_valchg") if table3_name else _empty()
    st3 = _pick(table3, table3_name, "for_st_treas_net") if table3_name else _empty()
    if s1_name:
        buy = _pick(s1, s1_name, "purchases_treasury")
        sell = _pick(s1, s1_name, "sales_treasury")
        lt1 = (buy - sell).dropna()
    else:
        lt1 = _empty()
    hist = _empty()
    if history_name:
        h = history[history["country"] == history_name].dropna(subset=["value"])
        hist = h.drop_duplicates("date", keep="first").set_index("date")["value"].astype(float)
    hist = hist[hist.index < TABLE3_HOLDINGS_FROM]
    holdings = pd.concat([hist, pos3]).sort_index()
    holdings = holdings[~holdings.index.duplicated(keep="last")]
    dates = sorted(set(holdings.index) | set(lt1.index) | set(net3.index))
    if not dates:
        return pd.DataFrame(columns=COLUMNS)
    months = pd.period_range(dates[0], dates[-1], freq="M").astype(str)
    rows = []
    for ym in months:
        h = holdings.get(ym, math.nan)
        prev = holdings.get(_month_before(ym), math.nan)
        if ym in net3.index:
            net, val, scope, flows = net3[ym], val3.get(ym, math.nan), SCOPE_TOTAL, lab["table3"]
        elif ym in lt1.index:
            val = math.nan
            if ym in st3.index:
                net, scope, flows = lt1[ym] + st3[ym], SCOPE_LT_BILLS, f"{lab['s1']} + {lab['table3']} (bills)"
            else:
                net, scope, flows = lt1[ym], SCOPE_LT, lab["s1"]
        else:
            net, val, scope, flows = math.nan, math.nan, "", ""
        change = h - prev
        other = change - net - (0.0 if math.isnan(val) else val)
        rows.append({
            "date": ym, "holdings": h, "holdings_change": change, "net_purchases": net, "valuation": val,
            "other": other, "scope": scope,
            "holdings_from": "" if math.isnan(h) else (lab["table3"] if ym >= TABLE3_HOLDINGS_FROM
                                                       else lab["history"]),
            "flows_from": flows,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def _frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Table 3, S1 and the holdings history, each loaded (and verified) once per call of a caller."""
    from treasurylab.data import load

    return load(TABLE3), load(S1), load(HISTORY)


def holder_names(t3: pd.DataFrame | None = None, s1: pd.DataFrame | None = None) -> list[str]:
    """Every holder the flows can be asked for: Table 3's names, then S1's older ones (in the order
    they first appear; ``pd.unique`` keeps it, without iterating S1's ~500k rows in Python)."""
    from treasurylab.data import load

    t3 = load(TABLE3) if t3 is None else t3
    s1 = load(S1) if s1 is None else s1
    names3 = [str(c) for c in pd.unique(t3["country"])]
    seen = set(names3)
    return names3 + [str(c) for c in pd.unique(s1["country"]) if c not in seen]


def resolve(country: str, frames: tuple | None = None) -> dict[str, str | None]:
    """The holder meant by ``country`` ('china', 'all', 'official') and its name in each file
    (``frames``: :func:`_frames`' result when the caller has it already)."""
    from treasurylab.data.names import match_name, norm

    text = _SHORT.get(norm(country), country)
    t3, s1, hist = _frames() if frames is None else frames
    try:
        name = match_name(text, holder_names(t3, s1), what="holder")
    except BadInput as exc:  # the option the user typed, not match_name's word for it
        raise BadInput("unknown holder", field="--country", got=country, fix=exc.fix) from None
    # the (name, code) pairs once each (keep="last": the same mapping as zipping every row, where a
    # later row wins), not S1's ~500k rows one by one
    p3 = t3[["country", "country_code"]].drop_duplicates(keep="last")
    p1 = s1[["country_code", "country"]].drop_duplicates(keep="last")
    codes3 = dict(zip(p3["country"], p3["country_code"], strict=False))
    by_code1 = dict(zip(p1["country_code"], p1["country"], strict=False))
    t3_name = name if name in codes3 else None
    s1_name = by_code1.get(codes3[name]) if t3_name else name
    hist_names = {norm(c): c for c in hist["country"].dropna().unique()}
    hist_name = hist_names.get(norm(_HISTORY_NAMES.get(name, name)))
    return {"holder": name, "table3": t3_name, "s1": s1_name, "history": hist_name}


def source_labels() -> dict[str, str]:
    """'table3' / 's1' / 'history' -> 'file (dataset id, vintage)' for the rows and the notes."""
    from treasurylab.data import get

    out = {}
    for key, ds_id in (("table3", TABLE3), ("s1", S1), ("history", HISTORY)):
        ds = get(ds_id)
        out[key] = f"{ds.files[0]} ({ds.id}, downloaded {ds.retrieved})"
    return out


def history_breaks() -> list[str]:
    """Months (YYYY-MM) where the Major Foreign Holders history has a series break (benchmark survey,
    change of collection basis), read from the ``tic.holdings`` catalog entry's ``series_breaks``."""
    import re

    from treasurylab.data import get

    found = {m for it in get("tic.holdings").series_breaks for m in re.findall(r"\b(\d{4}-\d{2})\b", str(it))}
    return sorted(m for m in found if m < TABLE3_HOLDINGS_FROM)


def monthly_flows(country: str) -> tuple[str, pd.DataFrame]:
    """(holder's name, monthly rows) for ``country`` from the bundled July 2026 TIC files."""
    frames = _frames()
    names = resolve(country, frames)
    t3, s1, hist = frames
    hist = hist[hist["series"] == "current"]
    short = {"table3": "Table 3", "s1": "S1", "history": "MFH history"}
    df = assemble(t3, s1, hist, table3_name=names["table3"], s1_name=names["s1"],
                  history_name=names["history"], labels=short)
    return names["holder"], df


@dataclass
class Decomposition:
    """The change in holdings over months ``start``..``end`` and its parts (USD bn)."""

    holder: str
    start: str
    end: str
    jump_off: str                   # the month whose end-holdings the window starts from (start - 1)
    holdings_start: float
    holdings_end: float
    holdings_change: float
    net_purchases: float
    valuation: float                # NaN when TIC publishes none in the window (then inside other)
    other: float
    months: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _coverage(df: pd.DataFrame, col: str) -> str:
    d = df.loc[df[col].notna(), "date"]
    return f"{d.min()} to {d.max()}" if len(d) else "no month"


def decompose(holder: str, monthly: pd.DataFrame, start: str, end: str,
              breaks: list[str] | tuple[str, ...] = ()) -> Decomposition:
    """Sum the monthly rows of ``start``..``end`` (YYYY-MM). Holdings start from the end of the month
    before ``start``. BadInput (naming --start/--end) when a holding or a month's net purchases is
    missing: nothing is filled in. ``breaks``: months where the holdings series breaks (noted)."""
    if end < start:
        raise BadInput("the end is before the start", field="--end", got=end,
                       fix=f"give an end month at or after --start {start}")
    jump = _month_before(start)
    by = monthly.set_index("date")
    h0 = by["holdings"].get(jump, math.nan)
    if math.isnan(h0):
        raise BadInput(f"no {holder} holdings at the end of {jump} (the month before --start)",
                       field="--start", got=start,
                       fix=f"start one month after a month with holdings: {_coverage(monthly, 'holdings')}")
    h1 = by["holdings"].get(end, math.nan)
    if math.isnan(h1):
        raise BadInput(f"no {holder} holdings at the end of {end}", field="--end", got=end,
                       fix=f"end in a month with holdings: {_coverage(monthly, 'holdings')}")
    win = monthly[(monthly["date"] >= start) & (monthly["date"] <= end)].reset_index(drop=True)
    missing = win.loc[win["net_purchases"].isna(), "date"].tolist()
    if missing:
        raise BadInput(f"no {holder} net purchases for {missing[0]}" + (f" to {missing[-1]}" if len(missing) > 1
                                                                         else ""),
                       field="--start", got=start,
                       fix=f"net purchases cover {_coverage(monthly, 'net_purchases')}")
    net = float(win["net_purchases"].sum())
    # no published valuation in the window: n/a (it is inside other), not a zero
    val = float(win["valuation"].fillna(0.0).sum()) if win["valuation"].notna().any() else math.nan
    change = float(h1 - h0)
    notes = []
    lt_only = win.loc[win["scope"] == SCOPE_LT, "date"]
    lt_bills = win.loc[win["scope"] == SCOPE_LT_BILLS, "date"]
    no_val = win.loc[win["valuation"].isna(), "date"]
    if len(lt_only):
        notes.append(f"{lt_only.iloc[0]} to {lt_only.iloc[-1]}: net purchases are of long-term Treasuries "
                     "only (S1); bill purchases and valuation are inside other")
    if len(lt_bills):
        notes.append(f"{lt_bills.iloc[0]} to {lt_bills.iloc[-1]}: net purchases are long-term (S1) plus bills "
                     "(Table 3, change in bill holdings); valuation is not published, it is inside other")
    if len(no_val) and not len(lt_only) and not len(lt_bills):
        notes.append(f"valuation not published for {no_val.iloc[0]} to {no_val.iloc[-1]} (inside other)")
    if (win["holdings"].isna()).any():
        notes.append("holdings missing for some months inside the window: their monthly change and other "
                     "are n/a, the totals use the two ends")
    if start <= TABLE3_HOLDINGS_FROM <= end:
        notes.append(f"holdings switch from the Major Foreign Holders history (USD bn, 1 decimal) to Table 3 "
                     f"(USD mn) at {TABLE3_HOLDINGS_FROM}: that month's other includes the difference")
    inside = [b for b in breaks if start <= b <= end]
    if inside:
        notes.append("holdings series breaks at " + ", ".join(inside) + " (benchmark surveys, collection "
                     "basis, regrouped holders; 'data provenance tic.holdings'): each is inside that month's other")
    return Decomposition(holder=holder, start=start, end=end, jump_off=jump, holdings_start=float(h0),
                         holdings_end=float(h1), holdings_change=change, net_purchases=net, valuation=val,
                         other=change - net - (0.0 if math.isnan(val) else val), months=win, notes=notes)
