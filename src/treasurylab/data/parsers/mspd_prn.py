"""Parser for the Monthly Statement of the Public Debt, fixed-width text layout (``opdmMMYYYY.prn``, 2020-2022).

The ``.prn`` file is the whole statement as printed: Table I (summary), Table II (debt limit), **Table III
(detail of every marketable security)**, nonmarketable detail, Tables IV-V and notes. Only Table III's
marketable part is read here. Quirks of the format, each handled:

- lines end in CR CR LF; the text is Windows-1252 (0x85 = '…' in dot leaders). A copy re-encoded to UTF-8
  (where 0x85 becomes E2 80 A6) or UTF-16 is refused: byte-exact fidelity is part of provenance;
- page numbers glued to table titles (``2TABLE III``, ``10TABLE III``): titles are matched anywhere on a line;
- footnote numbers and letters inside section descriptions (``Treasury Floating Rate Notes: 20  e``,
  ``Treasury Inflation-Protected S7,18  e``): a section is recognised by keywords only;
- negative amounts in parentheses (``(5)``, ``(17,593)``), ``*`` for less than $0.5 million (read as 0,
  flagged in ``amount_note``), thousands separators;
- one line per issue or reopening of a CUSIP; only the first line of a CUSIP carries the maturity date,
  interest payment dates and the outstanding amount of the whole CUSIP.

Security lines are read by token pattern, not by column position: decimals (rate and/or yield) come
before the ``MM/DD/YY`` dates, two ``MM/DD`` interest payment dates follow on notes, bonds, TIPS and FRN,
and the amounts come last: issued, inflation adjustment, redeemed, and on a CUSIP's first line outstanding.

Output, tidy, one row per printed line (amounts in USD **millions** as published)::

    date (statement date, 'YYYY-MM-DD'), record_type ('issue' | 'reopening' | 'matured' | 'ffb'),
    class_code ('bill' | 'note' | 'bond' | 'tips' | 'frn' | 'ffb'), cusip, rate (coupon, % p.a.; NaN for
    bills and FRN), yield (% p.a.; for bills the auction yield, for FRN the yield/spread column as printed),
    issue_date, maturity_date ('YYYY-MM-DD'; carried to reopening lines of the same CUSIP),
    issued, inflation_adj, redeemed (negative = redeemed), outstanding (first line of a CUSIP only),
    amount_note ('less_than_0.5mn' where a '*' was printed), line (line number in the file)

``matured`` rows are the per-class ``Total Matured ...`` lines (securities matured but not yet presented)
and ``ffb`` the Federal Financing Bank line, so that ``outstanding`` summed by ``class_code`` equals the
class totals of Table I: outstanding(class) = issued + inflation adjustment + redeemed.

Checks (any failure is a :class:`DataError`): the marketable part of Table III is present and ends at its
``Total Marketable`` line (a truncated copy does not); every security line has a CUSIP and 3 or 4 amounts;
per CUSIP, outstanding = sum over its lines of issued + inflation adjustment + redeemed within 1 million per
line (rounding); per class, the detail lines add up to the printed class total within the rounding of
the lines; and the class totals add up to the printed ``Total Marketable``.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from treasurylab.errors import DataError

PARSER_VERSION = "1"

FIX = ("restore the original statement file (TreasuryDirect, Monthly Statement of the Public Debt, "
       "opdmMMYYYY.prn, byte for byte: Windows-1252 text with CR CR LF line ends)")

MONTHS = {m: i for i, m in enumerate(["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY",
                                       "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"], 1)}

_CUSIP = re.compile(r"^\s+(912[0-9A-Z]{6})\s+(.*\S)\s*$")
_DATE = re.compile(r"^\d{2}/\d{2}/\d{2}$")
_PAYDAY = re.compile(r"^\d{2}/\d{2}$")
_DEC = re.compile(r"^-?\d+\.\d+$")
_AMOUNT = re.compile(r"^\(?(\*|[\d,]+)\)?$")
_TOTAL_AMOUNTS = re.compile(r"(\(?[\d,]+\)?|\(?\*\)?)\s+(\(?[\d,]+\)?|\(?\*\)?)\s+(\(?[\d,]+\)?|\(?\*\)?)\s+"
                            r"(\(?[\d,]+\)?|\(?\*\)?)\s*$")


def decode(path: Path) -> str:
    """The statement's text (Windows-1252); a copy re-encoded to UTF-8 or UTF-16 is refused."""
    raw = Path(path).read_bytes()
    name = Path(path).name
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:400]:
        raise DataError("file looks re-encoded (UTF-16 bytes); the statement is Windows-1252 text",
                        where=name, fix=FIX)
    if b"\xe2\x80\xa6" in raw or raw.startswith(b"\xef\xbb\xbf"):
        # 0x85 (Windows-1252 '…') written as UTF-8 E2 80 A6: the file was re-saved as UTF-8
        raise DataError("file looks re-encoded to UTF-8 (the original is Windows-1252 with 0x85 bytes)",
                        where=name, fix=FIX)
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataError(f"not Windows-1252 text (byte {exc.start})", where=name, fix=FIX) from None
    # CR CR LF as published; tolerate CRLF or LF if a tool normalised line ends (content unchanged)
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n")


