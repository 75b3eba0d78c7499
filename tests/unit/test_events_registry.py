"""Events as objects: the registry picks up a kind from its class alone (schema, errors, docs, set-up, words).

A throwaway kind is registered here and removed afterwards; nothing outside this file names it, which
is the point: adding a kind of event touches one module (and its test).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import pytest
from pydantic import Field

from treasurylab.errors import BadInput
from treasurylab.scenario.events import EVENT_TYPES, EventBase, Schedules, register, unregister
from treasurylab.scenario.spec import Scenario, load_scenario_text, parse_scenario

SHIPPED = ("threat", "sale", "programme", "sanction", "backstop", "issuance_mix", "fiscal_slippage", "minerals",
           "fiscal", "term_premium", "credit_spread", "policy_path", "uncertainty")


class Windfall(EventBase):
    """A one-off windfall: primary deficits `pct_gdp`% of GDP lower for `months` months."""

    order = 999
    type: Literal["windfall_test"]
    pct_gdp: float = Field(gt=0, le=5, description="deficit cut, % of GDP a year")
    months: int = Field(3, ge=1, le=24, description="how long it lasts")

    def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
        s.slippage[t:min(s.T, t + self.months)] -= self.pct_gdp

    def describe(self, run=None) -> str:
        return f"{self.date}: a windfall cuts deficits by {self.pct_gdp:g}% of GDP for {self.months} months."


@pytest.fixture
def windfall():
    register(Windfall)
    try:
        yield Windfall
    finally:
        unregister("windfall_test")


def _doc(events: list[dict]) -> dict:
    return {"name": "t", "start": "2026-01", "horizon": 12, "paths": 2, "events": events}


def test_shipped_kinds_are_registered_in_order_and_complete():
    assert tuple(EVENT_TYPES)[: len(SHIPPED)] == SHIPPED
    for kind, cls in EVENT_TYPES.items():
        assert cls.kind() == kind and cls.__module__.endswith(f"events.{kind}")
        assert cls.effect(), kind                      # the docs' "what it does"
        assert cls.apply is not EventBase.apply, kind  # says how it changes the inputs
        assert cls.describe is not EventBase.describe, kind


def test_a_new_kind_is_in_the_schema_and_validated(windfall):
    schema = Scenario.model_json_schema()
    mapping = next(v for k, v in schema["$defs"].items() if k == "Windfall")
    assert mapping["properties"]["type"]["const"] == "windfall_test"
    sc = parse_scenario(_doc([{"type": "windfall_test", "date": "2026-03", "pct_gdp": 1.5}]))
    assert isinstance(sc.events[0], windfall) and sc.events[0].months == 3


def test_a_new_kinds_bad_fields_are_named_like_any_other(windfall):
    text = ("name: t\nstart: 2026-01\nhorizon: 12\nevents:\n"
            "  - {type: windfall_test, date: 2026-03, pct_gdp: 9}\n")
    with pytest.raises(BadInput) as e:
        load_scenario_text(text, "w.yaml")
    msg = str(e.value)
    assert msg.startswith("w.yaml line 5") and "events[0].pct_gdp" in msg and "at most 5" in msg, msg
    with pytest.raises(BadInput, match=r"events\[0\]\.month: unknown key - did you mean 'months'"):
        load_scenario_text(text.replace("pct_gdp: 9", "pct_gdp: 1, month: 2"), "w.yaml")
    with pytest.raises(BadInput, match="unknown event type.*did you mean 'windfall_test'"):
        load_scenario_text(text.replace("type: windfall_test", "type: windfal_test"), "w.yaml")


def test_a_new_kind_is_in_the_docs_and_the_report_text(windfall):
    from treasurylab.report.docs import render_events

    md = render_events()
    assert "| [`windfall_test`](#windfall_test) | `date`, `pct_gdp`, `months` (3) | A one-off windfall" in md
    # a field named like a shipped one has its plausibility floor stated too (events.base, by field name)
    assert "| `pct_gdp` | number | required | > 0, <= 5 | deficit cut, % of GDP a year; a value under 0.1" in md
    sc = parse_scenario(_doc([{"type": "windfall_test", "date": "2026-03", "pct_gdp": 1.5, "months": 2}]))
    assert sc.events[0].describe() == "2026-03: a windfall cuts deficits by 1.5% of GDP for 2 months."


def test_a_new_kind_changes_the_inputs_through_its_apply(windfall):
    from treasurylab.scenario.setup import prepare

    sc = parse_scenario(_doc([{"type": "windfall_test", "date": "2026-03", "pct_gdp": 1.5, "months": 2},
                              {"type": "fiscal_slippage", "date": "2026-04", "pct_gdp": 1.0}]))
    s = prepare(sc)
    want = np.zeros(12)
    want[2:4] -= 1.5
    want[3:] += 1.0
    np.testing.assert_array_equal(s.slippage, want)


def test_unregistered_kinds_leave_the_schema(windfall):
    unregister("windfall_test")
    with pytest.raises(BadInput, match="unknown event type"):
        parse_scenario(_doc([{"type": "windfall_test", "date": "2026-03", "pct_gdp": 1.5}]))
    assert "Windfall" not in Scenario.model_json_schema().get("$defs", {})


def test_a_kind_cannot_be_registered_twice_by_different_classes():
    class Other(EventBase):
        """Another threat."""

        type: Literal["threat"]

        def apply(self, s: Schedules, t: int, day: int, field_: str) -> None:
            s.threat[t:] += 0.1

    with pytest.raises(ValueError, match="already registered"):
        register(Other)
    assert EVENT_TYPES["threat"].__name__ == "Threat"


@pytest.mark.parametrize(("event", "words"), [
    ({"type": "threat", "date": "2026-01-22", "strength": 0.6},
     "2026-01-22: a threat of retaliation against sellers, strength 0.6 (0-1), credible for 12 months"),
    ({"type": "sale", "date": "2026-01-20", "holder": "denmark", "share": 0.25, "days": 7},
     "2026-01-20: Denmark sells 25% of its holdings of Treasuries over 7 days, unannounced"),
    ({"type": "programme", "date": "2026-01", "holder": "china", "rate_per_year": -0.08, "months": 24},
     "2026-01: China, Mainland reduces its holdings by 8% a year for 24 months"),
    ({"type": "sanction", "date": "2026-05", "holder": "china"}, "2026-05: China, Mainland's Treasuries are frozen."),
    ({"type": "backstop", "date": "2026-02", "on": True, "trigger_bp": 25},
     "2026-02: the Fed backstop is switched on (trigger 25 bp in a month)."),
    ({"type": "issuance_mix", "date": "2026-04", "bill_share": 0.3},
     "2026-04: Treasury moves new issuance to a 30% bill share."),
    ({"type": "fiscal_slippage", "date": "2026-03", "pct_gdp": 2},
     "2026-03: primary deficits run +2% of GDP a year above the baseline to the end of the run (2026-12)."),
])
def test_each_shipped_kind_describes_itself(event, words):
    from treasurylab.scenario.words import event_rows

    # against the run: holders by their display names (the YAML says 'denmark', 'china')
    assert event_rows(parse_scenario(_doc([event])))[0]["what"].startswith(words)


def test_a_kind_without_apply_is_refused_at_registration():
    class Inert(EventBase):
        """Says nothing about the inputs."""

        type: Literal["inert_test"]

    with pytest.raises(TypeError, match="does not define apply"):
        register(Inert)
    assert "inert_test" not in EVENT_TYPES


def test_a_sale_larger_than_the_holding_is_refused_naming_the_field():
    """The month's flows are capped at the holdings, but an announced schedule is priced ahead at its
    stated size: an announced sale beyond what the holder holds at the start is bad input, not a
    silent mispricing (a surprise sale is priced at what is sold, so it is capped as before)."""
    from treasurylab.scenario.setup import prepare

    sale = {"type": "sale", "date": "2026-03", "holder": "China", "announced": True}
    with pytest.raises(BadInput) as e:
        prepare(parse_scenario(_doc([{**sale, "amount_bn": 5000}])))
    assert e.value.field == "events[0].amount_bn" and "at most" in str(e.value)
    prepare(parse_scenario(_doc([{**sale, "amount_bn": 5000, "announced": False}])))   # capped when sold
    s = prepare(parse_scenario(_doc([{**sale, "share": 1.0}])))       # all of it is fine
    j = list(s.hspecs[0].names).index("China, Mainland")
    assert s.announced[:, j].sum() == pytest.approx(s.hspecs[0].holdings0[j])


def _china_held() -> tuple[float, int]:
    """China's holdings at the start of the test scenario (USD bn) and its index."""
    from treasurylab.scenario.setup import prepare

    s = prepare(parse_scenario(_doc([])))
    j = list(s.hspecs[0].names).index("China, Mainland")
    return float(s.hspecs[0].holdings0[j]), j


