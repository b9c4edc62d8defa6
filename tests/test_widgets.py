"""The widgets driven headless from Python: every control, the values they show, and errors.

Controls are used the way a browser would use them: ``button.click()`` and setting
``.value`` (which fires the same observers as the frontend).
"""

import random
import re

import numpy as np
import pytest

import bplab

widgets_mod = pytest.importorskip("ipywidgets")
from bplab.widgets import PropagationStepper, time_steps  # noqa: E402

# The playground widget's tests are in test_playground_widget.py.


def trace_values(stepper):
    """The values of the current step, looked up in the package's trace by key (not in the step data)."""
    from test_stepper import lookup

    return {k: lookup(stepper.state, k) for k in stepper.displayed_values()}


def assert_consistent(w):
    i = w.step_index
    assert w.step_menu.value == i + 1 and w.play.value == i + 1  # the controls count from 1, like the status
    assert w.status.value == f"<b>{w.state.status()}</b>"
    shown = w.displayed_values()
    assert shown == w.current.values()
    for key, value in shown.items():
        assert value == pytest.approx(trace_values(w)[key], rel=1e-12, abs=1e-300)
    assert w.back_button.disabled == (i == 0)
    assert w.next_button.disabled == (i == w.n_steps - 1)
    assert not w.errors


@pytest.fixture
def stepper():
    return PropagationStepper(*bplab.worked_example())


def has_class(widget, cls):
    return cls in widget._dom_classes


def test_stepper_css_classes(stepper):
    w = stepper
    assert has_class(w, "bplab-stepper")
    for widget, cls in [
        (w.next_button, "bplab-next"),
        (w.back_button, "bplab-back"),
        (w.reset_button, "bplab-reset"),
        (w.play, "bplab-play"),
        (w.step_menu, "bplab-step-menu"),
        (w.status, "bplab-status"),
        (w.formula, "bplab-formula"),
        (w.values, "bplab-values"),
        (w.diagram, "bplab-diagram"),
    ]:
        assert has_class(widget, cls), cls


def test_next_through_every_phase_shows_the_trace(stepper):
    w = stepper
    net, x, y = bplab.worked_example()
    t = net.forward(x)
    g = net.backward(t, y)
    assert w.n_steps == 12
    seen = []
    assert_consistent(w)
    for _ in range(w.n_steps - 1):
        w.next_button.click()
        assert_consistent(w)
        seen.append((w.phase, w.layer))
    assert seen == [
        ("forward", 1), ("forward", 2), ("forward", 3), ("loss", 3),
        ("backward", 3), ("backward", 3), ("backward", 2), ("backward", 2), ("backward", 1), ("backward", 1),
        ("update", None),
    ]  # fmt: skip
    # a few values checked against a separately built network's trace
    w.step_menu.value = 2
    v = w.displayed_values()
    assert v["z[1][1]"] == 5.0 and v["a[1][1]"] == t.a[1][0]
    w.step_menu.value = 5
    assert w.displayed_values()["loss"] == g.loss
    w.step_menu.value = 11
    assert w.displayed_values()["dW[1][1][2]"] == g.dW[1][0, 1]
    assert "Step 11 of 12 · backward · layer 1" in w.status.value


def test_back_reset_play_and_step_menu(stepper):
    w = stepper
    w.next_button.click()
    w.next_button.click()
    w.back_button.click()
    assert w.step_index == 1
    w.reset_button.click()
    assert w.step_index == 0
    w.play.value = 4  # what the Play control does at each tick: step 4 of 12
    assert w.step_index == 3 and w.phase == "forward" and w.layer == 3
    assert_consistent(w)
    w.step_menu.value = 8
    assert w.step_index == 7 and w.play.value == 8
    assert "<mi>δ</mi><mn" in w.formula.value and "<svg" in w.diagram.value
    # the Python API moves the controls as well
    w.next()
    assert w.step_menu.value == 9
    w.back().back()
    assert w.play.value == 7
    w.reset()
    assert w.step_menu.value == 1


