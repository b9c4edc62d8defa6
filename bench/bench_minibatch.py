"""One epoch of mini-batch SGD on MNIST-shaped data: bplab vs a hand-written numpy loop vs scikit-learn.

60,000 x 784 random inputs, 10 classes, a 784-128-10 network (ReLU, softmax output,
cross-entropy), batch 128, learning rate 0.1, float64.

* bplab: ``bplab.train(net, X, y, mode="minibatch", loss="cross_entropy", progress=False)``.
* hand-written loop: the same algorithm as plain numpy, written here for the comparison (the
  practical limit). It does the same work as ``bplab.train``: the SGD steps, and each step's
  loss and number of correct answers from the step's own forward pass, which ``History``
  records as the epoch's means.
* scikit-learn: ``MLPClassifier`` with plain SGD (no momentum, no L2, constant learning rate,
  one epoch, batch 128, shuffled), which also computes each batch's loss.

Both bplab and the hand-written loop start from the same weights and visit the samples in the
same order, so they must end with the same weights and the same epoch loss: the script checks it.

    python bench/bench_minibatch.py [--tiny] [--rounds N] [--threads N]
"""

from __future__ import annotations

import warnings

import numpy as np

from _common import Row, bench_parser, best, fmt_seconds, interleaved, markdown_table, median, report

FULL = dict(m=60_000, n0=784, hidden=128, classes=10, batch=128, rounds=5)
TINY = dict(m=1_024, n0=64, hidden=16, classes=10, batch=128, rounds=1)
LR = 0.1
SEED = 0
DTYPE = "float64"


def make_data(m, n0, classes, dtype, seed=SEED):
    rng = np.random.default_rng(seed)
    X = rng.random((m, n0), dtype=np.float64).astype(dtype)
    y = rng.integers(0, classes, m)
    return X, y


def hand_written_epoch(params, X, y, lr, batch, order):
    """One epoch of mini-batch SGD for an (n0)-ReLU-softmax network, cross-entropy loss.

    ``params`` = [W1, b1, W2, b2] (W^l of shape (n_l, n_{l-1}), updated in place), ``order``
    the sample order. Returns the epoch's mean step loss and accuracy, as bplab's History records them.
    """
    W1, b1, W2, b2 = params
    m, classes = X.shape[0], W2.shape[0]
    eye = np.eye(classes, dtype=X.dtype)
    total, correct = 0.0, 0
    for start in range(0, m, batch):
        idx = order[start : start + batch]
        x, labels = X[idx], y[idx]
        t = eye[labels]
        z1 = x @ W1.T + b1
        a1 = np.maximum(z1, 0.0)
        z2 = a1 @ W2.T + b2
        s = z2 - z2.max(axis=1, keepdims=True)
        e = np.exp(s)
        p = e / e.sum(axis=1, keepdims=True)
        loss = float(-(t * (s - np.log(e.sum(axis=1, keepdims=True)))).sum(axis=1).mean())  # this step's loss
        total += loss * len(idx)
        correct += int((p.argmax(axis=1) == labels).sum())
        d2 = (p - t) / len(idx)  # softmax + cross-entropy: delta^2 = a^2 - y, of the batch mean
        d1 = (d2 @ W2) * (z1 > 0)
        W2 -= lr * (d2.T @ a1)
        b2 -= lr * d2.sum(axis=0)
        W1 -= lr * (d1.T @ x)
        b1 -= lr * d1.sum(axis=0)
    return total / m, correct / m


def sklearn_epoch(X, y, hidden, batch, lr):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        activation="relu",
        solver="sgd",
        momentum=0.0,
        nesterovs_momentum=False,
        alpha=0.0,
        learning_rate="constant",
        learning_rate_init=lr,
        max_iter=1,
        batch_size=batch,
        shuffle=True,
        random_state=SEED,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return clf


