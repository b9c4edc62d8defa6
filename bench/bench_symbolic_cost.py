"""bplab.symbolic's cost model: predicted seconds beside measured seconds, shape by shape.

``bplab.symbolic`` refuses a network whose exact computation is predicted to take longer than
``bplab.symbolic.cost.MAX_SECONDS``; the prediction counts the terms of the written-out loss
(see ``bplab/symbolic/cost.py`` for the rule). This script times each computation on a few
shapes, each in a fresh interpreter (nothing compiled or cached yet), with the limit lifted,
and prints the prediction beside the measurement. It is how the rule's constants were fitted,
and how to check them on another machine. Times are never asserted by the tests.

    python bench/bench_symbolic_cost.py [--tiny] [--big]

``--big`` adds the shapes the limit refuses (8-8-8-8-8 takes minutes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from _common import ROOT, markdown_table

SNIPPET = """
import json, sys, time
import numpy as np
import bplab
from bplab.symbolic import cost as C
C.MAX_SECONDS = float("inf")  # measure what the limit would refuse
from bplab import symbolic as S
from bplab.symbolic.exact import compiled_for
sizes, act, what = json.loads(sys.argv[1])
net = bplab.Network(sizes, activations=act, seed=0)
x, y = np.linspace(-1, 1, sizes[0]), np.full(sizes[-1], 0.5)
t = time.perf_counter()
if what == "compile":
    compiled_for(net, "half_sse")
elif what == "three_way_check":
    S.three_way_check(net, x, y)
elif what == "exact_forward":
    S.exact_forward(net, x)
else:
    S.verify_bp_equations(act, sizes)
print(time.perf_counter() - t)
"""

TINY = [([2, 3, 2, 1], "sigmoid")]
FULL = [([2, 3, 2, 1], "sigmoid"), ([2, 2, 2], "relu"), ([4, 4, 4], "sigmoid"), ([3, 3, 3, 3], "sigmoid"),
        ([6, 6, 6, 6], "sigmoid"), ([2, 2, 2, 2, 2, 2], "sigmoid")]
BIG = [([8, 8, 8, 8], "sigmoid"), ([4, 4, 4, 4, 4], "sigmoid"), ([8, 8, 8, 8, 8], "sigmoid")]


def predicted(sizes, act, what):
    from bplab.symbolic import symbolic_cost

    cost = symbolic_cost(sizes)
    if what == "compile":
        return cost.compile_seconds
    if what == "three_way_check":
        return cost.compile_seconds + cost.central_difference_seconds(1)
    if what == "exact_forward":
        return cost.forward_seconds
    return cost.verify_seconds(act in ("relu", "leaky_relu"))


def measure(sizes, act, what, timeout):
    try:
        out = subprocess.run([sys.executable, "-c", SNIPPET, json.dumps([sizes, act, what])], capture_output=True,
                             text=True, cwd=ROOT, check=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    return float(out.stdout.split()[-1])


def run(tiny=False, big=False, timeout=600):
    shapes = TINY if tiny else FULL + (BIG if big else [])
    header = ["shape", "computation", "predicted s", "measured s", "predicted / measured"]
    print(markdown_table(header, []), flush=True)
    rows = []
    for sizes, act in shapes:
        for what in ("compile", "three_way_check", "exact_forward", "verify_bp_equations"):
            p = predicted(sizes, act, what)
            if what == "verify_bp_equations" and p > 120:
                continue  # minutes of sympy simplification: not worth measuring
            m = measure(sizes, act, what, timeout)
            ratio = "timeout" if m is None else f"{p / m:.2f}"
            rows.append(["-".join(map(str, sizes)) + f" {act}", what, f"{p:.2f}", "timeout" if m is None else f"{m:.2f}",
                         ratio])
            print(markdown_table(header, rows[-1:]).splitlines()[-1], flush=True)  # one row as it is measured
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="one small shape, for the tests")
    parser.add_argument("--big", action="store_true", help="add the shapes the limit refuses (minutes)")
    args = parser.parse_args()
    run(args.tiny, args.big)
