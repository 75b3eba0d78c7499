"""Critical minerals: curated rare-earth chain tables (capacity, projects, demand, inventories).

Ids::

    curated.rare_earths_capacity      effective 2024 capacity by region and stage
    curated.rare_earths_projects      the named non-China pipeline (start dates, ramps)
    curated.rare_earths_demand        magnet demand by consumer region, end-use shares
    curated.rare_earths_inventories   users' magnet inventories in months of cover

No official machine-readable file publishes the rare-earth chain by stage (see the data PROVENANCE
notes: USGS MCS is a PDF; separation and magnet shares come from IEA commentary), so these tables are
curated YAML in ``treasurylab/data/curated/``: one row per number, each with ``value``, ``unit``,
``date`` and either ``source`` (a citation, usually calibration.md s7) or ``assumption`` (the
reasoning). :func:`parse` refuses a row that lacks any of them, naming the file, row and field.

Tidy output columns: the table's own dimensions (``region``, ``stage``, ``end_use``, ``project``...),
``value`` (float), ``unit``, ``date`` (text), ``source``, ``assumption`` (empty string when absent),
``evidence`` ("source" or "assumption").
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from treasurylab.data.catalog import SNAPSHOT_DIR, Dataset
from treasurylab.errors import DataError

VERSION = "curated-yaml-1"
CURATED_DIR = SNAPSHOT_DIR.parent / "curated"
TABLES = ("rare_earths_capacity", "rare_earths_projects", "rare_earths_demand", "rare_earths_inventories")
_REQUIRED = ("value", "unit", "date")


def _rows_of(path: Path) -> list[dict]:
    from treasurylab.yamlio import load_yaml

    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise DataError("curated table needs a 'rows' list", where=doc.where(), field="rows",
                        fix="write 'rows:' followed by one '- {...}' mapping per number")
    out = []
    for i, row in enumerate(data["rows"]):
        where = doc.where(("rows", i))
        if not isinstance(row, dict):
            raise DataError("row must be a mapping", where=where, field=f"rows[{i}]", got=row,
                            fix="write '- {region: ..., value: ..., unit: ..., date: ..., source: ...}'")
        for key in _REQUIRED:
            if row.get(key) in (None, ""):
                raise DataError(f"missing '{key}'", where=where, field=f"rows[{i}].{key}",
                                fix="every curated number needs value, unit, date and a source or assumption")
        if not (row.get("source") or row.get("assumption")):
            raise DataError("needs 'source' or 'assumption'", where=where, field=f"rows[{i}]",
                            fix="cite the publication (source) or give the reasoning (assumption)")
        value = row["value"]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise DataError("value must be a number", where=where, field=f"rows[{i}].value", got=value,
                            fix="write a plain number in the row's unit")
        r = dict(row)
        r["value"] = float(value)
        r["date"] = str(row["date"])
        r["source"] = str(row.get("source") or "")
        r["assumption"] = str(row.get("assumption") or "")
        r["evidence"] = "source" if r["source"] else "assumption"
        r["table"] = str(data.get("table") or path.stem)
        out.append(r)
    return out


def parse(paths: list[Path]):
    """Curated YAML table(s) -> tidy DataFrame (one row per number)."""
    import pandas as pd

    rows: list[dict] = []
    for p in paths:
        rows.extend(_rows_of(Path(p)))
    df = pd.DataFrame(rows)
    if "value" in df:
        df["value"] = df["value"].astype("float64")
    return df


@cache
def table_rows(name: str) -> tuple[dict, ...]:
    """The checked rows of one curated table (plain dicts; no pandas), for the params builder."""
    if name not in TABLES:
        from treasurylab.errors import BadInput, did_you_mean

        raise BadInput("unknown curated minerals table", field="table", got=name, fix=did_you_mean(name, TABLES))
    return tuple(_rows_of(CURATED_DIR / f"{name}.yaml"))


_COMMON = dict(
    frequency="annual (2024 reference year; projects dated by month)",
    publisher="treasurylab curation of USGS, IEA, company and trade-press figures (calibration.md s7)",
    parse=parse,
    parser_version=VERSION,
    retrieved="2026-11-28",
    date_column="date",
    value_column="value",
    caveats=(
        "curated: each row cites its source or states its assumption; [V2] second-hand figures are marked in calibration.md",
        "separation and metal are counted in t NdPr oxide(-equivalent); mining in t REO; magnets in t NdFeB",
    ),
    attribution="USGS Mineral Commodity Summaries 2025; IEA Global Critical Minerals Outlook 2024/2025; company releases",
)

DATASETS = [
    Dataset(id="curated.rare_earths_capacity", title="Rare-earth chain: effective 2024 capacity by region and stage",
            unit="see the unit column (t REO/yr, t NdPr oxide/yr, t Dy+Tb oxide/yr, t NdFeB/yr)",
            source="curated from calibration.md s7.1 and s7.4 (USGS MCS 2025, IEA, Lynas, MP Materials)",
            files=("../curated/rare_earths_capacity.yaml",), **_COMMON),
    Dataset(id="curated.rare_earths_projects", title="Rare-earth chain: named non-China project pipeline",
            unit="see the unit column (capacity added per year)",
            source="curated from calibration.md s7.4 (company releases) and IEA GCMO 2024 (s7.1)",
            files=("../curated/rare_earths_projects.yaml",), **_COMMON),
    Dataset(id="curated.rare_earths_demand", title="NdFeB magnet demand by consumer region and end use, 2024",
            unit="t NdFeB/yr (end_use=total) or fraction (end-use shares)",
            source="curated from IEA GCMO 2024 magnet demand, China customs exports and KITA dependence (calibration.md s7)",
            files=("../curated/rare_earths_demand.yaml",), **_COMMON),
    Dataset(id="curated.rare_earths_inventories", title="Users' magnet inventories by consumer region",
            unit="months of demand",
            source="assumptions with reasoning (no published statistic); calibration.md s7.2 for the 2025 pauses",
            files=("../curated/rare_earths_inventories.yaml",), **_COMMON),
]
