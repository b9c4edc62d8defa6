"""Exercise checking for the notebooks: an immediate, specific answer, never the solution.

    from bplab.exercises import check
    my_delta2 = ...                     # the learner replaces ... with an expression
    check(my_delta2, grads.delta[2], name="delta^2",
          hints=[(lambda a: np.allclose(a, -grads.delta[2]), "Check the sign of (a^L - y).")])

``check`` returns a :class:`Feedback` that shows itself as the cell's output:
"not answered yet" while the answer is ``...`` or ``None``; "correct"; or the first
hint whose condition matches the wrong answer, else a general hint. It never shows
the expected value, and never raises for a wrong answer (a learner's mistake is not
a crash); ``Feedback.ok`` is True, False, or None when unanswered.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np


@dataclass
class Feedback:
    ok: bool | None
    message: str

    def __bool__(self):
        return bool(self.ok)

    def __repr__(self):
        mark = {True: "Correct", False: "Not yet", None: "Not answered yet"}[self.ok]
        return f"{mark}: {self.message}"

    def _repr_html_(self):
        color = {True: "#1a7f37", False: "#b35900", None: "#555"}[self.ok]
        mark = {True: "✔ Correct", False: "✘ Not yet", None: "… Not answered yet"}[self.ok]
        return (
            f"<div class='bplab-feedback' style='border-left:4px solid {color};padding:4px 8px'>"
            f"<b style='color:{color}'>{mark}</b>: {html.escape(self.message)}</div>"
        )


def _matches(answer, value, rtol, atol):
    """Whether ``answer`` equals ``value`` within tolerance, in value's shape (a list of the right length counts)."""
    try:
        a = np.asarray(answer, dtype=float)
        v = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.size == v.size and bool(np.allclose(a.reshape(v.shape), v, rtol=rtol, atol=atol))


def check(answer, expected, *, name="your answer", hints=(), rtol=1e-9, atol=1e-12, general_hint=None):
    """Compare a learner's ``answer`` with the computed ``expected`` value.

    ``hints`` is a sequence of ``(condition, message)``: ``condition`` is a function of
    the answer returning True, or a value the wrong answer would equal (a typical slip).
    """
    hints = list(hints) if isinstance(hints, (list, tuple)) else None
    if hints is None or not all(isinstance(h, tuple) and len(h) == 2 for h in hints):
        raise TypeError("hints must be a list of (condition, message) pairs.")
    if answer is None or answer is Ellipsis:
        return Feedback(None, f"replace ... with your expression for {name}, then run the cell again.")
    if isinstance(answer, (str, bytes)):
        return Feedback(False, f"{name} should be a number or an array of numbers, not the text {answer!r}.")
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return Feedback(False, f"{name} should be a number or an array of numbers, got {type(answer).__name__}.")
    want = np.asarray(expected, dtype=float)
    if a.shape != want.shape and a.size != want.size:
        return Feedback(False, f"{name} should have shape {want.shape}, yours has shape {a.shape}.")
    if _matches(a, want, rtol, atol):
        return Feedback(True, f"{name} is right.")
    for condition, message in hints:
        hit = condition(answer) if callable(condition) else _matches(a, condition, rtol, atol)
        if hit:
            return Feedback(False, message)
    return Feedback(False, general_hint or f"{name} differs from the value bplab computes; recheck each factor.")