def test_announced_sales_of_one_holder_add_up_to_at_most_its_holdings():
    """Several announced sales by one holder are priced at their stated sizes together, so their sum is
    held to the holdings at the start: exactly the holdings passes (in amounts or in shares), a cent
    more is refused naming the later sale in date order, whatever order they are listed in."""
    from treasurylab.scenario.setup import prepare

    held, j = _china_held()
    sale = {"type": "sale", "holder": "China", "announced": True}
    first, rest = {**sale, "date": "2026-03", "amount_bn": 300.0}, held - 300.0
    s = prepare(parse_scenario(_doc([first, {**sale, "date": "2026-05", "amount_bn": rest}])))
    assert s.announced[:, j].sum() == pytest.approx(held)
    prepare(parse_scenario(_doc([{**sale, "date": "2026-03", "share": 0.3},
                                 {**sale, "date": "2026-03", "share": 0.7, "days": 90}])))   # overlapping
    with pytest.raises(BadInput) as e:   # listed first but dated later: the later sale takes it past
        prepare(parse_scenario(_doc([{**sale, "date": "2026-05", "amount_bn": rest + 0.01}, first])))
    assert e.value.field == "events[0].amount_bn"
    msg = str(e.value)
    assert "China, Mainland" in msg and f"{held + 0.01:,.1f} bn" in msg and "events[1] before it" in msg
    assert f"at most {math.floor(rest * 10) / 10:,.1f}" in msg
    with pytest.raises(BadInput) as e:   # in shares: the field given is the one named
        prepare(parse_scenario(_doc([{**sale, "date": "2026-03", "share": 0.6},
                                     {**sale, "date": "2026-04", "share": 0.6}])))
    assert e.value.field == "events[1].share" and "share of at most 0.4" in str(e.value)
    with pytest.raises(BadInput, match="nothing is left to sell after events\\[0\\]"):
        prepare(parse_scenario(_doc([{**sale, "date": "2026-03", "share": 1.0},
                                     {**sale, "date": "2026-04", "amount_bn": 1.0}])))
    # other holders and surprise sales do not count: a surprise is capped at the holdings when sold
    prepare(parse_scenario(_doc([{**sale, "date": "2026-03", "share": 1.0}, {**sale, "holder": "Japan",
                                 "date": "2026-03", "share": 1.0},
                                 {**sale, "date": "2026-04", "amount_bn": 5000, "announced": False}])))


