"""warm_process imports, in the parent, every model module a block imports, so forked workers
inherit them instead of importing them in their first block."""

import subprocess
import sys

#: the modules whose internals this file tests: the coupled kernel's inner simulate
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.model.coupled",)


def test_warm_process_imports_every_module_a_block_imports():
    # a fresh interpreter: the modules simulate() imports lazily (coupled.py imports them inside
    # functions) must all be loaded by warm_process alone
    code = (
        "import sys\n"
        "from treasurylab.model import coupled\n"
        "coupled.warm_process()\n"
        "need = ['fiscal', 'holders', 'macro', 'market', 'reserves', 'shocks', 'state']\n"
        "missing = [m for m in need if 'treasurylab.model.' + m not in sys.modules]\n"
        "print(','.join(missing))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_model_module_simulate_imports_is_in_the_list():
    # the list above must follow coupled.py: each 'from treasurylab.model import X' in _simulate
    import inspect

    from treasurylab.model import coupled

    src = inspect.getsource(coupled._simulate)
    used = set()
    for line in src.splitlines():
        line = line.strip()
        if line.startswith("from treasurylab.model import "):
            used.add(line.split(" import ")[1].split(" as ")[0].strip())
        elif line.startswith("from treasurylab.model."):
            used.add(line.split()[1].rsplit(".", 1)[1])
    warm = set()
    for line in inspect.getsource(coupled.warm_process).splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("from treasurylab.model import "):
            warm |= {m.strip() for m in line.split(" import ")[1].split(",")}
    assert used, "no model import found in _simulate"
    assert used <= warm, f"warm_process does not import model.{sorted(used - warm)}"
