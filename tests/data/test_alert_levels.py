"""Alert levels set from the bundled history: each rule whose basis states a percentile rule is checked
against the file - the level is that percentile, and the share of past observations that would have fired
is what the basis says (an alert that fires at almost every auction tells nothing)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from treasurylab import data
from treasurylab.monitor import indicators
from treasurylab.monitor.rules import evaluate, load_rules, replay

TOLERANCE_PP = 3.0   # the firing rate over history may differ from the percentile's by ties, not more

# "the 10th percentile of nominal 10-year note auctions 2009-01-01 to 2025-12-31 ... rounded to 0.1, so it
# fired at 10% of them"; "the 95th percentile of 3-month changes ... 1990-01-02 to 2025-12-31 ... rounded to 1 bp,
# so it fired at 5% of them (447)": of what the rule compares (a change rule's changes, by rules.replay)
_RULE = re.compile(r"the (\d+)th percentile of .*? (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}).*?rounded to (0\.1|1)\b.*?, "
                   r"so it fired at (\d+)% of them")


def _rule(rule_id):
    return next(r for r in load_rules() if r.id == rule_id)


def _percentile_rules():
    return [r for r in load_rules() if r.basis and _RULE.search(r.basis)]


def test_the_auction_and_term_premium_alerts_state_a_percentile_rule():
    ids = {r.id for r in _percentile_rules()}
    assert "term_premium_up_p95_3m" in ids
    # the indirect share drifted up from 2009, the tail widened with rate volatility in 2022-2023: their levels
    # are trailing percentiles, not fixed ones (tests/data/test_alert_rates.py checks how they fire)
    for rule_id, side in (("indirect_10y_below_p10", ("below", 10)), ("tail_10y_above_p90", ("above", 90))):
        rule = _rule(rule_id)
        assert rule.kind == "percentile" and rule.side() == side, rule_id
        assert f"{side[1]}th percentile of the previous {rule.previous} auctions" in rule.title, rule_id


@pytest.mark.parametrize("rule", _percentile_rules(), ids=lambda r: r.id)
def test_level_and_firing_rate_are_what_the_basis_says(rule):
    pct, start, end, digits, stated = _RULE.search(rule.basis).groups()
    s = indicators.series(rule.indicator)
    h = replay(rule, s)
    hist = h[(h.index >= pd.Timestamp(start)) & (h.index <= pd.Timestamp(end))]
    assert len(hist) > 100 and hist["fired"].notna().all()
    kind, level = rule.bound()
    assert level == pytest.approx(round(float(hist["compared"].quantile(int(pct) / 100)), 1 if digits == "0.1" else 0))
    rate = 100.0 * float(hist["fired"].astype(bool).mean())
    expected = int(pct) if kind in ("below", "at_most") else 100 - int(pct)
    assert abs(rate - expected) <= TOLERANCE_PP, (rule.id, rate)
    assert abs(rate - int(stated)) <= 0.5, (rule.id, rate, stated)   # the rate the basis prints, rounded


def test_term_premium_alert_is_its_95th_percentile_of_3_month_changes():
    """50 bp in 3 months fired on 9% of days 1990-2025; the level is now a stated percentile of the same
    changes, so it fires on 5% of them (checked by the test above) and says so in its title."""
    rule = _rule("term_premium_up_p95_3m")
    assert rule in _percentile_rules() and rule.kind == "change" and rule.window == "3m" and rule.scale == 100
    assert "95th percentile" in rule.basis and f"more than {rule.bound()[1]:g} bp" in rule.title


def test_indirect_share_excludes_soma_add_ons():
    # Fiscal Data's total_accepted includes SOMA's add-on tenders, which come on top of offering_amt (the
    # public offering): total minus offering is never negative where indirect bidders are reported
    df = data.series("treasury.auctions")
    df = df[df["indirect_share"].notna()]
    assert set(df["indirect_basis"]) == {"offering"}
    assert (df["accepted_bn"] - df["offering_bn"] >= -1e-6).all()
    # 2026-08-12 10-year note: 32.088bn to indirect bidders of a 42bn offering, 52.6bn accepted with SOMA
    r = df[(df["date"] == "2026-08-12") & (df["tenor"] == "10-Year")].iloc[0]
    assert r["indirect_share"] == pytest.approx(100 * 32087936000 / 42e9)


def _trailing_indirect():
    rule = _rule("indirect_10y_below_p10")
    s = indicators.series(rule.indicator)
    return rule, s, replay(rule, s, indicators.published(rule.indicator, s.index))


def test_trailing_indirect_level_uses_no_later_auction():
    """Each auction's level is the Weibull 10th percentile of exactly the 12 auctions before it, recomputed
    here from the series cut at that auction: changing what came after cannot change it."""
    rule, s, h = _trailing_indirect()
    ok = h[h["fired"].notna()]
    for when in ok.index[::7]:
        before = s[s.index < when].iloc[-rule.previous:]
        expect = float(np.quantile(before.to_numpy(), 0.10, method="weibull"))
        assert ok.loc[when, "level"] == pytest.approx(expect), when
        cut = replay(rule, s[s.index <= when], indicators.published(rule.indicator, s.index[s.index <= when]))
        assert cut["level"].iloc[-1] == pytest.approx(expect) and bool(cut["fired"].iloc[-1]) == bool(
            ok.loc[when, "fired"])


def test_trailing_indirect_alert_as_of_an_auction_day():
    """``--as-of`` the day before an auction judges the auction before it; the auction's own day judges it
    (results are public the day of the auction) against the 12 before it."""
    rule, s, h = _trailing_indirect()
    when = s.index[-20]
    prev = evaluate([rule], as_of=(when - pd.Timedelta(days=1)).date())[0]
    assert prev["date"] == s.index[-21].date().isoformat()
    row = evaluate([rule], as_of=when.date())[0]
    assert row["date"] == when.date().isoformat() and row["reference_date"] == s.index[-21].date().isoformat()
    assert row["reference_value"] == pytest.approx(h.loc[when, "level"])
    assert f"{row['reference_value']:.2f}".rstrip("0").rstrip(".") in row["message"]


def test_auction_indicators_leave_out_offerings_under_1bn():
    """A $0.025bn 10-year reopening on 2019-06-21 shows an indirect share of 0%: it is not a market's
    auction, and it was the one firing of the fixed 10th percentile after 2014."""
    raw = data.series("treasury.auctions", tenor="10-Year")
    row = raw[raw["date"] == "2019-06-21"].iloc[0]
    assert row["offering_bn"] == pytest.approx(0.025) and row["indirect_share"] == 0
    for name in ("auction_indirect_10y", "auction_btc_10y", "auction_tail_10y"):
        s = indicators.series(name)
        assert pd.Timestamp("2019-06-21") not in s.index and pd.Timestamp("2019-06-12") in s.index, name


def test_the_replaced_indirect_level_is_stated_for_the_series_read_today():
    """The fixed level the trailing indirect-share rule replaced, 37.9, was the 10th percentile of 2009-2025 as
    the series was read when it was set; the basis also states that percentile (Weibull) of the series read
    today, and that both levels fire at the same auctions, all in the years it names."""
    rule = _rule("indirect_10y_below_p10")
    m = re.search(r"below: (\d+\.\d), that percentile as the series was read when the level was set; (\d+\.\d) on "
                  r"the series read today\) fired (\d+) of its (\d+) times in (\d{4})-(\d{4}), at either level", rule.basis)
    assert m, rule.basis
    old, new, k, n, y0, y1 = m.groups()
    s = indicators.series(rule.indicator)
    h = s[(s.index >= "2009-01-01") & (s.index <= "2025-12-31")]
    assert round(float(np.quantile(h.to_numpy(), 0.10, method="weibull")), 1) == float(new)
    for level in (float(old), float(new)):
        fired = h.index[h.to_numpy() < level]
        assert len(fired) == int(n) == int(k), level
        assert (fired.year >= int(y0)).all() and (fired.year <= int(y1)).all(), level
