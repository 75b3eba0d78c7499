"""YAML in, with line numbers kept so an error can say where it is.

``load_yaml(path)`` returns a :class:`YamlDoc`: ``.data`` is plain Python (dict/list/str/float/...),
``.line(("events", 0, "amount_bn"))`` is the 1-based line of that key in the file (or of the closest
parent that exists). ruamel.yaml is used because it records the position of every key.

Hostile files are refused with :class:`~treasurylab.errors.BadInput` (exit 2) before they can cost
time or memory: text over :data:`MAX_BYTES`, nesting deeper than :data:`MAX_DEPTH`, and documents
whose aliases would expand to more than :data:`MAX_NODES` nodes (a "billion laughs" bomb of 200
bytes) are measured on ruamel's event stream, which is linear in the file's size, before anything
is built. A non-finite number (``.nan``, ``.inf``) is refused wherever it appears, with its line:
no parameter, event or option of the project has a meaning for it, and NaN slips through every
bound check (its comparisons are false).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treasurylab.errors import BadInput

#: the largest YAML text read (the biggest shipped file is ~50 KB; a scenario is ~1 KB)
MAX_BYTES = 5_000_000
#: the deepest nesting of mappings and lists (shipped files use at most 5 levels)
MAX_DEPTH = 64
#: the most nodes a document may expand to, aliases counted at their expanded size
MAX_NODES = 200_000


@dataclass
class YamlDoc:
    path: Path
    data: Any
    _raw: Any

    def line(self, loc: tuple) -> int | None:
        """Line (1-based) of the deepest existing node on ``loc``; None if unknown."""
        node = self._raw
        best: int | None = None
        for key in loc:
            lc = getattr(node, "lc", None)
            try:
                if isinstance(key, int) and isinstance(node, list):
                    if lc is not None:
                        best = lc.item(key)[0] + 1
                    node = node[key]
                elif isinstance(node, dict) and key in node:
                    if lc is not None:
                        best = lc.key(key)[0] + 1
                    node = node[key]
                else:
                    break
            except (KeyError, IndexError, TypeError, AttributeError):
                break
        return best

    def where(self, loc: tuple = ()) -> str:
        ln = self.line(loc)
        return f"{self.path}" + (f" line {ln}" if ln else "")


def _plain(obj: Any, loc: tuple = (), bad: list | None = None) -> Any:
    """Plain Python of ruamel's tree; the location of the first non-finite number goes into ``bad``."""
    if isinstance(obj, dict):
        return {str(k): _plain(v, loc + (k,), bad) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v, loc + (i,), bad) for i, v in enumerate(obj)]
    if isinstance(obj, float) and not math.isfinite(obj) and bad is not None and not bad:
        bad.append((loc, obj))
    if hasattr(obj, "isoformat") and not isinstance(obj, str):
        return obj.isoformat()
    if type(obj).__name__ in ("ScalarFloat",):
        return float(obj)
    if type(obj).__name__ in ("ScalarInt",):
        return int(obj)
    if type(obj).__name__ in ("ScalarBoolean",):
        return bool(obj)
    if isinstance(obj, str):
        return str(obj)
    return obj


