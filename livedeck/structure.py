"""Turn a lesson's cells and their outputs into slides: the one place slide structure is decided.

`## Heading` starts a slide; the first `# Title` cell is the title slide; `::: notes`
becomes speaker notes; `$$…$$` on its own becomes a Math block; hidden cells
(`echo: false`) show no code. Steps are numbered here too (`. . .` pauses,
`::: incremental` lists, `#| fragment: true` cells, `#| code-line-numbers`), and
`:::: columns` set by hand are recorded. Where blocks go on the slide is livedeck.layout's
choice, not this module's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Iterator, Optional

from livedeck.course import Settings
from livedeck.lesson import Lesson
from livedeck.markdown import parser
from livedeck.model import Block, Code, ColumnBreak, Deck, Layout, Markdown, Math, Slide

COLUMNS_OPEN = re.compile(r"^:{4,}\s*(?:columns|\{\s*\.columns\s*\})\s*$")
COLUMN_OPEN = re.compile(r'^:{3,}\s*(?:column|\{\s*\.column(?:\s+width\s*=\s*"?(\d+(?:\.\d+)?)%"?)?\s*\})\s*$')
OTHER_OPEN = re.compile(r"^:{3,}\s*\S")
CLOSE = re.compile(r"^:{3,}\s*$")


class Kind(StrEnum):
    """What a piece of a markdown cell is."""
    TITLE = "title"  # `# Title`
    HEADING = "heading"  # `## Heading`: a new slide
    NOTES = "notes"
    MATH = "math"  # `$$…$$` on its own
    TEXT = "text"
    PAUSE = "pause"  # `. . .`
    INCREMENTAL = "incremental"
    COLUMN = "column"  # `::: column` opens
    COLUMNS_END = "columns-end"  # `::::` closes the columns


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str = ""
    width: float = 0.0  # "column": its share of the slide's width (0: an equal share)


def split_markdown(source: str, open_divs: Optional[list[str]] = None) -> Iterator[Piece]:
    """Cut a markdown cell into headings, notes, display math, pauses, incremental lists and text.

    `:::: columns` and `::: column` may span cells (code cells between them belong to
    the column), so their nesting is tracked in `open_divs`, kept across a lesson's cells.
    """
    divs = open_divs if open_divs is not None else []
    segment: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        column = COLUMN_OPEN.match(stripped)
        if COLUMNS_OPEN.match(stripped) or column:
            yield from _split_segment("\n".join(segment))
            segment = []
            divs.append("column" if column else "columns")
            if column:
                yield Piece(Kind.COLUMN, width=float(column.group(1)) / 100 if column.group(1) else 0.0)
        elif CLOSE.match(stripped) and divs and divs[-1] in ("column", "columns"):
            yield from _split_segment("\n".join(segment))
            segment = []
            if divs.pop() == "columns":
                yield Piece(Kind.COLUMNS_END)
        else:
            if OTHER_OPEN.match(stripped):
                divs.append("other")
            elif CLOSE.match(stripped) and divs:
                divs.pop()
            segment.append(line)
    yield from _split_segment("\n".join(segment))


def _split_segment(source: str) -> Iterator[Piece]:
    lines = source.splitlines()
    tokens = parser().parse(source)
    text: list[str] = []

    def flush() -> Iterator[Piece]:
        if any(t.strip() for t in text):
            yield Piece(Kind.TEXT, "\n".join(text).strip("\n"))
        text.clear()

    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        inner = "\n".join(ln for ln in lines[start + 1 : end] if not CLOSE.match(ln.strip())).strip()
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            yield from flush()
            yield Piece(Kind.TITLE if token.tag == "h1" else Kind.HEADING, tokens[index + 1].content.strip())
        elif token.type == "container_notes_open":
            yield from flush()
            yield Piece(Kind.NOTES, inner)
        elif token.type == "container_incremental_open":
            yield from flush()
            yield Piece(Kind.INCREMENTAL, inner)
        elif token.type in ("math_block", "amsmath"):  # `$$…$$`, or a bare \begin{align}…\end{align}
            yield from flush()
            yield Piece(Kind.MATH, token.content.strip())
        elif token.type == "paragraph_open" and tokens[index + 1].content.strip() == ". . .":
            yield from flush()  # Quarto's pause: what follows appears at the next click
            yield Piece(Kind.PAUSE)
        else:
            text.extend(lines[start:end])
            text.append("")
    yield from flush()


def list_items(markdown: str) -> int:
    """How many top-level list items a markdown text has (each is a click when incremental)."""
    return sum(1 for t in parser().parse(markdown) if t.type == "list_item_open" and t.level == 1)


@dataclass
class _Draft:
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    step: int = 0  # the click at which new content appears
    last_step: int = 0  # the last click used on this slide
    columns: bool = False

    def next_step(self) -> int:
        self.last_step += 1
        return self.last_step

    def add(self, piece: Piece) -> None:
        match piece.kind:
            case Kind.NOTES:
                self.notes.append(piece.text)
            case Kind.MATH:
                self.blocks.append(Math(piece.text, step=self.step))
            case Kind.PAUSE:
                self.step = self.next_step()
            case Kind.INCREMENTAL:
                count = list_items(piece.text)
                first = self.last_step + 1 if count else 0
                self.last_step += count
                self.blocks.append(Markdown(piece.text, step=self.step, items_from=first))
            case Kind.COLUMN:
                self.columns = True
                self.blocks.append(ColumnBreak(piece.width, step=self.step))
            case Kind.COLUMNS_END:  # what follows spans the slide again, below the columns
                self.blocks.append(ColumnBreak(step=self.step, end=True))
            case Kind.TEXT:
                self.blocks.append(Markdown(piece.text, step=self.step))
            case _:
                raise ValueError(f"a slide cannot hold a {piece.kind} piece")

    def add_cell(self, code: Optional[Code], outputs: tuple[Block, ...], fragment: bool) -> None:
        step = self.next_step() if fragment else self.step
        if code is not None:
            lines_from = self.last_step + 1 if len(code.line_steps) > 1 else 0
            self.last_step += max(0, len(code.line_steps) - 1)
            self.blocks.append(replace(code, step=step, lines_from=lines_from))
        self.blocks.extend(replace(block, step=step) for block in outputs)

    def freeze(self) -> Slide:
        return Slide(self.title, tuple(self.blocks), "\n\n".join(self.notes),
                     Layout.COLUMNS if self.columns else Layout.STACK)


def build_deck(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], source: str = "",
               settings: Settings = Settings()) -> Deck:
    """The lesson's cells and their captured outputs as a deck's slides; `settings`: whose course it is."""
    title, subtitle, title_notes = lesson.name, [], []
    slides: list[_Draft] = []
    seen_title = False
    open_divs: list[str] = []  # `:::: columns` spans cells
    for cell, cell_outputs in zip(lesson.cells, outputs):
        if cell.kind == "markdown":
            for piece in split_markdown(cell.source, open_divs):
                if piece.kind == Kind.TITLE and not seen_title and not slides:
                    title, seen_title = piece.text, True
                elif piece.kind in (Kind.HEADING, Kind.TITLE):
                    slides.append(_Draft(piece.text))
                elif not slides:  # before the first `##`: the title slide
                    if piece.kind in (Kind.NOTES, Kind.MATH, Kind.TEXT, Kind.INCREMENTAL):
                        (title_notes if piece.kind == Kind.NOTES else subtitle).append(
                            f"$${piece.text}$$" if piece.kind == Kind.MATH else piece.text)
                else:
                    slides[-1].add(piece)
            continue
        code = None
        if cell.options.echo:
            code = Code(cell.source.rstrip(), line_steps=cell.options.code_line_numbers)
        if (code is not None or cell_outputs) and not slides:
            slides.append(_Draft(""))  # visible code before any `##`: an untitled slide
        if code is not None or cell_outputs:
            slides[-1].add_cell(code, cell_outputs, cell.options.fragment)
    source = source or str(lesson.path)
    notes = "\n\n".join(title_notes + [f"Source: `{source}`"])  # the file, for the lecturer, not the room
    return Deck(
        name=lesson.name,
        title=settings.title or title,
        subtitle=settings.subtitle or "\n\n".join(subtitle),
        source=source,
        slides=tuple(draft.freeze() for draft in slides),
        title_notes=notes,
        course=settings.course,
        author=settings.author,
        institute=settings.institute,
        date=settings.date,
        footer=settings.footer,
        logo=settings.logo,
        lang=settings.lang,
    )
