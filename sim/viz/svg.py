"""Drawings for the trainer's app as plain SVG: crisp on a projector, fast to redraw, nothing to fetch.

Colours are the Okabe-Ito palette (safe for colour-blind viewers), and no drawing relies
on colour alone: the value a council sees and trust are also written as numbers, a council
that left is crossed out and labelled, a champion who left is marked with a dashed ring and
words, a council under notice with a badge and words.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.ft2font import LoadFlags

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

#: The faces whose metrics place the drawings' text: DejaVu Sans and its bold, the widest face of :data:`FONT` and a bare
#: Debian machine's only one, as matplotlib (a dependency) ships them. Placed at a guessed 0.6 of the size a letter,
#: "Westmere DC" in bold at 19 units was 143 units wide in DejaVu Sans where 125 were kept, and ran off the right edge of a
#: replay's drawing of five councils.
FACES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@functools.lru_cache(maxsize=4096)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` in DejaVu Sans (``bold``: its bold), in the drawing's units.

    Parameters
    ----------
    text
        One line of text.
    size
        Its font size, in the drawing's units.
    bold
        Whether it is bold.

    Returns
    -------
    float
        Its advance width, kerned, as a browser lays it out (:data:`FACES`).
    """
    face = font_manager.get_font(str(Path(matplotlib.get_data_path(), "fonts", "ttf", FACES[bold])))
    face.set_size(size, 72)  # at 72 dpi a point is a unit
    face.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)  # a browser lays text out by its unhinted advances
    return face.get_width_height()[0] / 64  # FreeType's 26.6 fixed point


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


#: The smallest text of a drawing, in its units, and the least it may show at on the page, in CSS pixels.
SMALLEST_TEXT = 16
LEAST_PX = 14
#: The room kept below the councils' drawing for what happened last, in CSS pixels: two lines of 17 px text (a timeline's
#: line keeps to two) and its padding; a longer line there (``sim.viz.app.ended_html``) takes :data:`NOW_TEXT_LINE` more a line.
NOW_LINE = 60
#: One line of that text: 17 px at a line height of 1.35, in CSS pixels.
NOW_TEXT_LINE = 23
#: The room kept there on a single run's page, where a notice takes that line's place (a story's as it loads, a pause's):
#: three lines of 17 px text (line height 1.35) and the notice's 12 px of padding. At 1024x768 a story's notice takes
#: three lines; with two kept, case 01's ended 12 px below the screen.
NOTICE = 81
#: What the page shows around the councils' drawing but the line below it, in CSS pixels: above it the app bar, the run's
#: month and its card's margin (165, as measured: the drawing starts 165 px down); below it 6 px each side of that line, and
#: 3 to spare.
FRAME = 165 + 6 + 6 + 3
#: What the page shows around the councils' drawing, in CSS pixels: :data:`FRAME`, and below the drawing :data:`NOTICE`.
AROUND = FRAME + NOTICE
#: The same where the line below the drawing is what happened last (:data:`NOW_LINE`).
AROUND_NOW = FRAME + NOW_LINE
#: The same in a run of a replay, whose title sits over its month (95 CSS pixels more above the drawing, as measured at
#: 1024x768 with the side bar open, where the run's 330 px put how it stands on a row under its month: 48 at 1280x720; with
#: 60, case 01's replay paused in month 54, its drawing 456 px tall with a notice badge and "champion left", ended its line
#: of what fired at 797 px) and whose notice takes the app bar's title's place (``sim.viz.app.BAR_NOTE``; above both runs
#: it pushed each run's line of what fired below a paused replay's 1024x768 and 1280x720 screens): below the drawing,
#: :data:`NOW_LINE` (:data:`AROUND_NOW`).
REPLAY_AROUND = AROUND_NOW + 95


def _svg(width: int, height: int, body: list[str], label: str, fit: bool = False, around: int = AROUND) -> str:
    """An SVG drawing, as wide as its box; ``fit``: no taller than the screen less what the page shows around it
    (``around``, CSS pixels: :data:`AROUND`) where its smallest text (:data:`SMALLEST_TEXT`) keeps :data:`LEAST_PX` or more
    (:func:`least_height`), shrunk and centred in its box."""
    tallest = f"max(calc(100vh - {around}px), {least_height(height)}px)" if fit else "100%"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" aria-label="{escape(label)}" '
        f'style="{FONT};display:block;max-height:{tallest}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, size: int = 18, anchor: str = "middle", fill: str = INK, weight: str = "normal", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" font-weight="{weight}" {extra}>{escape(text)}</text>'


def _ring(n: int, cx: float, cy: float, rx: float, ry: float) -> list[tuple[float, float]]:
    """Node centres on an ellipse: two side by side, three as a triangle, four as a square, more on a ring (eight with
    none at its top or sides: two by two above, beside and below, so that no side council's name sits between two others)."""
    if n == 1:
        return [(cx, cy)]
    start = {2: math.pi, 4: -3 * math.pi / 4, 8: -5 * math.pi / 8}.get(n, -math.pi / 2)
    return [(cx + rx * math.cos(start + 2 * math.pi * k / n), cy + ry * math.sin(start + 2 * math.pi * k / n)) for k in range(n)]


