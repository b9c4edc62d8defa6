"""Helpers that let a derivation notebook read as mathematics first.

Three kinds of helpers:

* **Sensitivity and cost**, computed on a real network: :func:`nudge` (move z^l_j by eps and watch C
  move by about delta^l_j eps), :func:`numeric_delta` (delta^l by central differences in z^l, from its
  definition, without any BP equation), and :func:`gradient_cost` (time finite differences against
  backpropagation on networks of growing size).
* **Checks that can fail**: :func:`check_bp2` (a BP2 formula, written the way the code writes it, against
  the definition of delta on a batch) and :func:`check_loss_formula` (a sympy formula of the loss
  against bplab's numbers). Each raises AssertionError, naming what differs, when given a wrong formula.
* **A seed's network in its own letters**, as sympy formulas with a *general* activation per neuron
  (``sympy.Function``): :class:`LetteredNetwork` and its three spellings :func:`seed000`, :func:`seed003`,
  :func:`seed004`. A notebook writes the seed's formula with these symbols and checks it with
  :func:`bplab.symbolic.check_step` against sympy's own derivative of the loss.

Also :func:`show` (typeset ``lhs = expr`` with LaTeX) and :func:`first_differing_digit`.

sympy and IPython are imported when a function that needs them is called, so ``import bplab`` stays light.
"""

from .lettered import (
    bias_first,
    evaluate,
    first_differing_digit,
    fprime_at,
    latex_with_primes,
    LetteredNetwork,
    LETTERS,
    seed000,
    seed003,
    seed004,
    seed_notation_table,
    show,
    verify,
)
from .numeric import (
    check_bp2,
    check_loss_formula,
    delta_above,
    gradient_cost,
    GradientCost,
    loss_at_z,
    Nudge,
    nudge,
    numeric_delta,
)

__all__ = [
    "Nudge",
    "nudge",
    "loss_at_z",
    "numeric_delta",
    "check_bp2",
    "check_loss_formula",
    "delta_above",
    "GradientCost",
    "gradient_cost",
    "LetteredNetwork",
    "LETTERS",
    "seed000",
    "seed003",
    "seed004",
    "verify",
    "show",
    "first_differing_digit",
    "latex_with_primes",
    "fprime_at",
    "bias_first",
    "evaluate",
    "seed_notation_table",
]
