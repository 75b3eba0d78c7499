"""``sanction``: a freeze of one holder's Treasuries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, Schedules
from treasurylab.scenario.events.registry import register


@register
class Sanction(EventBase):
    """A sanction or asset freeze: the holder's Treasuries are frozen (it cannot sell); rivals'
    weaponisation fear rises (`coupled.sanction_rival_fear`); reserve managers diversify."""

    order = 40
    type: Literal["sanction"]
    holder: str = Field(description="the holder (forgiving: 'China' -> 'China, Mainland')")
    freeze: bool = Field(True, description="true: frozen from `date`; false: unfrozen")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        j = s.holder(self.holder, f"{field_}.holder")
        s.claim_switch(("sanction", s.names[j]), t, field_, self.date)
        s.frozen[t:, j] = self.freeze
        if self.freeze:
            s.political[t:, :] += s.cp["sanction_rival_fear"] * s.rivals
            s.political[t:, j] = 0.0
            s.res_signal[t:] += 1.0

    def describe(self) -> str:
        return f"{self.date}: {self.holder}'s Treasuries are {'frozen' if self.freeze else 'unfrozen'}."
