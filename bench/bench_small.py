"""The small goals: the three-way gradient check, the stepper, and ``import bplab``.

* ``bplab.symbolic.three_way_check(*bplab.worked_example())``: sympy, backprop and central
  differences on seed 004's worked example (goal < 0.5 s);
* ``bplab.widgets.PropagationStepper(net, x, y)``: seconds per ``.next()`` (state change plus
  redraw), walking all the steps of the worked example from a freshly built stepper, and per
  ``.reset()`` (goal < 50 ms per step);
* ``import bplab`` in a fresh interpreter, timed inside it (goal < 0.25 s), best of several.

Each is reported as "missing" while the code it times does not exist yet.

    python bench/bench_small.py [--tiny] [--rounds N]
"""

from __future__ import annotations

import subprocess
import sys
import time

from _common import ROOT, Row, bench_parser, fmt_seconds, markdown_table, report

FULL = dict(rounds=5)
TINY = dict(rounds=1)


THREE_WAY_SNIPPET = """
import time, bplab
from bplab.symbolic import three_way_check
args = bplab.worked_example()
t = time.perf_counter(); three_way_check(*args); cold = time.perf_counter() - t
args = bplab.worked_example()
t = time.perf_counter(); three_way_check(*args); warm = time.perf_counter() - t
print(cold, warm)
"""


def time_three_way_check(rounds):
    """Best seconds of the FIRST three_way_check in a fresh interpreter (sympy already imported,
    nothing cached yet: what a learner's first run costs), or None if it is missing."""
    probe = subprocess.run(
        [sys.executable, "-c", "from bplab.symbolic import three_way_check"], capture_output=True, text=True, cwd=ROOT
    )
    if probe.returncode != 0:
        return None, "bplab.symbolic.three_way_check is missing"
    cold, warm = [], []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", THREE_WAY_SNIPPET], capture_output=True, text=True, cwd=ROOT, check=True)
        c, w = map(float, out.stdout.split()[-2:])
        cold.append(c)
        warm.append(w)
    detail = (
        f"three_way_check(*worked_example()): first call in a fresh interpreter best {fmt_seconds(min(cold))}"
        f" (worst {fmt_seconds(max(cold))}) over {rounds}; a second call in the same interpreter best"
        f" {fmt_seconds(min(warm))}"
    )
    return min(cold), detail


def time_stepper(rounds):
    """(mean seconds per next() on the first walk in this process, details), or (None, why)."""
    import bplab

    try:
        from bplab.widgets import PropagationStepper
    except ImportError as exc:
        return None, f"bplab.widgets.PropagationStepper is missing ({exc})"
    per_next, per_reset, n_steps = [], [], 0
    for _ in range(rounds):
        net, x, y = bplab.worked_example()
        stepper = PropagationStepper(net, x, y)  # built outside the timing: the cache starts cold
        steps = getattr(stepper, "n_steps", None) or 40
        walk = []
        for _ in range(steps - 1):
            t0 = time.perf_counter()
            stepper.next()
            walk.append(time.perf_counter() - t0)
        n_steps = steps
        per_next.append(walk)
        t0 = time.perf_counter()
        stepper.reset()
        per_reset.append(time.perf_counter() - t0)
    means = [sum(w) / len(w) for w in per_next]
    slowest = max(max(w) for w in per_next)
    detail = (
        f"PropagationStepper on the worked example, {n_steps} steps, each walk on a newly built stepper:"
        f" mean per next() on the first walk {fmt_seconds(means[0])} (best of {rounds} walks"
        f" {fmt_seconds(min(means))}); slowest single next() {fmt_seconds(slowest)};"
        f" reset() best {fmt_seconds(min(per_reset))}"
    )
    return means[0], detail


IMPORT_SNIPPET = "import time; t = time.perf_counter(); import bplab; print(time.perf_counter() - t)"


def time_import(rounds):
    """Best seconds of ``import bplab`` measured inside fresh interpreters, and of the whole process."""
    inside, whole = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET], capture_output=True, text=True, cwd=ROOT, check=True
        )
        whole.append(time.perf_counter() - t0)
        inside.append(float(out.stdout.strip().splitlines()[-1]))
    heavy = subprocess.run(
        [sys.executable, "-c", "import sys, bplab; print(sorted(m for m in ('sympy', 'matplotlib', 'ipywidgets', 'tqdm', 'scipy') if m in sys.modules))"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    ).stdout.strip()
    detail = (
        f"import bplab in a fresh interpreter: best {fmt_seconds(min(inside))} (whole process incl. Python"
        f" start-up: best {fmt_seconds(min(whole))}) over {rounds}; heavy modules loaded by it: {heavy}"
    )
    return min(inside), detail


def run(tiny=False, rounds=None):
    size = TINY if tiny else FULL
    rounds = rounds or size["rounds"]
    rows, notes = [], []

    t, note = time_three_way_check(rounds)
    rows.append(Row("three-way gradient check, worked example", "< 0.5 s", fmt_seconds(t), None if t is None else t < 0.5))
    notes.append(note)

    t, note = time_stepper(rounds)
    rows.append(Row("stepper: time per step (compute + redraw)", "< 50 ms", fmt_seconds(t), None if t is None else t < 0.05))
    notes.append(note)

    t, note = time_import(max(rounds, 3))
    rows.append(Row("import bplab (fresh interpreter)", "< 0.25 s", fmt_seconds(t), t < 0.25))
    notes.append(note)
    return rows, "\n".join(f"- {n}" for n in notes)


def main(argv=None):
    args = bench_parser(__doc__, "one round (for the tests)").parse_args(argv)
    return report("Gradient check, stepper, import", run, args.tiny, args.rounds)


if __name__ == "__main__":
    main()
