"""A self-contained, offline HTML report of one run (jinja2 + plotly, plotly.js inlined once).

``write_report(result, path)`` writes one HTML file that opens without a network: the scenario in
words (each event's own ``describe()``), a headline table (p5/median/p95), fan charts (10-year, term premium, net interest, debt/GDP,
mortgage rate, output gap), the holders' waterfall, the cascade-size distribution, the loop
decomposition (flows vs fiscal premium vs policy rate), where the bands come from (the variance
by source of randomness - contagion, rates, macro, fiscal - when ``band_sources`` rows are given), a minerals section when the scenario has
minerals events, and a sources appendix listing every parameter's citation or labelled assumption
(``ParamSet.sources()`` of every block, with the scenario's overrides applied).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

FANS = ("y10", "tp10", "net_interest", "debt_gdp", "mortgage", "gdp_gap")


def _fmt_value(v: Any) -> str:
    if isinstance(v, dict):
        items = list(v.items())
        s = ", ".join(f"{k}: {x:g}" if isinstance(x, (int, float)) else f"{k}: {x}" for k, x in items[:6])
        return "{" + s + (", ..." if len(items) > 6 else "") + "}"
    if isinstance(v, list):
        return "[" + ", ".join(f"{x:g}" if isinstance(x, (int, float)) else str(x) for x in v[:6]) + \
            (", ..." if len(v) > 6 else "") + "]"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def sources_rows(overrides: dict | None = None) -> list[dict]:
    """Every parameter of every block (overrides applied), for the appendix."""
    from treasurylab.params import list_blocks, load_params

    rows = []
    for block in list_blocks():
        ps = load_params(block, (overrides or {}).get(block))
        for r in ps.sources():
            r = dict(r)
            r["value_text"] = _fmt_value(r["value"])
            rows.append(r)
    return rows


def _div(fig, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})


def history_before(var: str, start: str):
    """Observed months before the fan (None where no bundled series measures it or data fail to load)."""
    from treasurylab.errors import TreasurylabError
    from treasurylab.report.history import observed

    try:
        return observed(var, start)
    except TreasurylabError:  # a damaged data file must not stop the report; the fan is drawn alone
        return None


def history_since(var: str, start: str):
    """Observed months from the fan's start on (None where none, or data fail to load)."""
    from treasurylab.errors import TreasurylabError
    from treasurylab.report.history import observed_since

    try:
        return observed_since(var, start)
    except TreasurylabError:
        return None


