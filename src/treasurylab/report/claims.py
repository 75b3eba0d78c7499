"""The commentary's quantitative claims, checked against the bundled data (``treasurylab claims``).

The claims are data: ``report/claims.yaml`` lists each one (text, number, unit, how to check it and
the rule for "consistent"). :func:`check_claims` runs every entry through a check function from
:data:`CHECKS` (pure functions over :func:`treasurylab.data.series`) and returns one row per claim::

    id, row, claim, claimed, unit, data_value, data_unit, dataset, as_of, verdict, rule, note

Verdicts: ``consistent`` / ``inconsistent`` when the claim has a rule and the data give a value;
``not checkable with bundled data`` otherwise (a statement, a mechanism, or a number no bundled
dataset measures; any value found is shown as context).

Rules (see the YAML header): ``tolerance`` ``|v - n| <= rel*|n|`` or ``<= abs``; ``range``
``lo <= v <= hi``; optionally the data's date must lie within ``year_window`` years of ``year``.

Equations used by the checks:

- change in % = ``100 * (end / start - 1)``;
- a sale's share of a stock in % = ``100 * amount / stock`` (both USD bn);
- fiscal-year GDP from calendar years: FY y runs Oct y-1 .. Sep y, so
  ``GDP_FY(y) = 0.25 * GDP_CY(y-1) + 0.75 * GDP_CY(y)``; a share of GDP = ``100 * value / GDP_FY``;
- China's share of a rare-earth stage = ``100 * China's capacity / world capacity`` (one unit per stage);
- a gold-buying streak = consecutive months, ending at the given month, whose holdings exceed the
  month before.

:func:`data_summary` is the demo's table of headline numbers (China's peak and latest holdings, major
holders, foreign official share, the 10-year yield, the Fed, COFER, official gold); it shares the TIC
helpers with the claim checks so the two never disagree.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from treasurylab.errors import BadInput, did_you_mean
from treasurylab.units import OZ_PER_TONNE

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
NOT_CHECKABLE = "not checkable with bundled data"
VERDICTS = (CONSISTENT, INCONSISTENT, NOT_CHECKABLE)

CLAIMS_FILE = Path(str(resources.files("treasurylab.report") / "claims.yaml"))

GOLD_HOLDERS = ["CHN", "RUS", "IND", "POL", "TUR"]

_CLAIM_KEYS = {"id", "row", "claim", "number", "unit", "check", "rule", "why", "reference"}
_RULE_KEYS = {"tolerance", "range", "year", "year_window"}


@dataclass
class Evidence:
    """What a check found: the value in the data (None: nothing measurable), where and when."""

    value: float | None
    unit: str = ""
    dataset: str = ""
    as_of: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class _Data:
    """Datasets loaded once per :func:`check_claims` call (each check reads from here)."""

    def __init__(self) -> None:
        self._cache: dict[tuple, Any] = {}

    def series(self, dataset_id: str, **filters: Any):
        from treasurylab.data import series

        key = (dataset_id, tuple(sorted(filters.items())))
        if key not in self._cache:
            self._cache[key] = series(dataset_id, **filters)
        return self._cache[key]

    def tic(self):
        return self.series("tic.holdings", series="current")


# ---------------------------------------------------------------- shared TIC helpers


def tic_holder(tic, name: str):
    """One holder's TIC series (date -> USD bn), sorted, months without a value dropped."""
    return (
        tic[tic["country"] == name].dropna(subset=["value"]).set_index("date")["value"].sort_index()
    )


def tic_row_type(tic, row_type: str):
    """An aggregate TIC line (``grand_total``, ``foreign_official``) as date -> USD bn."""
    return tic[tic["row_type"] == row_type].set_index("date")["value"].sort_index()


def _match_country(tic, country: str) -> str:
    from treasurylab.data.names import match_name

    return match_name(country, tic["country"].dropna().unique().tolist(), what="country")


def _pct(a: float, b: float) -> float:
    return 100.0 * (a / b - 1.0)


