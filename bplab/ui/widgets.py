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
from .stepper_html import scale_class, stylesheet


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

        stepper = PropagationStepper(*bplab.worked_example(), edge_scale="global", scale=1.5)
        stepper            # displays the widget
        stepper.next()     # the same as clicking Next

    The numbers and the HTML come from ``stepper.state`` (a :class:`bplab.stepper.Stepper`),
    computed once by ``net.forward`` / ``net.backward`` / ``net.apply`` on a copy of ``net``;
    the widget shows ``state.render()`` in its panes and wires the controls, nothing more.
    ``stepper.state.to_html()`` is the same walk-through as a page that needs no kernel.
    Setting ``edge_scale`` or ``scale`` (here or on ``state``) moves their controls too.
    """

    SCALES = (1.0, 1.25, 1.5, 2.0)

    def __init__(self, net, x, y, loss="half_sse", lr=0.1, neuron=1, interval=1500, digits=5, edge_scale="layer", scale=1.0):
        self.state = Stepper(net, x, y, loss=loss, lr=lr, neuron=neuron, digits=digits, edge_scale=edge_scale, scale=scale)
        n = self.state.n_steps
        self._errors = _ErrorPane()
        guard = self._errors.guard
        button = functools.partial(widgets.Button, layout=widgets.Layout(width="auto", min_width="80px"))
        self.reset_button = _classed(button(description="Reset", icon="fast-backward", tooltip="back to step 1"), "bplab-reset")
        self.back_button = _classed(button(description="Back", icon="step-backward", tooltip="one step back"), "bplab-back")
        self.next_button = _classed(
            button(description="Next", icon="step-forward", button_style="primary", tooltip="one step on"), "bplab-next"
        )
        fit = {"description_width": "initial"}  # labels as wide as their text, at any zoom
        # Play counts steps from 1, like the status line ("Step 1 of N").
        self.play = _classed(
            widgets.Play(value=1, min=1, max=n, step=1, interval=interval, description="Play"), "bplab-play"
        )
        # "go to": every step by its status line, counted from 1 like the status ("Step k of N")
        self.step_menu = _classed(
            widgets.Dropdown(options=self._step_options(), value=1, description="go to", style=fit,
                             layout=widgets.Layout(width="auto", max_width="100%")),
            "bplab-step-menu",
        )  # fmt: skip
        self.edge_scale_control = _classed(
            widgets.Dropdown(
                options=[("each layer its own", "layer"), ("one for all layers", "global")],
                value=self.state.edge_scale,
                description="edge scale",
                style=fit,
                layout=widgets.Layout(width="auto"),
            ),
            "bplab-edge-scale",
        )
        self.scale_control = _classed(
            widgets.Dropdown(options=self._scale_options(), value=self.state.scale, description="zoom", style=fit,
                             layout=widgets.Layout(width="auto")),
            "bplab-scale",
        )  # fmt: skip
        self.css = _classed(widgets.HTML(layout=widgets.Layout(display="none")), "bplab-style")
        self.status = _classed(widgets.HTML(), "bplab-status")
        self.diagram = _classed(widgets.HTML(layout=widgets.Layout(max_width="100%")), "bplab-diagram")
        self.legend = _classed(widgets.HTML(layout=widgets.Layout(max_width="100%")), "bplab-legend")
        self.formula = _classed(widgets.HTML(layout=widgets.Layout(max_width="100%")), "bplab-formula")
        self.values = _classed(widgets.HTML(layout=widgets.Layout(max_width="100%")), "bplab-values")
        self._syncing = False
        self._scale_class = None

        self.next_button.on_click(guard(lambda _: self.next()))
        self.back_button.on_click(guard(lambda _: self.back()))
        self.reset_button.on_click(guard(lambda _: self.reset()))
        self.step_menu.observe(guard(self._on_menu), names="value")
        self.play.observe(guard(self._on_play), names="value")
        self.edge_scale_control.observe(guard(functools.partial(self._on_control, "edge_scale")), names="value")
        self.scale_control.observe(guard(functools.partial(self._on_control, "scale")), names="value")
        self.state.on_change(self._on_setting)

        wrap = widgets.Layout(flex_flow="row wrap", align_items="center", max_width="100%")
        controls = widgets.HBox([self.reset_button, self.back_button, self.next_button, self.play, self.step_menu], layout=wrap)
        settings = widgets.HBox([self.edge_scale_control, self.scale_control], layout=wrap)
        super().__init__(
            [self.css, controls, settings, self._errors.output, self.status, self.diagram, self.legend, self.formula, self.values],
            layout=widgets.Layout(max_width="100%"),
        )
        self.add_class("bplab-stepper")
        self._show_settings()
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
    def edge_scale(self):
        return self.state.edge_scale

    @edge_scale.setter
    def edge_scale(self, value):
        self.state.edge_scale = value  # checked there; the control follows

    @property
    def scale(self):
        return self.state.scale

    @scale.setter
    def scale(self, value):
        self.state.scale = value

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
        """Go to step ``index`` (0-based, like ``state.goto``; the status line shows index + 1)."""
        self.state.goto(index)
        self._refresh()
        return self

    def to_html(self, title=None):
        """The walk-through as one self-contained page (see :meth:`bplab.stepper.Stepper.to_html`)."""
        return self.state.to_html(title)

    def displayed_values(self):
        """{key: value} parsed back from the values table the widget shows now."""
        return parse_values(self.values.value)

    # ------------------------------------------------------------ view
    def _scale_options(self):
        return [(f"{round(100 * s)}%", s) for s in sorted({*self.SCALES, self.state.scale})]

    def _step_options(self):
        return [(self.state.status(i).replace("Step ", "", 1), i + 1) for i in range(self.state.n_steps)]

    def _on_menu(self, change):
        if not self._syncing and change["new"] - 1 != self.state.step_index:
            self.goto(int(change["new"]) - 1)

    def _on_play(self, change):
        if self._syncing:
            return
        if change["new"] == self.play.min and not self.play.playing and self.state.step_index != 0:
            # The Play control's stop button sends "not playing, back to the first step": a learner
            # who stops wants to stay where they are, so stop pauses (Reset goes back to step 1).
            self._refresh()
            return
        if change["new"] - 1 != self.state.step_index:
            self.goto(int(change["new"]) - 1)

    def _on_control(self, name, change):
        if not self._syncing and change["new"] != getattr(self.state, name):
            setattr(self.state, name, change["new"])  # the state checks it, then calls _on_setting

    def _on_setting(self, name):
        self._show_settings()
        self._refresh()

    def _show_settings(self):
        """The controls, the zoom class and the stylesheet as the state's settings are now."""
        s = self.state
        self._syncing = True
        try:
            self.edge_scale_control.value = s.edge_scale
            if s.scale not in [v for _, v in self.scale_control.options]:
                self.scale_control.options = self._scale_options()
            self.scale_control.value = s.scale
        finally:
            self._syncing = False
        cls = scale_class(s.scale)
        if cls != self._scale_class:
            if self._scale_class:
                self.remove_class(self._scale_class)
            self.add_class(cls)
            self._scale_class = cls
        self.css.value = f"<style>{stylesheet(s.scale)}</style>"

    def _refresh(self):
        i = self.state.step_index
        self._syncing = True
        try:
            self.step_menu.value = i + 1
            if self.play.value != i + 1:
                self.play.value = i + 1
        finally:
            self._syncing = False
        shown = self.state.render()
        self.diagram.value = shown["diagram"]
        self.legend.value = shown["legend"]
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
