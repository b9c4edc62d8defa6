"""Feedback on one answer: correct, not yet (with the hint for a recognised slip), or not answered yet.

:func:`compare` is the judge every exercise uses. It never shows the expected value, and never
raises for a learner's mistake (a wrong answer is not a crash). An answer is correct only when it
is real, finite, of exactly the expected shape and equal within tolerance: a complex number, a NaN
or an answer that would match only after a reshape is never correct.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np


@dataclass
class Feedback:
    """The verdict on one answer: ``ok`` is True (correct), False (not yet) or None (not answered yet)."""

    ok: bool | None
    message: str

    def __bool__(self):
        return bool(self.ok)

    @property
    def mark(self):
        return {True: "Correct", False: "Not yet", None: "Not answered yet"}[self.ok]

    def __repr__(self):
        return f"{self.mark}: {self.message}"

    def _repr_html_(self):
        color = {True: "#1a7f37", False: "#b35900", None: "#555"}[self.ok]
        sign = {True: "✔", False: "✘", None: "…"}[self.ok]
        return (
            f"<div class='bplab-feedback' style='border-left:4px solid {color};padding:4px 8px'>"
            f"<b style='color:{color}'>{sign} {self.mark}</b>: {html.escape(self.message)}</div>"
        )


def unanswered(answer) -> bool:
    """Whether ``answer`` is still the blank: ``...`` or None."""
    return answer is None or answer is Ellipsis


def as_numbers(answer, name):
    """``(array, None)`` for a real, finite numeric answer, else ``(None, Feedback)`` saying what is wrong."""
    if isinstance(answer, (str, bytes)):
        return None, Feedback(False, f"{name} should be a number or an array of numbers, not the text {answer!r}.")
    if isinstance(answer, (bool, np.bool_)):
        return None, Feedback(False, f"{name} should be a number, not the truth value {answer!r}.")
    try:
        a = np.asarray(answer)
    except (TypeError, ValueError):  # ragged nested lists, for example
        return None, Feedback(False, f"{name} should be a number or a rectangular array of numbers, got {type(answer).__name__}.")
    if np.iscomplexobj(a):
        return None, Feedback(False, f"{name} should be real; yours is complex. Did a square root or a power of a negative number creep in?")
    if a.dtype == object or a.dtype.kind not in "biuf":
        return None, Feedback(False, f"{name} should be a number or an array of numbers, got {type(answer).__name__}.")
    a = a.astype(float)
    if not np.all(np.isfinite(a)):
        return None, Feedback(False, f"{name} contains NaN or infinity; check for a division by zero or an overflow.")
    return a, None


def same(a, value, rtol, atol) -> bool:
    """Whether the array ``a`` equals ``value``: the same shape exactly, and equal within tolerance."""
    v = np.asarray(value, dtype=float)
    return a.shape == v.shape and bool(np.allclose(a, v, rtol=rtol, atol=atol))


def _shape_text(shape):
    return "a single number" if shape == () else f"shape {shape}"


def _hit(condition, answer, a, rtol, atol) -> bool:
    if callable(condition):
        try:
            return bool(condition(a))
        except Exception:  # a hint that does not apply to this answer is no hint
            return False
    return same(a, condition, rtol, atol)


def compare(answer, expected, *, name="your answer", hints=(), rtol=1e-9, atol=1e-12, general_hint=None,
            reveal_shape=True):
    """Judge a learner's ``answer`` against the ``expected`` value computed by bplab.

    ``hints`` is a sequence of ``(condition, message)``: ``condition`` is the value a typical slip
    gives (compared like the answer: same shape, within tolerance), or a function of the answer (as
    a float array) returning True. The first matching hint is the feedback. ``reveal_shape=False``
    keeps the expected shape out of the message, for exercises whose question is the shape.
    """
    hints = list(hints) if isinstance(hints, (list, tuple)) else None
    if hints is None or not all(isinstance(h, tuple) and len(h) == 2 for h in hints):
        raise TypeError("hints must be a list of (condition, message) pairs.")
    if unanswered(answer):
        return Feedback(None, f"replace ... with your expression for {name}, then run the cell again.")
    a, problem = as_numbers(answer, name)
    if problem is not None:
        return problem
    want = np.asarray(expected, dtype=float)
    if same(a, want, rtol, atol):
        return Feedback(True, f"{name} is right.")
    for condition, message in hints:
        if _hit(condition, answer, a, rtol, atol):
            return Feedback(False, message)
    if a.shape != want.shape:
        if reveal_shape:
            return Feedback(False, f"{name} should have {_shape_text(want.shape)}, yours has {_shape_text(a.shape)}.")
        return Feedback(False, f"{name} does not have the right shape; yours has {_shape_text(a.shape)}.")
    return Feedback(False, general_hint or f"{name} differs from the value bplab computes; recheck each factor.")
