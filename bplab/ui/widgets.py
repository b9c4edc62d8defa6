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
import time
import traceback

import ipywidgets as widgets

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
# TrainingPlayground lives in bplab.ui.playground_widget (it imports this module's helpers);
# it is importable from here too, loaded on first use.
_PLAYGROUND_NAMES = ("TrainingPlayground", "time_redraw", "LEARNING_RATES")


def __getattr__(name):
    if name in _PLAYGROUND_NAMES:
        from . import playground_widget

        return getattr(playground_widget, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
