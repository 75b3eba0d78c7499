"""Strict as-of discipline: a run from month m uses nothing published after the first day of m.

The proof is by poisoning: every row of every dataset with a publication rule (data/asof.py) that was
published after the start is changed, every cache is cleared, and the run's whole set-up must come out
identical. A control poisons rows published just *before* the start and must change the set-up, so
the test can fail.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

from treasurylab.data import asof as A

START = "2026-03"        # after the cbo-2026-02 release, so the baseline itself is no look-ahead



@pytest.fixture(autouse=True)
def _no_disk_cache(monkeypatch):
    """These tests poison data in memory (not in files), which the disk cache of prepared inputs
    cannot see (it is keyed on the files): run them without it."""
    monkeypatch.setenv("TREASURYLAB_CACHE_DIR", "off")

def _clear_caches() -> None:
    from treasurylab.scenario import setup

    setup.clear_memo()
    for name, mod in list(sys.modules.items()):
        if not name.startswith("treasurylab") or mod is None:
            continue
        for obj in list(vars(mod).values()):
            if callable(obj) and hasattr(obj, "cache_clear") and getattr(obj, "__module__", "") == name:
                obj.cache_clear()


def _poisoned_loader(real_load, select):
    """store.load with the value columns of the rows ``select(published)`` picks multiplied by 1.5 + 1."""

    def load(dataset_id, *a, **k):
        df = real_load(dataset_id, *a, **k)
        if dataset_id not in A.RULES and dataset_id not in A.ECON_VINTAGES:
            return df
        pub = A.published(dataset_id, df)
        bad = select(pub).to_numpy()
        if not bad.any():
            return df
        df = df.copy()
        period = A.RULES.get(dataset_id, ("date", None))[0]
        for col in df.columns:
            if col not in (period, "fiscal_year", "year_number") and pd.api.types.is_float_dtype(df[col]):
                vals = df[col].to_numpy(dtype=float, copy=True)
                vals[bad] = vals[bad] * 1.5 + 1.0
                df[col] = vals
        return df

    return load


def _setup_arrays(start: str) -> dict[str, np.ndarray]:
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    S = prepare(load_scenario("baseline").with_(start=start, horizon=24))
    out = {k: np.asarray(getattr(S, k), dtype=float) for k in
           ("yields", "bill", "pdef", "revenue", "other_means", "ngdp", "cpi", "base_policy", "base_gap",
            "base_debt_gdp", "base_deficit_gdp", "base_net_interest")}
    out["holdings0"] = np.asarray(S.hspecs[0].holdings0, dtype=float)
    out["programme_rate"] = np.asarray(S.hspecs[0].programme_rate, dtype=float)   # fitted on TIC flows
    out["foreign_official"] = np.array([S.foreign_official_bn])
    return out


def _run_poisoned(monkeypatch, select) -> dict[str, np.ndarray]:
    from treasurylab.data import store

    _clear_caches()
    monkeypatch.setattr(store, "load", _poisoned_loader(store.load, select))
    try:
        return _setup_arrays(START)
    finally:
        monkeypatch.undo()
        _clear_caches()


def test_poisoning_everything_published_after_the_start_changes_nothing(monkeypatch):
    _clear_caches()
    clean = _setup_arrays(START)
    cut = np.datetime64(A.as_date(START))
    poisoned = _run_poisoned(monkeypatch, lambda pub: pub > cut)
    for k in clean:
        np.testing.assert_array_equal(poisoned[k], clean[k], err_msg=k)


def test_poisoning_what_was_published_before_the_start_changes_the_run(monkeypatch):
    """The control: the same poison on the month before the start must reach the set-up."""
    _clear_caches()
    clean = _setup_arrays(START)
    cut = np.datetime64(A.as_date(START))
    poisoned = _run_poisoned(monkeypatch, lambda pub: (pub <= cut) & (pub > cut - np.timedelta64(45, "D")))
    changed = [k for k in clean if not np.array_equal(poisoned[k], clean[k])]
    assert {"yields", "base_policy", "base_debt_gdp", "programme_rate"} <= set(changed)


def test_publication_rules():
    assert A.release_date("tic.holdings", "2025-12") == pd.Timestamp("2026-02-18").date()
    # Table 3 and S1 come out in the same TIC release as the holdings
    assert A.release_date("tic.table3.vintage-2026-07", "2025-12") == pd.Timestamp("2026-02-18").date()
    assert A.release_date("tic.s1.vintage-2026-07", "2022-12") == pd.Timestamp("2023-02-18").date()
    assert A.release_date("yields.cmt", "2026-01-30") == pd.Timestamp("2026-01-31").date()
    assert A.release_date("cbo.eval.baselines", "2025-01") == pd.Timestamp("2025-02-01").date()
    assert A.release_date("cbo.eval.actuals", 2024) == pd.Timestamp("2024-11-10").date()
    # H.4.1 on Thursday for the week ended Wednesday; auction results and the PMMS the same day
    assert A.release_date("fed.custody_foreign_official", "2026-06-24") == pd.Timestamp("2026-06-25").date()
    assert A.release_date("fed.h41.foreign_official", "2026-06-24") == pd.Timestamp("2026-06-25").date()
    assert A.release_date("treasury.auctions", "2026-08-12") == pd.Timestamp("2026-08-12").date()
    assert A.release_date("mortgage.rate30", "2026-05-14") == pd.Timestamp("2026-05-14").date()
    # the Baa spread: FRED posts a day's BAA10Y the next business day (Friday's on Monday)
    assert A.release_date("fred.baa10y", "2015-12-11") == pd.Timestamp("2015-12-14").date()
    # the term premia: ACM updated daily (next business day), Kim-Wright weekly (the Tuesday after the week)
    tp = pd.DataFrame({"series": ["ACMTP10", "THREEFYTP10", "THREEFYTP10"],
                       "date": ["2026-08-20", "2024-10-11", "2024-10-07"]})
    assert A.published("macro.term_premium", tp).dt.strftime("%Y-%m-%d").tolist() == [
        "2026-08-21", "2024-10-15", "2024-10-15"]
    # every monitor indicator read from these datasets has a publication date
    from treasurylab.monitor.indicators import published

    idx = pd.DatetimeIndex(["2026-06-24"])
    for name in ("custody_foreign_official", "rrp_foreign_official", "fima_repo", "auction_indirect_10y",
                 "auction_tail_10y", "mortgage_30y", "term_premium_10y", "baa_spread"):
        assert published(name, idx) is not None, name


def test_every_indicator_and_every_dataset_the_shipped_rules_read_has_a_publication_rule():
    """Without a rule an indicator was cut at its observation date, so a month dated by its first day (PBoC
    gold's 2026-02) was judged known on that day; every dataset behind an indicator needs its own rule."""
    from treasurylab.monitor.indicators import INDICATORS, published
    from treasurylab.monitor.rules import Deadline, load_rules

    shipped = {r.indicator for r in load_rules() if not isinstance(r, Deadline)}
    assert shipped <= set(INDICATORS)
    missing = [(i.id, d) for i in INDICATORS.values() for d in i.datasets
               if d not in A.RULES and not (d in A.SERIES_RULES and i.series in A.SERIES_RULES[d][2])]
    assert missing == []
    for name, ind in INDICATORS.items():
        idx = pd.DatetimeIndex(["2026-01-01", "2026-02-01", "2026-03-01"])
        pub = published(name, idx)
        assert pub is not None, name
        # an observation is never public before its period ends: a month or quarter dated by its first day
        # ends with it, a day or a week (dated by its last day) on that day
        end = {"monthly": idx + pd.offsets.MonthEnd(0),
               "quarterly": idx + pd.offsets.QuarterEnd(0)}.get(ind.frequency.split()[0], idx)
        assert (pub >= end).all(), (name, list(pub), list(end))


def test_pboc_gold_and_cofer_are_published_after_their_period():
    # SAFE releases month M's reserve assets, gold included, on the 7th of M+1 (the table's first reports)
    assert A.release_date("curated.pboc_gold_monthly", "2026-02") == pd.Timestamp("2026-03-07").date()
    assert A.release_date("curated.pboc_gold_monthly", "2025-12") == pd.Timestamp("2026-01-07").date()
    # COFER: the last business day of the next quarter, rounded to its last day (2025q4: IMF update 2026-03-27)
    assert A.release_date("imf.cofer", "2025q4") == pd.Timestamp("2026-03-31").date()
    assert A.release_date("imf.cofer", "2025q3") == pd.Timestamp("2025-12-31").date()
    assert A.release_date("imf.cofer", "2025-10-01") == pd.Timestamp("2026-03-31").date()
    # as of 1 March 2026 neither February's gold nor 2025q4's COFER is seen
    gold = A.series_asof("curated.pboc_gold_monthly", "2026-03-01", metric="gold_moz")
    assert gold["date"].max() == "2026-01" and gold["published"].max() == pd.Timestamp("2026-02-07")
    cofer = A.series_asof("imf.cofer", "2026-03-01")
    assert "2025q4" not in set(cofer["date"]) and "2025q3" in set(cofer["date"])
    # Table 5 of TIC comes out in the same release as the holdings history
    assert A.release_date("tic.table5.vintage-2026-07", "2026-04") == A.release_date("tic.holdings", "2026-04")


def test_jump_off_sees_only_published_months():
    from treasurylab.params.macro_inputs import ordinal_label
    from treasurylab.scenario.jumpoff import observe

    j = observe("2026-01")
    assert ordinal_label(j.last_month) == "2025-12"       # daily yields: the next day
    assert j.tic_month == "2025-10"              # December's TIC is out mid-February
    assert ordinal_label(j.debt_month) == "2025-11"        # December's MSPD is out early January
    # the observed December 2-year, not CBO's interpolated calendar-year average (3.88%)
    assert j.curve[-1, 1] == pytest.approx(0.0350, abs=5e-4)


def test_run_starts_from_observed_curve():
    """January 2026: the baseline 2-year starts near the observed 3.50%, not CBO's 3.88%."""
    _clear_caches()
    from treasurylab.scenario.setup import prepare
    from treasurylab.scenario.spec import load_scenario

    S = prepare(load_scenario("baseline").with_(horizon=24))
    assert S.months[0] == "2026-01"
    assert abs(S.yields[S.k0, 1] - 0.0350) < 0.001
    # months before the start that were observed are the observed ones (the fiscal pre-roll)
    assert S.yields[S.k0 - 1, 3] == pytest.approx(0.04143, abs=2e-4)


def test_latest_start_is_after_the_newest_data():
    from treasurylab import data
    from treasurylab.scenario.spec import Scenario

    newest = max(data.series("yields.cmt", series="DGS10")["date"].astype(str))
    sc = Scenario(name="x", start="latest")
    assert sc.start > newest[:7]
    assert sc.start_ordinal == int(newest[:4]) * 12 + int(newest[5:7])


def test_gap_half_lives_in_yaml_match_the_data():
    """The stored half-lives are the estimates on the bundled data (a data update must refresh them)."""
    from treasurylab.params import load_params
    from treasurylab.scenario.jumpoff import estimate_persistence, half_life, latest_start, observe

    p = load_params("jumpoff")
    est = estimate_persistence(observe(latest_start()), int(p["gap_fit_first_year"]))
    assert half_life(est["long"]) == pytest.approx(p["gap_half_life_long_months"], abs=0.5)
    assert half_life(est["short"]) == pytest.approx(p["gap_half_life_short_months"], abs=0.5)


def test_reanchor_decays_the_gap_and_keeps_observed_months():
    from treasurylab.scenario.jumpoff import reanchor

    months = np.arange(100, 160)
    cbo = np.full(60, 0.04)
    obs = {m: 0.05 for m in range(90, 110)}            # observed up to month 109, 100 bp above CBO
    out = reanchor(cbo, months, obs, phi=0.9, last=109)
    assert np.all(out[:10] == 0.05)                     # observed months are the observations
    gap = out[10:] - 0.04
    np.testing.assert_allclose(gap, 0.01 * 0.9 ** np.arange(1, 51))
    # phi = 1: the gap never closes (a random walk around CBO's changes); phi = 0: CBO from the next month
    assert np.allclose(reanchor(cbo, months, obs, 1.0, 109)[10:], 0.05)
    assert np.allclose(reanchor(cbo, months, obs, 0.0, 109)[10:], 0.04)


def test_estimate_ar1_recovers_a_known_persistence():
    from treasurylab.scenario.jumpoff import estimate_ar1, half_life

    rng = np.random.default_rng(5)
    x = np.zeros(5000)
    for t in range(1, len(x)):
        x[t] = 0.01 + 0.95 * x[t - 1] + 0.1 * rng.standard_normal()
    assert estimate_ar1(x) == pytest.approx(0.95, abs=0.01)
    assert half_life(0.95) == pytest.approx(np.log(0.5) / np.log(0.95))
    with pytest.raises(Exception, match="too few months"):
        estimate_ar1(x[:10])
