"""The stepper's LaTeX written as MathML, so a browser shows it with nothing fetched and no MathJax.

The stepper writes its formulas in a small part of LaTeX (the part this module reads):
numbers, letters, ``^`` and ``_`` scripts, ``{...}`` groups, ``\\frac``, ``\\begin{bmatrix}``,
``\\left( ... \\right)`` and ``\\left[ ... \\right]``, ``\\operatorname{..}``, ``\\text{..}``, ``\\hat``,
a few Greek letters and operators, and spaces (``\\,``, ``\\;``, ``\\quad``, ``\\qquad``).
Anything else raises ValueError naming the command, so a formula can never be dropped silently.

A formula line is cut where it may break: before each top-level ``=`` or ``\\leftarrow`` (so
"symbols = numbers = result" can wrap into "symbols", "= numbers", "= result"), at a top-level
``\\qquad``, and, inside such a piece, before a top-level ``+``, ``-`` or ``\\odot`` and between two
matrices written side by side (a product). Each piece is
its own ``<math>`` element in a wrapping flex box (see :func:`formula_lines`), so a line that does
not fit wraps, left-aligned, instead of overflowing. Matrices and tall brackets are drawn with CSS
borders (classes ``bplab-bmatrix``, ``bplab-paren``, ``bplab-brack``), which every current browser
draws the same way, with or without a math font.
"""

from __future__ import annotations

import re
from html import escape

GREEK = {
    "sigma": "σ", "delta": "δ", "Delta": "Δ", "eta": "η", "partial": "∂", "lambda": "λ", "alpha": "α", "theta": "θ",
}  # fmt: skip
OPERATORS = {
    "odot": "⊙", "cdot": "·", "times": "×", "leftarrow": "←", "rightarrow": "→", "sum": "∑", "approx": "≈", "cdots": "⋯",
}  # fmt: skip
FUNCTIONS = ("log", "tanh", "exp")
SPACES = {",": "0.17em", ";": "0.28em", "quad": "1em", "qquad": "2em", " ": "0.25em"}
IGNORED = ("textstyle", "displaystyle")
# A script (sub- or superscript) carries the class bplab-script: the stylesheet keeps it at least the
# stepper's smallest font, and never nesting smaller (the browser's own script scaling would make
# exponents unreadable in a lecture hall).
SCRIPT_CLASS = "bplab-script"

WIDE_MATRIX = 5  # columns; a wider matrix gets the class bplab-wide (a smaller font, see the stylesheet)
_TOKEN = re.compile(r"\\(?:text|operatorname)\{[^{}]*\}|\\[A-Za-z]+|\\.|\d+(?:\.\d+)?|[A-Za-z]|\S")


class _Parser:
    """Recursive descent over the tokens of one formula line; each method returns MathML strings."""

    def __init__(self, tex):
        self.tokens = _TOKEN.findall(tex)
        self.i = 0
        self.tex = tex

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def expect(self, token):
        t = self.take()
        if t != token:
            raise ValueError(f"formula {self.tex!r}: expected {token!r}, got {t!r}.")

    def group_text(self):
        """The tokens of a {...} group joined (an environment's name)."""
        self.expect("{")
        depth, out = 1, []
        while True:
            t = self.take()
            if t is None:
                raise ValueError(f"formula {self.tex!r}: unclosed {{.")
            if t == "{":
                depth += 1
            elif t == "}":
                depth -= 1
                if depth == 0:
                    return "".join(out)
            out.append(t)

    def items(self, stop=("}",)):
        """Top-level items (each a MathML string) until a stop token (not consumed) or the end."""
        out = []
        while self.peek() is not None and self.peek() not in stop:
            if self.peek() == "-" and self._unary(out):  # a minus sign of a number: one <mn>
                self.take()
                out.append(self.scripts(f"<mn>−{self.take()}</mn>"))
                continue
            atom = self.atom()
            if atom is None:
                continue
            out.append(self.scripts(atom))
        return out

    def _unary(self, before):
        """Is the '-' at the cursor the sign of the number after it (at the start, or after an operator)?"""
        after = self.tokens[self.i + 1] if self.i + 1 < len(self.tokens) else ""
        return bool(re.fullmatch(r"\d+(?:\.\d+)?", after)) and (not before or before[-1].startswith("<mo"))

    def argument(self):
        """One argument: a {group} or a single token's atom."""
        if self.peek() == "{":
            self.take()
            inner = self.items()
            self.expect("}")
            return _row(inner)
        return self.atom() or "<mrow></mrow>"

    def scripts(self, base):
        sub = sup = None
        while self.peek() in ("^", "_", "'"):
            t = self.take()
            if t == "'":
                sup = "<mo>′</mo>" if sup is None else sup
                continue
            arg = self.argument()
            if t == "^":
                sup = arg
            else:
                sub = arg
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{_with_class(sub, SCRIPT_CLASS)}{_with_class(sup, SCRIPT_CLASS)}</msubsup>"
        if sup is not None:
            return f"<msup>{base}{_with_class(sup, SCRIPT_CLASS)}</msup>"
        if sub is not None:
            return f"<msub>{base}{_with_class(sub, SCRIPT_CLASS)}</msub>"
        return base

    def atom(self):
        t = self.take()
        if t is None:
            return None
        if re.fullmatch(r"\d+(?:\.\d+)?", t):
            return f"<mn>{t}</mn>"
        if re.fullmatch(r"[A-Za-z]", t):
            return f"<mi>{t}</mi>"
        if t == "{":
            inner = self.items()
            self.expect("}")
            return _row(inner)
        if t in "+=,:;!|<>/*":
            return f"<mo>{escape(t)}</mo>"
        if t == "-":
            return "<mo>−</mo>"
        if t in "()[]":
            return f'<mo stretchy="false">{t}</mo>'
        if t.startswith("\\"):
            return self.command(t[1:])
        raise ValueError(f"formula {self.tex!r}: cannot read {t!r}.")

    def command(self, name):
        if name in GREEK:
            return f"<mi>{GREEK[name]}</mi>"
        if name in OPERATORS:
            return f"<mo>{OPERATORS[name]}</mo>"
        if name in FUNCTIONS:
            return f"<mi>{name}</mi>"
        if name in SPACES:
            return f'<mspace width="{SPACES[name]}"></mspace>'
        if name in IGNORED:
            return None
        if name.startswith("operatorname{"):
            return f"<mi>{escape(name[13:-1])}</mi>"
        if name.startswith("text{"):
            return f"<mtext>{escape(name[5:-1]).replace(' ', chr(0xA0))}</mtext>"
        if name == "hat":
            return f'<mover accent="true">{self.argument()}<mo>^</mo></mover>'
        if name == "frac":
            num, den = self.argument(), self.argument()
            return f"<mfrac>{num}{den}</mfrac>"
        if name == "left":
            opening = self.take()
            inner = self.items(stop=("\\right",))
            self.expect("\\right")
            self.take()  # the closing bracket
            cls = "bplab-brack" if opening == "[" else "bplab-paren"
            return f'<mrow class="{cls}">{"".join(inner)}</mrow>'
        if name == "begin":
            env = self.group_text()
            if env != "bmatrix":
                raise ValueError(f"formula {self.tex!r}: unknown environment {env!r}.")
            return self.matrix()
        raise ValueError(f"formula {self.tex!r}: unknown command \\{name}.")

    def matrix(self):
        rows, cells, cell, width = [], [], [], 0
        while True:
            t = self.peek()
            if t is None:
                raise ValueError(f"formula {self.tex!r}: unclosed bmatrix.")
            if t in ("&", "\\\\") or t == "\\end":
                self.take()
                cells.append(f"<mtd>{''.join(cell)}</mtd>")
                cell = []
                if t != "&":
                    rows.append(f"<mtr>{''.join(cells)}</mtr>")
                    width, cells = max(width, len(cells)), []
                if t == "\\end":
                    self.group_text()
                    wide = " bplab-wide" if width > WIDE_MATRIX else ""  # drawn a little smaller
                    return f'<mtable class="bplab-bmatrix{wide}">{"".join(rows)}</mtable>'
                continue
            if t == "-" and self._unary(cell):
                self.take()
                cell.append(self.scripts(f"<mn>−{self.take()}</mn>"))
                continue
            atom = self.atom()
            if atom is not None:
                cell.append(self.scripts(atom))


