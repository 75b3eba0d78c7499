"""``treasurylab dashboard``: the monitor and the scenario engine in the browser (Dash).

    treasurylab dashboard [--port N] [--open] [--host ADDRESS]

Binds 127.0.0.1 on a free port unless ``--port`` is given, prints the URL and serves until Ctrl-C.
``--host`` must be given explicitly to listen on another address, and a non-loopback address prints a
warning (the dashboard has no login; anyone who reaches the port can start runs, within the queue's bounds).
Pages: Overview, Holders, Foreign demand (weekly), Rates, Fiscal, Reserves, Minerals, Scenarios, Sources.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("dashboard")
    def dashboard(
        port: int = typer.Option(0, "--port", "-p", help="Port to listen on (default: a free port)."),
        open_: bool = typer.Option(False, "--open", help="Open the dashboard in the default browser."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default loopback; another "
                                                             "address is reachable from the network: a warning is printed)."),
    ) -> None:
        """Start the monitor dashboard in the browser (binds 127.0.0.1 on a free port by default)."""
        import sys

        from treasurylab.cli.output import fail

        if not 0 <= port <= 65535:
            fail(f"--port: must be 0 to 65535 (got {port}) - e.g. --port 8050")
        import signal

        from treasurylab.app import server as srv_mod
        from treasurylab.cli.output import guard

        def _stop(signum, frame):   # SIGTERM ends the server like Ctrl-C: workers stopped, port closed
            raise KeyboardInterrupt

        old = signal.signal(signal.SIGTERM, _stop)

        def cannot_listen(exc: OSError) -> None:
            import errno
            import socket

            # the name, or an address not of this machine: the port is not at fault
            if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
                fail(f"--host: cannot listen on {host}:{port} ({exc.strerror or exc}) - give an address of this "
                     "machine, or omit --host for 127.0.0.1")
            fail(f"--port/--host: cannot listen on {host}:{port} ({exc.strerror or exc}) - choose another port or omit --port")

        try:   # before the pages are built, and in one line (werkzeug's own failure prints two and exits 1)
            srv_mod.check_address(host, port)
        except OSError as exc:
            cannot_listen(exc)
        # warned only about an address it can listen on: a bad --host is one error line, no warning first
        if not srv_mod.is_loopback(host):
            sys.stderr.write(f"warning: binding {host}: the dashboard will be reachable from the network and has "
                             "no login; use the default 127.0.0.1 unless you mean it\n")
        sys.stderr.write("loading the store and building the pages...\n")
        try:   # a missing or damaged data file: one line naming it, exit 2 (guard), no traceback
            srv = guard(lambda: srv_mod.make_server(host, port))
        except OSError as exc:
            cannot_listen(exc)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{srv.server_port}/"
        typer.echo(f"treasurylab dashboard: {url}  (Ctrl-C to stop)")
        sys.stdout.flush()
        if open_:
            import webbrowser

            webbrowser.open(url)
        try:
            srv.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            srv.server_close()
            srv_mod.close_queue()
            signal.signal(signal.SIGTERM, old)
