"""Scenario files: a small YAML overlay on a named baseline, validated strictly.

A scenario (``scenarios/davos-2026.yaml``)::

    name: davos-2026
    description: Danish pension sale, Davos retaliation threat, ...
    start: 2026-01            # first simulated month (YYYY-MM, or 'latest': after the newest data)
    horizon: 60               # months
    paths: 1000               # Monte Carlo paths
    seed: 2026
    baseline: cbo-2026-02     # the path the no-shock run reproduces
    events:
      - {type: sale, date: 2026-01-20, holder: denmark, amount_bn: 0.1, days: 7}
      - {type: threat, date: 2026-01-22, strength: 0.6}
    overrides:                # parameter overrides, per block, checked against params/defaults
      holders: {contagion_weight: 0.5}

Event kinds (field ``type``) are classes in :mod:`treasurylab.scenario.events`, one module each
(threat, sale, programme, sanction, backstop, issuance_mix, fiscal_slippage, minerals, ...); their
registry gives ``Scenario.events`` its discriminated union, and docs/events.md lists their fields.

Validation is pydantic with ``extra="forbid"``; every problem becomes one
:class:`~treasurylab.errors.BadInput` naming the file, line, field, the bad value and a fix
("did you mean ..."). Dates are checked against the baseline's span and the run's window.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic.fields import FieldInfo

from treasurylab.errors import BadInput, constraint_words, did_you_mean
from treasurylab.scenario.events import EVENT_TYPES, EventBase, Strict, on_change, parse_date, union
from treasurylab.scenario.events.base import ItemError

BASELINES = ("cbo-2026-02", "cbo-2025-01")
#: a scenario name names the default output folder (out/NAME): letters, digits, '.', '_' and '-', not
#: starting with '.', so it can never be a path ('/tmp/x', '../../x') or hide control characters
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


#: the most paths one run may have (a scenario file's ``paths``, ``--paths``, ``run(paths=...)``)
MAX_PATHS = 10_000_000
#: the largest seed (a scenario file's ``seed``, ``--seed``, ``run(seed=...)``, the dashboard's): a signed
#: 64-bit integer, so that result.json's readers and the files' integer attributes hold it exactly
MAX_SEED = 2**63 - 1


def given_as(name: str, value: Any = None) -> str:
    """An argument as its caller writes it, for a message: ``--paths 2`` where ``name`` is a
    command-line option (``--paths``), ``paths=2`` where it is a Python keyword (``paths``); without
    a value ``--paths`` or ``paths=``. A lower layer's check takes the name from its caller (the CLI
    passes its option), so one message names what the user typed, from the shell or from Python."""
    option = name.startswith("-")
    if value is None:
        return name if option else f"{name}="
    return f"{name} {value}" if option else f"{name}={value!r}"


def check_seed(seed: Any, field: str = "seed", fix: str | None = None) -> None:
    """The one check of a seed given outside a scenario file (the file's own is its field's bounds);
    ``field`` is the argument as the caller's user gives it (``seed`` from Python, ``--seed`` from the CLI)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise BadInput(f"must be a whole number >= 0 and at most {MAX_SEED:,}", field=field, got=seed,
                       fix=fix or f"e.g. {given_as(field, 7)}")


def check_paths(paths: Any, field: str = "paths") -> None:
    """The one check of a number of paths given outside a scenario file (``run(paths=)``,
    ``sweep(paths=)``, ``--paths``); ``field`` as for :func:`check_seed`."""
    if isinstance(paths, bool) or not isinstance(paths, int) or not 1 <= paths <= MAX_PATHS:
        raise BadInput(f"must be a whole number >= 1 and at most {MAX_PATHS:,}", field=field, got=paths,
                       fix=f"e.g. {given_as(field, 1000)}")


