"""The scenario in words says what the run will do: an event that lasts past the run's last month says
how much of it falls inside the run (from the schedule the set-up writes), holders are named by their
display names, and every number carries its unit."""

from __future__ import annotations

import re

import numpy as np
import pytest

from treasurylab.scenario.setup import prepare
from treasurylab.scenario.spec import parse_scenario
from treasurylab.scenario.words import event_rows

#: the modules whose internals this file tests: the minerals events' compiled schedules
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = ("treasurylab.model.minerals",)


def _sc(events: list[dict], horizon: int = 24, start: str = "2026-01"):
    return parse_scenario({"name": "w", "start": start, "horizon": horizon, "paths": 2, "events": events})


def _words(events: list[dict], horizon: int = 24) -> list[str]:
    return [r["what"] for r in event_rows(_sc(events, horizon))]


def test_a_sale_past_the_end_says_the_amount_inside_from_the_models_schedule():
    sc = _sc([{"type": "sale", "date": "2026-01", "holder": "china", "amount_bn": 300, "days": 1096}])
    (row,) = event_rows(sc)
    assert row["passes_end"]
    m = re.search(r"of which USD ([\d,.]+)bn \(24 of 36 months\) falls inside this run, which ends 2027-12\.$",
                  row["what"])
    assert m, row["what"]
    s = prepare(sc)
    j = s.holder_names.index("China, Mainland")
    assert float(m.group(1).replace(",", "")) == pytest.approx(s.named[:, j].sum(), abs=0.5)
    assert s.named[:, j].sum() < 300 - 50                     # the model does cut it at the horizon


def test_a_sale_given_as_a_share_says_the_share_inside():
    sc = _sc([{"type": "sale", "date": "2026-07-01", "holder": "japan", "share": 0.5, "days": 730}])
    (row,) = event_rows(sc)
    m = re.search(r"of which ([\d.]+)% of its holdings \((\d+) of 24 months\) falls inside this run", row["what"])
    assert m, row["what"]
    s = prepare(sc)
    j = s.holder_names.index("Japan")
    held = s.hspecs[0].holdings0[j]
    assert float(m.group(1)) / 100 * held == pytest.approx(s.named[:, j].sum(), rel=5e-3)
    assert m.group(2) == "18"


def test_events_inside_the_run_say_nothing_of_its_end():
    rows = event_rows(_sc([{"type": "sale", "date": "2026-01", "holder": "china", "amount_bn": 300, "days": 365},
                           {"type": "threat", "date": "2026-02", "strength": 0.5, "months": 12},
                           {"type": "fiscal_slippage", "date": "2026-03", "pct_gdp": 1}]))
    assert not any(r["passes_end"] for r in rows)
    assert all("inside this run" not in r["what"] for r in rows)
    assert rows[2]["what"].endswith("to the end of the run (2027-12).")


# kind -> (event, months in force inside a 24-month run from 2026-01 by the set-up's own schedule)
_DURATION = {
    "threat": ({"type": "threat", "date": "2027-01", "strength": 0.5, "months": 36},
               lambda s: int((s.threat > 0).sum())),
    "fiscal_slippage": ({"type": "fiscal_slippage", "date": "2027-07", "pct_gdp": 2, "months": 12},
                        lambda s: int((s.slippage > 0).sum())),
    "fiscal": ({"type": "fiscal", "date": "2027-04", "purchases_pct_gdp": 1, "months": 24},
               lambda s: int((s.purchases > 0).sum())),
    "term_premium": ({"type": "term_premium", "date": "2027-01", "size_bp": 50, "months": 60},
                     lambda s: int((s.tp_add[:, 3] > 0).sum())),
    "credit_spread": ({"type": "credit_spread", "date": "2027-06", "baa_bp": 100, "months": 12},
                      lambda s: int((s.spread_add[:, 1] > 0).sum())),
    "uncertainty": ({"type": "uncertainty", "date": "2027-11", "volatility": 2, "months": 6},
                    lambda s: int((s.vol_add > 0).sum())),
}


