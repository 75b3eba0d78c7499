"""Golden summaries of the minerals block for the shipped rare-earth scenarios.

The coupled golden files (tests/golden/<name>.csv) hold the macro and market outcomes; these hold the
minerals side (shortfalls, prices, output at risk, the US output-gap contribution, China's shares, the
180-day answer) in ``tests/golden/minerals-<name>.csv``. The block is deterministic; the tolerance only
absorbs floating-point differences between machines (the LP solver's last digits). Regenerate after a
deliberate change with ``TREASURYLAB_REGEN_GOLDEN=1`` and read the CSV diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from treasurylab.model import minerals as M
from treasurylab.scenario.spec import load_scenario, shipped

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def _summary_rows(name: str) -> pd.DataFrame:
    sc = load_scenario(name)
    r = M.simulate_scenario(sc)
    s = r.summary()
    rows = []
    for c, v in s["shortfall_total_t"].items():
        rows.append(("shortfall_total_t", c, v))
    for c, v in s["shortfall_peak_share"].items():
        rows.append(("shortfall_peak_share", c, v))
    for c, v in s["value_lost_bn"].items():
        rows.append(("value_lost_bn", c, v))
    rows.append(("germany_value_lost_bn", "Germany", s["germany_value_lost_bn"]))
    rows.append(("us_output_gap_pp_min", "US", s["us_output_gap_pp_min"]))
    for k, v in s["price_peak"].items():
        rows.append(("price_peak", k, v))
    for k, v in s["china_share_last_month"].items():
        rows.append(("china_share_last_month", k, v))
    ans = M.answer_180_days(None, r.events, start="2026-01-14", days=180)
    for k, v in ans["chain"].items():
        rows.append(("answer_180_chain", k, v))
    return pd.DataFrame(rows, columns=["variable", "key", "value"])


def _with_minerals_events() -> list[str]:
    """The shipped scenarios with minerals events of their own (the others replay the policy record)."""
    return [n for n in shipped() if M.scenario_events(load_scenario(n), include_policy_record=False)]


def test_every_shipped_minerals_scenario_has_its_golden_file():
    names = _with_minerals_events()
    assert "rare-earth-cutoff" in names and "baseline" not in names
    assert sorted(p.name for p in GOLDEN.glob("minerals-*.csv")) == sorted(f"minerals-{n}.csv" for n in names)


@pytest.mark.parametrize("name", _with_minerals_events())
def test_minerals_golden(name):
    got = _summary_rows(name)
    path = GOLDEN / f"minerals-{name}.csv"
    if os.environ.get("TREASURYLAB_REGEN_GOLDEN") == "1":
        got.to_csv(path, index=False, float_format="%.10g")
    want = pd.read_csv(path, keep_default_na=False)
    assert list(got["variable"]) == list(want["variable"]) and list(got["key"]) == list(want["key"])
    np.testing.assert_allclose(got["value"].to_numpy(float), want["value"].to_numpy(float),
                               rtol=1e-5, atol=1e-6, err_msg=name)
