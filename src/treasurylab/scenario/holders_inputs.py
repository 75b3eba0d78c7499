"""Parameters of the holders block that come from data: the agent list, fitted programmes, ownership.

Role
----
Turns the evidence layer (``treasurylab.data``) and ``params/defaults/holders.yaml`` into a
:class:`treasurylab.model.holders.HoldersSpec`, deterministically:

* **Agents**: every TIC country row (``tic.holdings``, ``row_type='country'``, series 'current') at
  the latest month, plus 'All Other' (less the ``extra_agents`` carved out of it, e.g. Denmark),
  plus the domestic sectors of ``curated.ownership_by_sector`` and the Fed (H.4.1 ``fed.treasuries``
  on the last Wednesday of the month). Sectors the ownership table lacks are covered by one
  residual agent 'Domestic private (residual)' = MSPD total marketable - Fed - foreign total.
* **Custody reattribution** (assumption, off by default): when ``custody_reattribution_on`` is 1,
  a share of each custody centre's holdings moves to its assumed beneficial owner.
* **Fitted programmes**: a 'fitted' programme is the slope of the least-squares line through the log
  of a holder's position over the last ``fit_window_months`` months (the TIC month at the jump-off
  and the months before it)::

      rate_i = e^b - 1,  where  log x_i(t) = a + b t + e   (t in months)

  ``fit_basis`` says what x is. ``net_purchases`` (the default, :func:`flow_fitted_rates`): the
  holdings of the window's first month plus the cumulative net purchases after it (TIC Table 3 from
  2023-02, S1 long-term + Table 3 bills 2020-01..2023-01; ``data/tic_flows.py``), i.e. the holdings
  path with each month's change replaced by that month's transactions. In the model holdings move
  only by sales and purchases (no price effect), so a programme is a pace of *transactions*; fitting
  it to holdings (``fit_basis: holdings``, :func:`fitted_rates`, the earlier default kept as the
  documented alternative) counts the fall in market value when yields rise as sales (China
  2023-01..2025-12: -0.59 % a month on holdings, -0.80 % on net purchases). The log-linear fit rather
  than the window's total net purchases over start holdings: it is the same estimator as the holdings
  fit, so the two bases differ only by valuation and other changes, and a single large month at
  either end of the window moves it less. Only months published by the jump-off are used (the
  TIC release rule of ``data/asof.py``, which Table 3 and S1 share with the holdings); the bundled
  Table 3 and S1 are the July 2026 downloads, so older windows see TIC's later revisions. A holder
  without net purchases covering the window (not in Table 3/S1, or a window before 2020 where S1
  has long-term transactions only, without bills) keeps the holdings fit, and the spec says so in
  its notes. Domestic sectors and the Fed have no TIC transactions: their programmes are numeric.

* Everything else (peer groups, deterrence, thresholds, political risk) is copied from the YAML with
  names resolved forgivingly (unknown names -> BadInput with a suggestion).

API::

    build_holders_spec(overrides=None, month=None) -> HoldersSpec
    fitted_rates(names, window_months, end_month=None) -> {name: monthly rate}       (on holdings)
    flow_fitted_rates(names, window_months, end_month) -> ({name: monthly rate}, notes)  (net purchases)
    loglinear_rate(x) / flow_path(holdings_start, net_purchases)                      (pure)
    tic_latest(month=None) -> (month 'YYYY-MM', DataFrame[country, value, row_type])
    ownership_table(month=None) -> DataFrame[sector, value, ...]
    agent_table(spec) -> list[dict]   (one row per agent, for reports)
    build_reserves_params(overrides=None, holder_names=None) -> model.reserves.ReservesParams
    pboc_monthly_tonnes() -> (months, tonnes) from curated.pboc_gold_monthly

Reserves: the PBoC's baseline buying is the average monthly change of its reported gold (tonnes) over
``pboc_fit_window``; 'rest_of_world' managers buy (WGC 2025 total - PBoC fitted x 12) / 12 a
month; gold holdings and FX reserves at the start are the 2025-Q4 WGC/IMF IFS figures (the rest of the
world: the WGC sum over the bundled holders less China, an under-count, see the dataset caveats).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np

from treasurylab.errors import BadInput, DataError

DOMESTIC_SECTORS = (
    "Banks",
    "Money market funds",
    "Mutual funds",
    "Pensions and insurers",
    "State and local",
    "Households and other",
    "Leveraged funds",
)
FED_NAME = "Fed SOMA"
RESIDUAL_NAME = "Domestic private (residual)"
ALL_OTHER = "All Other"

# words that identify a sector row of the ownership table, whatever its exact label
_SECTOR_KEYS = {
    "Banks": ("bank", "depository"),
    "Money market funds": ("money market", "money fund", "mmf"),
    "Mutual funds": ("mutual fund", "etf", "closed-end", "investment fund"),
    "Pensions and insurers": ("pension", "insur", "retirement"),
    "State and local": ("state and local", "state & local", "state/local", "local government"),
    "Households and other": ("household", "other investor", "nonprofit", "other domestic"),
    "Leveraged funds": ("hedge", "leveraged"),
}


@lru_cache(maxsize=8)
def _tic_frame():
    from treasurylab import data

    return data.series("tic.holdings", series="current")


def tic_latest(month: str | None = None):
    """(month, table) of TIC rows for ``month`` (default: the latest month in the data)."""
    df = _tic_frame()
    months = sorted(df["date"].astype(str).unique())
    if month is None:
        month = months[-1]
    if month not in months:
        raise BadInput("month not in the TIC data", field="holders.month", got=month,
                       fix=f"use a month between {months[0]} and {months[-1]}")
    cur = df[(df["date"] == month)]
    return month, cur


def _months_between(a: str, b: str) -> int:
    ya, ma = int(a[:4]), int(a[5:7])
    yb, mb = int(b[:4]), int(b[5:7])
    return (yb - ya) * 12 + (mb - ma)


#: what a 'fitted' programme is fitted to (``holders.fit_basis``)
FIT_BASES = ("net_purchases", "holdings")


def loglinear_rate(x) -> float:
    """Monthly fractional change e^b - 1 of the least-squares line log x(t) = a + b t (t = 0, 1, ...)."""
    y = np.log(np.asarray(x, dtype=float))
    return float(np.expm1(np.polyfit(np.arange(len(y), dtype=float), y, 1)[0]))


def flow_path(holdings_start: float, net_purchases) -> np.ndarray:
    """The holdings a holder would have from transactions alone: ``holdings_start`` then plus each
    month's net purchases (USD bn; no valuation, no other changes)."""
    net = np.asarray(net_purchases, dtype=float)
    return float(holdings_start) + np.concatenate([[0.0], np.cumsum(net)])


