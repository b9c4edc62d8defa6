import numpy as np
import pytest

import bplab
from bplab.gradcheck import relative_error


def test_relative_error_is_cs231n_definition():
    np.testing.assert_allclose(relative_error([1.0, 0.0, -2.0], [1.1, 0.0, 2.0]), [0.1 / 1.1, 0.0, 2.0])


def test_correct_backprop_passes_at_1e_minus_7():
    net = bplab.Network([3, 5, 4], activations=["tanh", "softmax"], seed=0)
    X = np.random.default_rng(0).normal(size=(4, 3))
    report = bplab.gradcheck(net, X, [0, 1, 3, 2], loss="cross_entropy")
    assert report.passed and report.max_rel_error < 1e-7
    assert [(r.layer, r.param) for r in report.rows] == [(1, "W"), (1, "b"), (2, "W"), (2, "b")]
    assert report[2, "b"].numeric.shape == (4,)
    assert "layer" in repr(report) and "<table>" in report._repr_html_()


def test_a_wrong_backward_pass_fails(monkeypatch):
    net = bplab.Network([3, 4, 2], seed=1)
    x, y = np.array([0.2, -0.5, 1.0]), np.array([0.1, 0.9])
    original = net.backprop

    def wrong(*args):
        delta, dW, db = original(*args)
        dW[1] *= 1.01  # one layer's gradient off by 1%
        return delta, dW, db

    monkeypatch.setattr(net, "backprop", wrong)
    report = bplab.gradcheck(net, x, y)
    assert not report.passed
    assert not report[1, "W"].passed and report[2, "W"].passed
    assert report[1, "W"].rel_error == pytest.approx(0.01 / 1.01, rel=1e-4)
    with pytest.raises(AssertionError, match=r"W\^1"):
        report.raise_if_failed()


def test_weight_decay_gradient_is_checked_too():
    net = bplab.Network([2, 3, 1], seed=2)
    report = bplab.gradcheck(net, [0.5, 0.1], [1.0], weight_decay=0.3)
    assert report.passed
