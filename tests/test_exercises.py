from bplab.exercises import check


def test_unanswered_correct_and_hinted_answers():
    assert check(..., 1.0).ok is None
    assert check([1.0, 2.0], [1.0, 2.0]).ok is True
    fb = check(-1.0, 1.0, name="delta", hints=[(-1.0, "Check the sign.")])
    assert fb.ok is False and fb.message == "Check the sign."
    fb = check(3.0, 1.0, hints=[(lambda a: a > 2, "Too large.")])
    assert fb.message == "Too large."


def test_feedback_never_reveals_the_expected_value():
    fb = check(0.25, 0.123456789, name="a^1")
    assert not fb.ok and "0.123" not in fb.message and "0.123" not in fb._repr_html_()
    assert "shape (2,)" in check([1, 2, 3], [1, 2]).message


def test_text_answers_and_malformed_hints():
    import pytest

    assert check("0.5", 0.5).ok is False
    with pytest.raises(TypeError, match=r"hints must be a list of \(condition, message\) pairs"):
        check(1.0, 1.0, hints=5)
    with pytest.raises(TypeError, match="hints must be"):
        check(1.0, 1.0, hints=[(1,)])
