"""Plotly figures of the rare-earth block (pure: a MineralsResult or an answer dict in, Figure out),
plus the matplotlib PNGs of the minerals validation page.

Builders (each returns ``plotly.graph_objects.Figure``; no model calls, no I/O):

- :func:`china_share_figure` - China's share of world output at each stage, by month;
- :func:`shortfall_figure` - magnet shortfall as a share of demand, by consumer region;
- :func:`price_figure` - prices inside and outside China as multiples of the pre-control level;
- :func:`inventory_figure` - users' magnet inventories in months of cover;
- :func:`value_at_risk_figure` - cumulative output at risk, Germany and Korea (USD bn);
- :func:`answer_180_figure` - the 180-day answer: the share of demand outside China that plants
  outside China could meet, by stage;
- :func:`figures` - all of the above in a dict (name -> Figure);
- :func:`figures_for` - the list the HTML report shows for a coupled run result (``result.minerals``);
  it adds the 180-day answer, a closed-form capacity calculation (no linear programme).

:func:`write_validation_pngs` draws the replay and calibration plots for docs (matplotlib); it is
the only function here that runs the model and writes files.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from treasurylab.report.figures import LAYOUT, add_source

SOURCE = "Source: treasurylab minerals block (curated capacity, demand and inventory tables; data/curated)"
STAGES = ("mining", "separation", "heavy_separation", "metal", "magnet")   # the chain's order, ore to magnet
#: the data's stage names as a reader writes them
STAGE_LABELS = {"mining": "Mining", "separation": "Separation (light, NdPr)",
                "heavy_separation": "Separation (heavy, Dy+Tb)",
                "metal": "Metal", "magnet": "Magnets"}
CONSUMERS = ("US", "EU", "Japan", "Korea", "China", "Rest of world")


def china_share_figure(res: Any):
    import plotly.graph_objects as go

    sh = np.asarray(res.china_share)
    fig = go.Figure([go.Scatter(x=list(res.months), y=100 * sh[:, i], name=STAGE_LABELS[s])
                     for i, s in enumerate(STAGES)])
    fig.update_layout(title="China's share of world output by stage", yaxis_title="%", **LAYOUT)
    return fig


def shortfall_figure(res: Any):
    import plotly.graph_objects as go

    short = np.asarray(res.shortfall).sum(axis=2)
    dem = np.maximum(np.asarray(res.demand).sum(axis=2), 1e-12)
    fig = go.Figure([go.Scatter(x=list(res.months), y=100 * short[:, j] / dem[:, j], name=c)
                     for j, c in enumerate(CONSUMERS)])
    fig.update_layout(title="Magnet shortfall (share of demand)", yaxis_title="% of demand", **LAYOUT)
    return fig


def price_figure(res: Any):
    import plotly.graph_objects as go

    fig = go.Figure()
    for k, v in res.prices.items():
        v = np.asarray(v, float)
        fig.add_trace(go.Scatter(x=list(res.months), y=v / v[0], name=k,
                                 line={"dash": "dot" if k.endswith("_china") and "ex_" not in k else "solid"}))
    fig.update_layout(title="Prices as multiples of the first month (dotted: inside China)",
                      yaxis_title="x first month", **LAYOUT)
    return fig


def inventory_figure(res: Any):
    import plotly.graph_objects as go

    inv = np.asarray(res.inventory_months)
    fig = go.Figure([go.Scatter(x=list(res.months), y=inv[:, j], name=c) for j, c in enumerate(CONSUMERS)])
    fig.update_layout(title="Users' magnet inventories", yaxis_title="months of demand", **LAYOUT)
    return fig


def value_at_risk_figure(res: Any):
    import plotly.graph_objects as go

    ko = CONSUMERS.index("Korea")
    us = CONSUMERS.index("US")
    fig = go.Figure([
        go.Scatter(x=list(res.months), y=np.cumsum(res.germany_value_lost_bn), name="Germany"),
        go.Scatter(x=list(res.months), y=np.cumsum(np.asarray(res.value_lost_bn)[:, ko]), name="Korea"),
        go.Scatter(x=list(res.months), y=np.cumsum(np.asarray(res.value_lost_bn)[:, us]), name="US"),
    ])
    fig.update_layout(title="Output at risk, cumulative (upper bound, no substitution)", yaxis_title="USD bn",
                      **LAYOUT)
    return fig


def answer_180_figure(ans: dict):
    import plotly.graph_objects as go

    fig = go.Figure([
        go.Bar(x=[STAGE_LABELS[s] for s in STAGES], y=[100 * ans["stage_only"][s] for s in STAGES],
               name="this stage alone"),
        go.Bar(x=[STAGE_LABELS[s] for s in STAGES], y=[100 * ans["chain"][s] for s in STAGES],
               name="whole chain outside China"),
    ])
    # the model's "non-China share of ex-China needs", in a reader's words: the needs are the demand for
    # magnets outside China, converted to each stage's material, and the bar the most that capacity
    # outside China could supply of it by that day
    fig.update_layout(title=f"Share of demand outside China that plants outside China could meet by {ans['date']} "
                            "(%, at most)", barmode="group",
                      yaxis_title="% of demand outside China", yaxis_range=[0, 105],
                      xaxis_title="stage of the chain (ore to magnet)", **LAYOUT)
    return fig


def figures(res: Any, answer: dict | None = None) -> dict[str, Any]:
    out = {
        "minerals_china_share": china_share_figure(res),
        "minerals_shortfall": shortfall_figure(res),
        "minerals_prices": price_figure(res),
        "minerals_inventories": inventory_figure(res),
        "minerals_value_at_risk": value_at_risk_figure(res),
    }
    if answer is not None:
        out["minerals_answer_180"] = answer_180_figure(answer)
    as_of = f"{res.months[0]}..{res.months[-1]}" if getattr(res, "months", None) else None
    for fig in out.values():
        add_source(fig, SOURCE, as_of and f"run {as_of}")
    return out


def figures_for(result: Any) -> list:
    """Figures for the HTML report of a coupled run (empty when the run has no minerals block)."""
    res = getattr(result, "minerals", None)
    if res is None:
        return []
    from treasurylab.model import minerals as M

    answer = M.answer_180_days(None, res.events, start="2026-01-14", days=180)
    figs = figures(res, answer)
    order = ("minerals_answer_180", "minerals_shortfall", "minerals_prices", "minerals_inventories",
             "minerals_value_at_risk", "minerals_china_share")
    return [figs[k] for k in order if k in figs]


def write_validation_pngs(outdir: str) -> list[str]:
    """Draw the docs plots (2025 replay, calibration shares, cut-off) as PNG files in ``outdir``."""
    from pathlib import Path

    from treasurylab.cache import keep_matplotlib_in_the_cache

    keep_matplotlib_in_the_cache()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from treasurylab.model import minerals as M

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    rp = M.replay_2025()
    x = np.arange(len(rp.months))
    ticks = x[::3]
    labels = [rp.months[i] for i in ticks]

    fig, ax = plt.subplots(figsize=(7, 3.6))
    ax.bar(x, rp.china_exports[:, 3], color="tab:blue", label="model: China's magnet exports")
    i24, i25 = rp.months.index("2024-05"), rp.months.index("2025-05")
    obs_may25 = 1238.0
    ax.plot([i25], [obs_may25], "o", color="tab:red", label="observed May 2025: 1,238 t (-74% y/y)")
    ax.plot([i24], [obs_may25 / 0.26], "s", color="tab:red", mfc="none", label="implied May 2024 (1,238/0.26)")
    ax.axvline(rp.months.index("2025-04") - 0.5, color="grey", ls="--", lw=1)
    ax.text(rp.months.index("2025-04"), ax.get_ylim()[1] * 0.92, " April 2025 licensing", fontsize=8)
    ax.set_xticks(ticks, labels, rotation=45, fontsize=8)
    ax.set_ylabel("t NdFeB per month")
    ax.set_title("Replay of the 2025 controls: Chinese magnet exports")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    p = out / "minerals_replay_exports.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    written.append(str(p))

    fig, ax = plt.subplots(figsize=(7, 3.6))
    for k, c in (("dy", "tab:orange"), ("tb", "tab:purple")):
        ax.plot(x, rp.prices[f"{k}_ex_china"] / rp.prices[f"{k}_ex_china"][0], color=c, label=f"model {k.title()} outside China")
        ax.plot(x, rp.prices[f"{k}_china"] / rp.prices[f"{k}_china"][0], color=c, ls=":", label=f"model {k.title()} in China")
    obs = [("2025-05", 850 / 300, "tab:orange", "Dy Europe $850/kg, 1 May 2025"),
           ("2025-11", 3.0, "tab:orange", "Dy ~3x, late Nov 2025 (Argus)"),
           ("2025-05", 3000 / 965, "tab:purple", "Tb $965 -> $3,000/kg by May 2025"),
           ("2025-11", 4.0, "tab:purple", "Tb ~4x, late Nov 2025 (Argus)")]
    for m, v, c, lab in obs:
        ax.plot([rp.months.index(m)], [v], "D", color=c, mfc="white", label=lab)
    ax.axvline(rp.months.index("2025-04") - 0.5, color="grey", ls="--", lw=1)
    ax.set_xticks(ticks, labels, rotation=45, fontsize=8)
    ax.set_ylabel("x pre-control price")
    ax.set_title("Replay of the 2025 controls: heavy rare-earth prices")
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    fig.tight_layout()
    p = out / "minerals_replay_prices.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    written.append(str(p))

    base = M.simulate(start="2024-01", months=84)
    years = list(range(2024, 2031))
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for s, c in (("mining", "tab:brown"), ("separation", "tab:blue"), ("magnet", "tab:green")):
        ax.plot(years, [100 * base.mean_share(y)[s] for y in years], "-o", color=c, label=f"model {s}")
    refs = [(2024, 69, "tab:brown"), (2024, 91, "tab:blue"), (2024, 94, "tab:green"), (2030, 54, "tab:brown"),
            (2030, 77, "tab:blue")]
    for y, v, c in refs:
        ax.errorbar([y], [v], yerr=[3 if y == 2024 else 5], fmt="D", color=c, mfc="white", capsize=4)
    ax.set_ylabel("China's share of world output, %")
    ax.set_title("Calibration: 2024 shares (USGS, IEA; +-3 pp) and IEA 2030 outlook (+-5 pp)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    p = out / "minerals_shares.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    written.append(str(p))

    from treasurylab.scenario.spec import load_scenario

    cut = M.simulate_scenario(load_scenario("rare-earth-cutoff"))
    xs = np.arange(24)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4))
    short = cut.shortfall.sum(axis=2)[:24] / cut.demand.sum(axis=2)[:24]
    for j, c in enumerate(CONSUMERS):
        axes[0].plot(xs, 100 * short[:, j], label=c)
        axes[1].plot(xs, cut.inventory_months[:24, j], label=c)
    for a in axes:
        a.set_xticks(xs[::4], [cut.months[i] for i in xs[::4]], rotation=45, fontsize=8)
    axes[0].set_title("Cut-off: magnet shortfall, % of demand", fontsize=10)
    axes[1].set_title("Users' inventories, months of demand", fontsize=10)
    axes[0].legend(fontsize=7)
    fig.tight_layout()
    p = out / "minerals_cutoff.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    written.append(str(p))
    return written
