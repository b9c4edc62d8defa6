"""bplab.graph: each local derivative, the accumulation of gradients, and a whole network's
gradient by reverse mode, checked against central differences and against bplab's matrix BP."""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bplab
import bplab.checks
import bplab.network
from bplab import variants
from bplab.variants import backward_overwriting
from bplab.graph import (
    GraphGradients,
    Value,
    compare_with_backprop,
    edges,
    maximum,
    network_gradients,
    nodes,
    numeric_gradient,
    total,
)
from bplab.ui.graph_svg import graph_svg, layout


def plain_central_difference(f, args, i, h=1e-6):
    """d f / d args[i] by central differences on a plain Python function of floats."""
    up, down = list(args), list(args)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


# (name, the graph of Values, the same function on plain floats, arguments)
OPS = [
    ("x + y", lambda x, y: x + y, lambda x, y: x + y, (0.7, -1.3)),
    ("x - y", lambda x, y: x - y, lambda x, y: x - y, (0.7, -1.3)),
    ("x * y", lambda x, y: x * y, lambda x, y: x * y, (0.7, -1.3)),
    ("x / y", lambda x, y: x / y, lambda x, y: x / y, (0.7, -1.3)),
    ("2.5 + x", lambda x: 2.5 + x, lambda x: 2.5 + x, (0.4,)),
    ("x + 2.5", lambda x: x + 2.5, lambda x: x + 2.5, (0.4,)),
    ("1 - x", lambda x: 1 - x, lambda x: 1 - x, (0.4,)),
    ("x - 1", lambda x: x - 1, lambda x: x - 1, (0.4,)),
    ("2 * x", lambda x: 2 * x, lambda x: 2 * x, (0.4,)),
    ("x * 2", lambda x: x * 2, lambda x: x * 2, (0.4,)),
    ("3 / x", lambda x: 3 / x, lambda x: 3 / x, (0.4,)),
    ("x / 3", lambda x: x / 3, lambda x: x / 3, (0.4,)),
    ("-x", lambda x: -x, lambda x: -x, (0.4,)),
    ("x ** 3", lambda x: x**3, lambda x: x**3, (-0.8,)),
    ("x ** 0.5", lambda x: x**0.5, lambda x: x**0.5, (1.7,)),
    ("x ** -2", lambda x: x**-2, lambda x: x**-2, (-0.9,)),
    ("exp", lambda x: x.exp(), math.exp, (0.3,)),
    ("log", lambda x: x.log(), math.log, (0.3,)),
    ("tanh", lambda x: x.tanh(), math.tanh, (-0.6,)),
    ("sigmoid", lambda x: x.sigmoid(), _sigmoid, (-0.6,)),
    ("sigmoid far left", lambda x: x.sigmoid(), _sigmoid, (-30.0,)),
    ("relu, positive", lambda x: x.relu(), lambda x: max(x, 0.0), (0.6,)),
    ("relu, negative", lambda x: x.relu(), lambda x: max(x, 0.0), (-0.6,)),
    ("max, x larger", lambda x, y: maximum(x, y), max, (0.9, 0.2)),
    ("max, y larger", lambda x, y: maximum(x, y), max, (0.2, 0.9)),
    ("total", lambda x, y, z: total([x, y, z]), lambda x, y, z: x + y + z, (0.1, 0.2, -0.3)),
    ("sigmoid from primitives", lambda x: 1 / (1 + (-x).exp()), _sigmoid, (0.8,)),
]


@pytest.mark.parametrize("name, graph, plain, args", OPS, ids=[op[0] for op in OPS])
def test_each_operation_value_and_local_derivative(name, graph, plain, args):
    xs = [Value(a, f"x{i}") for i, a in enumerate(args)]
    out = graph(*xs)
    assert out.data == pytest.approx(plain(*args), rel=1e-12, abs=1e-15)
    out.backward()
    for i, x in enumerate(xs):
        from_plain = plain_central_difference(plain, args, i)
        from_graph = numeric_gradient(graph, *args)[i]
        assert x.grad == pytest.approx(from_plain, rel=1e-6, abs=1e-9), name
        assert x.grad == pytest.approx(from_graph, rel=1e-6, abs=1e-9), name


