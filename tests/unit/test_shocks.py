"""World shocks: the estimate is regenerated from the store exactly, and the kernel's draws are
mean-zero, deterministic, and independent of which sources are switched on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from treasurylab.model import shocks as WS
from treasurylab.params import load_params


def test_regenerating_the_estimate_gives_the_shipped_file():
    from treasurylab.params import shocks_estimate as E

    assert E.OUT.read_text() == E.render(), \
        "params/defaults/shocks.yaml is stale: run python -m treasurylab.params.shocks_estimate --write"


def test_every_estimated_number_has_a_source_and_a_date():
    ps = load_params("shocks")
    for name, p in ps.meta.items():
        assert p.unit and p.source and p.date, name


@pytest.fixture(scope="module")
def sp():
    return WS.ShockParams.from_params(load_params("shocks"))


def test_switched_off_gives_none():
    assert WS.ShockParams.from_params(load_params("shocks", {"enabled": False})) is None


def test_draws_are_deterministic_and_centred(sp):
    a = WS.draw(sp, 4000, 60, np.random.default_rng(3))
    b = WS.draw(sp, 4000, 60, np.random.default_rng(3))
    assert np.array_equal(a.tenor, b.tenor) and np.array_equal(a.deficit_pp, b.deficit_pp)
    # mean zero: the median 10y shock after 5 years is within a few bp of zero, its spread is not
    y10 = a.tenor[-1, 3]
    assert abs(np.median(y10)) < 0.0015
    assert np.percentile(y10, 95) - np.percentile(y10, 5) > 0.02
    assert abs(np.median(a.deficit_pp[-1])) < 0.3


def test_switching_a_source_off_keeps_the_others_draws(sp):
    full = WS.draw(sp, 500, 24, np.random.default_rng(5))
    no_rates = WS.draw(replace(sp, rates=False), 500, 24, np.random.default_rng(5))
    assert not no_rates.tenor.any() and not no_rates.policy.any()
    assert np.array_equal(full.deficit_pp, no_rates.deficit_pp)
    assert np.array_equal(full.inflation, no_rates.inflation)


def test_shock_rng_leaves_the_block_generator_untouched():
    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    WS.shock_rng(r1).random(10)
    assert r1.random() == r2.random()


def test_tenor_loadings_reproduce_the_factor_definitions(sp):
    # 3m, 2y, 10y are exact functions of level, slope, curvature
    f = np.array([4.0, 1.0, -0.3])
    y3m, y2y, _, y10, _ = sp.loadings @ f
    assert np.isclose((y3m + y2y + y10) / 3, 4.0) and np.isclose(y10 - y3m, 1.0)
    assert np.isclose(2 * y2y - y3m - y10, -0.3)
