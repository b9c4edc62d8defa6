"""A network diagram as an SVG string: cheap to build, so a widget can redraw it at every step.

    svg = network_svg([2, 3, 2, 1], highlight=1,
                      node_text={1: ["5", "9", "10"]}, edges={1: W1})

Columns are layers 0..L (left to right), boxes are neurons. ``node_text[l]`` is the
text inside layer l's boxes and ``node_note[l]`` a small line under them.
``edges[l]`` is a matrix of shape (n_l, n_{l-1}) that shades the edges into layer l:
blue for positive, red for negative, darker and thicker for larger magnitude relative to
``scales[l]`` (default: the layer's own largest magnitude, so tiny gradients still show their
pattern; one common number for every layer makes a vanishing gradient visible). Layers missing
from ``edges`` are drawn in light grey. Text is never smaller than 12 units, and the picture's CSS
width is its width times ``var(--bplab-scale)`` (shrunk to fit its box if need be). Everything drawn carries a class and data attributes
(``data-layer``, ``data-neuron``, 1-based neurons) so tests can find it.
"""

from __future__ import annotations

from html import escape

import numpy as np

BOX_W, BOX_H = 96, 26
COL_GAP = 170
ROW_GAP = 50
TOP, BOTTOM, LEFT = 46, 34, 14
FONT, SMALL_FONT = 13, 12
ACTIVE_FILL, DELTA_FILL, PLAIN_FILL = "#fff4c2", "#ead7f2", "#ffffff"
POSITIVE, NEGATIVE, NEUTRAL = "#2b6cb0", "#c0392b", "#c8c8c8"


def _columns(sizes):
    height = TOP + BOTTOM + max(sizes) * ROW_GAP
    cols = []
    for l, n in enumerate(sizes):
        x = LEFT + l * COL_GAP
        y0 = TOP + (max(sizes) - n) * ROW_GAP / 2
        cols.append([(x, y0 + j * ROW_GAP) for j in range(n)])
    width = LEFT * 2 + (len(sizes) - 1) * COL_GAP + BOX_W
    return cols, width, height


def _edge_style(value, scale):
    if value is None or scale is None:
        return NEUTRAL, 0.6, 0.8
    frac = 0.0 if scale == 0 else min(abs(value) / scale, 1.0)
    color = POSITIVE if value >= 0 else NEGATIVE
    return color, 0.15 + 0.85 * frac, 0.6 + 2.6 * frac


def network_svg(
    sizes,
    highlight=None,
    node_text=None,
    node_note=None,
    edges=None,
    captions=None,
    footers=None,
    highlight_edges=None,
    title=None,
    fills=None,
    scales=None,
):
    """The SVG markup (a string) of a fully connected network with layer sizes ``sizes``.

    ``highlight``: a layer (or a collection of layers) whose boxes are emphasized.
    ``highlight_edges``: a layer l whose incoming edges are drawn on top, outlined.
    ``captions[l]`` / ``footers[l]``: text above / below column l (defaults: "input", "layer l").
    ``fills[l]``: the fill colour of layer l's boxes when not highlighted.
    ``scales[l]``: the magnitude drawn darkest and thickest on layer l's edges (default: the layer's largest).
    """
    sizes = [int(n) for n in sizes]
    node_text, node_note, edges = node_text or {}, node_note or {}, edges or {}
    captions, footers, fills, scales = captions or {}, footers or {}, fills or {}, scales or {}
    if highlight is None:
        lit = set()
    elif isinstance(highlight, (int, np.integer)):
        lit = {int(highlight)}
    else:
        lit = {int(l) for l in highlight}
    cols, width, height = _columns(sizes)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bplab-network" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}"'
        f' style="width:calc({width}px * var(--bplab-scale, 1));max-width:100%;height:auto">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    # Edges first, so the boxes sit on top; the highlighted layer's edges last of all.
    order = [l for l in range(1, len(sizes)) if l != highlight_edges]
    if highlight_edges is not None and 1 <= highlight_edges < len(sizes):
        order.append(highlight_edges)
    for l in order:
        M = edges.get(l)
        M = None if M is None else np.asarray(M, dtype=float)
        if M is not None and M.shape != (sizes[l], sizes[l - 1]):
            raise ValueError(f"edges[{l}] must have shape {(sizes[l], sizes[l - 1])} (n_l, n_(l-1)), got {M.shape}.")
        scale = None if M is None else float(scales.get(l, np.abs(M).max()))
        focus = l == highlight_edges
        out.append(f'<g class="bplab-edges{" bplab-edges-active" if focus else ""}" data-layer="{l}">')
        for j, (x1, y1) in enumerate(cols[l]):
            for k, (x0, y0) in enumerate(cols[l - 1]):
                value = None if M is None else float(M[j, k])
                color, opacity, w = _edge_style(value, scale)
                if not focus and highlight_edges is not None:
                    opacity *= 0.55
                out.append(
                    f'<line class="bplab-edge" data-layer="{l}" data-neuron="{j + 1}" data-from="{k + 1}"'
                    f' x1="{x0 + BOX_W:.1f}" y1="{y0 + BOX_H / 2:.1f}" x2="{x1:.1f}" y2="{y1 + BOX_H / 2:.1f}"'
                    f' stroke="{color}" stroke-opacity="{opacity:.2f}" stroke-width="{w:.2f}"/>'
                )
        out.append("</g>")
    for l, col in enumerate(cols):
        on = l in lit
        cx = col[0][0] + BOX_W / 2 if col else 0
        caption = captions.get(l, "input" if l == 0 else f"layer {l}")
        weight = "bold" if on else "normal"
        out.append(
            f'<text class="bplab-caption" x="{cx:.1f}" y="{TOP - 22}" text-anchor="middle"'
            f' font-weight="{weight}">{escape(caption)}</text>'
        )
        if l in footers:
            out.append(
                f'<text class="bplab-footer" x="{cx:.1f}" y="{height - 10}" text-anchor="middle"'
                f' fill="#444">{escape(footers[l])}</text>'
            )
        texts = node_text.get(l) or [""] * len(col)
        notes = node_note.get(l) or [""] * len(col)
        for j, (x, y) in enumerate(col):
            fill, stroke, sw = (ACTIVE_FILL, "#d48806", 2.5) if on else (fills.get(l, PLAIN_FILL), "#555555", 1.0)
            out.append(
                f'<g class="bplab-node{" bplab-node-active" if on else ""}" data-layer="{l}" data-neuron="{j + 1}">'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}"'
                f' stroke="{stroke}" stroke-width="{sw}"/>'
                f'<text x="{x + BOX_W / 2:.1f}" y="{y + BOX_H / 2 + 4:.1f}" text-anchor="middle">'
                f"{escape(str(texts[j]))}</text>"
            )
            if notes[j]:
                out.append(
                    f'<text x="{x + BOX_W / 2:.1f}" y="{y + BOX_H + 13:.1f}" text-anchor="middle"'
                    f' font-size="{SMALL_FONT}" fill="#555">{escape(str(notes[j]))}</text>'
                )
            out.append("</g>")
    out.append("</svg>")
    return "".join(out)
