"""The stepper's plain state: its steps, their numbers, and the HTML/SVG it renders.

Expected values are computed here independently (plain numpy on the worked example's
matrices, typed from seed 004), or looked up in net.forward / net.backward by key.
"""

import re

import numpy as np
import pytest

import bplab
from bplab.diagram import network_svg
from bplab.examples import PRINTED
from bplab.stepper import PHASES, Stepper, parse_number, parse_values, tex_number, text_number, values_html

W1 = np.array([[2.0, 1], [1, 3], [3, 2]])
B1 = np.array([1.0, 2, 3])
W2 = np.array([[1.0, 1, 2], [3, 2, 2]])
B2 = np.array([2.0, 1])
W3 = np.array([[1.0, 3]])
B3 = np.array([2.0])
X = np.array([1.0, 2])
Y = np.array([1.0])


def sig(z):
    return 1 / (1 + np.exp(-z))


def by_hand():
    """The worked example, forward, backward and update, written out with numpy."""
    Ws, bs = [None, W1, W2, W3], [None, B1, B2, B3]
    a, z = [X], [None]
    for l in (1, 2, 3):
        z.append(Ws[l] @ a[-1] + bs[l])
        a.append(sig(z[-1]))
    delta = [None] * 4
    delta[3] = (a[3] - Y) * a[3] * (1 - a[3])
    for l in (2, 1):
        delta[l] = (Ws[l + 1].T @ delta[l + 1]) * a[l] * (1 - a[l])
    dW = [None] + [np.outer(delta[l], a[l - 1]) for l in (1, 2, 3)]
    loss = 0.5 * float(((Y - a[3]) ** 2).sum())
    return dict(z=z, a=a, delta=delta, dW=dW, loss=loss, W=Ws, b=bs)


def lookup(stepper, key):
    """The value a key names, read from the package's trace / gradients / updated network."""
    t, g, net, new = stepper.trace, stepper.grads, stepper.net, stepper.updated
    if key == "loss":
        return g.loss
    name, idx = re.fullmatch(r"(\w+)((?:\[\d+\])+)", key).groups()
    i = [int(v) for v in re.findall(r"\d+", idx)]
    if name == "y":
        return stepper.y[i[0] - 1]
    l, rest = i[0], [v - 1 for v in i[1:]]
    source = {
        "z": t.z,
        "a": t.a,
        "delta": g.delta,
        "dW": g.dW,
        "db": g.db,
        "W": net.weights,
        "b": net.biases,
        "W_new": new.weights,
        "b_new": new.biases,
    }
    if name in source:
        return source[name][l][tuple(rest)]
    if name == "DeltaW":  # the update's change, -eta dC/dW
        return -stepper.lr * g.dW[l][tuple(rest)]
    if name == "Deltab":
        return -stepper.lr * g.db[l][tuple(rest)]
    if name == "fprime":
        return net.layer_activation(l).df(t.z[l], t.a[l])[rest[0]]
    if name == "g":  # dC/da^l
        return (t.a[l] - stepper.y if l == net.L else net.weights[l + 1].T @ g.delta[l + 1])[rest[0]]
    raise AssertionError(f"unknown key {key}")


@pytest.fixture
def worked():
    return Stepper(*bplab.worked_example())


def test_steps_of_the_worked_example(worked):
    s = worked
    L = 3
    assert s.n_steps == 3 * L + 3 == 12
    phases = [st.phase for st in s.steps]
    assert phases == ["forward"] * 4 + ["loss"] + ["backward"] * 6 + ["update"]
    assert [st.layer for st in s.steps] == [0, 1, 2, 3, 3, 3, 3, 2, 2, 1, 1, None]
    assert [st.kind for st in s.steps[5:11]] == ["delta", "gradient"] * 3
    assert all(st.phase in PHASES for st in s.steps)
    assert [st.index for st in s.steps] == list(range(12))


def test_every_displayed_value_is_the_packages(worked):
    s = worked
    for step in s.steps:
        values = step.values()
        assert values, step.title
        for key, value in values.items():
            assert value == pytest.approx(lookup(s, key), rel=1e-12, abs=0), (step.index, key)