#: Room the councils' drawing keeps, in its units: at the foot for the legend (one row; a drawing narrower than
#: :data:`COMPACT_WIDE` takes two: :func:`legend_room`), above an upper council's centre and below a lower one's for the largest circle with its
#: champion ring, its name, a notice badge and "champion left"; above and below the centres of a pair of councils (side
#: by side, their labels below) for the largest circle with its champion ring, and below them also its name, a notice
#: badge and "champion left" (so that neither moves the page when it appears) and the gap above the legend.
LEGEND_ROOM = 30
LABELS_ABOVE = 116
LABELS_BELOW = 121
PAIR_ABOVE = 56
PAIR_BELOW = 136
#: A legend row's pitch, in the drawing's units.
LEGEND_ROW = 24
#: What the councils' drawing's numbers and lines are, and on what scale, in its two parts: it said "number: value seen;
#: lines: trust", and nothing said what 1.10 in a circle or 0.45 on a line was.
KEY_PARTS = ("number: value, 1 = promise", "lines: trust, 0-1")
#: The key whole (:data:`KEY_PARTS`): beside the colour scale in :data:`COMPACT_WIDE` units, on a row of its own in a
#: narrower drawing (:func:`legend_room`), in its two parts where that row is too narrow for it (:func:`_legend`).
KEY = "; ".join(KEY_PARTS)
#: The widths of the legend's words at its 16 units in DejaVu Sans, the widest face of :data:`FONT` and a bare Debian
#: machine's only one (Arial's metrics, Liberation Sans, are 12% narrower), in the drawing's units (:func:`text_width`): "leave", "stay" and
#: :data:`KEY`. Placed by Arial's, with only DejaVu Sans the key ran over "stay" in a replay of five councils or more
#: (:data:`COMPACT_WIDE`) and past the right edge of a replay's drawing of four or fewer (:data:`COMPACT`: "trust, 0-").
LEAVE_WIDTH, STAY_WIDTH, KEY_WIDTH = (math.ceil(text_width(words, 16)) for words in ("leave", "stay", KEY))
#: The least gap between two words of the legend, and between a word and the colour scale, in the drawing's units.
LEGEND_GAP = 6
#: The colour scale's width, in the drawing's units: 96 left the key 10 units over "stay" in DejaVu Sans at :data:`COMPACT_WIDE`.
GRADIENT = 64
#: Where the colour scale starts, and "stay" after it, in the drawing's units (:data:`LEAVE_WIDTH`).
GRADIENT_AT = 8 + LEAVE_WIDTH + LEGEND_GAP
STAY_AT = GRADIENT_AT + GRADIENT + LEGEND_GAP


@dataclass(frozen=True)
class _Box:
    """A rectangle of the councils' drawing, in its units."""

    left: float
    top: float
    right: float
    bottom: float

    def hits(self, other: _Box, gap: float = 2.0) -> bool:
        """Whether it overlaps ``other``, or comes within ``gap`` of it."""
        return self.left < other.right + gap and other.left < self.right + gap and self.top < other.bottom + gap and other.top < self.bottom + gap

    def moved(self, dy: float) -> _Box:
        return _Box(self.left, self.top + dy, self.right, self.bottom + dy)

    def touches(self, x: float, y: float, r: float) -> bool:
        """Whether the disc of radius ``r`` about (``x``, ``y``) overlaps it."""
        return _gap(self, (x, y, r)) < 0


def _outside(box: _Box, ring: Sequence[tuple[float, float]], gap: float = 2.0) -> bool:
    """Whether ``box`` keeps ``gap`` outside the convex polygon of the councils' centres ``ring`` (none: always)."""
    if not ring:
        return True
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    if box.right + gap <= min(xs) or box.left - gap >= max(xs) or box.bottom + gap <= min(ys) or box.top - gap >= max(ys):
        return True
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    corners = ((box.left, box.top), (box.right, box.top), (box.left, box.bottom), (box.right, box.bottom))
    for (ax, ay), (bx, by) in zip(ring, [*ring[1:], ring[0]], strict=True):
        nx, ny = by - ay, ax - bx  # a normal of the side, turned outward below
        if nx * (mx - ax) + ny * (my - ay) > 0:
            nx, ny = -nx, -ny
        if min(nx * (px - ax) + ny * (py - ay) for px, py in corners) >= gap * math.hypot(nx, ny):
            return True
    return False


def _name_lines(name: str, width: int) -> list[str]:
    """A council's name on one line, or on two where it would take more than 45% of the drawing (:func:`_two_lines`)."""
    return _two_lines(name, 19, 0.45 * width - text_width("\u25a0 ", 19, bold=True))


