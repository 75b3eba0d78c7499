"""Holders + market step: vectorised numpy kernels vs one object per agent (Mesa), same rules.

Size of record: 10,000 paths x 40 holders (the default TIC + domestic agents) x 120 months, reported
as agent-steps per second (target >= 50 M on 2 cores). The paths run in blocks of 1,000 (arrays stay
in cache) on a process pool of 2 workers; each block gets its own SeedSequence child, so the result
does not depend on the number of workers. The Mesa version implements the same monthly rules
(signal, thresholds, programme and cascade sales, the market's transitory/permanent premium and the
clearing step) with one ``mesa.Agent`` per holder and one model per path, run at a smaller size;
the ratio of throughputs is reported.
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache

import numpy as np

PATHS, AGENTS, MONTHS = 10_000, 40, 120
BLOCK = 1_000
WORKERS = 2
GDP = 32274.2
SEED = 2026


@lru_cache(maxsize=1)
def _setup():
    from treasurylab.model.market import MarketParams
    from treasurylab.params.load import load_params
    from treasurylab.scenario.holders_inputs import build_holders_spec

    spec = build_holders_spec()
    # the 40 largest holders of the default agent set (TIC countries, All Other, Fed, domestic sectors)
    keep = np.sort(np.argsort(-spec.holdings0, kind="stable")[:AGENTS])
    spec = spec.subset(keep)
    # the backstop is off in both implementations (it rarely fires here and would only add branches)
    return spec, MarketParams.from_params(load_params("market", {"backstop_on": 0}))


def _block(args):
    seed_seq, n, months = args
    from treasurylab.model.coupled import one_blas_thread
    from treasurylab.model.market import run_holders_market

    spec, mp = _setup()
    rng = np.random.default_rng(seed_seq)
    t0 = time.perf_counter()
    with one_blas_thread():          # blocks run in parallel processes; BLAS threads would oversubscribe
        r = run_holders_market(spec, mp, n, months, rng, gdp_bn=GDP, record=False)
    return time.perf_counter() - t0, float(r["holders"].holdings.sum())


def numpy_run(paths=PATHS, months=MONTHS, workers=WORKERS, block=BLOCK):
    kids = np.random.SeedSequence(SEED).spawn(math.ceil(paths / block))
    jobs = [(k, min(block, paths - i * block), months) for i, k in enumerate(kids)]
    _setup()
    t0 = time.perf_counter()
    if workers > 1:
        with ProcessPoolExecutor(workers) as ex:
            list(ex.map(_block, jobs[:workers]))          # warm the workers (imports, data) first
            t0 = time.perf_counter()
            res = list(ex.map(_block, jobs))
    else:
        res = [_block(j) for j in jobs]
    wall = time.perf_counter() - t0
    return wall, sum(r[1] for r in res)


# ------------------------------------------------------------------------ one object per agent (Mesa)

def mesa_run(paths: int, months: int = MONTHS):
    """Same rules, one Mesa model per path and one Agent per holder; returns seconds."""
    import mesa

    spec, mp = _setup()
    a = spec.n_agents
    group_members = [[j for j in range(a) if spec.peer_group[j] == g] for g in range(len(spec.group_names))]
    amp = [float(x) * 1e-4 for x in mp.flow_amplitude_bp]
    lam = [float(x) * 1e-4 for x in mp.stock_bp_per_pp_gdp]

    class Holder(mesa.Agent):
        def __init__(self, model, i, theta):
            super().__init__(model)
            self.i, self.h, self.theta = i, float(spec.holdings0[i]), theta
            self.active = False
            self.sale = self.surprise = self.expected = 0.0

        def step(self):
            m = self.model
            i = self.i
            s = spec.w_political * spec.political_risk[i] + spec.w_market * m.market_ema
            s += (spec.w_vol / spec.vol_scale_bp) * m.vol_bp
            g = spec.peer_group[i]
            if g >= 0:
                s += spec.w_peer * m.peer[g]
            s += spec.noise_sd * m.rng.standard_normal()
            self.active = bool(spec.can_cascade[i]) and s >= self.theta
            base = -spec.baseline_programme_rate[i] * self.h
            prog = -spec.programme_rate[i] * self.h
            casc = spec.sale_rate[i] * self.h if self.active else 0.0
            self.expected, self.surprise = prog - base, casc
            self.sale = min(base + prog - base + casc, self.h)

    class PathModel(mesa.Model):
        def __init__(self, seed):
            super().__init__(rng=seed)
            self.rng = np.random.default_rng(seed)
            th = np.clip(spec.theta_mean + spec.theta_sd * self.rng.standard_normal(a), 0, 1)
            self.holders = [Holder(self, i, float(th[i])) for i in range(a)]
            self.peer = [0.0] * len(group_members)
            self.market_ema = self.vol_bp = 0.0
            self.tp_temp = [0.0] * 5
            self.stock = 0.0
            self.y10_prev = 0.0

        def step(self):
            self.agents.do("step")
            hs = self.holders
            # market: transitory + permanent premium from the price-insensitive flows
            sur = sum(x.surprise for x in hs if not spec.absorber[x.i])
            exp_ = sum(x.expected for x in hs if not spec.absorber[x.i])
            flow = sur + mp.announced_surprise_share * exp_
            self.stock += sur + exp_
            y10 = 0.0
            for k in range(5):
                imp = amp[k] * math.copysign(1.0, flow) * (1 - math.exp(-abs(flow) / mp.flow_depth_bn))
                self.tp_temp[k] = mp.flow_decay * self.tp_temp[k] + imp
                if k == 3:
                    y10 = self.tp_temp[k] + lam[k] * 100 * self.stock / GDP
            dy = y10 - self.y10_prev
            self.vol_bp = mp.vol_memory * self.vol_bp + (1 - mp.vol_memory) * abs(dy) / 1e-4
            self.y10_prev = y10
            # memories from this month's decisions (before trades)
            mem = spec.peer_memory
            for g, members in enumerate(group_members):
                den = sum(hs[j].h for j in members)
                num = sum(hs[j].h for j in members if hs[j].active)
                self.peer[g] = mem * self.peer[g] + (1 - mem) * (num / den if den > 0 else 0.0)
            fden = sum(x.h for x in hs if spec.kind[x.i] == "foreign")
            fnum = sum(x.h for x in hs if spec.kind[x.i] == "foreign" and x.active)
            self.market_ema = mem * self.market_ema + (1 - mem) * (fnum / fden if fden > 0 else 0.0)
            # clearing: absorbers take the net sales in proportion to their holdings
            sold = 0.0
            for x in hs:
                sold += x.sale
                x.h -= x.sale
            tot = sum(x.h for x in hs if spec.absorber[x.i])
            for x in hs:
                if spec.absorber[x.i] and tot > 0:
                    x.h += sold * x.h / tot

    t0 = time.perf_counter()
    for p in range(paths):
        model = PathModel(SEED + p)
        for _ in range(months):
            model.step()
    return time.perf_counter() - t0


def run() -> list[dict]:
    paths = int(os.environ.get("BENCH_HM_PATHS", str(PATHS)))
    mesa_paths = int(os.environ.get("BENCH_HM_MESA_PATHS", "20"))
    wall, _ = min((numpy_run(paths) for _ in range(2)), key=lambda r: r[0])
    steps = paths * AGENTS * MONTHS
    np_tp = steps / wall
    wall1, _ = numpy_run(min(paths, 2_000), workers=1)
    np_tp1 = min(paths, 2_000) * AGENTS * MONTHS / wall1
    mesa_s = mesa_run(mesa_paths)
    mesa_tp = mesa_paths * AGENTS * MONTHS / mesa_s
    return [
        {"name": "holders+market step (numpy, 2 processes)", "size": f"{paths} paths x {AGENTS} holders x {MONTHS} months",
         "seconds": wall, "throughput": f"{np_tp / 1e6:.1f} M agent-steps/s", "target": ">= 50 M agent-steps/s on 2 cores",
         "notes": f"blocks of {BLOCK} paths, SeedSequence child per block"},
        {"name": "holders+market step (numpy, 1 process)", "size": f"{min(paths, 2_000)} paths x {AGENTS} x {MONTHS}",
         "seconds": wall1, "throughput": f"{np_tp1 / 1e6:.1f} M agent-steps/s", "target": "",
         "notes": "single core, same blocks"},
        {"name": "holders+market step (Mesa, object per agent)", "size": f"{mesa_paths} paths x {AGENTS} x {MONTHS}",
         "seconds": mesa_s, "throughput": f"{mesa_tp / 1e6:.3f} M agent-steps/s", "target": "",
         "notes": f"same rules; numpy (2 processes) / Mesa = {np_tp / mesa_tp:.0f}x; numpy 1 process / Mesa = {np_tp1 / mesa_tp:.0f}x"},
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
