"""Loss functions (损失函数) for one sample, and the output error term (误差项) delta^L they give.

Each loss has a per-sample value and the output layer's delta^L = dC/dz^L (BP1).
For a batch, bplab's loss is the mean of the per-sample losses.

When the shortcut delta^L = a^L - y holds (and only then):

* ``cross_entropy`` with a softmax output layer, for targets y whose entries sum to 1
  (one-hot labels, or any probability vector);
* ``binary_cross_entropy`` with a sigmoid output layer (every output neuron sigmoid).

bplab refuses other pairings of these two losses instead of silently computing
the wrong delta. ``half_sse`` works with every output activation, softmax included:
its delta^L is (a^L - y) ⊙ f'(z^L), or J^T (a^L - y) for softmax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .activations import log_softmax


# Each loss: its per-sample value C, and its gradient in the outputs, nabla_a C = dC/da^L.

def _half_sse_value(z, a, y):
    # C = 1/2 sum_j (y_j - a_j)^2 per sample
    d = a - y
    return 0.5 * (d * d).sum(axis=-1)


def _half_sse_grad_a(a, y):
    # nabla_a C = a^L - y
    return a - y


def _ce_value(z, a, y):
    # C = -sum_j y_j log softmax(z)_j, from z by log-sum-exp (finite where a rounds to 0)
    return -(y * log_softmax(z)).sum(axis=-1)


def _ce_grad_a(a, y):
    # nabla_a C = -y / a (infinite where a rounds to 0: Network.backprop uses delta^L = a^L - y instead)
    return -y / a


def _bce_value(z, a, y):
    # C = -sum_j [y_j log a_j + (1 - y_j) log(1 - a_j)] with a = sigmoid(z)
    #   = sum_j [log(1 + e^{z_j}) - y_j z_j], finite for every z
    return (np.logaddexp(0.0, z) - y * z).sum(axis=-1)


def _bce_grad_a(a, y):
    # nabla_a C = (a - y) / (a (1 - a)) (infinite where a rounds to 0 or 1: backprop uses a^L - y instead)
    return (a - y) / (a * (1.0 - a))


def _needs_softmax(act):
    if not act.is_softmax:
        return (
            f"loss 'cross_entropy' needs a softmax output layer (then delta^L = a^L - y), but the output layer is"
            f" {act.spec!r}; use activations=[..., 'softmax'], or loss='binary_cross_entropy' for sigmoid outputs."
        )
    return None


def _needs_sigmoid(act):
    if act.names != ["sigmoid"] * act.n:
        return (
            f"loss 'binary_cross_entropy' needs sigmoid output neurons (then delta^L = a^L - y), but the output"
            f" layer is {act.spec!r}; use activations=[..., 'sigmoid'], or loss='cross_entropy' with softmax."
        )
    return None


def _probabilities(Y, name, loss, sum_to_one):
    """Targets of a cross-entropy are probabilities: each in [0, 1] (and each row summing to 1)."""
    outside = (Y < 0) | (Y > 1)
    if outside.any():
        row, col = (int(i) for i in np.argwhere(outside)[0])
        raise ValueError(
            f"{name} for loss {loss!r} must be probabilities in [0, 1], got values {Y.min():g}..{Y.max():g}"
            f" (row {row} holds {Y[row, col]:g} at output {col})."
        )
    if sum_to_one:
        sums = Y.sum(axis=1)
        off = ~np.isclose(sums, 1.0)
        if off.any():
            row = int(np.argmax(off))
            raise ValueError(
                f"{name} for loss {loss!r} must be probabilities summing to 1 per sample (one-hot labels),"
                f" but row {row} sums to {sums[row]:g}."
            )


@dataclass(frozen=True)
class Loss:
    """A loss: its per-sample value, nabla_a C, and whether BP1 simplifies to delta^L = a^L - y.

    ``shortcut`` is True for the losses whose pairing with the output layer (enforced by
    ``check``) makes f' cancel in BP1; :meth:`bplab.Network.backprop` then uses a^L - y.
    """

    name: str
    value: Callable  # value(z, a, y) -> per-sample loss, shape (m,)
    grad_a: Callable  # grad_a(a, y) -> nabla_a C = dC/da^L, shape (m, n_L)
    check: Callable  # check(act) -> None, or a message saying why this output layer does not fit
    latex: str
    shortcut: bool = False  # BP1 is delta^L = a^L - y (f' cancels)
    targets_are_probabilities: bool = False  # each target in [0, 1]
    targets_sum_to_one: bool = False  # and each row summing to 1 (a distribution over the classes)

    def output_delta(self, z, a, y, act):
        """BP1 on its own: delta^L = nabla_a C ⊙ f'(z^L), or a^L - y for the shortcut pairs
        (the same cases as :meth:`bplab.Network.backprop`, for checking BP1 alone)."""
        return a - y if self.shortcut else act.backprop(self.grad_a(a, y), z, a)

    def __repr__(self):
        return f"Loss({self.name!r})"

    def check_targets(self, Y, name="y"):
        """Raise naming ``name`` when the targets Y (m x n_L) do not fit this loss; half_sse takes any real
        Y whose squared error fits the float type (|y| up to the square root of its largest value, halved)."""
        if self.targets_are_probabilities:
            _probabilities(Y, name, self.name, self.targets_sum_to_one)
            return
        largest = np.sqrt(np.finfo(Y.dtype).max) / 2
        size = float(np.abs(Y).max())
        if size > largest:
            raise ValueError(
                f"{name} for loss {self.name!r} must be at most {largest:.3g} in size (so that its squared error"
                f" fits a {Y.dtype.name}), got {size:g}; rescale the targets."
            )


LOSSES = {
    "half_sse": Loss(
        "half_sse", _half_sse_value, _half_sse_grad_a, lambda act: None, r"C = \frac{1}{2} \sum_j (y_j - a^L_j)^2"
    ),
    "cross_entropy": Loss(
        "cross_entropy", _ce_value, _ce_grad_a, _needs_softmax, r"C = -\sum_j y_j \log a^L_j",
        shortcut=True, targets_are_probabilities=True, targets_sum_to_one=True,
    ),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        _bce_value,
        _bce_grad_a,
        _needs_sigmoid,
        r"C = -\sum_j \left[y_j \log a^L_j + (1 - y_j) \log(1 - a^L_j)\right]",
        shortcut=True,
        targets_are_probabilities=True,
    ),
}

LOSS_NAMES = tuple(LOSSES)
