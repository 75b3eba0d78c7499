"""Alert rules over the indicators (``treasurylab watch``), written in YAML and evaluated on the store.

A rules file is ``rules:`` followed by a list; each rule has ``id``, ``title`` and a ``kind``:

- ``threshold``: the latest value of ``indicator`` is ``below``/``above`` a level (strict) or
  ``at_most``/``at_least`` it (inclusive);
- ``change``: latest value minus the value ``window`` earlier (``13w``, ``3m``, ``90d``, ``1y``; the
  last observation on or before that date), compared the same way; ``scale`` multiplies the change
  first (``100`` turns percentage points into basis points);
- ``new_low`` / ``new_high``: the latest value is below every (above every) earlier value within
  ``lookback`` (a window as above, or ``all``);
- ``percentile``: the latest value is below (``below_percentile: 10``) or above (``above_percentile: 90``)
  that percentile of the ``previous`` N observations published strictly before it (never a later one; Weibull
  plotting position, so a value drawn like the window's falls below a 10th percentile 10% of the time): a
  level that follows a series whose history drifts;
- ``deadline``: ``days`` after ``start`` (or a parameter's value: ``days_param: minerals.negotiation_days``)
  ends a clock; the rule fires when ``warn_days`` or fewer are left on the evaluation date and stays
  fired ``after_days`` (default: ``warn_days``) after the end, counted in days since it passed; later it
  is quiet and says "passed on DATE, N days ago" (information, not a standing alert). Never a negative
  number of days left.

Every rule may say why its level is what it is (``basis``: ``source: <citation>`` or ``assumption:
<reason>``); the shipped rules all do, and each alert row carries it.

Evaluation (:func:`evaluate`) returns one row per rule: ``status`` is ``fired``, ``quiet`` or ``no data``
(with the reason), with the value and its date, the comparison value and date for a change, and a
sentence, and ``published``: when the value was published, by its dataset's rule in
:data:`treasurylab.data.asof.RULES` (None where there is no rule). ``as_of`` keeps only what was
published by that date (the alerts as they stood then: TIC's April figure is not seen before mid-June;
PBoC gold's February not before 7 March; a series with no rule, none of the shipped indicators', is cut at its
observation date) and dates the deadline clocks; default: today
for clocks, all data for series. An ``as_of`` before the earliest observation any of the rules can use
(the first one published, over their indicators; the start of a deadline clock for a file of deadlines
only) or after today is refused (BadInput): before it every rule would say "no data" and a clock would
count tens of thousands of days, after it the latest data would be passed off as that day's and a clock
would count down days that have not come. A deadline whose clock starts after ``as_of`` is "no data".
"""

from __future__ import annotations

import datetime as dt
import math
import re
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from treasurylab.errors import BadInput, constraint_words, did_you_mean
from treasurylab.numtext import number

SHIPPED_RULES = Path(str(resources.files("treasurylab.monitor") / "rules.yaml"))
EXIT_FIRED = 3  # `treasurylab watch` exits with this when at least one rule fired (0: none; 2: bad input)

