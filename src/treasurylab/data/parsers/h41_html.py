"""Parser for the Federal Reserve Board's H.4.1 release page ("Factors Affecting Reserve Balances"), HTML.

One release file gives one week; several files (one per release, as ``data update`` keeps them) give a
weekly history. Three foreign-official lines are read, each as the week's average of daily figures and
as the Wednesday level:

- ``custody_treasuries``: table 1A memo "Marketable U.S. Treasury securities" under "Securities held in
  custody for foreign official and international accounts" (the Wednesday level is FRED WMTSECL1);
- ``custody_total``: the memo's total of securities held in custody for those accounts;
- ``rrp_foreign_official``: "Reverse repurchase agreements" -> "Foreign official and international
  accounts" (the foreign official reverse repo pool; FRED WLRRAFOIAL);
- ``fima_repo``: "Repurchase agreements" -> "Foreign official" (the FIMA repo facility).

The layout is a set of HTML tables whose first cell names the line; footnote digits glued to a label
(``Marketable U.S. Treasury securities1``) are dropped. "Foreign official" appears under several parents
(repurchase agreements, deposits), so each child line is read under its parent line.

Output (tidy): ``date`` (the Wednesday that ends the week, YYYY-MM-DD), ``series``, ``measure``
(``wednesday`` or ``week_average``), ``value`` (USD bn; the release prints USD millions).
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

VERSION = "h41-html-1"

# (parent label, child label) -> series; parent None: the label alone identifies the line
_LINES = {
    ("Securities held in custody for foreign official and international accounts", None): "custody_total",
    ("Securities held in custody for foreign official and international accounts",
     "Marketable U.S. Treasury securities"): "custody_treasuries",
    ("Reverse repurchase agreements", "Foreign official and international accounts"): "rrp_foreign_official",
    ("Repurchase agreements", "Foreign official"): "fima_repo",
}
_PARENTS = {p for p, _ in _LINES}
_WEDNESDAY = re.compile(r"Wednesday\s+([A-Z][a-z]{2})\s+(\d{1,2}),\s+(\d{4})")
_NUMBER = re.compile(r"^-?[\d,]+$")


class _Tables(HTMLParser):
    """Rows of every table as lists of cell texts (whitespace collapsed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _label(cell: str) -> str:
    return re.sub(r"\d+$", "", cell).strip()  # footnote digits glued to the label


def _number(cell: str, where: str) -> float:
    c = cell.replace(" ", "")
    if not _NUMBER.match(c):
        raise DataError(
            f"unexpected value {cell!r} on the line {where!r}",
            field="H.4.1 release",
            fix="give the H.4.1 release page as published (federalreserve.gov/releases/h41)",
        )
    return float(c.replace(",", ""))


def parse_text(text: str) -> pd.DataFrame:
    p = _Tables()
    p.feed(text)
    m = _WEDNESDAY.search(" ".join(" ".join(r) for r in p.rows[:50]))
    if m is None:
        raise DataError(
            "no 'Wednesday <date>' column header found",
            field="H.4.1 release",
            fix="give the H.4.1 release page as published (federalreserve.gov/releases/h41)",
        )
    date = dt.datetime.strptime(" ".join(m.groups()), "%b %d %Y").date().isoformat()
    out: dict[str, tuple[float, float]] = {}
    parent = None
    for row in p.rows:
        if not row:
            continue
        lab = _label(row[0])
        if lab in _PARENTS:
            parent = lab
            key = (lab, None)
        elif parent is not None and (parent, lab) in _LINES:
            key = (parent, lab)
        else:
            # a line at the parent's level ends the parent's children (children follow it directly)
            if lab and lab not in ("Others", "Foreign official"):
                parent = None
            continue
        series = _LINES.get(key)
        if series is None or series in out or len(row) < 5:
            continue
        out[series] = (_number(row[1], lab), _number(row[4], lab))
    missing = sorted(set(_LINES.values()) - set(out))
    if missing:
        raise DataError(
            f"lines not found in the release: {', '.join(missing)}",
            field="H.4.1 release",
            fix="give the full H.4.1 release page (tables 1 and 1A); the file looks truncated",
        )
    rows = []
    for series, (avg, wed) in sorted(out.items()):
        rows.append({"date": date, "series": series, "measure": "wednesday", "value": wed / 1000.0})
        rows.append({"date": date, "series": series, "measure": "week_average", "value": avg / 1000.0})
    return pd.DataFrame(rows, columns=["date", "series", "measure", "value"])


def sniff(text: str) -> bool:
    return "Factors Affecting Reserve Balances" in text[:200000] and "<t" in text[:200000].lower()


def parse(paths: list[Path]) -> pd.DataFrame:
    """One or several release files (one week each) -> a weekly table; a week given twice is an error."""
    frames = [parse_text(Path(p).read_bytes().decode("utf-8")) for p in paths]
    df = pd.concat(frames, ignore_index=True)
    dup = df.duplicated(["date", "series", "measure"])
    if dup.any():
        raise DataError(
            f"the week ended {df.loc[dup, 'date'].iloc[0]} is given twice",
            field="H.4.1 release",
            fix="give each weekly release once",
        )
    return df.sort_values(["series", "measure", "date"], kind="stable").reset_index(drop=True)
