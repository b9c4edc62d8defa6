"""The deliberate bugs of bplab.variants: each differs from backprop exactly where the bug acts.

Expected values come from a small reference implementation written out here with
explicit sigmoid formulas, not from bplab's backward pass.
"""

import numpy as np
import pytest

import bplab
from bplab.variants import (
    backward_missing_fprime,
    backward_wrong_transpose,
    box_gradient,
    check_backward,
    correct_step,
    seed000_box_step,
)


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def reference(weights, biases, x, y):
    """Forward pass and true error terms of a sigmoid network with C = 1/2 ||a^L - y||^2."""
    a, z = [np.asarray(x, float)], [None]
    for W, b in zip(weights, biases):
        z.append(W @ a[-1] + b)
        a.append(sig(z[-1]))
    L = len(weights)
    fp = [None] + [a[l] * (1 - a[l]) for l in range(1, L + 1)]
    delta = [None] * (L + 1)
    delta[L] = (a[L] - y) * fp[L]
    for l in range(L - 1, 0, -1):
        delta[l] = (weights[l].T @ delta[l + 1]) * fp[l]
    return z, a, fp, delta


@pytest.fixture
def square_net():
    rng = np.random.default_rng(7)
    Ws = [rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=(3, 3))]
    bs = [rng.normal(size=3) for _ in range(3)]
    x, y = np.array([0.4, -0.7]), np.array([0.1, 0.8, 0.3])
    return bplab.Network.from_weights(Ws, bs), Ws, bs, x, y


# ------------------------------------------------------------------ missing f'
def test_missing_fprime_keeps_output_layer_and_changes_hidden_layers(square_net):
    net, Ws, bs, x, y = square_net
    _, a, fp, delta = reference(Ws, bs, x, y)
    bug = backward_missing_fprime(net, x, y)
    # BP1, BP3 and BP4 of layer L: untouched, identical to the true values
    np.testing.assert_allclose(bug.delta[3], delta[3], rtol=1e-12)
    np.testing.assert_allclose(bug.dW[3], np.outer(delta[3], a[2]), rtol=1e-12)
    np.testing.assert_allclose(bug.db[3], delta[3], rtol=1e-12)
    # layer L-1: W^T delta without the f' factor
    wrong2 = Ws[2].T @ delta[3]
    np.testing.assert_allclose(bug.delta[2], wrong2, rtol=1e-12)
    assert not np.allclose(bug.delta[2], delta[2])
    np.testing.assert_allclose(bug.dW[2], np.outer(wrong2, a[1]), rtol=1e-12)
    # layer 1 inherits the error and drops its own f' too
    np.testing.assert_allclose(bug.delta[1], Ws[1].T @ wrong2, rtol=1e-12)
    assert not np.allclose(bug.dW[1], np.outer(delta[1], a[0]))


def test_missing_fprime_is_harmless_when_hidden_f_prime_is_one():
    # identity hidden layers have f' = 1, so leaving it out changes nothing
    net = bplab.Network([2, 3, 2], activations=["identity", "sigmoid"], seed=3)
    x, y = np.array([0.3, 0.9]), np.array([1.0, 0.0])
    np.testing.assert_allclose(backward_missing_fprime(net, x, y).flat, net.gradients(x, y).flat, rtol=1e-12)


def test_missing_fprime_on_a_batch_uses_the_batch_mean(square_net):
    net, _, _, _, _ = square_net
    X = np.array([[0.4, -0.7], [1.0, 0.2]])
    Y = np.array([[0.1, 0.8, 0.3], [0.9, 0.2, 0.5]])
    mean = (backward_missing_fprime(net, X[0], Y[0]).flat + backward_missing_fprime(net, X[1], Y[1]).flat) / 2
    np.testing.assert_allclose(backward_missing_fprime(net, X, Y).flat, mean, rtol=1e-12)