# What `treasurylab watch --json` prints, field by field: name -> (unit, meaning). The README's list of the
# fields is generated from these (``make docs``), and a test fails when the output and this list differ, so
# a field added to the output is documented, with its unit, in the same change.
WATCH_JSON_FIELDS = {
    "rules_file": ("text", "the rules file evaluated: `rules.yaml` (the shipped rules) or the path given to "
                           "`--rules`"),
    "as_of": ("date, YYYY-MM-DD", "the `--as-of` date; null without it (the clocks count to today, the series "
                                  "use all data)"),
    "counts": ("number of rules", "`{\"fired\", \"quiet\", \"no data\"}`: how many rules have each status"),
    "exit_code": ("exit status", "the command's exit code: 3 when at least one rule fired, else 0"),
    "alerts": ("list", "one object per rule, in the rules file's order, with the fields below"),
}
ALERT_FIELDS = {
    "id": ("text", "the rule's id"),
    "title": ("text", "the rule's title"),
    "kind": ("text", "`threshold`, `change`, `new_low`, `new_high`, `percentile` or `deadline`"),
    "status": ("text", "`fired`, `quiet` or `no data` (the reason in `message`)"),
    "fired": ("true / false", "whether the rule fired"),
    "value": ("in `unit`", "the latest value judged, as published (full precision); a deadline's days left, or days "
                        "since it passed; null with no data"),
    "date": ("the indicator's period: YYYY-MM (monthly), YYYYqN (quarterly) or YYYY-MM-DD",
             "the period `value` is for (the observation); a deadline's: the day judged"),
    "reference_value": ("in `unit`", "what `value` is compared with: the value `window` earlier (change), the lowest "
                                  "or highest before it (new low or high), the percentile's level (percentile); "
                                  "null for a threshold or a deadline"),
    "reference_date": ("as `date`", "the period of `reference_value` (a percentile's: the last observation in its "
                                    "window); a deadline's: the day its clock ends"),
    "condition": ("text, with its unit", "what fires the rule, in words"),
    "unit": ("text", "the unit of `value` and `reference_value` (USD bn, percent, bp, million troy oz, days left, "
                     "days since it passed)"),
    "change": ("in `change_unit`", "`value` minus `reference_value`, times the rule's `scale` (change rules); "
                                "else null"),
    "change_unit": ("text", "the unit of `change` (bp where `scale: 100` turns percent into basis points); empty "
                            "without a change"),
    "message": ("text, each number with its unit", "the reading in one sentence, as printed under the table"),
    "published": ("date, YYYY-MM-DD", "when the publisher released `value` (its dataset's release rule); null "
                                      "for a deadline"),
    "age": ("words: days, months or years", "how old the observation is on the day judged (`--as-of`, else "
                                            "today): '7 days', '2 months', '2.1 years'; null for a deadline "
                                            "or with no data"),
    "stale": ("text", "the stale flag of each dataset the indicator reads whose next release is overdue "
                      "(data/freshness.py: '<dataset> stale: last observed <period>, next release was due "
                      "~<date>', joined by '; ') on the day judged; null when none is stale, for a deadline "
                      "or with no data"),
    "indicator": ("text", "the indicator the rule reads (`treasurylab.monitor.indicators`); null for a deadline"),
    "scenario": ("text", "a shipped scenario that plays this reading forward; null when none"),
    "basis": ("text", "why the level is what it is: `source: <citation>` or `assumption: <reason>`"),
    "shown": ("text, in `unit` and `change_unit`", "`{\"value\", \"change\"}` written as the sentence and the "
                                                   "table write them (the indicator's digits, thousands "
                                                   "separators; a deadline's whole days); empty text where there "
                                                   "is none"),
}

_WINDOW = re.compile(r"^(\d+)([dwmy])$")


def window_offset(w: str) -> pd.DateOffset:
    m = _WINDOW.match(w)
    n, u = int(m.group(1)), m.group(2)
    return {"d": pd.DateOffset(days=n), "w": pd.DateOffset(weeks=n),
            "m": pd.DateOffset(months=n), "y": pd.DateOffset(years=n)}[u]


#: the longest window in each unit: 100 years. assumption: a century is longer than the history of every
#: bundled dataset (the oldest, macro.federal_surplus, starts in 1901), so a longer window reads nothing more,
#: and it keeps the window's date arithmetic inside pandas' dates (years 1677-2262)
MAX_WINDOW = {"d": 36_525, "w": 5_218, "m": 1_200, "y": 100}


