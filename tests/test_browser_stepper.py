"""The stepper in a real browser: JupyterLab + Chromium, driven by Playwright (see browser_support).

Opens notebooks/10-propagation-stepper.ipynb in a temporary copy, runs all cells, clicks Next through
every phase of seed 004's worked example, and checks that the numbers the page shows (the data-value
attributes and the visible text) are the ones bplab computes in this test process. Screenshots go to
$BPLAB_ARTIFACTS, or to pytest's tmp_path.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import bplab
from bplab.stepper import Stepper

from browser_support import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT, artifacts_dir, lab_server, open_and_run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    yield from lab_server(tmp_path_factory)


@pytest.fixture
def artifacts(tmp_path):
    return artifacts_dir(tmp_path)


NOTEBOOK = "10-propagation-stepper.ipynb"


def _cells(stepper_box):
    """[(key, data-value, visible text)] of the values table, read in the page."""
    return stepper_box.locator(".bplab-values td[data-key]").evaluate_all(
        "tds => tds.map(td => [td.dataset.key, td.dataset.value, td.innerText.trim()])"
    )


def test_stepper_in_jupyterlab(lab, artifacts):
    from playwright.sync_api import expect, sync_playwright

    net, x, y = bplab.worked_example()
    expected = Stepper(net, x, y, loss="half_sse", lr=bplab.examples.LEARNING_RATE)  # bplab, in this process
    n = expected.n_steps
    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(UI_TIMEOUT)
            open_and_run_all(page, lab, NOTEBOOK)

            box = page.locator(".bplab-stepper").first
            box.scroll_into_view_if_needed()
            status = box.locator(".bplab-status")
            box.locator(".bplab-reset").click()
            expect(status).to_contain_text(f"Step 0 of {n - 1}")
            expect(box.locator(".bplab-errors")).to_be_hidden()

            phases = []
            for i in range(1, n):
                box.locator(".bplab-next").click()
                want = expected.status(i)
                expect(status).to_have_text(want)
                expect(box.locator(f".bplab-values .bplab-tables[data-step='{i}']")).to_be_attached()
                phases.append(want.split(" · ")[1])
                cells = _cells(box)
                shown = {k: float(v) for k, v, _ in cells}
                assert set(shown) == set(expected.steps[i].values()), want
                for key, value, text in cells:
                    truth = expected.lookup(key)  # straight from bplab's trace / gradients
                    assert float(value) == truth, (want, key, value, truth)
                    assert math.isclose(float(text), truth, rel_tol=1e-5, abs_tol=1e-300), (want, key, text)
                if i == 1:
                    # the worked example's first neuron: z = 2*1 + 1*2 + 1 = 5, a = sigma(5)
                    assert shown["z[1][1]"] == 5.0
                    assert shown["a[1][1]"] == pytest.approx(1 / (1 + np.exp(-5.0)), rel=1e-15)
                    text = dict((k, t) for k, _, t in cells)
                    assert text["z[1][1]"] == "5" and text["a[1][1]"].startswith("0.99330")
                    expect(box.locator(".bplab-formula mjx-container").first).to_be_visible()  # MathJax typeset it
                    expect(box.locator(".bplab-diagram svg .bplab-node-active")).to_have_count(3)
                    page.wait_for_timeout(500)
                    box.screenshot(path=str(artifacts / "stepper-step1-forward.png"))
                if i == 5:
                    box.screenshot(path=str(artifacts / "stepper-step5-delta3.png"))
            assert phases == ["forward"] * 3 + ["loss"] + ["backward"] * 6 + ["update"]
            expect(box.locator(".bplab-next")).to_be_disabled()
            # Back goes one step back; the slider shows the step as well
            box.locator(".bplab-back").click()
            expect(status).to_have_text(expected.status(n - 2))
            expect(box.locator(".bplab-step-slider .widget-readout")).to_have_text(str(n - 2))
            expect(box.locator(".bplab-errors")).to_be_hidden()
            page.screenshot(path=str(artifacts / "jupyterlab-stepper.png"), full_page=False)
            # Play advances by itself; its first button plays, the second pauses
            box.locator(".bplab-reset").click()
            expect(status).to_have_text(expected.status(0))
            box.locator(".bplab-play button").nth(0).click()
            expect(status).to_have_text(expected.status(2))
            box.locator(".bplab-play button").nth(1).click()
            expect(box.locator(".bplab-errors")).to_be_hidden()
        except BaseException:
            page.screenshot(path=str(artifacts / "failure.png"))
            raise
        finally:
            browser.close()
