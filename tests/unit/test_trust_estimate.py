"""The trust premium by tenor: recomputed from the bundled daily CMT data, equal to market.yaml."""

from __future__ import annotations

import pytest

from treasurylab.errors import BadInput
from treasurylab.params import load_params
from treasurylab.params import trust_estimate as TE


def test_loadings_are_the_window_changes_relative_to_the_10y():
    d = TE.window_changes_bp()
    lo = TE.loadings()
    assert lo["10y"] == 1.0
    for t in TE.TENORS:
        assert lo[t] == pytest.approx(d[t] / d["10y"])
    # what the episode says: a loss of trust loads on the long end, hardly at all on the 3-month
    assert d["10y"] > 20.0
    assert lo["3m"] < 0.2 and lo["3m"] < lo["2y"] < lo["5y"] < lo["10y"] < lo["30y"]


def test_market_yaml_trust_bp_is_the_estimate():
    ps = load_params("market")
    assert dict(ps["trust_bp"]) == TE.trust_bp()
    alts = ps.meta["trust_bp"].alternatives
    s, e = TE.ALTERNATIVE_WINDOWS["selling_days_only"]
    assert dict(alts["selling_days_only"]) == TE.trust_bp(s, e)


def test_a_window_outside_the_data_is_refused():
    with pytest.raises(BadInput, match="trust window"):
        TE.loadings("2025-04-05", "2025-04-11")      # a Saturday: no quote
    with pytest.raises(BadInput, match="too little"):
        TE.loadings("2025-04-22", "2025-04-23")      # the 10-year moved 1 bp
