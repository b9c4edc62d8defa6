"""bplab.derivations: the helpers behind the derivation notebooks, and that every notebook's checks can fail.

For each notebook whose derivation cells use these helpers, at least one test feeds the check the notebook
runs a *wrong* formula and asserts that it raises (names in the test: ``test_nbNN_...``).
"""

import numpy as np
import pytest
import sympy as sp

import bplab
from bplab import derivations as D
from bplab import symbolic
from bplab.examples import PRINTED
from bplab.variants import backward_missing_fprime, check_backward


@pytest.fixture
def net():
    return bplab.Network([2, 3, 3, 3], activations="sigmoid", seed=5)


@pytest.fixture
def batch():
    rng = np.random.default_rng(5)
    return rng.normal(size=(4, 2)), rng.uniform(size=(4, 3))


# ---------------------------------------------------------------------------------------- nudge, numeric delta
@pytest.mark.parametrize("activations", ["sigmoid", "tanh", [["tanh", "sigmoid", "identity"], "sigmoid"]])
def test_nudge_moves_the_loss_by_delta_times_eps(activations):
    net = bplab.Network([2, 3, 2], activations=activations, seed=1)
    x, y = np.array([0.3, -0.8]), np.array([0.2, 0.9])
    grads = net.gradients(x, y)
    for l in (1, 2):
        for j in range(1, net.sizes[l] + 1):
            n = D.nudge(net, x, y, l, j, 1e-5).verify(rtol=1e-3)
            assert n.delta == grads.delta[l][j - 1]


def test_nudge_change_is_second_order_in_eps():
    net = bplab.Network([2, 3, 2], activations="tanh", seed=2)
    x, y = np.array([0.5, 0.1]), np.array([0.0, 1.0])
    gaps = [abs(D.nudge(net, x, y, 1, 2, eps).change - D.nudge(net, x, y, 1, 2, eps).predicted) for eps in (1e-2, 1e-3)]
    assert 50 < gaps[0] / gaps[1] < 200                     # O(eps^2): ten times smaller eps, ~100 times smaller gap


def test_nb03_nudge_check_raises_for_a_wrong_delta():
    net = bplab.Network([2, 3, 2], activations="sigmoid", seed=3)
    x, y = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    g = net.gradients(x, y)
    with pytest.raises(AssertionError, match=r"nudging z\^1_2 .* relative error"):
        D.nudge(net, x, y, 1, 2, 1e-5, delta=2 * g.delta[1]).verify()
    with pytest.raises(AssertionError):
        D.nudge(net, x, y, 1, 1, 1e-5, delta=net.layer_activation(1).df(g.delta[1], g.delta[1])).verify()


