"""Numbers of docs/validation.md's "Replays" section: the term-premium episodes replayed by
:mod:`treasurylab.report.replays` on the bundled store (the table, the April 2025 volatility that sizes
its ``uncertainty`` event, and the values the text quotes). The three replays take a few seconds and
are run once per fill. (The page's market and rare-earth parts are in ``validation_market`` and
``validation_minerals``, the backstop in the coupled scenarios, the fiscal-slippage tables and the
tipping map in ``validation_backstop``, ``validation_stability`` and ``validation_tipping``, the freezes in
``validation_freeze``; its
"Backtest" section is written by ``make backtest-docs``.)"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=1)
def _replays() -> tuple[object, dict[str, dict]]:
    from treasurylab.report import replays as R

    obs = R.monthly_observed()
    return obs, {ep.name: R.replay(ep, obs) for ep in R.EPISODES}


def _at(episode: str, month: str, key: str) -> float:
    r = _replays()[1][episode]
    return float(r[key][r["months"].index(month)])


def _bp(v: float) -> str:
    return f"{v:+.0f} bp"


def _name(month: str) -> str:
    return dt.date.fromisoformat(month + "-01").strftime("%B %Y")


def table() -> str:
    from treasurylab.report import replays as R

    return R.table(_replays()[1])


def paths() -> str:
    from treasurylab.report.replays import PATHS

    return f"mean of {PATHS} paths"


def _volatility() -> float:
    """The April 2025 uncertainty event's size, as entered (report.replays.events_for)."""
    from treasurylab.report import replays as R

    ep = next(e for e in R.EPISODES if e.uncertainty)
    (u,) = [e for e in _replays()[1][ep.name]["events"] if e["type"] == "uncertainty"]
    return float(u["volatility"])


def volatility() -> str:
    from treasurylab.report import replays as R

    obs = _replays()[0]
    ep = next(e for e in R.EPISODES if e.uncertainty)
    month = _replays()[1][ep.name]["months"][0]
    return (f"daily 10-year changes {float(obs.loc[month, 'vol_bp']):.2f} bp against a usual "
            f"{R.median_daily_vol_bp(obs):.2f} bp, 1990-2025: `volatility: {_volatility():.2f}`")


def volatility_ratio() -> str:
    return f"{_volatility():.2f}x"


def taper() -> str:
    e, m = "taper-2013", "2013-09"
    return (f"the model's 10-year is {_bp(_at(e, m, 'model_y10'))} by {_name(m).split()[0]} against "
            f"{_bp(_at(e, m, 'obs_y10'))} observed, and the mortgage rate {_bp(_at(e, m, 'model_mortgage'))} "
            f"against {_bp(_at(e, m, 'obs_mortgage'))}")


def tp_2022_23() -> str:
    e, m = "tp-2022-23", "2023-10"
    return (f"ACM {_bp(_at(e, m, 'acm'))} to {_name(m)}, the model's 10-year {_bp(_at(e, m, 'model_y10'))}; "
            f"Kim-Wright {_bp(_at(e, m, 'kw'))}")


def april_2025_premia() -> str:
    e, a, m = "april-2025", "2025-04", "2025-05"
    return (f"ACM puts the rise at {_bp(_at(e, a, 'acm'))} in April and {_bp(_at(e, m, 'acm'))} in May; "
            f"Kim-Wright at {_at(e, a, 'kw'):+.0f} and {_bp(_at(e, m, 'kw'))}")


def april_2025_observed() -> str:
    e, a, m = "april-2025", "2025-04", "2025-05"
    april = _at(e, a, "obs_y10")
    # |change| under 1 bp rounds to a signed zero; say what it is
    april_text = "flat" if abs(april) < 1 else _bp(april)
    return (f"the observed monthly average was {april_text} in April and {_bp(_at(e, m, 'obs_y10'))} in May: "
            f"expected short rates fell on the growth scare (ACM's expected component "
            f"{_bp(_at(e, a, 'obs_y10') - _at(e, a, 'acm'))} in April)")


SECTIONS = {
    "val-replay-table": table,
    "val-replay-paths": paths,
    "val-replay-volatility": volatility,
    "val-replay-volatility-ratio": volatility_ratio,
    "val-replay-taper": taper,
    "val-replay-2022-23": tp_2022_23,
    "val-replay-april-2025-premia": april_2025_premia,
    "val-replay-april-2025-observed": april_2025_observed,
}