def _check_window(v: str) -> str:
    if not isinstance(v, str) or not _WINDOW.match(v.strip()):
        raise ValueError("not a window - write a number and d, w, m or y, e.g. 13w, 3m, 90d, 1y")
    m = _WINDOW.match(v.strip())
    n, u = int(m.group(1)), m.group(2)
    if not 1 <= n <= MAX_WINDOW[u]:
        # a window of 0 compared a value with itself (a change of 0: a 'below 1' rule always fired)
        raise ValueError(f"a window of {n}{u} - give 1{u} to {MAX_WINDOW[u]:,}{u} (100 years)")
    return v.strip()


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    scenario: str | None = None   # a shipped scenario that plays this reading forward (shown beside the alert)
    # why the level is what it is: "source: <citation>" or "assumption: <reason>" (shown with every alert)
    basis: str | None = None

    @field_validator("basis")
    @classmethod
    def _basis(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.strip()
        if not re.match(r"^(source|assumption):\s*\S", v, re.I):
            raise ValueError("basis must say where the level comes from - write 'source: <citation>' or "
                             "'assumption: <reason>'")
        return v


class _Compare(_Base):
    indicator: str
    below: float | None = None
    above: float | None = None
    at_most: float | None = None
    at_least: float | None = None

    @field_validator("indicator")
    @classmethod
    def _known(cls, v: str) -> str:
        from treasurylab.monitor.indicators import INDICATORS

        if v not in INDICATORS:
            raise ValueError(f"unknown indicator {v!r} - {did_you_mean(v, INDICATORS)}")
        return v

    @model_validator(mode="after")
    def _one_bound(self):
        bounds = {k: getattr(self, k) for k in ("below", "above", "at_most", "at_least")}
        given = {k: v for k, v in bounds.items() if v is not None}
        if len(given) != 1:
            raise ValueError("give exactly one of below, above, at_most, at_least - e.g. 'below: 650'")
        (k, v), = given.items()
        if not math.isfinite(v):
            raise ValueError(f"{k} must be a finite number - write a number such as 650")
        return self

    def bound(self) -> tuple[str, float]:
        return next((k, getattr(self, k)) for k in ("below", "above", "at_most", "at_least")
                    if getattr(self, k) is not None)

    def hit(self, x: float) -> bool:
        k, v = self.bound()
        return {"below": x < v, "above": x > v, "at_most": x <= v, "at_least": x >= v}[k]


class Threshold(_Compare):
    kind: Literal["threshold"]


class Change(_Compare):
    kind: Literal["change"]
    window: str
    scale: float = 1.0
    _w = field_validator("window")(classmethod(lambda cls, v: _check_window(v)))


class Extreme(_Base):
    kind: Literal["new_low", "new_high"]
    indicator: str
    lookback: str = "all"
    _known = field_validator("indicator")(_Compare._known.__func__)

    @field_validator("lookback")
    @classmethod
    def _lb(cls, v: str) -> str:
        return v if v == "all" else _check_window(v)


class Percentile(_Base):
    """The latest value against a percentile of the ``previous`` observations published before it (a level
    that moves with the series' own recent history, for series whose history is not stationary)."""

    kind: Literal["percentile"]
    indicator: str
    previous: int = Field(ge=2)
    below_percentile: float | None = None
    above_percentile: float | None = None
    _known = field_validator("indicator")(_Compare._known.__func__)

    @model_validator(mode="after")
    def _one(self):
        given = {k: v for k, v in (("below_percentile", self.below_percentile),
                                   ("above_percentile", self.above_percentile)) if v is not None}
        if len(given) != 1:
            raise ValueError("give exactly one of below_percentile, above_percentile - e.g. 'below_percentile: 10'")
        (k, v), = given.items()
        if not (math.isfinite(v) and 0 < v < 100):
            raise ValueError(f"{k} must lie strictly between 0 and 100 - e.g. 10")
        q = v / 100
        # the Weibull plotting position q * (previous + 1) must fall between the lowest and the highest of the
        # previous observations, else the level is an extreme of them, not the percentile asked for
        if not 1 <= q * (self.previous + 1) <= self.previous:
            need = math.ceil(1 / min(q, 1 - q) - 1)
            raise ValueError(f"{self.previous} previous observations cannot give a {_ordinal(v)} percentile - "
                             f"give previous: {need} or more")
        return self

    def side(self) -> tuple[str, float]:
        """('below' or 'above', the percentile in percent)."""
        return ("below", self.below_percentile) if self.below_percentile is not None else \
            ("above", self.above_percentile)

    def level(self, window: np.ndarray) -> float:
        """The percentile of ``window`` (the previous observations), Weibull plotting position: the level a
        new draw from the same distribution falls below with probability exactly p/100 (numpy's default,
        linear interpolation, would make a 10th percentile of 36 fire at about 12%)."""
        return float(np.quantile(window, self.side()[1] / 100, method="weibull"))

    def hit(self, x: float, level: float) -> bool:
        return x < level if self.side()[0] == "below" else x > level


def _ordinal(v: float) -> str:
    n = f"{v:g}"
    return n + ("th" if n.endswith(("11", "12", "13")) else {"1": "st", "2": "nd", "3": "rd"}.get(n[-1], "th"))


class Deadline(_Base):
    kind: Literal["deadline"]
    start: dt.date
    days: int | None = Field(default=None, ge=1)
    days_param: str | None = None
    warn_days: int = Field(ge=0)
    # days after the end that the rule stays fired (None: warn_days, the warning's length after it as before it)
    after_days: int | None = Field(default=None, ge=0)

    def after(self) -> int:
        return self.warn_days if self.after_days is None else self.after_days

    @model_validator(mode="after")
    def _one(self):
        if (self.days is None) == (self.days_param is None):
            raise ValueError("give exactly one of days, days_param - e.g. 'days: 180'")
        if self.days is not None:
            try:        # the clock's end must be a calendar date (it overflowed at evaluation: exit 1)
                self.start + dt.timedelta(days=self.days)
            except OverflowError:
                raise ValueError(f"start {self.start} + {self.days:,} days is past the last calendar date "
                                 "(9999-12-31) - give fewer days or an earlier start") from None
        return self

    def length(self) -> tuple[int, str]:
        if self.days is not None:
            return self.days, "rule"
        from treasurylab.params.load import load_params

        block, _, name = self.days_param.partition(".")
        try:
            p = load_params(block)[name]
        except Exception:
            raise BadInput("unknown parameter", field=f"{self.id}.days_param", got=self.days_param,
                           fix="write block.name, e.g. minerals.negotiation_days") from None
        v = p["value"] if isinstance(p, dict) else p
        return int(v), f"parameter {self.days_param}"


Rule = Annotated[Threshold | Change | Extreme | Percentile | Deadline, Field(discriminator="kind")]


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self):
        seen = set()
        for r in self.rules:
            if r.id in seen:
                raise ValueError(f"rule id {r.id!r} is used twice - give each rule its own id")
            seen.add(r.id)
        return self


