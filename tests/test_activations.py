"""Each activation's derivative against central differences of its own value, and its sympy form."""

import numpy as np
import pytest

from bplab.activations import ACTIVATION_NAMES, ELEMENTWISE, LayerActivation, log_softmax, softmax

Z = np.array([[-3.0, -0.7, -0.1, 0.2, 0.9, 4.0]])  # away from relu's kink at 0


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_derivative_matches_central_differences(name):
    act = ELEMENTWISE[name]
    h = 1e-6
    numeric = (act.f(Z + h) - act.f(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.df(Z, act.f(Z)), numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_sympy_form_equals_numpy_value(name):
    import sympy as sp

    act = ELEMENTWISE[name]
    z = sp.Symbol("z", real=True)
    fn = sp.lambdify(z, act.sym(z), "math")
    assert [float(fn(v)) for v in Z[0]] == pytest.approx(list(act.f(Z)[0]), rel=1e-14, abs=1e-15)


def test_softmax_backprop_is_the_jacobian_transpose_product():
    z = np.array([[0.3, -1.2, 2.0, 0.5]])
    a = softmax(z)
    jac = np.diag(a[0]) - np.outer(a[0], a[0])  # da_i/dz_j
    g = np.array([[0.1, -0.4, 0.25, 1.0]])
    layer = LayerActivation("softmax", 4, layer=1)
    np.testing.assert_allclose(layer.backprop(g, z, a), g @ jac, rtol=1e-13)


def test_per_neuron_activations_apply_each_function_to_its_own_neuron():
    names = ["sigmoid", "tanh", "relu", "identity", "leaky_relu"]
    layer = LayerActivation(names, 5, layer=1)
    z = np.array([[0.5, -0.5, -2.0, 3.0, -1.0], [1.5, 0.25, 2.0, -3.0, 4.0]])
    a = layer.f(z)
    for j, name in enumerate(names):
        np.testing.assert_array_equal(a[:, j], ELEMENTWISE[name].f(z[:, j]))
        np.testing.assert_array_equal(layer.df(z, a)[:, j], ELEMENTWISE[name].df(z[:, j], a[:, j]))
    assert layer.spec == names


@pytest.mark.parametrize("name", ACTIVATION_NAMES)
def test_no_overflow_or_warning_for_large_inputs(name, recwarn):
    z = np.array([[-1e4, -700.0, 0.0, 700.0, 1e4]])
    layer = LayerActivation(name, 5, layer=1)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = layer.f(z)
        layer.backprop(np.ones_like(z), z, a)
    assert np.isfinite(a).all()
    assert not recwarn.list


def test_log_softmax_is_finite_where_softmax_underflows():
    z = np.array([[0.0, 1e4, -1e4]])
    assert softmax(z)[0, 2] == 0.0
    lsm = log_softmax(z)
    assert np.isfinite(lsm).all() and lsm[0, 2] == pytest.approx(-2e4)


def test_sigmoid_saturates_to_exact_limits():
    s = ELEMENTWISE["sigmoid"].f(np.array([-1e4, 1e4]))
    assert s[0] == 0.0 and s[1] == 1.0
