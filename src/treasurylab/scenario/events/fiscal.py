"""``fiscal``: a fiscal expansion (or consolidation) split into federal purchases and transfers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from treasurylab.scenario.events.base import EventBase, RunWindow, Schedules, window_end
from treasurylab.scenario.events.registry import register


@register
class Fiscal(EventBase):
    """Federal purchases `purchases_pct_gdp` and transfers `transfers_pct_gdp` (% of GDP a year) above
    the baseline from `date`, for `months` months. Both add to the deficit (and so to debt, the fiscal
    premium and the holders' fiscal signal); in the output gap they act with their own multipliers
    (`macro.fiscal_purchases_multiplier`, `macro.fiscal_transfers_multiplier`, held to FRB/US:
    +0.70 pp of gap after 4 quarters per 1% of GDP of purchases, +0.27 pp for transfers). Several
    fiscal events add up, like `fiscal_slippage` (which counts as transfers)."""

    order = 89
    type: Literal["fiscal"]
    purchases_pct_gdp: float = Field(0.0, ge=-10, le=20, description="extra federal purchases, % of GDP a year")
    transfers_pct_gdp: float = Field(0.0, ge=-10, le=20, description="extra transfers to households, % of GDP a year")
    months: int | None = Field(None, ge=1, le=600, description="how long it lasts (default: to the end)")

    @model_validator(mode="after")
    def _some(self) -> Fiscal:
        if self.purchases_pct_gdp == 0 and self.transfers_pct_gdp == 0:
            raise ValueError("give purchases_pct_gdp and/or transfers_pct_gdp (% of GDP), e.g. purchases_pct_gdp: 1")
        return self

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        end = window_end(s.T, t, self.months)
        s.purchases[t:end] += self.purchases_pct_gdp
        s.transfers[t:end] += self.transfers_pct_gdp

    def describe(self, run: RunWindow | None = None) -> str:
        parts = [f"purchases {self.purchases_pct_gdp:+g}% of GDP a year" if self.purchases_pct_gdp else "",
                 f"transfers {self.transfers_pct_gdp:+g}% of GDP a year" if self.transfers_pct_gdp else ""]
        dur = f" for {self.months} months" if self.months else (f" {run.to_end()}" if run else "")
        cut = run.months_inside(run.at(self)[0], self.months) if run else ""
        return f"{self.date}: fiscal policy - federal {' and '.join(p for p in parts if p)}{dur}{cut}."
