"""verify_bp_equations: BP1-BP4 checked with sympy for a network shape and any activations."""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..errors import positive_int
from ..losses import LOSSES
from ..network import Network
from ..reports import CheckReport, html_table
from .cost import check_verify_cost
from .formulas import exact_rational, loss_formula
from .network import SymbolicNetwork
from .steps import is_zero, random_point, zero_test


@dataclass
class BPRow:
    equation: str  # "BP1".."BP4", or "f'" for bplab's derivative code
    layer: int
    statement: str
    method: str
    entries: int
    passed: bool
    detail: str = ""


@dataclass(repr=False)
class BPReport(CheckReport):
    """What :func:`verify_bp_equations` checked: one row per equation and layer."""

    sizes: list
    activations: list
    loss: str
    bias: bool
    rows: list = field(default_factory=list)

    failure_intro = "BP equations fail for"

    def failures(self):
        return [f"{r.equation} layer {r.layer}" for r in self.rows if not r.passed]

    def table(self):
        lines = [f"BP equations for sizes {self.sizes}, activations {self.activations!r}, loss {self.loss!r}, bias={self.bias}"]
        for r in self.rows:
            mark = "ok" if r.passed else "FAIL"
            lines.append(f"  {r.equation:<4} layer {r.layer}: {r.statement}  [{r.entries} entries, {r.method}] {mark}")
            if r.detail:
                lines.append(f"       {r.detail}")
        return "\n".join(lines)

    def __repr__(self):
        return self.table()  # each row ends with its verdict

    def _repr_html_(self):
        rows = [
            ([r.equation, r.layer, html.escape(r.statement), r.entries,
              html.escape(r.method) + (f"<br><small>{html.escape(r.detail)}</small>" if r.detail else "")],
             "ok" if r.passed else "FAIL", "green" if r.passed else "red")
            for r in self.rows
        ]
        intro = (f"<p>BP equations for sizes {self.sizes}, activations {html.escape(repr(self.activations))},"
                 f" loss {self.loss!r}, bias={self.bias}</p>")
        return html_table(["equation", "layer", "statement", "entries", "how", "result"], rows, intro)


class _Checker:
    """Compares lhs and rhs entries: symbolically, or at random rational points for Piecewise."""

    def __init__(self, points, seed):
        self.points = points
        self.rng = random.Random(seed)

    def compare(self, lhs, rhs, z_free=None):
        """Returns (passed, method, detail). ``z_free``: free z symbols to put on both branches."""
        diffs = [sp.sympify(u - v) for u, v in zip(lhs, rhs)]
        if not any(d.has(sp.Piecewise) for d in diffs):
            verdicts = [is_zero(d, self.rng) for d in diffs]
            if all(v is True for v in verdicts):
                return True, "symbolic: lhs - rhs simplifies to 0", ""
            if any(v is False for v in verdicts):
                return False, "symbolic", "lhs - rhs is not 0 at a random rational point"
            # sympy could neither prove nor disprove it: check at points, and say so
            undecided = [d for d, v in zip(diffs, verdicts) if v is None]
            bad = self._points(undecided, z_free)[0]
            if bad:
                return False, "symbolic", "lhs - rhs is not 0 at a random rational point"
            return True, f"at {self.points} random rational points", "sympy's simplify() could not decide; checked at points"
        bad, detail = self._points(diffs, z_free)
        how = "50-digit" if any(d.has(sp.exp, sp.tanh, sp.log) for d in diffs) else "exact rational"
        return (not bad), f"at {self.points} random rational points, {how} arithmetic (Piecewise: relu/leaky_relu)", detail

    def _points(self, diffs, z_free):
        symbols = sorted(set().union(*(d.free_symbols for d in diffs)), key=lambda s: s.name)
        bad = False
        signs = {}
        tests = [zero_test(d) for d in diffs]
        for p in range(self.points):
            fixed = {}
            if z_free is not None:
                # put each free z on a chosen branch: alternate signs so both branches are hit
                for j, s in enumerate(z_free):
                    mag = sp.Rational(self.rng.randint(1, 16), 8)
                    fixed[s] = mag if (p + j) % 2 == 0 else -mag
            pt = random_point(symbols, self.rng, fixed)
            for s in z_free or ():
                if s in pt:
                    signs.setdefault(s.name, [0, 0])[0 if pt[s] > 0 else 1] += 1
            if any(test(pt) is not True for test in tests):  # nonzero, or undefined where it should hold
                bad = True
        detail = ""
        if signs:
            detail = "branches hit: " + ", ".join(f"{k} > 0 at {v[0]}, < 0 at {v[1]} points" for k, v in signs.items())
        return bad, detail


