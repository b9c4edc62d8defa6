"""The five seeds' notations, mapped to bplab's names, and computed in each seed's own notation.

Every seed writes backpropagation (反向传播) with its own letters and its own layer
numbers. This module holds that as data, and computes each seed's quantities from its
OWN equations, so that a notebook can show that each mapping gives bplab's numbers.

* :data:`SEEDS`: what each seed is, its layer numbering, the Chinese terms it uses.
* :data:`CONCEPTS` and :data:`ENTRIES`: one row per (seed, concept): the seed's symbol,
  the Chinese term the seed itself uses, bplab's symbol and Python name, and a note.
* :func:`notation_table`: those rows as a table (HTML in a notebook, Markdown, or rows);
  :func:`concept_table`: bplab's own notation alone.
* :func:`in_seed_notation`: a seed's quantities for a bplab network and sample,
  computed with that seed's equations (not copied from bplab): symbol -> value.
* :func:`bplab_equivalents`: the same symbols, read from bplab's forward and backward
  pass through the mapping (``-grads.delta[l]`` for seed 002's local gradient, ...).
* :func:`compare`: both side by side; ``compare(...).raise_if_failed()`` raises if any differs.
* :data:`NOTEBOOKS`: the map of bplab's notebooks (for the start-here notebook).

The two traps the mapping has to get right:

* Seeds 001 and 003 count the INPUT as layer 1, bplab counts it as layer 0. So their
  z, a and delta of layer l are bplab's layer l - 1. Seed 001's w^l enters layer l, so
  w^l = bplab W^{l-1}. Seed 003's W^(l) LEAVES layer l (z^(l+1) = W^(l) a^(l) + b^(l)),
  so the two shifts cancel: W^(l) = bplab W^l, but it pairs with delta^(l+1).
* Seed 002 (Haykin) folds the minus sign into the error e_j = d_j - y_j, so its local
  gradient is delta_j = -dE/dv_j = -(bplab delta^l)_j, and its update is a PLUS:
  Delta w_ji = eta delta_j y_i.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from .activations import ELEMENTWISE
from .errors import as_float_array, choice, positive_number
from .network import check_network

SEED_IDS = ("000", "001", "002", "003", "004")


@dataclass(frozen=True)
class Seed:
    id: str
    file: str
    title: str  # as it appears in the seed's text ("" when the copy has none)
    teaches: str
    numbering: str  # how the seed numbers layers, compared with bplab
    loss: str  # LaTeX, in the seed's notation
    terms: tuple  # the Chinese terms this seed uses (checked against its text)
    notebooks: tuple  # bplab notebooks that serve it


SEEDS = {
    "000": Seed(
        "000",
        "000_a25a98ff64b280c8.txt",
        "",
        "matrix derivation of BP without biases; standard, accumulated and mini-batch BP",
        "like bplab: input o_0, layers 1..L; but a_l is the PRE-activation and o_l the output",
        r"C = \frac{1}{2}\|\mathbf{o}_L - \mathbf{y}\|^2",
        ("正向传播", "激活函数", "权值矩阵", "偏置项", "损失函数", "学习率", "误差向量", "误差反向传播",
         "标准误差逆传播算法", "累积误差逆传播算法", "随机梯度下降", "链式法则"),
        ("02-forward-pass-matrix-form", "06-notation-map", "12-training-modes"),
    ),
    "001": Seed(
        "001",
        "001_49e314e3683e41e6.txt",
        "反向传播算法（过程及公式推导）",
        "the four BP equations with biases, vectorized gradients, mini-batch gradient descent",
        "input is layer 1 (a^1 = x): every layer index is bplab's + 1, so w^l = bplab W^{l-1}",
        r"C = \frac{1}{2n}\sum_x \|y(x) - a^L(x)\|^2",
        ("代价函数", "二次代价函数", "激活函数", "权重", "偏置", "错误", "前向传播", "反向传播",
         "梯度下降", "Hadamard乘积"),
        ("03-four-bp-equations", "06-notation-map"),
    ),
    "002": Seed(
        "002",
        "002_f0801d91f34aad06.txt",
        "BP算法推导（python实现）",
        "per-neuron scalar derivation (output neuron, hidden neuron), the local gradient",
        "no layer index: j is a neuron, i one of the layer before, k one of the layer after; n is the sample",
        r"E(n) = \frac{1}{2}\sum_{j \in C} e_j^2(n)",
        ("局部梯度", "激活函数", "损失函数", "平方误差", "误差", "学习率", "步长", "权值", "偏置项",
         "前向传播", "反向传播", "梯度反传"),
        ("04-per-neuron-derivation", "06-notation-map"),
    ),
    "003": Seed(
        "003",
        "003_65c884332e6039f8.txt",
        "机器学习之神经网络bp算法推导",
        "UFLDL-style batch gradient descent with weight decay, the residual, accumulation over K samples",
        "input is layer 1 (a^(1) = x), n_l layers in all: z, a, delta of layer l are bplab's l - 1;"
        " W^(l) leaves layer l, so W^(l) = bplab W^l",
        r"J(W,b) = \frac{1}{K}\sum_{k=1}^K \frac{1}{2}\|h_{W,b}(x^{(k)}) - y^{(k)}\|^2"
        r" + \frac{\lambda}{2}\sum_l\sum_i\sum_j (W^{(l)}_{ji})^2",
        ("残差", "代价函数", "权值", "偏置单元", "激活函数", "批量梯度下降", "惩罚因子", "正则化",
         "反向传导", "反向传播"),
        ("05-batch-gradient-and-weight-decay", "06-notation-map", "12-training-modes"),
    ),
    "004": Seed(
        "004",
        "004_a7df7165479b62fa.txt",
        "一文彻底搞懂BP算法：原理推导+数据演示+项目实战",
        "derivation, THE worked 2-3-2-1 example, and a from-scratch network on Iris",
        "like bplab: input x, layers k = 1..3; the worked example also numbers neurons 1..6 across layers",
        r"\mathrm{L}(y, \hat{y}) = \frac{1}{2}(y - \hat{y})^2",
        ("前向传播", "反向传播", "误差反向传播", "误差项", "灵敏度", "激活函数", "损失函数", "均方误差",
         "学习率", "权重矩阵", "偏置", "正则化项", "随机梯度下降", "链式法则"),
        ("08-worked-example", "06-notation-map", "13-iris-from-scratch"),
    ),
}


@dataclass(frozen=True)
class Concept:
    key: str
    english: str
    chinese: str  # the term bplab's notebooks use for it
    bplab: str  # LaTeX
    code: str  # where it lives in bplab


CONCEPTS = {
    c.key: c
    for c in [
        Concept("layers", "layers and their sizes", "层", r"L \text{ layers } 1..L,\ n_l \text{ neurons}",
                "net.L, net.sizes[l]"),
        Concept("input", "input", "输入", r"a^0 = x", "trace.a[0]"),
        Concept("pre_activation", "weighted input (pre-activation)", "加权输入", r"z^l = W^l a^{l-1} + b^l",
                "trace.z[l]"),
        Concept("activation_fn", "activation function", "激活函数", r"f_l \text{ (per neuron } f_{l,j})",
                "net.layer_activation(l)"),
        Concept("activation", "activation (output of a layer)", "激活值", r"a^l = f_l(z^l)", "trace.a[l]"),
        Concept("weights", "weights", "权重", r"W^l,\ (n_l, n_{l-1})", "net.weights[l]"),
        Concept("bias", "bias", "偏置", r"b^l", "net.biases[l]"),
        Concept("output_error", "output error", "误差", r"a^L - y", "trace.a[L] - y"),
        Concept("error_term", "error term", "误差项", r"\delta^l = \partial C / \partial z^l", "grads.delta[l]"),
        Concept("weight_gradient", "weight gradient", "梯度", r"\partial C/\partial W^l = \delta^l (a^{l-1})^T",
                "grads.dW[l]"),
        Concept("loss", "loss", "损失函数", r"C = \frac{1}{2}\|y - a^L\|^2 \text{ (batch: mean)}",
                "grads.loss, net.loss(X, Y)"),
        Concept("learning_rate", "learning rate", "学习率", r"\eta", "lr"),
        Concept("weight_decay", "weight decay", "权重衰减", r"\lambda", "weight_decay"),
        Concept("update", "gradient-descent update", "梯度下降",
                r"W^l \leftarrow W^l - \eta(\partial C/\partial W^l + \lambda W^l)",
                "net.apply(grads, lr, weight_decay)"),
        Concept("forward", "forward propagation", "前向传播", r"a^0 \to z^1 \to a^1 \to \dots \to a^L",
                "net.forward(x)"),
        Concept("backward", "backpropagation", "反向传播", r"\delta^L \to \delta^{L-1} \to \dots \to \delta^1",
                "net.backward(trace, y)"),
    ]
}


@dataclass(frozen=True)
class Entry:
    seed: str
    concept: str
    symbol: str  # LaTeX, as the seed writes it ("" when the seed has no such thing)
    chinese: str  # the Chinese term the seed uses for it ("" when it names it in no words)
    equals: str  # the symbol in bplab's names, with its layer index (LaTeX)
    note: str = ""


def _e(seed, concept, symbol, chinese, equals, note=""):
    return Entry(seed, concept, symbol, chinese, equals, note)


ENTRIES = [
    # ---- seed 000: matrix form, no biases; a is the PRE-activation, o the output
    _e("000", "layers", r"L,\ l = 1..L", "", r"L,\ l = 1..L", "same layer numbers as bplab"),
    _e("000", "input", r"\mathbf{o}_0 = \mathbf{x}_n", "输入", r"a^0"),
    _e("000", "pre_activation", r"\mathbf{a}_l = \mathbf{W}_l \mathbf{o}_{l-1}", "输入", r"z^l",
       "its letter a is bplab's z: the letters are swapped (equation 1)"),
    _e("000", "activation_fn", r"\mathbf{f},\ f_1, f_2, f_3", "激活函数", r"f_l",
       "a vector function: each neuron may have its own f_j"),
    _e("000", "activation", r"\mathbf{o}_l = \mathbf{f}(\mathbf{a}_l)", "输出", r"a^l", "equation 2"),
    _e("000", "weights", r"\mathbf{W}_l", "权值矩阵", r"W^l", "row j holds the weights into neuron j"),
    _e("000", "bias", r"\text{a constant-1 input}", "偏置项", r"[W^l \mid b^l]",
       "no biases: with one, W_l gets b^l as its last column and o_{l-1} a trailing 1"),
    _e("000", "output_error", r"\mathbf{o}_L - \mathbf{y}", "", r"a^L - y"),
    _e("000", "error_term", r"\boldsymbol{\xi}_l = \partial C / \partial \mathbf{a}_l", "误差向量", r"\delta^l",
       "dC/d(pre-activation), like bplab's delta"),
    _e("000", "weight_gradient", r"\partial C/\partial \mathbf{W}_l = \boldsymbol{\xi}_l \mathbf{o}_{l-1}^T", "",
       r"\partial C/\partial W^l"),
    _e("000", "loss", r"C = \frac{1}{2}\|\mathbf{o}_L - \mathbf{y}\|^2", "损失函数", r"C"),
    _e("000", "learning_rate", r"\eta", "学习率", r"\eta"),
    _e("000", "update", r"\mathbf{W}_l = \mathbf{W}_l - \eta\, \partial C/\partial \mathbf{W}_l", "",
       r"W^l \leftarrow W^l - \eta\, \partial C/\partial W^l",
       "its algorithm box updates W_L before computing xi_{L-1} (see notebook 12)"),
    _e("000", "forward", r"\mathbf{o}_0, \mathbf{a}_1, \mathbf{o}_1, \dots, \mathbf{o}_L", "正向传播",
       "net.forward"),
    _e("000", "backward", r"\boldsymbol{\xi}_L \to \boldsymbol{\xi}_{L-1} \to \dots", "误差反向传播",
       "net.backward"),
    # ---- seed 001: Nielsen; the input is layer 1
    _e("001", "layers", r"L \text{ layers, input} = \text{layer } 1", "", r"L_{001} = L + 1",
       "its layer l is bplab's layer l - 1"),
    _e("001", "input", r"a^1", "输入层", r"a^0"),
    _e("001", "pre_activation", r"z^l = w^l a^{l-1} + b^l", "输入", r"z^{l-1}"),
    _e("001", "activation_fn", r"\sigma", "激活函数", r"f", "sigmoid in the text"),
    _e("001", "activation", r"a^l = \sigma(z^l)", "输出", r"a^{l-1}"),
    _e("001", "weights", r"w^l,\ w^l_{jk}", "权重", r"W^{l-1}", "w^l_jk: from neuron k of layer l-1 to neuron j of layer l"),
    _e("001", "bias", r"b^l", "偏置", r"b^{l-1}"),
    _e("001", "output_error", r"\nabla_a C = a^L - y", "", r"a^L - y"),
    _e("001", "error_term", r"\delta^l = \partial C / \partial z^l", "错误", r"\delta^{l-1}"),
    _e("001", "weight_gradient", r"\partial C/\partial w^l = \delta^l (a^{l-1})^T", "",
       r"\partial C/\partial W^{l-1}", "with n samples: the mean over them, as bplab"),
    _e("001", "loss", r"C = \frac{1}{2n}\sum_x \|y(x) - a^L(x)\|^2", "代价函数", r"C",
       "the mean over samples, as bplab's batch loss"),
    _e("001", "learning_rate", r"\eta", "", r"\eta"),
    _e("001", "update", r"w^l \to w^l - \frac{\eta}{m}\sum_x \delta^{x,l}(a^{x,l-1})^T", "梯度下降",
       r"W^{l-1} \leftarrow W^{l-1} - \eta\, \partial C/\partial W^{l-1}"),
    _e("001", "forward", r"z^l = w^l a^{l-1} + b^l,\ a^l = \sigma(z^l)", "前向传播", "net.forward"),
    _e("001", "backward", r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)", "反向传播", "net.backward"),
    # ---- seed 002: Haykin, per neuron; the minus sign folded into e
    _e("002", "layers", r"j \text{ (this layer)},\ i \text{ (before)},\ k \text{ (after)}", "", r"l",
       "no layer index; n numbers the sample"),
    _e("002", "input", r"y_i(n),\ y_0 = +1", "", r"(1, a^{l-1})", "the inputs of a layer, with y_0 = +1 for the bias"),
    _e("002", "pre_activation", r"v_j(n) = \sum_{i=0}^{m} w_{ji}(n)\, y_i(n)", "", r"z^l_j"),
    _e("002", "activation_fn", r"\varphi_j", "激活函数", r"f_{l,j}"),
    _e("002", "activation", r"y_j(n) = \varphi_j(v_j(n))", "输出", r"a^l_j"),
    _e("002", "weights", r"w_{ji}", "权值", r"W^l_{ji}", "from neuron i to neuron j"),
    _e("002", "bias", r"w_{j0}", "偏置项", r"b^l_j", "the bias is the weight of the constant input y_0 = +1"),
    _e("002", "output_error", r"e_j(n) = d_j(n) - y_j(n)", "误差", r"-(a^L - y)_j", "target minus output: sign flipped"),
    _e("002", "error_term", r"\delta_j(n) = e_j \varphi_j'(v_j) = -\partial E/\partial v_j", "局部梯度",
       r"-\delta^l_j", "hidden: delta_j = phi'_j(v_j) sum_k delta_k w_kj; the MINUS sign is folded in"),
    _e("002", "weight_gradient", r"\partial E/\partial w_{ji} = -\delta_j y_i", "梯度", r"\partial C/\partial W^l_{ji}"),
    _e("002", "loss", r"E(n) = \frac{1}{2}\sum_{j \in C} e_j^2(n)", "损失函数", r"C", "one sample n"),
    _e("002", "learning_rate", r"\eta", "步长", r"\eta", "the text calls it a step size (步长); its code a 学习率"),
    _e("002", "update", r"\Delta w_{ji} = \eta\, \delta_j\, y_i,\ w_{ji} \leftarrow w_{ji} + \Delta w_{ji}", "",
       r"-\eta\, \partial C/\partial W^l_{ji}", "a PLUS, because delta_j already carries the minus sign"),
    _e("002", "forward", r"v_j \to y_j", "前向传播", "net.forward"),
    _e("002", "backward", r"\delta_j = \varphi_j'(v_j) \sum_k \delta_k w_{kj}", "梯度反传", "net.backward"),
    # ---- seed 003: UFLDL; the input is layer 1, W^(l) leaves layer l
    _e("003", "layers", r"n_l \text{ layers (input included)},\ s_l \text{ neurons}", "", r"n_l = L + 1,\ s_l = n_{l-1}",
       "its layer l is bplab's layer l - 1"),
    _e("003", "input", r"a^{(1)} = x", "", r"a^0"),
    _e("003", "pre_activation", r"z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}", "输入", r"z^{l}",
       "z^(l) is bplab's z^{l-1}"),
    _e("003", "activation_fn", r"f", "激活函数", r"f"),
    _e("003", "activation", r"a^{(l)} = f(z^{(l)})", "输出", r"a^{l-1}"),
    _e("003", "weights", r"W^{(l)},\ s_{l+1} \times s_l", "权值", r"W^{l}",
       "W^(l) goes from its layer l to l+1 = bplab's l-1 to l: the shifts cancel"),
    _e("003", "bias", r"b^{(l)}", "偏置单元", r"b^{l}", "indexed like W^(l)"),
    _e("003", "output_error", r"h_{W,b}(x) - y", "", r"a^L - y"),
    _e("003", "error_term", r"\delta^{(l)} = \partial J / \partial z^{(l)}", "残差", r"\delta^{l-1}",
       "W^(l) pairs with delta^(l+1)"),
    _e("003", "weight_gradient", r"\nabla_{W^{(l)}} J = \delta^{(l+1)} (a^{(l)})^T", "", r"\partial C/\partial W^l",
       "Delta W^(l) sums it over the K samples: K times bplab's mean"),
    _e("003", "loss", r"J(W,b) = \frac{1}{K}\sum_k \frac{1}{2}\|h(x^{(k)}) - y^{(k)}\|^2 + \frac{\lambda}{2}\sum W^2",
       "代价函数", r"C + \frac{\lambda}{2}\sum_l \|W^l\|^2"),
    _e("003", "learning_rate", r"\alpha", "", r"\eta"),
    _e("003", "weight_decay", r"\lambda", "惩罚因子", r"\lambda", "on weights only, never on biases (正则化)"),
    _e("003", "update", r"W^{(l)} = W^{(l)} - \alpha\left[\frac{1}{K}\Delta W^{(l)} + \lambda W^{(l)}\right]",
       "批量梯度下降", r"W^l \leftarrow W^l - \eta(\partial C/\partial W^l + \lambda W^l)"),
    _e("003", "forward", r"z^{(2)} = W^{(1)}x + b^{(1)},\ a^{(2)} = f(z^{(2)})", "", "net.forward"),
    _e("003", "backward", r"\delta^{(l)} = ((W^{(l)})^T \delta^{(l+1)}) \bullet f'(z^{(l)})", "反向传导", "net.backward"),
    # ---- seed 004: like bplab's numbering
    _e("004", "layers", r"k = 1..3", "", r"l = k", "the worked example also numbers the neurons 1..6"),
    _e("004", "input", r"x = n^{(0)}", "输入样本", r"a^0"),
    _e("004", "pre_activation", r"z^{(k)} = W^{(k)} n^{(k-1)} + b^{(k)}", "输入", r"z^k",
       "in the worked example z_1..z_6 number the neurons"),
    _e("004", "activation_fn", r"f_k", "激活函数", r"f_k", "f_1..f_6 in the worked example number neurons"),
    _e("004", "activation", r"n^{(k)} = f_k(z^{(k)})", "输出", r"a^k"),
    _e("004", "weights", r"W^{(k)}", "权重矩阵", r"W^k"),
    _e("004", "bias", r"b^{(k)}", "偏置", r"b^k"),
    _e("004", "output_error", r"\hat{y} - y", "误差", r"a^L - y"),
    _e("004", "error_term", r"\delta^{(k)} = \partial \mathrm{L} / \partial z^{(k)}", "误差项, 灵敏度", r"\delta^k"),
    _e("004", "weight_gradient", r"\partial \mathrm{L}/\partial W^{(k)} = \delta^{(k)} (n^{(k-1)})^T", "",
       r"\partial C/\partial W^k"),
    _e("004", "loss", r"\mathrm{L}(y, \hat{y}) = \frac{1}{2}(y - \hat{y})^2", "损失函数", r"C"),
    _e("004", "learning_rate", r"\alpha", "学习率", r"\eta", "0.1 in the worked example"),
    _e("004", "weight_decay", r"\text{omitted}", "正则化项", r"\lambda = 0",
       "the text omits it, but its printed update carries + W(k), i.e. lambda = 1"),
    _e("004", "update", r"W^{(k)} = W^{(k)} - \alpha\, \delta^{(k)} (n^{(k-1)})^T", "",
       r"W^k \leftarrow W^k - \eta\, \partial C/\partial W^k"),
    _e("004", "forward", r"n^{(k-1)} \to z^{(k)} \to n^{(k)}", "前向传播", "net.forward"),
    _e("004", "backward", r"\delta^{(k)} = f_k'(z^{(k)}) \odot ((W^{(k+1)})^T \delta^{(k+1)})", "误差反向传播",
       "net.backward"),
]


# ----------------------------------------------------------------------------- the table


@dataclass
class Table:
    """Rows of strings with a header; shows as an HTML table (LaTeX in $...$) in a notebook."""

    columns: list
    rows: list  # lists of strings, LaTeX cells wrapped in $...$
    title: str = ""

    def markdown(self):
        # a bare | would end the Markdown table's cell: write the norm bars as LaTeX commands
        esc = lambda s: str(s).replace(r"\|", r"\Vert ").replace("|", r"\vert ").replace("\n", " ")  # noqa: E731
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in self.rows]
        return ("**" + self.title + "**\n\n" if self.title else "") + "\n".join(lines)

    def _repr_html_(self):
        def cell(text, tag):
            # keep $...$ for the notebook's math renderer; escape the rest
            return f"<{tag} style='text-align:left'>{html.escape(str(text), quote=False)}</{tag}>"

        head = "".join(cell(c, "th") for c in self.columns)
        body = "".join("<tr>" + "".join(cell(c, "td") for c in row) + "</tr>" for row in self.rows)
        cap = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table class='bplab-table'>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __repr__(self):
        widths = [max(len(str(r[i])) for r in [self.columns] + self.rows) for i in range(len(self.columns))]
        fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
        return "\n".join([self.title] * bool(self.title) + [fmt(self.columns)] + [fmt(r) for r in self.rows])

    def __len__(self):
        return len(self.rows)


def _math(s):
    return f"${s}$" if s and not s.startswith("net.") else s


def entries(seeds=None, concepts=None):
    """The :data:`ENTRIES` of the given seeds and concepts (all by default), in concept order."""
    seeds = _seed_list(seeds)
    concepts = list(CONCEPTS) if concepts is None else list(concepts)
    for c in concepts:
        choice(c, tuple(CONCEPTS), "concept")
    order = {c: i for i, c in enumerate(concepts)}
    rows = [e for e in ENTRIES if e.seed in seeds and e.concept in order]
    return sorted(rows, key=lambda e: (order[e.concept], seeds.index(e.seed)))


def _seed_list(seeds):
    if seeds is None:
        return list(SEED_IDS)
    if isinstance(seeds, (str, int)):
        seeds = [seeds]
    return [_seed_id(s) for s in seeds]


def _seed_id(seed):
    if isinstance(seed, int) and not isinstance(seed, bool):
        seed = f"{seed:03d}"
    return choice(seed, SEED_IDS, "seed")


def notation_table(seeds=None, concepts=None, layout="long"):
    """The notation map as a :class:`Table`.

    ``layout="long"``: one row per (concept, seed): concept, bplab, seed, the seed's
    symbol, the Chinese term it uses, what that symbol is in bplab's names, and a note.
    ``layout="wide"``: one row per concept, one column per seed (symbol and term).
    """
    choice(layout, ("long", "wide"), "layout")
    rows = entries(seeds, concepts)
    if layout == "long":
        out = []
        for e in rows:
            c = CONCEPTS[e.concept]
            out.append([f"{c.english} ({c.chinese})", _math(c.bplab), e.seed, _math(e.symbol), e.chinese or "—",
                        _math(e.equals), e.note])
        cols = ["concept", "bplab", "seed", "seed's symbol", "seed's term", "= in bplab", "note"]
        return Table(cols, out, "Every seed's symbols in bplab's names")
    seeds = _seed_list(seeds)
    by = {(e.concept, e.seed): e for e in rows}
    out = []
    for key in dict.fromkeys(e.concept for e in rows):
        c = CONCEPTS[key]
        line = [f"{c.english} ({c.chinese})", _math(c.bplab)]
        for s in seeds:
            e = by.get((key, s))
            line.append("—" if e is None else (_math(e.symbol) + (f" {e.chinese}" if e.chinese else "")))
        out.append(line)
    return Table(["concept", "bplab"] + [f"seed {s}" for s in seeds], out, "The seeds' notations side by side")


def concept_table():
    """bplab's own notation: one row per concept with its Chinese term, symbol and Python name."""
    rows = [[c.english, c.chinese, _math(c.bplab), f"`{c.code}`"] for c in CONCEPTS.values()]
    return Table(["concept", "中文", "symbol", "in bplab"], rows, "bplab's notation")


