"""Write every edition of the notebooks from their one source: ``python -m bplab.tools.editions``.

The source of truth is ``notebooks/source/NN-name.md`` (MyST Markdown, read with jupytext). Each
edition is a folder of ``.ipynb`` files made from it by one rule per cell, so the editions cannot
drift apart:

- ``learner``   -> ``notebooks/``: what a learner opens; exercises are blanks.
- ``solutions`` -> ``notebooks/solutions/``: the same notebooks with every blank filled.

A cell says what it is for by its tags (its *role*); a cell without a role tag is shared:

- ``solution``: only in the solutions edition (a worked answer, or why it is right);
- ``learner``: only in the learner's edition.

Inside a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's
markers) are the worked answer: the learner's edition drops them, keeping what stands around them
(the blank, such as ``answer = ...``, and the ``check``), and the solutions edition keeps them
without the marker lines.

A further edition (a teacher's nbgrader source, a second language) is one more entry in
:data:`EDITIONS`: a folder and a function that maps a source cell to its cell in that edition (or to
None to leave it out).

``python -m bplab.tools.editions --check`` writes nothing and exits with status 1, naming the files,
when a committed edition differs from what the source makes (the test suite runs it).
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOURCE = NOTEBOOKS / "source"

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
ROLE_TAGS = ("solution", "learner")


def role(cell) -> str:
    """The cell's role: one of :data:`ROLE_TAGS`, or ``"shared"``."""
    tags = cell.get("metadata", {}).get("tags", [])
    roles = [t for t in tags if t in ROLE_TAGS]
    if len(roles) > 1:
        raise ValueError(f"a cell has more than one role tag {roles}: give it one of {ROLE_TAGS}")
    return roles[0] if roles else "shared"


def split_solution(source: str):
    """``(outside, inside)``: the lines outside and inside the solution markers of one cell."""
    outside, inside, in_solution = [], [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN:
            if in_solution:
                raise ValueError(f"{BEGIN!r} twice without {END!r} between them")
            in_solution = True
        elif marker == END:
            if not in_solution:
                raise ValueError(f"{END!r} without {BEGIN!r} before it")
            in_solution = False
        else:
            (inside if in_solution else outside).append(line)
    if in_solution:
        raise ValueError(f"{BEGIN!r} without {END!r} after it")
    return outside, inside


def _without_role(cell):
    cell = copy.deepcopy(cell)
    tags = [t for t in cell.metadata.get("tags", []) if t not in ROLE_TAGS]
    if tags:
        cell.metadata["tags"] = tags
    else:
        cell.metadata.pop("tags", None)
    return cell


def learner_cell(cell):
    """A learner's edition cell: solutions dropped, blanks kept."""
    if role(cell) == "solution":
        return None
    cell = _without_role(cell)
    if cell.cell_type == "code":
        outside, _ = split_solution(cell.source)
        cell.source = "\n".join(outside)
    return cell


def solutions_cell(cell):
    """A solutions edition cell: every worked answer in place, the marker lines gone."""
    if role(cell) == "learner":
        return None
    cell = _without_role(cell)
    if cell.cell_type == "code":
        outside_and_inside = split_solution(cell.source)  # validates the markers
        if outside_and_inside[1]:
            cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END))
    return cell


@dataclass(frozen=True)
class Edition:
    name: str
    folder: Path
    cell: Callable


EDITIONS = {
    "learner": Edition("learner", NOTEBOOKS, learner_cell),
    "solutions": Edition("solutions", NOTEBOOKS / "solutions", solutions_cell),
}


def sources():
    return sorted(SOURCE.glob("[0-9][0-9]-*.md"))


def read_source(path):
    import jupytext

    return jupytext.read(path, fmt="md:myst")


def make(source_nb, edition: Edition, stem: str):
    """The notebook of ``edition`` made from one source notebook (which is left unchanged)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for cell in source_nb.cells:
        out = edition.cell(cell)
        if out is None:
            continue
        out.pop("id", None)
        if out.cell_type == "code":
            out.outputs, out.execution_count = [], None
        nb.cells.append(out)
    for i, cell in enumerate(nb.cells):  # stable ids, so a regenerated edition is byte-identical
        cell["id"] = f"{stem[:2]}-{i:03d}"
    return nb


def render(edition: Edition, source_path: Path) -> str:
    import nbformat

    nb = make(read_source(source_path), edition, source_path.stem)
    return nbformat.writes(nb) + "\n"


def build(check=False, names=None):
    """Write (or with ``check=True`` only compare) every edition; returns the paths that differ."""
    differ = []
    for edition in EDITIONS.values():
        if names and edition.name not in names:
            continue
        for src in sources():
            target = edition.folder / f"{src.stem}.ipynb"
            text = render(edition, src)
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == text:
                continue
            differ.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        if edition.folder.exists():
            stems = {s.stem for s in sources()}
            for stale in sorted(edition.folder.glob("[0-9][0-9]-*.ipynb")):
                if stale.stem not in stems:
                    differ.append(stale)
                    if not check:
                        stale.unlink()
    return differ


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if an edition is out of date")
    parser.add_argument("editions", nargs="*", help=f"which editions, of {sorted(EDITIONS)} (default: all)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.editions if name not in EDITIONS]
    if unknown:
        parser.error(f"editions must be among {sorted(EDITIONS)}, got {unknown}")
    differ = build(check=args.check, names=args.editions)
    for path in differ:
        print(("out of date: " if args.check else "wrote: ") + str(path.relative_to(ROOT)))
    if args.check and differ:
        print("Regenerate with: python -m bplab.tools.editions", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
