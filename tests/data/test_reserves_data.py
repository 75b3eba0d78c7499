"""Reserves data: IMF COFER (SDMX-ML) and the World Gold Council gold-reserves JSON (+ the shipped subset)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from treasurylab import data
from treasurylab.data.catalog import SNAPSHOT_DIR
from treasurylab.data.parsers import imf_cofer_sdmx, wgc_cbd_json
from treasurylab.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "reserves"


def test_cofer_amounts_are_dollars_despite_scale_6():
    df = imf_cofer_sdmx.parse([FIX / "cofer_usd_nv.xml"])
    w = df[(df["region"] == "G001")].set_index("date")["value"]
    assert w["2025q4"] == pytest.approx(7457.8097, abs=1e-3) and w["2025q3"] == pytest.approx(
        7418.436, abs=1e-3
    )
    assert set(df["unit"]) == {"USD bn"} and set(df["indicator"]) == {"allocated_reserves"}


def test_cofer_shares_and_full_dataset():
    s = imf_cofer_sdmx.parse([FIX / "cofer_shares.xml"])
    world = s[(s["region"] == "G001") & (s["date"] == "2025q4")].set_index("currency")["value"]
    assert world["USD"] == pytest.approx(56.77, abs=0.005) and world["EUR"] == pytest.approx(
        20.25, abs=0.005
    )
    assert world.drop("TOTAL").sum() == pytest.approx(100.0, abs=0.1)
    full = data.series("imf.cofer", region="G001", indicator="allocated_reserves", start="2025q4")
    got = full.set_index("currency")["value"]
    assert got["TOTAL"] == pytest.approx(13136.846, abs=1e-2) and got["USD"] == pytest.approx(
        7457.81, abs=1e-2
    )
    # the share implied by the amounts equals the published share
    assert 100 * got["USD"] / got["TOTAL"] == pytest.approx(world["USD"], abs=0.01)


def test_cofer_truncated_xml_is_refused(tmp_path):
    p = tmp_path / "cofer.xml"
    p.write_bytes((FIX / "cofer_usd_nv.xml").read_bytes()[:5000])
    with pytest.raises(DataError, match="truncated"):
        imf_cofer_sdmx.parse([p])


def test_wgc_excerpt_values():
    df = wgc_cbd_json.parse([FIX / "wgc_cbd_excerpt_CHN_RUS_IND.json"])
    t = df[(df["metric"] == "gold_tonnes") & (df["date"] == "2025-12-31")].set_index("iso3")[
        "value"
    ]
    assert t.to_dict() == {"CHN": 2306.30, "IND": 880.34, "RUS": 2326.52}
    assert df["quarter"].min() == "2019q1" and df["quarter"].max() == "2025q4"
    assert set(df.loc[df["iso3"] == "CHN", "country"]) == {"China, Mainland"}


def test_shipped_subset_has_the_publishers_values_and_attribution():
    df = data.series("wgc.gold_reserves", metric="gold_tonnes", start="2025-12-31")
    t = df.set_index("iso3")["value"]
    # PROVENANCE.md checks at 2025-12-31
    assert t["USA"] == 8133.46 and t["DEU"] == 3350.25 and t["JPN"] == 845.97 and t["POL"] == 550.21
    assert df["iso3"].nunique() >= 20
    assert data.series(
        "wgc.gold_reserves", country="china", metric="gold_tonnes", start="2025-12-31"
    )["value"].tolist() == [2306.30]
    excerpt = wgc_cbd_json.parse([FIX / "wgc_cbd_excerpt_CHN_RUS_IND.json"])
    full = data.load("wgc.gold_reserves")
    m = excerpt.merge(full, on=["date", "iso3", "metric"], suffixes=("_x", "_f"))
    assert len(m) == len(excerpt) and (m["value_x"] == m["value_f"]).all()
    folder = SNAPSHOT_DIR / "holders" / "reserves" / "wgc_gold"
    assert "World Gold Council" in (folder / "ATTRIBUTION.txt").read_text()
    assert not (
        folder / "cbd_quarterly_2019_2025.json"
    ).exists()  # the full response is not shipped
    assert "World Gold Council" in data.get("wgc.gold_reserves").attribution


def test_wgc_bad_json_is_refused(tmp_path):
    p = tmp_path / "wgc.json"
    p.write_text(json.dumps({"chartData": {}}))
    with pytest.raises(DataError, match="linechart"):
        wgc_cbd_json.parse([p])
    p.write_bytes((FIX / "wgc_cbd_excerpt_CHN_RUS_IND.json").read_bytes()[:3000])
    with pytest.raises(DataError, match="truncated"):
        wgc_cbd_json.parse([p])
