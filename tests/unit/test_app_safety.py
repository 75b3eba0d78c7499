"""The dashboard's guards, without a browser: bounded run queue and path count, upload size and
encoding limits, uploads validated as the CLI validates, loopback detection, and the command's options."""

from __future__ import annotations

import base64
import threading

import pytest
from typer.testing import CliRunner

from treasurylab.app import jobs as J
from treasurylab.app import scenarios as S
from treasurylab.app.server import is_loopback
from treasurylab.cli.main import app
from treasurylab.errors import BadInput


def test_queue_refuses_past_its_bound_and_too_many_paths():
    gate = threading.Event()

    def slow(spec, paths, seed, compare, progress):
        gate.wait(10)
        return []

    q = J.JobQueue(slow, max_in_flight=1, max_queued=2)
    ids = [q.submit("x", None, 10, 1) for _ in range(3)]
    with pytest.raises(J.Busy):
        q.submit("x", None, 10, 1)
    with pytest.raises(BadInput, match="paths"):
        q.submit("x", None, J.MAX_PATHS + 1, 1)
    with pytest.raises(BadInput, match="seed"):
        q.submit("x", None, 10, -1)
    gate.set()
    for i in ids:
        for _ in range(200):
            if q.get(i).status == "done":
                break
            threading.Event().wait(0.02)
        assert q.get(i).status == "done"
    q.submit("x", None, 10, 1)       # room again


def test_queue_keeps_only_the_last_finished_jobs():
    q = J.JobQueue(lambda *a: [], max_in_flight=1, max_queued=1, keep_done=2)
    ids = []
    for _ in range(5):
        ids.append(q.submit("x", None, 1, 1))
        for _ in range(200):
            if q.get(ids[-1]).status == "done":
                break
            threading.Event().wait(0.01)
    assert q.get(ids[0]) is None and q.get(ids[-1]) is not None


def test_failed_run_reports_its_error():
    def boom(*a):
        raise BadInput("bad thing", field="events[0]")

    q = J.JobQueue(boom, max_in_flight=1, max_queued=1)
    i = q.submit("x", None, 1, 1)
    for _ in range(200):
        if q.get(i).status == "failed":
            break
        threading.Event().wait(0.01)
    assert q.get(i).status == "failed" and "events[0]" in q.get(i).error


def _data_url(b: bytes) -> str:
    return "data:application/x-yaml;base64," + base64.b64encode(b).decode()


def test_upload_limits():
    with pytest.raises(BadInput, match="KiB"):
        S.decode_upload(_data_url(b"a" * (S.MAX_UPLOAD_BYTES + 10)), "big.yaml")
    with pytest.raises(BadInput, match="UTF-8"):
        S.decode_upload(_data_url(b"\xff\xfe\x00bad"), "x.yaml")
    with pytest.raises(BadInput, match="no file"):
        S.decode_upload(None, None)


def test_upload_is_validated_like_the_cli_and_names_no_path():
    from treasurylab.scenario.spec import load_scenario_text, resolve

    text = resolve("davos-2026").read_text().replace("holder: Denmark", "holdr: Denmark")
    with pytest.raises(BadInput) as ui:
        S.validate_text(S.decode_upload(_data_url(text.encode()), "../../etc/bad.yaml"), "../../etc/bad.yaml")
    with pytest.raises(BadInput) as cli:
        load_scenario_text(text, "bad.yaml")
    assert str(ui.value) == str(cli.value) and "etc" not in str(ui.value)
    with pytest.raises(BadInput, match="unknown scenario"):
        S.resolve("../../secret", None, None)       # only names from the shipped list


def test_loopback():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


def test_dashboard_command_rejects_a_bad_port():
    res = CliRunner().invoke(app, ["dashboard", "--port", "70000"])
    assert res.exit_code == 2 and "--port" in res.stderr


