"""Test-wide set-up: every test session parses into its own temporary store and cache (never the user's)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# Hypothesis: the same examples on every run (derandomized), so `make test` passes or fails the same
# way on every machine; the fuzz tests' finds are pinned with @example. TREASURYLAB_FUZZ_EXPLORE=1
# draws fresh examples to look for new failures.
try:
    from hypothesis import settings as _hsettings

    _hsettings.register_profile("fixed", derandomize=True)
    _hsettings.register_profile("explore", derandomize=False)
    _hsettings.load_profile("explore" if os.environ.get("TREASURYLAB_FUZZ_EXPLORE") == "1" else "fixed")
except ImportError:   # pragma: no cover - hypothesis is a dev dependency
    pass

_STORE = tempfile.mkdtemp(prefix="treasurylab-test-store-")
os.environ["TREASURYLAB_STORE"] = _STORE
# the disk cache of prepared inputs (treasurylab.cache): a temporary folder, never the user's
os.environ["TREASURYLAB_CACHE_DIR"] = tempfile.mkdtemp(prefix="treasurylab-test-cache-")
# numba's compiled kernels (model/compiled.py): a temporary folder too, compiled once per session and
# shared by the processes it starts (a user's own NUMBA_CACHE_DIR is used, and left alone)
_TEMPS = [_STORE, os.environ["TREASURYLAB_CACHE_DIR"]]
if "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="treasurylab-test-numba-")
    _TEMPS.append(os.environ["NUMBA_CACHE_DIR"])
# kernels built ahead of time (model/prebuilt.py): the user's build is never read or replaced; the suite
# runs numba's JIT, and tests/unit/test_prebuilt.py builds its own in a temporary folder
os.environ["TREASURYLAB_PREBUILT_DIR"] = tempfile.mkdtemp(prefix="treasurylab-test-prebuilt-")
_TEMPS.append(os.environ["TREASURYLAB_PREBUILT_DIR"])
# removed when the session (or xdist worker) ends, so that runs do not pile up in the temp dir
for _tmp in _TEMPS:
    atexit.register(shutil.rmtree, _tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def store_dir() -> str:
    return _STORE


@pytest.fixture
def saved_xlabels(monkeypatch) -> list[str]:
    """The x-axis titles of every matplotlib figure saved while the test runs (filled as they are saved)."""
    import matplotlib.figure

    labels: list[str] = []
    save = matplotlib.figure.Figure.savefig

    def spy(fig, *a, **k):
        labels.extend(ax.get_xlabel() for ax in fig.axes)
        return save(fig, *a, **k)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", spy)
    return labels
