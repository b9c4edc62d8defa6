"""Plots for training runs and networks (matplotlib, loaded only when this module is used).

Every function draws on an ``ax`` (a new figure when None) and returns the ax, so
notebooks and widgets can place plots where they want.
"""

from __future__ import annotations

import numpy as np

from ..errors import choice
from ..metrics import layer_gradient_norms  # noqa: F401  (its old home; it lives in metrics now)

X_AXES = {"epoch": "epoch", "updates": "number of weight updates", "seconds": "wall-clock time (s)"}


def _ax(ax, figsize=(5, 3.5)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _x_values(history, x):
    choice(x, tuple(X_AXES), "x")
    return np.arange(1, history.epochs + 1) if x == "epoch" else np.asarray(getattr(history, x))


def loss_curve(history, ax=None, x="epoch", label=None, validation=True, log=False, validation_name="validation"):
    """Training (and validation) loss per epoch against epochs, updates or seconds.

    ``validation_name`` names the dashed line (the playground calls its held-out samples "test")."""
    ax = _ax(ax)
    xs = _x_values(history, x)
    line = ax.plot(xs, history.loss, label=label or "training")[0]
    if validation and history.val_loss:
        ax.plot(xs, history.val_loss, "--", color=line.get_color(), label=f"{label} ({validation_name})" if label else validation_name)
    ax.set_xlabel(X_AXES[x])
    ax.set_ylabel("mean loss per sample")
    if log:
        ax.set_yscale("log")
    ax.set_title(f"Loss ({history.mode} mode, lr={history.lr:g})")
    ax.legend()
    return ax


def accuracy_curve(history, ax=None, x="epoch", label=None, validation=True):
    """Training (and validation) accuracy in % per epoch."""
    ax = _ax(ax)
    xs = _x_values(history, x)
    if history.accuracy and history.accuracy[0] is not None:
        line = ax.plot(xs, 100 * np.asarray(history.accuracy), label=label or "training")[0]
        color = line.get_color()
    else:
        color = None
    if validation and history.val_accuracy and history.val_accuracy[0] is not None:
        ax.plot(xs, 100 * np.asarray(history.val_accuracy), "--", color=color, label=f"{label} (validation)" if label else "validation")
    ax.set_xlabel(X_AXES[x])
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 102)
    ax.set_title(f"Accuracy ({history.mode} mode)")
    ax.legend(loc="lower right")
    return ax


def grid_predictions(net, X, resolution=150, margin=0.25):
    """Class predicted by ``net`` on a grid covering the first two columns of X.

    Returns ``xx, yy, classes`` (classes: argmax of the outputs, or output > 0.5 for one output).
    """
    X = np.asarray(X, dtype=float)
    lo, hi = X[:, :2].min(axis=0), X[:, :2].max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    xx, yy = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution), np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    )
    out = net.predict(np.column_stack([xx.ravel(), yy.ravel()]))
    classes = (out[:, 0] > 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    return xx, yy, classes.reshape(xx.shape)


def decision_regions(net, X, y, ax=None, class_names=None, resolution=150, feature_names=("x1", "x2"), title=None):
    """The regions where ``net`` predicts each class, with the samples on top (2 input features)."""
    import matplotlib.pyplot as plt

    if net.sizes[0] != 2:
        raise ValueError(f"decision_regions needs a network with 2 inputs, got n_0 = {net.sizes[0]}.")
    ax = _ax(ax, figsize=(4.5, 4))
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    k = max(int(y.max()) + 1, 2, net.sizes[-1])
    cmap = plt.get_cmap("tab10")
    xx, yy, classes = grid_predictions(net, X, resolution)
    ax.contourf(xx, yy, classes, levels=np.arange(k + 1) - 0.5, colors=[cmap(i) for i in range(k)], alpha=0.25)
    for c in range(k):
        mask = y == c
        if mask.any():
            name = class_names[c] if class_names is not None else f"class {c}"
            ax.scatter(X[mask, 0], X[mask, 1], s=14, color=cmap(c), edgecolor="k", linewidth=0.3, label=name)
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title or "Decision regions")
    ax.legend(loc="best", fontsize="small")
    return ax


