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
that are zero in a month are passed as None (no (N, A) passes over zeros), and flows are summed
over agents with matrix-vector products. What depends on the month only (announced sales still to
come, freezes) is computed once per block; the fiscal block computes only the four outputs used
here (``outputs=``); the expected policy path is built tenor-major (5, N), the market's layout; and
records are written into their rows with ``out=`` (no temporaries). :func:`warm_process` does a
first block's one-off imports and BLAS set-up in a parent before it forks workers. Each equation
has one implementation in its block's module: compiled loops (model/compiled.py) for the holders',
fiscal, market, macro and reserves steps, and for the holders' sums of :func:`holders_month`.

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
    and ``exp_out`` take sum_j surprise_j insens_j and sum_j expected_j insens_j (0 without one). The
    weights are 0 or 1, so each product is exact: the sums add their terms in agent order with
    :func:`treasurylab.model.compiled.fma`, as the matrix-vector products they replace did
    (max(x, 0) keeps a NaN, as np.maximum did).
    """
    n, a = surprise.shape
    has_frozen = frozen.shape[0] > 0
    has_exp = expected.shape[0] > 0
    for i in range(n):
        s_sur = 0.0
        s_exp = 0.0
        s_24 = 0.0
        for j in range(a):
            if has_frozen and frozen[j]:
                sales[i, j] = 0.0
                surprise[i, j] = 0.0
                if has_exp:
                    expected[i, j] = 0.0
            su = surprise[i, j]
            e = su
            if has_exp:
                ex = expected[i, j]
                e = ex + su
                s_exp = fma(ex, insens[j], s_exp)
            holder_sales[i, j] += e
            s_sur = fma(su, insens[j], s_sur)
            if window:
                s_24 = fma(e if (e >= 0.0 or e != e) else 0.0, foreign_f[j], s_24)
        sur[i] = s_sur
        exp_out[i] = s_exp
        if window:
            sold_24m[i] += s_24


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
    base_y10 = S.yields[k0:k0 + T, 3].tolist()
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
            ybase, by10 = S.yields[tf], base_y10[t]
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
        y = out.yields
        if tp_add is not None and tp_add[t].any():
            y = y + tp_add[t]                 # a term-premium event: the user's add-on by tenor
        over = y[:, 3] > y_cap
        if over.any():
            st.regime |= over
            y = np.minimum(y, y_cap)
        # 4. macro
        dy10 = y[:, 3] - by10
        # stress sees the market's own jumps, not a term-premium event's add-on (a stated repricing)
        ev10 = tp_add[t, 3] if tp_add is not None else 0.0
        ev10_prev = tp_add[t - 1, 3] if (tp_add is not None and t > 0) else 0.0
        pol_t = pol_path[t]
        mo = macro_step(mst, pm, dy10=dy10, stress_jump=dy10 - st.dy10_prev - (ev10 - ev10_prev),
                        distrust=1.0 - out.trust, base_y10=base_y10[t],
                        base_policy=float(S.base_policy[t]), base_gap=float(S.base_gap[t]),
                        base_gdp=float(S.ngdp[tf]), gap_shock=float(S.gap_shock[t]),
                        purchases=float(purch[t]), transfers=float(transf[t]),
                        spread_add=(float(spread_add[t, 0]), float(spread_add[t, 1])),
                        policy_override=None if np.isnan(pol_t) else float(pol_t))
        st.regime |= mo["regime"]
        gdp = mo["gdp"]
        infl_dev, pdef_pp = mst.infl, extra_def[t]
        if W is not None:   # the world around the baseline: rates, policy, prices, output, deficit
            w10 = by10 - base_y10[t]
            mo["mortgage"] = mo["mortgage"] + w10
            mo["baa"] = mo["baa"] + w10
            if np.isnan(pol_t):     # a stated policy path (policy_path event) is kept as stated
                mo["policy"] = np.maximum(mo["policy"] + W.policy[t], lb)
            lvl = np.exp(W.real_level[t] + W.price_level[t])
            gdp = gdp * lvl
            mo["gdp_level_dev"] = (1.0 + mo["gdp_level_dev"]) * lvl - 1.0
            infl_dev = infl_dev + W.inflation[t]
            pdef_pp = pdef_pp + W.deficit_pp[t]
            # the part of the growth surprise potential output has not absorbed (model/shocks.py:
            # gap persistence from CBO's history); unemployment follows it through the same Okun's-law
            # dynamics as the model's own gap
            mo["gap"] = mo["gap"] + W.gap[t]
            u_world = pm.okun_persistence * u_world - \
                ((1.0 - pm.okun_persistence) * pm.okun_coefficient) * W.gap[t]
            mo["unemployment_dev"] = mo["unemployment_dev"] + u_world
        # 5. fiscal
        ratio = gdp / S.ngdp[tf]
        fo = fiscal_step(fs, tf, y, S.bill[tf] + (y[:, 0] - S.yields[tf, 0]),
                    S.pdef[tf] + pdef_pp * gdp / 1200.0, gdp, S.cpi[tf] + infl_dev, S.mixes[t],
                    output_gap=mo["gap_dev"], revenue=S.revenue[tf] * ratio, other_means=S.other_means[tf],
                    outputs=fiscal_out)
        debt_gdp = fo["debt_gdp"]
        big = ~(debt_gdp <= debt_cap)
        if big.any():
            st.regime |= big
        deficit_gdp = fo["deficit"] * 12.0 / gdp
        if W is None:
            base_def, base_debt = S.base_deficit_gdp[t], S.base_debt_gdp[t]
        else:
            gdp_w = S.ngdp[tf] * lvl
            fow = fiscal_step(fw, tf, ybase, S.bill[tf] + (ybase5[0] - S.yields[tf, 0]),
                              S.pdef[tf] + W.deficit_pp[t] * gdp_w / 1200.0, gdp_w, S.cpi[tf] + W.inflation[t],
                              S.mix0, revenue=S.revenue[tf] * lvl, other_means=S.other_means[tf],
                              outputs=("debt_gdp", "deficit"))
            base_def, base_debt = fow["deficit"] * 12.0 / gdp_w, np.minimum(fow["debt_gdp"], debt_cap)
        st.deficit_dev_pp = 100.0 * (deficit_gdp - base_def)
        # the holders read the debt deviation itself (the measure their fiscal weight is bounded on:
        # holders.yaml w_fiscal, 2020); the premia read it projected five years ahead (Laubach)
        st.debt_now_pp = 100.0 * (np.minimum(debt_gdp, debt_cap) - base_debt)
        st.debt_dev_pp = st.debt_now_pp + cp["projection_years"] * st.deficit_dev_pp
        debt_now = fo["debt"]              # a fresh array each month: no copy needed
        st.supply_bn = debt_now - debt_prev
        debt_prev = debt_now
        st.dy10_prev = dy10
        st.gdp = gdp
        # 6. reserves
        if rs is not None:
            from treasurylab.model import reserves as R

            # the gold price also answers the 10-year's deviation from the baseline (world and scenario)
            ro = R.reserves_step(S.rp, rs, signal=S.res_signal[t], dev10_pp=100.0 * (y[:, 3] - base_y10[t]))
            if S.res_signal[t] != 0.0 or res_live:
                # managers without an agent of their own sell across the foreign non-absorbers
                st.reserves_sales = R.to_agents(S.rp, ro.treasury_sales_bn, A,
                                                spread_weights=hs.holdings * foreign)
                res_live = bool(st.reserves_sales.any())
            gold_price = ro.price
        # 8. record
        rec["y10"][t] = y[:, 3]
        np.add(out.tp_perm[:, 3], out.tp_temp[:, 3], out=rec["flow_premium"][t])
        np.add(out.fiscal[:, 3], out.trust_term[:, 3], out=rec["fiscal_premium"][t])
        np.add(cp["baseline_tp10"] + ev10, rec["flow_premium"][t], out=rec["tp10"][t])
        if W is not None:      # the world's term premium: ACM's share of its curve shocks (model/shocks.py)
            rec["tp10"][t] += W.tp10[t]
        rec["expected_short_dev"][t] = esd_t[3]
        rec["policy_rate"][t] = mo["policy"]
        rec["mortgage"][t] = mo["mortgage"]
        rec["baa"][t] = mo["baa"]
        rec["gdp_gap"][t] = mo["gap"]
        rec["gdp_level_dev"][t] = mo["gdp_level_dev"]
        rec["inflation_dev"][t] = infl_dev
        np.multiply(fo["net_interest"], 12.0, out=rec["net_interest"][t])
        rec["deficit_gdp"][t] = deficit_gdp
        rec["debt_gdp"][t] = debt_gdp
        np.matmul(hs.holdings, all_foreign_f, out=rec["foreign_total"][t])
        np.matmul(hs.holdings, foreign_f, out=rec["foreign_official"][t])
        rec["foreign_official"][t] += official_gap
        np.maximum(rec["foreign_official"][t], 0.0, out=rec["foreign_official"][t])
        rec["trust"][t] = out.trust
        rec["gold_price"][t] = gold_price
        rec["event_premium"][t] = ev10
        np.add(base_u[t], mo["unemployment_dev"], out=rec["unemployment"][t])

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
