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

from machine_speed import REFERENCE, REFERENCE_MEMORY, memory_reference_seconds, reference_seconds

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

    from treasurylab.model import prebuilt

    # whether the CLI rows load the kernels built ahead of time or start numba in every process
    kernels = "kernels prebuilt for this machine" if prebuilt.load() else "kernels compiled by numba's JIT (no current prebuilt build)"
    return (f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}, "
            f"NumPy {numpy.__version__}, {platform.system()} {platform.release()}; {kernels}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", help="markdown file to write")
    ap.add_argument("--only", nargs="*", help="benchmark module names (e.g. bench_fiscal)")
    a = ap.parse_args()
    sys.path.insert(0, str(HERE))
    rows = []
    ref_py, ref_np = reference_seconds()
    ref_mem = memory_reference_seconds()
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
        f"Machine speed that day (reference workload, the same code at every measurement: {REFERENCE}): "
        f"Python {ref_py:.3f} s, numpy {ref_np:.3f} s; memory-bound ({REFERENCE_MEMORY}): {ref_mem:.3f} s. "
        "Compare rows from different dates only after comparing these. A throttled machine slows every row "
        "alike; a shared one can slow the rows that wait on memory (the model's blocks) while the first two "
        "figures read as usual (2026-12-07: blocks ~1.5x slower, Python and numpy as usual), which the "
        "third figure is there to show.",
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
