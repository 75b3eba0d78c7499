"""``treasurylab minerals``: run the rare-earth block and print its key outputs (or the 180-day answer).

    treasurylab minerals                              # policy record to 2026, 120 months from 2026-01
    treasurylab minerals --scenario rare-earth-cutoff --json
    treasurylab minerals --answer-180 [--days 180] [--scenario FILE]

A run starts from 2024-01 on (``model.minerals.FIRST_MONTH``: the inputs describe 2024). The 180-day
answer is dated by ``--days`` from Proclamation 11001 (14 Jan 2026): ``--start``, ``--months`` and
``--target-share`` belong to a run and are refused with ``--answer-180``, as ``--days`` is without it.
Bad input (unknown region or stage, negative capacity, an infeasible policy mix, a bad file) exits 2
with one line naming the field and the fix.
"""

from __future__ import annotations

import typer

from treasurylab.cli.output import amount, as_typed, finite, guard, pct, print_json, table

#: the consumers the 180-day verdict names; Germany is the EU scaled by the model's germany_share_of_eu
VERDICT_CONSUMERS = ("Germany", "Japan", "Korea", "US")

#: the unit of each number of a run's --json (model.minerals.MineralsResult.summary): shares are
#: fractions there (0.64), printed as percents in the table; sums are over the run's months
RUN_UNITS = {
    "china_share_first_month": "fraction of world output at the stage (0-1)",
    "china_share_last_month": "fraction of world output at the stage (0-1)",
    "shortfall_total_t": "t NdFeB, summed over the run",
    "shortfall_by_end_use_t": "t NdFeB, summed over the run",
    "shortfall_peak_share": "fraction of the month's magnet demand (0-1), the run's highest month",
    "value_lost_bn": "USD bn, summed over the run",
    "germany_value_lost_bn": "USD bn, summed over the run",
    "korea_value_lost_bn": "USD bn, summed over the run",
    "us_output_gap_pp_min": "percentage points of potential output (the lowest month)",
    "price_peak": "USD/kg of oxide (ndpr, dy, tb); magnet_*: an index, 1 = the base price (needs fully met)",
    "price_last": "USD/kg of oxide (ndpr, dy, tb); magnet_*: an index, 1 = the base price (needs fully met)",
    "months_to_target": "months from the start until supply outside China (each stage limited by the stages "
                        "upstream) meets target_share of the needs outside China (0: from the first month; "
                        "null: not reached within the run); not China's share of world output",
    "target_share": "fraction of ex-China needs (0-1)",
    "months": "months",
    "solve_seconds": "seconds",
}

#: the units of the 180-day answer's numbers other than the stages' capacities (model.minerals's
#: answer_180_days gives those, by stage, in the same map)
ANSWER_UNITS = {
    "stage_only": "fraction of ex-China needs at the stage (0-1)",
    "chain": "fraction of ex-China needs at the stage (0-1), limited by non-China supply upstream",
    "heavy_min_share": "fraction of a full magnet recipe's Dy+Tb (0-1)",
    "non_china_capacity_per_year": "by stage: the unit under the stage's own key",
    "ex_china_magnet_demand_per_year": "t NdFeB/yr",
    "days": "days",
    "shortfall_to_date": "shortfall_t in t NdFeB; shortfall_months and inventory_months in months of demand",
}


def shortfalls_by(M, inputs, events, month: str) -> dict[str, dict[str, float]]:
    """Magnet shortfall (t NdFeB) from 2026-01 through ``month``, in tonnes and months of demand, and
    inventory left (months of demand) at ``month``, for the verdict's consumers."""
    start = "2026-01"
    n = 12 * (int(month[:4]) - 2026) + int(month[5:7])
    res = M.simulate(inputs, events, start=start, months=max(n, 1))
    short = res.shortfall.sum(axis=2)                  # (T, C) t/month
    demand = res.demand.sum(axis=2)                    # (T, C) t/month
    de_share = float(inputs.p["germany_share_of_eu"])
    out = {}
    for name in VERDICT_CONSUMERS:
        c = M.CONSUMERS.index("EU" if name == "Germany" else name)
        k = de_share if name == "Germany" else 1.0
        t = float(short[:, c].sum()) * k
        monthly = float(demand[-1, c]) * k
        out[name] = {"shortfall_t": t, "shortfall_months": t / monthly if monthly > 0 else 0.0,
                     "inventory_months": float(res.inventory_months[-1, c])}
    return out


