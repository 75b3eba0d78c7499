"""The generated numbers of docs/validation.md say what the model runs give: the March 2020 table marks
the days from the replay itself, the Davos table reads the parameter file's threat weight and the
channels it switches off change the run, the minerals tables follow the targets and the scenarios."""

from __future__ import annotations

import numpy as np
import pytest

from treasurylab.report.doc_numbers import validation_market as V
from treasurylab.report.doc_numbers import validation_minerals as VM

#: the modules whose internals this file tests: the validation pages' number builders
#: (a test may take the private names of the modules it tests and of no other: tests/unit/test_layers.py)
TESTS = (
    "treasurylab.report.doc_numbers.validation_backstop",
    "treasurylab.report.doc_numbers.validation_market",
    "treasurylab.report.doc_numbers.validation_stability",
    "treasurylab.report.doc_numbers.validation_tipping",
)


def _rows(table: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]


def test_march_2020_table_marks_the_days_from_the_replay():
    from treasurylab.scenario.targets.market import march_2020, observed_march_2020

    dates, obs = observed_march_2020()
    m = march_2020(days=len(dates))
    rows = {r[0]: r for r in _rows(V.march_2020_table())}
    peak_obs = V._short(dates[int(np.argmax(obs))])
    assert "(peak)" in rows[peak_obs][1] and f"{100 * (max(obs) - obs[0]):+.0f} bp" in rows[peak_obs][1]
    peak_model = V._short(dates[int(np.argmax(m["y10_bp"]))])
    assert "(peak" in rows[peak_model][2] and f"{m['peak_before_bp']:+.1f} bp" in rows[peak_model][2]
    # the first purchase is at the day's cap, and it is the row that says so
    first = V._short(dates[m["backstop_day"]])
    cap = float(V._market_params()["backstop_pace_bn_per_day"])
    assert m["fed_bn"][m["backstop_day"]] == pytest.approx(cap)
    assert rows[first][3] == f"{V._bn(cap)} (the pace binds)"
    assert sum("(the pace binds)" in r[3] for r in rows.values()) == 1
    # the last day shows the model's end value, and the text quotes the same
    last = rows[V._short(dates[-1])]
    assert last[2] == f"{m['y10_bp'][-1]:+.1f} bp"
    assert last[2] in V.march_2020_end()


def test_davos_table_uses_the_parameter_files_weight_and_each_channel_moves_the_run():
    from treasurylab.params import load_params

    w = float(load_params("coupled")["reserves_threat_weight"])
    table = V.davos_channel_table()
    assert f"weight {w:g} (now)" in table.splitlines()[0]
    base = V._davos()
    assert V._davos(V.OLD_THREAT_WEIGHT)["p50"] > base["p50"]           # a larger weight, more selling
    assert V._davos(None, "reserves")["p50"] < base["p50"]
    assert V._davos(None, "trust")["p50"] < base["p50"]
    assert V._davos(None, "rivals")["p95"] < base["p95"]                 # the provoked rivals are the tail
    assert abs(V._davos(None, "threat")["p50"]) < 0.05
    rows = _rows(table)
    assert rows[0][2] == f"{base['p50']:+.1f} bp"


def test_minerals_tables_follow_the_targets_and_the_scenarios():
    from treasurylab.model.minerals import simulate_scenario
    from treasurylab.scenario.spec import load_scenario
    from treasurylab.scenario.targets.minerals import targets

    t = {x.id: x for x in targets()}
    rows = _rows(VM.replay_table())
    assert rows[0][1] == f"{100 * t['minerals.replay.magnet_exports_yoy.2025-05'].model_value:+.1f}%"
    assert rows[0][3] == "-85% .. -60%"
    s = simulate_scenario(load_scenario("rare-earth-cutoff")).summary()
    (cut,) = [r for r in _rows(VM.scenarios_table()) if r[0] == "rare-earth-cutoff"]
    assert f"US {100 * s['shortfall_peak_share']['US']:.0f}%" in cut[1]
    assert f"{s['us_output_gap_pp_min']:+.2f} pp" == cut[3]


