"""How commands print: one JSON document with --json (logs to stderr), a compact table otherwise.

``guard`` wraps a command body: a :class:`~treasurylab.errors.TreasurylabError` becomes one line on
stderr and its exit code (2 for bad input); any other exception is an internal error (exit 1, one
line, with the hint to rerun with TREASURYLAB_DEBUG=1 for the traceback). A closed pipe
(``treasurylab data list | head``) ends the command quietly.

``table`` never cuts a value. Every cell is plain text (no rich markup, so ``events[type=sale]`` prints
as written). Column widths are chosen here, not by rich:

- natural width of a column = its longest cell or header;
- minimum width = its longest *unbreakable* cell (a value without spaces - an id, a date, a number -
  must stay on one line) or, for text, its longest word; headers may fold;
- not a terminal (a pipe or a file): every column at its natural width, one row per line, however
  wide (a file is read by ``grep`` and ``cut``, not by eye);
- a terminal of width W: natural widths if they fit; else every column starts at its minimum and the
  spare ``W - sum(minimum)`` goes to the columns in proportion to what they lack
  (``natural - minimum``); if even the minimums do not fit, the table is drawn at the sum of the
  minimums (the terminal wraps the lines, but no value is cut).

``check_out_dir`` / ``check_out_file`` validate an output location before any work is done.
``finite(lo, hi)`` is the callback of every float option: NaN, inf and values outside [lo, hi] are a
usage error (exit 2, one line naming the option) before the command starts.

``as_typed`` renames the field of an error from a lower layer (the model's ``start``, the data layer's
``country``) to the option the user typed (``--start``, ``--country``).
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import typer


@contextmanager
def as_typed(names: Mapping[str, str]) -> Iterator[None]:
    """Errors raised inside name the option as the user typed it, not the lower layer's field.

    The model and data layers name their own parameters (``minerals.simulate(start=...)`` raises
    ``start: not a date``), which is right from Python and wrong on the command line, where the user
    typed ``--start``. ``names`` maps a layer's field to the option (``{"start": "--start"}``); give
    only the options the user set, so that a value taken from a scenario file is not blamed on an
    option. An error located in a file (``where``) is about the file and keeps its field."""
    from treasurylab.errors import BadInput

    try:
        yield
    except BadInput as exc:
        if exc.where is None and exc.field in names:
            raise type(exc)(exc.problem, field=names[exc.field], got=exc.got, fix=exc.fix) from exc
        raise


def _default(o: Any) -> Any:
    try:
        import numpy as np

        if isinstance(o, np.integer):
            return int(o)
        if isinstance(o, np.floating):
            return None if not math.isfinite(float(o)) else float(o)
        if isinstance(o, np.ndarray):
            return o.tolist()
        if isinstance(o, np.bool_):
            return bool(o)
    except ImportError:  # pragma: no cover
        pass
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "to_dict"):
        return o.to_dict()
    return str(o)


def _clean(o: Any) -> Any:
    if isinstance(o, float) and not math.isfinite(o):
        return None
    if isinstance(o, dict):
        return {str(k): _clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_clean(v) for v in o]
    return o


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(_clean(obj), default=_default, indent=1, allow_nan=False) + "\n")


def fail(message: str, code: int = 2, json_mode: bool = False) -> None:
    from treasurylab.errors import one_line

    message = one_line(message)          # bounded, no control characters, whatever raised it
    if json_mode:
        print_json({"error": message, "exit_code": code})
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code)


def warn(lines: Any) -> None:
    """One line on stderr per warning ('warning: ...'): a value kept as given that is likely a slip
    (a scenario's ``warnings``); stdout stays the command's result, --json's document included."""
    from treasurylab.errors import one_line

    for line in lines or ():
        sys.stderr.write(f"warning: {one_line(str(line))}\n")


def guard(fn: Callable[[], Any], json_mode: bool = False) -> Any:
    from treasurylab.errors import TreasurylabError

    try:
        return fn()
    except typer.Exit:
        raise
    except TreasurylabError as exc:
        fail(str(exc), exc.exit_code, json_mode)
    except BrokenPipeError:
        _quiet_broken_pipe()
    except KeyboardInterrupt:
        fail("interrupted", 130, json_mode)
    except Exception as exc:  # an internal error: one line, traceback only on request
        if os.environ.get("TREASURYLAB_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.errno in _PATH_ERRNOS:
            # a path the user gave that the system refuses (too long, not a folder, no permission,
            # disk full): the user can fix it, so exit 2 naming the path, not "internal error"
            from treasurylab.errors import BadInput

            name = exc.filename if exc.filename is not None else ""
            fail(str(BadInput(f"cannot use this path ({exc.strerror})", field="path", got=str(name),
                              fix="check the file or folder name and that it can be read or written")),
                 2, json_mode)
        fail(f"internal error: {type(exc).__name__}: {exc} (rerun with TREASURYLAB_DEBUG=1 for the traceback)",
             1, json_mode)


def _errnos() -> frozenset[int]:
    import errno

    return frozenset(getattr(errno, n) for n in ("ENAMETOOLONG", "ENOTDIR", "EISDIR", "EACCES", "EPERM",
                                                  "ENOENT", "ELOOP", "EROFS", "ENOSPC", "EDQUOT", "EEXIST")
                     if hasattr(errno, n))


#: errors of the operating system about a path, which the user can fix
_PATH_ERRNOS = _errnos()


def _quiet_broken_pipe() -> None:
    """The reader of our stdout went away (``| head``): stop without a message. stdout is pointed at
    /dev/null so that the interpreter's final flush does not complain a second time."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout without a file descriptor (captured in tests)
        pass
    raise typer.Exit(1)


def _atomic(text: str) -> bool:
    """A value that must not be broken across lines (no whitespace: an id, a date, a number)."""
    return bool(text) and not any(ch.isspace() for ch in text)


def _cell_min(text: str) -> int:
    if _atomic(text):
        return len(text)
    return max((len(w) for w in text.split()), default=0)


def column_widths(header: list[str], cells: list[list[str]], limit: int | None) -> tuple[list[int], int]:
    """Content widths per column and the console width to draw them at (see the module docstring).

    ``limit`` is the terminal width, or None when not drawing to a terminal (no limit)."""
    n = len(header)
    natural = [max([len(header[j])] + [len(r[j]) for r in cells]) for j in range(n)]
    # a header folds (at its underscores) if it must, so it asks for little; the cells ask for their
    # longest unbreakable piece
    minimum = [max([min(_cell_min(header[j]), HEADER_MIN), 1] + [_cell_min(r[j]) for r in cells])
               for j in range(n)]
    minimum = [min(m, nat) for m, nat in zip(minimum, natural)]
    frame = 3 * n + 1                    # rich's default box: one border per column plus one, padding 1+1
    if limit is None or sum(natural) + frame <= limit:
        widths = natural
    elif sum(minimum) + frame >= limit:
        widths = minimum
    else:
        # water-filling: columns that lack little get their natural width first, so a short unit
        # stays on one line and the long free text absorbs the folding
        widths = list(minimum)
        spare = limit - frame - sum(minimum)
        order = sorted(range(n), key=lambda j: natural[j] - minimum[j])
        for k, j in enumerate(order):
            share = spare // (n - k)
            give = min(natural[j] - widths[j], share)
            widths[j] += give
            spare -= give
    return widths, sum(widths) + frame


#: Columns narrower than their header fold the header; it still gets at least this many characters.
HEADER_MIN = 8


def fold_header(text: str, width: int) -> str:
    """Break a header to ``width`` at underscores or spaces (``net_interest_`` / ``pct_gdp``)."""
    if len(text) <= width:
        return text
    lines: list[str] = []
    line = ""
    for tok in re.findall(r"[^_ ]+[_ ]*|[_ ]+", text):
        while len(tok) > width:                       # a piece longer than the column: hard split
            if line:
                lines.append(line.rstrip())
                line = ""
            lines.append(tok[:width])
            tok = tok[width:]
        if len(line) + len(tok.rstrip()) > width and line:
            lines.append(line.rstrip())
            line = ""
        line += tok
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


def console(stderr: bool = False):
    """The terminal the tables and the progress bar draw on (stderr's for the bar): one home, so that
    the tests can stand a terminal of a given width in for it."""
    from rich.console import Console

    return Console(stderr=stderr)


def table(rows: list[dict], columns: list[str] | None = None, title: str | None = None) -> None:
    """A compact table on stdout; no value is ever truncated (see the module docstring)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    columns = columns or (list(rows[0]) if rows else [])
    header = [str(c) for c in columns]
    cells = [[_fmt(r.get(c)) for c in columns] for r in rows]
    probe = console()
    limit = probe.width if (probe.is_terminal or os.environ.get("COLUMNS")) else None
    widths, width = column_widths(header, cells, limit)
    numeric = [bool(cells) and all(_is_number(r[j]) or not r[j] for r in cells) for j in range(len(header))]
    t = Table(title=Text(title) if title else None, show_lines=False, header_style="bold")
    for j, c in enumerate(header):
        t.add_column(Text(fold_header(c, widths[j]), overflow="fold"), width=widths[j], overflow="fold",
                     justify="right" if numeric[j] else "left")
    for r in cells:
        t.add_row(*[Text(v, overflow="fold") for v in r])
    # a console exactly as wide as the table: rich never has to shrink (and so never cuts) a column
    title_width = len(title or "") if limit is None else 0      # a piped title stays on one line too
    Console(width=max(width, title_width, 20)).print(t)


_NUMBER = re.compile(r"^[-+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$", re.IGNORECASE)


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text)) or text == "n/a"


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "n/a"
        # no exponent for table-sized numbers: 16,068 not 1.607e+04
        return f"{v:,.4g}" if abs(v) < 1e3 else f"{v:,.0f}"
    return str(v)


def pct(x: float, digits: int = 0) -> str:
    """A share (0.62) as percent text ('62%'); 'n/a' when not finite."""
    return f"{100 * x:.{digits}f}%" if x is not None and math.isfinite(x) else "n/a"


def amount(x: float, unit: str = "", digits: int = 0) -> str:
    """A quantity with thousands separators and its unit ('16,068 t')."""
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:,.{digits}f}" + (f" {unit}" if unit else "")

