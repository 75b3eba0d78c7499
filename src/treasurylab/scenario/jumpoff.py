"""The jump-off: a run from month m starts from what was observed before m, then re-joins CBO's path.

CBO publishes calendar-year (or quarterly) averages; interpolated to months they miss where the
market is when a run starts (January 2026: CBO's 2-year 3.88%, observed 3.54%). A run starting in
month m therefore begins from the last *observed* values published by the first day of m
(``treasurylab.data.asof`` gives every observation its publication date):

* the yield curve (3m, 2y, 5y, 10y, 30y monthly averages of daily CMT yields) and the policy rate
  (monthly average of the daily effective federal funds rate, DFF) of the last complete month L;
* the holders' TIC month (the newest month whose release is out: about six weeks after its end);
* debt held by the public: the newest published MSPD month-end (marketable debt held by the public,
  scaled like the initial ladder to CBO's measure).

Months up to L use the observed values (the fiscal block's pre-roll runs on what happened); after L
the baseline is CBO's path plus the jump-off gap decaying geometrically::

    x_t = cbo_t + (obs_L - cbo_L) * phi ** (t - L)

``phi`` is the monthly AR(1) coefficient of the series, estimated by OLS on monthly averages from
``gap_fit_first_year`` to L (:func:`estimate_ar1`): CBO's past interest-rate projections are not
bundled (the eval files hold deficits, debt and net interest only), so the gap's persistence is
that of the rate itself around a constant mean; half-lives near five years, consistent with CBO
Working Paper 2017-07 (a random walk beat forecasts of long-term rates). The long rate's ``phi``
(10-year) serves the 2y-30y points, the short rate's (federal funds) the 3-month bill and the policy
rate. ``params/defaults/jumpoff.yaml`` stores the estimates on the bundled data (used by runs);
the backtest re-estimates them on data before each origin. The debt gap does not decay: a level of
debt is a stock that CBO's later deficits add to (it enters as other means of financing in the
month after L).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from treasurylab.errors import BadInput

#: CMT tenors of the fiscal curve (fiscal_inputs.CURVE_TENORS_M) with the fallbacks used where a
#: series is missing (the 30-year was not issued 2002-2006: the 20-year stands in)
CURVE_SERIES = (("3M", ("6M",)), ("2Y", ("1Y", "3Y")), ("5Y", ()), ("10Y", ()), ("30Y", ("20Y",)))


def _mi(s: str) -> int:
    return int(s[:4]) * 12 + int(s[5:7]) - 1


@dataclass(frozen=True)
class JumpOff:
    """What was observed (published) by the first day of the start month."""

    as_of: str                        # 'YYYY-MM-DD'
    last_month: int                   # month number L of the last complete observed month
    months: np.ndarray                # (K,) month numbers with an observed curve, ascending, up to L
    curve: np.ndarray                 # (K, 5) decimal, monthly averages at CURVE_SERIES
    policy: np.ndarray                # (K,) decimal, monthly average DFF (NaN before the series)
    tic_month: str | None             # newest published TIC month
    debt_month: int | None            # month number of the newest published MSPD month-end
    marketable_public: dict           # month number -> MSPD marketable held by the public, USD bn

    def curve_at(self, m: int) -> np.ndarray:
        return self.curve[int(np.searchsorted(self.months, m))]


def _monthly(df, key: str) -> dict[str, dict[int, float]]:
    d = df.assign(month=df["date"].astype(str).str.slice(0, 7))
    g = d.groupby([key, "month"])["value"].mean() / 100.0
    out: dict[str, dict[int, float]] = {}
    for (k, month), v in g.items():
        out.setdefault(str(k), {})[_mi(month)] = float(v)
    return out


@lru_cache(maxsize=64)
def observe(as_of: str) -> JumpOff:
    """The observations published on or before ``as_of`` ('YYYY-MM' = its first day, or a date)."""
    from treasurylab.data.asof import as_date, series_asof
    from treasurylab.params.macro_inputs import ordinal_label

    d = as_date(as_of)
    cut_month = d.year * 12 + d.month - 1          # months before this one are complete by its first day
    cmt = series_asof("yields.cmt", d)
    c = _monthly(cmt[cmt["date"].astype(str) < f"{ordinal_label(cut_month)}-01"], "tenor")
    tens = c.get("10Y", {})
    if not tens:
        raise BadInput("no Treasury yields published before the start", field="start", got=str(d),
                       fix="start after 1962-02 (the first month of the bundled yields)")
    months = np.array(sorted(m for m in tens if m < cut_month))
    curve = np.empty((len(months), 5))
    for j, (ten, fb) in enumerate(CURVE_SERIES):
        col = np.full(len(months), np.nan)
        for src in (ten,) + fb:
            s = c.get(src, {})
            fill = np.array([s.get(int(m), np.nan) for m in months])
            col = np.where(np.isnan(col), fill, col)
        curve[:, j] = col
    ff = series_asof("rates.daily", d, series="DFF")
    f = _monthly(ff[ff["date"].astype(str) < f"{ordinal_label(cut_month)}-01"], "series").get("DFF", {})
    policy = np.array([f.get(int(m), np.nan) for m in months])
    tic = series_asof("tic.holdings", d)
    tic_month = str(max(tic["date"].astype(str))) if len(tic) else None
    ms = series_asof("mspd.summary", d, security_type="Total Marketable")
    mp = {_mi(str(x)[:7]): float(v) for x, v in zip(ms["date"], ms["held_by_public"])}
    return JumpOff(as_of=d.isoformat(), last_month=int(months[-1]), months=months, curve=curve,
                   policy=policy, tic_month=tic_month, debt_month=max(mp) if mp else None,
                   marketable_public=mp)


def estimate_ar1(x: np.ndarray) -> float:
    """OLS AR(1) coefficient of ``x_t = a + phi x_{t-1} + e`` (monthly), clipped to [0, 0.999]."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) < 24:
        raise BadInput("too few months to estimate the gap's persistence", field="jumpoff.gap_fit_first_year",
                       got=len(x), fix="use an earlier first year (at least 24 months of data)")
    X = np.column_stack([np.ones(len(x) - 1), x[:-1]])
    phi = float(np.linalg.lstsq(X, x[1:], rcond=None)[0][1])
    return float(np.clip(phi, 0.0, 0.999))


