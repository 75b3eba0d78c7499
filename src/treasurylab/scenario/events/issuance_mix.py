"""``issuance_mix``: Treasury's bill share of new issuance."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules
from treasurylab.scenario.events.registry import register


@register
class IssuanceMix(EventBase):
    """Treasury changes the bill share of new issuance from `date` (the coupon tenors keep their
    relative weights)."""

    order = 60
    type: Literal["issuance_mix"]
    bill_share: float = Field(ge=0, le=1, description="share of gross issuance in bills")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        s.claim_switch(("issuance_mix", "bill share"), t, field_, self.date)
        s.mix_changes.append((t, self.bill_share))

    def describe(self, run: RunWindow | None = None) -> str:
        return f"{self.date}: Treasury moves new issuance to a {self.bill_share:.0%} bill share."
