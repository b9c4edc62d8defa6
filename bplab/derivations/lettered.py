"""A seed's network in its own letters, checks of a formula, and how results are typeset (see :mod:`bplab.derivations`)."""

from __future__ import annotations

import numpy as np

from ..errors import choice, positive_int
from ..network import check_network
from .numeric import layer_index


# ------------------------------------------------------------------ a seed's network in its own letters
class LetteredNetwork:
    """A network as sympy formulas with a general activation per neuron, for a seed's own derivation.

    Layers are numbered internally as in bplab (l = 1..L, the input is layer 0); ``letters`` (one of
    :data:`LETTERS`) spells the symbols as a seed does; :func:`seed000`, :func:`seed003`, :func:`seed004` pick one.

    ``W[l]`` (n_l x n_{l-1}) and ``b[l]`` are the parameters, ``x`` the input, ``y`` the target,
    ``z[l]`` and ``a[l]`` *free* symbols for the weighted input and the output of layer l
    (``a[0]`` is the input), ``f[l][j]`` neuron j's own activation (a ``sympy.Function``).
    The loss is C = 1/2 sum_j (a^L_j - y_j)^2.
    """

    def __init__(self, sizes, letters):
        import sympy as sp

        self.sizes = [positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
        if len(self.sizes) < 2:
            raise ValueError(f"sizes must list at least two layers, got {sizes!r}.")
        self.L = len(self.sizes) - 1
        self.letters = letters
        self.bias = bool(letters["bias"])
        n = self.sizes

        def sym(kind, l, j, k=0):
            return sp.Symbol(letters[kind].format(l=l, next=l + 1, j=j + 1, k=k + 1))

        self.W = {l: sp.Matrix(n[l], n[l - 1], lambda j, k: sym("w", l, j, k)) for l in range(1, self.L + 1)}
        self.b = {l: sp.Matrix(n[l], 1, lambda j, _: sym("b", l, j)) for l in range(1, self.L + 1)}
        self.z = {l: sp.Matrix(n[l], 1, lambda j, _: sym("z", l, j)) for l in range(1, self.L + 1)}
        self.a = {l: sp.Matrix(n[l], 1, lambda j, _: sym("a", l, j)) for l in range(0, self.L + 1)}
        self.y = sp.Matrix(n[-1], 1, lambda j, _: sym("y", 0, j))
        self.f = {l: [sp.Function(letters["f"].format(l=l, j=j + 1)) for j in range(n[l])] for l in range(1, self.L + 1)}

    # the forward rules
    def pre_activation(self, l, a_prev):
        """z^l = W^l a^{l-1} (+ b^l) for a column ``a_prev``."""
        import sympy as sp

        z = self.W[l] * sp.Matrix(a_prev)
        return z + self.b[l] if self.bias else z

    def activate(self, l, z):
        """a^l = f(z^l), neuron j with its own f^l_j."""
        import sympy as sp

        return sp.Matrix([self.f[l][j](z[j]) for j in range(self.sizes[l])])

    def fprime(self, l, z=None):
        """The column f^l_j'(z^l_j), at ``z`` (default: the free symbols z[l])."""
        import sympy as sp

        zs = self.z[l]
        col = sp.Matrix([sp.diff(self.f[l][j](zs[j]), zs[j]) for j in range(self.sizes[l])])
        return col if z is None else col.subs(dict(zip(zs, z)), simultaneous=True)

    def loss_of_output(self, a_L):
        import sympy as sp

        return sp.Rational(1, 2) * sum((a_L[j] - self.y[j]) ** 2 for j in range(self.sizes[-1]))

    def loss_of_z(self, l):
        """C as a formula of the free z^l (the layers above l composed on top of it)."""
        a = self.activate(l, self.z[l])
        for k in range(l + 1, self.L + 1):
            a = self.activate(k, self.pre_activation(k, a))
        return self.loss_of_output(a)

    def loss_of_layer(self, l):
        """C as a formula of W^l, b^l and the free a^{l-1}: z^l = W^l a^{l-1} + b^l, then the layers above."""
        a = self.activate(l, self.pre_activation(l, self.a[l - 1]))
        for k in range(l + 1, self.L + 1):
            a = self.activate(k, self.pre_activation(k, a))
        return self.loss_of_output(a)

    # derivatives by definition (sympy differentiates; no BP equation involved)
    def delta(self, l):
        """dC/dz^l, by differentiating :meth:`loss_of_z` (a column in the free z[l])."""
        import sympy as sp

        C = self.loss_of_z(l)
        return sp.Matrix([sp.diff(C, zj) for zj in self.z[l]])

    def grad_W(self, l):
        """dC/dW^l entry by entry, by differentiating :meth:`loss_of_layer` (shape of W^l)."""
        C = self.loss_of_layer(l)
        return self.W[l].applyfunc(lambda w: C.diff(w))

    def grad_b(self, l):
        import sympy as sp

        C = self.loss_of_layer(l)
        return sp.Matrix([C.diff(bj) for bj in self.b[l]])

    def dz_dW(self, l, i):
        """The matrix of dz^l_i / dw^l_jk over all (j, k): the "da_l/dW_l" of seed 000, row by row."""
        z_i = self.pre_activation(l, self.a[l - 1])[i - 1]
        return self.W[l].applyfunc(lambda w: z_i.diff(w))

    def along_forward(self, l, expr):
        """``expr`` (in the free z^l) with z^l := W^l a^{l-1} + b^l, comparable to :meth:`grad_W`."""
        return expr.subs(dict(zip(self.z[l], self.pre_activation(l, self.a[l - 1]))), simultaneous=True)

    def above(self, l, expr):
        """``expr`` (in the free z^{l+1}) written in the free z^l: z^{l+1} := W^{l+1} f(z^l) + b^{l+1}."""
        z_next = self.pre_activation(l + 1, self.activate(l, self.z[l]))
        return expr.subs(dict(zip(self.z[l + 1], z_next)), simultaneous=True)

    def __repr__(self):
        return f"LetteredNetwork(sizes={self.sizes}, bias={self.bias}, letters={self.letters['title']!r})"


# Each seed's spelling of the same symbols: format templates with l (layer, bplab's numbering), next = l + 1,
# j (neuron) and k (neuron of the layer before). Seed 003 (UFLDL) counts the input as layer 1, hence "next".
LETTERS = {
    "000": dict(title="seed 000", bias=False, w="w^{l}_{j}{k}", b="b^{l}_{j}", z="a^{l}_{j}", a="o^{l}_{j}",
                y="y_{j}", f="f^{l}_{j}"),
    "003": dict(title="seed 003 (UFLDL)", bias=True, w="W^({l})_{j}{k}", b="b^({l})_{j}", z="z^({next})_{j}",
                a="a^({next})_{j}", y="y_{j}", f="f"),
    "004": dict(title="seed 004", bias=True, w="W^({l})_{j}{k}", b="b^({l})_{j}", z="z^({l})_{j}", a="n^({l})_{j}",
                y="y_{j}", f="f_{l}"),
}


def seed000(sizes=(2, 3, 2, 1)):
    """Seed 000's letters: a_l = W_l o_{l-1} (no bias), o_l = f(a_l), xi_l = dC/da_l; every neuron its own f.

    In this object ``z[l]`` is seed 000's **a_l** and ``a[l]`` its **o_l** (``a[0]`` = o_0 = x); ``W[l]`` has
    entries w^l_jk from neuron k of layer l-1 to neuron j of layer l; ``delta(l)`` is its **xi_l**.
    """
    return LetteredNetwork(sizes, LETTERS["000"])


def seed003(sizes=(2, 3, 2)):
    """Seed 003's (UFLDL's) letters: z^(l+1) = W^(l) a^(l) + b^(l), the input is its layer 1.

    The object keeps bplab's numbering inside; the *names* are UFLDL's: bplab's W^l is printed W^(l)_ij,
    bplab's z^l is z^(l+1)_i, bplab's a^{l-1} is a^(l)_j, and one f for the whole network.
    """
    return LetteredNetwork(sizes, LETTERS["003"])


def seed004(sizes=(2, 3, 2, 1)):
    """Seed 004's letters: z^(k) = W^(k) n^(k-1) + b^(k), n^(k) = f_k(z^(k)), delta^(k) = dL/dz^(k).

    Its layer numbers are bplab's; ``a[k]`` is printed n^(k) (``a[0]`` = n^(0) = x), f_k is one function
    per layer.
    """
    return LetteredNetwork(sizes, LETTERS["004"])


def _concrete(expr, functions):
    """``expr`` with each general function replaced by a distinct concrete one, derivatives evaluated."""
    import sympy as sp

    t = sp.Dummy("t")
    for i, f in enumerate(functions):
        expr = expr.replace(f, sp.Lambda(t, sp.exp(t * (i + 2) / 5) + t**3 / (i + 3)))
    return expr.doit()


def _nonzero_somewhere(diff, points=3, seed=0):
    """The first entry of ``diff`` (a sympy Matrix) that is nonzero at a random point, in 50 digits; else None."""
    import mpmath
    import sympy as sp

    rng = np.random.default_rng(seed)
    symbols = sorted(diff.free_symbols, key=str)
    for _ in range(points):
        point = [mpmath.mpf(int(v)) / 8 for v in rng.integers(-12, 13, size=len(symbols))]
        for idx, e in enumerate(diff):
            fn = sp.lambdify(symbols, e, modules="mpmath")
            with mpmath.workdps(50):
                value = fn(*point)
            if abs(value) > mpmath.mpf(10) ** -30:
                return idx, e, value
    return None


def verify(title, lhs, rhs, lhs_tex=None, rhs_tex=None):
    """:func:`bplab.symbolic.check_step` for formulas with general activations f (``sympy.Function``).

    First sympy tries to prove ``lhs == rhs`` for *every* f. When it cannot (it can't evaluate a general
    f' at a number to look for a counterexample), each f is replaced by a distinct concrete function and
    ``lhs - rhs`` is evaluated at random points with 50 digits: a wrong formula fails there. Raises
    AssertionError naming ``title`` when they differ; returns the verified step (its ``method`` says how).
    """
    import sympy as sp

    from ..symbolic import DerivationStep, check_step

    try:
        return check_step(title, lhs, rhs, lhs_tex, rhs_tex)
    except ValueError:
        pass
    left = sp.Matrix(lhs) if isinstance(lhs, (sp.MatrixBase, list)) else sp.Matrix([lhs])
    right = sp.Matrix(rhs) if isinstance(rhs, (sp.MatrixBase, list)) else sp.Matrix([rhs])
    if left.shape != right.shape:
        raise AssertionError(f"step {title!r} fails: the two sides have shapes {left.shape} and {right.shape}.")
    functions = sorted({a.func for a in (left - right).atoms(sp.core.function.AppliedUndef)}, key=str)
    found = _nonzero_somewhere(_concrete(left - right, functions))
    if found is not None:
        idx, e, value = found
        raise AssertionError(
            f"step {title!r} fails: entry {idx} of lhs - rhs is {float(value):.3e}, not 0, at a random point"
            f" (each general f replaced by a concrete function)."
        )
    return DerivationStep(title, lhs, rhs, "lhs - rhs is 0 at random points, with each f a different concrete function",
                lhs_tex, rhs_tex)


# ------------------------------------------------------------------ display and digits
def latex_with_primes(expr):
    """sympy's LaTeX of ``expr``, with the derivative of a general function f written f'(...).

    sympy writes f'(g(x)) as a derivative in a placeholder variable of its own (``\\xi_1``), substituted
    afterwards, and f'(x) as d/dx f(x). Both become ``{f}'(...)``, so that a learner reads the chain rule
    and never meets a stray xi (which is seed 000's error vector).
    """
    import sympy as sp

    undef = sp.core.function.AppliedUndef
    names = {}

    def prime(func, args):
        key = "Zqx" + "".join("QWXYZJKUVF"[int(d)] for d in str(len(names)))   # letters only: sympy reads digits as subscripts
        head = sp.latex(func(sp.Symbol("x"))).split(r"{\left(")[0]
        names[key] = "{%s}'" % head
        return sp.Function(key)(*args)

    def is_subs(e):
        return (isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative) and isinstance(e.expr.expr, undef)
                and len(e.variables) == 1 and e.expr.variable_count == ((e.variables[0], 1),)
                and e.expr.expr.args == e.variables)

    def is_derivative(e):
        return (isinstance(e, sp.Derivative) and isinstance(e.expr, undef) and len(e.expr.args) == 1
                and e.variable_count == ((e.expr.args[0], 1),))

    expr = expr.replace(is_subs, lambda e: prime(e.expr.expr.func, e.point))
    expr = expr.replace(is_derivative, lambda e: prime(e.expr.func, e.expr.args))
    out = sp.latex(expr)
    for key, tex in names.items():
        out = out.replace(r"\operatorname{%s}" % key, tex)
    return out


