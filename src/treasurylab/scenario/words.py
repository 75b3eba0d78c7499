"""A scenario in words: each event's own sentence, told against the run it is in.

One home for what the report's "the scenario in words", ``treasurylab scenarios``, ``run``'s notes and
``result.json`` say about the events: :func:`run_window` (the run's months and the holders' display
names) handed to each event's ``describe``, which says how much of an event that lasts past the run's
last month falls inside it (from the schedule the set-up writes).
"""

from __future__ import annotations

from typing import Any

from treasurylab.scenario.events.base import RunWindow, passes_end


def run_window(sc: Any, months: int | None = None) -> RunWindow:
    """The run of scenario ``sc``: its start, ``months`` (default its horizon), the holders' display
    names under its overrides (as given when the holders block cannot be built) and, when it has
    minerals events, the minerals block's parameters under its overrides and those events."""
    try:
        from treasurylab.scenario.setup import holder_names

        ho = sc.overrides if isinstance((sc.overrides or {}).get("holders"), dict) else None
        names = tuple(holder_names(ho))
    except ImportError:
        names = ()
    minerals = tuple(ev for ev in sc.events if ev.type == "minerals")
    params, overridden, projects = None, frozenset(), None
    if minerals:
        from treasurylab.errors import BadInput

        mov = (sc.overrides or {}).get("minerals")
        try:
            from treasurylab.scenario.setup import minerals_params

            params = minerals_params(mov)
            overridden = frozenset(mov or ()) if isinstance(mov, dict) else frozenset()
        except (ImportError, BadInput):
            params = None
        try:       # what an ally_delay can move: the project pipeline (one curated table, read only here)
            from treasurylab.model.minerals import canonical_kind

            if any(canonical_kind(ev.action) == "ally_delay" for ev in minerals):
                from treasurylab.scenario.setup import minerals_pipeline

                projects = minerals_pipeline()
        except (ImportError, BadInput):
            projects = None
        try:       # the events the block runs: the scenario's, after the 2025 policy record
            from treasurylab.model.minerals import scenario_events

            minerals = tuple(scenario_events(sc))
        except (ImportError, BadInput):
            pass
    return RunWindow(start=sc.start, T=int(months if months is not None else sc.horizon), names=names,
                     minerals_params=params, minerals_overridden=overridden, minerals_events=minerals,
                     minerals_projects=projects)


def event_rows(sc: Any, months: int | None = None) -> list[dict]:
    """One row per event, in the file's order: ``type``, ``date``, ``what`` (its words against the run)
    and ``passes_end`` (true when part of it falls after the run's last month)."""
    run = run_window(sc, months) if sc.events else None
    rows = []
    for i, ev in enumerate(sc.events):
        what = ev.describe(run)
        rows.append({"field": f"events[{i}]", "type": ev.type, "date": ev.date, "what": what,
                     "passes_end": passes_end(what)})
    return rows