def _two_lines(text: str, size: float, room: float, bold: bool = True) -> list[str]:
    """``text`` on one line, or on two (split at the space nearest its middle) where at ``size`` (``bold``) it is wider than ``room``."""
    if text_width(text, size, bold) <= room or " " not in text:
        return [text]
    spaces = [k for k, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda k: abs(k - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _rows(mids: Sequence[float], widths: Sequence[float], edge: float, step: float) -> list[_Box]:
    """The boxes of a label's lines of ``widths`` from ``edge`` outward (``step`` per line: negative above the council)."""
    return [
        _Box(mid - w / 2, min(edge + step * k, edge + step * (k + 1)), mid + w / 2, max(edge + step * k, edge + step * (k + 1)))
        for k, (mid, w) in enumerate(zip(mids, widths, strict=True))
    ]


#: Line pitch of a council's label (its name, then a notice badge, "champion left" or "left in month N").
LABEL_LINE = 25
#: Half the width and half the height of a trust number's box, in the drawing's units.
TRUST_HALF = (26, 14)
#: How far beside its line a trust number may sit, first choice first: never so far that its line misses its box.
TRUST_BESIDE = (0, 8, -8, 14, -14, 20, -20, 24, -24)
#: How far a council's label keeps outside the ring's sides: room for a trust number beside a side's line, inward.
SIDE_ROOM = 18
#: Where a trust number may sit along its line, first choice first (a side of the ring, then a chord), then every 0.025 between
#: (every 0.05 left 13 numbers over a circle's rim in 280 replay drawings of 2-8 councils, every 0.025 8).
TRUST_AT = (0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 0.25, 0.75, 0.35, 0.65, 0.45, 0.55, 0.15, 0.85, *(k / 80 for k in range(5, 76, 2)))


def least_height(height: int) -> int:
    """The least a drawing ``height`` units tall may show at on the page, in CSS pixels: its smallest text at :data:`LEAST_PX`."""
    return math.ceil(height * LEAST_PX / SMALLEST_TEXT)


#: A drawing's width, in its units: of four councils or fewer, and of five or more, whose ring then spreads sideways
#: rather than down (at 460 units eight councils' drawing was 993 tall: 869 px at 14 px text, above a 768 px screen).
#: 620 keeps 14 px text in 588 px, the councils' card at 1024x768 with a 400 px side bar open (the app's side bar is 300 px
#: below 1440 px wide, leaving 688: the margin is kept), and from 640 the side councils' names of seven or eight ended up
#: over the councils beside them.
NARROW, WIDE = 460, 620
#: The width of a drawing of four councils or fewer in a run of a replay, in its units: the two runs side by side at
#: 1024x768 with the side bar open give each drawing about 330 px, where 360 units keep its 16-unit text at 14 px or more.
COMPACT = 360
#: The width of a drawing of five councils or more in a run of a replay, in its units: the two runs side by side at
#: 1366x768 with the side bar open give each drawing about 505 px, at 1024x768 with it closed about 484 px, where 544 units
#: keep its 16-unit text at 14 px or more (at :data:`WIDE` the runs went one above the other below about 1600 px). Eight
#: councils' ring still keeps its labels and trust numbers apart; at 360 units they ran over each other.
COMPACT_WIDE = 544


def drawing_width(n: int, compact: bool = False) -> int:
    """The width of a drawing of ``n`` councils, in its units (:data:`NARROW` or :data:`WIDE`; ``compact``, a run of a
    replay: :data:`COMPACT` for four councils or fewer, :data:`COMPACT_WIDE` for more)."""
    if n <= 4:
        return COMPACT if compact else NARROW
    return COMPACT_WIDE if compact else WIDE


def legend_room(width: int) -> int:
    """The room at the foot of a drawing ``width`` units wide for its legend: one row, or two below :data:`COMPACT_WIDE`
    (its :data:`KEY` under the colour scale)."""
    return LEGEND_ROOM + (LEGEND_ROW if width < COMPACT_WIDE else 0)


def room(n: int, width: int = NARROW) -> int:
    """The height a drawing of ``n`` councils ``width`` units wide starts from, in its units (it grows where the labels need more).

    Two councils sit side by side near its top, their labels below them (:data:`PAIR_ABOVE`, :data:`PAIR_BELOW`).
    Five councils or more get 40 more per council beyond four: room between those one above another.
    """
    if n <= 2:
        return PAIR_ABOVE + PAIR_BELOW + legend_room(width)
    return 440 + 40 * max(n - 4, 0) + legend_room(width) - LEGEND_ROOM


#: A line of a council's label: its kind, its text and its width.
_Line = tuple[str, str, float]
#: A straight line from (x1, y1) to (x2, y2), in the drawing's units.
Segment = tuple[float, float, float, float]


def _label_lines(nd: Node, width: int) -> tuple[tuple[_Line, ...], int]:
    """A council's label from the council outward (its name, then a notice badge, "champion left" or "left in month N"), and how many lines its name takes."""
    first, *more = _name_lines(nd.name, width)
    lines = [("name", first, text_width(f"\u25a0 {first}", 19, bold=True)), *(("name, continued", part, text_width(part, 19, bold=True)) for part in more)]
    if not nd.active:
        lines.append(("left", f"left in month {nd.exit_month}", text_width(f"left in month {nd.exit_month}", 17, bold=True)))
    else:
        if nd.notice:
            badge = f"NOTICE: leaves in {Size(nd.notice):months}"
            lines.append(("notice", badge, text_width(badge, 16, bold=True) + 12))
        if not nd.key_person_present:
            lines.append(("champion", "champion left", text_width("champion left", 17, bold=True)))
    return tuple(lines), 1 + len(more)


@dataclass(frozen=True)
class _Label:
    """A council's label as placed: its lines in reading ``order`` (by their place in :func:`_label_lines`), centred at ``mids``.

    They run from ``edge`` outward, above or below the council, with a dotted ``leader`` to it where they moved off it
    (:func:`_leader`); ``over``: by its council inside the ring, on a white ground over the lines of trust (outside the
    ring it would have sat nearer another council).
    """

    mids: tuple[float, ...]
    edge: float
    above: bool
    order: tuple[int, ...]
    leader: Segment | None
    over: bool = False


@dataclass(frozen=True)
class _Placement:
    """Where the councils' drawing puts its councils' centres, their labels and the trust numbers (edges in order); its height and how far all moves down."""

    pos: tuple[tuple[float, float], ...]
    labels: tuple[_Label, ...]
    marks: tuple[tuple[float, float], ...]
    height: int
    shift: float


def _leader(x: float, near: float, mid: float, edge: float, moved: float) -> Segment | None:
    """The dotted line from a council's rim at (``x``, ``near``) to its label's first line (centred at ``mid``, from
    ``edge``), which moved ``moved`` off the council: none where that is half a line or less (it reads as the council's)."""
    return (x, near, mid, edge) if moved > LABEL_LINE / 2 else None


def _crosses(line: Segment, box: _Box) -> bool:
    """Whether ``line`` passes through ``box`` (more than touching its edge)."""
    x1, y1, x2, y2 = line
    low, high = 0.0, 1.0  # the part of the line inside the box so far, as shares of its length (Liang-Barsky)
    for p, q in ((x1 - x2, x1 - box.left), (x2 - x1, box.right - x1), (y1 - y2, y1 - box.top), (y2 - y1, box.bottom - y1)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
    return low < high


def _cuts(line: Segment, disc: tuple[float, float, float]) -> bool:
    """Whether ``line`` passes through the disc (x, y, radius) ``disc``."""
    x1, y1, x2, y2 = line
    x, y, r = disc
    dx, dy = x2 - x1, y2 - y1
    t = min(max(((x - x1) * dx + (y - y1) * dy) / ((dx * dx + dy * dy) or 1.0), 0.0), 1.0)
    return math.hypot(x - x1 - t * dx, y - y1 - t * dy) < r


@dataclass(frozen=True)
class _KeepOff:
    """What a council's label and its dotted line keep off: the dotted lines drawn so far (``leaders``), and for its own
    dotted line the other councils' labels (``labels``) and circles (``discs``)."""

    leaders: Sequence[Segment]
    labels: Sequence[_Box]
    discs: Sequence[tuple[float, float, float]]

    def cut(self, rows: Sequence[_Box]) -> bool:
        """Whether a label's lines ``rows`` lie over a dotted line drawn so far."""
        return any(_crosses(line, row) for line in self.leaders for row in rows)

    def crossed(self, leader: Segment | None) -> bool:
        """Whether a label's dotted line ``leader`` crosses another council's label or circle."""
        return leader is not None and (any(_crosses(leader, box) for box in self.labels) or any(_cuts(leader, disc) for disc in self.discs))


def _label_place(
    x: float,
    near: float,
    edge: float,
    above: bool,
    aside: int,
    widths: Sequence[float],
    width: int,
    placed: Sequence[_Box],
    ring: Sequence[tuple[float, float]],
    keep_off: _KeepOff,
) -> tuple[float, list[_Box], list[float]]:
    """Where a council's label goes: how far it moves off the council, its lines' boxes and their centres.

    Its lines (of ``widths``, from ``edge`` outward, above or below the council at ``x`` whose rim there is at ``near``)
    are centred on it as far as the drawing allows and move together, first toward the side of the drawing the council
    is on (``aside``), then away from it, as little as keeps them clear of what is ``placed``, of the dotted lines
    drawn so far (``keep_off``) and :data:`SIDE_ROOM` outside ``ring`` (none: anywhere). Where they move far enough to
    need a dotted line to the council (:func:`_leader`), that line crosses no other label nor council if any place
    allows it.
    """
    outward = -1 if above else 1
    best: tuple[bool, float, list[_Box], list[float]] | None = None
    before: list[float] = []
    toward = aside or 1
    for dx in [*range(0, width, 8), *range(-8, -width, -8)]:
        mids = [min(max(x + toward * dx, min(w, width - 4) / 2 + 2), width - min(w, width - 4) / 2 - 2) for w in widths]
        if mids == before:  # pinned to the drawing's side: further is the same
            continue
        before = mids
        moved = 0
        while best is None or (False, moved) < best[:2]:
            rows = _rows(mids, widths, edge + outward * moved, outward * LABEL_LINE)
            # on past the farthest thing a line touches (it touches each until past it), or a step on if inside the ring
            past = max(
                (row.bottom + 2 - other.top if above else other.bottom + 2 - row.top for row in rows for other in placed if row.hits(other)), default=0.0
            )
            if not past and not keep_off.cut(rows) and all(_outside(row, ring, SIDE_ROOM) for row in rows):
                crossing = keep_off.crossed(_leader(x, near, mids[0], edge + outward * moved, moved))
                if best is None or (crossing, moved) < best[:2]:
                    best = (crossing, moved, rows, mids)
                break
            moved += max(4, 4 * math.ceil(past / 4))
    assert best is not None
    return best[1:]


def _council_label(
    x: float,
    y: float,
    r: float,
    widths: Sequence[float],
    name_count: int,
    above: bool,
    aside: int,
    width: int,
    placed: Sequence[_Box],
    ring: Sequence[tuple[float, float]],
    keep_off: _KeepOff,
) -> tuple[_Label, list[_Box]]:
    """The label of the council at (``x``, ``y``) of radius ``r`` (its champion's ring included), above or below it, and its lines' boxes.

    Outside ``ring``, clear of the dotted lines drawn so far and with its own crossing no other label (see
    :func:`_label_place`; ``keep_off``).
    """
    order, edge = _label_order(y, r, len(widths), name_count, above)
    near = y - r if above else y + r
    moved, rows, mids = _label_place(x, near, edge, above, aside, [widths[i] for i in order], width, placed, ring, keep_off)
    edge += (-1 if above else 1) * moved
    return _Label(tuple(mids), edge, above, tuple(order), _leader(x, near, mids[0], edge, moved)), rows


def _label_order(y: float, r: float, count: int, name_count: int, above: bool) -> tuple[list[int], float]:
    """The order of a label's ``count`` lines from the council outward (a name of ``name_count`` lines reads downward) and
    the edge it starts from, ``above`` or below the council at height ``y`` of radius ``r``."""
    order = [*reversed(range(name_count)), *range(name_count, count)] if above else list(range(count))
    return order, y - r - 4 if above else y + r + 6


def _gap(box: _Box, disc: tuple[float, float, float]) -> float:
    """How far ``box`` keeps from the disc (x, y, radius) ``disc``."""
    x, y, r = disc
    return math.hypot(x - min(max(x, box.left), box.right), y - min(max(y, box.top), box.bottom)) - r


def _reads_as_another(box: _Box, discs: Sequence[tuple[float, float, float]], k: int, above: bool) -> bool:
    """Whether council ``k``'s name in ``box`` (``above`` it or below) sits straight above (below) another council, nearer it than its own.

    There a room looks for that council's name.
    """
    mine = _gap(box, discs[k])
    return any(
        j != k and box.left < x + r and x - r < box.right and (box.bottom <= y if above else box.top >= y) and _gap(box, (x, y, r)) < mine
        for j, (x, y, r) in enumerate(discs)
    )


def _mark(at: tuple[float, float]) -> _Box:
    """The box of a trust number centred ``at``."""
    hw, hh = TRUST_HALF
    return _Box(at[0] - hw, at[1] - hh, at[0] + hw, at[1] + hh)


def _trust_spots(p1: tuple[float, float], p2: tuple[float, float], side: bool) -> list[tuple[float, float]]:
    """Where the trust number of the line from ``p1`` to ``p2`` (a ``side`` of the ring, or a chord) may sit, first choice
    first: on it, or just beside it with the line still through its box (:data:`TRUST_AT`, :data:`TRUST_BESIDE`)."""
    (x1, y1), (x2, y2) = p1, p2
    at = [f for f in TRUST_AT if side or f != 0.5]
    span = math.hypot(x2 - x1, y2 - y1) or 1.0
    across = ((y1 - y2) / span, (x2 - x1) / span)
    reach = TRUST_HALF[0] * abs(across[0]) + TRUST_HALF[1] * abs(across[1]) - 2  # beside it by no more than keeps its line through the box
    return [(x1 + f * (x2 - x1) + o * across[0], y1 + f * (y2 - y1) + o * across[1]) for o in TRUST_BESIDE if abs(o) <= reach for f in at]


def _covers(at: np.ndarray, box: _Box) -> np.ndarray:
    """Which trust numbers centred ``at`` (an array of x, y rows) ``box`` comes within a unit of."""
    (x, y), (hw, hh) = at.T, TRUST_HALF
    return (x - hw < box.right + 1) & (box.left < x + hw + 1) & (y - hh < box.bottom + 1) & (box.top < y + hh + 1)


def _touching(at: np.ndarray, disc: tuple[float, float, float]) -> np.ndarray:
    """Which trust numbers centred ``at`` (an array of x, y rows) overlap the disc (x, y, radius) ``disc``."""
    (cx, cy, r), (hw, hh) = disc, TRUST_HALF
    return np.hypot(cx - np.clip(cx, at[:, 0] - hw, at[:, 0] + hw), cy - np.clip(cy, at[:, 1] - hh, at[:, 1] + hh)) < r


def _blocker(free: dict[tuple[int, int], np.ndarray]) -> Callable[[Sequence[_Box]], bool]:
    """Whether a label's lines would cover every place left (``free``) for some line's trust number: a test of their
    boxes, with ``free`` gathered once (a label tries many places against the same ``free``)."""
    some = [at for at in free.values() if len(at)]
    every = np.concatenate(some) if some else np.zeros((0, 2))
    starts = np.cumsum([0, *(len(at) for at in some[:-1])])

    def blocks(rows: Sequence[_Box]) -> bool:
        covered = np.zeros(len(every), dtype=bool)
        for row in rows:
            covered |= _covers(every, row)
        return bool(some) and bool(np.logical_and.reduceat(covered, starts).any())

    return blocks


def _over_label(
    x: float,
    y: float,
    r: float,
    widths: Sequence[float],
    name_count: int,
    width: int,
    placed: Sequence[_Box],
    free: dict[tuple[int, int], np.ndarray],
    disc: tuple[float, float, float],
    keep_off: _KeepOff,
) -> tuple[_Label, list[_Box]]:
    """The label of the council at (``x``, ``y``) of radius ``r`` by the council, over the lines of trust (on a white ground).

    Its name as near the council (``disc``) as it can be, above or below it and moved sideways as little as that needs
    (still over or under the circle), clear of what is ``placed`` and of the dotted lines drawn so far (``keep_off``) and
    leaving each line's trust number a place (``free``: each line's places left); where that would put it more than two
    lines farther off than it could be, as near as it can.
    """
    blocks = _blocker(free)
    # one walk for both: each stops where its own best cannot improve or at its first place (sparing the numbers or not)
    found: list[tuple[float, _Label, list[_Box]] | None] = [None, None]
    for above in (True, False):
        order, edge = _label_order(y, r, len(widths), name_count, above)
        lines = [widths[i] for i in order]
        outward = -1 if above else 1
        tried: set[tuple[float, ...]] = set()
        for dx in sorted(range(-width, width + 1, 8), key=abs):
            mids = tuple(min(max(x + dx, min(w, width - 4) / 2 + 2), width - min(w, width - 4) / 2 - 2) for w in lines)
            if mids in tried or abs(mids[order.index(0)] - x) > lines[order.index(0)] / 2 + r - 8:  # pinned, or no longer by its council
                continue
            tried.add(mids)
            moved = 0
            walking = [True, True]
            while True:
                rows = _rows(mids, lines, edge + outward * moved, outward * LABEL_LINE)
                near = _gap(rows[order.index(0)], disc)
                for i, best in enumerate(found):
                    if walking[i] and best is not None and near >= best[0]:
                        walking[i] = False
                if not any(walking):
                    break
                past = max(
                    (row.bottom + 2 - other.top if above else other.bottom + 2 - row.top for row in rows for other in placed if row.hits(other)),
                    default=0.0,
                )
                if not past and not keep_off.cut(rows):
                    for i, spare in enumerate((True, False)):
                        if walking[i] and not (spare and blocks(rows)):
                            start, rim = edge + outward * moved, y - r if above else y + r
                            found[i] = (near, _Label(mids, start, above, tuple(order), _leader(x, rim, mids[0], start, moved), over=True), rows)
                            walking[i] = False
                    if not any(walking):
                        break
                moved += max(4, 4 * math.ceil(past / 4))
    sparing, nearest = found
    assert sparing is not None and nearest is not None
    best = sparing if sparing[0] <= nearest[0] + 2 * LABEL_LINE else nearest
    return best[1], best[2]


def _value_box(x: float, y: float) -> _Box:
    """The box of the value written in the circle of the council centred at (``x``, ``y``): "0.00" in bold at 20 units, its
    baseline 7 below the centre. A trust number with no clear place sat over it: "0.60" over Lowfield's "0.50" in a replay
    of eight councils."""
    half = text_width("0.00", 20, bold=True) / 2
    return _Box(x - half, y + 7 - 0.76 * 20, x + half, y + 7 + 0.24 * 20)


def _trust_marks(
    spots: dict[tuple[int, int], np.ndarray],
    free: dict[tuple[int, int], np.ndarray],
    squares: Sequence[_Box],
    labels: Sequence[_Box],
    discs: Sequence[tuple[float, float, float]],
) -> dict[tuple[int, int], tuple[float, float]]:
    """Each line's trust number's centre, from its ``spots`` (first choice first).

    The line with the fewest places left (``free``: clear of the councils, the labels and the numbers placed so far) goes
    next, at the place that takes no other line's last places, reaching into the fewest councils' boxes (``squares``: beside
    a circle), first choice first. A line with no place left (where two big councils nearly touch) takes the place that
    covers the fewest labels, then numbers (the values in the circles too: :func:`_value_box`), then councils.
    """
    left = dict(free)
    apart_x, apart_y = 2 * TRUST_HALF[0] + 1, 2 * TRUST_HALF[1] + 1  # two numbers' centres nearer than this on both axes overlap
    marks: dict[tuple[int, int], tuple[float, float]] = {}
    while left:
        edge = min(left, key=lambda e: len(left[e]))
        at = left.pop(edge)
        if len(at):
            # the place that takes the last places of the fewest other lines (only those whose places one number can cover),
            # then reaches into the fewest councils' boxes, then comes first
            emptied = np.zeros(len(at), dtype=int)
            for other in left.values():
                if len(other) and np.ptp(other[:, 0]) < apart_x * 2 and np.ptp(other[:, 1]) < apart_y * 2:
                    emptied += np.all((np.abs(at[:, None, 0] - other[None, :, 0]) < apart_x) & (np.abs(at[:, None, 1] - other[None, :, 1]) < apart_y), axis=1)
            reaches = np.sum([_covers(at, square) for square in squares], axis=0)
            mark = at[np.lexsort((np.arange(len(at)), reaches, emptied))[0]]
        else:
            # the place that covers the fewest labels, then numbers (trust, and the value in a circle), then councils, then comes first
            every, none = spots[edge], np.zeros(len(spots[edge]), dtype=int)
            numbers = [_mark(m) for m in marks.values()] + [_value_box(x, y) for x, y, _ in discs]
            touched = sum((_touching(every, disc) for disc in discs), none)
            covered = [sum((_covers(every, box) for box in boxes), none) for boxes in (numbers, labels)]
            mark = every[np.lexsort((np.arange(len(every)), touched, *covered))[0]]
        marks[edge] = (float(mark[0]), float(mark[1]))
        left = {e: at[(np.abs(at[:, 0] - mark[0]) >= apart_x) | (np.abs(at[:, 1] - mark[1]) >= apart_y)] for e, at in left.items()}
    return marks


def _label_orders(n: int) -> list[list[int]]:
    """The orders in which the labels of ``n`` councils are tried: the councils' own, then back round the ring from each
    council (on 320 drawings of 7 or 8 councils these were best the most often)."""
    return [list(range(n)), *([(start - k) % n for k in range(n)] for start in range(n))]


def _labelled(
    order: Sequence[int],
    pos: Sequence[tuple[float, float]],
    councils: tuple[tuple[float, int, tuple[float, ...], int], ...],
    cx: float,
    cy: float,
    width: int,
    squares: Sequence[_Box],
    discs: Sequence[tuple[float, float, float]],
    free: dict[tuple[int, int], np.ndarray],
    enough: float,
) -> tuple[list[_Label], list[_Box], dict[tuple[int, int], np.ndarray], list[tuple[int, int]]] | None:
    """The councils' labels placed in ``order`` (in the councils' order), their lines' boxes, the places each trust number
    has left (``free`` less those the labels cover), and each dotted line that crosses another label or council: (``k``,
    ``j``) where council ``k``'s crosses council ``j``'s label (``j`` -1: another council's circle); none once ``enough``
    lines cross (an order no better than one tried before: placing the rest would be wasted).

    The councils' boxes are ``squares``, their circles ``discs`` (see :func:`_place`).
    """
    n = len(councils)
    ring = pos if n > 2 else []
    placed = list(squares)
    labels: dict[int, _Label] = {}
    lines: dict[int, list[_Box]] = {}
    leaders: list[Segment] = []
    crossed: list[tuple[int, int]] = []
    # every line's places in one array, those the labels have not covered marked: one test of a label's lines for all
    edges = list(free)
    every = np.concatenate([free[edge] for edge in edges]) if edges else np.zeros((0, 2))
    ends = np.cumsum([len(free[edge]) for edge in edges])
    uncovered = np.ones(len(every), dtype=bool)

    def left() -> dict[tuple[int, int], np.ndarray]:
        return {edge: every[end - len(free[edge]) : end][uncovered[end - len(free[edge]) : end]] for edge, end in zip(edges, ends, strict=True)}

    for k in order:
        (x, y), (r, g, widths, name_count) = pos[k], councils[k]
        aside = 1 if x > cx + 1 else -1 if x < cx - 1 else 0
        keep_off = _KeepOff(tuple(leaders), tuple(placed[n:]), tuple(disc for j, disc in enumerate(discs) if j != k))
        label, rows = _council_label(x, y, r + g, widths, name_count, n > 2 and y < cy - 1, aside, width, placed, ring, keep_off)
        if _reads_as_another(rows[label.order.index(0)], discs, k, label.above):  # by its own council instead, over the lines
            label, rows = _over_label(x, y, r + g, widths, name_count, width, placed, left(), discs[k], keep_off)
        placed += rows
        labels[k], lines[k] = label, rows
        if label.leader and keep_off.crossed(label.leader):
            leaders.append(label.leader)
            crossed += [(k, j) for j, boxes in lines.items() if any(_crosses(label.leader, box) for box in boxes)] or [(k, -1)]
            if len(crossed) >= enough:
                return None
        elif label.leader:
            leaders.append(label.leader)
        for row in rows:
            uncovered &= ~_covers(every, row)
    return [labels[k] for k in range(n)], placed[n:], left(), crossed


@functools.lru_cache(maxsize=512)
def _place(width: int, height: int, councils: tuple[tuple[float, int, tuple[float, ...], int], ...], edges: tuple[tuple[int, int], ...]) -> _Placement:
    """Place the councils, their labels and the trust numbers of ``edges`` (see :func:`network`).

    ``councils`` holds each council's radius, champion's ring, its label lines' widths and its name's line count: all
    the placement depends on, so a run's months that change only numbers (values, trust, months of notice left within
    as many digits) reuse one placement.
    """
    n = len(councils)
    legend = legend_room(width)
    cx, cy = width / 2, PAIR_ABOVE  # two (or one): near the top, their labels below
    ry = (height - 40) * 0.36
    if n > 2:  # room above the upper councils and below the lower ones for a name, a notice badge and "champion left"
        ys = [y for _, y in _ring(n, 0.0, 0.0, 1.0, 1.0)]
        ry = min(ry, (height - legend - LABELS_ABOVE - LABELS_BELOW) / (max(ys) - min(ys)))
        cy = (height - legend - LABELS_BELOW + LABELS_ABOVE - ry * (min(ys) + max(ys))) / 2
    pos = _ring(n, cx, cy, width * (0.25 if n == 2 else 0.36), ry)
    placed = [_Box(x - r - g - 2, y - r - g - 2, x + r + g + 2, y + r + g + 2) for (x, y), (r, g, _, _) in zip(pos, councils, strict=True)]

    # Each council's label: its lines from the council outward (above an upper council, below a lower one), each centred
    # on it as far as the drawing allows; the lines move together, first toward the side of the drawing the council is
    # on, then away from it, as little as keeps them outside the ring and clear of what is placed before them. Placed in
    # the order whose dotted lines cross the fewest labels and councils, then leaves the fewest lines no place for their
    # trust number (:func:`_label_orders`).
    discs = [(x, y, r + g + 2) for (x, y), (r, g, _, _) in zip(pos, councils, strict=True)]
    spots = {(i, j): np.array(_trust_spots(pos[i], pos[j], (j - i) % n in (1, n - 1))) for i, j in edges}
    free = {edge: at[~np.any([_touching(at, disc) for disc in discs], axis=0)] for edge, at in spots.items()}
    # Each trust number on its line (or just beside it, the line still through its box), clear of councils, labels and
    # the numbers placed before it; the line with the fewest places left goes next.
    best: tuple[int, list[_Label], list[_Box], dict[tuple[int, int], tuple[float, float]]] | None = None
    unavoidable = sum(not len(at) for at in free.values())  # lines whose number cannot keep off the councils
    for order in _label_orders(n):  # an order stops once its crossings and those lines make as many faults as the best so far
        tried = _labelled(order, pos, councils, cx, cy, width, placed, discs, free, math.inf if best is None else best[0] - unavoidable)
        if tried is None:
            continue
        labels, rows, left, crossed = tried
        marks = _trust_marks(spots, left, placed, rows, discs)
        faults = len(crossed) + sum(any(_mark(mark).touches(*disc) for disc in discs) for mark in marks.values())
        if best is None or faults < best[0]:
            best = (faults, labels, rows, marks)
        if faults <= unavoidable:
            break
    assert best is not None
    _, labels, rows, marks = best
    placed += rows + [_mark(mark) for mark in marks.values()]

    # The drawing spans what is placed, with the legend below.
    shift = max(0.0, 4 - min(b.top for b in placed))
    height = max(height, math.ceil(max(b.bottom for b in placed) + shift + legend + 6))
    return _Placement(tuple(pos), tuple(labels), tuple(marks[edge] for edge in edges), height, shift)


def network(nodes: Sequence[Node], trust: dict[tuple[int, int], float], width: int | None = None, around: int = AROUND) -> str:
    """The councils as agents on a ring, joined by the trust between current partners.

    A node's area grows with the council's size, its fill with its net value (the value it
    sees, written inside, less going alone); an edge's width grows with mutual trust (number
    written on it). A dashed orange ring and "champion left" mark a council whose key person
    has gone; a black badge "notice: leaves in N months" a council that has given notice; a
    grey, crossed-out node "left in month N" a council that left.

    Each council's label sits outside the ring, above it (upper half) or below it, inside the
    drawing, as near as it can without touching a council or a label placed before it, and
    :data:`SIDE_ROOM` clear of the ring's sides (a label moved off its council has a dotted
    line to it, drawn under the councils and labels, which crosses no other label or council where any order of placing
    the labels allows: :func:`_label_orders`; a long name takes two lines). A name that outside the ring would sit straight
    under (over) another council, nearer it than its own, sits by its own council instead, on a
    white ground over the lines of trust (with 7 or 8 councils, those at the ring's sides), moved sideways as little as
    leaves each line's trust number a place (:func:`_over_label`). Each trust number sits on its own line (or just beside
    it with the line still through its box: :data:`TRUST_AT`, :data:`TRUST_BESIDE`), clear of councils, labels and other
    numbers; the line with the fewest places left chooses next, where it takes no other line's last place
    (:func:`_trust_marks`). The numbers are drawn last: one with no clear place (two big councils nearly touching) sits
    over a council's rim, never under it.
    The drawing decides its own size: ``width`` wide (by default :func:`drawing_width`), and as tall as its councils need
    (:func:`room`, more where the labels need it: many councils, long names); on the page it is
    no taller than the screen less what the page shows around it (``around``: :data:`AROUND`, in a replay
    :data:`REPLAY_AROUND`) where its text keeps 14 px (shrunk,
    centred). The placement
    is computed once for what it depends on (councils' sizes, labels, which partners are
    joined) and reused while only the numbers change.
    """
    n = len(nodes)
    width = drawing_width(n) if width is None else width
    biggest = max((nd.size for nd in nodes), default=1.0) or 1.0
    radius = [18 + 22 * math.sqrt(max(nd.size, 0.0) / biggest) for nd in nodes]
    rings = [9 if not nd.key_person_present and nd.active else 0 for nd in nodes]
    lines = [_label_lines(nd, width) for nd in nodes]
    councils = tuple((r, g, tuple(w for _, _, w in said), name_count) for (said, name_count), r, g in zip(lines, radius, rings, strict=True))
    edges = tuple(sorted(trust))
    at = _place(width, room(n, width), councils, edges)
    height, shift = at.height, at.shift
    body: list[str] = []
    for i, j in edges:
        (x1, y1), (x2, y2) = at.pos[i], at.pos[j]
        t = trust[i, j]
        w = 2 + 14 * min(max(t, 0.0), 1.0)
        dash = ' stroke-dasharray="10 7"' if t < 0.3 else ""
        ends = f'x1="{x1:.1f}" y1="{y1 + shift:.1f}" x2="{x2:.1f}" y2="{y2 + shift:.1f}"'
        body.append(f'<line {ends} stroke="{GREY}" stroke-width="{w:.1f}" stroke-linecap="round"{dash}/>')
    for x1, y1, x2, y2 in (label.leader for label in at.labels if label.leader):  # a label moved off its council: a line to it, under the rest
        body.append(f'<line x1="{x1:.1f}" y1="{y1 + shift:.1f}" x2="{x2:.1f}" y2="{y2 + shift:.1f}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="3 3"/>')
    for k, (nd, (x, y), r, g, label) in enumerate(zip(nodes, at.pos, radius, rings, at.labels, strict=True)):
        y += shift
        fill = value_colour(nd.net) if nd.active else "#F2F2F2"
        stroke = COUNCIL_COLOURS[k % len(COUNCIL_COLOURS)]
        if g:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r + g:.1f}" fill="none" stroke="{OI["orange"]}" stroke-width="5" stroke-dasharray="8 5"/>')
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
        mids, edge, above = label.mids, label.edge, label.above
        for line, (mid, (kind, text, w)) in enumerate(zip(mids, (lines[k][0][i] for i in label.order), strict=True)):
            base = edge + shift - 6 - LABEL_LINE * line if above else edge + shift + 18 + LABEL_LINE * line
            if label.over:  # a white ground keeps it legible over the lines of trust
                top = edge + shift - LABEL_LINE * (line + 1) if above else edge + shift + LABEL_LINE * line
                body.append(f'<rect x="{mid - w / 2:.1f}" y="{top:.1f}" width="{w:.1f}" height="{LABEL_LINE}" rx="4" fill="#FFFFFF" fill-opacity="0.9"/>')
            marked = 'class="sim-council-label"'
            if kind == "name, continued":
                body.append(_text(mid, base, text, 19, weight="bold", extra=marked))
            elif kind == "name":
                body.append(
                    f'<text x="{mid:.1f}" y="{base:.1f}" font-size="19" text-anchor="middle" fill="{INK}" font-weight="bold" {marked}>'
                    f'<tspan fill="{stroke}">\u25a0</tspan> {escape(text)}</text>'
                )
            elif kind == "notice":
                body.append(
                    f'<g {marked}><rect x="{mid - w / 2:.1f}" y="{base - 16:.1f}" width="{w:.1f}" height="22" rx="4" fill="{INK}"/>'
                    + _text(mid, base, text, 16, fill="#FFFFFF", weight="bold", extra='class="sim-notice-badge"')
                    + "</g>"
                )
            else:
                colour = OI["vermillion"] if kind == "left" else "#8A5A00"
                body.append(_text(mid, base, text, 17, fill=colour, weight="bold", extra=marked))
    for (mx, my), edge in zip(at.marks, edges, strict=True):  # over the councils and their labels: no number is ever hidden
        body.append(
            f'<g class="sim-trust"><rect x="{mx - TRUST_HALF[0]:.1f}" y="{my + shift - TRUST_HALF[1]:.1f}" width="{2 * TRUST_HALF[0]}"'
            f' height="{2 * TRUST_HALF[1]}" rx="6" fill="#FFFFFF" stroke="{GREY}"/>' + _text(mx, my + shift + 6, f"{trust[edge]:.2f}", 18) + "</g>"
        )
    body.append(_legend(width, height))
    names = ", ".join(f"{nd.name} sees {nd.value_seen:.2f}" + (" (notice given)" if nd.notice else "") if nd.active else f"{nd.name} left" for nd in nodes)
    return _svg(width, height, body, f"Councils: {names}", fit=True, around=around)


def _legend(width: int, height: int) -> str:
    """The colour scale and what the numbers and lines mean, on what scale (:data:`KEY`), at the drawing's foot: in one
    row, or in two where it is narrow (:func:`legend_room`), the key under the colour scale; where that row is too narrow
    for the key in the widest face (:data:`KEY_WIDTH`), its second part (:data:`KEY_PARTS`) beside the colour scale instead."""
    y = height - 16 - (legend_room(width) - LEGEND_ROOM)
    parts = [_text(8, y + 5, "leave", 16, anchor="start", fill="#444444")]
    for s in range(24):
        net = NET_RANGE * (2 * s / 23 - 1)
        parts.append(f'<rect x="{GRADIENT_AT + s * GRADIENT / 24:.1f}" y="{y - 8}" width="{GRADIENT / 24 + 0.6:.1f}" height="16" fill="{value_colour(net)}"/>')
    parts.append(_text(STAY_AT, y + 5, "stay", 16, anchor="start", fill="#444444"))
    if legend_room(width) == LEGEND_ROOM:
        keys = [(width - 8, y + 5, KEY, "end")]
    elif 8 + KEY_WIDTH + 8 <= width:
        keys = [(8, height - 11, KEY, "start")]
    else:
        keys = [(width - 8, y + 5, KEY_PARTS[1], "end"), (8, height - 11, KEY_PARTS[0], "start")]
    parts += [_text(x, base, words, 16, anchor=anchor, fill="#444444") for x, base, words, anchor in keys]
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
    scale: str = "",
) -> str:
    """A line chart with axes, gridlines and a legend; ``now`` marks the current month; ``scale``, where given, says under
    the legend what a line's height means (its units, what 0 and 1 are), on one line or two (the chart taller by as much,
    its plot as tall as without it).

    A title too long for one line in DejaVu Sans (:func:`text_width`) takes two (the app's titles fit one at :data:`NARROW`;
    "Value each council sees (1 = the promise)" did not, and ran 44 units past its right edge). The last month's number
    keeps inside the right edge ("120" ran 1.3 units past it).
    """
    titles = _two_lines(title, 21, width - 16)
    below = 24 * (len(titles) - 1)
    legend, rows = _chart_legend(series, 8, width, below)
    scales = _two_lines(scale, 16, width - 16, bold=False) if scale else []
    height += LEGEND_ROW * len(scales)
    x_max = max(x_max, 1)
    x_ticks = _ticks(0, x_max, 6)
    left, right, top, bottom = 58, max(14, math.ceil(text_width(_fmt(x_ticks[-1]), 16) / 2) + 2), 46 + below + 24 * rows + LEGEND_ROW * len(scales), 52
    pw, ph = width - left - right, height - top - bottom
    y_max = y_max if y_max > y_min else y_min + 1

    def px(x: float) -> float:
        return left + pw * x / x_max

    def py(y: float) -> float:
        return top + ph * (1 - (y - y_min) / (y_max - y_min))

    body = [_text(8, 26 + 24 * k, line, 21, anchor="start", weight="bold") for k, line in enumerate(titles)]
    body += [_text(8, 50 + below + 24 * rows + LEGEND_ROW * k, line, 16, anchor="start", fill="#444444") for k, line in enumerate(scales)]
    for y in _ticks(y_min, y_max, 4):
        body.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#E3E3E3" stroke-width="1.5"/>')
        body.append(_text(left - 8, py(y) + 6, _fmt(y), 16, anchor="end", fill="#444444"))
    for x in x_ticks:
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


def _chart_legend(series: Sequence[Series], left: int, width: int, below: int = 0) -> tuple[str, int]:
    """The legend in rows from ``left`` (wrapped at ``width``; ``below``: how much further down than under a one-line title), and the number of rows."""
    x, row, parts = float(left), 0, []
    for s in series:
        w = 44 + text_width(s.label, 16)
        if x > left and x + w > width:
            x, row = float(left), row + 1
        y = 44 + below + 24 * row
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        parts.append(f'<line x1="{x:.1f}" x2="{x + 24:.1f}" y1="{y}" y2="{y}" stroke="{s.colour}" stroke-width="{s.width}"{dash}/>')
        parts.append(_text(x + 29, y + 6, s.label, 16, anchor="start"))
        x += w
    return "".join(parts), row + 1
