"""``treasurylab scenarios``: the shipped scenarios, their story and their events, in words.

Commands::

    treasurylab scenarios [--json]              one line per shipped scenario: story and events
    treasurylab scenarios show NAME [--json]    the resolved YAML (defaults filled in) and each event in words,
                                                by date (events of one date in the file's order)
    treasurylab scenarios show NAME --yaml      only the resolved YAML (a starting point for your own file)

The words come from the validated scenario (``scenario.spec``), so they describe exactly what a run
would do with the file; a file path works as NAME too.
"""

from __future__ import annotations

from typing import Any

import typer

from treasurylab.cli.output import as_typed, guard, print_json, table


def _bn(x: float) -> str:
    return f"USD {x:,.0f}bn" if x >= 10 else f"USD {x:.1f}bn"


def _events_short(events: list[dict]) -> str:
    """'sale x8 (2026-01-20 .. 2026-02-01); threat (2026-01-22)' for the listing."""
    by: dict[str, list[str]] = {}
    for e in events:
        by.setdefault(e["type"], []).append(str(e["date"]))
    parts = []
    for t, dates in by.items():
        span = dates[0] if len(set(dates)) == 1 else f"{min(dates)} .. {max(dates)}"
        parts.append(f"{t}{f' x{len(dates)}' if len(dates) > 1 else ''} ({span})")
    return "; ".join(parts) or "none"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def event_words(ev: Any, run: Any = None) -> str:
    """One sentence saying what an event does: the event's own ``describe(run)`` (scenario/events);
    with the run (``scenario.words.run_window``), display names and what falls inside it."""
    return ev.describe(run)


def _story(sc: Any) -> str:
    return " ".join(str(sc.description or "").split()) or "(no description)"


def _summary(sc: Any) -> dict[str, Any]:
    from treasurylab.scenario.words import event_rows

    # by date, not the file's order (davos-2026 listed 14 Jan after 22 Jan); sorted() is stable, so
    # events of one date keep the file's order, and 'field' names each one's place in the file
    rows = sorted(event_rows(sc), key=lambda r: str(r["date"]))
    return {"name": sc.name, "story": _story(sc), "start": sc.start, "horizon_months": sc.horizon,
            "events": [{k: r[k] for k in ("type", "date", "what", "passes_end", "field")} for r in rows],
            "warnings": list(sc.warnings)}


def resolved_yaml(sc: Any) -> str:
    """The scenario with every default filled in, as YAML."""
    import io

    from ruamel.yaml import YAML

    y = YAML()
    y.default_flow_style = False
    buf = io.StringIO()
    y.dump(sc.model_dump(mode="json", exclude_none=True), buf)
    return buf.getvalue()


def register(app: typer.Typer) -> None:
    sc_app = typer.Typer(help="The shipped scenarios: their story and events, in words.",
                         invoke_without_command=True)
    app.add_typer(sc_app, name="scenarios")

    @sc_app.callback()
    def list_(ctx: typer.Context,
              json_: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> None:
        """List the shipped scenarios with a one-line story and their events."""
        if ctx.invoked_subcommand is not None:
            return

        def body() -> None:
            from treasurylab.scenario.spec import load_scenario, shipped

            # the shipped files against their schema only (load_scenario's checks=False): the listing
            # shows names, stories and event words, none of which the checks against the data change
            scs = [load_scenario(n, checks=False) for n in shipped()]
            if json_:
                rows = [_summary(sc) for sc in scs]
                print_json({"scenarios": rows, "count": len(rows)})
                return
            # the table shows each event's type and date, not its words (which name the holders)
            # the whole story: a table never cuts a value (README); a terminal wraps it
            table([{"name": sc.name, "story": _story(sc),
                    "events": _events_short([{"type": ev.type, "date": ev.date} for ev in sc.events])}
                   for sc in scs], title=f"{len(scs)} shipped scenarios ('treasurylab scenarios show NAME')")

        guard(body, json_)

    @sc_app.command("show")
    def show(name: str = typer.Argument(..., metavar="NAME", help="A shipped scenario name or a YAML file."),
             yaml_only: bool = typer.Option(False, "--yaml", help="Only the resolved YAML (a file to edit: "
                                            "'treasurylab scenarios show china-exit --yaml > my-scenario.yaml')."),
             json_: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> None:
        """The resolved YAML of one scenario and what each of its events does, in words."""

        def body() -> None:
            from treasurylab.cli.run_cmd import check_file_arg
            from treasurylab.scenario.spec import load_scenario

            check_file_arg(name, "NAME")
            with as_typed({"SCENARIO": "NAME"}):                # the positional as its help shows it
                sc = load_scenario(name)
            from treasurylab.cli.output import warn

            warn(sc.warnings)                          # likely unit slips, kept as given
            if yaml_only and not json_:
                typer.echo(resolved_yaml(sc), nl=False)
                return
            summ = _summary(sc)
            if json_:
                print_json({**summ, "resolved": sc.model_dump(mode="json")})
                return
            typer.echo(f"{sc.name}: {summ['story']}\n")
            typer.echo(f"# resolved scenario (defaults filled in)\n{resolved_yaml(sc)}")
            typer.echo("What each event does, by date (events of one date in the file's order):")
            for i, e in enumerate(summ["events"], 1):
                typer.echo(f"  {i}. {e['what']}")
            if not summ["events"]:
                typer.echo("  (no events: the baseline path)")

        guard(body, json_)