@pytest.mark.parametrize("kind", sorted(_DURATION))
def test_every_kind_with_a_duration_says_the_months_inside(kind):
    ev, in_force = _DURATION[kind]
    sc = _sc([ev])
    (row,) = event_rows(sc)
    n = in_force(prepare(sc))
    assert row["passes_end"], row["what"]
    assert f"of which {n} of the {ev['months']} months fall inside this run, which ends 2027-12" in row["what"]


def test_a_programme_past_the_end_says_the_months_inside():
    from treasurylab.scenario.events import Schedules

    sc = _sc([{"type": "programme", "date": "2027-04", "holder": "japan", "rate_per_year": -0.1, "months": 24}])
    (row,) = event_rows(sc)
    names = ("Japan", "China, Mainland")
    s = Schedules(T=24, names=names, holdings0=np.ones(2), rivals=np.zeros(2, bool), cp={})
    sc.events[0].apply(s, *sc.month_of(sc.events[0]), "events[0]")
    n = int(np.isfinite(s.prog_rate[:, 0]).sum())
    assert n == 9
    assert f"of which {n} of the 24 months fall inside this run, which ends 2027-12" in row["what"]
    assert row["what"].startswith("2027-04: Japan reduces its holdings by 10% a year for 24 months")


def test_a_minerals_window_past_the_end_says_the_months_in_force_inside():
    (w,) = _words([{"type": "minerals", "date": "2026-02-01", "action": "export_ban",
                    "params": {"products": "heavy,magnet", "destinations": "allies", "months": 12}}], horizon=6)
    # in force Feb 2026 .. Jan 2027 (the block's window); the run ends June 2026: Feb..Jun
    assert "of which 5 of the 12 months in force fall inside this run, which ends 2026-06" in w


def test_a_policy_path_past_the_end_says_the_run_refuses_it():
    (w,) = _words([{"type": "policy_path", "date": "2026-06", "path": {"2028-06": 2.5}}])
    assert "its last point is after this run, which ends 2027-12: the run refuses it" in w


def test_holders_are_named_by_their_display_names_whatever_the_yaml_spelling():
    words = _words([{"type": "sale", "date": "2026-01", "holder": "china_mainland", "amount_bn": 10},
                    {"type": "programme", "date": "2026-02", "holder": "JAPAN", "rate_per_year": -0.1},
                    {"type": "sanction", "date": "2026-03", "holder": "china"}])
    assert words[0].startswith("2026-01: China, Mainland sells USD 10bn of Treasuries")
    assert words[1].startswith("2026-02: Japan reduces its holdings by 10% a year")
    assert words[2] == "2026-03: China, Mainland's Treasuries are frozen."


def test_minerals_parameters_are_shown_with_units_not_as_raw_floats():
    (w,) = _words([{"type": "minerals", "date": "2026-01-14", "action": "proclamation_232",
                    "params": {"outcome": "tariff", "tariff_rate": 0.1 + 0.2, "negotiation_days": 180.0,
                               "floor_usd_kg": 110.0}}])
    assert ("Section 232 proclamation on processed critical minerals: agreements and price floors are negotiated "
            "for 180 days, then a tariff of 30% is imposed (floor_usd_kg: 110 USD/kg)") in w, w   # no floor
    (w,) = _words([{"type": "minerals", "date": "2026-02", "action": "decouple",
                    "params": {"region": "US", "share": 0.5, "products": "heavy,magnet"}}])
    assert "the US caps its purchases of heavy rare earths and magnets from China at 50% of the usual flow" in w, w
    (w,) = _words([{"type": "minerals", "date": "2026-02", "action": "new_capacity",
                    "params": {"region": "US", "stage": "magnet", "tonnes_per_year": 10000, "ramp_months": 18}}])
    assert "10,000 t/yr of new magnet capacity comes on line in the US, ramping up over 18 months" in w, w


