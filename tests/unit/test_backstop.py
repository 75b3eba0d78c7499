"""The Fed backstop as a state-contingent policy: opens on the trigger, holds the exit level, scales
with the stress, respects its pace and cap, never overshoots below the exit, re-arms after calm."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model.market import (
    BP,
    I10,
    MarketParams,
    init_market,
    market_step,
    run_market_path,
)
from treasurylab.params.load import load_params

GDP = 32000.0


@pytest.fixture(scope="module")
def mp():
    return MarketParams.from_params(load_params("market"))


def _run(mp, flows, n=1):
    ms = init_market(mp, n)
    out = []
    for f in flows:
        o = market_step(mp, ms, surprise_flow_bn=np.full(n, f) if np.ndim(f) == 0 else f, gdp_bn=GDP)
        out.append((o.tp_temp[:, I10] / BP, o.fed_purchases_bn.copy()))
    return ms, out


def test_opens_on_trigger_buys_next_step_to_the_exit_level(mp):
    ms, out = _run(mp, [400.0, 0.0, 0.0])
    x0, fed0 = out[0]
    assert x0[0] > mp.backstop_trigger_bp and fed0[0] == 0.0      # reaction lag: nothing bought at once
    assert ms.backstop_fired[0] == 0
    x1, fed1 = out[1]
    assert fed1[0] > 0
    assert x1[0] == pytest.approx(mp.backstop_exit_bp, abs=1e-6)  # held at the exit, not below
    # the amount is what that takes, far below the $1T cap
    assert fed1[0] < 0.3 * mp.backstop_size_bn


def test_purchases_scale_with_stress(mp):
    small = _run(mp, [340.0, 0.0])[1][1][1][0]
    big = _run(mp, [2000.0, 0.0])[1][1][1][0]
    assert 0 < small < big


def test_no_purchase_below_trigger_and_never_below_exit(mp):
    rng = np.random.default_rng(3)
    flows = rng.normal(30, 120, size=(60, 16))
    ms = init_market(mp, 16)
    for f in flows:
        o = market_step(mp, ms, surprise_flow_bn=f, gdp_bn=GDP)
        x = o.tp_temp[:, I10] / BP
        bought = o.fed_purchases_bn > 0
        # wherever the Fed bought, the premium is not pushed below the exit level
        assert np.all(x[bought] >= mp.backstop_exit_bp - 1e-6)
        assert np.all(o.fed_purchases_bn >= 0)
    never = _run(mp, [100.0] * 3)   # 100bn a month: premium stays below the 50 bp trigger at first
    assert never[1][0][1][0] == 0.0


def test_pace_and_cap_bind(mp):
    daily = 1.0 / 21.0
    f = np.zeros(30)
    f[:10] = 150.0                 # a heavy daily selling wave
    o = run_market_path(mp, GDP, 30, surprise_flow_bn=f, dt_months=daily)
    assert o["fed"].max() <= mp.backstop_pace_bn_per_day + 1e-9
    assert o["fed"].max() == pytest.approx(mp.backstop_pace_bn_per_day)
    small = replace(mp, backstop_size_bn=40.0)
    o2 = run_market_path(small, GDP, 30, surprise_flow_bn=f, dt_months=daily)
    assert o2["fed"].sum() == pytest.approx(40.0)


def test_episode_rearms_after_calm_with_fresh_cap(mp):
    flows = [400.0] + [0.0] * 8 + [400.0, 0.0, 0.0]
    ms, out = _run(mp, flows)
    fed = np.array([o[1][0] for o in out])
    assert fed[1] > 0 and fed[10] > 0           # two episodes, both bought
    assert ms.backstop_open[0]                  # the second is open
    assert ms.backstop_fired[0] == 0            # first opening is recorded


def test_no_rearm_while_stress_persists(mp):
    # steady selling held at the exit level by purchases is not calm: one episode, one cap
    # (flow_learning=0: every dollar stays a surprise, so the stress persists; with the learned
    # expectation a steady pace stops being news and the premium calms on its own)
    p = replace(mp, backstop_size_bn=150.0, flow_learning=0.0)
    ms, out = _run(p, [400.0] + [60.0] * 20)
    fed = np.array([o[1][0] for o in out])
    assert fed.sum() == pytest.approx(150.0)
    assert ms.backstop_open[0]


def test_switched_off_buys_nothing(mp):
    off = replace(mp, backstop_on=False)
    ms, out = _run(off, [800.0, 0.0, 0.0])
    assert sum(o[1][0] for o in out) == 0.0 and ms.backstop_fired[0] == -1


def test_bad_backstop_params(mp):
    with pytest.raises(BadInput, match="backstop_exit_bp"):
        MarketParams.from_params(load_params("market", {"backstop_exit_bp": 80.0}))
    with pytest.raises(BadInput, match="pace"):
        replace(mp, backstop_pace_bn_per_day=0.0).validate()
    with pytest.raises(BadInput, match="backstop_rearm_months"):
        replace(mp, backstop_rearm_months=-1.0).validate()
