"""Saving and loading a network: a portable .npz file (no pickle), checksummed, written atomically.

The file holds four arrays: ``format`` (the tag ``bplab-network-1``), ``meta`` (the sizes,
activations, bias and dtype as JSON), ``theta`` (every parameter, in the network's layout) and
``checksum`` (SHA-256 of meta and theta). ``load`` checks each of them, and refuses a file whose
description does not match its parameters before reading anything large.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from . import checks
from .errors import check_path, flag

FILE_FORMAT = "bplab-network-1"
MEMBERS = ("format", "meta", "theta", "checksum")


class ForeignFile(Exception):
    """An .npz archive that is not a bplab network (its arrays are given as the argument)."""


def checksum(meta: str, theta: np.ndarray) -> str:
    """SHA-256 of the description and the parameters' bytes."""
    return hashlib.sha256(meta.encode() + b"\0" + np.ascontiguousarray(theta).tobytes()).hexdigest()


def description(net) -> str:
    """The network's shape as JSON: sizes, activations, bias and dtype."""
    info = {"sizes": net.sizes, "activations": net.activations, "bias": net.bias, "dtype": net.dtype.name}
    return json.dumps(info, sort_keys=True)


def save(net, path):
    """Save ``net`` to ``path`` (``.npz`` is added if missing); returns the path as a ``Path``.

    Written to a temporary file beside the target, then renamed over it, so an interrupted
    save never leaves a half-written file. If ``path`` is a symbolic link, the file it points
    to is replaced and the link kept. Parameters that are not finite are refused.
    """
    text = check_path(path)
    if not text.endswith(".npz"):
        text += ".npz"
    folder = os.path.dirname(text) or "."
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(f"path {text!r}: {folder!r} is a file, not a folder to save into.")
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"path {text!r}: the folder {folder!r} does not exist; create it first.")
    net.check_parameters()
    target = os.path.realpath(text)  # through symbolic links: replace the file, keep the link
    meta = description(net)
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as exc:  # name the user's path, not the temporary file's
        raise type(exc)(f"path {text!r}: could not write a file in its folder ({exc.strerror or exc}).") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, format=np.array(FILE_FORMAT), meta=np.array(meta), theta=net.theta,
                     checksum=np.array(checksum(meta, net.theta)))
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes the file private (0600): give it a normal mode
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and os.path.basename(tmp) in str(exc):  # the user's path, not the temporary one
            raise type(exc)(f"path {text!r}: could not save the network there ({exc.strerror or exc}).") from None
        raise
    return Path(text)


def load(path, cls):
    """The :class:`~bplab.Network` (built by ``cls``) saved at ``path``, after checking the file."""
    text = check_path(path)
    if not os.path.exists(text) and not text.endswith(".npz") and os.path.exists(text + ".npz"):
        text += ".npz"  # save() added the suffix
    if not os.path.exists(text):
        raise FileNotFoundError(f"path {text!r}: no such file to load a network from.")
    if os.path.isdir(text):
        raise ValueError(f"path {text!r} is a folder, not a readable bplab network file.")
    try:
        with zipfile.ZipFile(text) as archive:
            found = sorted(name.removesuffix(".npy") for name in archive.namelist())
            if found != sorted(MEMBERS):
                raise ForeignFile(found)
            small = {name: read_member(archive, name) for name in ("format", "meta", "checksum")}
            if str(small["format"]) != FILE_FORMAT:
                raise ForeignFile(found)
            meta = str(small["meta"])
            sizes, bias, dtype, activations = read_description(text, meta)
            expected = cls.n_params(sizes, bias)
            shape, stored = member_header(archive, "theta")
            if shape != (expected,) or stored != dtype:
                raise ValueError(
                    f"path {text!r} describes a network with {expected} {dtype.name} parameters, but its theta holds"
                    f" {int(np.prod(shape))} values of dtype {stored} (shape {shape})."
                )
            try:  # built only now that the sizes are known to match the file's parameters
                checks.layer_activations(activations, sizes)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"path {text!r} holds a network description bplab cannot read: {exc}") from None
            theta = read_member(archive, "theta")
    except ForeignFile as exc:
        raise ValueError(
            f"path {text!r} is an .npz file but not a bplab network (expected format {FILE_FORMAT!r},"
            f" found the arrays {exc.args[0]})."
        ) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, TypeError) as exc:
        if str(exc).startswith(f"path {text!r}"):
            raise
        raise ValueError(
            f"path {text!r} is not a readable bplab network file (truncated, or not an .npz): {exc}"
        ) from None
    if checksum(meta, theta) != str(small["checksum"]):
        raise ValueError(f"path {text!r} has been modified since it was saved: its checksum does not match.")
    net = cls(sizes, activations, bias=bias, dtype=dtype, seed=0)
    try:
        net.theta = theta
    except ValueError as exc:
        raise ValueError(f"path {text!r} holds parameters that are not finite: {exc}") from None
    return net


def read_description(text, meta):
    """sizes, bias, dtype and the activations' spec from the JSON ``meta``, or a ValueError naming the file."""
    try:
        info = json.loads(meta)
        sizes = checks.check_sizes(info["sizes"])
        bias, dtype, activations = flag(info["bias"], "bias"), checks.dtype_of(info["dtype"]), info["activations"]
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"path {text!r} holds a network description bplab cannot read: {exc}") from None
    return sizes, bias, dtype, activations


def member_header(archive, name):
    """The shape and dtype recorded in the header of the array ``name``, without reading its data."""
    with archive.open(name + ".npy") as fh:
        version = np.lib.format.read_magic(fh)
        reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = reader(fh)
    return shape, dtype


def read_member(archive, name):
    with archive.open(name + ".npy") as fh:
        return np.lib.format.read_array(fh, allow_pickle=False)


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