def _error(exc: ValidationError, doc) -> BadInput:
    err = exc.errors(include_url=False)[0]
    loc = tuple(x for x in err["loc"] if x not in ("threshold", "change", "new_low", "new_high", "percentile",
                                                   "deadline")
                or isinstance(x, int))
    field = ""
    for x in loc:
        field += f"[{x}]" if isinstance(x, int) else (("." if field else "") + str(x))
    # the project's words for pydantic's ('Input should be greater than 0'); a validator's own kept
    msg, fix = constraint_words(err)
    if " - " in msg:
        msg, fix = msg.split(" - ", 1)
    if err["type"] == "extra_forbidden":
        msg, fix = "unknown key", "allowed keys depend on kind: indicator, below/above/at_most/at_least, " \
                                  "window, scale, lookback, previous, below_percentile/above_percentile, start, days, " \
                                  "days_param, warn_days, after_days; any kind: " \
                                  "id, title, basis, scenario"
    elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        msg, fix = "unknown or missing kind", "kind is one of threshold, change, new_low, new_high, percentile, " \
                                                                "deadline"
    elif err["type"] == "missing":
        fix = f"add '{loc[-1]}:'"
    got = err.get("input")
    if isinstance(got, (dict, list)):
        got = None
    return BadInput(msg, where=doc.where(loc), field=field or "rules", got=got, fix=fix or "see the shipped rules.yaml")


def load_rules(path: Path | str | None = None) -> list:
    """Validated rules from a YAML file (default: the shipped ``rules.yaml``); BadInput names the field."""
    from treasurylab.yamlio import load_yaml

    doc = load_yaml(path or SHIPPED_RULES)
    if not isinstance(doc.data, dict):
        raise BadInput("a rules file is a mapping with a 'rules:' list", where=str(doc.path),
                       fix="start the file with 'rules:'")
    try:
        return RuleFile.model_validate(doc.data).rules
    except ValidationError as exc:
        raise _error(exc, doc) from None


