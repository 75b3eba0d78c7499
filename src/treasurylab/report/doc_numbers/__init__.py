"""Numbers quoted in the hand-written docs pages, computed by the package's own functions.

One module per page (``fiscal`` for docs/fiscal.md, ...; a long page may have one per part, named
after it: ``validation_market``, ``validation_minerals``); each defines ``SECTIONS``: marker name ->
a function returning the text between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``.
:mod:`treasurylab.report.docs` merges them (``make docs`` refills the pages, the freshness test fails
when one is stale). Shared computations are cached per process, so one fill runs each model once.
"""

from __future__ import annotations

from collections.abc import Callable

from treasurylab.report.doc_numbers import (
    design,
    fiscal,
    holders_market,
    minerals,
    scenarios,
    validation,
    validation_backstop,
    validation_freeze,
    validation_market,
    validation_minerals,
    validation_stability,
    validation_tipping,
)


def all_sections() -> dict[str, Callable[[], str]]:
    out: dict[str, Callable[[], str]] = {}
    for mod in (fiscal, holders_market, minerals, scenarios, design, validation, validation_market,
                validation_minerals, validation_backstop, validation_stability, validation_tipping,
                validation_freeze):
        clash = set(out) & set(mod.SECTIONS)
        if clash:
            raise ValueError(f"generated section names used twice: {sorted(clash)}")
        out.update(mod.SECTIONS)
    return out