def _hadamard_or_jacobian(sn, l, g, z):
    """J_l(z)^T g: the Hadamard product g ⊙ f'(z) for element-wise layers, J^T g for softmax."""
    if sn.layer_activation(l).is_softmax:
        return sn.jacobian(l, z).T * g
    fp = sn.fprime(l, z)
    return sp.Matrix([g[j] * fp[j] for j in range(len(g))])


def verify_bp_equations(activations="sigmoid", sizes=(2, 3, 2), loss="half_sse", bias=True, points=8, seed=0):
    """Verify BP1-BP4 with sympy for a network of ``sizes`` and ``activations``.

    delta^l is taken from its definition, the derivative of C_l(z^l) (the network above
    layer l as a function of free symbols z^l), and each equation's right side is built
    from the formulas; then lhs - rhs must reduce to 0:

    * BP1 (l = L): dC/dz^L = nabla_a C ⊙ f'(z^L) (J^T nabla_a C for softmax); for the
      shortcut pairs also dC/dz^L = a^L - y (softmax + cross_entropy, with targets summing
      to 1; sigmoid + binary_cross_entropy).
    * BP2 (l < L): dC/dz^l = ((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l) (J^T (...) for softmax).
    * BP3: dC/db^l = delta^l, and BP4: dC/dW^l = delta^l (a^{l-1})^T, where C is the fully
      composed loss C(x, W, b, y) and delta^l, a^{l-1} are evaluated at the forward pass.
    * bplab's code: ``LayerActivation.backprop`` (the f' that ``net.backward`` uses) and the
      loss's ``output_delta`` agree with sympy's dC/dz at random points, to float64 accuracy.

    Without relu/leaky_relu the differences are simplified symbolically (for all values
    of every symbol). With them (Piecewise), equality is checked exactly (rational
    arithmetic) at ``points`` random rational points, with free z's put on both branches;
    the report says which. Returns a :class:`BPReport`; raises AssertionError naming
    the equation and the layer that fails.
    """
    checked_sizes = Network.check_sizes(sizes)
    layer_acts = Network.make_activations(activations, checked_sizes)
    piecewise = any(name in ("relu", "leaky_relu") for act in layer_acts for name in act.names)
    check_verify_cost(checked_sizes, bias, piecewise)  # before building: nested Piecewise formulas are slow to build
    sn = SymbolicNetwork(sizes, activations, bias)
    points = positive_int(points, "points")
    sn.check_loss(loss)
    L = sn.L
    chk = _Checker(points, seed)
    report = BPReport(list(sn.sizes), sn.activations, loss, sn.bias)

    def add(eq, l, statement, lhs, rhs, z_free=None):
        ok, method, detail = chk.compare(list(lhs), list(rhs), z_free)
        report.rows.append(BPRow(eq, l, statement, method, len(list(lhs)), ok, detail))
        if not ok:
            raise AssertionError(f"{eq} fails for layer {l}: {statement} does not hold ({detail or method}).\n{report.table()}")

    delta = {l: sn.delta(l, loss) for l in range(1, L + 1)}  # the definition: dC/dz^l
    zL = sn.z_sym[L]
    # BP1
    aL = sn.a_sym[L]
    grad_a = sp.Matrix([sp.diff(loss_formula(loss, aL, sn.y), s) for s in aL])  # nabla_a C
    grad_a = grad_a.xreplace(dict(zip(aL, sn.f(L, zL))))
    softL = sn.layer_activation(L).is_softmax
    add("BP1", L, "dC/dz^L = " + ("J^T nabla_a C (softmax)" if softL else "nabla_a C ⊙ f'(z^L)"),
        delta[L], _hadamard_or_jacobian(sn, L, grad_a, zL), zL)
    if loss in ("cross_entropy", "binary_cross_entropy"):
        lhs = delta[L]
        note = ""
        if loss == "cross_entropy":  # a^L - y needs sum_j y_j = 1
            y = sn.y
            lhs = lhs.xreplace({y[-1]: 1 - sum(y[:-1])})
            rhs = sn.f(L, zL) - y.xreplace({y[-1]: 1 - sum(y[:-1])})
            note = " (targets summing to 1)"
        else:
            rhs = sn.f(L, zL) - sn.y
        add("BP1", L, f"dC/dz^L = a^L - y, the shortcut for {loss}{note}", lhs, rhs, zL)
    # BP2
    for l in range(L - 1, 0, -1):
        zl = sn.z_sym[l]
        z_next = sn.pre_activation(l + 1, sn.f(l, zl))
        d_next = delta[l + 1].xreplace(dict(zip(sn.z_sym[l + 1], z_next)))
        g = sn.W[l + 1].T * d_next
        soft = sn.layer_activation(l).is_softmax
        add("BP2", l, "delta^l = " + ("J^T ((W^{l+1})^T delta^{l+1}) (softmax)" if soft else "((W^{l+1})^T delta^{l+1}) ⊙ f'(z^l)"),
            delta[l], _hadamard_or_jacobian(sn, l, g, zl), zl)
    # BP3 and BP4 on the fully composed loss
    C = sn.loss(loss)
    for l in range(1, L + 1):
        d_at = delta[l].xreplace(dict(zip(sn.z_sym[l], sn.z[l])))
        if sn.bias:
            add("BP3", l, "dC/db^l = delta^l", [sp.diff(C, s) for s in sn.b[l]], d_at)
        W, a_prev = sn.W[l], sn.a[l - 1]
        lhs = [sp.diff(C, W[j, k]) for j in range(W.rows) for k in range(W.cols)]
        rhs = [d_at[j] * a_prev[k] for j in range(W.rows) for k in range(W.cols)]
        add("BP4", l, "dC/dW^l = delta^l (a^{l-1})^T", lhs, rhs)
    # bplab's own code for f' and for BP1
    _check_bplab_code(sn, loss, delta, report, chk)
    return report


