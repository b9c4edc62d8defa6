"""The playground's plain state, without widgets: settings, training through bplab, stopping."""

import numpy as np
import pytest

import bplab
from bplab.playground import DATASETS, Playground, load_dataset, parse_hidden


def small(**kw):
    kw.setdefault("n", 60)
    return Playground(**kw)


def test_output_layer_follows_the_loss():
    assert small(loss="cross_entropy").net.sizes == [2, 4, 2]
    assert small(loss="cross_entropy").net.layer_activation(2).is_softmax
    pg = small(loss="half_sse", hidden=[3, 2])
    assert pg.net.sizes == [2, 3, 2, 1] and pg.Y.shape == (60, 1)
    np.testing.assert_array_equal(pg.Y[:, 0], pg.labels)
    pg = Playground("iris", loss="binary_cross_entropy", hidden=[])
    assert pg.net.sizes == [2, 3] and pg.Y.shape == (150, 3)
    np.testing.assert_array_equal(pg.Y.argmax(axis=1), pg.labels)


def test_every_data_set_loads_with_two_features():
    for name in DATASETS:
        data = load_dataset(name, n=50, seed=1)
        assert data.X.shape[1] == 2 and len(data.X) == len(data.y)
    iris = load_dataset("iris")
    assert iris.X.min() == -1.0 and iris.X.max() == 1.0 and len(iris.X) == 150
    assert iris.feature_names == ("petal length (cm)", "petal width (cm)")


def test_configure_rebuilds_only_for_network_settings():
    pg = small()
    pg.epoch()
    assert pg.configure(lr=0.5, mode="sample", batch_size=4, weight_decay=0.1) is False
    assert pg.epochs == 1 and pg.history.lr == 0.5 and pg.history.mode == "sample"
    assert pg.configure(hidden=[2]) is True
    assert pg.epochs == 0 and pg.net.sizes == [2, 2, 2]
    assert pg.configure(hidden=[2]) is False  # unchanged value: nothing to rebuild


def test_same_seed_same_start():
    a, b = small(seed=4), small(seed=4)
    np.testing.assert_array_equal(a.net.theta, b.net.theta)
    a.run(3)
    b.run(3)
    np.testing.assert_array_equal(a.net.theta, b.net.theta)


def test_step_is_one_gradient_descent_update():
    pg = small(mode="batch", lr=0.3, weight_decay=0.01)
    net = pg.net.copy()
    pg.step()
    # the same update written out: W -= lr (dW + lambda W), b -= lr db, on the whole batch
    grads = net.gradients(pg.X, pg.Y, "cross_entropy")
    expected = [W - 0.3 * (dW + 0.01 * W) for W, dW in zip(net.weights, grads.dW)]
    for l in (1, 2):
        np.testing.assert_allclose(pg.net.weights[l], expected[l - 1], rtol=1e-12)
        np.testing.assert_allclose(pg.net.biases[l], net.biases[l] - 0.3 * grads.db[l], rtol=1e-12)
    assert pg.updates == 1 and pg.history.step_loss == [pytest.approx(grads.loss)]


def test_step_sizes_per_mode():
    pg = small(mode="sample")
    pg.step()
    assert "batch of 1" in pg.message
    pg.configure(mode="minibatch", batch_size=7)
    pg.step()
    assert "batch of 7" in pg.message
    pg.configure(mode="batch")
    pg.step()
    assert "batch of 60" in pg.message
    # a mini-batch step walks through a permutation: 60 samples in batches of 7 repeat after 8 steps
    pg.configure(mode="minibatch")
    seen = []
    pg._order, pg._cursor = np.arange(60), 0
    for _ in range(8):
        seen.extend(pg._next_batch())
    assert sorted(seen) == list(range(56))


def test_epoch_is_bplab_train():
    pg = small(seed=2, lr=0.2, mode="minibatch", batch_size=16)
    net = pg.net.copy()
    rng = np.random.default_rng(2)  # the playground's rng: a permutation for Step, then the epoch's seed
    rng.permutation(60)
    seed = int(rng.integers(2**31))
    h = bplab.train(net, pg.X, pg.Y, mode="minibatch", batch_size=16, lr=0.2, epochs=1, loss="cross_entropy",
                    seed=seed, progress=False, evaluate_train=True)  # fmt: skip
    pg.epoch()
    np.testing.assert_array_equal(pg.net.theta, net.theta)
    assert pg.loss_value == pytest.approx(h.end_loss[-1], rel=1e-12)  # both the exact loss after the epoch
    assert pg.updates == h.updates[-1] == 4


