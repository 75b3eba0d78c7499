"""The indicators a reader of the commentary watches, each one series read from the store.

An indicator is a name (``china_holdings``, ``custody_foreign_official``, ``yield_10y`` ...) with a
title, a unit, the dataset it comes from and a function that returns a ``pandas.Series`` of floats
indexed by ``pandas.Timestamp`` (sorted, no missing values). :func:`series` reads one; a dataset
that is not in this installation (a term-premium or mortgage file not bundled) raises
:class:`Unavailable` with the reason, which the watch and the dashboard show instead of a value.

TIC holdings combine the vintages: Table 5 of the latest vintage for the months it covers, the history
file of the same vintage before them (``tic.holdings.vintage-2026-07``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from treasurylab.numtext import number


class Unavailable(Exception):
    """An indicator with no data here; the message says why (shown on an empty card)."""


@dataclass(frozen=True)
class Indicator:
    id: str
    title: str
    unit: str
    datasets: tuple[str, ...]
    frequency: str
    read: Callable[[], pd.Series]
    page: str = "overview"
    series: str | None = None   # the series of a dataset that holds several (for its publication rule)
    # the decimals its numbers are written with (value, change, reference, level), in the table and the
    # sentence alike: the precision it is published to - percent to 0.01 (H.15, PMMS, COFER, the auctions'
    # shares), PBoC gold to 0.01 Moz (SAFE), the 10-year tail to 0.1 bp (yields to 0.001 percent), TIC's
    # USD bn to 0.1; H.4.1's lines, published in USD millions, are written to TIC's 0.1 bn so that custody
    # and TIC compare digit for digit; the ACM term premium, published to 0.0001 percent, to 0.001, so
    # that its 3-month change is written to 0.1 bp (to 0.01 a quiet quarter read "0.82 against 0.81, a
    # change of 0 bp")
    decimals: int = 2

    def fmt(self, x: float, scale: float = 1.0) -> str:
        """A number of this indicator as the watch writes it everywhere: ``decimals`` digits, thousands
        separated (2,636.9 USD bn; 0.51 percent); a change multiplied by ``scale`` (100: percent to bp) keeps
        the same precision, so two fewer digits (0.51 against 0.69 percent is a change of -18 bp)."""
        shift = round(math.log10(scale)) if scale > 0 and math.isclose(10 ** round(math.log10(scale)), scale) else 0
        # ``decimals`` is the publisher's precision: a digit past it would be float noise, so no small-value digits
        return number(x, max(self.decimals - shift, 0), small=False)

    def change_unit(self) -> tuple[str, float]:
        """The unit of a change of this indicator and the factor to it: a change of a percent is not a
        percent - interest rates move in basis points, shares in percentage points; others keep the unit."""
        if self.unit == "percent":
            return ("bp", 100.0) if self.page == "rates" else ("percentage points", 1.0)
        return self.unit, 1.0


def _series(ds_id: str, **filters) -> pd.DataFrame:
    from treasurylab import data

    return data.series(ds_id, **filters)


def _to_series(df: pd.DataFrame, date_col: str = "date") -> pd.Series:
    d = df[[date_col, "value"]].dropna()
    idx = pd.to_datetime(d[date_col].astype(str).str.replace(r"q(\d)", lambda m: f"-{3 * int(m.group(1)) - 2:02d}",
                                                                regex=True))
    s = pd.Series(d["value"].astype(float).values, index=idx).sort_index()
    return s[~s.index.duplicated(keep="last")]


def _tic(country: str | None = None, row_type: str | None = None) -> pd.Series:
    hist = _series("tic.holdings.vintage-2026-07", series="current")
    t5 = _series("tic.table5.vintage-2026-07")
    if row_type:
        hist, t5 = hist[hist["row_type"] == row_type], t5[t5["row_type"] == row_type]
    else:
        hist, t5 = hist[hist["country"] == country], t5[t5["country"] == country]
    both = pd.concat([hist[~hist["date"].isin(t5["date"])], t5])
    return _to_series(both)


def _by_file(name: str, column: str | None = None) -> pd.Series:
    """A FRED-style dataset found by its file name (datasets another part of the store may add)."""
    from treasurylab import data

    for ds in data.datasets().values():
        if any(f.rsplit("/", 1)[-1].upper() == name.upper() for f in ds.files):
            df = data.load(ds.id)
            if "series" in df.columns and column:
                df = df[df["series"] == column]
            return _to_series(df)
    raise Unavailable(f"no dataset with the file {name} in this installation's store")


def _cmt(series: str) -> pd.Series:
    return _to_series(_series("yields.cmt", series=series))


def _rates(series: str) -> pd.Series:
    return _to_series(_series("rates.daily", series=series))


#: assumption: an offering under $1bn is not a market's auction. Every other auction in treasury.auctions
#: (1979-2026, bills, notes and bonds) offered $1bn or more (the smallest: 4-, 5- and 10-year notes of
#: 1984-86); the 12 rows of $0.025bn (2016-2025, one or two a year, bills to 20-year bonds) all show an
#: indirect share of 0%, which would read as a collapse of demand (a 10-year one on 2019-06-21)
MIN_OFFERING_BN = 1.0


def market_offering(df: pd.DataFrame) -> pd.Series:
    """True for the rows of ``treasury.auctions`` that are a market's auction (an offering of
    :data:`MIN_OFFERING_BN` or more): the one rule the auction indicators and the dashboard's auctions card
    apply."""
    return df["offering_bn"].ge(MIN_OFFERING_BN)


#: why an auction is not in its tenor's nominal auction series (``left_out`` of :func:`tenor_auctions`)
LEFT_OUT = ("under_min_offering", "TIPS", "FRN", "unknown")


def tenor_auctions(tenor: str) -> pd.DataFrame:
    """Every auction of ``tenor`` in ``treasury.auctions`` (its notes and bonds for an ``n-Year`` tenor, its bills
    for the others), typed by :func:`treasurylab.monitor.auction_types.classify`, with ``left_out``: NA for the
    tenor's nominal market auctions, else why not (:data:`LEFT_OUT`): an offering under :data:`MIN_OFFERING_BN`
    (:func:`market_offering`), a TIPS or FRN auction (same tenor, another market: 10-year TIPS clear at real
    yields near 2%, with their own bidders), or ``unknown``, an auction nothing can tell from them.

    The one rule of the auction indicators and the dashboard's auctions card, so the two count the same
    auctions. Unknown auctions are left out, not kept with a flag: the series feed the watch's rules (a level
    and a percentile rank of the indirect share), where one FRN or TIPS auction among the notes reads as a
    move of the notes' demand (in July 2026 the 2-year FRN's indirect share was 63.1%, the 2-year note's
    55.6%); the card counts what is left out, so the cost is shown (since 2009 none of the 2-, 3-, 5-, 7-, 10-, 20- or
    30-year auctions: the 3-year notes, which mature on the 15th like TIPS, are typed as a term with no TIPS)."""
    from treasurylab.monitor.auction_types import classify

    df = _series("treasury.auctions", tenor=tenor)
    df = classify(df[df["security_type"].isin(["Note", "Bond"]) if tenor.endswith("Year")
                     else df["security_type"].eq("Bill")])
    why = df["kind"].where(df["kind"].isin(["TIPS", "FRN"]))
    why = why.mask(df["kind"].isna(), "unknown").mask(~market_offering(df), "under_min_offering")
    return df.assign(left_out=why.astype("object"))


def _auction(metric: str, tenor: str = "10-Year") -> pd.Series:
    """A metric of the tenor's nominal market auctions (:func:`tenor_auctions`: TIPS, FRNs, auctions that
    cannot be told from them and offerings under :data:`MIN_OFFERING_BN` left out)."""
    df = tenor_auctions(tenor)
    d = df.loc[df["left_out"].isna(), ["date", metric]].rename(columns={metric: "value"})
    return _to_series(d)


def _h41(series: str) -> pd.Series:
    return _to_series(_series("fed.h41.foreign_official", series=series, measure="wednesday"))


def _pboc() -> pd.Series:
    return _to_series(_series("curated.pboc_gold_monthly", metric="gold_moz"))


def _cofer() -> pd.Series:
    return _to_series(_series("imf.cofer", region="G001", indicator="share_pct", currency="USD"))


_I = [
    Indicator("china_holdings", "China, Mainland: Treasury holdings (TIC)", "USD bn",
              ("tic.table5.vintage-2026-07", "tic.holdings.vintage-2026-07"), "monthly",
              lambda: _tic(country="China, Mainland"), "holders", decimals=1),
    Indicator("japan_holdings", "Japan: Treasury holdings (TIC)", "USD bn",
              ("tic.table5.vintage-2026-07", "tic.holdings.vintage-2026-07"), "monthly",
              lambda: _tic(country="Japan"), "holders", decimals=1),
    Indicator("foreign_official_tic", "Foreign official holdings of Treasuries (TIC)", "USD bn",
              ("tic.table5.vintage-2026-07", "tic.holdings.vintage-2026-07"), "monthly",
              lambda: _tic(row_type="foreign_official"), "holders", decimals=1),
    Indicator("custody_foreign_official", "Custody holdings for foreign official accounts (H.4.1)", "USD bn",
              ("fed.custody_foreign_official",), "weekly",
              lambda: _to_series(_series("fed.custody_foreign_official")), "demand", decimals=1),
    Indicator("rrp_foreign_official", "Foreign official reverse repo pool (H.4.1)", "USD bn",
              ("fed.h41.foreign_official",), "weekly", lambda: _h41("rrp_foreign_official"), "demand", decimals=1),
    Indicator("fima_repo", "FIMA repo facility drawn (H.4.1)", "USD bn",
              ("fed.h41.foreign_official",), "weekly", lambda: _h41("fima_repo"), "demand", decimals=1),
    Indicator("auction_indirect_10y", "10-year note auctions: indirect bidders' share of the offering (SOMA add-ons "
              "excluded)", "percent",
              ("treasury.auctions",), "per auction", lambda: _auction("indirect_share"), "demand"),
    Indicator("auction_btc_10y", "10-year note auctions: bid-to-cover", "ratio",
              ("treasury.auctions",), "per auction", lambda: _auction("bid_to_cover"), "demand"),
    Indicator("auction_tail_10y", "10-year note auctions: tail proxy (high minus median yield, not the when-issued "
              "tail)", "bp",
              ("treasury.auctions",), "per auction", lambda: _auction("tail_proxy_bp"), "demand", decimals=1),
    Indicator("yield_10y", "10-year Treasury yield (CMT)", "percent", ("yields.cmt",), "daily",
              lambda: _cmt("DGS10"), "rates"),
    Indicator("real_yield_10y", "10-year TIPS real yield", "percent", ("rates.daily",), "daily",
              lambda: _rates("DFII10"), "rates"),
    Indicator("breakeven_10y", "10-year breakeven inflation", "percent", ("rates.daily",), "daily",
              lambda: _rates("T10YIE"), "rates"),
    # ACM, not Kim-Wright: the series the engine's term-premium shocks are estimated on (params/shocks_estimate)
    # and the scenario fans draw (report/history.py), so the Rates page, the alert and the fans agree
    Indicator("term_premium_10y", "10-year term premium (ACM, New York Fed)", "percent", ("macro.term_premium",),
              "daily", lambda: _to_series(_series("macro.term_premium", series="ACMTP10")), "rates",
              series="ACMTP10", decimals=3),
    Indicator("mortgage_30y", "30-year fixed mortgage rate (Freddie Mac PMMS)", "percent", ("mortgage.rate30",),
              "weekly", lambda: _by_file("MORTGAGE30US.csv", "MORTGAGE30US"), "rates"),
    Indicator("baa_spread", "Baa corporate spread over the 10-year", "percentage points", ("fred.baa10y",),
              "daily", lambda: _to_series(_series("fred.baa10y")), "rates"),
    Indicator("fed_treasuries", "Fed holdings of Treasuries (H.4.1)", "USD bn", ("fed.treasuries",), "weekly",
              lambda: _to_series(_series("fed.treasuries")), "holders", decimals=1),
    Indicator("pboc_gold", "PBoC official gold reserves", "million troy oz", ("curated.pboc_gold_monthly",),
              "monthly", _pboc, "reserves"),
    Indicator("cofer_usd_share", "US dollar share of allocated FX reserves (COFER)", "percent", ("imf.cofer",),
              "quarterly", _cofer, "reserves"),
]
INDICATORS: dict[str, Indicator] = {i.id: i for i in _I}


def get(indicator_id: str) -> Indicator:
    from treasurylab.errors import BadInput, did_you_mean

    if indicator_id not in INDICATORS:
        raise BadInput("unknown indicator", field="indicator", got=indicator_id,
                       fix=did_you_mean(indicator_id, INDICATORS))
    return INDICATORS[indicator_id]


def published(indicator_id: str, index: pd.DatetimeIndex) -> pd.DatetimeIndex | None:
    """When each observation of the indicator became public, by the publication rule of its dataset
    (:data:`treasurylab.data.asof.RULES`: TIC end of month + 49 days, daily rates and H.4.1's weekly lines
    the next day, auctions and the mortgage survey the same day, the ACM term premium and the Baa spread the
    next business day (:data:`~treasurylab.data.asof.SERIES_RULES` for a dataset of several series), PBoC
    gold the 7th of the next month, COFER the end of the next quarter, ...), or None where its datasets have
    no rule (then the observation date is all that is known; every indicator here has one, a test checks)."""
    from treasurylab.data.asof import RULES, SERIES_RULES

    ind = get(indicator_id)
    rule = next((RULES[d][1] for d in ind.datasets if d in RULES), None)
    if rule is None:
        rule = next((SERIES_RULES[d][2].get(ind.series) for d in ind.datasets if d in SERIES_RULES), None)
    if rule is None:
        return None
    return pd.DatetimeIndex(rule(pd.Series(index.strftime("%Y-%m-%d"))))


def series(indicator_id: str) -> pd.Series:
    """The indicator's observations (Unavailable with the reason when the store has none)."""
    from treasurylab.errors import TreasurylabError

    ind = get(indicator_id)
    try:
        s = ind.read()
    except Unavailable:
        raise
    except TreasurylabError as exc:
        raise Unavailable(str(exc)) from None
    if s.empty:
        raise Unavailable(f"the dataset {', '.join(ind.datasets)} has no observations for it")
    return s
