"""The training playground in a real browser: JupyterLab + Chromium, driven by Playwright (see browser_support)."""

from __future__ import annotations

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT, artifacts_dir, lab_server, open_and_run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    yield from lab_server(tmp_path_factory)


@pytest.fixture
def artifacts(tmp_path):
    return artifacts_dir(tmp_path)


def test_playground_in_jupyterlab(lab, artifacts):
    """Step, Epoch, Run in the kernel's background thread, and Stop, in notebook 11's playground."""
    import re

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(UI_TIMEOUT)
            open_and_run_all(page, lab, "11-training-playground.ipynb")
            box = page.locator(".bplab-playground").first
            box.scroll_into_view_if_needed()
            status = box.locator(".bplab-status")
            expect(status).to_contain_text("network [2, 8, 2] · epoch 0 · 0 updates")
            box.locator(".bplab-step").click()
            expect(status).to_contain_text("epoch 0 · 1 updates")
            box.locator(".bplab-epoch").click()
            expect(status).to_contain_text("epoch 1 · 14 updates")  # 200 samples in mini-batches of 16
            epochs = box.locator(".bplab-epochs input")
            epochs.fill("100000")
            epochs.press("Enter")
            box.locator(".bplab-run").click()
            expect(box.locator(".bplab-stop")).to_be_enabled()
            expect(box.locator(".bplab-epoch")).to_be_disabled()
            expect(status).to_contain_text(re.compile(r"epoch ([4-9]|\d{2,}) "))  # it trains in the background
            box.locator(".bplab-stop").click()
            expect(box.locator(".bplab-run")).to_be_enabled()
            stopped = status.inner_text()
            page.wait_for_timeout(2000)
            assert status.inner_text() == stopped, "training went on after Stop"
            done = int(re.search(r"epoch (\d+)", stopped).group(1))
            assert 4 <= done < 100000
            assert box.locator(".bplab-plot").evaluate("img => img.naturalWidth") > 0
            expect(box.locator(".bplab-errors")).to_be_hidden()
            page.wait_for_timeout(500)
            box.screenshot(path=str(artifacts / "playground.png"))
        except BaseException:
            page.screenshot(path=str(artifacts / "failure-playground.png"))
            raise
        finally:
            browser.close()
