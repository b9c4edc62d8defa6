"""bplab.transforms: a bias is a weight on a constant-1 input (seed 000)."""

import numpy as np
import pytest

import bplab
from bplab.transforms import add_constant_input, bias_as_constant_input


@pytest.fixture
def net():
    rng = np.random.default_rng(4)
    net = bplab.Network([3, 4, 2, 3], activations=["tanh", ["sigmoid", "relu"], "softmax"], seed=9)
    for l in range(1, net.L + 1):
        net.biases[l] = rng.normal(size=net.sizes[l])
    return net


def test_add_constant_input():
    np.testing.assert_array_equal(add_constant_input([2.0, 3.0]), [2.0, 3.0, 1.0])
    np.testing.assert_array_equal(add_constant_input([[1, 2], [3, 4]]), [[1, 2, 1], [3, 4, 1]])
    with pytest.raises(ValueError, match="x"):
        add_constant_input(np.zeros((2, 2, 2)))


def test_one_layer_by_hand():
    # z = W x + b equals [W | b] [x; 1], computed here without bplab
    W, b, x = np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.25, -1.0]), np.array([2.0, 1.0])
    net = bplab.Network.from_weights([W], [b], activations="identity")
    aug = bias_as_constant_input(net)
    assert not aug.bias
    np.testing.assert_array_equal(aug.weights[1], [[1.0, -2.0, 0.25], [0.5, 3.0, -1.0]])
    np.testing.assert_allclose(aug.predict(add_constant_input(x)), W @ x + b)


def test_whole_network_same_outputs_and_gradients(net):
    aug = bias_as_constant_input(net)
    assert aug.sizes == [4, 5, 3, 3]
    rng = np.random.default_rng(1)
    X = rng.normal(size=(6, 3))
    labels = rng.integers(0, 3, size=6)
    t, ta = net.forward(X), aug.forward(add_constant_input(X))
    np.testing.assert_allclose(ta.output, t.output, rtol=1e-13)
    for l in (1, 2):
        np.testing.assert_allclose(ta.a[l][:, :-1], t.a[l], rtol=1e-13)
        np.testing.assert_array_equal(ta.a[l][:, -1], 1.0)  # the constant neuron passes the 1 on
    g = net.backward(t, labels, loss="cross_entropy")
    ga = aug.backward(ta, labels, loss="cross_entropy")
    for l in (1, 2, 3):
        n = net.sizes[l]
        np.testing.assert_allclose(ga.dW[l][:n, :-1], g.dW[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(ga.dW[l][:n, -1], g.db[l], rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(ga.delta[l][:, :n], g.delta[l], rtol=1e-10, atol=1e-14)


def test_refusals(net):
    with pytest.raises(ValueError, match="no biases"):
        bias_as_constant_input(bplab.Network([2, 2], bias=False, seed=0))
    hidden_softmax = bplab.Network([2, 3, 1], activations=["softmax", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="softmax"):
        bias_as_constant_input(hidden_softmax)
    with pytest.raises(TypeError, match="net"):
        bias_as_constant_input("net")
