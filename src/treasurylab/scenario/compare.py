"""Paired comparisons of two scenarios: the distribution of the per-path difference.

Two runs with the same seed and the same number of paths see the same world (common random
numbers: the world shocks and the holders' draws come from the same block generators, whatever the
events; model/shocks.py), so path i of B minus path i of A is the effect of B's events on that one
draw of the world. ``paired_rows`` reports its p5 / p50 / p95 at the headline months, in shown units,
next to each scenario's median. A difference of medians would mix the effect with the world's spread
and, in a fan, is not the median effect. Over the paths each Result keeps (``runner.KEEP_PATHS``,
10,000 by default; both runs keep the same first paths).
"""

from __future__ import annotations

import numpy as np

from treasurylab.errors import BadInput


def side_names(a: str, b: str, marks: tuple[str, str] = ("A", "B")) -> tuple[str, str]:
    """The two scenarios' names as column labels: the same name twice (a shipped scenario's YAML,
    edited but not renamed, against the original) gets `` (A)`` and `` (B)``, so no column is lost."""
    return (a, b) if a != b else (f"{a} ({marks[0]})", f"{b} ({marks[1]})")


def common_draws(sa, sb, paths: int | None = None, seed: int | None = None) -> tuple[int, int]:
    """The paths and seed both scenarios run with, so that they are paired: ``paths`` or the larger
    of the two scenarios' own, ``seed`` or A's (what ``treasurylab compare`` and
    ``treasurylab.compare(a, b)`` do; one home for the rule)."""
    return (max(sa.paths, sb.paths) if paths is None else paths), (sa.seed if seed is None else seed)


def paired_months(ra, rb) -> list[str]:
    """The months both Results have (the shorter horizon), after checking they are paired: the same
    seed and the same number of paths (kept and in all), and the same start. BadInput otherwise."""
    da, db = ra.arrays, rb.arrays          # numpy arrays by name (Result.arrays: no Dataset built)
    na, nb = len(da.get("path", ())), len(db.get("path", ()))
    if na != nb or ra.paths != rb.paths or ra.scenario.seed != rb.scenario.seed:
        raise BadInput("a paired comparison needs the same paths and seed for both runs", field="paths/seed",
                       got=f"{ra.paths} paths seed {ra.scenario.seed} vs {rb.paths} paths seed {rb.scenario.seed}",
                       fix="give --paths and --seed once for both scenarios (Python: compare(a, b, paths=N, "
                           "seed=S), or two runs made with the same paths and seed)")
    from treasurylab.scenario.results import month_labels

    ma, mb = month_labels(da["month"]), month_labels(db["month"])
    T = min(len(ma), len(mb))
    if ma[:T] != mb[:T]:
        raise BadInput("the two scenarios start in different months", field="start",
                       got=f"{ma[0]} vs {mb[0]}", fix="compare scenarios with the same start")
    return ma[:T]


def paired_variables(ra, rb) -> list[str]:
    """The monthly variables both Results have, in A's summary order."""
    sb = set(rb.summary["variable"])
    return [v for v in dict.fromkeys(ra.summary["variable"]) if v in sb]


def paired_paths(ra, rb, var: str) -> tuple[np.ndarray, np.ndarray]:
    """``var``'s kept paths of A and B over the months both have, (path, month), in shown units: row i
    of each is the same draw of the world, so ``b - a`` is B's effect path by path."""
    from treasurylab.scenario.results import scale

    T = len(paired_months(ra, rb))
    k = scale(var)
    return (np.asarray(ra.arrays[var][:, :T], dtype=float) * k,
            np.asarray(rb.arrays[var][:, :T], dtype=float) * k)


def paired_rows(ra, rb, at: list[int] | str | None = None, variables: list[str] | None = None) -> list[dict]:
    """Rows (variable, label, unit, difference_unit, month, a_p50, b_p50, diff_p5, diff_p50, diff_p95)
    for two Results.

    ``at``: month indices (default 12, 24 and the last month both have), or ``"all"``; ``variables``:
    default the headline ones (``results.HEADLINE``), each kept only where both runs have it. Shown
    units (``unit`` as written in files, the p50s'); the differences are in ``difference_unit`` (a
    difference of percentages is in percentage points); the p50s are each run's median over the kept
    paths."""
    from treasurylab.scenario.results import HEADLINE, difference_file_unit, label, unit

    months = paired_months(ra, rb)
    T = len(months)
    idx = list(range(T)) if at == "all" else sorted({i for i in (at or [11, 23, T - 1]) if 0 <= i < T})
    rows = []
    both = set(paired_variables(ra, rb))
    for var in (HEADLINE if variables is None else variables):
        if var not in both:
            continue
        a, b = (x[:, idx] for x in paired_paths(ra, rb, var))
        d = b - a
        qa, qb = np.median(a, axis=0), np.median(b, axis=0)
        qd = np.percentile(d, [5, 50, 95], axis=0)
        lab, u, du = label(var), unit(var), difference_file_unit(var)
        for j, i in enumerate(idx):
            rows.append({"variable": var, "label": lab, "unit": u, "difference_unit": du, "month": months[i],
                         "a_p50": float(qa[j]),
                         "b_p50": float(qb[j]), "diff_p5": float(qd[0, j]), "diff_p50": float(qd[1, j]),
                         "diff_p95": float(qd[2, j])})
    return rows


