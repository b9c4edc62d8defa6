"""Shared helpers for the bench/ scripts: side-by-side timing, machine info, tables.

Timing on a shared machine is noisy, so every comparison runs its contenders in ONE process,
interleaved: round 1 runs A, B, C; round 2 runs B, C, A; and so on. Each contender's time is
the best (minimum) of its rounds, the run least disturbed by other processes; ratios are
taken between these best times. The median is reported beside it as a check on the noise.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One line of the summary table: a goal and what was measured against it."""

    name: str
    goal: str
    measured: str
    met: bool | None  # None: could not be measured (e.g. the code it times is missing)
    note: str = ""

    @property
    def verdict(self):
        return {True: "yes", False: "no", None: "n/a"}[self.met]


def interleaved(contenders, rounds, warmup=1):
    """Run each callable in ``contenders`` (name -> fn) ``rounds`` times, interleaved and rotated.

    Returns name -> list of seconds. ``warmup`` untimed rounds come first (imports, caches).
    """
    names = list(contenders)
    for _ in range(warmup):
        for name in names:
            contenders[name]()
    times = {name: [] for name in names}
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            t0 = time.perf_counter()
            contenders[name]()
            times[name].append(time.perf_counter() - t0)
    return times


def best(ts):
    return min(ts)


def median(ts):
    return statistics.median(ts)


def fmt_seconds(s):
    if s is None:
        return "missing"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.1f} µs"


def blas_info():
    """The BLAS numpy uses: from threadpoolctl when installed, else from numpy's build config."""
    try:
        from threadpoolctl import threadpool_info

        import numpy as np  # noqa: F401  (loads numpy's BLAS so that threadpoolctl sees it)

        for lib in threadpool_info():
            if lib.get("user_api") == "blas" and "numpy" in lib.get("filepath", ""):
                return (
                    f"{lib.get('internal_api')} {lib.get('version')} ({lib.get('architecture')},"
                    f" {lib.get('num_threads')} threads)"
                )
    except ImportError:
        pass
    try:
        import numpy as np

        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # older numpy: no dict mode
        return "unknown"


def machine_info():
    """A dict describing the machine and the libraries, printed under every table."""
    import numpy as np

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "unknown"
    return {
        "cpu cores": f"{os.cpu_count()} ({usable} usable by this process)",
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "BLAS": blas_info(),
        "load average (1, 5, 15 min) at start": load,
        "platform": platform.platform(),
    }


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def rows_table(rows):
    return markdown_table(
        ["benchmark", "goal", "measured", "met?"], [(r.name, r.goal, r.measured, r.verdict) for r in rows]
    )


def machine_lines(info=None):
    info = info or machine_info()
    return "\n".join(f"- {k}: {v}" for k, v in info.items())


def print_report(title, rows, details=None):
    """Print a script's own result: the goal table, details, and the machine."""
    print(f"## {title}\n")
    print(rows_table(rows))
    if details:
        print()
        print(details)
    print("\nMachine:\n" + machine_lines())


class blas_threads:
    """``with blas_threads(n):`` limits numpy's BLAS to n threads (threadpoolctl); None: no limit."""

    def __init__(self, n):
        self.n = n
        self._ctx = None

    def __enter__(self):
        if self.n is not None:
            from threadpoolctl import threadpool_limits

            self._ctx = threadpool_limits(limits=self.n, user_api="blas")
        return self

    def __exit__(self, *exc):
        if self._ctx is not None:
            self._ctx.unregister()
        return False


def bench_parser(doc, tiny_help, rounds=True, threads=False):
    """The command line every bench script shares: --tiny, and --rounds / --threads where they apply."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help=tiny_help)
    if rounds:
        parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (best of N)")
    if threads:
        parser.add_argument("--threads", type=int, default=None, help="limit BLAS threads (threadpoolctl)")
    return parser


def report(title, run, *args, threads=None):
    """Run one bench script's ``run(*args)`` (under a BLAS thread limit, if any) and print its report."""
    with blas_threads(threads):
        rows, details = run(*args)
    print_report(title, rows, details)
    return rows
