"""Issue 14, bplab's own error instead of a library's: a learner's bad input is answered by bplab
with a sentence naming the argument, the rule and the value, never by a numpy, pathlib or int()
exception from deep inside a library.

The explicit cases come first; the Hypothesis property at the end throws random junk at every
public function and requires that whatever is raised was raised by bplab's own code.
"""

import io
import json
import os
import re
import tracemalloc
import traceback
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bplab
import bplab.datasets as D
import bplab.metrics as M
from bplab import Network


def says(*parts):
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in parts)


def net23():
    return Network([2, 3], activations="softmax", seed=0)


CASES = [
    # labels given as strings, empty label lists, labels too large for an integer (shown as given)
    ("labels-strings", lambda: net23().one_hot(["cat", "dog"]), TypeError, ["y", "class labels", "whole numbers", "cat"]),
    ("labels-string", lambda: net23().one_hot("2"), TypeError, ["y", "class labels", "whole numbers", "'2'"]),
    ("labels-empty", lambda: net23().one_hot([]), ValueError, ["y", "non-empty", "class labels", "(0,)"]),
    ("labels-huge-int", lambda: net23().one_hot([10**30]), ValueError,
     ["y", "class labels", "0..2", str(10**30), "too large"]),
    ("labels-huge-float", lambda: net23().one_hot([1e300]), ValueError, ["y", "class labels", "0..2", "1e+300", "too large"]),
    ("labels-complex", lambda: net23().one_hot([1 + 2j]), TypeError, ["y", "class labels", "complex"]),
    ("labels-nan", lambda: net23().one_hot([np.nan]), ValueError, ["y", "whole-number class labels", "nan"]),
    ("confusion-strings", lambda: M.confusion_matrix(["a"], [0]), TypeError, ["y_true", "class labels", "'a'"]),
    ("confusion-empty", lambda: M.confusion_matrix([], []), ValueError, ["y_true", "non-empty", "(0,)"]),
    ("confusion-huge", lambda: M.confusion_matrix([2**70], [0]), ValueError, ["y_true", str(2**70), "too large"]),
    ("misclassified-strings", lambda: M.misclassified(net23(), [[0.0, 1.0]], ["a"]), TypeError, ["y", "'a'"]),
    # one seed check everywhere
    ("split-seed-string", lambda: D.train_test_split([[1], [2], [3]], [0, 1, 0], 1, seed="abc"), TypeError,
     ["seed", "whole number >= 0", "'abc'"]),
    ("split-seed-negative", lambda: D.train_test_split([[1], [2], [3]], [0, 1, 0], 1, seed=-1), ValueError,
     ["seed", ">= 0", "-1"]),
    ("split-seed-float", lambda: D.train_test_split([[1], [2], [3]], [0, 1, 0], 1, seed=1.5), TypeError, ["seed", "1.5"]),
    # sizes a machine cannot hold
    ("moons-too-many", lambda: D.make_moons(10**30), ValueError, ["n (number of samples)", "at most", "10,000,000"]),
    # a dtype that is not one
    ("dtype-dict", lambda: Network([2, 2], dtype={"a": 1}), ValueError, ["dtype", "{'a': 1}", "'float64'"]),
    ("dtype-object", lambda: Network([2, 2], dtype=3 + 1j), ValueError, ["dtype", "(3+1j)", "'float32'"]),
]


@pytest.mark.parametrize("call, exc, parts", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bplab_answers_with_its_own_sentence(call, exc, parts):
    with pytest.raises(exc, match=says(*parts)) as info:
        call()
    assert _raised_by_bplab(info.value), "".join(traceback.format_exception(info.value))


# ------------------------------------------------------------------ the property

PACKAGE = Path(bplab.__file__).resolve().parent


def _raised_by_bplab(exc):
    """True when the innermost frame of the traceback is in bplab's own code."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(PACKAGE)


def call_with_junk(fn, name, value, answers):
    """Call ``fn(value)``: it may return, or raise one of ``answers`` from bplab's own code; any other
    exception, any of ``answers`` raised inside a library, or a library's warning fails the test.
    Shared by the junk properties of the other test modules (graph, stepper)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a library's warning (ComplexWarning, overflow) is not an answer either
        try:
            fn(value)
        except answers as exc:
            assert _raised_by_bplab(exc), f"{name}({value!r}) let a library error escape:\n" + "".join(
                traceback.format_exception(exc)
            )


junk = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.complex_numbers(allow_nan=True),
    st.text(max_size=6), st.binary(max_size=4), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.lists(st.integers(-3, 3), max_size=3), st.lists(st.lists(st.floats(-3, 3), max_size=3), max_size=3),
    st.sampled_from([np.array([]), np.zeros((0, 2)), np.array(["a", "b"]), np.array([1 + 1j]), np.array([[np.nan, 1.0]]),
                     np.ones((2, 2, 2)), np.array([object()]), object(), Path("."), slice(1)]),
)

