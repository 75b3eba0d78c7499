"""One home for a month's label, a month's fiscal year and a number's text: no module writes one again.

``params.macro_inputs.ordinal_label`` writes ordinal month o (12 * year + month - 1) as 'YYYY-MM';
``model.fiscal.fiscal_year`` gives its federal fiscal year. Copies of the format string or of the
fiscal-year arithmetic had spread to the report, the scenario layer and the CLI. ``numtext.number``
writes a number as text: four formatters (the run table's, the dashboard's, the watch's indicators' and
its rules' bounds) had grown apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import treasurylab
from treasurylab.params.macro_inputs import ordinal_label

PKG = Path(treasurylab.__file__).parent

#: (what, pattern, its one home)
COPIES = [
    ("a month's label", re.compile(r"//\s*12\s*:04d\}|%\s*12\)?\s*\+\s*1\s*:02d\}"), "params/macro_inputs.py"),
    ("a month's fiscal year", re.compile(r"%\s*12\)?\s*>=\s*9|cal_month\s*>=\s*10"), "model/fiscal.py"),
    # the four number formats that had grown apart: results.fmt_number, indicators.fmt_number,
    # app.cards.cell_number (two significant digits for a small value) and rules._fmt (zeros trimmed)
    ("a number's text", re.compile(r"def (fmt_number|cell_number)\b|rstrip\(\"0\"\)\.rstrip\(\"\.\"\)"
                                   r"|1 - math\.floor\(math\.log10"), "numtext.py"),
]


@pytest.mark.parametrize("what,pattern,home", COPIES, ids=[c[0] for c in COPIES])
def test_no_second_copy(what, pattern, home):
    found = [f"{p.relative_to(PKG)}:{i}" for p in sorted(PKG.rglob("*.py"))
             for i, line in enumerate(p.read_text().splitlines(), 1)
             if pattern.search(line) and p.relative_to(PKG).as_posix() != home]
    assert not found, f"{what} written again (call its home, {home}): {found}"


def test_ordinal_label_is_the_calendar_month():
    import datetime as dt

    for o in range(12 * 1999, 12 * 2041):
        assert ordinal_label(o) == dt.date(o // 12, o % 12 + 1, 1).strftime("%Y-%m")
