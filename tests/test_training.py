import math

import numpy as np
import pytest

import bplab

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


def test_divergence_stops_with_a_clear_message_and_restores_the_weights():
    net = bplab.Network([3, 16, 1], activations=["relu", "identity"], seed=0)
    big = np.random.default_rng(1).normal(size=(10, 1)) * 1e3
    with pytest.raises(bplab.TrainingDiverged, match=r"epoch \d+, step \d+: .*lr=1e\+06 is probably too large"):
        bplab.train(net, X, big, lr=1e6, epochs=5, batch_size=2, progress=False)
    assert np.isfinite(net.theta).all()


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
