"""Backpropagation (反向传播) as reverse mode on a computational graph (计算图) of scalars.

Every number of a computation is a node, a :class:`Value`. An operation makes a new node from
its inputs and writes down, beside its forward rule, its **local derivatives** (局部梯度): how
much its output moves per unit move of each input, at the current values. ``backward()`` then
walks the graph from the end back to the start and applies the chain rule (链式法则) once per
edge:

    input.grad += local derivative * output.grad      (local gradient times upstream gradient)

The ``+=`` matters: a value that feeds several operations receives a share of gradient along
each path, and the shares add up (the multivariable chain rule sums over paths).

    >>> x, y = Value(2.0, "x"), Value(-3.0, "y")
    >>> f = x * y + x                 # x is used twice
    >>> f.backward()
    >>> x.grad, y.grad                # df/dx = y + 1, df/dy = x
    (-2.0, 2.0)

:func:`network_gradients` builds the graph of a whole :class:`bplab.Network` for one sample,
neuron by neuron, runs ``backward()`` on it, and reads dC/dW^l, dC/db^l and the error terms
delta^l_j = dC/dz^l_j (误差项) off the nodes. It never calls the matrix backward pass, so it is an
independent check of BP1-BP4 (:func:`compare_with_backprop`).

Reading order: :class:`Value` (each operation, then ``backward``) is the whole idea; ``total``,
``maximum``, ``nodes`` and ``edges`` are small helpers; the part below "a network as a graph"
only builds the graph of a network, neuron by neuron, and checks its inputs.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .activations import LEAKY_SLOPE
from .errors import show, as_float_array, choice

__all__ = [
    "Value",
    "total",
    "maximum",
    "nodes",
    "edges",
    "numeric_gradient",
    "network_gradients",
    "GraphGradients",
    "compare_with_backprop",
]


def _number(value, name):
    """A finite Python float, or a sentence saying what was wrong."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number such as 2.0, got {show(value)}.")
    try:
        value = float(value)
    except OverflowError:
        raise ValueError(f"{name} must be a finite number, got {show(value)}, too large for a float.") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return value


def _as_value(other, op):
    """``other`` as a node: plain numbers become constant nodes (so 2 * v and 1 - v work)."""
    if isinstance(other, Value):
        return other
    return Value(_number(other, f"the other operand of {op}"), label=f"{float(other):g}")


def _exponent(p, x):
    """The exponent of x ** p as a float, or a sentence saying why x ** p has no derivative here."""
    if isinstance(p, Value) or isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(
            f"exponent p in x ** p must be a plain number such as 2 or 0.5 (a constant, not a Value),"
            f" got {show(p)}."
        )
    p = float(p)
    if x == 0 and p < 1:
        raise ValueError(f"x ** {p:g} at x = 0: its derivative {p:g} x^{p - 1:g} is infinite or undefined there.")
    if x < 0 and not p.is_integer():
        raise ValueError(f"x ** {p:g} needs x >= 0 for a non-whole exponent (else it is complex), got x = {x:g}.")
    return p


