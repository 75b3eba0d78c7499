"""The market shock events: term_premium, credit_spread, policy_path, uncertainty, fiscal.

What each does to the run (through the Setup arrays the month loop reads), their validation (one line,
exit 2, naming the field) and their words in the report.
"""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app
from treasurylab.model.coupled import simulate
from treasurylab.scenario.setup import prepare
from treasurylab.scenario.spec import load_scenario

HEAD = "name: t\ndescription: t\nstart: 2026-01\nhorizon: 60\npaths: 8\nseed: 1\nbaseline: cbo-2026-02\n"


def scenario(*events: dict, horizon: int = 60):
    # the events' mechanics on the deterministic run (world shocks off: tests/unit/test_world_shocks.py)
    return load_scenario({"name": "t", "description": "t", "start": "2026-01", "horizon": horizon,
                          "paths": 8, "seed": 1, "baseline": "cbo-2026-02", "events": list(events),
                          "overrides": {"shocks": {"enabled": False}}})


def sim(sc, n: int = 8):
    S = prepare(sc)
    return S, simulate(S, n, np.random.default_rng(3))


def test_term_premium_moves_the_named_tenors_by_its_size():
    sc = scenario({"type": "term_premium", "date": "2026-03", "size_bp": 100, "tenors": ["10y", "30y"],
                   "months": 12, "decay_months": 6})
    S, out = sim(sc)
    assert S.tp_add[2:14, 3] == pytest.approx(0.01) and S.tp_add[2:14, 4] == pytest.approx(0.01)
    assert not S.tp_add[:, :3].any() and not S.tp_add[:2].any()
    assert S.tp_add[14 + 5, 3] == pytest.approx(0.005)                 # half-life 6 months after the end
    _, base = sim(scenario())
    # the 10-year moves by the event plus what the model adds (fiscal premium, expected policy path)
    d = out["y10"][:, 5] - base["y10"][:, 5]
    rest = (out["fiscal_premium"][:, 5] - base["fiscal_premium"][:, 5]) + \
        (out["flow_premium"][:, 5] - base["flow_premium"][:, 5]) + \
        (out["expected_short_dev"][:, 5] - base["expected_short_dev"][:, 5])
    assert d - rest == pytest.approx(0.01, abs=1e-9)
    assert out["event_premium"][:, 5] == pytest.approx(0.01)
    assert np.all(out["gdp_gap"][:, 23] < base["gdp_gap"][:, 23])          # tighter conditions, lower gap
    assert np.all(out["unemployment"][:, 23] > base["unemployment"][:, 23])


def test_term_premium_event_is_no_market_dislocation():
    """A stated +200 bp repricing does not count as a jump in the stress index: the Baa spread over the
    10-year stays where it was."""
    S, out = sim(scenario({"type": "term_premium", "date": "2026-02", "size_bp": 200}))
    spread = out["baa"][:, 1:6] - out["y10"][:, 1:6]
    assert np.max(np.abs(spread - S.macro.baa_spread)) < 0.002


def test_credit_spread_widens_baa_and_lowers_the_gap():
    sc = scenario({"type": "credit_spread", "date": "2026-01", "baa_bp": 150, "months": 24})
    S, out = sim(sc)
    _, base = sim(scenario())
    wider = (out["baa"] - out["y10"]) - (base["baa"] - base["y10"])
    assert np.all(wider[:, :24] >= 0.015 - 1e-9) and np.all(np.abs(wider[:, 30:]) < 0.002)
    assert np.all(out["gdp_gap"][:, 12] < base["gdp_gap"][:, 12])
    assert np.all(out["policy_rate"][:, 12] < base["policy_rate"][:, 12])   # the rule eases


def test_policy_path_overrides_the_rule_then_hands_back():
    sc = scenario({"type": "policy_path", "date": "2026-04", "path": {"2026-12": 2.5, "2027-06": 2.5}})
    S, out = sim(sc)
    assert out["policy_rate"][:, 11] == pytest.approx(0.025)
    assert out["policy_rate"][:, 17] == pytest.approx(0.025)
    # a straight line from the baseline's rate in March to 2.5% in December
    assert out["policy_rate"][0, 3:12] == pytest.approx(np.interp(np.arange(3, 12), [2, 11], [S.base_policy[2], 0.025]))
    after = out["policy_rate"][0, 18:30]
    assert np.all(np.abs(after - 0.025) > 0) and np.all(np.diff(after) > 0)   # the rule takes over, smoothly back up
    assert abs(after[0] - 0.025) < 0.002
    assert np.all(out["expected_short_dev"][:, 11] < 0)                      # markets price the cut


def test_uncertainty_raises_the_volatility_the_holders_see_and_dents_trust():
    sc = scenario({"type": "uncertainty", "date": "2026-02", "volatility": 3, "trust_drop": 0.2, "months": 3})
    S, out = sim(sc)
    assert S.vol_add[1:4] == pytest.approx(2 * S.cp["uncertainty_median_move_bp"]) and S.vol_add[4] == 0
    _, base = sim(scenario())
    assert np.all(out["trust"][:, 1] < base["trust"][:, 1] - 0.15)
    assert np.all(out["y10"][:, 1] > base["y10"][:, 1])