def test_values_match_an_independent_numpy_computation(worked):
    h = by_hand()
    s = worked
    s.goto(1)
    v = s.current.values()
    np.testing.assert_allclose([v[f"z[1][{j}]"] for j in (1, 2, 3)], h["z"][1], rtol=1e-14)
    np.testing.assert_allclose([v[f"a[1][{j}]"] for j in (1, 2, 3)], h["a"][1], rtol=1e-14)
    # the article's printed z1..z3, f1 (layer 1 does not depend on its w(2,5) erratum)
    assert v["z[1][1]"] == PRINTED["z1"] and v["z[1][3]"] == PRINTED["z3"]
    assert v["a[1][1]"] == pytest.approx(PRINTED["f1"], abs=1e-14)
    assert s.goto(4).values()["loss"] == pytest.approx(h["loss"], rel=1e-12)
    for index, l in ((5, 3), (7, 2), (9, 1)):
        v = s.goto(index).values()
        got = [v[f"delta[{l}][{j}]"] for j in range(1, len(h["delta"][l]) + 1)]
        np.testing.assert_allclose(got, h["delta"][l], rtol=1e-9)
    for index, l in ((6, 3), (8, 2), (10, 1)):
        v = s.goto(index).values()
        n, m = h["dW"][l].shape
        got = [[v[f"dW[{l}][{j}][{k}]"] for k in range(1, m + 1)] for j in range(1, n + 1)]
        np.testing.assert_allclose(got, h["dW"][l], rtol=1e-9)
    v = s.goto(11).values()
    for l in (1, 2, 3):
        n, m = h["dW"][l].shape
        new = [[v[f"W_new[{l}][{j}][{k}]"] for k in range(1, m + 1)] for j in range(1, n + 1)]
        np.testing.assert_allclose(new, h["W"][l] - 0.1 * h["dW"][l], rtol=1e-14)


def test_formulas_write_the_numbers_in(worked):
    s = worked
    step = s.goto(1)
    assert r"2 \cdot 1 + 1 \cdot 2 + 1 = 5" in step.scalar
    assert r"\begin{bmatrix}2 & 1 \\ 1 & 3 \\ 3 & 2\end{bmatrix}" in step.latex
    assert r"\sigma(5) = 0.99331" in step.scalar
    assert "6.1416" in s.goto(5).latex and r"\odot" in s.goto(5).latex  # delta^3 = -6.1416e-6
    assert r"\times 10^{-6}" in s.goto(5).latex
    assert r"(W^{3})^T \delta^{3}" in s.goto(7).latex
    assert r"\delta^{1} (a^{0})^T" in s.goto(10).latex
    assert r"\leftarrow" in s.goto(11).latex


def test_navigation(worked):
    s = worked
    assert s.step_index == 0 and s.phase == "forward" and s.layer == 0
    s.back()
    assert s.step_index == 0
    for i in range(1, 12):
        assert s.next().index == i
    s.next()
    assert s.step_index == 11 and s.at_end and s.phase == "update" and s.layer is None
    assert s.status() == "Step 12 of 12 · update · all layers"  # counted from 1, of N steps
    s.back()
    assert s.step_index == 10 and s.status() == "Step 11 of 12 · backward · layer 1"
    s.reset()
    assert s.step_index == 0 and s.status() == "Step 1 of 12 · forward · input"
    with pytest.raises(ValueError, match="between 0 and 11"):
        s.goto(12)
    with pytest.raises(TypeError, match="whole number"):
        s.goto(1.5)


def test_the_network_is_not_changed_and_later_changes_do_not_leak():
    net, x, y = bplab.worked_example()
    before = net.theta.copy()
    s = Stepper(net, x, y)
    np.testing.assert_array_equal(net.theta, before)
    net.weights[1] = np.zeros((3, 2))
    assert s.goto(1).values()["z[1][1]"] == 5.0


