"""A fully connected network, its forward pass and its backward pass (反向传播).

Notation (as in the notebooks: seed 001's letters, with the input as layer 0 and the
first layer of weights as layer 1; seed 001 itself calls the input layer 1, so its
w^l is bplab's W^{l-1}; notebook 06 maps every seed's numbering):

    a^0 = x                               the input
    z^l = W^l a^{l-1} + b^l               pre-activation (加权输入), l = 1..L
    a^l = f_l(z^l)                        activation (激活值)
    delta^l = dC/dz^l                     error term (误差项)

    BP1  delta^L = nabla_a C ⊙ f'(z^L)
    BP2  delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l)
    BP3  dC/db^l = delta^l
    BP4  dC/dW^l = delta^l (a^{l-1})^T

In code, a batch of m samples is stored one sample per ROW, so a vector z^l of the
math becomes a row of the (m, n_l) array ``z[l]``, and W^l a^{l-1} becomes
``a[l-1] @ W[l].T``. The weights keep the math's shape (n_l, n_{l-1}).

All parameters live in one flat vector ``net.theta``; ``net.weights[l]`` and
``net.biases[l]`` are views into it, so a gradient step is one vector operation.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .activations import LayerActivation
from .errors import _show, as_float_array, check_finite, check_seed, choice, class_labels, flag, positive_number
from .losses import LOSS_NAMES, LOSSES

DTYPES = {"float64": np.float64, "float32": np.float32}
FILE_FORMAT = "bplab-network-1"


def _dtype(dtype):
    try:
        name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    except TypeError:
        name = dtype  # not a dtype at all: choice() names it
    choice(name, tuple(DTYPES), "dtype")
    return np.dtype(DTYPES[name])


class Layers:
    """A list numbered like the derivations: ``start`` .. L (1..L, or 0..L for activations).

    Index 0 of ``weights`` does not exist because layer 0 is the input; asking for it
    says so. Assigning ``net.weights[l] = ...`` checks the shape and copies the values
    into the network's parameters.
    """

    def __init__(self, items, start: int, name: str, settable: bool = False):
        self._items = list(items)  # self._items[i] is layer start + i
        self._start = start
        self._name = name
        self._settable = settable

    def _index(self, l):
        last = self._start + len(self._items) - 1
        if isinstance(l, (int, np.integer)) and -len(self._items) <= l < 0:
            l = last + 1 + int(l)
        if not isinstance(l, (int, np.integer)) or not self._start <= l <= last:
            extra = " (layer 0 is the input, which has no weights)" if self._start == 1 and l == 0 else ""
            raise IndexError(f"{self._name}[{l!r}] does not exist: layers are numbered {self._start}..{last}{extra}.")
        return int(l) - self._start

    def __getitem__(self, l):
        return self._items[self._index(l)]

    def __setitem__(self, l, value):
        i = self._index(l)
        if not self._settable:
            raise TypeError(f"{self._name} is read-only here.")
        target = self._items[i]
        if target is None:
            raise ValueError(f"this network has no biases (built with biases=None), so {self._name}[{l}] can't be set.")
        arr = as_float_array(value, f"{self._name}[{l}]", dtype=target.dtype)
        if arr.shape != target.shape:
            raise ValueError(f"{self._name}[{l}] for layer {l} must have shape {target.shape}, got shape {arr.shape}.")
        target[...] = arr

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def keys(self):
        return range(self._start, self._start + len(self._items))

    def items(self):
        return zip(self.keys(), self._items)

    def __repr__(self):
        shapes = ", ".join(f"{l}: {None if v is None else v.shape}" for l, v in self.items())
        return f"{self._name}{{{shapes}}}"


class Trace:
    """What a forward pass computed: ``z[l]`` for l = 1..L and ``a[l]`` for l = 0..L.

    For one sample x of shape (n_0,), the vectors are 1-D; for a batch, each is (m, n_l).
    """

    def __init__(self, z, a, single: bool):
        self._z, self._a, self.single = z, a, single  # 2-D, one sample per row
        view = (lambda v: v[0]) if single else (lambda v: v)
        self.z = Layers([view(v) for v in z[1:]], 1, "z")
        self.a = Layers([view(v) for v in a], 0, "a")

    @property
    def output(self):
        """The network's output a^L (y hat)."""
        return self.a[len(self._z) - 1]

    def __repr__(self):
        return f"Trace(single={self.single}, {self.z!r}, {self.a!r})"


