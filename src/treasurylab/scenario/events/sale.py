"""``sale``: a named sale by one holder."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from treasurylab.scenario.events.base import EventBase, Schedules
from treasurylab.scenario.events.registry import register


@register
class Sale(EventBase):
    """A named sale spread evenly over `days`: a holder sells `amount_bn` (or `share` of its holdings).
    A surprise moves the transitory term premium; an announced one is priced in the permanent part
    when known."""

    order = 20
    type: Literal["sale"]
    holder: str = Field(description="the holder (forgiving: 'China' -> 'China, Mainland')")
    amount_bn: float | None = Field(None, gt=0, le=50000,
                                    description="USD bn sold (or give share); an announced sale at most what the holder holds "
                                                "at the start (a surprise one is capped at its holdings)")
    share: float | None = Field(None, gt=0, le=1, description="fraction of the holder's holdings sold")
    days: int = Field(30, ge=1, le=3650, description="days over which the sale is spread")
    announced: bool = Field(False, description="known in advance (priced on announcement) or a surprise")

    @model_validator(mode="after")
    def _one_size(self) -> Sale:
        if (self.amount_bn is None) == (self.share is None):
            raise ValueError("give exactly one of amount_bn (USD bn) or share (fraction of holdings)")
        return self

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        from treasurylab.model import holders as H

        j = s.holder(self.holder, f"{field_}.holder")
        held = float(s.holdings0[j])
        if self.announced and self.amount_bn is not None and self.amount_bn > held:
            # the month's flows are capped at the holdings (holders_step), which prices a surprise
            # sale at what is sold; an announced schedule is priced ahead at its stated size, so
            # beyond the holdings the market would price sales that never happen
            from treasurylab.errors import BadInput

            raise BadInput(f"is more than the holder holds at the start ({held:,.1f} bn)", field=f"{field_}.amount_bn",
                           got=self.amount_bn, fix=f"give at most {held:,.1f}, or share: 1 for all of it")
        amount = self.amount_bn if self.amount_bn is not None else self.share * held
        start_day = t * H.DAYS_PER_MONTH + (day - 1)
        sched = H.named_sale_schedule(amount, self.days, s.T, start_day=start_day, field=field_)
        (s.announced if self.announced else s.named)[:, j] += sched

    def describe(self) -> str:
        size = f"USD {self.amount_bn:,.3g}bn" if self.amount_bn is not None else f"{self.share:.0%} of its holdings"
        how = "announced in advance" if self.announced else "unannounced (a surprise to the market)"
        return f"{self.date}: {self.holder} sells {size} of Treasuries over {self.days} days, {how}."
