"""Backpropagation checked by sympy: the network as formulas, exact values, and the BP equations verified.

This module needs sympy and mpmath; ``import bplab`` does not load it (``bplab.symbolic``
is imported on first use).

* :class:`SymbolicNetwork` builds the network as sympy expressions, with the same names
  and layer numbering as bplab: symbols ``x``, ``y``, ``W[l]``, ``b[l]`` and expressions
  ``z[l] = W[l] a[l-1] + b[l]``, ``a[l] = f_l(z[l])``, ``loss()``. The activation formulas
  come from :mod:`bplab.activations` (``LayerActivation.sym``), never written twice.
* :func:`exact_forward` and :func:`exact_gradients`: the forward values, the error terms
  (误差项) delta^l = dC/dz^l, obtained by sympy differentiating the loss (not by
  backpropagation), and the gradients dC/dW^l = delta^l (a^{l-1})^T, dC/db^l = delta^l,
  evaluated with 30+ digits.
* :func:`verify_bp_equations`: BP1-BP4 checked symbolically for a network shape and
  any activations, per layer.
* :func:`three_way_check`: sympy, backprop (``net.backward``) and central differences
  compared entry by entry, with float64 rounding shown rather than hidden.
* :func:`check_step`: one step of a derivation, ``lhs = rhs``, verified by sympy and
  shown as a formula (used by the derivation notebooks).
* :func:`compare_with_printed`: seed 004's printed numbers beside bplab's and the exact
  ones, for both readings of its example (notebook 08).

How delta^l is obtained without backpropagation: the part of the network above layer l
is a function of the pre-activations z^l alone, ``C_l(z^l)``
(:meth:`SymbolicNetwork.loss_of_z`); delta^l is its gradient, which is the definition
delta^l = dC/dz^l, not BP1/BP2.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from .errors import show, as_float_array, choice, positive_int, positive_number
from .losses import LOSS_NAMES, LOSSES
from .network import Layers, Network, check_network

__all__ = [
    "SymbolicNetwork",
    "exact_forward",
    "exact_gradients",
    "verify_bp_equations",
    "three_way_check",
    "check_step",
    "Step",
    "ExactValues",
    "BPReport",
    "ThreeWayReport",
    "compare_with_printed",
    "worked_example_values",
]

HALF = sp.Rational(1, 2)


# --------------------------------------------------------------------- helpers
def _idx(*ij):
    """Subscript text for 1-based indices: '12' when all are < 10, else '1,12'."""
    return ("" if all(i < 10 for i in ij) else ",").join(str(i) for i in ij)


def _vector(name, n, layer=None, **assumptions):
    sup = "" if layer is None else f"^{{{layer}}}"
    return sp.Matrix([sp.Symbol(f"{name}{sup}_{{{j + 1}}}", **assumptions) for j in range(n)])


def _loss_expr(loss, a, y):
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


def _exact(value):
    """A float as the exact rational it stores (every binary float is one: 0.1 -> 3602879701896397/2**55)."""
    return sp.Rational(float(value))


def _act_key(activations):
    if isinstance(activations, str):
        return activations
    return tuple(a if isinstance(a, str) else tuple(a) for a in activations)


# ----------------------------------------------------------- the symbolic network
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
        self.x = _vector("x", sizes[0])
        self.y = _vector("y", sizes[-1])
        W, b = [], []
        for l in range(1, L + 1):
            n, m = sizes[l], sizes[l - 1]
            W.append(sp.Matrix(n, m, lambda j, k, l=l: sp.Symbol(f"w^{{{l}}}_{{{_idx(j + 1, k + 1)}}}")))
            b.append(_vector("b", n, l) if bias else None)
        self.W = Layers(W, 1, "W")
        self.b = Layers(b, 1, "b") if bias else None
        self.z_sym = Layers([_vector("z", sizes[l], l) for l in range(1, L + 1)], 1, "z_sym")
        self.a_sym = Layers([_vector("a", sizes[l], l) for l in range(0, L + 1)], 0, "a_sym")
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
        self._check_loss(loss)
        return _loss_expr(loss, self.a[self.L] if a is None else a, self.y if y is None else y)

    def loss_of_z(self, l, loss="half_sse"):
        """C as a function of the free symbols z_sym[l] (and of W, b of layers above l, and y).

        Its gradient with respect to z_sym[l] is delta^l, by the definition delta^l = dC/dz^l.
        """
        self._check_loss(loss)
        a = self.f(l, self.z_sym[l])
        for k in range(l + 1, self.L + 1):
            a = self.f(k, self.pre_activation(k, a))
        return _loss_expr(loss, a, self.y)

    def delta(self, l, loss="half_sse"):
        """delta^l = dC/dz^l (a column in the symbols z_sym[l]) by differentiating :meth:`loss_of_z`."""
        C = self.loss_of_z(l, loss)
        return sp.Matrix([sp.diff(C, zj) for zj in self.z_sym[l]])

    def _check_loss(self, loss):
        choice(loss, LOSS_NAMES, "loss")
        problem = LOSSES[loss].check(self._act[self.L])
        if problem:
            raise ValueError(problem)

    # -- parameters and values
    def parameters(self):
        """``[(l, "W" or "b", (j, k) or (j,), symbol), ...]`` in the order of ``net.theta``."""
        out = []
        for l, kind, idx in _parameter_index(self.sizes, self.bias):
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
                subs[s] = _exact(v)
        if x is not None:
            xv = as_float_array(x, "x", ndim=1)
            if xv.shape != (self.sizes[0],):
                raise ValueError(f"x must be one sample of shape ({self.sizes[0]},), got shape {xv.shape}.")
            subs.update({s: _exact(v) for s, v in zip(self.x, xv)})
        if y is not None:
            yv = np.asarray(as_float_array(y, "y", ndim=(0, 1)), dtype=float).reshape(-1)
            if yv.shape != (self.sizes[-1],):
                raise ValueError(f"y must be one target of shape ({self.sizes[-1]},), got shape {yv.shape}.")
            subs.update({s: _exact(v) for s, v in zip(self.y, yv)})
        return subs

    def __repr__(self):
        return f"SymbolicNetwork(sizes={self.sizes}, activations={self.activations!r}, bias={self.bias})"


def _parameter_index(sizes, bias):
    """``[(l, "W" or "b", 1-based index), ...]`` in the order of ``net.theta``."""
    out = []
    for l in range(1, len(sizes)):
        out += [(l, "W", (j + 1, k + 1)) for j in range(sizes[l]) for k in range(sizes[l - 1])]
        if bias:
            out += [(l, "b", (j + 1,)) for j in range(sizes[l])]
    return out


@lru_cache(maxsize=32)
def _symbolic(sizes, act_key, bias):
    acts = act_key if isinstance(act_key, str) else [a if isinstance(a, str) else list(a) for a in act_key]
    return SymbolicNetwork(list(sizes), acts, bias)


def _for_net(net):
    return _symbolic(tuple(net.sizes), _act_key(net.activations), net.bias)


# ------------------------------------------------------- compiled high precision
class _Compiled:
    """One network shape compiled for mpmath: the loss, the activations and the deltas.

    Uses plain symbols (valid Python names, no assumptions) so that ``lambdify`` needn't
    rename anything: that keeps the first call on a new shape fast.

    * ``loss_fn(theta..., x..., y...)``: the fully composed loss C (for central differences);
    * ``act_fns[l](z^l...)``: a^l = f_l(z^l), from ``LayerActivation.sym``;
    * ``delta_fns[l](z^l..., theta..., y...)``: delta^l = dC/dz^l, sympy's derivative of
      C_l(z^l), the network above layer l as a function of z^l (the definition of delta^l,
      not BP1/BP2).
    """

    def __init__(self, sizes, act_key, bias, loss):
        acts = act_key if isinstance(act_key, str) else [a if isinstance(a, str) else list(a) for a in act_key]
        layer_act = [None] + Network.make_activations(acts, list(sizes))
        self.params = _parameter_index(sizes, bias)
        L = len(sizes) - 1
        P = sp.symbols(f"p0:{len(self.params)}")
        X = sp.symbols(f"x0:{sizes[0]}")
        Y = sp.symbols(f"y0:{sizes[-1]}")
        # the layer maps with plain symbols
        W, b, pos = {}, {}, 0
        for l in range(1, L + 1):
            n, m = sizes[l], sizes[l - 1]
            W[l] = sp.Matrix(n, m, P[pos : pos + n * m])
            pos += n * m
            if bias:
                b[l] = sp.Matrix(P[pos : pos + n])
                pos += n
        Z = {l: sp.symbols(f"z{l}_0:{sizes[l]}") for l in range(1, L + 1)}

        def f(l, z):
            return sp.Matrix(layer_act[l].sym(list(z)))

        def lin(l, a):
            return W[l] * a + b[l] if bias else W[l] * a

        a = sp.Matrix(X)
        for l in range(1, L + 1):
            a = f(l, lin(l, a))
        self.loss_fn = sp.lambdify(P + X + Y, _loss_expr(loss, a, Y), modules="mpmath")
        self.act_fns = {l: sp.lambdify(Z[l], list(f(l, Z[l])), modules="mpmath") for l in range(1, L + 1)}
        self.delta_fns = {}
        for l in range(1, L + 1):
            a = f(l, sp.Matrix(Z[l]))
            for k in range(l + 1, L + 1):
                a = f(k, lin(k, a))
            C_l = _loss_expr(loss, a, Y)
            d = [sp.diff(C_l, s) for s in Z[l]]
            self.delta_fns[l] = sp.lambdify(Z[l] + P + Y, d, modules="mpmath", cse=True)

    def forward(self, theta, x, sizes, bias):
        """z^l = W^l a^{l-1} + b^l and a^l = f_l(z^l) in mpmath arithmetic (current precision)."""
        z, a, pos = {}, {0: list(x)}, 0
        for l in range(1, len(sizes)):
            n, m = sizes[l], sizes[l - 1]
            Wl = [theta[pos + j * m : pos + (j + 1) * m] for j in range(n)]
            pos += n * m
            bl = theta[pos : pos + n] if bias else [0] * n
            pos += n if bias else 0
            z[l] = [mpmath.fsum(w * v for w, v in zip(Wl[j], a[l - 1])) + bl[j] for j in range(n)]
            a[l] = list(self.act_fns[l](*z[l]))
        return z, a

    def gradients(self, theta, x, y, sizes, bias):
        """(z, a, delta, flat gradient) for one sample, in mpmath at the current precision.

        dC/dW^l_jk = delta^l_j * dz^l_j/dW^l_jk = delta^l_j a^{l-1}_k and dC/db^l_j = delta^l_j: the
        last step of the chain rule, z^l being linear in W^l and b^l (BP3/BP4, which
        verify_bp_equations verifies with the fully composed loss).
        """
        z, a = self.forward(theta, x, sizes, bias)
        delta, flat = {}, []
        for l in range(1, len(sizes)):
            delta[l] = list(self.delta_fns[l](*z[l], *theta, *y))
        for l in range(1, len(sizes)):
            flat += [dj * ak for dj in delta[l] for ak in a[l - 1]]
            if bias:
                flat += delta[l]
        return z, a, delta, flat


@lru_cache(maxsize=32)
def _compiled(sizes, act_key, bias, loss):
    return _Compiled(sizes, act_key, bias, loss)


MAX_PARAMETERS = 300  # sympy's formulas grow quickly with depth; beyond this, compiling takes minutes


def _compiled_for(net, loss):
    if net.theta.size > MAX_PARAMETERS:
        raise ValueError(
            f"net has {net.theta.size} parameters; the exact (sympy) computations are meant for small networks of at"
            f" most {MAX_PARAMETERS} (bplab.symbolic.MAX_PARAMETERS), whose formulas stay small. For a larger"
            " network use bplab.gradcheck (central differences), or check a smaller network of the same kind."
        )
    return _compiled(tuple(net.sizes), _act_key(net.activations), net.bias, loss)


def _mp(values):
    return [mpmath.mpf(float(v)) for v in np.ravel(values)]  # mpf(float) is exact


@dataclass
class ExactValues:
    """Values computed from the formulas at high precision (sympy Floats with ``digits`` digits).

    ``z[l]``, ``a[l]``, ``delta[l]``, ``db[l]`` are 1-D object arrays (shape (n_l,)) and
    ``dW[l]`` is (n_l, n_{l-1}), like bplab's; ``np.asarray(v, dtype=float)`` rounds to
    float64. ``z_expr``/``a_expr`` (from :func:`exact_forward`) hold the exact expressions.
    """

    z: Layers
    a: Layers
    digits: int
    delta: Layers | None = None
    dW: Layers | None = None
    db: Layers | None = None
    loss: sp.Float | None = None
    z_expr: Layers | None = None
    a_expr: Layers | None = None

    @property
    def flat(self):
        """dW and db as float64 in the layout of ``net.theta``."""
        if self.dW is None:
            raise ValueError("these are forward values only; use exact_gradients for gradients.")
        parts = []
        for l in self.dW.keys():
            parts.append(np.asarray(self.dW[l], dtype=float).ravel())
            if self.db is not None:
                parts.append(np.asarray(self.db[l], dtype=float))
        return np.concatenate(parts)

    def __repr__(self):
        keys = [k for k in ("z", "a", "delta", "dW", "db") if getattr(self, k) is not None]
        return f"ExactValues({', '.join(keys)}, loss={self.loss}, digits={self.digits})"


def _check_digits(digits):
    return positive_int(digits, "digits", minimum=15)


def _floats(values, digits, shape=None):
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = sp.Float(v, digits)
    return arr if shape is None else arr.reshape(shape)


def _one_sample(net, x, name="x"):
    xv = as_float_array(x, name, ndim=(1, 2))
    if xv.shape != (net.sizes[0],):
        raise ValueError(
            f"{name} must be ONE sample of shape ({net.sizes[0]},) for the exact computation, got shape {xv.shape}."
        )
    return xv


def exact_forward(net, x, digits=30):
    """The forward pass from the exact formulas: ``z[l]``, ``a[l]`` to ``digits`` digits.

    The parameters and x enter as the exact rationals their floats store; each value is
    the exact expression (``z_expr``, ``a_expr``; e.g. z^1 = 5 exactly in seed 004's
    example) evaluated by sympy's ``evalf``, which guarantees the digits it returns.
    """
    check_network(net)
    digits = _check_digits(digits)
    xv = _one_sample(net, x)
    sn = _for_net(net)
    subs = sn.substitutions(net, xv)
    z, a, ze, ae = [], [_floats(xv, digits)], [], [np.array(list(sn.a[0].xreplace(subs)), dtype=object)]
    for l in range(1, net.L + 1):
        zl = [e.xreplace(subs) for e in sn.z[l]]
        al = [e.xreplace(subs) for e in sn.a[l]]
        ze.append(np.array(zl, dtype=object))
        ae.append(np.array(al, dtype=object))
        z.append(_floats([e.evalf(digits) for e in zl], digits))
        a.append(_floats([e.evalf(digits) for e in al], digits))
    return ExactValues(
        z=Layers(z, 1, "z"), a=Layers(a, 0, "a"), digits=digits, z_expr=Layers(ze, 1, "z_expr"), a_expr=Layers(ae, 0, "a_expr")
    )


def exact_gradients(net, x, y, loss="half_sse", digits=30):
    """z, a, delta, dW, db and the loss of one sample, from the formulas at high precision.

    delta^l is sympy's derivative of C_l(z^l), the loss as a function of z^l (see the
    module docstring): BP1 and BP2 are not used. The gradients follow from it by the last,
    one-step chain rule, z^l being linear in W^l and b^l: dC/dW^l_jk = delta^l_j a^{l-1}_k,
    dC/db^l_j = delta^l_j (BP3/BP4, which :func:`verify_bp_equations` proves with the fully
    composed loss, and which the tests compare with sympy differentiating the whole loss).
    Differentiating the whole loss per parameter would cost seconds per network shape;
    this costs a fraction of one. The expressions are compiled once per network shape
    (``lambdify`` with mpmath) and evaluated with ``digits + 15`` working digits, so that
    cancellations (such as a^L - y) cannot eat into the ``digits`` returned.
    """
    check_network(net)
    digits = _check_digits(digits)
    xv = _one_sample(net, x)
    net.loss_function(loss)  # same compatibility rule as backprop
    Y = net.targets(y, 1, loss)[0]
    comp = _compiled_for(net, loss)
    P, X, Yv = _mp(net.theta), _mp(xv), _mp(Y)
    with mpmath.workdps(digits + 15):
        zm, am, dm, g = comp.gradients(P, X, Yv, net.sizes, net.bias)
        C = comp.loss_fn(*P, *X, *Yv)
    L = net.L
    z = [_floats(zm[l], digits) for l in range(1, L + 1)]
    a = [_floats(am[l], digits) for l in range(0, L + 1)]
    delta = [_floats(dm[l], digits) for l in range(1, L + 1)]
    dW, db, pos = [], [], 0
    for l in range(1, L + 1):
        n, m = net.sizes[l], net.sizes[l - 1]
        dW.append(_floats(g[pos : pos + n * m], digits, (n, m)))
        pos += n * m
        if net.bias:
            db.append(_floats(g[pos : pos + n], digits))
            pos += n
    return ExactValues(
        z=Layers(z, 1, "z"),
        a=Layers(a, 0, "a"),
        digits=digits,
        delta=Layers(delta, 1, "delta"),
        dW=Layers(dW, 1, "dW"),
        db=Layers(db, 1, "db") if net.bias else None,
        loss=sp.Float(C, digits),
    )


# ------------------------------------------------------------ derivation steps
class Step:
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
    """Verify ``lhs == rhs`` with sympy (element by element for matrices) and return a :class:`Step`.

    Raises AssertionError naming ``title`` when sympy can't reduce ``lhs - rhs`` to 0 (or
    finds it nonzero at a random point). ``lhs_tex``/``rhs_tex`` show a side as written in
    the derivation (e.g. ``\\delta^L``) instead of its long expansion; only the display
    changes, the check always uses the expressions.
    """
    diff = sp.Matrix(lhs) - sp.Matrix(rhs) if isinstance(lhs, (sp.MatrixBase, list)) else sp.sympify(lhs - rhs)
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    for e in entries:
        verdict = _is_zero(e)
        if verdict is not True:
            why = "is not 0 at a random rational point" if verdict is False else "could not be simplified to 0"
            raise AssertionError(f"step {title!r} fails: lhs - rhs = {e} {why}.")
    return Step(title, lhs, rhs, "lhs - rhs simplifies to 0", lhs_tex, rhs_tex)


def _is_zero(expr, rng=None):
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
        if _zero_at(expr, _random_point(symbols, rng)) is False:
            return False
    if sp.simplify(sp.piecewise_fold(expr)) == 0:
        return True
    return None


# -------------------------------------------------------- verify BP1 .. BP4
@dataclass
class BPRow:
    equation: str  # "BP1".."BP4", or "f'" for bplab's derivative code
    layer: int
    statement: str
    method: str
    entries: int
    passed: bool
    detail: str = ""


@dataclass
class BPReport:
    """What :func:`verify_bp_equations` checked: one row per equation and layer."""

    sizes: list
    activations: list
    loss: str
    bias: bool
    rows: list = field(default_factory=list)

    @property
    def passed(self):
        return all(r.passed for r in self.rows)

    def table(self):
        lines = [f"BP equations for sizes {self.sizes}, activations {self.activations!r}, loss {self.loss!r}, bias={self.bias}"]
        for r in self.rows:
            mark = "ok" if r.passed else "FAIL"
            lines.append(f"  {r.equation:<4} layer {r.layer}: {r.statement}  [{r.entries} entries, {r.method}] {mark}")
            if r.detail:
                lines.append(f"       {r.detail}")
        return "\n".join(lines)

    __repr__ = table

    def _repr_html_(self):
        cells = "".join(
            f"<tr><td>{r.equation}</td><td>{r.layer}</td><td>{html.escape(r.statement)}</td><td>{r.entries}</td>"
            f"<td>{html.escape(r.method)}{'<br><small>' + html.escape(r.detail) + '</small>' if r.detail else ''}</td>"
            f"<td style='color:{'green' if r.passed else 'red'}'>{'ok' if r.passed else 'FAIL'}</td></tr>"
            for r in self.rows
        )
        return (
            f"<p>BP equations for sizes {self.sizes}, activations {html.escape(repr(self.activations))},"
            f" loss {self.loss!r}, bias={self.bias}</p><table><tr><th>equation</th><th>layer</th><th>statement</th>"
            f"<th>entries</th><th>how</th><th>result</th></tr>{cells}</table>"
        )


def _random_point(symbols, rng, fixed=None):
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


def _zero_test(expr):
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
    return _zero_test(expr)(point)


class _Checker:
    """Compares lhs and rhs entries: symbolically, or at random rational points for Piecewise."""

    def __init__(self, points, seed):
        self.points = points
        self.rng = random.Random(seed)

    def compare(self, lhs, rhs, z_free=None):
        """Returns (passed, method, detail). ``z_free``: free z symbols to put on both branches."""
        diffs = [sp.sympify(u - v) for u, v in zip(lhs, rhs)]
        if not any(d.has(sp.Piecewise) for d in diffs):
            verdicts = [_is_zero(d, self.rng) for d in diffs]
            if all(v is True for v in verdicts):
                return True, "symbolic: lhs - rhs simplifies to 0", ""
            if any(v is False for v in verdicts):
                return False, "symbolic", "lhs - rhs is not 0 at a random rational point"
            # sympy could neither prove nor disprove it: check at points, and say so
            undecided = [d for d, v in zip(diffs, verdicts) if v is None]
            bad = self._points(undecided, z_free)[0]
            if bad:
                return False, "symbolic", "lhs - rhs is not 0 at a random rational point"
            return True, f"at {self.points} random rational points", "sympy's simplify() could not decide; checked at points"
        bad, detail = self._points(diffs, z_free)
        how = "50-digit" if any(d.has(sp.exp, sp.tanh, sp.log) for d in diffs) else "exact rational"
        return (not bad), f"at {self.points} random rational points, {how} arithmetic (Piecewise: relu/leaky_relu)", detail

    def _points(self, diffs, z_free):
        symbols = sorted(set().union(*(d.free_symbols for d in diffs)), key=lambda s: s.name)
        bad = False
        signs = {}
        tests = [_zero_test(d) for d in diffs]
        for p in range(self.points):
            fixed = {}
            if z_free is not None:
                # put each free z on a chosen branch: alternate signs so both branches are hit
                for j, s in enumerate(z_free):
                    mag = sp.Rational(self.rng.randint(1, 16), 8)
                    fixed[s] = mag if (p + j) % 2 == 0 else -mag
            pt = _random_point(symbols, self.rng, fixed)
            for s in z_free or ():
                if s in pt:
                    signs.setdefault(s.name, [0, 0])[0 if pt[s] > 0 else 1] += 1
            if any(test(pt) is not True for test in tests):  # nonzero, or undefined where it should hold
                bad = True
        detail = ""
        if signs:
            detail = "branches hit: " + ", ".join(f"{k} > 0 at {v[0]}, < 0 at {v[1]} points" for k, v in signs.items())
        return bad, detail


def _hadamard_or_jacobian(sn, l, g, z):
    """J_l(z)^T g: the Hadamard product g ⊙ f'(z) for element-wise layers, J^T g for softmax."""
    if sn.layer_activation(l).is_softmax:
        return sn.jacobian(l, z).T * g
    fp = sn.fprime(l, z)
    return sp.Matrix([g[j] * fp[j] for j in range(len(g))])


