"""Training: the three ways the seeds update the weights.

* ``mode="sample"``: standard BP (标准BP): one update after every sample;
* ``mode="batch"``: accumulated BP (累积BP): one update per pass over the whole set,
  with the mean of all the per-sample gradients;
* ``mode="minibatch"``: mini-batch stochastic gradient descent (小批量随机梯度下降).

In batch and mini-batch modes each update is one vectorized forward and backward
pass over the batch: there is no Python loop over samples.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .errors import _show, all_finite, as_float_array, check_seed, choice, flag, positive_int, positive_number
from .network import check_network

MODES = ("sample", "batch", "minibatch")


class TrainingDiverged(FloatingPointError):
    """Raised when the loss stops being a finite number during training."""


@dataclass(eq=False)
class History:
    """Per-epoch records of a training run (lists of equal length, one entry per epoch).

    ``accuracy`` entries are None when the targets are not class labels.
    ``step_loss`` holds the loss of the batch at each update, before the update.
    ``seconds`` is the wall-clock time since the start, the only entry that varies from run to run.
    """

    mode: str
    lr: float
    batch_size: int
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.loss)

    def as_dict(self, with_time=False):
        keys = ["loss", "accuracy", "val_loss", "val_accuracy", "updates", "step_loss"]
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
    Xb, _ = net._input(X, "X")
    Yb = net._targets(Y, Xb.shape[0], "half_sse", "Y")
    return _accuracy(net, Xb, Yb, net._forward(Xb)[1][-1])


def _accuracy(net, X, Y, out):
    # class targets only: 0/1 entries, and with several outputs exactly one 1 per row (one class each)
    if not np.isin(Y, (0.0, 1.0)).all() or (Y.shape[1] > 1 and not (Y.sum(axis=1) == 1).all()):
        return None
    if net.sizes[-1] == 1:
        return float(((out[:, 0] > 0.5) == (Y[:, 0] > 0.5)).mean())
    return float((out.argmax(axis=1) == Y.argmax(axis=1)).mean())


def _evaluate(net, X, Y, lossf):
    z, a = net._forward(X)
    L = net.L
    C = float(lossf.value(z[L], a[L], Y, net._act[L]).mean())
    return C, _accuracy(net, X, Y, a[L])


def _diverged(epoch, step, lr, C, values, what):
    """The TrainingDiverged error naming where it happened, the first non-finite value and the likely cause."""
    if math.isfinite(C):
        bad = values[~np.isfinite(values)]
        found = f"the {what} became {bad[0]} (not finite; the loss was still {C:.6g})"
    else:
        found = f"the loss became {C} (not finite)"
    return TrainingDiverged(
        f"training diverged at epoch {epoch}, step {step}: {found}. The learning rate lr={lr:g} is probably too"
        f" large; try lr={lr / 10:g}. The weights were restored to where epoch {epoch} started."
    )


# Below this size, each epoch shuffles a copy of the data once and takes its batches as slices.
_COPY_LIMIT = 64 * 2**20  # bytes


def _step_losses(net, lossf, ZL, AL, Y, order):
    """The loss of every step so far (the mean over its batch), from each step's kept z^L and a^L."""
    n = sum(len(z) for z in ZL)
    per_sample = lossf.value(np.concatenate(ZL), np.concatenate(AL), Y[order[:n]], net._act[net.L])
    if len(ZL) == n:  # one sample per step
        return per_sample.tolist()
    losses, start = [], 0
    for z in ZL:
        stop = start + len(z)
        losses.append(float(np.add.reduce(per_sample[start:stop])) / (stop - start))
        start = stop
    return losses


def _first_divergence(losses, epoch, lr, flat):
    """The TrainingDiverged of an epoch stopped at step len(losses): it names the first step
    whose loss was not finite, as a step-by-step check would have, or else the last step,
    whose gradient was not finite."""
    bad = [k for k, C in enumerate(losses) if not math.isfinite(C)]
    k = bad[0] if bad else len(losses) - 1
    return _diverged(epoch, k + 1, lr, losses[k], flat, "gradient")


