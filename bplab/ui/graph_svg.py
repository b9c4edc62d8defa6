"""A computational graph (计算图) of :class:`bplab.graph.Value` nodes drawn as an SVG string.

    from IPython.display import HTML, display
    display(HTML(graph_svg(loss)))

Columns run left to right in the order things are computed: a node made by an operation stands
one column right of its latest input, and an input (a number nobody computed: x, a weight, a
constant) stands just left of the first node that uses it. Each box shows the node's label, its
value and, once ``backward()`` has run, its grad (blue when positive, red when negative). The
operation that made a node is the small circle on the box's left, where its input edges arrive. A
legend above the graph says so.
With ``local=True`` each edge carries its local derivative (局部梯度) d(output)/d(input).

Labels written like ``z^2_1`` are drawn with a superscript 2 and a subscript 1. Everything drawn
carries a class (``bplab-gnode``, ``bplab-gedge``) and ``data-label`` so tests can find it.
"""

from __future__ import annotations

from html import escape

from ..errors import show

# Sizes in px at 100 % zoom. The text is 13 px (local gradients 11 px) so that it stays readable
# when a wide graph is shrunk to fit a 1280 px screen with JupyterLab's sidebar open.
FONT, SMALL = 13, 11
BOX_W, BOX_H = 72, 54  # wide enough for a label and a number of 3 significant digits
OP_R = 14  # the operation's circle, centred on the box's left edge
GAP, LOCAL_GAP = 12, 58  # between a box and the next column's circle (wider when edges are labelled)
ROW_GAP = 66
MARGIN = 10
POSITIVE, NEGATIVE = "#2b6cb0", "#c0392b"
OP_SYMBOLS = {"+": "+", "-": "−", "*": "×", "/": "÷", "neg": "−", "exp": "exp", "log": "log", "tanh": "tanh",
              "sigmoid": "σ", "relu": "relu", "max": "max"}


def _label_markup(label):
    """``z^2_1`` as SVG text with a raised 2 and a lowered 1 (plain text otherwise)."""
    base, sup, sub = label, "", ""
    if "_" in base:
        base, sub = base.split("_", 1)
    if "^" in base:
        base, sup = base.split("^", 1)
    out = escape(base)
    if sup:
        out += f'<tspan dy="-6" font-size="{SMALL}">{escape(sup)}</tspan>'
    if sub:
        out += f'<tspan dy="{10 if sup else 4}" dx="{-6 * len(sup) if sup else 0}" font-size="{SMALL}">{escape(sub)}</tspan>'
    return out


def _number(v):
    """3 significant digits: enough to read a picture; the printouts beside it give all digits."""
    return f"{v:.3g}".replace("-", "−")


def layout(root):
    """``{node id: (column, row)}`` and the number of columns and rows, for the graph of ``root``."""
    from ..graph import Value, nodes

    if not isinstance(root, Value):
        raise TypeError(f"root must be a bplab.graph.Value (the node to draw the graph of), got {show(root)}.")
    order = nodes(root)
    rank = {id(n): i for i, n in enumerate(order)}
    users = {id(n): [] for n in order}
    for n in order:
        for inp in n.inputs:
            users[id(inp)].append(n)
    column = {}
    for n in order:  # computed nodes: one column right of their latest input
        column[id(n)] = 1 + max((column[id(i)] for i in n.inputs), default=-1)
    for n in order:  # inputs: just left of their first user
        if not n.inputs and users[id(n)]:
            column[id(n)] = min(column[id(u)] for u in users[id(n)]) - 1
    shift = min(column.values())
    cols = {}
    for n in order:  # within a column, in the order they were computed
        cols.setdefault(column[id(n)] - shift, []).append(n)
    rows = max(len(c) for c in cols.values())
    place = {}
    for c, members in cols.items():
        offset = (rows - len(members)) / 2
        for r, n in enumerate(sorted(members, key=lambda n: rank[id(n)])):
            place[id(n)] = (c, r + offset)
    return order, place, max(cols) + 1, rows