def test_softmax_cross_entropy_network_uses_the_shortcut():
    net = bplab.Network([3, 4, 4, 2], ["tanh", "tanh", "softmax"], seed=3)
    x, label = np.array([0.5, -1.0, 2.0]), 1
    s = Stepper(net, x, label, loss="cross_entropy")
    assert s.n_steps == 12
    t = net.forward(x)
    onehot = np.array([0.0, 1.0])
    v = s.goto(5).values()
    np.testing.assert_allclose([v["delta[3][1]"], v["delta[3][2]"]], t.a[3] - onehot, rtol=1e-12)
    assert "fprime[3][1]" not in v and "shortcut" in s.current.latex
    # tanh hidden layers: f'(z) = 1 - a^2, computed here by hand
    v = s.goto(7).values()
    np.testing.assert_allclose([v[f"fprime[2][{j}]"] for j in range(1, 5)], 1 - t.a[2] ** 2, rtol=1e-12)
    assert r"\tanh'(z^{2})" in s.current.latex
    for step in s.steps:
        for key, value in step.values().items():
            assert value == pytest.approx(lookup(s, key), rel=1e-12), key
        s.render(step.index)


def test_softmax_with_half_sse_shows_the_jacobian():
    net = bplab.Network([2, 3, 3], ["sigmoid", "softmax"], seed=0)
    s = Stepper(net, np.array([0.2, 0.7]), 2, loss="half_sse")
    step = s.goto(4)  # 0 input, 1-2 forward, 3 loss, 4 delta^2
    assert (step.kind, step.layer) == ("delta", 2)
    assert "J^T" in step.latex and "fprime[2][1]" not in step.values()
    np.testing.assert_allclose(
        [step.values()[f"delta[2][{j}]"] for j in (1, 2, 3)], s.grads.delta[2], rtol=1e-12
    )


def test_network_without_biases_and_with_per_neuron_activations():
    net = bplab.Network.from_weights([[[1.0, -2.0], [0.5, 0.25]], [[1.0, -1.0]]], None, [["tanh", "relu"], "identity"])
    s = Stepper(net, np.array([1.0, 0.5]), np.array([0.3]))
    keys = set().union(*(st.values() for st in s.steps))
    assert not any(k.startswith(("b[", "db[", "b_new[")) for k in keys)
    assert "+ b^" not in s.goto(1).latex and "f^{1}" in s.current.latex
    # z^1_1 = 1*1 + (-2)*0.5 = 0
    assert r"1 \cdot 1 + (-2) \cdot 0.5 = 0" in s.current.scalar
    for step in s.steps:
        for key, value in step.values().items():
            assert value == pytest.approx(lookup(s, key), rel=1e-12, abs=1e-300), key


def test_bad_inputs_are_explained():
    net, x, y = bplab.worked_example()
    with pytest.raises(ValueError, match="ONE sample"):
        Stepper(net, np.array([x, x]), y)
    with pytest.raises(ValueError, match="lr"):
        Stepper(net, x, y, lr=-1)
    with pytest.raises(TypeError, match="bplab.Network"):
        Stepper("net", x, y)
    with pytest.raises(ValueError, match="loss"):
        Stepper(net, x, y, loss="mse")


def test_values_html_round_trips_at_full_precision(worked):
    for step in worked.steps:
        html = values_html(step)
        assert parse_values(html) == step.values()
        assert f"data-step='{step.index}'" in html  # lets a browser test wait for this step's table
        # every value cell shows its number as text too
        cells = re.findall(r"<td data-key='([^']*)' data-value='([^']*)'[^>]*>([^<]*)</td>", html)
        assert len(cells) == len(step.values())
        for key, value, text in cells:
            assert parse_number(text) == pytest.approx(float(value), rel=1e-4)


def test_render_returns_the_strings_a_view_shows(worked):
    r = worked.render(1)
    assert r["status"] == "Step 2 of 12 · forward · layer 1"
    assert r["diagram"].startswith("<svg") and "bplab-node-active" in r["diagram"]
    assert "<math" in r["formula"] and "$" not in r["formula"] and "data-key='z[1][1]'" in r["values"]
    assert "bplab-legend-body" in r["legend"]
    assert worked.render(1) is r  # cached: revisiting a step costs nothing


def test_tex_number():
    assert tex_number(5.0) == "5"
    assert tex_number(-6.141631331653321e-06) == r"-6.1416 \times 10^{-6}"
    assert tex_number(0.0) == "0"
    assert tex_number(0.9933071490757152) == "0.99331"


