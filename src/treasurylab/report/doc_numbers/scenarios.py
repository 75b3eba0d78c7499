"""Numbers of docs/scenarios.md: the effects of the shock events, each the median over paths of a
coupled run with the event minus the same-seed run without it (``scenario.runner.run``, 256 paths from
January 2026), read after 4 / 12 / 24 / 60 months; plus the jump-off half-lives and the ensemble's
block size. The runs are small (about 0.2 s each) and shared within one fill."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from treasurylab.scenario.results import month_labels

PATHS, SEED, START, HORIZON = 256, 1, "2026-01", 60
AFTER = (4, 12, 24, 60)            # months after the start, as the page reads them
BP = ("y10", "policy_rate", "mortgage", "baa")   # rates, shown in bp; the rest (gap, unemployment) in pp

EVENTS = {
    "term_premium": {"type": "term_premium", "date": "2026-01", "size_bp": 100, "tenors": ["10y"], "months": 60},
    "term_premium_decay": {"type": "term_premium", "date": "2026-01", "size_bp": 50, "months": 12,
                           "decay_months": 6},
    "credit_spread": {"type": "credit_spread", "date": "2026-01", "baa_bp": 150, "mortgage_bp": 50, "months": 24,
                      "decay_months": 6},
    "policy_path": {"type": "policy_path", "date": "2026-02", "path": {"2027-01": 2.5}},
    "uncertainty": {"type": "uncertainty", "date": "2026-04", "volatility": 2.7, "trust_drop": 0.1, "months": 3},
    "purchases": {"type": "fiscal", "date": "2026-01", "purchases_pct_gdp": 1},
    "transfers": {"type": "fiscal", "date": "2026-01", "transfers_pct_gdp": 1},
}


@lru_cache(maxsize=16)
def _run(event: str | None):
    from treasurylab.scenario.runner import run
    from treasurylab.scenario.spec import load_scenario

    spec = {"name": event or "no-event", "description": "docs/scenarios.md", "start": START, "horizon": HORIZON,
            "paths": PATHS, "seed": SEED, "baseline": "cbo-2026-02", "events": [EVENTS[event]] if event else []}
    return run(load_scenario(spec), workers=1).ds


def _scale(var: str) -> float:
    return 1e4 if var in BP else 100.0


def dev(event: str, var: str) -> np.ndarray:
    """Median over paths of (run with ``event`` - run without), by month, in bp or pp."""
    s, b = _run(event), _run(None)
    return (s[var] - b[var]).median("path").to_numpy() * _scale(var)


def _at(event: str, var: str, digits: int = 0, after=AFTER) -> str:
    d = dev(event, var)
    return " / ".join(f"{d[m - 1]:+.{digits}f}" for m in after)


def term_premium() -> str:
    e = "term_premium"
    return (f"10-year {_at(e, 'y10')} bp (the Fed eases: policy rate {_at(e, 'policy_rate')} bp, which lowers\n"
            f"the expected path); mortgage and Baa rates the same; output gap {_at(e, 'gdp_gap', 2)},\n"
            f"unemployment {_at(e, 'unemployment', 2)}")


def term_premium_decay() -> str:
    d = dev("term_premium_decay", "y10")
    return f"10-year {d[11]:+.0f} bp after a year, {d[23]:+.0f} bp after two"


def credit_spread() -> str:
    e = "credit_spread"
    u = dev(e, "unemployment")
    cut = dev(e, "policy_rate")[23]
    return (f"output gap {_at(e, 'gdp_gap', 2, AFTER[:3])},\nunemployment up to {u.max():+.2f}, the Fed "
            f"{'cuts' if cut < 0 else 'raises'} {abs(cut):.0f} bp by month 24")


def policy_vs_cbo() -> str:
    """The policy rate against CBO's path in the month the path reaches its point (January 2027)."""
    s = _run("policy_path")
    i = month_labels(s["month"]).index("2027-01")
    vs_cbo = float((s["policy_rate"].median("path") - s["base_policy_rate"]).to_numpy()[i]) * 1e4
    return f"{vs_cbo:+.0f} bp against\nCBO's path in January 2027"