def _window(end_month: str, window_months: int) -> list[str]:
    from treasurylab.params.macro_inputs import ordinal_label

    e = int(end_month[:4]) * 12 + int(end_month[5:7]) - 1
    return [ordinal_label(m) for m in range(e - window_months + 1, e + 1)]


def _published_flows(name: str, end_month: str):
    """The monthly flow rows of holder ``name`` (``data.tic_flows.monthly_flows``) published by the
    release of ``end_month``'s TIC holdings (``data.asof`` rules), or None when TIC's Table 3 / S1 do
    not list this holder under this name."""
    from treasurylab.data import asof, tic_flows
    from treasurylab.data.names import norm

    try:
        names = tic_flows.resolve(name)
    except BadInput:
        return None
    # resolve() matches forgivingly; a programme is fitted only to the holder's own rows
    if norm(names["holder"]) != norm(name) or not (names["table3"] or names["s1"]):
        return None
    _, df = tic_flows.monthly_flows(name)
    cut = np.datetime64(asof.release_date("tic.holdings", end_month))
    ok = np.ones(len(df), dtype=bool)
    for ds_id in (tic_flows.TABLE3, tic_flows.S1):   # each month's holdings and flows: the same release
        ok &= asof.published(ds_id, df).to_numpy() <= cut
    return df[ok].reset_index(drop=True)


