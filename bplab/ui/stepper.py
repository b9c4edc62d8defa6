"""Forward and backward propagation of one sample, cut into steps a learner can walk through.

    from bplab.stepper import Stepper
    s = Stepper(*bplab.worked_example())
    s.next(); s.current.latex          # z^1 = W^1 a^0 + b^1 with the numbers written out
    s.current.values()                 # {"a[0][1]": 1.0, ..., "z[1][1]": 5.0, ...}

The steps, for a network with layers 1..L:

    0            the input a^0 = x                        phase "forward", layer 0
    1 .. L       forward layer l: z^l, then a^l           phase "forward", layer l
    L+1          the loss C                               phase "loss",    layer L
    then for l = L .. 1, two steps per layer:
                 the error term delta^l (BP1 or BP2)      phase "backward", layer l
                 the gradients dC/dW^l, dC/db^l (BP4, BP3) phase "backward", layer l
    last         the update W^l <- W^l - eta dC/dW^l       phase "update",  layer None

Every number comes from the package, computed ONCE when the Stepper is made:
``net.forward(x)`` (the trace), ``net.backward(trace, y, loss)`` (the gradients) and
``net.apply`` on a copy (the updated parameters). A step only holds those numbers,
arranged as data (:class:`Step`: phase, layer, title, LaTeX, tables of keyed values)
that a view renders and that tests read. This module never imports ipywidgets.

Value keys, 1-based like the notation: ``a[l][j]``, ``z[l][j]``, ``W[l][j][k]``,
``b[l][j]``, ``y[j]``, ``loss``, ``g[l][j]`` (dC/da^l, what BP1/BP2 multiply by f'),
``fprime[l][j]`` (f'(z^l_j)), ``delta[l][j]``, ``dW[l][j][k]``, ``db[l][j]``,
``W_new[l][j][k]``, ``b_new[l][j]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np

from .diagram import network_svg
from ..errors import show, positive_int, positive_number
from ..losses import LOSSES
from ..network import Network

PHASES = ("forward", "loss", "backward", "update")
DELTA_FILL = "#f3e5f5"  # boxes showing error terms delta, so they don't read as activations

# How each activation is written in a formula.
ACT_TEX = {
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "relu": r"\operatorname{relu}",
    "leaky_relu": r"\operatorname{lrelu}",
    "identity": r"\operatorname{id}",
    "softmax": r"\operatorname{softmax}",
}


# ---------------------------------------------------------------- number formats
def tex_number(v, digits=5):
    """A number for LaTeX: ``digits`` significant digits, powers of ten written out."""
    v = float(v)
    if v == 0:
        return "0"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s


def tex_factor(v, digits=5):
    """A number as a factor of a product: negative numbers in parentheses."""
    s = tex_number(v, digits)
    return f"({s})" if float(v) < 0 or r"\times" in s else s


def text_number(v, digits=6):
    """A number as plain text (the values table): ``digits`` significant digits."""
    return f"{float(v):.{digits}g}"


def short_number(v):
    """A number short enough for a box of the diagram (about 8 characters)."""
    v = float(v)
    if v == 0:
        return "0"
    return f"{v:.5g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.2e}"


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sup(text):
    """Plain text with ``^12`` written as superscripts: "W^12" -> "W¹²"."""
    import re

    return re.sub(r"\^(-?\d+)", lambda m: m.group(1).translate(_SUPERSCRIPTS), str(text))


def bmatrix(M, digits=5):
    """A vector (shown as a column) or a matrix as a LaTeX bmatrix."""
    M = np.asarray(M, dtype=float)
    if M.ndim == 1:
        M = M[:, None]
    rows = [" & ".join(tex_number(v, digits) for v in row) for row in M]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


# ---------------------------------------------------------------- step data
@dataclass(frozen=True)
class Value:
    """One displayed number: its key (e.g. ``"z[1][1]"``) and its value."""

    key: str
    value: float


@dataclass(frozen=True)
class Table:
    """A vector (a column) or a matrix of keyed values, with a caption."""

    caption: str
    rows: tuple  # tuple of tuples of Value

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
    diagram: dict = field(default_factory=dict, compare=False)  # keyword arguments of network_svg

    def values(self):
        """{key: value} of every number in the step's tables."""
        return {v.key: v.value for t in self.tables for v in t.values}


def _vector_table(caption, name, l, vec):
    key = (lambda j: f"{name}[{j}]") if l is None else (lambda j: f"{name}[{l}][{j}]")
    return Table(caption, tuple((Value(key(j + 1), float(v)),) for j, v in enumerate(vec)))