def _check_size(yaml: Any, text: str, path: Path | str) -> None:
    """Refuse text that is too big, too deep or expands too far (see the module docstring).

    Walks ruamel's events once: each node's expanded size is 1 plus its children's; an anchor
    remembers its node's size, and an alias adds that size again, so ``[*a, *a, ...]`` chains are
    counted as what they would become when copied into plain Python."""
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        ScalarEvent,
    )

    if len(text) > MAX_BYTES:
        raise BadInput(f"file is too large ({len(text):,} characters; the limit is {MAX_BYTES:,})",
                       where=str(path), fix="a scenario or parameter file is a few KB; check the file")
    anchors: dict[str, int] = {}
    stack: list[list] = []          # [expanded size so far, anchor] per open collection
    total = 0

    def add(n: int, line: int) -> None:
        nonlocal total
        total += n
        if stack:
            stack[-1][0] += n
        if total > MAX_NODES:
            raise BadInput(f"the document expands to more than {MAX_NODES:,} values (aliases '*name' "
                           "repeat whole blocks)", where=f"{path} line {line + 1}",
                           fix="write the values out once; do not nest aliases of aliases")

    for ev in yaml.parse(text):
        line = ev.start_mark.line if ev.start_mark is not None else 0
        if isinstance(ev, CollectionStartEvent):
            total += 1
            stack.append([1, ev.anchor])
            if len(stack) > MAX_DEPTH:
                raise BadInput(f"nested more than {MAX_DEPTH} levels deep", where=f"{path} line {line + 1}",
                               fix="a scenario is a few levels deep; check the brackets and indentation")
        elif isinstance(ev, CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor is not None:
                anchors[anchor] = size
            if stack:
                stack[-1][0] += size
        elif isinstance(ev, ScalarEvent):
            if ev.anchor is not None:
                anchors[ev.anchor] = 1
            add(1, line)
        elif isinstance(ev, AliasEvent):
            add(anchors.get(ev.anchor, 1), line)


def load_yaml_text(text: str, path: Path | str = "<string>") -> YamlDoc:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    try:
        _check_size(yaml, text, path)
        raw = yaml.load(text)
    except (ValueError, OverflowError) as exc:   # a scalar ruamel cannot build: a day the month lacks
        hit = _bad_date(text)
        if hit is not None:   # quote the date and read again, to name the field it sits in
            line, start, end = hit
            lines = text.splitlines(keepends=True)
            ln = lines[line - 1]
            token = ln[start:end]
            lines[line - 1] = f"{ln[:start]}'{token}'{ln[end:]}"
            try:
                loc = _loc_of(yaml.load("".join(lines)), token, ())
            except Exception:   # noqa: BLE001 - naming the field is a courtesy; the line is enough
                loc = None
            raise BadInput("not a valid calendar date", where=f"{path} line {line}",
                           field=_field(loc) if loc else None, got=token,
                           fix="write a real calendar date (YYYY-MM-DD: months are 01-12, and 2026-02 "
                               "has 28 days)") from None
        raise BadInput(f"a value cannot be read ({exc})", where=str(path),
                       fix="write real calendar dates (YYYY-MM-DD: 2026-02 has 28 days)") from None
    except RecursionError:
        raise BadInput("nested too deeply to read", where=str(path),
                       fix="a scenario is a few levels deep; check the brackets and indentation") from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(
            f"not valid YAML: {problem}",
            where=f"{path}{line}",
            fix="check indentation and that every 'key: value' has a space after the colon",
        ) from None
    bad: list = []
    doc = YamlDoc(Path(path), _plain(raw, (), bad), raw)
    if bad:
        loc, value = bad[0]
        raise BadInput("not a finite number", where=doc.where(loc), field=_field(loc) or None, got=value,
                       fix="write a plain number (.nan and .inf are not accepted)")
    return doc


def _bad_date(text: str) -> tuple[int, int, int] | None:
    """(line (1-based), start, end) of the first YYYY-MM-DD in ``text`` that is not a calendar date."""
    import datetime as dt
    import re

    for i, ln in enumerate(text.splitlines(), 1):
        for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", ln):
            try:
                dt.date(*(int(g) for g in m.groups()))
            except ValueError:
                return i, m.start(), m.end()
    return None


def _loc_of(node: Any, value: str, loc: tuple) -> tuple | None:
    """The path (keys and indices) of the first scalar equal to ``value`` in ``node``."""
    if isinstance(node, dict):
        for k, v in node.items():
            found = _loc_of(v, value, loc + (str(k),))
            if found is not None:
                return found
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found = _loc_of(v, value, loc + (i,))
            if found is not None:
                return found
    elif isinstance(node, str) and node == value:
        return loc
    return None


def _field(loc: tuple) -> str:
    s = ""
    for x in loc:
        s += f"[{x}]" if isinstance(x, int) else (("." if s else "") + str(x))
    return s


def load_yaml(path: Path | str) -> YamlDoc:
    p = Path(path)
    if not p.exists():
        raise BadInput("file not found", where=str(p), fix="check the path")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput("file is not UTF-8 text", where=str(p), fix="save it as UTF-8") from None
    return load_yaml_text(text, p)
