"""A slide's blocks as parts the layout moves: a block, or the part of it that goes on one slide.

Code and output as drawn lines (a line too long at the floor size wraps, with a continuation mark), a
table too wide for any slide as groups of columns, and where a part may be cut (`head`) when it goes on
over a "(cont.)" slide. How wide a table's columns are, and how large its text, are measured here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from livedeck.layout import measure
from livedeck.layout.geometry import (
    CELL_INSET,
    CONTINUATION,
    LEVELS,
)
from livedeck.layout.math_engine import Formula, Key
from livedeck.layout.richtext import Paragraph, Run, code_paragraphs, markdown_paragraphs, mono_paragraphs
from livedeck.model import Block, Callout, Code, Error, Figure, Markdown, Math, Stream, Table, Value
from livedeck.style.theme import CodeStyle

Formulas = Mapping[Key, Formula]  # every formula of the deck, typeset

CONTINUATION_COLOR = CodeStyle.dimmed  # grey, yet 4.5:1 on the code and output backgrounds

PICTURE_ZOOM = 1.5  # a markdown picture (its CSS pixels) is shown at most this much larger

# Room left unused on a line of code: renderers differ in rounding, and a line that only just fits
# here must not wrap there.
MONO_SLACK = 0.98


@dataclass(frozen=True)
class Part:
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


def cell_output(block: Block) -> bool:
    """Whether a block is what a cell showed after its code: printed output, a value, an error, a figure, a
    printed table, what display() showed. (A picture a markdown cell shows counts too: layout cannot tell it
    from a displayed one, and it stays by the cell before it. A GitHub table is the markdown's.)"""
    return isinstance(block, (Stream, Value, Error, Figure)) or (isinstance(block, Table) and not block.markdown) \
        or bool(getattr(block, "bundle", ()))


def to_parts(block: Block, code_style: CodeStyle, figures: str, width: float) -> list[Part]:
    """A block as the pieces layout moves: a table too wide for the slide is cut into column groups."""
    return list(_parts(block, code_style, figures, width))


@lru_cache(maxsize=1024)  # a slide is fitted several ways (stacked, side by side, paginated): highlighted once
def _parts(block: Block, code_style: CodeStyle, figures: str, width: float) -> tuple[Part, ...]:
    if isinstance(block, Markdown):
        return (Part(block, tuple(markdown_paragraphs(block.text))),)
    if isinstance(block, Callout):  # its title, as a subheading, then its text
        title = Paragraph(tuple(replace(r, bold=True) for p in markdown_paragraphs(block.title) for r in p.runs),
                          heading=True)
        return (Part(block, (title, *markdown_paragraphs(block.text))),)
    if isinstance(block, Code):
        return (Part(block, tuple(code_paragraphs(block.source, block.language, code_style, block.markers))),)
    if isinstance(block, Stream):
        lines = mono_paragraphs(block.text)
        if block.truncated or block.full:  # cut short: a note says so, and where all of it is
            note = (f"… {block.truncated} more line{'s' if block.truncated != 1 else ''} not shown" if block.truncated
                    else "… long lines cut short")
            where = f" (all of it: {figures}/{block.full})" if block.full else ""
            lines.append(Paragraph((Run(note + where, italic=True, code=True),)))
        return (Part(block, tuple(lines)),)
    if isinstance(block, (Value, Error)):
        return (Part(block, tuple(mono_paragraphs(block.text))),)
    if isinstance(block, Table):
        return tuple(Part(block, header=h, rows=r) for h, r in column_groups(block, width))
    return (Part(block),)


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
    """Code or output as drawn: a line too long for `available` points breaks at the last space, comma,
    operator or bracket that fits (inside a token only when one token is longer than a line); its tail goes
    on the next line after a continuation mark, indented under the bracket it is inside."""
    char = measure.width("M", size, mono=True)
    columns_fit = max(12, int(available / char))
    lines: list[Paragraph] = []
    for paragraph in paragraphs:
        text = paragraph.text
        if len(text) <= columns_fit and measure.width(text, size, mono=True) <= available:
            lines.append(paragraph)
            continue
        start, first = 0, True
        while start < len(text):
            indent = _tail_indent(text, start, columns_fit) if not first else 0
            mark = Run(" " * indent + CONTINUATION, code=True, color=CONTINUATION_COLOR) if not first else None
            room = columns_fit - (len(mark.text) if mark else 0)
            end = _break(text, start, room)
            runs = cut_runs(paragraph.runs, start, end)
            lines.append(replace(paragraph, runs=runs) if first else
                         replace(paragraph, runs=(mark, *runs), continued=True))  # type: ignore[arg-type]
            start, first = end, False
            while start < len(text) and text[start] == " ":  # a tail starts at its first character
                start += 1
    return tuple(lines)


# Where a line may break, best first: after a space or a comma; at a bracket or before a dot; after an
# operator. Never inside a name, a number or a string's word, unless one token is longer than a line.
BREAKS: tuple[tuple[set[str], set[str]], ...] = (
    (set(" ,;"), set()), (set("([{:)]}"), set(")]}.")), (set("+-*/%=<>&|^"), set()))


def _break(text: str, start: int, room: int) -> int:
    """Where the chunk of `text` from `start` ends: all of it if it fits in `room` characters, else at the
    last boundary of the best kind that leaves at least a third of the room used, else at any boundary,
    else (one token longer than a line) at `room`."""
    end = start + room
    if len(text) - start <= room:
        return len(text)
    for least in (start + max(1, room // 3), start):
        for after, before in BREAKS:
            for cut in range(end, least, -1):
                if text[cut - 1] in after or text[cut] in before:
                    return cut
    return end


def _tail_indent(text: str, start: int, columns: int) -> int:
    """A tail's indent: under the innermost bracket still open at `start` (one past it), else the line's own
    indent; at most half the line, so a deep bracket leaves room for the tail."""
    opened: list[int] = []
    for position, ch in enumerate(text[:start]):
        if ch in "([{":
            opened.append(position)
        elif ch in ")]}" and opened:
            opened.pop()
    indent = opened[-1] + 1 if opened else len(text) - len(text.lstrip(" "))
    return min(indent, columns // 2)


def cut_runs(runs: tuple[Run, ...], start: int, end: int) -> tuple[Run, ...]:
    """The characters start..end of a line of runs, each keeping its style."""
    out, position = [], 0
    for run in runs:
        lo, hi = max(start - position, 0), min(end - position, len(run.text))
        if lo < hi:
            out.append(replace(run, text=run.text[lo:hi]))
        position += len(run.text)
    return tuple(out)


def longest_line(piece: Part, size: float) -> float:
    return max((measure.width(p.text, size, mono=True) for p in piece.paragraphs), default=0.0)


def parts(piece: Part) -> int:
    """How many units (paragraphs, rows) a piece can be cut between."""
    return len(piece.paragraphs) if piece.paragraphs else len(piece.rows)


def head(piece: Part, count: int) -> tuple[Part, Optional[Part]]:
    """The first `count` units of a piece, and the rest (None when nothing is left)."""
    if count >= parts(piece):
        return piece, None
    if piece.paragraphs:
        first = piece.paragraphs[:count]
        items = sum(1 for p in first if p.bullet and p.level == 0)
        return (replace(piece, paragraphs=first),
                replace(piece, paragraphs=piece.paragraphs[count:], items_before=piece.items_before + items))
    return replace(piece, rows=piece.rows[:count]), replace(piece, rows=piece.rows[count:])
