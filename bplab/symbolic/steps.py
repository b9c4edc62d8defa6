"""One verified step of a derivation, and the zero tests behind every symbolic check.

A claim ``lhs = rhs`` is checked by asking whether ``lhs - rhs`` is 0: proved by sympy when it
can, disproved by a nonzero value at a random rational point, or tested at such points.
"""

from __future__ import annotations

import html
import random

import mpmath
import sympy as sp


class DerivationStep:
    """One verified step ``lhs = rhs`` of a derivation; shows itself as a title and a formula."""

    def __init__(self, title, lhs, rhs, method, lhs_tex=None, rhs_tex=None):
        self.title, self.lhs, self.rhs, self.method = title, lhs, rhs, method
        self.lhs_tex, self.rhs_tex = lhs_tex, rhs_tex

    def latex(self):
        left = self.lhs_tex if self.lhs_tex is not None else sp.latex(self.lhs)
        right = self.rhs_tex if self.rhs_tex is not None else sp.latex(self.rhs)
        return f"{left} = {right}"

    def _repr_markdown_(self):
        title = html.escape(self.title, quote=False).replace("_", r"\_").replace("*", r"\*")
        return f"✔ **{title}** (verified by sympy)\n$${self.latex()}$$"

    def __repr__(self):
        return f"{self.title}: verified by sympy ({self.method})"


def check_step(title, lhs, rhs, lhs_tex=None, rhs_tex=None):
    """Verify ``lhs == rhs`` with sympy (element by element for matrices) and return a :class:`DerivationStep`.

    Raises AssertionError naming ``title`` when sympy can't reduce ``lhs - rhs`` to 0 (or
    finds it nonzero at a random point). ``lhs_tex``/``rhs_tex`` show a side as written in
    the derivation (e.g. ``\\delta^L``) instead of its long expansion; only the display
    changes, the check always uses the expressions.
    """
    diff = sp.Matrix(lhs) - sp.Matrix(rhs) if isinstance(lhs, (sp.MatrixBase, list)) else sp.sympify(lhs - rhs)
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    for e in entries:
        verdict = is_zero(e)
        if verdict is not True:
            why = "is not 0 at a random rational point" if verdict is False else "could not be simplified to 0"
            raise AssertionError(f"step {title!r} fails: lhs - rhs = {e} {why}.")
    return DerivationStep(title, lhs, rhs, "lhs - rhs simplifies to 0", lhs_tex, rhs_tex)


def is_zero(expr, rng=None):
    """True when sympy proves expr == 0; False when expr is nonzero at a random point; None if undecided.

    Cheapest first: (1) structurally 0; (2) every function application (exp, tanh, log,
    ...) replaced by a fresh symbol, then expanded: sound, because an identity of the
    resulting rational expression holds whatever values those applications take;
    (3) expand; (4) a nonzero value at a random rational point disproves it; (5) simplify().
    """
    expr = sp.sympify(expr)
    if expr == 0:
        return True
    apps = {f: sp.Dummy() for f in expr.atoms(sp.Function)}
    if apps and sp.expand(expr.xreplace(apps)) == 0:
        return True
    if sp.expand(expr) == 0:
        return True
    rng = rng or random.Random(0)
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    for _ in range(2):
        if _zero_at(expr, random_point(symbols, rng)) is False:
            return False
    if sp.simplify(sp.piecewise_fold(expr)) == 0:
        return True
    return None


def random_point(symbols, rng, fixed=None):
    """Random rationals k/8 in [-2, 2] for every symbol (targets in [0, 1])."""
    pt = {}
    for s in symbols:
        if fixed and s in fixed:
            continue
        if s.name.startswith("y"):
            pt[s] = sp.Rational(rng.randint(0, 8), 8)
        else:
            pt[s] = sp.Rational(rng.randint(-16, 16), 8)
    if fixed:
        pt.update(fixed)
    return pt


def zero_test(expr):
    """A function point -> True (expr is 0 there), False (a finite nonzero value) or None
    (undefined there, e.g. log 0): exactly (rational arithmetic) when expr has no
    exp/tanh/log, else in 50-digit arithmetic (mpmath; |value| < 1e-30 counts as 0)."""
    expr = sp.sympify(expr)
    if not expr.has(sp.exp, sp.tanh, sp.log):

        def exact(point):
            value = expr.xreplace(point)
            if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                return None
            return value == 0

        return exact
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    fn = sp.lambdify(symbols, expr, modules="mpmath")

    def test(point):
        with mpmath.workdps(50):
            try:
                value = fn(*[mpmath.mpf(point[s].p) / point[s].q for s in symbols])
            except (ValueError, ZeroDivisionError):
                return None
        if not mpmath.isfinite(value):
            return None
        return abs(value) < mpmath.mpf(10) ** -30

    return test


def _zero_at(expr, point):
    return zero_test(expr)(point)

