"""Fiscal block: federal debt held by the public as an issuance-cohort maturity calendar.

Role
----
Advance the debt of the US Treasury month by month for N paths at once: coupons and bill discount
accrue on every live cohort, maturing principal is rolled over, the deficit is financed, and new
cohorts are priced at the yield curve passed in. float64 throughout; no I/O, no pandas. ``step``
checks its inputs in Python and runs the month as one compiled kernel (:func:`_month`, loops over
paths; model/compiled.py), so the caller's Python loop is over months only.

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
``frn_spr_delta``) are views of one (7, rows, N + pad) block (the pad keeps rows off the same
cache set: :func:`_padded`). A month's 17 new securities (6 bills, 7 nominal, 3 TIPS, the FRN) are
written, one tenor at a time for every path, as rows of a scratch buffer - their amounts, their
coupon flows, and the flows that start next month - and each row is then added to its calendar row (no two of them land
on the same calendar month, so each element gets one addition, as if each tenor were added to each
calendar separately).

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
from treasurylab.model.compiled import kernel, per_path

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

# The calendars are stacked in this order in one (7, rows, N) block (the kernel indexes them by
# this position: ``_month``).
_CALENDARS = ("due", "cpn_delta", "bill_due", "tips_due", "tips_delta", "frn_due", "frn_spr_delta")
_NB = len(BILL_KEYS)
_NNEW = _NB + len(COUPON_KEYS)      # 17 securities issued a month (bills, nominal, TIPS, FRN)
# ``_month``'s scratch ``X``: rows 0 .. 2 * _NNEW + 1 the month's new issues, then one row per
# per-path quantity of the month (its inputs and intermediates), so each statement runs over paths
(_R_BR, _R_GDP, _R_PI, _R_PDEF, _R_GAP, _R_OM, _R_FS, _R_REV, _R_DPREV, _R_IX, _R_TA, _R_INT, _R_NI, _R_PRIM,
 _R_DEF, _R_ROLL, _R_GROSS, _R_EXC, _R_B, _R_C, _R_ABILL, _R_ANOM, _R_ATIPS, _R_FLOWN, _R_S1B, _R_S1N, _R_S1T,
 _R_DEBT) = range(2 * _NNEW + 2, 2 * _NNEW + 30)
_SCRATCH_ROWS = 2 * _NNEW + 30


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
#: FiscalState arrays that ``copy`` shares rather than copies: the calendars' block (copied on its
#: own) and the pricing tables, never written after init_state
_SHARED = ("_cal", "_keep", "_pos", "_hi", "_w")


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
    _cal: np.ndarray = field(default=None, repr=False)  # (7, rows, N + pad): the seven calendars above, as views
    # pricing the 17 new tenors (bills, then coupon tenors) on the knots {3 months: bill rate} U
    # {curve tenors > 3 months}: knot k >= 1 is curve tenor _keep[k-1]; see _interp_weights
    _keep: np.ndarray = field(default=None, repr=False)
    _pos: np.ndarray = field(default=None, repr=False)
    _hi: np.ndarray = field(default=None, repr=False)
    _w: np.ndarray = field(default=None, repr=False)
    _scratch: np.ndarray = field(default=None, repr=False)  # (_SCRATCH_ROWS, N + pad): _month's rows

    def copy(self) -> FiscalState:
        """An independent copy, with the same numbers: the calendars' block copied once and the seven
        calendars pointed at it (``copy.deepcopy`` copied each view as well as the block, then
        :func:`step` stacked them again); the interpolation weights, never written, are shared."""
        new = replace(self, **{f.name: getattr(self, f.name).copy() for f in fields(self)
                               if isinstance(getattr(self, f.name), np.ndarray)
                               and f.name not in _CALENDARS and f.name not in _SHARED})
        if self._cal is not None and self.due.base is self._cal:
            new._cal = self._cal.copy()
            for i, name in enumerate(_CALENDARS):
                setattr(new, name, new._cal[i, :, :self.n_paths])
        else:
            for name in _CALENDARS:
                setattr(new, name, getattr(self, name).copy())
            new._cal = None
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


def _padded(lead: tuple[int, ...], n: int) -> np.ndarray:
    """Zeros of shape (*lead, n + pad) whose rows hold n paths: the arrays ``_month`` reads and
    writes several rows of at the same paths (the calendars' month t, the scratch rows).

    With 2,560 paths a row is 20,480 bytes, a multiple of 4,096: the same element of every row maps
    to the same L1 cache set, and a store to one row stalls the loads of the others (4K aliasing).
    Written path by path, such rows made the month's first pass ~5x slower (94 against 530 us for
    40 rows of 2,560 paths, measured alone). The pad makes a row 64 bytes more than a multiple of
    4,096, so consecutive rows fall in consecutive cache sets. Rows of up to 64 paths need none."""
    pad = (8 - n) % 512 if n > 64 else 0
    return np.zeros((*lead, n + pad))


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
    cal = _padded((len(_CALENDARS), rows), n)
    st = FiscalState(
        n_paths=n, horizon=T, curve_tenors_m=ct, **{name: cal[i, :, :n] for i, name in enumerate(_CALENDARS)},
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
    st._keep = np.flatnonzero(ct > 3.0).astype(np.int64)
    knots = np.concatenate([[3.0], ct[st._keep]])
    tenors = np.concatenate([BILL_TENORS_M, NOMINAL_TENORS_M, TIPS_TENORS_M, FRN_TENORS_M]).astype(np.float64)
    st._pos, st._hi, st._w = _interp_weights(knots, tenors)
    st._cal = cal
    st._scratch = _padded((_SCRATCH_ROWS,), n)
    return st


# --- the month ----------------------------------------------------------------------------------
def _read_only(a: np.ndarray) -> np.ndarray:
    """An input as the kernel takes it: C-contiguous and read-only (a view; a copy only of a strided
    input). numba compiles a kernel once per argument type, and both the layout and read-only are
    part of the type: the coupled run's inputs come both ways (prepared arrays are read-only), and
    ``simulate`` passes strided views. One type for every caller keeps it to one compilation (~3 s
    the first time, then its load from the disk cache in every process)."""
    v = np.ascontiguousarray(a).view()
    v.flags.writeable = False
    return v


def _interp_weights(knot_t: np.ndarray, tenors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation in maturity, flat outside the knots: the value at ``tenors[j]`` is
    ``knot[pos[j]] * (1 - w[j]) + knot[hi[j]] * w[j]`` (:func:`_price_paths`)."""
    pos = np.clip(np.searchsorted(knot_t, tenors, side="right") - 1, 0, len(knot_t) - 1)
    hi = np.clip(pos + 1, 0, len(knot_t) - 1)
    span = knot_t[hi] - knot_t[pos]
    w = np.where(span > 0, (np.clip(tenors, knot_t[0], knot_t[-1]) - knot_t[pos]) / np.where(span > 0, span, 1), 0.0)
    return pos.astype(np.int64), hi.astype(np.int64), w.astype(np.float64)