def compare(size, rounds):
    import bplab

    X, y = make_data(size["m"], size["n0"], size["classes"], DTYPE)
    net0 = bplab.Network(
        [size["n0"], size["hidden"], size["classes"]], activations=["relu", "softmax"], seed=SEED, dtype=DTYPE
    )
    start = [net0.weights[1], net0.biases[1], net0.weights[2], net0.biases[2]]
    order = np.random.default_rng(SEED).permutation(size["m"])  # bplab.train's first epoch with seed=SEED
    result = {}

    def run_bplab():
        net = net0.copy()
        history = bplab.train(
            net, X, y, mode="minibatch", batch_size=size["batch"], lr=LR, epochs=1,
            loss="cross_entropy", seed=SEED, progress=False,
        )
        result["bplab"] = net, history.loss[-1]

    def run_hand():
        params = [p.copy() for p in start]
        result["hand"] = params, hand_written_epoch(params, X, y, LR, size["batch"], order)[0]

    def run_sklearn():
        sklearn_epoch(X, y, size["hidden"], size["batch"], LR)

    times = interleaved({"bplab": run_bplab, "hand": run_hand, "sklearn": run_sklearn}, rounds=rounds, warmup=1)
    net, loss = result["bplab"]
    got = [net.weights[1], net.biases[1], net.weights[2], net.biases[2]]
    diff = max(float(np.abs(g - h).max()) for g, h in zip(got, result["hand"][0]))
    return times, diff, abs(loss - result["hand"][1])


def run(tiny=False, rounds=None):
    size = TINY if tiny else FULL
    rounds = rounds or size["rounds"]
    times, diff, loss_diff = compare(size, rounds)
    b = {k: best(v) for k, v in times.items()}
    vs_hand = b["bplab"] / b["hand"]
    vs_sk = b["sklearn"] / b["bplab"]
    m, n0, h, c = size["m"], size["n0"], size["hidden"], size["classes"]
    gflop = 2 * m * (2 * n0 * h + 3 * h * c) / 1e9  # multiply-adds of X W1^T, dW1, a1 W2^T, delta2 W2, dW2
    rows = [
        Row(
            f"mini-batch epoch {DTYPE}: bplab / hand-written numpy", "<= 1.15x", f"{vs_hand:.3f}x", vs_hand <= 1.15,
            note=f"medians: {median(times['bplab']) / median(times['hand']):.2f}x",
        ),
        Row(
            f"mini-batch epoch {DTYPE}: MLPClassifier / bplab", ">= 1.5x faster", f"{vs_sk:.2f}x faster", vs_sk >= 1.5,
            note=f"the hand-written loop itself is only {b['sklearn'] / b['hand']:.2f}x faster than MLPClassifier:"
            f" all three spend the epoch in the same matrix products ({gflop:.1f} GFLOP, {gflop / b['hand']:.0f} GFLOP/s"
            " in the hand-written loop), and only the per-step overhead around them differs, so being 1.5x faster"
            " than MLPClassifier would take less arithmetic than the algorithm needs",
        ),
    ]
    detail_rows = [
        (label, fmt_seconds(b[name]), fmt_seconds(median(times[name])), f"{b[name] / b['bplab']:.2f}")
        for name, label in [
            ("bplab", "bplab.train"),
            ("hand", "hand-written loop (same work)"),
            ("sklearn", "MLPClassifier(solver='sgd')"),
        ]
    ]
    detail_rows.append(("largest difference bplab - hand, final weights", f"{diff:.1e}", "", ""))
    detail_rows.append(("difference bplab - hand, epoch loss", f"{loss_diff:.1e}", "", ""))
    shape = f"{size['m']} x {size['n0']} inputs, {size['n0']}-{size['hidden']}-{size['classes']}, batch {size['batch']}"
    details = (
        f"One epoch ({shape}, {DTYPE}), best and median of {rounds} interleaved rounds:\n\n"
        + markdown_table(["what", "best", "median", "time / bplab's"], detail_rows)
    )
    return rows, details


def main(argv=None):
    args = bench_parser(__doc__, "tiny sizes, one round (for the tests)", threads=True).parse_args(argv)
    return report("Mini-batch SGD, one epoch", run, args.tiny, args.rounds, threads=args.threads)


if __name__ == "__main__":
    main()