SOURCES = ("contagion", "rates", "macro", "fiscal")
MAX_DECOMPOSITION_PATHS = 2000


def band_sources(sc, paths: int | None = None, seed: int | None = None, workers: int | None = None,
                 at: list[int] | None = None, result=None) -> list[dict]:
    """Where each band comes from: the scenario re-run with one source of randomness at a time.

    Common random numbers: every run has the same seed and paths, so it draws the same holders'
    thresholds and the same world; a source switched off is multiplied by zero. "contagion" is the run
    with every world shock off (the holders' own draws only); rates, macro and fiscal are runs with that
    one world source on, and their share is the variance they add to the contagion-only run. Shares are
    of the sum of the four (interactions between sources are left out, so they sum to 1); ``total_width``
    is the p5-p95 width with everything on. Rows: variable, label, month, total_width and one share per
    source, in shown units; ``variance_sum``, the sum the shares are of, and ``clipped``, source -> the
    negative added variance set to 0 (both in the shown unit squared; words: :func:`clipped_note`). At
    most :data:`MAX_DECOMPOSITION_PATHS` paths (five runs).

    ``result``: the scenario's own run, when the caller has it; with the same seed and these paths it
    is the "all" run (same numbers), which is then not run again. The other runs' blocks are handed to
    the executor together, so they share the cores (each is one block of at most 2,000 paths: run one
    after the other they kept one core busy at a time).
    """
    from treasurylab.scenario.ensemble import plan, start_blocks
    from treasurylab.scenario.executors import make_executor
    from treasurylab.scenario.results import HEADLINE, label, month_labels, scale
    from treasurylab.scenario.runner import run_block
    from treasurylab.scenario.setup import prepare

    n = min(paths or sc.paths, MAX_DECOMPOSITION_PATHS)
    s_seed = sc.seed if seed is None else seed
    base_ov = {k: v for k, v in sc.overrides.items() if k != "shocks"}
    user = dict(sc.overrides.get("shocks") or {})
    if user.get("enabled") is False:
        return []
    off = {"rates": False, "macro": False, "fiscal": False}
    variants = {"all": {}, "contagion": {"enabled": False}, "rates": {**off, "rates": True},
                "macro": {**off, "macro": True}, "fiscal": {**off, "fiscal": True}}
    ds: dict[str, dict] = {}
    if (result is not None and result.scenario.seed == s_seed and result.paths == n
            and result.scenario.overrides == sc.overrides and len(result.arrays["path"]) == n):
        arrays = result.arrays
        ds["all"] = {var: arrays[var] for var in HEADLINE if var in arrays}
        months = month_labels(arrays["month"])
        variants.pop("all")
    todo = {name: prepare(sc.with_(overrides={**base_ov, "shocks": {**user, **ov}}, paths=n, seed=s_seed))
            for name, ov in variants.items()}
    # local processes or serial (no cluster: nothing to close; a kept pool stays up for later runs)
    ex = make_executor(workers, None, len(todo) * len(plan(n, s_seed)))
    pending = {name: start_blocks(run_block, setup, n, s_seed, ex) for name, setup in todo.items()}
    for name, p in pending.items():
        ds[name] = p.result()
    if "all" in todo:
        months = [str(m) for m in todo["all"].months]
    order = ["all", *SOURCES]
    ds = {k: ds[k] for k in order}
    T = len(months)
    idx = sorted({i for i in (at or [11, 23, T - 1]) if 0 <= i < T})
    rows = []
    for var in HEADLINE:
        if var not in ds["all"]:
            continue
        k = scale(var)
        v = {name: np.var(np.asarray(d[var][:, idx], dtype=float) * k, axis=0) for name, d in ds.items()}
        a = np.asarray(ds["all"][var][:, idx], dtype=float) * k
        width = np.percentile(a, 95, axis=0) - np.percentile(a, 5, axis=0)
        parts = {"contagion": v["contagion"]}
        added = {s: v[s] - v["contagion"] for s in ("rates", "macro", "fiscal")}
        for s, d in added.items():
            parts[s] = np.maximum(d, 0.0)
        tot = sum(parts.values())
        for j, i in enumerate(idx):
            row = {"variable": var, "label": label(var), "month": months[i], "total_width": float(width[j]),
                   "paths": n}
            for s in SOURCES:
                row[s] = float(parts[s][j] / tot[j]) if tot[j] > 0 else 0.0
            # a source that narrows the contagion-only band (an interaction: its shocks offset the
            # holders' moves) adds negative variance, shown as a 0 share: keep what was cut, so the row
            # can say so (clipped_note), and the sum the shares are of, in the row's unit squared
            row["variance_sum"] = float(tot[j])
            row["clipped"] = {s: float(-d[j]) for s, d in added.items() if d[j] < 0}
            rows.append(row)
    return rows