class Gradients:
    """What a backward pass computed: ``delta[l]``, ``dW[l]``, ``db[l]`` for l = 1..L, and ``loss``.

    ``flat`` holds dW and db in the same layout as ``net.theta``.
    """

    def __init__(self, delta, flat, dW, db, loss: float, single: bool):
        self._delta = delta
        self.flat = flat
        self.delta = Layers([d[0] if single else d for d in delta[1:]], 1, "delta")
        self.dW = Layers(dW[1:], 1, "dW")
        self.db = Layers(db[1:], 1, "db")
        self.loss = loss

    def __repr__(self):
        return f"Gradients(loss={self.loss!r}, {self.dW!r})"


class Network:
    """A fully connected network with layer sizes ``sizes = [n_0, n_1, ..., n_L]``.

    ``activations`` is one name for every layer, or a list with one entry per layer
    (layers 1..L), where an entry may itself be a list with one name per neuron.
    Names: sigmoid, tanh, relu, leaky_relu, identity, softmax.
    """

    def __init__(self, sizes, activations="sigmoid", bias=True, seed=None, dtype="float64"):
        sizes = self._check_sizes(sizes)
        bias = flag(bias, "bias")
        rng = np.random.default_rng(check_seed(seed))
        acts = self._layer_activations(activations, sizes)
        weights = []
        for l in range(1, len(sizes)):
            # Scaled so that z starts with unit variance: 1/n_in (He's 2/n_in for the ReLU family).
            gain = 2.0 if set(acts[l - 1].names) <= {"relu", "leaky_relu"} else 1.0
            weights.append(rng.normal(0.0, np.sqrt(gain / sizes[l - 1]), size=(sizes[l], sizes[l - 1])))
        biases = [np.zeros(n) for n in sizes[1:]] if bias else None
        self._build(sizes, acts, weights, biases, _dtype(dtype))

    @classmethod
    def from_weights(cls, weights, biases=None, activations="sigmoid", dtype="float64"):
        """A network with explicit parameters, as in every worked example.

        ``weights[l-1]`` is W^l with shape (n_l, n_{l-1}); ``biases[l-1]`` is b^l with
        shape (n_l,), or ``biases=None`` for a network without biases (seed 000).
        """
        dt = _dtype(dtype)
        if isinstance(weights, np.ndarray) or not hasattr(weights, "__len__") or len(weights) == 0:
            raise TypeError(
                f"weights must be a list with one matrix per layer (W^1, ..., W^L), got {_show(weights)}."
            )
        Ws = []
        for i, W in enumerate(weights):
            W = as_float_array(W, f"weights[{i}] (W^{i + 1}, layer {i + 1})", dtype=dt, ndim=2)
            if Ws and W.shape[1] != Ws[-1].shape[0]:
                raise ValueError(
                    f"weights[{i}] (W^{i + 1}, layer {i + 1}) must have {Ws[-1].shape[0]} columns, one per output of"
                    f" layer {i}: expected shape ({W.shape[0]}, {Ws[-1].shape[0]}), got {W.shape}."
                )
            Ws.append(W)
        sizes = [Ws[0].shape[1]] + [W.shape[0] for W in Ws]
        bs = None
        if biases is not None:
            if isinstance(biases, (np.ndarray, str, bytes)) or not hasattr(biases, "__len__"):
                raise TypeError(
                    f"biases must be None or a list with one vector per layer (b^1, ..., b^L), got {_show(biases)}."
                )
            if len(biases) != len(Ws):
                raise ValueError(f"biases must have one vector per layer ({len(Ws)}), got {len(biases)}.")
            bs = []
            for i, b in enumerate(biases):
                b = as_float_array(b, f"biases[{i}] (b^{i + 1}, layer {i + 1})", dtype=dt, ndim=(1, 2))
                if b.shape not in ((sizes[i + 1],), (sizes[i + 1], 1)):
                    raise ValueError(
                        f"biases[{i}] (b^{i + 1}, layer {i + 1}) must have shape ({sizes[i + 1]},), one per neuron,"
                        f" got {b.shape}."
                    )
                bs.append(b.reshape(-1))
        net = cls.__new__(cls)
        net._build(sizes, cls._layer_activations(activations, sizes), Ws, bs, dt)
        return net

    # ----------------------------------------------------------------- set-up
    @staticmethod
    def _check_sizes(sizes):
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
            raise TypeError(f"sizes must be a list of layer sizes such as [4, 5, 3], got {_show(sizes)}.")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes must list the input size and at least one layer, e.g. [4, 5, 3]; got {sizes}.")
        for i, n in enumerate(sizes):
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
                raise TypeError(f"sizes[{i}] must be a whole number of neurons, got {_show(n)}.")
            if n <= 0:
                raise ValueError(f"sizes[{i}] (layer {i}) must be > 0 neurons, got {n}.")
        return [int(n) for n in sizes]

    @staticmethod
    def _layer_activations(activations, sizes):
        L = len(sizes) - 1
        if isinstance(activations, str):
            specs = [activations] * L
        else:
            if not isinstance(activations, (list, tuple)):
                raise TypeError(f"activations must be a name or a list of names, got {_show(activations)}.")
            specs = list(activations)
            if len(specs) != L:
                raise ValueError(
                    f"activations must have one entry per layer (layers 1..{L}, so {L} entries), got {len(specs)}:"
                    f" {specs!r}."
                )
        return [LayerActivation(spec, sizes[l], l) for l, spec in enumerate(specs, start=1)]

    def _build(self, sizes, acts, weights, biases, dtype):
        self.sizes = list(sizes)
        self.L = len(sizes) - 1
        self.dtype = dtype
        self.bias = biases is not None
        self._act = [None] + list(acts)
        self.theta = np.empty(self._n_params(self.sizes, self.bias), dtype=dtype)
        self._W, self._b = self._views(self.theta)
        for l in range(1, self.L + 1):
            self._W[l][...] = weights[l - 1]
            if self.bias:
                self._b[l][...] = biases[l - 1]
        # Weight decay acts on weights only: this mask is 1 on weights, 0 on biases.
        self._decay_mask = np.zeros_like(self.theta)
        for l in range(1, self.L + 1):
            self._views(self._decay_mask)[0][l][...] = 1.0
        self.weights = Layers(self._W[1:], 1, "weights", settable=True)
        self.biases = Layers(self._b[1:], 1, "biases", settable=True)

    @staticmethod
    def _n_params(sizes, bias):
        """How many numbers W^1, b^1, ..., W^L, b^L hold for layer sizes ``sizes``."""
        return sum(n * m + (n if bias else 0) for m, n in zip(sizes, sizes[1:]))

    def _views(self, flat):
        """Per-layer W and b views of a flat vector laid out like ``theta`` (index 0 unused)."""
        W, b, off = [None], [None], 0
        for m, n in zip(self.sizes, self.sizes[1:]):
            W.append(flat[off : off + n * m].reshape(n, m))
            off += n * m
            if self.bias:
                b.append(flat[off : off + n])
                off += n
            else:
                b.append(None)
        return W, b

    @property
    def activations(self):
        """Each layer's activation: a name, or a list of per-neuron names."""
        return [act.spec for act in self._act[1:]]

    def layer_activation(self, l):
        """The :class:`LayerActivation` of layer l (1..L)."""
        return Layers(self._act[1:], 1, "layer_activation")[l]

    def copy(self):
        return Network.from_weights(
            [W.copy() for W in self._W[1:]],
            [b.copy() for b in self._b[1:]] if self.bias else None,
            self.activations,
            self.dtype,
        )

    def __repr__(self):
        return f"Network(sizes={self.sizes}, activations={self.activations!r}, bias={self.bias}, dtype={self.dtype.name})"

    # ------------------------------------------------------------ checking
    def _input(self, x, name="x"):
        """x as a 2-D float array (one sample per row) and whether it was one sample."""
        x = as_float_array(x, name, dtype=self.dtype, ndim=(1, 2))
        n0 = self.sizes[0]
        if x.shape[-1] != n0:
            got = x.shape[-1]
            rule = f"{n0} features (the input layer's size n_0)"
            raise ValueError(f"{name} must have {rule} per sample, got {got} (shape {x.shape}).")
        return (x[None, :], True) if x.ndim == 1 else (x, False)

    def _targets(self, y, m, loss, name="y"):
        """Targets as an (m, n_L) array; integer class labels become one-hot rows."""
        nL = self.sizes[-1]
        arr = as_float_array(y, name, dtype=self.dtype, ndim=(0, 1, 2))
        if arr.ndim == 2:
            if arr.shape != (m, nL):
                raise ValueError(
                    f"{name} must have shape ({m}, {nL}): {m} samples, {nL} outputs (the output layer L={self.L}),"
                    f" got {arr.shape}."
                )
        elif arr.ndim == 0 and m == 1 and nL == 1:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1 and m == 1 and arr.shape[0] == nL:
            arr = arr[None, :]
        elif arr.ndim == 1 and nL == 1 and arr.shape[0] == m:
            arr = arr[:, None]
        elif (arr.ndim == 1 and arr.shape[0] == m) or (arr.ndim == 0 and m == 1):
            arr = self.one_hot(arr.reshape(m), name)
        else:
            labels = f"{m} target value{'s' if m > 1 else ''}" if nL == 1 else f"{m} class labels in 0..{nL - 1}"
            raise ValueError(
                f"{name} must be targets of shape ({m}, {nL}) ({m} sample{'s' if m > 1 else ''}, {nL} output"
                f"{'s' if nL > 1 else ''} of the output layer L={self.L}) or {labels}, got shape {arr.shape}."
            )
        LOSSES[loss].check_targets(arr, name)
        return arr

    def one_hot(self, labels, name="y"):
        """Class labels 0..n_L-1 as one-hot rows of length n_L."""
        nL = self.sizes[-1]
        if nL == 1:
            raise ValueError(f"{name}: with one output neuron, give targets 0/1 of shape (m,) or (m, 1), not labels.")
        ints = class_labels(labels, name, n_classes=nL, where=f" (the output layer has {nL} neurons)")
        return np.eye(nL, dtype=self.dtype)[ints if np.ndim(labels) else ints[0]]

    def _loss(self, loss):
        choice(loss, LOSS_NAMES, "loss")
        problem = LOSSES[loss].check(self._act[self.L])
        if problem:
            raise ValueError(problem)
        return LOSSES[loss]

    # ------------------------------------------------------------ the passes
    def _forward(self, X):
        """Forward pass on a checked 2-D batch: lists z[0..L] (z[0] unused) and a[0..L]."""
        W, b, act = self._W, self._b, self._act
        z, a = [None], [X]
        for l in range(1, self.L + 1):
            # .dot is the same product as @ here, with a smaller per-call cost for the tiny
            # arrays of per-sample training (seed 004's 4-5-3 network does 45,000 of these).
            z_l = a[l - 1].dot(W[l].T)  # z^l = W^l a^{l-1} (+ b^l), one sample per row
            if self.bias:
                z_l += b[l]
            z.append(z_l)
            a.append(act[l].f(z_l))  # a^l = f_l(z^l)
        return z, a

    def _backward(self, z, a, Y, loss, grad=None, with_loss=True):
        """Backward pass on a checked batch: delta[1..L], the flat gradient and the mean loss.

        ``grad`` is an optional ``(flat, dW, db)`` from :meth:`_gradient_buffer` to write the
        gradient into; ``train`` passes the same one at every step instead of allocating.
        With ``with_loss=False`` the loss is not computed (returned as None): per-sample
        training computes all its step losses at once at the end of each epoch.
        """
        L, m = self.L, Y.shape[0]
        W, act = self._W, self._act
        # the mean loss over the batch
        C = float(np.add.reduce(loss.value(z[L], a[L], Y, act[L]))) / m if with_loss else None
        delta = [None] * (L + 1)
        # BP1: delta^L = nabla_a C ⊙ f'(z^L)   (a^L - y for softmax+cross_entropy, sigmoid+binary_cross_entropy)
        delta[L] = loss.output_delta(z[L], a[L], Y, act[L])
        for l in range(L - 1, 0, -1):
            # BP2: delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l)
            delta[l] = act[l].backprop(delta[l + 1].dot(W[l + 1]), z[l], a[l])
        flat, dW, db = self._gradient_buffer() if grad is None else grad
        # The same product either way: np.dot costs less per call on the tiny arrays of a few
        # samples, np.matmul is faster on large ones (it reads the transposed delta in place).
        product = np.dot if m <= 8 else np.matmul
        for l in range(1, L + 1):
            # The gradient of the batch's MEAN loss: the sum over the m samples divided by m. The 1/m
            # is applied to delta^l, much smaller than dC/dW^l (delta itself stays per sample).
            delta_l = delta[l] / m if m > 1 else delta[l]
            # BP4: dC/dW^l = delta^l (a^{l-1})^T, averaged over the batch
            product(delta_l.T, a[l - 1], out=dW[l])
            # BP3: dC/db^l = delta^l, averaged over the batch
            if self.bias:
                np.add.reduce(delta_l, axis=0, out=db[l])
        return delta, flat, dW, db, C

    def _gradient_buffer(self):
        """A new flat gradient vector laid out like ``theta``, with its per-layer views: (flat, dW, db)."""
        flat = np.empty_like(self.theta)
        return (flat, *self._views(flat))

    def forward(self, x):
        """Forward pass for one sample x of shape (n_0,) or a batch of shape (m, n_0)."""
        X, single = self._input(x)
        z, a = self._forward(X)
        return Trace(z, a, single)

    def backward(self, trace, y, loss="half_sse"):
        """Backward pass: the error terms and gradients of the loss (the batch mean) at ``trace``."""
        if not isinstance(trace, Trace):
            raise TypeError(f"trace must be what net.forward(x) returned, got {_show(trace)}.")
        if trace._a[0].shape[1] != self.sizes[0] or len(trace._z) != self.L + 1:
            raise ValueError("trace comes from a network of a different shape; call forward on this network first.")
        lossf = self._loss(loss)
        Y = self._targets(y, trace._a[0].shape[0], loss)
        delta, flat, dW, db, C = self._backward(trace._z, trace._a, Y, lossf)
        return Gradients(delta, flat, dW, db, C, trace.single)

    def gradients(self, x, y, loss="half_sse"):
        """forward then backward in one call."""
        return self.backward(self.forward(x), y, loss)

    def apply(self, grads, lr, weight_decay=0.0):
        """One gradient-descent step: W -= lr (dW + lambda W), b -= lr db.

        Weight decay (lambda/2 sum W^2, seed 003) acts on weights only, never on biases.
        """
        if not isinstance(grads, Gradients):
            raise TypeError(f"grads must be what net.backward(...) returned, got {_show(grads)}.")
        if grads.flat.shape != self.theta.shape:
            raise ValueError(
                f"grads has {grads.flat.size} values but this network has {self.theta.size} parameters;"
                " the gradients come from another network."
            )
        lr = positive_number(lr, "lr (learning rate)")
        weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
        self._step(grads.flat, lr, weight_decay)

    def _step(self, flat, lr, weight_decay):
        if weight_decay:
            flat = flat + weight_decay * self._decay_mask * self.theta
        self.theta -= lr * flat

    # ------------------------------------------------------------ evaluation
    def predict(self, X):
        """The output a^L for one sample or a batch."""
        return self.forward(X).output

    def loss(self, X, Y, loss="half_sse", weight_decay=0.0):
        """Mean loss over the samples, plus lambda/2 sum ||W||^2 when weight_decay > 0."""
        lossf = self._loss(loss)
        Xb, _ = self._input(X, "X")
        Yb = self._targets(Y, Xb.shape[0], loss, "Y")
        z, a = self._forward(Xb)
        C = float(lossf.value(z[self.L], a[self.L], Yb, self._act[self.L]).mean())
        lam = positive_number(weight_decay, "weight_decay", allow_zero=True)
        return C + 0.5 * lam * sum(float((W * W).sum()) for W in self._W[1:])

    # ------------------------------------------------------------ save and load
    def _meta(self):
        return json.dumps(
            {"sizes": self.sizes, "activations": self.activations, "bias": self.bias, "dtype": self.dtype.name},
            sort_keys=True,
        )

    @staticmethod
    def _checksum(meta: str, theta: np.ndarray) -> str:
        return hashlib.sha256(meta.encode() + b"\0" + np.ascontiguousarray(theta).tobytes()).hexdigest()

    def save(self, path):
        """Save to a portable .npz (no pickle). Written to a temporary file, then renamed,
        so an interrupted save never leaves a half-written file. Returns the path."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        if not path.parent.is_dir():
            raise FileNotFoundError(f"path {str(path)!r}: the folder {str(path.parent)!r} does not exist; create it first.")
        meta = self._meta()
        fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    format=np.array(FILE_FORMAT),
                    meta=np.array(meta),
                    theta=self.theta,
                    checksum=np.array(self._checksum(meta, self.theta)),
                )
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private (0600); give it a normal file's mode
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    @classmethod
    def load(cls, path):
        """Load a network saved by :meth:`save`, checking that the file is whole and untouched."""
        path = Path(path)
        if not path.exists() and path.suffix != ".npz" and path.with_name(path.name + ".npz").exists():
            path = path.with_name(path.name + ".npz")  # save() added the suffix
        if not path.exists():
            raise FileNotFoundError(f"path {str(path)!r}: no such file to load a network from.")
        try:
            with np.load(path, allow_pickle=False) as data:
                contents = {k: data[k] for k in data.files}
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(
                f"path {str(path)!r} is not a readable bplab network file (truncated, or not an .npz): {exc}"
            ) from None
        if set(contents) != {"format", "meta", "theta", "checksum"} or str(contents["format"]) != FILE_FORMAT:
            raise ValueError(
                f"path {str(path)!r} is an .npz file but not a bplab network (expected format {FILE_FORMAT!r},"
                f" found the arrays {sorted(contents)})."
            )
        meta, theta = str(contents["meta"]), contents["theta"]
        if cls._checksum(meta, theta) != str(contents["checksum"]):
            raise ValueError(f"path {str(path)!r} has been modified since it was saved: its checksum does not match.")
        try:
            info = json.loads(meta)
            sizes, bias, dt = cls._check_sizes(info["sizes"]), flag(info["bias"], "bias"), _dtype(info["dtype"])
            acts = cls._layer_activations(info["activations"], sizes)
        except (ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"path {str(path)!r} holds a network description bplab cannot read: {exc}") from None
        n_params = cls._n_params(sizes, bias)
        if theta.shape != (n_params,) or theta.dtype != dt:
            raise ValueError(
                f"path {str(path)!r} describes a network with {n_params} {dt.name} parameters, but its theta holds"
                f" {theta.size} values of dtype {theta.dtype} (shape {theta.shape})."
            )
        net = cls.__new__(cls)
        net._build(
            sizes,
            acts,
            [np.zeros((n, m)) for m, n in zip(sizes, sizes[1:])],
            [np.zeros(n) for n in sizes[1:]] if bias else None,
            dt,
        )
        net.theta[...] = theta
        return net


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_network(net, name="net"):
    if not isinstance(net, Network):
        raise TypeError(f"{name} must be a bplab.Network, got {_show(net)}.")
    check_finite(net.theta, f"{name}'s parameters")
    return net
