"""Alert rules over the indicators (``treasurylab watch``), written in YAML and evaluated on the store.

A rules file is ``rules:`` followed by a list; each rule has ``id``, ``title`` and a ``kind``:

- ``threshold``: the latest value of ``indicator`` is ``below``/``above`` a level (strict) or
  ``at_most``/``at_least`` it (inclusive);
- ``change``: latest value minus the value ``window`` earlier (``13w``, ``3m``, ``90d``, ``1y``; the
  last observation on or before that date), compared the same way; ``scale`` multiplies the change
  first (``100`` turns percentage points into basis points);
- ``new_low`` / ``new_high``: the latest value is below every (above every) earlier value within
  ``lookback`` (a window as above, or ``all``);
- ``deadline``: ``days`` after ``start`` (or a parameter's value: ``days_param: minerals.negotiation_days``)
  ends a clock; the rule fires when ``warn_days`` or fewer are left on the evaluation date (a passed
  deadline fires too, with a negative number of days left).

Every rule may say why its level is what it is (``basis``: ``source: <citation>`` or ``assumption:
<reason>``); the shipped rules all do, and each alert row carries it.

Evaluation (:func:`evaluate`) returns one row per rule: ``status`` is ``fired``, ``quiet`` or ``no data``
(with the reason), with the value and its date, the comparison value and date for a change, and a
sentence, and ``published``: when the value was published, by its dataset's rule in
:data:`treasurylab.data.asof.RULES` (None where there is no rule). ``as_of`` keeps only what was
published by that date (the alerts as they stood then: TIC's April figure is not seen before mid-June;
a series with no rule is cut at its observation date) and dates the deadline clocks; default: today
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

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from treasurylab.errors import BadInput, did_you_mean

SHIPPED_RULES = Path(str(resources.files("treasurylab.monitor") / "rules.yaml"))
EXIT_FIRED = 3  # `treasurylab watch` exits with this when at least one rule fired (0: none; 2: bad input)

_WINDOW = re.compile(r"^(\d+)([dwmy])$")


def window_offset(w: str) -> pd.DateOffset:
    m = _WINDOW.match(w)
    n, u = int(m.group(1)), m.group(2)
    return {"d": pd.DateOffset(days=n), "w": pd.DateOffset(weeks=n),
            "m": pd.DateOffset(months=n), "y": pd.DateOffset(years=n)}[u]


def _check_window(v: str) -> str:
    if not isinstance(v, str) or not _WINDOW.match(v.strip()):
        raise ValueError("not a window - write a number and d, w, m or y, e.g. 13w, 3m, 90d, 1y")
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


class Deadline(_Base):
    kind: Literal["deadline"]
    start: dt.date
    days: int | None = Field(default=None, ge=1)
    days_param: str | None = None
    warn_days: int = Field(ge=0)

    @model_validator(mode="after")
    def _one(self):
        if (self.days is None) == (self.days_param is None):
            raise ValueError("give exactly one of days, days_param - e.g. 'days: 180'")
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


Rule = Annotated[Threshold | Change | Extreme | Deadline, Field(discriminator="kind")]


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
    loc = tuple(x for x in err["loc"] if x not in ("threshold", "change", "new_low", "new_high", "deadline")
                or isinstance(x, int))
    field = ""
    for x in loc:
        field += f"[{x}]" if isinstance(x, int) else (("." if field else "") + str(x))
    msg = err["msg"].removeprefix("Value error, ")
    fix = None
    if " - " in msg:
        msg, fix = msg.split(" - ", 1)
    if err["type"] == "extra_forbidden":
        msg, fix = "unknown key", "allowed keys depend on kind: indicator, below/above/at_most/at_least, " \
                                  "window, scale, lookback, start, days, days_param, warn_days; any kind: " \
                                  "id, title, basis, scenario"
    elif err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        msg, fix = "unknown or missing kind", "kind is one of threshold, change, new_low, new_high, deadline"
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


def _fmt(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if abs(x) < 1e4 else f"{x:,.0f}"


def date_label(ts: pd.Timestamp, frequency: str) -> str:
    """A date as its publisher labels it: YYYY-MM for monthly data, YYYYqN for quarterly, else the day."""
    if frequency.startswith("monthly"):
        return f"{ts.year}-{ts.month:02d}"
    if frequency.startswith("quarterly"):
        return f"{ts.year}q{(ts.month - 1) // 3 + 1}"
    return ts.date().isoformat()


def _at_or_before(s: pd.Series, when: pd.Timestamp) -> tuple[pd.Timestamp, float] | None:
    s = s[s.index <= when]
    return (s.index[-1], float(s.iloc[-1])) if len(s) else None


_NOT = {"below": "not below", "above": "not above", "at_most": "more than", "at_least": "less than"}


def _verdict(rule, fired: bool, unit: str) -> str:
    """Why a threshold or change rule fired or not, in words: 'below 650 USD bn' / 'not below 650 USD bn'."""
    k, v = rule.bound()
    return f"{k.replace('_', ' ') if fired else _NOT[k]} {_fmt(v)} {unit}"


def evaluate_rule(rule, get_series, as_of: dt.date | None = None) -> dict[str, Any]:
    """One rule against ``get_series(indicator) -> pandas.Series`` (raises indicators.Unavailable)."""
    from treasurylab.monitor.indicators import INDICATORS, Unavailable

    row: dict[str, Any] = {"id": rule.id, "title": rule.title, "kind": rule.kind, "status": "quiet",
                           "fired": False, "value": None, "date": None, "reference_value": None,
                           "reference_date": None, "condition": "", "unit": "", "change": None,
                           "change_unit": "", "message": "", "published": None,
                           "indicator": getattr(rule, "indicator", None), "scenario": rule.scenario,
                           "basis": rule.basis}
    if isinstance(rule, Deadline):
        today = as_of or dt.date.today()
        days, basis = rule.length()
        end = rule.start + dt.timedelta(days=days)
        if today < rule.start:
            row.update(status="no data", unit="days left", reference_date=end.isoformat(),
                       condition=f"days left <= {rule.warn_days} ({days} days from {rule.start}, {basis})",
                       message=f"the clock starts on {rule.start}, after {today}")
            return row
        left = (end - today).days
        row.update(value=float(left), date=today.isoformat(), reference_date=end.isoformat(), unit="days left",
                   condition=f"days left <= {rule.warn_days} ({days} days from {rule.start}, {basis})",
                   fired=left <= rule.warn_days)
        row["message"] = (f"{left} days left to {end} ({days} days from {rule.start})" if left >= 0 else
                          f"the deadline {end} passed {-left} days ago ({days} days from {rule.start})")
        row["message"] += (f": {rule.warn_days} days or fewer fire it" if row["fired"] else
                           f": more than the {rule.warn_days} days that fire it")
        row["status"] = "fired" if row["fired"] else "quiet"
        return row
    ind = INDICATORS[rule.indicator]
    row["unit"] = ind.unit
    try:
        s = get_series(rule.indicator)
    except Unavailable as exc:
        row.update(status="no data", message=str(exc))
        return row
    from treasurylab.monitor.indicators import published

    pub = published(rule.indicator, s.index)
    if as_of is not None:   # as things stood then: only what was published by that date
        keep = (pub if pub is not None else s.index) <= pd.Timestamp(as_of)
        s, pub = s[keep], (pub[keep] if pub is not None else None)
    if s.empty:
        row.update(status="no data", message=f"no observation of {rule.indicator} published on or before {as_of}")
        return row
    last_d, last = s.index[-1], float(s.iloc[-1])
    row.update(value=last, date=date_label(last_d, ind.frequency),
               published=pub[-1].date().isoformat() if pub is not None else None)
    if isinstance(rule, Threshold):
        k, v = rule.bound()
        row["condition"] = f"{k.replace('_', ' ')} {_fmt(v)} {ind.unit}"
        row["fired"] = rule.hit(last)
        row["message"] = f"{ind.title}: {_fmt(last)} {ind.unit} on {row['date']}: {_verdict(rule, row['fired'], ind.unit)}"
    elif isinstance(rule, Change):
        ref = _at_or_before(s, last_d - window_offset(rule.window))
        k, v = rule.bound()
        unit = "bp" if rule.scale == 100 else ind.unit
        row["condition"] = f"change over {rule.window} {k.replace('_', ' ')} {_fmt(v)} {unit}"
        if ref is None:
            row.update(status="no data", message=f"no observation {rule.window} before {row['date']}")
            return row
        chg = (last - ref[1]) * rule.scale
        # 'value' is the level in the indicator's unit; the change compared with the bound is in its own
        # unit (bp when scale turns a percent into basis points), so the two are never mislabelled
        row.update(reference_value=ref[1], reference_date=date_label(ref[0], ind.frequency), change=chg,
                   change_unit=unit)
        row["fired"] = rule.hit(chg)
        row["message"] = (f"{ind.title}: {_fmt(last)} {ind.unit} on {row['date']} against {_fmt(ref[1])} "
                          f"{ind.unit} on {row['reference_date']}, a change of {_fmt(chg)} {unit}: "
                          f"{_verdict(rule, row['fired'], unit)}")
    else:
        start = s.index[0] if rule.lookback == "all" else last_d - window_offset(rule.lookback)
        prior = s[(s.index >= start) & (s.index < last_d)]
        row["condition"] = f"{rule.kind.replace('_', ' ')} over {rule.lookback}"
        if prior.empty:
            row.update(status="no data", message=f"no earlier observation within {rule.lookback}")
            return row
        ref_d = prior.idxmin() if rule.kind == "new_low" else prior.idxmax()
        row.update(reference_value=float(prior[ref_d]), reference_date=date_label(ref_d, ind.frequency))
        row["fired"] = last < prior.min() if rule.kind == "new_low" else last > prior.max()
        word = "lowest" if rule.kind == "new_low" else "highest"
        row["message"] = (f"{ind.title}: {_fmt(last)} {ind.unit} on {row['date']}; the {word} before it within "
                          f"{rule.lookback} was {_fmt(row['reference_value'])} {ind.unit} on {row['reference_date']}: "
                          + ("a " if row["fired"] else "not a ") + rule.kind.replace("_", " "))
    row["fired"] = bool(row["fired"])
    row["status"] = "fired" if row["fired"] else "quiet"
    return row


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

    if as_of is not None:
        check_as_of(rules, as_of, cached)
    return [evaluate_rule(r, cached, as_of) for r in rules]


def earliest_usable(rules: list, get_series) -> dt.date | None:
    """The first date on which any of ``rules`` has something to judge: the earliest publication (else
    observation) date of the first observation a rule can judge (a threshold's first; a change's first
    with an observation ``window`` before it; a new low's or high's second); for a file of deadlines
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
        if len(idx):
            pub = published(rule.indicator, idx[:1])
            firsts.append((pub[0] if pub is not None else idx[0]).date())
    if not firsts:
        firsts = [r.start for r in rules if isinstance(r, Deadline)]
    return min(firsts, default=None)


def check_as_of(rules: list, as_of: dt.date, get_series) -> None:
    """``as_of`` between the earliest date any rule can use and today, else BadInput naming the range."""
    today = dt.date.today()
    floor = earliest_usable(rules, get_series)
    span = f"from {floor} to today ({today})" if floor is not None else f"up to today ({today})"
    if floor is not None and as_of < floor:
        raise BadInput("before the earliest observation any rule can use", field="as_of", got=as_of.isoformat(),
                       fix=f"give a date {span}")
    if as_of > today:
        raise BadInput("after today: there are no data from the future to judge", field="as_of",
                       got=as_of.isoformat(), fix=f"give a date {span}; leave it out to judge the latest data")
