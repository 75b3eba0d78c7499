"""What every scenario event shares: its date, strict validation, and the schedules it writes into.

An event kind is one class (a subclass of :class:`EventBase`, in its own module of this package,
registered with :func:`treasurylab.scenario.events.registry.register`). The class owns

- its fields and their validation (pydantic, ``extra="forbid"``; the ``type`` field is a ``Literal``
  naming the kind, which the scenario's discriminated union dispatches on),
- :meth:`EventBase.apply`: how it changes the run's inputs, by writing into the month-by-month
  :class:`Schedules` that ``scenario.setup.prepare`` builds and then turns into the ``Setup``,
- :meth:`EventBase.check`: any cross-field check that needs the model's data (called at load),
- :meth:`EventBase.describe`: one sentence in words for reports, and its docstring, which the generated
  reference (docs/events.md) prints as "what it does". Given the run (:class:`RunWindow`), the words
  name holders by their display names and say how much of an event that lasts past the run's last
  month falls inside it, from the same schedule ``apply`` writes (:func:`window_end`, the sale's
  schedule).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


#: the unit of each numeric event field, by field name: a sweep's JSON names the unit of every grid
#: key with it (tests/unit/test_events_registry.py checks that each numeric field of each kind has one)
FIELD_UNITS: dict[str, str] = {
    "strength": "1", "share": "1", "bill_share": "1", "trust_drop": "1",
    "amount_bn": "USD bn",
    "rate_per_year": "1 a year",
    "days": "days", "months": "months", "decay_months": "months",
    "trigger_bp": "bp", "size_bp": "bp", "baa_bp": "bp", "mortgage_bp": "bp",
    "pct_gdp": "% of GDP a year", "purchases_pct_gdp": "% of GDP a year", "transfers_pct_gdp": "% of GDP a year",
    "volatility": "times the usual monthly move",
    "path": "percent",                 # policy_path: month -> policy rate
}


@dataclass(frozen=True)
class Floor:
    """A field's plausibility floor: a value that is not 0 but smaller in size than ``floor`` is kept
    (it is inside the field's bounds) and warned about, as the unit slip ``slip`` more likely than
    meant; ``factor`` turns it into what was probably meant ('did you mean 50 (bp)?'). ``at``: the
    floor, or (block, parameter, scale) for a model parameter's default times ``scale``, read when first
    needed (its one home stays the parameter file)."""

    at: float | tuple[str, str, float]
    factor: float
    slip: str
    why: str                            # the floor's reason, an assumption

    @property
    def floor(self) -> float:
        return _param_floor(*self.at) if isinstance(self.at, tuple) else float(self.at)


@cache
def _param_floor(block: str, name: str, scale: float) -> float:
    from treasurylab.params import load_params

    return float(load_params(block)[name]) * scale


#: the smallest rate move the data can show, bp: yields and spreads are published to 0.01 percentage
#: point (yields.cmt, FRED BAA10Y)
BP_RESOLUTION = 1.0

_BP_FLOOR = Floor(BP_RESOLUTION, 100.0, "a percent written for bp (0.5 for 50 bp)",
                  "assumption: yields are published to 0.01 percentage point (1 bp; yields.cmt), so a shock "
                  "under 1 bp is below what the data can show and far more likely a percent written for bp")
_GDP_FLOOR = Floor(0.1, 100.0, "a fraction written for a percent (0.02 for 2% of GDP)",
                   "assumption: the fiscal shocks studied are about 1% of GDP a year or more (FRB/US's "
                   "fiscal experiments: 1% of GDP), and a fraction written for a percent falls under 0.1 "
                   "for any shock up to 10% of GDP")

#: a policy_path rate is a percent (its field and docs: 'month -> policy rate in percent'); the floor
#: is the model's lower bound in percent (macro.lower_bound, 0.00125 as a decimal rate: 0.125%)
_RATE_FLOOR = Floor(("macro", "lower_bound", 100.0), 100.0, "a decimal written for a percent (0.04 for 4%)",
                    "assumption: the FOMC has never set its target range under 0-0.25%, whose midpoint is the "
                    "model's lower bound for the policy rate (macro.lower_bound), so a rate above 0 but under "
                    "it is far more likely a decimal written for a percent, which falls under it for any rate "
                    "under 100 times the bound")

#: plausibility floors by field name (a unit slip inside the bounds: warned about, not refused); a
#: mapping field's floor holds for each of its values (``path.2027-06``); the reference docs state each
#: one with its field, the scenario loader checks them
PLAUSIBILITY_FLOORS: dict[str, Floor] = {
    "size_bp": _BP_FLOOR, "baa_bp": _BP_FLOOR, "mortgage_bp": _BP_FLOOR, "trigger_bp": _BP_FLOOR,
    "pct_gdp": _GDP_FLOOR, "purchases_pct_gdp": _GDP_FLOOR, "transfers_pct_gdp": _GDP_FLOOR,
    "path": _RATE_FLOOR,
}


def floor_text(name: str) -> str:
    """The field's floor in words for its docs ('' when it has none)."""
    f = PLAUSIBILITY_FLOORS.get(name)
    if f is None:
        return ""
    unit = FIELD_UNITS.get(name, "")
    return (f"a value under {f.floor:g} {unit} (not 0) is kept but warned about as {f.slip}: did you mean "
            f"{f.factor:g} times it? ({f.why})")


def window_end(T: int, t: int, months: int | None) -> int:
    """The month (from the run's start) at which an event lasting ``months`` months from month ``t``
    stops, cut at the run's end ``T`` (``None``: to the end): the one home of that cut, which each kind's
    ``apply`` writes and its words report."""
    return T if months is None else min(T, t + int(months))


def event_shape(T: int, t: int, months: int | None, decay_months: float) -> np.ndarray:
    """[T] profile of an event from month ``t`` in a run of ``T`` months: 1 for ``months`` months (to
    the end when None), then halving every ``decay_months`` (0: off at once). The one home of the hold
    and fade that the kinds' ``apply`` writes and their words report."""
    out = np.zeros(T)
    end = window_end(T, t, months)
    out[t:end] = 1.0
    if end < T and decay_months > 0:
        k = np.arange(1, T - end + 1, dtype=float)
        out[end:] = 0.5 ** (k / decay_months)
    return out


#: the words that end the clause of an event cut at the run's end (:meth:`RunWindow.inside`)
INSIDE_RUN = "inside this run, which ends "


def passes_end(words: str) -> bool:
    """Whether an event's words (``describe(run)``) say it passes the run's end."""
    return INSIDE_RUN in words


def month_count(x: float) -> str:
    """A number of months as shown: '24', '23.5' (whole when within 0.05 of it)."""
    return f"{x:.0f}" if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def months_text(x: float) -> str:
    """A number of months in words: '24 months', '1 month', '23.5 months'."""
    n = month_count(x)
    return f"{n} month" + ("" if n == "1" else "s")


@dataclass(frozen=True)
class RunWindow:
    """What an event's words need to know about the run: its first month, its length ``T`` (months)
    and the holders' display names (the agents of the holders block; empty: names as given)."""

    start: str                          # first simulated month, 'YYYY-MM'
    T: int                              # months the model runs
    names: tuple[str, ...] = ()
    #: the minerals block's parameters under the scenario's overrides (None: not known), the names of
    #: those the scenario overrides, and the minerals events the block runs (the scenario's, after the
    #: 2025 policy record: ``model.minerals.scenario_events``; what partner support needs)
    minerals_params: Mapping[str, Any] | None = field(default=None, compare=False)
    minerals_overridden: frozenset[str] = frozenset()
    minerals_events: tuple[Any, ...] = ()
    #: the minerals block's project pipeline (``MineralsInputs.projects``: what an ``ally_delay`` can
    #: move), read only for a scenario with an ``ally_delay`` (None: not known)
    minerals_projects: tuple[Any, ...] | None = field(default=None, compare=False)

    @property
    def start_ordinal(self) -> int:
        y, m, _ = parse_date(self.start)
        return 12 * y + m - 1

    @property
    def end(self) -> str:
        """The run's last month, 'YYYY-MM'."""
        from treasurylab.params.macro_inputs import ordinal_label

        return ordinal_label(self.start_ordinal + self.T - 1)

    def at(self, ev: EventBase) -> tuple[int, int]:
        """(month from the run's start, day of month) of an event, as the set-up places it."""
        y, m, d = ev.ymd
        return 12 * y + m - 1 - self.start_ordinal, d

    def holder(self, name: str) -> str:
        """The holder's display name ('china_mainland' -> 'China, Mainland'); as given when unknown."""
        if not self.names:
            return name
        from treasurylab.errors import BadInput
        from treasurylab.model.holders import resolve_holder

        try:
            return self.names[resolve_holder(name, self.names)]
        except BadInput:
            return name

    def inside(self, what: str, verb: str = "falls") -> str:
        """The clause saying what of an event falls inside the run: '; of which WHAT falls inside this
        run, which ends YYYY-MM' (the one place it is written: :func:`passes_end` finds it)."""
        return f"; of which {what} {verb} {INSIDE_RUN}{self.end}"

    def months_inside(self, t: int, months: int | None) -> str:
        """The clause for an event lasting ``months`` months from month ``t`` that passes the run's end
        (the cut :func:`window_end` makes); '' when it ends inside the run or lasts to its end."""
        if months is None or t + months <= self.T:
            return ""
        n = window_end(self.T, t, months) - t
        return self.inside(f"{n} of the {months_text(months)}", "fall" if n != 1 else "falls")

    def fade_inside(self, t: int, months: int | None, decay_months: float, sizes: list[tuple[str, float]]) -> str:
        """The clause for an event held ``months`` months from month ``t`` and then fading with a
        half-life of ``decay_months`` (sizes: (label, bp) of what fades) whose fade is not over by the
        run's end, from the profile the set-up writes (:func:`event_shape`): how many months of the fade
        fall inside and what is still in force in the run's last month. The fade is over when less than
        :data:`BP_RESOLUTION` of each size is left. '' when the hold passes the run's end
        (:meth:`months_inside` says so) or there is no fade."""
        if months is None or not decay_months or t + months > self.T:
            return ""
        if t + months == self.T:
            return self.inside("none of the fade")
        left = event_shape(self.T, t, months, decay_months)[-1]
        still = [f"{label}{bp * left:+.0f} bp" for label, bp in sizes if abs(bp * left) >= BP_RESOLUTION]
        if not still:
            return ""
        n = self.T - (t + months)
        return (self.inside(f"{months_text(n)} of the fade", "fall" if n != 1 else "falls")
                + f", where {' and '.join(still)} {'is' if len(still) == 1 else 'are'} still in force")

    def to_end(self) -> str:
        """'to the end of the run (YYYY-MM)'."""
        return f"to the end of the run ({self.end})"


class ItemError(ValueError):
    """A validator's error about one entry of a list or mapping field (``tenors: [10y, 7y]``).

    Raised like a ValueError (``"problem - fix"``); ``key`` (the index or mapping key) and ``value``
    (the entry) let the scenario loader name ``tenors[1]`` and show the entry itself, not the list."""

    def __init__(self, message: str, key: int | str, value: Any) -> None:
        super().__init__(message)
        self.key = key
        self.value = value


def parse_date(v: Any) -> tuple[int, int, int]:
    """'YYYY-MM' or 'YYYY-MM-DD' -> (year, month, day); day 1 when absent."""
    s = str(v).strip()
    m = _DATE_RE.match(s)
    if not m:
        raise ValueError("not a date - write YYYY-MM or YYYY-MM-DD")
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3) or 1)
    if not 1 <= mo <= 12 or not 1 <= d <= 31:
        raise ValueError("not a valid calendar date - months are 01-12, days 01-31")
    try:  # a day the month does not have (2026-02-30) is refused here, not deep inside the run
        _dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"not a valid calendar date - {y:04d}-{mo:02d} has no day {d}") from None
    return y, mo, d


