"""Parameter sweeps: run a scenario over a grid of changes and reduce each run to one metric.

A sweep file (``scenarios/tipping-point.sweep.yaml``)::

    name: tipping-point
    scenario: davos-2026          # a shipped name or a path
    paths: 400
    seed: 1
    metric: p_cascade_half_24m    # an outcome, or VAR.STAT@MONTH (e.g. y10.p50@24)
    set:                          # fixed changes applied at every point (optional)
      events[type=sale].holder: Japan
    grid:                         # any field of the scenario, by path
      events[type=threat].strength: [0, 0.25, 0.5, 0.75, 1]
      events[type=sale].amount_bn: [1, 50, 100, 200, 400]
      # overrides.holders.noise_sd: [...], horizon: [...], events[0].days: [...]

Grid keys address the scenario's fields: ``name``, ``events[i].field``, ``events[type=T].field``
(the first event of type T), ``overrides.BLOCK.PARAM``. The full product of the grid is run, every
point with the same seed (common random numbers, so neighbouring points differ by the change and not
by noise). The points are prepared and run a wave at a time (:func:`wave_points`; the next wave is
handed to the executor before this one is collected and reduced to its metric), and a point of more
than ``reduce.EXACT_PATHS`` paths is reduced as ``run`` reduces it (streamed, a wave of blocks at a
time), so memory is bounded by the blocks in flight, not by the grid or a point's paths; a grid too
large is refused before any point is built (:func:`check_size`).

The flagship sweep is the tipping-point map: threat strength x initial sale size -> probability that
more than half of foreign official holdings are sold within 24 months (``p_cascade_half_24m``: the
share of paths whose non-absorbing foreign holders sell, beyond the baseline, more than half of TIC's
foreign official holdings at the start; ``model.coupled``). The shipped map (200 paths a point) rises
from 0 for a $0.1bn sale to about a sixth for $800bn; docs/validation.md reads it.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from treasurylab.errors import BadInput, cut, did_you_mean

OUTCOMES = ("p_cascade_half_24m", "cascade_share_p50", "cascade_share_p95", "p_regime_exceeded")
_METRIC_RE = re.compile(r"^(\w+)\.(p5|p50|p95|mean)@(\d+)$")
#: a part of a grid or set key: a name, or a month (a policy_path point: ``events[type=policy_path].path.2026-06``),
#: with an optional index
_KEY_RE = re.compile(r"^(\w+|\d{4}-\d{2})(?:\[(\d+|type=\w+)\])?$")


class SweepSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    description: str = ""
    scenario: str
    paths: int | None = Field(None, ge=1, le=10_000_000)
    seed: int | None = Field(None, ge=0)
    metric: str = "p_cascade_half_24m"
    set: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, list[Any]] = Field(min_length=1)


def _check_metric(metric: str, where: str) -> None:
    from treasurylab.scenario.results import VARIABLES

    if metric in OUTCOMES:
        return
    m = _METRIC_RE.match(metric)
    if not m or m.group(1) not in VARIABLES:
        raise BadInput("unknown metric", where=where, field="metric", got=metric,
                       fix=did_you_mean(metric, list(OUTCOMES)) + " or VAR.STAT@MONTH with VAR one of "
                       + ", ".join(VARIABLES) + " (e.g. y10.p50@24)")


def _default_table(parts: list[str], i: int) -> dict:
    """What a sweep key starts from where the scenario has nothing at ``parts[:i + 1]``: for one key of
    a table parameter (``overrides.holders.deterrence.asian_official``), a copy of the default table, so
    the point changes that key only (an override replaces the whole table: starting from {} left every
    other key out); an empty mapping otherwise."""
    if i == 2 and parts[0] == "overrides" and len(parts) > 3:
        from treasurylab.params import list_blocks, load_params

        if parts[1] in list_blocks():
            meta = load_params(parts[1]).meta.get(parts[2])
            if meta is not None and isinstance(meta.value, dict):
                import copy

                return copy.deepcopy(meta.value)
    return {}


def set_path(data: dict, key: str, value: Any, where: str, section: str = "grid") -> tuple:
    """Set ``key`` (e.g. 'events[type=sale].amount_bn') inside the scenario's plain data; returns the
    location set, as the scenario's loader names it (``('events', 1, 'amount_bn')``). An error names the
    key under ``section``, the sweep file's mapping that holds it (``grid`` or ``set``)."""
    node: Any = data
    parts = key.split(".")
    loc: list = []
    for i, part in enumerate(parts):
        m = _KEY_RE.match(part)
        if not m:
            raise BadInput("not a field path", where=where, field=f"{section}.{key}", got=part,
                           fix="write e.g. events[type=threat].strength or overrides.macro.taylor_gap")
        name, idx = m.group(1), m.group(2)
        last = i == len(parts) - 1
        if not isinstance(node, dict):
            raise BadInput("cannot go inside a value", where=where, field=f"{section}.{key}", got=part,
                           fix="check the path against the scenario file")
        loc.append(name)
        if idx is None:
            if last:
                node[name] = value
                return tuple(loc)
            if name not in node:
                if name in ("overrides",) or (len(parts) > 1 and parts[0] == "overrides"):
                    node[name] = _default_table(parts, i)
                else:
                    raise BadInput("no such field in the scenario", where=where, field=f"{section}.{key}", got=name,
                                   fix=did_you_mean(name, list(node)))
            node = node[name]
            continue
        seq = node.get(name)
        if not isinstance(seq, list):
            raise BadInput("not a list in the scenario", where=where, field=f"{section}.{key}", got=name,
                           fix="only events[...] can be indexed")
        if idx.startswith("type="):
            want = idx[5:]
            hits = [j for j, e in enumerate(seq) if isinstance(e, dict) and e.get("type") == want]
            if not hits:
                types = [e.get("type") for e in seq if isinstance(e, dict)]
                raise BadInput("the scenario has no event of this type", where=where, field=f"{section}.{key}",
                               got=want, fix=f"its events are: {', '.join(map(str, types)) or 'none'}")
            j = hits[0]
        else:
            j = int(idx)
            if j >= len(seq):
                raise BadInput("index out of range", where=where, field=f"{section}.{key}", got=j,
                               fix=f"the scenario has {len(seq)} events (0-{len(seq) - 1})")
        loc.append(j)
        if last:
            seq[j] = value
            return tuple(loc)
        node = seq[j]
    return tuple(loc)


