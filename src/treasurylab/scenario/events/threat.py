"""``threat``: a political threat of retaliation against sellers."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules, window_end
from treasurylab.scenario.events.registry import register


@register
class Threat(EventBase):
    """A threat of retaliation against sellers: deters holders with deterrence > 0 (allies), provokes
    those with deterrence < 0 (rivals), dents trust (`coupled.threat_distrust`) and nudges reserve
    managers toward gold (`coupled.reserves_threat_weight`) while it stays credible."""

    order = 10
    type: Literal["threat"]
    strength: float = Field(ge=0, le=1, description="0 = none, 1 = the strongest credible threat")
    months: int = Field(12, ge=1, le=600, description="how long the threat stays credible")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        end = window_end(s.T, t, self.months)
        s.threat[t:end] = np.maximum(s.threat[t:end], self.strength)
        s.distrust[t] += s.cp["threat_distrust"] * self.strength
        s.res_signal[t:end] += s.cp["reserves_threat_weight"] * self.strength

    def describe(self, run: RunWindow | None = None) -> str:
        cut = run.months_inside(run.at(self)[0], self.months) if run else ""
        return (f"{self.date}: a threat of retaliation against sellers, strength {self.strength:g} (0-1), "
                f"credible for {self.months} months - it deters allies and can provoke rivals{cut}.")
