"""Where each part of a slide goes, at what size: measured and placed in a box (the Planner).

Blocks stack top to bottom, or code goes left and its figure right when that shows the figure larger; a
slide in `:::: columns` keeps the author's columns when they fit. Text, code and tables take their sizes
from one short scale (geometry.LEVELS), stepping down only as far as the slide needs; a code or output
block also shrinks on its own until its longest line fits, down to CODE_FLOOR. Figures take the height that
is left, never less than keeps their text legible.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Optional

from livedeck.layout import budget, measure
from livedeck.layout.geometry import (
    BULLET_INDENT,
    CALLOUT_INSET,
    CAPTION_SIZE,
    CELL_INSET,
    CODE_FLOOR,
    CODE_INSET,
    CODE_SIZES,
    COLUMN_GAP,
    FIGURE_MIN_HEIGHT,
    FIGURE_TEXT_MIN,
    GAP,
    LEVELS,
    LINE_SPACING,
    MATH_FLOOR,
    MATH_SIZE_FACTOR,
    PARAGRAPH_SPACING,
    TEXT_INSET,
    Box,
)
from livedeck.layout.math_engine import FormulaError
from livedeck.layout.parts import (
    MONO_SLACK,
    PICTURE_ZOOM,
    Formulas,
    Part,
    cell_width,
    column_widths,
    longest_line,
    mono_lines,
    table_size,
)
from livedeck.layout.richtext import Paragraph, markdown_paragraphs
from livedeck.model import Block, Callout, Code, Figure, Math, Table

SIDE_BY_SIDE_GAIN = 1.1  # code beside its figure only when the figure gets this much more area


@dataclass(frozen=True)
class Placed:
    """One block (or the part of it on this slide) to draw: where, at which font size, with what."""
    block: Block
    box: Box
    size: float = 0.0  # font size in points (text, code, output, table, caption)
    paragraphs: tuple[Paragraph, ...] = ()  # text-like blocks: the lines drawn here (code: as wrapped)
    header: tuple[str, ...] = ()  # tables: the header and rows drawn here (a wide table's columns in parts)
    rows: tuple[tuple[str, ...], ...] = ()
    column_widths: tuple[float, ...] = ()
    row_heights: tuple[float, ...] = ()  # tables: each row drawn here, the header first (a GitHub table's cells wrap)
    picture: Optional[Box] = None  # figures and math: the picture inside `box`
    caption: Optional[Box] = None
    items_before: int = 0  # an incremental list continued from an earlier slide: its items shown there


class Planner:
    """Measures pieces at a level of the type scale, and places them in boxes."""

    def __init__(self, formulas: Formulas):
        self.formulas = formulas
        self.math_widths = {latex: f.width for (latex, display), f in formulas.items() if not display}
        self._heights: dict[tuple[Part, float, int], float] = {}  # a piece is measured many times while fitting

    @staticmethod
    def inset(piece: Part) -> tuple[float, float]:
        return CODE_INSET if piece.mono else CALLOUT_INSET if isinstance(piece.block, Callout) else TEXT_INSET

    def font(self, piece: Part, level: int, width: float) -> float:
        text, code, _table = LEVELS[level]
        block = piece.block
        if piece.mono:  # the level's size, or smaller until the longest line fits (not below the floor)
            room = self.room(piece, width)
            return next((s for s in CODE_SIZES if s <= code and longest_line(piece, s) <= room), CODE_FLOOR)
        if isinstance(block, Table):
            return table_size(block, level)
        if isinstance(block, Math):
            return text * MATH_SIZE_FACTOR
        return text

    def room(self, piece: Part, width: float) -> float:
        """The width a piece's lines may take in a box `width` wide."""
        return (width - 2 * self.inset(piece)[0]) * MONO_SLACK

    def wraps(self, piece: Part, width: float) -> bool:
        """Whether a code or output piece must wrap even at the floor."""
        return piece.mono and longest_line(piece, CODE_FLOOR) > self.room(piece, width)

    def lines(self, piece: Part, level: int, width: float) -> tuple[Paragraph, ...]:
        if piece.mono:
            return mono_lines(piece.paragraphs, self.font(piece, level, width), self.room(piece, width))
        return piece.paragraphs

    def text_height(self, piece: Part, width: float, level: int) -> float:
        key = (piece, width, level)
        if key not in self._heights:
            self._heights[key] = self._text_height(piece, width, level)
        return self._heights[key]

    def _text_height(self, piece: Part, width: float, level: int) -> float:
        size = self.font(piece, level, width)
        inset_x, inset_y = self.inset(piece)
        if piece.mono:
            count = len(self.lines(piece, level, width))
            return count * size * LINE_SPACING + 2 * inset_y
        available = (width - 2 * inset_x) * 0.97
        height = 0.0
        for paragraph in piece.paragraphs:
            indent = ((paragraph.level + 1) * BULLET_INDENT * size if paragraph.bullet else 0.0) + \
                paragraph.quote * BULLET_INDENT * size
            lines = measure.wrapped_lines(paragraph, size, available - indent, self.math_widths)
            height += lines * size * self.line_height(paragraph)
        spacing = round(size * PARAGRAPH_SPACING, 1) * max(0, len(piece.paragraphs) - 1)
        return height + spacing + 2 * inset_y

    def line_height(self, paragraph: Paragraph) -> float:
        """A paragraph's line height in em: single spacing, or more where an inline formula stands
        taller or deeper than the text (as a browser grows the line box to hold it)."""
        tallest = LINE_SPACING
        for run in paragraph.runs:
            formula = self.formulas.get((run.math, False)) if run.math else None
            if formula is not None:  # DejaVu Sans at line-height 1.2: 0.946 em above the baseline, 0.254 below
                above, below = formula.height - formula.depth, formula.depth
                tallest = max(tallest, max(0.946, above) + max(0.254, below) + 0.02)
        return tallest

    def column_widths(self, piece: Part, level: int, width: float = float("inf")) -> list[float]:
        """Each column's width: its widest cell on one line; a GitHub table too wide for `width` has its
        wide columns narrowed (never below their longest word), so their cells wrap."""
        size = table_size(piece.table, level)
        natural = column_widths(piece.header, piece.rows, size, piece.table.markdown)
        if not piece.table.markdown or sum(natural) <= width:
            return natural
        # a column is never narrower than its longest word, unless that word would take more than its share
        # (a URL, an identifier): then the word breaks, as browsers, PowerPoint and LibreOffice break it
        share = width / len(natural)
        least = [min(self._longest_word(piece, index, size) + 2 * CELL_INSET[0] + 2, share)
                 for index in range(len(natural))]
        if sum(least) > width:
            return least  # too wide even so: the caller finds it does not fit
        widths, fixed = list(natural), set[int]()
        while True:  # narrow columns keep their width; the wide ones share the rest, as browsers lay tables out
            room = width - sum(widths[i] for i in fixed)
            wide = [i for i in range(len(widths)) if i not in fixed]
            share = room / sum(natural[i] for i in wide)
            squeezed = [i for i in wide if natural[i] * share < least[i]]
            if not squeezed:
                return [widths[i] if i in fixed else natural[i] * share for i in range(len(widths))]
            for i in squeezed:
                widths[i] = least[i]
                fixed.add(i)

    def _longest_word(self, piece: Part, index: int, size: float) -> float:
        cells = [(row[index], row is piece.header) for row in (piece.header, *piece.rows) if index < len(row)]
        return max((cell_width(word, size, bold) for text, bold in cells for word in text.split()), default=0.0)

    def row_heights(self, piece: Part, level: int, widths: list[float]) -> list[float]:
        """Each row's height (the header's first): a line, or a GitHub table's cells as wrapped."""
        size = table_size(piece.table, level)
        rows = ([piece.header] if piece.header else []) + list(piece.rows)
        if not piece.table.markdown:
            return [size * LINE_SPACING + 2 * CELL_INSET[1]] * len(rows)
        heights = []
        for number, row in enumerate(rows):
            header = number == 0 and bool(piece.header)
            lines = max((sum(measure.wrapped_lines(replace(p, runs=tuple(replace(r, bold=r.bold or header) for r in p.runs)),
                                                   size, (width - 2 * CELL_INSET[0] - 2) * 0.97, self.math_widths)
                             for p in markdown_paragraphs(text)) for text, width in zip(row, widths)), default=1)
            heights.append(max(lines, 1) * size * LINE_SPACING + 2 * CELL_INSET[1])
        return heights

    def table_height(self, piece: Part, level: int, width: float) -> float:
        """The table's rows, and its caption beneath when it has one (as wide as the table's box)."""
        heights = self.row_heights(piece, level, self.column_widths(piece, level, width))
        return sum(heights) + 2 + self.caption_height(piece.table.caption, width)

    def math_box(self, piece: Part, width: float, level: int) -> tuple[float, float]:
        """A display formula's size as typeset, scaled down to the width when it is wider, not below
        MATH_FLOOR (the math engine refused what a whole slide cannot show at that size)."""
        formula, size = self.formulas[(piece.math.latex, True)], self.font(piece, level, width)
        natural_w, natural_h = formula.width * size, formula.height * size
        scale = min(1.0, width / natural_w) if natural_w else 1.0
        if size * scale < MATH_FLOOR - 0.01:
            raise FormulaError(piece.math.latex, f"it is {formula.width:.0f} em wide: at 12 pt it needs "
                               f"{formula.width * MATH_FLOOR:.0f} pt, its column has {width:.0f} pt; "
                               "widen the column, or set the formula below the columns")
        return natural_w * scale, natural_h * scale

    def fixed_height(self, piece: Part, width: float, level: int) -> Optional[float]:
        """Height of a piece that does not stretch; None for a figure (it takes what is left)."""
        block = piece.block
        if isinstance(block, Figure):
            return None
        if isinstance(block, Table):
            if sum(self.column_widths(piece, level, width)) > width + 0.01:
                return float("inf")
            return self.table_height(piece, level, width)
        if isinstance(block, Math):
            return self.math_box(piece, width, level)[1]
        return self.text_height(piece, width, level)

    def caption_height(self, caption: str, width: float) -> float:
        """A figure's or table's caption, wrapped to the width."""
        if not caption:
            return 0.0
        available = (width - 2 * TEXT_INSET[0]) * 0.97
        lines = sum(measure.wrapped_lines(p, CAPTION_SIZE, available, self.math_widths)
                    for p in markdown_paragraphs(caption))
        return max(lines, 1) * CAPTION_SIZE * LINE_SPACING + 2 * TEXT_INSET[1] + 2

    def figure_min(self, figure: Figure, box: Box, alone: bool) -> float:
        """The least height that shows the figure's smallest text at FIGURE_TEXT_MIN points or more (and
        at least FIGURE_MIN_HEIGHT). A figure that cannot be that large in `box` fits only `alone`,
        at the largest size the box allows."""
        caption = self.caption_height(figure.caption, box.w)
        aspect = figure.width / figure.height
        shown_legibly = legible_width(figure)
        if shown_legibly > box.w:
            return (min(box.w / aspect, box.h - caption) if alone else float("inf")) + caption
        height = max(FIGURE_MIN_HEIGHT, shown_legibly / aspect)
        return (min(height, box.h - caption) if alone else height) + caption

    def stack(self, pieces: list[Part], box: Box, level: int) -> Optional[list[Placed]]:
        """Place pieces top to bottom in `box` at `level`, or None when they do not fit."""
        budget.check()  # every fit layout tries passes here: the place a layout that never ends is stopped
        heights = [self.fixed_height(p, box.w, level) for p in pieces]
        figures = [i for i, h in enumerate(heights) if h is None]
        fixed = sum(h for h in heights if h is not None) + GAP * max(0, len(pieces) - 1)
        least = sum((self.figure_min(pieces[i].figure, box, len(pieces) == 1) for i in figures), 0.0)
        if box.h - fixed - least < -0.01:
            return None
        share = (box.h - fixed) / len(figures) if figures else 0.0
        placed: list[Placed] = []
        y = box.y
        for i, piece in enumerate(pieces):
            height = heights[i]
            placed.append(self.place(piece, Box(box.x, y, box.w, share if height is None else height), level))
            # what follows goes below all the piece took: a table's box is its rows, its caption is below them
            y += (placed[-1].box.h if height is None else height) + GAP
        return placed

    def place(self, piece: Part, box: Box, level: int) -> Placed:
        block = piece.block
        if isinstance(block, Figure):
            caption_h = self.caption_height(block.caption, box.w)
            aspect = block.width / block.height
            w = min(box.w, (box.h - caption_h) * aspect)
            if block.picture:  # a lesson's picture: enlarged for the room, but not until it blurs
                w = min(w, block.width * 72 * PICTURE_ZOOM)
            h = w / aspect
            picture = Box(box.x + (box.w - w) / 2, box.y, w, h)
            caption = Box(box.x, box.y + h, box.w, caption_h) if block.caption else None
            return Placed(block, Box(box.x, box.y, box.w, h + caption_h), CAPTION_SIZE, picture=picture,
                          caption=caption)
        size = self.font(piece, level, box.w)
        if isinstance(block, Math):
            w, h = self.math_box(piece, box.w, level)
            return Placed(block, box, size, picture=Box(box.x + (box.w - w) / 2, box.y, w, h))
        if isinstance(block, Table):
            widths = self.column_widths(piece, level, box.w)
            total = min(sum(widths), box.w)
            caption_h = self.caption_height(block.caption, box.w)
            caption = Box(box.x, box.bottom - caption_h, box.w, caption_h) if block.caption else None
            return Placed(block, Box(box.x + (box.w - total) / 2, box.y, total, box.h - caption_h), size,
                          header=piece.header, rows=piece.rows, column_widths=tuple(widths),
                          row_heights=tuple(self.row_heights(piece, level, widths)), caption=caption)
        return Placed(block, box, size, paragraphs=self.lines(piece, level, box.w), items_before=piece.items_before)

    def in_columns(self, top: list[Part], cols: list[tuple[float, list[Part]]], bottom: list[Part], box: Box,
                   level: int) -> Optional[list[Placed]]:
        """`top` across the slide, then the columns side by side (widths: shares), then `bottom` across."""
        placed = self.stack(top, box, level) if top else []
        if placed is None:
            return None
        y = (placed[-1].box.bottom + GAP) if placed else box.y
        x, lowest = box.x, y
        room = box.w - COLUMN_GAP * (len(cols) - 1)
        for width, col in cols:
            column = self.stack(col, Box(x, y, room * width, box.bottom - y), level) if col else []
            if column is None:
                return None
            placed += column
            lowest = max([lowest] + [item.box.bottom + GAP for item in column])
            x += room * width + COLUMN_GAP
        if bottom:  # after the columns close: across the slide again, below the longest column
            below = self.stack(bottom, Box(box.x, lowest, box.w, box.bottom - lowest), level)
            if below is None:
                return None
            placed += below
        return placed


