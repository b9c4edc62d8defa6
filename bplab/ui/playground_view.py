"""What the training playground shows, drawn fast with numpy alone (no matplotlib per frame).

A playground redraws many times a second while it trains, so its pictures are built here as
data: images as numpy RGBA arrays encoded to PNG with ``zlib`` (:func:`png_bytes`), charts as
SVG text. Every function reads a :class:`bplab.playground.Playground` and returns a string or an
array, so tests check what is drawn without a browser.

* :func:`output_map`: the network's output over the input plane as **confidence shading**: the
  colour of the predicted class, paler as the predicted probability falls towards a tie
  (white: the network cannot tell).
* :func:`network_view`: the network as columns of small maps, one per neuron, each showing what
  that neuron computes over the input plane (blue positive, orange negative), joined by its
  weights (blue positive, orange negative, thicker for larger).
* :func:`loss_chart`: training and test loss against the number of weight updates.
* :func:`gradient_chart`: the history of ||dC/dW^l|| per layer on a log scale, with a zero said
  in words (``0: every ReLU in layer 2 is dead``).

Text is drawn at its display size (the SVG's width and height are its pixels): tick labels are
12 px.
"""

from __future__ import annotations

import base64
import math
import struct
import zlib
from html import escape

import numpy as np

# Class colours (class 0, 1, 2, ...) and the colour of "no idea" (a tie).
CLASS_COLOURS = np.array(
    [[230, 97, 1], [33, 102, 172], [26, 150, 65], [152, 78, 163], [166, 86, 40], [77, 77, 77]], dtype=float
)
NEUTRAL = np.array([247, 247, 247], dtype=float)
POSITIVE_HEX, NEGATIVE_HEX = "#2166ac", "#e66101"
RED = "#c0392b"
FONT = "font-family='sans-serif' font-size='12px'"
LAYER_COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d"]
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

MAP_PIXELS = 300  # the output map's side on screen
MAX_EDGES = 200  # edges drawn per layer (the strongest): beyond that, lines only hide each other
GRID = 60  # grid points per side where the network is evaluated


def sup(n):
    """3 -> '³' (for W¹, W², ...)."""
    return str(n).translate(SUPERSCRIPT)


# ---------------------------------------------------------------- PNG
def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(rgba, level=1):
    """PNG file bytes of an (h, w, 4) uint8 array: every row with filter 0, zlib-compressed."""
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w, _ = rgba.shape
    raw = np.zeros((h, 1 + 4 * w), dtype=np.uint8)  # a leading 0 byte per row: "no filter"
    raw[:, 1:] = rgba.reshape(h, 4 * w)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits, RGBA, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw.tobytes(), level)) + _chunk(b"IEND", b"")


def png_data_uri(rgba):
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgba)).decode("ascii")


# ---------------------------------------------------------------- the plane
def plane(pg, grid=GRID, margin=0.15):
    """(x1 values, x2 values, points) of a grid over all the samples (training and test), x2 from top to bottom."""
    X = pg.data.X
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    x1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], grid)
    x2 = np.linspace(hi[1] + pad[1], lo[1] - pad[1], grid)  # image rows run downwards
    xx, yy = np.meshgrid(x1, x2)
    return x1, x2, np.column_stack([xx.ravel(), yy.ravel()])


def grid_trace(pg, grid=GRID):
    """The forward pass of the network over the plane: (x1, x2, trace)."""
    x1, x2, points = plane(pg, grid)
    with pg.lock, np.errstate(all="ignore"):
        return x1, x2, pg.net.forward(points)


def class_probabilities(output):
    """(m, k) class probabilities from the network's output: one sigmoid output p means [1 - p, p]."""
    output = np.asarray(output, dtype=float)
    if output.shape[1] == 1:
        return np.column_stack([1 - output[:, 0], output[:, 0]])
    total = output.sum(axis=1, keepdims=True)  # softmax sums to 1 already; sigmoid outputs get normalized
    return output / np.where(total > 0, total, 1)


