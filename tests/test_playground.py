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
                    seed=seed, progress=False)  # fmt: skip
    pg.epoch()
    np.testing.assert_array_equal(pg.net.theta, net.theta)
    assert pg.loss_value == pytest.approx(h.loss[-1], rel=1e-12)
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
    with pytest.raises(ValueError, match="'four' is not a whole number"):
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


# ---------------------------------------------------------------- limits, assignment, test set (issues 12 and 14)
def test_limits_on_layers_neurons_and_data():
    with pytest.raises(ValueError, match="at most 6 layers"):
        small(hidden=[2] * 7)
    with pytest.raises(ValueError, match="at most 64, got 65"):
        small(hidden=[4, 65])
    with pytest.raises(ValueError, match=r"n \(number of samples\) must be at most"):
        small(n=10**6)
    with pytest.raises(ValueError, match="noise must be from 0 to 1"):
        small(noise=3)
    with pytest.raises(ValueError, match="test_fraction"):
        small(test_fraction=0.95)
    assert small(hidden=[64] * 6).net.sizes == [2] + [64] * 6 + [2]


def test_parse_hidden_names_the_rule_that_is_broken():
    with pytest.raises(ValueError, match=r"^layer 1 has 0 neurons; neurons must be at least 1 \(1 to 64\)\.$"):
        parse_hidden("0")
    with pytest.raises(ValueError, match="layer 2 has -3 neurons; neurons must be at least 1"):
        parse_hidden("4, -3")
    with pytest.raises(ValueError, match="'2.5' is not a whole number"):
        parse_hidden("2.5")
    with pytest.raises(ValueError, match="layer 1 has 100000 neurons; at most 64 are allowed"):
        parse_hidden("100000")
    with pytest.raises(ValueError, match="7 hidden layers; at most 6 are allowed"):
        parse_hidden("1 1 1 1 1 1 1")


def test_typed_numbers_are_never_truncated():
    from bplab.playground import parse_number, parse_whole

    assert parse_whole(" 12 ", "epochs") == 12
    for text, got in [("2.9", "'2.9'"), ("ten", "'ten'"), ("0", "0"), ("", "''")]:
        with pytest.raises(ValueError, match=f"^epochs must be a whole number from 1 up, got {got}."):
            parse_whole(text, "epochs")
    with pytest.raises(ValueError, match="epochs must be a whole number from 1 to 100, got 101"):
        parse_whole("101", "epochs", 1, 100)
    assert parse_number("0.01", "weight decay") == 0.01
    for text in ("abc", "-1", "nan", "inf"):
        with pytest.raises(ValueError, match=f"weight decay must be a number >= 0, got '{text}'"):
            parse_number(text, "weight decay")


def test_assigning_a_setting_is_configure():
    pg = small()
    pg.epoch()
    pg.lr = 0.5
    assert pg.lr == 0.5 and pg.settings["lr"] == 0.5 and pg.history.lr == 0.5 and pg.epochs == 1
    pg.step()
    assert "lr" not in pg.__dict__  # no instance attribute hides the setting
    with pytest.raises(TypeError, match="lr"):
        pg.lr = "fast"
    with pytest.raises(ValueError, match="lr"):
        pg.lr = -1
    assert pg.lr == 0.5
    pg.hidden = [3, 3]
    assert pg.net.sizes == [2, 3, 3, 2] and pg.epochs == 0
    with pytest.raises(ValueError, match="hidden"):
        pg.hidden = [0]
    assert pg.net.sizes == [2, 3, 3, 2] and pg.hidden == [3, 3]


def test_state_attributes_are_read_only():
    pg = small()
    for name, value in [("epochs", 5), ("updates", 1), ("net", None), ("history", None), ("diverged", True), ("X", None)]:
        with pytest.raises(AttributeError, match=f"Playground.{name} is read-only"):
            setattr(pg, name, value)
    assert pg.epochs == 0 and not pg.diverged


def test_observers_hear_every_change_of_setting():
    pg = small()
    heard = []
    pg.observe(heard.append)
    pg.lr = 0.3
    pg.configure(mode="sample", batch_size=16)  # batch_size unchanged: not reported
    pg.configure(lr=0.3)  # nothing changed: no call
    assert heard == [{"lr": 0.3}, {"mode": "sample"}]


def test_a_train_test_split():
    pg = Playground("moons", n=200, test_fraction=0.3, seed=1)
    assert len(pg.X) == 140 and len(pg.X_test) == 60
    both = np.concatenate([pg.X, pg.X_test])
    assert sorted(map(tuple, both)) == sorted(map(tuple, pg.data.X))  # disjoint, and together the whole set
    pg.run(5)
    h = pg.history
    assert len(h.val_loss) == len(h.loss) == 6
    assert pg.test_loss == pytest.approx(pg.net.loss(pg.X_test, pg.Y_test, "cross_entropy"), rel=1e-12)
    assert pg.test_accuracy == bplab.training.accuracy(pg.net, pg.X_test, pg.Y_test)
    assert pg.updates == 5 * 9  # an epoch is over the 140 training samples only: 9 batches of 16
    assert small().X_test.shape == (0, 2) and small().test_loss is None