NET = Network([2, 3, 2], seed=0)
X2, LABELS2 = np.array([[0.1, 0.2], [0.3, -0.4]]), np.array([0, 1])
PUBLIC = {
    "Network(sizes)": lambda j: Network(j),
    "Network(activations)": lambda j: Network([2, 2], activations=j),
    "Network(bias)": lambda j: Network([2, 2], bias=j),
    "Network(seed)": lambda j: Network([2, 2], seed=j),
    "Network(dtype)": lambda j: Network([2, 2], dtype=j),
    "Network.from_weights(weights)": lambda j: Network.from_weights(j),
    "net.forward(x)": lambda j: NET.forward(j),
    "net.predict(X)": lambda j: NET.predict(j),
    "net.gradients(x)": lambda j: NET.gradients(j, [1.0, 0.0]),
    "net.gradients(y)": lambda j: NET.gradients([0.1, 0.2], j),
    "net.gradients(loss)": lambda j: NET.gradients([0.1, 0.2], [1.0, 0.0], loss=j),
    "net.loss(Y)": lambda j: NET.loss(X2, j),
    "net.one_hot(labels)": lambda j: NET.one_hot(j),
    "net.apply(grads)": lambda j: NET.copy().apply(j, 0.1),
    "net.apply(lr)": lambda j: NET.copy().apply(NET.gradients([0.1, 0.2], [1.0, 0.0]), j),
    "train(X)": lambda j: bplab.train(NET.copy(), j, LABELS2, epochs=1, progress=False),
    "train(Y)": lambda j: bplab.train(NET.copy(), X2, j, epochs=1, progress=False),
    "train(lr)": lambda j: bplab.train(NET.copy(), X2, LABELS2, lr=j, epochs=1, progress=False),
    "train(epochs)": lambda j: bplab.train(NET.copy(), X2, LABELS2, epochs=j, progress=False),
    "train(mode)": lambda j: bplab.train(NET.copy(), X2, LABELS2, mode=j, epochs=1, progress=False),
    "train(batch_size)": lambda j: bplab.train(NET.copy(), X2, LABELS2, mode="minibatch", batch_size=j, epochs=1,
                                               progress=False),
    "train(seed)": lambda j: bplab.train(NET.copy(), X2, LABELS2, seed=j, epochs=1, progress=False),
    "accuracy(Y)": lambda j: bplab.accuracy(NET, X2, j),
    "gradcheck(x)": lambda j: bplab.gradcheck(NET, j, [1.0, 0.0]),
    "datasets.make_moons(n)": lambda j: D.make_moons(j),
    "datasets.make_spiral(noise)": lambda j: D.make_spiral(20, noise=j),
    "datasets.minmax_scale(X)": lambda j: D.minmax_scale(j),
    "datasets.minmax_scale(low)": lambda j: D.minmax_scale(X2, low=j),
    "datasets.train_test_split(test_size)": lambda j: D.train_test_split(X2, LABELS2, j),
    "datasets.train_test_split(seed)": lambda j: D.train_test_split(X2, LABELS2, 1, seed=j),
    "metrics.confusion_matrix(y_true)": lambda j: M.confusion_matrix(j, [0, 1]),
    "metrics.predicted_classes(X)": lambda j: M.predicted_classes(NET, j),
    "metrics.weight_norms(net)": lambda j: M.weight_norms(j),
    "worked_example(variant)": lambda j: bplab.worked_example(j),
    "Network.save(path)": lambda j: NET.save(j),
    "Network.load(path)": lambda j: Network.load(j),
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=junk)
def test_no_library_exception_escapes_on_junk(name, value, tmp_path_factory, monkeypatch):
    monkeypatch.chdir(tmp_path_factory.getbasetemp())  # a junk path that happens to be valid lands in a temp folder
    call_with_junk(PUBLIC[name], name, value, (TypeError, ValueError, OSError, KeyError, IndexError, bplab.TrainingDiverged))


# ================================================================ paths, saved files, containers of weights


def net231():
    return Network([2, 3, 1], seed=0)


# ---------------------------------------------------------------- path arguments