def half_life(phi: float) -> float:
    return float("inf") if phi >= 1 else float(np.log(0.5) / np.log(phi)) if phi > 0 else 0.0


def estimate_persistence(jump: JumpOff, first_year: int) -> dict[str, float]:
    """{'long': phi of the 10-year, 'short': phi of the federal funds rate} on months from
    ``first_year`` to the jump-off's last observed month (only data published by then)."""
    sel = jump.months >= first_year * 12
    return {"long": estimate_ar1(jump.curve[sel, 3]), "short": estimate_ar1(jump.policy[sel])}


def phis_from_params(params) -> dict[str, float]:
    """Monthly AR(1) coefficients from the stored half-lives (months) of ``jumpoff.yaml``."""
    return {k: 0.5 ** (1.0 / float(params[f"gap_half_life_{k}_months"])) for k in ("long", "short")}


def reanchor(path: np.ndarray, months: np.ndarray, observed: dict[int, float] | np.ndarray,
             phi: float, last: int) -> np.ndarray:
    """``path`` (CBO's, indexed by month numbers ``months``) with observed values up to month ``last``
    and, after it, the gap at ``last`` decaying by ``phi`` a month. ``observed`` maps month number to
    value (only months <= last are read); ``last`` must be observed and, if the path starts after
    it, CBO's value at ``last`` is extrapolated flat (the path's first value)."""
    path = np.asarray(path, dtype=float)
    months = np.asarray(months)
    obs_last = observed[last]
    cbo_last = path[0] if last < months[0] else float(np.interp(last, months, path))
    gap = obs_last - cbo_last
    out = path + gap * phi ** np.maximum(months - last, 0)
    for i, m in enumerate(months):
        if m <= last and int(m) in observed and np.isfinite(observed[int(m)]):
            out[i] = observed[int(m)]
    return out


def anchor_fiscal_inputs(b, jump: JumpOff, phis: dict[str, float]):
    """CBO's fiscal baseline inputs (``fiscal_inputs.BaselineInputs``) with the curve and the bill
    rate re-anchored on the jump-off: observed up to L, then the decaying gap."""
    from treasurylab.params.macro_inputs import ordinal_label

    months = _mi(b.start) + np.arange(b.horizon)
    yields = b.yields.copy()
    for j in range(5):
        obs = {int(m): float(v) for m, v in zip(jump.months, jump.curve[:, j]) if np.isfinite(v)}
        phi = phis["short"] if j == 0 else phis["long"]
        yields[:, j] = reanchor(b.yields[:, j], months, obs, phi, jump.last_month)
    return replace(b, yields=yields, bill_rate=yields[:, 0].copy(),
                   source=b.source + f"; re-anchored on observed yields to {ordinal_label(jump.last_month)} "
                                     f"(published by {jump.as_of}), gap decaying (scenario/jumpoff.py)")


def anchor_policy(policy: np.ndarray, first_month: int, cbo_policy_at_last: float, jump: JumpOff,
                  phi: float) -> np.ndarray:
    """The macro block's baseline policy rate (months from ``first_month``) re-anchored on the last
    observed federal funds rate; ``cbo_policy_at_last``: CBO's rate in the last observed month."""
    k = int(np.searchsorted(jump.months, jump.last_month))
    obs = float(jump.policy[k])
    if not np.isfinite(obs):
        return np.asarray(policy, dtype=float).copy()
    months = first_month + np.arange(len(policy))
    return np.asarray(policy, dtype=float) + (obs - cbo_policy_at_last) * phi ** (months - jump.last_month)


