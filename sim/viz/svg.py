"""Drawings for the trainer's app as plain SVG: crisp on a projector, fast to redraw, nothing to fetch.

Colours are the Okabe-Ito palette (safe for colour-blind viewers), and no drawing relies
on colour alone: the value a council sees and trust are also written as numbers, a council
that left is crossed out and labelled, a champion who left is marked with a dashed ring and
words, a council under notice with a badge and words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sim.core.contract import Size

#: Okabe-Ito, "Color Universal Design" (Okabe and Ito, 2008).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
OI = OKABE_ITO
GREY = "#8C8C8C"
LIGHT = "#D9D9D9"
INK = "#1A1A1A"
#: One colour per council (lines of the value chart, the marker beside each name).
COUNCIL_COLOURS = (OI["blue"], OI["orange"], OI["bluish_green"], OI["reddish_purple"], OI["sky_blue"], OI["vermillion"], OI["black"], OI["yellow"])
#: One colour per case and source of events (timeline tags); text colour on each.
TAG_COLOURS: dict[str, tuple[str, str]] = {
    "case 01": (OI["orange"], INK),
    "case 02": (OI["sky_blue"], INK),
    "case 03": (OI["bluish_green"], "#FFFFFF"),
    "case 04": (OI["yellow"], INK),
    "case 05": (OI["blue"], "#FFFFFF"),
    "case 06": (OI["vermillion"], "#FFFFFF"),
    "case 07": (OI["reddish_purple"], INK),
    "outside change": ("#4D4D4D", "#FFFFFF"),
}
OTHER_TAG = (LIGHT, INK)
#: Trigger tags: white with a black border (told apart from case tags by their words and outline, not colour).
TRIGGER_TAG = ("#FFFFFF", INK)
#: Outcome colours (chips in the page).
OUTCOME_COLOURS = {
    "running": (OI["sky_blue"], INK),
    "sustained": (OI["bluish_green"], "#FFFFFF"),
    "underperforming": (OI["yellow"], INK),
    "shelved": (OI["orange"], INK),
    "collapsed": (OI["vermillion"], "#FFFFFF"),
}
FONT = "font-family:'Helvetica Neue',Arial,'DejaVu Sans',sans-serif"


def tag_colours(tag: str) -> tuple[str, str]:
    """Background and text colour of a timeline tag."""
    return TAG_COLOURS.get(tag, OTHER_TAG)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _mix(a: str, b: str, t: float) -> str:
    ra, ga, ba = _hex(a)
    rb, gb, bb = _hex(b)
    return "#{:02X}{:02X}{:02X}".format(*(round(x + (y - x) * t) for x, y in ((ra, rb), (ga, gb), (ba, bb))))


#: The net value (seen less going alone) at the ends of the colour scale.
NET_RANGE = 0.6


def value_colour(net: float) -> str:
    """The colour of a council by its net value (the value it sees less its outside option).

    Vermillion (-:data:`NET_RANGE` or less: leaving looks far better) through light grey (0:
    indifferent) to blue (+:data:`NET_RANGE` or more: staying looks far better), a
    colour-blind-safe diverging scale.
    """
    if math.isnan(net):
        return LIGHT
    v = min(max(net / NET_RANGE, -1.0), 1.0)
    return _mix("#E8E8E8", OI["vermillion"], -v) if v < 0 else _mix("#E8E8E8", OI["blue"], v)


def _text_on(fill: str) -> str:
    r, g, b = _hex(fill)
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#FFFFFF"


@dataclass(frozen=True)
class Node:
    """A council as drawn: what the network needs to know of it."""

    name: str
    size: float
    value_seen: float
    outside_option: float
    notice: int
    key_person_present: bool
    active: bool
    exit_month: int

    @property
    def net(self) -> float:
        """The value it sees less its outside option (positive: staying looks better)."""
        return self.value_seen - self.outside_option


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}" '
        f'style="{FONT};display:block;max-height:100%">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, size: int = 18, anchor: str = "middle", fill: str = INK, weight: str = "normal", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" font-weight="{weight}" {extra}>{escape(text)}</text>'


def _ring(n: int, cx: float, cy: float, rx: float, ry: float) -> list[tuple[float, float]]:
    """Node centres on an ellipse: two side by side, three as a triangle, four as a square, more on a ring."""
    if n == 1:
        return [(cx, cy)]
    start = {2: math.pi, 4: -3 * math.pi / 4}.get(n, -math.pi / 2)
    return [(cx + rx * math.cos(start + 2 * math.pi * k / n), cy + ry * math.sin(start + 2 * math.pi * k / n)) for k in range(n)]


#: Room the councils' drawing keeps, in its units: at the foot for the legend, above an upper council's centre and
#: below a lower one's for the largest circle with its champion ring, its name, a notice badge and "champion left".
LEGEND_ROOM = 30
LABELS_ABOVE = 116
LABELS_BELOW = 121


def network(nodes: Sequence[Node], trust: dict[tuple[int, int], float], width: int = 460, height: int = 400) -> str:
    """The councils as agents on a ring, joined by the trust between current partners.

    A node's area grows with the council's size, its fill with its net value (the value it
    sees, written inside, less going alone); an edge's width grows with mutual trust (number
    written on it). A dashed orange ring and "champion left" mark a council whose key person
    has gone; a black badge "notice: leaves in N months" a council that has given notice; a
    grey, crossed-out node "left in month N" a council that left.
    """
    n = len(nodes)
    cx, cy = width / 2, (height - 40) / 2
    ry = (height - 40) * 0.36
    if n > 2:  # room above the upper councils and below the lower ones for a name, a notice badge and "champion left"
        ys = [y for _, y in _ring(n, 0.0, 0.0, 1.0, 1.0)]
        ry = min(ry, (height - LEGEND_ROOM - LABELS_ABOVE - LABELS_BELOW) / (max(ys) - min(ys)))
        cy = (height - LEGEND_ROOM - LABELS_BELOW + LABELS_ABOVE - ry * (min(ys) + max(ys))) / 2
    pos = _ring(n, cx, cy, width * (0.25 if n == 2 else 0.36), ry)
    biggest = max((nd.size for nd in nodes), default=1.0) or 1.0
    radius = [18 + 22 * math.sqrt(max(nd.size, 0.0) / biggest) for nd in nodes]
    body: list[str] = []
    for (i, j), t in sorted(trust.items()):
        (x1, y1), (x2, y2) = pos[i], pos[j]
        w = 2 + 14 * min(max(t, 0.0), 1.0)
        dash = ' stroke-dasharray="10 7"' if t < 0.3 else ""
        body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{GREY}" stroke-width="{w:.1f}" stroke-linecap="round"{dash}/>')
        # Halfway along a side of the ring; nearer one end on a chord, so that chords crossing in the middle keep their labels apart.
        f = 0.5 if (j - i) % n in (1, n - 1) else 0.3
        mx, my = x1 + f * (x2 - x1), y1 + f * (y2 - y1)
        body.append(f'<rect x="{mx - 26:.1f}" y="{my - 14:.1f}" width="52" height="28" rx="6" fill="#FFFFFF" stroke="{GREY}"/>')
        body.append(_text(mx, my + 6, f"{t:.2f}", 18))
    for k, (nd, (x, y), r) in enumerate(zip(nodes, pos, radius, strict=True)):
        fill = value_colour(nd.net) if nd.active else "#F2F2F2"
        stroke = COUNCIL_COLOURS[k % len(COUNCIL_COLOURS)]
        if not nd.key_person_present and nd.active:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + 9:.1f}" fill="none" stroke="{OI["orange"]}" stroke-width="5" stroke-dasharray="8 5"/>')
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{fill}" stroke="{stroke if nd.active else GREY}" stroke-width="4"'
            + (' stroke-dasharray="6 5"' if not nd.active else "")
            + "/>"
        )
        if nd.active:
            body.append(_text(x, y + 7, f"{nd.value_seen:.2f}", 20, fill=_text_on(fill), weight="bold"))
        else:
            d = r * 0.6
            body.append(
                f'<path d="M{x - d:.1f},{y - d:.1f} L{x + d:.1f},{y + d:.1f} M{x - d:.1f},{y + d:.1f} L{x + d:.1f},{y - d:.1f}" '
                f'stroke="{INK}" stroke-width="5"/>'
            )
        # Labels outward: above a node in the upper half, below it otherwise (name nearest the node).
        ring = 9 if not nd.key_person_present and nd.active else 0
        above = n > 2 and y < cy - 1
        name_y = y - r - ring - 30 if above else y + r + ring + 24
        status_y = name_y + 22
        if above:
            name_y, status_y = y - r - ring - 10, y - r - ring - 32
        body.append(
            f'<text x="{x:.1f}" y="{name_y:.1f}" font-size="19" text-anchor="middle" fill="{INK}" font-weight="bold">'
            f'<tspan fill="{stroke}">\u25a0</tspan> {escape(nd.name)}</text>'
        )
        step = -20 if above else 20
        if not nd.active:
            body.append(_text(x, status_y, f"left in month {nd.exit_month}", 17, fill=OI["vermillion"], weight="bold"))
        else:
            if nd.notice:
                badge = f"NOTICE: leaves in {Size(nd.notice):months}"
                w = 9.2 * len(badge) + 12
                left = min(max(x - w / 2, 2.0), width - w - 2)  # inside the drawing, under its council as far as it can be
                body.append(f'<rect x="{left:.1f}" y="{status_y - 16:.1f}" width="{w:.1f}" height="22" rx="4" fill="{INK}"/>')
                body.append(_text(left + w / 2, status_y, badge, 16, fill="#FFFFFF", weight="bold", extra='class="sim-notice-badge"'))
                status_y += step
            if not nd.key_person_present:
                body.append(_text(x, status_y, "champion left", 17, fill="#8A5A00", weight="bold"))
    body.append(_legend(width, height))
    names = ", ".join(f"{nd.name} sees {nd.value_seen:.2f}" + (" (notice given)" if nd.notice else "") if nd.active else f"{nd.name} left" for nd in nodes)
    return _svg(width, height, body, f"Councils: {names}")


def _legend(width: int, height: int) -> str:
    y = height - 16
    parts = [_text(8, y + 5, "leave", 16, anchor="start", fill="#444444")]
    x0, w = 54, 110
    for s in range(24):
        net = NET_RANGE * (2 * s / 23 - 1)
        parts.append(f'<rect x="{x0 + s * w / 24:.1f}" y="{y - 8}" width="{w / 24 + 0.6:.1f}" height="16" fill="{value_colour(net)}"/>')
    parts.append(_text(x0 + w + 6, y + 5, "stay", 16, anchor="start", fill="#444444"))
    parts.append(_text(width - 8, y + 5, "number: value seen; lines: trust", 16, anchor="end", fill="#444444"))
    return "".join(parts)


@dataclass(frozen=True)
class Series:
    """A line of a chart: ``ys`` over ``xs``; NaN breaks the line."""

    label: str
    xs: Sequence[float]
    ys: Sequence[float]
    colour: str
    dash: str = ""
    width: float = 4.0


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    step = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * step:
            step *= m
            break
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-9 else f"{v:.1f}" if abs(v * 10 - round(v * 10)) < 1e-9 else f"{v:.2f}"


def line_chart(
    series: Sequence[Series],
    x_max: float,
    y_min: float,
    y_max: float,
    title: str,
    y_label: str = "",
    x_label: str = "month",
    width: int = 460,
    height: int = 300,
    now: float | None = None,
) -> str:
    """A line chart with axes, gridlines and a legend; ``now`` marks the current month."""
    legend, rows = _chart_legend(series, 8, width)
    left, right, top, bottom = 58, 14, 46 + 24 * rows, 52
    pw, ph = width - left - right, height - top - bottom
    y_max = y_max if y_max > y_min else y_min + 1
    x_max = max(x_max, 1)

    def px(x: float) -> float:
        return left + pw * x / x_max

    def py(y: float) -> float:
        return top + ph * (1 - (y - y_min) / (y_max - y_min))

    body = [_text(8, 26, title, 21, anchor="start", weight="bold")]
    for y in _ticks(y_min, y_max, 4):
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#E3E3E3" stroke-width="1.5"/>')
        body.append(_text(left - 8, py(y) + 6, _fmt(y), 16, anchor="end", fill="#444444"))
    for x in _ticks(0, x_max, 6):
        body.append(_text(px(x), top + ph + 24, _fmt(x), 16, fill="#444444"))
    body.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#444444" stroke-width="2"/>')
    body.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + ph}" stroke="#444444" stroke-width="2"/>')
    body.append(_text(left + pw, top + ph + 46, x_label, 16, anchor="end", fill="#444444"))
    if y_label:
        body.append(_text(left - 8, top - 10, y_label, 16, anchor="start", fill="#444444"))
    if now is not None:
        body.append(f'<line x1="{px(now):.1f}" x2="{px(now):.1f}" y1="{top}" y2="{top + ph}" stroke="#BBBBBB" stroke-width="1.5"/>')
    for s in series:
        for run in _runs(s.xs, s.ys):
            points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in run)
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            if len(run) == 1:
                (x, y) = run[0]
                body.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="{s.width}" fill="{s.colour}"/>')
            else:
                body.append(
                    f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="{s.width}" '
                    f'stroke-linejoin="round" stroke-linecap="round"{dash}/>'
                )
    body.append(legend)
    return _svg(width, height, body, title)


def _runs(xs: Sequence[float], ys: Sequence[float]) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if math.isnan(y):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((x, y))
    return [r for r in runs if r]


def _chart_legend(series: Sequence[Series], left: int, width: int) -> tuple[str, int]:
    """The legend in rows from ``left`` (wrapped at ``width``), and the number of rows."""
    x, row, parts = float(left), 0, []
    for s in series:
        w = 44 + 8.6 * len(s.label)
        if x > left and x + w > width:
            x, row = float(left), row + 1
        y = 44 + 24 * row
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(f'<line x1="{x:.1f}" x2="{x + 24:.1f}" y1="{y}" y2="{y}" stroke="{s.colour}" stroke-width="{s.width}"{dash}/>')
        parts.append(_text(x + 29, y + 6, s.label, 16, anchor="start"))
        x += w
    return "".join(parts), row + 1
