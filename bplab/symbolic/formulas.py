"""The pieces every exact computation shares: the loss as a formula, floats as exact rationals,
and the parameters listed in the order of ``net.theta``."""

from __future__ import annotations

import sympy as sp

HALF = sp.Rational(1, 2)


# --------------------------------------------------------------------- helpers
def subscript(*ij):
    """Subscript text for 1-based indices: '12' when all are < 10, else '1,12'."""
    return ("" if all(i < 10 for i in ij) else ",").join(str(i) for i in ij)


def symbol_column(name, n, layer=None, **assumptions):
    sup = "" if layer is None else f"^{{{layer}}}"
    return sp.Matrix([sp.Symbol(f"{name}{sup}_{{{j + 1}}}", **assumptions) for j in range(n)])


def loss_formula(loss, a, y):
    """Per-sample loss as a sympy expression of the output column ``a`` and targets ``y``.

    The same formulas as :mod:`bplab.losses` (whose numpy code can't take symbols).
    """
    n = len(a)
    if loss == "half_sse":  # C = 1/2 sum_j (y_j - a_j)^2
        return HALF * sum((y[j] - a[j]) ** 2 for j in range(n))
    if loss == "cross_entropy":  # C = -sum_j y_j log a_j
        return -sum(y[j] * sp.log(a[j]) for j in range(n))
    # binary_cross_entropy: C = -sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)]
    return -sum(y[j] * sp.log(a[j]) + (1 - y[j]) * sp.log(1 - a[j]) for j in range(n))


def exact_rational(value):
    """A float as the exact rational it stores (every binary float is one: 0.1 -> 3602879701896397/2**55)."""
    return sp.Rational(float(value))


def activations_key(activations):
    """``net.activations`` as a hashable key for the caches (lists become tuples)."""
    if isinstance(activations, str):
        return activations
    return tuple(a if isinstance(a, str) else tuple(a) for a in activations)


def activations_from_key(key):
    """The activations spec back from :func:`activations_key`."""
    return key if isinstance(key, str) else [a if isinstance(a, str) else list(a) for a in key]


def parameter_index(sizes, bias):
    """``[(l, "W" or "b", 1-based index), ...]`` in the order of ``net.theta``."""
    out = []
    for l in range(1, len(sizes)):
        out += [(l, "W", (j + 1, k + 1)) for j in range(sizes[l]) for k in range(sizes[l - 1])]
        if bias:
            out += [(l, "b", (j + 1,)) for j in range(sizes[l])]
    return out

