"""The ``treasurylab`` command.

Commands live in ``cli/*_cmd.py`` modules, each with ``register(app)``; they import the heavy layers
(pandas, the model) inside the command bodies, so ``treasurylab --help`` stays fast.
Exit codes: 0 ok, 2 bad input (the message names the field and the fix), 1 internal error.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

import treasurylab.cli as _cli

app = typer.Typer(
    name="treasurylab",
    help="Scenario engine and monitor for the US Treasury market under foreign de-risking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from treasurylab import __version__

        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Scenario engine and monitor for the US Treasury market under foreign de-risking."""


for _m in sorted(m.name for m in pkgutil.iter_modules(_cli.__path__) if m.name.endswith("_cmd")):
    importlib.import_module(f"treasurylab.cli.{_m}").register(app)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
