"""net.save(path) / Network.load(path): portable, exact, checked, and never half-written."""

import json
import os
import zipfile

import numpy as np
import pytest

import bplab
from bplab import Network
from bplab.io import FILE_FORMAT

NETWORKS = {
    "sigmoid": lambda: Network([2, 3, 1], seed=1),
    "per-neuron": lambda: Network([3, 4, 2], activations=[["sigmoid", "tanh", "relu", "identity"], "leaky_relu"], seed=2),
    "softmax": lambda: Network([4, 5, 3], activations=["relu", "softmax"], seed=3),
    "no-bias": lambda: Network([2, 3, 2, 1], activations="tanh", bias=False, seed=4),
    "float32": lambda: Network([3, 4, 2], activations=["tanh", ["sigmoid", "identity"]], seed=5, dtype="float32"),
    "float32-no-bias": lambda: Network([2, 2], bias=False, seed=6, dtype="float32"),
    "worked-example": lambda: bplab.worked_example()[0],
}


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("make", NETWORKS.values(), ids=NETWORKS.keys())
def test_round_trip_is_bit_exact(make, tmp_path):
    net = make()
    # values that a decimal text format would round: the round trip must keep every bit
    net.theta[...] = np.random.default_rng(0).normal(size=net.theta.size).astype(net.dtype) / 3
    saved = net.save(tmp_path / "net.npz")
    assert saved == tmp_path / "net.npz" and listing(tmp_path) == ["net.npz"]
    back = Network.load(saved)
    assert back.sizes == net.sizes
    assert back.activations == net.activations
    assert back.bias == net.bias
    assert back.dtype == net.dtype and back.theta.dtype == net.theta.dtype
    assert back.theta.tobytes() == net.theta.tobytes()
    for l in range(1, net.L + 1):
        assert back.weights[l].tobytes() == net.weights[l].tobytes()
        if net.bias:
            assert back.biases[l].tobytes() == net.biases[l].tobytes()
        else:
            assert back.biases[l] is None
    x = np.linspace(-1, 1, 4 * net.sizes[0]).reshape(4, net.sizes[0])
    assert back.predict(x).tobytes() == net.predict(x).tobytes()
    # the loaded network is independent of the file and of the original
    back.theta[0] += 1
    assert back.theta[0] != net.theta[0]


def test_file_is_portable_npz_without_pickle(tmp_path):
    net = NETWORKS["per-neuron"]()
    path = net.save(tmp_path / "net.npz")
    with np.load(path, allow_pickle=False) as data:
        assert set(data.files) == {"format", "meta", "theta", "checksum"}
        arrays = {k: data[k] for k in data.files}
    assert all(a.dtype != object for a in arrays.values())
    assert str(arrays["format"]) == FILE_FORMAT
    # the description is plain JSON a person (or another language) can read
    meta = json.loads(str(arrays["meta"]))
    assert meta == {"sizes": [3, 4, 2], "activations": [["sigmoid", "tanh", "relu", "identity"], "leaky_relu"],
                    "bias": True, "dtype": "float64"}
    np.testing.assert_array_equal(arrays["theta"], net.theta)
    # and it is a standard zip archive of .npy members
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == ["checksum.npy", "format.npy", "meta.npy", "theta.npy"]


def test_suffix_is_added_and_load_finds_it(tmp_path):
    net = NETWORKS["sigmoid"]()
    saved = net.save(tmp_path / "model")
    assert saved.name == "model.npz" and listing(tmp_path) == ["model.npz"]
    assert Network.load(tmp_path / "model").theta.tobytes() == net.theta.tobytes()
    assert Network.load(str(saved)).theta.tobytes() == net.theta.tobytes()


def test_saving_over_an_existing_file_replaces_it(tmp_path):
    path = tmp_path / "net.npz"
    NETWORKS["sigmoid"]().save(path)
    other = NETWORKS["softmax"]()
    other.save(path)
    assert Network.load(path).sizes == other.sizes and listing(tmp_path) == ["net.npz"]


# ---------------------------------------------------------------- bad files


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        Network.load(tmp_path / "absent.npz")


@pytest.mark.parametrize("keep", [0, 10, 100, 0.5, 0.9])
def test_truncated_file(tmp_path, keep):
    path = NETWORKS["per-neuron"]().save(tmp_path / "net.npz")
    data = path.read_bytes()
    n = keep if isinstance(keep, int) else int(len(data) * keep)
    path.write_bytes(data[:n])
    with pytest.raises(ValueError, match=r"'.*net\.npz' is not a readable bplab network file \(truncated"):
        Network.load(path)


def test_foreign_npz(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, W=np.ones((2, 2)), b=np.zeros(2))
    with pytest.raises(ValueError, match=r"an \.npz file but not a bplab network.*\['W', 'b'\]"):
        Network.load(path)


def test_npz_with_a_different_format_tag(tmp_path):
    path = NETWORKS["sigmoid"]().save(tmp_path / "net.npz")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["format"] = np.array("bplab-network-99")
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="expected format 'bplab-network-1'"):
        Network.load(path)


def test_single_npy_array_named_npz(tmp_path):
    path = tmp_path / "array.npz"
    with open(path, "wb") as fh:
        np.save(fh, np.arange(5.0))
    with pytest.raises(ValueError, match="not a readable bplab network file"):
        Network.load(path)


def test_text_file(tmp_path):
    path = tmp_path / "weights.npz"
    path.write_text("W1 = [[2, 1], [1, 3], [3, 2]]\n")
    with pytest.raises(ValueError, match="not a readable bplab network file"):
        Network.load(path)


