"""Thin ipywidgets views over bplab's plain state objects (the only module importing ipywidgets).

* :class:`PropagationStepper` shows a :class:`bplab.stepper.Stepper` step by step;
* :class:`TrainingPlayground` drives a :class:`bplab.playground.Playground`.

The views compute nothing: every number they show comes from the state object,
which tests drive without a browser. Controls carry stable CSS classes
(``bplab-next``, ``bplab-step`` ...) so a browser test can find them. An exception in
a callback is printed into a visible Output (class ``bplab-errors``), never swallowed.
"""

from __future__ import annotations

import functools
import threading
import time
import traceback

import ipywidgets as widgets
import numpy as np

from .playground import Playground
from .stepper import Stepper, parse_values


def _classed(widget, *classes):
    for c in classes:
        widget.add_class(c)
    return widget


class _ErrorPane:
    """A visible Output where callback errors are shown to the learner."""

    def __init__(self):
        self.output = _classed(widgets.Output(layout=widgets.Layout(display="none", border="2px solid #c0392b")), "bplab-errors")
        self.errors = []  # the exceptions shown, for tests

    def show(self, exc):
        self.errors.append(exc)
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.output.append_stderr(f"Error in a widget callback:\n{text}")
        self.output.layout.display = "block"

    def clear(self):
        self.output.outputs = ()
        self.output.layout.display = "none"

    def guard(self, fn):
        """Wrap a callback so that an exception is displayed instead of lost."""

        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # shown to the learner, kept for tests
                self.show(exc)
                return None

        return wrapped


# ====================================================================== the stepper
class PropagationStepper(widgets.VBox):
    """Step through forward and backward propagation of one sample, layer by layer.

        stepper = PropagationStepper(*bplab.worked_example())
        stepper            # displays the widget
        stepper.next()     # the same as clicking Next

    The numbers come from ``stepper.state`` (a :class:`bplab.stepper.Stepper`), computed
    once by ``net.forward`` / ``net.backward`` / ``net.apply`` on a copy of ``net``.
    """

    def __init__(self, net, x, y, loss="half_sse", lr=0.1, neuron=1, interval=1500):
        self.state = Stepper(net, x, y, loss=loss, lr=lr, neuron=neuron)
        n = self.state.n_steps
        self._errors = _ErrorPane()
        guard = self._errors.guard
        button = functools.partial(widgets.Button, layout=widgets.Layout(width="90px"))
        self.reset_button = _classed(button(description="Reset", icon="fast-backward", tooltip="back to step 0"), "bplab-reset")
        self.back_button = _classed(button(description="Back", icon="step-backward", tooltip="one step back"), "bplab-back")
        self.next_button = _classed(
            button(description="Next", icon="step-forward", button_style="primary", tooltip="one step on"), "bplab-next"
        )
        self.play = _classed(
            widgets.Play(value=0, min=0, max=n - 1, step=1, interval=interval, description="Play"), "bplab-play"
        )
        self.slider = _classed(
            widgets.IntSlider(
                value=0, min=0, max=n - 1, description="step", continuous_update=True, layout=widgets.Layout(width="340px")
            ),
            "bplab-step-slider",
        )
        self.status = _classed(widgets.HTML(), "bplab-status")
        self.diagram = _classed(widgets.HTML(layout=widgets.Layout(overflow="auto")), "bplab-diagram")
        self.formula = _classed(widgets.HTMLMath(layout=widgets.Layout(overflow="auto")), "bplab-formula")
        self.values = _classed(widgets.HTML(layout=widgets.Layout(overflow="auto")), "bplab-values")
        self._syncing = False

        self.next_button.on_click(guard(lambda _: self.next()))
        self.back_button.on_click(guard(lambda _: self.back()))
        self.reset_button.on_click(guard(lambda _: self.reset()))
        self.slider.observe(guard(self._on_index), names="value")
        self.play.observe(guard(self._on_index), names="value")

        controls = widgets.HBox([self.reset_button, self.back_button, self.next_button, self.play, self.slider])
        super().__init__(
            [controls, self._errors.output, self.status, self.diagram, self.formula, self.values],
            layout=widgets.Layout(max_width="1100px"),
        )
        self.add_class("bplab-stepper")
        self._refresh()

    # ------------------------------------------------------------ Python API
    @property
    def n_steps(self):
        return self.state.n_steps

    @property
    def step_index(self):
        return self.state.step_index

    @property
    def phase(self):
        return self.state.phase

    @property
    def layer(self):
        return self.state.layer

    @property
    def current(self):
        return self.state.current

    @property
    def errors(self):
        """Exceptions raised in callbacks and shown in the error pane."""
        return list(self._errors.errors)

    def next(self):
        self.state.next()
        self._refresh()
        return self

    def back(self):
        self.state.back()
        self._refresh()
        return self

    def reset(self):
        self.state.reset()
        self._refresh()
        return self

    def goto(self, index):
        self.state.goto(index)
        self._refresh()
        return self

    def displayed_values(self):
        """{key: value} parsed back from the values table the widget shows now."""
        return parse_values(self.values.value)

    # ------------------------------------------------------------ view
    def _on_index(self, change):
        if not self._syncing and change["new"] != self.state.step_index:
            self.goto(int(change["new"]))

    def _refresh(self):
        i = self.state.step_index
        self._syncing = True
        try:
            self.slider.value = i
            if self.play.value != i:
                self.play.value = i
        finally:
            self._syncing = False
        shown = self.state.render()
        self.diagram.value = shown["diagram"]
        self.formula.value = shown["formula"]
        self.values.value = shown["values"]
        self.status.value = f"<b>{shown['status']}</b>"  # last: once it shows step i, so does everything else
        self.back_button.disabled = i == 0
        self.next_button.disabled = self.state.at_end


