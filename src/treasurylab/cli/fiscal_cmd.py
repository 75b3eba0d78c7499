"""``treasurylab fiscal``: a deterministic fiscal projection on a CBO baseline, by fiscal year.

Command::

    treasurylab fiscal [--vintage 2026-02|2025-01] [--years N] [--bill-share X] [--rate-shift-bp B]
                       [--set NAME=VALUE ...] [--json]

Runs the fiscal kernel (model/fiscal.py) from the data-layer maturity ladder, fed CBO's baseline primary
deficits, GDP and rates (scenario/fiscal_inputs.py), and prints by fiscal year: net interest (engine and
CBO), net interest as % of GDP and of revenue, debt held by the public and debt/GDP (engine and CBO), the
average effective rate, WAM, bill share, rollover need, gross issuance and the deficit. ``--bill-share``
sets the issuance policy's bill target, ``--rate-shift-bp`` adds to every rate from the first month, and
``--set`` overrides any fiscal parameter (VALUE is JSON, e.g. ``--set 'bill_weights={"b1m":1}'``).
Bad input (a horizon past the data, shares that do not add up to 1, an unknown parameter) exits 2 with
one line naming the field and the fix.
"""

from __future__ import annotations

import typer

from treasurylab.cli.output import as_typed, finite, guard, print_json, table
from treasurylab.numtext import number

#: the widest rate shift accepted (bp): an input range, not a model parameter (assumption: +/-20
#: percentage points is twice the largest move of the record, 1979-81, so no real question needs more)
MAX_RATE_SHIFT_BP = 2000.0


#: the table's column of the shift's effect, and the note under the table on how its totals are rounded
ADDED_HEAD = "added deficit vs no shift (USD bn)"
ADDED_NOTE = (f"{ADDED_HEAD}: this run's deficit less the same run's without the shift, each year rounded to "
              "whole USD bn; the totals in the sentence above, as --json's meta gives them, are summed "
              "before rounding, so the column may add up to a few USD bn more or less.")


def units_text(shifted: bool) -> str:
    """The units of --json's numbers, by key (the shift's effects only when there is a shift, as the
    keys are). bill_share_target is a fraction, as --bill-share and --set take it, while bill_share_pct
    is in percent: 'percentages in percent', all it said before, read 0.21 as 0.21%."""
    effect = ", extra_deficit_vs_no_shift, extra_deficits_all_years, extra_deficits_fy2026_2035" if shifted else ""
    return (f"USD bn: net_interest, cbo_net_interest, debt, rollover, gross_issuance, deficit{effect}; "
            "percent: every key with _pct (avg_rate_pct, bill_share_pct, net_interest_pct_gdp, "
            "net_interest_pct_revenue, debt_pct_gdp, cbo_debt_pct_gdp); months: wam_months; bp: rate_shift_bp; "
            "fraction of marketable debt (0.21 = 21%): bill_share_target")


def _overrides(items: list[str] | None) -> dict:
    import json

    from treasurylab.errors import BadInput

    out = {}
    for item in items or []:
        if "=" not in item:
            raise BadInput("must be NAME=VALUE", field="--set", got=item, fix="e.g. --set bill_share_target=0.25")
        name, raw = item.split("=", 1)
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out[name.strip().removeprefix("fiscal.")] = value
    return out


