"""``treasurylab calibrate --check``: every reference target with model value, reference, tolerance, pass."""

from __future__ import annotations

import typer

from treasurylab.cli.output import guard, print_json, table


def register(app: typer.Typer) -> None:
    @app.command("calibrate")
    def calibrate(
        check: bool = typer.Option(True, "--check/--no-check", help="Run every calibration target."),
        block: list[str] = typer.Option(None, "--block", "-b", help="Only these blocks (fiscal, market, ...)."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Check the model against its published reference targets (CBO, Beltran et al., IEA, ...)."""

        def body() -> None:
            from treasurylab.errors import BadInput, did_you_mean
            from treasurylab.scenario import targets as T

            known = T.modules()
            for b in block or []:
                if b not in known:
                    raise BadInput("unknown block", field="--block", got=b, fix=did_you_mean(b, known))
            results = T.collect(list(block) if block else None)
            rows = [r.to_dict() for r in results]
            n_fail = sum(not r.passed for r in results)
            if json_:
                print_json({"targets": rows, "passed": len(rows) - n_fail, "failed": n_fail})
            else:
                table(
                    [
                        {
                            "target": r["id"],
                            "model": r["model_value"],
                            "reference": r["reference"],
                            "range": f"[{r['lower']:.4g}, {r['upper']:.4g}]",
                            "unit": r["unit"],
                            "pass": r["passed"],
                        }
                        for r in rows
                    ],
                    title="Calibration targets",
                )
                typer.echo(f"{len(rows) - n_fail} passed, {n_fail} failed")
            if n_fail and check:
                raise typer.Exit(1)

        guard(body, json_)