def confidence_rgb(probs):
    """(m, 3) colours: the predicted class's colour, mixed with white by the confidence
    (p_max - 1/k) / (1 - 1/k): 0 at a tie between all k classes, 1 when p_max = 1."""
    k = probs.shape[1]
    best = probs.argmax(axis=1)
    confidence = np.clip((probs.max(axis=1) - 1 / k) / (1 - 1 / k), 0, 1)[:, None]
    colours = CLASS_COLOURS[best % len(CLASS_COLOURS)]
    return NEUTRAL + (colours - NEUTRAL) * confidence


def signed_rgb(values):
    """Colours for values in [-1, 1]: orange for negative, white at 0, blue for positive."""
    v = np.clip(np.nan_to_num(values), -1, 1)[..., None]
    blue, orange = CLASS_COLOURS[1], CLASS_COLOURS[0]
    return np.where(v >= 0, NEUTRAL + (blue - NEUTRAL) * v, NEUTRAL + (orange - NEUTRAL) * -v)


def output_map(pg, trace=None):
    """(grid, grid, 4) uint8: the confidence shading over the plane, one pixel per grid point
    (the browser scales it up smoothly)."""
    x1, x2, trace = grid_trace(pg) if trace is None else trace
    rgb = confidence_rgb(class_probabilities(trace.output)).reshape(len(x2), len(x1), 3)
    img = np.empty((len(x2), len(x1), 4), dtype=np.uint8)
    img[..., :3] = rgb
    img[..., 3] = 255
    return img