# ------------------------------------------------------------------ wrong transpose
def test_wrong_transpose_changes_hidden_layers_only(square_net):
    net, Ws, bs, x, y = square_net
    _, a, fp, delta = reference(Ws, bs, x, y)
    bug = backward_wrong_transpose(net, x, y)
    np.testing.assert_allclose(bug.dW[3], np.outer(delta[3], a[2]), rtol=1e-12)
    np.testing.assert_allclose(bug.db[3], delta[3], rtol=1e-12)
    wrong2 = (Ws[2] @ delta[3]) * fp[2]
    np.testing.assert_allclose(bug.delta[2], wrong2, rtol=1e-12)
    assert not np.allclose(bug.delta[2], delta[2])
    np.testing.assert_allclose(bug.delta[1], (Ws[1] @ wrong2) * fp[1], rtol=1e-12)
    # the weights themselves are left as they were
    np.testing.assert_array_equal(net.weights[2], Ws[1])


def test_wrong_transpose_is_harmless_for_symmetric_weights():
    rng = np.random.default_rng(11)
    S2, S3 = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    net = bplab.Network.from_weights([rng.normal(size=(3, 2)), S2 + S2.T, S3 + S3.T])
    x, y = np.array([0.5, 0.1]), np.array([0.0, 1.0, 0.5])
    np.testing.assert_allclose(backward_wrong_transpose(net, x, y).flat, net.gradients(x, y).flat, rtol=1e-12)


def test_wrong_transpose_names_the_layer_whose_shape_does_not_allow_it():
    net = bplab.Network([4, 3, 3, 2], seed=0)  # W^1 (3, 4) is free; W^2 square; W^3 (2, 3) is not
    with pytest.raises(ValueError, match=r"W\^3 \(layer 3\).*\(2, 3\)"):
        backward_wrong_transpose(net, np.zeros(4), np.zeros(2))


# ------------------------------------------------------------------ gradient checks catch them
def test_gradient_check_catches_both_bugs_in_hidden_layers_only(square_net):
    net, _, _, x, y = square_net
    for backward in (backward_missing_fprime, backward_wrong_transpose):
        report = check_backward(backward, net, x, y)
        assert not report.passed
        assert report[3, "W"].passed and report[3, "b"].passed
        assert not report[2, "W"].passed and not report[1, "W"].passed
        assert report[2, "W"].rel_error > 1e-4  # "wrong", not merely "suspicious"
        with pytest.raises(AssertionError, match="W\\^2"):
            report.raise_if_failed()


def test_check_backward_passes_the_true_backward_pass(square_net):
    net, _, _, x, y = square_net
    report = check_backward(lambda n, x, y, loss: n.gradients(x, y, loss), net, x, y)
    assert report.passed, report.table()


def test_check_backward_rejects_a_non_function(square_net):
    net, _, _, x, y = square_net
    with pytest.raises(TypeError, match="backward must be a function"):
        check_backward("backward_missing_fprime", net, x, y)


# ------------------------------------------------------------------ seed 000's box
def test_box_step_equals_correct_step_for_one_layer():
    rng = np.random.default_rng(5)
    net = bplab.Network.from_weights([rng.normal(size=(2, 3))], [rng.normal(size=2)])
    x, y = np.array([0.2, -0.4, 1.0]), np.array([0.0, 1.0])
    box, std = net.copy(), net.copy()
    seed000_box_step(box, x, y, lr=0.7)
    correct_step(std, x, y, lr=0.7)
    np.testing.assert_allclose(box.theta, std.theta, rtol=1e-14, atol=1e-15)
    assert not np.allclose(box.theta, net.theta)  # it did move


