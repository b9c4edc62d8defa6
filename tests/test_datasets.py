import numpy as np
import pytest

from bplab import datasets


def test_iris_is_shipped_in_the_uci_layout():
    X, y, names = datasets.load_iris()
    assert X.shape == (150, 4) and names == ("Iris-setosa", "Iris-versicolor", "Iris-virginica")
    assert np.bincount(y).tolist() == [50, 50, 50]
    first = datasets._data_file("iris.csv").read_text().splitlines()[0]
    assert first.split(",")[-1] == "Iris-setosa" and len(first.split(",")) == 5
    assert X[0].tolist() == [float(v) for v in first.split(",")[:4]]


def test_digits_are_shipped_8x8():
    X, y, names = datasets.load_digits()
    assert X.shape == (1797, 64) and set(np.unique(y)) == set(range(10)) and len(names) == 10
    assert X.min() == 0 and X.max() == 16


@pytest.mark.parametrize("name", sorted(datasets.GENERATORS))
def test_generated_sets_are_reproducible_and_two_dimensional(name):
    make = datasets.GENERATORS[name]
    a, b = make(120, seed=7), make(120, seed=7)
    assert a.X.shape == (120, 2) and np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert len(np.unique(a.y)) == len(a.class_names)


def test_xor_labels_follow_the_quadrant():
    d = datasets.make_xor(400, noise=0.0, seed=1)
    clean = np.abs(d.X).min(axis=1) > 0.3
    assert np.array_equal(d.y[clean], (d.X[clean, 0] * d.X[clean, 1] < 0).astype(int))


def test_minmax_scale_and_split():
    X, y, _ = datasets.load_iris()
    Xs, lo, hi = datasets.minmax_scale(X)
    assert Xs.min(axis=0).tolist() == [0, 0, 0, 0] and Xs.max(axis=0).tolist() == [1, 1, 1, 1]
    Xtr, Xte, ytr, yte = datasets.train_test_split(Xs, y, 20, seed=0)
    assert len(Xte) == 20 and len(Xtr) == 130 and sorted(np.concatenate([ytr, yte])) == sorted(y)
    with pytest.raises(ValueError, match="test_size must be smaller than the number of samples"):
        datasets.train_test_split(Xs, y, 150)
