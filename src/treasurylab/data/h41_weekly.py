"""Build the H.4.1 foreign-official history week by week from the Fed's weekly release pages.

The H.4.1 release page gives one week (custody holdings, the foreign official reverse repo pool, FIMA
repo). ``data update`` keeps one file per release in the dataset's ``_updates`` folder, seeded with the
bundled release, and fetches the releases for the weeks after the latest one it holds. Each fetched page
is parsed with the same parser as the bundled file before it is kept (a page that does not parse is
never kept); a week already held is not kept twice; files are written to a temporary name and moved in
place, and the ``update.json`` record listing the files is written last, so an interrupted update leaves
the previous history in use.

Releases are dated by the day of publication (Thursday, or Friday after a Thursday holiday) at
``https://www.federalreserve.gov/releases/h41/YYYYMMDD/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from treasurylab.data.parsers import h41_html

DATASET_ID = "fed.h41.foreign_official"
RELEASE_URL = "https://www.federalreserve.gov/releases/h41/{day}/"
# at most this many weeks are fetched in one update (about a year), so a long gap is filled in steps
MAX_WEEKS = 52


def release_url(day: dt.date) -> str:
    return RELEASE_URL.format(day=day.strftime("%Y%m%d"))


def _week_of(path: Path) -> str:
    """The Wednesday (YYYY-MM-DD) a release file covers, read from the file itself."""
    return str(h41_html.parse_text(path.read_bytes().decode("utf-8"))["date"].iloc[0])


def candidate_releases(last_week: str, today: dt.date, max_weeks: int = MAX_WEEKS) -> list[list[dt.date]]:
    """For each week after ``last_week`` whose release is due by ``today``: its possible release days.

    The week ended Wednesday W is released on Thursday W+1, or Friday W+2 after a holiday.
    """
    wed = dt.date.fromisoformat(last_week)
    out = []
    while len(out) < max_weeks:
        wed += dt.timedelta(days=7)
        thu = wed + dt.timedelta(days=1)
        if thu > today:
            break
        out.append([d for d in (thu, thu + dt.timedelta(days=1)) if d <= today])
    return out


def _atomic_write(target: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def update_weeks(
    folder: Path,
    bundled: list[Path],
    fetch: Callable[[str], bytes],
    today: dt.date,
    *,
    max_weeks: int = MAX_WEEKS,
) -> dict[str, Any]:
    """Fetch the missing weekly releases into ``folder``; returns what was added and what failed.

    ``fetch(url) -> bytes`` raises on a network or HTTP error (tests pass a fake serving fixtures).
    """
    folder.mkdir(parents=True, exist_ok=True)
    record = folder / "update.json"
    held: list[str] = []
    if record.exists():
        held = [f for f in json.loads(record.read_text()).get("files", []) if (folder / f).exists()]
    if not held:  # seed with the bundled release(s)
        for p in bundled:
            shutil.copyfile(p, folder / p.name)
            held.append(p.name)
    weeks = {_week_of(folder / f): f for f in held}
    added, failed = [], []
    for days in candidate_releases(max(weeks), today, max_weeks):
        for i, day in enumerate(days):
            url = release_url(day)
            try:
                content = fetch(url)
                week = str(h41_html.parse_text(content.decode("utf-8"))["date"].iloc[0])
            except Exception as exc:  # noqa: BLE001 - not published that day, or a bad page: try the next
                if i == len(days) - 1:
                    failed.append({"url": url, "detail": f"{type(exc).__name__}: {exc}"})
                continue
            if week not in weeks:  # deduplicated by the week the page itself names
                # named by the week it covers: the bundled file is named by its retrieval day
                name = f"h41_week_{week}.htm"
                _atomic_write(folder / name, content)
                weeks[week] = name
                added.append({"week": week, "url": url})
            break
    files = [weeks[w] for w in sorted(weeks)]
    # verified: the whole history parses (one row set per week) before the record names it
    df = h41_html.parse([folder / f for f in files])
    info = {
        "url": RELEASE_URL.format(day="YYYYMMDD"),
        "retrieved": today.isoformat(),
        "files": files,
        "rows": len(df),
        "weeks": int(df["date"].nunique()),
    }
    if added or not record.exists():
        text = json.dumps(info, indent=1, sort_keys=True) + "\n"
        _atomic_write(record, text.encode())
    return {"added": added, "failed": failed, "files": files, "rows": len(df), "weeks": info["weeks"]}


def history(folder: Path) -> pd.DataFrame:
    """The weekly table from the files named in ``folder``'s record."""
    files = json.loads((folder / "update.json").read_text())["files"]
    return h41_html.parse([folder / f for f in files])
