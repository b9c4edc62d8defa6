"""Input checks that answer a learner's mistake with a sentence, not a traceback.

Every message names the argument, the rule it broke and the value received, and
where it helps, the fix. All checks raise ``ValueError`` or ``TypeError``.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np


def show(value, limit: int = 80) -> str:
    """A short printable form of a received value, for error messages."""
    if isinstance(value, np.ndarray):
        text = f"array of shape {value.shape} and dtype {value.dtype}"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def as_float_array(value, name: str, dtype=np.float64, ndim=None) -> np.ndarray:
    """Convert ``value`` to a finite float array, or raise naming ``name``.

    ``ndim`` may be an int or a tuple of allowed dimensions.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be numbers (an array or nested lists), got the string {show(value)}.")
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # numpy refuses some ragged nestings outright
        raise ValueError(f"{name} must be a rectangular array, but its rows have different lengths: {show(value)}.") from exc
    if arr.dtype == object:
        raise ValueError(
            f"{name} must be a rectangular array of numbers, but it is ragged or holds non-numbers: {show(value)}."
        )
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype} ({show(value)}).")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got a {arr.ndim}-D array of shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one value.")
    check_finite(arr, name)
    target = np.dtype(dtype)
    if target.kind == "f" and arr.dtype != target:
        largest = np.finfo(target).max
        too_big = np.abs(arr) > largest
        if too_big.any():
            where = tuple(int(i) for i in np.argwhere(too_big)[0])
            at = f" at index {where if arr.ndim > 1 else where[0]}" if arr.ndim else ""
            raise ValueError(
                f"{name} holds {float(arr[where]):g}{at}, too large for {target.name} (largest {largest:.3g});"
                " rescale the data or use dtype='float64'."
            )
    return arr.astype(target, copy=False)


def all_finite(arr: np.ndarray) -> bool:
    """Whether every entry of ``arr`` is finite (integers and booleans always are).

    One BLAS pass, ``vdot(arr, arr)``, with no boolean temporary and no overflow warning: a NaN
    or inf anywhere makes it NaN or inf, so a finite result proves the array finite. Only when
    it is not finite (a bad entry, or squares too large) are the entries checked one by one.
    """
    if arr.dtype.kind not in "fc":
        return True
    return math.isfinite(np.vdot(arr, arr).real) or bool(np.isfinite(arr).all())


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise if ``arr`` holds NaN or infinite values, saying where the first one is."""
    if not all_finite(arr):
        if arr.ndim == 0:
            raise ValueError(f"{name} must be finite, got {arr[()]}.")
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = tuple(int(i) for i in bad)
        raise ValueError(
            f"{name} must be finite, but it holds {arr[tuple(bad)]} at index {where if arr.ndim > 1 else where[0]}."
            " Remove or impute missing values before using them."
        )


def check_path(path, name: str = "path") -> str:
    """A file path: a str or os.PathLike that is not empty (bytes and open files are refused)."""
    if isinstance(path, (str, os.PathLike)):
        text = os.fspath(path)
        if isinstance(text, str) and text.strip():
            return text
        if isinstance(text, str):
            raise ValueError(f"{name} must be a str or os.PathLike naming a file, got the empty path {text!r}.")
    raise TypeError(f"{name} must be a str or os.PathLike, got {show(path)}.")


def class_labels(values, name: str, n_classes=None, where: str = "") -> np.ndarray:
    """Class labels as a 1-D int64 array, or raise naming ``name``.

    Labels are whole numbers (ints, or floats such as 2.0): not strings, not empty, not
    complex, not too large for an integer; with ``n_classes`` they lie in 0..n_classes-1.
    ``where`` is added to range errors to say where the range comes from.
    """
    rng = f"0..{n_classes - 1}" if n_classes else "0, 1, 2, ..."
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} class labels must be whole numbers {rng}, got the string {show(values)}.")
    try:
        arr = np.asarray(values)
    except ValueError as exc:
        raise ValueError(f"{name} must be a 1-D sequence of class labels, but it is ragged: {show(values)}.") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of class labels, got shape {arr.shape} ({show(values)}).")
    if arr.dtype == object:
        big = [v for v in arr if isinstance(v, numbers.Integral) and not isinstance(v, bool) and not -(2**63) <= v < 2**63]
        if big:
            raise ValueError(f"{name} class labels must lie in {rng}{where}, got {big[0]}, too large for an integer.")
        raise TypeError(f"{name} class labels must be whole numbers {rng}, got {show(values)}.")
    if arr.dtype.kind == "f":
        whole = np.isfinite(arr) & (arr == np.round(arr))
        if not whole.all():
            raise ValueError(f"{name} must hold whole-number class labels (whole numbers {rng}), got {arr[~whole][0]}.")
        if np.abs(arr).max() >= 2.0**63:
            raise ValueError(f"{name} class labels must lie in {rng}{where}, got {np.abs(arr).max():g}, too large for an integer.")
    elif arr.dtype.kind not in "iub":
        raise TypeError(f"{name} class labels must be whole numbers {rng}, got dtype {arr.dtype} ({show(values)}).")
    if arr.dtype.kind == "u" and arr.max() >= 2**63:
        raise ValueError(f"{name} class labels must lie in {rng}{where}, got {arr.max()}, too large for an integer.")
    labels = arr.astype(np.int64)
    outside = (labels < 0) | (labels >= n_classes) if n_classes else labels < 0
    if outside.any():
        raise ValueError(f"{name} class labels must lie in {rng}{where}, got {labels[outside][0]}.")
    return labels


def positive_number(value, name: str, allow_zero: bool = False) -> float:
    """A finite real number > 0 (or >= 0 when ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {show(value)}.")
    value = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0, which numpy's samplers would refuse
    rule = ">= 0" if allow_zero else "> 0"
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {rule}, got {value!r}.")
    return value


def positive_int(value, name: str, minimum: int = 1, maximum=None) -> int:
    """A whole number >= ``minimum`` (and <= ``maximum`` when given)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {show(value)}.")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}, got {value:,}.")
    return int(value)


def choice(value, valid, name: str) -> str:
    """``value`` must be one of the names in ``valid``."""
    if not isinstance(value, str) or value not in valid:
        listed = ", ".join(repr(v) for v in valid)
        raise ValueError(f"unknown {name} {show(value)}; valid names are {listed}.")
    return value


def flag(value, name: str) -> bool:
    """``value`` must be True or False (numpy booleans too), not a string or a number."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {show(value)}.")
    return bool(value)


def check_seed(seed, name: str = "seed"):
    """A seed for ``np.random.default_rng``: None, a whole number >= 0, or a numpy Generator."""
    if seed is None or isinstance(seed, (np.random.Generator, np.random.SeedSequence)):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be None or a whole number >= 0 (such as 0 or 42), got {show(seed)}.")
    if seed < 0:
        raise ValueError(f"{name} must be a whole number >= 0, got {seed}.")
    return int(seed)


_show = show  # the old private name, for code written against earlier versions
