"""The training playground widget: a thin ipywidgets view over :class:`bplab.playground.Playground`.

    from bplab.widgets import TrainingPlayground
    w = TrainingPlayground(dataset="spiral", hidden=[8, 8], test_fraction=0.3)
    w                      # displays it
    w.state.lr = 0.3       # the plain state; the learning-rate slider moves too

What it shows, redrawn as it trains (every picture from :mod:`bplab.ui.playground_view`):
the network with a small map of every neuron's output over the input plane; the output as
confidence shading with the samples; the training and test loss; the gradient norm of every
layer, with a zero said in words. Run animates: ``speed`` epochs per frame, at most
``fps`` frames a second, in a background thread so that Stop works.

A bad entry in a control gets a one-line message beside that control (the problem and the
allowed values); the control goes back to the value in use, and the message goes at the next
good action. An unexpected error in a callback is shown with its traceback in a visible pane
(class ``bplab-errors``), never swallowed. Every control has a stable CSS class ``bplab-<name>``.
"""

from __future__ import annotations

import functools
import threading
import time
from html import escape

import ipywidgets as widgets

from ..errors import show, flag, positive_int, positive_number
from ..losses import LOSS_NAMES
from ..training import MODES
from . import playground_view as view
from .playground import (
    ALLOWED,
    DATASETS,
    HIDDEN_ACTIVATIONS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    MAX_NOISE,
    MAX_SAMPLES,
    MAX_TEST_FRACTION,
    Playground,
    parse_hidden,
    parse_number,
    parse_whole,
)
from .widgets import _classed, _ErrorPane

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
SPEEDS = (1, 2, 5, 10, 20, 50)  # epochs per frame
MAX_EPOCHS = 100000
CONTROL_WIDTH = "420px"  # with a 120 px description and the readout, a slider's track is > 200 px
STYLE = {"description_width": "120px"}
MESSAGE_LAYOUT = dict(flex="1 1 0%", min_width="0", margin="0 0 0 8px")  # the rest of the row, beside its control


def _text(value, description, placeholder=""):
    return widgets.Text(value=value, description=description, placeholder=placeholder, continuous_update=False)


