"""treasurylab: a scenario engine and monitor for the US Treasury market under foreign de-risking.

Layers (a lower one never imports a higher one): ``data`` (evidence) -> ``params`` (calibration) ->
``model`` (pure kernels: numpy, and loops compiled by numba) -> ``scenario`` (spec, runner, ensembles, sweeps) -> ``report`` -> ``cli``.

Imports are lazy so that ``treasurylab --help`` starts fast: ``treasurylab.run`` and
``treasurylab.data`` are loaded on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "run", "compare", "data", "load_params"]


def __getattr__(name: str):
    # run/compare: the notebook API (report.notebook): a Run with summary(), fan(), paths(), _repr_html_
    if name in ("run", "compare"):
        from treasurylab.report import notebook

        return getattr(notebook, name)
    if name == "data":
        import importlib

        return importlib.import_module("treasurylab.data")
    if name == "load_params":
        from treasurylab.params import load_params

        return load_params
    raise AttributeError(name)