def _at(s, date: str, what: str):
    """Value of a date-indexed series at ``date`` (exact, or the last date starting with it)."""
    hit = s[s.index.astype(str).str.startswith(str(date))]
    if hit.empty:
        raise BadInput(
            f"no {what} value for this date in the bundled data",
            field="check.date",
            got=str(date),
            fix=f"use a date between {s.index.min()} and {s.index.max()}",
        )
    return hit.index[-1], float(hit.iloc[-1])


# ---------------------------------------------------------------- checks


def check_none(d: _Data, claim: dict) -> Evidence:
    """Nothing in the bundled data measures this claim."""
    return Evidence(None, note=claim.get("why", ""))


def check_tic_value(d: _Data, claim: dict, *, country: str, date: str) -> Evidence:
    tic = d.tic()
    name = _match_country(tic, country)
    when, v = _at(tic_holder(tic, name), date, f"TIC {name}")
    return Evidence(v, "USD bn", "tic.holdings", when,
                    f"{name}, TIC major foreign holders (current series, as revised)")


def check_tic_peak(d: _Data, claim: dict, *, country: str) -> Evidence:
    tic = d.tic()
    name = _match_country(tic, country)
    s = tic_holder(tic, name)
    return Evidence(float(s.max()), "USD bn", "tic.holdings", str(s.idxmax()),
                    f"{name} peak in {s.idxmax()} (TIC, {s.index.min()}..{s.index.max()})")


def check_tic_change(d: _Data, claim: dict, *, country: str, start: str, end: str) -> Evidence:
    """Change in % between ``start`` ('peak', a month, or '-N' months before ``end``) and ``end``."""
    tic = d.tic()
    name = _match_country(tic, country)
    s = tic_holder(tic, name)
    if str(end) == "latest":
        end_date, end_v = str(s.index[-1]), float(s.iloc[-1])
    else:
        end_date, end_v = _at(s, end, f"TIC {name}")
    start = str(start)
    if start == "peak":
        start_date, start_v = str(s.idxmax()), float(s.max())
    elif start.startswith("-") and start[1:].isdigit():
        pos = list(s.index).index(end_date) - int(start[1:])
        if pos < 0:
            raise BadInput("not enough history before the end month", field="check.start",
                           got=start, fix="give fewer months")
        start_date, start_v = str(s.index[pos]), float(s.iloc[pos])
    else:
        start_date, start_v = _at(s, start, f"TIC {name}")
    return Evidence(
        _pct(end_v, start_v), "%", "tic.holdings", f"{start_date}..{end_date}",
        f"{name}: {start_v:,.1f} ({start_date}) -> {end_v:,.1f} ({end_date}) USD bn, "
        f"{end_v - start_v:+,.1f} USD bn",
    )


def check_tic_total(d: _Data, claim: dict, *, date: str) -> Evidence:
    total = tic_row_type(d.tic(), "grand_total")
    when, v = _at(total, date, "TIC grand total")
    before = total[total.index <= when]
    record = "a record" if v >= before.max() else f"below the earlier record {before.max():,.1f} ({before.idxmax()})"
    return Evidence(v, "USD bn", "tic.holdings", when,
                    f"TIC grand total of foreign holdings; {record} in TIC's series since {total.index.min()}")


def _marketable(d: _Data, date: str):
    m = d.series("mspd.summary", security_type="Total Marketable")
    s = m.set_index("date")["total"].sort_index()
    return _at(s, date, "MSPD total marketable")


def check_sale_vs_marketable(d: _Data, claim: dict, *, amount: float, date: str) -> Evidence:
    when, total = _marketable(d, date)
    return Evidence(
        100.0 * amount / total, "% of marketable debt", "mspd.summary", when,
        f"${amount * 1000:,.0f}M of ${total:,.1f}bn marketable Treasury debt outstanding "
        f"(1 in {total / amount:,.0f})",
    )