def amount(tok: str) -> tuple[float, bool]:
    """'(17,593)' -> (-17593.0, False); '*' -> (0.0, True) (less than $0.5 million)."""
    neg = tok.startswith("(") and tok.endswith(")")
    core = tok.strip("()")
    if core == "*":
        return (0.0, True)
    v = float(core.replace(",", ""))
    return (-v if neg else v, False)


def _date(tok: str) -> str:
    return datetime.strptime(tok, "%m/%d/%y").strftime("%Y-%m-%d")


def _statement_date(lines: list[str], name: str) -> str:
    for line in lines[:10]:
        m = re.search(r"\b([A-Z]+) (\d{1,2}), (\d{4})\b", line)
        if m and m.group(1) in MONTHS:
            return f"{m.group(3)}-{MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"
    raise DataError("no statement date (e.g. 'JANUARY 31, 2022') in the first lines", where=name, fix=FIX)


def _section(line: str) -> str | None:
    """Class of a Table III section header line ('Marketable, Treasury Notes:', '  Treasury Bills (...')."""
    s = line.strip()
    if s.startswith(("Total", "CUSIP")):
        return None
    if "Floating Rate" in s:
        return "frn"
    if "Inflation-Protected" in s or "TIPS" in s:
        return "tips"
    if "Treasury Bills" in s:
        return "bill"
    if "Treasury Notes" in s:
        return "note"
    if "Treasury Bonds" in s:
        return "bond"
    return None


def _total_amounts(line: str) -> list[float] | None:
    m = _TOTAL_AMOUNTS.search(line)
    if not m:
        return None
    return [amount(t)[0] for t in m.groups()]


def parse(paths: list[Path]) -> pd.DataFrame:
    path = Path(paths[0])
    name = path.name
    lines = decode(path).split("\n")
    date = _statement_date(lines, name)
    start = next((i for i, l in enumerate(lines) if re.search(r"TABLE III\s*-+\s*DETAIL", l)), None)
    if start is None:
        raise DataError("no 'TABLE III - DETAIL OF TREASURY SECURITIES OUTSTANDING' (truncated file?)",
                        where=name, fix=FIX)
    rows: list[dict] = []
    printed: dict[str, list[float]] = {}  # class -> printed class total (issued, infl, redeemed, outstanding)
    grand: list[float] | None = None
    cls: str | None = None
    current: dict | None = None  # first line of the CUSIP being read
    for i in range(start + 1, len(lines)):
        line = lines[i]
        s = line.strip()
        if s.startswith("Total Marketable"):
            grand = _total_amounts(line)
            break
        m = _CUSIP.match(line)
        if m:
            if cls is None:
                raise DataError(f"line {i + 1}: security line before any section header", where=name, fix=FIX)
            rows.append(_security(m.group(1), m.group(2).split(), cls, date, i + 1, current, name))
            if rows[-1]["record_type"] == "issue":
                current = rows[-1]
            continue
        if s.startswith("Federal Financing Bank"):
            amts = _total_amounts(line)
            if amts is None:
                raise DataError(f"line {i + 1}: Federal Financing Bank line without amounts", where=name,
                                fix=FIX)
            rows.append(_aggregate("ffb", "ffb", amts, date, i + 1))
            printed["ffb"] = amts
            continue
        if s.startswith("Total Matured"):
            amts = _total_amounts(line)
            if amts is None or cls is None:
                raise DataError(f"line {i + 1}: unreadable matured-securities total", where=name, fix=FIX)
            rows.append(_aggregate("matured", cls, amts, date, i + 1))
            continue
        if s.startswith("Total Unmatured"):
            continue
        if s.startswith("Total Treasury"):
            amts = _total_amounts(line)
            if amts is None or cls is None:
                raise DataError(f"line {i + 1}: unreadable class total", where=name, got=s[:60], fix=FIX)
            printed[cls] = amts
            continue
        sec = _section(line)
        if sec is not None:
            cls, current = sec, None
    if grand is None:
        raise DataError("Table III ends before its 'Total Marketable' line (file truncated?)", where=name,
                        fix=FIX)
    df = pd.DataFrame.from_records(rows, columns=[
        "date", "record_type", "class_code", "cusip", "rate", "yield", "issue_date", "maturity_date",
        "issued", "inflation_adj", "redeemed", "outstanding", "amount_note", "line"])
    _check(df, printed, grand, name)
    return df


