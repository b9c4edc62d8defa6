"""The shape every check's report shares: what failed, whether it passed, and an error when it did not.

:class:`bplab.gradcheck.GradcheckReport` (also what ``variants.check_backward`` returns),
:class:`bplab.symbolic.ThreeWayReport`, :class:`bplab.symbolic.BPReport` and
:class:`bplab.notation.Comparison` each say what failed, one phrase per failure, in
``failures()``, and how to show themselves in ``table()`` and ``summary()``; ``passed``,
``raise_if_failed`` and the text form are written once, here.
"""

from __future__ import annotations

import html


class CheckReport:
    """Base of the reports; a subclass defines ``failures()``, ``table()`` and ``failure_intro``."""

    failure_intro = "check failed for"  # how raise_if_failed's message begins

    def failures(self):
        """One phrase per failed entry (empty when everything passed)."""
        raise NotImplementedError

    @property
    def passed(self):
        return not self.failures()

    def raise_if_failed(self):
        """Raise AssertionError naming every failure, with the table; return the report when all passed."""
        bad = self.failures()
        if bad:
            raise AssertionError(f"{self.failure_intro}: " + "; ".join(bad) + f"\n{self.table()}")
        return self

    def summary(self):
        return "passed" if self.passed else "FAILED"

    def __repr__(self):
        return f"{self.table()}\n{self.summary()}"


def html_table(columns, rows, intro="", outro="", nowrap=False):
    """An HTML table whose last column is a coloured verdict, with optional HTML before and after.

    ``rows``: ``(cells, verdict, colour)``, the cells already HTML (numbers, or text passed
    through ``html.escape``); the verdict is escaped here.
    """
    head = "".join(f"<th>{c}</th>" for c in columns)
    # nowrap goes on each cell (a table-wide style is overridden by JupyterLab's cell style), and not on the
    # verdict, which may wrap: a number broken at its "e-" is misread.
    td = "<td style='white-space:nowrap'>" if nowrap else "<td>"
    body = "".join(
        "<tr>" + "".join(f"{td}{c}</td>" for c in cells) + f"<td style='color:{colour}'>{html.escape(verdict)}</td></tr>"
        for cells, verdict, colour in rows
    )
    return f"{intro}<table><tr>{head}</tr>{body}</table>{outro}"


def verdict_color(verdict):
    """The colour of a verdict in an HTML table: red for a failure, green for ok, amber for a remark."""
    if verdict.startswith("FAIL"):
        return "red"
    return "green" if verdict == "ok" else "#b35900"
