"""How the stepper writes a number: the same significant digits in a diagram's box, a formula and a table.

    text_number(-6.141631e-06)   # '-6.1416×10⁻⁶'   (boxes and tables)
    tex_number(-6.141631e-06)    # '-6.1416 \\times 10^{-6}'   (formulas)
    parse_number('-6.1416×10⁻⁶')  # -6.1416e-06      (what a test reads back from the page)
"""

from __future__ import annotations

import re

import numpy as np

_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_FROM_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def _mantissa_exponent(v, digits):
    """``digits`` significant digits of v as (mantissa text, power of ten or None)."""
    s = f"{float(v):.{digits}g}"
    if "e" in s:
        mant, exp = s.split("e")
        return mant, int(exp)
    return s, None


def tex_number(v, digits=5):
    """A number for LaTeX: ``digits`` significant digits, powers of ten written out."""
    if float(v) == 0:
        return "0"
    mant, exp = _mantissa_exponent(v, digits)
    return mant if exp is None else rf"{mant} \times 10^{{{exp}}}"


def tex_factor(v, digits=5):
    """A number as a factor of a product: negative numbers and powers of ten in parentheses."""
    s = tex_number(v, digits)
    return f"({s})" if float(v) < 0 or r"\times" in s else s


def text_number(v, digits=5):
    """A number as plain text with ``digits`` significant digits, as the formulas write it:
    '5', '0.99331', '-6.1416×10⁻⁶'."""
    if float(v) == 0:
        return "0"
    mant, exp = _mantissa_exponent(v, digits)
    return mant if exp is None else f"{mant}×10{str(exp).translate(_SUPERSCRIPTS)}"


def parse_number(text):
    """The float that :func:`text_number` wrote (its digits only, not the full value)."""
    m = re.fullmatch(r"\s*(-?[\d.]+(?:e[-+]?\d+)?)(?:×10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?\s*", str(text))
    if not m:
        raise ValueError(f"text must be a number as the stepper writes it (e.g. '-6.1416×10⁻⁶'), got {text!r}.")
    value = float(m.group(1))
    return value * 10.0 ** int(m.group(2).translate(_FROM_SUPERSCRIPTS)) if m.group(2) else value


def sup(text):
    """Plain text with ``^12`` written as superscripts: "W^12" -> "W¹²"."""
    return re.sub(r"\^(-?\d+)", lambda m: m.group(1).translate(_SUPERSCRIPTS), str(text))


def bmatrix(M, digits=5):
    """A vector (shown as a column) or a matrix as a LaTeX bmatrix."""
    M = np.asarray(M, dtype=float)
    if M.ndim == 1:
        M = M[:, None]
    rows = [" & ".join(tex_number(v, digits) for v in row) for row in M]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def digits_to_show_change(old, change, digits):
    """Significant digits with which ``old + change`` prints differently from ``old`` in every
    entry whose value the change moves: the usual ``digits`` when the changes are large enough,
    up to 16 (all a float64 holds) for tiny ones. An entry whose float does not move at all
    (a change below its last bit) cannot show, and does not count."""
    old, change = np.asarray(old, dtype=float), np.asarray(change, dtype=float)
    moved = (old + change != old) & (old != 0) & np.isfinite(old + change)
    if not moved.any():
        return digits
    needed = np.floor(np.log10(np.abs(old[moved]))) - np.floor(np.log10(np.abs(change[moved]))) + 2
    return int(min(16, max(digits, needed.max())))