def metric_value(result, metric: str) -> float:
    if metric in OUTCOMES:
        return float(result.outcomes().get(metric, float("nan")))
    from treasurylab.scenario.results import scale

    var, stat, month = _METRIC_RE.match(metric).groups()
    s = result.summary
    sub = s[s["variable"] == var]
    i = min(int(month), len(sub)) - 1
    return float(sub.iloc[i][stat]) * scale(var)        # in the unit of the run's files (metric_unit)


def metric_unit(metric: str) -> str:
    """The unit of :func:`metric_value`: an outcome is a share or probability ('1'); VAR.STAT@MONTH is in
    the unit of the run's files (summary.csv, ``run --json``): percent for y10, USD bn for holdings."""
    if metric in OUTCOMES:
        return "1"
    from treasurylab.scenario.results import unit

    return unit(_METRIC_RE.match(metric).group(1))


#: units of the top-level scenario fields a grid may set
_TOP_UNITS = {"horizon": "months", "paths": "paths", "seed": "none (a random seed)"}


def key_unit(key: str) -> str | None:
    """The unit of a grid key's values: a parameter's own (``overrides.holders.theta_mean``), an event
    field's (``events[type=sale].amount_bn``: USD bn, :data:`events.base.FIELD_UNITS`), a top-level
    field's (``horizon``: months); None where none is known (text, a minerals action's parameters)."""
    from treasurylab.scenario.events.base import FIELD_UNITS

    parts = key.split(".")
    if parts[0] == "overrides" and len(parts) == 3:
        from treasurylab.params import load_params

        meta = load_params(parts[1]).meta.get(parts[2])
        return meta.unit if meta is not None else None
    m = _KEY_RE.match(parts[0])
    if m and m.group(1) == "events" and len(parts) >= 2:
        if parts[1] == "path" and len(parts) == 3:          # policy_path: month -> policy rate
            return FIELD_UNITS["path"]
        return FIELD_UNITS.get(parts[1]) if len(parts) == 2 else None
    return _TOP_UNITS.get(key) if len(parts) == 1 else None


