"""``policy_path``: a path for the policy rate that overrides the Taylor rule for a while."""

from __future__ import annotations

import numbers
from typing import Literal

import numpy as np
from pydantic import Field, field_validator

from treasurylab.scenario.events.base import EventBase, ItemError, RunWindow, Schedules, parse_date
from treasurylab.scenario.events.registry import register


def _ord(d: str) -> int:
    y, m, _ = parse_date(d)
    return 12 * y + m - 1


@register
class PolicyPath(EventBase):
    """The policy rate set by the Fed along `path` (month -> percent) instead of the Taylor rule: from
    `date` it moves in a straight line from the baseline's rate to the first point, then between the
    points; after the last point the rule takes over, starting from there (its inertia smooths the
    hand-over). Markets see the path through the expected short rate, as they see the rule's."""

    order = 92
    type: Literal["policy_path"]
    path: dict[str, float] = Field(description="month (YYYY-MM) -> policy rate in percent, e.g. {2027-06: 2.5}")

    @field_validator("path", mode="before")
    @classmethod
    def _path(cls, v):
        if not isinstance(v, dict) or not v:
            raise ValueError("give at least one point, month: rate in percent, e.g. {2027-06: 2.5}")
        out = {}
        for k, r in v.items():
            key = k.isoformat()[:7] if hasattr(k, "isoformat") else str(k)
            try:
                y, m, _ = parse_date(key)
            except ValueError:
                raise ValueError(f"point {key!r}: not a month - write YYYY-MM") from None
            key = f"{y:04d}-{m:02d}"      # a point is a month: '2026-06-20' is read as 2026-06, as a YAML date is
            if key in out:    # two days of one month (2026-06-01, 2026-06-20): one would be dropped unseen
                raise ItemError(f"a second point in {key} - the path has one rate a month: give each month once",
                                key, r)
            # any real number (numpy's float32 from a notebook too), never a bool or text
            if isinstance(r, bool) or not isinstance(r, numbers.Real) or not np.isfinite(r):
                raise ValueError(f"point {key}: the rate must be a finite number of percent")
            if not -1.0 <= float(r) <= 20.0:
                raise ValueError(f"point {key}: {r}% is outside -1% to 20%")
            out[key] = float(r)
        return out

    def points(self) -> list[tuple[str, float]]:
        return sorted(self.path.items(), key=lambda kv: _ord(kv[0]))

    def check(self, index: int, where_of) -> None:
        from treasurylab.errors import BadInput

        for k, _ in self.points():
            if _ord(k) <= _ord(self.date):
                raise BadInput("a point of the path is not after the event's date",
                               where=where_of(("events", index, "path")), field=f"events[{index}].path.{k}",
                               got=k, fix=f"give months after {self.date[:7]}")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        from treasurylab.errors import BadInput

        pts = self.points()
        ks = [t + _ord(k) - _ord(self.date) for k, _ in pts]
        if ks[-1] >= s.T:
            raise BadInput("the path goes beyond the run", field=f"{field_}.path.{pts[-1][0]}", got=pts[-1][0],
                           fix="end the path within the run's horizon")
        # from the baseline rate of the month before the path starts (a straight line from there)
        start = float(s.base_policy[max(t - 1, 0)]) if s.base_policy is not None else pts[0][1] / 100.0
        x = np.array([t - 1] + ks, dtype=float)
        y = np.array([start] + [r / 100.0 for _, r in pts])
        months = np.zeros(s.T, dtype=bool)
        months[t: ks[-1] + 1] = True
        s.claim(("policy_path", "policy rate"), months, field_, self.date)
        s.policy_path[t: ks[-1] + 1] = np.interp(np.arange(t, ks[-1] + 1, dtype=float), x, y)

    def describe(self, run: RunWindow | None = None) -> str:
        pts = ", ".join(f"{r:g}% by {k}" for k, r in self.points())
        last = self.points()[-1][0]
        # a path past the run is refused when the run is set up (apply): the words say so, not cut it
        past = (f"; its last point is after this run, which ends {run.end}: the run refuses it"
                if run and _ord(last) > run.start_ordinal + run.T - 1 else "")
        return f"{self.date}: the Fed sets the policy rate along a path ({pts}); the rule resumes after {last}{past}."