def whole_percents(shares: list[float]) -> list[int]:
    """Shares that sum to 1 as whole per cents that sum to exactly 100 (largest remainder: each share
    rounded down, then the points still missing go to the largest remainders, the first of a tie first).
    Rounding each share alone can leave a row at 99% or 101% (a third each: 33 + 33 + 33), under words
    that say the shares sum to 100%. Shares that sum to 0 (nothing to split) stay 0."""
    total = sum(shares)
    if total <= 0:
        return [0] * len(shares)
    exact = [100.0 * s / total for s in shares]
    out = [int(math.floor(x)) for x in exact]
    rest = sorted(range(len(exact)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in rest[:100 - sum(out)]:
        out[i] += 1
    return out


def shown_percents(shares: list[float]) -> list[str]:
    """Shares as the table shows them: :func:`whole_percents`, except that a share which is not zero but
    gets 0 says so ('<0.5%', or '<1%' for one of at least half a per cent that the largest remainder
    left at 0): a bare '0%' is kept for a share that is exactly zero (a source that adds nothing, or
    what was set to 0)."""
    whole = whole_percents(shares)
    total = sum(shares)
    return [f"{w}%" if w or s <= 0 else ("<0.5%" if s < 0.005 * total else "<1%") for w, s in zip(whole, shares, strict=True)]


def band_rows(band_sources: list[dict]) -> list[dict]:
    """The rows of "Where the bands come from" as shown: the p5-p95 width with its unit (a width is a
    difference of levels, so a variable in % has it in percentage points: ``difference_unit``), each
    source's share of the variance as whole per cents adding up to 100 (:func:`shown_percents`; None
    where no source has any variance, e.g. a variable that no draw moves at that month) and what was
    set to 0 where it is material (``scenario.compare.clipped_material``; the others are in the note)."""
    from treasurylab.numtext import number
    from treasurylab.scenario.compare import SOURCES, clipped_cell, clipped_material
    from treasurylab.scenario.results import difference_unit

    rows = []
    for r in band_sources:
        shares = [r[s] for s in SOURCES]
        rows.append({"label": r["label"], "month": r["month"],
                     "width": f"{number(r['total_width'])} {difference_unit(r['variable'])}".rstrip(),
                     "shares": shown_percents(shares) if sum(shares) > 0 else None,
                     "clipped": clipped_cell(r) if clipped_material(r) else ""})
    return rows


def _loop_split(result) -> tuple[list[dict], list[dict]]:
    """The 10-year's decomposition month by month and its standard errors (``Result.decomposition`` and
    ``decomposition_se``), computed once for the chart and the words under it."""
    rows = result.decomposition(at="all")
    return rows, (result.decomposition_se(at="all") if rows else [])


def figures_for(result, loop: tuple[list[dict], list[dict]] | None = None) -> dict[str, list]:
    """The report's figures by section (also used by the dashboard); ``loop``: :func:`_loop_split`'s
    result when the caller has it."""
    from treasurylab.report import figures as F
    from treasurylab.scenario.results import VARIABLES

    arr = result.arrays     # numpy arrays by name: no xarray Dataset needed (Result.arrays)
    months = result.months
    out: dict[str, list] = {"fans": [], "holders": [], "cascade": [], "loop": [], "minerals": []}
    for var in FANS:
        if var not in arr:
            continue
        lab, unit, k = VARIABLES[var]
        base = arr[f"base_{var}"] if f"base_{var}" in arr else None
        out["fans"].append((f"fan-{var}", F.fan_chart(months, arr[var], lab, unit, k, base,
                                                      history=history_before(var, months[0]),
                                                      since=history_since(var, months[0]))))
    if "holder_sales" in arr:
        # mean across paths: cascades are rare events, so the median holder sells nothing
        sold = np.asarray(arr["holder_sales"], dtype=float).mean(axis=0)
        names = [str(h) for h in arr["holder"]]
        order = np.argsort(-np.abs(sold))
        top = [i for i in order[:12] if abs(sold[i]) > 1e-9]
        rest = float(sold.sum() - sold[top].sum()) if top else float(sold.sum())
        labels = [names[i] for i in top] + (["all other holders"] if abs(rest) > 1e-9 else [])
        values = [-float(sold[i]) for i in top] + ([-rest] if abs(rest) > 1e-9 else [])
        fed = float(np.mean(arr["fed_backstop_bn"])) if "fed_backstop_bn" in arr else 0.0
        if fed > 1e-9:
            labels.append("Fed backstop holdings (purchases less sales back)")
            values.append(fed)
        # the market clears (model/market.clear_market: every dollar sold is bought), so what the
        # price-sensitive investors absorbed is the others' changes with the sign turned: the bars sum to
        # zero by construction, and a "net" bar after them could only ever show 0 (it was dropped)
        absorbed = -sum(values)
        labels.append("absorbed by price-sensitive investors")
        values.append(absorbed)
        # holder_sales is cumulative over every month of the run (model/coupled.py): its window is the run's
        title = (f"Holdings change beyond the baseline, by holder, {months[0]} to {months[-1]} "
                 f"({len(months)} months; mean across paths)")
        src = (f"{F.MODEL_SOURCE}; absorbed: every dollar sold is bought (the market clears), so the last bar "
               "is the others' total with the sign turned and the chart ends at zero")
        out["holders"].append(("holders-waterfall", F.holders_waterfall(labels, values, title=title,
                                                                        total_label=None, source=src)))
    if "cascade_share" in arr:
        out["cascade"].append(("cascade-dist", F.cascade_distribution(arr["cascade_share"])))
    # the terminal's split (Result.decomposition: means across paths, so the bars add up to the line)
    rows, se_rows = loop if loop is not None else _loop_split(result)
    if rows:
        names = [k for k in rows[0] if k not in ("month", "total_bp")]
        parts = {name: np.array([r[name] for r in rows]) for name in names
                 if name != "term-premium event" or any(r[name] for r in rows)}
        total = np.array([r["total_bp"] for r in rows])
        se = {name: np.array([e[name] for e in se_rows]) for name in [*parts, "total_bp"]} if se_rows else None
        out["loop"].append(("loop-decomposition", F.loop_decomposition([r["month"] for r in rows], parts, total,
                                                                       se=se)))
    if getattr(result, "minerals", None) is not None:
        from treasurylab.report import minerals_figures as MF

        for name, fig in MF.figures(result.minerals).items():
            out["minerals"].append((f"minerals-{name}", fig))
    return out


def render(result, band_sources: list[dict] | None = None) -> str:
    """The report's HTML; ``band_sources``: rows of ``scenario.compare.band_sources`` (the variance
    decomposition of the bands by source), shown when given."""
    import jinja2
    from plotly.offline import get_plotlyjs

    from treasurylab import __version__
    from treasurylab.numtext import number
    from treasurylab.scenario.compare import clipped_note
    from treasurylab.scenario.results import OUTCOME_MEANING, decomposition_noise, other_noise
    from treasurylab.scenario.words import event_rows

    sc = result.scenario
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    env.filters["num"] = number              # the terminal's number format (1,060.35), one home
    tpl = env.get_template("report.html.j2")
    loop = _loop_split(result)
    figs = figures_for(result, loop)
    # the words on the parts not told from zero at this many paths (as `run` prints them under its table)
    loop_noise = decomposition_noise(*loop, result.paths) if loop[0] else None
    outcomes = result.outcomes()
    regime = outcomes.get("p_regime_exceeded", 0.0)
    # the words `run` prints under its table, here marking the chart's hatched bars and pointing to the
    # paired comparison named at the top of the page
    loop_other = (other_noise(*loop, result.paths, regime, bool(sc.events), marked=" (hatched bars)",
                              compare="treasurylab compare (top of the page)") if loop[0] and loop[1] else None)
    sections = {k: [_div(f, i) for i, f in v] for k, v in figs.items()}
    bands = band_rows(band_sources or [])
    regime_note = (f"{regime:.1%} of paths hit a regime bound (10-year above its cap, debt or the output gap "
                   f"outside the model's range); those paths were capped and flagged, not extrapolated."
                   if regime > 0 else "")
    return tpl.render(
        title=f"{sc.name}", description=sc.description, paths=result.paths, seed=result.meta.get("seed"),
        start=result.months[0], end=result.months[-1], baseline=sc.baseline, version=__version__,
        # each kind words itself (scenario/events), against this run's months (scenario/words)
        events=[r["what"] for r in event_rows(sc, len(result.months))],
        warnings=list(getattr(sc, "warnings", ())),
        overrides=", ".join(f"{b}.{k}={v}" for b, ov in sc.overrides.items() for k, v in ov.items()),
        headline=result.headline(), headline_notes=result.headline_notes(), outcomes=outcomes, outcome_meaning=OUTCOME_MEANING,
        regime_note=regime_note, loop_noise=loop_noise, loop_other=loop_other,
        plotlyjs=get_plotlyjs(), sources=sources_rows(sc.overrides), band_sources=bands,
        band_paths=(band_sources or [{}])[0].get("paths"), band_clipped=clipped_note(band_sources or []),
        band_clipped_column=any(r["clipped"] for r in bands),     # only where a cut is material
        **sections,
    )


def write_report(result, path: str | Path, band_sources: list[dict] | None = None) -> Path:
    """Write the report to ``path`` (a file, or a directory -> ``report.html`` in it); atomic."""
    p = Path(path)
    if p.suffix.lower() != ".html":
        p = p / "report.html"
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp")
    tmp.write_text(render(result, band_sources), encoding="utf-8")
    tmp.replace(p)
    return p


def sweep_figure(res):
    """The tipping-point map of a two-key sweep (None for other grids)."""
    from treasurylab.report.figures import tipping_map

    g = res.grid2d()
    if g is None:
        return None
    xs, ys, z = g
    title = None if res.spec.metric == "p_cascade_half_24m" else f"{res.spec.metric}"
    kw = {"title": title} if title else {}
    return tipping_map(xs, ys, z, res.keys[0], res.keys[1], **kw)


def write_sweep_html(res, path):
    """Write the sweep's map as a self-contained HTML page (atomically); None if the grid is not 2-D.

    The sweep's likely unit slips (``SweepResult.warnings``, also printed and in sweep.json) head the
    page, one line each, as the run report shows a scenario's: a reader of the map alone sees them."""
    from html import escape  # the standard library's (this module is treasurylab.report.html)

    fig = sweep_figure(res)
    if fig is None:
        return None
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.tmp")
    warns = list(getattr(res, "warnings", ()) or ())
    if warns:
        head = "".join(f'<p class="flag" style="color:#a30;font-family:sans-serif">Warning: {escape(w)}</p>'
                       for w in warns)
        page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(res.spec.name)}"
                f"</title></head><body>{head}{fig.to_html(include_plotlyjs=True, full_html=False)}</body></html>")
        tmp.write_text(page, encoding="utf-8")
    else:
        fig.write_html(str(tmp), include_plotlyjs=True, full_html=True)
    tmp.replace(p)
    return p