def _matrix_table(caption, name, l, M):
    return Table(
        caption,
        tuple(
            tuple(Value(f"{name}[{l}][{j + 1}][{k + 1}]", float(v)) for k, v in enumerate(row))
            for j, row in enumerate(np.asarray(M))
        ),
    )


# ---------------------------------------------------------------- the stepper
class Stepper:
    """The steps of one forward pass, the loss, one backward pass and one update.

    ``net`` is not modified: the update is applied to a copy. ``x`` is one sample
    (shape (n_0,)) and ``y`` its target (shape (n_L,), a number for one output, or a
    class label when n_L > 1). ``neuron`` (1-based) is the neuron whose scalar
    formula is written out at each step (the last neuron of a smaller layer).
    """

    def __init__(self, net, x, y, loss="half_sse", lr=0.1, neuron=1, digits=5):
        if not isinstance(net, Network):
            raise TypeError(f"net must be a bplab.Network, got {show(net)}.")
        if np.ndim(x) != 1:
            raise ValueError(
                f"x must be ONE sample, a 1-D array of {net.sizes[0]} numbers, got shape {np.shape(x)};"
                " the stepper follows a single sample through the network."
            )
        self.lr = positive_number(lr, "lr (learning rate)")
        self.neuron = positive_int(neuron, "neuron")
        self.digits = positive_int(digits, "digits", minimum=2)
        self.net = net.copy()  # our own copy: later changes to ``net`` don't change the steps
        self.loss_name = loss
        # The three computations of the package, done once; every step reads from them.
        self.trace = self.net.forward(x)
        self.grads = self.net.backward(self.trace, y, loss)
        self.updated = self.net.copy()
        self.updated.apply(self.grads, self.lr)
        self.y = self.net.targets(y, 1, loss)[0]
        self.steps = tuple(self._build())
        self._index = 0
        self._html = {}

    # ------------------------------------------------------------ navigation
    @property
    def n_steps(self):
        return len(self.steps)

    @property
    def step_index(self):
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
        """E.g. "Step 2 of 11 · forward · layer 2"."""
        s = self.steps[self._index if index is None else index]
        where = "all layers" if s.layer is None else ("input" if s.layer == 0 else f"layer {s.layer}")
        return f"Step {s.index} of {self.n_steps - 1} · {s.phase} · {where}"

    def lookup(self, key):
        """The number a value key names, read straight from the package's results
        (the trace, the gradients, the network and its updated copy), not from the steps."""
        import re

        t, g = self.trace, self.grads
        if key == "loss":
            return float(g.loss)
        m = re.fullmatch(r"(\w+)((?:\[\d+\])+)", str(key))
        if not m:
            raise ValueError(f"key must look like 'z[1][2]' or 'dW[2][1][3]' (1-based), got {key!r}.")
        name, idx = m.group(1), [int(v) for v in re.findall(r"\d+", m.group(2))]
        if name == "y":
            return float(self.y[idx[0] - 1])
        l, rest = idx[0], tuple(v - 1 for v in idx[1:])
        arrays = {
            "z": t.z, "a": t.a, "delta": g.delta, "dW": g.dW, "db": g.db,
            "W": self.net.weights, "b": self.net.biases, "W_new": self.updated.weights, "b_new": self.updated.biases,
        }  # fmt: skip
        if name in arrays:
            return float(arrays[name][l][rest])
        if name in ("g", "fprime"):
            gl, fp, _ = self._g_and_fprime(l)
            return float((gl if name == "g" else fp)[rest])
        raise ValueError(f"unknown quantity {name!r} in key {key!r}.")

    # ------------------------------------------------------------ rendering (strings, cached)
    def render(self, index=None):
        """{"status", "title", "formula", "values", "diagram"}: the strings a view shows at a step."""
        i = self._index if index is None else index
        if i not in self._html:
            s = self.steps[i]
            self._html[i] = {
                "status": self.status(i),
                "title": s.title,
                "formula": formula_html(s),
                "values": values_html(s),
                "diagram": network_svg(self.net.sizes, title=s.title, **s.diagram),
            }
        return self._html[i]

    # ------------------------------------------------------------ building the steps
    def _act_tex(self, l):
        act = self.net.layer_activation(l)
        return ACT_TEX[act.names[0]] if act.uniform else f"f^{{{l}}}"

    def _caption(self, l):
        if l == 0:
            return "input"
        act = self.net.layer_activation(l)
        return f"layer {l} · {act.names[0] if act.uniform else 'mixed'}"

    def _j(self, l):
        return min(self.neuron, self.net.sizes[l])  # 1-based neuron shown in scalar formulas

    def _build(self):
        net, t, g, d = self.net, self.trace, self.grads, self.digits
        L = net.L
        steps = []
        weights = {l: net.weights[l] for l in range(1, L + 1)}
        a_text = {l: [short_number(v) for v in t.a[l]] for l in range(L + 1)}
        z_note = {l: [f"z={short_number(v)}" for v in t.z[l]] for l in range(1, L + 1)}

        def add(phase, layer, kind, title, latex, scalar, tables, diagram):
            diagram.setdefault("captions", captions)
            diagram["footers"] = {k: sup(v) for k, v in diagram.get("footers", {}).items()}
            steps.append(Step(len(steps), phase, layer, kind, sup(title), latex, scalar, tuple(tables), diagram))

        captions = {l: self._caption(l) for l in range(L + 1)}

        # step 0: the input
        add(
            "forward",
            0,
            "input",
            "The input: a⁰ = x",
            rf"a^{{0}} = x = {bmatrix(t.a[0], d)}, \qquad y = {bmatrix(self.y, d)}",
            rf"a^{{0}}_{{1}} = x_1 = {tex_number(t.a[0][0], d)}",
            [_vector_table("a^0 = x", "a", 0, t.a[0]), _vector_table("y (target)", "y", None, self.y)],
            dict(highlight=0, node_text={0: a_text[0]}, edges=weights, footers={0: "a⁰ = x"}),
        )
        # forward, layer by layer
        for l in range(1, L + 1):
            f = self._act_tex(l)
            W, b, a0, z, a = net.weights[l], (net.biases[l] if net.bias else None), t.a[l - 1], t.z[l], t.a[l]
            plus_b = rf" + b^{{{l}}}" if net.bias else ""
            latex = (
                rf"z^{{{l}}} = W^{{{l}}} a^{{{l - 1}}}{plus_b} = {bmatrix(W, d)} {bmatrix(a0, d)}"
                + (rf" + {bmatrix(b, d)}" if net.bias else "")
                + rf" = {bmatrix(z, d)} \\[6pt] a^{{{l}}} = {f}(z^{{{l}}}) = {bmatrix(a, d)}"
            )
            j = self._j(l)
            terms = " + ".join(f"{tex_factor(W[j - 1, k], d)} \\cdot {tex_factor(a0[k], d)}" for k in range(len(a0)))
            names = " + ".join(rf"w^{{{l}}}_{{{j}{k + 1}}} a^{{{l - 1}}}_{{{k + 1}}}" for k in range(len(a0)))
            if net.bias:
                terms += f" + {tex_factor(b[j - 1], d)}"
                names += rf" + b^{{{l}}}_{{{j}}}"
            act_j = net.layer_activation(l).names[j - 1]
            if act_j == "softmax":  # a_j = e^{z_j} / sum_i e^{z_i}
                exps = " + ".join(rf"e^{{{tex_number(v, d)}}}" for v in z)
                act_line = (
                    rf"a^{{{l}}}_{{{j}}} = \frac{{e^{{z^{{{l}}}_{{{j}}}}}}}{{\sum_i e^{{z^{{{l}}}_i}}}}"
                    rf" = \frac{{e^{{{tex_number(z[j - 1], d)}}}}}{{{exps}}} = {tex_number(a[j - 1], d)}"
                )
            else:
                act_line = rf"a^{{{l}}}_{{{j}}} = {ACT_TEX[act_j]}({tex_number(z[j - 1], d)}) = {tex_number(a[j - 1], d)}"
            scalar = rf"z^{{{l}}}_{{{j}}} = {names} = {terms} = {tex_number(z[j - 1], d)} \\[4pt]" + act_line
            tables = [_vector_table(f"a^{l - 1}", "a", l - 1, a0), _matrix_table(f"W^{l}", "W", l, W)]
            if net.bias:
                tables.append(_vector_table(f"b^{l}", "b", l, b))
            tables += [_vector_table(f"z^{l}", "z", l, z), _vector_table(f"a^{l}", "a", l, a)]
            add(
                "forward",
                l,
                "forward",
                f"Forward, layer {l}: z^{l} = W^{l} a^{l - 1}" + (f" + b^{l}" if net.bias else "") + f", a^{l} = f(z^{l})",
                latex,
                scalar,
                tables,
                dict(
                    highlight=l,
                    highlight_edges=l,
                    node_text={k: a_text[k] for k in range(l + 1)},
                    node_note={k: z_note[k] for k in range(1, l + 1)},
                    edges=weights,
                    footers={k: f"a^{k}" for k in range(l + 1)},
                ),
            )
        # the loss
        add(
            "loss",
            L,
            "loss",
            f"The loss C ({self.loss_name})",
            self._loss_latex(),
            self._loss_latex(scalar=True),
            [
                _vector_table(f"a^{L} = ŷ", "a", L, t.a[L]),
                _vector_table("y (target)", "y", None, self.y),
                Table("C (loss)", ((Value("loss", float(g.loss)),),)),
            ],
            dict(
                highlight=L,
                node_text={k: a_text[k] for k in range(L + 1)},
                edges=weights,
                footers={L: f"C = {text_number(g.loss, 4)}"},
            ),
        )
        # backward: delta^l, then the gradients of layer l
        for l in range(L, 0, -1):
            done = range(l, L + 1)
            delta_text = {k: [short_number(v) for v in g.delta[k]] for k in done}
            grad_edges = {k: (g.dW[k] if k > l else weights[k]) for k in range(1, L + 1)}
            add(
                "backward",
                l,
                "delta",
                f"Backward, layer {l}: the error term δ^{l}" + (" (BP1)" if l == L else " (BP2)"),
                *self._delta_latex(l),
                self._delta_tables(l),
                dict(
                    highlight=l,
                    highlight_edges=l + 1 if l < L else None,
                    node_text={**{k: a_text[k] for k in range(l)}, **delta_text},
                    fills={k: DELTA_FILL for k in done},
                    edges=grad_edges,
                    footers={**{k: f"δ^{k}" for k in done}, **{k: f"a^{k}" for k in range(l)}},
                ),
            )
            grad_edges = {**grad_edges, l: g.dW[l]}
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
            tables = [_vector_table(f"δ^{l}", "delta", l, g.delta[l]), _vector_table(f"a^{l - 1}", "a", l - 1, a0)]
            tables.append(_matrix_table(f"∂C/∂W^{l}", "dW", l, g.dW[l]))
            if net.bias:
                latex += rf" \\[6pt] \frac{{\partial C}}{{\partial b^{{{l}}}}} = \delta^{{{l}}} = {bmatrix(g.db[l], d)}"
                scalar += (
                    rf" \\[4pt] \frac{{\partial C}}{{\partial b^{{{l}}}_{{{j}}}}} = \delta^{{{l}}}_{{{j}}}"
                    rf" = {tex_number(g.db[l][j - 1], d)}"
                )
                tables.append(_vector_table(f"∂C/∂b^{l}", "db", l, g.db[l]))
            add(
                "backward",
                l,
                "gradient",
                f"Backward, layer {l}: the gradients ∂C/∂W^{l} (BP4) and ∂C/∂b^{l} (BP3)",
                latex,
                scalar,
                tables,
                dict(
                    highlight=l,
                    highlight_edges=l,
                    node_text={**{k: a_text[k] for k in range(l)}, **delta_text},
                    fills={k: DELTA_FILL for k in done},
                    edges=grad_edges,
                    footers={**{k: f"δ^{k}" for k in done}, **{k: f"a^{k}" for k in range(l)}},
                ),
            )
        # the update
        add("update", None, "update", *self._update_parts())
        return steps

    def _loss_latex(self, scalar=False):
        t, g, d, L, name = self.trace, self.grads, self.digits, self.net.L, self.loss_name
        a, y = t.a[L], self.y
        head = LOSSES[name].latex.replace("a^L", f"a^{{{L}}}")
        if name == "half_sse":
            parts = " + ".join(rf"({tex_number(yj, d)} - {tex_number(aj, d)})^2" for yj, aj in zip(y, a))
            body = rf"\frac{{1}}{{2}}\left[{parts}\right]"
        elif name == "cross_entropy":
            body = "-(" + " + ".join(rf"{tex_number(yj, d)} \log {tex_number(aj, d)}" for yj, aj in zip(y, a)) + ")"
        else:
            body = "-(" + " + ".join(
                rf"{tex_number(yj, d)} \log {tex_number(aj, d)} + {tex_number(1 - yj, d)} \log {tex_number(1 - aj, d)}"
                for yj, aj in zip(y, a)
            ) + ")"
        if scalar:
            return rf"{head} = {body} = {tex_number(g.loss, d)}"
        return rf"{head} = {tex_number(g.loss, d)}, \qquad a^{{{L}}} = \hat y = {bmatrix(a, d)},\; y = {bmatrix(y, d)}"

    def _g_and_fprime(self, l):
        """dC/da^l (the vector BP1/BP2 multiply by f'(z^l)) and f'(z^l), or None for softmax."""
        net, t, g = self.net, self.trace, self.grads
        act = net.layer_activation(l)
        if l == net.L:
            gl = t.a[l] - self.y  # dC/da^L for half_sse; for the shortcut losses it IS delta^L
        else:
            gl = net.weights[l + 1].T @ g.delta[l + 1]
        shortcut = l == net.L and self.loss_name != "half_sse"
        fp = None if (act.is_softmax or shortcut) else act.df(t.z[l], t.a[l])
        return gl, fp, shortcut

    def _delta_latex(self, l):
        net, t, g, d, L = self.net, self.trace, self.grads, self.digits, self.net.L
        act = net.layer_activation(l)
        gl, fp, shortcut = self._g_and_fprime(l)
        j = self._j(l)
        if l == L:
            if shortcut:
                latex = (
                    rf"\delta^{{{L}}} = a^{{{L}}} - y = {bmatrix(t.a[L], d)} - {bmatrix(self.y, d)} = {bmatrix(g.delta[L], d)}"
                    rf" \quad \text{{({self.loss_name.replace('_', ' ')} with {act.names[0]}: the shortcut }} \delta^L = a^L - y \text{{)}}"
                )
                scalar = (
                    rf"\delta^{{{L}}}_{{{j}}} = a^{{{L}}}_{{{j}}} - y_{{{j}}} = {tex_number(t.a[L][j - 1], d)}"
                    rf" - {tex_factor(self.y[j - 1], d)} = {tex_number(g.delta[L][j - 1], d)}"
                )
                return latex, scalar
            g_tex = rf"(a^{{{L}}} - y)"
            g_num = rf"\left({bmatrix(t.a[L], d)} - {bmatrix(self.y, d)}\right)"
            g_j = rf"(a^{{{L}}}_{{{j}}} - y_{{{j}}})"
            g_j_num = rf"({tex_number(t.a[L][j - 1], d)} - {tex_factor(self.y[j - 1], d)})"
        else:
            W = net.weights[l + 1]
            g_tex = rf"\left((W^{{{l + 1}}})^T \delta^{{{l + 1}}}\right)"
            g_num = rf"\left({bmatrix(W.T, d)} {bmatrix(g.delta[l + 1], d)}\right)"
            g_j = r"\left(" + " + ".join(
                rf"w^{{{l + 1}}}_{{{i + 1}{j}}} \delta^{{{l + 1}}}_{{{i + 1}}}" for i in range(W.shape[0])
            ) + r"\right)"
            g_j_num = "(" + " + ".join(
                rf"{tex_factor(W[i, j - 1], d)} \cdot {tex_factor(g.delta[l + 1][i], d)}" for i in range(W.shape[0])
            ) + ")"
        if fp is None:  # softmax: the Jacobian J = diag(a) - a a^T instead of an element-wise f'
            latex = (
                rf"\delta^{{{l}}} = J^T {g_tex}, \; J = \operatorname{{diag}}(a^{{{l}}}) - a^{{{l}}} (a^{{{l}}})^T"
                rf" \\[6pt] \delta^{{{l}}} = J^T {bmatrix(gl, d)} = {bmatrix(g.delta[l], d)}"
            )
            scalar = (
                rf"\delta^{{{l}}}_{{{j}}} = a^{{{l}}}_{{{j}}}\left(g_{{{j}}} - \textstyle\sum_i a^{{{l}}}_i g_i\right)"
                rf" = {tex_number(g.delta[l][j - 1], d)}, \quad g = {g_tex}"
            )
            return latex, scalar
        f = self._act_tex(l)
        note = r" \quad (\sigma'(z) = \sigma(z)(1 - \sigma(z)))" if act.names == ["sigmoid"] * act.n else ""
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
        net, t, g, L = self.net, self.trace, self.grads, self.net.L
        gl, fp, shortcut = self._g_and_fprime(l)
        tables = []
        if l == L:
            tables += [_vector_table(f"a^{L}", "a", L, t.a[L]), _vector_table("y", "y", None, self.y)]
            if not shortcut:
                tables.append(_vector_table(f"a^{L} − y", "g", L, gl))
        else:
            tables += [
                _matrix_table(f"W^{l + 1}", "W", l + 1, net.weights[l + 1]),
                _vector_table(f"δ^{l + 1}", "delta", l + 1, g.delta[l + 1]),
                _vector_table(f"(W^{l + 1})ᵀ δ^{l + 1}", "g", l, gl),
            ]
        if fp is not None:
            tables.append(_vector_table(f"f′(z^{l})", "fprime", l, fp))
        tables.append(_vector_table(f"δ^{l}", "delta", l, g.delta[l]))
        return tables

    def _update_parts(self):
        net, new, g, d, lr, L = self.net, self.updated, self.grads, self.digits, self.lr, self.net.L
        small = net.theta.size <= 40
        lines, tables = [], []
        for l in range(1, L + 1):
            line = rf"W^{{{l}}} \leftarrow W^{{{l}}} - \eta \frac{{\partial C}}{{\partial W^{{{l}}}}}"
            if small:
                line += rf" = {bmatrix(net.weights[l], d)} - {tex_number(lr, d)} {bmatrix(g.dW[l], d)} = {bmatrix(new.weights[l], d)}"
            lines.append(line)
            tables.append(_matrix_table(f"new W^{l}", "W_new", l, new.weights[l]))
            if net.bias:
                tables.append(_vector_table(f"new b^{l}", "b_new", l, new.biases[l]))
        latex = rf"\eta = {tex_number(lr, d)}: \\[4pt] " + r" \\[6pt] ".join(lines)
        if net.bias:
            latex += rf" \\[6pt] b^{{l}} \leftarrow b^{{l}} - \eta \frac{{\partial C}}{{\partial b^{{l}}}} \text{{ for every layer }} l"
        j = self._j(1)
        scalar = (
            rf"w^{{1}}_{{{j}1}} \leftarrow w^{{1}}_{{{j}1}} - \eta \frac{{\partial C}}{{\partial w^{{1}}_{{{j}1}}}}"
            rf" = {tex_factor(net.weights[1][j - 1, 0], d)} - {tex_factor(lr, d)} \cdot {tex_factor(g.dW[1][j - 1, 0], d)}"
            rf" = {tex_number(new.weights[1][j - 1, 0], 15)}"
        )
        if not small:
            latex += r" \\[6pt] \text{(the new values are in the table below)}"
        new_w = {l: new.weights[l] for l in range(1, L + 1)}
        diagram = dict(
            highlight=range(1, L + 1),
            edges=new_w,
            node_text={l: [short_number(v) for v in new.biases[l]] for l in range(1, L + 1)} if net.bias else {},
            footers={l: f"new b^{l}" for l in range(1, L + 1)} if net.bias else {},
        )
        return "The update: W ← W − η ∂C/∂W, b ← b − η ∂C/∂b", latex, scalar, tables, diagram


