"""Numbers of docs/validation.md's market part, computed by the package:

* the published price-impact estimates the market block reproduces (``scenario/targets/market.py``:
  the market kernel alone) and the pace experiment's numbers;
* the March 2020 replay of the market block (``scenario/targets/market.py``: daily steps, the Fed backstop
  rule of ``params/defaults/market.yaml``): the table beside DGS10, the values the text quotes and the
  rule's parameters (well under a second);
* the stability targets of "Sustained selling and the fiscal-slippage spiral"
  (``scenario/targets/stability.py``: the market block alone, and fiscal-slippage without the world
  shocks, 300 paths, about a second) and the second-round effects of that run;
* the Davos 2026 check (scenario ``davos-2026``, ``scenario/targets/episodes.py``): the decomposition by
  channel at the old and today's ``coupled.reserves_threat_weight`` (400 paths without the world shocks,
  each run well under a second), the reserve managers' response on the scenario's signal (the reserves
  block alone), and the episode targets' values.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from treasurylab.scenario.results import month_labels

# ---- the published estimates (market targets) and the pace experiment
# target id -> (row label, reference, source), as the page states them
_ESTIMATES = {
    "market.beltran.impact_5y": ("$100bn of foreign official selling in one month: 5y on impact", "+40 to +60 bp",
                                 "Beltran, Kretchmer, Marquez & Thomas (2013)"),
    "market.beltran.after_12m_5y": ("the same sale, 5y after 12 months", "about +20 bp (15-30)",
                                    "Beltran et al. (2013)"),
    "market.ahmed_rebucci.impact_5y": ("alternative calibration `ahmed_rebucci_2022`, 5y on impact", "> 100 bp",
                                       "Ahmed & Rebucci, NBER WP 30476"),
    "market.pace.announced_vs_surprise": ("$100bn announced over 24 months / one-month surprise, peak 5y", '"far less"',
                                          "DESIGN.md (expected vs surprise flows)"),
    "market.gagnon.tp10": ("$1.75T of duration removed from price-sensitive hands (announced, FY2009 GDP): 10y "
                           "term premium", "-50 to -100 bp", "Gagnon, Raskin, Remache & Sack (2011)"),
    "market.lsap1.y10_trough": ("LSAP1 as executed ($1.75T over 12 months): lowest 10y deviation",
                                "QE1 survey 38-150 bp", "Bivens/EPI survey"),
    "market.fiscal.y10_per_pp_debt": ("+1 pp of projected debt/GDP: 10y", "+2 to +3 bp", "CBO Working Paper 2019-01"),
}


@lru_cache(maxsize=1)
def _market_targets() -> dict:
    from treasurylab.scenario.targets.market import targets

    return {t.id: t for t in targets()}


@lru_cache(maxsize=2)
def _pace(learning: bool = True) -> dict:
    from treasurylab.scenario.targets.market import pace

    return pace() if learning else pace(flow_learning_per_month=0)


def estimates_table() -> str:
    t = _market_targets()
    lines = ["| target | model | reference | source |", "|---|---|---|---|"]
    for tid, (label, ref, src) in _ESTIMATES.items():
        v = t[tid].model_value
        if tid == "market.pace.announced_vs_surprise":
            p = _pace()
            model = f"{p['announced_peak']:.1f} / {p['surprise_peak']:.1f} = **{v:.3f}**"
        elif abs(v) >= 100:
            model = f"{v:+.0f} bp"
        else:
            model = f"{v:+.1f} bp"
        lines.append(f"| {label} | {model} | {ref} | {src} |")
    return "\n".join(lines)


def pace_paragraph() -> str:
    """The announced programme's parts (stock premium of the whole, the surprise share of each month) and
    the peaks of the three ways of selling $100bn over 24 months."""
    from treasurylab.scenario.targets.market import market_params_with

    ps = market_params_with()[0]
    pp = 100.0 / float(ps["reference_gdp_bn"]) * 100.0
    stock = float(ps["stock_bp_per_pp_gdp"]["5y"]) * pp
    a = float(ps["announced_surprise_share"])
    share = "a tenth" if a == 0.1 else f"{a:g}"
    p, q = _pace(True), _pace(False)
    return (f"{stock:.2f} bp on the 5y for $100bn ({pp:.2f}% of 2026 GDP), plus {share} of each month's flow still "
            f"acting as\na surprise (Vissing-Jorgensen 2021); the peak is {p['announced_peak']:.1f} bp against "
            f"{p['surprise_peak']:.0f} bp for the surprise, a ratio of\n{p['ratio']:.3f}. Sold in 24 equal *unannounced* "
            f"monthly slices, the same $100bn peaks at {p['unannounced_peak']:.1f} bp (ratio "
            f"{p['ratio_unannounced']:.2f}):\nthe pace is learnt within a few months (`flow_learning_per_month`, below) "
            f"and stops being news. If\nevery slice stayed a surprise it would peak at {q['unannounced_peak']:.1f} bp "
            f"(ratio {q['ratio_unannounced']:.2f})")


# ---- the stability targets (sustained selling; fiscal-slippage against the published elasticities)
@lru_cache(maxsize=1)
def _slippage() -> dict:
    """fiscal-slippage as the stability target runs it: the median 10y deviation at the target month and its
    parts (bp), and the projected debt/GDP deviation (pp) with the interest on the premia's own debt."""
    from treasurylab.params import load_params
    from treasurylab.report.doc_numbers.validation_stability import slippage_ds
    from treasurylab.scenario.targets import stability as S

    ds = slippage_ds()      # the same run as the section's tables
    i = month_labels(ds["month"]).index(S.MONTH)

    def med(v: str) -> float:
        return float(np.median(ds[v].values[:, i]))

    debt = (med("debt_gdp") - float(ds["base_debt_gdp"].values[i])) * 100.0
    deficit = (med("deficit_gdp") - float(ds["base_deficit_gdp"].values[i])) * 100.0
    years = float(load_params("coupled")["projection_years"])
    return {"p50": (med("y10") - float(ds["base_y10"].values[i])) * 1e4, "policy": med("expected_short_dev") * 1e4,
            "flow": med("flow_premium") * 1e4, "projected_pp": debt + years * deficit}


