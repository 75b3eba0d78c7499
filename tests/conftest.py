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


def pytest_sessionstart(session) -> None:
    """In CI (``TREASURYLAB_REQUIRE_KERNELS=1``, set by ``.ci/run``) the compiled kernels must be
    tested: without numba the ``test_jit_*`` files would skip, so the session stops instead."""
    if os.environ.get("TREASURYLAB_REQUIRE_KERNELS") == "1":
        try:
            import numba  # noqa: F401
        except ImportError as exc:
            raise pytest.UsageError(
                "numba is not installed but TREASURYLAB_REQUIRE_KERNELS=1: "
                "install the [fast] extra (make does) so that the compiled kernels are tested") from exc