class Strict(BaseModel):
    """Scenario models: unknown keys refused, values frozen once validated."""

    # allow_inf_nan=False: 'nan' or 'inf' given as text would otherwise become a float that passes
    # every bound (NaN comparisons are false)
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True, allow_inf_nan=False)


@dataclass
class Schedules:
    """The month-by-month inputs that events write into while a scenario is prepared.

    Built empty by ``scenario.setup.prepare`` for one scenario (``T`` months, ``A`` holders), filled
    by each event's :meth:`EventBase.apply` in date order (ties in the order listed), then read once into
    the frozen ``Setup``. Arrays are indexed ``[month]`` or ``[month, holder]``.
    """

    T: int
    names: tuple[str, ...]             # the holders' agent names
    holdings0: np.ndarray              # [A] initial holdings (USD bn), for sales given as a share
    rivals: np.ndarray                 # [A] bool: holders with deterrence < 0 (a threat provokes them)
    cp: dict[str, float]               # the coupled block's parameters
    base_policy: np.ndarray | None = None         # [T] the baseline policy rate (decimal), for policy paths
    foreign: np.ndarray | None = None             # [A] bool: foreign holders (None: all count as foreign)
    threat: np.ndarray = field(init=False)        # [T] threat strength in force
    distrust: np.ndarray = field(init=False)      # [T] one-off trust shocks
    named: np.ndarray = field(init=False)         # [T, A] surprise named sales (USD bn a month)
    announced: np.ndarray = field(init=False)     # [T, A] announced named sales (USD bn a month)
    frozen: np.ndarray = field(init=False)        # [T, A] bool: holdings frozen
    political: np.ndarray = field(init=False)     # [T, A] political-risk signal
    slippage: np.ndarray = field(init=False)      # [T] extra deficit, % of GDP
    res_signal: np.ndarray = field(init=False)    # [T] reserve managers' diversification signal
    prog_rate: np.ndarray = field(init=False)     # [T, A] programme monthly rate from month t (nan: none)
    backstop: list = field(init=False, default_factory=list)      # (month, on, trigger_bp or None)
    mix_changes: list = field(init=False, default_factory=list)   # (month, bill share)
    minerals: list = field(init=False, default_factory=list)      # minerals events (run as one block)
    # market shock events (decimal rates; see model.coupled.Setup)
    tp_add: np.ndarray = field(init=False)        # [T, 5] term-premium add-on by tenor
    spread_add: np.ndarray = field(init=False)    # [T, 2] mortgage and Baa spread add-ons
    policy_path: np.ndarray = field(init=False)   # [T] policy-rate level overriding the rule (nan: the rule)
    vol_add: np.ndarray = field(init=False)       # [T] extra monthly 10y volatility the holders see, bp
    purchases: np.ndarray = field(init=False)     # [T] federal purchases beyond the baseline, % of GDP
    transfers: np.ndarray = field(init=False)     # [T] transfers beyond the baseline, % of GDP
    claimed: dict = field(init=False, default_factory=dict)       # (kind, what) -> ([T] bool, field)
    # holder -> the announced sales written so far, [(start day, listing order, USD bn, field, value
    # given)]: what the sale kind's cumulative check against the holdings reads
    announced_sizes: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        T, A = self.T, len(self.names)
        self.threat = np.zeros(T)
        self.distrust = np.zeros(T)
        self.named = np.zeros((T, A))
        self.announced = np.zeros((T, A))
        self.frozen = np.zeros((T, A), dtype=bool)
        self.political = np.zeros((T, A))
        self.slippage = np.zeros(T)
        self.res_signal = np.zeros(T)
        self.prog_rate = np.full((T, A), np.nan)
        self.backstop = []
        self.mix_changes = []
        self.minerals = []
        self.tp_add = np.zeros((T, 5))
        self.spread_add = np.zeros((T, 2))
        self.policy_path = np.full(T, np.nan)
        self.vol_add = np.zeros(T)
        self.purchases = np.zeros(T)
        self.transfers = np.zeros(T)
        self.claimed = {}
        self.announced_sizes = {}

    def claim(self, what: tuple, months: np.ndarray, field_: str, got: str = "", fix: str | None = None) -> None:
        """Mark ``months`` ([T] bool) as set by the event at ``field_`` for ``what`` (kind, target);
        two events of one kind on one target in the same month are refused (BadInput naming the later
        event's date), since which one holds would be ambiguous."""
        from treasurylab.errors import BadInput

        prev = self.claimed.get(what)
        if prev is not None and (prev[0] & months).any():
            first = int(np.argmax(prev[0] & months))
            raise BadInput(f"overlaps {prev[1]} ({what[0]} on {what[1]}) from month {first} of the run",
                           field=f"{field_}.date", got=got or what[1],
                           fix=fix or f"start after {prev[1]} ends, or merge the two into one event")
        mask = months.copy() if prev is None else (prev[0] | months)
        self.claimed[what] = (mask, field_ if prev is None else prev[1])

    def claim_switch(self, what: tuple, t: int, field_: str, got: str = "") -> None:
        """A switch (backstop, issuance mix, a holder's freeze) set from month ``t``: two of one kind on
        one target in the same month are refused, since which one holds would be ambiguous."""
        months = np.zeros(self.T, dtype=bool)
        months[t] = True
        self.claim(what, months, field_, got, fix="keep one of the two, or date them in different months")

    def shape(self, t: int, months: int | None, decay_months: float) -> np.ndarray:
        """[T] profile of an event from month ``t`` (:func:`event_shape`)."""
        return event_shape(self.T, t, months, decay_months)

    def holder(self, name: str, field_: str) -> int:
        """The index of holder ``name`` (forgiving: 'China' -> 'China, Mainland'); BadInput names
        ``field_`` when unknown."""
        from treasurylab.errors import BadInput
        from treasurylab.model.holders import resolve_holder

        try:
            return resolve_holder(name, self.names)
        except BadInput as exc:
            raise BadInput(exc.problem, field=field_, got=name, fix=exc.fix) from None


