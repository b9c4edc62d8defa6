"""Forward and backward propagation of one sample, cut into steps a learner can walk through.

    from bplab.stepper import Stepper
    s = Stepper(*bplab.worked_example())
    s.next(); s.current.latex          # z^1 = W^1 a^0 + b^1 with the numbers written out
    s.current.values()                 # {"a[0][1]": 1.0, ..., "z[1][1]": 5.0, ...}
    open("walk.html", "w").write(s.to_html())   # every step in one page, no kernel needed

The steps, for a network with layers 1..L (N = 3L + 3 steps in all):

    0            the input a^0 = x                        phase "forward", layer 0
    1 .. L       forward layer l: z^l, then a^l           phase "forward", layer l
    L+1          the loss C                               phase "loss",    layer L
    then for l = L .. 1, two steps per layer:
                 the error term delta^l (BP1 or BP2)      phase "backward", layer l
                 the gradients dC/dW^l, dC/db^l (BP4, BP3) phase "backward", layer l
    last         the update Delta W^l = -eta dC/dW^l      phase "update",  layer None

Every number comes from the package, computed ONCE when the Stepper is made:
``net.forward(x)`` (the trace), ``net.backward(trace, y, loss)`` (the gradients) and
``net.apply`` on a copy (the updated parameters). A step only holds those numbers,
arranged as data (:class:`Step`: phase, layer, title, LaTeX, tables of keyed values)
that a view renders (:mod:`bplab.ui.stepper_html`) and that tests read. This module never
imports ipywidgets.

Value keys, 1-based like the notation: ``a[l][j]``, ``z[l][j]``, ``W[l][j][k]``,
``b[l][j]``, ``y[j]``, ``loss``, ``g[l][j]`` (dC/da^l, what BP1/BP2 multiply by f'),
``fprime[l][j]`` (f'(z^l_j)), ``delta[l][j]``, ``dW[l][j][k]``, ``db[l][j]``,
``DeltaW[l][j][k]`` and ``Deltab[l][j]`` (the update's change, -eta dC/dW), ``W_new[l][j][k]``,
``b_new[l][j]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..errors import _show, choice, positive_int, positive_number
from ..losses import LOSSES
from ..network import Network
from .formats import bmatrix, digits_to_show_change, parse_number, sup, tex_factor, tex_number, text_number
from .stepper_html import document, formula_html, legend_html, parse_values, step_svg, values_html

__all__ = [
    "PHASES", "EDGE_SCALES", "LOSS_WORDS", "Stepper", "Step", "Table", "Value",
    "tex_number", "text_number", "parse_number", "values_html", "parse_values", "formula_html",
]  # fmt: skip

PHASES = ("forward", "loss", "backward", "update")
EDGE_SCALES = ("layer", "global")
SCALE_RANGE = (0.5, 3.0)
# The losses in words, as a learner reads them in a title or a status line.
LOSS_WORDS = {
    "half_sse": "half the sum of squared errors",
    "cross_entropy": "cross-entropy",
    "binary_cross_entropy": "binary cross-entropy",
}

# How each activation is written in a formula.
ACT_TEX = {
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "relu": r"\operatorname{relu}",
    "leaky_relu": r"\operatorname{lrelu}",
    "identity": r"\operatorname{id}",
    "softmax": r"\operatorname{softmax}",
}
SUM_TERMS_SHOWN = 4  # a scalar sum of more terms is written "t1 + t2 + ... + tn"


# ---------------------------------------------------------------- step data
@dataclass(frozen=True)
class Value:
    """One displayed number: its key (e.g. ``"z[1][1]"``) and its value."""

    key: str
    value: float


@dataclass(frozen=True)
class Table:
    """A vector (a column) or a matrix of keyed values, with a caption and the digits it shows."""

    caption: str
    rows: tuple  # tuple of tuples of Value
    digits: int = 5

    @property
    def values(self):
        return [v for row in self.rows for v in row]


@dataclass(frozen=True)
class Step:
    """One step of the walk: what a view shows, as data."""

    index: int
    phase: str
    layer: int | None
    kind: str  # "input", "forward", "loss", "delta", "gradient", "update"
    title: str
    latex: str  # the step's formula in matrix form, numbers substituted
    scalar: str  # the same for one neuron, as a scalar sum
    tables: tuple  # of Table
    diagram: dict = field(default_factory=dict, compare=False)  # what the diagram shows (see stepper_html)

    def values(self):
        """{key: value} of every number in the step's tables."""
        return {v.key: v.value for t in self.tables for v in t.values}


def _vector_table(caption, name, l, vec, digits):
    key = (lambda j: f"{name}[{j}]") if l is None else (lambda j: f"{name}[{l}][{j}]")
    return Table(caption, tuple((Value(key(j + 1), float(v)),) for j, v in enumerate(vec)), digits)