# ----------------------------------------------------------------------------- the notebooks

@dataclass(frozen=True)
class NotebookInfo:
    number: int
    stem: str
    covers: str
    seeds: tuple

    @property
    def filename(self):
        return f"{self.stem}.ipynb"

    @property
    def title(self):
        return self.stem.split("-", 1)[1].replace("-", " ").capitalize()


NOTEBOOKS = [
    NotebookInfo(1, "01-start-here", "the map, how to run bplab locally and on Binder, the notation", ()),
    NotebookInfo(2, "02-forward-pass-matrix-form",
                 "the forward pass in matrix form, shapes, a different f per neuron, bias as a constant-1 input",
                 ("000",)),
    NotebookInfo(3, "03-four-bp-equations", "the four BP equations, each derived and verified by sympy", ("001",)),
    NotebookInfo(4, "04-per-neuron-derivation", "the per-neuron derivation and the local gradient", ("002",)),
    NotebookInfo(5, "05-batch-gradient-and-weight-decay",
                 "the residual, batch gradient descent, weight decay and two errata", ("003",)),
    NotebookInfo(6, "06-notation-map", "every seed's symbols mapped to bplab's names, with the Chinese terms",
                 SEED_IDS),
    NotebookInfo(7, "07-computational-graph",
                 "backpropagation as reverse mode on a graph of scalars: local gradient times upstream gradient", ()),
    NotebookInfo(8, "08-worked-example",
                 "the 2-3-2-1 worked example to the last digit, its inconsistencies, the vanishing gradient", ("004",)),
    NotebookInfo(9, "09-gradient-checking", "central differences, the three-way check, common bugs caught", ()),
    NotebookInfo(10, "10-propagation-stepper", "step through forward and backward propagation layer by layer", ()),
    NotebookInfo(11, "11-training-playground",
                 "train on toy data sets; watch the loss, the decision boundary and the gradient norms", ()),
    NotebookInfo(12, "12-training-modes",
                 "standard, accumulated and mini-batch BP; weight decay; the update-order bug", ("000", "003")),
    NotebookInfo(13, "13-iris-from-scratch", "the Iris project with bplab and in plain Python, then better choices",
                 ("004",)),
    NotebookInfo(14, "14-handwritten-digits", "8x8 handwritten digits with softmax and cross-entropy", ()),
]