def verify_bp_equations(activations="sigmoid", sizes=(2, 3, 2), loss="half_sse", bias=True, points=8, seed=0):
    """Verify BP1-BP4 with sympy for a network of ``sizes`` and ``activations``.

    delta^l is taken from its definition, the derivative of C_l(z^l) (the network above
    layer l as a function of free symbols z^l), and each equation's right side is built
    from the formulas; then lhs - rhs must reduce to 0:

    * BP1 (l = L): dC/dz^L = nabla_a C ⊙ f'(z^L) (J^T nabla_a C for softmax); for the
      shortcut pairs also dC/dz^L = a^L - y (softmax + cross_entropy, with targets summing
      to 1; sigmoid + binary_cross_entropy).
    * BP2 (l < L): dC/dz^l = ((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l) (J^T (...) for softmax).
    * BP3: dC/db^l = delta^l, and BP4: dC/dW^l = delta^l (a^{l-1})^T, where C is the fully
      composed loss C(x, W, b, y) and delta^l, a^{l-1} are evaluated at the forward pass.
    * bplab's code: ``LayerActivation.backprop`` (the f' that ``net.backward`` uses) and the
      loss's ``output_delta`` agree with sympy's dC/dz at random points, to float64 accuracy.

    Without relu/leaky_relu the differences are simplified symbolically (for all values
    of every symbol). With them (Piecewise), equality is checked exactly (rational
    arithmetic) at ``points`` random rational points, with free z's put on both branches;
    the report says which. Returns a :class:`BPReport`; raises AssertionError naming
    the equation and the layer that fails.
    """
    sn = SymbolicNetwork(sizes, activations, bias)
    points = positive_int(points, "points")
    sn._check_loss(loss)
    L = sn.L
    chk = _Checker(points, seed)
    report = BPReport(list(sn.sizes), sn.activations, loss, sn.bias)

    def add(eq, l, statement, lhs, rhs, z_free=None):
        ok, method, detail = chk.compare(list(lhs), list(rhs), z_free)
        report.rows.append(BPRow(eq, l, statement, method, len(list(lhs)), ok, detail))
        if not ok:
            raise AssertionError(f"{eq} fails for layer {l}: {statement} does not hold ({detail or method}).\n{report.table()}")

    delta = {l: sn.delta(l, loss) for l in range(1, L + 1)}  # the definition: dC/dz^l
    zL = sn.z_sym[L]
    # BP1
    aL = sn.a_sym[L]
    grad_a = sp.Matrix([sp.diff(_loss_expr(loss, aL, sn.y), s) for s in aL])  # nabla_a C
    grad_a = grad_a.xreplace(dict(zip(aL, sn.f(L, zL))))
    softL = sn.layer_activation(L).is_softmax
    add("BP1", L, "dC/dz^L = " + ("J^T nabla_a C (softmax)" if softL else "nabla_a C ⊙ f'(z^L)"),
        delta[L], _hadamard_or_jacobian(sn, L, grad_a, zL), zL)
    if loss in ("cross_entropy", "binary_cross_entropy"):
        lhs = delta[L]
        note = ""
        if loss == "cross_entropy":  # a^L - y needs sum_j y_j = 1
            y = sn.y
            lhs = lhs.xreplace({y[-1]: 1 - sum(y[:-1])})
            rhs = sn.f(L, zL) - y.xreplace({y[-1]: 1 - sum(y[:-1])})
            note = " (targets summing to 1)"
        else:
            rhs = sn.f(L, zL) - sn.y
        add("BP1", L, f"dC/dz^L = a^L - y, the shortcut for {loss}{note}", lhs, rhs, zL)
    # BP2
    for l in range(L - 1, 0, -1):
        zl = sn.z_sym[l]
        z_next = sn.pre_activation(l + 1, sn.f(l, zl))
        d_next = delta[l + 1].xreplace(dict(zip(sn.z_sym[l + 1], z_next)))
        g = sn.W[l + 1].T * d_next
        soft = sn.layer_activation(l).is_softmax
        add("BP2", l, "delta^l = " + ("J^T ((W^{l+1})^T delta^{l+1}) (softmax)" if soft else "((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l)"),
            delta[l], _hadamard_or_jacobian(sn, l, g, zl), zl)
    # BP3 and BP4 on the fully composed loss
    C = sn.loss(loss)
    for l in range(1, L + 1):
        d_at = delta[l].xreplace(dict(zip(sn.z_sym[l], sn.z[l])))
        if sn.bias:
            add("BP3", l, "dC/db^l = delta^l", [sp.diff(C, s) for s in sn.b[l]], d_at)
        W, a_prev = sn.W[l], sn.a[l - 1]
        lhs = [sp.diff(C, W[j, k]) for j in range(W.rows) for k in range(W.cols)]
        rhs = [d_at[j] * a_prev[k] for j in range(W.rows) for k in range(W.cols)]
        add("BP4", l, "dC/dW^l = delta^l (a^{l-1})^T", lhs, rhs)
    # bplab's own code for f' and for BP1
    _check_bplab_code(sn, loss, delta, report, chk)
    return report