BAD_PATHS = [
    (None, TypeError, "None"),
    (b"net.npz", TypeError, "b'net.npz'"),
    (io.BytesIO(), TypeError, "BytesIO"),
    (3, TypeError, "3"),
    ("", ValueError, "''"),
]


@pytest.mark.parametrize("path, kind, shown", BAD_PATHS, ids=lambda v: repr(v)[:20])
def test_save_path_must_be_a_str_or_pathlike(path, kind, shown, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(kind, match=says("path must be a str or os.PathLike", shown)):
        net231().save(path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path, kind, shown", BAD_PATHS, ids=lambda v: repr(v)[:20])
def test_load_path_must_be_a_str_or_pathlike(path, kind, shown):
    with pytest.raises(kind, match=says("path must be a str or os.PathLike", shown)):
        Network.load(path)


def test_a_folder_error_names_the_users_path_not_a_temporary_file(tmp_path, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / ".net.npz.x1y2.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    target = str(tmp_path / "net.npz")
    with pytest.raises(PermissionError, match=says(f"path {target!r}", "could not write", "Permission denied")) as info:
        net231().save(target)
    assert ".tmp" not in str(info.value)


def test_saving_into_a_file_instead_of_a_folder_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    path = str(tmp_path / "notes.txt" / "net.npz")
    with pytest.raises(NotADirectoryError, match=says(f"path {path!r}", "is a file, not a folder")):
        net231().save(path)


def test_saving_over_a_folder_names_the_users_path(tmp_path):
    (tmp_path / "net.npz").mkdir()
    path = str(tmp_path / "net.npz")
    with pytest.raises(OSError, match=says(f"path {path!r}", "could not save the network there")) as info:
        net231().save(path)
    assert ".tmp" not in str(info.value) and sorted(p.name for p in tmp_path.iterdir()) == ["net.npz"]


def test_loading_a_folder_names_the_users_path(tmp_path):
    (tmp_path / "saved").mkdir()
    path = str(tmp_path / "saved")
    with pytest.raises(ValueError, match=says(f"path {path!r}", "is a folder", "not a readable bplab network file")):
        Network.load(path)


def test_saving_through_a_symbolic_link_updates_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.npz"
    net231().save(real)
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    other = Network([2, 3, 1], seed=7)
    assert other.save(link) == link
    assert link.is_symlink() and os.readlink(link) == str(real)  # the link is kept
    np.testing.assert_array_equal(Network.load(real).theta, other.theta)  # and its target updated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.npz", "real.npz"]


# ---------------------------------------------------------------- saved files that lie about their size


def test_recorded_sizes_that_do_not_match_the_parameters_are_refused_before_allocating(tmp_path):
    path = net231().save(tmp_path / "net.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    meta["sizes"] = [100_000, 100_000, 100_000]  # 2e10 parameters: 160 GB if anything were built from them
    text = json.dumps(meta, sort_keys=True)
    np.savez(path, **{**arrays, "meta": np.array(text),
                      "checksum": np.array(bplab.io.checksum(text, arrays["theta"]))})
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=says(str(path), "20000200000 float64 parameters",
                                                  "its theta holds 13 values")):
            Network.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10 * 2**20, peak


def test_per_neuron_activations_are_read_only_once_the_sizes_match(tmp_path):
    path = net231().save(tmp_path / "net.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays["meta"]))
    meta["activations"] = [["sigmoid", "tanh"], "sigmoid"]  # 2 names for 3 neurons
    text = json.dumps(meta, sort_keys=True)
    np.savez(path, **{**arrays, "meta": np.array(text),
                      "checksum": np.array(bplab.io.checksum(text, arrays["theta"]))})
    with pytest.raises(ValueError, match=says(str(path), "cannot read", "one name per neuron", "3 neurons", "2 names")):
        Network.load(path)


# ---------------------------------------------------------------- containers of weights


def test_a_dict_of_weights_is_named_as_a_dict():
    weights = {1: np.ones((3, 2)), 2: np.ones((1, 3))}
    with pytest.raises(TypeError, match=says("weights must be a list", "one matrix per layer", "got a dict",
                                             "keys [1, 2]", "list(")):
        Network.from_weights(weights)


def test_a_dict_of_biases_is_named_as_a_dict():
    with pytest.raises(TypeError, match=says("biases must be None or a list", "got a dict", "keys ['b1', 'b2']")):
        Network.from_weights([np.ones((3, 2)), np.ones((1, 3))], {"b1": np.zeros(3), "b2": np.zeros(1)})
