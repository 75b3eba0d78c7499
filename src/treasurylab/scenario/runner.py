"""The runner: a scenario in, a :class:`~treasurylab.scenario.results.Result` out (``treasurylab.run`` wraps it for notebooks: ``report.notebook``).

``run(spec_or_path, paths=None, seed=None, workers=None, cluster=None, progress=None)``:

1. load and validate the scenario (a shipped name, a YAML path, a dict or a Scenario);
2. ``scenario.setup.prepare(scenario)`` builds everything deterministic once (parameters with the
   scenario's overrides, the CBO baseline, the initial maturity ladder and holdings, the event
   schedules) - a picklable ``Setup``;
3. the paths are cut into fixed blocks (``scenario.ensemble``), each with its own ``SeedSequence``
   child, and ``model.coupled.simulate(setup, n, rng)`` runs each block on an executor (serial,
   local processes - the default for more than one block - or Dask);
4. the blocks are concatenated along the path axis into an xarray Dataset (path, month[, holder])
   with the baseline paths as ``base_<var>`` (month,) variables. A run of more than ``keep_paths``
   paths (default :data:`KEEP_PATHS`) gets its summary and outcomes computed over all paths first;
   the Dataset then keeps the first ``keep_paths`` paths only, so a 100,000-path run holds ~0.2 GB
   of per-month output, not ~1.7 GB (the blocks' arrays are released one variable at a time while
   they are merged, so the peak is about one copy of the records).

Same scenario and seed -> identical numbers, whatever the number of workers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from treasurylab.errors import BadInput

#: Per-path monthly arrays kept in a Result's Dataset (the first paths; the summary uses all paths).
KEEP_PATHS = 10_000


def run_block(task, out: dict | None = None) -> dict:
    """Run one block of paths (top-level so process pools and Dask can pickle it); ``out``: the
    run's shared output map for this block, to record into directly (see ``ensemble.run_blocks``).
    The one way a block is run: :func:`run`, the sweep, the paired comparison and the backtest."""
    from treasurylab.model import coupled

    setup, block = task
    return coupled.simulate(setup, block.size, block.rng(), out=out)


def kernels_used(ex) -> str:
    """How the run's kernels ran (``meta.kernels``): this process's own runtime for a serial run; for
    worker processes, which report nothing back, what a process of this machine does (the check they
    make when they start: ``compiled.kernel_runtime_expected``), or this process's own when it has run
    them already (a forked worker keeps it); Dask's workers, maybe on other machines, are not known."""
    from treasurylab.model.compiled import kernel_runtime, kernel_runtime_expected

    here = kernel_runtime()
    if ex.name == "dask":
        return "not reported by the Dask workers"
    if ex.name == "processes":
        return (kernel_runtime_expected() if here == "not called yet" else here) + " (worker processes)"
    return here


def monthly_records(setup) -> dict[str, int]:
    """The (path, month) records of a run of ``setup`` that travel through a shared map: {name: months}."""
    from treasurylab.model import coupled

    return {k: setup.T for k in coupled.RECORD if k != "gold_price" or setup.rp is not None}


def reduce_streamed(setup, sc, ex, progress=None) -> tuple[Any, dict, float]:
    """The summary, outcomes and quantiles' rank error of a run of more than ``reduce.EXACT_PATHS``
    paths, as :func:`run` reduces it (:func:`_streamed`, no paths kept): what a sweep's point of that
    size is reduced by, so that its memory is one wave's records, whatever its paths."""
    from treasurylab.scenario.parallel import no_hugepage_advice

    with no_hugepage_advice():
        _, summary, outcomes, rank_error = _streamed(setup, sc, ex, monthly_records(setup), 0, progress)
    return summary, outcomes, rank_error


#: per-path outcomes kept for every path of a streamed run (one number a path)
PER_PATH = ("cascade_share", "regime_exceeded", "fed_backstop_bn", "fed_backstop_gross_bn")