def _curve(state: FiscalState, yields: Any) -> np.ndarray:
    """The yields tenor-major, (K, N) or (K, 1) for one curve for every path (a read-only view)."""
    n = state.n_paths
    y = np.asarray(yields, dtype=np.float64)
    K = len(state.curve_tenors_m)
    if y.ndim == 1:
        if y.shape != (K,):
            raise BadInput(f"must have {K} yields (tenors {state.curve_tenors_m.tolist()} months)",
                           field="yields", got=y.shape, fix="pass yields at curve_tenors_m")
        return _read_only(y[:, None])
    if y.shape != (n, K):
        raise BadInput(f"must be shape ({n}, {K}) or ({K},)", field="yields", got=y.shape,
                       fix="pass one row of key-tenor yields per path")
    return _read_only(y.T)


@kernel
def _price_paths(bill_rate, yT, keep, pos, hi, w, out, n):
    """The yield of every new tenor (rows: 6 bills, then the 11 coupon tenors) on each of the ``n``
    paths, into the first ``n`` columns of ``out`` (17, >= n; C-contiguous): linear in maturity between the knots {3 months: the bill rate} U {the curve's
    tenors beyond 3 months} (knot k >= 1 is curve row ``keep[k-1]``), flat beyond the ends.
    ``bill_rate`` (N,) or (1,), ``yT`` (K, N) or (K, 1): shape 1 is the same for every path."""
    for j in range(out.shape[0]):
        p, h, wj = pos[j], hi[j], w[j]
        lo = bill_rate if p == 0 else yT[keep[max(p - 1, 0)]]    # the knots' rows: (N,), or (1,) for
        up = bill_rate if h == 0 else yT[keep[max(h - 1, 0)]]    # one value for every path
        o = out[j]
        # one loop per case, each over rows that start at 0 (LLVM vectorises it; an index times a
        # stride of 0 or 1 read the single values before, one path at a time)
        if lo.shape[0] == 1 and up.shape[0] == 1:
            v = lo[0] * (1.0 - wj) + up[0] * wj
            for i in range(n):
                o[i] = v
        elif lo.shape[0] == 1:
            a = lo[0]
            for i in range(n):
                o[i] = a * (1.0 - wj) + up[i] * wj
        elif up.shape[0] == 1:
            b = up[0]
            for i in range(n):
                o[i] = lo[i] * (1.0 - wj) + b * wj
        else:
            for i in range(n):
                o[i] = lo[i] * (1.0 - wj) + up[i] * wj


