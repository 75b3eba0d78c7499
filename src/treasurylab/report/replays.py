"""Replays of term-premium episodes with the shock events, against the observed 10-year, mortgage rate
and the ACM and Kim-Wright term premia (docs/validation.md, "Replays").

Method. The CBO baseline of the package starts in October 2025, so an episode is *transplanted*: its
shock is applied from the first month of the baseline, and the model's deviations from the no-event
run are compared with the observed changes since the month before the episode. The term premium is
the ACM estimate's monthly average change against that month, entered as one ``term_premium`` event a
month on the 10-year (its path, month by month); April 2025 adds an ``uncertainty`` event sized on
the month's realised volatility of the 10-year (daily changes, against the 1990-2025 median). Nothing
else is entered: no holder sells, the policy rate follows the model's rule. What the replay tests is
what the model makes of a stated term-premium path (the 10-year, the mortgage rate, the Fed's
response); the observed 10-year also carries the change of expected short rates, which the events do
not state, and the replay shows how large that part was.

The observed series come from the bundled store (DGS10 in ``yields.cmt``, MORTGAGE30US in
``mortgage.rate30``, ACMTP10 and THREEFYTP10 in ``macro.term_premium``)::

    python -m treasurylab.report.replays --out docs/img

prints the table and writes one PNG per episode. The table and the numbers quoted around it in
docs/validation.md are generated sections (``make docs``, :mod:`treasurylab.report.doc_numbers.validation`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: the baseline's first month: episodes are replayed from here
START = "2025-10"
PATHS = 64


@dataclass(frozen=True)
class Episode:
    name: str
    title: str
    base: str           # the month before the episode (changes are measured from its average)
    months: int         # months replayed after it
    uncertainty: bool = False


EPISODES = (
    Episode("april-2025", "April 2025: tariffs, the 10-year's term premium and volatility", "2025-03", 5, True),
    Episode("taper-2013", "2013 taper tantrum", "2013-04", 8),
    Episode("tp-2022-23", "2022-23: the rise of the term premium", "2021-12", 24),
)


def monthly_observed():
    """Monthly averages (percent) of the 10-year, the mortgage rate, ACM and Kim-Wright term premia,
    and the 10-year's daily-change volatility (bp), from the bundled store (yields.cmt,
    mortgage.rate30, macro.term_premium)."""
    import pandas as pd

    from treasurylab import data

    def one(dataset: str, series: str):
        df = data.series(dataset, series=series)
        return pd.Series(pd.to_numeric(df["value"], errors="coerce").to_numpy(),
                         index=pd.to_datetime(df["date"].astype(str))).dropna().sort_index()

    y10 = one("yields.cmt", "DGS10")
    cols = {
        "y10": y10.resample("MS").mean(),
        "mortgage": one("mortgage.rate30", "MORTGAGE30US").resample("MS").mean(),
        "acm": one("macro.term_premium", "ACMTP10").resample("MS").mean(),
        "kw": one("macro.term_premium", "THREEFYTP10").resample("MS").mean(),
        "vol_bp": (y10.diff() * 100).resample("MS").std(),
    }
    out = pd.concat(cols, axis=1, sort=True)
    out.index = out.index.strftime("%Y-%m")
    return out


def median_daily_vol_bp(obs) -> float:
    """Median monthly volatility of daily 10-year changes, 1990-2025 (bp): the 'usual' month."""
    v = obs["vol_bp"]
    return float(v[(v.index >= "1990-01") & (v.index <= "2025-12")].median())


def events_for(ep: Episode, obs) -> list[dict]:
    """The episode's events, dated from START: one term_premium event a month on the 10-year (the ACM
    change against the base month) and, for April 2025, an uncertainty event."""
    from treasurylab.params.macro_inputs import ordinal_label

    y0, m0 = (int(x) for x in START.split("-"))
    o0 = 12 * y0 + m0 - 1
    months = _months_after(ep.base, ep.months)
    acm0 = float(obs.loc[ep.base, "acm"])
    evs = []
    for i, m in enumerate(months):
        bp = round((float(obs.loc[m, "acm"]) - acm0) * 100.0, 1)
        if bp != 0.0:
            evs.append({"type": "term_premium", "date": ordinal_label(o0 + i), "size_bp": bp, "tenors": ["10y"],
                        "months": 1})
    if ep.uncertainty:
        ratio = float(obs.loc[months[0], "vol_bp"]) / median_daily_vol_bp(obs)
        evs.append({"type": "uncertainty", "date": START, "volatility": round(max(ratio, 1.01), 2), "months": 1})
    return evs


def _months_after(base: str, k: int) -> list[str]:
    from treasurylab.params.macro_inputs import ordinal_label

    y, m = (int(x) for x in base.split("-"))
    o = 12 * y + m - 1
    return [ordinal_label(o + i) for i in range(1, k + 1)]


def replay(ep: Episode, obs) -> dict:
    """Run the episode's events and the no-event run; return observed and model changes (bp) by month."""
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.spec import load_scenario

    def scen(evs):
        return load_scenario({"name": f"replay-{ep.name}", "description": ep.title, "start": START,
                              "horizon": ep.months, "paths": PATHS, "seed": 1, "baseline": "cbo-2026-02",
                              "events": evs})

    evs = events_for(ep, obs)
    a = run(scen(evs), paths=PATHS, workers=1).ds
    b = run(scen([]), paths=PATHS, workers=1).ds
    months = _months_after(ep.base, ep.months)
    o0 = obs.loc[ep.base]

    def dmodel(v):
        return (np.mean(a[v].values, axis=0) - np.mean(b[v].values, axis=0)) * 1e4

    def dobs(v):
        return np.array([(float(obs.loc[m, v]) - float(o0[v])) * 100.0 for m in months])

    return {"months": months, "events": evs, "model_y10": dmodel("y10"), "model_mortgage": dmodel("mortgage"),
            "model_policy": dmodel("policy_rate"), "obs_y10": dobs("y10"), "obs_mortgage": dobs("mortgage"),
            "acm": dobs("acm"), "kw": dobs("kw")}