class Scenario(Strict):
    """A validated scenario. Use :func:`load_scenario` to read one from a file or a shipped name."""

    name: str = Field(min_length=1, max_length=80)
    description: str = ""
    start: str = "2026-01"
    horizon: int = Field(60, ge=1, le=600, description="months")
    paths: int = Field(1000, ge=1, le=MAX_PATHS)
    seed: int = Field(0, ge=0, le=MAX_SEED)
    baseline: str = "cbo-2026-02"
    events: list[union()] = Field(default_factory=list)  # every registered kind (scenario/events)
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    #: the loader's warnings (a value under its field's plausibility floor), set by :func:`parse_scenario`
    _warnings: tuple[str, ...] = PrivateAttr(default=())
    #: the YAML file it was read from (absolute), set by :func:`load_scenario`; kept by ``with_`` copies
    _source_file: str | None = PrivateAttr(default=None)

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per likely unit slip found when the scenario was read (file and line when known),
        e.g. "my.yaml line 7: events[0].size_bp: 0.5 bp is under 1 bp ... - did you mean 50 (bp)?"."""
        return self._warnings

    @property
    def source_file(self) -> str | None:
        """The absolute path of the YAML file this scenario was read from (a shipped scenario's file
        too); None when it was built from a dict or in Python. A run records it (result.json's
        ``meta.scenario_file``), so that the run which later replaces its results can say whose they were."""
        return self._source_file

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not _NAME_RE.fullmatch(v):
            raise ValueError("must be letters, digits, '.', '_' or '-' (it names the output folder "
                             "out/NAME) - e.g. name: my-scenario-2026")
        return v

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: Any) -> str:
        if hasattr(v, "isoformat") and not isinstance(v, str):
            v = v.isoformat()
        if not isinstance(v, str):
            raise ValueError("not a month - write YYYY-MM or 'latest'")
        if v.strip().lower() == "latest":     # the month after the newest bundled observation
            from treasurylab.scenario.jumpoff import latest_start

            return latest_start()
        y, m, _ = parse_date(v)
        return f"{y:04d}-{m:02d}"

    @field_validator("baseline")
    @classmethod
    def _baseline(cls, v: str) -> str:
        if v not in BASELINES:
            raise ValueError(f"unknown baseline - {did_you_mean(v, BASELINES)}")
        return v

    # ---- derived -------------------------------------------------------------------------------
    @property
    def start_ordinal(self) -> int:
        y, m, _ = parse_date(self.start)
        return 12 * y + m - 1

    def month_of(self, ev: EventBase) -> tuple[int, int]:
        """(month index from start, day of month) of an event."""
        y, m, d = ev.ymd
        return 12 * y + m - 1 - self.start_ordinal, d

    def with_(self, **changes: Any) -> Scenario:
        return self.model_copy(update=changes)


def _rebuild_events_union() -> None:
    """Retype ``Scenario.events`` with the registry's current union (a kind registered after import)."""
    Scenario.model_fields["events"] = FieldInfo.merge_field_infos(Scenario.model_fields["events"],
                                                                  annotation=list[union()])
    Scenario.model_rebuild(force=True)


on_change(_rebuild_events_union)


# ------------------------------------------------------------------------------------------------
# Loading with errors that name the file, line and field
# ------------------------------------------------------------------------------------------------

def shipped_dir() -> Path:
    return Path(str(resources.files("treasurylab") / "scenarios"))


def shipped() -> list[str]:
    d = shipped_dir()
    return sorted(p.stem for p in d.glob("*.yaml") if not p.name.endswith(".sweep.yaml")) if d.exists() else []


