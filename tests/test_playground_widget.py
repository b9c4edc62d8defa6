"""The training playground widget driven headless from Python, and what it draws.

Controls are used the way a browser would use them: ``button.click()`` and setting ``.value``
(which fires the same observers as the frontend). The pictures are checked as data: SVG text
and PNG pixels decoded back to arrays.
"""

import base64
import html
import random
import re
import struct
import zlib

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
from bplab.playground import Playground  # noqa: E402
from bplab.ui import playground_view as view  # noqa: E402
from bplab.widgets import TrainingPlayground, time_redraw  # noqa: E402

RED = "#c0392b"


@pytest.fixture
def playground():
    return TrainingPlayground(background=False, dataset="xor", hidden=[3], n=60)


def has_class(widget, cls):
    return cls in widget._dom_classes


def decode_png(data):
    """An (h, w, 4) array from PNG bytes written by view.png_bytes (filter 0 on every row)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 1 + 4 * w)
    assert (raw[:, 0] == 0).all()
    return raw[:, 1:].reshape(h, w, 4)


def images_in(svg):
    return [decode_png(base64.b64decode(uri)) for uri in re.findall(r"href='data:image/png;base64,([^']+)'", svg)]


def message(w, name):
    return html.unescape(re.sub("<[^>]+>", "", w.messages[name].value))


# ---------------------------------------------------------------- controls
def test_every_control_has_its_css_class(playground):
    w = playground
    assert has_class(w, "bplab-playground")
    expected = {
        "dataset": "bplab-dataset", "n": "bplab-samples", "noise": "bplab-noise", "test_fraction": "bplab-test-fraction",
        "hidden": "bplab-hidden", "activation": "bplab-activation", "loss": "bplab-loss", "seed": "bplab-seed",
        "lr": "bplab-lr", "mode": "bplab-mode", "batch_size": "bplab-batch-size", "weight_decay": "bplab-weight-decay",
    }  # fmt: skip
    assert set(w.controls) == set(expected)
    for name, cls in expected.items():
        assert has_class(w.controls[name], cls), cls
        assert has_class(w.messages[name], "bplab-message") and has_class(w.messages[name], f"{cls}-message")
    for widget, cls in [
        (w.step_button, "bplab-step"), (w.epoch_button, "bplab-epoch"), (w.run_button, "bplab-run"),
        (w.stop_button, "bplab-stop"), (w.reset_button, "bplab-reset"), (w.progress, "bplab-progress"),
        (w.n_epochs, "bplab-epochs"), (w.speed, "bplab-speed"), (w.show_test, "bplab-show-test"),
        (w.status, "bplab-status"), (w.network, "bplab-network-view"), (w.output_map, "bplab-output-view"),
        (w.loss_chart, "bplab-loss-view"), (w.gradient_chart, "bplab-gradients-view"), (w.plot, "bplab-plot"),
    ]:  # fmt: skip
        assert has_class(widget, cls), cls


def test_css_classes_are_unique(playground):
    """A browser test finds a control by its class: no two widgets of the playground share one."""
    seen = {}

    def walk(widget):
        for cls in getattr(widget, "_dom_classes", ()):
            if cls.startswith("bplab-") and cls != "bplab-message":
                assert cls not in seen, f"{cls} is on two widgets"
                seen[cls] = widget
        for child in getattr(widget, "children", ()):
            walk(child)

    walk(playground)
    assert len(seen) > 30


def test_bad_widget_arguments_are_explained():
    for kwargs, error, words in [
        (dict(speed=3), ValueError, "speed (epochs per frame) must be one of 1, 2, 5, 10, 20, 50, got 3"),
        (dict(fps=0), ValueError, "fps (frames per second) must be a finite number > 0, got 0.0"),
        (dict(epochs=2.9), TypeError, "epochs must be a whole number, got 2.9"),
        (dict(epochs=10**6), ValueError, "epochs must be at most 100000"),
        (dict(background="yes"), TypeError, "background must be True or False"),
        (dict(hidden=[0]), ValueError, "hidden[0]"),
    ]:
        with pytest.raises(error) as info:
            TrainingPlayground(**kwargs)
        assert words in str(info.value)


def test_buttons_and_an_animated_run(playground):
    w = playground
    pg = w.state
    w.step_button.click()
    assert pg.updates == 1 and pg.epochs == 0
    w.epoch_button.click()
    assert pg.epochs == 1 and pg.updates == 1 + 4  # 60 samples in mini-batches of 16
    w.n_epochs.value = "12"
    w.speed.value = 5
    frames = w.frames
    w.run_button.click()
    assert pg.epochs == 13 and w.progress.value == 12 and w.progress.max == 12
    assert w.frames - frames == 3 + 1  # 5 + 5 + 2 epochs, a frame after each, and the last redraw
    assert "epoch 13" in w.status.value and f"{pg.updates} updates" in w.status.value
    assert not w.run_button.disabled and w.stop_button.disabled
    w.reset_button.click()
    assert pg.epochs == 0 and pg.updates == 0 and w.progress.value == 0
    assert not w.errors


def test_settings_from_the_controls(playground):
    w = playground
    pg, c = w.state, w.controls
    w.epoch_button.click()
    c["lr"].value = 0.3
    c["mode"].value = "sample"
    c["batch_size"].value = 8
    c["weight_decay"].value = "0.01"
    assert (pg.lr, pg.mode, pg.batch_size, pg.weight_decay) == (0.3, "sample", 8, 0.01)
    assert pg.epochs == 1  # training settings keep the network
    c["hidden"].value = "5, 2"
    assert pg.net.sizes == [2, 5, 2, 2] and pg.epochs == 0
    assert c["hidden"].value == "5, 2"
    c["activation"].value = "relu"
    assert pg.net.layer_activation(1).names[0] == "relu"
    c["loss"].value = "half_sse"
    assert pg.net.sizes[-1] == 1
    c["n"].value = 100
    c["noise"].value = 0.3
    c["test_fraction"].value = 0.2
    assert (pg.n, pg.noise, pg.test_fraction) == (100, 0.3, 0.2) and len(pg.X) == 80 and len(pg.X_test) == 20
    assert "test loss" in w.status.value
    c["dataset"].value = "iris"
    assert pg.net.sizes[-1] == 3
    c["seed"].value = "3"
    assert pg.seed == 3
    c["hidden"].value = ""
    assert pg.net.sizes == [2, 3]
    assert not w.errors and not any(m.value for m in w.messages.values())


def test_show_the_test_samples_on_demand():
    w = TrainingPlayground(background=False, dataset="moons", n=100, test_fraction=0.2)
    assert w.output_map.value.count("bplab-test-sample") == 0 and "test sample" not in w.legend.value
    w.show_test.value = True
    assert w.output_map.value.count("bplab-test-sample") == 20 and "a test sample" in w.legend.value
    w.controls["test_fraction"].value = 0.5
    assert w.output_map.value.count("bplab-test-sample") == 50  # the new split is drawn, not a cached one
    w.show_test.value = False
    assert w.output_map.value.count("bplab-test-sample") == 0


@pytest.mark.parametrize(
    "name, typed, shown, words",
    [
        ("hidden", "4, x", "3", ["'x' is not a whole number", "sizes such as 4, 4"]),
        ("hidden", "0", "3", ["layer 1 has 0 neurons; neurons must be at least 1 (1 to 64)"]),
        ("hidden", "8 8 8 8 8 8 8", "3", ["7 hidden layers; at most 6 are allowed"]),
        ("hidden", "100000", "3", ["layer 1 has 100000 neurons; at most 64 are allowed"]),
        ("seed", "-1", "0", ["seed must be a whole number from 0 to 4294967295, got -1"]),
        ("seed", "1.5", "0", ["got '1.5'"]),
        ("weight_decay", "abc", "0", ["weight decay must be a number >= 0, got 'abc'"]),
        ("weight_decay", "-0.1", "0", ["weight decay must be a number >= 0, got '-0.1'"]),
    ],
)
def test_a_bad_entry_gets_a_message_beside_its_control(playground, name, typed, shown, words):
    w = playground
    sizes = w.state.net.sizes
    w.controls[name].value = typed
    text = message(w, name)
    for word in words:
        assert word in text
    assert "Traceback" not in text and "\n" not in text
    assert w.controls[name].value == shown  # back at the value in use
    assert w.state.net.sizes == sizes and not w.errors  # nothing changed, no traceback pane
    assert [n for n, m in w.messages.items() if m.value] == [name]  # only beside that control
    w.step_button.click()  # the next good action clears it
    assert w.messages[name].value == ""


def test_a_good_entry_clears_the_message(playground):
    w = playground
    w.controls["hidden"].value = "0"
    assert "neurons must be at least 1" in message(w, "hidden")
    w.controls["hidden"].value = "4, 4"
    assert message(w, "hidden") == "" and w.state.net.sizes == [2, 4, 4, 2]


def test_epochs_to_run_is_never_truncated(playground):
    """A bad entry gets the sentence beside the box and the box goes back to the number in use,
    so a click on Run runs that number: never 2 for "2.9", never a traceback."""
    w = playground
    w.n_epochs.value = "3"
    for typed in ("2.9", "0", "1e9"):
        w.n_epochs.value = typed
        assert message(w, "epochs").endswith(f"epochs must be a whole number from 1 to 100000, got {typed!r}.".replace("'0'", "0"))
        assert w.n_epochs.value == "3" and w.epochs_to_run == 3  # back at the value in use
        with pytest.raises(ValueError, match="epochs must be a whole number"):
            w.run(typed)  # from Python: an error
        assert w.state.epochs == 0 and not w.errors and not w.running
    w.n_epochs.value = "2"
    assert message(w, "epochs") == ""
    w.run_button.click()
    assert w.state.epochs == 2


def test_a_setting_changed_in_python_moves_its_control(playground):
    w = playground
    pg, c = w.state, w.controls
    pg.lr = 0.37
    assert c["lr"].value == 0.37 and ("0.37", 0.37) in c["lr"].options
    pg.batch_size = 500
    assert c["batch_size"].value == 500 and pg.batch_size == 500
    pg.hidden = [6, 2]
    assert c["hidden"].value == "6, 2" and "[2, 6, 2, 2]" in w.status.value
    pg.configure(dataset="moons", n=120, noise=0.25, test_fraction=0.5, seed=7, weight_decay=0.001, mode="batch")
    assert (c["dataset"].value, c["n"].value, c["noise"].value, c["test_fraction"].value) == ("moons", 120, 0.25, 0.5)
    assert (c["seed"].value, c["weight_decay"].value, c["mode"].value) == ("7", "0.001", "batch")
    with pytest.raises(TypeError):
        pg.lr = "fast"
    assert c["lr"].value == 0.37 and not w.errors


def test_run_in_background_and_stop():
    w = TrainingPlayground(background=True, dataset="moons", hidden=[4], n=60, speed=1)
    w.n_epochs.value = "100000"
    w.run_button.click()
    assert w.running and w.stop_button.disabled is False and w.step_button.disabled
    w.run_button.click()  # a second Run while running does nothing
    w.stop_button.click()
    assert w.wait(60)
    assert 1 <= w.state.epochs < 100000
    assert w.progress.value == w.state.epochs
    assert not w.run_button.disabled and w.stop_button.disabled
    assert not w.errors


def test_the_frame_rate_is_steady():
    """A background run draws a frame every 1/fps seconds (not faster), each after `speed` epochs."""
    w = TrainingPlayground(background=True, dataset="spiral", hidden=[8], fps=20, speed=2)
    w.run(40)
    assert w.wait(60)
    seconds = w.state.history.seconds
    assert w.state.epochs == 40 and w.frames >= 20
    assert seconds[-1] - seconds[1] >= 19 * 0.05 * 0.9  # 20 frames at 20 per second: about a second


def test_rebuild_during_a_run_stops_it_first():
    w = TrainingPlayground(background=True, dataset="xor", hidden=[4], n=60)
    w.n_epochs.value = "100000"
    w.run_button.click()
    w.controls["hidden"].value = "2"
    assert not w.running and w.state.net.sizes == [2, 2, 2] and w.state.epochs == 0
    assert not w.errors


def test_an_unexpected_error_in_run_is_displayed(playground, monkeypatch):
    w = playground

    def broken(*args, **kwargs):
        raise RuntimeError("epoch broke")

    monkeypatch.setattr(Playground, "epoch", broken)  # a Playground refuses new attributes: patch its class
    w.epoch_button.click()
    w.run_button.click()
    assert [str(e) for e in w.errors] == ["epoch broke", "epoch broke"]
    assert not w.run_button.disabled  # the run ended cleanly


def test_random_actions_keep_view_and_state_together():
    w = TrainingPlayground(background=False, dataset="circles", hidden=[3], n=40)
    rng = random.Random(7)
    w.n_epochs.value = "2"
    for _ in range(30):
        action = rng.choice(["step", "epoch", "run", "reset", "lr", "mode", "batch", "wd", "hidden", "act", "loss", "data", "split"])
        c = w.controls
        if action in ("step", "epoch", "run", "reset"):
            getattr(w, f"{action}_button").click()
        elif action == "lr":
            c["lr"].value = rng.choice(c["lr"].options)[1]
        elif action == "mode":
            c["mode"].value = rng.choice(c["mode"].options)
        elif action == "batch":
            c["batch_size"].value = rng.randint(1, 128)
        elif action == "wd":
            c["weight_decay"].value = rng.choice(["0", "0.001", "0.1", "bad"])
        elif action == "hidden":
            c["hidden"].value = ", ".join(str(rng.randint(0, 5)) for _ in range(rng.randint(0, 3)))
        elif action == "act":
            c["activation"].value = rng.choice(c["activation"].options)
        elif action == "loss":
            c["loss"].value = rng.choice(c["loss"].options)
        elif action == "split":
            c["test_fraction"].value = rng.choice([0.0, 0.2, 0.5])
        else:
            c["dataset"].value = rng.choice(["xor", "moons", "circles", "iris"])
        pg = w.state
        assert len(pg.history.loss) == len(pg.history.updates) == len(pg.grad_norm_history)
        assert pg.history.updates[-1] == pg.updates
        assert re.search(rf"epoch {pg.epochs} · {pg.updates} updates", w.status.value)
        assert c["hidden"].value == ", ".join(map(str, pg.hidden)) and c["weight_decay"].value == f"{pg.weight_decay:g}"
    assert not w.errors


# ---------------------------------------------------------------- what it draws
def test_divergence_shows_in_red():
    """Notebook 11's experiment 4 in the widget: moons, 16, 16, tanh, lr = 10, Run 30 epochs."""
    w = TrainingPlayground(background=False, dataset="moons", hidden=[16, 16], activation="tanh", lr=10.0)
    w.n_epochs.value = "30"
    w.run_button.click()
    assert w.state.diverged and w.state.epochs < 30
    assert f"color:{RED}" in w.status.value and "diverged" in w.status.value
    assert f"fill='{RED}'>Loss: diverged" in w.loss_chart.value
    calm = TrainingPlayground(background=False, dataset="moons", hidden=[16, 16], activation="tanh", lr=0.1)
    calm.run(30)
    assert RED not in calm.status.value and "diverged" not in calm.loss_chart.value