def check_sale_vs_reference(d: _Data, claim: dict, *, amount: float) -> Evidence:
    ref = claim.get("reference")
    if not isinstance(ref, dict) or not isinstance(ref.get("value"), (int, float)) or not ref.get("source"):
        raise BadInput("this check needs a reference with a number and its source",
                       field="reference", fix="add reference: {value: ..., unit: ..., name: ..., source: ..., date: ...}")
    v = float(ref["value"])
    # the unit names what the share is of (the reference's own name, e.g. one day's trading)
    return Evidence(
        100.0 * amount / v, f"% of {ref.get('name') or 'the reference'}", "reference in claims.yaml",
        str(ref.get("date", "")),
        f"${amount * 1000:,.0f}M against {v:,.0f} {ref.get('unit', '')} "
        f"({str(ref['source']).split(':')[0]}); not a bundled dataset",
    )


def check_sale_vs_holder(d: _Data, claim: dict, *, amount: float, country: str) -> Evidence:
    tic = d.tic()
    name = _match_country(tic, country)
    s = tic_holder(tic, name)
    when, hold = str(s.index[-1]), float(s.iloc[-1])
    stale = ""
    if when < str(tic["date"].max()):
        stale = f"; {when} is the last month the bundled TIC table lists {name}, so the share is dated"
    return Evidence(
        100.0 * amount / hold, f"% of {name}'s holdings", "tic.holdings", when,
        f"{name} held {hold:,.1f} USD bn in {when} (TIC; custodial location, so it includes others' "
        f"holdings kept in {name}); peak {s.max():,.1f} USD bn in {s.idxmax()}{stale}",
    )


def fiscal_year_gdp(d: _Data, fiscal_year: int, vintage: str = "2026-02") -> float:
    """FY GDP from CBO's calendar-year projection: 0.25 * CY(y-1) + 0.75 * CY(y)."""
    econ = d.series(f"cbo.econ.{vintage}", variable="gdp").set_index("date")["value"]
    econ.index = econ.index.astype(str)
    y = int(fiscal_year)
    if str(y) not in econ.index or str(y - 1) not in econ.index:
        raise BadInput("no CBO GDP projection for this fiscal year", field="check.fiscal_year",
                       got=y, fix=f"use a year up to {econ.index.max()}")
    return 0.25 * float(econ[str(y - 1)]) + 0.75 * float(econ[str(y)])


def check_cbo_baseline(d: _Data, claim: dict, *, component: str, fiscal_year: int,
                       category: str = "Total", subcategory: str | None = None,
                       share_of_gdp: bool = False, vintage: str = "2026-02") -> Evidence:
    b = d.series("cbo.eval.baselines", baseline_date=vintage)
    sub = subcategory or category
    rows = b[(b["component"] == component) & (b["category"] == category)
             & (b["subcategory"] == sub) & (b["fiscal_year"] == int(fiscal_year))]
    if rows.empty:
        raise BadInput("no such line in CBO's baseline", field="check",
                       got=f"{component}/{category}/{sub} FY{fiscal_year}",
                       fix="component is debt, deficit, outlay or revenue; category as in cbo.eval.baselines")
    v = float(rows["value"].iloc[0])
    label = {"debt": "debt held by the public"}.get(component, category.lower())
    if not share_of_gdp:
        return Evidence(v, "USD bn", "cbo.eval.baselines", f"FY{fiscal_year}",
                        f"CBO {vintage} baseline, {label}, FY{fiscal_year}")
    gdp = fiscal_year_gdp(d, fiscal_year, vintage)
    return Evidence(
        100.0 * v / gdp, "% of GDP", f"cbo.eval.baselines + cbo.econ.{vintage}", f"FY{fiscal_year}",
        f"CBO {vintage} baseline {label} {v:,.0f} USD bn / fiscal-year GDP {gdp:,.0f} USD bn "
        "(0.25*CY(y-1) + 0.75*CY(y))",
    )


def _pboc(d: _Data):
    g = d.series("curated.pboc_gold_monthly", metric="gold_moz").sort_values("date")
    return g.set_index("date")


def check_pboc_gold(d: _Data, claim: dict, *, date: str) -> Evidence:
    g = _pboc(d)
    when, v = _at(g["value"], date, "PBoC gold")
    ev = g.loc[when, "evidence"]
    return Evidence(v, "million troy oz", "curated.pboc_gold_monthly", when,
                    f"PBoC official gold, end of month ({'sourced' if ev == 'source' else 'interpolated'} "
                    f"row); {v * 1e6 / OZ_PER_TONNE:,.0f} t")