#: one minerals event of every kind, with every parameter it takes (a 24-month run from 2026-01)
_MINERALS = [
    ("export_licence", {"products": "heavy,magnet", "destinations": "US,EU", "share": 0.5, "months": 6}),
    ("ban", {"products": "heavy", "destinations": "Korea", "end": "2026-09-01"}),
    ("extraterritorial", {"suspended_until": "2026-11-10", "extended": False, "share": 0.2}),
    ("exemption", {"destinations": "Japan", "products": "magnet", "share": 0.8}),
    ("proclamation_232", {"outcome": "tariff_and_agreement", "negotiation_days": 180, "tariff_rate": 0.3,
                          "floor_usd_kg": 120}),
    ("price_floor", {"level_usd_kg": 110, "regions": "US,Japan"}),
    ("subsidy", {"months": 6, "regions": "US", "stages": "separation"}),
    ("stockpile_release", {"region": "US", "tonnes": 500}),
    ("stockpile", {"region": "Japan", "months": 2}),
    ("decouple", {"region": "EU", "share": 0.5, "products": "magnet"}),
    ("ally_delay", {"region": "Korea", "months": 9}),
    ("new_capacity", {"region": "Australia", "stage": "heavy_separation", "tonnes_per_year": 5000, "ramp_months": 18}),
]


def test_minerals_words_are_sentences_not_parameter_lists():
    """The minerals words listed parameters by name, repeating the unit ('(region: EU, months: 6 months)',
    'months: 6 months'): each kind now reads as a sentence with its units, as the other kinds do."""
    from treasurylab.model.minerals import EVENT_KINDS, canonical_kind

    assert {canonical_kind(a) for a, _ in _MINERALS} == set(EVENT_KINDS)
    words = _words([{"type": "minerals", "date": "2026-02", "action": a, "params": p} for a, p in _MINERALS])
    keys = {k for spec in EVENT_KINDS.values() for k in spec} | {"months", "end"}
    for w in words:
        assert not [k for k in keys if f"{k}:" in w], w
        assert "_" not in w, w                                  # no parameter or stage names as written
    _assert_units(words)
    said = dict(zip([a for a, _ in _MINERALS], words))
    assert said["export_licence"] == ("2026-02: minerals - China requires export licences for heavy rare earths and "
                                      "magnets to the US and the EU at 50% of the usual flow for 6 months.")
    assert said["ban"] == ("2026-02: minerals - China bans exports of heavy rare earths to Korea until "
                           "2026-09-01.")
    # the proclamation's agreements support Korea, where no project waits for support
    assert said["ally_delay"] == ("2026-02: minerals - Korea joins the partner arrangements (price floors, "
                                  "subsidies, agreements) 9 months late; it changes nothing in this run: events "
                                  "of the run support Korea, but no project in Korea (the block's project "
                                  "pipeline or new capacity the scenario adds) starts at another month for the "
                                  "delay.")
    assert said["stockpile"] == ("2026-02: minerals - a government stockpile releases magnets worth 2 months of "
                                 "demand to users in Japan.")
    assert said["proclamation_232"].endswith("negotiated for 180 days, then a tariff of 30% is imposed and "
                                             "agreements set an NdPr price floor of 120 USD/kg.")


def test_every_minerals_number_parameter_has_a_unit():
    from treasurylab.model.minerals import EVENT_KINDS, PARAM_UNITS

    nums = {k for spec in EVENT_KINDS.values() for k, (kind, _) in spec.items() if kind == "num"}
    assert nums <= set(PARAM_UNITS), nums - set(PARAM_UNITS)


#: what may follow a number in the words: its unit (or the 'N of the M months' of a cut)
_UNIT_AFTER = re.compile(r"[\s-]?(%|bp|days?\b|months?\b|month half-life|x their|USD/kg|t/yr|t\b|\(SCALE\)|of the \d)")
_NUMBER = re.compile(r"(?<![\w.(-])[+-]?\d[\d,]*(?:\.\d+)?")


