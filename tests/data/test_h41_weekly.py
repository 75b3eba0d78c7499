"""`data update` builds the H.4.1 history week by week: a fake fetcher serves release pages (no network).

Only one real release is bundled, so the later weeks are the verbatim excerpt with its Wednesday date
changed (the same device as test_monitor_data's history test); the values are those of the excerpt.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from treasurylab.data import h41_weekly
from treasurylab.data.parsers import h41_html
from treasurylab.errors import DataError

EXCERPT = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "monitor" / "h41_20260702_excerpt.htm"
TEXT = EXCERPT.read_text()


def page(wednesday: dt.date) -> bytes:
    return TEXT.replace("Jun 24, 2026", wednesday.strftime("%b %-d, %Y")).encode()


class FakeFed:
    """Serves the release of the week ended W on Thursday W+1, except where ``friday`` moves it."""

    def __init__(self, friday: set[dt.date] = frozenset(), broken: set[dt.date] = frozenset()):
        self.friday, self.broken, self.asked = friday, broken, []

    def __call__(self, url: str) -> bytes:
        self.asked.append(url)
        day = dt.datetime.strptime(url.rstrip("/").rsplit("/", 1)[1], "%Y%m%d").date()
        wed = day - dt.timedelta(days=1 if day.weekday() == 3 else 2)
        if wed.weekday() != 2 or (day.weekday() == 3) == (wed in self.friday):
            raise OSError("HTTP Error 404: Not Found")
        if wed in self.broken:
            return TEXT[: TEXT.index("Reverse repurchase agreements")].encode()
        return page(wed)


@pytest.fixture
def seed(tmp_path):
    p = tmp_path / "bundled" / "h41_20260702.htm"
    p.parent.mkdir()
    p.write_text(TEXT)
    return tmp_path / "upd", [p]


def test_missing_weeks_are_fetched_parsed_and_appended(seed):
    folder, bundled = seed
    fake = FakeFed(friday={dt.date(2026, 7, 8)})  # a Thursday holiday: released on Friday
    r = h41_weekly.update_weeks(folder, bundled, fake, today=dt.date(2026, 7, 24))
    assert [a["week"] for a in r["added"]] == ["2026-07-01", "2026-07-08", "2026-07-15", "2026-07-22"]
    assert "https://www.federalreserve.gov/releases/h41/20260710/" in fake.asked
    df = h41_weekly.history(folder)
    assert sorted(set(df["date"])) == ["2026-06-24", "2026-07-01", "2026-07-08", "2026-07-15", "2026-07-22"]
    assert len(df) == 5 * 8  # four lines, two measures, five weeks
    v = df.set_index(["date", "series", "measure"])["value"]
    assert v["2026-07-22", "custody_treasuries", "wednesday"] == pytest.approx(2636.947)
    rec = json.loads((folder / "update.json").read_text())
    assert rec["weeks"] == 5 and rec["files"][0] == "h41_20260702.htm"


def test_a_second_update_fetches_only_the_new_week_and_keeps_each_week_once(seed):
    folder, bundled = seed
    h41_weekly.update_weeks(folder, bundled, FakeFed(), today=dt.date(2026, 7, 10))
    fake = FakeFed()
    r = h41_weekly.update_weeks(folder, bundled, fake, today=dt.date(2026, 7, 17))
    assert [a["week"] for a in r["added"]] == ["2026-07-15"]
    assert fake.asked == ["https://www.federalreserve.gov/releases/h41/20260716/"]
    assert r["weeks"] == 4
    # nothing new: nothing fetched that is already held, the record unchanged
    before = (folder / "update.json").read_bytes()
    r = h41_weekly.update_weeks(folder, bundled, FakeFed(), today=dt.date(2026, 7, 20))
    assert r["added"] == [] and (folder / "update.json").read_bytes() == before


def test_a_page_naming_a_week_already_held_is_not_kept_twice(seed):
    folder, bundled = seed

    def stale(url):  # the server answers every day with the bundled week
        return TEXT.encode()

    r = h41_weekly.update_weeks(folder, bundled, stale, today=dt.date(2026, 7, 10))
    assert r["added"] == [] and r["weeks"] == 1
    assert sorted(p.name for p in folder.glob("*.htm")) == ["h41_20260702.htm"]


def test_a_truncated_or_missing_release_is_not_kept_and_the_history_stays_valid(seed):
    folder, bundled = seed
    fake = FakeFed(broken={dt.date(2026, 7, 1)})
    r = h41_weekly.update_weeks(folder, bundled, fake, today=dt.date(2026, 7, 10))
    assert [a["week"] for a in r["added"]] == ["2026-07-08"]
    assert [f["url"] for f in r["failed"]] == ["https://www.federalreserve.gov/releases/h41/20260703/"]
    assert not list(folder.glob(".*.tmp"))
    assert sorted(set(h41_weekly.history(folder)["date"])) == ["2026-06-24", "2026-07-08"]


def test_the_store_reads_the_weekly_history_after_an_update(tmp_path, monkeypatch):
    from treasurylab import data
    from treasurylab.data import catalog, store

    monkeypatch.setenv("TREASURYLAB_STORE", str(tmp_path))
    ds = catalog.get(h41_weekly.DATASET_ID)
    h41_weekly.update_weeks(store.updates_dir(ds.id), ds.paths(), FakeFed(), today=dt.date(2026, 7, 17))
    df = data.series(ds.id, series="custody_treasuries", measure="wednesday")
    assert list(df["date"]) == ["2026-06-24", "2026-07-01", "2026-07-08", "2026-07-15"]


def test_the_parser_still_refuses_a_week_twice():
    with pytest.raises(DataError, match="given twice"):
        h41_html.parse([EXCERPT, EXCERPT])
