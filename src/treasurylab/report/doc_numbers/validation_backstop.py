"""Numbers of docs/validation.md's paragraph on the Fed backstop in the coupled scenarios (after the
March 2020 rule), computed by running the shipped scenarios:

* china-exit and davos-2026, ``PATHS`` paths each at the scenario's own seed, without the world shocks
  (the scenario's own response, as the targets measure it): on how many paths the backstop opens
  (``fed_backstop_gross_bn`` > 0: it bought something), its gross purchases a path (before any sale
  back), and the lowest p5 of the 10y deviation from the baseline over the run (about a second each);
* china-exit again with ``market.flow_learning_per_month`` = 0 (every unannounced dollar a surprise,
  the model before the learned expectation of the selling pace);
* the transitory 10y premium of China's sales alone: the market block alone (backstop as in
  ``market.yaml``) on the scenario's monthly sales, as ``scenario/targets/market.py`` runs it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

PATHS = 400
NO_LEARNING = {"flow_learning_per_month": 0.0}


def _scenario(name: str, market: dict | None = None):
    from treasurylab.scenario.spec import load_scenario

    sc = load_scenario(name)
    ov = {b: dict(v) for b, v in sc.overrides.items()}
    ov["shocks"] = {"enabled": False}
    if market:
        ov.setdefault("market", {}).update(market)
    return sc.with_(overrides=ov)


@lru_cache(maxsize=4)
def _run(name: str, learning: bool = True) -> dict:
    """Share of paths where the backstop opened, median and p95 of its purchases a path (USD bn, 0 where
    it did not open), the median where it opened, and the lowest p5 of the 10y deviation (bp)."""
    from treasurylab.scenario.runner import run

    ds = run(_scenario(name, None if learning else NO_LEARNING), paths=PATHS, workers=1).ds
    g = ds["fed_backstop_gross_bn"].values
    fired = g > 0.0
    dev = (ds["y10"].values - ds["base_y10"].values[None, :]) * 1e4
    return {"share": float(fired.mean()), "p50": float(np.median(g)), "p95": float(np.percentile(g, 95)),
            "p50_fired": float(np.median(g[fired])) if fired.any() else 0.0,
            "p5_min": float(np.percentile(dev, 5, axis=0).min()), "seed": int(ds.attrs["seed"])}


@lru_cache(maxsize=2)
def _china_alone(learning: bool = True) -> dict:
    """China's sales (USD bn, the scenario's schedule) and the transitory 10y premium they give in the
    market block alone (bp, its peak) with and without the learned pace."""
    from treasurylab.model.market import BP, I10, run_market_path
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.targets.market import market_params_with

    S = prepare(_scenario("china-exit"))
    flows = S.named.sum(axis=1)
    _, mp = market_params_with(**({} if learning else NO_LEARNING))
    o = run_market_path(mp, float(S.ngdp[S.k0]), len(flows), surprise_flow_bn=flows)
    return {"total_bn": float(flows.sum()), "months": int((flows > 0).sum()),
            "peak_bp": float(o["tp_temp"][:, 0, I10].max() / BP)}


def _bn(v: float) -> str:
    return "$0" if round(v) == 0 else f"${v:,.0f}bn"


def _pct(share: float) -> str:
    v = 100.0 * share
    return f"{v:.0f}%" if v >= 10 or v == 0 else f"{v:.2g}%"


def setup() -> str:
    return f"{PATHS} paths each, seed {_run('china-exit')['seed']}, without the world shocks"


def china_sales() -> str:
    c = _china_alone()
    return f"China's {_bn(c['total_bn'])} over {c['months']} months"


def china_temp_peak() -> str:
    return f"China's sales alone (market block alone) take the transitory 10y premium to {_china_alone()['peak_bp']:.0f} bp"


def china_backstop() -> str:
    r, trig = _run("china-exit"), _trigger()
    return (f"opens only on the {_pct(r['share'])} of paths where other holders' selling adds to China's and takes "
            f"it over the {trig:g} bp trigger (median purchases {_bn(r['p50'])}, p95 {_bn(r['p95'])}; "
            f"{_bn(r['p50_fired'])} on the median path where it opens)")


def china_no_learning() -> str:
    r, c = _run("china-exit", False), _china_alone(False)
    every = "every path" if r["share"] == 1.0 else f"{_pct(r['share'])} of paths"
    return (f"China's sales alone take the transitory premium to {c['peak_bp']:.0f} bp, the backstop opens on {every} "
            f"and buys a median {_bn(r['p50'])}")


def davos_backstop() -> str:
    return f"it opens on {_pct(_run('davos-2026')['share'])} of paths"


def p5_floor() -> str:
    lo = min(_run(n)["p5_min"] for n in ("china-exit", "davos-2026"))
    if lo >= -0.05:
        return "the p5 band of the 10y never falls below the baseline"
    return f"the p5 band of the 10y never falls more than {-lo:.1f} bp below the baseline"


def _trigger() -> float:
    from treasurylab.scenario.targets.market import market_params_with

    return float(market_params_with()[0]["backstop_trigger_bp"])


SECTIONS = {
    "val-backstop-coupled-setup": setup,
    "val-backstop-china-sales": china_sales,
    "val-backstop-china-temp": china_temp_peak,
    "val-backstop-china": china_backstop,
    "val-backstop-china-no-learning": china_no_learning,
    "val-backstop-davos": davos_backstop,
    "val-backstop-p5": p5_floor,
}
