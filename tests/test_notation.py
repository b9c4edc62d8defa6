"""bplab.notation: the notation map covers every seed, and each seed's own equations give bplab's numbers.

Expected values are derived here independently: by scalar loops written from the seeds'
formulas, by finite differences of a cost written here, and by seed 004's printed numbers.
"""

import math

import numpy as np
import pytest

import bplab
from bplab import notation as N
from bplab.examples import PRINTED

SEEDS = ("000", "001", "002", "003", "004")


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


@pytest.fixture
def sigmoid_net():
    """A random 3-4-3-2 sigmoid network with biases, one sample and its targets."""
    rng = np.random.default_rng(7)
    net = bplab.Network([3, 4, 3, 2], activations="sigmoid", seed=3)
    for l in range(1, net.L + 1):
        net.biases[l] = rng.normal(size=net.sizes[l])
    return net, rng.normal(size=3), rng.uniform(size=2)


@pytest.fixture
def mixed_net():
    """Per-neuron activations (seed 000's f_1, f_2, f_3 in one layer), a batch of 5 samples."""
    rng = np.random.default_rng(11)
    net = bplab.Network([3, 3, 4, 2], activations=["tanh", ["sigmoid", "tanh", "identity", "leaky_relu"], "sigmoid"],
                        seed=5)
    for l in range(1, net.L + 1):
        net.biases[l] = rng.normal(size=net.sizes[l])
    return net, rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))


def _forward_scalar(net, x):
    """Sigmoid forward pass in plain Python scalars: v[l][j], y[l][j] (y[0] = x)."""
    y, v = [list(x)], [None]
    for l in range(1, net.L + 1):
        W, b = net.weights[l], net.biases[l]
        v_l = [sum(W[j][i] * y[l - 1][i] for i in range(len(y[l - 1]))) + b[j] for j in range(len(b))]
        v.append(v_l)
        y.append([sig(s) for s in v_l])
    return v, y


# ------------------------------------------------------------------ the table


def test_every_seed_has_every_core_concept():
    core = ["input", "pre_activation", "activation_fn", "activation", "weights", "bias", "error_term",
            "weight_gradient", "loss", "learning_rate", "update", "forward", "backward"]
    for seed in SEEDS:
        have = {e.concept for e in N.ENTRIES if e.seed == seed}
        assert set(core) <= have, (seed, set(core) - have)
    assert {e.seed for e in N.ENTRIES} == set(SEEDS) == set(N.SEEDS)
    assert all(e.concept in N.CONCEPTS for e in N.ENTRIES)
    pairs = [(e.seed, e.concept) for e in N.ENTRIES]
    assert len(pairs) == len(set(pairs)), "one entry per (seed, concept)"


def test_table_long_and_wide_cover_all_five_seeds():
    long = N.notation_table()
    assert {row[2] for row in long.rows} == set(SEEDS)
    assert len(long) == len(N.ENTRIES)
    wide = N.notation_table(layout="wide")
    assert wide.columns == ["concept", "bplab"] + [f"seed {s}" for s in SEEDS]
    assert len(wide) == len(N.CONCEPTS)
    html = wide._repr_html_()
    assert html.startswith("<table") and all(f"seed {s}" in html for s in SEEDS)
    md = wide.markdown()
    lines = [line for line in md.splitlines() if line.startswith("|")]
    assert len(lines) == len(N.CONCEPTS) + 2  # header, rule, one line per concept
    assert all(line.count("|") == len(wide.columns) + 1 for line in lines), "a | inside a cell breaks the table"


def test_table_selects_seeds_and_concepts():
    t = N.notation_table(seeds=["003", 2], concepts=["error_term"])
    assert [row[2] for row in t.rows] == ["003", "002"]
    with pytest.raises(ValueError, match="seed"):
        N.notation_table(seeds=["005"])
    with pytest.raises(ValueError, match="concept"):
        N.notation_table(concepts=["residual"])
    with pytest.raises(ValueError, match="layout"):
        N.notation_table(layout="tall")


