"""Alert rules: each kind fires and stays quiet on crafted series; bad rules name their field."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from treasurylab.errors import BadInput
from treasurylab.monitor import indicators
from treasurylab.monitor.rules import RuleFile, evaluate, load_rules


def _rules(*rules):
    return RuleFile.model_validate({"rules": list(rules)}).rules


def _weekly(values, end="2026-06-24"):
    return pd.Series(values, index=pd.date_range(end=end, periods=len(values), freq="W-WED"), dtype=float)


def _monthly(values, end="2026-04-01"):
    return pd.Series(values, index=pd.date_range(end=end, periods=len(values), freq="MS"), dtype=float)


def _run(rule, s, as_of=None):
    return evaluate(_rules(rule), as_of=as_of, get_series=lambda name: s)[0]


TH = {"id": "c", "title": "China below 650", "kind": "threshold", "indicator": "china_holdings", "below": 650}


def test_threshold_fires_below_and_not_at_or_above():
    r = _run(TH, _monthly([700, 649.9]))
    assert r["status"] == "fired" and r["value"] == 649.9 and r["date"] == "2026-04"
    assert _run(TH, _monthly([700, 650.0]))["status"] == "quiet"          # strict
    assert _run({**TH, "below": None, "at_most": 650}, _monthly([700, 650.0]))["fired"]  # inclusive


CH = {"id": "k", "title": "custody down 50 in 13w", "kind": "change", "indicator": "custody_foreign_official",
      "window": "13w", "below": -50}


def test_change_over_a_window_uses_the_value_that_many_weeks_earlier():
    s = _weekly([2700.0] + [2690.0] * 12 + [2640.0])          # 14 weeks: 13 weeks back is the first
    r = _run(CH, s)
    assert r["fired"] and r["reference_value"] == 2700.0 and r["change"] == pytest.approx(-60.0)
    assert r["reference_date"] == (s.index[-1] - pd.DateOffset(weeks=13)).date().isoformat()
    quiet = _run(CH, _weekly([2680.0] + [2690.0] * 12 + [2640.0]))       # -40 only
    assert quiet["status"] == "quiet" and quiet["change"] == pytest.approx(-40.0)


def test_change_in_basis_points_and_too_short_a_history():
    tp = {"id": "t", "title": "tp up 50bp", "kind": "change", "indicator": "yield_10y", "window": "3m",
          "scale": 100, "above": 50}
    s = pd.Series([1.00, 1.20, 1.55], index=pd.to_datetime(["2026-01-02", "2026-03-02", "2026-04-02"]))
    r = _run(tp, s)
    # the level keeps the indicator's unit (a 1.55% yield is not 1.55 bp); the change is in bp
    assert r["fired"] and r["value"] == 1.55 and r["unit"] == "percent"
    assert r["change"] == pytest.approx(55.0) and r["change_unit"] == "bp"
    assert "1.55 percent" in r["message"] and "55 bp" in r["message"]
    s2 = pd.Series([1.10, 1.20, 1.55], index=s.index)
    assert _run(tp, s2)["status"] == "quiet"                               # +45 bp
    short = _run(tp, s.iloc[1:])
    assert short["status"] == "no data" and "3m before" in short["message"]


def test_month_without_purchases_is_an_inclusive_change_rule():
    pb = {"id": "p", "title": "no PBoC purchase", "kind": "change", "indicator": "pboc_gold", "window": "1m",
          "at_most": 0}
    assert _run(pb, _monthly([74.19, 74.19]))["fired"]
    assert _run(pb, _monthly([74.19, 74.22]))["status"] == "quiet"


def test_new_low_and_new_high_within_a_lookback():
    lo = {"id": "l", "title": "new low", "kind": "new_low", "indicator": "china_holdings", "lookback": "2y"}
    s = _monthly([600.0] + [700.0] * 30 + [650.0])                     # 600 lies more than 2 years back
    assert _run(lo, s)["fired"]
    assert _run({**lo, "lookback": "all"}, s)["status"] == "quiet"
    hi = {"id": "h", "title": "new high", "kind": "new_high", "indicator": "yield_10y"}
    assert _run(hi, _monthly([4.0, 4.9, 5.0]))["fired"]
    assert _run(hi, _monthly([4.0, 5.0, 5.0]))["status"] == "quiet"      # equal is not new


def test_every_number_of_a_message_carries_its_unit():
    """The new-low message said '651.1 on 2026-04; the lowest before it within 17y was 652.3' while
    the threshold and change messages say 'USD bn' after every number."""
    lo = {"id": "l", "title": "new low", "kind": "new_low", "indicator": "china_holdings", "lookback": "2y"}
    r = _run(lo, _monthly([700.0] * 30 + [650.0]))
    assert r["message"].count(r["unit"]) == 2 and r["unit"] == "USD bn", r["message"]
    for rule in (TH, {"id": "d", "title": "down", "kind": "change", "indicator": "china_holdings",
                      "window": "3m", "below": -50}):
        r = _run(rule, _monthly([700.0] * 30 + [640.0]))
        assert r["unit"] in r["message"], r["message"]


def test_deadline_counts_days_left_on_the_evaluation_date():
    dl = {"id": "d", "title": "180 days", "kind": "deadline", "start": "2026-01-14", "days": 180, "warn_days": 30}
    early = _run(dl, None, as_of=dt.date(2026, 5, 1))
    assert early["status"] == "quiet" and early["value"] == 73 and early["reference_date"] == "2026-07-13"
    late = _run(dl, None, as_of=dt.date(2026, 6, 13))
    assert late["fired"] and late["value"] == 30
    on_day = _run(dl, None, as_of=dt.date(2026, 7, 13))
    assert on_day["fired"] and on_day["value"] == 0 and on_day["unit"] == "days left"


def test_a_passed_deadline_fires_for_a_stated_window_then_says_when_it_passed():
    """The deadline fired forever with '-147 days left'; now it stays fired ``after_days`` (default: its
    ``warn_days``) after the end, counted as days since it passed, then is information, not an alert."""
    dl = {"id": "d", "title": "180 days", "kind": "deadline", "start": "2026-01-14",
          "days_param": "minerals.negotiation_days", "warn_days": 30}
    past = _run(dl, None, as_of=dt.date(2026, 8, 1))                  # 19 days after 2026-07-13
    assert past["fired"] and past["value"] == 19 and past["unit"] == "days since it passed"
    assert "passed on 2026-07-13, 19 days ago" in past["message"] and "until 2026-08-12" in past["message"]
    last = _run(dl, None, as_of=dt.date(2026, 8, 12))
    assert last["fired"] and last["value"] == 30
    long_ago = _run(dl, None, as_of=dt.date(2026, 12, 7))
    assert long_ago["status"] == "quiet" and not long_ago["fired"] and long_ago["value"] == 147
    assert long_ago["unit"] == "days since it passed" and "days left" not in long_ago["message"]
    assert "passed on 2026-07-13, 147 days ago" in long_ago["message"]
    assert "30 days after" in long_ago["condition"]
    # after_days: 0 - quiet from the day after the deadline
    r = _run({**dl, "after_days": 0}, None, as_of=dt.date(2026, 7, 14))
    assert not r["fired"] and r["value"] == 1 and "passed on 2026-07-13, 1 day ago" in r["message"]
    for day in (dt.date(2026, 5, 1), dt.date(2026, 7, 13), dt.date(2026, 8, 1), dt.date(2026, 12, 7)):
        r = _run(dl, None, as_of=day)
        assert r["value"] >= 0 and "-" not in f"{r['value']:g}", (day, r)


def test_as_of_cuts_the_series_at_what_was_published_by_then():
    # TIC's month M is published about seven weeks after its end (data.asof: end of M + 49 days): on
    # 2026-05-01 the latest China figure public was February's (released 2026-04-18), not April's
    s = _monthly([640.0, 700.0, 710.0, 720.0])                        # 2026-01 .. 2026-04
    r = _run(TH, s, as_of=dt.date(2026, 5, 1))
    assert r["fired"] is False and r["value"] == 700.0 and r["date"] == "2026-02"
    assert r["published"] == "2026-04-18"
    assert _run(TH, s, as_of=dt.date(2026, 4, 17))["date"] == "2026-01"
    # a daily yield is posted the next day: the 2026-06-30 value, not the 2026-07-01 one, on 2026-07-01
    y = pd.Series([4.4, 4.5], index=pd.to_datetime(["2026-06-30", "2026-07-01"]))
    ten = {"id": "y", "title": "10y above 5", "kind": "threshold", "indicator": "yield_10y", "above": 5}
    assert _run(ten, y, as_of=dt.date(2026, 7, 1))["date"] == "2026-06-30"
    # H.4.1 comes out on Thursday for the week ended Wednesday: on Wednesday 2026-06-24 that week's custody
    # figure is not public yet, the week before is; on Thursday it is
    wk = _weekly([2700.0] * 15)
    r = _run(CH, wk, as_of=dt.date(2026, 6, 24))
    assert r["date"] == "2026-06-17" and r["published"] == "2026-06-18"
    assert _run(CH, wk, as_of=dt.date(2026, 6, 25))["date"] == "2026-06-24"
    # auction results are out the day of the auction; the mortgage survey the Thursday it is dated
    auc = pd.Series([61.0, 58.0], index=pd.to_datetime(["2026-07-08", "2026-08-12"]))
    ind = {"id": "i", "title": "indirect", "kind": "threshold", "indicator": "auction_indirect_10y", "below": 60}
    r = _run(ind, auc, as_of=dt.date(2026, 8, 12))
    assert r["date"] == "2026-08-12" and r["published"] == "2026-08-12" and r["fired"]
    mort = {"id": "m", "title": "mortgage", "kind": "threshold", "indicator": "mortgage_30y", "above": 7}
    r = _run(mort, pd.Series([6.3, 6.4], index=pd.to_datetime(["2026-05-07", "2026-05-14"])),
             as_of=dt.date(2026, 5, 14))
    assert r["date"] == "2026-05-14" and r["published"] == "2026-05-14"
    # PBoC gold, a month dated by its first day, is released on the 7th of the next month (SAFE): on
    # 1 March 2026 February is not public (it was judged known, with no 'published'), January is
    gold = {"id": "g", "title": "gold", "kind": "threshold", "indicator": "pboc_gold", "below": 1}
    g = _monthly([74.15, 74.19, 74.22], end="2026-02-01")             # 2025-12 .. 2026-02
    r = _run(gold, g, as_of=dt.date(2026, 3, 1))
    assert r["date"] == "2026-01" and r["published"] == "2026-02-07"
    assert _run(gold, g, as_of=dt.date(2026, 3, 6))["date"] == "2026-01"
    r = _run(gold, g, as_of=dt.date(2026, 3, 7))
    assert r["date"] == "2026-02" and r["published"] == "2026-03-07"
    # COFER: a quarter is released on the last business day of the quarter after it (IMF): 2025q4 is not
    # known on 1 March 2026, 2025q3 (released by 2025-12-31) is
    cofer = {"id": "f", "title": "cofer", "kind": "threshold", "indicator": "cofer_usd_share", "below": 55}
    q = pd.Series([56.92, 56.77], index=pd.to_datetime(["2025-07-01", "2025-10-01"]))
    r = _run(cofer, q, as_of=dt.date(2026, 3, 1))
    assert r["date"] == "2025q3" and r["published"] == "2025-12-31"
    r = _run(cofer, q, as_of=dt.date(2026, 3, 31))
    assert r["date"] == "2025q4" and r["published"] == "2026-03-31"


def test_unavailable_indicator_is_no_data_with_the_reason():
    def missing(name):
        raise indicators.Unavailable("no dataset with the file X.csv")

    r = evaluate(_rules(TH), get_series=missing)[0]
    assert r["status"] == "no data" and not r["fired"] and "X.csv" in r["message"]


@pytest.mark.parametrize("text, field", [
    ("rules:\n  - id: a\n    title: t\n    kind: threshold\n    indicator: china_holding\n    below: 1\n",
     "rules[0].indicator"),
    ("rules:\n  - id: a\n    title: t\n    kind: threshold\n    indicator: yield_10y\n", "rules[0]"),
    ("rules:\n  - id: a\n    title: t\n    kind: change\n    indicator: yield_10y\n    window: 3 months\n"
     "    above: 1\n", "rules[0].window"),
    ("rules:\n  - id: a\n    title: t\n    kind: trend\n", "rules[0]"),
    ("rules:\n  - id: a\n    title: t\n    kind: threshold\n    indicator: yield_10y\n    above: .nan\n", "rules[0]"),
])
def test_bad_rules_name_the_field_and_line(tmp_path, text, field):
    p = tmp_path / "r.yaml"
    p.write_text(text)
    with pytest.raises(BadInput) as e:
        load_rules(p)
    msg = str(e.value)
    assert field in msg and "line" in msg and "\n" not in msg


def test_shipped_rules_run_on_the_bundled_data():
    rows = evaluate(load_rules(), as_of=dt.date(2026, 7, 1))
    by = {r["id"]: r for r in rows}
    assert len(rows) >= 12 and {r["status"] for r in rows} <= {"fired", "quiet", "no data"}
    # every indicator the shipped rules watch that is bundled gives a dated value
    for k in ("china_below_650", "custody_down_50_13w", "indirect_10y_below_p10", "ten_year_above_5",
              "pboc_month_without_gold", "proclamation_11001_30_days"):
        assert by[k]["status"] != "no data" and by[k]["date"], k
    c = by["custody_down_50_13w"]        # WMTSECL1 2026-06-24 2636.947 vs 2026-03-25 2694.05
    assert c["reference_date"] == "2026-03-25" and c["fired"]
    assert by["proclamation_11001_30_days"]["value"] == 12 and by["proclamation_11001_30_days"]["fired"]


def test_every_sentence_says_why_the_rule_fired_or_stayed_quiet():
    # the sentence is what the dashboard shows beside an alert: it names the bound and the verdict
    quiet = _run(TH, _monthly([700, 651.1]))["message"]
    assert quiet.endswith("651.1 USD bn on 2026-04: not below 650 USD bn")
    fired = _run(TH, _monthly([700, 649.9]))["message"]
    assert fired.endswith("649.9 USD bn on 2026-04: below 650 USD bn")
    ch = _run(CH, _weekly([2680.0] + [2690.0] * 12 + [2640.0]))["message"]
    assert ch.endswith("a change of -40.0 USD bn: not below -50 USD bn")
    lo = {"id": "l", "title": "new low", "kind": "new_low", "indicator": "china_holdings", "lookback": "17y"}
    low = _run(lo, _monthly([700.0, 652.3, 651.1]))["message"]
    assert "651.1 USD bn on 2026-04" in low and "652.3 USD bn on 2026-03" in low and low.endswith(": a new low")
    assert _run(lo, _monthly([600.0, 652.3, 651.1]))["message"].endswith(": not a new low")
    dl = {"id": "d", "title": "180 days", "kind": "deadline", "start": "2026-01-14", "days": 180, "warn_days": 30}
    assert _run(dl, None, as_of=dt.date(2026, 5, 1))["message"].endswith(": more than the 30 days that fire it")
    assert _run(dl, None, as_of=dt.date(2026, 6, 13))["message"].endswith(": 30 days or fewer fire it")


def test_every_shipped_rule_says_why_its_level_is_what_it_is():
    rules = load_rules()
    for r in rules:
        assert r.basis, r.id
        kind, _, why = r.basis.partition(":")
        assert kind in ("source", "assumption") and len(why.strip()) > 20, r.id
    rows = evaluate(rules, as_of=dt.date(2026, 7, 1))
    assert all(row["basis"] == r.basis for row, r in zip(rows, rules))


def test_a_basis_that_names_no_source_or_assumption_is_refused(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text("rules:\n  - id: a\n    title: t\n    kind: threshold\n    indicator: china_holdings\n"
                 "    below: 650\n    basis: because\n")
    with pytest.raises(BadInput, match="basis"):
        load_rules(p)


PC = {"id": "p", "title": "indirect below its trailing p10", "kind": "percentile",
      "indicator": "auction_indirect_10y", "previous": 12, "below_percentile": 10}


def _auctions(values, start="2024-01-01"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS") + pd.Timedelta(days=9),
                     dtype=float)


def test_percentile_rule_judges_the_latest_against_the_previous_observations():
    prev = [60.0, 62, 58, 65, 70, 55, 61, 63, 59, 64, 66, 57]        # 12 auctions, sorted: 55, 57, 58, ...
    # Weibull position 0.1 * 13 = 1.3: 55 + 0.3 * (57 - 55) = 55.6
    r = _run(PC, _auctions([10.0] + prev + [55.5]))                    # the 10.0 lies outside the 12
    assert r["fired"] and r["reference_value"] == pytest.approx(55.6)
    assert "10th percentile of the previous 12 auctions" in r["message"] and "55.60 percent" in r["message"]
    assert r["message"].endswith(": below it") and "55.60 percent" in r["condition"]
    assert r["reference_date"] == "2025-01-10"              # the last of the 12
    q = _run(PC, _auctions([10.0] + prev + [55.7]))
    assert q["status"] == "quiet" and q["message"].endswith(": not below it")
    above = {**PC, "below_percentile": None, "above_percentile": 90}   # position 0.9 * 13 = 11.7: 66 .. 70
    hi = _run(above, _auctions(prev + [69.0]))
    assert hi["reference_value"] == pytest.approx(66 + 0.7 * (70 - 66)) and hi["fired"]
    assert _run(above, _auctions(prev + [68.5]))["status"] == "quiet"
    short = _run(PC, _auctions(prev))                                  # 11 before the last: not enough
    assert short["status"] == "no data" and "fewer than 12" in short["message"]


def test_percentile_level_uses_no_observation_published_with_or_after_the_one_judged():
    from treasurylab.monitor.rules import replay

    rule = _rules(PC)[0]
    s = _auctions([60.0, 62, 58, 65, 70, 55, 61, 63, 59, 64, 66, 57, 40, 80, 20, 90])
    h = replay(rule, s)
    other = s.copy()
    other.iloc[13:] = [0.0, 0.0, 0.0]                                  # every auction after the 13th changed
    assert replay(rule, other).iloc[:13].equals(h.iloc[:13])
    # an observation published on the day of the one judged is not in its window: judged against the 12
    # published strictly before (the first published day of the pair is shared by both)
    pub = pd.DatetimeIndex(list(s.index[:13]) + [s.index[13]] * 3)
    same_day = replay(rule, s, pub)
    assert same_day["level"].iloc[13:].nunique() == 1
    assert same_day["first_date"].iloc[15] == s.index[1] and same_day["reference_date"].iloc[15] == s.index[12]


def test_percentile_rule_as_of_sees_only_what_was_published():
    s = _auctions([60.0, 62, 58, 65, 70, 55, 61, 63, 59, 64, 66, 57, 40, 80])
    # auction results are public on the auction day: the day before the last, that one is not judged yet
    r = _run(PC, s, as_of=(s.index[-1] - pd.Timedelta(days=1)).date())
    assert r["date"] == s.index[-2].date().isoformat() and r["fired"]
    assert _run(PC, s, as_of=s.index[-1].date())["status"] == "quiet"


@pytest.mark.parametrize("extra, msg", [
    ({"previous": 5}, "give previous: 9 or more"),
    ({"below_percentile": 0}, "strictly between 0 and 100"),
    ({"above_percentile": 90}, "exactly one of below_percentile, above_percentile"),
])
def test_bad_percentile_rules_are_refused_naming_the_fix(tmp_path, extra, msg):
    import yaml

    p = tmp_path / "r.yaml"
    p.write_text(yaml.safe_dump({"rules": [{**PC, **extra}]}))
    with pytest.raises(BadInput, match=msg):
        load_rules(p)
