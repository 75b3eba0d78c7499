"""Plotly figure builders: pure functions, arrays in -> ``plotly.graph_objects.Figure`` out.

Shared by the HTML report and the dashboard; no I/O, no model calls. Builders:

- :func:`fan_chart` - percentile bands (p5-p95, p25-p75) and the median of a (paths, months) array,
  with the baseline as a dashed line;
- :func:`holders_waterfall` - change in holdings by holder (USD bn) and who absorbed it, to the total;
- :func:`cascade_distribution` - histogram of the share of foreign official holdings sold within 24
  months, with the 50% tipping line;
- :func:`loop_decomposition` - the 10-year's deviation from baseline split into flows (term premium),
  fiscal premium and the policy-rate (expected path) part, median path, stacked;
- :func:`tipping_map` - heat map of a probability over two swept parameters.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_LAYOUT = dict(template="plotly_white", margin=dict(l=60, r=20, t=50, b=40), height=360,
               legend=dict(orientation="h", y=-0.18))


def fan_chart(months: Sequence[str], paths: np.ndarray, title: str, unit: str = "", scale: float = 1.0,
              baseline: np.ndarray | None = None):
    import plotly.graph_objects as go

    a = np.asarray(paths, dtype=float) * scale
    x = list(months)
    q = np.quantile(a, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=q[4], line=dict(width=0), showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=q[0], fill="tonexty", fillcolor="rgba(31,119,180,0.15)",
                             line=dict(width=0), name="p5-p95"))
    fig.add_trace(go.Scatter(x=x, y=q[3], line=dict(width=0), showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=x, y=q[1], fill="tonexty", fillcolor="rgba(31,119,180,0.30)",
                             line=dict(width=0), name="p25-p75"))
    fig.add_trace(go.Scatter(x=x, y=q[2], line=dict(color="rgb(31,119,180)", width=2), name="median"))
    if baseline is not None:
        fig.add_trace(go.Scatter(x=x, y=np.asarray(baseline, dtype=float) * scale,
                                 line=dict(color="black", width=1, dash="dash"), name="CBO baseline"))
    fig.update_layout(title=title, yaxis_title=unit, **_LAYOUT)
    return fig


def holders_waterfall(names: Sequence[str], change_bn: Sequence[float], title: str = "Change in holdings by holder",
                      total_label: str = "total"):
    """Bars in the order given (sellers negative, buyers positive), then the total."""
    import plotly.graph_objects as go

    ch = np.asarray(change_bn, dtype=float)
    order = np.arange(len(ch))
    xs = [str(names[i]) for i in order] + [total_label]
    ys = [float(ch[i]) for i in order] + [float(ch.sum())]
    fig = go.Figure(go.Waterfall(x=xs, y=ys, measure=["relative"] * len(order) + ["total"],
                                 decreasing=dict(marker=dict(color="#d62728")),
                                 increasing=dict(marker=dict(color="#2ca02c")),
                                 totals=dict(marker=dict(color="#1f77b4"))))
    fig.update_layout(title=title, yaxis_title="USD bn", **_LAYOUT)
    return fig


def cascade_distribution(share_sold: np.ndarray, title: str = "Cascade size: share of foreign official holdings sold within 24 months (beyond the baseline)"):
    import plotly.graph_objects as go

    s = np.asarray(share_sold, dtype=float) * 100.0
    p = float(np.mean(s > 50.0)) * 100.0
    fig = go.Figure(go.Histogram(x=s, xbins=dict(start=0, end=100, size=2), marker_color="#9467bd",
                                 name="paths"))
    fig.add_vline(x=50, line_dash="dash", line_color="black",
                  annotation_text=f"half sold: {p:.1f}% of paths", annotation_position="top right")
    fig.update_layout(title=title, xaxis_title="% of foreign official holdings (TIC, start month) sold by non-absorbing foreign holders", yaxis_title="paths",
                      xaxis_range=[0, 100], **_LAYOUT)
    return fig


def loop_decomposition(months: Sequence[str], parts: dict[str, np.ndarray], total: np.ndarray | None = None,
                       title: str = "Where the 10-year move came from (median path, bp)"):
    import plotly.graph_objects as go

    fig = go.Figure()
    colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    for i, (name, v) in enumerate(parts.items()):
        fig.add_trace(go.Bar(x=list(months), y=np.asarray(v, dtype=float) * 1e4, name=name,
                             marker_color=colors[i % len(colors)]))
    if total is not None:
        fig.add_trace(go.Scatter(x=list(months), y=np.asarray(total, dtype=float) * 1e4, name="10y vs baseline",
                                 line=dict(color="black", width=2)))
    fig.update_layout(title=title, barmode="relative", yaxis_title="bp", **_LAYOUT)
    return fig


def tipping_map(x: Sequence[float], y: Sequence[float], prob: np.ndarray, x_title: str, y_title: str,
                title: str = "Probability that more than half of foreign official holdings are sold within 24 months"):
    import plotly.graph_objects as go

    fig = go.Figure(go.Heatmap(x=list(x), y=list(y), z=np.asarray(prob, dtype=float), zmin=0, zmax=1,
                               colorscale="RdBu_r", colorbar=dict(title="P")))
    fig.update_layout(title=title, xaxis_title=x_title, yaxis_title=y_title,
                      **{**_LAYOUT, "height": 460})
    return fig
