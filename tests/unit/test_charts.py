"""Charts: colour-blind-safe distinct colours, a source line with an as-of date, TIC breaks, history before fans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from treasurylab.cli.data_cmd import break_months, write_plot
from treasurylab.report import figures as F
from treasurylab.report.history import observed


def _annotations(fig) -> list[str]:
    return [a.text for a in fig.layout.annotations]


def test_fan_has_observed_history_before_it_and_a_source_line():
    hist = observed("y10", "2026-01")
    assert hist is not None and hist["month"].iloc[-1] == "2025-12" and len(hist) == 60
    assert 3.0 < hist["value"].iloc[-1] < 6.0                     # percent, as the fan shows
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    fig = F.fan_chart(months, np.full((5, 12), 0.042), "10-year yield", "%", 100.0, history=hist)
    names = [t.name for t in fig.data]
    assert names[0] == "observed" and max(fig.data[0].x) < min(months)
    src = " ".join(_annotations(fig))
    assert "Source:" in src and "as of" in src and "yields.cmt" in src
    assert fig.layout.yaxis.title.text == "%"


def test_palette_is_distinct_and_every_builder_has_a_source():
    assert len(set(F.PALETTE)) == len(F.PALETTE)
    figs = [F.holders_waterfall(["a", "b"], [-1.0, 2.0]), F.cascade_distribution(np.array([0.1, 0.6])),
            F.loop_decomposition(["2026-01"], {"x": np.array([0.001]), "y": np.array([0.002])}),
            F.tipping_map([0, 1], [0, 1], np.zeros((2, 2)), "a", "b"),
            F.difference_fan(["2026-01", "2026-02"], np.zeros((3, 2)), "d", "pp")]
    for fig in figs:
        assert any(t.startswith("Source:") for t in _annotations(fig))
    loop = figs[2]
    colours = [t.marker.color for t in loop.data if t.type == "bar"]
    assert len(set(colours)) == len(colours) and set(colours) <= set(F.PALETTE)


def test_no_history_where_nothing_measures_it():
    assert observed("gdp_gap", "2026-01") is None


def test_tic_breaks_are_parsed_and_marked(tmp_path):
    from treasurylab import data

    ds = data.get("tic.holdings")
    br = break_months(ds.series_breaks)
    assert "2011-12" in br and "2016-02" in br and "2006-06" in br
    df = data.series("tic.holdings", country="china,japan", series="current")
    out = write_plot(df, tmp_path / "c.html", "t", ds.unit, source="TIC", as_of="2025-12", breaks=br)
    html = out.read_text()
    assert "Source: TIC" in html and "last observation 2025-12" in html and "series breaks" in html
    colours = {c for c in F.PALETTE[:2] if c in html}
    assert colours == set(F.PALETTE[:2])


def test_png_with_source(tmp_path):
    df = pd.DataFrame({"date": ["2024-01", "2024-02"], "value": [1.0, 2.0]})
    p = write_plot(df, tmp_path / "x.png", "t", "USD bn", source="somebody", as_of="2024-02")
    assert p.read_bytes()[:4] == b"\x89PNG"


def test_fan_names_every_band_edge_and_draws_what_was_observed_since_the_start():
    from treasurylab.report.history import observed_since

    since = observed_since("y10", "2026-01")
    assert since["month"].iloc[0] == "2026-01" and since["month"].iloc[-1] == "2026-07"   # CMT to 2026-07-22
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    fig = F.fan_chart(months, np.full((5, 12), 0.042), "10-year yield", "%", 100.0,
                      history=observed("y10", "2026-01"), since=since)
    names = [t.name for t in fig.data]
    assert all(names), names                       # no 'trace 0' / 'trace 2' on hover
    assert {"p95", "p5-p95 of paths", "p75", "p25-p75 of paths", "median", "observed", "observed since the start"} <= set(names)
    hovers = {t.name: t.hovertemplate for t in fig.data}
    assert "<extra>p95</extra>" in hovers["p95"] and "<extra>p5</extra>" in hovers["p5-p95 of paths"]
    assert all("%" in h for h in hovers.values())
    obs = next(t for t in fig.data if t.name == "observed since the start")
    assert list(obs.x) == list(since["month"]) and min(obs.x) == months[0]
    assert np.allclose(obs.y, since["value"])


def _legend_clear_of_source(fig):
    """The legend sits above the plot, the title at the top of the figure (above a legend of two rows);
    the source line below the plot, inside the bottom margin, wrapped rather than cut at the edge."""
    leg = fig.layout.legend
    assert leg.yanchor == "bottom" and leg.y >= 1.0
    if fig.layout.title.text:
        t = fig.layout.title
        assert t.yanchor == "top" and t.y >= 0.98 and t.yref == "container"
    src = [a for a in fig.layout.annotations if str(a.text).startswith("Source:")]
    assert src, "no source line"
    for a in src:
        assert a.y == 0 and a.yanchor == "top" and -fig.layout.margin.b < a.yshift < 0
        lines = str(a.text).split("<br>")
        assert all(len(x) <= F.SOURCE_WIDTH for x in lines)
        assert -a.yshift + 13 * len(lines) <= fig.layout.margin.b      # every line inside the margin


def test_a_long_source_line_wraps_and_the_margin_grows_with_it():
    import plotly.graph_objects as go

    short = F.add_source(go.Figure(layout=dict(margin=dict(b=75))), "Source: a")
    text = "Source: " + "; ".join(f"publisher number {i} (dataset.{i})" for i in range(8))
    fig = F.add_source(go.Figure(layout=dict(margin=dict(b=75))), text, "2026-07-22")
    a = fig.layout.annotations[0]
    lines = a.text.split("<br>")
    assert len(lines) >= 3 and " ".join(lines) == text + "; as of 2026-07-22"
    assert fig.layout.margin.b == 75 + 13 * (len(lines) - 1)
    assert a.yshift == short.layout.annotations[0].yshift    # the first line where a one-line source starts
    assert all(len(x) <= F.SOURCE_WIDTH for x in lines)
    assert -a.yshift + 13 * len(lines) <= fig.layout.margin.b      # every line inside the margin


def test_source_lines_never_share_the_space_of_a_legend():
    from treasurylab.report import minerals_figures as MF

    months = [f"2026-{m:02d}" for m in range(1, 13)]
    since = pd.DataFrame({"month": months[:3], "value": [4.1, 4.2, 4.3]})
    fan = F.fan_chart(months, np.full((5, 12), 0.042), "10-year yield", "%", 100.0,
                      history=observed("y10", "2026-01"), baseline=np.full(12, 0.041), since=since)
    figs = [fan, F.holders_waterfall(["a", "b"], [-1.0, 2.0]), F.cascade_distribution(np.array([0.1, 0.6])),
            F.loop_decomposition(["2026-01"], {"x": np.array([0.001]), "y": np.array([0.002])}),
            F.tipping_map([0, 1], [0, 1], np.zeros((2, 2)), "a", "b"),
            F.difference_fan(["2026-01", "2026-02"], np.zeros((3, 2)), "d", "pp")]
    for fig in figs:
        _legend_clear_of_source(fig)
    ans = {"date": "2026-07-13", "stage_only": dict.fromkeys(MF.STAGES, 0.5), "chain": dict.fromkeys(MF.STAGES, 0.2)}
    fig = MF.add_source(MF.answer_180_figure(ans), MF.SOURCE)
    _legend_clear_of_source(fig)
    # the chain's stages in its order, as words
    assert list(fig.data[0].x) == ["Mining", "Separation (light, NdPr)", "Separation (heavy, Dy+Tb)", "Metal",
                                   "Magnets"]
    assert "stage" in fig.layout.xaxis.title.text
    # plain words with the unit, not the model's "non-China share of ex-China needs"
    title, axis = fig.layout.title.text, fig.layout.yaxis.title.text
    assert "ex-China" not in title + axis and "non-China" not in title + axis + fig.data[1].name, title
    assert "demand outside China" in title and "2026-07-13" in title and "(%" in title and axis.startswith("% of ")


def test_the_waterfalls_long_labels_wrap_and_slant_up_to_their_bar():
    """'absorbed by price-sensitive investors' on one line slanted down-right ran past the plot's right
    edge (the browser's check: tests/e2e/test_report_browser.py)."""
    fig = F.holders_waterfall(["China, Mainland", "absorbed by price-sensitive investors"], [-1.0, 1.0],
                              total_label="net")
    xs = list(fig.data[0].x)
    assert xs[1].count("<br>") >= 1 and "price-sensitive" in xs[1], xs     # wrapped at spaces, not hyphens
    assert all(len(line) <= F.TICK_WIDTH for x in xs for line in x.split("<br>"))
    assert xs[0] == "China, Mainland" and xs[-1] == "net"
    assert fig.layout.xaxis.tickangle < 0       # a label ends at its tick: the last cannot pass the edge