def test_network_svg_draws_every_node_and_edge():
    svg = network_svg([2, 3, 2, 1], highlight=1, node_text={1: ["5", "9", "10"]}, edges={1: W1}, highlight_edges=1)
    assert svg.count("<line ") == 2 * 3 + 3 * 2 + 2 * 1
    assert svg.count('class="bplab-node') == 2 + 3 + 2 + 1
    assert svg.count("bplab-node-active") == 3
    assert ">9</text>" in svg
    # the edges of layer 1 are shaded by W^1: the largest weight (3) gets full opacity
    assert 'data-layer="1" data-neuron="3" data-from="1"' in svg
    edge = re.search(r'data-layer="1" data-neuron="3" data-from="1"[^>]*stroke-opacity="([\d.]+)"', svg)
    assert float(edge.group(1)) == 1.0
    with pytest.raises(ValueError, match="shape"):
        network_svg([2, 3], edges={1: np.zeros((2, 3))})
    assert "&lt;b&gt;" in network_svg([1, 1], node_text={0: ["<b>"]})


def test_lookup_reads_the_packages_results(worked):
    for step in worked.steps:
        for key in step.values():
            assert worked.lookup(key) == pytest.approx(lookup(worked, key), rel=1e-15), key
    assert worked.lookup("z[1][1]") == 5.0
    with pytest.raises(ValueError, match="1-based"):
        worked.lookup("z1")
    with pytest.raises(ValueError, match="unknown quantity"):
        worked.lookup("q[1][1]")


def test_plain_text_uses_superscripts(worked):
    assert worked.steps[1].title == "Forward, layer 1: z¹ = W¹ a⁰ + b¹, a¹ = f(z¹)"
    assert "<caption>W¹</caption>" in values_html(worked.steps[1])
    assert worked.steps[7].diagram["footers"][2] == "δ²"


def test_softmax_forward_scalar_writes_the_exponentials():
    net = bplab.Network.from_weights([[[1.0, 0.0], [0.0, 1.0]]], [[0.0, 0.0]], ["softmax"])
    s = Stepper(net, np.array([1.0, 2.0]), 1, loss="cross_entropy")
    scalar = s.goto(1).scalar
    # a_1 = e^1 / (e^1 + e^2), computed here by hand
    assert r"\frac{e^{1}}{e^{1} + e^{2}}" in scalar
    assert tex_number(np.e / (np.e + np.e**2)) in scalar


# ---------------------------------------------------------------- issue 12: what the steps show
def test_update_step_shows_delta_w_and_a_visible_change(worked):
    s = worked
    step = s.goto(s.n_steps - 1)
    assert step.kind == "update"
    assert r"\Delta W^{1} = -\eta \frac{\partial C}{\partial W^{1}}" in step.latex
    assert r"W^{1} \leftarrow W^{1} + \Delta W^{1}" in step.latex
    v = step.values()
    for l in (1, 2, 3):
        dW = s.grads.dW[l]
        delta = np.array([[v[f"DeltaW[{l}][{j + 1}][{k + 1}]"] for k in range(dW.shape[1])] for j in range(dW.shape[0])])
        np.testing.assert_array_equal(delta, -0.1 * dW)  # Delta W = -eta dC/dW
        # the new W is written with enough digits that every change shows in the table, the smallest too
        table = next(t for t in step.tables if t.caption.startswith(f"new W^{l}"))
        for (j, k), old in np.ndenumerate(s.net.weights[l]):
            new = s.updated.weights[l][j, k]
            assert text_number(new, table.digits) != text_number(old, table.digits), (l, j, k, table.digits)
            assert tex_number(new, table.digits) in step.latex
        j, k = np.unravel_index(np.abs(dW).argmax(), dW.shape)
        old, new = s.net.weights[l][j, k], s.updated.weights[l][j, k]
        assert text_number(new, s.digits) == text_number(old, s.digits)  # 5 digits would hide it (W changes ~1e-11)
    # the edges of the update are shaded by Delta W
    np.testing.assert_array_equal(step.diagram["edges"][1], -0.1 * s.grads.dW[1])
    assert set(step.diagram["edge_kind"].values()) == {"DeltaW"}