def notebook_map(existing=None, links=False):
    """The notebooks as a :class:`Table`. ``existing``: a set of file names that exist (then the
    last column says which are not written yet); None leaves that column out. ``links=True``
    writes each name as a Markdown link to its file (for ``Table.markdown()``)."""
    cols = ["#", "notebook", "what it covers", "seeds"]
    rows = []
    for nb in NOTEBOOKS:
        name = f"[{nb.stem}]({nb.filename})" if links else nb.stem
        row = [str(nb.number), name, nb.covers, ", ".join(nb.seeds) or "—"]
        if existing is not None:
            row.append("yes" if nb.filename in existing else "not yet")
        rows.append(row)
    if existing is not None:
        cols.append("available")
    return Table(cols, rows, "The bplab notebooks")


# ----------------------------------------------------------------------------- computing in a seed's notation


def _prepare(net, x, y, seed, single_only):
    check_network(net)
    for l in range(1, net.L + 1):
        if net.layer_activation(l).is_softmax:
            raise ValueError(
                f"seed {seed}'s equations use an element-wise f'(z); layer {l} of net is softmax, whose derivative"
                " is a Jacobian. Use element-wise activations (sigmoid, tanh, ...) for this comparison."
            )
    X = as_float_array(x, "x", dtype=net.dtype, ndim=(1, 2))
    single = X.ndim == 1
    if single_only and not single:
        raise ValueError(
            f"seed {seed} derives everything for one sample; x must be one sample of shape ({net.sizes[0]},),"
            f" got shape {X.shape}."
        )
    X2 = X[None, :] if single else X
    if X2.shape[1] != net.sizes[0]:
        raise ValueError(f"x must have {net.sizes[0]} features (n_0) per sample, got shape {X.shape}.")
    Y2 = net.targets(y, X2.shape[0], "half_sse")
    return X2, Y2, single


