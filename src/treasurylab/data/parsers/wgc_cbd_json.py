"""Parser for the World Gold Council Central Banks Dashboard JSON (fsapi.gold.org, api/cbd/v11).

Layout: ``chartData.linechart.<periodicity>.<metric>.data = [{"name": ISO3, "data": [[unix_ms,
value], ...]}]``. Timestamps are UTC midnight of the period end. The bundled file is a *subset* of
the publisher's response (24 holders, values unchanged; see ATTRIBUTION.txt beside it); the parser
reads a full response the same way.

Output (tidy, long): ``date`` (YYYY-MM-DD, quarter end), ``quarter`` (YYYYqN), ``iso3``, ``country``
(English name), ``metric``, ``value``, ``unit``. Metrics: ``gold_tonnes`` (tonnes), ``gold_usd_mn``
(US$ millions at market prices), ``fx_reserves_usd_mn``, ``total_reserves_usd_mn`` (US$ millions),
``gold_share_pct`` (gold % of total reserves). The ``*_pct_chng`` series are derivable and dropped.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from treasurylab.data.names import ISO3_NAMES
from treasurylab.errors import DataError

VERSION = "wgc-cbd-json-v11-1"

METRICS = {
    "gold_reserves_tns": ("gold_tonnes", "tonnes"),
    "gold_reserves": ("gold_usd_mn", "USD mn"),
    "fx_reserves": ("fx_reserves_usd_mn", "USD mn"),
    "total_reserves": ("total_reserves_usd_mn", "USD mn"),
    "holdings_pct": ("gold_share_pct", "percent"),
}

# English names (as the TIC file prints them) come from data.names.ISO3_NAMES; others keep their code.


def parse_one(path: Path) -> pd.DataFrame:
    path = Path(path)
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
        charts = doc["chartData"]["linechart"]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(
            f"not valid JSON ({type(exc).__name__})",
            field=path.name,
            fix="the file looks truncated or edited; fetch it again from the WGC dashboard",
        ) from None
    except (KeyError, TypeError):
        raise DataError(
            "no chartData.linechart in the JSON",
            field=path.name,
            fix="give a WGC Central Banks Dashboard response (api/cbd charts/getPage)",
        ) from None
    rows = []
    for metrics in charts.values():
        for key, (metric, unit) in METRICS.items():
            for holder in metrics.get(key, {}).get("data", []):
                iso3 = holder["name"]
                for ms, v in holder["data"]:
                    if v is None:
                        continue
                    d = datetime.fromtimestamp(ms / 1000, tz=UTC).date()
                    rows.append(
                        {
                            "date": d.isoformat(),
                            "quarter": f"{d.year}q{(d.month - 1) // 3 + 1}",
                            "iso3": iso3,
                            "country": ISO3_NAMES.get(iso3, iso3),
                            "metric": metric,
                            "value": float(v),
                            "unit": unit,
                        }
                    )
    if not rows:
        raise DataError(
            "no gold-reserve series in the JSON",
            field=path.name,
            fix="give a WGC Central Banks Dashboard response with gold_reserves_tns data",
        )
    return pd.DataFrame(rows)


def parse(paths: list[Path]) -> pd.DataFrame:
    df = pd.concat([parse_one(p) for p in paths], ignore_index=True)
    return df.sort_values(["metric", "iso3", "date"]).reset_index(drop=True)
