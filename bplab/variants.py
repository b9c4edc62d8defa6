"""Deliberately different backward passes (反向传播), for teaching: each one is a known bug.

A gradient check is only convincing once you have seen it catch something. The
functions here compute gradients the WRONG way, in the same layout as
``net.backward`` (a :class:`bplab.Gradients` whose ``flat`` is laid out like
``net.theta``), so they can be compared with the true gradient entry by entry:

* :func:`backward_missing_fprime`: BP2 without its ``⊙ f'(z^l)`` factor;
* :func:`backward_wrong_transpose`: BP2 with ``W^{l+1}`` where ``(W^{l+1})^T`` belongs;
* :func:`seed000_box_step`: seed 000's algorithm box (标准误差逆传播算法), which
  updates ``W^{l+1}`` BEFORE using it to send the error term back to layer l;
  :func:`correct_step` is the standard step to compare it with, and
  :func:`box_gradient` the "gradient" the box effectively follows.
* :func:`backward_overwriting`: reverse mode on a computational graph (计算图) of
  :class:`bplab.graph.Value` nodes that overwrites (``=``) where it should add (``+=``).

The first two do not copy the backward pass: they hand the network's own
``Network.backprop`` a stand-in for the one piece the bug changes (a layer
activation whose f' is 1, or the weight matrices untransposed), so every other
line (BP1, BP3, BP4, the batch mean) is exactly bplab's. The only difference from
the true gradient is the bug itself. :func:`check_backward` runs a gradient check
(梯度检验) on any of these functions.

Notation as in ``bplab.network``: z^l = W^l a^{l-1} + b^l, a^l = f_l(z^l),
delta^l = dC/dz^l, layers 1..L.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .errors import show, positive_number
from .gradcheck import check_step_and_tolerances, compare_gradients, kink_crossings, numeric_gradient
from .network import Gradients, Network, check_network

__all__ = [
    "backward_missing_fprime",
    "backward_wrong_transpose",
    "seed000_box_step",
    "correct_step",
    "box_gradient",
    "check_backward",
    "backward_overwriting",
]


# ----------------------------------------------------------------- shared set-up
def _checked_forward(net, x, y, loss):
    """Checked inputs, the forward pass and the loss, exactly as ``net.backward`` gets them."""
    check_network(net)
    X, single = net.input_rows(x)
    lossf = net.loss_function(loss)
    Y = net.targets(y, X.shape[0], loss)
    z, a = net.feedforward(X)
    return X, Y, z, a, lossf, single


def _backprop_with(net, z, a, Y, lossf, **swapped):
    """``Network.backprop`` itself, run on ``net`` with one of the things it reads (W or f) swapped.

    backprop reads only L, W, f and bias from the network, so a stand-in holding those runs it unchanged.
    """
    stand_in = SimpleNamespace(**{"L": net.L, "W": net.W, "f": net.f, "bias": net.bias, **swapped})
    return Network.backprop(stand_in, z, a, Y, lossf)


def _loss(lossf, z, a, Y):
    """The batch's mean loss, as ``net.backward`` reports it."""
    return float(lossf.value(z[-1], a[-1], Y).mean())


class _WithoutDerivative:
    """A layer activation whose f' is 1: backprop then passes dC/da on as if it were dC/dz."""

    is_softmax = False

    def __init__(self, act):
        self.act = act

    def df(self, z, a):
        return np.ones_like(z)  # the bug: should be f'(z) (or the Jacobian for softmax)


# ----------------------------------------------------------------- bug 1: missing f'
def backward_missing_fprime(net, x, y, loss="half_sse"):
    """Gradients with the classic bug ``delta^l = (W^{l+1})^T delta^{l+1}`` (no ``⊙ f'(z^l)``).

    BP1 (the output layer's delta^L) is untouched, so dC/dW^L and dC/db^L are still
    right; every hidden layer l = L-1..1 gets a wrong delta^l, and with it wrong
    dC/dW^l and dC/db^l. For a one-layer network (L = 1) nothing changes.
    Returns a :class:`bplab.Gradients`, like ``net.backward``.
    """
    X, Y, z, a, lossf, single = _checked_forward(net, x, y, loss)
    # Hidden layers forget f'; the output layer L keeps its own, so BP1 stays correct.
    f = [None] + [_WithoutDerivative(act) for act in net.f[1 : net.L]] + [net.f[net.L]]
    return Gradients(*_backprop_with(net, z, a, Y, lossf, f=f), _loss(lossf, z, a, Y), single)