class Value:
    """One scalar node of a computational graph: ``data`` (its value) and ``grad``.

    ``grad`` is d(root)/d(this node) once ``root.backward()`` has run (0.0 before).

    ``inputs`` are the nodes it was computed from, ``local_grads`` the local derivatives
    d(this)/d(input), one per input, evaluated when the node was made. ``op`` names the
    operation ("" for an input or a constant), ``label`` names the node in drawings.
    """

    def __init__(self, data, label="", *, inputs=(), local_grads=(), op=""):
        self.data = _number(data, f"data of Value {label!r}" if label else "data")
        self.grad = 0.0
        self.label = str(label)
        self.op = op
        self.inputs = tuple(inputs)
        self.local_grads = tuple(float(g) for g in local_grads)

    def __repr__(self):
        name = f"{self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------ arithmetic
    # Each operation: the forward rule, then the local derivative of the output with respect to
    # each input, side by side. In the comments x is ``self`` and y is ``other``.

    def __add__(self, other):
        other = _as_value(other, "+")
        # out = x + y;   d out/dx = 1,   d out/dy = 1
        return Value(self.data + other.data, inputs=(self, other), local_grads=(1.0, 1.0), op="+")

    def __sub__(self, other):
        other = _as_value(other, "-")
        # out = x - y;   d out/dx = 1,   d out/dy = -1
        return Value(self.data - other.data, inputs=(self, other), local_grads=(1.0, -1.0), op="-")

    def __mul__(self, other):
        other = _as_value(other, "*")
        # out = x y;   d out/dx = y,   d out/dy = x   (each input gets the OTHER one's value)
        return Value(self.data * other.data, inputs=(self, other), local_grads=(other.data, self.data), op="*")

    def __truediv__(self, other):
        other = _as_value(other, "/")
        if other.data == 0:
            raise ZeroDivisionError(
                f"division by a Value that is 0: x / y needs y != 0, got y = 0 (node {other.label or other.op!r})."
            )
        # out = x / y;   d out/dx = 1/y,   d out/dy = -x/y^2
        return Value(
            self.data / other.data,
            inputs=(self, other),
            local_grads=(1.0 / other.data, -self.data / other.data**2),
            op="/",
        )

    def __pow__(self, p):
        p, x = _exponent(p, self.data), self.data
        try:
            # out = x^p;   d out/dx = p x^(p-1)
            return Value(x**p, inputs=(self,), local_grads=(p * x ** (p - 1),), op=f"**{p:g}")
        except OverflowError:
            raise OverflowError(f"x ** {p:g} overflows a float at x = {x:g}.") from None

    # a plain number on the left (2 + v, 1 - v, 2 * v, 1 / v) becomes a constant node first
    def __radd__(self, other):  # 2 + v
        return _as_value(other, "+") + self

    def __rsub__(self, other):  # 1 - v
        return _as_value(other, "-") - self

    def __rmul__(self, other):  # 2 * v
        return _as_value(other, "*") * self

    def __rtruediv__(self, other):  # 1 / v
        return _as_value(other, "/") / self

    def __neg__(self):
        # out = -x;   d out/dx = -1
        return Value(-self.data, inputs=(self,), local_grads=(-1.0,), op="neg")

    # ------------------------------------------------------------------ one input
    def exp(self):
        if self.data > 709.0:
            raise OverflowError(f"exp(x) overflows a float for x > 709, got x = {self.data:g} (node {self.label!r}).")
        e = math.exp(self.data)
        # out = e^x;   d out/dx = e^x
        return Value(e, inputs=(self,), local_grads=(e,), op="exp")

    def log(self):
        if self.data <= 0:
            name = f" (node {self.label!r})" if self.label else ""
            raise ValueError(f"log(x) needs x > 0: the logarithm is defined only for positive x, got x = {self.data:g}{name}.")
        # out = ln x;   d out/dx = 1/x
        return Value(math.log(self.data), inputs=(self,), local_grads=(1.0 / self.data,), op="log")

    def tanh(self):
        t = math.tanh(self.data)
        # out = tanh x;   d out/dx = 1 - tanh^2 x
        return Value(t, inputs=(self,), local_grads=(1.0 - t * t,), op="tanh")

    def sigmoid(self):
        x = self.data
        # 1 / (1 + e^-x), written so that exp never overflows
        s = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
        # out = sigma(x);   d out/dx = sigma(x) (1 - sigma(x))
        return Value(s, inputs=(self,), local_grads=(s * (1.0 - s),), op="sigmoid")

    def relu(self):
        # out = max(0, x);   d out/dx = 1 if x > 0 else 0
        return Value(max(self.data, 0.0), inputs=(self,), local_grads=(1.0 if self.data > 0 else 0.0,), op="relu")

    # ------------------------------------------------------------------ reverse mode
    def backward(self):
        """Fill in ``grad`` = d(self)/d(node) for every node this one was computed from.

        Every grad is first set to 0 and this node's to 1 (d self/d self). Then the nodes are
        visited from the last computed to the first (reverse topological order), so a node has
        received its share from every node it feeds before it hands its grad on to its inputs.
        (``bplab.variants.backward_overwriting`` is the same walk with ``=`` for ``+=``: the bug
        notebook 07 shows.)
        """
        order = nodes(self)
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            for inp, local in zip(node.inputs, node.local_grads):
                inp.grad += local * node.grad  # chain rule: local gradient times upstream gradient


