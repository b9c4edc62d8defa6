"""The stepper in a real browser: JupyterLab + Chromium, driven by Playwright (see browser_support).

Opens notebooks/10-propagation-stepper.ipynb in a temporary copy, runs all cells, and

* at 1280x800 with JupyterLab's file browser open (a laptop): clicks Next through every step of seed
  004's worked example and of the 4-layer, 8-neuron network, checks at every step that nothing inside
  the stepper is wider than its box or sticks out of it, and that the numbers the page shows (the
  data-value attributes and the visible text) are the ones bplab computes in this test process;
  Play runs, its stop button pauses where it is; the offline page the notebook shows in a frame
  moves with its Next button;
* at 1920x1080 with the zoom at 150% (a lecture hall): no text smaller than 18 px at any step, SVG
  text measured at the size it is drawn, and still no overflow.

Screenshots go to $BPLAB_ARTIFACTS, or to pytest's tmp_path.
"""

from __future__ import annotations

import contextlib
import math
import re

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
    open_and_run_all,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


NOTEBOOK = "10-propagation-stepper.ipynb"


def worked_state():
    net, x, y = bplab.worked_example()
    return Stepper(net, x, y, loss="half_sse", lr=bplab.examples.LEARNING_RATE)  # bplab, in this process


def deep_state():
    """The notebook's network of 4 layers of 8 sigmoid neurons, built here again."""
    net = bplab.Network([8, 8, 8, 8, 8], "sigmoid", seed=0)
    return Stepper(net, np.linspace(-1.0, 1.0, 8), np.eye(8)[2], loss="half_sse", lr=0.5)


def _cells(stepper_box):
    """[(key, data-value, visible text)] of the values table, read in the page."""
    return stepper_box.locator(".bplab-values td[data-key]").evaluate_all(
        "tds => tds.map(td => [td.dataset.key, td.dataset.value, td.innerText.trim()])"
    )


def _check_values(box, expected, i):
    cells = _cells(box)
    shown = {k: float(v) for k, v, _ in cells}
    assert set(shown) == set(expected.steps[i].values()), expected.status(i)
    for key, value, text in cells:
        truth = expected.lookup(key)  # straight from bplab's trace / gradients
        assert float(value) == truth, (expected.status(i), key, value, truth)
        assert math.isclose(parse_number(text), truth, rel_tol=1e-4, abs_tol=1e-300), (expected.status(i), key, text)
    return shown, dict((k, t) for k, _, t in cells)


def _no_overflow(box, where):
    bad = box.evaluate(OVERFLOW_JS)
    assert not bad, (where, bad[:5])


def _walk(page, box, expected, on_step=None):
    """Reset, then Next through every step: the status, the numbers and no overflow at each."""
    from playwright.sync_api import expect

    status = box.locator(".bplab-status")
    box.locator(".bplab-reset").click()
    expect(status).to_have_text(expected.status(0))
    _no_overflow(box, expected.status(0))
    for i in range(1, expected.n_steps):
        box.locator(".bplab-next").click()
        expect(status).to_have_text(expected.status(i))
        expect(box.locator(f".bplab-values .bplab-tables[data-step='{i}']")).to_be_attached()
        _check_values(box, expected, i)
        _no_overflow(box, expected.status(i))
        if on_step:
            on_step(i)
    expect(box.locator(".bplab-next")).to_be_disabled()


