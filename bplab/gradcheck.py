"""Gradient checking (梯度检验) by central differences.

For every parameter theta_i, the numerical derivative is

    (C(theta_i + h) - C(theta_i - h)) / (2 h),

and it is compared with backprop's by CS231n's relative error

    |g_bp - g_num| / max(|g_bp|, |g_num|)      (0 where both are 0).

Rules of thumb (float64): < 1e-7 is right; 1e-7 .. 1e-4 deserves a look;
> 1e-4 is almost surely a bug. Where a gradient is so small that the two
difference quotients are dominated by rounding (about 1e-16 |C| / h), the
relative error means nothing; the absolute error below ``atol`` then passes.

Two places where a central difference cannot judge backprop, and what gradcheck does:

* **A step below the rounding floor.** The loss values carry float64 rounding of about
  eps |C| (eps = 2.2e-16), and theta_i +- h itself is rounded by eps |theta_i|; divided by
  2h, these errors reach tol once h < eps max(1, |theta|_max) / tol (2.2e-9 for tol = 1e-7).
  Below that floor the check would fail right gradients, so such an ``h`` is refused.
* **A kink.** relu and leaky_relu have no derivative at z = 0: backprop uses the
  convention f'(0) = 0 (leaky_relu: its slope below 0), while a central difference whose
  step carries z across 0 averages the two slopes. Entries whose parameter, moved by +-h,
  moves some relu/leaky_relu input onto or across 0 are flagged "at a kink" and not judged
  (``Row.at_kink``); the report says how many.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from .errors import positive_number
from .network import check_network
from .reports import CheckReport, html_table

EPS = float(np.finfo(np.float64).eps)
KINKED_ACTIVATIONS = frozenset({"relu", "leaky_relu"})  # their derivative jumps at z = 0


@dataclass
class Row:
    layer: int
    param: str  # "W" or "b"
    backprop: np.ndarray
    numeric: np.ndarray
    rel_error: float  # the largest over the entries that are judged (not at a kink)
    abs_error: float
    passed: bool
    at_kink: np.ndarray = None  # True where the central difference straddles a relu kink (not judged)

    @property
    def kinked(self):
        """How many of this row's entries sit at a kink."""
        return 0 if self.at_kink is None else int(self.at_kink.sum())

    @property
    def verdict(self):
        base = "ok" if self.passed else "FAIL"
        return base + (f" ({self.kinked} at a kink, not judged)" if self.kinked else "")


class GradcheckReport(CheckReport):
    """The result of :func:`gradcheck`: one row per layer and parameter."""

    def __init__(self, rows, tol, atol, loss_value):
        self.rows = rows
        self.tol = tol
        self.atol = atol
        self.loss = loss_value
        self.failure_intro = f"gradient check failed (tol {tol:g}) for"

    def failures(self):
        return [f"{r.param}^{r.layer} (relative error {r.rel_error:.2e})" for r in self.rows if not r.passed]

    @property
    def max_rel_error(self):
        return max(r.rel_error for r in self.rows)

    def __getitem__(self, key):
        """``report[l, "W"]``: the row of layer l's W (or "b")."""
        for r in self.rows:
            if (r.layer, r.param) == tuple(key):
                return r
        raise KeyError(f"no row for layer {key[0]}, parameter {key[1]!r}")

    def table(self):
        head = f"{'layer':>5} {'param':>5} {'max |backprop|':>15} {'max rel error':>14} {'max abs error':>14}  result"
        lines = [head]
        for r in self.rows:
            verdict = r.verdict
            lines.append(
                f"{r.layer:>5} {r.param:>5} {np.abs(r.backprop).max():>15.3e} {r.rel_error:>14.2e}"
                f" {r.abs_error:>14.2e}  {verdict}"
            )
        return "\n".join(lines)

    def summary(self):
        text = f"{'passed' if self.passed else 'FAILED'} (relative error tolerance {self.tol:g})"
        kinked = sum(r.kinked for r in self.rows)
        if kinked:
            text += (
                f"; {kinked} entries not judged: moving their parameter by +-h carries a relu/leaky_relu input across"
                " its kink at 0, where backprop's f'(0) is a convention and the central difference averages two slopes"
            )
        return text

    def _repr_html_(self):
        rows = [
            ([r.layer, r.param, f"{np.abs(r.backprop).max():.3e}", f"{r.rel_error:.2e}", f"{r.abs_error:.2e}"],
             r.verdict, "green" if r.passed else "red")
            for r in self.rows
        ]
        columns = ["layer", "param", "max |backprop|", "max rel error", "max abs error", "result"]
        return html_table(columns, rows, outro=f"<p>{html.escape(self.summary())}</p>")


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


def rounding_floor(net, tol):
    """The smallest step h whose rounding errors stay below ``tol``: eps max(1, |theta|_max) / tol."""
    return EPS * max(1.0, float(np.abs(net.theta).max(initial=0.0))) / tol


