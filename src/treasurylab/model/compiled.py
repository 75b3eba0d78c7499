"""Compiled kernels: the one decorator that turns a block's loops into machine code.

A hot equation is written once, as plain Python loops over numpy arrays (one path after another, or
one agent after another inside a path), and decorated with :func:`kernel`. numba compiles it on
its first call (``njit``: no Python objects inside) and keeps the machine code on disk, so a later
process loads it instead of compiling again. There is no second copy of the equation: with
``NUMBA_DISABLE_JIT=1`` in the environment the same source runs as ordinary Python, for a debugger,
coverage, or a check that a number comes from the written arithmetic.

Why numba and why loops: the numpy form of a month writes every intermediate (paths x agents) array
to memory and reads it back, and at 2,560 paths x 47 agents each such pass costs 4-5x its arithmetic
(docs/design.md, "Speed"). A loop keeps a path's values in registers. Arithmetic is IEEE (no
``fastmath``): an expression gives the same bits as numpy's element-wise form of the same expression
in the same order; only sums over many terms may differ in the last bits, where numpy adds pairwise
and a loop adds in order (a matrix product's terms, which OpenBLAS adds in order each with one fused
multiply-add, keep their bits with :func:`fma`). ``error_model="numpy"``: a division by zero gives inf or nan, as in numpy,
instead of raising (the model's regime bounds then catch it, as before).

Where the machine code is kept: ``$NUMBA_CACHE_DIR`` when the user has set it, else
``$XDG_CACHE_HOME/treasurylab/numba`` (``~/.cache/treasurylab/numba``), the user's cache folder
like the prepared inputs' (treasurylab.cache). A folder that cannot be written is not an error: the
kernels are then compiled in memory by every process (slower to start, same numbers).

``nogil=True``: a compiled kernel releases the GIL, so kernels may run on threads as well as on the
process pool's workers.

numba is imported when a kernel is first *called*, not when a module defining kernels is imported:
importing numba and starting its compiler costs a process ~0.3-0.5 s and ~115 MiB, which a command
that only reads the model's parameter classes (validation, ``prepare`` in a parent whose workers
simulate, the dashboard's pages) should not pay. :func:`kernel` returns a stand-in; the first call
of any stand-in compiles (or loads) every kernel defined so far and puts each in its module's
namespace under its own name, so a kernel that calls another of its module finds a compiled one.

Before starting numba, the first call looks for the kernels built ahead of time for this machine
(:mod:`treasurylab.model.prebuilt`, the same source through ``numba.pycc``): a call whose argument
types one of them was built for runs it, and numba is never started in that process; any other call
starts numba as above (from then on the process uses numba's kernels).
"""

from __future__ import annotations

import functools
import math
import os
import sys
import threading
from pathlib import Path
from typing import Any

import numpy as np

from treasurylab.errors import BadInput


