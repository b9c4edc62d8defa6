"""Each seed's quantities computed with that seed's OWN equations, letters and layer numbers.

These functions do not call bplab's forward or backward pass: each follows its seed's text
(seed 002 neuron by neuron in plain scalars, seed 003 accumulating over the K samples, ...),
so that comparing them with bplab (:func:`bplab.notation.compare`) tests the mapping.
"""

from __future__ import annotations

import numpy as np

from ..activations import ELEMENTWISE
from ..errors import as_float_array, positive_number
from ..network import check_network
from .seeds import seed_id

ONE_SAMPLE_SEEDS = ("000", "002", "004")  # the seeds that derive everything for one sample


def checked_samples(net, x, y, seed):
    """(X, Y, single): the samples as rows, checked for ``seed``'s equations (element-wise f, one sample
    for the seeds that derive per sample)."""
    single_only = seed in ONE_SAMPLE_SEEDS
    check_network(net)
    for l in range(1, net.L + 1):
        if net.layer_activation(l).is_softmax:
            raise ValueError(
                f"seed {seed}'s equations use an element-wise f'(z); layer {l} of net is softmax, whose derivative"
                " is a Jacobian. Use element-wise activations (sigmoid, tanh, ...) for this comparison."
            )
    X = as_float_array(x, "x", dtype=net.dtype, ndim=(1, 2))
    single = X.ndim == 1
    if single_only and not single:
        raise ValueError(
            f"seed {seed} derives everything for one sample; x must be one sample of shape ({net.sizes[0]},),"
            f" got shape {X.shape}."
        )
    X2 = X[None, :] if single else X
    if X2.shape[1] != net.sizes[0]:
        raise ValueError(f"x must have {net.sizes[0]} features (n_0) per sample, got shape {X.shape}.")
    Y2 = net.targets(y, X2.shape[0], "half_sse")
    return X2, Y2, single


def _layer_fns(net, l):
    act = net.layer_activation(l)
    return act.f, (lambda z: act.df(z, act.f(z)))


def _seed000(net, X, Y, lr, weight_decay, single):
    """Seed 000, one sample, column vectors: a_l = W_l o_{l-1}, o_l = f(a_l), xi by its recursion."""
    L, bias = net.L, net.bias
    x, y = X[0][:, None], Y[0][:, None]
    # With biases: seed 000's remedy, a constant-1 input per layer, W_l = [W^l | b^l].
    W = {l: np.hstack([net.weights[l], net.biases[l][:, None]]) if bias else np.array(net.weights[l])
         for l in range(1, L + 1)}
    one = lambda v: np.vstack([v, [[1.0]]]) if bias else v  # noqa: E731
    o, a = {0: one(x)}, {}
    for l in range(1, L + 1):
        f, _ = _layer_fns(net, l)
        a[l] = W[l] @ o[l - 1]  # equation 1
        o[l] = f(a[l][:, 0])[:, None]  # equation 2 (f works on the vector's entries)
        if l < L:
            o[l] = one(o[l])
    xi = {}
    _, dfL = _layer_fns(net, L)
    xi[L] = (o[L] - y) * dfL(a[L][:, 0])[:, None]
    for l in range(L - 1, 0, -1):
        _, df = _layer_fns(net, l)
        n_l = net.sizes[l]
        # the constant input carries no error: drop its column of W_{l+1}
        xi[l] = (W[l + 1][:, :n_l].T @ xi[l + 1]) * df(a[l][:, 0])[:, None]
    out = {f"o_{l}": o[l][:, 0] for l in range(0, L + 1)}
    out.update({f"a_{l}": a[l][:, 0] for l in range(1, L + 1)})
    out.update({f"W_{l}": W[l] for l in range(1, L + 1)})
    out.update({f"xi_{l}": xi[l][:, 0] for l in range(1, L + 1)})
    grads = {l: xi[l] @ o[l - 1].T for l in range(1, L + 1)}
    out.update({f"dC/dW_{l}": grads[l] for l in range(1, L + 1)})
    out["C"] = float(0.5 * ((o[L] - y) ** 2).sum())
    out.update({f"new W_{l}": W[l] - lr * grads[l] for l in range(1, L + 1)})
    return out