def fiscal_verdict(rows: list[dict], vintage: str, rate_shift_bp: float, meta: dict | None = None) -> str:
    """One plain sentence: where debt and net interest end, against CBO's own numbers; with a rate shift,
    a second: what the shift adds to deficits against the same run without it."""
    a, z = rows[0], rows[-1]
    shift = f" with every rate {rate_shift_bp:+.0f} bp" if rate_shift_bp else ""
    # the gap is taken between the figures as printed (whole USD bn), not before rounding: it read
    # 'USD 7bn above CBO's USD 1,783bn' beside USD 1,789bn
    ours, cbo = (float(f"{z[k]:.0f}") for k in ("net_interest", "cbo_net_interest"))
    gap = ours - cbo
    where = (f"USD {abs(gap):,.0f}bn {'above' if gap > 0 else 'below'}" if gap else "the same as")
    # one fiscal year (--years 1) has no 'from ... to': it read 'goes from 99.7% in FY2025 to 99.7% in FY2025'
    debt = (f"goes from {a['debt_pct_gdp']:.1f}% of GDP in FY{a['fiscal_year']} to {z['debt_pct_gdp']:.1f}% in "
            f"FY{z['fiscal_year']}" if len(rows) > 1 else f"is {z['debt_pct_gdp']:.1f}% of GDP in FY{z['fiscal_year']}")
    interest = (f"net interest from USD {a['net_interest']:,.0f}bn to USD {z['net_interest']:,.0f}bn a year"
                if len(rows) > 1 else f"net interest USD {z['net_interest']:,.0f}bn")
    text = (f"On CBO's {vintage} baseline{shift}, debt held by the public {debt} "
            f"(CBO{', unshifted' if rate_shift_bp else ''}: "
            f"{z['cbo_debt_pct_gdp']:.1f}%), and {interest} ({z['net_interest_pct_gdp']:.1f}% of GDP; {where} "
            f"CBO's {'unshifted ' if rate_shift_bp else ''}"
            f"USD {z['cbo_net_interest']:,.0f}bn).")
    if not rate_shift_bp or meta is None:
        return text
    # the totals --json gives (one computation for both): summed before rounding, which the note under
    # the table says, since the table's yearly figures are each rounded to whole USD bn
    total = meta.get("extra_deficits_all_years", sum(r["extra_deficit_vs_no_shift"] for r in rows))
    span = f"FY{a['fiscal_year']}-{z['fiscal_year']}" if len(rows) > 1 else f"FY{z['fiscal_year']}"
    text += (f" Against the same run without the shift, {rate_shift_bp:+.0f} bp from {meta['start']} adds "
             f"USD {total:,.0f}bn to {span} deficits (net interest, including interest on the extra debt)")
    ten = meta.get("extra_deficits_fy2026_2035")
    if ten is not None:
        text += f"; it adds USD {ten:,.0f}bn to FY2026-2035 deficits"
        if vintage == "2025-01":
            from treasurylab.scenario.targets.fiscal import CBO_RULE_OF_THUMB_0_1PP_BN as rot

            text += (f" (CBO's rule of thumb: USD {rot * rate_shift_bp / 10:,.0f}bn, for a shift from 2025-01, "
                     "Mar 2025)")
    return text + "."


