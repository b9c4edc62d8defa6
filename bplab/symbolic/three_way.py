"""three_way_check: sympy, backprop and central differences compared entry by entry."""

from __future__ import annotations

import html
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from ..errors import show, positive_number
from ..network import check_network
from ..reports import CheckReport, html_table, verdict_color
from .exact import check_digits, compiled_for, to_mpf


@dataclass
class ThreeWayEntry:
    layer: int
    param: str
    index: tuple  # 1-based (j, k) for W, (j,) for b
    sympy: float  # exact derivative, rounded to float64 for display
    backprop: float
    fd64: float  # float64 central difference (bplab.gradcheck.numeric_gradient)
    fd_hp: float  # central difference of the exact loss at high precision (tiny step)
    fd_trunc: float  # central difference of the exact loss at high precision, same step h as fd64
    status: str  # "ok", "fd64 rounding-limited", AT_KINK, "FAIL: ..."

    @property
    def rel_backprop(self):
        return _rel(self.backprop, self.sympy)

    @property
    def rel_fd64(self):
        return _rel(self.fd64, self.sympy)

    @property
    def rel_fd_hp(self):
        return _rel(self.fd_hp, self.sympy)

    @property
    def name(self):
        sub = ",".join(str(i) for i in self.index)
        return f"{'w' if self.param == 'W' else 'b'}^{self.layer}_{sub}"


def _rel(a, b):
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


AT_KINK = "at a kink: central differences not judged"


class ThreeWayReport(CheckReport):
    """sympy vs backprop vs central differences, one :class:`ThreeWayEntry` per parameter.

    Columns: the exact derivative (sympy), backprop (float64), the float64 central
    difference with step h (what :func:`bplab.gradcheck` does), and the central
    difference of the EXACT loss at high precision with a tiny step. The float64 central
    difference has two errors: truncation (O(h^2), measured by the high-precision
    difference with the same h) and rounding (the float64 loss values are off by ~1e-16 of
    their size, divided by 2h). Where the gradient is tiny, rounding dominates; such entries
    are marked "fd64 rounding-limited" (shown, counted, not hidden), and pass only because
    the other two oracles agree to 1e-7 there.
    """

    def __init__(self, entries, loss, loss_exact, h, rtol, loss_error=0.0):
        self.entries = entries
        self.loss_error = loss_error  # |float64 loss - exact loss| at the current parameters
        self.loss = loss
        self.loss_exact = loss_exact
        self.h = h
        self.rtol = rtol

    failure_intro = "three-way gradient check failed for"

    def failures(self):
        return [f"{e.name} ({e.status})" for e in self.entries if e.status.startswith("FAIL")]

    @property
    def at_kink(self):
        return [e for e in self.entries if e.status == AT_KINK]

    @property
    def rounding_limited(self):
        return [e for e in self.entries if e.status == "fd64 rounding-limited"]

    def __getitem__(self, key):
        """``report[l, "W"]``: the entries of W^l (or "b")."""
        rows = [e for e in self.entries if (e.layer, e.param) == tuple(key)]
        if not rows:
            raise KeyError(f"no entries for layer {key[0]}, parameter {key[1]!r}")
        return rows

    def summary(self):
        n = len(self.entries)
        worst_bp = max(e.rel_backprop for e in self.entries)
        worst_hp = max((e.rel_fd_hp for e in self.entries if e.status != AT_KINK), default=0.0)
        lines = [
            f"{'PASSED' if self.passed else 'FAILED'}: {n} parameters; backprop vs sympy max relative error {worst_bp:.1e},"
            f" high-precision central difference vs sympy {worst_hp:.1e} (tolerance {self.rtol:g})."
        ]
        kinked = self.at_kink
        if kinked:
            lines.append(
                f"{len(kinked)} of {n} entries ({', '.join(e.name for e in kinked)}) sit at a relu/leaky_relu kink: moving"
                f" the parameter by +-h carries some z across 0, where the loss has no derivative (backprop and sympy"
                " use f'(0) = the slope below 0; a central difference averages both slopes), so only backprop vs"
                " sympy is judged there."
            )
        rl = self.rounding_limited
        if rl:
            worst = max(rl, key=lambda e: e.rel_fd64)
            lines.append(
                f"{len(rl)} of {n} float64 central differences (h = {self.h:g}) are rounding-limited: e.g. {worst.name}"
                f" = {worst.sympy:.3e} has float64 relative error {worst.rel_fd64:.1e}. Rounding: the float64 loss"
                f" {self.loss:.6e} is itself off by {self.loss_error:.1e} from the exact loss, and dividing such"
                f" errors by 2h = {2 * self.h:g} gives errors of order {self.loss_error / self.h:.0e}, not small next to"
                f" so small a gradient. Truncation, the other error of a central difference, is only"
                f" {abs(worst.fd_trunc - worst.sympy):.1e} for this step (computed in exact arithmetic)."
            )
        return "\n".join(lines)

    def table(self):
        head = (
            f"{'param':<10} {'sympy (exact)':>15} {'backprop':>15} {'rel err':>8} {'fd float64':>15} {'rel err':>8}"
            f" {'fd high-prec':>15} {'rel err':>8}  status"
        )
        lines = [head]
        for e in self.entries:
            lines.append(
                f"{e.name:<10} {e.sympy:>15.8e} {e.backprop:>15.8e} {e.rel_backprop:>8.1e} {e.fd64:>15.8e}"
                f" {e.rel_fd64:>8.1e} {e.fd_hp:>15.8e} {e.rel_fd_hp:>8.1e}  {e.status}"
            )
        return "\n".join(lines)

    def _repr_html_(self):
        rows = [
            ([e.name, f"{e.sympy:.6e}", f"{e.backprop:.6e}", f"{e.rel_backprop:.1e}", f"{e.fd64:.6e}",
              f"{e.rel_fd64:.1e}", f"{e.fd_hp:.6e}", f"{e.rel_fd_hp:.1e}"], e.status, verdict_color(e.status))
            for e in self.entries
        ]
        columns = ["parameter", "sympy (exact)", "backprop", "rel err", "central diff. float64", "rel err",
                   "central diff. high precision", "rel err", "status"]
        return html_table(columns, rows, outro=f"<p>{html.escape(self.summary())}</p>", nowrap=True)


