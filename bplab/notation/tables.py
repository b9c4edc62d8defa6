"""The notation map and the notebook map as tables (HTML in a notebook, Markdown, or plain text)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from ..errors import choice
from .seeds import CONCEPTS, ENTRIES, SEED_IDS, seed_list


@dataclass
class DisplayTable:
    """Rows of strings with a header; shows as an HTML table (LaTeX in $...$) in a notebook."""

    columns: list
    rows: list  # lists of strings, LaTeX cells wrapped in $...$
    title: str = ""

    def markdown(self):
        # a bare | would end the Markdown table's cell: write the norm bars as LaTeX commands
        esc = lambda s: str(s).replace(r"\|", r"\Vert ").replace("|", r"\vert ").replace("\n", " ")  # noqa: E731
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in self.rows]
        return ("**" + self.title + "**\n\n" if self.title else "") + "\n".join(lines)

    def _repr_html_(self):
        def cell(text, tag):
            # keep $...$ for the notebook's math renderer; escape the rest
            return f"<{tag} style='text-align:left'>{html.escape(str(text), quote=False)}</{tag}>"

        head = "".join(cell(c, "th") for c in self.columns)
        body = "".join("<tr>" + "".join(cell(c, "td") for c in row) + "</tr>" for row in self.rows)
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table class='bplab-table'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self):
        widths = [max(len(str(r[i])) for r in [self.columns] + self.rows) for i in range(len(self.columns))]
        fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
        return "\n".join([self.title] * bool(self.title) + [fmt(self.columns)] + [fmt(r) for r in self.rows])

    def __len__(self):
        return len(self.rows)


def _math(s):
    return f"${s}$" if s and not s.startswith("net.") else s


def entries(seeds=None, concepts=None):
    """The :data:`ENTRIES` of the given seeds and concepts (all by default), in concept order."""
    seeds = seed_list(seeds)
    concepts = list(CONCEPTS) if concepts is None else list(concepts)
    for c in concepts:
        choice(c, tuple(CONCEPTS), "concept")
    order = {c: i for i, c in enumerate(concepts)}
    rows = [e for e in ENTRIES if e.seed in seeds and e.concept in order]
    return sorted(rows, key=lambda e: (order[e.concept], seeds.index(e.seed)))


def notation_table(seeds=None, concepts=None, layout="long"):
    """The notation map as a :class:`DisplayTable`.

    ``layout="long"``: one row per (concept, seed): concept, bplab, seed, the seed's
    symbol, the Chinese term it uses, what that symbol is in bplab's names, and a note.
    ``layout="wide"``: one row per concept, one column per seed (symbol and term).
    """
    choice(layout, ("long", "wide"), "layout")
    rows = entries(seeds, concepts)
    if layout == "long":
        out = []
        for e in rows:
            c = CONCEPTS[e.concept]
            out.append([f"{c.english} ({c.chinese})", _math(c.bplab), e.seed, _math(e.symbol), e.chinese or "—",
                        _math(e.equals), e.note])
        cols = ["concept", "bplab", "seed", "seed's symbol", "seed's term", "= in bplab", "note"]
        return DisplayTable(cols, out, "Every seed's symbols in bplab's names")
    seeds = seed_list(seeds)
    by = {(e.concept, e.seed): e for e in rows}
    out = []
    for key in dict.fromkeys(e.concept for e in rows):
        c = CONCEPTS[key]
        line = [f"{c.english} ({c.chinese})", _math(c.bplab)]
        for s in seeds:
            e = by.get((key, s))
            line.append("—" if e is None else (_math(e.symbol) + (f" {e.chinese}" if e.chinese else "")))
        out.append(line)
    return DisplayTable(["concept", "bplab"] + [f"seed {s}" for s in seeds], out, "The seeds' notations side by side")


def concept_table():
    """bplab's own notation: one row per concept with its Chinese term, symbol and Python name."""
    rows = [[c.english, c.chinese, _math(c.bplab), f"`{c.code}`"] for c in CONCEPTS.values()]
    return DisplayTable(["concept", "中文", "symbol", "in bplab"], rows, "bplab's notation")


# ----------------------------------------------------------------------------- the notebooks

@dataclass(frozen=True)
class NotebookInfo:
    number: int
    stem: str
    covers: str
    seeds: tuple

    @property
    def filename(self):
        return f"{self.stem}.ipynb"

    @property
    def title(self):
        return self.stem.split("-", 1)[1].replace("-", " ").capitalize()


NOTEBOOKS = [
    NotebookInfo(1, "01-start-here", "the map, how to run bplab locally and on Binder, the notation", ()),
    NotebookInfo(2, "02-forward-pass-matrix-form",
                 "the forward pass in matrix form, shapes, a different f per neuron, bias as a constant-1 input",
                 ("000",)),
    NotebookInfo(3, "03-four-bp-equations", "the four BP equations, each derived and verified by sympy", ("001",)),
    NotebookInfo(4, "04-per-neuron-derivation", "the per-neuron derivation and the local gradient", ("002",)),
    NotebookInfo(5, "05-batch-gradient-and-weight-decay",
                 "the residual, batch gradient descent, weight decay and two errata", ("003",)),
    NotebookInfo(6, "06-notation-map", "every seed's symbols mapped to bplab's names, with the Chinese terms",
                 SEED_IDS),
    NotebookInfo(7, "07-computational-graph",
                 "backpropagation as reverse mode on a graph of scalars: local gradient times upstream gradient", ()),
    NotebookInfo(8, "08-worked-example",
                 "the 2-3-2-1 worked example to the last digit, its inconsistencies, the vanishing gradient", ("004",)),
    NotebookInfo(9, "09-gradient-checking", "central differences, the three-way check, common bugs caught", ()),
    NotebookInfo(10, "10-propagation-stepper", "step through forward and backward propagation layer by layer", ()),
    NotebookInfo(11, "11-training-playground",
                 "train on toy data sets; watch the loss, the decision boundary and the gradient norms", ()),
    NotebookInfo(12, "12-training-modes",
                 "standard, accumulated and mini-batch BP; weight decay; the update-order bug", ("000", "003")),
    NotebookInfo(13, "13-iris-from-scratch", "the Iris project with bplab and in plain Python, then better choices",
                 ("004",)),
    NotebookInfo(14, "14-handwritten-digits", "8x8 handwritten digits with softmax and cross-entropy", ()),
]


def notebook_map(existing=None, links=False):
    """The notebooks as a :class:`DisplayTable`. ``existing``: a set of file names that exist (then the
    last column says which are not written yet); None leaves that column out. ``links=True``
    writes each name as a Markdown link to its file (for ``DisplayTable.markdown()``)."""
    cols = ["#", "notebook", "what it covers", "seeds"]
    rows = []
    for nb in NOTEBOOKS:
        name = f"[{nb.stem}]({nb.filename})" if links else nb.stem
        row = [str(nb.number), name, nb.covers, ", ".join(nb.seeds) or "—"]
        if existing is not None:
            row.append("yes" if nb.filename in existing else "not yet")
        rows.append(row)
    if existing is not None:
        cols.append("available")
    return DisplayTable(cols, rows, "The bplab notebooks")
