"""The exercises of notebooks 08-14 (the worked example, checking, the widgets, training and the projects); see :mod:`bplab.exercises.notebooks`."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

import bplab

from .feedback import compare
from .registry import exercise, judge_function
from .slips import FORGOT_FPRIME, FPRIME_TWICE, MISSING_1_OVER_M, WRONG_STEP_SIGN, sigmoid_slope


# ---------------------------------------------------------------- 08 the worked example (seed 004)


@lru_cache(maxsize=None)
def _nb08():
    net, x, y = bplab.worked_example("matrix")
    trace = net.forward(x)
    return net, x, y, trace, net.gradients(x, y)


@exercise("08.1", "z5 with the matrix's w(2,5) = 2")
def _(answer):
    from bplab.examples import NEURONS, PRINTED

    net, _, _, trace, _ = _nb08()
    l5, j5 = NEURONS["5"]
    z5 = trace.z[l5][j5]
    return compare(answer, z5, name="z5 with w(2,5) = 2", rtol=1e-13, hints=[
        (PRINTED["z5"], "That is the printed z5, computed with w(2,5) = 3; use the matrix's 2."),
        (z5 - net.biases[l5][j5], "Don't forget the bias b5."),
        (net.weights[l5][j5] @ trace.z[l5 - 1] + net.biases[l5][j5], "z5 uses the outputs f1, f2, f3 of layer 1, not their weighted inputs."),
        (lambda a: abs(a - z5).max() > 0.5, "z5 = w51 f1 + w52 f2 + w53 f3 + b5, with row 2 of W^(2) and b5."),
    ])


@exercise("08.2", "the output error term delta3 (matrix variant)")
def _(answer):
    from bplab.examples import PRINTED

    _, _, y, trace, g2 = _nb08()
    return compare(answer, g2.delta[3], name="delta3 (matrix variant)", hints=[
        (-g2.delta[3], "Check the sign: delta3 = dL/dz6 = (y_hat - y) f'(z6), and y_hat < y here."),
        (trace.a[3] - y, FORGOT_FPRIME),
        ((trace.a[3] - y) * sigmoid_slope(trace.a[3]) ** 2, FPRIME_TWICE),
        (PRINTED["delta3"], "That is the article's value, from the w(2,5) = 3 run."),
    ])


@exercise("08.3", "the new w11 under the printed update rule")
def _(answer):
    net, _, _, _, g2 = _nb08()
    alpha = bplab.examples.LEARNING_RATE
    w, dw = net.weights[1][0, 0], g2.dW[1][0, 0]
    return compare(answer, w - alpha * (dw + w), name="the new w11 under the printed rule", hints=[
        (w - alpha * dw, "That is the rule without + W (what the text says); the question asks for the printed one."),
        (w + alpha * (dw + w), WRONG_STEP_SIGN),
        (-alpha * (dw + w), "That is the change; give the new weight, w11 plus the change."),
    ])


@exercise("08.4", "how much smaller neuron 3's f'(z3) is than the sigmoid's largest slope")
def _(answer):
    net, _, _, trace, _ = _nb08()
    act = net.layer_activation(1)
    fp3 = act.df(trace.z[1], trace.a[1])[2]
    largest = float(bplab.activations.ELEMENTWISE["sigmoid"].df(np.array([0.0]), np.array([0.5]))[0])  # at z = 0
    return compare(answer, largest / fp3, name="the ratio", rtol=1e-6, hints=[
        (fp3 / largest, "Upside down: divide the largest value, 1/4, by f3'(z3)."),
        (1 / fp3, "The largest value of sigma'(z) is 1/4 (at z = 0), not 1."),
    ])


# ---------------------------------------------------------------- 09 gradient checking


@lru_cache(maxsize=None)
def _nb09_section6():
    rng = np.random.default_rng(1)
    net = bplab.Network([2, 4, 3, 2], activations="sigmoid", seed=1)
    x_b, y_b = rng.normal(size=2), rng.uniform(size=2)
    return net, x_b, y_b


def _nudged_loss(net, x, y, h):
    nudged = net.copy()
    nudged.weights[2][0, 1] += h
    return nudged.loss(x, y)


@exercise("09.1", "a central difference by hand")
def _(answer):
    net, x_b, y_b = _nb09_section6()
    h = 1e-5
    C_plus, C_minus, C = (_nudged_loss(net, x_b, y_b, s) for s in (h, -h, 0.0))
    central = (C_plus - C_minus) / (2 * h)
    backprop = net.gradients(x_b, y_b).dW[2][0, 1]
    # backprop differs from the central difference by about 1e-10 (relative) here; the tolerance is
    # 100 times tighter, so backprop's own value is not taken for the central difference
    return compare(answer, central, name="the central difference", rtol=1e-12, atol=0.0, hints=[
        (backprop, "That is backprop's value (net.gradients); the exercise asks for the central difference from the two nudged copies' losses."),
        ((C_plus - C) / h, "That is the forward difference; use C(w + h) and C(w - h)."),
        ((C_plus - C_minus) / h, "Divide by 2h, not h."),
        (-central, "The order: (C(w + h) - C(w - h)) / (2h)."),
        (C_plus - C_minus, "Divide the difference of the losses by 2h."),
    ])


@exercise("09.2", "CS231n's relative error")
def _(answer):
    from bplab.gradcheck import relative_error

    a, b = 1.0e-3, 1.2e-3
    return compare(answer, relative_error(a, b), name="the relative error", hints=[
        (abs(a - b), "That is the absolute error; divide by the larger magnitude."),
        (abs(a - b) / min(abs(a), abs(b)), "Divide by the LARGER of the two magnitudes, max(|a|, |b|)."),
        (abs(a - b) / (abs(a) + abs(b)), "Divide by max(|a|, |b|), not by their sum."),
    ])


@exercise("09.3", "predict the box's delta^2")
def _(answer):
    from bplab.variants import box_gradient

    net, x_b, y_b = _nb09_section6()
    lr = 0.1
    trace = net.forward(x_b)
    true = net.backward(trace, y_b)
    a2 = trace.a[2]
    size = true.delta[3] @ true.delta[3]
    return compare(answer, box_gradient(net, x_b, y_b, lr).delta[2], name="delta^2 of the box", hints=[
        (true.delta[2], "That is the correct delta^2; the box uses the UPDATED W^3."),
        (true.delta[2] + lr * size * a2 * sigmoid_slope(a2), "Mind the sign: W_new = W - lr delta a^T, so the correction is subtracted."),
        (true.delta[2] - lr * size * a2, FORGOT_FPRIME + " Every BP2 term is multiplied by f'(z^2), the correction too."),
    ])


@exercise("09.4", "the best step h* of the central difference")
def _(answer):
    import sympy as sp

    x = sp.Symbol("x")
    g = sp.exp(x) * sp.sin(x)  # section 1's function, at x = 1
    g1 = abs(float(g.subs(x, 1)))
    g3 = abs(float(sp.diff(g, x, 3).subs(x, 1)))
    eps = np.finfo(np.float64).eps
    return compare(answer, (3 * eps * g1 / g3) ** (1 / 3), name="h*", rtol=1e-6, hints=[
        (np.sqrt(eps), "sqrt(eps) is the forward difference's best step; the central one balances h^2 against 1/h."),
        (eps ** (1 / 3), "Close: now include the factor (3 |g| / |g'''|)^(1/3) for this function."),
        ((3 * eps * g1 / g3) ** 0.5, "Truncation h^2 against rounding 1/h gives a cube root, not a square root."),
    ])


# ---------------------------------------------------------------- 10 the propagation stepper


@lru_cache(maxsize=None)
def _nb10():
    net, x, y = bplab.worked_example()
    trace = net.forward(x)
    return net, y, trace, net.backward(trace, y, loss="half_sse")


@exercise("10.1", "z^2_1 of the worked example")
def _(answer):
    net, _, trace, _ = _nb10()
    z = trace.z[2][0]
    return compare(answer, z, name="z^2_1", hints=[
        (z - net.biases[2][0], "Close: don't forget the bias b^2_1."),
        (net.weights[2][0] @ trace.z[1] + net.biases[2][0], "You used z^1; layer 2 takes the ACTIVATIONS of layer 1, a^1 = sigmoid(z^1) (trace.a[1])."),
        (trace.z[2], "That is all of z^2; give its first entry, z^2_1."),
    ])


@exercise("10.2", "delta^3 of the worked example by BP1")
def _(answer):
    _, y, trace, grads = _nb10()
    a3 = trace.a[3]
    return compare(answer, grads.delta[3], name="delta^3", hints=[
        (-grads.delta[3], "Check the sign: BP1 uses (a - y), not (y - a)."),
        (a3 - y, FORGOT_FPRIME),
        ((a3 - y) * sigmoid_slope(a3) ** 2, FPRIME_TWICE),
    ])


@exercise("10.3", "the number of stepper steps for L = 5")
def _(answer):
    from bplab.ui.stepper import Stepper

    net5 = bplab.Network([2, 3, 3, 3, 3, 1], seed=0)
    L = net5.L
    steps = Stepper(net5, np.array([0.1, 0.2]), 1.0).n_steps
    return compare(answer, steps, name="number of steps", hints=[
        (steps - 1, "Close: add step 0, the input."),
        (L + 1 + L + 1 + 1, "The backward phase has TWO steps per layer: delta, then the gradients."),
    ])


# ---------------------------------------------------------------- 11 the training playground


@exercise("11.1", "the parameters of the XOR network with 4 hidden neurons")
def _(answer):
    from bplab.ui.playground import Playground

    net = Playground("xor", hidden=[4], lr=0.5).net
    weights = sum(net.weights[l].size for l in range(1, net.L + 1))
    first = net.weights[1].size + net.biases[1].size
    return compare(answer, net.theta.size, name="number of parameters", hints=[
        (weights, "Those are the weights only; add one bias per neuron."),
        (first, "That is the hidden layer only; the output layer has weights and biases too."),
    ])


@exercise("11.2", "updates per epoch of mini-batch training")
def _(answer):
    from bplab.ui.playground import Playground

    n, size = 200, 16
    counter = Playground("moons", n=n, mode="minibatch", batch_size=size)
    counter.epoch()
    return compare(answer, counter.updates, name="updates per epoch", hints=[
        (n // size, "Close: the samples left over form one more, smaller batch."),
        (n, "That would be sample mode, one update per sample."),
        (n / size, "A batch is whole: count the batches, the last one smaller."),
    ])


@lru_cache(maxsize=None)
def _nb11_deep_sigmoid():
    from bplab.ui.playground import Playground

    deep = Playground("moons", hidden=[8] * 5, activation="sigmoid", loss="half_sse", lr=0.5)
    deep.run(3)
    return deep


@exercise("11.3", "the layer with the smallest gradient")
def _(answer):
    norms = _nb11_deep_sigmoid().grad_norms
    return compare(answer, min(norms, key=norms.get), name="layer with the smallest gradient", hints=[
        (max(norms, key=norms.get), "That is the layer with the LARGEST gradient: backpropagation starts there."),
    ])


# ---------------------------------------------------------------- 12 training modes


@lru_cache(maxsize=None)
def _nb12():
    X, y, _ = bplab.datasets.make_moons(200, noise=0.2, seed=0)
    start = bplab.Network([2, 10, 1], activations="sigmoid", seed=0)
    return X, y, start


@exercise("12.1", "the shrink factor of weight decay")
def _(answer):
    eta, lam = 0.5, 0.003
    # one step with a zero data gradient leaves only the decay: W <- W - eta * lam * W
    net = bplab.Network.from_weights([np.ones((1, 1))], biases=None, activations="identity")
    zero = net.gradients(np.zeros(1), np.zeros(1))
    net.apply(zero, eta, weight_decay=lam)
    factor = float(net.weights[1][0, 0])
    return compare(answer, factor, name="the shrink factor", hints=[
        (eta * lam, "That is how much is taken away; the factor is what remains: 1 minus that."),
        (1 - lam, "The learning rate multiplies λ W as well: W ← W − η(∇ + λW)."),
        (1 + eta * lam, "Weight decay shrinks: 1 MINUS η λ."),
    ])


@exercise("12.2", "updates of one mini-batch epoch")
def _(answer):
    X, y, start = _nb12()
    size = 32
    h = bplab.train(start.copy(), X, y, mode="minibatch", batch_size=size, lr=0.1, epochs=1, progress=False)
    return compare(answer, h.updates[-1], name="the number of updates", hints=[
        (len(X) // size, "The last, smaller batch also makes an update: round up, not down."),
        (len(X), "That is standard BP's count (one update per sample)."),
        (len(X) / size, "A batch is whole: count the batches, the last one smaller."),
    ])


@exercise("12.3", "the change of the constant-input weight")
def _(answer):
    X, y, _ = _nb12()
    with_bias = bplab.Network([2, 1], activations="sigmoid", seed=3)
    no_bias = bplab.Network.from_weights([np.column_stack([with_bias.weights[1], with_bias.biases[1]])],
                                         biases=None, activations="sigmoid")
    X_aug = np.column_stack([X, np.ones(len(X))])
    lr = 0.5
    step = no_bias.copy()
    step.apply(step.gradients(X_aug[0], y[0]), lr)
    g = with_bias.gradients(X[0], y[0])
    return compare(answer, step.weights[1][:, 2] - no_bias.weights[1][:, 2], name="the change of the constant-input weight", hints=[
        (lr * g.db[1], WRONG_STEP_SIGN),
        (-g.db[1], "Don't forget the learning rate."),
    ])


# ---------------------------------------------------------------- 13 Iris from scratch (seed 004)

# seed 004's settings, as its article prints them (notebook 13 types the same)
SEED004_EPOCHS, SEED004_HIDDEN, SEED004_N_TRAIN = 300, 5, 130


@lru_cache(maxsize=None)
def _nb13():
    from bplab import reference as ref
    from bplab.datasets import load_iris, minmax_scale

    X, y, _ = load_iris()
    X01 = minmax_scale(X)[0]
    order = np.random.default_rng(0).permutation(len(X))
    X_train, y_train = X01[order[:SEED004_N_TRAIN]], y[order[:SEED004_N_TRAIN]]
    W0, b0 = ref.initialize_like_seed([4, SEED004_HIDDEN, 3], seed=0)
    return ref, W0, b0, X_train, y_train


@exercise("13.1", "the accuracy from a confusion matrix")
def _(fn):
    from bplab.metrics import confusion_matrix

    rng = np.random.default_rng(31)
    cases = []
    for n, k in ((30, 3), (50, 4), (12, 2)):
        truth = rng.integers(0, k, size=n)
        guess = np.where(rng.uniform(size=n) < 0.7, truth, rng.integers(0, k, size=n))
        cases.append(((confusion_matrix(truth, guess, n_classes=k),), np.mean(truth == guess)))
    return judge_function(fn, cases, name="accuracy_from", slips=[
        (lambda cm: 100 * np.trace(cm) / cm.sum(), "Give a fraction, not a percentage."),
        (lambda cm: 1 - np.trace(cm) / cm.sum(), "That is the error rate: the diagonal counts the correct answers."),
        (lambda cm: np.trace(cm), MISSING_1_OVER_M + " Divide the correct answers by the number of samples, cm.sum()."),
    ])


@exercise("13.2", "the seed's output delta from bplab's grads")
def _(answer):
    ref, W0, b0, X_train, y_train = _nb13()
    net = ref.from_lists(W0, b0)
    x0, t0 = X_train[0], net.one_hot([y_train[0]])[0]
    outputs = ref.forward_propagate(W0, b0, x0.tolist())
    seed_deltas = ref.backward_propagate_error(W0, outputs, t0.tolist())
    grads = net.gradients(x0, t0)
    return compare(answer, seed_deltas[1], name="the seed's output delta", hints=[
        (grads.delta[2], "That is bplab's delta = (a - y) f'(z); the seed uses target - output."),
        (-grads.delta[1], "That has the hidden layer's entries. The output layer is layer 2."),
        (t0 - net.forward(x0).output, FORGOT_FPRIME),
    ])


@exercise("13.3", "the number of updates of the seed's 300 epochs")
def _(answer):
    ref, W0, b0, X_train, y_train = _nb13()
    one = bplab.train(ref.from_lists(W0, b0), X_train, y_train, mode="sample", lr=0.2, epochs=1,
                      shuffle=False, progress=False)
    per_epoch = one.updates[-1]
    return compare(answer, SEED004_EPOCHS * per_epoch, name="the number of updates", hints=[
        (SEED004_EPOCHS, "That is the number of epochs; each epoch makes one update per training row."),
        ((SEED004_EPOCHS - 1) * per_epoch, "Don't forget the first epoch, trained separately in section 3."),
        (per_epoch, "That is one epoch; the run has 300."),
    ])


# ---------------------------------------------------------------- 14 handwritten digits


@exercise("14.1", "the parameters of a 64-32-10 network")
def _(answer):
    sizes = [64, 32, 10]
    net = bplab.Network(sizes, activations=["sigmoid", "softmax"], seed=0)
    weights = sum(net.weights[l].size for l in range(1, net.L + 1))
    return compare(answer, net.theta.size, name="the number of parameters", hints=[
        (weights, "That counts the weights only; every neuron also has a bias."),
        (sum(sizes), "That is the number of neurons; count one weight per connection."),
    ])


@exercise("14.2", "the digit a network predicts for an image")
def _(fn):
    from bplab.datasets import load_digits
    from bplab.metrics import predicted_classes

    X_raw, _, _ = load_digits()
    images = X_raw[:6] / 16.0
    cases = []
    for seed in (0, 1):
        net = bplab.Network([64, 32, 10], activations=["sigmoid", "softmax"], seed=seed)
        for image in images[:3] if seed == 0 else images[3:]:
            cases.append(((net, image), predicted_classes(net, image[None, :])[0]))
    return judge_function(fn, cases, name="predicted_digit", slips=[
        (lambda net, image: net.predict(image), "That is the vector of ten probabilities: which position holds the largest?"),
        (lambda net, image: np.max(net.predict(image)), "That is the largest probability; the digit is its POSITION (np.argmax)."),
        (lambda net, image: np.argmin(net.predict(image)), "That is the least likely digit: take the largest probability."),
    ])


@exercise("14.3", "the true digit with the most mistakes")
def _(fn):
    from bplab.metrics import confusion_matrix

    rng = np.random.default_rng(41)
    cases = []
    while len(cases) < 4:
        sizes = rng.integers(5, 40, size=10)  # classes of different sizes: the fewest correct need not be the most wrong
        truth = np.repeat(np.arange(10), sizes)
        guess = np.where(rng.uniform(size=truth.size) < 0.8, truth, rng.integers(0, 10, size=truth.size))
        cm = confusion_matrix(truth, guess, n_classes=10)
        errors = cm.sum(axis=1) - np.diag(cm)
        cols = cm.sum(axis=0) - np.diag(cm)
        distinct = errors.argmax() != np.diag(cm).argmin() and errors.argmax() != cols.argmax()
        if (errors == errors.max()).sum() == 1 and distinct:  # one clear answer, apart from the slips
            cases.append(((cm,), int(errors.argmax())))
    return judge_function(fn, cases, name="hardest_digit", slips=[
        (lambda cm: int(np.diag(cm).argmin()), "That digit has the fewest correct answers, but the classes have different sizes: count the off-diagonal entries of its row."),
        (lambda cm: int((cm.sum(axis=0) - np.diag(cm)).argmax()), "That is the column (predicted digit); the true digit is the row."),
        (lambda cm: int((cm - np.diag(np.diag(cm))).max(axis=1).argmax()), "That is the row with the largest SINGLE confusion; add up all the mistakes of each row."),
    ])
