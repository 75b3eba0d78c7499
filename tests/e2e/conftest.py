"""The headless browser the e2e tests share: Playwright for Python driving Debian's chromium.

``.ci/run`` installs /usr/bin/chromium. Without a browser (or without playwright) the tests are skipped
with a visible notice, unless TREASURYLAB_REQUIRE_BROWSER=1 (as in CI), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    for cand in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if cand and Path(cand).exists():
            return cand
    return None


@pytest.fixture(scope="module")
def browser():
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
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=ARGS, headless=True)
        yield b
        b.close()
