"""The notebook API: ``treasurylab.run(...)`` and ``treasurylab.compare(a, b)``.

``run`` takes what the runner takes (a shipped name, a YAML path, a dict or a Scenario; ``paths``,
``seed``, ``workers``...) and returns a :class:`Run`:

- ``summary()``: p5/p50/p95/mean by variable and month, in the units shown on screen, with a ``unit``
  column (a pandas DataFrame);
- ``fan(var)``: a plotly figure, the observed monthly history before the fan where a bundled series
  measures the variable;
- ``paths(var)``: a DataFrame of the kept paths, months (datetime) down, paths across, shown units:
  a run keeps a sample of its paths (every path up to ``runner.KEEP_PATHS``, 10,000, the first
  ``keep_paths`` beyond; ``run(..., keep_paths=N)`` keeps more), while summaries cover all paths;
  ``save(dir, save_paths=N)`` writes the first N of them to ``paths.nc``;
- ``_repr_html_``: the headline table, so a notebook cell shows something readable.

Every other attribute (``ds``, ``outcomes()``, ``save(dir)``, ``headline()``, ``months``...) is the
runner's :class:`~treasurylab.scenario.results.Result`'s. ``compare(a, b)`` returns a
:class:`Comparison` with the same four (differences b - a in shown units; ``fan`` overlays the two).
"""

from __future__ import annotations

import html
from typing import Any

from treasurylab.errors import BadInput


def _check_var(result, var: str) -> None:
    from treasurylab.scenario.results import VARIABLES

    monthly = [v for v in result.ds.data_vars if result.ds[v].dims == ("path", "month")]
    if var not in monthly:
        from treasurylab.errors import did_you_mean

        raise BadInput("not a monthly output of this run", field="var", got=var,
                       fix=did_you_mean(var, monthly) + " (" + ", ".join(v for v in VARIABLES if v in monthly) + ")")


class Run:
    """A run for notebooks: the runner's Result plus tables and figures in shown units."""

    def __init__(self, result):
        self.result = result

    def __getattr__(self, name: str) -> Any:          # ds, outcomes(), save(), headline(), months, ...
        return getattr(self.__dict__["result"], name)

    @property
    def name(self) -> str:
        return self.result.scenario.name

    def summary(self):
        """p5/p50/p95/mean by variable and month in shown units, with a ``unit`` column."""
        return self.result.summary_table()

    def paths(self, var: str):
        """The kept paths of ``var`` (the run's sample: all of them up to ``runner.KEEP_PATHS``, the
        first ones beyond; the summary covers every path): index month (datetime, first day), one
        column per path, shown units."""
        import pandas as pd

        from treasurylab.scenario.results import month_coordinate, scale

        _check_var(self.result, var)
        a = self.result.ds[var].values.T * scale(var)
        df = pd.DataFrame(a, index=pd.DatetimeIndex(month_coordinate(self.result.months), name="month"))
        df.columns.name = "path"
        df.attrs = {"variable": var, "unit": _unit(var)}
        return df

    def fan(self, var: str = "y10", history_months: int = 60):
        """Plotly fan of ``var`` (p5-p95, p25-p75, median, baseline), with observed history before it."""
        from treasurylab.report.figures import fan_chart
        from treasurylab.report.history import observed
        from treasurylab.scenario.results import VARIABLES

        _check_var(self.result, var)
        lab, unit, k = VARIABLES.get(var, (var, "", 1.0))
        ds = self.result.ds
        base = ds[f"base_{var}"].values if f"base_{var}" in ds else None
        hist = observed(var, self.result.months[0], history_months)
        return fan_chart(self.result.months, ds[var].values, f"{lab}: {self.name}", unit, k, base, history=hist)

    def _repr_html_(self) -> str:
        rows = self.result.headline()
        head = "".join(f"<th>{h}</th>" for h in ("variable", "unit", "month", "p5", "median", "p95"))
        body = "".join(
            f"<tr><td>{html.escape(r['label'])}</td><td>{html.escape(r['unit'])}</td><td>{r['month']}</td>"
            f"<td>{r['p5']:,.2f}</td><td>{r['p50']:,.2f}</td><td>{r['p95']:,.2f}</td></tr>" for r in rows)
        out = self.result.outcomes()
        extra = "".join(f"<li>{html.escape(k)}: {v:.3g}</li>" for k, v in out.items())
        return (f"<div><b>{html.escape(self.name)}</b> - {self.result.paths:,} paths, seed "
                f"{self.result.meta.get('seed')}, {self.result.months[0]}..{self.result.months[-1]}"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                + (f"<ul>{extra}</ul>" if extra else "") + "</div>")

    def __repr__(self) -> str:
        return f"<treasurylab Run {self.name}: {self.result.paths} paths, {len(self.result.months)} months>"


def _unit(var: str) -> str:
    from treasurylab.scenario.results import unit

    return unit(var)


class Comparison:
    """Two runs side by side: ``summary()`` with both medians and b - a, ``fan(var)`` overlaid."""

    def __init__(self, a: Run, b: Run):
        self.a, self.b = a, b

    def summary(self):
        s_a, s_b = self.a.summary(), self.b.summary()
        from treasurylab.scenario.compare import side_names

        name_a, name_b = side_names(self.a.name, self.b.name, ("a", "b"))
        keys = ["variable", "month", "unit"]
        m = s_a[keys + ["p50"]].merge(s_b[keys + ["p50"]], on=keys, suffixes=(f" {name_a}", f" {name_b}"))
        m["p50 difference (b - a)"] = m[f"p50 {name_b}"] - m[f"p50 {name_a}"]
        return m

    def fan(self, var: str = "y10"):
        """Both fans on one chart (the second's traces follow the first's), history once."""
        fa = self.a.fan(var)
        fb = self.b.fan(var)
        for t in fb.data:
            if t.name == "observed":
                continue                                   # the history is drawn once
            t.name = f"{t.name} ({self.b.name})" if t.name else t.name
            if getattr(t, "line", None) is not None and t.line.color:
                t.line.dash = "dot"
            fa.add_trace(t)
        fa.update_layout(title=f"{fa.layout.title.text} vs {self.b.name}")
        return fa

    def _repr_html_(self) -> str:
        rows_a = {(r["variable"], r["month"]): r for r in self.a.headline()}
        body = ""
        for r in self.b.headline():
            ra = rows_a.get((r["variable"], r["month"]))
            if ra is None:
                continue
            body += (f"<tr><td>{html.escape(r['label'])}</td><td>{r['month']}</td><td>{ra['p50']:,.2f}</td>"
                     f"<td>{r['p50']:,.2f}</td><td>{r['p50'] - ra['p50']:+,.2f}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ("variable", "month", f"median {self.a.name}",
                                                  f"median {self.b.name}", "difference"))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def run(spec_or_path: Any, **kw: Any) -> Run:
    """Run a scenario (see ``treasurylab.scenario.runner.run`` for the arguments) for a notebook."""
    from treasurylab.scenario.runner import run as _run

    return Run(_run(spec_or_path, **kw))


def compare(a: Any, b: Any, **kw: Any) -> Comparison:
    """Compare two runs: Run objects, or scenarios to run with the same ``kw`` (paths, seed...)."""
    ra = a if isinstance(a, Run) else run(a, **kw)
    rb = b if isinstance(b, Run) else run(b, **kw)
    return Comparison(ra, rb)
