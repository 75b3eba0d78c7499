"""The browser tests leave nothing in the user's home: chromium wrote ~/.config/chromium (its crash
reports' settings) and ~/.cache/dconf even with Playwright's temporary profile."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_the_browser_writes_nothing_into_the_users_home(tmp_path, monkeypatch, launch_browser):
    home = tmp_path / "home"
    home.mkdir()
    for k in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("HOME", str(home))
    # a temporary folder of this test's own: a browser another test starts at the same time (the other
    # xdist worker) makes its home in the shared one, and was counted as this one's
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    before = set(Path(tempfile.gettempdir()).glob("treasurylab-browser-*"))
    assert before == set()
    with launch_browser() as b:
        page = b.new_page()
        page.set_content("<p>treasurylab</p>")
        assert page.inner_text("p") == "treasurylab"
        during = set(Path(tempfile.gettempdir()).glob("treasurylab-browser-*")) - before
        assert len(during) == 1                                   # its own home, while it runs
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == []  # nothing in the user's home
    assert not any(d.exists() for d in during)                   # and its own home is removed