def time_steps(stepper, rounds=3):
    """Seconds per step (state change plus redraw) of a :class:`PropagationStepper`,
    from a cold cache: ``{"mean": ..., "max": ...}`` over ``rounds`` walks through all the steps."""
    times = []
    for _ in range(rounds):
        stepper.state._html.clear()
        stepper.reset()
        for _ in range(stepper.n_steps - 1):
            t0 = time.perf_counter()
            stepper.next()
            times.append(time.perf_counter() - t0)
    return {"mean": sum(times) / len(times), "max": max(times)}


# ====================================================================== the playground
def _plain_log_ticks(ax):
    """Plain-text tick labels on a log y axis (mathtext labels are slow to draw):
    decades only over a wide range, every tick with 2 digits over a narrow one."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    lo, hi = ax.get_ylim()
    if lo > 0 and hi / lo > 1000:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0e}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    else:  # label the decades and their 2 and 5 multiples
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.1g}"))
        ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:.1g}" if f"{v:.1e}"[0] in "25" else ""))


LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)


def playground_png(pg, width=13.0, height=3.8, dpi=80, resolution=90):
    """PNG bytes of the playground's three plots: the loss curve, the decision regions,
    and the gradient norm of each layer (drawn with bplab.plots on a pyplot-free Figure,
    so a background thread can draw too)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from . import plots

    # A fixed layout and plain-text log ticks: constrained layout and mathtext tick
    # labels would cost most of the drawing time, and the plot is redrawn while training.
    fig = Figure(figsize=(width, height), dpi=dpi)
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.91, wspace=0.32)
    ax_loss, ax_regions, ax_norms = fig.subplots(1, 3)
    with pg.lock:
        plots.loss_curve(pg.history, ax=ax_loss, x="updates")
        plots.decision_regions(
            pg.net,
            pg.X,
            pg.labels,
            ax=ax_regions,
            class_names=pg.data.class_names,
            feature_names=pg.data.feature_names or ("x1", "x2"),
            resolution=resolution,
            title=f"Decision regions ({pg.settings['dataset']}, accuracy {100 * (pg.accuracy or 0):.0f}%)",
        )
        norms = pg.grad_norms
        plots.gradient_norms(norms, ax=ax_norms, title="Gradient norm per layer (whole data set)")
        positive = [v for v in norms.values() if v > 0 and np.isfinite(v)]
        if positive:  # start the bars well below the smallest, so every bar has a visible height
            ax_norms.set_ylim(min(positive) / 5, max(positive) * 2)
    _plain_log_ticks(ax_norms)
    buf = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buf)
    return buf.getvalue()