def test_every_number_in_the_words_carries_a_unit():
    events = [
        {"type": "threat", "date": "2026-01-22", "strength": 0.6, "months": 36},
        {"type": "sale", "date": "2026-01-20", "holder": "denmark", "amount_bn": 1500, "days": 1096},
        {"type": "sale", "date": "2026-02", "holder": "japan", "share": 0.25, "days": 900},
        {"type": "programme", "date": "2026-01", "holder": "china", "rate_per_year": -0.08, "months": 36},
        {"type": "backstop", "date": "2026-02", "on": True, "trigger_bp": 25},
        {"type": "issuance_mix", "date": "2026-04", "bill_share": 0.3},
        {"type": "fiscal_slippage", "date": "2026-03", "pct_gdp": 2, "months": 36},
        {"type": "fiscal", "date": "2026-05", "purchases_pct_gdp": 1, "transfers_pct_gdp": 0.5, "months": 36},
        {"type": "term_premium", "date": "2026-06", "size_bp": 100, "tenors": ["10y"], "months": 36, "decay_months": 6},
        {"type": "credit_spread", "date": "2026-07", "baa_bp": 150, "mortgage_bp": 50, "months": 36},
        {"type": "policy_path", "date": "2026-08", "path": {"2027-01": 2.5}},
        {"type": "uncertainty", "date": "2027-10", "volatility": 2.7, "trust_drop": 0.1, "months": 6},
        {"type": "minerals", "date": "2026-02-01", "action": "export_ban",
         "params": {"products": "heavy,magnet", "destinations": "allies", "months": 36}},
        {"type": "minerals", "date": "2026-02-04", "action": "stockpile_release", "params": {"region": "US", "tonnes": 500}},
    ]
    _assert_units(_words(events))


def _assert_units(words: list[str]) -> None:
    for w in words:
        text = re.sub(r"\d{4}-\d{2}(-\d{2})?", "DATE", w)
        text = re.sub(r"USD [\d,.]+bn", "AMOUNT", text)
        text = re.sub(r"\((index )?0-1\)", "(SCALE)", text)            # a 0-1 index says its scale
        text = text.replace("10y tenor", "tenor").replace("10-year", "ten-year").replace("Section 232", "Section")
        for m in _NUMBER.finditer(text):
            assert _UNIT_AFTER.match(text, m.end()), (w, m.group())


def _sc_over(events: list[dict], horizon: int, overrides: dict):
    return parse_scenario({"name": "w", "start": "2026-01", "horizon": horizon, "paths": 2, "events": events,
                           "overrides": overrides})


_PROC = {"type": "minerals", "date": "2026-01-14", "action": "proclamation_232", "params": {"outcome": "agreement"}}
_EU_LATE = {"type": "minerals", "date": "2026-02-04", "action": "ally_delay", "params": {"region": "EU", "months": 12}}


def test_an_ally_delay_that_outlasts_the_run_says_how_much_of_it_falls_inside():
    """The delay counts from when partner support starts (the minerals block's own schedule): the
    agreements of a proclamation start support after its negotiation days (180 by default: 2026-07),
    so EU support waits until 2027-07, after a run ending 2026-10; the EU's magnet project (2027-01,
    waiting for support) starts later for it. A 6-month delay moves no project: it changes nothing."""
    from treasurylab.model.minerals import moved_by_delay, scenario_events, support_months
    from treasurylab.scenario.setup import minerals_inputs

    sc = _sc([_PROC, _EU_LATE], horizon=10)
    start, delayed = support_months(sc.events, minerals_inputs(None).p)["EU"]
    assert (start % 12 + 1, delayed - start) == (7, 12)              # July, twelve months later
    inp = minerals_inputs(None)
    assert moved_by_delay(inp.projects, inp.p, scenario_events(sc), "EU") == 1
    rows = event_rows(sc)
    assert rows[1]["passes_end"], rows[1]["what"]
    assert rows[1]["what"].endswith("12 months late; of which 4 of the 12 months of delay fall inside this run, "
                                    "which ends 2026-10: partner support reaches the EU in 2027-07."), rows[1]["what"]
    # shorter negotiations (an override of the block's parameter): support from 2026-03, delay over by 2027-03
    rows = event_rows(_sc_over([_PROC, _EU_LATE], 16, {"minerals": {"negotiation_days": 60}}))
    assert not rows[1]["passes_end"] and "changes nothing" not in rows[1]["what"], rows[1]["what"]
    # support that starts only after the run: none of the delay falls inside it
    rows = event_rows(_sc([_PROC, _EU_LATE], horizon=5))
    assert "of which none of the 12 months of delay falls inside this run, which ends 2026-05" in rows[1]["what"]
    # six months: the EU's project starts when it would have anyway
    six = {**_EU_LATE, "params": {"region": "EU", "months": 6}}
    assert moved_by_delay(inp.projects, inp.p, scenario_events(_sc([_PROC, six], horizon=10)), "EU") == 0
    what = event_rows(_sc([_PROC, six], horizon=10))[1]["what"]
    assert "6 months late; it changes nothing in this run" in what and "inside this run" not in what, what