def _cache_folder() -> str | None:
    """The folder numba keeps compiled kernels in, created here; None when it cannot be written."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        return env
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    folder = Path(base) / "treasurylab" / "numba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return str(folder) if os.access(folder, os.W_OK) else None


def _skip_the_blas_probe() -> None:
    """Start numba without importing scipy.linalg.

    numba's CPU target, when it first compiles or loads a kernel, imports ``numba.np.arraymath``,
    which probes for a BLAS (``numba.np.linalg.ensure_blas``: ``import scipy.linalg.cython_blas``) so
    that ``np.dot`` of vectors in compiled code can call it. scipy.linalg's import is most of the
    cost of that first call (measured on the 2-core machine: ~0.2 s of ~0.6 s), and the kernels here
    are loops that never call ``np.dot``: the probe is answered "no BLAS", so compiled ``np.dot`` of
    vectors would use numba's own loop. Matrix products in compiled code still find the BLAS (they
    probe again when compiled). Nothing is changed if scipy.linalg or numba's arraymath is already
    imported, or if numba's internals differ from what is expected here (then numba starts as usual).
    """
    if "numba.np.arraymath" in sys.modules or "scipy.linalg" in sys.modules:
        return
    from numba.np import linalg

    probe = getattr(linalg, "ensure_blas", None)
    if probe is None:
        return

    def no_blas() -> None:
        raise ImportError("treasurylab's compiled kernels do not use BLAS")

    linalg.ensure_blas = no_blas
    try:
        import numba.np.arraymath  # noqa: F401  (reads ensure_blas once, at its import)
    finally:
        linalg.ensure_blas = probe


def fma(x: float, y: float, acc: float) -> float:
    """``x * y + acc`` rounded once (IEEE fused multiply-add), in a kernel.

    A matrix product in numpy (``@``, OpenBLAS) adds each term to its running sum with one fused
    multiply-add, in the order of the inner index; a kernel that adds its products' terms in that
    order with this function keeps numpy's bits, where a product rounded before the sum can move a
    signal's last bit and a threshold decision with it. Compiled, it is the processor's instruction
    (``llvm.fma``, exact by definition on any processor); run as Python (``NUMBA_DISABLE_JIT=1``),
    the exact sum of the three as integers over powers of two, divided once: the same number.
    """
    if x == 0.0 or y == 0.0 or x == 1.0 or y == 1.0 or not (math.isfinite(x) and math.isfinite(y)
                                                            and math.isfinite(acc)):
        return x * y + acc                  # an exact product (most weights are 0 or 1): one rounding
    # x, y, acc as integers over powers of two: the exact sum, divided (correctly rounded) once
    (a, b), (c, d), (e, f) = x.as_integer_ratio(), y.as_integer_ratio(), acc.as_integer_ratio()
    num = a * c * f + e * b * d
    try:
        return num / (b * d * f)
    except OverflowError:                   # beyond the largest double: inf, as the instruction gives
        return math.inf if num > 0 else -math.inf


def _compile_fma() -> None:
    """Teach numba :func:`fma` (an ``llvm.fma.f64`` call); done once, when numba starts."""
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic, overload

    @intrinsic
    def llvm_fma(typingctx, x, y, acc):
        sig = types.float64(types.float64, types.float64, types.float64)

        def codegen(context, builder, signature, args):
            d = ir.DoubleType()
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(d, [d, d, d]), "llvm.fma.f64")
            return builder.call(fn, args)

        return sig, codegen

    @overload(fma)
    def fma_compiled(x, y, acc):
        return lambda x, y, acc: llvm_fma(x, y, acc)


class _Kernels:
    """The kernels defined so far and whether numba has started (one per process: the module-level
    :data:`_KERNELS`; its lock makes the start happen once when threads call kernels together)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.waiting: list[Kernel] = []
        self.every: dict[str, Kernel] = {}      # "module.name": every kernel defined so far
        self.cache: bool | None = None          # None until numba has started
        self.native: dict | None = None         # the prebuilt kernels (model/prebuilt.py); None until looked up
        self.key_of_args: Any = None

    def look_up_native(self) -> None:
        """Find the prebuilt kernels once (model/prebuilt.py); none when numba has already started."""
        with self.lock:
            if self.native is None:
                from treasurylab.model import prebuilt

                self.key_of_args = prebuilt.key_of_args
                self.native = prebuilt.load() if self.cache is None else {}

    def start(self) -> None:
        """Import numba (with the cache folder set) and compile every kernel waiting."""
        with self.lock:
            if self.cache is None:
                folder = _cache_folder()
                if folder is not None:
                    # numba reads the variable when it is first imported: set before the import
                    os.environ.setdefault("NUMBA_CACHE_DIR", folder)
                import numba

                _skip_the_blas_probe()
                _compile_fma()
                self.cache = folder is not None
            import numba

            for k in self.waiting:
                k.compiled = numba.njit(**{"cache": self.cache, **k.options})(k.py_func)
                # the module's own name now refers to the compiled kernel: kernels calling it compile
                # against it, and later Python calls skip the stand-in
                k.py_func.__globals__[k.py_func.__name__] = k.compiled
            self.waiting.clear()


_KERNELS = _Kernels()


class Kernel:
    """A kernel before numba has started: calling it (or reading an attribute numba's dispatcher
    has, such as ``signatures``) starts numba and compiles it; see the module docstring."""

    def __init__(self, fn, options: dict) -> None:
        functools.update_wrapper(self, fn)
        self.py_func = fn
        self.options = options
        self.name = f"{fn.__module__}.{fn.__name__}"
        self.compiled: Any = None
        with _KERNELS.lock:
            _KERNELS.waiting.append(self)
            _KERNELS.every[self.name] = self
        if _KERNELS.cache is not None:          # numba already started: compile now
            _KERNELS.start()

    def __call__(self, *args):
        if self.compiled is None:
            if _KERNELS.native is None:
                _KERNELS.look_up_native()
            prebuilt = _KERNELS.native.get(self.name)
            if prebuilt:
                fn = prebuilt.get(_KERNELS.key_of_args(args))
                if fn is not None:
                    return fn(*args)
            _KERNELS.start()
        return self.compiled(*args)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if self.__dict__.get("compiled") is None:
            _KERNELS.start()
        return getattr(self.__dict__["compiled"], name)