@pytest.mark.parametrize("name, graph, plain, args", [op for op in OPS if op[0] != "sigmoid from primitives"],
                         ids=[op[0] for op in OPS if op[0] != "sigmoid from primitives"])
def test_local_grads_are_the_derivatives_of_one_operation(name, graph, plain, args):
    """For a single operation the local derivative alone is the whole gradient (no chain)."""
    xs = [Value(a) for a in args]
    out = graph(*xs)
    mine = [inp for inp in out.inputs if any(inp is x for x in xs)]
    assert mine, "the operation's node lists the Values it was made from"
    for inp, local in zip(out.inputs, out.local_grads):
        if any(inp is x for x in xs):
            i = next(i for i, x in enumerate(xs) if inp is x)
            assert local == pytest.approx(plain_central_difference(plain, args, i), rel=1e-6, abs=1e-9)


def test_gates_add_hands_on_multiply_swaps_max_routes():
    x, y = Value(3.0), Value(-2.0)
    upstream = 1.5
    (upstream * (x + y)).backward()
    assert x.grad == y.grad == upstream
    (upstream * (x * y)).backward()
    assert (x.grad, y.grad) == (upstream * y.data, upstream * x.data)
    (upstream * maximum(x, y)).backward()
    assert (x.grad, y.grad) == (upstream, 0.0)


def test_gradients_accumulate_where_a_value_is_used_twice():
    x, y = Value(2.0, "x"), Value(-3.0, "y")
    f = x * y + x  # df/dx = y + 1
    f.backward()
    assert x.grad == y.data + 1
    assert y.grad == x.data
    assert x.grad == pytest.approx(numeric_gradient(lambda x, y: x * y + x, 2.0, -3.0)[0])
    backward_overwriting(f)  # the deliberately wrong variant keeps one path only
    assert x.grad != y.data + 1
    assert x.grad in (y.data, 1.0)


def test_square_by_multiplying_a_value_by_itself():
    x = Value(1.5)
    (x * x).backward()
    assert x.grad == 2 * 1.5
    backward_overwriting(x * x)
    assert x.grad == 1.5  # one of the two paths lost


def test_backward_starts_from_zero_each_time():
    x = Value(0.7)
    f = (x * 2).tanh() + x
    f.backward()
    first = x.grad
    f.backward()
    assert x.grad == first


def test_nodes_come_inputs_first_and_edges_carry_local_derivatives():
    x, y = Value(2.0), Value(5.0)
    q = x * y
    f = q + x
    order = nodes(f)
    assert order[-1] is f
    for node in order:
        for inp in node.inputs:
            assert order.index(inp) < order.index(node)
    assert len(order) == 4  # x, y, q, f: x counted once although used twice
    assert {(id(i), id(o), g) for i, o, g in edges(f)} == {
        (id(x), id(q), 5.0), (id(y), id(q), 2.0), (id(q), id(f), 1.0), (id(x), id(f), 1.0)}


def test_a_deep_chain_needs_no_recursion():
    x = Value(0.1)
    v = x
    for _ in range(5000):
        v = v * 1.0001
    v.backward()
    assert x.grad == pytest.approx(1.0001**5000)


