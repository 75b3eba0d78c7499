"""Run every benchmark (benchmarks/bench_*.py) and write docs/benchmarks.md with the machine and date.

Each ``bench_*.py`` defines ``run() -> list[dict]`` with keys: ``name``, ``size`` (what was run),
``seconds`` (best of the repeats), ``throughput`` (text, e.g. '61 M agent-steps/s'), ``target`` (text)
and ``notes``. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy

    return (f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
            f"NumPy {numpy.__version__}, {platform.system()} {platform.release()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", help="markdown file to write")
    ap.add_argument("--only", nargs="*", help="benchmark module names (e.g. bench_fiscal)")
    a = ap.parse_args()
    sys.path.insert(0, str(HERE))
    rows = []
    for f in sorted(HERE.glob("bench_*.py")):
        if a.only and f.stem not in a.only:
            continue
        spec = importlib.util.spec_from_file_location(f.stem, f)
        mod = importlib.util.module_from_spec(spec)
        # registered like an import, so functions a benchmark sends to worker processes pickle
        sys.modules[f.stem] = mod
        spec.loader.exec_module(mod)
        print(f"running {f.stem} ...", file=sys.stderr)
        for r in mod.run():
            r.setdefault("module", f.stem)
            rows.append(r)
            print(f"  {r['name']}: {r['seconds']:.4f} s  {r.get('throughput', '')}", file=sys.stderr)
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} on {machine()}.",
        "Produced by `make bench` (benchmarks/run.py); times are the best of several repeats, wall clock.",
        "Speed is measured here, never asserted in tests.",
        "",
        "| benchmark | size | seconds | throughput | target | notes |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r.get('size', '')} | {r['seconds']:.4f} | {r.get('throughput', '')} | "
                     f"{r.get('target', '')} | {r.get('notes', '')} |")
    text = "\n".join(lines) + "\n"
    if a.write:
        old = Path(a.write).read_text() if Path(a.write).exists() else ""
        if "\n## " in old:       # sections written by other tools (the dashboard load test) are kept
            text += old[old.index("\n## "):]
        Path(a.write).write_text(text)
        print(f"wrote {a.write}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
