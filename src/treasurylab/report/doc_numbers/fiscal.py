"""Numbers of docs/fiscal.md: the initial ladder, the curve construction, the issuance-policy
comparison, the fitted residual and the calibration table, each from the function the page describes
(``scenario/fiscal_inputs.py`` and the fiscal calibration targets)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

LADDER_START = "2025-10"      # the month the page describes the ladder at
VINTAGE = "2026-02"           # CBO baseline the page's projections use
BILL_TARGETS = (0.15, 0.21, 0.30)


def _params(overrides: dict | None = None):
    from treasurylab.params import load_params

    return load_params("fiscal", overrides)


@lru_cache(maxsize=1)
def _ladder():
    from treasurylab.scenario import fiscal_inputs as FI

    return FI.ladder_info(LADDER_START, _params())


@lru_cache(maxsize=1)
def _targets() -> dict:
    from treasurylab.scenario.targets.fiscal import targets

    return {t.id: t for t in targets()}


@lru_cache(maxsize=4)
def _baseline(bill_share: float | None = None, window: tuple[int, int] | None = None) -> dict:
    from treasurylab.scenario import fiscal_inputs as FI

    over: dict = {}
    if bill_share is not None:
        over["bill_share_target"] = bill_share
    if window is not None:
        over["curve_spread_window"] = list(window)
    return FI.run_baseline(VINTAGE, _params(over or None))


@lru_cache(maxsize=1)
def _offset_fit() -> dict:
    from treasurylab.scenario import fiscal_inputs as FI

    return FI.fit_other_interest_offset(_params())


def _ni_gaps() -> dict[int, float]:
    """Engine net interest vs CBO's, % difference by fiscal year (Feb 2026 baseline)."""
    r = _baseline()
    b = r["inputs"]
    return {int(y): 100.0 * (v / b.cbo_net_interest[int(y)] - 1.0) for y, v in zip(r["fy"], r["fy_net_interest"])}


def ladder_scale() -> str:
    return f"{_ladder().scale:.4f}"


def ladder_summary() -> str:
    li = _ladder()
    return (f"WAM {li.wam:.1f} months, bills {100 * li.bill_share:.1f}%, average rate "
            f"{100 * li.average_rate:.2f}%")


def curve_ols() -> str:
    from treasurylab.scenario import fiscal_inputs as FI

    first, last = (int(x) for x in _params()["curve_spread_window"])
    k = FI.curve_coefficients(first, last)

    def eq(name: str, t: str) -> str:
        a, b, c = k[t]
        return (f"`{name} = {a:.4f} {'-' if b < 0 else '+'} {abs(b):.3f} y3m "
                f"{'-' if c < 0 else '+'} {abs(c):.3f} y10`")

    return f"{first}-{last} (`curve_spread_window`): {eq('y2', '2Y')}, {eq('y5', '5Y')}, {eq('y30', '30Y')}"


def _fy_curve(fy: int) -> str:
    from treasurylab.model.fiscal import fiscal_year

    b = _baseline()["inputs"]
    months = np.arange(b.horizon) + (int(b.start[:4]) * 12 + int(b.start[5:7]) - 1)
    fy_of = fiscal_year(months)
    avg = 100.0 * b.yields[fy_of == fy].mean(axis=0)
    return ", ".join(f"{v:.2f}" for v in avg) + "%"


def curve_fy_averages() -> str:
    fys = [int(y) for y in _baseline()["fy"]]
    return f"FY{fys[0]} average curve (3m, 2y, 5y, 10y, 30y): {_fy_curve(fys[0])}; FY{fys[-1]}: {_fy_curve(fys[-1])}"


def curve_window_alternative() -> str:
    base, alt = _baseline(), _baseline(window=(1990, 2025))
    d = 100.0 * (alt["fy_net_interest"] / base["fy_net_interest"] - 1.0)
    fy = [int(y) for y in base["fy"]]
    word = lambda x: f"{abs(x):.2f}% {'lower' if x < 0 else 'higher'}"  # noqa: E731
    return f"net interest is {word(d[0])} in FY{fy[0]} and {word(d[-1])} in FY{fy[-1]}"