def resolve(name_or_path: str | Path) -> Path:
    """A path to a scenario file, or the shipped scenario of that name ('davos-2026')."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in str(name_or_path):
        if not p.exists():
            # named as the argument (SCENARIO), so that the command can say which option it came from
            raise BadInput("file not found", field="SCENARIO", got=str(p),
                           fix="check the path, or give a shipped name: " + ", ".join(shipped()))
        return p
    cand = shipped_dir() / f"{name_or_path}.yaml"
    if cand.exists():
        return cand
    raise BadInput("no such scenario", field="SCENARIO", got=str(name_or_path),
                   fix=did_you_mean(str(name_or_path), shipped()) + " (or give a path to a .yaml file)")


def _fields_at(data: Any, loc: tuple) -> list[str]:
    """Allowed field names of the model at ``loc`` (for 'did you mean')."""
    if len(loc) >= 2 and loc[0] == "events" and isinstance(loc[1], int):
        try:
            tag = data["events"][loc[1]].get("type")
        except (KeyError, IndexError, TypeError, AttributeError):
            tag = None
        cls = EVENT_TYPES.get(tag)
        return list(cls.model_fields) if cls else ["type", "date"]
    return list(Scenario.model_fields)


#: the name pydantic gives a branch of a union in an error's loc ('list[str]' of ``list[str] | Literal['all']``)
_UNION_BRANCH = re.compile(r"^(list|dict|set|tuple|literal|function-[a-z]+|union|tagged-union)\[")


def _yaml_loc(loc: tuple) -> tuple:
    """Pydantic's loc without the discriminator tag (events.0.sale.amount_bn -> events.0.amount_bn)
    nor a union's branch name (events.0.tenors.list[str].1 -> events.0.tenors.1)."""
    out = []
    for i, x in enumerate(loc):
        if i == 2 and loc[0] == "events" and isinstance(x, str) and x in EVENT_TYPES:
            continue
        if isinstance(x, str) and _UNION_BRANCH.match(x):
            continue
        out.append(x)
    return tuple(out)


def _field_name(loc: tuple) -> str:
    s = ""
    for x in loc:
        s += f"[{x}]" if isinstance(x, int) else (("." if s else "") + str(x))
    return s or "(top level)"


def _value_at(data: Any, loc: tuple) -> Any:
    node = data
    for k in loc:
        try:
            node = node[k]
        except (KeyError, IndexError, TypeError):
            return None
    return node


#: characters of a list or mapping that an error shows as it is (a longer one is shown as 'list')
SHOWN_CONTAINER = 80


def error_from_pydantic(exc: ValidationError, data: Any, where_of, model: Any = None) -> BadInput:
    """One BadInput for pydantic's errors; ``model``: the validated class when not a Scenario (the
    names suggested for a misspelt top-level key come from it)."""
    # a misspelt key shows up as 'extra' plus 'missing': report the misspelling (with 'did you mean')
    rank = {"extra_forbidden": 0, "union_tag_invalid": 1, "union_tag_not_found": 1}
    errs = sorted(exc.errors(include_url=False), key=lambda e: rank.get(e["type"], 2))
    err = errs[0]
    loc = _yaml_loc(tuple(err["loc"]))
    kind = err["type"]
    msg = err["msg"].removeprefix("Value error, ")
    got = err.get("input")
    fix = None
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, ItemError):             # one entry of a list or mapping: name it, show it
        loc, got = loc + (cause.key,), cause.value
    if kind == "value_error" and " - " in msg:   # our validators write 'problem - fix'
        msg, fix = msg.split(" - ", 1)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = list(model.model_fields) if model is not None and len(loc) <= 1 \
            else _fields_at(data, loc[:-1] if loc else loc)
        msg, got, fix = "unknown key", None, did_you_mean(key, allowed)
        if " or " not in fix and "valid names" in fix:
            fix = "allowed keys: " + ", ".join(allowed)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        tag = _value_at(data, loc + ("type",))
        loc = loc + ("type",)
        msg = "unknown event type" if tag is not None else "missing event type"
        got = tag
        fix = did_you_mean(str(tag), EVENT_TYPES) if tag is not None else \
            "add 'type:' - one of " + ", ".join(EVENT_TYPES)
    elif kind == "value_error":
        fix = fix or "see docs/scenarios.md"
    else:
        # pydantic's own wording ('Input should be greater than or equal to 1') in the project's:
        # what the value must be, and what to write
        msg, words_fix = constraint_words(err)
        if kind == "missing":
            got = None
            fix = f"add '{loc[-1]}:'" if loc else None
        elif words_fix and kind.split("_")[0] in ("int", "float", "bool", "string", "dict", "list", "model"):
            fix = f"{words_fix} (see docs/scenarios.md)"
        else:
            fix = words_fix or fix or "see docs/scenarios.md"
    if isinstance(got, (dict, list)) and len(repr(got)) > SHOWN_CONTAINER:
        got = type(got).__name__                  # a long list or mapping is named, not echoed
    return BadInput(msg, where=where_of(loc), field=_field_name(loc), got=got, fix=fix)


