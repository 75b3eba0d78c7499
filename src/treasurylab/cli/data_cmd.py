"""``treasurylab data``: list, show, plot, load and refresh the official datasets.

Commands::

    treasurylab data list [--json]
    treasurylab data show ID [--country C[,C...] ...] [--start YYYY-MM] [--end YYYY-MM] [--filter COL=VALUE ...]
                             [--plot FILE.png|FILE.html] [--limit N] [--json]
    treasurylab data flows [--country C] [--start YYYY-MM] [--end YYYY-MM] [--plot FILE.png|FILE.html]
                           [--limit N] [--json]                  (holdings change = net purchases + valuation + other)
    treasurylab data provenance ID [--json]
    treasurylab data load FILE [--plot FILE] [--limit N] [--json]     (a file you downloaded)
    treasurylab data update [ID ...] [--id ID ...] [--json]            (online refresh)

``data show tic.holdings`` keeps ``series='current'`` unless ``--filter series=comparison_only`` is
given (at a TIC series break the same month appears twice). ``data update`` first probes the network
with a short timeout; offline it says so and changes nothing. Fetched copies go to the store's
``_updates`` folder, never into the bundled snapshot, and are used only after they parse.

``data update`` exits 0 when at least one dataset was refreshed and :data:`EXIT_NOTHING_REFRESHED`
(3) when nothing could be (offline, or every fetch failed or was skipped), so a script or a cron job
can tell "refreshed" from "still on the old snapshot"; the report (and ``--json`` document, with its
``exit_code``) is printed either way.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

import typer

from treasurylab.cli import output
from treasurylab.cli.output import guard, print_json, table

#: exit code of ``data update`` when no dataset could be refreshed (documented in the README)
EXIT_NOTHING_REFRESHED = 3
PROBE_URL = "https://fred.stlouisfed.org/"
PROBE_TIMEOUT_S = 3.0
FETCH_TIMEOUT_S = 60.0
MAX_PLOT_LINES = 12


# --- network (tests replace these two functions; they never touch the network) ---------------------


def _probe(url: str = PROBE_URL, timeout: float = PROBE_TIMEOUT_S) -> None:
    """Raise if the network is unreachable (one short HEAD request)."""
    import httpx

    httpx.head(url, timeout=timeout, follow_redirects=True)


def _fetch(url: str, timeout: float = FETCH_TIMEOUT_S) -> bytes:
    import httpx

    r = httpx.get(
        url, timeout=timeout, follow_redirects=True, headers={"User-Agent": "treasurylab"}
    )
    r.raise_for_status()
    return r.content


def is_online() -> tuple[bool, str]:
    import os

    if os.environ.get("TREASURYLAB_OFFLINE"):
        return False, "TREASURYLAB_OFFLINE is set"
    try:
        _probe()
    except Exception as exc:  # noqa: BLE001 - any failure of the probe means offline: change nothing
        return False, f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return True, ""


# --- helpers -------------------------------------------------------------------------------------


def parse_filters(items: list[str] | None) -> dict[str, Any]:
    from treasurylab.errors import BadInput

    out: dict[str, Any] = {}
    for it in items or []:
        if "=" not in it:
            raise BadInput(
                "a filter must be COLUMN=VALUE",
                field="--filter",
                got=it,
                fix="e.g. --filter series=DGS10 or --filter metric=gold_tonnes",
            )
        k, v = it.split("=", 1)
        out.setdefault(k.strip(), []).append(v.strip())
    return {k: (v[0] if len(v) == 1 else v) for k, v in out.items()}


def check_period(value: str | None, field: str) -> None:
    """``--start``/``--end``: YYYY, YYYY-MM, YYYY-MM-DD (a real calendar date) or YYYYqN.

    The data layer compares dates as text prefixes, so '2025-13' would silently select nothing; a
    month or day that does not exist is a typo to report, not an empty answer."""
    import datetime as dt
    import re

    from treasurylab.errors import BadInput

    if value is None:
        return
    v = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|q([1-4]))?", v, flags=re.IGNORECASE)
    ok = bool(m)
    if m and m.group(2):
        try:
            dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            ok = False
    if not ok:
        raise BadInput("not a date", field=field, got=value,
                       fix="write YYYY, YYYY-MM or YYYY-MM-DD with a real month and day (e.g. 2024-06)")


def _group_column(df) -> str | None:
    for c in ("country", "tenor", "series", "metric", "currency", "security_type"):
        if c in df.columns and df[c].nunique() > 1:
            return c
    return None


def break_months(items) -> list[str]:
    """The YYYY-MM dates named in a dataset's ``series_breaks`` notes (marked on its charts)."""
    import re

    return sorted({m for it in items for m in re.findall(r"\b(\d{4}-\d{2})\b", str(it))})


