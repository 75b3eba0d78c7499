"""Numbers of docs/validation.md's rare-earth part, computed by the minerals block: the stage-share targets
and the replay of the 2025 controls (``scenario/targets/minerals.py``, which runs both once), the shipped
minerals scenarios (``model.minerals.simulate_scenario``) and the 180-day answer
(``model.minerals.answer_180_days``, as ``treasurylab minerals --answer-180`` prints it). A few seconds in
all."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

# target id -> (row label, reference as the page states it, source as the page cites it)
_SHARES = {
    "minerals.china_share.mining.2024": ("China, mining 2024", "69%",
                                         "USGS MCS 2025: 270 of 390 kt REO (calibration.md s7.1)"),
    "minerals.china_share.separation.2024": ("China, separation 2024", "~91%",
                                             "IEA commentary, 23 Oct 2025 (s7.1)"),
    "minerals.china_share.magnet.2024": ("China, NdFeB magnets 2024", "~94%", "IEA commentary, 23 Oct 2025 (s7.1)"),
    "minerals.china_share.mining.2030": ("China, mining 2030", "54%", "IEA GCMO 2024 outlook (s7.1)"),
    "minerals.china_share.separation.2030": ("China, refining 2030", "77%", "IEA GCMO 2024 outlook (s7.1)"),
}
# target id -> (row label, what was observed as the page states it, how the model value is written)
_REPLAY = {
    "minerals.replay.magnet_exports_yoy.2025-05": ("Chinese magnet exports, May 2025 vs May 2024",
                                                   "-74% (1,238 t)", "pct"),
    "minerals.replay.dy_ex_china_peak": ("Peak ex-China Dy price, Apr-Dec 2025",
                                         "nearly 3x within a month ($850/kg by 1 May); ~3x in late Nov", "x"),
    "minerals.replay.tb_ex_china_peak": ("Peak ex-China Tb price, Apr-Dec 2025",
                                         "$965 -> $3,000/kg by May (3.1x); ~4x in late Nov", "x"),
    "minerals.replay.dy_china_change": ("Chinese domestic Dy price change", "flat (SMM)", "pct"),
}
SCENARIOS = ("rare-earth-180-days", "rare-earth-cutoff")
SHORTFALL_REGIONS = ("US", "EU", "Japan", "Korea")   # the named economies outside China
MISS_MONTH = "2025-11"                                # the "known miss": prices in late 2025
_STAGE_WORDS = {"mining": "at the mine", "separation": "at separation", "heavy_separation": "for Dy/Tb",
                "metal": "at metal/alloy", "magnet": "at magnet making"}
_STAGE_NAMES = {"mining": "mining", "separation": "separation", "heavy_separation": "heavy separation",
                "metal": "metal", "magnet": "magnets"}


@lru_cache(maxsize=1)
def _targets() -> dict:
    from treasurylab.scenario.targets.minerals import targets

    return {t.id: t for t in targets()}


def _inputs():
    from treasurylab.params.minerals_inputs import build

    return build()


def _replay():
    from treasurylab.scenario.targets.minerals import calibration_runs

    return calibration_runs()[1]


def _pct(v: float, digits: int = 1) -> str:
    return f"{100 * v:.{digits}f}%"


def _month(ym: str) -> str:
    return dt.date.fromisoformat(ym + "-01").strftime("%b %Y")


def shares_table() -> str:
    lines = ["| Target | Model | Reference | Tolerance | Source |", "|---|---|---|---|---|"]
    for tid, (label, ref, src) in _SHARES.items():
        t = _targets()[tid]
        tol = 100 * (t.upper - t.lower) / 2
        lines.append(f"| {label} | {_pct(t.model_value)} | {ref} | ±{tol:.0f} pp | {src} |")
    return "\n".join(lines)


def _signed_pct(v: float) -> str:
    s = f"{100 * v:+.1f}%"
    return "0%" if abs(100 * v) < 0.05 else s


def _x(v: float) -> str:
    return f"{v:.1f}x"


def replay_table() -> str:
    lines = ["| Target | Model | Observed | Accepted range |", "|---|---|---|---|"]
    for tid, (label, observed, kind) in _REPLAY.items():
        t = _targets()[tid]
        if kind == "pct":
            model = _signed_pct(t.model_value)
            rng = (f"±{100 * t.upper:.0f}%" if abs(t.lower + t.upper) < 1e-12
                   else f"{100 * t.lower:.0f}% .. {100 * t.upper:.0f}%")
        else:
            model, rng = _x(t.model_value), f"{t.lower:g}x .. {t.upper:g}x"
        lines.append(f"| {label} | {model} | {observed} | {rng} |")
    return "\n".join(lines)


def replay_licensed_share() -> str:
    return f"{_inputs().p['licence_share_initial']:g} of the pre-control flow"


def replay_elasticities() -> str:
    e = _inputs().p["price_elasticity"]
    return f"Dy ({e['dy']:.2f}) and Tb ({e['tb']:.2f})"


def replay_peaks() -> str:
    t = _targets()
    return (f"{_x(t['minerals.replay.dy_ex_china_peak'].model_value)} and "
            f"{_x(t['minerals.replay.tb_ex_china_peak'].model_value)}")


def replay_price_speed() -> str:
    return f"{100 * _inputs().p['price_adjust_speed']:.0f}%"


def replay_miss() -> str:
    r = _replay()
    i = r.months.index(MISS_MONTH)
    dy = r.prices["dy_ex_china"][i] / r.prices["dy_ex_china"][0]
    tb = r.prices["tb_ex_china"][i] / r.prices["tb_ex_china"][0]
    return f"Dy {_x(dy)}, Tb {_x(tb)} by {_month(MISS_MONTH)}"


def replay_quantities() -> str:
    """When the US and EU users' inventories run out and how large the ex-China shortfall becomes."""
    from treasurylab.model.minerals import CONSUMERS

    r = _replay()
    cover = [float(r.inventory_months[0, CONSUMERS.index(c)]) for c in ("US", "EU")]
    out = []
    for c in ("US", "EU"):
        j = CONSUMERS.index(c)
        hit = np.nonzero(r.inventory_months[:, j] <= 1e-9)[0]
        if hit.size:
            out.append(r.months[int(hit[0])])
    ex = [j for j, c in enumerate(CONSUMERS) if c != "China"]
    share = r.shortfall.sum(axis=2)[:, ex].sum(axis=1) / np.maximum(r.demand.sum(axis=2)[:, ex].sum(axis=1), 1e-9)
    first = int(np.nonzero(share > 0.005)[0][0]) if (share > 0.005).any() else None
    cov = (f"{cover[0]:g} months of cover in the US and EU" if cover[0] == cover[1]
           else f"{cover[0]:g} and {cover[1]:g} months of cover in the US and EU")
    ran = ("do not run out" if not out else
           f"run out by {_month(min(out))}" if min(out) == max(out) else
           f"run out by {_month(min(out))}-{_month(max(out))}")
    tail = ("and no shortfall follows" if first is None else
            f"and shortfalls follow from {_month(r.months[first])}, up to {_pct(float(share.max()), 0)} of "
            f"ex-China demand ({_month(r.months[int(np.argmax(share))])})")
    return f"users' inventories ({cov}, an assumption) {ran} {tail}"