def test_dashboard_command_warns_for_a_non_loopback_host(monkeypatch):
    import treasurylab.app.server as srv

    class Fake:
        server_port = 8123

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    seen = {}

    def fake_make_server(host, port):
        seen["host"], seen["port"] = host, port
        return Fake()

    monkeypatch.setattr(srv, "make_server", fake_make_server)
    res = CliRunner().invoke(app, ["dashboard", "--host", "0.0.0.0"])
    assert res.exit_code == 0 and "warning: binding 0.0.0.0" in res.stderr
    assert "http://0.0.0.0:8123/" in res.stdout
    res = CliRunner().invoke(app, ["dashboard"])
    assert "warning" not in res.stderr and seen == {"host": "127.0.0.1", "port": 0}
    assert "http://127.0.0.1:8123/" in res.stdout


def _fake_server_never_called(monkeypatch):
    import treasurylab.app.server as srv

    def fake(host, port):
        raise AssertionError("the pages were built before the address was checked")

    monkeypatch.setattr(srv, "make_server", fake)


def test_dashboard_command_a_port_in_use_is_one_line_and_exit_2(monkeypatch):
    import socket

    _fake_server_never_called(monkeypatch)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        res = CliRunner().invoke(app, ["dashboard", "--port", str(port)])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert lines == [f"error: --port/--host: cannot listen on 127.0.0.1:{port} (Address already in use) - "
                     "choose another port or omit --port"]


def test_dashboard_command_an_unknown_host_is_one_line_and_exit_2(monkeypatch):
    """One line: the error alone (the warning about a non-loopback address came first, as a second line)."""
    _fake_server_never_called(monkeypatch)
    res = CliRunner().invoke(app, ["dashboard", "--host", "999.1.1.1", "--port", "8050"])
    assert res.exit_code == 2, res.output
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --host: cannot listen on 999.1.1.1:8050 ("), err
    assert err[0].endswith("give an address of this machine, or omit --host for 127.0.0.1"), err   # not 'another port'
    res = CliRunner().invoke(app, ["dashboard", "--host", "192.0.2.1", "--port", "8050"])   # TEST-NET-1: not ours
    assert res.exit_code == 2 and res.stderr.strip().startswith("error: --host: cannot listen on 192.0.2.1:8050"), res.output


def test_dashboard_command_a_missing_data_file_is_one_line_and_exit_2(monkeypatch):
    import treasurylab.app.server as srv
    from treasurylab.errors import DataError

    def missing(host, port):
        raise DataError("data file is missing", field="yields.cmt", got="yields/fred_treasury_cmt_daily.csv",
                        fix="reinstall treasurylab (the bundled snapshot is incomplete)")

    monkeypatch.setattr(srv, "make_server", missing)
    res = CliRunner().invoke(app, ["dashboard"])
    assert res.exit_code == 2, res.output
    err = [ln for ln in res.stderr.strip().splitlines() if not ln.startswith("loading")]
    assert len(err) == 1 and err[0].startswith("error: yields.cmt: data file is missing")
    assert "Traceback" not in res.output


def test_a_run_that_ends_while_its_progress_is_read_stays_done():
    """A run in a worker process ends on the pool's thread (_finish: 'done', its progress entry removed)
    while the server's poll reads that progress: get() wrote 'running 1/1' over 'done', and with the
    entry gone nothing wrote 'done' again, and the page would show 'running 1/1 blocks' for good. (The page
    seen doing so under load had another cause, Dash dropping each 'done' answer: tests/e2e.)"""
    import threading
    from concurrent.futures import Future

    from treasurylab.app.jobs import JobQueue

    gate = threading.Event()    # the queue's own runner thread holds until the end: only _finish ends the job
    q = JobQueue(lambda *a: gate.wait() and [], processes=False)
    try:
        jid = q.submit("davos-2026", None, 200, 7)
        job = q.get(jid)
        ended: Future = Future()
        ended.set_result(["figures"])

        class EndsWhileRead(dict):
            def get(self, key, default=None):
                seen = super().get(key, default)
                q._finish(job, ended)         # the run ends between the read and the write
                return seen

        q._shared = EndsWhileRead({jid: (1, 1)})
        job.status = "running"
        assert q.get(jid).status == "done" and job.figures == ["figures"]
    finally:
        q._shared = None
        gate.set()
        q.close()
