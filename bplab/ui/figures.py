"""Pictures for the derivation notebooks, drawn as SVG strings (no image files).

Three pictures, each one function:

* :func:`network_figure`: a fully connected network, one column per layer. Options label each neuron
  (its own activation f_i, its values z and f, the article's neuron numbers), draw the bias as a
  constant-1 input, and highlight one weight w^l_jk, so that a formula that names w_jk can show which
  edge it is.
* :func:`chain_figure`: one neuron per layer, the chain a^0 -> z^1 -> a^1 -> ... -> C with the local
  derivative on each edge, and the error term delta^l flowing back underneath.
* :func:`bp2_figure`: the general picture for BP2: neuron j of layer l, and the weights w^{l+1}_kj that
  carry every delta^{l+1}_k back to it.

Each returns an :class:`SVG`, a ``str`` (the markup) that Jupyter displays as a picture. Indices are
1-based, as in the formulas: ``highlight=(l, j, k)`` is w^l_jk, the weight from neuron k of layer l-1 to
neuron j of layer l (row j, column k of W^l); k = 0 is the bias edge from the constant-1 input.
Everything drawn carries a class and ``data-`` attributes, so tests can find it.
"""

from __future__ import annotations

from html import escape

from ..errors import positive_int

__all__ = ["SVG", "network_figure", "chain_figure", "bp2_figure"]

INK, MUTED, ACCENT, BACK = "#333333", "#b8b8b8", "#d9480f", "#1c7ed6"
NODE_FILL, BIAS_FILL, LIT_FILL = "#ffffff", "#f1f3f5", "#fff4e6"
HALO = ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'  # a white outline keeps text readable over edges


class SVG(str):
    """SVG markup that shows itself as a picture in Jupyter (and is still a plain string)."""

    def _repr_svg_(self):
        return str(self)


def _subscript_tex(text):
    """Plain text with TeX-like ^ and _ (``w^2_{25}``) as SVG tspans raised or lowered."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c in "^_" and i + 1 < len(text):
            shift = "super" if c == "^" else "sub"
            if text[i + 1] == "{":
                end = text.index("}", i + 2)
                part, i = text[i + 2 : end], end + 1
            else:
                part, i = text[i + 1], i + 2
            out.append(f'<tspan baseline-shift="{shift}" font-size="72%">{escape(part)}</tspan>')
        else:
            out.append(escape(c))
            i += 1
    return "".join(out)


def _text(x, y, label, cls="bplab-label", anchor="middle", size=13, color=INK, weight="normal", extra="", halo=True):
    return (
        f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{color}"'
        f' font-weight="{weight}"{HALO if halo else ""}{extra}>'
        f"{_subscript_tex(str(label))}</text>"
    )


def _arrow_defs():
    return (
        "<defs>"
        f'<marker id="bplab-arrow-ink" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
        f'<path d="M0,0 L8,4 L0,8 z" fill="{INK}"/></marker>'
        f'<marker id="bplab-arrow-back" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
        f'<path d="M0,0 L8,4 L0,8 z" fill="{BACK}"/></marker>'
        f'<marker id="bplab-arrow-accent" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
        f'<path d="M0,0 L8,4 L0,8 z" fill="{ACCENT}"/></marker>'
        "</defs>"
    )


def _open(width, height, cls, title):
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif">'
    )
    return [head, f"<title>{escape(title)}</title>" if title else "", _arrow_defs()]


def _sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ValueError(f"sizes must list at least two layer sizes [n_0, n_1, ...], got {sizes!r}.")
    return [positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]


def _per_neuron(option, name, sizes, layers):
    """Check ``option`` (a dict layer -> list of one entry per neuron) and return it as a dict."""
    option = dict(option or {})
    for l, values in option.items():
        if l not in layers:
            raise ValueError(f"{name} has a key {l!r}; its keys must be layers in {sorted(layers)}.")
        if len(values) != sizes[l]:
            raise ValueError(f"{name}[{l}] must have one entry per neuron of layer {l} ({sizes[l]}), got {len(values)}.")
    return option


def _edge_set(highlight, sizes, bias):
    """The highlighted weights as a set of (l, j, k), each checked against the network's shape."""
    if highlight is None:
        return []
    items = [highlight] if isinstance(highlight, tuple) and len(highlight) == 3 and not isinstance(highlight[0], tuple) else list(highlight)
    out = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 3):
            raise ValueError(f"highlight must be (l, j, k) or a list of them (w^l_jk, 1-based), got {highlight!r}.")
        l, j, k = item
        L = len(sizes) - 1
        if not (isinstance(l, int) and 1 <= l <= L):
            raise ValueError(f"highlight (l, j, k) = {item}: l must be a layer 1..{L}, got {l!r}.")
        if not (isinstance(j, int) and 1 <= j <= sizes[l]):
            raise ValueError(f"highlight (l, j, k) = {item}: j must be a neuron 1..{sizes[l]} of layer {l}, got {j!r}.")
        low = 0 if bias else 1
        if not (isinstance(k, int) and low <= k <= sizes[l - 1]):
            extra = " (k = 0 is the bias edge, drawn with bias=True)" if not bias else " (0 is the bias)"
            raise ValueError(
                f"highlight (l, j, k) = {item}: k must be a neuron {low}..{sizes[l - 1]} of layer {l - 1}{extra}, got {k!r}."
            )
        out.append((l, j, k))
    return out


