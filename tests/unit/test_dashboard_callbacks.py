"""The dashboard's callbacks answered through the app's own HTTP endpoint (no browser, no run)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture()
def client_and_submissions(monkeypatch):
    import treasurylab.app.server as srv

    seen: list[tuple] = []

    class FakeQueue:
        def submit(self, *a, **k):
            seen.append(a)
            return "job-1"

    monkeypatch.setattr(srv, "queue", lambda: FakeQueue())
    app = srv.create_app()
    client = app.server.test_client()
    client.get("/")          # lets Dash finish its set-up
    return client, seen


def _run_request(n_clicks):
    outputs = [{"id": "run-status", "property": "children"}, {"id": "job-store", "property": "data"},
               {"id": "poll", "property": "disabled"}]
    state = [{"id": "scenario", "property": "value", "value": "davos-2026"},
             {"id": "compare", "property": "value", "value": None},
             {"id": "paths", "property": "value", "value": 300},
             {"id": "seed", "property": "value", "value": 7},
             {"id": "upload-store", "property": "data", "value": None}]
    return {"output": "..run-status.children...job-store.data...poll.disabled..", "outputs": outputs,
            "inputs": [{"id": "run-button", "property": "n_clicks", "value": n_clicks}],
            "changedPropIds": ["run-button.n_clicks"], "state": state}


def test_opening_the_scenarios_page_starts_no_run(client_and_submissions):
    # Dash fires the Run callback with n_clicks=0 when the page's components are drawn: that is no click
    client, seen = client_and_submissions
    res = client.post("/_dash-update-component", data=json.dumps(_run_request(0)),
                      content_type="application/json")
    assert res.status_code == 204 and seen == []


def test_a_click_on_run_queues_the_run(client_and_submissions):
    client, seen = client_and_submissions
    res = client.post("/_dash-update-component", data=json.dumps(_run_request(1)),
                      content_type="application/json")
    assert res.status_code == 200 and "queued: davos-2026" in res.get_data(as_text=True)
    assert len(seen) == 1 and seen[0][0] == "davos-2026" and seen[0][2] == 300


def _dropdown_value(components, cid):
    from dash import dcc

    def walk(n):
        yield n
        kids = getattr(n, "children", None)
        for k in (kids if isinstance(kids, (list, tuple)) else [kids] if kids is not None else []):
            yield from walk(k)

    return next(n.value for c in components for n in walk(c) if isinstance(n, dcc.Dropdown) and n.id == cid)


def test_an_alerts_scenario_link_opens_the_scenarios_page_with_it_chosen():
    from dash import dcc

    from treasurylab.app import pages as P
    from treasurylab.app.server import render

    table = P.alerts_table()
    links = {}
    for tr in table.children[1].children:
        for td in tr.children:
            if isinstance(td.children, dcc.Link) and td.children.href.startswith("/scenarios"):
                links[tr.children[0].children.children] = td.children.href
    assert links["China's Treasury holdings below $650bn (TIC)"] == "/scenarios?scenario=davos-2026"
    path, _, search = links["China's Treasury holdings below $650bn (TIC)"].partition("?")
    assert _dropdown_value(render(path, "?" + search), "scenario") == "davos-2026"
    assert _dropdown_value(render("/scenarios", "?scenario=china-exit"), "scenario") == "china-exit"
    # only shipped names are taken from the address
    assert _dropdown_value(render("/scenarios", "?scenario=../../etc/passwd"), "scenario") == "davos-2026"


def test_the_page_callback_passes_the_address_query(client_and_submissions):
    client, _ = client_and_submissions
    req = {"output": "page.children", "outputs": {"id": "page", "property": "children"},
           "inputs": [{"id": "url", "property": "pathname", "value": "/scenarios"},
                      {"id": "url", "property": "search", "value": "?scenario=china-exit"}],
           "changedPropIds": ["url.pathname"]}
    res = client.post("/_dash-update-component", data=json.dumps(req), content_type="application/json")
    assert res.status_code == 200
    assert '"value": "china-exit"' in res.get_data(as_text=True).replace('"value":"', '"value": "')