@pytest.mark.parametrize("first, second, target", [
    ({"type": "backstop", "on": True}, {"type": "backstop", "on": False}, "the Fed backstop"),
    ({"type": "issuance_mix", "bill_share": 0.3}, {"type": "issuance_mix", "bill_share": 0.4}, "bill share"),
    ({"type": "sanction", "holder": "China"}, {"type": "sanction", "holder": "china", "freeze": False},
     "China, Mainland"),
])
def test_two_switches_of_one_kind_in_the_same_month_are_refused(first, second, target):
    """Which of two backstop switches, bill shares or freezes of one holder set in one month would
    hold was silently decided (the list order, or the larger bill share): refused, naming the field."""
    from treasurylab.scenario.setup import prepare

    with pytest.raises(BadInput) as e:
        prepare(parse_scenario(_doc([{**first, "date": "2026-03"}, {**second, "date": "2026-03-20"}])))
    assert e.value.field == "events[1].date" and target in str(e.value) and "events[0]" in str(e.value)
    # in different months they are a sequence, as before
    prepare(parse_scenario(_doc([{**first, "date": "2026-03"}, {**second, "date": "2026-04"}])))


@pytest.mark.parametrize("holder", ["Fed", "Banks", "Money market funds"])
def test_a_sanction_on_a_domestic_holder_is_refused(holder):
    """Freezing the Fed's or banks' Treasuries ran, and added every rival's weaponisation fear and the
    reserve managers' diversification signal as a foreign freeze does: refused, naming the field."""
    from treasurylab.scenario.setup import prepare

    with pytest.raises(BadInput) as e:
        prepare(parse_scenario(_doc([{"type": "sanction", "date": "2026-03", "holder": holder}])))
    assert e.value.field == "events[0].holder" and "domestic holder" in str(e.value)
    prepare(parse_scenario(_doc([{"type": "sanction", "date": "2026-03", "holder": "Hong Kong"}])))


