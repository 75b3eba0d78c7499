"""Scenario events as objects: one module per kind of event, and the registry that collects them.

Each kind (``threat``, ``sale``, ``programme``, ``sanction``, ``backstop``, ``issuance_mix``,
``fiscal_slippage``, ``minerals``, ...) is one class in its own module: its fields and validation,
how it changes the run's inputs (``apply``), and how it is described in words (``describe``, and its
docstring for docs/events.md). :mod:`.registry` collects them and drives the scenario schema, the
reference docs and the report; importing this package registers every kind it holds.
"""

from __future__ import annotations

from treasurylab.scenario.events.base import EventBase, Schedules, Strict, parse_date
from treasurylab.scenario.events.registry import (
    EVENT_TYPES,
    field_rows,
    load_all,
    on_change,
    register,
    union,
    unregister,
)

load_all()

__all__ = ["EVENT_TYPES", "EventBase", "Schedules", "Strict", "field_rows", "load_all", "on_change",
           "parse_date", "register", "union", "unregister"]
