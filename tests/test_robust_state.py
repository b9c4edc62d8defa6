"""Issue 14, state that must not come apart: a network's parameters have one home, net.theta.

Each case asserts the error's type and that its message names the argument, the rule and the value.
"""

import copy
import pickle
import re

import numpy as np
import pytest

import bplab
from bplab import Network


def says(*parts):
    """A regex matching a message that contains every one of ``parts`` literally."""
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in parts)


def net231():
    return Network([2, 3, 1], seed=0)


X = np.array([[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8]])
Y = np.array([[0.2], [0.9], [0.4]])


def test_assigning_theta_copies_into_the_one_home():
    net = net231()
    home, W1 = net.theta, net.weights[1]
    values = np.linspace(-1, 1, net.theta.size)
    net.theta = values
    assert net.theta is home and net.weights[1] is W1  # the same arrays, new values
    np.testing.assert_array_equal(net.weights[1], values[:6].reshape(3, 2))
    twin = Network.from_weights([values[:6].reshape(3, 2), values[9:12].reshape(1, 3)],
                                [values[6:9], values[12:]])
    np.testing.assert_array_equal(net.predict(X), twin.predict(X))  # forward sees the new values
    h = bplab.train(net, X, Y, mode="batch", lr=0.1, epochs=1, progress=False)
    assert h.step_loss[0] == pytest.approx(twin.loss(X, Y), rel=1e-14)  # and training starts from them


def test_theta_of_the_wrong_shape_is_refused():
    net = net231()
    before = net.theta.copy()
    with pytest.raises(ValueError, match=says("theta", "13 parameters", "must have shape (13,)", "got shape (12,)")):
        net.theta = np.zeros(12)
    np.testing.assert_array_equal(net.theta, before)


def test_theta_that_is_not_finite_is_refused():
    net = net231()
    bad = np.zeros(13)
    bad[4] = np.inf
    with pytest.raises(ValueError, match=says("theta", "must be finite", "inf at index 4")):
        net.theta = bad
    assert np.isfinite(net.theta).all()


@pytest.mark.parametrize("name", ["W", "b", "weights", "biases"])
def test_the_views_of_the_parameters_cannot_be_replaced(name):
    net = net231()
    with pytest.raises(AttributeError, match=says(f"net.{name} can't be replaced", "net.theta", "net.weights[l] =")):
        setattr(net, name, [np.zeros((3, 2)), np.zeros((1, 3))])


def test_one_layer_cannot_be_swapped_out_of_theta():
    net = net231()
    with pytest.raises(TypeError):
        net.W[1] = np.zeros((3, 2))  # a tuple: the array in theta stays the one the network uses


def test_a_nan_written_through_a_view_is_named_by_forward():
    net = net231()
    net.weights[2][0, 1] = np.nan
    with pytest.raises(ValueError, match=says("net's parameters", "must be finite", "weights[2][0, 1]", "W^2", "nan")):
        net.forward(X)
    net.weights[2][0, 1] = 0.5
    net.biases[1][2] = -np.inf
    with pytest.raises(ValueError, match=says("must be finite", "biases[1][2]", "b^1", "-inf")):
        net.predict(X)


def test_a_nan_written_through_a_view_is_refused_by_train_and_gradcheck():
    net = net231()
    net.W[1][1, 0] = np.nan
    with pytest.raises(ValueError, match=says("net's parameters", "finite", "weights[1][1, 0]", "nan")):
        bplab.train(net, X, Y, progress=False, batch_size=3)
    with pytest.raises(ValueError, match=says("weights[1][1, 0]", "nan")):
        bplab.gradcheck(net, X, Y)


def test_save_refuses_parameters_that_are_not_finite(tmp_path):
    net = net231()
    net.weights[1][0, 0] = np.nan
    with pytest.raises(ValueError, match=says("parameters", "must be finite", "weights[1][0, 0]", "nan")):
        net.save(tmp_path / "net.npz")
    assert list(tmp_path.iterdir()) == []


def test_load_refuses_a_file_whose_parameters_are_not_finite(tmp_path):
    path = net231().save(tmp_path / "net.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["theta"] = arrays["theta"].copy()
    arrays["theta"][7] = np.nan
    arrays["checksum"] = np.array(bplab.io.checksum(str(arrays["meta"]), arrays["theta"]))  # a deliberate edit
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=says(str(path), "parameters that are not finite", "nan at index 7")):
        Network.load(path)


def test_training_and_saving_never_part_ways(tmp_path):
    net = net231()
    net.theta = np.full(13, 0.1)
    bplab.train(net, X, Y, mode="sample", lr=0.1, epochs=2, progress=False, seed=0)
    loaded = Network.load(net.save(tmp_path / "net"))
    np.testing.assert_array_equal(loaded.theta, net.theta)
    np.testing.assert_array_equal(loaded.predict(X), net.predict(X))


@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda net: pickle.loads(pickle.dumps(net)), Network.copy],
                         ids=["deepcopy", "pickle", "copy"])
def test_a_copy_has_its_own_single_home(duplicate):
    net = net231()
    twin = duplicate(net)
    twin.theta[0] = 42.0
    assert twin.weights[1][0, 0] == twin.W[1][0, 0] == 42.0  # the copy's views follow its theta
    assert net.theta[0] != 42.0  # and the original is untouched
    np.testing.assert_array_equal(twin.theta[1:], net.theta[1:])