def _n_days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def date_label(ts: pd.Timestamp, frequency: str) -> str:
    """A date as its publisher labels it: YYYY-MM for monthly data, YYYYqN for quarterly, else the day."""
    if frequency.startswith("monthly"):
        return f"{ts.year}-{ts.month:02d}"
    if frequency.startswith("quarterly"):
        return f"{ts.year}q{(ts.month - 1) // 3 + 1}"
    return ts.date().isoformat()


_NOT = {"below": "not below", "above": "not above", "at_most": "more than", "at_least": "less than"}


def _verdict(rule, fired: bool, unit: str) -> str:
    """Why a threshold or change rule fired or not, in words: 'below 650 USD bn' / 'not below 650 USD bn'."""
    k, v = rule.bound()
    return f"{k.replace('_', ' ') if fired else _NOT[k]} {number(v, trim=True)} {unit}"


_FREQ_WORD = {"per auction": "auctions", "monthly": "months", "weekly": "weeks", "quarterly": "quarters"}


def replay(rule, s: pd.Series, pub: pd.DatetimeIndex | None = None, at=None) -> pd.DataFrame:
    """A threshold, change, new low or high, or percentile rule judged at observations ``at`` of ``s``
    (positions; default: every one), each as if it were the latest: how often and when the rule would have
    fired over a history, by the code that judges today's value (:func:`evaluate_rule` calls it for the last).

    One row per position, indexed by its date: ``value``; ``compared`` (the value, or a change times
    ``scale``); ``level`` (what it is compared with: the bound, a new low's or high's extreme, the
    percentile); ``reference_date`` / ``reference_value`` (a change's observation ``window`` earlier - the
    last on or before that date -, the extreme's date, the last observation of a percentile's window);
    ``first_date`` (the first of a percentile's window); ``fired`` (NA where the rule cannot judge: no
    observation a window earlier, no earlier one within the lookback, fewer than ``previous`` published
    before it). ``pub`` (when each observation was published, non-decreasing; default: its date) bounds a
    percentile's window: the ``previous`` observations published strictly before the one judged.
    """
    idx, vals = s.index, s.to_numpy(dtype=float)
    pos = np.arange(len(s)) if at is None else np.asarray(at, dtype=int)
    n = len(pos)
    out = pd.DataFrame({"value": vals[pos], "compared": vals[pos], "level": np.nan,
                        "reference_date": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
                        "reference_value": np.nan,
                        "first_date": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]"),
                        "fired": pd.Series(pd.NA, index=range(n), dtype="boolean")})
    out.index = idx[pos]
    if isinstance(rule, Threshold):
        out["level"] = rule.bound()[1]
        out["fired"] = out["compared"].map(rule.hit).astype("boolean")
    elif isinstance(rule, Change):
        targets = idx[pos] - window_offset(rule.window)
        ref = idx.searchsorted(targets, side="right") - 1
        ok = ref >= 0
        out["level"] = rule.bound()[1]
        out.loc[ok, "reference_date"] = idx[ref[ok]]
        out.loc[ok, "reference_value"] = vals[ref[ok]]
        out["compared"] = (out["value"] - out["reference_value"]) * rule.scale
        out.loc[ok, "fired"] = out.loc[ok, "compared"].map(rule.hit).to_numpy()
    elif isinstance(rule, Extreme):
        low = rule.kind == "new_low"
        for j, i in enumerate(pos):
            lo = 0 if rule.lookback == "all" else idx.searchsorted(idx[i] - window_offset(rule.lookback), "left")
            if lo >= i:
                continue
            k = lo + int(np.argmin(vals[lo:i]) if low else np.argmax(vals[lo:i]))
            out.iloc[j, out.columns.get_indexer(["level", "reference_value"])] = vals[k]
            out.iloc[j, out.columns.get_loc("reference_date")] = idx[k]
            out.iloc[j, out.columns.get_loc("fired")] = bool(vals[i] < vals[k] if low else vals[i] > vals[k])
    elif isinstance(rule, Percentile):
        p = np.asarray(idx if pub is None else pub, dtype="datetime64[ns]")
        if np.any(p[1:] < p[:-1]):
            raise ValueError("publication dates must not decrease with the observation dates")
        for j, i in enumerate(pos):
            k = int(np.searchsorted(p, p[i], side="left"))    # observations published strictly before it
            if k < rule.previous:
                continue
            lv = rule.level(vals[k - rule.previous:k])
            out.iloc[j, out.columns.get_loc("level")] = lv
            out.iloc[j, out.columns.get_loc("reference_value")] = vals[k - 1]
            out.iloc[j, out.columns.get_loc("reference_date")] = idx[k - 1]
            out.iloc[j, out.columns.get_loc("first_date")] = idx[k - rule.previous]
            out.iloc[j, out.columns.get_loc("fired")] = rule.hit(vals[i], lv)
    else:
        raise TypeError(f"a {type(rule).__name__} rule has no history to replay")
    return out


