"""CALIBRATION layer: every model number as data, with unit, source and date (or a labelled assumption).

Use :func:`treasurylab.params.load_params` (``load_params("fiscal")``) to get a :class:`ParamSet`.
"""

from treasurylab.params.load import ParamSet, list_blocks, load_params

__all__ = ["ParamSet", "load_params", "list_blocks"]