@dataclass
class SweepResult:
    spec: SweepSpec
    keys: list[str]
    axes: list[list[Any]]
    rows: list[dict] = field(default_factory=list)
    #: each distinct likely unit slip of the grid's scenarios, once (:func:`point_warnings`)
    warnings: list[str] = field(default_factory=list)

    def grid2d(self):
        """(x values, y values, matrix[y, x]) for a two-key grid (first key on x)."""
        import numpy as np

        if len(self.keys) != 2:
            return None
        xs, ys = self.axes
        z = np.full((len(ys), len(xs)), np.nan)
        for r in self.rows:
            z[ys.index(r[self.keys[1]]), xs.index(r[self.keys[0]])] = r["value"]
        return xs, ys, z

    def to_dict(self) -> dict:
        return {"sweep": self.spec.name, "scenario": self.spec.scenario, "metric": self.spec.metric,
                "keys": self.keys, "axes": self.axes, "points": self.rows, "units": self.units(),
                "warnings": list(self.warnings)}

    def units(self) -> dict[str, str]:
        """The unit of each number of a point: ``value`` (the metric's) and each numeric grid key's."""
        out = {"value": metric_unit(self.spec.metric)}
        for k, axis in zip(self.keys, self.axes):
            u = key_unit(k)
            if u is not None and any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in axis):
                out[k] = u
        return out


def _beside(scenario: str, sweep_file: Any) -> str:
    """A sweep's ``scenario:`` as a file path read from the sweep file's own folder when a relative path
    is found there (a sweep written next to its scenario runs from any folder, as an include would);
    otherwise as given: a shipped name, or a path from the current folder."""
    p = Path(scenario)
    if isinstance(sweep_file, (str, Path)) and not p.is_absolute() and p.suffix in (".yaml", ".yml"):
        near = Path(sweep_file).parent / p
        if Path(sweep_file).is_file() and near.is_file():
            return str(near)
    return scenario


def load_sweep(path_or_dict: Any) -> tuple[SweepSpec, Callable]:
    from treasurylab.scenario.spec import error_from_pydantic, shipped_dir
    from treasurylab.yamlio import load_yaml

    if isinstance(path_or_dict, dict):
        data, where_of = path_or_dict, (lambda loc: "<sweep>")
    else:
        p = Path(path_or_dict)
        if not p.exists() and not str(path_or_dict).endswith((".yaml", ".yml")):
            cand = shipped_dir() / f"{path_or_dict}.sweep.yaml"
            if cand.exists():
                p = cand
        doc = load_yaml(p)
        data, where_of = doc.data, doc.where
    if not isinstance(data, dict):
        raise BadInput("a sweep must be a mapping (name:, scenario:, grid:)", where=where_of(()),
                       fix="see docs/scenarios.md, 'Sweeps'")
    if "grid" not in data and any(k in data for k in ("start", "horizon", "events", "baseline")):
        raise BadInput("this is a scenario file, not a sweep (a sweep has name:, scenario: and grid:)",
                       where=where_of(()), fix="run it with 'treasurylab run FILE', or write a sweep over "
                       "it (see docs/scenarios.md, 'Sweeps')")
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise error_from_pydantic(exc, data, where_of, model=SweepSpec) from None
    _check_metric(spec.metric, where_of(("metric",)))
    for k, v in spec.grid.items():
        if not v:
            raise BadInput("needs at least one value", where=where_of(("grid", k)), field=f"grid.{k}",
                           fix="give a list like [0, 0.5, 1]")
    return spec, where_of