@pytest.mark.parametrize(
    "seed, concept, term",
    [("000", "error_term", "误差向量"), ("001", "loss", "代价函数"), ("002", "error_term", "局部梯度"),
     ("003", "error_term", "残差"), ("003", "loss", "代价函数"), ("004", "error_term", "误差项"),
     ("004", "error_term", "灵敏度"), ("000", "forward", "正向传播"), ("004", "forward", "前向传播"),
     ("001", "backward", "反向传播"), ("000", "learning_rate", "学习率"), ("000", "loss", "损失函数"),
     ("002", "activation_fn", "激活函数")],
)
def test_the_seeds_chinese_terms(seed, concept, term):
    (entry,) = [e for e in N.ENTRIES if (e.seed, e.concept) == (seed, concept)]
    assert term in entry.chinese
    assert term in N.SEEDS[seed].terms


def test_bplab_terms_include_the_team_glossary():
    terms = {c.chinese for c in N.CONCEPTS.values()}
    assert {"误差项", "学习率", "激活函数", "权重衰减", "前向传播", "反向传播", "损失函数"} <= terms


def test_concept_table_is_bplabs_own_notation():
    t = N.concept_table()
    assert len(t) == len(N.CONCEPTS)
    rows = {row[0]: row for row in t.rows}
    assert rows["error term"][1] == "误差项" and rows["error term"][3] == "`grads.delta[l]`"
    assert "(n_l, n_{l-1})" in rows["weights"][2]


def test_the_shifts_are_written_down():
    e = {(x.seed, x.concept): x for x in N.ENTRIES}
    assert e["003", "weights"].equals == r"W^{l}"  # z^(2) = W^(1) x + b^(1): W^(1) is bplab's W^1
    assert e["003", "error_term"].equals == r"\delta^{l-1}"
    assert e["001", "weights"].equals == r"W^{l-1}"
    assert e["002", "error_term"].equals.startswith("-")


def test_notebook_map_lists_the_planned_fourteen():
    planned = ["01-start-here", "02-forward-pass-matrix-form", "03-four-bp-equations",
               "04-per-neuron-derivation", "05-batch-gradient-and-weight-decay", "06-notation-map",
               "07-computational-graph", "08-worked-example",
               "09-gradient-checking", "10-propagation-stepper", "11-training-playground", "12-training-modes",
               "13-iris-from-scratch", "14-handwritten-digits"]
    assert [nb.stem for nb in N.NOTEBOOKS] == planned
    assert all(nb.stem.startswith(f"{nb.number:02d}-") for nb in N.NOTEBOOKS)
    served = {s for nb in N.NOTEBOOKS for s in nb.seeds}
    assert served == set(SEEDS)
    t = N.notebook_map(existing={"01-start-here.ipynb"})
    assert t.rows[0][-1] == "yes" and t.rows[1][-1] == "not yet"
    assert len(N.notebook_map().columns) == 4


# ------------------------------------------------------------------ the numbers, seed by seed


