"""bplab.metrics: confusion matrix, predicted classes, mistakes, weight norms."""

import numpy as np
import pytest

import bplab
from bplab.metrics import confusion_matrix, misclassified, predicted_classes, weight_norms


def test_confusion_matrix_counts_by_hand():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    cm = confusion_matrix(y_true, y_pred)
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(cm, expected)
    assert cm.sum() == 6 and np.trace(cm) == 4


def test_confusion_matrix_n_classes_and_errors():
    cm = confusion_matrix([0, 1], [1, 1], n_classes=4)
    assert cm.shape == (4, 4) and cm[0, 1] == 1 and cm[1, 1] == 1
    with pytest.raises(ValueError, match="0..1"):
        confusion_matrix([0, 3], [0, 1], n_classes=2)
    with pytest.raises(ValueError, match="same length"):
        confusion_matrix([0, 1], [0])
    with pytest.raises(ValueError, match="whole-number"):
        confusion_matrix([0.5, 1], [0, 1])


def test_predicted_classes_and_misclassified():
    # a 2-2 identity-like network: output j large when input j is large
    net = bplab.Network.from_weights([[[5.0, -5.0], [-5.0, 5.0]]], [[0.0, 0.0]])
    X = np.array([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1]])
    np.testing.assert_array_equal(predicted_classes(net, X), [0, 1, 0])
    np.testing.assert_array_equal(misclassified(net, X, [0, 0, 0]), [1])
    one_out = bplab.Network.from_weights([[[10.0]]], [[-5.0]])
    np.testing.assert_array_equal(predicted_classes(one_out, [[0.0], [1.0]]), [0, 1])


def test_weight_norms():
    net = bplab.Network.from_weights([[[3.0, 4.0]], [[1.0], [2.0]]], [[9.0], [9.0, 9.0]])
    norms = weight_norms(net)
    assert norms == {1: pytest.approx(5.0), 2: pytest.approx(np.sqrt(5.0))}
