"""Validation of the coupled system on a real episode: the Davos threat of January 2026.

The scenario ``davos-2026`` replays 20-22 January 2026 (a Danish pension sells its ~$0.1bn of
Treasuries; a US threat of "big retaliation" against any seller, strength 0.6). What was observed
afterwards bounds the assumption parameters of the threat channel:

* **10-year, event window.** DGS10 (yields.cmt) from the last close before the sale (Fri 16 Jan
  2026; Mon 19 Jan was a holiday) to the day after the threat (Fri 23 Jan 2026). The model's median
  10y deviation in January 2026 must lie within +-2 standard deviations of 5-trading-day changes of
  DGS10 over 2024-2025 (computed from the same data, ~17 bp): a smaller move cannot be told apart
  from an ordinary week, so a tighter band would fit noise.
* **Reserve managers.** The threat's largest median channel is reserve managers buying gold with
  dollars freed from Treasuries (coupled.reserves_threat_weight). The PBoC, the manager the threat
  provokes most, bought 2.2 t in January-February 2026 (curated.pboc_gold_monthly), below its 2025
  pace. The model's median PBoC purchases over those two months must lie within the range of
  2-month purchases during the PBoC's 2025 buying streak (min-max of consecutive pairs of monthly
  changes, Jan-Dec 2025): outside that range the response would have been visible in the data.

Equations: 5-day change sd = std(y_{d+5} - y_d); band_y10 = observed +- 2 sd;
PBoC 2-month purchases = gold_t(Feb 2026) - gold_t(Dec 2025) in the model and in the data.

The 2022 freeze of Russia's central-bank reserves (from 26-28 February 2022, still in force) is the
one large freeze on record. Its case in the model, ``freeze2022``: a freeze in force of the smallest
holder that is neither a rival nor an absorber (standing for Russia, which TIC no longer lists), paired
with the same paths without it (``deviation``); what the rivals (holders.yaml deterrence < 0) sold
beyond those paths is set against what China and Hong Kong sold in the months after February 2022
beyond their own earlier pace (TIC net purchases, ``data.tic_flows``; ``excess_sales_bn``):

* **Rivals' sales, 24 months on.** The median and the mean over paths of the rivals' sales beyond the
  same paths without the freeze (1,000 paths, seed 2026, world shocks on) must lie between what China
  and Hong Kong sold in 2022-03..2024-02 beyond their own pace of the 36 months before (2019-03..2022-02)
  and beyond that of the 24 months before (2020-03..2022-02, when China was a net buyer): no pace is
  the true counterfactual, so the range between the two is the band (``history_range``). The mean is
  held as well as the median because the rivals' response is two-humped (a cascade or none): the
  median says what most paths do, the mean bounds how many cascade.

Equations: excess = -(net purchases after - net purchases before x months after / months before),
summed over the rivals; model = sum over rivals of (holder sales with the freeze - without).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from treasurylab.scenario.targets import TargetResult, between

BLOCK = "episodes"
PATHS = 300
SRC_DAVOS = ("davos-2026 scenario: AkademikerPension sale (20 Jan 2026), Davos threat (22 Jan 2026); "
             "calibration.md s2.2")


@lru_cache(maxsize=1)
def observed_event_window() -> dict:
    """DGS10 change (bp) 16 -> 23 Jan 2026 and the sd (bp) of 5-trading-day changes in 2024-2025."""
    from treasurylab import data

    win = data.series("yields.cmt", start="2026-01-16", end="2026-01-23", series="DGS10").sort_values("date")
    hist = data.series("yields.cmt", start="2024-01-01", end="2025-12-31", series="DGS10").sort_values("date")
    v = hist["value"].to_numpy(dtype=float)
    sd5 = float(np.std(v[5:] - v[:-5]) * 100)
    y = win["value"].to_numpy(dtype=float)
    return {"change_bp": float((y[-1] - y[0]) * 100), "sd5_bp": sd5,
            "from": str(win["date"].iloc[0])[:10], "to": str(win["date"].iloc[-1])[:10]}


@lru_cache(maxsize=1)
def observed_pboc() -> dict:
    """PBoC gold bought in Jan-Feb 2026 (t) and the range of 2-month purchases in 2025 (t)."""
    from treasurylab import data

    df = data.series("curated.pboc_gold_monthly")
    t = df[df["metric"] == "gold_tonnes"].sort_values("date").set_index("date")["value"].astype(float)
    t.index = t.index.astype(str).str[:7]
    d = t.diff()
    y25 = d[(d.index >= "2025-01") & (d.index <= "2025-12")].to_numpy()
    pairs = y25[1:] + y25[:-1]
    return {"jan_feb_2026": float(t["2026-02"] - t["2025-12"]), "lo": float(pairs.min()),
            "hi": float(pairs.max())}


@lru_cache(maxsize=1)
def davos_run(paths: int = PATHS) -> dict:
    """Median outcomes of davos-2026 (the y10 deviation path in bp, the PBoC's model purchases)."""
    from treasurylab.model import reserves as R
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    # the scenario's own response (its median and tails), measured without the world shocks
    sc = load_scenario("davos-2026")
    res = run(sc.with_(overrides={**sc.overrides, "shocks": {"enabled": False}}), paths=paths, workers=1)
    ds = res.ds
    dev = (ds["y10"].values - ds["base_y10"].values[None, :]) * 1e4
    # the reserves block is deterministic given the signal: run it alone on the scenario's schedule
    S = prepare(load_scenario("davos-2026"))
    rs = R.init_reserves(S.rp, 1)
    j = list(S.rp.names).index("People's Bank of China")
    bought = 0.0
    for t in range(2):
        bought += float(R.reserves_step(S.rp, rs, signal=S.res_signal[t]).buy_t[0, j])
    return {"months": res.months, "dev_p50": np.median(dev, axis=0),
            "dev_p95": np.percentile(dev, 95, axis=0), "pboc_jan_feb_t": bought,
            "cascade_p95": float(np.quantile(ds["cascade_share"].values, 0.95)),
            "cascade_p50": float(np.median(ds["cascade_share"].values))}


def targets() -> list[TargetResult]:
    ew = observed_event_window()
    pb = observed_pboc()
    m = davos_run()
    tol = 2.0 * ew["sd5_bp"]
    return [*_davos(ew, pb, m, tol), *_freeze2022_targets()]


def _freeze2022_targets() -> list[TargetResult]:
    lo, hi = history_range(24)
    s = freeze2022(24)["rivals_bn"]
    src = ("TIC net purchases (S1 long-term + Table 3 bills to 2023-01, Table 3 from 2023-02; data.tic_flows), "
           "China and Hong Kong; Russia's reserves frozen from 26-28 Feb 2022; coupled.yaml sanction_rival_fear, "
           "reserves_freeze_weight")
    what = (f"2022 freeze case ({analog_holder()} frozen in force, for Russia): the rivals' sales beyond the same "
            f"paths 24 months on, {{}} of {len(s):,} paths, vs China + Hong Kong's sales 2022-03..2024-02 beyond "
            f"their own pace of {BEFORE[0]}..{BEFORE[1]} (${lo:.0f}bn) and of {BEFORE_24[0]}..{BEFORE_24[1]} "
            f"(${hi:.0f}bn)")
    return [between(f"episodes.freeze2022.rivals_24m_{k}", BLOCK, what.format(k), float(v), lo, hi,
                    unit="USD bn", reference=f"{lo:.1f}-{hi:.1f}", source=src)
            for k, v in (("median", np.median(s)), ("mean", np.mean(s)))]


def _davos(ew: dict, pb: dict, m: dict, tol: float) -> list[TargetResult]:
    return [
        between("episodes.davos2026.y10_event_window", BLOCK,
                f"davos-2026: median 10y deviation in Jan 2026 vs DGS10 {ew['from']} -> {ew['to']} "
                f"({ew['change_bp']:+.0f} bp; band +-2 sd of 5-day changes 2024-25)",
                float(m["dev_p50"][0]), ew["change_bp"] - tol, ew["change_bp"] + tol, unit="bp",
                reference=f"{ew['change_bp']:+.0f} +- {tol:.0f}",
                source="DGS10 (yields.cmt, FRED); " + SRC_DAVOS),
        between("episodes.davos2026.pboc_gold_jan_feb", BLOCK,
                f"davos-2026: PBoC gold bought Jan-Feb 2026 (observed {pb['jan_feb_2026']:.1f} t; band = "
                "range of 2-month purchases in its 2025 streak)",
                m["pboc_jan_feb_t"], pb["lo"], pb["hi"], unit="t",
                reference=f"{pb['jan_feb_2026']:.1f} ({pb['lo']:.1f}-{pb['hi']:.1f})",
                source="curated.pboc_gold_monthly (PBoC via Jinshi, newsbytesapp); calibration.md s6; " + SRC_DAVOS),
    ]


# ------------------------------------------------------------------ the 2022 freeze of Russia's reserves

FREEZE_PATHS, FREEZE_SEED = 1000, 2026
FREEZE_START, FREEZE_MONTH = "2026-01", "2026-02"
BEFORE = ("2019-03", "2022-02")   # the 36 months before the freeze: each holder's own pace, the reference
BEFORE_24 = ("2020-03", "2022-02")  # the 24 months before: the other reference pace (China a net buyer)
AFTER = {12: ("2022-03", "2023-02"), 24: ("2022-03", "2024-02")}


def _month(start: str, k: int) -> str:
    from treasurylab.params.macro_inputs import ordinal_label

    return ordinal_label(12 * int(start[:4]) + int(start[5:7]) - 1 + k)


def months_between(a: str, b: str) -> int:
    return (int(b[:4]) - int(a[:4])) * 12 + int(b[5:7]) - int(a[5:7]) + 1


def freeze_doc(months: int | None, holder: str, horizon: int, paths: int = FREEZE_PATHS,
               seed: int = FREEZE_SEED, overrides: dict | None = None) -> dict:
    """A scenario (dict) freezing ``holder`` from February 2026 for ``months`` months (an unfreeze
    then; None: to the end of the run; 0: no event), on the baseline's start, vintage and world."""
    events = []
    if months != 0:
        events.append({"type": "sanction", "date": FREEZE_MONTH, "holder": holder})
        if months is not None:
            events.append({"type": "sanction", "date": _month(FREEZE_MONTH, months), "holder": holder,
                           "freeze": False})
    doc = {"name": f"freeze-{months}", "description": "a freeze of one holder", "start": FREEZE_START,
           "horizon": horizon, "paths": paths, "seed": seed, "baseline": "cbo-2026-02", "events": events}
    if overrides:
        doc["overrides"] = overrides
    return doc


def deviation(months: int | None, holder: str, horizon: int, paths: int = FREEZE_PATHS,
              seed: int = FREEZE_SEED, overrides: dict | None = None) -> dict[str, np.ndarray]:
    """Paired deviations from the same paths without the freeze: ``foreign_official`` (paths, months)
    and ``holder_sales`` (paths, agents), USD bn (sales + = sold), and the agents' ``names``."""
    from treasurylab.scenario.runner import run as run_scenario

    base = run_scenario(freeze_doc(0, holder, horizon, paths, seed, overrides), workers=1).arrays
    run = run_scenario(freeze_doc(months, holder, horizon, paths, seed, overrides), workers=1).arrays
    return {"foreign_official": run["foreign_official"] - base["foreign_official"],
            "holder_sales": run["holder_sales"] - base["holder_sales"], "names": list(run["holder"])}


@lru_cache(maxsize=1)
def holders_spec():
    """The holders at the start of the freeze runs (names, holdings, deterrence, kind, absorber)."""
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    return prepare(load_scenario(freeze_doc(0, "China", horizon=2, paths=1))).hspecs[0]


def rivals() -> list[str]:
    """The holders a freeze provokes (holders.yaml deterrence < 0)."""
    sp = holders_spec()
    return [n for n, d, k in zip(sp.names, sp.deterrence, sp.kind) if d < 0 and k == "foreign"]


def analog_holder() -> str:
    """Russia's stand-in: the smallest holder that is neither a rival nor an absorber."""
    sp = holders_spec()
    ok = [i for i, (n, k) in enumerate(zip(sp.names, sp.kind))
          if k == "foreign" and not sp.absorber[i] and n not in rivals()]
    return sp.names[min(ok, key=lambda i: sp.holdings0[i])]


@lru_cache(maxsize=32)
def net_purchases_windows(name: str, before: tuple[str, str] = BEFORE) -> dict:
    """Net purchases (USD bn, < 0 net sales) of ``name`` over ``before`` and the windows of ``AFTER``,
    and its holdings at the end of Feb 2022 (``h0``)."""
    from treasurylab.data import tic_flows as TF

    holder, df = TF.monthly_flows(name)
    by = df.set_index("date")
    out = {"holder": holder, "h0": float(by["holdings"][BEFORE[1]])}
    for key, (a, b) in {"before": before, **AFTER}.items():
        win = df[(df["date"] >= a) & (df["date"] <= b)]["net_purchases"]
        if win.isna().any():
            raise ValueError(f"{holder}: no net purchases for every month of {a}..{b}")
        out[key] = float(win.sum())
    return out


def excess_sales_bn(names: list[str] | None = None, months: int = 24, before: tuple[str, str] = BEFORE) -> float:
    """Net sales of ``names`` (default: the rivals) in the ``months`` after the 2022 freeze beyond their
    own pace over ``before`` (USD bn, > 0: sold more than before)."""
    total = 0.0
    for n in names or rivals():
        f = net_purchases_windows(n, before)
        total += -(f[months] - f["before"] * months / months_between(*before))
    return total


def history_range(months: int) -> tuple[float, float]:
    """What the rivals sold in the ``months`` after the 2022 freeze beyond their own pace of the 36 and
    of the 24 months before (USD bn), smaller first."""
    a, b = excess_sales_bn(months=months, before=BEFORE), excess_sales_bn(months=months, before=BEFORE_24)
    return min(a, b), max(a, b)


def freeze2022(months: int, paths: int = FREEZE_PATHS, seed: int = FREEZE_SEED,
               overrides: dict | None = None) -> dict:
    """The 2022 case in the model, read ``months`` after the freeze: the rivals' sales beyond the same
    paths without it (``rivals_bn``, (paths,) USD bn) and the median deviation of foreign official
    holdings (``fo_p50``); ``overrides``: parameter overrides of both runs."""
    if overrides is None:
        return _freeze2022(months, paths, seed)
    return _freeze2022.__wrapped__(months, paths, seed, overrides)


@lru_cache(maxsize=4)
def _freeze2022(months: int, paths: int, seed: int, overrides: dict | None = None) -> dict:
    who = analog_holder()
    r = deviation(None, holder=who, horizon=months + 1, paths=paths, seed=seed, overrides=overrides)
    idx = [r["names"].index(n) for n in rivals()]
    return {"holder": who, "rivals_bn": r["holder_sales"][:, idx].sum(axis=1),
            "fo_p50": float(np.median(r["foreign_official"][:, -1]))}
