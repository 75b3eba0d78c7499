"""The run's inputs: built once per block (validation and prepare share the builders), parameters read
once per run, and a frozen Setup owned by the scenario layer."""

from __future__ import annotations

import collections
import dataclasses

import numpy as np
import pytest

import treasurylab.params as P
import treasurylab.params.load as L
from treasurylab.scenario import setup as S

SCENARIO = {
    "name": "inputs", "start": "2026-01", "horizon": 24, "paths": 20, "seed": 1,
    "events": [{"type": "sale", "date": "2026-02", "holder": "japan", "amount_bn": 50},
               {"type": "threat", "date": "2026-03", "strength": 0.4},
               {"type": "minerals", "date": "2026-01", "action": "export_ban"}],
    "overrides": {"holders": {"theta_mean": 0.5}, "macro": {"taylor_gap": 0.8},
                  "market": {"backstop_trigger_bp": 30}, "reserves": {}, "fiscal": {}},
}


@pytest.fixture
def loads(monkeypatch):
    """Count parameter-file loads by block, from a cold set-up cache."""
    calls: collections.Counter = collections.Counter()
    orig = L.load_params

    def counting(block, *a, **k):
        calls[block] += 1
        return orig(block, *a, **k)

    monkeypatch.setattr(L, "load_params", counting)
    monkeypatch.setattr(P, "load_params", counting)
    monkeypatch.setattr(S, "_CACHE", {})
    return calls


def test_each_parameter_file_is_read_once_per_run(loads):
    from treasurylab.params import list_blocks
    from treasurylab.scenario.runner import run

    run(SCENARIO, workers=1)
    used = {"fiscal", "macro", "coupled", "market", "holders", "minerals", "jumpoff", "shocks"} | ({"reserves"} & set(list_blocks()))
    assert set(loads) == used and all(n == 1 for n in loads.values()), dict(loads)
    loads.clear()
    run(SCENARIO, workers=1)                      # a second run in the process reads none
    assert not loads, dict(loads)


def test_data_files_are_fingerprinted_once_per_run(monkeypatch):
    """The disk cache's keys include a fingerprint of the data files (a stat of each); a run takes it
    once for all the inputs it keys (it was taken once per input: 10 times, ~4 ms each), and the rolled-forward
    ladder's key (fiscal_inputs) once more."""
    from treasurylab.data import store
    from treasurylab.scenario import fiscal_inputs as FI
    from treasurylab.scenario.runner import run

    calls = []
    orig = store.fingerprint
    monkeypatch.setattr(store, "fingerprint", lambda: calls.append(1) or orig())
    monkeypatch.setattr(S, "_CACHE", {})
    FI.clear_memo()
    run(SCENARIO, workers=1)
    assert 1 <= len(calls) <= 2, len(calls)


def test_validation_and_prepare_build_each_block_once(monkeypatch):
    from treasurylab.scenario import holders_inputs
    from treasurylab.scenario.spec import load_scenario

    monkeypatch.setattr(S, "_CACHE", {})
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", "off")   # sharing within a process, not the disk cache
    built = _count_builds(monkeypatch, holders_inputs)
    sc = load_scenario(SCENARIO)                  # validation builds the overridden blocks ...
    assert built["build_holders_spec"] >= 1
    before = dict(built)
    S.prepare(sc)                                 # ... and prepare reuses them, except the holders'
    # spec at the run's jump-off month (the TIC month published before its start) when that is not
    # the latest month validation used
    assert built["build_holders_spec"] <= before["build_holders_spec"] + 1
    again = dict(built)
    S.prepare(sc)                                 # a second prepare builds nothing
    assert dict(built) == again
    assert built["build_reserves_params"] <= 1    # built once, for the scenario's holders


def _count_builds(monkeypatch, holders_inputs) -> collections.Counter:
    built: collections.Counter = collections.Counter()
    for name in ("build_holders_spec", "build_reserves_params"):
        orig = getattr(holders_inputs, name)

        def counting(*a, _orig=orig, _name=name, **k):
            built[_name] += 1
            return _orig(*a, **k)

        monkeypatch.setattr(holders_inputs, name, counting)
    return built


def test_a_new_process_reads_the_holders_and_reserves_inputs_from_the_disk_cache(monkeypatch, tmp_path):
    """What the holders' and reserves' inputs are built from (TIC, H.4.1, MSPD, gold data and the
    parameters) is fixed for a data snapshot: a later process (here: an emptied in-process memo)
    reads them from the disk cache, and gets the same inputs."""
    from treasurylab.scenario import holders_inputs
    from treasurylab.scenario.spec import load_scenario

    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(S, "_CACHE", {})
    built = _count_builds(monkeypatch, holders_inputs)
    first = S.prepare(load_scenario(SCENARIO))
    assert built["build_holders_spec"] >= 1 and built["build_reserves_params"] == 1
    built.clear()
    monkeypatch.setattr(S, "_CACHE", {})
    again = S.prepare(load_scenario(SCENARIO))
    assert not built, dict(built)
    assert again.holder_names == first.holder_names
    assert again.foreign_official_bn == first.foreign_official_bn
    pairs = [(x, y) for x, y in zip(first.hspecs, again.hspecs)] + [(first.rp, again.rp)]
    assert len(pairs) == len(again.hspecs) + 1 and first.rp is not None
    for x, y in pairs:
        for f in dataclasses.fields(x):
            a, b = getattr(x, f.name), getattr(y, f.name)
            if isinstance(a, np.ndarray):
                np.testing.assert_array_equal(a, b)
            else:
                assert a == b, f.name


def test_setup_is_frozen_and_its_arrays_read_only():
    from treasurylab.model import coupled
    from treasurylab.scenario.spec import load_scenario

    s = S.prepare(load_scenario(SCENARIO))
    assert isinstance(s, S.Setup) and not hasattr(coupled, "Setup")   # owned by the scenario layer
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.threat = np.zeros(s.T)
    with pytest.raises(ValueError, match="read-only"):
        s.named[0, 0] = 1.0
    assert isinstance(s.mixes, tuple) and isinstance(s.hspecs, tuple) and isinstance(s.mps, tuple)
    assert s.named.sum() == pytest.approx(50.0) and s.threat.max() == pytest.approx(0.4)
    # the kernel only reads it: a block runs on it as built
    out = coupled.simulate(s, 4, np.random.default_rng(0))
    assert np.isfinite(out["y10"]).all()


def test_holder_names_alone_are_the_specs_names_and_minerals_params_the_inputs_params():
    """The names-only and parameters-only builders the words use give what the full builders give."""
    from treasurylab.scenario import setup as S
    from treasurylab.scenario.holders_inputs import agent_names, build_holders_spec

    ov = {"extra_agents": {"Example fund": 1.0}}
    assert agent_names(ov) == tuple(build_holders_spec(ov).names) and "Example fund" in agent_names(ov)
    S._CACHE.clear()
    assert S.holder_names(None) == tuple(S.holders_spec(None).names)
    mov = {"negotiation_days": 90, "capacity": {"Japan.magnet": 15000}}
    assert S.minerals_params(mov) == S.minerals_inputs(mov).p and S.minerals_params(mov)["negotiation_days"] == 90
