"""Numbers of docs/validation.md's "Sustained selling and the fiscal-slippage spiral", computed by running
today's model (the "before" table of that section records a model that no longer exists and stays typed):

* fiscal-slippage as the stability target runs it (``scenario/targets/stability.py``: ``PATHS`` paths at
  the scenario's seed, without the world shocks; about 3.5 s), its 10y deviation by channel at a few
  months, and the foreign holders' sales beyond the baseline: the same run with no event (the same
  seed, so each path meets the same draws; under a second) is the baseline they are measured against;
* the same run at other values of ``market.flow_learning_per_month`` (kappa; five more runs) and the
  market block alone under a constant unannounced $80bn a month (the sustained-selling target);
* the same run with the holders' old fiscal weight (``holders.w_fiscal`` = 0.3; one more run).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from treasurylab.scenario.results import month_labels

MONTHS = ("2027-12", "2030-12", "2032-12", "2033-12", "2035-12")
KAPPAS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
KAPPA_P95_MONTH = "2030-12"


def _kappa_now() -> float:
    from treasurylab.params import load_params

    return float(load_params("market")["flow_learning_per_month"])


def _override(kappa: float | None) -> dict | None:
    """The market override for ``kappa`` (None, and the parameter file's own value, run the file's)."""
    return None if kappa is None or kappa == _kappa_now() else {"flow_learning_per_month": kappa}


@lru_cache(maxsize=8)
def _ds(kappa: float | None = None, events: bool = True, w_fiscal: float | None = None):
    """fiscal-slippage as the stability target runs it (with ``kappa``, or with the holders' fiscal weight
    ``w_fiscal``), or the same without its event."""
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.targets import stability as S

    d = S.slippage_dict(_override(kappa))
    if not events:
        d["events"], d["name"] = [], "fiscal-slippage-without-event"
    if w_fiscal is not None:
        d["overrides"].setdefault("holders", {})["w_fiscal"] = w_fiscal
    return run(d, workers=1).ds


def slippage_ds():
    """The stability target's fiscal-slippage run (shared with ``validation_market``'s numbers)."""
    return _ds(None)


def _i(ds, month: str) -> int:
    return month_labels(ds["month"]).index(month)


@lru_cache(maxsize=1)
def _sold() -> np.ndarray:
    """Foreign official holdings sold beyond the baseline since the start (path, month), USD bn: the
    run without the event less the scenario's, path by path."""
    return _ds(None, False)["foreign_official"].values - slippage_ds()["foreign_official"].values


def _channels(month: str) -> dict:
    from treasurylab.params import load_params

    ds = slippage_ds()
    i = _i(ds, month)
    dev = (ds["y10"].values[:, i] - float(ds["base_y10"].values[i])) * 1e4
    psi10 = float(load_params("market")["trust_bp"]["10y"])
    trust = psi10 * (1.0 - ds["trust"].values[:, i])
    sold = _sold()
    return {"p50": float(np.median(dev)), "p95": float(np.percentile(dev, 95)),
            "policy": float(np.median(ds["expected_short_dev"].values[:, i])) * 1e4,
            "flow": float(np.median(ds["flow_premium"].values[:, i])) * 1e4,
            "fiscal": float(np.median(ds["fiscal_premium"].values[:, i] * 1e4 - trust)),
            "trust": float(np.median(trust)),
            "sales_month": float(np.median(sold[:, i] - sold[:, i - 12])) / 12.0, "sold": float(np.median(sold[:, i]))}


def _bp(v: float) -> str:
    return f"{v:+.0f}"


def setup() -> str:
    ds = slippage_ds()
    return (f"fiscal-slippage, {ds.attrs['paths']} paths, seed {ds.attrs['seed']}, without the world shocks, as the "
            f"stability target runs it; kappa = {_kappa_now():g}")


def channel_table() -> str:
    lines = ["| month | 10y dev p50 | p95 | policy path | stock + flow (transitory) premium | fiscal premium | trust "
             "| foreign sales beyond the baseline, $bn a month over the year to then | foreign holdings sold beyond the "
             "baseline $bn |",
             "|---|---|---|---|---|---|---|---|---|"]
    for m in MONTHS:
        c = _channels(m)
        lines.append(f"| {m} | {_bp(c['p50'])} | {_bp(c['p95'])} | {_bp(c['policy'])} | {_bp(c['flow'])} | "
                     f"{_bp(c['fiscal'])} | {_bp(c['trust'])} | {c['sales_month']:,.0f} | {c['sold']:,.0f} |")
    return "\n".join(lines)