def flow_fitted_rates(names, window_months: int, end_month: str) -> tuple[dict[str, float], list[str]]:
    """({holder: monthly rate}, notes): the log-linear trend of :func:`flow_path` over the
    ``window_months`` months ending at ``end_month`` (the TIC month at the jump-off), using only the
    flow rows published by then. A holder without published net purchases including bills for every
    month of the window falls back to :func:`fitted_rates` (holdings), with a note saying why."""
    from treasurylab.data import tic_flows

    months = _window(end_month, window_months)
    out: dict[str, float] = {}
    notes: list[str] = []
    fallback: dict[str, str] = {}
    for name in names:
        df = _published_flows(name, end_month)
        if df is None:
            fallback[name] = "not in TIC Table 3 or S1"
            continue
        by = df.set_index("date")
        rows = by.reindex(months)
        h0 = float(rows["holdings"].iloc[0])
        net = rows["net_purchases"].iloc[1:]
        lt_only = (rows["scope"].iloc[1:] == tic_flows.SCOPE_LT).any()
        if not np.isfinite(h0) or h0 <= 0 or net.isna().any() or lt_only:
            fallback[name] = ("no published net purchases with bills for every month "
                              f"{months[1]}..{months[-1]}; Table 3 from {tic_flows.TABLE3_HOLDINGS_FROM}, "
                              "S1 before has long-term only")
            continue
        path = flow_path(h0, net.to_numpy())
        if not (path > 0).all():
            fallback[name] = "holdings plus net purchases fall to zero inside the window"
            continue
        out[name] = loglinear_rate(path)
        notes.append(f"{name}: 'fitted' programme on net purchases {months[0]}..{months[-1]} (TIC Table 3/S1, "
                     f"July 2026 download): {100 * out[name]:+.2f}% a month")
    if fallback:
        held = fitted_rates(list(fallback), window_months, end_month)
        for name, why in fallback.items():
            out[name] = held[name]
            notes.append(f"{name}: 'fitted' programme on TIC holdings ({why}): {100 * held[name]:+.2f}% a month")
    return out, notes


def fitted_rates(names, window_months: int, end_month: str | None = None) -> dict[str, float]:
    """Monthly fractional change of each TIC country's holdings, log-linear fit over the window
    (``fit_basis: holdings``; valuation changes count as sales, see the module docstring)."""
    df = _tic_frame()
    end_month, _ = tic_latest(end_month)
    out: dict[str, float] = {}
    for name in names:
        rows = df[(df["country"] == name) & (df["row_type"] == "country")]
        rows = rows[rows["date"].astype(str) <= end_month]
        rows = rows[rows["date"].astype(str).map(lambda d: _months_between(d, end_month)) < window_months]
        rows = rows[rows["value"] > 0]
        if len(rows) < 3:
            raise DataError("too few TIC months to fit a trend", field=f"holders.programmes.{name}",
                            got=len(rows), fix="use a longer fit_window_months or a numeric rate")
        t = -rows["date"].astype(str).map(lambda d: _months_between(d, end_month)).to_numpy(dtype=float)
        y = np.log(rows["value"].to_numpy(dtype=float))
        slope = float(np.polyfit(t, y, 1)[0])
        out[name] = float(np.expm1(slope))
    return out


@lru_cache(maxsize=32)  # the bundled data do not change within a process
def _fed_at(month: str) -> float:
    from treasurylab import data
    from treasurylab.params.macro_inputs import ordinal_label

    y, m = int(month[:4]), int(month[5:7])
    nxt = ordinal_label(12 * y + m)                 # the month after (ordinal 12 * y + m - 1)
    fed = data.series("fed.treasuries")
    fed = fed[fed["date"].astype(str) < nxt]
    if fed.empty:
        raise DataError("no H.4.1 Treasury holdings on or before the month", field="fed.treasuries",
                        got=month, fix="use a later month")
    return float(fed.sort_values("date")["value"].iloc[-1])


@lru_cache(maxsize=32)  # the bundled data do not change within a process
def _marketable_at(month: str) -> float | None:
    from treasurylab import data

    try:
        df = data.series("mspd.summary", start=month, end=month)
    except BadInput:
        return None
    if df.empty:
        return None
    for col in ("security_type", "type", "security_type_description"):
        if col in df.columns:
            tot = df[df[col].astype(str).str.lower().str.contains("total marketable")]
            if not tot.empty:
                vcol = "held_by_public" if "held_by_public" in tot.columns else "value"
                return float(tot[vcol].iloc[0]) if vcol in tot.columns else None
    return None


