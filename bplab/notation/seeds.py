"""The notation map as data: each seed, each concept in bplab's notation, and one entry per
(seed, concept) with the seed's symbol, its Chinese term and what the symbol is in bplab's names."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import choice

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
class NotationEntry:
    seed: str
    concept: str
    symbol: str  # LaTeX, as the seed writes it ("" when the seed has no such thing)
    chinese: str  # the Chinese term the seed uses for it ("" when it names it in no words)
    equals: str  # the symbol in bplab's names, with its layer index (LaTeX)
    note: str = ""


def _e(seed, concept, symbol, chinese, equals, note=""):
    return NotationEntry(seed, concept, symbol, chinese, equals, note)


ENTRIES = [
    # ---- seed 000: matrix form, no biases; a is the PRE-activation, o the output
    _e("000", "layers", r"L,\ l = 1..L", "", r"L,\ l = 1..L", "same layer numbers as bplab"),
    _e("000", "input", r"\mathbf{o}_0 = \mathbf{x}_n", "输入", r"a^0"),
    _e("000", "pre_activation", r"\mathbf{a}_l = \mathbf{W}_l \mathbf{o}_{l-1}", "输入", r"z^l",
       "its letter a is bplab's z: the letters are swapped (equation 1)"),
    _e("000", "activation_fn", r"\mathbf{f},\ f_1, f_2, f_3", "激活函数", r"f_l",
       r"a vector function: each neuron may have its own $f_j$"),
    _e("000", "activation", r"\mathbf{o}_l = \mathbf{f}(\mathbf{a}_l)", "输出", r"a^l", "equation 2"),
    _e("000", "weights", r"\mathbf{W}_l", "权值矩阵", r"W^l", "row j holds the weights into neuron j"),
    _e("000", "bias", r"\text{a constant-1 input}", "偏置项", r"[W^l \mid b^l]",
       r"no biases: with one, $\mathbf{W}_l$ gets $\mathbf{b}_l$ as its last column and $\mathbf{o}_{l-1}$ a trailing 1"),
    _e("000", "output_error", r"\mathbf{o}_L - \mathbf{y}", "", r"a^L - y"),
    _e("000", "error_term", r"\boldsymbol{\xi}_l = \partial C / \partial \mathbf{a}_l", "误差向量", r"\delta^l",
       "dC/d(pre-activation), like bplab's delta"),
    _e("000", "weight_gradient", r"\partial C/\partial \mathbf{W}_l = \boldsymbol{\xi}_l \mathbf{o}_{l-1}^T", "",
       r"\partial C/\partial W^l"),
    _e("000", "loss", r"C = \frac{1}{2}\|\mathbf{o}_L - \mathbf{y}\|^2", "损失函数", r"C"),
    _e("000", "learning_rate", r"\eta", "学习率", r"\eta"),
    _e("000", "update", r"\mathbf{W}_l = \mathbf{W}_l - \eta\, \partial C/\partial \mathbf{W}_l", "",
       r"W^l \leftarrow W^l - \eta\, \partial C/\partial W^l",
       r"its algorithm box updates $\mathbf{W}_L$ before computing $\boldsymbol{\xi}_{L-1}$ (see notebook 12)"),
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
    _e("001", "weights", r"w^l,\ w^l_{jk}", "权重", r"W^{l-1}", r"$w^l_{jk}$: from neuron $k$ of layer $l-1$ to neuron $j$ of layer $l$"),
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
       r"no layer index; $n$ numbers the sample"),
    _e("002", "input", r"y_i(n),\ y_0 = +1", "", r"(1, a^{l-1})", r"the inputs of a layer, with $y_0 = +1$ for the bias"),
    _e("002", "pre_activation", r"v_j(n) = \sum_{i=0}^{m} w_{ji}(n)\, y_i(n)", "", r"z^l_j"),
    _e("002", "activation_fn", r"\varphi_j", "激活函数", r"f_{l,j}"),
    _e("002", "activation", r"y_j(n) = \varphi_j(v_j(n))", "输出", r"a^l_j"),
    _e("002", "weights", r"w_{ji}", "权值", r"W^l_{ji}", r"from neuron $i$ to neuron $j$"),
    _e("002", "bias", r"w_{j0}", "偏置项", r"b^l_j", r"the bias is the weight of the constant input $y_0 = +1$"),
    _e("002", "output_error", r"e_j(n) = d_j(n) - y_j(n)", "误差", r"-(a^L - y)_j", "target minus output: sign flipped"),
    _e("002", "error_term", r"\delta_j(n) = e_j \varphi_j'(v_j) = -\partial E/\partial v_j", "局部梯度",
       r"-\delta^l_j", r"hidden: $\delta_j = \varphi_j'(v_j) \sum_k \delta_k w_{kj}$; the MINUS sign is folded in"),
    _e("002", "weight_gradient", r"\partial E/\partial w_{ji} = -\delta_j y_i", "梯度", r"\partial C/\partial W^l_{ji}"),
    _e("002", "loss", r"E(n) = \frac{1}{2}\sum_{j \in C} e_j^2(n)", "损失函数", r"C", r"one sample $n$"),
    _e("002", "learning_rate", r"\eta", "步长", r"\eta", "the text calls it a step size (步长); its code a 学习率"),
    _e("002", "update", r"\Delta w_{ji} = \eta\, \delta_j\, y_i,\ w_{ji} \leftarrow w_{ji} + \Delta w_{ji}", "",
       r"-\eta\, \partial C/\partial W^l_{ji}", r"a PLUS, because $\delta_j$ already carries the minus sign"),
    _e("002", "forward", r"v_j \to y_j", "前向传播", "net.forward"),
    _e("002", "backward", r"\delta_j = \varphi_j'(v_j) \sum_k \delta_k w_{kj}", "梯度反传", "net.backward"),
    # ---- seed 003: UFLDL; the input is layer 1, W^(l) leaves layer l
    _e("003", "layers", r"n_l \text{ layers (input included)},\ s_l \text{ neurons}", "", r"n_l = L + 1,\ s_l = n_{l-1}",
       "its layer l is bplab's layer l - 1"),
    _e("003", "input", r"a^{(1)} = x", "", r"a^0"),
    _e("003", "pre_activation", r"z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)}", "输入", r"z^{l}",
       r"$z^{(l)}$ is bplab's $z^{l-1}$"),
    _e("003", "activation_fn", r"f", "激活函数", r"f"),
    _e("003", "activation", r"a^{(l)} = f(z^{(l)})", "输出", r"a^{l-1}"),
    _e("003", "weights", r"W^{(l)},\ s_{l+1} \times s_l", "权值", r"W^{l}",
       r"$W^{(l)}$ goes from its layer $l$ to $l+1$ = bplab's $l-1$ to $l$: the shifts cancel"),
    _e("003", "bias", r"b^{(l)}", "偏置单元", r"b^{l}", r"indexed like $W^{(l)}$"),
    _e("003", "output_error", r"h_{W,b}(x) - y", "", r"a^L - y"),
    _e("003", "error_term", r"\delta^{(l)} = \partial J / \partial z^{(l)}", "残差", r"\delta^{l-1}",
       r"$W^{(l)}$ pairs with $\delta^{(l+1)}$"),
    _e("003", "weight_gradient", r"\nabla_{W^{(l)}} J = \delta^{(l+1)} (a^{(l)})^T", "", r"\partial C/\partial W^l",
       r"$\Delta W^{(l)}$ sums it over the $K$ samples: $K$ times bplab's mean"),
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
       r"in the worked example $z_1, \dots, z_6$ number the neurons"),
    _e("004", "activation_fn", r"f_k", "激活函数", r"f_k", r"$f_1, \dots, f_6$ in the worked example number the neurons"),
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


def seed_list(seeds):
    """Seed ids as a list: None for all five, or one or several given as "003" or 3."""
    if seeds is None:
        return list(SEED_IDS)
    if isinstance(seeds, (str, int)):
        seeds = [seeds]
    return [seed_id(s) for s in seeds]


def seed_id(seed):
    """A seed id, "000" .. "004" (an int such as 3 is read as "003")."""
    if isinstance(seed, int) and not isinstance(seed, bool):
        seed = f"{seed:03d}"
    return choice(seed, SEED_IDS, "seed")