class TrainingPlayground(widgets.VBox):
    """Train a small network on a 2-D data set and watch the loss, the decision regions
    and the per-layer gradient norms. A view over :class:`bplab.playground.Playground`
    (``.state``); keyword arguments are the Playground's settings.

    ``background=True`` runs "Run N epochs" in a thread so that Stop and the progress
    bar work while it trains; ``background=False`` runs it in the caller (tests, scripts).
    """

    def __init__(self, background=True, redraw_seconds=0.7, dpi=80, **settings):
        self.state = Playground(**settings)
        self.dpi = dpi
        self.background = background
        self.redraw_seconds = redraw_seconds
        self._thread = None
        self._errors = _ErrorPane()
        guard = self._errors.guard
        s = self.state.settings
        wide = widgets.Layout(width="260px")
        style = {"description_width": "110px"}
        from ..losses import LOSS_NAMES
        from .playground import DATASETS, HIDDEN_ACTIVATIONS
        from ..training import MODES

        self.controls = {
            "dataset": _classed(widgets.Dropdown(options=DATASETS, value=s["dataset"], description="data set"), "bplab-dataset"),
            "hidden": _classed(
                widgets.Text(
                    value=", ".join(str(h) for h in s["hidden"]),
                    description="hidden layers",
                    placeholder="e.g. 4, 4 (empty: none)",
                    continuous_update=False,
                ),
                "bplab-hidden",
            ),
            "activation": _classed(
                widgets.Dropdown(options=HIDDEN_ACTIVATIONS, value=s["activation"], description="activation"), "bplab-activation"
            ),
            "loss": _classed(widgets.Dropdown(options=LOSS_NAMES, value=s["loss"], description="loss"), "bplab-loss"),
            "seed": _classed(widgets.BoundedIntText(value=s["seed"], min=0, max=10**6, description="seed"), "bplab-seed"),
            "lr": _classed(
                widgets.SelectionSlider(
                    options=[(f"{v:g}", v) for v in sorted({*LEARNING_RATES, s["lr"]})],
                    value=s["lr"],
                    description="learning rate",
                ),
                "bplab-lr",
            ),
            "mode": _classed(widgets.Dropdown(options=MODES, value=s["mode"], description="mode"), "bplab-mode"),
            "batch_size": _classed(
                widgets.IntSlider(value=s["batch_size"], min=1, max=128, description="batch size"), "bplab-batch-size"
            ),
            "weight_decay": _classed(
                widgets.BoundedFloatText(value=s["weight_decay"], min=0, max=1, step=0.001, description="weight decay"),
                "bplab-weight-decay",
            ),
        }
        for name, w in self.controls.items():
            w.layout, w.style = wide, style
            w.observe(guard(functools.partial(self._on_setting, name)), names="value")
        self.n_epochs = _classed(
            widgets.BoundedIntText(value=100, min=1, max=100000, description="epochs to run", layout=wide, style=style),
            "bplab-epochs",
        )
        button = functools.partial(widgets.Button, layout=widgets.Layout(width="130px"))
        self.reset_button = _classed(button(description="New network", icon="refresh"), "bplab-reset")
        self.step_button = _classed(button(description="Step", icon="step-forward", tooltip="one weight update"), "bplab-step")
        self.epoch_button = _classed(button(description="Epoch", icon="forward", tooltip="one pass over the data"), "bplab-epoch")
        self.run_button = _classed(button(description="Run", icon="play", button_style="primary"), "bplab-run")
        self.stop_button = _classed(button(description="Stop", icon="stop", button_style="danger", disabled=True), "bplab-stop")
        self.progress = _classed(widgets.IntProgress(value=0, min=0, max=1, description="progress"), "bplab-progress")
        self.status = _classed(widgets.HTML(), "bplab-status")
        self.plot = _classed(widgets.Image(format="png", layout=widgets.Layout(max_width="100%")), "bplab-plot")

        self.reset_button.on_click(guard(lambda _: self.new_network()))
        self.step_button.on_click(guard(lambda _: self.step()))
        self.epoch_button.on_click(guard(lambda _: self.epoch()))
        self.run_button.on_click(guard(lambda _: self.run()))
        self.stop_button.on_click(guard(lambda _: self.stop()))

        c = self.controls
        left = widgets.VBox([c["dataset"], c["hidden"], c["activation"], c["loss"], c["seed"]])
        right = widgets.VBox([c["lr"], c["mode"], c["batch_size"], c["weight_decay"], self.n_epochs])
        buttons = widgets.HBox([self.reset_button, self.step_button, self.epoch_button, self.run_button, self.stop_button])
        super().__init__(
            [widgets.HBox([left, right]), buttons, widgets.HBox([self.progress, self.status]), self._errors.output, self.plot]
        )
        self.add_class("bplab-playground")
        self.redraw()

    # ------------------------------------------------------------ Python API
    @property
    def errors(self):
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
        """Run ``epochs`` epochs (default: the "epochs to run" box), in a thread when background=True."""
        if self.running:
            return
        n = int(epochs if epochs is not None else self.n_epochs.value)
        self.progress.max, self.progress.value = n, 0
        self._set_running(True)
        if self.background:
            self._thread = threading.Thread(target=self._errors.guard(self._run), args=(n,), daemon=True)
            self._thread.start()
        else:
            self._run(n)

    def stop(self):
        """Stop a run after the epoch it is in."""
        self.state.request_stop()

    def wait(self, timeout=60):
        """Wait for a background run to finish; True if it did."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def redraw(self):
        self.plot.value = playground_png(self.state, dpi=self.dpi)
        self._show_status()

    # ------------------------------------------------------------ view
    def _run(self, n):
        last = [time.perf_counter()]

        def on_epoch(done, total):
            self.progress.value = done
            if time.perf_counter() - last[0] >= self.redraw_seconds:
                self.redraw()
                last[0] = time.perf_counter()
            else:
                self._show_status()

        try:
            self.state.run(n, on_epoch=on_epoch)
        finally:
            self._set_running(False)
            self.redraw()

    def _halt(self):
        if self.running:
            self.state.request_stop()
            self._thread.join(30)

    def _set_running(self, on):
        for b in (self.step_button, self.epoch_button, self.run_button, self.reset_button):
            b.disabled = on
        self.stop_button.disabled = not on

    def _on_setting(self, name, change):
        value = change["new"]
        if name == "hidden":
            from .playground import parse_hidden

            value = parse_hidden(value)
        if name in self.state.NETWORK_SETTINGS:
            self._halt()
        if self.state.configure(**{name: value}):
            self.progress.value = 0
            self.redraw()
        else:
            self._show_status()

    def _show_status(self):
        pg = self.state
        acc = "" if pg.accuracy is None else f" · accuracy {100 * pg.accuracy:.1f}%"
        color = "#c0392b" if pg.diverged else "#222"
        note = f" · {pg.message}" if pg.diverged or pg.message.startswith("update") else ""
        self.status.value = (
            f"<span style='color:{color}'>network {pg.net.sizes} · epoch {pg.epochs} · {pg.updates} updates"
            f" · loss {pg.loss_value:.4g}{acc}{note}</span>"
        )
