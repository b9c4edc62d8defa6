"""bplab.exercises: the judge, the registry of the notebooks' exercises, progress, and the learner's edition."""

import re

import nbformat
import numpy as np
import pytest

import bplab
import bplab.exercises as E
from bplab.exercises import check, compare, nb01_07, nb08_14, slips
from bplab.tools import editions

# ---------------------------------------------------------------- the judge


def test_unanswered_correct_and_hinted_answers():
    assert compare(..., 1.0).ok is None
    assert compare(None, 1.0).ok is None
    assert compare([1.0, 2.0], [1.0, 2.0]).ok is True
    fb = compare(-1.0, 1.0, name="delta", hints=[(-1.0, "Check the sign.")])
    assert fb.ok is False and fb.message == "Check the sign."
    fb = compare(3.0, 1.0, hints=[(lambda a: a > 2, "Too large.")])
    assert fb.message == "Too large."


def test_feedback_never_reveals_the_expected_value():
    fb = compare(0.25, 0.123456789, name="a^1")
    assert not fb.ok and "0.123" not in fb.message and "0.123" not in fb._repr_html_()
    assert "shape (2,)" in compare([1, 2, 3], [1, 2]).message


def test_the_shape_stays_hidden_when_it_is_the_question():
    fb = compare(np.zeros((3, 5)), np.zeros((5, 3)), name="Z_1", reveal_shape=False)
    assert fb.ok is False and "(5, 3)" not in fb.message and "(3, 5)" in fb.message


def test_text_answers_and_malformed_hints():
    assert compare("0.5", 0.5).ok is False
    with pytest.raises(TypeError, match=r"hints must be a list of \(condition, message\) pairs"):
        compare(1.0, 1.0, hints=5)
    with pytest.raises(TypeError, match="hints must be"):
        compare(1.0, 1.0, hints=[(1,)])


# issue 14: a complex, NaN or wrong-shape answer is never correct
@pytest.mark.parametrize("answer, expected, said", [
    (np.array([[1.0, 2.0]]), [1.0, 2.0], "shape (2,)"),            # values that would match after a reshape
    (np.array([1.0, 2.0]), [[1.0], [2.0]], "shape (2, 1)"),
    ([1.0], 1.0, "a single number"),
    (np.array([1.0 + 0j, 2.0]), [1.0, 2.0], "complex"),             # complex even with a zero imaginary part
    (1.0 + 1e-20j, 1.0, "complex"),
    (np.nan, np.nan, "NaN"),                                          # NaN is never equal, not even to NaN
    ([np.nan, 1.0], [1.0, 1.0], "NaN"),
    (np.inf, np.inf, "infinity"),
    (True, 1.0, "truth value"),
    ([[1.0, 2.0], [3.0]], [1.0, 2.0], "rectangular"),
])
def test_complex_nan_and_wrong_shape_answers_are_never_correct(answer, expected, said):
    fb = compare(answer, expected, name="x")
    assert fb.ok is False and said in fb.message


def test_a_hint_that_cannot_apply_is_skipped_not_raised():
    fb = compare(np.zeros(3), np.ones(3), hints=[(lambda a: a["key"], "never"), (np.zeros(3), "zeros")])
    assert fb.message == "zeros"


# ---------------------------------------------------------------- the registry


def _recorded():
    """For every exercise judged by a value: (id, expected, hints, options), recorded by calling its judge."""
    recorded = {}
    real = compare

    def recorder(answer, expected, **kw):
        recorded["last"] = (expected, kw)
        return real(answer, expected, **kw)

    out = []
    modules = (nb01_07, nb08_14)  # where the exercises are defined, each with its own name for compare
    for module in modules:
        module.compare = recorder
    try:
        for i in E.ids():
            recorded.pop("last", None)
            E.get(i).judge(0.0)
            if "last" in recorded:
                out.append((i, *recorded["last"]))
    finally:
        for module in modules:
            module.compare = real
    return out


VALUE_EXERCISES = _recorded()
FUNCTION_EXERCISES = sorted(set(E.ids()) - {i for i, _, _ in VALUE_EXERCISES})


def test_exercise_ids_are_notebook_dot_number_and_number_from_one():
    by_nb = {}
    for i in E.ids():
        nn, k = re.fullmatch(r"(\d\d)\.(\d+)", i).groups()
        by_nb.setdefault(nn, []).append(int(k))
    for nn, ks in by_nb.items():
        assert ks == list(range(1, len(ks) + 1)), f"notebook {nn}: {ks}"
    assert len(E.ids()) >= 40 and FUNCTION_EXERCISES  # both kinds exist


@pytest.mark.parametrize("exercise_id, expected, options", [(i, e, kw) for i, e, kw in VALUE_EXERCISES],
                         ids=[i for i, _, _ in VALUE_EXERCISES])