def finite(example: str, lo: float | None = None, hi: float | None = None) -> Callable[[Any], Any]:
    """A typer callback refusing a non-finite float option, or one outside [lo, hi] (exit 2).

    click turns 'nan' and 'inf' into floats without complaint, and NaN passes every comparison a
    command might make later (they are all false), so it is refused here, at parse time. Without
    ``lo``/``hi`` the command (or the parameter it sets) checks the range itself."""

    def check(value: Any) -> Any:
        if value is None:
            return value
        if not math.isfinite(value):
            raise typer.BadParameter(f"{value!r} is not a finite number (e.g. {example})")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise typer.BadParameter(f"{value!r} is outside [{lo:g}, {hi:g}] (e.g. {example})")
        return value

    return check


def check_out_dir(path: Any, field: str = "--out") -> None:
    """A folder the command may create or fill: fine if it exists as a folder, or if its parent does.

    A missing parent is most often a typo (``--out /tmp/reslts/run1``), so it is refused rather than
    created; an existing *file* of that name cannot become a folder."""
    from pathlib import Path

    from treasurylab.errors import BadInput

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise BadInput("exists and is a file, not a folder", field=field, got=str(p),
                       fix="give a folder name (it is created if its parent exists)")
    if not p.exists():
        parent = p.absolute().parent
        if not parent.is_dir():
            raise BadInput("the parent folder does not exist", field=field, got=str(p),
                           fix=f"create {parent} first (mkdir -p) or choose a folder inside an existing one")
        _check_writable(parent, p, field)
    else:
        _check_writable(p, p, field)


def check_out_file(path: Any, field: str, example: str = "chart.html") -> None:
    """A file the command will write: its folder must exist and it must not be a folder itself.

    ``example`` is the file name suggested inside a folder given by mistake: one of the kind the
    option writes (``chart.html`` for a chart, ``validation.md`` for a Markdown page)."""
    from pathlib import Path

    from treasurylab.errors import BadInput

    p = Path(path)
    if p.is_dir():
        raise BadInput("is a folder, not a file name", field=field, got=str(p),
                       fix="give a file name inside it, e.g. " + str(p / example))
    parent = p.absolute().parent
    if not parent.is_dir():
        raise BadInput("the folder does not exist", field=field, got=str(p),
                       fix=f"create {parent} first (mkdir -p) or write the file into an existing folder")
    _check_writable(parent, p, field)


def _check_writable(folder, p, field: str) -> None:
    from treasurylab.errors import BadInput

    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadInput("no permission to write there", field=field, got=str(p),
                       fix="choose a folder you can write to")
