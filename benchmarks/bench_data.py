"""Data layer: parse-once cost and store-load cost of the big datasets, and ``series()`` filter latency.

For each of ``tic.holdings``, ``yields.cmt`` and ``cbo.eval.baselines``:

- parse: the pure parser over the bundled files (``Dataset.parse(paths)``), best of the repeats;
- cold load: ``store.load`` into an empty store = sha256 of the inputs + parse + atomic Parquet/JSON write;
- warm load: ``store.load`` when the result is stored = sha256 of the inputs (to find the store key) +
  Parquet read. This is what every ``series()`` call pays.

Then ``series()`` with the filters users type (country match + date window; a column filter), warm.
All in a temporary store (never the user's). Best of the repeats; throughput in rows/s or input MB/s.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

BIG = ("tic.holdings", "yields.cmt", "cbo.eval.baselines")
QUERIES = [
    ("tic.holdings", {"country": "china", "start": "2013-01", "series": "current"}),
    ("yields.cmt", {"series": "DGS10", "start": "2020-01"}),
    ("cbo.eval.baselines", {"baseline_date": "2026-02", "component": "debt"}),
]


def _best(fn, repeats: int) -> tuple[float, float, object]:
    """(best seconds, first seconds, last result) of ``repeats`` calls."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), times[0], out


def run(repeats: int = 5) -> list[dict]:
    from treasurylab.data import catalog, series, store

    rows = []
    root = tempfile.mkdtemp(prefix="treasurylab-bench-store-")
    old = os.environ.get("TREASURYLAB_STORE")
    os.environ["TREASURYLAB_STORE"] = root
    try:
        for ds_id in BIG:
            ds = catalog.get(ds_id)
            paths = ds.paths()
            mb = sum(p.stat().st_size for p in paths) / 1e6
            best, first, df = _best(lambda ds=ds, paths=paths: ds.parse(paths), repeats)
            n = len(df)
            rows.append({
                "name": f"data: parse {ds_id}",
                "size": f"{mb:.1f} MB in {len(paths)} file(s) -> {n:,} rows",
                "seconds": best,
                "throughput": f"{n / best / 1e3:,.0f} k rows/s ({mb / best:.1f} MB/s)",
                "target": "parsed once per snapshot; < 2 s",
                "notes": f"first run {first:.3f} s",
            })
            cold = []
            for _ in range(max(1, repeats // 2)):
                shutil.rmtree(os.path.join(root, ds_id), ignore_errors=True)
                t0 = time.perf_counter()
                store.load(ds_id, paths=paths)
                cold.append(time.perf_counter() - t0)
            rows.append({
                "name": f"data: cold store load {ds_id}",
                "size": f"{n:,} rows",
                "seconds": min(cold),
                "throughput": f"{n / min(cold) / 1e3:,.0f} k rows/s",
                "target": "< 2.5 s (parse + hash + Parquet write)",
                "notes": "empty store: sha256 + parse + atomic Parquet and JSON write",
            })
            best, first, _ = _best(lambda ds_id=ds_id, paths=paths: store.load(ds_id, paths=paths), repeats)
            rows.append({
                "name": f"data: warm store load {ds_id}",
                "size": f"{n:,} rows",
                "seconds": best,
                "throughput": f"{n / best / 1e6:,.1f} M rows/s",
                "target": "< 0.2 s",
                "notes": f"sha256 of {mb:.1f} MB + Parquet read; first {first:.3f} s",
            })
        for ds_id, filters in QUERIES:
            best, first, df = _best(lambda ds_id=ds_id, filters=filters: series(ds_id, **filters), repeats)
            shown = ", ".join(f"{k}={v}" for k, v in filters.items())
            rows.append({
                "name": f"data: series({ds_id}, {shown})",
                "size": f"{len(df):,} rows returned",
                "seconds": best,
                "throughput": f"{1 / best:,.0f} calls/s",
                "target": "< 0.2 s (interactive)",
                "notes": f"warm store; first {first:.3f} s",
            })
    finally:
        if old is None:
            os.environ.pop("TREASURYLAB_STORE", None)
        else:
            os.environ["TREASURYLAB_STORE"] = old
        shutil.rmtree(root, ignore_errors=True)
    return rows


if __name__ == "__main__":
    for r in run(repeats=3):
        print(f"{r['name']}: {r['seconds']:.4f} s  {r['throughput']}  ({r['size']}; {r['notes']})")
