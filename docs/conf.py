"""Sphinx configuration of bplab's site: the README, every notebook executed, the API.

Build it offline with ``python -m sphinx -W -b html docs docs/_build/html`` (tests/test_site.py
runs this command). The notebooks come in through the ``docs/notebooks`` symlink, so nothing
is copied; MathJax is served from the site itself (sphinx-mathjax-offline), never from a CDN.
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
# document and run the bplab of this checkout: here (autodoc) and in the notebooks' kernels
sys.path.insert(0, str(DOCS.parent))
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(DOCS.parent), os.environ.get("PYTHONPATH")]))

project = "bplab"
author = "the bplab authors"
copyright = "the bplab authors, MIT License"

extensions = [
    "myst_nb",  # Markdown pages and .ipynb notebooks, executed at build time
    "sphinx.ext.autodoc",  # the API reference, from the docstrings (shown as written)
    "sphinx-mathjax-offline",  # MathJax 3 copied into _static/, no CDN
    "bplab_site",  # docs/_ext/bplab_site.py: kernel notices and the static stepper
]

root_doc = "index"
exclude_patterns = [
    "_build",
    # the notebooks folder holds more than notebooks; only notebooks/NN-*.ipynb become pages
    "notebooks/source",
    "notebooks/solutions",
    "notebooks/nbgrader",
    "notebooks/*.md",
    "**/.ipynb_checkpoints",
]

# -- notebooks (MyST-NB) ----------------------------------------------------------------
# Every notebook is run at every build (the extension marks them outdated, so an edit to
# bplab shows up even in an incremental build), and a cell that raises fails the build.
nb_execution_mode = "force"
nb_execution_timeout = 600  # seconds per cell, for a loaded 2-core machine
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True
# MyST-NB would load require.js and the ipywidgets embedder from CDNs; the live widgets need
# a kernel anyway, and their pages say so and link Binder (see bplab_kernel_pages below).
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath", "substitution"]
myst_heading_anchors = 3

# -- API reference ----------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True}

# -- bplab_site -------------------------------------------------------------------------
# Notebooks whose widgets need a running kernel (fnmatch patterns on the page name; each
# must match a page, or the build fails), each with the page that works without one, if any.
bplab_kernel_pages = {
    "notebooks/*-propagation-stepper": "stepper",
    "notebooks/*-training-playground": None,
}
bplab_binder = "https://mybinder.org/v2/gh/bplab/bplab/HEAD?urlpath=lab/tree/"
_stepper_notebooks = sorted((DOCS.parent / "notebooks").glob("*-propagation-stepper.ipynb"))
if len(_stepper_notebooks) != 1:
    raise RuntimeError(f"docs/conf.py expects one notebooks/NN-propagation-stepper.ipynb, found {_stepper_notebooks}")
myst_substitutions = {
    "stepper_notebook_on_binder": f"[the propagation stepper notebook]({bplab_binder}notebooks/{_stepper_notebooks[0].name})",
}

# -- HTML -------------------------------------------------------------------------------
html_theme = "alabaster"
html_title = "bplab"
html_static_path = ["_static"]
html_theme_options = {
    "description": "Learn backpropagation by reading, running and checking it",
    "page_width": "1200px",
    "sidebar_width": "250px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
