"""The run report's charts and tables say what they show: the window of the holders' waterfall, one
statistic (the mean across paths) for the 10-year's decomposition in the report and the terminal, the
fan bands' percentiles named as percentiles of paths, and the terminal's number format in the report's
tables."""

from __future__ import annotations

import re

import numpy as np
import pytest

from treasurylab.report import figures as F
from treasurylab.report.html import figures_for, render
from treasurylab.scenario.runner import run


@pytest.fixture(scope="module")
def res():
    return run("davos-2026", paths=60, seed=5, workers=1)


def test_the_holders_waterfall_says_over_which_months(res):
    """The title said 'beyond the baseline, by holder (mean across paths)', not over which months: the
    sales are cumulative over the whole run (model/coupled.py: holder_sales)."""
    (_, fig), = figures_for(res)["holders"]
    title = fig.layout.title.text
    n = len(res.months)
    assert f"{res.months[0]} to {res.months[-1]}" in title and f"{n} months" in title, title
    assert "mean across paths" in title


def test_the_reports_decomposition_is_the_terminals_mean_across_paths(res):
    """The report's chart was the median path of each part while the terminal's table was the mean across
    paths: a median of parts does not add up to the median of the total; a mean does."""
    (_, fig), = figures_for(res)["loop"]
    assert "mean across paths" in fig.layout.title.text and "median" not in fig.layout.title.text
    rows = res.decomposition()
    bars = {t.name: dict(zip(t.x, t.y)) for t in fig.data if t.type == "bar"}
    line = next(t for t in fig.data if t.name == "10y vs baseline")
    total = dict(zip(line.x, line.y))
    for r in rows:
        m = r["month"]
        for name, v in r.items():
            if name in ("month", "total_bp"):
                continue
            if name in bars:
                assert bars[name][m] == pytest.approx(v, abs=1e-9), (name, m)
            else:       # a part left out of the chart is zero in the table (no term-premium event)
                assert v == pytest.approx(0.0, abs=1e-9), (name, m)
        assert total[m] == pytest.approx(r["total_bp"], abs=1e-9)
    # the bars add up to the total line in every month
    months = list(line.x)
    stacked = np.sum([[bars[n][m] for m in months] for n in bars], axis=0)
    np.testing.assert_allclose(stacked, list(line.y), atol=1e-9)


@pytest.mark.parametrize("fig", [
    lambda: F.fan_chart(["2026-01", "2026-02"], np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 4.0]]), "t", "%"),
    lambda: F.difference_fan(["2026-01", "2026-02"], np.array([[1.0, 2.0], [2.0, 3.0]]), "t", "pp"),
])
def test_fan_legends_say_the_bands_are_percentiles_of_paths(fig):
    names = {t.name for t in fig().data if t.showlegend is not False}
    assert {"p5-p95 of paths", "p25-p75 of paths"} <= names, names


def test_the_runs_fan_in_python_names_its_bands_of_paths():
    import treasurylab

    fig = treasurylab.run("baseline", paths=8, seed=1, workers=1).fan("y10")
    names = {t.name for t in fig.data if t.showlegend is not False}
    assert {"p5-p95 of paths", "p25-p75 of paths"} <= names, names


def test_the_reports_tables_write_numbers_as_the_terminal_does(res):
    """The report's headline wrote 1060.35 and 9417.79 where the terminal writes 1,060.35."""
    from treasurylab.numtext import number as fmt_number

    html = render(res)
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells
    assert not [c for c in cells if re.fullmatch(r"-?\d{4,}\.\d+", c)], "a number without its separators"
    ni = next(r for r in res.headline() if r["variable"] == "net_interest")
    assert f'<td class="num">{fmt_number(ni["p50"])}</td>' in html
    assert "," in fmt_number(ni["p50"])
    assert fmt_number(1060.354) == "1,060.35" and fmt_number(-2.5) == "-2.50"


def _sample_se(arrays, base, idx, paths):
    """The Monte Carlo standard error computed here from the paths themselves: the sample's standard
    deviation (ddof=1) over sqrt(paths), for the total, each part and the rest."""
    from treasurylab.scenario.results import DECOMPOSITION_PARTS

    total = (arrays["y10"][:, idx] - base[idx]) * 1e4
    parts = {name: arrays[var][:, idx] * 1e4 for var, name in DECOMPOSITION_PARTS}
    other = total - sum(parts.values())
    return {k: np.std(v, axis=0, ddof=1) / np.sqrt(paths)
            for k, v in {"total_bp": total, **parts, "other": other}.items()}