def test_pickled_npz_is_refused(tmp_path):
    path = tmp_path / "pickled.npz"
    np.savez(path, format=np.array(FILE_FORMAT), meta=np.array({"a": 1}, dtype=object), theta=np.zeros(3),
             checksum=np.array("x"))
    with pytest.raises(ValueError, match="not a readable bplab network file.*pickle"):
        Network.load(path)


def test_bytes_changed_in_theta(tmp_path):
    """Flip the bytes of one parameter inside the archive: the zip CRC or the checksum catches it."""
    net = NETWORKS["per-neuron"]()
    path = net.save(tmp_path / "net.npz")
    raw = bytearray(path.read_bytes())
    where = raw.find(net.theta[3:5].tobytes())
    assert where > 0  # np.savez stores members uncompressed, so theta's bytes are in the file as they are
    raw[where : where + 8] = np.float64(123.0).tobytes()
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="(modified since it was saved|not a readable bplab network file)"):
        Network.load(path)


def _repack(path, **changes):
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays.update(changes)
    np.savez(path, **arrays)
    return arrays


def test_theta_changed_and_repacked(tmp_path):
    net = NETWORKS["softmax"]()
    path = net.save(tmp_path / "net.npz")
    theta = net.theta.copy()
    theta[0] += 1e-12
    _repack(path, theta=theta)
    with pytest.raises(ValueError, match="modified since it was saved: its checksum does not match"):
        Network.load(path)


def test_meta_edited(tmp_path):
    path = NETWORKS["sigmoid"]().save(tmp_path / "net.npz")
    with np.load(path) as data:
        meta = json.loads(str(data["meta"]))
    meta["activations"] = ["relu", "sigmoid"]
    _repack(path, meta=np.array(json.dumps(meta, sort_keys=True)))
    with pytest.raises(ValueError, match="modified since it was saved"):
        Network.load(path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda m: {**m, "sizes": [2, 4, 1]}, "17 float64 parameters, but its theta holds 13 values"),
        (lambda m: {**m, "dtype": "float32"}, "float32 parameters, but its theta holds 13 values of dtype float64"),
        (lambda m: {**m, "activations": "swish"}, "network description bplab cannot read: unknown activation"),
        (lambda m: {k: v for k, v in m.items() if k != "bias"}, "network description bplab cannot read: 'bias'"),
        (lambda m: {**m, "sizes": [2, 0, 1]}, r"cannot read: sizes\[1\] \(layer 1\) must be > 0"),
        (lambda m: "not json {", "network description bplab cannot read"),
    ],
)
def test_meta_edited_with_a_recomputed_checksum(tmp_path, edit, message):
    """Even a deliberate edit that fixes the checksum is refused with a sentence, not a numpy error."""
    path = NETWORKS["sigmoid"]().save(tmp_path / "net.npz")
    with np.load(path) as data:
        meta, theta = json.loads(str(data["meta"])), data["theta"]
    new = edit(meta)
    text = new if isinstance(new, str) else json.dumps(new, sort_keys=True)
    _repack(path, meta=np.array(text), checksum=np.array(bplab.io.checksum(text, theta)))
    with pytest.raises(ValueError, match=message):
        Network.load(path)


# ---------------------------------------------------------------- atomic save


class Boom(OSError):
    pass


def half_write_then_fail(file, **arrays):
    """Stands in for np.savez: writes the start of an archive, then fails like a full disk."""
    file.write(b"PK\x03\x04" + b"\0" * 200)
    file.flush()
    raise Boom("No space left on device (simulated)")


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_save_leaves_no_partial_file(tmp_path, monkeypatch, existing):
    target = tmp_path / "net.npz"
    old = NETWORKS["softmax"]()
    if existing:
        old.save(target)
    before = target.read_bytes() if existing else None
    monkeypatch.setattr(np, "savez", half_write_then_fail)
    with pytest.raises(Boom):
        NETWORKS["sigmoid"]().save(target)
    monkeypatch.undo()
    # no temporary file left behind, and the target is exactly as it was (or still absent)
    assert listing(tmp_path) == (["net.npz"] if existing else [])
    if existing:
        assert target.read_bytes() == before
        assert Network.load(target).theta.tobytes() == old.theta.tobytes()


def test_an_interrupted_save_leaves_no_partial_file(tmp_path, monkeypatch):
    """Ctrl-C (KeyboardInterrupt) during the write is cleaned up too."""
    target = tmp_path / "net.npz"

    def interrupted(file, **arrays):
        file.write(b"PK\x03\x04")
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        NETWORKS["sigmoid"]().save(target)
    monkeypatch.undo()
    assert listing(tmp_path) == []


def test_a_failed_rename_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "net.npz"
    old = NETWORKS["softmax"]()
    old.save(target)
    before = target.read_bytes()

    def failing_replace(src, dst):
        raise Boom("rename failed (simulated)")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(Boom):
        NETWORKS["sigmoid"]().save(target)
    monkeypatch.undo()
    assert listing(tmp_path) == ["net.npz"] and target.read_bytes() == before


def test_save_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder .*missing.* does not exist"):
        NETWORKS["sigmoid"]().save(tmp_path / "missing" / "net.npz")
    assert listing(tmp_path) == []


def test_saved_file_has_the_mode_of_an_ordinary_file(tmp_path):
    """The temporary file is private (0600) while it is written; the saved file is not."""
    ordinary = tmp_path / "ordinary.bin"
    ordinary.write_bytes(b"x")
    saved = NETWORKS["sigmoid"]().save(tmp_path / "net.npz")
    assert (saved.stat().st_mode & 0o777) == (ordinary.stat().st_mode & 0o777)
