"""Geometry every format shares: how a slide's blocks divide into the regions of the slide.

The deck model records what the author asked for (a layout, column widths); the shares of
the slide that follow from it are decided here, once, for both writers.
"""
from __future__ import annotations

from livedeck.model import Block, Code, ColumnBreak, Figure, Layout, Slide

CODE_SHARE = 0.52  # "code-figure": the code's share of the width; the figure has the rest

Columns = tuple[tuple[float, tuple[Block, ...]], ...]


def columns(slide: Slide) -> tuple[tuple[Block, ...], Columns, tuple[Block, ...]]:
    """A slide's blocks as (full-width top, ((width, blocks) per column), full-width bottom);
    widths add up to 1.

    "code-figure": text before the first code block spans the slide; from the code on,
    the figure goes right and everything else left. "columns": each ColumnBreak starts a
    column, and one marked `end` closes them. A "stack" slide is all top.
    """
    if slide.layout == Layout.CODE_FIGURE:
        first_code = next(i for i, b in enumerate(slide.blocks) if isinstance(b, Code))
        rest = slide.blocks[first_code:]
        return (slide.blocks[:first_code],
                ((CODE_SHARE, tuple(b for b in rest if not isinstance(b, Figure))),
                 (1 - CODE_SHARE, tuple(b for b in rest if isinstance(b, Figure)))), ())
    if slide.layout == Layout.COLUMNS:
        end = next((i for i, b in enumerate(slide.blocks) if isinstance(b, ColumnBreak) and b.end),
                   len(slide.blocks))
        blocks, bottom = slide.blocks[:end], slide.blocks[end + 1:]
        breaks = [i for i, b in enumerate(blocks) if isinstance(b, ColumnBreak)]
        spans = zip(breaks, breaks[1:] + [len(blocks)])
        parts = [(blocks[i].width, blocks[i + 1:stop]) for i, stop in spans]
        given = sum(w for w, _ in parts if w)
        equal = max(0.0, 1.0 - given) / max(1, sum(1 for w, _ in parts if not w))
        top = blocks[: breaks[0]] if breaks else ()
        return top, tuple((w or equal, part) for w, part in parts), bottom
    return slide.blocks, (), ()
