"""Fit one slide's blocks into its body box: where each goes, at what size, and what continues.

Blocks stack top to bottom, or code goes left and its figure right when that shows the
figure larger; a slide in `:::: columns` keeps the author's columns when they fit. Text,
code and tables take their sizes from one short scale (geometry.LEVELS), stepping down
only as far as the slide needs; a code or output block also shrinks on its own until its
longest line fits, down to CODE_FLOOR, and only below that wraps, with a continuation
mark. Figures take the height that is left, never less than keeps their text legible.
What does not fit at the floor continues on "<heading> (cont.)" slides.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from livedeck.layout import measure
from livedeck.layout.formulas import Formula, FormulaError, Key
from livedeck.layout.geometry import (
    BULLET_INDENT,
    CALLOUT_INSET,
    CAPTION_SIZE,
    CELL_INSET,
    CODE_FLOOR,
    CODE_INSET,
    CODE_SIZES,
    COLUMN_GAP,
    CONTINUATION,
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
from livedeck.layout.regions import columns
from livedeck.layout.richtext import Paragraph, Run, code_paragraphs, markdown_paragraphs, mono_paragraphs
from livedeck.model import Block, Callout, Code, ColumnBreak, Error, Figure, Markdown, Math, Slide, Stream, Table, Value
from livedeck.style.theme import CodeStyle

Formulas = Mapping[Key, Formula]  # every formula of the deck, typeset
CONTINUATION_COLOR = CodeStyle.dimmed  # grey, yet 4.5:1 on the code and output backgrounds
PICTURE_ZOOM = 1.5  # a markdown picture (its CSS pixels) is shown at most this much larger
SIDE_BY_SIDE_GAIN = 1.1  # code beside its figure only when the figure gets this much more area
# Room left unused on a line of code: renderers differ in rounding, and a line that only just fits
# here must not wrap there.
MONO_SLACK = 0.98


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


@dataclass(frozen=True)
class Piece:
    """A block, or the part of it that goes on one slide."""
    block: Block
    paragraphs: tuple[Paragraph, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    items_before: int = 0

    @property
    def mono(self) -> bool:
        return isinstance(self.block, (Code, Stream, Value, Error))

    @property
    def table(self) -> Table:
        """The block, when the caller knows it for a table."""
        assert isinstance(self.block, Table), self.block
        return self.block

    @property
    def figure(self) -> Figure:
        """The block, when the caller knows it for a figure."""
        assert isinstance(self.block, Figure), self.block
        return self.block

    @property
    def math(self) -> Math:
        """The block, when the caller knows it for a display formula."""
        assert isinstance(self.block, Math), self.block
        return self.block


def to_pieces(block: Block, code_style: CodeStyle, figures: str, width: float) -> list[Piece]:
    """A block as the pieces layout moves: a table too wide for the slide is cut into column groups."""
    return list(_pieces(block, code_style, figures, width))


@lru_cache(maxsize=1024)  # a slide is fitted several ways (stacked, side by side, paginated): highlighted once
def _pieces(block: Block, code_style: CodeStyle, figures: str, width: float) -> tuple[Piece, ...]:
    if isinstance(block, Markdown):
        return (Piece(block, tuple(markdown_paragraphs(block.text))),)
    if isinstance(block, Callout):  # its title, as a subheading, then its text
        title = Paragraph(tuple(replace(r, bold=True) for p in markdown_paragraphs(block.title) for r in p.runs),
                          heading=True)
        return (Piece(block, (title, *markdown_paragraphs(block.text))),)
    if isinstance(block, Code):
        return (Piece(block, tuple(code_paragraphs(block.source, block.language, code_style))),)
    if isinstance(block, Stream):
        lines = mono_paragraphs(block.text)
        if block.truncated or block.full:  # cut short: a note says so, and where all of it is
            note = (f"… {block.truncated} more line{'s' if block.truncated != 1 else ''} not shown" if block.truncated
                    else "… long lines cut short")
            where = f" (all of it: {figures}/{block.full})" if block.full else ""
            lines.append(Paragraph((Run(note + where, italic=True, code=True),)))
        return (Piece(block, tuple(lines)),)
    if isinstance(block, (Value, Error)):
        return (Piece(block, tuple(mono_paragraphs(block.text))),)
    if isinstance(block, Table):
        return tuple(Piece(block, header=h, rows=r) for h, r in column_groups(block, width))
    return (Piece(block),)


def column_groups(table: Table, width: float) -> list[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]]:
    """(header, rows) of each part of a table, cut by columns where it is wider than `width` at the
    smallest table size; each part repeats the row labels (a first column with an empty header)."""
    if table.markdown:  # a GitHub table's cells wrap within the slide's width: never cut by columns
        return [(table.header, table.rows)]
    widths = column_widths(table.header, table.rows, table_size(table, len(LEVELS) - 1), table.markdown)
    count = len(widths)
    labels = 1 if table.header and table.header[0] == "" and count > 1 else 0
    if sum(widths) <= width:
        return [(table.header, table.rows)]
    groups: list[list[int]] = [[]]
    for i in range(labels, count):
        used = sum(widths[j] for j in groups[-1]) + sum(widths[:labels])
        if groups[-1] and used + widths[i] > width:
            groups.append([])
        groups[-1].append(i)

    def pick(row: tuple[str, ...], group: list[int]) -> tuple[str, ...]:
        return tuple(row[j] if j < len(row) else "" for j in list(range(labels)) + group)

    return [(pick(table.header, g) if table.header else (), tuple(pick(r, g) for r in table.rows)) for g in groups]


def column_widths(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], size: float,
                  markdown: bool = False) -> list[float]:
    """Each column's width at `size`: its widest cell (the header bold), and the cell's insets. A printed
    table's cells are monospace text; a GitHub table's are inline markdown, measured run by run."""
    def width(index: int) -> float:
        cells = [(header[index], True)] if index < len(header) else []
        cells += [(row[index], False) for row in rows if index < len(row)]
        if markdown:
            return max((cell_width(text, size, bold) for text, bold in cells), default=0.0)
        return max((measure.width(text, size, mono=True, bold=bold) for text, bold in cells), default=0.0)

    return [width(i) + 2 * CELL_INSET[0] + 2 for i in range(max([len(header)] + [len(r) for r in rows]))]


def table_size(table: Table, level: int) -> float:
    """A table's font size at a level: a printed table's (monospace, smaller), or a GitHub table's (text)."""
    text, _, printed = LEVELS[level]
    return text if table.markdown else printed