def _layer_fns(net, l):
    act = net.layer_activation(l)
    return act.f, (lambda z: act.df(z, act.f(z)))


def _seed000(net, X, Y, lr):
    """Seed 000, one sample, column vectors: a_l = W_l o_{l-1}, o_l = f(a_l), xi by its recursion."""
    L, bias = net.L, net.bias
    x, y = X[0][:, None], Y[0][:, None]
    # With biases: seed 000's remedy, a constant-1 input per layer, W_l = [W^l | b^l].
    W = {l: np.hstack([net.weights[l], net.biases[l][:, None]]) if bias else np.array(net.weights[l])
         for l in range(1, L + 1)}
    one = lambda v: np.vstack([v, [[1.0]]]) if bias else v  # noqa: E731
    o, a = {0: one(x)}, {}
    for l in range(1, L + 1):
        f, _ = _layer_fns(net, l)
        a[l] = W[l] @ o[l - 1]  # equation 1
        o[l] = f(a[l][:, 0])[:, None]  # equation 2 (f works on the vector's entries)
        if l < L:
            o[l] = one(o[l])
    xi = {}
    _, dfL = _layer_fns(net, L)
    xi[L] = (o[L] - y) * dfL(a[L][:, 0])[:, None]
    for l in range(L - 1, 0, -1):
        _, df = _layer_fns(net, l)
        n_l = net.sizes[l]
        # the constant input carries no error: drop its column of W_{l+1}
        xi[l] = (W[l + 1][:, :n_l].T @ xi[l + 1]) * df(a[l][:, 0])[:, None]
    out = {f"o_{l}": o[l][:, 0] for l in range(0, L + 1)}
    out.update({f"a_{l}": a[l][:, 0] for l in range(1, L + 1)})
    out.update({f"W_{l}": W[l] for l in range(1, L + 1)})
    out.update({f"xi_{l}": xi[l][:, 0] for l in range(1, L + 1)})
    grads = {l: xi[l] @ o[l - 1].T for l in range(1, L + 1)}
    out.update({f"dC/dW_{l}": grads[l] for l in range(1, L + 1)})
    out["C"] = float(0.5 * ((o[L] - y) ** 2).sum())
    out.update({f"new W_{l}": W[l] - lr * grads[l] for l in range(1, L + 1)})
    return out