def replay_settled() -> str:
    return f"{_inputs().p['licence_share_settled']['magnet']:g} for magnets"


@lru_cache(maxsize=2)
def _scenario(name: str) -> dict:
    from treasurylab.model.minerals import simulate_scenario
    from treasurylab.scenario.spec import load_scenario

    sc = load_scenario(name)
    return {"months": sc.horizon, **simulate_scenario(sc).summary()}


def _bn(v: float) -> str:
    return f"{v:.1f}" if abs(v) < 50 else f"{v:.0f}"


def scenarios_table() -> str:
    months = {_scenario(n)["months"] for n in SCENARIOS}
    horizon = f"{months.pop()} months" if len(months) == 1 else "the scenario's horizon"
    lines = [f"| Scenario | Peak shortfall (share of demand) | Output at risk (USD bn, {horizon}) | "
             "Lowest US output-gap contribution |", "|---|---|---|---|"]
    for n in SCENARIOS:
        s = _scenario(n)
        peak = ", ".join(f"{c} {100 * s['shortfall_peak_share'][c]:.0f}%" for c in SHORTFALL_REGIONS)
        risk = (f"Germany {_bn(s['germany_value_lost_bn'])}, Korea {_bn(s['value_lost_bn']['Korea'])}, "
                f"US {_bn(s['value_lost_bn']['US'])}")
        lines.append(f"| {n} | {peak} | {risk} | {s['us_output_gap_pp_min']:+.2f} pp |")
    return "\n".join(lines)


def answer_180() -> str:
    """The 180-day answer from 14 January 2026 (Proclamation 11001), without a scenario's own events."""
    from treasurylab.model.minerals import STAGES, answer_180_days

    a = answer_180_days(start="2026-01-14", days=180)
    day = dt.date.fromisoformat(a["date"])
    parts = [f"{100 * a['stage_only'][s]:.0f}% {_STAGE_WORDS[s]}" for s in STAGES]
    parts[0] = parts[0].replace("% ", "% of ex-China needs ", 1)
    chain = a["chain"]["magnet"]
    bound = a["binding_stage"] if a["binding_stage"] != "magnet" else None
    bound_text = f", bound by {_STAGE_NAMES[bound]}" if bound else ""
    return (f"by {day.day} {day:%B %Y} non-Chinese capacity could cover {', '.join(parts[:-1])} and {parts[-1]} "
            f"({100 * chain:.0f}% for a wholly non-Chinese chain{bound_text})")


SECTIONS = {
    "val-minerals-shares": shares_table,
    "val-minerals-replay": replay_table,
    "val-minerals-licensed-share": replay_licensed_share,
    "val-minerals-elasticities": replay_elasticities,
    "val-minerals-peaks": replay_peaks,
    "val-minerals-price-speed": replay_price_speed,
    "val-minerals-miss": replay_miss,
    "val-minerals-quantities": replay_quantities,
    "val-minerals-settled": replay_settled,
    "val-minerals-scenarios": scenarios_table,
    "val-minerals-answer-180": answer_180,
}
