"""``sanction``: a freeze of one holder's Treasuries."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules
from treasurylab.scenario.events.registry import register


@register
class Sanction(EventBase):
    """A sanction or asset freeze: the holder's Treasuries are frozen (it cannot sell); while a freeze
    is in force rivals' weaponisation fear is raised (`coupled.sanction_rival_fear` for each holder
    frozen) and reserve managers diversify; an unfreeze (`freeze: false`) ends all three."""

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
        s.frozen[t:, j] = self.freeze       # events come in date order: a later unfreeze ends it

    @classmethod
    def finish(cls, s: Schedules) -> None:
        """The freezes' effects in the months they are in force, from the frozen schedule itself (so an
        unfreeze ends them exactly): rivals' fear per holder frozen, a frozen holder's own political
        signal nil (it cannot sell), the reserve managers' signal + `coupled.reserves_freeze_weight` per
        holder frozen."""
        n = s.frozen.sum(axis=1).astype(float)          # holders frozen in each month
        if not n.any():
            return
        s.political += (s.cp["sanction_rival_fear"] * n)[:, None] * s.rivals
        s.political[s.frozen] = 0.0
        s.res_signal += s.cp["reserves_freeze_weight"] * n

    def describe(self, run: RunWindow | None = None) -> str:
        who = run.holder(self.holder) if run else self.holder
        return f"{self.date}: {who}'s Treasuries are {'frozen' if self.freeze else 'unfrozen'}."
