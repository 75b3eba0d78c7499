"""The project's one clock: the day "today" means wherever a caller names no day.

The stale rule (data/freshness.py), an observation's age and a dataset's last observed period
(``data.age``, ``data.coverage``), the alerts' deadline clocks and the dashboard's pages all read
:func:`today`, so they agree on the day; a test sets the day by replacing it
(``monkeypatch.setattr(clock, "today", ...)``), and every reader follows.

It sits alone, importing nothing of the package: ``data`` itself reads it, and the stale rule's module
reads ``data`` (a clock kept there made the import cycle data -> data.freshness -> data).
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    """The day judged when a caller names none: the system's date, read on every call (a dashboard left
    running for days judges each day on that day)."""
    return dt.date.today()
