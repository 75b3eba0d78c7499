"""A disk cache for deterministic preparation: computed once, reused by every later process.

Some inputs of a run depend only on the bundled data and the parameters, yet cost more than the
simulation itself to build: parsing the parameter YAML files with line numbers (ruamel, ~1-2 s for
all blocks), the MSPD ladder rolled forward to the start month (~0.6 s), the CBO baseline
re-anchored and re-solved on the jump-off (~0.8 s), the minerals block's curated tables (~0.5 s)
and its monthly linear programmes for a scenario's minerals events (~0.4 s). :func:`cached` keeps each in a file under the
user's cache folder, keyed by a hash of *everything* it is built from:

- the caller's key parts: the parameter values (with the scenario's overrides), the start month and
  vintage, and a fingerprint of the data (``data.store.fingerprint``: the snapshot's manifest and the
  size and modification time of every bundled or updated data file);
- :func:`code_version`: treasurylab's version and a hash of the package's Python source, so an
  edited equation or a new release never reads an old entry;
- :data:`FORMAT`, the layout of the entries.

A changed input gives another key, hence a miss and a rebuild. Entries are written atomically (a
unique temporary file renamed into place) and verified on read: a file whose header, key or payload
hash does not match, or that cannot be unpickled, is ignored and rebuilt, never an error. A folder
that cannot be written is not an error either (the value is returned uncached). The value built is
the very object returned on a hit (pickled), so results are bit-identical with and without the cache.

Where: ``$TREASURYLAB_CACHE_DIR`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/treasurylab/prepared``, else ``~/.cache/treasurylab/prepared``. Delete the folder
at any time; it is rebuilt on the next run. Entries are Python pickles: the folder is the user's
own, like any cache of a Python program, and is never read from anywhere else.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: the layout of a cache entry; bump when it changes
FORMAT = 1
_MAGIC = b"treasurylab-cache\n"


def cache_dir() -> Path | None:
    """The folder of the entries, or None when the cache is off (``TREASURYLAB_CACHE_DIR=off``)."""
    env = os.environ.get("TREASURYLAB_CACHE_DIR")
    if env:
        return None if env.strip().lower() == "off" else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "treasurylab" / "prepared"


@functools.cache
def keep_matplotlib_in_the_cache() -> None:
    """Call before importing matplotlib: on import it creates ``~/.config/matplotlib`` (its config
    folder) when there is none, outside ``--out`` and the cache folders. When the user has no such
    folder and has not set ``MPLCONFIGDIR``, matplotlib is pointed at ``<cache>/treasurylab/matplotlib``
    instead (its font cache goes there too); an existing folder, with its ``matplotlibrc``, is used as is."""
    if os.environ.get("MPLCONFIGDIR"):
        return
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "matplotlib"
    if config.exists():
        return
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    os.environ["MPLCONFIGDIR"] = str(Path(base) / "treasurylab" / "matplotlib")


@functools.cache
def code_version() -> str:
    """treasurylab's version plus a hash of its Python source: read once per process (~10-15 ms for
    the package's ~150 modules; every key of a run, ~15 of them, used to hash them again). The code
    a process runs is the code it imported, so a hash taken once stays the right one for it."""
    from treasurylab import __version__

    pkg = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for p in sorted(pkg.rglob("*.py")):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:16]}"


def key_of(kind: str, parts: Any) -> str:
    """The hash naming an entry of ``kind`` built from ``parts`` (JSON-able; other values by ``str``)."""
    text = json.dumps({"kind": kind, "parts": parts, "code": code_version(), "format": FORMAT},
                      sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(x: Any) -> Any:
    import numpy as np

    if isinstance(x, np.ndarray):
        return {"dtype": str(x.dtype), "shape": list(x.shape), "sha256": hashlib.sha256(x.tobytes()).hexdigest()}
    if isinstance(x, (np.floating, np.integer, np.bool_)):
        return x.item()
    if isinstance(x, (set, frozenset)):
        return sorted(map(str, x))
    return repr(x)


def path_of(kind: str, key: str) -> Path | None:
    d = cache_dir()
    return None if d is None else d / f"{kind}-{key[:40]}.pkl"


def read(kind: str, key: str) -> tuple[bool, Any]:
    """(True, value) for a sound entry, else (False, None): missing, another key, a truncated or
    edited file, or one that cannot be unpickled."""
    p = path_of(kind, key)
    if p is None:
        return False, None
    try:
        blob = p.read_bytes()
    except OSError:
        return False, None
    head = _MAGIC + key.encode() + b"\n"
    if not blob.startswith(head) or len(blob) < len(head) + 32:
        return False, None
    digest, payload = blob[len(head):len(head) + 32], blob[len(head) + 32:]
    if hashlib.sha256(payload).digest() != digest:
        return False, None
    try:
        return True, pickle.loads(payload)
    except Exception:     # noqa: BLE001 - any unreadable entry is a miss, rebuilt by the caller
        return False, None


def write(kind: str, key: str, value: Any) -> None:
    """Store ``value`` under ``key`` atomically; a folder that cannot be written is ignored."""
    p = path_of(kind, key)
    if p is None:
        return
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    blob = _MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
    tmp = p.with_name(f".{p.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(blob)
        os.replace(tmp, p)
    except OSError:
        pass
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass


def cached(kind: str, parts: Any, build: Callable[[], Any]) -> Any:
    """The value of ``build()`` for these inputs, from the disk cache when a sound entry exists."""
    key = key_of(kind, parts)
    hit, value = read(kind, key)
    if hit:
        return value
    value = build()
    write(kind, key, value)
    return value
