"""``treasurylab claims``: the commentary's quantitative claims checked against the bundled data.

    treasurylab claims [--file CLAIMS.yaml] [--row N ...] [--json]

Each row: the claim, the number claimed, the number in the data, the dataset and date, a verdict
(consistent / inconsistent / not checkable with bundled data) and a one-line note. The claim list is
``treasurylab/report/claims.yaml``; ``--file`` checks another list written the same way. The logic is
:func:`treasurylab.report.claims.check_claims`; an inconsistent claim is a finding, not an error, so
the exit code is 0 unless the input is bad (2).
"""

from __future__ import annotations

from pathlib import Path

import typer

from treasurylab.cli.output import as_typed, guard, print_json, table


def _num(v):
    """Claimed and found values with the same number style: 4 significant digits, no exponent."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return v
    if v == 0 or abs(v) >= 100:
        return f"{v:,.0f}" if abs(v) >= 1000 or float(v).is_integer() else f"{v:,.1f}"
    return f"{v:.4g}" if abs(v) >= 0.001 else f"{v:.2g}"


def register(app: typer.Typer) -> None:
    @app.command("claims")
    def claims(
        file: Path = typer.Option(None, "--file", "-f", help="A claims YAML file (default: the bundled list)."),
        row: list[int] = typer.Option(None, "--row", "-r", help="Only these rows of the article's table."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Check the commentary's numbers (China $683bn, peak $1.3T, $100M Danish sale, gold...) against the data."""

        def body() -> None:
            from treasurylab.errors import BadInput
            from treasurylab.report.claims import (
                CLAIMS_FILE,
                check_claims,
                load_claims,
                verdict_counts,
            )

            with as_typed({"claims file": "--file"}):
                entries = load_claims(file)
            if row:
                known = sorted({c["row"] for c in entries})
                for r in row:
                    if r not in known:
                        raise BadInput("no claim in this row", field="--row", got=r,
                                       fix=f"rows with claims: {', '.join(map(str, known))}")
                entries = [c for c in entries if c["row"] in set(row)]
            rows = check_claims(entries, path=file)
            counts = verdict_counts(rows)
            if json_:
                print_json({"claims": rows, "counts": counts,
                            "file": str(file) if file else CLAIMS_FILE.name})
                return
            checked = sum(n for v, n in counts.items() if not v.startswith("not checkable"))
            typer.echo(f"Of {len(rows)} claims, {checked} can be checked against the bundled data: "
                       + ", ".join(f"{n} {v}" for v, n in counts.items()) + ".\n")
            shown = [{**r, "claimed": _num(r["claimed"]), "claimed_unit": r["claimed_unit"] if r["claimed"] is not None else "",
                      "data_value": _num(r["data_value"])} for r in rows]
            table(shown, columns=["row", "id", "claimed", "claimed_unit", "data_value", "data_unit", "as_of", "dataset",
                                  "verdict"],
                  title="The commentary's claims against the bundled data")
            for r in rows:
                typer.echo(f"[{r['row']}] {r['id']}: {r['claim']}")
                typer.echo(f"      {r['verdict']}" + (f" ({r['rule']})" if r["rule"] else "")
                           + (f": {r['note']}" if r["note"] else ""))
            typer.echo(", ".join(f"{n} {v}" for v, n in counts.items()))

        guard(body, json_)
