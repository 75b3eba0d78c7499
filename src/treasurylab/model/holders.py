"""Holders block: who holds Treasuries, who sells, who copies, who is deterred.

Role
----
Every holder is one column of ``holdings[N, A]`` (USD bn, N paths x A agents): every TIC country at
the latest month (optionally with custody holdings reattributed, see ``scenario/holders_inputs.py``),
'All Other', and the domestic sectors (Fed SOMA, banks, money funds, mutual funds, pensions and
insurers, state and local, households and other, leveraged funds). One call of :func:`holders_step`
advances all agents on all paths by one month: the inputs are checked and the noise drawn in Python,
then one compiled kernel (:func:`_step_kernel`, ``model/compiled.py``) runs the month's equations
path after path.

Equations (month t, agent i, path n; all arrays broadcast over n)
----------------------------------------------------------------
Signal (Granovetter 1978 thresholds; global-games reading, calibration.md s4)::

    signal_i = w_fiscal * max(0, debt_gdp_dev_pp) / fiscal_scale_pp
             + w_peer   * peer_i            (holdings-weighted share of i's peer group selling, EMA)
             + w_market * market            (holdings-weighted share of all foreign holders selling, EMA)
             + w_vol    * yield_vol_bp / vol_scale_bp
             + w_political * (political_risk_i + political_shock_i)
             - d_i * threat                 (d_i > 0 a threat deters; d_i < 0 it provokes)
             + noise_sd * z_i,   z ~ N(0, 1) drawn from the Generator passed in

    active_i = can_cascade_i and signal_i >= theta_i   (theta_i in [0, 1], drawn once per path)

    peer_g <- m * peer_g + (1 - m) * sum_{j in g} h_j part_j / sum_{j in g} h_j       (m = peer_memory)
    part_j  = max(active_j, min(1, (named_j + announced_j) / (sale_rate_j * h_j)))   (who sells, at
              what pace relative to a cascade seller: an initial named sale counts, as Granovetter's
              instigator does)

Flows (USD bn this month, + = sold)::

    baseline_i  = -baseline_programme_rate_i * h_i        (already in the baseline: no price effect)
    programme_i = -programme_rate_i * h_i                 (scenario programme; rate < 0 reduces)
    cascade_i   = active_i * sale_rate_i * h_i
    sales_i     = programme_i + cascade_i + named_i + announced_i, capped at h_i (scaled pro rata)

and the split the market needs: ``expected = programme - baseline + announced`` (priced when known)
and ``surprise = cascade + named`` (moves the transitory term premium). Holdings themselves change
only in :func:`treasurylab.model.market.clear_market`, where every dollar sold is bought by
price-sensitive holders or the Fed.

With ``w_peer = 1``, every other weight 0 and one peer group, this is exactly Granovetter's model
(tested: uniform thresholds 0, 1/100, ... -> full cascade; drop the 1/100 agent -> only the
instigator; normal thresholds with mean 0.25 jump from a few % to ~100 % near sigma 0.10-0.12).

Per-month API (stable; the coupled runner calls it)
---------------------------------------------------
::

    spec  = scenario.holders_inputs.build_holders_spec(overrides)   # HoldersSpec from TIC, H.4.1, MSPD, YAML
    state = init_holders(spec, n_paths, rng, holdings0=None, theta=None) -> HoldersState
    flows = holders_step(spec, state, t,
                         debt_gdp_dev_pp=0.0,     # (N,) or scalar: debt/GDP minus baseline, pp (not projected)
                         yield_vol_bp=0.0,        # (N,) or scalar: |monthly change of the 10y|, bp (EMA ok)
                         threat=0.0,              # (N,) or scalar in [0, 1]: strength of a threat this month
                         political_shock=None,    # (A,) or (N, A): extra political/sanction risk
                         named_sales=None,        # (A,) or (N, A): surprise sales this month, USD bn
                         announced_sales=None,    # (A,) or (N, A): announced sales this month, USD bn
                         rng=None | noise=None)   # Generator for noise, or the (N, A) draws themselves
        -> HoldersFlows(sales, baseline, expected, surprise, active)   # each (N, A), USD bn
    # then the market clears and the runner stores the new holdings:
    state.holdings = market.clear_market(state.holdings, flows.sales, spec.absorber, spec.fed_index,
                                         fed_purchases_bn, new_supply_bn).holdings

    foreign_share(spec, holdings) -> (N,)         cascade_size(spec, state) -> (N,)
    first_seller(state) -> (N,) agent index (-1: nobody sold)
    resolve_holder(name, names) -> index   (forgiving; unknown name -> BadInput with 'did you mean')
    check_thresholds(theta) -> array       (outside [0, 1] -> BadInput)
    check_sale(amount_bn, days)            (negative size, days <= 0 -> BadInput)
    named_sale_schedule(amount_bn, days, months, start_day=0) -> (months,) USD bn per month
    spec.subset(indices), spec.with_(**fields), spec.index(name)

Randomness: thresholds are drawn in :func:`init_holders` and noise in :func:`holders_step` only from
the ``numpy.random.Generator`` passed in, so the same seed gives identical arrays. Each month draws
the noise of the cascade-capable agents only (the others can never be active), (N, C) float32
standard normals by the Box-Muller transform (:func:`_normal_f32`), in path-major order; the
uniforms are numpy's float32 draws, taken bit for bit from the raw 64-bit stream
(:func:`_uniform_f32`).

Cost (the step runs 10^7-10^8 agent-months per ensemble): the kernel keeps a path's values in
registers instead of writing each intermediate (N, A) array to memory and reading it back; the signal
is computed for the C cascade-capable agents only (the others can never be active, so their signal
and noise are never needed), the memories' sums take each agent's one group and the foreign total
only (the other weights are zero), the baseline flows are written for the few programme agents only
and the all-zero expected flows not at all (both are built when read: :class:`HoldersFlows`).
Products are summed as numpy's BLAS sums them (in order, each term with one fused multiply-add:
:func:`treasurylab.model.compiled.fma`), so the numbers are those of the numpy form this kernel replaced, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.compiled import fma, kernel, per_path

KINDS = ("foreign", "domestic", "fed")


@dataclass(frozen=True)
class HoldersSpec:
    """Static description of the A agents (arrays of length A) and the signal weights (floats)."""

    names: tuple[str, ...]
    kind: tuple[str, ...]                 # 'foreign' | 'domestic' | 'fed'
    holdings0: np.ndarray                 # (A,) USD bn at the start month
    absorber: np.ndarray                  # (A,) bool: price-sensitive, absorbs residual flows
    programme_rate: np.ndarray            # (A,) monthly fractional change in the scenario (<0 sells)
    baseline_programme_rate: np.ndarray   # (A,) the same in the baseline run
    sale_rate: np.ndarray                 # (A,) fraction of holdings sold per month while active
    peer_group: np.ndarray                # (A,) int index into group_names, -1 = none
    group_names: tuple[str, ...]
    political_risk: np.ndarray            # (A,) signal units
    deterrence: np.ndarray                # (A,) d_i: >0 deters, <0 provokes
    theta_mean: np.ndarray                # (A,) in [0, 1]
    theta_sd: np.ndarray                  # (A,) >= 0
    can_cascade: np.ndarray               # (A,) bool
    w_fiscal: float = 0.0
    w_peer: float = 1.0
    w_market: float = 0.0
    w_vol: float = 0.0
    w_political: float = 1.0
    noise_sd: float = 0.0
    peer_memory: float = 0.0
    fiscal_scale_pp: float = 10.0
    vol_scale_bp: float = 100.0
    start: str = ""                       # YYYY-MM of holdings0 (for reports)
    notes: tuple[str, ...] = field(default=())

    @property
    def n_agents(self) -> int:
        return len(self.names)

    @property
    def foreign(self) -> np.ndarray:
        return np.array([k == "foreign" for k in self.kind])

    @property
    def fed_index(self) -> int:
        """Index of the Fed (SOMA) agent, or -1 if the spec has none."""
        return self.kind.index("fed") if "fed" in self.kind else -1

    def membership(self) -> np.ndarray:
        """(A, G) one-hot peer-group matrix (rows of agents without a group are zero)."""
        g = len(self.group_names)
        m = np.zeros((self.n_agents, max(g, 1)))
        has = self.peer_group >= 0
        m[np.flatnonzero(has), self.peer_group[has]] = 1.0
        return m

    def index(self, name: str) -> int:
        return resolve_holder(name, self.names)

    def subset(self, indices) -> HoldersSpec:
        """The spec restricted to the agents at ``indices`` (in that order); groups are kept."""
        idx = np.asarray(indices, dtype=np.int64)
        arr = {f: np.asarray(getattr(self, f))[idx] for f in (
            "holdings0", "absorber", "programme_rate", "baseline_programme_rate", "sale_rate", "peer_group",
            "political_risk", "deterrence", "theta_mean", "theta_sd", "can_cascade")}
        return self.with_(names=tuple(self.names[i] for i in idx), kind=tuple(self.kind[i] for i in idx), **arr)

    def with_(self, **changes) -> HoldersSpec:
        """A copy with some fields replaced (arrays are validated again)."""
        out = replace(self, **changes)
        out.validate()
        return out

    def validate(self) -> None:
        a = self.n_agents
        if len(set(self.names)) != a:
            raise BadInput("holder names repeat", field="holders.names",
                           fix="give every agent a distinct name")
        for k in self.kind:
            if k not in KINDS:
                raise BadInput("unknown holder kind", field="holders.kind", got=k,
                               fix=f"use one of {', '.join(KINDS)}")
        for fname in ("holdings0", "absorber", "programme_rate", "baseline_programme_rate",
                      "sale_rate", "peer_group", "political_risk", "deterrence", "theta_mean",
                      "theta_sd", "can_cascade"):
            arr = np.asarray(getattr(self, fname))
            if arr.shape != (a,):
                raise BadInput(f"must have one value per agent ({a})", field=f"holders.{fname}",
                               got=arr.shape, fix="give an array of length A")
        if np.any(~np.isfinite(self.holdings0)) or np.any(self.holdings0 < 0):
            raise BadInput("holdings must be finite and >= 0", field="holders.holdings0",
                           got=float(np.nanmin(self.holdings0)), fix="check the holdings table")
        if np.any(self.sale_rate < 0) or np.any(self.sale_rate > 1):
            raise BadInput("sale rate must be in [0, 1] (fraction of holdings per month)",
                           field="holders.sale_rate", got=float(self.sale_rate[(self.sale_rate < 0) | (self.sale_rate > 1)][0]),
                           fix="write e.g. 0.05 for 5% of holdings a month")
        if np.any(self.programme_rate <= -1) or np.any(self.baseline_programme_rate <= -1):
            raise BadInput("programme rate must be > -1 (fraction per month)",
                           field="holders.programme_rate", fix="write e.g. -0.007 for -0.7% a month")
        check_thresholds(self.theta_mean, field="holders.theta_mean")
        if np.any(self.theta_sd < 0):
            raise BadInput("threshold spread must be >= 0", field="holders.theta_sd",
                           got=float(self.theta_sd.min()), fix="give a standard deviation >= 0")
        if not 0 <= self.peer_memory < 1:
            raise BadInput("peer memory must be in [0, 1)", field="holders.peer_memory",
                           got=self.peer_memory, fix="0 = last month only; 0.5 = half-life of one month")
        if self.fiscal_scale_pp <= 0 or self.vol_scale_bp <= 0:
            raise BadInput("signal scales must be > 0", field="holders.fiscal_scale_pp/vol_scale_bp",
                           fix="give positive scales")
        if np.any(self.peer_group >= len(self.group_names)):
            raise BadInput("peer group index out of range", field="holders.peer_group",
                           fix="index into group_names or -1")


@dataclass
class HoldersState:
    """Everything that changes month to month, path axis first."""

    holdings: np.ndarray      # (N, A) USD bn
    theta: np.ndarray         # (N, A) thresholds in [0, 1], fixed for the run
    active: np.ndarray        # (N, A) bool: sold in the cascade last month
    peer: np.ndarray          # (N, G) EMA of the holdings-weighted share of each group selling
    market: np.ndarray        # (N,) EMA of the holdings-weighted share of foreign holders selling
    first_sale: np.ndarray    # (N, A) int: month of the agent's first cascade sale, -1 never
    t: int = 0
    # per-spec constants and the gathered thresholds of the step (rebuilt when spec or theta change)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)


class HoldersFlows:
    """One month's flows, each (N, A) in USD bn (+ = sold, - = bought).

    ``baseline`` and ``expected`` may be given as functions that build them: they are then built on
    first access. In the plain month the expected flows are all zeros and the baseline is zero but
    for the few programme agents' columns; the coupled run reads neither, and building each is a
    full (N, A) pass written to memory (about a tenth of a holders step between them).
    """

    def __init__(self, sales: np.ndarray, baseline, expected, surprise: np.ndarray, active: np.ndarray,
                 expected_zero: bool = False) -> None:
        self.sales = sales
        self._baseline = baseline          # an array, or a function that builds it
        self._expected = expected          # an array, or a function that builds it
        self.surprise = surprise
        self.active = active
        self.expected_zero = expected_zero     # ``expected`` is all zeros (no programme change, nothing announced)

    @property
    def baseline(self) -> np.ndarray:
        if callable(self._baseline):
            self._baseline = self._baseline()
        return self._baseline

    @property
    def expected(self) -> np.ndarray:
        if callable(self._expected):
            self._expected = self._expected()
        return self._expected


# --------------------------------------------------------------------------- validation helpers

def resolve_holder(name: str, names) -> int:
    """Index of the holder meant by ``name`` (forgiving: 'china' -> 'China, Mainland').

    Raises BadInput naming the field and suggesting the closest names.
    """
    from treasurylab.data.names import match_name

    names = list(names)
    if not isinstance(name, str) or not name.strip():
        raise BadInput("holder name is empty", field="holder", got=name,
                       fix="name a TIC country or a sector, e.g. 'China' or 'banks'")
    return names.index(match_name(name, names, what="holder"))


def check_thresholds(theta, field: str = "theta") -> np.ndarray:
    """Thresholds as a float array, or BadInput if any is outside [0, 1] or not finite."""
    arr = np.asarray(theta, dtype=float)
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 1)
    if np.any(bad):
        raise BadInput("threshold must be in [0, 1] (share of peers selling)", field=field,
                       got=float(arr[bad].flat[0]), fix="give a number between 0 and 1")
    return arr


def check_sale(amount_bn: float, days: float, field: str = "sale") -> tuple[float, float]:
    """Validate a named sale 'amount_bn over days'; negative or non-finite values -> BadInput."""
    try:
        amount = float(amount_bn)
    except (TypeError, ValueError):
        raise BadInput("sale size is not a number", field=f"{field}.amount_bn", got=amount_bn,
                       fix="give the size in USD bn, e.g. 0.1 for $100 million") from None
    if not np.isfinite(amount) or amount < 0:
        raise BadInput("sale size must be >= 0", field=f"{field}.amount_bn", got=amount_bn,
                       fix="give a positive size in USD bn (a purchase is a programme with a positive rate)")
    try:
        d = float(days)
    except (TypeError, ValueError):
        raise BadInput("sale duration is not a number", field=f"{field}.days", got=days,
                       fix="give the number of days, e.g. 7") from None
    if not np.isfinite(d) or d <= 0:
        raise BadInput("sale duration must be > 0 days", field=f"{field}.days", got=days,
                       fix="give the number of days over which the sale is spread, e.g. 7")
    return amount, d


DAYS_PER_MONTH = 365.25 / 12


def named_sale_schedule(amount_bn: float, days: float, months: int, start_day: float = 0.0,
                        field: str = "sale") -> np.ndarray:
    """Monthly flows (USD bn, shape (months,)) of 'amount_bn spread evenly over days from start_day'.

    ``named_sale_schedule(0.1, 7, 12)`` is the Danish pension's $100M over a week: all 0.1 in month 0.
    Months have 365.25/12 days; a sale running past the horizon is cut there.
    """
    amount, d = check_sale(amount_bn, days, field)
    if months <= 0:
        raise BadInput("horizon must be >= 1 month", field="months", got=months, fix="give a positive horizon")
    if start_day < 0:
        raise BadInput("start day must be >= 0", field=f"{field}.start_day", got=start_day,
                       fix="count days from the start of the run")
    edges = np.arange(months + 1) * DAYS_PER_MONTH
    lo = np.clip(edges[:-1], start_day, start_day + d)
    hi = np.clip(edges[1:], start_day, start_day + d)
    return amount * (hi - lo) / d


# --------------------------------------------------------------------------- kernel

def draw_thresholds(spec: HoldersSpec, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """theta[N, A] = clip(theta_mean + theta_sd * z, 0, 1), z ~ N(0, 1) from ``rng``."""
    z = rng.standard_normal((n_paths, spec.n_agents))
    return np.clip(spec.theta_mean + spec.theta_sd * z, 0.0, 1.0)


def init_holders(spec: HoldersSpec, n_paths: int, rng: np.random.Generator | None = None, *,
                 holdings0=None, theta=None) -> HoldersState:
    """The state at month 0: holdings from ``spec.holdings0`` (or ``holdings0``), thresholds drawn.

    ``theta`` ((A,) or (N, A), each in [0, 1]) fixes the thresholds instead of drawing them.
    """
    spec.validate()
    if n_paths < 1:
        raise BadInput("need at least one path", field="paths", got=n_paths, fix="give paths >= 1")
    a = spec.n_agents
    h0 = spec.holdings0 if holdings0 is None else np.asarray(holdings0, dtype=float)
    if np.any(~np.isfinite(h0)) or np.any(h0 < 0):
        raise BadInput("holdings must be finite and >= 0", field="holdings0",
                       fix="check the holdings given")
    holdings = np.broadcast_to(h0, (n_paths, a)).astype(float).copy()
    if theta is None:
        if rng is None:
            raise BadInput("thresholds need a random generator", field="rng",
                           fix="pass numpy.random.default_rng(seed) or explicit theta")
        th = draw_thresholds(spec, n_paths, rng)
    else:
        th = np.broadcast_to(check_thresholds(theta), (n_paths, a)).astype(float).copy()
    g = max(len(spec.group_names), 1)
    return HoldersState(
        holdings=holdings,
        theta=th,
        active=np.zeros((n_paths, a), dtype=bool),
        peer=np.zeros((n_paths, g)),
        market=np.zeros(n_paths),
        first_sale=np.full((n_paths, a), -1, dtype=np.int64),
        t=0,
    )


def _per_agent(x, n: int, a: int, field: str) -> np.ndarray | None:
    if x is None:
        return None
    arr = np.asarray(x, dtype=float)
    if arr.shape not in ((a,), (n, a)):
        raise BadInput(f"must be shaped (A,) or (N, A) = ({n}, {a})", field=field, got=arr.shape,
                       fix="give one value per agent")
    return arr


def _normal_f32(rng: np.random.Generator, n: int, scale: float = 1.0) -> np.ndarray:
    """``n`` float32 draws of ``scale * N(0, 1)`` from ``rng`` by the Box-Muller transform.

    Box & Muller (1958): with u1, u2 ~ U[0, 1), ``r = sqrt(-2 ln(1 - u1))`` and ``a = 2 pi u2`` give
    two independent standard normals ``r cos a`` and ``r sin a``. In float32 (24-bit uniforms,
    ``1 - u1`` in (0, 1]) the largest |z| is sqrt(48 ln 2) = 5.77; beyond that lies 8e-9 of the mass,
    which a threshold-crossing noise term never needs. numpy's float32 ziggurat costs ~8 ns a draw
    here, this ~2.5 ns (uniforms, log, sqrt, cos and sin are all vectorised float32 loops), and the
    noise draws were the largest single cost of a holders step.
    """
    h = (n + 1) // 2
    u = _uniform_f32(rng, 2 * h)
    r, a = u[:h], u[h:]
    np.subtract(np.float32(1.0), r, out=r)
    np.log(r, out=r)
    np.multiply(r, np.float32(-2.0 * scale * scale), out=r)
    np.sqrt(r, out=r)
    np.multiply(a, np.float32(2.0 * np.pi), out=a)
    z = np.empty(2 * h, dtype=np.float32)
    np.cos(a, out=z[:h])
    np.sin(a, out=z[h:])
    z[:h] *= r
    z[h:] *= r
    return z[:n]


def _uniform_f32(rng: np.random.Generator, m: int) -> np.ndarray:
    """``rng.random(m, dtype=np.float32)``, bit for bit, ~20 % faster for PCG64 (``m`` even).

    numpy draws a float32 as ``(next_uint32 >> 8) * 2**-24``, taking each 64-bit output low half
    first; when no half-used output is buffered (``has_uint32 == 0``, always so here: every draw of
    the step takes an even count), ``random_raw(m // 2)`` viewed as uint32 is that very sequence and
    leaves the generator in the same state. Anything else falls back to ``rng.random``.
    """
    bg = rng.bit_generator
    if m % 2 == 0 and type(bg) is np.random.PCG64 and bg.state["has_uint32"] == 0:
        u32 = bg.random_raw(m // 2).view(np.uint32)
        np.right_shift(u32, np.uint32(8), out=u32)
        out = np.empty(m, dtype=np.float32)
        np.multiply(u32, np.float32(2.0 ** -24), out=out, dtype=np.float32, casting="unsafe")
        return out
    return rng.random(m, dtype=np.float32)


def _consts(spec: HoldersSpec, state: HoldersState, m: np.ndarray | None) -> dict:
    """Per-spec constants of the step, built once per (spec, state) and kept in ``state._cache``.

    The signal's weights as one matrix over the C cascade-capable agents (the others can never be
    active, so their signal is never needed)::

        X[n] = [peer_1 .. peer_G, 1, colv_n, threat_n]          (G + 3 per path)
        W    = [w_peer * membership^T; w_political * political_risk; 1; -deterrence]   (G + 3, C)
        signal = X @ W   (+ political shock, + noise)

    and the membership plus the foreign indicator as one (A, G + 1) matrix for the memories, kept
    by columns without its zeros (``mf_ptr``, ``mf_row``, ``mf_val``: each group's agents, then the
    foreign ones): an agent belongs to one group at most, so the memories' sums take ~2 terms an
    agent instead of G + 1.
    """
    key = (id(spec), None if m is None else id(m))
    hit = state._cache.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]
    memb = spec.membership() if m is None else np.asarray(m, dtype=float)
    g = memb.shape[1]
    a = spec.n_agents
    w = np.empty((g + 3, a))
    w[:g] = spec.w_peer * memb.T
    w[g] = spec.w_political * spec.political_risk
    w[g + 1] = 1.0
    w[g + 2] = -spec.deterrence
    casc = np.flatnonzero(spec.can_cascade)
    mf = np.concatenate([memb, spec.foreign.astype(float)[:, None]], axis=1)   # (A, G + 1)
    cols, rows = np.nonzero(mf.T)                        # column after column, agents in order
    neg_base = -np.asarray(spec.baseline_programme_rate, dtype=float)
    neg_prog = -np.asarray(spec.programme_rate, dtype=float)
    # the agents with a baseline programme (usually a few): the baseline flows of the others are 0
    prog = np.flatnonzero(neg_base != 0.0)
    sale_rate = np.asarray(spec.sale_rate, dtype=float)
    c = {
        "g": g, "casc": casc.astype(np.int64), "wc": np.ascontiguousarray(w[:, casc]),
        "mf_ptr": np.concatenate([[0], np.cumsum(np.bincount(cols, minlength=g + 1))]).astype(np.int64),
        "mf_row": rows.astype(np.uint64), "mf_val": np.ascontiguousarray(mf[rows, cols]),
        "neg_base": neg_base, "d_prog": neg_prog - neg_base,
        "d_zero": bool(np.all(neg_prog == neg_base)),
        "sale_rate": sale_rate * spec.can_cascade,   # a non-cascading agent never sells in the cascade
        "pace_rate": sale_rate,                      # a cascade seller's pace, for named sales' weight
        "prog": prog.astype(np.int64), "zero_row": np.zeros((1, a)),
        # sales <= holdings by construction when programme + cascade rates stay below 1 and nothing
        # named or announced is added: the pro-rata cap's test can then be skipped
        "cannot_oversell": bool(np.all(neg_prog + sale_rate * spec.can_cascade < 1.0 - 1e-9)),
    }
    state._cache[key] = (spec, c)
    return c


_NONE = np.empty((0, 0))                       # an absent optional (N, A) input of the kernel
_NONE32 = np.empty((0, 0), dtype=np.float32)   # absent noise draws


def _rows(x: np.ndarray | None, absent: np.ndarray = _NONE) -> np.ndarray:
    """An optional (A,) or (N, A) input as a C-ordered float64 (1, A) or (N, A) array (None: ``absent``)."""
    if x is None:
        return absent
    arr = np.ascontiguousarray(x if x.ndim == 2 else x[None, :], dtype=float)
    return arr if arr.flags.writeable else arr.copy()   # one compiled kernel: writeable arrays only


def holders_step(spec: HoldersSpec, state: HoldersState, t: int | None = None, *,
                 debt_gdp_dev_pp=0.0, yield_vol_bp=0.0, threat=0.0, political_shock=None,
                 named_sales=None, announced_sales=None, rng: np.random.Generator | None = None,
                 noise=None, _membership: np.ndarray | None = None) -> HoldersFlows:
    """Advance the holders' decisions by one month; returns the flows (holdings are not changed).

    The state's ``active``, ``peer``, ``market``, ``first_sale`` and ``t`` are updated (``first_sale``
    in place); the holdings are updated by :func:`treasurylab.model.market.clear_market`.

    The inputs are checked and the noise drawn here (float32 Box-Muller, :func:`_normal_f32`, for
    the C cascade-capable agents only); the arithmetic of the month is :func:`_step_kernel`.
    """
    h = state.holdings
    n, a = h.shape
    if t is None:
        t = state.t
    k = _consts(spec, state, _membership)
    named = _per_agent(named_sales, n, a, "named_sales")
    announced = _per_agent(announced_sales, n, a, "announced_sales")
    if named is not None and np.any(named < 0):
        raise BadInput("sale size must be >= 0", field="named_sales", got=float(named.min()),
                       fix="give positive sale sizes in USD bn")
    if announced is not None and np.any(announced < 0):
        raise BadInput("sale size must be >= 0", field="announced_sales", got=float(announced.min()),
                       fix="give positive sale sizes in USD bn")
    ps = _per_agent(political_shock, n, a, "political_shock")
    g, prog, casc = k["g"], k["prog"], k["casc"]
    # the kernel reads these shapes without bounds checks: a state that does not match is refused
    for name, arr, shape in (("theta", state.theta, (n, a)), ("first_sale", state.first_sale, (n, a)),
                             ("peer", state.peer, (n, g)), ("market", state.market, (n,))):
        if np.shape(arr) != shape:
            raise BadInput(f"must be shaped {shape} (paths, agents or peer groups)", field=f"state.{name}",
                           got=np.shape(arr), fix="start the state with init_holders for this spec")
    xnoise = _NONE if noise is None else np.ascontiguousarray(
        np.broadcast_to(np.asarray(noise, dtype=float), (n, a)))
    z = _NONE32
    if noise is None and spec.noise_sd > 0 and len(casc):
        z = _draws(rng, n, len(casc), spec.noise_sd)
    plain = named is None and announced is None
    ez = k["d_zero"] and announced is None         # programme = baseline: nothing expected beyond it
    if not state.first_sale.flags.c_contiguous or state.first_sale.dtype != np.int64:
        state.first_sale = np.ascontiguousarray(state.first_sale, dtype=np.int64)   # updated in place
    sales, surprise = np.empty((n, a)), np.empty((n, a))
    expected = np.empty((1, a)) if ez else np.empty((n, a))     # all zeros when ez: a scratch row
    base_prog = np.empty((n, len(prog)))
    active = np.empty((n, a), dtype=bool)
    peer, market = np.empty((n, g)), np.empty(n)
    _step_kernel(
        np.ascontiguousarray(h, dtype=float), np.ascontiguousarray(state.theta, dtype=float),
        np.ascontiguousarray(state.peer, dtype=float), np.ascontiguousarray(state.market, dtype=float),
        state.first_sale, t, per_path(debt_gdp_dev_pp, n, "debt_gdp_dev_pp", writeable=True),
        per_path(yield_vol_bp, n, "yield_vol_bp", writeable=True), per_path(threat, n, "threat", writeable=True),
        (spec.w_fiscal / spec.fiscal_scale_pp) if spec.w_fiscal else 0.0,
        (spec.w_vol / spec.vol_scale_bp) if spec.w_vol else 0.0, float(spec.w_market),
        k["wc"], casc, _rows(ps), float(spec.w_political), xnoise, float(spec.noise_sd), z,
        k["sale_rate"], k["pace_rate"], k["neg_base"], k["d_prog"], prog, _rows(named, k["zero_row"]),
        _rows(announced, k["zero_row"]), not (k["cannot_oversell"] and plain), k["mf_ptr"], k["mf_row"], k["mf_val"],
        float(spec.peer_memory), sales, surprise, expected, base_prog, active, peer, market)
    state.peer, state.market, state.active = peer, market, active
    state.t = t + 1
    return HoldersFlows(sales=sales, baseline=lambda: _in_columns(n, a, prog, base_prog),
                        expected=(lambda: np.zeros((n, a))) if ez else expected,
                        surprise=surprise, active=active, expected_zero=ez)


@kernel
def _step_kernel(h, theta, peer, market, first_sale, t, debt, vol, threat, w_debt, w_vol, w_market,
                 wc, casc, ps, w_political, xnoise, noise_sd, z, sale_rate, pace_rate, neg_base, d_prog,
                 prog, named, announced, check_over, mf_ptr, mf_row, mf_val, mem,
                 sales, surprise, expected, base_prog, active, peer_out, market_out):
    """One month of the holders' equations (module docstring), path after path.

    Inputs: ``h``, ``theta`` (N, A); ``peer`` (N, G), ``market`` (N,) last month's memories;
    ``debt``, ``vol``, ``threat`` (N,) or (1,) (one value for every path); ``w_debt``, ``w_vol``
    the fiscal and volatility weights over their scales (0: the term is left out, as is
    ``w_market``'s); ``wc`` (G + 3, C) and ``casc`` (C,) the signal's weights and agents, ``mf_*``
    the memories' weights by column (:func:`_consts`); ``ps`` the political shock (N, A) or (1, A),
    absent when (0, 0); ``xnoise`` (N, A) explicit standard normal draws, else ``z`` (N, C) float32
    draws already times ``noise_sd``, each absent when (0, 0); ``named``, ``announced`` (N, A) or
    (1, A) (zeros when there are none); ``prog`` (P,) the agents with a baseline programme;
    ``check_over``: cap sales at holdings. Outputs (written): ``sales``, ``surprise``, ``expected``
    (N, A; a (1, A) scratch row when it is all zeros), ``base_prog`` (N, P) the programme agents'
    baseline flows, ``active`` (N, A), ``peer_out``, ``market_out``; ``first_sale`` (N, A) is
    updated in place.

    The expressions keep the order of operations of the numpy form they replace, so the numbers are
    its bits: products with the 0/1 ``active`` are a choice between the product and 0; an absent
    sale adds 0.0 to a flow >= 0 (the same number); products over weights add their terms in the
    inner index's order with :func:`treasurylab.model.compiled.fma`, and the memories' zero weights are left out (adding
    0 x h changes nothing, holdings being finite).

    Speed (docs/design.md, "Speed"): the flows of a plain month (no cap to test, nothing named or
    announced) are written one output a loop, without the cap's and the named sales' divisions, so
    that each loop runs on vector registers (the compiler gives up when a loop's arrays need more
    run-time overlap checks than it allows); the memories' sums run four paths at a time; agent
    indices read from arrays are unsigned (``mf_row``; the cascade agents as runs), which spares
    numba's negative-index wraparound on each access.
    """
    n_paths, a = h.shape
    n_casc = casc.shape[0]
    n_x = wc.shape[0]
    g = peer.shape[1]
    has_ps, has_x, has_z = ps.shape[0] > 0, xnoise.shape[0] > 0, z.shape[0] > 0
    x = np.empty(n_x)
    sig = np.empty(n_casc)
    base_row = np.empty(a)
    part_blk = np.zeros((_LANES, a))    # the part rows (part * h) of the block's paths
    nums = np.empty(_LANES)
    dens = np.empty(_LANES)
    # the cascade agents as runs of consecutive indices (agents j0, j0 + 1, ... at c = j - off): the
    # threshold test then reads theta, z and active in order, without a gather through casc
    run_j = np.empty(n_casc, dtype=np.uint64)      # run r: agents run_j[r] .. run_end[r] - 1,
    run_end = np.empty(n_casc, dtype=np.uint64)    # at c = j - run_off[r]
    run_off = np.empty(n_casc, dtype=np.uint64)
    n_runs = 0
    for c in range(n_casc):
        if n_runs > 0 and casc[c] == run_end[n_runs - 1]:
            run_end[n_runs - 1] += np.uint64(1)
        else:
            run_j[n_runs] = casc[c]
            run_end[n_runs] = casc[c] + 1
            run_off[n_runs] = casc[c] - c
            n_runs += 1
    # the plain month: no cap to test and nothing named or announced on any path. Then scale is 1
    # (x * 1.0 is x) and q is 0 (0 / pace is 0, and an agent without pace gets 0), so the flows need
    # neither division: each costs more than the rest of an agent's flows on vector registers
    plain = not check_over and named.shape[0] == 1 and announced.shape[0] == 1
    if plain:
        for j in range(a):
            if named[0, j] + announced[0, j] != 0.0:
                plain = False
    # one value for every path (a (1,) or (1, A) input) or one a path: chosen once, not per path
    debt_all, vol_all, threat_all = debt.shape[0] > 1, vol.shape[0] > 1, threat.shape[0] > 1
    ps_all, nm_all, an_all = ps.shape[0] > 1, named.shape[0] > 1, announced.shape[0] > 1
    ex_all = expected.shape[0] > 1
    # a (1, A) expected with several paths is a scratch row (all zeros, never read): left unwritten
    ex_rows = ex_all or n_paths == 1
    for n in range(n_paths):
        # --- signal: X @ W over the cascade-capable agents; colv = fiscal + volatility + market terms
        colv = 0.0
        if w_debt != 0.0:
            d = debt[n if debt_all else 0]
            colv += w_debt * (0.0 if d < 0.0 else d)          # max(d, 0), a NaN kept
        if w_vol != 0.0:
            colv += w_vol * vol[n if vol_all else 0]
        if w_market != 0.0:
            colv += w_market * market[n]
        for i in range(g):
            x[i] = peer[n, i]
        x[g] = 1.0
        x[g + 1] = colv
        x[g + 2] = threat[n if threat_all else 0]
        x0 = x[0]                       # n_x = G + 3 >= 3: the first term starts each sum at 0.0
        for c in range(n_casc):
            sig[c] = fma(x0, wc[0, c], 0.0)
        for i in range(1, n_x):
            xi = x[i]
            for c in range(n_casc):
                sig[c] = fma(xi, wc[i, c], sig[c])
        for j in range(a):
            active[n, j] = False
        if has_ps or has_x:
            r_ps = n if ps_all else 0
            for c in range(n_casc):
                j = casc[c]
                s = sig[c]
                if has_ps:
                    s = s + w_political * ps[r_ps, j]
                if has_x:
                    s = s + noise_sd * xnoise[n, j]
                elif has_z:
                    s = s + np.float64(z[n, c])
                if s >= theta[n, j]:
                    active[n, j] = True
                    if first_sale[n, j] < 0:
                        first_sale[n, j] = t
        else:
            # the same test, run by run, on unsigned indices (numba adds no negative-index wraparound
            # to those). It stays a branch: an agent crosses its threshold rarely, and only then are
            # first_sale's cells read (writing them all back each month cost more than it saved)
            for r in range(n_runs):
                off = run_off[r]
                for j in range(run_j[r], run_end[r]):
                    s = sig[j - off]
                    if has_z:
                        s = s + np.float64(z[n, j - off])
                    if s >= theta[n, j]:
                        active[n, j] = True
                        if first_sale[n, j] < 0:
                            first_sale[n, j] = t
        # --- flows and the pro-rata cap, agent after agent
        lane = n % _LANES
        r_nm = n if nm_all else 0
        r_an = n if an_all else 0
        r_ex = n if ex_all else 0
        if plain:
            # one output a loop: a loop writing several arrays needs more run-time overlap checks
            # between them and its inputs than the compiler makes, and then runs on scalars
            for j in range(a):
                hj = h[n, j]
                sales[n, j] = hj * neg_base[j] + (hj * d_prog[j] + announced[0, j]) + (
                    (hj * sale_rate[j] if active[n, j] else 0.0) + named[0, j])
            for j in range(a):
                surprise[n, j] = (h[n, j] * sale_rate[j] if active[n, j] else 0.0) + named[0, j]
            if ex_rows:
                for j in range(a):
                    expected[r_ex, j] = h[n, j] * d_prog[j] + announced[0, j]
            for j in range(a):
                part_blk[lane, j] = (1.0 if active[n, j] else 0.0) * h[n, j]
            for p in range(prog.shape[0]):
                base_prog[n, p] = h[n, prog[p]] * neg_base[prog[p]]
        else:
            for j in range(a):
                hj = h[n, j]
                act = active[n, j]
                base = hj * neg_base[j]
                exp_ = hj * d_prog[j] + announced[r_an, j]      # programme - baseline + announced
                sur = (hj * sale_rate[j] if act else 0.0) + named[r_nm, j]     # cascade + named sales
                tot = base + exp_ + sur                         # + 0.0 (nothing expected) changes no bit
                over = check_over and tot > hj                  # never sell more than is held: pro rata
                scale = hj / tot if over else 1.0
                sales[n, j] = hj if over else tot
                surprise[n, j] = sur * scale
                expected[r_ex, j] = exp_ * scale
                base_row[j] = base * scale
                # taking part: a cascade seller counts 1; a named or announced sale in proportion to its
                # pace relative to a cascade seller's (pace_rate * h), capped at 1 (peers see who sells)
                extra = named[r_nm, j] + announced[r_an, j]
                pace = pace_rate[j] * hj
                q = extra / pace if pace > 0.0 else (1.0 if extra > 0.0 else 0.0)
                q = 1.0 if q > 1.0 else q                       # min(q, 1), a NaN kept
                part = 1.0 if act else 0.0
                part = part if part >= q else q                 # max(active, q), a NaN kept
                part_blk[lane, j] = part * hj
            for p in range(prog.shape[0]):
                base_prog[n, p] = base_row[prog[p]]
        # --- memories for next month: holdings-weighted shares selling (groups, then all foreign),
        # _LANES paths at a time. Each path's sums are chains of fused multiply-adds in a fixed order,
        # each step waiting for the last (~5 cycles); four paths' chains are independent and overlap.
        # The last block may be short: its missing lanes repeat the last path and are not stored.
        if lane == _LANES - 1 or n == n_paths - 1:
            n0 = n - lane
            n1, n2, n3 = min(n0 + 1, n), min(n0 + 2, n), min(n0 + 3, n)
            for i in range(g + 1):
                num0 = num1 = num2 = num3 = 0.0
                den0 = den1 = den2 = den3 = 0.0
                for e in range(mf_ptr[i], mf_ptr[i + 1]):
                    j = mf_row[e]
                    v = mf_val[e]
                    num0 = fma(part_blk[0, j], v, num0)
                    den0 = fma(h[n0, j], v, den0)
                    num1 = fma(part_blk[1, j], v, num1)
                    den1 = fma(h[n1, j], v, den1)
                    num2 = fma(part_blk[2, j], v, num2)
                    den2 = fma(h[n2, j], v, den2)
                    num3 = fma(part_blk[3, j], v, num3)
                    den3 = fma(h[n3, j], v, den3)
                nums[0], nums[1], nums[2], nums[3] = num0, num1, num2, num3
                dens[0], dens[1], dens[2], dens[3] = den0, den1, den2, den3
                for k in range(lane + 1):
                    share = nums[k] / dens[k] if dens[k] > 0.0 else 0.0
                    if i < g:
                        peer_out[n0 + k, i] = mem * peer[n0 + k, i] + (1.0 - mem) * share if mem != 0.0 else share
                    else:
                        market_out[n0 + k] = mem * market[n0 + k] + (1.0 - mem) * share


_LANES = 4      # paths whose memories are summed together (the four chains written out above)


def _in_columns(n: int, a: int, cols: np.ndarray, values: np.ndarray) -> np.ndarray:
    """(n, a) zeros with ``values`` (n, len(cols)) in the columns ``cols``."""
    out = np.zeros((n, a))
    out[:, cols] = values
    return out


def _draws(rng: np.random.Generator | None, n: int, c: int, sd: float) -> np.ndarray:
    """(n, c) float32 noise ``sd * z`` from ``rng`` (BadInput without a generator)."""
    if rng is None:
        raise BadInput("noise needs a random generator", field="rng",
                       fix="pass numpy.random.default_rng(seed) or noise draws")
    return _normal_f32(rng, n * c, sd).reshape(n, c)


# --------------------------------------------------------------------------- outputs

def foreign_share(spec: HoldersSpec, holdings: np.ndarray) -> np.ndarray:
    """Share of all holdings (N,) held by foreign agents."""
    tot = holdings.sum(axis=-1)
    return np.divide(holdings[..., spec.foreign].sum(axis=-1), tot, out=np.zeros_like(tot), where=tot > 0)


def cascade_size(spec: HoldersSpec, state: HoldersState, weighted: bool = True) -> np.ndarray:
    """Share (N,) of the cascade-capable agents that have sold at least once in the cascade.

    ``weighted=True`` weights agents by their initial holdings; otherwise counts agents.
    """
    ever = state.first_sale >= 0
    w = spec.holdings0 * spec.can_cascade if weighted else spec.can_cascade.astype(float)
    tot = w.sum()
    return (ever * w).sum(axis=1) / tot if tot > 0 else np.zeros(ever.shape[0])


def first_seller(state: HoldersState) -> np.ndarray:
    """Index (N,) of the agent that sold first in the cascade on each path (-1: nobody sold).

    Ties (several agents in the same month) go to the lowest index.
    """
    fs = np.where(state.first_sale >= 0, state.first_sale, np.iinfo(np.int64).max)
    idx = fs.argmin(axis=1)
    return np.where(state.first_sale.max(axis=1) >= 0, idx, -1)
