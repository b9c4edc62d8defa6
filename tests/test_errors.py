"""Every bad input a learner is likely to type gets a sentence that teaches.

Each case asserts, through ``pytest.raises(..., match=...)``, that the message names
the argument (and the layer where there is one), the rule, and the value received.
``says(*parts)`` builds a regex that requires every part, in any order.
"""

import re

import numpy as np
import pytest

import bplab
from bplab import Network
from bplab.datasets import make_circles, make_moons, make_spiral, make_xor, minmax_scale, train_test_split


def says(*parts):
    """A regex matching a message that contains every one of ``parts`` literally."""
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in parts)


NAMES = "'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity', 'softmax'"
LOSSES = "'half_sse', 'cross_entropy', 'binary_cross_entropy'"


def net231():
    return Network([2, 3, 1], seed=0)


def net233_softmax():
    return Network([2, 3, 3], activations=["sigmoid", "softmax"], seed=0)


X4, Y4 = np.zeros((4, 2)), np.zeros(4)


def train(net=None, X=X4, Y=Y4, **kw):
    kw.setdefault("progress", False)
    kw.setdefault("batch_size", 2)
    return bplab.train(net231() if net is None else net, X, Y, **kw)


# (id, call, exception type, parts the message must contain)
CASES = [
    # --- Network(sizes, activations, bias, seed, dtype)
    ("sizes-string", lambda: Network("231"), TypeError, ["sizes", "'231'"]),
    ("sizes-too-short", lambda: Network([2]), ValueError, ["sizes", "at least one layer", "[2]"]),
    ("sizes-zero", lambda: Network([2, 0, 1]), ValueError, ["sizes[1]", "layer 1", "> 0", "got 0"]),
    ("sizes-negative", lambda: Network([2, 3, -1]), ValueError, ["sizes[2]", "layer 2", "> 0", "got -1"]),
    ("sizes-float", lambda: Network([2, 3.0, 1]), TypeError, ["sizes[1]", "whole number", "3.0"]),
    ("activation-unknown", lambda: Network([2, 3, 1], activations="sigmoidd"), ValueError,
     ["activation for layer 1", "'sigmoidd'", NAMES]),
    ("activation-unknown-layer2", lambda: Network([2, 3, 1], activations=["tanh", "Sigmoid"]), ValueError,
     ["activation for layer 2", "'Sigmoid'", NAMES]),
    ("activations-wrong-count", lambda: Network([2, 3, 1], activations=["sigmoid"]), ValueError,
     ["activations", "one entry per layer", "2 entries", "got 1", "['sigmoid']"]),
    ("activations-none", lambda: Network([2, 3, 1], activations=None), TypeError, ["activations", "None"]),
    ("activation-not-a-name", lambda: Network([2, 3, 1], activations=[1, "sigmoid"]), TypeError,
     ["activation for layer 1", "got 1"]),
    ("per-neuron-wrong-count", lambda: Network([2, 3, 1], activations=[["sigmoid", "tanh"], "sigmoid"]), ValueError,
     ["layer 1", "one name per neuron", "3 neurons", "got 2 names", "['sigmoid', 'tanh']"]),
    ("per-neuron-unknown", lambda: Network([2, 3, 1], activations=[["sigmoid", "tanh", "foo"], "sigmoid"]),
     ValueError, ["neuron 3 of layer 1", "'foo'", "'sigmoid', 'tanh', 'relu', 'leaky_relu', 'identity'"]),
    ("per-neuron-softmax", lambda: Network([2, 3, 2], activations=["tanh", ["softmax", "sigmoid"]]), ValueError,
     ["neuron 1 of layer 2", "'softmax'", "whole layer"]),
    ("softmax-single-neuron", lambda: Network([2, 3, 1], activations=["sigmoid", "softmax"]), ValueError,
     ["layer 2", "'softmax'", "single neuron", "always outputs 1", "'sigmoid'"]),
    ("dtype-unknown", lambda: Network([2, 1], dtype="float16"), ValueError,
     ["dtype", "'float16'", "'float64', 'float32'"]),
    ("dtype-int", lambda: Network([2, 1], dtype=int), ValueError, ["dtype", "'int64'", "'float64', 'float32'"]),
    ("bias-string", lambda: Network([2, 1], bias="no"), TypeError, ["bias", "True or False", "'no'"]),
    ("seed-string", lambda: Network([2, 1], seed="abc"), TypeError, ["seed", "whole number", "'abc'"]),
    ("seed-negative", lambda: Network([2, 1], seed=-3), ValueError, ["seed", ">= 0", "-3"]),
    # --- Network.from_weights(weights, biases, activations)
    ("weights-empty", lambda: Network.from_weights([]), TypeError, ["weights", "one matrix per layer", "[]"]),
    ("weights-array-not-list", lambda: Network.from_weights(np.zeros((2, 2))), TypeError,
     ["weights", "list", "shape (2, 2)"]),
    ("weights-chain-mismatch", lambda: Network.from_weights([np.ones((3, 2)), np.ones((1, 4))]), ValueError,
     ["weights[1]", "layer 2", "expected shape (1, 3)", "got (1, 4)"]),
    ("weights-1d", lambda: Network.from_weights([np.ones(3)]), ValueError, ["weights[0]", "layer 1", "2-D", "(3,)"]),
    ("weights-nan", lambda: Network.from_weights([[[1.0, np.nan]]]), ValueError,
     ["weights[0]", "layer 1", "finite", "nan", "(0, 1)"]),
    ("weights-strings", lambda: Network.from_weights([[["1", "2"]]]), TypeError,
     ["weights[0]", "real numbers", "<U1"]),
    ("weights-ragged", lambda: Network.from_weights([[[1, 2], [3]]]), ValueError,
     ["weights[0]", "rectangular", "[[1, 2], [3]]"]),
    ("weights-complex", lambda: Network.from_weights([np.ones((1, 2), complex)]), TypeError,
     ["weights[0]", "real numbers", "complex128"]),
    ("weights-objects", lambda: Network.from_weights([np.array([[object()]])]), ValueError,
     ["weights[0]", "non-numbers", "dtype object"]),
    ("weights-empty-matrix", lambda: Network.from_weights([np.zeros((0, 2))]), ValueError,
     ["weights[0]", "empty", "(0, 2)"]),
    ("biases-wrong-shape", lambda: Network.from_weights([np.ones((3, 2))], [np.zeros(2)]), ValueError,
     ["biases[0]", "layer 1", "shape (3,)", "got (2,)"]),
    ("biases-wrong-count", lambda: Network.from_weights([np.ones((3, 2))], [np.zeros(3), np.zeros(1)]), ValueError,
     ["biases", "one vector per layer (1)", "got 2"]),
    ("biases-not-a-list", lambda: Network.from_weights([np.ones((3, 2))], 5), TypeError,
     ["biases", "None or a list", "got 5"]),
    ("biases-inf", lambda: Network.from_weights([np.ones((3, 2))], [[0.0, np.inf, 0.0]]), ValueError,
     ["biases[0]", "layer 1", "finite", "inf", "index 1"]),
    # --- net.weights[l] = ..., net.biases[l] = ...
    ("set-weights-shape", lambda: net231().weights.__setitem__(2, np.ones((3, 1))), ValueError,
     ["weights[2]", "layer 2", "shape (1, 3)", "got shape (3, 1)"]),
    ("set-biases-nan", lambda: net231().biases.__setitem__(1, [0.0, np.nan, 0.0]), ValueError,
     ["biases[1]", "finite", "nan", "index 1"]),
    ("weights-layer-0", lambda: net231().weights[0], IndexError,
     ["weights[0]", "numbered 1..2", "layer 0 is the input"]),
    ("biases-layer-too-large", lambda: net231().biases[3], IndexError, ["biases[3]", "numbered 1..2"]),
    ("layer-activation-out-of-range", lambda: net231().layer_activation(5), IndexError,
     ["layer_activation[5]", "numbered 1..2"]),
    # --- forward(x)
    ("x-wrong-features", lambda: net231().forward([1.0, 2.0, 3.0]), ValueError,
     ["x", "2 features", "n_0", "got 3", "(3,)"]),
    ("x-batch-wrong-features", lambda: net231().forward(np.zeros((4, 3))), ValueError,
     ["x", "2 features", "got 3", "(4, 3)"]),
    ("x-3d", lambda: net231().forward(np.zeros((4, 2, 1))), ValueError, ["x", "1-D or 2-D", "(4, 2, 1)"]),
    ("x-scalar", lambda: net231().forward(1.0), ValueError, ["x", "1-D or 2-D", "0-D"]),
    ("x-nan", lambda: net231().forward([1.0, np.nan]), ValueError, ["x", "finite", "nan", "index 1"]),
    ("x-inf-in-batch", lambda: net231().forward([[0.0, 0.0], [-np.inf, 1.0]]), ValueError,
     ["x", "finite", "-inf", "(1, 0)"]),
    ("x-string", lambda: net231().forward("1 2"), TypeError, ["x", "numbers", "'1 2'"]),
    ("x-list-of-strings", lambda: net231().forward(["1", "2"]), TypeError, ["x", "real numbers", "<U1"]),
    ("x-ragged", lambda: net231().forward([[1, 2], [3]]), ValueError, ["x", "rectangular", "[[1, 2], [3]]"]),
    ("x-empty", lambda: net231().forward(np.zeros((0, 2))), ValueError, ["x", "empty", "(0, 2)"]),
    ("x-none", lambda: net231().forward(None), ValueError, ["x", "numbers", "None"]),
    ("x-too-large-for-float32", lambda: Network([2, 1], dtype="float32").forward([1e300, 1.0]), ValueError,
     ["x", "1e+300", "index 0", "too large for float32", "dtype='float64'"]),
    ("weights-too-large-for-float32", lambda: Network.from_weights([[[1.0, -1e39]]], dtype="float32"), ValueError,
     ["weights[0]", "layer 1", "-1e+39", "(0, 1)", "too large for float32"]),
    ("x-complex", lambda: net231().forward([1 + 1j, 2]), TypeError, ["x", "real numbers", "complex128"]),
    # --- backward(trace, y, loss)
    ("trace-not-a-trace", lambda: net231().backward(np.zeros(2), 1.0), TypeError,
     ["trace", "net.forward(x)", "shape (2,)"]),
    ("trace-other-network", lambda: net231().backward(Network([3, 1]).forward([1, 2, 3]), 1.0), ValueError,
     ["trace", "different shape"]),
    ("loss-unknown", lambda: net231().gradients([1, 2], 1.0, loss="mse"), ValueError, ["loss", "'mse'", LOSSES]),
    ("loss-none", lambda: net231().gradients([1, 2], 1.0, loss=None), ValueError, ["loss", "None", LOSSES]),
    ("y-wrong-shape", lambda: net231().gradients([1, 2], [1.0, 0.0]), ValueError,
     ["y", "shape (1, 1)", "output layer L=2", "got shape (2,)"]),
    ("y-batch-mismatch", lambda: net231().gradients(np.zeros((4, 2)), [1.0, 0.0, 1.0]), ValueError,
     ["y", "(4, 1)", "4 target values", "got shape (3,)"]),
    ("y-nan", lambda: net231().gradients([1, 2], np.nan), ValueError, ["y", "finite", "nan"]),
    ("y-string", lambda: net231().gradients([1, 2], "1"), TypeError, ["y", "numbers", "'1'"]),
    ("label-too-large", lambda: net233_softmax().gradients(np.zeros((3, 2)), [0, 1, 3], "cross_entropy"),
     ValueError, ["y", "class labels", "0..2", "3 neurons", "got 3"]),
    ("label-negative", lambda: net233_softmax().gradients(np.zeros((3, 2)), [0, -1, 2], "cross_entropy"),
     ValueError, ["y", "class labels", "0..2", "got -1"]),
    ("label-not-integer", lambda: net233_softmax().gradients(np.zeros((3, 2)), [0, 1.5, 2], "cross_entropy"),
     ValueError, ["y", "whole numbers", "0..2", "1.5"]),
    ("cross-entropy-targets-not-probabilities",
     lambda: net233_softmax().gradients(np.zeros((2, 2)), [[1, 1, 0], [0, 0, 1]], "cross_entropy"), ValueError,
     ["y", "'cross_entropy'", "summing to 1", "row 0 sums to 2"]),
    ("binary-cross-entropy-targets-outside-0-1",
     lambda: net231().gradients(np.zeros((2, 2)), [0.0, 2.0], "binary_cross_entropy"), ValueError,
     ["y", "'binary_cross_entropy'", "[0, 1]", "0..2"]),
    # --- losses that do not fit the output layer, stated plainly
    ("cross-entropy-without-softmax", lambda: net231().gradients([1, 2], 1.0, "cross_entropy"), ValueError,
     ["'cross_entropy'", "softmax output layer", "'sigmoid'", "delta^L = a^L - y"]),
    ("binary-cross-entropy-without-sigmoid",
     lambda: Network([2, 3, 1], activations="tanh").gradients([1, 2], 1.0, "binary_cross_entropy"), ValueError,
     ["'binary_cross_entropy'", "sigmoid output neurons", "'tanh'"]),
    ("binary-cross-entropy-partly-sigmoid",
     lambda: Network([2, 3, 2], activations=["tanh", ["sigmoid", "relu"]]).gradients([1, 2], [1, 0],
                                                                                      "binary_cross_entropy"),
     ValueError, ["'binary_cross_entropy'", "sigmoid output neurons", "['sigmoid', 'relu']"]),
    ("binary-cross-entropy-with-softmax",
     lambda: net233_softmax().gradients([1, 2], [1, 0, 0], "binary_cross_entropy"), ValueError,
     ["'binary_cross_entropy'", "sigmoid output neurons", "'softmax'"]),
    # --- apply(grads, lr, weight_decay)
    ("apply-not-gradients", lambda: net231().apply(np.zeros(13), 0.1), TypeError,
     ["grads", "net.backward", "shape (13,)"]),
    ("apply-gradients-of-another-network",
     lambda: net231().apply(Network([3, 1]).gradients([1, 2, 3], 1.0), 0.1), ValueError,
     ["grads", "4 values", "13 parameters", "another network"]),
    ("apply-lr-zero", lambda: net231().apply(net231().gradients([1, 2], 1.0), 0), ValueError,
     ["lr (learning rate)", "> 0", "got 0.0"]),
    ("apply-lr-negative", lambda: net231().apply(net231().gradients([1, 2], 1.0), -0.5), ValueError,
     ["lr (learning rate)", "> 0", "got -0.5"]),
    ("apply-lr-nan", lambda: net231().apply(net231().gradients([1, 2], 1.0), float("nan")), ValueError,
     ["lr (learning rate)", "finite", "got nan"]),
    ("apply-lr-inf", lambda: net231().apply(net231().gradients([1, 2], 1.0), float("inf")), ValueError,
     ["lr (learning rate)", "finite", "got inf"]),
    ("apply-lr-string", lambda: net231().apply(net231().gradients([1, 2], 1.0), "0.1"), TypeError,
     ["lr (learning rate)", "real number", "'0.1'"]),
    ("apply-weight-decay-negative", lambda: net231().apply(net231().gradients([1, 2], 1.0), 0.1, -1), ValueError,
     ["weight_decay", ">= 0", "-1.0"]),
    # --- train(...)
    ("train-not-a-network", lambda: bplab.train("net", X4, Y4), TypeError, ["net", "bplab.Network", "'net'"]),
    ("train-mode-unknown", lambda: train(mode="online"), ValueError,
     ["mode", "'online'", "'sample', 'batch', 'minibatch'"]),
    ("train-lr-zero", lambda: train(lr=0), ValueError, ["lr (learning rate)", "> 0", "0.0"]),
    ("train-lr-inf", lambda: train(lr=np.inf), ValueError, ["lr (learning rate)", "finite", "inf"]),
    ("train-lr-nan", lambda: train(lr=np.nan), ValueError, ["lr (learning rate)", "finite", "nan"]),
    ("train-batch-size-zero", lambda: train(batch_size=0), ValueError, ["batch_size", ">= 1", "got 0"]),
    ("train-batch-size-too-large", lambda: train(batch_size=5), ValueError,
     ["batch_size", "number of samples (4)", "got 5", "batch_size=4"]),
    ("train-batch-size-float", lambda: train(batch_size=2.0), TypeError, ["batch_size", "whole number", "2.0"]),
    ("train-epochs-zero", lambda: train(epochs=0), ValueError, ["epochs", ">= 1", "got 0"]),
    ("train-empty-X", lambda: train(X=np.zeros((0, 2)), Y=np.zeros(0)), ValueError, ["X", "empty", "(0, 2)"]),
    ("train-Y-length", lambda: train(Y=np.zeros(3)), ValueError, ["Y", "(4, 1)", "got shape (3,)"]),
    ("train-single-sample", lambda: train(X=np.zeros(2), Y=np.zeros(1)), ValueError,
     ["X", "2-D", "one per row", "(2,)"]),
    ("train-X-nan", lambda: train(X=[[0, 0], [0, np.nan], [0, 0], [1, 1]]), ValueError,
     ["X", "finite", "nan", "(1, 1)"]),
    ("train-validation-not-a-pair", lambda: train(validation=X4), TypeError,
     ["validation", "pair (X_val, Y_val)", "shape (4, 2)"]),
    ("train-validation-wrong-features", lambda: train(validation=(np.zeros((3, 5)), np.zeros(3))), ValueError,
     ["validation X", "2 features", "got 5"]),
    ("train-shuffle-string", lambda: train(shuffle="no"), TypeError, ["shuffle", "True or False", "'no'"]),
    ("train-seed-float", lambda: train(seed=1.5), TypeError, ["seed", "whole number", "1.5"]),
    ("train-weight-decay-inf", lambda: train(weight_decay=np.inf), ValueError, ["weight_decay", "finite", "inf"]),
    # --- net.loss, accuracy
    ("loss-method-unknown-loss", lambda: net231().loss(X4, Y4, loss="MSE"), ValueError, ["loss", "'MSE'", LOSSES]),
    ("loss-method-Y-shape", lambda: net231().loss(X4, np.zeros((4, 2))), ValueError,
     ["Y", "(4, 1)", "got (4, 2)", "output layer L=2"]),
    ("accuracy-Y-shape", lambda: bplab.accuracy(net231(), np.zeros((3, 2)), np.zeros(2)), ValueError,
     ["Y", "(3, 1)", "got shape (2,)"]),
    # --- gradcheck
    ("gradcheck-not-a-network", lambda: bplab.gradcheck("net", [1, 2], 1.0), TypeError, ["net", "'net'"]),
    ("gradcheck-tol-zero", lambda: bplab.gradcheck(net231(), [1, 2], 1.0, tol=0), ValueError, ["tol", "> 0", "0.0"]),
    ("gradcheck-h-zero", lambda: bplab.gradcheck(net231(), [1, 2], 1.0, h=0), ValueError,
     ["h (finite-difference step)", "> 0", "0.0"]),
    ("gradcheck-weight-decay-string", lambda: bplab.gradcheck(net231(), [1, 2], 1.0, weight_decay="0.1"), TypeError,
     ["weight_decay", "real number", "'0.1'"]),
    ("gradcheck-loss-unknown", lambda: bplab.gradcheck(net231(), [1, 2], 1.0, loss="l2"), ValueError,
     ["loss", "'l2'", LOSSES]),
    ("gradcheck-x-shape", lambda: bplab.gradcheck(net231(), [1, 2, 3], 1.0), ValueError, ["x", "2 features", "got 3"]),
    ("gradcheck-float32", lambda: bplab.gradcheck(Network([2, 3, 1], dtype="float32"), [1, 2], 1.0), ValueError,
     ["gradcheck", "float64", "float32", "rounding", "dtype='float64'"]),
    # --- worked_example
    ("worked-example-variant", lambda: bplab.worked_example("printed"), ValueError,
     ["variant", "'printed'", "'matrix', 'as_printed'"]),
    # --- datasets
    ("dataset-n-zero", lambda: make_xor(0), ValueError, ["n (number of samples)", ">= 1", "got 0"]),
    ("dataset-n-float", lambda: make_moons(10.5), TypeError, ["n (number of samples)", "whole number", "10.5"]),
    ("dataset-noise-negative", lambda: make_xor(10, noise=-0.1), ValueError, ["noise", ">= 0", "-0.1"]),
    ("dataset-seed-string", lambda: make_moons(10, seed="x"), TypeError, ["seed", "whole number", "'x'"]),
    ("dataset-spiral-one-class", lambda: make_spiral(10, classes=1), ValueError, ["classes", ">= 2", "got 1"]),
    ("dataset-circles-factor", lambda: make_circles(10, factor=2), ValueError,
     ["factor", "between 0 and 1", "2.0"]),
    ("minmax-scale-nan", lambda: minmax_scale([[1.0, np.nan], [2.0, 3.0]]), ValueError,
     ["X", "finite", "nan", "(0, 1)"]),
    ("minmax-scale-string", lambda: minmax_scale("abc"), TypeError, ["X", "numbers", "'abc'"]),
    ("minmax-scale-empty", lambda: minmax_scale(np.zeros((0, 2))), ValueError, ["X", "empty", "(0, 2)"]),
    ("split-length-mismatch", lambda: train_test_split(np.zeros((4, 2)), np.zeros(3), 1), ValueError,
     ["X and y", "4 rows in X", "3 in y"]),
    ("split-test-size-too-large", lambda: train_test_split(np.zeros((4, 2)), np.zeros(4), 4), ValueError,
     ["test_size", "smaller than the number of samples (4)", "got 4"]),
    ("split-test-size-fraction", lambda: train_test_split(np.zeros((4, 2)), np.zeros(4), 0.25), TypeError,
     ["test_size", "whole number", "0.25"]),
    # --- save / load (more in test_save_load.py)
    ("save-missing-folder", lambda: net231().save("/nonexistent-bplab-folder/net.npz"), FileNotFoundError,
     ["/nonexistent-bplab-folder", "does not exist"]),
    ("load-missing-file", lambda: Network.load("/nonexistent-bplab-folder/net.npz"), FileNotFoundError,
     ["/nonexistent-bplab-folder/net.npz", "no such file"]),
]


