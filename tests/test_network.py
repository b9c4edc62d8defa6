"""The network's forward and backward passes against independent computations."""

import numpy as np
import pytest

import bplab
from bplab import Network

RNG = np.random.default_rng(0)


def central_differences(net, X, Y, loss, h=1e-6):
    """dC/dtheta by central differences, written here independently of bplab.gradcheck."""
    grad = np.zeros_like(net.theta)
    for i in range(net.theta.size):
        old = net.theta[i]
        net.theta[i] = old + h
        plus = net.loss(X, Y, loss)
        net.theta[i] = old - h
        minus = net.loss(X, Y, loss)
        net.theta[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


ARCHS = [
    ([3, 4, 2], "sigmoid", "half_sse"),
    ([3, 4, 2], "tanh", "half_sse"),
    ([3, 5, 4, 2], ["leaky_relu", "relu", "identity"], "half_sse"),
    ([3, 4, 3], ["tanh", "softmax"], "cross_entropy"),
    ([3, 4, 3], ["sigmoid", "softmax"], "half_sse"),
    ([3, 4, 2], ["relu", "sigmoid"], "binary_cross_entropy"),
    ([2, 3, 3, 1], [["sigmoid", "tanh", "identity"], ["relu", "leaky_relu", "sigmoid"], "sigmoid"], "half_sse"),
]


def _targets(net, loss, m, rng):
    n = net.sizes[-1]
    if loss == "cross_entropy":
        return rng.integers(0, n, size=m)
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, size=(m, n)).astype(float)
    return rng.normal(size=(m, n))


@pytest.mark.parametrize("sizes,acts,loss", ARCHS)
@pytest.mark.parametrize("bias", [True, False])
def test_backprop_equals_central_differences_for_every_layer(sizes, acts, loss, bias):
    rng = np.random.default_rng(len(sizes) + bias)
    net = Network(sizes, activations=acts, bias=bias, seed=1)
    X = rng.normal(size=(5, sizes[0]))
    Y = _targets(net, loss, 5, rng)
    grads = net.gradients(X, Y, loss)
    numeric = central_differences(net, X, Y, loss)
    np.testing.assert_allclose(grads.flat, numeric, rtol=1e-6, atol=1e-9)
    assert grads.loss == pytest.approx(net.loss(X, Y, loss), rel=1e-15)


def test_layers_are_numbered_from_one_and_hold_the_math_shapes():
    net = Network([4, 5, 3], seed=0)
    assert net.L == 2 and len(net.weights) == 2
    assert net.weights[1].shape == (5, 4) and net.weights[2].shape == (3, 5)
    assert net.biases[1].shape == (5,) and net.biases[2].shape == (3,)
    with pytest.raises(IndexError, match="numbered 1..2"):
        net.weights[0]
    assert net.weights[-1] is net.weights[2]


def test_assigning_weights_copies_into_the_parameters_and_checks_shape():
    net = Network([2, 3, 1], seed=0)
    net.weights[1] = np.ones((3, 2))
    assert (net.theta[:6] == 1).all()
    with pytest.raises(ValueError, match=r"layer 2 must have shape \(1, 3\), got shape \(3, 1\)"):
        net.weights[2] = np.ones((3, 1))


def test_forward_follows_z_equals_W_a_plus_b():
    W1, b1 = RNG.normal(size=(3, 2)), RNG.normal(size=3)
    W2, b2 = RNG.normal(size=(1, 3)), RNG.normal(size=1)
    net = Network.from_weights([W1, W2], [b1, b2], activations=["tanh", "identity"])
    x = np.array([0.3, -1.1])
    t = net.forward(x)
    z1 = W1 @ x + b1
    np.testing.assert_allclose(t.z[1], z1, rtol=1e-15)
    np.testing.assert_allclose(t.a[1], np.tanh(z1), rtol=1e-15)
    np.testing.assert_allclose(t.z[2], W2 @ np.tanh(z1) + b2, rtol=1e-14)
    assert t.a[0] is not None and t.a[0].shape == (2,) and t.z[2].shape == (1,)


def test_a_batch_gives_the_per_sample_values_stacked():
    net = Network([3, 4, 2], activations="tanh", seed=2)
    X = RNG.normal(size=(6, 3))
    batch = net.forward(X)
    for i in range(6):
        single = net.forward(X[i])
        for l in range(1, 3):
            np.testing.assert_allclose(batch.z[l][i], single.z[l], rtol=1e-14)