@pytest.mark.parametrize("make, error, words", [
    (lambda: Value(2.0) ** Value(2.0), TypeError, ["exponent", "Value"]),
    (lambda: Value(2.0) ** "2", TypeError, ["exponent", "'2'"]),
    (lambda: Value(-1.5, "a").log(), ValueError, ["log", "x > 0", "-1.5", "'a'"]),
    (lambda: Value(0.0).log(), ValueError, ["log", "x > 0", "x = 0"]),
    (lambda: Value("3"), TypeError, ["data", "'3'"]),
    (lambda: Value(float("nan")), ValueError, ["finite", "nan"]),
    (lambda: Value(True), TypeError, ["data", "True"]),
    (lambda: Value(1.0) + "x", TypeError, ["other operand", "'x'"]),
    (lambda: Value(1.0) / Value(0.0, "d"), ZeroDivisionError, ["y = 0", "'d'"]),
    (lambda: Value(-2.0) ** 0.5, ValueError, ["x >= 0", "-2"]),
    (lambda: Value(0.0) ** -1, ValueError, ["x = 0", "infinite"]),
    (lambda: Value(800.0).exp(), OverflowError, ["exp", "800"]),
    (lambda: total([]), ValueError, ["at least one"]),
    (lambda: Value(1.5) ** 1e40, OverflowError, ["overflows", "1.5"]),
    (lambda: Value(10**400), ValueError, ["finite", "too large"]),
    (lambda: backward_overwriting("no"), TypeError, ["root", "'no'"]),
    (lambda: nodes(3.0), TypeError, ["root", "3.0"]),
    (lambda: numeric_gradient(lambda x: x, 1.0, h=0), ValueError, ["h", "> 0"]),
])
def test_bad_input_gets_a_sentence(make, error, words):
    with pytest.raises(error) as info:
        make()
    for word in words:
        assert word in str(info.value)


# ---------------------------------------------------------------------------- networks
CASES = [
    ([2, 3, 1], "sigmoid", "half_sse"),
    ([3, 4, 2], "tanh", "half_sse"),
    ([2, 3, 3, 2], "identity", "half_sse"),
    ([2, 4, 3], ["relu", "sigmoid"], "half_sse"),
    ([2, 3, 2], [["tanh", "identity", "sigmoid"], "tanh"], "half_sse"),
    ([3, 4, 3], ["tanh", "softmax"], "cross_entropy"),
    ([2, 3, 4, 3], ["sigmoid", "relu", "softmax"], "cross_entropy"),
    ([2, 3, 2], ["leaky_relu", "softmax"], "half_sse"),
    ([2, 3, 2], ["tanh", "sigmoid"], "binary_cross_entropy"),
]


def _sample(net, loss, rng):
    x = rng.normal(size=net.sizes[0])
    nL = net.sizes[-1]
    y = np.eye(nL)[rng.integers(nL)] if loss == "cross_entropy" else rng.uniform(0.05, 0.95, size=nL)
    return x, y


def _randomize_biases(net, rng):
    for l in range(1, net.L + 1):
        net.biases[l] = rng.normal(scale=0.5, size=net.sizes[l])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("sizes, acts, loss", CASES)
