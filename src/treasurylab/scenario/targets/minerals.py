"""Minerals calibration and validation targets (calibration.md s7).

- 2024 baseline (no controls, 2024 capacities): China's share of world output at each stage within
  3 pp of the published shares: mining 69% (USGS MCS 2025), separation ~91% and magnets ~94% (IEA
  commentary, 23 Oct 2025).
- 2030 with the project pipeline running: mining 54% and refining (separation) 77% within 5 pp
  (IEA Global Critical Minerals Outlook 2024).
- Replay of the 2025 controls (April 2025 licensing): Chinese magnet exports in May 2025 vs May 2024
  (-74%), the ex-China Dy and Tb price multiples within months of the controls (Dy ~3x, Tb $965 ->
  $3,000/kg by May and ~4x by November), and flat Chinese domestic prices.
"""

from __future__ import annotations

from functools import lru_cache

from treasurylab.scenario.targets import TargetResult, between, within

S71 = "calibration.md s7.1"
S72 = "calibration.md s7.2"


@lru_cache(maxsize=1)
def calibration_runs():
    """The minerals runs the targets check: the 2024-2030 baseline (84 months from 2024-01) and the 2025
    export-control replay; the docs' numbers read the same runs."""
    from treasurylab.model import minerals as M

    base = M.simulate(start="2024-01", months=84)
    replay = M.replay_2025()
    return base, replay


def targets() -> list[TargetResult]:
    base, rp = calibration_runs()
    s24, s30 = base.mean_share(2024), base.mean_share(2030)
    i24, i25 = rp.months.index("2024-05"), rp.months.index("2025-05")
    yoy = rp.china_exports[i25, 3] / rp.china_exports[i24, 3] - 1
    win = [i for i, m in enumerate(rp.months) if "2025-04" <= m <= "2025-12"]
    dy = rp.prices["dy_ex_china"][win].max() / rp.prices["dy_ex_china"][0]
    tb = rp.prices["tb_ex_china"][win].max() / rp.prices["tb_ex_china"][0]
    dy_cn = rp.prices["dy_china"][win].max() / rp.prices["dy_china"][0] - 1
    b = "minerals"
    pp = "share"
    return [
        within("minerals.china_share.mining.2024", b, "China's share of world mine output, 2024 baseline",
               s24["mining"], 0.69, abs_=0.03, unit=pp, source=f"USGS MCS 2025 (270 of 390 kt); {S71}"),
        within("minerals.china_share.separation.2024", b, "China's share of separation, 2024 baseline",
               s24["separation"], 0.91, abs_=0.03, unit=pp, source=f"IEA commentary 23 Oct 2025; {S71}"),
        within("minerals.china_share.magnet.2024", b, "China's share of NdFeB magnet output, 2024 baseline",
               s24["magnet"], 0.94, abs_=0.03, unit=pp, source=f"IEA commentary 23 Oct 2025; {S71}"),
        within("minerals.china_share.mining.2030", b, "China's share of mining in 2030 with the pipeline",
               s30["mining"], 0.54, abs_=0.05, unit=pp, source=f"IEA GCMO 2024 outlook; {S71}"),
        within("minerals.china_share.separation.2030", b, "China's share of refining in 2030 with the pipeline",
               s30["separation"], 0.77, abs_=0.05, unit=pp, source=f"IEA GCMO 2024 outlook; {S71}"),
        between("minerals.replay.magnet_exports_yoy.2025-05", b,
                "Replay: Chinese magnet exports May 2025 vs May 2024", yoy, -0.85, -0.60,
                unit="fraction", source=f"-74% y/y (1,238 t); {S72}", reference=-0.74),
        between("minerals.replay.dy_ex_china_peak", b,
                "Replay: peak ex-China Dy oxide price, Apr-Dec 2025, multiple of pre-control", dy, 2.0, 4.0,
                unit="x pre-control", source=f"Europe's Dy nearly tripled within a month, ~3x by Nov 2025; {S72}",
                reference=3.0),
        between("minerals.replay.tb_ex_china_peak", b,
                "Replay: peak ex-China Tb oxide price, Apr-Dec 2025, multiple of pre-control", tb, 2.5, 5.0,
                unit="x pre-control", source=f"Tb $965 -> $3,000/kg by May, ~4x by Nov 2025; {S72}",
                reference=3.5),
        between("minerals.replay.dy_china_change", b,
                "Replay: Chinese domestic Dy price change, Apr-Dec 2025", dy_cn, -0.05, 0.05,
                unit="fraction", source=f"Chinese domestic prices flat (SMM); {S72}", reference=0.0),
    ]
