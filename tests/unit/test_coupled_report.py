"""Report figures and HTML: pure builders give the right traces; the HTML is self-contained."""

from __future__ import annotations

import re

import numpy as np

from treasurylab.report import figures as F


def test_fan_chart_bands_are_path_quantiles():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 6))
    fig = F.fan_chart([f"2026-0{i+1}" for i in range(6)], a, "x", "%", 100.0, baseline=np.zeros(6))
    by = {t.name: np.asarray(t.y) for t in fig.data if t.name}
    np.testing.assert_allclose(by["median"], np.median(a, axis=0) * 100)
    np.testing.assert_allclose(by["p5-p95 of paths"], np.quantile(a, 0.05, axis=0) * 100)
    assert "CBO baseline" in by


def test_waterfall_total_and_tipping_map():
    fig = F.holders_waterfall(["China", "absorbed"], [-100.0, 100.0], total_label="net")
    assert list(fig.data[0].x) == ["China", "absorbed", "net"] and fig.data[0].y[-1] == 0.0
    z = np.array([[0.0, 0.5], [0.2, 1.0]])
    fig = F.tipping_map([0, 1], [10, 20], z, "threat", "sale")
    assert np.array_equal(np.asarray(fig.data[0].z), z)
    fig = F.cascade_distribution(np.array([0.1, 0.6, 0.7, 0.2]))
    assert "50.0% of paths" in fig.layout.annotations[0].text


def test_report_html_self_contained_with_sources(tmp_path):
    from treasurylab.report.html import write_report
    from treasurylab.scenario.runner import run

    res = run("allied-copycat", paths=40, workers=1)
    p = write_report(res, tmp_path)
    html = p.read_text()
    assert p.name == "report.html"
    assert not re.search(r"<script[^>]+src=", html)
    assert html.count("Plotly.newPlot") >= 9
    assert "France sells 10% of its holdings of Treasuries over 60 days" in html
    # every parameter of every block is listed with its source or assumption
    from treasurylab.params import list_blocks, load_params

    n = sum(len(load_params(b)) for b in list_blocks())
    assert html.count("<tr><td>") - 1 >= n
    assert "minerals" not in re.findall(r'<h2 id="(\w+)"', html)   # no minerals events, no section


def test_report_says_what_each_outcome_and_band_counts():
    """The report's outcomes carry the words the terminal prints (p_cascade_half_24m: 0.000 alone said
    nothing), the headline says its p5 / p95 are percentiles across the run's paths, and the meta line
    does not call the levels in the tables deviations."""
    import html as H

    from treasurylab.report.html import render
    from treasurylab.scenario.results import OUTCOME_MEANING
    from treasurylab.scenario.runner import run

    res = run("baseline", paths=16, workers=1)
    page = H.unescape(render(res))
    for name, meaning in OUTCOME_MEANING.items():
        assert re.search(rf"{name}: <b>[0-9.]+</b> \({re.escape(meaning)}\)", page), name
    assert "5th, 50th (median) and 95th percentiles across the 16 paths" in page
    assert "All numbers are deviations" not in page
