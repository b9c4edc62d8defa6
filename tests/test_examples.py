"""Seed 004's worked example against the article's printed numbers.

The article's printed values (bplab.examples.PRINTED) are the oracle here. Where the article
is self-consistent, bplab must equal them to 1e-12; where it is not (z5 uses w(2,5) = 3 although
its matrix says 2), the "as_printed" variant must reproduce them and the matrix variant must not.
"""

import math

import numpy as np
import pytest

import bplab
from bplab.examples import NEURONS, PRINTED


def _value(trace, kind, neuron):
    l, j = NEURONS[neuron]
    return (trace.z if kind == "z" else trace.a)[l][j]


@pytest.mark.parametrize("neuron", ["1", "2", "3", "4"])
@pytest.mark.parametrize("kind", ["z", "f"])
def test_consistent_printed_forward_values_match_the_matrix_network(kind, neuron):
    net, x, _ = bplab.worked_example()
    assert abs(_value(net.forward(x), kind, neuron) - PRINTED[kind + neuron]) < 1e-12


@pytest.mark.parametrize("neuron", list(NEURONS))
@pytest.mark.parametrize("kind", ["z", "f"])
def test_every_printed_forward_value_matches_the_as_printed_variant(kind, neuron):
    net, x, _ = bplab.worked_example("as_printed")
    assert abs(_value(net.forward(x), kind, neuron) - PRINTED[kind + neuron]) < 1e-12


def test_printed_z5_is_inconsistent_with_the_printed_matrix():
    net, x, _ = bplab.worked_example()
    t = net.forward(x)
    f1, f2, f3 = (1 / (1 + math.exp(-v)) for v in (5.0, 9.0, 10.0))
    assert t.z[2][1] == pytest.approx(3 * f1 + 2 * f2 + 2 * f3 + 1, abs=1e-14)  # the matrix's row [3, 2, 2], b = 1
    assert PRINTED["z5"] == pytest.approx(3 * f1 + 3 * f2 + 2 * f3 + 1, abs=1e-14)  # what the article computed
    assert abs(t.z[2][1] - PRINTED["z5"]) > 0.99


def test_printed_error_terms_match_the_as_printed_variant_to_their_printed_digits():
    net, x, y = bplab.worked_example("as_printed")
    g = net.gradients(x, y)
    # the article prints 15 decimals
    assert g.delta[3][0] == pytest.approx(PRINTED["delta3"], abs=1e-15)
    np.testing.assert_allclose(g.delta[2], PRINTED["delta2"], rtol=0, atol=1e-15)
    # delta1: components 1 and 3 match; component 2 does not (the article mixes the two networks)
    assert g.delta[1][0] == pytest.approx(PRINTED["delta1"][0], abs=1e-15)
    assert g.delta[1][2] == pytest.approx(PRINTED["delta1"][2], abs=1e-15)
    assert abs(g.delta[1][1] - PRINTED["delta1"][1]) > 2e-13


def test_printed_delta1_is_the_as_printed_delta2_pushed_back_through_the_matrix_weights():
    matrix_net, x, y = bplab.worked_example()
    printed_net, _, _ = bplab.worked_example("as_printed")
    t, g = printed_net.forward(x), printed_net.gradients(x, y)
    fprime = t.a[1] * (1 - t.a[1])
    mixed = (matrix_net.weights[2].T @ g.delta[2]) * fprime
    np.testing.assert_allclose(mixed, PRINTED["delta1"], rtol=0, atol=1e-15)


def test_the_first_layer_gradient_vanishes():
    net, x, y = bplab.worked_example()
    g = net.gradients(x, y)
    norms = [np.linalg.norm(g.dW[l]) for l in (1, 2, 3)]
    assert norms[0] < 1e-9 < norms[2] and norms[0] < norms[1] < norms[2]


def test_variant_names_are_checked():
    with pytest.raises(ValueError, match="valid names are 'matrix', 'as_printed'"):
        bplab.worked_example("printed")
