"""Build the minerals block's arrays from the curated rare-earth tables and params/defaults/minerals.yaml.

``build(overrides=None) -> MineralsInputs`` reads the four curated tables
(``data/curated/rare_earths_{capacity,projects,demand,inventories}.yaml``) and the ``minerals``
parameter block, checks them (known regions, stages and end uses; non-negative capacities; end-use
shares summing to 1) and returns plain numpy arrays indexed by the fixed orders below, ready for the
monthly allocation in :mod:`treasurylab.model.minerals`.

Orders (stable; tests and reports rely on them)::

    REGIONS   producing regions   China, Myanmar/Laos, Australia, Malaysia, US, EU, Japan, Korea,
                                  Vietnam, Rest of world
    CONSUMERS consumer regions    US, EU, Japan, Korea, China, Rest of world
    STAGES    chain stages        mining (t REO), separation (t NdPr oxide), heavy_separation
                                  (t Dy+Tb oxide), metal (t NdPr oxide-eq), magnet (t NdFeB)
    END_USES  magnet end uses     ev_traction, wind, industrial_motors, electronics, defence

``overrides`` maps minerals parameter names to new values (bounds checked by the params layer), plus
an optional ``capacity`` mapping ``"Region.stage" -> t/yr`` replacing a 2024 capacity (e.g.
``{"capacity": {"Japan.magnet": 15000}}``). Region and stage names are matched forgivingly
("south korea", "Germany" -> EU, "burma" -> Myanmar/Laos).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from treasurylab.errors import BadInput, did_you_mean

REGIONS = ("China", "Myanmar/Laos", "Australia", "Malaysia", "US", "EU", "Japan", "Korea", "Vietnam",
           "Rest of world")
CONSUMERS = ("US", "EU", "Japan", "Korea", "China", "Rest of world")
STAGES = ("mining", "separation", "heavy_separation", "metal", "magnet")
END_USES = ("ev_traction", "wind", "industrial_motors", "electronics", "defence")
STAGE_UNITS = {"mining": "t REO", "separation": "t NdPr oxide", "heavy_separation": "t Dy+Tb oxide",
               "metal": "t NdPr oxide-eq", "magnet": "t NdFeB"}
# producing region -> the consumer region it belongs to (for demand-side destinations)
CONSUMER_OF = {"China": "China", "Myanmar/Laos": "Rest of world", "Australia": "Rest of world",
               "Malaysia": "Rest of world", "US": "US", "EU": "EU", "Japan": "Japan", "Korea": "Korea",
               "Vietnam": "Rest of world", "Rest of world": "Rest of world"}
# ordinal month (12*year + month-1) that the 2024 capacities and demand describe (mid-year)
BASE_ORDINAL = 12 * 2024 + 6

REGION_ALIASES = {
    "germany": "EU", "france": "EU", "estonia": "EU", "european union": "EU", "europe": "EU",
    "south korea": "Korea", "republic of korea": "Korea", "korea south": "Korea",
    "burma": "Myanmar/Laos", "myanmar": "Myanmar/Laos", "laos": "Myanmar/Laos",
    "usa": "US", "united states": "US", "america": "US",
    "prc": "China", "mainland china": "China", "china mainland": "China",
    "row": "Rest of world", "rest": "Rest of world", "other": "Rest of world", "others": "Rest of world",
}
STAGE_ALIASES = {
    "mine": "mining", "mines": "mining", "ore": "mining", "reo": "mining",
    "refining": "separation", "refine": "separation", "light_separation": "separation", "ndpr": "separation",
    "heavy": "heavy_separation", "heavies": "heavy_separation", "dy": "heavy_separation", "tb": "heavy_separation",
    "alloy": "metal", "metals": "metal", "metal_alloy": "metal",
    "magnets": "magnet", "ndfeb": "magnet",
}


def match_region(text: Any, field_name: str = "region", choices: tuple[str, ...] = REGIONS) -> str:
    """The region meant by ``text`` (forgiving), or BadInput naming ``field_name``."""
    from treasurylab.data.names import match_name, norm

    s = str(text)
    alias = REGION_ALIASES.get(norm(s))
    if alias is not None and alias in choices:
        return alias
    try:
        return match_name(s, choices, what=field_name)
    except BadInput:
        raise BadInput("unknown region", field=field_name, got=s,
                       fix=did_you_mean(s, choices) + " (regions: " + ", ".join(choices) + ")") from None


def match_stage(text: Any, field_name: str = "stage") -> str:
    s = str(text).strip().lower().replace(" ", "_").replace("-", "_")
    if s in STAGES:
        return s
    if s in STAGE_ALIASES:
        return STAGE_ALIASES[s]
    raise BadInput("unknown stage", field=field_name, got=str(text),
                   fix=did_you_mean(str(text), STAGES) + " (stages: " + ", ".join(STAGES) + ")")


def month_ordinal(text: Any, field_name: str = "date") -> tuple[int, int]:
    """'YYYY-MM[-DD]' -> (12*year + month - 1, day)."""
    import re

    s = str(text).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", s)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1 <= int(m.group(3) or 1) <= 31:
        raise BadInput("not a date", field=field_name, got=s, fix="write YYYY-MM or YYYY-MM-DD")
    return 12 * int(m.group(1)) + int(m.group(2)) - 1, int(m.group(3) or 1)


@dataclass(frozen=True)
class Project:
    name: str
    region: int          # index into REGIONS
    stage: int           # index into STAGES
    capacity: float      # t/yr added at full ramp
    start: int           # ordinal month of first output
    ramp_months: int
    support_sensitive: bool


@dataclass
class MineralsInputs:
    """Everything the allocation needs, as arrays (units in STAGE_UNITS, per year)."""

    base_capacity: np.ndarray          # (S, R) t/yr, 2024
    projects: tuple[Project, ...]
    demand: np.ndarray                 # (C,) t NdFeB/yr, 2024
    end_use_share: np.ndarray          # (C, U)
    inventory_months: np.ndarray       # (C,)
    heavy_content: np.ndarray          # (R,)
    value_per_tonne: np.ndarray        # (U,) USD m per t magnet
    p: dict[str, Any]                  # scalar and mapping parameters (plain python)
    param_set: Any = field(default=None, repr=False)   # the ParamSet (for report source tables)

    def sources(self) -> list[dict[str, Any]]:
        return self.param_set.sources() if self.param_set is not None else []


def _rows(name: str) -> tuple[dict, ...]:
    from treasurylab.data.sources.minerals import table_rows

    return table_rows(name)


def resolved_params(overrides: Mapping[str, Any] | None = None, where: str = "overrides", params=None):
    """The block's parameters under ``overrides`` without its curated tables: ``(ParamSet, plain dict
    (MineralsInputs.p), the capacity overrides)``; what an event's words need (its defaults), and the
    first step of :func:`build`. ``params``: the block's default ParamSet when the caller has it."""
    from treasurylab.params import load_params

    overrides = dict(overrides or {})
    cap_over = overrides.pop("capacity", None) or {}
    ps = (load_params("minerals") if params is None else params).with_overrides(overrides, where=where)
    _check_known(ps, set(overrides), where)
    return ps, {k: ps[k] for k in ps}, cap_over


