"""Numerical stability: saturated neurons give finite values and no warnings.

Pre-activations up to |z| = 1e4 (far beyond where exp overflows, |z| > 709 in float64,
> 88 in float32) must give finite activations, derivatives, losses and gradients, in
float64 and float32, with every warning turned into an error.

What "no warnings" means here:

* element-wise activations run under ``np.errstate(all="raise")``: not even underflow;
* softmax, the losses and whole networks run under ``np.errstate(over, divide, invalid
  = "raise")`` but allow UNDERFLOW: exp(-2e4) rounding to 0 is the correctly rounded
  answer (the probability really is below the smallest float), not an accident.
"""

import contextlib
import warnings

import numpy as np
import pytest

from bplab import Network
from bplab.activations import ELEMENTWISE, LayerActivation, log_softmax, softmax
from bplab.losses import LOSSES

DTYPES = [np.float64, np.float32]
Z = [-1e4, -1e3, -710.0, -100.0, -30.0, -1.0, -1e-8, 0.0, 1e-8, 1.0, 30.0, 100.0, 710.0, 1e3, 1e4]


@contextlib.contextmanager
def strict(underflow="ignore"):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", divide="raise", invalid="raise", under=underflow):
            yield


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_activations_are_finite_everywhere(name, dtype):
    z = np.array(Z, dtype=dtype)
    act = ELEMENTWISE[name]
    with strict(underflow="raise"):
        a = act.f(z)
        d = act.df(z, a)
    assert a.dtype == dtype and d.dtype == dtype
    assert np.isfinite(a).all() and np.isfinite(d).all()
    assert (d >= 0).all()  # every one of them is non-decreasing


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_sigmoid_saturates_to_exact_0_and_1_and_matches_the_formula(dtype):
    z = np.array(Z, dtype=dtype)
    with strict(underflow="raise"):
        a = ELEMENTWISE["sigmoid"].f(z)
        d = ELEMENTWISE["sigmoid"].df(z, a)
    assert a[0] == 0.0 and a[-1] == 1.0 and a[Z.index(0.0)] == 0.5
    assert ((a >= 0) & (a <= 1)).all()
    assert d[0] == 0.0 and d[-1] == 0.0 and d[Z.index(0.0)] == 0.25
    # where 1 / (1 + e^-z) is safe to evaluate in float64, the two agree
    safe = np.abs(np.array(Z)) <= 100
    with np.errstate(all="raise"):
        direct = 1.0 / (1.0 + np.exp(-np.array(Z)[safe]))
    tol = 1e-15 if dtype == np.float64 else 1e-7
    np.testing.assert_allclose(a[safe], direct, rtol=tol, atol=tol)


def test_sigmoid_is_accurate_to_eps_absolutely():
    """bplab's sigmoid, (1 + tanh(z/2)) / 2, is within eps of 1 / (1 + e^-z) everywhere.

    (Absolutely, not relatively: for z << 0 the sum 1 + tanh(z/2) cancels, so sigmoid(-30)
    has a relative error near 1e-4 and sigmoid(-40) computes as 0. bplab's losses never
    take log(a) of it: binary_cross_entropy works from z.)
    """
    z = np.linspace(-700, 700, 28001)
    with np.errstate(all="raise"):
        reference = 1.0 / (1.0 + np.exp(-z))  # accurate to an ulp of a, and exp(700) < max float
    assert np.abs(ELEMENTWISE["sigmoid"].f(z) - reference).max() <= 2 * np.finfo(float).eps


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_tanh_saturates_to_exact_minus_1_and_1(dtype):
    z = np.array(Z, dtype=dtype)
    with strict(underflow="raise"):
        a = ELEMENTWISE["tanh"].f(z)
        d = ELEMENTWISE["tanh"].df(z, a)
    assert a[0] == -1.0 and a[-1] == 1.0 and d[0] == 0.0 and d[-1] == 0.0


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_softmax_and_log_softmax_never_overflow(dtype):
    z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4, 0.0], [0.0, 0.0, 0.0]], dtype=dtype)
    with strict():
        p = softmax(z)
        logp = log_softmax(z)
    assert p.dtype == dtype and logp.dtype == dtype
    assert np.isfinite(p).all() and np.isfinite(logp).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(p[2], [0.5, 0.5, 0.0], rtol=1e-6)
    # log softmax by log-sum-exp stays exact where softmax itself rounds to 0
    np.testing.assert_allclose(logp[0], [0.0, -1e4, -2e4], rtol=1e-6)
    np.testing.assert_allclose(logp[2], [-np.log(2), -np.log(2), -1e4 - np.log(2)], rtol=1e-6)
    # softmax is unchanged by adding a constant to a row
    with strict():
        np.testing.assert_allclose(softmax(z + dtype(5e3)), p, atol=1e-6)