def test_each_value_exercise_takes_its_truth_and_recognises_each_slip(exercise_id, expected, options):
    want = np.asarray(expected, dtype=float)
    assert check(exercise_id, expected).ok is True
    assert check(exercise_id, ...).ok is None
    # never correct: complex, NaN, reshaped (issue 14)
    assert check(exercise_id, want + 0j).ok is False
    assert check(exercise_id, np.full(want.shape, np.nan)).ok is False
    assert check(exercise_id, want.reshape(1, *want.shape)).ok is False
    # every slip given as a value is a 'not yet' whose hint is the first one matching it, and not the truth
    messages = [m for _, m in options.get("hints", [])]
    for condition, message in options.get("hints", []):
        if callable(condition):
            continue
        fb = check(exercise_id, condition)
        assert fb.ok is False, f"{exercise_id}: the slip for {message!r} is accepted as correct"
        assert fb.message in messages[: messages.index(message) + 1]
    # the feedback on a wrong answer never contains the expected value
    wrong = check(exercise_id, want + 1.0)
    shown = [f"{v:.4g}" for v in want.ravel() if abs(v) > 1e-3 and v not in range(-1, 11)]
    assert wrong.ok is False and not any(s in wrong.message for s in shown)


def _messages(exercise_id, answers):
    return [check(exercise_id, a) for a in answers]


def test_hints_for_the_slips_measured_in_issue_11():
    # notebook 03: the learner's own objects, rebuilt here the way the notebook builds them
    net = bplab.Network([2, 3, 2, 2], activations="sigmoid", seed=3)   # notebook 03's example network
    trace = net.forward(np.array([0.5, -1.0]))
    grads = net.backward(trace, np.array([1.0, 0.0]))
    d2, W2, a1 = grads.delta[2], net.weights[2], trace.a[1]
    fp1 = a1 * (1 - a1)
    assert check("03.2", (W2.T @ d2) * fp1 * fp1).message == slips.FPRIME_TWICE           # f' applied twice in BP2
    assert check("03.2", W2.T @ d2).message == slips.FORGOT_FPRIME                          # forgetting f'
    assert check("03.3", np.outer(a1, d2)).message.startswith(slips.TRANSPOSED)             # a transposed matrix
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 2))
    P, n = net.predict(X), len(X)
    assert "Square the norms" in check("03.5", np.sum(np.linalg.norm(Y - P, axis=1)) / (2 * n)).message
    assert "np.mean" in check("03.5", np.mean((Y - P) ** 2) / 2).message                 # mean/2
    assert check("03.5", np.sum((Y - P) ** 2) / 2).message.startswith(slips.MISSING_1_OVER_M)  # a missing 1/m
    # a gradient step with the wrong sign
    wb, _, _ = bplab.worked_example("matrix")
    g = wb.gradients(*bplab.worked_example("matrix")[1:])
    w, dw = wb.weights[1][0, 0], g.dW[1][0, 0]
    assert check("08.3", w + bplab.examples.LEARNING_RATE * (dw + w)).message == slips.WRONG_STEP_SIGN


def test_notebook_09s_central_difference_does_not_accept_backprop():
    rng = np.random.default_rng(1)
    net = bplab.Network([2, 4, 3, 2], activations="sigmoid", seed=1)
    x, y = rng.normal(size=2), rng.uniform(size=2)
    backprop = net.gradients(x, y).dW[2][0, 1]
    plus, minus = net.copy(), net.copy()
    plus.weights[2][0, 1] += 1e-5
    minus.weights[2][0, 1] -= 1e-5
    central = (plus.loss(x, y) - minus.loss(x, y)) / (2 * 1e-5)
    assert check("09.1", central).ok is True
    assert check("09.1", (plus.loss(x, y) - minus.loss(x, y)) / 2 / 1e-5).ok is True  # the same, written otherwise
    fb = check("09.1", backprop)
    assert fb.ok is False and "backprop" in fb.message


# the functions a learner writes: a right one passes, each slip gets its hint, the blank is unanswered

def _blank(*args):
    """A function whose body is still only its docstring."""