def evaluate_rule(rule, get_series, as_of: dt.date | None = None, stale_of=None) -> dict[str, Any]:
    """One rule against ``get_series(indicator) -> pandas.Series`` (raises indicators.Unavailable).
    ``stale_of(datasets, as_of)``: the stale flags (default data/freshness.py's ``stale_flags``; ``evaluate``
    passes a memo, since rules share datasets and each judgement reads its dataset)."""
    from treasurylab.monitor.indicators import INDICATORS, Unavailable

    row: dict[str, Any] = {"id": rule.id, "title": rule.title, "kind": rule.kind, "status": "quiet",
                           "fired": False, "value": None, "date": None, "reference_value": None,
                           "reference_date": None, "condition": "", "unit": "", "change": None,
                           "change_unit": "", "message": "", "published": None, "age": None, "stale": None,
                           "indicator": getattr(rule, "indicator", None), "scenario": rule.scenario,
                           "basis": rule.basis}
    from treasurylab.data.freshness import judged_day

    if isinstance(rule, Deadline):
        today = judged_day(as_of)
        days, basis = rule.length()
        end = rule.start + dt.timedelta(days=days)
        if today < rule.start:
            row.update(status="no data", unit="days left", reference_date=end.isoformat(),
                       condition=f"days left <= {rule.warn_days} ({days} days from {rule.start}, {basis})",
                       message=f"the clock starts on {rule.start}, after {today}")
            return row
        left, after = (end - today).days, rule.after()
        until = end + dt.timedelta(days=after)
        row.update(date=today.isoformat(), reference_date=end.isoformat(),
                   condition=f"days left <= {rule.warn_days}, until {_n_days(after)} after the end "
                             f"({days} days from {rule.start}, {basis})",
                   fired=-after <= left <= rule.warn_days)
        if left >= 0:
            row.update(value=float(left), unit="days left")
            row["message"] = f"{_n_days(left)} left to {end} ({days} days from {rule.start})" + (
                f": {rule.warn_days} days or fewer fire it" if row["fired"] else
                f": more than the {rule.warn_days} days that fire it")
        else:       # passed: the days since, never a negative number of days left
            row.update(value=float(-left), unit="days since it passed")
            row["message"] = f"the deadline passed on {end}, {_n_days(-left)} ago ({days} days from {rule.start})" + (
                f": fired until {until}, {_n_days(after)} after it" if row["fired"] else
                f": information, no longer an alert (it fired until {until}, {_n_days(after)} after it)")
        row["status"] = "fired" if row["fired"] else "quiet"
        return row
    ind = INDICATORS[rule.indicator]
    row["unit"] = ind.unit
    try:
        s = get_series(rule.indicator)
    except Unavailable as exc:
        row.update(status="no data", message=str(exc))
        return row
    from treasurylab.data import age
    from treasurylab.data.freshness import stale_flags
    from treasurylab.monitor.indicators import published

    stale_of = stale_of or stale_flags

    pub = published(rule.indicator, s.index)
    if as_of is not None:   # as things stood then: only what was published by that date
        keep = (pub if pub is not None else s.index) <= pd.Timestamp(as_of)
        s, pub = s[keep], (pub[keep] if pub is not None else None)
    if s.empty:
        row.update(status="no data", message=f"no observation of {rule.indicator} published on or before {as_of}")
        return row
    h = replay(rule, s, pub, at=[len(s) - 1]).iloc[0]
    last_d, last = s.index[-1], float(s.iloc[-1])
    row.update(value=last, date=date_label(last_d, ind.frequency),
               published=pub[-1].date().isoformat() if pub is not None else None)
    # how old the observation is on the day judged, so a months-old week is not read as this week's
    row["age"] = age(row["date"], judged_day(as_of))
    # an old observation may still be the latest release: the stale flag says whether the next one is overdue
    row["stale"] = stale_of(ind.datasets, as_of)
    judged = not pd.isna(h["fired"])
    if judged:
        row["fired"] = bool(h["fired"])
    ref_label = None if pd.isna(h["reference_date"]) else date_label(h["reference_date"], ind.frequency)
    if isinstance(rule, Threshold):
        k, v = rule.bound()
        row["condition"] = f"{k.replace('_', ' ')} {number(v, trim=True)} {ind.unit}"
        row["message"] = f"{ind.title}: {ind.fmt(last)} {ind.unit} on {row['date']}: {_verdict(rule, row['fired'], ind.unit)}"
    elif isinstance(rule, Change):
        k, v = rule.bound()
        unit = "bp" if rule.scale == 100 else ind.unit
        row["condition"] = f"change over {rule.window} {k.replace('_', ' ')} {number(v, trim=True)} {unit}"
        if not judged:
            row.update(status="no data", message=f"no observation {rule.window} before {row['date']}")
            return row
        chg = float(h["compared"])
        # 'value' is the level in the indicator's unit; the change compared with the bound is in its own
        # unit (bp when scale turns a percent into basis points), so the two are never mislabelled
        row.update(reference_value=float(h["reference_value"]), reference_date=ref_label, change=chg,
                   change_unit=unit)
        row["message"] = (f"{ind.title}: {ind.fmt(last)} {ind.unit} on {row['date']} against "
                          f"{ind.fmt(row['reference_value'])} {ind.unit} on {row['reference_date']}, a change of "
                          f"{ind.fmt(chg, rule.scale)} {unit}: {_verdict(rule, row['fired'], unit)}")
    elif isinstance(rule, Percentile):
        side, pct = rule.side()
        what = f"the {_ordinal(pct)} percentile of the previous {rule.previous} {_FREQ_WORD.get(ind.frequency, 'observations')}"
        row["condition"] = f"{side} {what}"
        if not judged:
            row.update(status="no data", message=f"fewer than {rule.previous} observations published before "
                                                 f"{row['date']}: {what} cannot be computed")
            return row
        lv = float(h["level"])
        row.update(reference_value=lv, reference_date=ref_label)
        row["condition"] += f" ({ind.fmt(lv)} {ind.unit})"
        row["message"] = (f"{ind.title}: {ind.fmt(last)} {ind.unit} on {row['date']}; {what} "
                          f"({date_label(h['first_date'], ind.frequency)} to {ref_label}) is {ind.fmt(lv)} {ind.unit}: "
                          + ("" if row["fired"] else "not ") + f"{side} it")
    else:
        row["condition"] = f"{rule.kind.replace('_', ' ')} over {rule.lookback}"
        if not judged:
            row.update(status="no data", message=f"no earlier observation within {rule.lookback}")
            return row
        row.update(reference_value=float(h["reference_value"]), reference_date=ref_label)
        word = "lowest" if rule.kind == "new_low" else "highest"
        row["message"] = (f"{ind.title}: {ind.fmt(last)} {ind.unit} on {row['date']}; the {word} before it within "
                          f"{rule.lookback} was {ind.fmt(row['reference_value'])} {ind.unit} on {row['reference_date']}: "
                          + ("a " if row["fired"] else "not a ") + rule.kind.replace("_", " "))
    row["fired"] = bool(row["fired"])
    row["status"] = "fired" if row["fired"] else "quiet"
    return row


