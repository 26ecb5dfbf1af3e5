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
from livedeck.layout.parts import Part, cell_output, head, parts, to_parts
from livedeck.layout.planner import SIDE_BY_SIDE_GAIN, Placed, Planner, best, figure_area, side_by_side
from livedeck.layout.regions import columns
from livedeck.layout.statements import cut_depths, pause_before
from livedeck.model import Block, Code, ColumnBreak, Figure, Markdown, Slide
from livedeck.style.theme import CodeStyle

MIN_PART = 3  # lines, items or rows: a shorter start of a block waits for the next slide, a shorter end takes more


def paginate(pieces: list[Part], planner: Planner, box: Box, level: int) -> list[list[Part]]:
    """Fill slides in order at `level`. A cell (its code and what it showed) goes whole where it fits, else
    whole onto a new slide (its code beside its figure, if need be); only a cell that fits no slide, and text,
    are cut (between statements, lines, list items or table rows): the start fills the slide, the rest goes
    on. A subheading never ends a slide: it goes on with what it heads."""
    pages: list[list[Part]] = [[]]
    most = _most_characters(box)

    def fits(page: list[Part]) -> bool:  # a page of more text than any slide holds is refused before measuring
        return sum(_characters(p) for p in page) <= most and planner.stack(page, box, level) is not None

    def holds(page: list[Part]) -> bool:  # a slide of its own holds it: stacked, or its code beside its figure
        return fits(page) or side_by_side(page, box, planner) is not None

    for cell in _cells(pieces):
        if len(cell) > 1 or isinstance(cell[0].block, Code):
            if fits(pages[-1] + cell):
                pages[-1] += cell
                continue
            if holds(cell):
                led = _lead_in(pages[-1], cell, holds)
                if pages[-1]:
                    pages.append(led + cell)
                else:
                    pages[-1] += cell
                continue
            # too long for any slide: cut, its figures right after its code (a figure beside the code that drew it)
            cell = sorted(cell, key=lambda p: 0 if isinstance(p.block, Code) else 1 if isinstance(p.block, Figure) else 2)
        for piece in cell:
            _place(piece, pages, fits, most)
    return [page for page in pages if page]


LEAD_IN = 2  # paragraphs: a text this short just before a cell introduces it ("Now the loss:"), and goes with it


def _lead_in(page: list[Part], cell: list[Part], fits: Callable[[list[Part]], bool]) -> list[Part]:
    """The short text that ends `page` and introduces `cell`, taken off it to go on with the cell to the next
    slide (when they fit one together, and it was not all the page held); else nothing."""
    last = page[-1] if len(page) > 1 else None
    if last is None or not isinstance(last.block, Markdown) or last.block.bundle or len(last.paragraphs) > LEAD_IN \
            or not fits([last] + cell):
        return []
    return [page.pop()]


def _place(piece: Part, pages: list[list[Part]], fits: Callable[[list[Part]], bool], most: int) -> None:
    """One piece after what the last page holds: whole where it fits, else cut over new pages."""
    rest: Optional[Part] = piece
    while rest is not None:
        if fits(pages[-1] + [rest]):
            pages[-1].append(rest)
            return
        if isinstance(rest.block, Code) and pages[-1] and fits([rest]):  # code that fits a slide is never cut
            pages.append(_lead_in(pages[-1], [rest], fits) + [rest])
            return
        fitting = _fitting(pages[-1], rest, fits)
        if (cut := _long_paragraph_cut(pages[-1], rest, fitting, fits, most)) is not None:
            start, rest = head(cut, fitting + 1)  # a paragraph's first part ends this slide
            pages[-1].append(start)
            pages.append([])
        elif fitting >= MIN_PART or (fitting and not pages[-1]):
            start, rest = head(rest, fitting)
            pages[-1].append(start)
            pages.append([])
        elif pages[-1]:
            pages.append(_trailing_heading(pages[-1]))
        else:  # not even one unit fits an empty slide: it goes alone, clipped
            pages[-1].append(rest)
            pages.append([])
            rest = None


def _fitting(page: list[Part], piece: Part, fits: Callable[[list[Part]], bool]) -> int:
    """How many units (lines, items, rows) of `piece` end `page`: the most that fit (the fit only grows with
    fewer), not ending on a subheading, leaving no widow, and, for code, only between statements."""
    count = parts(piece)
    fitting = 0
    low, high = 1, count - 1
    while low <= high:
        middle = (low + high) // 2
        if fits(page + [head(piece, middle)[0]]):
            fitting, low = middle, middle + 1
        else:
            high = middle - 1
    while fitting > 1 and piece.paragraphs and piece.paragraphs[fitting - 1].heading:
        fitting -= 1  # the cut falls after a subheading: it goes on with its text
    left = count - fitting
    if 0 < left < MIN_PART:  # no widow: what goes on keeps MIN_PART lines too, as TeX keeps them
        shorter = fitting - (MIN_PART - left)
        fitting = shorter if shorter >= MIN_PART else fitting if not page else 0
    return code_cut(piece, fitting, fresh=not page) if isinstance(piece.block, Code) else fitting


