"""How commands print: one JSON document with --json (logs to stderr), a compact table otherwise.

``guard`` wraps a command body: a :class:`~treasurylab.errors.TreasurylabError` becomes one line on
stderr and its exit code (2 for bad input); any other exception is an internal error (exit 1, one
line, with the hint to rerun with TREASURYLAB_DEBUG=1 for the traceback).
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import Any, Callable

import typer


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
    if json_mode:
        print_json({"error": message, "exit_code": code})
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code)


def guard(fn: Callable[[], Any], json_mode: bool = False) -> Any:
    from treasurylab.errors import TreasurylabError

    try:
        return fn()
    except typer.Exit:
        raise
    except TreasurylabError as exc:
        fail(str(exc), exc.exit_code, json_mode)
    except KeyboardInterrupt:
        fail("interrupted", 130, json_mode)
    except Exception as exc:  # an internal error: one line, traceback only on request
        if os.environ.get("TREASURYLAB_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (rerun with TREASURYLAB_DEBUG=1 for the traceback)",
             1, json_mode)


def table(rows: list[dict], columns: list[str] | None = None, title: str | None = None) -> None:
    """A compact rich table on stdout."""
    from rich.console import Console
    from rich.table import Table

    columns = columns or (list(rows[0]) if rows else [])
    t = Table(title=title, show_lines=False, header_style="bold")
    for c in columns:
        t.add_column(str(c))
    for r in rows:
        t.add_row(*[_fmt(r.get(c)) for c in columns])
    Console().print(t)


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        if not math.isfinite(v):
            return "n/a"
        return f"{v:,.4g}" if abs(v) < 1e5 else f"{v:,.0f}"
    return str(v)
