"""Test-wide set-up: every test session parses into its own temporary store (never the user's)."""

from __future__ import annotations

import os
import tempfile

import pytest

_STORE = tempfile.mkdtemp(prefix="treasurylab-test-store-")
os.environ["TREASURYLAB_STORE"] = _STORE


@pytest.fixture(scope="session")
def store_dir() -> str:
    return _STORE