def test_the_same_digits_in_box_formula_and_table():
    for digits in (3, 5, 7):
        s = Stepper(*bplab.worked_example(), digits=digits)
        step = s.goto(1)
        a11 = step.values()["a[1][1]"]
        box = step.diagram["node_text"][1][0]
        table = re.search(r"data-key='a\[1\]\[1\]'[^>]*>([^<]*)<", values_html(step)).group(1)
        assert box == table == text_number(a11, digits)
        assert rf"\sigma(5) = {tex_number(a11, digits)}" in step.scalar
        d3 = s.goto(5).values()["delta[3][1]"]  # a number with a power of ten, written alike everywhere
        assert s.current.diagram["node_text"][3][0] == text_number(d3, digits)
        assert tex_number(d3, digits) in s.current.latex
        assert parse_number(text_number(d3, digits)) == pytest.approx(d3, rel=10.0 ** (1 - digits))


def test_loss_names_are_written_in_words():
    s = Stepper(*bplab.worked_example())
    assert s.steps[4].title == "The loss C: half the sum of squared errors"
    page = s.to_html()
    assert "half the sum of squared errors" in page and "half_sse" not in page
    net = bplab.Network([2, 3, 2], ["tanh", "softmax"], seed=0)
    s = Stepper(net, np.array([0.1, 0.2]), 1, loss="cross_entropy")
    assert "cross-entropy" in s.steps[3].title and "cross_entropy" not in s.to_html()


def test_edge_scale_global_shows_the_vanishing_gradient():
    s = Stepper(*bplab.worked_example(), edge_scale="layer")
    i = s.n_steps - 2  # the gradients of layer 1: every layer's edges show dC/dW

    def widths(svg, l):
        return [float(w) for w in re.findall(rf'data-layer="{l}"[^>]*stroke-width="([\d.]+)"', svg)]

    per_layer = s.render(i)["diagram"]
    assert max(widths(per_layer, 1)) == max(widths(per_layer, 3)) == pytest.approx(3.2)  # each its own largest
    s.edge_scale = "global"
    one_scale = s.render(i)["diagram"]
    assert max(widths(one_scale, 3)) == pytest.approx(3.2)
    assert max(widths(one_scale, 1)) == pytest.approx(0.6, abs=0.01)  # |dW^1| ~ 1e-10: it all but vanishes
    assert "one scale for all layers" in s.render(i)["legend"]
    assert "each layer against its own largest" in Stepper(*bplab.worked_example()).render(i)["legend"]


def test_every_step_has_a_legend_for_boxes_and_edges(worked):
    for i, step in enumerate(worked.steps):
        legend = worked.render(i)["legend"]
        assert "yellow, thick outline" in legend
        assert "positive" in legend and "negative" in legend and "thick, dark" in legend, step.title
    assert "error term δ" in worked.render(5)["legend"] and "∂C/∂W" in worked.render(6)["legend"]
    assert "ΔW = −η ∂C/∂W" in worked.render(11)["legend"]


# ---------------------------------------------------------------- issue 14: keys and settings
@pytest.mark.parametrize(
    "key, words",
    [
        ("z[1][0]", ["'z[1][0]'", "1-based", "got 0"]),
        ("z[1][4]", ["'z[1][4]'", "out of range", "between 1 and 3", "index 4"]),
        ("W[1]", ["'W[1]'", "ONE number", "2 index", "whole vectors and matrices"]),
        ("W[1][1]", ["'W[1][1]'", "ONE number"]),
        ("z[0][1]", ["'z[0][1]'", "layer 0 has no z", "1..3"]),
        ("a[4][1]", ["'a[4][1]'", "layer 4 has no a", "0..3"]),
        ("z[1][-1]", ["'z[1][-1]'", "out of range", "between 1 and 3"]),
        ("y[2]", ["'y[2]'", "between 1 and 1"]),
        ("q[1][1]", ["'q[1][1]'", "unknown quantity 'q'", "known names"]),
        ("z1", ["'z1'", "1-based", "z[1][2]"]),
    ],
)
def test_bad_keys_get_a_sentence(worked, key, words):
    with pytest.raises(ValueError) as err:
        worked.lookup(key)
    for w in words:
        assert w in str(err.value), (key, str(err.value))


