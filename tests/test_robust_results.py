"""Issue 14, results that must not be silently wrong: each case raises (or answers None) with a
message naming the argument, the rule and the value received.

Cases owned by other modules' files (divergence, gradcheck's step and kinks, symbolic limits,
check's answers, widget entries) are tested beside those modules.
"""

import re

import numpy as np
import pytest

import bplab
from bplab import Network
from bplab.datasets import minmax_scale


def says(*parts):
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in parts)


def softmax_net():
    return Network([2, 3], activations="softmax", seed=0)


def sigmoid_net():
    return Network([2, 2], activations="sigmoid", seed=0)


X1 = [[0.5, -1.0]]

CASES = [
    # cross-entropy targets are probability distributions: each entry in [0, 1], each row summing to 1
    ("ce-negative-entry-sums-to-1", lambda: softmax_net().loss(X1, [[1.5, -0.5, 0.0]], loss="cross_entropy"),
     ["Y", "'cross_entropy'", "probabilities in [0, 1]", "-0.5"]),
    ("ce-row-not-summing-to-1", lambda: softmax_net().loss(X1, [[0.5, 0.6, 0.0]], loss="cross_entropy"),
     ["Y", "'cross_entropy'", "summing to 1", "1.1"]),
    ("ce-gradients-too", lambda: softmax_net().gradients([0.5, -1.0], [2.0, -1.0, 0.0], loss="cross_entropy"),
     ["y", "'cross_entropy'", "[0, 1]", "2"]),
    ("ce-train-too", lambda: bplab.train(softmax_net(), X1, [[2.0, -1.0, 0.0]], loss="cross_entropy", progress=False),
     ["Y", "'cross_entropy'", "[0, 1]", "2"]),
    # binary targets in [0, 1]
    ("bce-above-1", lambda: sigmoid_net().loss(X1, [[1.5, 0.0]], loss="binary_cross_entropy"),
     ["Y", "'binary_cross_entropy'", "[0, 1]", "1.5"]),
    ("bce-below-0", lambda: sigmoid_net().gradients([0.5, -1.0], [0.0, -0.25], loss="binary_cross_entropy"),
     ["y", "'binary_cross_entropy'", "[0, 1]", "-0.25"]),
    # a half_sse target so large that its squared error overflows to inf
    ("half-sse-target-overflows", lambda: sigmoid_net().loss(X1, [[1e300, 0.0]]),
     ["Y", "'half_sse'", "at most", "squared error", "1e+300"]),
    # scaling bounds of the wrong length would broadcast silently
    ("minmax-low-wrong-length", lambda: minmax_scale(np.ones((4, 3)), low=[0.0, 0.0]),
     ["low", "one value per column", "3 columns", "got 2"]),
    ("minmax-high-wrong-length", lambda: minmax_scale(np.ones((4, 2)), high=[1.0, 1.0, 1.0]),
     ["high", "one value per column", "2 columns", "got 3"]),
]


@pytest.mark.parametrize("call, parts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_wrong_input_is_refused_not_computed(call, parts):
    with pytest.raises(ValueError, match=says(*parts)):
        call()


def test_valid_targets_still_accepted():
    soft = softmax_net()
    assert np.isfinite(soft.loss(X1, [[0.2, 0.3, 0.5]], loss="cross_entropy"))
    assert np.isfinite(sigmoid_net().loss(X1, [[0.0, 0.7]], loss="binary_cross_entropy"))
    assert np.isfinite(sigmoid_net().loss(X1, [[3.0, -2.0]], loss="half_sse"))  # half_sse takes any real target
    assert minmax_scale(np.ones((4, 2)), low=0.0)[0].shape == (4, 2)  # one number for every column
    assert len(bplab.datasets.make_spiral(20, noise=-0.0)) == 3  # -0.0 is zero noise (numpy's sampler refuses -0.0)


@pytest.mark.parametrize("Y", [
    [[1.0, 1.0, 0.0], [0.0, 1.0, 0.0]],  # a row with two classes
    [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]],  # a row with no class
    [[0.2, 0.3, 0.5], [0.0, 1.0, 0.0]],  # probabilities, not classes
])
def test_accuracy_is_none_unless_each_row_is_one_class(Y):
    net = Network([2, 3], activations="softmax", seed=0)
    assert bplab.accuracy(net, [[0.1, 0.2], [0.3, 0.4]], Y) is None


def test_accuracy_of_one_hot_rows_is_a_share():
    net = Network([2, 3], activations="softmax", seed=0)
    X = np.array([[0.1, 0.2], [0.3, 0.4]])
    predicted = net.predict(X).argmax(axis=1)
    Y = np.eye(3)[predicted]
    assert bplab.accuracy(net, X, Y) == 1.0
    Y[0] = np.eye(3)[(predicted[0] + 1) % 3]
    assert bplab.accuracy(net, X, Y) == 0.5