def check_pboc_gold_streak(d: _Data, claim: dict, *, date: str) -> Evidence:
    g = _pboc(d)
    when, _ = _at(g["value"], date, "PBoC gold")
    vals = g.loc[:when, "value"].to_numpy()
    dates = list(g.loc[:when].index)
    n = 0
    while n + 1 < len(vals) and vals[-1 - n] > vals[-2 - n]:
        n += 1
    months = dates[len(dates) - n:]
    interp = int((g.loc[months, "evidence"] != "source").sum()) if n else 0
    return Evidence(
        float(n), "months", "curated.pboc_gold_monthly", when,
        f"consecutive monthly rises {months[0] if n else '-'}..{when}; {interp} of those months are "
        "interpolated rows (assumption), the rest published",
    )


def check_cofer_usd_share(d: _Data, claim: dict) -> Evidence:
    c = d.series("imf.cofer", region="G001", indicator="share_pct", currency="USD").sort_values("date")
    last = c.iloc[-1]
    note = f"US dollar share of the world's allocated FX reserves, {last['date']}"
    if len(c) > 1:
        prev = c.iloc[-2]
        note += f" ({float(last['value']) - float(prev['value']):+.2f} pp since {prev['date']})"
    return Evidence(float(last["value"]), "%", "imf.cofer", str(last["date"]), note)


def check_re_china_share(d: _Data, claim: dict, *, stage: str) -> Evidence:
    cap = d.series("curated.rare_earths_capacity", stage=stage)
    world = float(cap["value"].sum())
    china = cap[cap["region"] == "China"]
    share = 100.0 * float(china["value"].sum()) / world
    assumed = (china["evidence"] != "source").any()
    note = f"China {float(china['value'].sum()):,.0f} of world {world:,.0f} {cap['unit'].iloc[0]}"
    if assumed:
        note += ("; China's row is an assumption sized to this reference share, so this confirms the "
                 "table's calibration, not the claim independently")
    return Evidence(share, "%", "curated.rare_earths_capacity", ",".join(sorted(set(cap["date"]))), note)


def check_re_project(d: _Data, claim: dict, *, project: str, stage: str) -> Evidence:
    p = d.series("curated.rare_earths_projects")
    names = p["project"].tolist()
    if project not in names:
        raise BadInput("unknown project", field="check.project", got=project,
                       fix=did_you_mean(project, names))
    r = p[p["project"] == project].iloc[0]
    cap = d.series("curated.rare_earths_capacity", stage=stage)
    world = float(cap["value"].sum())
    # a project's start is a plan, often a future month: said so where a date of data would stand
    return Evidence(
        float(r["value"]), str(r["unit"]), "curated.rare_earths_projects", f"planned start {r['start']}",
        f"starts {r['start']}, ramps over {int(r['ramp_months'])} months, "
        f"{100 * float(r['value']) / world:.2f}% of world {stage} capacity ({world:,.0f} {cap['unit'].iloc[0]})",
    )


CHECKS: dict[str, Callable[..., Evidence]] = {
    "none": check_none,
    "tic_value": check_tic_value,
    "tic_peak": check_tic_peak,
    "tic_change": check_tic_change,
    "tic_total": check_tic_total,
    "sale_vs_marketable": check_sale_vs_marketable,
    "sale_vs_reference": check_sale_vs_reference,
    "sale_vs_holder": check_sale_vs_holder,
    "cbo_baseline": check_cbo_baseline,
    "pboc_gold": check_pboc_gold,
    "pboc_gold_streak": check_pboc_gold_streak,
    "cofer_usd_share": check_cofer_usd_share,
    "re_china_share": check_re_china_share,
    "re_project": check_re_project,
}


