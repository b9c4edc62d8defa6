"""Helpers that let a derivation notebook read as mathematics first.

Three kinds of helpers:

* **Sensitivity and cost**, computed on a real network: :func:`nudge` (move z^l_j by eps and watch C
  move by about delta^l_j eps), :func:`numeric_delta` (delta^l by central differences in z^l, from its
  definition, without any BP equation), and :func:`gradient_cost` (time finite differences against
  backpropagation on networks of growing size).
* **Checks that can fail**: :func:`check_bp2` (a BP2 formula, written the way the code writes it, against
  the definition of delta on a batch) and :func:`check_loss_formula` (a sympy formula of the loss
  against bplab's numbers). Each raises AssertionError, naming what differs, when given a wrong formula.
* **A seed's network in its own letters**, as sympy formulas with a *general* activation per neuron
  (``sympy.Function``): :class:`LetteredNetwork` and its three spellings :func:`seed000`, :func:`seed003`,
  :func:`seed004`. A notebook writes the seed's formula with these symbols and checks it with
  :func:`bplab.symbolic.check_step` against sympy's own derivative of the loss.

Also :func:`show` (typeset ``lhs = expr`` with LaTeX) and :func:`first_differing_digit`.

sympy and IPython are imported when a function that needs them is called, so ``import bplab`` stays light.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .errors import as_float_array, choice, positive_int, positive_number
from .losses import LOSS_NAMES, LOSSES
from .network import Network, check_network

__all__ = [
    "Nudge",
    "nudge",
    "loss_at_z",
    "numeric_delta",
    "check_bp2",
    "check_loss_formula",
    "delta_above",
    "GradientCost",
    "gradient_cost",
    "LetteredNetwork",
    "LETTERS",
    "seed000",
    "seed003",
    "seed004",
    "verify",
    "show",
    "first_differing_digit",
    "fprime_at",
    "bias_first",
    "evaluate",
    "seed_notation_table",
]


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


def _layer(net, l, name="l"):
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
    l = _layer(net, l)
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
    l = _layer(net, l)
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
    l = _layer(net, l)
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
    from .gradcheck import numeric_gradient

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


# ------------------------------------------------------------------ a seed's network in its own letters
class LetteredNetwork:
    """A network as sympy formulas with a general activation per neuron, for a seed's own derivation.

    Layers are numbered internally as in bplab (l = 1..L, the input is layer 0); ``letters`` (one of
    :data:`LETTERS`) spells the symbols as a seed does; :func:`seed000`, :func:`seed003`, :func:`seed004` pick one.

    ``W[l]`` (n_l x n_{l-1}) and ``b[l]`` are the parameters, ``x`` the input, ``y`` the target,
    ``z[l]`` and ``a[l]`` *free* symbols for the weighted input and the output of layer l
    (``a[0]`` is the input), ``f[l][j]`` neuron j's own activation (a ``sympy.Function``).
    The loss is C = 1/2 sum_j (a^L_j - y_j)^2.
    """

    def __init__(self, sizes, letters):
        import sympy as sp

        self.sizes = [positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
        if len(self.sizes) < 2:
            raise ValueError(f"sizes must list at least two layers, got {sizes!r}.")
        self.L = len(self.sizes) - 1
        self.letters = letters
        self.bias = bool(letters["bias"])
        n = self.sizes

        def sym(kind, l, j, k=0):
            return sp.Symbol(letters[kind].format(l=l, next=l + 1, j=j + 1, k=k + 1))

        self.W = {l: sp.Matrix(n[l], n[l - 1], lambda j, k: sym("w", l, j, k)) for l in range(1, self.L + 1)}
        self.b = {l: sp.Matrix(n[l], 1, lambda j, _: sym("b", l, j)) for l in range(1, self.L + 1)}
        self.z = {l: sp.Matrix(n[l], 1, lambda j, _: sym("z", l, j)) for l in range(1, self.L + 1)}
        self.a = {l: sp.Matrix(n[l], 1, lambda j, _: sym("a", l, j)) for l in range(0, self.L + 1)}
        self.y = sp.Matrix(n[-1], 1, lambda j, _: sym("y", 0, j))
        self.f = {l: [sp.Function(letters["f"].format(l=l, j=j + 1)) for j in range(n[l])] for l in range(1, self.L + 1)}

    # the forward rules
    def pre_activation(self, l, a_prev):
        """z^l = W^l a^{l-1} (+ b^l) for a column ``a_prev``."""
        import sympy as sp

        z = self.W[l] * sp.Matrix(a_prev)
        return z + self.b[l] if self.bias else z

    def activate(self, l, z):
        """a^l = f(z^l), neuron j with its own f^l_j."""
        import sympy as sp

        return sp.Matrix([self.f[l][j](z[j]) for j in range(self.sizes[l])])

    def fprime(self, l, z=None):
        """The column f^l_j'(z^l_j), at ``z`` (default: the free symbols z[l])."""
        import sympy as sp

        zs = self.z[l]
        col = sp.Matrix([sp.diff(self.f[l][j](zs[j]), zs[j]) for j in range(self.sizes[l])])
        return col if z is None else col.subs(dict(zip(zs, z)), simultaneous=True)

    def loss_of_output(self, a_L):
        import sympy as sp

        return sp.Rational(1, 2) * sum((a_L[j] - self.y[j]) ** 2 for j in range(self.sizes[-1]))

    def loss_of_z(self, l):
        """C as a formula of the free z^l (the layers above l composed on top of it)."""
        a = self.activate(l, self.z[l])
        for k in range(l + 1, self.L + 1):
            a = self.activate(k, self.pre_activation(k, a))
        return self.loss_of_output(a)

    def loss_of_layer(self, l):
        """C as a formula of W^l, b^l and the free a^{l-1}: z^l = W^l a^{l-1} + b^l, then the layers above."""
        a = self.activate(l, self.pre_activation(l, self.a[l - 1]))
        for k in range(l + 1, self.L + 1):
            a = self.activate(k, self.pre_activation(k, a))
        return self.loss_of_output(a)

    # derivatives by definition (sympy differentiates; no BP equation involved)
    def delta(self, l):
        """dC/dz^l, by differentiating :meth:`loss_of_z` (a column in the free z[l])."""
        import sympy as sp

        C = self.loss_of_z(l)
        return sp.Matrix([sp.diff(C, zj) for zj in self.z[l]])

    def grad_W(self, l):
        """dC/dW^l entry by entry, by differentiating :meth:`loss_of_layer` (shape of W^l)."""
        C = self.loss_of_layer(l)
        return self.W[l].applyfunc(lambda w: C.diff(w))

    def grad_b(self, l):
        import sympy as sp

        C = self.loss_of_layer(l)
        return sp.Matrix([C.diff(bj) for bj in self.b[l]])

    def dz_dW(self, l, i):
        """The matrix of dz^l_i / dw^l_jk over all (j, k): the "da_l/dW_l" of seed 000, row by row."""
        z_i = self.pre_activation(l, self.a[l - 1])[i - 1]
        return self.W[l].applyfunc(lambda w: z_i.diff(w))

    def along_forward(self, l, expr):
        """``expr`` (in the free z^l) with z^l := W^l a^{l-1} + b^l, comparable to :meth:`grad_W`."""
        return expr.subs(dict(zip(self.z[l], self.pre_activation(l, self.a[l - 1]))), simultaneous=True)

    def above(self, l, expr):
        """``expr`` (in the free z^{l+1}) written in the free z^l: z^{l+1} := W^{l+1} f(z^l) + b^{l+1}."""
        z_next = self.pre_activation(l + 1, self.activate(l, self.z[l]))
        return expr.subs(dict(zip(self.z[l + 1], z_next)), simultaneous=True)

    def __repr__(self):
        return f"LetteredNetwork(sizes={self.sizes}, bias={self.bias}, letters={self.letters['title']!r})"