def test_backstop_paragraph_counts_the_paths_where_the_backstop_bought():
    from treasurylab.report.doc_numbers import validation_backstop as B
    from treasurylab.scenario.runner import run

    ds = run(B._scenario("china-exit"), paths=B.PATHS, workers=1).ds
    gross, cascade = ds["fed_backstop_gross_bn"].values, ds["cascade_share"].values
    fired = gross > 0
    r = B._run("china-exit")
    assert r["share"] == fired.mean() and 0 < r["share"] < 1
    assert f"the {B._pct(r['share'])} of paths" in B.china_backstop()
    # where it opened, other holders sold on top of China: more than on any path where it did not
    assert cascade[fired].min() > np.median(cascade[~fired])
    # the text says China's sales alone stay under the trigger with the learned pace, not without it
    assert B._china_alone()["peak_bp"] < B._trigger() < B._china_alone(False)["peak_bp"]
    assert B._run("china-exit", False)["share"] > r["share"]
    # gross purchases, not the holdings at the end (sold back by the unwind)
    assert r["p95"] > 0 and np.all(ds["fed_backstop_bn"].values <= gross + 1e-9)


def test_slippage_tables_come_from_the_stability_targets_run():
    from treasurylab.report.doc_numbers import validation_stability as VS
    from treasurylab.scenario.targets.stability import MONTH

    rows = _rows(VS.channel_table())
    assert [r[0] for r in rows] == list(VS.MONTHS)
    p50 = rows[[r[0] for r in rows].index(MONTH)][1]
    assert f"**{p50} bp**" in V.stability_model()                 # the target's value, the same run
    kappa = {r[0]: r[1:] for r in _rows(VS.kappa_table())}
    (median,) = [v for k, v in kappa.items() if k.startswith(f"fiscal-slippage median 10y dev, {MONTH}")]
    assert f"**{p50} bp**" in median
    no_learning = float(median[0].split()[0])
    assert no_learning >= float(p50)                  # kappa = 0: every dollar sold is a surprise
    # the baseline the foreign sales are measured against: nothing happens on most of its paths (the
    # holders' own draws tip a few), and it is the same run as the scenario until the slippage bites
    base, scen = VS._ds(None, False), VS.slippage_ds()
    dev = base["y10"].values - base["base_y10"].values[None, :]
    np.testing.assert_allclose(np.median(dev, axis=0), 0.0, atol=1e-12)
    assert np.array_equal(base["foreign_official"].values[:, 0], scen["foreign_official"].values[:, 0])
    # the old fiscal weight is the run's only change: on the same draws a larger weight never tips
    # fewer paths, and with it the median 10y is no lower
    from treasurylab.params import load_params

    assert float(load_params("holders")["w_fiscal"]) < VS.OLD_W_FISCAL
    old = VS._ds(None, True, VS.OLD_W_FISCAL)
    assert VS._cascade(old) >= VS._cascade(scen)
    assert np.median(old["y10"].values[:, -1]) >= np.median(scen["y10"].values[:, -1])


def test_tipping_table_is_the_shipped_sweep():
    from treasurylab.report.doc_numbers import validation_tipping as VT

    m = VT._map()
    rows = _rows(VT.table())
    assert [r[0] for r in rows] == [VT._size(s) for s in m["sizes"]]
    for r, s in zip(rows, m["sizes"]):
        assert r[1:] == [f"{m['p'][(s, t)]:.3f}" for t in m["threats"]]
    small = max(v for (s, _), v in m["p"].items() if s <= VT.NEVER_BN)
    assert f"at most {100 * small:.1f}%" in VT.reading()
    toy = {"sizes": [1, 2, 3], "threats": [0, 1],
           "p": {(1, 0): 0.0, (2, 0): 0.2, (3, 0): 0.4, (1, 1): 0.0, (2, 1): 0.05, (3, 1): 0.3}}
    assert VT._crossing(toy, 0.1, 0) == (1, 2) and VT._crossing(toy, 0.1, 1) == (2, 3)
    assert VT._between(toy, 0.1) == "lies between $1bn and $3bn"
    assert VT._crossing(toy, 0.5, 0) is None
    assert VT.asian_shares().startswith("Japan is ") and "China" in VT.asian_shares()
