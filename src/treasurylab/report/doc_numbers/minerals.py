"""Numbers of docs/minerals.md: China's 2024 share at each stage from the 2024 baseline run (the one the
calibration targets check), the size of the allocation LP, and the parameters the page quotes
(params/defaults/minerals.yaml through ``params/minerals_inputs.build``)."""

from __future__ import annotations

from functools import lru_cache

# stage -> (label, unit, published reference as the page quotes it with its source)
_STAGES = {
    "mining": ("mining", "t REO", "69% (USGS MCS 2025)"),
    "separation": ("separation (light, NdPr)", "t NdPr oxide", "~91% (IEA)"),
    "heavy_separation": ("heavy separation (Dy+Tb, kept apart)", "t Dy+Tb oxide",
                         "first Dy outside China: May 2025"),
    "metal": ("metal / alloy", "t NdPr oxide-equivalent", "assumption: non-China ~5%"),
    "magnet": ("NdFeB magnets", "t magnet", "~94% (IEA)"),
}


@lru_cache(maxsize=1)
def _inputs():
    from treasurylab.params.minerals_inputs import build

    return build()


@lru_cache(maxsize=1)
def _shares_2024() -> dict[str, float]:
    from treasurylab.scenario.targets.minerals import calibration_runs

    base, _ = calibration_runs()   # the 2024 baseline the calibration targets use
    return base.mean_share(2024)


def china_shares_table() -> str:
    s = _shares_2024()
    lines = ["| Stage | Unit (per year in data, per month in the model) | 2024 China share (model / reference) |",
             "|---|---|---|"]
    for stage, (label, unit, ref) in _STAGES.items():
        v = 100.0 * s[stage]
        model = "100%" if v >= 99.95 else f"{v:.1f}%"
        sep = " " if ref.startswith("(") or ref.startswith("first") or ref.startswith("assumption") else " / "
        cell = f"{model} ({ref})" if sep == " " else f"{model} / {ref}"
        lines.append(f"| {label} | {unit} | {cell} |")
    return "\n".join(lines)


def germany_share() -> str:
    return f"{100 * _inputs().p['germany_share_of_eu']:.1f}%"


def ore_content() -> str:
    return f"{_inputs().p['ndpr_content']:g} t NdPr per t REO"


def magnet_recipe() -> str:
    p = _inputs().p
    thrift = "half" if p["heavy_min_share"] == 0.5 else f"{p['heavy_min_share']:g} of it"
    return (f"{p['ndpr_per_magnet']:g} t NdPr and {p['heavy_per_magnet']:g} t Dy+Tb, and makers can thrift heavies "
            f"down to {thrift}")


def china_capacity() -> str:
    p = _inputs().p
    return (f"2024 x (1 + {100 * p['china_headroom']:g}% headroom) x quota growth "
            f"({100 * p['china_capacity_growth']:.1f}%/yr)")


def demand_growth() -> str:
    return f"2024 x {1 + _inputs().p['demand_growth']:.4f}^years"


def lp_size() -> str:
    from treasurylab.model.minerals import RoutingLP

    m, n = RoutingLP(_inputs()).A.shape
    return f"{m} rows x {n} columns"


def price_rule() -> str:
    p = _inputs().p
    e = p["price_elasticity"]
    return (f"prices close {100 * p['price_adjust_speed']:.0f}% of the gap to `P0 * min({p['price_cap_multiple']:g}, "
            f"fill^(-1/elasticity))` per month, separately inside and outside China (Dy elasticity "
            f"{e['dy']:.2f}, Tb {e['tb']:.2f}")


def output_gap_formula() -> str:
    p = _inputs().p
    return (f"`-100 * {p['output_gap_coefficient']:.1f} * {p['us_manufacturing_va_share']:g} * 12 * "
            f"value_lost_US / GDP`")


def licence_default() -> str:
    p = _inputs().p
    s = p["licence_share_settled"]
    return (f"{p['licence_share_initial']:g} of the usual flow for {p['licence_processing_months']:g} months, then the "
            f"settled shares (heavy {s['heavy']:g}, magnets {s['magnet']:g})")


SECTIONS = {
    "minerals-china-shares": china_shares_table,
    "minerals-germany-share": germany_share,
    "minerals-ore-content": ore_content,
    "minerals-magnet-recipe": magnet_recipe,
    "minerals-china-capacity": china_capacity,
    "minerals-demand-growth": demand_growth,
    "minerals-lp-size": lp_size,
    "minerals-price-rule": price_rule,
    "minerals-output-gap": output_gap_formula,
    "minerals-licence-default": licence_default,
}
