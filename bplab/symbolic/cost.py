"""What an exact (sympy) computation will cost, predicted from the network's depth and widths.

Why not the parameter count: sympy writes the loss out as a tree, and a tree does not share.
z^l_j = sum_k w^l_jk a^{l-1}_k holds every activation of the layer below, so the loss written
in terms of the input repeats layer l's formulas n_{l+1} n_{l+2} ... n_L times. Its size grows
with the PRODUCT of the widths: 2-3-2-1 (20 parameters) has 12 input leaves, 8-8-8-8-8
(288 parameters) has 32,768. Two counts describe a shape (L layers, n_0 ... n_L neurons):

* ``loss_terms`` F = sum over k = 0..L of n_k n_{k+1} ... n_L: the activations and inputs in
  the written-out loss, what one evaluation of it costs;
* ``derivative_terms`` U = sum over l = 1..L of (L - l + 1) n_l ... n_L, plus n_0 ... n_L:
  delta^l = dC/dz^l follows each of the n_l ... n_L paths from layer l to the loss, each a
  product of L - l + 1 factors; compiling also writes the loss itself.

The rule, in seconds. Its constants were fitted to compile times measured, each in a fresh
interpreter on the project's 2-core machine while it was quiet: 2-3-2-1 0.17 s, 8-8-8 0.63 s,
6-6-6-6 1.8 s, 4-4-4-4-4 2.1 s, 3-3-3-3-3-3 3.0 s, 2-2-2-2-2-2-2-2 3.1 s, 8-8-8-8 4.5 s,
8-8-8-8-8 49 s (three-way checks and verify_bp_equations likewise); the predictions are within
a factor 1.5 of those times. ``bench/bench_symbolic_cost.py`` prints predictions beside
measurements: on the quiet machine, predicted / measured was 0.6-1.25 for compiling and the
three-way check (2-3-2-1 to 6-6-6-6 and 2-2-2-2-2-2), 0.7-5 for verify_bp_equations (the
small shapes over-predicted); on a machine shared by many processes the measurements can be
several times slower, which the limit's margin absorbs:

* compiling a shape (once, then cached): 0.014 L^2 + 0.00096 U;
* :func:`~bplab.symbolic.three_way_check`: compiling, plus 1e-5 P F m for its central
  differences (two high-precision differences per parameter, P parameters, m samples);
* :func:`~bplab.symbolic.exact_gradients`: compiling (one sample costs next to nothing);
* :func:`~bplab.symbolic.exact_forward`: 0.03 L^2 + 0.00011 F (sympy's evalf of the formulas,
  fitted to 2-2-2-2-2-2 0.69 s and 6-6-6-6 0.42 s);
* :func:`~bplab.symbolic.verify_bp_equations`: (0.12 L^2 + 0.00035 P F), four times that
  with relu or leaky_relu (Piecewise formulas are checked at random points).

A computation predicted to take more than :data:`MAX_SECONDS` is refused before it starts,
with the faster alternative: :func:`bplab.gradcheck` (central differences in float64) needs
no formulas and checks a network of any size in a fraction of a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

from ..network import Network, check_network

MAX_SECONDS = 20.0  # predicted seconds; 8-8-8-8-8's three-way check: 157 s predicted, 49 s measured just to compile

# the fitted constants of the rule above (seconds)
COMPILE_PER_LAYER2 = 0.014
COMPILE_PER_TERM = 0.00096
CENTRAL_DIFFERENCE_PER_TERM = 1e-5
FORWARD_PER_LAYER2 = 0.03
FORWARD_PER_TERM = 0.00011
VERIFY_PER_LAYER2 = 0.12
VERIFY_PER_TERM = 0.00035
PIECEWISE_FACTOR = 4


@dataclass(frozen=True)
class SymbolicCost:
    """The counts of a network shape and the predicted seconds of each exact computation."""

    sizes: tuple
    parameters: int
    loss_terms: int  # F
    derivative_terms: int  # U

    @property
    def layers(self):
        return len(self.sizes) - 1

    @property
    def compile_seconds(self):
        return COMPILE_PER_LAYER2 * self.layers**2 + COMPILE_PER_TERM * self.derivative_terms

    def central_difference_seconds(self, samples):
        return CENTRAL_DIFFERENCE_PER_TERM * self.parameters * self.loss_terms * samples

    @property
    def forward_seconds(self):
        return FORWARD_PER_LAYER2 * self.layers**2 + FORWARD_PER_TERM * self.loss_terms

    def verify_seconds(self, piecewise):
        base = VERIFY_PER_LAYER2 * self.layers**2 + VERIFY_PER_TERM * self.parameters * self.loss_terms
        return base * (PIECEWISE_FACTOR if piecewise else 1)


def symbolic_cost(sizes, bias=True):
    """The :class:`SymbolicCost` of a shape: ``sizes`` (n_0, ..., n_L) or a :class:`bplab.Network`."""
    if isinstance(sizes, Network):
        sizes, bias = sizes.sizes, sizes.bias
    sizes = tuple(Network.check_sizes(sizes))
    L = len(sizes) - 1
    loss_terms = sum(prod(sizes[k:]) for k in range(L + 1))
    derivative_terms = sum((L - l + 1) * prod(sizes[l:]) for l in range(1, L + 1)) + prod(sizes)
    parameters = sum(sizes[l] * sizes[l - 1] + (sizes[l] if bias else 0) for l in range(1, L + 1))
    return SymbolicCost(sizes, parameters, loss_terms, derivative_terms)


def _refuse(what, argument, cost, seconds, rule):
    raise ValueError(
        f"{argument} (sizes {list(cost.sizes)}) is too large for {what}: its predicted cost is {seconds:.0f} s,"
        f" above the limit of {MAX_SECONDS:g} s (bplab.symbolic.cost.MAX_SECONDS). The rule: {rule}, with"
        f" L = {cost.layers} layers, P = {cost.parameters} parameters, F = {cost.loss_terms} terms in the written-out"
        f" loss and U = {cost.derivative_terms} terms in its derivatives (sympy's formulas grow with the product of"
        " the widths). For this network use bplab.gradcheck(net, x, y): central differences in float64, no formulas,"
        " a fraction of a second; or check a smaller network of the same kind."
    )


def check_cost(net, samples=0):
    """Refuse ``net`` when compiling its formulas (and, with ``samples`` > 0, the three-way check's
    central differences over that many samples) is predicted to take more than MAX_SECONDS."""
    check_network(net)
    cost = symbolic_cost(net)
    seconds = cost.compile_seconds + cost.central_difference_seconds(samples)
    if seconds > MAX_SECONDS:
        rule = "seconds = 0.014 L^2 + 0.00096 U to compile"
        if samples:
            rule += f" + 1e-5 P F m for the central differences (m = {samples} samples)"
        _refuse("three_way_check" if samples else "the exact computation", "net", cost, seconds, rule)
    return cost


def check_forward_cost(net):
    """Refuse ``net`` when :func:`exact_forward` is predicted to take more than MAX_SECONDS."""
    check_network(net)
    cost = symbolic_cost(net)
    if cost.forward_seconds > MAX_SECONDS:
        _refuse("exact_forward", "net", cost, cost.forward_seconds, "seconds = 0.03 L^2 + 0.00011 F")
    return cost


def check_verify_cost(sizes, bias, piecewise):
    """Refuse ``sizes`` when :func:`verify_bp_equations` is predicted to take more than MAX_SECONDS."""
    cost = symbolic_cost(sizes, bias)
    seconds = cost.verify_seconds(piecewise)
    if seconds > MAX_SECONDS:
        rule = "seconds = 0.12 L^2 + 0.00035 P F" + (", times 4 with relu/leaky_relu" if piecewise else "")
        _refuse("verify_bp_equations", "sizes", cost, seconds, rule)
    return cost
