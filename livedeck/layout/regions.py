"""The regions an author asked for, and what slides show of long output.

The deck model records what the author asked for (`:::: columns`, column widths); the
shares of the slide that follow from it are decided here. Printed text and tables are
recorded whole by the executor; what slides show of them is cut here, and the rest kept
in files beside the figures.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace

from livedeck.layout.prose import SENTENCE_END
from livedeck.model import MAX_TABLE_ROWS, Block, ColumnBreak, Deck, Layout, Markdown, Slide, Stream, Table

MAX_STREAM_LINES = 60  # printed lines shown (on "(cont.)" slides past the first); the rest is counted, and kept in a file
MAX_LINE_CHARS = 400  # a longer line is cut (and kept whole in that file); shorter ones wrap
MAX_TEXT_CHARS = 30_000  # characters of one markdown text shown (about twenty slides of prose); the build says so


@dataclass(frozen=True)
class CutText:
    """A markdown text longer than slides show: where it is, and how much of it they show."""
    line: int
    length: int
    shown: int

Columns = tuple[tuple[float, tuple[Block, ...]], ...]


def columns(slide: Slide) -> tuple[tuple[Block, ...], Columns, tuple[Block, ...]]:
    """A slide's blocks as (full-width top, ((width, blocks) per column), full-width bottom);
    widths add up to 1. "columns": each ColumnBreak starts a column, and one marked `end`
    closes them. A "stack" slide is all top.
    """
    if slide.layout == Layout.COLUMNS:
        end = next((i for i, b in enumerate(slide.blocks) if isinstance(b, ColumnBreak) and b.end),
                   len(slide.blocks))
        blocks, bottom = slide.blocks[:end], slide.blocks[end + 1:]
        breaks = [(i, b.width) for i, b in enumerate(blocks) if isinstance(b, ColumnBreak)]
        spans = zip(breaks, [i for i, _ in breaks[1:]] + [len(blocks)])
        parts = [(width, blocks[i + 1:stop]) for (i, width), stop in spans]
        given = sum(w for w, _ in parts if w)
        equal = max(0.0, 1.0 - given) / max(1, sum(1 for w, _ in parts if not w))
        top = blocks[: breaks[0][0]] if breaks else ()
        return top, tuple((w or equal, part) for w, part in parts), bottom
    return slide.blocks, (), ()


Outputs = tuple[tuple[Block, ...], ...]  # blocks in groups: a lesson's cells, or a deck's slides


def cut_streams(outputs: Outputs) -> tuple[Outputs, dict[str, bytes]]:
    """What slides show of printed text: its first lines, each cut to MAX_LINE_CHARS (shorter ones wrap
    on the slide). Text cut short is kept whole in `output-NN.txt` beside the figures (the second value:
    file name → bytes)."""
    files: dict[str, bytes] = {}

    def cut(block: Block) -> Block:
        if not isinstance(block, Stream):
            return block
        lines = block.text.splitlines()
        kept = [ln if len(ln) <= MAX_LINE_CHARS else ln[: MAX_LINE_CHARS - 1] + "…" for ln in lines[:MAX_STREAM_LINES]]
        truncated = len(lines) - len(kept) + block.truncated
        if not truncated and all(len(ln) <= MAX_LINE_CHARS for ln in lines[:MAX_STREAM_LINES]):
            return replace(block, text="\n".join(kept))
        full = f"output-{len(files) + 1:02d}.txt"
        note = f"\n… {block.truncated} more lines were not kept\n" if block.truncated else ""
        files[full] = (block.text + "\n" + note).encode("utf-8")
        return replace(block, text="\n".join(kept), truncated=truncated, full=full)

    return tuple(tuple(cut(block) for block in cell) for cell in outputs), files


def cut_tables(outputs: Outputs) -> tuple[Outputs, dict[str, bytes]]:
    """What slides show of a long table: its first rows and a row of ⋮, the caption saying how many
    there were; all of them are kept as `NAME.csv` beside the figures (the second value)."""
    files: dict[str, bytes] = {}

    def cut(block: Block) -> Block:
        if not isinstance(block, Table) or len(block.rows) <= MAX_TABLE_ROWS:
            return block
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(([block.header] if block.header else []) + list(block.rows))
        files[f"{block.name}.csv"] = text.getvalue().encode("utf-8")
        note = f"first {MAX_TABLE_ROWS} of {len(block.rows):,} rows; all of them in {block.name}.csv"
        return replace(block, rows=block.rows[:MAX_TABLE_ROWS] + (("⋮",) * len(block.rows[0]),),
                       caption=f"{block.caption} ({note})" if block.caption else note.capitalize())

    return tuple(tuple(cut(block) for block in cell) for cell in outputs), files


def cut_texts(outputs: Outputs) -> tuple[Outputs, tuple[CutText, ...]]:
    """What slides show of a markdown text of more than MAX_TEXT_CHARS (a 5 MB cell would be thousands of
    slides): its start, to the last paragraph or sentence that fits, and a line saying how much is left."""
    cuts: list[CutText] = []

    def cut(block: Block) -> Block:
        if not isinstance(block, Markdown) or len(block.text) <= MAX_TEXT_CHARS:
            return block
        start = block.text[:MAX_TEXT_CHARS]
        sentence = max((m.end() for m in SENTENCE_END.finditer(start)), default=0)  # prose's rule of a sentence
        end = max(start.rfind("\n\n"), sentence)
        kept = start[:end if end > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS].rstrip()
        cuts.append(CutText(block.line, len(block.text), len(kept)))
        note = f"*… {len(block.text) - len(kept):,} more characters of this text are not shown.*"
        return replace(block, text=f"{kept}\n\n{note}")

    return tuple(tuple(cut(block) for block in cell) for cell in outputs), tuple(cuts)


def cut_for_slides(deck: Deck) -> tuple[Deck, dict[str, bytes], tuple[CutText, ...]]:
    """What the slides show of everything the executor recorded in full (the model keeps it all), the
    files that keep the rest, and the texts cut short: the layout stage's first step."""
    streams, text_files = cut_streams(tuple(slide.blocks for slide in deck.slides))
    tables, table_files = cut_tables(streams)
    shown, texts = cut_texts(tables)
    slides = tuple(replace(slide, blocks=blocks) for slide, blocks in zip(deck.slides, shown))
    return replace(deck, slides=slides), text_files | table_files, texts
