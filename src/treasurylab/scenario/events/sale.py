"""``sale``: a named sale by one holder."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field, model_validator

from treasurylab.scenario.events.base import (
    EventBase,
    ItemError,
    RunWindow,
    Schedules,
    month_count,
    months_text,
)
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
                                    description="USD bn sold (or give share); a holder's announced sales together at most "
                                                "what it holds at the start (a surprise one is capped at its holdings "
                                                "when sold)")
    share: float | None = Field(None, gt=0, le=1, description="fraction of the holder's holdings at the start sold")
    days: int = Field(30, ge=1, le=3650, description="days over which the sale is spread")
    announced: bool = Field(False, description="known in advance (priced on announcement) or a surprise")

    @model_validator(mode="after")
    def _one_size(self) -> Sale:
        if self.amount_bn is not None and self.share is not None:
            raise ItemError(f"given with amount_bn ({self.amount_bn:g} USD bn): a sale's size is one of the two "
                            "- keep amount_bn (USD bn) or share (fraction of holdings), not both", "share", self.share)
        if self.amount_bn is None and self.share is None:
            raise ItemError("a sale needs a size - add amount_bn: (USD bn) or share: (fraction of the "
                            "holder's holdings at the start)", "amount_bn", None)
        return self

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        j = s.holder(self.holder, f"{field_}.holder")
        held = float(s.holdings0[j])
        amount = self.amount_bn if self.amount_bn is not None else self.share * held
        if self.announced:
            _check_announced_total(s, j, _start_day(t, day), amount, field_, self)
        (s.announced if self.announced else s.named)[:, j] += self.schedule(amount, s.T, t, day, field_)

    def schedule(self, amount: float, T: int, t: int, day: int, field_: str = "sale"):
        """[T] monthly flows of ``amount`` (USD bn, or a share: the schedule is linear in it) sold evenly
        over ``days`` from day ``day`` of month ``t``, cut at the run's end: what ``apply`` writes and the
        words count."""
        from treasurylab.model import holders as H

        return H.named_sale_schedule(amount, self.days, T, start_day=_start_day(t, day), field=field_)

    def describe(self, run: RunWindow | None = None) -> str:
        size = _size(self.amount_bn, self.share)
        how = "announced in advance" if self.announced else "unannounced (a surprise to the market)"
        who = run.holder(self.holder) if run else self.holder
        cut = ""
        if run is not None:
            from treasurylab.model.holders import DAYS_PER_MONTH

            t, day = run.at(self)
            given = self.amount_bn if self.amount_bn is not None else self.share
            inside = float(self.schedule(given, run.T, t, day).sum())
            if inside < given * (1 - 1e-9):
                part = _size(inside if self.amount_bn is not None else None,
                             inside if self.amount_bn is None else None)
                got = inside / given * self.days / DAYS_PER_MONTH
                cut = run.inside(f"{part} ({month_count(got)} of "
                                 f"{months_text(self.days / DAYS_PER_MONTH)})")
        return f"{self.date}: {who} sells {size} of Treasuries over {self.days:,} days, {how}{cut}."


def _start_day(t: int, day: int) -> float:
    """Days from the run's start to day ``day`` of month ``t`` (months of 365.25/12 days)."""
    from treasurylab.model import holders as H

    return t * H.DAYS_PER_MONTH + (day - 1)


def _size(amount_bn: float | None, share: float | None) -> str:
    """'USD 300bn', 'USD 0.1bn' or '25% of its holdings' (at the start)."""
    if amount_bn is not None:
        return f"USD {amount_bn:,.0f}bn" if amount_bn >= 100 else f"USD {amount_bn:,.3g}bn"
    return f"{share:.0%} of its holdings" if abs(100 * share - round(100 * share)) < 1e-9 else \
        f"{100 * share:.3g}% of its holdings"


def _check_announced_total(s: Schedules, j: int, start_day: float, amount: float, field_: str,
                           sale: Sale) -> None:
    """Refuse announced sales by holder ``j`` that add up to more than it holds at the start.

    The month's flows are capped at the holdings (``holders_step``), which prices a surprise sale at
    what is sold; an announced schedule, though, is priced ahead in the expected stock at its stated
    size, so announced sales beyond the holdings would price sales that never happen. The rule is the
    simplest one that holds whatever the run does: the stated sizes of one holder's announced sales
    (whatever their windows) add up to at most its holdings at the start. What programmes, the
    cascade or surprise sales will have sold by then depends on the paths, so it is not known here;
    the month's cap still holds those flows to what is left. The sale named is the one, in date order
    (listing order on the same day), whose size takes the total past the holdings.
    """
    from treasurylab.errors import BadInput

    held = float(s.holdings0[j])
    key = "amount_bn" if sale.amount_bn is not None else "share"
    sales = s.announced_sizes.setdefault(j, [])
    sales.append((start_day, len(sales), amount, f"{field_}.{key}", getattr(sale, key)))
    limit = held * (1 + 1e-12)   # shares that add up to 1 may exceed the holdings by a rounding error
    if sum(x[2] for x in sales) <= limit:
        return
    ordered = sorted(sales)
    before, k = 0.0, 0
    while before + ordered[k][2] <= limit:   # the total is past the limit, so some sale takes it past
        before += ordered[k][2]
        k += 1
    _, _, size, field_k, got = ordered[k]
    earlier = [x[3].rsplit(".", 1)[0] for x in ordered[:k]]
    name, room = s.names[j], max(held - before, 0.0)
    if not earlier:
        problem = f"is more than {name} holds at the start ({held:,.1f} bn)"
    else:
        problem = (f"with {', '.join(earlier)} before it, {name}'s announced sales come to {before + size:,.1f} bn, "
                   f"more than it holds at the start ({held:,.1f} bn)")
    share = field_k.endswith(".share")
    digits = 4 if share or room < 1 else 1
    most = _floor(room / held if share else room, digits) if held > 0 else 0.0
    if most <= 0:
        fix = (f"nothing is left to sell after {', '.join(earlier)}: drop this sale or make those smaller"
               if earlier else "the holder holds nothing at the start: drop this sale")
    elif share:
        fix = f"give a share of at most {most:g}, or make the earlier sales smaller"
    else:
        fix = f"give at most {most:,.{digits}f}, " + (
            "or make the earlier sales smaller" if earlier else "or share: 1 for all of it")
    raise BadInput(problem, field=field_k, got=got, fix=fix)


def _floor(x: float, digits: int) -> float:
    """``x`` rounded down to ``digits`` decimals: the size a fix suggests must itself pass."""
    return math.floor(x * 10**digits) / 10**digits