def _row(items):
    return items[0] if len(items) == 1 else f"<mrow>{''.join(items)}</mrow>"


def _with_class(element, cls):
    """Add a class to the outermost element of a MathML string."""
    tag = re.match(r"<(\w+)([^>]*)>", element)
    if 'class="' in tag.group(2):
        return element.replace('class="', f'class="{cls} ', 1)
    return f"<{tag.group(1)} class=\"{cls}\"{tag.group(2)}>" + element[tag.end():]


# ------------------------------------------------------------------ a line, cut into pieces
_BREAK_BEFORE = ("<mo>=</mo>", "<mo>←</mo>")
_SOFT_BREAK = ("<mo>+</mo>", "<mo>−</mo>", "<mo>⊙</mo>")
_WIDE_SPACE = f'<mspace width="{SPACES["qquad"]}"></mspace>'


def pieces(tex):
    """One line of LaTeX as [[chunk, ...], ...]: pieces cut before each top-level = or ←
    (and at a top-level \\qquad), each piece cut into chunks before a top-level +, − or ⊙.
    Every chunk is a MathML fragment (the content of one ``<math>`` element)."""
    parser = _Parser(tex)
    items = parser.items(stop=())
    out, piece, chunk = [], [], []
    for k, item in enumerate(items):
        if item == _WIDE_SPACE:
            piece.append(chunk)
            out.append(piece)
            piece, chunk = [], []
            continue
        if item in _BREAK_BEFORE and (chunk or piece):
            piece.append(chunk)
            out.append(piece)
            piece, chunk = [], []
        elif chunk and (
            (item in _SOFT_BREAK and items[k - 1] not in _BREAK_BEFORE)
            or (item.startswith("<mtable") and items[k - 1].startswith("<mtable"))  # a product of two matrices
        ):
            piece.append(chunk)
            chunk = []
        chunk.append(item)
    piece.append(chunk)
    out.append(piece)
    return [["".join(_infix(c)) for c in p if c] for p in out if any(p)]


def _infix(chunk):
    """A chunk that starts with =, ←, +, − or ⊙ (cut off its left operand) keeps the operator's spacing."""
    first = chunk[0]
    if first in _BREAK_BEFORE or first in _SOFT_BREAK:
        chunk = [first.replace("<mo>", '<mo form="infix">'), *chunk[1:]]
    return chunk


def math_element(content):
    return f'<math class="bplab-math">{content}</math>'


def formula_lines(tex):
    """A formula (lines separated by ``\\\\[..pt]``) as HTML: one ``div.bplab-math-line`` per line,
    each a wrapping row of pieces, each piece a wrapping row of ``<math>`` chunks."""
    out = []
    for line in re.split(r"\\\\\[\d+pt\]", tex):
        if not line.strip():
            continue
        parts = "".join(
            "<span class='bplab-math-piece'>" + "".join(math_element(c) for c in piece) + "</span>"
            for piece in pieces(line)
        )
        out.append(f"<div class='bplab-math-line'>{parts}</div>")
    return "".join(out)