def _streamed(setup, sc, ex, monthly: dict, keep: int, progress) -> tuple[dict, Any, dict, float]:
    """A run of more than ``reduce.EXACT_PATHS`` paths, wave by wave (``scenario.reduce``): each
    wave's records are folded into the stream and released. Returns the kept sample (the first
    ``keep`` paths, every output), the summary, the outcomes over all paths and the quantiles' rank
    error (0 when every quantile is exact: ``reduce.Stream.rank_error``)."""
    import numpy as np

    from treasurylab.scenario.ensemble import plan, start_blocks
    from treasurylab.scenario.reduce import WAVE_BLOCKS, Stream
    from treasurylab.scenario.results import outcomes_of

    blocks = plan(sc.paths, sc.seed)
    stream = Stream(list(monthly), setup.T)
    sample: dict[str, list] = {}
    per_path: dict[str, list] = {k: [] for k in PER_PATH}
    kept = 0
    starts = list(range(0, len(blocks), WAVE_BLOCKS))

    def start(w0: int):
        cb = None if progress is None else (lambda d, _n, w0=w0: progress(w0 + d, len(blocks)))
        return start_blocks(run_block, setup, sc.paths, sc.seed, ex, progress=cb, monthly=monthly,
                            blocks=blocks[w0:w0 + WAVE_BLOCKS])

    # one wave ahead: the workers run wave i + 1 while this process folds wave i into the stream
    # (the fold took about half as long as a wave's blocks, with the workers idle, when it ran
    # between waves); the stream still sees the waves in order, so the numbers are the same
    pending = start(starts[0])
    try:
        for i, w0 in enumerate(starts):
            arrays = pending.result()
            pending = start(starts[i + 1]) if i + 1 < len(starts) else None
            stream.add({k: arrays[k] for k in monthly})
            for k in PER_PATH:
                if k in arrays:
                    per_path[k].append(np.array(arrays[k]))
            if kept < keep:
                take = min(keep - kept, sum(b.size for b in blocks[w0:w0 + WAVE_BLOCKS]))
                for k, v in arrays.items():
                    if isinstance(v, np.ndarray) and v.ndim >= 1:
                        sample.setdefault(k, []).append(v[:take].copy())
                kept += take
            del arrays                            # the wave's map is unmapped here
    except BaseException:
        if pending is not None:               # a failed fold (or Ctrl-C) leaves no wave running
            pending.cancel()
        raise
    full = {k: np.concatenate(v) for k, v in per_path.items() if v}
    arrays = {k: np.concatenate(v, axis=0) for k, v in sample.items()}
    summary = stream.summary([str(m) for m in setup.months])
    return arrays, summary, outcomes_of(full.get), stream.rank_error


def _dataset(setup, arrays: dict, sc) -> Any:
    return _build_dataset(*_dataset_parts(setup, arrays, sc))