def test_an_ally_delay_inside_the_run_says_nothing_of_its_end():
    rows = event_rows(_sc([_PROC, _EU_LATE], horizon=24))
    assert not rows[1]["passes_end"] and "inside this run" not in rows[1]["what"], rows[1]["what"]


@pytest.mark.parametrize("kind", ["term_premium", "credit_spread"])
def test_a_fade_cut_by_the_run_says_how_much_of_it_falls_inside(kind):
    """Held 6 months from 2026-07 then halving every 6 months: the fade starts 2027-01, and a run ending
    2027-06 holds 6 months of it, with half the size (from the set-up's own schedule) still in force."""
    ev = ({"type": "term_premium", "date": "2026-07", "size_bp": 100, "months": 6, "decay_months": 6}
          if kind == "term_premium" else
          {"type": "credit_spread", "date": "2026-07", "baa_bp": 100, "months": 6, "decay_months": 6})
    sc = _sc([ev], horizon=18)
    s = prepare(sc)
    left = (s.tp_add[-1, 3] if kind == "term_premium" else s.spread_add[-1, 1]) * 1e4
    assert left == pytest.approx(50)
    (row,) = event_rows(sc)
    assert row["passes_end"], row["what"]
    assert row["what"].endswith(f"; of which 6 months of the fade fall inside this run, which ends 2027-06, "
                                f"where {'' if kind == 'term_premium' else 'Baa '}+{left:.0f} bp is still in force."), row["what"]


def test_a_fade_over_inside_the_run_or_after_it_is_said_so():
    # over inside the run: under 1 bp (the data's resolution) left by the last month
    (w,) = _words([{"type": "term_premium", "date": "2026-01", "size_bp": 50, "months": 3, "decay_months": 1}])
    assert "inside this run" not in w, w
    # held to the run's last month: its fade falls entirely after it
    (row,) = event_rows(_sc([{"type": "credit_spread", "date": "2026-01", "mortgage_bp": 40, "months": 24,
                              "decay_months": 3}]))
    assert row["what"].endswith("; of which none of the fade falls inside this run, which ends 2027-12."), row["what"]


def test_a_minerals_parameter_left_out_shows_the_default_the_block_uses():
    """rare-earth-180-days gives neither the negotiation days nor the floor: the words show the block's
    180 days and 110 USD/kg, and a scenario's override of them as overridden."""
    from treasurylab.scenario.spec import load_scenario

    w = event_rows(load_scenario("rare-earth-180-days"))[0]["what"]
    assert ("agreements and price floors are negotiated for 180 days (default), then agreements set an NdPr "
            "price floor of 110 USD/kg (default)") in w, w
    (w, *_) = [r["what"] for r in event_rows(_sc_over([_PROC], 24, {"minerals": {"negotiation_days": 90,
                                                                                 "ndpr_floor_usd_kg": 95}}))]
    assert "negotiated for 90 days (the scenario's override), then agreements set an NdPr price floor of " \
           "95 USD/kg (the scenario's override)" in w, w
    words = _words([{"type": "minerals", "date": "2026-02", "action": "price_floor", "params": {}},
                    {"type": "minerals", "date": "2026-02", "action": "subsidy", "params": {}},
                    {"type": "minerals", "date": "2026-02", "action": "extraterritorial", "params": {}},
                    {"type": "minerals", "date": "2026-01", "action": "proclamation_232",
                     "params": {"outcome": "tariff"}},
                    {"type": "minerals", "date": "2026-02", "action": "new_capacity",
                     "params": {"region": "US", "stage": "magnet", "tonnes_per_year": 1000}}])
    assert "a price floor for NdPr at 110 USD/kg (default) in every partner region" in words[0], words[0]
    assert "comes on line in the US, ramping up over 24 months (default)" in words[4], words[4]
    assert "projects forward by up to 6 months (default)" in words[1], words[1]
    assert "limit heavy rare earths and magnets to 10% (default) of the usual flow" in words[2], words[2]
    assert "then a tariff of 25% (default) is imposed" in words[3], words[3]
    _assert_units(words)


