"""The from-scratch projects: seed 004's Iris set-up, handwritten digits, and what the three modes compute.

All runs use fixed seeds; expected values come from the definitions (gradients averaged by hand),
never from a previous run's output.
"""

import numpy as np
import pytest

import bplab
from bplab import reference as ref
from bplab.datasets import load_digits, load_iris, minmax_scale, train_test_split


def _iris_like_seed(split_seed=0):
    """Seed 004's preparation: min-max scale all rows, shuffle once, 130 training and 20 validation rows."""
    X, y, _ = load_iris()
    X01, _, _ = minmax_scale(X)
    order = np.random.default_rng(split_seed).permutation(len(X))
    return X01[order[:130]], y[order[:130]], X01[order[130:]], y[order[130:]]


def test_iris_seed_setup_reaches_90_percent_validation_accuracy():
    # one hidden layer of 5 sigmoid neurons, 3 sigmoid outputs, half squared error, per-sample SGD,
    # lr 0.2, 300 epochs, weights uniform in [0, 1) as in the seed, fixed sample order (shuffled once)
    Xt, yt, Xv, yv = _iris_like_seed(0)
    W, b = ref.initialize_like_seed([4, 5, 3], seed=0)
    net = ref.from_lists(W, b)
    hist = bplab.train(net, Xt, yt, mode="sample", lr=0.2, epochs=300, shuffle=False, validation=(Xv, yv),
                       progress=False)
    assert hist.val_accuracy[-1] >= 0.9
    assert hist.updates[-1] == 300 * 130


def test_iris_plain_python_and_bplab_agree_after_one_epoch():
    Xt, yt, _, _ = _iris_like_seed(0)
    W, b = ref.initialize_like_seed([4, 5, 3], seed=0)
    net = ref.from_lists(W, b)
    ref.plain_sgd_epoch(W, b, Xt.tolist(), [ref.one_hot(int(c), 3) for c in yt], 0.2, range(130))
    bplab.train(net, Xt, yt, mode="sample", lr=0.2, epochs=1, shuffle=False, progress=False)
    assert np.abs(ref.from_lists(W, b).theta - net.theta).max() < 1e-12
    # and the epoch did move the weights, so the agreement is not trivial
    assert np.abs(net.theta - ref.from_lists(*ref.initialize_like_seed([4, 5, 3], seed=0)).theta).max() > 1e-3


def test_iris_reaches_95_percent_validation_accuracy_with_softmax_cross_entropy():
    # Set-up: 100 training / 50 validation rows (split seed 0), min-max scaling fitted on the training rows,
    # 4-8-3 network with sigmoid hidden and softmax output, cross-entropy, mini-batches of 10, lr 0.5, 200 epochs.
    X, y, _ = load_iris()
    Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=50, seed=0)
    Xtr, low, high = minmax_scale(Xtr)
    Xva = minmax_scale(Xva, low, high)[0]
    net = bplab.Network([4, 8, 3], activations=["sigmoid", "softmax"], seed=0)
    hist = bplab.train(net, Xtr, ytr, mode="minibatch", batch_size=10, lr=0.5, epochs=200, loss="cross_entropy",
                       seed=0, validation=(Xva, yva), progress=False)
    assert hist.val_accuracy[-1] >= 0.95


def test_digits_reach_95_percent_test_accuracy():
    X, y, _ = load_digits()
    Xtr, Xte, ytr, yte = train_test_split(X / 16.0, y, test_size=360, seed=0)
    net = bplab.Network([64, 32, 10], activations=["sigmoid", "softmax"], seed=0)
    bplab.train(net, Xtr, ytr, mode="minibatch", batch_size=32, lr=0.5, epochs=30, loss="cross_entropy", seed=0,
                progress=False)
    assert bplab.accuracy(net, Xte, yte) >= 0.95