def point_warnings(sc, base_where: Callable, changed: dict[tuple, str]) -> tuple[str, ...]:
    """The likely unit slips of a grid point's scenario ``sc`` (``spec.unit_warnings``), each named by
    where its value was written: the line of the sweep file's ``grid:`` or ``set:`` key that set it
    (``changed``: location -> that place), else the scenario file's own line (``base_where``). A slip
    of the scenario file is then the same line at every point, and one the grid sets the same line
    at every point with that value, so the sweep warns once per slip, not once per point."""
    from treasurylab.scenario.spec import unit_warnings

    def where(loc: tuple) -> str:
        for n in range(len(loc), 0, -1):
            if loc[:n] in changed:
                return changed[loc[:n]]
        return base_where(loc)

    return unit_warnings(sc, where)


def point_where(loc: tuple, given: dict[tuple, str], otherwise: str) -> str:
    """Where a grid point's scenario is refused at ``loc``: the sweep file's ``grid:`` or ``set:`` line
    that set a value there, or inside it (the scenario names a policy path's point by the path), with
    that value (``given``: location -> 'FILE line N: grid.KEY = VALUE'); else ``otherwise`` (the
    scenario file's line of the value, with the point's changes). A value the scenario refuses was
    written in the sweep file, not in the scenario file, unless the sweep did not set it."""
    for at, place in given.items():
        # a field set by the sweep, or one inside it; or the event (or block) that holds it
        if loc[:len(at)] == at or (len(loc) >= 2 and at[:len(loc)] == loc):
            return place
    return otherwise


#: assumption: the most points a sweep may have. Each point costs, before its paths, ~16 ms to prepare
#: and ~34 ms of a block's fixed cost (the tipping-point sweep's points, measured on a 2-core machine:
#: a 5-path block 34 ms, a 2,560-path block 314 ms), ~50 ms of CPU a point: 10,000 points are ~500 s
#: of CPU, minutes on two cores. A point is prepared in this process even with a cluster, so the
#: bound holds there too. Without it a 300 x 300 grid reached ~6.6 GB before running a block.
MAX_POINTS = 10_000
#: assumption: the most path-months of all points together (each point's paths x its months) a sweep
#: may run on local workers: ~0.11 ms of CPU a path beyond a block's fixed cost, measured as above on
#: the tipping-point sweep's points, which run davos-2026's 60 months: ~1.8 us a path-month (linear
#: in months: a 2,560-path davos-2026 block less a 5-path one, measured again on the 2-core machine on
#: 2026-12-07, took 1.62 us a path-month at 60 and at 120 months), so 240,000,000 are ~440 s of CPU,
#: minutes on two cores (the
#: bound was 4,000,000 paths, the same cost at 60 months; counted in paths it let a grid of 120-month
#: points through at twice that). A cluster (``--cluster``) lifts it, its workers run the blocks
MAX_PATH_MONTHS = 240_000_000


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def _axis(spec: SweepSpec, base: dict, name: str, given: int | None, default: int) -> list[int]:
    """The values a field (``paths`` or ``horizon``) takes over the points, from the sweep file alone:
    ``given`` (the call's or the file's), else the grid's axis of it, else its ``set``, else the
    scenario's, else the scenario's default (a value that is not a whole number counts 0 here and is
    refused when its point is parsed)."""
    if given is not None:
        return [given]
    if name in spec.grid:
        return [v if _whole(v) else 0 for v in spec.grid[name]]
    v = spec.set.get(name, base.get(name, default))
    return [v if _whole(v) else 0]


def grid_size(spec: SweepSpec, base: dict, paths: int | None) -> tuple[int, int]:
    """(points, path-months of all points together: each point's paths x its months) of a sweep, from
    its file alone: no point is built. A point's paths are ``paths`` (the call's), else the sweep
    file's, else the grid's ``paths`` axis, else its ``set``, else the scenario's (a grid or set value
    that the call's or the file's would replace is refused before, :func:`check_given_once`); its
    months the grid's ``horizon`` axis, else its ``set``, else the scenario's."""
    from treasurylab.scenario.spec import Scenario

    n = math.prod(len(v) for v in spec.grid.values())
    each = paths if paths is not None else spec.paths
    ps = _axis(spec, base, "paths", each, Scenario.model_fields["paths"].default)
    ms = _axis(spec, base, "horizon", None, Scenario.model_fields["horizon"].default)
    # the grid is a product: the paths and horizon axes (one value each where not a grid axis) meet
    # every value of the other keys equally often
    return n, n // (len(ps) * len(ms)) * sum(ps) * sum(ms)


