"""Plotly figure builders: pure functions, arrays in -> ``plotly.graph_objects.Figure`` out.

Shared by the HTML report and the dashboard; no I/O, no model calls. Builders:

- :func:`fan_chart` - percentile bands (p5-p95, p25-p75) and the median of a (paths, months) array,
  with the baseline as a dashed line;
- :func:`difference_fan` - the same bands of the per-path difference of two paired runs, with a zero line;
- :func:`holders_waterfall` - change in holdings by holder (USD bn) and who absorbed it (a total bar optional);
- :func:`cascade_distribution` - histogram of the share of foreign official holdings sold within 24
  months, with the 50% tipping line;
- :func:`loop_decomposition` - the 10-year's deviation from baseline split into its sources (bp by month,
  stacked; the report gives it ``Result.decomposition``, means across paths, so the parts add up);
- :func:`tipping_map` - heat map of a probability over two swept parameters.

Every chart uses :data:`PALETTE` (Okabe-Ito, safe for the common colour-vision deficiencies; one colour
per series, never reused within a chart) and carries a source line with an as-of date under the plot
(:func:`add_source`). Fans take the observed history before them (``history``) and name the axis unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: Okabe & Ito (2008) colour-blind-safe palette: blue, orange, bluish green, vermillion, reddish purple,
#: sky blue, yellow, black
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
MODEL_SOURCE = "Source: treasurylab scenario model"
# the legend sits above the plot and the source line at the bottom of the figure, so that a legend of
# several rows can never run into the source line (both under the plot, they overlapped on the fans)
LEGEND_TOP = dict(orientation="h", x=0, xanchor="left", y=1.02, yanchor="bottom")
#: the title at the very top of the figure: plotly centres it in the top margin by default, where a legend
#: of two rows reached it (the fans' "observed" entry was drawn over their title)
TITLE_TOP = dict(title_y=0.985, title_yanchor="top", title_yref="container")
#: every report figure's layout (the minerals block's too)
LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=100, b=75), height=420,
               legend=LEGEND_TOP, colorway=list(PALETTE), **TITLE_TOP)
#: the fans' band names in the legend (one home: the notebook's overlaid fans key on them too): the
#: percentiles are across the run's paths in each month, which a bare "p5-p95" did not say
BAND_OUTER = "p5-p95 of paths"
BAND_INNER = "p25-p75 of paths"
#: characters of a category's tick label before it wraps (the waterfall's holders)
TICK_WIDTH = 20
#: characters of a source line before it wraps (a report figure is ~560 px wide, 10 px text)
SOURCE_WIDTH = 95


def rgba_colour(hex_colour: str, alpha: float) -> str:
    """``#rrggbb`` with opacity ``alpha`` as plotly's ``rgba(r,g,b,a)`` (the fans' band fills, here and in notebooks)."""
    h = hex_colour.lstrip("#")
    return f"rgba({int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha})"


def add_source(fig, source: str, as_of: str | None = None):
    """The source line (and as-of date) at the bottom edge of the figure, below the axis and its title
    (the legend is above the plot: :data:`LEGEND_TOP`)."""
    import textwrap

    # wrapped, not cut off at the figure's edge: the bottom margin grows by a line for each line added
    lines = textwrap.wrap(source + (f"; as of {as_of}" if as_of else ""), SOURCE_WIDTH) or [""]
    bottom = (fig.layout.margin.b if fig.layout.margin.b is not None else 75) + 13 * (len(lines) - 1)
    fig.update_layout(margin_b=bottom)
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0,
                       yshift=-(bottom - 16 - 13 * (len(lines) - 1)), showarrow=False, xanchor="left",
                       yanchor="top", align="left", font=dict(size=10, color="#555555"))
    return fig


