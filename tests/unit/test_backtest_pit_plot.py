"""The backtest's PIT histograms say what their axes are (the PNG had no axis titles, and its overall
title sat on the first row's panel titles)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from treasurylab.report.backtest_report import PIT_X, PIT_Y, pit_figure, write_pit_plots


def _result(k: int):
    rng = np.random.default_rng(0)
    summ = [{"forecaster": "model", "target": "y10", "horizon": 12 + i, "pit": rng.random(30).tolist(), "n": 30}
            for i in range(k)]
    return SimpleNamespace(summary=summ)


def test_the_plotly_pit_figure_names_both_axes():
    fig = pit_figure(_result(4))               # two rows of three panels
    layout = fig.to_dict()["layout"]
    xs = [v["title"]["text"] for k, v in layout.items() if k.startswith("xaxis") and "title" in v]
    ys = [v["title"]["text"] for k, v in layout.items() if k.startswith("yaxis") and "title" in v]
    assert xs and set(xs) == {PIT_X} and ys and set(ys) == {PIT_Y}
    assert len(ys) == 2                         # the first column of each row


def test_the_png_names_both_axes_and_keeps_its_title_off_the_panels(tmp_path, monkeypatch):
    import matplotlib.figure

    saved = []
    real = matplotlib.figure.Figure.savefig

    def keep(self, *a, **k):
        saved.append(self)
        return real(self, *a, **k)

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", keep)
    files = write_pit_plots(_result(4), tmp_path)
    assert all((tmp_path / f).exists() for f in map(lambda p: p.split("/")[-1], files))
    fig, = saved
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert len(axes) == 4
    assert {ax.get_xlabel() for ax in axes if ax.get_xlabel()} == {PIT_X}
    assert {ax.get_ylabel() for ax in axes if ax.get_ylabel()} == {PIT_Y}
    # every column's lowest panel carries the x title; the first column the y title
    assert sum(bool(ax.get_xlabel()) for ax in axes) == 3 and sum(bool(ax.get_ylabel()) for ax in axes) == 2
    top = max(ax.get_position().y1 for ax in axes)
    assert top < 0.96                           # below the band kept for the overall title
