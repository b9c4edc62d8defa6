"""Each loss's output error term delta^L against central differences of the loss in z^L."""

import numpy as np
import pytest

from bplab.activations import LayerActivation
from bplab.losses import LOSSES

CASES = [
    ("half_sse", "sigmoid"),
    ("half_sse", "tanh"),
    ("half_sse", "softmax"),
    ("half_sse", "identity"),
    ("cross_entropy", "softmax"),
    ("binary_cross_entropy", "sigmoid"),
]


def _targets(loss, rng):
    if loss == "cross_entropy":
        return np.eye(3)[[2, 0]]
    if loss == "binary_cross_entropy":
        return np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    return rng.normal(size=(2, 3))


@pytest.mark.parametrize("loss,act_name", CASES)
def test_output_delta_is_the_derivative_of_the_loss_in_z(loss, act_name):
    rng = np.random.default_rng(3)
    act = LayerActivation(act_name, 3, layer=2)
    lossf = LOSSES[loss]
    assert lossf.check(act) is None
    z = rng.normal(size=(2, 3))
    y = _targets(loss, rng)
    delta = lossf.output_delta(z, act.f(z), y, act)
    h = 1e-6
    numeric = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[i] += h
        zm[i] -= h
        numeric[i] = (lossf.value(zp, act.f(zp), y)[i[0]] - lossf.value(zm, act.f(zm), y)[i[0]]) / (2 * h)
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-9)


def test_half_sse_is_half_the_squared_error():
    act = LayerActivation("identity", 2, layer=1)
    z = np.array([[1.0, 2.0]])
    assert LOSSES["half_sse"].value(z, z, np.array([[0.0, 4.0]]))[0] == pytest.approx(0.5 * (1 + 4))


def test_shortcut_losses_refuse_output_layers_where_delta_is_not_a_minus_y():
    assert "softmax" in LOSSES["cross_entropy"].check(LayerActivation("sigmoid", 3, 2))
    assert "sigmoid" in LOSSES["binary_cross_entropy"].check(LayerActivation("softmax", 3, 2))
    assert LOSSES["binary_cross_entropy"].check(LayerActivation(["sigmoid", "tanh"], 2, 2))


@pytest.mark.parametrize("loss,act_name", [("cross_entropy", "softmax"), ("binary_cross_entropy", "sigmoid")])
def test_losses_are_finite_at_probabilities_zero_and_one(loss, act_name, recwarn):
    act = LayerActivation(act_name, 2, layer=1)
    z = np.array([[1e4, -1e4], [-1e4, 1e4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])  # confidently wrong: the loss is huge but finite
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = LOSSES[loss].value(z, act.f(z), y)
    assert np.isfinite(values).all() and (values > 1e3).all()
    assert not recwarn.list
