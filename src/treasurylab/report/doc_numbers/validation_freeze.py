"""Numbers of docs/validation.md's "Freezes" section: how long a freeze's effect on foreign official
holdings lasts in the model (paired runs: a freeze of Hong Kong for 1, 3 or 12 months, or to the end
of the run, against the same paths without it), and what official holders did after the one large
freeze on record, that of Russia's reserves from February 2022, in the bundled TIC files (net
purchases: S1 long-term plus Table 3's bills to 2023-01, Table 3 from 2023-02; ``data.tic_flows``).
Five short runs of 1,000 paths and two of 25 months, a few seconds in all. The runs, the 2022 case and
the TIC windows are those of the calibration target (scenario/targets/episodes.py), their one home."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from treasurylab.scenario.targets import episodes as E
from treasurylab.scenario.targets.episodes import (
    AFTER,
    BEFORE,
    BEFORE_24,
    deviation,
    excess_sales_bn,
    freeze2022,
    history_range,
    holders_spec,
    months_between,
    net_purchases_windows,
    rivals,
)

PATHS, SEED, FREEZE = E.FREEZE_PATHS, E.FREEZE_SEED, E.FREEZE_MONTH   # as the 2022 case's runs

HOLDER = "Hong Kong"              # the holder frozen in the model's runs (a rival itself: China is left)
DURATIONS = (1, 3, 12, None)      # months frozen; None: in force to the end of the run
AT = (12, 24, 36)                 # months after the start at which the deviation is read
HORIZON = max(AT) + 1
OTHERS = ("Japan", "Saudi Arabia", "India", "Taiwan", "Singapore", "Korea, South", "United Arab Emirates",
          "Kuwait")


@lru_cache(maxsize=8)
def _runs(months: int | None) -> dict:
    return deviation(months, HOLDER, HORIZON)


def _q(x: np.ndarray) -> str:
    p5, p50, p95 = np.percentile(x, [5, 50, 95])
    return f"{p5:+,.0f} / **{p50:+,.0f}** / {p95:+,.0f}"


def _label(months: int | None) -> str:
    return "in force to the end" if months is None else f"{months} month{'s' if months > 1 else ''}"


def setup() -> str:
    return f"{PATHS:,} paths, seed {SEED}, world shocks on; {HOLDER} frozen from {FREEZE}"


def model_table() -> str:
    lines = ["| freeze of " + HOLDER + " | " + " | ".join(f"month {m}: p5 / **p50** / p95" for m in AT) + " |",
             "|---|" + "---|" * len(AT)]
    for d in DURATIONS:
        fo = _runs(d)["foreign_official"]
        lines.append(f"| {_label(d)} | " + " | ".join(_q(fo[:, m - 1]) for m in AT) + " |")
    return "\n".join(lines)


def one_month() -> str:
    """What a one-month freeze leaves: the median, the tail and the rival that carries it."""
    r = _runs(1)
    fo, names = r["foreign_official"], r["names"]
    china = r["holder_sales"][:, names.index("China, Mainland")]
    after, last = np.median(fo[:, 2]), np.median(fo[:, -1])
    return (f"the median deviation is {after:+.0f}bn in the month after the freeze (the reserve managers' "
            f"sales of the frozen month) and {last:+.0f}bn at month {HORIZON - 1}; China sells more than one cascade month's worth (5% of its holdings) on "
            f"{100 * np.mean(china > 0.05 * _holdings0('China, Mainland')):.0f}% of paths and more than $100bn on "
            f"{100 * np.mean(china > 100):.1f}%")


def _holdings0(name: str) -> float:
    sp = holders_spec()
    return float(sp.holdings0[list(sp.names).index(name)])


# ---------------------------------------------------------------------------------------------- history

def history_table() -> str:
    lines = ["| holder | holdings Feb 2022 | net purchases, 36 months before (per 12 months) | "
             "12 months after | 24 months after | sold beyond the earlier pace, 24 months |",
             "|---|---|---|---|---|---|"]
    for n in [*rivals(), *OTHERS]:
        f = net_purchases_windows(n)
        lines.append(f"| {f['holder']} | {f['h0']:,.1f} | {f['before'] * 12 / months_between(*BEFORE):+,.1f} | "
                     f"{f[12]:+,.1f} | {f[24]:+,.1f} | {excess_sales_bn([n]):+,.1f} |")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _official() -> dict:
    from treasurylab import data
    from treasurylab.data import tic_flows

    h = data.series("tic.holdings", start=BEFORE[1], end=AFTER[24][1])
    h = h[h["row_type"] == "foreign_official"].set_index("date")["value"]
    _, df = tic_flows.monthly_flows("official")
    net = df[(df["date"] >= "2023-03") & (df["date"] <= AFTER[24][1])]["net_purchases"]
    return {"h": {m: float(h[m]) for m in (BEFORE[1], AFTER[12][1], AFTER[24][1])}, "net_y2": float(net.sum()),
            "net_y2_months": int(net.notna().sum())}


def official() -> str:
    o = _official()
    (a, ha), (b, hb), (c, hc) = o["h"].items()
    return (f"${ha:,.1f}bn at the end of {a}, ${hb:,.1f}bn a year later and ${hc:,.1f}bn at the end of {c}; "
            f"net purchases in the second year (2023-03 to {c}, TIC Table 3's official line, which starts in "
            f"2023-02) {o['net_y2']:+,.1f}bn")


def rivals_history() -> str:
    parts = []
    for n in rivals():
        f = net_purchases_windows(n)
        parts.append(f"{f['holder']} {f[24]:+,.1f}bn ({100 * f[24] / f['h0']:+.0f}% of its Feb 2022 holdings)")
    return (f"net purchases in the 24 months after the freeze: {', '.join(parts)}; together "
            f"${excess_sales_bn():,.0f}bn more sold than at their own pace of the 36 months before "
            f"({BEFORE[0]}..{BEFORE[1]}), ${excess_sales_bn(before=BEFORE_24):,.0f}bn more than at that of the 24 "
            f"months before ({BEFORE_24[0]}..{BEFORE_24[1]}, when China was a net buyer)")


# the calibration before the 2022 case was a target: a freeze worth a full 1 in the reserve signal and a
# rival fear of 0.3 (coupled.yaml until then); rerun here with today's model for the comparison
OLD = {"reserves_freeze_weight": 1.0, "sanction_rival_fear": 0.3}


def _params() -> dict:
    from treasurylab.params import load_params

    cp = load_params("coupled")
    return {k: float(cp[k]) for k in OLD}


def _case(m: int, overrides: dict | None) -> dict:
    c = freeze2022(m, overrides=overrides)
    s = c["rivals_bn"]
    return {"p5": float(np.percentile(s, 5)), "p50": float(np.median(s)), "p95": float(np.percentile(s, 95)),
            "mean": float(s.mean()), "le": float(np.mean(s <= history_range(m)[1])), "fo": c["fo_p50"],
            "holder": c["holder"]}


def analog() -> str:
    return (f"a freeze of {_case(24, None)['holder']} in force, standing for Russia, which TIC no longer lists "
            f"(the smallest holder that is neither a rival nor an absorber); {PATHS:,} paths, seed {SEED}, "
            f"world shocks on, each against the same paths without the freeze")


def analog_table() -> str:
    def row(label: str, ov: dict | None) -> str:
        cells = []
        for m in AFTER:
            c = _case(m, ov)
            cells += [f"${c['p5']:,.0f} / **${c['p50']:,.0f}** / ${c['p95']:,.0f}", f"${c['mean']:,.0f}",
                      f"{100 * c['le']:.0f}%"]
        return f"| {label} | " + " | ".join(cells) + f" | {_case(24, ov)['fo']:+,.0f} |"

    h = {m: history_range(m) for m in AFTER}
    now = _params()
    lines = ["| rivals' sales beyond the same paths, USD bn | " + " | ".join(
                 f"{m} months: p5 / **p50** / p95 | mean | at or below ${h[m][1]:,.0f}bn" for m in AFTER)
             + " | foreign official holdings, 24 months, median |",
             "|---|" + "---|" * (3 * len(AFTER) + 1),
             "| history: China and Hong Kong beyond their own pace of the 36 / 24 months before | " + " | ".join(
                 f"${h[m][0]:,.0f} / ${h[m][1]:,.0f}bn | | " for m in AFTER) + " |  |",
             row(f"before: freeze weight {OLD['reserves_freeze_weight']:g}, rival fear {OLD['sanction_rival_fear']:g}",
                 {"coupled": OLD}),
             row(f"**today**: freeze weight {now['reserves_freeze_weight']:g}, rival fear "
                 f"{now['sanction_rival_fear']:g}", None)]
    return "\n".join(lines)


def gold() -> str:
    """The freeze's weight in the reserve signal, sized on the gold bought after 2022."""
    from treasurylab.params.reserves_estimate import (
        freeze_gold_excess,
        model_gold_usd_bn_at_signal_1,
    )
    from treasurylab.scenario.targets.reserves import freeze_reallocation

    ex = freeze_gold_excess()
    ys = sorted(ex["years"])
    yr = ex["years"]
    now, old = freeze_reallocation(), freeze_reallocation({"coupled": {"reserves_freeze_weight": 1.0}})
    w = _params()["reserves_freeze_weight"]
    def each(key: str, fmt: str) -> str:
        return " / ".join(fmt.format(yr[y][key]) for y in ys)

    return (f"central banks bought {each('bought_t', '{:,.0f}')} t of gold in {' / '.join(map(str, ys))} against "
            f"{ex['before_t']:,.0f} t a year in {ex['before_years'].replace('/', '-')} (WGC): "
            f"{each('excess_t', '{:,.0f}')} t more, worth {each('usd_bn', '${:,.1f}')}bn at each year's mean "
            f"WGC-implied price ({each('price', '${:,.0f}')} an ounce), ${ex['mean_usd_bn']:,.1f}bn a year. "
            f"At signal 1 the model's managers buy ${model_gold_usd_bn_at_signal_1():,.1f}bn a year beyond their "
            f"base at the start price, so a freeze adds {w:g} to the signal: in a freeze's first year they buy "
            f"${now['gold']:,.1f}bn of gold (at 1: ${old['gold']:,.1f}bn), move ${now['other']:,.0f}bn of reserves "
            f"to non-dollar assets (at 1: ${old['other']:,.0f}bn) and sell ${now['treasuries']:,.0f}bn of "
            f"Treasuries to fund both (at 1: ${old['treasuries']:,.0f}bn)")


SECTIONS = {
    "val-freeze-setup": setup,
    "val-freeze-table": model_table,
    "val-freeze-one-month": one_month,
    "val-freeze-history": history_table,
    "val-freeze-rivals": rivals_history,
    "val-freeze-official": official,
    "val-freeze-analog": analog,
    "val-freeze-analog-table": analog_table,
    "val-freeze-gold": gold,
}
