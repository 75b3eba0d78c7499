"""``backstop``: the Fed backstop switched on or off."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules
from treasurylab.scenario.events.registry import register


@register
class Backstop(EventBase):
    """The Fed backstop switched on or off (and its trigger) from `date`: when on, the Fed buys when
    the 10-year rises more than `trigger_bp` in a month."""

    order = 50
    type: Literal["backstop"]
    on: bool = Field(description="true: the backstop is on from `date`")
    trigger_bp: float | None = Field(None, gt=0, le=1000,
                                     description="monthly rise of the 10-year that triggers purchases (bp)")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        s.claim_switch(("backstop", "the Fed backstop"), t, field_, self.date)
        s.backstop.append((t, self.on, self.trigger_bp))

    def describe(self, run: RunWindow | None = None) -> str:
        trig = f" (trigger {self.trigger_bp:g} bp in a month)" if self.trigger_bp else ""
        return f"{self.date}: the Fed backstop is switched {'on' if self.on else 'off'}{trig}."