def test_keys_of_a_network_without_biases():
    net = bplab.Network.from_weights([[[1.0, -2.0]]], None, ["identity"])
    s = Stepper(net, np.array([1.0, 0.5]), np.array([0.3]))
    with pytest.raises(ValueError, match=r"layer 1 has no b.*no biases"):
        s.lookup("b[1][1]")
    assert s.lookup("W[1][1][2]") == -2.0


def test_what_was_computed_is_read_only_and_settings_are_checked(worked):
    s = worked
    with pytest.raises(AttributeError) as err:
        s.lr = "fast"
    assert all(w in str(err.value) for w in ("lr", "'fast'", "fixed when the Stepper is made", "Stepper(net, x, y, lr=...)"))
    assert s.lr == 0.1
    for name in ("loss", "net", "y", "steps", "trace"):
        with pytest.raises(AttributeError, match=f"cannot set {name} ="):
            setattr(s, name, None)
    with pytest.raises(AttributeError, match=r"no setting 'learning_rate'.*neuron, digits, edge_scale, scale"):
        s.learning_rate = 0.5  # a typo does not silently create an attribute
    with pytest.raises(ValueError, match=r"digits must be >= 2, got 1"):
        s.digits = 1
    with pytest.raises(ValueError, match=r"digits must be between 2 and 16.*got 20"):
        s.digits = 20
    with pytest.raises(TypeError, match=r"neuron must be a whole number, got 'two'"):
        s.neuron = "two"
    with pytest.raises(ValueError, match=r"unknown edge_scale 'loud'; valid names are 'layer', 'global'"):
        s.edge_scale = "loud"
    with pytest.raises(ValueError, match=r"scale must be between 0.5 and 3.*got 0.1"):
        s.scale = 0.1
    with pytest.raises(ValueError, match=r"edge_scale"):
        Stepper(*bplab.worked_example(), edge_scale="both")
    # a bad value changed nothing; a good one changes what is shown, and tells a view
    assert (s.digits, s.neuron, s.edge_scale, s.scale) == (5, 1, "layer", 1.0)
    heard = []
    s.on_change(heard.append)
    s.neuron = 2
    assert r"z^{1}_{2} = " in s.steps[1].scalar and heard == ["neuron"]
    s.digits = 3
    assert r"\sigma(9) = 1" in s.steps[1].scalar and "0.993" in s.steps[1].latex and "0.99331" not in s.steps[1].latex
    assert heard == ["neuron", "digits"]


