"""A fully connected network, its forward pass and its backward pass (反向传播).

Notation (as in the notebooks: seed 001's letters, with the input as layer 0 and the
first layer of weights as layer 1; seed 001 itself calls the input layer 1, so its
w^l is bplab's W^{l-1}; the notation notebook maps every seed's numbering):

    a^0 = x                               the input
    z^l = W^l a^{l-1} + b^l               pre-activation (加权输入), l = 1..L
    a^l = f_l(z^l)                        activation (激活值)
    delta^l = dC/dz^l                     error term (误差项)

    BP1  delta^L = nabla_a C ⊙ f'(z^L)
    BP2  delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l)
    BP3  dC/db^l = delta^l
    BP4  dC/dW^l = delta^l (a^{l-1})^T

In code, a batch of m samples is stored one sample per ROW, so a vector z^l of the
math becomes a row of the (m, n_l) array ``z[l]``. The weights keep the math's shape
(n_l, n_{l-1}). Lists are indexed by layer, l = 1..L, and index 0 is the input
(``a[0] = X``) or unused (``z[0]``, ``W[0]``, ``delta[0]`` are None).

:meth:`Network.feedforward` and :meth:`Network.backprop` are the math, and the code that
runs: ``net.forward``, ``net.backward`` and ``bplab.train`` call them. The checks on what
a learner passes in live in ``bplab.checks``, the numbered containers in ``bplab.layers``
and save/load in ``bplab.io``.
"""

from __future__ import annotations

import numpy as np

from . import checks, io
from .activations import softmax_backward
from .errors import as_float_array, check_seed, flag, positive_number, show
from .layers import Gradients, Layers, Trace, copy_into

FILE_FORMAT = io.FILE_FORMAT


