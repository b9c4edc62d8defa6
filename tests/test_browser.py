"""The stepper in a real browser: JupyterLab + Chromium, driven by Playwright.

Starts JupyterLab on 127.0.0.1 (a free port, no token) over a TEMPORARY COPY of the
notebooks, with every Jupyter/IPython/matplotlib state directory isolated; opens
notebooks/08-propagation-stepper.ipynb, runs all cells, clicks Next through every
phase of seed 004's worked example, and checks that the numbers the page shows (the
data-value attributes and the visible text) are the ones bplab computes in this test
process. Screenshots go to $BPLAB_ARTIFACTS, or to pytest's tmp_path.

Nothing is installed here. Without Chromium (or Playwright) the test skips on a
developer's machine; with CI=true it FAILS instead (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import bplab
from bplab.stepper import Stepper

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "08-propagation-stepper.ipynb"
CHROMIUM = os.environ.get("BPLAB_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_TIMEOUT = 180  # seconds; a loaded 2-core machine is slow
UI_TIMEOUT = 120_000  # milliseconds, for Playwright


def _unavailable(reason):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser test cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _require_browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _isolated_env(base: Path):
    env = dict(os.environ)
    dirs = {
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "TMPDIR": "tmp",
    }
    for var, name in dirs.items():
        path = base / name
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    # Silence JupyterLab's "news" question and update check, which would cover the page.
    notification = base / "lab-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True, exist_ok=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    docmanager = base / "lab-settings" / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    docmanager.parent.mkdir(parents=True, exist_ok=True)
    docmanager.write_text(json.dumps({"autoStartDefaultKernel": True}))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("JUPYTER_TOKEN", None)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    return env


def _stop(proc):
    """SIGTERM to the server's process group (it shuts its kernels down), then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _require_browser()
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "notebooks"
    shutil.copytree(ROOT / "notebooks", root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = _isolated_env(base)
    port = _free_port()
    log = open(base / "server.log", "w")
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=False",
        f"--ServerApp.root_dir={root}",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{(base / 'server.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer /api/status in {SERVER_TIMEOUT} s")
            time.sleep(0.5)
        yield {"url": url, "root": root, "log": base / "server.log"}
    finally:
        _stop(proc)
        log.close()


@pytest.fixture
def artifacts(tmp_path):
    path = Path(os.environ.get("BPLAB_ARTIFACTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cells(stepper_box):
    """[(key, data-value, visible text)] of the values table, read in the page."""
    return stepper_box.locator(".bplab-values td[data-key]").evaluate_all(
        "tds => tds.map(td => [td.dataset.key, td.dataset.value, td.innerText.trim()])"
    )


def _open_and_run_all(page, lab, notebook):
    """Open a notebook of the temporary copy, start its kernel, Run All, and wait for the end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    page.goto(f"{lab['url']}/lab/tree/{notebook}?reset", timeout=UI_TIMEOUT)  # ?reset: no restored tabs
    page.locator(".jp-Notebook .jp-Cell").first.wait_for()
    # JupyterLab may still ask which kernel to start: accept the notebook's own (Python 3)
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(state="visible", timeout=8000)
    except PlaywrightTimeout:
        pass
    else:
        dialog.locator("button.jp-mod-accept").click()
    # wait until the kernel is up, then Run > Run All Cells
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_attached()
    page.locator(".lm-MenuBar-item", has_text="Run").first.click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    # both notebooks end with three exercises: when their feedback shows, Run All is done
    expect(page.locator(".jp-OutputArea-output", has_text="Not answered yet")).to_have_count(3)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_attached()
    assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0


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
            _open_and_run_all(page, lab, NOTEBOOK)

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


def test_playground_in_jupyterlab(lab, artifacts):
    """Step, Epoch, Run in the kernel's background thread, and Stop, in notebook 09's playground."""
    import re

    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(UI_TIMEOUT)
            _open_and_run_all(page, lab, "09-training-playground.ipynb")
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