def per_path(x: Any, n: int | None, field: str, *, fill: bool = False, writeable: bool | None = None):
    """A scalar or per-path input as the kernels take it: a C-contiguous float64 array of shape (1,)
    for one value (a kernel reads its element 0 for every path: the numbers of broadcasting it), or
    (n,) for one value a path; ``fill`` gives one value as (n,) too, for kernels that index every
    path. ``writeable``: True copies a read-only input, False hands a read-only view, None keeps the
    input's (numba compiles a kernel once per argument type, and read-only is part of the type, so
    each caller keeps to one). ``n`` None takes any number of values. Another size is refused,
    naming ``field``: the one home of this convention for every block's kernels."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0 or (a.size == 1 and n != 1):
        if fill and n is not None:
            out = np.empty(n)
            out.fill(a.reshape(()))          # np.full's checks cost more than the fill at a run's sizes
            return out
        a = a.reshape(1)
    elif n is not None and a.size == n:
        a = a.reshape(n)
    elif n is not None or a.ndim != 1:
        raise BadInput(f"must be one number or {n if n is not None else 'N'} numbers, one a path", field=field,
                       got=a.shape, fix="give a scalar or one value per path")
    a = np.ascontiguousarray(a)
    if writeable is True and not a.flags.writeable:
        a = a.copy()
    elif writeable is False:
        a = a.view()
        a.flags.writeable = False
    return a


_PLAIN = "plain Python (NUMBA_DISABLE_JIT)"


def kernel_runtime() -> str:
    """How this process has run the kernels so far: "prebuilt" (model/prebuilt.py, numba never
    started), "numba JIT" (numba started: a missing or stale build, or a call no build had),
    "plain Python (NUMBA_DISABLE_JIT)", or "not called yet" (nothing run in this process)."""
    if _KERNELS.cache is not None:
        from treasurylab.model import prebuilt

        return _PLAIN if prebuilt.jit_disabled() else "numba JIT"
    return "prebuilt" if _KERNELS.native else "not called yet"


def kernel_runtime_expected() -> str:
    """How a process started now from this one runs the kernels: "prebuilt" when this machine has a
    build of today's model sources (``prebuilt.current``, the check such a process makes), else
    "numba JIT"; "plain Python (NUMBA_DISABLE_JIT)" when the JIT is off. What a run reports for its
    worker processes, which tell it nothing (``kernel_runtime`` is this process's own)."""
    from treasurylab.model import prebuilt

    if prebuilt.jit_disabled():
        return _PLAIN
    return "prebuilt" if prebuilt.current() else "numba JIT"


def cache_on_disk() -> bool:
    """Whether compiled kernels are kept on disk (starts numba if it has not started)."""
    if _KERNELS.cache is None:
        _KERNELS.start()
    return bool(_KERNELS.cache)


def build_prebuilt(exercise, where=None):
    """Compile ahead of time (model/prebuilt.py) every signature of every kernel with the default
    options that ``exercise()`` (a function running the model) calls for; returns the build's folder.

    This process uses numba's JIT (its dispatchers record the signatures), never a previous build.
    """
    from treasurylab.model import prebuilt

    with _KERNELS.lock:
        _KERNELS.native = {}
    _KERNELS.start()
    exercise()
    kernels = {k.name: (k.py_func, k.compiled) for k in list(_KERNELS.every.values())
               if k.options == _DEFAULTS and k.compiled is not None}
    return prebuilt.build(kernels, where)


_DEFAULTS = {"nogil": True, "error_model": "numpy"}


def kernel(fn=None, **options):
    """Compile ``fn`` with numba (``@kernel`` or ``@kernel(inline="always")``); see the module docstring.

    The defaults: ``cache`` (on disk, when a folder can be written), ``nogil=True``,
    ``error_model="numpy"``, no ``fastmath``. A kernel may call another kernel of its module. A kernel
    with the defaults can also be built ahead of time for this machine (model/prebuilt.py).
    """
    opts = {**_DEFAULTS, **options}
    if fn is None:
        return lambda f: Kernel(f, opts)
    return Kernel(fn, opts)
