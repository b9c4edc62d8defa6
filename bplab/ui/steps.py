"""The steps of the propagation stepper, as data, and how each kind of step is built.

:class:`StepBuilder` holds one method per kind of step (the input, a forward layer, the loss, an
error term delta^l, the gradients of a layer, the update); each returns the step's phase, layer,
kind, title, LaTeX (matrix form and one neuron's scalar form), tables of keyed values, and what
the diagram shows. :class:`bplab.stepper.Stepper` (which computes the trace, the gradients and
the update once) inherits them; nothing here computes a number of the network, it only arranges
the package's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..losses import LOSSES
from .formats import bmatrix, digits_to_show_change, sup, tex_factor, tex_number, text_number

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


class StepBuilder:
    """The methods that build each kind of step (mixed into :class:`bplab.stepper.Stepper`, whose
    ``_net``, ``_trace``, ``_grads``, ``_updated``, ``_y``, ``_lr``, ``_digits``, ``_neuron`` and
    ``_loss`` they read)."""

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
            rf"a^{{0}} = x = {bmatrix(t.a[0], d)}, \qquad y = {bmatrix(self._y, d)}",
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
        return rf"{head} = {tex_number(g.loss, d)}, \qquad a^{{{L}}} = \hat y = {bmatrix(a, d)}, \qquad y = {bmatrix(y, d)}"

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
                rf" = {tex_number(g.delta[l][j - 1], d)}, \qquad g = {g_tex}"
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
