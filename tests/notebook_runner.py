"""Execute a notebook headless, as a learner's Run All would, and return it with its outputs.

Executions are cached for the test session: a later ``execute_notebook(path)`` for the
same unchanged file returns a copy of the first run (or raises the first run's error)
instead of running the notebook again. Several tests can then read one execution:
tests/test_notebooks.py checks it ran without error, and
tests/test_notebook_determinism.py compares it with ONE extra run made with
``fresh=True``, so each notebook executes twice per session, not three times.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# (resolved path, modification time, size) -> (executed notebook, None) or (None, the error it raised)
_EXECUTED: dict = {}


def _key(path: Path):
    path = Path(path).resolve()
    stat = path.stat()
    return (str(path), stat.st_mtime_ns, stat.st_size)


def execute_notebook(path: Path, timeout: int = 600, fresh: bool = False):
    """Run ``path`` top to bottom in a new kernel and return the notebook with its outputs.

    With ``fresh=False`` (the default) the first execution of an unchanged file is reused;
    ``fresh=True`` always starts a new kernel and leaves the cache as it is.
    """
    key = _key(path)
    if not fresh and key in _EXECUTED:
        nb, error = _EXECUTED[key]
        if error is not None:
            raise error
        return copy.deepcopy(nb)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except Exception as error:
        if not fresh:
            _EXECUTED[key] = (None, error)
        raise
    if not fresh:
        _EXECUTED[key] = (copy.deepcopy(nb), None)
    return nb
