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
- No module takes another module's private ``_name``, by any form: an import, ``M._y`` through a module
  it imported, or by name, ``getattr(M, "_y")`` (setattr, hasattr, delattr, ``monkeypatch.setattr``).
- Tests: a test may take the private names of the modules it tests, and of no other. The modules it
  tests are those its file name names (``test_minerals_lp.py``: the ``minerals`` modules) and those it
  lists in a module-level ``TESTS`` tuple where its name cannot say; an entry it does not need fails.
  What a test needs only to set up or reset state (a module's memo) has a public name in its home.
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
        elif isinstance(node, ast.Call):
            bad += _private_by_name(node, module_of, me)
    return sorted(set(bad))


#: the calls that reach an attribute by its name as a string: the builtins and ``monkeypatch``'s own
ATTR_CALLS = {"getattr", "setattr", "hasattr", "delattr"}


def _private_by_name(call: ast.Call, module_of, me: str) -> list[str]:
    """``getattr(M, "_y")`` (and setattr, hasattr, delattr, ``monkeypatch.setattr(M, "_y", v)``) on a
    treasurylab module ``M``, and ``monkeypatch.setattr("treasurylab.x._y", v)``: the private names
    the call reaches. Only a name written as a string constant can be read from the source."""
    f = call.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    if name not in ATTR_CALLS or not call.args:
        return []
    args = call.args
    if len(args) >= 2 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str) and _private(args[1].value):
        target = module_of(args[0])
        if target and target != me:
            return [f"{target}.{args[1].value}"]
    if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) and (args[0].value.startswith(ROOT + ".")):
        owner, _, attr = args[0].value.rpartition(".")
        target = _resolve(owner)
        if target == owner and target != me and _private(attr):
            return [f"{target}.{attr}"]
    return []


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
    # by name as a string: getattr and its kin, monkeypatch's setattr on a module or on a dotted path
    ("import treasurylab.model.market as M\ngetattr(M, '_zeros')(1)\n", ["treasurylab.model.market._zeros"]),
    ("from treasurylab.cli import data_cmd\ndef t(monkeypatch):\n    monkeypatch.setattr(data_cmd, '_fetch', 1)\n",
     ["treasurylab.cli.data_cmd._fetch"]),
    ("def t(monkeypatch):\n    monkeypatch.setattr('treasurylab.scenario.setup._CACHE', {})\n",
     ["treasurylab.scenario.setup._CACHE"]),
    ("from treasurylab.scenario import setup\nhasattr(setup, '_CACHE')\ndelattr(setup, '_x')\n",
     ["treasurylab.scenario.setup._CACHE", "treasurylab.scenario.setup._x"]),
    ("import numpy as np\nfrom treasurylab.scenario import setup\ngetattr(np, '_NoValue')\n"
     "getattr(setup, 'prepare')\ngetattr(setup, name)\n", []),
], ids=["import-as", "from-package-import-module", "from-import-as", "relative-up", "relative-here",
        "dotted-import", "lazy-import", "package-then-module", "public", "not-a-module", "not-treasurylab",
        "own-module", "getattr", "monkeypatch-setattr", "monkeypatch-dotted-path", "hasattr-delattr",
        "getattr-public-or-not-a-module-or-not-a-constant"])
def test_every_form_of_reaching_a_private_name_through_its_module_is_seen(text, want):
    """``import treasurylab.x as M; M._y`` and ``from treasurylab import x; x._y`` took a private name
    that no import form named: coupled took ``market._zeros``, run's progress bar ``output._console``
    and the validation doc's numbers ``stability._slippage_dict`` (now public, in their homes)."""
    probe = PKG / "report" / "figures.py" if "_own" in text else PKG / "report" / "_probe_attr.py"   # never written
    assert private_attributes(probe, text) == want


# ---- tests take private names only of the modules they test ------------------------------------------

TESTS_DIR = Path(__file__).resolve().parents[1]
TEST_FILES = sorted(TESTS_DIR.rglob("*.py"))
#: a module's own name -> the modules of that name (``minerals`` -> model.minerals, scenario.events.minerals, ...)
BY_OWN_NAME: dict[str, set[str]] = {}
for _m in MODULES:
    BY_OWN_NAME.setdefault(_m.rpartition(".")[2], set()).add(_m)


