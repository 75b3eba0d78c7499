"""CBO parsers: eval-projections CSVs, economic projections, historical budget workbook.

Spot values are those listed in the snapshot's PROVENANCE.md (copied from the files by hand there, and
checked here against the parsers' output).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from treasurylab.data import series
from treasurylab.data.parsers import cbo_econ_csv, cbo_eval_csv, cbo_historical_xlsx
from treasurylab.errors import BadInput, DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "official" / "cbo"


def _one(df, **eq):
    for k, v in eq.items():
        df = df[df[k] == v]
    assert len(df) == 1, f"expected one row for {eq}, got {len(df)}"
    return float(df["value"].iloc[0])


# --- acceptance: Feb 2026 baseline net interest through the API -------------------------------------

def test_feb2026_baseline_net_interest_through_api():
    df = series("cbo.eval.baselines", category="Net Interest", baseline_date="2026-02")
    assert list(df["fiscal_year"]) == list(range(2026, 2037))
    assert round(_one(df, fiscal_year=2026)) == 1039
    assert round(_one(df, fiscal_year=2036)) == 2144
    assert _one(df, fiscal_year=2026) == pytest.approx(1038.976)
    assert (df["component"] == "outlay").all()
    prov = df.attrs["provenance"]
    assert prov["publisher"] == "Congressional Budget Office"
    assert prov["parser"].endswith("cbo_eval_csv.parse_baselines")
    assert prov["files"][0]["name"] == "cbo_eval_baselines.csv"


def test_feb2026_baseline_other_spot_values():
    df = series("cbo.eval.baselines", baseline_date="2026-02")
    assert round(_one(df, component="debt", fiscal_year=2026)) == 32095
    assert round(_one(df, component="debt", fiscal_year=2036)) == 56152
    assert round(_one(df, component="deficit", fiscal_year=2026)) == -1859
    assert round(_one(df, component="deficit", fiscal_year=2036)) == -3102
    assert round(_one(df, component="revenue", category="Total", fiscal_year=2026)) == 5596
    assert round(_one(df, component="outlay", category="Total", fiscal_year=2026)) == 7455


def test_baselines_fixture_columns_and_types():
    df = cbo_eval_csv.parse_baselines([FIX / "cbo_eval_baselines_excerpt.csv"])
    assert list(df.columns) == ["component", "category", "subcategory", "baseline_date", "spring_flag",
                                "winter_flag", "fiscal_year", "year_number", "value"]
    assert df["baseline_date"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert df["spring_flag"].dtype == bool and df["fiscal_year"].dtype == "int64"
    ni = df[(df.category == "Net Interest") & (df.baseline_date == "2026-02")]
    assert ni.set_index("fiscal_year")["value"][2036] == pytest.approx(2144.336)
    assert ni.set_index("fiscal_year")["year_number"][2036] == 11
    assert len(df) == 3 + 35  # every excerpt line parsed, none invented


def test_actuals_and_gdp():
    act = series("cbo.eval.actuals")
    assert _one(act, component="debt", fiscal_year=2025) == pytest.approx(30172.4, abs=0.05)
    assert _one(act, component="deficit", fiscal_year=2025) == pytest.approx(-1781.8, abs=0.05)
    assert _one(act, category="Net Interest", fiscal_year=2025) == pytest.approx(969.9, abs=0.05)
    assert _one(act, category="Net Interest", fiscal_year=2013) == pytest.approx(220.9, abs=0.05)
    gdp = cbo_eval_csv.parse_gdp([FIX / "cbo_eval_actual_GDP.csv"])
    assert list(gdp.columns) == ["fiscal_year", "value"]
    assert gdp.set_index("fiscal_year")["value"][2025] == pytest.approx(30362.0, abs=0.05)
    assert gdp["fiscal_year"].min() == 1982 and len(gdp) == 44
    fx = cbo_eval_csv.parse_actuals([FIX / "cbo_eval_actuals_excerpt.csv"])
    assert _one(fx, category="Net Interest", fiscal_year=2024) == pytest.approx(879.879)


def test_changes_keeps_the_empty_source_cell_as_nan():
    df = cbo_eval_csv.parse_changes([FIX / "cbo_eval_baseline_changes_excerpt.csv"])
    assert "changes_baseline_date" in df.columns and set(df["change_category"]) <= {
        "Legislative", "Economic", "Technical"}
    empty = df[(df.changes_baseline_date == "2024-12") & (df.change_category == "Legislative")]
    assert len(empty) == 1 and empty["value"].isna().all()
    assert df["value"].notna().sum() == len(df) - 1
    full = series("cbo.eval.changes", change_category="Economic", category="Net Interest")
    assert len(full) > 100


# --- economic projections ------------------------------------------------------------------------------

def test_econ_feb2026_spot_values_and_units():
    df = series("cbo.econ.2026-02")
    y10 = df[df.variable == "treasury_note_rate_10yr"].set_index("date")["value"]
    assert y10["2026"] == pytest.approx(4.127, abs=5e-4)
    assert y10["2030"] == pytest.approx(4.343, abs=5e-4)
    assert y10["2036"] == pytest.approx(4.388, abs=5e-4)
    bill = df[df.variable == "treasury_bill_rate_3mo"].set_index("date")["value"]
    assert bill["2026"] == pytest.approx(3.330, abs=5e-4)
    assert bill["2036"] == pytest.approx(3.116, abs=5e-4)
    gdp = df[df.variable == "gdp"].set_index("date")["value"]
    assert gdp["2025"] == pytest.approx(30705.2, abs=0.05)
    assert gdp["2026"] == pytest.approx(32274.2, abs=0.05)
    assert gdp["2036"] == pytest.approx(47146.7, abs=0.05)
    units = df.drop_duplicates("variable").set_index("variable")["unit"]
    assert units["treasury_note_rate_10yr"] == "% p.a."
    assert units["gdp"] == "SAAR, Bil.$"
    assert units["cpiu"] == "SA, 1982-84=100"
    # the dictionary spells this one 'non_cyclical_...'; it must still be found
    desc = df.drop_duplicates("variable").set_index("variable")["description"]
    assert desc["noncyclical_rate_of_unemployment"] == "Noncyclical Rate of Unemployment"
    assert not desc.str.startswith("not in CBO").any()
    assert df["date"].min() == "1949" and df["date"].max() == "2036"


def test_econ_fixture_matches_the_bundled_file():
    fx = cbo_econ_csv.parse([FIX / "Annual_CY_February2026_excerpt.csv", FIX / "README_February2026.txt"])
    full = series("cbo.econ.2026-02", start="2024")
    key = ["date", "variable"]
    merged = fx.merge(full, on=key, suffixes=("_fx", "_full"))
    assert len(merged) == len(fx) and len(fx) > 500
    assert (merged["value_fx"] == merged["value_full"]).all()


def test_econ_jan2025_quarterly_spot_values():
    df = cbo_econ_csv.parse([FIX / "CBO_Quarterly_January2025_excerpt.csv", FIX / "README_January2025.txt"])
    assert df["date"].str.fullmatch(r"\d{4}q[1-4]").all()
    v = df.set_index(["variable", "date"])["value"]
    assert v["treasury_note_rate_10yr", "2024q4"] == pytest.approx(4.202, abs=5e-4)
    assert v["treasury_note_rate_10yr", "2025q4"] == pytest.approx(3.985, abs=5e-4)
    assert v["treasury_note_rate_10yr", "2035q4"] == pytest.approx(3.762, abs=5e-4)
    assert v["treasury_bill_rate_3mo", "2024q4"] == pytest.approx(4.431, abs=5e-4)
    assert v["treasury_bill_rate_3mo", "2035q4"] == pytest.approx(3.009, abs=5e-4)
    assert v["gdp", "2024q4"] == pytest.approx(29669.6, abs=0.05)
    assert v["gdp", "2035q4"] == pytest.approx(44962.6, abs=0.05)
    api = series("cbo.econ.2025-01", variable="gdp", start="2035q4")
    assert float(api["value"].iloc[0]) == pytest.approx(44962.6, abs=0.05)


# --- historical budget workbook ------------------------------------------------------------------------

def test_historical_workbook_agrees_with_eval_actuals():
    h = series("cbo.historical.2026-02")
    assert {"1", "1a", "3", "3a"} <= set(h["table"])
    debt = h[(h.table == "1") & (h.line == "Debt held by the public")].set_index("fiscal_year")["value"]
    assert debt.index.min() == 1962 and debt.index.max() == 2025
    net_int = h[(h.table == "3") & (h.line == "Net interest")].set_index("fiscal_year")["value"]
    act = series("cbo.eval.actuals")
    act_debt = act[act.component == "debt"].set_index("fiscal_year")["value"]
    act_ni = act[act.category == "Net Interest"].set_index("fiscal_year")["value"]
    # two different CBO files, same numbers: debt and net interest agree in every common year
    for fy in (2013, 2020, 2024, 2025):
        assert debt[fy] == pytest.approx(act_debt[fy], abs=0.01)
        assert net_int[fy] == pytest.approx(act_ni[fy], abs=0.01)
    # footnote markers stripped, group labels kept, n.a. omitted
    assert not h["line"].str.contains("[ᵃᵇᶜ]").any()
    grp = h[(h.table == "1") & (h.line == "Total")]["group"].unique().tolist()
    assert grp == ["Deficit (-) or surplus"]
    postal = h[(h.table == "1") & (h.line == "Postal Service")]
    assert postal["fiscal_year"].min() > 1962
    share = h[(h.table == "1a") & (h.line == "Debt held by the public")].set_index("fiscal_year")["value"]
    assert share[2025] == pytest.approx(99.375)
    assert set(h[h.table == "1a"]["unit"]) == {"Percentage of gross domestic product"}


# --- bad input -----------------------------------------------------------------------------------------

def test_truncated_csv_is_refused(tmp_path):
    data = (FIX / "cbo_eval_baselines_excerpt.csv").read_bytes()
    cut = tmp_path / "cbo_eval_baselines.csv"
    cut.write_bytes(data[: len(data) - 7])  # cut mid-line, as an interrupted download does
    with pytest.raises(DataError, match="truncated"):
        cbo_eval_csv.parse_baselines([cut])


def test_reencoded_csv_is_refused(tmp_path):
    text = (FIX / "cbo_eval_actuals_excerpt.csv").read_text()
    p = tmp_path / "cbo_eval_actuals.csv"
    p.write_bytes(text.encode("utf-16"))
    with pytest.raises(DataError, match="re-encoded") as err:
        cbo_eval_csv.parse_actuals([p])
    assert "restore the original CBO file" in str(err.value)


def test_wrong_header_and_missing_rows_are_refused(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("fiscal_year,GDP_bn\n2025,1\n")
    with pytest.raises(DataError, match="unexpected header"):
        cbo_eval_csv.parse_gdp([p])
    lines = (FIX / "Annual_CY_February2026_excerpt.csv").read_text().splitlines(keepends=True)
    gap = tmp_path / "gap.csv"
    gap.write_text("".join(lines[:3] + lines[4:]))  # one year removed
    with pytest.raises(DataError, match="does not follow"):
        cbo_econ_csv.parse([gap, FIX / "README_February2026.txt"])
    bad = tmp_path / "bad.csv"
    fields = lines[1].split(",")
    fields[1] = "4.1x"
    bad.write_text(lines[0] + ",".join(fields))
    with pytest.raises(DataError, match="not a number"):
        cbo_econ_csv.parse([bad, FIX / "README_February2026.txt"])


def test_damaged_workbook_is_refused(tmp_path):
    from treasurylab.data.catalog import SNAPSHOT_DIR

    data = (SNAPSHOT_DIR / "fiscal" / "51134-2026-02-Historical-Budget-Data.xlsx").read_bytes()
    p = tmp_path / "hist.xlsx"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="xlsx"):
        cbo_historical_xlsx.parse([p])


def test_unknown_filter_value_names_the_choices():
    with pytest.raises(BadInput, match="baseline_date") as err:
        series("cbo.eval.baselines", baseline_date="2026-13")
    assert "did you mean" in str(err.value) or "valid names" in str(err.value)