def test_the_battery_is_large():
    assert len(CASES) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("call, exc, parts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_a_teaching_message(call, exc, parts):
    with pytest.raises(exc, match=says(*parts)) as info:
        call()
    message = str(info.value)
    # a sentence, not a bare numpy/python error
    assert len(message) > 20 and message.rstrip()[-1] in ".)'", message


def test_messages_are_not_numpy_internals():
    """The bad inputs never reach numpy: no 'ufunc', 'broadcast' or 'tuple index' in any message."""
    for name, call, exc, _ in CASES:
        with pytest.raises(exc) as info:
            call()
        text = str(info.value)
        for internal in ("ufunc", "broadcast", "tuple index", "object is not iterable", "has no len()"):
            assert internal not in text, (name, text)


# ---------------------------------------------------------------- softmax outputs


def test_softmax_with_half_sse_is_allowed_and_matches_gradcheck():
    """half_sse works with every output activation; for softmax, delta^L = J^T (a^L - y)."""
    rng = np.random.default_rng(3)
    net = Network([3, 4, 3], activations=["tanh", "softmax"], seed=1)
    x, y = rng.normal(size=(5, 3)), np.eye(3)[[0, 2, 1, 1, 0]]
    report = bplab.gradcheck(net, x, y, loss="half_sse")
    assert report.passed, report
    # delta^L by the Jacobian written out: J = diag(a) - a a^T
    trace = net.forward(x[0])
    a = trace.output
    J = np.diag(a) - np.outer(a, a)
    np.testing.assert_allclose(net.backward(trace, y[0]).delta[2], J.T @ (a - y[0]), rtol=1e-12, atol=1e-15)


def test_softmax_with_cross_entropy_uses_the_shortcut():
    net = Network([3, 4, 3], activations=["tanh", "softmax"], seed=1)
    x, y = np.array([0.2, -1.0, 0.5]), np.array([0.0, 1.0, 0.0])
    trace = net.forward(x)
    np.testing.assert_allclose(net.backward(trace, y, "cross_entropy").delta[2], trace.output - y, rtol=0, atol=0)
    assert bplab.gradcheck(net, x, y, loss="cross_entropy").passed


# ---------------------------------------------------------------- divergence


# ---------------------------------------------------------------- exercises.check


def test_exercise_check_answers_bad_answers_with_feedback_not_a_crash():
    """A learner's wrong type or shape is a 'not yet' naming what was received, never an exception."""
    from bplab.exercises import check, compare

    wrong_type = compare("one half", np.array([0.5]), name="delta^2")
    assert wrong_type.ok is False and "'one half'" in wrong_type.message and "delta^2" in wrong_type.message
    wrong_shape = compare(np.zeros((2, 3)), np.zeros(3), name="dW^1")
    assert wrong_shape.ok is False and "(3,)" in wrong_shape.message and "(2, 3)" in wrong_shape.message
    ragged = compare([[1, 2], [3]], np.zeros(2), name="a^1")
    assert ragged.ok is False and "a^1" in ragged.message
    assert compare(np.nan, 1.0).ok is False
    assert compare(..., 1.0).ok is None
    assert check("03.2", "one half").ok is False and check("03.2", ...).ok is None
