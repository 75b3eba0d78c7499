"""``programme``: a holder's standing programme of buying or selling."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules, window_end
from treasurylab.scenario.events.registry import register


@register
class Programme(EventBase):
    """A holder's standing change of holdings at `rate_per_year` (e.g. -0.08 a year) from `date`,
    replacing the holders block's default programme for that holder."""

    order = 30
    type: Literal["programme"]
    holder: str = Field(description="the holder (forgiving: 'China' -> 'China, Mainland')")
    rate_per_year: float = Field(ge=-1, le=1, description="change of holdings per year (-0.08 = sell 8%)")
    months: int | None = Field(None, ge=1, le=600, description="how long it lasts (default: to the end)")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        j = s.holder(self.holder, f"{field_}.holder")
        end = window_end(s.T, t, self.months)
        s.prog_rate[t:end, j] = (1.0 + self.rate_per_year) ** (1.0 / 12.0) - 1.0

    def describe(self, run: RunWindow | None = None) -> str:
        dur = f" for {self.months} months" if self.months else (f" {run.to_end()}" if run else "")
        cut = run.months_inside(run.at(self)[0], self.months) if run else ""
        verb = "reduces" if self.rate_per_year < 0 else "raises"
        who = run.holder(self.holder) if run else self.holder
        return f"{self.date}: {who} {verb} its holdings by {abs(self.rate_per_year):.0%} a year{dur}{cut}."