def _dev(kappa: float, month: str, q: float) -> float:
    ds = _ds(None if kappa == _kappa_now() else kappa)
    i = _i(ds, month)
    return float(np.percentile((ds["y10"].values[:, i] - float(ds["base_y10"].values[i])) * 1e4, q))


def kappa_table() -> str:
    from treasurylab.scenario.targets.stability import (
        MONTH,
        PATHS,
        SUSTAINED_PACE_BN,
        sustained_selling,
    )

    now = _kappa_now()

    def cell(k: float, text: str) -> str:
        return f"**{text}**" if k == now else text

    head = ["kappa (per month)"] + [cell(k, f"{k:g}" + (" (no learning)" if k == 0 else "")) for k in KAPPAS]
    ss = {k: sustained_selling(flow_learning_per_month=k) for k in KAPPAS}
    pace = f"${SUSTAINED_PACE_BN:.0f}bn a month"
    rows = [
        (f"fiscal-slippage median 10y dev, {MONTH} ({PATHS} paths)",
         [f"{_dev(k, MONTH, 50):+.0f} bp" for k in KAPPAS]),
        (f"fiscal-slippage p95 10y dev, {KAPPA_P95_MONTH}", [f"{_dev(k, KAPPA_P95_MONTH, 95):+.0f} bp" for k in KAPPAS]),
        (f"{pace}: peak transitory 10y premium", [f"{ss[k]['peak_temp']:.0f} bp" for k in KAPPAS]),
        (f"{pace}: transitory share of the 10y deviation after 24 months", [f"{ss[k]['share_temp_24m']:.2f}" for k in KAPPAS]),
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, vals in rows:
        lines.append(f"| {label} | " + " | ".join(cell(k, v) for k, v in zip(KAPPAS, vals)) + " |")
    return "\n".join(lines)


def caveat_foreign() -> str:
    """Foreign holders' de-risking in the median: the first year whose end has sold more than 1% of
    foreign official holdings beyond the baseline, and the share sold by the last month."""
    ds = slippage_ds()
    h0 = float(ds.attrs["foreign_official_tic_bn"])
    med = np.median(_sold(), axis=0) / h0
    months = month_labels(ds["month"])
    start = next((m[:4] for m, v in zip(months, med) if v > 0.01), None)
    when = f"from about {start}" if start else "never"
    return (f"in the median {when} ({100 * med[-1]:.0f}% of foreign official holdings sold beyond the baseline by "
            f"{months[-1][:4]})")


def _cascade(ds) -> float:
    from treasurylab.scenario.results import outcomes_of

    return outcomes_of(lambda k: ds[k].values if k in ds else None)["p_cascade_half_24m"]


def early() -> str:
    """fiscal-slippage's first years: the probability of a cascade within 24 months and the median 10y
    deviation at end-2026 with its fiscal premium (bp)."""
    c = _channels("2026-12")
    return (f"cascades within 24 months on {100 * _cascade(slippage_ds()):.0f}% of paths and its median 10y is "
            f"{c['p50']:+.0f} bp at end-2026 ({c['fiscal']:+.0f} bp of it the fiscal premium)")


OLD_W_FISCAL = 0.3      # holders.w_fiscal before 2020 bounded it (docs/validation.md, the tipping map)


def old_w_fiscal() -> str:
    """The same run with the old fiscal weight in today's model: the cascade probability and the median 10y
    at end-2026 (level and deviation)."""
    ds = _ds(None, True, OLD_W_FISCAL)
    i = _i(ds, "2026-12")
    y = np.median(ds["y10"].values[:, i])
    dev = np.median((ds["y10"].values[:, i] - float(ds["base_y10"].values[i])) * 1e4)
    return (f"with `w_fiscal` = {OLD_W_FISCAL:g} today's model cascades within 24 months on "
            f"{100 * _cascade(ds):.0f}% of paths, with a median 10y of {100 * y:.2f}% at end-2026 ({dev:+.0f} bp)")


SECTIONS = {
    "val-slippage-setup": setup,
    "val-slippage-channels": channel_table,
    "val-slippage-kappa": kappa_table,
    "val-slippage-foreign": caveat_foreign,
    "val-slippage-early": early,
    "val-slippage-old-w-fiscal": old_w_fiscal,
}