def _seed001(net, X, Y, lr, single):
    """Seed 001: the input is layer 1; z^l = w^l a^{l-1} + b^l for l = 2..L+1; mean over the n samples."""
    L1 = net.L + 1  # seed 001's L
    n = X.shape[0]
    w = {l: np.array(net.weights[l - 1]) for l in range(2, L1 + 1)}
    b = {l: (np.array(net.biases[l - 1]) if net.bias else np.zeros(net.sizes[l - 1])) for l in range(2, L1 + 1)}
    acts = {l: _layer_fns(net, l - 1) for l in range(2, L1 + 1)}
    zs = {l: [] for l in range(2, L1 + 1)}  # per-sample values, stacked afterwards
    ds = {l: [] for l in range(2, L1 + 1)}
    As = {l: [] for l in range(1, L1 + 1)}
    gw = {l: np.zeros_like(w[l]) for l in w}
    gb = {l: np.zeros_like(b[l]) for l in b}
    C = 0.0
    for x, yv in zip(X, Y):
        a, z = {1: x}, {}
        for l in range(2, L1 + 1):
            z[l] = w[l] @ a[l - 1] + b[l]
            a[l] = acts[l][0](z[l])
        d = {L1: (a[L1] - yv) * acts[L1][1](z[L1])}  # BP1, nabla_a C = a^L - y
        for l in range(L1 - 1, 1, -1):
            d[l] = (w[l + 1].T @ d[l + 1]) * acts[l][1](z[l])  # BP2
        for l in range(2, L1 + 1):
            gw[l] += np.outer(d[l], a[l - 1]) / n  # BP4, averaged over the n samples
            gb[l] += d[l] / n  # BP3
            zs[l].append(z[l])
            ds[l].append(d[l])
        for l in range(1, L1 + 1):
            As[l].append(a[l])
        C += 0.5 * float(((yv - a[L1]) ** 2).sum()) / n
    pick = (lambda v: v[0]) if single else np.array
    out = {f"a^{l}": pick(As[l]) for l in range(1, L1 + 1)}
    out.update({f"z^{l}": pick(zs[l]) for l in zs})
    out.update({f"w^{l}": w[l] for l in w})
    out.update({f"delta^{l}": pick(ds[l]) for l in ds})
    out.update({f"dC/dw^{l}": gw[l] for l in gw})
    if net.bias:
        out.update({f"b^{l}": b[l] for l in b})
        out.update({f"dC/db^{l}": gb[l] for l in gb})
        out.update({f"new b^{l}": b[l] - lr * gb[l] for l in b})
    out["C"] = C
    out.update({f"new w^{l}": w[l] - lr * gw[l] for l in w})
    return out