def _check_bplab_code(sn, loss, delta, report, chk):
    """bplab's LayerActivation.backprop and Loss.output_delta against sympy, at random points (float64)."""
    rng = np.random.default_rng(chk.rng.randint(0, 2**31))
    L = sn.L
    for l in range(1, L + 1):
        act = sn.layer_activation(l)
        zs = sn.z_sym[l]
        J = sn.jacobian(l)
        worst = 0.0
        for p in range(chk.points):
            # exact binary floats, with alternating signs so that both relu branches are hit
            zv = rng.integers(1, 33, size=act.n) / 8.0 * np.where((np.arange(act.n) + p) % 2 == 0, 1.0, -1.0)
            gv = rng.integers(-16, 17, size=act.n) / 8.0
            av = act.f(zv[None, :])
            got = act.backprop(gv[None, :], zv[None, :], av)[0]
            Jv = np.array(J.xreplace({s: _exact(v) for s, v in zip(zs, zv)}).evalf(30), dtype=float)
            want = Jv.T @ gv
            worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
        ok = worst < 1e-12
        report.rows.append(
            BPRow("f'", l, f"bplab's LayerActivation.backprop for {act.spec!r} = J^T g (sympy's derivative)",
                  f"float64 at {chk.points} random points", act.n, ok, f"max error {worst:.1e}")
        )
        if not ok:
            raise AssertionError(
                f"f' of layer {l} ({act.spec!r}): bplab's backprop (the ⊙ f'(z^l) of BP1/BP2) differs from sympy's"
                f" derivative by {worst:.2e}.\n{report.table()}"
            )
    # BP1 as bplab computes it
    act = sn.layer_activation(L)
    lossf = LOSSES[loss]
    worst = 0.0
    for p in range(chk.points):
        zv = rng.integers(1, 33, size=act.n) / 8.0 * np.where((np.arange(act.n) + p) % 2 == 0, 1.0, -1.0)
        av = act.f(zv[None, :])
        if loss == "cross_entropy":
            yv = np.eye(act.n)[p % act.n]
        else:
            yv = rng.integers(0, 9, size=act.n) / 8.0
        got = lossf.output_delta(zv[None, :], av, yv[None, :], act)[0]
        pt = {s: _exact(v) for s, v in zip(sn.z_sym[L], zv)}
        pt.update({s: _exact(v) for s, v in zip(sn.y, yv)})
        want = np.array([float(sp.N(d.xreplace(pt), 30)) for d in delta[L]])
        worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
    ok = worst < 1e-12
    report.rows.append(
        BPRow("BP1", L, f"bplab's LOSSES[{loss!r}].output_delta = dC/dz^L (sympy)", f"float64 at {chk.points} random points",
              act.n, ok, f"max error {worst:.1e}")
    )
    if not ok:
        raise AssertionError(
            f"BP1 fails for layer {L}: bplab's output_delta for {loss!r} differs from sympy's dC/dz^L by {worst:.2e}."
            f"\n{report.table()}"
        )


