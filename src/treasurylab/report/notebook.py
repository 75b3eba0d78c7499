"""The notebook API: ``treasurylab.run(...)`` and ``treasurylab.compare(a, b)``.

``run`` takes what the runner takes (a shipped name, a YAML path, a dict or a Scenario; ``paths``,
``seed``, ``workers``...) and returns a :class:`Run`; a likely unit slip in the scenario (kept as given,
``Scenario.warnings``) is issued first as a ``UserWarning``, one per warning, with the text
``treasurylab run`` prints:

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
:class:`Comparison` of two runs on the same draws of the world (same seed and paths: path i of both is
one draw, so b - a on it is B's effect there): ``summary()`` and ``_repr_html_`` give each run's median
and the p5 / p50 / p95 of that per-path difference, in shown units (``scenario.compare.paired_rows``, as
``treasurylab compare``; a difference of medians mixes the effect with the world's spread and is not
the median effect); ``fan`` overlays the two fans and ``difference_fan(var)`` draws the per-path
difference's p5-p95 and p25-p75 by month, with a zero line.
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
        from treasurylab.numtext import number as num

        rows = self.result.headline()
        head = "".join(f"<th>{h}</th>" for h in ("variable", "unit", "month", "p5", "median", "p95"))
        body = "".join(
            f"<tr><td>{html.escape(r['label'])}</td><td>{html.escape(r['unit'])}</td><td>{r['month']}</td>"
            f"<td>{num(r['p5'])}</td><td>{num(r['p50'])}</td><td>{num(r['p95'])}</td></tr>" for r in rows)
        notes = "".join(f"<p>{html.escape(n)}</p>" for n in self.result.headline_notes())
        out = self.result.outcomes()
        extra = "".join(f"<li>{html.escape(k)}: {v:.3g}</li>" for k, v in out.items())
        return (f"<div><b>{html.escape(self.name)}</b> - {self.result.paths:,} paths, seed "
                f"{self.result.meta.get('seed')}, {self.result.months[0]}..{self.result.months[-1]}"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}"
                + (f"<ul>{extra}</ul>" if extra else "") + "</div>")

    def __repr__(self) -> str:
        return f"<treasurylab Run {self.name}: {self.result.paths} paths, {len(self.result.months)} months>"


def _unit(var: str) -> str:
    from treasurylab.scenario.results import unit

    return unit(var)


class Comparison:
    """Two runs on the same draws of the world: ``summary()`` with both medians and the distribution of
    the per-path difference b - a (``scenario.compare.paired_rows``), ``fan(var)`` overlaid,
    ``difference_fan(var)`` the per-path difference by month."""

    def __init__(self, a: Run, b: Run):
        self.a, self.b = a, b

    def _names(self) -> tuple[str, str]:
        from treasurylab.scenario.compare import side_names

        return side_names(self.a.name, self.b.name, ("a", "b"))

    def summary(self):
        """Every monthly variable and month both runs have: ``unit`` (the medians', as in ``Run.summary()``
        and the CLI's ``compare --json``), each run's median (``NAME p50``), ``difference_unit`` (the
        differences', as in ``compare --json``: percentage points for a variable in percent) and the p5 /
        p50 / p95 of the per-path difference b - a (``difference p5`` ...), shown units. The paths are paired: path i of
        both runs is the same draw of the world (same seed and paths; BadInput otherwise), so
        ``difference p50`` is the median effect, not the difference of the medians. Over the kept paths
        (every path up to ``runner.KEEP_PATHS``)."""
        import pandas as pd

        from treasurylab.scenario.compare import paired_rows, paired_variables

        name_a, name_b = self._names()
        ra, rb = self.a.result, self.b.result
        rows = paired_rows(ra, rb, at="all", variables=paired_variables(ra, rb))
        return pd.DataFrame({"variable": [r["variable"] for r in rows], "month": [r["month"] for r in rows],
                             "unit": [r["unit"] for r in rows], f"{name_a} p50": [r["a_p50"] for r in rows],
                             f"{name_b} p50": [r["b_p50"] for r in rows],
                             # the differences' own unit: one 'unit' column gave 'percent' to differences
                             # in percentage points (paired_rows names it, one home for both outputs)
                             "difference_unit": [r["difference_unit"] for r in rows],
                             **{f"difference {q}": [r[f"diff_{q}"] for r in rows] for q in ("p5", "p50", "p95")}})

    def fan(self, var: str = "y10"):
        """Both fans on one chart (the second's traces follow the first's, in a colour of their own),
        each band and median named with its scenario; what both share (the observed history, the CBO
        baseline when both runs have the same vintage) is drawn once."""
        from treasurylab.report.figures import BAND_INNER, BAND_OUTER, PALETTE, rgba_colour

        fa = self.a.fan(var)
        fb = self.b.fan(var)
        name_a, name_b = self._names()
        shared = {"observed", "observed since the start"}
        if self.a.result.scenario.baseline == self.b.result.scenario.baseline:
            shared.add("CBO baseline")
        for t in fa.data:
            if t.name and t.name not in shared:
                t.name = f"{t.name} ({name_a})"
                t.legendgroup = f"{t.legendgroup} ({name_a})" if t.legendgroup else t.legendgroup
        colour = PALETTE[3]
        alpha = {BAND_OUTER: 0.15, BAND_INNER: 0.35}
        for t in fb.data:
            if t.name in shared:
                continue                                   # drawn once, with the first fan
            if t.fill:
                t.fillcolor = rgba_colour(colour, alpha.get(t.legendgroup, 0.25))
            if t.name == "median":
                t.line.color = colour
            if getattr(t, "line", None) is not None and t.line.color:
                t.line.dash = "dot"
            t.legendgroup = f"{t.legendgroup} ({name_b})" if t.legendgroup else t.legendgroup
            t.name = f"{t.name} ({name_b})" if t.name else t.name
            fa.add_trace(t)
        title = fa.layout.title.text
        fa.update_layout(title=f"{title[:len(title) - len(self.a.name)]}{name_a} vs {name_b}")
        return fa

    def difference_fan(self, var: str = "y10"):
        """Plotly fan of the per-path difference b - a of ``var`` (p5-p95, p25-p75, median) by month,
        over the months both runs have, with a zero line; the axis in the difference's unit
        (percentage points for a variable in percent). Paired: the same seed and paths (BadInput
        otherwise); over the kept paths."""
        from treasurylab.report.figures import MODEL_SOURCE, difference_fan
        from treasurylab.scenario.compare import paired_months, paired_paths
        from treasurylab.scenario.results import VARIABLES, difference_unit

        ra, rb = self.a.result, self.b.result
        _check_var(ra, var)
        _check_var(rb, var)
        months = paired_months(ra, rb)
        a, b = paired_paths(ra, rb, var)
        name_a, name_b = self._names()
        unit = difference_unit(var)
        src = (f"{MODEL_SOURCE}; paired: each path of {name_b} minus the same path (the same draw of the world) "
               f"of {name_a}; {len(a):,} paths, seed {ra.scenario.seed}")
        return difference_fan(months, b - a, f"{VARIABLES.get(var, (var,))[0]}: {name_b} - {name_a}, path by path",
                              unit, axis_title=f"{name_b} - {name_a} ({unit})" if unit else None, source=src)

    def __repr__(self) -> str:
        name_a, name_b = self._names()
        ra, rb = self.a.result, self.b.result
        months = min(len(ra.months), len(rb.months))
        return (f"<treasurylab Comparison {name_b} - {name_a}, paired per path: {ra.paths:,} paths, "
                f"seed {ra.scenario.seed}, {months} months>")

    def _repr_html_(self) -> str:
        from treasurylab.numtext import number as num
        from treasurylab.scenario.compare import paired_rows

        name_a, name_b = self._names()
        ra, rb = self.a.result, self.b.result
        try:
            rows = paired_rows(ra, rb)
        except BadInput as exc:
            return f"<div><b>{html.escape(name_a)} vs {html.escape(name_b)}</b>: {html.escape(str(exc))}</div>"
        body = "".join(
            f"<tr><td>{html.escape(r['label'])}</td><td>{html.escape(r['unit'])}</td><td>{r['month']}</td>"
            f"<td>{num(r['a_p50'])}</td><td>{num(r['b_p50'])}</td><td>{html.escape(r['difference_unit'])}</td>"
            f"<td>{num(r['diff_p5'], sign=True)}</td>"
            f"<td>{num(r['diff_p50'], sign=True)}</td><td>{num(r['diff_p95'], sign=True)}</td></tr>" for r in rows)
        head = "".join(f"<th>{html.escape(h)}</th>" for h in (
            "variable", "unit", "month", f"median {name_a}", f"median {name_b}", "difference unit", "difference p5",
            "difference p50", "difference p95"))
        return (f"<div><b>{html.escape(name_b)} - {html.escape(name_a)}</b>, paired per path (the same draws of "
                f"the world): {len(ra.arrays['path']):,} paths, seed {ra.scenario.seed}"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def run(spec_or_path: Any, **kw: Any) -> Run:
    """Run a scenario (see ``treasurylab.scenario.runner.run`` for the arguments) for a notebook.

    Each of the scenario's warnings (a likely unit slip kept as given, ``Scenario.warnings``) is
    issued first as a Python ``UserWarning`` with the text ``treasurylab run`` prints."""
    return _run_warned(spec_or_path, kw, stacklevel=3)


def _run_warned(spec_or_path: Any, kw: dict, stacklevel: int) -> Run:
    """``run``, its warnings issued ``stacklevel`` frames up (the user's call, through ``compare`` too)."""
    import warnings

    from treasurylab.scenario.runner import run as _run
    from treasurylab.scenario.spec import load_scenario, located

    sc = load_scenario(spec_or_path)
    for line in sc.warnings:
        warnings.warn(line, UserWarning, stacklevel=stacklevel)
    try:
        return Run(_run(sc, **kw))
    except BadInput as exc:       # a check made at set-up names the file and line, as the CLI's run does
        raise located(exc, spec_or_path) from None


def compare(a: Any, b: Any, **kw: Any) -> Comparison:
    """Compare two runs: Run objects, or scenarios to run with the same ``kw`` (workers...). Both run
    on the same draws of the world: ``paths`` and ``seed`` from ``kw``, else those of a Run given, else
    the larger of the two scenarios' paths and A's seed (as ``treasurylab compare`` does)."""
    from treasurylab.scenario.compare import common_draws
    from treasurylab.scenario.spec import load_scenario

    if isinstance(a, Run) and isinstance(b, Run):
        return Comparison(a, b)
    done = next((x.result.scenario for x in (a, b) if isinstance(x, Run)), None)
    sa = done or load_scenario(a)
    sb = done or load_scenario(b)
    n, s = common_draws(sa, sb, kw.pop("paths", None), kw.pop("seed", None))
    ra = a if isinstance(a, Run) else _run_warned(a, dict(kw, paths=n, seed=s), stacklevel=3)
    rb = b if isinstance(b, Run) else _run_warned(b, dict(kw, paths=n, seed=s), stacklevel=3)
    return Comparison(ra, rb)
