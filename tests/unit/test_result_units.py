"""Units and names of a run's outputs: summary.csv, result.json and paths.nc say what each number is."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from treasurylab.scenario.results import (
    HEADLINE,
    OTHER_VARIABLES,
    VARIABLES,
    month_labels,
    scale,
    unit,
)
from treasurylab.scenario.runner import run


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    res = run("baseline", paths=8, seed=3, workers=1)
    res.save(out, save_paths=8)
    return res, out


def test_paths_nc_only_when_asked_with_the_first_n_paths(saved, tmp_path):
    res, _ = saved
    files = res.save(tmp_path / "plain")
    assert "paths_nc" not in files and not (tmp_path / "plain" / "paths.nc").exists()
    files = res.save(tmp_path / "three", save_paths=3)
    with xr.open_dataset(files["paths_nc"]) as ds:
        assert ds.sizes["path"] == 3
        np.testing.assert_allclose(ds["y10"].values, res.ds["y10"].values[:3] * 100.0)
    from treasurylab.errors import BadInput

    with pytest.raises(BadInput, match="save_paths"):
        res.save(tmp_path / "bad", save_paths=0)


def test_summary_csv_has_units_and_shown_values(saved):
    res, out = saved
    csv = pd.read_csv(out / "summary.csv")
    assert list(csv.columns[:3]) == ["variable", "month", "unit"]
    assert set(csv["unit"]) >= {"percent", "bp", "USD bn", "% of GDP"}
    internal = res.summary
    for var in ("y10", "fiscal_premium", "debt_gdp", "foreign_total"):
        got = csv[csv["variable"] == var]["p50"].to_numpy()
        want = internal[internal["variable"] == var]["p50"].to_numpy() * scale(var)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    y10 = csv[(csv["variable"] == "y10")]["p50"]
    assert 1.0 < y10.min() and y10.max() < 15.0          # percent, not a decimal like 0.0412


def test_summary_files_are_what_pandas_writes(saved, tmp_path):
    """summary.csv and summary.parquet are written without pandas (a run's process never imports it):
    the CSV is byte for byte ``summary_table().to_csv(index=False)``, the Parquet file holds the same
    columns, types, values and nulls as ``to_parquet``."""
    import pyarrow.parquet as pq

    res, out = saved
    table = res.summary_table()
    table.to_csv(tmp_path / "pandas.csv", index=False)
    assert (out / "summary.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    table.to_parquet(tmp_path / "pandas.parquet", index=False)
    ours, theirs = pq.read_table(out / "summary.parquet"), pq.read_table(tmp_path / "pandas.parquet")
    assert ours.column_names == theirs.column_names
    assert [c.null_count for c in ours.columns] == [c.null_count for c in theirs.columns]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), table)


def test_csv_and_parquet_writers_match_pandas_on_awkward_values(tmp_path):
    from treasurylab.scenario.results import write_csv, write_parquet

    cols = {"text": np.array(["a,b", 'say "x"', "plain", "", "ü", "two\nlines", "z", "w"], dtype=object),
            "f": np.array([np.nan, np.inf, -np.inf, -0.0, 1e-20, 1.2345678901234567e20, 0.1 + 0.2, np.nan]),
            "g": np.array([1e16, 9999999999999998.0, 1e-4, 0.00009999, 5e-324, 1.7976931348623157e308, -1.5, 2.0])}
    write_csv(tmp_path / "ours.csv", cols)
    pd.DataFrame(cols).to_csv(tmp_path / "pandas.csv", index=False)
    assert (tmp_path / "ours.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    write_parquet(tmp_path / "ours.parquet", cols)
    pd.DataFrame(cols).to_parquet(tmp_path / "pandas.parquet", index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "ours.parquet"), pd.read_parquet(tmp_path / "pandas.parquet"))
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "ours.parquet")["f"].null_count == 2      # NaN as null, as pandas writes it


def test_every_output_variable_has_a_unit():
    assert all(unit(v) for v in VARIABLES) and all(unit(v) for v in OTHER_VARIABLES)
    assert unit("y10") == "percent" and unit("base_debt_gdp") == "% of GDP"


def test_the_in_memory_dataset_says_its_units(saved):
    """Result.ds holds internal units (decimals, USD bn) and says so on every variable: its values
    times ``shown_scale`` are the file's values in ``shown_units``."""
    res, out = saved
    with xr.open_dataset(out / "paths.nc") as nc:
        for k, da in res.ds.data_vars.items():
            a = da.attrs
            assert a["units"] and a["long_name"] and a["shown_units"] == nc[k].attrs["units"], k
            np.testing.assert_allclose(da.values * a["shown_scale"], nc[k].values, rtol=1e-12, err_msg=k)
    assert res.ds["y10"].attrs["units"] == "percent / 100" and res.ds["foreign_total"].attrs["units"] == "USD bn"


def test_paths_nc_datetime_months_and_attrs(saved):
    res, out = saved
    with xr.open_dataset(out / "paths.nc") as ds:
        assert np.issubdtype(ds["month"].dtype, np.datetime64)
        assert str(ds["month"].values[0])[:10] == f"{res.months[0]}-01"
        for name, da in ds.data_vars.items():
            assert da.attrs.get("units"), name
            assert da.attrs.get("long_name") and da.attrs.get("source"), name
        assert ds["y10"].attrs["units"] == "percent"
        np.testing.assert_allclose(ds["y10"].values, res.ds["y10"].values * 100.0)
        ds["y10"].isel(path=0).resample(month="YS").mean()      # pandas/xarray time tools work on it


def test_the_datasets_months_are_datetimes_that_xarrays_time_tools_read(saved):
    """Result.ds["month"] held text ('2026-01'), so ``res.ds["y10"].resample(month="YS")`` raised a
    TypeError, while paths.nc and Run.paths(var) had datetimes. It is now datetime64 (the first day of
    each month, attrs as paths.nc's); a month written as text still selects it, and the summary,
    Result.months and Result.arrays["month"] keep 'YYYY-MM' labels."""
    res, out = saved
    ds = res.ds
    assert np.issubdtype(ds["month"].dtype, np.datetime64)
    assert str(ds["month"].values[0])[:10] == f"{res.months[0]}-01" == "2026-01-01"
    with xr.open_dataset(out / "paths.nc") as nc:
        assert ds["month"].attrs == nc["month"].attrs == {"long_name": "month (first day)", "standard_name": "time"}
        np.testing.assert_array_equal(ds["month"].values, nc["month"].values)
    y10 = ds["y10"].values
    yearly = ds["y10"].resample(month="YS").mean()
    assert month_labels(yearly["month"]) == [f"{y}-01" for y in range(2026, 2036)]
    np.testing.assert_allclose(yearly.values[:, 1], y10[:, 12:24].mean(axis=1))
    i = res.months.index("2026-06")
    june = ds["y10"].sel(month="2026-06")        # partial-string indexing: a one-month slice
    assert june.sizes["month"] == 1 and month_labels(june["month"]) == ["2026-06"]
    np.testing.assert_array_equal(june.squeeze("month").values, y10[:, i])
    np.testing.assert_array_equal(ds["y10"].sel(month="2026-06-01").values, y10[:, i])   # a day: the month dropped
    assert month_labels(ds["y10"].sel(month=slice("2026-03", "2026-05"))["month"]) == ["2026-03", "2026-04", "2026-05"]
    assert res.months[:2] == ["2026-01", "2026-02"] and list(res.arrays["month"]) == res.months
    assert list(res.summary["month"].iloc[:2]) == ["2026-01", "2026-02"]
    assert list(pd.read_csv(out / "summary.csv")["month"].iloc[:2]) == ["2026-01", "2026-02"]


def test_month_labels_of_every_form_a_month_coordinate_takes():
    from treasurylab.scenario.results import month_coordinate

    want = ["2025-12", "2026-01"]
    assert month_labels(month_coordinate(want)) == want                       # datetime64[ns]
    assert month_labels(xr.DataArray(month_coordinate(want), dims="month")) == want
    assert month_labels(pd.to_datetime(["2025-12-01", "2026-01-01"]).to_pydatetime()) == want
    assert month_labels(pd.period_range("2025-12", periods=2, freq="M").astype(object)) == want
    assert month_labels(np.array(want)) == month_labels(want) == want


def test_result_json_units_and_foreign_names(saved):
    res, out = saved
    doc = json.loads((out / "result.json").read_text())
    assert doc["units"]["y10"] == "percent" and doc["units"]["foreign_total"] == "USD bn"
    assert all(r["unit"] for r in doc["headline"])
    assert doc["units"]["foreign_official"] == "USD bn"
    total0 = float(res.ds["foreign_total"].values[:, 0].mean())
    official = doc["observed"]["foreign_official_tic_bn"]
    # TIC: all foreign holders ~USD 9.3tn, of which foreign official ~3.9tn (early 2026)
    assert 8000 < total0 < 10500 and 3000 < official < 4800 and official < total0
    # the official path starts from TIC's official total, not from all foreign holdings
    official0 = res.ds["foreign_official"].values[:, 0]
    assert np.all(np.abs(official0 - official) < 0.02 * official)


def test_result_json_jump_off_says_its_units(saved):
    """meta.jump_off gave y10_observed 0.0414 (a fraction) beside a units map that calls y10 'percent'."""
    res, out = saved
    jo = json.loads((out / "result.json").read_text())["meta"]["jump_off"]
    numbers = [k for k, v in jo.items() if isinstance(v, (int, float, dict)) and k != "units"]
    assert set(numbers) <= set(jo["units"]), set(numbers) - set(jo["units"])
    assert jo["units"]["y10_observed"].startswith("fraction") and 0.0 < jo["y10_observed"] < 0.2


def test_foreign_official_falls_by_the_non_absorbers_net_sales():
    """china-exit: China's whole holding is sold over 24 months; the official path loses, dollar for
    dollar, what China would still hold in the baseline (the non-absorbing foreign holders stand for
    the official sector), all foreign holdings less."""
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    base = run("baseline", paths=16, seed=5, workers=1)
    exit_ = run("china-exit", paths=16, seed=5, workers=1)
    i = list(exit_.months).index("2028-03")                  # sale done (Feb 2026 + 24 months)
    d_off = float(np.median(exit_.ds["foreign_official"].values[:, i] - base.ds["foreign_official"].values[:, i]))
    d_all = float(np.median(exit_.ds["foreign_total"].values[:, i] - base.ds["foreign_total"].values[:, i]))
    china_sold = float(np.median(exit_.ds["holder_sales"].sel(holder="China, Mainland").values))
    assert china_sold > 500.0                                 # China held ~USD 680bn at the start
    # in the baseline China keeps selling at its fitted programme from the jump-off TIC month: the
    # exit removes what the baseline would still hold at 2028-03 (the named sale's total also counts
    # months the programme would have sold anyway)
    sp = prepare(load_scenario("baseline")).hspecs[0]
    c = sp.index("China, Mainland")
    n = (2028 - int(sp.start[:4])) * 12 + 3 - int(sp.start[5:7])
    still_held = float(sp.holdings0[c] * (1 + sp.baseline_programme_rate[c]) ** n)
    assert -1.1 * still_held <= d_off <= -0.95 * still_held   # its sale leaves the official total
    assert d_all > d_off                                      # others (absorbers) buy part of it
    assert np.all(exit_.ds["foreign_official"].values >= 0.0)


def test_golden_files_carry_units():
    from pathlib import Path

    for f in (Path(__file__).parents[1] / "golden").glob("*.csv"):
        df = pd.read_csv(f, keep_default_na=False)
        if "month" not in df or "unit" not in df:
            continue
        for var, u in zip(df["variable"], df["unit"]):
            assert u == (unit(var) if var in HEADLINE else "1"), (f.name, var)


def test_files_without_the_dataset_match_the_dataset(tmp_path):
    """A run leaves its xarray Dataset unbuilt until something asks for it: the summary, the
    outcomes and result.json come from the run's arrays (``Result.head``) and are the same as those
    computed from the Dataset itself."""
    from treasurylab.scenario.results import Result

    res = run("davos-2026", paths=40, seed=5, workers=1)
    res.save(tmp_path / "lazy")
    assert callable(res._ds), "saving the summary files built the Dataset"
    from_ds = Result(res.scenario, res.ds, dict(res.meta))           # no head: everything from ds
    assert not callable(res._ds)
    pd.testing.assert_frame_equal(res.summary, from_ds.summary)
    assert res.outcomes() == from_ds.outcomes()
    assert res.months == from_ds.months and res.paths == from_ds.paths == 40
    assert res.decomposition() == from_ds.decomposition()
    assert res.to_dict() == from_ds.to_dict()


@pytest.mark.parametrize("n", [1, 2, 3, 7, 20, 101, 2560, 10_000])
def test_quantiles_of_sorted_rows_are_numpys(n):
    """The summary's quantiles (results.sorted_quantiles on rows sorted or partitioned by
    results.order_rows) are np.quantile's, bit for bit: continuous values, heavy ties, infinities and
    a row with a NaN."""
    from treasurylab.scenario.results import order_rows, sorted_quantiles

    rng = np.random.default_rng(n)
    qs = np.array([0.05, 0.5, 0.95])
    rows = [rng.standard_normal((6, n)) * 10.0 ** rng.integers(-6, 6, (6, 1)),
            rng.integers(0, 3, (4, n)).astype(float),
            np.where(rng.random((3, n)) < 0.1, np.inf, rng.random((3, n)))]
    nan_row = rng.random((1, n))
    nan_row[0, n // 2] = np.nan
    rows.append(nan_row)
    x = np.concatenate(rows)
    with np.errstate(invalid="ignore"):
        want = np.quantile(x, qs, axis=1).T
        for partition in (False, True):     # sorted rows, or partitioned at the statistics read
            got = sorted_quantiles(order_rows(x, qs, partition=partition), qs)
            np.testing.assert_array_equal(got, want)
            assert np.isnan(got[-1]).all()


def test_summary_of_arrays_matches_numpy_quantile_and_mean():
    from treasurylab.scenario.results import summarise_arrays

    rng = np.random.default_rng(0)
    buf = rng.standard_normal((2, 12, 3000))            # (variable, month, path) records
    arrays = {"y10": buf[0].T, "trust": buf[1].T, "holder_sales": rng.random((3000, 4))}
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    s = summarise_arrays(arrays, months)
    assert list(s["variable"].unique()) == ["y10", "trust"] and len(s) == 24
    for name in ("y10", "trust"):
        sub = s[s["variable"] == name]
        q = np.quantile(arrays[name], [0.05, 0.5, 0.95], axis=0)
        np.testing.assert_array_equal(sub[["p5", "p50", "p95"]].to_numpy().T, q)
        np.testing.assert_array_equal(sub["mean"].to_numpy(), arrays[name].mean(axis=0))
        assert list(sub["month"]) == months


@pytest.mark.parametrize("keep", [None, 25])
def test_arrays_are_the_datasets_own_and_the_report_reads_them_without_building_it(keep):
    """Result.arrays gives every variable and coordinate of the Dataset, its data variables the very
    arrays it holds (also when only a sample of the paths is kept); the report's figures and the band decomposition
    read them without building the Dataset (xarray's build imports dask's array module)."""
    from treasurylab.report.html import figures_for
    from treasurylab.scenario.compare import band_sources

    res = run("davos-2026", paths=60, seed=5, workers=1, keep_paths=keep)
    figs = figures_for(res)
    rows = band_sources(res.scenario, paths=60, seed=5, workers=1, result=res)
    assert figs["fans"] and rows
    assert callable(res._ds), "the report's figures or the band decomposition built the Dataset"
    arrays = res.arrays
    ds = res.ds
    assert set(arrays) == set(ds.variables)
    for k, v in ds.variables.items():
        if k in ds.data_vars:
            assert np.shares_memory(arrays[k], v.values), k
        if k == "month":          # the Dataset's months are datetimes, the arrays' 'YYYY-MM' labels
            assert list(arrays[k]) == month_labels(v) == res.months
        elif v.dtype.kind in "fiub":
            assert np.array_equal(arrays[k], v.values), k
        else:
            assert [str(x) for x in arrays[k]] == [str(x) for x in v.values], k
    assert len(arrays["path"]) == (keep or 60) == arrays["y10"].shape[0]


def test_sweep_json_gives_the_unit_of_every_number_of_a_point(tmp_path):
    """'sweep --json' printed each point's grid values and metric with no unit (and y10.p50@12 as a
    decimal, 0.0445, where run --json says percent). It now has a units map, like run --json: the
    metric's (in the unit of the run's files) and each numeric grid key's."""
    from typer.testing import CliRunner

    from treasurylab.cli.main import app

    f = tmp_path / "s.yaml"
    f.write_text("name: s\nscenario: davos-2026\npaths: 8\nseed: 1\nmetric: y10.p50@12\ngrid:\n"
                 "  events[type=threat].strength: [0, 1]\n  events[type=sale].amount_bn: [0.1]\n"
                 "  overrides.holders.theta_mean: [0.6]\n  horizon: [24]\n  events[type=sale].holder: [Japan]\n")
    r = CliRunner().invoke(app, ["sweep", str(f), "--workers", "1", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    from treasurylab.params import load_params

    assert doc["units"] == {"value": "percent", "events[type=threat].strength": "1",
                            "events[type=sale].amount_bn": "USD bn",
                            "overrides.holders.theta_mean": load_params("holders").meta["theta_mean"].unit,
                            "horizon": "months"}                    # the holder is text: no unit
    for p in doc["points"]:
        numbers = [k for k, v in p.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
        assert all(doc["units"][k] for k in numbers), (numbers, doc["units"])
        assert 1.0 < p["value"] < 10.0                          # percent, as run --json and summary.csv


def test_every_numeric_event_field_has_a_unit():
    """A sweep names the unit of an event field from events.base.FIELD_UNITS: a new numeric field of
    any kind needs its unit there."""
    import typing

    from treasurylab.scenario.events import EVENT_TYPES
    from treasurylab.scenario.events.base import FIELD_UNITS

    missing = []
    for kind, cls in EVENT_TYPES.items():
        for name, info in cls.model_fields.items():
            if typing.get_origin(info.annotation) is dict:     # policy_path.path: percent by month
                continue
            args = set(typing.get_args(info.annotation)) or {info.annotation}
            if args & {int, float} and name not in FIELD_UNITS:
                missing.append(f"{kind}.{name}")
    assert not missing, missing


def test_a_short_label_with_its_note_under_the_tables_and_in_the_files(saved, tmp_path):
    """The foreign official path is a model stand-in (TIC has no official/private split by country):
    its label stays short in tables and charts, its definition is printed under the headline table
    (terminal, result.json, the HTML report, notebooks) and kept in the files' long_name."""
    import html

    from treasurylab.report.html import render
    from treasurylab.report.notebook import Run
    from treasurylab.scenario.results import NOTES, label

    res, out = saved
    note = NOTES["foreign_official"]
    assert label("foreign_official") == "foreign official holdings (USD bn)"
    want = f"foreign official holdings: {note}"
    assert res.headline_notes() == [want]
    doc = json.loads((out / "result.json").read_text())
    assert doc["headline_notes"] == [want]
    assert all(note not in r["label"] for r in doc["headline"])
    with xr.open_dataset(out / "paths.nc") as ds:
        assert ds["foreign_official"].attrs["long_name"] == f"foreign official holdings ({note})"
    assert res.ds["foreign_official"].attrs["long_name"] == f"foreign official holdings ({note})"
    assert want in html.unescape(render(res))
    assert want in html.unescape(Run(res)._repr_html_())
