"""Parser for IMF COFER SDMX-ML 2.1 *StructureSpecificData* responses (api.imf.org, COFER 7.0.1).

Each ``<Series COUNTRY= INDICATOR= FXR_CURRENCY= TYPE_OF_TRANSFORMATION= SCALE=...>`` holds
``<Obs TIME_PERIOD="2025-Q4" OBS_VALUE=.../>``. ``TYPE_OF_TRANSFORMATION``: ``SHRO_PT`` = share of
allocated reserves in percent; ``NV_USD`` = nominal value in US dollars.

Scale quirk: the NV_USD responses say ``SCALE="6"`` but write ``OBS_VALUE`` in *dollars* (world total
13,136,846,413,532.6 = 13.1 trillion, the published COFER total). A value is therefore read as
dollars when it is at least 1e9 and as millions (per SCALE) otherwise; both are reported in USD bn.

Output (tidy): ``date`` (YYYYqN), ``region`` (G001 world, G110 advanced, G200 emerging economies),
``indicator`` (``share_pct`` or ``allocated_reserves``), ``currency`` (USD, EUR, JPY, GBP, CNY, CHF,
AUD, CAD, OTHER, TOTAL), ``value``, ``unit`` (``percent`` or ``USD bn``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from treasurylab.errors import DataError

VERSION = "imf-cofer-sdmx21-1"

_CCY = {"CI_T": "TOTAL", "CI_OTHC": "OTHER"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_one(path: Path) -> pd.DataFrame:
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DataError(
            f"not well-formed SDMX-ML ({exc})",
            field=path.name,
            fix="the file looks truncated or edited; download it again from api.imf.org",
        ) from None
    rows = []
    for s in root.iter():
        if _local(s.tag) != "Series":
            continue
        a = s.attrib
        tr = a.get("TYPE_OF_TRANSFORMATION", "")
        ccy = a.get("FXR_CURRENCY", "")
        ccy = _CCY.get(ccy, ccy.removeprefix("CI_"))
        scale = int(a.get("SCALE", "0") or 0)
        for o in s:
            if _local(o.tag) != "Obs":
                continue
            period = o.attrib["TIME_PERIOD"]
            v = float(o.attrib["OBS_VALUE"])
            if tr.startswith("SHRO"):
                ind, unit = "share_pct", "percent"
            elif tr.startswith("NV"):
                ind, unit = "allocated_reserves", "USD bn"
                v = v / 1e9 if abs(v) >= 1e9 else v * 10**scale / 1e9
            else:
                ind, unit = tr.lower(), "as published"
            rows.append(
                {
                    "date": period.replace("-Q", "q"),
                    "region": a.get("COUNTRY", ""),
                    "indicator": ind,
                    "currency": ccy,
                    "value": v,
                    "unit": unit,
                }
            )
    if not rows:
        raise DataError(
            "no COFER series found in the SDMX file",
            field=path.name,
            fix="give an IMF COFER StructureSpecificData response (api.imf.org)",
        )
    return pd.DataFrame(rows)


def parse(paths: list[Path]) -> pd.DataFrame:
    df = pd.concat([parse_one(p) for p in paths], ignore_index=True)
    df = df.drop_duplicates(["date", "region", "indicator", "currency"], keep="last")
    return df.sort_values(["indicator", "region", "currency", "date"]).reset_index(drop=True)