# ---------------------------------------------------------------- HTML of a step
def formula_html(step):
    """The step's formulas as HTML with $$...$$ LaTeX (for an HTMLMath view)."""
    import re

    def blocks(tex):
        return "".join(f"<div>$${line.strip()}$$</div>" for line in re.split(r"\\\\\[\d+pt\]", tex) if line.strip())

    return (
        f"<div class='bplab-step-title'><b>{escape(step.title)}</b></div>"
        f"{blocks(step.latex)}"
        f"<div><i>One neuron, as a scalar sum:</i></div>{blocks(step.scalar)}"
    )


def values_html(step):
    """The step's tables as plain HTML: every number as text, and as data-key / data-value
    attributes (repr of the float, full precision) so that a test can read it back exactly."""
    out = [
        f"<div class='bplab-tables' data-step='{step.index}'"
        " style='display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start'>"
    ]
    for t in step.tables:
        out.append(
            "<table class='bplab-table' style='border-collapse:collapse;font-family:monospace;font-size:12px'>"
            f"<caption style='font-weight:bold;text-align:left'>{escape(sup(t.caption))}</caption>"
        )
        for row in t.rows:
            out.append("<tr>")
            for v in row:
                out.append(
                    f"<td data-key='{escape(v.key)}' data-value='{v.value!r}' title='{escape(v.key)} = {v.value!r}'"
                    f" style='border:1px solid #ccc;padding:1px 6px;text-align:right'>{escape(text_number(v.value))}</td>"
                )
            out.append("</tr>")
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


def parse_values(html_text):
    """{data-key: data-value} of every value cell in HTML made by :func:`values_html`."""
    import re

    return {m.group(1): float(m.group(2)) for m in re.finditer(r"data-key='([^']*)' data-value='([^']*)'", html_text)}
