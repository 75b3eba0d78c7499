"""The test session's own temporary store and cache are removed when it ends: `make test` left two
folders in the temporary directory on every run and every xdist worker (183 of each, 456 MB, on the
machine where this was found)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_test_session_leaves_no_store_or_cache_behind(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    env.pop("TREASURYLAB_STORE", None)
    env.pop("TREASURYLAB_CACHE_DIR", None)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "tests/unit/test_core_errors.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]
    left = [p.name for p in tmp.iterdir() if p.name.startswith("treasurylab-test-")]
    assert not left, left
