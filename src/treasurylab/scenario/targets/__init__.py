"""Calibration and validation targets: each block's published reference values, checked by running the model.

Each module here defines ``targets() -> list[TargetResult]``. ``treasurylab calibrate --check`` lists
them all (model value, reference, tolerance, pass), and ``tests/calibration`` asserts every one passes,
so a model change that breaks a reference target fails ``make test``.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import asdict, dataclass


@dataclass
class TargetResult:
    id: str                 # e.g. 'fiscal.net_interest.fy2030'
    block: str              # fiscal, market, holders, macro, reserves, minerals, ...
    description: str
    model_value: float
    reference: float | str  # the published number (or a range written as text)
    lower: float            # pass if lower <= model_value <= upper
    upper: float
    unit: str
    source: str

    @property
    def passed(self) -> bool:
        v = self.model_value
        return v is not None and math.isfinite(v) and self.lower <= v <= self.upper

    def to_dict(self) -> dict:
        d = asdict(self)
        d["passed"] = self.passed
        return d


def within(id: str, block: str, description: str, model_value: float, reference: float, *,
           rel: float | None = None, abs_: float | None = None, unit: str = "", source: str = "") -> TargetResult:
    """A target 'model within +-rel (relative) or +-abs_ (absolute) of reference'."""
    if rel is not None:
        tol = abs(reference) * rel
    elif abs_ is not None:
        tol = abs_
    else:
        raise ValueError("give rel or abs_")
    return TargetResult(id, block, description, float(model_value), reference, reference - tol,
                        reference + tol, unit, source)


def between(id: str, block: str, description: str, model_value: float, lower: float, upper: float, *,
            unit: str = "", source: str = "", reference: float | str | None = None) -> TargetResult:
    return TargetResult(id, block, description, float(model_value),
                        reference if reference is not None else f"{lower:g}..{upper:g}",
                        lower, upper, unit, source)


def modules() -> list[str]:
    import treasurylab.scenario.targets as pkg

    return sorted(m.name for m in pkgutil.iter_modules(pkg.__path__))


def collect(blocks: list[str] | None = None) -> list[TargetResult]:
    out: list[TargetResult] = []
    for name in modules():
        if blocks and name not in blocks:
            continue
        mod = importlib.import_module(f"treasurylab.scenario.targets.{name}")
        out.extend(mod.targets())
    return out