def test_batch_gradient_is_the_mean_of_the_per_sample_gradients():
    net = Network([3, 4, 2], activations=["sigmoid", "softmax"], seed=3)
    X, labels = RNG.normal(size=(7, 3)), RNG.integers(0, 2, size=7)
    batch = net.gradients(X, labels, "cross_entropy")
    per_sample = [net.gradients(X[i], labels[i], "cross_entropy").flat for i in range(7)]
    np.testing.assert_allclose(batch.flat, np.mean(per_sample, axis=0), rtol=1e-12, atol=1e-15)


def test_seed003_accumulation_equals_the_vectorized_batch_gradient():
    """Seed 003: Delta W += delta a^T over K samples, then divide by K (no Python loop in bplab)."""
    net = Network([3, 4, 2], seed=4)
    K = 6
    X, Y = RNG.normal(size=(K, 3)), RNG.normal(size=(K, 2))
    DeltaW = {l: np.zeros_like(net.weights[l]) for l in (1, 2)}
    Deltab = {l: np.zeros_like(net.biases[l]) for l in (1, 2)}
    for k in range(K):
        t = net.forward(X[k])
        g = net.backward(t, Y[k])
        for l in (1, 2):
            DeltaW[l] += np.outer(g.delta[l], t.a[l - 1])
            Deltab[l] += g.delta[l]
    batch = net.gradients(X, Y)
    for l in (1, 2):
        np.testing.assert_allclose(batch.dW[l], DeltaW[l] / K, rtol=1e-12)
        np.testing.assert_allclose(batch.db[l], Deltab[l] / K, rtol=1e-12)


def test_no_bias_network_with_constant_one_input_equals_the_bias_network():
    """Seed 000: a bias is a weight on a constant-1 input."""
    W1, b1 = RNG.normal(size=(4, 3)), RNG.normal(size=4)
    W2, b2 = RNG.normal(size=(2, 4)), RNG.normal(size=2)
    biased = Network.from_weights([W1, W2], [b1, b2], activations="sigmoid")
    # Layer 1 takes [x, 1]; layer 2 needs a constant-1 too, so layer 1 gets an extra neuron fixed at 1
    # (identity of z = 0*x + 1): the no-bias network is 4-5-2 with one identity neuron.
    W1_aug = np.zeros((5, 4))
    W1_aug[:4, :3], W1_aug[:4, 3], W1_aug[4, 3] = W1, b1, 1.0
    W2_aug = np.column_stack([W2, b2])
    plain = Network.from_weights(
        [W1_aug, W2_aug], None, activations=[["sigmoid"] * 4 + ["identity"], "sigmoid"]
    )
    X, Y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    X1 = np.column_stack([X, np.ones(5)])
    np.testing.assert_allclose(plain.predict(X1), biased.predict(X), rtol=1e-14)
    g_b, g_p = biased.gradients(X, Y), plain.gradients(X1, Y)
    np.testing.assert_allclose(g_p.dW[1][:4, :3], g_b.dW[1], rtol=1e-12)
    np.testing.assert_allclose(g_p.dW[1][:4, 3], g_b.db[1], rtol=1e-12)
    np.testing.assert_allclose(g_p.dW[2][:, 4], g_b.db[2], rtol=1e-12)


def test_apply_is_gradient_descent_with_decay_on_weights_only():
    net = Network([2, 3, 1], seed=5)
    x, y = np.array([0.5, -0.2]), np.array([0.7])
    before = [w.copy() for w in net.weights], [b.copy() for b in net.biases]
    g = net.gradients(x, y)
    net.apply(g, lr=0.3, weight_decay=0.1)
    for l in (1, 2):
        np.testing.assert_allclose(net.weights[l], before[0][l - 1] - 0.3 * (g.dW[l] + 0.1 * before[0][l - 1]), rtol=1e-15)
        np.testing.assert_allclose(net.biases[l], before[1][l - 1] - 0.3 * g.db[l], rtol=1e-15)


def test_float32_networks_compute_in_float32():
    net = Network([3, 4, 2], dtype="float32", seed=0)
    X = RNG.normal(size=(5, 3))
    t = net.forward(X)
    g = net.backward(t, RNG.normal(size=(5, 2)))
    assert net.theta.dtype == np.float32 and t.a[2].dtype == np.float32 and g.flat.dtype == np.float32
    ref = Network.from_weights([w.astype(float) for w in net.weights], [b.astype(float) for b in net.biases])
    np.testing.assert_allclose(t.a[2], ref.predict(X), rtol=1e-5)


def test_copy_is_independent():
    net = Network([2, 2, 1], seed=0)
    twin = net.copy()
    twin.weights[1][0, 0] += 1.0
    assert net.weights[1][0, 0] != twin.weights[1][0, 0]
    assert twin.activations == net.activations


def test_import_is_light():
    import subprocess
    import sys

    code = "import bplab, sys; print(sorted(m for m in ('sympy', 'matplotlib', 'ipywidgets', 'tqdm') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