def test_each_mean_of_the_decomposition_has_its_samples_standard_error(res):
    """'other' was +11 bp by 2030 at 200 paths against ~1 bp for the named parts, mostly Monte Carlo
    noise, with nothing to say so: each mean now has its standard error, std across paths / sqrt(paths)."""
    rows, se = res.decomposition(), res.decomposition_se()
    assert [r["month"] for r in se] == [r["month"] for r in rows]
    assert all(list(e) == list(r) for r, e in zip(rows, se, strict=True))   # the same keys, in order
    T = len(res.months)
    want = _sample_se(res.arrays, res._base("y10"), [11, 23, T - 1], res.paths)
    for j, e in enumerate(se):
        for k, v in want.items():
            assert e[k] == pytest.approx(v[j], rel=1e-9), (k, e["month"])
    assert se[-1]["other"] > 0.5           # noise of several bp at 60 paths, not a rounding error


def test_a_run_keeping_a_sample_divides_by_every_path():
    """keep_paths=20 of 60: the standard deviation is the kept sample's, the mean's count all 60 paths."""
    r = run("baseline", paths=60, seed=2, workers=1, keep_paths=20)
    assert r.arrays["y10"].shape[0] == 20
    want = _sample_se(r.arrays, r._base("y10"), [11], 60)
    assert r.decomposition_se(at=[11])[0]["other"] == pytest.approx(want["other"][0], rel=1e-9)


def test_words_say_a_part_within_two_standard_errors_is_not_told_from_zero():
    from treasurylab.scenario.results import decomposition_noise

    rows = [{"month": "2026-12", "total_bp": 9.0, "flows (selling)": 3.0, "other": 6.0}]
    se = [{"month": "2026-12", "total_bp": 1.0, "flows (selling)": 0.5, "other": 3.5}]
    words = decomposition_noise(rows, se, 200)
    assert words is not None and "not distinguishable from zero at 200 paths" in words
    assert "other" in words and "flows" not in words and "total" not in words
    se[0]["other"] = 2.9                   # 6.0 > 2 x 2.9: told from zero
    assert decomposition_noise(rows, se, 200) is None
    # a part that is exactly zero on every path (no term-premium event) is not noise
    assert decomposition_noise([{"month": "m", "term-premium event": 0.0}],
                               [{"month": "m", "term-premium event": 0.0}], 200) is None


def test_the_reports_decomposition_draws_the_totals_uncertainty_once_and_hatches_the_noise(res):
    """Every bar and the line carried +-1 standard error bars: a stacked bar's sits at the top of its
    stack, on the line's own, and 60 months of them hid the chart. Now the total's +-2 standard errors
    are one band around its line, a part within 2 standard errors of zero is hatched (not told from
    zero), and every standard error is in the hover."""
    from treasurylab.scenario.results import NOISE_SE

    (_, fig), = figures_for(res)["loop"]
    rows, se = res.decomposition(at="all"), res.decomposition_se(at="all")
    assert all(t.error_y.array is None for t in fig.data), "no error bars left on the chart"
    total = np.array([r["total_bp"] for r in rows])
    half = NOISE_SE * np.array([e["total_bp"] for e in se])
    band = [t for t in fig.data if t.type == "scatter" and t.name and "standard errors" in t.name]
    assert len(band) == 2 and band[1].fill == "tonexty"
    np.testing.assert_allclose(list(band[0].y), total + half, rtol=1e-12)
    np.testing.assert_allclose(list(band[1].y), total - half, rtol=1e-12)
    for t in fig.data:
        if t.type != "bar":
            continue
        v = np.array([r[t.name] for r in rows])
        e = np.array([x[t.name] for x in se])
        np.testing.assert_allclose(list(t.customdata), e, rtol=1e-12)      # the hover's "± se"
        noise = (np.abs(v) < NOISE_SE * e) & (e > 0)
        shapes = t.marker.pattern.shape if t.marker.pattern.shape is not None else [""] * len(v)
        assert [bool(x) for x in shapes] == list(noise), t.name
    other = next(t for t in fig.data if t.name == "other")
    assert any(other.marker.pattern.shape), "at 60 paths 'other' is noise in some month"
    assert "hatched" in " ".join(a.text for a in fig.layout.annotations)
    html = render(res)
    assert 'id="loop-noise"' in html and "not distinguishable from zero at 60 paths" in html


