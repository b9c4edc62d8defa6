"""The solutions edition runs top to bottom and every exercise in it is correct, by bplab.exercises.progress()."""

import json

import nbformat
import pytest
from nbclient import NotebookClient

from bplab.exercises import ids
from bplab.tools import editions as E

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"

SOLUTIONS = sorted(E.EDITIONS["solutions"].folder.glob("[0-9][0-9]-*.ipynb"))
MARK = "BPLAB_PROGRESS="


def run_with_progress(path):
    """Execute the notebook at ``path`` with one extra last cell that prints progress() as JSON; returns it."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json\nfrom bplab.exercises import progress\nprint({MARK!r} + json.dumps(progress()))"))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(printed.split(MARK, 1)[1])


def test_every_notebook_with_exercises_has_a_solutions_notebook():
    stems = {p.stem[:2] for p in SOLUTIONS}
    assert {i.split(".")[0] for i in ids()} <= stems


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_edition_gets_every_exercise_right(path):
    expected = ids(path.stem[:2])
    got = run_with_progress(path)
    assert got == {i: True for i in expected}, f"{path.name}: checked {got}, registered {expected}"