def debt_gap(jump: JumpOff, base_debt: np.ndarray, start_month: int) -> tuple[int, float] | None:
    """(index i of month L in the baseline run, USD bn): how far the newest published MSPD month-end L
    lies from the baseline run's debt, in the model's units (CBO's measure). The run's first month
    (``start_month``, index 0) is the anchor: observed debt at L = model debt at index 0 x MSPD's
    growth of marketable debt held by the public from then to L. None where L is not after the first
    month or outside the run, or MSPD lacks a month."""
    L = jump.debt_month
    if L is None or start_month not in jump.marketable_public or L not in jump.marketable_public:
        return None
    i = L - start_month
    if i <= 0 or i >= len(base_debt):
        return None
    obs = float(base_debt[0]) * jump.marketable_public[L] / jump.marketable_public[start_month]
    return i, obs - float(base_debt[i])


@dataclass
class Anchored:
    """A CBO baseline re-anchored on the jump-off (what ``setup.prepare`` uses)."""

    inputs: object                    # fiscal_inputs.BaselineInputs, re-anchored
    base_run: dict                    # fiscal_inputs.run_baseline on those inputs
    jump: JumpOff
    phis: dict[str, float]
    cbo_policy_at_last: float | None  # CBO's policy rate in the last observed month (None: not covered)
    debt_gap_bn: float                # observed - baseline debt at the newest MSPD month (0 if none)
    released: dt.date                 # when CBO published the vintage (data.asof's rule), for summary()

    def summary(self, start: str) -> dict:
        """What the run started from, for the results' metadata (JSON-ready)."""
        from treasurylab.params.macro_inputs import ordinal_label

        j = self.jump
        k = int(np.searchsorted(j.months, j.last_month))
        vintage = str(self.inputs.vintage)
        released = self.released
        out = {"as_of": j.as_of, "last_observed_month": ordinal_label(j.last_month),
               "y10_observed": float(j.curve[k, 3]), "y2_observed": float(j.curve[k, 1]),
               "policy_observed": float(j.policy[k]), "tic_month": j.tic_month,
               "debt_month": ordinal_label(j.debt_month) if j.debt_month is not None else None,
               "debt_gap_bn": self.debt_gap_bn,
               "half_life_months": {k_: half_life(v) for k_, v in self.phis.items()},
               "baseline_available_from": released.isoformat(),
               "units": {"y10_observed": "fraction (0.045 = 4.5 percent)", "y2_observed": "fraction (0.045 = 4.5 percent)",
                         "policy_observed": "fraction (0.045 = 4.5 percent)", "debt_gap_bn": "USD bn",
                         "half_life_months": "months"}}
        if released > as_date_of(start):
            out["look_ahead"] = (f"the CBO {vintage} baseline was published after the start ({start}): the "
                                 "observed jump-off is as of the start, the baseline path is not")
        return out

    def policy(self, policy: np.ndarray, first_month: int) -> np.ndarray:
        if self.cbo_policy_at_last is None:
            return np.asarray(policy, dtype=float).copy()
        return anchor_policy(policy, first_month, self.cbo_policy_at_last, self.jump, self.phis["short"])


def anchored(vintage: str, start: str, fparams, jparams, mparams=None) -> Anchored:
    """CBO's baseline ``vintage`` for a run from ``start`` re-anchored on what was published by then
    (``mparams``: the macro block's ParamSet when the caller has it, read from macro.yaml otherwise)."""
    from treasurylab.params.macro_inputs import macro_baseline, macro_span, ordinal_label
    from treasurylab.scenario import fiscal_inputs as FI

    jump = observe(str(start)[:7])
    phis = phis_from_params(jparams)
    b = anchor_fiscal_inputs(FI.cbo_baseline_inputs(vintage, fparams), jump, phis)
    base = FI.run_baseline(vintage, fparams, inputs=b)
    gap_bn = 0.0
    g = debt_gap(jump, np.asarray(base["debt"]), _mi(b.start))
    if g is not None and g[0] + 1 < b.horizon:
        i, gap_bn = g
        om = b.other_means.copy()
        om[i + 1] += gap_bn            # enters the month after the observation: debt passes through it
        b = replace(b, other_means=om)
        base = FI.run_baseline(vintage, fparams, inputs=b)
    lo, hi = macro_span(vintage)
    cbo_pol = None
    if lo <= jump.last_month <= hi:
        cbo_pol = float(macro_baseline(ordinal_label(jump.last_month), 1, mparams, vintage=vintage).policy[0])
    from treasurylab.data.asof import release_date

    return Anchored(inputs=b, base_run=base, jump=jump, phis=phis, cbo_policy_at_last=cbo_pol,
                    debt_gap_bn=float(gap_bn), released=release_date("cbo.eval.baselines", str(b.vintage)))


def latest_start() -> str:
    """The month after the newest observation of the bundled daily yields ('start: latest')."""
    from treasurylab import data
    from treasurylab.params.macro_inputs import ordinal_label

    d = max(data.series("yields.cmt", series="DGS10")["date"].astype(str))
    return ordinal_label(_mi(d[:7]) + 1)


def as_date_of(month: str):
    """The first day of ``month`` ('YYYY-MM'), the as-of date of a run starting then."""
    from treasurylab.data.asof import as_date

    return as_date(str(month)[:7])
