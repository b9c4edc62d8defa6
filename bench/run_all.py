"""Run every benchmark and print one table: goal, measured, met? (plus the machine it ran on).

    python bench/run_all.py                 # full sizes (several minutes on 2 cores)
    python bench/run_all.py --tiny          # tiny sizes, one round: checks that every script runs
    python bench/run_all.py --readme        # also rewrite README.md's "## Performance" section
    python bench/run_all.py --out DIR       # where the scaling plot goes (default: a temporary folder)
    python bench/run_all.py --threads 1     # limit numpy's BLAS threads

Timings are taken side by side in one process (interleaved rounds, best of N), so the ratios
hold up on a busy machine; absolute times do not.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
import traceback
from contextlib import redirect_stdout
from pathlib import Path

from _common import ROOT, Row, blas_threads, machine_info, machine_lines, rows_table

import bench_iris
import bench_minibatch
import bench_notebooks
import bench_redraw
import bench_scaling
import bench_small

# (title, the script's run(tiny=...) with the extra keyword arguments it takes)
BENCHES = [
    ("small goals", bench_small.run, ()),
    ("Iris per sample", bench_iris.run, ()),
    ("mini-batch epoch", bench_minibatch.run, ()),
    ("scaling", bench_scaling.run, ("out",)),
    ("notebooks", bench_notebooks.run, ()),
    ("playground redraw", bench_redraw.run, ()),
]
EXPECTED_ROWS = 9  # 3 small + 1 Iris + 2 mini-batch + 1 scaling + 1 notebooks + 1 playground redraw


def run_all(tiny=False, out=None, quiet=False):
    rows, details = [], []
    for title, fn, extra in BENCHES:
        kwargs = {"tiny": tiny}
        if "out" in extra:
            kwargs["out"] = out
        t0 = time.perf_counter()
        try:
            sink = io.StringIO()
            with redirect_stdout(sink):  # keep the kernels' chatter out of the table
                got, detail = fn(**kwargs)
        except Exception as exc:  # one broken bench must not hide the others
            got = [Row(title, "", f"error: {type(exc).__name__}: {exc}", None)]
            detail = traceback.format_exc()
        rows += got
        details.append(f"### {title} ({time.perf_counter() - t0:.0f} s)\n\n{detail}")
        if not quiet:
            print(f"[{title}: done in {time.perf_counter() - t0:.0f} s]", file=sys.stderr)
    return rows, details


def performance_section(rows, info, command, details):
    scaling = next((d for d in details if d.startswith("### scaling")), "")
    sentence = next((line for line in scaling.splitlines() if line.startswith("Batch size:")), "")
    return (
        "## Performance\n\n"
        "Measured by `bench/` (see `bench/run_all.py`): each comparison runs side by side in one process,"
        " interleaved, best of several rounds. The hand-written loop is the same algorithm in plain numpy"
        " (`bench/bench_minibatch.py`) doing the same work as `bplab.train` (the steps, and each step's loss"
        " and correct answers from its own forward pass); the plain-Python loop is `bplab.reference`.\n\n"
        + rows_table(rows)
        + "".join(f"\n- {r.name}: {r.note}." for r in rows if r.note and r.met is False).replace("\n- ", "\n\nNotes:\n\n- ", 1)
        + (f"\n\n{sentence}" if sentence else "")
        + "\n\nThe scaling plot (time per sample against hidden width and batch size) is drawn by"
        " `python bench/bench_scaling.py --out DIR`; `python bench/run_all.py --details` prints every"
        " script's own tables."
        + f"\n\nMeasured with `{command}` on:\n\n"
        + machine_lines(info)
        + "\n"
    )


def rewrite_readme(section, readme=ROOT / "README.md"):
    """Replace README.md's '## Performance' section (up to the next '## ' heading or the end)."""
    text = readme.read_text(encoding="utf-8")
    match = re.search(r"^## Performance[^\n]*\n", text, flags=re.M)
    if match is None:
        new = text.rstrip("\n") + "\n\n" + section
    else:
        following = re.search(r"^## ", text[match.end():], flags=re.M)
        end = match.end() + following.start() if following else len(text)
        rest = text[end:]
        new = text[: match.start()] + section + ("\n" + rest if rest else "")
    readme.write_text(new, encoding="utf-8")
    return readme


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, one round (for the tests)")
    parser.add_argument("--readme", action="store_true", help="rewrite README.md's '## Performance' section")
    parser.add_argument("--out", default=None, help="folder for the scaling plot (default: a temporary folder)")
    parser.add_argument("--threads", type=int, default=None, help="limit numpy's BLAS threads")
    parser.add_argument("--details", action="store_true", help="also print every script's detailed tables")
    args = parser.parse_args(argv)
    out = args.out or tempfile.mkdtemp(prefix="bplab-bench-")
    info = machine_info()
    info["BLAS threads used"] = f"{args.threads} (--threads)" if args.threads else "the library's default"
    with blas_threads(args.threads):
        rows, details = run_all(args.tiny, out)
    title = "bplab benchmarks" + (" (--tiny: tiny sizes, NOT the goals' conditions)" if args.tiny else "")
    print(f"## {title}\n")
    print(rows_table(rows))
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        print("\nNotes:\n" + "\n".join(notes))
    print("\nMachine:\n" + machine_lines(info))
    if args.details:
        print("\n" + "\n\n".join(details))
    if args.readme:
        given = list(argv if argv is not None else sys.argv[1:])
        if "--out" in given:  # where the plot went is not part of how it was measured
            i = given.index("--out")
            del given[i : i + 2]
        command = "python bench/run_all.py " + " ".join(a for a in given if a != "--details")
        path = rewrite_readme(performance_section(rows, info, command.strip(), details))
        print(f"\nrewrote the '## Performance' section of {path}")
    return rows


if __name__ == "__main__":
    main()
