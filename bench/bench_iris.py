"""Seed 004's Iris training, per-sample SGD: bplab vs the seed's loops in plain Python.

4-5-3 sigmoid network, half squared error, learning rate 0.2, 300 epochs, min-max scaled
features, one update per sample (standard BP, 标准BP), samples shuffled every epoch.

* bplab: ``bplab.train(net, X, y, mode="sample", lr=0.2, epochs=300, seed=s, progress=False)``
  (which also records each epoch's training loss and accuracy);
* plain Python: ``bplab.reference.plain_sgd_epoch`` (lists of floats and ``math.exp``), one call
  per epoch, visiting the samples in the same order as bplab.

Both start from the same weights and must end with the same weights: the script checks it.

    python bench/bench_iris.py [--tiny] [--rounds N]
"""

from __future__ import annotations


import numpy as np

from _common import Row, bench_parser, best, fmt_seconds, interleaved, markdown_table, median, report

FULL = dict(epochs=300, rounds=5)
TINY = dict(epochs=3, rounds=1)
LR = 0.2
SEED = 4


def load():
    import bplab

    X, y, _ = bplab.datasets.load_iris()
    X = bplab.datasets.minmax_scale(X)[0]
    return X, y


def reference_module():
    """bplab.reference, or None while it does not exist."""
    try:
        from bplab import reference
    except ImportError:
        return None
    needed = ("to_lists", "plain_sgd_epoch", "from_lists")
    return reference if all(hasattr(reference, f) for f in needed) else None


def run(tiny=False, rounds=None):
    import bplab

    size = TINY if tiny else FULL
    rounds = rounds or size["rounds"]
    epochs = size["epochs"]
    X, y = load()
    m = X.shape[0]
    net0 = bplab.Network([4, 5, 3], activations="sigmoid", seed=SEED)
    # bplab.train(seed=SEED) draws one permutation per epoch from default_rng(SEED): the same orders here.
    rng = np.random.default_rng(SEED)
    orders = [rng.permutation(m).tolist() for _ in range(epochs)]
    ref = reference_module()
    result = {}

    def run_bplab():
        net = net0.copy()
        bplab.train(net, X, y, mode="sample", lr=LR, epochs=epochs, loss="half_sse", seed=SEED, progress=False)
        result["bplab"] = net

    contenders = {"bplab": run_bplab}
    if ref is not None:
        Xl, Yl = X.tolist(), np.eye(3)[y].tolist()

        def run_plain():
            W, b = ref.to_lists(net0)
            for order in orders:
                ref.plain_sgd_epoch(W, b, Xl, Yl, LR, order)
            result["plain"] = (W, b)

        contenders["plain"] = run_plain

    times = interleaved(contenders, rounds=rounds, warmup=0 if tiny else 1)
    b = {k: best(v) for k, v in times.items()}
    steps = epochs * m
    detail_rows = [
        (name, fmt_seconds(b[name]), fmt_seconds(median(times[name])), fmt_seconds(b[name] / steps))
        for name in times
    ]
    if ref is None:
        rows = [Row("Iris per-sample SGD: bplab / plain Python", "<= 1.5x", "missing (bplab.reference)", None)]
        same = "plain Python: bplab/reference.py is missing"
    else:
        ratio = b["bplab"] / b["plain"]
        rows = [
            Row(
                "Iris per-sample SGD: bplab / plain Python", "<= 1.5x", f"{ratio:.2f}x", ratio <= 1.5,
                note=f"{b['bplab'] / steps * 1e6:.1f} µs per step for bplab against {b['plain'] / steps * 1e6:.1f} µs"
                " for the plain-Python loops. A 4-5-3 step in bplab is about 45 numpy calls (forward, the step's"
                " loss and correct answers, BP1-BP4, the update, the divergence check) on arrays of 3 to 20"
                " numbers, and each call costs about as much as several plain-Python float operations;"
                " bplab's speed comes from vectorizing over a batch, which a batch of one sample cannot use",
            )
        ]
        plain_net = ref.from_lists(*result["plain"])
        diff = float(np.abs(plain_net.theta - result["bplab"].theta).max())
        same = f"max |bplab - plain| over the final weights: {diff:.1e}"
    details = (
        f"Iris, 4-5-3 sigmoid, {epochs} epochs x {m} samples = {steps} steps; best and median of {rounds}"
        f" interleaved rounds:\n\n"
        + markdown_table(["what", "best", "median", "best per step"], detail_rows)
        + f"\n\n{same}"
    )
    return rows, details


def main(argv=None):
    args = bench_parser(__doc__, "3 epochs, one round (for the tests)").parse_args(argv)
    return report("Seed 004's Iris training, per sample", run, args.tiny, args.rounds)


if __name__ == "__main__":
    main()
