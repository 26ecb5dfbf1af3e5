"""Turn a lesson's cells and their outputs into slides: the one place slide structure is decided.

`## Heading` starts a slide; the first `# Title` cell is the title slide; `::: notes`
becomes speaker notes; `$$…$$` on its own becomes a Math block; hidden cells
(`echo: false`) show no code. Writers only read what this decides.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

from livedeck.lesson import Lesson
from livedeck.model import Block, Code, Deck, Figure, Markdown, Math, Slide, Table

# Code beside its figure only when the code is narrow and short enough for half a slide.
SIDE_BY_SIDE_MAX_CHARS = 46
SIDE_BY_SIDE_MAX_LINES = 14
MAX_FIGURES_PER_SLIDE = 2  # a cell making 50 figures gets 25 slides, not 50 thumbnails

_parser = MarkdownIt("commonmark").use(dollarmath_plugin).use(container_plugin, "notes")


@dataclass(frozen=True)
class Piece:
    kind: str  # "title", "heading", "notes", "math", "text"
    text: str


def split_markdown(source: str) -> Iterator[Piece]:
    """Cut a markdown cell at its top-level headings, notes containers and display math."""
    lines = source.splitlines()
    tokens = _parser.parse(source)
    text: list[str] = []

    def flush() -> Iterator[Piece]:
        if any(t.strip() for t in text):
            yield Piece("text", "\n".join(text).strip("\n"))
        text.clear()

    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        start, end = token.map
        if token.type == "heading_open" and token.tag in ("h1", "h2"):
            yield from flush()
            yield Piece("title" if token.tag == "h1" else "heading", tokens[index + 1].content.strip())
        elif token.type == "container_notes_open":
            yield from flush()
            inner = [ln for ln in lines[start + 1 : end] if ln.strip() != ":::"]
            yield Piece("notes", "\n".join(inner).strip())
        elif token.type == "math_block":
            yield from flush()
            yield Piece("math", token.content.strip())
        else:
            text.extend(lines[start:end])
            text.append("")
    yield from flush()


@dataclass
class _Draft:
    title: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_text(self, text: str) -> None:
        self.blocks.append(Markdown(text))

    def freeze(self) -> list[Slide]:
        """The slide, or several when it holds more figures than one slide shows legibly."""
        parts: list[list[Block]] = [[]]
        for block in self.blocks:
            if isinstance(block, Figure) and sum(isinstance(b, Figure) for b in parts[-1]) == MAX_FIGURES_PER_SLIDE:
                parts.append([])
            parts[-1].append(block)
        notes = "\n\n".join(self.notes)
        return [Slide(self.title if i == 0 else f"{self.title} (cont.)", tuple(blocks), notes if i == 0 else "",
                      choose_layout(blocks), continued=i > 0) for i, blocks in enumerate(parts)]


# A rough model of a 1280×720 slide (in CSS pixels) to compare layouts; writers do the real fitting.
BODY_WIDTH, BODY_HEIGHT, GAP = 1200, 590, 14
TEXT_LINE, TEXT_CHARS, CODE_LINE = 40, 68, 30


def estimated_height(block: Block) -> int:
    if isinstance(block, Markdown):
        lines = sum(max(1, -(-len(ln) // TEXT_CHARS)) for ln in block.text.splitlines() if ln.strip())
        return lines * TEXT_LINE
    if isinstance(block, Math):
        return 100
    if isinstance(block, Table):
        return (len(block.rows) + 1) * 40
    if isinstance(block, Figure):
        return 0
    return len(getattr(block, "text", getattr(block, "source", "")).splitlines()) * CODE_LINE + 22


def _stack_height(blocks: list[Block] | tuple[Block, ...]) -> int:
    return sum(estimated_height(b) + GAP for b in blocks)


def choose_layout(blocks: list[Block]) -> str:
    """"code-figure" (code left, its figure right) when that shows the figure larger than stacking does."""
    figures = [b for b in blocks if isinstance(b, Figure)]
    codes = [i for i, b in enumerate(blocks) if isinstance(b, Code)]
    if len(figures) != 1 or not codes or any(isinstance(b, Table) for b in blocks):
        return "stack"
    figure = figures[0]
    lines = [ln for i in codes for ln in blocks[i].source.splitlines()]
    if len(lines) > SIDE_BY_SIDE_MAX_LINES or max(len(ln) for ln in lines) > SIDE_BY_SIDE_MAX_CHARS:
        return "stack"
    aspect = figure.width / figure.height
    top = _stack_height(blocks[: codes[0]])
    stacked_height = BODY_HEIGHT - _stack_height([b for b in blocks if b is not figure]) - 36
    stacked_area = min(stacked_height, BODY_WIDTH / aspect) ** 2 * aspect if stacked_height > 0 else 0
    side_width = BODY_WIDTH * 0.46
    side_height = min(BODY_HEIGHT - top - 36, side_width / aspect)
    side_area = side_height ** 2 * aspect if side_height > 0 else 0
    left_fits = _stack_height(blocks[codes[0]:]) - GAP <= BODY_HEIGHT - top
    return "code-figure" if left_fits and side_area > stacked_area * 1.1 else "stack"


def build_deck(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], source: str = "") -> Deck:
    """Lay the lesson's cells and their captured outputs out as a deck."""
    title, subtitle, title_notes = lesson.name, [], []
    slides: list[_Draft] = []
    seen_title = False
    for cell, cell_outputs in zip(lesson.cells, outputs):
        if cell.kind == "markdown":
            for piece in split_markdown(cell.source):
                if piece.kind == "title" and not seen_title and not slides:
                    title, seen_title = piece.text, True
                elif piece.kind in ("heading", "title"):
                    slides.append(_Draft(piece.text))
                elif not slides:  # before the first `##`: the title slide
                    (title_notes if piece.kind == "notes" else subtitle).append(
                        f"$${piece.text}$$" if piece.kind == "math" else piece.text)
                elif piece.kind == "notes":
                    slides[-1].notes.append(piece.text)
                elif piece.kind == "math":
                    slides[-1].blocks.append(Math(piece.text))
                else:
                    slides[-1].add_text(piece.text)
            continue
        shown: list[Block] = []
        if cell.options.echo:
            steps = tuple(s.strip() for s in cell.options.code_line_numbers.split("|") if s.strip())
            shown.append(Code(cell.source.rstrip(), line_steps=steps))
        shown.extend(cell_outputs)
        if shown and not slides:
            slides.append(_Draft(""))  # visible code before any `##`: an untitled slide
        if shown:
            slides[-1].blocks.extend(shown)
    return Deck(
        name=lesson.name,
        title=title,
        subtitle="\n\n".join(subtitle),
        source=source or str(lesson.path),
        slides=tuple(slide for draft in slides for slide in draft.freeze()),
        title_notes="\n\n".join(title_notes),
    )