def check_step_and_tolerances(net, h, tol, atol, who="gradcheck"):
    """``(h, tol, atol)`` checked for a float64 network: h positive and above :func:`rounding_floor`."""
    tol = positive_number(tol, "tol")
    atol = positive_number(atol, "atol", allow_zero=True)
    h = positive_number(h, "h (finite-difference step)")
    if net.dtype != np.float64:
        raise ValueError(
            f"{who} needs a float64 network, got dtype {net.dtype.name}: with about 7 significant digits the"
            f" central differences carry rounding errors near 1e-3, far above tol={tol:g}, even when backprop is"
            " right. Rebuild the network with dtype='float64' to check its gradients."
        )
    floor = rounding_floor(net, tol)
    if h < floor:
        raise ValueError(
            f"h (finite-difference step) must be at least the rounding floor eps * max(1, largest |parameter|) / tol"
            f" = {EPS:.1e} * {max(1.0, float(np.abs(net.theta).max(initial=0.0))):.3g} / {tol:g} = {floor:.1e}: below it,"
            f" float64 rounding of the loss and of theta +- h, divided by 2h, exceeds tol even for a right gradient;"
            f" got h = {h:g}. The usual step is h = 1e-5."
        )
    return h, tol, atol


def kink_crossings(net, x, h):
    """Boolean mask laid out like ``net.theta``: True where moving that parameter by +h or -h moves
    some relu/leaky_relu input z (of any sample) onto or across 0, so that a central difference
    with step h straddles the kink. All False for a network without such neurons."""
    kinked = {
        l: np.array([name in KINKED_ACTIVATIONS for name in net.layer_activation(l).names])
        for l in range(1, net.L + 1)
    }
    kinked = {l: m for l, m in kinked.items() if m.any()}
    out = np.zeros(net.theta.size, dtype=bool)
    if not kinked:
        return out

    def sides():
        trace = net.forward(x)
        return [np.sign(trace.z[l][..., m]) for l, m in kinked.items()]

    base = sides()
    theta = net.theta
    for i in range(theta.size):
        old = theta[i]
        try:
            for step in (h, -h):
                theta[i] = old + step
                if any(not np.array_equal(moved, before) for moved, before in zip(sides(), base)):
                    out[i] = True
        finally:
            theta[i] = old  # the network is left as it was, whatever happens
    return out


def compare_gradients(net, analytic, numeric, tol, atol, loss_value, at_kink=None):
    """A :class:`GradcheckReport` comparing two gradients laid out like ``net.theta``, one
    :class:`Row` per layer and parameter.

    An entry passes when its relative error is below ``tol`` or its absolute error below
    ``atol``; entries marked in ``at_kink`` are not judged (and not in the row's errors).
    """
    if at_kink is None:
        at_kink = np.zeros(net.theta.size, dtype=bool)
    aW, ab = net.layer_views(analytic)
    nW, nb = net.layer_views(numeric)
    kW, kb = net.layer_views(at_kink.astype(float))
    rows = []
    for l in range(1, net.L + 1):
        pairs = [("W", aW[l], nW[l], kW[l])] + ([("b", ab[l], nb[l], kb[l])] if net.bias else [])
        for name, g_bp, g_num, kink in pairs:
            kink = kink.astype(bool)
            rel = np.where(kink, 0.0, relative_error(g_bp, g_num))
            err = np.where(kink, 0.0, np.abs(g_bp - g_num))
            ok = bool(np.all((rel < tol) | (err < atol)))
            rows.append(Row(l, name, g_bp.copy(), g_num.copy(), float(rel.max()), float(err.max()), ok, kink))
    return GradcheckReport(rows, tol, atol, loss_value)


def gradcheck(net, x, y, loss="half_sse", h=1e-5, tol=1e-7, atol=1e-12, weight_decay=0.0):
    """Compare backprop's gradients with central differences, layer by layer.

    Returns a :class:`GradcheckReport`; ``report.passed`` is True when every entry has
    relative error below ``tol`` (or absolute error below ``atol``), entries at a relu kink
    aside (see the module docstring). ``h`` below the rounding floor is refused.
    """
    check_network(net)
    h, tol, atol = check_step_and_tolerances(net, h, tol, atol)
    weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
    grads = net.gradients(x, y, loss)
    numeric = numeric_gradient(net, x, y, loss, h, weight_decay)
    analytic = grads.flat.copy()
    aW, _ = net.layer_views(analytic)
    for l in range(1, net.L + 1):
        aW[l] += weight_decay * net.W[l]  # the gradient of lambda/2 ||W^l||^2 (weights only)
    return compare_gradients(net, analytic, numeric, tol, atol, grads.loss, kink_crossings(net, x, h))