def _typed(typed: Mapping[str, str] | None, name: str) -> str:
    """How the caller's user names ``sweep()``'s argument ``name``: the CLI's option (``typed``,
    e.g. ``{"paths": "--paths"}``), else the keyword itself."""
    return (typed or {}).get(name, name)


def check_size(spec: SweepSpec, base: dict, paths: int | None, cluster: str | None, where: str,
               typed: Mapping[str, str] | None = None) -> None:
    """Refuse, before any point is built, a grid of more than :data:`MAX_POINTS` points or, on local
    workers, more than :data:`MAX_PATH_MONTHS` path-months in all (each point's paths x its months).
    The fix names ``paths`` and ``cluster`` as the caller's user gives them (``typed``, see :func:`sweep`)."""
    from treasurylab.scenario.spec import given_as

    n, total = grid_size(spec, base, paths)
    shape = " x ".join(str(len(v)) for v in spec.grid.values())
    if n > MAX_POINTS:
        raise BadInput(f"too many points: {shape} = {n:,} points, the bound is {MAX_POINTS:,} "
                       f"(~50 ms of CPU a point before its paths)", where=where, field="grid",
                       fix="fewer points (fewer values per key, or fewer keys), or split the grid into "
                           "several sweeps")
    if not cluster and total > MAX_PATH_MONTHS:
        raise BadInput(f"too many path-months: {shape} = {n:,} points, {total:,} path-months in all (each "
                       f"point's paths x its months), the bound is {MAX_PATH_MONTHS:,} on local workers",
                       where=where, field="grid",
                       fix=f"fewer points, paths ({given_as(_typed(typed, 'paths'))} or the sweep's paths:) or "
                           f"months (horizon), or run it on a cluster ({given_as(_typed(typed, 'cluster'))})")


def check_given_once(spec: SweepSpec, paths: int | None, seed: int | None, where_of: Callable,
                     typed: Mapping[str, str] | None = None) -> None:
    """Refuse a ``paths`` or ``seed`` that a point gets from two places with different values: a grid
    axis (or ``set`` key) of it and the call's (``paths=``/``seed=``, from the CLI ``--paths``/``--seed``:
    ``typed``) or the sweep file's own, which every point would run instead (a sweep of another size
    than written). The same value in both places changes nothing and is run."""
    from treasurylab.scenario.spec import given_as

    for name, call in (("paths", paths), ("seed", seed)):
        over = call if call is not None else getattr(spec, name)
        if over is None:
            continue
        said = given_as(_typed(typed, name), over) if call is not None else f"the sweep file's {name}: {over}"
        for section, values in (("set", [spec.set[name]] if name in spec.set else []),
                                ("grid", spec.grid.get(name, []))):
            if any(isinstance(v, bool) or v != over for v in values):
                got = values[0] if section == "set" else values
                raise BadInput(f"clashes with {said}, which every point would run instead",
                               where=where_of((section, name)), field=f"{section}.{name}", got=got,
                               fix=f"give {name} in one place: drop this key, or "
                                   + (given_as(_typed(typed, name)) if call is not None
                                      else f"the sweep file's {name}:"))