def test_the_report_says_other_is_sampling_noise_of_mean_zero_only_when_it_is():
    """'other' (the paths' random shocks' mean) dominated the chart at a few hundred paths with nothing
    under it saying it is noise around zero; the words come where it is within 2 standard errors of
    zero, and say so when capped paths, whose cap is not of mean zero, sit in it too."""
    from treasurylab.scenario.results import other_noise as other_note

    rows = [{"month": "2026-01", "total_bp": 5.0, "other": 4.0}, {"month": "2026-02", "total_bp": 9.0, "other": 8.0}]
    se = [{"month": "2026-01", "total_bp": 3.0, "other": 3.0}, {"month": "2026-02", "total_bp": 3.0, "other": 3.0}]
    words = other_note(rows, se, 400, 0.0)
    assert words is not None and "sampling noise" in words and "expected value is zero" in words
    assert "1 of 2 months" in words and "400 paths" in words and "regime" not in words
    # the month that stands out is put next to how often a mean of zero does so by chance (5% at 2 se)
    assert "about 5% of months by chance alone" in words
    capped = other_note(rows, se, 400, 0.02)
    assert "regime bound" in capped and "2.0% of the paths" in capped and "mostly sampling noise" in capped
    both = other_note(rows, [dict(e, other=5.0) for e in se], 400, 0.0)
    assert "2 of 2 months" in both and "chance" not in both
    se[0]["other"] = 1.9                      # 4.0 > 2 x 1.9: 'other' stands out in every month
    assert other_note(rows, se, 400, 0.0) is None
    assert "treasurylab compare" not in other_note(rows, [dict(e, other=3.0) for e in se], 400, 0.0, events=False)


def test_the_report_shows_other_as_noise_under_its_chart(res):
    html = render(res)
    assert 'id="loop-other"' in html and "sampling noise" in html


def test_the_waterfall_has_no_bar_that_can_only_show_zero(res):
    """The waterfall ended on a 'net' total that was 0 by construction: what the price-sensitive
    investors absorbed is the others' changes with the sign turned (the market clears). The bars now
    end at zero on their own and the source line says why."""
    (_, fig), = figures_for(res)["holders"]
    w = fig.data[0]
    assert "net" not in list(w.x) and set(w.measure) == {"relative"}
    assert "absorbed" in w.x[-1]
    assert sum(w.y) == pytest.approx(0.0, abs=1e-9)          # the chart ends at zero by itself
    assert w.y[-1] > 0 and w.y[-1] == pytest.approx(-sum(w.y[:-1]))
    assert "market clears" in " ".join(a.text for a in fig.layout.annotations)


def test_whole_percents_add_up_to_100_and_stay_within_a_point():
    """Each share rounded alone: a third each was 33% + 33% + 33% = 99%, under words saying 100%."""
    from treasurylab.report.html import whole_percents

    assert whole_percents([1 / 3, 1 / 3, 1 / 3, 0.0]) == [34, 33, 33, 0]
    assert whole_percents([0.0, 0.924, 0.034, 0.042]) == [0, 93, 3, 4]    # alone: 92 + 3 + 4
    assert whole_percents([0.0, 0.0]) == [0, 0]
    rng = np.random.default_rng(3)
    for _ in range(200):
        s = rng.dirichlet(np.full(4, 0.3))
        got = whole_percents(list(s))
        assert sum(got) == 100
        assert all(abs(g - 100 * x) < 1 for g, x in zip(got, s, strict=True)), (got, s)


