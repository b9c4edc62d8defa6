"""bplab.symbolic: the BP equations verified by sympy, exact values, and the three-way gradient check."""

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import bplab
import bplab.activations as activations
from bplab import symbolic as S
from bplab.symbolic import bp_equations

# ------------------------------------------------------------------ import cost


def test_import_bplab_does_not_import_sympy():
    code = "import bplab, sys; assert 'sympy' not in sys.modules, 'sympy was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bplab_symbolic_is_loaded_lazily():
    code = "import bplab, sys; m = bplab.symbolic; assert 'sympy' in sys.modules and hasattr(m, 'three_way_check')"
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------ SymbolicNetwork


def test_symbolic_network_shapes_and_formula():
    sn = S.SymbolicNetwork([2, 3, 2])
    assert sn.W[1].shape == (3, 2) and sn.W[2].shape == (2, 3)
    assert sn.b[1].shape == (3, 1) and sn.x.shape == (2, 1) and sn.y.shape == (2, 1)
    # z^1_1 = w_11 x_1 + w_12 x_2 + b_1, written out by hand
    W, b, x = sn.W[1], sn.b[1], sn.x
    assert sp.expand(sn.z[1][0] - (W[0, 0] * x[0] + W[0, 1] * x[1] + b[0])) == 0
    assert sp.simplify(sn.a[1][0] - 1 / (1 + sp.exp(-sn.z[1][0]))) == 0
    with pytest.raises(IndexError):
        sn.W[0]


def test_symbolic_network_without_bias_and_from_net():
    net = bplab.Network([2, 2, 1], activations=["tanh", "identity"], bias=False, seed=0)
    sn = S.SymbolicNetwork(net)
    assert sn.b is None and sn.activations == ["tanh", "identity"]
    assert len(sn.parameters()) == net.theta.size


def test_loss_expressions_match_bplab_values():
    net = bplab.Network([2, 3], activations="softmax", seed=1)
    x, y = np.array([0.5, -1.25]), np.array([0.0, 1.0, 0.0])
    sn = S.SymbolicNetwork(net)
    subs = sn.substitutions(net, x, y)
    for loss in ("half_sse", "cross_entropy"):
        exact = float(sn.loss(loss).xreplace(subs).evalf(30))
        assert abs(exact - net.loss(x, y, loss)) < 1e-14


def test_substitutions_are_the_exact_binary_values():
    net = bplab.Network.from_weights([[[0.1, 2.0]]], [[0.5]])
    sn = S.SymbolicNetwork(net)
    subs = sn.substitutions(net, [1.0, 3.0], [1.0])
    w11 = sn.W[1][0, 0]
    assert subs[w11] != sp.Rational(1, 10)  # 0.1 is not 1/10 in binary
    assert subs[w11] == sp.Rational(3602879701896397, 2**55)
    assert subs[sn.W[1][0, 1]] == 2 and subs[sn.b[1][0]] == sp.Rational(1, 2)


def test_bad_inputs_raise_with_a_sentence():
    with pytest.raises(ValueError, match="sizes"):
        S.SymbolicNetwork([2])
    with pytest.raises(ValueError, match="activation"):
        S.SymbolicNetwork([2, 2], activations="swish")
    net, x, y = bplab.worked_example()
    with pytest.raises(ValueError, match="ONE sample"):
        S.exact_forward(net, np.stack([x, x]))
    with pytest.raises(ValueError, match="cross_entropy"):
        S.verify_bp_equations("sigmoid", [2, 2], loss="cross_entropy")


# --------------------------------------------------------- verify_bp_equations

CASES = [
    ("sigmoid", "half_sse"),
    ("tanh", "half_sse"),
    ("relu", "half_sse"),
    ("leaky_relu", "half_sse"),
    ("identity", "half_sse"),
    (["tanh", "softmax"], "cross_entropy"),
    (["sigmoid", "softmax"], "half_sse"),
    (["sigmoid", "sigmoid"], "binary_cross_entropy"),
    ([["sigmoid", "relu"], ["identity", "leaky_relu"]], "half_sse"),  # per-neuron activations
]


@pytest.mark.parametrize("acts,loss", CASES, ids=lambda v: str(v))
def test_each_bp_equation_holds_for_each_activation(acts, loss):
    report = S.verify_bp_equations(acts, [2, 2, 2], loss=loss, points=6)
    assert report.passed
    checked = {(r.equation, r.layer) for r in report.rows}
    assert {("BP1", 2), ("BP2", 1), ("BP3", 1), ("BP3", 2), ("BP4", 1), ("BP4", 2), ("f'", 1), ("f'", 2)} <= checked
    if loss != "half_sse":  # the shortcut delta^L = a^L - y is verified too
        assert any("a^L - y" in r.statement and r.passed for r in report.rows)
    flat = str(acts)
    for r in report.rows:
        if r.equation in ("BP1", "BP2") and "f'" not in r.statement and "bplab" not in r.statement:
            # Piecewise activations are checked at points, the others for all values
            piecewise = "relu" in flat
            assert ("random rational points" in r.method) == piecewise or "simplify() could not decide" in r.detail