# Each seed's spelling of the same symbols: format templates with l (layer, bplab's numbering), next = l + 1,
# j (neuron) and k (neuron of the layer before). Seed 003 (UFLDL) counts the input as layer 1, hence "next".
LETTERS = {
    "000": dict(title="seed 000", bias=False, w="w^{l}_{j}{k}", b="b^{l}_{j}", z="a^{l}_{j}", a="o^{l}_{j}",
                y="y_{j}", f="f^{l}_{j}"),
    "003": dict(title="seed 003 (UFLDL)", bias=True, w="W^({l})_{j}{k}", b="b^({l})_{j}", z="z^({next})_{j}",
                a="a^({next})_{j}", y="y_{j}", f="f"),
    "004": dict(title="seed 004", bias=True, w="W^({l})_{j}{k}", b="b^({l})_{j}", z="z^({l})_{j}", a="n^({l})_{j}",
                y="y_{j}", f="f_{l}"),
}


def seed000(sizes=(2, 3, 2, 1)):
    """Seed 000's letters: a_l = W_l o_{l-1} (no bias), o_l = f(a_l), xi_l = dC/da_l; every neuron its own f.

    In this object ``z[l]`` is seed 000's **a_l** and ``a[l]`` its **o_l** (``a[0]`` = o_0 = x); ``W[l]`` has
    entries w^l_jk from neuron k of layer l-1 to neuron j of layer l; ``delta(l)`` is its **xi_l**.
    """
    return LetteredNetwork(sizes, LETTERS["000"])


