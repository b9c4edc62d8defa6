"""Property-based tests (Hypothesis): backprop is right for every network we can draw.

Drawn: 1 to 4 layers of 1 to 6 neurons, an activation per layer or per neuron, a loss
with an output layer it fits (half_sse with any output, softmax included;
cross_entropy with softmax; binary_cross_entropy with sigmoid), with or without
biases, and 1 to 5 samples. The numbers (weights, biases, inputs, targets) come
from numpy with a drawn seed.

Two oracles:

1. Central differences (``bplab.gradcheck``, relative error < 1e-7 in float64).
   Relative error is meaningful only where the difference quotient is accurate, and
   two things spoil it. We handle both instead of loosening the 1e-7:

   * Kinks. relu and leaky_relu have no derivative at z = 0; if a perturbation of
     +-h crosses z = 0 the difference quotient averages two slopes and disagrees
     with backprop for a reason that is not a bug. We bound how far any single
     perturbation can move each pre-activation (|dz/dtheta| <= S_l, computed from
     the weights and activations, see ``sensitivity``) and only keep problems whose
     kinked neurons sit at |z| > 10 h S_l for every sample (``assume``).
   * Gradients at rounding level. The difference quotient itself has an error: its
     truncation error (proportional to h^2) plus rounding (about eps |C| / h). An
     entry smaller than that error, divided by 1e-7, cannot show a relative error of
     1e-7 even when backprop is exact. ``noise_floor`` estimates this error from the
     oracle ALONE (comparing its quotients at h and 2h, plus the rounding bound),
     never from backprop, and passes its largest value as gradcheck's ``atol``
     (typically 2e-9; the test asserts it stays below 1e-8 (1 + C)): entries above
     atol / 1e-7 (two thirds of them, in a typical run) must meet the relative
     tolerance; smaller ones must agree to the absolute floor. Each entry is then
     also held to its OWN floor, which is stricter. ``test_the_check_has_teeth``
     shows that a relative error of 1e-6 in one entry still fails.

2. sympy (``bplab.symbolic.exact_gradients``): the loss as a formula, differentiated
   exactly and evaluated at 30 digits, on a fixed set of small architectures (sympy
   compiles each once) with freely drawn numbers. No finite-difference error: every
   entry of delta, dW and db must lie within a rounding-error bound propagated
   through the forward and backward pass (``rounding_bounds``), which is about
   1e-15 relative for well-scaled neurons and wider only where the float64 inputs
   of a formula cancel (saturated sigmoid/tanh, a^L close to y).
   ``test_worked_example_matches_sympy_and_the_bound_has_teeth`` shows a 1e-9
   relative error in any layer is caught, even in seed 004's saturated example.

And: the gradient of a batch equals the mean of the per-sample gradients.
"""

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import bplab
from bplab import Network
from bplab.activations import ELEMENTWISE
from bplab.gradcheck import numeric_gradient, relative_error

NAMES = list(ELEMENTWISE)  # sigmoid, tanh, relu, leaky_relu, identity
KINKED = {"relu", "leaky_relu"}
H = 1e-5
TOL = 1e-7
EPS = np.finfo(np.float64).eps

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass
class Problem:
    net: Network
    X: np.ndarray
    Y: np.ndarray
    loss: str

    def __repr__(self):
        return f"Problem({self.net!r}, loss={self.loss!r}, m={len(self.X)})"


def _layer_activation(draw, n, output_for_loss=None):
    if output_for_loss == "cross_entropy":
        return "softmax"
    if output_for_loss == "binary_cross_entropy":
        return "sigmoid"
    whole = NAMES + (["softmax"] if n >= 2 else [])
    return draw(st.one_of(st.sampled_from(whole), st.lists(st.sampled_from(NAMES), min_size=n, max_size=n)))


@st.composite
def problems(draw, max_layers=4, max_neurons=6, max_batch=5, bias=None):
    L = draw(st.integers(1, max_layers))
    loss = draw(st.sampled_from(["half_sse", "cross_entropy", "binary_cross_entropy"]))
    sizes = draw(st.lists(st.integers(1, max_neurons), min_size=L + 1, max_size=L + 1))
    if loss == "cross_entropy":
        sizes[-1] = draw(st.integers(2, max_neurons))  # softmax needs at least two outputs
    acts = [_layer_activation(draw, sizes[l]) for l in range(1, L)]
    acts.append(_layer_activation(draw, sizes[L], output_for_loss=loss))
    has_bias = draw(st.booleans()) if bias is None else bias
    m = draw(st.integers(1, max_batch))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    net = Network(sizes, acts, bias=has_bias, seed=int(rng.integers(2**32)))
    if has_bias:  # non-zero biases: with b = 0 a layer after dead relus has z = 0 exactly, on the kink
        for l in range(1, L + 1):
            net.biases[l] = rng.normal(0.0, 0.5, size=sizes[l])
    X = rng.normal(size=(m, sizes[0]))
    nL = sizes[-1]
    if loss == "cross_entropy":
        Y = rng.dirichlet(np.ones(nL), size=m) if draw(st.booleans()) else np.eye(nL)[rng.integers(0, nL, m)]
    elif loss == "binary_cross_entropy":
        Y = rng.uniform(0, 1, size=(m, nL)) if draw(st.booleans()) else rng.integers(0, 2, (m, nL)).astype(float)
    else:
        Y = rng.normal(size=(m, nL))
    return Problem(net, X, Y, loss)


