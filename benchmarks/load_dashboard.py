"""Load test of ``treasurylab dashboard`` on loopback (locust, as a library): browsing users and users who
start scenario runs, for a bounded time, against a server in its own process on 127.0.0.1.

    python benchmarks/load_dashboard.py [--browsers 20] [--runners 4] [--seconds 60] [--paths 300]
                                        [--write docs/benchmarks.md]

A page view is what the browser does when a page is opened: the Dash callback that renders the page
(``POST /_dash-update-component`` for ``page.children``). A run is: the Run button's callback, the
progress callback every 0.5 s until it hands over the ended run, then the results callback that draws its
fan charts (as the page does). Reported: requests and failures, page latency
percentiles (p50/p95/max) per page, runs completed and their time, and the server's resident memory
(sampled every second: start, peak, end). ``--write`` replaces the "Dashboard load test" section of the
file (the rest is kept). Only 127.0.0.1 is contacted. ``make load`` runs it for a minute; ``make test`` runs
it for 10 s with a few users (tests/unit/test_load_script.py: no request may fail).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

# locust patches the standard library (gevent) on import: imported at module level, before any
# thread or socket of this script exists
import gevent
from locust import HttpUser, between, task
from locust.env import Environment
from locust.stats import StatsEntry
from machine_speed import REFERENCE, REFERENCE_MEMORY, memory_reference_seconds, reference_seconds

SECTION = "## Dashboard load test"
DATA_PAGES = ["/", "/holders", "/demand", "/rates", "/fiscal", "/reserves", "/minerals", "/sources"]
PAGES = DATA_PAGES + ["/scenarios"]


def start_server() -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "treasurylab.cli.main", "dashboard", "--host", "127.0.0.1"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    deadline = time.time() + 180
    while time.time() < deadline:
        line = proc.stdout.readline()
        m = re.search(r"(http://127\.0\.0\.1:\d+)/", line or "")
        if m:
            return proc, m.group(1)
        if proc.poll() is not None:
            break
    proc.kill()
    raise SystemExit("the dashboard did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--browsers", type=int, default=20)
    ap.add_argument("--runners", type=int, default=4)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--paths", type=int, default=300)
    ap.add_argument("--baseline-seconds", type=int, default=15,
                    help="first, one browsing user alone for this long (the unloaded page cost); 0: skip")
    ap.add_argument("--write", help="markdown file whose load-test section is replaced")
    a = ap.parse_args()

    # the machine's speed before any load (the same workloads as make bench's header)
    speed = (*reference_seconds(), memory_reference_seconds())
    proc, base = start_server()
    assert base.startswith("http://127.0.0.1:"), base
    try:
        base_res = None
        if a.baseline_seconds > 0:
            base_res = _load(base, proc.pid, argparse.Namespace(browsers=1, runners=0, seconds=a.baseline_seconds,
                                                                 paths=a.paths))
        result = _load(base, proc.pid, a)
        result["baseline"] = base_res
        result["speed"] = speed
    finally:
        proc.terminate()         # the server stops its run workers on SIGTERM
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    text = _markdown(result, a)
    print(text)
    if a.write:
        p = Path(a.write)
        old = p.read_text() if p.exists() else "# Benchmarks\n"
        head = old.split(SECTION)[0].rstrip() + "\n\n"
        rest = old.split(SECTION, 1)[1] if SECTION in old else ""
        tail = rest[rest.find("\n## "):] if "\n## " in rest else ""
        p.write_text(head + text + tail)
        print(f"wrote {a.write}", file=sys.stderr)


def _load(base: str, pid: int, a) -> dict:
    import urllib.request

    with urllib.request.urlopen(base + "/_dash-dependencies", timeout=30) as r:
        deps = json.load(r)

    def out_spec(first_input: str):
        d = next(d for d in deps if d["inputs"][0]["id"] + "." + d["inputs"][0]["property"] == first_input)
        s = d["output"]
        if s.startswith(".."):
            # an allow_duplicate output's key carries Dash's '@<hash>'; the property is the name before it
            outs = [dict(zip(("id", "property"), o.split("@")[0].split(".", 1))) for o in s.strip(".").split("...")]
        else:
            outs = dict(zip(("id", "property"), s.split(".", 1)))
        return s, outs

    page_out = out_spec("url.pathname")
    run_out = out_spec("run-button.n_clicks")
    poll_out = out_spec("poll.n_intervals")
    results_out = out_spec("ended-job.data")
    runs: list[float] = []
    busy = [0]
    # 'runs' is counted once each run completes

    class Browser(HttpUser):
        host = base
        wait_time = between(0.5, 1.5)
        weight = a.browsers

        @task
        def view(self):
            path = random.choice(PAGES)
            self.client.get("/", name="GET / (shell)")
            body = {"output": page_out[0], "outputs": page_out[1],
                    "inputs": [{"id": "url", "property": "pathname", "value": path},
                               {"id": "url", "property": "search", "value": ""}], "changedPropIds": ["url.pathname"]}
            with self.client.post("/_dash-update-component", json=body, name=f"page {path}",
                                  catch_response=True) as r:
                if r.status_code != 200 or '"page"' not in r.text:
                    r.failure(f"status {r.status_code}")

    class Runner(HttpUser):
        host = base
        wait_time = between(0.5, 1.0)
        weight = a.runners

        @task
        def start_run(self):
            t0 = time.time()
            state = [{"id": "scenario", "property": "value", "value": "davos-2026"},
                     {"id": "compare", "property": "value", "value": None},
                     {"id": "paths", "property": "value", "value": a.paths},
                     {"id": "seed", "property": "value", "value": random.randint(0, 10**6)},
                     {"id": "upload-store", "property": "data", "value": None}]
            body = {"output": run_out[0], "outputs": run_out[1], "changedPropIds": ["run-button.n_clicks"],
                    "inputs": [{"id": "run-button", "property": "n_clicks", "value": 1}], "state": state}
            with self.client.post("/_dash-update-component", json=body, name="run: start", catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"status {r.status_code}")
                    return
                jid = r.json()["response"].get("job-store", {}).get("data")
                if not jid:
                    busy[0] += 1      # refused by the bounded queue: by design, not a failed request
                    return
            n, pace_ms = 0, 500
            while True:
                gevent.sleep(pace_ms / 1000)      # the page's pace, which the poll's answer sets
                n += 1
                body = {"output": poll_out[0], "outputs": poll_out[1], "changedPropIds": ["poll.n_intervals"],
                        "inputs": [{"id": "poll", "property": "n_intervals", "value": n}],
                        "state": [{"id": "job-store", "property": "data", "value": jid}]}
                with self.client.post("/_dash-update-component", json=body, name="run: progress",
                                      catch_response=True) as r:
                    if r.status_code != 200:
                        r.failure(f"status {r.status_code}")
                        return
                    answer = r.json()["response"]
                    pace_ms = answer.get("poll", {}).get("interval", pace_ms)
                    ended = answer.get("ended-job", {}).get("data")
                    if not ended:
                        continue
                # the poll hands an ended run to the results callback, which draws its charts (as the page)
                body = {"output": results_out[0], "outputs": results_out[1], "changedPropIds": ["ended-job.data"],
                        "inputs": [{"id": "ended-job", "property": "data", "value": ended}]}
                with self.client.post("/_dash-update-component", json=body, name="run: results",
                                      catch_response=True) as r:
                    if r.status_code != 200 or "run-failed" in r.text or "run-done" not in r.text:
                        r.failure(f"status {r.status_code}: {r.text[:200]}")
                        return
                    runs.append(time.time() - t0)
                    return

    env = Environment(user_classes=[Browser, Runner] if a.runners else [Browser])
    env.create_local_runner()
    mem: list[float] = [rss_mb(pid)]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            mem.append(rss_mb(pid))
            stop.wait(1.0)

    threading.Thread(target=sample, daemon=True).start()
    env.runner.start(a.browsers + a.runners, spawn_rate=a.browsers + a.runners)
    gevent.sleep(a.seconds)
    env.runner.quit()
    stop.set()
    mem.append(rss_mb(pid))
    st = env.stats
    rows = []
    for (name, _method), e in sorted(st.entries.items()):
        rows.append({"name": name, "requests": e.num_requests, "failures": e.num_failures,
                     "p50": e.get_response_time_percentile(0.5), "p95": e.get_response_time_percentile(0.95),
                     "max": e.max_response_time})
    pages = [e for (n, _), e in st.entries.items() if n.startswith("page ") and n[5:] in DATA_PAGES]
    agg = StatsEntry(st, "data pages", "POST")
    for e in pages:
        agg.extend(e)
    return {"rows": rows, "total": st.total.num_requests, "failures": st.total.num_failures,
            "data_p50": agg.get_response_time_percentile(0.5), "data_p95": agg.get_response_time_percentile(0.95),
            "runs": runs, "busy": busy[0], "load": os.getloadavg()[0], "mem_start": mem[0], "mem_peak": max(mem), "mem_end": mem[-1]}


def _markdown(r: dict, a) -> str:
    cpu = os.cpu_count()
    lines = [
        SECTION, "",
        f"Measured {dt.date.today().isoformat()} on {platform.machine()}, {cpu} CPUs, Python {platform.python_version()}: "
        f"`make load` (benchmarks/load_dashboard.py, locust). {a.browsers} users browsing pages "
        f"(0.5-1.5 s between views) and {a.runners} users starting davos-2026 runs ({a.paths} paths, polling "
        f"progress at the page's pace: every 0.5 s, slower after 10 s) for {a.seconds} s against one server process on 127.0.0.1. Goal: p95 <= 300 ms for "
        "data pages, no failed request, bounded server memory.",
        f"Machine speed that day, before the test (the reference workloads of docs/benchmarks.md's header: "
        f"{REFERENCE}; {REFERENCE_MEMORY}): Python {r['speed'][0]:.3f} s, numpy {r['speed'][1]:.3f} s, "
        f"memory-bound {r['speed'][2]:.3f} s. Compare tests of different days only after comparing these.", "",
        f"- machine load average during the test (1 min, at the end): {r['load']:.1f} on {cpu} CPUs "
    "(the load generator runs on the same machine)",
    f"- requests: {r['total']:,}, failed: {r['failures']}",
        f"- data pages (Overview, Holders, Foreign demand, Rates, Fiscal, Reserves, Minerals, Sources): "
        f"p50 {r['data_p50']:.0f} ms, **p95 {r['data_p95']:.0f} ms**",
        f"- runs completed: {len(r['runs'])}" + (f", median {sorted(r['runs'])[len(r['runs']) // 2]:.1f} s from start "
                                                 "to fan charts" if r["runs"] else "")
        + f"; refused by the bounded queue: {r['busy']}",
        f"- server resident memory: {r['mem_start']:.0f} MB at start, peak {r['mem_peak']:.0f} MB, "
        f"{r['mem_end']:.0f} MB at the end (only the figures of the last 16 runs are kept)",
    ]
    if r.get("baseline"):
        b = r["baseline"]
        lines += [f"- for comparison, one browsing user alone on the same server just before: data pages p50 "
                  f"{b['data_p50']:.0f} ms, p95 {b['data_p95']:.0f} ms ({b['total']} requests, {b['failures']} failed)", ""]
    lines += [
        "| request | requests | failures | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|---|",
    ]
    for x in r["rows"]:
        lines.append(f"| {x['name']} | {x['requests']} | {x['failures']} | {x['p50']:.0f} | {x['p95']:.0f} | "
                     f"{x['max']:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