#: the block's tables keyed by a fixed set of names (what each key is); every key must be given
#: (``complete: true`` in minerals.yaml, checked by the params layer) and no other
KEYED_TABLES = {"price_base": "oxide", "price_elasticity": "product", "licence_share_settled": "product",
                "value_per_tonne": "end use"}


def _check_known(ps, overridden: set, where: str) -> None:
    """A key of a :data:`KEYED_TABLES` override that the block does not know is bad input named with
    did-you-mean (it would be carried and never read)."""
    from treasurylab.params import load_params

    for name, what in KEYED_TABLES.items():
        if name not in overridden:
            continue
        default = load_params("minerals")[name]
        unknown = [k for k in ps[name] if k not in default]
        if unknown:
            raise BadInput(f"unknown {what}", where=where, field=f"minerals.{name}.{unknown[0]}",
                           fix=did_you_mean(str(unknown[0]), list(default)))


def pipeline() -> tuple[Project, ...]:
    """The curated project pipeline (rare_earths_projects), the same under every override: what a
    run's capacity adds over time, and all an ``ally_delay``'s words need of the curated tables."""
    projects = []
    for row in _rows("rare_earths_projects"):
        r = REGIONS.index(match_region(row["region"], "rare_earths_projects.region"))
        s = STAGES.index(match_stage(row["stage"], "rare_earths_projects.stage"))
        start, _ = month_ordinal(row["start"], "rare_earths_projects.start")
        if row["value"] < 0:
            raise BadInput("project capacity must be >= 0", field=f"rare_earths_projects.{row['project']}",
                           got=row["value"], fix="give the capacity added, in t/yr")
        projects.append(Project(str(row["project"]), r, s, float(row["value"]), start,
                                max(0, int(row.get("ramp_months", 0))), bool(row.get("support_sensitive", False))))
    return tuple(projects)


