"""Load a block's parameter file, check it, and apply overrides.

``load_params(block, overrides=None)`` -> :class:`ParamSet`, a read-only mapping ``name -> value``
whose ``.meta[name]`` keeps the full :class:`~treasurylab.params.schema.Param` (unit, source, date,
assumption). Overrides are checked against the same bounds and name the parameter on error; an
override must also have the default's shape (a number for a number, a mapping of numbers for a
mapping of numbers...) and every number in it must be finite, so a wrong-shaped or NaN value is
refused at load time (exit 2) instead of failing, or silently zeroing a path, inside the run.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from treasurylab.errors import BadInput, constraint_words, did_you_mean
from treasurylab.params.schema import Param, ParamFile
from treasurylab.yamlio import load_yaml

DEFAULTS_DIR = Path(str(resources.files("treasurylab.params") / "defaults"))


def list_blocks() -> list[str]:
    return sorted(p.stem for p in DEFAULTS_DIR.glob("*.yaml"))


class ParamSet(Mapping):
    """Parameter values of one block (plain Python values), with their metadata in ``.meta``."""

    def __init__(self, block: str, meta: dict[str, Param], path: Path, title: str = "") -> None:
        self.block = block
        self.meta = meta
        self.path = path
        self.title = title
        self._values = {k: copy.deepcopy(p.value) for k, p in meta.items()}

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise BadInput(
                f"unknown parameter of block '{self.block}'",
                field=key,
                fix=did_you_mean(key, self._values),
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def with_overrides(self, overrides: Mapping[str, Any] | None, where: str = "overrides") -> ParamSet:
        """A copy with ``overrides`` applied (name -> new value), bounds checked."""
        if not overrides:
            return self
        meta = dict(self.meta)
        for name, value in overrides.items():
            if name not in meta:
                raise BadInput(
                    f"unknown parameter of block '{self.block}'",
                    where=where,
                    field=f"{self.block}.{name}",
                    fix=did_you_mean(name, meta),
                )
            _check_shape(meta[name].value, value, f"{self.block}.{name}", where)
            if meta[name].complete and isinstance(value, dict):
                missing = [k for k in meta[name].value if k not in value]
                if missing:
                    raise BadInput(
                        "needs a value for every key of the default (an override replaces the whole table)",
                        where=where, field=f"{self.block}.{name}.{missing[0]}", got=sorted(map(str, value)),
                        fix=f"give {', '.join(map(str, meta[name].value))} (the defaults are in "
                            f"params/defaults/{self.block}.yaml)")
            new = meta[name].model_copy(update={"value": value})
            _check_bounds(new, f"{self.block}.{name}", where)
            meta[name] = new
        return ParamSet(self.block, meta, self.path, self.title)

    def sources(self) -> list[dict[str, Any]]:
        """One row per parameter for the sources appendix of reports."""
        rows = []
        for name, p in self.meta.items():
            rows.append(
                {
                    "block": self.block,
                    "parameter": name,
                    "value": p.value,
                    "unit": p.unit,
                    "source": p.source or "",
                    "date": p.date or "",
                    "assumption": p.assumption or "",
                }
            )
        return rows


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "true or false"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "text"
    if isinstance(v, dict):
        return "a mapping (name: value lines)"
    if isinstance(v, list):
        return "a list"
    return type(v).__name__


def _check_shape(default: Any, value: Any, field: str, where: str) -> None:
    """``value`` must be of the same kind as ``default``, recursively (new mapping keys are allowed:
    their block's builder checks them); numbers must be finite."""
    if default is None:
        return
    if _kind(default) != _kind(value):
        got = value if isinstance(value, (bool, int, float, str)) else type(value).__name__
        raise BadInput(f"must be {_kind(default)}, like the default", where=where, field=field, got=got,
                       fix=f"give {_kind(default)} (the default is {short_repr(default)})")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput("not a finite number", where=where, field=field, got=value, fix="write a plain number")
    if isinstance(value, dict) and default:
        for k, v in value.items():
            if k in default:
                _check_shape(default[k], v, f"{field}.{k}", where)
            else:   # a new key (a holder's programme, say): its block's builder checks the name and kind
                _check_finite(v, f"{field}.{k}", where)
    elif isinstance(value, list) and default:
        for i, v in enumerate(value):
            _check_shape(default[min(i, len(default) - 1)], v, f"{field}[{i}]", where)


def _check_finite(value: Any, field: str, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise BadInput("not a finite number", where=where, field=field, got=value, fix="write a plain number")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_finite(v, f"{field}.{k}", where)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_finite(v, f"{field}[{i}]", where)


def short_repr(v: Any) -> str:
    """A value as an error message shows it: its repr, cut to 60 characters."""
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_bounds(p: Param, field: str, where: str) -> None:
    for x in p.numbers():
        if not math.isfinite(x):
            raise BadInput("not a finite number", where=where, field=field, got=x, fix="write a plain number")
        if p.min is not None and x < p.min:
            raise BadInput(f"must be >= {p.min:g}", where=where, field=field, got=x,
                           fix=f"use a value in [{p.min:g}, {p.max if p.max is not None else 'inf'}] ({p.unit})")
        if p.max is not None and x > p.max:
            raise BadInput(f"must be <= {p.max:g}", where=where, field=field, got=x,
                           fix=f"use a value in [{p.min if p.min is not None else '-inf'}, {p.max:g}] ({p.unit})")


def load_param_file(path: Path) -> ParamSet:
    doc = load_yaml(path)
    try:
        pf = ParamFile.model_validate(doc.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(x) for x in loc)
        # the project's words for pydantic's ('Input should be a valid number'); a validator's own kept
        msg, fix = constraint_words(err)
        raise BadInput(msg, where=doc.where(loc), field=field,
                       fix=fix or "see the schema in treasurylab/params/schema.py") from None
    for name, p in pf.params.items():
        _check_bounds(p, f"{pf.block}.{name}", doc.where(("params", name)))
    return ParamSet(pf.block, dict(pf.params), path, pf.title)


@cache
def _load_default(block: str) -> ParamSet:
    path = DEFAULTS_DIR / f"{block}.yaml"
    if not path.exists():
        raise BadInput("unknown parameter block", field=block, fix=did_you_mean(block, list_blocks()))
    # parsing with line numbers is the slow part (~0.1-1 s a file): a checked file is kept in the
    # disk cache keyed by its bytes (treasurylab.cache); a file that fails its checks is never stored
    import hashlib

    from treasurylab.cache import cached

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return cached("params", {"block": block, "file_sha256": digest}, lambda: load_param_file(path))


def load_params(block: str, overrides: Mapping[str, Any] | None = None, where: str = "overrides") -> ParamSet:
    """The default parameters of ``block`` with ``overrides`` applied."""
    return _load_default(block).with_overrides(overrides, where=where)