def test_nudge_errors_name_the_argument():
    net = bplab.Network([2, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"j must be a neuron 1..3 of layer 1 \(counted from 1\), got 4"):
        D.nudge(net, [0, 0], [0, 0], 1, 4, 1e-4)
    with pytest.raises(ValueError, match="l must be a layer 1..2 of this network, got 3"):
        D.nudge(net, [0, 0], [0, 0], 3, 1, 1e-4)
    with pytest.raises(ValueError, match="eps must be a finite nonzero number"):
        D.nudge(net, [0, 0], [0, 0], 1, 1, 0.0)
    with pytest.raises(ValueError, match=r"x must be one sample of shape \(2,\)"):
        D.nudge(net, [0, 0, 0], [0, 0], 1, 1, 1e-4)


@pytest.mark.parametrize("bias", [True, False])
def test_numeric_delta_is_the_backprop_delta(bias):
    net = bplab.Network([3, 4, 2], activations=[["tanh", "sigmoid", "identity", "relu"], "sigmoid"], bias=bias, seed=4)
    x, y = np.array([0.3, -0.2, 0.9]), np.array([1.0, 0.0])
    g = net.gradients(x, y)
    for l in (1, 2):
        np.testing.assert_allclose(D.numeric_delta(net, x, y, l), g.delta[l], rtol=1e-6, atol=1e-10)


def test_numeric_delta_with_cross_entropy():
    net = bplab.Network([2, 3, 3], activations=["tanh", "softmax"], seed=0)
    x, y = np.array([0.4, -0.3]), np.array([0.0, 1.0, 0.0])
    g = net.gradients(x, y, loss="cross_entropy")
    for l in (1, 2):
        np.testing.assert_allclose(D.numeric_delta(net, x, y, l, loss="cross_entropy"), g.delta[l], rtol=1e-6)


# ---------------------------------------------------------------------------------------- the checks of notebook 03
def test_nb03_check_bp2_accepts_the_code_form(net, batch):
    worst = D.check_bp2(lambda d, W, fp: (d @ W) * fp, net, *batch)
    assert set(worst) == {1, 2} and max(worst.values()) < 1e-6


@pytest.mark.parametrize(
    "wrong",
    [
        lambda d, W, fp: (d @ W.T) * fp,           # the wrong transpose (runs: the hidden W are square)
        lambda d, W, fp: d @ W,                    # the missing f'
        lambda d, W, fp: (d @ W) * fp * 2,         # a stray factor
    ],
)
def test_nb03_check_bp2_raises_for_a_wrong_formula(net, batch, wrong):
    with pytest.raises(AssertionError, match="BP2 for layer"):
        D.check_bp2(wrong, net, *batch)


def test_check_bp2_wrong_transpose_on_non_square_weights_does_not_run(batch):
    net = bplab.Network([2, 3, 2, 3], seed=0)
    with pytest.raises(ValueError):
        D.check_bp2(lambda d, W, fp: (d @ W.T) * fp, net, *batch)


def test_check_bp2_shape_and_batch_errors(net, batch):
    with pytest.raises(AssertionError, match="one sample per row"):
        D.check_bp2(lambda d, W, fp: ((d @ W) * fp).T, net, *batch)
    with pytest.raises(ValueError, match="at least 2 samples"):
        D.check_bp2(lambda d, W, fp: (d @ W) * fp, net, batch[0][:1], batch[1][:1])


@pytest.fixture(scope="module")
def sn():
    return symbolic.SymbolicNetwork([2, 3, 2], activations="sigmoid")


def test_nb03_check_loss_formula_accepts_the_loss_of_z(sn):
    net = bplab.Network([2, 3, 2], activations="sigmoid", seed=3)
    x, y = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    for l in (1, 2):
        assert D.check_loss_formula(sn.loss_of_z(l), sn, net, x, y, l) == pytest.approx(net.loss(x, y), rel=1e-14)


def test_nb03_check_loss_formula_raises_for_a_wrong_formula(sn):
    net = bplab.Network([2, 3, 2], activations="sigmoid", seed=3)
    x, y = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    z, L = sn.z_sym[2], 2
    no_half = 2 * sn.loss_of_z(L)
    z_for_a = sn.loss(a=z)                         # C(z) written with z where sigma(z) belongs
    for wrong in (no_half, z_for_a):
        with pytest.raises(AssertionError, match="bplab's loss is"):
            D.check_loss_formula(wrong, sn, net, x, y, L)
    with pytest.raises(AssertionError, match="free symbols"):
        D.check_loss_formula(sn.loss_of_z(L) + sp.Symbol("q"), sn, net, x, y, L)


def test_delta_above_is_the_next_delta_in_the_free_z(sn):
    expr = D.delta_above(sn, 1)
    assert expr.free_symbols.isdisjoint(set(sn.z_sym[2]))
    assert set(sn.z_sym[1]) <= expr.free_symbols


def test_gradient_cost_counts_the_forward_passes():
    cost = D.gradient_cost(widths=(2, 4), repeats=1)
    assert cost.n_params == [4 * 2 + 2 + 2 * 2 + 2 + 2 * 2 + 2, 4 * 4 + 4 + 4 * 4 + 4 + 4 * 2 + 2]
    assert cost.forward_passes_fd == [2 * p for p in cost.n_params]
    assert all(t > 0 for t in cost.seconds_fd + cost.seconds_bp)
    import matplotlib

    matplotlib.use("Agg")
    ax = cost.plot()
    assert len(ax.lines) == 2


# ---------------------------------------------------------------------------------------- the seeds' letters
@pytest.fixture(scope="module")
def s0():
    return D.seed000([2, 3, 2, 1])


def test_nb02_seed000_xi_and_weight_gradient(s0):
    xi = {l: s0.delta(l) for l in (1, 2, 3)}
    D.verify("xi_L", xi[3], (s0.activate(3, s0.z[3]) - s0.y).multiply_elementwise(s0.fprime(3)))
    for l in (2, 1):
        D.verify("xi_l", xi[l], (s0.W[l + 1].T * s0.above(l, xi[l + 1])).multiply_elementwise(s0.fprime(l)))
    for l in (3, 2, 1):
        D.verify("dC/dW_l", s0.grad_W(l), s0.along_forward(l, xi[l]) * s0.a[l - 1].T)
    assert s0.dz_dW(2, 1) == sp.Matrix.vstack(s0.a[1].T, sp.zeros(1, 3))
    assert not s0.bias and str(s0.z[1][0]) == "a^1_1" and str(s0.a[1][0]) == "o^1_1"


def test_nb02_seed000_checks_raise_for_wrong_formulas(s0):
    xi = {l: s0.delta(l) for l in (1, 2)}
    with pytest.raises(AssertionError, match="xi_1"):           # W instead of its transpose... shape-free slip:
        D.verify("xi_1", xi[1], s0.W[2].T * s0.above(1, xi[2]))  # the missing f'(a_1)
    with pytest.raises(AssertionError, match="dC/dW_1"):
        D.verify("dC/dW_1", s0.grad_W(1), 2 * s0.along_forward(1, xi[1]) * s0.a[0].T)
    with pytest.raises(AssertionError, match="da/dW"):
        D.verify("da/dW", s0.dz_dW(2, 1), sp.Matrix.vstack(sp.zeros(1, 3), s0.a[1].T))


def test_nb05_seed003_decay_and_weight_gradient():
    u = D.seed003([2, 3, 2])
    lam = sp.Symbol("lambda", positive=True)
    decay = lam / 2 * sum(w**2 for l in u.W for w in u.W[l])
    for l in u.W:
        d_decay = u.W[l].applyfunc(lambda w: decay.diff(w))
        D.verify("decay", d_decay, lam * u.W[l])
        D.verify("dJ/dW", u.grad_W(l) + d_decay, u.along_forward(l, u.delta(l)) * u.a[l - 1].T + lam * u.W[l])
        with pytest.raises(AssertionError, match="decay"):
            D.verify("decay", d_decay, lam / 2 * u.W[l])               # forgot the 2 from the square
        with pytest.raises(AssertionError, match="dJ/dW"):
            D.verify("dJ/dW", u.grad_W(l) + d_decay, u.along_forward(l, u.delta(l)) * u.a[l - 1].T)   # no lambda W
    assert str(u.W[1][1, 0]) == "W^(1)_21" and str(u.z[1][0]) == "z^(2)_1" and str(u.a[0][0]) == "a^(1)_1"


def test_nb08_seed004_delta_checks_pass_and_fail():
    s4 = D.seed004([2, 3, 2, 1])
    d3, d2 = s4.delta(3), s4.delta(2)
    D.verify("delta^(2)", d2, s4.fprime(2).multiply_elementwise(s4.W[3].T * s4.above(2, d3)))
    D.verify("dL/db^(2)", s4.grad_b(2), s4.along_forward(2, d2))
    with pytest.raises(AssertionError, match=r"delta\^\(2\)"):
        D.verify("delta^(2)", d2, s4.W[3].T * s4.above(2, d3))              # the missing f_2'
    with pytest.raises(AssertionError, match=r"delta\^\(3\)"):
        D.verify("delta^(3)", d3, (s4.y - s4.activate(3, s4.z[3])).multiply_elementwise(s4.fprime(3)))   # sign
    assert str(s4.a[1][0]) == "n^(1)_1"


def test_nb04_per_neuron_local_gradient_check_raises_for_the_wrong_sign():
    phi = sp.Function("phi")
    v, d = sp.symbols("v_j d_j")
    delta_j = -sp.diff(sp.Rational(1, 2) * (d - phi(v)) ** 2, v)
    D.verify("local gradient", delta_j, (d - phi(v)) * D.fprime_at(phi, v))
    with pytest.raises(AssertionError, match="local gradient"):
        D.verify("local gradient", delta_j, -(d - phi(v)) * D.fprime_at(phi, v))


def test_nb04_hidden_local_gradient_check_raises_for_the_usual_slips():
    """Notebook 04, step 4: delta_j = phi'(v_j) sum_k delta_k w_kj for a hidden neuron, as the notebook builds it."""
    phi = sp.Function("phi")
    v_hidden = sp.symbols("v_h1 v_h2")
    W_o = sp.Matrix(2, 3, lambda k, j: sp.Symbol(f"u_{k + 1}{j}"))
    d = sp.symbols("d_1 d_2")
    y_hidden = [sp.Integer(1)] + [phi(v) for v in v_hidden]
    v_out = [sum(W_o[k, j] * y_hidden[j] for j in range(3)) for k in range(2)]
    e_out = [d[k] - phi(v_out[k]) for k in range(2)]
    E = sp.Rational(1, 2) * sum(e**2 for e in e_out)
    delta_out = [e_out[k] * D.fprime_at(phi, v_out[k]) for k in range(2)]
    lhs = -sp.diff(E, v_hidden[0])
    right = D.fprime_at(phi, v_hidden[0]) * sum(delta_out[k] * W_o[k, 1] for k in range(2))
    D.verify("hidden delta_1", lhs, right)
    slips = {
        "no f'": sum(delta_out[k] * W_o[k, 1] for k in range(2)),
        "the other output's weight": D.fprime_at(phi, v_hidden[0]) * sum(delta_out[k] * W_o[1 - k, 1] for k in range(2)),
        "one output only": D.fprime_at(phi, v_hidden[0]) * delta_out[0] * W_o[0, 1],
    }
    for name, wrong in slips.items():
        with pytest.raises(AssertionError, match="hidden delta_1"):
            D.verify("hidden delta_1", lhs, wrong)


def test_nb04_evaluate_puts_in_bplabs_numbers():
    phi = sp.Function("phi")
    w0, w1, x1 = sp.symbols("w0 w1 x1")
    v = sp.Symbol("v")
    expr = sp.Matrix([phi(v), D.fprime_at(phi, v)])
    got = D.evaluate(expr, {v: w0 + w1 * x1, w0: 0.5, w1: -1.0, x1: 2.0}, {phi: "sigmoid"})
    s = 1 / (1 + np.exp(1.5))
    np.testing.assert_allclose(got.ravel(), [s, s * (1 - s)], rtol=1e-15)
    with pytest.raises(ValueError, match="missing: \\['x1'\\]"):
        D.evaluate(phi(w0 * x1), {w0: 1.0}, {phi: "sigmoid"})
    net = bplab.Network([2, 2], seed=0)
    np.testing.assert_array_equal(D.bias_first(net, 1)[:, 0], net.biases[1])
    with pytest.raises(ValueError, match="no biases"):
        D.bias_first(bplab.Network([2, 2], bias=False, seed=0), 1)


def test_check_verifies_general_f_identities_symbolically_first():
    s0 = D.seed000([1, 1, 1])
    step = D.verify("xi_2", s0.delta(2), (s0.activate(2, s0.z[2]) - s0.y).multiply_elementwise(s0.fprime(2)))
    assert "simplifies to 0" in step.method
    with pytest.raises(AssertionError, match="shapes"):
        D.verify("shapes", sp.Matrix([1, 2]), sp.Matrix([[1, 2]]) * sp.Function("f")(sp.Symbol("t")).diff(sp.Symbol("t")))


# ---------------------------------------------------------------------------------------- notebooks 06, 08, 09
def test_nb06_one_narrow_table_per_seed():
    from bplab import notation

    for seed in notation.SEED_IDS:
        table = D.seed_notation_table(seed)
        assert table.columns == ["concept", "seed's symbol (its term)", "in bplab", "note"]
        assert len(table) == len(notation.notation_table(seeds=[seed]))
        assert seed in table.title
    rows = {r[0].split(" (")[0]: r for r in D.seed_notation_table("003").rows}
    assert "n_l" in rows["layers and their sizes"][1] and "L + 1" in rows["layers and their sizes"][2]


def test_nb08_first_differing_digit_is_computed():
    z = sp.Symbol("z")
    exact = sp.diff(1 / (1 + sp.exp(-z)), z).subs(z, 10)
    assert D.first_differing_digit(PRINTED["f3'(z3)"], exact) == 9       # 4.5395807|355e-5 vs 4.5395807|736e-5
    assert D.first_differing_digit("0.000045395807355", exact) == 9
    assert D.first_differing_digit("0.0000453958077", exact) is None      # rounded correctly to 9 digits
    assert D.first_differing_digit(PRINTED["f1"], sp.Rational(1) / (1 + sp.exp(-5))) is None
    with pytest.raises(ValueError, match="printed must be a positive decimal number"):
        D.first_differing_digit("abc", exact)


def test_nb09_gradient_check_of_a_wrong_backward_pass_fails():
    net = bplab.Network([2, 4, 3, 2], activations="sigmoid", seed=1)
    rng = np.random.default_rng(1)
    report = check_backward(backward_missing_fprime, net, rng.normal(size=2), rng.uniform(size=2))
    with pytest.raises(AssertionError):
        report.raise_if_failed()


def test_latex_with_primes_writes_f_prime_not_sympys_placeholder():
    """Notebook 02 typesets xi^2_1: sympy's own LaTeX has d/dxi_1 f(xi_1)|_{xi_1 = ...}, a stray xi."""
    s0 = D.seed000([2, 3, 2, 1])
    raw, tex = sp.latex(s0.delta(2)[0]), D.latex_with_primes(s0.delta(2)[0])
    assert r"\xi" in raw and r"\xi" not in tex and r"\frac{d" not in tex
    assert "{f^{3}_{1}}'" in tex and "{f^{2}_{1}}'{\\left(a^{2}_{1} \\right)}" in tex
    phi, v = sp.Function("phi"), sp.Symbol("v")
    assert D.latex_with_primes(sp.diff(phi(v), v)) == r"{\phi}'{\left(v \right)}"
    assert r"\frac{d^{2}}" in D.latex_with_primes(sp.diff(phi(v), v, 2))   # f'' is left to sympy
