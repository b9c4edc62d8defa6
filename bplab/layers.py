"""Lists numbered like the derivations: layers 1..L (0..L for the activations, where a^0 = x).

* :class:`Layers`: ``net.weights[l]``, ``trace.z[l]``, ``grads.dW[l]`` ..., with l counted from 1
  and a sentence instead of an IndexError for a layer that does not exist;
* :class:`Trace`: what a forward pass computed, ``z[l]`` and ``a[l]``;
* :class:`Gradients`: what a backward pass computed, ``delta[l]``, ``dW[l]``, ``db[l]`` and ``loss``.
"""

from __future__ import annotations

import numpy as np

from .errors import as_float_array


class Layers:
    """A list numbered like the derivations: ``start`` .. L (1..L, or 0..L for activations).

    Index 0 of ``weights`` does not exist because layer 0 is the input; asking for it
    says so. With ``check`` (a function ``check(l, value)``), assigning ``layers[l] = value``
    is allowed and goes through it (``net.weights[l] = ...`` copies into the network's parameters).
    """

    def __init__(self, items, start: int, name: str, check=None):
        self.items_list = list(items)  # items_list[i] is layer start + i
        self.start = start
        self.name = name
        self.check = check

    def position(self, l):
        """Where layer ``l`` sits in ``items_list``, or an IndexError naming the valid layers."""
        last = self.start + len(self.items_list) - 1
        if isinstance(l, (int, np.integer)) and -len(self.items_list) <= l < 0:
            l = last + 1 + int(l)
        if not isinstance(l, (int, np.integer)) or not self.start <= l <= last:
            extra = " (layer 0 is the input, which has no weights)" if self.start == 1 and l == 0 else ""
            raise IndexError(f"{self.name}[{l!r}] does not exist: layers are numbered {self.start}..{last}{extra}.")
        return int(l) - self.start

    def __getitem__(self, l):
        return self.items_list[self.position(l)]

    def __setitem__(self, l, value):
        i = self.position(l)
        if self.check is None:
            raise TypeError(f"{self.name} is read-only here.")
        self.check(i + self.start, value)

    def __len__(self):
        return len(self.items_list)

    def __iter__(self):
        return iter(self.items_list)

    def keys(self):
        return range(self.start, self.start + len(self.items_list))

    def items(self):
        return zip(self.keys(), self.items_list)

    def __repr__(self):
        shapes = ", ".join(f"{l}: {None if v is None else v.shape}" for l, v in self.items())
        return f"{self.name}{{{shapes}}}"


def copy_into(target, value, name):
    """Copy ``value`` into the array ``target`` (a view into a network's parameters), checking it first."""
    arr = as_float_array(value, name, dtype=target.dtype)
    if arr.shape != target.shape:
        raise ValueError(f"{name} must have shape {target.shape}, got shape {arr.shape}.")
    target[...] = arr


class Trace:
    """What a forward pass computed: ``z[l]`` for l = 1..L and ``a[l]`` for l = 0..L.

    For one sample x of shape (n_0,), the vectors are 1-D; for a batch, each is (m, n_l).
    ``z_rows`` and ``a_rows`` are the same arrays as lists indexed 0..L, always 2-D with
    one sample per row (``z_rows[0]`` is None): what :meth:`bplab.Network.backprop` reads.
    """

    def __init__(self, z, a, single: bool):
        self.z_rows, self.a_rows, self.single = z, a, single
        view = (lambda v: v[0]) if single else (lambda v: v)
        self.z = Layers([view(v) for v in z[1:]], 1, "z")
        self.a = Layers([view(v) for v in a], 0, "a")

    @property
    def output(self):
        """The network's output a^L (y hat)."""
        return self.a[len(self.z_rows) - 1]

    def __repr__(self):
        return f"Trace(single={self.single}, {self.z!r}, {self.a!r})"


class Gradients:
    """What a backward pass computed: ``delta[l]``, ``dW[l]``, ``db[l]`` for l = 1..L, and ``loss``.

    Built from lists indexed 0..L (index 0 unused) as :meth:`bplab.Network.backprop` returns
    them; ``db`` holds None for a network without biases. ``flat`` holds dW^1, db^1, ..., dW^L,
    db^L in one vector laid out like ``net.theta``; ``dW[l]`` and ``db[l]`` are views into it.
    """

    def __init__(self, delta, dW, db, loss: float, single: bool):
        self.flat = np.concatenate([p.ravel() for pair in zip(dW[1:], db[1:]) for p in pair if p is not None])
        W_views, b_views, offset = [], [], 0
        for g, h in zip(dW[1:], db[1:]):
            W_views.append(self.flat[offset : offset + g.size].reshape(g.shape))
            offset += g.size
            b_views.append(None if h is None else self.flat[offset : offset + h.size])
            offset += 0 if h is None else h.size
        self.delta = Layers([d[0] if single else d for d in delta[1:]], 1, "delta")
        self.dW = Layers(W_views, 1, "dW")
        self.db = Layers(b_views, 1, "db")
        self.loss = loss

    def __repr__(self):
        return f"Gradients(loss={self.loss!r}, {self.dW!r})"
