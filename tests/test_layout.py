"""The package's shape (issue 13): module sizes, and modules talking through public names.

A module that reaches into another object's private name (``net._forward``, ``from .errors
import _show``) depends on something undocumented; the count of such reaches is held low.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bplab"
MAX_REACHES = 10
MAX_LINES = 600


def private_reaches(source: str):
    """(line, what) for each access to another object's private name in ``source``.

    Counted: ``obj._name`` where obj is not ``self`` or ``cls`` (dunders and IPython's
    ``_repr_*_`` display hooks are public protocols, not private names), and ``from m import _name``.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            name = node.attr
            public_protocol = name.startswith("__") or (name.startswith("_repr_") and name.endswith("_"))
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if name.startswith("_") and not public_protocol and not own:
                found.append((node.lineno, f".{name}"))
        elif isinstance(node, ast.ImportFrom):
            found += [(node.lineno, f"import {a.name}") for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_the_counter_counts_what_it_should():
    source = (
        "from .errors import _show, show\n"
        "class A:\n"
        "    def f(self, net):\n"
        "        self._own = net._forward(1)\n"
        "        return cls._x, net.__class__, net._repr_html_(), net.public, other._y\n"
    )
    assert [what for _, what in private_reaches(source)] == ["import _show", "._forward", "._y"]


def test_modules_use_each_others_public_names():
    reaches = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {what}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, what in private_reaches(path.read_text(encoding="utf-8"))
    ]
    assert len(reaches) <= MAX_REACHES, "\n".join(reaches)


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name} has {lines} lines"
