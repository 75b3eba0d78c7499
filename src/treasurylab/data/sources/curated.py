"""Curated tables: values with no official data file in the snapshot, each with unit, date and source
(or ``assumption`` with the reasoning), kept as YAML in ``treasurylab/data/curated/``.

Ids::

    curated.maturity_profile          marketable debt by remaining-maturity bucket and type (USD bn), rolled
                                      forward by treasurylab.data.ladder (method in the file and the module)
    curated.ownership_by_sector       Treasury securities by holder sector (USD bn)
    curated.pboc_gold_monthly         People's Bank of China official gold, monthly (million troy oz, tonnes)
    curated.cb_gold_purchases_annual  central banks' net gold purchases by year (tonnes)

Other blocks register their own curated tables with :func:`curated_dataset` (same parser and checks).
"""

from __future__ import annotations

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import curated_yaml

# files are relative to the snapshot folder; curated tables sit beside it
CURATED_DIR = "../curated"


def curated_dataset(name: str, title: str, unit: str, frequency: str, source: str, retrieved: str,
                    *, date_column: str | None = "date", caveats: tuple[str, ...] = (),
                    country_column: str | None = None, release_every: str | None = None) -> Dataset:
    """A Dataset ``curated.<name>`` reading ``data/curated/<name>.yaml`` with the curated-table parser."""
    return Dataset(
        id=f"curated.{name}",
        title=title,
        unit=unit,
        frequency=frequency,
        publisher="treasurylab curated table (sources cited per row)",
        source=source,
        files=(f"{CURATED_DIR}/{name}.yaml",),
        parse=curated_yaml.parse,
        parser_version=curated_yaml.PARSER_VERSION,
        retrieved=retrieved,
        date_column=date_column,
        country_column=country_column,
        release_every=release_every,
        caveats=caveats + ("each row carries its own unit, date and source (or assumption)",),
    )


DATASETS = [
    curated_dataset(
        "maturity_profile",
        "Marketable Treasury debt by remaining maturity (0-1y ... 20-30y) and type, rolled forward to the "
        "latest summary month",
        unit="USD bn",
        frequency="one month (the latest MSPD summary month)",
        source=("Derived by treasurylab.data.ladder from the MSPD security-level statement of 2022-01-31 and "
                "the MSPD summary by type (Bureau of the Fiscal Service); method in the file"),
        retrieved="2026-06-28",
        caveats=("the spread of new issuance over terms since 2022 is an assumption (the 2021-22 mix)",
                 "Federal Financing Bank paper (about USD 4 bn) is not in the ladder"),
    ),
    curated_dataset(
        "ownership_by_sector",
        "Treasury securities by holder sector (Fed, foreign, domestic sectors)",
        unit="USD bn",
        frequency="as dated per row",
        source="per row: TIC, H.4.1, MSPD (snapshot) and published Z.1/Treasury Bulletin figures where cited",
        retrieved="2026-07-01",
        caveats=(("domestic private split not in the snapshot: rows without a verified figure are "
                  "marked assumption"),),
    ),
    curated_dataset(
        "pboc_gold_monthly",
        "People's Bank of China official gold reserves, monthly",
        unit="million troy oz; tonnes",
        frequency="monthly (end of month)",
        source="PBoC monthly reserve data as reported (per row), checked against WGC/IMF IFS quarterly tonnes",
        retrieved="2026-07-01",
        release_every="M",     # the PBoC's monthly reserve release (data/asof.py: about the 7th)
    ),
    curated_dataset(
        "cb_gold_purchases_annual",
        "Central banks' net gold purchases by year (World Gold Council, Gold Demand Trends)",
        unit="tonnes",
        frequency="annual (calendar year)",
        source="World Gold Council, Gold Demand Trends (per row)",
        retrieved="2026-02-05",
    ),
]
