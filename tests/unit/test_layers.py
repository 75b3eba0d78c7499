"""The import graph: data -> params -> model -> scenario -> monitor -> report / app -> cli, and no cycles.

Every import form counts: ``import treasurylab.x.y``, ``from treasurylab.x import y`` (``y`` a module or
a name), ``from treasurylab import x``, relative imports (``from . import y``, ``from ..model import
z``) and imports inside functions (a lazy import is still a dependency). Each is resolved to the module
file it loads, so the test sees the same graph Python does.

- A lower layer never imports a higher one. ``errors.py``, ``yamlio.py``, ``cache.py``, ``units.py`` and ``numtext.py`` sit below every
  layer;
  the package's ``__init__`` (a lazy facade: ``treasurylab.run``, ``treasurylab.data``) sits above
  them all, and lower layers may read only ``treasurylab.__version__`` from it.
- No cycle between modules, a package's ``__init__`` included: a strongly connected component of more
  than one module fails, naming one cycle through it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import treasurylab

PKG = Path(treasurylab.__file__).parent
ROOT = "treasurylab"
#: rank of each layer; a module may import only modules of a lower or equal rank
RANK = {"errors": 0, "yamlio": 0, "cache": 0, "units": 0, "numtext": 0, "data": 1, "params": 2, "model": 3, "scenario": 4, "monitor": 5,
        "report": 6, "app": 7, "cli": 8, "__init__": 9}
FACADE_NAMES_BELOW = {"__version__"}   # what lower layers may take from the package's __init__


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


FILES = sorted(PKG.rglob("*.py"))
MODULES = {_module_name(p): p for p in FILES}


def _is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def _resolve(name: str) -> str | None:
    """The treasurylab module that ``import name`` loads (the deepest existing prefix)."""
    parts = name.split(".")
    while parts:
        cand = ".".join(parts)
        if cand in MODULES:
            return cand
        parts.pop()
    return None


def _from_module(node: ast.ImportFrom, package: str) -> str:
    """The module a ``from ... import`` reads, relative forms resolved against ``package``."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, text: str | None = None) -> list[tuple[str, set[str]]]:
    """(module loaded, names taken from it) for every treasurylab import in ``path`` (or in ``text``
    as if it were that file), any form."""
    me = _module_name(path)
    package = me if _is_package(me) else me.rpartition(".")[0]
    out: list[tuple[str, set[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == ROOT or a.name.startswith(ROOT + "."):
                    target = _resolve(a.name)
                    if target:
                        out.append((target, set()))
        elif isinstance(node, ast.ImportFrom):
            mod = _from_module(node, package)
            if not (mod == ROOT or mod.startswith(ROOT + ".")):
                continue
            for a in node.names:
                sub = f"{mod}.{a.name}"
                if sub in MODULES:             # from pkg import submodule
                    out.append((sub, set()))
                else:                          # from module import name
                    target = _resolve(mod)
                    if target:
                        out.append((target, {a.name}))
    return out


def _layer(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _graph() -> dict[str, set[str]]:
    g: dict[str, set[str]] = {m: set() for m in MODULES}
    for m, p in MODULES.items():
        for target, names in imports_of(p):
            # ``__version__`` is a constant at the top of the facade, defined before (and without) any of
            # its lazy imports: reading it does not depend on what the facade can load
            if target == ROOT and names and names <= FACADE_NAMES_BELOW:
                continue
            if target != m:
                g[m].add(target)
    return g


def upward_imports(module: str, imports: list[tuple[str, set[str]]]) -> list[str]:
    """The imports of ``module`` that reach a higher layer."""
    mine = RANK[_layer(module)]
    bad = []
    for target, names in imports:
        layer = _layer(target)
        if layer == "__init__" and module != ROOT and names and names <= FACADE_NAMES_BELOW:
            continue
        if RANK[layer] > mine:
            bad.append(f"{target} ({layer})" + (f" [{', '.join(sorted(names))}]" if names else ""))
    return sorted(set(bad))


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_no_upward_import(module):
    bad = upward_imports(module, imports_of(MODULES[module]))
    assert not bad, f"{module} ({_layer(module)}) imports a higher layer: {bad}"


def _cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(g):
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def _one_cycle(g: dict[str, set[str]], comp: list[str]) -> list[str]:
    """A shortest cycle through the component's first module, for the message."""
    inside = set(comp)
    start = comp[0]
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(g[v] & inside):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def test_no_import_cycles():
    g = _graph()
    found = [" -> ".join(_one_cycle(g, c)) for c in _cycles(g)]
    assert not found, "import cycles between modules:\n" + "\n".join(found)


# ---- the checker itself ----------------------------------------------------------------------------


def test_every_import_form_is_seen():
    probe = PKG / "model" / "_probe_layers.py"   # never written: its text is given
    text = ("import numpy\n"
            "import treasurylab.scenario.spec\n"
            "from treasurylab import report\n"
            "from treasurylab import __version__\n"
            "from .. import cli\n"
            "from ..scenario.runner import run\n"
            "from .fiscal import check_month\n"
            "def f():\n"
            "    from treasurylab.scenario import sweep\n"
            "    from . import market\n"
            "    import treasurylab.data.store as st\n")
    got = imports_of(probe, text)
    assert {t for t, _ in got} == {
        "treasurylab.scenario.spec", "treasurylab.report", "treasurylab", "treasurylab.cli",
        "treasurylab.scenario.runner", "treasurylab.model.fiscal", "treasurylab.scenario.sweep",
        "treasurylab.model.market", "treasurylab.data.store"}
    assert ("treasurylab.scenario.runner", {"run"}) in got and ("treasurylab", {"__version__"}) in got
    assert upward_imports("treasurylab.model._probe_layers", got) == [
        "treasurylab.cli (cli)", "treasurylab.report (report)", "treasurylab.scenario.runner (scenario) [run]",
        "treasurylab.scenario.spec (scenario)", "treasurylab.scenario.sweep (scenario)"]
    assert upward_imports("treasurylab.model._probe_layers", [("treasurylab", {"run"})]) == [
        "treasurylab (__init__) [run]"]


def test_cycles_are_found():
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(g) == [["a", "b", "c"]]
    assert _one_cycle(g, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _private(name: str) -> bool:
    """``_name``, not a dunder (``__version__`` is the facade's public constant)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(module: str, imports: list[tuple[str, set[str]]]) -> list[str]:
    """The imports of ``module`` that take a private name (``_name``, or a ``_module``) from another
    module of the package."""
    bad = []
    for target, names in imports:
        if target == module:
            continue
        if any(_private(part) for part in target.split(".")):
            bad.append(target)
        bad += [f"{target}.{n}" for n in sorted(names) if _private(n)]
    return sorted(set(bad))


def module_names(path: Path, text: str | None = None) -> dict[str, str]:
    """The names that ``path`` (or ``text`` as if it were that file) binds to a treasurylab module by an
    import, anywhere in the file: ``import treasurylab.x as M`` (M), ``import treasurylab.x`` (treasurylab),
    ``from treasurylab import x`` or ``from . import x`` (x), ``from treasurylab.y import x as z`` (z)."""
    me = _module_name(path)
    package = me if _is_package(me) else me.rpartition(".")[0]
    out: dict[str, str] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name in MODULES and a.asname:
                    out[a.asname] = a.name
                elif a.name == ROOT or a.name.startswith(ROOT + "."):
                    out[ROOT] = ROOT               # `import treasurylab.x.y` binds the package's name
        elif isinstance(node, ast.ImportFrom):
            mod = _from_module(node, package)
            for a in node.names:
                if f"{mod}.{a.name}" in MODULES:
                    out[a.asname or a.name] = f"{mod}.{a.name}"
    return out


def private_attributes(path: Path, text: str | None = None) -> list[str]:
    """The private names (``M._y``, ``treasurylab.x._y``) that ``path`` reaches as an attribute of
    another treasurylab module through a name an import bound to it (:func:`module_names`)."""
    me = _module_name(path)
    bound = module_names(path, text)

    def module_of(expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name):
            return bound.get(expr.id)
        if isinstance(expr, ast.Attribute):
            outer = module_of(expr.value)
            return f"{outer}.{expr.attr}" if outer and f"{outer}.{expr.attr}" in MODULES else None
        return None

    bad = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            target = module_of(node.value)
            if target and target != me:
                bad.append(f"{target}.{node.attr}")
    return sorted(set(bad))


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_no_module_takes_a_private_name_from_another(module):
    """A private name is its module's own: what another module needs has a public name, in one home.
    The sweep took ``spec._error_from_pydantic``, the docs' numbers ``targets.market._params`` and
    ``targets.minerals._runs``, the CLI commands ``run_cmd._check_file_arg`` and the rest; earlier the
    sweep, the paired comparison and the backtest ran their blocks with ``runner._block`` (now
    ``run_block``). Every import form counts, a lazy one inside a function included."""
    bad = private_imports(module, imports_of(MODULES[module]))
    assert not bad, f"{module} imports private names of other modules: {bad}"
    # nor through a module it imported: `import treasurylab.x as M; M._y`, `from treasurylab import x; x._y`
    bad = private_attributes(MODULES[module])
    assert not bad, f"{module} reaches private names of other modules through their module: {bad}"


def test_every_form_of_a_private_import_is_seen():
    probe = PKG / "report" / "_probe_private.py"   # never written: its text is given
    text = ("from treasurylab.scenario.runner import run, _block\n"
            "from treasurylab import __version__\n"
            "from ..scenario.spec import (\n    load_scenario,\n    _error_from_pydantic,\n)\n"
            "from .figures import _rgba\n"
            "import treasurylab.scenario.targets.market as M\n"
            "def f():\n"
            "    from treasurylab.scenario.targets.minerals import _runs\n"
            "    from . import html\n")
    assert private_imports("treasurylab.report._probe_private", imports_of(probe, text)) == [
        "treasurylab.report.figures._rgba", "treasurylab.scenario.runner._block",
        "treasurylab.scenario.spec._error_from_pydantic", "treasurylab.scenario.targets.minerals._runs"]
    # a private module, by any form, is refused as well
    assert private_imports("treasurylab.cli.x", [("treasurylab.data._hidden", set())]) == ["treasurylab.data._hidden"]
    # a module's own names are its own business
    assert private_imports("treasurylab.report.figures", [("treasurylab.report.figures", {"_rgba"})]) == []


@pytest.mark.parametrize(("text", "want"), [
    ("import treasurylab.model.market as M\nM._zeros(1)\n", ["treasurylab.model.market._zeros"]),
    ("from treasurylab.cli import output\noutput._console()\n", ["treasurylab.cli.output._console"]),
    ("from treasurylab.scenario.targets import stability as S\nS._slippage_dict()\n",
     ["treasurylab.scenario.targets.stability._slippage_dict"]),
    ("from ..scenario import runner\nrunner._block\n", ["treasurylab.scenario.runner._block"]),
    ("from . import figures\nfigures._rgba\n", ["treasurylab.report.figures._rgba"]),
    ("import treasurylab.scenario.runner\ntreasurylab.scenario.runner._block\n", ["treasurylab.scenario.runner._block"]),
    ("def f():\n    import treasurylab.data.store as st\n    return st._hidden\n", ["treasurylab.data.store._hidden"]),
    ("from treasurylab import scenario\nscenario.runner._block\n", ["treasurylab.scenario.runner._block"]),
    # public names, dunders, the module's own names and objects that are not modules pass
    ("import treasurylab.model.market as M\nM.cached_zeros(1)\nM.__name__\n", []),
    ("from treasurylab.scenario.runner import run\nrun._cache\n", []),
    ("import numpy as np\nnp._NoValue\n", []),
    ("from treasurylab.report import figures\nfigures._own\n", []),
], ids=["import-as", "from-package-import-module", "from-import-as", "relative-up", "relative-here",
        "dotted-import", "lazy-import", "package-then-module", "public", "not-a-module", "not-treasurylab",
        "own-module"])
def test_every_form_of_reaching_a_private_name_through_its_module_is_seen(text, want):
    """``import treasurylab.x as M; M._y`` and ``from treasurylab import x; x._y`` took a private name
    that no import form named: coupled took ``market._zeros``, run's progress bar ``output._console``
    and the validation doc's numbers ``stability._slippage_dict`` (now public, in their homes)."""
    probe = PKG / "report" / "figures.py" if "_own" in text else PKG / "report" / "_probe_attr.py"   # never written
    assert private_attributes(probe, text) == want