def test_fiscal_purchases_expand_more_than_transfers_and_a_deficit_is_not_contractionary():
    _, base = sim(scenario())
    _, g = sim(scenario({"type": "fiscal", "date": "2026-01", "purchases_pct_gdp": 1}))
    _, tr = sim(scenario({"type": "fiscal", "date": "2026-01", "transfers_pct_gdp": 1}))
    _, slip = sim(scenario({"type": "fiscal_slippage", "date": "2026-01", "pct_gdp": 2}))
    dg, dtr = g["gdp_gap"][:, 11] - base["gdp_gap"][:, 11], tr["gdp_gap"][:, 11] - base["gdp_gap"][:, 11]
    assert np.all(dg > dtr) and np.all(dtr > 0)
    assert np.all(g["deficit_gdp"][:, 11] > base["deficit_gdp"][:, 11])
    # issue 10: a +2% of GDP deficit is expansionary at one year (slippage counts as transfers)
    assert np.all(slip["gdp_gap"][:, 11] > base["gdp_gap"][:, 11])


def test_descriptions_say_what_happens():
    sc = scenario({"type": "term_premium", "date": "2026-01", "size_bp": 100, "tenors": ["10y"], "months": 120},
                  {"type": "credit_spread", "date": "2026-01", "baa_bp": 150, "months": 24},
                  {"type": "policy_path", "date": "2026-02", "path": {"2027-01": 2.5}},
                  {"type": "uncertainty", "date": "2026-01", "volatility": 2, "trust_drop": 0.1},
                  {"type": "fiscal", "date": "2026-01", "purchases_pct_gdp": 1, "transfers_pct_gdp": 0.5},
                  horizon=120)
    words = [ev.describe() for ev in sc.events]
    assert "10y tenor +100 bp for 120 months" in words[0]
    assert "Baa spread +150 bp for 24 months" in words[1]
    assert "2.5% by 2027-01" in words[2] and "rule resumes" in words[2]
    assert "2x their usual" in words[3] and "trust" in words[3]
    assert "purchases +1%" in words[4] and "transfers +0.5%" in words[4]


BAD = [
    ("{type: term_premium, date: 2026-01, size_bp: 0}", "events[0].size_bp"),
    ("{type: term_premium, date: 2026-01, size_bp: 900}", "events[0].size_bp"),
    ("{type: term_premium, date: 2026-01, size_bp: .nan}", "events[0].size_bp"),
    ("{type: term_premium, date: 2026-01, size_bp: 100, tenors: [7y]}", "events[0].tenors[0]"),
    ("{type: term_premium, date: 2031-01, size_bp: 100}", "events[0].date"),
    ("{type: term_premium, date: 2026-01, size_bp: 100, tenors: [10y], months: 12}\n"
     "  - {type: term_premium, date: 2026-06, size_bp: 50, tenors: [30y, 10y]}", "events[1].date"),
    ("{type: credit_spread, date: 2026-01}", "events[0]"),
    ("{type: credit_spread, date: 2026-01, baa_bp: 500}", "events[0].baa_bp"),
    ("{type: credit_spread, date: 2026-01, baa_bp: 100, months: 12}\n"
     "  - {type: credit_spread, date: 2026-06, baa_bp: 50}", "events[1].date"),
    ("{type: policy_path, date: 2026-04, path: {2026-02: 2.5}}", "events[0].path.2026-02"),
    ("{type: policy_path, date: 2026-04, path: {2032-02: 2.5}}", "events[0].path.2032-02"),
    ("{type: policy_path, date: 2026-04, path: {2027-02: 25}}", "events[0].path"),
    ("{type: policy_path, date: 2026-04, path: {}}", "events[0].path"),
    ("{type: policy_path, date: 2026-04, path: {2027-01: 3}}\n"
     "  - {type: policy_path, date: 2026-10, path: {2027-06: 2}}", "events[1].date"),
    ("{type: uncertainty, date: 2026-04, volatility: 10}", "events[0].volatility"),
    ("{type: uncertainty, date: 2026-04}", "events[0]"),
    ("{type: fiscal, date: 2026-04, purchases_pct_gdp: .inf}", "events[0].purchases_pct_gdp"),
    ("{type: fiscal, date: 2026-04}", "events[0]"),
]


@pytest.mark.parametrize("event,field", BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)])
def test_bad_event_is_one_line_exit_2_naming_the_field(tmp_path, event, field):
    f = tmp_path / "bad.yaml"
    f.write_text(HEAD + "events:\n  - " + event + "\n")
    res = CliRunner().invoke(app, ["run", str(f), "-n", "8", "--no-report", "-o", str(tmp_path / "out")])
    assert res.exit_code == 2, (res.stdout, res.stderr)
    msg = res.stderr.strip()
    assert len(msg.splitlines()) == 1 and "Traceback" not in msg
    assert f"{field}:" in msg or f"{field} " in msg, msg
    assert not (tmp_path / "out").exists()          # nothing written


@pytest.mark.parametrize("tenors, field, got", [
    ("[10y, 7y]", "events[0].tenors[1]", "(got '7y')"),
    ("[10y, 10y]", "events[0].tenors[1]", "(got '10y')"),
    ("[10y, [2y]]", "events[0].tenors[1]", "(got ['2y'])"),
    ("[10y, 5]", "events[0].tenors[1]", "(got 5)"),
])
def test_a_bad_tenor_is_named_and_shown_not_its_list(tenors, field, got):
    """'tenors: [10y, 7y]' said 'events[0].tenors: unknown tenor '7y' (got 'list')': the entry is
    the one at fault, so it is named (tenors[1]) and shown, and pydantic's branch name of the union
    (tenors.list[str][1]) is not."""
    from treasurylab.errors import BadInput
    from treasurylab.scenario.spec import load_scenario_text

    text = HEAD + f"events:\n  - {{type: term_premium, date: 2026-01, size_bp: 100, tenors: {tenors}}}\n"
    with pytest.raises(BadInput) as e:
        load_scenario_text(text)
    msg = str(e.value)
    assert f"{field}: " in msg and got in msg, msg
    assert "'list'" not in msg and "list[str]" not in msg, msg