# ---------------------------------------------------------------- loading and validation


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def load_claims(path: Path | str | None = None) -> list[dict]:
    """The claim list from ``path`` (default: the bundled ``claims.yaml``), validated.

    Every problem is one BadInput naming the file, line and field.
    """
    from treasurylab.yamlio import load_yaml

    path = Path(path) if path is not None else CLAIMS_FILE
    if not path.is_file():
        raise BadInput("no such file", field="claims file", got=str(path), fix="give the path of a claims YAML file")
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise BadInput("expected a mapping with a list under 'claims'", where=doc.where(), field="claims",
                       fix="start the file with 'claims:' followed by '- id: ...' entries")
    seen: set[str] = set()
    out = []
    for i, c in enumerate(data["claims"]):
        loc = ("claims", i)

        def bad(problem: str, fld: str, got: Any = None, fix: str | None = None, sub: tuple = (),
                loc: tuple = loc, i: int = i) -> BadInput:
            return BadInput(problem, where=doc.where(loc + sub), field=f"claims[{i}].{fld}", got=got, fix=fix)

        if not isinstance(c, dict):
            raise bad("each claim must be a mapping", "", fix="write '- id: ...' with the keys below it")
        for k in c:
            if k not in _CLAIM_KEYS:
                raise bad("unknown key", k, fix=did_you_mean(k, sorted(_CLAIM_KEYS)), sub=(k,))
        for k in ("id", "claim"):
            if not isinstance(c.get(k), str) or not c[k].strip():
                raise bad("required text is missing", k, got=c.get(k), fix=f"give the claim a {k}")
        if c["id"] in seen:
            raise bad("duplicate id", "id", got=c["id"], fix="give each claim its own id", sub=("id",))
        seen.add(c["id"])
        if not isinstance(c.get("row"), int) or isinstance(c.get("row"), bool) or c["row"] < 1:
            raise bad("must be the article's row number (an integer >= 1)", "row", got=c.get("row"), sub=("row",))
        if c.get("number") is not None and not _num(c["number"]):
            raise bad("must be a number or null", "number", got=c.get("number"), sub=("number",))
        chk = c.get("check")
        if not isinstance(chk, dict) or "kind" not in chk:
            raise bad("a check with a 'kind' is required", "check", fix="e.g. check: {kind: none}")
        kind = chk["kind"]
        if kind not in CHECKS:
            raise bad("unknown check kind", "check.kind", got=kind,
                      fix=did_you_mean(str(kind), sorted(CHECKS)), sub=("check",))
        params = inspect.signature(CHECKS[kind]).parameters
        allowed = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        required = {n for n in allowed if params[n].default is inspect.Parameter.empty}
        args = {k: v for k, v in chk.items() if k != "kind"}
        for k in args:
            if k not in allowed:
                raise bad(f"check '{kind}' has no argument of this name", f"check.{k}",
                          fix=did_you_mean(k, sorted(allowed)) if allowed else "this check takes no arguments",
                          sub=("check",))
        missing = sorted(required - set(args))
        if missing:
            raise bad(f"check '{kind}' needs {', '.join(missing)}", "check", fix=f"add {missing[0]}: ...",
                      sub=("check",))
        rule = c.get("rule")
        if rule is not None:
            if not isinstance(rule, dict) or not (set(rule) <= _RULE_KEYS):
                raise bad("unknown rule", "rule", got=rule, fix="use tolerance: {rel|abs: x} or range: [lo, hi]",
                          sub=("rule",))
            if ("tolerance" in rule) == ("range" in rule):
                raise bad("a rule needs exactly one of tolerance or range", "rule", sub=("rule",))
            tol = rule.get("tolerance")
            if tol is not None:
                if not (isinstance(tol, dict) and len(tol) == 1 and set(tol) <= {"rel", "abs"}
                        and _num(next(iter(tol.values()))) and next(iter(tol.values())) >= 0):
                    raise bad("tolerance must be {rel: x} or {abs: x} with x >= 0", "rule.tolerance",
                              got=tol, sub=("rule",))
                if not _num(c.get("number")):
                    raise bad("a tolerance rule needs the claimed number", "number", fix="give number: ...")
            rng = rule.get("range")
            if rng is not None and not (isinstance(rng, list) and len(rng) == 2
                                        and all(x is None or _num(x) for x in rng)):
                raise bad("range must be [lo, hi] (null for an open end)", "rule.range", got=rng, sub=("rule",))
            if ("year" in rule) != ("year_window" in rule):
                raise bad("year and year_window go together", "rule", sub=("rule",))
        out.append(c)
    return out