def stability_temp_share() -> str:
    from treasurylab.scenario.targets.stability import sustained_selling

    return f"model {sustained_selling()['share_temp_24m']:.2f}"


def stability_first_round() -> str:
    from treasurylab.scenario.targets.stability import MONTH, first_round

    fr = first_round()
    (lo, hi), (blo, bhi) = fr["range_bp"], fr["band_bp"]
    return (f"+{fr['debt_pp']:.1f} pp of debt and +{fr['deficit_pp']:.2f} pp of deficit in {MONTH[:4]}, so "
            f"{fr['debt_pp']:.1f} + {fr['projection_years']:g} x {fr['deficit_pp']:.2f} = {fr['projected_pp']:.1f} pp "
            f"and a range of **{lo:.0f}-{hi:.0f} bp**. The pass band is half the lower to 1.5 times the upper end "
            f"(**{blo:.0f}-{bhi:.0f} bp**)")


def stability_second_round() -> str:
    from treasurylab.scenario.targets.stability import MONTH, first_round

    sl, year = _slippage(), MONTH[:4]
    return (f"the interest on the premium's own debt (projected debt {sl['projected_pp']:+.0f} pp instead of "
            f"{first_round()['projected_pp']:+.0f} pp by {year}), fiscal-stress selling by foreign holders priced "
            f"through the stock and flow premia ({sl['flow']:+.0f} bp), and the policy rate easing as the output "
            f"gap falls ({sl['policy']:+.0f} bp)")


def stability_model() -> str:
    from treasurylab.scenario.targets.stability import first_round

    v = _slippage()["p50"]
    blo, bhi = first_round()["band_bp"]
    return f"Model: **{v:+.0f} bp** ({'pass' if blo <= v <= bhi else 'fail'})"


# ---- the March 2020 replay (market block alone, daily steps)
# the days the table shows; the observed and model peaks, the first purchase and the last day are always added
MARCH_2020_DAYS = ("2020-03-10", "2020-03-13", "2020-03-17", "2020-03-18", "2020-03-19", "2020-03-20",
                   "2020-03-23", "2020-03-24", "2020-03-25", "2020-03-27", "2020-03-31")
_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


