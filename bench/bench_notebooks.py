"""Execution time of every notebook, one after the other, each in a fresh kernel (goal: < 90 s in total).

Uses the test suite's runner (``tests/notebook_runner.execute_notebook``), so the time is
what ``tests/test_notebooks.py`` spends executing them. ``--tiny`` executes one generated
one-cell notebook instead (to test this script quickly).

    python bench/bench_notebooks.py [--tiny] [notebooks/NN-*.ipynb ...]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, Row, bench_parser, fmt_seconds, markdown_table, report

GOAL_TOTAL = 90.0


def runner():
    sys.path.insert(0, str(ROOT / "tests"))
    from notebook_runner import execute_notebook

    return execute_notebook


def tiny_notebook(folder):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import bplab\nnet, x, y = bplab.worked_example()\nnet.forward(x).output")]
    path = Path(folder) / "00-tiny.ipynb"
    nbformat.write(nb, path)
    return [path]


def run(tiny=False, paths=None):
    execute_notebook = runner()
    with tempfile.TemporaryDirectory() as tmp:
        if tiny:
            paths = tiny_notebook(tmp)
        elif not paths:
            paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
        results = []
        for path in paths:
            t0 = time.perf_counter()
            try:
                nb = execute_notebook(Path(path))
                errors = sum(
                    o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                )
                status = "ok" if not errors else f"{errors} error output(s)"
            except Exception as exc:  # a failing notebook is reported, the others still timed
                status = f"failed: {type(exc).__name__}"
            results.append((Path(path).name, time.perf_counter() - t0, status))
    total = sum(t for _, t, _ in results)
    ok = all(s == "ok" for _, _, s in results)
    label = "notebooks: total execution time" + (" (tiny: one generated cell)" if tiny else f" ({len(results)} notebooks)")
    rows = [Row(label, "< 90 s", fmt_seconds(total) + ("" if ok else ", with failures"), bool(results) and ok and total < GOAL_TOTAL)]
    details = "Per notebook (fresh kernel each, in order):\n\n" + markdown_table(
        ["notebook", "seconds", "status"], [(n, f"{t:.1f}", s) for n, t, s in results] + [("total", f"{total:.1f}", "")]
    )
    return rows, details


def main(argv=None):
    parser = bench_parser(__doc__, "one generated one-cell notebook (for the tests)", rounds=False)
    parser.add_argument("paths", nargs="*", help="notebooks to time (default: all of notebooks/)")
    args = parser.parse_args(argv)
    return report("Notebook execution time", run, args.tiny, args.paths)


if __name__ == "__main__":
    main()
