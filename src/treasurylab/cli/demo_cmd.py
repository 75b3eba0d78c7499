"""``treasurylab demo``: a summary of the claims analysts argue about, computed from the bundled data.

Each row of :func:`data_summary` is a number computed from an official dataset (never typed in):
China's peak and latest Treasury holdings and the change between them; Japan, United Kingdom, total
foreign and foreign-official holdings; China's share of foreign holdings; the 10-year yield now vs
the month of China's peak (2013-11); the Fed's Treasury holdings; the US dollar's share of allocated
reserves (COFER); official gold tonnes of China, Russia, India, Poland and Turkey and their change
since 2019. Percent changes are ``100 * (latest / reference - 1)``.

:func:`write_charts` writes the major holders 2000-2025 as PNG and HTML (plotly.js inlined).
The demo then runs the ``davos-2026`` scenario offline (1,000 paths by default) with
:func:`run_scenario` and writes its results and self-contained HTML report to ``OUT/davos-2026/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from treasurylab.cli.output import guard, print_json, table

MAJOR_HOLDERS = [
    "Japan",
    "China, Mainland",
    "United Kingdom",
    "Belgium",
    "Luxembourg",
    "Cayman Islands",
]


def data_summary() -> list[dict[str, Any]]:
    """The demo's table: one dict per claim (claim, value, unit, as_of, dataset, note).

    Computed in the report layer (:func:`treasurylab.report.claims.data_summary`), which shares its
    TIC helpers with ``treasurylab claims`` so the two commands never disagree.
    """
    from treasurylab.report.claims import data_summary as _summary

    return _summary()


def write_charts(out_dir: Path) -> list[str]:
    """Major foreign holders 2000-2025 as PNG and HTML in ``out_dir``; returns the paths written."""
    from treasurylab.cli.data_cmd import write_plot
    from treasurylab.data import series

    out_dir = Path(out_dir)
    df = series("tic.holdings", series="current", country=None)
    df = df[df["country"].isin(MAJOR_HOLDERS)]
    title = "Major foreign holders of US Treasury securities, 2000-2025 (TIC, end of month)"
    paths = []
    for ext in ("png", "html"):
        paths.append(
            str(write_plot(df, out_dir / f"major_holders_2000_2025.{ext}", title, "USD bn"))
        )
    return paths


def run_scenario(out: Path, paths: int = 1000, seed: int | None = None, workers: int | None = None,
                 progress=None):
    """Run the davos-2026 scenario offline and write its results and HTML report under ``out``
    (``res.meta["replaced"]``: the earlier result set that folder held, as ``run`` records it, or None)."""
    from treasurylab.report.html import write_report
    from treasurylab.scenario.resultdir import earlier_set, result_folder
    from treasurylab.scenario.runner import run

    folder = Path(out) / "davos-2026"
    with result_folder(folder) as stage:          # all-or-nothing, one writer (scenario/resultdir.py)
        earlier = earlier_set(folder)             # under the lock: the set the commit replaces
        res = run("davos-2026", paths=paths, seed=seed, workers=workers, progress=progress)
        write_report(res, stage / "report.html")
        res.meta["replaced"] = earlier
        res.save(stage, as_dir=folder, also={"report_html": str(folder / "report.html")})   # the record last
    return res


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Path = typer.Option(Path("out"), "--out", help="Folder for the charts and the report."),
        paths: int = typer.Option(1000, "--paths", "-n", help="Paths of the davos-2026 run."),
        seed: int = typer.Option(None, "--seed", "-s", help="Seed (default: the scenario's)."),
        workers: int = typer.Option(None, "--workers", "-w", help="Local worker processes."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Real data summary, a chart of the major holders, and the davos-2026 scenario with its HTML report."""

        def body() -> None:
            from treasurylab.cli.output import check_out_dir
            from treasurylab.cli.run_cmd import check_common, headline_rows, progress_bar

            # checked before the charts are written, so a bad option leaves nothing half-done behind
            check_common(paths=paths, seed=seed, workers=workers)
            check_out_dir(out, "--out")
            rows = data_summary()
            charts = write_charts(out)
            with progress_bar(not json_, f"davos-2026: {paths:,} paths") as cb:
                res = run_scenario(out, paths=paths, seed=seed, workers=workers, progress=cb)
            report = res.meta["files"]["report_html"]
            if res.meta["replaced"] is not None:      # as `run` says it: a folder holds its latest run
                from treasurylab.scenario.resultdir import replaced_line

                typer.echo(f"note: {replaced_line(res.meta['replaced'])}", err=True)
            if json_:
                print_json({"summary": rows, "charts": charts, "scenario": res.to_dict(), "report": report})
            else:
                table(
                    rows,
                    columns=["claim", "value", "unit", "as_of", "note"],
                    title="treasurylab: what the official data say",
                )
                for p in charts:
                    typer.echo(f"chart written to {p}")
                table(headline_rows(res), title=f"davos-2026: {res.paths:,} paths, seed {res.meta['seed']}")
                from treasurylab.scenario.results import outcome_line

                for k, v in res.outcomes().items():
                    typer.echo(outcome_line(k, v))
                typer.echo(f"report written to {report}")

        guard(body, json_)
