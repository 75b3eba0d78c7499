"""``credit_spread``: Baa corporate and/or mortgage spreads wider by a stated amount."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules
from treasurylab.scenario.events.registry import register


@register
class CreditSpread(EventBase):
    """The Baa corporate spread `baa_bp` and the 30-year mortgage spread `mortgage_bp` wider than the
    model's own from `date`, for `months` months, then fading with a half-life of `decay_months`. The
    spreads enter the macro block's rate index (output gap, unemployment, policy rate). Sized on history
    (FRED BAA10Y, monthly, 1986-2026): +150 bp on the Baa spread is about the 2001 and 2020 episodes,
    +388 bp the GFC peak over the median, the bound of `baa_bp`."""

    order = 91
    type: Literal["credit_spread"]
    baa_bp: float = Field(0.0, ge=-200, le=388, description="Baa corporate spread change, bp (GFC peak: +388)")
    mortgage_bp: float = Field(0.0, ge=-150, le=250,
                               description="mortgage-Treasury spread change, bp (2023 peak over the average: +155)")
    months: int | None = Field(None, ge=1, le=600, description="how long it holds (default: to the end)")
    decay_months: float = Field(0.0, ge=0, le=240, description="half-life of its fading after it ends (0: at once)")

    @model_validator(mode="after")
    def _some(self) -> CreditSpread:
        if self.baa_bp == 0 and self.mortgage_bp == 0:
            raise ValueError("give baa_bp and/or mortgage_bp (bp), e.g. baa_bp: 150")
        return self

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        prof = s.shape(t, self.months, self.decay_months)
        for j, (name, bp) in enumerate((("mortgage", self.mortgage_bp), ("baa", self.baa_bp))):
            if bp:
                s.claim(("credit_spread", name), prof >= 1.0, field_, self.date)
                s.spread_add[:, j] += bp * 1e-4 * prof

    def describe(self, run: RunWindow | None = None) -> str:
        parts = [f"Baa spread {self.baa_bp:+g} bp" if self.baa_bp else "",
                 f"mortgage spread {self.mortgage_bp:+g} bp" if self.mortgage_bp else ""]
        dur = f"for {self.months} months" if self.months else (run.to_end() if run else "to the end of the run")
        t = run.at(self)[0] if run else 0
        sizes = [(name, bp) for name, bp in (("Baa ", self.baa_bp), ("mortgage ", self.mortgage_bp)) if bp]
        cut = (run.months_inside(t, self.months)
               + run.fade_inside(t, self.months, self.decay_months, sizes)) if run else ""
        fade = f", then fading with a {self.decay_months:g}-month half-life" if self.decay_months and self.months else ""
        return f"{self.date}: credit spreads widen - {' and '.join(p for p in parts if p)} {dur}{fade}{cut}."