def test_a_zero_gradient_is_said_in_words():
    w = TrainingPlayground(background=False, dataset="moons", hidden=[4, 4], activation="relu")
    assert w.gradient_notes.value == ""
    w.state.net.biases[2][:] = -1000.0  # every ReLU of layer 2 is off on every sample
    w.step_button.click()
    assert "W¹: 0: every ReLU in layer 2 is dead" in w.gradient_notes.value
    assert "W³: 0: every ReLU in layer 2 is dead" in w.gradient_notes.value
    labels = re.findall(r"class='bplab-layer-label'[^>]*>([^<]+)<", w.gradient_chart.value)
    assert labels == ["W¹ 0", "W² 0", "W³ 0"]
    heights = sorted(float(y) for y in re.findall(r"class='bplab-layer-label' x='[^']+' y='([^']+)'", w.gradient_chart.value))
    assert min(b - a for a, b in zip(heights, heights[1:])) >= 14  # equal values: the labels are moved apart


def test_gradient_history_is_drawn_per_layer():
    w = TrainingPlayground(background=False, dataset="moons", hidden=[8, 8], activation="sigmoid")
    w.run(3)
    svg = w.gradient_chart.value
    labels = re.findall(r"class='bplab-layer-label'[^>]*>([^<]+)<", svg)
    assert [s.split()[0] for s in labels] == ["W¹", "W²", "W³"]
    for l, text in zip((1, 2, 3), labels):
        assert text.split()[1] == f"{w.state.grad_norms[l]:.1e}"
    assert svg.count("<polyline") == 3  # one history line per layer
    assert len(w.state.grad_norm_history) == 4


