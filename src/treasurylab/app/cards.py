"""A card: a title, a chart (or a table) and under it the source line and the as-of date.

An empty card says why it is empty (``reason``), never shows a blank plot.
"""

from __future__ import annotations

import re
from typing import Any

from dash import dcc, html

from treasurylab.numtext import number
from treasurylab.report.figures import LEGEND_TOP, TITLE_TOP

# legend above the plot (never under it, where the x-axis title and a figure's own source line go)
LAYOUT = dict(template="plotly_white", margin=dict(l=55, r=15, t=70, b=45), height=350,
              legend=LEGEND_TOP, **TITLE_TOP)


def card(title: str, fig: Any = None, *, source: str, as_of: str | None, reason: str | None = None,
         body: Any = None, card_id: str | None = None, note: str | None = None, stale: str | None = None):
    """``stale``: the stale flags of the datasets the card reads (data/freshness.py's ``stale_flags``), shown
    in the source line after the as-of date: where a reader looks for how current a chart is."""
    kids: list[Any] = [html.H3(title)]
    if fig is not None:
        # a dict is a figure styled already (styled(...).to_dict(), where it was made: a run's fan charts
        # in its worker process), drawn as it is: building a Figure from it again validates every array
        fig = fig if isinstance(fig, dict) else styled(fig)
        kids.append(dcc.Graph(figure=fig, config={"displayModeBar": False}, className="chart"))
    if body is not None:
        kids.append(body)
    if fig is None and body is None:
        kids.append(html.P(f"Empty: {reason or 'no data'}", className="empty"))
    if note:
        kids.append(html.P(note, className="note"))
    line: Any = f"Source: {source}" + (f" | as of {as_of}" if as_of else "")
    if stale:   # the flag in the stale style after the date; a current card's line stays one string
        line = [line, " | ", html.Span(stale, className="stale")]
    kids.append(html.P(line, className="source"))
    return html.Div(kids, className="card" + (" card-empty" if fig is None and body is None else ""),
                    id=card_id or "card-" + re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60])


def styled(fig: Any) -> Any:
    """``fig`` in the dashboard's card style (in place, and returned): hover values with their units,
    the legend above the plot, the card's height unless the figure sets its own, and its margins unless
    it keeps room under the plot for its own source line."""
    hover_with_units(fig)
    own_margin = fig.layout.margin.b is not None   # a report figure with its source line keeps its room
    fig.update_layout(**{k: v for k, v in LAYOUT.items() if k not in ("height", "margin") or
                         (k == "margin" and not own_margin)},
                      height=fig.layout.height or LAYOUT["height"])
    return fig


def hover_with_units(fig: Any) -> None:
    """Give every trace without a hover template one that shows its value with the unit of its axis
    (the axis title: 'USD bn', 'percent', ...) and the trace's name; plotly's default shows a bare number."""
    for t in fig.data:
        if getattr(t, "hovertemplate", None) or not hasattr(t, "hovertemplate"):
            continue
        axis = fig.layout.yaxis2 if getattr(t, "yaxis", None) == "y2" else fig.layout.yaxis
        unit = axis.title.text or ""
        t.hovertemplate = "%{x}: %{y:,.2f} " + unit + "<extra>%{fullData.name}</extra>"


def table(rows: list[dict], columns: list[tuple[str, str]], links: dict[str, str] | None = None,
          cell_links: dict[str, str] | None = None):
    """A plain HTML table; with ``links`` a row's first column links to the page path in its ``_link``;
    ``cell_links`` maps a column to the row key holding that cell's link (no link where it is empty)."""
    head = html.Tr([html.Th(label) for _, label in columns])
    out = []
    for r in rows:
        cells = []
        for j, (key, _) in enumerate(columns):
            v = r.get(key)
            if isinstance(v, float):
                text = number(v)          # two decimals; a small share keeps two digits
            elif isinstance(v, int) and not isinstance(v, bool):
                text = f"{v:,}"              # 9,355 beside 9,359.30, not 9355
            else:
                text = "" if v is None else str(v)
            if j == 0 and links and r.get("_link"):
                cells.append(html.Td(dcc.Link(text, href=r["_link"])))
            elif cell_links and key in cell_links and r.get(cell_links[key]) and text:
                cells.append(html.Td(dcc.Link(text, href=r[cell_links[key]])))
            else:
                cells.append(html.Td(text))
        out.append(html.Tr(cells))
    return html.Table([html.Thead(head), html.Tbody(out)], className="tbl")