def _seed001(net, X, Y, lr, weight_decay, single):
    """Seed 001: the input is layer 1; z^l = w^l a^{l-1} + b^l for l = 2..L+1; mean over the n samples."""
    L1 = net.L + 1  # seed 001's L
    n = X.shape[0]
    w = {l: np.array(net.weights[l - 1]) for l in range(2, L1 + 1)}
    b = {l: (np.array(net.biases[l - 1]) if net.bias else np.zeros(net.sizes[l - 1])) for l in range(2, L1 + 1)}
    acts = {l: _layer_fns(net, l - 1) for l in range(2, L1 + 1)}
    zs = {l: [] for l in range(2, L1 + 1)}  # per-sample values, stacked afterwards
    ds = {l: [] for l in range(2, L1 + 1)}
    As = {l: [] for l in range(1, L1 + 1)}
    gw = {l: np.zeros_like(w[l]) for l in w}
    gb = {l: np.zeros_like(b[l]) for l in b}
    C = 0.0
    for x, yv in zip(X, Y):
        a, z = {1: x}, {}
        for l in range(2, L1 + 1):
            z[l] = w[l] @ a[l - 1] + b[l]
            a[l] = acts[l][0](z[l])
        d = {L1: (a[L1] - yv) * acts[L1][1](z[L1])}  # BP1, nabla_a C = a^L - y
        for l in range(L1 - 1, 1, -1):
            d[l] = (w[l + 1].T @ d[l + 1]) * acts[l][1](z[l])  # BP2
        for l in range(2, L1 + 1):
            gw[l] += np.outer(d[l], a[l - 1]) / n  # BP4, averaged over the n samples
            gb[l] += d[l] / n  # BP3
            zs[l].append(z[l])
            ds[l].append(d[l])
        for l in range(1, L1 + 1):
            As[l].append(a[l])
        C += 0.5 * float(((yv - a[L1]) ** 2).sum()) / n
    pick = (lambda v: v[0]) if single else np.array
    out = {f"a^{l}": pick(As[l]) for l in range(1, L1 + 1)}
    out.update({f"z^{l}": pick(zs[l]) for l in zs})
    out.update({f"w^{l}": w[l] for l in w})
    out.update({f"delta^{l}": pick(ds[l]) for l in ds})
    out.update({f"dC/dw^{l}": gw[l] for l in gw})
    if net.bias:
        out.update({f"b^{l}": b[l] for l in b})
        out.update({f"dC/db^{l}": gb[l] for l in gb})
        out.update({f"new b^{l}": b[l] - lr * gb[l] for l in b})
    out["C"] = C
    out.update({f"new w^{l}": w[l] - lr * gw[l] for l in w})
    return out


def _seed002(net, X, Y, lr, weight_decay, single):
    """Seed 002 (Haykin), one sample n, neuron by neuron, in plain scalars."""
    L = net.L
    x, d = list(X[0]), list(Y[0])
    out = {}
    y_prev = x
    layers = {}
    for l in range(1, L + 1):
        W, act = net.weights[l], net.layer_activation(l)
        # w_ji with i = 0 the bias (y_0 = +1); without biases there is no i = 0
        w = [([float(net.biases[l][j])] if net.bias else []) + [float(v) for v in W[j]] for j in range(W.shape[0])]
        y_in = ([1.0] if net.bias else []) + list(y_prev)
        v = [sum(w_ji * y_i for w_ji, y_i in zip(w[j], y_in)) for j in range(len(w))]
        phi = [ELEMENTWISE[name] for name in act.names]  # phi_j, neuron j's own function
        y_out = [float(phi[j].f(np.float64(v[j]))) for j in range(len(w))]
        dphi = [float(phi[j].df(np.float64(v[j]), np.float64(y_out[j]))) for j in range(len(w))]
        layers[l] = dict(w=w, y_in=y_in, v=v, y=y_out, dphi=dphi)
        y_prev = y_out
    e = [d_j - y_j for d_j, y_j in zip(d, layers[L]["y"])]
    E = 0.5 * sum(e_j * e_j for e_j in e)
    delta = {L: [e[j] * layers[L]["dphi"][j] for j in range(len(e))]}  # output: delta_j = e_j phi'_j(v_j)
    for l in range(L - 1, 0, -1):
        nxt = layers[l + 1]
        off = 1 if net.bias else 0  # w_kj of the layer after: column j sits after w_k0
        delta[l] = [layers[l]["dphi"][j] * sum(delta[l + 1][k] * nxt["w"][k][j + off] for k in range(len(nxt["w"])))
                    for j in range(len(layers[l]["v"]))]  # hidden: phi'_j(v_j) sum_k delta_k w_kj
    for l in range(1, L + 1):
        lay = layers[l]
        out[f"y_i (layer {l})"] = np.array(lay["y_in"])
        out[f"w_ji (layer {l})"] = np.array(lay["w"])
        out[f"v_j (layer {l})"] = np.array(lay["v"])
        out[f"y_j (layer {l})"] = np.array(lay["y"])
        out[f"delta_j (layer {l})"] = np.array(delta[l])
        # Delta w_ji = eta delta_j y_i: a plus, the minus sign is inside delta_j
        out[f"Delta w_ji (layer {l})"] = np.array([[lr * dj * yi for yi in lay["y_in"]] for dj in delta[l]])
    out["d_j"] = np.array(d)
    out["e_j"] = np.array(e)
    out["E(n)"] = E
    return out