def test_no_empty_axis_before_the_first_step():
    w = TrainingPlayground(background=False, dataset="xor", hidden=[3])
    for svg in (w.loss_chart.value, w.gradient_chart.value):
        assert "<circle" in svg and "bplab-tick" in svg  # the untrained network's value, on labelled axes
    assert f"training {w.state.loss_value:.3g}" in w.loss_chart.value


def test_charts_are_drawn_at_display_size_with_12_px_text(playground):
    for svg in (playground.loss_chart.value, playground.gradient_chart.value, playground.output_map.value, playground.network.value):
        assert re.match(r"<svg [^>]*width='\d+' height='\d+'", svg) and "viewBox" not in svg.split(">")[0]
        assert "font-size='12px'" in svg.split(">")[0]


def test_the_network_view_says_what_its_colours_mean(playground):
    svg, legend = playground.network.value.split("</svg>")
    assert svg.startswith("<svg") and "class='bplab-network-legend'" in legend
    assert "one neuron's output over the input plane" in legend and "positive" in legend and "negative" in legend


def test_confidence_shading():
    tie, sure, likely = view.confidence_rgb(np.array([[0.5, 0.5], [0.0, 1.0], [0.25, 0.75]]))
    np.testing.assert_allclose(tie, view.NEUTRAL)  # a tie is white
    np.testing.assert_allclose(sure, view.CLASS_COLOURS[1])  # certain: the class colour
    np.testing.assert_allclose(likely, (view.NEUTRAL + view.CLASS_COLOURS[1]) / 2)  # p = 0.75: halfway
    three = view.confidence_rgb(np.array([[1 / 3, 1 / 3, 1 / 3], [0.0, 0.0, 1.0]]))
    np.testing.assert_allclose(three, [view.NEUTRAL, view.CLASS_COLOURS[2]])
    np.testing.assert_allclose(view.class_probabilities(np.array([[0.8]])), [[0.2, 0.8]])