def network_figure(
    sizes,
    labels=None,
    values=None,
    numbers=None,
    bias=False,
    highlight=None,
    edge_label=None,
    captions=None,
    title=None,
):
    """A fully connected network with layer sizes ``sizes`` = [n_0, ..., n_L], as an :class:`SVG`.

    ``labels[l]``: one short text per neuron of layer l, written inside its circle (for example each
    neuron's own activation, ``["f_1 = σ", "f_2 = tanh", "f_3 = ReLU"]``); inputs default to x_1, x_2, ...
    ``values[l]``: one or two lines per neuron written beside it (a string, or a list of strings, e.g.
    ``["z = 5", "f = 0.9933"]``). ``numbers[l]``: a number (or name) per neuron, drawn in a small tag
    (seed 004 numbers its neurons 1..6 across layers). ``bias=True`` draws a constant-1 input under
    every layer but the last, with a dashed edge to each neuron of the next layer (the bias b_j as the
    weight of an input that is always 1). ``highlight=(l, j, k)`` (or a list of them) draws w^l_jk thick
    and orange, labelled with ``edge_label`` (default ``"w^l_{jk}"``; a dict {(l, j, k): label} labels each
    highlighted edge on its own); k = 0 is the bias edge.
    ``captions[l]``: the text above column l (default "input", "hidden layer l", "output layer L").
    """
    sizes = _sizes(sizes)
    L = len(sizes) - 1
    layers = range(L + 1)
    labels = _per_neuron(labels, "labels", sizes, layers)
    values = _per_neuron(values, "values", sizes, layers)
    numbers = _per_neuron(numbers, "numbers", sizes, layers)
    lit = _edge_set(highlight, sizes, bias)
    captions = dict(captions or {})

    r = 27
    lines = max((1 if isinstance(v, str) else len(v) for vs in values.values() for v in vs), default=0)
    side = 40 if values else 0                       # the values are written under each neuron
    col_gap = 150 + side
    row_gap = 66 + 15 * lines
    top, left = 50, 40
    rows = max(sizes) + (1 if bias else 0)
    height = top + rows * row_gap + 20
    width = left * 2 + L * col_gap + 2 * r

    def y_of(l, j):                                 # j is 1-based; 0 is the constant-1 input below layer l
        n = sizes[l]
        y0 = top + (max(sizes) - n) * row_gap / 2 + row_gap / 2
        return y0 + (j - 1) * row_gap if j else top + max(sizes) * row_gap + row_gap / 2

    def x_of(l):
        return left + r + l * col_gap

    out = _open(width, height, "bplab-figure bplab-network-figure", title)
    lit_set = set(lit)
    # edges: grey first, the highlighted ones last, so they are on top
    later, on_top = [], []                         # highlighted edges; their labels, drawn over the neurons
    for l in range(1, L + 1):
        for j in range(1, sizes[l] + 1):
            for k in range(0 if bias else 1, sizes[l - 1] + 1):
                x0, y0, x1, y1 = x_of(l - 1) + (r if k else 16), y_of(l - 1, k), x_of(l) - r, y_of(l, j)
                on = (l, j, k) in lit_set
                dash = ' stroke-dasharray="5,4"' if k == 0 else ""
                color, width_ = (ACCENT, 3.5) if on else (MUTED, 1.1)
                line = (
                    f'<line class="bplab-edge{" bplab-edge-lit" if on else ""}" data-layer="{l}" data-to="{j}"'
                    f' data-from="{k}" x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="{color}"'
                    f' stroke-width="{width_}"{dash}/>'
                )
                (later if on else out).append(line)
                if on:
                    t = 0.5
                    lx, ly = x0 + t * (x1 - x0), y0 + t * (y1 - y0) - 9
                    if isinstance(edge_label, dict):
                        label = edge_label.get((l, j, k), f"w^{l}_{{{j}{k}}}")
                    else:
                        label = edge_label if edge_label is not None else f"w^{l}_{{{j}{k}}}"
                    half = 4.2 * len(label.replace("{", "").replace("}", "")) + 4   # about half the label's width
                    lx = min(max(lx, half), width - half)
                    on_top.append(_text(lx, ly, label, "bplab-edge-label", size=14, color=ACCENT, weight="bold"))
    out.extend(later)
    # neurons
    for l in layers:
        cx = x_of(l)
        default = "input" if l == 0 else ("output layer" if l == L else "hidden layer") + f" {l}"
        out.append(_text(cx, 22, captions.get(l, default), "bplab-caption", size=13, weight="bold"))
        for j in range(1, sizes[l] + 1):
            cy = y_of(l, j)
            text = labels.get(l, [f"x_{i}" for i in range(1, sizes[0] + 1)] if l == 0 else [""] * sizes[l])[j - 1]
            out.append(f'<g class="bplab-neuron" data-layer="{l}" data-neuron="{j}">')
            out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{NODE_FILL}" stroke="{INK}" stroke-width="1.4"/>')
            out.append(_text(cx, cy + 4.5, text, size=12 if len(str(text)) > 6 else 14))
            if l in numbers:
                out.append(
                    f'<circle class="bplab-number" cx="{cx - r + 2:.1f}" cy="{cy - r + 2:.1f}" r="10" fill="{INK}"/>'
                    + _text(cx - r + 2, cy - r + 6, numbers[l][j - 1], "bplab-number-text", size=11, color="#ffffff", weight="bold", halo=False)
                )
            if l in values:
                lines = values[l][j - 1]
                lines = [lines] if isinstance(lines, str) else list(lines)
                for i, line in enumerate(lines):
                    out.append(_text(cx, cy + r + 14 + 15 * i, line, "bplab-value", size=11.5, color="#343a40"))
            out.append("</g>")
        if bias and l < L:
            cy = y_of(l, 0)
            out.append(
                f'<g class="bplab-bias" data-layer="{l}"><rect x="{cx - 16:.1f}" y="{cy - 16:.1f}" width="32" height="32"'
                f' rx="4" fill="{BIAS_FILL}" stroke="{INK}" stroke-dasharray="3,2"/>'
                + _text(cx, cy + 5, "1", size=14, weight="bold")
                + _text(cx, cy + 32, "constant input", size=11, color="#666666")
                + "</g>"
            )
    out.extend(on_top)
    out.append("</svg>")
    return SVG("".join(out))