def total(values, label=""):
    """The sum of several nodes as ONE node (as in z = sum_k w_k a_k + b); each local derivative is 1."""
    values = list(values)
    if not values:
        raise ValueError("total(values) needs at least one value to add, got none.")
    values = [_as_value(v, "total") for v in values]
    # out = v_1 + ... + v_n;   d out/dv_i = 1 for every i
    return Value(
        sum(v.data for v in values), label, inputs=tuple(values), local_grads=(1.0,) * len(values), op="+"
    )


def maximum(x, y):
    """max(x, y) as one node: the gradient goes to the larger input (to x on a tie)."""
    x, y = _as_value(x, "maximum"), _as_value(y, "maximum")
    first = x.data >= y.data
    # out = max(x, y);   d out/dx = 1 if x >= y else 0,   d out/dy = the other one
    return Value(max(x.data, y.data), inputs=(x, y), local_grads=(1.0, 0.0) if first else (0.0, 1.0), op="max")


def nodes(root):
    """Every node ``root`` depends on, inputs before the nodes made from them (topological order)."""
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {show(root)}.")
    # Depth-first, with a stack instead of recursion (a long chain would overflow Python's
    # recursion limit). A node is met twice: the first time (done=False) it is pushed back with
    # done=True and its inputs are pushed above it; so when it comes off the stack the second
    # time, all its inputs are already in ``order``, and it goes in after them.
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((inp, False) for inp in reversed(node.inputs))
    return order


def edges(root):
    """Every edge ``(input, output, local derivative)`` of the graph of ``root``."""
    return [(inp, node, local) for node in nodes(root) for inp, local in zip(node.inputs, node.local_grads)]


def numeric_gradient(build, *args, h=1e-6):
    """Central differences (中心差分) of ``build(*Values).data`` with respect to each number in ``args``.

    ``build`` makes a graph from fresh Values; each argument is moved by +h and -h in turn:
    (f(.. a + h ..) - f(.. a - h ..)) / 2h. An oracle that knows nothing of ``backward``.
    """
    if not callable(build):
        raise TypeError(f"build must be a function of Values returning a Value, got {show(build)}.")
    h = _number(h, "h (finite-difference step)")
    if h <= 0:
        raise ValueError(f"h (finite-difference step) must be > 0, got {h}.")
    args = [_number(a, f"args[{i}]") for i, a in enumerate(args)]

    def f(values):
        out = build(*[Value(v) for v in values])
        return out.data if isinstance(out, Value) else _number(out, "build(...)'s result")

    grads = []
    for i in range(len(args)):
        up, down = list(args), list(args)
        up[i] += h
        down[i] -= h
        grads.append((f(up) - f(down)) / (2 * h))
    return grads


# ====================================================================== a network as a graph
_LOSSES = ("half_sse", "cross_entropy", "binary_cross_entropy")


class GraphGradients:
    """What :func:`network_gradients` built and computed, numbered like the derivations.

    Nodes: ``x`` (inputs), ``y`` (targets), ``W[l][j-1][k-1]``, ``b[l][j-1]``, ``z[l][j-1]``,
    ``a[l][j-1]`` (``a[0]`` is ``x``) and ``root`` (the loss C).
    Numbers: ``loss``, ``dW[l]`` and ``db[l]`` (numpy arrays shaped like W^l and b^l; ``db[l]`` is
    None without biases) and ``delta[l]``, the grads of the z^l nodes.
    """

    def __init__(self, root, x, y, W, b, z, a):
        from .network import Layers

        self.root, self.x, self.y = root, x, y
        self.W = Layers(W, 1, "W")
        self.b = Layers(b, 1, "b")
        self.z = Layers(z, 1, "z")
        self.a = Layers(a, 0, "a")
        self.loss = root.data
        self.dW = Layers([np.array([[w.grad for w in row] for row in Wl]) for Wl in W], 1, "dW")
        self.db = Layers([None if bl is None else np.array([v.grad for v in bl]) for bl in b], 1, "db")
        self.delta = Layers([np.array([v.grad for v in zl]) for zl in z], 1, "delta")

    def __repr__(self):
        return f"GraphGradients(loss={self.loss:.6g}, layers 1..{len(self.z)}, {len(nodes(self.root))} nodes)"


