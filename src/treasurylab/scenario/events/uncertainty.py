"""``uncertainty``: a period of higher yield volatility and lower trust in Treasuries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules, window_end
from treasurylab.scenario.events.registry import register


@register
class Uncertainty(EventBase):
    """For `months` months from `date`, the 10-year moves `volatility` times its usual monthly size
    (the median absolute month-end change 1990-2025, `coupled.uncertainty_median_move_bp`), which the
    holders' signal sees (risk-managed holders cut duration), and trust in Treasuries falls by
    `trust_drop` at the start (the trust premium and the stress index rise, then trust recovers at its
    own pace). Sized on history: 2.7 times is a 1-in-20 month (51 bp), 6.75 the record (Nov 2008, 108 bp)."""

    order = 93
    type: Literal["uncertainty"]
    volatility: float = Field(1.0, ge=1.0, le=6.75,
                              description="monthly 10y moves as a multiple of the usual (1 = normal, 6.75 = Nov 2008)")
    trust_drop: float = Field(0.0, ge=0.0, le=1.0, description="one-off fall in the trust index at the start (0-1)")
    months: int = Field(3, ge=1, le=120, description="how long the volatility lasts")

    @model_validator(mode="after")
    def _some(self) -> Uncertainty:
        if self.volatility == 1.0 and self.trust_drop == 0.0:
            raise ValueError("give volatility above 1 and/or trust_drop above 0, e.g. volatility: 2.5")
        return self

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        import numpy as np

        end = window_end(s.T, t, self.months)
        months = np.zeros(s.T, dtype=bool)
        months[t:end] = True
        s.claim(("uncertainty", "10-year volatility"), months, field_, self.date)
        s.vol_add[t:end] += (self.volatility - 1.0) * s.cp["uncertainty_median_move_bp"]
        s.distrust[t] += self.trust_drop

    def describe(self, run: RunWindow | None = None) -> str:
        cut = run.months_inside(run.at(self)[0], self.months) if run and self.volatility > 1.0 else ""
        bits = []
        if self.volatility > 1.0:
            bits.append(f"10-year moves {self.volatility:g}x their usual monthly size for {self.months} months{cut}")
        if self.trust_drop:
            bits.append(f"trust in Treasuries down {self.trust_drop:g} (index 0-1)")
        return f"{self.date}: uncertainty - {'; '.join(bits)}."
