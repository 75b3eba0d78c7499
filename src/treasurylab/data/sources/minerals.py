"""Critical minerals: curated rare-earth chain tables (capacity, projects, demand, inventories).

Ids::

    curated.rare_earths_capacity      effective 2024 capacity by region and stage
    curated.rare_earths_projects      the named non-China pipeline (start dates, ramps)
    curated.rare_earths_demand        magnet demand by consumer region, end-use shares
    curated.rare_earths_inventories   users' magnet inventories in months of cover

No official machine-readable file publishes the rare-earth chain by stage (USGS MCS is a PDF;
separation and magnet shares come from IEA commentary), so these tables are curated YAML in
``treasurylab/data/curated/``: one row per number, each with ``value``, ``unit``, ``date`` and either
``source`` (a citation, usually calibration.md s7) or ``assumption`` (the reasoning). They are read by
the shared curated-table parser (``data/parsers/curated_yaml.py``), which refuses a row that lacks any
of them, naming the file, line and field.

Tidy output columns: the table's own dimensions (``region``, ``stage``, ``end_use``, ``project``...),
``value`` (float), ``unit``, ``date`` (text), ``source``, ``assumption``, ``evidence``, ``line``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from treasurylab.data.catalog import SNAPSHOT_DIR
from treasurylab.data.parsers import curated_yaml
from treasurylab.data.sources.curated import curated_dataset
from treasurylab.errors import BadInput, did_you_mean

CURATED_DIR = SNAPSHOT_DIR.parent / "curated"
TABLES = ("rare_earths_capacity", "rare_earths_projects", "rare_earths_demand", "rare_earths_inventories")


def parse(paths: list[Path]):
    """Curated YAML table(s) -> tidy DataFrame (the shared curated-table parser)."""
    return curated_yaml.parse(paths)


@cache
def table_rows(name: str) -> tuple[dict, ...]:
    """The checked rows of one curated table as plain dicts (missing keys absent), for the params builder."""
    import math

    if name not in TABLES:
        raise BadInput("unknown curated minerals table", field="table", got=name, fix=did_you_mean(name, TABLES))
    df = curated_yaml.parse([CURATED_DIR / f"{name}.yaml"])
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: v for k, v in rec.items() if not (isinstance(v, float) and math.isnan(v))})
    return tuple(rows)


_COMMON = {
    "frequency": "annual (2024 reference year; projects dated by month)",
    "retrieved": "2026-11-28",
    "caveats": (
        ("curated from USGS, IEA, company and trade-press figures (calibration.md s7); [V2] second-hand "
         "figures are marked there"),
        "separation and metal are counted in t NdPr oxide(-equivalent); mining in t REO; magnets in t NdFeB",
    ),
}

DATASETS = [
    curated_dataset("rare_earths_capacity", "Rare-earth chain: effective 2024 capacity by region and stage",
                    "see the unit column (t REO/yr, t NdPr oxide/yr, t Dy+Tb oxide/yr, t NdFeB/yr)",
                    source="curated from calibration.md s7.1 and s7.4 (USGS MCS 2025, IEA, Lynas, MP Materials)",
                    **_COMMON),
    curated_dataset("rare_earths_projects", "Rare-earth chain: named non-China project pipeline",
                    "see the unit column (capacity added per year)",
                    source="curated from calibration.md s7.4 (company releases) and IEA GCMO 2024 (s7.1)",
                    **_COMMON),
    curated_dataset("rare_earths_demand", "NdFeB magnet demand by consumer region and end use, 2024",
                    "t NdFeB/yr (end_use=total) or fraction (end-use shares)",
                    source="curated from IEA GCMO 2024 magnet demand, China customs exports and KITA (calibration.md s7)",
                    **_COMMON),
    curated_dataset("rare_earths_inventories", "Users' magnet inventories by consumer region",
                    "months of demand",
                    source="assumptions with reasoning (no published statistic); calibration.md s7.2 for the 2025 pauses",
                    **_COMMON),
]
