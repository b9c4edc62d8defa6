"""The bench/ scripts run (on tiny sizes) and produce their full table; times are never asserted."""

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"

BENCH = Path(__file__).resolve().parents[1] / "bench"

ROW_NAMES = [
    "three-way gradient check, worked example",
    "stepper: time per step (compute + redraw)",
    "import bplab (fresh interpreter)",
    "Iris per-sample SGD: bplab / plain Python",
    "mini-batch epoch float64: bplab / hand-written numpy",
    "mini-batch epoch float64: MLPClassifier / bplab",
    "scaling: width 64-2048, batch 1-1024 (plotted)",
    "notebooks: total execution time",
    "playground: time per redraw (whole view)",
]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-out")
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), "--tiny", "--details", "--out", str(out)],
        capture_output=True, text=True, cwd=BENCH.parent, timeout=600,
    )
    return proc, out


def table_rows(stdout):
    """{benchmark name: [goal, measured, met?]} from the markdown table run_all prints."""
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] != "benchmark":
            rows[cells[0]] = cells[1:]
    return rows


def test_run_all_tiny_prints_every_row(tiny_run):
    proc, _ = tiny_run
    assert proc.returncode == 0, proc.stderr
    rows = table_rows(proc.stdout)
    for name in ROW_NAMES:
        matches = [r for r in rows if r.startswith(name)]
        assert matches, f"row {name!r} missing from:\n{proc.stdout}"
        goal, measured, met = rows[matches[0]]
        assert goal and measured and not measured.startswith("error"), (name, measured)
        assert met in ("yes", "no", "n/a")


def test_run_all_prints_the_machine(tiny_run):
    proc, _ = tiny_run
    assert "- cpu cores:" in proc.stdout and "- BLAS:" in proc.stdout and "- numpy:" in proc.stdout


def test_scaling_plot_is_written_where_asked(tiny_run):
    _, out = tiny_run
    png = out / "scaling.png"
    assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bplab_and_the_hand_written_loop_end_with_the_same_weights(tiny_run):
    """The comparison is only fair if both do the same algorithm: same start, same order, same result."""
    proc, _ = tiny_run
    diffs = [line for line in proc.stdout.splitlines() if "largest difference bplab - hand, final weights" in line]
    assert len(diffs) == 1
    for line in diffs:
        value = float([c.strip() for c in line.strip("|").split("|")][1])
        assert value < 1e-12
    loss = next(line for line in proc.stdout.splitlines() if "difference bplab - hand, epoch loss" in line)
    assert float([c.strip() for c in loss.strip("|").split("|")][1]) < 1e-12


def test_the_plain_python_loop_ends_with_bplabs_weights(tiny_run):
    proc, _ = tiny_run
    line = next(l for l in proc.stdout.splitlines() if "max |bplab - plain| over the final weights" in l)
    assert float(line.rsplit(":", 1)[1]) < 1e-12


def test_readme_section_is_replaced_up_to_the_next_heading(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        import run_all
    finally:
        sys.path.remove(str(BENCH))
    readme = tmp_path / "README.md"
    readme.write_text("# t\n\nintro\n\n## Performance\n\nold table\n\n## Licence\n\nMIT\n", encoding="utf-8")
    run_all.rewrite_readme("## Performance\n\nnew table\n", readme)
    assert readme.read_text(encoding="utf-8") == "# t\n\nintro\n\n## Performance\n\nnew table\n\n## Licence\n\nMIT\n"
    readme.write_text("# t\n\n## Performance\n\nold\n", encoding="utf-8")  # the last section
    run_all.rewrite_readme("## Performance\n\nnew\n", readme)
    assert readme.read_text(encoding="utf-8") == "# t\n\n## Performance\n\nnew\n"
