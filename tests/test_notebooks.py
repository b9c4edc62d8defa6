"""Every notebook runs top to bottom in a fresh kernel with no error."""

import pytest

from notebook_runner import NOTEBOOKS, execute_notebook

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path):
    nb = execute_notebook(path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors

