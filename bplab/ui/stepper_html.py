"""The stepper's steps as HTML: the diagram, its legend, the formulas (MathML), the tables, the
stylesheet, and the whole walk-through as one page. The widget and :meth:`Stepper.to_html`
both show these same strings; nothing here computes a number, it only writes down the step's.

Sizes are in CSS pixels times ``var(--bplab-scale)``, which the class ``bplab-scale-NNN``
(NNN = 100 x scale) sets on the stepper's outer box; ``--bplab-min-font`` is the smallest text
(12 px at scale 1, 18 px at scale 1.5).
"""

from __future__ import annotations

import re
from html import escape

import numpy as np

from .diagram import ACTIVE_FILL, DELTA_FILL, NEGATIVE, POSITIVE, network_svg
from .formats import sup, text_number
from .mathml import formula_lines

# What the edges of a layer show, in words (the legend) and as a short symbol.
EDGE_MEANING = {
    "W": ("the weights W", "W"),
    "dW": ("the gradients ∂C/∂W", "∂C/∂W"),
    "DeltaW": ("the changes ΔW = −η ∂C/∂W", "ΔW"),
}
BOX_MEANING = {
    "a": "the number in a box is the neuron's activation a (its z below it)",
    "delta": "a purple box holds the neuron's error term δ = ∂C/∂z; a white box, its activation a",
    "Deltab": "the number in a box is the change of the neuron's bias, Δb = −η ∂C/∂b",
}


def scale_class(scale):
    """The CSS class that sets ``--bplab-scale`` to ``scale``: 1.5 -> 'bplab-scale-150'."""
    return f"bplab-scale-{round(float(scale) * 100)}"


# ------------------------------------------------------------------ the diagram and its legend
def edge_scales(step, edge_scale):
    """{layer: the magnitude drawn darkest} for the step's edges: each layer's own largest value
    ("layer"), or one value per kind of quantity, the largest over every layer showing it ("global")."""
    edges, kinds = step.diagram.get("edges", {}), step.diagram.get("edge_kind", {})
    own = {l: float(np.abs(M).max()) for l, M in edges.items()}
    if edge_scale == "layer":
        return own
    common = {}
    for l, m in own.items():
        common[kinds.get(l)] = max(common.get(kinds.get(l), 0.0), m)
    return {l: common[kinds.get(l)] for l in own}


def step_svg(sizes, step, edge_scale):
    """(the step's diagram as SVG, the edge scales it used)."""
    d = dict(step.diagram)
    scales = edge_scales(step, edge_scale)
    fills = {l: DELTA_FILL for l in d.pop("delta_layers", ())}
    for key in ("edge_kind", "box_kind"):
        d.pop(key, None)
    return network_svg(sizes, title=step.title, fills=fills, scales=scales, **d), scales


def _swatch_line(color, width, opacity):
    return (
        "<svg class='bplab-swatch' viewBox='0 0 36 12' aria-hidden='true'>"
        f"<line x1='2' y1='6' x2='34' y2='6' stroke='{color}' stroke-width='{width}' stroke-opacity='{opacity}'/></svg>"
    )


def _swatch_box(fill, stroke="#555555", width=1):
    return (
        "<svg class='bplab-swatch' viewBox='0 0 36 16' aria-hidden='true'>"
        f"<rect x='2' y='2' width='32' height='12' rx='3' fill='{fill}' stroke='{stroke}' stroke-width='{width}'/></svg>"
    )


def legend_html(step, scales, edge_scale, digits=3):
    """What a box's fill, an edge's colour and its thickness mean at this step, with the scale used."""
    d = step.diagram
    kinds = d.get("edge_kind", {})
    rows = [f"<div>{_swatch_box(ACTIVE_FILL, '#d48806', 2.5)} yellow, thick outline: the layer(s) this step computes</div>"]
    if d.get("box_kind") == "delta":
        rows.append(f"<div>{_swatch_box(DELTA_FILL)} {BOX_MEANING['delta']}</div>")
    elif d.get("box_kind"):
        rows.append(f"<div>{_swatch_box('#ffffff')} {BOX_MEANING[d['box_kind']]}</div>")
    shown = {}
    for l in sorted(kinds):
        shown.setdefault(kinds[l], []).append(l)
    for kind, layers in shown.items():
        words, symbol = EDGE_MEANING[kind]
        which = (
            "all layers" if len(layers) == len(kinds)
            else f"layer {layers[0]}" if len(layers) == 1
            else "layers " + ", ".join(map(str, layers))
        )  # fmt: skip
        rows.append(
            f"<div>{_swatch_line(POSITIVE, 3, 1)} positive {_swatch_line(NEGATIVE, 3, 1)} negative:"
            f" edges into {which} show {words}</div>"
        )
        if edge_scale == "layer":
            each = ", ".join(f"layer {l}: {text_number(scales[l], digits)}" for l in layers)
            how = f"each layer against its own largest |{symbol}| ({each})"
        else:
            top = scales[layers[0]]
            each = ", ".join(f"layer {l}: {text_number(np.abs(d['edges'][l]).max(), digits)}" for l in layers)
            how = f"one scale for {which}, their largest |{symbol}| = {text_number(top, digits)} (per layer: {each})"
        rows.append(
            f"<div>{_swatch_line(POSITIVE, 3.2, 1)} thick, dark {_swatch_line(POSITIVE, 1, 0.45)} thin, pale:"
            f" the size |{symbol}|, {how}</div>"
        )
    return f"<div class='bplab-legend-body' data-edge-scale='{edge_scale}'>{''.join(rows)}</div>"