def fan_chart(months: Sequence[str], paths: np.ndarray, title: str, unit: str = "", scale: float = 1.0,
              baseline: np.ndarray | None = None, history: Any = None, source: str = MODEL_SOURCE,
              as_of: str | None = None, since: Any = None):
    """Percentile fan of ``paths`` (internal units x ``scale`` = shown unit); ``history``: a DataFrame
    ``month, value`` (shown unit) of observations drawn before the fan, its source in ``.attrs``;
    ``since``: the same for the observations from the fan's first month on ("observed since the start",
    drawn over the band so that a reader can check it against what happened). Every trace hovers with its
    own name (p95, p5, p75, p25, median) and the unit."""
    import plotly.graph_objects as go

    a = np.asarray(paths, dtype=float) * scale
    x = list(months)
    q = np.quantile(a, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    band, hist_c, base_c = PALETTE[0], PALETTE[7], PALETTE[1]

    def hover(label: str) -> str:
        return "%{x}: %{y:,.2f} " + unit + "<extra>" + label + "</extra>"

    fig = go.Figure()
    if history is not None and len(history):
        fig.add_trace(go.Scatter(x=list(history["month"]), y=list(history["value"]), name="observed",
                                 line=dict(color=hist_c, width=1.6), hovertemplate=hover("observed")))
    fig.add_trace(go.Scatter(x=x, y=q[4], line=dict(width=0), showlegend=False, name="p95",
                             legendgroup=BAND_OUTER, hovertemplate=hover("p95")))
    fig.add_trace(go.Scatter(x=x, y=q[0], fill="tonexty", fillcolor=rgba_colour(band, 0.15), legendgroup=BAND_OUTER,
                             line=dict(width=0), name=BAND_OUTER, hovertemplate=hover("p5")))
    fig.add_trace(go.Scatter(x=x, y=q[3], line=dict(width=0), showlegend=False, name="p75",
                             legendgroup=BAND_INNER, hovertemplate=hover("p75")))
    fig.add_trace(go.Scatter(x=x, y=q[1], fill="tonexty", fillcolor=rgba_colour(band, 0.35), legendgroup=BAND_INNER,
                             line=dict(width=0), name=BAND_INNER, hovertemplate=hover("p25")))
    fig.add_trace(go.Scatter(x=x, y=q[2], line=dict(color=band, width=2), name="median",
                             hovertemplate=hover("median")))
    if baseline is not None:
        fig.add_trace(go.Scatter(x=x, y=np.asarray(baseline, dtype=float) * scale,
                                 line=dict(color=base_c, width=1.5, dash="dash"), name="CBO baseline",
                                 hovertemplate=hover("CBO baseline")))
    if since is not None and len(since):
        fig.add_trace(go.Scatter(x=list(since["month"]), y=list(since["value"]), name="observed since the start",
                                 mode="lines+markers", line=dict(color=hist_c, width=2),
                                 hovertemplate=hover("observed since the start")))
    fig.update_layout(title=title, yaxis_title=unit, **LAYOUT)
    src = source
    obs = history if history is not None and len(history) else since
    if obs is not None and len(obs):
        src = f"{source}; observed: {obs.attrs.get('source', 'bundled data')}"
        as_of = as_of or obs.attrs.get("as_of")
    return add_source(fig, src, as_of)


def difference_fan(months: Sequence[str], diff: np.ndarray, title: str, unit: str, axis_title: str | None = None,
                   source: str = MODEL_SOURCE):
    """The fan (:func:`fan_chart`: p5-p95, p25-p75, median) of ``diff``, the per-path difference of two
    paired runs ((paths, months), shown units), with a zero line: where the band leaves zero, the
    effect has one sign on that share of the draws of the world. ``axis_title`` defaults to ``unit``."""
    fig = fan_chart(months, diff, title, unit, source=source)
    fig.update_layout(yaxis_title=axis_title or unit)
    fig.add_hline(y=0, line=dict(color=PALETTE[7], width=1), annotation_text="no difference",
                  annotation_position="bottom left", annotation_font=dict(size=10, color="#555555"))
    return fig


def holders_waterfall(names: Sequence[str], change_bn: Sequence[float], title: str = "Change in holdings by holder",
                      total_label: str | None = "total", source: str = MODEL_SOURCE):
    """Bars in the order given (sellers negative, buyers positive), then the total (none when
    ``total_label`` is None: where the last bar balances the others, the total is zero by construction)."""
    import textwrap

    import plotly.graph_objects as go

    ch = np.asarray(change_bn, dtype=float)
    order = np.arange(len(ch))
    # a long name wrapped over lines: 'absorbed by price-sensitive investors' on one slanted line ran
    # past the chart's right edge and under its source line
    xs = ["<br>".join(textwrap.wrap(str(names[i]), TICK_WIDTH, break_on_hyphens=False)) or str(names[i])
          for i in order]
    ys = [float(ch[i]) for i in order]
    measure = ["relative"] * len(order)
    if total_label is not None:
        xs, ys, measure = [*xs, total_label], [*ys, float(ch.sum())], [*measure, "total"]
    fig = go.Figure(go.Waterfall(x=xs, y=ys, measure=measure,
                                 decreasing=dict(marker=dict(color=PALETTE[3])),
                                 increasing=dict(marker=dict(color=PALETTE[2])),
                                 totals=dict(marker=dict(color=PALETTE[0]))))
    # slanted up to the tick: a label ends at its bar, so the last one cannot run past the right edge
    fig.update_layout(title=title, yaxis_title="USD bn", xaxis_tickangle=-30, **LAYOUT)
    return add_source(fig, source)


def cascade_distribution(share_sold: np.ndarray, title: str = "Cascade size: share of foreign official holdings sold within 24 months (beyond the baseline)"):
    import plotly.graph_objects as go

    s = np.asarray(share_sold, dtype=float) * 100.0
    p = float(np.mean(s > 50.0)) * 100.0
    fig = go.Figure(go.Histogram(x=s, xbins=dict(start=0, end=100, size=2), marker_color=PALETTE[4],
                                 name="paths"))
    fig.add_vline(x=50, line_dash="dash", line_color="black",
                  annotation_text=f"half sold: {p:.1f}% of paths", annotation_position="top right")
    fig.update_layout(title=title, xaxis_title="% of foreign official holdings (TIC, start month) sold by non-absorbing foreign holders", yaxis_title="paths",
                      xaxis_range=[0, 100], **LAYOUT)
    return add_source(fig, MODEL_SOURCE + "; denominator: TIC foreign official holdings at the start month")


def loop_decomposition(months: Sequence[str], parts: dict[str, np.ndarray], total: np.ndarray | None = None,
                       title: str = "Where the 10-year's change from the baseline came from (bp, mean across paths)",
                       se: dict[str, np.ndarray] | None = None):
    """Stacked bars of ``parts`` (bp by month) and the ``total`` (bp) as a line; ``se``: the Monte
    Carlo standard error of each (by the same names, ``total_bp`` for the line).

    No error bars: a stacked bar's is drawn at the top of its stack, over the line's own, the named
    parts' are a fraction of a bp, and 60-120 months of them hid the chart. The total's uncertainty is a
    grey band of +-:data:`NOISE_SE` standard errors around its line instead (where it spans zero, the total
    is not told from zero), and each part's and the total's standard error is in its hover. A bar within :data:`NOISE_SE` standard errors of zero
    (``scenario.results.decomposition_noise``'s rule) is hatched: at this many paths it is not told
    from zero; with a few hundred paths that is mostly 'other', the mean of the paths' random shocks."""
    import plotly.graph_objects as go

    from treasurylab.scenario.results import NOISE_SE

    se = se or {}
    fig = go.Figure()
    colors = PALETTE
    hatched = False
    for i, (name, v) in enumerate(parts.items()):
        y = np.asarray(v, dtype=float)
        marker: dict[str, Any] = {"color": colors[i % len(colors)]}
        extra: dict[str, Any] = {"hovertemplate": "%{x}: %{y:+.1f} bp<extra>" + name + "</extra>"}
        got = se.get(name)
        if got is not None:
            e = np.asarray(got, dtype=float)
            noise = (np.abs(y) < NOISE_SE * e) & (e > 0)
            if noise.any():
                hatched = True
                # lines of the part's own colour on no fill: the same series, visibly less solid
                marker["pattern"] = dict(shape=["/" if n else "" for n in noise], solidity=0.4)
            extra = {"customdata": e,
                     "hovertemplate": "%{x}: %{y:+.1f} ± %{customdata:.1f} bp<extra>" + name + "</extra>"}
        fig.add_trace(go.Bar(x=list(months), y=y, name=name, marker=marker, **extra))
    if total is not None:
        t = np.asarray(total, dtype=float)
        got = se.get("total_bp")
        if got is not None:
            # the total's +-NOISE_SE standard errors as a band, not as error bars on each of 60-120
            # months: where the band spans zero the total is not told from zero at this many paths
            half = NOISE_SE * np.asarray(got, dtype=float)
            band = f"10y vs baseline ± {NOISE_SE:g} standard errors"
            fig.add_trace(go.Scatter(x=list(months), y=t + half, line=dict(width=0), showlegend=False,
                                     legendgroup=band, name=band, hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=list(months), y=t - half, line=dict(width=0), fill="tonexty",
                                     fillcolor=rgba_colour(PALETTE[7], 0.12), legendgroup=band, name=band,
                                     hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=list(months), y=t, name="10y vs baseline", line=dict(color=PALETTE[7], width=2),
                                 **({} if got is None else {"customdata": np.asarray(got, dtype=float),
                                     "hovertemplate": "%{x}: %{y:+.1f} ± %{customdata:.1f} bp"
                                                      "<extra>10y vs baseline</extra>"})))
    fig.update_layout(title=title, barmode="relative", yaxis_title="bp", **LAYOUT)
    src = MODEL_SOURCE
    if hatched:
        src += (f"; hatched: a part within {NOISE_SE:g} Monte Carlo standard errors of zero, not told from "
                "zero at this many paths (each part's standard error is in its hover)")
    return add_source(fig, src)


def tipping_map(x: Sequence[float], y: Sequence[float], prob: np.ndarray, x_title: str, y_title: str,
                title: str = "Probability that more than half of foreign official holdings are sold within 24 months"):
    import plotly.graph_objects as go

    fig = go.Figure(go.Heatmap(x=list(x), y=list(y), z=np.asarray(prob, dtype=float), zmin=0, zmax=1,
                               colorscale="Cividis", colorbar=dict(title="P")))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title,
                      **{**LAYOUT, "height": 490})
    return add_source(fig, MODEL_SOURCE + " (parameter sweep)")
