"""``treasurylab run``, ``compare`` and ``sweep``: scenarios, their ensembles and parameter grids.

Human output is a compact p5/p50/p95 table (and a progress bar on stderr for runs of several
blocks); ``--json`` prints exactly one JSON document on stdout. ``run`` writes the summary (CSV,
Parquet), ``result.json`` and the HTML report into ``--out`` (default ``out/<scenario name>``), and
the paths (``paths.nc``, NetCDF) only when asked: ``--save-paths N`` writes the first N. A run that
replaces an earlier run's results in that folder says so in one line on stderr (its scenario file and
when it ran) and in ``--json``'s ``replaced``. Heavy imports happen inside the commands so ``--help``
stays fast.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import typer

from treasurylab.cli import output
from treasurylab.cli.output import guard, print_json, table

#: paths run in blocks, one block per worker at most (scenario/executors.make_executor), so a run of one
#: block (davos-2026's 1,000 paths) runs serially whatever --workers says; meta.workers gives what ran
WORKERS_HELP = ("Local worker processes (1 = serial); at most one per block of paths, so a run of a single "
                "block runs serially.")


def kernels_hint(meta: dict, environ) -> str | None:
    """The line that tells a user whose run compiled the model's kernels with numba's JIT (no current
    build for this machine: installed without ``make``, or sources changed since) how to build them
    once; None otherwise, and when TREASURYLAB_PREBUILT_DIR is set (whoever set it chose where builds
    live, or turned them off)."""
    if not str(meta.get("kernels", "")).startswith("numba JIT") or "TREASURYLAB_PREBUILT_DIR" in environ:
        return None
    return ("the model's kernels were compiled by numba's JIT in this run (about 1 s and 115 MiB a process); "
            "build them for this machine once (about a minute): python -m treasurylab.scenario.prebuild")


@contextmanager
def progress_bar(enabled: bool, what: str):
    """A rich progress bar on stderr; yields a callback(done, total) (or None when disabled).

    Only when stderr is a terminal: in a pipe, a log file or under ``--json`` a bar is noise (rich
    would still write a blank line), and the JSON reader must see nothing but the document. Disabled
    (``--json``, or a run of one block), rich is not even imported."""
    console = output.console(stderr=True) if enabled else None
    if console is None or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as prog:
        task = prog.add_task(what, total=None)

        def cb(done: int, total: int) -> None:
            prog.update(task, completed=done, total=total)

        yield cb


def check_common(paths=None, seed=None, workers=None, cluster=None, out=None) -> None:
    """Options shared by run/compare/sweep, checked before any scenario is loaded or run, so a typo
    costs nothing and the message names the option as typed."""
    if paths is not None:
        from treasurylab.scenario.spec import check_paths

        check_paths(paths, "--paths")
    if seed is not None:
        from treasurylab.scenario.spec import check_seed

        check_seed(seed, "--seed")
    if workers is not None:
        from treasurylab.scenario.executors import check_workers

        check_workers(workers, "--workers")
    if cluster is not None:
        from treasurylab.scenario.executors import check_address

        check_address(cluster)
    if out is not None:
        output.check_out_dir(out, "--out")


def check_file_arg(value: str, field: str, what: str = "scenario") -> None:
    """A scenario (or sweep) argument that is empty or names a folder: say so, instead of failing
    later while reading a folder as a file."""
    from pathlib import Path

    from treasurylab.errors import BadInput

    if not str(value).strip():
        raise BadInput(f"empty {what} name", field=field, got=value,
                       fix=f"give a shipped {what} name or the path of a .yaml file")
    if Path(value).is_dir():
        raise BadInput("is a folder, not a file", field=field, got=str(value),
                       fix=f"give the path of a {what} .yaml file inside it")


def _check_sweep_arg(value: str) -> None:
    """A sweep that is neither a file nor a shipped sweep name: list the shipped sweeps (and say so
    when the name is a scenario's, a common slip: ``sweep davos-2026``)."""
    from pathlib import Path

    from treasurylab.errors import BadInput, did_you_mean
    from treasurylab.scenario.spec import shipped, shipped_dir

    check_file_arg(value, "SWEEP", "sweep")
    p = Path(value)
    if p.exists() or str(value).endswith((".yaml", ".yml")) or "/" in str(value):
        if not p.exists():
            raise BadInput("file not found", field="SWEEP", got=str(value),
                           fix="check the path, or give a shipped sweep: " + ", ".join(
                               sorted(q.name.removesuffix(".sweep.yaml") for q in shipped_dir().glob("*.sweep.yaml"))))
        return                                   # a file: the sweep loader reports what is wrong in it
    names = sorted(q.name.removesuffix(".sweep.yaml") for q in shipped_dir().glob("*.sweep.yaml"))
    if value in names:
        return
    if value in shipped():
        raise BadInput("is a scenario, not a sweep", field="SWEEP", got=value,
                       fix="write a sweep file (name:, scenario: " + value + ", grid: ...) or use a shipped "
                           "sweep: " + ", ".join(names))
    raise BadInput("no such sweep", field="SWEEP", got=value,
                   fix=did_you_mean(value, names) + " (or give the path of a .sweep.yaml file)")


def _run_from(source: str, sc, **kw):
    """``run(sc, **kw)`` for the scenario read from ``source`` (a name or a YAML file): a check made
    when the run is set up (two overlapping events, announced sales past the holdings) names the
    file and line of its field, as the loader's checks do."""
    from treasurylab.errors import BadInput
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.spec import located

    try:
        return run(sc, **kw)
    except BadInput as exc:
        raise located(exc, source) from None


def headline_rows(res) -> list[dict]:
    from treasurylab.numtext import number as num

    return [{"variable": r["label"], "month": r["month"], "p5": num(r["p5"]), "p50": num(r["p50"]),
             "p95": num(r["p95"])} for r in res.headline()]


def register(app: typer.Typer) -> None:
    @app.command("run")
    def run_cmd(
        scenario: str = typer.Argument(..., metavar="SCENARIO", help="A shipped scenario name (e.g. davos-2026) or a YAML file."),
        paths: int | None = typer.Option(None, "--paths", "-n", help="Monte Carlo paths (default: the file's)."),
        seed: int | None = typer.Option(None, "--seed", "-s", help="Random seed (default: the file's)."),
        out: str | None = typer.Option(None, "--out", "-o", help="Output folder (default out/NAME)."),
        workers: int | None = typer.Option(None, "--workers", "-w", help=WORKERS_HELP),
        cluster: str | None = typer.Option(None, "--cluster", help="Dask scheduler, tcp://HOST:PORT."),
        report: bool = typer.Option(True, "--report/--no-report", help="Write the HTML report."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
        baseline: str | None = typer.Option(None, "--baseline", help="CBO baseline vintage, e.g. cbo-2025-01 (default: the file's)."),
        save_paths: int | None = typer.Option(None, "--save-paths", help="Also write the first N paths to paths.nc (NetCDF)."),
    ) -> None:
        """Run a scenario's ensemble: summary table, HTML report, Parquet results (paths.nc with --save-paths)."""

        def body() -> None:
            from pathlib import Path

            from treasurylab.scenario.ensemble import BLOCK_SIZE
            from treasurylab.scenario.resultdir import earlier_set, replaced_line, result_folder
            from treasurylab.scenario.spec import load_scenario, with_baseline

            check_file_arg(scenario, "SCENARIO")
            check_common(paths=paths, seed=seed, workers=workers, cluster=cluster, out=out)
            from treasurylab.scenario.results import check_save_paths
            from treasurylab.scenario.runner import KEEP_PATHS

            if save_paths is not None:
                check_save_paths(save_paths, field="--save-paths")
            sc = load_scenario(scenario)
            output.warn(sc.warnings)                   # likely unit slips, kept as given
            if baseline is not None:
                sc, note = with_baseline(sc, baseline)
                if note:
                    typer.echo(f"note: {note}", err=True)
            n = paths if paths is not None else sc.paths
            if save_paths is not None:      # refused before the run: no run is wasted, nothing written
                check_save_paths(save_paths, min(n, KEEP_PATHS), field="--save-paths")
            folder = Path(out) if out else Path("out") / sc.name
            # locked and staged before the run: a second writer or an unwritable folder is refused
            # now, and the result set appears all at once (scenario/resultdir.py)
            with result_folder(folder) as stage:
                # read under the lock: the set the commit replaces, said once it is replaced
                earlier = earlier_set(folder)
                with progress_bar(not json_ and n > BLOCK_SIZE, f"{sc.name}: {n:,} paths") as cb:
                    res = _run_from(scenario, sc, paths=paths, seed=seed, workers=workers, cluster=cluster,
                                    progress=cb)
                also = {}
                if report:
                    from treasurylab.report.html import write_report
                    from treasurylab.scenario.compare import band_sources

                    # the variance decomposition of the bands: the scenario re-run with one source at
                    # a time, on the same random numbers
                    bs = band_sources(res.scenario, workers=workers, result=res)
                    write_report(res, stage / "report.html", band_sources=bs)
                    also["report_html"] = str(folder / "report.html")
                res.meta["replaced"] = earlier
                # the record last, listing the whole set: result.json is what --json prints
                files = res.save(stage, as_dir=folder, save_paths=save_paths, also=also)
            if earlier is not None:             # a folder holds its latest run: say whose it was
                typer.echo(f"note: {replaced_line(earlier)}", err=True)
            if json_:
                print_json(res.to_dict())
                return
            table(headline_rows(res), title=f"{sc.name}: {res.paths:,} paths, seed {res.meta['seed']}")
            typer.echo(f"p5 / p50 / p95: the 5th, 50th (median) and 95th percentiles across the {res.paths:,} paths "
                       f"in each month; 90% of the paths lie between p5 and p95")
            for note in res.headline_notes():
                typer.echo(f"note: {note}")
            for r in res.event_rows():          # an event cut at the run's end: what is inside
                if r["passes_end"]:
                    typer.echo(f"note: {r['field']}: {r['what']}")
            dec = res.decomposition()
            if dec:
                se = res.decomposition_se()
                # the rows' machine key total_bp (result.json's decomposition_y10) worded as the other columns
                table([{("total (bp)" if k == "total_bp" else k): (v if k == "month" else f"{v:+.1f} ± {e[k]:.1f}")
                        for k, v in r.items()} for r, e in zip(dec, se, strict=True)],
                      title="10-year change from the baseline, by source (bp, mean across paths "
                            "± its Monte Carlo standard error)")
                # the paired comparison only where there are events to compare (not `compare baseline baseline`)
                cmp_ = res.compare_command()
                notes = res.decomposition_notes(dec, se)
                if "noise" in notes:
                    typer.echo(notes["noise"])
                # the words on 'other' carry the pointer to the paired comparison when they are there
                hint = f"; {cmp_} gives the events' effect path by path" if sc.events and "other" not in notes else ""
                typer.echo(f"other: the mean of the paths' random shocks over {res.paths:,} paths (not zero with "
                           f"few paths: a run with no events shows it too) and the regime cap{hint}")
                if "other" in notes:            # the report's words under its chart, for this table's months
                    typer.echo(notes["other"])
            from treasurylab.scenario.results import outcome_line

            for k, v in res.outcomes().items():
                typer.echo(outcome_line(k, v))
            typer.echo(f"results: {folder}" + (f"  report: {files['report_html']}" if report else ""))
            hint = kernels_hint(res.meta, os.environ)
            if hint:
                typer.echo(f"note: {hint}", err=True)

        guard(body, json_)

    @app.command("compare")
    def compare_cmd(
        a: str = typer.Argument(..., metavar="A", help="First scenario (name or YAML)."),
        b: str = typer.Argument(..., metavar="B", help="Second scenario (name or YAML)."),
        paths: int | None = typer.Option(None, "--paths", "-n", help="Paths for both runs."),
        seed: int | None = typer.Option(None, "--seed", "-s", help="Seed for both runs."),
        workers: int | None = typer.Option(None, "--workers", "-w", help=WORKERS_HELP),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Run two scenarios on the same draws of the world (same seed) and show the per-path difference B - A."""

        def body() -> None:
            from treasurylab.scenario.ensemble import BLOCK_SIZE
            from treasurylab.scenario.spec import load_scenario

            check_file_arg(a, "A")
            check_file_arg(b, "B")
            check_common(paths=paths, seed=seed, workers=workers)
            with output.as_typed({"SCENARIO": "A"}):         # both checked before either runs, each named
                sa = load_scenario(a)                        # as its help shows it
            with output.as_typed({"SCENARIO": "B"}):
                sb = load_scenario(b)
            output.warn(sa.warnings)
            output.warn(sb.warnings)
            big = not json_ and max(paths or sa.paths, paths or sb.paths) > BLOCK_SIZE
            from treasurylab.scenario.compare import common_draws, paired_rows

            # common random numbers: one seed and one path count for both runs, so path i of B and path
            # i of A see the same world and their difference is B's effect on that draw
            n_paths, s_seed = common_draws(sa, sb, paths, seed)
            with progress_bar(big, f"{sa.name}") as cb:
                ra = _run_from(a, sa, paths=n_paths, seed=s_seed, workers=workers, progress=cb)
            with progress_bar(big, f"{sb.name}") as cb:
                rb = _run_from(b, sb, paths=n_paths, seed=s_seed, workers=workers, progress=cb)
            from treasurylab.scenario.compare import side_names

            name_a, name_b = side_names(ra.scenario.name, rb.scenario.name)
            # the medians are in the variable's unit, the differences in difference_unit (percentage
            # points for a variable in percent): one 'unit' for both read a 0.34 difference as 0.34%
            rows = [{"variable": r["label"], "month": r["month"], "unit": r["unit"],
                     f"{name_a} p50": r["a_p50"], f"{name_b} p50": r["b_p50"], "difference p5": r["diff_p5"],
                     "difference p50": r["diff_p50"], "difference p95": r["diff_p95"],
                     "difference_unit": r["difference_unit"]}
                    for r in paired_rows(ra, rb)]
            oa, ob = ra.outcomes(), rb.outcomes()
            if json_:
                da, db = ra.to_dict(), rb.to_dict()
                print_json({"a": da, "b": db, "rows": rows,
                            "outcomes": {k: {"a": oa.get(k), "b": ob.get(k)} for k in sorted(set(oa) | set(ob))},
                            "outcome_units": {**da["outcome_units"], **db["outcome_units"]}})   # each run's own
                return
            # on screen the unit is in the variable's label: '10-year yield (%)', and the words under
            # the table say a difference of percentages is in pp
            table([{k: v for k, v in r.items() if k not in ("unit", "difference_unit")} for r in rows],
                  title=f"{name_b} - {name_a}, paired per path (same seed, same world): {n_paths:,} paths, "
                        f"seed {s_seed}")
            kept = len(ra.arrays["path"])                 # the paths each run keeps (runner.KEEP_PATHS)
            over = f"{kept:,} paths" + (f" kept (the first of {n_paths:,})" if kept < n_paths else "")
            typer.echo(f"difference p5 / p50 / p95: the 5th, 50th and 95th percentiles across the {over} "
                       f"of {name_b} minus {name_a} on the same path, in the variable's unit; for a unit in % the "
                       f"difference is in percentage points (pp)")
            for note in ra.headline_notes():
                typer.echo(f"note: {note}")
            from treasurylab.scenario.results import outcome_line

            for k in sorted(set(oa) | set(ob)):
                typer.echo(outcome_line(k, oa.get(k, float("nan")), ob.get(k, float("nan"))))

        guard(body, json_)

    @app.command("sweep")
    def sweep_cmd(
        spec: str = typer.Argument(..., metavar="SWEEP", help="A sweep YAML file (or a shipped sweep name, e.g. tipping-point)."),
        cluster: str | None = typer.Option(None, "--cluster", help="Dask scheduler, tcp://HOST:PORT."),
        workers: int | None = typer.Option(None, "--workers", "-w", help="Local worker processes."),
        paths: int | None = typer.Option(None, "--paths", "-n", help="Paths per grid point."),
        seed: int | None = typer.Option(None, "--seed", "-s"),
        out: str | None = typer.Option(None, "--out", "-o", help="Write sweep.json and the map here."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Run a scenario over a parameter grid (e.g. the tipping-point map)."""

        def body() -> None:
            import json
            from contextlib import nullcontext
            from pathlib import Path

            from treasurylab.scenario.resultdir import result_folder
            from treasurylab.scenario.sweep import sweep

            _check_sweep_arg(spec)
            check_common(paths=paths, seed=seed, workers=workers, cluster=cluster, out=out)
            files = {}
            with (result_folder(out) if out else nullcontext()) as stage:   # locked before the sweep
                with progress_bar(not json_, "sweep") as cb:
                    # each likely unit slip once, not once per grid point, before the run
                    res = sweep(spec, workers=workers, cluster=cluster, paths=paths, seed=seed, progress=cb,
                                warn=lambda line: output.warn([line]),
                                typed={"paths": "--paths", "seed": "--seed", "cluster": "--cluster"})
                if out:
                    folder = Path(out)
                    from treasurylab.report.html import write_sweep_html

                    if write_sweep_html(res, stage / "sweep.html"):
                        files["sweep_html"] = str(folder / "sweep.html")
                    # the record last, listing the whole set (itself too): the one --json prints
                    files["sweep_json"] = str(folder / "sweep.json")
                    (stage / "sweep.json").write_text(json.dumps({**res.to_dict(), "files": files}, indent=1,
                                                                 default=str))
            if json_:
                print_json({**res.to_dict(), "files": files})
                return
            table(res.rows, title=f"{res.spec.name}: {res.spec.metric}")
            typer.echo("units: " + "; ".join(f"{k} in {u}" for k, u in res.units().items()))
            for k, v in files.items():
                typer.echo(f"{k}: {v}")

        guard(body, json_)
