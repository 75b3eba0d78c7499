"""The dashboard in a real headless browser (Playwright + Debian's chromium, as the report test).

Every page loads with no console error and every chart on it has data; a bad scenario upload shows the
field error inline; running davos-2026 from the Scenarios page completes and draws fan charts.
Screenshots of each page go to ``$TREASURYLAB_E2E_OUT`` (default ``out/e2e/dashboard``, ignored by git).
Without a browser the tests are skipped with a notice, unless TREASURYLAB_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PAGES = ["/", "/holders", "/demand", "/rates", "/fiscal", "/reserves", "/minerals", "/scenarios", "/sources"]
SHOTS = Path(os.environ.get("TREASURYLAB_E2E_OUT", Path(__file__).resolve().parents[2] / "out" / "e2e" / "dashboard"))

# every plotly graph on the page drawn (svg) and holding at least one trace with points (plotly's
# computed data: arrays sent as typed-array specs are decoded there)
ALL_CHARTS_DRAWN = """() => {
  const n = a => a ? (a.length || 0) : 0;
  const gs = Array.from(document.querySelectorAll('.js-plotly-plot'));
  return gs.every(g => g.querySelector('svg.main-svg') && g._fullData && g._fullData.some(
    t => n(t.y) > 0 || n(t.x) > 0 || n(t.z) > 0));
}"""


@pytest.fixture(scope="module")
def server():
    from treasurylab.app.server import serve_in_thread

    srv, url = serve_in_thread()
    assert url.startswith("http://127.0.0.1:")
    yield url
    srv.shutdown()
    from treasurylab.app.server import close_queue

    close_queue()


def _open(browser, url: str):
    base = "/".join(url.split("/")[:3]) + "/"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.goto(url, wait_until="networkidle")
    return page, errors, outside


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_with_charts_and_no_console_error(browser, server, path):
    page, errors, outside = _open(browser, server + path)
    page.wait_for_selector("main h2", timeout=30000)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    n = page.locator(".js-plotly-plot").count()
    if path not in ("/", "/scenarios", "/sources"):
        assert n >= 2, f"{path}: {n} charts"
    # every card names its source
    cards = page.locator(".card").count()
    assert cards >= 1 and page.locator(".card .source").count() == cards
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{path.strip('/') or 'overview'}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    assert not outside, outside           # everything served by the dashboard itself (offline)
    page.close()


def test_holders_pick_several_countries(browser, server):
    page, errors, _ = _open(browser, server + "/holders")
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    page.locator("#countries").click()
    page.keyboard.type("Taiwan")
    page.get_by_text("Taiwan", exact=True).last.click()
    page.wait_for_function("() => Array.from(document.querySelectorAll('#holders-charts .js-plotly-plot'))"
                           ".some(g => g.data.some(t => t.name === 'Taiwan'))", timeout=20000)
    assert not errors, errors
    page.close()


def test_bad_yaml_upload_shows_the_field_error(browser, server):
    from treasurylab.scenario.spec import resolve

    text = resolve("davos-2026").read_text().replace("amount_bn: 0.1", "amount_bn: -5")
    page, errors, _ = _open(browser, server + "/scenarios")
    page.wait_for_selector("#upload")
    page.locator("#upload input[type=file]").set_input_files(
        files=[{"name": "bad.yaml", "mimeType": "application/x-yaml", "buffer": text.encode()}])
    err = page.wait_for_selector("#upload-error", timeout=20000).inner_text()
    assert "events[0].amount_bn" in err and "bad.yaml line" in err
    # the same message the CLI gives for the same file
    from treasurylab.errors import BadInput
    from treasurylab.scenario.spec import load_scenario_text

    with pytest.raises(BadInput) as e:
        load_scenario_text(text, "bad.yaml")
    assert err == str(e.value)
    assert not errors, errors
    page.close()


def test_run_davos_from_the_scenarios_page_draws_fan_charts(browser, server):
    page, errors, _ = _open(browser, server + "/scenarios")
    page.wait_for_selector("#run-button")
    page.locator("#paths").fill("200")
    page.locator("#run-button").click()
    page.wait_for_selector("#run-done", timeout=120000)
    page.wait_for_selector("#card-fan-y10 .js-plotly-plot", timeout=30000)
    page.wait_for_function(ALL_CHARTS_DRAWN, timeout=30000)
    names = page.evaluate("() => document.querySelector('#card-fan-y10 .js-plotly-plot').data.map(t => t.name)")
    assert "median" in names and "p5-p95 of paths" in names and "p95" in names and "observed" in names
    assert "observed since the start" in names
    assert page.locator("#run-progress").get_attribute("value") == page.locator("#run-progress").get_attribute("max")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "scenarios-davos-2026.png"), full_page=True)
    assert not errors, errors
    page.close()
