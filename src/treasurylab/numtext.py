"""How a number is written as text: one home below every layer (like ``units.py``), so that ``run``'s
table, the HTML report, a notebook, the dashboard's tables and the watch's alerts write a number
alike. Four copies had grown apart: the report wrote -0.00 and 0.00 for a small share the dashboard
wrote 0.00033, and an alert's bound of 0.001 read "0"."""

from __future__ import annotations

import math


def number(x: float, decimals: int = 2, *, small: bool = True, trim: bool = False, sign: bool = False) -> str:
    """``x`` with thousands separators and ``decimals`` digits after the point ('1,060.35').

    - A value that rounds to zero is written 0, never -0: '-0.00' reads as a loss where there is none.
    - ``small`` (the default): a value that is not zero but under one unit of the last decimal keeps
      two significant digits instead (0.00033, not 0.00: the Danish sale's share of marketable debt;
      0.0085, not 0.01), so a table never shows a real amount as zero. Off where ``decimals`` is the
      publisher's precision (the watch's indicators): digits beyond it would be float noise.
    - ``trim``: trailing zeros after the point dropped ('650', '0.5'), a rule's bound as its author
      wrote it.
    - ``sign``: a leading '+' on a positive value (a difference).
    """
    x = float(x)
    plus = "+" if sign else ""
    if small and x != 0 and math.isfinite(x) and abs(x) < 10.0 ** -decimals:
        text = f"{x:{plus}.{1 - math.floor(math.log10(abs(x)))}f}"
    else:
        r = round(x, decimals) if math.isfinite(x) else x
        text = f"{(r if r != 0 else 0.0):{plus},.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
