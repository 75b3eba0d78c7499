"""The catalog: every dataset the package knows, where its files are and which parser reads them.

Each module in ``treasurylab.data.sources`` defines ``DATASETS: list[Dataset]``; the catalog collects
them all. A dataset id is dotted, source first (``tic.holdings``, ``cbo.eval.baselines``,
``yields.cmt``). Files are paths relative to the bundled snapshot (``treasurylab/data/snapshot``).

Parsers are plain functions ``parse(paths: list[Path]) -> pandas.DataFrame`` returning a *tidy* table
(one observation per row). Conventions for columns: ``date`` as text (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD`` or ``YYYYqN``) so that prefix comparisons implement ``--start/--end``; ``value`` in
the dataset's ``unit``; ``country`` for country names as the publisher prints them (cleaned).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import treasurylab.data.sources as _sources
from treasurylab.errors import BadInput, did_you_mean

SNAPSHOT_DIR = Path(str(resources.files("treasurylab.data") / "snapshot"))


@dataclass(frozen=True)
class Dataset:
    id: str
    title: str
    unit: str
    frequency: str
    publisher: str
    source: str
    files: tuple[str, ...]
    parse: Callable = field(repr=False, compare=False)
    parser_version: str
    retrieved: str
    date_column: str | None = "date"
    value_column: str | None = "value"
    country_column: str | None = None
    caveats: tuple[str, ...] = ()
    series_breaks: tuple[str, ...] = ()
    attribution: str = ""
    update_url: str | None = None  # where `data update` fetches a fresh copy (None: no online source)
    # how often the publisher releases the next period: "B" (business day), "W" (week), "M" (month),
    # "Q" (quarter), "Y" (year); with the dataset's rule in data/asof.py it says when the next release is due
    # (data/freshness.py). None: irregular, a frozen vintage or a history file - not judged stale
    release_every: str | None = None

    def paths(self) -> list[Path]:
        return [SNAPSHOT_DIR / f for f in self.files]

    @property
    def parser_name(self) -> str:
        return f"{self.parse.__module__}.{self.parse.__name__}"


@lru_cache(maxsize=1)
def _all() -> dict[str, Dataset]:
    out: dict[str, Dataset] = {}
    for mod in pkgutil.iter_modules(_sources.__path__):
        m = importlib.import_module(f"treasurylab.data.sources.{mod.name}")
        for ds in getattr(m, "DATASETS", []):
            if ds.id in out:
                raise RuntimeError(f"dataset id {ds.id} defined twice")
            out[ds.id] = ds
    return dict(sorted(out.items()))


def datasets() -> dict[str, Dataset]:
    return _all()


def get(dataset_id: str) -> Dataset:
    all_ = _all()
    if dataset_id not in all_:
        raise BadInput(
            "unknown dataset id",
            field="id",
            got=dataset_id,
            fix=did_you_mean(dataset_id, all_) + " ('treasurylab data list' shows them all)",
        )
    return all_[dataset_id]
