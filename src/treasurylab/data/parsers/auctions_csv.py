"""Parser for Treasury auction results: Fiscal Data's "Treasury Securities Auctions Data" (endpoint
``v1/accounting/od/auctions_query``), either as its API JSON (``{"data": [...], "meta": ...}``, every
value a string, ``"null"`` for none) or as a CSV with the API's field names (the bundled file).

The API's own fields are used: ``auction_date``, ``security_type``, ``security_term``, ``offering_amt``,
``bid_to_cover_ratio``, ``high_yield``, ``avg_med_yield``, ``indirect_bidder_accepted``,
``total_accepted`` and, where present (API layout), ``comp_accepted``. Derived here, with their basis
stated, not taken from a third party's derived columns:

- ``indirect_share``: indirect bidders' accepted amount over competitive accepted (``comp_accepted``) when
  the file has it (the API layout; Treasury's own measure); else over the offering amount
  (``offering_amt``, the amount offered to the public: SOMA's add-on tenders come on top of it, so
  ``total_accepted`` minus ``offering_amt`` is the Fed's add-on - never negative at any auction with
  indirect bidder data in the bundled file, zero where SOMA rolled nothing over); else over total
  accepted (SOMA add-ons included, which understates the share). ``indirect_basis`` says which
  (``competitive``, ``offering`` or ``total``). Over the offering, non-competitive and FIMA awards stay in
  the denominator (the bundled file has no ``comp_accepted``), so the share sits below Treasury's share
  of competitive awards by that non-competitive fraction. Percent. Indirect bidders are not the same as foreign buyers (Treasury
  says so).
- ``tail_proxy_bp``: high yield minus median yield, basis points, rounded to 0.1 bp (the yields are
  printed to three decimals): how far the stop-out sits above the middle of the accepted bids. It is not
  the tail (high yield minus the when-issued yield at the bidding deadline, not in this data), only a
  proxy for it; being the top of the accepted range against its median it is never negative.

- ``tenor``: the original tenor of a reopening (``9-Year 11-Month`` -> ``10-Year``, ``29-Year 6-Month`` ->
  ``30-Year``: years plus months rounded to the nearest year), so that a tenor's history includes its
  reopenings; bill terms (``4-Week``) are kept as printed.

- ``inflation_indexed``: whether the auction was of TIPS (True), a nominal security (False), or the file
  cannot tell (null). The API's own flag (``inflation_index_security``, ``Yes``/``No``) is used when the
  file has it. The bundled file dropped it (TIPS appear as Note/Bond, the term as ``10-Year``), and no
  field of it says TIPS; the maturity date does, for the tenors where Treasury's schedule keeps the two
  apart (:data:`TIPS_MATURITY`): 10-year notes mature on the 15th of February, May, August and November
  (the quarterly refunding), 10-year TIPS on the 15th of January and July; 20-year bonds on the 15th of
  February, May, August or November, 20-year TIPS (2004-2009) on 15 January; 30-year bonds on the 15th of
  February, May, August or November, 30-year TIPS on 15 April (1998-2001) or 15 February (from 2010),
  so a 30-year issue maturing on 15 February is left null. Before the first TIPS auction (29 January
  1997) every auction is nominal; bills are never TIPS; other notes and bonds (2-, 3-, 5-, 7-year, FRNs)
  are null. Source: Treasury's auction schedule and TIPS terms (TreasuryDirect, "Treasury
  Inflation-Protected Securities (TIPS)" and the tentative auction schedule: 10-year TIPS are new in
  January and July, 10-year notes at the February, May, August and November refundings, each maturing
  on the 15th). Checked against the New York Fed's SOMA holdings of 16 February 2022
  (``fed.soma.2022-02-16``), which type every CUSIP they hold: all 181 of the file's 10-year auctions
  whose CUSIP SOMA held are classified as SOMA types them (tests/data/test_monitor_data.py).

Rows of auctions announced but not yet held (no ``total_accepted``) are dropped.

Output: ``date`` (auction date, YYYY-MM-DD), ``security_type``, ``security_term``, ``cusip``,
``reopening``, ``tenor``, ``maturity_date``, ``inflation_indexed``, ``offering_bn``, ``accepted_bn``, ``bid_to_cover``, ``high_yield``, ``median_yield``,
``indirect_share``, ``indirect_basis``, ``tail_proxy_bp``, ``value`` (= ``indirect_share``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from treasurylab.errors import DataError

VERSION = "auctions-fiscaldata-3"  # 2: inflation_indexed, maturity_date; 3: indirect share over the offering, tail to 0.1 bp

REQUIRED = ["auction_date", "security_type", "security_term", "bid_to_cover_ratio", "high_yield",
            "avg_med_yield", "indirect_bidder_accepted", "total_accepted"]


_TERM = re.compile(r"^(\d+)-Year(?: (\d+)-Month)?$")


def tenor(term: str) -> str:
    """Original tenor of a (possibly reopened) issue: whole years, months rounded; others unchanged."""
    m = _TERM.match(term.strip())
    if not m:
        return term.strip()
    years = int(m.group(1)) + int(m.group(2) or 0) / 12.0
    return f"{int(years + 0.5)}-Year"


#: original tenor -> (maturity months of its TIPS, maturity months of its nominal issues), the 15th of each
#: month; a month in neither (or in both) leaves the auction null. See the module docstring for the source.
TIPS_MATURITY: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "10-Year": ((1, 7), (2, 5, 8, 11)),
    "20-Year": ((1,), (2, 5, 8, 11)),
    "30-Year": ((2, 4), (2, 5, 8, 11)),
}
FIRST_TIPS_AUCTION = "1997-01-29"


def _inflation_indexed(raw: pd.DataFrame, tenors: pd.Series) -> pd.Series:
    """True (TIPS), False (nominal) or NA (the file cannot tell); see the module docstring."""
    out = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    if "inflation_index_security" in raw.columns:   # the API's own flag, when the file kept it
        flag = raw["inflation_index_security"].astype(str).str.strip().str.lower()
        out[flag.isin(["yes", "true", "y"])] = True
        out[flag.isin(["no", "false", "n"])] = False
        if out.notna().all():
            return out
    stype = raw["security_type"].astype(str).str.strip()
    date = raw["auction_date"].astype(str).str.strip()
    mat = pd.to_datetime(raw["maturity_date"] if "maturity_date" in raw.columns else pd.Series("", index=raw.index),
                         format="%Y-%m-%d", errors="coerce")
    guess = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    for t, (tips, nominal) in TIPS_MATURITY.items():
        on15 = (tenors == t) & (mat.dt.day == 15)
        guess[on15 & mat.dt.month.isin(tips) & ~mat.dt.month.isin(nominal)] = True
        guess[on15 & mat.dt.month.isin(nominal) & ~mat.dt.month.isin(tips)] = False
    guess[stype == "Bill"] = False
    guess[date < FIRST_TIPS_AUCTION] = False   # no TIPS existed
    return out.fillna(guess)


def _num(s: pd.Series) -> pd.Series:
    s = s.astype(str).str.strip().replace({"null": "", "None": "", "nan": ""})
    return pd.to_numeric(s.where(s != ""), errors="raise")


def _read(path: Path) -> pd.DataFrame:
    text = path.read_bytes().decode("utf-8").lstrip("\ufeff")
    if text.lstrip().startswith("{"):
        doc = json.loads(text)
        if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
            raise DataError("the JSON has no 'data' list", field=path.name,
                            fix="give the auctions_query API response as downloaded")
        return pd.DataFrame(doc["data"], dtype=str)
    import io

    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def parse_frame(raw: pd.DataFrame, name: str = "auctions") -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(f"columns missing: {', '.join(missing)}", field=name,
                        fix="give Fiscal Data's auctions_query download (its field names as headers)")
    try:
        total = _num(raw["total_accepted"])
        indirect = _num(raw["indirect_bidder_accepted"])
        comp = _num(raw["comp_accepted"]) if "comp_accepted" in raw.columns else None
        btc = _num(raw["bid_to_cover_ratio"])
        high = _num(raw["high_yield"])
        med = _num(raw["avg_med_yield"])
        offer = _num(raw["offering_amt"]) if "offering_amt" in raw.columns else total * np.nan
    except ValueError as exc:
        raise DataError(f"non-numeric amount or yield ({exc})", field=name,
                        fix="the file looks truncated or edited; download it again") from None
    held = total.notna()
    tenors = raw["security_term"].map(tenor)
    if comp is not None:
        denom, basis = comp, "competitive"
    elif "offering_amt" in raw.columns:   # the public offering: total accepted less SOMA's add-on
        denom, basis = offer, "offering"
    else:
        denom, basis = total, "total"
    share = 100.0 * indirect / denom.where(denom > 0)
    out = pd.DataFrame({
        "date": raw["auction_date"].str.strip(),
        "security_type": raw["security_type"].str.strip(),
        "security_term": raw["security_term"].str.strip(),
        "cusip": raw["cusip"].str.strip() if "cusip" in raw.columns else "",
        "reopening": raw["reopening"].str.strip() if "reopening" in raw.columns else "",
        "tenor": tenors,
        "maturity_date": raw["maturity_date"].str.strip() if "maturity_date" in raw.columns else "",
        "inflation_indexed": _inflation_indexed(raw, tenors),
        "offering_bn": offer / 1e9,
        "accepted_bn": total / 1e9,
        "bid_to_cover": btc,
        "high_yield": high,
        "median_yield": med,
        "indirect_share": share,
        "indirect_basis": basis,
        "tail_proxy_bp": ((high - med) * 100.0).round(1),
    })[held]
    bad = ~out["date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    if bad.any():
        raise DataError(f"unreadable auction date {out.loc[bad, 'date'].iloc[0]!r}", field=name,
                        fix="dates must be YYYY-MM-DD as Fiscal Data writes them")
    out["value"] = out["indirect_share"]
    return out.sort_values(["date", "security_term"], kind="stable").reset_index(drop=True)


def parse(paths: list[Path]) -> pd.DataFrame:
    return pd.concat([parse_frame(_read(Path(p)), Path(p).name) for p in paths], ignore_index=True)
