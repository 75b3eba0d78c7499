"""Official reserves: IMF COFER currency composition and central-bank gold holdings (WGC / IMF IFS).

Ids::

    imf.cofer            COFER world allocated reserves by currency, 2025-Q3/Q4 (shares % and USD bn)
    wgc.gold_reserves    gold reserves of 24 holders, quarterly 2019-Q1 to 2025-Q4 (long: one metric per row)

``imf.cofer``: ``date`` (YYYYqN), ``region`` (G001 world; G110/G200 carry only stale 1999 values),
``indicator`` (share_pct, allocated_reserves), ``currency``, ``value``, ``unit``.
``wgc.gold_reserves``: ``date`` (quarter end YYYY-MM-DD), ``quarter``, ``iso3``, ``country``,
``metric`` (gold_tonnes, gold_usd_mn, fx_reserves_usd_mn, total_reserves_usd_mn, gold_share_pct),
``value``, ``unit``. Use ``metric='gold_tonnes'`` for holdings.
"""

from __future__ import annotations

from treasurylab.data.catalog import Dataset
from treasurylab.data.parsers import imf_cofer_sdmx, wgc_cbd_json

DATASETS = [
    Dataset(
        id="imf.cofer",
        title="Currency Composition of Official Foreign Exchange Reserves (COFER), latest quarters",
        unit="percent (share_pct) or USD bn (allocated_reserves); see the unit column",
        frequency="quarterly",
        release_every="Q",     # COFER's quarterly release (data/asof.py: a quarter after the quarter observed)
        publisher="International Monetary Fund, Statistics Department",
        source=(
            "api.imf.org SDMX 2.1 dataflow IMF.STA:COFER 7.0.1 (prepared 2026-06-28, IMF update 2026-03-27); "
            "copy from GitHub KonstantineVM/dollar-breaking-point, build/data/imf_cofer/, commit "
            "39a79c5c35d063c3bc96f7bf9cddf57a3bc57885"
        ),
        files=(
            "holders/reserves/imf_cofer_2025q4/cofer_shares.xml",
            "holders/reserves/imf_cofer_2025q4/cofer_usd_nv.xml",
            "holders/reserves/imf_cofer_2025q4/cofer_total_nv.xml",
        ),
        parse=imf_cofer_sdmx.parse,
        parser_version=imf_cofer_sdmx.VERSION,
        retrieved="2026-06-28",
        caveats=(
            "a latest-quarter snapshot (world shares 2025-Q4; amounts 2025-Q3 and Q4), not the 1999-2025 history",
            "world level only (country composition is confidential)",
            "the G110/G200 group series carry only a 1999 observation: not current, ignore them",
            "amounts: OBS_VALUE is written in dollars despite SCALE=6; converted to USD bn",
            "the IMF eliminated 'unallocated' reserves in 2025 (revised back), so shares cover ~100% of reserves",
        ),
        attribution=(
            "International Monetary Fund. Currency Composition of Official Foreign Exchange Reserves "
            "(COFER), https://data.imf.org/en/datasets/IMF.STA:COFER"
        ),
        update_url=None,  # three SDMX queries; refresh by downloading them and using "data load"
    ),
    Dataset(
        id="wgc.gold_reserves",
        title="Central-bank gold reserves by holder (24 holders), quarterly",
        unit="see the unit column (tonnes, USD mn, percent)",
        frequency="quarterly (quarter end)",
        publisher="World Gold Council (republishing IMF International Financial Statistics)",
        source=(
            "WGC Central Banks Dashboard API (fsapi.gold.org/api/cbd/v11/charts/getPage, QTD_FULL, 2019-01-01 "
            "to 2025-12-31), fetched 2026-07-01; copy from GitHub KonstantineVM/dollar-breaking-point, "
            "build/reserve/rd2_evidence/cbd_quarterly_2019_2025.json, commit "
            "47bac15346b70df4a31438ab012f826723c44ff6; shipped as a derived subset of 24 holders"
        ),
        files=("holders/reserves/wgc_gold/wgc_cbd_gold_subset_2019_2025.json",),
        parse=wgc_cbd_json.parse,
        parser_version=wgc_cbd_json.VERSION,
        retrieved="2026-07-01",
        country_column="country",
        caveats=(
            "derived subset: 24 of the publisher's 123 holders, values unchanged (see ATTRIBUTION.txt)",
            "supranational holders (IMF, ECB, BIS) are not included",
            (
                "US$ values are at market prices (US gold not at the statutory $42.22/oz); reporters' value and "
                "volume can refer to different dates: use tonnes for holdings"
            ),
        ),
        attribution=(
            "Source: World Gold Council, Central Banks Dashboard; IMF International Financial Statistics. "
            "Used under WGC's terms of use (attribution required)."
        ),
        update_url=None,
    ),
]