def _seed003(net, X, Y, lr, weight_decay, single):
    """Seed 003 (UFLDL): input is layer 1, W^(l) from layer l to l+1, accumulation over K samples."""
    nl = net.L + 1
    K = X.shape[0]
    W = {l: np.array(net.weights[l]) for l in range(1, nl)}
    b = {l: (np.array(net.biases[l]) if net.bias else np.zeros(net.sizes[l])) for l in range(1, nl)}
    f = {l: _layer_fns(net, l - 1) for l in range(2, nl + 1)}  # the function of seed layer l
    dW = {l: np.zeros_like(W[l]) for l in W}  # Delta W^(l) := 0
    db = {l: np.zeros_like(b[l]) for l in b}
    zs = {l: [] for l in range(2, nl + 1)}  # per-sample values, stacked afterwards
    ds = {l: [] for l in range(2, nl + 1)}
    As = {l: [] for l in range(1, nl + 1)}
    Js = []
    for x, yv in zip(X, Y):
        a, z = {1: x}, {}
        for l in range(1, nl):
            z[l + 1] = W[l] @ a[l] + b[l]
            a[l + 1] = f[l + 1][0](z[l + 1])
        d = {nl: -(yv - a[nl]) * f[nl][1](z[nl])}  # delta^(n_l) = -(y - a) f'(z)
        for l in range(nl - 1, 1, -1):
            d[l] = (W[l].T @ d[l + 1]) * f[l][1](z[l])  # delta^(l) = (W^(l))^T delta^(l+1) . f'(z^(l))
        for l in range(1, nl):
            dW[l] += np.outer(d[l + 1], a[l])  # Delta W^(l) += delta^(l+1) (a^(l))^T
            db[l] += d[l + 1]
        for l in range(2, nl + 1):
            zs[l].append(z[l])
            ds[l].append(d[l])
        for l in range(1, nl + 1):
            As[l].append(a[l])
        Js.append(0.5 * float(((a[nl] - yv) ** 2).sum()))
    pick = (lambda v: v[0]) if single else np.array
    out = {"n_l": nl}
    out.update({f"s_{l}": (len(As[l][0])) for l in range(1, nl + 1)})
    out.update({f"a^({l})": pick(As[l]) for l in As})
    out.update({f"z^({l})": pick(zs[l]) for l in zs})
    out.update({f"delta^({l})": pick(ds[l]) for l in ds})
    out.update({f"W^({l})": W[l] for l in W})
    out.update({f"Delta W^({l})": dW[l] for l in dW})
    out.update({f"dJ/dW^({l})": dW[l] / K + weight_decay * W[l] for l in W})
    out.update({f"new W^({l})": W[l] - lr * (dW[l] / K + weight_decay * W[l]) for l in W})
    if net.bias:
        out.update({f"b^({l})": b[l] for l in b})
        out.update({f"Delta b^({l})": db[l] for l in db})
        out.update({f"dJ/db^({l})": db[l] / K for l in db})
        out.update({f"new b^({l})": b[l] - lr * db[l] / K for l in b})
    if single:
        out["J(W,b;x,y)"] = Js[0]
    out["J(W,b)"] = float(np.mean(Js)) + weight_decay / 2 * sum(float((W[l] ** 2).sum()) for l in W)
    return out