def seed003(sizes=(2, 3, 2)):
    """Seed 003's (UFLDL's) letters: z^(l+1) = W^(l) a^(l) + b^(l), the input is its layer 1.

    The object keeps bplab's numbering inside; the *names* are UFLDL's: bplab's W^l is printed W^(l)_ij,
    bplab's z^l is z^(l+1)_i, bplab's a^{l-1} is a^(l)_j, and one f for the whole network.
    """
    return LetteredNetwork(sizes, LETTERS["003"])


def seed004(sizes=(2, 3, 2, 1)):
    """Seed 004's letters: z^(k) = W^(k) n^(k-1) + b^(k), n^(k) = f_k(z^(k)), delta^(k) = dL/dz^(k).

    Its layer numbers are bplab's; ``a[k]`` is printed n^(k) (``a[0]`` = n^(0) = x), f_k is one function
    per layer.
    """
    return LetteredNetwork(sizes, LETTERS["004"])


def _concrete(expr, functions):
    """``expr`` with each general function replaced by a distinct concrete one, derivatives evaluated."""
    import sympy as sp

    t = sp.Dummy("t")
    for i, f in enumerate(functions):
        expr = expr.replace(f, sp.Lambda(t, sp.exp(t * (i + 2) / 5) + t**3 / (i + 3)))
    return expr.doit()


def _nonzero_somewhere(diff, points=3, seed=0):
    """The first entry of ``diff`` (a sympy Matrix) that is nonzero at a random point, in 50 digits; else None."""
    import mpmath
    import sympy as sp

    rng = np.random.default_rng(seed)
    symbols = sorted(diff.free_symbols, key=str)
    for _ in range(points):
        point = [mpmath.mpf(int(v)) / 8 for v in rng.integers(-12, 13, size=len(symbols))]
        for idx, e in enumerate(diff):
            fn = sp.lambdify(symbols, e, modules="mpmath")
            with mpmath.workdps(50):
                value = fn(*point)
            if abs(value) > mpmath.mpf(10) ** -30:
                return idx, e, value
    return None


