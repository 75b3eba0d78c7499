"""The coupled system: one month of every block, in a fixed order, for all paths at once.

This is the one place where the monthly order of DESIGN.md ("One month, in order") is written down
and executed. For month t (all arrays carry the path axis first; ``prev`` = last month's value)::

  1. Events      threat_t, named/announced sales (A,), freezes, programme / backstop / issuance-mix
                 segments and fiscal slippage come from schedules built once by :func:`prepare`.
  2. Holders     flows = holders_step(spec_t, signal inputs: debt/GDP deviation (prev, not projected),
                 10y volatility (prev), threat_t, political shock (freeze -> rivals' fear),
                 named sales_t + reserve managers' Treasury sales (prev)); frozen holders' flows -> 0.
  3. Market      surprise, expected = flows of price-insensitive holders beyond the baseline;
                 yields_t = baseline curve + E[policy path] (macro, prev) + tp_perm + tp_temp
                          + fiscal premium(projected debt and deficit deviations, prev) + trust term;
                 the Fed backstop fires on a jump; clear_market settles every dollar (net new supply
                 = last month's change in debt); yields are capped at the regime bound (flagged).
  4. Macro       dy10 = y10_t - baseline; stress: a state following max(unusual monthly 10y jump,
                 1 - trust) at the pace of the Baa spread's history (macro.stress_index; a
                 term-premium event's add-on is not a jump); mortgage, Baa (+ credit-spread events),
                 output gap (IS, with the fiscal impulse of purchases, transfers and slippage),
                 unemployment (Okun), inflation (Phillips), policy rate (Taylor, or a policy_path
                 event's rate while it lasts) -> GDP_t. Term-premium events are added to the
                 market's yields in step 3; an uncertainty event adds to the volatility the holders
                 see in step 2.
  5. Fiscal      fiscal.step at the market's curve (bills at the 3m yield), primary deficit =
                 baseline + slippage + fiscal events (% of GDP_t), GDP_t, inflation = baseline + deviation,
                 stabilisers on the gap deviation -> debt, debt/GDP, net interest, deficit; then the
                 deviations the next month's premia see:
                   deficit_dev = 100 (deficit*12/GDP - baseline)
                   debt_dev    = 100 (min(debt/GDP, cap) - baseline) + projection_years * deficit_dev
  6. Reserves    reserves_step(signal = w * threat_t + freeze in force, the 10-year less the baseline's)
                 -> gold, gold price, and the
                 Treasury sales that fund extra gold (added to next month's holders' sales).
  7. Minerals    the minerals block (deterministic, one linear programme per month, run once in
                 ``prepare`` because nothing in it depends on the paths) gives the output lost to
                 magnet shortages; its US output-gap contribution enters step 4 as ``gap_shock``.
  8. Record      every output of interest into month-major (T, N) buffers (one contiguous row per
                 month), returned as (N, T) views; non-finite values never leave the
                 model: regime bounds cap them and ``regime_exceeded`` flags the path.

Speed: BLAS runs on one thread inside :func:`simulate` (blocks are the unit of parallelism), sales
that are zero in a month are passed as None (no (N, A) passes over zeros). What depends on the month
only (announced sales still to come, freezes) is computed once per block; the fiscal block computes
only the four outputs used here (``outputs=``); the expected policy path is built tenor-major
(5, N), the market's layout. The month's own arithmetic between the blocks' steps is compiled
loops over the paths (model/compiled.py), each writing into preallocated arrays and the records'
rows: the holders' sums (:func:`_holders_sums`), the yields' event add-on and cap and the macro
block's inputs (:func:`_yields_month`), the world around the baseline, the fiscal step's inputs and
the macro records (:func:`_to_fiscal`), and the fiscal deviations, the supply and the other
records (:func:`_month_end`). :func:`warm_process` does a
first block's one-off imports and BLAS set-up in a parent before it forks workers. Each equation
has one implementation in its block's module: compiled loops (model/compiled.py) for the holders',
fiscal, market, macro and reserves steps and the world shocks' recursions; the random draws are numpy.

With no events every deviation is exactly zero, so the run reproduces the baseline (CBO's 10-year,
and the fiscal block's baseline run of net interest and debt/GDP) to rounding: add-factors by
construction. Before the scenario's first month the fiscal block alone is rolled from the
baseline's first month (October of the first fiscal year) on baseline inputs.

``treasurylab.scenario.setup.prepare(scenario) -> Setup`` (deterministic, picklable, frozen; it reads
the parameters and the data; the ``Setup`` class belongs to the scenario layer, which builds it: the
kernel only reads its fields) and ``simulate(setup, n, rng) -> dict``
(one block of n paths; arrays (n, T), (n,) or (n, A)) are what the runner calls. Per path it also
returns ``cascade_share`` (foreign non-absorbing holders' sales beyond the baseline in the first 24
months / TIC's foreign official holdings in the newest month published by the start - $3,876bn, Oct
2025, for a 2026-01 start: the non-absorbing
foreign agents stand for the official sector, since TIC gives no official/private split by country; the
record ``foreign_official`` is that total less their net sales since the start, floored at 0), ``regime_exceeded``, ``fed_backstop_bn`` (backstop holdings at the end: purchases less the sales back
of market.backstop_unwind, USD bn), ``fed_backstop_gross_bn`` (the backstop's purchases over the run,
before any sale back, USD bn: > 0 on the paths where it fired) and
``holder_sales`` (n, A): each holder's cumulative sales beyond the baseline (+ = sold).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.compiled import fma, kernel

VINTAGES = {"cbo-2026-02": "2026-02", "cbo-2025-01": "2025-01"}
CASCADE_WINDOW = 24           # months: "sold within 24 months" (the tipping-point definition)
RECORD = ("y10", "tp10", "flow_premium", "fiscal_premium", "expected_short_dev", "policy_rate",
          "mortgage", "baa", "gdp_gap", "gdp_level_dev", "inflation_dev", "net_interest", "deficit_gdp",
          "debt_gdp", "foreign_total", "foreign_official", "trust", "gold_price", "event_premium", "unemployment")


def one_blas_thread():
    """A context that runs BLAS on one thread (a no-op without ``threadpoolctl``).

    The products in the month loop are small ((2048 x 47) by (47 x 6)); blocks already run in
    parallel processes, and a threaded BLAS on a busy machine waits for descheduled threads on
    every product: measured 2.4 s instead of 0.4 s for one 2,048-path block with the other core busy.
    """
    global _POOLS
    import sys

    # scanning the loaded libraries reads /proc (~3 ms): once per process, not once per block -
    # but again when modules were imported since (scipy, say, loads a BLAS of its own)
    if _POOLS is None or _POOLS[1] != len(sys.modules):
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:             # pragma: no cover - threadpoolctl is a dependency
            from contextlib import nullcontext

            return nullcontext()
        _POOLS = (ThreadpoolController(), len(sys.modules))
    return _POOLS[0].limit(limits=1, user_api="blas")


_POOLS = None


def warm_process(setup: Any = None) -> None:
    """Do once, in a parent process about to fork workers, the one-off work of a first block.

    The modules :func:`simulate` imports and the BLAS thread controller (:func:`one_blas_thread`
    scans the loaded libraries, ~10 ms) are then inherited by every forked worker instead of being
    redone at the start of each worker's first block. Results are unchanged.
    """
    from treasurylab.model import fiscal, holders, macro, market, reserves, shocks, state  # noqa: F401

    with one_blas_thread():
        pass


def holders_month(spec, state, t: int, *, debt_gdp_dev_pp, yield_vol_bp, threat, rng, membership,
                        named_sales=None, announced_sales=None, political_shock=None, frozen=None,
                        insens: np.ndarray, foreign_f: np.ndarray, holder_sales: np.ndarray,
                        sold_24m: np.ndarray, window: bool):
    """Step 2 of the month: the holders' step, the freeze, and the sums the rest of the month needs.

    Returns (sales (N, A), the price-insensitive holders' surprise and expected flows (N,)).
    ``frozen``: (A,) bool or None (those holders' flows are zeroed; their memories are not);
    ``insens``, ``foreign_f``: (A,) 0/1 (price-insensitive holders; foreign non-absorbers);
    ``holder_sales`` (N, A) accumulates the scenario sales (expected + surprise) in place and
    ``sold_24m`` (N,) the foreign non-absorbers' positive ones when ``window``.
    """
    from treasurylab.model import holders as H

    flows = H.holders_step(spec, state, t, debt_gdp_dev_pp=debt_gdp_dev_pp, yield_vol_bp=yield_vol_bp,
                           threat=threat, political_shock=political_shock, named_sales=named_sales,
                           announced_sales=announced_sales, rng=rng, _membership=membership)
    n, a = flows.surprise.shape
    frz = _NO_AGENTS if frozen is None else np.ascontiguousarray(frozen, dtype=bool)
    if frz.shape[0] not in (0, a) or holder_sales.shape != (n, a) or sold_24m.shape != (n,):
        raise BadInput(f"must be shaped ({a},), ({n}, {a}) and ({n},)", field="frozen/holder_sales/sold_24m",
                       got=(frz.shape, holder_sales.shape, sold_24m.shape), fix="one value per agent / per path")
    sur, exp_ = np.empty(n), np.empty(n)
    # the expected part is read only when non-zero (an all-zero one is built on first access)
    _holders_sums(flows.sales, flows.surprise, _NO_FLOWS if flows.expected_zero else flows.expected, frz,
                  insens, foreign_f, holder_sales, sold_24m, window, sur, exp_)
    return flows.sales, sur, exp_


_NO_AGENTS = np.empty(0, dtype=bool)     # no frozen holder this month
_NO_FLOWS = np.empty((0, 0))             # no expected flows this month (all zero)


@kernel
def _holders_sums(sales, surprise, expected, frozen, insens, foreign_f, holder_sales, sold_24m, window, sur,
                  exp_out):
    """The sums of :func:`holders_month`, path after path, over the holders' (N, A) flows.

    ``frozen`` (A,) bool or empty: those holders' ``sales``, ``surprise`` and ``expected`` are set to 0
    in place. ``expected`` (N, A), or empty when it is all zeros. Per path: the scenario sales beyond
    the baseline e = expected + surprise (surprise alone when there is no expected part) added to
    ``holder_sales``; when ``window``, sum_j max(e_j, 0) foreign_f_j added to ``sold_24m``; ``sur``
    and ``exp_out`` take sum_j surprise_j insens_j and sum_j expected_j insens_j (0 without one), each
    by :func:`_dot4` (the matrix-vector products they replace added in OpenBLAS's order: the sums
    may differ from theirs in the last bit). max(x, 0) keeps a NaN, as np.maximum did.
    """
    n, a = surprise.shape
    has_frozen = frozen.shape[0] > 0
    has_exp = expected.shape[0] > 0
    row = np.empty((2, a))              # one path's scenario sales and their positive part, in cache
    e_row = row[0]
    pos_row = row[1]
    for i in range(n):
        for j in range(a):
            if has_frozen and frozen[j]:
                sales[i, j] = 0.0
                surprise[i, j] = 0.0
                if has_exp:
                    expected[i, j] = 0.0
            e = expected[i, j] + surprise[i, j] if has_exp else surprise[i, j]
            holder_sales[i, j] += e
            e_row[j] = e
            pos_row[j] = e if (e >= 0.0 or e != e) else 0.0
        sur[i] = _dot4(surprise[i], insens)
        exp_out[i] = _dot4(expected[i], insens) if has_exp else 0.0
        if window:
            sold_24m[i] += _dot4(pos_row, foreign_f)


@kernel
def _dot4(x, w):
    """sum_j x[j] w[j] in four interleaved partial sums (as market._sum4: s_r takes the terms with
    j = r mod 4 in order, the last len(x) mod 4 go to s_0, the sum is (s_0 + s_1) + (s_2 + s_3)),
    each term added with :func:`treasurylab.model.compiled.fma`. One running sum waits for each add
    before the next; four independent ones overlap. The weights here are 0 or 1: every product is
    exact, and only the order of the adds can move the last bit."""
    a = x.shape[0]
    full = a - a % 4
    s0 = s1 = s2 = s3 = 0.0
    for j in range(0, full, 4):
        s0 = fma(x[j], w[j], s0)
        s1 = fma(x[j + 1], w[j + 1], s1)
        s2 = fma(x[j + 2], w[j + 2], s2)
        s3 = fma(x[j + 3], w[j + 3], s3)
    for j in range(full, a):
        s0 = fma(x[j], w[j], s0)
    return (s0 + s1) + (s2 + s3)

_NO_TENORS = np.empty(0)                 # no term-premium event this month
_NO_PATHS = np.empty(0)                  # no world-only fiscal path (no world shocks)


@kernel
def _yields_month(y, tp, y_cap, by10, dy10_prev, ev_change, trust, regime, dy10, jump, distrust):
    """Steps 3-4 of the month between the market and the macro block, on all the paths at once.

    ``y`` (5, N) tenor-major: the market's yields, in place: plus a term-premium event's add-on
    ``tp`` (5,) (empty: none); when some path's 10-year is above ``y_cap`` (decimal), those paths are
    flagged in ``regime`` and every yield is capped at ``y_cap`` (np.minimum: a NaN kept). Written:
    ``dy10`` = y10 - ``by10`` (the baseline's 10-year, (N,) or (1,)); the stress's input ``jump`` =
    dy10 - ``dy10_prev`` - ``ev_change`` (the event's own change, not a market jump) and ``distrust``
    = 1 - ``trust``.
    """
    n = y.shape[1]
    # lanes form: each statement a loop over the paths starting at 0 (LLVM runs it on several paths
    # per vector instruction); the event's add-on, the cap and the (N,) / (1,) baseline are loops of
    # their own instead of branches inside one; the paths over the cap are counted first (a sum that
    # vectorises) and flagged only when there are some (rare)
    if tp.shape[0] > 0:
        for k in range(5):
            add = tp[k]
            for i in range(n):
                y[k, i] = y[k, i] + add
    n_over = 0
    for i in range(n):
        n_over += y[3, i] > y_cap
    if n_over > 0:
        for i in range(n):
            if y[3, i] > y_cap:
                regime[i] = True
        for k in range(5):
            for i in range(n):
                y[k, i] = np.minimum(y[k, i], y_cap)
    if by10.shape[0] > 1:
        for i in range(n):
            d = y[3, i] - by10[i]
            dy10[i] = d
            jump[i] = d - dy10_prev[i] - ev_change
            distrust[i] = 1.0 - trust[i]
    else:
        b = by10[0]
        for i in range(n):
            d = y[3, i] - b
            dy10[i] = d
            jump[i] = d - dy10_prev[i] - ev_change
            distrust[i] = 1.0 - trust[i]


@kernel
def _month_end(c, debt_gdp, deficit, debt, net_interest, gdp, w_deficit, w_gdp, w_debt_gdp, regime, deficit_dev,
               debt_now, debt_dev, supply, debt_prev, y, tp_perm, tp_temp, fiscal, trust_term, trust, esd10,
               w_tp10, official_gap, r_deficit, r_debt, r_ni, r_y10, r_flow, r_fiscal, r_tp10, r_esd, r_foff,
               r_trust, r_ev):
    """Step 5's deviations and step 8's records of the month, path after path (module docstring).

    ``c``: (debt/GDP cap, projection years, the baseline's deficit/GDP and debt/GDP this month, the
    baseline 10y term premium plus the event's add-on, the add-on). Fiscal outputs (N,); with world
    shocks ``w_deficit``, ``w_gdp``, ``w_debt_gdp`` (N,) are the world-only path's, whose deficit/GDP
    and capped debt/GDP are the baseline, and ``w_tp10`` (N,) the world's 10y term premium (each
    empty without). Flags ``regime`` where debt/GDP is above the cap (or NaN); writes the deviations
    (pp) ``deficit_dev`` = 100 (deficit 12 / GDP - base), ``debt_now`` = 100 (min(debt/GDP, cap) -
    base), ``debt_dev`` = debt_now + years deficit_dev, the net new supply ``supply`` = debt -
    ``debt_prev`` (which takes the debt), and the month's record rows ``r_*``; ``r_foff`` holds the
    foreign non-absorbers' holdings on entry and takes the official path, max(holdings +
    ``official_gap``, 0).
    """
    n = gdp.shape[0]
    cap, years, base_def, base_debt, tp10_base, ev10 = c[0], c[1], c[2], c[3], c[4], c[5]
    world = w_deficit.shape[0] > 0
    # lanes form (as fiscal._month): a loop over the paths from 0 per group of statements, each element
    # with the same operations in the same order as one path at a time
    for i in range(n):
        regime[i] = regime[i] | (not debt_gdp[i] <= cap)
    if world:
        for i in range(n):
            dd = 100.0 * (deficit[i] * 12.0 / gdp[i] - w_deficit[i] * 12.0 / w_gdp[i])
            dn = 100.0 * (np.minimum(debt_gdp[i], cap) - np.minimum(w_debt_gdp[i], cap))
            deficit_dev[i] = dd
            debt_now[i] = dn
            debt_dev[i] = dn + years * dd
    else:
        for i in range(n):
            dd = 100.0 * (deficit[i] * 12.0 / gdp[i] - base_def)
            dn = 100.0 * (np.minimum(debt_gdp[i], cap) - base_debt)
            deficit_dev[i] = dd
            debt_now[i] = dn
            debt_dev[i] = dn + years * dd
    for i in range(n):
        supply[i] = debt[i] - debt_prev[i]
        debt_prev[i] = debt[i]
    for i in range(n):
        r_deficit[i] = deficit[i] * 12.0 / gdp[i]
        r_debt[i] = debt_gdp[i]
        r_ni[i] = net_interest[i] * 12.0
        r_y10[i] = y[3, i]
    for i in range(n):
        fl = tp_perm[3, i] + tp_temp[3, i]
        r_flow[i] = fl
        r_tp10[i] = tp10_base + fl
    if world:
        for i in range(n):
            r_tp10[i] += w_tp10[i]
    for i in range(n):
        r_fiscal[i] = fiscal[3, i] + trust_term[3, i]
        r_esd[i] = esd10[i]
        r_trust[i] = trust[i]
        r_ev[i] = ev10
    for i in range(n):
        r_foff[i] = np.maximum(r_foff[i] + official_gap[i], 0.0)


_NO_ROWS = np.empty((0, 0))


@kernel
def _to_fiscal(c, mo, macro_regime, y, w_by10, w_by3m, w_policy, w_real, w_price, w_infl, w_deficit, w_gap, u_world,
               regime, fin, win, r_policy, r_mortgage, r_baa, r_gap, r_level, r_infl, r_unemp):
    """Step 4's world around the baseline and step 5's inputs, path after path (module docstring).

    ``c``: (world shocks on, no stated policy path this month, the policy rate's lower bound, Okun's
    persistence, (1 - persistence) x Okun's coefficient, the fiscal events' deficit (% of GDP), the
    baseline's bill rate, 3-month yield, primary deficit, inflation, revenue and GDP this month, its
    unemployment rate, its 10-year). ``mo`` (9, N): the macro step's rows (macro.OUT_ROWS);
    ``macro_regime`` its flags, added to ``regime``; ``y`` (5, N) this month's yields. With world
    shocks the ``w_*`` rows (N,) are this month's (the baseline curve's 10-year and 3-month with
    them), and ``u_world`` (N,) the world's unemployment deviation, advanced in place: the world's
    rate moves the mortgage and Baa rates, its policy shock the policy rate (floored at the lower
    bound, unless a stated path holds it), its real and price levels GDP, its inflation, deficit
    and gap theirs. Written: ``fin`` (5, N) the fiscal step's bill rate, primary deficit (USD bn),
    GDP, inflation and revenue; ``win`` (5, N) the world-only path's GDP, bill rate, primary
    deficit, inflation and revenue (empty without world shocks); and the macro record rows.
    """
    n = mo.shape[1]
    world, rule, lb, okun_rho, okun = c[0] != 0.0, c[1] != 0.0, c[2], c[3], c[4]
    extra_def, bill0, y3m0, pdef0, cpi0, rev0, ngdp0, base_u, base_y10 = (c[5], c[6], c[7], c[8], c[9], c[10],
                                                                        c[11], c[12], c[13])
    # Lanes form (as fiscal._month): each group of statements is a loop over the paths from 0, so
    # LLVM runs it on several paths per instruction; exp (scalar libm) has a loop of its own. Every
    # element gets the same operations in the same order as one path at a time.
    for i in range(n):
        regime[i] = regime[i] | macro_regime[i]
    for i in range(n):
        fin[0, i] = bill0 + (y[0, i] - y3m0)
    if not world:
        for i in range(n):
            gdp = mo[7, i]
            fin[1, i] = pdef0 + extra_def * gdp / 1200.0
            fin[2, i] = gdp
            fin[4, i] = rev0 * (gdp / ngdp0)
        for i in range(n):
            infl = mo[5, i]
            fin[3, i] = cpi0 + infl
            r_infl[i] = infl
        for i in range(n):
            r_policy[i] = mo[2, i]
            r_mortgage[i] = mo[0, i]
            r_baa[i] = mo[1, i]
        for i in range(n):
            r_gap[i] = mo[3, i]
            r_level[i] = mo[8, i]
            r_unemp[i] = base_u + mo[6, i]
        return
    # world shocks: win[4] holds the price-and-real level exp(real + price) until its last loop
    lvl_row = win[4]
    for i in range(n):
        lvl_row[i] = np.exp(w_real[i] + w_price[i])
    for i in range(n):
        gdp = mo[7, i] * lvl_row[i]
        fin[1, i] = pdef0 + (extra_def + w_deficit[i]) * gdp / 1200.0
        fin[2, i] = gdp
        fin[4, i] = rev0 * (gdp / ngdp0)
    for i in range(n):
        lvl = lvl_row[i]
        r_level[i] = (1.0 + mo[8, i]) * lvl - 1.0
        gdp_w = ngdp0 * lvl
        win[0, i] = gdp_w
        win[2, i] = pdef0 + w_deficit[i] * gdp_w / 1200.0
        lvl_row[i] = rev0 * lvl
    for i in range(n):
        w10 = w_by10[i] - base_y10
        r_mortgage[i] = mo[0, i] + w10
        r_baa[i] = mo[1, i] + w10
    if rule:                    # a stated policy path (policy_path event) is kept as stated
        for i in range(n):
            r_policy[i] = np.maximum(mo[2, i] + w_policy[i], lb)
    else:
        for i in range(n):
            r_policy[i] = mo[2, i]
    for i in range(n):
        infl = mo[5, i] + w_infl[i]
        r_infl[i] = infl
        fin[3, i] = cpi0 + infl
        win[3, i] = cpi0 + w_infl[i]
        win[1, i] = bill0 + (w_by3m[i] - y3m0)
    # the part of the growth surprise potential output has not absorbed (model/shocks.py: gap
    # persistence from CBO's history); unemployment follows it through the same Okun's-law dynamics
    # as the model's own gap
    for i in range(n):
        r_gap[i] = mo[3, i] + w_gap[i]
        uw = okun_rho * u_world[i] - okun * w_gap[i]
        u_world[i] = uw
        r_unemp[i] = base_u + (mo[6, i] + uw)


def simulate(S: Any, n: int, rng: np.random.Generator, out: dict | None = None) -> dict[str, np.ndarray]:
    """Run one block of ``n`` paths through the T months; returns the recorded arrays.

    ``out``: optional {record name: (T, n) float64 array} to record into (e.g. views of a shared
    output map); the returned (n, T) arrays are then views of them.
    """
    with one_blas_thread():
        return _simulate(S, n, rng, out or {})


def _simulate(S: Any, n: int, rng: np.random.Generator, out: dict) -> dict[str, np.ndarray]:
    from treasurylab.model import fiscal as F
    from treasurylab.model import holders as H
    from treasurylab.model import market as M
    from treasurylab.model.macro import MacroState
    from treasurylab.model.macro import step as macro_step
    from treasurylab.model.state import CoupledState

    market_step, clear_market, fiscal_step = M.market_step, M.clear_market, F.step
    T, k0 = S.T, S.k0
    spec0 = S.hspecs[0]
    A = spec0.n_agents
    fs = F.init_state(S.ladder, n, k0 + T, S.fparams, S.curve_tenors)
    for t in range(k0):   # fiscal-only roll from the baseline's first month, baseline inputs
        fiscal_step(fs, t, S.yields[t], S.bill[t], S.pdef[t], S.ngdp[t], S.cpi[t], S.mix0,
               revenue=S.revenue[t], other_means=S.other_means[t], outputs=())
    rs = None
    if S.rp is not None:
        from treasurylab.model import reserves as R

        rs = R.init_reserves(S.rp, n)
    st = CoupledState.start(n, A, S.ngdp[k0], fiscal=fs, holders=H.init_holders(spec0, n, rng),
                            market=M.init_market(S.mps[0], n), macro=MacroState.zeros(n), reserves=rs,
                            minerals=None)
    hs, ms, mst = st.holders, st.market, st.macro
    debt_prev = fs.debt.copy()
    foreign = spec0.foreign & ~spec0.absorber
    foreign_f = foreign.astype(float)             # matrix-vector products beat boolean column copies
    all_foreign_f = spec0.foreign.astype(float)
    # "more than half of foreign official holdings sold": the non-absorbing foreign agents stand for the
    # official sector (TIC has no official/private split by country), measured against TIC's official total
    h0_foreign = S.foreign_official_bn or float(spec0.holdings0[foreign].sum())
    # the same stand-in gives a monthly foreign official path: TIC's official total at the start less the
    # non-absorbing foreign agents' net sales since then (dollar for dollar, as in cascade_share)
    official_gap = h0_foreign - hs.holdings @ foreign_f
    # records month-major (T, n): each month writes contiguous rows; returned as (n, T) views
    rec = {}
    for k in RECORD:
        buf = out.get(k)
        if buf is None:
            buf = np.empty((T, n))
        elif buf.shape != (T, n) or buf.dtype != np.float64:
            raise BadInput(f"record buffer must be float64 shaped (T, n) = ({T}, {n})", field=f"out[{k!r}]",
                           got=(buf.shape, str(buf.dtype)), fix="allocate np.empty((T, n))")
        rec[k] = buf
    membership = spec0.membership()
    pm, cp = S.macro, S.cp
    y_cap = pm.regime_y10_max
    debt_cap = cp["regime_debt_gdp_max"]
    gold_price = np.full(n, np.nan)
    holder_sales = np.zeros((n, A))     # scenario sales beyond the baseline, cumulative, USD bn
    fed_bought = np.zeros(n)
    fed_gross = np.zeros(n)             # the backstop's purchases over the run, before any sale back
    named_any = S.named.any(axis=1)
    ann_any = S.announced.any(axis=1)
    pol_any = S.political.any(axis=1)
    res_live = False                    # reserve managers' Treasury sales are non-zero somewhere
    # price-insensitive agents as a 0/1 vector per spec variant: flows summed with a mat-vec product
    insens_f = [(~sp.absorber).astype(float) for sp in S.hspecs]
    # everything that depends on the month only, once per block rather than once per month
    frozen_any = S.frozen.any(axis=1)
    fut_all = np.empty(T)           # known (announced) sales still to come within the horizon
    for t in range(T):
        h = round(S.mps[S.mseg[t]].expectation_horizon_months)
        fut_all[t] = S.announced[t + 1: t + 1 + h][:, ~S.hspecs[S.hseg[t]].absorber].sum()
    base_y10_arr = S.yields[k0:k0 + T, 3].copy()
    base_y10 = base_y10_arr.tolist()
    zT = np.zeros(T)
    tp_add = S.tp_add if S.tp_add is not None else None
    spread_add = S.spread_add if S.spread_add is not None else np.zeros((T, 2))
    pol_path = S.policy_path if S.policy_path is not None else np.full(T, np.nan)
    vol_add = S.vol_add if S.vol_add is not None else zT
    # fiscal slippage (no split given) acts as transfers in the IS curve; the deficit carries all three
    purch = (S.purchases if S.purchases is not None else zT) / 100.0
    transf = (S.transfers if S.transfers is not None else zT) / 100.0 + S.slippage / 100.0
    extra_def = S.slippage + (S.purchases if S.purchases is not None else zT) + \
        (S.transfers if S.transfers is not None else zT)
    base_u = S.base_unemployment if S.base_unemployment is not None else zT
    fiscal_out = ("debt", "debt_gdp", "deficit", "net_interest")
    esd_t = np.empty((5, n))        # expected short-rate path by tenor, tenor-major
    month_c = np.empty(6)           # the month's scalars of _month_end
    month_b = np.empty(14)          # and of _to_fiscal
    macro_out = np.empty((9, n))    # the macro step's rows (macro.OUT_ROWS), rewritten every month
    fin = np.empty((5, n))          # the fiscal step's inputs: bill rate, primary deficit, GDP, inflation, revenue
    win = np.empty((5, n)) if S.shocks is not None else None    # the world-only path's (GDP first)
    # world shocks (model/shocks.py): drawn for all months at once, from a generator jumped from the
    # block's (the holders' draws are unchanged); they move the baseline each block sees, so the
    # blocks' deviations stay the scenario's own
    W = None
    if S.shocks is not None:
        from treasurylab.model import shocks as WS

        W = WS.draw(S.shocks, n, T, WS.shock_rng(rng))
        lb = pm.lower_bound
        # the world-only fiscal path (world shocks, no scenario): premia and the holders' fiscal signal
        # price the scenario's deviations from it, not the world's own (the curve shocks already carry
        # the market's historical repricing of fiscal news); same ladder, same pre-roll
        fw = fs.copy()
        u_world = np.zeros(n)       # the world's own unemployment deviation (Okun on its gap shock)

    for t in range(T):
        tf = k0 + t
        spec = S.hspecs[S.hseg[t]]
        # 2. holders
        # all-zero sales are passed as None: the same numbers, without (N, A) passes over zeros
        if res_live:
            named = S.named[t] + st.reserves_sales
        else:
            named = S.named[t] if named_any[t] else None
        insens = insens_f[S.hseg[t]]
        sales, sur, exp_ = holders_month(
            spec, hs, t, debt_gdp_dev_pp=st.debt_now_pp,
            yield_vol_bp=ms.vol_bp if vol_add[t] == 0.0 else ms.vol_bp + vol_add[t], threat=S.threat[t],
            rng=rng, membership=membership, named_sales=named,
            announced_sales=S.announced[t] if ann_any[t] else None,
            political_shock=S.political[t] if pol_any[t] else None,
            frozen=S.frozen[t] if frozen_any[t] else None, insens=insens, foreign_f=foreign_f,
            holder_sales=holder_sales, sold_24m=st.sold_24m, window=t < CASCADE_WINDOW)
        # 3. market
        mp = S.mps[S.mseg[t]]
        # (5, n): the market block works tenor-major (see market.market_step)
        np.multiply(S.exp_factor[:, None], mst.policy, out=esd_t)
        if W is None:
            ybase, by10 = S.yields[tf], base_y10_arr[t:t + 1]
        else:   # the baseline curve plus the accumulated factor shocks, (5, n), floored at the lower bound
            ybase5 = np.maximum(S.yields[tf][:, None] + W.tenor[t], lb)
            ybase, by10 = ybase5.T, ybase5[3]
        out = market_step(mp, ms, surprise_flow_bn=sur, expected_flow_bn=exp_, announced_future_bn=fut_all[t],
                            gdp_bn=st.gdp, debt_gdp_dev_pp=st.debt_dev_pp, deficit_gdp_dev_pp=st.deficit_dev_pp,
                            exp_short_dev=esd_t.T, baseline_yields=ybase, distrust_shock=S.distrust[t])
        fed_sold = 0.0
        if isinstance(out.fed_sales_bn, np.ndarray):
            # the backstop's holdings sold back (market.backstop_unwind): a sale by the Fed agent, cleared
            # like any other, so the absorbers buy every dollar of it
            sales, fed_sold = M.with_fed_sales(sales, hs.holdings, spec.fed_index, out.fed_sales_bn)
            fed_bought -= fed_sold
        clr = clear_market(hs.holdings, sales, spec.absorber, spec.fed_index, out.fed_purchases_bn,
                             st.supply_bn)
        hs.holdings = clr.holdings
        fed_bought += clr.fed_bought
        fed_gross += clr.fed_bought
        # the market's state takes what the clearing did (purchases scaled back with other buyers')
        M.backstop_settle(mp, ms, out, clr.fed_bought, fed_sold)
        # stress sees the market's own jumps, not a term-premium event's add-on (a stated repricing)
        ev10 = tp_add[t, 3] if tp_add is not None else 0.0
        ev10_prev = tp_add[t - 1, 3] if (tp_add is not None and t > 0) else 0.0
        yT = out.yields.T                     # (5, n), tenor-major; the event's add-on and the cap in place
        dy10, jump, distrust = np.empty(n), np.empty(n), np.empty(n)
        _yields_month(yT, tp_add[t] if (tp_add is not None and tp_add[t].any()) else _NO_TENORS, y_cap,
                      by10, st.dy10_prev, ev10 - ev10_prev, out.trust, st.regime,
                      dy10, jump, distrust)
        y = yT.T
        # 4. macro
        pol_t = pol_path[t]
        mo = macro_step(mst, pm, dy10=dy10, stress_jump=jump, distrust=distrust, base_y10=base_y10[t],
                        base_policy=float(S.base_policy[t]), base_gap=float(S.base_gap[t]),
                        base_gdp=float(S.ngdp[tf]), gap_shock=float(S.gap_shock[t]),
                        purchases=float(purch[t]), transfers=float(transf[t]),
                        spread_add=(float(spread_add[t, 0]), float(spread_add[t, 1])),
                        policy_override=None if np.isnan(pol_t) else float(pol_t), out=macro_out)
        # the world around the baseline (rates, policy, prices, output, deficit), the fiscal step's
        # inputs, and the macro records
        month_b[:] = (W is not None, np.isnan(pol_t), pm.lower_bound if W is not None else 0.0,
                      pm.okun_persistence, (1.0 - pm.okun_persistence) * pm.okun_coefficient, extra_def[t],
                      S.bill[tf], S.yields[tf, 0], S.pdef[tf], S.cpi[tf], S.revenue[tf], S.ngdp[tf], base_u[t],
                      base_y10[t])
        if W is None:
            _to_fiscal(month_b, macro_out, mo["regime"], yT, _NO_PATHS, _NO_PATHS, _NO_PATHS, _NO_PATHS,
                       _NO_PATHS, _NO_PATHS, _NO_PATHS, _NO_PATHS, _NO_PATHS, st.regime, fin, _NO_ROWS,
                       rec["policy_rate"][t], rec["mortgage"][t], rec["baa"][t], rec["gdp_gap"][t],
                       rec["gdp_level_dev"][t], rec["inflation_dev"][t], rec["unemployment"][t])
        else:
            _to_fiscal(month_b, macro_out, mo["regime"], yT, ybase5[3], ybase5[0], W.policy[t], W.real_level[t],
                       W.price_level[t], W.inflation[t], W.deficit_pp[t], W.gap[t], u_world, st.regime, fin, win,
                       rec["policy_rate"][t], rec["mortgage"][t], rec["baa"][t], rec["gdp_gap"][t],
                       rec["gdp_level_dev"][t], rec["inflation_dev"][t], rec["unemployment"][t])
        # 5. fiscal
        gdp = fin[2].copy()                # kept as next month's GDP: fin is rewritten every month
        fo = fiscal_step(fs, tf, y, fin[0], fin[1], gdp, fin[3], S.mixes[t], output_gap=mo["gap_dev"],
                         revenue=fin[4], other_means=S.other_means[tf], outputs=fiscal_out)
        if W is None:
            fow = None
        else:
            gdp_w = win[0]
            fow = fiscal_step(fw, tf, ybase, win[1], win[2], gdp_w, win[3], S.mix0, revenue=win[4],
                              other_means=S.other_means[tf], outputs=("debt_gdp", "deficit"))
        # the deviations the next month's premia and holders see, the supply, and this month's records
        st.deficit_dev_pp, st.debt_now_pp, st.debt_dev_pp, st.supply_bn = (np.empty(n), np.empty(n), np.empty(n),
                                                                           np.empty(n))
        # the foreign holdings: BLAS's vectorised matrix-vector products (a running sum per path in a
        # loop waits on every add), the same bits as before
        np.matmul(hs.holdings, all_foreign_f, out=rec["foreign_total"][t])
        np.matmul(hs.holdings, foreign_f, out=rec["foreign_official"][t])
        month_c[:] = (debt_cap, cp["projection_years"], S.base_deficit_gdp[t], S.base_debt_gdp[t],
                      cp["baseline_tp10"] + ev10, ev10)
        _month_end(month_c, fo["debt_gdp"], fo["deficit"], fo["debt"], fo["net_interest"], gdp,
                   _NO_PATHS if fow is None else fow["deficit"], _NO_PATHS if fow is None else gdp_w,
                   _NO_PATHS if fow is None else fow["debt_gdp"], st.regime, st.deficit_dev_pp, st.debt_now_pp,
                   st.debt_dev_pp, st.supply_bn, debt_prev, yT, out.tp_perm.T, out.tp_temp.T, out.fiscal.T,
                   out.trust_term.T, out.trust, esd_t[3], _NO_PATHS if W is None else W.tp10[t], official_gap,
                   rec["deficit_gdp"][t], rec["debt_gdp"][t], rec["net_interest"][t], rec["y10"][t],
                   rec["flow_premium"][t], rec["fiscal_premium"][t], rec["tp10"][t], rec["expected_short_dev"][t],
                   rec["foreign_official"][t], rec["trust"][t], rec["event_premium"][t])
        st.dy10_prev = dy10
        st.gdp = gdp
        # 6. reserves
        if rs is not None:
            from treasurylab.model import reserves as R

            # the gold price also answers the 10-year's deviation from the baseline (world and scenario)
            ro = R.reserves_step(S.rp, rs, signal=S.res_signal[t], dev10_pp=100.0 * (yT[3] - base_y10[t]))
            if S.res_signal[t] != 0.0 or res_live:
                # managers without an agent of their own sell across the foreign non-absorbers
                st.reserves_sales = R.to_agents(S.rp, ro.treasury_sales_bn, A,
                                                spread_weights=hs.holdings * foreign)
                res_live = bool(st.reserves_sales.any())
            gold_price = ro.price
        # 8. record
        rec["gold_price"][t] = gold_price

    # never let a non-finite number out: cap to the regime bound and flag the path
    for k, v in rec.items():
        if k == "gold_price" and S.rp is None:
            continue
        # a sum is finite only if every term is (a NaN or an infinity propagates): one cheap pass
        # settles the usual case; the element-wise check runs only when the sum says otherwise
        if np.isfinite(v.sum()):
            continue
        bad = ~np.isfinite(v)
        if bad.any():
            st.regime |= bad.any(axis=0)       # v is (T, n)
            v[bad] = 0.0
    out_d: dict[str, np.ndarray] = {k: v.T for k, v in rec.items()}    # (n, T), Fortran-ordered
    if S.rp is None:
        out_d.pop("gold_price")
    out_d["cascade_share"] = np.clip(st.sold_24m / h0_foreign, 0.0, 1.0) if h0_foreign > 0 else np.zeros(n)
    out_d["regime_exceeded"] = st.regime.copy()
    out_d["holder_sales"] = holder_sales
    out_d["fed_backstop_bn"] = fed_bought
    out_d["fed_backstop_gross_bn"] = fed_gross
    return out_d