# ------------------------------------------------------------------ formulas and tables
def formula_html(step):
    """The step's title, its formulas in matrix form and for one neuron, as HTML with MathML."""
    return (
        f"<div class='bplab-step-title'>{escape(step.title)}</div>"
        f"<div class='bplab-math-block'>{formula_lines(step.latex)}</div>"
        f"<div class='bplab-scalar-note'>One neuron, as a scalar sum:</div>"
        f"<div class='bplab-math-block'>{formula_lines(step.scalar)}</div>"
    )


def values_html(step):
    """The step's tables as plain HTML: every number as text (with the table's digits, as in the
    boxes and formulas), and as data-key / data-value attributes (repr of the float, full
    precision) so that a test can read it back exactly."""
    out = [f"<div class='bplab-tables' data-step='{step.index}'>"]
    for t in step.tables:
        out.append(f"<table class='bplab-table'><caption>{escape(sup(t.caption))}</caption>")
        for row in t.rows:
            out.append("<tr>")
            for v in row:
                out.append(
                    f"<td data-key='{escape(v.key)}' data-value='{v.value!r}' title='{escape(v.key)} = {v.value!r}'>"
                    f"{escape(text_number(v.value, t.digits))}</td>"
                )
            out.append("</tr>")
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


def parse_values(html_text):
    """{data-key: data-value} of every value cell in HTML made by :func:`values_html`."""
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"data-key='([^']*)' data-value='([^']*)'", html_text)}


# ------------------------------------------------------------------ the stylesheet
def stylesheet(scale):
    """The CSS of a stepper at ``scale``: one rule sets the scale, every size follows from it."""
    cls = scale_class(scale)
    px = lambda n: f"calc({n}px * var(--bplab-scale))"  # noqa: E731
    return f"""
.bplab-stepper {{ --bplab-scale: 1; }}
.bplab-stepper.{cls} {{ --bplab-scale: {float(scale):g}; }}
.bplab-stepper {{
  --bplab-min-font: {px(12)}; font-size: {px(14)}; line-height: 1.35; max-width: 100%; box-sizing: border-box;
  --jp-widgets-font-size: {px(13)}; --jp-widgets-inline-height: {px(28)}; --jp-ui-font-size1: {px(13)};
}}
.bplab-stepper .widget-button, .bplab-stepper .widget-readout, .bplab-stepper .widget-label,
.bplab-stepper .widget-dropdown select, .bplab-stepper .widget-inline-hbox {{ font-size: {px(13)}; }}
.bplab-stepper .widget-html-content {{ line-height: 1.35; }}
.bplab-stepper .bplab-status {{ font-size: {px(15)}; font-weight: bold; }}
.bplab-stepper .bplab-step-title {{ font-weight: bold; margin: 0.3em 0; }}
.bplab-stepper .bplab-scalar-note {{ font-style: italic; margin-top: 0.4em; }}
.bplab-stepper .bplab-math-block {{ max-width: 100%; }}
.bplab-stepper .bplab-math-line {{
  display: flex; flex-wrap: wrap; align-items: baseline; justify-content: flex-start;
  column-gap: 0.4em; row-gap: 0.35em; margin: 0.35em 0; max-width: 100%;
}}
.bplab-stepper .bplab-math-piece {{
  display: inline-flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.25em; row-gap: 0.3em; max-width: 100%;
}}
.bplab-stepper math.bplab-math {{ font-size: {px(16)}; math-style: normal; max-width: 100%; }}
.bplab-stepper math .bplab-script {{ font-size: max(0.75em, var(--bplab-min-font)); }}
.bplab-stepper .bplab-bmatrix, .bplab-stepper .bplab-brack {{
  border-left: 1.5px solid currentColor; border-right: 1.5px solid currentColor; padding: 0.1em 0.25em;
  margin: 0 0.12em;  /* two matrices side by side (a product) must not touch: '][' */
  background:
    linear-gradient(currentColor, currentColor) top left / 0.35em 1.5px no-repeat,
    linear-gradient(currentColor, currentColor) bottom left / 0.35em 1.5px no-repeat,
    linear-gradient(currentColor, currentColor) top right / 0.35em 1.5px no-repeat,
    linear-gradient(currentColor, currentColor) bottom right / 0.35em 1.5px no-repeat;
}}
.bplab-stepper .bplab-bmatrix mtd {{ padding: 0.08em 0.3em; }}
.bplab-stepper .bplab-bmatrix.bplab-wide {{ font-size: 0.8em; }}
.bplab-stepper .bplab-paren {{
  border-left: 1.5px solid currentColor; border-right: 1.5px solid currentColor;
  border-radius: 0.5em / 50%; padding: 0 0.25em; margin: 0 0.1em;
}}
.bplab-stepper .bplab-tables {{ display: flex; flex-wrap: wrap; gap: 0.9em; align-items: flex-start; max-width: 100%; }}
.bplab-stepper .bplab-table {{ border-collapse: collapse; font-family: monospace; font-size: {px(13)}; }}
.bplab-stepper .bplab-table caption {{ font-weight: bold; text-align: left; font-family: sans-serif; }}
.bplab-stepper .bplab-table td {{ border: 1px solid #ccc; padding: 0.05em 0.45em; text-align: right; white-space: nowrap; }}
.bplab-stepper .bplab-legend-body {{ display: flex; flex-wrap: wrap; column-gap: 1.4em; row-gap: 0.2em; font-size: {px(13)}; }}
.bplab-stepper .bplab-legend-body > div {{ max-width: 100%; }}
.bplab-stepper .bplab-swatch {{ width: {px(30)}; height: {px(12)}; vertical-align: middle; }}
.bplab-stepper .bplab-diagram svg {{ display: block; }}
"""