def shown_numbers(row: dict[str, Any]) -> dict[str, str]:
    """The ``value`` and ``change`` of an evaluated row written as its sentence writes them (the
    indicator's :meth:`~treasurylab.monitor.indicators.Indicator.fmt`; a deadline's whole days, kept by
    :func:`evaluate` in ``shown``), for a table beside the sentence: the watch's and the dashboard's; blank
    where there is none."""
    return dict(row.get("shown") or {"value": "", "change": ""})


def evaluate(rules: list, as_of: dt.date | None = None, get_series=None) -> list[dict[str, Any]]:
    """Every rule evaluated; indicators read once each from the store (or from ``get_series``)."""
    from treasurylab.monitor import indicators

    cache: dict[str, Any] = {}

    def cached(name: str):
        if name not in cache:
            try:
                cache[name] = (get_series or indicators.series)(name)
            except indicators.Unavailable as exc:
                cache[name] = exc
        if isinstance(cache[name], Exception):
            raise cache[name]
        return cache[name]

    from treasurylab.data.freshness import stale_flags

    flags: dict[tuple, str | None] = {}

    def stale_of(datasets, day):
        key = (tuple(datasets), day)
        if key not in flags:
            flags[key] = stale_flags(datasets, as_of=day)
        return flags[key]

    if as_of is not None:
        check_as_of(rules, as_of, cached)
    return [_with_shown(r, evaluate_rule(r, cached, as_of, stale_of)) for r in rules]


