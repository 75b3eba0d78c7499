"""The trust premium's loadings by tenor, estimated from the daily CMT curve in an event window.

The market block's trust term is ``trust_k = psi_k (1 - trust)`` (model/market.py). Its scale is
Krishnamurthy & Vissing-Jorgensen's 73 bp convenience yield, kept at the 10-year; how a loss of
trust spreads over the curve is read off an episode in which markets priced one: the April 2025
"Sell America" days, from the close of 2 April 2025 (before the tariff announcement after the close)
to the close of 11 April 2025, when long Treasury yields rose while the dollar and US equities fell.
The loading of tenor k is its yield change over the window relative to the 10-year's::

    loading_k = (y_k(end) - y_k(start)) / (y_10y(end) - y_10y(start))      (daily CMT, ``yields.cmt``)
    psi_k     = psi_10y * loading_k                                         (bp at zero trust)

What the data can and cannot say (docs/holders_market.md repeats it):

* one episode, one net change per tenor: no sampling error can be computed, and CMT yields are quoted
  to 1 bp, so with a 28 bp 10-year move each loading is known to about +-0.05 from rounding alone;
* the short end is anchored by policy: the 3-month barely moved, and the 2-year's change mixes any
  trust premium with the repricing of the policy path (cuts priced on 3-4 April, priced out on 9
  April when the tariffs were paused), which this window cannot separate; the long end (5y-30y) is
  where the episode speaks;
* the window matters: the selling days alone (4 -> 11 April, :data:`ALTERNATIVE_WINDOWS`) load the
  2-year three times as much (the fall of 3-4 April reversed) - the documented alternative.

``python -m treasurylab.params.trust_estimate`` prints the estimate; a test recomputes it from the
data and checks the numbers in ``params/defaults/market.yaml`` (``trust_bp``) against it.
"""

from __future__ import annotations

from treasurylab.errors import BadInput

TENORS = ("3m", "2y", "5y", "10y", "30y")                 # the market block's tenors (model/market.TENORS)
CMT_TENORS = ("3M", "2Y", "5Y", "10Y", "30Y")             # their names in ``yields.cmt``
WINDOW = ("2025-04-02", "2025-04-11")                     # close to close: the Sell America days
ALTERNATIVE_WINDOWS = {"selling_days_only": ("2025-04-04", "2025-04-11")}
PSI_10Y_BP = 73.0           # Krishnamurthy & Vissing-Jorgensen (2012), calibration.md s1.5
DIGITS = 1                  # psi_k is written in bp to one decimal


def window_changes_bp(start: str = WINDOW[0], end: str = WINDOW[1]) -> dict[str, float]:
    """Yield change of each tenor from the close of ``start`` to the close of ``end`` (bp, daily CMT)."""
    import pandas as pd

    from treasurylab import data

    cmt = data.series("yields.cmt", start=start, end=end)
    w = cmt.pivot_table(index="date", columns="tenor", values="value")
    w.index = pd.to_datetime(w.index)
    days = [pd.Timestamp(start), pd.Timestamp(end)]
    missing = [str(d.date()) for d in days if d not in w.index]
    if missing:
        raise BadInput("no CMT quote on that day", field="trust window", got=missing,
                       fix="give trading days inside the bundled yields.cmt data")
    return {t: round(100.0 * float(w.loc[days[1], c] - w.loc[days[0], c]), 6) for t, c in zip(TENORS, CMT_TENORS)}


def loadings(start: str = WINDOW[0], end: str = WINDOW[1]) -> dict[str, float]:
    """Each tenor's change over the window relative to the 10-year's (1 at the 10-year)."""
    d = window_changes_bp(start, end)
    if abs(d["10y"]) < 5.0:
        raise BadInput("the 10-year moved too little in this window to scale the other tenors by",
                       field="trust window", got=d["10y"], fix="choose a window with a 10-year move of 5 bp or more")
    return {t: d[t] / d["10y"] for t in TENORS}


def trust_bp(start: str = WINDOW[0], end: str = WINDOW[1], psi_10y: float = PSI_10Y_BP) -> dict[str, float]:
    """psi_k = psi_10y x loading_k, bp at zero trust, rounded as written in market.yaml."""
    return {t: round(psi_10y * v, DIGITS) for t, v in loadings(start, end).items()}


def main() -> None:  # pragma: no cover - a printout for docs and the YAML
    d = window_changes_bp()
    print(f"window {WINDOW[0]} -> {WINDOW[1]} (bp): " + ", ".join(f"{t} {v:+.0f}" for t, v in d.items()))
    print("loadings: " + ", ".join(f"{t} {v:.3f}" for t, v in loadings().items()))
    print("trust_bp: " + str(trust_bp()))
    for name, (s, e) in ALTERNATIVE_WINDOWS.items():
        print(f"{name} ({s} -> {e}): loadings " + ", ".join(f"{t} {v:.3f}" for t, v in loadings(s, e).items())
              + f"; trust_bp {trust_bp(s, e)}")
    print(f"rounding: CMT quotes are to 1 bp, so a change is known to +-1 bp and each loading to about "
          f"+-{1.0 / abs(d['10y']):.2f} from its own change alone")

if __name__ == "__main__":  # pragma: no cover
    main()
