"""``treasurylab watch``: alert rules over the monitor's indicators, evaluated on the store.

    treasurylab watch [--rules RULES.yaml] [--as-of YYYY-MM-DD] [--json]

Prints each rule's status (fired / quiet / no data) with the value, the date it is for (``observed``), the
date its publisher released it (``published``, blank where the store does not record it), how old the
observation is on the day judged (``age``), a sentence, the stale flag of a dataset whose next release
is overdue (``stale``, data/freshness.py's rule), and why the rule's level is what it is (``basis``: a
source, or an assumption with its reason). The rules are ``treasurylab/monitor/rules.yaml`` unless
``--rules`` names another file written the same way.
Run ``treasurylab data update`` first (online) to evaluate on fresh data. ``--json`` prints one document;
its fields and their units are listed once, in ``monitor.rules.WATCH_JSON_FIELDS`` and ``ALERT_FIELDS``
(the README's list is generated from them).

``--as-of`` must lie between the earliest observation any rule can use and today (else exit 2, naming
the range): before it nothing can be judged, and a date in the future would pass the latest data off
as that day's.

Exit codes: 0 nothing fired; 3 at least one rule fired (for cron or CI: ``treasurylab watch || notify``);
2 bad input (a rules file with an error, naming the field); 1 internal error.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from treasurylab.cli.output import as_typed, guard, print_json, table


def register(app: typer.Typer) -> None:
    @app.command("watch")
    def watch(
        rules: Path = typer.Option(None, "--rules", "-r", help="A rules YAML file (default: the shipped rules)."),
        as_of: str = typer.Option(None, "--as-of", help="Evaluate as of this date (YYYY-MM-DD, from the first "
                                                        "observation any rule can use to today): data published "
                                                        "after it are ignored and deadline clocks count from it."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Evaluate alert rules (China below $650bn, custody down $50bn in 13 weeks, ...); exit 3 if any fired."""

        def body() -> int:
            from treasurylab.errors import BadInput
            from treasurylab.monitor.rules import (
                EXIT_FIRED,
                SHIPPED_RULES,
                evaluate,
                load_rules,
                shown_numbers,
            )

            if rules is not None and not rules.is_file():
                raise BadInput("is a folder, not a file" if rules.is_dir() else "no such file", field="--rules",
                               got=str(rules), fix="give the path of a rules YAML file (written like the shipped "
                                                   "treasurylab/monitor/rules.yaml)")
            when = None
            if as_of is not None:
                try:
                    when = dt.date.fromisoformat(as_of)
                except ValueError:
                    raise BadInput("not a date", field="--as-of", got=as_of, fix="write YYYY-MM-DD") from None
            with as_typed({"as_of": "--as-of"}):
                rows = evaluate(load_rules(rules), as_of=when)
            fired = [r for r in rows if r["fired"]]
            counts = {s: sum(r["status"] == s for r in rows) for s in ("fired", "quiet", "no data")}
            if json_:
                print_json({"rules_file": str(rules) if rules else SHIPPED_RULES.name,
                            "as_of": when.isoformat() if when else None, "counts": counts,
                            "exit_code": EXIT_FIRED if fired else 0, "alerts": rows})
            else:
                # 'date' is the observation's (the month, week or day the value is for); 'published' is
                # when its publisher released it (--as-of judges by it); a deadline's date is the day counted
                # the value and change as the sentence below writes them (one rule: the indicator's digits)
                table([{**r, **shown_numbers(r), "observed": r["date"]} for r in rows],
                      columns=["status", "id", "value", "unit", "observed", "published", "age", "change", "change_unit",
                               "condition"], title="Alerts (treasurylab watch)")
                for r in rows:
                    typer.echo(f"[{r['status']}] {r['id']}: {r['message']}")
                    if r.get("stale"):
                        typer.echo(f"    stale data: {r['stale']}")
                    if r.get("basis"):
                        typer.echo(f"    why this level: {r['basis']}")
                typer.echo(", ".join(f"{n} {s}" for s, n in counts.items()))
            return EXIT_FIRED if fired else 0

        code = guard(body, json_)
        raise typer.Exit(code or 0)
