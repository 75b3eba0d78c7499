"""The ``treasurylab`` command.

Commands live in ``cli/*_cmd.py`` modules, each with ``register(app)``; they import the heavy layers
(pandas, the model) inside the command bodies, so ``treasurylab --help`` stays fast.
Exit codes: 0 ok, 2 bad input (the message names the field and the fix), 1 internal error, 3 ``data
update`` refreshed nothing (offline, or every fetch failed), 130 interrupted.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer.core import TyperGroup

# typer carries its own copy of click; its exception classes are reached through a public one
_UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


class _Group(TyperGroup):
    """The top-level command group, with click's usage errors held to the project's error contract.

    click reports a bad option value (``--paths abc``), an unknown option or a missing argument as a
    multi-line boxed message and, under ``--json``, prints no JSON at all. Here such an error becomes
    one line on stderr naming the option and where to look (``error: Invalid value for '--paths' /
    '-n': 'abc' is not a valid int - see 'treasurylab run --help'``), exit code 2, and with
    ``--json`` on the command line the usual ``{"error": ..., "exit_code": 2}`` document on stdout.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        if "--help" in argv or "-h" in argv or not argv:
            _no_flag_metavars(self)
        if set(argv) == {"--version", "--json"}:             # one JSON document, as every command gives
            from treasurylab import __version__
            from treasurylab.cli.output import print_json

            print_json({"version": __version__})
            sys.exit(0)
        try:
            rv = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except _UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":   # the help was printed already
                sys.exit(exc.exit_code)
            _usage_error(exc, json_mode=_json_flag(argv))
        except _ClickException as exc:                     # e.g. a file option that cannot be opened
            _usage_error(exc, json_mode=_json_flag(argv))
        except typer.Abort:
            sys.stderr.write("error: aborted\n")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _no_flag_metavars(group) -> None:
    """Give every on/off flag of every command an empty metavar: a flag takes no value, and typer's help
    showed ``<bool>`` in the value column of each (``--json  <bool>  Print one JSON document.``)."""
    # --help is made on demand and then kept (click caches it on the command), so it is made here
    helper = group.get_help_option(group.context_class(group, info_name=group.name))
    for p in [*group.params, *([helper] if helper is not None else [])]:
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
    for cmd in getattr(group, "commands", {}).values():
        _no_flag_metavars(cmd)


def _json_flag(argv: list[str]) -> bool:
    """``--json`` among the options (not after a ``--`` that ends them)."""
    return "--json" in (argv[: argv.index("--")] if "--" in argv else argv)


def _usage_error(exc, json_mode: bool) -> None:
    from treasurylab.cli.output import print_json
    from treasurylab.errors import one_line

    msg = one_line(" ".join(exc.format_message().split()))  # one line, whatever click wrapped
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        msg = f"{msg.rstrip('.')} - see '{ctx.command_path} --help'"
    if json_mode:
        print_json({"error": msg, "exit_code": exc.exit_code})
    sys.stderr.write(f"error: {msg}\n")
    sys.exit(exc.exit_code)


app = typer.Typer(
    cls=_Group,
    name="treasurylab",
    help="Scenario engine and monitor for the US Treasury market under foreign de-risking.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help (click's layout), not rich's panels: rendering them imported rich's markdown and
    # layout modules, ~0.15 s of a 0.3 s `treasurylab --help` on the 2-core machine (0.3 -> 0.16 s)
    rich_markup_mode=None,
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


#: the command modules, each with ``register(app)``, in the order of ``--help`` (a test checks that
#: every ``cli/*_cmd.py`` is listed: a listed name costs nothing at start, scanning the package ~12 ms)
COMMAND_MODULES = ("backtest_cmd", "calibrate_cmd", "claims_cmd", "dashboard_cmd", "data_cmd", "demo_cmd",
                   "fiscal_cmd", "minerals_cmd", "run_cmd", "scenarios_cmd", "watch_cmd")
for _m in COMMAND_MODULES:
    importlib.import_module(f"treasurylab.cli.{_m}").register(app)


def main() -> None:
    """The console command: run it, then end the process without tearing the interpreter down.

    When a command has returned, its files are written and closed and its output printed; what
    Python's normal exit still did then - freeing every object of numpy, pandas and pyarrow one by
    one - took ~0.2-0.3 s of a 10,000-path run's 3.5 s on the 2-core machine and changed nothing a user
    sees. What Python's exit does before that teardown is still done, in its order (the threads'
    shutdown, which stops worker pools and waits for them, then the exit functions), then the output
    is flushed and the process ends with the command's exit code. Inside Python (a test's
    ``CliRunner``, a notebook) ``app`` is called instead and none of this happens.
    """
    try:
        app()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _end_now(code)


def _end_now(code: object) -> None:
    """Exit with ``code`` as ``sys.exit`` would (None -> 0; a message -> printed, 1), skipping the teardown."""
    import atexit
    import os
    import threading

    if code is None:
        code = 0
    elif not isinstance(code, int):
        sys.stderr.write(f"{code}\n")
        code = 1
    shutdown = getattr(threading, "_shutdown", None)
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if shutdown is None or run_exit_functions is None:     # another Python: its own exit, as usual
        sys.exit(code)
    # as Py_FinalizeEx: join the threads (concurrent.futures stops its pools' workers here; a pool's
    # workers still up would make multiprocessing's exit function wait for them forever), then atexit
    shutdown()
    run_exit_functions()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):   # a closed pipe (| head): nothing more can reach it
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