def show(lhs_tex, expr, rhs_tex=None):
    """Typeset ``lhs = expr`` (``expr`` by :func:`latex_with_primes`, or ``rhs_tex``) as an IPython Math object."""
    from IPython.display import Math

    right = rhs_tex if rhs_tex is not None else latex_with_primes(expr)
    return Math(f"{lhs_tex} = {right}")


def first_differing_digit(printed, exact):
    """The position (1 = the first significant digit) where two positive numbers' decimal digits first differ.

    ``printed`` is compared with as many digits as it carries (give it as a string to keep trailing
    digits, e.g. ``"0.000045395807355"``); ``exact`` is anything sympy can evaluate to 30 digits.
    Returns None when every digit of ``printed`` agrees with ``exact`` rounded to that many digits.
    """
    from decimal import Decimal, InvalidOperation

    import sympy as sp

    try:
        p = Decimal(str(printed).strip())
    except InvalidOperation:
        raise ValueError(f"printed must be a positive decimal number, got {printed!r}.") from None
    if not p > 0:
        raise ValueError(f"printed must be a positive decimal number, got {printed!r}.")
    digits = "".join(map(str, p.normalize().as_tuple().digits)) if "e" in str(printed).lower() else str(printed).strip().replace(".", "").lstrip("0")
    e = Decimal(str(sp.N(exact, 40)))
    if not e > 0:
        raise ValueError(f"exact must be positive, got {exact!r}.")
    n = len(digits)
    ref = format(e, f".{n - 1}e").split("e")[0].replace(".", "")   # exact, rounded to n significant digits
    for i, (a, b) in enumerate(zip(digits, ref), start=1):
        if a != b:
            return i
    return None


