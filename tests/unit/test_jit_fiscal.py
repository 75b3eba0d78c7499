"""The compiled fiscal twin (``model/jit/fiscal.py``) gives the numpy reference's numbers.

- Month by month on a real state (shipped scenarios, prepared as the coupled run prepares them):
  the pre-roll on scalar inputs and one curve, then every scenario month with per-path yields,
  bill rate, deficits, GDP, inflation and output gaps, including surplus months in which some
  paths buy back part of their nominal debt and others all of it. Every output and every field of
  the state (the seven calendars, the running vectors, ``t_next``) agree to 1e-11 relative.
- Outputs: any subset in any order; anything else is handed to the reference.
- Errors: the reference's, and a refused month leaves the state untouched.
- The coupled run of the baseline scenario gives the same records with the twin as with numpy.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is not installed: the compiled twins are optional")

from treasurylab.errors import BadInput  # noqa: E402
from treasurylab.model import coupled  # noqa: E402
from treasurylab.model import fiscal as F  # noqa: E402
from treasurylab.model.jit import fiscal as JF  # noqa: E402
from treasurylab.scenario.setup import prepare  # noqa: E402
from treasurylab.scenario.spec import load_scenario  # noqa: E402

FIELDS = ("cpn", "tips_cpn", "frn_spr", "nom_out", "bill_out", "tips_out", "frn_out", "idx",
          "s1_nom", "s1_frn", "s1_tips", "cash")
CALENDARS = ("due", "cpn_delta", "bill_due", "tips_due", "tips_delta", "frn_due", "frn_spr_delta")
RTOL = 1e-11


@pytest.fixture(scope="module")
def setups():
    return {name: prepare(load_scenario(name).with_(horizon=120))
            for name in ("davos-2026", "fiscal-slippage")}


def close(got, want, what):
    want = np.asarray(want)
    scale = float(np.nanmax(np.abs(want))) if want.size else 0.0
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=1e-12 * (scale or 1.0), err_msg=what)


def same_state(tw, ref, when):
    assert tw.t_next == ref.t_next, when
    for k in FIELDS:
        close(getattr(tw, k), getattr(ref, k), f"{k} after {when}")
    for k in CALENDARS:
        close(getattr(tw, k), getattr(ref, k), f"calendar {k} after {when}")


def preroll(S, n):
    """The coupled run's fiscal state after its pre-roll, stepped by the reference and the twin."""
    ref = F.init_state(S.ladder, n, S.k0 + S.T, S.fparams, S.curve_tenors)
    tw = copy.deepcopy(ref)            # a copy: its calendars no longer share one block
    for t in range(S.k0):
        args = (t, S.yields[t], S.bill[t], S.pdef[t], S.ngdp[t], S.cpi[t], S.mix0)
        kw = dict(revenue=S.revenue[t], other_means=S.other_means[t], outputs=())
        assert F.step(ref, *args, **kw) == {}
        assert JF.step(tw, *args, **kw) == {}
        same_state(tw, ref, f"pre-roll month {t}")
    return ref, tw


@pytest.mark.parametrize("name", ["davos-2026", "fiscal-slippage"])
def test_twin_matches_reference_every_month(setups, name):
    S = setups[name]
    n = 211                            # a full tile of paths and a partial one
    ref, tw = preroll(S, n)
    rng = np.random.default_rng(20260)
    partial = full = 0
    for t in range(S.T):
        tf = S.k0 + t
        # the coupled run's inputs, perturbed per path; the curve as a transposed (5, N) block
        y = (S.yields[tf][:, None] + rng.normal(0.0, 0.004, (5, n))).T
        br = S.bill[tf] + (y[:, 0] - S.yields[tf, 0])
        gdp = S.ngdp[tf] * (1.0 + rng.normal(0.0, 0.03, n))
        pdef = S.pdef[tf] + rng.normal(0.0, 40.0, n)
        infl = S.cpi[tf] + rng.normal(0.0, 0.02, n)
        gap = rng.normal(0.0, 0.02, n)
        om = S.other_means[tf] if t % 2 else S.other_means[tf] + rng.normal(0.0, 5.0, n)
        if t % 9 == 4:
            # surpluses: on some paths larger than this month's maturing debt (a partial buyback),
            # on others larger than all the nominal debt (a full one, the rest kept as cash)
            pdef[rng.random(n) < 0.15] -= rng.uniform(2_000.0, 6_000.0)
            pdef[rng.random(n) < 0.05] -= 1e6
        if t % 10 == 2:
            y[:20] = rng.uniform(0.0, 0.01, (20, 5))   # below the TIPS breakeven: real coupon 0
            br[:20] = y[:20, 0]
        if t % 13 == 6:
            infl[:5] = [-0.5, 0.9, -0.999, 0.0, 2.0]      # deflation and very high inflation
        mix = S.mixes[t]
        if t % 7 == 3 or t % 11 == 5:
            # a bill target far below or above the bills outstanding: bill issuance clipped to 0,
            # or to all of gross issuance
            mix = F.make_mix(0.02 if t % 7 == 3 else 0.9, mix.bill_weights, mix.coupon_weights)
        args = (tf, y, br, pdef, gdp, infl, mix)
        kw = dict(output_gap=gap, revenue=S.revenue[tf], other_means=om)
        want = F.step(ref, *args, **kw,
                      outputs=JF.FAST_OUTPUTS + ("rollover", "tips_accrual", "excess_surplus"))
        got = JF.step(tw, *args, **kw, outputs=JF.FAST_OUTPUTS)
        assert list(got) == list(JF.FAST_OUTPUTS)
        for k in JF.FAST_OUTPUTS:
            assert got[k].shape == (n,) and got[k].dtype == np.float64
            close(got[k], want[k], f"{k} in month {tf}")
        same_state(tw, ref, f"month {tf}")
        gross = want["rollover"] + want["deficit"] - want["tips_accrual"] + om
        full += int((want["excess_surplus"] > 0).sum())
        partial += int(((gross < 0) & (want["excess_surplus"] == 0)).sum())
    assert partial > 0 and full > 0, (partial, full)   # both buyback branches were taken
    assert np.all(tw.cash >= 0) and tw.cash.max() > 0


