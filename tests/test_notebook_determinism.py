"""Running a notebook twice from a fresh kernel shows the same outputs.

A teacher who runs a notebook in class must see what the learners see at home. The
first execution is the one tests/test_notebooks.py also uses (cached by
notebook_runner.execute_notebook); this test adds ONE fresh run and compares every
code cell's outputs: output type, stream name and text, ``text/plain``, ``text/html``,
``text/latex``, ``text/markdown``, ``image/png``, ``image/svg+xml``, JSON and widget
views, and error names and values.

Normalized before comparing, because they legitimately differ between two runs
(each rule is in ``NORMALIZE`` below):

* widget model ids (``model_id`` in widget views, and the ids in the HTML/JS a widget
  may print): replaced by their order of appearance in the notebook (``model-1``, ...);
* progress bars (tqdm): elapsed and remaining times ``[00:01<00:02`` and rates such as
  ``123.45epoch/s`` or ``1.2s/it``;
* memory addresses such as ``at 0x7f3a...``: replaced by ``0x?``;
* wall-clock durations: any number followed by a unit of time (``0.18 s``, ``12 ms``,
  ``3.1 seconds``), as notebooks print how long training took (History.seconds);
* matplotlib SVG output: its ``<dc:date>`` and the random ids/hrefs of clip paths;
* the images of cells tagged ``wall-clock`` (cell metadata tags): plots whose x axis is
  measured time (loss against seconds). Their text outputs are still compared, and the
  test checks that such a cell does draw an image on both runs.

Nothing else is normalized: numbers, tables, plots (PNG bytes) must be identical.
"""

import re

import pytest

from notebook_runner import NOTEBOOKS, execute_notebook

pytestmark = pytest.mark.slow  # not in the quick command: python -m pytest -m "not slow"

NORMALIZE = [
    # memory addresses: <function f at 0x7f...>, <... object at 0x55...>
    (re.compile(r"0x[0-9a-fA-F]{6,16}"), "0x?"),
    # tqdm: [00:01<00:02,  12.34it/s] and friends
    (re.compile(r"\d+:\d\d(?::\d\d)?(?=[<\],])"), "T"),
    (re.compile(r"(?<=<)\d+:\d\d(?::\d\d)?|(?<=<)\?"), "T"),
    (re.compile(r"(?:\d+(?:\.\d+)?|\?)\s?(?:[a-zA-Z]+/s|s/[a-zA-Z]+)"), "RATE"),
    # wall-clock durations: a number with a unit of time (0.18 s, 12 ms, 3.1 seconds)
    # (with the spaces before it: a fixed-width format pads " 8.0 ms" but not "10.0 ms")
    (re.compile(r" *\b\d+(?:\.\d+)?(?:e-?\d+)?\s?(?:ms|µs|us|s|sec|seconds)\b"), " DURATION"),
    # matplotlib SVG: date and random clip-path ids
    (re.compile(r"<dc:date>[^<]*</dc:date>"), "<dc:date/>"),
    (re.compile(r'(id|clip-path|xlink:href)="(url\()?#?p[0-9a-f]{10}\)?"'), r'\1="ID"'),
]

_MODEL_ID = re.compile(r"[0-9a-f]{32}")
WALL_CLOCK = "wall-clock"  # cell tag: its images plot measured time


class _Ids:
    """Widget model ids renamed by order of first appearance, so structure is still compared."""

    def __init__(self):
        self.names = {}

    def __call__(self, text):
        return _MODEL_ID.sub(lambda m: self.names.setdefault(m.group(0), f"model-{len(self.names) + 1}"), text)


def normalize_text(text, ids):
    text = ids(text)
    for pattern, replacement in NORMALIZE:
        text = pattern.sub(replacement, text)
    return text


def _value(value, ids):
    if isinstance(value, str):
        return normalize_text(value, ids)
    if isinstance(value, list):
        return [_value(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _value(v, ids) for k, v in sorted(value.items())}
    return value


def comparable_outputs(nb):
    """[(cell index, [normalized outputs])] for every code cell."""
    ids = _Ids()
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            kind = out["output_type"]
            if kind == "stream":
                outputs.append(("stream", out["name"], normalize_text(out["text"], ids)))
            elif kind in ("display_data", "execute_result"):
                data = dict(out.get("data", {}))
                if WALL_CLOCK in cell.get("metadata", {}).get("tags", []):
                    data = {k: ("IMAGE" if k.startswith("image/") else v) for k, v in data.items()}
                outputs.append((kind, _value(data, ids)))
            elif kind == "error":
                outputs.append(("error", out["ename"], normalize_text(out["evalue"], ids)))
        cells.append((index, _merge_streams(outputs)))
    return cells


def _merge_streams(outputs):
    """Consecutive stream chunks joined: how a stream is split into messages is timing, not content."""
    merged = []
    for out in outputs:
        if merged and out[0] == "stream" and merged[-1][0] == "stream" and merged[-1][1] == out[1]:
            merged[-1] = ("stream", out[1], merged[-1][2] + out[2])
        else:
            merged.append(out)
    return merged


def _sources(nb):
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def _first_difference(a, b):
    for (i, outs_a), (_, outs_b) in zip(a, b):
        if outs_a != outs_b:
            for k, (x, y) in enumerate(zip(outs_a, outs_b)):
                if x != y:
                    return f"cell {i}, output {k}:\n first run:  {str(x)[:600]}\n second run: {str(y)[:600]}"
            return f"cell {i}: {len(outs_a)} outputs in the first run, {len(outs_b)} in the second"
    return None


def test_normalization_keeps_numbers_and_removes_only_what_varies():
    ids = _Ids()
    bar = "training: 100%|██████████| 5/5 [00:01<00:00,  4.53epoch/s, loss=0.1234]"
    assert normalize_text(bar, ids) == "training: 100%|██████████| 5/5 [T<T,  RATE, loss=0.1234]"
    assert normalize_text("<function f at 0x7f3a2b4c5d60>", ids) == "<function f at 0x?>"
    assert normalize_text("training took 0.53 s; loss 0.53", ids) == "training took DURATION; loss 0.53"
    assert normalize_text("1000 updates,  0.31 s, 3 samples, 12 ms", ids) == "1000 updates, DURATION, 3 samples, DURATION"
    # a fixed-width time gains or loses its padding as it crosses 10: both read the same
    assert normalize_text("mode  8.039 ms per epoch", ids) == normalize_text("mode 10.250 ms per epoch", ids)
    view = {"model_id": "a" * 32, "version_major": 2}
    assert _value(view, _Ids()) == _value({"model_id": "b" * 32, "version_major": 2}, _Ids())
    assert normalize_text("W = [[0.25, 1.5]]\ndelta = 3.2e-05", ids) == "W = [[0.25, 1.5]]\ndelta = 3.2e-05"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_outputs_are_the_same_on_a_second_run(path):
    try:
        first = execute_notebook(path)  # shared with tests/test_notebooks.py
    except Exception as error:
        pytest.fail(f"{path.name} does not run (see test_notebooks.py): {type(error).__name__}", pytrace=False)
    second = execute_notebook(path, fresh=True)
    if _sources(first) != _sources(second):  # the file was edited between the two runs (not in CI)
        first, second = second, execute_notebook(path, fresh=True)
    assert _sources(first) == _sources(second), f"{path.name} kept changing while the test ran it"
    a, b = comparable_outputs(first), comparable_outputs(second)
    assert len(a) == len(b)
    difference = _first_difference(a, b)
    assert difference is None, f"{path.name} shows different outputs on a second run, {difference}"
