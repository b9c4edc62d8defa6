"""Sensitivity, BP2 and loss checks, and the cost of gradients: computed on a real network (see :mod:`bplab.derivations`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import as_float_array, choice, positive_int, positive_number
from ..losses import LOSS_NAMES, LOSSES
from ..network import Network, check_network


# ------------------------------------------------------------------ one sample, one layer, one neuron
def _sample(net, x, y, loss):
    check_network(net)
    choice(loss, LOSS_NAMES, "loss")
    x = as_float_array(x, "x", ndim=1)
    if x.shape != (net.sizes[0],):
        raise ValueError(f"x must be one sample of shape ({net.sizes[0]},), got shape {x.shape}.")
    y = np.asarray(as_float_array(y, "y", ndim=(0, 1)), dtype=float).reshape(-1)
    if y.shape != (net.sizes[-1],):
        raise ValueError(f"y must be one target of shape ({net.sizes[-1]},), got shape {y.shape}.")
    return x, y


def layer_index(net, l, name="l"):
    """``l`` checked as a layer 1..L of ``net``."""
    l = positive_int(l, name)
    if l > net.L:
        raise ValueError(f"{name} must be a layer 1..{net.L} of this network, got {l}.")
    return l


def loss_at_z(net, y, l, z_l, loss="half_sse"):
    """The loss C when layer l's weighted input is ``z_l``: a^l = f_l(z_l), then the layers above, then C.

    Nothing below layer l is needed: C depends on x, W^1..W^l only through z^l.
    """
    a = net.layer_activation(l).f(np.asarray(z_l, dtype=float)[None, :])
    z = a
    for k in range(l + 1, net.L + 1):
        z = a @ net.weights[k].T + (net.biases[k] if net.bias else 0.0)
        a = net.layer_activation(k).f(z)
    z_out = z if l < net.L else np.asarray(z_l, dtype=float)[None, :]
    return float(LOSSES[loss].value(z_out, a, np.asarray(y, dtype=float)[None, :])[0])


@dataclass
class Nudge:
    """What moving z^l_j by eps does to the loss: ``change`` (measured) against ``predicted`` = delta^l_j eps."""

    l: int
    j: int
    eps: float
    delta: float
    change: float

    @property
    def predicted(self):
        return self.delta * self.eps

    @property
    def rel_error(self):
        scale = max(abs(self.change), abs(self.predicted))
        return 0.0 if scale == 0 else abs(self.change - self.predicted) / scale

    def verify(self, rtol=1e-3):
        """Raise AssertionError unless the change of C agrees with delta^l_j eps within ``rtol``."""
        if not self.rel_error <= rtol:
            raise AssertionError(
                f"nudging z^{self.l}_{self.j} by eps = {self.eps:g} changed C by {self.change:.6e}, but"
                f" delta^{self.l}_{self.j} eps = {self.predicted:.6e}: relative error {self.rel_error:.1e} > {rtol:g}."
            )
        return self

    def __repr__(self):
        return (
            f"Nudge(z^{self.l}_{self.j} + {self.eps:g}): C changes by {self.change:.6e};"
            f" delta^{self.l}_{self.j} * eps = {self.predicted:.6e} (relative error {self.rel_error:.1e})"
        )


def nudge(net, x, y, l, j, eps, loss="half_sse", delta=None):
    """Add ``eps`` to z^l_j (j counted from 1, as in the formulas) and measure how much C changes.

    Returns a :class:`Nudge` holding the change of C and delta^l_j from bplab's backward pass (or the
    ``delta`` you pass: a vector delta^l, to test your own). For small eps, change = delta^l_j eps + O(eps^2):
    delta^l_j is the *sensitivity* of the loss to neuron j's weighted input.
    """
    x, y = _sample(net, x, y, loss)
    l = layer_index(net, l)
    j = positive_int(j, "j")
    if j > net.sizes[l]:
        raise ValueError(f"j must be a neuron 1..{net.sizes[l]} of layer {l} (counted from 1), got {j}.")
    eps = float(eps)
    if not np.isfinite(eps) or eps == 0:
        raise ValueError(f"eps must be a finite nonzero number, got {eps!r}.")
    trace = net.forward(x)
    z = np.array(trace.z[l], dtype=float)
    d = net.backward(trace, y, loss).delta[l] if delta is None else np.asarray(delta, dtype=float).reshape(-1)
    moved = z.copy()
    moved[j - 1] += eps
    change = loss_at_z(net, y, l, moved, loss) - loss_at_z(net, y, l, z, loss)
    return Nudge(l, j, eps, float(d[j - 1]), change)


def numeric_delta(net, x, y, l, h=1e-6, loss="half_sse"):
    """delta^l by its definition, dC/dz^l, with central differences in each z^l_j (no BP equation used)."""
    x, y = _sample(net, x, y, loss)
    l = layer_index(net, l)
    h = positive_number(h, "h (finite-difference step)")
    z = np.array(net.forward(x).z[l], dtype=float)
    out = np.empty_like(z)
    for j in range(z.size):
        plus, minus = z.copy(), z.copy()
        plus[j] += h
        minus[j] -= h
        out[j] = (loss_at_z(net, y, l, plus, loss) - loss_at_z(net, y, l, minus, loss)) / (2 * h)
    return out


def check_bp2(formula, net, X, Y, rtol=1e-6, loss="half_sse"):
    """Check a BP2 formula, written as bplab's code writes it, on a batch, for every hidden layer.

    ``formula(delta_next, W_next, fprime)`` gets delta^{l+1} as an array with **one sample per row**
    (shape (m, n_{l+1})), the matrix W^{l+1} (shape (n_{l+1}, n_l)) and f'(z^l) (shape (m, n_l)), and must
    return delta^l, one sample per row. Each row is compared with :func:`numeric_delta`, the definition
    dC/dz^l by central differences. Raises AssertionError (or numpy's ValueError for a product whose
    shapes do not fit) when the formula is wrong. Returns the largest relative error per layer.
    """
    check_network(net)
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[0] < 2:
        raise ValueError(f"X must hold at least 2 samples (a batch, one per row), got {X.shape[0]}.")
    if net.L < 2:
        raise ValueError(f"net must have a hidden layer for BP2 to apply (L >= 2), got L = {net.L}.")
    trace = net.forward(X)
    grads = net.backward(trace, Y, loss)
    worst = {}
    for l in range(net.L - 1, 0, -1):
        fprime = net.layer_activation(l).df(trace.z[l], trace.a[l])
        mine = np.asarray(formula(grads.delta[l + 1], net.weights[l + 1], fprime), dtype=float)
        if mine.shape != trace.z[l].shape:
            raise AssertionError(
                f"BP2 for layer {l} must give delta^{l} with one sample per row, shape {trace.z[l].shape}; the formula"
                f" gave shape {mine.shape}."
            )
        truth = np.stack([numeric_delta(net, X[i], Y[i], l, loss=loss) for i in range(X.shape[0])])
        scale = np.maximum(np.abs(truth), np.abs(mine)).max()
        err = float(np.abs(mine - truth).max() / scale) if scale else 0.0
        if not err <= rtol:
            raise AssertionError(
                f"BP2 for layer {l}: the formula's delta^{l} differs from dC/dz^{l} (central differences) by a relative"
                f" {err:.1e} > {rtol:g}.\nformula:\n{mine}\ndefinition:\n{truth}"
            )
        worst[l] = err
    return worst


def check_loss_formula(C, sn, net, x, y, l, rtol=1e-12):
    """Check a sympy formula ``C`` of the loss, written in the free z^l (``sn.z_sym[l]``), against bplab.

    ``sn`` is the :class:`bplab.symbolic.SymbolicNetwork` whose symbols ``C`` uses, ``net`` a bplab network
    of the same shape. The formula is evaluated exactly at the network's parameters, the target ``y`` and
    the z^l of bplab's forward pass of ``x``, and compared with ``net.loss(x, y)``, an independent
    computation. Raises AssertionError when they differ.
    """
    import sympy as sp

    x, y = _sample(net, x, y, "half_sse")
    l = layer_index(net, l)
    values = sn.substitutions(net, x, y)
    z = net.forward(x).z[l]
    values.update({s: sp.Rational(float(v)) for s, v in zip(sn.z_sym[l], z)})
    value = sp.sympify(C).xreplace(values)
    left = sorted(str(s) for s in value.free_symbols)
    if left:
        raise AssertionError(f"the formula still has free symbols {left} after putting in the network's numbers.")
    got = float(value.evalf(30))
    want = net.loss(x, y)
    if not abs(got - want) <= rtol * abs(want):
        raise AssertionError(f"the formula gives C = {got!r} at this network's numbers, bplab's loss is {want!r}.")
    return got


def delta_above(sn, l, loss="half_sse"):
    """delta^{l+1} of a :class:`bplab.symbolic.SymbolicNetwork`, from its definition dC/dz^{l+1}, written in
    the free z^l: z^{l+1} = W^{l+1} f(z^l) + b^{l+1} substituted. BP2 compares delta^l with this."""
    z_next = sn.pre_activation(l + 1, sn.f(l, sn.z_sym[l]))
    return sn.delta(l + 1, loss).xreplace(dict(zip(sn.z_sym[l + 1], z_next)))


# ------------------------------------------------------------------ why backpropagation: the cost
@dataclass
class GradientCost:
    """Seconds for one full gradient by central differences and by backpropagation, per network."""

    sizes: list
    n_params: list
    forward_passes_fd: list
    seconds_fd: list
    seconds_bp: list = field(default_factory=list)

    def plot(self, ax=None):
        """Time against the number of parameters, both axes logarithmic."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.8))
        ax.loglog(self.n_params, self.seconds_fd, "o-", label="central differences (2 forward passes per parameter)")
        ax.loglog(self.n_params, self.seconds_bp, "s-", label="backpropagation (1 forward + 1 backward pass)")
        ax.set_xlabel("number of parameters")
        ax.set_ylabel("seconds for one gradient")
        ax.set_title("The cost of one gradient")
        ax.legend(fontsize="small")
        return ax


