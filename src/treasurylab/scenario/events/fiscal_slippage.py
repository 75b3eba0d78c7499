"""``fiscal_slippage``: primary deficits above the baseline."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules, window_end
from treasurylab.scenario.events.registry import register


@register
class FiscalSlippage(EventBase):
    """Primary deficits `pct_gdp`% of GDP a year above the baseline, from `date`."""

    order = 70
    type: Literal["fiscal_slippage"]
    pct_gdp: float = Field(ge=-10, le=20, description="extra primary deficit, % of GDP a year")
    months: int | None = Field(None, ge=1, le=600, description="how long it lasts (default: to the end)")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        end = window_end(s.T, t, self.months)
        s.slippage[t:end] += self.pct_gdp

    def describe(self, run: RunWindow | None = None) -> str:
        dur = f" for {self.months} months" if self.months else (f" {run.to_end()}" if run else "")
        cut = run.months_inside(run.at(self)[0], self.months) if run else ""
        return f"{self.date}: primary deficits run {self.pct_gdp:+g}% of GDP a year above the baseline{dur}{cut}."
