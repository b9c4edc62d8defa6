"""The nbgrader edition round trip, offline, in a temporary course: generate_assignment, then autograde.

The solutions edition handed in scores full marks, the blank learner's release zero, and a
submission with one known slip (a transposed shape) loses exactly that exercise's point, with
bplab's hint for the slip in the autograded notebook.
"""

import os
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook  # a teaching extra, in requirements-dev.txt

from bplab.exercises import ids
from bplab.tools import editions as E

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"

ASSIGNMENT = "01-start-here"
ROOT = E.ROOT


def nbgrader(course, *args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr


def _exercise_id(cell):
    return re.search(r'\bcheck\("(\d\d\.\d+)"', cell.source).group(1)


def hand_in(course, student, release, answers):
    """Write ``student``'s submission: the release with each exercise cell's source from ``answers`` (id -> source)."""
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and _exercise_id(cell) in answers:
            cell.source = answers[_exercise_id(cell)]
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    config = (ROOT / "notebooks" / "nbgrader" / "nbgrader_config.py").read_text(encoding="utf-8")
    (course / "nbgrader_config.py").write_text(
        config + f"\nc.CourseDirectory.root = {str(course)!r}\nc.CourseDirectory.db_url = 'sqlite:///{course / 'gradebook.db'}'\n")
    shutil.copytree(E.EDITIONS["nbgrader"].path(ASSIGNMENT).parent, course / "source" / ASSIGNMENT)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

    solutions = nbformat.read(E.EDITIONS["solutions"].path(ASSIGNMENT), as_version=4)
    worked = {_exercise_id(c): c.source for c in solutions.cells if c.cell_type == "code" and re.search(r"\bcheck\(\"", c.source)}
    slip = dict(worked, **{"01.1": worked["01.1"].replace("shape_W2 = (2, 3)", "shape_W2 = (3, 2)")})
    assert slip["01.1"] != worked["01.1"]
    hand_in(course, "solutions", release, worked)
    hand_in(course, "blank", release, {})
    hand_in(course, "slip", release, slip)
    nbgrader(course, "autograde", ASSIGNMENT)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: (gb.find_submission(ASSIGNMENT, s).score, gb.find_submission(ASSIGNMENT, s).max_score)
                  for s in ("solutions", "blank", "slip")}
    return course, release, scores


def test_the_release_has_blanks_and_no_worked_answer(graded):
    _, release, _ = graded
    nb = nbformat.read(release, as_version=4)
    solutions = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert sorted(_exercise_id(c) for c in solutions) == ids(ASSIGNMENT[:2])
    assert len(tests) == len(solutions) and all(c.metadata["nbgrader"]["locked"] for c in tests)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "shape_W2 = (2, 3)" not in text


def test_the_solutions_edition_scores_full_marks(graded):
    _, _, scores = graded
    score, most = scores["solutions"]
    assert most == len(ids(ASSIGNMENT[:2])) * E.POINTS and score == most


def test_the_blank_release_scores_zero(graded):
    assert graded[2]["blank"][0] == 0


def test_one_known_slip_loses_its_point_with_its_hint(graded):
    course, _, scores = graded
    score, most = scores["slip"]
    assert score == most - E.POINTS
    autograded = nbformat.read(course / "autograded" / "slip" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    test = next(c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test-01-1")
    error = next(o for o in test.outputs if o.output_type == "error")
    assert error.ename == "AssertionError" and "transpose" in error.evalue