class TrainingPlayground(widgets.VBox):
    """Train a small network on a 2-D data set and watch it learn. Keyword arguments are the
    :class:`~bplab.playground.Playground`'s settings; ``.state`` is that Playground.

    ``background=True`` runs Run in a thread so that Stop works while it trains;
    ``background=False`` runs it in the caller (tests, scripts) without pausing between frames.
    ``speed`` is the number of epochs per frame, ``fps`` the most frames per second.
    """

    def __init__(self, background=True, speed=5, fps=20, epochs=300, **settings):
        self.state = Playground(**settings)
        self.background = flag(background, "background")
        if speed not in SPEEDS or isinstance(speed, bool):
            raise ValueError(f"speed (epochs per frame) must be one of {', '.join(map(str, SPEEDS))}, got {show(speed)}.")
        self.fps = positive_number(fps, "fps (frames per second)")
        epochs = positive_int(epochs, "epochs")
        if epochs > MAX_EPOCHS:
            raise ValueError(f"epochs must be at most {MAX_EPOCHS}, got {epochs}.")
        self._thread = None
        self._halt_event = threading.Event()
        self._syncing = False
        self._errors = _ErrorPane()
        self.frames = 0  # redraws so far (bench/ and tests count them)
        guard = self._errors.guard
        s = self.state.settings

        self.controls = {
            "dataset": widgets.Dropdown(options=DATASETS, value=s["dataset"], description="data set"),
            "n": widgets.IntSlider(value=s["n"], min=10, max=MAX_SAMPLES, step=10, description="samples"),
            "noise": widgets.FloatSlider(value=s["noise"], min=0, max=MAX_NOISE, step=0.05, description="noise"),
            "test_fraction": widgets.FloatSlider(
                value=s["test_fraction"], min=0, max=MAX_TEST_FRACTION, step=0.05, description="test share"
            ),
            "hidden": _text(
                ", ".join(str(h) for h in s["hidden"]),
                f"hidden layers",
                f"e.g. 4, 4 (at most {MAX_HIDDEN_LAYERS} layers of 1-{MAX_NEURONS}; empty: none)",
            ),
            "activation": widgets.Dropdown(options=HIDDEN_ACTIVATIONS, value=s["activation"], description="activation"),
            "loss": widgets.Dropdown(options=LOSS_NAMES, value=s["loss"], description="loss"),
            "seed": _text(str(s["seed"]), "seed"),
            "lr": widgets.SelectionSlider(
                options=self._lr_options(s["lr"]), value=s["lr"], description="learning rate"
            ),
            "mode": widgets.Dropdown(options=MODES, value=s["mode"], description="mode"),
            "batch_size": widgets.IntSlider(
                value=s["batch_size"], min=1, max=max(128, s["batch_size"]), description="batch size"
            ),
            "weight_decay": _text(f"{s['weight_decay']:g}", "weight decay λ"),
        }
        css = {"n": "bplab-samples", "test_fraction": "bplab-test-fraction", "batch_size": "bplab-batch-size",
               "weight_decay": "bplab-weight-decay"}  # fmt: skip
        self.messages = {}
        for name, w in self.controls.items():
            cls = css.get(name, f"bplab-{name.replace('_', '-')}")
            _classed(w, cls)
            w.layout, w.style = widgets.Layout(width=CONTROL_WIDTH), STYLE
            w.observe(guard(functools.partial(self._on_setting, name)), names="value")
            self.messages[name] = _classed(widgets.HTML(layout=MESSAGE_LAYOUT), "bplab-message", f"{cls}-message")

        self.epochs_to_run = epochs  # what the "epochs to run" box holds: always a valid number
        self.n_epochs = _classed(_text(str(epochs), "epochs to run"), "bplab-epochs")
        self.n_epochs.layout, self.n_epochs.style = widgets.Layout(width=CONTROL_WIDTH), STYLE
        self.n_epochs.observe(guard(self._on_epochs), names="value")
        self.messages["epochs"] = _classed(widgets.HTML(layout=MESSAGE_LAYOUT), "bplab-message", "bplab-epochs-message")
        self.speed = _classed(
            widgets.SelectionSlider(options=[(str(v), v) for v in SPEEDS], value=speed, description="epochs per frame"),
            "bplab-speed",
        )
        self.speed.layout, self.speed.style = widgets.Layout(width=CONTROL_WIDTH), STYLE
        self.show_test = _classed(
            widgets.Checkbox(value=False, description="show the test samples", indent=False), "bplab-show-test"
        )
        self.show_test.observe(guard(lambda _: self.redraw()), names="value")

        button = functools.partial(widgets.Button, layout=widgets.Layout(width="130px"))
        self.reset_button = _classed(button(description="New network", icon="refresh"), "bplab-reset")
        self.step_button = _classed(button(description="Step", icon="step-forward", tooltip="one weight update"), "bplab-step")
        self.epoch_button = _classed(button(description="Epoch", icon="forward", tooltip="one pass over the data"), "bplab-epoch")
        self.run_button = _classed(button(description="Run", icon="play", button_style="primary"), "bplab-run")
        self.stop_button = _classed(button(description="Stop", icon="stop", button_style="danger", disabled=True), "bplab-stop")
        self.progress = _classed(widgets.IntProgress(value=0, min=0, max=1, description="progress", style=STYLE), "bplab-progress")
        self.status = _classed(widgets.HTML(), "bplab-status")
        self.network = _classed(widgets.HTML(layout=widgets.Layout(overflow="auto", max_width="100%")), "bplab-network-view")
        self.output_map = _classed(widgets.HTML(), "bplab-output-view")
        self.legend = _classed(widgets.HTML(), "bplab-legend-line")
        self.loss_chart = _classed(widgets.HTML(), "bplab-loss-view")
        self.gradient_chart = _classed(widgets.HTML(), "bplab-gradients-view")
        self.gradient_notes = _classed(widgets.HTML(), "bplab-gradient-notes-line")

        self.reset_button.on_click(guard(lambda _: self._action(self.new_network)))
        self.step_button.on_click(guard(lambda _: self._action(self.step)))
        self.epoch_button.on_click(guard(lambda _: self._action(self.epoch)))
        self.run_button.on_click(guard(lambda _: self._action(self.run)))
        self.stop_button.on_click(guard(lambda _: self.stop()))
        self.state.observe(self._on_state_change)

        def row(name):
            return widgets.HBox([self.controls[name], self.messages[name]])

        # A slider's readout is an editable box in ipywidgets 8 that silently rounds what is typed into it
        # ("2.9" -> 2): here it only shows the value; the slider is moved by dragging or the arrow keys.
        readonly = widgets.HTML(
            "<style>.bplab-playground .widget-readout {pointer-events: none; -webkit-user-modify: read-only;"
            " user-modify: read-only;}</style>"
        )
        limits = widgets.HTML(
            f"<div style='font-size:13px;color:#555;line-height:1.4'>Limits: at most {MAX_HIDDEN_LAYERS} hidden layers of at most"
            f" {MAX_NEURONS} neurons; {10}-{MAX_SAMPLES} samples. A change above builds a new network;"
            " a change below applies from the next update.</div>"
        )
        # one column of rows, so that a message beside its control has the rest of the width for one line
        data_col = widgets.VBox([row(k) for k in ("dataset", "n", "noise", "test_fraction", "hidden", "activation", "loss", "seed")])
        train_col = widgets.VBox(
            [row(k) for k in ("lr", "mode", "batch_size", "weight_decay")]
            + [widgets.HBox([self.n_epochs, self.messages["epochs"]]), self.speed, self.show_test]
        )
        wrap = widgets.Layout(flex_flow="row wrap", align_items="flex-start")
        buttons = widgets.HBox([self.reset_button, self.step_button, self.epoch_button, self.run_button, self.stop_button], layout=wrap)
        self.plot = _classed(
            widgets.HBox(
                [widgets.VBox([self.output_map, self.legend], layout=widgets.Layout(width="360px")), self.loss_chart,
                 widgets.VBox([self.gradient_chart, self.gradient_notes])],
                layout=wrap,
            ),
            "bplab-plot",  # the class of the earlier single plot image: the charts, together
        )  # fmt: skip
        super().__init__(
            [readonly, data_col, limits, train_col, buttons, widgets.HBox([self.progress, self.status], layout=wrap),
             self._errors.output, self.network, self.plot],
            layout=widgets.Layout(max_width="100%"),
        )  # fmt: skip
        self.add_class("bplab-playground")
        self.redraw()

    # ------------------------------------------------------------ Python API
    @property
    def errors(self):
        """Unexpected exceptions raised in callbacks and shown in the error pane."""
        return list(self._errors.errors)

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def new_network(self):
        self._halt()
        self.state.new_network()
        self.progress.value = 0
        self.redraw()

    def step(self):
        self.state.step()
        self.redraw()

    def epoch(self):
        self.state.epoch()
        self.redraw()

    def run(self, epochs=None):
        """Run ``epochs`` epochs (default: the "epochs to run" box) as an animation:
        ``speed`` epochs, then a redraw, at most ``fps`` frames a second."""
        if self.running:
            return
        n = self.epochs_to_run if epochs is None else parse_whole(epochs, "epochs", 1, MAX_EPOCHS)
        self.progress.max, self.progress.value = n, 0
        self._halt_event.clear()
        self._set_running(True)
        if self.background:
            self._thread = threading.Thread(target=self._errors.guard(self._run), args=(n,), daemon=True)
            self._thread.start()
        else:
            self._run(n)

    def stop(self):
        """Stop a run after the epoch it is in."""
        self._halt_event.set()
        self.state.request_stop()

    def wait(self, timeout=60):
        """Wait for a background run to finish; True if it did."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def redraw(self):
        """Redraw every picture and the status line from the state (one frame)."""
        pg = self.state
        with pg.lock:
            trace = view.grid_trace(pg)
            show = self.show_test.value
            network = view.network_view(pg, trace=trace)
            output = view.output_map_svg(pg, show_test=show, trace=trace)
            legend = view.legend_html(pg, show_test=show)
            loss = view.loss_chart(pg)
            gradients = view.gradient_chart(pg)
            notes = view.gradient_notes_html(pg)
            status = view.status_html(pg)
        self.network.value = network + view.network_legend_html()
        self.output_map.value = output
        self.legend.value = legend
        self.loss_chart.value = loss
        self.gradient_chart.value = gradients
        self.gradient_notes.value = notes
        self.status.value = status  # last: once it shows the new numbers, so does everything else
        self.frames += 1

    # ------------------------------------------------------------ view
    def _run(self, n):
        frame = 1.0 / self.fps if self.background else 0.0
        done = 0
        try:
            while done < n and not self._halt_event.is_set() and not self.state.diverged:
                t0 = time.perf_counter()
                done += self.state.run(min(self.speed.value, n - done), stop=self._halt_event.is_set)
                self.progress.value = done
                self.redraw()
                rest = frame - (time.perf_counter() - t0)
                if rest > 0:
                    self._halt_event.wait(rest)
                if self.state.diverged:
                    break
        finally:
            self._set_running(False)
            self.redraw()

    def _halt(self):
        if self.running:
            self.stop()
            self._thread.join(30)

    def _set_running(self, on):
        for b in (self.step_button, self.epoch_button, self.run_button, self.reset_button):
            b.disabled = on
        self.stop_button.disabled = not on

    def _action(self, fn):
        self._clear_messages()
        fn()

    def _clear_messages(self):
        for m in self.messages.values():
            m.value = ""

    def _complain(self, name, problem, allowed=""):
        """The one-line message beside control ``name``; the control goes back to the value in use."""
        self.messages[name].value = f"<span style='color:#c0392b;font-size:13px'>&#9888; {escape(problem + allowed)}</span>"
        self._show_setting(name)

    def _show_setting(self, name):
        """Put the value in use into control ``name`` (without treating it as a new entry)."""
        value = self.epochs_to_run if name == "epochs" else self.state.settings[name]
        w = self.n_epochs if name == "epochs" else self.controls[name]
        self._syncing = True
        try:
            if name == "hidden":
                w.value = ", ".join(str(h) for h in value)
            elif name in ("seed", "epochs"):
                w.value = str(value)
            elif name == "weight_decay":
                w.value = f"{value:g}"
            elif name == "lr":
                if value not in [v for _, v in w.options]:
                    w.options = self._lr_options(value)
                w.value = value
            elif name == "batch_size":
                w.max = max(w.max, value)
                w.value = value
            else:
                w.value = value
        finally:
            self._syncing = False

    @staticmethod
    def _lr_options(lr):
        return [(f"{v:g}", v) for v in sorted({*LEARNING_RATES, lr})]

    def _on_epochs(self, change):
        if self._syncing:
            return
        try:
            self.epochs_to_run = parse_whole(change["new"], "epochs", 1, MAX_EPOCHS)
        except ValueError as exc:
            self._complain("epochs", str(exc))  # and the box goes back to the number in use
            return
        self._clear_messages()

    def _on_setting(self, name, change):
        if self._syncing:
            return
        value = change["new"]
        try:
            if name == "hidden":
                value = parse_hidden(value)
            elif name == "seed":
                value = parse_whole(value, "seed", 0, 2**32 - 1)
            elif name == "weight_decay":
                value = parse_number(value, "weight decay")
        except ValueError as exc:  # the parsers' sentences name the value and the values allowed
            self._complain(name, str(exc))
            return
        try:
            self.state._check(name, value)
        except (TypeError, ValueError) as exc:
            self._complain(name, str(exc), f" Allowed: {ALLOWED[name]}.")
            return
        self._clear_messages()
        if name in self.state.NETWORK_SETTINGS:
            self._halt()
        self.state.configure(**{name: value})  # the state tells _on_state_change, which redraws

    def _on_state_change(self, changed):
        """A setting changed (here or through the Python API): every control shows the value in use."""
        for name in changed:
            if name in self.controls:
                self._show_setting(name)
        if any(name in self.state.NETWORK_SETTINGS for name in changed):
            self.progress.value = 0
        self.redraw()


def time_redraw(widget, frames=20):
    """Seconds per redraw of a :class:`TrainingPlayground` (state unchanged): ``{"mean": ..., "max": ...}``."""
    widget.redraw()  # warm
    times = []
    for _ in range(frames):
        t0 = time.perf_counter()
        widget.redraw()
        times.append(time.perf_counter() - t0)
    return {"mean": sum(times) / len(times), "max": max(times)}
