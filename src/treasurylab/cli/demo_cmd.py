"""``treasurylab demo``: a summary of the claims analysts argue about, computed from the bundled data.

Each row of :func:`data_summary` is a number computed from an official dataset (never typed in):
China's peak and latest Treasury holdings and the change between them; Japan, United Kingdom, total
foreign and foreign-official holdings; China's share of foreign holdings; the 10-year yield now vs
the month of China's peak (2013-11); the Fed's Treasury holdings; the US dollar's share of allocated
reserves (COFER); official gold tonnes of China, Russia, India, Poland and Turkey and their change
since 2019. Percent changes are ``100 * (latest / reference - 1)``.

:func:`write_charts` writes the major holders 2000-2025 as PNG and HTML (plotly.js inlined).
The demo then runs the ``davos-2026`` scenario offline (1,000 paths by default) with
:func:`run_scenario` and writes its results and self-contained HTML report to ``OUT/davos-2026/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from treasurylab.cli.output import guard, print_json, table

MAJOR_HOLDERS = [
    "Japan",
    "China, Mainland",
    "United Kingdom",
    "Belgium",
    "Luxembourg",
    "Cayman Islands",
]
GOLD_HOLDERS = ["CHN", "RUS", "IND", "POL", "TUR"]


def _row(
    claim: str, value: float, unit: str, as_of: str, dataset: str, note: str = ""
) -> dict[str, Any]:
    return {
        "claim": claim,
        "value": round(float(value), 4),
        "unit": unit,
        "as_of": as_of,
        "dataset": dataset,
        "note": note,
    }


def _pct(a: float, b: float) -> float:
    return 100.0 * (a / b - 1.0)


def data_summary() -> list[dict[str, Any]]:
    """The demo's table: one dict per claim (claim, value, unit, as_of, dataset, note)."""
    from treasurylab.data import series

    rows: list[dict[str, Any]] = []
    tic = series("tic.holdings", series="current")
    tic_latest = tic["date"].max()

    def holder(name: str):
        return (
            tic[(tic["country"] == name)]
            .dropna(subset=["value"])
            .set_index("date")["value"]
            .sort_index()
        )

    china = holder("China, Mainland")
    peak_date = china.idxmax()
    rows.append(_row("China holdings, peak", china.max(), "USD bn", peak_date, "tic.holdings"))
    rows.append(
        _row("China holdings, latest", china.iloc[-1], "USD bn", china.index[-1], "tic.holdings")
    )
    rows.append(
        _row(
            "China holdings, change from peak",
            _pct(china.iloc[-1], china.max()),
            "%",
            f"{peak_date}..{china.index[-1]}",
            "tic.holdings",
        )
    )
    japan = holder("Japan")
    rows.append(
        _row(
            "Japan holdings, latest",
            japan.iloc[-1],
            "USD bn",
            japan.index[-1],
            "tic.holdings",
            f"peak {japan.max():.1f} in {japan.idxmax()}",
        )
    )
    uk = holder("United Kingdom")
    rows.append(
        _row(
            "United Kingdom holdings, latest",
            uk.iloc[-1],
            "USD bn",
            uk.index[-1],
            "tic.holdings",
            "custodian location: holds for others",
        )
    )
    total = tic[tic["row_type"] == "grand_total"].set_index("date")["value"].sort_index()
    official = tic[tic["row_type"] == "foreign_official"].set_index("date")["value"].sort_index()
    rows.append(
        _row(
            "Total foreign holdings, latest",
            total.iloc[-1],
            "USD bn",
            total.index[-1],
            "tic.holdings",
            f"{_pct(total.iloc[-1], total[peak_date]):+.1f}% since {peak_date}",
        )
    )
    rows.append(
        _row(
            "Foreign official holdings, latest",
            official.iloc[-1],
            "USD bn",
            official.index[-1],
            "tic.holdings",
            f"peak {official.max():.1f} in {official.idxmax()}",
        )
    )
    rows.append(
        _row(
            "Foreign official share of foreign holdings",
            100 * official.iloc[-1] / total.iloc[-1],
            "%",
            tic_latest,
            "tic.holdings",
            f"{100 * official[peak_date] / total[peak_date]:.1f}% in {peak_date}",
        )
    )
    rows.append(
        _row(
            "China share of foreign holdings",
            100 * china.iloc[-1] / total[china.index[-1]],
            "%",
            china.index[-1],
            "tic.holdings",
            f"{100 * china.max() / total[peak_date]:.1f}% at its peak ({peak_date})",
        )
    )

    y10 = series("yields.cmt", series="DGS10").set_index("date")["value"].sort_index()
    at_peak = y10[y10.index.str.startswith(peak_date)]
    rows.append(
        _row(
            "10-year Treasury yield, latest",
            y10.iloc[-1],
            "%",
            y10.index[-1],
            "yields.cmt",
            f"{at_peak.iloc[-1]:.2f}% on {at_peak.index[-1]} (month of China's peak)",
        )
    )
    rows.append(
        _row(
            "10-year yield change since China's peak month",
            y10.iloc[-1] - at_peak.iloc[-1],
            "pp",
            f"{at_peak.index[-1]}..{y10.index[-1]}",
            "yields.cmt",
        )
    )

    fed = series("fed.treasuries").set_index("date")["value"].sort_index()
    rows.append(
        _row(
            "Fed Treasury holdings (H.4.1), latest",
            fed.iloc[-1],
            "USD bn",
            fed.index[-1],
            "fed.treasuries",
            f"peak {fed.max():.1f} on {fed.idxmax()}",
        )
    )

    cofer = series("imf.cofer", region="G001", indicator="share_pct", currency="USD")
    c = cofer.sort_values("date").iloc[-1]
    rows.append(
        _row(
            "US dollar share of allocated FX reserves (COFER)",
            c["value"],
            "%",
            c["date"],
            "imf.cofer",
        )
    )

    gold = series("wgc.gold_reserves", metric="gold_tonnes")
    for iso in GOLD_HOLDERS:
        g = gold[gold["iso3"] == iso].sort_values("date")
        if g.empty:
            continue
        first, last = g.iloc[0], g.iloc[-1]
        rows.append(
            _row(
                f"Gold reserves, {last['country']}",
                last["value"],
                "tonnes",
                last["quarter"],
                "wgc.gold_reserves",
                f"{last['value'] - first['value']:+.1f} t since {first['quarter']}",
            )
        )
    return rows


