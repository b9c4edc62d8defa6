"""The seeds' symbols read from bplab's forward and backward pass, and compared with the seeds' own equations.

:data:`READINGS` holds, for each seed, one row per symbol: the seed's symbol, the bplab
expression a learner would type (shown as it is computed), and ``value(r, l, j)``, the same
expression as a plain function of ``r`` (a :class:`Run`: ``net``, ``trace``, ``grads``,
``after``, ``x``, ``y``, ``K``, ``lr``, ``weight_decay``), the bplab layer ``l`` and, for
per-neuron rows, the neuron ``j``. Templates take ``{l}``, ``{up}`` (= l + 1, for the seeds
that count the input as layer 1), ``{prev}`` (= l - 1), ``{j}``, ``{i}`` (seed 004's neuron
number across layers) and ``{L}``. tests/test_notation.py runs every shown expression as
Python and checks that it gives the value computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .in_seed import check_options, checked_samples, in_seed_notation
from .seeds import seed_id
from ..reports import CheckReport
from .tables import DisplayTable


@dataclass(frozen=True)
class Run:
    """One forward and backward pass, and the update it leads to, as the readings see them."""

    net: object
    trace: object
    grads: object
    after: object  # a copy of net after ``after.apply(grads, lr, weight_decay)``
    x: np.ndarray
    y: np.ndarray
    K: int  # number of samples
    lr: float
    weight_decay: float


@dataclass(frozen=True)
class Reading:
    symbol: str  # the seed's symbol (template)
    expression: str  # the bplab expression (template), shown as it is computed
    value: Callable  # value(r, l, j) -> the expression's value
    layers: str = "once"  # "once", "all" (l = 1..L), "hidden" (l < L), "output" (l = L), "neurons"
    bias: bool | None = None  # True: only with biases, False: only without, None: always
    single: bool | None = None  # True: only for one sample


def _aug(v):
    return np.append(v, 1.0)


def _with_bias_column(W, b):  # [W | b]
    return np.hstack([W, b[:, None]])


def _with_bias_first(W, b):  # [b | W]
    return np.hstack([b[:, None], W])


R = Reading
READINGS = {
    # seed 000: one sample; a_l is bplab's z, o_l its a; with biases, a constant-1 input per layer
    "000": (
        R("o_0", "np.append(trace.a[0], 1.0)", lambda r, l, j: _aug(r.trace.a[0]), bias=True),
        R("o_0", "trace.a[0]", lambda r, l, j: r.trace.a[0], bias=False),
        R("o_{l}", "np.append(trace.a[{l}], 1.0)", lambda r, l, j: _aug(r.trace.a[l]), "hidden", bias=True),
        R("o_{l}", "trace.a[{l}]", lambda r, l, j: r.trace.a[l], "hidden", bias=False),
        R("o_{l}", "trace.a[{l}]", lambda r, l, j: r.trace.a[l], "output"),
        R("a_{l}", "trace.z[{l}]", lambda r, l, j: r.trace.z[l], "all"),
        R("W_{l}", "np.hstack([net.weights[{l}], net.biases[{l}][:, None]])",
          lambda r, l, j: _with_bias_column(r.net.weights[l], r.net.biases[l]), "all", bias=True),
        R("W_{l}", "net.weights[{l}]", lambda r, l, j: r.net.weights[l], "all", bias=False),
        R("xi_{l}", "grads.delta[{l}]", lambda r, l, j: r.grads.delta[l], "all"),
        R("dC/dW_{l}", "np.hstack([grads.dW[{l}], grads.db[{l}][:, None]])",
          lambda r, l, j: _with_bias_column(r.grads.dW[l], r.grads.db[l]), "all", bias=True),
        R("dC/dW_{l}", "grads.dW[{l}]", lambda r, l, j: r.grads.dW[l], "all", bias=False),
        R("new W_{l}", "np.hstack([after.weights[{l}], after.biases[{l}][:, None]])",
          lambda r, l, j: _with_bias_column(r.after.weights[l], r.after.biases[l]), "all", bias=True),
        R("new W_{l}", "after.weights[{l}]", lambda r, l, j: r.after.weights[l], "all", bias=False),
        R("C", "grads.loss", lambda r, l, j: r.grads.loss),
    ),
    # seed 001: the input is layer 1, so its layer l + 1 is bplab's l
    "001": (
        R("a^1", "trace.a[0]", lambda r, l, j: r.trace.a[0]),
        R("a^{up}", "trace.a[{l}]", lambda r, l, j: r.trace.a[l], "all"),
        R("z^{up}", "trace.z[{l}]", lambda r, l, j: r.trace.z[l], "all"),
        R("w^{up}", "net.weights[{l}]", lambda r, l, j: r.net.weights[l], "all"),
        R("delta^{up}", "grads.delta[{l}]", lambda r, l, j: r.grads.delta[l], "all"),
        R("dC/dw^{up}", "grads.dW[{l}]", lambda r, l, j: r.grads.dW[l], "all"),
        R("new w^{up}", "after.weights[{l}]", lambda r, l, j: r.after.weights[l], "all"),
        R("b^{up}", "net.biases[{l}]", lambda r, l, j: r.net.biases[l], "all", bias=True),
        R("dC/db^{up}", "grads.db[{l}]", lambda r, l, j: r.grads.db[l], "all", bias=True),
        R("new b^{up}", "after.biases[{l}]", lambda r, l, j: r.after.biases[l], "all", bias=True),
        R("C", "grads.loss", lambda r, l, j: r.grads.loss),
    ),
    # seed 002: per neuron, no layer index (we add "(layer l)"); the minus sign folded into delta_j
    "002": (
        R("y_i (layer {l})", "np.append(1.0, trace.a[{prev}])", lambda r, l, j: np.append(1.0, r.trace.a[l - 1]),
          "all", bias=True),
        R("y_i (layer {l})", "trace.a[{prev}]", lambda r, l, j: r.trace.a[l - 1], "all", bias=False),
        R("w_ji (layer {l})", "np.hstack([net.biases[{l}][:, None], net.weights[{l}]])",
          lambda r, l, j: _with_bias_first(r.net.weights[l], r.net.biases[l]), "all", bias=True),
        R("w_ji (layer {l})", "net.weights[{l}]", lambda r, l, j: r.net.weights[l], "all", bias=False),
        R("v_j (layer {l})", "trace.z[{l}]", lambda r, l, j: r.trace.z[l], "all"),
        R("y_j (layer {l})", "trace.a[{l}]", lambda r, l, j: r.trace.a[l], "all"),
        R("delta_j (layer {l})", "-grads.delta[{l}]", lambda r, l, j: -r.grads.delta[l], "all"),
        R("Delta w_ji (layer {l})", "-lr * np.hstack([grads.db[{l}][:, None], grads.dW[{l}]])",
          lambda r, l, j: -r.lr * _with_bias_first(r.grads.dW[l], r.grads.db[l]), "all", bias=True),
        R("Delta w_ji (layer {l})", "-lr * grads.dW[{l}]", lambda r, l, j: -r.lr * r.grads.dW[l], "all", bias=False),
        R("d_j", "y", lambda r, l, j: r.y),
        R("e_j", "y - trace.a[{L}]", lambda r, l, j: r.y - r.trace.a[r.net.L]),
        R("E(n)", "grads.loss", lambda r, l, j: r.grads.loss),
    ),
    # seed 003: the input is layer 1 (z, a, delta shift by one), but W^(l) LEAVES layer l (no shift)
    "003": (
        R("n_l", "len(net.sizes)", lambda r, l, j: len(r.net.sizes)),
        R("a^(1)", "trace.a[0]", lambda r, l, j: r.trace.a[0]),
        R("s_1", "net.sizes[0]", lambda r, l, j: r.net.sizes[0]),
        R("s_{up}", "net.sizes[{l}]", lambda r, l, j: r.net.sizes[l], "all"),
        R("a^({up})", "trace.a[{l}]", lambda r, l, j: r.trace.a[l], "all"),
        R("z^({up})", "trace.z[{l}]", lambda r, l, j: r.trace.z[l], "all"),
        R("delta^({up})", "grads.delta[{l}]", lambda r, l, j: r.grads.delta[l], "all"),
        R("W^({l})", "net.weights[{l}]", lambda r, l, j: r.net.weights[l], "all"),
        R("Delta W^({l})", "K * grads.dW[{l}]", lambda r, l, j: r.K * r.grads.dW[l], "all"),
        R("dJ/dW^({l})", "grads.dW[{l}] + weight_decay * net.weights[{l}]",
          lambda r, l, j: r.grads.dW[l] + r.weight_decay * r.net.weights[l], "all"),
        R("new W^({l})", "after.weights[{l}]", lambda r, l, j: r.after.weights[l], "all"),
        R("b^({l})", "net.biases[{l}]", lambda r, l, j: r.net.biases[l], "all", bias=True),
        R("Delta b^({l})", "K * grads.db[{l}]", lambda r, l, j: r.K * r.grads.db[l], "all", bias=True),
        R("dJ/db^({l})", "grads.db[{l}]", lambda r, l, j: r.grads.db[l], "all", bias=True),
        R("new b^({l})", "after.biases[{l}]", lambda r, l, j: r.after.biases[l], "all", bias=True),
        R("J(W,b;x,y)", "grads.loss", lambda r, l, j: r.grads.loss, single=True),
        R("J(W,b)", "net.loss(x, y, weight_decay=weight_decay)",
          lambda r, l, j: r.net.loss(r.x, r.y, weight_decay=r.weight_decay)),
    ),
    # seed 004: bplab's layer numbers; the worked example also numbers neurons 1.. across layers
    "004": (
        R("x", "trace.a[0]", lambda r, l, j: r.trace.a[0]),
        R("z^({l})", "trace.z[{l}]", lambda r, l, j: r.trace.z[l], "all"),
        R("n^({l})", "trace.a[{l}]", lambda r, l, j: r.trace.a[l], "all"),
        R("W^({l})", "net.weights[{l}]", lambda r, l, j: r.net.weights[l], "all"),
        R("delta^({l})", "grads.delta[{l}]", lambda r, l, j: r.grads.delta[l], "all"),
        R("dL/dW^({l})", "grads.dW[{l}]", lambda r, l, j: r.grads.dW[l], "all"),
        R("new W^({l})", "after.weights[{l}]", lambda r, l, j: r.after.weights[l], "all"),
        R("b^({l})", "net.biases[{l}]", lambda r, l, j: r.net.biases[l], "all", bias=True),
        R("dL/db^({l})", "grads.db[{l}]", lambda r, l, j: r.grads.db[l], "all", bias=True),
        R("new b^({l})", "after.biases[{l}]", lambda r, l, j: r.after.biases[l], "all", bias=True),
        R("L(y, y_hat)", "grads.loss", lambda r, l, j: r.grads.loss),
        R("z_{i}", "trace.z[{l}][{j}]", lambda r, l, j: r.trace.z[l][j], "neurons"),
        R("f_{i}", "trace.a[{l}][{j}]", lambda r, l, j: r.trace.a[l][j], "neurons"),
        R("f_{i}'(z_{i})", "net.layer_activation({l}).df(trace.z[{l}], trace.a[{l}])[{j}]",
          lambda r, l, j: r.net.layer_activation(l).df(r.trace.z[l], r.trace.a[l])[j], "neurons"),
    ),
}
del R

_LAYERS = {
    "all": lambda L: range(1, L + 1),
    "hidden": lambda L: range(1, L),
    "output": lambda L: range(L, L + 1),
}


def _read(seed, r, single):
    """``{symbol: (bplab expression, value)}`` for every reading of ``seed`` that applies to this run."""
    net = r.net
    L = net.L
    out = {}

    def put(reading, l=0, j=0, i=0):
        names = dict(l=l, up=l + 1, prev=l - 1, j=j, i=i, L=L)
        out[reading.symbol.format(**names)] = (reading.expression.format(**names), reading.value(r, l, j))

    for reading in READINGS[seed]:
        if reading.bias is not None and reading.bias != net.bias:
            continue
        if reading.single and not single:
            continue
        if reading.layers == "once":
            put(reading)
        elif reading.layers == "neurons":
            i = 0
            for l in range(1, L + 1):
                for j in range(net.sizes[l]):
                    i += 1
                    put(reading, l, j, i)
        else:
            for l in _LAYERS[reading.layers](L):
                put(reading, l)
    return out


def bplab_equivalents(seed, net, x, y, lr=0.1, weight_decay=0.0):
    """The symbols of :func:`in_seed_notation`, read from bplab through the mapping (:data:`READINGS`).

    Returns a dict symbol -> ``(expression, value)``, where ``expression`` is the bplab
    Python expression (with ``trace = net.forward(x)``, ``grads = net.backward(trace, y)``,
    ``after`` = a copy of net after ``after.apply(grads, lr, weight_decay)``, ``K`` the
    number of samples) and ``value`` what it evaluates to.
    """
    seed = seed_id(seed)
    lr, weight_decay = check_options(seed, lr, weight_decay)
    X, Y, single = checked_samples(net, x, y, seed)
    xs = X[0] if single else X
    ys = Y[0] if single else Y
    trace = net.forward(xs)
    grads = net.backward(trace, ys)
    after = net.copy()
    after.apply(grads, lr, weight_decay=weight_decay)
    run = Run(net, trace, grads, after, xs, ys, X.shape[0], lr, weight_decay)
    return _read(seed, run, single)


@dataclass
class ComparisonRow:
    symbol: str
    expression: str
    seed_value: object
    bplab_value: object
    max_abs_diff: float
    ok: bool


@dataclass(repr=False)
class Comparison(CheckReport):
    """:func:`compare`'s result: one row per symbol; ``ok`` when every row agrees."""

    seed: str
    rows: list = field(default_factory=list)

    def failures(self):
        return [f"{r.symbol} vs {r.expression} (max |difference| {r.max_abs_diff:.3g})" for r in self.rows if not r.ok]

    @property
    def failure_intro(self):
        return f"seed {self.seed}'s notation and bplab disagree on"

    @property
    def ok(self):
        """Every symbol agrees (the same as ``passed``)."""
        return self.passed

    def __getitem__(self, symbol):
        for r in self.rows:
            if r.symbol == symbol:
                return r
        raise KeyError(f"seed {self.seed} has no symbol {symbol!r}; its symbols are {[r.symbol for r in self.rows]}")

    def table(self):
        rows = [[r.symbol, r.expression, _short(r.seed_value), f"{r.max_abs_diff:.1e}", "ok" if r.ok else "DIFFERENT"]
                for r in self.rows]
        return DisplayTable(["seed " + self.seed + "'s symbol", "bplab expression", "value", "max |diff|", "same?"], rows,
                     f"Seed {self.seed} in its own notation vs bplab")

    def _repr_html_(self):
        return self.table()._repr_html_().replace("$", "&#36;")

    def __repr__(self):
        return repr(self.table())  # its last column already says, row by row


def _short(v):
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return f"{float(a):.6g}"
    text = " ".join(np.array2string(a, precision=6, separator=", ", threshold=8, max_line_width=1000).split())
    return text if len(text) < 70 else f"array of shape {a.shape}"


def compare(seed, net, x, y, lr=0.1, weight_decay=0.0, rtol=1e-10, atol=1e-12):
    """:func:`in_seed_notation` against :func:`bplab_equivalents`, symbol by symbol."""
    mine = in_seed_notation(seed, net, x, y, lr=lr, weight_decay=weight_decay)
    theirs = bplab_equivalents(seed, net, x, y, lr=lr, weight_decay=weight_decay)
    if set(mine) != set(theirs):  # a bug in this module, not the learner's
        raise RuntimeError(f"symbol sets differ: {sorted(set(mine) ^ set(theirs))}")
    rows = []
    for sym, v in mine.items():
        ex, w = theirs[sym]
        a, b = np.asarray(v, dtype=float), np.asarray(w, dtype=float)
        same_shape = a.shape == b.shape
        diff = float(np.max(np.abs(a - b))) if same_shape else float("inf")
        ok = same_shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))
        rows.append(ComparisonRow(sym, ex, v, w, diff, ok))
    return Comparison(seed_id(seed), rows)
