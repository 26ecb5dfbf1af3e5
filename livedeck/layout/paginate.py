"""One slide's blocks onto as many slides as they need: what does not fit at the floor sizes continues on
"<heading> (cont.)" slides, never leaving fewer than MIN_PART lines, items or rows of a block behind."""
from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Optional

from livedeck.layout import measure, prose
from livedeck.layout.geometry import (
    FIGURE_TEXT_MIN,
    LEVELS,
    Box,
)
from livedeck.layout.parts import Part, head, parts, to_parts
from livedeck.layout.planner import SIDE_BY_SIDE_GAIN, Placed, Planner, best, figure_area, side_by_side
from livedeck.layout.regions import columns
from livedeck.model import Block, Code, ColumnBreak, Figure, Slide
from livedeck.style.theme import CodeStyle

MIN_PART = 3  # lines, items or rows: a shorter start of a block waits for the next slide, a shorter end takes more


def paginate(pieces: list[Part], planner: Planner, box: Box, level: int) -> list[list[Part]]:
    """Fill slides in order at `level`. A block that does not fit where the slide has room is cut
    (between lines, list items or table rows): its start fills the slide, the rest goes on. A
    subheading never ends a slide: it goes on with what it heads."""
    pages: list[list[Part]] = [[]]
    most = _most_characters(box)

    def fits(page: list[Part]) -> bool:  # a page of more text than any slide holds is refused before measuring
        return sum(_characters(p) for p in page) <= most and planner.stack(page, box, level) is not None

    for piece in pieces:
        rest: Optional[Part] = piece
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
            left = count - fitting
            if 0 < left < MIN_PART and fitting - (MIN_PART - left) >= MIN_PART:
                fitting -= MIN_PART - left  # no widow: what goes on keeps MIN_PART lines too, as TeX keeps them
            if (cut := _long_paragraph_cut(pages[-1], rest, fitting, fits, most)) is not None:
                start, rest = head(cut, fitting + 1)  # a paragraph's first part ends this slide
                pages[-1].append(start)
                pages.append([])
                continue
            if fitting >= MIN_PART or (fitting and not pages[-1]):
                start, rest = head(rest, fitting)
                pages[-1].append(start)
                pages.append([])
            elif pages[-1]:
                pages.append(_with_its_code(pages, rest, fits) or _trailing_heading(pages[-1]))
            else:  # not even one unit fits an empty slide: it goes alone, clipped
                pages[-1].append(rest)
                pages.append([])
                rest = None
    return [page for page in pages if page]


def _with_its_code(pages: list[list[Part]], figure: Part, fits: Callable[[list[Part]], bool]) -> list[Part]:
    """A new slide's start when a figure does not fit under its code: the code, taken off the last page, so
    that a cell and the figure it drew share a slide (when they fit one together, the code is whole there,
    and it was not all the page held); else nothing."""
    page, code = pages[-1], pages[-1][-1]
    split = any(part.block is code.block for earlier in pages[:-1] for part in earlier)
    if not isinstance(figure.block, Figure) or not isinstance(code.block, Code) or len(page) < 2 or split \
            or not fits([code, figure]):
        return []
    page.pop()
    return [code]


def _most_characters(box: Box) -> int:
    """More characters than `box` can hold at any size layout uses (the narrowest letter, 12 pt lines): a
    bound that spares measuring a 200 KB paragraph whole, over and over, to learn it does not fit."""
    return int(box.w * box.h / (measure.width("i", FIGURE_TEXT_MIN) * FIGURE_TEXT_MIN))


def _characters(piece: Part) -> int:
    return sum(len(p.text) for p in piece.paragraphs)


def _long_paragraph_cut(page: list[Part], piece: Part, fitting: int, fits: Callable[[list[Part]], bool],
                        most: int) -> Optional[Part]:
    """`piece` with its paragraph after the first `fitting` cut in two, the first part the most of it that
    fits on `page` after them; None unless that paragraph is prose that no slide holds whole. `most`:
    characters no slide holds, beyond which no cut is tried."""
    if piece.mono or fitting >= parts(piece) or not piece.paragraphs:
        return None
    long = piece.paragraphs[fitting]
    if long.heading or fits([replace(piece, paragraphs=(long,))]):
        return None  # it fits a slide of its own: it moves there whole
    before = piece.paragraphs[:fitting]

    def first_part_fits(at: int) -> bool:
        return fits(page + [replace(piece, paragraphs=(*before, prose.split(long, at)[0]))])

    sentences, words = prose.cut_points(long, most)
    # between words only on a slide of its own: on one already holding something, the paragraph moves on
    at = _last_fitting(sentences, first_part_fits) or (None if page else _last_fitting(words, first_part_fits))
    if at is None:
        return None
    first, second = prose.split(long, at)
    return replace(piece, paragraphs=(*before, first, second, *piece.paragraphs[fitting + 1:]))