def test_seed002_local_gradient_from_its_scalar_formula(sigmoid_net):
    net, x, d = sigmoid_net
    q = N.in_seed_notation("002", net, x, d, lr=0.5)
    v, y = _forward_scalar(net, x)
    L = net.L
    # output neuron: e_j = d_j - y_j, delta_j = e_j phi'(v_j), phi' = y (1 - y) for the logistic function
    e = [d[j] - y[L][j] for j in range(len(d))]
    delta = {L: [e[j] * y[L][j] * (1 - y[L][j]) for j in range(len(d))]}
    # hidden neuron: delta_j = phi'(v_j) sum_k delta_k w_kj
    for l in range(L - 1, 0, -1):
        W = net.weights[l + 1]
        delta[l] = [y[l][j] * (1 - y[l][j]) * sum(delta[l + 1][k] * W[k][j] for k in range(len(delta[l + 1])))
                    for j in range(len(y[l]))]
    np.testing.assert_allclose(q["e_j"], e, rtol=1e-12)
    assert q["E(n)"] == pytest.approx(0.5 * sum(t * t for t in e), rel=1e-12)
    grads = net.gradients(x, d)
    for l in range(1, L + 1):
        np.testing.assert_allclose(q[f"delta_j (layer {l})"], delta[l], rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(q[f"v_j (layer {l})"], v[l], rtol=1e-12)
        # the sign folded into e: Haykin's local gradient is minus bplab's delta
        np.testing.assert_allclose(q[f"delta_j (layer {l})"], -grads.delta[l], rtol=1e-10, atol=1e-15)
        # Delta w_ji = eta delta_j y_i, with y_0 = +1 carrying the bias w_j0
        y_in = [1.0] + list(y[l - 1])
        expect = [[0.5 * delta[l][j] * y_in[i] for i in range(len(y_in))] for j in range(len(delta[l]))]
        np.testing.assert_allclose(q[f"Delta w_ji (layer {l})"], expect, rtol=1e-10, atol=1e-15)
        assert q[f"w_ji (layer {l})"][:, 0] == pytest.approx(list(net.biases[l]))


def test_seed003_indices_and_weight_decay(sigmoid_net):
    net, _, _ = sigmoid_net
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(4, 3)), rng.uniform(size=(4, 2))
    lam, alpha = 0.03, 0.7
    q = N.in_seed_notation("003", net, X, Y, lr=alpha, weight_decay=lam)
    assert q["n_l"] == 4 and [q[f"s_{l}"] for l in (1, 2, 3, 4)] == [3, 4, 3, 2]
    # z^(2) = W^(1) x + b^(1), written out here: W^(1) is the first weight matrix, bplab's W^1
    W1, b1 = np.array(net.weights[1]), np.array(net.biases[1])
    np.testing.assert_allclose(q["W^(1)"], W1)
    np.testing.assert_allclose(q["z^(2)"], X @ W1.T + b1, rtol=1e-12)
    assert "W^(0)" not in q and "z^(1)" not in q

    # J(W, b) = mean of 1/2 ||h(x) - y||^2 + lambda/2 sum W^2, written here from the seed's formula
    def J(theta):
        other = net.copy()
        other.theta[...] = theta
        out = np.array([other.predict(x) for x in X])
        return np.mean(0.5 * ((out - Y) ** 2).sum(axis=1)) + lam / 2 * sum((W ** 2).sum() for W in other.weights)

    assert q["J(W,b)"] == pytest.approx(J(net.theta.copy()), rel=1e-12)
    # its gradient (1/K) Delta W + lambda W against central differences of J
    h, theta = 1e-6, net.theta.copy()
    num = np.empty_like(theta)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        num[i] = (J(theta + e) - J(theta - e)) / (2 * h)
    probe = net.copy()
    probe.theta[...] = num
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(q[f"dJ/dW^({l})"], probe.weights[l], rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(q[f"dJ/db^({l})"], probe.biases[l], rtol=1e-6, atol=1e-9)
        # Delta W^(l) is a SUM over the K samples: the per-sample gradients added up one by one
        total = sum(net.gradients(x, y).dW[l] for x, y in zip(X, Y))
        np.testing.assert_allclose(q[f"Delta W^({l})"], total, rtol=1e-10)
        np.testing.assert_allclose(q[f"new W^({l})"], net.weights[l] - alpha * (total / 4 + lam * net.weights[l]),
                                   rtol=1e-10)
        # W^(l) pairs with the residual of the NEXT seed layer: delta^(l+1) is bplab's delta^l
        np.testing.assert_allclose(q[f"delta^({l + 1})"], net.gradients(X, Y).delta[l] * 1.0, rtol=1e-10)


def test_seed001_counts_the_input_as_layer_one(sigmoid_net):
    net, x, y = sigmoid_net
    q = N.in_seed_notation("001", net, x, y)
    np.testing.assert_allclose(q["a^1"], x)
    np.testing.assert_allclose(q["w^2"], net.weights[1])
    v, a = _forward_scalar(net, x)
    L1 = net.L + 1
    for l in range(2, L1 + 1):
        np.testing.assert_allclose(q[f"z^{l}"], v[l - 1], rtol=1e-12)
    # BP1: delta^L = (a^L - y) . sigma'(z^L)
    aL = np.array(a[-1])
    np.testing.assert_allclose(q[f"delta^{L1}"], (aL - y) * aL * (1 - aL), rtol=1e-12)


def test_seed000_xi_is_bplabs_delta_without_biases(sigmoid_net):
    net, x, y = sigmoid_net
    nobias = bplab.Network.from_weights([np.array(W) for W in net.weights], biases=None, activations="sigmoid")
    q = N.in_seed_notation("000", nobias, x, y)
    grads = nobias.gradients(x, y)
    for l in range(1, nobias.L + 1):
        np.testing.assert_allclose(q[f"xi_{l}"], grads.delta[l], rtol=1e-10, atol=1e-15)

    # dC/dW_l = xi_l o_{l-1}^T against central differences of C = 1/2 ||o_L - y||^2, written here
    def C(Ws):
        o = x
        for W in Ws:
            o = 1 / (1 + np.exp(-(W @ o)))
        return 0.5 * ((o - y) ** 2).sum()

    Ws = [np.array(W) for W in nobias.weights]
    for l in range(1, nobias.L + 1):
        num = np.zeros_like(Ws[l - 1])
        for idx in np.ndindex(num.shape):
            up = [W.copy() for W in Ws]
            dn = [W.copy() for W in Ws]
            up[l - 1][idx] += 1e-6
            dn[l - 1][idx] -= 1e-6
            num[idx] = (C(up) - C(dn)) / 2e-6
        np.testing.assert_allclose(q[f"dC/dW_{l}"], num, rtol=1e-6, atol=1e-10)


def test_seed000_with_biases_uses_a_constant_one_input(sigmoid_net):
    net, x, y = sigmoid_net
    q = N.in_seed_notation("000", net, x, y)
    assert q["o_0"][-1] == 1.0 and q["o_1"][-1] == 1.0 and q["W_1"].shape == (4, 4)
    np.testing.assert_allclose(q["W_2"][:, -1], net.biases[2])
    np.testing.assert_allclose(q["a_1"], np.array(net.weights[1]) @ x + net.biases[1], rtol=1e-12)


def test_seed004_reproduces_the_printed_example():
    net, x, y = bplab.worked_example("as_printed")
    q = N.in_seed_notation("004", net, x, y)
    for i in range(1, 7):
        assert q[f"z_{i}"] == pytest.approx(PRINTED[f"z{i}"], abs=1e-12)
        assert q[f"f_{i}"] == pytest.approx(PRINTED[f"f{i}"], abs=1e-14)
    assert q["delta^(3)"][0] == pytest.approx(PRINTED["delta3"], abs=1e-15)
    np.testing.assert_allclose(q["delta^(2)"], PRINTED["delta2"], atol=1e-15)
    assert q["f_5'(z_5)"] == pytest.approx(PRINTED["f5'(z5)"], abs=1e-15)
    # its neuron numbers agree with bplab.examples.NEURONS
    trace = net.forward(x)
    for name, (layer, j) in bplab.examples.NEURONS.items():
        assert q[f"z_{name}"] == trace.z[layer][j]


# ------------------------------------------------------------------ compare(): every mapping, every symbol


@pytest.mark.parametrize("seed", SEEDS)
def test_every_mapping_gives_bplabs_numbers(seed, mixed_net):
    net, X, Y = mixed_net
    result = N.compare(seed, net, X[0], Y[0], lr=0.3)
    assert result.ok, result
    result.raise_if_failed()
    assert len(result.rows) >= 10
    nobias = bplab.Network.from_weights([np.array(W) for W in net.weights], None, activations=net.activations)
    assert N.compare(seed, nobias, X[1], Y[1]).ok


@pytest.mark.parametrize("seed, lam", [("001", 0.0), ("003", 0.05)])
def test_batch_mappings(seed, lam, mixed_net):
    net, X, Y = mixed_net
    result = N.compare(seed, net, X, Y, lr=0.2, weight_decay=lam)
    assert result.ok, result


def test_compare_reports_a_disagreement():
    row_ok = N.ComparisonRow("a", "x", 1.0, 1.0, 0.0, True)
    row_bad = N.ComparisonRow("b", "grads.delta[1]", 1.0, -1.0, 2.0, False)
    bad = N.Comparison("002", [row_ok, row_bad])
    assert not bad.ok
    with pytest.raises(AssertionError, match="grads.delta"):
        bad.raise_if_failed()
    assert "DIFFERENT" in repr(bad)
    assert bad["a"] is row_ok
    with pytest.raises(KeyError):
        bad["c"]


def test_bplab_expressions_are_shown_as_run(sigmoid_net):
    net, x, y = sigmoid_net
    eq = N.bplab_equivalents("002", net, x, y)
    expr, value = eq["delta_j (layer 2)"]
    assert expr == "-grads.delta[2]"
    np.testing.assert_allclose(value, -net.gradients(x, y).delta[2])
    assert N.bplab_equivalents("003", net, x, y)["W^(2)"][0] == "net.weights[2]"


# ------------------------------------------------------------------ input errors


def test_errors_name_the_argument(sigmoid_net, mixed_net):
    net, x, y = sigmoid_net
    with pytest.raises(ValueError, match="seed"):
        N.in_seed_notation("007", net, x, y)
    with pytest.raises(ValueError, match="one sample"):
        N.in_seed_notation("002", net, np.stack([x, x]), np.stack([y, y]))
    with pytest.raises(ValueError, match="weight_decay"):
        N.in_seed_notation("000", net, x, y, weight_decay=0.1)
    with pytest.raises(ValueError, match="lr"):
        N.in_seed_notation("001", net, x, y, lr=-1)
    soft = bplab.Network([3, 2, 2], activations=["sigmoid", "softmax"], seed=0)
    with pytest.raises(ValueError, match="softmax"):
        N.in_seed_notation("004", soft, x, [0.5, 0.5])
    with pytest.raises(ValueError, match="features"):
        N.in_seed_notation("004", net, x[:2], y)
    with pytest.raises(TypeError, match="net"):
        N.in_seed_notation("004", "not a network", x, y)


# ------------------------------------------------------------------ the readings are data, and honest


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("with_bias", [True, False])
def test_every_shown_expression_computes_its_value(seed, with_bias, mixed_net):
    """The package runs no source strings; here, each expression it SHOWS is run as Python
    and must give the value its plain function computed (so the two cannot drift apart)."""
    net, X, Y = mixed_net
    if not with_bias:
        net = bplab.Network.from_weights([np.array(W) for W in net.weights], None, activations=net.activations)
    batch = seed in ("001", "003")
    x, y = (X, Y) if batch else (X[0], Y[0])
    lr, wd = 0.3, (0.05 if seed == "003" else 0.0)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    after = net.copy()
    after.apply(grads, lr, weight_decay=wd)
    names = {"np": np, "net": net, "trace": trace, "grads": grads, "after": after, "x": x, "y": y,
             "K": len(X) if batch else 1, "lr": lr, "weight_decay": wd, "len": len}
    shown = N.bplab_equivalents(seed, net, x, y, lr=lr, weight_decay=wd)
    assert shown.keys() == N.in_seed_notation(seed, net, x, y, lr=lr, weight_decay=wd).keys()
    for symbol, (expression, value) in shown.items():
        ran = eval(expression, {"__builtins__": {}}, names)  # noqa: S307 (the test's own check)
        np.testing.assert_array_equal(np.asarray(ran, dtype=float), np.asarray(value, dtype=float), err_msg=symbol)


def test_a_reading_whose_function_disagrees_with_its_expression_is_caught(sigmoid_net, monkeypatch):
    net, x, y = sigmoid_net
    rows = list(N.READINGS["002"])
    k = next(i for i, r in enumerate(rows) if r.symbol == "delta_j (layer {l})")
    rows[k] = N.Reading(rows[k].symbol, rows[k].expression, lambda r, l, j: r.grads.delta[l], "all")  # sign lost
    monkeypatch.setitem(N.READINGS, "002", tuple(rows))
    with pytest.raises(AssertionError, match=r"delta_j \(layer 1\) vs -grads.delta\[1\]"):
        N.compare("002", net, x, y).raise_if_failed()


def test_the_notation_package_runs_no_source_strings():
    import ast
    import pathlib

    for path in pathlib.Path(N.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
        assert not called & {"eval", "exec", "compile"}, path.name