def chain_figure(L=3, loss="C"):
    """One neuron per layer: a^0 -> z^1 -> a^1 -> ... -> a^L -> C, as an :class:`SVG`.

    Above each arrow its local derivative (dz^l/da^{l-1} = w^l, da^l/dz^l = f'(z^l), dC/da^L = a^L - y);
    underneath, the error term flowing back: delta^L = (a^L - y) f'(z^L), then
    delta^l = delta^{l+1} w^{l+1} f'(z^l), each the product of the local derivatives to its right.
    """
    L = positive_int(L, "L")
    if L > 6:
        raise ValueError(f"L must be at most 6 for the chain to fit on a page, got {L}.")
    nodes = ["a^0"]
    for l in range(1, L + 1):
        nodes += [f"z^{l}", f"a^{l}"]
    nodes.append(loss)
    gap, r, top = 96, 22, 58
    width, height = 40 + (len(nodes) - 1) * gap + 2 * r, 200
    out = _open(width, height, "bplab-figure bplab-chain-figure", f"The chain a^0 -> ... -> {loss}, one neuron per layer")
    xs = [20 + r + i * gap for i in range(len(nodes))]
    for i in range(len(nodes) - 1):
        a, b = nodes[i], nodes[i + 1]
        if b == loss:
            local = f"a^{L} − y"
        elif b.startswith("z"):
            local = f"w^{b[2:]}"
        else:
            local = f"f'(z^{b[2:]})"
        out.append(
            f'<line class="bplab-forward" x1="{xs[i] + r:.1f}" y1="{top}" x2="{xs[i + 1] - r - 2:.1f}" y2="{top}"'
            f' stroke="{INK}" stroke-width="1.4" marker-end="url(#bplab-arrow-ink)"/>'
        )
        out.append(_text((xs[i] + xs[i + 1]) / 2, top - 12, local, "bplab-local", size=12.5, color=INK))
    for i, name in enumerate(nodes):
        shape = "rect" if name == loss else "circle"
        if shape == "circle":
            out.append(f'<circle class="bplab-chain-node" cx="{xs[i]:.1f}" cy="{top}" r="{r}" fill="{NODE_FILL}" stroke="{INK}"/>')
        else:
            out.append(f'<rect class="bplab-chain-node" x="{xs[i] - r:.1f}" y="{top - r}" width="{2 * r}" height="{2 * r}"'
                       f' rx="5" fill="{LIT_FILL}" stroke="{INK}"/>')
        out.append(_text(xs[i], top + 5, name, size=14))
    # delta flowing back, under every z
    yb = top + 70
    for l in range(L, 0, -1):
        i = 2 * l - 1
        if l == L:
            text = f"δ^{L} = (a^{L} − y) f'(z^{L})"
        else:
            text = f"δ^{l} = δ^{l + 1} w^{l + 1} f'(z^{l})"
        out.append(
            f'<line class="bplab-backward" data-layer="{l}" x1="{xs[i]:.1f}" y1="{yb - 14}" x2="{xs[i]:.1f}" y2="{top + r + 4}"'
            f' stroke="{BACK}" stroke-width="1.2" stroke-dasharray="3,3"/>'
        )
        out.append(_text(xs[i], yb + (0 if l % 2 else 22), text, "bplab-delta", size=12, color=BACK, weight="bold"))
    out.append(
        f'<line class="bplab-backward-arrow" x1="{xs[-1]:.1f}" y1="{height - 18}" x2="{xs[1]:.1f}" y2="{height - 18}"'
        f' stroke="{BACK}" stroke-width="2" marker-end="url(#bplab-arrow-back)"/>'
    )
    out.append(_text((xs[1] + xs[-1]) / 2, height - 24, "backward: each δ is the product of the local derivatives to its right",
                     size=11.5, color=BACK))
    out.append("</svg>")
    return SVG("".join(out))