def write_plot(
    df, path: Path, title: str, unit: str, date_column: str = "date", value_column: str = "value",
    source: str | None = None, as_of: str | None = None, breaks: list[str] | None = None,
    files_as_of: str | None = None, x_title: str = "date observed",
) -> Path:
    """Line chart of value over date, one line per group; PNG (matplotlib) or HTML (plotly, js inlined).

    Colours come from the colour-blind-safe palette (one per line, never reused: at most
    ``MAX_PLOT_LINES`` lines, the palette's colours then dashed variants); ``source``, ``as_of`` (the
    last observation) and ``files_as_of`` (when the files were retrieved) are written under the plot, each
    named; ``breaks`` (YYYY-MM) are drawn as dotted vertical lines; ``x_title``: the x-axis's title (the
    date each value is for, not when it was published)."""
    import pandas as pd

    from treasurylab.errors import BadInput
    from treasurylab.report.figures import PALETTE

    path = Path(path)
    suffix = path.suffix.lower()
    dates = (f"; last observation {as_of}" if as_of else "") + (f"; files as of {files_as_of}" if files_as_of else "")
    if suffix not in (".png", ".html"):
        raise BadInput(
            "plot file must end in .png or .html",
            field="--plot",
            got=str(path),
            fix="e.g. --plot china.png or --plot china.html",
        )
    if df.empty or date_column not in df.columns or value_column not in df.columns:
        raise BadInput(
            "nothing to plot (no rows with a date and a value)",
            field="--plot",
            fix="widen --start/--end or drop a filter",
        )
    g = _group_column(df)
    d = df[[date_column, value_column] + ([g] if g else [])].dropna(subset=[value_column]).copy()
    # 'YYYYqN' -> first month of the quarter, so quarterly data plot on a time axis like the rest
    as_month = (
        d[date_column]
        .astype(str)
        .str.replace(r"q([1-4])$", lambda m: f"-{3 * int(m.group(1)) - 2:02d}", regex=True)
    )
    d["_x"] = pd.to_datetime(as_month, errors="coerce", format="mixed")
    d = d.dropna(subset=["_x"]).sort_values("_x")
    groups = [(None, d)] if g is None else list(d.groupby(g, sort=False))
    if len(groups) > MAX_PLOT_LINES:  # keep the largest series readable
        groups = sorted(groups, key=lambda kv: -kv[1][value_column].abs().mean())[:MAX_PLOT_LINES]
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".png":
        from treasurylab.cache import keep_matplotlib_in_the_cache

        keep_matplotlib_in_the_cache()
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(10, 5.8), dpi=110)
        for i, (name, part) in enumerate(groups):
            ax.plot(
                part["_x"],
                part[value_column],
                label=str(name) if name is not None else None,
                lw=1.4,
                color=PALETTE[i % len(PALETTE)],
                ls="-" if i < len(PALETTE) else "--",
            )
        x_lo, x_hi = d["_x"].min(), d["_x"].max()
        shown_breaks = [b for b in pd.to_datetime(breaks or [], format="%Y-%m") if x_lo <= b <= x_hi]
        for j, b in enumerate(shown_breaks):
            ax.axvline(b, color="grey", ls=":", lw=0.9, label="series break" if j == 0 else None)
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(unit)
        if x_title:
            ax.set_xlabel(x_title)
        ax.grid(alpha=0.3)
        if g or shown_breaks:
            ax.legend(fontsize=8, ncol=2)
        if source:
            fig.text(0.01, 0.01, f"Source: {source}{dates}", fontsize=7,
                     color="#555555", ha="left", va="bottom")
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        fig.savefig(path)
        plt.close(fig)
    else:
        import plotly.graph_objects as go

        from treasurylab.report.figures import add_source

        fig = go.Figure()
        for i, (name, part) in enumerate(groups):
            fig.add_trace(
                go.Scatter(
                    x=part["_x"],
                    y=part[value_column],
                    mode="lines",
                    name=str(name) if name is not None else unit,
                    line=dict(color=PALETTE[i % len(PALETTE)], dash="solid" if i < len(PALETTE) else "dash"),
                )
            )
        x_lo, x_hi = d["_x"].min(), d["_x"].max()
        for b in pd.to_datetime(breaks or [], format="%Y-%m"):
            if x_lo <= b <= x_hi:
                fig.add_vline(x=b, line_dash="dot", line_color="grey", line_width=1)
        fig.update_layout(title=title, yaxis_title=unit, xaxis_title=x_title, template="plotly_white",
                          margin=dict(l=60, r=20, t=50, b=90))
        if source:
            add_source(fig, f"Source: {source}" + ("; dotted lines: series breaks" if breaks else "") + dates)
        fig.write_html(str(path), include_plotlyjs=True, full_html=True)
    return path