@lru_cache(maxsize=2)
def _march(learning: bool = True) -> dict:
    """The replay over the observed days (DGS10 9-31 March 2020), with or without the learned pace."""
    from treasurylab.scenario.targets.market import march_2020, observed_march_2020

    dates, obs = observed_march_2020()
    kw = {} if learning else {"flow_learning_per_month": 0}
    m = march_2020(days=len(dates), **kw)
    return {"dates": dates, "obs_bp": 100.0 * (np.array(obs) - obs[0]), **m}


def _market_params():
    from treasurylab.scenario.targets.market import market_params_with

    return market_params_with()[0]


def _day_cap_bn() -> float:
    """The most the backstop buys in one trading day (pace x 21 x dt, dt = 1/21 month)."""
    return float(_market_params()["backstop_pace_bn_per_day"])


def _short(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%d %b").lstrip("0")


def _long(day: str) -> str:
    return dt.date.fromisoformat(day).strftime("%d %B").lstrip("0")


def _bn(v: float) -> str:
    return f"${v:,.0f}bn" if abs(v - round(v)) < 0.05 else f"${v:,.1f}bn"


def march_2020_table() -> str:
    """Observed DGS10 change, model 10y deviation and the Fed's purchases, day by day, with what happens."""
    from treasurylab.scenario.targets.market import MARCH_2020_SALE_DAYS

    m, cap = _march(), _day_cap_bn()
    dates, obs, y10, fed = m["dates"], m["obs_bp"], m["y10_bp"], m["fed_bn"]
    binds = fed >= cap - 1e-9
    i_obs, i_mod, first = int(np.argmax(obs)), int(np.argmax(y10)), m["backstop_day"]
    i_bind = int(np.argmax(binds)) if binds.any() else None
    # the first purchase below the pace once it has bound: the premium is back at the exit level
    after = [i for i in range(len(dates)) if 0 < fed[i] < cap - 1e-9 and (i_bind is None or i > i_bind)]
    i_exit = after[0] if after else None
    shown = sorted({dates.index(d) for d in MARCH_2020_DAYS if d in dates}
                   | {i_obs, i_mod, len(dates) - 1} | ({first} if first < len(dates) else set()))
    still = next((i for i in shown if i_exit is not None and i > i_exit and 0 < fed[i] < cap - 1e-9), None)
    lines = ["| date | observed 10y change since 9 Mar (DGS10) | model 10y deviation | model Fed purchases |",
             "|---|---|---|---|"]
    for i in shown:
        o = f"{obs[i]:+.0f} bp"
        o = f"**{o}** (peak)" if i == i_obs else o
        y = f"{y10[i]:+.1f} bp"
        if i == i_mod:
            y = f"**{y}** (peak{'; the episode opens' if i == first - 1 else ''})"
        elif i == first - 1:
            y += " (the episode opens)"
        elif i == i_exit:
            y += " (exit level reached)"
        f = "0" if fed[i] <= 0 else _bn(float(fed[i]))
        if i == i_bind:
            f += " (the pace binds)"
        elif i == still and i < MARCH_2020_SALE_DAYS:
            f += " (the foreign sales still coming, less the part now expected)"
        elif fed[i] <= 0 and i >= MARCH_2020_SALE_DAYS and i == len(dates) - 1:
            f += " (sales over; the premium decays on its own)"
        lines.append(f"| {_short(dates[i])} | {o} | {y} | {f} |")
    return "\n".join(lines)


def march_2020_setup() -> str:
    """The replay's foreign sales (scenario/targets/market.py) as the set-up states them."""
    from treasurylab.scenario.targets.market import MARCH_2020_SALE_DAYS, MARCH_2020_SALES_BN

    d = _march()["dates"]
    return (f"foreign net sales of ${MARCH_2020_SALES_BN:,.2f}bn (TIC's record for March 2020) spread evenly over "
            f"the {MARCH_2020_SALE_DAYS} trading days {_long(d[0]).split()[0]}-{_long(d[MARCH_2020_SALE_DAYS - 1])}")


def backstop_rule_params() -> str:
    p = _market_params()
    return (f"an episode opens when the flow-driven 10y premium passes {float(p['backstop_trigger_bp']):g} bp; from the "
            f"next step the Fed buys what brings it back to the {float(p['backstop_exit_bp']):g} bp exit level, at most "
            f"{_bn(float(p['backstop_pace_bn_per_day']))} a trading day and {_size(float(p['backstop_size_bn']))} per episode")


def _size(bn: float) -> str:
    return f"${bn / 1000:g}T" if bn >= 1000 else _bn(bn)


def backstop_rule() -> str:
    """The rule as implemented in model/market.py, with the parameters' values (an indented code block)."""
    p = _market_params()
    trig, ex = float(p["backstop_trigger_bp"]), float(p["backstop_exit_bp"])
    pace, size, rearm = float(p["backstop_pace_bn_per_day"]), float(p["backstop_size_bn"]), float(p["backstop_rearm_months"])
    months = f"{rearm:g} month" + ("" if rearm == 1 else "s")
    return (f"\n    episode opens   when x = tp_temp_10y > {trig:g} bp and none is open (cap {_size(size)}; buying from "
            "the next step)\n"
            f"    while open      F = clip(flow - I10^-1(exit - rho^dt x), 0, min({_bn(pace)} x 21 x dt, cap left))\n"
            f"    episode closes  after {months} with x <= {ex:g} bp without purchases; the next crossing gets a "
            "fresh cap\n")


def march_2020_peaks() -> str:
    m = _march()
    return f"model {m['peak_before_bp']:+.0f} bp, observed {float(m['obs_bp'].max()):+.0f} bp"


def march_2020_reversal() -> str:
    """The model's fall within five trading days of the first purchase (the target's measure) and the
    observed fall from its peak to its lowest close in the five trading days after it."""
    m = _march()
    obs, dates = m["obs_bp"], m["dates"]
    i = int(np.argmax(obs))
    j = i + 1 + int(np.argmin(obs[i + 1: i + 6]))
    return (f"model {-m['reversal_bp']:+.0f} bp within five trading days of the first purchase; observed "
            f"{obs[j] - obs[i]:+.0f} bp from {_long(dates[i]).split()[0]} to {_long(dates[j])}")


def march_2020_learning() -> str:
    p = _market_params()
    kappa = float(p["flow_learning_per_month"])
    daily = 1.0 - (1.0 - kappa) ** (1.0 / 21.0)
    m, q = _march(True), _march(False)
    return (f"kappa = {kappa:g} a month is {100 * daily:.1f}% a trading day), which trims the peak by "
            f"{float(q['y10_bp'].max() - m['y10_bp'].max()):.1f} bp and the Fed's purchases by "
            f"{_bn(round(float(q['fed_bn'].sum() - m['fed_bn'].sum())))}")


def march_2020_fed() -> str:
    m, cap = _march(), _day_cap_bn()
    n = int((m["fed_bn"] >= cap - 1e-9).sum())
    days = _WORDS[n] if n < len(_WORDS) else str(n)
    return f"The Fed buys {_bn(round(float(m['fed_bn'].sum())))} in all: {days} day{'' if n == 1 else 's'} at the {_bn(cap)} pace"


def march_2020_end() -> str:
    m = _march()
    month = dt.date.fromisoformat(m["dates"][-1]).strftime("%B")
    return f"the model ends {month} at {float(m['y10_bp'][-1]):+.1f} bp against {float(m['obs_bp'][-1]):+.0f} bp observed"


# ---- the Davos 2026 check (scenario davos-2026, the threat channel; scenario/targets/episodes.py)
DAVOS_PATHS, DAVOS_MONTH = 400, "2026-12"
OLD_THREAT_WEIGHT = 1.0   # coupled.reserves_threat_weight before the check (a threat counted as a freeze)
_PBOC = "People's Bank of China"
# table rows: (label, what is switched off) - None is the scenario as it stands
_CHANNELS = (
    ("none", None),
    ("reserve managers (`coupled.reserves_threat_weight` = 0)", "reserves"),
    ("trust (`coupled.threat_distrust` = 0)", "trust"),
    ("rivals' provocation (deterrence of {rivals} = 0)", "rivals"),
    ("the threat itself", "threat"),
)


def _davos_scenario(weight: float | None = None, off: str | None = None):
    """davos-2026 without the world shocks (its own response, as the episode targets measure it), with
    ``coupled.reserves_threat_weight`` = ``weight`` (None: the parameter file's) and one channel off."""
    from treasurylab.params import load_params
    from treasurylab.scenario.spec import load_scenario

    sc = load_scenario("davos-2026")
    ov = {b: dict(v) for b, v in sc.overrides.items()}
    ov["shocks"] = {"enabled": False}
    if weight is not None:
        ov.setdefault("coupled", {})["reserves_threat_weight"] = weight
    if off == "reserves":
        ov.setdefault("coupled", {})["reserves_threat_weight"] = 0.0
    elif off == "trust":
        ov.setdefault("coupled", {})["threat_distrust"] = 0.0
    elif off == "rivals":   # the agents a threat provokes (deterrence < 0) no longer answer it
        det = dict(load_params("holders")["deterrence"])
        ov.setdefault("holders", {})["deterrence"] = {k: (0.0 if v < 0 else v) for k, v in det.items()}
    sc = sc.with_(overrides=ov)
    if off == "threat":
        sc = sc.with_(events=[e for e in sc.events if e.type != "threat"])
    return sc


@lru_cache(maxsize=16)
def _davos(weight: float | None = None, off: str | None = None) -> dict:
    """Median and p95 of the 10y deviation (bp) in Dec 2026 and January, the trust and flow premia (bp,
    medians), and the cascade share, over ``DAVOS_PATHS`` paths of the scenario's seed."""
    from treasurylab.params import load_params
    from treasurylab.scenario.runner import run

    ds = run(_davos_scenario(weight, off), paths=DAVOS_PATHS, workers=1).ds
    months = month_labels(ds["month"])
    i = months.index(DAVOS_MONTH)
    dev = (ds["y10"].values - ds["base_y10"].values[None, :]) * 1e4
    psi10 = float(load_params("market")["trust_bp"]["10y"])
    trust_bp = psi10 * (1.0 - ds["trust"].values)
    return {"p50": float(np.median(dev[:, i])), "p95": float(np.percentile(dev[:, i], 95)),
            "jan_p50": float(np.median(dev[:, 0])),
            "trust_jan": float(np.median(trust_bp[:, 0])), "trust_dec": float(np.median(trust_bp[:, i])),
            "flow_dec": float(np.median(ds["flow_premium"].values[:, i]) * 1e4),
            "cascade_p50": float(np.median(ds["cascade_share"].values)),
            "cascade_p95": float(np.percentile(ds["cascade_share"].values, 95)), "seed": int(ds.attrs["seed"])}


def _rivals() -> str:
    """The agents a threat provokes (deterrence < 0 in holders.yaml), as the page names them."""
    from treasurylab.params import load_params

    names = [k.removesuffix(", Mainland") for k, v in load_params("holders")["deterrence"].items() if v < 0]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _weight() -> float:
    from treasurylab.params import load_params

    return float(load_params("coupled")["reserves_threat_weight"])


def _threat() -> tuple[float, int]:
    """The Davos threat's strength and length in months (scenarios/davos-2026.yaml)."""
    from treasurylab.scenario.spec import load_scenario

    (e,) = [e for e in load_scenario("davos-2026").events if e.type == "threat"]
    return float(e.strength), int(e.months)


def _reserves_at(weight: float, months: int) -> dict:
    """The reserves block alone on davos-2026's signal with threat weight ``weight`` (deterministic given
    the signal, as scenario/targets/episodes.py runs it): the PBoC's tonnes in the first two months and
    the managers' Treasury sales (USD bn) in each of the first ``months`` months."""
    from treasurylab.model import reserves as R
    from treasurylab.scenario.setup import prepare

    S = prepare(_davos_scenario(weight))
    rs = R.init_reserves(S.rp, 1)
    j = list(S.rp.names).index(_PBOC)
    pboc, sales = 0.0, []
    for t in range(max(months, 2)):
        o = R.reserves_step(S.rp, rs, signal=S.res_signal[t])
        pboc += float(o.buy_t[0, j]) if t < 2 else 0.0
        sales.append(float(o.treasury_sales_bn.sum()))
    return {"pboc_2m": pboc, "sales": sales[:months]}


def _pm(v: float, digits: int = 1) -> str:
    return f"{v:+.{digits}f} bp"


def davos_setup() -> str:
    d = _davos()
    return (f"{DAVOS_PATHS} paths, seed {d['seed']}, without the world shocks as in the target, switching one "
            "channel off at a time")


def davos_channel_table() -> str:
    """The median (and where it differs, the p95) 10y deviation in Dec 2026 with one channel switched off,
    at the old threat weight and at today's."""
    w = _weight()
    lines = [f"| channel switched off | weight {OLD_THREAT_WEIGHT:g} (before the check) | weight {w:g} (now) |",
             "|---|---|---|"]
    for label, off in _CHANNELS:
        label = label.format(rivals=_rivals())
        cells = []
        for weight in (OLD_THREAT_WEIGHT, None):
            r, base = _davos(weight, off), _davos(weight)
            cell = _pm(r["p50"])
            if off == "rivals" and abs(r["p50"] - base["p50"]) < 0.05:
                cell += f" (only the p95 band changes: {_pm(base['p95'])} -> {_pm(r['p95'])})"
            cells.append(cell)
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def davos_old_weight() -> str:
    return (f"with weight {OLD_THREAT_WEIGHT:g} in today's model the median is {_pm(_davos(OLD_THREAT_WEIGHT)['p50'])}, "
            f"and {_pm(_davos()['p50'])} with today's weight {_weight():g}")


def davos_reserve_channel() -> str:
    """Why the reserve managers carried the median at the old weight: the signal, the extra gold and the
    Treasuries sold to pay for it (the reserves block alone on the scenario's signal)."""
    strength, months = _threat()
    sig = strength * OLD_THREAT_WEIGHT
    sales = _reserves_at(OLD_THREAT_WEIGHT, months)["sales"]
    lo, hi = min(sales), max(sales)
    amount = f"about ${lo:,.0f}bn" if round(lo) == round(hi) else f"about ${lo:,.0f}-{hi:,.0f}bn"
    return (f"with weight {OLD_THREAT_WEIGHT:g} a threat of strength {strength:g} counted as {sig:g} of a freeze, so "
            f"every path's PBoC and other central banks moved {100 * sig:.0f}% of the way from their fitted paces to "
            f"their record ones and sold Treasuries to fund it ({amount} a month, every month for {_months(months)})")


def davos_at_rest() -> str:
    """What a steady $1bn a month of surprise selling holds in the 10y's transitory premium at rest (market
    block alone, backstop off), every dollar a surprise and with the learned pace."""
    from treasurylab.model.market import BP, I10, run_market_path
    from treasurylab.scenario.targets.market import market_params_with

    at_rest = []
    for kw in ({"flow_learning_per_month": 0}, {}):
        ps, mp = market_params_with(backstop_on=0, **kw)
        o = run_market_path(mp, ps["reference_gdp_bn"], 240, surprise_flow_bn=np.ones(240))
        at_rest.append(float(o["tp_temp"][-1, 0, I10] / BP))
    return f"a steady surprise flow of $1bn a month was worth ~{at_rest[0]:.0f} bp at rest; learnt, {at_rest[1]:.1f} bp"


def davos_flow_premium() -> str:
    return (f"the flow premium is {_pm(_davos(OLD_THREAT_WEIGHT)['flow_dec'])} at end-2026 at weight "
            f"{OLD_THREAT_WEIGHT:g}, {_pm(_davos()['flow_dec'])} at {_weight():g}")


def _months(n: int) -> str:
    return "a year" if n == 12 else f"{n} months"


def davos_rivals() -> str:
    base, r = _davos(OLD_THREAT_WEIGHT), _davos(OLD_THREAT_WEIGHT, "rivals")
    return (f"switched off, the median is unchanged and the p95 of the 10y falls from {_pm(base['p95'])} to "
            f"{_pm(r['p95'])} at weight {OLD_THREAT_WEIGHT:g}")


def davos_trust_term() -> str:
    from treasurylab.params import load_params

    strength, _ = _threat()
    k = float(load_params("coupled")["threat_distrust"])
    psi = float(load_params("market")["trust_bp"]["10y"])
    return f"{strength * k * psi:.1f} bp in January ({strength:g} x {k:g} x {psi:g} bp)"


def davos_now() -> str:
    """The scenario as calibrated: the median 10y deviation in Dec 2026 and its parts (medians, bp)."""
    d = _davos()
    rest = d["p50"] - d["trust_dec"] - d["flow_dec"]
    return (f"**{_pm(d['p50'])}** at end-2026 ({_pm(d['trust_dec'])} of trust, recovering from {_pm(d['trust_jan'])} "
            f"in January; {_pm(d['flow_dec'])} of flow premium, {_pm(rest)} from the rest, the fiscal premium and the "
            "expected policy path")


def davos_tails() -> str:
    d = _davos()
    return (f"the p95 band is {_pm(d['p95'])} at end-2026 (paths where China or a peer group tips), and the p95 of "
            f"the share of foreign official holdings sold within 24 months is {100 * d['cascade_p95']:.1f}% against a "
            f"median of {100 * d['cascade_p50']:.1f}%")


def davos_pboc_now() -> str:
    from treasurylab.scenario.targets.episodes import observed_pboc

    pb, v = observed_pboc(), _reserves_at(_weight(), 2)["pboc_2m"]
    verdict = "pass" if pb["lo"] <= v <= pb["hi"] else "fail"
    return f"The PBoC target gives {v:.1f} t ({verdict})"


def davos_window_band() -> str:
    from treasurylab.scenario.targets.episodes import observed_event_window

    return f"**+-{2.0 * observed_event_window()['sd5_bp']:.0f} bp**"


def davos_january() -> str:
    """The event-window target's model value (scenario/targets/episodes.py, its own run) and verdict."""
    from treasurylab.scenario.targets.episodes import davos_run, observed_event_window

    ew, v = observed_event_window(), float(davos_run()["dev_p50"][0])
    tol = 2.0 * ew["sd5_bp"]
    verdict = "pass" if abs(v - ew["change_bp"]) <= tol else "fail"
    return f"{_pm(v)} ({verdict})"


def davos_pboc_band() -> str:
    from treasurylab.scenario.targets.episodes import observed_pboc

    pb = observed_pboc()
    return f"**{pb['lo']:.1f}-{pb['hi']:.1f} t**"


def davos_pboc_old_weight() -> str:
    """The PBoC's Jan-Feb 2026 tonnes at the old weight, and the largest weight the band allows (the PBoC's
    purchases grow with the weight: bisection on the reserves block alone)."""
    from treasurylab.scenario.targets.episodes import observed_pboc

    pb = observed_pboc()
    hi = pb["hi"]
    old = _reserves_at(OLD_THREAT_WEIGHT, 2)["pboc_2m"]
    verdict = "pass" if pb["lo"] <= old <= hi else "fail, and tested to fail"
    lo_w, hi_w = 0.0, OLD_THREAT_WEIGHT
    for _ in range(20):
        mid = 0.5 * (lo_w + hi_w)
        lo_w, hi_w = (mid, hi_w) if _reserves_at(mid, 2)["pboc_2m"] <= hi else (lo_w, mid)
    return (f"With weight {OLD_THREAT_WEIGHT:g} the model's PBoC buys {old:.0f} t in those two months ({verdict}); "
            f"the band bounds the weight at about {lo_w:.1f}")


def davos_weight_change() -> str:
    return f"`coupled.reserves_threat_weight` {OLD_THREAT_WEIGHT:.1f} -> **{_weight():g}**"


SECTIONS = {
    "val-stability-temp-share": stability_temp_share,
    "val-stability-first-round": stability_first_round,
    "val-stability-second-round": stability_second_round,
    "val-stability-model": stability_model,
    "val-market-estimates": estimates_table,
    "val-market-pace": pace_paragraph,
    "val-davos-setup": davos_setup,
    "val-davos-channels": davos_channel_table,
    "val-davos-old-weight": davos_old_weight,
    "val-davos-reserve-channel": davos_reserve_channel,
    "val-davos-at-rest": davos_at_rest,
    "val-davos-flow-premium": davos_flow_premium,
    "val-davos-rivals": davos_rivals,
    "val-davos-window-band": davos_window_band,
    "val-davos-january": davos_january,
    "val-davos-pboc-band": davos_pboc_band,
    "val-davos-pboc-old-weight": davos_pboc_old_weight,
    "val-davos-trust-term": davos_trust_term,
    "val-davos-now": davos_now,
    "val-davos-tails": davos_tails,
    "val-davos-pboc-now": davos_pboc_now,
    "val-davos-weight-change": davos_weight_change,
    "val-march2020-table": march_2020_table,
    "val-march2020-setup": march_2020_setup,
    "val-backstop-rule-params": backstop_rule_params,
    "val-backstop-rule": backstop_rule,
    "val-march2020-peaks": march_2020_peaks,
    "val-march2020-reversal": march_2020_reversal,
    "val-march2020-learning": march_2020_learning,
    "val-march2020-fed": march_2020_fed,
    "val-march2020-end": march_2020_end,
}