_KOREA_LATE = {"type": "minerals", "date": "2026-02", "action": "ally_delay", "params": {"region": "Korea", "months": 9}}


def test_an_ally_delay_for_a_region_nothing_supports_says_it_has_no_effect():
    """An ally_delay delays partner support and nothing else (model.minerals.supported_regions): for a
    region that no event of the run supports (the policy record's DoD floor supports the US only) the
    run is the same without it, and the words and the loader's warnings say so, naming the regions it
    could act on; where an event supports the region it is not said."""
    from treasurylab.model.minerals import scenario_events, simulate_scenario, supported_regions

    sc = _sc([_KOREA_LATE], horizon=24)
    on = supported_regions(scenario_events(sc))
    assert "Korea" not in on and on == ("US",)
    with_, without = simulate_scenario(sc), simulate_scenario(_sc([], horizon=24))
    for name in ("capacity", "production", "us_output_gap_pp"):                # no effect in the block
        assert np.array_equal(getattr(with_, name), getattr(without, name)), name
    (row,) = event_rows(sc)
    assert row["what"].endswith("9 months late; it has no effect in this run: no event of the run (the 2025 "
                                "policy record included) gives Korea partner support for it to delay; it could "
                                "act only on the US."), row["what"]
    (w,) = sc.warnings
    assert w.startswith("<scenario>: events[0].params.region: this ally_delay has no effect in this run") and \
        w.endswith("it could act only on the US (kept as given)"), w
    # supported (a proclamation's agreements reach every region but China): no such words, no warning
    sc = _sc([_PROC, _KOREA_LATE], horizon=24)
    assert sc.warnings == () and "no effect" not in event_rows(sc)[1]["what"]
    # the US, supported by the policy record's floor
    sc = _sc([{**_KOREA_LATE, "params": {"region": "US", "months": 9}}], horizon=24)
    assert sc.warnings == () and "no effect" not in event_rows(sc)[0]["what"]


def test_an_ally_delay_for_a_supported_region_with_no_project_to_move_says_it_changes_nothing():
    """rare-earth-180-days delays Korea by 6 months: the proclamation's agreements and the subsidies
    support Korea, but no project of the block's pipeline is in Korea, so no start moves and the run is
    the same without the delay; its words say so. The EU's delay moves a project: no such words."""
    from treasurylab.model.minerals import moved_by_delay, scenario_events, simulate_scenario
    from treasurylab.scenario.setup import minerals_inputs
    from treasurylab.scenario.spec import load_scenario

    sc = load_scenario("rare-earth-180-days")
    delays = {ev.params["region"]: i for i, ev in enumerate(sc.events) if ev.action == "ally_delay"}
    korea, eu = delays["Korea"], delays["EU"]
    inputs = minerals_inputs(None)
    assert moved_by_delay(inputs.projects, inputs.p, scenario_events(sc), "Korea") == 0
    assert moved_by_delay(inputs.projects, inputs.p, scenario_events(sc), "EU") > 0
    without = sc.with_(events=[ev for i, ev in enumerate(sc.events) if i != korea])
    a, b = simulate_scenario(sc), simulate_scenario(without)
    for name in ("capacity", "production", "us_output_gap_pp"):                # no effect in the block
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    rows = event_rows(sc)
    assert rows[korea]["what"].endswith(
        "6 months late; it changes nothing in this run: events of the run support Korea, but no project in "
        "Korea (the block's project pipeline or new capacity the scenario adds) starts at another month for the "
        "delay."), rows[korea]["what"]
    assert "changes nothing" not in rows[eu]["what"], rows[eu]["what"]
    # a new Korean project the subsidies pull forward: the delay moves it, and the words no longer say so
    cap = parse_scenario({"name": "k", "start": "2026-01", "horizon": 60, "events": [
        {"type": "minerals", "date": "2027-06", "action": "new_capacity",
         "params": {"region": "Korea", "stage": "magnet", "tonnes_per_year": 1000}}]}).events
    more = sc.with_(events=[*sc.events, *cap])
    assert moved_by_delay(inputs.projects, inputs.p, scenario_events(more), "Korea") == 1
    assert "changes nothing" not in event_rows(more)[korea]["what"]


