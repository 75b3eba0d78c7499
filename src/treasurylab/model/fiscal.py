"""Fiscal block: federal debt held by the public as an issuance-cohort maturity calendar.

Role
----
Advance the debt of the US Treasury month by month for N paths at once: coupons and bill discount
accrue on every live cohort, maturing principal is rolled over, the deficit is financed, and new
cohorts are priced at the yield curve passed in. Pure numpy float64; no I/O, no pandas; one Python
loop over months only (never over paths or securities).

Per-month API (stable; the coupled runner calls it month by month)
----------------------------------------------------------------
::

    from treasurylab.model import fiscal as F

    params = treasurylab.params.load_params("fiscal")   # any mapping with other_interest_offset (share
                                       # of GDP), tips_breakeven, frn_spread, stabiliser_semi_elasticity,
                                       # revenue_share_gdp (and the mix keys for mix_from_params)
    ladder = fiscal_inputs.initial_ladder("2026-01", params)   # F.Ladder at the start of that month
                                       # (treasurylab.scenario.fiscal_inputs; MSPD data: 2022-02 .. 2026-06)
    mix = F.make_mix(bill_share=0.21, bill_weights={...}, coupon_weights={...})   # or F.mix_from_params(p)
    state = F.init_state(ladder, n_paths, horizon, params, curve_tenors_m=(3, 24, 60, 120, 360))
    for t in range(horizon):
        out = F.step(state, t,
                     yields,           # (N, K) or (K,): annual decimal par yields at curve_tenors_m
                     bill_rate,        # (N,) or scalar: bill investment yield (bond-equivalent), decimal
                     primary_deficit,  # (N,) or scalar: baseline primary deficit, USD bn in this month
                     ngdp,             # (N,) or scalar: nominal GDP, USD bn at an annual rate
                     inflation,        # (N,) or scalar: CPI-U inflation, annual decimal (TIPS accrual)
                     mix,              # F.IssuanceMix (same for all paths; may change month to month)
                     output_gap=0.0,   # (N,) or scalar: (Y - Y*)/Y*, drives automatic stabilisers
                     revenue=None,     # (N,) or scalar: revenue USD bn in this month (default: share of GDP)
                     other_means=0.0,  # (N,) or scalar: other means of financing, USD bn in this month
                     fed_share=0.0)    # (N,) or scalar: Fed's share of debt held by the public (0-1)
        out["debt"], out["debt_gdp"], out["net_interest"], ...   # dict of (N,) float64 arrays

    res = F.simulate(ladder, params, mix, yields=(N|1, T, K), bill_rate=(N|1, T), ...)  # dict of (N, T)
    F.fiscal_year_totals(res["net_interest"], start="2025-10")   # -> (years, (N, n_fy)) sums
    F.fiscal_year_end(res["debt"], start="2025-10")             # -> (years, (N, n_fy)) Sep values

``step`` returns (all shape (N,), USD bn unless stated; flows are *this month's*, not annualised):

==================  ==========================================================================
debt                debt held by the public at the end of the month (= sum of live cohorts)
debt_gdp            debt / nominal GDP (fraction)
interest_gross      interest on debt held by the public accrued this month (coupons, bill
                    discount, FRN coupons, TIPS real coupon and TIPS inflation accrual)
net_interest        CBO-definition net interest = interest_gross - other_interest_offset * ngdp/12
net_interest_gdp    net_interest * 12 / ngdp (fraction of GDP at an annual rate)
net_interest_rev    net_interest / revenue (fraction of revenue)
avg_rate            interest_gross * 12 / debt at the start of the month (annual decimal)
wam                 weighted average maturity of marketable debt, months
bill_share          bills / marketable debt
rollover            maturing principal paid this month (rollover need)
gross_issuance      cash raised by new issues = rollover + cash deficit + other means
deficit             primary_deficit (incl. stabilisers) + net_interest
primary_deficit     baseline primary deficit + automatic stabilisers
tips_accrual        non-cash TIPS inflation accrual (part of interest and of debt)
excess_surplus      surplus that could not retire debt (all nominal debt bought back); 0 normally
interest_to_fed     interest_gross * fed_share: the part of net interest paid to the Federal Reserve
                    on its holdings (``fed_share`` input, default 0); it stays *in* net interest and
                    comes back as remittances, which are revenue (see Definitions)
==================  ==========================================================================

State and equations
-------------------
Months t = 0..T-1; the initial ladder's ``due[k]`` is principal repaid in simulated month k.
Calendars are stored time-major, ``due[k, n]`` (so one month is one contiguous row); the
path-first views of DESIGN.md are ``state.principal_due`` = ``due.T`` etc. Only rows that can be
reached inside the horizon (k <= T) are stored: a cohort repaid after the last month never matures
in the run, and its principal and coupons live in the running totals (outstanding, coupon flow,
WAM sums), which keeps memory at O(N*T) instead of O(N*(T+360)).

The seven calendars (``due``, ``cpn_delta``, ``bill_due``, ``tips_due``, ``tips_delta``, ``frn_due``,
``frn_spr_delta``) are views of one (7, rows, N) block. A month's 17 new securities (6 bills,
7 nominal, 3 TIPS, the FRN) are written as rows of one buffer - their amounts, minus their coupon
flows, and the three flows that start next month - and added to their calendars with a single
fancy-indexed add (no two of them land on the same calendar month, so the add is exact). The
result is bit for bit that of adding each tenor to each calendar separately.

Fixed-rate nominal securities (bills 1/2/3/4/6/12 months for the 4-52 week bills; notes
2/3/5/7/10 y; bonds 20/30 y) share one principal calendar ``due`` and one coupon difference array
``cpn_delta`` (USD bn per year). Issuing A at annual rate r for m months in month t::

    due[t+m] += A;   cpn_delta[t+1] += A*r;   cpn_delta[t+m+1] -= A*r

so the running coupon flow ``cpn(t) = cpn(t-1) + cpn_delta[t]`` costs O(#tenors) per path and the
issue earns interest in months t+1..t+m (m months). Bills are accrued the same way (discount
amortised monthly at the investment yield), which is how the Treasury and CBO record bill interest.

TIPS: principal kept in real terms (index ratio 1 at t=0); ``idx(t) = idx(t-1)*(1+pi_t)^(1/12)``;
interest = real coupons * idx(t)/12 + real outstanding * (idx(t) - idx(t-1)) (the accrual adds to
debt without cash); maturing TIPS repay real principal * idx(t). New TIPS are issued at a real
coupon ``y(m) - tips_breakeven`` (the nominal curve less the inflation compensation).
(The deflation floor at par is not modelled: it binds only if the index falls over a TIPS's life.)

FRN (2 y): coupon = outstanding * (bill_rate + spread)/12, the spread fixed per cohort at issue
(``frn_spread``), resetting with the bill rate every month.

One month, in order::

    interest_gross = cpn/12 + frn_out*(bill_rate)/12 + frn_spread_flow/12
                     + tips_cpn_real*idx/12 + tips_real_out*(idx - idx_prev)
    net_interest   = interest_gross - other_interest_offset * ngdp/12
    primary        = primary_deficit_input - stabiliser_semi_elasticity * output_gap * ngdp/12
    deficit        = primary + net_interest
    rollover       = due[t] + frn_due[t] + tips_due_real[t]*idx
    gross_issuance = rollover + deficit - tips_accrual + other_means
    bills issued   B = clip(bill_share * debt_next - (bills_out - bill_due[t]), 0, gross_issuance)
    coupons issued gross_issuance - B, split by the coupon tenor weights (nominal, TIPS, FRN)
    debt(t)        = debt(t-1) + deficit(t) + other_means(t)        (exact, every path)

If gross issuance is negative (a surplus larger than maturing debt), the excess buys back fixed-rate
nominal debt pro rata over every future cohort (scaling ``due``, ``cpn`` and ``cpn_delta`` by one
factor keeps the calendar exact); any excess beyond all nominal debt is reported as
``excess_surplus`` and left as cash, so then ``debt(t) = debt(t-1) + deficit + other_means +
excess_surplus``. Principal never goes negative.

Curve: new nominal issues at tenor m are priced at a yield linearly interpolated in maturity on the
knots {3 months: bill_rate} U {curve_tenors_m > 3: yields}, flat beyond the ends. So the bill rate
prices bills up to 3 months and FRN resets, and the 10-year and 30-year points price long issues.

WAM is kept exactly from two running sums per calendar (S0 = sum of live principal,
S1 = sum of principal * due month), so ``wam(t) = (S1 - t*S0)/S0`` with no scan over the ladder.

Definitions (CBO)
-----------------
*Debt held by the public* is all federal debt not held by federal trust funds or other government
accounts; it includes the Federal Reserve's holdings (the Fed is not part of the government for
this purpose). *Net interest* (budget function 900) is interest on debt held by the public (so it
includes interest paid to the Fed) minus the government's interest income (interest on credit
financing accounts, on loans, on its cash) and plus other interest; interest paid to trust funds
is intragovernmental and nets out. Federal Reserve remittances are *revenues* (miscellaneous
receipts), not a reduction in net interest: they enter through the primary deficit that is passed
in (CBO's baseline primary deficit already includes CBO's projection of remittances). The residual
between interest on debt held by the public and net interest - the government's own interest income
net of other interest outlays - is one constant share *of GDP*, ``other_interest_offset`` (fitted
once on FY2023-2025 actuals; see params/defaults/fiscal.yaml and docs/fiscal.md). It is a share of
GDP, not of interest, because that income comes from the government's financial assets (credit
financing accounts, cash), which grow with the economy rather than with the debt's interest bill.

Automatic stabilisers: the primary deficit rises by ``stabiliser_semi_elasticity`` percent of GDP
per percentage point of negative output gap (labelled parameter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from treasurylab.errors import BadInput

# --- tenors (months) --------------------------------------------------------------------------
#: Bill tenors: 4, 8, 13, 17, 26 and 52 weeks, rounded to whole months.
BILL_KEYS = ("b1m", "b2m", "b3m", "b4m", "b6m", "b12m")
BILL_TENORS_M = np.array([1, 2, 3, 4, 6, 12], dtype=np.int64)
#: Coupon securities: nominal notes and bonds, TIPS, and the 2-year FRN.
NOMINAL_KEYS = ("n2y", "n3y", "n5y", "n7y", "n10y", "n20y", "n30y")
NOMINAL_TENORS_M = np.array([24, 36, 60, 84, 120, 240, 360], dtype=np.int64)
TIPS_KEYS = ("tips5y", "tips10y", "tips30y")
TIPS_TENORS_M = np.array([60, 120, 360], dtype=np.int64)
FRN_KEYS = ("frn2y",)
FRN_TENORS_M = np.array([24], dtype=np.int64)
COUPON_KEYS = NOMINAL_KEYS + TIPS_KEYS + FRN_KEYS
MAX_TENOR_M = 360
DEFAULT_CURVE_TENORS_M = (3, 24, 60, 120, 360)

OUTPUTS = ("debt", "debt_gdp", "interest_gross", "net_interest", "net_interest_gdp",
           "net_interest_rev", "avg_rate", "wam", "bill_share", "rollover", "gross_issuance",
           "deficit", "primary_deficit", "tips_accrual", "excess_surplus", "interest_to_fed")

_SHARE_TOL = 1e-6

# A month's new issues are written as rows of one buffer and added to the calendars with one
# scatter (see ``step`` and ``_issue_entries``). The calendars are stacked in this order in one block.
_CALENDARS = ("due", "cpn_delta", "bill_due", "tips_due", "tips_delta", "frn_due", "frn_spr_delta")
_NB, _NN, _NT = len(BILL_KEYS), len(NOMINAL_KEYS), len(TIPS_KEYS)
_NNEW = _NB + _NN + _NT + 1         # 17 securities issued a month (bills, nominal, TIPS, FRN)
_NBUF = 2 * _NNEW + 3               # their amounts, minus their coupon flows, 3 flows starting next month


# --- inputs -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ladder:
    """The initial maturity ladder (USD bn), indexed by the simulated month k in which it is repaid.

    ``nominal_due[k]`` fixed-rate nominal principal (bills, notes, bonds) repaid in month k;
    ``nominal_coupon[k]`` the annual coupon (or bill discount) flow, USD bn/yr, of that principal;
    ``bill_due[k]`` the bills among ``nominal_due`` (k < 12); ``tips_due[k]`` TIPS principal including
    inflation compensation to date (index ratio 1 at t=0) and ``tips_coupon[k]`` its real coupon flow;
    ``frn_due[k]`` FRN principal (k < 24) and ``frn_spread`` their average spread (decimal).
    ``start`` is the first simulated month 'YYYY-MM'.
    """

    nominal_due: np.ndarray
    nominal_coupon: np.ndarray
    bill_due: np.ndarray
    tips_due: np.ndarray
    tips_coupon: np.ndarray
    frn_due: np.ndarray
    frn_spread: float
    start: str
    source: str = ""

    def __post_init__(self) -> None:
        for name in ("nominal_due", "nominal_coupon", "bill_due", "tips_due", "tips_coupon", "frn_due"):
            a = np.array(getattr(self, name), dtype=np.float64)   # own copy, then read-only: ladders are cached
            if a.ndim != 1 or len(a) == 0 or len(a) > MAX_TENOR_M + 1:
                raise BadInput(f"must be a 1-D array of at most {MAX_TENOR_M + 1} months",
                               field=f"ladder.{name}", got=a.shape, fix="index it by month of repayment")
            if not np.all(np.isfinite(a)) or np.any(a < 0):
                raise BadInput("must be finite and non-negative", field=f"ladder.{name}",
                               got=float(np.nanmin(a)), fix="principal and coupons cannot be negative")
            a.setflags(write=False)
            object.__setattr__(self, name, a)
        nb = min(len(self.bill_due), len(self.nominal_due))
        if len(self.bill_due) > len(self.nominal_due) or np.any(self.bill_due[:nb] > self.nominal_due[:nb] + 1e-9):
            raise BadInput("bills exceed the nominal principal due in the same month",
                           field="ladder.bill_due", fix="bill_due is a subset of nominal_due")
        if len(self.bill_due) > 13 and np.any(self.bill_due[13:] > 0):
            raise BadInput("bills mature within 12 months", field="ladder.bill_due",
                           fix="put longer securities in nominal_due only")

    @property
    def marketable(self) -> float:
        return float(self.nominal_due.sum() + self.tips_due.sum() + self.frn_due.sum())

    @property
    def wam_months(self) -> float:
        tot = 0.0
        s1 = 0.0
        for a in (self.nominal_due, self.tips_due, self.frn_due):
            k = np.arange(1, len(a) + 1)
            tot += a.sum()
            s1 += (a * k).sum()
        return s1 / tot

    @property
    def bill_share(self) -> float:
        return float(self.bill_due.sum()) / self.marketable

    @property
    def average_rate(self) -> float:
        """Average coupon rate of the ladder (FRN at its spread only; add the bill rate for the total)."""
        return float(self.nominal_coupon.sum() + self.tips_coupon.sum()) / self.marketable


@dataclass(frozen=True)
class IssuanceMix:
    """Issuance policy: target bill share of marketable debt and tenor weights (each summing to 1)."""

    bill_share: float
    bill_weights: np.ndarray     # over BILL_KEYS
    coupon_weights: np.ndarray   # over COUPON_KEYS


def _weights(w: Mapping[str, float] | Any, keys: tuple[str, ...], field_: str) -> np.ndarray:
    if isinstance(w, Mapping):
        unknown = [k for k in w if k not in keys]
        if unknown:
            from treasurylab.errors import did_you_mean

            raise BadInput("unknown tenor", field=f"{field_}.{unknown[0]}", fix=did_you_mean(unknown[0], keys))
        arr = np.array([float(w.get(k, 0.0)) for k in keys])
    else:
        arr = np.asarray(w, dtype=np.float64).ravel()
        if arr.shape != (len(keys),):
            raise BadInput(f"needs {len(keys)} weights ({', '.join(keys)})", field=field_, got=arr.shape,
                           fix="give one weight per tenor")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise BadInput("weights must be non-negative", field=field_, got=arr.tolist(),
                       fix="use shares in [0, 1]")
    if abs(arr.sum() - 1.0) > _SHARE_TOL:
        raise BadInput("weights must sum to 1", field=field_, got=round(float(arr.sum()), 6),
                       fix="rescale the tenor weights so they add up to 1")
    return arr


def make_mix(bill_share: float, bill_weights: Mapping[str, float] | Any,
             coupon_weights: Mapping[str, float] | Any) -> IssuanceMix:
    """Validated :class:`IssuanceMix`; bad shares raise BadInput naming the field."""
    bs = float(bill_share)
    if not np.isfinite(bs) or not 0.0 <= bs <= 1.0:
        raise BadInput("must be between 0 and 1", field="bill_share", got=bs,
                       fix="give the target share of bills in marketable debt, e.g. 0.21")
    return IssuanceMix(bs, _weights(bill_weights, BILL_KEYS, "bill_weights"),
                       _weights(coupon_weights, COUPON_KEYS, "coupon_weights"))


def mix_from_params(params: Mapping[str, Any], bill_share: float | None = None) -> IssuanceMix:
    """The issuance mix of the fiscal parameter block (``bill_share_target``, ``bill_weights``,
    ``coupon_weights``); ``bill_share`` overrides the target (a scenario knob)."""
    return make_mix(params["bill_share_target"] if bill_share is None else bill_share,
                    params["bill_weights"], params["coupon_weights"])


# --- state --------------------------------------------------------------------------------------
@dataclass
class FiscalState:
    """All path-dependent fiscal state; calendars time-major (rows = months, columns = paths)."""

    n_paths: int
    horizon: int
    curve_tenors_m: np.ndarray
    due: np.ndarray            # (T+2, N) fixed-rate nominal principal by month of repayment
    cpn_delta: np.ndarray      # (T+2, N) change of the nominal coupon flow (USD bn/yr)
    bill_due: np.ndarray       # (T+2, N) bills by month of repayment (subset of due)
    tips_due: np.ndarray       # (T+2, N) TIPS real principal
    tips_delta: np.ndarray     # (T+2, N) change of the TIPS real coupon flow
    frn_due: np.ndarray        # (T+2, N)
    frn_spr_delta: np.ndarray  # (T+2, N) change of the FRN spread flow (USD bn/yr)
    cpn: np.ndarray            # (N,) running nominal coupon flow
    tips_cpn: np.ndarray       # (N,) running TIPS real coupon flow
    frn_spr: np.ndarray        # (N,) running FRN spread flow
    nom_out: np.ndarray        # (N,) fixed-rate nominal outstanding (incl. bills)
    bill_out: np.ndarray
    tips_out: np.ndarray       # real
    frn_out: np.ndarray
    idx: np.ndarray            # TIPS index ratio (1 at t=0)
    s1_nom: np.ndarray         # sum over live fixed-rate nominal principal of its repayment month
    s1_frn: np.ndarray         # same for FRN
    s1_tips: np.ndarray        # same for TIPS (real)
    cash: np.ndarray           # excess surplus held as cash (normally 0)
    t_next: int = 0
    # parameters (scalars)
    offset: float = 0.0
    tips_breakeven: float = 0.0
    frn_spread_new: float = 0.0
    stabiliser: float = 0.0
    revenue_share: float = 0.0
    _wb: np.ndarray = field(default=None, repr=False)   # (6, K') bill-tenor interpolation weights
    _wc: np.ndarray = field(default=None, repr=False)   # (11, K') coupon-tenor interpolation weights
    _cal: np.ndarray = field(default=None, repr=False)  # (7, rows, N): the seven calendars above, as views
    _buf: np.ndarray = field(default=None, repr=False)  # (37, N) this month's new-issue rows (see step)
    _knot_rows: Any = field(default=None, repr=False)    # which curve tenors are knots (> 3 months)
    _rates: np.ndarray = field(default=None, repr=False)  # (17, N) their rates

    def copy(self) -> FiscalState:
        """An independent copy, with the same numbers: the calendars' block copied once and the seven
        calendars pointed at it (``copy.deepcopy`` copied each view as well as the block, then
        :func:`step` stacked them again); the interpolation weights, never written, are shared."""
        new = replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)
                               if isinstance(getattr(self, f.name), np.ndarray)
                               and f.name not in _CALENDARS and f.name not in ("_cal", "_wb", "_wc", "_buf", "_rates")})
        if self._cal is not None and self.due.base is self._cal:
            new._cal = self._cal.copy()
            for i, name in enumerate(_CALENDARS):
                setattr(new, name, new._cal[i])
        else:
            for name in _CALENDARS:
                setattr(new, name, getattr(self, name).copy())
            new._cal = None
        if self._buf is not None:
            new._buf, new._rates = np.empty_like(self._buf), np.empty_like(self._rates)
        return new

    @property
    def principal_due(self) -> np.ndarray:
        """Path-first view (N, T+L) of the fixed-rate nominal principal calendar."""
        return self.due.T

    @property
    def coupon_delta(self) -> np.ndarray:
        return self.cpn_delta.T

    @property
    def marketable(self) -> np.ndarray:
        return self.nom_out + self.frn_out + self.tips_out * self.idx

    @property
    def debt(self) -> np.ndarray:
        return self.marketable


def _pget(params: Mapping[str, Any], name: str) -> float:
    try:
        v = params[name]
    except KeyError:
        raise BadInput("missing fiscal parameter", field=name,
                       fix="load the block with treasurylab.params.load_params('fiscal')") from None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise BadInput("must be a number", field=name, got=v, fix="see params/defaults/fiscal.yaml") from None


def init_state(ladder: Ladder, n_paths: int, horizon: int, params: Mapping[str, Any],
               curve_tenors_m: tuple[int, ...] | np.ndarray = DEFAULT_CURVE_TENORS_M,
               full_calendar: bool = False) -> FiscalState:
    """Allocate the calendars for ``n_paths`` x ``horizon`` months and load the initial ladder.

    ``full_calendar=True`` stores every repayment month (T+L+2 rows) instead of those inside the
    horizon (T+2), for inspection and tests; results are identical either way."""
    if not isinstance(ladder, Ladder):
        raise BadInput("must be a treasurylab.model.fiscal.Ladder", field="ladder", got=type(ladder).__name__,
                       fix="build it with treasurylab.scenario.fiscal_inputs.initial_ladder()")
    n = int(n_paths)
    T = int(horizon)
    if n < 1:
        raise BadInput("must be >= 1", field="n_paths", got=n_paths, fix="run at least one path")
    if T < 1 or T > 1200:
        raise BadInput("must be between 1 and 1200 months", field="horizon", got=horizon,
                       fix="give the number of monthly steps")
    ct = np.asarray(curve_tenors_m, dtype=np.float64).ravel()
    if ct.size < 1 or np.any(~np.isfinite(ct)) or np.any(ct <= 0) or np.any(np.diff(ct) <= 0):
        raise BadInput("tenors must be positive and increasing", field="curve_tenors_m", got=ct.tolist(),
                       fix="give key tenors in months, e.g. (3, 24, 60, 120, 360)")
    rows = T + MAX_TENOR_M + 2 if full_calendar else T + 2
    # one block for the seven calendars, so that a month's new issues land with one scatter-add
    cal = np.zeros((len(_CALENDARS), rows, n))
    st = FiscalState(
        n_paths=n, horizon=T, curve_tenors_m=ct, **{name: cal[i] for i, name in enumerate(_CALENDARS)},
        cpn=np.zeros(n), tips_cpn=np.zeros(n), frn_spr=np.zeros(n),
        nom_out=np.zeros(n), bill_out=np.zeros(n), tips_out=np.zeros(n), frn_out=np.zeros(n),
        idx=np.ones(n), s1_nom=np.zeros(n), s1_frn=np.zeros(n), s1_tips=np.zeros(n), cash=np.zeros(n),
    )
    st.offset = _pget(params, "other_interest_offset")
    st.tips_breakeven = _pget(params, "tips_breakeven")
    st.frn_spread_new = _pget(params, "frn_spread")
    st.stabiliser = _pget(params, "stabiliser_semi_elasticity")
    st.revenue_share = _pget(params, "revenue_share_gdp")
    if not -0.05 <= st.offset <= 0.05:
        raise BadInput("must be between -0.05 and 0.05", field="other_interest_offset", got=st.offset,
                       fix="a share of nominal GDP (annual), e.g. 0.001")

    # Load the ladder: the coupon flow of principal due in month k runs in months 0..k, so it is in the
    # running flow from the start and leaves at k+1 (same convention as new issues).
    def load(due, delta, flow, a_due, a_cpn):
        k = min(len(a_due), rows)
        due[:k] += a_due[:k, None]
        flow += a_cpn.sum()
        k1 = min(len(a_cpn), rows - 1)
        delta[1:k1 + 1] -= a_cpn[:k1, None]

    load(st.due, st.cpn_delta, st.cpn, ladder.nominal_due, ladder.nominal_coupon)
    kb = min(len(ladder.bill_due), rows)
    st.bill_due[:kb] += ladder.bill_due[:kb, None]
    load(st.tips_due, st.tips_delta, st.tips_cpn, ladder.tips_due, ladder.tips_coupon)
    load(st.frn_due, st.frn_spr_delta, st.frn_spr, ladder.frn_due, ladder.frn_spread * ladder.frn_due)
    st.nom_out += ladder.nominal_due.sum()
    st.bill_out += ladder.bill_due.sum()
    st.tips_out += ladder.tips_due.sum()
    st.frn_out += ladder.frn_due.sum()
    st.s1_nom += (ladder.nominal_due * np.arange(len(ladder.nominal_due))).sum()
    st.s1_frn += (ladder.frn_due * np.arange(len(ladder.frn_due))).sum()
    st.s1_tips += (ladder.tips_due * np.arange(len(ladder.tips_due))).sum()
    knots = np.concatenate([[3.0], ct[ct > 3.0]])
    eye = np.eye(len(knots))
    st._wb = np.ascontiguousarray(_interp(knots, eye, BILL_TENORS_M.astype(np.float64)))
    c_ten = np.concatenate([NOMINAL_TENORS_M, TIPS_TENORS_M, FRN_TENORS_M]).astype(np.float64)
    st._wc = np.ascontiguousarray(_interp(knots, eye, c_ten))
    st._cal = cal
    st._buf = np.empty((_NBUF, n))
    st._rates = np.empty((_NNEW, n))
    return st


# --- the month ----------------------------------------------------------------------------------
def _col_or_scalar(x: Any, n: int, name: str) -> np.ndarray | float:
    """Like :func:`_col`, but a scalar stays a float (it broadcasts to the same numbers)."""
    if isinstance(x, (int, float)):
        return float(x)
    a = np.asarray(x, dtype=np.float64)
    return float(a) if a.ndim == 0 else _col(a, n, name)


def _col(x: Any, n: int, name: str) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 0:
        return np.full(n, float(a))
    if a.shape != (n,):
        raise BadInput(f"must be a scalar or shape ({n},)", field=name, got=a.shape, fix="one value per path")
    return a


def _interp(knot_t: np.ndarray, knot_y: np.ndarray, tenors: np.ndarray) -> np.ndarray:
    """Linear interpolation in maturity, flat outside; knot_y (K, N) -> (len(tenors), N)."""
    pos = np.clip(np.searchsorted(knot_t, tenors, side="right") - 1, 0, len(knot_t) - 1)
    hi = np.clip(pos + 1, 0, len(knot_t) - 1)
    span = knot_t[hi] - knot_t[pos]
    w = np.where(span > 0, (np.clip(tenors, knot_t[0], knot_t[-1]) - knot_t[pos]) / np.where(span > 0, span, 1), 0.0)
    return knot_y[pos] * (1 - w)[:, None] + knot_y[hi] * w[:, None]


def _knots(state: FiscalState, yields: Any, bill_rate: np.ndarray) -> np.ndarray:
    """The interpolation knots (K', N): the bill rate, then the curve's yields beyond 3 months."""
    n = state.n_paths
    y = np.asarray(yields, dtype=np.float64)
    K = len(state.curve_tenors_m)
    if y.ndim == 1:
        if y.shape != (K,):
            raise BadInput(f"must have {K} yields (tenors {state.curve_tenors_m.tolist()} months)",
                           field="yields", got=y.shape, fix="pass yields at curve_tenors_m")
        y = np.broadcast_to(y[:, None], (K, n))
    elif y.shape == (n, K):
        y = y.T
    else:
        raise BadInput(f"must be shape ({n}, {K}) or ({K},)", field="yields", got=y.shape,
                       fix="pass one row of key-tenor yields per path")
    keep = state._knot_rows
    if keep is None:                   # the curve tenors beyond 3 months: a slice when contiguous
        idx = np.flatnonzero(state.curve_tenors_m > 3.0)
        keep = state._knot_rows = slice(idx[0], idx[-1] + 1) if len(idx) and idx[-1] - idx[0] + 1 == len(idx) \
            else idx
    return np.concatenate([bill_rate[None, :], y[keep]], axis=0)


def price_curve(state: FiscalState, yields: Any, bill_rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Yields (decimal) for new bills (6, N) and coupon tenors (11, N), from the curve and bill rate."""
    knots_y = _knots(state, yields, bill_rate)
    return state._wb @ knots_y, state._wc @ knots_y


def _price_into(state: FiscalState, yields: Any, bill_rate: np.ndarray, out: np.ndarray) -> None:
    """:func:`price_curve` written into ``out`` (17, N): bills in rows 0..5, coupon tenors below."""
    knots_y = _knots(state, yields, bill_rate)
    np.matmul(state._wb, knots_y, out=out[:_NB])
    np.matmul(state._wc, knots_y, out=out[_NB:])


def check_month(state: FiscalState, t: int, mix: Any) -> None:
    """The checks of a month before :func:`step` changes anything."""
    if t != state.t_next:
        raise BadInput("months must be stepped in order", field="t", got=t,
                       fix=f"call step with t={state.t_next}")
    if t >= state.horizon:
        raise BadInput("past the horizon the state was built for", field="t", got=t,
                       fix=f"init_state with horizon > {t}")
    if not isinstance(mix, IssuanceMix):
        raise BadInput("must be an IssuanceMix", field="mix", got=type(mix).__name__,
                       fix="build it with make_mix(...) or mix_from_params(params)")


def step(state: FiscalState, t: int, yields: Any, bill_rate: Any, primary_deficit: Any, ngdp: Any,
         inflation: Any, mix: IssuanceMix, output_gap: Any = 0.0, revenue: Any = None,
         other_means: Any = 0.0, fed_share: Any = 0.0,
         outputs: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Advance every path by month ``t`` (must equal ``state.t_next``); returns this month's outputs.

    ``outputs``: the names (of :data:`OUTPUTS`) to return; None returns all of them. A caller that
    needs a few (the coupled run) skips the arithmetic of the others; the state advances the same.
    """
    check_month(state, t, mix)
    n = state.n_paths
    br = _col(bill_rate, n, "bill_rate")
    pdef = _col(primary_deficit, n, "primary_deficit")
    gdp = _col(ngdp, n, "ngdp")
    pi = _col(inflation, n, "inflation")
    # inputs that are often a scalar (0 by default) stay scalars: broadcasting gives the same numbers
    gap = _col_or_scalar(output_gap, n, "output_gap")
    om = _col_or_scalar(other_means, n, "other_means")
    fs = _col_or_scalar(fed_share, n, "fed_share")
    if (fs < 0 or fs > 1) if isinstance(fs, float) else np.any((fs < 0) | (fs > 1)):
        raise BadInput("must be between 0 and 1", field="fed_share", got=float(np.max(fs) if np.any(fs > 1) else np.min(fs)),
                       fix="the Federal Reserve's share of debt held by the public")
    if (gdp <= 0).any():
        raise BadInput("must be positive", field="ngdp", got=float(gdp.min()), fix="nominal GDP in USD bn (annual rate)")
    if (pi <= -1).any():
        raise BadInput("must be > -1", field="inflation", got=float(pi.min()), fix="annual rate as a decimal")
    st = state
    if st._cal is None or st.due.base is not st._cal:
        _rebind_calendars(st)            # a copied state (deepcopy/pickle) no longer shares one block

    want = OUTPUTS if outputs is None else outputs
    debt_prev = st.marketable if "avg_rate" in want else None     # only that output needs it
    # 1. interest accrued this month on every live cohort
    st.cpn += st.cpn_delta[t]
    st.tips_cpn += st.tips_delta[t]
    st.frn_spr += st.frn_spr_delta[t]
    idx_prev = st.idx
    idx = idx_prev * (1.0 + pi) ** (1.0 / 12.0)
    tips_accrual = st.tips_out * (idx - idx_prev)
    interest = (st.cpn + st.frn_out * br + st.frn_spr + st.tips_cpn * idx) / 12.0 + tips_accrual
    net_interest = interest - st.offset * gdp / 12.0
    primary = pdef - st.stabiliser * gap * gdp / 12.0
    deficit = primary + net_interest

    # 2. maturing principal
    m_nom = st.due[t]
    m_bill = st.bill_due[t]
    m_frn = st.frn_due[t]
    m_tips_real = st.tips_due[t]
    rollover = m_nom + m_frn + m_tips_real * idx
    nom_left = st.nom_out - m_nom
    bills_left = st.bill_out - m_bill
    frn_left = st.frn_out - m_frn
    tips_left = st.tips_out - m_tips_real
    s1n = st.s1_nom - t * m_nom
    s1f = st.s1_frn - t * m_frn
    s1t = st.s1_tips - t * m_tips_real

    gross = rollover + deficit - tips_accrual + om
    # 3. a surplus larger than maturing debt buys back future fixed-rate nominal cohorts pro rata
    #    (one factor on principal, coupons and their calendars keeps every identity exact)
    short = gross < 0
    excess = None
    if short.any():
        need = -gross
        safe = np.where(nom_left > 0, nom_left, 1.0)
        factor = np.where(short, 1.0 - np.minimum(need, nom_left) / safe, 1.0)
        excess = np.where(short, np.maximum(need - nom_left, 0.0), 0.0)
        s1n = s1n * factor
        st.due[t + 1:] *= factor
        st.cpn_delta[t + 1:] *= factor
        st.bill_due[t + 1:] *= factor
        st.cpn *= factor
        nom_left = nom_left * factor
        bills_left = bills_left * factor
        gross = np.where(short, 0.0, gross)
        st.cash += excess

    # 4. new issues at today's curve, as rows of one buffer X (see _issue_entries):
    #    X[0:17] amounts (bills, nominal, TIPS real, FRN), X[17:34] minus their coupon flows,
    #    X[34:37] the flows that start next month; then one scatter-add puts every row in its calendar
    debt_next = nom_left + frn_left + tips_left * idx + gross
    B = mix.bill_share * debt_next - bills_left
    np.minimum(np.maximum(B, 0.0, out=B), gross, out=B)          # np.clip(B, 0, gross), ufuncs directly
    C = gross - B
    X, r = st._buf, st._rates
    nb, nn, nt = _NB, _NB + _NN, _NB + _NN + _NT
    np.multiply(mix.bill_weights[:, None], B, out=X[:nb])
    np.multiply(mix.coupon_weights[:, None], C, out=X[nb:_NNEW])
    np.divide(X[nn:nt], idx, out=X[nn:nt])                     # TIPS principal in real terms
    _price_into(st, yields, br, r)
    np.subtract(r[nn:nt], st.tips_breakeven, out=r[nn:nt])      # TIPS real coupon: y - breakeven, >= 0
    np.maximum(r[nn:nt], 0.0, out=r[nn:nt])
    r[_NNEW - 1] = st.frn_spread_new                            # FRN: the spread (the bill rate floats)
    f = X[_NNEW:2 * _NNEW]
    np.multiply(X[:_NNEW], r, out=f)
    np.add(f[:nb].sum(axis=0), f[nb:nn].sum(axis=0), out=X[2 * _NNEW])
    np.sum(f[nn:nt], axis=0, out=X[2 * _NNEW + 1])
    X[2 * _NNEW + 2] = f[_NNEW - 1]
    np.negative(f, out=f)
    # one row add per entry: no two entries share a (calendar, month), so each element gets the one
    # addition the fancy-indexed ``_cal[ci, ri] += X[src]`` gave it (same numbers), at a quarter of
    # the cost (that gather-add-scatter was a quarter of a fiscal step)
    rows = st._cal.view()
    rows.shape = (-1, n)              # the calendars' rows; raises rather than copy if not contiguous
    for f_row, s_row in _issue_plan(t, st.due.shape[0]):
        dst = rows[f_row]
        np.add(dst, X[s_row], out=dst)

    a_bill = X[:nb].sum(axis=0)
    st.nom_out = nom_left + a_bill + X[nb:nn].sum(axis=0)
    st.bill_out = bills_left + a_bill
    st.frn_out = frn_left + X[_NNEW - 1]
    st.tips_out = tips_left + X[nn:nt].sum(axis=0)
    st.s1_nom = s1n + (t + BILL_TENORS_M) @ X[:nb] + (t + NOMINAL_TENORS_M) @ X[nb:nn]
    st.s1_frn = s1f + X[_NNEW - 1] * (t + FRN_TENORS_M[0])
    st.s1_tips = s1t + (t + TIPS_TENORS_M) @ X[nn:nt]
    st.idx = idx
    st.t_next = t + 1

    debt = st.marketable
    if excess is None:
        excess = np.zeros(n)
    out = {"debt": debt, "interest_gross": interest, "net_interest": net_interest, "rollover": rollover,
           "gross_issuance": gross, "deficit": deficit, "primary_deficit": primary,
           "tips_accrual": tips_accrual, "excess_surplus": excess}
    for k in want:
        if k in out:
            continue
        if k == "debt_gdp":
            out[k] = debt / gdp
        elif k == "net_interest_gdp":
            out[k] = net_interest * 12.0 / gdp
        elif k == "net_interest_rev":
            rev = gdp * st.revenue_share / 12.0 if revenue is None else _col(revenue, n, "revenue")
            out[k] = net_interest / np.where(rev > 0, rev, np.nan)
        elif k == "avg_rate":
            out[k] = interest * 12.0 / np.where(debt_prev > 0, debt_prev, np.nan)
        elif k == "wam":
            out[k] = (st.s1_nom + st.s1_frn - t * (st.nom_out + st.frn_out) + idx * (st.s1_tips - t * st.tips_out)) \
                / np.where(debt > 0, debt, 1.0)
        elif k == "bill_share":
            out[k] = st.bill_out / np.where(debt > 0, debt, np.nan)
        elif k == "interest_to_fed":
            out[k] = interest * fs
        else:
            from treasurylab.errors import did_you_mean

            raise BadInput("unknown output", field=f"outputs.{k}", fix=did_you_mean(k, OUTPUTS))
    if outputs is None:
        return {k: out[k] for k in OUTPUTS}
    return {k: out[k] for k in outputs}


def _issue_entries() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each row of a month's new-issue buffer goes: (buffer row, calendar, months after t).

    Issuing A at annual rate r for m months in month t: due[t+m] += A, cpn_delta[t+1] += A*r,
    cpn_delta[t+m+1] -= A*r (and the same for bills' subset, TIPS and FRN spreads). No two entries
    share a (calendar, month), so one fancy-indexed add writes them all.
    """
    src: list[int] = []
    cal: list[int] = []
    off: list[int] = []

    def put(rows, c, months) -> None:
        rows, months = list(np.atleast_1d(rows)), list(np.atleast_1d(months))
        src.extend(int(x) for x in rows)
        cal.extend([_CALENDARS.index(c)] * len(rows))
        off.extend(int(x) for x in months)

    b = np.arange(_NB)
    nm = _NB + np.arange(_NN)
    tp = _NB + _NN + np.arange(_NT)
    fr = _NNEW - 1
    put(b, "due", BILL_TENORS_M)
    put(nm, "due", NOMINAL_TENORS_M)
    put(b, "bill_due", BILL_TENORS_M)
    put(tp, "tips_due", TIPS_TENORS_M)
    put(fr, "frn_due", FRN_TENORS_M)
    put(_NNEW + b, "cpn_delta", 1 + BILL_TENORS_M)
    put(_NNEW + nm, "cpn_delta", 1 + NOMINAL_TENORS_M)
    put(2 * _NNEW, "cpn_delta", 1)
    put(_NNEW + tp, "tips_delta", 1 + TIPS_TENORS_M)
    put(2 * _NNEW + 1, "tips_delta", 1)
    put(_NNEW + fr, "frn_spr_delta", 1 + FRN_TENORS_M)
    put(2 * _NNEW + 2, "frn_spr_delta", 1)
    out = np.array(src), np.array(cal), np.array(off)
    assert len(set(zip(out[1].tolist(), out[2].tolist()))) == len(src)
    return out


def _issue_plan(t: int, rows: int) -> tuple[tuple[int, int], ...]:
    """Month t's entries that land inside the stored calendar (later cohorts never mature in the
    run; their principal and coupons live in the running totals), as (row of the calendars stacked
    (calendar, month) -> calendar * rows + month, buffer row) pairs. Memoised: every block of a run
    asks for the same months."""
    plan = _PLANS.get((t, rows))
    if plan is None:
        if len(_PLANS) > 20_000:
            _PLANS.clear()
        src, cal, off = _ENTRIES
        keep = t + off < rows
        flat = cal[keep] * rows + t + off[keep]
        plan = _PLANS[(t, rows)] = tuple(zip(flat.tolist(), src[keep].tolist()))
    return plan


_PLANS: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}


_ENTRIES = _issue_entries()


def _rebind_calendars(st: FiscalState) -> None:
    """Stack the calendars into one block again and point the state's arrays at it."""
    cal = np.stack([getattr(st, name) for name in _CALENDARS])
    st._cal = cal
    for i, name in enumerate(_CALENDARS):
        setattr(st, name, cal[i])
    if st._buf is None or st._buf.shape[1] != st.n_paths:
        st._buf = np.empty((_NBUF, st.n_paths))
        st._rates = np.empty((_NNEW, st.n_paths))


# --- whole horizon ------------------------------------------------------------------------------
def _series(x: Any, n: int, T: int, name: str, extra: tuple[int, ...] = ()) -> np.ndarray:
    """Broadcast an input to (N, T, *extra): accepts scalar, (T,), (N, T), (T, *extra), (N, T, *extra)."""
    a = np.asarray(x, dtype=np.float64)
    target = (n, T) + extra
    try:
        if a.ndim == len(extra):
            return np.broadcast_to(a, target)
        if a.ndim == 1 + len(extra) and a.shape[0] == T:
            return np.broadcast_to(a[None], target)
        return np.broadcast_to(a, target)
    except ValueError:
        raise BadInput(f"cannot be shaped to (paths={n}, months={T}{', ' if extra else ''}"
                       f"{', '.join(map(str, extra))})", field=name, got=a.shape,
                       fix="give one value per month (and per path, and per tenor for yields)") from None


def simulate(ladder: Ladder, params: Mapping[str, Any], mix: IssuanceMix | list[IssuanceMix], *,
             yields: Any, bill_rate: Any, primary_deficit: Any, ngdp: Any, inflation: Any,
             output_gap: Any = 0.0, revenue: Any = None, other_means: Any = 0.0, fed_share: Any = 0.0,
             n_paths: int | None = None, horizon: int | None = None,
             curve_tenors_m: tuple[int, ...] = DEFAULT_CURVE_TENORS_M,
             outputs: tuple[str, ...] = OUTPUTS) -> dict[str, np.ndarray]:
    """Run ``step`` over the whole horizon; every input is per month (optionally per path).

    Returns a dict of (N, T) arrays for ``outputs``. ``mix`` may be a list with one mix per month.
    """
    unknown = [k for k in outputs if k not in OUTPUTS]
    if unknown:
        from treasurylab.errors import did_you_mean

        raise BadInput("unknown output", field=f"outputs.{unknown[0]}", fix=did_you_mean(unknown[0], OUTPUTS))
    K = len(curve_tenors_m)
    y = np.asarray(yields, dtype=np.float64)
    if horizon is None:
        horizon = y.shape[-2] if y.ndim >= 2 else np.asarray(bill_rate).shape[-1]
    T = int(horizon)
    if n_paths is None:
        n_paths = y.shape[0] if y.ndim == 3 else 1
    n = int(n_paths)
    Y = _series(y, n, T, "yields", (K,))
    raw = {"bill_rate": bill_rate, "primary_deficit": primary_deficit, "ngdp": ngdp, "inflation": inflation,
           "output_gap": output_gap, "other_means": other_means, "fed_share": fed_share}
    ins = {k: _series(v, n, T, k) for k, v in raw.items()}
    rev = None if revenue is None else _series(revenue, n, T, "revenue")
    mixes = mix if isinstance(mix, (list, tuple)) else [mix] * T
    if len(mixes) != T:
        raise BadInput("needs one mix per month", field="mix", got=len(mixes), fix=f"give {T} mixes or one")
    state = init_state(ladder, n, T, params, curve_tenors_m)
    res = {k: np.empty((T, n)) for k in outputs}   # time-major while filling (contiguous rows)
    for t in range(T):
        out = step(state, t, Y[:, t], ins["bill_rate"][:, t], ins["primary_deficit"][:, t], ins["ngdp"][:, t],
                   ins["inflation"][:, t], mixes[t], output_gap=ins["output_gap"][:, t],
                   revenue=None if rev is None else rev[:, t], other_means=ins["other_means"][:, t],
                   fed_share=ins["fed_share"][:, t])
        for k in outputs:
            res[k][t] = out[k]
    return {k: v.T for k, v in res.items()}   # (N, T) views of the time-major arrays


# --- fiscal years -------------------------------------------------------------------------------
def fiscal_year(o):
    """The federal fiscal year (October to September) of ordinal month ``o`` (12 * year + month - 1;
    an int or an integer array): October 2025 (ordinal 24309) is in fiscal year 2026."""
    return o // 12 + (o % 12 >= 9)


def _fy_index(start: str, T: int) -> tuple[np.ndarray, np.ndarray]:
    try:
        y, m = (int(x) for x in str(start).split("-")[:2])
        if not 1 <= m <= 12:
            raise ValueError
    except ValueError:
        raise BadInput("not a month", field="start", got=start, fix="write YYYY-MM") from None
    months = np.arange(T) + (m - 1)
    return fiscal_year(12 * y + months), months % 12 + 1


def fiscal_year_totals(monthly: np.ndarray, start: str, complete_only: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Sum (N, T) monthly flows by federal fiscal year (Oct-Sep) -> (years, (N, n_years))."""
    a = np.atleast_2d(np.asarray(monthly, dtype=np.float64))
    fy, _ = _fy_index(start, a.shape[1])
    years = np.unique(fy)
    if complete_only:
        years = np.array([y for y in years if (fy == y).sum() == 12], dtype=np.int64)
    out = np.stack([a[:, fy == y].sum(axis=1) for y in years], axis=1) if len(years) else np.empty((a.shape[0], 0))
    return years, out


def fiscal_year_end(monthly: np.ndarray, start: str) -> tuple[np.ndarray, np.ndarray]:
    """End-of-fiscal-year (September) values of an (N, T) stock -> (years, (N, n_years))."""
    a = np.atleast_2d(np.asarray(monthly, dtype=np.float64))
    fy, cm = _fy_index(start, a.shape[1])
    sel = np.where(cm == 9)[0]
    return fy[sel], a[:, sel]


def fiscal_year_mean(monthly: np.ndarray, start: str) -> tuple[np.ndarray, np.ndarray]:
    """Average over complete fiscal years (e.g. GDP at an annual rate -> fiscal-year GDP)."""
    years, s = fiscal_year_totals(monthly, start)
    return years, s / 12.0