def _matrix_table(caption, name, l, M, digits):
    rows = tuple(
        tuple(Value(f"{name}[{l}][{j + 1}][{k + 1}]", float(v)) for k, v in enumerate(row))
        for j, row in enumerate(np.asarray(M))
    )
    return Table(caption, rows, digits)


def _sum(terms):
    """Terms joined by +, the middle ones elided when there are many (so a line stays readable)."""
    if len(terms) > SUM_TERMS_SHOWN:
        terms = [*terms[:2], r"\cdots", terms[-1]]
    return " + ".join(terms)


# ---------------------------------------------------------------- the stepper
class Stepper:
    """The steps of one forward pass, the loss, one backward pass and one update.

    ``net`` is not modified: the update is applied to a copy. ``x`` is one sample
    (shape (n_0,)) and ``y`` its target (shape (n_L,), a number for one output, or a
    class label when n_L > 1). What is computed (``net``, ``x``, ``y``, ``loss``, ``lr``)
    is fixed when the Stepper is made; how it is shown can be changed afterwards, with
    the constructor's checks:

    * ``neuron`` (1-based): the neuron whose scalar formula is written out (the last neuron of a
      smaller layer);
    * ``digits``: significant digits of every number shown (boxes, formulas and tables alike);
    * ``edge_scale``: ``"layer"`` shades each layer's edges relative to that layer's largest value
      (its pattern shows, however small); ``"global"`` uses one scale for every layer showing the
      same quantity, so that a vanishing gradient shows as vanishing edges;
    * ``scale``: a zoom factor for every text, the diagram and the formulas (1.5 for a lecture hall).
    """

    SETTINGS = ("neuron", "digits", "edge_scale", "scale")

    def __init__(self, net, x, y, loss="half_sse", lr=0.1, neuron=1, digits=5, edge_scale="layer", scale=1.0):
        if not isinstance(net, Network):
            raise TypeError(f"net must be a bplab.Network, got {_show(net)}.")
        if np.ndim(x) != 1:
            raise ValueError(
                f"x must be ONE sample, a 1-D array of {net.sizes[0]} numbers, got shape {np.shape(x)};"
                " the stepper follows a single sample through the network."
            )
        self._listeners = []
        self._html = {}
        self._lr = positive_number(lr, "lr (learning rate)")
        self._neuron = positive_int(neuron, "neuron")
        self._digits = self._check_digits(digits)
        self._edge_scale = choice(edge_scale, EDGE_SCALES, "edge_scale")
        self._scale = self._check_scale(scale)
        self._net = net.copy()  # our own copy: later changes to ``net`` don't change the steps
        self._loss = loss
        # The three computations of the package, done once; every step reads from them.
        self._trace = self._net.forward(x)
        self._grads = self._net.backward(self._trace, y, loss)
        self._updated = self._net.copy()
        self._updated.apply(self._grads, self._lr)
        self._y = self._net._targets(y, 1, loss)[0]
        self._index = 0
        self._steps = tuple(self._build())

    # ------------------------------------------------------------ what was computed: read-only
    lr = property(lambda self: self._lr, doc="The learning rate eta of the update (fixed when made).")
    loss = property(lambda self: self._loss, doc="The loss's name, e.g. 'half_sse' (fixed when made).")
    loss_name = loss
    loss_words = property(lambda self: LOSS_WORDS.get(self._loss, self._loss.replace("_", " ")))
    net = property(lambda self: self._net, doc="The stepper's own copy of the network, before the update.")
    trace = property(lambda self: self._trace, doc="net.forward(x): z[l], a[l].")
    grads = property(lambda self: self._grads, doc="net.backward(trace, y, loss): delta[l], dW[l], db[l], loss.")
    updated = property(lambda self: self._updated, doc="A copy of the network after the update.")
    y = property(lambda self: self._y, doc="The target as a vector (a class label made one-hot).")

    def __setattr__(self, name, value):
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        if name in self.SETTINGS:
            return object.__setattr__(self, name, value)  # through the property's checks
        fixed = {"lr", "loss", "loss_name", "net", "trace", "grads", "updated", "y", "steps"}
        why = (
            f"it is fixed when the Stepper is made (every step was computed with it); make a new one,"
            f" e.g. Stepper(net, x, y, {name}=...)"
            if name in fixed
            else f"a Stepper has no setting {name!r}"
        )
        raise AttributeError(
            f"cannot set {name} = {_show(value)}: {why}. Settings that can change: {', '.join(self.SETTINGS)}."
        )

    # ------------------------------------------------------------ how it is shown: settable, checked
    @staticmethod
    def _check_digits(digits):
        digits = positive_int(digits, "digits", minimum=2)
        if digits > 16:
            raise ValueError(f"digits must be between 2 and 16 (a float64 holds about 16), got {digits}.")
        return digits

    @staticmethod
    def _check_scale(scale):
        scale = positive_number(scale, "scale")
        lo, hi = SCALE_RANGE
        if not lo <= scale <= hi:
            raise ValueError(f"scale must be between {lo} and {hi} (1 is normal size, 1.5 for a lecture hall), got {scale!r}.")
        return scale

    @property
    def neuron(self):
        return self._neuron

    @neuron.setter
    def neuron(self, value):
        self._neuron = positive_int(value, "neuron")
        self._rebuild("neuron")

    @property
    def digits(self):
        return self._digits

    @digits.setter
    def digits(self, value):
        self._digits = self._check_digits(value)
        self._rebuild("digits")

    @property
    def edge_scale(self):
        return self._edge_scale

    @edge_scale.setter
    def edge_scale(self, value):
        self._edge_scale = choice(value, EDGE_SCALES, "edge_scale")
        self._changed("edge_scale")

    @property
    def scale(self):
        return self._scale

    @scale.setter
    def scale(self, value):
        self._scale = self._check_scale(value)
        self._changed("scale")

    @property
    def steps(self):
        """Every step, as data (:class:`Step`), in order."""
        return self._steps

    def _rebuild(self, name):
        self._steps = tuple(self._build())
        self._changed(name)

    def _changed(self, name):
        self._html.clear()
        for listener in list(self._listeners):
            listener(name)

    def on_change(self, listener):
        """Call ``listener(setting_name)`` after a setting changes (a view redraws itself)."""
        self._listeners.append(listener)

    # ------------------------------------------------------------ navigation
    @property
    def n_steps(self):
        return len(self.steps)

    @property
    def step_index(self):
        """The current step, 0-based (the status line counts from 1: "Step 1 of N")."""
        return self._index

    @property
    def current(self):
        return self.steps[self._index]

    @property
    def phase(self):
        return self.current.phase

    @property
    def layer(self):
        return self.current.layer

    def goto(self, index):
        """Go to step ``index`` (0 .. n_steps - 1)."""
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"index must be a whole number 0..{self.n_steps - 1}, got {_show(index)}.")
        if not 0 <= index < self.n_steps:
            raise ValueError(f"index must be between 0 and {self.n_steps - 1} (the steps), got {index}.")
        self._index = int(index)
        return self.current

    def next(self):
        """One step on; stays at the last step."""
        return self.goto(min(self._index + 1, self.n_steps - 1))

    def back(self):
        """One step back; stays at step 0."""
        return self.goto(max(self._index - 1, 0))

    def reset(self):
        return self.goto(0)

    @property
    def at_end(self):
        return self._index == self.n_steps - 1

    def status(self, index=None):
        """E.g. "Step 3 of 12 · forward · layer 2" (counting steps from 1)."""
        s = self.steps[self._index if index is None else index]
        where = "all layers" if s.layer is None else ("input" if s.layer == 0 else f"layer {s.layer}")
        return f"Step {s.index + 1} of {self.n_steps} · {s.phase} · {where}"

    # ------------------------------------------------------------ reading a value by its key
    def _key_arrays(self):
        """{name: {layer: array}} of every quantity a key can name (computed once, then kept)."""
        if getattr(self, "_arrays", None) is None:
            self._arrays = self._compute_key_arrays()
        return self._arrays

    def _compute_key_arrays(self):
        t, g, net, new, lr = self._trace, self._grads, self._net, self._updated, self._lr
        L = net.L
        arrays = {
            "z": t.z, "a": t.a, "delta": g.delta, "dW": g.dW, "db": g.db, "W": net.weights, "b": net.biases,
            "W_new": new.weights, "b_new": new.biases,
        }  # fmt: skip
        out = {name: {l: np.asarray(src[l]) for l in range(0 if name == "a" else 1, L + 1)} for name, src in arrays.items()}
        if not net.bias:
            for name in ("b", "db", "b_new"):
                out[name] = {}
        out["DeltaW"] = {l: -lr * np.asarray(g.dW[l]) for l in range(1, L + 1)}
        out["Deltab"] = {l: -lr * np.asarray(g.db[l]) for l in range(1, L + 1)} if net.bias else {}
        out["g"] = {l: self._g_and_fprime(l)[0] for l in range(1, L + 1)}
        out["fprime"] = {l: fp for l in range(1, L + 1) if (fp := self._g_and_fprime(l)[1]) is not None}
        return out

    def lookup(self, key):
        """The number a value key names, read straight from the package's results
        (the trace, the gradients, the network and its updated copy), not from the steps.
        Keys are 1-based like the notation: ``z[1][1]`` is z^1_1, the first neuron of layer 1."""
        if key == "loss":
            return float(self._grads.loss)
        m = re.fullmatch(r"([A-Za-z_]+)((?:\[-?\d+\])+)", str(key))
        if not m:
            raise ValueError(
                f"key must be 'loss' or a name with 1-based indices such as 'z[1][2]' or 'dW[2][1][3]', got {key!r}."
            )
        name, idx = m.group(1), [int(v) for v in re.findall(r"-?\d+", m.group(2))]
        if name == "y":
            return float(self._y[self._index_in(key, "y", idx, self._y.shape, "neuron")[0]])
        arrays = self._key_arrays()
        if name not in arrays:
            known = ", ".join(["loss", "y", *arrays])
            raise ValueError(f"key {key!r} names an unknown quantity {name!r}; known names: {known}.")
        layers = arrays[name]
        l = idx[0]
        if l not in layers:
            valid = f"{min(layers)}..{max(layers)}" if layers else "none (this network has no biases)"
            raise ValueError(f"key {key!r}: layer {l} has no {name}; layers of {name} are numbered {valid} (1-based).")
        arr = layers[l]
        rest = self._index_in(key, name, idx[1:], arr.shape, "row, column" if arr.ndim == 2 else "neuron")
        return float(arr[rest])

    @staticmethod
    def _index_in(key, name, idx, shape, what):
        """0-based numpy indices of 1-based key indices, or a sentence saying what is wrong."""
        if len(idx) != len(shape):
            example = name + "[1]" * (len(shape) + (name != "y"))
            raise ValueError(
                f"key {key!r} must name ONE number: {name} needs {len(shape)} index(es) ({what}) after the layer,"
                f" e.g. {example!r}; whole vectors and matrices have no key."
            )
        for i, n in zip(idx, shape):
            if i == 0:
                raise ValueError(f"key {key!r}: indices are 1-based like the notation (the first neuron is 1), got 0.")
            if not 1 <= i <= n:
                raise ValueError(f"key {key!r}: index {i} is out of range; it must be between 1 and {n}.")
        return tuple(i - 1 for i in idx)

    # ------------------------------------------------------------ rendering (strings, cached)
    def render(self, index=None):
        """{"status", "title", "formula", "values", "diagram", "legend"}: the HTML a view shows at a step
        (the widget shows these strings in its panes; :meth:`to_html` puts every step's in one page)."""
        i = self._index if index is None else index
        if i not in self._html:
            s = self.steps[i]
            svg, scales = step_svg(self._net.sizes, s, self._edge_scale)
            self._html[i] = {
                "status": self.status(i),
                "title": s.title,
                "formula": formula_html(s),
                "values": values_html(s),
                "diagram": svg,
                "legend": legend_html(s, scales, self._edge_scale),
            }
        return self._html[i]

    def to_html(self, title=None):
        """The whole walk-through as ONE self-contained HTML document (a string): every step's
        diagram, legend, formulas and tables; Back, Next and the arrow keys in a few lines of plain
        JavaScript; formulas as MathML. It fetches nothing, so it opens offline in any current
        browser, as a file or in an iframe (``srcdoc``)."""
        heading = title or f"Backpropagation step by step: a {'-'.join(map(str, self._net.sizes))} network"
        return document(self, heading)

    # ------------------------------------------------------------ building the steps
    def _act_tex(self, l):
        act = self._net.layer_activation(l)
        return ACT_TEX[act.names[0]] if act.uniform else f"f^{{{l}}}"

    def _caption(self, l):
        if l == 0:
            return "input"
        act = self._net.layer_activation(l)
        return f"layer {l} · {act.names[0] if act.uniform else 'mixed'}"

    def _j(self, l):
        return min(self._neuron, self._net.sizes[l])  # 1-based neuron shown in scalar formulas

    def _build(self):
        L = self._net.L
        parts = [self._input_step(), *(self._forward_step(l) for l in range(1, L + 1)), self._loss_step()]
        for l in range(L, 0, -1):
            parts += [self._delta_step(l), self._gradient_step(l)]
        parts.append(self._update_step())
        captions = {l: self._caption(l) for l in range(L + 1)}
        steps = []
        for i, (phase, layer, kind, title, latex, scalar, tables, diagram) in enumerate(parts):
            diagram.setdefault("captions", captions)
            diagram["footers"] = {k: sup(v) for k, v in diagram.get("footers", {}).items()}
            steps.append(Step(i, phase, layer, kind, sup(title), latex, scalar, tuple(tables), diagram))
        return steps

    def _box_texts(self, arrays):
        return {l: [text_number(v, self._digits) for v in vec] for l, vec in arrays.items()}

    def _input_step(self):
        t, d = self._trace, self._digits
        weights = {l: self._net.weights[l] for l in range(1, self._net.L + 1)}
        return (
            "forward", 0, "input", "The input: a⁰ = x",
            rf"a^{{0}} = x = {bmatrix(t.a[0], d)} \qquad y = {bmatrix(self._y, d)}",
            rf"a^{{0}}_{{1}} = x_1 = {tex_number(t.a[0][0], d)}",
            [_vector_table("a^0 = x", "a", 0, t.a[0], d), _vector_table("y (target)", "y", None, self._y, d)],
            dict(highlight=0, node_text=self._box_texts({0: t.a[0]}), edges=weights, edge_kind=dict.fromkeys(weights, "W"),
                 box_kind="a", footers={0: "a⁰ = x"}),
        )  # fmt: skip

    def _forward_step(self, l):
        net, t, d = self._net, self._trace, self._digits
        f = self._act_tex(l)
        W, b, a0, z, a = net.weights[l], (net.biases[l] if net.bias else None), t.a[l - 1], t.z[l], t.a[l]
        plus_b = rf" + b^{{{l}}}" if net.bias else ""
        latex = (
            rf"z^{{{l}}} = W^{{{l}}} a^{{{l - 1}}}{plus_b} = {bmatrix(W, d)} {bmatrix(a0, d)}"
            + (rf" + {bmatrix(b, d)}" if net.bias else "")
            + rf" = {bmatrix(z, d)} \\[6pt] a^{{{l}}} = {f}(z^{{{l}}}) = {bmatrix(a, d)}"
        )
        j = self._j(l)
        terms = [f"{tex_factor(W[j - 1, k], d)} \\cdot {tex_factor(a0[k], d)}" for k in range(len(a0))]
        names = [rf"w^{{{l}}}_{{{j}{k + 1}}} a^{{{l - 1}}}_{{{k + 1}}}" for k in range(len(a0))]
        if net.bias:
            terms.append(tex_factor(b[j - 1], d))
            names.append(rf"b^{{{l}}}_{{{j}}}")
        act_j = net.layer_activation(l).names[j - 1]
        if act_j == "softmax":  # a_j = e^{z_j} / sum_i e^{z_i}
            exps = _sum([rf"e^{{{tex_number(v, d)}}}" for v in z])
            act_line = (
                rf"a^{{{l}}}_{{{j}}} = \frac{{e^{{z^{{{l}}}_{{{j}}}}}}}{{\sum_i e^{{z^{{{l}}}_i}}}}"
                rf" = \frac{{e^{{{tex_number(z[j - 1], d)}}}}}{{{exps}}} = {tex_number(a[j - 1], d)}"
            )
        else:
            act_line = rf"a^{{{l}}}_{{{j}}} = {ACT_TEX[act_j]}({tex_number(z[j - 1], d)}) = {tex_number(a[j - 1], d)}"
        scalar = rf"z^{{{l}}}_{{{j}}} = {_sum(names)} = {_sum(terms)} = {tex_number(z[j - 1], d)} \\[4pt]" + act_line
        tables = [_vector_table(f"a^{l - 1}", "a", l - 1, a0, d), _matrix_table(f"W^{l}", "W", l, W, d)]
        if net.bias:
            tables.append(_vector_table(f"b^{l}", "b", l, b, d))
        tables += [_vector_table(f"z^{l}", "z", l, z, d), _vector_table(f"a^{l}", "a", l, a, d)]
        weights = {k: net.weights[k] for k in range(1, net.L + 1)}
        diagram = dict(
            highlight=l,
            highlight_edges=l,
            node_text=self._box_texts({k: t.a[k] for k in range(l + 1)}),
            node_note={k: [f"z={v}" for v in vec] for k, vec in self._box_texts({k: t.z[k] for k in range(1, l + 1)}).items()},
            edges=weights,
            edge_kind=dict.fromkeys(weights, "W"),
            box_kind="a",
            footers={k: f"a^{k}" for k in range(l + 1)},
        )
        title = f"Forward, layer {l}: z^{l} = W^{l} a^{l - 1}" + (f" + b^{l}" if net.bias else "") + f", a^{l} = f(z^{l})"
        return "forward", l, "forward", title, latex, scalar, tables, diagram

    def _loss_step(self):
        t, g, d, L = self._trace, self._grads, self._digits, self._net.L
        weights = {l: self._net.weights[l] for l in range(1, L + 1)}
        tables = [
            _vector_table(f"a^{L} = ŷ", "a", L, t.a[L], d),
            _vector_table("y (target)", "y", None, self._y, d),
            Table("C (loss)", ((Value("loss", float(g.loss)),),), d),
        ]
        diagram = dict(
            highlight=L,
            node_text=self._box_texts({k: t.a[k] for k in range(L + 1)}),
            edges=weights,
            edge_kind=dict.fromkeys(weights, "W"),
            box_kind="a",
            footers={L: f"C = {text_number(g.loss, d)}"},
        )
        title = f"The loss C: {self.loss_words}"
        return "loss", L, "loss", title, self._loss_latex(), self._loss_latex(scalar=True), tables, diagram

    def _loss_latex(self, scalar=False):
        t, g, d, L, name = self._trace, self._grads, self._digits, self._net.L, self._loss
        a, y = t.a[L], self._y
        head = LOSSES[name].latex.replace("a^L", f"a^{{{L}}}")
        if name == "half_sse":
            parts = _sum([rf"({tex_number(yj, d)} - {tex_number(aj, d)})^2" for yj, aj in zip(y, a)])
            body = rf"\frac{{1}}{{2}}\left[{parts}\right]"
        elif name == "cross_entropy":
            body = r"-\left(" + _sum([rf"{tex_number(yj, d)} \log {tex_number(aj, d)}" for yj, aj in zip(y, a)]) + r"\right)"
        else:
            body = r"-\left(" + _sum([
                rf"{tex_number(yj, d)} \log {tex_number(aj, d)} + {tex_number(1 - yj, d)} \log {tex_number(1 - aj, d)}"
                for yj, aj in zip(y, a)
            ]) + r"\right)"  # fmt: skip
        if scalar:
            return rf"{head} = {body} = {tex_number(g.loss, d)}"
        return rf"{head} = {tex_number(g.loss, d)} \qquad a^{{{L}}} = \hat y = {bmatrix(a, d)} \qquad y = {bmatrix(y, d)}"

    def _g_and_fprime(self, l):
        """dC/da^l (the vector BP1/BP2 multiply by f'(z^l)), f'(z^l) or None for softmax and the
        shortcut losses, and whether the output layer uses the shortcut delta^L = a^L - y."""
        net, t, g = self._net, self._trace, self._grads
        act = net.layer_activation(l)
        if l == net.L:
            gl = t.a[l] - self._y  # dC/da^L for half_sse; for the shortcut losses it IS delta^L
        else:
            gl = net.weights[l + 1].T @ g.delta[l + 1]
        shortcut = l == net.L and self._loss != "half_sse"
        fp = None if (act.is_softmax or shortcut) else act.df(t.z[l], t.a[l])
        return gl, fp, shortcut

    def _backward_diagram(self, l, grad_layers):
        """The diagram of a backward step: delta in the boxes of layers l..L (purple), the gradients
        on the edges of the layers in ``grad_layers``, the weights on the others."""
        net, t, g, L = self._net, self._trace, self._grads, self._net.L
        done = range(l, L + 1)
        edges = {k: (g.dW[k] if k in grad_layers else net.weights[k]) for k in range(1, L + 1)}
        return dict(
            highlight=l,
            highlight_edges=(l if l in grad_layers else (l + 1 if l < L else None)),
            node_text={**self._box_texts({k: t.a[k] for k in range(l)}), **self._box_texts({k: g.delta[k] for k in done})},
            delta_layers=tuple(done),
            edges=edges,
            edge_kind={k: ("dW" if k in grad_layers else "W") for k in edges},
            box_kind="delta",
            footers={**{k: f"δ^{k}" for k in done}, **{k: f"a^{k}" for k in range(l)}},
        )

    def _delta_step(self, l):
        L = self._net.L
        title = f"Backward, layer {l}: the error term δ^{l}" + (" (BP1)" if l == L else " (BP2)")
        latex, scalar = self._delta_latex(l)
        diagram = self._backward_diagram(l, range(l + 1, L + 1))
        return "backward", l, "delta", title, latex, scalar, self._delta_tables(l), diagram

    def _delta_latex(self, l):
        net, t, g, d, L = self._net, self._trace, self._grads, self._digits, self._net.L
        act = net.layer_activation(l)
        gl, fp, shortcut = self._g_and_fprime(l)
        j = self._j(l)
        if l == L:
            if shortcut:
                latex = (
                    rf"\delta^{{{L}}} = a^{{{L}}} - y = {bmatrix(t.a[L], d)} - {bmatrix(self._y, d)} = {bmatrix(g.delta[L], d)}"
                    rf" \\[6pt] \text{{({self.loss_words} with a {act.names[0]} output: the shortcut }} \delta^L = a^L - y \text{{)}}"
                )
                scalar = (
                    rf"\delta^{{{L}}}_{{{j}}} = a^{{{L}}}_{{{j}}} - y_{{{j}}} = {tex_number(t.a[L][j - 1], d)}"
                    rf" - {tex_factor(self._y[j - 1], d)} = {tex_number(g.delta[L][j - 1], d)}"
                )
                return latex, scalar
            g_tex = rf"(a^{{{L}}} - y)"
            g_num = rf"\left({bmatrix(t.a[L], d)} - {bmatrix(self._y, d)}\right)"
            g_j = rf"(a^{{{L}}}_{{{j}}} - y_{{{j}}})"
            g_j_num = rf"({tex_number(t.a[L][j - 1], d)} - {tex_factor(self._y[j - 1], d)})"
        else:
            W = net.weights[l + 1]
            g_tex = rf"\left((W^{{{l + 1}}})^T \delta^{{{l + 1}}}\right)"
            g_num = rf"\left({bmatrix(W.T, d)} {bmatrix(g.delta[l + 1], d)}\right)"
            g_j = r"\left(" + _sum([rf"w^{{{l + 1}}}_{{{i + 1}{j}}} \delta^{{{l + 1}}}_{{{i + 1}}}" for i in range(W.shape[0])]) + r"\right)"
            g_j_num = r"\left(" + _sum([
                rf"{tex_factor(W[i, j - 1], d)} \cdot {tex_factor(g.delta[l + 1][i], d)}" for i in range(W.shape[0])
            ]) + r"\right)"  # fmt: skip
        if fp is None:  # softmax: the Jacobian J = diag(a) - a a^T instead of an element-wise f'
            latex = (
                rf"\delta^{{{l}}} = J^T {g_tex}, \; J = \operatorname{{diag}}(a^{{{l}}}) - a^{{{l}}} (a^{{{l}}})^T"
                rf" \\[6pt] \delta^{{{l}}} = J^T {bmatrix(gl, d)} = {bmatrix(g.delta[l], d)}"
            )
            scalar = (
                rf"\delta^{{{l}}}_{{{j}}} = a^{{{l}}}_{{{j}}}\left(g_{{{j}}} - \textstyle\sum_i a^{{{l}}}_i g_i\right)"
                rf" = {tex_number(g.delta[l][j - 1], d)} \qquad g = {g_tex}"
            )
            return latex, scalar
        f = self._act_tex(l)
        note = r" \\[4pt] \text{(for the sigmoid, }\sigma'(z) = \sigma(z)(1 - \sigma(z))\text{)}" if act.names == ["sigmoid"] * act.n else ""
        latex = (
            rf"\delta^{{{l}}} = {g_tex} \odot {f}'(z^{{{l}}}) = {g_num} \odot {bmatrix(fp, d)}"
            rf" = {bmatrix(gl, d)} \odot {bmatrix(fp, d)} = {bmatrix(g.delta[l], d)}{note}"
        )
        scalar = (
            rf"\delta^{{{l}}}_{{{j}}} = {g_j} \, f'(z^{{{l}}}_{{{j}}}) = {g_j_num} \cdot {tex_factor(fp[j - 1], d)}"
            rf" = {tex_factor(gl[j - 1], d)} \cdot {tex_factor(fp[j - 1], d)} = {tex_number(g.delta[l][j - 1], d)}"
        )
        return latex, scalar

    def _delta_tables(self, l):
        net, t, g, d, L = self._net, self._trace, self._grads, self._digits, self._net.L
        gl, fp, shortcut = self._g_and_fprime(l)
        tables = []
        if l == L:
            tables += [_vector_table(f"a^{L}", "a", L, t.a[L], d), _vector_table("y", "y", None, self._y, d)]
            if not shortcut:
                tables.append(_vector_table(f"a^{L} − y", "g", L, gl, d))
        else:
            tables += [
                _matrix_table(f"W^{l + 1}", "W", l + 1, net.weights[l + 1], d),
                _vector_table(f"δ^{l + 1}", "delta", l + 1, g.delta[l + 1], d),
                _vector_table(f"(W^{l + 1})ᵀ δ^{l + 1}", "g", l, gl, d),
            ]
        if fp is not None:
            tables.append(_vector_table(f"f′(z^{l})", "fprime", l, fp, d))
        tables.append(_vector_table(f"δ^{l}", "delta", l, g.delta[l], d))
        return tables

    def _gradient_step(self, l):
        net, t, g, d, L = self._net, self._trace, self._grads, self._digits, self._net.L
        j = self._j(l)
        a0 = t.a[l - 1]
        latex = (
            rf"\frac{{\partial C}}{{\partial W^{{{l}}}}} = \delta^{{{l}}} (a^{{{l - 1}}})^T"
            rf" = {bmatrix(g.delta[l], d)} {bmatrix(a0[None, :], d)} = {bmatrix(g.dW[l], d)}"
        )
        scalar = (
            rf"\frac{{\partial C}}{{\partial w^{{{l}}}_{{{j}1}}}} = \delta^{{{l}}}_{{{j}}} a^{{{l - 1}}}_{{1}}"
            rf" = {tex_factor(g.delta[l][j - 1], d)} \cdot {tex_factor(a0[0], d)} = {tex_number(g.dW[l][j - 1, 0], d)}"
        )
        tables = [_vector_table(f"δ^{l}", "delta", l, g.delta[l], d), _vector_table(f"a^{l - 1}", "a", l - 1, a0, d)]
        tables.append(_matrix_table(f"∂C/∂W^{l}", "dW", l, g.dW[l], d))
        if net.bias:
            latex += rf" \\[6pt] \frac{{\partial C}}{{\partial b^{{{l}}}}} = \delta^{{{l}}} = {bmatrix(g.db[l], d)}"
            scalar += (
                rf" \\[4pt] \frac{{\partial C}}{{\partial b^{{{l}}}_{{{j}}}}} = \delta^{{{l}}}_{{{j}}}"
                rf" = {tex_number(g.db[l][j - 1], d)}"
            )
            tables.append(_vector_table(f"∂C/∂b^{l}", "db", l, g.db[l], d))
        title = f"Backward, layer {l}: the gradients ∂C/∂W^{l} (BP4)" + (f" and ∂C/∂b^{l} (BP3)" if net.bias else "")
        diagram = self._backward_diagram(l, range(l, L + 1))
        return "backward", l, "gradient", title, latex, scalar, tables, diagram

    def _update_step(self):
        """Delta W^l = -eta dC/dW^l, then W^l + Delta W^l, the new W written with enough digits
        that the change shows (in the formula and the table alike)."""
        net, new, d, lr, L = self._net, self._updated, self._digits, self._lr, self._net.L
        arrays = self._key_arrays()
        small = net.theta.size <= 40  # the matrices written into the formula; else in the tables only
        lines, tables = [rf"\eta = {tex_number(lr, d)}"], []
        for l in range(1, L + 1):
            dW, step = self._grads.dW[l], arrays["DeltaW"][l]
            k = digits_to_show_change(net.weights[l], step, d)
            line = rf"\Delta W^{{{l}}} = -\eta \frac{{\partial C}}{{\partial W^{{{l}}}}}"
            then = rf"W^{{{l}}} \leftarrow W^{{{l}}} + \Delta W^{{{l}}}"
            if small:
                line += rf" = -{tex_number(lr, d)} {bmatrix(dW, d)} = {bmatrix(step, d)}"
                then += rf" = {bmatrix(net.weights[l], k)} + {bmatrix(step, d)} = {bmatrix(new.weights[l], k)}"
            lines += [line, then]
            tables += [
                _matrix_table(f"ΔW^{l} = −η ∂C/∂W^{l}", "DeltaW", l, step, d),
                _matrix_table(f"new W^{l} ({k} digits)", "W_new", l, new.weights[l], k),
            ]
            if net.bias:
                kb = digits_to_show_change(net.biases[l], arrays["Deltab"][l], d)
                tables += [
                    _vector_table(f"Δb^{l}", "Deltab", l, arrays["Deltab"][l], d),
                    _vector_table(f"new b^{l} ({kb} digits)", "b_new", l, new.biases[l], kb),
                ]
        if net.bias:
            lines.append(r"\Delta b^{l} = -\eta \frac{\partial C}{\partial b^{l}}, \quad b^{l} \leftarrow b^{l} + \Delta b^{l} \text{ for every layer } l")
        if not small:
            lines.append(r"\text{(the matrices are in the tables below)}")
        latex = r" \\[6pt] ".join(lines)
        j = self._j(1)
        k1 = digits_to_show_change(net.weights[1], arrays["DeltaW"][1], d)
        scalar = (
            rf"w^{{1}}_{{{j}1}} \leftarrow w^{{1}}_{{{j}1}} - \eta \frac{{\partial C}}{{\partial w^{{1}}_{{{j}1}}}}"
            rf" = {tex_factor(net.weights[1][j - 1, 0], k1)} - {tex_factor(lr, d)} \cdot {tex_factor(self._grads.dW[1][j - 1, 0], d)}"
            rf" = {tex_number(new.weights[1][j - 1, 0], k1)}"
        )
        diagram = dict(
            highlight=range(1, L + 1),
            edges=dict(arrays["DeltaW"]),
            edge_kind=dict.fromkeys(range(1, L + 1), "DeltaW"),
            node_text=self._box_texts(arrays["Deltab"]) if net.bias else {},
            box_kind="Deltab" if net.bias else None,
            footers={l: f"Δb^{l}" for l in range(1, L + 1)} if net.bias else {},
        )
        title = "The update: ΔW = −η ∂C/∂W, then W ← W + ΔW" + (" (and the same for b)" if net.bias else "")
        return "update", None, "update", title, latex, scalar, tables, diagram
