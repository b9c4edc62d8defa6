"""bplab.reference: seed 004's plain-Python loops agree with bplab's vectorized network."""

import math

import numpy as np
import pytest

import bplab
from bplab import reference as ref


def _data(m=12, n_in=3, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(m, n_in))
    labels = rng.integers(0, n_out, size=m)
    return X, labels, np.eye(n_out)[labels]


def _max_diff(W1, b1, W2, b2):
    diffs = [abs(p - q) for A, B in zip(W1, W2) for r, s in zip(A, B) for p, q in zip(r, s)]
    diffs += [abs(p - q) for r, s in zip(b1, b2) for p, q in zip(r, s)]
    return max(diffs)


def test_lists_round_trip():
    net = bplab.Network([3, 4, 2], seed=1)
    W, b = ref.to_lists(net)
    assert isinstance(W[0][0][0], float) and len(W) == 2 and len(W[0]) == 4 and len(W[0][0]) == 3
    assert W[1][1][2] == net.weights[2][1, 2] and b[0][3] == net.biases[1][3]
    back = ref.from_lists(W, b)
    np.testing.assert_array_equal(back.theta, net.theta)


def test_forward_matches_hand_computation():
    # one neuron by hand: z = 0.5*1 + (-1)*2 + 0.25 = -1.25
    W, b = [[[0.5, -1.0]]], [[0.25]]
    out = ref.forward_propagate(W, b, [1.0, 2.0])
    assert out[0] == [1.0, 2.0]
    assert out[1][0] == pytest.approx(1 / (1 + math.exp(1.25)), abs=1e-15)


def test_forward_matches_bplab():
    net = bplab.Network([3, 5, 4, 2], seed=2)
    X, _, _ = _data()
    W, b = ref.to_lists(net)
    trace = net.forward(X[3])
    outs = ref.forward_propagate(W, b, X[3].tolist())
    for l in range(1, 4):
        np.testing.assert_allclose(outs[l], trace.a[l], rtol=0, atol=1e-15)


def test_deltas_are_minus_bplab_deltas():
    # the seed's delta uses target - output: the negative of bplab's dC/dz
    net = bplab.Network([3, 5, 2], seed=3)
    X, _, Y = _data()
    W, b = ref.to_lists(net)
    outs = ref.forward_propagate(W, b, X[0].tolist())
    deltas = ref.backward_propagate_error(W, outs, Y[0].tolist())
    grads = net.gradients(X[0], Y[0])
    for l in (1, 2):
        np.testing.assert_allclose(deltas[l - 1], -grads.delta[l], rtol=1e-12, atol=1e-16)


def test_one_epoch_matches_bplab_sample_mode_without_shuffle():
    net = bplab.Network([3, 5, 2], seed=4)
    X, labels, Y = _data(m=20)
    W, b = ref.to_lists(net)
    losses = ref.plain_sgd_epoch(W, b, X.tolist(), Y.tolist(), 0.5, range(20))
    hist = bplab.train(net, X, labels, mode="sample", lr=0.5, epochs=1, shuffle=False, progress=False)
    Wn, bn = ref.to_lists(net)
    assert _max_diff(W, b, Wn, bn) < 1e-12
    np.testing.assert_allclose(losses, hist.step_loss, rtol=1e-12)


def test_epochs_match_bplab_with_its_own_shuffle():
    net = bplab.Network([3, 4, 2], seed=5)
    X, labels, Y = _data(m=15)
    W, b = ref.to_lists(net)
    for order in ref.bplab_orders(15, epochs=3, seed=11):
        ref.plain_sgd_epoch(W, b, X.tolist(), Y.tolist(), 0.3, order)
    bplab.train(net, X, labels, mode="sample", lr=0.3, epochs=3, shuffle=True, seed=11, progress=False)
    Wn, bn = ref.to_lists(net)
    assert _max_diff(W, b, Wn, bn) < 1e-12


def test_order_matters():
    # a different order gives different weights, so the agreement above is not an accident
    net = bplab.Network([3, 4, 2], seed=5)
    X, _, Y = _data(m=15)
    W1, b1 = ref.to_lists(net)
    W2, b2 = ref.to_lists(net)
    ref.plain_sgd_epoch(W1, b1, X.tolist(), Y.tolist(), 0.3, range(15))
    ref.plain_sgd_epoch(W2, b2, X.tolist(), Y.tolist(), 0.3, reversed(range(15)))
    assert _max_diff(W1, b1, W2, b2) > 1e-6


def test_update_is_gradient_step_on_half_squared_error():
    # finite-difference check of the update direction on one sample
    W, b = ref.initialize_like_seed([2, 3, 1], seed=0)
    x, y, lr = [0.3, 0.8], [1.0], 0.1

    def loss(W_, b_):
        return ref.half_squared_error(ref.forward_propagate(W_, b_, x)[-1], y)

    W0 = [[row[:] for row in M] for M in W]
    b0 = [v[:] for v in b]
    ref.plain_sgd_epoch(W, b, [x], [y], lr, [0])
    h = 1e-6
    for i, j, k in [(0, 1, 0), (1, 0, 2)]:
        Wp = [[row[:] for row in M] for M in W0]
        Wm = [[row[:] for row in M] for M in W0]
        Wp[i][j][k] += h
        Wm[i][j][k] -= h
        grad = (loss(Wp, b0) - loss(Wm, b0)) / (2 * h)
        assert (W[i][j][k] - W0[i][j][k]) == pytest.approx(-lr * grad, rel=1e-6)


def test_initialize_like_seed_is_uniform_in_unit_interval_and_reproducible():
    W, b = ref.initialize_like_seed([4, 5, 3], seed=7)
    values = [v for M in W for row in M for v in row] + [v for row in b for v in row]
    assert len(values) == 4 * 5 + 5 + 5 * 3 + 3
    assert all(0.0 <= v < 1.0 for v in values)
    assert ref.initialize_like_seed([4, 5, 3], seed=7) == (W, b)
    with pytest.raises(ValueError, match="sizes"):
        ref.initialize_like_seed([4], seed=0)


def test_sigmoid_does_not_overflow():
    assert ref.sigmoid(-1000.0) == 0.0 or ref.sigmoid(-1000.0) < 1e-300
    assert ref.sigmoid(1000.0) == 1.0
    assert ref.sigmoid(0.0) == 0.5


def test_plain_train_and_accuracy():
    X, labels, _ = _data(m=30, n_in=2, n_out=2, seed=9)
    W, b = ref.initialize_like_seed([2, 3, 2], seed=1)
    acc = ref.plain_train(W, b, X.tolist(), labels.tolist(), 0.5, 3, validation=(X.tolist(), labels.tolist()))
    assert len(acc) == 3
    net = ref.from_lists(W, b)
    assert acc[-1] == pytest.approx(bplab.accuracy(net, X, labels))


def test_to_lists_refuses_what_the_loops_cannot_compute():
    with pytest.raises(ValueError, match="sigmoid"):
        ref.to_lists(bplab.Network([2, 3, 2], activations=["tanh", "sigmoid"], seed=0))
    with pytest.raises(ValueError, match="bias"):
        ref.to_lists(bplab.Network([2, 3, 2], bias=False, seed=0))
    with pytest.raises(TypeError, match="bplab.Network"):
        ref.to_lists([[1.0]])