def _as_month(d: str) -> str:
    """'2025q3' -> '2025-09', '2024' -> '2024-12', '2025-09(-dd)' -> '2025-09' (for ordering mixed dates)."""
    d = str(d)
    if len(d) == 6 and d[4] == "q":
        return f"{d[:4]}-{3 * int(d[5]):02d}"
    if len(d) == 4:
        return f"{d}-12"
    return d[:7]


def ownership_table(month: str | None = None):
    """Rows of ``curated.ownership_by_sector`` dated on or before ``month`` (mixed dates kept), with 'month'."""
    import pandas as pd

    from treasurylab import data

    try:
        df = data.series("curated.ownership_by_sector")
    except BadInput:
        return pd.DataFrame(columns=["sector", "value", "month"])
    df = df.copy()
    df["month"] = df["date"].astype(str).map(_as_month)
    if month is not None:
        df = df[df["month"] <= month]
    return df.reset_index(drop=True)


@lru_cache(maxsize=32)  # the bundled data do not change within a process
def _sector_values(month: str) -> dict[str, tuple[float, str]]:
    """Domestic sector -> (USD bn, date) from the latest row with a number for each sector."""
    df = ownership_table(month)
    if df.empty:
        return {}
    label_col = next((c for c in ("sector", "holder", "name", "category") if c in df.columns), None)
    if label_col is None:
        return {}
    df = df[df["value"].notna()].sort_values("month", kind="stable")
    out: dict[str, tuple[float, str]] = {}
    for _, row in df.iterrows():
        label = str(row[label_col]).lower().replace("_", " ")
        for sector, keys in _SECTOR_KEYS.items():
            if any(k in label for k in keys):
                out[sector] = (float(row["value"]), str(row["date"]))   # later rows overwrite earlier
                break
    return out


def _resolve_map(mapping: Mapping[str, Any], names: list[str], field: str) -> dict[int, Any]:
    from treasurylab.model.holders import resolve_holder

    out = {}
    for k, v in (mapping or {}).items():
        try:
            out[resolve_holder(k, names)] = v
        except BadInput as e:
            raise BadInput(e.problem, field=f"{field}.{k}", got=k, fix=e.fix) from None
    return out


def agent_names(overrides: Mapping[str, Any] | None = None, month: str | None = None,
                where: str = "overrides", params=None) -> tuple[str, ...]:
    """The names of the holders' agents, in :func:`build_holders_spec`'s order, without fitting their
    programmes (TIC's flow vintages, ~1 s on a cold cache): what an event's holder is resolved
    against and named by."""
    from treasurylab.params.load import load_params

    ps = (load_params("holders") if params is None else params).with_overrides(overrides, where=where)
    return tuple(_agents(ps, month)[1])