# ---------------------------------------------------------------- verdicts


def _sig(v: float | None) -> float | None:
    return None if v is None else float(f"{v:.6g}")


def _verdict(c: dict, ev: Evidence) -> tuple[str, str]:
    """(verdict, the rule in words)."""
    rule = c.get("rule")
    if ev.value is None or not rule:
        return NOT_CHECKABLE, ""
    v = ev.value
    # the rule's numbers are in the data's unit (the value they are compared with), which is not always
    # the claim's: the Danish sale is claimed in USD bn and judged as a % of marketable debt
    u = f" {ev.unit}" if ev.unit else ""
    if "tolerance" in rule:
        (how, x), = rule["tolerance"].items()
        n = float(c["number"])
        lim = x * abs(n) if how == "rel" else x
        ok = abs(v - n) <= lim + 1e-12
        words = f"within {100 * x:g}% of {n:g}{u}" if how == "rel" else f"within {x:g} of {n:g}{u}"
    else:
        lo, hi = rule["range"]
        ok = (lo is None or v >= lo) and (hi is None or v <= hi)
        words = "between {} and {}{}".format("-inf" if lo is None else f"{lo:g}",
                                             "inf" if hi is None else f"{hi:g}", u)
    if "year" in rule:
        y, w = int(rule["year"]), int(rule["year_window"])
        try:
            data_year = int(str(ev.as_of)[:4])
        except ValueError:
            data_year = None
        ok = ok and data_year is not None and abs(data_year - y) <= w
        words += f", dated {y - w}-{y + w}" if w else f", dated {y}"
    return (CONSISTENT if ok else INCONSISTENT), words


def check_claims(claims: list[dict] | None = None, path: Path | str | None = None) -> list[dict]:
    """One row per claim: claim text, number claimed, number in the data, dataset, date, verdict, note."""
    claims = load_claims(path) if claims is None else claims
    d = _Data()
    rows = []
    for c in claims:
        chk = dict(c["check"])
        kind = chk.pop("kind")
        try:
            ev = CHECKS[kind](d, c, **chk)
        except BadInput as exc:
            if not exc.where:
                exc = BadInput(exc.problem, field=f"{c['id']}: {exc.field}" if exc.field else c["id"],
                               got=exc.got, fix=exc.fix, where=str(path or CLAIMS_FILE.name))
            raise exc from None
        verdict, words = _verdict(c, ev)
        note = ev.note
        if verdict == NOT_CHECKABLE and c.get("why") and kind != "none":
            note = f"{note}; {c['why']}" if note else c["why"]
        rows.append({
            "id": c["id"],
            "row": c["row"],
            "claim": " ".join(str(c["claim"]).split()),
            "claimed": c.get("number"),
            # the unit of the number claimed, named as the table's column is (it was 'unit' here, beside
            # 'data_unit': one name for one thing); a claim file still writes it as 'unit'
            "claimed_unit": c.get("unit", ""),
            "data_value": _sig(ev.value),
            "data_unit": ev.unit,
            "dataset": ev.dataset,
            "as_of": ev.as_of,
            "verdict": verdict,
            "rule": words,
            "note": " ".join(note.split()),
        })
    return rows


def verdict_counts(rows: list[dict]) -> dict[str, int]:
    return {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}


# ---------------------------------------------------------------- the demo's summary table


def _row(claim: str, value: float, unit: str, as_of: str, dataset: str, note: str = "") -> dict[str, Any]:
    return {"claim": claim, "value": round(float(value), 4), "unit": unit, "as_of": as_of,
            "dataset": dataset, "note": note}


