import math
import re

import numpy as np
import pytest

import bplab
from bplab import Network

def says(*parts):
    """A regex matching a message that contains every one of ``parts`` literally."""
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in parts)


X = np.random.default_rng(0).normal(size=(10, 3))
Y = (X[:, :1] > 0).astype(float)


@pytest.mark.parametrize("mode,batch_size,updates", [("sample", 32, 10), ("batch", 32, 1), ("minibatch", 4, 3)])
def test_number_of_updates_per_epoch(mode, batch_size, updates):
    net = bplab.Network([3, 4, 1], seed=0)
    h = bplab.train(net, X, Y, mode=mode, batch_size=batch_size, epochs=2, progress=False, seed=0)
    assert h.updates == [updates, 2 * updates] and len(h.step_loss) == 2 * updates
    assert h.epochs == 2 and len(h.accuracy) == 2 and h.val_loss == []


def test_batch_mode_is_one_step_with_the_mean_gradient():
    net = bplab.Network([3, 4, 1], seed=1)
    twin = net.copy()
    bplab.train(net, X, Y, mode="batch", lr=0.5, epochs=1, progress=False)
    twin.apply(twin.gradients(X, Y), lr=0.5)
    np.testing.assert_allclose(net.theta, twin.theta, rtol=1e-15)


def test_labels_and_one_hot_targets_train_identically():
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0])
    a, b = bplab.Network([3, 4, 3], seed=2), bplab.Network([3, 4, 3], seed=2)
    ha = bplab.train(a, X, labels, epochs=3, batch_size=5, progress=False, seed=1)
    hb = bplab.train(b, X, np.eye(3)[labels], epochs=3, batch_size=5, progress=False, seed=1)
    assert np.array_equal(a.theta, b.theta) and ha.as_dict() == hb.as_dict()


def test_weight_decay_keeps_weights_smaller():
    plain, decayed = bplab.Network([3, 8, 1], seed=3), bplab.Network([3, 8, 1], seed=3)
    bplab.train(plain, X, Y, lr=0.5, epochs=50, batch_size=5, progress=False, seed=0)
    bplab.train(decayed, X, Y, lr=0.5, epochs=50, batch_size=5, weight_decay=0.05, progress=False, seed=0)
    assert sum(np.sum(w**2) for w in decayed.weights) < 0.8 * sum(np.sum(w**2) for w in plain.weights)


def test_validation_is_recorded():
    net = bplab.Network([3, 4, 1], seed=0)
    h = bplab.train(net, X[:8], Y[:8], epochs=3, batch_size=4, validation=(X[8:], Y[8:]), progress=False)
    assert len(h.val_loss) == 3 and all(0 <= v <= 1 for v in h.val_accuracy)


def test_progress_bar_is_shown(capsys):
    bplab.train(bplab.Network([3, 2, 1], seed=0), X, Y, epochs=3, batch_size=5, progress=True)
    err = capsys.readouterr().err
    assert "training" in err and "3/3" in err


def test_iris_reaches_95_percent_validation_accuracy():
    data = bplab.datasets.load_iris()
    Xs, _, _ = bplab.datasets.minmax_scale(data.X)
    Xtr, Xva, ytr, yva = bplab.datasets.train_test_split(Xs, data.y, 30, seed=0)
    net = bplab.Network([4, 8, 3], activations=["tanh", "softmax"], seed=0)
    h = bplab.train(net, Xtr, ytr, loss="cross_entropy", lr=0.2, epochs=500, batch_size=16, seed=0,
                    validation=(Xva, yva), progress=False)
    assert h.val_accuracy[-1] >= 0.95
    assert bplab.accuracy(net, Xva, yva) == h.val_accuracy[-1]


def test_minibatch_batch_size_is_checked():
    with pytest.raises(ValueError, match=r"batch_size must be between 1 and the number of samples \(10\), got 11"):
        bplab.train(bplab.Network([3, 1]), X, Y, batch_size=11, progress=False)
    assert math.isfinite(bplab.Network([3, 1]).loss(X, Y))


# ---------------------------------------------------------------- what History records


def test_epoch_loss_and_accuracy_are_the_means_over_the_epochs_steps():
    """Keras' and MLPClassifier's convention: each step's value from its own forward pass, weighted by its batch."""
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0])
    net = Network([3, 4, 3], activations=["tanh", "softmax"], seed=4)
    replay = net.copy()
    h = bplab.train(net, X, labels, batch_size=4, lr=0.3, epochs=2, loss="cross_entropy", seed=3, progress=False)
    order = np.random.default_rng(3).permutation(10)  # the first epoch's order
    losses, correct = [], 0
    for batch in (order[:4], order[4:8], order[8:]):  # batches of 4, 4 and 2
        trace = replay.forward(X[batch])
        grads = replay.backward(trace, labels[batch], "cross_entropy")
        losses.append(grads.loss)
        correct += int((trace.output.argmax(axis=1) == labels[batch]).sum())
        replay.apply(grads, lr=0.3)
    assert h.step_loss[:3] == pytest.approx(losses, rel=1e-14)
    assert h.loss[0] == pytest.approx((4 * losses[0] + 4 * losses[1] + 2 * losses[2]) / 10, rel=1e-14)
    assert h.accuracy[0] == correct / 10
    assert h.end_loss == [] and h.end_accuracy == []  # the exact evaluation only when asked