def _cells(pieces: list[Part]) -> list[list[Part]]:
    """The pieces in groups that go on together: a cell, its code and what it showed after it (printed output,
    values, tables, figures, what display() showed; a hidden cell's outputs), and each other piece alone."""
    groups: list[list[Part]] = []
    for index, piece in enumerate(pieces):
        joins = groups and (isinstance(groups[-1][0].block, Code) or cell_output(groups[-1][0].block))
        if joins and (cell_output(piece.block) or (isinstance(piece.block, Code) and pieces[index - 1].block is piece.block)):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


PAUSE_WORTH = 3  # lines of a slide given up to cut where the author paused (a blank line, a comment)


def code_cut(piece: Part, fitting: int, fresh: bool) -> int:
    """How many lines of a code part end this slide, at most `fitting` (0: it moves on whole). Only between
    statements: top-level ones, or, when the statement there is longer than a slide, those of its body (a
    deeper level only on a `fresh` slide); where the author paused if that costs at most PAUSE_WORTH lines.
    A statement that no such cut fits is cut at `fitting` on a fresh slide (the build names that split)."""
    assert isinstance(piece.block, Code)
    source = piece.block.source
    depths, lines, count = cut_depths(source), source.split("\n"), parts(piece)

    def allowed_at(k: int, level: int) -> bool:  # a cut before the k-th drawn line, at most `level` deep
        paragraph = piece.paragraphs[k]
        depth = None if paragraph.continued else depths.get(paragraph.line)
        return depth is not None and depth <= level

    def written(k: int) -> int:  # lines of code (not blank) before the cut before the k-th drawn line
        return sum(1 for p in piece.paragraphs[:k] if p.text.strip())

    chosen = 0
    least = 1 if fresh else MIN_PART  # on a slide already holding something, a start of MIN_PART lines at least
    for level in range(max(depths.values(), default=0) + 1):
        allowed = [k for k in range(1, min(fitting, count - 1) + 1)  # (a slide never starts with a blank line)
                   if allowed_at(k, level) and written(k) >= least and piece.paragraphs[k].text.strip()]
        if allowed:
            chosen = max(allowed, key=lambda k: k - PAUSE_WORTH * (not pause_before(lines, piece.paragraphs[k].line)))
        # the statement that starts at the cut ends at the next cut this level allows after what fits
        ends = next((k for k in range(fitting + 1, count) if allowed_at(k, level)), count)
        if not fresh or ends - chosen <= fitting:
            break  # it fits a slide of its own: it moves there whole
    return chosen or (fitting if fresh else 0)


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
    whole = _placed(pieces, box, planner, None)
    if whole is not None:
        return [whole]
    # Too much for one slide even at the floor: as few slides as the floor needs, at the largest size that
    # still needs no more and cuts no more blocks and cells than the floor does, the same size on each.
    floor = paginate(pieces, planner, box, len(LEVELS) - 1)
    for level in range(len(LEVELS)):
        pages = floor if level == len(LEVELS) - 1 else paginate(pieces, planner, box, level)
        if len(pages) <= len(floor) and _cuts(pages) <= _cuts(floor):
            break
    return [_placed(page, box, planner, level) or _forced(page, planner, box) for page in pages]


def _placed(pieces: list[Part], box: Box, planner: Planner, level: Optional[int]) -> Optional[list[Placed]]:
    """One slide's pieces stacked (at `level`, or the largest that fits when None), or the code beside its
    figure when that shows the figure larger enough or stacking does not fit; None when neither fits."""
    stacked = best(lambda level: planner.stack(pieces, box, level))[1] if level is None else \
        planner.stack(pieces, box, level)
    beside = side_by_side(pieces, box, planner)
    if beside is not None and figure_area(beside) > SIDE_BY_SIDE_GAIN * figure_area(stacked):
        return beside
    return stacked


def _cuts(pages: list[list[Part]]) -> int:
    """How many blocks and cells go on from one slide to the next (a cell's output or figure after its code)."""
    return sum(1 for before, page in itertools.pairwise(pages) if page[0].block is before[-1].block
               or (cell_output(page[0].block) and (isinstance(before[-1].block, Code) or cell_output(before[-1].block))))


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
