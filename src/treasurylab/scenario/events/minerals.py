"""``minerals``: an action of the critical-minerals block (export control, directive, capacity...)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules, months_text
from treasurylab.scenario.events.registry import register

#: the minerals-block actions in words (the params are appended as given)
ACTION_WORDS = {
    "export_licence": "China requires export licences for rare-earth products",
    "export_ban": "China bans rare-earth exports",
    "extraterritorial": "China's extraterritorial rules (foreign-made goods with Chinese content)",
    "exemption": "China exempts some destinations from its controls",
    "proclamation_232": "Section 232 proclamation on processed critical minerals (negotiate agreements/price floors)",
    "price_floor": "a price floor for NdPr among partners",
    "subsidy": "partner subsidies pull non-China projects forward",
    "stockpile_release": "a government stockpile is released",
    "decouple": "a region stops buying from China",
    "ally_delay": "an ally delays joining the partner arrangements",
    "new_capacity": "new non-China processing capacity comes on line",
}


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

    def describe(self, run: RunWindow | None = None) -> str:
        what = ACTION_WORDS.get(self.action, f"minerals action '{self.action}'")
        args = ", ".join(f"{k}: {_param_text(k, v)}" for k, v in self.params.items())
        return f"{self.date}: minerals - {what}" + (f" ({args})" if args else "") + self._inside(run) + "."

    def _inside(self, run: RunWindow | None) -> str:
        """The clause for a window (``months`` or ``end``) that passes the run's last month, from the
        window the minerals block runs the event over (``model.minerals.event_months``)."""
        if run is None:
            return ""
        from treasurylab.errors import BadInput

        try:
            from treasurylab.model.minerals import event_months

            t0, t1 = event_months(self)
        except (ImportError, BadInput):
            return ""
        stop = run.start_ordinal + run.T            # the first month after the run
        if t1 is None or t1 <= stop or t0 >= stop:
            return ""
        n = stop - max(t0, run.start_ordinal)
        return run.inside(f"{n} of the {months_text(t1 - t0)} in force", "fall" if n != 1 else "falls")


def _param_text(key: str, value: float | str | bool) -> str:
    """A minerals parameter as shown: with its unit (``model.minerals.PARAM_UNITS``), a fraction as a
    percent, a list of names with spaces ('heavy, magnet')."""
    from treasurylab.model.minerals import PARAM_UNITS

    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return ", ".join(x.strip() for x in value.split(",") if x.strip()) if "," in value else value
    unit = PARAM_UNITS.get(key)
    if unit == "%":
        return f"{100 * value:.3g}%"
    if unit == "months":
        return months_text(value)
    return f"{value:,.6g}" + (f" {unit}" if unit else "")
