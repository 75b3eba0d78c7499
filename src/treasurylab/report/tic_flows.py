"""Words and chart data for a TIC holdings decomposition (:mod:`treasurylab.data.tic_flows`).

:func:`summary_line` is the one-line answer ("holdings -665.6 bn = net purchases -416.0 bn + valuation
+28.8 bn + other -278.5 bn"); :func:`cumulative` the running totals since the jump-off month, one row
per month and part (a tidy frame a line chart draws one line per ``series``); :func:`as_dict` the JSON
document of ``treasurylab data flows``.
"""

from __future__ import annotations

import math

import pandas as pd

from treasurylab.data.tic_flows import Decomposition

UNIT = "USD bn"
PARTS = (("holdings_change", "holdings change"), ("net_purchases", "net purchases"),
         ("valuation", "valuation"), ("other", "other"))


def bn(x: float) -> str:
    """A signed amount in USD bn, one decimal ('+28.8 bn', '-416.0 bn', 'n/a')."""
    return "n/a" if x is None or not math.isfinite(x) else f"{x:+,.1f} bn"


def signed(x: float) -> str:
    """A signed amount, one decimal, for a column whose header gives the unit ('+28.8'; 'n/a')."""
    return "n/a" if x is None or not math.isfinite(x) else f"{x:+,.1f}"


def level(x: float) -> str:
    """A holding in USD bn, one decimal, no sign ('1,316.7'; 'n/a')."""
    return "n/a" if x is None or not math.isfinite(x) else f"{x:,.1f}"


def summary_line(d: Decomposition) -> str:
    val = bn(d.valuation) if math.isfinite(d.valuation) else "n/a (not published: inside other)"
    return (f"holdings {bn(d.holdings_change)} = net purchases {bn(d.net_purchases)} + valuation "
            f"{val} + other {bn(d.other)} ({UNIT}; net purchases < 0 are net sales)")


def cumulative(d: Decomposition) -> pd.DataFrame:
    """Columns date, series (one of the parts' names), value (USD bn, running total since the end of
    the jump-off month, which is the first row at 0). Valuation starts (at 0) in the month before its
    first published month; earlier rows are NaN (no line), since TIC does not publish it there."""
    import numpy as np

    m = d.months
    net = np.concatenate([[0.0], np.cumsum(m["net_purchases"].to_numpy(dtype=float))])
    val = np.concatenate([[0.0], np.cumsum(m["valuation"].fillna(0.0).to_numpy(dtype=float))])
    # from the holdings themselves, so a month without holdings is a gap, not a lost change
    held = np.concatenate([[0.0], m["holdings"].to_numpy(dtype=float) - d.holdings_start])
    runs = {"holdings_change": held, "net_purchases": net, "valuation": val, "other": held - net - val}
    names = dict(PARTS)
    published = m["valuation"].notna().to_numpy()
    if not published.all():
        # months before TIC publishes valuation are not zeros: no line there
        first = int(np.argmax(published)) if published.any() else len(val)
        runs["valuation"] = val.copy()
        runs["valuation"][:first] = math.nan    # runs[first] is the end of the month before: 0
        names["valuation"] = (f"valuation (published from {m['date'].iloc[first]})" if published.any()
                              else "valuation (not published)")
    dates = [d.jump_off, *m["date"]]
    frames = [pd.DataFrame({"date": dates, "series": names[col], "value": runs[col]}) for col, _ in PARTS]
    return pd.concat(frames, ignore_index=True)


def as_dict(d: Decomposition, sources: dict[str, str]) -> dict:
    """The JSON document: holder, window, jump-off, totals, monthly rows, notes and sources (USD bn)."""
    def r(x):
        return None if x is None or not math.isfinite(float(x)) else round(float(x), 3)

    months = []
    for row in d.months.to_dict(orient="records"):
        months.append({k: (r(v) if isinstance(v, float) else v) for k, v in row.items()})
    return {
        "holder": d.holder, "start": d.start, "end": d.end, "unit": UNIT,
        "jump_off": {"month": d.jump_off, "holdings": r(d.holdings_start),
                     "rule": "the window starts from the holdings at the end of the month before --start"},
        "end_holdings": {"month": d.end, "holdings": r(d.holdings_end)},
        "summary": {"holdings_change": r(d.holdings_change), "net_purchases": r(d.net_purchases),
                    "valuation": r(d.valuation), "other": r(d.other), "line": summary_line(d)},
        "months": months, "notes": d.notes, "sources": sources,
        "sign": "net_purchases > 0: net purchases by foreigners (TIC's 'net U.S. sales'); < 0: net sales",
    }