def parse_scenario(data: Any, where_of=None, source: str = "<scenario>", checks: bool = True) -> Scenario:
    """Validate plain data (from YAML or Python) into a :class:`Scenario` (raises BadInput); ``checks=False``
    skips :func:`check_semantics`, the checks against the data (see :func:`load_scenario`)."""
    where_of = where_of or (lambda loc: source)
    if not isinstance(data, dict):
        raise BadInput("a scenario must be a mapping of keys (name:, start:, ...)", where=where_of(()),
                       got=type(data).__name__, fix="start the file with 'name: my-scenario'")
    if "grid" in data and "scenario" in data and "events" not in data:
        raise BadInput("this is a sweep file (it has scenario: and grid:), not a scenario", where=where_of(()),
                       fix="run it with 'treasurylab sweep FILE'")
    try:
        sc = Scenario.model_validate(data)
    except ValidationError as exc:
        raise error_from_pydantic(exc, data, where_of) from None
    if checks:
        check_semantics(sc, where_of)
    sc._warnings = unit_warnings(sc, where_of)
    return sc


def unit_warnings(sc: Scenario, where_of=lambda loc: "<scenario>") -> tuple[str, ...]:
    """A line for each event field under its plausibility floor (``events.base.PLAUSIBILITY_FLOORS``):
    kept as given (it is inside the bounds), named with its file and line, value, unit and what was
    probably meant; then a line for each of an event's doubts (``EventBase.doubts``: kept as given, but
    with no effect in this run), named with its file and line."""
    from treasurylab.scenario.events.base import FIELD_UNITS

    out = []
    for i, ev in enumerate(sc.events):
        for name, v, f in ev.unit_slips():
            unit = FIELD_UNITS.get(name.split(".")[0], "")
            out.append(f"{where_of(('events', i, *name.split('.')))}: events[{i}].{name}: {v:g} {unit} is under "
                       f"{f.floor:g} {unit}, more likely {f.slip} - did you mean {v * f.factor:g} ({unit})? "
                       "(kept as given)")
        for name, words in ev.doubts(sc):
            out.append(f"{where_of(('events', i, *name.split('.')))}: events[{i}].{name}: {words} (kept as given)")
    return tuple(out)


def baseline_window(baseline: str) -> tuple[int, int]:
    """First and last month (ordinals, 12*year + month - 1) a run on ``baseline`` may cover: inside
    both CBO's economic path (params/macro_inputs) and its fiscal baseline (from October of its first
    fiscal year): cbo-2026-02 covers 2025-10 .. 2036-09, cbo-2025-01 2024-10 .. 2035-09."""
    from treasurylab.model.coupled import VINTAGES
    from treasurylab.params.macro_inputs import macro_span
    from treasurylab.scenario.setup import block_params, memoise

    def make() -> tuple[int, int]:
        from treasurylab.scenario.fiscal_inputs import cbo_baseline_inputs

        v = VINTAGES[baseline]
        lo, hi = macro_span(v)
        b = cbo_baseline_inputs(v, block_params("fiscal"))
        y, m = (int(x) for x in b.start.split("-"))
        f0 = 12 * y + m - 1
        return max(lo, f0), min(hi, f0 + b.horizon - 1)

    def make_cached() -> tuple[int, int]:
        # reading CBO's tables costs ~0.5 s; the window depends only on them and the fiscal block
        from treasurylab.cache import cached
        from treasurylab.scenario.setup import data_fingerprint

        parts = {"baseline": baseline, "fiscal": dict(block_params("fiscal")), "data": data_fingerprint()}
        return tuple(cached("baseline_window", parts, make))

    return memoise(("baseline_window", baseline), make_cached)