def write_charts(out_dir: Path) -> list[str]:
    """Major foreign holders 2000-2025 as PNG and HTML in ``out_dir``; returns the paths written."""
    from treasurylab.cli.data_cmd import write_plot
    from treasurylab.data import series

    out_dir = Path(out_dir)
    df = series("tic.holdings", series="current", country=None)
    df = df[df["country"].isin(MAJOR_HOLDERS)]
    title = "Major foreign holders of US Treasury securities, 2000-2025 (TIC, end of month)"
    paths = []
    for ext in ("png", "html"):
        paths.append(
            str(write_plot(df, out_dir / f"major_holders_2000_2025.{ext}", title, "USD bn"))
        )
    return paths


def run_scenario(out: Path, paths: int = 1000, seed: int | None = None, workers: int | None = None,
                 progress=None):
    """Run the davos-2026 scenario offline and write its results and HTML report under ``out``."""
    from treasurylab.report.html import write_report
    from treasurylab.scenario.runner import run

    res = run("davos-2026", paths=paths, seed=seed, workers=workers, progress=progress)
    folder = Path(out) / "davos-2026"
    files = res.save(folder)
    files["report_html"] = str(write_report(res, folder / "report.html"))
    res.meta["files"] = files
    return res


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        out: Path = typer.Option(Path("out"), "--out", help="Folder for the charts and the report."),
        paths: int = typer.Option(1000, "--paths", "-n", help="Paths of the davos-2026 run (>= 1000 for the demo)."),
        seed: int = typer.Option(None, "--seed", "-s", help="Seed (default: the scenario's)."),
        workers: int = typer.Option(None, "--workers", "-w", help="Local worker processes."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Real data summary, a chart of the major holders, and the davos-2026 scenario with its HTML report."""

        def body() -> None:
            from treasurylab.cli.run_cmd import _progress, _rows

            rows = data_summary()
            charts = write_charts(out)
            with _progress(not json_, f"davos-2026: {paths:,} paths") as cb:
                res = run_scenario(out, paths=paths, seed=seed, workers=workers, progress=cb)
            report = res.meta["files"]["report_html"]
            if json_:
                print_json({"summary": rows, "charts": charts, "scenario": res.to_dict(), "report": report})
            else:
                table(
                    rows,
                    columns=["claim", "value", "unit", "as_of", "note"],
                    title="treasurylab: what the official data say",
                )
                for p in charts:
                    typer.echo(f"chart written to {p}")
                table(_rows(res), title=f"davos-2026: {res.paths:,} paths, seed {res.meta['seed']}")
                for k, v in res.outcomes().items():
                    typer.echo(f"{k}: {v:.4g}")
                typer.echo(f"report written to {report}")

        guard(body, json_)