def three_way_check(net, x, y, loss="half_sse", grads=None, h=1e-5, rtol=1e-7, digits=30):
    """Compare sympy's exact gradient, backprop's and central differences for every parameter.

    ``x``, ``y``: one sample, or a batch (gradients of the mean loss). ``grads``: a
    :class:`bplab.Gradients` to check instead of ``net.gradients(x, y, loss)`` (e.g. one
    you computed yourself). Verdict per entry: backprop and the high-precision central
    difference must match sympy within ``rtol`` (relative, or 1e-15 absolute for
    near-zero entries); the float64 central difference must match within 1e-4 relative, or
    else its error must be explained by float64 rounding (it then gets the status
    "fd64 rounding-limited"). See :class:`ThreeWayReport`.
    """
    from ..gradcheck import kink_crossings, numeric_gradient

    check_network(net)
    h = positive_number(h, "h (finite-difference step)")
    rtol = positive_number(rtol, "rtol")
    digits = check_digits(digits)
    net.loss_function(loss)  # the same compatibility rule as backprop
    X, _ = net.input_rows(x)
    Y = net.targets(y, X.shape[0], loss)
    comp = compiled_for(net, loss, samples=X.shape[0])
    if grads is None:
        grads = net.gradients(x, y, loss)
    elif not hasattr(grads, "flat") or np.shape(grads.flat) != net.theta.shape:
        raise ValueError(f"grads must be the Gradients of this network ({net.theta.size} values), got {show(grads)}.")
    bp = np.asarray(grads.flat, dtype=float)
    fd64 = numeric_gradient(net, x, y, loss, h)
    kinks = kink_crossings(net, x, h)
    theta = to_mpf(net.theta)
    m = X.shape[0]
    rows = [(to_mpf(X[i]), to_mpf(Y[i])) for i in range(m)]
    n = len(theta)
    with mpmath.workdps(digits + 15):

        def C(th):
            return mpmath.fsum(comp.loss_fn(*th, *xr, *yr) for xr, yr in rows) / m

        exact = [mpmath.mpf(0)] * n
        for xr, yr in rows:
            g = comp.gradients(theta, xr, yr, net.sizes, net.bias)[3]
            exact = [e + gi for e, gi in zip(exact, g)]
        exact = [e / m for e in exact]
        C0 = C(theta)
        tiny = mpmath.mpf(10) ** (-(digits // 2))
        hh = mpmath.mpf(h)

        def central(i, step):
            up, dn = list(theta), list(theta)
            up[i] += step
            dn[i] -= step
            return (C(up) - C(dn)) / (2 * step)

        fd_hp = [central(i, tiny) for i in range(n)]
        fd_tr = [central(i, hh) for i in range(n)]
    entries = []
    for i, (l, kind, idx) in enumerate(comp.params):
        s, b, f64, fhp, ftr = float(exact[i]), float(bp[i]), float(fd64[i]), float(fd_hp[i]), float(fd_tr[i])
        problems = []
        if not _close(b, s, rtol):
            problems.append(f"backprop rel err {_rel(b, s):.1e}")
        status = "ok"
        if kinks[i]:  # the central differences straddle a kink: only backprop vs sympy is judged
            status = AT_KINK
        elif not _close(fhp, s, rtol):
            problems.append(f"high-precision central difference rel err {_rel(fhp, s):.1e}")
        if not kinks[i] and not _close(f64, s, 1e-4):
            rounding, truncation = abs(f64 - ftr), abs(ftr - s)
            if rounding > truncation and _close(ftr, s, 1e-4):
                status = "fd64 rounding-limited"
            else:
                problems.append(f"float64 central difference rel err {_rel(f64, s):.1e}")
        if problems:
            status = "FAIL: " + ", ".join(problems)
        entries.append(ThreeWayEntry(l, kind, idx, s, b, f64, fhp, ftr, status))
    loss_error = abs(float(mpmath.mpf(net.loss(x, y, loss)) - C0))  # float64 loss vs exact loss
    return ThreeWayReport(entries, float(grads.loss), sp.Float(C0, digits), h, rtol, loss_error)


def _close(a, b, rtol, atol=1e-15):
    return abs(a - b) <= rtol * max(abs(a), abs(b)) or abs(a - b) <= atol