class Network:
    """A fully connected network with layer sizes ``sizes = [n_0, n_1, ..., n_L]``.

    ``activations`` is one name for every layer, or a list with one entry per layer
    (layers 1..L), where an entry may itself be a list with one name per neuron.
    Names: sigmoid, tanh, relu, leaky_relu, identity, softmax.

    ``net.W[l]``, ``net.b[l]`` (tuples, index 0 unused) are W^l and b^l; ``net.f[l]`` is
    layer l's activation f_l. ``net.weights[l]`` and ``net.biases[l]`` are the same arrays,
    numbered from 1, and assigning to them is checked. All of them are views into one flat
    vector of parameters, ``net.theta``: the parameters have one home.
    """

    # ------------------------------------------------------------ the math
    def feedforward(self, X):
        """The forward pass on a batch ``X`` of shape (m, n_0): the lists z[l] and a[l], l = 0..L.

        z[0] is None (the input has no pre-activation) and a[0] is X.
        """
        W, b, f = self.W, self.b, self.f
        z, a = [None], [X]
        for l in range(1, self.L + 1):
            # z^l = W^l a^{l-1} + b^l. One sample per row: the math's column W a is the row a W^T.
            z.append(a[l - 1] @ W[l].T + (b[l] if self.bias else 0.0))
            a.append(f[l](z[l]))  # a^l = f_l(z^l)
        return z, a

    def backprop(self, z, a, Y, loss):
        """The backward pass on a batch: BP1 to BP4, for the MEAN of the loss over the m samples.

        ``z``, ``a`` come from :meth:`feedforward`, ``Y`` holds the targets (m, n_L) and ``loss``
        is a :class:`~bplab.losses.Loss`. Returns the lists delta[l], dW[l], db[l] (l = 1..L).
        """
        L, W, f, m = self.L, self.W, self.f, len(Y)
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        # BP1: delta^L = nabla_a C ⊙ f'(z^L)
        if loss.shortcut:  # softmax + cross_entropy, sigmoid + binary_cross_entropy: f' cancels (losses.py)
            delta[L] = a[L] - Y
        elif f[L].is_softmax:  # softmax's f' is a matrix, the Jacobian J, so ⊙ f' becomes J^T (activations.py)
            delta[L] = softmax_backward(a[L], loss.grad_a(a[L], Y))
        else:
            delta[L] = loss.grad_a(a[L], Y) * f[L].df(z[L], a[L])
        for l in range(L - 1, 0, -1):
            # BP2: delta^l = ((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l). One sample per row: the math's column
            # (W^{l+1})^T delta^{l+1} is the row delta^{l+1} W^{l+1}, so the transpose moves to the other side.
            if f[l].is_softmax:  # a softmax hidden layer: J^T again
                delta[l] = softmax_backward(a[l], delta[l + 1] @ W[l + 1])
            else:
                delta[l] = (delta[l + 1] @ W[l + 1]) * f[l].df(z[l], a[l])
        for l in range(1, L + 1):
            # The sums over the m rows, divided by m: the gradient of the mean loss.
            dW[l] = delta[l].T @ a[l - 1] / m  # BP4: dC/dW^l = delta^l (a^{l-1})^T
            db[l] = delta[l].sum(axis=0) / m if self.bias else None  # BP3: dC/db^l = delta^l
        return delta, dW, db

    def step(self, dW, db, lr, weight_decay=0.0):
        """One step of gradient descent with the lists ``backprop`` returns: W -= lr dW, b -= lr db.

        Weight decay (seed 003: the loss plus lambda/2 sum ||W^l||^2) adds lambda W^l to the
        gradient of the weights only, never to the biases.
        """
        for l in range(1, self.L + 1):
            W, b = self.W[l], self.b[l]  # views into theta, updated in place
            W -= lr * (dW[l] + weight_decay * W) if weight_decay else lr * dW[l]
            if self.bias:
                b -= lr * db[l]

    # ------------------------------------------------------------ the checked entry points
    def forward(self, x):
        """Forward pass for one sample x of shape (n_0,) or a batch of shape (m, n_0): a :class:`Trace`."""
        X, single = self.input_rows(x)
        self.check_parameters()
        z, a = self.feedforward(X)
        return Trace(z, a, single)

    def backward(self, trace, y, loss="half_sse"):
        """Backward pass: the error terms and gradients of the loss (the batch mean) at ``trace``."""
        if not isinstance(trace, Trace):
            raise TypeError(f"trace must be what net.forward(x) returned, got {show(trace)}.")
        z, a = trace.z_rows, trace.a_rows
        if [v.shape[1] for v in a] != self.sizes:
            raise ValueError("trace comes from a network of a different shape; call forward on this network first.")
        lossf = self.loss_function(loss)
        Y = self.targets(y, len(a[0]), loss)
        delta, dW, db = self.backprop(z, a, Y, lossf)
        C = float(lossf.value(z[self.L], a[self.L], Y).mean())
        return Gradients(delta, dW, db, C, trace.single)

    def gradients(self, x, y, loss="half_sse"):
        """forward then backward in one call."""
        return self.backward(self.forward(x), y, loss)

    def apply(self, grads, lr, weight_decay=0.0):
        """One gradient-descent step: W -= lr (dW + lambda W), b -= lr db.

        Weight decay (lambda/2 sum W^2, seed 003) acts on weights only, never on biases.
        """
        if not isinstance(grads, Gradients):
            raise TypeError(f"grads must be what net.backward(...) returned, got {show(grads)}.")
        if [g.shape for g in grads.dW] != [W.shape for W in self.W[1:]] or grads.flat.size != self.theta.size:
            raise ValueError(
                f"grads has {grads.flat.size} values (dW shapes {[g.shape for g in grads.dW]}) but this network has"
                f" {self.theta.size} parameters; the gradients come from another network."
            )
        lr = positive_number(lr, "lr (learning rate)")
        weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
        self.step([None, *grads.dW], [None, *grads.db], lr, weight_decay)

    def predict(self, X):
        """The output a^L for one sample or a batch."""
        return self.forward(X).output

    def loss(self, X, Y, loss="half_sse", weight_decay=0.0):
        """Mean loss over the samples, plus lambda/2 sum ||W||^2 when weight_decay > 0."""
        lossf = self.loss_function(loss)
        trace = self.forward(self.input_rows(X, "X")[0])
        Yb = self.targets(Y, len(trace.a_rows[0]), loss, "Y")
        C = float(lossf.value(trace.z_rows[self.L], trace.a_rows[self.L], Yb).mean())
        lam = positive_number(weight_decay, "weight_decay", allow_zero=True)
        return C + 0.5 * lam * sum(float((W * W).sum()) for W in self.W[1:])

    # ------------------------------------------------------------ building
    def __init__(self, sizes, activations="sigmoid", bias=True, seed=None, dtype="float64"):
        sizes = checks.check_sizes(sizes)
        bias = flag(bias, "bias")
        rng = np.random.default_rng(check_seed(seed))
        f = checks.layer_activations(activations, sizes)
        weights = []
        for l in range(1, len(sizes)):
            # Scaled so that z starts with unit variance: 1/n_in (He's 2/n_in for the ReLU family).
            gain = 2.0 if set(f[l - 1].names) <= {"relu", "leaky_relu"} else 1.0
            weights.append(rng.normal(0.0, np.sqrt(gain / sizes[l - 1]), size=(sizes[l], sizes[l - 1])))
        biases = [np.zeros(n) for n in sizes[1:]] if bias else None
        self.build(sizes, f, weights, biases, checks.dtype_of(dtype))

    @classmethod
    def from_weights(cls, weights, biases=None, activations="sigmoid", dtype="float64"):
        """A network with explicit parameters, as in every worked example.

        ``weights[l-1]`` is W^l with shape (n_l, n_{l-1}); ``biases[l-1]`` is b^l with
        shape (n_l,), or ``biases=None`` for a network without biases (seed 000).
        """
        dt = checks.dtype_of(dtype)
        Ws = []
        for i, W in enumerate(checks.layer_list(weights, "weights", "matrix")):
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
            biases = checks.layer_list(biases, "biases", "vector", "None or ")
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
        net.build(sizes, checks.layer_activations(activations, sizes), Ws, bs, dt)
        return net

    def build(self, sizes, f, weights, biases, dtype):
        """Set up the parameters: one flat vector ``theta``, with per-layer views W[l] and b[l]."""
        self.sizes = list(sizes)
        self.L = len(sizes) - 1
        self.dtype = dtype
        self.bias = biases is not None
        self.f = (None, *f)
        self._theta = np.empty(self.n_params(self.sizes, self.bias), dtype=dtype)
        W, b = self.layer_views(self._theta)
        self._W, self._b = tuple(W), tuple(b)  # tuples: a layer's array can't be swapped for another
        for l in range(1, self.L + 1):
            W[l][...] = weights[l - 1]
            if self.bias:
                b[l][...] = biases[l - 1]
        self._weights = Layers(W[1:], 1, "weights", check=self.set_weights)
        self._biases = Layers(b[1:], 1, "biases", check=self.set_biases)

    @staticmethod
    def n_params(sizes, bias):
        """How many numbers W^1, b^1, ..., W^L, b^L hold for layer sizes ``sizes``."""
        return sum(n * m + (n if bias else 0) for m, n in zip(sizes, sizes[1:]))

    def layer_views(self, flat):
        """Per-layer W and b views of a flat vector laid out like ``theta`` (lists, index 0 unused)."""
        W, b, offset = [None], [None], 0
        for m, n in zip(self.sizes, self.sizes[1:]):
            W.append(flat[offset : offset + n * m].reshape(n, m))
            offset += n * m
            b.append(flat[offset : offset + n] if self.bias else None)
            offset += n if self.bias else 0
        return W, b

    # ------------------------------------------------------------ the parameters' one home
    @property
    def theta(self):
        """All the parameters in one vector: W^1 (row by row), b^1, ..., W^L, b^L.

        ``net.theta = values`` copies the values in (checked for shape and finiteness), so
        that ``net.weights``, ``net.biases`` and everything computed from them stay the same arrays.
        """
        return self._theta

    @theta.setter
    def theta(self, values):
        copy_into(self._theta, values, f"theta (the {self._theta.size} parameters of {self!r})")

    @property
    def W(self):
        """W^l as ``net.W[l]`` (index 0 is None): views into ``theta``, for the math."""
        return self._W

    @property
    def b(self):
        """b^l as ``net.b[l]`` (index 0 is None; all None without biases): views into ``theta``."""
        return self._b

    @property
    def weights(self):
        """W^1..W^L numbered from 1; ``net.weights[l] = values`` copies the values in, checked."""
        return self._weights

    @property
    def biases(self):
        """b^1..b^L numbered from 1; ``net.biases[l] = values`` copies the values in, checked."""
        return self._biases

    def __setattr__(self, name, value):
        if name in ("W", "b", "weights", "biases"):
            raise AttributeError(
                f"net.{name} can't be replaced: it shows the parameters, which live in net.theta. Assign one"
                " layer's values with net.weights[l] = ... or net.biases[l] = ..., or all of them with net.theta = ..."
            )
        super().__setattr__(name, value)

    def set_weights(self, l, values):
        """``net.weights[l] = values``: copied into W^l after checking shape and finiteness."""
        copy_into(self.W[l], values, f"weights[{l}] for layer {l}")

    def set_biases(self, l, values):
        """``net.biases[l] = values``: copied into b^l after checking shape and finiteness."""
        if not self.bias:
            raise ValueError(f"this network has no biases (built with biases=None), so biases[{l}] can't be set.")
        copy_into(self.b[l], values, f"biases[{l}] for layer {l}")

    def check_parameters(self, name="net"):
        """Raise naming the first parameter that is NaN or infinite (written through a view, say)."""
        checks.check_parameters(self, name)

    # ------------------------------------------------------------ checks on what is passed in (bplab.checks)
    def input_rows(self, x, name="x"):
        """x as a checked 2-D float array (one sample per row), and whether it was one sample."""
        return checks.input_rows(self, x, name)

    def targets(self, y, m, loss, name="y"):
        """Checked targets as an (m, n_L) array; integer class labels become one-hot rows."""
        return checks.targets(self, y, m, loss, name)

    def one_hot(self, labels, name="y"):
        """Class labels 0..n_L-1 as one-hot rows of length n_L."""
        return checks.one_hot(self, labels, name)

    def loss_function(self, loss):
        """The :class:`~bplab.losses.Loss` named ``loss``, refused if it does not fit the output layer."""
        return checks.loss_function(self, loss)

    check_sizes = staticmethod(checks.check_sizes)
    make_activations = staticmethod(checks.layer_activations)

    # ------------------------------------------------------------ description
    @property
    def activations(self):
        """Each layer's activation: a name, or a list of per-neuron names."""
        return [act.spec for act in self.f[1:]]

    def layer_activation(self, l):
        """The :class:`LayerActivation` of layer l (1..L)."""
        return Layers(self.f[1:], 1, "layer_activation")[l]

    def copy(self):
        return Network.from_weights(
            [W.copy() for W in self.W[1:]],
            [b.copy() for b in self.b[1:]] if self.bias else None,
            self.activations,
            self.dtype,
        )

    def __reduce__(self):
        """Pickling and copy.deepcopy rebuild the network around one theta, so W, b stay views into it."""
        biases = [b.copy() for b in self.b[1:]] if self.bias else None
        return (type(self).from_weights, ([W.copy() for W in self.W[1:]], biases, self.activations, self.dtype.name))

    def __repr__(self):
        return f"Network(sizes={self.sizes}, activations={self.activations!r}, bias={self.bias}, dtype={self.dtype.name})"

    # ------------------------------------------------------------ save and load (bplab.io)
    def save(self, path):
        """Save to a portable .npz (no pickle), atomically; returns the path written. See :mod:`bplab.io`."""
        return io.save(self, path)

    @classmethod
    def load(cls, path):
        """Load a network saved by :meth:`save`, checking that the file is whole and untouched."""
        return io.load(path, cls)


def check_network(net, name="net"):
    """``net`` must be a :class:`Network` whose parameters are all finite."""
    if not isinstance(net, Network):
        raise TypeError(f"{name} must be a bplab.Network, got {show(net)}.")
    net.check_parameters(name)
    return net
