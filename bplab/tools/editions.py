"""Write every edition of the notebooks from their one source: ``python -m bplab.tools.editions``.

The source of truth is ``notebooks/source/NN-name.md`` (MyST Markdown, read with jupytext). Each
edition is a folder of ``.ipynb`` files made from it by one rule per cell, so the editions cannot
drift apart:

- ``learner``   -> ``notebooks/``: what a learner opens; exercises are blanks.
- ``solutions`` -> ``notebooks/solutions/``: the same notebooks with every blank filled.
- ``nbgrader``  -> ``notebooks/nbgrader/source/NN-name/NN-name.ipynb``: a teacher's nbgrader source, one
  assignment per notebook (see :func:`nbgrader_cells` and ``notebooks/nbgrader/nbgrader_config.py``).

A cell says what it is for by its tags (its *role*); a cell without a role tag is shared:

- ``solution``: only in the solutions edition (a worked answer, or why it is right);
- ``learner``: only in the learner's edition.

Inside a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (nbgrader's
markers) are the worked answer: the learner's edition drops them, keeping what stands around them
(the blank, such as ``answer = ...``, and the ``check``), and the solutions edition keeps them
without the marker lines.

A further edition (a second language, say) is one more entry in :data:`EDITIONS`: a folder and a
function that maps a source cell to its cell in that edition (or to None to leave it out, or to a
list of cells to add some), and optionally a layout (where each notebook goes) and a last pass over
the whole notebook.

``python -m bplab.tools.editions --check`` writes nothing and exits with status 1, naming the files,
when a committed edition differs from what the source makes (the test suite runs it).
"""

from __future__ import annotations

import argparse
import copy
import re
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
        split_solution(cell.source)  # raises unless the markers pair up
        cell.source = "\n".join(line for line in cell.source.splitlines() if line.strip() not in (BEGIN, END))
    return cell


CHECK_CALL = re.compile(r'^check\("(\d\d\.\d+)", ([A-Za-z_]\w*)\)$', re.M)
POINTS = 1  # points of one exercise in the nbgrader edition


def _nbgrader(cell, *, grade=False, solution=False, locked=False, grade_id=None, points=None):
    meta = {"grade": grade, "locked": locked, "schema_version": 3, "solution": solution, "task": False}
    if grade_id is not None:
        meta["grade_id"] = grade_id
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def nbgrader_cells(cell):
    """The cells of the nbgrader edition for one source cell.

    - a cell with the solution markers (an exercise) is an nbgrader *solution* cell: the teacher's
      ``nbgrader generate_assignment`` keeps its blank and clears what lies between the markers;
      after it comes a read-only, autograded *test* cell worth :data:`POINTS`, which runs
      ``require("NN.k", answer)`` (``bplab.exercises.require``: it raises unless the answer is correct);
    - a ``solution`` cell (the why of a worked answer) is left out, as in the learner's edition;
    - every other cell is read-only (nbgrader restores it if a learner changed it).
    """
    if role(cell) == "solution":
        return None
    cell = _without_role(cell)
    if cell.cell_type == "code":
        _, inside = split_solution(cell.source)
        if inside:
            found = CHECK_CALL.findall(cell.source)
            if len(found) != 1:
                raise ValueError(f"an exercise cell needs exactly one check(\"NN.k\", name) line, found {found}: {cell.source[:80]!r}")
            exercise_id, name = found[0]
            test = nbformat_cell("code", f"# autograded: exercise {exercise_id}, {POINTS} point(s)\n"
                                 f"from bplab.exercises import require\n\nrequire(\"{exercise_id}\", {name})")
            return [_nbgrader(cell, solution=True, grade_id=f"answer-{exercise_id.replace('.', '-')}"),
                    _nbgrader(test, grade=True, locked=True, grade_id=f"test-{exercise_id.replace('.', '-')}", points=POINTS)]
    return _nbgrader(cell, locked=True)


def nbformat_cell(kind, source):
    import nbformat

    return (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)


def _name_read_only_cells(nb, stem):
    """Give every read-only cell a stable grade_id (nbgrader needs one on each cell it tracks)."""
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if meta is not None and "grade_id" not in meta:
            meta["grade_id"] = f"cell-{stem[:2]}-{i:03d}"
    return nb


@dataclass(frozen=True)
class Edition:
    name: str
    folder: Path
    cell: Callable                      # source cell -> a cell, a list of cells, or None
    nested: bool = False                # NN-name/NN-name.ipynb (one folder per notebook) instead of NN-name.ipynb
    finish: Callable | None = None      # (notebook, stem) -> notebook, a last pass over the whole notebook

    def path(self, stem):
        return self.folder / stem / f"{stem}.ipynb" if self.nested else self.folder / f"{stem}.ipynb"

    def files(self):
        """The notebooks of this edition that exist on disk."""
        pattern = "[0-9][0-9]-*/[0-9][0-9]-*.ipynb" if self.nested else "[0-9][0-9]-*.ipynb"
        return sorted(self.folder.glob(pattern)) if self.folder.exists() else []


EDITIONS = {
    "learner": Edition("learner", NOTEBOOKS, learner_cell),
    "solutions": Edition("solutions", NOTEBOOKS / "solutions", solutions_cell),
    "nbgrader": Edition("nbgrader", NOTEBOOKS / "nbgrader" / "source", nbgrader_cells, nested=True,
                        finish=_name_read_only_cells),
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
        made = edition.cell(cell)
        for out in made if isinstance(made, list) else [made] if made is not None else []:
            out.pop("id", None)
            if out.cell_type == "code":
                out.outputs, out.execution_count = [], None
            nb.cells.append(out)
    for i, cell in enumerate(nb.cells):  # stable ids, so a regenerated edition is byte-identical
        cell["id"] = f"{stem[:2]}-{i:03d}"
    return edition.finish(nb, stem) if edition.finish else nb


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
            target = edition.path(src.stem)
            text = render(edition, src)
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if current == text:
                continue
            differ.append(target)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        stems = {s.stem for s in sources()}
        for stale in edition.files():
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