# ------------------------------------------------------------------ the whole walk-through as a page
_SCRIPT = """
(function () {
  var root = document.querySelector('.bplab-stepper');
  var steps = root.querySelectorAll('.bplab-step');
  var status = root.querySelector('.bplab-status');
  var back = root.querySelector('.bplab-back'), next = root.querySelector('.bplab-next');
  var i = 0;
  function show(k) {
    i = Math.max(0, Math.min(steps.length - 1, k));
    for (var j = 0; j < steps.length; j++) steps[j].hidden = (j !== i);
    status.textContent = steps[i].getAttribute('data-status');
    back.disabled = (i === 0);
    next.disabled = (i === steps.length - 1);
  }
  back.addEventListener('click', function () { show(i - 1); });
  next.addEventListener('click', function () { show(i + 1); });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') { show(i + 1); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { show(i - 1); e.preventDefault(); }
  });
  show(0);
})();
"""


def step_section(stepper, i):
    """One step as a <section>: title and status, diagram, legend, formulas, tables."""
    r = stepper.render(i)
    hidden = "" if i == 0 else " hidden"
    return (
        f"<section class='bplab-step' data-step='{i}' data-status='{escape(r['status'])}'{hidden}>"
        f"<div class='bplab-diagram'>{r['diagram']}</div>"
        f"<div class='bplab-legend'>{r['legend']}</div>"
        f"<div class='bplab-formula'>{r['formula']}</div>"
        f"<div class='bplab-values'>{r['values']}</div>"
        "</section>"
    )


def document(stepper, heading):
    """A complete HTML page with every step of ``stepper``; see :meth:`Stepper.to_html`."""
    sections = "".join(step_section(stepper, i) for i in range(stepper.n_steps))
    first = escape(stepper.status(0))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)}</title>
<style>
body {{ font-family: sans-serif; margin: 1em; color: #222; background: #fff; }}
.bplab-stepper .bplab-controls {{ display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; margin-bottom: 0.5em; }}
.bplab-stepper button {{ font-size: calc(14px * var(--bplab-scale)); padding: 0.25em 0.9em; }}
.bplab-stepper .bplab-hint {{ color: #555; margin: 0.2em 0 0.6em 0; }}
{stylesheet(stepper.scale)}
</style>
</head>
<body>
<div class="bplab-stepper {scale_class(stepper.scale)}" data-steps="{stepper.n_steps}">
<h1 class="bplab-heading" style="font-size: calc(20px * var(--bplab-scale))">{escape(heading)}</h1>
<div class="bplab-controls">
<button type="button" class="bplab-back">&#9664; Back</button>
<button type="button" class="bplab-next">Next &#9654;</button>
<span class="bplab-status" aria-live="polite">{first}</span>
</div>
<p class="bplab-hint">The arrow keys &#8592; and &#8594; move too. Loss: {escape(stepper.loss_words)};
learning rate &#951; = {escape(text_number(stepper.lr, stepper.digits))}; made by bplab.</p>
{sections}
</div>
<script>{_SCRIPT}</script>
</body>
</html>
"""
