"""The weekly reading of foreign official demand: build, rotation or retreat (and FIMA borrowing).

Rule (stated beside the reading wherever it is shown; see docs of the monitor):

- over ``WINDOW_WEEKS`` (13) weeks, custody holdings for foreign official accounts (H.4.1) moved by
  ``dc`` and the foreign official reverse repo pool by ``dr`` (USD bn); ``BAND_BN`` (5) is the flat band;
- a FIMA repo balance above zero in the latest week outranks everything: **borrowing** (officials borrow
  against their Treasuries instead of selling);
- ``dc > band``: **build**; ``|dc| <= band``: **steady**;
- ``dc < -band`` and ``dr >= -band``: **rotation** (the same dollars parked at the Fed);
  ``dc < -band`` and ``dr < -band``: **retreat** (the official bid leaving);
- ``dc < -band`` with no reverse-repo history for the window: **custody down, unclassified** (rotation and
  retreat cannot be told apart; said so rather than guessed).

The band and window are a reader's convention (see the monitor reference), labelled as such.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

WINDOW_WEEKS = 13
BAND_BN = 5.0
RULE = (f"Over {WINDOW_WEEKS} weeks: FIMA repo drawn -> borrowing; custody up more than ${BAND_BN:.0f}bn -> build; "
        f"within +/-${BAND_BN:.0f}bn -> steady; down more than ${BAND_BN:.0f}bn with reverse repos flat or up -> "
        f"rotation, with reverse repos down too -> retreat (band and window: a reader's convention)")


@dataclass
class Reading:
    label: str
    sentence: str
    custody_change: float | None
    rrp_change: float | None
    fima: float | None
    as_of: str


def _change(s: pd.Series | None, weeks: int) -> tuple[float, str] | None:
    if s is None or s.empty:
        return None
    last_d = s.index[-1]
    prior = s[s.index <= last_d - pd.DateOffset(weeks=weeks)]
    if prior.empty:
        return None
    return float(s.iloc[-1] - prior.iloc[-1]), prior.index[-1].date().isoformat()


def read(custody: pd.Series, rrp: pd.Series | None, fima: pd.Series | None) -> Reading:
    """The reading for the latest week of ``custody`` (each series USD bn, weekly, date-indexed)."""
    as_of = custody.index[-1].date().isoformat()
    c = _change(custody, WINDOW_WEEKS)
    r = _change(rrp[rrp.index <= custody.index[-1]] if rrp is not None else None, WINDOW_WEEKS)
    f = float(fima.iloc[-1]) if fima is not None and len(fima) else None
    dc = c[0] if c else None
    dr = r[0] if r else None
    if f is not None and f > 0:
        label = "borrowing"
        sent = f"Foreign officials drew ${f:,.1f}bn on the FIMA repo facility: they borrow against Treasuries instead of selling."
    elif dc is None:
        label, sent = "no reading", f"Fewer than {WINDOW_WEEKS} weeks of custody data."
    elif dc > BAND_BN:
        label, sent = "build", f"Foreign officials added ${dc:,.0f}bn of custody Treasuries over {WINDOW_WEEKS} weeks: a build."
    elif dc >= -BAND_BN:
        label, sent = "steady", f"Custody holdings moved ${dc:+,.0f}bn over {WINDOW_WEEKS} weeks: within the ${BAND_BN:.0f}bn band."
    elif dr is None:
        label = "custody down, unclassified"
        sent = (f"Foreign officials cut custody Treasuries by ${-dc:,.0f}bn over {WINDOW_WEEKS} weeks; the store has no "
                f"{WINDOW_WEEKS}-week history of the foreign official reverse repo pool, so rotation and retreat cannot be told apart.")
    elif dr >= -BAND_BN:
        label = "rotation"
        sent = (f"Foreign officials cut custody Treasuries by ${-dc:,.0f}bn over {WINDOW_WEEKS} weeks while reverse-repo "
                f"cash moved ${dr:+,.0f}bn: a rotation, not a retreat.")
    else:
        label = "retreat"
        sent = (f"Foreign officials cut custody Treasuries by ${-dc:,.0f}bn and reverse-repo cash by ${-dr:,.0f}bn over "
                f"{WINDOW_WEEKS} weeks: a retreat.")
    return Reading(label, sent, dc, dr, f, as_of)