def test_outputs_subsets_and_fallback(setups):
    S = setups["davos-2026"]
    n = 16
    ref, tw = preroll(S, n)
    tf = S.k0
    rng = np.random.default_rng(3)
    y = S.yields[tf] + rng.normal(0.0, 0.002, (n, 5))              # C-ordered (N, 5)
    args = (y, S.bill[tf], S.pdef[tf], S.ngdp[tf], S.cpi[tf], S.mix0)
    got = JF.step(tw, tf, *args, outputs=("net_interest", "debt"))
    want = F.step(ref, tf, *args, outputs=("net_interest", "debt"))
    assert list(got) == ["net_interest", "debt"]
    for k in got:
        close(got[k], want[k], k)
    same_state(tw, ref, "a subset")
    # an output the twin does not compute: the reference answers, and the state advances the same
    got = JF.step(tw, tf + 1, *args, outputs=("debt", "wam"))
    want = F.step(ref, tf + 1, *args, outputs=("debt", "wam"))
    assert list(got) == ["debt", "wam"]
    close(got["wam"], want["wam"], "wam")
    same_state(tw, ref, "a fallback month")
    got = JF.step(tw, tf + 2, *args, outputs=None, fed_share=0.2)
    want = F.step(ref, tf + 2, *args, outputs=None, fed_share=0.2)
    assert list(got) == list(F.OUTPUTS)
    same_state(tw, ref, "all outputs")


def test_errors_are_the_references(setups):
    S = setups["davos-2026"]
    n = 8
    ref, tw = preroll(S, n)
    tf = S.k0
    good = dict(yields=S.yields[tf], bill_rate=S.bill[tf], primary_deficit=S.pdef[tf],
                ngdp=np.full(n, S.ngdp[tf]), inflation=np.full(n, S.cpi[tf]), mix=S.mix0)
    bad = [
        (tf + 1, {}),                                            # out of order
        (tf, {"mix": "not a mix"}),
        (tf, {"ngdp": np.where(np.arange(n) == 3, -1.0, S.ngdp[tf])}),
        (tf, {"inflation": np.where(np.arange(n) == 5, -1.0, S.cpi[tf])}),
        (tf, {"inflation": np.full(n, -2.0)}),
        (tf, {"yields": np.zeros(4)}),
        (tf, {"yields": np.zeros((n, 4))}),
        (tf, {"bill_rate": np.zeros(n + 1)}),
        (tf, {"fed_share": 1.5}),
    ]
    for t, change in bad:
        kw = {**good, **change}
        with pytest.raises(BadInput) as want:
            F.step(copy.deepcopy(ref), t, **kw, outputs=JF.FAST_OUTPUTS)
        before = copy.deepcopy(tw)
        with pytest.raises(BadInput) as got:
            JF.step(tw, t, **kw, outputs=JF.FAST_OUTPUTS)
        assert str(got.value) == str(want.value), change
        if "yields" not in change:     # the reference refuses a bad curve after starting the month
            same_state(tw, before, f"refused {change}")
    short = F.init_state(S.ladder, n, 1, S.fparams, S.curve_tenors)
    JF.step(short, 0, **good)
    with pytest.raises(BadInput, match="past the horizon"):
        JF.step(short, 1, **good)


def test_coupled_baseline_same_records(monkeypatch):
    # numpy for every other block, in both runs: the fiscal step is the only difference
    monkeypatch.setenv("TREASURYLAB_KERNELS", "numpy")
    S = prepare(load_scenario("baseline").with_(horizon=120))
    n = 48
    want = coupled.simulate(S, n, np.random.default_rng(11))
    calls = []

    def twin(*a, **kw):
        calls.append(kw.get("outputs"))
        return JF.step(*a, **kw)

    monkeypatch.setattr(F, "step", twin)        # the coupled run calls fiscal.step by attribute
    got = coupled.simulate(S, n, np.random.default_rng(11))
    assert len(calls) == S.k0 + S.T and all(JF._fast(o) for o in calls)
    assert set(got) == set(want)
    for k in want:
        close(got[k], want[k], k)
    assert np.isfinite(got["debt_gdp"]).all()
