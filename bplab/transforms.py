"""Network transformations: the same function written another way.

Bias as a constant-1 input (seed 000)
-------------------------------------
Seed 000 derives backpropagation without biases, "because a bias can be removed by
giving every layer an input that is always 1" (偏置项可以通过给每层加入一个恒为1的输入来消除掉).
For one layer that is just

    z^l = W^l a^{l-1} + b^l = [W^l | b^l] [a^{l-1}; 1].

For a whole network every layer needs that extra 1, so the hidden layers must pass it
on. :func:`bias_as_constant_input` builds the bias-free network (``biases=None``) that
does it with bplab's per-neuron activations: each hidden layer gets one extra neuron
whose weight row is (0, ..., 0, 1) and whose activation is the identity, so its output
is 1 * 1 = 1 for every sample. The output layer gets no extra neuron.

Layout of the bias-free network (n_l neurons in layer l of the original):

    input          [x, 1]                                   n_0 + 1 values
    W^l, l < L     [[W^l, b^l], [0 ... 0, 1]]               shape (n_l + 1, n_{l-1} + 1)
    W^L            [W^L, b^L]                               shape (n_L, n_{L-1} + 1)

Its z^l and a^l are the original's with a trailing 1 appended (l < L), its output is
the original's output, and its error terms delta^l (first n_l entries) and gradients
(first n_l rows) are the original's: dC/d[W^l | b^l] = [dC/dW^l | dC/db^l]. The row of
the constant neuron is bookkeeping, not a parameter: its gradient is in general not 0,
so training the bias-free network as a whole would move it. Keep it fixed (or
train the original network) when you train.
"""

from __future__ import annotations

import numpy as np

from .errors import as_float_array
from .network import Network, check_network


def add_constant_input(x):
    """``x`` with a trailing constant 1: one sample (n,) -> (n + 1,), a batch (m, n) -> (m, n + 1)."""
    x = as_float_array(x, "x", ndim=(1, 2))
    ones = np.ones(x.shape[:-1] + (1,), dtype=x.dtype)
    return np.concatenate([x, ones], axis=-1)


def bias_as_constant_input(net):
    """The bias-free :class:`~bplab.Network` that computes what ``net`` computes, fed ``add_constant_input(x)``.

    See the module docstring for the layout. ``net`` must have biases, and its hidden
    layers must be element-wise (softmax couples its neurons, so it cannot take an
    extra pass-through neuron); a softmax OUTPUT layer is fine.
    """
    check_network(net)
    if not net.bias:
        raise ValueError("net has no biases (it was built with biases=None), so there is nothing to turn into a constant input.")
    L = net.L
    weights, activations = [], []
    for l in range(1, L + 1):
        W = np.asarray(net.weights[l])
        b = np.asarray(net.biases[l])
        Wb = np.hstack([W, b[:, None]])  # [W^l | b^l]
        act = net.layer_activation(l)
        if l < L:
            if act.is_softmax:
                raise ValueError(
                    f"layer {l} of net is a softmax hidden layer; softmax couples all its neurons, so it cannot"
                    " carry an extra pass-through neuron for the constant 1. Use an element-wise activation there."
                )
            keep = np.zeros((1, Wb.shape[1]), dtype=Wb.dtype)
            keep[0, -1] = 1.0  # the constant neuron: z = 1 * (the previous layer's constant 1)
            Wb = np.vstack([Wb, keep])
            activations.append(list(act.names) + ["identity"])
        else:
            activations.append(act.spec)
        weights.append(Wb)
    return Network.from_weights(weights, biases=None, activations=activations, dtype=net.dtype.name)
