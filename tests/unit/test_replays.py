"""The term-premium replays (report/replays.py) on a small synthetic history: the events follow the
term premium's path month by month, and the model's 10-year carries it (plus the rule's small response)."""

import numpy as np
import pandas as pd
import pytest

from treasurylab.report import replays as R


@pytest.fixture
def obs():
    months = [f"2013-{m:02d}" for m in range(1, 13)] + [f"{y}-{m:02d}" for y in range(1990, 1992) for m in range(1, 13)]
    df = pd.DataFrame(index=months, columns=["y10", "mortgage", "acm", "kw", "vol_bp"], dtype=float)
    df.loc[:, :] = 0.0
    df["vol_bp"] = 5.0
    df.loc["2013-04", ["y10", "acm", "mortgage"]] = [1.8, 0.4, 3.4]
    for i, m in enumerate(["2013-05", "2013-06", "2013-07"]):
        df.loc[m, ["y10", "acm", "mortgage", "vol_bp"]] = [1.8 + 0.4 * (i + 1), 0.4 + 0.3 * (i + 1), 3.4 + 0.4 * (i + 1), 10.0]
    return df


def test_events_follow_the_term_premium_path(obs):
    ep = R.Episode("t", "t", "2013-04", 3, uncertainty=True)
    evs = R.events_for(ep, obs)
    tp = [e for e in evs if e["type"] == "term_premium"]
    assert [e["size_bp"] for e in tp] == [30.0, 60.0, 90.0]
    assert [e["date"] for e in tp] == ["2025-10", "2025-11", "2025-12"] and all(e["months"] == 1 for e in tp)
    (u,) = [e for e in evs if e["type"] == "uncertainty"]
    assert u["volatility"] == pytest.approx(2.0)          # 10 bp against a usual 5 bp


def test_replay_model_carries_the_term_premium(obs):
    ep = R.Episode("t", "t", "2013-04", 3)
    r = R.replay(ep, obs)
    assert r["acm"] == pytest.approx([30, 60, 90])
    assert r["obs_y10"] == pytest.approx([40, 80, 120])
    # the model's 10-year: the stated term premium, less the small easing it brings within three months
    assert np.all(np.abs(r["model_y10"] - r["acm"]) < 5)
    assert np.all(r["model_mortgage"] >= r["model_y10"] - 1e-6)
    assert len(R.table_rows(ep, r)) >= 2


def test_the_replay_table_in_the_docs_is_generated_from_the_model():
    """docs/validation.md's replay table is a generated section (``make docs``), not pasted: its body is
    what report.replays computes now from the bundled data and the model."""
    from pathlib import Path

    from treasurylab.report.docs import marked_sections

    doc = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text()
    body = marked_sections(doc).get("val-replay-table")
    assert body is not None, "the replay table of docs/validation.md must sit between generated markers"
    obs = R.monthly_observed()
    assert body.strip() == R.table({ep.name: R.replay(ep, obs) for ep in R.EPISODES})