def _security(cusip: str, toks: list[str], cls: str, date: str, lineno: int, current: dict | None,
              name: str) -> dict:
    decs, dates, paydays, amts = [], [], [], []
    for t in toks:
        if amts or not (_DEC.match(t) or _DATE.match(t) or _PAYDAY.match(t)):
            if not _AMOUNT.match(t):
                raise DataError(f"line {lineno}: unexpected field in a security line", where=name, got=t, fix=FIX)
            amts.append(t)
        elif _DATE.match(t):
            dates.append(t)
        elif _PAYDAY.match(t):
            paydays.append(t)
        else:
            decs.append(float(t))
    if len(amts) not in (3, 4) or not dates:
        raise DataError(f"line {lineno}: security line with {len(amts)} amounts and {len(dates)} dates "
                        "(expected 3 or 4 amounts and an issue date; file truncated or edited?)",
                        where=name, got=" ".join(toks)[:80], fix=FIX)
    vals = [amount(t) for t in amts]
    first = len(amts) == 4
    if first and len(dates) < 2:
        raise DataError(f"line {lineno}: first line of {cusip} has no maturity date", where=name, fix=FIX)
    if not first and (current is None or current["cusip"] != cusip):
        raise DataError(f"line {lineno}: reopening of {cusip} without its first line", where=name, fix=FIX)
    has_rate = cls in ("note", "bond", "tips")
    rate = decs[0] if has_rate and len(decs) >= 2 else np.nan
    yld = decs[-1] if decs else np.nan
    return {
        "date": date,
        "record_type": "issue" if first else "reopening",
        "class_code": cls,
        "cusip": cusip,
        "rate": rate,
        "yield": yld,
        "issue_date": _date(dates[0]),
        "maturity_date": _date(dates[1]) if first else current["maturity_date"],
        "issued": vals[0][0],
        "inflation_adj": vals[1][0],
        "redeemed": vals[2][0],
        "outstanding": vals[3][0] if first else np.nan,
        "amount_note": "less_than_0.5mn" if any(v[1] for v in vals) else "",
        "line": lineno,
    }


def _aggregate(kind: str, cls: str, amts: list[float], date: str, lineno: int) -> dict:
    return {"date": date, "record_type": kind, "class_code": cls, "cusip": "", "rate": np.nan,
            "yield": np.nan, "issue_date": None, "maturity_date": None, "issued": amts[0],
            "inflation_adj": amts[1], "redeemed": amts[2], "outstanding": amts[3], "amount_note": "",
            "line": lineno}


def _check(df: pd.DataFrame, printed: dict[str, list[float]], grand: list[float], name: str) -> None:
    if df.empty:
        raise DataError("no marketable securities found in Table III", where=name, fix=FIX)
    sec = df[df["record_type"].isin(["issue", "reopening"])]
    # per CUSIP: printed outstanding = issued + inflation adjustment + redeemed over its lines
    flows = (sec["issued"] + sec["inflation_adj"] + sec["redeemed"]).groupby(sec["cusip"]).sum()
    nlines = sec.groupby("cusip").size()
    out = sec.loc[sec["record_type"] == "issue"].set_index("cusip")["outstanding"]
    if out.index.duplicated().any():
        raise DataError("a CUSIP has two first lines", where=name, got=out.index[out.index.duplicated()][0],
                        fix=FIX)
    gap = (flows.reindex(out.index) - out).abs()
    bad = gap[gap > 3 * nlines.reindex(out.index) + 1]  # each line rounded to a million (3 amounts)
    if len(bad):
        c = bad.index[0]
        raise DataError(f"CUSIP {c}: outstanding does not equal issued + inflation adjustment + redeemed "
                        "over its lines (edited file?)", where=name, fix=FIX)
    classes = ["bill", "note", "bond", "tips", "frn", "ffb"]
    missing = [c for c in classes if c not in printed]
    if missing:
        raise DataError(f"no printed total for class(es) {', '.join(missing)} (file truncated?)", where=name,
                        fix=FIX)
    cols = ["issued", "inflation_adj", "redeemed", "outstanding"]
    for c in classes:
        got = df.loc[df["class_code"] == c, cols].sum().to_numpy()
        n = int((df["class_code"] == c).sum())
        if np.any(np.abs(got - np.array(printed[c])) > n + 1):  # rounding of n printed lines
            raise DataError(f"class {c}: detail lines add up to {got.tolist()}, printed total "
                            f"{printed[c]} (file truncated or edited?)", where=name, fix=FIX)
    tot = np.sum([printed[c] for c in classes], axis=0)
    if np.any(np.abs(tot - np.array(grand)) > len(classes)):
        raise DataError(f"class totals {tot.tolist()} do not add up to Total Marketable {grand}", where=name,
                        fix=FIX)
