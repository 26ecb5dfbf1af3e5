"""The layout stage: a deck model becomes the slides every format draws, each block placed and sized.

deck model → layout → writers. It decides, once for every format, which blocks go on
which slide, where and at what size, and where content continues onto "(cont.)" slides;
HTML and PowerPoint draw this one plan, so both have the same slides, splits and sizes.
It cuts blocks into parts (parts.py), measures and places them (planner.py, with the DejaVu fonts
that the HTML deck ships and draws with: measure.py) and pages them (paginate.py); geometry.py
holds the slide and its type scale; math_engine.py and formula_cache.py typeset the deck's
formulas, once, so that their sizes are known too. This module lays out a whole deck: its title
slide, each slide's title, and the footer band a course may ask for.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Optional

from livedeck.base.errors import UsageError
from livedeck.layout import budget, measure
from livedeck.layout.budget import LayoutTimeout as LayoutTimeout  # the stage's errors, from one place
from livedeck.layout.formula_cache import typeset
from livedeck.layout.geometry import (
    BYLINE_SIZE,
    DECK_TITLE_SIZES,
    FOOTER_SIZE,
    MARGIN,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    SUBTITLE_MAX_LINES,
    SUBTITLE_SIZE,
    TEXT_INSET,
    TITLE_SIZES,
    Box,
    body_box,
    footer_band,
    title_box,
)
from livedeck.layout.math_engine import Formula, FormulaError, Key, formulas_in
from livedeck.layout.mathtext import math_text
from livedeck.layout.paginate import fit_slide
from livedeck.layout.parts import Formulas, cell_output
from livedeck.layout.planner import Placed, Planner
from livedeck.layout.regions import CutText, cut_for_slides
from livedeck.layout.richtext import markdown_paragraphs, plain_text
from livedeck.model import Block, Callout, Code, Deck, Error, Figure, Layout, Markdown, Math, Slide, Table
from livedeck.style.theme import CodeStyle

TITLE_INSET = 7.2  # left and right inside a title box


class TooLong(UsageError):
    """A course setting longer than the slides can hold (the footer's date): which, and how much fits."""

    def __init__(self, key: str, text: str, fits: int, where: str):
        super().__init__(f"{key!r} is too long for the {where}: {len(text)} characters, {fits} fit")
        self.key = key


class SlideKind(StrEnum):
    TITLE = "title"  # the deck's title slide
    SECTION = "section"  # a section's title alone, centred: a divider between parts
    CONTENT = "content"


@dataclass(frozen=True)
class Footer:
    """The band at the foot of a content slide: the logo, the date, the footer's text, the slide number."""
    text: str  # inline markdown
    date: str
    number: int
    text_box: Box
    date_box: Box
    number_box: Box
    logo_box: Optional[Box]
    size: float = FOOTER_SIZE


@dataclass(frozen=True)
class LaidSlide:
    """One slide as drawn: its title in `title_box` at `title_size`, and its placed blocks."""
    title: str  # inline markdown
    title_box: Box
    title_size: float
    items: tuple[Placed, ...]
    notes: str = ""  # markdown
    continued: bool = False  # a "(cont.)" slide
    kind: SlideKind = SlideKind.CONTENT
    footer: Optional[Footer] = None  # when the course has a footer or a logo


def _title_fit(text: str, sizes: tuple[float, ...], width: float, planner: Planner) -> tuple[float, int]:
    """The largest size at which a title takes at most two lines, and its lines there."""
    for size in sizes:
        lines = _title_lines(text, size, width, planner)
        if lines <= 2 or size == sizes[-1]:
            return size, lines
    raise AssertionError("unreachable")


def _title_lines(text: str, size: float, width: float, planner: Planner) -> int:
    paragraphs = [replace(p, runs=tuple(replace(r, bold=True) for r in p.runs)) for p in markdown_paragraphs(text)]
    return sum(measure.wrapped_lines(p, size, width, planner.math_widths) for p in paragraphs) or 1


def _title_slide(deck: Deck, planner: Planner, code_style: CodeStyle) -> list[LaidSlide]:
    """Title, a short subtitle, and the author, institute and date, centred; a subtitle too long for
    it gets a slide of its own."""
    width = SLIDE_WIDTH - 4 * MARGIN
    size, lines = _title_fit(deck.title, DECK_TITLE_SIZES, width - 2 * TITLE_INSET, planner)
    subtitle = Markdown(deck.subtitle) if deck.subtitle else None
    sub_lines = _lines(deck.subtitle, SUBTITLE_SIZE, width, planner)
    own_slide = sub_lines > SUBTITLE_MAX_LINES
    byline = "\n\n".join(part for part in (", ".join(deck.author), deck.institute, deck.date) if part)
    blocks = [(subtitle, SUBTITLE_SIZE, sub_lines)] if subtitle and not own_slide else []
    if byline:
        blocks.append((Markdown(byline), BYLINE_SIZE, _lines(byline, BYLINE_SIZE, width, planner)))
    heights = [count * size_ * 1.2 + round(size_ * 0.3, 1) * count + 2 * TEXT_INSET[1] for _, size_, count in blocks]
    title_h = lines * size * 1.2 + 7.2
    y = max(40.0, (SLIDE_HEIGHT - title_h - sum(h + 16 for h in heights)) / 2)
    title = Box(2 * MARGIN, y, width, title_h)
    items: list[Placed] = []
    y = title.bottom + 16
    for (block, size_, _), height in zip(blocks, heights):
        items.append(Placed(block, Box(2 * MARGIN, y, width, height), size_,
                            paragraphs=tuple(markdown_paragraphs(block.text))))
        y += height + 16
    slides = [LaidSlide(deck.title, title, size, tuple(items), deck.title_notes, kind=SlideKind.TITLE)]
    if own_slide and subtitle is not None:  # the long first paragraph: a slide of its own, laid out like any other
        slides += _content(Slide(deck.title, (subtitle,)), planner, code_style, earlier=1)
    return slides


def _lines(markdown: str, size: float, width: float, planner: Planner) -> int:
    return sum(measure.wrapped_lines(p, size, width - 2 * TEXT_INSET[0], planner.math_widths)
               for p in markdown_paragraphs(markdown)) if markdown else 0


def numbered(title: str, earlier: int) -> str:
    """A slide's title, told apart from the `earlier` slides that had it: "T", "T (cont.)", "T (cont. 3)"."""
    return title if earlier == 0 else f"{title} (cont.)" if earlier == 1 else f"{title} (cont. {earlier})"


def _section(slide: Slide, planner: Planner, earlier: int) -> LaidSlide:
    """A section slide: its title large and centred, as on the title slide."""
    width = SLIDE_WIDTH - 4 * MARGIN
    title = numbered(slide.title, earlier)
    size, lines = _title_fit(title, DECK_TITLE_SIZES, width - 2 * TITLE_INSET, planner)
    height = lines * size * 1.2 + 7.2
    box = Box(2 * MARGIN, (SLIDE_HEIGHT - height) / 2, width, height)
    return LaidSlide(title, box, size, (), slide.notes, kind=SlideKind.SECTION)


def _content(slide: Slide, planner: Planner, code_style: CodeStyle, figures: str = "",
             footer: bool = False, earlier: int = 0, untitled: bool = False) -> list[LaidSlide]:
    """The slide laid out on as many slides as it needs; `earlier`: how many slides before it had its
    title (each title is numbered apart: listeners, and PowerPoint's accessibility checker, tell
    slides apart by their titles)."""
    width = SLIDE_WIDTH - 2 * MARGIN - 2 * TITLE_INSET
    size, lines = _title_fit(numbered(slide.title, earlier), TITLE_SIZES, width, planner)
    pages = fit_slide(slide, body_box(title_box(lines, size), footer), planner, code_style, figures)
    titles = _page_titles(slide.title, pages, earlier, untitled=untitled)
    longest = max(_title_lines(title, size, width, planner) for title in titles)
    if longest > lines:  # "› its figure" for "› figure of …": the slide keeps its room
        titles = _page_titles(slide.title, pages, earlier, short=True, untitled=untitled)
        longest = max(_title_lines(title, size, width, planner) for title in titles)
    if longest > lines:  # a continuation's title takes another line: refit below it
        lines = longest
        pages = fit_slide(slide, body_box(title_box(lines, size), footer), planner, code_style, figures)
        titles = _page_titles(slide.title, pages, earlier, untitled=untitled)
    heading = title_box(lines, size)
    return [LaidSlide(title, heading, size, tuple(items), slide.notes if i == 0 else "",
                      continued=slide.continued or earlier + i > 0)
            for i, (title, items) in enumerate(zip(titles, pages))]


def _page_titles(title: str, pages: list[list[Placed]], earlier: int, short: bool = False,
                 untitled: bool = False) -> list[str]:
    """Each page's title: a continuation that starts at, or after, a subheading is titled by it ("Train ›
    A loss function"), where a reader is; "(cont. N)" only when no subheading says more. An `untitled`
    slide's (no heading above it: a notebook without markdown) first page is titled so too."""
    titles: list[str] = []
    under, told = "", dict[str, int]()  # the subheading the content is under, and how many pages each titled
    for index, items in enumerate(pages):
        top = items[0].paragraphs[0] if items and items[0].paragraphs else None
        if index and top is not None and isinstance(items[0].block, Markdown) and top.heading:
            under = _escaped(top.text)
        # else a page that starts with a cell whose leading comment says what it does (as notebooks without
        # subheadings write), for that page alone
        said = _leading_comment(top.text) if (index or untitled) and top is not None \
            and isinstance(items[0].block, Code) else ""
        # (an output that began on the slide before goes on: that slide showed whose it is)
        code = _cell_before(pages[index - 1]) if index and items and cell_output(items[0].block) \
            and items[0].block is not pages[index - 1][-1].block else None
        if code is not None:  # a figure (or output) whose code is on the slide before: whose it is, above all
            said = _whose(items[0].block, code, short)
        if (index or untitled) and (said or under):
            # the subheading a reader is under, else what the cell says it does
            words = said if code is not None else under or said
            titles.append(numbered(f"{title} › {words}", told.get(words, 0)))
            told[words] = told.get(words, 0) + 1
        else:
            titles.append(numbered(title, earlier + index))
        for item in items:
            if isinstance(item.block, Markdown):
                under = next((_escaped(p.text) for p in reversed(item.paragraphs) if p.heading), under)
    return titles


def _cell_before(page: list[Placed]) -> Optional[Placed]:
    """The code whose outputs end `page` (or that ends it itself), if a cell's code is there."""
    for item in reversed(page):
        if isinstance(item.block, Code):
            return item
        if not cell_output(item.block):
            return None
    return None


def _whose(shown: Block, code: Placed, short: bool = False) -> str:
    """A title's words for a figure (or output) whose code ends the slide before: "figure of `plot(x, y)`", or,
    `short`, "its figure" (when the longer words would take the title another line, and the figure room)."""
    what = "figure" if isinstance(shown, Figure) else "table" if isinstance(shown, Table) else "output"
    if short:
        return f"its {what}"
    assert isinstance(code.block, Code)
    lines = [line for line in code.block.source.split("\n") if line.strip()]  # all of it, not just its last part
    comment = next((_leading_comment(line) for line in lines if _leading_comment(line)), "")
    setup = ("#", "import ", "from ", "plt.figure(", "fig ", "fig,", "fig=")  # not what the figure shows
    statement = next((line.strip() for line in lines if not line.lstrip().startswith(setup)), lines[0] if lines else "")
    statement = statement if len(statement) <= 40 else statement[:39] + "…"
    return f"{what} of {comment}" if comment else f"{what} of `{statement.replace('`', '')}`"


def _leading_comment(line: str) -> str:
    """A code line that is a short comment (`# show the blank index`), as a title's words; else ""."""
    words = line.strip().removeprefix("#").strip() if line.strip().startswith("#") else ""
    return _escaped(words) if 3 <= len(words) <= 72 and not words.startswith(("%", "!", "|")) else ""


def _escaped(text: str) -> str:
    """Plain text in a title, which is inline markdown: its markup characters stay characters."""
    return re.sub(r"([\\`*_\[\]<>$])", r"\\\1", text.strip())


def lay_out(deck: Deck, formulas: Formulas, code_style: CodeStyle, figures: str = "") -> tuple[LaidSlide, ...]:
    """Every slide of the deck as drawn, the title slide first (after what the lesson shows before its title,
    if anything). `formulas`: the deck's formulas, typeset
    (formulas_of(deck) lists them); `figures`: where the lesson's side files are published, as the
    note under a cut-off output names it."""
    planner = Planner(formulas)
    band = bool(deck.footer or deck.logo)
    slides: list[LaidSlide] = []
    opening = _title_slide(deck, planner, code_style)  # after what the lesson shows before its title, if anything
    title = deck.title
    used: dict[str, int] = {}  # slides so far with each title
    for index, slide in enumerate(deck.slides):
        if index == deck.before_title:
            slides += opening
            used[plain_text(deck.title)] = used.get(plain_text(deck.title), 0) + len(opening)
        title = slide.title if slide.title.strip() else title  # untitled: goes on under the title before it
        # what the lesson shows before its title (untitled), told apart from the title slide
        shown = f"{deck.title} (preface)" if index < deck.before_title and not slide.title.strip() else title
        earlier = used.get(plain_text(shown), 0)
        if slide.layout == Layout.SECTION:
            laid = [_section(slide, planner, earlier)]
        else:
            laid = _content(replace(slide, title=shown), planner, code_style, figures, band, earlier,
                            untitled=not slide.title.strip())
        used[plain_text(shown)] = earlier + len(laid)
        slides += laid
    if deck.before_title >= len(deck.slides):
        slides += opening
    if band:
        slides = [s if s.kind == SlideKind.TITLE else replace(s, footer=footer_of(deck, number, len(slides), planner))
                  for number, s in enumerate(slides, start=1)]
    return tuple(slides)


def footer_of(deck: Deck, number: int, total: int, planner: Planner) -> Footer:
    band = footer_band()
    logo = None
    if deck.logo:
        from PIL import Image

        from livedeck.model.images import logo_png

        with Image.open(io.BytesIO(logo_png(deck.logo))) as image:
            aspect = image.width / image.height
        logo = Box(band.x, band.y, min(band.h * aspect, 4 * band.h), band.h)
    date_x = logo.right + 12 if logo else band.x
    date_w = measure.width(deck.date, FOOTER_SIZE) + 2 * TEXT_INSET[0] + 2 if deck.date else 0.0
    number_w = measure.width(str(total), FOOTER_SIZE) + 2 * TEXT_INSET[0] + 12
    # The date may not crowd out the footer's own text (a third of the band) nor reach the slide number
    room = (band.w / 3 - 12 if deck.footer else band.w - number_w - 12) - (date_x - band.x)
    if date_w > room:
        fits = max((n for n in range(len(deck.date) + 1)
                    if measure.width(deck.date[:n], FOOTER_SIZE) + 2 * TEXT_INSET[0] + 2 <= room), default=0)
        raise TooLong("date", deck.date, fits, "footer")
    # The footer's text, centred on the slide in the room the date and number leave on either side
    side = max(date_x + date_w - band.x, number_w) + 12
    text_box = Box(band.x + side, band.y, band.w - 2 * side, band.h)
    # A long footer shrinks to fit its band (two lines at most, never below 8 pt)
    size = next((s for s in (FOOTER_SIZE, 11.0, 10.0, 9.0, 8.0)
                 if _lines(deck.footer, s, text_box.w, planner) * s * 1.2 + 2 * TEXT_INSET[1] <= band.h + 0.01), 8.0)
    return Footer(deck.footer, deck.date, number, text_box, Box(date_x, band.y, date_w, band.h),
                  Box(band.right - number_w, band.y, number_w, band.h), logo, size)


def formulas_of(deck: Deck) -> list[Key]:
    """Every formula the slides show: display math blocks, and inline math in any markdown."""
    texts = [deck.title, deck.subtitle]
    keys: list[Key] = []
    for slide in deck.slides:
        texts.append(slide.title)
        for block in slide.blocks:
            if isinstance(block, Math):
                keys.append((block.latex, True))
            texts += [getattr(block, "text", "") if isinstance(block, (Markdown, Callout)) else "",
                      getattr(block, "caption", ""), getattr(block, "title", "")]
            if isinstance(block, Table) and block.markdown:
                texts += [cell for row in (block.header, *block.rows) for cell in row]
    return keys + [key for text in texts if text for key in formulas_in(text)]


@dataclass(frozen=True)
class LaidDeck:
    """What the layout stage makes of a deck: its slides as drawn, and its formulas typeset."""
    slides: tuple[LaidSlide, ...]
    formulas: dict[Key, Formula]
    errors_shown: tuple[str, ...] = ()  # with allow_errors: the formulas shown as errors, with why
    side_files: dict[str, bytes] = field(default_factory=dict)  # what slides cut short, in full, for figures/
    cut_texts: tuple[CutText, ...] = ()  # markdown texts longer than slides show

    @property
    def morphs(self) -> tuple[str, ...]:
        """Each slide's morph that goes on from the slide before (code of one `#| morph:` name on both), or "":
        where HTML animates and PowerPoint's Morph transition is set."""
        def names(slide: LaidSlide) -> list[str]:
            return [item.block.morph for item in slide.items if isinstance(item.block, Code) and item.block.morph]

        shown = [names(slide) for slide in self.slides]
        return tuple(next((name for name in now if name in before), "") for before, now in zip([[]] + shown, shown))

    @property
    def beyond_text(self) -> tuple[str, ...]:
        """Inline formulas that text cannot lay out (a matrix, an underbrace): formats that draw inline
        math as text runs (PowerPoint) write them out in full, and the build says so."""
        return tuple(latex for (latex, display), formula in self.formulas.items()
                     if not display and formula.mathml and not math_text(formula.mathml).exact)


def lay_out_deck(deck: Deck, cache: Optional[Path], code_style: CodeStyle, figures: str = "",
                 allow_errors: bool = False) -> LaidDeck:
    """The layout stage, once for every format that draws slides: long output and tables cut to what slides
    show (the rest kept as side files), the deck's formulas typeset (one batch, cached in `cache`), then its
    slides laid out. A formula that cannot be typeset is a FormulaError; with `allow_errors`, its slide shows
    it in red. Past budget.LAYOUT_SECONDS it stops with LayoutTimeout: a build never hangs in layout."""
    with budget.time_budget():
        return _lay_out_deck(deck, cache, code_style, figures, allow_errors)


def _lay_out_deck(deck: Deck, cache: Optional[Path], code_style: CodeStyle, figures: str,
                  allow_errors: bool) -> LaidDeck:
    deck, side_files, cut_texts = cut_for_slides(deck)
    formulas = typeset(formulas_of(deck), cache)
    bad = {latex: f.error for (latex, _), f in formulas.items() if f.error}
    if bad and not allow_errors:
        latex = next(iter(bad))
        raise FormulaError(latex, bad[latex])
    if bad:
        deck = _showing_bad_formulas(deck, bad)
    return LaidDeck(lay_out(deck, formulas, code_style, figures), formulas,
                    tuple(f"{latex}: {message}" for latex, message in bad.items()), side_files, cut_texts)


def _showing_bad_formulas(deck: Deck, bad: dict[str, str]) -> Deck:
    """--allow-errors: a display formula that cannot be typeset becomes its source and the engine's message,
    in red (an Error block, as a cell's error is shown); an inline one stays as code, followed by the same."""
    def shown(block: Block) -> tuple[Block, ...]:
        if isinstance(block, Math) and block.latex in bad:
            return (Error(f"$${block.latex}$$\n{bad[block.latex]}", step=block.step),)
        if isinstance(block, Markdown):
            found = [latex for latex, _ in formulas_in(block.text) if latex in bad]
            text = block.text
            for latex in found:
                text = text.replace(f"${latex}$", f"`${latex}$`")
            return (replace(block, text=text),) + tuple(Error(f"${latex}$\n{bad[latex]}", step=block.step)
                                                        for latex in dict.fromkeys(found))
        return (block,)

    return replace(deck, slides=tuple(replace(slide, blocks=tuple(b for block in slide.blocks for b in shown(block)))
                                      for slide in deck.slides))
