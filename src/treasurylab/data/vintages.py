"""Revisions between TIC vintages: the same month and holder as published in two releases.

The March 2026 history (``tic.holdings``), the July 2026 history (``tic.holdings.vintage-2026-07``) and
the July 2026 Table 5 (``tic.table5.vintage-2026-07``) overlap for 2025; :func:`tic_revisions` lines them up
so that a reader sees which figures moved and by how much.
"""

from __future__ import annotations

import pandas as pd

OLD = ("tic.holdings", "2026-03")
NEW = ("tic.holdings.vintage-2026-07", "2026-07")


def tic_revisions(*, min_abs: float = 0.05) -> pd.DataFrame:
    """Rows (date, country, row_type, old, new, revision) where the two vintages differ by >= ``min_abs`` bn."""
    from treasurylab.data import store

    frames = []
    for ds_id, vint in (OLD, NEW):
        df = store.load(ds_id)
        df = df[df["series"] == "current"][["date", "country", "row_type", "value"]].copy()
        frames.append(df.rename(columns={"value": vint}))
    m = frames[0].merge(frames[1], on=["date", "country", "row_type"], how="inner")
    m = m.rename(columns={OLD[1]: "old", NEW[1]: "new"})
    m["revision"] = m["new"] - m["old"]
    m = m[m["revision"].abs() >= min_abs].sort_values(["date", "country"]).reset_index(drop=True)
    m.attrs = {"old_vintage": OLD[1], "new_vintage": NEW[1], "unit": "USD bn"}
    return m
