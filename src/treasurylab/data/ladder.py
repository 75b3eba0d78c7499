"""The maturity ladder of marketable Treasury debt, rolled forward from the last security-level statement.

Why a roll-forward: the only security-level (CUSIP) statement in the bundled snapshot is the Monthly
Statement of the Public Debt of **January 31, 2022** (``mspd.securities.2022-01``); for later months only
the totals by security type exist (``mspd.summary``, to 2026-05). The ladder for a later month is
therefore built month by month:

1. **Seed** (2022-01): every marketable CUSIP's outstanding amount (USD bn), class, maturity date and coupon
   (bills and FRN: the yield column) from Table III. Federal Financing Bank paper (USD 4-6 bn, no maturity
   detail) and matured-unredeemed amounts are left out of the ladder.
2. **Each month t** (2022-02 ... as_of), per class c in bill, note, bond, tips, frn:

   - cohorts maturing in month t leave the ladder;
   - net new supply ``G_c(t) = O_c(t) - S_c(t)``, where ``O_c(t)`` is the class total of the summary
     (Table I) and ``S_c(t)`` what is left in the ladder after maturities;
   - if ``G_c(t) >= 0`` it is issued across original terms with the class's **issuance mix** ``w_c(m)``
     (below): a cohort of ``G_c(t) * w_c(m)`` maturing in month ``t + m``, with coupon equal to the monthly
     average market yield at month t for the nearest tenor (``yields.cmt``; TIPS: the real yield
     ``DFII*`` from ``rates.daily``, floored at 0.125%);
   - if ``G_c(t) < 0`` (buybacks or a shrinking class), every cohort of the class is scaled by
     ``O_c(t) / S_c(t)``.

   By construction the class totals equal the summary in every month, so the bill share is exact; what
   the method *assumes* is how new issuance spreads over terms.
3. **Issuance mix** ``w_c(m)``, measured in the January 2022 statement itself: for coupons (notes, bonds,
   TIPS, FRN), the amounts issued (original issues and reopenings) with issue dates in the twelve months
   Feb 2021 - Jan 2022, by term at issue in whole months (all of them still outstanding in Jan 2022,
   since the shortest coupon is 2 years); for bills, the amounts issued in January 2022 (every bill issued
   that month is still outstanding at month end, since the shortest bill is 4 weeks).
   **Assumption**: this 2021-22 mix held from 2022 to today. Treasury changed auction sizes since (larger
   coupon auctions from 2023, a 6-week bill from 2022), so the within-class spread over terms is the
   weakest part of the method; the class totals are not affected.
4. Remaining maturity: seed cohorts from their actual maturity dates; new cohorts are taken to be issued
   and to mature mid-month. WAM = sum(principal * months to maturity) / sum(principal).

Checks (``tests/data/test_ladder.py``, ``check()``): class totals equal the summary at as_of; WAM close
to the published ~72 months (calibration.md s1.5: WAM about 72 months in 2025) and bills near 21% of
marketable debt (s1.5; the summary gives 21.63% at 2025-12). The January 2022 seed itself gives the
ladder's WAM at that date, a further check.

For the fiscal engine, seed ``principal_due`` and the coupon flows from::

    from treasurylab.data.ladder import roll_forward
    lad = roll_forward()                 # latest summary month; or roll_forward("2025-12")
    lad.cohorts                          # class_code, maturity_month, months_to_maturity, principal_bn,
                                         # coupon_pct, issue_month, origin
    lad.principal_due(horizon=360)       # DataFrame month_ahead 1..horizon x class -> USD bn due
    lad.by_bucket()                      # the curated maturity profile (bucket x class, USD bn)
    lad.wam_months(), lad.bill_share(), lad.average_coupon()

FRN coupons are the 3-month yield at issue (the coupon floats with the bill rate after issue: reset them);
TIPS coupons are real rates on inflation-accrued principal.

``curated.maturity_profile`` is the table ``by_bucket()`` written to ``data/curated/maturity_profile.yaml``
by ``python -m treasurylab.data.ladder --write`` (the test checks the file equals a fresh computation).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from treasurylab.errors import BadInput

CLASSES = ("bill", "note", "bond", "tips", "frn")

# remaining-maturity buckets in months: [lower, upper)
BUCKETS = (
    ("0-1y", 0, 12), ("1-2y", 12, 24), ("2-3y", 24, 36), ("3-5y", 36, 60), ("5-7y", 60, 84),
    ("7-10y", 84, 120), ("10-20y", 120, 240), ("20-30y", 240, 10_000),
)

# CMT tenors (months) used to price new issues; TIPS use the real-yield tenors
_CMT = {1: "1M", 3: "3M", 6: "6M", 12: "1Y", 24: "2Y", 36: "3Y", 60: "5Y", 84: "7Y", 120: "10Y",
        240: "20Y", 360: "30Y"}
_REAL = {60: "DFII5", 120: "DFII10", 240: "DFII20", 360: "DFII30"}
TIPS_MIN_COUPON = 0.125  # % p.a.: Treasury's minimum TIPS coupon (auction rules; 1/8 of a percent)

SEED_MONTH = "2022-01"
METHOD_VERSION = "1"


def _months_between(later: pd.Period, earlier: pd.Period) -> int:
    return (later.year - earlier.year) * 12 + (later.month - earlier.month)


@lru_cache(maxsize=1)
def _seed_table() -> pd.DataFrame:
    from treasurylab.data import series

    return series("mspd.securities.2022-01")


@lru_cache(maxsize=1)
def _summary_totals() -> pd.DataFrame:
    """Month (Period) x class -> marketable outstanding, USD bn, from the summary."""
    from treasurylab.data import series

    s = series("mspd.summary")
    s = s[(s["security_type"] == "Marketable") & s["class_code"].isin(CLASSES)]
    s = s.assign(month=pd.PeriodIndex(s["date"].str.slice(0, 7), freq="M"))
    return s.pivot_table(index="month", columns="class_code", values="total", aggfunc="sum").fillna(0.0)


@lru_cache(maxsize=1)
def _monthly_yields() -> pd.DataFrame:
    """Month x tenor label -> monthly average yield (% p.a.): CMT tenors and TIPS real yields."""
    from treasurylab.data import series

    y = series("yields.cmt", start="2021-12")
    y = y.assign(month=pd.PeriodIndex(y["date"].str.slice(0, 7), freq="M"))
    nominal = y.pivot_table(index="month", columns="tenor", values="value", aggfunc="mean")
    r = series("rates.daily", start="2021-12", series=list(_REAL.values()))
    r = r.assign(month=pd.PeriodIndex(r["date"].str.slice(0, 7), freq="M"))
    real = r.pivot_table(index="month", columns="series", values="value", aggfunc="mean")
    return nominal.join(real, how="outer").sort_index().ffill()


def _nearest(term: int, table: dict[int, str]) -> str:
    keys = np.array(sorted(table))
    return table[int(keys[np.argmin(np.abs(keys - term))])]


def issuance_mix(sec: pd.DataFrame | None = None) -> dict[str, pd.Series]:
    """Class -> Series(term in months -> weight, summing to 1), measured in the January 2022 statement."""
    sec = _seed_table() if sec is None else sec
    s = sec[sec["record_type"].isin(["issue", "reopening"])].copy()
    issue = pd.to_datetime(s["issue_date"])
    mat = pd.to_datetime(s["maturity_date"])
    s["term"] = np.maximum(1, np.rint((mat - issue).dt.days / 30.4375)).astype(int)
    out = {}
    for c in CLASSES:
        g = s[s["class_code"] == c]
        lo = pd.Timestamp("2022-01-01") if c == "bill" else pd.Timestamp("2021-02-01")
        g = g[pd.to_datetime(g["issue_date"]) >= lo]
        w = g.groupby("term")["issued"].sum()
        if w.sum() <= 0:
            raise BadInput(f"no {c} issuance in the seed statement to measure the mix", field="class_code")
        out[c] = w / w.sum()
    return out


def seed_cohorts(sec: pd.DataFrame | None = None) -> pd.DataFrame:
    """The January 2022 statement as ladder cohorts (one per CUSIP), USD bn."""
    sec = _seed_table() if sec is None else sec
    first = sec[(sec["record_type"] == "issue") & sec["class_code"].isin(CLASSES)].copy()
    # weighted coupon per CUSIP: all lines of a CUSIP share the coupon for notes/bonds/TIPS; for bills and
    # FRN the printed yield differs by line, so the issued-weighted average is used
    lines = sec[sec["record_type"].isin(["issue", "reopening"])].copy()
    lines["rate_or_yield"] = lines["rate"].where(lines["class_code"].isin(["note", "bond", "tips"]),
                                                 lines["yield"])
    lines["w"] = lines["issued"].clip(lower=0)
    cpn = (lines["rate_or_yield"] * lines["w"]).groupby(lines["cusip"]).sum() / lines.groupby("cusip")["w"].sum()
    mat = pd.to_datetime(first["maturity_date"])
    return pd.DataFrame({
        "class_code": first["class_code"].to_numpy(),
        "maturity": mat.to_numpy(),
        "principal_bn": first["outstanding"].to_numpy() / 1000.0,
        "coupon_pct": cpn.reindex(first["cusip"]).to_numpy(),
        "issue_month": pd.PeriodIndex(first["issue_date"].str.slice(0, 7), freq="M").astype(str),
        "origin": "MSPD 2022-01 statement",
    })


@dataclass(frozen=True)
class Ladder:
    """Marketable debt at the end of ``as_of`` as cohorts (USD bn) with maturity and coupon."""

    as_of: str
    cohorts: pd.DataFrame

    def wam_months(self) -> float:
        c = self.cohorts
        return float((c["principal_bn"] * c["months_to_maturity"]).sum() / c["principal_bn"].sum())

    def bill_share(self) -> float:
        c = self.cohorts
        return float(c.loc[c["class_code"] == "bill", "principal_bn"].sum() / c["principal_bn"].sum())

    def average_coupon(self) -> float:
        """Principal-weighted coupon (% p.a.; bills and FRN at their rate when issued)."""
        c = self.cohorts
        return float(np.average(c["coupon_pct"], weights=c["principal_bn"]))

    def totals(self) -> pd.Series:
        return self.cohorts.groupby("class_code")["principal_bn"].sum().reindex(list(CLASSES), fill_value=0.0)

    def by_bucket(self) -> pd.DataFrame:
        """Remaining-maturity bucket x class, USD bn (tidy: bucket, class_code, principal_bn)."""
        c = self.cohorts
        labels = [b[0] for b in BUCKETS]
        edges = [b[1] for b in BUCKETS] + [BUCKETS[-1][2]]
        b = pd.cut(c["months_to_maturity"], bins=edges, right=False, labels=labels)
        t = c.groupby([b, c["class_code"]], observed=False)["principal_bn"].sum()
        t = t.reindex(pd.MultiIndex.from_product([labels, list(CLASSES)]), fill_value=0.0)
        out = t.rename("principal_bn").reset_index()
        out.columns = ["bucket", "class_code", "principal_bn"]
        return out

    def principal_due(self, horizon: int = 360) -> pd.DataFrame:
        """Principal falling due in each month ahead (1 = the month after as_of), USD bn, by class."""
        c = self.cohorts
        k = np.clip(np.ceil(c["months_to_maturity"].to_numpy()).astype(int), 1, None)
        out = pd.DataFrame(0.0, index=pd.RangeIndex(1, horizon + 1, name="month_ahead"), columns=list(CLASSES))
        for cls in CLASSES:
            m = (c["class_code"] == cls).to_numpy() & (k <= horizon)
            out[cls] = np.bincount(k[m], weights=c["principal_bn"].to_numpy()[m], minlength=horizon + 1)[1:]
        return out


def roll_forward(as_of: str | None = None) -> Ladder:
    """The ladder at the end of month ``as_of`` ('YYYY-MM'; default: the latest summary month)."""
    totals = _summary_totals()
    last = totals.index.max()
    if as_of is None:
        target = last
    else:
        try:
            target = pd.Period(str(as_of), freq="M")
        except (ValueError, TypeError):
            raise BadInput("not a month", field="as_of", got=as_of, fix="write YYYY-MM, e.g. 2025-12") from None
    seed = pd.Period(SEED_MONTH, freq="M")
    if not seed <= target <= last:
        raise BadInput("month outside the data", field="as_of", got=str(as_of),
                       fix=f"choose a month from {seed} to {last} (the summary's last month)")
    coh = seed_cohorts()
    coh["maturity_month"] = pd.PeriodIndex(coh["maturity"], freq="M")
    # months to maturity from the end of the seed month, from the actual date (fraction of a month)
    seed_end = pd.Timestamp("2022-01-31")
    coh["m_end"] = (coh["maturity"] - seed_end).dt.days / 30.4375
    coh = coh.drop(columns=["maturity"])
    mix = issuance_mix()
    ylds = _monthly_yields()
    new_rows: list[dict] = []
    pieces = [coh]
    t = seed + 1
    while t <= target:
        live = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0]
        live = live[live["maturity_month"] > t].copy()  # maturing in month t: gone by its end
        live["m_end"] = live["m_end"] - 1.0
        new_rows = []
        for c in CLASSES:
            want = float(totals.at[t, c]) if c in totals.columns else 0.0
            sel = live["class_code"] == c
            have = float(live.loc[sel, "principal_bn"].sum())
            gross = want - have
            if gross < 0 and have > 0:
                live.loc[sel, "principal_bn"] *= want / have
                continue
            for term, w in mix[c].items():
                if c == "tips":
                    cpn = max(TIPS_MIN_COUPON, float(ylds.at[t, _nearest(term, _REAL)]))
                elif c == "frn":
                    cpn = float(ylds.at[t, "3M"])  # index rate at issue; the coupon floats after
                else:
                    cpn = float(ylds.at[t, _nearest(term, _CMT)])
                new_rows.append({
                    "class_code": c, "principal_bn": gross * float(w), "coupon_pct": cpn,
                    "issue_month": str(t), "origin": "rolled forward", "maturity_month": t + int(term),
                    "m_end": int(term) - 0.5,  # issued mid-month t, measured from the end of t
                })
        pieces = [live, pd.DataFrame(new_rows)] if new_rows else [live]
        t = t + 1
    lad = pd.concat(pieces, ignore_index=True)
    lad = lad[lad["principal_bn"] > 0].copy()
    lad["months_to_maturity"] = lad["m_end"]
    lad["maturity_month"] = lad["maturity_month"].astype(str)
    lad = lad[["class_code", "maturity_month", "months_to_maturity", "principal_bn", "coupon_pct",
               "issue_month", "origin"]]
    lad = lad.sort_values(["months_to_maturity", "class_code"], kind="stable").reset_index(drop=True)
    return Ladder(as_of=str(target), cohorts=lad)


def check(lad: Ladder) -> dict[str, float]:
    """Largest gap between the ladder's class totals and the summary at as_of (USD bn), WAM, bill share."""
    tot = _summary_totals().loc[pd.Period(lad.as_of, freq="M")].reindex(list(CLASSES), fill_value=0.0)
    gap = (lad.totals() - tot).abs().max()
    return {"max_class_gap_bn": float(gap), "wam_months": lad.wam_months(), "bill_share": lad.bill_share(),
            "total_bn": float(lad.totals().sum()), "summary_total_bn": float(tot.sum())}


