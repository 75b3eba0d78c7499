"""Compiled kernels (optional ``[fast]`` extra, numba): the coupled month's blocks as fused loops.

Role
----
The numpy functions of ``model/`` are the reference implementation: every equation is written and
documented there, and they always run. With ``numba`` installed (``pip install treasurylab[fast]``),
the coupled run (``model/coupled.py``) calls compiled twins of its hottest steps instead - the
holders' decisions, the market's premia and clearing, the macro block and the fiscal roll - each a
single loop over paths that does the month's arithmetic for one path at a time, with no temporary
arrays and one call per block-month instead of dozens of numpy calls.

Why: a block of 1,024 paths spends about a third of its time in the per-call overhead of ~300 small
numpy operations a month on (N,) vectors (measured, docs/benchmarks.md); fused loops remove it.

Equality, not identity: a twin performs the same operations per path, but sums that numpy does
with BLAS products (signals, memories, row sums) are added in a different order, and ``exp``/``log``
come from a different maths library, so results agree with the numpy path to ~1e-12 relative, not
bit for bit. Tests (``tests/unit/test_jit_*.py``) hold every twin to its numpy reference on the
shipped scenarios, and the golden summaries pass on both backends. Within one backend, results are
bit-identical for a seed whatever the number of workers (the blocks' random numbers are drawn by
numpy in both backends).

Choosing the backend: environment variable ``TREASURYLAB_KERNELS``:

- unset or ``auto``: compiled when numba imports, numpy otherwise;
- ``numpy``: always the numpy reference (for debugging, as Tax-Calculator's ``NOTAXCALCJIT``);
- ``numba``: compiled, and an error if numba is missing.

:func:`backend` says which is in force (the runner records it in a result's ``meta``). Kernels are
compiled lazily on first use and cached on disk (``cache=True``), so importing treasurylab never
compiles anything and never imports numba.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from treasurylab.errors import BadInput

ENV = "TREASURYLAB_KERNELS"
CHOICES = ("auto", "numpy", "numba")

_NUMBA: list = []          # [module or None], filled on first use


def _numba():
    if not _NUMBA:
        try:
            import numba
        except Exception:           # ImportError, or a broken llvmlite: fall back to numpy
            numba = None
        _NUMBA.append(numba)
    return _NUMBA[0]


def backend() -> str:
    """'numba' or 'numpy': the kernels the coupled run uses now (reads ``TREASURYLAB_KERNELS``)."""
    want = os.environ.get(ENV, "auto").strip().lower() or "auto"
    if want not in CHOICES:
        raise BadInput("unknown kernel backend", field=ENV, got=want,
                       fix="set TREASURYLAB_KERNELS to auto, numpy or numba")
    if want == "numpy":
        return "numpy"
    if _numba() is None:
        if want == "numba":
            raise BadInput("numba is not installed", field=ENV, got=want,
                           fix="pip install 'treasurylab[fast]', or set TREASURYLAB_KERNELS=auto")
        return "numpy"
    return "numba"


def enabled() -> bool:
    return backend() == "numba"


def njit(fn: Callable) -> Callable:
    """``numba.njit(cache=True)`` applied on first call (the plain function when numba is absent).

    Lazy so that importing a kernel module neither imports numba nor compiles; no ``fastmath`` (it
    would reorder sums and change results), no bounds checks (the wrappers check shapes).
    """
    compiled: list = []

    def call(*args):
        if not compiled:
            nb = _numba()
            compiled.append(fn if nb is None else nb.njit(cache=True, boundscheck=False)(fn))
        return compiled[0](*args)

    call.py_func = fn                    # the uncompiled loop, for tests of the kernel's logic
    call.__name__ = fn.__name__
    call.__doc__ = fn.__doc__
    call.__wrapped__ = fn
    return call
