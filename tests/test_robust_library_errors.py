"""Issue 14, bplab's own error instead of a library's: paths, saved files, containers of weights.

Each case asserts the error's type and that its message names the argument, the rule and the value.
"""

import io
import json
import os
import re
import tracemalloc

import numpy as np
import pytest

import bplab
from bplab import Network


def says(*parts):
    """A regex matching a message that contains every one of ``parts`` literally."""
    return "(?s)" + "".join(f"(?=.*{re.escape(p)})" for p in parts)


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