def variance_unit(var: str) -> str:
    """The unit of a variance of ``var``'s band: its difference unit squared (``pp²``, ``(USD bn)²``)."""
    from treasurylab.scenario.results import difference_unit

    u = difference_unit(var)
    if not u:
        return ""
    return f"{u}²" if u.isalnum() else f"({u})²"


def _pct(x: float) -> str:
    # a share too small for one decimal still says it is not zero
    return "<0.1%" if x < 0.001 else f"{x:.1%}"


def clipped_cell(row: dict) -> str:
    """What :func:`band_sources` set to 0 in ``row``: each source's negative added variance in the
    row's unit squared, and all of it as a share of the sum the row's shares are of ("" for none)."""
    from treasurylab.numtext import number

    got = row.get("clipped") or {}
    if not got:
        return ""
    u = variance_unit(row["variable"])
    each = ", ".join(f"{s} {number(c)}{(' ' + u) if u else ''}"
                     for s, c in got.items())
    tot = row.get("variance_sum", 0.0)
    return each + (f" ({_pct(sum(got.values()) / tot)} of the sum)" if tot > 0 else "")


#: a cut (what :func:`band_sources` set to 0) is material from this share of its row's sum: the report
#: shows the shares in whole per cents, and a cut under half a per cent of the sum moves no share by
#: more than that rounding does, so only a material cut earns the table a column
CLIPPED_MATERIAL = 0.005


def clipped_share(row: dict) -> float:
    """What :func:`band_sources` set to 0 in ``row``, as a share of the sum its shares are of (0 for none)."""
    got = row.get("clipped") or {}
    tot = row.get("variance_sum", 0.0)
    return sum(got.values()) / tot if got and tot > 0 else 0.0


def clipped_material(row: dict) -> bool:
    """Whether ``row``'s cut reaches :data:`CLIPPED_MATERIAL` of its sum (the table's 'set to 0' column)."""
    return clipped_share(row) >= CLIPPED_MATERIAL


def clipped_note(rows: list[dict]) -> str | None:
    """Words on the rows of :func:`band_sources` where a source's added variance came out negative and
    was set to 0 (an interaction between the sources): how many rows, what that does to the shares,
    the rule for the table's 'set to 0' column (:func:`clipped_material`) and the row where most was
    cut, and each cut too small for the column (:func:`clipped_cell`), so nothing cut goes unsaid;
    None where nothing was. The one home of these words: the report's "Where the bands come from"
    table and whatever prints the rows."""
    hit = [r for r in rows if r.get("clipped")]
    if not hit:
        return None
    top = max(hit, key=clipped_share)
    small = [r for r in hit if not clipped_material(r)]
    limit = f"{CLIPPED_MATERIAL:.1%}"
    words = (f"In {len(hit)} of {len(rows)} rows a source's added variance came out negative (with that "
             f"source on, the band was narrower than with the holders' draws alone: an interaction between "
             f"sources, which this split leaves out) and was set to 0: its share shows as 0%, and the sum "
             f"the row's shares are of is larger than the signed sum by what was cut (at most "
             f"{_pct(clipped_share(top))} of it, {top['label']} {top['month']}).")
    if len(small) < len(hit):
        words += (f" Column 'set to 0' gives each cut of at least {limit} of its row's sum, in the variable's "
                  f"unit squared and as a share of that sum; a smaller cut moves no share shown in whole per "
                  f"cents by more than their rounding does")
    else:
        words += (f" Every cut is under {limit} of its row's sum, so it moves no share shown in whole per "
                  f"cents by more than their rounding does, and the table has no column for it")
    if small:
        words += (": " if len(small) == len(hit) else f". Under {limit}, so not in the column: ") + "; ".join(
            f"{r['label']} {r['month']}: {clipped_cell(r)}" for r in small)
    return words + "."