def plot(ep: Episode, r: dict, path: str | Path) -> None:
    from treasurylab.cache import keep_matplotlib_in_the_cache

    keep_matplotlib_in_the_cache()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(r["months"]))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
    ax1.plot(x, r["obs_y10"], "k-o", ms=3, label="observed 10-year (DGS10)")
    ax1.plot(x, r["model_y10"], "C0-s", ms=3, label="model 10-year (term-premium events)")
    ax1.plot(x, r["acm"], "C1--", label="ACM term premium")
    if np.isfinite(r["kw"]).any():
        ax1.plot(x, r["kw"], "C2--", label="Kim-Wright term premium")
    ax2.plot(x, r["obs_mortgage"], "k-o", ms=3, label="observed 30-year mortgage (PMMS)")
    ax2.plot(x, r["model_mortgage"], "C0-s", ms=3, label="model mortgage rate")
    for ax, t in ((ax1, "10-year and term premia"), (ax2, "mortgage rate")):
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xticks(x[:: max(1, len(x) // 8)])
        ax.set_xticklabels(r["months"][:: max(1, len(x) // 8)], rotation=45, fontsize=8)
        ax.set_title(t, fontsize=10)
        ax.legend(fontsize=7, loc="upper left")
    ax1.set_ylabel("bp, change from the base month")
    fig.suptitle(ep.title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


TABLE_HEADER = ("| episode | month | 10y observed | 10y model | ACM | KW | mortgage observed | mortgage model "
                "| policy model |\n|---|---|---|---|---|---|---|---|---|")


def table(results: dict[str, dict]) -> str:
    """The Markdown table of docs/validation.md: episode name -> :func:`replay`'s result, in EPISODES order."""
    return "\n".join([TABLE_HEADER, *(row for ep in EPISODES for row in table_rows(ep, results[ep.name]))])


def table_rows(ep: Episode, r: dict) -> list[str]:
    """Markdown rows at a few months: observed and model 10-year, mortgage, ACM, KW (bp)."""
    n = len(r["months"])
    idx = sorted({0, n // 2, n - 1, int(np.nanargmax(r["acm"]))} | ({4, 7} & set(range(n))))

    def f(v):
        return "n/a" if not np.isfinite(v) else f"{v:+.0f}"

    return [f"| {ep.name} | {r['months'][i]} | {f(r['obs_y10'][i])} | {f(r['model_y10'][i])} | "
            f"{f(r['acm'][i])} | {f(r['kw'][i])} | {f(r['obs_mortgage'][i])} | {f(r['model_mortgage'][i])} | "
            f"{f(r['model_policy'][i])} |" for i in idx]


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="docs/img")
    a = ap.parse_args(argv)
    obs = monthly_observed()
    results = {ep.name: replay(ep, obs) for ep in EPISODES}
    for ep in EPISODES:
        plot(ep, results[ep.name], Path(a.out) / f"replay_{ep.name}.png")
    print(table(results))
    print(f"\nusual monthly volatility of daily 10y changes, 1990-2025: {median_daily_vol_bp(obs):.2f} bp")
    for ep in EPISODES:
        if ep.uncertainty:
            print(ep.name, [e for e in events_for(ep, obs) if e["type"] == "uncertainty"])


if __name__ == "__main__":
    main()
