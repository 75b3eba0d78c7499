"""The backtest's report: the calibration (PIT) plot and the generated section of docs/validation.md.

``write_pit_plots(result, folder)`` draws the PIT histograms (plotly HTML, and a PNG with matplotlib,
which needs no browser); ``render_section(result)`` is the Markdown of the section, and
``update_validation_md(path, result)`` replaces the text between the markers
``<!-- backtest:start -->`` and ``<!-- backtest:end -->`` (appended the first time), writing the file
atomically so a failure leaves the old one whole.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from treasurylab.scenario.backtest import count

START, END = "<!-- backtest:start -->", "<!-- backtest:end -->"
PIT_BINS = 10
LABELS = {"y10": "10-year yield", "debt_gdp": "debt held by the public / GDP", "net_interest": "net interest"}


def _panels(result) -> list[dict]:
    """The summaries drawn in the PIT plot: every 10-year forecaster with a spread, and the fiscal
    past-error bands."""
    return [s for s in result.summary if s["forecaster"] not in ("no-change", "cbo")]


def pit_figure(result):
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    panels = _panels(result)
    cols = 3
    rows = max(1, int(np.ceil(len(panels) / cols)))
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[
        f"{LABELS[s['target']]} {s['horizon']}{'m' if s['target'] == 'y10' else 'y'}: {s['forecaster']}"
        for s in panels])
    edges = np.linspace(0, 1, PIT_BINS + 1)
    for i, s in enumerate(panels):
        counts, _ = np.histogram(np.clip(s["pit"], 0, 1 - 1e-12), bins=edges)
        fig.add_trace(go.Bar(x=(edges[:-1] + edges[1:]) / 2, y=counts / max(1, len(s["pit"])) * PIT_BINS,
                             width=1 / PIT_BINS, showlegend=False),
                      row=i // cols + 1, col=i % cols + 1)
    fig.add_hline(y=1.0, line_dash="dot")
    fig.update_xaxes(title_text=PIT_X, range=[0, 1], row=rows)
    fig.update_yaxes(title_text=PIT_Y, col=1)
    fig.update_layout(height=260 * rows + 40, width=1000, title="PIT histograms (density; flat at 1 = calibrated)",
                      margin={"t": 110})
    return fig


#: the PIT plots' axes: the outcome's place in each forecast's paths, and the histogram's density
PIT_X = "PIT: share of the forecast's paths below the outcome"
PIT_Y = "density (1 = calibrated)"


def write_pit_plots(result, folder: str | Path) -> list[str]:
    """``backtest_pit.html`` (plotly) and ``backtest_pit.png`` (matplotlib) in ``folder``."""
    from treasurylab.cache import keep_matplotlib_in_the_cache

    keep_matplotlib_in_the_cache()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    html = out / "backtest_pit.html"
    pit_figure(result).write_html(str(html), include_plotlyjs="cdn")
    panels = _panels(result)
    cols = 3
    rows = max(1, int(np.ceil(len(panels) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.6 * rows + 0.4), squeeze=False)
    edges = np.linspace(0, 1, PIT_BINS + 1)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    for ax, s in zip(axes.flat, panels):
        ax.hist(np.clip(s["pit"], 0, 1 - 1e-12), bins=edges, density=True, color="#4c72b0")
        ax.axhline(1.0, ls=":", c="k")
        unit = "m" if s["target"] == "y10" else "y"
        ax.set_title(f"{LABELS[s['target']]} {s['horizon']}{unit}: {s['forecaster']} (n={s['n']})", fontsize=8)
        ax.set_xlim(0, 1)
    for i, ax in enumerate(axes.flat[:len(panels)]):
        if i % cols == 0:
            ax.set_ylabel(PIT_Y, fontsize=7)
        if i + cols >= len(panels):          # the lowest panel of its column
            ax.set_xlabel(PIT_X, fontsize=7)
    fig.suptitle("Backtest PIT histograms (flat at 1 = calibrated)", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.96))     # the title above the first row's panel titles, not on them
    png = out / "backtest_pit.png"
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return [str(html), str(png)]


def _fmt_crps(s: dict) -> str:
    if s["target"] == "y10":
        return f"{s['crps'] * 1e4:.1f} bp"
    if s["target"] == "debt_gdp":
        return f"{s['crps'] * 100:.2f} pp"
    return f"${s['crps']:.1f} bn"


def _net_interest_words(spread: list[dict]) -> str:
    """' (width 0.82 and 0.88, yet holding 0.91 and 0.88 of it)': net interest 1 and 2 years out."""
    ni = [r for r in spread if r.get("net_interest_years") in (1, 2) and "ref_inside" in r]
    if not ni:
        return ""
    return (" (width " + " and ".join(f"{r['width_ratio']:.2f}" for r in ni) + ", yet holding "
            + " and ".join(f"{r['ref_inside']:.2f}" for r in ni) + " of it)")


def render_section(result, command: str, png: str | None = None) -> str:
    """The Markdown of the generated backtest section."""
    o = result.origins
    lines = [START, "", "## Backtest: rolling origins, strict as-of", "",
             f"Generated by `{command}` ({len(o)} origins {o[0]}..{o[-1]}, {result.paths:,} paths; "
             "do not edit by hand). Method: `treasurylab.scenario.backtest` (module docstring); every "
             "forecast sees only what was published by its origin (data/asof.py). Coverage: share of "
             "outcomes inside the central 50% / 90% band, ± a Newey-West standard error (overlapping "
             "windows). CRPS: lower is better; 'vs point' divides by the point forecast's CRPS (no-change "
             "for the 10-year, CBO's projection for the fiscal targets).", "",
             "| target | horizon | forecaster | n | cover 50% | cover 90% | CRPS | vs point |",
             "|---|---|---|---|---|---|---|---|"]
    for s in result.summary:
        hz = count(s["horizon"], "month") if s["target"] == "y10" else f"{count(s['horizon'], 'year')} ahead"
        lines.append(f"| {LABELS[s['target']]} | {hz} | {s['forecaster']} | {s['n']} | "
                     f"{s['cover50']:.2f} ± {s['cover50_se']:.2f} | {s['cover90']:.2f} ± {s['cover90_se']:.2f} | "
                     f"{_fmt_crps(s)} | {s['crps_vs_point']:.2f} |")
    lines.append("")
    if result.engine:
        eo = result.engine_origins
        lines += [f"The full engine replayed (the `baseline` scenario started at each origin, {eo[0]}..{eo[-1]}, "
                  "on the newest CBO vintage published by then, its world curve shocks re-estimated on the data "
                  "published by then as the 'model' forecaster's; monthly origins overlap, so these few "
                  "outcomes are one episode):", "",
                  "| horizon | forecaster | n | cover 50% | cover 90% | CRPS |", "|---|---|---|---|---|---|"]
        for x in result.engine:
            lines.append(f"| {count(x['horizon'], 'month')} | {x['forecaster']} | {x['n']} | {x['cover50']:.2f} | "
                         f"{x['cover90']:.2f} | {x['crps'] * 1e4:.1f} bp |")
        lines.append("")
    if result.spread:
        lines += ["The engine's own bands (the `baseline` scenario from its start, "
                  f"{result.spread_paths:,} paths) against history: p5..p95 of the 10-year's and the policy "
                  "rate's change from the jump-off against 1990-2025's h-month changes, and of debt/GDP and net interest "
                  "around the no-shock baseline against CBO's own raw projection errors "
                  "(docs/reference/uncertainty.md s1-s2). Width ratio 1 = as wide as the record. Record inside: "
                  "the share of the record's own values that fall inside the engine's p5..p95, ± a Newey-West "
                  "standard error (neighbouring values share months): a 90% band as wide as history holds about "
                  "0.90 of it whatever the record's shape, where the width ratio misreads a record made of a tight "
                  "core and a few recessions, as CBO's 1-year debt errors are.", "",
                  "| quantity | engine p5 .. p95 | record p5 .. p95 | width ratio | record inside | n |",
                  "|---|---|---|---|---|---|"]
        for r in result.spread:
            inside = (f"{r['ref_inside']:.2f} ± {r['ref_inside_se']:.2f}" if "ref_inside" in r else "-")
            lines.append(f"| {r['what']} | {r['model_p5']:.1f} .. {r['model_p95']:.1f} | "
                         f"{r['ref_p5']:.1f} .. {r['ref_p95']:.1f} ({r['ref']}) | {r['width_ratio']:.2f} | "
                         f"{inside} | {r.get('ref_n', '-')} |")
        lines.append("")
        pol = [r for r in result.spread if r.get("policy_months")]
        if pol:
            lines += ["The policy rate's band is " + " and ".join(
                f"{r['width_ratio']:.2f} as wide as the record at {count(r['policy_months'], 'month')}"
                + (f" (holding {r['ref_inside']:.2f} of it)" if "ref_inside" in r else "") for r in pol)
                + ": the curve shocks' speed and the level's scale are matched on the 10-year's changes, the "
                "scale of the slope, curvature and policy-spread shocks on the 3-month yield's 12-month "
                "changes (params/shocks_estimate.py), which are narrower than the fed funds rate's; at 24 "
                "months fed funds' changes are also wider than at 60 months, a hump a VAR(1) does not make "
                "(docs/design.md, World shocks). Bills and floating-rate notes reprice with it: one reason "
                "net interest's band 1-2 years out is narrower than CBO's record" + _net_interest_words(result.spread)
                + ".", ""]
    for n in result.notes:
        lines.append(f"- {n}")
    if png:
        lines += ["", f"![PIT histograms]({png})"]
    lines += ["", END]
    return "\n".join(lines)


def update_validation_md(path: str | Path, section: str) -> Path:
    """Put ``section`` between the markers of ``path`` (appended if absent); atomic write."""
    p = Path(path)
    text = p.read_text(encoding="utf-8") if p.exists() else "# Validation\n"
    if START in text and END in text:
        a, b = text.index(START), text.index(END) + len(END)
        text = text[:a] + section + text[b:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    fd, tmp = tempfile.mkstemp(dir=str(p.parent), prefix=p.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, p)
    return p