FUNCTIONS = {
    "02.1": (lambda W1, W2, W3, x: bplab.Network.from_weights(
        [W1, W2, W3], None, activations=[["sigmoid", "tanh", "relu"], "sigmoid", "sigmoid"]).forward(x).output,
        lambda W1, W2, W3, x: W3 @ (W2 @ (W1 @ x)), "after its matrix product"),
    "02.4": (lambda W, b: np.column_stack([b, W]), lambda W, b: np.column_stack([W, b]), "bias column must come first"),
    "02.5": (lambda W1, X: (W1 @ X.T).T, lambda W1, X: W1 @ X.T, "one sample per ROW"),
    "03.1": (lambda a, y: (a - y) * a * (1 - a), lambda a, y: (a - y) * (a * (1 - a)) ** 2, "f' is applied twice"),
    "13.1": (lambda cm: np.diag(cm).sum() / cm.sum(), lambda cm: 100 * np.diag(cm).sum() / cm.sum(), "not a percentage"),
    "14.2": (lambda net, image: net.predict(image).argmax(), lambda net, image: net.predict(image).max(), "POSITION"),
    "14.3": (lambda cm: (cm.sum(axis=1) - cm.diagonal()).argmax(), lambda cm: cm.diagonal().argmin(), "fewest correct"),
}


def test_every_function_exercise_is_tested_here():
    assert sorted(FUNCTIONS) == FUNCTION_EXERCISES


@pytest.mark.parametrize("exercise_id", sorted(FUNCTIONS))
def test_function_exercises(exercise_id):
    right, slip, hint = FUNCTIONS[exercise_id]
    assert check(exercise_id, right).ok is True
    fb = check(exercise_id, slip)
    assert fb.ok is False and hint in fb.message
    assert check(exercise_id, _blank).ok is None
    assert check(exercise_id, ...).ok is None
    assert check(exercise_id, 3.0).ok is False                       # not a function
    raised = check(exercise_id, lambda *args: 1 / 0)
    assert raised.ok is False and "ZeroDivisionError" in raised.message
    assert check(exercise_id, lambda *args: 1j).ok is False          # complex is never right


# ---------------------------------------------------------------- progress, summary, require


def test_progress_records_the_latest_verdict_per_exercise():
    E.reset()
    assert E.progress() == {}
    check("06.1", ...)
    assert E.progress() == {}                                        # a blank is not an attempt
    check("06.1", 3)
    assert E.progress() == {"06.1": False}
    check("06.1", 2)
    assert E.progress() == {"06.1": True}
    s = E.summary("06")
    assert (s.correct, s.total) == (1, 5) and "1 of 5" in repr(s) and "not tried" in s._repr_html_()
    assert E.summary(6).rows == s.rows
    E.reset()
    assert E.summary("06").correct == 0


def test_require_raises_unless_correct():
    assert E.require("06.1", 2) is None and E.progress()["06.1"] is True
    with pytest.raises(AssertionError, match="06.1"):
        E.require("06.1", 3)
    with pytest.raises(AssertionError, match="Not answered yet"):
        E.require("06.1", ...)


@pytest.mark.parametrize("bad", ["6.1", "99.1", 6.1, None])
def test_unknown_exercises_and_notebooks_are_named(bad):
    with pytest.raises(ValueError, match="exercise_id must be one of the registered exercises"):
        check(bad, 1)
    with pytest.raises(ValueError, match="notebook must be one of the notebooks with exercises"):
        E.summary(bad)


# ---------------------------------------------------------------- the learner's edition holds no answer

CHECK_CALL = re.compile(r"\bcheck\(")
BARE_CHECK = re.compile(r'check\("(\d\d)\.(\d+)", ([A-Za-z_]\w*)\)')


def _code_cells(path):
    return [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]


def test_every_check_in_the_learner_edition_is_an_id_and_a_name():
    seen = []
    for path in sorted(editions.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        for cell in _code_cells(path):
            for line in cell.source.splitlines():
                if CHECK_CALL.search(line):
                    match = BARE_CHECK.fullmatch(line.strip())
                    assert match, f"{path.name}: {line.strip()!r} is not check(\"NN.k\", name)"
                    assert match.group(1) == path.stem[:2], f"{path.name} checks another notebook's exercise"
                    seen.append(f"{match.group(1)}.{match.group(2)}")
            assert editions.BEGIN not in cell.source and editions.END not in cell.source
    assert sorted(seen) == sorted(E.ids()), "each registered exercise is checked exactly once"


def test_the_learner_blanks_are_empty():
    """In the learner's edition an exercise cell assigns only ... to its answer (or leaves a function's body empty)."""
    for path in sorted(editions.NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        for cell in _code_cells(path):
            match = BARE_CHECK.search(cell.source)
            if match:
                name = match.group(3)
                assigned = re.findall(rf"^{name} = (.*)$", cell.source, flags=re.M)
                defined = re.search(rf"^def {name}\(", cell.source, flags=re.M)
                assert assigned == ["..."] or (defined and not assigned), f"{path.name}: {name} is given a value"


def test_every_notebook_with_exercises_ends_with_its_summary():
    for nn in sorted({i[:2] for i in E.ids()}):
        path = next(editions.NOTEBOOKS.glob(f"{nn}-*.ipynb"))
        assert f'summary("{nn}")' in _code_cells(path)[-1].source
