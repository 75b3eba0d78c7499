"""The headless browser the e2e tests share: Playwright for Python driving Debian's chromium.

``.ci/run`` installs /usr/bin/chromium. Without a browser (or without playwright) the tests are skipped
with a visible notice, unless TREASURYLAB_REQUIRE_BROWSER=1 (as in CI), where that is a failure.

Chromium writes into its user's home even with Playwright's temporary profile (``~/.config/chromium/Crash
Reports``, ``~/.cache/dconf``): the browser is started with HOME and the XDG folders in a temporary
folder of its own, removed when it closes (``launch``), so the tests leave nothing in the user's home.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for cand in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if cand and Path(cand).exists():
            return cand
    return None


@contextmanager
def launch(playwright, exe: str) -> Iterator:
    """The headless browser with its home in a temporary folder, removed when it closes."""
    home = Path(tempfile.mkdtemp(prefix="treasurylab-browser-"))
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache"), "XDG_DATA_HOME": str(home / "data")}
    try:
        b = playwright.chromium.launch(executable_path=exe, args=ARGS, headless=True, env=env)
        try:
            yield b
        finally:
            b.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _playwright_and_chromium():
    """(sync_playwright, the chromium path), or a skip with a notice (a failure when required)."""
    exe = _chromium()
    required = os.environ.get("TREASURYLAB_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if required:
            pytest.fail("playwright is not installed but TREASURYLAB_REQUIRE_BROWSER=1")
        pytest.skip("NOTICE: playwright not installed - browser test skipped")
    if exe is None:
        if required:
            pytest.fail("no chromium found (/usr/bin/chromium) but TREASURYLAB_REQUIRE_BROWSER=1")
        pytest.skip("NOTICE: no chromium at /usr/bin/chromium - browser test skipped (run .ci/run to install it)")
    return sync_playwright, exe


@pytest.fixture(scope="module")
def browser():
    sync_playwright, exe = _playwright_and_chromium()
    with sync_playwright() as p, launch(p, exe) as b:
        yield b


@pytest.fixture
def launch_browser():
    """``launch_browser()``: a context manager starting a browser as the ``browser`` fixture does."""
    sync_playwright, exe = _playwright_and_chromium()

    @contextmanager
    def start():
        with sync_playwright() as p, launch(p, exe) as b:
            yield b

    return start