def _last_fitting(points: list[int], fits: Callable[[int], bool]) -> Optional[int]:
    """The last of `points` (in increasing order) that `fits`, which holds up to some point and not after it:
    galloping, then halving, so that only first parts near the size that fits are measured."""
    low, high = 0, 0
    while high < len(points) and fits(points[high]):
        low, high = high + 1, 2 * high + 1
    best = low - 1  # the last known to fit (-1: none)
    high = min(high, len(points)) - 1
    while low <= high:
        middle = (low + high) // 2
        if fits(points[middle]):
            best, low = middle, middle + 1
        else:
            high = middle - 1
    return points[best] if best >= 0 else None


def _trailing_heading(page: list[Part]) -> list[Part]:
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
    def pieces_of(blocks: tuple[Block, ...]) -> list[Part]:
        return [p for b in blocks if not isinstance(b, ColumnBreak) for p in to_parts(b, code_style, figures, box.w)]

    top, cols, bottom = columns(slide)
    if cols:  # the author's columns, when they fit
        above, parts_of, below = pieces_of(top), [(w, pieces_of(blocks)) for w, blocks in cols], pieces_of(bottom)
        level, placed = best(lambda level: planner.in_columns(above, parts_of, below, box, level))
        if placed is not None:
            return [_code_unwrapped(placed, above, parts_of, below, box, level, planner)]
    pieces = pieces_of(slide.blocks)
    if not pieces:
        return [[]]
    stacked = best(lambda level: planner.stack(pieces, box, level))[1]
    beside = side_by_side(pieces, box, planner)
    if beside is not None and figure_area(beside) > SIDE_BY_SIDE_GAIN * figure_area(stacked):
        return [beside]
    if stacked is not None:
        return [stacked]
    # Too much for one slide even at the floor: as few slides as the floor needs, at the largest size that
    # still needs no more and keeps every code cell on the slide of its figure that the floor keeps there,
    # the same size on each.
    floor = paginate(pieces, planner, box, len(LEVELS) - 1)
    for level in range(len(LEVELS)):
        pages = floor if level == len(LEVELS) - 1 else paginate(pieces, planner, box, level)
        if len(pages) <= len(floor) and _figures_apart(pages) <= _figures_apart(floor):
            break
    return [planner.stack(page, box, level) or _forced(page, planner, box) for page in pages]


def _figures_apart(pages: list[list[Part]]) -> int:
    """How many figures start a slide while the code that drew them ends the one before."""
    return sum(1 for before, page in itertools.pairwise(pages)
               if isinstance(page[0].block, Figure) and isinstance(before[-1].block, Code))


def _wraps(placed: list[Placed]) -> bool:
    return any(isinstance(item.block, Code) and any(p.continued for p in item.paragraphs) for item in placed)


def _code_unwrapped(placed: list[Placed], top: list[Part], cols: list[tuple[float, list[Part]]], bottom: list[Part],
                    box: Box, level: int, planner: Planner) -> list[Placed]:
    """The author's columns, with a column whose code wraps widened (in steps of a twentieth of the slide)
    until no line wraps, as long as the other columns still hold what they hold at the same size: widths
    are the author's wish, a code line broken in two is the reader's loss."""
    if not _wraps(placed):
        return placed
    wrapping = [i for i, (_, col) in enumerate(cols) if any(isinstance(p.block, Code) for p in col)]
    for index in wrapping:
        share = cols[index][0]
        while share < 0.8:
            share = min(0.8, share + 0.05)
            rest = sum(w for i, (w, _) in enumerate(cols) if i != index)
            widths = [share if i == index else w * (1 - share) / rest for i, (w, _) in enumerate(cols)]
            tried = planner.in_columns(top, [(w, col) for w, (_, col) in zip(widths, cols)], bottom, box, level)
            if tried is None:
                break  # the other columns no longer fit: the author's widths stand
            if not _wraps(tried):
                return tried
    return placed


def _forced(pieces: list[Part], planner: Planner, box: Box) -> list[Placed]:
    """Last resort for a piece that fits no slide (a table row wider than the slide): clipped to the box."""
    return [replace(planner.place(p, box, len(LEVELS) - 1), box=box) for p in pieces[:1]]
