"""Measuring a network: correct answers, the confusion matrix, the mistakes, weight and gradient sizes.

    from bplab.metrics import confusion_matrix, predicted_classes
    cm = confusion_matrix(y_test, predicted_classes(net, X_test), n_classes=3)

``cm[i, j]`` counts the samples of true class i that the network put in class j, so the
diagonal holds the correct answers and each row sums to the number of samples of that class.
"""

from __future__ import annotations

import numpy as np

from .errors import class_labels, positive_int
from .network import check_network


def is_class_targets(Y):
    """Whether the target rows Y are classes: 0/1 with one output, one-hot rows with several."""
    if not np.isin(Y, (0.0, 1.0)).all():
        return False
    return Y.shape[1] == 1 or bool((Y.sum(axis=1) == 1).all())


def correct_count(out, Y):
    """How many rows of the outputs ``out`` pick the class of the target rows ``Y``
    (the largest output; output > 0.5 with one output). Y must be class targets."""
    if out.shape[1] == 1:
        return int(((out[:, 0] > 0.5) == (Y[:, 0] > 0.5)).sum())
    return int((out.argmax(axis=1) == Y.argmax(axis=1)).sum())


def predicted_classes(net, X):
    """The class ``net`` predicts for each row of X: the largest output (output > 0.5 for one output)."""
    check_network(net)
    out = np.atleast_2d(net.predict(X))
    if out.shape[1] == 1:
        return (out[:, 0] > 0.5).astype(np.int64)
    return out.argmax(axis=1)


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Counts ``cm[i, j]`` of samples with true class i and predicted class j (int array k x k).

    ``n_classes`` defaults to one more than the largest label seen in either argument.
    """
    t, p = class_labels(y_true, "y_true"), class_labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {t.size} and {p.size}.")
    largest = int(max(t.max(), p.max()))
    if n_classes is None:
        n_classes = largest + 1
    n_classes = positive_int(n_classes, "n_classes")
    if largest >= n_classes:
        raise ValueError(f"labels must lie in 0..{n_classes - 1} for n_classes={n_classes}, got the label {largest}.")
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def misclassified(net, X, y):
    """Indices of the rows of X whose predicted class differs from the label in y."""
    y = class_labels(y, "y")
    pred = predicted_classes(net, X)
    if pred.shape != y.shape:
        raise ValueError(f"X and y must have the same number of samples, got {pred.size} and {y.size}.")
    return np.flatnonzero(pred != y)


def weight_norms(net):
    """{l: ||W^l||} (Frobenius norm of each layer's weight matrix; biases are not included)."""
    check_network(net)
    return {l: float(np.linalg.norm(W)) for l, W in net.weights.items()}


def layer_gradient_norms(grads):
    """{l: ||dC/dW^l||} (Frobenius norm) from a :class:`bplab.Gradients`: the plot of vanishing gradients."""
    return {l: float(np.linalg.norm(dW)) for l, dW in grads.dW.items()}
