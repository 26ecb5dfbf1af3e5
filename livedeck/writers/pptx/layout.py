"""Choose where every block of a slide goes in PowerPoint, and at what size: no python-pptx here.

Blocks stack top to bottom in the body box (or code left, figure right). Text and
code shrink together, one level at a time, down to a floor (code never below 12 pt);
what still does not fit continues on "<heading> (cont.)" slides. Figures take the
height that is left, so nothing overlaps and nothing runs off the slide.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

from livedeck.layout import columns
from livedeck.model import Block, Code, ColumnBreak, Error, Figure, Markdown, Math, Slide, Stream, Table, Value
from livedeck.writers.pptx import measure
from livedeck.writers.pptx.richtext import Paragraph, Run, code_paragraphs, markdown_paragraphs, mono_paragraphs

# (text, code and output, table) font sizes in points, largest first; the last is the floor.
LEVELS = [(28, 24, 22), (26, 22, 20), (24, 20, 20), (22, 18, 18), (20, 16, 16), (18, 14, 15), (16, 13, 14),
          (15, 12, 13)]
GAP = 8.0  # points between blocks
TEXT_INSET = (3.0, 2.0)  # left/right, top/bottom insets of a text box
CODE_INSET = (8.0, 5.0)
CELL_INSET = (5.0, 3.0)
BULLET_INDENT = 1.3  # list indent per level, in multiples of the font size (room for "10.")
FIGURE_MIN_HEIGHT = 130.0
CAPTION_SIZE = 14.0
MATH_SIZE_FACTOR = 1.25  # display math a little larger than body text


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Placed:
    """One shape to draw: the block it shows, where, at which font size, with what content."""
    block: Block
    box: Box
    size: float = 0.0  # font size in points (text, code, output, table, caption)
    paragraphs: tuple[Paragraph, ...] = ()  # text-like blocks: the lines shown here
    rows: tuple[tuple[str, ...], ...] = ()  # tables: the rows shown here (the header is repeated)
    column_widths: tuple[float, ...] = ()
    picture: Optional[Box] = None  # figures and math: the picture inside `box`
    caption: Optional[Box] = None


@dataclass(frozen=True)
class PlannedSlide:
    title: str
    items: tuple[Placed, ...]
    notes: str
    continued: bool = False


@dataclass(frozen=True)
class Piece:
    """A block, or the part of it that goes on one slide."""
    block: Block
    paragraphs: tuple[Paragraph, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


MathRenderer = Callable[[str, float], tuple[float, float]]  # latex, size → natural width, height (pt)
# (how many pieces span the top, (width, pieces) per column, the pieces across the bottom)
Split = tuple[int, tuple[tuple[float, list["Piece"]], ...], list["Piece"]]


def _kind(block: Block) -> str:
    if isinstance(block, Markdown):
        return "text"
    if isinstance(block, Code):
        return "code"
    if isinstance(block, (Stream, Value, Error)):
        return "output"
    return type(block).__name__.lower()


def to_piece(block: Block, code_style: str, figures: str = "") -> Piece:
    if isinstance(block, Markdown):
        return Piece(block, tuple(markdown_paragraphs(block.text)))
    if isinstance(block, Code):
        return Piece(block, tuple(code_paragraphs(block.source, block.language, code_style)))
    if isinstance(block, Stream):
        lines = mono_paragraphs(block.text)
        if block.truncated:
            note = f"… {block.truncated} more line{'s' if block.truncated != 1 else ''} not shown"
            if block.full:
                note += f" (all of it: {figures}/{block.full})"
            lines.append(Paragraph((Run(note, italic=True, code=True),)))
        return Piece(block, tuple(lines))
    if isinstance(block, (Value, Error)):
        return Piece(block, tuple(mono_paragraphs(block.text)))
    if isinstance(block, Table):
        return Piece(block, rows=block.rows)
    return Piece(block)


class Planner:
    """Measures pieces at a size level; one per slide geometry."""

    def __init__(self, math_size: MathRenderer):
        self.math_size = math_size

    def inset(self, piece: Piece) -> tuple[float, float]:
        return CODE_INSET if _kind(piece.block) in ("code", "output") else TEXT_INSET

    def font(self, piece: Piece, level: int) -> float:
        text, code, table = LEVELS[level]
        return {"text": text, "code": code, "output": code, "table": table, "math": text}.get(_kind(piece.block), text)

    def text_height(self, piece: Piece, width: float, level: int) -> float:
        size = self.font(piece, level)
        inset_x, inset_y = self.inset(piece)
        # 3 % slack: renderers differ in kerning and rounding, and a line that only just
        # fits here must not wrap in PowerPoint or LibreOffice.
        available = (width - 2 * inset_x) * 0.97
        lines = 0
        for paragraph in piece.paragraphs:
            indent = (paragraph.level + 1) * BULLET_INDENT * size if paragraph.bullet else 0.0
            lines += measure.wrapped_lines(paragraph, size, available - indent)
        spacing = self.paragraph_spacing(piece, level) * max(0, len(piece.paragraphs) - 1)
        return lines * size * measure.LINE_SPACING + spacing + 2 * inset_y

    def paragraph_spacing(self, piece: Piece, level: int) -> float:
        return round(self.font(piece, level) * 0.3, 1) if _kind(piece.block) == "text" else 0.0

    def column_widths(self, piece: Piece, level: int) -> list[float]:
        block = piece.block
        assert isinstance(block, Table)
        size = self.font(piece, level)
        grid = ([block.header] if block.header else []) + list(piece.rows)
        count = max(len(r) for r in grid)
        return [max(measure.width(row[i], size, mono=True, bold=(r == 0 and bool(block.header)))
                    for r, row in enumerate(grid) if i < len(row)) + 2 * CELL_INSET[0] + 2
                for i in range(count)]

    def table_height(self, piece: Piece, level: int) -> float:
        """The table's rows, and its caption beneath when it has one."""
        size = self.font(piece, level)
        rows = len(piece.rows) + (1 if piece.block.header else 0)
        caption = self._caption_height() if piece.block.caption else 0.0
        return rows * (size * measure.LINE_SPACING + 2 * CELL_INSET[1]) + 2 + caption

    def math_box(self, piece: Piece, width: float, level: int) -> tuple[float, float]:
        natural_w, natural_h = self.math_size(piece.block.latex, self.font(piece, level) * MATH_SIZE_FACTOR)
        scale = min(1.0, width / natural_w) if natural_w else 1.0
        return natural_w * scale, natural_h * scale

    def fixed_height(self, piece: Piece, width: float, level: int) -> Optional[float]:
        """Height of a piece that does not stretch; None for a figure (it takes what is left)."""
        kind = _kind(piece.block)
        if kind == "figure":
            return None
        if kind == "table":
            if sum(self.column_widths(piece, level)) > width:
                return float("inf")
            return self.table_height(piece, level)
        if kind == "math":
            return self.math_box(piece, width, level)[1]
        return self.text_height(piece, width, level)

    def figure_min(self, piece: Piece) -> float:
        return FIGURE_MIN_HEIGHT + (self._caption_height() if piece.block.caption else 0.0)

    @staticmethod
    def _caption_height() -> float:
        return CAPTION_SIZE * measure.LINE_SPACING + 2 * TEXT_INSET[1] + 2

    def stack(self, pieces: list[Piece], box: Box, level: int) -> Optional[list[Placed]]:
        """Place pieces top to bottom in `box` at `level`, or None when they do not fit."""
        heights = [self.fixed_height(p, box.w, level) for p in pieces]
        figures = [i for i, h in enumerate(heights) if h is None]
        fixed = sum(h for h in heights if h is not None) + GAP * max(0, len(pieces) - 1)
        spare = box.h - fixed - sum(self.figure_min(pieces[i]) for i in figures)
        if spare < -0.01:
            return None
        figure_heights = {}
        if figures:
            share = (box.h - fixed) / len(figures)
            for i in figures:
                figure_heights[i] = share
        placed: list[Placed] = []
        y = box.y
        for i, piece in enumerate(pieces):
            height = figure_heights.get(i, heights[i])
            placed.append(self.place(piece, Box(box.x, y, box.w, height), level))
            y += placed[-1].box.h + GAP
        return placed

    def place(self, piece: Piece, box: Box, level: int) -> Placed:
        block, size = piece.block, self.font(piece, level)
        if isinstance(block, Figure):
            caption_h = self._caption_height() if block.caption else 0.0
            room_h = box.h - caption_h
            aspect = block.width / block.height
            w = min(box.w, room_h * aspect)
            h = w / aspect
            picture = Box(box.x + (box.w - w) / 2, box.y, w, h)
            caption = Box(box.x, box.y + h, box.w, caption_h) if block.caption else None
            return Placed(block, Box(box.x, box.y, box.w, h + caption_h), CAPTION_SIZE, picture=picture, caption=caption)
        if isinstance(block, Math):
            w, h = self.math_box(piece, box.w, level)
            return Placed(block, box, size, picture=Box(box.x + (box.w - w) / 2, box.y, w, h))
        if isinstance(block, Table):
            widths = self.column_widths(piece, level)
            total = min(sum(widths), box.w)
            caption_h = self._caption_height() if block.caption else 0.0
            caption = Box(box.x, box.bottom - caption_h, box.w, caption_h) if block.caption else None
            return Placed(block, Box(box.x + (box.w - total) / 2, box.y, total, box.h - caption_h), size,
                          rows=piece.rows, column_widths=tuple(widths), caption=caption)
        return Placed(block, box, size, paragraphs=piece.paragraphs)

    def layout(self, pieces: list[Piece], box: Box, split: Optional[Split] = None) -> Optional[list[Placed]]:
        """The largest level at which the pieces fit on one slide, or None.

        `split`: (how many pieces span the top, the columns with their widths, the pieces below
        them) for a slide laid out in columns; None stacks everything.
        """
        for level in range(len(LEVELS)):
            placed = self.in_columns(pieces, split, box, level) if split else self.stack(pieces, box, level)
            if placed is not None:
                return placed
        return None

    def in_columns(self, pieces: list[Piece], split: Split, box: Box, level: int) -> Optional[list[Placed]]:
        top_count, cols, bottom = split
        placed = self.stack(pieces[:top_count], box, level) if top_count else []
        if placed is None:
            return None
        y = (placed[-1].box.bottom + GAP) if placed else box.y
        x, lowest = box.x, y
        room = box.w - 2 * GAP * (len(cols) - 1)
        for width, col in cols:
            column_box = Box(x, y, room * width, box.bottom - y)
            column = self.stack(col, column_box, level) if col else []
            if column is None:
                return None
            placed += column
            lowest = max([lowest] + [item.box.bottom + GAP for item in column])
            x += room * width + 2 * GAP
        if bottom:  # after the columns close: across the slide again, below the longest column
            below = self.stack(bottom, Box(box.x, lowest, box.w, box.bottom - lowest), level)
            if below is None:
                return None
            placed += below
        return placed


