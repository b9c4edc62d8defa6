"""The same seed gives bit-identical results: networks, data sets, training histories, weights.

``History.as_dict()`` leaves out ``seconds`` (wall-clock time, the one entry that
legitimately varies); everything else must be equal bit for bit, compared with ``==``
on Python floats and on the raw bytes of the weights.
"""

import numpy as np
import pytest

import bplab
from bplab import Network
from bplab.datasets import make_circles, make_moons, make_spiral, make_xor, train_test_split

MODES = ["sample", "batch", "minibatch"]


def _run(mode, seed, net_seed=0, **kw):
    data = make_spiral(90, noise=0.1, seed=3)
    X, y = data.X, data.y
    X_train, X_val, y_train, y_val = train_test_split(X, y, 30, seed=4)
    net = Network([2, 8, 3], activations=["tanh", "softmax"], seed=net_seed)
    history = bplab.train(
        net, X_train, y_train, mode=mode, batch_size=16, lr=0.3, epochs=4, loss="cross_entropy",
        weight_decay=1e-3, seed=seed, validation=(X_val, y_val), progress=False, **kw
    )
    return history, net


@pytest.mark.parametrize("mode", MODES)
def test_same_seed_same_history_and_weights(mode):
    h1, n1 = _run(mode, seed=11)
    h2, n2 = _run(mode, seed=11)
    assert h1.as_dict() == h2.as_dict()
    assert n1.theta.tobytes() == n2.theta.tobytes()
    # the history is complete, so the equality above compares something
    d = h1.as_dict()
    assert len(d["loss"]) == len(d["val_loss"]) == len(d["updates"]) == 4
    assert len(d["step_loss"]) == d["updates"][-1] > 0
    assert "seconds" not in d and len(h1.as_dict(with_time=True)["seconds"]) == 4


@pytest.mark.parametrize("mode", ["sample", "minibatch"])
def test_a_different_seed_gives_a_different_history(mode):
    """Shuffling depends on the seed: otherwise the test above would prove nothing."""
    h1, n1 = _run(mode, seed=11)
    h2, n2 = _run(mode, seed=12)
    assert h1.as_dict()["step_loss"] != h2.as_dict()["step_loss"]
    assert n1.theta.tobytes() != n2.theta.tobytes()


def test_batch_mode_does_not_depend_on_the_shuffle_seed_beyond_rounding():
    """One update per epoch over all samples: the order only changes the summation order."""
    h1, n1 = _run("batch", seed=11)
    h2, n2 = _run("batch", seed=12)
    np.testing.assert_allclose(h1.loss, h2.loss, rtol=1e-12)
    np.testing.assert_allclose(n1.theta, n2.theta, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("mode", MODES)
def test_without_shuffle_the_seed_is_irrelevant(mode):
    h1, n1 = _run(mode, seed=1, shuffle=False)
    h2, n2 = _run(mode, seed=2, shuffle=False)
    assert h1.as_dict() == h2.as_dict() and n1.theta.tobytes() == n2.theta.tobytes()


def test_training_twice_from_a_copy_is_identical():
    """Training does not depend on hidden state: a copy trained with the same seed ends the same."""
    data = make_moons(60, noise=0.2, seed=0)
    net = Network([2, 5, 1], activations=["relu", "sigmoid"], seed=5)
    a, b = net.copy(), net.copy()
    ha = bplab.train(a, data.X, data.y, mode="minibatch", batch_size=8, lr=0.5, epochs=3,
                     loss="binary_cross_entropy", seed=9, progress=False)
    hb = bplab.train(b, data.X, data.y, mode="minibatch", batch_size=8, lr=0.5, epochs=3,
                     loss="binary_cross_entropy", seed=9, progress=False)
    assert ha.as_dict() == hb.as_dict() and a.theta.tobytes() == b.theta.tobytes()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_network_initialisation_is_seeded(dtype):
    sizes, acts = [4, 6, 3], [["relu", "tanh", "relu", "sigmoid", "leaky_relu", "identity"], "softmax"]
    a = Network(sizes, acts, seed=123, dtype=dtype)
    b = Network(sizes, acts, seed=123, dtype=dtype)
    c = Network(sizes, acts, seed=124, dtype=dtype)
    assert a.theta.tobytes() == b.theta.tobytes() != c.theta.tobytes()


@pytest.mark.parametrize("make", [make_xor, make_moons, make_circles, make_spiral])
def test_generated_data_sets_are_seeded(make):
    a, b, c = make(50, seed=8), make(50, seed=8), make(50, seed=9)
    assert a.X.tobytes() == b.X.tobytes() and a.y.tobytes() == b.y.tobytes()
    assert a.X.tobytes() != c.X.tobytes()


def test_split_is_seeded():
    X, y = np.arange(40.0).reshape(20, 2), np.arange(20)
    first = train_test_split(X, y, 5, seed=1)
    again = train_test_split(X, y, 5, seed=1)
    assert all(u.tobytes() == v.tobytes() for u, v in zip(first, again))