def best(attempt: Callable[[int], Optional[list[Placed]]]) -> tuple[int, Optional[list[Placed]]]:
    """The largest level of the type scale at which `attempt` fits, and what it placed."""
    for level in range(len(LEVELS)):
        placed = attempt(level)
        if placed is not None:
            return level, placed
    return len(LEVELS) - 1, None


def figure_area(placed: Optional[list[Placed]]) -> float:
    return sum(p.picture.w * p.picture.h for p in placed or () if isinstance(p.block, Figure) and p.picture)


def side_by_side(pieces: list[Part], box: Box, planner: Planner) -> Optional[list[Placed]]:
    """Code left, its one figure right (text before the code across the top): the code column as narrow
    as its longest line at the largest code size that leaves the figure shown_legibly, and no code wraps."""
    figures = [p for p in pieces if isinstance(p.block, Figure)]
    first_code = next((i for i, p in enumerate(pieces) if isinstance(p.block, Code)), None)
    if len(figures) != 1 or first_code is None or any(isinstance(p.block, (Table, Math)) for p in pieces):
        return None
    top = pieces[:first_code]
    left = [p for p in pieces[first_code:] if p is not figures[0]]
    room = box.w - COLUMN_GAP
    for size in CODE_SIZES:
        widest = max(longest_line(p, size) + 2 * CODE_INSET[0] for p in left if p.mono) / MONO_SLACK
        share = min(max(widest / room, 0.36), 0.62)
        if any(planner.wraps(p, share * room) for p in left):
            continue
        def in_columns(level: int, share: float = share) -> Optional[list[Placed]]:
            return planner.in_columns(top, [(share, left), (1 - share, figures)], [], box, level)

        placed = best(in_columns)[1]
        if placed is not None and all(shown_legibly(p) for p in placed):
            return placed
    return None


def legible_width(figure: Figure) -> float:
    """The least width, in points, at which the figure shows its smallest text at FIGURE_TEXT_MIN points."""
    return figure.width * 72 * FIGURE_TEXT_MIN / figure.text_size if figure.text_size else 0.0


def shown_legibly(item: Placed) -> bool:
    """Whether a placed block, if a figure, is shown at least as wide as keeps its text shown_legibly."""
    return not isinstance(item.block, Figure) or (item.picture is not None
                                                  and item.picture.w >= legible_width(item.block) - 0.01)