def gradient_norms(norms, ax=None, title="Gradient norm per layer"):
    """Bar chart of ||dC/dW^l|| per layer, log scale, so vanishing gradients show.

    ``norms`` maps layer l (1..L) to the norm, or is a sequence for layers 1..L.
    """
    ax = _ax(ax, figsize=(4, 3))
    items = sorted(norms.items()) if isinstance(norms, dict) else list(enumerate(norms, start=1))
    layers = [f"W^{l}" for l, _ in items]
    values = np.array([max(float(v), 1e-300) for _, v in items])
    ax.bar(layers, values, color="#4c72b0")
    ax.set_yscale("log")
    ax.set_xlabel("layer")
    ax.set_ylabel("Frobenius norm of dC/dW (log scale)")
    ax.set_title(title)
    return ax


def confusion_matrix(cm, ax=None, class_names=None, title="Confusion matrix"):
    """Draw a confusion matrix (rows: true class, columns: predicted class) with its counts.

    ``cm`` is what :func:`bplab.metrics.confusion_matrix` returns.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square matrix of counts, got shape {cm.shape}.")
    k = cm.shape[0]
    ax = _ax(ax, figsize=(0.5 * k + 2.5, 0.5 * k + 2))
    ax.imshow(cm, cmap="Blues")
    names = list(class_names) if class_names is not None else [str(i) for i in range(k)]
    ax.set_xticks(range(k), names, rotation=45 if max(len(n) for n in names) > 3 else 0, ha="right" if max(len(n) for n in names) > 3 else "center")
    ax.set_yticks(range(k), names)
    high = cm.max() / 2 if cm.size else 0
    for i in range(k):
        for j in range(k):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", color="white" if cm[i, j] > high else "black")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    return ax


def image_grid(images, titles=None, shape=(8, 8), ncols=8, cmap="gray_r", title=None, symmetric=False):
    """Show rows of pixel values as small images in a grid; returns the figure.

    ``images`` is (n, h*w) or (n, h, w); ``titles`` one short caption per image.
    With ``symmetric=True`` each image gets its own colour scale centred on 0
    (for weights: red positive, blue negative, white 0).
    The tiles are drawn as one mosaic on a single axes, which is much faster than one axes per image.
    """
    import matplotlib.pyplot as plt

    images = np.asarray(images, dtype=float)
    if images.ndim == 2:
        if images.shape[1] != shape[0] * shape[1]:
            raise ValueError(f"images must have {shape[0] * shape[1]} pixels per row for shape {shape}, got {images.shape[1]}.")
        images = images.reshape(-1, *shape)
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must be a non-empty (n, h*w) or (n, h, w) array, got shape {images.shape}.")
    n, h, w = images.shape
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    gap = 1 if titles is None else 3  # blank rows above each tile leave room for its caption
    mosaic = np.full((nrows * (h + gap) - (1 if titles is None else 0), ncols * (w + 1) - 1), np.nan)
    if symmetric:
        scale = np.abs(images).reshape(n, -1).max(axis=1)
        images = images / np.where(scale > 0, scale, 1.0)[:, None, None]
    for i in range(n):
        r, c = divmod(i, ncols)
        top = r * (h + gap) + (gap if titles is not None else 0)
        mosaic[top : top + h, c * (w + 1) : c * (w + 1) + w] = images[i]
    fig, ax = plt.subplots(figsize=(0.9 * ncols + 0.2, 0.9 * nrows * (h + gap) / h + (0.5 if title else 0.1)))
    colours = plt.get_cmap("bwr" if symmetric else cmap).copy()
    colours.set_bad("white")
    if symmetric:
        ax.imshow(mosaic, cmap=colours, vmin=-1, vmax=1, interpolation="nearest")
    else:
        ax.imshow(mosaic, cmap=colours, vmin=np.nanmin(images), vmax=np.nanmax(images), interpolation="nearest")
    if titles is not None:
        for i in range(n):
            r, c = divmod(i, ncols)
            ax.text(c * (w + 1) + (w - 1) / 2, r * (h + gap) + gap - 1, str(titles[i]), ha="center", va="bottom", fontsize=7)
    ax.axis("off")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def first_layer_weights(net, shape=(8, 8), ncols=8, title=None):
    """Each neuron's incoming weights W^1[j, :] drawn as an image of the input's shape (red +, blue -)."""
    W = np.asarray(net.weights[1])
    if W.shape[1] != shape[0] * shape[1]:
        raise ValueError(f"the first layer has {W.shape[1]} inputs, which is not an image of shape {shape}.")
    return image_grid(
        W, [f"neuron {j + 1}" for j in range(W.shape[0])], shape, ncols, symmetric=True,
        title=title or "First-layer weights W^1, one image per hidden neuron (red +, blue -, each on its own scale)",
    )
