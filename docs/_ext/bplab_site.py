"""What bplab's site adds to Sphinx and MyST-NB (loaded by docs/conf.py).

1. Pages whose widgets need a running kernel (``bplab_kernel_pages`` in conf.py) open with a
   note that says so, links the same notebook on Binder and, where there is one, the page
   that shows the same thing without a kernel; a pattern that matches no page
   is a warning, so a renamed notebook cannot silently lose its note under ``-W``.
2. The static stepper: after the HTML build, ``STEPPER_FILE`` is written next to the pages
   from ``bplab.stepper.Stepper(...).to_html()`` (seed 004's worked example, as notebook
   10 shows it live), a self-contained page that docs/stepper.md embeds, so a reader clicks
   through forward and backward propagation with no kernel.
3. Every notebook is re-executed at every build, also an incremental one, so the pages
   never show outputs of an older bplab.
4. Links between notebooks work through the ``docs/notebooks`` symlink (see
   ``NotebookLinks``).
5. The API reference shows each docstring as it is written, in a fixed-width block.
   bplab's docstrings are plain text for ``help()`` and for reading in the source: aligned
   tables of steps, ASCII formulas such as ``|g_bp - g_num|`` and indented examples, which
   reStructuredText would misread (substitutions, block quotes) and reflow.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

STEPPER_FILE = "worked-example-stepper.html"  # written into the HTML output folder


def static_stepper_html():
    """The whole walk-through of seed 004's worked example as one offline HTML document."""
    import bplab
    from bplab.examples import LEARNING_RATE
    from bplab.stepper import Stepper

    net, x, y = bplab.worked_example()
    return Stepper(net, x, y, loss="half_sse", lr=LEARNING_RATE).to_html()


def _is_notebook(env, docname):
    return str(env.doc2path(docname)).endswith(".ipynb")


def _kernel_note(app, docname):
    """The note at the top of a page with live widgets: what needs a kernel, and where to get one."""
    notebook = Path(str(app.env.doc2path(docname))).name
    note = nodes.note()
    para = nodes.paragraph()
    para += nodes.Text("The widgets on this page need a running Python kernel; here they are not shown. ")
    para += nodes.reference("", "Open this notebook on Binder", refuri=app.config.bplab_binder + f"notebooks/{notebook}")
    para += nodes.Text(" (it starts JupyterLab in your browser), or run it on your machine with the README's first command.")
    static = next(page for pattern, page in app.config.bplab_kernel_pages.items() if fnmatch(docname, pattern))
    if static:
        para += nodes.Text(" Without a kernel, click through the same walk-through on ")
        para += nodes.reference("", "its static version", refuri=app.builder.get_relative_uri(docname, static))
        para += nodes.Text(".")
    note += para
    note["classes"].append("bplab-needs-kernel")
    return note


def add_kernel_notes(app, doctree):
    docname = app.env.docname
    if not any(fnmatch(docname, pattern) for pattern in app.config.bplab_kernel_pages):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        logger.warning(f"{docname}: a page with widgets must start with a title, to put the kernel note under it")
        return
    section.insert(1, _kernel_note(app, docname))


def check_kernel_patterns(app, env):
    for pattern in app.config.bplab_kernel_pages:
        if not any(fnmatch(doc, pattern) for doc in env.found_docs):
            logger.warning(f"bplab_kernel_pages: {pattern!r} matches no page; a notebook was renamed?")


def reexecute_notebooks(app, env, added, changed, removed):
    return [doc for doc in env.found_docs if doc not in added | removed and _is_notebook(env, doc)]


class NotebookLinks(SphinxPostTransform):
    """A notebook's link to another notebook, ``[...](02-forward-pass-matrix-form.ipynb)``,
    must become a link to that page. Sphinx follows the ``docs/notebooks`` symlink when it
    resolves the link (``env.relfn2path``), so the target comes out as a path in the real
    ``notebooks/`` folder, outside docs/, and MyST would not find the page. Map it back to
    ``notebooks/NAME`` before MyST resolves it (MyST's resolver runs at priority 9)."""

    default_priority = 5

    def run(self, **kwargs):
        real = str((Path(self.env.srcdir) / "notebooks").resolve()) + "/"
        for node in self.document.findall(addnodes.pending_xref):
            target = node.get("reftarget", "")
            if node.get("refdomain") == "doc" and target.startswith(real):
                node["reftarget"] = "notebooks/" + target[len(real):]


def docstring_as_written(app, what, name, obj, options, lines):
    if lines:
        lines[:] = [".. code-block:: text", ""] + ["    " + line if line.strip() else "" for line in lines] + [""]


def write_static_stepper(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    Path(app.outdir, STEPPER_FILE).write_text(static_stepper_html(), encoding="utf-8")


def setup(app):
    app.add_config_value("bplab_kernel_pages", {}, "env")
    app.add_config_value("bplab_binder", "", "env")
    app.connect("doctree-read", add_kernel_notes)
    app.connect("env-updated", check_kernel_patterns)
    app.connect("env-get-outdated", reexecute_notebooks)
    app.connect("build-finished", write_static_stepper)
    app.add_post_transform(NotebookLinks)
    app.connect("autodoc-process-docstring", docstring_as_written)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
