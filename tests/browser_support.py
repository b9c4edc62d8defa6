"""Shared by the browser tests: JupyterLab over a temporary copy of the notebooks, driven by
Playwright in Debian's Chromium.

The server binds 127.0.0.1 on a free port with no token, and every Jupyter/IPython/matplotlib
state directory is isolated in a temporary folder. Without Chromium (or Playwright) a browser test
skips on a developer's machine; with CI=true it FAILS instead (.ci/run installs Debian's chromium).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
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


def lab_server(tmp_path_factory):
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


def artifacts_dir(tmp_path):
    path = Path(os.environ.get("BPLAB_ARTIFACTS") or tmp_path)
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_and_run_all(page, lab, notebook):
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
    # Run All is done when no cell waits ("[*]") and the last code cell has its execution number
    expect(page.locator(".jp-Notebook .jp-InputPrompt", has_text="[*]")).to_have_count(0)
    expect(page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").last).to_have_text(re.compile(r"\[\d+\]"))
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first).to_be_attached()
    assert page.locator(".jp-OutputArea-output", has_text="Traceback").count() == 0




def ensure_file_browser_open(page):
    """Open JupyterLab's left sidebar on the file browser if it is closed (it is open when JupyterLab starts),
    so that widgets are measured in the width a learner has."""
    panel = page.locator("#filebrowser")
    if not panel.is_visible():
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab[data-id='filebrowser']").click()
    from playwright.sync_api import expect

    expect(panel).to_be_visible()
    page.wait_for_timeout(300)  # the notebook panel takes the remaining width


# ---------------------------------------------------------------- measuring a widget in the page
# Both take the widget's outer element (e.g. ``.bplab-stepper``) and look at everything rendered inside it.
OVERFLOW_JS = """
(root) => {
  const describe = (el) => el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
      ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '')
      + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  const box = root.getBoundingClientRect();
  const bad = [];
  const area = root.closest('.jp-OutputArea-output');
  if (area && area.scrollWidth > area.clientWidth + 1) bad.push(['output area scrolls', area.scrollWidth, area.clientWidth]);
  if (area && box.right > area.getBoundingClientRect().right + 1) bad.push(['stepper wider than its output area', box.right]);
  if (box.right > document.documentElement.clientWidth + 1) bad.push(['stepper beyond the window', box.right]);
  for (const el of [root, ...root.querySelectorAll('*')]) {
    if (el.closest('style, script') || !el.getClientRects().length) continue;
    if (el.scrollWidth > el.clientWidth + 1) bad.push(['content wider than its box', describe(el), el.scrollWidth, el.clientWidth]);
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > box.right + 1) bad.push(['right edge beyond the stepper', describe(el), r.right, box.right]);
  }
  return bad;
}
"""

SMALLEST_TEXT_JS = """
(root) => {
  // the rendered font size of every visible piece of text; SVG text at the size it is drawn
  let smallest = [Infinity, ''];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node, count = 0;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('style, script, title') || !el.getClientRects().length) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    count += 1;
    if (size < smallest[0]) smallest = [size, el.tagName.toLowerCase() + ' "' + text.slice(0, 30) + '"'];
  }
  return [smallest[0], smallest[1], count];
}
"""
