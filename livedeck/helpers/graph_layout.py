"""Where the boxes of a layered graph go and how its arrows run, in inches, for `grad_graph`.

Columns (the graph's layers) stand side by side; a graph deeper than the slide is wide folds into
bands, snake-wise, so each band reads on from where the last one ended. Arrows run only through
empty space: between neighbouring columns straight across the gap, and otherwise (an arrow that skips
columns, or turns into the next band) along lanes above each band, gaps between columns and the
margins, each arrow on a track of its own. So no arrow passes through a box, and boxes, sized from
their measured labels, never overlap. Of the possible foldings, the one nearest a slide's 16:9 that
a slide shows without shrinking the text is chosen.

Pure geometry: no matplotlib here (autograd_graph.py draws what this places).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

GAP = 0.32  # between columns, before any arrow tracks
ROW_GAP = 0.13  # between boxes in a column
TRACK = 0.06  # between two arrows running side by side
MARGIN = 0.15
ASPECT = 16 / 9
MAX_WIDTH, MAX_HEIGHT = 12.9, 6.3  # a figure alone on a slide, shown at 12/13 of this or more: 12 pt text

Point = tuple[float, float]


@dataclass(frozen=True)
class Rect:
    """A node's box: its left and right edges, and its top and height measured down from the drawing's top."""
    x: float
    right: float
    y: float
    h: float

    @property
    def w(self) -> float:
        return self.right - self.x

    @property
    def middle(self) -> float:
        """Where its arrows meet it: half-way down its sides."""
        return self.y + self.h / 2


@dataclass(frozen=True)
class Placed:
    boxes: dict[int, Rect]
    arrows: tuple[tuple[Point, ...], ...]  # one polyline per edge, in the order given, ending at the target
    width: float
    height: float  # the footer included


@dataclass
class _Tracks:
    """How many arrows run along each gap, lane and margin: each gets its own track."""
    gaps: dict[tuple[int, int], int] = field(default_factory=dict)  # (band, slot the gap follows) → count
    lanes: dict[int, int] = field(default_factory=dict)  # band → count
    margins: dict[str, int] = field(default_factory=dict)  # "left" / "right" → count

    def take(self, table: dict, key) -> int:
        table[key] = table.get(key, 0) + 1
        return table[key] - 1


def place(columns: list[list[int]], sizes: dict[int, tuple[float, float]], edges: list[tuple[int, int]],
          footer: float = 0.0) -> Placed:
    """The folding of `columns` (output first) nearest 16:9 among those a slide shows whole; `footer`:
    room below the graph (its legend), counted in the drawing's height."""
    options = [_fold(columns, sizes, edges, per_band, footer) for per_band in range(1, len(columns) + 1)]
    fitting = [p for p in options if p.width <= MAX_WIDTH and p.height <= MAX_HEIGHT] or \
        [min(options, key=lambda p: max(p.width / MAX_WIDTH, p.height / MAX_HEIGHT))]
    return min(fitting, key=lambda p: abs(math.log(p.width / p.height / ASPECT)))


