"""Backpropagation checked by sympy: the network as formulas, exact values, and the BP equations verified.

This package needs sympy and mpmath; ``import bplab`` does not load it (``bplab.symbolic``
is imported on first use). Its modules, each one idea:

* ``formulas``: the loss as a formula, exact rationals, the parameters in ``net.theta``'s order;
* ``network``: :class:`SymbolicNetwork`, the network as sympy formulas;
* ``cost``: what an exact computation will cost, and the limits that refuse the slow ones;
* ``exact``: :func:`exact_forward`, :func:`exact_gradients` (compiled to mpmath);
* ``steps``: :func:`check_step` and the zero tests behind every symbolic check;
* ``bp_equations``: :func:`verify_bp_equations`;
* ``three_way``: :func:`three_way_check`;
* ``printed``: :func:`compare_with_printed`, seed 004's printed numbers.

What each gives:

* :class:`SymbolicNetwork` builds the network as sympy expressions, with the same names
  and layer numbering as bplab: symbols ``x``, ``y``, ``W[l]``, ``b[l]`` and expressions
  ``z[l] = W[l] a[l-1] + b[l]``, ``a[l] = f_l(z[l])``, ``loss()``. The activation formulas
  come from :mod:`bplab.activations` (``LayerActivation.sym``), never written twice.
* :func:`exact_forward` and :func:`exact_gradients`: the forward values, the error terms
  (误差项) delta^l = dC/dz^l, obtained by sympy differentiating the loss (not by
  backpropagation), and the gradients dC/dW^l = delta^l (a^{l-1})^T, dC/db^l = delta^l,
  evaluated with 30+ digits.
* :func:`verify_bp_equations`: BP1-BP4 checked symbolically for a network shape and
  any activations, per layer.
* :func:`three_way_check`: sympy, backprop (``net.backward``) and central differences
  compared entry by entry, with float64 rounding shown rather than hidden.
* :func:`check_step`: one step of a derivation, ``lhs = rhs``, verified by sympy and
  shown as a formula (a :class:`DerivationStep`; used by the derivation notebooks).
* :func:`compare_with_printed`: seed 004's printed numbers beside bplab's and the exact
  ones, for both readings of its example (notebook 08).
* :func:`symbolic_cost`: the predicted seconds of each of these for a shape; a network
  predicted above :data:`MAX_SECONDS` is refused with a sentence naming the rule and
  the faster alternative, :func:`bplab.gradcheck`.

How delta^l is obtained without backpropagation: the part of the network above layer l
is a function of the pre-activations z^l alone, ``C_l(z^l)``
(:meth:`SymbolicNetwork.loss_of_z`); delta^l is its gradient, which is the definition
delta^l = dC/dz^l, not BP1/BP2.
"""

from .bp_equations import BPReport, BPRow, verify_bp_equations
from .cost import MAX_SECONDS, SymbolicCost, symbolic_cost
from .exact import ExactValues, exact_forward, exact_gradients
from .network import SymbolicNetwork
from .printed import PRINTED_TOL, PrintedComparison, PrintedRow, compare_with_printed, worked_example_values
from .steps import DerivationStep, check_step
from .three_way import ThreeWayEntry, ThreeWayReport, three_way_check

__all__ = [
    "SymbolicNetwork",
    "exact_forward",
    "exact_gradients",
    "verify_bp_equations",
    "three_way_check",
    "check_step",
    "DerivationStep",
    "ExactValues",
    "BPReport",
    "BPRow",
    "ThreeWayEntry",
    "ThreeWayReport",
    "PrintedComparison",
    "PrintedRow",
    "compare_with_printed",
    "worked_example_values",
    "symbolic_cost",
    "SymbolicCost",
    "MAX_SECONDS",
    "PRINTED_TOL",
]