def sensitivity(net, X):
    """S[l] >= max over parameters theta and entries of |dz^l / dtheta|, for every sample.

    A parameter of layer l moves z^l by |a^{l-1}_j| (a weight) or 1 (a bias); a
    parameter below reaches z^l through W^l f'(z^{l-1}), with |f'| <= 1 for every
    activation here (softmax's Jacobian has row sums <= 1/2). So
    S[l] = max(max|a^{l-1}|, 1, ||W^l||_inf S[l-1]).
    """
    trace = net.forward(X)
    S, prev = [None], 0.0
    for l in range(1, net.L + 1):
        a_prev = np.abs(trace.a[l - 1]).max()
        row_sum = np.abs(net.weights[l]).sum(axis=1).max()
        prev = max(a_prev, 1.0, row_sum * prev)
        S.append(prev)
    return trace, S


def kink_margin(net, X):
    """min over kinked neurons of |z| / (h S_l): how many 'worst-case perturbations' away from the kink."""
    trace, S = sensitivity(net, X)
    margin = np.inf
    for l in range(1, net.L + 1):
        idx = [j for j, name in enumerate(net.layer_activation(l).names) if name in KINKED]
        if idx:
            z = np.atleast_2d(trace.z[l])[:, idx]
            margin = min(margin, np.abs(z).min() / (H * S[l]))
    return margin


def noise_floor(net, X, Y, loss, per_entry=False):
    """The error of the central-difference oracle itself, estimated without looking at backprop.

    Truncation error grows like h^2, so the quotients at h and 2h differ by about 3x
    the truncation error at h; rounding adds about eps |C| / h per quotient. Times 4
    for safety. A scalar (the largest, for gradcheck's ``atol``) or one per entry.
    """
    g_h = numeric_gradient(net, X, Y, loss, H)
    g_2h = numeric_gradient(net, X, Y, loss, 2 * H)
    C = net.loss(X, Y, loss)
    floor = 4 * (np.abs(g_2h - g_h) / 3 + 8 * EPS * (abs(C) + 1.0) / H)
    return floor if per_entry else float(floor.max())


@SETTINGS
@given(problems())
def test_backprop_matches_central_differences(problem):
    net, X, Y, loss = problem.net, problem.X, problem.Y, problem.loss
    assume(kink_margin(net, X) > 10)
    floor = noise_floor(net, X, Y, loss, per_entry=True)
    atol = float(floor.max())
    report = bplab.gradcheck(net, X, Y, loss=loss, h=H, tol=TOL, atol=atol)
    assert report.passed, f"{problem}\natol={atol:.2e}\n{report}"
    # the absolute floor is a rounding-level number for the size of this loss, not a loosened tolerance
    assert atol < 1e-8 * (1 + report.loss), atol
    # and entry by entry, each against its own floor (stricter than gradcheck's single atol)
    bp = np.concatenate([r.backprop.ravel() for r in report.rows])
    num = np.concatenate([r.numeric.ravel() for r in report.rows])
    order = np.concatenate([np.ravel(v) for v in _layout(net)])
    ok = (relative_error(bp, num) < TOL) | (np.abs(bp - num) <= floor[order])
    assert ok.all(), f"{problem}: entries {np.flatnonzero(~ok)} disagree beyond their own floors"


def _layout(net):
    """Indices into theta in the order of gradcheck's rows (W^1, b^1, W^2, ...)."""
    index = np.arange(net.theta.size)
    W, b = net.layer_views(index)
    return [part for l in range(1, net.L + 1) for part in ([W[l]] + ([b[l]] if net.bias else []))]


def test_the_check_has_teeth():
    """The same comparison (tol 1e-7, atol from the oracle's noise) fails for a relative error of 1e-6."""
    rng = np.random.default_rng(7)
    net = Network([3, 4, 2], ["tanh", "sigmoid"], seed=7)
    X, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    atol = noise_floor(net, X, Y, "half_sse")
    assert bplab.gradcheck(net, X, Y, atol=atol).passed
    true = net.gradients
    biggest = int(np.argmax(np.abs(true(X, Y).flat)))

    def slightly_wrong(x, y, loss="half_sse"):
        g = true(x, y, loss)
        g.flat[biggest] *= 1 + 1e-6
        return g

    net.gradients = slightly_wrong
    report = bplab.gradcheck(net, X, Y, atol=atol)
    assert not report.passed and 5e-7 < report.max_rel_error < 2e-6


