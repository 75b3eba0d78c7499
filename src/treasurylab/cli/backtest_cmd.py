"""``treasurylab backtest``: rolling-origin backtest of the bands (scenario/backtest.py).

Command::

    treasurylab backtest [--first 1995] [--last 2024] [--month 1] [--every 12] [--origins 2001-01,2008-01]
                         [--paths 2000] [--seed 0] [--spread-paths 2000] [--engine-origins 2025-02,...]
                         [--out out/backtest]
                         [--write-docs docs/validation.md] [--json]

Prints, for every target (10-year at 12 / 24 months, debt/GDP and net interest 1, 2, 5 years ahead)
and forecaster, the coverage of the nominal 50% and 90% bands, CRPS and CRPS relative to the point
forecast; writes the PIT histograms (``backtest_pit.html`` / ``.png``) and ``backtest.json`` to
``--out``; ``--spread-paths`` also runs the ``baseline`` scenario and compares its p5..p95 with the
10-year's historical changes and CBO's projection errors. ``--write-docs`` regenerates the "Backtest" section of docs/validation.md (the PNG goes to
docs/img/). Bad input exits 2 with one line naming the field and the fix.
"""

from __future__ import annotations

import typer

from treasurylab.cli.output import guard, print_json, table

_SHARES = ("width_ratio", "ref_inside", "ref_inside_se")     # spread rows printed to 2 decimals


def _origins(first: int, last: int, month: int, every: int, listed: str | None) -> list[str]:
    from treasurylab.errors import BadInput
    from treasurylab.params.macro_inputs import ordinal_label

    if listed:
        return [o.strip() for o in listed.split(",") if o.strip()]
    if not 1 <= month <= 12:
        raise BadInput("not a month number", field="--month", got=month, fix="use 1-12")
    if every < 1:
        raise BadInput("must be at least 1", field="--every", got=every, fix="e.g. --every 12 (yearly)")
    if last < first:
        raise BadInput("last before first", field="--first/--last", got=f"{first} > {last}", fix="swap them")
    o0, o1 = first * 12 + month - 1, last * 12 + month - 1
    return [ordinal_label(o) for o in range(o0, o1 + 1, every)]


