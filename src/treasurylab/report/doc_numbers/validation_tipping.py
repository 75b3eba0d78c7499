"""Numbers of docs/validation.md's "The tipping map", computed by running the shipped sweeps
(``treasurylab sweep tipping-point`` and ``tipping-point-fragile``: 35 points of the paths and seed
their files state, about 3 s each on one core) and the flagship map's largest sale with the
holders' volatility weight ``holders.w_vol`` set to 0 (5 points, under a second)."""

from __future__ import annotations

import copy
from functools import lru_cache

THREAT, SIZE = "events[type=threat].strength", "events[type=sale].amount_bn"
CONTOUR = 0.10          # the probability whose contour the text reads
NEVER_BN = 100          # "a sale of this size or less essentially never tips"


def _sweep_dict(name: str) -> dict:
    from treasurylab.scenario.spec import shipped_dir
    from treasurylab.yamlio import load_yaml

    return copy.deepcopy(load_yaml(shipped_dir() / f"{name}.sweep.yaml").data)


@lru_cache(maxsize=4)
def _map(name: str = "tipping-point", no_vol: bool = False) -> dict:
    """{(size, threat): probability} of a shipped sweep (``no_vol``: holders.w_vol = 0, largest sale only)."""
    from treasurylab.scenario.sweep import sweep

    d = _sweep_dict(name)
    if no_vol:
        d["set"]["overrides.holders.w_vol"] = 0.0
        d["grid"][SIZE] = [max(d["grid"][SIZE])]
    r = sweep(d, workers=1)
    return {"paths": r.spec.paths, "seed": r.spec.seed, "sizes": list(r.axes[1]), "threats": list(r.axes[0]),
            "p": {(row[SIZE], row[THREAT]): float(row["value"]) for row in r.rows}}


def _size(bn: float) -> str:
    return f"${bn:g}bn"


def _japan_bn() -> float:
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    spec = prepare(load_scenario("davos-2026")).hspecs[0]
    return float(spec.holdings0[list(spec.names).index("Japan")])


def asian_shares() -> str:
    """Japan's and China's shares of their peer group's holdings at the holders' start (holders.yaml groups)."""
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    spec = prepare(load_scenario("davos-2026")).hspecs[0]
    names = list(spec.names)
    j, c = names.index("Japan"), names.index("China, Mainland")
    group = spec.peer_group == spec.peer_group[j]
    if not group[c]:
        raise ValueError("Japan and China are no longer in one peer group: reword docs/validation.md")
    total = float(spec.holdings0[group].sum())
    name = spec.group_names[spec.peer_group[j]].replace("_", " ")
    return (f"Japan is {100 * spec.holdings0[j] / total:.0f}% of the {name} group's "
            f"holdings and China {100 * spec.holdings0[c] / total:.0f}%")


def setup() -> str:
    m = _map()
    return f"{m['paths']} paths per point, seed {m['seed']}"


def table() -> str:
    m = _map()
    lines = ["| Japan's sale | " + " | ".join(("threat " if i == 0 else "") + f"{t:g}" for i, t in
                                               enumerate(m["threats"])) + " |",
             "|---|" + "---|" * len(m["threats"])]
    for s in m["sizes"]:
        lines.append(f"| {_size(s)} | " + " | ".join(f"{m['p'][(s, t)]:.3f}" for t in m["threats"]) + " |")
    return "\n".join(lines)


def _crossing(m: dict, level: float, threat: float) -> tuple[float, float] | None:
    """The sizes between which the probability at ``threat`` first reaches ``level`` (None: never)."""
    sizes = m["sizes"]
    for a, b in zip(sizes, sizes[1:]):
        if m["p"][(a, threat)] < level <= m["p"][(b, threat)]:
            return a, b
    return None


def _between(m: dict, level: float) -> str:
    spans = {_crossing(m, level, t) for t in m["threats"]}
    if None in spans:
        return "is not reached at every threat strength"
    lo, hi = min(a for a, _ in spans), max(b for _, b in spans)
    return f"lies between {_size(lo)} and {_size(hi)}"


def reading() -> str:
    m = _map()
    small = max(v for (s, _), v in m["p"].items() if s <= NEVER_BN)
    top = max(m["sizes"])
    at_top = [m["p"][(top, t)] for t in m["threats"]]
    return (f"a sale of {_size(NEVER_BN)} or less tips on at most {100 * small:.1f}% of paths; at {_size(top)} "
            f"({100 * top / _japan_bn():.0f}% of Japan's holdings) the probability is {min(at_top):.3f}-{max(at_top):.3f}; "
            f"the {100 * CONTOUR:.0f}% contour {_between(m, CONTOUR)}")


def threat_effect() -> str:
    m = _map()
    top, (t0, t1) = max(m["sizes"]), (min(m["threats"]), max(m["threats"]))
    return f"at {_size(top)}: {m['p'][(top, t0)]:.3f} without a threat, {m['p'][(top, t1)]:.3f} at strength {t1:g}"


def fragile() -> str:
    m = _map("tipping-point-fragile")
    t0 = min(m["threats"])
    half = _crossing(m, 0.5, t0)
    where = f"passes one half between {_size(half[0])} and {_size(half[1])}" if half else "stays below one half"
    p50 = [m["p"][(50, t)] for t in m["threats"]]
    return (f"{where} without a threat, and a $50bn sale tips {min(p50):.3f}-{max(p50):.3f} of paths "
            f"({m['paths']} paths per point, seed {m['seed']})")


def no_vol() -> str:
    m = _map(no_vol=True)
    top = max(m["sizes"])
    return f"with `w_vol` = 0 the {_size(top)} row is {max(m['p'].values()):.3f} or less"


def official() -> str:
    """TIC's foreign official holdings at the holders' start month: the cascade's denominator."""
    import datetime as dt

    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    S = prepare(load_scenario("davos-2026"))
    month = dt.date.fromisoformat(S.hspecs[0].start[:7] + "-01").strftime("%b %Y")
    return f"${S.foreign_official_bn:,.0f}bn, {month}"


SECTIONS = {
    "val-tipping-setup": setup,
    "val-tipping-official": official,
    "val-tipping-asian": asian_shares,
    "val-tipping-table": table,
    "val-tipping-reading": reading,
    "val-tipping-threat": threat_effect,
    "val-tipping-fragile": fragile,
    "val-tipping-no-vol": no_vol,
}
