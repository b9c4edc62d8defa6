"""The checks a :class:`bplab.Network` makes on what it is given, each answering with a sentence.

Kept out of ``network.py`` so that the math reads on its own. ``Network`` calls these through
its public methods (``net.input_rows``, ``net.targets``, ``net.loss_function``, ...).
"""

from __future__ import annotations

import numpy as np

from .activations import LayerActivation
from .errors import as_float_array, check_finite, choice, class_labels, show
from .losses import LOSS_NAMES, LOSSES

DTYPES = {"float64": np.float64, "float32": np.float32}


def dtype_of(dtype):
    """``dtype`` ('float64', 'float32' or a numpy dtype) as a numpy dtype."""
    try:
        name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    except TypeError:
        name = dtype  # not a dtype at all: choice() names it
    choice(name, tuple(DTYPES), "dtype")
    return np.dtype(DTYPES[name])


def check_sizes(sizes):
    """Layer sizes ``[n_0, n_1, ..., n_L]``: at least two whole numbers > 0."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer sizes such as [4, 5, 3], got {show(sizes)}.")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must list the input size and at least one layer, e.g. [4, 5, 3]; got {sizes}.")
    for i, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
            raise TypeError(f"sizes[{i}] must be a whole number of neurons, got {show(n)}.")
        if n <= 0:
            raise ValueError(f"sizes[{i}] (layer {i}) must be > 0 neurons, got {n}.")
    return [int(n) for n in sizes]


def layer_activations(activations, sizes):
    """One :class:`LayerActivation` per layer 1..L from a name, or a list of one entry per layer."""
    L = len(sizes) - 1
    if isinstance(activations, str):
        specs = [activations] * L
    else:
        if not isinstance(activations, (list, tuple)):
            raise TypeError(f"activations must be a name or a list of names, got {show(activations)}.")
        specs = list(activations)
        if len(specs) != L:
            raise ValueError(
                f"activations must have one entry per layer (layers 1..{L}, so {L} entries), got {len(specs)}:"
                f" {specs!r}."
            )
    return [LayerActivation(spec, sizes[l], l) for l, spec in enumerate(specs, start=1)]


def layer_list(values, name, what, alternative=""):
    """``values`` as a list with one ``what`` per layer; a dict, an array or a string is refused by name."""
    if isinstance(values, dict):
        raise TypeError(
            f"{name} must be {alternative}a list with one {what} per layer (layers 1..L, in order), got a dict with keys"
            f" {show(list(values))}; pass list(...) of its values in layer order."
        )
    if isinstance(values, (np.ndarray, str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
        raise TypeError(f"{name} must be {alternative}a list with one {what} per layer (layers 1..L), got {show(values)}.")
    return list(values)


def input_rows(net, x, name="x"):
    """x as a 2-D float array (one sample per row) and whether it was one sample."""
    x = as_float_array(x, name, dtype=net.dtype, ndim=(1, 2))
    n0 = net.sizes[0]
    if x.shape[-1] != n0:
        rule = f"{n0} features (the input layer's size n_0)"
        raise ValueError(f"{name} must have {rule} per sample, got {x.shape[-1]} (shape {x.shape}).")
    return (x[None, :], True) if x.ndim == 1 else (x, False)


def targets(net, y, m, loss, name="y"):
    """Targets as an (m, n_L) array; integer class labels become one-hot rows."""
    nL, L = net.sizes[-1], net.L
    arr = as_float_array(y, name, dtype=net.dtype, ndim=(0, 1, 2))
    if arr.ndim == 2:
        if arr.shape != (m, nL):
            raise ValueError(
                f"{name} must have shape ({m}, {nL}): {m} samples, {nL} outputs (the output layer L={L}),"
                f" got {arr.shape}."
            )
    elif arr.ndim == 0 and m == 1 and nL == 1:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1 and m == 1 and arr.shape[0] == nL:
        arr = arr[None, :]
    elif arr.ndim == 1 and nL == 1 and arr.shape[0] == m:
        arr = arr[:, None]
    elif (arr.ndim == 1 and arr.shape[0] == m) or (arr.ndim == 0 and m == 1):
        return one_hot(net, arr.reshape(m), name)  # one-hot rows are valid targets for every loss
    else:
        labels = f"{m} target value{'s' if m > 1 else ''}" if nL == 1 else f"{m} class labels in 0..{nL - 1}"
        raise ValueError(
            f"{name} must be targets of shape ({m}, {nL}) ({m} sample{'s' if m > 1 else ''}, {nL} output"
            f"{'s' if nL > 1 else ''} of the output layer L={L}) or {labels}, got shape {arr.shape}."
        )
    LOSSES[loss].check_targets(arr, name)
    return arr


def one_hot(net, labels, name="y"):
    """Class labels 0..n_L-1 as one-hot rows of length n_L."""
    nL = net.sizes[-1]
    if nL == 1:
        raise ValueError(f"{name}: with one output neuron, give targets 0/1 of shape (m,) or (m, 1), not labels.")
    ints = class_labels(labels, name, n_classes=nL, where=f" (the output layer has {nL} neurons)")
    return np.eye(nL, dtype=net.dtype)[ints if np.ndim(labels) else ints[0]]


def loss_function(net, loss):
    """The :class:`~bplab.losses.Loss` named ``loss``, refused if it does not fit the output layer."""
    choice(loss, LOSS_NAMES, "loss")
    problem = LOSSES[loss].check(net.f[net.L])
    if problem:
        raise ValueError(problem)
    return LOSSES[loss]


def parameter_name(net, i):
    """Which parameter ``net.theta[i]`` is, in words: 'weights[l][j, k] (W^l, layer l)' or 'biases[l][j] (b^l, ...)'."""
    offset = 0
    for l, (m, n) in enumerate(zip(net.sizes, net.sizes[1:]), start=1):
        if i < offset + n * m:
            j, k = divmod(i - offset, m)
            return f"weights[{l}][{j}, {k}] (W^{l}, layer {l})"
        offset += n * m
        if net.bias:
            if i < offset + n:
                return f"biases[{l}][{i - offset}] (b^{l}, layer {l})"
            offset += n
    return f"theta[{i}]"


def check_parameters(net, name="net"):
    """Raise naming the first parameter that is NaN or infinite (say, written through ``net.weights[l]``)."""
    try:
        check_finite(net.theta, f"{name}'s parameters")
    except ValueError:
        i = int(np.flatnonzero(~np.isfinite(net.theta))[0])
        raise ValueError(
            f"{name}'s parameters must be finite, but {parameter_name(net, i)} is {net.theta[i]}; set it to a"
            " finite value (for example by building the network again)."
        ) from None