def test_graph_gradients_equal_matrix_backprop(sizes, acts, loss, seed):
    rng = np.random.default_rng(seed)
    net = bplab.Network(sizes, activations=acts, seed=seed)
    _randomize_biases(net, rng)
    x, y = _sample(net, loss, rng)
    graph = network_gradients(net, x, y, loss)
    grads = net.backward(net.forward(x), y, loss)
    assert graph.loss == pytest.approx(grads.loss, rel=1e-12)
    for l in range(1, net.L + 1):
        assert graph.dW[l].shape == net.weights[l].shape and graph.db[l].shape == net.biases[l].shape
        np.testing.assert_allclose(graph.delta[l], grads.delta[l], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(graph.dW[l], grads.dW[l], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(graph.db[l], grads.db[l], rtol=1e-9, atol=1e-15)
    compare_with_backprop(net, x, y, loss)  # the notebook's check passes on a right backward pass


@pytest.mark.parametrize("sizes, acts, loss", CASES[::2])
def test_graph_gradients_equal_central_differences_of_the_graph(sizes, acts, loss):
    """Oracle independent of both backward passes: move each parameter, rebuild the graph, read its loss."""
    rng = np.random.default_rng(7)
    net = bplab.Network(sizes, activations=acts, seed=7)
    _randomize_biases(net, rng)
    x, y = _sample(net, loss, rng)
    graph = network_gradients(net, x, y, loss)
    h = 1e-6
    for l in range(1, net.L + 1):
        for params, grad in ((net.weights[l], graph.dW[l]), (net.biases[l], graph.db[l])):
            for idx in np.ndindex(params.shape):
                keep = params[idx]
                params[idx] = keep + h
                up = network_gradients(net, x, y, loss).loss
                params[idx] = keep - h
                down = network_gradients(net, x, y, loss).loss
                params[idx] = keep
                numeric = (up - down) / (2 * h)
                assert grad[idx] == pytest.approx(numeric, rel=1e-5, abs=1e-8), (l, idx)
                # and the graph's loss is bplab's loss, so these differences are bplab's too
    assert graph.loss == pytest.approx(net.loss(x[None, :], y[None, :], loss), rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    act=st.sampled_from(["sigmoid", "tanh", "identity", "relu", "leaky_relu"]),
    seed=st.integers(0, 10_000),
)
def test_graph_equals_backprop_on_random_networks(sizes, act, seed):
    rng = np.random.default_rng(seed)
    net = bplab.Network(sizes, activations=act, seed=seed)
    _randomize_biases(net, rng)
    x, y = _sample(net, "half_sse", rng)
    compare_with_backprop(net, x, y, "half_sse", rtol=1e-9)


def test_each_delta_is_the_grad_of_its_z_node_on_the_worked_example():
    net, x, y = bplab.worked_example()
    graph = network_gradients(net, x, y)
    grads = net.backward(net.forward(x), y)
    for l in range(1, net.L + 1):
        for j, z in enumerate(graph.z[l]):
            assert z.label == f"z^{l}_{j + 1}"
            assert z.grad == pytest.approx(grads.delta[l][j], rel=1e-9, abs=1e-20)


def test_network_gradients_never_calls_the_matrix_backward_pass(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("network_gradients called the matrix forward/backward pass")

    for name in dir(bplab.network.Network):
        if any(word in name for word in ("backward", "backprop", "gradient", "forward", "apply", "step")):
            monkeypatch.setattr(bplab.network.Network, name, forbidden)
    monkeypatch.setattr(bplab.activations.LayerActivation, "backprop", forbidden)
    monkeypatch.setattr(bplab.checks, "LOSSES", {})  # no loss's delta^L (BP1) can be looked up either
    net, x, y = bplab.worked_example()
    graph = network_gradients(net, x, y)
    assert isinstance(graph, GraphGradients) and graph.dW[1].shape == (3, 2)
    net = bplab.Network([3, 4, 3], activations=["tanh", "softmax"], seed=1)
    network_gradients(net, np.ones(3), 2, "cross_entropy")
    with pytest.raises(AssertionError, match="called the matrix"):
        net.backward(None, y)  # the patch is in force


@pytest.mark.parametrize("wrong", [variants.backward_missing_fprime, variants.backward_wrong_transpose])
def test_the_check_catches_a_wrong_formula(wrong):
    net = bplab.Network([2, 3, 3, 3], activations="tanh", seed=4)
    x, y = np.array([0.5, -1.0]), np.array([0.2, 0.7, 0.1])
    with pytest.raises(AssertionError, match=r"delta\^2|delta\^1"):
        compare_with_backprop(net, x, y, backward=wrong)


def test_the_check_catches_a_wrong_formula_on_the_worked_example_despite_tiny_deltas():
    net, x, y = bplab.worked_example()  # its delta^1 is about 1e-10: an absolute tolerance would hide a bug
    with pytest.raises(AssertionError, match=r"delta\^1"):
        compare_with_backprop(net, x, y, backward=variants.backward_missing_fprime)


def test_network_without_biases_and_class_labels():
    net = bplab.Network([2, 3, 2], activations=["sigmoid", "softmax"], bias=False, seed=2)
    graph = network_gradients(net, np.array([0.1, 0.9]), 1, "cross_entropy")
    assert graph.db[1] is None and graph.b[2] is None
    grads = net.backward(net.forward(np.array([0.1, 0.9])), 1, "cross_entropy")
    np.testing.assert_allclose(graph.dW[2], grads.dW[2], rtol=1e-10)


@pytest.mark.parametrize("args, error, words", [
    (("not a net", [1.0, 2.0], [1.0]), TypeError, ["net", "Network"]),
    ((None, np.ones((2, 2)), [1.0]), ValueError, ["ONE sample", "(2, 2)"]),
    ((None, [1.0, 2.0], [1.0, 0.0]), ValueError, ["ONE target", "(2,)"]),
    ((None, [1.0, 2.0], [1.0], "mse"), ValueError, ["loss", "mse"]),
    ((None, [1.0, 2.0], [1.0], "cross_entropy"), ValueError, ["softmax", "sigmoid"]),
])
def test_network_gradients_bad_input(args, error, words):
    net = bplab.Network([2, 3, 1], seed=0)
    args = (net if args[0] is None else args[0],) + args[1:]
    with pytest.raises(error) as info:
        network_gradients(*args)
    for word in words:
        assert word in str(info.value)


def test_the_check_refuses_a_float32_network():
    net = bplab.Network([2, 3, 1], seed=0, dtype="float32")
    with pytest.raises(ValueError, match="float64 network, got dtype float32"):
        compare_with_backprop(net, [0.1, 0.2], [1.0])


def test_the_module_docstring_example_runs():
    import doctest

    import bplab.graph

    result = doctest.testmod(bplab.graph)
    assert result.attempted >= 3 and result.failed == 0


def test_class_label_out_of_range():
    net = bplab.Network([2, 3], activations="softmax", seed=0)
    with pytest.raises(ValueError, match="0..2.*got 5"):
        network_gradients(net, [1.0, 2.0], 5, "cross_entropy")


# ---------------------------------------------------------------------------- the picture
def test_svg_draws_every_node_and_edge_with_its_grad():
    net = bplab.Network([2, 2, 1], seed=5)
    graph = network_gradients(net, np.array([0.3, -0.4]), np.array([1.0]))
    svg = graph_svg(graph.root, highlight=graph.z[1], local=True, title="a 2-2-1 network")
    tree = ET.fromstring(svg)  # well-formed XML, as IPython.display.SVG needs
    ns = "{http://www.w3.org/2000/svg}"
    boxes = [g for g in tree.iter(f"{ns}g") if g.get("class") == "bplab-gnode"]
    assert len(boxes) == len(nodes(graph.root))
    paths = [p for p in tree.iter(f"{ns}path") if p.get("class") == "bplab-gedge"]
    assert len(paths) == len(edges(graph.root))
    grads = [t for t in tree.iter(f"{ns}text") if t.get("class") == "bplab-ggrad"]
    assert len(grads) == len(boxes)
    z11 = next(g for g in boxes if g.get("data-label") == "z^1_1")
    shown = next(t for t in z11.iter(f"{ns}text") if t.get("class") == "bplab-ggrad").text
    assert shown == f"{graph.z[1][0].grad:.3g}".replace("-", "−")
    assert z11.find(f"{ns}rect").get("stroke") == "#d48806"  # highlighted
    assert "<title>" not in svg and "a 2-2-1 network" in svg
    assert "bplab-ggrad" not in graph_svg(graph.root, show_grad=False)


def test_layout_puts_every_node_right_of_its_inputs():
    net = bplab.Network([2, 3, 2], activations=["tanh", "softmax"], seed=1)
    graph = network_gradients(net, np.array([0.3, -0.4]), 0, "cross_entropy")
    order, place, ncols, nrows = layout(graph.root)
    for node in order:
        for inp in node.inputs:
            assert place[id(inp)][0] < place[id(node)][0]
    assert place[id(graph.root)][0] == ncols - 1
    assert len({place[id(n)] for n in order}) == len(order)  # no two boxes on one spot


def test_the_tiny_network_drawing_fits_1280_px_with_the_sidebar_and_stays_readable():
    """Notebook 07's 1-2-2 network: seen in JupyterLab at 1280x800 with the file browser open, the
    output area is 828 px wide (measured with Chromium). The drawing may shrink to its min-width;
    there its values and gradients must still be about 10 px tall, not the 8 px of a first draft."""
    import re

    tiny = bplab.Network([1, 2, 2], activations="sigmoid", seed=0)
    graph = network_gradients(tiny, [0.5], [1.0, 0.0])
    tree = ET.fromstring(graph_svg(graph.root, highlight=graph.z[1]))
    width = float(tree.get("width"))
    min_width = float(re.search(r"min-width:([0-9.]+)px", tree.get("style")).group(1))
    assert min_width <= 828, "the loss end would be cut off on the right"
    ns = "{http://www.w3.org/2000/svg}"
    numbers = [t for t in tree.iter(f"{ns}text") if t.get("class") in ("bplab-gdata", "bplab-ggrad")]
    size = float(numbers[0].get("font-size") or tree.get("font-size"))
    assert size * min_width / width >= 9.5


def test_svg_refuses_what_is_not_a_value():
    with pytest.raises(TypeError, match="root must be a bplab.graph.Value"):
        graph_svg(3.0)


# ---------------------------------------------------------------------------- the notebook's checks
def _notebook_cells():
    """The code cells of notebook 07's source, in order."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "notebooks/source/07-computational-graph.md").read_text()
    return [re.sub(r"^:tags:.*\n", "", c) for c in re.findall(r"```\{code-cell\}\n(.*?)```", text, flags=re.S)]


@pytest.mark.parametrize("right, wrong", [
    ("G.W[2][k][j].data * G.z[2][k].grad", "G.W[2][j][k].data * G.z[2][k].grad"),  # BP2 without the transpose
    ("G.a[l - 1][k].data * G.z[l][j].grad", "G.a[l][j].data * G.z[l][j].grad"),    # BP4 with the wrong activation
    ("a_node.grad * a_node.local_grads[0]", "a_node.grad"),                        # BP1 without f'
    ("(1 - f.data**2) * 1.0 * y.data", "(1 - f.data) * 1.0 * y.data"),            # tanh' written as 1 - tanh
    ("edges(f) if inp is node", "edges(f) if out is node"),                        # chain rule along the wrong edges
    ("u.grad == g * v.data and", "u.grad == g * u.data and"),                      # multiply that does not swap
    ("if u.data > v.data else", "if u.data < v.data else"),                        # max routing to the smaller input
    ("backward_overwriting(f)\n", "f.backward()\n"),                              # no mistake made: nothing to see
])
def test_a_check_cell_of_the_notebook_raises_on_a_wrong_formula(right, wrong, capsys):
    cells = _notebook_cells()
    target = next(i for i, c in enumerate(cells) if right in c)
    namespace = {}
    for cell in cells[:target]:
        exec(cell, namespace)
    exec(cells[target], dict(namespace))  # as written: passes
    with pytest.raises(AssertionError):
        exec(cells[target].replace(right, wrong), dict(namespace))


# ---------------------------------------------------------------------------- junk in, a sentence out
from test_robust_library_errors import call_with_junk, junk  # noqa: E402  (the suite's own junk)

NET = bplab.Network([2, 3, 2], seed=0)
GRAPH_PUBLIC = {
    "Value(data)": lambda j: Value(j),
    "Value ** p": lambda j: Value(1.5) ** j,
    "Value + other": lambda j: Value(1.5) + j,
    "other * Value": lambda j: j * Value(1.5),
    "Value / other": lambda j: Value(1.5) / j,
    "total(values)": lambda j: total(j),
    "maximum(y)": lambda j: maximum(Value(1.0), j),
    "backward_overwriting(root)": lambda j: backward_overwriting(j),
    "numeric_gradient(h)": lambda j: numeric_gradient(lambda v: v * v, 1.0, h=j),
    "network_gradients(x)": lambda j: network_gradients(NET, j, [1.0, 0.0]),
    "network_gradients(y)": lambda j: network_gradients(NET, [0.1, 0.2], j),
    "network_gradients(loss)": lambda j: network_gradients(NET, [0.1, 0.2], [1.0, 0.0], loss=j),
    "network_gradients(net)": lambda j: network_gradients(j, [0.1, 0.2], [1.0, 0.0]),
    "graph_svg(root)": lambda j: graph_svg(j),
}


@pytest.mark.parametrize("name", sorted(GRAPH_PUBLIC))
@settings(max_examples=40, deadline=None, derandomize=True)
@given(value=junk)
def test_no_library_exception_escapes_the_graph_on_junk(name, value):
    call_with_junk(GRAPH_PUBLIC[name], name, value, (TypeError, ValueError, OverflowError, ZeroDivisionError))
