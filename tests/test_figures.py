"""bplab.ui.figures: the derivation notebooks' pictures are well-formed SVG that draw what they claim."""

import xml.etree.ElementTree as ET

import pytest

from bplab.ui.figures import SVG, bp2_figure, chain_figure, network_figure

NS = "{http://www.w3.org/2000/svg}"


def parse(svg):
    assert isinstance(svg, SVG) and isinstance(svg, str)
    assert svg._repr_svg_() == str(svg)
    return ET.fromstring(svg)


def by_class(root, cls):
    return [e for e in root.iter() if cls in (e.get("class") or "").split()]


def test_network_figure_draws_every_neuron_and_edge():
    root = parse(network_figure([2, 3, 2, 1]))
    assert len(by_class(root, "bplab-neuron")) == 2 + 3 + 2 + 1
    assert len(by_class(root, "bplab-edge")) == 2 * 3 + 3 * 2 + 2 * 1
    assert not by_class(root, "bplab-edge-lit")
    assert not by_class(root, "bplab-bias")


def test_bias_is_a_constant_one_input_under_every_layer_but_the_last():
    root = parse(network_figure([2, 3, 2, 1], bias=True))
    biases = by_class(root, "bplab-bias")
    assert [b.get("data-layer") for b in biases] == ["0", "1", "2"]
    assert all("1" in "".join(b.itertext()) for b in biases)
    bias_edges = [e for e in by_class(root, "bplab-edge") if e.get("data-from") == "0"]
    assert len(bias_edges) == 3 + 2 + 1                       # one per neuron of layers 1..L
    assert all(e.get("stroke-dasharray") for e in bias_edges)


def test_highlight_marks_exactly_the_named_weight():
    root = parse(network_figure([2, 3, 2, 1], highlight=(2, 2, 3)))
    lit = by_class(root, "bplab-edge-lit")
    assert [(e.get("data-layer"), e.get("data-to"), e.get("data-from")) for e in lit] == [("2", "2", "3")]
    labels = ["".join(t.itertext()) for t in by_class(root, "bplab-edge-label")]
    assert labels == ["w223"]                                  # w^2_{23}: superscript 2, subscript 23


def test_highlight_several_edges_with_their_own_labels_and_the_bias_edge():
    svg = network_figure([2, 2], bias=True, highlight=[(1, 2, 1), (1, 2, 0)],
                         edge_label={(1, 2, 1): "w_{21}", (1, 2, 0): "bias"})
    root = parse(svg)
    lit = {(e.get("data-to"), e.get("data-from")) for e in by_class(root, "bplab-edge-lit")}
    assert lit == {("2", "1"), ("2", "0")}
    assert sorted("".join(t.itertext()) for t in by_class(root, "bplab-edge-label")) == ["bias", "w21"]


def test_labels_values_and_numbers_are_drawn_per_neuron():
    svg = network_figure([2, 3, 1], labels={1: ["f_1", "f_2", "f_3"]}, values={1: [["z = 5", "f = 0.99"], "a", "b"]},
                         numbers={1: [1, 2, 3], 2: [4]})
    root = parse(svg)
    layer1 = [n for n in by_class(root, "bplab-neuron") if n.get("data-layer") == "1"]
    texts = ["".join(n.itertext()) for n in layer1]
    assert texts[0].startswith("f1") and "z = 5" in texts[0] and "f = 0.99" in texts[0] and "1" in texts[0]
    assert [t.get("class") for t in by_class(root, "bplab-number")] == ["bplab-number"] * 4


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"highlight": (3, 1, 1)}, ["highlight", "l must be a layer 1..2", "3"]),
        ({"highlight": (1, 4, 1)}, ["highlight", "j must be a neuron 1..3", "4"]),
        ({"highlight": (1, 1, 0)}, ["highlight", "k must be a neuron 1..2", "bias=True"]),
        ({"highlight": "w12"}, ["highlight must be (l, j, k)"]),
        ({"labels": {1: ["a", "b"]}}, ["labels[1]", "one entry per neuron", "3", "got 2"]),
        ({"values": {5: ["a"]}}, ["values", "keys must be layers"]),
    ],
)
def test_bad_options_are_named(kwargs, words):
    with pytest.raises(ValueError) as err:
        network_figure([2, 3, 1], **kwargs)
    for w in words:
        assert w in str(err.value)


def test_bad_sizes_are_named():
    with pytest.raises(ValueError, match="sizes must list at least two"):
        network_figure([3])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be >= 1"):
        network_figure([2, 0])


def test_chain_figure_has_one_neuron_per_layer_and_the_deltas():
    root = parse(chain_figure(3))
    assert len(by_class(root, "bplab-chain-node")) == 1 + 2 * 3 + 1        # a^0, (z^l, a^l) for l = 1..3, C
    locals_ = ["".join(t.itertext()) for t in by_class(root, "bplab-local")]
    assert locals_ == ["w1", "f'(z1)", "w2", "f'(z2)", "w3", "f'(z3)", "a3 − y"]
    deltas = ["".join(t.itertext()) for t in by_class(root, "bplab-delta")]
    assert deltas == ["δ3 = (a3 − y) f'(z3)", "δ2 = δ3 w3 f'(z2)", "δ1 = δ2 w2 f'(z1)"]
    with pytest.raises(ValueError, match="L must be >= 1"):
        chain_figure(0)
    with pytest.raises(ValueError, match="at most 6"):
        chain_figure(7)


def test_bp2_figure_lights_column_j_of_the_next_weights():
    root = parse(bp2_figure([2, 3, 2, 1], l=1, j=2))
    lit = by_class(root, "bplab-edge-lit")
    assert sorted((e.get("data-to"), e.get("data-from")) for e in lit) == [("1", "2"), ("2", "2")]
    assert all(e.get("data-layer") == "2" for e in lit)
    formula = "".join(by_class(root, "bplab-formula")[0].itertext())
    assert formula == "δ12 = f'(z12) · (w212 δ21 + w222 δ22)"
    with pytest.raises(ValueError, match="l must be a hidden layer 1..2"):
        bp2_figure([2, 3, 2, 1], l=3, j=1)
    with pytest.raises(ValueError, match="j must be a neuron 1..3 of layer 1"):
        bp2_figure([2, 3, 2, 1], l=1, j=4)


@pytest.mark.parametrize(
    "svg",
    [
        network_figure([2, 3, 2, 1], bias=True, labels={1: ["f_1", "f_2", "f_3"]}, values={3: ["σ"]}, numbers={1: [3, 4, 5]},
                       highlight=(2, 2, 0)),
        chain_figure(3),
        bp2_figure([2, 3, 2, 1], 1, 2),
    ],
)
def test_every_picture_fits_828_px_and_its_text_is_at_least_11_px(svg):
    """828 px is the output width at 1280x800 with JupyterLab's sidebar open; a smaller font is hard to read."""
    root = parse(svg)
    assert float(root.get("width")) <= 828
    sizes = [float(t.get("font-size")) for t in root.iter(NS + "text")]
    assert sizes and min(sizes) >= 11, sorted(set(sizes))