def _split(piece: Piece, planner: Planner, box: Box, level: int) -> list[Piece]:
    """Cut a piece too tall for a whole slide into parts that each fit at `level`."""
    if piece.paragraphs:
        parts, current = [], []
        for paragraph in piece.paragraphs:
            trial = Piece(piece.block, tuple(current + [paragraph]))
            if current and planner.text_height(trial, box.w, level) > box.h:
                parts.append(Piece(piece.block, tuple(current)))
                current = []
            current.append(paragraph)
        return parts + [Piece(piece.block, tuple(current))]
    if isinstance(piece.block, Table) and piece.rows:
        parts, current = [], []
        for row in piece.rows:
            if current and planner.table_height(Piece(piece.block, rows=tuple(current + [row])), level) > box.h:
                parts.append(Piece(piece.block, rows=tuple(current)))
                current = []
            current.append(row)
        return parts + [Piece(piece.block, rows=tuple(current))]
    return [piece]


def _paginate(pieces: list[Piece], planner: Planner, box: Box, level: int) -> list[list[Piece]]:
    """Fill slides greedily at `level`; each piece goes whole where it can."""
    pages: list[list[Piece]] = [[]]
    for whole in pieces:
        for piece in _split(whole, planner, box, level):
            if pages[-1] and planner.stack(pages[-1] + [piece], box, level) is None:
                pages.append([])
            pages[-1].append(piece)
    return pages


