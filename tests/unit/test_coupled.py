"""The coupled system: exact baseline, determinism on 1 vs 2 workers, no NaN/inf even at extremes."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.params import load_params
from treasurylab.scenario import jumpoff as JO
from treasurylab.scenario.runner import run
from treasurylab.scenario.spec import load_scenario, shipped


@pytest.fixture(scope="module")
def baseline_run():
    # the deterministic run: add-factors reproduce CBO's path exactly (world shocks off)
    sc = load_scenario("baseline")
    return run(sc.with_(overrides={"shocks": {"enabled": False}}), paths=3, workers=1)


def test_baseline_reproduces_cbo_to_1e9(baseline_run):
    ds = baseline_run.ds
    # CBO's path re-anchored on the data published before the start (scenario/jumpoff.py)
    anc = JO.anchored("2026-02", "2026-01", load_params("fiscal"), load_params("jumpoff"))
    b, cbo = anc.base_run, anc.inputs
    k0 = 3   # the fiscal baseline starts in October 2025, the scenario in January 2026
    T = ds.sizes["month"]
    # the 10-year is that path
    assert np.max(np.abs(ds["y10"].values - cbo.yields[k0:k0 + T, 3])) <= 1e-9
    ni = b["net_interest"][k0:k0 + T] * 12.0
    assert np.max(np.abs(ds["net_interest"].values / ni - 1.0)) <= 1e-9
    assert np.max(np.abs(ds["debt_gdp"].values - b["debt_gdp"][k0:k0 + T])) <= 1e-9
    # and every premium and macro deviation is zero (the fiscal block on 3 paths rounds like 1 path
    # only to ~1e-16 of debt/GDP, which is all the fiscal premium sees)
    for v in ("flow_premium", "fiscal_premium", "expected_short_dev", "gdp_level_dev", "inflation_dev"):
        assert np.max(np.abs(ds[v].values)) <= 1e-12, v
    assert np.array_equal(ds["policy_rate"].values[0], ds["base_policy_rate"].values)


def test_determinism_same_seed_and_workers():
    a = run("davos-2026", paths=4100, seed=7, workers=1)
    b = run("davos-2026", paths=4100, seed=7, workers=1)
    c = run("davos-2026", paths=4100, seed=7, workers=2)   # 3 blocks on 2 processes
    assert c.meta["executor"] == "processes"
    for v in a.ds.data_vars:
        assert np.array_equal(a.ds[v].values, b.ds[v].values), v
        assert np.array_equal(a.ds[v].values, c.ds[v].values), v
    d = run("davos-2026", paths=4100, seed=8, workers=1)
    assert not np.array_equal(a.ds["y10"].values, d.ds["y10"].values)


def test_all_shipped_scenarios_finite():
    for name in shipped():
        r = run(name, paths=64, workers=1)
        for v, da in r.ds.data_vars.items():
            a = np.asarray(da.values, dtype=float)
            assert np.all(np.isfinite(a)), f"{name}: {v}"


@pytest.mark.parametrize("kind", ["debt", "yields"])
def test_extremes_flag_regime_instead_of_nan(kind):
    base = load_scenario("baseline").model_dump()
    if kind == "debt":   # deficits 20% of GDP above baseline for ten years: debt well past 300% of GDP
        d = dict(base, name="extreme-debt", events=[{"type": "fiscal_slippage", "date": "2026-01", "pct_gdp": 20}])
    else:                # Japan and China dump everything in days into a market with no depth and no Fed
        d = dict(base, name="extreme-yields", horizon=60, events=[
            {"type": "backstop", "date": "2026-01", "on": False},
            {"type": "sale", "date": "2026-02", "holder": "Japan", "share": 1.0, "days": 5},
            {"type": "sale", "date": "2026-02", "holder": "China", "share": 1.0, "days": 5}],
            overrides={"market": {"flow_depth_bn": 1,
                                  "flow_amplitude_bp": {t: 2000 for t in ("3m", "2y", "5y", "10y", "30y")}}})
    r = run(d, paths=20, workers=1)
    for v, da in r.ds.data_vars.items():
        assert np.all(np.isfinite(np.asarray(da.values, dtype=float))), v
    assert r.outcomes()["p_regime_exceeded"] == 1.0
    if kind == "debt":
        assert r.ds["debt_gdp"].values.max() > 3.0
    else:
        assert r.ds["y10"].values.max() == pytest.approx(0.20)


def test_events_move_things_the_right_way():
    base = load_scenario("baseline").model_dump()
    slip = run(dict(base, name="slip", events=[{"type": "fiscal_slippage", "date": "2026-01", "pct_gdp": 2}]),
               paths=20, workers=1)
    ref = run("baseline", paths=20, workers=1)
    i = 59
    assert slip.ds["debt_gdp"].values[:, i].mean() > ref.ds["debt_gdp"].values[:, i].mean() + 0.05
    assert slip.ds["net_interest"].values[:, i].mean() > ref.ds["net_interest"].values[:, i].mean()
    assert slip.ds["fiscal_premium"].values[:, i].mean() > 0
    china = run("china-exit", paths=200, workers=1)
    assert np.median(china.ds["flow_premium"].values[:, 12]) > 0
    assert np.median(china.ds["mortgage"].values[:, 12]) > china.ds["base_mortgage"].values[12]
    # a sale of everything over 24 months by the largest non-absorbing seller is at least its share
    assert np.median(china.ds["cascade_share"].values) > 0.09