def _ticks(lo, hi, count=5):
    """Round tick values covering [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / count
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * step >= raw:
            step *= m
            break
    first = math.ceil(lo / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v):
    return f"{v:g}" if abs(v) >= 1e-3 or v == 0 else f"{v:.0e}"


_MAP_LEFT, _MAP_TOP, _MAP_BOTTOM = 44, 24, 40


def _samples_svg(pg, show_test, size):
    """The samples as circles (training: circles in their class's colour with an outline in a
    darker shade of it; test: squares in their class's colour with a black outline),
    and the axes: the part of the output map that does not change while the network trains."""
    x1, x2, _ = plane(pg)
    left, top = _MAP_LEFT, _MAP_TOP

    def px(X):
        return left + (X[:, 0] - x1[0]) / (x1[-1] - x1[0]) * size, top + (X[:, 1] - x2[0]) / (x2[-1] - x2[0]) * size

    def hexes(labels, shade=1.0):
        return ["#%02x%02x%02x" % tuple((shade * CLASS_COLOURS[c % len(CLASS_COLOURS)]).astype(int)) for c in labels]

    parts = [f"<rect x='{left}' y='{top}' width='{size}' height='{size}' fill='none' stroke='#666'/>"]
    xs, ys = px(pg.X)
    parts += [
        # outlined in a darker shade of their colour: with a white outline a dot inside a region of its own
        # colour (where the network is sure and right) looked like an empty white ring
        f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3.8' fill='{c}' stroke='{dark}' stroke-width='1.2'/>"
        for x, y, c, dark in zip(xs, ys, hexes(pg.labels), hexes(pg.labels, 0.55))
    ]
    if show_test and len(pg.X_test):
        xs, ys = px(pg.X_test)
        parts += [
            f"<rect class='bplab-test-sample' x='{x - 3.5:.1f}' y='{y - 3.5:.1f}' width='7' height='7' fill='{c}'"
            f" stroke='#111' stroke-width='1.2'/>"
            for x, y, c in zip(xs, ys, hexes(pg.labels_test))
        ]
    for v in _ticks(x1[0], x1[-1]):
        x = left + (v - x1[0]) / (x1[-1] - x1[0]) * size
        parts.append(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top + size}' y2='{top + size + 4}' stroke='#666'/>")
        parts.append(f"<text class='bplab-tick' x='{x:.1f}' y='{top + size + 16}' text-anchor='middle'>{_fmt(v)}</text>")
    for v in _ticks(x2[-1], x2[0]):
        y = top + (v - x2[0]) / (x2[-1] - x2[0]) * size
        parts.append(f"<line x1='{left - 4}' x2='{left}' y1='{y:.1f}' y2='{y:.1f}' stroke='#666'/>")
        parts.append(f"<text class='bplab-tick' x='{left - 6}' y='{y + 4:.1f}' text-anchor='end'>{_fmt(v)}</text>")
    names = pg.data.feature_names or ("x1", "x2")
    parts.append(f"<text x='{left + size / 2}' y='{top + size + 32}' text-anchor='middle'>{escape(names[0])}</text>")
    parts.append(
        f"<text x='12' y='{top + size / 2}' text-anchor='middle' transform='rotate(-90 12 {top + size / 2})'>{escape(names[1])}</text>"
    )
    return "".join(parts)


def output_map_svg(pg, show_test=False, trace=None, size=MAP_PIXELS):
    """The output map with the samples and its axes (feature names, tick labels) as one SVG string."""
    img = output_map(pg, trace=trace)
    cache = pg.__dict__.setdefault("_view_cache", {})  # the samples only change with the data
    if cache.get("data") is not pg.data or cache.get("key") != (bool(show_test), size):
        cache.update(data=pg.data, key=(bool(show_test), size), svg=_samples_svg(pg, show_test, size))
    width, height = _MAP_LEFT + size + 10, _MAP_TOP + size + _MAP_BOTTOM
    return (
        f"<svg class='bplab-output-map' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' {FONT}>"
        f"<text x='{_MAP_LEFT}' y='15' font-size='13px' font-weight='bold'>Output: predicted class, shaded by probability</text>"
        f"<image x='{_MAP_LEFT}' y='{_MAP_TOP}' width='{size}' height='{size}' preserveAspectRatio='none' href='{png_data_uri(img)}'/>"
        f"{cache['svg']}</svg>"
    )


def legend_html(pg, show_test=False):
    """One line naming each class's colour (and how test samples look)."""
    items = []
    for c, name in enumerate(pg.data.class_names):
        r, g, b = CLASS_COLOURS[c % len(CLASS_COLOURS)].astype(int)
        items.append(f"<span style='color:rgb({r},{g},{b})'>&#9679;</span> {escape(str(name))}")
    text = " &nbsp; ".join(items)
    test = " &nbsp; &#9632; = a test sample" if show_test and len(pg.X_test) else ""
    return f"<div class='bplab-legend' style='font-size:13px;line-height:1.5'>{text}{test}<br>pale = unsure, white = a tie</div>"


# ---------------------------------------------------------------- the network of maps
def network_legend_html():
    """One line under the network: what a neuron's map and an edge's colour and thickness mean."""
    blue = f"<b style='color:{POSITIVE_HEX}'>blue</b>"
    orange = f"<b style='color:{NEGATIVE_HEX}'>orange</b>"
    return (
        "<div class='bplab-network-legend' style='font-size:13px;line-height:1.4;margin-top:2px'>Each square: one neuron's output over the input"
        f" plane, {blue} where it is high, {orange} where it is low, white in the middle of its range."
        f" Lines: the weights, {blue} positive, {orange} negative, thicker for a larger |w|.</div>"
    )


def neuron_scale(trace, l, activation_names):
    """Values of layer l's outputs mapped to [-1, 1] for colouring: tanh as it is, sigmoid
    and softmax around 0.5, unbounded ones (ReLU, identity) by the largest |a| on the plane."""
    a = np.asarray(trace.a[l], dtype=float)
    name = activation_names[0] if len(set(activation_names)) == 1 else None
    if name == "tanh":
        return a
    if name in ("sigmoid", "softmax"):
        return 2 * a - 1
    top = np.abs(a).max(axis=0)
    return a / np.where(top > 0, top, 1)


def network_view(pg, trace=None, tile=None, height=300):
    """The network drawn as TensorFlow Playground does: every neuron a small map of its output
    a^l_j over the input plane (inputs first: x1 and x2 themselves), columns per layer, joined
    by the weights. Returns an SVG string; each layer's maps are one small PNG, a column of tiles."""
    x1, x2, trace = grid_trace(pg) if trace is None else trace
    net = pg.net
    sizes = net.sizes
    widest = max(sizes)
    # a map of fewer than ~16 px shows little: wide layers (16, 32 neurons) make the picture taller instead,
    # down to 10 px a map for the widest allowed (64)
    tile = tile or int(max(10, min(16, 400 // widest), min(40, (height - 40) // widest - 6)))
    k = min(20, tile)  # pixels per side of a map: 20, or fewer for tiles smaller than that on screen
    gap_px = max(1, round(tile / 5 * k / tile))  # transparent pixel rows between two maps of a column
    gap = gap_px * tile / k  # the same gap on screen
    col_gap = max(110, 3 * tile)
    top, left = 34, 20
    height = int(top + widest * (tile + gap) + 10)
    width = left * 2 + (len(sizes) - 1) * col_gap + tile + 60
    small = np.linspace(0, len(x1) - 1, k).round().astype(int)  # the grid points each map shows
    columns, corners = [], []  # per layer: (x, y, height on screen, PNG) and every neuron's top-left corner
    for l, n in enumerate(sizes):
        if l == 0:
            values = np.asarray(trace.a[0], dtype=float)
            scaled = values / np.maximum(np.abs(values).max(axis=0), 1e-12)
        else:
            scaled = neuron_scale(trace, l, net.layer_activation(l).names)
        grid = scaled.reshape(len(x2), len(x1), n)[small][:, small]  # (k, k, n)
        column = np.zeros((n * (k + gap_px) - gap_px, k, 4), dtype=np.uint8)  # transparent between the maps
        for j in range(n):
            column[j * (k + gap_px) : j * (k + gap_px) + k, :, :3] = signed_rgb(grid[:, :, j])
            column[j * (k + gap_px) : j * (k + gap_px) + k, :, 3] = 255
        x = left + l * col_gap
        y0 = top + (widest - n) * (tile + gap) / 2
        columns.append((x, y0, column.shape[0] * tile / k, png_data_uri(column)))
        corners.append([(x, y0 + j * (tile + gap)) for j in range(n)])
    parts = [
        f"<svg class='bplab-network' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' {FONT}>",
    ]
    # edges first, under the maps: blue positive, orange negative, thicker and darker for larger |w| (over the
    # largest |w| of the network, in 5 steps); one SVG path per colour and step keeps the markup small
    weights = [np.asarray(net.weights[l]) for l in range(1, net.L + 1)]
    biggest = max((float(np.abs(W).max()) for W in weights if W.size), default=1.0) or 1.0
    paths = {}
    for l, W in enumerate(weights, start=1):
        strongest = np.argsort(np.abs(W), axis=None)[::-1][:MAX_EDGES]  # the strongest edges of each layer
        js, iis = np.unravel_index(strongest, W.shape)
        w = W[js, iis]
        steps = np.minimum((np.abs(w) / biggest * 5).astype(int), 4)
        start, end = np.array(corners[l - 1])[iis], np.array(corners[l])[js]
        for (xa, ya), (xb, yb), step, positive in zip(start, end, steps, w >= 0):
            paths.setdefault((bool(positive), int(step)), []).append(
                f"M{xa + tile:g} {ya + tile / 2:.1f}L{xb:g} {yb + tile / 2:.1f}"
            )
    for (positive, step), segments in sorted(paths.items()):
        f = (step + 0.5) / 5
        parts.append(
            f"<path class='bplab-edges' d='{''.join(segments)}' fill='none' stroke='{POSITIVE_HEX if positive else NEGATIVE_HEX}'"
            f" stroke-width='{0.5 + 3.5 * f:.1f}' stroke-opacity='{0.25 + 0.6 * f:.2f}'/>"
        )
    for l, ((x, y0, h, uri), corner) in enumerate(zip(columns, corners)):
        label = "input" if l == 0 else ("output" if l == net.L else f"layer {l}")
        act = "" if l == 0 else f" ({net.layer_activation(l).names[0]})"
        parts.append(f"<text x='{x + tile / 2}' y='14' text-anchor='middle'>{label}</text>")
        parts.append(f"<text x='{x + tile / 2}' y='27' text-anchor='middle' fill='#555'>{sizes[l]}{act}</text>")
        parts.append(f"<image x='{x}' y='{y0:.1f}' width='{tile}' height='{h:.1f}' preserveAspectRatio='none' href='{uri}'/>")
        for j, (_, y) in enumerate(corner):
            name = ("x1", "x2")[j] if l == 0 else f"a{sup(l)} of neuron {j + 1}"
            parts.append(
                f"<rect class='bplab-neuron' data-layer='{l}' data-neuron='{j + 1}' x='{x}' y='{y:.1f}' width='{tile}'"
                f" height='{tile}' fill='none' stroke='#888'><title>{name}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------- charts
def _polyline(xs, ys, colour, dash=""):
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    dashed = f" stroke-dasharray='{dash}'" if dash else ""
    return f"<polyline points='{pts}' fill='none' stroke='{colour}' stroke-width='2'{dashed}/>"


def _thin(n, most=300):
    """At most ``most`` indices out of n, evenly spread, the last one included."""
    if n <= most:
        return np.arange(n)
    return np.unique(np.append(np.linspace(0, n - 1, most).astype(int), n - 1))


class _Axes:
    """A plotting box of ``w`` x ``h`` pixels inside an SVG, with linear or log y."""

    def __init__(self, width, height, xmax, ylo, yhi, log=False, left=56, top=28, right=14, bottom=40):
        self.left, self.top = left, top
        self.w, self.h = width - left - right, height - top - bottom
        self.width, self.height = width, height
        self.xmax = max(xmax, 1)
        self.log = log
        self.ylo, self.yhi = (math.log10(ylo), math.log10(yhi)) if log else (ylo, yhi)
        if self.yhi <= self.ylo:
            self.yhi = self.ylo + 1

    def x(self, v):
        return self.left + np.asarray(v, dtype=float) / self.xmax * self.w

    def y(self, v):
        v = np.asarray(v, dtype=float)
        if self.log:
            v = np.log10(np.maximum(v, 10**self.ylo))
        return self.top + self.h - (np.clip(v, self.ylo, self.yhi) - self.ylo) / (self.yhi - self.ylo) * self.h

    def frame(self, title, xlabel, title_colour="#222"):
        parts = [
            f"<text x='{self.left}' y='16' font-size='13px' font-weight='bold' fill='{title_colour}'>{escape(title)}</text>",
            f"<rect x='{self.left}' y='{self.top}' width='{self.w}' height='{self.h}' fill='white' stroke='#666'/>",
        ]
        for v in _ticks(0, self.xmax, 4):
            x = float(self.x(v))
            parts.append(f"<text class='bplab-tick' x='{x:.1f}' y='{self.top + self.h + 15}' text-anchor='middle'>{v:g}</text>")
        if self.log:
            lo, hi = math.floor(self.ylo), math.ceil(self.yhi)
            step = max(1, (hi - lo) // 5)
            values = [10.0**e for e in range(lo, hi + 1, step) if self.ylo - 1e-9 <= e <= self.yhi + 1e-9]
        else:
            values = _ticks(self.ylo, self.yhi, 4)
        for v in values:
            y = float(self.y(v))
            parts.append(f"<line x1='{self.left}' x2='{self.left + self.w}' y1='{y:.1f}' y2='{y:.1f}' stroke='#eee'/>")
            label = f"{v:.0e}" if self.log else _fmt(v)
            parts.append(f"<text class='bplab-tick' x='{self.left - 5}' y='{y + 4:.1f}' text-anchor='end'>{label}</text>")
        parts.append(
            f"<text x='{self.left + self.w / 2}' y='{self.height - 6}' text-anchor='middle'>{escape(xlabel)}</text>"
        )
        return parts


def _spread(ys, gap):
    """The label heights ``ys`` moved apart, in their order, so that no two are closer than ``gap``."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for before, i in zip(order, order[1:]):
        out[i] = max(out[i], out[before] + gap)
    return out


def loss_chart(pg, width=330, height=230):
    """Training loss (solid) and test loss (dashed) at every record, against weight updates.
    Before any training it shows the untrained network's loss as one point, never an empty axis."""
    h = pg.history
    updates = np.asarray(h.updates, dtype=float)
    train = np.asarray(h.loss, dtype=float)
    test = np.asarray(h.val_loss, dtype=float) if h.val_loss else None
    values = np.concatenate([train, test]) if test is not None else train
    finite = values[np.isfinite(values)]
    ymax = float(finite.max()) * 1.08 if finite.size else 1.0
    ax = _Axes(width, height, updates[-1] if len(updates) else 1, 0, ymax or 1.0)
    colour = RED if pg.diverged else "#222"
    title = "Loss: diverged" if pg.diverged else "Loss per sample"
    parts = [f"<svg class='bplab-loss-chart' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' {FONT}>"]
    parts += ax.frame(title, "weight updates", colour)
    keep = _thin(len(updates))
    lines = [("training", train, "#222" if not pg.diverged else RED, "")]
    if test is not None:
        lines.append(("test", test, "#e66101", "6,4"))
    for k, (name, ys, c, dash) in enumerate(lines):
        xs, yv = ax.x(updates[keep]), ax.y(ys[keep])
        if len(keep) == 1:
            parts.append(f"<circle cx='{xs[0]:.1f}' cy='{yv[0]:.1f}' r='4' fill='{c}'/>")
        else:
            parts.append(_polyline(xs, yv, c, dash))
        parts.append(
            f"<text x='{ax.left + ax.w - 4}' y='{ax.top + 16 + 15 * k}' text-anchor='end' fill='{c}'>{name} {ys[-1]:.3g}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def gradient_chart(pg, width=350, height=230):
    """||dC/dW^l|| for every layer (W¹, W², ...) at every record, log scale, labelled at the
    right end with the last value; a zero is drawn at the floor and said in words below."""
    history = pg.grad_norm_history
    updates = np.asarray(pg.history.updates, dtype=float)
    layers = sorted(history[-1])
    table = np.array([[d[l] for l in layers] for d in history], dtype=float)
    positive = table[np.isfinite(table) & (table > 0)]
    lo = float(positive.min()) / 3 if positive.size else 1e-6
    hi = float(positive.max()) * 3 if positive.size else 1.0
    ax = _Axes(width, height, updates[-1] if len(updates) else 1, lo, hi, log=True, right=84)  # room for 'W³ 1.1e+00'
    parts = [f"<svg class='bplab-gradient-chart' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' {FONT}>"]
    parts += ax.frame("Gradient norm ‖∂C/∂Wˡ‖ per layer", "weight updates")
    keep = _thin(len(updates))
    label_y = _spread([float(ax.y(v if v > 0 else lo)) + 4 for v in table[-1]], 14)
    for k, l in enumerate(layers):
        colour = LAYER_COLOURS[k % len(LAYER_COLOURS)]
        ys = np.where(table[keep, k] > 0, table[keep, k], lo)
        xs, yv = ax.x(updates[keep]), ax.y(ys)
        if len(keep) == 1:
            parts.append(f"<circle cx='{xs[0]:.1f}' cy='{yv[0]:.1f}' r='4' fill='{colour}'/>")
        else:
            parts.append(_polyline(xs, yv, colour))
        last = table[-1, k]
        label = "0" if last == 0 else f"{last:.1e}"
        parts.append(
            f"<text class='bplab-layer-label' x='{ax.left + ax.w + 4}' y='{label_y[k]:.1f}' fill='{colour}'>W{sup(l)} {label}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def gradient_notes_html(pg):
    """The zero gradient norms said in words, one line each (empty when none is zero)."""
    notes = pg.gradient_notes()
    lines = [f"<div>W{sup(l)}: {escape(text)}</div>" for l, text in sorted(notes.items())]
    return f"<div class='bplab-gradient-notes' style='font-size:13px;color:{RED}'>{''.join(lines)}</div>" if lines else ""


def status_html(pg):
    """One line: network, epochs, updates, training and test loss and accuracy; red when diverged."""
    def pct(v):
        return "" if v is None else f" (accuracy {100 * v:.1f}%)"

    test = "" if pg.test_loss is None else f" · test loss {pg.test_loss:.4g}{pct(pg.test_accuracy)}"
    colour = RED if pg.diverged else "#222"
    note = f" · {escape(pg.message)}" if pg.diverged or pg.message.startswith("update") else ""
    # room for two lines always: where the line wraps as the numbers change width, the view below
    # would otherwise jump up and down by a line during a run
    return (
        f"<div style='color:{colour};font-size:14px;line-height:20px;min-height:40px'>network {pg.net.sizes}"
        f" · epoch {pg.epochs} · {pg.updates} updates · training loss {pg.loss_value:.4g}{pct(pg.accuracy)}{test}{note}</div>"
    )