# ---------------------------------------------------------------- the page without a kernel
def test_to_html_is_one_self_contained_page_with_every_step(worked):
    page = worked.to_html()
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # nothing to fetch: no external script, stylesheet, image or font
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@import" not in page and "url(" not in page and "MathJax" not in page
    assert re.findall(r'xmlns="([^"]+)"', page) and set(re.findall(r'xmlns="([^"]+)"', page)) == {"http://www.w3.org/2000/svg"}
    for cls in ("bplab-stepper", "bplab-next", "bplab-back", "bplab-status"):
        assert f'class="{cls}' in page or f"class='{cls}" in page or f" {cls}" in page, cls
    sections = re.findall(r"<section class='bplab-step' data-step='(\d+)' data-status='([^']*)'.*?</section>", page, re.S)
    assert [int(i) for i, _ in sections] == list(range(worked.n_steps))
    assert [st for _, st in sections] == [worked.status(i) for i in range(worked.n_steps)]
    bodies = re.findall(r"<section class='bplab-step'.*?</section>", page, re.S)
    for step, body in zip(worked.steps, bodies):
        assert parse_values(body) == step.values()
        assert "<svg" in body and "<math" in body and "bplab-legend-body" in body
    assert "ArrowRight" in page and "ArrowLeft" in page


def test_to_html_uses_the_scale():
    s = Stepper(*bplab.worked_example(), scale=1.5)
    page = s.to_html()
    assert 'class="bplab-stepper bplab-scale-150"' in page
    assert ".bplab-stepper.bplab-scale-150 { --bplab-scale: 1.5; }" in page


def test_mathml_reads_only_what_it_knows():
    from bplab.ui.mathml import formula_lines, pieces

    # "symbols = numbers = result": pieces cut before each =
    got = pieces(r"z^{1} = W^{1} a^{0} + b^{1} = \begin{bmatrix}5 \\ -9\end{bmatrix}")
    assert len(got) == 3 and all(p[0].startswith('<mo form="infix">=') for p in got[1:])
    assert "<mn>−9</mn>" in got[2][0]  # a negative number is one <mn>
    assert len(got[1]) == 2  # "= W a" and "+ b" may wrap apart
    with pytest.raises(ValueError, match=r"unknown command \\frobnicate"):
        formula_lines(r"a = \frobnicate{b}")
    with pytest.raises(ValueError, match="unknown environment 'pmatrix'"):
        formula_lines(r"\begin{pmatrix}1\end{pmatrix}")
    every = "".join(Stepper(*bplab.worked_example()).render(i)["formula"] for i in range(12))
    assert "\\" not in every  # no LaTeX command was left unread


def test_parse_number_reads_back_text_number():
    for v in (5.0, -6.141631331653321e-06, 0.9933071490757152, 1.0000000000227, 0.0, 123456789.0):
        assert parse_number(text_number(v, 5)) == pytest.approx(v, rel=1e-4)
    assert text_number(-6.141631331653321e-06) == "-6.1416×10⁻⁶"
    with pytest.raises(ValueError, match="text must be a number"):
        parse_number("five")


# ---------------------------------------------------------------- junk gets bplab's own sentence
from hypothesis import HealthCheck, given, settings  # noqa: E402

from test_robust_library_errors import call_with_junk, junk  # noqa: E402

_NET, _X, _Y = bplab.worked_example()
_S = Stepper(_NET, _X, _Y)
STEPPER_CALLS = {
    "Stepper(x)": lambda j: Stepper(_NET, j, _Y),
    "Stepper(y)": lambda j: Stepper(_NET, _X, j),
    "Stepper(loss)": lambda j: Stepper(_NET, _X, _Y, loss=j),
    "Stepper(lr)": lambda j: Stepper(_NET, _X, _Y, lr=j),
    "Stepper(edge_scale)": lambda j: Stepper(_NET, _X, _Y, edge_scale=j),
    "Stepper(scale)": lambda j: Stepper(_NET, _X, _Y, scale=j),
    "stepper.lookup(key)": lambda j: _S.lookup(j),
    "stepper.goto(index)": lambda j: _S.goto(j),
    "stepper.digits = ": lambda j: setattr(_S, "digits", j),
    "stepper.neuron = ": lambda j: setattr(_S, "neuron", j),
    "stepper.scale = ": lambda j: setattr(_S, "scale", j),
    "stepper.edge_scale = ": lambda j: setattr(_S, "edge_scale", j),
}


@pytest.mark.parametrize("name", sorted(STEPPER_CALLS))
@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=junk)
def test_no_library_exception_escapes_the_stepper_on_junk(name, value):
    try:
        call_with_junk(STEPPER_CALLS[name], name, value, (TypeError, ValueError, KeyError, IndexError))
    finally:
        for setting, default in (("digits", 5), ("neuron", 1), ("scale", 1.0), ("edge_scale", "layer")):
            setattr(_S, setting, default)


def test_equations_side_by_side_are_separated_by_commas(worked):
    """'= 3.0785×10⁻⁶  a³ = ŷ' read as a product; a comma before the wide space says 'next equation'."""
    s = worked
    assert r"\end{bmatrix}, \qquad y = " in s.goto(0).latex
    loss = next(i for i in range(s.n_steps) if s.goto(i).kind == "loss")
    assert r", \qquad a^{3} = \hat y = " in s.goto(loss).latex and r"\end{bmatrix}, \qquad y = " in s.goto(loss).latex
    for i in range(s.n_steps):
        for line in (s.goto(i).latex, s.goto(i).scalar):
            assert not re.search(r"[^,] \\qquad", line), (i, line)