def plan_slide(slide: Slide, title: str, notes: str, box: Box, planner: Planner,
               code_style: str, figures: str = "") -> list[PlannedSlide]:
    """One model slide as one or more PowerPoint slides, every shape placed inside `box`."""
    top, cols, bottom = columns(slide)
    if cols:
        def pieces_of(blocks: tuple[Block, ...]) -> list[Piece]:
            return [to_piece(b, code_style, figures) for b in blocks if not isinstance(b, ColumnBreak)]

        below = pieces_of(bottom)
        split = (len(top), tuple((width, pieces_of(blocks)) for width, blocks in cols), below)
        placed = planner.layout(pieces_of(top) + [p for _, col in split[1] for p in col] + below, box, split)
        if placed is not None:
            return [PlannedSlide(title, tuple(placed), notes, slide.continued)]
    pieces = [to_piece(b, code_style, figures) for b in slide.blocks if not isinstance(b, ColumnBreak)]
    placed = planner.layout(pieces, box)
    if placed is not None or not pieces:
        return [PlannedSlide(title, tuple(placed or ()), notes, slide.continued)]
    # Too much for one slide even at the floor: as few slides as the floor needs,
    # at the largest size that still needs no more, the same size on each.
    floor = len(LEVELS) - 1
    fewest = len(_paginate(pieces, planner, box, floor))
    level = next(lv for lv in range(len(LEVELS)) if len(_paginate(pieces, planner, box, lv)) <= fewest)
    planned = []
    for index, page in enumerate(_paginate(pieces, planner, box, level)):
        items = planner.stack(page, box, level) or _forced(page, planner, box)
        heading = title if index == 0 else f"{title} (cont.)"
        planned.append(PlannedSlide(heading, tuple(items), notes if index == 0 else "", index > 0))
    return planned


def _forced(pieces: list[Piece], planner: Planner, box: Box) -> list[Placed]:
    """Last resort for a single piece wider than the slide (a huge table): clip it to the box."""
    floor = len(LEVELS) - 1
    return [replace(planner.place(p, box, floor), box=box) for p in pieces[:1]]