def price_curve(state: FiscalState, yields: Any, bill_rate: Any) -> tuple[np.ndarray, np.ndarray]:
    """Yields (decimal) for new bills (6, N) and coupon tenors (11, N), from the curve and bill rate."""
    out = np.empty((_NNEW, state.n_paths))
    _price_paths(per_path(bill_rate, state.n_paths, "bill_rate", writeable=False), _curve(state, yields), state._keep,
                 state._pos, state._hi, state._w, out, state.n_paths)
    return out[:_NB], out[_NB:]


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


#: where each output is in ``step``'s selection (``sel``): the kernel computes what is asked for
_OUT_INDEX = {k: j for j, k in enumerate(OUTPUTS)}
_NO_REVENUE = _read_only(np.empty(0))


def step(state: FiscalState, t: int, yields: Any, bill_rate: Any, primary_deficit: Any, ngdp: Any,
         inflation: Any, mix: IssuanceMix, output_gap: Any = 0.0, revenue: Any = None,
         other_means: Any = 0.0, fed_share: Any = 0.0,
         outputs: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """Advance every path by month ``t`` (must equal ``state.t_next``); returns this month's outputs.

    ``outputs``: the names (of :data:`OUTPUTS`) to return; None returns all of them. A caller that
    needs a few (the coupled run) skips the arithmetic of the others; the state advances the same.
    Every check is made before the state changes; the month itself is :func:`_month`.
    """
    check_month(state, t, mix)
    n = state.n_paths
    br = per_path(bill_rate, n, "bill_rate", writeable=False)
    pdef = per_path(primary_deficit, n, "primary_deficit", writeable=False)
    gdp = per_path(ngdp, n, "ngdp", writeable=False)
    pi = per_path(inflation, n, "inflation", writeable=False)
    gap = per_path(output_gap, n, "output_gap", writeable=False)
    om = per_path(other_means, n, "other_means", writeable=False)
    fs = per_path(fed_share, n, "fed_share", writeable=False)
    if np.any((fs < 0) | (fs > 1)):
        raise BadInput("must be between 0 and 1", field="fed_share", got=float(np.max(fs) if np.any(fs > 1) else np.min(fs)),
                       fix="the Federal Reserve's share of debt held by the public")
    if (gdp <= 0).any():
        raise BadInput("must be positive", field="ngdp", got=float(gdp.min()), fix="nominal GDP in USD bn (annual rate)")
    if (pi <= -1).any():
        raise BadInput("must be > -1", field="inflation", got=float(pi.min()), fix="annual rate as a decimal")
    yT = _curve(state, yields)
    want = OUTPUTS if outputs is None else outputs
    sel = np.full(len(OUTPUTS), -1, dtype=np.int64)     # output j goes to row sel[j] of the result; -1: not asked
    names: list[str] = []
    for k in want:
        j = _OUT_INDEX.get(k)
        if j is None:
            from treasurylab.errors import did_you_mean

            raise BadInput("unknown output", field=f"outputs.{k}", fix=did_you_mean(k, OUTPUTS))
        if sel[j] < 0:
            sel[j] = len(names)
            names.append(k)
    # revenue is read only for net_interest_rev (absent: the revenue share of GDP)
    rev = _NO_REVENUE if revenue is None or sel[_OUT_INDEX["net_interest_rev"]] < 0 else \
        per_path(revenue, n, "revenue", writeable=False)
    st = state
    if st._cal is None or st.due.base is not st._cal:
        _rebind_calendars(st)            # a copied state (deepcopy/pickle) no longer shares one block
    if st._scratch is None or st._scratch.shape[0] != _SCRATCH_ROWS:
        st._scratch = _padded((_SCRATCH_ROWS,), n)   # the kernel writes every row: never fewer rows

    res = np.empty((len(names), n))
    _month(t, st._cal, st.cpn, st.tips_cpn, st.frn_spr, st.nom_out, st.bill_out, st.tips_out, st.frn_out,
           st.idx, st.s1_nom, st.s1_frn, st.s1_tips, st.cash, yT, st._keep, st._pos, st._hi, st._w, st._scratch,
           br, pdef, gdp, pi, gap, om, fs, rev, mix.bill_share, mix.bill_weights, mix.coupon_weights,
           st.offset, st.stabiliser, st.tips_breakeven, st.frn_spread_new, st.revenue_share, sel, res)
    st.t_next = t + 1
    return {k: res[sel[_OUT_INDEX[k]]] for k in want}


@kernel
def _lane(src, dst):
    """``dst`` (N,) = the input ``src`` of shape (N,), or its one value when its shape is (1,)."""
    if src.shape[0] == 1:
        v = src[0]
        for i in range(dst.shape[0]):
            dst[i] = v
    else:
        for i in range(dst.shape[0]):
            dst[i] = src[i]


@kernel
def _month(t, cal, cpn, tips_cpn, frn_spr, nom_out, bill_out, tips_out, frn_out, idx, s1_nom, s1_frn,
           s1_tips, cash, yT, keep, pos, hi, w, X, br, pdef, gdp, pi, gap, om, fs, rev, bill_share, bw, cw,
           offset, stabiliser, breakeven, frn_spread, rev_share, sel, res):
    """One month of every path (the module docstring's equations, in its order): the state's (N,)
    running totals are updated in place, the calendars ``cal`` (7, rows, N + pad) get the month's
    new issues, and ``res[sel[j]]`` gets output j of :data:`OUTPUTS` where ``sel[j] >= 0``.

    Two passes. The first is in lanes form: each statement is a loop over the paths, on rows of the
    scratch ``X`` (_SCRATCH_ROWS, N + pad), so LLVM runs it on 4 paths per AVX2 instruction (walking
    the paths one at a time, with ~100 statements a path, compiled to scalar instructions). A path's
    numbers are the same operations in the same order either way, so the same bits; sums over tenors
    still add the tenors in order. Rows 0-16 of ``X`` are the new issues' amounts (bills, nominal,
    TIPS real, FRN), 17-33 their yields, then their coupon flows, 34-35 the nominal and TIPS flows
    that start next month; the rows after them (``_R_*``) hold the inputs and the month's per-path
    quantities. The rare buy-back (a surplus) is a loop of its own over the paths that need it and
    scales each such path's future calendars before any new issue is added to them. The second pass
    adds each new-issue row into its calendar row, one contiguous row at a time: adding them path by
    path (~40 calendar rows apart) took ~410 us a month against ~35 us row by row (2,560 paths,
    measured alone). No two issues share a (calendar, month), so every element gets exactly one
    addition.

    The arithmetic keeps the order of operations of the numpy form it replaced, term by term; sums
    over tenors are sequential. That numpy form priced new issues and summed the WAM terms with BLAS
    products, whose fused multiply-adds differ in the last bits (relative ~1e-16). Inputs of shape
    (1,) are the same for every path."""
    rows = cal.shape[1]
    n = cpn.shape[0]                  # the calendars' rows are padded beyond the paths (_padded)
    tf = float(t)
    nb, nn, nt = BILL_TENORS_M.shape[0], NOMINAL_TENORS_M.shape[0], TIPS_TENORS_M.shape[0]
    nnew = nb + nn + nt + 1
    frn_m = FRN_TENORS_M[0]
    _price_paths(br, yT, keep, pos, hi, w, X[nnew:2 * nnew], n)     # today's yields of the new tenors
    g1 = (1.0 + pi[0]) ** (1.0 / 12.0)    # the index ratio's monthly growth when every path has one inflation
    # the rows as views: each statement below is one loop over the paths (LLVM runs it on 4 paths per
    # instruction). The loops start at 0: a loop from a variable start (a chunk of the paths) was not
    # vectorised, as numba's negative-index wraparound makes each address a select LLVM cannot follow
    cp, tcp, fsp = cpn[:n], tips_cpn[:n], frn_spr[:n]
    no, bo, to, fo, ix = nom_out[:n], bill_out[:n], tips_out[:n], frn_out[:n], idx[:n]
    sn, sf, st_ = s1_nom[:n], s1_frn[:n], s1_tips[:n]
    m_nom, m_bill, m_tips, m_frn = cal[0, t, :n], cal[2, t, :n], cal[3, t, :n], cal[5, t, :n]
    d_cpn, d_tcp, d_fsp = cal[1, t, :n], cal[4, t, :n], cal[6, t, :n]
    bri, gdpi, pii, pdi = X[_R_BR, :n], X[_R_GDP, :n], X[_R_PI, :n], X[_R_PDEF, :n]
    gapi, omi, fsi, rvi = X[_R_GAP, :n], X[_R_OM, :n], X[_R_FS, :n], X[_R_REV, :n]
    dprev, ixn, ta, interest = X[_R_DPREV, :n], X[_R_IX, :n], X[_R_TA, :n], X[_R_INT, :n]
    ni, prim, deficit, roll = X[_R_NI, :n], X[_R_PRIM, :n], X[_R_DEF, :n], X[_R_ROLL, :n]
    gross, exc, B, C = X[_R_GROSS, :n], X[_R_EXC, :n], X[_R_B, :n], X[_R_C, :n]
    a_bill, a_nom, a_tips = X[_R_ABILL, :n], X[_R_ANOM, :n], X[_R_ATIPS, :n]
    s1_b, s1_n, s1_t = X[_R_S1B, :n], X[_R_S1N, :n], X[_R_S1T, :n]
    flow_bn, flow_n, flow_t = X[2 * nnew, :n], X[_R_FLOWN, :n], X[2 * nnew + 1, :n]
    a_frn, f_frn, debt = X[nnew - 1, :n], X[2 * nnew - 1, :n], X[_R_DEBT, :n]

    # the per-path inputs as rows (an input of shape (1,) is the same for every path)
    _lane(br, bri)
    _lane(gdp, gdpi)
    _lane(pi, pii)
    _lane(pdef, pdi)
    _lane(gap, gapi)
    _lane(om, omi)
    if sel[15] >= 0:
        _lane(fs, fsi)
    if sel[5] >= 0 and rev.shape[0] > 0:
        _lane(rev, rvi)
    if sel[6] >= 0:               # avg_rate divides by the debt at the start of the month
        for i in range(n):
            dprev[i] = no[i] + fo[i] + to[i] * ix[i]

    # 1. interest accrued this month on every live cohort
    for i in range(n):
        cp[i] = cp[i] + d_cpn[i]
    for i in range(n):
        tcp[i] = tcp[i] + d_tcp[i]
    for i in range(n):
        fsp[i] = fsp[i] + d_fsp[i]
    if pi.shape[0] == 1:
        for i in range(n):
            ixn[i] = ix[i] * g1
    else:
        for i in range(n):
            ixn[i] = ix[i] * (1.0 + pii[i]) ** (1.0 / 12.0)
    for i in range(n):
        ta[i] = to[i] * (ixn[i] - ix[i])
    for i in range(n):
        interest[i] = (cp[i] + fo[i] * bri[i] + fsp[i] + tcp[i] * ixn[i]) / 12.0 + ta[i]
    for i in range(n):
        ni[i] = interest[i] - offset * gdpi[i] / 12.0
    for i in range(n):
        prim[i] = pdi[i] - stabiliser * gapi[i] * gdpi[i] / 12.0
    for i in range(n):
        deficit[i] = prim[i] + ni[i]

    # 2. maturing principal: the running totals hold what is left until the new issues are added
    for i in range(n):
        roll[i] = m_nom[i] + m_frn[i] + m_tips[i] * ixn[i]
    for i in range(n):
        no[i] = no[i] - m_nom[i]
    for i in range(n):
        bo[i] = bo[i] - m_bill[i]
    for i in range(n):
        fo[i] = fo[i] - m_frn[i]
    for i in range(n):
        to[i] = to[i] - m_tips[i]
    for i in range(n):
        sn[i] = sn[i] - tf * m_nom[i]
    for i in range(n):
        sf[i] = sf[i] - tf * m_frn[i]
    for i in range(n):
        st_[i] = st_[i] - tf * m_tips[i]
    for i in range(n):
        gross[i] = roll[i] + deficit[i] - ta[i] + omi[i]

    # 3. a surplus larger than maturing debt buys back future fixed-rate nominal cohorts pro rata
    #    (one factor on principal, coupons and their calendars keeps every identity exact); rare,
    #    so path by path, before the month's new issues are added to the calendars
    for i in range(n):
        exc[i] = 0.0
    for i in range(n):
        if gross[i] < 0.0:
            need = -gross[i]
            nom_left = no[i]
            safe = nom_left if nom_left > 0.0 else 1.0
            factor = 1.0 - np.minimum(need, nom_left) / safe
            excess = np.maximum(need - nom_left, 0.0)
            sn[i] = sn[i] * factor
            for r in range(t + 1, rows):
                cal[0, r, i] *= factor
                cal[1, r, i] *= factor
                cal[2, r, i] *= factor
            cp[i] = cp[i] * factor
            no[i] = nom_left * factor
            bo[i] = bo[i] * factor
            gross[i] = 0.0
            exc[i] = excess
            cash[i] += excess

    # 4. new issues at today's curve: issuing A at annual rate r for m months in month t adds A to
    #    the principal calendar at t+m and A*r to the coupon flow from t+1 to t+m (its difference
    #    calendar: +A*r at t+1, -A*r at t+m+1); issues repaid after the stored rows live in the totals
    for i in range(n):
        debt_next = no[i] + fo[i] + to[i] * ixn[i] + gross[i]
        B[i] = np.minimum(np.maximum(bill_share * debt_next - bo[i], 0.0), gross[i])
    for i in range(n):
        C[i] = gross[i] - B[i]
    # each sum over tenors starts at 0.0 and adds the tenors in order, as the path-by-path sums did
    for i in range(n):
        a_bill[i] = 0.0
        flow_bn[i] = 0.0
        s1_b[i] = 0.0
    for i in range(n):
        a_nom[i] = 0.0
        flow_n[i] = 0.0
        s1_n[i] = 0.0
    for i in range(n):
        a_tips[i] = 0.0
        flow_t[i] = 0.0
        s1_t[i] = 0.0
    for j in range(nb):
        wj = bw[j]
        mj = t + BILL_TENORS_M[j]
        a, f = X[j, :n], X[nnew + j, :n]     # f holds the tenor's yield until its flow
        for i in range(n):
            a[i] = wj * B[i]
            f[i] = a[i] * f[i]
        for i in range(n):
            a_bill[i] += a[i]
            s1_b[i] += mj * a[i]
        for i in range(n):
            flow_bn[i] += f[i]
    for j in range(nb, nb + nn):
        wj = cw[j - nb]
        mj = t + NOMINAL_TENORS_M[j - nb]
        a, f = X[j, :n], X[nnew + j, :n]
        for i in range(n):
            a[i] = wj * C[i]
            f[i] = a[i] * f[i]
        for i in range(n):
            a_nom[i] += a[i]
            s1_n[i] += mj * a[i]
        for i in range(n):
            flow_n[i] += f[i]
    for j in range(nb + nn, nb + nn + nt):      # TIPS: real principal, real coupon y - breakeven >= 0
        wj = cw[j - nb]
        mj = t + TIPS_TENORS_M[j - nb - nn]
        a, f = X[j, :n], X[nnew + j, :n]
        for i in range(n):
            a[i] = wj * C[i] / ixn[i]
            f[i] = a[i] * np.maximum(f[i] - breakeven, 0.0)
        for i in range(n):
            a_tips[i] += a[i]
            s1_t[i] += mj * a[i]
        for i in range(n):
            flow_t[i] += f[i]
    wf = cw[nn + nt]              # FRN: the spread is fixed at issue (the bill rate floats)
    for i in range(n):
        a_frn[i] = wf * C[i]
    for i in range(n):
        f_frn[i] = a_frn[i] * frn_spread
    for i in range(n):
        flow_bn[i] = flow_bn[i] + flow_n[i]

    for i in range(n):
        no[i] = no[i] + a_bill[i] + a_nom[i]
    for i in range(n):
        bo[i] = bo[i] + a_bill[i]
    for i in range(n):
        fo[i] = fo[i] + a_frn[i]
    for i in range(n):
        to[i] = to[i] + a_tips[i]
    for i in range(n):
        sn[i] = sn[i] + s1_b[i] + s1_n[i]
    for i in range(n):
        sf[i] = sf[i] + a_frn[i] * (t + frn_m)
    for i in range(n):
        st_[i] = st_[i] + s1_t[i]
    for i in range(n):
        ix[i] = ixn[i]
    for i in range(n):
        debt[i] = no[i] + fo[i] + to[i] * ix[i]

    # 5. this month's outputs, those asked for
    if sel[0] >= 0:
        out = res[sel[0], :n]
        for i in range(n):
            out[i] = debt[i]
    if sel[1] >= 0:
        out = res[sel[1], :n]
        for i in range(n):
            out[i] = debt[i] / gdpi[i]
    if sel[2] >= 0:
        out = res[sel[2], :n]
        for i in range(n):
            out[i] = interest[i]
    if sel[3] >= 0:
        out = res[sel[3], :n]
        for i in range(n):
            out[i] = ni[i]
    if sel[4] >= 0:
        out = res[sel[4], :n]
        for i in range(n):
            out[i] = ni[i] * 12.0 / gdpi[i]
    if sel[5] >= 0:
        out = res[sel[5], :n]
        if rev.shape[0] == 0:
            for i in range(n):
                rv = gdpi[i] * rev_share / 12.0
                out[i] = ni[i] / (rv if rv > 0.0 else np.nan)
        else:
            for i in range(n):
                out[i] = ni[i] / (rvi[i] if rvi[i] > 0.0 else np.nan)
    if sel[6] >= 0:
        out = res[sel[6], :n]
        for i in range(n):
            out[i] = interest[i] * 12.0 / (dprev[i] if dprev[i] > 0.0 else np.nan)
    if sel[7] >= 0:
        out = res[sel[7], :n]
        for i in range(n):
            out[i] = (sn[i] + sf[i] - tf * (no[i] + fo[i]) + ix[i] * (st_[i] - tf * to[i])) \
                / (debt[i] if debt[i] > 0.0 else 1.0)
    if sel[8] >= 0:
        out = res[sel[8], :n]
        for i in range(n):
            out[i] = bo[i] / (debt[i] if debt[i] > 0.0 else np.nan)
    if sel[9] >= 0:
        out = res[sel[9], :n]
        for i in range(n):
            out[i] = roll[i]
    if sel[10] >= 0:
        out = res[sel[10], :n]
        for i in range(n):
            out[i] = gross[i]
    if sel[11] >= 0:
        out = res[sel[11], :n]
        for i in range(n):
            out[i] = deficit[i]
    if sel[12] >= 0:
        out = res[sel[12], :n]
        for i in range(n):
            out[i] = prim[i]
    if sel[13] >= 0:
        out = res[sel[13], :n]
        for i in range(n):
            out[i] = ta[i]
    if sel[14] >= 0:
        out = res[sel[14], :n]
        for i in range(n):
            out[i] = exc[i]
    if sel[15] >= 0:
        out = res[sel[15], :n]
        for i in range(n):
            out[i] = interest[i] * fsi[i]

    # 6. the new issues into their calendars, row by row (issues repaid after the stored rows live
    #    in the running totals only): A at t+m, -A*r at t+m+1, the flows that start next month at t+1
    for j in range(nnew):
        if j < nb:
            c_due, c_flow, m = 0, 1, BILL_TENORS_M[j]
        elif j < nb + nn:
            c_due, c_flow, m = 0, 1, NOMINAL_TENORS_M[j - nb]
        elif j < nnew - 1:
            c_due, c_flow, m = 3, 4, TIPS_TENORS_M[j - nb - nn]
        else:
            c_due, c_flow, m = 5, 6, frn_m
        if t + m < rows:
            for i in range(n):
                cal[c_due, t + m, i] += X[j, i]
            if j < nb:                # bills are also in the bill calendar
                for i in range(n):
                    cal[2, t + m, i] += X[j, i]
        if t + m + 1 < rows:
            for i in range(n):
                cal[c_flow, t + m + 1, i] -= X[nnew + j, i]
    if t + 1 < rows:
        for i in range(n):
            cal[1, t + 1, i] += X[2 * nnew, i]
            cal[4, t + 1, i] += X[2 * nnew + 1, i]
            cal[6, t + 1, i] += X[2 * nnew - 1, i]


def _rebind_calendars(st: FiscalState) -> None:
    """Stack the calendars into one block again and point the state's arrays at it."""
    cal = _padded((len(_CALENDARS), st.due.shape[0]), st.n_paths)
    for i, name in enumerate(_CALENDARS):
        cal[i, :, :st.n_paths] = getattr(st, name)
        setattr(st, name, cal[i, :, :st.n_paths])
    st._cal = cal


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