# ---- the curated table ------------------------------------------------------------------------------

SOURCE_NOTE = ("treasurylab.data.ladder.roll_forward v{v}: MSPD statement of 2022-01-31 (Table III) rolled forward "
               "to {as_of} with class totals from the MSPD summary (Table I), Bureau of the Fiscal Service")
ASSUMPTION_NOTE = "issuance since 2022 spread over terms as in Feb 2021-Jan 2022 (see method)"


def profile_rows(lad: Ladder) -> list[dict]:
    """Rows of ``curated.maturity_profile`` (value in USD bn, one per bucket x class)."""
    src = SOURCE_NOTE.format(v=METHOD_VERSION, as_of=lad.as_of)
    rows = []
    for r in lad.by_bucket().itertuples(index=False):
        rows.append({"bucket": r.bucket, "class_code": r.class_code, "value": round(float(r.principal_bn), 1),
                     "unit": "USD bn", "date": lad.as_of, "source": src, "assumption": ASSUMPTION_NOTE})
    return rows


def write_profile(path=None, as_of: str | None = None) -> str:
    """Write the curated YAML table (default: the package's data/curated/maturity_profile.yaml)."""
    from pathlib import Path

    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    lad = roll_forward(as_of)
    chk = check(lad)
    path = Path(path) if path else Path(__file__).resolve().parent / "curated" / "maturity_profile.yaml"
    rows = CommentedSeq()
    for r in profile_rows(lad):
        m = CommentedMap(r)
        m.fa.set_flow_style()
        rows.append(m)
    doc = CommentedMap({
        "table": "maturity_profile",
        "title": f"Marketable Treasury debt by remaining maturity and type, end of {lad.as_of}",
        "columns": ["bucket", "class_code", "value", "unit", "date", "source", "assumption"],
        "method": LiteralScalarString(__doc__.split("For the fiscal engine")[0].strip() + "\n"),
        "checks": {
            "wam_months": round(chk["wam_months"], 1),
            "bill_share": round(chk["bill_share"], 4),
            "total_bn": round(chk["total_bn"], 1),
            "summary_total_bn": round(chk["summary_total_bn"], 1),
            "published_wam_months": "about 72 (2025; calibration.md s1.5)",
            "published_bill_share": "about 21% (calibration.md s1.5; MSPD summary 21.63% at 2025-12)",
        },
        "rows": rows,
    })
    yaml = YAML()
    yaml.width = 4096
    with open(path, "w") as f:
        f.write("# Generated by `python -m treasurylab.data.ladder --write`; do not edit by hand.\n")
        yaml.dump(doc, f)
    return str(path)


if __name__ == "__main__":  # pragma: no cover - a maintenance entry point
    import sys

    if "--write" in sys.argv:
        from treasurylab.data.store import build_manifest

        print(write_profile())
        build_manifest()          # the curated table is in the manifest: record its new sha256
    else:
        lad = roll_forward()
        print(lad.as_of, check(lad))
        print(lad.by_bucket().pivot(index="bucket", columns="class_code", values="principal_bn").round(1))
