"""Unit tests of the rare-earth block: policies, inventories, prices, the 180-day answer, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.errors import BadInput
from treasurylab.model import minerals as M
from treasurylab.params.minerals_inputs import CONSUMERS, REGIONS, STAGES, build

INP = build()
US = CONSUMERS.index("US")
ALLIES = [CONSUMERS.index(c) for c in ("US", "EU", "Japan", "Korea")]
CUTOFF = [M.MineralsEvent("export_ban", "2026-02", "2027-02", {"products": "heavy,magnet", "destinations": "allies"})]


@pytest.fixture(scope="module")
def base():
    return M.simulate(INP, [], start="2026-01", months=24)


@pytest.fixture(scope="module")
def cutoff():
    return M.simulate(INP, CUTOFF, start="2026-01", months=24)


def test_deterministic(base):
    again = M.simulate(INP, [], start="2026-01", months=24)
    assert np.array_equal(base.production, again.production)
    assert np.array_equal(base.prices["dy_ex_china"], again.prices["dy_ex_china"])


def test_baseline_has_no_shortage_and_flat_prices(base):
    assert base.shortfall.sum() == pytest.approx(0.0, abs=1e-6)
    for k, v in base.prices.items():
        assert np.allclose(v, v[0]), k
    # inventories stay at their starting cover
    assert np.allclose(base.inventory_months, INP.inventory_months[None, :], rtol=1e-6)


def test_cutoff_hits_allies_not_china(cutoff):
    short = cutoff.shortfall.sum(axis=2)
    assert short[:, ALLIES].sum() > 0
    assert short[:, CONSUMERS.index("China")].sum() == pytest.approx(0.0, abs=1e-6)
    # exports of magnets to allies stop: China's magnet exports fall by at least the allies' share
    assert cutoff.china_exports[3, 3] < 0.6 * cutoff.china_exports[0, 3]
    # ex-China heavy prices spike, Chinese prices stay flat
    assert cutoff.prices["dy_ex_china"].max() > 2 * cutoff.prices["dy_ex_china"][0]
    assert np.allclose(cutoff.prices["dy_china"], cutoff.prices["dy_china"][0])


def test_inventories_are_drawn_before_output_is_cut(cutoff):
    # the month the ban starts, the US still has stocks: no shortfall, stocks fall
    t = cutoff.months.index("2026-02")
    assert cutoff.shortfall[t, US].sum() == pytest.approx(0.0, abs=1e-6)
    assert cutoff.inventory_months[t, US] < cutoff.inventory_months[t - 1, US]
    # shortfalls only once stocks are (nearly) gone
    first = int(np.nonzero(cutoff.shortfall[:, US].sum(axis=1) > 1e-6)[0][0])
    assert cutoff.inventory_months[first, US] < 0.3


def test_stockpile_release_delays_the_shortage(cutoff):
    rel = M.simulate(INP, CUTOFF + [M.MineralsEvent("stockpile_release", "2026-03", None,
                                                    {"region": "US", "months": 2})], start="2026-01", months=24)
    def first(r):
        return int(np.nonzero(r.shortfall[:, US].sum(axis=1) > 1e-6)[0][0])

    assert first(rel) > first(cutoff)
    assert rel.shortfall[:, US].sum() < cutoff.shortfall[:, US].sum()


def test_cutoff_ends_and_stocks_rebuild(cutoff):
    t_end = cutoff.months.index("2027-02")
    assert cutoff.shortfall[t_end + 2:].sum() == pytest.approx(0.0, abs=1e-6)
    assert cutoff.inventory_months[-1, US] > cutoff.inventory_months[t_end, US]


def test_subsidy_never_delays_a_project():
    ords = np.arange(12 * 2026, 12 * 2031)
    for m in range(1, 13):
        ev = [M._compile_one(M.MineralsEvent("subsidy", f"2026-{m:02d}", None, {"months": 6}), 0)]
        assert (M._capacity_path(INP, ev, ords) >= M._capacity_path(INP, [], ords) - 1e-9).all()


def test_subsidy_brings_projects_forward():
    ords = np.arange(12 * 2027, 12 * 2029)
    evs = [M._compile_one(M.MineralsEvent("subsidy", "2026-03", None, {"months": 6}), 0)]
    with_sub = M._capacity_path(INP, evs, ords)
    without = M._capacity_path(INP, [], ords)
    mag = STAGES.index("magnet")
    assert (with_sub[:, mag, REGIONS.index("US")] >= without[:, mag, REGIONS.index("US")] - 1e-9).all()
    assert with_sub[:, mag, REGIONS.index("US")].sum() > without[:, mag, REGIONS.index("US")].sum()


def test_support_sensitive_projects_slip_without_support():
    # Neo Narva expansion (EU magnets, support-sensitive) starts 2027-01; without support it slips 12 months
    ords = np.array([12 * 2027 + 11])
    mag, eu = STAGES.index("magnet"), REGIONS.index("EU")
    none = M._capacity_path(INP, [], ords)[0, mag, eu]
    floor = M._capacity_path(INP, [M._compile_one(M.MineralsEvent("price_floor", "2026-06", None,
                                                                  {"regions": "EU"}), 0)], ords)[0, mag, eu]
    assert floor > none


def test_ally_delay_postpones_support():
    ords = np.array([12 * 2027 + 11])
    mag, eu = STAGES.index("magnet"), REGIONS.index("EU")
    sub = M.MineralsEvent("price_floor", "2026-06", None, {"regions": "EU"})
    delayed = M._capacity_path(INP, [M._compile_one(sub, 0), M._compile_one(
        M.MineralsEvent("ally_delay", "2026-01", None, {"region": "Germany", "months": 18}), 1)], ords)
    plain = M._capacity_path(INP, [M._compile_one(sub, 0)], ords)
    assert delayed[0, mag, eu] < plain[0, mag, eu]


def test_extraterritorial_rules_lapse_unless_extended():
    lapse = M.simulate(INP, [M.MineralsEvent("extraterritorial", "2025-10-09", None,
                                             {"suspended_until": "2026-11-10"})], start="2026-06", months=10)
    ext = M.simulate(INP, [M.MineralsEvent("extraterritorial", "2025-10-09", None,
                                           {"suspended_until": "2026-11-10", "extended": True})],
                     start="2026-06", months=10)
    t = lapse.months.index("2026-11")
    assert lapse.china_exports[t - 1, 1] == pytest.approx(ext.china_exports[t - 1, 1])
    assert lapse.china_exports[t, 3] < 0.5 * ext.china_exports[t, 3]
    assert ext.shortfall.sum() == pytest.approx(0.0, abs=1e-6)


def test_proclamation_open_changes_nothing_tariff_acts_after_180_days(base):
    open_ = M.simulate(INP, [M.MineralsEvent("proclamation_232", "2026-01-14", None, {"outcome": "open"})],
                       start="2026-01", months=24)
    assert np.array_equal(open_.production, base.production)
    tar = M.simulate(INP, [M.MineralsEvent("proclamation_232", "2026-01-14", None, {"outcome": "tariff"})],
                     start="2026-01", months=24)
    jul = tar.months.index("2026-07")
    assert np.allclose(tar.prices["magnet_us"][:jul], 1.0)
    assert (tar.prices["magnet_us"][jul:] > 1.0).all()
    agr = M.simulate(INP, [M.MineralsEvent("proclamation_232", "2026-01-14", None, {"outcome": "agreement"})],
                     start="2026-01", months=24)
    assert agr.prices["ndpr_ex_china"][jul - 1] == pytest.approx(INP.p["price_base"]["ndpr"])
    assert agr.prices["ndpr_ex_china"][jul] == pytest.approx(INP.p["ndpr_floor_usd_kg"])


def test_output_gap_link_is_the_documented_coefficient(cutoff):
    p = INP.p
    expect = -100 * p["output_gap_coefficient"] * p["us_manufacturing_va_share"] * 12 \
        * cutoff.value_lost_bn[:, US] / p["us_gdp_bn"]
    assert np.allclose(cutoff.us_output_gap_pp, expect)
    assert cutoff.us_output_gap_pp.min() < 0
    eu = CONSUMERS.index("EU")
    assert np.allclose(cutoff.germany_value_lost_bn, cutoff.value_lost_bn[:, eu] * p["germany_share_of_eu"])


def test_answer_180_days_magnets_match_the_lp():
    ans = M.answer_180_days(INP, [], start="2026-01-14", days=180)
    assert ans["month"] == "2026-07"
    lp = M.chain_lp_magnets(INP, month="2026-07")
    share_lp = lp * 12 / ans["ex_china_magnet_demand_per_year"]
    assert ans["chain"]["magnet"] == pytest.approx(share_lp, rel=0.02)
    for s in STAGES:
        assert 0 <= ans["chain"][s] <= ans["stage_only"][s] + 1e-12 <= 1 + 1e-12


def test_subsidy_raises_the_180_day_answer_only_if_capacity_can_arrive():
    a0 = M.answer_180_days(INP, [], days=180)
    a1 = M.answer_180_days(INP, [M.MineralsEvent("subsidy", "2026-01-14", None, {"months": 24})], days=180)
    for s in STAGES:
        assert a1["stage_only"][s] >= a0["stage_only"][s] - 1e-12
    # by 2030 the pipeline (MP 10X, Neo Narva) has raised non-China magnet capacity, but metal/alloy
    # outside China barely grows, so the chain stays metal-bound
    a4 = M.answer_180_days(INP, [], days=4 * 365)
    assert a4["stage_only"]["magnet"] > a0["stage_only"]["magnet"]
    assert a4["chain"]["magnet"] == pytest.approx(a4["chain"]["metal"])


def test_months_to_target(base):
    mt = base.months_to_target(0.5)
    assert mt["mining"] == 0            # non-China mining already exceeds half of ex-China needs
    assert mt["magnet"] is None          # not within 24 months
    longer = M.simulate(INP, [], start="2026-01", months=120)
    assert longer.months_to_target(0.2)["magnet"] is not None


def test_from_scenario_event_dict():
    ev = M.MineralsEvent.from_scenario({"type": "minerals", "date": "2026-02-01", "action": "export_ban",
                                        "params": {"destinations": "US,EU", "months": 12}})
    assert ev.kind == "export_ban" and ev.end == "2027-02"
    assert M.validate_events([ev])[0] == ev


def test_forgiving_names():
    evs = M.validate_events([M.MineralsEvent("export_licence", "2026-02", None,
                                             {"destinations": "Germany, south korea", "share": 0.5})])
    c = M._compile_one(evs[0], 0)
    _prod, cons = c.p["dest"]
    assert cons[CONSUMERS.index("EU")] and cons[CONSUMERS.index("Korea")] and not cons[US]


@pytest.mark.parametrize("event, field, words", [
    (M.MineralsEvent("export_ban", "2026-02", None, {"destinations": "Atlantis"}), "destinations", "unknown region"),
    (M.MineralsEvent("new_capacity", "2026-02", None, {"region": "US", "stage": "smelting",
                                                       "tonnes_per_year": 10}), "stage", "unknown stage"),
    (M.MineralsEvent("new_capacity", "2026-02", None, {"region": "US", "stage": "magnet",
                                                       "tonnes_per_year": -5}), "tonnes_per_year", ">= 0"),
    (M.MineralsEvent("embargoo", "2026-02"), "action", "unknown minerals event kind"),
    (M.MineralsEvent("export_ban", "2026-02", "2026-01"), "end", "ends before it starts"),
    (M.MineralsEvent("export_licence", "2026-02", None, {"share": 1.5}), "share", "<= 1"),
    (M.MineralsEvent("export_ban", "2026-02", None, {"destination": "US"}), "destination", "did you mean"),
    (M.MineralsEvent("export_ban", "Feb 2026"), "date", "not a date"),
])
def test_bad_events_name_field_and_fix(event, field, words):
    with pytest.raises(BadInput) as e:
        M.simulate(INP, [event], start="2026-01", months=3)
    msg = str(e.value)
    assert field in msg and words in msg
    assert " - " in msg  # a fix is given


def test_infeasible_policy_mix():
    evs = [M.MineralsEvent("export_ban", "2026-02", "2026-12", {"destinations": "US"}),
           M.MineralsEvent("exemption", "2026-06", None, {"destinations": "US"})]
    with pytest.raises(BadInput, match="infeasible policy mix"):
        M.validate_events(evs)
    with pytest.raises(BadInput, match="infeasible policy mix"):
        M.validate_events([M.MineralsEvent("proclamation_232", "2026-01-14"),
                           M.MineralsEvent("proclamation_232", "2026-03-01")])
    # the same two in sequence are fine
    M.validate_events([M.MineralsEvent("export_ban", "2026-02", "2026-06", {"destinations": "US"}),
                       M.MineralsEvent("exemption", "2026-06", None, {"destinations": "US"})])


def test_negative_capacity_override_and_unknown_region():
    with pytest.raises(BadInput, match=r"capacity.*>= 0"):
        build({"capacity": {"Japan.magnet": -1}})
    with pytest.raises(BadInput, match="unknown region"):
        build({"capacity": {"Narnia.magnet": 10}})
    with pytest.raises(BadInput, match="unknown stage"):
        build({"capacity": {"Japan.smelting": 10}})
    assert build({"capacity": {"japan.magnets": 15000}}).base_capacity[STAGES.index("magnet"),
                                                                        REGIONS.index("Japan")] == 15000


def test_bad_run_length():
    with pytest.raises(BadInput, match="months"):
        M.simulate(INP, [], months=0)


def test_result_to_frame(base):
    df = base.to_frame()
    assert {"month", "variable", "region", "detail", "value", "unit"} <= set(df.columns)
    assert set(df["variable"]) >= {"production", "shortfall", "price", "us_output_gap", "inventory"}


def test_curated_tables_have_evidence_and_parse():
    from treasurylab import data
    from treasurylab.data.sources.minerals import TABLES

    for t in TABLES:
        df = data.series(f"curated.{t}")
        assert len(df) > 0
        assert (df["unit"].str.len() > 0).all() and (df["date"].str.len() > 0).all()
        assert ((df["source"].str.len() > 0) | (df["assumption"].str.len() > 0)).all()
    cap = data.series("curated.rare_earths_capacity", stage="mining")
    assert cap["value"].sum() == pytest.approx(390000)   # USGS MCS 2025 world total


def test_curated_row_without_evidence_is_refused(tmp_path):
    from treasurylab.data.sources.minerals import parse
    from treasurylab.errors import DataError

    p = tmp_path / "t.yaml"
    p.write_text("table: t\nrows:\n  - {region: US, value: 1, unit: t, date: '2024'}\n")
    with pytest.raises(DataError, match="source"):
        parse([p])


def test_figures_are_built_from_results(cutoff):
    from types import SimpleNamespace

    from treasurylab.report import minerals_figures as MF

    figs = MF.figures(cutoff, M.answer_180_days(INP, [], days=180))
    assert set(figs) >= {"minerals_shortfall", "minerals_prices", "minerals_answer_180"}
    us_trace = next(t for t in figs["minerals_shortfall"].data if t.name == "US")
    assert max(us_trace.y) > 0
    assert len(MF.figures_for(SimpleNamespace(minerals=cutoff))) == 6
    assert MF.figures_for(SimpleNamespace(minerals=None)) == []


def test_a_run_starts_no_earlier_than_its_inputs():
    """simulate(start='1900-01') ran, extrapolating the 2024 capacity and demand back 124 years."""
    with pytest.raises(BadInput) as info:
        M.simulate(INP, [], start="1900-01", months=3)
    assert info.value.field == "start" and M.FIRST_MONTH in str(info.value)
    assert M.simulate(INP, [], start=M.FIRST_MONTH, months=1).months[0] == M.FIRST_MONTH


def test_an_alias_of_a_kind_whose_months_is_its_own_parameter_keeps_it():
    """'action: stockpile' (an alias of stockpile_release) with months: 1 (of demand) was refused with
    'give exactly one of tonnes or months': the months were taken as the event's duration, as for an
    export ban, because the check read the kind as written, not its canonical name."""
    from treasurylab.scenario.spec import parse_scenario

    def ev(action):
        return M.MineralsEvent.from_scenario({"type": "minerals", "date": "2026-02", "action": action,
                                              "params": {"region": "US", "months": 1}})

    assert ev("stockpile").params == ev("stockpile_release").params == {"region": "US", "months": 1}
    assert ev("stockpile").end is None
    sc = parse_scenario({"name": "w", "start": "2026-01", "horizon": 12, "paths": 2, "events": [
        {"type": "minerals", "date": "2026-02", "action": "stockpile", "params": {"region": "US", "months": 1}}]})
    assert sc.events[0].params == {"region": "US", "months": 1}


def test_new_capacity_without_a_ramp_takes_the_block_parameter():
    """A new_capacity event with no ramp_months ramps over minerals.new_capacity_ramp_months (the
    pipeline's median, 24 months; a hard-coded 12 before), and an override of that parameter moves it."""
    ords = np.arange(12 * 2026, 12 * 2030)
    us, mag = REGIONS.index("US"), STAGES.index("magnet")

    def path(inp, **ramp):
        ev = M.MineralsEvent("new_capacity", "2026-02", None,
                             {"region": "US", "stage": "magnet", "tonnes_per_year": 12000, **ramp})
        return M._capacity_path(inp, [M._compile_one(ev, 0)], ords)[:, mag, us]

    assert INP.p["new_capacity_ramp_months"] == 24
    np.testing.assert_array_equal(path(INP), path(INP, ramp_months=24))
    assert not np.array_equal(path(INP), path(INP, ramp_months=12))
    six = build({"new_capacity_ramp_months": 6})
    np.testing.assert_array_equal(path(six), path(six, ramp_months=6))


def test_answer_180_days_names_the_stage_that_binds_the_non_chinese_chain():
    # heavy separation is the scarcest stage against a full recipe, but makers can thrift heavies down to
    # heavy_min_share, so the chain's magnet share is bound elsewhere (metal): the answer says which
    ans = M.answer_180_days(INP, [], start="2026-01-14", days=180)
    chain = ans["chain"]["magnet"]
    assert ans["scarcest_stage"] == min(ans["stage_only"], key=ans["stage_only"].get) == "heavy_separation"
    assert ans["stage_only"]["heavy_separation"] < chain
    assert ans["binding_stage"] == "metal"
    assert ans["stage_only"]["metal"] == pytest.approx(chain)
    # with no thrifting possible the heavies bind the chain
    strict = build({"heavy_min_share": 1.0})
    b = M.answer_180_days(strict, [], start="2026-01-14", days=180)
    assert b["binding_stage"] == "heavy_separation"
    assert b["chain"]["magnet"] == pytest.approx(b["stage_only"]["heavy_separation"])