def _output_layer(name, n):
    return LayerActivation(name, n, 2)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_cross_entropy_at_probabilities_0_and_1(dtype):
    """The true class gets probability exactly 0 (the worst case) or exactly 1 (the best)."""
    act = _output_layer("softmax", 2)
    z = np.array([[1e4, -1e4], [1e4, -1e4], [-1e4, 1e4]], dtype=dtype)
    y = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    with strict():
        a = act.f(z)
        value = LOSSES["cross_entropy"].value(z, a, y)
        delta = LOSSES["cross_entropy"].output_delta(z, a, y, act)
    np.testing.assert_array_equal(a[0], [1.0, 0.0])  # p(true class) rounds to exactly 0 ...
    np.testing.assert_allclose(value, [2e4, 0.0, 0.0], rtol=1e-6)  # ... yet the loss is the exact 2e4, not inf
    np.testing.assert_array_equal(delta, a - y)
    assert np.isfinite(delta).all()


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_binary_cross_entropy_at_probabilities_0_and_1(dtype):
    act = _output_layer("sigmoid", 1)
    z = np.array([[1e4], [1e4], [-1e4], [-1e4], [0.0]], dtype=dtype)
    y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]], dtype=dtype)
    with strict():
        a = act.f(z)
        value = LOSSES["binary_cross_entropy"].value(z, a, y)
        delta = LOSSES["binary_cross_entropy"].output_delta(z, a, y, act)
    np.testing.assert_array_equal(a[:, 0], [1.0, 1.0, 0.0, 0.0, 0.5])
    # -[y log a + (1 - y) log(1 - a)] with log(1 - sigmoid(z)) = -z - log(1 + e^-z): exact values
    np.testing.assert_allclose(value, [1e4, 0.0, 1e4, 0.0, np.log(2)], rtol=1e-6)
    np.testing.assert_array_equal(delta[:, 0], [1.0, 0.0, -1.0, 0.0, -0.5])


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize(
    "output, loss",
    [
        ("sigmoid", "half_sse"),
        ("sigmoid", "binary_cross_entropy"),
        ("tanh", "half_sse"),
        ("identity", "half_sse"),
        ("softmax", "cross_entropy"),
        ("softmax", "half_sse"),
    ],
)
@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "relu", "leaky_relu", ["sigmoid", "tanh", "relu", "leaky_relu"]])
def test_saturated_network_forward_backward_and_loss_are_finite(hidden, output, loss, dtype):
    """Weights of size 1e4 drive |z| to about 1e4 in both layers."""
    W1 = 1e4 * np.array([[1.0, -1.0], [-1.0, 0.5], [0.5, 1.0], [-1.0, -1.0]])
    W2 = 1e4 * np.array([[1e-4, -1.0, 1.0, 0.5], [-1.0, 1.0, -0.5, 1e-4]])
    net = Network.from_weights([W1, W2], [np.zeros(4), np.zeros(2)], [hidden, output], dtype=np.dtype(dtype).name)
    X = np.array([[1.0, -1.0], [-1.0, 1.0], [0.3, 0.7]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    with strict():
        trace = net.forward(X)
        grads = net.backward(trace, Y, loss)
        value = net.loss(X, Y, loss)
    assert np.abs(trace.z[1]).max() >= 1e3 and np.abs(trace.z[2]).max() >= 1e3
    assert trace.z[2].dtype == dtype and grads.flat.dtype == dtype
    for l in (1, 2):
        assert np.isfinite(trace.a[l]).all() and np.isfinite(grads.delta[l]).all()
        assert np.isfinite(grads.dW[l]).all() and np.isfinite(grads.db[l]).all()
    assert np.isfinite(grads.loss) and np.isfinite(value)


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
def test_single_sample_at_huge_input_is_finite(dtype):
    net = Network([3, 5, 2], activations=["tanh", "softmax"], seed=0, dtype=np.dtype(dtype).name)
    x = np.array([1e4, -1e4, 5e3])
    with strict():
        grads = net.gradients(x, [0.0, 1.0], "cross_entropy")
    assert np.isfinite(grads.flat).all() and np.isfinite(grads.loss)