def test_a_dead_relu_layer_is_said_in_words():
    pg = small(hidden=[4, 4], activation="relu")
    assert pg.gradient_notes() == {}
    pg.net.biases[2][:] = -1000.0  # every z^2 < 0 on every sample: layer 2's ReLUs are dead
    pg.step()
    assert pg.grad_norms == {1: 0.0, 2: 0.0, 3: 0.0}
    assert pg.dead_layers() == [2]
    assert pg.gradient_notes() == {l: "0: every ReLU in layer 2 is dead" for l in (1, 2, 3)}


def test_a_saturated_tanh_layer_is_called_saturated_not_dead():
    pg = small(hidden=[4], activation="tanh")
    pg.net.weights[1][:] = 0.0
    pg.net.biases[1][:] = 1000.0  # a^1 = tanh(1000) = 1.0 exactly, so f'(z^1) = 1 - a^2 = 0 everywhere
    pg.step()
    assert pg.dead_layers() == [1] and pg.grad_norms[1] == 0.0 < pg.grad_norms[2]
    assert pg.gradient_notes() == {1: "0: every neuron in layer 1 is saturated (f' = 0)"}


# ---------------------------------------------------------------- divergence: notebook 11's experiment
def test_notebook_11_learning_rate_experiment_diverges():
    """Notebook 11, experiment 4: moons, hidden 16, 16, tanh, 30 epochs; lr = 0.1 descends, lr = 10 diverges."""
    gentle = Playground("moons", hidden=[16, 16], activation="tanh", lr=0.1)
    gentle.run(30)
    wild = Playground("moons", hidden=[16, 16], activation="tanh", lr=10.0)
    done = wild.run(30)
    assert not gentle.diverged and gentle.epochs == 30
    assert wild.diverged and done < 30 and wild.epochs == done
    assert wild.loss_value > 10 * wild.history.loss[0]  # the documented rule
    assert "grew from" in wild.message and "lr=10 is probably too large" in wild.message
    assert np.isfinite(wild.net.theta).all()


# ---------------------------------------------------------------- interrupts leave nothing half-done
def snapshot(pg):
    return (pg.net.theta.copy(), pg.epochs, pg.updates, pg.loss_value, pg.history.as_dict(), len(pg.grad_norm_history))


def assert_same(pg, before):
    theta, epochs, updates, loss, history, n_norms = before
    np.testing.assert_array_equal(pg.net.theta, theta)
    assert (pg.epochs, pg.updates, pg.loss_value, pg.history.as_dict(), len(pg.grad_norm_history)) == (
        epochs, updates, loss, history, n_norms)  # fmt: skip
    assert pg.loss_value == pytest.approx(pg.net.loss(pg.X, pg.Y, pg.loss), rel=1e-12)  # the loss shown is the weights'


def test_an_interrupt_mid_epoch_leaves_weights_counters_and_loss_in_agreement(monkeypatch):
    pg = small(n=200, test_fraction=0.2)
    pg.epoch()
    before = snapshot(pg)
    real_step, calls = pg.net._step, []

    def step_then_interrupt(*args, **kwargs):  # the 4th update of the epoch is interrupted (Ctrl-C)
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real_step(*args, **kwargs)

    monkeypatch.setattr(pg.net, "_step", step_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        pg.epoch()
    assert len(calls) == 4  # three updates had changed the weights before the interrupt
    assert_same(pg, before)
    monkeypatch.undo()
    pg.epoch()  # and it trains on as if nothing had happened
    assert pg.epochs == 2


def test_an_interrupt_in_a_step_or_its_record_is_undone(monkeypatch):
    pg = small()
    pg.step()
    before = snapshot(pg)
    real_apply = pg.net.apply

    def apply_then_interrupt(*args, **kwargs):
        real_apply(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(pg.net, "apply", apply_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        pg.step()
    assert_same(pg, before)
    monkeypatch.undo()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(pg), "gradient_norms", interrupted)  # after the update and the counters
    with pytest.raises(KeyboardInterrupt):
        pg.step()
    with pytest.raises(KeyboardInterrupt):
        pg.epoch()
    monkeypatch.undo()
    assert_same(pg, before)


def test_an_interrupt_while_rebuilding_keeps_the_old_network(monkeypatch):
    pg = small(hidden=[3])
    pg.epoch()
    before, net, settings = snapshot(pg), pg.net, pg.settings

    def interrupted(self, step_loss):
        raise KeyboardInterrupt

    monkeypatch.setattr(Playground, "_record", interrupted)  # the new network is built, its first record is not
    with pytest.raises(KeyboardInterrupt):
        pg.configure(hidden=[5, 5], lr=0.3)
    monkeypatch.undo()
    assert pg.net is net and pg.settings == settings
    assert_same(pg, before)