def register(app: typer.Typer) -> None:
    @app.command("fiscal")
    def fiscal(
        vintage: str = typer.Option("2026-02", "--vintage", help="CBO baseline: 2026-02 or 2025-01."),
        years: int = typer.Option(None, "--years", help="Fiscal years to project (default: the whole baseline)."),
        bill_share: float = typer.Option(None, "--bill-share", help="Bill share target of marketable debt (0-1).",
                                        callback=finite("--bill-share 0.25")),
        rate_shift_bp: float = typer.Option(0.0, "--rate-shift-bp", help="Add this many bp to every rate.",
                                          callback=finite("--rate-shift-bp 100", -MAX_RATE_SHIFT_BP,
                                                          MAX_RATE_SHIFT_BP)),
        set_: list[str] = typer.Option(None, "--set", help="Override a fiscal parameter: NAME=VALUE (JSON)."),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Project debt, net interest and the maturity structure on a CBO baseline (deterministic)."""

        # the fiscal layer names its own parameters (vintage, years): the user typed these options
        typed = {"vintage": "--vintage", **({"years": "--years"} if years is not None else {})}

        def body() -> None:
            with as_typed(typed):
                run_body()

        def run_body() -> None:
            import numpy as np

            from treasurylab.model import fiscal as F
            from treasurylab.params import load_params
            from treasurylab.scenario import fiscal_inputs as FI

            p = load_params("fiscal", _overrides(set_), where="--set")
            if bill_share is not None:     # after --set, so that it wins; its errors name --bill-share
                p = p.with_overrides({"bill_share_target": bill_share}, where="--bill-share")
            F.mix_from_params(p)   # validate the issuance mix before running
            r = FI.run_baseline(vintage, p, rate_shift=rate_shift_bp / 1e4, years=years)
            # the shift's effect: this run minus the same run without it (CBO's columns are unshifted)
            r0 = FI.run_baseline(vintage, p, years=years) if rate_shift_bp else None
            b = r["inputs"]
            start = b.start

            def fy(key: str, how: str = "sum") -> np.ndarray:
                a = r[key][None, :]
                if how == "end":
                    return F.fiscal_year_end(a, start)[1][0]
                if how == "mean":
                    return F.fiscal_year_mean(a, start)[1][0]
                return F.fiscal_year_totals(a, start)[1][0]

            ni, rev, gdp = fy("net_interest"), b.revenue, np.array([b.gdp_fy[int(y)] for y in r["fy"]])
            rev_fy = F.fiscal_year_totals(rev[None, :], start)[1][0]
            rows = []
            for i, y in enumerate(r["fy"]):
                y = int(y)
                rows.append({
                    "fiscal_year": y,
                    "net_interest": float(ni[i]),
                    "cbo_net_interest": b.cbo_net_interest[y],
                    "net_interest_pct_gdp": float(100 * ni[i] / gdp[i]),
                    "net_interest_pct_revenue": float(100 * ni[i] / rev_fy[i]),
                    "debt": float(r["fy_debt"][i]),
                    "debt_pct_gdp": float(100 * r["fy_debt_gdp"][i]),
                    "cbo_debt_pct_gdp": float(100 * b.cbo_debt[y] / b.gdp_fy[y]),
                    "avg_rate_pct": float(100 * fy("interest_gross")[i] / fy("debt", "mean")[i]),
                    "wam_months": float(fy("wam", "end")[i]),
                    "bill_share_pct": float(100 * fy("bill_share", "end")[i]),
                    "rollover": float(fy("rollover")[i]),
                    "gross_issuance": float(fy("gross_issuance")[i]),
                    "deficit": float(r["fy_deficit"][i]),
                })
                if r0 is not None:
                    rows[-1]["extra_deficit_vs_no_shift"] = float(r["fy_deficit"][i] - r0["fy_deficit"][i])
            meta = {"vintage": vintage, "start": start, "rate_shift_bp": rate_shift_bp,
                    "bill_share_target": float(p["bill_share_target"]), "ladder": r["ladder"].source,
                    "inputs": b.source, "units": units_text(r0 is not None)}
            if r0 is not None:
                meta["extra_deficits_all_years"] = float(sum(x["extra_deficit_vs_no_shift"] for x in rows))
            ten = [x["extra_deficit_vs_no_shift"] for x in rows if r0 is not None and 2026 <= x["fiscal_year"] <= 2035]
            if r0 is not None and len(ten) == 10:
                meta["extra_deficits_fy2026_2035"] = float(sum(ten))
            if json_:
                print_json({"meta": meta, "fiscal_years": rows})
            else:
                typer.echo(fiscal_verdict(rows, vintage, rate_shift_bp, meta) + "\n")
                unshifted = ", no shift" if rate_shift_bp else ""     # CBO's own columns are never shifted
                cbo_head = f"CBO net interest{unshifted} (USD bn)"
                shown = [{"fiscal year": r["fiscal_year"],
                          "net interest (USD bn)": f"{r['net_interest']:,.0f}",
                          cbo_head: f"{r['cbo_net_interest']:,.0f}",
                          "net interest (% of GDP)": f"{r['net_interest_pct_gdp']:.1f}",
                          "debt (% of GDP)": f"{r['debt_pct_gdp']:.1f}",
                          f"CBO debt{unshifted} (% of GDP)": f"{r['cbo_debt_pct_gdp']:.1f}",
                          "average interest rate on the debt (%)": f"{r['avg_rate_pct']:.2f}",
                          "WAM (months)": f"{r['wam_months']:.0f}",
                          "bills (% of debt)": f"{r['bill_share_pct']:.1f}",
                          "rollover in the year (USD bn)": f"{r['rollover']:,.0f}"} for r in rows]
                if r0 is not None:       # the shift's effect year by year, beside the sentence's totals
                    for s, r in zip(shown, rows, strict=True):
                        s[ADDED_HEAD] = number(r["extra_deficit_vs_no_shift"], 0, small=False)
                table(shown, title=f"Fiscal projection on CBO's {vintage} baseline")
                if r0 is not None:
                    typer.echo(ADDED_NOTE)

        guard(body, json_)
