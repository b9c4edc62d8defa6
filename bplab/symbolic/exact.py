"""Exact values: the forward pass, the error terms and the gradients of one sample, from the formulas.

The formulas of a network shape are compiled once for mpmath (:class:`_Compiled`) and evaluated
with more working digits than are returned, so that cancellations cannot eat into them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from ..errors import as_float_array, positive_int
from ..network import Layers, Network, check_network
from .cost import check_cost, check_forward_cost
from .formulas import activations_from_key, activations_key, loss_formula, parameter_index
from .network import symbolic_network_for


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
        layer_act = [None] + Network.make_activations(activations_from_key(act_key), list(sizes))
        self.params = parameter_index(sizes, bias)
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
        self.loss_fn = sp.lambdify(P + X + Y, loss_formula(loss, a, Y), modules="mpmath")
        self.act_fns = {l: sp.lambdify(Z[l], list(f(l, Z[l])), modules="mpmath") for l in range(1, L + 1)}
        self.delta_fns = {}
        for l in range(1, L + 1):
            a = f(l, sp.Matrix(Z[l]))
            for k in range(l + 1, L + 1):
                a = f(k, lin(k, a))
            C_l = loss_formula(loss, a, Y)
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


def compiled_for(net, loss, samples=0):
    """The compiled formulas of ``net``'s shape, after refusing a shape whose predicted cost is too high
    (:func:`bplab.symbolic.cost.check_cost`; ``samples`` > 0 adds the three-way check's central differences)."""
    check_cost(net, samples)
    return _compiled(tuple(net.sizes), activations_key(net.activations), net.bias, loss)


def to_mpf(values):
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


def check_digits(digits):
    return positive_int(digits, "digits", minimum=15)


def _floats(values, digits, shape=None):
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = sp.Float(v, digits)
    return arr if shape is None else arr.reshape(shape)


def _single_sample(net, x, name="x"):
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
    digits = check_digits(digits)
    xv = _single_sample(net, x)
    check_forward_cost(net)
    sn = symbolic_network_for(net)
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
    digits = check_digits(digits)
    xv = _single_sample(net, x)
    net.loss_function(loss)  # same compatibility rule as backprop
    Y = net.targets(y, 1, loss)[0]
    comp = compiled_for(net, loss)
    P, X, Yv = to_mpf(net.theta), to_mpf(xv), to_mpf(Y)
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