def _agents(ps, month: str | None):
    """``(month, names, values USD bn, kinds, notes)`` of the agents at the TIC ``month`` (None: the
    latest): TIC's countries, the parameters' extra agents carved out of All Other, the Fed and the
    domestic sectors (the one place the list of agents is made)."""
    month, cur = tic_latest(month)
    countries = cur[cur["row_type"] == "country"]
    names = [str(c) for c in countries["country"]]
    values = [float(v) for v in countries["value"].fillna(0.0)]
    kind = ["foreign"] * len(names)
    notes: list[str] = []

    all_other = cur[cur["row_type"] == "all_other"]["value"]
    ao = float(all_other.iloc[0]) if len(all_other) else 0.0
    for extra, amount in (ps["extra_agents"] or {}).items():
        amount = float(amount)
        if extra in names:
            continue
        if amount > ao:
            raise BadInput("extra agent larger than 'All Other'", field=f"holders.extra_agents.{extra}",
                           got=amount, fix=f"give at most {ao:.1f} (USD bn)")
        names.append(str(extra))
        values.append(amount)
        kind.append("foreign")
        ao -= amount
        notes.append(f"{extra}: {amount:g} bn carved out of All Other")
    names.append(ALL_OTHER)
    values.append(ao)
    kind.append("foreign")
    foreign_total = float(sum(values))

    fed = _fed_at(month)
    names.append(FED_NAME)
    values.append(fed)
    kind.append("fed")
    sectors = _sector_values(month)
    marketable = _marketable_at(month)
    if marketable is None and not sectors:
        raise DataError("no domestic ownership data and no MSPD total for the month",
                        field="curated.ownership_by_sector", got=month,
                        fix="add the ownership table or use a month covered by mspd.summary")
    domestic_total = None if marketable is None else max(marketable - fed - foreign_total, 0.0)
    listed = [s for s in DOMESTIC_SECTORS if s in sectors]
    raw = np.array([sectors[s][0] for s in listed])
    if listed and domestic_total is not None:
        # the table mixes dates and bases (market value, par, amortised cost): keep its shares and
        # scale them so the domestic sectors add up to MSPD marketable - Fed - TIC foreign this month
        scale = min(1.0, domestic_total / raw.sum()) if raw.sum() > 0 else 0.0
        raw = raw * scale
        notes.append("domestic sectors: ownership-table values (" + ", ".join(
            f"{s} {sectors[s][1]}" for s in listed) + f") scaled by {scale:.3f} to the {month} total")
    for s, v in zip(listed, raw):
        names.append(s)
        values.append(float(v))
        kind.append("domestic")
    if domestic_total is not None:
        rest = domestic_total - float(raw.sum())
        if rest > 1e-6 or not listed:
            names.append(RESIDUAL_NAME)
            values.append(max(rest, 0.0))
            kind.append("domestic")
            notes.append("domestic residual agent: MSPD marketable - Fed - TIC foreign - listed sectors")
    if "Leveraged funds" not in names:
        # leveraged funds are not in the ownership table; an empty agent lets custody reattribution
        # (Cayman) and scenarios address them by name
        names.append("Leveraged funds")
        values.append(0.0)
        kind.append("domestic")

    return month, names, values, kind, notes


