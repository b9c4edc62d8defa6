"""The notebooks' exercises, checked by id: an immediate, specific answer, never the solution.

In a notebook, an exercise is a blank and one call::

    from bplab.exercises import check
    answer = ...                 # the learner replaces ... with an expression (or writes a function's body)
    check("03.2", answer)        # notebook 03, exercise 2

The expected value and the hints live here (:mod:`bplab.exercises.notebooks`), computed from
bplab's own objects; the learner's cell holds neither. ``check`` returns a :class:`Feedback`
that shows itself as the cell's output: "not answered yet" while the answer is ``...``;
"correct"; or "not yet" with the hint for the slip it recognises (or the shape expected). It
never shows the expected value and never raises for a wrong answer.

- :func:`progress` is ``{exercise_id: correct}`` for the exercises checked in this kernel;
- :func:`summary` ("03") shows the learner's progress in one notebook (its last cell);
- :func:`require` is ``check`` that raises unless correct: nbgrader's autograded test cells run it;
- :func:`compare` is the judge behind every exercise, for a new exercise or a check of your own.
"""

from .feedback import Feedback, compare
from .registry import EXERCISES, Exercise, Summary, check, exercise, get, ids, progress, require, reset, summary

__all__ = ["Feedback", "compare", "check", "require", "progress", "summary", "reset", "ids", "get",
           "exercise", "Exercise", "EXERCISES", "Summary"]