def bill_share_target() -> str:
    return f"bill share target {100 * float(_params()['bill_share_target']):.0f}%"


def bill_targets() -> str:
    runs = {s: _baseline(bill_share=s) for s in BILL_TARGETS}
    fy = runs[BILL_TARGETS[0]]["fy"]
    tot = {s: float(r["fy_net_interest"][(fy >= 2026) & (fy <= 2036)].sum()) for s, r in runs.items()}
    ni = [f"${tot[s]:,.0f}bn at {100 * s:.0f}%" for s in BILL_TARGETS]
    wam = ", ".join(f"{runs[s]['wam'][-1]:.1f}" for s in BILL_TARGETS[:-1]) + f" and {runs[BILL_TARGETS[-1]]['wam'][-1]:.1f}"
    return (f"FY2026-2036 net interest totals {ni[0].replace(' at ', ' at a ')} bill target, {ni[1]} and {ni[2]} (bills are cheaper on CBO's "
            f"upward-sloping curve), and the FY{int(fy[-1])} WAM is {wam} months")


def offset_share_of_interest() -> str:
    """The alternative residual, a constant share of interest fitted on the same years, applied to the
    Feb 2026 baseline's gross interest (without the small feedback through debt)."""
    from treasurylab.model import fiscal as F

    rows = _offset_fit()["years"]
    model = sum(r["model_interest_on_debt"] for r in rows)
    share = (model - sum(r["cbo_net_interest"] for r in rows)) / model
    r = _baseline()
    b = r["inputs"]
    fy, gross = F.fiscal_year_totals(r["interest_gross"][None, :], b.start)
    alt = gross[0] * (1.0 - share)
    cbo = np.array([b.cbo_net_interest[int(y)] for y in fy])
    sel = (fy >= 2027) & (fy <= 2036)
    t = _targets()
    last = int(fy[-1])
    main_last = t[f"fiscal.net_interest.fy{last}"]
    main_tot = t["fiscal.net_interest.total_2027_2036"]
    pct = lambda a, c: 100.0 * (a / c - 1.0)  # noqa: E731
    return (f"{100 * share:.2f}%) the gaps to CBO widen a little: FY{last} {pct(alt[-1], cbo[-1]):.1f}% instead of "
            f"{pct(main_last.model_value, float(main_last.reference)):.1f}%, 2027-2036 total "
            f"{pct(alt[sel].sum(), cbo[sel].sum()):.1f}% instead of "
            f"{pct(main_tot.model_value, float(main_tot.reference)):.1f}%")


def offset_table() -> str:
    fit = _offset_fit()
    lines = ["| FY | model interest on debt held by the public | CBO actual net interest | gap, % of GDP |",
             "|---|---|---|---|"]
    for r in fit["years"]:
        lines.append(f"| {r['fiscal_year']} | {r['model_interest_on_debt']:,.1f} | {r['cbo_net_interest']:,.1f} "
                     f"| {100 * r['offset_share_gdp']:.3f}% |")
    return "\n".join(lines)


def offset_value() -> str:
    return f"{100 * _offset_fit()['offset']:.4f}% of GDP"


def _range(values) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.1f}-{hi:.1f}%"


def ni_gap_all() -> str:
    return f"out {_range([-g for g in _ni_gaps().values()])} low"


def ni_gap_late() -> str:
    g = _ni_gaps()
    first = min(y for y in g if y >= 2028)
    return f"{_range([-v for y, v in g.items() if y >= first])} below CBO from FY{first} on"


def _n(v: float, digits: int) -> str:
    return f"{v:,.{digits}f}"


