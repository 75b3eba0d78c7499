"""YAML in, with line numbers kept so an error can say where it is.

``load_yaml(path)`` returns a :class:`YamlDoc`: ``.data`` is plain Python (dict/list/str/float/...),
``.line(("events", 0, "amount_bn"))`` is the 1-based line of that key in the file (or of the closest
parent that exists). ruamel.yaml is used because it records the position of every key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treasurylab.errors import BadInput


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


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
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


def load_yaml_text(text: str, path: Path | str = "<string>") -> YamlDoc:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    yaml = YAML(typ="rt")
    try:
        raw = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInput(
            f"not valid YAML: {problem}",
            where=f"{path}{line}",
            fix="check indentation and that every 'key: value' has a space after the colon",
        ) from None
    return YamlDoc(Path(path), _plain(raw), raw)


def load_yaml(path: Path | str) -> YamlDoc:
    p = Path(path)
    if not p.exists():
        raise BadInput("file not found", where=str(p), fix="check the path")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BadInput("file is not UTF-8 text", where=str(p), fix="save it as UTF-8") from None
    return load_yaml_text(text, p)