def graph_svg(root, local=False, highlight=(), title=None, show_grad=True):
    """The SVG markup (a string) of the computational graph that computed ``root``.

    ``local``: write each edge's local derivative on it. ``highlight``: nodes (Values) to outline
    in orange, e.g. the z nodes of a network. ``show_grad=False`` draws values only (before
    ``backward()``).
    """
    order, place, ncols, nrows = layout(root)
    step = BOX_W + OP_R + (LOCAL_GAP if local else GAP)  # from one column's left edge to the next one's
    lit = {id(n) for n in highlight}
    width = 2 * MARGIN + (ncols - 1) * step + BOX_W + OP_R
    items = ["box: name, value" + (", gradient (blue > 0, red < 0)" if show_grad else ""), "circle: the operation"]
    if local:
        items.append("edge: the local gradient")
    legend = [items[0]]  # as few lines as the width allows (about 6.6 px per character)
    for item in items[1:]:
        if (len(legend[-1]) + 3 + len(item)) * 6.6 < width - 2 * MARGIN:
            legend[-1] += " · " + item
        else:
            legend.append(item)
    top = MARGIN + (26 if title else 0) + 16 * len(legend) + 6  # the title, then the legend
    height = top + MARGIN + (nrows - 1) * ROW_GAP + BOX_H
    pos = {k: (MARGIN + OP_R + c * step, top + r * ROW_GAP) for k, (c, r) in place.items()}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bplab-graph" width="{width:.0f}" height="{height:.0f}"'
        # shrinks to fit a narrow page, but never below 3/4 of its size (then the page scrolls sideways):
        # a 1-2-2 network's graph then fits a 1280 px screen with JupyterLab's sidebar open
        f' viewBox="0 0 {width:.0f} {height:.0f}" style="max-width:100%;min-width:{0.75 * width:.0f}px;height:auto"'
        f' font-family="sans-serif" font-size="{FONT}">'
    ]
    if title:
        out.append(f'<text x="{MARGIN}" y="{MARGIN + 15}" font-size="15" font-weight="bold">{escape(title)}</text>')
    for i, line in enumerate(legend):
        y = top - 10 - 16 * (len(legend) - 1 - i)
        out.append(f'<text class="bplab-glegend" x="{MARGIN}" y="{y}" font-size="12" fill="#444">{escape(line)}</text>')
    labels = []
    for node in order:  # edges first, so the boxes sit on top
        x1, y1 = pos[id(node)]
        tx, ty = x1 - OP_R, y1 + BOX_H / 2
        # the local derivatives stand in a column just left of the operation's circle, top to
        # bottom in the order their edges arrive from, so each sits beside its own edge
        arriving = sorted(zip(node.inputs, node.local_grads), key=lambda pair: pos[id(pair[0])][1])
        for i, (inp, g) in enumerate(arriving):
            x0, y0 = pos[id(inp)]
            sx, sy = x0 + BOX_W, y0 + BOX_H / 2
            mid = (sx + tx) / 2
            out.append(
                f'<path class="bplab-gedge" data-from="{escape(inp.label)}" data-to="{escape(node.label)}"'
                f' d="M{sx:.1f},{sy:.1f} C{mid:.1f},{sy:.1f} {mid:.1f},{ty:.1f} {tx:.1f},{ty:.1f}"'
                ' fill="none" stroke="#888" stroke-width="1.1"/>'
            )
            if local:
                ly = ty + (i - (len(arriving) - 1) / 2) * 14 + (4 if len(arriving) > 1 else -5)
                labels.append(
                    f'<text class="bplab-glocal" x="{tx - 6:.1f}" y="{ly:.1f}" text-anchor="end" font-size="{SMALL}"'
                    f' fill="#7a5a00" stroke="#ffffff" stroke-width="3" paint-order="stroke">{_number(g)}</text>'
                )
    out.extend(labels)  # above every edge, below the boxes
    for node in order:
        x, y = pos[id(node)]
        on = id(node) in lit
        fill = "#fff4c2" if on else ("#f3f3f3" if not node.inputs else "#ffffff")
        stroke, sw = ("#d48806", 2.2) if on else ("#555", 1.0)
        out.append(f'<g class="bplab-gnode" data-label="{escape(node.label)}" data-op="{escape(node.op)}">')
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}"'
            f' stroke="{stroke}" stroke-width="{sw}"/>'
        )
        if node.op:
            symbol = OP_SYMBOLS.get(node.op, node.op.replace("**", "^"))
            size = FONT if len(symbol) == 1 else 10
            out.append(
                f'<circle cx="{x:.1f}" cy="{y + BOX_H / 2:.1f}" r="{OP_R}" fill="#eef3fb" stroke="#555"/>'
                f'<text x="{x:.1f}" y="{y + BOX_H / 2 + size / 3:.1f}" text-anchor="middle"'
                f' font-size="{size}">{escape(symbol)}</text>'
            )
        if node.label:
            out.append(f'<text x="{x + OP_R + 3:.1f}" y="{y + 16:.1f}" font-weight="bold">{_label_markup(node.label)}</text>')
        out.append(f'<text class="bplab-gdata" x="{x + OP_R + 3:.1f}" y="{y + 32:.1f}">{_number(node.data)}</text>')
        if show_grad:
            color = POSITIVE if node.grad > 0 else NEGATIVE if node.grad < 0 else "#666"
            out.append(
                f'<text class="bplab-ggrad" x="{x + OP_R + 3:.1f}" y="{y + 48:.1f}" fill="{color}">{_number(node.grad)}</text>'
            )
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)