def test_the_output_map_is_the_networks_probability():
    pg = Playground("moons", hidden=[6], n=100, test_fraction=0.3)
    pg.run(20)
    svg = view.output_map_svg(pg, show_test=True)
    (img,) = images_in(svg)
    x1, x2, points = view.plane(pg)
    expected = view.confidence_rgb(view.class_probabilities(pg.net.predict(points))).reshape(len(x2), len(x1), 3)
    np.testing.assert_allclose(img[..., :3], expected, atol=1)
    assert svg.count("bplab-test-sample") == 30
    assert view.output_map_svg(pg, show_test=False).count("bplab-test-sample") == 0


def test_every_hidden_neuron_has_a_map_of_its_output():
    pg = Playground("circles", hidden=[5, 3], activation="tanh", n=80)
    pg.run(5)
    svg = view.network_view(pg)
    assert len(re.findall(r"class='bplab-neuron'", svg)) == sum(pg.net.sizes)
    columns = images_in(svg)  # one image per layer: its maps stacked, with transparent rows between them
    assert len(columns) == len(pg.net.sizes)
    x1, x2, points = view.plane(pg)
    a = pg.net.forward(points).a
    k = 20  # pixels per side of a map at the default tile size
    small = np.linspace(0, len(x1) - 1, k).round().astype(int)
    gap = (len(columns[1]) - 5 * k) // 4
    assert gap >= 1 and (columns[1][k : k + gap, :, 3] == 0).all()
    for l, j in [(1, 0), (1, 4), (2, 2)]:  # neuron j + 1 of layer l is the (j + 1)-th map of column l
        tile = columns[l][j * (k + gap) : j * (k + gap) + k, :, :3]
        values = a[l][:, j].reshape(len(x2), len(x1))[small][:, small]
        np.testing.assert_allclose(tile, view.signed_rgb(values), atol=1)
    pg.epoch()
    assert images_in(view.network_view(pg))[1].tolist() != columns[1].tolist()  # the maps follow the training