def test_history_and_gradient_norms_are_recorded():
    pg = small(hidden=[3, 3])
    pg.step()
    pg.epoch()
    h = pg.history
    assert len(h.loss) == len(h.accuracy) == len(h.updates) == len(pg.grad_norm_history) == 3
    assert h.updates == [0, 1, 5]
    grads = pg.net.gradients(pg.X, pg.Y, "cross_entropy")
    assert pg.grad_norms == {l: pytest.approx(np.linalg.norm(grads.dW[l])) for l in (1, 2, 3)}
    C, acc = pg.evaluate()
    assert C == pytest.approx(pg.net.loss(pg.X, pg.Y, "cross_entropy")) and acc == h.accuracy[-1]


def test_run_stops_when_asked():
    pg = small()
    calls = []

    def on_epoch(done, total):
        calls.append((done, total))
        if done == 3:
            pg.request_stop()

    assert pg.run(50, on_epoch=on_epoch) == 3
    assert calls == [(1, 50), (2, 50), (3, 50)] and pg.epochs == 3 and not pg.running
    assert pg.run(50, stop=lambda: pg.epochs >= 5) == 2  # a new run clears the earlier stop
    assert pg.run(4) == 4 and pg.epochs == 9


def test_divergence_is_caught_and_stops_training():
    pg = small(dataset="moons", hidden=[16, 16], activation="leaky_relu", lr=10.0)
    done = pg.run(30)
    assert pg.diverged and done < 30 and "too large" in pg.message
    theta = pg.net.theta.copy()
    pg.step()
    pg.epoch()
    np.testing.assert_array_equal(pg.net.theta, theta)
    assert np.isfinite(pg.net.theta).all()  # bplab.train restored the weights
    pg.configure(lr=0.05, seed=1)
    assert not pg.diverged


def test_bad_settings_are_explained():
    with pytest.raises(ValueError, match="dataset"):
        Playground("mnist")
    with pytest.raises(ValueError, match="activation"):
        Playground(activation="softmax")
    with pytest.raises(ValueError, match="lr"):
        Playground(lr=0)
    with pytest.raises(TypeError, match="hidden"):
        Playground(hidden="4")
    with pytest.raises(ValueError, match="hidden"):
        Playground(hidden=[4, 0])
    with pytest.raises(TypeError, match="unknown setting"):
        small().configure(learning_rate=0.1)
    with pytest.raises(ValueError, match="whole numbers"):
        parse_hidden("4, four")
    assert parse_hidden(" 4, 4 ") == [4, 4] and parse_hidden("") == [] and parse_hidden("8 2") == [8, 2]


# The notebook's experiments, as tests of the outcomes they claim.
def test_xor_needs_a_hidden_layer():
    flat = small(dataset="xor", hidden=[], lr=0.5, n=200)
    flat.run(60)
    deep = small(dataset="xor", hidden=[4], lr=0.5, n=200)
    deep.run(60)
    assert flat.accuracy < 0.75 < 0.9 < deep.accuracy


def test_deep_sigmoid_network_has_vanishing_gradients():
    pg = small(dataset="moons", hidden=[8] * 5, activation="sigmoid", loss="half_sse", lr=0.5)
    pg.run(3)
    norms = pg.grad_norms
    assert norms[1] < norms[6] / 10


def test_weight_decay_keeps_weights_small():
    plain = small(dataset="moons", hidden=[32], lr=0.3, noise=0.3, seed=1)
    decayed = small(dataset="moons", hidden=[32], lr=0.3, noise=0.3, seed=1, weight_decay=0.01)
    plain.run(40)
    decayed.run(40)
    assert decayed.weight_norm() < 0.7 * plain.weight_norm()


def test_plain_state_modules_import_no_widgets_or_matplotlib():
    import subprocess
    import sys

    code = (
        "import sys, bplab.stepper, bplab.playground, bplab.diagram\n"
        "pg = bplab.playground.Playground(n=20); pg.step(); pg.epoch()\n"
        "bad = [m for m in ('ipywidgets', 'matplotlib', 'sympy') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
