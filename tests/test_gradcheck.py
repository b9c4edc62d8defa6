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


# ------------------------------------------------ the rounding floor and relu kinks (issue 14)


def test_a_step_below_the_rounding_floor_is_refused():
    net = bplab.Network([2, 3, 1], seed=2)
    floor = 2.220446049250313e-16 * max(1.0, float(np.abs(net.theta).max())) / 1e-7
    with pytest.raises(ValueError) as info:
        bplab.gradcheck(net, [0.5, 0.1], [1.0], h=1e-12)
    message = str(info.value)
    assert message.startswith("h (finite-difference step) must be at least the rounding floor")  # the argument
    assert "eps * max(1, largest |parameter|) / tol" in message  # the rule
    assert f"= {floor:.1e}" in message and "got h = 1e-12" in message  # its value and the value received
    # just above the floor is accepted; the floor follows tol and the size of the parameters
    assert bplab.gradcheck(net, [0.5, 0.1], [1.0], h=floor * 1.01, tol=1e-7, atol=1e-6) is not None
    with pytest.raises(ValueError, match="rounding floor"):
        bplab.gradcheck(net, [0.5, 0.1], [1.0], h=1e-8, tol=1e-9)
    big = bplab.Network.from_weights([np.full((3, 2), 1e4), np.ones((1, 3))], [np.zeros(3), np.zeros(1)])
    with pytest.raises(ValueError, match=r"\* 1e\+04 /"):
        bplab.gradcheck(big, [0.5, 0.1], [1.0], h=1e-6)


def test_below_the_floor_a_right_gradient_would_have_failed():
    """Why the floor: with h under it the central difference of a right backprop misses tol."""
    from bplab.gradcheck import numeric_gradient, relative_error

    net = bplab.Network([2, 3, 1], seed=2)
    x, y = [0.5, 0.1], [1.0]
    grads = net.gradients(x, y).flat
    assert relative_error(grads, numeric_gradient(net, x, y, h=1e-12)).max() > 1e-7
    assert relative_error(grads, numeric_gradient(net, x, y, h=1e-5)).max() < 1e-7


def kinked_net():
    """A relu network whose first hidden neuron has z = 1*1 - 1*1 + 0 = 0 exactly: on its kink."""
    net = bplab.Network.from_weights([[[1.0, -1.0], [0.5, 0.25]], [[1.0, 2.0]]], [[0.0, 0.0], [0.5]],
                                     activations=["relu", "identity"])
    return net, np.array([1.0, 1.0]), np.array([0.0])


def test_entries_at_a_relu_kink_are_flagged_not_failed():
    net, x, y = kinked_net()
    assert net.forward(x).z[1][0] == 0.0
    report = bplab.gradcheck(net, x, y)
    assert report.passed  # backprop is right; only the central differences straddle the kink
    assert report[1, "W"].at_kink.tolist() == [[True, True], [False, False]]
    assert report[1, "b"].at_kink.tolist() == [True, False]
    assert report[2, "W"].kinked == 0
    assert "3 entries not judged" in repr(report) and "kink" in report._repr_html_()
    # the flagged central differences really do average the two slopes (0 and 2): 1, not backprop's 0
    assert report[1, "W"].numeric[0, 0] == pytest.approx(1.0, rel=1e-4) and report[1, "W"].backprop[0, 0] == 0.0


def test_a_wrong_gradient_next_to_a_kink_still_fails(monkeypatch):
    from bplab.variants import check_backward

    net, x, y = kinked_net()

    def wrong(n, x, y, loss):
        grads = n.gradients(x, y, loss)
        grads.flat[3] *= 1.01  # w^1_2,2, not at the kink
        return grads

    report = check_backward(wrong, net, x, y)
    assert not report.passed and not report[1, "W"].passed and report[1, "W"].kinked == 2


def test_no_kink_no_flag():
    from bplab.gradcheck import kink_crossings

    net = bplab.Network([3, 4, 2], activations=["relu", "sigmoid"], seed=1)
    x = np.array([0.3, -0.7, 1.1])
    assert np.abs(net.forward(x).z[1]).min() > 1e-3
    assert not kink_crossings(net, x, 1e-5).any()
    assert not kink_crossings(bplab.Network([3, 4, 2], seed=1), x, 1e-5).any()  # sigmoid: no kinks at all
    # a step big enough to reach the kink is flagged: the rule follows h
    assert kink_crossings(net, x, 10.0).any()