def verdict_180(ans: dict, short: dict, days: int) -> str:
    """The plain-language answer: the share met without China by stage, the stage that binds, shortfalls."""
    stages = ", ".join(f"{s.replace('_', ' ')} {pct(ans['chain'][s])}" for s in ans["chain"])
    b, low = ans["binding_stage"], ans["scarcest_stage"]
    if b is None:
        bind = "No stage binds: the non-Chinese chain meets every need."
    else:
        bind = f"The chain is bound by {b.replace('_', ' ')} ({pct(ans['stage_only'][b])} on its own)."
    if low == "heavy_separation" and low != b:
        bind += (f" Heavy separation is the scarcest stage on its own ({pct(ans['stage_only'][low])} of the "
                 f"Dy+Tb a full recipe needs), but makers can thrift heavies to {ans['heavy_min_share']:.0%} "
                 f"of it, so it carries {pct(min(1.0, ans['chain'][low] / ans['heavy_min_share']))} of magnets.")
    hit = {c: v for c, v in short.items() if v["shortfall_t"] > 0.5}
    if hit:
        loss = "; ".join(f"{c} {amount(v['shortfall_t'], 't')} ({v['shortfall_months']:.1f} months of demand, "
                         f"{v['inventory_months']:.1f} months of inventory left)" for c, v in hit.items())
        sh = f"Shortfalls to {ans['month']} under this scenario's China policy: {loss}."
    else:
        inv = ", ".join(f"{c} {v['inventory_months']:.1f}" for c, v in short.items())
        sh = (f"Under this scenario's China policy no one runs short by {ans['month']} (China keeps exporting); "
              f"inventory left, months of demand: {inv}. For a stop of Chinese exports run "
              "'treasurylab minerals --answer-180 --scenario rare-earth-cutoff'.")
    return (f"By {ans['date']} (day {days}), supply without China could meet at most "
            f"{pct(ans['chain']['magnet'])} of non-China magnet demand. Share of the needs outside China met by "
            f"non-Chinese capacity, stage by stage along the chain: {stages}. {bind} {sh} "
            "Germany is the EU scaled by its share of EU magnet use (germany_share_of_eu).")


def _months(m: int | None, horizon: int) -> int | str:
    """A blank cell read as 'no data'; None means the target is not reached within the run."""
    return f"> {horizon} (not reached)" if m is None else m