@pytest.mark.parametrize("first, later, holder", [
    ({"type": "programme", "rate_per_year": -0.1}, {"type": "programme", "rate_per_year": -0.5}, "Japan"),
    ({"type": "sanction"}, {"type": "sanction", "freeze": False}, "Hong Kong"),
])
def test_events_take_effect_in_date_order_whatever_the_list_order(first, later, holder):
    """A holder's programme or freeze dated later, listed first, was overwritten from the earlier
    event's date to the end: the June programme change or the unfreeze silently vanished."""
    from treasurylab.scenario.setup import prepare

    evs = [{**first, "holder": holder, "date": "2026-02"}, {**later, "holder": holder, "date": "2026-06"}]

    def by_month(events):
        s = prepare(parse_scenario(_doc(events)))
        j = s.hspecs[0].names.index(holder)
        return [(float(s.hspecs[k].programme_rate[j]), bool(s.hspecs[k].can_cascade[j])) for k in s.hseg]

    listed, reversed_ = by_month(evs), by_month(evs[::-1])
    assert listed == reversed_
    assert listed[5] != listed[2]          # June's event holds from June


def test_an_unfreeze_ends_the_rivals_fear_and_the_reserve_signal():
    """A freeze raises rivals' weaponisation fear and the reserve managers' signal while it is in force
    (coupled.yaml sanction_rival_fear: 'while a freeze is in force'); they stayed to the end of the run
    after an unfreeze, so freezing and unfreezing moved more than freezing alone."""
    from treasurylab.scenario.setup import prepare

    hk = {"type": "sanction", "holder": "Hong Kong"}
    frozen = prepare(parse_scenario(_doc([{**hk, "date": "2026-03"}])))
    both = prepare(parse_scenario(_doc([{**hk, "date": "2026-03"}, {**hk, "date": "2026-05", "freeze": False}])))
    none = prepare(parse_scenario(_doc([])))
    j = frozen.hspecs[0].names.index("Hong Kong")
    rivals = frozen.hspecs[0].deterrence < 0
    fear = frozen.cp["sanction_rival_fear"]
    assert rivals.any()
    for s in (frozen, both):                       # March and April: frozen in both
        assert np.allclose(s.political[2:4][:, rivals & (np.arange(len(rivals)) != j)], fear)
        assert np.all(s.political[2:4, j] == 0.0) and np.allclose(s.res_signal[2:4], s.cp["reserves_freeze_weight"])
    assert np.allclose(frozen.res_signal[4:], frozen.cp["reserves_freeze_weight"])
    assert np.allclose(frozen.political[4:][:, rivals & (np.arange(len(rivals)) != j)], fear)
    # from the unfreeze on, exactly the inputs of a run with no event
    assert np.array_equal(both.political[4:], none.political[4:])
    assert np.array_equal(both.res_signal[4:], none.res_signal[4:])
    assert np.array_equal(both.political[:2], none.political[:2]) and not both.frozen[4:, j].any()


def test_a_freezes_weight_in_the_reserve_signal_is_a_parameter():
    """Each freeze in force adds `coupled.reserves_freeze_weight` to the reserve managers' signal (it was
    a hard-coded 1 in the sanction event), so the weight has one home with its source and can be swept."""
    from treasurylab.params import load_params
    from treasurylab.scenario.setup import prepare

    w = float(load_params("coupled")["reserves_freeze_weight"])
    assert w > 0
    two = [{"type": "sanction", "holder": "Hong Kong", "date": "2026-03"},
           {"type": "sanction", "holder": "Denmark", "date": "2026-05"}]
    s = prepare(parse_scenario(_doc(two)))
    assert np.all(s.res_signal[:2] == 0.0)
    assert np.allclose(s.res_signal[2:4], w) and np.allclose(s.res_signal[4:], 2 * w)
    doc = {**_doc(two), "overrides": {"coupled": {"reserves_freeze_weight": 0.25}}}
    s = prepare(parse_scenario(doc))
    assert np.allclose(s.res_signal[2:4], 0.25) and np.allclose(s.res_signal[4:], 0.5)