def cell_width(markdown: str, size: float, bold: bool = False) -> float:
    """A markdown cell's width on one line: its runs, each in its own font."""
    return max((sum(measure.width(r.text, size, mono=r.code, bold=r.bold or bold, italic=r.italic) for r in p.runs)
                for p in markdown_paragraphs(markdown)), default=0.0)


@lru_cache(maxsize=4096)
def mono_lines(paragraphs: tuple[Paragraph, ...], size: float, available: float) -> tuple[Paragraph, ...]:
    """Code or output as drawn: a line too long for `available` points breaks at the last character
    that fits; its tail goes on the next line after a continuation mark, indented as the line was."""
    char = measure.width("M", size, mono=True)
    columns_fit = max(12, int(available / char))
    lines: list[Paragraph] = []
    for paragraph in paragraphs:
        text = paragraph.text
        if len(text) <= columns_fit and measure.width(text, size, mono=True) <= available:
            lines.append(paragraph)
            continue
        indent = min(len(text) - len(text.lstrip(" ")), columns_fit // 2)
        mark = Run(" " * indent + CONTINUATION, code=True, color=CONTINUATION_COLOR)
        room = columns_fit - len(mark.text)
        chunks = [_cut(paragraph.runs, 0, columns_fit)]
        start = columns_fit
        while start < len(text):
            chunks.append(_cut(paragraph.runs, start, start + room))
            start += room
        lines.append(replace(paragraph, runs=chunks[0]))
        lines += [replace(paragraph, runs=(mark, *chunk), continued=True) for chunk in chunks[1:]]
    return tuple(lines)


def _cut(runs: tuple[Run, ...], start: int, end: int) -> tuple[Run, ...]:
    """The characters start..end of a line of runs, each keeping its style."""
    out, position = [], 0
    for run in runs:
        lo, hi = max(start - position, 0), min(end - position, len(run.text))
        if lo < hi:
            out.append(replace(run, text=run.text[lo:hi]))
        position += len(run.text)
    return tuple(out)


def longest_line(piece: Piece, size: float) -> float:
    return max((measure.width(p.text, size, mono=True) for p in piece.paragraphs), default=0.0)


class Planner:
    """Measures pieces at a level of the type scale, and places them in boxes."""

    def __init__(self, formulas: Formulas):
        self.formulas = formulas
        self.math_widths = {latex: f.width for (latex, display), f in formulas.items() if not display}
        self._heights: dict[tuple[Piece, float, int], float] = {}  # a piece is measured many times while fitting

    @staticmethod
    def inset(piece: Piece) -> tuple[float, float]:
        return CODE_INSET if piece.mono else CALLOUT_INSET if isinstance(piece.block, Callout) else TEXT_INSET

    def font(self, piece: Piece, level: int, width: float) -> float:
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

    def room(self, piece: Piece, width: float) -> float:
        """The width a piece's lines may take in a box `width` wide."""
        return (width - 2 * self.inset(piece)[0]) * MONO_SLACK

    def wraps(self, piece: Piece, width: float) -> bool:
        """Whether a code or output piece must wrap even at the floor."""
        return piece.mono and longest_line(piece, CODE_FLOOR) > self.room(piece, width)

    def lines(self, piece: Piece, level: int, width: float) -> tuple[Paragraph, ...]:
        if piece.mono:
            return mono_lines(piece.paragraphs, self.font(piece, level, width), self.room(piece, width))
        return piece.paragraphs

    def text_height(self, piece: Piece, width: float, level: int) -> float:
        key = (piece, width, level)
        if key not in self._heights:
            self._heights[key] = self._text_height(piece, width, level)
        return self._heights[key]

    def _text_height(self, piece: Piece, width: float, level: int) -> float:
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

    def column_widths(self, piece: Piece, level: int, width: float = float("inf")) -> list[float]:
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

    def _longest_word(self, piece: Piece, index: int, size: float) -> float:
        cells = [(row[index], row is piece.header) for row in (piece.header, *piece.rows) if index < len(row)]
        return max((cell_width(word, size, bold) for text, bold in cells for word in text.split()), default=0.0)

    def row_heights(self, piece: Piece, level: int, widths: list[float]) -> list[float]:
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

    def table_height(self, piece: Piece, level: int, width: float) -> float:
        """The table's rows, and its caption beneath when it has one (as wide as the table's box)."""
        heights = self.row_heights(piece, level, self.column_widths(piece, level, width))
        return sum(heights) + 2 + self.caption_height(piece.table.caption, width)

    def math_box(self, piece: Piece, width: float, level: int) -> tuple[float, float]:
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

    def fixed_height(self, piece: Piece, width: float, level: int) -> Optional[float]:
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
        legible = legible_width(figure)
        if legible > box.w:
            return (min(box.w / aspect, box.h - caption) if alone else float("inf")) + caption
        height = max(FIGURE_MIN_HEIGHT, legible / aspect)
        return (min(height, box.h - caption) if alone else height) + caption

    def stack(self, pieces: list[Piece], box: Box, level: int) -> Optional[list[Placed]]:
        """Place pieces top to bottom in `box` at `level`, or None when they do not fit."""
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
            y += placed[-1].box.h + GAP
        return placed

    def place(self, piece: Piece, box: Box, level: int) -> Placed:
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

    def in_columns(self, top: list[Piece], cols: list[tuple[float, list[Piece]]], bottom: list[Piece], box: Box,
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


def side_by_side(pieces: list[Piece], box: Box, planner: Planner) -> Optional[list[Placed]]:
    """Code left, its one figure right (text before the code across the top): the code column as narrow
    as its longest line at the largest code size that leaves the figure legible, and no code wraps."""
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
        if placed is not None and all(legible(p) for p in placed):
            return placed
    return None


def legible_width(figure: Figure) -> float:
    """The least width, in points, at which the figure shows its smallest text at FIGURE_TEXT_MIN points."""
    return figure.width * 72 * FIGURE_TEXT_MIN / figure.text_size if figure.text_size else 0.0


def legible(item: Placed) -> bool:
    """Whether a placed block, if a figure, is shown at least as wide as keeps its text legible."""
    return not isinstance(item.block, Figure) or (item.picture is not None
                                                  and item.picture.w >= legible_width(item.block) - 0.01)


MIN_PART = 3  # lines, items or rows: a shorter start of a block waits for the next slide


def parts(piece: Piece) -> int:
    """How many units (paragraphs, rows) a piece can be cut between."""
    return len(piece.paragraphs) if piece.paragraphs else len(piece.rows)


def head(piece: Piece, count: int) -> tuple[Piece, Optional[Piece]]:
    """The first `count` units of a piece, and the rest (None when nothing is left)."""
    if count >= parts(piece):
        return piece, None
    if piece.paragraphs:
        first = piece.paragraphs[:count]
        items = sum(1 for p in first if p.bullet and p.level == 0)
        return (replace(piece, paragraphs=first),
                replace(piece, paragraphs=piece.paragraphs[count:], items_before=piece.items_before + items))
    return replace(piece, rows=piece.rows[:count]), replace(piece, rows=piece.rows[count:])


def paginate(pieces: list[Piece], planner: Planner, box: Box, level: int) -> list[list[Piece]]:
    """Fill slides in order at `level`. A block that does not fit where the slide has room is cut
    (between lines, list items or table rows): its start fills the slide, the rest goes on. A
    subheading never ends a slide: it goes on with what it heads."""
    pages: list[list[Piece]] = [[]]

    def fits(page: list[Piece]) -> bool:
        return planner.stack(page, box, level) is not None

    for piece in pieces:
        rest: Optional[Piece] = piece
        while rest is not None:
            if fits(pages[-1] + [rest]):
                pages[-1].append(rest)
                break
            count = parts(rest)
            fitting = 0  # the most units that fit beside what the slide holds (the fit only grows with fewer)
            low, high = 1, count - 1
            while low <= high:
                middle = (low + high) // 2
                if fits(pages[-1] + [head(rest, middle)[0]]):
                    fitting, low = middle, middle + 1
                else:
                    high = middle - 1
            while fitting > 1 and rest.paragraphs and rest.paragraphs[fitting - 1].heading:
                fitting -= 1  # the cut falls after a subheading: it goes on with its text
            if fitting >= MIN_PART or (fitting and not pages[-1]):
                start, rest = head(rest, fitting)
                pages[-1].append(start)
                pages.append([])
            elif pages[-1]:
                pages.append(_trailing_heading(pages[-1]))
            else:  # not even one unit fits an empty slide: it goes alone, clipped
                pages[-1].append(rest)
                pages.append([])
                rest = None
    return [page for page in pages if page]


def _trailing_heading(page: list[Piece]) -> list[Piece]:
    """A new slide's start: the subheading that ended `page`, taken off it (unless it is all `page` holds)."""
    last = page[-1]
    if not (last.paragraphs and last.paragraphs[-1].heading) or (len(page) == 1 and len(last.paragraphs) == 1):
        return []
    kept, heading = head(last, len(last.paragraphs) - 1) if len(last.paragraphs) > 1 else (None, last)
    page[-1:] = [kept] if kept is not None else []
    assert heading is not None  # head() of a piece of more than one paragraph leaves its last
    return [heading]


def fit_slide(slide: Slide, box: Box, planner: Planner, code_style: CodeStyle, figures: str = "") -> list[list[Placed]]:
    """One model slide's blocks placed in `box`: a list of placed blocks per slide drawn (more than one
    when the content continues on "(cont.)" slides)."""
    def pieces_of(blocks: tuple[Block, ...]) -> list[Piece]:
        return [p for b in blocks if not isinstance(b, ColumnBreak) for p in to_pieces(b, code_style, figures, box.w)]

    top, cols, bottom = columns(slide)
    if cols:  # the author's columns, when they fit
        placed = best(lambda level: planner.in_columns(
            pieces_of(top), [(w, pieces_of(blocks)) for w, blocks in cols], pieces_of(bottom), box, level))[1]
        if placed is not None:
            return [placed]
    pieces = pieces_of(slide.blocks)
    if not pieces:
        return [[]]
    stacked = best(lambda level: planner.stack(pieces, box, level))[1]
    beside = side_by_side(pieces, box, planner)
    if beside is not None and figure_area(beside) > SIDE_BY_SIDE_GAIN * figure_area(stacked):
        return [beside]
    if stacked is not None:
        return [stacked]
    # Too much for one slide even at the floor: as few slides as the floor needs,
    # at the largest size that still needs no more, the same size on each.
    fewest = len(paginate(pieces, planner, box, len(LEVELS) - 1))
    level = next(lv for lv in range(len(LEVELS)) if len(paginate(pieces, planner, box, lv)) <= fewest)
    return [planner.stack(page, box, level) or _forced(page, planner, box) for page in
            paginate(pieces, planner, box, level)]


def _forced(pieces: list[Piece], planner: Planner, box: Box) -> list[Placed]:
    """Last resort for a piece that fits no slide (a table row wider than the slide): clipped to the box."""
    return [replace(planner.place(p, box, len(LEVELS) - 1), box=box) for p in pieces[:1]]