def verify(title, lhs, rhs, lhs_tex=None, rhs_tex=None):
    """:func:`bplab.symbolic.check_step` for formulas with general activations f (``sympy.Function``).

    First sympy tries to prove ``lhs == rhs`` for *every* f. When it cannot (it can't evaluate a general
    f' at a number to look for a counterexample), each f is replaced by a distinct concrete function and
    ``lhs - rhs`` is evaluated at random points with 50 digits: a wrong formula fails there. Raises
    AssertionError naming ``title`` when they differ; returns the verified step (its ``method`` says how).
    """
    import sympy as sp

    from .symbolic import DerivationStep, check_step

    try:
        return check_step(title, lhs, rhs, lhs_tex, rhs_tex)
    except ValueError:
        pass
    left = sp.Matrix(lhs) if isinstance(lhs, (sp.MatrixBase, list)) else sp.Matrix([lhs])
    right = sp.Matrix(rhs) if isinstance(rhs, (sp.MatrixBase, list)) else sp.Matrix([rhs])
    if left.shape != right.shape:
        raise AssertionError(f"step {title!r} fails: the two sides have shapes {left.shape} and {right.shape}.")
    functions = sorted({a.func for a in (left - right).atoms(sp.core.function.AppliedUndef)}, key=str)
    found = _nonzero_somewhere(_concrete(left - right, functions))
    if found is not None:
        idx, e, value = found
        raise AssertionError(
            f"step {title!r} fails: entry {idx} of lhs - rhs is {float(value):.3e}, not 0, at a random point"
            f" (each general f replaced by a concrete function)."
        )
    return DerivationStep(title, lhs, rhs, "lhs - rhs is 0 at random points, with each f a different concrete function",
                lhs_tex, rhs_tex)


# ------------------------------------------------------------------ display and digits
def latex_with_primes(expr):
    """sympy's LaTeX of ``expr``, with the derivative of a general function f written f'(...).

    sympy writes f'(g(x)) as a derivative in a placeholder variable of its own (``\\xi_1``), substituted
    afterwards, and f'(x) as d/dx f(x). Both become ``{f}'(...)``, so that a learner reads the chain rule
    and never meets a stray xi (which is seed 000's error vector).
    """
    import sympy as sp

    undef = sp.core.function.AppliedUndef
    names = {}

    def prime(func, args):
        key = "Zqx" + "".join("QWXYZJKUVF"[int(d)] for d in str(len(names)))   # letters only: sympy reads digits as subscripts
        head = sp.latex(func(sp.Symbol("x"))).split(r"{\left(")[0]
        names[key] = "{%s}'" % head
        return sp.Function(key)(*args)

    def is_subs(e):
        return (isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative) and isinstance(e.expr.expr, undef)
                and len(e.variables) == 1 and e.expr.variable_count == ((e.variables[0], 1),)
                and e.expr.expr.args == e.variables)

    def is_derivative(e):
        return (isinstance(e, sp.Derivative) and isinstance(e.expr, undef) and len(e.expr.args) == 1
                and e.variable_count == ((e.expr.args[0], 1),))

    expr = expr.replace(is_subs, lambda e: prime(e.expr.expr.func, e.point))
    expr = expr.replace(is_derivative, lambda e: prime(e.expr.func, e.expr.args))
    out = sp.latex(expr)
    for key, tex in names.items():
        out = out.replace(r"\operatorname{%s}" % key, tex)
    return out


def show(lhs_tex, expr, rhs_tex=None):
    """Typeset ``lhs = expr`` (``expr`` by :func:`latex_with_primes`, or ``rhs_tex``) as an IPython Math object."""
    from IPython.display import Math

    right = rhs_tex if rhs_tex is not None else latex_with_primes(expr)
    return Math(f"{lhs_tex} = {right}")