# ----------------------------------------------------------------- bug 2: wrong transpose
def backward_wrong_transpose(net, x, y, loss="half_sse"):
    """Gradients with the bug ``delta^l = (W^{l+1} delta^{l+1}) ⊙ f'(z^l)``: no transpose.

    The product W^{l+1} delta^{l+1} only has the right length n_l when W^{l+1} is
    square (n_{l+1} = n_l), so every W^2 .. W^L must be square (W^1 is never used to
    send an error back, so its shape is free); otherwise this raises a ValueError
    naming the layer. Use e.g. ``Network([2, 3, 3, 3])``. The output layer's delta^L,
    dC/dW^L and dC/db^L are still right; the hidden layers' are wrong unless every
    W^{l+1} happens to be symmetric.
    """
    check_network(net)
    for l in range(2, net.L + 1):
        shape = net.W[l].shape
        if shape[0] != shape[1]:
            raise ValueError(
                f"backward_wrong_transpose needs a square W^{l} (layer {l}): the untransposed product"
                f" W^{l} delta^{l} has {shape[0]} entries but delta^{l - 1} needs {shape[1]} (n_{l - 1});"
                f" W^{l} has shape {shape}. Use a network whose layers 1..L all have the same size,"
                " e.g. Network([2, 3, 3, 3])."
            )
    X, Y, z, a, lossf, single = _checked_forward(net, x, y, loss)
    # backprop computes BP2 in row form as delta^{l+1} @ W^{l+1}, i.e. (W^{l+1})^T delta^{l+1}.
    # Handing it the transposed matrices makes that line compute W^{l+1} delta^{l+1}: the bug.
    # (It reads W only in BP2.)
    W = [None, net.W[1]] + [W.T for W in net.W[2:]]
    return Gradients(*_backprop_with(net, z, a, Y, lossf, W=W), _loss(lossf, z, a, Y), single)


# ----------------------------------------------------------------- seed 000's algorithm box
def _one_sample(net, x, y, loss, name):
    X, Y, z, a, lossf, single = _checked_forward(net, x, y, loss)
    if X.shape[0] != 1:
        raise ValueError(
            f"{name} is a per-sample step (standard BP, 标准BP): x must be one sample of shape"
            f" ({net.sizes[0]},), got a batch of shape {X.shape}."
        )
    return X, Y, z, a, lossf


def seed000_box_step(net, x, y, lr, loss="half_sse"):
    """One step of seed 000's algorithm box for one sample, applied to ``net`` IN PLACE.

    The box (标准误差逆传播算法), for a sample (x, y):

    1.1  forward pass: o_0 = x, a_1, o_1, ..., o_L (bplab: a^0, z^1, a^1, ..., a^L), stored;
    1.2  xi_L = (o_L - y) ⊙ f'(a_L)                         (bplab: delta^L, BP1);
    1.3  W_L <- W_L - eta xi_L o_{L-1}^T                     (update layer L NOW);
    1.4  for l = L-1 down to 1:
         1.4.1  xi_l = (W_{l+1}^T xi_{l+1}) ⊙ f'(a_l)       (BP2, with the W_{l+1} that
                                                             step 1.3 / 1.4.2 has ALREADY updated);
         1.4.2  W_l <- W_l - eta xi_l o_{l-1}^T.

    So for every l < L the error term is sent back through the NEW weight
    W^{l+1} - eta delta^{l+1} (a^l)^T instead of the weight the forward pass used;
    the true gradient needs the old one. The forward quantities z^l, a^l (and so
    f'(z^l)) are the stored ones from step 1.1 and are not recomputed. Layer L's
    update is the correct one; with one layer (L = 1) the whole step is correct.
    Seed 000 has no biases; when ``net`` has them, b^l <- b^l - eta delta^l is done
    together with W^l (biases never enter BP2, so they don't change the bug).

    Since W^L_new^T delta^L = W^L^T delta^L - eta (delta^L . delta^L) a^{L-1}, the
    first wrong error term is, exactly,
        delta_box^{L-1} = delta^{L-1} - eta ||delta^L||^2 (a^{L-1} ⊙ f'(z^{L-1})),
    a second-order (eta^2 in the step) difference that grows with the output error.

    Returns a :class:`bplab.Gradients` holding the box's error terms and the
    gradients it applied (``net`` moved by ``-lr * flat``), and the loss before the step.
    """
    lr = positive_number(lr, "lr (learning rate)")
    X, Y, z, a, lossf = _one_sample(net, x, y, loss, "seed000_box_step")
    L, W, b, act = net.L, net.W, net.b, net.f
    C = _loss(lossf, z, a, Y)
    dW, db = net.layer_views(np.zeros_like(net.theta))
    delta = [None] * (L + 1)
    for l in range(L, 0, -1):
        if l == L:
            delta[L] = lossf.output_delta(z[L], a[L], Y, act[L])  # 1.2: BP1
        else:
            # 1.4.1: BP2 through W^{l+1}, which was updated one iteration ago (the box's order).
            delta[l] = act[l].backprop(delta[l + 1] @ W[l + 1], z[l], a[l])
        np.matmul(delta[l].T, a[l - 1], out=dW[l])  # BP4 (one sample)
        W_l = W[l]
        W_l -= lr * dW[l]  # 1.3 / 1.4.2: update this layer right away (in place: W[l] is a view into theta)
        if net.bias:
            db[l][...] = delta[l][0]  # BP3
            b_l = b[l]
            b_l -= lr * db[l]
    return Gradients(delta, dW, db, C, True)


