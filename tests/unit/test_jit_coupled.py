"""The coupled run on the compiled kernels (model/jit) equals the numpy reference, scenario by scenario."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba (the [fast] extra) is not installed: twins untested")

from treasurylab.model import coupled  # noqa: E402
from treasurylab.scenario.setup import prepare  # noqa: E402
from treasurylab.scenario.spec import load_scenario, shipped  # noqa: E402

SCENARIOS = shipped()


@pytest.mark.parametrize("name", SCENARIOS)
def test_compiled_run_equals_reference(name):
    sc = load_scenario(name)
    S = prepare(sc.with_(horizon=min(sc.horizon, 72)))
    ref = coupled.simulate(dataclasses.replace(S, kernels="numpy"), 160, np.random.default_rng(11))
    got = coupled.simulate(dataclasses.replace(S, kernels="numba"), 160, np.random.default_rng(11))
    assert ref.keys() == got.keys()
    for k in ref:
        a, b = np.asarray(ref[k], dtype=float), np.asarray(got[k], dtype=float)
        scale = max(float(np.abs(a).max()), 1e-12)
        np.testing.assert_allclose(b, a, rtol=1e-9, atol=1e-12 * scale, err_msg=f"{name}: {k}")


def test_runner_records_the_backend(monkeypatch):
    from treasurylab.scenario.runner import run

    monkeypatch.setenv("TREASURYLAB_KERNELS", "numpy")
    assert run("baseline", paths=8, workers=1).meta["kernels"] == "numpy"
    monkeypatch.setenv("TREASURYLAB_KERNELS", "numba")
    assert run("baseline", paths=8, workers=1).meta["kernels"] == "numba"


def test_a_worker_without_numba_refuses_compiled_kernels(monkeypatch):
    from treasurylab.errors import BadInput
    from treasurylab.model import jit

    S = dataclasses.replace(prepare(load_scenario("baseline").with_(horizon=6)), kernels="numba")
    monkeypatch.setattr(jit, "_NUMBA", [None])
    with pytest.raises(BadInput, match="TREASURYLAB_KERNELS=numpy"):
        coupled.simulate(S, 4, np.random.default_rng(0))
