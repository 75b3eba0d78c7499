"""The schema of one parameter: a value with its unit and its evidence.

A parameter file (``params/defaults/<block>.yaml``) looks like::

    block: fiscal
    title: Fiscal block
    params:
      bill_share_target:
        value: 0.21                 # a number, a list, or a mapping label -> number
        unit: fraction of marketable debt
        source: "PGPF (Jun 2024), 'How does the Treasury issue debt?'; calibration.md s1.5"
        date: "2024-06"
        min: 0                      # optional bounds, checked on load and on every override
        max: 1
        description: Bills as a share of marketable debt.
      trust_weight:
        value: 0.5
        unit: bp per unit of distrust
        assumption: "No published estimate; chosen so that ... (swept in docs/sensitivity.md)"

Every parameter must carry ``unit`` and either (``source`` and ``date``) or ``assumption`` (the
reasoning). ``load_params`` refuses a file where one lacks them, naming the file, line and parameter.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Number = float | int


class Param(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Any
    unit: str
    source: str | None = None
    date: str | None = None
    assumption: str | None = None
    description: str | None = None
    min: float | None = None
    max: float | None = None
    alternatives: dict[str, Any] | None = None  # documented alternative calibrations (name -> value)
    # a table (mapping) whose every key the model reads, where one left out would be read as 0 or fail:
    # an override, which replaces the whole table, must then give every key of the default
    complete: bool = False

    @field_validator("date", mode="before")
    @classmethod
    def _date_to_str(cls, v: Any) -> Any:
        return None if v is None else str(v)

    @model_validator(mode="after")
    def _has_evidence(self) -> Param:
        if not self.unit.strip():
            raise ValueError("unit is empty - give the unit (e.g. 'USD bn', 'fraction', 'bp per pp')")
        if self.assumption:
            return self
        if not self.source or not self.date:
            raise ValueError(
                "needs 'source' and 'date', or 'assumption' with the reasoning - "
                "every number has a source (calibration.md) or is a labelled assumption"
            )
        return self

    @property
    def is_assumption(self) -> bool:
        return bool(self.assumption)

    def numbers(self) -> list[float]:
        """Every number inside ``value`` (for bound checks)."""
        out: list[float] = []

        def walk(v: Any) -> None:
            if isinstance(v, bool):
                return
            if isinstance(v, (int, float)):
                out.append(float(v))
            elif isinstance(v, dict):
                for x in v.values():
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)

        walk(self.value)
        return out


class ParamFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    block: str
    title: str
    description: str | None = None
    params: dict[str, Param]
