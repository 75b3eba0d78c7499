"""``minerals``: an action of the critical-minerals block (export control, directive, capacity...)."""

from __future__ import annotations

import numbers
import re
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from treasurylab.scenario.events.base import EventBase, ItemError, RunWindow, Schedules, months_text
from treasurylab.scenario.events.registry import register

#: the products of the minerals block (``model.minerals.PRODUCTS``) in words
PRODUCT_WORDS = {"ndpr": "NdPr oxide", "heavy": "heavy rare earths", "metal": "rare-earth metal",
                 "magnet": "magnets"}
#: region names read with an article in a sentence ('the US')
_WITH_THE = ("US", "EU", "UK", "Rest of world")

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

    @field_validator("params", mode="before")
    @classmethod
    def _values(cls, v):
        """Each parameter is a finite number, a name or true/false, named by its key when it is not:
        pydantic's union would name its first branch (``params.region.float``) and ask for a number."""
        if not isinstance(v, dict):
            return v
        out = {}
        for k, x in v.items():
            if isinstance(x, (bool, str)):
                out[k] = x
            elif isinstance(x, numbers.Real):
                if not np.isfinite(float(x)):
                    raise ItemError("not a finite number - write a plain number (.nan and .inf are not accepted)",
                                    k, x)
                out[k] = x if isinstance(x, (int, float)) else float(x)      # numpy scalars as floats
            else:
                raise ItemError("must be a number, a name or true/false - e.g. region: EU, months: 6, share: 0.5",
                                k, x)
        return out

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        # the minerals block runs once over all of a scenario's minerals events (they interact)
        s.minerals.append(self)

    def check(self, index: int, where_of) -> None:
        from treasurylab.errors import BadInput
        from treasurylab.model import minerals as MN

        try:
            MN.validate_events([MN.MineralsEvent.from_scenario(self)])
        except BadInput as exc:
            sub = re.sub(r"^minerals\.events\[\d+\]\.?", "", exc.field or "") or "action"
            loc = ("events", index) + tuple(sub.split(".")[:2])
            named = MN.scenario_fields(exc, [f"events[{index}]"])
            raise BadInput(named.problem, where=where_of(loc), field=f"events[{index}].{sub}",
                           got=exc.got, fix=named.fix) from None

    @classmethod
    def check_together(cls, sc, where_of) -> None:
        """Two events the block refuses together (``model.minerals.scenario_clash``, the rule the run's
        set-up applies): named by the later event's line, with the earlier one's index."""
        from treasurylab.errors import BadInput
        from treasurylab.model.minerals import scenario_clash

        clash = scenario_clash(sc)
        if clash is not None:
            index, exc = clash
            raise BadInput(exc.problem, where=where_of(("events", index)), field=exc.field, got=exc.got,
                           fix=exc.fix)

    def describe(self, run: RunWindow | None = None) -> str:
        """A sentence with a unit on every number: 'China bans exports of heavy rare earths and magnets
        to allies for 12 months'. A parameter the sentence does not word is appended as 'key: value'."""
        from treasurylab.model.minerals import canonical_kind

        p = dict(self.params)
        kind = canonical_kind(self.action)
        build = _SENTENCES.get(kind)
        what = build(p, kind, _Defaults(kind, run, self)) if build is not None else f"minerals action '{self.action}'"
        if kind not in ("stockpile_release", "subsidy", "ally_delay") and "months" in p:
            what += f" for {_param_text('months', p.pop('months'))}"
        if "end" in p:
            what += f" until {p.pop('end')}"
        rest = ", ".join(f"{k}: {_param_text(k, v)}" for k, v in p.items())
        return (f"{self.date}: minerals - {what}" + (f" ({rest})" if rest else "") + self._inside(run)
                + (self._late(run) if kind == "ally_delay" else "") + ".")

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

    def doubts(self, sc) -> list[tuple[str, str]]:
        """An ``ally_delay`` for a region no event of the run supports: it has no effect in this run."""
        from treasurylab.model.minerals import canonical_kind

        if canonical_kind(self.action) != "ally_delay":
            return []
        from treasurylab.errors import BadInput
        from treasurylab.model.minerals import scenario_events

        try:
            words = _no_effect(self.params.get("region"), scenario_events(sc))
        except BadInput:         # a bad event elsewhere is named by its own check, not here
            return []
        return [("params.region", f"this ally_delay {words}")] if words else []

    def _late(self, run: RunWindow | None) -> str:
        """For an ``ally_delay``: that it has no effect in this run when no event of the run supports
        its region (:func:`_no_effect`), or when no project's start moves for it
        (``model.minerals.moved_by_delay``: nothing in the region for the support to bring forward); else, when its delay outlasts the run, how many of its months
        fall inside, and when partner support reaches the region, from the block's own support schedule
        (``model.minerals.support_months`` over the minerals events the block runs)."""
        if run is None or not run.minerals_events:
            return ""
        from treasurylab.errors import BadInput

        try:
            from treasurylab.model.minerals import match_region, moved_by_delay, support_months
            from treasurylab.params.macro_inputs import ordinal_label

            none = _no_effect(self.params.get("region"), run.minerals_events)
            if none:
                return f"; it {none}"
            region = match_region(self.params.get("region"))
            if run.minerals_projects is not None and run.minerals_params is not None and not moved_by_delay(
                    run.minerals_projects, run.minerals_params, run.minerals_events, region):
                return (f"; it changes nothing in this run: events of the run support {_the(region)}, but no "
                        f"project in {_the(region)} (the block's project pipeline or new capacity the scenario adds) "
                        "starts at another month for the delay")
            if run.minerals_params is None:
                return ""
            starts = support_months(run.minerals_events, run.minerals_params).get(region)
        except (ImportError, BadInput):
            return ""
        stop = run.start_ordinal + run.T            # the first month after the run
        if starts is None or starts[1] <= stop:
            return ""
        s0, s1 = starts
        n = stop - max(s0, run.start_ordinal)
        if n <= 0:
            return run.inside(f"none of the {months_text(s1 - s0)} of delay")
        return (run.inside(f"{n} of the {months_text(s1 - s0)} of delay", "fall" if n != 1 else "falls")
                + f": partner support reaches {_the(region)} in {ordinal_label(s1)}")