def _with_shown(rule, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with ``shown``: its value and change as its sentence writes them (one rule for both)."""
    from treasurylab.monitor.indicators import INDICATORS

    ind = INDICATORS.get(row.get("indicator") or "")
    fmt = ind.fmt if ind else (lambda x, scale=1.0: number(x, 0, small=False))    # a deadline: whole days
    row["shown"] = {"value": "" if row["value"] is None else fmt(row["value"]),
                    "change": "" if row["change"] is None else fmt(row["change"], getattr(rule, "scale", 1.0))}
    return row


def earliest_usable(rules: list, get_series) -> dt.date | None:
    """The first date on which any of ``rules`` has something to judge: the earliest publication (else
    observation) date of the first observation a rule can judge (a threshold's first; a change's first
    with an observation ``window`` before it; a new low's or high's second; a percentile's with
    ``previous`` before it); for a file of deadlines
    only, the earliest start of their clocks. None when no rule has either."""
    from treasurylab.monitor.indicators import Unavailable, published

    firsts = []
    for rule in rules:
        if isinstance(rule, Deadline):
            continue
        try:
            s = get_series(rule.indicator)
        except Unavailable:
            continue
        idx = s.index
        if isinstance(rule, Change) and len(idx):
            idx = idx[idx - window_offset(rule.window) >= idx[0]]
        elif isinstance(rule, Extreme):
            idx = idx[1:]
        elif isinstance(rule, Percentile):
            idx = idx[rule.previous:]
        if len(idx):
            pub = published(rule.indicator, idx[:1])
            firsts.append((pub[0] if pub is not None else idx[0]).date())
    if not firsts:
        firsts = [r.start for r in rules if isinstance(r, Deadline)]
    return min(firsts, default=None)


def check_as_of(rules: list, as_of: dt.date, get_series) -> None:
    """``as_of`` between the earliest date any rule can use and today, else BadInput naming the range."""
    from treasurylab.data import clock

    today = clock.today()
    floor = earliest_usable(rules, get_series)
    span = f"from {floor} to today ({today})" if floor is not None else f"up to today ({today})"
    if floor is not None and as_of < floor:
        raise BadInput("before the earliest observation any rule can use", field="as_of", got=as_of.isoformat(),
                       fix=f"give a date {span}")
    if as_of > today:
        raise BadInput("after today: there are no data from the future to judge", field="as_of",
                       got=as_of.isoformat(), fix=f"give a date {span}; leave it out to judge the latest data")