# ------------------------------------------------------------ the three modes against their definitions
def _small_problem(m=12):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(m, 3))
    Y = rng.uniform(0.1, 0.9, size=(m, 2))
    return bplab.Network([3, 4, 2], seed=7), X, Y


def _per_sample_gradients(net, X, Y):
    return [net.gradients(X[i], Y[i]).flat for i in range(len(X))]


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_batch_mode_single_update_is_mean_of_per_sample_gradients(weight_decay):
    net, X, Y = _small_problem()
    lr, m = 0.3, len(X)
    per_sample = [net.gradients(X[i], Y[i]) for i in range(m)]
    expected_W, expected_b = {}, {}
    for l in (1, 2):
        mean_dW = sum(g.dW[l] for g in per_sample) / m
        mean_db = sum(g.db[l] for g in per_sample) / m
        # seed 003: weight decay lambda W acts on the weights, never on the biases
        expected_W[l] = net.weights[l] - lr * (mean_dW + weight_decay * net.weights[l])
        expected_b[l] = net.biases[l] - lr * mean_db
    hist = bplab.train(net, X, Y, mode="batch", lr=lr, epochs=1, weight_decay=weight_decay, seed=1, progress=False)
    assert hist.updates == [1]
    for l in (1, 2):
        np.testing.assert_allclose(net.weights[l], expected_W[l], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(net.biases[l], expected_b[l], rtol=1e-12, atol=1e-14)


def test_minibatch_updates_are_means_over_each_batch():
    net, X, Y = _small_problem(m=10)
    lr, B, seed = 0.3, 4, 5
    expected = net.copy()
    (order,) = ref.bplab_orders(10, epochs=1, seed=seed)  # the permutation bplab.train draws for epoch 1
    for start in range(0, 10, B):
        idx = order[start : start + B]  # batches of 4, 4 and the remaining 2
        mean_grad = np.mean([expected.gradients(X[i], Y[i]).flat for i in idx], axis=0)
        expected.theta -= lr * mean_grad
    hist = bplab.train(net, X, Y, mode="minibatch", batch_size=B, lr=lr, epochs=1, seed=seed, progress=False)
    assert hist.updates == [3]
    np.testing.assert_allclose(net.theta, expected.theta, rtol=1e-12, atol=1e-14)


def test_one_minibatch_update_equals_mean_over_that_batch():
    net, X, Y = _small_problem(m=8)
    lr = 0.2
    before = net.theta.copy()
    mean_grad = np.mean(_per_sample_gradients(net, X[:4], Y[:4]), axis=0)
    # batch_size 4 without shuffling: the first update uses rows 0..3; stop after it by training on those rows
    bplab.train(net, X[:4], Y[:4], mode="minibatch", batch_size=4, lr=lr, epochs=1, shuffle=False, progress=False)
    np.testing.assert_allclose(net.theta, before - lr * mean_grad, rtol=1e-12, atol=1e-14)


def test_sample_mode_is_successive_single_steps():
    net, X, Y = _small_problem()
    lr, seed = 0.3, 9
    expected = net.copy()
    for order in ref.bplab_orders(len(X), epochs=2, seed=seed):
        for i in order:
            expected.apply(expected.gradients(X[i], Y[i]), lr)
    hist = bplab.train(net, X, Y, mode="sample", lr=lr, epochs=2, seed=seed, progress=False)
    assert hist.updates == [12, 24]
    np.testing.assert_allclose(net.theta, expected.theta, rtol=1e-12, atol=1e-14)


def test_modes_differ_from_each_other():
    # the definitions above are not all the same thing in disguise
    nets = {}
    for mode in ("sample", "batch", "minibatch"):
        net, X, Y = _small_problem()
        bplab.train(net, X, Y, mode=mode, batch_size=4, lr=0.3, epochs=1, shuffle=False, progress=False)
        nets[mode] = net.theta
    assert np.abs(nets["sample"] - nets["batch"]).max() > 1e-4
    assert np.abs(nets["minibatch"] - nets["batch"]).max() > 1e-4