def test_bp_equations_without_bias_have_no_bp3():
    report = S.verify_bp_equations("tanh", [2, 2, 1], bias=False, points=4)
    assert not any(r.equation == "BP3" for r in report.rows)
    assert any(r.equation == "BP4" and r.layer == 1 for r in report.rows)


def test_a_false_bp2_is_caught_and_named(monkeypatch):
    # drop the factor f'(z^l): BP2 becomes (W^T delta) alone, which is false
    def without_fprime(sn, l, g, z):
        return g

    monkeypatch.setattr(bp_equations, "_hadamard_or_jacobian", without_fprime)
    with pytest.raises(AssertionError, match=r"BP1 fails for layer 2"):
        S.verify_bp_equations("sigmoid", [2, 2, 2], points=4)


def test_a_false_bp4_is_caught(monkeypatch):
    real = S.SymbolicNetwork.delta

    def shifted(self, l, loss="half_sse"):  # a wrong delta for layer 1 only
        d = real(self, l, loss)
        return d * 2 if l == 1 else d

    monkeypatch.setattr(S.SymbolicNetwork, "delta", shifted)
    with pytest.raises(AssertionError, match=r"BP2 fails for layer 1"):
        S.verify_bp_equations("tanh", [2, 2, 1], points=4)


@pytest.fixture
def wrong_sigmoid_derivative(monkeypatch):
    """bplab's sigmoid with a deliberately wrong derivative a (1 - a) + 0.01."""
    bad = dataclasses.replace(activations.ELEMENTWISE["sigmoid"], df=lambda z, a: a * (1.0 - a) + 0.01)
    monkeypatch.setitem(activations.ELEMENTWISE, "sigmoid", bad)


def test_wrong_activation_derivative_is_caught_by_verify(wrong_sigmoid_derivative):
    with pytest.raises(AssertionError, match=r"f' of layer 1"):
        S.verify_bp_equations("sigmoid", [2, 2, 1], points=4)


def test_wrong_activation_derivative_is_caught_by_three_way_check(wrong_sigmoid_derivative):
    net = bplab.Network([2, 3, 1], seed=3)  # built after the patch: uses the wrong derivative
    report = S.three_way_check(net, [0.5, -1.0], [1.0])
    assert not report.passed
    assert any("backprop" in e.status for e in report.entries)
    with pytest.raises(AssertionError, match="three-way gradient check failed"):
        report.raise_if_failed()


def test_corrupted_gradient_is_caught_and_named():
    net, x, y = bplab.worked_example()
    grads = net.gradients(x, y)
    grads.flat[grads.flat.size - 1] *= 1.001  # b^3_1, 0.1 % off
    report = S.three_way_check(net, x, y, grads=grads)
    assert not report.passed
    bad = [e.name for e in report.entries if e.status.startswith("FAIL")]
    assert bad == ["b^3_1"]


# ----------------------------------------------------------- derivation steps


def test_check_step_accepts_true_and_rejects_false_steps():
    z = sp.Symbol("z")
    sig = 1 / (1 + sp.exp(-z))
    step = S.check_step("sigma' = sigma (1 - sigma)", sp.diff(sig, z), sig * (1 - sig))
    assert "verified" in repr(step) and "$$" in step._repr_markdown_()
    with pytest.raises(AssertionError, match="sigma' = sigma"):
        S.check_step("sigma' = sigma", sp.diff(sig, z), sig)


# ------------------------------------------------------- exact values, seed 004


@pytest.mark.parametrize("variant", ["matrix", "as_printed"])
def test_worked_example_float64_matches_exact_values(variant):
    net, x, y = bplab.worked_example(variant)
    trace = net.forward(x)
    grads = net.backward(trace, y)
    ex = S.exact_gradients(net, x, y, digits=30)
    for l in range(1, net.L + 1):
        np.testing.assert_allclose(trace.z[l], np.asarray(ex.z[l], dtype=float), rtol=0, atol=1e-12)
        np.testing.assert_allclose(trace.a[l], np.asarray(ex.a[l], dtype=float), rtol=0, atol=1e-12)
        np.testing.assert_allclose(grads.delta[l], np.asarray(ex.delta[l], dtype=float), rtol=0, atol=1e-12)
        np.testing.assert_allclose(grads.dW[l], np.asarray(ex.dW[l], dtype=float), rtol=0, atol=1e-12)
        np.testing.assert_allclose(grads.db[l], np.asarray(ex.db[l], dtype=float), rtol=0, atol=1e-12)
        # and relatively, because delta^1 is only ~1e-10
        np.testing.assert_allclose(grads.delta[l], np.asarray(ex.delta[l], dtype=float), rtol=1e-10)
    assert abs(grads.loss - float(ex.loss)) < 1e-15


