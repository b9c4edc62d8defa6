"""Gradient checking (梯度检验) by central differences.

For every parameter theta_i, the numerical derivative is

    (C(theta_i + h) - C(theta_i - h)) / (2 h),

and it is compared with backprop's by CS231n's relative error

    |g_bp - g_num| / max(|g_bp|, |g_num|)      (0 where both are 0).

Rules of thumb (float64): < 1e-7 is right; 1e-7 .. 1e-4 deserves a look;
> 1e-4 is almost surely a bug. Where a gradient is so small that the two
difference quotients are dominated by rounding (about 1e-16 |C| / h), the
relative error means nothing; the absolute error below ``atol`` then passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import positive_number
from .network import check_network


@dataclass
class Row:
    layer: int
    param: str  # "W" or "b"
    backprop: np.ndarray
    numeric: np.ndarray
    rel_error: float  # the largest over the entries
    abs_error: float
    passed: bool


class GradcheckReport:
    """The result of :func:`gradcheck`: one row per layer and parameter."""

    def __init__(self, rows, tol, atol, loss_value):
        self.rows = rows
        self.tol = tol
        self.atol = atol
        self.loss = loss_value

    @property
    def passed(self):
        return all(r.passed for r in self.rows)

    @property
    def max_rel_error(self):
        return max(r.rel_error for r in self.rows)

    def __getitem__(self, key):
        """``report[l, "W"]``: the row of layer l's W (or "b")."""
        for r in self.rows:
            if (r.layer, r.param) == tuple(key):
                return r
        raise KeyError(f"no row for layer {key[0]}, parameter {key[1]!r}")

    def raise_if_failed(self):
        if not self.passed:
            bad = [f"{r.param}^{r.layer} (relative error {r.rel_error:.2e})" for r in self.rows if not r.passed]
            raise AssertionError(f"gradient check failed (tol {self.tol:g}) for: " + ", ".join(bad))
        return self

    def table(self):
        head = f"{'layer':>5} {'param':>5} {'max |backprop|':>15} {'max rel error':>14} {'max abs error':>14}  result"
        lines = [head]
        for r in self.rows:
            verdict = "ok" if r.passed else "FAIL"
            lines.append(
                f"{r.layer:>5} {r.param:>5} {np.abs(r.backprop).max():>15.3e} {r.rel_error:>14.2e}"
                f" {r.abs_error:>14.2e}  {verdict}"
            )
        return "\n".join(lines)

    def __repr__(self):
        return self.table() + f"\n{'passed' if self.passed else 'FAILED'} (relative error tolerance {self.tol:g})"

    def _repr_html_(self):
        cells = "".join(
            f"<tr><td>{r.layer}</td><td>{r.param}</td><td>{np.abs(r.backprop).max():.3e}</td>"
            f"<td>{r.rel_error:.2e}</td><td>{r.abs_error:.2e}</td>"
            f"<td style='color:{'green' if r.passed else 'red'}'>{'ok' if r.passed else 'FAIL'}</td></tr>"
            for r in self.rows
        )
        return (
            "<table><tr><th>layer</th><th>param</th><th>max |backprop|</th><th>max rel error</th>"
            f"<th>max abs error</th><th>result</th></tr>{cells}</table>"
            f"<p>{'passed' if self.passed else 'FAILED'} (relative error tolerance {self.tol:g})</p>"
        )


def relative_error(a, b):
    """CS231n's elementwise relative error |a - b| / max(|a|, |b|), 0 where both are 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.maximum(np.abs(a), np.abs(b))
    return np.divide(np.abs(a - b), scale, out=np.zeros_like(scale), where=scale > 0)


def numeric_gradient(net, x, y, loss="half_sse", h=1e-5, weight_decay=0.0):
    """Central-difference gradient of ``net.loss`` for every parameter, laid out like ``net.theta``."""
    h = positive_number(h, "h (finite-difference step)")
    grad = np.empty_like(net.theta)
    theta = net.theta
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + h
        plus = net.loss(x, y, loss, weight_decay)
        theta[i] = old - h
        minus = net.loss(x, y, loss, weight_decay)
        theta[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def gradcheck(net, x, y, loss="half_sse", h=1e-5, tol=1e-7, atol=1e-12, weight_decay=0.0):
    """Compare backprop's gradients with central differences, layer by layer.

    Returns a :class:`GradcheckReport`; ``report.passed`` is True when every entry has
    relative error below ``tol`` (or absolute error below ``atol``).
    """
    check_network(net)
    tol = positive_number(tol, "tol")
    atol = positive_number(atol, "atol", allow_zero=True)
    positive_number(h, "h (finite-difference step)")
    weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
    if net.dtype != np.float64:
        raise ValueError(
            f"gradcheck needs a float64 network, got dtype {net.dtype.name}: with about 7 significant digits the"
            f" central differences carry rounding errors near 1e-3, far above tol={tol:g}, even when backprop is"
            " right. Rebuild the network with dtype='float64' to check its gradients."
        )
    grads = net.gradients(x, y, loss)
    numeric = numeric_gradient(net, x, y, loss, h, weight_decay)
    analytic = grads.flat.copy()
    aW, _ = net.layer_views(analytic)
    for l in range(1, net.L + 1):
        aW[l] += weight_decay * net.W[l]  # the gradient of lambda/2 ||W^l||^2 (weights only)
    return compare(net, analytic, numeric, tol, atol, grads.loss)


def compare(net, analytic, numeric, tol, atol, loss_value):
    """A :class:`GradcheckReport`: two gradients laid out like ``net.theta``, compared layer by layer."""
    aW, ab = net.layer_views(analytic)
    nW, nb = net.layer_views(numeric)
    rows = []
    for l in range(1, net.L + 1):
        pairs = [("W", aW[l], nW[l])] + ([("b", ab[l], nb[l])] if net.bias else [])
        for name, g_bp, g_num in pairs:
            rel = relative_error(g_bp, g_num)
            err = np.abs(g_bp - g_num)
            ok = bool(np.all((rel < tol) | (err < atol)))
            rows.append(Row(l, name, g_bp.copy(), g_num.copy(), float(rel.max()), float(err.max()), ok))
    return GradcheckReport(rows, tol, atol, loss_value)