# -------------------------------------------------------------- three-way check
@dataclass
class Entry:
    layer: int
    param: str
    index: tuple  # 1-based (j, k) for W, (j,) for b
    sympy: float  # exact derivative, rounded to float64 for display
    backprop: float
    fd64: float  # float64 central difference (bplab.gradcheck.numeric_gradient)
    fd_hp: float  # central difference of the exact loss at high precision (tiny step)
    fd_trunc: float  # central difference of the exact loss at high precision, same step h as fd64
    status: str  # "ok", "fd64 rounding-limited", "FAIL: ..."

    @property
    def rel_backprop(self):
        return _rel(self.backprop, self.sympy)

    @property
    def rel_fd64(self):
        return _rel(self.fd64, self.sympy)

    @property
    def rel_fd_hp(self):
        return _rel(self.fd_hp, self.sympy)

    @property
    def name(self):
        sub = ",".join(str(i) for i in self.index)
        return f"{'w' if self.param == 'W' else 'b'}^{self.layer}_{sub}"


def _rel(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


class ThreeWayReport:
    """sympy vs backprop vs central differences, one :class:`Entry` per parameter.

    Columns: the exact derivative (sympy), backprop (float64), the float64 central
    difference with step h (what :func:`bplab.gradcheck` does), and the central
    difference of the EXACT loss at high precision with a tiny step. The float64 central
    difference has two errors: truncation (O(h^2), measured by the high-precision
    difference with the same h) and rounding (the float64 loss values are off by ~1e-16 of
    their size, divided by 2h). Where the gradient is tiny, rounding dominates; such entries
    are marked "fd64 rounding-limited" (shown, counted, not hidden), and pass only because
    the other two oracles agree to 1e-7 there.
    """

    def __init__(self, entries, loss, loss_exact, h, rtol, loss_error=0.0):
        self.entries = entries
        self.loss_error = loss_error  # |float64 loss - exact loss| at the current parameters
        self.loss = loss
        self.loss_exact = loss_exact
        self.h = h
        self.rtol = rtol

    @property
    def passed(self):
        return all(not e.status.startswith("FAIL") for e in self.entries)

    @property
    def rounding_limited(self):
        return [e for e in self.entries if e.status == "fd64 rounding-limited"]

    def __getitem__(self, key):
        """``report[l, "W"]``: the entries of W^l (or "b")."""
        rows = [e for e in self.entries if (e.layer, e.param) == tuple(key)]
        if not rows:
            raise KeyError(f"no entries for layer {key[0]}, parameter {key[1]!r}")
        return rows

    def raise_if_failed(self):
        if not self.passed:
            bad = [f"{e.name} ({e.status})" for e in self.entries if e.status.startswith("FAIL")]
            raise AssertionError("three-way gradient check failed for: " + "; ".join(bad) + "\n" + self.table())
        return self

    def summary(self):
        n = len(self.entries)
        worst_bp = max(e.rel_backprop for e in self.entries)
        worst_hp = max(e.rel_fd_hp for e in self.entries)
        lines = [
            f"{'PASSED' if self.passed else 'FAILED'}: {n} parameters; backprop vs sympy max relative error {worst_bp:.1e},"
            f" high-precision central difference vs sympy {worst_hp:.1e} (tolerance {self.rtol:g})."
        ]
        rl = self.rounding_limited
        if rl:
            worst = max(rl, key=lambda e: e.rel_fd64)
            lines.append(
                f"{len(rl)} of {n} float64 central differences (h = {self.h:g}) are rounding-limited: e.g. {worst.name}"
                f" = {worst.sympy:.3e} has float64 relative error {worst.rel_fd64:.1e}. Rounding: the float64 loss"
                f" {self.loss:.6e} is itself off by {self.loss_error:.1e} from the exact loss, and dividing such"
                f" errors by 2h = {2 * self.h:g} gives errors of order {self.loss_error / self.h:.0e}, not small next to"
                f" so small a gradient. Truncation, the other error of a central difference, is only"
                f" {abs(worst.fd_trunc - worst.sympy):.1e} for this step (computed in exact arithmetic)."
            )
        return "\n".join(lines)

    def table(self):
        head = (
            f"{'param':<10} {'sympy (exact)':>15} {'backprop':>15} {'rel err':>8} {'fd float64':>15} {'rel err':>8}"
            f" {'fd high-prec':>15} {'rel err':>8}  status"
        )
        lines = [head]
        for e in self.entries:
            lines.append(
                f"{e.name:<10} {e.sympy:>15.8e} {e.backprop:>15.8e} {e.rel_backprop:>8.1e} {e.fd64:>15.8e}"
                f" {e.rel_fd64:>8.1e} {e.fd_hp:>15.8e} {e.rel_fd_hp:>8.1e}  {e.status}"
            )
        return "\n".join(lines)

    def __repr__(self):
        return self.table() + "\n" + self.summary()

    def _repr_html_(self):
        def color(s):
            return "red" if s.startswith("FAIL") else ("#b35900" if s != "ok" else "green")

        cells = "".join(
            f"<tr><td>{e.name}</td><td>{e.sympy:.8e}</td><td>{e.backprop:.8e}</td>"
            f"<td>{e.rel_backprop:.1e}</td><td>{e.fd64:.8e}</td><td>{e.rel_fd64:.1e}</td><td>{e.fd_hp:.8e}</td>"
            f"<td>{e.rel_fd_hp:.1e}</td><td style='color:{color(e.status)}'>{html.escape(e.status)}</td></tr>"
            for e in self.entries
        )
        return (
            "<table style='white-space:nowrap'><tr><th>parameter</th><th>sympy (exact)</th><th>backprop</th>"
            "<th>rel err</th><th>central diff. float64</th><th>rel err</th><th>central diff. high precision</th>"
            f"<th>rel err</th><th>status</th></tr>{cells}</table><p>{html.escape(self.summary())}</p>"
        )


def three_way_check(net, x, y, loss="half_sse", grads=None, h=1e-5, rtol=1e-7, digits=30):
    """Compare sympy's exact gradient, backprop's and central differences for every parameter.

    ``x``, ``y``: one sample, or a batch (gradients of the mean loss). ``grads``: a
    :class:`bplab.Gradients` to check instead of ``net.gradients(x, y, loss)`` (e.g. one
    you computed yourself). Verdict per entry: backprop and the high-precision central
    difference must match sympy within ``rtol`` (relative, or 1e-15 absolute for
    near-zero entries); the float64 central difference must match within 1e-4 relative, or
    else its error must be explained by float64 rounding (it then gets the status
    "fd64 rounding-limited"). See :class:`ThreeWayReport`.
    """
    from .gradcheck import numeric_gradient

    check_network(net)
    h = positive_number(h, "h (finite-difference step)")
    rtol = positive_number(rtol, "rtol")
    digits = _check_digits(digits)
    net.loss_function(loss)  # the same compatibility rule as backprop
    X, _ = net.input_rows(x)
    Y = net.targets(y, X.shape[0], loss)
    comp = _compiled_for(net, loss)
    if grads is None:
        grads = net.gradients(x, y, loss)
    elif not hasattr(grads, "flat") or np.shape(grads.flat) != net.theta.shape:
        raise ValueError(f"grads must be the Gradients of this network ({net.theta.size} values), got {show(grads)}.")
    bp = np.asarray(grads.flat, dtype=float)
    fd64 = numeric_gradient(net, x, y, loss, h)
    theta = _mp(net.theta)
    m = X.shape[0]
    rows = [(_mp(X[i]), _mp(Y[i])) for i in range(m)]
    n = len(theta)
    with mpmath.workdps(digits + 15):

        def C(th):
            return mpmath.fsum(comp.loss_fn(*th, *xr, *yr) for xr, yr in rows) / m

        exact = [mpmath.mpf(0)] * n
        for xr, yr in rows:
            g = comp.gradients(theta, xr, yr, net.sizes, net.bias)[3]
            exact = [e + gi for e, gi in zip(exact, g)]
        exact = [e / m for e in exact]
        C0 = C(theta)
        tiny = mpmath.mpf(10) ** (-(digits // 2))
        hh = mpmath.mpf(h)

        def central(i, step):
            up, dn = list(theta), list(theta)
            up[i] += step
            dn[i] -= step
            return (C(up) - C(dn)) / (2 * step)

        fd_hp = [central(i, tiny) for i in range(n)]
        fd_tr = [central(i, hh) for i in range(n)]
    entries = []
    for i, (l, kind, idx) in enumerate(comp.params):
        s, b, f64, fhp, ftr = float(exact[i]), float(bp[i]), float(fd64[i]), float(fd_hp[i]), float(fd_tr[i])
        problems = []
        if not _close(b, s, rtol):
            problems.append(f"backprop rel err {_rel(b, s):.1e}")
        if not _close(fhp, s, rtol):
            problems.append(f"high-precision central difference rel err {_rel(fhp, s):.1e}")
        status = "ok"
        if not _close(f64, s, 1e-4):
            rounding, truncation = abs(f64 - ftr), abs(ftr - s)
            if rounding > truncation and _close(ftr, s, 1e-4):
                status = "fd64 rounding-limited"
            else:
                problems.append(f"float64 central difference rel err {_rel(f64, s):.1e}")
        if problems:
            status = "FAIL: " + ", ".join(problems)
        entries.append(Entry(l, kind, idx, s, b, f64, fhp, ftr, status))
    loss_error = abs(float(mpmath.mpf(net.loss(x, y, loss)) - C0))  # float64 loss vs exact loss
    return ThreeWayReport(entries, float(grads.loss), sp.Float(C0, digits), h, rtol, loss_error)


def _close(a, b, rtol, atol=1e-15):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) or abs(a - b) <= atol


# --------------------------------------------------- seed 004's printed numbers
PRINTED_TOL = 1.5e-15  # the article prints 15 decimals; allow 1.5 units of the last one (its own float64 rounding)

_VARIANT_LABEL = {"matrix": "w(2,5) = 2 (the matrix)", "as_printed": "w(2,5) = 3 (the printed z5)"}


def worked_example_values(variant="matrix", digits=30):
    """Seed 004's named quantities (z1..z6, f1..f6, f_i'(z_i), y_hat - y, delta3, delta2[k], delta1[k])
    for one variant of the example: ``{name: (bplab float64, exact sympy Float)}``.

    The bplab column comes from ``net.forward``/``net.backward``; the exact column from
    :func:`exact_gradients` (sympy's derivatives) and, for f'(z), sympy's derivative of
    the activation at the exact z.
    """
    from .examples import NEURONS, worked_example

    net, x, y = worked_example(variant)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    ex = exact_gradients(net, x, y, digits=digits)
    sn = _for_net(net)
    out = {}
    for i, (l, j) in NEURONS.items():
        out[f"z{i}"] = (float(trace.z[l][j]), ex.z[l][j])
        out[f"f{i}"] = (float(trace.a[l][j]), ex.a[l][j])
    for i, (l, j) in NEURONS.items():
        fp64 = net.layer_activation(l).df(trace.z[l], trace.a[l])[j]
        zl = [sp.Float(v, digits) for v in ex.z[l]]
        out[f"f{i}'(z{i})"] = (float(fp64), sp.Float(sp.N(sn.fprime(l, zl)[j], digits), digits))
    L = net.L
    out["(y_hat - y)"] = (float(trace.a[L][0] - y[0]), ex.a[L][0] - _exact(y[0]))
    out["delta3"] = (float(grads.delta[3][0]), ex.delta[3][0])
    for l in (2, 1):
        for k in range(net.sizes[l]):
            out[f"delta{l}[{k + 1}]"] = (float(grads.delta[l][k]), ex.delta[l][k])
    return out


@dataclass
class PrintedRow:
    name: str
    printed: float
    values: dict  # variant -> (bplab float64, exact)
    matches: list  # the variants whose exact value the printed one matches

    @property
    def verdict(self):
        if len(self.matches) == len(self.values):
            return "consistent (both variants)"
        if self.matches:
            return "matches only " + _VARIANT_LABEL[self.matches[0]]
        return "matches NEITHER variant"


class PrintedComparison:
    """The article's printed values beside bplab's and the exact ones, for both variants."""

    def __init__(self, rows, tol):
        self.rows = rows
        self.tol = tol

    def __getitem__(self, name):
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"no printed quantity {name!r}; names are {[r.name for r in self.rows]}")

    def names(self, verdict_startswith):
        return [r.name for r in self.rows if r.verdict.startswith(verdict_startswith)]

    def table(self):
        lines = [
            f"{'quantity':<12} {'article (printed)':>20} {'bplab, w25=2':>20} {'printed-exact':>13}"
            f" {'bplab, w25=3':>20} {'printed-exact':>13}  verdict"
        ]
        for r in self.rows:
            (bm, em), (bp, ep) = r.values["matrix"], r.values["as_printed"]
            lines.append(
                f"{r.name:<12} {r.printed:>20.15g} {bm:>20.15g} {float(r.printed - em):>13.1e} {bp:>20.15g}"
                f" {float(r.printed - ep):>13.1e}  {r.verdict}"
            )
        lines.append(f"(a printed value 'matches' when it is within {self.tol:g} of the exact value: it is printed to 15 decimals)")
        return "\n".join(lines)

    __repr__ = table

    def _repr_html_(self):
        def color(v):
            return "green" if v.startswith("consistent") else ("red" if "NEITHER" in v else "#b35900")

        cells = "".join(
            f"<tr><td>{html.escape(r.name)}</td><td>{r.printed:.15g}</td>"
            f"<td>{r.values['matrix'][0]:.15g}</td><td>{float(r.printed - r.values['matrix'][1]):.1e}</td>"
            f"<td>{r.values['as_printed'][0]:.15g}</td><td>{float(r.printed - r.values['as_printed'][1]):.1e}</td>"
            f"<td style='color:{color(r.verdict)}'>{html.escape(r.verdict)}</td></tr>"
            for r in self.rows
        )
        return (
            "<table><tr><th>quantity</th><th>article (printed)</th><th>bplab, w(2,5)=2</th><th>printed − exact</th>"
            f"<th>bplab, w(2,5)=3</th><th>printed − exact</th><th>verdict</th></tr>{cells}</table>"
            f"<p>A printed value matches a variant when it is within {self.tol:g} of that variant's exact value"
            " (the article prints 15 decimals). bplab's columns are float64; the differences use the exact values.</p>"
        )


def compare_with_printed(digits=30, tol=PRINTED_TOL):
    """Every printed value of seed 004's example (``bplab.examples.PRINTED``) beside bplab's
    and the exact values of both variants, with a verdict computed from the numbers."""
    from .examples import PRINTED

    tol = positive_number(tol, "tol")
    values = {v: worked_example_values(v, digits) for v in ("matrix", "as_printed")}
    rows = []
    for name, printed in PRINTED.items():
        items = [(f"{name}[{k + 1}]", p) for k, p in enumerate(printed)] if isinstance(printed, list) else [(name, printed)]
        for key, p in items:
            vals = {v: values[v][key] for v in values}
            matches = [v for v in vals if abs(float(p - vals[v][1])) <= tol]
            rows.append(PrintedRow(key, p, vals, matches))
    return PrintedComparison(rows, tol)