def gradient_cost(widths=(2, 4, 8, 16, 32, 64), n_in=4, n_out=2, repeats=3, seed=0):
    """Time one gradient by central differences and by backpropagation on networks [n_in, w, w, n_out].

    The central differences (:func:`bplab.gradcheck.numeric_gradient`) run 2 forward passes per parameter;
    backpropagation one forward and one backward pass, whatever the number of parameters. Each time is the
    best of ``repeats`` runs (backprop, being much faster, is repeated 20 times as often).
    """
    from ..gradcheck import numeric_gradient

    repeats = positive_int(repeats, "repeats")
    rng = np.random.default_rng(seed)
    out = GradientCost([], [], [], [], [])
    for w in widths:
        w = positive_int(w, "widths[...]")
        net = Network([n_in, w, w, n_out], activations="tanh", seed=seed)
        x, y = rng.normal(size=n_in), rng.normal(size=n_out)
        fd = min(_seconds(lambda: numeric_gradient(net, x, y)) for _ in range(repeats))
        bp = min(_seconds(lambda: net.gradients(x, y)) for _ in range(20 * repeats))
        out.sizes.append(net.sizes)
        out.n_params.append(int(net.theta.size))
        out.forward_passes_fd.append(2 * int(net.theta.size))
        out.seconds_fd.append(fd)
        out.seconds_bp.append(bp)
    return out


def _seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
