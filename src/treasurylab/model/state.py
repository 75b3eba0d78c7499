"""The whole coupled state: one object holding every block's state, path axis first.

Each block keeps its own state class (``fiscal.FiscalState``, ``holders.HoldersState``,
``market.MarketState``, ``macro.MacroState``, ``reserves.ReservesState``); :class:`CoupledState`
bundles them with the few cross-block memories the monthly order of ``model/coupled.py`` needs
(last month's debt deviation, now and projected, and deficit deviation, net new supply, reserve managers' Treasury
sales, last month's 10-year deviation) and the per-path accumulators (cascade sales, regime flag).
Every array has the path axis first (shape (N,) or (N, A)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class CoupledState:
    fiscal: Any
    holders: Any
    market: Any
    macro: Any
    reserves: Any
    minerals: Any
    debt_dev_pp: np.ndarray         # (N,) projected debt/GDP minus baseline, pp (last month): premia
    debt_now_pp: np.ndarray         # (N,) debt/GDP minus baseline, pp (last month): holders' signal
    deficit_dev_pp: np.ndarray      # (N,) deficit/GDP minus baseline, pp (last month)
    supply_bn: np.ndarray           # (N,) net new marketable debt issued last month, USD bn
    reserves_sales: np.ndarray      # (N, A) reserve managers' Treasury sales decided last month
    dy10_prev: np.ndarray           # (N,) last month's 10-year deviation
    gdp: np.ndarray                 # (N,) nominal GDP last month, USD bn annual rate
    sold_24m: np.ndarray            # (N,) foreign holders' sales beyond baseline in the first 24 months
    regime: np.ndarray              # (N,) bool: a regime bound was hit on this path

    @classmethod
    def start(cls, n: int, a: int, gdp0: float, **blocks: Any) -> CoupledState:
        z = np.zeros(n)
        return cls(debt_dev_pp=z.copy(), debt_now_pp=z.copy(), deficit_dev_pp=z.copy(), supply_bn=z.copy(),
                   reserves_sales=np.zeros((n, a)), dy10_prev=z.copy(), gdp=np.full(n, float(gdp0)),
                   sold_24m=z.copy(), regime=np.zeros(n, dtype=bool), **blocks)