def _display_rows(df) -> list[dict]:
    """Rows for the terminal table: each numeric column at one number of decimals.

    A value shows at most 6 significant digits (and at most 4 decimals); the column takes the largest
    number of decimals any of its values needs, so 1,147.9 and 896.0 line up instead of 1147.9 and 896.
    """
    import math

    records = df.to_dict(orient="records")

    def decimals(v: float) -> int:
        text = f"{v:.6g}"
        return 0 if "e" in text or "." not in text else len(text.split(".")[1])

    places = {k: min(4, max((decimals(r[k]) for r in records
                             if isinstance(r[k], float) and math.isfinite(r[k])), default=0))
              for k in (records[0] if records else {})}
    return [{k: (("n/a" if not math.isfinite(v) else f"{v:,.{places[k]}f}") if isinstance(v, float) else v)
             for k, v in r.items()} for r in records]


def _records(df, limit: int | None) -> list[dict]:
    d = df if limit is None else df.tail(limit)
    return d.to_dict(orient="records")


def _print_last_rows(df, limit: int | None, title: str) -> int:
    """The last ``limit`` rows (25 when not given) as the terminal table; returns how many were shown."""
    shown = df.tail(limit or 25)
    table(_display_rows(shown), columns=list(df.columns), title=title)
    return len(shown)


# the options `data show` and `data load` share
_PLOT_OPTION = typer.Option(None, "--plot", help="Write a chart: FILE.png or FILE.html.")
_LIMIT_OPTION = typer.Option(None, "--limit", help="Only the last N rows in the output.")


def _check_row_limit(limit: int | None) -> None:
    """``--limit`` of ``data show`` and ``data load``: a row count, at least 1 (exit 2 otherwise)."""
    from treasurylab.errors import BadInput

    if limit is not None and limit < 1:
        raise BadInput("must be at least 1", field="--limit", got=limit, fix="give a positive row count")


