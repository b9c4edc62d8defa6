"""The stepper's page (``Stepper.to_html()``) in Chromium with every network request blocked.

No JupyterLab and no kernel: the page is written to a file and opened from disk, and every request
that is not file:, data: or about: is recorded and aborted. The test asserts that none was attempted,
clicks Next through every step comparing the data-values with bplab's numbers, presses the arrow
keys, measures overflow at 1280x800 and the smallest text at 1920x1080 with scale=1.5, and shows
the same page inside an iframe's srcdoc (how a course page or the docs site can embed it).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pytest

import bplab
from bplab.stepper import Stepper, parse_number

from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OVERFLOW_JS,
    SMALLEST_TEXT_JS,
    UI_TIMEOUT,
    _require_browser,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCAL = ("file:", "data:", "about:")


@pytest.fixture
def offline_page():
    """A Chromium page on which every request other than file:/data:/about: is recorded and aborted."""
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT)
    attempted = []

    def block(route):
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    def open_page(viewport):
        page = browser.new_page(viewport=viewport)
        page.set_default_timeout(UI_TIMEOUT)
        page.route("**/*", block)
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else attempted.append(r.url))
        return page

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield open_page, attempted
        finally:
            browser.close()


def _shown_values(page):
    """{key: (data-value, text)} of the value cells of the step on show."""
    cells = page.locator(".bplab-step:not([hidden]) td[data-key]").evaluate_all(
        "tds => tds.map(td => [td.dataset.key, td.dataset.value, td.innerText.trim()])"
    )
    return {k: (float(v), t) for k, v, t in cells}


def test_the_page_works_offline_with_every_request_blocked(offline_page, tmp_path, artifacts):
    from playwright.sync_api import expect

    open_page, attempted = offline_page
    net, x, y = bplab.worked_example()
    stepper = Stepper(net, x, y, loss="half_sse", lr=bplab.examples.LEARNING_RATE)
    path = tmp_path / "stepper.html"
    path.write_text(stepper.to_html(), encoding="utf-8")
    page = open_page({"width": 1280, "height": 800})
    page.goto(path.as_uri())
    root = page.locator(".bplab-stepper")
    status = root.locator(".bplab-status")
    n = stepper.n_steps
    expect(status).to_have_text(stepper.status(0))
    expect(root.locator(".bplab-back")).to_be_disabled()
    assert page.locator(".bplab-step:not([hidden])").count() == 1
    for i in range(n):
        if i:
            root.locator(".bplab-next").click()
        expect(status).to_have_text(stepper.status(i))
        expect(page.locator(f".bplab-step[data-step='{i}']")).to_be_visible()
        shown = _shown_values(page)
        assert set(shown) == set(stepper.steps[i].values()), stepper.status(i)
        for key, (value, text) in shown.items():
            truth = stepper.lookup(key)  # bplab's own numbers, in this process
            assert value == truth, (i, key)
            assert math.isclose(parse_number(text), truth, rel_tol=1e-4, abs_tol=1e-300), (i, key, text)
        expect(page.locator(".bplab-step:not([hidden]) .bplab-formula math").first).to_be_visible()
        expect(page.locator(".bplab-step:not([hidden]) .bplab-diagram svg")).to_be_visible()
        bad = root.evaluate(OVERFLOW_JS)
        assert not bad, (stepper.status(i), bad[:5])
        if i in (1, n - 1):
            page.screenshot(path=str(artifacts / f"page-1280-step{i + 1}.png"), full_page=True)
    expect(root.locator(".bplab-next")).to_be_disabled()
    # the arrow keys move too, and stop at the ends
    page.keyboard.press("ArrowLeft")
    expect(status).to_have_text(stepper.status(n - 2))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text(stepper.status(n - 1))
    for _ in range(n + 2):
        page.keyboard.press("ArrowLeft")
    expect(status).to_have_text(stepper.status(0))
    assert _shown_values(page)["a[0][2]"][0] == 2.0
    assert attempted == [], attempted  # nothing was fetched, or even tried


def test_the_page_zoomed_for_a_lecture_hall(offline_page, tmp_path, artifacts):
    from playwright.sync_api import expect

    open_page, attempted = offline_page
    net = bplab.Network([8, 8, 8, 8, 8], "sigmoid", seed=0)  # 4 layers of 8 neurons
    stepper = Stepper(net, np.linspace(-1.0, 1.0, 8), np.eye(8)[2], lr=0.5, edge_scale="global", scale=1.5)
    path = tmp_path / "deep.html"
    path.write_text(stepper.to_html(), encoding="utf-8")
    page = open_page({"width": 1920, "height": 1080})
    page.goto(path.as_uri())
    root = page.locator(".bplab-stepper")
    for i in range(stepper.n_steps):
        if i:
            page.keyboard.press("ArrowRight")
        expect(root.locator(".bplab-status")).to_have_text(stepper.status(i))
        smallest, where, count = root.evaluate(SMALLEST_TEXT_JS)
        assert count > 50 and smallest >= 18, (stepper.status(i), smallest, where)
        bad = root.evaluate(OVERFLOW_JS)
        assert not bad, (stepper.status(i), bad[:5])
    page.screenshot(path=str(artifacts / "page-1920-scale150-update.png"), full_page=False)
    assert attempted == [], attempted


def test_the_page_in_an_iframe_srcdoc(offline_page):
    """How a course page (or the docs site) can embed it: the whole document in srcdoc."""
    from playwright.sync_api import expect

    open_page, attempted = offline_page
    stepper = Stepper(*bplab.worked_example())
    page = open_page({"width": 1280, "height": 800})
    page.set_content(f'<iframe srcdoc="{html.escape(stepper.to_html())}" style="width:1200px;height:700px"></iframe>')
    frame = page.frame_locator("iframe")
    expect(frame.locator(".bplab-status")).to_have_text(stepper.status(0))
    frame.locator(".bplab-next").click()
    expect(frame.locator(".bplab-status")).to_have_text(stepper.status(1))
    value = frame.locator(".bplab-step:not([hidden]) td[data-key='z[1][1]']").get_attribute("data-value")
    assert float(value) == stepper.lookup("z[1][1]") == 5.0
    assert attempted == [], attempted
    # and the recorder does catch a request: the same page fetching something is seen and refused
    failed = page.evaluate("fetch('https://example.invalid/a.js').then(() => false, () => true)")
    assert failed and set(attempted) == {"https://example.invalid/a.js"}
