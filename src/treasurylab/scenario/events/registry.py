"""The registry of scenario event kinds: one class per kind, registered here, drives everything else.

- the scenario schema: :func:`union` is the discriminated union (on ``type``) of every registered
  class, which ``scenario.spec.Scenario.events`` is typed with (the spec rebuilds its model when a kind
  is registered later, through :func:`on_change`);
- the reference docs: :func:`field_rows` lists each kind's fields, which ``report.docs`` renders into
  docs/events.md with each class's :meth:`~EventBase.effect`;
- the report: each event's own :meth:`~EventBase.describe`;
- the set-up: ``scenario.setup.prepare`` calls each event's :meth:`~EventBase.apply`.

Adding a kind of event: write one module in this package with one ``@register``-ed subclass of
:class:`~treasurylab.scenario.events.base.EventBase` (and its test); :func:`load_all` imports every
module of the package, so nothing else changes.

``EVENT_TYPES`` (kind -> class, in ``order``) is the process-wide table; it is mutated only by
:func:`register` / :func:`unregister` (a test registers a throwaway kind and removes it again).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Annotated, Any, Union

from pydantic import Field

from treasurylab.scenario.events.base import EventBase, floor_text

EVENT_TYPES: dict[str, type[EventBase]] = {}
_LISTENERS: list[Callable[[], None]] = []
_NOT_KINDS = {"base", "registry"}


def register(cls: type[EventBase]) -> type[EventBase]:
    """Class decorator: add an event kind (its ``type`` Literal names it) to the registry."""
    if not (isinstance(cls, type) and issubclass(cls, EventBase)):
        raise TypeError(f"{cls!r} is not an EventBase subclass")
    kind = cls.kind()
    if cls.apply is EventBase.apply:   # a kind that cannot change a run's inputs is a stub: refused here
        raise TypeError(f"event kind {kind!r} ({cls.__qualname__}) does not define apply()")
    old = EVENT_TYPES.get(kind)
    if old is not None and old is not cls and (old.__module__, old.__qualname__) != (cls.__module__, cls.__qualname__):
        raise ValueError(f"event kind {kind!r} is already registered by {old.__module__}.{old.__qualname__}")
    EVENT_TYPES[kind] = cls
    _reorder()
    return cls


def unregister(kind: str) -> None:
    """Remove a kind (for tests that register a throwaway one)."""
    EVENT_TYPES.pop(kind, None)
    _reorder()


def on_change(fn: Callable[[], None]) -> None:
    """Call ``fn()`` whenever the set of kinds changes (the scenario model rebuilds its union)."""
    _LISTENERS.append(fn)


def _reorder() -> None:
    items = sorted(EVENT_TYPES.items(), key=lambda kv: (kv[1].order, kv[0]))
    EVENT_TYPES.clear()
    EVENT_TYPES.update(items)
    for fn in _LISTENERS:
        fn()


def load_all() -> dict[str, type[EventBase]]:
    """Import every module of this package (each registers its kinds); returns ``EVENT_TYPES``."""
    pkg = __name__.rsplit(".", 1)[0]
    for m in pkgutil.iter_modules(importlib.import_module(pkg).__path__):
        if m.name not in _NOT_KINDS and not m.name.startswith("_"):
            importlib.import_module(f"{pkg}.{m.name}")
    return EVENT_TYPES


def union() -> Any:
    """The discriminated union of every registered kind, for a pydantic field (``list[union()]``)."""
    if not EVENT_TYPES:
        raise RuntimeError("no event kinds registered - call load_all() first")
    return Annotated[Union[tuple(EVENT_TYPES.values())], Field(discriminator="type")]  # noqa: UP007


def _bounds(info) -> str:
    marks = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    out = []
    for m in info.metadata:
        for attr, sym in marks.items():
            v = getattr(m, attr, None)
            if v is not None:
                out.append(f"{sym} {v:g}" if isinstance(v, (int, float)) else f"{sym} {v}")
    return ", ".join(out)


def _type_name(ann: Any) -> str:
    names = {int: "whole number", float: "number", bool: "true/false", str: "text", type(None): "none"}
    args = getattr(ann, "__args__", None)
    if ann in names:
        return names[ann]
    if args and getattr(ann, "__origin__", None) is dict:
        return "mapping"
    if args:
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(parts))
    return getattr(ann, "__name__", str(ann))


def field_rows(cls: type[EventBase]) -> list[dict[str, str]]:
    """The fields of an event kind (without ``type``) for the reference docs: name, type, default
    ('required' when none), bounds, description."""
    rows = []
    for name, info in cls.model_fields.items():
        if name == "type":
            continue
        if info.is_required():
            default = "required"
        elif info.default_factory is not None:
            default = repr(info.default_factory())
        else:
            default = "none" if info.default is None else str(info.default).lower() \
                if isinstance(info.default, bool) else f"{info.default}"
        desc = "; ".join(x for x in (info.description or "", floor_text(name)) if x)
        rows.append({"field": name, "type": _type_name(info.annotation), "default": default,
                     "bounds": _bounds(info), "description": desc})
    return rows
