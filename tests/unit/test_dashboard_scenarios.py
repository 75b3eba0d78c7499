"""The Scenarios page's fan charts, built as a finished run's card is built (a small run, no browser)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def davos_figures():
    from treasurylab.app import scenarios as S

    return S.run_figures(S.resolve("davos-2026", None, None), 30, 7, None, None)


def test_fans_name_their_band_edges_and_show_what_was_observed_since_the_start(davos_figures):
    import plotly.graph_objects as go

    figs = {div: (title, fig, as_of) for div, title, fig, as_of in davos_figures}
    _, y10, as_of = figs["fan-y10"]
    fig = go.Figure(y10)
    names = [t.name for t in fig.data]
    assert all(names), names                     # plotly would hover an unnamed trace as 'trace 0'
    assert "p95" in names and "p75" in names and "p5-p95 of paths" in names
    obs = {t.name: t for t in fig.data if isinstance(t, go.Scatter)}
    before, since = obs["observed"], obs["observed since the start"]
    assert max(before.x) == "2025-12" and min(since.x) == "2026-01" and max(since.x) == "2026-07"
    # the card says when the run starts and to when it was observed, not 'simulated'
    assert as_of == "run from 2026-01; observed to 2026-07-22"


def test_result_card_states_the_runs_start_not_simulated(davos_figures):
    import treasurylab.app.server as srv
    from treasurylab.app import jobs as J

    job = J.Job("j1", "davos-2026", status="done", figures=davos_figures)
    cards = srv.result_cards(job)
    y10 = next(c for c in cards if c.id == "card-fan-y10")
    source = next(k for k in y10.children if getattr(k, "className", None) == "source").children
    assert source.endswith("as of run from 2026-01; observed to 2026-07-22") and "simulated" not in source