def data_summary() -> list[dict[str, Any]]:
    """Headline numbers from the official data: one dict per row (claim, value, unit, as_of, dataset, note).

    China's peak and latest Treasury holdings and the change between them; Japan, United Kingdom,
    total foreign and foreign-official holdings; China's share of foreign holdings; the 10-year yield
    now vs the month of China's peak; the Fed's Treasury holdings; the dollar's COFER share; official
    gold tonnes of China, Russia, India, Poland and Turkey and their change since 2019.
    """
    d = _Data()
    tic = d.tic()
    tic_latest = tic["date"].max()
    rows: list[dict[str, Any]] = []

    china = tic_holder(tic, "China, Mainland")
    peak_date = china.idxmax()
    rows.append(_row("China holdings, peak", china.max(), "USD bn", peak_date, "tic.holdings"))
    rows.append(_row("China holdings, latest", china.iloc[-1], "USD bn", china.index[-1], "tic.holdings"))
    rows.append(_row("China holdings, change from peak", _pct(china.iloc[-1], china.max()), "%",
                     f"{peak_date}..{china.index[-1]}", "tic.holdings"))
    japan = tic_holder(tic, "Japan")
    rows.append(_row("Japan holdings, latest", japan.iloc[-1], "USD bn", japan.index[-1], "tic.holdings",
                     f"peak {japan.max():,.1f} USD bn in {japan.idxmax()}"))
    uk = tic_holder(tic, "United Kingdom")
    rows.append(_row("United Kingdom holdings, latest", uk.iloc[-1], "USD bn", uk.index[-1], "tic.holdings",
                     "custodian location: holds for others"))
    total = tic_row_type(tic, "grand_total")
    official = tic_row_type(tic, "foreign_official")
    rows.append(_row("Total foreign holdings, latest", total.iloc[-1], "USD bn", total.index[-1], "tic.holdings",
                     f"{_pct(total.iloc[-1], total[peak_date]):+.1f}% since {peak_date}"))
    rows.append(_row("Foreign official holdings, latest", official.iloc[-1], "USD bn", official.index[-1],
                     "tic.holdings", f"peak {official.max():,.1f} USD bn in {official.idxmax()}"))
    rows.append(_row("Foreign official share of foreign holdings", 100 * official.iloc[-1] / total.iloc[-1], "%",
                     tic_latest, "tic.holdings",
                     f"{100 * official[peak_date] / total[peak_date]:.1f}% in {peak_date}"))
    rows.append(_row("China share of foreign holdings", 100 * china.iloc[-1] / total[china.index[-1]], "%",
                     china.index[-1], "tic.holdings",
                     f"{100 * china.max() / total[peak_date]:.1f}% at its peak ({peak_date})"))

    y10 = d.series("yields.cmt", series="DGS10").set_index("date")["value"].sort_index()
    at_peak = y10[y10.index.str.startswith(peak_date)]
    rows.append(_row("10-year Treasury yield, latest", y10.iloc[-1], "%", y10.index[-1], "yields.cmt",
                     f"{at_peak.iloc[-1]:.2f}% on {at_peak.index[-1]} (month of China's peak)"))
    rows.append(_row("10-year yield change since China's peak month", y10.iloc[-1] - at_peak.iloc[-1], "pp",
                     f"{at_peak.index[-1]}..{y10.index[-1]}", "yields.cmt"))

    fed = d.series("fed.treasuries").set_index("date")["value"].sort_index()
    rows.append(_row("Fed Treasury holdings (H.4.1), latest", fed.iloc[-1], "USD bn", fed.index[-1],
                     "fed.treasuries", f"peak {fed.max():,.1f} USD bn on {fed.idxmax()}"))

    cofer = d.series("imf.cofer", region="G001", indicator="share_pct", currency="USD")
    c = cofer.sort_values("date").iloc[-1]
    rows.append(_row("US dollar share of allocated FX reserves (COFER)", c["value"], "%", c["date"], "imf.cofer"))

    gold = d.series("wgc.gold_reserves", metric="gold_tonnes")
    for iso in GOLD_HOLDERS:
        g = gold[gold["iso3"] == iso].sort_values("date")
        if g.empty:
            continue
        first, last = g.iloc[0], g.iloc[-1]
        rows.append(_row(f"Gold reserves, {last['country']}", last["value"], "tonnes", last["quarter"],
                         "wgc.gold_reserves", f"{last['value'] - first['value']:+.1f} t since {first['quarter']}"))
    return rows