def _fold(columns: list[list[int]], sizes: dict[int, tuple[float, float]], edges: list[tuple[int, int]],
          per_band: int, footer: float) -> Placed:
    column_of = {key: c for c, keys in enumerate(columns) for key in keys}
    band_of = [c // per_band for c in range(len(columns))]
    # slot: left to right on the page; even bands run right to left (the output top right), odd ones back
    slot_of = [c % per_band if band_of[c] % 2 else per_band - 1 - c % per_band for c in range(len(columns))]
    bands = band_of[-1] + 1
    flows_left = [band % 2 == 0 for band in range(bands)]

    routes, tracks = [], _Tracks()
    for a, b in edges:
        ca, cb = column_of[a], column_of[b]
        routes.append(_route(ca, cb, band_of, slot_of, flows_left, per_band, tracks))

    slot_w = [max((sizes[k][0] for c in range(len(columns)) if slot_of[c] == s for k in columns[c]), default=0.0)
              for s in range(per_band)]
    gap_w = [GAP + TRACK * max((n for (band, slot), n in tracks.gaps.items() if slot == s), default=0)
             for s in range(per_band - 1)]
    left = MARGIN + TRACK * tracks.margins.get("left", 0)
    slot_x = []
    x = left
    for s in range(per_band):
        slot_x.append(x)
        x += slot_w[s] + (gap_w[s] if s < per_band - 1 else 0.0)
    width = x + MARGIN + TRACK * tracks.margins.get("right", 0)

    column_h = [sum(sizes[k][1] for k in keys) + ROW_GAP * (len(keys) - 1) for keys in columns]
    band_h = [max(column_h[c] for c in range(len(columns)) if band_of[c] == band) for band in range(bands)]
    lane_h = [TRACK * (tracks.lanes.get(band, 0) + 1) for band in range(bands)]
    band_y, y = [], MARGIN
    for band in range(bands):
        y += lane_h[band]
        band_y.append(y)
        y += band_h[band]
    height = y + MARGIN + footer

    boxes: dict[int, Rect] = {}
    for c, keys in enumerate(columns):
        top = band_y[band_of[c]] + (band_h[band_of[c]] - column_h[c]) / 2
        for key in keys:
            w, h = sizes[key]
            x0 = slot_x[slot_of[c]] + (slot_w[slot_of[c]] - w) / 2  # centred in its slot
            boxes[key] = Rect(x0, x0 + w, top, h)
            top += h + ROW_GAP
    geometry = _Geometry(slot_x, slot_w, left, band_y, lane_h)
    arrows = tuple(_polyline(route, boxes[a], boxes[b], geometry) for route, (a, b) in zip(routes, edges))
    return Placed(boxes, arrows, width, height)


@dataclass(frozen=True)
class _Geometry:
    slot_x: list[float]
    slot_w: list[float]
    left: float  # the left margin's width
    band_y: list[float]  # each band's top
    lane_h: list[float]  # the lane above each band

    def gap(self, slot: int, track: int) -> float:
        """The x of a track in the gap right of `slot`."""
        return self.slot_x[slot] + self.slot_w[slot] + GAP / 2 + TRACK * track

    def margin(self, side: str, track: int) -> float:
        """The x of a track in the left or right margin, outward from the boxes."""
        if side == "left":
            return self.left - MARGIN / 2 - TRACK * track
        return self.slot_x[-1] + self.slot_w[-1] + MARGIN / 2 + TRACK * track

    def lane(self, band: int, track: int) -> float:
        return self.band_y[band] - self.lane_h[band] + TRACK * (track + 0.5)


def _route(ca: int, cb: int, band_of: list[int], slot_of: list[int], flows_left: list[bool], per_band: int,
           tracks: _Tracks) -> list:
    """The corridors an arrow from column `ca` to column `cb` takes, each with its track."""
    ka, kb = band_of[ca], band_of[cb]
    if cb == ca + 1 and ka == kb:
        return [("across",)]
    if cb == ca + 1:  # the next band begins under the end of this one: down the margin
        side = "left" if flows_left[ka] else "right"
        return [("margin", side, tracks.take(tracks.margins, side))]
    steps: list[tuple] = []  # ("leave"|"lane"|"turn"|"enter", …) as each kind of step needs

    def gap_after(c: int):  # the gap on the side a column's arrows leave by (its band's margin at the end)
        band, slot = band_of[c], slot_of[c]
        if flows_left[band]:
            return ("gap", band, slot - 1) if slot > 0 else ("side", "left")
        return ("gap", band, slot) if slot < per_band - 1 else ("side", "right")

    def gap_before(c: int):
        band, slot = band_of[c], slot_of[c]
        if flows_left[band]:
            return ("gap", band, slot) if slot < per_band - 1 else ("side", "right")
        return ("gap", band, slot - 1) if slot > 0 else ("side", "left")

    def corridor(where):
        if where[0] == "gap":
            return ("gap", where[2], tracks.take(tracks.gaps, (where[1], where[2])))
        return ("margin", where[1], tracks.take(tracks.margins, where[1]))

    steps.append(("leave", corridor(gap_after(ca))))
    for band in range(ka, kb + 1):
        steps.append(("lane", band, tracks.take(tracks.lanes, band)))
        if band < kb:
            side = "left" if flows_left[band] else "right"
            steps.append(("turn", ("margin", side, tracks.take(tracks.margins, side))))
    steps.append(("enter", corridor(gap_before(cb))))
    return steps


def _x(corridor, geometry: _Geometry) -> float:
    kind, where, track = corridor
    return geometry.gap(where, track) if kind == "gap" else geometry.margin(where, track)


def _polyline(route: list, source: Rect, target: Rect, geometry: _Geometry) -> tuple[Point, ...]:
    """Out of the source's side that faces its corridor, through the corridors, into the target's side."""
    if route[0][0] == "across":
        if target.x >= source.right:
            return (source.right, source.middle), (target.x, target.middle)
        return (source.x, source.middle), (target.right, target.middle)
    if route[0][0] == "margin":
        x = geometry.margin(route[0][1], route[0][2])
        side = (lambda r: r.x) if route[0][1] == "left" else (lambda r: r.right)
        return (side(source), source.middle), (x, source.middle), (x, target.middle), (side(target), target.middle)
    leave_x = _x(route[0][1], geometry)
    points = [(source.right if leave_x > source.right else source.x, source.middle), (leave_x, source.middle)]
    for step in route[1:-1]:
        if step[0] == "lane":
            y = geometry.lane(step[1], step[2])
            points.append((points[-1][0], y))
        else:  # down the margin to the next band's lane: the lane step that follows sets its height
            x = _x(step[1], geometry)
            points.append((x, points[-1][1]))
    enter_x = _x(route[-1][1], geometry)
    points += [(enter_x, points[-1][1]), (enter_x, target.middle),
               (target.x if enter_x < target.x else target.right, target.middle)]
    return tuple(points)