def test_an_export_licence_without_a_share_says_the_blocks_month_by_month_default():
    """The block's default for an export_licence without `share` changes with the months in force
    (model.minerals.licence_default_share): the words give it as the block runs it, by product."""
    from treasurylab.model import minerals as MN
    from treasurylab.scenario.setup import minerals_inputs

    ev = {"type": "minerals", "date": "2026-02-20", "action": "export_licence", "params": {"months": 8}}
    sc = _sc([ev], horizon=24)
    (w,) = _words([ev])
    p = minerals_inputs(None).p
    # the block's own share paths for the event (a date after the 15th takes effect the next month)
    ords = np.arange(12 * 2026 + 2, 12 * 2026 + 8)                      # 2026-03 to 2026-08, in force
    paths = MN._share_paths([MN._compile_one(MN.MineralsEvent.from_scenario(sc.events[0]), 0)], p, ords)
    heavy, magnet = paths["heavy"][:, MN.REGIONS.index("US")], paths["magnet"][:, MN.CONSUMERS.index("US")]
    n = int(np.argmax(magnet != magnet[0]))
    assert n == p["licence_processing_months"] and (heavy == heavy[0]).all()
    assert (f"at the block's default share of the usual flow (heavy rare earths {100 * heavy[0]:g}% throughout; "
            f"magnets {100 * magnet[0]:g}% in 2026-03 to 2026-0{2 + n}, then {100 * magnet[-1]:g}% from "
            f"2026-0{3 + n}) for 8 months.") in w, w
    # an override of the block's parameters moves it; an event with a share says only its share
    over = _sc_over([ev], 24, {"minerals": {"licence_share_initial": 0.1}})
    assert "magnets 10% (the scenario's override) in 2026-03" in event_rows(over)[0]["what"]


def test_an_export_licence_default_marks_the_months_whose_share_the_scenario_overrides():
    """The default share of a month comes from one parameter of the block (licence_share_initial while
    licences are processed, then licence_share_settled by product): where the scenario overrides it,
    that month's share is marked as the scenario's override, the others are not."""
    ev = {"type": "minerals", "date": "2026-02-20", "action": "export_licence", "params": {"months": 8}}
    settled = {"ndpr": 0.8, "heavy": 0.26, "metal": 0.8, "magnet": 0.5}
    (w,) = [r["what"] for r in event_rows(_sc_over([ev], 24, {"minerals": {"licence_share_settled": settled}}))]
    assert ("(heavy rare earths 26% in 2026-03 to 2026-05, then 26% (the scenario's override) from 2026-06; "
            "magnets 26% in 2026-03 to 2026-05, then 50% (the scenario's override) from 2026-06)") in w, w
    (w,) = [r["what"] for r in event_rows(_sc_over([ev], 24, {"minerals": {"licence_share_initial": 0.1}}))]
    assert ("(heavy rare earths 10% (the scenario's override) in 2026-03 to 2026-05, then 26% from 2026-06; "
            "magnets 10% (the scenario's override) in 2026-03 to 2026-05, then 80% from 2026-06)") in w, w
    both = {"licence_share_initial": 0.3, "licence_share_settled": {**settled, "heavy": 0.3}}
    (w,) = [r["what"] for r in event_rows(_sc_over([ev], 24, {"minerals": both}))]
    assert "heavy rare earths 30% (the scenario's override) throughout" in w, w
    # an override of another parameter marks no month
    (w,) = [r["what"] for r in event_rows(_sc_over([ev], 24, {"minerals": {"licence_processing_months": 2}}))]
    assert "override" not in w and "magnets 26% in 2026-03 to 2026-04, then 80% from 2026-05" in w, w
    (w,) = _words([{**ev, "params": {"share": 0.5, "months": 8}}])
    assert "at 50% of the usual flow for 8 months." in w and "default" not in w
