"""Training: the three ways the seeds update the weights.

* ``mode="sample"``: standard BP (标准BP): one update after every sample;
* ``mode="batch"``: accumulated BP (累积BP): one update per pass over the whole set,
  with the mean of all the per-sample gradients;
* ``mode="minibatch"``: mini-batch stochastic gradient descent (小批量随机梯度下降).

Every mode is the same loop: shuffle; then for each batch, forward, backward, step
(``net.feedforward``, ``net.backprop``, ``net.step``). A batch is one vectorized pass: there
is no Python loop over the samples of a batch.

What ``History`` records per epoch (the convention of Keras and of scikit-learn's
``MLPClassifier.loss_curve_``): ``loss`` and ``accuracy`` are means over the epoch's steps,
each step's loss and accuracy computed from the forward pass that step made anyway, BEFORE
its update, weighted by the step's number of samples. They are not the loss of the weights
at the end of the epoch: for that exact evaluation pass ``evaluate_train=True`` (it costs one
more forward pass over the training set per epoch), which fills ``end_loss`` and
``end_accuracy``. The validation set, when given, is always evaluated exactly at the end of
each epoch.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .errors import all_finite, check_seed, choice, flag, positive_int, positive_number, show
from .losses import LOSSES
from .metrics import correct_count, is_class_targets
from .network import check_network

MODES = ("sample", "batch", "minibatch")

# Divergence, the rule train applies after every step: the step's loss is not finite, or it is more
# than DIVERGENCE_FACTOR times the first step's loss (or than DIVERGENCE_FACTOR, if that loss was
# below 1); or after the update a weight is not finite, or the size of all the weights, ||theta||,
# is more than DIVERGENCE_FACTOR times what it was when training started (or than DIVERGENCE_FACTOR).
# Ten orders of magnitude above where training started is not learning any more, even while the
# numbers are still finite (lr=1e300 gives weights and losses near 1e300).
DIVERGENCE_FACTOR = 1e10


class TrainingDiverged(FloatingPointError):
    """Raised when training diverges (see ``DIVERGENCE_FACTOR`` for the rule); the weights are restored."""


@dataclass(eq=False)
class History:
    """Per-epoch records of a training run (lists of equal length, one entry per epoch).

    ``loss`` and ``accuracy`` are the means over the epoch's steps of each step's loss and
    accuracy, taken before its update and weighted by its batch size (as Keras and scikit-learn
    report them); ``accuracy`` entries are None when the targets are not class labels.
    ``end_loss`` and ``end_accuracy``: the exact values on the whole training set with the
    weights at the end of each epoch, recorded only with ``train(..., evaluate_train=True)``.
    ``val_loss`` and ``val_accuracy``: the same exact evaluation on the validation set.
    ``step_loss`` holds the loss of the batch at each update, before the update.
    ``seconds`` is the wall-clock time since the start, the only entry that varies from run to run.
    """

    mode: str
    lr: float
    batch_size: int
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    end_loss: list = field(default_factory=list)
    end_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.loss)

    def as_dict(self, with_time=False):
        keys = ["loss", "accuracy", "end_loss", "end_accuracy", "val_loss", "val_accuracy", "updates", "step_loss"]
        return {k: list(getattr(self, k)) for k in keys + (["seconds"] if with_time else [])}

    def __repr__(self):
        last = f", loss={self.loss[-1]:.6g}" if self.loss else ""
        acc = f", accuracy={self.accuracy[-1]:.4g}" if self.accuracy and self.accuracy[-1] is not None else ""
        val = (
            f", val_accuracy={self.val_accuracy[-1]:.4g}"
            if self.val_accuracy and self.val_accuracy[-1] is not None
            else ""
        )
        return f"History(mode={self.mode!r}, epochs={self.epochs}{last}{acc}{val})"


def accuracy(net, X, Y):
    """Share of samples classified correctly, or None when Y are not class targets.

    With several outputs the predicted class is the largest output; with one output
    the prediction is output > 0.5.
    """
    Xb, _ = net.input_rows(X, "X")
    Yb = net.targets(Y, Xb.shape[0], "half_sse", "Y")
    return evaluate(net, Xb, Yb, LOSSES["half_sse"])[1]


def evaluate(net, X, Y, loss):
    """The mean loss and the accuracy (None if Y are not class targets) of ``net`` on checked X, Y."""
    z, a = net.feedforward(X)
    C = float(loss.value(z[net.L], a[net.L], Y).mean())
    return C, (correct_count(a[net.L], Y) / len(Y) if is_class_targets(Y) else None)


def divergence(C, first, norm2, first_norm2, theta):
    """What went wrong, in words, if training has diverged at a step (None if not).

    ``C`` is the step's loss and ``first`` the first step's; ``norm2`` is ||theta||^2 after the
    update and ``first_norm2`` before training (see ``DIVERGENCE_FACTOR`` for the rule).
    """
    if not math.isfinite(C):
        return f"the loss became {C} (not finite)"
    if C > DIVERGENCE_FACTOR * max(first, 1.0):
        return (
            f"the loss exploded to {C:.3g}, more than {DIVERGENCE_FACTOR:g} times the first step's {first:.3g}"
            " (bplab's rule for divergence: see bplab.training.DIVERGENCE_FACTOR)"
        )
    if not math.isfinite(norm2) and not all_finite(theta):
        return f"a weight became {theta[~np.isfinite(theta)][0]} (not finite) in the update; the loss was still {C:.6g}"
    if not norm2 <= DIVERGENCE_FACTOR**2 * max(first_norm2, 1.0):
        return (
            f"the weights exploded in the update: their size ||theta|| became {math.sqrt(norm2):.3g}, more than"
            f" {DIVERGENCE_FACTOR:g} times the {math.sqrt(first_norm2):.3g} training started from (bplab's rule"
            " for divergence: see bplab.training.DIVERGENCE_FACTOR)"
        )
    return None


def stop_if_diverged(net, saved, C, first, first_norm2, where, lr):
    """Raise :class:`TrainingDiverged` after restoring ``saved`` if the step just taken diverged."""
    # ||theta||^2 in one pass, not finite if a weight is not. (einsum runs numpy's own loop: a BLAS dot
    # would wake BLAS's threads at every step, which costs more than the sum on a busy machine.)
    norm2 = float(np.einsum("i,i->", net.theta, net.theta))
    problem = divergence(C, first, norm2, first_norm2, net.theta)
    if problem:
        net.theta[...] = saved
        raise TrainingDiverged(
            f"training diverged at {where}: {problem}. The learning rate lr={lr:g} is probably too large;"
            f" try lr={lr / 10:g}. The weights were restored to where {where.split(',')[0]} started."
        )


def progress_bar(epochs, enabled):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, desc="training", unit="epoch")


def train(
    net,
    X,
    Y,
    mode="minibatch",
    batch_size=32,
    lr=0.1,
    epochs=10,
    loss="half_sse",
    weight_decay=0.0,
    shuffle=True,
    seed=None,
    validation=None,
    progress=True,
    evaluate_train=False,
):
    """Train ``net`` in place by gradient descent and return its :class:`History`.

    ``Y`` holds targets of shape (m, n_L), or integer class labels (one-hot when n_L > 1).
    ``validation`` is an optional pair ``(X_val, Y_val)`` evaluated after every epoch;
    ``evaluate_train=True`` evaluates the training set the same way (see :class:`History`).
    Raises :class:`TrainingDiverged` (weights restored to the start of the epoch) by the rule
    of ``DIVERGENCE_FACTOR``.
    """
    check_network(net)
    choice(mode, MODES, "mode")
    lossf = net.loss_function(loss)
    Xb, _ = net.input_rows(X, "X")
    if Xb.shape[0] == 1 and np.ndim(X) == 1:
        raise ValueError(f"X must be a 2-D array of samples, one per row, got a single sample of shape {np.shape(X)}.")
    m = Xb.shape[0]
    Yb = net.targets(Y, m, loss, "Y")
    lr = positive_number(lr, "lr (learning rate)")
    weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    if mode == "minibatch" and batch_size > m:
        raise ValueError(
            f"batch_size must be between 1 and the number of samples ({m}), got {batch_size};"
            f" pass batch_size={m} or smaller (batch_size={m} is the same as mode='batch')."
        )
    if validation is not None:
        if not isinstance(validation, (tuple, list)) or len(validation) != 2:
            raise TypeError(f"validation must be None or a pair (X_val, Y_val), got {show(validation)}.")
        Xv, _ = net.input_rows(validation[0], "validation X")
        Yv = net.targets(validation[1], Xv.shape[0], loss, "validation Y")
    shuffle = flag(shuffle, "shuffle")
    evaluate_train = flag(evaluate_train, "evaluate_train")
    rng = np.random.default_rng(check_seed(seed))

    size = {"sample": 1, "batch": m}.get(mode, batch_size)
    history = History(mode, lr, size)
    classes = is_class_targets(Yb)  # whether accuracy means anything for these targets
    L, first, updates, start = net.L, None, 0, time.perf_counter()
    first_norm2 = float(np.einsum("i,i->", net.theta, net.theta))  # ||theta||^2 before training
    bar = progress_bar(epochs, flag(progress, "progress"))
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for epoch in range(1, epochs + 1):
                saved = net.theta.copy()  # what a divergence restores
                order = rng.permutation(m) if shuffle else np.arange(m)  # shuffle
                total, hits = 0.0, 0
                for step, i in enumerate(range(0, m, size), start=1):
                    batch = order[i : i + size]
                    X_batch, Y_batch = Xb[batch], Yb[batch]
                    z, a = net.feedforward(X_batch)  # forward
                    C = float(lossf.value(z[L], a[L], Y_batch).mean())  # this step's loss, from its forward pass
                    delta, dW, db = net.backprop(z, a, Y_batch, lossf)  # backward
                    net.step(dW, db, lr, weight_decay)  # step
                    updates += 1
                    first = C if first is None else first
                    stop_if_diverged(net, saved, C, first, first_norm2, f"epoch {epoch}, step {step}", lr)
                    history.step_loss.append(C)
                    total += C * len(batch)
                    hits += correct_count(a[L], Y_batch) if classes else 0
                history.loss.append(total / m)
                history.accuracy.append(hits / m if classes else None)
                if evaluate_train:
                    end_C, end_acc = evaluate(net, Xb, Yb, lossf)
                    history.end_loss.append(end_C)
                    history.end_accuracy.append(end_acc)
                if validation is not None:
                    val_C, val_acc = evaluate(net, Xv, Yv, lossf)
                    history.val_loss.append(val_C)
                    history.val_accuracy.append(val_acc)
                history.updates.append(updates)
                history.seconds.append(time.perf_counter() - start)
                if bar is not None:
                    bar.set_postfix(loss=f"{history.loss[-1]:.4g}", refresh=False)
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return history
