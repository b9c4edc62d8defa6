"""The site: docs/ builds offline with -W, every notebook is a page with its outputs, and the
pages work in a real Chromium with every request outside this machine blocked.

The build is the README's docs command, ``python -m sphinx -W -b html docs OUT``, into a
temporary folder (so every notebook is executed afresh). The browser part serves the built
site on 127.0.0.1 (as GitHub Pages would serve it), records every request to any other
address and aborts it, and checks that nothing was requested outside, that MathJax (shipped
with the site) typesets the math, that a notebook page shows its figures, that the pages with
live widgets say they need a kernel, and that the static stepper steps with no kernel.
"""

from __future__ import annotations

import functools
import importlib
import http.server
import pkgutil
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import bplab
from bplab.examples import LEARNING_RATE
from bplab.stepper import Stepper
from browser_support import CHROMIUM, CHROMIUM_ARGS, _require_browser

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
UI_TIMEOUT = 60_000  # milliseconds; a loaded 2-core machine is slow


def _page(html_dir: Path, notebook_pattern: str) -> Path:
    """The built page of the one notebook whose name matches, e.g. '*-propagation-stepper'."""
    pages = sorted((html_dir / "notebooks").glob(notebook_pattern + ".html"))
    assert len(pages) == 1, f"expected one page for {notebook_pattern}, found {pages}"
    return pages[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once for this module, with the README's command."""
    out = tmp_path_factory.mktemp("site") / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-b", "html", str(DOCS), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, "the site build failed:\n" + (result.stdout + result.stderr)[-6000:]
    return out


# -- static checks of the sources (no build) -------------------------------------------------


def _public_modules():
    """bplab's modules, without the old names kept as aliases (``bplab.stepper`` is
    ``bplab.ui.stepper``), private ones, and bplab.tools (maintainers' commands, not the API)."""
    names = {"bplab"}
    for m in pkgutil.walk_packages(bplab.__path__, "bplab."):
        if m.name.startswith("bplab.tools") or any(p.startswith("_") for p in m.name.split(".")):
            continue
        if importlib.import_module(m.name).__name__ == m.name:
            names.add(m.name)
    return names


def test_api_reference_documents_every_module():
    """A module added to bplab (or moved) must be added to docs/api.md; the -W build fails on
    one that no longer exists, and an alias would show its module twice."""
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    documented = re.findall(r"^\.\. automodule:: (bplab[\w.]*)", api, flags=re.M)
    assert len(documented) == len(set(documented)), "a module is documented twice"
    modules = _public_modules()
    assert set(documented) - modules == set(), "docs/api.md documents modules that are gone or aliases"
    assert modules - set(documented) == set(), "add these modules to docs/api.md"


def test_readme_and_pages_workflow_build_the_site_with_the_same_command():
    command = "python -m sphinx -W -b html docs docs/_build/html"
    assert command in (ROOT / "README.md").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8")
    assert f"run: {command}" in workflow
    assert "path: docs/_build/html" in workflow and "actions/deploy-pages" in workflow


def test_docs_take_the_notebooks_from_the_notebooks_folder_without_copying():
    link = DOCS / "notebooks"
    assert link.is_symlink() and link.resolve() == (ROOT / "notebooks").resolve()


# -- the built site --------------------------------------------------------------------------


def test_every_notebook_is_a_page_with_its_outputs(site):
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        page = site / "notebooks" / (nb.stem + ".html")
        assert page.is_file(), f"no page for {nb.name}"
        html = page.read_text(encoding="utf-8")
        assert 'class="cell_output' in html, f"{page.name} shows no output: was it executed?"
    # only the notebooks become pages: not the text sources, not the solutions
    pages = {p.relative_to(site / "notebooks") for p in (site / "notebooks").rglob("*.html")}
    assert pages == {Path(nb.stem + ".html") for nb in NOTEBOOKS}


def test_notebook_pages_show_figures_and_computed_numbers(site):
    figures = 0
    for nb in NOTEBOOKS:
        html = (site / "notebooks" / (nb.stem + ".html")).read_text(encoding="utf-8")
        for src in re.findall(r'<img[^>]+src="(\.\./_images/[^"]+\.png)"', html):
            assert (site / "notebooks" / src).resolve().is_file(), src
            figures += 1
    assert figures >= len(NOTEBOOKS) // 2, f"only {figures} figures on {len(NOTEBOOKS)} notebook pages"
    # printed numbers and tables come through as text outputs
    html = _page(site, "*-worked-example").read_text(encoding="utf-8")
    assert re.search(r'class="output (stream|text_plain|text_html)', html)


def test_home_page_is_the_readme(site):
    html = (site / "index.html").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for heading in re.findall(r"^## (.+)$", readme, flags=re.M):
        plain = re.sub(r"[`*]", "", heading)
        assert plain in html, f"the home page lacks the README's section {heading!r}"


def test_pages_with_live_widgets_say_they_need_a_kernel_and_link_binder(site):
    for pattern in ("*-propagation-stepper", "*-training-playground"):
        page = _page(site, pattern)
        html = page.read_text(encoding="utf-8")
        assert "bplab-needs-kernel" in html, page.name
        assert f"https://mybinder.org/v2/gh/bplab/bplab/HEAD?urlpath=lab/tree/notebooks/{page.stem}.ipynb" in html
    assert 'href="../stepper.html"' in _page(site, "*-propagation-stepper").read_text(encoding="utf-8")
    assert "bplab-needs-kernel" not in _page(site, "*-worked-example").read_text(encoding="utf-8")


def test_no_page_loads_anything_from_outside(site):
    """Scripts, styles, images and frames come from the site itself (links to click are fine)."""
    loads = re.compile(r'<(?:script|img|iframe|source)[^>]+src="(https?:)?//|<link[^>]+href="(https?:)?//[^"]*"[^>]*>')
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        match = loads.search(html)
        assert match is None, f"{page.relative_to(site)} loads {match.group(0)!r}"
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_static_stepper_is_written_from_the_package(site):
    html = (site / "worked-example-stepper.html").read_text(encoding="utf-8")
    assert "bplab-next" in html
    assert 'src="worked-example-stepper.html"' in (site / "stepper.html").read_text(encoding="utf-8")


# -- in a real browser ---------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_site_in_chromium_with_the_network_blocked(served, site, artifacts):
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=UI_TIMEOUT)
    outside, errors = [], []

    def route(r):
        url = urlsplit(r.request.url)
        if url.scheme in ("data", "blob", "about") or url.hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    worked = _page(site, "*-worked-example").name
    equations = _page(site, "*-four-bp-equations").name
    expected = Stepper(*bplab.worked_example(), loss="half_sse", lr=LEARNING_RATE)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", route)
            page = context.new_page()
            page.set_default_timeout(UI_TIMEOUT)
            page.on("pageerror", lambda e: errors.append(str(e)))

            page.goto(served + "index.html")
            expect(page.locator("h1").first).to_be_visible()
            page.screenshot(path=str(artifacts / "site-home.png"))

            # math: MathJax, served by the site, typesets the derivations
            page.goto(served + f"notebooks/{equations}")
            expect(page.locator("mjx-container").first).to_be_visible()
            assert page.locator("mjx-container").count() > 10
            page.screenshot(path=str(artifacts / "site-equations.png"))

            # a notebook page shows its figures (decoded images, not broken links)
            page.goto(served + f"notebooks/{worked}")
            image = page.locator(".cell_output img").first
            expect(image).to_be_visible()
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
            image.scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "site-notebook-figure.png"))

            # the static stepper steps with no kernel, showing bplab's own status line
            page.goto(served + "stepper.html")
            frame = page.frame_locator("iframe.bplab-static-stepper")
            status = frame.locator(".bplab-status")
            expect(status).to_have_text(expected.status(0))
            frame.locator(".bplab-next").click()
            expect(status).to_have_text(expected.status(1))
            frame.locator(".bplab-next").click()
            expect(status).to_have_text(expected.status(2))
            # the frame grows to its content, so the walk-through never scrolls inside the page
            page.wait_for_function(
                """() => {
                    const f = document.querySelector("iframe.bplab-static-stepper");
                    return f.clientHeight !== 900 && f.contentDocument.documentElement.scrollHeight <= f.clientHeight;
                }"""
            )
            page.screenshot(path=str(artifacts / "site-static-stepper.png"), full_page=True)
            page.set_viewport_size({"width": 1920, "height": 1080})
            page.screenshot(path=str(artifacts / "site-static-stepper-1920.png"))
        finally:
            browser.close()
    assert outside == [], f"the site requested addresses outside this machine: {outside}"
    assert errors == [], f"JavaScript errors on the site: {errors}"