def policy_gap() -> str:
    return f"{dev('policy_path', 'gdp_gap')[23]:+.2f} pp at month 24"


def policy_y10() -> str:
    y = dev("policy_path", "y10")
    return f"falls up to {-y.min():.0f} bp"


def uncertainty() -> str:
    y = dev("uncertainty", "y10")
    spread = dev("uncertainty", "baa") - y
    return f"lifts the 10-year {y.max():.0f} bp, the stress index widens Baa spreads {spread.max():.0f} bp"


def fiscal_events() -> str:
    return (f"Purchases of 1% of GDP: output gap {_at('purchases', 'gdp_gap', 2)}, policy rate "
            f"{_at('purchases', 'policy_rate')} bp.\nTransfers of 1% of GDP: gap {_at('transfers', 'gdp_gap', 2)}")


def fiscal_y10() -> str:
    d = dev("purchases", "y10")
    return f"{d[11]:+.0f} bp after a year, {d[59]:+.0f} bp after five"


def jumpoff_half_lives() -> str:
    from treasurylab.params import load_params

    p = load_params("jumpoff")
    return (f"about {p['gap_half_life_long_months'] / 12:.1f} years for the\n10-year, "
            f"{p['gap_half_life_short_months'] / 12:.1f} years for the policy rate")


def block_size() -> str:
    from treasurylab.scenario.ensemble import BLOCK_SIZE

    return f"{BLOCK_SIZE:,}"


def sweep_bounds() -> str:
    from treasurylab.scenario.sweep import MAX_PATH_MONTHS, MAX_POINTS

    return (f"more than {MAX_POINTS:,} points, or (on local workers) more than {MAX_PATH_MONTHS:,} path-months "
            "in all")


def theta_mean() -> str:
    from treasurylab.params import load_params

    return f"`holders.theta_mean` {float(load_params('holders')['theta_mean']):g}"


def words_cut() -> str:
    """The words of a shipped sale run on a horizon shorter than the sale (china-exit on 12 months)."""
    from treasurylab.scenario.spec import load_scenario
    from treasurylab.scenario.words import event_rows

    (row,) = event_rows(load_scenario("china-exit").with_(horizon=12))
    return f"`{row['what']}`"


def unit_floors() -> str:
    """Each field's plausibility floor (events.base.PLAUSIBILITY_FLOORS) with its reason, and one warning."""
    from treasurylab.scenario.events.base import FIELD_UNITS, PLAUSIBILITY_FLOORS
    from treasurylab.scenario.spec import load_scenario_text

    by: dict = {}
    for name, f in PLAUSIBILITY_FLOORS.items():
        by.setdefault(f, []).append(name)
    lines = []
    for f, names in by.items():
        unit = FIELD_UNITS[names[0]]
        lines.append(f"- {', '.join(f'`{n}`' for n in names)}: under {f.floor:g} {unit} (not 0), likely {f.slip}; "
                     f"{f.why}.")
    sc = load_scenario_text("name: s\nstart: 2026-01\nhorizon: 24\nevents:\n"
                            "  - {type: term_premium, date: 2026-02, size_bp: 0.5}\n", "my.yaml")
    return "\n".join(lines) + f"\n\nFor example: `warning: {sc.warnings[0]}`"


SECTIONS = {
    "scen-sweep-bounds": sweep_bounds,
    "scen-words-cut": words_cut,
    "scen-unit-floors": unit_floors,
    "scen-term-premium": term_premium,
    "scen-term-premium-decay": term_premium_decay,
    "scen-credit-spread": credit_spread,
    "scen-policy-vs-cbo": policy_vs_cbo,
    "scen-policy-gap": policy_gap,
    "scen-policy-y10": policy_y10,
    "scen-uncertainty": uncertainty,
    "scen-fiscal": fiscal_events,
    "scen-fiscal-y10": fiscal_y10,
    "scen-jumpoff": jumpoff_half_lives,
    "scen-block-size": block_size,
    "scen-theta-mean": theta_mean,
}
