"""Errors a user can act on, and how they are shown.

Every problem caused by input (a malformed scenario, a corrupted data file, an unknown holder, a
negative horizon) is raised as :class:`BadInput`: the CLI turns it into *one* line on stderr and
exit code 2, never a traceback. Anything else is a bug and exits 1.

The message format is ``where: problem (got X) - fix``, e.g.::

    scenarios/x.yaml line 4: events[0].amount_bn: must be >= 0 (got -5) - give a positive sale size

``did_you_mean`` gives the difflib suggestion used everywhere a name is looked up.

What a message echoes back is bounded: a value is cut to :data:`ECHO_LIMIT` characters (saying how
long it was), the whole line to :data:`LINE_LIMIT`, and terminal control characters (escape
sequences, bells, NUL) are shown escaped (``\x1b``), never sent to the terminal.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

#: characters of a user's value echoed in an error line (a 10 MB name must not give a 10 MB line)
ECHO_LIMIT = 200
#: characters of a whole error line
LINE_LIMIT = 2000


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to about ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"


class TreasurylabError(Exception):
    """Base class of every error the package raises on purpose."""

    exit_code = 1


class BadInput(TreasurylabError):
    """Input the user can fix: exit code 2 and a message naming the field and the fix."""

    exit_code = 2

    def __init__(
        self,
        problem: str,
        *,
        field: str | None = None,
        got: object = None,
        fix: str | None = None,
        where: str | None = None,
    ) -> None:
        self.problem = problem
        self.field = field
        self.got = got
        self.fix = fix
        self.where = where
        super().__init__(self.render())

    def render(self) -> str:
        parts = []
        if self.where:
            parts.append(f"{cut(str(self.where), 400)}: ")
        if self.field:
            parts.append(f"{cut(str(self.field))}: ")
        parts.append(self.problem)
        if self.got is not None:
            got = self.got
            if isinstance(got, str) and len(got) > ECHO_LIMIT:   # repr of the kept part only
                got = repr(got[:ECHO_LIMIT]) + f"... ({len(got):,} characters)"
            else:
                got = cut(repr(got))
            parts.append(f" (got {got})")
        if self.fix:
            parts.append(f" - {self.fix}")
        return one_line("".join(parts))


def one_line(text: str, limit: int = LINE_LIMIT) -> str:
    """``text`` with line breaks and other unprintable characters escaped (``\\n``, ``\\x1b``): a
    user's key or value may contain them, and the message must stay one line that does not drive
    the terminal; cut to ``limit`` characters."""
    text = cut(text, limit)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)



class DataError(BadInput):
    """A data file that cannot be trusted (truncated, re-encoded, wrong layout)."""


def did_you_mean(name: str, choices: Iterable[str], n: int = 3) -> str:
    """Return 'did you mean X?' (or a list of valid names) for an unknown ``name``."""
    choices = sorted(set(map(str, choices)))
    close = difflib.get_close_matches(str(name), choices, n=n, cutoff=0.5)
    if not close:
        lowered = {c.lower(): c for c in choices}
        close = difflib.get_close_matches(str(name).lower(), list(lowered), n=n, cutoff=0.5)
        close = [lowered[c] for c in close]
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    shown = ", ".join(choices[:12]) + (" ..." if len(choices) > 12 else "")
    return f"valid names: {shown}"


#: what a value of each pydantic type family must be, in the project's words (the family is the error
#: type's first word: 'int_parsing', 'int_from_float' -> 'int')
_EXPECTED = {"int": "a whole number", "float": "a number", "bool": "true or false", "string": "text",
             "dict": "a mapping (key: value lines)", "list": "a list (- item lines)",
             "model": "a mapping (key: value lines)", "decimal": "a number", "date": "a date (YYYY-MM-DD)",
             "finite": "a finite number"}
_BOUNDS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_BOUND_WORDS = {"gt": "above", "ge": "at least", "lt": "below", "le": "at most"}


def _num(v: object) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def constraint_words(err: dict) -> tuple[str, str | None]:
    """``(problem, fix)`` for one pydantic error (an item of ``ValidationError.errors()``), in the
    project's words: pydantic's own ('Input should be greater than or equal to 1') read as a library's,
    and did not say what to write. ``fix`` is None where the error alone does not say what is allowed;
    the caller then gives its own (a validator's 'problem - fix' is the caller's to split)."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    got = err.get("input")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        rules = [(k, v) for k, v in ctx.items() if k in _BOUNDS]
        return (" and ".join(f"must be {_BOUNDS[k]} {_num(v)}" for k, v in rules),
                "use a value " + " and ".join(f"{_BOUND_WORDS[k]} {_num(v)}" for k, v in rules))
    if kind == "int_from_float" and isinstance(got, float):
        import math

        return "must be a whole number", f"write {math.floor(got)} or {math.ceil(got)}"
    if kind == "literal_error" and "expected" in ctx:
        return f"must be {ctx['expected']}", f"write {ctx['expected']}"
    if kind == "missing":
        return "missing", None
    if kind in ("too_short", "too_long", "string_too_short", "string_too_long"):
        n = ctx.get("min_length" if kind.endswith("short") else "max_length")
        what = "character" if kind.startswith("string") else "item"
        if kind == "string_too_short" and n == 1:
            return "must not be empty", None
        if n is not None:
            most = "at least" if kind.endswith("short") else "at most"
            return f"must have {most} {n} {what}{'s' if n != 1 else ''}", None
    family = kind.split("_")[0]
    if family in _EXPECTED and kind != "value_error":
        return f"must be {_EXPECTED[family]}", f"write {_EXPECTED[family]}"
    # anything else pydantic words itself: at least in the project's voice ('must be ...')
    for lead in ("Input should be ", "Value should be "):
        if msg.startswith(lead):
            return "must be " + msg.removeprefix(lead), None
    return msg, None
