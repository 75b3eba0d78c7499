"""``minerals``: an action of the critical-minerals block (export control, directive, capacity...)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, Schedules
from treasurylab.scenario.events.registry import register


@register
class Minerals(EventBase):
    """A minerals-block event (`proclamation_232`, `export_licence`, `export_ban`, `price_floor`,
    `subsidy`, `stockpile_release`, `decouple`, `ally_delay`, `new_capacity`, ...) with its parameters;
    the report gets a minerals section and the output lost to magnet shortages enters the US output
    gap."""

    order = 80
    type: Literal["minerals"]
    action: str = Field(description="the minerals block's event kind (see docs/minerals.md)")
    params: dict[str, float | str | bool] = Field(default_factory=dict,
                                                  description="the action's parameters (and `end` or `months`)")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        # the minerals block runs once over all of a scenario's minerals events (they interact)
        s.minerals.append(self)

    def check(self, index: int, where_of) -> None:
        from treasurylab.errors import BadInput

        try:
            from treasurylab.model import minerals as MN
        except ImportError:
            return
        try:
            MN.validate_events([MN.MineralsEvent.from_scenario(self)])
        except BadInput as exc:
            sub = re.sub(r"^minerals\.events\[\d+\]\.?", "", exc.field or "") or "action"
            loc = ("events", index) + tuple(sub.split(".")[:2])
            raise BadInput(exc.problem, where=where_of(loc), field=f"events[{index}].{sub}",
                           got=exc.got, fix=exc.fix) from None

    def describe(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.date}: minerals - {self.action}" + (f" ({args})" if args else "") + "."