def wave_points(workers: int, blocks_a_point: int) -> int:
    """Points prepared and run at a time: enough for :data:`reduce.WAVE_BLOCKS` blocks and two a worker
    (so that the workers stay busy), at least one."""
    from treasurylab.scenario.reduce import WAVE_BLOCKS

    return max(1, -(-max(WAVE_BLOCKS, 2 * workers) // max(1, blocks_a_point)))


def sweep(path_or_dict: Any, workers: int | None = None, cluster: str | None = None,
          paths: int | None = None, seed: int | None = None,
          progress: Callable[[int, int], None] | None = None,
          warn: Callable[[str], None] | None = None, typed: Mapping[str, str] | None = None) -> SweepResult:
    """Run every point of the grid; each point's metric in ``SweepResult.rows``.

    A grid over :data:`MAX_POINTS` points, or over :data:`MAX_PATH_MONTHS` path-months in all on local
    workers, is refused before any point is built (:func:`check_size`). Every point is parsed first
    (a bad point is refused before any block runs), keeping nothing but its warnings; the points are
    then built again, prepared and run a wave at a time (:func:`wave_points`; the next wave is
    prepared and handed over before this one is collected and reduced to its metric), so memory is
    bounded by the points in flight. A point is reduced as ``run`` reduces its paths: one of more
    than ``reduce.EXACT_PATHS`` paths is a wave of its own, its blocks folded a wave of blocks at a
    time (``runner.reduce_streamed``), so memory does not grow with a point's paths either. Every
    point has the same seed, so the order of the waves changes no number.

    Each distinct likely unit slip of the points' scenarios (:func:`point_warnings`) is in
    ``SweepResult.warnings`` and given to ``warn`` once, before the run.

    An error about an argument names it as the caller's user gave it: the keyword (``paths=``,
    ``seed=``, ``cluster=``) from Python; ``typed`` maps an argument to the command-line option
    that set it (``{"paths": "--paths", "seed": "--seed", "cluster": "--cluster"}`` from the CLI)."""
    from treasurylab.scenario.ensemble import merge, plan
    from treasurylab.scenario.executors import make_executor
    from treasurylab.scenario.reduce import EXACT_PATHS
    from treasurylab.scenario.results import Result, outcomes_of, summary_of_arrays
    from treasurylab.scenario.runner import reduce_streamed, run_block
    from treasurylab.scenario.spec import (
        check_paths,
        check_seed,
        load_scenario,
        parse_scenario,
        resolve,
    )
    from treasurylab.yamlio import load_yaml

    # the call's own values first: a bad one is the call's, not a point's scenario line
    if paths is not None:
        check_paths(paths, _typed(typed, "paths"))
    if seed is not None:
        check_seed(seed, _typed(typed, "seed"))
    spec, where_of = load_sweep(path_or_dict)
    check_given_once(spec, paths, seed, where_of, typed)
    try:
        base_path = resolve(_beside(spec.scenario, path_or_dict))
    except BadInput as exc:              # the sweep file's own key, not the command's argument
        if exc.field != "SCENARIO":
            raise
        raise BadInput(exc.problem, where=where_of(("scenario",)), field="scenario", got=exc.got,
                       fix=exc.fix) from None
    base_doc = load_yaml(base_path)
    base = base_doc.data
    check_size(spec, base if isinstance(base, dict) else {}, paths, cluster, where_of(("grid",)), typed)
    # the base is checked on its own first, so that a fault of its own is named by its loader (its
    # line), not as every point's; a base that only the sweep's values make valid (a horizon of 6
    # months with an event in month 12, every point's horizon 24) is swept. A point that fails as
    # the base does (the same field, problem and value: the sweep changed nothing there) is named
    # as the base's own fault; one that fails otherwise, as that point's
    try:
        load_scenario(base_path)
        base_fault = None
    except BadInput as exc:
        base_fault = exc
    keys = list(spec.grid)
    axes = [list(spec.grid[k]) for k in keys]

    def point(combo: tuple) -> tuple[Any, dict]:
        d = copy.deepcopy(base)
        changed: dict[tuple, str] = {}
        given: dict[tuple, str] = {}         # location -> the sweep line and value that set it
        for section, items in (("set", spec.set.items()), ("grid", zip(keys, combo))):
            for k, v in items:
                loc = set_path(d, k, v, where_of((section, k)), section)
                changed[loc] = where_of((section, k))
                given[loc] = f"{where_of((section, k))}: {section}.{k} = {cut(repr(v))}"
        if paths is not None or spec.paths is not None:
            d["paths"] = paths if paths is not None else spec.paths
        if seed is not None or spec.seed is not None:
            d["seed"] = seed if seed is not None else spec.seed
        # a value the sweep did not write: the scenario file's own line of it (as its loader names
        # it), with the point's changes that made it wrong
        label = ", ".join(f"{k}={v}" for k, v in (*spec.set.items(), *zip(keys, combo)))
        return parse_scenario(d, where_of=lambda loc, lab=label:
                              point_where(loc, given, f"{base_doc.where(loc)} with {lab}")), changed

    slips: dict[str, None] = {}
    n_tasks = 0
    for combo in itertools.product(*axes):
        try:
            sc, changed = point(combo)
        except BadInput as exc:
            if base_fault is not None and (exc.field, exc.problem, repr(exc.got)) == (
                    base_fault.field, base_fault.problem, repr(base_fault.got)):
                raise base_fault from None
            raise
        n_tasks += len(plan(sc.paths, sc.seed))
        slips.update(dict.fromkeys(point_warnings(sc, base_doc.where, changed)))
    for line in slips:
        if warn is not None:
            warn(line)
    from treasurylab.scenario import setup as setup_mod
    from treasurylab.scenario.parallel import before_fork

    res = SweepResult(spec, keys, axes, warnings=list(slips))
    ex = make_executor(workers, cluster, n_tasks)
    combos = itertools.product(*axes)
    done = [0]
    ahead: list = []                     # a streamed point met while a wave was filled: the next wave

    def start():
        """Build, prepare and hand over the next wave; None when the grid is done. A point of more
        than ``reduce.EXACT_PATHS`` paths is a wave of its own, run as the runner runs it (a wave
        of blocks at a time, folded into the stream) when it is collected, not handed over here."""
        wave: list = []
        tasks: list = []
        for combo in itertools.chain([ahead.pop()] if ahead else [], combos):
            # built and parsed again rather than kept from the first pass: ~0.15 ms a tipping-point
            # point (warm, measured), against ~3.7 KB a kept point (tracemalloc; ~37 MB at
            # MAX_POINTS); so the memory stays bounded by the points in flight, not by the grid
            sc, _ = point(combo)
            if sc.paths > EXACT_PATHS and wave:
                ahead.append(combo)
                break
            setup = setup_mod.prepare(sc)
            if not wave and not tasks and done[0] == 0:
                before_fork(ex, setup)
            blocks = plan(sc.paths, sc.seed)
            off = done[0] + len(tasks)
            if sc.paths > EXACT_PATHS:
                done[0] += len(blocks)
                cb = None if progress is None else (lambda d, _n, off=off: progress(off + d, n_tasks))
                return [(combo, sc, setup, cb)], None
            wave.append((combo, sc, setup, len(blocks)))
            tasks += [(setup, b) for b in blocks]
            if len(wave) >= wave_points(ex.workers, len(blocks)):
                break
        if not wave:
            return None
        off = done[0]
        done[0] += len(tasks)
        cb = None if progress is None else (lambda d, _n, off=off: progress(off + d, n_tasks))
        return wave, ex.submit(run_block, tasks, progress=cb)

    def collect(pending) -> None:
        """Wait for a wave and reduce each of its points to the metric, as ``run`` reduces a run of
        its paths: exact quantiles over the merged blocks, or the stream (``reduce_streamed``)."""
        wave, handed = pending
        parts = handed.result() if handed is not None else None
        for item in wave:
            combo, sc = item[0], item[1]
            if handed is None:
                summary, outcomes, _ = reduce_streamed(item[2], sc, ex, item[3])
            else:
                mine, parts = parts[:item[3]], parts[item[3]:]
                arrays = merge(mine, release=True)
                del mine
                summary = summary_of_arrays(arrays, [str(m) for m in item[2].months])
                outcomes = outcomes_of(arrays.get)
                del arrays
            row = {k: v for k, v in zip(keys, combo)}
            row["value"] = metric_value(Result(sc, None, _summary=summary, _outcomes=outcomes), spec.metric)
            res.rows.append(row)

    # the next wave is prepared and handed over before this one is collected, so that the workers
    # do not wait while it is prepared; two waves are in flight at most, as when the next wave was
    # handed over after this one was collected
    pending = nxt = None
    try:
        pending = start()
        nxt = start() if pending is not None else None
        while pending is not None:
            collect(pending)
            pending, nxt = nxt, None        # nothing of the collected wave outlives it
            if pending is not None:
                nxt = start()
    except BaseException:
        for p in (pending, nxt):
            if p is not None and p[1] is not None:
                p[1].cancel()
        raise
    finally:
        if hasattr(ex, "close"):
            ex.close()
    return res