@SETTINGS
@given(problems(max_batch=6))
def test_batch_gradient_is_the_mean_of_per_sample_gradients(problem):
    net, X, Y, loss = problem.net, problem.X, problem.Y, problem.loss
    batch = net.gradients(X, Y, loss)
    singles = [net.gradients(X[i], Y[i], loss) for i in range(len(X))]
    mean = np.mean([g.flat for g in singles], axis=0)
    scale = max(np.abs(g.flat).max() for g in singles)
    np.testing.assert_allclose(batch.flat, mean, rtol=1e-12, atol=1e-14 * scale)
    assert batch.loss == pytest.approx(np.mean([g.loss for g in singles]), rel=1e-12, abs=1e-15)
    # and the per-layer views say the same as the flat vector
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(batch.dW[l], np.mean([g.dW[l] for g in singles], axis=0), rtol=1e-12,
                                   atol=1e-14 * scale)


# ---------------------------------------------------------------- sympy

# sympy compiles the loss formula once per (shape, activations, loss, bias): a fixed
# set of small architectures keeps that cost bounded; the numbers are drawn freely.
SMALL = [
    ([2, 3, 1], "sigmoid", "half_sse", True),
    ([2, 2, 2], ["tanh", "softmax"], "cross_entropy", True),
    ([3, 2, 2], [["relu", "tanh"], "sigmoid"], "binary_cross_entropy", True),
    ([2, 3, 2], [["leaky_relu", "identity", "sigmoid"], "softmax"], "half_sse", True),
    ([2, 2, 1, 2], ["tanh", "identity", ["sigmoid", "relu"]], "half_sse", False),
]


@st.composite
def small_problems(draw):
    sizes, acts, loss, bias = draw(st.sampled_from(SMALL))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([0.3, 1.0, 3.0]))
    weights = [scale * rng.normal(size=(n, m)) for m, n in zip(sizes, sizes[1:])]
    biases = [rng.normal(size=n) for n in sizes[1:]] if bias else None
    net = Network.from_weights(weights, biases, acts)
    x = rng.normal(size=sizes[0])
    nL = sizes[-1]
    if loss == "cross_entropy":
        y = np.eye(nL)[rng.integers(nL)]
    elif loss == "binary_cross_entropy":
        y = rng.uniform(0, 1, size=nL)
    else:
        y = rng.normal(size=nL)
    return Problem(net, x, y, loss)