def test_worked_example_exact_values_from_the_article_and_the_readme():
    net, x, _ = bplab.worked_example("matrix")
    fwd = S.exact_forward(net, x)
    # z^1 by hand: 2*1 + 1*2 + 1 = 5, 1*1 + 3*2 + 2 = 9, 3*1 + 2*2 + 3 = 10, exactly
    assert list(fwd.z_expr[1]) == [5, 9, 10]
    # z5 with the matrix's w(2,5) = 2: 3 f1 + 2 f2 + 2 f3 + 1, with f = 1 / (1 + e^-z)
    f = [1 / (1 + sp.exp(-v)) for v in (5, 9, 10)]
    z5 = 3 * f[0] + 2 * f[1] + 2 * f[2] + 1
    assert abs(fwd.z[2][1] - z5.evalf(40)) < sp.Float("1e-28")
    assert abs(float(fwd.z[2][1]) - 7.979583862337768) < 1e-14  # the README's 30-digit fact
    # the article's printed z5 is the one with w(2,5) = 3
    printed = bplab.examples.PRINTED["z5"]
    fwd3 = S.exact_forward(bplab.worked_example("as_printed")[0], x)
    assert abs(float(fwd3.z[2][1]) - printed) < 1e-14


def test_consistent_delta1_with_w25_equal_3():
    net, x, y = bplab.worked_example("as_printed")
    ex = S.exact_gradients(net, x, y)
    assert abs(float(ex.delta[1][1]) - (-2.737e-12)) < 0.0005e-12  # README: -2.737e-12, not the printed -2.451e-12


def test_exact_gradients_agree_with_sympy_diff_of_the_whole_loss():
    """An independent path: diff the fully composed loss and evalf it, no compiled code."""
    net = bplab.Network([2, 2, 1], activations=["tanh", "sigmoid"], seed=7)
    x, y = np.array([0.75, -0.5]), np.array([1.0])
    sn = S.SymbolicNetwork(net)
    subs = sn.substitutions(net, x, y)
    C = sn.loss()
    ex = S.exact_gradients(net, x, y, digits=30)
    exact_flat = [sp.diff(C, s).xreplace(subs).evalf(35) for s in sn.parameter_symbols()]
    got = [v for l in range(1, 3) for v in list(np.ravel(ex.dW[l])) + list(ex.db[l])]
    for want, have in zip(exact_flat, got):
        assert abs(want - have) <= sp.Float("1e-28") * max(1, abs(want))


def test_exact_forward_digits():
    net, x, _ = bplab.worked_example()
    fwd = S.exact_forward(net, x, digits=40)
    # sigma(5) to 40 digits, from its definition
    assert abs(fwd.a[1][0] - (1 / (1 + sp.exp(-5))).evalf(50)) < sp.Float("1e-39")


# ------------------------------------------------------------- three-way check


def test_three_way_check_on_the_worked_example_shows_float64_rounding():
    net, x, y = bplab.worked_example()
    report = S.three_way_check(net, x, y)
    assert report.passed
    report.raise_if_failed()
    assert len(report.entries) == net.theta.size
    limited = report.rounding_limited
    assert limited, "W^1's float64 central differences are rounding-limited (gradients ~1e-12)"
    assert all(e.layer == 1 and e.rel_fd64 > 1e-4 for e in limited)
    for e in report.entries:
        assert e.rel_backprop < 1e-10
        assert e.rel_fd_hp < 1e-20
    text = repr(report)
    assert "rounding-limited" in text and "w^1_2,1" in text
    assert "<table" in report._repr_html_()
    # the same entries as bplab.gradcheck computes with float64 (it passes them only via atol)
    gc = bplab.gradcheck(net, x, y)
    np.testing.assert_allclose(gc[1, "W"].numeric.ravel(), [e.fd64 for e in report[1, "W"]], rtol=0, atol=0)


def test_three_way_check_on_a_batch_and_other_losses():
    net = bplab.Network([3, 4, 3], activations=["relu", "softmax"], seed=2)
    X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    report = S.three_way_check(net, X, [1, 2], loss="cross_entropy")
    assert report.passed and not report.rounding_limited


