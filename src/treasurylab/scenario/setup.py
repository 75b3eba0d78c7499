"""Scenario set-up: everything deterministic a run needs, built once and pickled to the workers.

``prepare(scenario) -> Setup`` reads the parameter files and the data (the CBO baseline, the maturity
ladder, TIC holders), lets each scenario event write its month-by-month schedules (each kind's
``apply`` in ``scenario/events``), turns them into segments (programmes and freezes, backstop,
issuance mix), runs the minerals block once over the minerals events, and returns the frozen
:class:`Setup` (defined here: the scenario layer owns the run's inputs) that the pure kernel
:func:`treasurylab.model.coupled.simulate` advances. It lives in the scenario layer because it does
I/O and assembles inputs from every block; the model layer stays pure kernels.

Each block's inputs are built by one function here (:func:`block_params`, :func:`macro_params`,
:func:`market_params`, :func:`holders_spec`, :func:`reserves_params`, :func:`minerals_inputs`),
memoised per process: scenario validation (``scenario.spec``) calls the same ones, so a run reads
each parameter file once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from treasurylab.errors import BadInput
from treasurylab.model.coupled import CASCADE_WINDOW, RECORD, VINTAGES  # noqa: F401
from treasurylab.scenario.events import Schedules

_CACHE: dict = {}


def memoise(key: tuple, make):
    """Memoise the deterministic parts of ``prepare`` within a process (each block's parameters and
    inputs, the fiscal baseline run, the minerals block): validation and ``prepare`` share them, and
    a sweep prepares many scenarios that do. A documented process-wide cache; the objects it holds are
    frozen (parameter sets are read-only mappings, block inputs frozen dataclasses)."""
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        _CACHE[key] = make()
    return _CACHE[key]


def clear_memo() -> None:
    """Forget everything :func:`memoise` holds: the next ``prepare`` builds its inputs again (a test
    that counts file reads, or one that changed the store or the disk cache under this process)."""
    _CACHE.clear()


def _key(x: Any) -> str:
    import json

    return json.dumps(x, sort_keys=True, default=str)


# ---- one builder per block: validation (scenario.spec) and prepare call the same ones ----------
# Each is memoised per process and per overrides (through ``memoise``), so a run reads each block's
# parameters once, however many checks and builders need them (tests/unit/test_setup_inputs.py).


def block_params(block: str, overrides: dict | None = None):
    """The :class:`~treasurylab.params.load.ParamSet` of ``block`` with a scenario's overrides (the
    file read once per process; overrides applied to it, bounds checked)."""
    from treasurylab.params import load_params

    defaults = memoise(("params", block), lambda: load_params(block))
    return defaults.with_overrides(overrides)


def macro_params(overrides: dict | None = None):
    from treasurylab.model.macro import MacroParams
    from treasurylab.params.macro_inputs import check_tables

    def make():
        ps = block_params("macro", overrides)
        check_tables(ps)                   # the yearly CBO tables the baseline paths interpolate
        return MacroParams.from_params(ps)

    return memoise(("macro_params", _key(overrides)), make)


def market_params(overrides: dict | None = None):
    from treasurylab.model.market import MarketParams

    return memoise(("market_params", _key(overrides)),
                   lambda: MarketParams.from_params(block_params("market", overrides)))


def holders_spec(overrides: dict | None = None, month: str | None = None):
    """The holders block's agents (TIC, H.4.1, MSPD and the YAML) for the holders overrides, at the
    TIC ``month`` (None: the latest; a run's jump-off gives the last month published before its start)."""
    from treasurylab.scenario.holders_inputs import build_holders_spec

    if month is not None:   # the latest TIC month is the default: one spec for both spellings
        month = None if month == _tic_latest_month() else month

    def make():
        ps = block_params("holders")
        return _on_disk("holders_spec", {"overrides": overrides, "month": month, "params": dict(ps)},
                        lambda: build_holders_spec(overrides, month=month, params=ps))

    return memoise(("holders_spec", _key(overrides), month), make)


def _tic_latest_month() -> str:
    """The latest month of the TIC holdings (through the disk cache: reading TIC takes ~0.1 s)."""
    def make():
        from treasurylab.scenario.holders_inputs import tic_latest

        return _on_disk("tic_latest_month", {}, lambda: tic_latest()[0])

    return memoise(("tic_latest_month",), make)


def _on_disk(kind: str, parts: dict, build):
    """``build()`` through the disk cache of prepared inputs (``treasurylab.cache``), keyed on
    ``parts`` and the data's fingerprint: the holders' and the reserves' inputs are read from several
    data files (~0.2 s of every run's ``prepare``) yet depend only on the data and the parameters."""
    from treasurylab.cache import cached

    return cached(kind, {**parts, "data": data_fingerprint()}, build)


def data_fingerprint() -> str:
    """``data.store.fingerprint()`` (a stat of every data file, ~4 ms), once per process like every
    input memoised here: the builders that key the disk cache on it are themselves built once per
    process, so a data file changed while a process runs was never seen by it anyway."""
    from treasurylab.data.store import fingerprint

    return memoise(("data_fingerprint",), fingerprint)


def reserves_params(overrides: dict | None = None, holder_names: tuple[str, ...] | None = None):
    from treasurylab.scenario.holders_inputs import build_reserves_params

    names = tuple(holder_names) if holder_names is not None else None

    def make():
        ps = block_params("reserves")
        return _on_disk("reserves_params", {"overrides": overrides, "names": names, "params": dict(ps)},
                        lambda: build_reserves_params(overrides, holder_names=names, where="overrides.reserves",
                                                      params=ps))

    return memoise(("reserves_params", _key(overrides), names), make)


def minerals_inputs(overrides: dict | None = None):
    """The minerals block's inputs: its parameters and the four curated rare-earth tables (parsing
    them with line numbers is ~0.5 s, so through the disk cache: they depend only on the data and the
    parameters)."""
    from treasurylab.params.minerals_inputs import build

    def make():
        ps = block_params("minerals")
        return _on_disk("minerals_inputs", {"overrides": overrides, "params": dict(ps)},
                        lambda: build(overrides, where="overrides.minerals", params=ps))

    return memoise(("minerals_inputs", _key(overrides)), make)


def minerals_pipeline() -> tuple:
    """The minerals block's curated project pipeline (``params.minerals_inputs.pipeline``, the same
    under every override), through the disk cache: all an ``ally_delay``'s words need of the curated
    tables, without building the block's inputs."""
    from treasurylab.params.minerals_inputs import pipeline

    return memoise(("minerals_pipeline",), lambda: _on_disk("minerals_pipeline", {}, pipeline))


def minerals_params(overrides: dict | None = None) -> dict:
    """The minerals block's parameters under a scenario's overrides (``MineralsInputs.p``), without
    its curated tables: all an event's words need (the defaults an event leaves out, partner support's
    months), so the words of a scenario never parse the tables (~0.3 s on a cold cache)."""
    from treasurylab.params.minerals_inputs import resolved_params

    return memoise(("minerals_params", _key(overrides)),
                   lambda: resolved_params(overrides, where="overrides.minerals", params=block_params("minerals"))[1])


def holder_names(overrides: dict | None = None) -> tuple[str, ...]:
    """The holders' agent names for a scenario's overrides (for validating event holders and naming
    them in words): those of the holders' spec when this process has built it, else the names alone
    (``holders_inputs.agent_names``, through the disk cache), without fitting the programmes."""
    from treasurylab.scenario.holders_inputs import agent_names

    ho = (overrides or {}).get("holders")
    built = _CACHE.get(("holders_spec", _key(ho), None))

    def make():
        ps = block_params("holders")
        return tuple(_on_disk("holder_names", {"overrides": ho, "params": dict(ps)},
                              lambda: agent_names(ho, params=ps)))

    return tuple(built.names) if built is not None else memoise(("holder_names", _key(ho)), make)


@dataclass(frozen=True, eq=False)
class Setup:
    """Everything deterministic a block of paths needs: built once by :func:`prepare`, never changed
    after (frozen; its arrays read-only, its per-month variants tuples), pickled to the workers and
    read by the kernel :func:`treasurylab.model.coupled.simulate`."""

    name: str
    months: tuple[str, ...]
    T: int
    k0: int                                   # fiscal pre-roll months (baseline start -> scenario start)
    fparams: Any
    ladder: Any
    curve_tenors: tuple
    yields: np.ndarray                        # (k0+T, 5) baseline curve
    bill: np.ndarray                          # (k0+T,)
    pdef: np.ndarray
    revenue: np.ndarray
    other_means: np.ndarray
    ngdp: np.ndarray
    cpi: np.ndarray
    base_policy: np.ndarray                   # (T,)
    base_gap: np.ndarray                      # (T,)
    base_debt_gdp: np.ndarray                 # (T,) the fiscal block's baseline run
    base_deficit_gdp: np.ndarray              # (T,)
    base_net_interest: np.ndarray             # (T,) annual rate
    mix0: Any
    mixes: tuple                              # per month t: IssuanceMix
    hspecs: tuple                             # distinct HoldersSpec variants
    hseg: np.ndarray                          # (T,) index into hspecs
    mps: tuple                                # distinct MarketParams variants
    mseg: np.ndarray                          # (T,)
    macro: Any                                # MacroParams
    rp: Any                                   # ReservesParams or None
    cp: dict                                  # coupling parameters
    threat: np.ndarray                        # (T,)
    distrust: np.ndarray                      # (T,)
    named: np.ndarray                         # (T, A) USD bn
    announced: np.ndarray                     # (T, A) USD bn
    frozen: np.ndarray                        # (T, A) bool
    political: np.ndarray                     # (T, A)
    slippage: np.ndarray                      # (T,) % of GDP
    res_signal: np.ndarray                    # (T,)
    exp_factor: np.ndarray                    # (5,) expected-path factors by tenor
    holder_names: tuple[str, ...]
    gap_shock: np.ndarray                     # (T,) minerals block's output-gap contribution, fraction
    minerals: Any = None                      # MineralsResult when the scenario has minerals events
    baseline: dict = field(default_factory=dict)   # base_<var> (T,) for results
    foreign_official_bn: float = 0.0          # TIC foreign official holdings at the holdings month (cascade denominator)
    # market shock events (scenario/events; None = no such event). Decimal rates.
    tp_add: np.ndarray | None = None          # (T, 5) term-premium add-on by tenor and month
    spread_add: np.ndarray | None = None      # (T, 2) mortgage and Baa spread add-ons
    policy_path: np.ndarray | None = None     # (T,) policy-rate level overriding the rule; NaN = the rule
    vol_add: np.ndarray | None = None         # (T,) extra monthly 10y volatility the holders see, bp
    purchases: np.ndarray | None = None       # (T,) federal purchases beyond the baseline, % of GDP
    transfers: np.ndarray | None = None       # (T,) transfers beyond the baseline, % of GDP
    base_unemployment: np.ndarray | None = None   # (T,) CBO's unemployment rate, decimal
    jump_off: dict = field(default_factory=dict)   # what the run started from (scenario/jumpoff.py), for results' meta
    shocks: Any = None                        # model.shocks.ShockParams, or None: no world shocks

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray):
                v.flags.writeable = False      # built once: a kernel that writes here is a bug
            elif isinstance(v, list):
                object.__setattr__(self, f.name, tuple(v))