# ------------------------------------------------------------------ per-neuron formulas (seed 002) with numbers
def fprime_at(f, expr):
    """f'(expr) for a general function ``f`` (a ``sympy.Function``): the derivative of f, evaluated at ``expr``."""
    import sympy as sp

    t = sp.Dummy("t")
    return sp.diff(f(t), t).subs(t, expr)


def bias_first(net, l):
    """Layer l's parameters as Haykin writes them: the matrix [b^l | W^l], column 0 the bias weight w_j0."""
    check_network(net)
    l = layer_index(net, l)
    if not net.bias:
        raise ValueError("net has no biases (built with bias=False), so it has no bias column w_j0.")
    return np.column_stack([net.biases[l], net.weights[l]])


def evaluate(expr, values, activations, digits=30):
    """A sympy formula with general functions, evaluated at numbers: a float numpy array (or float).

    ``activations`` maps each general function (e.g. ``phi``) to the name of a bplab activation
    (``"sigmoid"``), whose sympy form replaces it; ``values`` maps symbols to numbers (floats are taken as
    the exact binary value they store) or to formulas of other symbols (put in first, after the functions
    are replaced). Evaluated with ``digits`` significant digits.
    """
    import sympy as sp

    from ..activations import ELEMENTWISE

    t = sp.Dummy("t")
    for f, name in activations.items():
        choice(name, sorted(ELEMENTWISE), "activations[...]")
        expr = expr.replace(f, sp.Lambda(t, ELEMENTWISE[name].sym(t)))
    formulas = {s: v for s, v in values.items() if isinstance(v, sp.Basic) and not v.is_number}
    exact = {s: sp.Rational(float(v)) for s, v in values.items() if s not in formulas}
    value = sp.sympify(expr).doit().xreplace(formulas).xreplace(exact)
    left = sorted(str(s) for s in value.free_symbols)
    if left:
        raise ValueError(f"values must give a number for every symbol of the formula; missing: {left}.")
    out = np.array(value.evalf(digits), dtype=float)
    return out if out.ndim else float(out)


# ------------------------------------------------------------------ the notation map, one seed at a time
def seed_notation_table(seed):
    """One seed's rows of bplab's notation map as a 4-column :class:`bplab.notation.DisplayTable`
    (concept, the seed's symbol with its Chinese term, what it is in bplab, note): narrow enough for a
    1280-pixel screen, unlike the seven columns of all seeds side by side. Built from
    :func:`bplab.notation.notation_table`, so both show the same data."""
    from .. import notation

    long = notation.notation_table(seeds=[seed], layout="long")
    col = {name: i for i, name in enumerate(long.columns)}
    rows = []
    for r in long.rows:
        term = r[col["seed's term"]]
        symbol = r[col["seed's symbol"]] + (f" ({term})" if term and term != "—" else "")
        rows.append([r[col["concept"]], symbol, r[col["= in bplab"]], r[col["note"]]])
    sid = long.rows[0][col["seed"]] if long.rows else seed
    return notation.DisplayTable(["concept", "seed's symbol (its term)", "in bplab", "note"], rows, f"Seed {sid} in bplab's names")