# ------------------------------------------------------ seed 004's printed values


def test_compare_with_printed_finds_the_articles_inconsistencies():
    table = S.compare_with_printed()
    assert table["z1"].verdict.startswith("consistent") and table["f4"].verdict.startswith("consistent")
    # z5 = 3 f1 + w f2 + 2 f3 + 1 was printed with w = 3, the matrix says 2
    assert table["z5"].matches == ["as_printed"]
    assert table["delta2[2]"].matches == ["as_printed"]
    # delta1[2] fits neither run: it mixes delta2 from w = 3 with w = 2 in the backward step
    assert table["delta1[2]"].matches == []
    assert "NEITHER" in table["delta1[2]"].verdict and "<table>" in table._repr_html_()
    net_m, x, y = bplab.worked_example("matrix")
    net_p, _, _ = bplab.worked_example("as_printed")
    tr_m, g_p = net_m.forward(x), net_p.gradients(x, y)
    f1prime = tr_m.a[1] * (1 - tr_m.a[1])  # sigma'(z) = sigma (1 - sigma), z^1 is the same in both runs
    mixed = (net_m.weights[2].T @ g_p.delta[2]) * f1prime
    assert abs(mixed[1] - bplab.examples.PRINTED["delta1"][1]) < 1.5e-15


def test_worked_example_values_keys_cover_printed():
    values = S.worked_example_values("matrix")
    for name, printed in bplab.examples.PRINTED.items():
        keys = [f"{name}[{k + 1}]" for k in range(len(printed))] if isinstance(printed, list) else [name]
        assert all(k in values for k in keys)


# ------------------------------------------------- refusal by predicted cost (issue 14)


def test_cost_counts_follow_the_written_out_tree():
    # 2-3-2-1: F = 2*3*2*1 + 3*2*1 + 2*1 + 1 = 21 terms; U = 3*(3*2*1) + 2*(2*1) + 1*1 + 2*3*2*1 = 35
    cost = S.symbolic_cost([2, 3, 2, 1])
    assert (cost.loss_terms, cost.derivative_terms, cost.parameters, cost.layers) == (21, 35, 20, 3)
    assert S.symbolic_cost(bplab.Network([2, 3, 2, 1], bias=False, seed=0)).parameters == 6 + 6 + 2
    # depth and width, not the parameter count: 8-8-8-8-8 has fewer parameters than 16-16-2 ...
    deep, wide = S.symbolic_cost([8, 8, 8, 8, 8]), S.symbolic_cost([16, 16, 2])
    assert deep.parameters < wide.parameters
    # ... but 64 times the input leaves, and it is the one refused
    assert deep.compile_seconds > S.MAX_SECONDS > wide.compile_seconds + wide.central_difference_seconds(1)


def test_three_way_check_refuses_by_predicted_cost():
    deep = bplab.Network([8, 8, 8, 8, 8], seed=0)  # 288 parameters, under the old 300-parameter limit
    with pytest.raises(ValueError) as info:
        S.three_way_check(deep, np.zeros(8), np.zeros(8))
    message = str(info.value)
    assert message.startswith("net (sizes [8, 8, 8, 8, 8]) is too large for three_way_check")
    assert "0.014 L^2 + 0.00096 U" in message and "1e-5 P F m" in message  # the rule
    assert "predicted cost is 157 s" in message and "limit of 20 s" in message  # the value and the limit
    assert "bplab.gradcheck(net, x, y)" in message  # the faster alternative
    from bplab.symbolic.exact import _compiled

    compiled_before = _compiled.cache_info().misses
    with pytest.raises(ValueError, match=r"too large for the exact computation.*gradcheck"):
        S.exact_gradients(deep, np.zeros(8), np.zeros(8))
    assert _compiled.cache_info().misses == compiled_before  # refused before compiling anything


def test_three_way_check_cost_grows_with_the_batch():
    net = bplab.Network([16, 16, 2], seed=0)  # 306 parameters: accepted for one sample, as predicted
    cost = S.symbolic_cost(net)
    m = int(np.ceil((S.MAX_SECONDS - cost.compile_seconds) / cost.central_difference_seconds(1))) + 1
    with pytest.raises(ValueError, match=rf"\(m = {m} samples\)"):
        S.three_way_check(net, np.zeros((m, 16)), np.zeros((m, 2)))