def _ordinal(s: str) -> int:
    y, m = (int(x) for x in s[:7].split("-"))
    return 12 * y + m - 1


def prepare(sc) -> Setup:
    """Build the deterministic inputs of a scenario (parameters, baseline, ladder, event schedules)."""
    from treasurylab.model import fiscal as F
    from treasurylab.model.market import TENORS
    from treasurylab.params import list_blocks
    from treasurylab.params.macro_inputs import macro_baseline, ordinal_label, unemployment_baseline
    from treasurylab.scenario import fiscal_inputs as FI

    ov = sc.overrides or {}
    vintage = VINTAGES[sc.baseline]
    fp = block_params("fiscal", ov.get("fiscal"))
    # the jump-off: CBO's path re-anchored on what was published before the start (scenario/jumpoff.py)
    anc = memoise(("anchored", vintage, sc.start, _key(ov.get("fiscal")), _key(ov.get("jumpoff")),
                  _key(ov.get("macro"))),
                  lambda: _anchored(vintage, sc.start, fp, block_params("jumpoff", ov.get("jumpoff")),
                                    block_params("macro", ov.get("macro"))))
    b = anc.inputs
    s_base = _ordinal(b.start)
    k0 = sc.start_ordinal - s_base
    T = sc.horizon
    if k0 < 0 or k0 + T > b.horizon:
        raise BadInput(f"the fiscal baseline covers {b.start} to {ordinal_label(s_base + b.horizon - 1)}",
                       field="start/horizon", got=f"{sc.start} + {T} months",
                       fix=f"start at or after {b.start} and end by {ordinal_label(s_base + b.horizon - 1)}")
    mb = macro_baseline(sc.start, T, block_params("macro", ov.get("macro")), vintage=vintage)
    mb = replace(mb, policy=anc.policy(mb.policy, sc.start_ordinal))
    pm = macro_params(ov.get("macro"))
    cp = {k: float(v) for k, v in block_params("coupled", ov.get("coupled")).items()}
    mp0 = market_params(ov.get("market"))
    spec0 = holders_spec(ov.get("holders"), month=anc.jump.tic_month)
    names = tuple(spec0.names)

    # the fiscal block's own baseline run: the path a no-shock scenario must reproduce
    base = anc.base_run
    sl = slice(k0, k0 + T)
    base_debt_gdp = np.asarray(base["debt_gdp"][sl], dtype=float)
    base_def_gdp = np.asarray(base["deficit"][sl], dtype=float) * 12.0 / b.ngdp[sl]
    base_ni = np.asarray(base["net_interest"][sl], dtype=float) * 12.0

    # ---- event schedules: each event writes its own (scenario/events, one module per kind) ------
    ev_s = Schedules(T=T, names=names, holdings0=spec0.holdings0, rivals=spec0.deterrence < 0, cp=cp,
                     foreign=spec0.foreign,
                     base_policy=mb.policy)
    # in date order (ties in list order): a holder's programme or freeze dated later replaces an
    # earlier one from its date, however the file lists them; field names keep the list's index
    for i in sorted(range(len(sc.events)), key=lambda k: sc.month_of(sc.events[k])):
        t, day = sc.month_of(sc.events[i])
        sc.events[i].apply(ev_s, t, day, f"events[{i}]")
    for kind in dict.fromkeys(type(e) for e in sc.events):   # what holds while a switched state is in force
        kind.finish(ev_s)
    threat, distrust, named, announced = ev_s.threat, ev_s.distrust, ev_s.named, ev_s.announced
    frozen, political, slippage, res_signal = ev_s.frozen, ev_s.political, ev_s.slippage, ev_s.res_signal
    prog_rate, bstop, mix_changes = ev_s.prog_rate, ev_s.backstop, ev_s.mix_changes

    # holders' spec variants: a new one whenever a programme or freeze changes
    hspecs, hseg, keys = [], np.zeros(T, dtype=np.int64), {}
    for t in range(T):
        key = (tuple(np.where(np.isnan(prog_rate[t]), np.inf, prog_rate[t])), tuple(frozen[t]))
        if key not in keys:
            pr = np.where(np.isnan(prog_rate[t]), spec0.programme_rate, prog_rate[t])
            pr = np.where(frozen[t], 0.0, pr)
            spec = spec0 if (np.array_equal(pr, spec0.programme_rate) and not frozen[t].any()) else \
                spec0.with_(programme_rate=pr, can_cascade=spec0.can_cascade & ~frozen[t])
            keys[key] = len(hspecs)
            hspecs.append(spec)
        hseg[t] = keys[key]
    # market variants: the backstop switched on/off (and its trigger) from an event month
    mps, mseg = [mp0], np.zeros(T, dtype=np.int64)
    for t, on, trig in sorted(bstop, key=lambda x: x[0]):
        upd: dict[str, Any] = {"backstop_on": bool(on)}
        if trig is not None:
            upd["backstop_trigger_bp"] = float(trig)
        mps.append(replace(mps[int(mseg[t])], **upd))
        mseg[t:] = len(mps) - 1
    # issuance mix per month
    mix0 = F.mix_from_params(fp)
    mixes = [mix0] * T
    for t, bs in sorted(mix_changes):
        m = F.mix_from_params(fp, bill_share=bs)
        mixes[t:] = [m] * (T - t)

    # 7. minerals: deterministic (one path), run once; its output lost enters the US output gap
    gap_shock = np.zeros(T)
    mres = None
    if ev_s.minerals:
        from treasurylab.model import minerals as MN

        mev = [ev.model_dump() for ev in ev_s.minerals]
        mov = ov.get("minerals")
        # one linear programme a month (~0.4 s a run), a function of the minerals events, the start,
        # the horizon and the block's inputs only: through the disk cache like those inputs
        mres = memoise(("minerals", sc.start, T, _key(mev), _key(mov)), lambda: _on_disk(
            "minerals_run", {"start": str(sc.start), "horizon": int(sc.horizon), "T": T, "events": mev,
                             "overrides": mov, "params": dict(block_params("minerals"))},
            lambda: MN.simulate_scenario(sc, inputs=minerals_inputs(mov))))
        gap_shock = np.nan_to_num(np.asarray(mres.us_output_gap_pp, dtype=float)[:T] / 100.0)

    rp = None
    if "reserves" in list_blocks():
        rp = reserves_params(ov.get("reserves"), holder_names=names)

    q = pm.expected_policy_persistence
    ks = np.array([3.0, 24.0, 60.0, 120.0, 360.0])
    exp_factor = np.ones(5) if q >= 1 else (1.0 - q ** ks) / (ks * (1.0 - q))
    assert len(TENORS) == 5

    months = tuple(mb.months)
    base_u = unemployment_baseline(sc.start, T, block_params("macro", ov.get("macro")), vintage=vintage)
    baseline = {
        "y10": b.yields[sl, 3].copy(), "tp10": np.full(T, cp["baseline_tp10"]),
        "policy_rate": mb.policy.copy(), "mortgage": b.yields[sl, 3] + pm.mortgage_spread,
        "baa": b.yields[sl, 3] + pm.baa_spread,
        "gdp_gap": mb.gap.copy(), "net_interest": base_ni, "debt_gdp": base_debt_gdp,
        "deficit_gdp": base_def_gdp, "unemployment": base_u,
    }
    return Setup(
        name=sc.name, months=months, T=T, k0=k0, fparams=fp, ladder=FI.initial_ladder(b.start, fp),
        curve_tenors=tuple(b.curve_tenors_m), yields=b.yields[: k0 + T].copy(), bill=b.bill_rate[: k0 + T].copy(),
        pdef=b.primary_deficit[: k0 + T].copy(), revenue=b.revenue[: k0 + T].copy(),
        other_means=b.other_means[: k0 + T].copy(), ngdp=b.ngdp[: k0 + T].copy(), cpi=b.inflation[: k0 + T].copy(),
        base_policy=mb.policy.copy(), base_gap=mb.gap.copy(), base_debt_gdp=base_debt_gdp,
        base_deficit_gdp=base_def_gdp, base_net_interest=base_ni, mix0=mix0, mixes=mixes,
        hspecs=hspecs, hseg=hseg, mps=mps, mseg=mseg, macro=pm, rp=rp, cp=cp, threat=threat,
        distrust=distrust, named=named, announced=announced, frozen=frozen, political=political,
        slippage=slippage, res_signal=res_signal, exp_factor=exp_factor, holder_names=names,
        gap_shock=gap_shock, minerals=mres, baseline=baseline,
        foreign_official_bn=_foreign_official_bn(spec0.start), base_unemployment=base_u,
        jump_off=anc.summary(sc.start), shocks=_world_shocks(ov.get("shocks")),
        **_shock_arrays(ev_s),
    )