def _activate(name, z):
    """a = f(z) for one neuron, as nodes of the graph."""
    if name == "identity":
        return z  # a = z: no new node
    if name == "leaky_relu":
        return maximum(z, LEAKY_SLOPE * z)  # max(z, 0.01 z): z for z > 0, 0.01 z otherwise
    return getattr(z, name)()  # sigmoid, tanh, relu


def _softmax(zs):
    """a_j = e^{z_j - m} / sum_k e^{z_k - m}, with the constant m = max z (so exp never overflows)."""
    m = max(v.data for v in zs)
    e = [(v - m).exp() for v in zs]
    s = total(e)
    return [ej / s for ej in e]


def _one_sample(net, x, y, loss):
    from .network import Network

    if not isinstance(net, Network):
        raise TypeError(f"net must be a bplab.Network, got {show(net)}.")
    choice(loss, _LOSSES, "loss")
    n0, nL = net.sizes[0], net.sizes[-1]
    x = as_float_array(x, "x", dtype=np.float64)
    if x.shape != (n0,):
        raise ValueError(f"x must be ONE sample: a vector of n_0 = {n0} numbers, shape ({n0},), got shape {x.shape}.")
    y = as_float_array(y, "y", dtype=np.float64)
    if y.size == 1 and nL > 1 and loss == "cross_entropy" and float(y.reshape(-1)[0]).is_integer():
        label = int(y.reshape(-1)[0])
        if not 0 <= label < nL:
            raise ValueError(f"y as a class label must lie in 0..{nL - 1} (one per output neuron), got {label}.")
        y = np.eye(nL)[label]  # a class label becomes a one-hot target
    y = y.reshape(-1)
    if y.shape != (nL,):
        raise ValueError(f"y must be ONE target: n_L = {nL} numbers (one per output neuron), got shape {y.shape}.")
    last = net.activations[-1]
    if loss == "cross_entropy":
        if last != "softmax":
            raise ValueError(f"loss 'cross_entropy' needs a softmax output layer, but the output layer is {last!r}.")
        if not np.isclose(y.sum(), 1.0):
            raise ValueError(f"y for loss 'cross_entropy' must be probabilities summing to 1, got a sum of {y.sum():g}.")
    if loss == "binary_cross_entropy" and last != "sigmoid" and last != ["sigmoid"] * nL:
        raise ValueError(f"loss 'binary_cross_entropy' needs sigmoid output neurons, but the output layer is {last!r}.")
    return x, y