def test_verify_bp_equations_refuses_by_predicted_cost():
    with pytest.raises(ValueError) as info:
        S.verify_bp_equations("sigmoid", sizes=[8, 8, 8, 8])
    message = str(info.value)
    assert message.startswith("sizes (sizes [8, 8, 8, 8]) is too large for verify_bp_equations")
    assert "0.12 L^2 + 0.00035 P F" in message and "gradcheck" in message
    predicted = S.symbolic_cost([8, 8, 8, 8]).verify_seconds(False)
    assert f"predicted cost is {predicted:.0f} s" in message and "P = 216 parameters" in message
    # relu is checked at random points: four times the cost, so a smaller shape is refused with it
    shape = [4, 4, 4, 4]
    assert S.symbolic_cost(shape).verify_seconds(False) < S.MAX_SECONDS < S.symbolic_cost(shape).verify_seconds(True)
    with pytest.raises(ValueError, match="times 4 with relu"):
        S.verify_bp_equations("relu", sizes=shape)


def test_exact_forward_refuses_by_predicted_cost():
    net = bplab.Network([32, 32, 32, 32], seed=0)
    predicted = S.symbolic_cost(net).forward_seconds
    with pytest.raises(ValueError, match=rf"net \(sizes \[32, 32, 32, 32\]\) is too large for exact_forward: its predicted"
                                         rf" cost is {predicted:.0f} s.*0\.03 L\^2 \+ 0\.00011 F"):
        S.exact_forward(net, np.zeros(32))


def test_the_notebooks_networks_are_accepted():
    """Every shape the notebooks and the worked example hand to bplab.symbolic stays under the limit."""
    for sizes in ([2, 3, 2, 1], [2, 3, 2], [2, 2, 2], [2, 2, 1], [3, 4, 3]):
        cost = S.symbolic_cost(sizes)
        assert cost.compile_seconds + cost.central_difference_seconds(2) < S.MAX_SECONDS
        assert cost.forward_seconds < S.MAX_SECONDS and cost.verify_seconds(True) < S.MAX_SECONDS
    net, x, y = bplab.worked_example()
    assert S.three_way_check(net, x, y).passed


def test_three_way_check_flags_a_relu_kink_instead_of_failing():
    # the first hidden neuron has z = 1 - 1 + 0 = 0: on relu's kink
    net = bplab.Network.from_weights([[[1.0, -1.0], [0.5, 0.25]], [[1.0, 2.0]]], [[0.0, 0.0], [0.5]],
                                     activations=["relu", "identity"])
    x, y = np.array([1.0, 1.0]), np.array([0.0])
    report = S.three_way_check(net, x, y)
    assert report.passed
    assert [e.name for e in report.at_kink] == ["w^1_1,1", "w^1_1,2", "b^1_1"]
    assert all(e.rel_backprop == 0 for e in report.at_kink)  # backprop and sympy still judged there, and agree
    assert "sit at a relu/leaky_relu kink" in repr(report)
    # a wrong backprop AT the kink is still caught: the exact derivative is judged there
    grads = net.gradients(x, y)
    grads.flat[0] = 0.5
    bad = S.three_way_check(net, x, y, grads=grads)
    assert not bad.passed and bad.entries[0].status.startswith("FAIL: backprop")


def test_bp_report_shares_the_report_interface():
    ok_row = S.BPRow("BP1", 2, "dC/dz^L = ...", "symbolic", 2, True)
    bad_row = S.BPRow("BP2", 1, "delta^l = ...", "symbolic", 2, False, "not 0 at a point")
    assert S.BPReport([2, 2, 2], ["sigmoid"] * 2, "half_sse", True, [ok_row]).raise_if_failed().passed
    report = S.BPReport([2, 2, 2], ["sigmoid"] * 2, "half_sse", True, [ok_row, bad_row])
    assert not report.passed and report.failures() == ["BP2 layer 1"]
    with pytest.raises(AssertionError, match=r"BP equations fail for: BP2 layer 1\n"):
        report.raise_if_failed()
    assert "FAIL" in repr(report) and "FAIL" in report._repr_html_()


def test_worked_example_tables_keep_numbers_on_one_line_and_verdicts_short():
    """At 828 px (JupyterLab with its sidebar, 1280x800) a number broken at its 'e-' is misread."""
    import re

    html = S.compare_with_printed()._repr_html_()
    cells = re.findall(r"<td( style='[^']*')?>([^<]*)</td>", html)
    numbers = [style for style, text in cells if re.fullmatch(r"-?[\d.]+(e[-+]\d+)?", text)]
    assert numbers and all("nowrap" in style for style in numbers)
    verdicts = re.findall(r"<td style='color:[^']*'>([^<]*)</td>", html)
    assert set(verdicts) == {"both (consistent)", "w(2,5) = 3 only", "NEITHER"}