def first_differing_digit(printed, exact):
    """The position (1 = the first significant digit) where two positive numbers' decimal digits first differ.

    ``printed`` is compared with as many digits as it carries (give it as a string to keep trailing
    digits, e.g. ``"0.000045395807355"``); ``exact`` is anything sympy can evaluate to 30 digits.
    Returns None when every digit of ``printed`` agrees with ``exact`` rounded to that many digits.
    """
    from decimal import Decimal, InvalidOperation

    import sympy as sp

    try:
        p = Decimal(str(printed).strip())
    except InvalidOperation:
        raise ValueError(f"printed must be a positive decimal number, got {printed!r}.") from None
    if not p > 0:
        raise ValueError(f"printed must be a positive decimal number, got {printed!r}.")
    digits = "".join(map(str, p.normalize().as_tuple().digits)) if "e" in str(printed).lower() else str(printed).strip().replace(".", "").lstrip("0")
    e = Decimal(str(sp.N(exact, 40)))
    if not e > 0:
        raise ValueError(f"exact must be positive, got {exact!r}.")
    n = len(digits)
    ref = format(e, f".{n - 1}e").split("e")[0].replace(".", "")   # exact, rounded to n significant digits
    for i, (a, b) in enumerate(zip(digits, ref), start=1):
        if a != b:
            return i
    return None


# ------------------------------------------------------------------ per-neuron formulas (seed 002) with numbers
def fprime_at(f, expr):
    """f'(expr) for a general function ``f`` (a ``sympy.Function``): the derivative of f, evaluated at ``expr``."""
    import sympy as sp

    t = sp.Dummy("t")
    return sp.diff(f(t), t).subs(t, expr)


def bias_first(net, l):
    """Layer l's parameters as Haykin writes them: the matrix [b^l | W^l], column 0 the bias weight w_j0."""
    check_network(net)
    l = _layer(net, l)
    if not net.bias:
        raise ValueError("net has no biases (built with bias=False), so it has no bias column w_j0.")
    return np.column_stack([net.biases[l], net.weights[l]])


def evaluate(expr, values, activations, digits=30):
    """A sympy formula with general functions, evaluated at numbers: a float numpy array (or float).

    ``activations`` maps each general function (e.g. ``phi``) to the name of a bplab activation
    (``"sigmoid"``), whose sympy form replaces it; ``values`` maps symbols to numbers (floats are taken as
    the exact binary value they store) or to formulas of other symbols (put in first, after the functions
    are replaced). Evaluated with ``digits`` significant digits.
    """
    import sympy as sp

    from .activations import ELEMENTWISE

    t = sp.Dummy("t")
    for f, name in activations.items():
        choice(name, sorted(ELEMENTWISE), "activations[...]")
        expr = expr.replace(f, sp.Lambda(t, ELEMENTWISE[name].sym(t)))
    formulas = {s: v for s, v in values.items() if isinstance(v, sp.Basic) and not v.is_number}
    exact = {s: sp.Rational(float(v)) for s, v in values.items() if s not in formulas}
    value = sp.sympify(expr).doit().xreplace(formulas).xreplace(exact)
    left = sorted(str(s) for s in value.free_symbols)
    if left:
        raise ValueError(f"values must give a number for every symbol of the formula; missing: {left}.")
    out = np.array(value.evalf(digits), dtype=float)
    return out if out.ndim else float(out)


# ------------------------------------------------------------------ the notation map, one seed at a time
def seed_notation_table(seed):
    """One seed's rows of bplab's notation map as a 4-column :class:`bplab.notation.DisplayTable`
    (concept, the seed's symbol with its Chinese term, what it is in bplab, note): narrow enough for a
    1280-pixel screen, unlike the seven columns of all seeds side by side. Built from
    :func:`bplab.notation.notation_table`, so both show the same data."""
    from . import notation

    long = notation.notation_table(seeds=[seed], layout="long")
    col = {name: i for i, name in enumerate(long.columns)}
    rows = []
    for r in long.rows:
        term = r[col["seed's term"]]
        symbol = r[col["seed's symbol"]] + (f" ({term})" if term and term != "—" else "")
        rows.append([r[col["concept"]], symbol, r[col["= in bplab"]], r[col["note"]]])
    sid = long.rows[0][col["seed"]] if long.rows else seed
    return notation.DisplayTable(["concept", "seed's symbol (its term)", "in bplab", "note"], rows, f"Seed {sid} in bplab's names")
