"""Numbers of docs/holders_market.md computed from the bundled data and the parameters: the agent
list (``scenario/holders_inputs.py``) and the reserves block's baseline and one-year response
(``model/reserves.py``, stepped as the coupled runner steps it)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


def _month(ym: str) -> str:
    return dt.date.fromisoformat(ym[:7] + "-01").strftime("%B %Y")


@lru_cache(maxsize=1)
def _spec():
    from treasurylab.scenario import holders_inputs as HI

    return HI.build_holders_spec()


@lru_cache(maxsize=1)
def _agents() -> dict[str, dict]:
    from treasurylab.scenario import holders_inputs as HI

    return {r["agent"]: r for r in HI.agent_table(_spec())}


@lru_cache(maxsize=1)
def _tic():
    from treasurylab.scenario import holders_inputs as HI

    return HI.tic_latest()


def tic_agents() -> str:
    month, cur = _tic()
    return f"{_month(month)}: {int((cur['row_type'] == 'country').sum())} countries"


def denmark() -> str:
    return f"${_agents()['Denmark']['holdings_bn']:,.0f}bn"


def fed() -> str:
    from treasurylab.scenario.holders_inputs import FED_NAME

    return f"${_agents()[FED_NAME]['holdings_bn']:,.1f}bn"


def china_trend() -> str:
    from treasurylab.params import load_params

    window = int(load_params("holders")["fit_window_months"])
    return f"{window} months, e.g. China {_agents()['China, Mainland']['programme_pct_yr']:.1f} % a year"


def foreign_official() -> str:
    month, cur = _tic()
    v = float(cur.loc[cur["row_type"] == "foreign_official", "value"].iloc[0])
    return f"${v:,.0f}bn, {dt.date.fromisoformat(month + '-01').strftime('%b %Y')}"


@lru_cache(maxsize=1)
def _reserves():
    from treasurylab.scenario import holders_inputs as HI

    return HI.build_reserves_params(holder_names=_spec().names)


def pboc_baseline() -> str:
    rp = _reserves()
    i = list(rp.names).index("People's Bank of China")
    return f"{rp.base_t_per_month[i]:.2f} t a month = its reported 2025 buying, {12 * rp.base_t_per_month[i]:.1f} t"


def year_at_signal_one() -> str:
    """Twelve months of ``reserves_step`` at signal 1: tonnes bought and the gold price change."""
    import numpy as np

    from treasurylab.model import reserves as R

    rp = _reserves()
    rs = R.init_reserves(rp, 1)
    bought = 0.0
    for _ in range(12):
        out = R.reserves_step(rp, rs, signal=1.0)
        bought += float(out.buy_t.sum())
    rise = 100.0 * (float(np.exp(rs.log_price[0])) / rp.price0 - 1.0)
    return f"buys {bought:,.0f} t and lifts the price by {rise:.1f} %"


def threat_weight() -> str:
    from treasurylab.params import load_params

    return f"`coupled.reserves_threat_weight` = {float(load_params('coupled')['reserves_threat_weight']):g}"


SECTIONS = {
    "hm-tic-agents": tic_agents,
    "hm-denmark": denmark,
    "hm-fed": fed,
    "hm-china-trend": china_trend,
    "hm-foreign-official": foreign_official,
    "hm-pboc-baseline": pboc_baseline,
    "hm-year-at-signal-one": year_at_signal_one,
    "hm-threat-weight": threat_weight,
}