def test_random_sequence_of_actions_keeps_the_state_consistent():
    net = bplab.Network([3, 4, 4, 2], ["tanh", "tanh", "softmax"], seed=7)
    w = PropagationStepper(net, np.array([0.3, -0.2, 1.0]), 0, loss="cross_entropy")
    rng = random.Random(2024)
    expected = 0
    for _ in range(500):
        action = rng.choice(["next", "back", "reset", "menu", "play", "stop", "api_next", "api_back"])
        if action == "next":
            w.next_button.click()
            expected = min(expected + 1, w.n_steps - 1)
        elif action == "back":
            w.back_button.click()
            expected = max(expected - 1, 0)
        elif action == "reset":
            w.reset_button.click()
            expected = 0
        elif action == "menu":
            expected = rng.randrange(w.n_steps)
            w.step_menu.value = expected + 1
        elif action == "play":  # a tick of the running Play control
            expected = rng.randrange(w.n_steps)
            w.play.set_state({"playing": True, "value": expected + 1})
        elif action == "stop":  # its stop button: not playing, value back to the first step; we stay
            w.play.set_state({"playing": False, "value": w.play.min})
        elif action == "api_next":
            w.next()
            expected = min(expected + 1, w.n_steps - 1)
        else:
            w.back()
            expected = max(expected - 1, 0)
        assert w.step_index == expected
        assert w.step_menu.value == w.play.value == expected + 1
        assert w.displayed_values() == w.current.values()
        assert w.status.value == f"<b>{w.state.status()}</b>"
    assert not w.errors
    for i in range(w.n_steps):  # and every step still shows the package's values
        w.step_menu.value = i + 1
        assert_consistent(w)


def test_stop_pauses_where_it_is(stepper):
    w = stepper
    w.play.set_state({"playing": True, "value": 6})  # Play ticked to step 6 of 12
    assert w.step_index == 5
    # the Play widget's stop button sends these two changes in one message, as the frontend does
    w.play.set_state({"playing": False, "value": w.play.min})
    assert w.step_index == 5 and w.play.value == 6 and w.step_menu.value == 6
    assert w.state.status() == "Step 6 of 12 · backward · layer 3"
    assert_consistent(w)
    w.play.set_state({"playing": True, "value": 7})  # Play again continues from there
    assert w.step_index == 6
    w.reset_button.click()  # Reset is the way back to step 1
    assert w.step_index == 0 and w.play.value == 1


def test_settings_move_their_controls_and_are_checked(stepper):
    w = stepper
    assert w.edge_scale_control.value == "layer" and w.scale_control.value == 1.0
    assert has_class(w, "bplab-scale-100")
    w.state.edge_scale = "global"  # through the plain state's Python API
    assert w.edge_scale_control.value == "global" and w.edge_scale == "global"
    assert "data-edge-scale='global'" in w.legend.value
    w.scale = 1.5  # through the widget's
    assert w.scale_control.value == 1.5 and w.state.scale == 1.5
    assert has_class(w, "bplab-scale-150") and not has_class(w, "bplab-scale-100")
    assert ".bplab-stepper.bplab-scale-150 { --bplab-scale: 1.5; }" in w.css.value
    w.scale = 1.75  # not one of the menu's: added to it
    assert w.scale_control.value == 1.75 and ("175%", 1.75) in w.scale_control.options
    with pytest.raises(ValueError, match=r"scale must be between 0.5 and 3.*got 9"):
        w.scale = 9
    with pytest.raises(ValueError, match=r"edge_scale.*'loud'.*'layer', 'global'"):
        w.state.edge_scale = "loud"
    assert w.scale_control.value == 1.75 and w.edge_scale_control.value == "global"
    w.scale_control.value = 1.0  # and the controls move the state
    w.edge_scale_control.value = "layer"
    assert w.state.scale == 1.0 and w.state.edge_scale == "layer" and not w.errors
    w.goto(11)
    assert_consistent(w)


def test_a_callback_error_is_displayed_not_swallowed(stepper, monkeypatch):
    w = stepper

    def broken(self, index):
        raise RuntimeError("boom in goto")

    monkeypatch.setattr(type(w.state), "goto", broken)  # the state refuses new attributes on itself
    assert w._errors.output.layout.display == "none"
    w.next_button.click()  # must not raise into the frontend's void
    assert len(w.errors) == 1 and isinstance(w.errors[0], RuntimeError)
    shown = "".join(o.get("text", "") for o in w._errors.output.outputs)
    assert "boom in goto" in shown and "Traceback" in shown
    assert w._errors.output.layout.display == "block"
    assert "bplab-errors" in w._errors.output._dom_classes


def test_direct_python_calls_still_raise(stepper):
    with pytest.raises(ValueError, match="between 0 and 11"):
        stepper.goto(99)


def test_time_steps_measures_something(stepper):
    t = time_steps(stepper, rounds=1)
    assert 0 < t["mean"] <= t["max"]
    assert stepper.step_index == stepper.n_steps - 1
