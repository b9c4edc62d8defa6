"""The notebooks' editions are generated from one source and cannot drift from it."""

import nbformat
import pytest

from bplab.tools import editions as E


def test_committed_editions_are_what_the_sources_make():
    differ = E.build(check=True)
    assert not differ, f"out of date: {[str(p) for p in differ]}; run: python -m bplab.tools.editions"


def test_every_source_has_every_edition():
    stems = [s.stem for s in E.sources()]
    assert len(stems) >= 14
    for edition in E.EDITIONS.values():
        assert [p.stem for p in edition.files()] == stems


def _cell(kind, source, tags=()):
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_roles_decide_which_edition_has_a_cell():
    shared, sol, learner = _cell("markdown", "shared"), _cell("markdown", "why", ["solution"]), _cell("markdown", "try", ["learner"])
    assert E.learner_cell(sol) is None and E.solutions_cell(learner) is None
    assert E.learner_cell(shared).source == E.solutions_cell(shared).source == "shared"
    assert "tags" not in E.solutions_cell(sol).metadata
    kept = E.learner_cell(_cell("code", "x = 1", ["learner", "wall-clock"]))
    assert kept.metadata["tags"] == ["wall-clock"]


def test_solution_region_is_blank_for_the_learner_and_filled_in_the_solutions():
    cell = _cell("code", "answer = ...\n### BEGIN SOLUTION\nanswer = 2 * 3\n### END SOLUTION\ncheck('01.1', answer)")
    assert E.learner_cell(cell).source == "answer = ...\ncheck('01.1', answer)"
    assert E.solutions_cell(cell).source == "answer = ...\nanswer = 2 * 3\ncheck('01.1', answer)"


@pytest.mark.parametrize("source", [
    "### BEGIN SOLUTION\nx = 1",
    "x = 1\n### END SOLUTION",
    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
])
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(ValueError, match="SOLUTION"):
        E.learner_cell(_cell("code", source))


def test_two_roles_on_one_cell_are_refused():
    with pytest.raises(ValueError, match="more than one role"):
        E.role(_cell("markdown", "x", ["solution", "learner"]))


def test_nbgrader_edition_makes_an_exercise_a_solution_cell_and_an_autograded_test():
    cell = _cell("code", "answer = ...\n### BEGIN SOLUTION\nanswer = 2\n### END SOLUTION\ncheck(\"06.1\", answer)")
    solution, test = E.nbgrader_cells(cell)
    assert solution.metadata["nbgrader"] == {"grade": False, "locked": False, "schema_version": 3, "solution": True,
                                             "task": False, "grade_id": "answer-06-1"}
    assert "BEGIN SOLUTION" in solution.source                     # nbgrader's generate_assignment clears it
    assert test.metadata["nbgrader"]["grade"] and test.metadata["nbgrader"]["locked"]
    assert test.metadata["nbgrader"]["points"] == E.POINTS
    assert test.source.endswith('require("06.1", answer)')
    assert E.nbgrader_cells(_cell("markdown", "why", ["solution"])) is None
    shared = E.nbgrader_cells(_cell("markdown", "text"))
    assert shared.metadata["nbgrader"]["locked"] and not shared.metadata["nbgrader"]["solution"]


def test_nbgrader_edition_refuses_an_exercise_without_one_check_line():
    with pytest.raises(ValueError, match="exactly one check"):
        E.nbgrader_cells(_cell("code", "### BEGIN SOLUTION\nanswer = 2\n### END SOLUTION\nprint(answer)"))


def test_nbgrader_edition_gives_every_tracked_cell_a_unique_grade_id():
    for path in E.EDITIONS["nbgrader"].files():
        nb = nbformat.read(path, as_version=4)
        grade_ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
        assert len(grade_ids) == len(set(grade_ids)), path.name