def named_by_file(path: Path) -> set[str]:
    """The modules a test file's name names: ``test_<name>[_<more>].py`` -> every module whose own name
    is the longest ``_``-joined start of ``<name>_<more>`` that is one (``test_minerals_lp.py`` ->
    the ``minerals`` modules; ``test_setup_inputs.py`` -> ``scenario.setup``)."""
    words = path.stem.removeprefix("test_").split("_")
    for k in range(len(words), 0, -1):
        got = BY_OWN_NAME.get("_".join(words[:k]))
        if got:
            return set(got)
    return set()


def declared_tests(text: str) -> list[str]:
    """The module-level ``TESTS = ("treasurylab.x.y", ...)`` of a test file: the modules whose
    internals it tests where its name cannot say."""
    for node in ast.parse(text).body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "TESTS" for t in node.targets)
                and isinstance(node.value, ast.Tuple | ast.List)):
            return [e.value for e in node.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def private_reach(text: str) -> list[str]:
    """Every private name of a treasurylab module that test source ``text`` takes: imported, read as an
    attribute of the module, or reached by name (getattr, monkeypatch.setattr)."""
    probe = PKG / "_probe_test.py"      # never written: a test's text read as if it sat in the package
    return sorted(set(private_imports("treasurylab._probe_test", imports_of(probe, text))
                      + private_attributes(probe, text)))


def _owner(reached: str) -> str:
    return reached if reached in MODULES else reached.rpartition(".")[0]


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.relative_to(TESTS_DIR).as_posix())
def test_a_test_takes_private_names_only_of_the_modules_it_tests(path):
    """The rule for tests: a test may reach the private names of the modules it tests, and of no other
    module. The modules it tests are those its file name names (:func:`named_by_file`) and those it lists
    in a module-level ``TESTS = ("treasurylab.x.y", ...)`` (a white-box test whose name cannot say, e.g.
    test_fast_kernels.py on model.holders' samplers); a listed module it does not reach privately, or
    that does not exist, fails, so the list stays what the test depends on. A private name a test wants
    only to set up or reset state (a module's memo) is not a test of that module: its home gives it a
    public name (``scenario.setup.clear_memo``). Every form counts, as for the package's modules:
    imports, ``M._y``, ``getattr(M, "_y")`` and ``monkeypatch.setattr(M, "_y", v)``."""
    text = path.read_text(encoding="utf-8")
    declared = declared_tests(text)
    assert set(declared) <= set(MODULES), f"TESTS names no module: {sorted(set(declared) - set(MODULES))}"
    mine = named_by_file(path) | set(declared)
    reached = private_reach(text)
    bad = [r for r in reached if _owner(r) not in mine]
    assert not bad, (f"{path.name} takes private names of modules it does not test: {bad} "
                     "(give them a public name in their home, or list the module in TESTS if this test is of it)")
    unused = set(declared) - {_owner(r) for r in reached}
    assert not unused, f"{path.name} lists in TESTS modules whose private names it does not take: {sorted(unused)}"


def test_the_modules_a_test_tests_are_read_from_its_name_and_its_tests_list():
    assert "treasurylab.model.minerals" in named_by_file(Path("test_minerals_lp.py"))
    assert named_by_file(Path("test_setup_inputs.py")) == {"treasurylab.scenario.setup"}
    assert named_by_file(Path("test_fast_kernels.py")) == set()
    assert declared_tests('"""doc"""\nTESTS = ("treasurylab.model.holders",)\n') == ["treasurylab.model.holders"]
    assert declared_tests("def f():\n    TESTS = ('treasurylab.x',)\n") == []       # module level only
    assert private_reach("from treasurylab.model.holders import _normal_f32, holders_step\n"
                         "import treasurylab.scenario.setup as S\nS._CACHE.clear()\n") == [
        "treasurylab.model.holders._normal_f32", "treasurylab.scenario.setup._CACHE"]