def correct_step(net, x, y, lr, loss="half_sse"):
    """One standard per-sample gradient step, IN PLACE: the whole backward pass, then the update.

    Every error term is computed with the weights the forward pass used; only then
    do all the layers move: ``net.apply(net.backward(net.forward(x), y), lr)``.
    Returns the :class:`bplab.Gradients` that were applied.
    """
    lr = positive_number(lr, "lr (learning rate)")
    _one_sample(net, x, y, loss, "correct_step")
    grads = net.backward(net.forward(x), y, loss)
    net.apply(grads, lr)
    return grads


def box_gradient(net, x, y, lr, loss="half_sse"):
    """The "gradient" seed 000's box follows at ``net``: (theta - theta_after_box_step) / lr.

    Computed on a copy, so ``net`` is not changed. Laid out like ``net.backward``'s
    result, so it can be gradient-checked; it differs from the true gradient in
    layers 1..L-1, by an amount that vanishes as lr -> 0.
    """
    return seed000_box_step(net.copy(), x, y, lr, loss)


# ----------------------------------------------------------------- checking any of them
def check_backward(backward, net, x, y, loss="half_sse", h=1e-5, tol=1e-7, atol=1e-12):
    """Gradient-check any backward function ``backward(net, x, y, loss) -> Gradients``.

    The same comparison as :func:`bplab.gradcheck` (central differences, CS231n's
    relative error, one row per layer and parameter), but with the gradient from
    ``backward`` instead of ``net.backward``. For the box, pass
    ``lambda net, x, y, loss: box_gradient(net, x, y, lr, loss)``.
    Returns a :class:`bplab.gradcheck.GradcheckReport`.
    """
    check_network(net)
    if not callable(backward):
        raise TypeError(f"backward must be a function backward(net, x, y, loss) -> Gradients, got {show(backward)}.")
    h, tol, atol = check_step_and_tolerances(net, h, tol, atol, who="check_backward")
    grads = backward(net, x, y, loss)
    if not isinstance(grads, Gradients) or grads.flat.shape != net.theta.shape:
        raise TypeError(f"backward must return the Gradients of this network, got {show(grads)}.")
    numeric = numeric_gradient(net, x, y, loss, h)
    return compare_gradients(net, grads.flat, numeric, tol, atol, grads.loss, kink_crossings(net, x, h))


# ----------------------------------------------------------------- bug 4: overwritten grads on a graph
def backward_overwriting(root):
    """``root.backward()`` of :mod:`bplab.graph` with the bug ``=`` where ``+=`` belongs.

    A node that feeds several others should receive the sum of one share per path (the
    multivariable chain rule). Overwriting keeps only the share of the last path visited,
    and every node before it inherits the error. Compare with ``Value.backward``: the one
    changed character is marked.
    """
    from .graph import nodes

    order = nodes(root)  # raises a TypeError with a sentence unless root is a Value
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for inp, local in zip(node.inputs, node.local_grads):
            inp.grad = local * node.grad  # the bug: "=" forgets the shares of the other paths