def _seed004(net, X, Y, lr, weight_decay, single):
    """Seed 004: z^(k) = W^(k) n^(k-1) + b^(k), n^(k) = f_k(z^(k)); neurons also numbered 1.. across layers."""
    L = net.L
    x, y = X[0], Y[0]
    n, z = {0: x}, {}
    for k in range(1, L + 1):
        fk, _ = _layer_fns(net, k)
        z[k] = net.weights[k] @ n[k - 1] + (net.biases[k] if net.bias else 0.0)
        n[k] = fk(z[k])
    dfs = {k: _layer_fns(net, k)[1](z[k]) for k in range(1, L + 1)}
    delta = {L: dfs[L] * (n[L] - y)}  # f'(z) (y_hat - y)
    for k in range(L - 1, 0, -1):
        delta[k] = dfs[k] * (net.weights[k + 1].T @ delta[k + 1])
    out = {"x": x}
    out.update({f"z^({k})": z[k] for k in z})
    out.update({f"n^({k})": n[k] for k in z})
    out.update({f"W^({k})": np.array(net.weights[k]) for k in z})
    out.update({f"delta^({k})": delta[k] for k in delta})
    out.update({f"dL/dW^({k})": np.outer(delta[k], n[k - 1]) for k in delta})
    out.update({f"new W^({k})": net.weights[k] - lr * np.outer(delta[k], n[k - 1]) for k in delta})
    if net.bias:
        out.update({f"b^({k})": np.array(net.biases[k]) for k in z})
        out.update({f"dL/db^({k})": delta[k] for k in delta})
        out.update({f"new b^({k})": net.biases[k] - lr * delta[k] for k in delta})
    out["L(y, y_hat)"] = float(0.5 * ((y - n[L]) ** 2).sum())
    i = 0
    for k in range(1, L + 1):  # the worked example's neuron numbers: 1, 2, 3 in layer 1, 4, 5 in layer 2, ...
        for j in range(net.sizes[k]):
            i += 1
            out[f"z_{i}"] = float(z[k][j])
            out[f"f_{i}"] = float(n[k][j])
            out[f"f_{i}'(z_{i})"] = float(dfs[k][j])
    return out


def check_options(seed, lr, weight_decay):
    """The learning rate and weight decay, checked: a weight decay only for seed 003, which has one."""
    lr = positive_number(lr, "lr (learning rate)")
    weight_decay = positive_number(weight_decay, "weight_decay", allow_zero=True)
    if weight_decay and seed != "003":
        raise ValueError(
            f"weight_decay must be 0 for seed {seed}: only seed 003 has a weight-decay term (lambda); got {weight_decay}."
        )
    return lr, weight_decay


def in_seed_notation(seed, net, x, y, lr=0.1, weight_decay=0.0):
    """Seed ``seed``'s quantities for ``net`` and the sample(s) ``x``, ``y``, by the seed's own equations.

    Returns a dict from the symbol as the seed writes it (ASCII, with the seed's own
    layer numbers) to its value: e.g. for seed 003 ``"W^(1)"``, ``"z^(2)"``,
    ``"delta^(2)"``; for seed 002 ``"delta_j (layer 1)"``. ``lr`` is the learning rate
    (eta or alpha) used for the "new ..." and "Delta w" entries, ``weight_decay`` the
    lambda of seed 003 (0 for the others).

    Seeds 000, 002 and 004 derive per sample, so ``x`` must be ONE sample. Seeds 001 and
    003 accept a batch (one sample per row): their per-sample quantities come stacked
    one sample per row, their gradients and costs are the seed's averages and sums.
    The loss is the seeds' 1/2 squared error everywhere.
    """
    seed = seed_id(seed)
    lr, weight_decay = check_options(seed, lr, weight_decay)
    X, Y, single = checked_samples(net, x, y, seed)
    return EQUATIONS[seed](net, X, Y, lr, weight_decay, single)


# each seed's equations, as the functions above write them
EQUATIONS = {"000": _seed000, "001": _seed001, "002": _seed002, "003": _seed003, "004": _seed004}
