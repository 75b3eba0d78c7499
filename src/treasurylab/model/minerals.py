"""Rare-earth chain: monthly allocation under export controls, inventories, prices and output at risk.

Public API (stable)::

    MineralsEvent(kind, start, end=None, params={})        one policy or supply event
    MineralsEvent.from_scenario(ev)                         from a scenario ``{type: minerals, action, date, params}``
    validate_events(events, inputs=None) -> list[MineralsEvent]   BadInput on unknown names / bad mixes
    simulate(inputs=None, events=(), start="2026-01", months=120) -> MineralsResult   (start from FIRST_MONTH)
    answer_180_days(inputs=None, events=(), start="2026-01-14", days=180) -> dict
    replay_2025(inputs=None) -> MineralsResult             the 2025 controls, from May 2024
    scenario_events(sc) / simulate_scenario(sc)             a scenario's minerals events (+ policy record) / its run
    allocate(inputs, capacity, demand, stock, ...) -> dict  one month's LP alone (for checks)
    chain_lp_magnets(inputs, month) -> float                magnets a wholly non-Chinese chain delivers (LP)
    policy_record_2025() -> list[MineralsEvent]             April 2025 licensing, Oct 2025 rules
                                                            (suspension assumed extended), DoD floor, Proclamation 11001
    EVENT_KINDS                                             kind -> accepted params
    REGIONS, CONSUMERS, STAGES, END_USES, PRODUCTS          index orders of every array

``inputs`` is :class:`treasurylab.params.minerals_inputs.MineralsInputs` (``build(overrides)``); None
means the defaults. The block is deterministic (no random draws): one path.

The chain (units per month; S stages x R producing regions; C consumer regions; U end uses)::

    mine i --ore[i,j]--> separation j --nd[j,k]--> metal k --mt[k,l]--> magnet maker l --mg[l,c]--> consumer c
                              |  heavy (Dy+Tb) --hv[j,l]-----------------------^

One linear programme per month (scipy ``linprog``, HiGHS). Constraints, with capacities K (t/month)::

    sum_j ore[i,j]            <= K_mining[i]
    f * sum_i ore[i,j]        <= K_sep[j]                 (f = NdPr content of ore, t NdPr per t REO)
    sum_k nd[j,k]             <= f * sum_i ore[i,j]       (NdPr out of separation)
    sum_l hv[j,l]             <= K_heavy[j]
    sum_l hv[j,l]             <= sum_i h_i * ore[i,j]     (h_i = Dy+Tb content of region i's ore)
    sum_l mt[k,l]             <= K_metal[k],   sum_l mt[k,l] <= sum_j nd[j,k]
    sum_c mg[l,c]             <= K_magnet[l]
    a_L * sum_c mg[l,c]       <= sum_k mt[k,l]            (a_L t NdPr per t magnet)
    a_H * sum_c mg[l,c]       <= sum_j hv[j,l] + th[l]    (a_H t Dy+Tb per t magnet; th = thrifting)
    th[l]                     <= (1 - heavy_min_share) * a_H * sum_c mg[l,c]
    sum_l mg[l,c] + draw[c] - restock[c] + sum_{u,s} short[c,u,s] >= D[c]
    0 <= draw[c] <= stock[c];  0 <= restock[c] <= need[c];  0 <= short[c,u,s] <= w_s * D[c,u]
    China -> d flows of a controlled product  <= licence share * reference flow(d) * demand growth

Objective (a modelling device, documented): shortages cost (10 + value per tonne of the end use, USD
m/t) x (1, 2, 4) over three segments (0-25%, 25-50%, 50-100% of demand), a convex cost that spreads
shortfalls across regions and protects high-value uses first; drawing a tonne of inventory costs 1
(so inventories go before output); thrifting a tonne of Dy+Tb (grain-boundary diffusion, lower
grades) costs 5, used only when heavies are short; restocking earns 0.5 (so stocks are rebuilt when supply allows,
never at the cost of a shortage); production costs 1e-3 per tonne outside China and 2e-3 in China,
and a cross-border shipment 5e-4, so price-taking non-China plants run first and China's quota system
is the swing supplier (as in 2024: China mines 270 of 390 kt). The reference flow per destination is
the solution of the same programme at the first month without any control.

Inventories (t): ``stock <- stock + restock - draw + releases``; ``need = min(restock_rate*D,
max(0, cover0*D - stock))``. Capacity: non-China = 2024 + projects ramping linearly after their start
(shifted by subsidies and by missing support); China = 2024 x (1 + headroom) x (1 + g)^years.
Demand: 2024 x (1 + demand_growth)^years.

Prices: for each product x in {ndpr, dy, tb, magnet} and market m in {China, outside China}, the fill
ratio phi (supply reaching users through current flows / their requirement) sets a target
``P* = P0 * min(cap, phi^(-1/eps_x))``; the price closes ``price_adjust_speed`` of the gap to P* per
month. Dy and Tb use the heavy fill, NdPr the NdPr fill, magnets the magnet fill; a price floor puts a
lower bound on the outside-China NdPr price; a US tariff raises the US magnet index by
``tariff * China's share of US supply`` and leaves quantities alone (qualifying a new magnet supplier
takes longer than the months a tariff decision is about). The elasticities are calibrated to 2025 (params file).

Output at risk: ``value_lost[c] = sum_u short[c,u] * value_per_tonne[u] * output_loss_share`` (USD
bn/month); Germany = EU x germany_share_of_eu. Link to macro: ``us_output_gap_pp[t] = -100 * coef *
va_share * 12 * value_lost[US, t] / GDP`` (pp of GDP, a per-month series the coupled runner adds to
the US output gap).

Non-China coverage of ex-China needs at stage s (reported each month and for the 180-day answer):
requirement ``req`` = ex-China magnet demand D_ex times a_L/f (mining), a_L (separation, metal), a_H
(heavies) or 1 (magnets); ``stage_only = K_nonChina[s] / req[s]``;
``chain`` limits each stage by the non-China stages upstream (mining -> separation -> metal -> magnet,
heavy from non-China ore, magnets limited by heavies at the thrifted content a_H*heavy_min_share),
i.e. what a fully non-Chinese chain could deliver; ``chain_lp_magnets`` cross-checks it with the LP.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from treasurylab.errors import BadInput, did_you_mean
from treasurylab.params.macro_inputs import ordinal_label
from treasurylab.params.minerals_inputs import (
    CONSUMER_OF,
    CONSUMERS,
    END_USES,
    REGIONS,
    STAGES,
    MineralsInputs,
    match_region,
    match_stage,
    month_ordinal,
)

__all__ = [
    "CONSUMERS",
    "END_USES",
    "EVENT_KINDS",
    "PRODUCTS",
    "REGIONS",
    "STAGES",
    "MineralsEvent",
    "MineralsResult",
    "allocate",
    "answer_180_days",
    "chain_lp_magnets",
    "policy_record_2025",
    "replay_2025",
    "scenario_events",
    "scenario_fields",
    "simulate",
    "simulate_scenario",
    "validate_events",
]

PRODUCTS = ("ndpr", "heavy", "metal", "magnet")
CN = REGIONS.index("China")
CN_C = CONSUMERS.index("China")
R, C, S, U = len(REGIONS), len(CONSUMERS), len(STAGES), len(END_USES)
SEGMENTS = np.array([0.25, 0.25, 0.5])      # shortage segments (fractions of demand)
SEG_MULT = np.array([1.0, 2.0, 4.0])        # convex shortage cost
COST_DRAW, REWARD_RESTOCK, COST_THRIFT = 1.0, 0.5, 5.0
COST_CN, COST_EX, COST_ROUTE = 2e-3, 1e-3, 5e-4
BIG = 1e12

# kind -> {param: (type, required)}; types: 'num', 'str', 'bool', 'date', 'names'
EVENT_KINDS: dict[str, dict[str, tuple[str, bool]]] = {
    "export_licence": {"products": ("names", False), "destinations": ("names", False), "share": ("num", False)},
    "export_ban": {"products": ("names", False), "destinations": ("names", False)},
    "extraterritorial": {"suspended_until": ("date", False), "extended": ("bool", False), "share": ("num", False)},
    "exemption": {"destinations": ("names", True), "products": ("names", False), "share": ("num", False)},
    "proclamation_232": {"outcome": ("str", False), "negotiation_days": ("num", False),
                         "tariff_rate": ("num", False), "floor_usd_kg": ("num", False)},
    "price_floor": {"level_usd_kg": ("num", False), "regions": ("names", False)},
    "subsidy": {"months": ("num", False), "regions": ("names", False), "stages": ("names", False)},
    "stockpile_release": {"region": ("str", True), "tonnes": ("num", False), "months": ("num", False)},
    "decouple": {"region": ("str", True), "share": ("num", True), "products": ("names", False)},
    "ally_delay": {"region": ("str", True), "months": ("num", True)},
    "new_capacity": {"region": ("str", True), "stage": ("str", True), "tonnes_per_year": ("num", True),
                     "ramp_months": ("num", False)},
}
#: the unit of each numeric parameter of a minerals event (and of ``months``, its duration or, for
#: ``subsidy``, ``stockpile_release`` and ``ally_delay``, the months of their own parameter): the words
#: of a scenario show every number with it; a fraction is shown as a percent
PARAM_UNITS: dict[str, str] = {
    "share": "%", "tariff_rate": "%", "negotiation_days": "days", "floor_usd_kg": "USD/kg",
    "level_usd_kg": "USD/kg", "months": "months", "tonnes": "t", "tonnes_per_year": "t/yr",
    "ramp_months": "months",
}
#: the block parameter (minerals.yaml) an event of a kind uses for a parameter it leaves out, by kind
#: and event parameter: the one home of those defaults, which the block reads (:func:`default_of`) and
#: a scenario's words show
EVENT_DEFAULTS: dict[str, dict[str, str]] = {
    "proclamation_232": {"negotiation_days": "negotiation_days", "tariff_rate": "tariff_rate",
                         "floor_usd_kg": "ndpr_floor_usd_kg"},
    "price_floor": {"level_usd_kg": "ndpr_floor_usd_kg"},
    "subsidy": {"months": "subsidy_lead_time_cut_months"},
    "extraterritorial": {"share": "extraterritorial_share"},
    "new_capacity": {"ramp_months": "new_capacity_ramp_months"},
}
KIND_ALIASES = {"licence": "export_licence", "license": "export_licence", "export_license": "export_licence",
                "export_control": "export_licence", "ban": "export_ban", "embargo": "export_ban",
                "proclamation": "proclamation_232", "proclamation_11001": "proclamation_232",
                "directive_180_days": "proclamation_232", "floor": "price_floor", "stockpile": "stockpile_release",
                "capacity": "new_capacity", "exemptions": "exemption"}
OUTCOMES = ("open", "agreement", "tariff", "tariff_and_agreement")
#: the products an event of these kinds covers when it names none
DEFAULT_PRODUCTS = {"export_licence": ("heavy", "magnet"), "export_ban": ("heavy", "magnet"),
                    "exemption": PRODUCTS, "decouple": PRODUCTS}


def canonical_kind(name: Any) -> str:
    """An event kind as written ('ban', 'Export-Licence') -> its name in :data:`EVENT_KINDS`
    (unknown names are returned normalised, for the caller to refuse)."""
    k = str(name).strip().lower().replace("-", "_").replace(" ", "_")
    return KIND_ALIASES.get(k, k)


def default_of(kind: str, key: str, p: Mapping[str, Any]) -> float:
    """The value the block uses for parameter ``key`` of an event of ``kind`` that leaves it out: the
    block parameter :data:`EVENT_DEFAULTS` names, from the resolved parameters ``p``."""
    return float(p[EVENT_DEFAULTS[canonical_kind(kind)][key]])


def product_list(value: Any, kind: str) -> list[str]:
    """The products (``PRODUCTS`` names) an event of ``kind`` covers: ``value`` as written ('heavy,
    magnets', 'all'), or the kind's default (:data:`DEFAULT_PRODUCTS`). BadInput for an unknown name."""
    return _products(_names(value), "products", DEFAULT_PRODUCTS.get(canonical_kind(kind), PRODUCTS))


# ------------------------------------------------------------------------------------------------
# Events
# ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MineralsEvent:
    """One policy or supply event. ``start``/``end``: 'YYYY-MM' or 'YYYY-MM-DD' (end exclusive, None = open).

    A dated event takes effect in the month of its date when the day is <= 15, else the next month.
    """

    kind: str
    start: str
    end: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_scenario(cls, ev: Any, index: int = 0) -> MineralsEvent:
        """From a scenario event ``{type: minerals, date, action, params}`` (object or dict), the
        block's event ``index`` (its errors name ``minerals.events[index]``).

        ``params`` may carry ``end`` (a date) or ``months`` (duration) besides the kind's parameters;
        lists may be written as comma-separated text ("US,EU,Japan")."""
        get = ev.get if isinstance(ev, Mapping) else (lambda k, d=None: getattr(ev, k, d))
        params = dict(get("params", None) or {})
        end = params.pop("end", None)
        kind = str(get("action", None) or get("kind", ""))
        # 'months' is the duration, except for the kinds whose own parameter it is (also by an alias)
        dur = params.get("months") if canonical_kind(kind) not in ("stockpile_release", "subsidy", "ally_delay") else None
        if dur is not None:
            params.pop("months")
        start = str(get("date", None) or get("start", ""))
        if end is None and dur is not None:
            o, _ = month_ordinal(start, f"minerals.events[{index}].date")
            # the same check as every other number of the block (a string or NaN is bad input)
            o += int(_num({"months": dur}, "months", f"minerals.events[{index}].params.months", 0, 1200,
                          whole=True))
            end = ordinal_label(o)
        return cls(kind, start, None if end is None else str(end), params)


def _names(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [x.strip() for x in v.split(",") if x.strip()]
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v]
    return [str(v)]


def _eff_month(date: str, field_name: str) -> int:
    o, d = month_ordinal(date, field_name)
    return o + (1 if d > 15 else 0)


@dataclass
class _Ev:
    kind: str
    t0: int            # first effective ordinal month
    t1: int            # first month no longer effective (BIG if open)
    p: dict[str, Any]
    label: str
    index: int = 0     # in the block's list (its errors name minerals.events[index])


def _dest_mask(names: list[str], field_name: str) -> tuple[np.ndarray, np.ndarray]:
    """(producing-region mask, consumer-region mask) for destination names; 'all' = all but China."""
    prod = np.zeros(R, bool)
    cons = np.zeros(C, bool)
    if not names or any(n.lower() in ("all", "all_ex_china", "world", "everyone") for n in names):
        prod[:] = True
        cons[:] = True
        prod[CN] = False
        cons[CN_C] = False
        return prod, cons
    for n in names:
        if n.lower() in ("allies", "us_and_allies", "g7"):
            for x in ("US", "EU", "Japan", "Korea"):
                prod[REGIONS.index(x)] = True
                cons[CONSUMERS.index(x)] = True
            prod[REGIONS.index("Australia")] = True
            continue
        r = match_region(n, field_name, REGIONS)
        if r == "China":
            raise BadInput("China cannot be a destination of China's own export controls", field=field_name,
                           got=n, fix="name foreign regions (e.g. 'US,EU,Japan,Korea' or 'all')")
        prod[REGIONS.index(r)] = True
        if r in CONSUMERS:
            cons[CONSUMERS.index(r)] = True
    return prod, cons


def _products(names: list[str], field_name: str, default: tuple[str, ...]) -> list[str]:
    if not names:
        return list(default)
    out = []
    for n in names:
        k = n.strip().lower()
        k = {"magnets": "magnet", "heavies": "heavy", "dy": "heavy", "tb": "heavy", "heavy_rare_earths": "heavy",
             "oxide": "ndpr", "light": "ndpr", "metals": "metal", "alloy": "metal"}.get(k, k)
        if k == "all":
            return list(PRODUCTS)
        if k not in PRODUCTS:
            raise BadInput("unknown product", field=field_name, got=n,
                           fix=did_you_mean(n, PRODUCTS) + " (products: " + ", ".join(PRODUCTS) + ")")
        out.append(k)
    return out


def event_months(ev: Any) -> tuple[int, int | None]:
    """(first month in effect, first month no longer in effect or None when open-ended) of one event
    (a scenario event, a mapping or a MineralsEvent), as ordinals (12 * year + month - 1): the window
    the block runs it over (a date after the 15th takes effect the next month)."""
    e = _compile_one(ev if isinstance(ev, MineralsEvent) else MineralsEvent.from_scenario(ev), 0)
    return e.t0, (None if e.t1 >= BIG else e.t1)


def validate_events(events: Iterable[Any], inputs: MineralsInputs | None = None) -> list[MineralsEvent]:
    """Check events (kinds, names, dates, numbers, and that the mix is coherent); return MineralsEvents."""
    out = []
    for i, ev in enumerate(events or ()):
        if not isinstance(ev, MineralsEvent):
            ev = MineralsEvent.from_scenario(ev, i)
        out.append(ev)
        _compile_one(ev, i)
    _check_mix([_compile_one(ev, i) for i, ev in enumerate(out)])
    return out


def _num(p: Mapping, key: str, field_name: str, lo: float | None = None, hi: float | None = None,
         whole: bool = False) -> float:
    """``p[key]`` as a finite number within ``lo``..``hi``; ``whole``: a count of months the block cuts to a
    whole number (a duration, a delay, a ramp; not a stockpile's months of demand, a quantity)."""
    v = p[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
        raise BadInput("must be a number", field=field_name, got=v, fix="write a plain number")
    v = float(v)
    if whole and not v.is_integer():
        # the block counts whole months: 2.5 was cut to 2 without a word
        raise BadInput("must be a whole number of months", field=field_name, got=v,
                       fix=f"write {math.floor(v):g} or {math.ceil(v):g}")
    if lo is not None and v < lo:
        raise BadInput(f"must be >= {lo:g}", field=field_name, got=v, fix=f"use a value >= {lo:g}")
    if hi is not None and v > hi:
        raise BadInput(f"must be <= {hi:g}", field=field_name, got=v, fix=f"use a value <= {hi:g}")
    return v


def _compile_one(ev: MineralsEvent, i: int) -> _Ev:
    base = f"minerals.events[{i}]"
    kind = canonical_kind(ev.kind)
    if kind not in EVENT_KINDS:
        raise BadInput("unknown minerals event kind", field=f"{base}.action", got=ev.kind,
                       fix=did_you_mean(str(ev.kind), EVENT_KINDS) + " (kinds: " + ", ".join(EVENT_KINDS) + ")")
    t0 = _eff_month(ev.start, f"{base}.date")
    t1 = BIG
    if ev.end is not None:
        t1 = _eff_month(ev.end, f"{base}.end")
        if t1 <= t0:
            raise BadInput("ends before it starts", field=f"{base}.end", got=ev.end,
                           fix=f"give an end after the start ({ev.start}), or drop it for an open-ended event")
    spec = EVENT_KINDS[kind]
    p = dict(ev.params or {})
    for k in p:
        if k not in spec:
            raise BadInput(f"unknown parameter for '{kind}'", field=f"{base}.params.{k}",
                           fix=did_you_mean(k, spec) + " (accepted: " + (", ".join(spec) or "none") + ")")
    for k, (_, req) in spec.items():
        if req and p.get(k) is None:
            raise BadInput(f"'{kind}' needs '{k}'", field=f"{base}.params.{k}", fix=f"add params: {{{k}: ...}}")
    f = f"{base}.params"
    q: dict[str, Any] = {}
    if kind in ("export_licence", "export_ban", "exemption"):
        q["products"] = _products(_names(p.get("products")), f"{f}.products", DEFAULT_PRODUCTS[kind])
        q["dest"] = _dest_mask(_names(p.get("destinations")), f"{f}.destinations")
        if kind == "export_ban":
            q["share"] = 0.0
        elif "share" in p:
            q["share"] = _num(p, "share", f"{f}.share", 0, 1)
        else:
            q["share"] = None if kind == "export_licence" else 1.0
    elif kind == "extraterritorial":
        q["share"] = _num(p, "share", f"{f}.share", 0, 1) if "share" in p else None
        if p.get("suspended_until") is not None and not bool(p.get("extended", False)):
            t0 = max(t0, _eff_month(str(p["suspended_until"]), f"{f}.suspended_until"))
        elif bool(p.get("extended", False)):
            t0 = BIG  # suspension extended beyond the run: the rules never bite
    elif kind == "proclamation_232":
        out = str(p.get("outcome", "open")).lower()
        if out not in OUTCOMES:
            raise BadInput("unknown outcome", field=f"{f}.outcome", got=out,
                           fix=did_you_mean(out, OUTCOMES) + " (open = nothing decided after the 180 days)")
        q["outcome"] = out
        q["days"] = _num(p, "negotiation_days", f"{f}.negotiation_days", 1, 3650) if "negotiation_days" in p else None
        q["tariff"] = _num(p, "tariff_rate", f"{f}.tariff_rate", 0, 5) if "tariff_rate" in p else None
        q["floor"] = _num(p, "floor_usd_kg", f"{f}.floor_usd_kg", 0, 10000) if "floor_usd_kg" in p else None
        q["date"] = str(ev.start)
    elif kind == "price_floor":
        q["level"] = _num(p, "level_usd_kg", f"{f}.level_usd_kg", 0, 10000) if "level_usd_kg" in p else None
        q["regions"] = _region_mask(_names(p.get("regions")), f"{f}.regions")
    elif kind == "subsidy":
        q["months"] = _num(p, "months", f"{f}.months", 0, 120, whole=True) if "months" in p else None
        q["regions"] = _region_mask(_names(p.get("regions")), f"{f}.regions")
        st = _names(p.get("stages"))
        q["stages"] = np.ones(S, bool) if not st or st == ["all"] else np.isin(
            np.arange(S), [STAGES.index(match_stage(s, f"{f}.stages")) for s in st])
    elif kind == "stockpile_release":
        q["c"] = CONSUMERS.index(match_region(p["region"], f"{f}.region", CONSUMERS))
        if ("tonnes" in p) == ("months" in p):
            raise BadInput("give exactly one of 'tonnes' or 'months' (of demand)", field=f"{f}",
                           fix="e.g. params: {region: US, months: 1}")
        q["tonnes"] = _num(p, "tonnes", f"{f}.tonnes", 0) if "tonnes" in p else None
        q["months"] = _num(p, "months", f"{f}.months", 0, 120) if "months" in p else None
    elif kind == "decouple":
        r = match_region(p["region"], f"{f}.region", CONSUMERS)
        if r == "China":
            raise BadInput("China cannot decouple from itself", field=f"{f}.region", got=p["region"],
                           fix="name a consumer region other than China")
        q["dest"] = _dest_mask([r], f"{f}.region")
        q["region"] = r
        q["share"] = _num(p, "share", f"{f}.share", 0, 1)
        q["products"] = _products(_names(p.get("products")), f"{f}.products", DEFAULT_PRODUCTS[kind])
    elif kind == "ally_delay":
        r = match_region(p["region"], f"{f}.region", REGIONS)
        if r == "China":
            raise BadInput("China is not an ally", field=f"{f}.region", got=p["region"], fix="name an allied region")
        q["region"] = r
        q["months"] = _num(p, "months", f"{f}.months", 0, 120, whole=True)
    elif kind == "new_capacity":
        q["r"] = REGIONS.index(match_region(p["region"], f"{f}.region"))
        q["s"] = STAGES.index(match_stage(p["stage"], f"{f}.stage"))
        q["tpy"] = _num(p, "tonnes_per_year", f"{f}.tonnes_per_year")
        if q["tpy"] < 0:
            raise BadInput("capacity must be >= 0", field=f"{f}.tonnes_per_year", got=q["tpy"],
                           fix="give the capacity added in t/yr (to remove capacity use an export ban or a capacity override)")
        # None: the block's default (new_capacity_ramp_months), read where the projects are started
        q["ramp"] = int(_num(p, "ramp_months", f"{f}.ramp_months", 0, 240, whole=True)) if "ramp_months" in p else None
    return _Ev(kind, t0, t1, q, f"{base} ({kind} {ev.start})", i)


def _region_mask(names: list[str], field_name: str) -> np.ndarray:
    m = np.zeros(R, bool)
    if not names or any(n.lower() in ("all", "allies", "partners", "all_ex_china") for n in names):
        m[:] = True
        m[CN] = False
        return m
    for n in names:
        r = match_region(n, field_name)
        if r == "China":
            raise BadInput("support for Chinese capacity is outside this block", field=field_name, got=n,
                           fix="name non-China regions")
        m[REGIONS.index(r)] = True
    return m


def _clash(evs: list[_Ev]) -> tuple[_Ev, _Ev, str, str] | None:
    """The first incoherent pair of events, as (the later event in the list, the earlier one, the
    problem, the fix), or None: two Proclamation 11001 events, or an export ban and an exemption that
    cover the same destination and product in the same months. The one home of that rule: the run's
    set-up (:func:`_check_mix`) and a scenario's load-time check (:func:`scenario_clash`) apply it."""
    procs = [e for e in evs if e.kind == "proclamation_232"]
    if len(procs) > 1:
        return (procs[1], procs[0], "infeasible policy mix: more than one Proclamation 11001 event",
                f"keep one proclamation_232 event and choose its outcome (the other: {procs[0].label})")
    bans = [e for e in evs if e.kind == "export_ban"]
    exs = [e for e in evs if e.kind == "exemption"]
    for b in bans:
        for x in exs:
            overlap_t = b.t0 < x.t1 and x.t0 < b.t1
            prods = set(b.p["products"]) & set(x.p["products"])
            dests = (b.p["dest"][0] & x.p["dest"][0]).any() or (b.p["dest"][1] & x.p["dest"][1]).any()
            if overlap_t and prods and dests:
                first, later = sorted((b, x), key=lambda e: e.index)
                return (later, first, "infeasible policy mix: an export ban and an exemption cover the same "
                        "destination and product in the same months",
                        f"end one before the other starts (the other: {first.label})")
    return None


def _check_mix(evs: list[_Ev]) -> None:
    """Reject incoherent policy mixes (:func:`_clash`) with one clear message naming the later event."""
    clash = _clash(evs)
    if clash is not None:
        later, _, problem, fix = clash
        raise BadInput(problem, field=later.label, fix=fix)


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------

@dataclass
class MineralsResult:
    """Monthly outputs (arrays with time first). Units: t per month unless stated."""

    months: list[str]
    production: np.ndarray          # (T, S, R)
    capacity: np.ndarray            # (T, S, R) t/month
    china_exports: np.ndarray       # (T, 4) by PRODUCTS
    deliveries: np.ndarray          # (T, C) magnets used (flows + inventory draws)
    demand: np.ndarray              # (T, C, U)
    shortfall: np.ndarray           # (T, C, U)
    inventory_months: np.ndarray    # (T, C) end of month, months of demand
    prices: dict[str, np.ndarray]   # name -> (T,)  USD/kg (oxides) or index (magnets)
    value_lost_bn: np.ndarray       # (T, C) USD bn per month
    germany_value_lost_bn: np.ndarray   # (T,)
    us_output_gap_pp: np.ndarray    # (T,) contribution to the US output gap, pp
    coverage_stage: np.ndarray      # (T, S) non-China capacity / ex-China requirement (capped at 1)
    coverage_chain: np.ndarray      # (T, S) limited by non-China upstream stages
    target_share: float
    events: list[MineralsEvent]
    solve_seconds: float
    lp_size: tuple[int, int]

    @property
    def china_share(self) -> np.ndarray:
        """(T, S) China's share of world output at each stage."""
        tot = self.production.sum(axis=2)
        return np.divide(self.production[:, :, CN], tot, out=np.full(tot.shape, np.nan), where=tot > 0)

    def months_to_target(self, share: float | None = None, kind: str = "chain") -> dict[str, int | None]:
        """Months from the first month until non-China coverage of ex-China needs reaches ``share``."""
        share = self.target_share if share is None else share
        cov = self.coverage_chain if kind == "chain" else self.coverage_stage
        out = {}
        for s, name in enumerate(STAGES):
            hit = np.nonzero(cov[:, s] >= share - 1e-9)[0]
            out[name] = int(hit[0]) if hit.size else None
        return out

    def mean_share(self, year: int) -> dict[str, float]:
        """China's share of world output by stage over one calendar year of the run."""
        idx = [i for i, m in enumerate(self.months) if m.startswith(f"{year:04d}-")]
        if not idx:
            raise BadInput("year outside the run", field="year", got=year,
                           fix=f"choose a year in {self.months[0][:4]}..{self.months[-1][:4]}")
        prod = self.production[idx].sum(axis=0)
        tot = prod.sum(axis=1)
        return {s: float(prod[i, CN] / tot[i]) if tot[i] > 0 else float("nan") for i, s in enumerate(STAGES)}

    def summary(self) -> dict[str, Any]:
        T = len(self.months)
        sh = self.shortfall.sum(axis=2)
        first, last = self.china_share[0], self.china_share[-1]
        return {
            "start": self.months[0], "months": T,
            "china_share_first_month": {s: float(first[i]) for i, s in enumerate(STAGES)},
            "china_share_last_month": {s: float(last[i]) for i, s in enumerate(STAGES)},
            "shortfall_total_t": {c: float(sh[:, j].sum()) for j, c in enumerate(CONSUMERS)},
            "shortfall_by_end_use_t": {u: float(self.shortfall[:, :, k].sum()) for k, u in enumerate(END_USES)},
            "shortfall_peak_share": {c: float(np.max(sh[:, j] / np.maximum(self.demand[:, j].sum(axis=1), 1e-9)))
                                     for j, c in enumerate(CONSUMERS)},
            "value_lost_bn": {c: float(self.value_lost_bn[:, j].sum()) for j, c in enumerate(CONSUMERS)},
            "germany_value_lost_bn": float(self.germany_value_lost_bn.sum()),
            "korea_value_lost_bn": float(self.value_lost_bn[:, CONSUMERS.index("Korea")].sum()),
            "us_output_gap_pp_min": float(self.us_output_gap_pp.min()),
            "price_peak": {k: float(v.max()) for k, v in self.prices.items()},
            "price_last": {k: float(v[-1]) for k, v in self.prices.items()},
            "months_to_target": self.months_to_target(),
            "target_share": self.target_share,
            "solve_seconds": self.solve_seconds,
        }

    def to_frame(self):
        """Long pandas DataFrame: month, variable, region, stage/end_use, value, unit."""
        import pandas as pd

        rows = []
        for t, m in enumerate(self.months):
            for s, st in enumerate(STAGES):
                for r, rg in enumerate(REGIONS):
                    rows.append((m, "production", rg, st, float(self.production[t, s, r]), "t/month"))
            for c, cg in enumerate(CONSUMERS):
                for u, eu in enumerate(END_USES):
                    rows.append((m, "shortfall", cg, eu, float(self.shortfall[t, c, u]), "t NdFeB/month"))
                rows.append((m, "inventory", cg, "", float(self.inventory_months[t, c]), "months of demand"))
                rows.append((m, "value_lost", cg, "", float(self.value_lost_bn[t, c]), "USD bn/month"))
            for k, v in self.prices.items():
                rows.append((m, "price", k, "", float(v[t]), "index" if k.startswith("magnet") else "USD/kg"))
            rows.append((m, "us_output_gap", "US", "", float(self.us_output_gap_pp[t]), "pp"))
            for p, pr in enumerate(PRODUCTS):
                rows.append((m, "china_exports", pr, "", float(self.china_exports[t, p]), "t/month"))
        return pd.DataFrame(rows, columns=["month", "variable", "region", "detail", "value", "unit"])


# ------------------------------------------------------------------------------------------------
# The linear programme (matrix built once per run, bounds and right-hand sides per month)
# ------------------------------------------------------------------------------------------------

class RoutingLP:
    """The monthly routing programme's matrix (mines -> separation -> metal -> magnets -> consumers),
    built once per run; each month sets its bounds and right-hand sides. ``A.shape`` is the size the
    docs quote."""

    def __init__(self, inp: MineralsInputs) -> None:
        from scipy import sparse

        f = float(inp.p["ndpr_content"])
        aL, aH = float(inp.p["ndpr_per_magnet"]), float(inp.p["heavy_per_magnet"])
        h = inp.heavy_content
        off = {}
        n = 0
        for name, size in (("ore", R * R), ("nd", R * R), ("hv", R * R), ("mt", R * R), ("mg", R * C),
                           ("draw", C), ("rest", C), ("th", R), ("short", C * U * 3)):
            off[name] = n
            n += size
        self.off, self.n = off, n
        rows, cols, vals = [], [], []
        row = 0

        def ore(i, j): return off["ore"] + i * R + j
        def nd(j, k): return off["nd"] + j * R + k
        def hv(j, l): return off["hv"] + j * R + l
        def mt(k, l): return off["mt"] + k * R + l
        def mg(l, c): return off["mg"] + l * C + c
        self.idx = {"ore": ore, "nd": nd, "hv": hv, "mt": mt, "mg": mg}

        def add(r, c_, v):
            rows.append(r)
            cols.append(c_)
            vals.append(v)

        self.r_mine = row
        for i in range(R):
            for j in range(R):
                add(row, ore(i, j), 1.0)
            row += 1
        self.r_sep = row
        for j in range(R):
            for i in range(R):
                add(row, ore(i, j), f)
            row += 1
        self.r_ndbal = row
        for j in range(R):
            for k in range(R):
                add(row, nd(j, k), 1.0)
            for i in range(R):
                add(row, ore(i, j), -f)
            row += 1
        self.r_hcap = row
        for j in range(R):
            for l in range(R):
                add(row, hv(j, l), 1.0)
            row += 1
        self.r_hbal = row
        for j in range(R):
            for l in range(R):
                add(row, hv(j, l), 1.0)
            for i in range(R):
                if h[i] > 0:
                    add(row, ore(i, j), -h[i])
            row += 1
        self.r_mcap = row
        for k in range(R):
            for l in range(R):
                add(row, mt(k, l), 1.0)
            row += 1
        self.r_mbal = row
        for k in range(R):
            for l in range(R):
                add(row, mt(k, l), 1.0)
            for j in range(R):
                add(row, nd(j, k), -1.0)
            row += 1
        self.r_gcap = row
        for l in range(R):
            for c in range(C):
                add(row, mg(l, c), 1.0)
            row += 1
        self.r_gL = row
        for l in range(R):
            for c in range(C):
                add(row, mg(l, c), aL)
            for k in range(R):
                add(row, mt(k, l), -1.0)
            row += 1
        self.r_gH = row
        for l in range(R):
            for c in range(C):
                add(row, mg(l, c), aH)
            for j in range(R):
                add(row, hv(j, l), -1.0)
            add(row, off["th"] + l, -1.0)
            row += 1
        # thrifting: at most (1 - heavy_min_share) of the heavy content can be saved
        thr = (1.0 - float(inp.p["heavy_min_share"])) * aH
        self.r_th = row
        for l in range(R):
            add(row, off["th"] + l, 1.0)
            for c in range(C):
                add(row, mg(l, c), -thr)
            row += 1
        self.r_dem = row
        for c in range(C):
            for l in range(R):
                add(row, mg(l, c), -1.0)
            add(row, off["draw"] + c, -1.0)
            add(row, off["rest"] + c, 1.0)
            for u in range(U):
                for s in range(3):
                    add(row, off["short"] + (c * U + u) * 3 + s, -1.0)
            row += 1
        self.m = row
        self.A = sparse.csr_matrix((vals, (rows, cols)), shape=(row, n))

        # costs
        cost = np.zeros(n)
        pc = np.where(np.arange(R) == CN, COST_CN, COST_EX)
        route = np.where(np.eye(R, dtype=bool), 0.0, COST_ROUTE)
        for i in range(R):
            for j in range(R):
                cost[ore(i, j)] = pc[i] + route[i, j]
                cost[nd(j, i)] = pc[j] + route[j, i]
                cost[hv(j, i)] = pc[j] + route[j, i]
                cost[mt(j, i)] = pc[j] + route[j, i]
        for l in range(R):
            for c in range(C):
                home = CONSUMER_OF[REGIONS[l]] == CONSUMERS[c]
                cost[mg(l, c)] = pc[l] + (0.0 if home else COST_ROUTE)
        cost[off["draw"]:off["draw"] + C] = COST_DRAW
        cost[off["rest"]:off["rest"] + C] = -REWARD_RESTOCK
        cost[off["th"]:off["th"] + R] = COST_THRIFT
        pen = 10.0 + inp.value_per_tonne
        for c in range(C):
            for u in range(U):
                for s in range(3):
                    cost[off["short"] + (c * U + u) * 3 + s] = pen[u] * SEG_MULT[s]
        self.cost = cost
        # China-origin export variables by product and destination (producing or consumer index)
        self.exp_vars = {
            "ndpr": [(k, nd(CN, k)) for k in range(R) if k != CN],
            "heavy": [(k, hv(CN, k)) for k in range(R) if k != CN],
            "metal": [(k, mt(CN, k)) for k in range(R) if k != CN],
            "magnet": [(c, mg(CN, c)) for c in range(C) if c != CN_C],
        }
        # China exports no ore or concentrate (it imports it): fixed upper bound 0
        self.ub0 = np.full(n, np.inf)
        for j in range(R):
            if j != CN:
                self.ub0[ore(CN, j)] = 0.0

    def solve(self, cap_m: np.ndarray, D_cu: np.ndarray, stock: np.ndarray, need: np.ndarray,
              exp_ub: dict[str, np.ndarray] | None):
        from scipy.optimize import linprog

        b = np.zeros(self.m)
        b[self.r_mine:self.r_mine + R] = cap_m[0]
        b[self.r_sep:self.r_sep + R] = cap_m[1]
        b[self.r_hcap:self.r_hcap + R] = cap_m[2]
        b[self.r_mcap:self.r_mcap + R] = cap_m[3]
        b[self.r_gcap:self.r_gcap + R] = cap_m[4]
        b[self.r_dem:self.r_dem + C] = -D_cu.sum(axis=1)
        ub = self.ub0.copy()
        o = self.off
        ub[o["draw"]:o["draw"] + C] = stock
        ub[o["rest"]:o["rest"] + C] = need
        ub[o["short"]:o["short"] + C * U * 3] = (D_cu[:, :, None] * SEGMENTS[None, None, :]).ravel()
        if exp_ub is not None:
            for prod, lst in self.exp_vars.items():
                for (_d, v), cap in zip(lst, exp_ub[prod]):
                    ub[v] = min(ub[v], cap)
        cost = self.cost
        bounds = np.column_stack([np.zeros(self.n), ub])
        res = linprog(cost, A_ub=self.A, b_ub=b, bounds=bounds, method="highs")
        if res.status != 0:  # cannot happen with shortage slack; a bug if it does
            raise RuntimeError(f"minerals LP failed: {res.message}")
        return res.x

    def unpack(self, x: np.ndarray) -> dict[str, np.ndarray]:
        o = self.off
        return {
            "ore": x[o["ore"]:o["ore"] + R * R].reshape(R, R),
            "nd": x[o["nd"]:o["nd"] + R * R].reshape(R, R),
            "hv": x[o["hv"]:o["hv"] + R * R].reshape(R, R),
            "mt": x[o["mt"]:o["mt"] + R * R].reshape(R, R),
            "mg": x[o["mg"]:o["mg"] + R * C].reshape(R, C),
            "draw": x[o["draw"]:o["draw"] + C],
            "rest": x[o["rest"]:o["rest"] + C],
            "th": x[o["th"]:o["th"] + R],
            "short": x[o["short"]:o["short"] + C * U * 3].reshape(C, U, 3).sum(axis=2),
        }


# ------------------------------------------------------------------------------------------------
# Capacity paths and policy schedules (known before the time loop)
# ------------------------------------------------------------------------------------------------

def _supports(evs: list[_Ev]) -> Iterator[tuple[_Ev, np.ndarray]]:
    """Each event that gives partner support, with the regions it supports ([R] bool): a price floor or
    a subsidy in its regions, a proclamation whose outcome includes agreements in every region but
    China. The one home of what 'supports' means: an ``ally_delay`` delays that support and nothing
    else, so for a region no event supports it changes nothing."""
    for e in evs:
        if e.kind in ("price_floor", "subsidy"):
            yield e, e.p["regions"]
        elif e.kind == "proclamation_232" and e.p["outcome"] in ("agreement", "tariff_and_agreement"):
            mask = np.ones(R, bool)
            mask[CN] = False
            yield e, mask


def _support_months(evs: list[_Ev], p: Mapping[str, Any], t_first: int) -> tuple[np.ndarray, np.ndarray]:
    """(first month with support per region (BIG if none), subsidy lead-time cuts per (event) list)."""
    first = np.full(R, BIG, dtype=np.int64)
    delays = {e.p["region"]: int(e.p["months"]) for e in evs if e.kind == "ally_delay"}
    for e, mask in _supports(evs):
        t0 = _proc_month(e, p) if e.kind == "proclamation_232" else e.t0
        for r in np.nonzero(mask)[0]:
            first[r] = min(first[r], t0 + delays.get(REGIONS[r], 0))
    return first, np.array([])


def support_months(events: Iterable[Any], p: Mapping[str, Any]) -> dict[str, tuple[int, int]]:
    """Region -> (first month partner support would start without an ``ally_delay``, the month it starts
    with the region's delay) as ordinals, for the regions some event supports, from the schedule the
    block runs (a proclamation's agreements after its negotiation days under the parameters ``p``)."""
    evs = [_compile_one(ev if isinstance(ev, MineralsEvent) else MineralsEvent.from_scenario(ev), i)
           for i, ev in enumerate(events)]
    delays = {e.p["region"]: int(e.p["months"]) for e in evs if e.kind == "ally_delay"}
    first, _ = _support_months(evs, p, 0)
    return {REGIONS[r]: (int(first[r]) - delays.get(REGIONS[r], 0), int(first[r]))
            for r in range(R) if first[r] < BIG}


def supported_regions(events: Iterable[Any]) -> tuple[str, ...]:
    """The regions (in :data:`REGIONS` order) that some of ``events`` gives partner support
    (:func:`_supports`): the only regions an ``ally_delay`` can act on."""
    evs = [_compile_one(ev if isinstance(ev, MineralsEvent) else MineralsEvent.from_scenario(ev), i)
           for i, ev in enumerate(events)]
    on = np.zeros(R, bool)
    for _, mask in _supports(evs):
        on |= mask
    return tuple(REGIONS[r] for r in np.nonzero(on)[0])


def _proc_month(e: _Ev, p: Mapping[str, Any]) -> int:
    """Month when the negotiation window of Proclamation 11001 closes (date + negotiation days)."""
    import datetime as dt

    o, d = month_ordinal(e.p["date"], "proclamation_232.date")
    days = e.p["days"] if e.p["days"] is not None else default_of("proclamation_232", "negotiation_days", p)
    day0 = dt.date(o // 12, o % 12 + 1, d) + dt.timedelta(days=int(days))
    return 12 * day0.year + day0.month - 1 + (1 if day0.day > 15 else 0)


def _project_starts(projects: Iterable[Any], p: Mapping[str, Any],
                    evs: list[_Ev]) -> list[tuple[int, int, int, float, int]]:
    """(region, stage, effective start, capacity t/yr, ramp months) per project (the pipeline
    ``projects``, then the ``new_capacity`` events), after policies, under the block's parameters ``p``."""
    support, _ = _support_months(evs, p, 0)
    delays = {e.p["region"]: int(e.p["months"]) for e in evs if e.kind == "ally_delay"}
    out = []
    projs = [(pr.region, pr.stage, pr.start, pr.capacity, pr.ramp_months, pr.support_sensitive)
             for pr in projects]
    projs += [(e.p["r"], e.p["s"], e.t0, e.p["tpy"],
               e.p["ramp"] if e.p["ramp"] is not None else int(default_of("new_capacity", "ramp_months", p)), False)
              for e in evs if e.kind == "new_capacity"]
    lead = int(p["min_lead_months"])
    slip = int(p["delay_without_support_months"])
    for r, s, start, capy, ramp, sens in projs:
        st = start
        for e in evs:
            if e.kind == "subsidy" and e.p["regions"][r] and e.p["stages"][s]:
                t_sub = e.t0 + delays.get(REGIONS[r], 0)
                if st > t_sub:
                    cut = int(e.p["months"] if e.p["months"] is not None else default_of("subsidy", "months", p))
                    st = min(st, max(st - cut, t_sub + lead))   # earlier, never before support + lead
        if sens and support[r] > st:
            # no support yet at its start: it slips, or starts a lead time after support arrives
            st = int(min(st + slip, max(st, support[r] + lead)))
        out.append((r, s, st, capy, ramp))
    return out


def moved_by_delay(projects: Iterable[Any], p: Mapping[str, Any], events: Iterable[Any], region: str) -> int:
    """How many projects (the pipeline ``projects``, ``MineralsInputs.projects``, and the
    ``new_capacity`` events) start at another month because of ``region``'s ``ally_delay`` among
    ``events``, under the block's parameters ``p`` (the block's starts, :func:`_project_starts`, with and
    without it): what the delay changes, as it acts on project starts only; 0 when it changes nothing
    in the run (also for a region no event supports)."""
    evs = [_compile_one(ev if isinstance(ev, MineralsEvent) else MineralsEvent.from_scenario(ev), i)
           for i, ev in enumerate(events)]
    rest = [e for e in evs if not (e.kind == "ally_delay" and e.p["region"] == region)]
    if len(rest) == len(evs):
        return 0
    projects = tuple(projects)
    return sum(a != b for a, b in zip(_project_starts(projects, p, evs), _project_starts(projects, p, rest),
                                      strict=True))


def _capacity_path(inp: MineralsInputs, evs: list[_Ev], ords: np.ndarray) -> np.ndarray:
    """(T, S, R) capacity in t/month."""
    p = inp.p
    T = len(ords)
    years = (ords - 12 * 2024 - 6) / 12.0
    cap = np.repeat(inp.base_capacity[None, :, :], T, axis=0).astype(float)
    cn = inp.base_capacity[:, CN] * (1 + float(p["china_headroom"]))
    cap[:, :, CN] = cn[None, :] * (1 + float(p["china_capacity_growth"])) ** np.maximum(years, 0)[:, None]
    for r, s, st, capy, ramp in _project_starts(inp.projects, p, evs):
        frac = np.clip((ords - st + 1) / max(ramp, 1), 0, 1) if ramp > 0 else (ords >= st).astype(float)
        cap[:, s, r] += capy * frac
    return cap / 12.0


def licence_default_share(p: Mapping[str, Any], product: str, k: np.ndarray) -> np.ndarray:
    """The share of the usual flow of ``product`` an ``export_licence`` without ``share`` lets through
    in its ``k``-th month in force (k = 0 its first), under the block's parameters ``p``: the April
    2025 pattern, a near halt while licences are processed (``licence_share_initial`` for
    ``licence_processing_months``), then partial (``licence_share_settled`` of the product). The one
    home of that default, which the block runs and a scenario's words summarise (with the parameter
    each month's share comes from, :func:`licence_default_param`)."""
    return np.where(_licence_processing(p, k), float(p["licence_share_initial"]),
                    float(p["licence_share_settled"][product]))


def licence_default_param(p: Mapping[str, Any], k: np.ndarray) -> np.ndarray:
    """The block parameter :func:`licence_default_share` takes the ``k``-th month's share from:
    ``licence_share_initial`` while licences are processed, then ``licence_share_settled``."""
    return np.where(_licence_processing(p, k), "licence_share_initial", "licence_share_settled")


def _licence_processing(p: Mapping[str, Any], k: np.ndarray) -> np.ndarray:
    """Whether an export licence's ``k``-th month in force is still in its processing months."""
    return np.asarray(k) < int(p["licence_processing_months"])


def _share_paths(evs: list[_Ev], p: Mapping[str, Any], ords: np.ndarray) -> dict[str, np.ndarray]:
    """Licence share (T, product, destination) for China's exports; 1 = unrestricted."""
    T = len(ords)
    out = {pr: np.ones((T, C if pr == "magnet" else R)) for pr in PRODUCTS}
    exempt = {pr: np.zeros((T, C if pr == "magnet" else R)) for pr in PRODUCTS}  # exemption share (0 = none)
    for e in evs:
        active = (ords >= e.t0) & (ords < e.t1)
        if not active.any():
            continue
        if e.kind in ("export_licence", "export_ban", "decouple"):
            share = e.p["share"]
            for pr in e.p["products"]:
                if share is None:
                    sh = licence_default_share(p, pr, ords - e.t0)
                else:
                    sh = np.full(T, float(share))
                mask = e.p["dest"][1] if pr == "magnet" else e.p["dest"][0]
                out[pr][active[:, None] & mask[None, :]] = np.minimum(
                    out[pr], sh[:, None])[active[:, None] & mask[None, :]]
        elif e.kind == "extraterritorial":
            sh = float(e.p["share"] if e.p["share"] is not None else default_of("extraterritorial", "share", p))
            for pr in ("heavy", "magnet"):
                out[pr][active] = np.minimum(out[pr][active], sh)
        elif e.kind == "exemption":
            for pr in e.p["products"]:
                mask = e.p["dest"][1] if pr == "magnet" else e.p["dest"][0]
                sel = active[:, None] & mask[None, :]
                exempt[pr][sel] = np.maximum(exempt[pr][sel], float(e.p["share"]))
    for pr in PRODUCTS:
        out[pr] = np.maximum(out[pr], exempt[pr])
    return out


# ------------------------------------------------------------------------------------------------
# Simulation
# ------------------------------------------------------------------------------------------------

def _default_inputs(inputs: MineralsInputs | None) -> MineralsInputs:
    if inputs is not None:
        return inputs
    from treasurylab.params.minerals_inputs import build

    return build()


def _coverage(cap_m: np.ndarray, D_ex: np.ndarray, inp: MineralsInputs) -> tuple[np.ndarray, np.ndarray]:
    """Non-China coverage of ex-China needs per stage: (stage_only, chain), each (T, S), capped at 1."""
    f = float(inp.p["ndpr_content"])
    aL, aH = float(inp.p["ndpr_per_magnet"]), float(inp.p["heavy_per_magnet"])
    nonc = np.ones(R, bool)
    nonc[CN] = False
    N = cap_m[:, :, nonc].sum(axis=2)                       # (T, S)
    req = np.stack([D_ex * aL / f, D_ex * aL, D_ex * aH, D_ex * aL, D_ex], axis=1)
    heavy_ore = (cap_m[:, 0, nonc] * inp.heavy_content[nonc][None, :]).sum(axis=1)
    mine = N[:, 0]
    sep = np.minimum(N[:, 1], f * mine)
    heavy = np.minimum(N[:, 2], heavy_ore)
    metal = np.minimum(N[:, 3], sep)
    aH_min = aH * float(inp.p["heavy_min_share"])   # makers can thrift heavies down to this
    magnet = np.minimum.reduce([N[:, 4], metal / aL, heavy / aH_min if aH_min > 0 else N[:, 4]])
    avail = np.stack([mine, sep, heavy, metal, magnet], axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        stage = np.minimum(1.0, np.where(req > 0, N / req, 1.0))
        chain = np.minimum(1.0, np.where(req > 0, avail / req, 1.0))
    return stage, chain


#: The first month a run may start. The block's inputs describe 2024 (the capacity and demand tables,
#: the base year of the growth terms, ``12 * 2024`` below; projects and inventories are later): an
#: earlier start would extrapolate them backwards into years no input describes.
FIRST_MONTH = "2024-01"


def simulate(inputs: MineralsInputs | None = None, events: Iterable[Any] = (), start: str = "2026-01",
             months: int = 120) -> MineralsResult:
    """Run the monthly allocation from ``start`` (``FIRST_MONTH`` or later) for ``months`` months
    under ``events``."""
    inp = _default_inputs(inputs)
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or not 1 <= int(months) <= 600:
        raise BadInput("must be a whole number of months in 1..600", field="months", got=months,
                       fix="e.g. --months 120")
    months = int(months)
    t_start, _ = month_ordinal(start, "start")
    if t_start < month_ordinal(FIRST_MONTH, "start")[0]:
        raise BadInput(f"before the minerals data (capacity and demand of 2024): a run starts from {FIRST_MONTH} "
                       "on", field="start", got=str(start),
                       fix=f"give a month from {FIRST_MONTH} on, e.g. --start 2026-01")
    evs_in = validate_events(events, inp)
    evs = [_compile_one(e, i) for i, e in enumerate(evs_in)]
    p = inp.p
    ords = t_start + np.arange(months)
    T = months
    years = (ords - 12 * 2024 - 6) / 12.0
    growth = (1 + float(p["demand_growth"])) ** years               # (T,)
    D_c = inp.demand[None, :] / 12.0 * growth[:, None]               # (T, C) t/month
    D_cu = D_c[:, :, None] * inp.end_use_share[None, :, :]           # (T, C, U)
    cap_m = _capacity_path(inp, evs, ords)                           # (T, S, R)
    shares = _share_paths(evs, p, ords)
    aL, aH = float(p["ndpr_per_magnet"]), float(p["heavy_per_magnet"])

    # policy timelines
    floor = np.zeros(T)
    tariff = np.zeros(T)
    for e in evs:
        if e.kind == "price_floor":
            lvl = e.p["level"] if e.p["level"] is not None else default_of("price_floor", "level_usd_kg", p)
            floor[(ords >= e.t0) & (ords < e.t1)] = np.maximum(floor[(ords >= e.t0) & (ords < e.t1)], lvl)
        if e.kind == "proclamation_232":
            t_end = _proc_month(e, p)
            after = (ords >= t_end) & (ords < e.t1)
            if e.p["outcome"] in ("tariff", "tariff_and_agreement"):
                tariff[after] = e.p["tariff"] if e.p["tariff"] is not None else default_of("proclamation_232", "tariff_rate", p)
            if e.p["outcome"] in ("agreement", "tariff_and_agreement"):
                lvl = e.p["floor"] if e.p["floor"] is not None else default_of("proclamation_232", "floor_usd_kg", p)
                floor[after] = np.maximum(floor[after], lvl)
    releases = np.zeros((T, C))
    for e in evs:
        if e.kind == "stockpile_release":
            hit = np.nonzero(ords == e.t0)[0]
            if hit.size:
                t = int(hit[0])
                releases[t, e.p["c"]] += e.p["tonnes"] if e.p["tonnes"] is not None else e.p["months"] * D_c[t, e.p["c"]]
    pb = p["price_base"]
    cap_mult = float(p["price_cap_multiple"])
    if floor.max() > pb["ndpr"] * cap_mult:
        raise BadInput("infeasible policy mix: the NdPr price floor is above the model's price cap",
                       field="price_floor.level_usd_kg", got=float(floor.max()),
                       fix=f"use a floor <= {pb['ndpr'] * cap_mult:g} USD/kg or raise minerals.price_cap_multiple")

    lp = RoutingLP(inp)
    t0 = time.perf_counter()
    # reference flows: the first month without any control
    stock = inp.inventory_months * D_c[0]
    x_ref = lp.unpack(lp.solve(cap_m[0], D_cu[0], stock, np.zeros(C), None))
    ref = {"ndpr": x_ref["nd"][CN, :], "heavy": x_ref["hv"][CN, :], "metal": x_ref["mt"][CN, :],
           "magnet": x_ref["mg"][CN, :]}
    g0 = growth[0]

    production = np.zeros((T, S, R))
    exports = np.zeros((T, len(PRODUCTS)))
    deliveries = np.zeros((T, C))
    shortfall = np.zeros((T, C, U))
    inv_m = np.zeros((T, C))
    fills = np.ones((T, 4, 2))   # (ndpr, heavy, magnet, -) x (China, outside)
    us_cn_share = np.zeros(T)
    rr = float(p["restock_rate"])
    for t in range(T):
        target = inp.inventory_months * D_c[t]
        need = np.minimum(rr * D_c[t], np.maximum(0.0, target - stock))
        exp_ub = None
        if any((shares[pr][t] < 1).any() for pr in PRODUCTS):
            exp_ub = {}
            for _k, pr in enumerate(PRODUCTS):
                sh = shares[pr][t]
                dests = [d for d, _ in lp.exp_vars[pr]]
                exp_ub[pr] = np.array([np.inf if sh[d] >= 1 else sh[d] * ref[pr][d] * growth[t] / g0 for d in dests])
        x = lp.unpack(lp.solve(cap_m[t], D_cu[t], stock, need, exp_ub))
        ore, nd, hv, mt, mg = x["ore"], x["nd"], x["hv"], x["mt"], x["mg"]
        production[t, 0] = ore.sum(axis=1)
        production[t, 1] = float(p["ndpr_content"]) * ore.sum(axis=0)
        production[t, 2] = hv.sum(axis=1)
        production[t, 3] = mt.sum(axis=1)
        production[t, 4] = mg.sum(axis=1)
        mask_r = np.arange(R) != CN
        mask_c = np.arange(C) != CN_C
        exports[t] = [nd[CN, mask_r].sum(), hv[CN, mask_r].sum(), mt[CN, mask_r].sum(), mg[CN, mask_c].sum()]
        short = x["short"]
        shortfall[t] = short
        deliveries[t] = D_c[t] - short.sum(axis=1)
        stock = np.maximum(0.0, stock + x["rest"] - x["draw"] + releases[t])
        inv_m[t] = stock / D_c[t]
        # fill ratios: what prices see. Magnets: current flows to users (not inventories).
        # Oxides outside China: what non-China magnet makers can obtain (non-China separation capacity
        # plus China's licensed exports; unlimited when unlicensed) over what they need at full run.
        flow_c = mg.sum(axis=0)
        dem_ex = D_c[t, mask_c].sum()
        fills[t, 2, 0] = min(1.0, flow_c[CN_C] / D_c[t, CN_C])
        fills[t, 2, 1] = min(1.0, flow_c[mask_c].sum() / dem_ex)
        need_ex = cap_m[t, 4, mask_r].sum()
        for k, prods, stg, a in ((1, ("heavy",), 2, aH), (0, ("ndpr", "metal"), 1, aL)):
            allowed = cap_m[t, stg, mask_r].sum()
            if exp_ub is None:
                allowed = np.inf
            else:  # unrestricted destinations get their usual (reference) flow
                for pr in prods:
                    usual = np.array([ref[pr][d] for d, _ in lp.exp_vars[pr]]) * growth[t] / g0
                    allowed += float(np.minimum(exp_ub[pr], usual).sum())
            fills[t, k, 1] = 1.0 if a * need_ex <= 0 else min(1.0, allowed / (a * need_ex))
        fills[t, 0, 0] = fills[t, 1, 0] = fills[t, 2, 0]
        us = CONSUMERS.index("US")
        us_cn_share[t] = mg[CN, us] / max(flow_c[us], 1e-9)
    solve_s = time.perf_counter() - t0

    prices = _price_paths(p, fills, floor, tariff, us_cn_share)
    vpt = inp.value_per_tonne * float(p["output_loss_share"])
    value_lost = (shortfall * vpt[None, None, :]).sum(axis=2) / 1000.0
    us = CONSUMERS.index("US")
    gap = -100.0 * float(p["output_gap_coefficient"]) * float(p["us_manufacturing_va_share"]) * 12.0 \
        * value_lost[:, us] / float(p["us_gdp_bn"])
    D_ex = D_c[:, [c for c in range(C) if c != CN_C]].sum(axis=1)
    cov_stage, cov_chain = _coverage(cap_m, D_ex, inp)
    return MineralsResult(
        months=[ordinal_label(o) for o in ords], production=production, capacity=cap_m, china_exports=exports,
        deliveries=deliveries, demand=D_cu, shortfall=shortfall, inventory_months=inv_m, prices=prices,
        value_lost_bn=value_lost, germany_value_lost_bn=value_lost[:, CONSUMERS.index("EU")] * float(p["germany_share_of_eu"]),
        us_output_gap_pp=gap, coverage_stage=cov_stage, coverage_chain=cov_chain,
        target_share=float(p["target_share"]), events=evs_in, solve_seconds=solve_s, lp_size=(lp.m, lp.n),
    )


def _price_paths(p: Mapping[str, Any], fills: np.ndarray, floor: np.ndarray, tariff: np.ndarray,
                 us_cn_share: np.ndarray) -> dict[str, np.ndarray]:
    """Partial adjustment towards P0 * min(cap, fill^(-1/eps)) in each market."""
    T = fills.shape[0]
    eps = p["price_elasticity"]
    base = dict(p["price_base"])
    base["magnet"] = 1.0
    cap = float(p["price_cap_multiple"])
    kappa = float(p["price_adjust_speed"])
    which = {"ndpr": 0, "dy": 1, "tb": 1, "magnet": 2}
    out: dict[str, np.ndarray] = {}
    for name, k in which.items():
        for m, label in ((0, "china"), (1, "ex_china")):
            phi = np.maximum(fills[:, k, m], 1e-6)
            target = base[name] * np.minimum(cap, phi ** (-1.0 / float(eps[name])))
            path = np.empty(T)
            prev = base[name]
            for t in range(T):   # one scalar recursion per series (T steps), not per agent or path
                prev = prev + kappa * (target[t] - prev)
                path[t] = prev
            if name == "ndpr" and label == "ex_china":
                path = np.maximum(path, floor)
            out[f"{name}_{label}"] = path
    out["magnet_us"] = out["magnet_ex_china"] * (1 + tariff * us_cn_share)
    return out


# ------------------------------------------------------------------------------------------------
# Named runs
# ------------------------------------------------------------------------------------------------

def policy_record_2025() -> list[MineralsEvent]:
    """The policy record to Jan 2026 (calibration.md s7.2, s7.5), as events.

    The October 2025 extraterritorial rules are suspended until 10 Nov 2026; the record assumes the
    suspension is extended (the truce's intent). A scenario lets it lapse by adding its own
    ``extraterritorial`` event (``suspended_until: 2026-11-10``), which replaces this one."""
    return [
        MineralsEvent("export_licence", "2025-04-04", None, {"products": "heavy,magnet", "destinations": "all"}),
        MineralsEvent("extraterritorial", "2025-10-09", None, {"suspended_until": "2026-11-10", "extended": True}),
        MineralsEvent("price_floor", "2025-07-10", None, {"level_usd_kg": 110.0, "regions": "US"}),
        MineralsEvent("proclamation_232", "2026-01-14", None, {"outcome": "open"}),
    ]


def replay_2025(inputs: MineralsInputs | None = None, months: int = 20) -> MineralsResult:
    """The 2025 controls replayed from May 2024 (so May 2025 has a year-earlier month)."""
    evs = [e for e in policy_record_2025() if e.kind != "proclamation_232"]
    return simulate(inputs, evs, start="2024-05", months=months)


def answer_180_days(inputs: MineralsInputs | None = None, events: Iterable[Any] = (),
                    start: str = "2026-01-14", days: int = 180) -> dict[str, Any]:
    """The largest non-China share of ex-China needs reachable at each stage by ``start + days``.

    ``stage_only``: non-China capacity online by then / ex-China requirement at that stage.
    ``chain``: the same, limited by non-China supply upstream (a fully non-Chinese chain).
    ``binding_stage``: the most upstream stage that limits the chain's magnets (None when they meet every
    need); ``scarcest_stage``: the lowest ``stage_only``, which binds only if heavies cannot be thrifted
    (``heavy_min_share``).
    Policies act through the capacity they bring forward (subsidies, floors, agreements) by that day."""
    import datetime as dt

    inp = _default_inputs(inputs)
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or not 1 <= int(days) <= 3650:
        raise BadInput("must be a whole number of days in 1..3650", field="days", got=days, fix="e.g. 180")
    o, d = month_ordinal(start, "start")
    day = dt.date(o // 12, o % 12 + 1, d) + dt.timedelta(days=int(days))
    t = 12 * day.year + day.month - 1
    evs_in = validate_events(events, inp)
    evs = [_compile_one(e, i) for i, e in enumerate(evs_in)]
    ords = np.array([t])
    cap_m = _capacity_path(inp, evs, ords)
    years = (ords - 12 * 2024 - 6) / 12.0
    D_c = inp.demand / 12.0 * (1 + float(inp.p["demand_growth"])) ** years[0]
    D_ex = np.array([D_c[[c for c in range(C) if c != CN_C]].sum()])
    stage, chain = _coverage(cap_m, D_ex, inp)
    hm = float(inp.p["heavy_min_share"])
    # what each stage alone lets the chain make, as a share of ex-China magnet needs: heavies go as far
    # as thrifting to heavy_min_share lets them, so the scarcest stage against a full recipe need not bind
    carries = [float(stage[0, i]) if s != "heavy_separation" else
               (float(chain[0, i]) / hm if hm > 0 else np.inf) for i, s in enumerate(STAGES)]
    made = float(chain[0, STAGES.index("magnet")])
    bound = next((s for s, c in zip(STAGES, carries) if abs(c - made) < 1e-9), None) if made < 1 else None
    return {
        "date": day.isoformat(), "month": ordinal_label(t), "days": int(days),
        "stage_only": {s: float(stage[0, i]) for i, s in enumerate(STAGES)},
        "chain": {s: float(chain[0, i]) for i, s in enumerate(STAGES)},
        "binding_stage": bound,
        "scarcest_stage": STAGES[int(np.argmin(stage[0]))],
        "heavy_min_share": hm,
        "non_china_capacity_per_year": {s: float(cap_m[0, i, [r for r in range(R) if r != CN]].sum() * 12)
                                        for i, s in enumerate(STAGES)},
        "ex_china_magnet_demand_per_year": float(D_ex[0] * 12),
        "units": {s: u + "/yr" for s, u in zip(STAGES, ("t REO", "t NdPr oxide", "t Dy+Tb oxide",
                                                         "t NdPr oxide-eq", "t NdFeB"))},
    }


def chain_lp_magnets(inputs: MineralsInputs | None = None, month: str = "2026-07") -> float:
    """Magnets (t/month) a fully non-Chinese chain delivers to ex-China users in ``month`` by the LP
    (China's capacity set to zero): the cross-check of ``answer_180_days``'s magnet 'chain' share."""
    inp = _default_inputs(inputs)
    o, _ = month_ordinal(month, "month")
    ords = np.array([o])
    cap = _capacity_path(inp, [], ords)[0].copy()
    cap[:, CN] = 0.0
    years = (o - 12 * 2024 - 6) / 12.0
    D_c = inp.demand / 12.0 * (1 + float(inp.p["demand_growth"])) ** years
    D_c[CN_C] = 0.0
    D_cu = D_c[:, None] * inp.end_use_share
    lp = RoutingLP(inp)
    x = lp.unpack(lp.solve(cap, D_cu, np.zeros(C), np.zeros(C), None))
    return float(x["mg"].sum())


def _own_events(sc: Any) -> list[tuple[int, Any]]:
    """(index in the scenario, event) of each of a scenario's own minerals events."""
    return [(i, e) for i, e in enumerate(getattr(sc, "events", []) or [])
            if (e.get("type") if isinstance(e, Mapping) else getattr(e, "type", None)) == "minerals"]


def _scenario_events(sc: Any, include_policy_record: bool) -> tuple[list[MineralsEvent], list[str]]:
    """The block's events of a scenario and, for each, what names it to the user (see
    :func:`scenario_events`, :func:`scenario_fields`)."""
    own = _own_events(sc)
    evs = []
    for i, e in own:
        try:
            evs.append(MineralsEvent.from_scenario(e))
        except BadInput as exc:
            raise scenario_fields(exc, [f"events[{i}]"]) from None
    names = [f"events[{i}]" for i, _ in own]
    if not include_policy_record:
        return evs, names
    kinds = {KIND_ALIASES.get(e.kind, e.kind) for e in evs}
    single = ("proclamation_232", "extraterritorial")  # a scenario's own version replaces the record's
    base = [e for e in policy_record_2025() if not (e.kind in single and e.kind in kinds)]
    return base + evs, [f"the 2025 policy record's {e.kind}" for e in base] + names


def scenario_events(sc: Any, include_policy_record: bool = True) -> list[MineralsEvent]:
    """The minerals events of a scenario (``type: minerals`` entries), after the 2025 policy record.

    The policy record (April 2025 licensing, the suspended October 2025 rules, the DoD floor and
    Proclamation 11001 with an open outcome) predates a 2026 run, so it is added unless the scenario
    sets ``include_policy_record=False``; a scenario ``proclamation_232`` or ``extraterritorial`` event
    replaces the record's. A bad event is named by its index in the scenario (``events[3]``)."""
    return _scenario_events(sc, include_policy_record)[0]


_BLOCK_EVENT = re.compile(r"minerals\.events\[(\d+)\]")


def scenario_fields(exc: BadInput, names: list[str], where: str | None = None) -> BadInput:
    """``exc`` with each block event it names (``minerals.events[k]``, an index in the block's list)
    named as the user wrote it, ``names[k]`` (``events[3]``: the block's list puts the 2025 policy
    record first, so its indices are not the scenario's). The one home of that mapping: the scenario's
    load-time check and the run's set-up name an event alike."""
    def name(m: re.Match) -> str:
        k = int(m.group(1))
        return names[k] if k < len(names) else m.group(0)

    def sub(text: Any) -> Any:
        return _BLOCK_EVENT.sub(name, text) if isinstance(text, str) else text

    return BadInput(sub(exc.problem), field=sub(exc.field), got=exc.got, fix=sub(exc.fix),
                    where=where if where is not None else exc.where)


def scenario_clash(sc: Any) -> tuple[int, BadInput] | None:
    """The first clash of the minerals events a run of scenario ``sc`` would set up (the 2025 policy
    record included), by the rule the set-up applies (:func:`_clash`): (the scenario index of the later
    event, the error naming both events as the user wrote them), or None. For the load-time check,
    which names the later event's line; each event on its own is assumed checked already."""
    evs, names = _scenario_events(sc, True)
    clash = _clash([_compile_one(ev, i) for i, ev in enumerate(evs)])
    if clash is None:
        return None
    later, _, problem, fix = clash
    named = scenario_fields(BadInput(problem, field=later.label, fix=fix), names)
    own = _own_events(sc)       # the block's list ends with them, after the policy record's
    return own[later.index - (len(names) - len(own))][0], named


def simulate_scenario(sc: Any, inputs: MineralsInputs | None = None) -> MineralsResult:
    """Run the block for a scenario object (``start``, ``horizon``, ``events``, ``overrides``); a bad
    event is named by its index in the scenario (``events[3]``), not in the block's list."""
    if inputs is None:
        from treasurylab.params.minerals_inputs import build

        inputs = build((getattr(sc, "overrides", None) or {}).get("minerals"), where="overrides.minerals")
    evs, names = _scenario_events(sc, True)
    try:
        return simulate(inputs, evs, start=str(getattr(sc, "start", "2026-01")),
                        months=int(getattr(sc, "horizon", 120)))
    except BadInput as exc:
        raise scenario_fields(exc, names) from None


def allocate(inputs: MineralsInputs | None, capacity: np.ndarray, demand: np.ndarray, stock: np.ndarray,
             need: np.ndarray | None = None, export_caps: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """One month's allocation (the LP alone), for checks: ``capacity`` (S, R) t/month, ``demand`` (C, U)
    t/month, ``stock`` (C,) t, ``need`` (C,) restock wanted, ``export_caps`` product -> caps on China's
    exports per destination (see ``PRODUCTS``; destinations R-1 producing regions, or C-1 consumers for magnets).
    Returns the flows (ore, nd, hv, mt, mg), draw, rest, th and short (C, U)."""
    inp = _default_inputs(inputs)
    capacity = np.asarray(capacity, float)
    if capacity.shape != (S, R) or (capacity < 0).any():
        raise BadInput("capacity must be a non-negative (stages x regions) array", field="capacity",
                       got=getattr(capacity, "shape", None), fix=f"pass shape {(S, R)} with values >= 0")
    lp = RoutingLP(inp)
    need = np.zeros(C) if need is None else np.asarray(need, float)
    caps = None if export_caps is None else {pr: np.asarray(export_caps.get(pr, np.full(
        C - 1 if pr == "magnet" else R - 1, np.inf)), float) for pr in PRODUCTS}
    return lp.unpack(lp.solve(capacity, np.asarray(demand, float), np.asarray(stock, float), need, caps))