def test_edges_follow_the_weights():
    """Blue for a positive weight, orange for a negative one, thicker for a larger |w| (in 5 steps of the largest)."""
    pg = Playground("xor", hidden=[2], n=40)
    pg.net.weights[1][...] = [[3.0, -0.03], [0.3, -3.0]]
    svg = view.network_view(pg, tile=30)
    edges = {}
    for d, colour, width in re.findall(r"<path class='bplab-edges' d='([^']+)' fill='none' stroke='(#[0-9a-f]+)' stroke-width='([0-9.]+)'", svg):
        for x1, y1, x2, y2 in re.findall(r"M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)", d):
            if float(x1) == 20 + 30:  # from the inputs' column (left 20, tile 30) into layer 1
                edges[(float(y2), float(y1))] = (colour, float(width))
    rows_in = sorted({y for _, y in edges})
    rows_out = sorted({y for y, _ in edges})
    drawn = {(rows_out.index(yo), rows_in.index(yi)): style for (yo, yi), style in edges.items()}  # (j, i) -> style
    strong, weak = pytest.approx(0.5 + 3.5 * 0.9, abs=0.051), pytest.approx(0.5 + 3.5 * 0.1, abs=0.051)  # written with 1 decimal
    assert drawn == {
        (0, 0): (view.POSITIVE_HEX, strong),  # W[0, 0] = 3
        (1, 1): (view.NEGATIVE_HEX, strong),  # W[1, 1] = -3
        (1, 0): (view.POSITIVE_HEX, weak),  # W[1, 0] = 0.3: a tenth of the largest, the first step
        (0, 1): (view.NEGATIVE_HEX, weak),  # W[0, 1] = -0.03
    }


