"""Conservation of mass in the monthly allocation (hypothesis): nothing delivered exceeds what was
produced plus inventory, at every stage of the chain, under random capacities, demand, stocks and
export caps; and the same invariants over whole runs with random policy events."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treasurylab.model import minerals as M
from treasurylab.params.minerals_inputs import CONSUMERS, END_USES, REGIONS, STAGES, build

INP = build()
R, C, S, U = len(REGIONS), len(CONSUMERS), len(STAGES), len(END_USES)
CAP0 = M._capacity_path(INP, [], np.array([12 * 2026]))[0]
D0 = INP.demand[:, None] * INP.end_use_share / 12.0
TOL = 1e-6

floats = st.floats(min_value=0.0, max_value=3.0, allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cap_scale=st.lists(floats, min_size=S * R, max_size=S * R),
       dem_scale=st.floats(min_value=0.1, max_value=3.0),
       stock_months=st.lists(st.floats(min_value=0, max_value=6), min_size=C, max_size=C),
       cap_share=st.lists(st.one_of(st.just(np.inf), st.floats(min_value=0, max_value=2000)),
                          min_size=4, max_size=4))
def test_lp_conserves_mass(cap_scale, dem_scale, stock_months, cap_share):
    cap = CAP0 * np.array(cap_scale).reshape(S, R)
    D = D0 * dem_scale
    stock = np.array(stock_months) * D.sum(axis=1)
    need = 0.25 * D.sum(axis=1)
    caps = {pr: np.full(C - 1 if pr == "magnet" else R - 1, cap_share[i]) for i, pr in enumerate(M.PRODUCTS)}
    x = M.allocate(INP, cap, D, stock, need, caps)
    f, aL, aH = INP.p["ndpr_content"], INP.p["ndpr_per_magnet"], INP.p["heavy_per_magnet"]
    for k, v in x.items():
        assert (v >= -TOL).all(), k
    ore, nd, hv, mt, mg = x["ore"], x["nd"], x["hv"], x["mt"], x["mg"]
    tol = TOL * (1 + D.sum())
    # users: delivered + restocked <= made + drawn from stocks; draws <= stocks
    delivered = (D - x["short"]).sum(axis=1)
    assert (delivered + x["rest"] <= mg.sum(axis=0) + x["draw"] + tol).all()
    assert (x["draw"] <= stock + tol).all()
    assert (x["short"] <= D + tol).all()
    # each stage: output <= capacity and <= input from the stage above
    assert (ore.sum(axis=1) <= cap[0] + tol).all()
    assert (f * ore.sum(axis=0) <= cap[1] + tol).all()
    assert (nd.sum(axis=1) <= f * ore.sum(axis=0) + tol).all()
    assert (hv.sum(axis=1) <= cap[2] + tol).all()
    assert (hv.sum(axis=1) <= INP.heavy_content @ ore + tol).all()
    assert (mt.sum(axis=1) <= cap[3] + tol).all()
    assert (mt.sum(axis=1) <= nd.sum(axis=0) + tol).all()
    assert (mg.sum(axis=1) <= cap[4] + tol).all()
    assert (aL * mg.sum(axis=1) <= mt.sum(axis=0) + tol).all()
    thr = (1 - INP.p["heavy_min_share"]) * aH
    assert (aH * mg.sum(axis=1) <= hv.sum(axis=0) + x["th"] + tol).all()
    assert (x["th"] <= thr * mg.sum(axis=1) + tol).all()
    # whole chain: magnets used <= what the world's mines could feed + stocks
    assert delivered.sum() <= cap[0].sum() * f / aL + stock.sum() + tol
    # China's controlled exports respect their caps
    cn = REGIONS.index("China")
    other_r = [r for r in range(R) if r != cn]
    other_c = [c for c in range(C) if c != CONSUMERS.index("China")]
    assert (nd[cn, other_r] <= caps["ndpr"] + tol).all()
    assert (hv[cn, other_r] <= caps["heavy"] + tol).all()
    assert (mt[cn, other_r] <= caps["metal"] + tol).all()
    assert (mg[cn, other_c] <= caps["magnet"] + tol).all()


kinds = st.sampled_from([
    ("export_ban", {"products": "heavy,magnet", "destinations": "allies"}),
    ("export_licence", {"destinations": "all"}),
    ("export_ban", {"products": "all", "destinations": "US,Japan"}),
    ("stockpile_release", {"region": "EU", "months": 1.5}),
    ("subsidy", {"months": 12}),
    ("extraterritorial", {"suspended_until": "2026-06"}),
    ("decouple", {"region": "US", "share": 0.2}),
    ("price_floor", {"level_usd_kg": 110}),
])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(evs=st.lists(st.tuples(kinds, st.integers(0, 10), st.one_of(st.none(), st.integers(1, 12))),
                    min_size=0, max_size=3))
def test_runs_keep_stocks_and_deliveries_consistent(evs):
    events = []
    for (kind, params), m0, dur in evs:
        start = f"2026-{m0 + 1:02d}"
        end = None if dur is None or kind == "stockpile_release" else f"{2026 + (m0 + dur) // 12}-{(m0 + dur) % 12 + 1:02d}"
        events.append(M.MineralsEvent(kind, start, end, params))
    r = M.simulate(INP, events, start="2026-01", months=18)
    assert (r.inventory_months >= -1e-9).all()
    assert (r.shortfall >= -1e-9).all() and (r.shortfall <= r.demand + 1e-6).all()
    assert (r.deliveries <= r.demand.sum(axis=2) + 1e-6).all()
    assert (r.production <= r.capacity + 1e-6 * (1 + r.capacity)).all()
    for v in r.prices.values():
        assert np.isfinite(v).all() and (v > 0).all()
