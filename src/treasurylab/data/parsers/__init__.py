"""One parser module per official file *format version*; each is a pure ``parse(paths) -> DataFrame``.

:func:`require_final_newline` is the truncation check shared by the formats whose publisher always
ends the file with a line end (FRED, the New York Fed's SOMA CSV, CBO's files): a copy cut in the
middle of its last line (``...,4469293.0`` cut to ``...,446929``) parses into a wrong last value, so
it is refused. Formats written without a final line end (the Treasury par curve CSV, the MSPD
summary CSV) check the field count of every line instead; see docs/reliability.md for what that
cannot see.
"""

from __future__ import annotations

from pathlib import Path

from treasurylab.errors import DataError


def require_final_newline(path: Path, fix: str = "download the file again; it looks truncated") -> None:
    """DataError unless the file ends with a line end (its last line is complete)."""
    path = Path(path)
    with open(path, "rb") as f:
        f.seek(0, 2)
        size = f.tell()
        if size == 0:
            raise DataError("file is empty", where=path.name, fix=fix)
        f.seek(size - 1)
        last = f.read(1)
    if last not in (b"\n", b"\r"):
        raise DataError("the last line has no line end: the file was cut off (truncated copy)",
                        where=path.name, fix=fix)
