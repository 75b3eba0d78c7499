"""The dashboard app: routes, callbacks and the loopback server.

Safety: no route reads or writes a path from user input (pages are built from the store; scenario names
are checked against the shipped list; an upload is parsed in memory, size-limited, through the safe YAML
loader and the scenario validation); runs go through :class:`~treasurylab.app.jobs.JobQueue` (bounded
queue and path count). :func:`serve` binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import threading
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from treasurylab.app import jobs as J
from treasurylab.app import pages as P
from treasurylab.app import scenarios as S
from treasurylab.app.cards import card
from treasurylab.errors import BadInput

_QUEUE: J.JobQueue | None = None


def queue() -> J.JobQueue:
    global _QUEUE
    if _QUEUE is None:
        _QUEUE = J.JobQueue(S.run_figures, processes=True)
    return _QUEUE


def _holders_page():
    return [html.H2("Holders"),
            html.Label("Holders to show (pick several):"),
            dcc.Dropdown(id="countries", options=P.tic_countries(), value=list(P.DEFAULT_COUNTRIES), multi=True),
            html.Div(id="holders-charts", children=P.holders_by_country(P.DEFAULT_COUNTRIES)),
            *P.page_holders_static()]


def _demand_page():
    return [*P.page_demand_static(),
            html.Label("Auction tenor:"),
            dcc.Dropdown(id="tenor", options=["2-Year", "5-Year", "10-Year", "20-Year", "30-Year", "4-Week", "13-Week"],
                         value="10-Year", clearable=False),
            html.Div(id="auctions", children=P.auctions_card("10-Year"))]


def _fiscal_page():
    return [*P.page_fiscal_static(),
            html.Label("Shift every rate by (bp):"),
            dcc.Slider(id="shift-bp", min=-200, max=300, step=25, value=100,
                       marks={v: str(v) for v in range(-200, 301, 100)}),
            html.Div(id="shift-card", children=P.interest_shift_figure(100))]


def _chosen_scenario(search: str | None) -> str:
    """The scenario named by the address (``?scenario=NAME``, as an alert's link gives it) when it is a
    shipped one; else davos-2026. Nothing from the address is used unless it is in the shipped list."""
    from urllib.parse import parse_qs

    names = S.shipped()
    want = parse_qs((search or "").lstrip("?")).get("scenario", [""])[0]
    return want if want in names else "davos-2026"


def _scenarios_page(search: str | None = None):
    names = S.shipped()
    opts = [{"label": n, "value": n} for n in names] + [{"label": "(uploaded file)", "value": "__upload__"}]
    return [html.H2("Scenarios"),
            html.P("Pick a shipped scenario or upload a YAML file; it is validated exactly as 'treasurylab run' "
                   f"validates it. Runs are queued (at most {J.MAX_IN_FLIGHT} at once, {J.MAX_PATHS} paths each)."),
            dcc.Upload(id="upload", children=html.Button("Upload a scenario YAML", id="upload-button"),
                       max_size=S.MAX_UPLOAD_BYTES, multiple=False),
            html.Div(id="upload-msg"),
            html.Div([html.Label("Scenario:"), dcc.Dropdown(id="scenario", options=opts, value=_chosen_scenario(search),
                                                            clearable=False)]),
            html.Div([html.Label("Compare with (optional):"),
                      dcc.Dropdown(id="compare", options=[{"label": n, "value": n} for n in names], value=None)]),
            html.Div([html.Label("Paths: "), dcc.Input(id="paths", type="number", value=300, min=1, max=J.MAX_PATHS,
                                                       step=1),
                      html.Label(" Seed: "), dcc.Input(id="seed", type="number", value=7, min=0, step=1),
                      html.Button("Run", id="run-button", n_clicks=0)]),
            html.Div(id="run-status"),
            html.Progress(id="run-progress", value="0", max="1"),
            dcc.Interval(id="poll", interval=poll_interval_ms(0), disabled=True),
            # the run that ended, for _results to draw once; on this page, as every output of _poll: an
            # output already on the page when it is drawn makes Dash call _poll then, initial call or not
            dcc.Store(id="ended-job"),
            html.Div(id="run-results"),
            P.scenario_history_card()]


def render(path: str, search: str | None = None) -> list:
    if path in ("/", "", None):
        return P.page_overview()
    if path == "/scenarios":
        return _scenarios_page(search)
    builders = {"/holders": _holders_page, "/demand": _demand_page, "/rates": P.page_rates, "/fiscal": _fiscal_page,
                "/reserves": P.page_reserves, "/minerals": P.page_minerals, "/scenarios": _scenarios_page,
                "/sources": P.page_sources}
    b = builders.get(path)
    if b is None:
        return [html.H2("Not found"), html.P(["No such page. ", dcc.Link("Overview", href="/")])]
    return b()


def create_app() -> Dash:
    app = Dash(__name__, title="treasurylab monitor", suppress_callback_exceptions=True,
               update_title=None, serve_locally=True)
    app.layout = html.Div([
        dcc.Location(id="url"),
        html.Nav([dcc.Link(name, href=href) for href, name in P.PAGES]),
        html.Main(id="page"),
        dcc.Store(id="upload-store"),
        dcc.Store(id="job-store"),
    ])

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
    def _page(path, search):
        return render(path, search)

    @app.callback(Output("holders-charts", "children"), Input("countries", "value"), prevent_initial_call=True)
    def _holders(countries):
        return P.holders_by_country(tuple(sorted(countries or [])) or P.DEFAULT_COUNTRIES)

    @app.callback(Output("auctions", "children"), Input("tenor", "value"), prevent_initial_call=True)
    def _auctions(tenor):
        return P.auctions_card(tenor if tenor in ("2-Year", "5-Year", "10-Year", "20-Year", "30-Year", "4-Week",
                                                  "13-Week") else "10-Year")

    @app.callback(Output("shift-card", "children"), Input("shift-bp", "value"), prevent_initial_call=True)
    def _shift(bp):
        bp = int(bp) if isinstance(bp, (int, float)) else 0
        return P.interest_shift_figure(max(-200, min(300, bp)))

    @app.callback(Output("upload-msg", "children"), Output("upload-store", "data"), Output("scenario", "value"),
                  Input("upload", "contents"), State("upload", "filename"), prevent_initial_call=True)
    def _upload(contents, filename):
        if contents is None:   # the upload box was (re)drawn, nothing chosen yet
            raise PreventUpdate
        try:
            text = S.decode_upload(contents, filename)
            sc = S.validate_text(text, filename)
        except BadInput as exc:
            return html.P(str(exc), className="error", id="upload-error"), None, no_update
        return ([html.P(f"valid scenario '{sc.name}' ({len(sc.events)} events)", className="ok", id="upload-ok"),
                 *warning_lines(sc.warnings, "upload-warnings")],
                {"text": text, "name": filename}, "__upload__")

    @app.callback(Output("run-status", "children"), Output("job-store", "data"), Output("poll", "disabled"),
                  Output("poll", "n_intervals"), Output("poll", "interval"), Input("run-button", "n_clicks"), State("scenario", "value"), State("compare", "value"),
                  State("paths", "value"), State("seed", "value"), State("upload-store", "data"),
                  prevent_initial_call=True)
    def _run(n, choice, compare, paths, seed, up):
        if not n:   # Dash calls this with n_clicks=0 when it draws the page: that is no click, start nothing
            raise PreventUpdate
        try:
            up = up or {}
            sc = S.resolve(choice, up.get("text"), up.get("name"))
            cmp = S.resolve(compare, None, None) if compare else None
            jid = queue().submit(sc.name, sc, int(paths) if paths is not None else 0,
                                 int(seed) if seed is not None else 0, cmp)
        except (BadInput, ValueError, TypeError) as exc:
            return html.P(str(exc), className="error"), None, True, no_update, no_update
        except J.Busy as exc:
            return html.P(f"busy: {exc}", className="error"), None, True, no_update, no_update
        # the poll counts this run's ticks from 0, at its first pace (poll_interval_ms)
        return ([html.P(f"queued: {sc.name}", id="run-queued"), *warning_lines(sc.warnings)], jid, False, 0,
                poll_interval_ms(0))

    # The page asks for the run's state every 500 ms at first, and Dash drops a callback's answer when
    # the same callback was asked again before it came. So the poll answers only what is cheap (the
    # state, the progress) and, when the run has ended, hands its id to _results, which draws the charts
    # once: the answer that drew them (~0.4 s quiet, more on a loaded machine) came after the next poll
    # and was dropped, every time, and the page said 'running (1/1 blocks)' for good. A long run is
    # asked less often (poll_interval_ms), which leaves even a slow answer time to land.
    @app.callback(Output("run-progress", "value"), Output("run-progress", "max"),
                  Output("poll", "disabled", allow_duplicate=True), Output("run-status", "children", allow_duplicate=True),
                  Output("ended-job", "data"), Output("poll", "interval", allow_duplicate=True),
                  Input("poll", "n_intervals"), State("job-store", "data"), prevent_initial_call=True)
    def _poll(ticks, jid):
        job = queue().get(jid) if isinstance(jid, str) else None
        if job is None:
            return "0", "1", True, html.P("no such run", className="error"), no_update, no_update
        if job.status not in ("done", "failed"):
            return (str(job.done), str(job.total), False, run_status(job), no_update,
                    poll_interval_ms(ticks if isinstance(ticks, int) else 0))
        # the status says 'done' (or 'failed') with the charts or the error (_results), where they are read
        value, top = (str(job.total), str(job.total)) if job.status == "done" else ("0", "1")
        return value, top, True, no_update, jid, no_update

    @app.callback(Output("run-results", "children"), Output("run-status", "children", allow_duplicate=True),
                  Input("ended-job", "data"), prevent_initial_call=True)
    def _results(jid):
        job = queue().get(jid) if isinstance(jid, str) else None
        if job is None:
            return no_update, html.P("no such run", className="error")
        if job.status == "failed":
            return html.P(job.error, className="error"), run_status(job)
        return result_cards(job), run_status(job)

    return app


#: (ticks so far, milliseconds to the next): a run's first 10 s polled every 0.5 s (a short run's
#: result shows at once), the next 30 s every second, then every 2 s (a progress bar of blocks that each
#: take seconds). `assumption`: paces for a person watching, not measured needs; what is measured is
#: that the cheap answer took up to 0.64 s on a loaded 2-core server (docs/benchmarks.md, load test),
#: more than one 0.5 s tick.
POLL_PACES_MS = ((20, 500), (50, 1000))
POLL_SLOWEST_MS = 2000


def poll_interval_ms(ticks: int) -> int:
    """Milliseconds between two polls of a run after ``ticks`` polls of it (:data:`POLL_PACES_MS`)."""
    for below, ms in POLL_PACES_MS:
        if ticks < below:
            return ms
    return POLL_SLOWEST_MS


def warning_lines(lines, div_id: str = "run-warnings") -> list:
    """A scenario's likely unit slips (kept as given), one line each as ``treasurylab run`` prints them
    on stderr ('warning: FILE line N: ...'); [] when there are none."""
    if not lines:
        return []
    return [html.Div([html.P(f"warning: {w}", className="warning") for w in lines], id=div_id)]


def run_status(job: J.Job) -> list:
    """The run's status line (``run-<status>``) with its scenario's warnings under it, from queued to
    done or failed (the page's fan charts come below)."""
    return [html.P(f"{job.status}: {job.label} ({job.done}/{job.total} blocks)", id=f"run-{job.status}"),
            *warning_lines(job.warnings)]


def result_cards(job: J.Job) -> list:
    """A finished run's fan charts, each card dated by the run's start month and the last observation."""
    return [card(title, fig, source=f"treasurylab run {job.label}: model output",
                 as_of=as_of, card_id=f"card-{div}") for div, title, fig, as_of in job.figures]


def close_queue() -> None:
    global _QUEUE
    if _QUEUE is not None:
        _QUEUE.close()
        _QUEUE = None


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_address(host: str, port: int) -> None:
    """Raise OSError when ``host:port`` cannot be listened on (unknown address, port in use, no permission).

    Called before the pages are built: werkzeug's own bind failure prints two lines and exits 1."""
    import socket

    family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as werkzeug's server does
        s.bind(addr)


def make_server(host: str = "127.0.0.1", port: int = 0, warm: bool = True):
    """A threaded WSGI server for the app (port 0: a free port); call ``serve_forever`` on it."""
    from werkzeug.serving import make_server as _mk

    if warm:
        P.warm()
    app = create_app()
    return _mk(host, port, app.server, threaded=True)


def serve_in_thread(host: str = "127.0.0.1", port: int = 0) -> tuple[Any, str]:
    """Start the server on a background thread (tests, load test); returns (server, url)."""
    srv = make_server(host, port)
    threading.Thread(target=srv.serve_forever, daemon=True, name="treasurylab-dashboard").start()
    return srv, f"http://{host}:{srv.server_port}"