def _no_effect(region: object, events) -> str:
    """'has no effect in this run: ...' for an ``ally_delay`` of ``region`` when none of ``events`` (the
    minerals events the block runs, the 2025 policy record included) supports it: the delay acts only on
    partner support (``model.minerals.supported_regions``); '' when some event supports it."""
    from treasurylab.model.minerals import match_region, supported_regions

    r = match_region(region)
    on = supported_regions(events)
    if r in on:
        return ""
    could = _and([_the(x) for x in on]) if on else "no region"
    return (f"has no effect in this run: no event of the run (the 2025 policy record included) gives {_the(r)} "
            f"partner support for it to delay; it could act only on {could}")


class _Defaults:
    """What an event of ``kind`` that leaves a parameter out gets: the block parameter
    ``model.minerals.EVENT_DEFAULTS`` names, from the run's resolved minerals parameters, with its unit
    and whether it is the model's default or the scenario's override ('180 days (default)')."""

    def __init__(self, kind: str, run: RunWindow | None, ev: Minerals | None = None) -> None:
        self.kind, self.run, self.ev = kind, run, ev

    def licence_share(self, products: list[str]) -> str:
        """The share of the usual flow an ``export_licence`` without ``share`` lets through, month by
        month over its months inside the run, as the block computes it
        (``model.minerals.licence_default_share``): "the block's default share of the usual flow (26% in
        2026-02 to 2026-04, then 80% from 2026-05)", by product where they differ, a month whose share
        comes from a parameter the scenario overrides marked "(the scenario's override)"
        (``model.minerals.licence_default_param``); without the months when the run is not known."""
        out = "the block's default share of the usual flow"
        run = self.run
        if run is None or run.minerals_params is None or self.ev is None:
            return out
        from treasurylab.errors import BadInput

        try:
            from treasurylab.model.minerals import (
                event_months,
                licence_default_param,
                licence_default_share,
            )
            from treasurylab.params.macro_inputs import ordinal_label

            t0, t1 = event_months(self.ev)
        except (ImportError, BadInput):
            return out
        stop = run.start_ordinal + run.T
        ords = np.arange(max(t0, run.start_ordinal), stop if t1 is None else min(t1, stop))
        if not len(ords):
            return out
        over = [name in run.minerals_overridden for name in licence_default_param(run.minerals_params, ords - t0)]
        by: dict[str, list[str]] = {}
        for pr in products:
            sh = licence_default_share(run.minerals_params, pr, ords - t0)
            cut = [0] + [i for i in range(1, len(sh)) if (sh[i], over[i]) != (sh[i - 1], over[i - 1])]

            share = [f"{100 * x:.3g}%" + (" (the scenario's override)" if o else "") for x, o in zip(sh, over)]
            if len(cut) == 1:
                text = f"{share[0]} throughout"
            else:
                parts = [f"{share[a]} in {ordinal_label(ords[a])} to {ordinal_label(ords[b - 1])}"
                         for a, b in zip(cut[:-1], cut[1:])]
                text = ", then ".join(parts + [f"{share[cut[-1]]} from {ordinal_label(ords[cut[-1]])}"])
            by.setdefault(text, []).append(PRODUCT_WORDS.get(pr, pr))
        if len(by) == 1:
            return f"{out} ({next(iter(by))})"
        return f"{out} (" + "; ".join(f"{_and(names)} {text}" for text, names in by.items()) + ")"

    def text(self, key: str) -> str | None:
        """The default of ``key`` in words; None when there is none or the parameters are not known."""
        from treasurylab.model.minerals import EVENT_DEFAULTS, default_of

        run = self.run
        name = EVENT_DEFAULTS.get(self.kind, {}).get(key)
        if run is None or run.minerals_params is None or name is None:
            return None
        how = "the scenario's override" if name in run.minerals_overridden else "default"
        return f"{_param_text(key, default_of(self.kind, key, run.minerals_params))} ({how})"


