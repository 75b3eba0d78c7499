"""Peers see who sells: a named (initial) sale counts in the peer-selling share, in proportion to its
pace relative to a cascade seller's, capped at 1 - so an instigator's sale can start a cascade."""

from __future__ import annotations

import numpy as np

from treasurylab.model.holders import HoldersSpec, holders_step, init_holders


def crowd(a=10, sale_rate=0.05):
    z = np.zeros(a)
    return HoldersSpec(
        names=tuple(f"a{i}" for i in range(a)), kind=("foreign",) * a, holdings0=np.full(a, 100.0),
        absorber=np.zeros(a, bool), programme_rate=z, baseline_programme_rate=z,
        sale_rate=np.full(a, sale_rate), peer_group=np.zeros(a, np.int64), group_names=("g",),
        political_risk=z, deterrence=z, theta_mean=np.full(a, 0.5), theta_sd=z,
        can_cascade=np.ones(a, bool), w_peer=1.0, w_political=0.0)


def test_named_sale_counts_in_peer_share():
    spec = crowd()
    st = init_holders(spec, 2, theta=np.full(10, 0.5))
    named = np.zeros((2, 10))
    named[0, 0] = 5.0          # one agent sells at a cascade seller's pace (5% of 100): full participation
    named[1, 0] = 1.0          # a fifth of that pace: a fifth of a participant
    holders_step(spec, st, named_sales=named)
    np.testing.assert_allclose(st.peer[:, 0], [0.1, 0.02])


def test_instigator_sale_starts_granovetter_domino():
    spec = crowd()
    # agent 1 needs 5% of peers selling, agent k >= 2 just under (k - 1) * 10%: each needs the ones before it
    theta = np.array([1.0, 0.05] + [0.1 * (k - 1) - 0.005 for k in range(2, 10)])
    named = np.zeros(10)
    named[0] = 50.0                            # the instigator (never in the cascade itself) sells once

    def final(with_sale: bool):
        st = init_holders(spec, 1, theta=theta)
        holders_step(spec, st, named_sales=named if with_sale else None)
        for _ in range(15):
            holders_step(spec, st)
        return st.active[0]

    assert final(True)[1:].all()               # everyone after the instigator sells
    assert not final(False).any()              # without the initial sale nobody moves


def test_no_named_sale_unchanged():
    spec = crowd()
    st = init_holders(spec, 1, theta=np.full(10, 0.5))
    holders_step(spec, st)
    assert st.peer[0, 0] == 0.0