def network_gradients(net, x, y, loss="half_sse"):
    """dC/dW^l, dC/db^l and delta^l of ``net`` for ONE sample, by reverse mode on its scalar graph.

    The graph is the network written neuron by neuron (seed 001's index form):

        z^l_j = sum_k w^l_jk a^{l-1}_k + b^l_j,      a^l_j = f(z^l_j),
        C = 1/2 sum_j (a^L_j - y_j)^2                 (half_sse)
        C = -sum_j y_j log a^L_j, a^L = softmax(z^L)  (cross_entropy)
        C = -sum_j [y_j log a^L_j + (1 - y_j) log(1 - a^L_j)]  (binary_cross_entropy)

    Only public attributes of ``net`` are read (sizes, L, weights, biases, activations); neither
    ``net.forward`` nor ``net.backward`` is called. Returns a :class:`GraphGradients`.
    """
    x, y = _one_sample(net, x, y, loss)
    xs = [Value(v, f"x_{k}") for k, v in enumerate(x, start=1)]
    ys = [Value(v, f"y_{j}") for j, v in enumerate(y, start=1)]
    W, b, z, a = [], [], [], [xs]
    for l in range(1, net.L + 1):
        Wl = [[Value(w, f"w^{l}_{j}{k}") for k, w in enumerate(row, start=1)] for j, row in enumerate(net.weights[l], start=1)]
        bl = None if net.biases[l] is None else [Value(v, f"b^{l}_{j}") for j, v in enumerate(net.biases[l], start=1)]
        zl = []
        for j in range(len(Wl)):
            terms = [w * ak for w, ak in zip(Wl[j], a[-1])]  # w^l_jk a^{l-1}_k, one node per k
            zl.append(total(terms + ([bl[j]] if bl else []), label=f"z^{l}_{j + 1}"))
        spec = net.activations[l - 1]
        if spec == "softmax":
            al = _softmax(zl)
        else:
            names = [spec] * len(zl) if isinstance(spec, str) else list(spec)
            al = [_activate(name, zj) for name, zj in zip(names, zl)]
        for j, (aj, zj) in enumerate(zip(al, zl), start=1):
            if aj is not zj:  # identity leaves a = z, which keeps its z label
                aj.label = f"a^{l}_{j}"
        W.append(Wl)
        b.append(bl)
        z.append(zl)
        a.append(al)
    out = a[-1]
    if loss == "half_sse":
        squares = [(aj - yj) ** 2 for aj, yj in zip(out, ys)]
        C = 0.5 * (total(squares) if len(squares) > 1 else squares[0])
    elif loss == "cross_entropy":
        C = -total([yj * aj.log() for aj, yj in zip(out, ys)])
    else:
        C = -total([yj * aj.log() + (1 - yj) * (1 - aj).log() for aj, yj in zip(out, ys)])
    C.label = "C"
    C.backward()
    return GraphGradients(C, xs, ys, W, b, z, a)


def compare_with_backprop(net, x, y, loss="half_sse", backward=None, rtol=1e-7, atol=1e-15):
    """Check that matrix BP (BP1-BP4) is reverse mode on the graph: raise if any number differs.

    Compares, for one sample, the graph's loss, its z-node grads with delta^l, and its dW^l, db^l
    with what ``backward(net, x, y, loss)`` returns (default: bplab's ``net.backward``; pass e.g.
    ``bplab.variants.backward_missing_fprime`` to see the check catch a wrong formula). Raises
    AssertionError naming the first layer and quantity that differ; returns ``(graph, grads)``.
    """
    if getattr(net, "dtype", np.float64) != np.float64:
        raise ValueError(
            f"compare_with_backprop needs a float64 network, got dtype {net.dtype.name}: the graph computes in"
            " Python floats (float64), so a float32 backward pass would differ by rounding alone."
            " Rebuild the network with dtype='float64'."
        )
    graph = network_gradients(net, x, y, loss)
    if backward is None:
        grads = net.backward(net.forward(x), y, loss)
    else:
        grads = backward(net, x, y, loss)
    pairs = [("the loss C", graph.loss, grads.loss)]
    for l in range(1, net.L + 1):
        pairs.append((f"delta^{l} (the grads of the nodes z^{l}_j)", graph.delta[l], grads.delta[l]))
        pairs.append((f"dC/dW^{l}", graph.dW[l], grads.dW[l]))
        if graph.db[l] is not None:
            pairs.append((f"dC/db^{l}", graph.db[l], grads.db[l]))
    for name, from_graph, from_bp in pairs:
        from_graph, from_bp = np.asarray(from_graph, dtype=float), np.asarray(from_bp, dtype=float)
        if from_graph.shape != from_bp.shape or not np.allclose(from_graph, from_bp, rtol=rtol, atol=atol):
            raise AssertionError(
                f"{name}: the graph gives {np.array2string(from_graph, precision=8)}, matrix BP gives"
                f" {np.array2string(from_bp, precision=8)}; they should agree to rtol={rtol:g}."
            )
    return graph, grads
