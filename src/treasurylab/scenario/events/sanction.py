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
    holder: str = Field(description="a foreign holder (forgiving: 'China' -> 'China, Mainland'); "
                                    "the Fed and domestic sectors are refused")
    freeze: bool = Field(True, description="true: frozen from `date`; false: unfrozen")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        j = s.holder(self.holder, f"{field_}.holder")
        if s.foreign is not None and not s.foreign[j]:
            from treasurylab.errors import BadInput

            raise BadInput(f"{s.names[j]} is a domestic holder: a sanction freezes a foreign holder's Treasuries",
                           field=f"{field_}.holder", got=self.holder,
                           fix="name a foreign holder (a TIC country, e.g. 'China', or 'All Other')")
        s.claim_switch(("sanction", s.names[j]), t, field_, self.date)
        s.frozen[t:, j] = self.freeze
        if self.freeze:
            s.political[t:, :] += s.cp["sanction_rival_fear"] * s.rivals
            s.political[t:, j] = 0.0
            s.res_signal[t:] += 1.0

    def describe(self) -> str:
        return f"{self.date}: {self.holder}'s Treasuries are {'frozen' if self.freeze else 'unfrozen'}."