def _check_bplab_code(sn, loss, delta, report, chk):
    """bplab's LayerActivation.backprop and Loss.output_delta against sympy, at random points (float64)."""
    rng = np.random.default_rng(chk.rng.randint(0, 2**31))
    L = sn.L
    for l in range(1, L + 1):
        act = sn.layer_activation(l)
        zs = sn.z_sym[l]
        J = sn.jacobian(l)
        worst = 0.0
        for p in range(chk.points):
            # exact binary floats, with alternating signs so that both relu branches are hit
            zv = rng.integers(1, 33, size=act.n) / 8.0 * np.where((np.arange(act.n) + p) % 2 == 0, 1.0, -1.0)
            gv = rng.integers(-16, 17, size=act.n) / 8.0
            av = act.f(zv[None, :])
            got = act.backprop(gv[None, :], zv[None, :], av)[0]
            Jv = np.array(J.xreplace({s: exact_rational(v) for s, v in zip(zs, zv)}).evalf(30), dtype=float)
            want = Jv.T @ gv
            worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
        ok = worst < 1e-12
        report.rows.append(
            BPRow("f'", l, f"bplab's LayerActivation.backprop for {act.spec!r} = J^T g (sympy's derivative)",
                  f"float64 at {chk.points} random points", act.n, ok, f"max error {worst:.1e}")
        )
        if not ok:
            raise AssertionError(
                f"f' of layer {l} ({act.spec!r}): bplab's backprop (the ⊙ f'(z^l) of BP1/BP2) differs from sympy's"
                f" derivative by {worst:.2e}.\n{report.table()}"
            )
    # BP1 as bplab computes it
    act = sn.layer_activation(L)
    lossf = LOSSES[loss]
    worst = 0.0
    for p in range(chk.points):
        zv = rng.integers(1, 33, size=act.n) / 8.0 * np.where((np.arange(act.n) + p) % 2 == 0, 1.0, -1.0)
        av = act.f(zv[None, :])
        if loss == "cross_entropy":
            yv = np.eye(act.n)[p % act.n]
        else:
            yv = rng.integers(0, 9, size=act.n) / 8.0
        got = lossf.output_delta(zv[None, :], av, yv[None, :], act)[0]
        pt = {s: exact_rational(v) for s, v in zip(sn.z_sym[L], zv)}
        pt.update({s: exact_rational(v) for s, v in zip(sn.y, yv)})
        want = np.array([float(sp.N(d.xreplace(pt), 30)) for d in delta[L]])
        worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
    ok = worst < 1e-12
    report.rows.append(
        BPRow("BP1", L, f"bplab's LOSSES[{loss!r}].output_delta = dC/dz^L (sympy)", f"float64 at {chk.points} random points",
              act.n, ok, f"max error {worst:.1e}")
    )
    if not ok:
        raise AssertionError(
            f"BP1 fails for layer {L}: bplab's output_delta for {loss!r} differs from sympy's dC/dz^L by {worst:.2e}."
            f"\n{report.table()}"
        )

