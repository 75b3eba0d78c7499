"""The maturity ladder rolled forward from the January 2022 statement (treasurylab.data.ladder)."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.data import ladder, series
from treasurylab.errors import BadInput


@pytest.fixture(scope="module")
def latest():
    return ladder.roll_forward()


@pytest.fixture(scope="module")
def end2025():
    return ladder.roll_forward("2025-12")


def test_seed_month_reproduces_the_statement():
    lad = ladder.roll_forward("2022-01")
    sec = series("mspd.securities.2022-01")
    want = sec[sec.record_type == "issue"].groupby("class_code")["outstanding"].sum() / 1000
    got = lad.totals()
    for c in ladder.CLASSES:
        assert got[c] == pytest.approx(want[c], abs=1e-9)
    # every cohort of the seed matures after the statement date
    assert (lad.cohorts["months_to_maturity"] > 0).all()
    assert lad.cohorts["maturity_month"].min() == "2022-02"


@pytest.mark.parametrize("as_of", ["2023-06", "2025-12"])
def test_class_totals_equal_the_summary(as_of):
    lad = ladder.roll_forward(as_of)
    chk = ladder.check(lad)
    assert chk["max_class_gap_bn"] < 1e-6
    summ = series("mspd.summary", start=as_of, end=as_of)
    mk = summ[(summ.security_type == "Marketable") & (summ.class_code != "ffb")]
    assert lad.totals().sum() == pytest.approx(mk["total"].sum(), abs=1e-6)


def test_end_2025_checks_against_published_wam_and_bill_share(end2025):
    # calibration.md s1.5: WAM about 72 months in 2025; bills about 21% (summary: 21.63% at 2025-12)
    assert end2025.bill_share() == pytest.approx(0.2163, abs=0.002)  # FFB excluded: a hair above 21.63%
    assert 66 <= end2025.wam_months() <= 78
    assert abs(end2025.wam_months() - 72) < 3.5


def test_buckets_cover_everything_and_ordering(latest):
    b = latest.by_bucket()
    assert list(dict.fromkeys(b["bucket"])) == [x[0] for x in ladder.BUCKETS]
    assert b["principal_bn"].sum() == pytest.approx(latest.totals().sum())
    piv = b.pivot(index="bucket", columns="class_code", values="principal_bn")
    assert (piv.drop(index="0-1y")["bill"] == 0).all()  # bills mature within a year
    assert piv.loc["20-30y", "note"] == 0 and piv.loc["20-30y", "bond"] > 0
    assert (piv.loc[["2-3y", "3-5y", "5-7y", "7-10y", "10-20y", "20-30y"], "frn"] == 0).all()


def test_principal_due_is_consistent(latest):
    due = latest.principal_due(horizon=400)
    assert due.to_numpy().min() >= 0
    assert due.to_numpy().sum() == pytest.approx(latest.totals().sum())
    # about a third of marketable debt rolls within 12 months (calibration.md s1.5)
    share12 = due.iloc[:12].to_numpy().sum() / latest.totals().sum()
    assert 0.28 < share12 < 0.40


def test_coupons_are_plausible(latest):
    c = latest.cohorts
    assert c["coupon_pct"].notna().all()
    assert c["coupon_pct"].between(-1, 10).all()
    # issues since 2023 were priced at 3-5.5% (market yields then); not the 2021 near-zero coupons
    recent = c[(c["issue_month"] >= "2023-06") & (c["class_code"].isin(["note", "bond"]))]
    avg = np.average(recent["coupon_pct"], weights=recent["principal_bn"])
    assert 3.0 < avg < 5.5


def test_average_coupon_near_cbo_average_rate():
    # calibration.md s1.1 (CBO, Jan 2025): average interest rate on debt 3.2% in FY2025 (ends 2025-09)
    lad = ladder.roll_forward("2025-09")
    assert lad.average_coupon() == pytest.approx(3.2, abs=0.3)
    # January 2022, before the rate rise: far lower (coupons locked in at 2020-21 yields)
    assert ladder.roll_forward("2022-01").average_coupon() < 2.0


def test_deterministic():
    a = ladder.roll_forward("2024-03").cohorts
    b = ladder.roll_forward("2024-03").cohorts
    assert a.equals(b)


def test_issuance_mix_sums_to_one():
    mix = ladder.issuance_mix()
    for w in mix.values():
        assert w.sum() == pytest.approx(1.0)
        assert (w.index > 0).all()
    assert set(mix["bill"].index) <= set(range(1, 13))
    assert mix["note"].index.min() >= 23 and mix["note"].index.max() <= 121


def test_curated_profile_file_equals_a_fresh_roll_forward(latest):
    table = series("curated.maturity_profile")
    assert set(table["date"]) == {latest.as_of}
    fresh = latest.by_bucket().set_index(["bucket", "class_code"])["principal_bn"].round(1)
    got = table.set_index(["bucket", "class_code"])["value"]
    assert len(got) == len(fresh) == 40
    assert (got.reindex(fresh.index) - fresh).abs().max() < 0.051


def test_bad_month_is_refused():
    with pytest.raises(BadInput, match="as_of"):
        ladder.roll_forward("2019-01")
    with pytest.raises(BadInput, match="as_of"):
        ladder.roll_forward("last month")