def _anchored(vintage: str, start: str, fp, jp, mp):
    """``jumpoff.anchored`` (the CBO baseline re-anchored and re-solved on the jump-off) through the
    disk cache, keyed on the three parameter sets' values and the data's fingerprint."""
    from treasurylab.scenario import jumpoff as JO

    parts = {"vintage": vintage, "start": str(start), "fiscal": dict(fp), "jumpoff": dict(jp), "macro": dict(mp)}
    return _on_disk("anchored", parts, lambda: JO.anchored(vintage, start, fp, jp, mp))


def _world_shocks(ov: dict | None):
    """The world shocks' parameters (model/shocks.py), or None when ``shocks: {enabled: false}``."""
    from treasurylab.model.shocks import ShockParams

    return memoise(("shocks", _key(ov)), lambda: ShockParams.from_params(block_params("shocks", ov)))


def _shock_arrays(ev_s: Schedules) -> dict:
    """The market shock events' arrays for the Setup, None where no event set them (the month loop
    then skips them, and a run without them keeps its numbers to the last bit)."""
    return {
        "tp_add": ev_s.tp_add if ev_s.tp_add.any() else None,
        "spread_add": ev_s.spread_add if ev_s.spread_add.any() else None,
        "policy_path": ev_s.policy_path if not np.isnan(ev_s.policy_path).all() else None,
        "vol_add": ev_s.vol_add if ev_s.vol_add.any() else None,
        "purchases": ev_s.purchases if ev_s.purchases.any() else None,
        "transfers": ev_s.transfers if ev_s.transfers.any() else None,
    }


def _foreign_official_bn(month: str) -> float:
    """TIC 'For. Official' holdings (USD bn) at ``month`` (the holders' start), 0 if not in the data."""
    from treasurylab import data

    def load() -> float:
        df = data.series("tic.holdings", series="current")
        df = df[(df["row_type"] == "foreign_official") & (df["date"].astype(str) == str(month)[:7])]
        return float(df["value"].iloc[0]) if len(df) else 0.0

    return memoise(("foreign_official", str(month)[:7]),
                   lambda: _on_disk("foreign_official", {"month": str(month)[:7]}, load))

