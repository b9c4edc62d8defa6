"""The exercises by id, what the learner's ``check("NN.k", answer)`` does, and the progress of this kernel.

An exercise is registered with :func:`exercise` by a function that receives the learner's answer
and returns a :class:`~bplab.exercises.feedback.Feedback`. That function computes the truth and
the slips itself, from bplab's own objects; nothing of it comes from the learner's cell.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .feedback import Feedback, as_numbers, same, unanswered

ID = re.compile(r"^(\d\d)\.(\d+)$")


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    judge: Callable  # answer -> Feedback

    @property
    def notebook(self):
        return self.id.split(".")[0]


EXERCISES: dict[str, Exercise] = {}
_PROGRESS: dict[str, bool] = {}


def exercise(exercise_id, title):
    """Register the decorated ``judge(answer) -> Feedback`` as exercise ``exercise_id`` ("NN.k")."""
    if not ID.match(exercise_id):
        raise ValueError(f"exercise_id must look like 'NN.k' (notebook, exercise), got {exercise_id!r}.")

    def register(judge):
        if exercise_id in EXERCISES:
            raise ValueError(f"exercise {exercise_id!r} is registered twice.")
        EXERCISES[exercise_id] = Exercise(exercise_id, title, judge)
        return judge

    return register


def _load():
    from . import notebooks  # noqa: F401  (registers every exercise on import)


def get(exercise_id) -> Exercise:
    """The exercise registered as ``exercise_id``, with an error naming the known ids otherwise."""
    _load()
    if not isinstance(exercise_id, str) or exercise_id not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"exercise_id must be one of the registered exercises ({known}), got {exercise_id!r}.")
    return EXERCISES[exercise_id]


def check(exercise_id, answer) -> Feedback:
    """Check ``answer`` for exercise ``exercise_id`` ("NN.k"): correct, not yet (with a hint), or not answered yet.

    The verdict is remembered for :func:`progress` (an unanswered blank is not recorded).
    """
    ex = get(exercise_id)
    feedback = ex.judge(answer)
    if feedback.ok is not None:
        _PROGRESS[exercise_id] = bool(feedback.ok)
    return feedback


def require(exercise_id, answer) -> None:
    """Like :func:`check`, but raise AssertionError (with the feedback) unless the answer is correct.

    This is what nbgrader's autograded test cells run.
    """
    feedback = check(exercise_id, answer)
    if not feedback.ok:
        raise AssertionError(f"exercise {exercise_id}: {feedback!r}")
    # returns None, so that a test cell shows no output (nbgrader reads a test cell's output as its score)


def progress() -> dict:
    """``{exercise_id: correct}`` for every exercise checked in this kernel so far (the latest verdict)."""
    return dict(_PROGRESS)


def reset():
    """Forget the verdicts recorded so far (a fresh start without restarting the kernel)."""
    _PROGRESS.clear()


def ids(notebook=None):
    """The registered exercise ids, in order; only notebook ``notebook`` ("NN") if given."""
    _load()
    chosen = [i for i in EXERCISES if notebook is None or EXERCISES[i].notebook == notebook]
    return sorted(chosen, key=lambda i: tuple(int(p) for p in i.split(".")))


@dataclass
class Summary:
    """The learner's progress in one notebook: each exercise correct, not yet, or not tried."""

    notebook: str
    rows: list  # (id, title, status) with status "correct", "not yet" or "not tried"

    @property
    def correct(self):
        return sum(status == "correct" for _, _, status in self.rows)

    @property
    def total(self):
        return len(self.rows)

    def _headline(self):
        return f"Notebook {self.notebook}: {self.correct} of {self.total} exercises correct."

    def __repr__(self):
        lines = [self._headline()] + [f"  {i} {status:>9}  {title}" for i, title, status in self.rows]
        return "\n".join(lines)

    def _repr_html_(self):
        sign = {"correct": "✔", "not yet": "✘", "not tried": "…"}
        items = "".join(f"<li>{sign[s]} <b>{i}</b> {html.escape(t)}: {s}</li>" for i, t, s in self.rows)
        return f"<div class='bplab-summary'><b>{html.escape(self._headline())}</b><ul>{items}</ul></div>"


def summary(notebook) -> Summary:
    """The progress in notebook ``notebook`` ("03", or 3): which of its exercises are correct so far."""
    if isinstance(notebook, int) and not isinstance(notebook, bool):
        notebook = f"{notebook:02d}"
    chosen = ids(notebook) if isinstance(notebook, str) else []
    if not chosen:
        known = sorted({EXERCISES[i].notebook for i in EXERCISES})
        raise ValueError(f"notebook must be one of the notebooks with exercises ({', '.join(known)}), got {notebook!r}.")
    status = {True: "correct", False: "not yet"}
    rows = [(i, EXERCISES[i].title, status.get(_PROGRESS.get(i), "not tried")) for i in chosen]
    return Summary(notebook, rows)


# ---------------------------------------------------------------- exercises whose answer is a function


def judge_function(fn, cases, *, name, rtol=1e-9, atol=1e-12, slips=(), reveal_shape=True):
    """Judge a learner's function by calling it on bplab's own ``cases``.

    ``cases`` is a list of ``(args, expected)``; ``slips`` a list of ``(slip, message)`` where
    ``slip(*args)`` is what a typical mistake returns for those args: a function that gives the
    slip's value on every case gets its message. The function returning None or ``...`` (its body
    not written yet) is "not answered yet".
    """
    if unanswered(fn):
        return Feedback(None, f"write {name}, then run the cell again.")
    if not callable(fn):
        return Feedback(False, f"{name} should be a function (def ...), got {type(fn).__name__}.")
    results = []
    for args, expected in cases:
        try:
            out = fn(*args)
        except Exception as error:  # the learner's code failing is feedback, not a crash
            return Feedback(False, f"{name} raised {type(error).__name__}: {error}")
        if unanswered(out):
            return Feedback(None, f"{name} returns {out!r}: write its body (replace the blank), then run the cell again.")
        a, problem = as_numbers(out, f"what {name} returns")
        if problem is not None:
            return problem
        results.append(a)
    if all(same(a, expected, rtol, atol) for a, (_, expected) in zip(results, cases)):
        return Feedback(True, f"{name} gives bplab's result on all {len(cases)} test cases.")
    for slip, message in slips:
        try:
            hit = all(same(a, slip(*args), rtol, atol) for a, (args, _) in zip(results, cases))
        except Exception:
            hit = False
        if hit:
            return Feedback(False, message)
    for a, (_, expected) in zip(results, cases):
        want = np.asarray(expected, dtype=float)
        if a.shape != want.shape:
            where = f"should return shape {want.shape}" if reveal_shape else "returns the wrong shape"
            return Feedback(False, f"{name} {where}; yours returns shape {a.shape}.")
    wrong = sum(not same(a, e, rtol, atol) for a, (_, e) in zip(results, cases))
    return Feedback(False, f"{name} differs from bplab on {wrong} of {len(cases)} test cases; recheck each step.")