def test_box_step_differs_for_two_layers_by_the_predicted_amount():
    rng = np.random.default_rng(1)
    Ws, bs = [rng.normal(size=(3, 2)), rng.normal(size=(2, 3))], [rng.normal(size=3), rng.normal(size=2)]
    x, y, lr = np.array([0.6, -0.3]), np.array([0.9, 0.05]), 0.8
    net = bplab.Network.from_weights(Ws, bs)
    _, a, fp, delta = reference(Ws, bs, x, y)
    box, std = net.copy(), net.copy()
    seed000_box_step(box, x, y, lr)
    correct_step(std, x, y, lr)
    # layer 2 (= L) is updated identically
    np.testing.assert_allclose(box.weights[2], std.weights[2], rtol=1e-14)
    np.testing.assert_allclose(box.biases[2], std.biases[2], rtol=1e-14)
    # delta_box^1 = f'(z^1) ⊙ ((W^2 - lr delta^2 a1^T)^T delta^2) = delta^1 - lr ||delta^2||^2 (a^1 ⊙ f'(z^1)),
    # so the box's layer-1 step is lr * (that change) * a0^T larger than the correct one.
    change = lr * (delta[2] @ delta[2]) * a[1] * fp[1]
    np.testing.assert_allclose(box.weights[1] - std.weights[1], lr * np.outer(change, a[0]), rtol=1e-6)
    np.testing.assert_allclose(box.biases[1] - std.biases[1], lr * change, rtol=1e-6)
    assert np.abs(box.weights[1] - std.weights[1]).max() > 1e-4


def test_box_step_for_three_layers_follows_the_written_out_box():
    rng = np.random.default_rng(2)
    Ws = [rng.normal(size=(4, 3)), rng.normal(size=(3, 4)), rng.normal(size=(2, 3))]
    x, y, lr = np.array([0.3, 0.8, -0.5]), np.array([1.0, 0.0]), 0.5
    net = bplab.Network.from_weights(Ws, None)  # seed 000: no biases
    _, a, fp, delta = reference(Ws, [0.0, 0.0, 0.0], x, y)
    # the box, written out: update W_3, back through the NEW W_3, update W_2, back through the NEW W_2, ...
    W = [w.copy() for w in Ws]
    xi = delta[3]
    W[2] -= lr * np.outer(xi, a[2])
    xi = (W[2].T @ xi) * fp[2]
    W[1] -= lr * np.outer(xi, a[1])
    xi = (W[1].T @ xi) * fp[1]
    W[0] -= lr * np.outer(xi, a[0])
    returned = seed000_box_step(net, x, y, lr)
    for l in (1, 2, 3):
        np.testing.assert_allclose(net.weights[l], W[l - 1], rtol=1e-13)
    np.testing.assert_allclose(returned.delta[1], xi, rtol=1e-13)


def test_box_gradient_leaves_the_network_alone_and_gradcheck_catches_it(square_net):
    net, _, _, x, y = square_net
    before = net.theta.copy()
    g = box_gradient(net, x, y, lr=0.5)
    np.testing.assert_array_equal(net.theta, before)
    true = net.gradients(x, y)
    np.testing.assert_allclose(g.dW[3], true.dW[3], rtol=1e-14)
    report = check_backward(lambda n, x, y, loss: box_gradient(n, x, y, 0.5, loss), net, x, y)
    assert report[3, "W"].passed and not report[2, "W"].passed and not report.passed
    # ... and the difference vanishes with the learning rate (it is O(lr))
    small = box_gradient(net, x, y, lr=1e-9)
    np.testing.assert_allclose(small.flat, true.flat, rtol=1e-6, atol=1e-12)


def test_steps_refuse_a_batch_and_a_bad_learning_rate(square_net):
    net, _, _, x, y = square_net
    with pytest.raises(ValueError, match="one sample"):
        seed000_box_step(net, np.stack([x, x]), np.stack([y, y]), 0.1)
    with pytest.raises(ValueError, match="lr"):
        correct_step(net, x, y, -0.1)


def test_check_backward_refuses_float32():
    net = bplab.Network([2, 2, 1], seed=0, dtype="float32")
    with pytest.raises(ValueError, match="float64"):
        check_backward(backward_missing_fprime, net, np.zeros(2), np.zeros(1))


def test_check_backward_refuses_a_step_below_the_rounding_floor(square_net):
    net, _, _, x, y = square_net
    with pytest.raises(ValueError, match=r"h \(finite-difference step\) must be at least the rounding floor.*got h = 1e-13"):
        check_backward(backward_missing_fprime, net, x, y, h=1e-13)
