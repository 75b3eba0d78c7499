"""``make load`` (benchmarks/load_dashboard.py) speaks to the dashboard as it is: its page views and run
polls are the callbacks the server has, so none of its requests fails. The page callback took the
address's query as a second input and every page view of the script failed with a server error (500),
unseen, until the script was next run by hand; this runs it for a few seconds."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "load_dashboard.py"


def test_the_load_script_runs_against_the_dashboard_with_no_failed_request():
    p = subprocess.run([sys.executable, str(SCRIPT), "--browsers", "2", "--runners", "1", "--seconds", "10",
                        "--paths", "20", "--baseline-seconds", "0"], capture_output=True, text=True, timeout=400)
    assert p.returncode == 0, p.stderr[-2000:]
    out = p.stdout
    requests, failed = map(int, re.search(r"requests: ([\d,]+), failed: ([\d,]+)", out).groups())
    assert requests > 0 and failed == 0, out
    assert "Machine speed that day, before the test" in out      # to compare tests of different days
    rows = {r.split("|")[1].strip(): int(r.split("|")[2]) for r in out.splitlines()
            if r.startswith("| ") and not r.startswith("| request")}
    assert any(k.startswith("page /") and n > 0 for k, n in rows.items()), rows
    assert rows.get("run: start", 0) >= 1 and rows.get("run: progress", 0) >= 1, rows
