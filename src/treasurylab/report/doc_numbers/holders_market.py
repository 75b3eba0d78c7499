"""Numbers of docs/holders_market.md computed from the bundled data and the parameters: the agent
list (``scenario/holders_inputs.py``), the market block's calibration arithmetic and experiments (the
market targets' own runs, ``scenario/targets/market.py``), and the reserves block's baseline and
one-year response (``model/reserves.py``, stepped as the coupled runner steps it)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np


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
    """The default fitted programme (net purchases) and the alternative on holdings, China at the latest month."""
    from treasurylab.params import load_params
    from treasurylab.scenario import holders_inputs as HI

    window = int(load_params("holders")["fit_window_months"])
    month, _ = _tic()
    hold = HI.fitted_rates(["China, Mainland"], window, month)["China, Mainland"]
    return (f"{window} months, e.g. China {_agents()['China, Mainland']['programme_pct_yr']:.1f} % a year "
            f"(on its holdings: {100 * ((1 + hold) ** 12 - 1):.1f} %)")


def foreign_official() -> str:
    """The denominator of ``cascade_share``: TIC's foreign official holdings in the newest month
    published by a January 2026 start (the month a run uses), not the newest month bundled."""
    from treasurylab.report.doc_numbers.validation_tipping import official

    return official()


def granovetter() -> str:
    """The holders targets' Granovetter checks (scenario/targets/holders.py) and the continuum yardstick:
    the sigma where the least fixed point of x = Phi((x - mean)/sigma), reached from x = 0, jumps."""
    from scipy.stats import norm

    from treasurylab.scenario.targets.holders import tipping_sigma, uniform_case

    full, cut = uniform_case(), uniform_case(remove_one_percent=True)
    s = tipping_sigma()

    def tips(sigma: float, mean: float = 0.25) -> bool:
        # a low equilibrium exists while x - Phi((x - mean)/sigma) reaches zero below the mean
        x = np.linspace(0.0, mean, 20001)
        return bool(np.max(x - norm.cdf((x - mean) / sigma)) < 0.0)

    lo, hi = 0.05, 0.5
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if tips(mid) else (mid, hi)
    all_ = "all 100 sell" if full == 1.0 else f"{100 * full:.0f} of 100 sell"
    one = "only the instigator" if cut == 0.01 else f"{100 * cut:.0f} of 100 sell"
    return (f"uniform thresholds 0..0.99 -> {all_};\nwithout the 1/100 agent -> {one}; normal thresholds (mean 0.25) "
            f"tip between\nsigma {s - 0.005:.3f} and {s:.3f} (the continuum fixed point of x = Phi((x - 0.25)/sigma) "
            f"jumps at {hi:.4f})")


# ---- market: the calibration arithmetic from the published targets the page names
GAGNON_BP, GAGNON_BN = 75.0, 1750.0          # Gagnon et al. (2011) midpoint and LSAP1 size
BELTRAN_IMPACT_BP, BELTRAN_12M_BP = 50.0, 20.0  # Beltran et al. (2013): 5y on impact and after 12 months
SALE_BN = 100.0


def _market():
    from treasurylab.params import load_params

    return load_params("market")


def lambda_10y() -> str:
    from treasurylab.scenario.targets.market import gagnon

    g = gagnon()["gdp_fy2009"]
    return f"{GAGNON_BP:.0f} bp / ({GAGNON_BN:,.0f} / {g:,.1f} x 100 pp) = {GAGNON_BP / (GAGNON_BN / g * 100):.2f} bp"


def _a5y() -> tuple[float, float, float, float, float]:
    """(pp of GDP, permanent part, transitory part, depth D, A_5y) of the Beltran calibration."""
    p = _market()
    pp = SALE_BN / float(p["reference_gdp_bn"]) * 100.0
    perm = float(p["stock_bp_per_pp_gdp"]["5y"]) * pp
    temp = BELTRAN_IMPACT_BP - perm
    d = float(p["flow_depth_bn"])
    return pp, perm, temp, d, temp / (1.0 - np.exp(-SALE_BN / d))


def a_5y() -> str:
    p = _market()
    pp, perm, temp, d, a = _a5y()
    return (f"${SALE_BN:.0f}bn is {pp:.3f} pp of 2026 GDP, so the permanent part is "
            f"{float(p['stock_bp_per_pp_gdp']['5y']):.2f} x {pp:.3f} = {perm:.2f} bp; the impact target "
            f"{BELTRAN_IMPACT_BP:.0f} bp leaves {temp:.2f} bp = A_5y (1 - e^(-{SALE_BN:.0f}/{d:.0f})) -> A_5y = "
            f"{a:.0f} bp (D = {d:.0f} bn a month)")


def rho() -> str:
    _, perm, temp, _, _ = _a5y()
    r = ((BELTRAN_12M_BP - perm) / temp) ** (1.0 / 12.0)
    return (f"({BELTRAN_12M_BP:.0f} - {perm:.2f}) / {temp:.2f} = rho^12 -> rho = {r:.4f} (half-life "
            f"{np.log(0.5) / np.log(r):.1f} months)")


def ahmed_rebucci() -> str:
    from treasurylab.scenario.targets.market import beltran

    meta = _market().meta["flow_amplitude_bp"]
    alt = meta.alternatives["ahmed_rebucci_2022"]
    scale = float(alt["5y"]) / float(meta.value["5y"])
    return f"A scaled by {scale:.2f} (alternative `ahmed_rebucci_2022`) -> {beltran(flow_amplitude_bp=alt)['impact']:.0f} bp"


def lsap1() -> str:
    from treasurylab.scenario.targets.market import gagnon

    return f"{-gagnon()['y10_trough']:.0f} bp trough"


@lru_cache(maxsize=2)
def _pace(learning: bool) -> dict:
    from treasurylab.scenario.targets.market import pace

    return pace() if learning else pace(flow_learning_per_month=0)


def pace_ratio() -> str:
    p, q = _pace(True), _pace(False)
    s = p["surprise_peak"]
    return (f"{p['announced_peak']:.1f} / {s:.1f} = **{p['ratio']:.3f}**;\n  unannounced in 24 slices: "
            f"{p['unannounced_peak']:.1f} / {s:.1f} = {p['ratio_unannounced']:.2f} ({q['unannounced_peak']:.1f} / "
            f"{s:.1f} = {q['ratio_unannounced']:.2f} if every slice stayed a surprise)")


def kappa() -> str:
    return f"kappa = {float(_market()['flow_learning_per_month']):g} a month"


def pile_up() -> str:
    """The transitory 10y premium a constant unannounced pace builds without learning (backstop off)."""
    from treasurylab.model.market import BP, I10, run_market_path
    from treasurylab.scenario.targets.market import market_params_with

    ps, mp = market_params_with(backstop_on=0, flow_learning_per_month=0)
    o = run_market_path(mp, ps["reference_gdp_bn"], 120, surprise_flow_bn=np.full(120, 80.0))
    months = 1.0 / (1.0 - float(ps["flow_decay_per_month"]))
    return f"{months:.0f} months of impact: ~{o['tp_temp'][-1, 0, I10] / BP:.0f} bp on the 10y at $80bn a month"


def backstop_costs() -> str:
    from treasurylab.model.market import run_market_path
    from treasurylab.scenario.targets.market import march_2020, market_params_with

    ps, mp = market_params_with()
    f = np.zeros(60)
    f[0] = 400.0
    one_off = float(run_market_path(mp, ps["reference_gdp_bn"], 60, surprise_flow_bn=f)["fed"].sum())
    march = float(march_2020()["fed_bn"].sum())
    return f"a one-off $400bn surprise costs the Fed ~${one_off:,.0f}bn,\nMarch 2020's foreign sales ${march:,.0f}bn"


def unwind_price() -> str:
    """The 10y permanent premium's jump when the backstop's sales back start, per $1T to sell, and the sourced range."""
    from treasurylab.scenario.targets.market import backstop_unwind_price

    u = backstop_unwind_price()
    p = _market()
    gdp = float(p["reference_gdp_bn"])
    pp = 1000.0 / gdp * 100.0
    bihw = float(p.meta["stock_bp_per_pp_gdp"].alternatives["bonis_ihrig_wei_2017"]["10y"])
    return (f"{u['per_1t_bp']:.1f} bp per $1T ({pp:.2f} pp of 2026 GDP x {float(p['stock_bp_per_pp_gdp']['10y']):.2f} bp "
            f"per pp); Gagnon's 50-100 bp for $1.75T rescaled: {u['lo']:.1f}-{u['hi']:.1f} bp; Bonis, Ihrig & Wei: "
            f"{bihw * pp:.1f} bp")


def trust_loadings() -> str:
    """The trust premium's shape: the window's changes, the loadings and psi_k (params/trust_estimate.py)."""
    from treasurylab.numtext import number
    from treasurylab.params import trust_estimate as TE

    d, lo, psi = TE.window_changes_bp(), TE.loadings(), TE.trust_bp()
    return (", ".join(f"{t} {v:+.0f}" for t, v in d.items()) + " bp -> loadings "
            + ", ".join(number(lo[t], 3, small=False, trim=True) if t == "10y" else f"{lo[t]:.3f}" for t in TE.TENORS)
            + " -> psi = " + ", ".join(f"{psi[t]:.1f}" for t in TE.TENORS) + " bp")


@lru_cache(maxsize=1)
def _reserves():
    from treasurylab.scenario import holders_inputs as HI

    return HI.build_reserves_params(holder_names=_spec().names)


def pboc_baseline() -> str:
    rp = _reserves()
    i = list(rp.names).index("People's Bank of China")
    return f"{rp.base_t_per_month[i]:.2f} t a month = its reported 2025 buying, {12 * rp.base_t_per_month[i]:.1f} t"


def record_paces() -> str:
    """Each manager's pace over a year at signal 1 (base + response, reserves.yaml) and the record year
    it is set to (scenario.targets.reserves.record_paces, from curated.cb_gold_purchases_annual)."""
    from treasurylab.scenario.targets.reserves import record_paces as records

    rp, rec = _reserves(), records()
    pace = {n: 12 * (float(b) + float(r)) for n, b, r in zip(rp.names, rp.base_t_per_month, rp.response_t_per_month)}
    pboc = pace.pop("People's Bank of China")
    return (f"PBoC {pboc:,.0f} t a year as in {rec['pboc_year']}; others {sum(pace.values()):,.0f} t "
            f"as WGC's central-bank total in {rec['others_year']} (revised)")


def year_at_signal_one() -> str:
    """Twelve months of ``reserves_step`` at signal 1: tonnes bought and the gold price change."""
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


def gold_rate() -> str:
    """The gold price's estimated response to the 10-year (reserves.yaml, params/reserves_estimate.py)."""
    from treasurylab.params import load_params
    from treasurylab.params.reserves_estimate import gold_rate_response

    g = float(load_params("reserves")["gold_rate_semi_elasticity"])
    e = gold_rate_response()
    return (f"{g:.3f} log points per pp (a 100 bp rise above the baseline takes {100 * (1 - np.exp(g)):.1f}% off "
            f"gold), OLS of quarterly log-price changes (WGC/IMF IFS valuation of US gold) on the 10-year CMT's "
            f"changes, {e['first']}..{e['last']}: s.e. {e['se']:.3f}, R² {e['r2']:.2f}; on the real 10-year (TIPS) "
            f"{e['b_real']:.3f}, R² {e['r2_real']:.2f}")


SECTIONS = {
    "hm-gold-rate": gold_rate,
    "hm-tic-agents": tic_agents,
    "hm-denmark": denmark,
    "hm-fed": fed,
    "hm-china-trend": china_trend,
    "hm-foreign-official": foreign_official,
    "hm-granovetter": granovetter,
    "hm-lambda-10y": lambda_10y,
    "hm-a-5y": a_5y,
    "hm-rho": rho,
    "hm-ahmed-rebucci": ahmed_rebucci,
    "hm-lsap1": lsap1,
    "hm-pace-ratio": pace_ratio,
    "hm-kappa": kappa,
    "hm-pile-up": pile_up,
    "hm-backstop-costs": backstop_costs,
    "hm-unwind-price": unwind_price,
    "hm-trust-loadings": trust_loadings,
    "hm-pboc-baseline": pboc_baseline,
    "hm-record-paces": record_paces,
    "hm-year-at-signal-one": year_at_signal_one,
    "hm-threat-weight": threat_weight,
}
