"""The compiled holders twin (model/jit/holders.py) against the numpy reference, and the backend switch."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model import holders as H
from treasurylab.model import jit
from treasurylab.model.coupled import holders_month_numpy
from treasurylab.model.jit import holders as JH

numba = pytest.importorskip("numba", reason="numba (the [fast] extra) is not installed: twins untested")


@pytest.fixture(scope="module")
def spec():
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    return prepare(load_scenario("davos-2026").with_(horizon=24)).hspecs[0]


def _drive(spec, months=40, n=300, seed=3, frozen_at=(), scale_vol=40.0):
    """Run the twin and the reference side by side on copies of one state; yield both each month."""
    rng = np.random.default_rng(seed)
    a = spec.n_agents
    s1 = H.init_holders(spec, n, np.random.default_rng(seed + 1))
    s2 = copy.deepcopy(s1)
    memb = spec.membership()
    insens = (~spec.absorber).astype(float)
    ff = (spec.foreign & ~spec.absorber).astype(float)
    acc1 = [np.zeros((n, a)), np.zeros(n)]
    acc2 = [np.zeros((n, a)), np.zeros(n)]
    for t in range(months):
        dd = rng.normal(0, 5, n)
        vol = np.abs(rng.normal(0, scale_vol, n))
        threat = float(rng.uniform(0, 1)) if t % 3 else 0.0
        frozen = None
        if t in frozen_at:
            frozen = np.zeros(a, dtype=bool)
            frozen[rng.choice(a, 3, replace=False)] = True
        named = announced = None
        if t % 5 == 1:                   # a named sale by one holder, the same on every path
            named = np.zeros(a)
            named[rng.integers(a)] = rng.uniform(1, 50)
        elif t % 5 == 2:                 # per-path sales (as reserve managers' are), some zero
            named = np.where(rng.uniform(size=(n, a)) < 0.05, rng.uniform(0, 20, (n, a)), 0.0)
        if t % 7 == 3:
            announced = np.zeros(a)
            announced[rng.integers(a, size=2)] = rng.uniform(1, 30, 2)
        seed_t = int(rng.integers(1 << 30))
        kw = dict(debt_gdp_dev_pp=dd, yield_vol_bp=vol, threat=threat, membership=memb, frozen=frozen,
                  insens=insens, foreign_f=ff, window=t < 24)
        out1 = JH.step_coupled(spec, s1, t, rng=np.random.default_rng(seed_t), holder_sales=acc1[0],
                               sold_24m=acc1[1], named_sales=named, announced_sales=announced, **kw)
        out2 = holders_month_numpy(spec, s2, t, rng=np.random.default_rng(seed_t), holder_sales=acc2[0],
                                   sold_24m=acc2[1], named_sales=named, announced_sales=announced, **kw)
        yield t, (out1, s1, acc1), (out2, s2, acc2)
        # the clearing moves holdings: the same new holdings in both, so that they stay comparable
        h = np.maximum(s1.holdings - out2[0] + rng.uniform(0, 1, (n, a)), 0.0)
        s1.holdings, s2.holdings = h, h.copy()


def _close(a, b, what):
    np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-9, err_msg=what)


@pytest.mark.parametrize("variant", ["shipped", "programme", "oversell"])
def test_twin_matches_reference(spec, variant):
    if variant == "programme":       # a scenario programme: the expected flows are not zero
        spec = spec.with_(programme_rate=spec.baseline_programme_rate - 0.01 * spec.can_cascade)
    elif variant == "oversell":      # rates that can exceed holdings: the pro-rata cap runs
        spec = spec.with_(programme_rate=np.full(spec.n_agents, -0.6), sale_rate=np.where(spec.can_cascade, 0.7, 0.0))
    sold_any = 0
    for t, (o1, s1, a1), (o2, s2, a2) in _drive(spec, frozen_at=(4, 9)):
        for i, name in enumerate(("sales", "surprise_insens", "expected_insens")):
            _close(o1[i], o2[i], f"{variant} t={t} {name}")
        _close(a1[0], a2[0], f"{variant} t={t} holder_sales")
        _close(a1[1], a2[1], f"{variant} t={t} sold_24m")
        _close(s1.peer, s2.peer, f"t={t} peer")
        _close(s1.market, s2.market, f"t={t} market")
        assert np.array_equal(s1.active, s2.active), f"t={t} active"
        assert np.array_equal(s1.first_sale, s2.first_sale), f"t={t} first_sale"
        assert s1.t == s2.t == t + 1
        sold_any += int(s1.active.sum())
    assert sold_any > 0, "the drive never made anyone sell: the comparison would be vacuous"


def test_frozen_holders_sell_nothing(spec):
    n, a = 64, spec.n_agents

    def month(frozen):
        s = H.init_holders(spec, n, np.random.default_rng(1))
        return JH.step_coupled(spec, s, 0, debt_gdp_dev_pp=0.0, yield_vol_bp=80.0, threat=0.0,
                               rng=np.random.default_rng(2), membership=spec.membership(), frozen=frozen,
                               insens=(~spec.absorber).astype(float), foreign_f=spec.foreign.astype(float),
                               holder_sales=np.zeros((n, a)), sold_24m=np.zeros(n), window=True)

    free = month(None)[0]
    selling = np.flatnonzero((free != 0.0).any(axis=0))
    assert len(selling) >= 3
    fz = np.zeros(a, dtype=bool)
    fz[selling[:3]] = True
    held = month(fz)[0]
    assert (held[:, fz] == 0.0).all()
    assert np.array_equal(held[:, ~fz], free[:, ~fz])


def test_named_sales_are_sold(spec):
    n, a = 50, spec.n_agents
    s = H.init_holders(spec, n, np.random.default_rng(1))
    named = np.zeros(a)
    named[spec.index("China")] = 10.0
    sales, sur, _ = JH.step_coupled(spec, s, 0, debt_gdp_dev_pp=0.0, yield_vol_bp=0.0, threat=0.0,
                                    rng=np.random.default_rng(2), membership=spec.membership(),
                                    named_sales=named, insens=(~spec.absorber).astype(float),
                                    foreign_f=spec.foreign.astype(float), holder_sales=np.zeros((n, a)),
                                    sold_24m=np.zeros(n), window=True)
    assert (sales[:, spec.index("China")] >= 10.0).all()
    assert (sur >= 10.0 - 1e-9).all()


def test_political_shock_falls_back_to_reference(spec):
    n, a = 40, spec.n_agents
    s1 = H.init_holders(spec, n, np.random.default_rng(1))
    s2 = copy.deepcopy(s1)
    shock = np.full(a, 0.8)
    kw = dict(debt_gdp_dev_pp=0.0, yield_vol_bp=0.0, threat=0.0, membership=spec.membership(),
              political_shock=shock, insens=(~spec.absorber).astype(float), foreign_f=spec.foreign.astype(float),
              window=True)
    o1 = JH.step_coupled(spec, s1, 0, rng=np.random.default_rng(2), holder_sales=np.zeros((n, a)),
                         sold_24m=np.zeros(n), **kw)
    f = H.holders_step(spec, s2, 0, political_shock=shock, rng=np.random.default_rng(2),
                       _membership=spec.membership())
    assert np.array_equal(o1[0], f.sales) and np.array_equal(s1.active, s2.active)


def test_negative_named_sale_is_bad_input(spec):
    n, a = 5, spec.n_agents
    s = H.init_holders(spec, n, np.random.default_rng(1))
    with pytest.raises(BadInput, match="named_sales"):
        JH.step_coupled(spec, s, 0, debt_gdp_dev_pp=0.0, yield_vol_bp=0.0, threat=0.0, rng=np.random.default_rng(2),
                        membership=spec.membership(), named_sales=-np.ones(a), insens=np.ones(a),
                        foreign_f=np.ones(a), holder_sales=np.zeros((n, a)), sold_24m=np.zeros(n), window=True)


def test_backend_switch(monkeypatch):
    monkeypatch.setenv(jit.ENV, "numpy")
    assert jit.backend() == "numpy" and not jit.enabled()
    monkeypatch.setenv(jit.ENV, "numba")
    assert jit.backend() == "numba"
    monkeypatch.setenv(jit.ENV, "auto")
    assert jit.backend() == "numba"
    monkeypatch.setenv(jit.ENV, "fortran")
    with pytest.raises(BadInput, match="TREASURYLAB_KERNELS"):
        jit.backend()


def test_numba_missing_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(jit, "_NUMBA", [None])
    monkeypatch.setenv(jit.ENV, "auto")
    assert jit.backend() == "numpy"
    monkeypatch.setenv(jit.ENV, "numba")
    with pytest.raises(BadInput, match="treasurylab\\[fast\\]"):
        jit.backend()
