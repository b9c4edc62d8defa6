"""Seed 004's from-scratch BP network (part 2, 下篇) in plain Python: lists of floats and math.exp.

Nothing here uses numpy inside the loops. It is the same algorithm as ``bplab.train(mode="sample")``
with sigmoid neurons and the half squared error, written one neuron and one weight at a time,
the way seed 004 writes it, so that a learner can put the two side by side and see them agree.

Data layout (plain nested lists):

* ``W[i]`` is the weight matrix of layer ``i + 1`` as a list of rows, one row per neuron:
  ``W[i][j][k]`` is the weight from neuron k of layer i to neuron j of layer i + 1
  (the math's W^{i+1}, shape n_{i+1} x n_i, as in ``net.weights[i + 1]``);
* ``b[i][j]`` is the bias of neuron j of layer ``i + 1``;
* ``X`` is a list of samples, each a list of n_0 floats; ``Y`` a list of target lists (one-hot rows).

Signs. Seed 004 writes the output error as ``error = target - output`` and then *adds*
``lr * delta * input`` to each weight. bplab (seed 001's convention) uses
``delta = dC/dz = (output - target) * f'(z)`` and *subtracts* ``lr * delta * input``.
The two deltas differ only in sign, so the updates are identical: this module keeps the
seed's sign, and the tests check that both give the same weights.

Sample order. ``plain_sgd_epoch`` visits the samples in the ``order`` you give. To compare with
``bplab.train(mode="sample")``, either pass ``shuffle=False`` to bplab and ``order=range(m)`` here
(after shuffling the data once, as seed 004 does when loading it), or pass bplab's own order:
with ``shuffle=True, seed=s``, bplab.train visits epoch e's samples in the e-th permutation drawn
from ``np.random.default_rng(s)`` (see :func:`bplab_orders`).
"""

from __future__ import annotations

import math
import random

from .errors import show


# ------------------------------------------------------------------ one neuron
def sigmoid(z):
    """The logistic function f(z) = 1 / (1 + e^-z), as seed 004 writes it."""
    if z < -700.0:  # math.exp(-z) would overflow; here 1/(1+e^-z) equals e^z to double precision
        return math.exp(z)
    return 1.0 / (1.0 + math.exp(-z))


def sigmoid_derivative(output):
    """f'(z) written with the neuron's output a = f(z): a (1 - a)."""
    return output * (1.0 - output)


def weighted_input(weights, bias, inputs):
    """z = sum_k w_k x_k + b for one neuron (seed 004's ``fun_z``)."""
    z = 0.0
    for k in range(len(weights)):
        z += weights[k] * inputs[k]
    z += bias
    return z


# ------------------------------------------------------------------ the network
def forward_propagate(W, b, x):
    """Forward propagation (前向传播) of one sample.

    Returns ``outputs`` with ``outputs[0] = x`` and ``outputs[i + 1]`` the outputs of layer i + 1.
    """
    outputs = [list(x)]
    for i in range(len(W)):  # every layer
        inputs = outputs[-1]
        layer_out = []
        for j in range(len(W[i])):  # every neuron of the layer
            z = weighted_input(W[i][j], b[i][j], inputs)
            layer_out.append(sigmoid(z))
        outputs.append(layer_out)
    return outputs


def backward_propagate_error(W, outputs, target):
    """The error terms (误差项) of every layer, from the output layer back to the first.

    ``deltas[i][j]`` belongs to neuron j of layer i + 1. With the seed's sign:
    output layer  delta_j = (target_j - output_j) * f'(z_j);
    hidden layer  delta_j = (sum_k W[i+1][k][j] * delta_k of the next layer) * f'(z_j).
    The hidden errors use the next layer's weights *before* any update.
    """
    L = len(W)
    deltas = [None] * L
    for i in reversed(range(L)):
        layer_out = outputs[i + 1]
        errors = []
        if i == L - 1:  # output layer
            for j in range(len(layer_out)):
                errors.append(target[j] - layer_out[j])
        else:  # hidden layer: the error sent back by every neuron k of the next layer
            for j in range(len(layer_out)):
                error = 0.0
                for k in range(len(W[i + 1])):
                    error += W[i + 1][k][j] * deltas[i + 1][k]
                errors.append(error)
        deltas[i] = [errors[j] * sigmoid_derivative(layer_out[j]) for j in range(len(layer_out))]
    return deltas


def update_parameters(W, b, outputs, deltas, lr):
    """w += lr * delta * input and b += lr * delta for every neuron (in place; the seed's sign)."""
    for i in range(len(W)):
        inputs = outputs[i]  # the outputs of the previous layer (the sample itself for layer 1)
        for j in range(len(W[i])):
            for k in range(len(inputs)):
                W[i][j][k] += lr * deltas[i][j] * inputs[k]
            b[i][j] += lr * deltas[i][j]


