"""``term_premium``: the term premium of some tenors (or the whole curve) higher by a stated amount."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from treasurylab.scenario.events.base import EventBase, ItemError, RunWindow, Schedules
from treasurylab.scenario.events.registry import register

TENOR_NAMES = ("3m", "2y", "5y", "10y", "30y")     # model.market.TENORS, the curve's points


@register
class TermPremium(EventBase):
    """The term premium of `tenors` (or the whole curve) `size_bp` higher from `date`, for `months`
    months (to the end of the run when absent), then fading with a half-life of `decay_months`. It is
    added to the market's yields (recorded as `event_premium` in the 10-year's decomposition) and
    passes to mortgage and corporate rates and the economy through the macro block; the stress index
    does not count it as a market dislocation (it is a stated repricing, not selling)."""

    order = 90
    type: Literal["term_premium"]
    size_bp: float = Field(ge=-300, le=500, description="change of the term premium, bp (FRB/US's test: +100)")
    tenors: list[str] | Literal["all"] = Field(
        "all", description="the tenors it moves (3m, 2y, 5y, 10y, 30y) or 'all' for the whole curve")
    months: int | None = Field(None, ge=1, le=600, description="how long it holds (default: to the end)")
    decay_months: float = Field(0.0, ge=0, le=240, description="half-life of its fading after it ends (0: at once)")

    @field_validator("size_bp")
    @classmethod
    def _nonzero(cls, v: float) -> float:
        if v == 0:
            raise ValueError("a term-premium event of 0 bp does nothing - give the size in bp, e.g. 100")
        return v

    @field_validator("tenors")
    @classmethod
    def _tenors(cls, v):
        if v == "all":
            return v
        if not v:
            raise ValueError("give at least one tenor, or 'all'")
        for i, t in enumerate(v):
            if t not in TENOR_NAMES:
                raise ItemError(f"unknown tenor - use {', '.join(TENOR_NAMES)} or 'all'", i, t)
            if t in v[:i]:
                raise ItemError("a tenor is listed twice - list each tenor once", i, t)
        return v

    def columns(self) -> list[int]:
        return list(range(5)) if self.tenors == "all" else [TENOR_NAMES.index(t) for t in self.tenors]

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        prof = s.shape(t, self.months, self.decay_months)
        for j in self.columns():
            s.claim(("term_premium", TENOR_NAMES[j]), prof >= 1.0, field_, self.date)
            s.tp_add[:, j] += self.size_bp * 1e-4 * prof

    def describe(self, run: RunWindow | None = None) -> str:
        where = "the whole curve" if self.tenors == "all" else "the " + ", ".join(self.tenors) + " tenor" + \
            ("s" if len(self.tenors) > 1 else "")
        dur = f"for {self.months} months" if self.months else (run.to_end() if run else "to the end of the run")
        t = run.at(self)[0] if run else 0
        cut = (run.months_inside(t, self.months) + run.fade_inside(t, self.months, self.decay_months,
                                                                  [("", self.size_bp)])) if run else ""
        fade = f", then fading with a {self.decay_months:g}-month half-life" if self.decay_months and self.months else ""
        return f"{self.date}: the term premium of {where} {self.size_bp:+g} bp {dur}{fade}{cut}."
