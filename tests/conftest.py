import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


def pytest_ignore_collect(collection_path, config):
    """``--ignore=tests/test_notebooks.py`` (the quick command run after each change) leaves out
    every test that executes notebooks, so also the determinism check, which re-runs each
    notebook and shares its first execution with test_notebooks.py (see notebook_runner), the
    solutions edition's run and the nbgrader round trip."""
    if collection_path.name in ("test_notebook_determinism.py", "test_solutions.py", "test_nbgrader.py"):
        ignored = config.getoption("ignore") or []
        if any(Path(p).name == "test_notebooks.py" for p in ignored):
            return True
    return None


# ---------------------------------------------------------------- shared by the browser tests


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab over a temporary copy of the notebooks, one server per test module (browser_support)."""
    from browser_support import lab_server

    yield from lab_server(tmp_path_factory)


@pytest.fixture
def artifacts(tmp_path):
    """Where a browser test puts its screenshots: $BPLAB_ARTIFACTS, or pytest's tmp_path."""
    from browser_support import artifacts_dir

    return artifacts_dir(tmp_path)
