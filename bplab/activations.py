"""Activation functions (激活函数), each with its derivative and its sympy form side by side.

An :class:`Activation` keeps three things together so they cannot drift apart:

* ``f(z)``: the value, computed without overflow for any finite ``z``;
* ``df(z, a)``: the derivative f'(z), given ``a = f(z)`` as well because some
  derivatives are cheapest in terms of the output (sigmoid: a (1 - a));
* ``sym(z)``: the same function as a sympy expression, for the symbolic checks.

A layer's activation is a :class:`LayerActivation`: either one function for all
neurons, or one function per neuron, as seed 000 allows (f_1, f_2, f_3 in one layer).
Softmax is not element-wise: its derivative is a Jacobian, so it gets its own class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .errors import choice

LEAKY_SLOPE = 0.01


def _sigmoid(z):
    # 1 / (1 + e^-z) written with tanh, (1 + tanh(z/2)) / 2: the same function, but exp never
    # overflows. Updated in place in the one new array tanh returns (fewer temporaries).
    # Accurate to about 1e-16 in absolute terms; for z below about -20 the tiny result loses
    # relative accuracy (sigmoid(-40) rounds to 0). bplab's losses work from z, not from log a,
    # so they are unaffected; if you take log(sigmoid(z)) yourself, use -np.logaddexp(0, -z).
    a = np.tanh(z * 0.5)
    a += 1.0
    a *= 0.5
    return a


def _sym_sigmoid(z):
    import sympy as sp

    return 1 / (1 + sp.exp(-z))


def _sym_tanh(z):
    import sympy as sp

    return sp.tanh(z)


def _sym_relu(z):
    import sympy as sp

    return sp.Piecewise((z, z > 0), (0, True))


def _sym_leaky(z):
    import sympy as sp

    return sp.Piecewise((z, z > 0), (sp.Rational(1, 100) * z, True))


@dataclass(frozen=True)
class Activation:
    """One element-wise activation: value, derivative and sympy form together."""

    name: str
    f: Callable
    df: Callable  # df(z, a) = f'(z), where a = f(z)
    sym: Callable  # sympy expression of a sympy symbol
    latex: str  # how the formula is written, with z as the argument

    def __repr__(self):
        return f"Activation({self.name!r})"


ELEMENTWISE = {
    "sigmoid": Activation(
        "sigmoid", _sigmoid, lambda z, a: a * (1.0 - a), _sym_sigmoid, r"\sigma(z) = \frac{1}{1 + e^{-z}}"
    ),
    "tanh": Activation("tanh", np.tanh, lambda z, a: 1.0 - a * a, _sym_tanh, r"\tanh(z)"),
    "relu": Activation(
        "relu", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype), _sym_relu, r"\max(0, z)"
    ),
    "leaky_relu": Activation(
        "leaky_relu",
        lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
        lambda z, a: np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype),
        _sym_leaky,
        r"\max(0.01 z, z)",
    ),
    "identity": Activation("identity", lambda z: z, lambda z, a: np.ones_like(z), lambda z: z, r"z"),
}

ACTIVATION_NAMES = tuple(ELEMENTWISE) + ("softmax",)


def softmax(z):
    """Row-wise softmax, shifted by the row maximum so that exp never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def softmax_backward(a, g):
    """dC/dz from g = dC/da through a = softmax(z), for each row (sample).

    Softmax couples the neurons, so its derivative is a matrix, the Jacobian
    J = diag(a) - a a^T (J_ij = da_i/dz_j), not a vector f'(z). J is symmetric, and
    J^T g = a ⊙ g - a (a . g) = a ⊙ (g - a . g): no n x n matrix needs to be built.
    """
    return a * (g - (a * g).sum(axis=-1, keepdims=True))


def log_softmax(z):
    """log softmax(z) by log-sum-exp: finite even where softmax(z) rounds to 0."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


class LayerActivation:
    """The activation of one layer of ``n`` neurons: one function, or one per neuron.

    ``backprop(g, z, a)`` returns dC/dz given g = dC/da: for element-wise functions
    that is g * f'(z) (the Hadamard product of the BP equations); for softmax it is
    the Jacobian-transpose product J^T g.
    """

    def __init__(self, spec, n: int, layer: int):
        self.n = n
        if isinstance(spec, str):
            choice(spec, ACTIVATION_NAMES, f"activation for layer {layer}")
            self.names = [spec] * n
        else:
            if not isinstance(spec, (list, tuple)):
                raise TypeError(
                    f"activation for layer {layer} must be a name such as 'sigmoid', or a list with one name per"
                    f" neuron, got {spec!r}."
                )
            spec = list(spec)
            if len(spec) != n:
                raise ValueError(
                    f"activations for layer {layer} must list one name per neuron: the layer has {n} neurons,"
                    f" got {len(spec)} names {spec!r}."
                )
            for j, name in enumerate(spec):
                if name == "softmax":
                    raise ValueError(
                        f"activation for neuron {j + 1} of layer {layer} is 'softmax', but softmax couples all the"
                        " neurons of a layer; give it to the whole layer (activations=[..., 'softmax'])."
                    )
                choice(name, tuple(ELEMENTWISE), f"activation for neuron {j + 1} of layer {layer}")
            self.names = spec
        self.is_softmax = self.names[0] == "softmax"
        if self.is_softmax and n == 1:
            raise ValueError(
                f"activation for layer {layer} is 'softmax' on a single neuron, which always outputs 1 and has"
                " zero gradient; use 'sigmoid' for one output."
            )
        self.uniform = len(set(self.names)) == 1
        # Neuron indices grouped by function, so that each function is applied once per call.
        self.groups = {name: [j for j, m in enumerate(self.names) if m == name] for name in dict.fromkeys(self.names)}

    @property
    def spec(self):
        """The name (one for all neurons) or the list of per-neuron names."""
        return self.names[0] if self.uniform else list(self.names)

    def f(self, z):
        """a = f(z), neuron by neuron (softmax: row by row)."""
        if self.is_softmax:
            return softmax(z)
        if self.uniform:
            return ELEMENTWISE[self.names[0]].f(z)
        out = np.empty_like(z)
        for name, idx in self.groups.items():
            out[..., idx] = ELEMENTWISE[name].f(z[..., idx])
        return out

    __call__ = f  # f_l(z): the layer's activation called like the math's function

    def df(self, z, a):
        """f'(z) element by element (not defined for softmax, whose derivative is a matrix)."""
        if self.is_softmax:
            raise ValueError("softmax has a Jacobian, not an element-wise derivative; use backprop(g, z, a).")
        if self.uniform:
            return ELEMENTWISE[self.names[0]].df(z, a)
        out = np.empty_like(z)
        for name, idx in self.groups.items():
            out[..., idx] = ELEMENTWISE[name].df(z[..., idx], a[..., idx])
        return out

    def backprop(self, g, z, a):
        """dC/dz from g = dC/da: g ⊙ f'(z), or J^T g for softmax."""
        if self.is_softmax:
            return softmax_backward(a, g)
        return g * self.df(z, a)

    def sym(self, z_symbols):
        """The layer's outputs as sympy expressions of its pre-activations ``z_symbols``."""
        if self.is_softmax:
            import sympy as sp

            exps = [sp.exp(z) for z in z_symbols]
            total = sum(exps)
            return [e / total for e in exps]
        return [ELEMENTWISE[name].sym(z) for name, z in zip(self.names, z_symbols)]

    def __repr__(self):
        return f"LayerActivation({self.spec!r})"