def bp2_figure(sizes, l, j):
    """BP2 for neuron j of layer l: the weights w^{l+1}_kj (column j of W^{l+1}) carry each delta^{l+1}_k back.

    Only layers l and l+1 are drawn: neuron j of layer l, every neuron k of layer l+1 with its delta^{l+1}_k,
    and the edges w^{l+1}_kj between them highlighted, with the sum they make written underneath.
    """
    sizes = _sizes(sizes)
    L = len(sizes) - 1
    l = positive_int(l, "l")
    if l >= L:
        raise ValueError(f"l must be a hidden layer 1..{L - 1} (BP2 needs a layer l + 1 after it), got {l}.")
    j = positive_int(j, "j")
    if j > sizes[l]:
        raise ValueError(f"j must be a neuron 1..{sizes[l]} of layer {l}, got {j}.")
    n_l, n_next = sizes[l], sizes[l + 1]
    r, gap, row = 26, 300, 64
    top = 52
    rows = max(n_l, n_next)
    height = top + rows * row + 58
    width = 2 * 60 + gap + 2 * r + 90
    x0, x1 = 60 + r, 60 + r + gap

    def y(n, i):
        return top + (rows - n) * row / 2 + (i - 0.5) * row

    out = _open(width, height, "bplab-figure bplab-bp2-figure", f"BP2: which weights carry delta^{l + 1} back to neuron {j} of layer {l}")
    out.append(_text(x0, 22, f"layer {l}", "bplab-caption", weight="bold"))
    out.append(_text(x1, 22, f"layer {l + 1}", "bplab-caption", weight="bold"))
    for k in range(1, n_next + 1):
        for i in range(1, n_l + 1):
            on = i == j
            color, w = (ACCENT, 3.0) if on else (MUTED, 1.0)
            marker = ' marker-end="url(#bplab-arrow-accent)"' if on else ""
            xa, ya, xb, yb = (x1 - r, y(n_next, k), x0 + r + 4, y(n_l, i)) if on else (x0 + r, y(n_l, i), x1 - r, y(n_next, k))
            out.append(
                f'<line class="bplab-edge{" bplab-edge-lit" if on else ""}" data-layer="{l + 1}" data-to="{k}" data-from="{i}"'
                f' x1="{xa:.1f}" y1="{ya:.1f}" x2="{xb:.1f}" y2="{yb:.1f}" stroke="{color}" stroke-width="{w}"{marker}/>'
            )
            if on:
                t = 0.3
                out.append(_text(xa + t * (xb - xa) - 6, ya + t * (yb - ya) - 7, f"w^{l + 1}_{{{k}{j}}}", "bplab-edge-label",
                                 size=13, color=ACCENT, weight="bold"))
    for i in range(1, n_l + 1):
        on = i == j
        out.append(f'<g class="bplab-neuron" data-layer="{l}" data-neuron="{i}">'
                   f'<circle cx="{x0}" cy="{y(n_l, i):.1f}" r="{r}" fill="{LIT_FILL if on else NODE_FILL}"'
                   f' stroke="{ACCENT if on else INK}" stroke-width="{2.2 if on else 1.2}"/>'
                   + _text(x0, y(n_l, i) + 5, f"δ^{l}_{i}" if on else "", size=13) + "</g>")
    for k in range(1, n_next + 1):
        out.append(f'<g class="bplab-neuron" data-layer="{l + 1}" data-neuron="{k}">'
                   f'<circle cx="{x1}" cy="{y(n_next, k):.1f}" r="{r}" fill="{NODE_FILL}" stroke="{BACK}" stroke-width="1.6"/>'
                   + _text(x1, y(n_next, k) + 5, f"δ^{l + 1}_{k}", size=13, color=BACK) + "</g>")
    terms = " + ".join(f"w^{l + 1}_{{{k}{j}}} δ^{l + 1}_{k}" for k in range(1, n_next + 1))
    out.append(_text(width / 2, height - 30, f"δ^{l}_{j} = f'(z^{l}_{j}) · ({terms})", "bplab-formula", size=13, color=INK))
    out.append(_text(width / 2, height - 10, f"column {j} of W^{l + 1}: that is why BP2 has the transpose (W^{l + 1})^T",
                     size=11.5, color="#555555"))
    out.append("</svg>")
    return SVG("".join(out))