def with_baseline(sc: Scenario, baseline: str) -> tuple[Scenario, str | None]:
    """``sc`` on another CBO baseline vintage (``run --baseline cbo-2025-01``), checked again; a horizon
    that runs past the vintage's last month is shortened to it (returned note says so, else None)."""
    from treasurylab.params.macro_inputs import ordinal_label

    if baseline not in BASELINES:
        raise BadInput("unknown baseline", field="--baseline", got=baseline,
                       fix=did_you_mean(baseline, BASELINES))
    hi = baseline_window(baseline)[1]
    out, note = sc.with_(baseline=baseline), None
    if sc.start_ordinal + sc.horizon - 1 > hi >= sc.start_ordinal:
        out = out.with_(horizon=hi - sc.start_ordinal + 1)
        note = (f"horizon shortened from {sc.horizon} to {out.horizon} months: the {baseline} baseline "
                f"ends {ordinal_label(hi)}")
    check_semantics(out, lambda loc: "--baseline")
    return out, note


def check_semantics(sc: Scenario, where_of=lambda loc: "<scenario>") -> None:
    """Cross-field checks: the run's window inside the baseline, events inside the run, overrides known."""
    from treasurylab.params import list_blocks
    from treasurylab.params.macro_inputs import ordinal_label
    from treasurylab.scenario.setup import block_params

    lo, hi = baseline_window(sc.baseline)
    s0 = sc.start_ordinal
    if not lo <= s0 <= hi:
        raise BadInput(f"outside the baseline's data ({ordinal_label(lo)} to {ordinal_label(hi)})",
                       where=where_of(("start",)), field="start", got=sc.start,
                       fix=f"start between {ordinal_label(lo)} and {ordinal_label(hi)}")
    if s0 + sc.horizon - 1 > hi:
        raise BadInput(f"the run would end after the baseline's last month {ordinal_label(hi)}",
                       where=where_of(("horizon",)), field="horizon", got=sc.horizon,
                       fix=f"use a horizon of at most {hi - s0 + 1} months from start {sc.start}")
    for i, ev in enumerate(sc.events):
        k, _ = sc.month_of(ev)
        if not 0 <= k < sc.horizon:
            raise BadInput(f"outside the run ({sc.start} + {sc.horizon} months)",
                           where=where_of(("events", i, "date")), field=f"events[{i}].date", got=ev.date,
                           fix=f"date the event between {sc.start} and {ordinal_label(s0 + sc.horizon - 1)}")
    _check_blocks(sc, where_of)
    _check_holders(sc, where_of)
    for i, ev in enumerate(sc.events):
        ev.check(i, where_of)   # each kind's own checks against the model's data (e.g. minerals actions)
    for cls in dict.fromkeys(type(ev) for ev in sc.events):
        cls.check_together(sc, where_of)   # e.g. two minerals events that may not overlap
    blocks = list_blocks()
    for block, ov in sc.overrides.items():
        if block not in blocks:
            raise BadInput("unknown parameter block", where=where_of(("overrides", block)),
                           field=f"overrides.{block}", got=block, fix=did_you_mean(block, blocks))
        if not isinstance(ov, dict):
            raise BadInput("must be a mapping parameter -> value", where=where_of(("overrides", block)),
                           field=f"overrides.{block}", got=type(ov).__name__, fix="write 'name: value' lines")
        defaults = block_params(block)   # read once per process, shared with prepare
        for name in ov:
            one = {name: ov[name]}
            try:
                defaults.with_overrides(one, where=where_of(("overrides", block, name)))
            except BadInput:
                raise
            except Exception as exc:  # a value of the wrong shape for the parameter
                raise BadInput(f"not a valid value ({type(exc).__name__})",
                               where=where_of(("overrides", block, name)),
                               field=f"overrides.{block}.{name}", got=ov[name],
                               fix="give a value of the same shape as in params/defaults") from None


def _block_builders() -> dict:
    """block -> function(overrides) that builds the block's model inputs (raises BadInput): the same
    memoised builders ``scenario.setup.prepare`` uses, so a run builds each block once."""
    from treasurylab.scenario import setup as S

    return {"macro": S.macro_params, "market": S.market_params, "holders": S.holders_spec,
            "reserves": lambda ov: S.reserves_params(ov, holder_names=S.holder_names(None)),
            "minerals": S.minerals_inputs}