def half_squared_error(output, target):
    """C = 1/2 sum_j (target_j - output_j)^2 for one sample."""
    return 0.5 * sum((t - o) ** 2 for t, o in zip(target, output))


def plain_sgd_epoch(W, b, X, Y, lr, order):
    """One epoch of standard BP (标准BP): a forward pass, a backward pass and an update per sample.

    Visits ``X[n], Y[n]`` for n in ``order``; updates ``W`` and ``b`` in place. Returns each
    sample's loss before its update (like ``History.step_loss`` in bplab's sample mode).
    """
    losses = []
    for n in order:
        outputs = forward_propagate(W, b, X[n])
        losses.append(half_squared_error(outputs[-1], Y[n]))
        deltas = backward_propagate_error(W, outputs, Y[n])
        update_parameters(W, b, outputs, deltas, lr)
    return losses


def predict(W, b, x):
    """The predicted class of one sample: the index of the largest output."""
    out = forward_propagate(W, b, x)[-1]
    return out.index(max(out))


def accuracy(W, b, X, labels):
    """Share of samples whose predicted class equals the label (a fraction, like bplab.accuracy)."""
    correct = 0
    for x, label in zip(X, labels):
        if predict(W, b, x) == label:
            correct += 1
    return correct / len(labels)


def one_hot(label, n_classes):
    """[0, ..., 1, ..., 0] with the 1 at ``label`` (the seed's ``actual_label``)."""
    row = [0.0] * n_classes
    row[label] = 1.0
    return row


def plain_train(W, b, X, labels, lr, epochs, validation=None):
    """Seed 004's ``train`` loop: ``epochs`` passes over the samples in their given order.

    ``labels`` are class numbers; the targets are their one-hot rows. ``validation`` is an
    optional pair (X_val, labels_val); the returned list holds its accuracy after every epoch
    (empty without validation). ``W`` and ``b`` are updated in place.
    """
    n_classes = len(W[-1])
    Y = [one_hot(label, n_classes) for label in labels]
    val_acc = []
    for _ in range(epochs):
        plain_sgd_epoch(W, b, X, Y, lr, range(len(X)))
        if validation is not None:
            val_acc.append(accuracy(W, b, validation[0], validation[1]))
    return val_acc


def initialize_like_seed(sizes, seed=None):
    """Seed 004's initialisation: every weight and bias drawn uniformly from [0, 1).

    Draws in the seed's order (for each neuron its input weights, then its bias) from
    ``random.Random(seed)``. Returns ``(W, b)`` as nested lists.
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(isinstance(n, bool) or not isinstance(n, int) or n <= 0 for n in sizes):
        raise ValueError(f"sizes must be a list of at least two positive whole numbers such as [4, 5, 3], got {sizes!r}.")
    rng = random.Random(seed)
    W, b = [], []
    for n_in, n_out in zip(sizes, sizes[1:]):
        rows, biases = [], []
        for _ in range(n_out):
            values = [rng.random() for _ in range(n_in + 1)]
            rows.append(values[:-1])
            biases.append(values[-1])
        W.append(rows)
        b.append(biases)
    return W, b


def bplab_orders(m, epochs, seed=None):
    """The sample order of every epoch of ``bplab.train(..., shuffle=True, seed=seed)``.

    bplab.train draws one permutation of range(m) per epoch from ``np.random.default_rng(seed)``;
    this reproduces them as lists, so that ``plain_sgd_epoch`` can visit the same samples.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    return [rng.permutation(m).tolist() for _ in range(epochs)]


# ------------------------------------------------------------------ to and from bplab
def to_lists(net):
    """A bplab.Network's parameters as nested Python lists ``(W, b)`` (copies)."""
    from .network import Network

    if not isinstance(net, Network):
        raise TypeError(f"net must be a bplab.Network, got {show(net)}.")
    if not net.bias:
        raise ValueError("net has no biases (bias=False); the plain-Python loops of seed 004 need a bias per neuron.")
    if any(spec != "sigmoid" for spec in net.activations):
        raise ValueError(
            f"the plain-Python loops use the sigmoid in every layer, as seed 004 does, but net has activations"
            f" {net.activations!r}; build it with activations='sigmoid'."
        )
    W = [net.weights[l].tolist() for l in range(1, net.L + 1)]
    b = [net.biases[l].tolist() for l in range(1, net.L + 1)]
    return W, b


def from_lists(W, b):
    """A sigmoid bplab.Network with the weights ``W`` and biases ``b`` given as nested lists."""
    from .network import Network

    if not isinstance(W, (list, tuple)) or not isinstance(b, (list, tuple)):
        raise TypeError(f"W and b must be lists with one entry per layer, got {show(W)} and {show(b)}.")
    return Network.from_weights(W, b, activations="sigmoid")