def test_the_band_sources_table_gives_every_number_its_unit_and_what_it_is_a_share_of(res):
    """Bare '%.0f' shares (a row of three thirds read 33% 33% 33%) and a p5-p95 width with no unit."""
    import html as H

    rows = [{"variable": "y10", "label": "10-year yield (%)", "month": "2026-12", "total_width": 2.76, "paths": 60,
             "contagion": 1 / 3, "rates": 1 / 3, "macro": 1 / 3, "fiscal": 0.0},
            {"variable": "net_interest", "label": "net interest (USD bn/yr)", "month": "2026-12",
             "total_width": 1384.95, "paths": 60, "contagion": 0.0, "rates": 0.924, "macro": 0.034, "fiscal": 0.042},
            {"variable": "debt_gdp", "label": "debt held by the public (% of GDP)", "month": "2026-12",
             "total_width": 0.0, "paths": 60, "contagion": 0.0, "rates": 0.0, "macro": 0.0, "fiscal": 0.0}]
    page = H.unescape(render(res, band_sources=rows))
    table = page[page.index('id="band-sources"'):]
    table = table[:table.index("</table>")]
    assert "share of the band's variance, % of the four sources' sum" in table
    assert "p5-p95 width (all sources on)" in table
    body = re.findall(r"<tr><td>(.*?)</tr>", table, flags=re.S)
    assert len(body) == 3
    cells = [re.findall(r'<td class="num">([^<]*)</td>', r) for r in body]
    assert cells[0] == ["2.76 pp", "34%", "33%", "33%", "0%"]          # a % variable's width is in pp
    assert cells[1] == ["1,384.95 USD bn/yr", "0%", "93%", "3%", "4%"]
    for c in cells[:2]:
        assert sum(int(x.rstrip("%")) for x in c[1:]) == 100
    assert cells[2] == ["0.00 pp of GDP"] and "no spread across paths" in body[2]


def test_a_share_that_rounds_to_nothing_is_not_shown_as_zero():
    """'0%' in "Where the bands come from" could be anything under half a per cent; a bare 0% is now
    kept for a share that is exactly zero."""
    from treasurylab.report.html import shown_percents

    assert shown_percents([0.0, 0.996, 0.003, 0.001]) == ["0%", "100%", "<0.5%", "<0.5%"]
    assert shown_percents([0.0, 0.924, 0.034, 0.042]) == ["0%", "93%", "3%", "4%"]
    # a share of at least half a per cent that the largest remainder leaves at 0 is under 1%
    assert shown_percents([0.0065, 0.0065, 0.987]) == ["1%", "<1%", "99%"]


def _band_row(clipped: dict, variance_sum: float, month: str = "2026-12") -> dict:
    return {"variable": "y10", "label": "10-year yield (%)", "month": month, "total_width": 2.76, "paths": 60,
            "contagion": 0.3, "rates": 0.7, "macro": 0.0, "fiscal": 0.0, "variance_sum": variance_sum,
            "clipped": clipped}


def test_the_set_to_0_column_shows_only_where_a_cut_is_material(res):
    """The 'set to 0' column showed in most reports though the cuts were mostly under 0.1% of a row's
    sum. It now shows only where a cut reaches 0.5% of its row's sum (it can move a whole-per-cent
    share beyond rounding); the note says the rule and still gives every smaller cut."""
    import html as H

    from treasurylab.scenario.compare import CLIPPED_MATERIAL, clipped_cell

    def table_and_note(rows):
        page = render(res, band_sources=rows)
        part = page[page.index('id="band-sources"'):]
        note = re.search(r'id="band-clipped">([^<]*)<', page).group(1)
        return H.unescape(part[:part.index("</table>")]), H.unescape(note)

    small = _band_row({"macro": 1e-5}, 0.1)                  # 0.01% of the sum
    table, note = table_and_note([small, _band_row({}, 0.1, "2027-12")])
    assert "set to 0" not in table and clipped_cell(small) not in table
    assert "Every cut is under 0.5% of its row's sum" in note and clipped_cell(small) in note
    big = _band_row({"fiscal": CLIPPED_MATERIAL * 0.1}, 0.1, "2030-12")      # exactly at the rule
    table, note = table_and_note([small, big])
    assert "set to 0" in table and clipped_cell(big) in table and clipped_cell(small) not in table
    assert "at least 0.5% of its row's sum" in note and f"10-year yield (%) 2026-12: {clipped_cell(small)}" in note
    assert clipped_cell(big) not in note


def test_the_words_under_the_decomposition_say_within_two_standard_errors_once(res):
    """Both paragraphs under the decomposition chart said 'within 2 standard errors': the first says
    what 'not distinguishable from zero' means, the second ('other' is noise) no longer repeats it."""
    page = render(res)
    words = page[page.index('id="loop-noise"'):]
    words = words[:words.index("</p>", words.index('id="loop-other"'))]
    assert words.count("standard errors") == 1 and words.count("1/sqrt(paths)") == 1, words