def test_png_bytes_round_trip():
    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode_png(view.png_bytes(rgba)), rgba)


def test_time_redraw_measures_something(playground):
    t = time_redraw(playground, frames=2)
    assert 0 < t["mean"] <= t["max"]


def test_wide_layers_get_maps_large_enough_to_see():
    """16 neurons used to get 10 px maps in a 300 px picture; the picture grows instead (not past 10 px for 64)."""
    def tile_of(hidden):
        svg = view.network_view(Playground("moons", hidden=hidden, n=40))
        return [float(v) for v in re.findall(r"<image [^>]*width='([\d.]+)'", svg)]

    assert min(tile_of([8])) >= 26 and min(tile_of([16])) >= 16 and min(tile_of([32])) >= 12 and min(tile_of([64])) >= 10


def test_training_dots_keep_a_visible_outline_inside_their_own_region():
    """A white outline made a dot in a region of its own colour look like an empty ring."""
    pg = Playground("moons", hidden=[4], n=40)
    dots = re.findall(r"<circle [^>]*fill='(#[0-9a-f]{6})' stroke='(#[0-9a-f]{6}|white)'", view.output_map_svg(pg))
    assert len(dots) == len(pg.X)
    for fill, stroke in dots:
        assert stroke != "white" and stroke != fill
        assert all(int(stroke[i : i + 2], 16) <= int(fill[i : i + 2], 16) for i in (1, 3, 5))  # a darker shade
