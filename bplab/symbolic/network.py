"""SymbolicNetwork: a network written as sympy formulas, numbered like bplab (layers 1..L, a[0] = x)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

from ..errors import show, as_float_array, choice
from ..losses import LOSS_NAMES, LOSSES
from ..network import Layers, Network, check_network
from .formulas import activations_from_key, activations_key, exact_rational, loss_formula, parameter_index, subscript, symbol_column


class SymbolicNetwork:
    """A network written as sympy formulas, numbered like bplab (layers 1..L, a[0] = x).

    ``SymbolicNetwork([2, 3, 2])`` or ``SymbolicNetwork(net)`` (takes sizes, activations
    and bias from a :class:`bplab.Network`). Attributes:

    * ``x`` (n_0 x 1), ``y`` (n_L x 1): symbol columns; ``W[l]`` (n_l x n_{l-1}) with
      entries ``w^{l}_{jk}`` (from neuron k of layer l-1 to neuron j of layer l) and
      ``b[l]`` (n_l x 1), for l = 1..L (``b`` is None without biases);
    * ``z[l]``, ``a[l]``: the forward pass as expressions of x, W, b (``a[0]`` is x);
    * ``z_sym[l]``, ``a_sym[l]``: free symbols standing for z^l and a^l, for
      layer-local formulas such as :meth:`loss_of_z`.
    """

    def __init__(self, sizes_or_net, activations="sigmoid", bias=True):
        if isinstance(sizes_or_net, Network):
            net = sizes_or_net
            sizes, activations, bias = net.sizes, net.activations, net.bias
        else:
            sizes = Network.check_sizes(sizes_or_net)
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False, got {show(bias)}.")
        self.sizes = list(sizes)
        self.L = len(sizes) - 1
        self.bias = bias
        self._act = [None] + Network.make_activations(activations, self.sizes)
        self.activations = [act.spec for act in self._act[1:]]
        L = self.L
        self.x = symbol_column("x", sizes[0])
        self.y = symbol_column("y", sizes[-1])
        W, b = [], []
        for l in range(1, L + 1):
            n, m = sizes[l], sizes[l - 1]
            W.append(sp.Matrix(n, m, lambda j, k, l=l: sp.Symbol(f"w^{{{l}}}_{{{subscript(j + 1, k + 1)}}}")))
            b.append(symbol_column("b", n, l) if bias else None)
        self.W = Layers(W, 1, "W")
        self.b = Layers(b, 1, "b") if bias else None
        self.z_sym = Layers([symbol_column("z", sizes[l], l) for l in range(1, L + 1)], 1, "z_sym")
        self.a_sym = Layers([symbol_column("a", sizes[l], l) for l in range(0, L + 1)], 0, "a_sym")
        z, a = [], [self.x]
        for l in range(1, L + 1):
            z.append(self.pre_activation(l, a[-1]))
            a.append(self.f(l, z[-1]))
        self.z = Layers(z, 1, "z")
        self.a = Layers(a, 0, "a")

    # -- the pieces of the formulas
    def layer_activation(self, l):
        """bplab's :class:`~bplab.activations.LayerActivation` of layer l."""
        return Layers(self._act[1:], 1, "layer_activation")[l]

    def pre_activation(self, l, a_prev):
        """z^l = W^l a^{l-1} + b^l for a given column ``a_prev``."""
        z = self.W[l] * sp.Matrix(a_prev)
        return z + self.b[l] if self.bias else z

    def f(self, l, z):
        """a^l = f_l(z) as a column, from ``LayerActivation.sym`` (per neuron, or softmax)."""
        return sp.Matrix(self.layer_activation(l).sym(list(z)))

    def jacobian(self, l, z=None):
        """da^l/dz^l as a matrix, at ``z`` (default the free symbols z_sym[l]).

        Diagonal (entries f'(z_j)) for element-wise activations; full for softmax.
        """
        zs = self.z_sym[l]
        J = self.f(l, zs).jacobian(zs)
        return J if z is None else J.xreplace(dict(zip(zs, z)))

    def fprime(self, l, z=None):
        """The column f_l'(z^l) of an element-wise layer (the diagonal of :meth:`jacobian`)."""
        if self.layer_activation(l).is_softmax:
            raise ValueError(
                f"layer {l} is softmax, whose derivative is a full Jacobian, not a vector f'(z); use jacobian({l})."
            )
        J = self.jacobian(l, z)
        return sp.Matrix([J[j, j] for j in range(J.rows)])

    def loss(self, loss="half_sse", a=None, y=None):
        """The per-sample loss C as an expression (default: of the network's output a[L] and y)."""
        self.check_loss(loss)
        return loss_formula(loss, self.a[self.L] if a is None else a, self.y if y is None else y)

    def loss_of_z(self, l, loss="half_sse"):
        """C as a function of the free symbols z_sym[l] (and of W, b of layers above l, and y).

        Its gradient with respect to z_sym[l] is delta^l, by the definition delta^l = dC/dz^l.
        """
        self.check_loss(loss)
        a = self.f(l, self.z_sym[l])
        for k in range(l + 1, self.L + 1):
            a = self.f(k, self.pre_activation(k, a))
        return loss_formula(loss, a, self.y)

    def delta(self, l, loss="half_sse"):
        """delta^l = dC/dz^l (a column in the symbols z_sym[l]) by differentiating :meth:`loss_of_z`."""
        C = self.loss_of_z(l, loss)
        return sp.Matrix([sp.diff(C, zj) for zj in self.z_sym[l]])

    def check_loss(self, loss):
        choice(loss, LOSS_NAMES, "loss")
        problem = LOSSES[loss].check(self._act[self.L])
        if problem:
            raise ValueError(problem)

    # -- parameters and values
    def parameters(self):
        """``[(l, "W" or "b", (j, k) or (j,), symbol), ...]`` in the order of ``net.theta``."""
        out = []
        for l, kind, idx in parameter_index(self.sizes, self.bias):
            sym = self.W[l][idx[0] - 1, idx[1] - 1] if kind == "W" else self.b[l][idx[0] - 1]
            out.append((l, kind, idx, sym))
        return out

    def parameter_symbols(self):
        return [p[-1] for p in self.parameters()]

    def substitutions(self, net=None, x=None, y=None):
        """``{symbol: exact value}`` for the parameters of ``net`` and the sample ``x``, ``y``.

        Floats become the exact rational they store (``sympy.Rational(float)`` is exact
        for every binary float; 2.0 -> 2, 0.5 -> 1/2, 0.1 -> 3602879701896397/36028797018963968).
        We never round to a "nicer" number: that would describe a different network.
        """
        subs = {}
        if net is not None:
            check_network(net)
            if net.sizes != self.sizes or net.activations != self.activations or net.bias != self.bias:
                raise ValueError(
                    f"net must have the same shape as this SymbolicNetwork (sizes {self.sizes}, activations"
                    f" {self.activations!r}, bias={self.bias}), got {net!r}."
                )
            for s, v in zip(self.parameter_symbols(), net.theta):
                subs[s] = exact_rational(v)
        if x is not None:
            xv = as_float_array(x, "x", ndim=1)
            if xv.shape != (self.sizes[0],):
                raise ValueError(f"x must be one sample of shape ({self.sizes[0]},), got shape {xv.shape}.")
            subs.update({s: exact_rational(v) for s, v in zip(self.x, xv)})
        if y is not None:
            yv = np.asarray(as_float_array(y, "y", ndim=(0, 1)), dtype=float).reshape(-1)
            if yv.shape != (self.sizes[-1],):
                raise ValueError(f"y must be one target of shape ({self.sizes[-1]},), got shape {yv.shape}.")
            subs.update({s: exact_rational(v) for s, v in zip(self.y, yv)})
        return subs

    def __repr__(self):
        return f"SymbolicNetwork(sizes={self.sizes}, activations={self.activations!r}, bias={self.bias})"


@lru_cache(maxsize=32)
def _symbolic(sizes, act_key, bias):
    return SymbolicNetwork(list(sizes), activations_from_key(act_key), bias)


def symbolic_network_for(net):
    """The :class:`SymbolicNetwork` of ``net``'s shape, built once per shape (cached)."""
    return _symbolic(tuple(net.sizes), activations_key(net.activations), net.bias)

