"""Curated tables: every value has unit, date and a source (or an assumption), and the tables agree with
the bundled official data where they overlap."""

from __future__ import annotations

from pathlib import Path

import pytest

from treasurylab.data import series
from treasurylab.data.parsers import curated_yaml
from treasurylab.errors import DataError

CURATED = Path(curated_yaml.__file__).resolve().parents[1] / "curated"
OZ_PER_T = 32150.7466


def _all_curated_files():
    files = sorted(CURATED.glob("*.yaml"))
    assert files, "no curated tables found"
    return files


@pytest.mark.parametrize("path", _all_curated_files(), ids=lambda p: p.name)
def test_every_curated_value_has_unit_date_and_source(path):
    """Covers every YAML in the folder, including tables other blocks add later."""
    problems = curated_yaml.check_rows(path)
    assert problems == [], "\n".join(problems)
    df = curated_yaml.parse([path])
    assert len(df) > 0
    assert df["unit"].astype(str).str.strip().ne("").all()
    assert df["date"].astype(str).str.strip().ne("").all()
    has = (df["source"].str.strip() != "") | (df["assumption"].str.strip() != "")
    assert has.all()


def test_missing_unit_or_source_is_refused(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text(
        "table: bad\n"
        "rows:\n"
        "  - {date: '2025', value: 1.0, unit: t, source: 'somewhere'}\n"
        "  - {date: '2025', value: 2.0, source: 'somewhere'}\n"
        "  - {date: '2025', value: 3.0, unit: t}\n"
        "  - {date: '2025', value: null, unit: t, source: 'x'}\n"
        "  - {date: '2025', value: abc, unit: t, source: 'x'}\n"
    )
    problems = curated_yaml.check_rows(p)
    text = "\n".join(problems)
    assert "line 4: unit: missing" in text
    assert "line 5: source/assumption" in text
    assert "line 6: value: null" in text
    assert "line 7: value: not a number" in text
    assert len(problems) == 4
    with pytest.raises(DataError, match="bad.yaml line 4: unit: missing"):
        curated_yaml.parse([p])


# --- PBoC gold -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pboc():
    df = series("curated.pboc_gold_monthly")
    moz = df[df.metric == "gold_moz"].set_index("date")["value"]
    t = df[df.metric == "gold_tonnes"].set_index("date")["value"]
    return df, moz, t


def test_pboc_anchor_and_streak(pboc):
    _, moz, _ = pboc
    assert moz["2025-12"] == pytest.approx(74.15)  # calibration.md s6
    assert moz.index.min() == "2022-01" and len(moz) == 50  # every month 2022-01 .. 2026-02
    diffs = moz.diff().dropna()
    # 14 consecutive monthly rises up to December 2025 (the streak began in November 2024)
    streak = 0
    for d in reversed(diffs.loc[:"2025-12"].to_numpy()):
        if d > 0:
            streak += 1
        else:
            break
    assert streak == 14
    assert (diffs >= 0).all()  # no reported sale 2022-2026
    assert moz["2022-10"] == 62.64 and moz["2022-11"] == pytest.approx(63.67)


def test_pboc_quarter_ends_match_wgc_tonnes(pboc):
    _, moz, _ = pboc
    w = series("wgc.gold_reserves", metric="gold_tonnes", start="2022-03")
    w = w[w.iso3 == "CHN"]
    checked = 0
    for d, tonnes in zip(w["date"], w["value"]):
        m = d[:7]
        if m in moz.index:
            # published ounces are rounded to 0.01 Moz (about 0.3 t)
            assert moz[m] * 1e6 / OZ_PER_T == pytest.approx(tonnes, abs=0.35), m
            checked += 1
    assert checked == 16  # 2022q1 .. 2025q4


def test_pboc_tonnes_rows_are_conversions(pboc):
    _, moz, t = pboc
    assert list(t.index) == list(moz.index)
    assert ((moz * 1e6 / OZ_PER_T - t).abs() < 0.35).all()


def test_pboc_assumptions_are_labelled(pboc):
    df, _, _ = pboc
    interp = df[df.evidence == "assumption"]
    assert len(interp) > 0
    assert interp["assumption"].str.contains("interpolated").all()


# --- central-bank gold purchases -------------------------------------------------------------------------

def test_cb_gold_purchases():
    df = series("curated.cb_gold_purchases_annual", metric="net_purchases").set_index("date")["value"]
    assert df["2025"] == pytest.approx(863.3)
    assert all(df[y] > 1000 for y in ("2022", "2023", "2024"))  # three years above 1,000 t
    assert df["2025"] / df["2024"] - 1 == pytest.approx(-0.21, abs=0.005)  # -21% y/y
    # China's reported 2025 buying (27 t) equals the change in the PBoC monthly table
    pb = series("curated.pboc_gold_monthly", metric="gold_tonnes").set_index("date")["value"]
    assert pb["2025-12"] - pb["2024-12"] == pytest.approx(27, abs=1.0)


# --- ownership by sector ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def own():
    return series("curated.ownership_by_sector")


def _v(df, date, sector):
    r = df[(df.date == date) & (df.sector == sector)]
    assert len(r) == 1, (date, sector)
    return float(r["value"].iloc[0])


def test_ownership_fed_matches_h41(own):
    h41 = series("fed.treasuries", start="2025-12-31", end="2025-12-31")
    assert _v(own, "2025-12", "fed_soma") == pytest.approx(float(h41["value"].iloc[0]), abs=0.05)
    # Z.1 values the Fed's holdings at market value: below H.4.1's par (+TIPS compensation) after the
    # 2022-23 rise in yields, by a plausible 5-15%
    q3 = series("fed.treasuries", start="2025-09-24", end="2025-09-24")
    ratio = _v(own, "2025q3", "fed_soma") / float(q3["value"].iloc[0])
    assert 0.85 < ratio < 0.97


def test_ownership_foreign_matches_tic(own):
    tic = series("tic.holdings", start="2025-12", end="2025-12")
    tic = tic[tic["series"] == "current"]
    gt = float(tic.loc[tic.row_type == "grand_total", "value"].iloc[0])
    off = float(tic.loc[tic.row_type == "foreign_official", "value"].iloc[0])
    assert _v(own, "2025-12", "foreign_total") == pytest.approx(gt)
    assert _v(own, "2025-12", "foreign_official") == pytest.approx(off)
    assert _v(own, "2025-12", "foreign_private") == pytest.approx(gt - off, abs=0.05)


def test_ownership_marketable_and_residual(own):
    summ = series("mspd.summary", start="2025-12", end="2025-12")
    mk = float(summ.loc[summ.security_type == "Total Marketable", "total"].iloc[0])
    assert _v(own, "2025-12", "marketable_outstanding") == pytest.approx(mk, abs=0.05)
    resid = (_v(own, "2025-12", "marketable_outstanding") - _v(own, "2025-12", "fed_soma")
             - _v(own, "2025-12", "foreign_total") - _v(own, "2025-09", "money_market_funds")
             - sum(_v(own, "2025q3", s) for s in ("state_and_local", "households_other",
                                                  "nonfinancial_corporate", "nonfinancial_noncorporate")))
    assert _v(own, "2025-12", "domestic_financial_residual") == pytest.approx(resid, abs=0.1)
    # Z.1 sectors seen are a part of the Z.1 total
    seen = sum(_v(own, "2025q3", s) for s in ("households_other", "nonfinancial_corporate",
                                              "nonfinancial_noncorporate", "state_and_local", "fed_soma"))
    assert seen < _v(own, "2025q3", "all_sectors_assets")
    missing = own[own["value"].isna()]
    assert len(missing) >= 3 and (missing["evidence"] == "assumption").all()


def test_curated_datasets_registered():
    from treasurylab.data import datasets

    ids = set(datasets())
    for name in ("maturity_profile", "ownership_by_sector", "pboc_gold_monthly", "cb_gold_purchases_annual"):
        assert f"curated.{name}" in ids


def test_parse_reads_the_file_once(monkeypatch):
    """A curated table is read (YAML with line numbers, the slow part of its parse on a cold store:
    ~0.1 s for ownership_by_sector, which every holders' list needs) once, for the checks and the
    table alike (a broken row is refused with its line: test_missing_unit_or_source_is_refused)."""
    import treasurylab.data.parsers.curated_yaml as CY

    reads = []
    real = CY.load_yaml
    monkeypatch.setattr(CY, "load_yaml", lambda p: reads.append(p) or real(p))
    df = CY.parse([CURATED / "ownership_by_sector.yaml"])
    assert len(reads) == 1 and len(df) > 0 and df["line"].min() > 0
    assert CY.check_rows(CURATED / "ownership_by_sector.yaml") == [] and len(reads) == 2