def register(app: typer.Typer) -> None:
    @app.command("minerals")
    def minerals(
        scenario: str = typer.Option(None, "--scenario", "-s", help="Scenario YAML (path or shipped name)."),
        start: str = typer.Option(None, "--start", help="First month YYYY-MM, 2024-01 or later (default: scenario start or 2026-01)."),
        months: int = typer.Option(None, "--months", "-m", help="Months to run (default: scenario horizon or 120)."),
        answer_180: bool = typer.Option(False, "--answer-180", help="Only the 180-day answer: largest non-China share by stage "
                                        "(takes --days and --scenario; not --start, --months or --target-share)."),
        days: int = typer.Option(None, "--days", help="Days after Proclamation 11001 (14 Jan 2026) for --answer-180 (default 180)."),
        target_share: float = typer.Option(None, "--target-share", help="Share of ex-China needs for 'months to target'.",
                                    callback=finite("--target-share 0.5")),
        json_: bool = typer.Option(False, "--json", help="Print one JSON document."),
    ) -> None:
        """Rare earths: shortfalls, prices, output at risk and the 180-day answer."""

        # the model names its own parameters (start, months, days): the user typed these options
        typed = {"start": "--start", "months": "--months", "days": "--days", "SCENARIO": "--scenario"}
        given = {"start": start, "months": months, "days": days, "SCENARIO": scenario}
        typed = {k: v for k, v in typed.items() if given[k] is not None}

        def body() -> None:
            with as_typed(typed):
                run_body()

        def run_body() -> None:
            from treasurylab.errors import BadInput
            from treasurylab.model import minerals as M
            from treasurylab.params.minerals_inputs import build

            # the answer is dated by --days, a run by --start and --months: an option of the other mode
            # would be silently ignored, so it is refused
            if answer_180:
                for opt, value in (("--start", start), ("--months", months), ("--target-share", target_share)):
                    if value is not None:
                        raise BadInput("not used with --answer-180", field=opt, got=value,
                                       fix="the answer is dated by --days from Proclamation 11001 (14 Jan 2026); "
                                           f"drop {opt}, or drop --answer-180 for a run")
            elif days is not None:
                raise BadInput("only used with --answer-180", field="--days", got=days,
                               fix="add --answer-180 for the answer at that day, or use --start and --months for a run")
            sc = None
            overrides = None
            events = M.policy_record_2025()
            if scenario is not None:
                from treasurylab.cli.run_cmd import check_file_arg
                from treasurylab.scenario.spec import load_scenario

                check_file_arg(scenario, "--scenario")

                sc = load_scenario(scenario)
                overrides = (sc.overrides or {}).get("minerals")
                events = M.scenario_events(sc)
            inputs = build(overrides, where="overrides.minerals")
            if target_share is not None and not 0 <= target_share <= 1:
                raise BadInput("must be in [0, 1]", field="--target-share", got=target_share, fix="e.g. 0.5")
            if answer_180:
                days_ = 180 if days is None else days
                ans = M.answer_180_days(inputs, events, start="2026-01-14", days=days_)
                short = shortfalls_by(M, inputs, events, ans["month"])
                ans["shortfall_to_date"] = short
                ans["verdict"] = verdict_180(ans, short, days_)
                ans["units"] = {**ans["units"], **ANSWER_UNITS}
                if json_:
                    print_json({"answer_180_days": ans})
                    return
                typer.echo(ans["verdict"] + "\n")
                table([{"stage": s.replace("_", " "), "non-China capacity": amount(ans["non_china_capacity_per_year"][s]),
                        "unit": ans["units"][s], "share (stage alone)": pct(ans["stage_only"][s]),
                        "share (non-China chain)": pct(ans["chain"][s])} for s in M.STAGES],
                      title=f"Largest share of the needs outside China that capacity outside China meets by "
                            f"{ans['date']} ({days_} days)")
                table([{"consumer": c, "shortfall to date": amount(v["shortfall_t"], "t NdFeB"),
                        "shortfall": f"{v['shortfall_months']:.1f} months of demand",
                        "inventory left": f"{v['inventory_months']:.1f} months"} for c, v in short.items()],
                      title=f"Magnet shortfalls 2026-01..{ans['month']} (this scenario's China policy)")
                return
            st = start or (sc.start if sc else "2026-01")
            n = months if months is not None else (sc.horizon if sc else 120)
            res = M.simulate(inputs, events, start=st, months=n)
            summ = res.summary()
            if target_share is not None:
                summ["months_to_target"] = res.months_to_target(target_share)
                summ["target_share"] = target_share
            summ["scenario"] = sc.name if sc else "policy-record-2025"
            summ["events"] = [{"kind": e.kind, "start": e.start, "end": e.end, "params": dict(e.params)}
                              for e in res.events]
            summ["units"] = RUN_UNITS
            if json_:
                print_json({"minerals": summ})
                return
            # shares as percents with what they are a share of (they printed as bare 0.6372 and 0.64).
            # The months column measures something else than the shares beside it: 'months to 50%
            # non-China: 0' for mining read as a contradiction of China's 64% of world output, but mining
            # outside China already covers half of the needs outside China (China mines for its own use)
            share = f"{summ['target_share']:.0%}"
            table([{"stage": s.replace("_", " "),
                    "China's share of world output, first month": pct(summ["china_share_first_month"][s], 1),
                    "China's share of world output, last month": pct(summ["china_share_last_month"][s], 1),
                    f"months until supply outside China meets {share} of needs outside China":
                        _months(summ["months_to_target"][s], len(res.months))}
                   for s in M.STAGES], title=f"Rare-earth chain {res.months[0]}..{res.months[-1]} ({summ['scenario']})")
            typer.echo(f"China's share is of world output, China's own use included; the months count until "
                       f"capacity outside China, each stage limited by the stages upstream, can meet {share} of "
                       f"the needs outside China (0: it does from the first month).")
            table([{"region": c, "shortfall over the run (t NdFeB)": amount(summ["shortfall_total_t"][c]),
                    "worst month's shortfall (% of its demand)": pct(summ["shortfall_peak_share"][c], 1),
                    "output at risk over the run (USD bn)": summ["value_lost_bn"][c]} for c in M.CONSUMERS],
                  title="Shortfalls and output at risk")
            table([{"price": k, "peak": summ["price_peak"][k], "last": summ["price_last"][k],
                    "unit": "index (1 = base price)" if k.startswith("magnet") else "USD/kg oxide"}
                   for k in summ["price_peak"]], title="Prices, peak and last month (magnets: 1 = the base price, needs fully met)")
            typer.echo(f"Germany output at risk over the run: USD {summ['germany_value_lost_bn']:.2f}bn; "
                       f"Korea: USD {summ['korea_value_lost_bn']:.2f}bn; "
                       f"lowest US output-gap contribution: {summ['us_output_gap_pp_min']:.3f} pp")

        guard(body, json_)