def test_evaluate_train_records_the_exact_loss_after_each_epoch():
    labels = np.array([0, 1, 2, 1, 0, 2, 2, 1, 0, 0])
    net = Network([3, 4, 3], activations=["tanh", "softmax"], seed=4)
    h = bplab.train(net, X, labels, batch_size=4, lr=0.3, epochs=3, loss="cross_entropy", seed=3, progress=False,
                    evaluate_train=True)
    assert h.end_loss[-1] == pytest.approx(net.loss(X, labels, "cross_entropy"), rel=1e-14)
    assert h.end_accuracy[-1] == bplab.accuracy(net, X, labels)
    assert len(h.end_loss) == len(h.loss) == 3 and h.end_loss != h.loss
    with pytest.raises(TypeError, match=says("evaluate_train", "True or False", "'yes'")):
        bplab.train(net, X, labels, batch_size=4, evaluate_train="yes", progress=False)


def test_the_first_step_loss_is_the_loss_before_training():
    net = Network([3, 4, 1], seed=1)
    before = net.loss(X, Y)
    h = bplab.train(net, X, Y, mode="batch", lr=0.5, epochs=1, progress=False)
    assert h.step_loss == [pytest.approx(before, rel=1e-14)] and h.loss == h.step_loss


def test_accuracy_is_none_for_targets_that_are_not_classes():
    net = Network([3, 4, 1], activations=["tanh", "identity"], seed=1)
    h = bplab.train(net, X, X[:, :1] * 2.5, epochs=2, batch_size=5, progress=False)
    assert h.accuracy == [None, None]


# ---------------------------------------------------------------- divergence


def _regression(seed=0, m=20):
    X = np.random.default_rng(seed).normal(size=(m, 2))
    return X, X @ np.array([1.0, -2.0]) + 0.5


@pytest.mark.parametrize("mode", ["sample", "batch", "minibatch"])
def test_divergence_stops_with_a_clear_message_and_restores_the_weights(mode):
    X, Y = _regression()
    net = Network([2, 8, 1], activations=["relu", "identity"], seed=0)
    kw = dict(mode=mode, batch_size=5, lr=1e6, epochs=20, seed=1, progress=False)
    with pytest.raises(bplab.TrainingDiverged, match=says("diverged", "epoch", "step", "lr=1e+06",
                                                          "too large", "restored")) as info:
        bplab.train(net, X, Y, **kw)
    assert np.isfinite(net.theta).all()
    message = str(info.value)
    epoch = int(re.search(r"epoch (\d+)", message).group(1))
    # the weights are those at the start of that epoch: replay the epochs before it with the same seed
    replay = Network([2, 8, 1], activations=["relu", "identity"], seed=0)
    if epoch > 1:
        bplab.train(replay, X, Y, **{**kw, "epochs": epoch - 1})
    np.testing.assert_array_equal(net.theta, replay.theta)
    # what went wrong is named: a value that is not finite, or an explosion by bplab's rule
    assert re.search(r"became (-?inf|nan) \(not finite\)|exploded to [0-9.e+]+, more than 1e\+10 times", message), message


def test_a_finite_loss_that_explodes_is_divergence():
    """A loss that is still finite but 13 orders of magnitude above the first step's is divergence (the rule)."""
    X, Y = _regression()
    net = Network([2, 3, 1], activations=["identity", "identity"], seed=0)
    before = net.theta.copy()
    with pytest.raises(bplab.TrainingDiverged, match=says("epoch 1, step 2", "loss exploded to 1.47e+13",
                                                          "1e+10 times the first", "DIVERGENCE_FACTOR", "lr=10000",
                                                          "restored")):
        bplab.train(net, X, Y, mode="sample", lr=1e4, epochs=1, shuffle=False, progress=False)
    np.testing.assert_array_equal(net.theta, before)
    assert bplab.training.DIVERGENCE_FACTOR == 1e10


def test_divergence_is_a_floating_point_error():
    assert issubclass(bplab.TrainingDiverged, FloatingPointError)


def test_divergence_on_the_last_step_of_an_epoch_is_caught():
    """One update per epoch (batch mode) that explodes the weights: caught after the step, though no loss
    is computed after it."""
    X, Y = _regression(m=3)
    net = Network([2, 1], activations="identity", seed=0)
    before = net.theta.copy()
    with pytest.raises(bplab.TrainingDiverged, match=says("epoch 1, step 1", "weights exploded", "lr=1e+300")):
        bplab.train(net, X, Y, mode="batch", lr=1e300, epochs=1, progress=False)
    np.testing.assert_array_equal(net.theta, before)


def test_a_sane_learning_rate_does_not_diverge():
    X, Y = _regression()
    net = Network([2, 8, 1], activations=["relu", "identity"], seed=0)
    history = bplab.train(net, X, Y, mode="batch", lr=0.05, epochs=30, progress=False)
    assert all(np.isfinite(history.loss)) and history.loss[-1] < history.loss[0]