@contextlib.contextmanager
def notebook_page(lab, viewport, failure_png):
    """Chromium at ``viewport`` on the notebook, all cells run; a screenshot if the test fails."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=viewport)
        page.set_default_timeout(UI_TIMEOUT)
        try:
            open_and_run_all(page, lab, NOTEBOOK)
            yield page
        except BaseException:
            page.screenshot(path=str(failure_png))
            raise
        finally:
            browser.close()


def test_stepper_on_a_laptop_in_jupyterlab(lab, artifacts):
    from playwright.sync_api import expect

    expected = worked_state()
    n = expected.n_steps
    with notebook_page(lab, {"width": 1280, "height": 800}, artifacts / "failure-1280.png") as page:
        # JupyterLab starts with its left sidebar (the file browser) open: the learner's layout
        browser_panel = page.locator(".jp-FileBrowser").first
        expect(browser_panel).to_be_visible()
        assert browser_panel.bounding_box()["width"] > 150

        box = page.locator(".bplab-stepper").first
        box.scroll_into_view_if_needed()
        expect(box.locator(".bplab-errors")).to_be_hidden()
        assert "bplab-scale-100" in box.get_attribute("class")

        def worked_step(i):
            if i == 1:
                shown, text = _check_values(box, expected, 1)
                # the worked example's first neuron: z = 2*1 + 1*2 + 1 = 5, a = sigma(5)
                assert shown["z[1][1]"] == 5.0
                assert shown["a[1][1]"] == pytest.approx(1 / (1 + np.exp(-5.0)), rel=1e-15)
                assert text["z[1][1]"] == "5" and text["a[1][1]"] == "0.99331"
                expect(box.locator(".bplab-formula math").first).to_be_visible()  # MathML, drawn by the browser
                expect(box.locator(".bplab-diagram svg .bplab-node-active")).to_have_count(3)
                expect(box.locator(".bplab-legend")).to_contain_text("activation a")
                box.screenshot(path=str(artifacts / "stepper-1280-step2-forward.png"))
            if i == 5:
                expect(box.locator(".bplab-legend")).to_contain_text("error term δ")
                box.screenshot(path=str(artifacts / "stepper-1280-step6-delta3.png"))
            if i == n - 1:
                expect(box.locator(".bplab-legend")).to_contain_text("ΔW = −η ∂C/∂W")
                box.screenshot(path=str(artifacts / "stepper-1280-step12-update.png"))

        _walk(page, box, expected, worked_step)
        page.screenshot(path=str(artifacts / "jupyterlab-1280-stepper.png"), full_page=False)

        # Back goes one step back; the "go to" menu shows the step number too (counted from 1)
        status = box.locator(".bplab-status")
        box.locator(".bplab-back").click()
        expect(status).to_have_text(expected.status(n - 2))
        expect(box.locator(".bplab-step-menu select")).to_have_value(expected.status(n - 2).replace("Step ", "", 1))

        # Play advances by itself; its stop button pauses where it is (it used to go back to step 1)
        box.locator(".bplab-reset").click()
        expect(status).to_have_text(expected.status(0))
        play_buttons = box.locator(".bplab-play button")
        play_buttons.nth(0).click()
        expect(status).to_have_text(expected.status(2))
        play_buttons.nth(1).click()  # stop (ipywidgets 8: play/pause, stop, repeat)
        page.wait_for_timeout(1500)  # longer than one Play tick
        stopped = status.inner_text()
        assert not stopped.startswith("Step 1 of"), stopped
        expect(box.locator(".bplab-step-menu select")).to_have_value(stopped.replace("Step ", "", 1))
        page.wait_for_timeout(1600)
        assert status.inner_text() == stopped  # paused: no further ticks
        expect(box.locator(".bplab-errors")).to_be_hidden()

        # the notebook shows the offline page (Stepper.to_html) in a frame: it works there too
        frame_element = page.locator("iframe.bplab-page-frame")
        frame_element.scroll_into_view_if_needed()
        frame = page.frame_locator("iframe.bplab-page-frame")
        expect(frame.locator(".bplab-status")).to_have_text(expected.status(0))
        frame.locator(".bplab-next").click()
        expect(frame.locator(".bplab-status")).to_have_text(expected.status(1))
        cell = frame.locator(".bplab-step:not([hidden]) td[data-key='z[1][1]']")
        assert float(cell.get_attribute("data-value")) == expected.lookup("z[1][1]")
        frame_element.screenshot(path=str(artifacts / "jupyterlab-1280-offline-page-in-frame.png"))

        # the network of 4 layers of 8 neurons, drawn on one edge scale
        deep_box = page.locator(".bplab-stepper").nth(1)
        deep_box.scroll_into_view_if_needed()
        expect(deep_box.locator(".bplab-edge-scale select")).to_have_value("one for all layers")
        deep = deep_state()

        def deep_step(i):
            if deep.steps[i].kind == "gradient" and deep.steps[i].layer == 1:
                expect(deep_box.locator(".bplab-legend")).to_contain_text("one scale for all layers")
                deep_box.screenshot(path=str(artifacts / "stepper-1280-4x8-gradients-layer1.png"))

        _walk(page, deep_box, deep, deep_step)
        expect(deep_box.locator(".bplab-errors")).to_be_hidden()


def test_stepper_in_a_lecture_hall_in_jupyterlab(lab, artifacts):
    from playwright.sync_api import expect

    with notebook_page(lab, {"width": 1920, "height": 1080}, artifacts / "failure-1920.png") as page:
        for nth, expected in ((0, worked_state()), (1, deep_state())):
            box = page.locator(".bplab-stepper").nth(nth)
            box.scroll_into_view_if_needed()
            box.locator(".bplab-scale select").select_option(label="150%")  # the zoom control
            expect(box).to_have_class(re.compile(r"\bbplab-scale-150\b"))
            sizes = []

            def measure(i, box=box, sizes=sizes, expected=expected, nth=nth):
                smallest, where, count = box.evaluate(SMALLEST_TEXT_JS)
                assert count > 50, count
                assert smallest >= 18, (expected.status(i), smallest, where)
                sizes.append(smallest)
                if nth == 0 and i in (1, 11):
                    box.screenshot(path=str(artifacts / f"stepper-1920-scale150-step{i + 1}.png"))

            _walk(page, box, expected, measure)
            assert len(sizes) == expected.n_steps - 1
        page.screenshot(path=str(artifacts / "jupyterlab-1920-scale150.png"), full_page=False)