def _build_dataset(data_vars: dict, coords: dict, attrs: dict) -> Any:
    """The xarray Dataset of :func:`_dataset_parts`: its ``month`` coordinate datetime64 (the first day
    of each month, ``results.MONTH_ATTRS``), as ``paths.nc``'s, so that xarray's time tools work on it;
    the parts keep 'YYYY-MM' labels (``Result.arrays["month"]``)."""
    import xarray as xr

    from treasurylab.scenario.results import MONTH_ATTRS, month_coordinate

    coords = {**coords, "month": ("month", month_coordinate(coords["month"]), dict(MONTH_ATTRS))}
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _dataset_parts(setup, arrays: dict, sc) -> tuple[dict, dict, dict]:
    """The Dataset's variables ({name: (dims, array, attrs)}: units in ``attrs``, see
    ``results.internal_attrs``), coordinates (``month`` as 'YYYY-MM' labels; :func:`_build_dataset`
    makes them datetimes) and attrs, without xarray."""
    import numpy as np

    from treasurylab.scenario.results import internal_attrs

    months = list(setup.months)
    n = None
    data_vars: dict[str, Any] = {}
    for k, v in arrays.items():
        v = np.asarray(v)
        if v.ndim == 2 and v.shape[1] == len(months) and k not in ("holder_sales",):
            data_vars[k] = (("path", "month"), v)
        elif v.ndim == 1:
            data_vars[k] = (("path",), v)
        elif v.ndim == 2:
            data_vars[k] = (("path", "holder"), v)
        n = v.shape[0]
    for k, v in setup.baseline.items():
        data_vars[f"base_{k}"] = (("month",), np.asarray(v, dtype=float))
    if getattr(setup, "minerals", None) is not None:
        data_vars["minerals_gap_pp"] = (("month",), 100.0 * np.asarray(setup.gap_shock, dtype=float))
    data_vars = {k: (d[0], d[1], internal_attrs(k)) for k, d in data_vars.items()}
    coords = {"path": np.arange(n), "month": months}
    if any(d[0] == ("path", "holder") for d in data_vars.values()):
        coords["holder"] = list(setup.holder_names)
    return data_vars, coords, {"scenario": sc.name, "seed": sc.seed, "paths": int(n), "paths_kept": int(n),
                               # observed (TIC), not modelled: the cascade's denominator
                               "foreign_official_tic_bn": float(getattr(setup, "foreign_official_bn", 0.0))}


