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
built by one method per kind of step (:mod:`bplab.ui.steps`), that a view renders
(:mod:`bplab.ui.stepper_html`) and that tests read. This module never
imports ipywidgets.

Value keys, 1-based like the notation: ``a[l][j]``, ``z[l][j]``, ``W[l][j][k]``,
``b[l][j]``, ``y[j]``, ``loss``, ``g[l][j]`` (dC/da^l, what BP1/BP2 multiply by f'),
``fprime[l][j]`` (f'(z^l_j)), ``delta[l][j]``, ``dW[l][j][k]``, ``db[l][j]``,
``DeltaW[l][j][k]`` and ``Deltab[l][j]`` (the update's change, -eta dC/dW), ``W_new[l][j][k]``,
``b_new[l][j]``.
"""

from __future__ import annotations

import re
import numpy as np

from ..errors import show, choice, positive_int, positive_number
from ..network import Network
from .formats import parse_number, tex_number, text_number
from .stepper_html import document, formula_html, legend_html, parse_values, step_svg, values_html
from .steps import LOSS_WORDS, Step, StepBuilder, Table, Value

__all__ = [
    "PHASES", "EDGE_SCALES", "LOSS_WORDS", "Stepper", "Step", "Table", "Value",
    "tex_number", "text_number", "parse_number", "values_html", "parse_values", "formula_html",
]  # fmt: skip

PHASES = ("forward", "loss", "backward", "update")
EDGE_SCALES = ("layer", "global")
SCALE_RANGE = (0.5, 3.0)

# ---------------------------------------------------------------- the settings and their checks
def _check_neuron(neuron):
    return positive_int(neuron, "neuron")


def _check_digits(digits):
    digits = positive_int(digits, "digits", minimum=2)
    if digits > 16:
        raise ValueError(f"digits must be between 2 and 16 (a float64 holds about 16), got {digits}.")
    return digits


def _check_edge_scale(edge_scale):
    return choice(edge_scale, EDGE_SCALES, "edge_scale")


def _check_scale(scale):
    scale = positive_number(scale, "scale")
    lo, hi = SCALE_RANGE
    if not lo <= scale <= hi:
        raise ValueError(f"scale must be between {lo} and {hi} (1 is normal size, 1.5 for a lecture hall), got {scale!r}.")
    return scale


def _setting(name, check, rebuild, doc):
    """A setting of how the steps are shown: read as ``stepper.name``; set through ``check`` (the
    constructor's own), then the steps are rebuilt (``rebuild``) or only redrawn, and views told."""

    def set_(self, value):
        object.__setattr__(self, f"_{name}", check(value))
        if rebuild:
            self._steps = tuple(self._build())
        self._changed(name)

    return property(lambda self: getattr(self, f"_{name}"), set_, doc=doc)


# ---------------------------------------------------------------- the stepper
class Stepper(StepBuilder):
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
            raise TypeError(f"net must be a bplab.Network, got {show(net)}.")
        rows, one_sample = net.input_rows(x, "x")  # numbers, finite, n_0 of them per sample
        if not one_sample:
            raise ValueError(
                f"x must be ONE sample, a 1-D array of {net.sizes[0]} numbers, got shape {rows.shape};"
                " the stepper follows a single sample through the network."
            )
        self._listeners = []
        self._html = {}
        self._lr = positive_number(lr, "lr (learning rate)")
        self._neuron = _check_neuron(neuron)
        self._digits = _check_digits(digits)
        self._edge_scale = _check_edge_scale(edge_scale)
        self._scale = _check_scale(scale)
        self._net = net.copy()  # our own copy: later changes to ``net`` don't change the steps
        self._loss = loss
        # The three computations of the package, done once; every step reads from them.
        self._trace = self._net.forward(x)
        self._grads = self._net.backward(self._trace, y, loss)
        self._updated = self._net.copy()
        self._updated.apply(self._grads, self._lr)
        self._y = self._net.targets(y, 1, loss)[0]
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
            f"cannot set {name} = {show(value)}: {why}. Settings that can change: {', '.join(self.SETTINGS)}."
        )

    # ------------------------------------------------------------ how it is shown: settable, checked
    neuron = _setting("neuron", _check_neuron, True, "The 1-based neuron whose scalar formula is written out.")
    digits = _setting("digits", _check_digits, True, "Significant digits of every number shown (2..16).")
    edge_scale = _setting("edge_scale", _check_edge_scale, False, "'layer' or 'global': how edges are shaded.")
    scale = _setting("scale", _check_scale, False, "Zoom of every text, the diagram and the formulas (0.5..3).")

    @property
    def steps(self):
        """Every step, as data (:class:`Step`), in order."""
        return self._steps

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
            raise TypeError(f"index must be a whole number 0..{self.n_steps - 1}, got {show(index)}.")
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