def _seed002(net, X, Y, lr):
    """Seed 002 (Haykin), one sample n, neuron by neuron, in plain scalars."""
    L = net.L
    x, d = list(X[0]), list(Y[0])
    out = {}
    y_prev = x
    layers = {}
    for l in range(1, L + 1):
        W, act = net.weights[l], net.layer_activation(l)
        # w_ji with i = 0 the bias (y_0 = +1); without biases there is no i = 0
        w = [([float(net.biases[l][j])] if net.bias else []) + [float(v) for v in W[j]] for j in range(W.shape[0])]
        y_in = ([1.0] if net.bias else []) + list(y_prev)
        v = [sum(w_ji * y_i for w_ji, y_i in zip(w[j], y_in)) for j in range(len(w))]
        phi = [ELEMENTWISE[name] for name in act.names]  # phi_j, neuron j's own function
        y_out = [float(phi[j].f(np.float64(v[j]))) for j in range(len(w))]
        dphi = [float(phi[j].df(np.float64(v[j]), np.float64(y_out[j]))) for j in range(len(w))]
        layers[l] = dict(w=w, y_in=y_in, v=v, y=y_out, dphi=dphi)
        y_prev = y_out
    e = [d_j - y_j for d_j, y_j in zip(d, layers[L]["y"])]
    E = 0.5 * sum(e_j * e_j for e_j in e)
    delta = {L: [e[j] * layers[L]["dphi"][j] for j in range(len(e))]}  # output: delta_j = e_j phi'_j(v_j)
    for l in range(L - 1, 0, -1):
        nxt = layers[l + 1]
        off = 1 if net.bias else 0  # w_kj of the layer after: column j sits after w_k0
        delta[l] = [layers[l]["dphi"][j] * sum(delta[l + 1][k] * nxt["w"][k][j + off] for k in range(len(nxt["w"])))
                    for j in range(len(layers[l]["v"]))]  # hidden: phi'_j(v_j) sum_k delta_k w_kj
    for l in range(1, L + 1):
        lay = layers[l]
        out[f"y_i (layer {l})"] = np.array(lay["y_in"])
        out[f"w_ji (layer {l})"] = np.array(lay["w"])
        out[f"v_j (layer {l})"] = np.array(lay["v"])
        out[f"y_j (layer {l})"] = np.array(lay["y"])
        out[f"delta_j (layer {l})"] = np.array(delta[l])
        # Delta w_ji = eta delta_j y_i: a plus, the minus sign is inside delta_j
        out[f"Delta w_ji (layer {l})"] = np.array([[lr * dj * yi for yi in lay["y_in"]] for dj in delta[l]])
    out["d_j"] = np.array(d)
    out["e_j"] = np.array(e)
    out["E(n)"] = E
    return out


def _seed003(net, X, Y, lr, lam, single):
    """Seed 003 (UFLDL): input is layer 1, W^(l) from layer l to l+1, accumulation over K samples."""
    nl = net.L + 1
    K = X.shape[0]
    W = {l: np.array(net.weights[l]) for l in range(1, nl)}
    b = {l: (np.array(net.biases[l]) if net.bias else np.zeros(net.sizes[l])) for l in range(1, nl)}
    f = {l: _layer_fns(net, l - 1) for l in range(2, nl + 1)}  # the function of seed layer l
    dW = {l: np.zeros_like(W[l]) for l in W}  # Delta W^(l) := 0
    db = {l: np.zeros_like(b[l]) for l in b}
    zs = {l: [] for l in range(2, nl + 1)}  # per-sample values, stacked afterwards
    ds = {l: [] for l in range(2, nl + 1)}
    As = {l: [] for l in range(1, nl + 1)}
    Js = []
    for x, yv in zip(X, Y):
        a, z = {1: x}, {}
        for l in range(1, nl):
            z[l + 1] = W[l] @ a[l] + b[l]
            a[l + 1] = f[l + 1][0](z[l + 1])
        d = {nl: -(yv - a[nl]) * f[nl][1](z[nl])}  # delta^(n_l) = -(y - a) f'(z)
        for l in range(nl - 1, 1, -1):
            d[l] = (W[l].T @ d[l + 1]) * f[l][1](z[l])  # delta^(l) = (W^(l))^T delta^(l+1) . f'(z^(l))
        for l in range(1, nl):
            dW[l] += np.outer(d[l + 1], a[l])  # Delta W^(l) += delta^(l+1) (a^(l))^T
            db[l] += d[l + 1]
        for l in range(2, nl + 1):
            zs[l].append(z[l])
            ds[l].append(d[l])
        for l in range(1, nl + 1):
            As[l].append(a[l])
        Js.append(0.5 * float(((a[nl] - yv) ** 2).sum()))
    pick = (lambda v: v[0]) if single else np.array
    out = {"n_l": nl}
    out.update({f"s_{l}": (len(As[l][0])) for l in range(1, nl + 1)})
    out.update({f"a^({l})": pick(As[l]) for l in As})
    out.update({f"z^({l})": pick(zs[l]) for l in zs})
    out.update({f"delta^({l})": pick(ds[l]) for l in ds})
    out.update({f"W^({l})": W[l] for l in W})
    out.update({f"Delta W^({l})": dW[l] for l in dW})
    out.update({f"dJ/dW^({l})": dW[l] / K + lam * W[l] for l in W})
    out.update({f"new W^({l})": W[l] - lr * (dW[l] / K + lam * W[l]) for l in W})
    if net.bias:
        out.update({f"b^({l})": b[l] for l in b})
        out.update({f"Delta b^({l})": db[l] for l in db})
        out.update({f"dJ/db^({l})": db[l] / K for l in db})
        out.update({f"new b^({l})": b[l] - lr * db[l] / K for l in b})
    if single:
        out["J(W,b;x,y)"] = Js[0]
    out["J(W,b)"] = float(np.mean(Js)) + lam / 2 * sum(float((W[l] ** 2).sum()) for l in W)
    return out