def run(spec_or_path: Any, paths: int | None = None, seed: int | None = None, workers: int | None = None,
        cluster: str | None = None, executor=None, progress: Callable[[int, int], None] | None = None,
        keep_paths: int | None = None):
    """Run a scenario's ensemble; returns a Result (xarray Dataset + summary).

    ``keep_paths`` (default :data:`KEEP_PATHS`): per-path monthly arrays kept in the Dataset; the
    summary and the outcomes always cover every path.
    """
    import numpy as np

    from treasurylab.model import coupled
    from treasurylab.scenario.ensemble import plan, run_blocks
    from treasurylab.scenario.executors import make_executor
    from treasurylab.scenario.results import Head, Result
    from treasurylab.scenario.spec import load_scenario

    sc = load_scenario(spec_or_path)
    changes: dict[str, Any] = {}
    if paths is not None:
        from treasurylab.scenario.spec import check_paths

        check_paths(paths)
        changes["paths"] = paths
    if seed is not None:
        from treasurylab.scenario.spec import check_seed

        check_seed(seed)
        changes["seed"] = seed
    if changes:
        sc = sc.with_(**changes)
    keep = KEEP_PATHS if keep_paths is None else keep_paths
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
        raise BadInput("must be a whole number >= 1", field="keep_paths", got=keep_paths,
                       fix=f"e.g. {KEEP_PATHS} (paths kept in the output; the summary uses all paths)")
    from treasurylab.scenario.reduce import EXACT_PATHS

    streamed = sc.paths > EXACT_PATHS
    # exact: the records of every path once, plus the kept sample; streamed: one wave, the quantile
    # windows and the sample (scenario/reduce.py), whatever the number of paths
    held = EXACT_PATHS + min(keep, sc.paths) if streamed else sc.paths + min(keep, sc.paths)
    need_gb = held * sc.horizon * len(coupled.RECORD) * 8 * 1.1 / 1e9
    if need_gb > 16:
        raise BadInput(f"{sc.paths:,} paths x {sc.horizon} months needs about {need_gb:.0f} GB of memory",
                       field="paths", got=sc.paths,
                       fix="use fewer paths (summaries are stable from a few thousand) or a shorter horizon")
    t0 = time.perf_counter()
    # when the run began (UTC, to the second), for the record: a later run into the same folder
    # names the run whose results it replaces by its scenario file and this time
    from treasurylab.scenario.resultdir import utc_stamp

    ran_at = utc_stamp()
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import located

    try:
        setup = prepare(sc)
    except BadInput as exc:   # a check of the set-up: name the file and line, as the loader does
        raise located(exc, spec_or_path) from None
    t1 = time.perf_counter()
    n_blocks = len(plan(sc.paths, sc.seed))
    ex = executor or make_executor(workers, cluster, n_blocks)
    summary = outcomes = None
    rank_error = 0.0
    from treasurylab.scenario.parallel import no_hugepage_advice

    try:
        # the (path, month) records travel through a shared map, not through pipes
        monthly = monthly_records(setup)
        with no_hugepage_advice():
            if streamed:
                arrays, summary, outcomes, rank_error = _streamed(setup, sc, ex, monthly, keep, progress)
            else:
                arrays = run_blocks(run_block, setup, sc.paths, sc.seed, ex, progress=progress, monthly=monthly)
    finally:
        if hasattr(ex, "close") and executor is None:
            ex.close()
    t2 = time.perf_counter()
    trimmed = not streamed and sc.paths > keep
    if trimmed:
        from treasurylab.scenario.results import outcomes_of, summary_of_arrays

        summary = summary_of_arrays(arrays, [str(m) for m in setup.months])
        outcomes = outcomes_of(arrays.get)
        # the kept paths stay views of the run's full arrays until the Dataset is built: build()
        # copies them out and lets the full map go then. A run whose paths are never looked at
        # (--no-report, no --save-paths) skips a copy of ~0.2 GB (a 20,480-path run's peak resident
        # memory 760 -> 587 MB, measured on the 2-core machine)
        arrays = {k: (v[:keep] if isinstance(v, np.ndarray) and v.ndim >= 1 else v) for k, v in arrays.items()}
    if summary is None:       # what the files and tables need, from the arrays (the Dataset waits)
        from treasurylab.scenario.results import outcomes_of, summary_of_arrays

        summary = summary_of_arrays(arrays, [str(m) for m in setup.months])
        outcomes = outcomes_of(arrays.get)
    data_vars, coords, attrs = _dataset_parts(setup, arrays, sc)
    attrs["paths"] = int(sc.paths)
    head = Head(months=[str(m) for m in setup.months], paths=int(sc.paths), variables=list(data_vars),
                attrs=dict(attrs), base={k[5:]: v[1] for k, v in data_vars.items() if k.startswith("base_")})

    kept: dict[str, Any] = {}

    def variables() -> dict[str, Any]:
        """The Dataset's variables, once: the kept paths copied out of the run's full arrays, so that
        those (views of one shared map) are freed, on a thread of their own (unmapping overlaps with
        what comes next)."""
        if not kept:
            if trimmed:
                from treasurylab.scenario.parallel import release_in_background

                kept.update({k: (d[0], np.array(d[1], order="K"), d[2]) for k, d in data_vars.items()})
                release_in_background(data_vars)
            else:
                kept.update(data_vars)
        return kept

    def build() -> Any:
        # built on first use of Result.ds only (notebooks, --save-paths, the targets): importing
        # xarray and building a Dataset costs ~1 s of a 10,000-path run's process
        return _build_dataset(variables(), coords, attrs)

    def arrays() -> dict[str, np.ndarray]:
        # what Result.arrays reads: the same arrays the Dataset is (or will be) built on
        return {**{k: d[1] for k, d in variables().items()}, **{k: np.asarray(c) for k, c in coords.items()}}

    meta = {"scenario_file": sc.source_file, "ran_at": ran_at, "seed": sc.seed, "paths": sc.paths, "blocks": n_blocks, "executor": ex.name,
            "workers": getattr(ex, "workers", 1), "seconds_prepare": round(t1 - t0, 3),
            "seconds_simulate": round(t2 - t1, 3), "paths_kept": int(attrs["paths_kept"]),
            "quantiles": "windows" if streamed else "exact", "quantile_rank_error": rank_error,
            "jump_off": dict(setup.jump_off),
            "kernels": kernels_used(ex)}
    res = Result(sc, build, meta, _summary=summary, _outcomes=outcomes, head=head, _arrays=arrays)
    res.minerals = setup.minerals
    return res
