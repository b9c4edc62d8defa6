"""The notebooks' editions are generated from one source and cannot drift from it."""

import nbformat
import pytest

from bplab.tools import editions as E


def test_committed_editions_are_what_the_sources_make():
    differ = E.build(check=True)
    assert not differ, f"out of date: {[str(p) for p in differ]}; run: python -m bplab.tools.editions"


def test_every_source_has_both_editions():
    stems = [s.stem for s in E.sources()]
    assert len(stems) >= 13
    for edition in E.EDITIONS.values():
        assert sorted(p.stem for p in edition.folder.glob("[0-9][0-9]-*.ipynb")) == stems


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