def _seed004(net, X, Y, lr):
    """Seed 004: z^(k) = W^(k) n^(k-1) + b^(k), n^(k) = f_k(z^(k)); neurons also numbered 1.. across layers."""
    L = net.L
    x, y = X[0], Y[0]
    n, z = {0: x}, {}
    for k in range(1, L + 1):
        fk, _ = _layer_fns(net, k)
        z[k] = net.weights[k] @ n[k - 1] + (net.biases[k] if net.bias else 0.0)
        n[k] = fk(z[k])
    dfs = {k: _layer_fns(net, k)[1](z[k]) for k in range(1, L + 1)}
    delta = {L: dfs[L] * (n[L] - y)}  # f'(z) (y_hat - y)
    for k in range(L - 1, 0, -1):
        delta[k] = dfs[k] * (net.weights[k + 1].T @ delta[k + 1])
    out = {"x": x}
    out.update({f"z^({k})": z[k] for k in z})
    out.update({f"n^({k})": n[k] for k in z})
    out.update({f"W^({k})": np.array(net.weights[k]) for k in z})
    out.update({f"delta^({k})": delta[k] for k in delta})
    out.update({f"dL/dW^({k})": np.outer(delta[k], n[k - 1]) for k in delta})
    out.update({f"new W^({k})": net.weights[k] - lr * np.outer(delta[k], n[k - 1]) for k in delta})
    if net.bias:
        out.update({f"b^({k})": np.array(net.biases[k]) for k in z})
        out.update({f"dL/db^({k})": delta[k] for k in delta})
        out.update({f"new b^({k})": net.biases[k] - lr * delta[k] for k in delta})
    out["L(y, y_hat)"] = float(0.5 * ((y - n[L]) ** 2).sum())
    i = 0
    for k in range(1, L + 1):  # the worked example's neuron numbers: 1, 2, 3 in layer 1, 4, 5 in layer 2, ...
        for j in range(net.sizes[k]):
            i += 1
            out[f"z_{i}"] = float(z[k][j])
            out[f"f_{i}"] = float(n[k][j])
            out[f"f_{i}'(z_{i})"] = float(dfs[k][j])
    return out


def _check_options(seed, lr, weight_decay):
    lr = positive_number(lr, "lr (learning rate)")
    weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
    if weight_decay and seed != "003":
        raise ValueError(
            f"weight_decay must be 0 for seed {seed}: only seed 003 has a weight-decay term (lambda); got {weight_decay}."
        )
    return lr, weight_decay


def in_seed_notation(seed, net, x, y, lr=0.1, weight_decay=0.0):
    """Seed ``seed``'s quantities for ``net`` and the sample(s) ``x``, ``y``, by the seed's own equations.

    Returns a dict from the symbol as the seed writes it (ASCII, with the seed's own
    layer numbers) to its value: e.g. for seed 003 ``"W^(1)"``, ``"z^(2)"``,
    ``"delta^(2)"``; for seed 002 ``"delta_j (layer 1)"``. ``lr`` is the learning rate
    (eta or alpha) used for the "new ..." and "Delta w" entries, ``weight_decay`` the
    lambda of seed 003 (0 for the others).

    Seeds 000, 002 and 004 derive per sample, so ``x`` must be ONE sample. Seeds 001 and
    003 accept a batch (one sample per row): their per-sample quantities come stacked
    one sample per row, their gradients and costs are the seed's averages and sums.
    The loss is the seeds' 1/2 squared error everywhere.
    """
    seed = _seed_id(seed)
    lr, weight_decay = _check_options(seed, lr, weight_decay)
    X, Y, single = _prepare(net, x, y, seed, single_only=seed in ("000", "002", "004"))
    if seed == "000":
        return _seed000(net, X, Y, lr)
    if seed == "001":
        return _seed001(net, X, Y, lr, single)
    if seed == "002":
        return _seed002(net, X, Y, lr)
    if seed == "003":
        return _seed003(net, X, Y, lr, weight_decay, single)
    return _seed004(net, X, Y, lr)


# ----------------------------------------------------------------------------- the same symbols, read from bplab


