"""The slide every format draws, in points, and the deck's one type scale.

A slide is 13.33 × 7.5 in (960 × 540 pt), PowerPoint's 16:9; the HTML deck is the same
slide at 1280 × 720 CSS px, so one point is 4/3 px there. Every size below is on that slide.
"""
from __future__ import annotations

from dataclasses import dataclass

SLIDE_WIDTH, SLIDE_HEIGHT = 960.0, 540.0
PX_PER_PT = 1280 / SLIDE_WIDTH

MARGIN = 48.0  # left and right of the title and the body
TITLE_TOP = 18.0
TITLE_SIZE = 32.0  # every content slide's title; it wraps to two lines before it shrinks
TITLE_SIZES = (32.0, 28.0, 24.0)
TITLE_MIN_HEIGHT = 72.0
TITLE_RULE = 9.0  # between the title and the body (the HTML title's underline sits in it)
BOTTOM = 18.0  # below the body

DECK_TITLE_SIZES = (44.0, 40.0, 36.0, 32.0)  # the title slide's title, up to two lines
SUBTITLE_SIZE = 24.0
SUBTITLE_MAX_LINES = 4  # a longer first paragraph becomes a slide of its own
BYLINE_SIZE = 20.0  # the title slide's author, institute and date
FOOTER_SIZE = 12.0  # the footer's text, date and slide number
FOOTER_HEIGHT = 24.0  # the band at the foot of every content slide, when the course has a footer or a logo

# (text, code and output, table) sizes in points, largest first: the short scale every slide
# draws from. A slide steps down only as far as it must; code also shrinks on its own (to its
# longest line), never below CODE_FLOOR.
LEVELS = ((24.0, 20.0, 18.0), (22.0, 18.0, 16.0), (20.0, 16.0, 15.0), (18.0, 14.0, 14.0))
CODE_SIZES = (20.0, 18.0, 16.0, 14.0)
CODE_FLOOR = 14.0
CAPTION_SIZE = 14.0
MATH_SIZE_FACTOR = 1.25  # display math a little larger than body text
FIGURE_TEXT_MIN = 12.0  # figure text as shown, in points
MATH_FLOOR = 12.0  # a display formula scales down to fit, never below this size
FIGURE_MIN_HEIGHT = 130.0

LINE_SPACING = 1.2  # single line spacing, as a multiple of the font size
PARAGRAPH_SPACING = 0.3  # after a text paragraph, as a multiple of the font size
GAP = 8.0  # between blocks
COLUMN_GAP = 16.0  # between columns
TEXT_INSET = (3.0, 2.0)  # left/right, top/bottom insets of a text box
CODE_INSET = (8.0, 5.0)
CELL_INSET = (5.0, 3.0)
CALLOUT_INSET = (12.0, 6.0)  # inside a callout's frame (its thick left rule is drawn in the left inset)
BULLET_INDENT = 1.3  # list indent per level, in multiples of the font size (room for "10.")
CONTINUATION = "↪ "  # starts the wrapped tail of a code line too long for the slide


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w


def title_box(lines: int, size: float) -> Box:
    """A content slide's title: one line's room at least, two lines when it wraps."""
    height = max(TITLE_MIN_HEIGHT, lines * size * LINE_SPACING + 2 * 3.6)
    return Box(MARGIN, TITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, height)


def body_box(title: Box, footer: bool = False) -> Box:
    """What a content slide has for its blocks: below its title, above the footer band if it has one."""
    top = title.bottom + TITLE_RULE
    bottom = SLIDE_HEIGHT - BOTTOM - (FOOTER_HEIGHT + GAP if footer else 0.0)
    return Box(MARGIN, top, SLIDE_WIDTH - 2 * MARGIN, bottom - top)


def footer_band() -> Box:
    return Box(MARGIN, SLIDE_HEIGHT - BOTTOM - FOOTER_HEIGHT + 6, SLIDE_WIDTH - 2 * MARGIN, FOOTER_HEIGHT)