# --- commands ------------------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(
        help="Official datasets: list, show, plot, load a file, refresh online.",
        no_args_is_help=True,
    )
    app.add_typer(data_app, name="data")

    @data_app.command("list")
    def list_(json_: bool = typer.Option(False, "--json", help="Print one JSON document.")) -> None:
        """Every dataset id with its title, unit, frequency, coverage (first and last observation,
        rows), as-of date and publisher."""

        def body() -> None:
            from treasurylab.data import coverage, datasets
            from treasurylab.errors import TreasurylabError

            rows = []
            for d in datasets().values():
                try:
                    cov = coverage(d.id)
                except TreasurylabError as exc:  # a broken file is listed as such, not hidden
                    cov = {"rows": None, "first": None, "last": None, "last_observed": None,
                           "as_of": d.retrieved, "error": str(exc)}
                rows.append({"id": d.id, "title": d.title, "unit": d.unit, "frequency": d.frequency,
                             "publisher": d.publisher, "rows": cov["rows"], "first": cov["first"],
                             "last": cov["last"], "last_observed": cov["last_observed"],
                             "as_of": cov["as_of"], **({"error": cov["error"]} if "error" in cov else {})})
            if json_:
                print_json({"datasets": rows, "count": len(rows)})
            else:
                table(
                    [{"id": r["id"], "unit": r["unit"], "first": r["first"] or "", "last": r["last"] or "",
                      "rows": f"{r['rows']:,}" if r["rows"] is not None else "error", "as of": r["as_of"],
                      "publisher": r["publisher"]} for r in rows],
                    title=f"{len(rows)} datasets ('data show ID' for rows, 'data provenance ID' for sources)",
                )

        guard(body, json_)

    @data_app.command("show")
    def show(
        dataset_id: str = typer.Argument(..., metavar="ID", help="Dataset id (see 'data list')."),
        country: list[str] = typer.Option(
            None, "--country", "-c",
            help="Country, matched forgivingly ('china', 'UK'); several: china,japan,uk or repeat the option.",
        ),
        start: str = typer.Option(
            None, "--start", help="First period, YYYY, YYYY-MM or YYYY-MM-DD."
        ),
        end: str = typer.Option(None, "--end", help="Last period, YYYY, YYYY-MM or YYYY-MM-DD."),
        filter_: list[str] = typer.Option(
            None, "--filter", "-f", help="COLUMN=VALUE (repeatable)."
        ),
        plot: Path = _PLOT_OPTION,
        limit: int = _LIMIT_OPTION,
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Rows of one dataset, filtered; optionally a chart."""

        def body() -> None:
            from treasurylab.data import filter_rows, get, load

            with output.as_typed({"id": "ID"}):                 # the positional as its help shows it
                ds = get(dataset_id)
            check_period(start, "--start")
            check_period(end, "--end")
            if plot is not None:
                output.check_out_file(plot, "--plot")
            filters = parse_filters(filter_)
            _check_row_limit(limit)
            if ds.id == "tic.holdings" and "series" not in filters:
                filters["series"] = (
                    "current"  # one value per month (series breaks print a month twice)
                )
            country_ = country or None
            # read once: the rows shown, the date range of an empty window and the freshness judged
            # over every row all come from this table
            whole = load(ds.id)
            with output.as_typed({"country": "--country"}):     # the data layer's field, the user's option
                df = filter_rows(ds.id, whole, country=country_, start=start, end=end, **filters)
            shown_countries = (
                list(dict.fromkeys(df[ds.country_column])) if country_ and ds.country_column else []
            )
            prov = df.attrs.get("provenance", {})
            note = None
            if df.empty and (start or end) and ds.date_column:
                full = filter_rows(ds.id, whole, country=country_, **filters)[ds.date_column].astype(str)
                if len(full):
                    note = f"no rows between {start or '...'} and {end or '...'}; data cover {full.min()} to {full.max()}"
            from treasurylab.data import age

            freshness = latest = None
            if ds.date_column and ds.date_column in df.columns and len(df):
                latest = str(df[ds.date_column].astype(str).max())
                freshness = f"latest value: {latest} ({age(latest)} old); files as of {ds.retrieved}"
            # the stale flag judges the whole dataset today (data/freshness.py, the Sources page's rule),
            # not the rows the filters kept
            from treasurylab.data.freshness import freshness as judge

            fresh = judge(ds.id, df=whole)
            plotted = None
            if plot is not None:
                label = f"{ds.title}" + (f" - {', '.join(shown_countries)}" if shown_countries else "")
                plotted = str(
                    write_plot(
                        df,
                        plot,
                        label,
                        ds.unit,
                        ds.date_column or "date",
                        ds.value_column or "value",
                        source=ds.attribution or ds.publisher,
                        as_of=latest,
                        breaks=break_months(ds.series_breaks),
                        files_as_of=ds.retrieved,
                    )
                )
            if json_:
                print_json(
                    {
                        "id": ds.id,
                        "title": ds.title,
                        "unit": ds.unit,
                        "filters": {
                            "country": (
                                (shown_countries[0] if len(shown_countries) == 1 else shown_countries)
                                if shown_countries else country_
                            ),
                            "start": start,
                            "end": end,
                            **filters,
                        },
                        "rows": len(df),
                        "columns": list(df.columns),
                        "data": _records(df, limit),
                        "plot": plotted,
                        "note": note,
                        "latest": latest,
                        "latest_age": age(latest) if latest else None,
                        "freshness": {"judged": fresh.judged, "stale": fresh.stale, "last": fresh.last,
                                      "next_due": fresh.next_due.isoformat() if fresh.next_due else None,
                                      "status": fresh.status()},
                        "source": ds.source,
                        "provenance": prov,
                    }
                )
            else:
                if len(shown_countries) > 1 and ds.date_column and ds.value_column:
                    # several countries side by side: one row per date, one column per country
                    from treasurylab.data import wide_table

                    w = wide_table(ds, df).tail(limit or 25).reset_index()
                    table(_display_rows(w), columns=[str(c) for c in w.columns],
                          title=f"{ds.id}: {ds.title} [{ds.unit}]")
                    typer.echo(
                        f"{len(df)} rows, {len(shown_countries)} countries (showing the last {len(w)} "
                        f"dates); source: {ds.publisher}"
                    )
                else:
                    n = _print_last_rows(df, limit, f"{ds.id}: {ds.title} [{ds.unit}]")
                    typer.echo(f"{len(df)} rows (showing the last {n}); source: {ds.publisher}")
                if freshness:
                    typer.echo(freshness)
                if fresh.stale:
                    typer.echo(fresh.status())
                if note:
                    typer.echo(f"note: {note}")
                if plotted:
                    typer.echo(f"chart written to {plotted}")

        guard(body, json_)

    @data_app.command("flows")
    def flows(
        country: str = typer.Option(
            "all", "--country", "-c",
            help="Holder, matched forgivingly: 'china', 'japan', 'official', 'private', 'all' (all foreign).",
        ),
        start: str = typer.Option(
            None, "--start", help="First month, YYYY-MM; holdings start from the end of the month before "
            "(default 2023-02, the first month with Table 3's valuation)."
        ),
        end: str = typer.Option(None, "--end", help="Last month, YYYY-MM (default: the latest with holdings)."),
        plot: Path = typer.Option(None, "--plot", help="Chart of the running totals: FILE.png or FILE.html."),
        limit: int = typer.Option(None, "--limit", help="Only the last N months in the table (default 24)."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Why a holder's Treasuries moved: change in TIC holdings = net purchases + valuation + other
        (revisions, reclassification), USD bn, month by month (Table 3 from 2023-02; S1 long-term net
        purchases back to 1977 where holdings exist)."""

        def body() -> None:
            import re

            from treasurylab.data import tic_flows
            from treasurylab.errors import BadInput
            from treasurylab.report import tic_flows as words

            for value, field in ((start, "--start"), (end, "--end")):
                if value is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value.strip()):
                    raise BadInput("not a month", field=field, got=value,
                                   fix="write YYYY-MM with a real month (e.g. 2023-02)")
            if limit is not None and limit < 1:
                raise BadInput("must be at least 1", field="--limit", got=limit, fix="give a positive month count")
            if plot is not None:
                output.check_out_file(plot, "--plot")
            holder, monthly = tic_flows.monthly_flows(country)
            last = monthly.loc[monthly["holdings"].notna(), "date"]
            if last.empty:
                raise BadInput(f"no holdings published for {holder}", field="--country", got=country,
                               fix="pick a holder listed in TIC Table 3 (e.g. china, japan, all)")
            d = tic_flows.decompose(holder, monthly, (start or tic_flows.TABLE3_FLOWS_FROM).strip(),
                                    (end or last.max()).strip(), tic_flows.history_breaks())
            sources = tic_flows.source_labels()
            src = {"Table 3": sources["table3"], "S1": sources["s1"], "MFH history": sources["history"]}
            plotted = None
            if plot is not None:
                plotted = str(write_plot(
                    words.cumulative(d), plot,
                    f"{holder}: change in Treasury holdings since the end of {d.jump_off}, and its parts",
                    "USD bn, running total", source="U.S. Treasury, TIC Table 3 and S1 (vintage of July 2026)"
                    + ("; Major Foreign Holders history" if d.jump_off < tic_flows.TABLE3_HOLDINGS_FROM else ""),
                    as_of=d.end, breaks=[b for b in tic_flows.history_breaks() if d.start <= b <= d.end],
                    x_title="month observed"))
            if json_:
                doc = words.as_dict(d, src)
                doc["plot"] = plotted
                print_json(doc)
                return
            shown = d.months.tail(limit or 24)
            rows = [{"month": r["date"], "holdings (USD bn)": words.level(r["holdings"]),
                     "change (USD bn)": words.signed(r["holdings_change"]),
                     "net purchases (USD bn)": words.signed(r["net_purchases"]),
                     "valuation (USD bn)": words.signed(r["valuation"]), "other (USD bn)": words.signed(r["other"]),
                     "flows from": r["flows_from"]} for r in shown.to_dict(orient="records")]
            table(rows, title=f"{holder}: change in Treasury holdings and its parts, USD bn (TIC, July 2026 vintage)")
            typer.echo(f"{len(d.months)} months ({d.start} to {d.end}; showing the last {len(shown)})")
            typer.echo(f"{holder}, end of {d.jump_off} to end of {d.end}: holdings {words.level(d.holdings_start)} "
                       f"USD bn -> {words.level(d.holdings_end)} USD bn")
            typer.echo(words.summary_line(d))
            for n in d.notes:
                typer.echo(f"note: {n}")
            for k, v in src.items():
                if (d.months["flows_from"].str.contains(k, regex=False).any()
                        or d.months["holdings_from"].eq(k).any()):
                    typer.echo(f"source: {k} = {v}")
            if plotted:
                typer.echo(f"chart written to {plotted}")

        guard(body, json_)

    @data_app.command("provenance")
    def provenance(
        dataset_id: str = typer.Argument(..., metavar="ID"),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Where a dataset comes from: publisher, source, file hashes, parser, breaks, caveats."""

        def body() -> None:
            from treasurylab.data import load

            with output.as_typed({"id": "ID"}):                 # the positional as its help shows it
                prov = load(dataset_id).attrs["provenance"]
            if json_:
                print_json(prov)
            else:
                for k, v in prov.items():
                    if isinstance(v, list):
                        typer.echo(f"{k}:")
                        for x in v:
                            typer.echo(f"  - {x}")
                    else:
                        typer.echo(f"{k}: {v}")

        guard(body, json_)

    @data_app.command("load")
    def load_(
        file: Path = typer.Argument(
            ..., metavar="FILE", help="A downloaded file (TIC, Treasury, FRED, NY Fed, IMF, WGC)."
        ),
        plot: Path = _PLOT_OPTION,
        limit: int = _LIMIT_OPTION,
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Parse a file you downloaded, recognising its format from its content."""

        def body() -> None:
            from treasurylab.data.store import load_file
            from treasurylab.errors import BadInput

            if Path(file).is_dir():
                raise BadInput("is a folder, not a file", field="FILE", got=str(file),
                               fix="give the path of one downloaded data file inside it")
            if plot is not None:
                output.check_out_file(plot, "--plot")
            _check_row_limit(limit)
            df = load_file(file)
            prov = df.attrs["provenance"]
            plotted = str(write_plot(df, plot, prov["format_title"], "value")) if plot else None
            if json_:
                print_json(
                    {
                        "file": prov["file"],
                        "format": prov["format"],
                        "rows": len(df),
                        "columns": list(df.columns),
                        "data": _records(df, limit),
                        "plot": plotted,
                        "provenance": prov,
                    }
                )
            else:
                n = _print_last_rows(df, limit, f"{prov['file']}: {prov['format_title']}")
                typer.echo(f"{len(df)} rows (showing the last {n})")
                if plotted:
                    typer.echo(f"chart written to {plotted}")

        guard(body, json_)

    @data_app.command("update")
    def update(
        names: list[str] = typer.Argument(
            None, metavar="[ID]...", help="Dataset ids to refresh (default: all with an online source)."
        ),
        ids: list[str] = typer.Option(
            None, "--id", help="Only these dataset ids (same as giving them as arguments)."
        ),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Refresh datasets from their publishers (online only; offline nothing changes)."""

        def body() -> int:
            from treasurylab.data import catalog

            # checked before the network is probed, each named as typed: the positional as its help
            # shows it (ID), the option as --id
            with output.as_typed({"id": "ID"}):
                for i in names or []:
                    catalog.get(i)
            with output.as_typed({"id": "--id"}):
                for i in ids or []:
                    catalog.get(i)
            wanted = list(dict.fromkeys([*(names or []), *(ids or [])]))
            result = run_update(wanted or None)
            code = 0 if result["changed"] else EXIT_NOTHING_REFRESHED
            if json_:
                print_json({**result, "exit_code": code})
            elif not result["online"]:
                typer.echo(
                    f"offline: no network ({result['reason']}); nothing was changed. "
                    "The bundled snapshot stays in use."
                )
            else:
                for r in result["datasets"]:
                    typer.echo(
                        f"{r['id']}: {r['status']}" + (f" ({r['detail']})" if r.get("detail") else "")
                    )
                if not result["changed"]:
                    typer.echo("nothing was refreshed; the data in use is unchanged.")
            return code

        code = guard(body, json_)
        if code:
            raise typer.Exit(code)


def run_update(ids: list[str] | None = None) -> dict[str, Any]:
    """Fetch each dataset's file from its publisher into the store's ``_updates`` folder.

    A fetched file is written to a temporary name, parsed with the dataset's own parser, and only then
    moved in place with its ``update.json`` record (written last): a failed or partial download never
    replaces anything. Offline (probe fails): returns ``online: False`` and touches nothing.
    """
    import json
    import os
    import tempfile
    from datetime import datetime

    from treasurylab.data import catalog, h41_weekly
    from treasurylab.data.provenance import sha256_file
    from treasurylab.data.store import atomic_write, updates_dir
    from treasurylab.errors import BadInput, TreasurylabError

    all_ = catalog.datasets()
    for i in ids or []:
        catalog.get(i)  # BadInput with a suggestion for an unknown id
    chosen = [all_[i] for i in (ids or all_)]
    online, reason = is_online()
    if not online:
        return {
            "online": False,
            "reason": reason,
            "changed": [],
            "datasets": [],
            "message": "offline: nothing was changed; the bundled snapshot stays in use",
        }
    out = []
    changed = []
    for ds in chosen:
        if ds.id == h41_weekly.DATASET_ID:
            try:
                r = h41_weekly.update_weeks(updates_dir(ds.id), ds.paths(), _fetch, datetime.now(UTC).date())
            except TreasurylabError as exc:
                out.append({"id": ds.id, "status": "failed", "detail": str(exc)})
                continue
            if r["added"]:
                changed.append(ds.id)
            detail = f"{len(r['added'])} week(s) added, {r['weeks']} weeks held"
            if r["failed"]:
                detail += f"; not fetched: {', '.join(f['url'] for f in r['failed'])}"
            out.append({"id": ds.id, "status": "updated" if r["added"] else "unchanged", "detail": detail})
            continue
        if not ds.update_url or len(ds.files) != 1:
            out.append({"id": ds.id, "status": "skipped", "detail": "no single-file online source"})
            continue
        folder = updates_dir(ds.id)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(ds.files[0]).name
        try:
            content = _fetch(ds.update_url)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            with os.fdopen(fd, "wb") as f:
                f.write(content)
            try:
                df = ds.parse([Path(tmp)])
                if len(df) == 0:
                    raise BadInput(
                        "the fetched file has no rows", field=ds.id, fix="try again later"
                    )
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except TreasurylabError as exc:
            out.append({"id": ds.id, "status": "failed", "detail": str(exc)})
            continue
        except Exception as exc:  # noqa: BLE001 - network or publisher error: keep what we had
            out.append({"id": ds.id, "status": "failed", "detail": f"{type(exc).__name__}: {exc}"})
            continue
        info = {
            "url": ds.update_url,
            "retrieved": datetime.now(UTC).strftime("%Y-%m-%d"),
            "sha256": sha256_file(target),
            "rows": len(df),
        }
        text = json.dumps(info, indent=1, sort_keys=True) + "\n"
        atomic_write(folder / "update.json", lambda p, text=text: Path(p).write_text(text))
        changed.append(ds.id)
        out.append(
            {"id": ds.id, "status": "updated", "detail": f"{len(df)} rows from {ds.update_url}"}
        )
    return {"online": True, "reason": "", "changed": changed, "datasets": out}