def build(overrides: Mapping[str, Any] | None = None, where: str = "overrides", params=None) -> MineralsInputs:
    """The minerals block's inputs with overrides; ``params``: the block's default ParamSet when the
    caller has it (read from minerals.yaml otherwise)."""
    ps, p, cap_over = resolved_params(overrides, where, params)

    R, S, C, U = len(REGIONS), len(STAGES), len(CONSUMERS), len(END_USES)
    cap = np.zeros((S, R))
    for row in _rows("rare_earths_capacity"):
        r = REGIONS.index(match_region(row["region"], "rare_earths_capacity.region"))
        s = STAGES.index(match_stage(row["stage"], "rare_earths_capacity.stage"))
        cap[s, r] += row["value"]
    if not isinstance(cap_over, Mapping):
        raise BadInput("must be a mapping 'Region.stage: t/yr'", where=where, field="capacity", got=cap_over,
                       fix="write e.g. capacity: {Japan.magnet: 15000}")
    for key, val in cap_over.items():
        if "." not in str(key):
            raise BadInput("capacity key must be 'Region.stage'", where=where, field=f"capacity.{key}",
                           fix="write e.g. 'Japan.magnet' or 'US.separation'")
        reg, stg = str(key).rsplit(".", 1)
        r = REGIONS.index(match_region(reg, f"capacity.{key}"))
        s = STAGES.index(match_stage(stg, f"capacity.{key}"))
        if isinstance(val, bool) or not isinstance(val, (int, float)) or not np.isfinite(val):
            raise BadInput("capacity must be a number", where=where, field=f"capacity.{key}", got=val,
                           fix=f"give {STAGE_UNITS[STAGES[s]]} per year")
        cap[s, r] = float(val)
    if (cap < 0).any():
        s, r = np.argwhere(cap < 0)[0]
        raise BadInput("capacity must be >= 0", where=where, field=f"capacity.{REGIONS[r]}.{STAGES[s]}",
                       got=float(cap[s, r]), fix="give a non-negative capacity (0 for none)")

    projects = pipeline()

    demand = np.zeros(C)
    share = np.zeros((C, U))
    for row in _rows("rare_earths_demand"):
        c = CONSUMERS.index(match_region(row["region"], "rare_earths_demand.region", CONSUMERS))
        if row["end_use"] == "total":
            demand[c] = row["value"]
        else:
            if row["end_use"] not in END_USES:
                raise BadInput("unknown end use", field="rare_earths_demand.end_use", got=row["end_use"],
                               fix=did_you_mean(row["end_use"], END_USES))
            share[c, END_USES.index(row["end_use"])] = row["value"]
    bad = np.abs(share.sum(axis=1) - 1) > 1e-6
    if bad.any():
        c = int(np.argmax(bad))
        raise BadInput("end-use shares must sum to 1", field=f"rare_earths_demand.{CONSUMERS[c]}",
                       got=float(share[c].sum()), fix="adjust the end-use fractions of this region")

    inv = np.zeros(C)
    for row in _rows("rare_earths_inventories"):
        inv[CONSUMERS.index(match_region(row["region"], "rare_earths_inventories.region", CONSUMERS))] = row["value"]

    hc = p["heavy_content"]
    heavy = np.zeros(R)
    for name, v in hc.items():
        heavy[REGIONS.index(match_region(name, "minerals.heavy_content"))] = float(v)
    vpt = np.array([float(p["value_per_tonne"][u]) for u in END_USES])     # every end use: complete: true
    return MineralsInputs(cap, projects, demand, share, inv, heavy, vpt, p, ps)
