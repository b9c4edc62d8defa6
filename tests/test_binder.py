"""Binder keeps bplab editable: reproduce what repo2docker does with binder/.

repo2docker (the builder behind mybinder.org) uses a ``binder/`` folder, when there is one,
instead of the repository's root files. For a Python repository it then runs, from the
repository root (its WORKDIR)::

    pip install --no-cache-dir -r "binder/requirements.txt"

and, because binder/ exists, NOT ``pip install .`` (which would replace the editable install
with a copy, so a learner's edits to bplab/*.py would do nothing). Paths inside a requirements
file that are not ``-r``/``-c`` includes are relative to the working directory, so the ``.``
in ``-e .[notebooks]`` is the repository.

The test does the same in a temporary copy of the repository: a fresh virtual environment,
the same pip command from the same directory, then bplab must import from the copy, and an
edit to a file of the copy must take effect in a new interpreter.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _requirement_names(path: Path) -> set[str]:
    """The project names a requirements file asks for (following -r includes; "." counts as bplab)."""
    names = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            names |= _requirement_names(path.parent / line[3:].strip())
            continue
        if line.startswith("-e "):
            line = line[3:].strip()
            if line.startswith("."):
                names.add("bplab")
                continue
        names.add(re.split(r"[\s\[<>=!~;]", line, maxsplit=1)[0].lower())
    return names


def _clean_env():
    """The environment a learner's terminal would have: no PYTHONPATH pointing at a worktree,
    no outer virtual environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def test_binder_folder_holds_only_what_binder_needs():
    assert sorted(p.name for p in BINDER.iterdir()) == ["requirements.txt", "runtime.txt"]
    # the learner's stack, never the test or docs tool chain
    binder = _requirement_names(BINDER / "requirements.txt")
    learner = _requirement_names(ROOT / "requirements.txt")
    assert "bplab" in binder
    assert binder <= learner, f"binder/requirements.txt asks for more than the learner's install: {binder - learner}"
    for heavy in ("pytest", "playwright", "scikit-learn", "sphinx", "nbgrader"):
        assert heavy not in binder


def test_runtime_pins_a_python_the_package_supports():
    import tomllib

    from packaging.specifiers import SpecifierSet

    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    # repo2docker's format: name-version; a major.minor version is used as given
    match = re.fullmatch(r"python-(3\.\d+)", runtime)
    assert match, f"binder/runtime.txt must read python-3.X, got {runtime!r}"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert match.group(1) in SpecifierSet(requires), f"{runtime} is outside requires-python {requires}"


@pytest.fixture(scope="module")
def binder_copy(tmp_path_factory):
    """A copy of the repository (what Binder checks out) with a fresh venv built the Binder way."""
    repo = tmp_path_factory.mktemp("binder") / "repo"
    repo.mkdir()
    for name in ("bplab", "binder"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md", "requirements.txt"):
        shutil.copy2(ROOT / name, repo / name)
    env = _clean_env()
    subprocess.run([sys.executable, "-m", "venv", str(repo / ".venv")], check=True, env=env)
    python = repo / ".venv" / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return repo, python


def _run(python, code, cwd):
    # cwd is a neutral folder: bplab must come from the install, not from the current directory
    result = subprocess.run([str(python), "-c", code], cwd=cwd, env=_clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_binder_install_imports_bplab_and_the_notebook_stack_from_the_repository(binder_copy, tmp_path):
    repo, python = binder_copy
    where = _run(python, "import bplab, sympy, matplotlib, ipywidgets, tqdm; print(bplab.__file__)", tmp_path)
    assert Path(where).resolve() == (repo / "bplab" / "__init__.py").resolve()


def test_an_edit_to_bplab_takes_effect_in_a_new_interpreter(binder_copy, tmp_path):
    repo, python = binder_copy
    code = "import bplab.network as m; print(getattr(m, 'LEARNER_EDIT', 'not edited'))"
    assert _run(python, code, tmp_path) == "not edited"
    with open(repo / "bplab" / "network.py", "a", encoding="utf-8") as f:
        f.write("\nLEARNER_EDIT = 'a learner was here'\n")
    assert _run(python, code, tmp_path) == "a learner was here"



def test_ci_runs_the_readme_two_commands():
    """.ci/run runs command 1 (without opening JupyterLab), then command 2, as the README writes them
    (up to ``python -m`` before pip and pip's ``-q``)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    first, second = re.findall(r"```bash\n(.+?)\n```", section)[:2]
    install, opens = first.split(" && ")
    assert install == "pip install -r requirements.txt" and opens.startswith("jupyter lab notebooks/")
    assert second.startswith("pip install -r requirements-dev.txt && ") and second.endswith("python -m pytest")

    def plain(line):
        return line.replace("python -m pip", "pip").replace(" -q ", " ").strip()

    ci = [plain(line) for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    run = [line for line in ci if line.startswith("pip install -r") or "pytest" in line]
    assert run == [install, second]