def _check_blocks(sc: Scenario, where_of) -> None:
    """Build each overridden block's inputs now, so a bad override is reported at load, with its line."""
    builders = _block_builders()
    for block, ov in sc.overrides.items():
        if block not in builders or not isinstance(ov, dict) or not ov:
            continue
        try:
            builders[block](ov)
        except ImportError:
            continue
        except BadInput as exc:
            field = exc.field or f"overrides.{block}"
            parts = [p for p in re.split(r"[.\[\]]", field) if p]
            if parts and parts[0] in (block, "overrides"):
                parts = parts[1:] if parts[0] == block else parts[2:]
            loc = ("overrides", block, *parts)   # the YAML lookup stops at the deepest existing key
            raise BadInput(exc.problem, where=where_of(loc), field=field, got=exc.got, fix=exc.fix) from None
        except Exception as exc:  # a value of the wrong shape deep inside a block
            raise BadInput(f"not a valid override for block '{block}' ({type(exc).__name__}: {exc})",
                           where=where_of(("overrides", block)), field=f"overrides.{block}",
                           fix=f"compare with params/defaults/{block}.yaml") from None


def _check_holders(sc: Scenario, where_of) -> None:
    """Every event's holder must be one of the holders block's agents ('did you mean ...')."""
    named = [(i, ev.holder) for i, ev in enumerate(sc.events) if hasattr(ev, "holder")]
    if not named:
        return
    try:
        from treasurylab.scenario.setup import holder_names

        names = holder_names(sc.overrides if isinstance(sc.overrides.get("holders"), dict) else None)
    except ImportError:  # holders block not installed: checked again when the run starts
        return
    from treasurylab.model.holders import resolve_holder

    for i, name in named:
        try:
            resolve_holder(name, names)
        except BadInput as exc:
            raise BadInput("unknown holder", where=where_of(("events", i, "holder")),
                           field=f"events[{i}].holder", got=name, fix=exc.fix) from None


def located(exc: BadInput, source: Any) -> BadInput:
    """``exc`` with the file and line of its field, for the checks made when a run is set up (two
    overlapping events, a holder's announced sales past its holdings, a policy path past the run) on
    a scenario read from a YAML file; ``exc`` itself when it has a place already or none is found."""
    if exc.where or not (exc.field or "").startswith("events[") or not isinstance(source, (str, Path)):
        return exc
    loc: list = []
    for part in exc.field.split("."):
        m = re.fullmatch(r"([^\[\]]+)((?:\[\d+\])*)", part)
        if m is None:
            return exc
        loc.append(m.group(1))
        loc.extend(int(i) for i in re.findall(r"\[(\d+)\]", m.group(2)))
    try:
        from treasurylab.yamlio import load_yaml

        doc = load_yaml(resolve(source))
    except BadInput:
        return exc
    return BadInput(exc.problem, where=doc.where(tuple(loc)), field=exc.field, got=exc.got, fix=exc.fix)


def load_scenario_text(text: str, path: str = "<scenario>") -> Scenario:
    """Validate YAML text (errors name ``path`` and the line)."""
    from treasurylab.yamlio import load_yaml_text

    doc = load_yaml_text(text, path)
    return parse_scenario(doc.data, where_of=doc.where, source=str(path))


def load_scenario(name_or_path: str | Path | dict | Scenario, checks: bool = True) -> Scenario:
    """A :class:`Scenario` from a shipped name, a YAML path, a dict or a Scenario. ``checks=False``
    validates the file against the schema only (fields, types, bounds, event kinds), not against the
    data (:func:`check_semantics`: the baseline's window, the holders, the overridden blocks, each
    event's own check), which reads the CBO baseline, TIC and the parameter files (~2 s on a cold
    cache): for ``treasurylab scenarios``, which lists the shipped files, each of them checked in full
    by the test suite and again by any command that runs or shows one."""
    if isinstance(name_or_path, Scenario):
        return name_or_path
    if isinstance(name_or_path, dict):
        return parse_scenario(name_or_path, checks=checks)
    from treasurylab.yamlio import load_yaml

    path = resolve(name_or_path)
    doc = load_yaml(path)
    sc = parse_scenario(doc.data, where_of=doc.where, source=str(path), checks=checks)
    sc._source_file = str(Path(path).resolve())
    return sc
