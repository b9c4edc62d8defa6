"""The exercises of notebooks 01-07 (the derivations): truths and slips computed from bplab; see :mod:`bplab.exercises.notebooks`."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import bplab

from .feedback import compare
from .registry import exercise, judge_function
from .slips import FORGOT_FPRIME, FPRIME_TWICE, MISSING_1_OVER_M, TRANSPOSED, WRONG_STEP_SIGN, sigmoid_slope


# ---------------------------------------------------------------- 01 start here


@lru_cache(maxsize=None)
def _nb01():
    # notebook 01's tiny 2-2-1 network, with the weights that notebook types to be followed by hand
    W1, b1 = np.array([[1.0, -1.0], [2.0, 0.5]]), np.array([0.0, 1.0])
    W2, b2 = np.array([[1.0, -2.0]]), np.array([0.5])
    tiny = bplab.Network.from_weights([W1, W2], [b1, b2], activations="sigmoid")
    x = np.array([1.0, 2.0])
    X = np.array([[1.0, 2.0], [0.0, 0.0], [-1.0, 3.0]])
    return tiny, x, X


@exercise("01.1", "the shape of the worked example's W^2")
def _(answer):
    net, _, _ = bplab.worked_example()
    n1, n2 = net.sizes[1], net.sizes[2]
    return compare(answer, net.weights[2].shape, name="the shape of W^2", hints=[
        ((n1, n2), TRANSPOSED + " Rows are the neurons of layer 2, columns those of layer 1."),
        ((n1, n1), "W^2 connects layer 1 to layer 2: rows for layer 2's neurons, columns for layer 1's."),
    ])


@exercise("01.2", "z^1 of the third sample of a batch")
def _(answer):
    tiny, _, X = _nb01()
    batch = tiny.forward(X)
    return compare(answer, tiny.forward(X[2]).z[1], name="z^1 of the third sample", hints=[
        (batch.z[1][1], "Python counts from 0: the third sample is row 2."),
        (batch.a[1][2], "That is a^1 = f(z^1), after the activation function."),
        (batch.z[1], "That is z^1 of all three samples; take one row."),
    ])


@exercise("01.3", "z^2 of the tiny network by hand")
def _(answer):
    tiny, x, _ = _nb01()
    trace = tiny.forward(x)
    W2, b2 = tiny.weights[2], tiny.biases[2]
    return compare(answer, trace.z[2], name="z^2", hints=[
        (W2 @ trace.a[1], "Don't forget the bias b^2."),
        (W2 @ trace.z[1] + b2, "Layer 2 takes the activations a^1 = f(z^1), not z^1."),
        (trace.a[2], "That is a^2 = f(z^2); z^2 is the weighted input, before f."),
    ])


# ---------------------------------------------------------------- 02 forward pass in matrix form

_MIXED_000 = [["sigmoid", "tanh", "relu"], "sigmoid", "sigmoid"]


def _seed000_net(seed):
    return bplab.Network([2, 3, 2, 1], activations=_MIXED_000, bias=False, seed=seed)


@exercise("02.1", "seed 000's forward pass written by hand")
def _(fn):
    rng = np.random.default_rng(20)
    cases, nets = [], []
    for seed in (0, 1, 2):
        net, x = _seed000_net(seed), rng.normal(size=2)
        nets.append((net, x))
        cases.append(((*(np.array(net.weights[l]) for l in (1, 2, 3)), x), net.forward(x).output))

    def with_layer1(name):  # the network with one function for all of layer 1: a typical slip
        def slip(W1, W2, W3, x):
            return bplab.Network.from_weights([W1, W2, W3], biases=None, activations=[name, "sigmoid", "sigmoid"]).forward(x).output
        return slip

    def no_f(W1, W2, W3, x):
        return W3 @ (W2 @ (W1 @ x))

    return judge_function(fn, cases, name="forward_000", rtol=1e-12, slips=[
        (with_layer1("sigmoid"), "Layer 1 has a different f per neuron: sigmoid, tanh and ReLU, one for each of its three neurons."),
        (with_layer1("identity"), "Apply layer 1's functions f_1, f_2, f_3 to a_1 before the next product."),
        (no_f, "Each layer applies its functions after its matrix product: o_l = f(a_l)."),
    ])


@lru_cache(maxsize=None)
def _nb02():
    net = _seed000_net(0)
    x = np.array([0.5, -1.5])
    return net, x, net.forward(x)


@exercise("02.2", "the shape of W_2 for sizes [4, 6, 3]")
def _(answer):
    sizes = [4, 6, 3]
    W2 = bplab.Network(sizes, seed=0).weights[2]
    return compare(answer, W2.shape, name="the shape of W_2", hints=[
        (W2.T.shape, TRANSPOSED + " Rows are the neurons of layer l itself, columns the outputs of layer l-1."),
        ((sizes[1], sizes[0]), "W_2 connects layer 1 to layer 2, not the input to layer 1."),
    ])


@exercise("02.3", "seed 000's a_2")
def _(answer):
    net, _, trace = _nb02()
    return compare(answer, trace.z[2], name="seed 000's a_2", hints=[
        (trace.a[2], "That is o_2 = f(a_2), the output. Seed 000's a_2 is the weighted input, before f."),
        (net.weights[2] @ trace.z[1], "Multiply the OUTPUT of layer 1, o_1 = f(a_1) (bplab's trace.a[1]), not its weighted input."),
    ])


def _one_layer_cases():
    rng = np.random.default_rng(21)
    return [(rng.normal(size=(n, k)), rng.normal(size=n)) for n, k in ((3, 2), (2, 4), (4, 3))]


@exercise("02.4", "[b | W]: the bias column first")
def _(fn):
    cases = []
    for W, b in _one_layer_cases():
        # the truth is the matrix M with M [1; x] = W x + b: bplab's layer with the bias, rebuilt without it
        layer = bplab.Network.from_weights([W], [b], activations="identity")
        M = np.column_stack([layer.forward(np.zeros(W.shape[1])).z[1], W])
        cases.append(((W, b), M))
    return judge_function(fn, cases, name="bias_first", rtol=1e-12, slips=[
        (lambda W, b: np.hstack([W, b[:, None]]), "The 1 now comes first in the input, so the bias column must come first too."),
        (lambda W, b: np.vstack([b[None, :], W.T]), TRANSPOSED),
    ])


@exercise("02.5", "Z_1 of a batch in one line")
def _(fn):
    rng = np.random.default_rng(22)
    cases = []
    for seed in (0, 1):
        net, X = _seed000_net(seed), rng.normal(size=(5, 2))
        cases.append(((np.array(net.weights[1]), X), net.forward(X).z[1]))
    return judge_function(fn, cases, name="Z1_of_batch", rtol=1e-12, slips=[
        (lambda W1, X: W1 @ X.T, TRANSPOSED + " bplab keeps one sample per ROW: Z_1 = X W_1^T."),
    ])


# ---------------------------------------------------------------- 03 the four BP equations


@lru_cache(maxsize=None)
def _nb03():
    # notebook 03's example network (2-3-2-2: two hidden layers, so BP2 is checked for more than one layer)
    net = bplab.Network([2, 3, 2, 2], activations="sigmoid", seed=3)
    x, y = np.array([0.5, -1.0]), np.array([1.0, 0.0])
    trace = net.forward(x)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(5, 2)), rng.uniform(size=(5, 2))
    return net, trace, net.backward(trace, y), X, Y


@exercise("03.1", "BP1 for the sigmoid, written by hand")
def _(fn):
    rng = np.random.default_rng(30)
    cases = []
    for seed, sizes in ((3, [2, 3, 2]), (5, [3, 4, 3]), (6, [2, 2, 1])):
        net = bplab.Network(sizes, activations="sigmoid", seed=seed)
        x, y = rng.normal(size=sizes[0]), rng.uniform(size=sizes[-1])
        trace = net.forward(x)
        cases.append(((trace.output, y), net.backward(trace, y).delta[net.L]))
    return judge_function(fn, cases, name="delta_L", rtol=1e-12, slips=[
        (lambda a, y: a - y, FORGOT_FPRIME),
        (lambda a, y: (y - a) * sigmoid_slope(a), "Check the sign: BP1 uses (a^L - y), the derivative of 1/2 ||y - a^L||^2 with respect to a^L."),
        (lambda a, y: (a - y) * a, "sigma'(z) = a (1 - a), not a."),
        (lambda a, y: (a - y) * sigmoid_slope(a) ** 2, FPRIME_TWICE),
    ])


@exercise("03.2", "BP2: delta^1 from delta^2")
def _(answer):
    net, trace, grads, _, _ = _nb03()
    d2, W2, a1, z1 = grads.delta[2], net.weights[2], trace.a[1], trace.z[1]
    back = W2.T @ d2
    fp1 = sigmoid_slope(a1)
    fp2 = sigmoid_slope(trace.a[2])
    return compare(answer, grads.delta[1], name="delta^1", hints=[
        (back, FORGOT_FPRIME),
        (back * fp1 * fp1, FPRIME_TWICE),
        ((W2.T @ (d2 * fp2)) * fp1, FPRIME_TWICE),
        (back * a1, "sigma'(z^1) is a^1 (1 - a^1), not a^1."),
        (back * z1 * (1 - z1), "sigma'(z^1) = a^1 (1 - a^1) uses the outputs a^1, not the weighted inputs z^1."),
        (-back * fp1, "Check the sign: BP2 carries delta^2 back unchanged in sign."),
    ])


@exercise("03.3", "BP4: dC/dW^2")
def _(answer):
    net, trace, grads, _, _ = _nb03()
    d2, a1 = grads.delta[2], trace.a[1]
    return compare(answer, grads.dW[2], name="dC/dW^2", hints=[
        (np.outer(a1, d2), TRANSPOSED + " Row j of dC/dW^2 belongs to output neuron j, so delta^2 comes first: delta^2 (a^1)^T."),
        (np.outer(d2, a1 * sigmoid_slope(a1)), "No f' here: BP4 is delta^2 (a^1)^T, the f' is already inside delta^2."),
        (np.outer(d2, trace.z[1]), "BP4 uses the activations a^1 of the layer below, not its weighted inputs z^1."),
    ])


@exercise("03.4", "the formula number of the bias gradient in seed 001")
def _(answer):
    # seed 001 numbers its four formulas: 1 delta^L, 2 delta^l from delta^(l+1), 3 the weight gradient, 4 the bias gradient
    seed001 = {"delta^L": 1, "delta^l": 2, "dC/dw": 3, "dC/db": 4}
    return compare(answer, seed001["dC/db"], name="the formula number", hints=[
        (seed001["dC/dw"], "In seed 001, 公式3 is the weight gradient a^{l-1}_k delta^l_j; Nielsen (and bplab) call the bias gradient BP3."),
        (seed001["delta^L"], "公式1 is the output layer's error term delta^L."),
        (seed001["delta^l"], "公式2 is the backward step delta^l from delta^{l+1}."),
    ])


@exercise("03.5", "seed 001's cost C of a batch")
def _(answer):
    net, _, _, X, Y = _nb03()
    n = X.shape[0]
    P = net.predict(X)
    norms = np.linalg.norm(Y - P, axis=1)
    C = net.loss(X, Y, "half_sse")
    return compare(answer, C, name="C", hints=[
        (2 * C, "Don't forget the factor 1/2."),
        (n * C, MISSING_1_OVER_M + " The cost is an average over the n samples."),
        (norms.sum() / (2 * n), "Square the norms: ||y - a^L||^2."),
        (np.mean((Y - P) ** 2) / 2, "np.mean averages over every entry (n samples x the outputs); C sums over the outputs and averages over the samples only."),
        (np.mean(Y - P) / 2, "Square the differences before averaging, and sum them over the outputs."),
    ])


# ---------------------------------------------------------------- 04 per-neuron derivation (seed 002)


@lru_cache(maxsize=None)
def _nb04():
    net1 = bplab.Network([2, 2, 2], activations="sigmoid", seed=4)
    x, target = np.array([0.7, -1.2]), np.array([1.0, 0.0])  # notebook 04's sample
    return net1, x, target, net1.gradients(x, target)


@exercise("04.1", "seed 002's local gradient of output neuron 1")
def _(answer):
    _, _, _, grads1 = _nb04()
    return compare(answer, -grads1.delta[2][0], name="the local gradient of output neuron 1", hints=[
        (grads1.delta[2][0], "That is bplab's delta = dE/dv. Seed 002's local gradient is -dE/dv: mind the sign."),
        (-grads1.delta[2][1], "That is output neuron 2; neuron k = 1 is index 0."),
        (-grads1.delta[2], "That is the whole layer; give neuron k = 1 only."),
    ])


@exercise("04.2", "seed 002's Delta w_21 of a hidden weight")
def _(answer):
    _, x, _, grads1 = _nb04()
    eta = 0.5
    return compare(answer, -eta * grads1.dW[1][1, 0], name="Delta w_21", hints=[
        (eta * grads1.dW[1][1, 0], "The sign: Delta w = eta * (local gradient) * y_i, and the local gradient is -grads1.delta."),
        (-grads1.dW[1][1, 0], "You left out the learning rate eta."),
        (-eta * grads1.dW[1][0, 1], "Indices swapped: w_ji goes from input i to neuron j, so j = 2 is row index 1 and i = 1 is column 0."),
        (-eta * grads1.delta[1][1], "Multiply by the input y_i = x_1 that the weight carries."),
    ])


# ---------------------------------------------------------------- 05 batch gradient and weight decay (seed 003)


@lru_cache(maxsize=None)
def _nb05():
    X, labels, _ = bplab.datasets.make_moons(8, noise=0.1, seed=0)
    Y = np.eye(2)[labels]
    net = bplab.Network([2, 3, 2], activations="sigmoid", seed=1)
    rng = np.random.default_rng(1)
    for l in range(1, net.L + 1):  # non-zero biases, as notebook 05 gives them
        net.biases[l] = rng.normal(scale=0.5, size=net.sizes[l])
    Delta_b1 = sum(net.backward(net.forward(X[k]), Y[k]).db[1] for k in range(len(X)))
    return net, X, Y, Delta_b1


@exercise("05.1", "the new bias of layer 1 after one seed-003 step")
def _(answer):
    net, X, _, Delta_b1 = _nb05()
    K, alpha, lam = len(X), 0.5, 0.01
    b = net.biases[1]
    return compare(answer, b - alpha * Delta_b1 / K, name="the new b of layer 1", hints=[
        (b - alpha * (Delta_b1 / K + lam * b), "Weight decay does not act on biases in seed 003 (nor in bplab)."),
        (b - alpha * Delta_b1, "Delta b is a SUM over the K samples: divide by K (the missing 1/m)."),
        (b + alpha * Delta_b1 / K, WRONG_STEP_SIGN + " Residuals have bplab's sign (dJ/dz)."),
        (-alpha * Delta_b1 / K, "That is the change; the question asks for the new bias, b plus the change."),
    ])


@exercise("05.2", "the number of terms of the corrected inner sum")
def _(answer):
    W = bplab.Network([2, 4, 3], seed=0).weights[-1]  # the question's network: 4 neurons, then 3
    per_j, outputs = W.shape[1], W.shape[0]
    return compare(answer, per_j, name="the number of terms", hints=[
        (outputs, "That is the printed upper bound s_{n_l}; q runs over the neurons of layer n_l - 1."),
        (per_j + 1, "The bias b_j is added once outside the sum; it is not a W_jq f(z_q) term."),
        (W.size, "That counts all j as well; the question is about one j."),
    ], general_hint="Count the neurons q of the layer the sum runs over.")


# ---------------------------------------------------------------- 06 the notation map


@lru_cache(maxsize=None)
def _nb06():
    from bplab import notation

    net, x, y = bplab.worked_example()
    trace = net.forward(x)
    grads = net.backward(trace, y)
    rng = np.random.default_rng(0)
    X, Y = rng.uniform(0, 2, size=(4, 2)), rng.uniform(0, 1, size=(4, 1))
    seeds = {
        "001": notation.in_seed_notation("001", net, x, y),
        "002": notation.in_seed_notation("002", net, x, y, lr=bplab.examples.LEARNING_RATE),
        "003b": notation.in_seed_notation("003", net, X, Y, lr=0.5, weight_decay=0.01),
    }
    return net, trace, grads, X, Y, seeds


# Seed 003 counts the input as its layer 1; bplab counts it as layer 0. Its neuron-layer quantities
# (z, a, delta) carry numbers one larger; its W^(l) maps its layer l to l + 1, which is bplab's W^l.
_SEED003_LAYER_SHIFT = 1


@exercise("06.1", "bplab's l for seed 003's W^(2)")
def _(answer):
    seed_l = 2
    return compare(answer, seed_l, name="l with net.weights[l] = seed 003's W^(2)", hints=[
        (seed_l + _SEED003_LAYER_SHIFT, "W^(2) maps seed 003's layer 2 to 3, but seed 003 counts the input as layer 1: that is bplab's layer 1 to 2."),
        (seed_l - _SEED003_LAYER_SHIFT, "Only the neuron-layer quantities (z, a, delta) are shifted; the two shifts cancel for W."),
    ])


@exercise("06.2", "bplab's l for seed 003's delta^(3)")
def _(answer):
    seed_l = 3
    return compare(answer, seed_l - _SEED003_LAYER_SHIFT, name="l with grads.delta[l] = seed 003's delta^(3)", hints=[
        (seed_l, "Seed 003's layer 1 is the input, bplab's layer 0: subtract one."),
        (seed_l + _SEED003_LAYER_SHIFT, "Subtract, don't add: seed 003's layer numbers are the larger ones."),
    ])


@exercise("06.3", "Haykin's local gradient from bplab's grads")
def _(answer):
    _, _, grads, _, _, seeds = _nb06()
    return compare(answer, seeds["002"]["delta_j (layer 2)"][0], name="Haykin's local gradient of neuron 1, layer 2", hints=[
        (grads.delta[2][0], "The sign: Haykin's e = d - y is minus bplab's a^L - y, and the local gradient carries it."),
        (-grads.delta[1][0], "Layer 2, not layer 1."),
        (-grads.delta[2][1], "Neuron 1 is index 0."),
    ])


@exercise("06.4", "seed 003's Delta b^(2) from bplab's batch gradients")
def _(answer):
    net, _, _, X, Y, seeds = _nb06()
    g = net.gradients(X, Y)
    K = len(X)
    return compare(answer, seeds["003b"]["Delta b^(2)"], name="seed 003's Delta b^(2)", hints=[
        (g.db[2], "bplab's gradient is the MEAN over the 4 samples; Delta b accumulates their SUM."),
        (-K * g.db[2], "Seed 003's residual delta = -(y - a) f'(z) has bplab's sign; no minus sign here."),
        (g.db[1] * K, "Seed 003's layer 2 holds bplab's layer 1's neurons? No: Delta b^(2) belongs to W^(2), bplab's layer 2."),
    ])


@exercise("06.5", "seed 001's a^3 in bplab's trace")
def _(answer):
    _, trace, _, _, _, seeds = _nb06()
    return compare(answer, seeds["001"]["a^3"], name="seed 001's a^3", hints=[
        (trace.z[2], "a is an output (after f); z is the weighted input."),
        (trace.a[3], "Seed 001 (Nielsen) counts the input as layer 1: its layer 3 is bplab's layer 2."),
    ])


# ---------------------------------------------------------------- 07 the computational graph


@exercise("07.1", "df/dy along a path of three gates")
def _(answer):
    from bplab.graph import Value

    x, y, b = Value(2.0, "x"), Value(-1.5, "y"), Value(0.5, "b")  # section 1's expression, f = tanh(x y + b)
    f = (x * y + b).tanh()
    f.backward()
    slope = 1 - f.data ** 2  # tanh's local gradient
    return compare(answer, y.grad, name="df/dy", hints=[
        (slope * y.data, "The multiply gate swaps: y's local gradient is the value of x, not of y."),
        (x.data, "You still need tanh's local gradient 1 - f^2 (f = tanh s)."),
        ((1 - f.data) * x.data, "tanh's local gradient is 1 - tanh^2 s = 1 - f^2, not 1 - f."),
        (slope ** 2 * x.data, "tanh's local gradient enters once: the path has one tanh gate."),
        (-slope * x.data, "No minus sign: every gate on the path passes its local gradient on as it is."),
    ])


@lru_cache(maxsize=None)
def _nb07_graph():
    from bplab.graph import network_gradients

    tiny = bplab.Network([1, 2, 2], activations="sigmoid", seed=0)  # section 5's 1-2-2 network and sample
    return network_gradients(tiny, np.array([0.5]), np.array([1.0, 0.0]))


@exercise("07.2", "BP4 read off the graph")
def _(answer):
    G = _nb07_graph()
    delta = [z.grad for z in G.z[2]]
    return compare(answer, G.dW[2][0, 1], name="dC/dw^2_12", hints=[
        (G.W[2][0][1].data * delta[0], "The multiply gate swaps: a weight's gradient uses the OTHER input, a^1_2, not the weight itself."),
        (G.a[1][0].data * delta[0], "w^2_12 comes FROM hidden neuron 2 (k = 2): use a^1_2, which is G.a[1][1]."),
        (G.a[1][1].data * delta[1], "w^2_12 goes TO output neuron 1 (j = 1): use delta^2_1, the grad of G.z[2][0]."),
        (G.a[1][0].data * delta[1], TRANSPOSED + " w^2_jk goes from neuron k of layer 1 to neuron j of layer 2."),
        (G.a[1][1].grad * delta[0], "Take the VALUE of a^1_2 (.data), times the gradient of z^2_1."),
    ])
