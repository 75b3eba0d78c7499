"""Holders block targets: Granovetter's analytical cases (calibration.md s4.1) and the TIC agent table.

* Uniform thresholds 0, 1/100, ..., 99/100 -> the whole crowd sells (share 1).
* The same crowd without the agent of threshold 1/100 (replaced by 2/100) -> only the instigator (0.01).
* Normal thresholds with mean 0.25: the final share jumps from a few % to ~100 % as sigma crosses
  ~0.12 (Granovetter; a replication finds ~0.10). The model's tipping sigma is found on a grid.
* The default agents built from TIC + H.4.1 + MSPD hold the published foreign share (> 30 %).
"""

from __future__ import annotations

import numpy as np

from treasurylab.scenario.targets import TargetResult, between

BLOCK = "holders"
SRC_G = "Granovetter (1978), AJS 83(6); calibration.md s4.1"


def crowd(a: int, theta_sd: float = 0.0, theta_mean: float = 0.25):
    """A pure Granovetter crowd of ``a`` equal agents in one peer group."""
    from treasurylab.model.holders import HoldersSpec

    z = np.zeros(a)
    return HoldersSpec(
        names=tuple(f"agent{i}" for i in range(a)), kind=("foreign",) * a, holdings0=np.ones(a),
        absorber=np.zeros(a, bool), programme_rate=z, baseline_programme_rate=z, sale_rate=z,
        peer_group=np.zeros(a, np.int64), group_names=("crowd",), political_risk=z, deterrence=z,
        theta_mean=np.full(a, theta_mean), theta_sd=np.full(a, theta_sd), can_cascade=np.ones(a, bool),
        w_peer=1.0, w_political=0.0)


def final_share(spec, state, months: int) -> np.ndarray:
    from treasurylab.model.holders import holders_step

    for _ in range(months):
        holders_step(spec, state)
    return state.active.mean(axis=1)


def uniform_case(remove_one_percent: bool = False) -> float:
    from treasurylab.model.holders import init_holders

    theta = np.arange(100) / 100
    if remove_one_percent:
        theta[1] = 0.02
    spec = crowd(100)
    return float(final_share(spec, init_holders(spec, 1, theta=theta), 150)[0])


def tipping_sigma(seed: int = 2026, agents: int = 2000, paths: int = 8) -> float:
    """Smallest sigma on a 0.005 grid where the median final share exceeds one half."""
    from treasurylab.model.holders import init_holders

    rng = np.random.default_rng(seed)
    for s in np.round(np.arange(0.08, 0.1601, 0.005), 4):
        spec = crowd(agents, theta_sd=float(s))
        share = final_share(spec, init_holders(spec, paths, rng), 120)
        if np.median(share) > 0.5:
            return float(s)
    return float("nan")


def targets() -> list[TargetResult]:
    out = [
        between("holders.granovetter.uniform", BLOCK, "uniform thresholds 0..0.99: final share selling",
                uniform_case(), 1.0, 1.0, unit="share", reference=1.0, source=SRC_G),
        between("holders.granovetter.remove_1pct", BLOCK,
                "uniform thresholds without the 1/100 agent: final share (only the instigator)",
                uniform_case(True), 0.01, 0.01, unit="share", reference=0.01, source=SRC_G),
        between("holders.granovetter.normal_tipping_sigma", BLOCK,
                "normal thresholds, mean 0.25: sigma where the final share jumps to ~100%",
                tipping_sigma(), 0.10, 0.13, unit="sigma", reference="about 0.12 (replication 0.10)",
                source=SRC_G),
    ]
    from treasurylab.model.holders import foreign_share
    from treasurylab.scenario.holders_inputs import build_holders_spec

    spec = build_holders_spec()
    share = float(foreign_share(spec, spec.holdings0[None, :])[0])
    out.append(between("holders.tic.foreign_share", BLOCK,
                       f"foreign share of marketable Treasuries in the default agents ({spec.start})",
                       share, 0.28, 0.35, unit="share", reference="> 30% (foreign $9.36T, Nov 2025)",
                       source="TIC; MSPD; H.4.1; calibration.md s2.1"))
    return out