class EventBase(Strict):
    """One scenario event (subclass per kind; see the module docstring)."""

    #: position in the schema's union, the docs table and error messages listing the kinds
    order: ClassVar[int] = 1000

    date: str = Field(description="When it happens (YYYY-MM or YYYY-MM-DD).")

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> str:
        if isinstance(v, bool) or not isinstance(v, (str,)):
            if hasattr(v, "isoformat"):
                v = v.isoformat()
            else:
                raise ValueError("not a date - write YYYY-MM or YYYY-MM-DD")
        parse_date(v)
        return str(v)

    @property
    def ymd(self) -> tuple[int, int, int]:
        return parse_date(self.date)

    @classmethod
    def kind(cls) -> str:
        """The value of ``type:`` that selects this class (its ``Literal``)."""
        ann = cls.model_fields["type"].annotation
        (k,) = getattr(ann, "__args__", ())
        return str(k)

    @classmethod
    def effect(cls) -> str:
        """What the event does, in words (the class docstring on one line), for the reference docs."""
        return " ".join((cls.__doc__ or "").split())

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        """Write this event into the schedules; it happens in month ``t`` (from the run's start) on
        ``day``; ``field_`` ('events[i]') names it in errors."""
        raise NotImplementedError(f"event kind {self.kind()!r} does not say how it changes the inputs")

    @classmethod
    def finish(cls, s: Schedules) -> None:
        """What the kind derives from the schedules once every event has been applied (e.g. what holds
        only while a state the events switch is in force); called once per kind, after the events."""

    def unit_slips(self) -> list[tuple[str, float, Floor]]:
        """(field, value, floor) of each field whose value is under its plausibility floor
        (:data:`PLAUSIBILITY_FLOORS`): likely a unit slip, kept as given. A mapping field's values are
        each checked, named ``field.key`` ('path.2027-06')."""
        out = []
        for name in type(self).model_fields:
            f, v = PLAUSIBILITY_FLOORS.get(name), getattr(self, name)
            if f is None:
                continue
            items = [(f"{name}.{k}", x) for k, x in v.items()] if isinstance(v, Mapping) else [(name, v)]
            for at, x in items:
                if isinstance(x, (int, float)) and not isinstance(x, bool) and x != 0 and abs(x) < f.floor:
                    out.append((at, float(x), f))
        return out

    def doubts(self, sc: Any) -> list[tuple[str, str]]:
        """(field, words) of each thing this event of scenario ``sc`` says that the run keeps as given
        but that very likely does not do what was meant (an action with no effect in this run); the
        loader warns about each as it does about a unit slip (``spec.unit_warnings``)."""
        return []

    def check(self, index: int, where_of) -> None:
        """Checks at load that need the model's data (raise BadInput naming ``events[index]``)."""

    @classmethod
    def check_together(cls, sc: Any, where_of) -> None:
        """Checks at load of the kind's events of scenario ``sc`` taken together (each already checked
        alone by :meth:`check`): raise BadInput naming the event at fault with its line; called once
        per kind the scenario has."""

    def describe(self, run: RunWindow | None = None) -> str:
        """One sentence in words, starting with the date (for reports); with ``run``, holders by their
        display names and what falls inside the run of an event that passes its end."""
        return f"{self.date}: {self.kind()}"
