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
               {"id": "poll", "property": "disabled"}, {"id": "poll", "property": "n_intervals"},
               {"id": "poll", "property": "interval"}]
    state = [{"id": "scenario", "property": "value", "value": "davos-2026"},
             {"id": "compare", "property": "value", "value": None},
             {"id": "paths", "property": "value", "value": 300},
             {"id": "seed", "property": "value", "value": 7},
             {"id": "upload-store", "property": "data", "value": None}]
    return {"output": "..run-status.children...job-store.data...poll.disabled...poll.n_intervals...poll.interval..",
            "outputs": outputs,
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
    # the new run's polls are counted from 0, at the first pace
    assert res.get_json()["response"]["poll"] == {"disabled": False, "n_intervals": 0, "interval": 500}


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


SLIP = ("name: slip\nstart: 2026-01\nhorizon: 24\npaths: 2\nevents:\n"
        "  - {type: term_premium, date: 2026-02, size_bp: 0.5}\n")


def _said(sc) -> str:
    (w,) = sc.warnings
    assert "did you mean 50 (bp)?" in w
    return f"warning: {w}"


def test_an_uploaded_scenarios_warnings_are_shown_on_upload_and_next_to_its_run(client_and_submissions):
    """The Scenarios page said 'valid scenario' for a file with a likely unit slip (size_bp: 0.5) and
    ran it without a word: the upload message, the run's status and its results now show each warning,
    with the text 'treasurylab run' prints."""
    import base64

    from treasurylab.scenario.spec import load_scenario_text

    client, seen = client_and_submissions
    said = _said(load_scenario_text(SLIP, "slip.yaml"))
    contents = "data:application/x-yaml;base64," + base64.b64encode(SLIP.encode()).decode()
    req = {"output": "..upload-msg.children...upload-store.data...scenario.value..",
           "outputs": [{"id": "upload-msg", "property": "children"}, {"id": "upload-store", "property": "data"},
                       {"id": "scenario", "property": "value"}],
           "inputs": [{"id": "upload", "property": "contents", "value": contents}],
           "state": [{"id": "upload", "property": "filename", "value": "slip.yaml"}],
           "changedPropIds": ["upload.contents"]}
    res = client.post("/_dash-update-component", data=json.dumps(req), content_type="application/json")
    body = res.get_data(as_text=True)
    assert res.status_code == 200 and "valid scenario" in body and said in body
    run = _run_request(1)
    run["state"][0]["value"] = "__upload__"
    run["state"][4]["value"] = {"text": SLIP, "name": "slip.yaml"}
    res = client.post("/_dash-update-component", data=json.dumps(run), content_type="application/json")
    body = res.get_data(as_text=True)
    assert res.status_code == 200 and "queued: slip" in body and said in body and len(seen) == 1
    res = client.post("/_dash-update-component", data=json.dumps(_run_request(1)), content_type="application/json")
    assert "warning:" not in res.get_data(as_text=True)                  # a shipped scenario has none


def test_a_runs_warnings_stay_next_to_its_status_while_it_runs_and_when_it_is_done():
    import threading

    from treasurylab.app import jobs as J
    from treasurylab.app.server import run_status
    from treasurylab.scenario.spec import load_scenario, load_scenario_text

    sc = load_scenario_text(SLIP, "slip.yaml")
    said = _said(sc)
    go = threading.Event()
    q = J.JobQueue(lambda *a: go.wait(10) and [], max_in_flight=1, max_queued=2)
    job = q.get(q.submit(sc.name, sc, 2, 0))
    assert job.warnings == sc.warnings
    assert said in str(run_status(job)) and f"run-{job.status}" in str(run_status(job))
    go.set()
    for _ in range(200):
        if job.status == "done":
            break
        threading.Event().wait(0.05)
    assert job.status == "done" and said in str(run_status(job)) and "run-done" in str(run_status(job))
    plain = q.get(q.submit("baseline", load_scenario("baseline"), 2, 0))
    assert plain.warnings == () and "warning:" not in str(run_status(plain))
    q.close()


def _callback_request(app, first_output: str, inputs: list, state: list | None = None) -> dict:
    """A request for the callback whose outputs start with ``first_output`` (its key, with Dash's suffix
    on an allow_duplicate output, read from the app's own map)."""
    key = next(k for k in app.callback_map if k.startswith(".." + first_output))
    outs = key.strip(".").split("...")
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1].split("@")[0]} for o in outs]
    return {"output": key, "outputs": outputs, "inputs": inputs, "state": state or [],
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


@pytest.fixture()
def app_with_jobs(monkeypatch):
    """The app over a queue of hand-made jobs (one running, one done with a chart, one failed)."""
    import plotly.graph_objects as go

    import treasurylab.app.server as srv
    from treasurylab.app.jobs import Job

    fig = go.Figure(go.Scatter(x=["2026-01", "2026-02"], y=[4.1, 4.2], name="median")).to_dict()
    jobs = {"run": Job("run", "davos-2026", status="running", done=1, total=1),
            "ok": Job("ok", "davos-2026", status="done", figures=[("fan-y10", "10-year yield", fig, "run from 2026-01")]),
            "bad": Job("bad", "davos-2026", status="failed", error="paths: must be a whole number")}

    class Jobs:
        def get(self, jid):
            return jobs.get(jid)

    monkeypatch.setattr(srv, "queue", lambda: Jobs())
    app = srv.create_app()
    client = app.server.test_client()
    client.get("/")
    return app, client


def _post(client, req) -> tuple[int, dict]:
    res = client.post("/_dash-update-component", data=json.dumps(req), content_type="application/json")
    return res.status_code, (res.get_json() or {}).get("response", {})


def test_the_poll_answers_the_state_only_and_hands_an_ended_run_to_the_results(app_with_jobs):
    """The page polls every 500 ms and Dash drops an answer when the next poll was sent before it came:
    the poll's answer must stay cheap, so an ended run's charts are drawn by another callback, once,
    from the ended run's id the poll hands it (an answer that drew them was dropped, every time, on a
    loaded machine: tests/e2e)."""
    app, client = app_with_jobs

    def poll(jid):
        return _post(client, _callback_request(app, "run-progress.value", [
            {"id": "poll", "property": "n_intervals", "value": 3}], [{"id": "job-store", "property": "data", "value": jid}]))

    code, out = poll("run")
    assert code == 200 and out["poll"]["disabled"] is False and "ended-job" not in out
    assert out["poll"]["interval"] == 500          # tick 3 of a run: still the first pace
    assert "run-running" in json.dumps(out["run-status"]) and "1/1 blocks" in json.dumps(out["run-status"])
    code, out = poll("ok")
    assert code == 200 and out["poll"]["disabled"] is True and out["ended-job"]["data"] == "ok"
    assert "interval" not in out["poll"]
    assert out["run-progress"] == {"value": "1", "max": "1"}
    assert "run-status" not in out and "figure" not in json.dumps(out)     # no chart in the poll's answer
    code, out = poll("bad")
    assert code == 200 and out["ended-job"]["data"] == "bad" and out["run-progress"] == {"value": "0", "max": "1"}
    code, out = poll("gone")
    assert code == 200 and "no such run" in json.dumps(out["run-status"]) and out["poll"]["disabled"] is True


def test_the_results_callback_draws_an_ended_runs_charts_or_its_error(app_with_jobs):
    app, client = app_with_jobs

    def results(jid):
        return _post(client, _callback_request(app, "run-results.children", [
            {"id": "ended-job", "property": "data", "value": jid}]))

    code, out = results("ok")
    body = json.dumps(out)
    assert code == 200 and "card-fan-y10" in body and '"median"' in body and "run-done" in body
    code, out = results("bad")
    body = json.dumps(out)
    assert code == 200 and "paths: must be a whole number" in body and "run-failed" in body
    assert "card-fan-y10" not in body


def test_a_long_run_is_polled_less_often(app_with_jobs):
    """Every 0.5 s for a run's first 10 s, then every second, then every 2 s: a slow answer (up to 0.64 s
    measured on a loaded server) then lands before the next poll, instead of being dropped."""
    from treasurylab.app.server import poll_interval_ms

    app, client = app_with_jobs

    def interval_after(ticks):
        code, out = _post(client, _callback_request(app, "run-progress.value", [
            {"id": "poll", "property": "n_intervals", "value": ticks}], [{"id": "job-store", "property": "data",
                                                                        "value": "run"}]))
        assert code == 200
        return out["poll"]["interval"]

    assert [interval_after(t) for t in (0, 19, 20, 49, 50, 5000)] == [500, 500, 1000, 1000, 2000, 2000]
    paces = [poll_interval_ms(t) for t in range(200)]
    assert paces == sorted(paces)                                  # never faster again within a run
    assert sum(ms for ms in paces[:20]) == 10_000 and sum(paces[20:50]) == 30_000    # 10 s, then 30 s