def _given(p: dict, key: str, d: _Defaults) -> str | None:
    """Parameter ``key`` in words: as given (popped from ``p``), else the default the block uses."""
    return _param_text(key, p.pop(key)) if key in p else d.text(key)


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


def _and(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _products(p: dict, kind: str) -> str:
    """The products the event covers, in words (its kind's default when it names none)."""
    from treasurylab.errors import BadInput
    from treasurylab.model.minerals import product_list

    v = p.pop("products", None)
    try:
        names = product_list(v, kind)
    except BadInput:                       # refused by the loader; words for what was written
        return _param_text("products", v)
    return _and([PRODUCT_WORDS.get(n, n) for n in names])


def _the(name: str) -> str:
    return f"the {name}" if name in _WITH_THE else name


def _places(p: dict, key: str, everyone: str) -> str:
    """Regions as written ('US,EU' -> 'the US and the EU'); ``everyone`` when none is named or 'all'."""
    v = p.pop(key, None)
    names = [x.strip() for x in str(v).split(",") if x.strip()] if v is not None else []
    if not names or any(n.lower() in ("all", "all_ex_china", "world", "everyone") for n in names):
        return everyone
    return _and([_the(n) for n in names])


def _share_of_flow(p: dict) -> str:
    return f" at {_param_text('share', p.pop('share'))} of the usual flow" if "share" in p else ""


def _licence(p: dict, kind: str, d: _Defaults) -> str:
    from treasurylab.errors import BadInput
    from treasurylab.model.minerals import product_list

    try:
        names = product_list(p.get("products"), kind)
    except BadInput:                       # refused by the loader
        names = []
    share = _share_of_flow(p) if "share" in p else f" at {d.licence_share(names)}"
    return (f"China requires export licences for {_products(p, kind)} to {_places(p, 'destinations', 'every destination')}"
            + share)


def _ban(p: dict, kind: str, d: _Defaults) -> str:
    return f"China bans exports of {_products(p, kind)} to {_places(p, 'destinations', 'every destination')}"


def _extraterritorial(p: dict, kind: str, d: _Defaults) -> str:
    out = "China's extraterritorial rules (foreign-made goods with Chinese content) limit heavy rare earths and magnets"
    share = _given(p, "share", d)
    out += f" to {share} of the usual flow" if share else ""
    extended, until = p.pop("extended", False), p.pop("suspended_until", None)
    if extended:
        return out + ", their suspension extended past the run (they never bite)"
    return out + (f", from {until} when their suspension lapses" if until is not None else "")


def _exemption(p: dict, kind: str, d: _Defaults) -> str:
    return (f"China exempts {_places(p, 'destinations', 'every destination')} from its controls on "
            f"{_products(p, kind)}" + _share_of_flow(p))


def _proclamation(p: dict, kind: str, d: _Defaults) -> str:
    days = _given(p, "negotiation_days", d)
    days = f" for {days}" if days else ""
    outcome = str(p.pop("outcome", "open")).lower()
    tariff = floor = ""
    if outcome in ("tariff", "tariff_and_agreement"):
        rate = _given(p, "tariff_rate", d)
        rate = f" of {rate}" if rate else ""
        tariff = f"a tariff{rate} is imposed"
    if outcome in ("agreement", "tariff_and_agreement"):
        level = _given(p, "floor_usd_kg", d)
        level = f" of {level}" if level else ""
        floor = f"agreements set an NdPr price floor{level}"
    then = " and ".join(x for x in (tariff, floor) if x) or ("nothing is decided" if outcome == "open" else outcome)
    return ("Section 232 proclamation on processed critical minerals: agreements and price floors are "
            f"negotiated{days}, then {then}")


def _floor(p: dict, kind: str, d: _Defaults) -> str:
    level = _given(p, "level_usd_kg", d)
    level = f" at {level}" if level else ""
    return f"a price floor for NdPr{level} in {_places(p, 'regions', 'every partner region')}"


def _subsidy(p: dict, kind: str, d: _Defaults) -> str:
    by = _given(p, "months", d)
    by = f" by up to {by}" if by else ""
    stages = _places(p, "stages", "").replace("_", " ")
    return (f"subsidies in {_places(p, 'regions', 'every partner region')} pull non-China "
            + (f"{stages} " if stages else "") + f"projects forward{by}")


def _stockpile(p: dict, kind: str, d: _Defaults) -> str:
    where = _the(str(p.pop("region", "?")))
    if "tonnes" in p:
        return f"a government stockpile releases {_param_text('tonnes', p.pop('tonnes'))} of magnets to users in {where}"
    if "months" in p:
        return (f"a government stockpile releases magnets worth {_param_text('months', p.pop('months'))} of "
                f"demand to users in {where}")
    return f"a government stockpile is released to users in {where}"


def _decouple(p: dict, kind: str, d: _Defaults) -> str:
    region = _the(str(p.pop("region", "?")))
    cap = f" at {_param_text('share', p.pop('share'))} of the usual flow" if "share" in p else ""
    return f"{region} caps its purchases of {_products(p, kind)} from China{cap}"


def _ally_delay(p: dict, kind: str, d: _Defaults) -> str:
    region = _the(str(p.pop("region", "?")))
    late = f" {_param_text('months', p.pop('months'))} late" if "months" in p else " late"
    return f"{region} joins the partner arrangements (price floors, subsidies, agreements){late}"


def _capacity(p: dict, kind: str, d: _Defaults) -> str:
    size = _param_text("tonnes_per_year", p.pop("tonnes_per_year")) + " of " if "tonnes_per_year" in p else ""
    stage, region = str(p.pop("stage", "?")).replace("_", " "), _the(str(p.pop("region", "?")))
    ramp_text = _given(p, "ramp_months", d)
    ramp = f", ramping up over {ramp_text}" if ramp_text else ""
    return f"{size}new {stage} capacity comes on line in {region}{ramp}"


#: each action's sentence, from its parameters (each builder pops what it words)
_SENTENCES = {
    "export_licence": _licence, "export_ban": _ban, "extraterritorial": _extraterritorial,
    "exemption": _exemption, "proclamation_232": _proclamation, "price_floor": _floor, "subsidy": _subsidy,
    "stockpile_release": _stockpile, "decouple": _decouple, "ally_delay": _ally_delay, "new_capacity": _capacity,
}
