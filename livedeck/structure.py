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
from livedeck.model import Block, Code, Deck, Markdown, Math, Slide

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

    def freeze(self) -> Slide:
        return Slide(self.title, tuple(self.blocks), "\n\n".join(self.notes))


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
        slides=tuple(draft.freeze() for draft in slides),
        title_notes="\n\n".join(title_notes),
    )
