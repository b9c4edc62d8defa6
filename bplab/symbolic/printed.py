"""Seed 004's printed numbers beside bplab's and the exact ones, for both readings of its example."""

from __future__ import annotations

import html
from dataclasses import dataclass

import sympy as sp

from ..errors import positive_number
from ..reports import html_table
from .exact import exact_gradients
from .formulas import exact_rational
from .network import symbolic_network_for

PRINTED_TOL = 1.5e-15  # the article prints 15 decimals; allow 1.5 units of the last one (its own float64 rounding)

_VARIANT_LABEL = {"matrix": "w(2,5) = 2 (the matrix)", "as_printed": "w(2,5) = 3 (the printed z5)"}


def worked_example_values(variant="matrix", digits=30):
    """Seed 004's named quantities (z1..z6, f1..f6, f_i'(z_i), y_hat - y, delta3, delta2[k], delta1[k])
    for one variant of the example: ``{name: (bplab float64, exact sympy Float)}``.

    The bplab column comes from ``net.forward``/``net.backward``; the exact column from
    :func:`exact_gradients` (sympy's derivatives) and, for f'(z), sympy's derivative of
    the activation at the exact z.
    """
    from ..examples import NEURONS, worked_example

    net, x, y = worked_example(variant)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    ex = exact_gradients(net, x, y, digits=digits)
    sn = symbolic_network_for(net)
    out = {}
    for i, (l, j) in NEURONS.items():
        out[f"z{i}"] = (float(trace.z[l][j]), ex.z[l][j])
        out[f"f{i}"] = (float(trace.a[l][j]), ex.a[l][j])
    for i, (l, j) in NEURONS.items():
        fp64 = net.layer_activation(l).df(trace.z[l], trace.a[l])[j]
        zl = [sp.Float(v, digits) for v in ex.z[l]]
        out[f"f{i}'(z{i})"] = (float(fp64), sp.Float(sp.N(sn.fprime(l, zl)[j], digits), digits))
    L = net.L
    out["(y_hat - y)"] = (float(trace.a[L][0] - y[0]), ex.a[L][0] - exact_rational(y[0]))
    out["delta3"] = (float(grads.delta[3][0]), ex.delta[3][0])
    for l in (2, 1):
        for k in range(net.sizes[l]):
            out[f"delta{l}[{k + 1}]"] = (float(grads.delta[l][k]), ex.delta[l][k])
    return out


@dataclass
class PrintedRow:
    name: str
    printed: float
    values: dict  # variant -> (bplab float64, exact)
    matches: list  # the variants whose exact value the printed one matches

    @property
    def verdict(self):
        if len(self.matches) == len(self.values):
            return "consistent (both variants)"
        if self.matches:
            return "matches only " + _VARIANT_LABEL[self.matches[0]]
        return "matches NEITHER variant"


class PrintedComparison:
    """The article's printed values beside bplab's and the exact ones, for both variants."""

    def __init__(self, rows, tol):
        self.rows = rows
        self.tol = tol

    def __getitem__(self, name):
        for r in self.rows:
            if r.name == name:
                return r
        raise KeyError(f"no printed quantity {name!r}; names are {[r.name for r in self.rows]}")

    def names(self, verdict_startswith):
        return [r.name for r in self.rows if r.verdict.startswith(verdict_startswith)]

    def table(self):
        lines = [
            f"{'quantity':<12} {'article (printed)':>20} {'bplab, w25=2':>20} {'printed-exact':>13}"
            f" {'bplab, w25=3':>20} {'printed-exact':>13}  verdict"
        ]
        for r in self.rows:
            (bm, em), (bp, ep) = r.values["matrix"], r.values["as_printed"]
            lines.append(
                f"{r.name:<12} {r.printed:>20.15g} {bm:>20.15g} {float(r.printed - em):>13.1e} {bp:>20.15g}"
                f" {float(r.printed - ep):>13.1e}  {r.verdict}"
            )
        lines.append(f"(a printed value 'matches' when it is within {self.tol:g} of the exact value: it is printed to 15 decimals)")
        return "\n".join(lines)

    __repr__ = table

    def _repr_html_(self):
        def color(v):
            return "green" if v.startswith("consistent") else ("red" if "NEITHER" in v else "#b35900")

        def short(r):  # the verdict in a few words, so that the column stays narrow at 828 px
            if len(r.matches) == len(r.values):
                return "both (consistent)"
            if r.matches:
                return _VARIANT_LABEL[r.matches[0]].split(" (")[0] + " only"
            return "NEITHER"

        rows = [
            ([html.escape(r.name), f"{r.printed:.15g}", f"{r.values['matrix'][0]:.15g}",
              f"{float(r.printed - r.values['matrix'][1]):.1e}", f"{r.values['as_printed'][0]:.15g}",
              f"{float(r.printed - r.values['as_printed'][1]):.1e}"], short(r), color(r.verdict))
            for r in self.rows
        ]
        columns = ["quantity", "article (printed)", "bplab, w(2,5)=2", "printed − exact", "bplab, w(2,5)=3",
                   "printed − exact", "matches"]
        outro = (f"<p>A printed value matches a variant when it is within {self.tol:g} of that variant's exact value"
                 " (the article prints 15 decimals). bplab's columns are float64; the differences use the exact values.</p>")
        return html_table(columns, rows, outro=outro, nowrap=True)


def compare_with_printed(digits=30, tol=PRINTED_TOL):
    """Every printed value of seed 004's example (``bplab.examples.PRINTED``) beside bplab's
    and the exact values of both variants, with a verdict computed from the numbers."""
    from ..examples import PRINTED

    tol = positive_number(tol, "tol")
    values = {v: worked_example_values(v, digits) for v in ("matrix", "as_printed")}
    rows = []
    for name, printed in PRINTED.items():
        items = [(f"{name}[{k + 1}]", p) for k, p in enumerate(printed)] if isinstance(printed, list) else [(name, printed)]
        for key, p in items:
            vals = {v: values[v][key] for v in values}
            matches = [v for v in vals if abs(float(p - vals[v][1])) <= tol]
            rows.append(PrintedRow(key, p, vals, matches))
    return PrintedComparison(rows, tol)
