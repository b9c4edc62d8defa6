"""The slips many exercises recognise, said once, and what their hints share."""

from __future__ import annotations

import bplab

FORGOT_FPRIME = "You still need the factor f'(z), element by element (for the sigmoid, f'(z) = a (1 - a))."
FPRIME_TWICE = "f' is applied twice: the delta you start from already contains its own f'; multiply by f'(z^l) of THIS layer once."
TRANSPOSED = "That is the transpose of the answer: check which index is the row (the neuron of layer l) and which the column."
MISSING_1_OVER_M = "That is a sum over the samples; divide by their number to get the mean."
WRONG_STEP_SIGN = "Gradient descent steps AGAINST the gradient: new = old - (learning rate) x (gradient)."


def sigmoid_slope(a):
    """f'(z) of the sigmoid from its output a = f(z), as bplab's activation table computes it."""
    return bplab.activations.ELEMENTWISE["sigmoid"].df(None, a)