def register(app: typer.Typer) -> None:
    @app.command("backtest")
    def backtest_cmd(
        first: int = typer.Option(1995, "--first", help="First origin year."),
        last: int = typer.Option(2024, "--last", help="Last origin year."),
        month: int = typer.Option(1, "--month", help="Month of the first origin (1 = January)."),
        every: int = typer.Option(12, "--every", help="Months between origins (12 = yearly, 1 = monthly)."),
        origins: str | None = typer.Option(None, "--origins", help="Comma-separated origins YYYY-MM (overrides the range)."),
        paths: int = typer.Option(2000, "--paths", "-n", help="Draws per origin."),
        seed: int = typer.Option(0, "--seed", "-s", help="Random seed."),
        engine_origins: str | None = typer.Option(None, "--engine-origins", help="Comma-separated origins (from 2025-02) for a separate replay of the full engine, e.g. 2025-02,2025-03."),
        spread_paths: int = typer.Option(2000, "--spread-paths", help="Paths of the engine's baseline run compared with the historical spread (0 = skip)."),
        out: str | None = typer.Option(None, "--out", "-o", help="Folder for backtest.json and the PIT plots "
                                                                 "(default out/backtest)."),
        write_docs: str | None = typer.Option(None, "--write-docs", help="Regenerate the Backtest section of this Markdown file."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Backtest the bands from rolling origins (strict as-of) against what happened."""

        def body() -> None:
            import json
            import shlex
            import sys
            from pathlib import Path

            from treasurylab.cli.output import check_out_dir, check_out_file
            from treasurylab.errors import BadInput
            from treasurylab.report.backtest_report import (
                render_section,
                update_validation_md,
                write_pit_plots,
            )
            from treasurylab.scenario import backtest as B
            from treasurylab.scenario.spec import check_seed

            check_seed(seed, "--seed")
            if out is not None:           # as run, sweep and demo: a missing parent is refused, not created
                check_out_dir(out, "--out")
            if write_docs:
                check_out_file(write_docs, "--write-docs", example="validation.md")   # a Markdown file
            if spread_paths < 0 or 0 < spread_paths < 100:
                raise BadInput("too few paths for p5/p95", field="--spread-paths", got=spread_paths,
                               fix="use 0 (skip) or at least 100")
            # every option checked before any work, named as the user wrote it
            main = _origins(first, last, month, every, origins)
            B.check_inputs(main, paths, field="--origins" if origins else "--first/--last", paths_field="--paths")
            eo = _origins(0, 0, 1, 1, engine_origins) if engine_origins else []
            if engine_origins:
                B.check_inputs(eo, paths, field="--engine-origins", paths_field="--paths")
            res = B.backtest(main, paths=paths, seed=seed)
            if spread_paths:
                res.spread, res.spread_paths = B.spread_checks(spread_paths, seed), spread_paths
            if engine_origins:
                eng = B.backtest(eo, paths=paths, seed=seed)
                if not any(r["forecaster"] == "engine" for r in eng.rows):
                    raise BadInput("the engine cannot start at these origins or their outcomes are not known yet",
                                   field="--engine-origins", got=engine_origins,
                                   fix="use months from 2025-02 whose 12-month outcome is in the data (to 2025-07)")
                res.engine = [x for x in eng.summary if x["target"] == "y10"]
                res.engine_origins = eo
            folder = Path(out if out is not None else "out/backtest")
            files = write_pit_plots(res, folder)
            (folder / "backtest.json").write_text(json.dumps(res.to_dict(), indent=1, default=float))
            files.append(str(folder / "backtest.json"))
            if write_docs:
                doc = Path(write_docs)
                img = doc.parent / "img"
                png = write_pit_plots(res, img)[1]
                (img / "backtest_pit.html").unlink(missing_ok=True)    # docs keep the PNG only
                cmd = "treasurylab " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:2] == ["backtest"] \
                    else "treasurylab backtest"
                update_validation_md(doc, render_section(res, cmd, png=str(Path(png).relative_to(doc.parent))))
                files.append(str(doc))
            if json_:
                d = res.to_dict()
                d["files"] = files
                print_json(d)
                return
            rows = [{"target": s["target"], "horizon": s["horizon"], "forecaster": s["forecaster"], "n": s["n"],
                     "cover50": round(s["cover50"], 2), "cover90": round(s["cover90"], 2),
                     "crps": round(s["crps"] * (1e4 if s["target"] == "y10" else 100 if s["target"] == "debt_gdp" else 1), 2),
                     "vs_point": round(s["crps_vs_point"], 2)} for s in res.summary]
            table(rows, title=f"backtest: {len(res.origins)} origins, {res.paths:,} paths "
                              "(CRPS: bp for y10, pp for debt/GDP, USD bn for net interest)")
            if res.engine:
                table([{"horizon": x["horizon"], "forecaster": x["forecaster"], "n": x["n"],
                        "cover50": round(x["cover50"], 2), "cover90": round(x["cover90"], 2),
                        "crps_bp": round(x["crps"] * 1e4, 1)} for x in res.engine],
                      title=f"engine replay, origins {res.engine_origins[0]}..{res.engine_origins[-1]}")
            if res.spread:
                # shares and ratios to 2 decimals (0.85 of the record inside, not 0.9), bp and pp to 1
                table([{k: (round(v, 2 if k in _SHARES else 1) if isinstance(v, float) else v) for k, v in r.items()}
                       for r in res.spread],
                      title="the engine's baseline bands against the record (ref_inside: share of the record "
                            "inside the engine's p5..p95)")
            for n in res.notes:
                typer.echo(f"note: {n}")
            typer.echo("files: " + ", ".join(files))

        guard(body, json_)
