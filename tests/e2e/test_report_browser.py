"""The HTML report in a real headless browser: every chart renders (each plotly div has an svg).

Uses Playwright for Python with Debian's chromium (/usr/bin/chromium, installed by ``.ci/run``).
Without a browser the test is skipped with a visible reason - unless TREASURYLAB_REQUIRE_BROWSER=1
(as in CI), where a missing browser is a failure. A screenshot is saved next to the report.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e



@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from treasurylab.report.html import write_report
    from treasurylab.scenario.runner import run

    out = tmp_path_factory.mktemp("report")
    res = run("davos-2026", paths=300, workers=1)
    return write_report(res, out / "report.html")


def test_every_chart_renders(browser, report):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # offline: any request leaving the file would fail the self-contained promise
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page.goto(report.as_uri())
    page.wait_for_function("document.querySelectorAll('.plotly-graph-div').length > 0 && "
                           "Array.from(document.querySelectorAll('.plotly-graph-div')).every("
                           "d => d.querySelector('svg.main-svg'))", timeout=30000)
    n_divs = page.locator(".plotly-graph-div").count()
    n_svg = page.evaluate("Array.from(document.querySelectorAll('.plotly-graph-div'))"
                          ".filter(d => d.querySelector('svg.main-svg')).length")
    assert n_divs >= 9, f"expected at least 6 fan charts, waterfall, cascade, loop; got {n_divs}"
    assert n_svg == n_divs
    for sec in ("scenario", "fans", "holders", "cascade", "loop", "minerals", "sources"):
        assert page.locator(f"#{sec}").count() == 1, sec
    # the sources appendix lists parameters with their citations
    assert page.locator("#sources ~ table tr").count() > 20
    assert not errors, errors
    assert not requests, requests
    shot = report.with_suffix(".png")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()


@pytest.mark.parametrize("width", [1280, 900])
def test_the_waterfalls_axis_labels_stay_inside_the_chart(browser, report, width):
    """'absorbed by price-sensitive investors', the last holder's label, ran past the plot's right edge
    to the figure's (1086 of 1100 px at a 1280 px window, clipped with a wider font)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(report.as_uri())
    page.wait_for_function("document.querySelector('#holders-waterfall svg.main-svg .xtick text')", timeout=30000)
    plot, ticks = page.evaluate("""() => { const d = document.querySelector('#holders-waterfall');
        const s = d.querySelector('.nsewdrag').getBoundingClientRect();
        return [[s.left, s.right], Array.from(d.querySelectorAll('.xtick text')).map(t => {
            const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right]; })]; }""")
    assert any("absorbed" in t[0] for t in ticks)
    for text, _left, right in ticks:
        assert right <= plot[1] + 1, (text, right, plot)       # inside the plot's right edge
    page.close()