def rounding_bounds(net, trace, y, loss):
    """First-order bounds on the rounding error of every value backprop computes, in float64.

    A running error analysis: each value v carries a bound e on |computed v - exact v|,
    propagated by the rules of floating point (a sum of n terms is off by about n eps
    times the sum of their sizes; a product x y by |x| e_y + |y| e_x + eps |x y|).
    The inputs and parameters are exact (sympy uses the very floats bplab holds). Known
    per-function accuracy: tanh and exp are within an ulp or two; bplab's sigmoid
    (1 + tanh(z/2)) / 2 is a sum of terms of size 1, so it is exact to eps absolutely
    (not relatively: sigmoid(-40) computes as 0); f' = a (1 - a) or 1 - a^2 inherits the
    error of a. Returns per layer (e_delta, e_dW, e_db), for one sample.
    """
    L, a, z = net.L, trace.a, trace.z
    acts = [None] + [net.layer_activation(l) for l in range(1, L + 1)]
    e_a, e_f = [np.zeros_like(a[0])], [None]
    for l in range(1, L + 1):
        W, n_in = net.weights[l], net.sizes[l - 1]
        terms = np.abs(W) @ np.abs(a[l - 1]) + (np.abs(net.biases[l]) if net.bias else 0.0)
        e_z = np.abs(W) @ e_a[l - 1] + (n_in + 1) * EPS * terms
        act = acts[l]
        if act.is_softmax:
            shifted = np.abs(z[l] - z[l].max())
            rel = 2 * e_z.max() + EPS * (shifted + shifted.max() + len(a[l]) + 2)
            e_a.append(a[l] * (e_z + e_z.max()) + a[l] * rel)
            e_f.append(None)
            continue
        ea, ef = np.empty_like(a[l]), np.zeros_like(a[l])
        slope = np.abs(act.df(z[l], a[l]))
        for j, name in enumerate(act.names):
            if name == "sigmoid":
                ea[j] = slope[j] * e_z[j] + 2 * EPS
                ef[j] = ea[j] + 2 * EPS * (1 + slope[j])
            elif name == "tanh":
                ea[j] = slope[j] * e_z[j] + 2 * EPS * abs(a[l][j])
                ef[j] = 2 * abs(a[l][j]) * ea[j] + 2 * EPS
            else:  # identity, relu, leaky_relu: exact slopes, away from the kink
                ea[j] = slope[j] * e_z[j]
        e_a.append(ea)
        e_f.append(ef)

    def through(l, g, e_g):
        """dC/dz^l = backprop of g = dC/da^l, and its error bound."""
        act = acts[l]
        if act.is_softmax:  # a * (g - <a, g>)
            s = (a[l] * g).sum()
            e_s = (np.abs(a[l]) * e_g + np.abs(g) * e_a[l]).sum() + len(g) * EPS * np.abs(a[l] * g).sum()
            h = g - s
            e_h = e_g + e_s + EPS * (np.abs(g) + abs(s))
            return a[l] * h, np.abs(a[l]) * e_h + np.abs(h) * e_a[l] + EPS * np.abs(a[l] * h)
        fp = act.df(z[l], a[l])
        return g * fp, np.abs(g) * e_f[l] + np.abs(fp) * e_g + EPS * np.abs(g * fp)

    g = a[L] - y
    e_g = e_a[L] + EPS * (np.abs(a[L]) + np.abs(y))
    delta, e_delta = [None] * (L + 1), [None] * (L + 1)
    delta[L], e_delta[L] = (g, e_g) if loss != "half_sse" else through(L, g, e_g)
    for l in range(L - 1, 0, -1):
        W = net.weights[l + 1]
        u = delta[l + 1] @ W
        e_u = e_delta[l + 1] @ np.abs(W) + (len(delta[l + 1]) + 1) * EPS * (np.abs(delta[l + 1]) @ np.abs(W))
        delta[l], e_delta[l] = through(l, u, e_u)
    out = [None]
    for l in range(1, L + 1):
        e_dW = (np.outer(e_delta[l], np.abs(a[l - 1])) + np.outer(np.abs(delta[l]), e_a[l - 1])
                + EPS * np.abs(np.outer(delta[l], a[l - 1])))
        out.append((e_delta[l], e_dW, e_delta[l]))
    return out


def sympy_disagreements(net, x, y, loss, grads, exact):
    """Entries where backprop and sympy differ by more than the rounding bound allows (x 4, for
    the second-order terms the first-order analysis leaves out)."""
    trace = net.forward(x)
    bounds = rounding_bounds(net, trace, np.asarray(y, dtype=float), loss)
    found = []
    for l in range(1, net.L + 1):
        e_delta, e_dW, e_db = bounds[l]
        pairs = [("delta", grads.delta[l], exact.delta[l], e_delta), ("dW", grads.dW[l], exact.dW[l], e_dW)]
        if net.bias:
            pairs.append(("db", grads.db[l], exact.db[l], e_db))
        for name, ours, theirs, bound in pairs:
            theirs = np.asarray(theirs, dtype=float)
            error = np.abs(ours - theirs)
            allowed = 4 * bound + EPS * np.abs(theirs)
            if not (error <= allowed).all():
                found.append(f"{name}^{l}: error {error} > allowed {allowed}")
    return found


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_backprop_matches_sympy(problem):
    import bplab.symbolic as symbolic  # sympy: imported here so that collecting the tests stays fast

    net, x, y, loss = problem.net, problem.X, problem.Y, problem.loss
    trace = net.forward(x)
    for l in range(1, net.L + 1):  # the exact derivative at a kink is a convention, not a check
        kinked = [j for j, n in enumerate(net.layer_activation(l).names) if n in KINKED]
        assume(np.abs(trace.z[l][kinked]).min(initial=np.inf) > 1e-9)
    grads = net.backward(trace, y, loss)
    exact = symbolic.exact_gradients(net, x, y, loss)
    assert not sympy_disagreements(net, x, y, loss, grads, exact), problem
    assert grads.loss == pytest.approx(float(exact.loss), rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("variant", ["matrix", "as_printed"])
def test_worked_example_matches_sympy_and_the_bound_has_teeth(variant):
    """Seed 004's example, saturated sigmoids and all (delta^1 ~ 1e-10): backprop agrees with
    sympy within the rounding bound, and a relative error of 1e-9 in any layer is caught."""
    import bplab.symbolic as symbolic

    net, x, y = bplab.worked_example(variant)
    grads = net.gradients(x, y)
    exact = symbolic.exact_gradients(net, x, y)
    assert not sympy_disagreements(net, x, y, "half_sse", grads, exact)
    for l in range(1, net.L + 1):
        wrong = net.gradients(x, y)
        wrong.dW[l][...] *= 1 + 1e-9
        assert sympy_disagreements(net, x, y, "half_sse", wrong, exact), f"a 1e-9 error in dW^{l} went unnoticed"