def build_holders_spec(overrides: Mapping[str, Any] | None = None, month: str | None = None,
                       where: str = "overrides", params=None):
    """The holders' :class:`HoldersSpec` at ``month`` (default latest TIC month) with parameter overrides;
    ``params``: the block's default ParamSet when the caller has it (read from holders.yaml otherwise)."""
    from treasurylab.model.holders import HoldersSpec
    from treasurylab.params.load import load_params

    base = load_params("holders") if params is None else params
    ps = base.with_overrides(overrides, where=where)
    month, names, values, kind, notes = _agents(ps, month)
    a = len(names)
    h0 = np.array(values, dtype=float)

    # custody reattribution (assumption, switchable)
    if int(ps["custody_reattribution_on"]):
        moves = _resolve_map(ps["custody_reattribution"], names, "holders.custody_reattribution")
        h_before = h0.copy()
        for src, targets in moves.items():
            tmap = _resolve_map(targets, names, f"holders.custody_reattribution.{names[src]}")
            total_share = sum(float(s) for s in tmap.values())
            if total_share > 1 + 1e-12:
                raise BadInput("shares add up to more than 1", field=f"holders.custody_reattribution.{names[src]}",
                               got=total_share, fix="give shares of the centre's holdings that sum to <= 1")
            for dst, share in tmap.items():
                amt = float(share) * h_before[src]
                h0[src] -= amt
                h0[dst] += amt
        notes.append("custody reattribution on (assumption)")

    # programmes
    window = int(ps["fit_window_months"])
    basis = str(ps["fit_basis"]).strip().lower()
    if basis not in FIT_BASES:
        raise BadInput("unknown basis of the fitted programmes", field="holders.fit_basis", got=ps["fit_basis"],
                       fix="write 'net_purchases' (transactions, the default) or 'holdings' (TIC holdings trend)")

    def fit(fit_names):
        if basis == "holdings":
            return fitted_rates(fit_names, window, month)
        got, why = flow_fitted_rates(fit_names, window, month)
        notes.extend(w for w in why if w not in notes)   # programmes and baseline fit the same holders
        return got

    def rates(mapping, field):
        out = np.zeros(a)
        res = _resolve_map(mapping, names, field)
        fit_names = [names[i] for i, v in res.items() if str(v).strip().lower() == "fitted"]
        fitted = fit(fit_names) if fit_names else {}
        for i, v in res.items():
            sv = str(v).strip().lower()
            if sv == "fitted":
                out[i] = fitted[names[i]]
            elif sv == "hold":
                out[i] = 0.0
            else:
                try:
                    out[i] = float(v)
                except (TypeError, ValueError):
                    raise BadInput("unknown programme", field=f"{field}.{names[i]}", got=v,
                                   fix="write 'hold', 'fitted' or a monthly rate such as -0.007") from None
                if not -1 < out[i] < 1:
                    raise BadInput("monthly programme rate must be in (-1, 1)", field=f"{field}.{names[i]}",
                                   got=v, fix="write e.g. -0.007 for -0.7% a month")
        return out

    programme = rates(ps["programmes"], "holders.programmes")
    baseline = rates(ps["baseline_programmes"], "holders.baseline_programmes")

    # groups
    groups = dict(ps["peer_groups"] or {})
    group_names = tuple(groups)
    peer = np.full(a, -1, dtype=np.int64)
    for gi, (_g, members) in enumerate(groups.items()):
        for mname in members or []:
            from treasurylab.data.names import match_name
            try:
                peer[names.index(match_name(mname, names, what="holder"))] = gi
            except BadInput:
                # a member not listed by TIC this month (it is inside All Other): no agent to assign
                continue

    absorber = np.array([k == "domestic" for k in kind])
    for i in _resolve_map({n: 1 for n in ps["foreign_absorbers"] or []}, names, "holders.foreign_absorbers"):
        absorber[i] = True
    can_cascade = np.array([k == "foreign" for k in kind]) & ~absorber

    sale = np.full(a, float(ps["sale_rate"]))
    for i, v in _resolve_map(ps["sale_rate_by_agent"], names, "holders.sale_rate_by_agent").items():
        sale[i] = float(v)
    theta_mean = np.full(a, float(ps["theta_mean"]))
    for i, v in _resolve_map(ps["theta_by_agent"], names, "holders.theta_by_agent").items():
        theta_mean[i] = float(v)
    pol = np.zeros(a)
    for i, v in _resolve_map(ps["political_risk"], names, "holders.political_risk").items():
        pol[i] = float(v)
    det = np.zeros(a)
    dmap = dict(ps["deterrence"] or {})
    agent_level = {}
    for key, v in dmap.items():
        if key in group_names:
            det[peer == group_names.index(key)] = float(v)
        else:
            agent_level[key] = v
    for i, v in _resolve_map(agent_level, names, "holders.deterrence").items():
        det[i] = float(v)

    spec = HoldersSpec(
        names=tuple(names), kind=tuple(kind), holdings0=h0, absorber=absorber, programme_rate=programme,
        baseline_programme_rate=baseline, sale_rate=sale, peer_group=peer, group_names=group_names,
        political_risk=pol, deterrence=det, theta_mean=theta_mean,
        theta_sd=np.full(a, float(ps["theta_sd"])), can_cascade=can_cascade,
        w_fiscal=float(ps["w_fiscal"]), w_peer=float(ps["w_peer"]), w_market=float(ps["w_market"]),
        w_vol=float(ps["w_vol"]), w_political=float(ps["w_political"]), noise_sd=float(ps["noise_sd"]),
        peer_memory=float(ps["peer_memory"]), fiscal_scale_pp=float(ps["fiscal_scale_pp"]),
        vol_scale_bp=float(ps["vol_scale_bp"]), start=month, notes=tuple(notes),
    )
    spec.validate()
    return spec


def agent_table(spec) -> list[dict]:
    """One row per agent (name, kind, holdings, programme %/yr, group, ...) for reports and the CLI."""
    rows = []
    for i, n in enumerate(spec.names):
        g = int(spec.peer_group[i])
        rows.append({
            "agent": n,
            "kind": spec.kind[i],
            "holdings_bn": round(float(spec.holdings0[i]), 1),
            "programme_pct_yr": round(100 * ((1 + float(spec.programme_rate[i])) ** 12 - 1), 2),
            "absorber": bool(spec.absorber[i]),
            "peer_group": spec.group_names[g] if g >= 0 else "",
            "deterrence": float(spec.deterrence[i]),
            "political_risk": float(spec.political_risk[i]),
        })
    return rows