def _bplab_expressions(seed, net, single):
    """symbol -> the bplab expression (evaluated with net, trace, grads, after, y, K, lr, np)."""
    L, bias = net.L, net.bias
    ex = {}
    if seed == "000":
        aug = (lambda v: f"np.append({v}, 1.0)") if bias else (lambda v: v)  # noqa: E731
        ex["o_0"] = aug("trace.a[0]")
        for l in range(1, L + 1):
            ex[f"o_{l}"] = aug(f"trace.a[{l}]") if l < L else f"trace.a[{l}]"
            ex[f"a_{l}"] = f"trace.z[{l}]"
            ex[f"W_{l}"] = f"np.hstack([net.weights[{l}], net.biases[{l}][:, None]])" if bias else f"net.weights[{l}]"
            ex[f"xi_{l}"] = f"grads.delta[{l}]"
            ex[f"dC/dW_{l}"] = f"np.hstack([grads.dW[{l}], grads.db[{l}][:, None]])" if bias else f"grads.dW[{l}]"
            ex[f"new W_{l}"] = (f"np.hstack([after.weights[{l}], after.biases[{l}][:, None]])" if bias
                                else f"after.weights[{l}]")
        ex["C"] = "grads.loss"
    elif seed == "001":
        ex["a^1"] = "trace.a[0]"
        for l in range(1, L + 1):
            s = l + 1  # seed 001's layer number
            ex[f"a^{s}"] = f"trace.a[{l}]"
            ex[f"z^{s}"] = f"trace.z[{l}]"
            ex[f"w^{s}"] = f"net.weights[{l}]"
            ex[f"delta^{s}"] = f"grads.delta[{l}]"
            ex[f"dC/dw^{s}"] = f"grads.dW[{l}]"
            ex[f"new w^{s}"] = f"after.weights[{l}]"
            if bias:
                ex[f"b^{s}"] = f"net.biases[{l}]"
                ex[f"dC/db^{s}"] = f"grads.db[{l}]"
                ex[f"new b^{s}"] = f"after.biases[{l}]"
        ex["C"] = "grads.loss"
    elif seed == "002":
        for l in range(1, L + 1):
            ones = f"np.append(1.0, trace.a[{l - 1}])" if bias else f"trace.a[{l - 1}]"
            ex[f"y_i (layer {l})"] = ones
            ex[f"w_ji (layer {l})"] = (f"np.hstack([net.biases[{l}][:, None], net.weights[{l}]])" if bias
                                       else f"net.weights[{l}]")
            ex[f"v_j (layer {l})"] = f"trace.z[{l}]"
            ex[f"y_j (layer {l})"] = f"trace.a[{l}]"
            ex[f"delta_j (layer {l})"] = f"-grads.delta[{l}]"
            ex[f"Delta w_ji (layer {l})"] = (
                f"-lr * np.hstack([grads.db[{l}][:, None], grads.dW[{l}]])" if bias else f"-lr * grads.dW[{l}]"
            )
        ex["d_j"] = "y"
        ex["e_j"] = f"y - trace.a[{L}]"
        ex["E(n)"] = "grads.loss"
    elif seed == "003":
        ex["n_l"] = "len(net.sizes)"
        ex["a^(1)"] = "trace.a[0]"
        ex["s_1"] = "net.sizes[0]"
        for l in range(1, L + 1):
            ex[f"s_{l + 1}"] = f"net.sizes[{l}]"
            ex[f"a^({l + 1})"] = f"trace.a[{l}]"
            ex[f"z^({l + 1})"] = f"trace.z[{l}]"
            ex[f"delta^({l + 1})"] = f"grads.delta[{l}]"
            ex[f"W^({l})"] = f"net.weights[{l}]"
            ex[f"Delta W^({l})"] = f"K * grads.dW[{l}]"
            ex[f"dJ/dW^({l})"] = f"grads.dW[{l}] + weight_decay * net.weights[{l}]"
            ex[f"new W^({l})"] = f"after.weights[{l}]"
            if bias:
                ex[f"b^({l})"] = f"net.biases[{l}]"
                ex[f"Delta b^({l})"] = f"K * grads.db[{l}]"
                ex[f"dJ/db^({l})"] = f"grads.db[{l}]"
                ex[f"new b^({l})"] = f"after.biases[{l}]"
        if single:
            ex["J(W,b;x,y)"] = "grads.loss"
        ex["J(W,b)"] = "net.loss(x, y, weight_decay=weight_decay)"
    else:  # 004
        ex["x"] = "trace.a[0]"
        for k in range(1, L + 1):
            ex[f"z^({k})"] = f"trace.z[{k}]"
            ex[f"n^({k})"] = f"trace.a[{k}]"
            ex[f"W^({k})"] = f"net.weights[{k}]"
            ex[f"delta^({k})"] = f"grads.delta[{k}]"
            ex[f"dL/dW^({k})"] = f"grads.dW[{k}]"
            ex[f"new W^({k})"] = f"after.weights[{k}]"
            if bias:
                ex[f"b^({k})"] = f"net.biases[{k}]"
                ex[f"dL/db^({k})"] = f"grads.db[{k}]"
                ex[f"new b^({k})"] = f"after.biases[{k}]"
        ex["L(y, y_hat)"] = "grads.loss"
        i = 0
        for k in range(1, L + 1):
            for j in range(net.sizes[k]):
                i += 1
                ex[f"z_{i}"] = f"trace.z[{k}][{j}]"
                ex[f"f_{i}"] = f"trace.a[{k}][{j}]"
                ex[f"f_{i}'(z_{i})"] = f"net.layer_activation({k}).df(trace.z[{k}], trace.a[{k}])[{j}]"
    return ex


def bplab_equivalents(seed, net, x, y, lr=0.1, weight_decay=0.0):
    """The symbols of :func:`in_seed_notation`, read from bplab through the mapping.

    Returns a dict symbol -> ``(expression, value)``, where ``expression`` is the bplab
    Python expression (with ``trace = net.forward(x)``, ``grads = net.backward(trace, y)``,
    ``after`` = a copy of net after ``after.apply(grads, lr, weight_decay)``, ``K`` the
    number of samples) and ``value`` what it evaluates to.
    """
    seed = _seed_id(seed)
    lr, weight_decay = _check_options(seed, lr, weight_decay)
    X, Y, single = _prepare(net, x, y, seed, single_only=seed in ("000", "002", "004"))
    xs = X[0] if single else X
    ys = Y[0] if single else Y
    trace = net.forward(xs)
    grads = net.backward(trace, ys)
    after = net.copy()
    after.apply(grads, lr, weight_decay=weight_decay)
    ns = {"np": np, "net": net, "trace": trace, "grads": grads, "after": after, "x": xs, "y": ys,
          "K": X.shape[0], "lr": lr, "weight_decay": weight_decay}
    exprs = _bplab_expressions(seed, net, single)
    # The expressions are this module's own constant strings, shown to the learner as they are run.
    return {sym: (ex, eval(ex, {"__builtins__": {"len": len}}, ns)) for sym, ex in exprs.items()}  # noqa: S307


@dataclass
class ComparisonRow:
    symbol: str
    expression: str
    seed_value: object
    bplab_value: object
    max_abs_diff: float
    ok: bool


@dataclass
class Comparison:
    """:func:`compare`'s result: one row per symbol; ``ok`` when every row agrees."""

    seed: str
    rows: list = field(default_factory=list)

    @property
    def ok(self):
        return all(r.ok for r in self.rows)

    def __getitem__(self, symbol):
        for r in self.rows:
            if r.symbol == symbol:
                return r
        raise KeyError(f"seed {self.seed} has no symbol {symbol!r}; its symbols are {[r.symbol for r in self.rows]}")

    def raise_if_failed(self):
        bad = [f"{r.symbol} vs {r.expression} (max |difference| {r.max_abs_diff:.3g})" for r in self.rows if not r.ok]
        if bad:
            raise AssertionError(f"seed {self.seed}'s notation and bplab disagree on: " + "; ".join(bad))
        return self

    def table(self):
        rows = [[r.symbol, r.expression, _short(r.seed_value), f"{r.max_abs_diff:.1e}", "ok" if r.ok else "DIFFERENT"]
                for r in self.rows]
        return Table(["seed " + self.seed + "'s symbol", "bplab expression", "value", "max |diff|", "same?"], rows,
                     f"Seed {self.seed} in its own notation vs bplab")

    def _repr_html_(self):
        return self.table()._repr_html_().replace("$", "&#36;")

    def __repr__(self):
        return repr(self.table())


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
    return Comparison(_seed_id(seed), rows)
