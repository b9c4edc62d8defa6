"""The training playground in a real browser: JupyterLab + Chromium, driven by Playwright (see browser_support).

At 1280x800 with JupyterLab's file browser open (as it starts), in notebook 11's playground: the buttons,
a Run that updates the view at least 10 times a second, a bad entry's message beside its box that
clears after a good action, sliders with a track of at least 200 px, chart text of at least 10 px, and
nothing wider than the notebook. Screenshots go to $BPLAB_ARTIFACTS (or a temporary folder).
"""

from __future__ import annotations

import re

import pytest

from browser_support import CHROMIUM, CHROMIUM_ARGS, UI_TIMEOUT, ensure_file_browser_open, open_and_run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Counts changes of the status line (one per redraw: it is written last) until window.__bplabStop() is called.
COUNT_UPDATES = """
(box) => {
  const status = box.querySelector('.bplab-status');
  window.__bplabUpdates = [];
  const observer = new MutationObserver(() => window.__bplabUpdates.push(performance.now()));
  observer.observe(status, {childList: true, subtree: true, characterData: true});
  window.__bplabStop = () => { observer.disconnect(); return window.__bplabUpdates; };
}
"""

# Everything in the box that sticks out of it on the right, or scrolls sideways.
OVERFLOW = """
(box) => {
  const right = box.getBoundingClientRect().right + 1;
  const bad = [];
  for (const el of box.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right) bad.push(`${el.tagName}.${el.className.baseVal ?? el.className}: right ${r.right} > ${right}`);
  }
  if (box.scrollWidth > box.clientWidth + 1) bad.push(`box scrolls: ${box.scrollWidth} > ${box.clientWidth}`);
  return bad.slice(0, 10);
}
"""


def test_playground_in_jupyterlab(lab, artifacts):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(UI_TIMEOUT)
            open_and_run_all(page, lab, "11-training-playground.ipynb")
            ensure_file_browser_open(page)
            box = page.locator(".bplab-playground").first
            box.scroll_into_view_if_needed()
            status = box.locator(".bplab-status")
            expect(status).to_contain_text("network [2, 8, 8, 3] · epoch 0 · 0 updates")

            # sizes at 1280 px with the file browser open
            tracks = box.locator(".widget-hslider .slider-container").evaluate_all(
                "els => els.map(e => e.getBoundingClientRect().width)"
            )
            assert len(tracks) == 6 and min(tracks) >= 200, tracks  # samples, noise, test share, lr, batch, speed
            fonts = box.locator("text.bplab-tick").evaluate_all(
                "els => els.map(e => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM().a)"
            )
            assert fonts and min(fonts) >= 10, fonts
            drawn = box.locator("svg[class^='bplab-']").evaluate_all(
                "els => els.map(e => [e.getBoundingClientRect().width, +e.getAttribute('width')])"
            )
            assert all(abs(w - want) < 1 for w, want in drawn), drawn  # drawn at their display size
            assert box.evaluate(OVERFLOW) == []
            readouts = box.locator(".widget-readout").evaluate_all("els => els.map(e => getComputedStyle(e).pointerEvents)")
            assert readouts and set(readouts) == {"none"}, readouts  # no typing into a readout that rounds silently
            page.screenshot(path=str(artifacts / "playground-1280.png"))

            box.locator(".bplab-step").click()
            expect(status).to_contain_text("epoch 0 · 1 updates")
            box.locator(".bplab-epoch").click()
            expect(status).to_contain_text("epoch 1 · 10 updates")  # 140 training samples: 9 mini-batches of 16

            # a bad entry: a message beside the box, the box back at the value in use, gone after a good action
            hidden = box.locator(".bplab-hidden input")
            hidden.fill("0")
            hidden.press("Enter")
            message = box.locator(".bplab-hidden-message")
            expect(message).to_have_text("⚠ layer 1 has 0 neurons; neurons must be at least 1 (1 to 64).")
            expect(hidden).to_have_value("8, 8")
            one_line = "e => e.querySelector('span').getClientRects().length"
            assert message.evaluate(one_line) == 1, "the message should fit on one line beside its box"
            expect(box.locator(".bplab-errors")).to_be_hidden()
            assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0
            page.screenshot(path=str(artifacts / "playground-message.png"))
            epochs = box.locator(".bplab-epochs input")
            epochs.fill("2.9")
            epochs.press("Enter")
            expect(box.locator(".bplab-epochs-message")).to_contain_text("epochs must be a whole number from 1 to 100000, got '2.9'")
            assert box.locator(".bplab-epochs-message").evaluate(one_line) == 1
            expect(epochs).to_have_value("300")  # the box is back at the number in use
            expect(box.locator(".bplab-errors")).to_be_hidden()
            expect(status).to_contain_text("epoch 1 · 10 updates")
            box.locator(".bplab-step").click()
            expect(status).to_contain_text("epoch 1 · 11 updates")
            expect(message).to_have_text("")
            expect(box.locator(".bplab-epochs-message")).to_have_text("")

            # Run: count the view's updates over 3 s
            epochs.fill("100000")
            epochs.press("Enter")
            box.evaluate(COUNT_UPDATES)
            box.locator(".bplab-run").click()
            expect(box.locator(".bplab-stop")).to_be_enabled()
            page.wait_for_timeout(1000)  # the first frames
            start = page.evaluate("performance.now()")
            page.wait_for_timeout(3000)
            times = page.evaluate("window.__bplabStop()")
            in_window = [t for t in times if start <= t <= start + 3000]
            page.screenshot(path=str(artifacts / "playground-running.png"))
            box.locator(".bplab-stop").click()
            expect(box.locator(".bplab-run")).to_be_enabled()
            print(f"view updates during Run: {len(in_window) / 3:.1f} per second")
            assert len(in_window) >= 30, f"{len(in_window)} updates of the status in 3 s (at least 10 per second wanted)"
            stopped = status.inner_text()
            page.wait_for_timeout(1500)
            assert status.inner_text() == stopped, "training went on after Stop"
            assert int(re.search(r"epoch (\d+)", stopped).group(1)) > 1

            # the test samples on demand
            assert box.locator(".bplab-test-sample").count() == 0
            box.locator(".bplab-show-test input").check()
            expect(box.locator(".bplab-test-sample")).to_have_count(60)
            expect(box.locator(".bplab-errors")).to_be_hidden()
            assert box.evaluate(OVERFLOW) == []
            box.locator(".bplab-network-view").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "playground-1280-view.png"))
            box.locator(".bplab-loss-view").scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "playground-1280-charts.png"))
            page.set_viewport_size({"width": 1920, "height": 1080})
            page.wait_for_timeout(500)
            box.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "playground-1920.png"))
        except BaseException:
            page.screenshot(path=str(artifacts / "failure-playground.png"))
            raise
        finally:
            browser.close()