@lru_cache(maxsize=32)  # the bundled data do not change within a process
def pboc_monthly_tonnes():
    """(months 'YYYY-MM' tuple, tonnes array) of the PBoC's reported gold, from curated.pboc_gold_monthly."""
    from treasurylab import data

    df = data.series("curated.pboc_gold_monthly", metric="gold_tonnes").sort_values("date")
    tonnes = df["value"].to_numpy(dtype=float).copy()
    tonnes.flags.writeable = False   # cached: callers must not change it
    return tuple(df["date"].astype(str)), tonnes


@lru_cache(maxsize=32)  # the bundled data do not change within a process
def _wgc_latest(country: str | None):
    from treasurylab import data

    df = data.series("wgc.gold_reserves")
    last = df["date"].max()
    df = df[df["date"] == last]
    if country:
        df = df[df["country"] == country]
    else:
        df = df[~df["country"].isin(["China, Mainland", "United States"])]
    tonnes = float(df[df["metric"] == "gold_tonnes"]["value"].sum())
    fx = float(df[df["metric"] == "fx_reserves_usd_mn"]["value"].sum()) / 1e3
    return tonnes, fx


def build_reserves_params(overrides: Mapping[str, Any] | None = None, holder_names=None,
                          where: str = "overrides", params=None):
    """The reserves block's :class:`ReservesParams` from reserves.yaml and the data; ``params``: the
    block's default ParamSet when the caller has it."""
    from treasurylab.model.holders import resolve_holder
    from treasurylab.model.reserves import ReservesParams
    from treasurylab.params.load import load_params

    ps = (load_params("reserves") if params is None else params).with_overrides(overrides, where=where)
    months, tonnes = pboc_monthly_tonnes()
    w0, w1 = (str(x) for x in ps["pboc_fit_window"])
    if w0 not in months or w1 not in months or w1 <= w0:
        raise BadInput("window not inside the PBoC data", field="reserves.pboc_fit_window", got=[w0, w1],
                       fix=f"give two months between {months[0]} and {months[-1]}, first before last")
    i0, i1 = months.index(w0), months.index(w1)
    pboc_base = float((tonnes[i1] - tonnes[i0]) / _months_between(w0, w1))
    names, gold0, base, resp, nond, fx, idx = [], [], [], [], [], [], []
    for name, m in (ps["managers"] or {}).items():
        kind = str(m.get("base", "")).lower()
        if kind == "fitted":
            b = pboc_base
            g, f = _wgc_latest(m.get("wgc_country") or "China, Mainland")
            g = float(tonnes[-1])   # the monthly series is more recent than the WGC quarter
        elif kind == "rest_of_world":
            b = (float(ps["cb_purchases_2025_t"]) - 12 * pboc_base) / 12
            g, f = _wgc_latest(None)
        else:
            try:
                b = float(m.get("base"))
            except (TypeError, ValueError):
                raise BadInput("unknown base purchases", field=f"reserves.managers.{name}.base",
                               got=m.get("base"), fix="write 'fitted', 'rest_of_world' or tonnes a month") from None
            g, f = _wgc_latest(m.get("wgc_country"))
        names.append(str(name))
        gold0.append(g)
        base.append(b)
        resp.append(float(m.get("response_t_per_month", 0.0)))
        nond.append(float(m.get("nondollar_per_month", 0.0)))
        fx.append(f)
        h = m.get("holder") or ""
        idx.append(resolve_holder(h, holder_names) if (h and holder_names is not None) else -1)
    rp = ReservesParams(
        names=tuple(names), gold0_t=np.array(gold0), base_t_per_month=np.array(base),
        response_t_per_month=np.array(resp), nondollar_per_month=np.array(nond), reserves_usd_bn=np.array(fx),
        holder_index=np.array(idx, dtype=np.int64), usd_share=float(ps["usd_share_of_reserves"]),
        tsy_share=float(ps["treasury_share_of_usd_reserves"]), price0=float(ps["gold_price0"]),
        eta=float(ps["gold_price_elasticity"]), annual_demand_t=float(ps["annual_gold_demand_t"]),
        rate_semi_elasticity=float(ps["gold_rate_semi_elasticity"]))
    rp.validate()
    return rp