# the calibration table: target id -> (label, digits, reference as the page quotes it)
_TABLE = [
    *[(f"fiscal.net_interest.fy{y}", f"net interest FY{y}", 0, None) for y in range(2026, 2037)],
    ("fiscal.net_interest.total_2027_2036", "net interest FY2027-2036 total", 0, "pct"),
    *[(f"fiscal.debt_gdp.fy{y}", f"debt/GDP FY{y}", 1, None) for y in (2026, 2030, 2036)],
    ("fiscal.rule_of_thumb.0_1pp",
     "+0.1 pp on all rates from Jan 2025: extra deficits FY2026-2035 (Jan 2025 vintage)", 1, "351 (CBO, Mar 2025)"),
    ("fiscal.rule_of_thumb.1pp_scaling", "extra deficits at +1 pp / at +0.1 pp", 1, "10"),
    ("fiscal.ladder.wam", f"ladder WAM, {LADDER_START}", 1, "about 72"),
    ("fiscal.ladder.bill_share", f"ladder bill share, {LADDER_START}", 1, "about 21"),
    ("fiscal.ladder.average_rate", f"ladder average rate, {LADDER_START}", 2, "3.2 (CBO, FY2025)"),
]


def calibration_table() -> str:
    t = _targets()
    lines = ["| target | engine | CBO / reference | pass range | unit |", "|---|---|---|---|---|"]
    for tid, label, digits, ref in _TABLE:
        r = t[tid]
        if ref is None:
            ref_text = _n(float(r.reference), digits)
        elif ref == "pct":
            ref_text = f"{_n(float(r.reference), digits)} ({100 * (r.model_value / float(r.reference) - 1):+.1f}%)"
        else:
            ref_text = ref
        lines.append(f"| {label} | {_n(r.model_value, digits)} | {ref_text} | "
                     f"[{_n(r.lower, digits)}, {_n(r.upper, digits)}] | {r.unit} |")
    return "\n".join(lines)


def debt_gdp_gap() -> str:
    t = _targets()
    gaps = {int(k[-4:]): v.model_value - float(v.reference) for k, v in t.items() if k.startswith("fiscal.debt_gdp.fy")}
    worst = max(gaps, key=lambda y: abs(gaps[y]))
    ok = all(v.passed for k, v in t.items() if k.startswith("fiscal.debt_gdp.fy"))
    return (f"{'passes' if ok else 'FAILS in some years'} every year FY{min(gaps)}-{max(gaps)} (largest gap "
            f"{gaps[worst]:+.2f} pp, FY{worst})")


def cbo_debt_gdp_here() -> str:
    t = _targets()
    return ", ".join(f"{float(t[f'fiscal.debt_gdp.fy{y}'].reference):.1f}" for y in (2026, 2030, 2035)) + \
        f" and {float(t['fiscal.debt_gdp.fy2036'].reference):.1f}"


def rule_of_thumb_fy2035() -> str:
    """Extra deficit in FY2035 at +0.1 pp on all rates from Jan 2025 (Jan 2025 vintage)."""
    from treasurylab.scenario import fiscal_inputs as FI

    p = _params()
    base = FI.run_baseline("2025-01", p)
    hi = FI.run_baseline("2025-01", p, rate_shift=0.001, shift_from="2025-01")
    i = list(base["fy"]).index(2035)
    return f"${hi['fy_deficit'][i] - base['fy_deficit'][i]:.0f}bn in FY2035"


def rule_of_thumb_ratio() -> str:
    return f"{_targets()['fiscal.rule_of_thumb.1pp_scaling'].model_value:.1f}x"


SECTIONS = {
    "fiscal-ladder-scale": ladder_scale,
    "fiscal-ladder": ladder_summary,
    "fiscal-curve-ols": curve_ols,
    "fiscal-curve-fy": curve_fy_averages,
    "fiscal-curve-window": curve_window_alternative,
    "fiscal-bill-share-target": bill_share_target,
    "fiscal-bill-targets": bill_targets,
    "fiscal-offset-share-of-interest": offset_share_of_interest,
    "fiscal-offset-table": offset_table,
    "fiscal-offset": offset_value,
    "fiscal-ni-gap-all": ni_gap_all,
    "fiscal-ni-gap-late": ni_gap_late,
    "fiscal-calibration-table": calibration_table,
    "fiscal-debt-gdp-gap": debt_gdp_gap,
    "fiscal-cbo-debt-gdp": cbo_debt_gdp_here,
    "fiscal-rot-fy2035": rule_of_thumb_fy2035,
    "fiscal-rot-ratio": rule_of_thumb_ratio,
}
