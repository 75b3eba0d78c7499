"""Kernels built ahead of time: one extension module for this machine, so a process starts no compiler.

Why: numba compiles a kernel (:mod:`treasurylab.model.compiled`) on its first call and keeps the
machine code on disk, but a later process that loads it back still starts numba: importing it and
setting up its type system cost every simulating process ~0.8 s and ~115 MiB on the 2-core machine
(docs/design.md, "Speed"), as much as a 10,000-path run's blocks gained from being compiled. numba
can also compile the same kernels ahead of time (``numba.pycc``) into an ordinary Python extension
module, which loads in about a millisecond and needs neither numba nor LLVM at run time.

:func:`build` makes that module once for the machine it runs on (``make`` does it after installing;
by hand ``python -m treasurylab.scenario.prebuild``): it exports every signature the kernels were
compiled for while the caller exercised them (the shipped scenarios), with the flags of
:func:`treasurylab.model.compiled.kernel` (numpy's error model, the GIL released, no fastmath), for
this machine's processor as numba's JIT does. Same source, same flags, same processor: the same bits
(a test compares a block both ways). :func:`load` finds it in a later process.

When a prebuilt kernel is used: for a call whose argument types are exactly those of one of its
signatures (:func:`key_of_args`: each array's dtype, dimensions, layout and writeability; each
scalar's type). Any other call, a kernel with options of its own, or a build whose fingerprint no
longer matches the model's source files (a kernel edited since) goes to numba as before, so a stale
or missing build costs speed, never a wrong number.

Where: ``$TREASURYLAB_PREBUILT_DIR`` if set (``off`` turns prebuilt kernels off), else
``$XDG_CACHE_HOME/treasurylab/prebuilt`` (``~/.cache/treasurylab/prebuilt``), one folder per
Python, machine and processor (its feature flags), and in it one folder per build, named by the
fingerprint of the sources it was built from (the :data:`KEEP` most recent are kept), holding the
extension module and its ``manifest.json`` (fingerprint, and for each kernel the exported name of each
signature). Delete the folder to rebuild.
``NUMBA_DISABLE_JIT=1`` (the kernels run as Python) also leaves prebuilt kernels unused.

This module never imports numba except inside :func:`build`.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

MODULE = "treasurylab_kernels"      # the extension module's name (its PyInit_ symbol)
FORMAT = 2                          # manifest format: a different one is ignored


def jit_disabled() -> bool:
    """True when the kernels run as Python: ``NUMBA_DISABLE_JIT`` set to anything but 0."""
    return os.environ.get("NUMBA_DISABLE_JIT", "0").strip() not in ("", "0")


def disabled() -> bool:
    """True when prebuilt kernels are off: ``TREASURYLAB_PREBUILT_DIR=off``, or the kernels run as
    Python (:func:`jit_disabled`)."""
    return os.environ.get("TREASURYLAB_PREBUILT_DIR", "").strip().lower() == "off" or jit_disabled()


def _processor() -> tuple[str, str]:
    """(a short key of this processor's features, numba's name for the target CPU).

    Code built for one processor's instructions must not run on another (a home folder shared by
    machines): the key hashes the feature flags the kernel reports (Linux), and the code is built
    for the host ("host"). Where the flags cannot be read the code is built for the generic x86-64
    (or the machine's generic) processor and the key says so.
    """
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith(("flags", "Features")):
                    return hashlib.sha256(line.encode()).hexdigest()[:12], "host"
    except OSError:
        pass
    return "generic", ""


def folder() -> Path | None:
    """This machine's folder of prebuilt kernels (not created here), or None when they are off."""
    if disabled():
        return None
    env = os.environ.get("TREASURYLAB_PREBUILT_DIR", "").strip()
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "treasurylab" / "prebuilt"
    return base / f"{sys.implementation.cache_tag}-{platform.machine()}-{_processor()[0]}"


#: builds kept per machine folder, the most recent first: two checkouts (or a branch and main) of
#: different model sources each find their own build instead of replacing each other's
KEEP = 4


def build_folder(fp: str | None = None) -> Path | None:
    """The folder of the build made from the model sources of fingerprint ``fp`` (default: today's)."""
    where = folder()
    return None if where is None else where / (fp or fingerprint())[:16]


def fingerprint() -> str:
    """A hash of the model layer's source files (every kernel and every constant a kernel reads
    lives there): a build made from other sources is not used."""
    here = Path(__file__).parent
    h = hashlib.sha256()
    for p in sorted(here.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


# ---- argument types ------------------------------------------------------------------------------

# an array's part of a key: (dtype character, dimensions, layout 1 C / 2 F / 3 A, writeable 0/1024).
# Built from ``flags.num`` (one attribute, no flags object: a 34-argument call's key costs ~20 us,
# where strings of each array's flags cost ~60 us, ~8% of a block's time over its ~1,300 calls)
_C, _F, _ALIGNED, _WRITEABLE = 0x1, 0x2, 0x100, 0x400
_LAYOUT = {"C": 1, "F": 2, "A": 3}
_SCALARS = {float: "float64", bool: "bool", int: "int64"}


def key_of_args(args: Iterable[Any]) -> tuple | None:
    """The types of a call's arguments as numba would type them, as a tuple; None when an argument
    is of a kind no prebuilt signature has (a tuple, None, an unaligned or byte-swapped array...)."""
    key = []
    for a in args:
        t = type(a)
        if t is np.ndarray:
            f = a.flags.num
            dt = a.dtype
            if not f & _ALIGNED or not dt.isnative:
                return None
            key.append((dt.char, a.ndim, 1 if f & _C else 2 if f & _F else 3, f & _WRITEABLE))
        elif t in _SCALARS:
            if t is int and not -2 ** 63 <= a < 2 ** 63:
                return None
            key.append(_SCALARS[t])
        elif isinstance(a, np.generic) and a.dtype.kind in "biuf":
            key.append(a.dtype.name)
        else:
            return None
    return tuple(key)


def _key_of_signature(sig) -> tuple | None:
    """:func:`key_of_args` of the arguments numba compiled ``sig`` (a tuple of numba types) for;
    None when a type is not one :func:`key_of_args` can produce."""
    from numba.core import types
    from numba.np.numpy_support import as_dtype

    key = []
    for t in sig:
        if isinstance(t, types.Array):
            if not t.aligned or t.layout not in _LAYOUT:
                return None
            key.append((as_dtype(t.dtype).char, t.ndim, _LAYOUT[t.layout], _WRITEABLE if t.mutable else 0))
        elif isinstance(t, (types.Boolean, types.Integer, types.Float)):
            key.append(as_dtype(t).name)
        else:
            return None
    return tuple(key)


def _from_json(parts: list) -> tuple:
    return tuple(tuple(p) if isinstance(p, list) else p for p in parts)


# ---- loading -------------------------------------------------------------------------------------

def _manifest() -> tuple[Path, dict] | None:
    """The folder and manifest of this machine's build of today's model sources, or None (off, not
    built, built from other sources, its module file missing, or the manifest unreadable)."""
    fp = fingerprint()
    where = build_folder(fp)
    if where is None:
        return None
    try:
        manifest = json.loads((where / "manifest.json").read_text())
    except (OSError, ValueError):
        return None
    if (not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("fingerprint") != fp
            or not isinstance(manifest.get("file"), str) or not (where / manifest["file"]).is_file()):
        return None
    return where, manifest


def current() -> bool:
    """Whether this machine has a build of today's model sources (its manifest read, nothing loaded):
    what a process starting now finds, as :func:`load` checks it."""
    return _manifest() is not None


def load() -> dict[str, dict[tuple, Any]]:
    """The prebuilt kernels usable in this process: {kernel ("module.name"): {argument key: function}}.

    Empty when they are off, not built, built from other sources, or the module cannot be loaded
    (then the kernels are compiled by numba as before)."""
    found = _manifest()
    if found is None:
        return {}
    where, manifest = found
    try:
        path = where / manifest["file"]
        loader = importlib.machinery.ExtensionFileLoader(MODULE, str(path))
        spec = importlib.util.spec_from_file_location(MODULE, path, loader=loader)
        module = importlib.util.module_from_spec(spec)
        loader.exec_module(module)
        return {name: {_from_json(key): getattr(module, export) for key, export in sigs}
                for name, sigs in manifest["kernels"].items()}
    except (OSError, ValueError, KeyError, ImportError, AttributeError, TypeError):
        return {}


# ---- building ------------------------------------------------------------------------------------

def build(kernels: dict[str, tuple[Any, Any]], where: Path | None = None) -> Path:
    """Compile every signature of ``kernels`` ({"module.name": (Python function, numba dispatcher)})
    ahead of time into one extension module in ``where`` (default :func:`folder`); returns the folder.

    The new build replaces the previous one only once it is complete (written in a temporary folder
    beside it, then renamed), so a process loading kernels meanwhile finds the old build or the new.
    """
    import warnings

    with warnings.catch_warnings():
        # numba.pycc is "pending deprecation" (numba 0.57+) with a replacement being developed; while
        # it is there it is the only ahead-of-time route, and if a numba removes it the build fails
        # and the kernels stay with the JIT (scenario/prebuild.py says so)
        warnings.simplefilter("ignore")
        import numba.pycc.compiler as pycc_compiler
        from numba.pycc import CC
    from numba.core.compiler import Flags

    where = where or build_folder()
    if where is None:
        raise RuntimeError("prebuilt kernels are turned off (TREASURYLAB_PREBUILT_DIR=off or NUMBA_DISABLE_JIT)")
    where.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=where.parent))
    try:
        cc = CC(MODULE)
        cc.output_dir = str(tmp)
        cc.verbose = False
        cc.target_cpu = _processor()[1]
        exported: dict[str, dict[tuple, str]] = {}
        for name, (py_func, dispatcher) in sorted(kernels.items()):
            for sig in dispatcher.nopython_signatures:
                key = _key_of_signature(sig.args)
                if key is None or key in exported.get(name, {}):
                    continue
                export = f"k{sum(len(v) for v in exported.values())}"
                cc.export(export, sig)(py_func)
                exported.setdefault(name, {})[key] = export

        class KernelFlags(Flags):
            """pycc's flags with those :func:`compiled.kernel` gives numba's JIT (pycc has no option
            for them): numpy's error model (a division by zero gives inf or nan) and the GIL released."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.error_model = "numpy"
                self.release_gil = True

        plain = pycc_compiler.Flags
        pycc_compiler.Flags = KernelFlags
        try:
            cc.compile()
        finally:
            pycc_compiler.Flags = plain
        built = [p.name for p in tmp.iterdir() if p.name.startswith(MODULE)]
        if len(built) != 1:
            raise RuntimeError(f"numba.pycc wrote {built}, expected one extension module")
        (tmp / "manifest.json").write_text(json.dumps(
            {"format": FORMAT, "fingerprint": fingerprint(), "file": built[0], "numba": _numba_version(),
             "kernels": {name: [[list(key), export] for key, export in sigs.items()]
                         for name, sigs in exported.items()}}, indent=1, sort_keys=True))
        old = where.parent / f".old-{os.getpid()}"
        if where.exists():
            where.rename(old)
        tmp.rename(where)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(where.parent)
    return where


def _prune(machine: Path) -> None:
    """Keep the :data:`KEEP` most recent builds of a machine folder (the others are of older sources)."""
    builds = sorted((p for p in machine.iterdir() if p.is_dir() and not p.name.startswith(".")),
                    key=lambda p: p.stat().st_mtime, reverse=True)
    for p in builds[KEEP:]:
        shutil.rmtree(p, ignore_errors=True)


def _numba_version() -> str:
    import numba

    return numba.__version__