def _batches(X, Y, mode, batch_size, order):
    """The epoch's batches as (X, Y) pairs of 2-D arrays, visiting the samples in ``order``."""
    m = X.shape[0]
    if mode == "batch":
        return [(X[order], Y[order])]
    size = 1 if mode == "sample" else batch_size
    if X.nbytes + Y.nbytes <= _COPY_LIMIT:
        # One shuffled copy per epoch, then every batch is a slice (a view): in per-sample training
        # the cost of picking rows by index is comparable to the arithmetic of a small network.
        X, Y = X[order], Y[order]
        return ((X[i : i + size], Y[i : i + size]) for i in range(0, m, size))
    # Large data: gather each batch's rows by index, without a second copy of the whole set in memory.
    return ((X[idx], Y[idx]) for idx in (order[i : i + size] for i in range(0, m, size)))


def _progress(epochs, enabled):
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
):
    """Train ``net`` in place by gradient descent and return its :class:`History`.

    ``Y`` holds targets of shape (m, n_L), or integer class labels (one-hot when n_L > 1).
    ``validation`` is an optional pair ``(X_val, Y_val)`` evaluated after every epoch.
    """
    check_network(net)
    choice(mode, MODES, "mode")
    lossf = net._loss(loss)
    Xb, _ = net._input(X, "X")
    if Xb.shape[0] == 1 and np.ndim(X) == 1:
        raise ValueError(f"X must be a 2-D array of samples, one per row, got a single sample of shape {np.shape(X)}.")
    m = Xb.shape[0]
    Yb = net._targets(Y, m, loss, "Y")
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
            raise TypeError(f"validation must be None or a pair (X_val, Y_val), got {_show(validation)}.")
        Xv, _ = net._input(validation[0], "validation X")
        Yv = net._targets(validation[1], Xv.shape[0], loss, "validation Y")
    shuffle = flag(shuffle, "shuffle")
    progress = flag(progress, "progress")
    rng = np.random.default_rng(check_seed(seed))

    history = History(mode, lr, {"sample": 1, "batch": m}.get(mode, batch_size))
    bar = _progress(epochs, progress)
    grad = net._gradient_buffer()  # every step's backward pass writes its gradient here
    # Each step's loss is not computed during the step: every step's z^L and a^L are kept, and
    # the epoch's step losses are computed in one vectorized call at its end. The same numbers,
    # and a divergence is still reported at the step where it happened; but per-sample training
    # saves about a fifth of each step, mini-batch training a few percent.
    L = net.L
    start, updates = time.perf_counter(), 0
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            for epoch in range(1, epochs + 1):
                saved = net.theta.copy()
                order = rng.permutation(m) if shuffle else np.arange(m)
                ZL, AL = [], []  # z^L and a^L of every step of the epoch
                for step, (X_batch, Y_batch) in enumerate(_batches(Xb, Yb, mode, batch_size, order), start=1):
                    z, a = net._forward(X_batch)
                    _, flat, _, _, _ = net._backward(z, a, Y_batch, lossf, grad, with_loss=False)
                    ZL.append(z[L])
                    AL.append(a[L])
                    if not all_finite(flat):
                        net.theta[...] = saved
                        raise _first_divergence(_step_losses(net, lossf, ZL, AL, Yb, order), epoch, lr, flat)
                    net._step(flat, lr, weight_decay)
                    updates += 1
                losses = _step_losses(net, lossf, ZL, AL, Yb, order)
                if not all(map(math.isfinite, losses)):
                    net.theta[...] = saved
                    raise _first_divergence(losses, epoch, lr, flat)
                history.step_loss.extend(losses)
                C, acc = _evaluate(net, Xb, Yb, lossf)
                if not math.isfinite(C) or not all_finite(net.theta):
                    # the last step itself overflowed the weights: restore them and stop, as above
                    net.theta[...] = saved
                    raise _diverged(epoch, step, lr, C, net.theta, "weights after the update")
                history.loss.append(C)
                history.accuracy.append(acc)
                if validation is not None:
                    vC, vacc = _evaluate(net, Xv, Yv, lossf)
                    history.val_loss.append(vC)
                    history.val_accuracy.append(vacc)
                history.updates.append(updates)
                history.seconds.append(time.perf_counter() - start)
                if bar is not None:
                    bar.set_postfix(loss=f"{C:.4g}", refresh=False)
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return history
