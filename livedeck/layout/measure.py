"""Text measured with real font metrics: the DejaVu fonts that ship with matplotlib.

The HTML deck draws with these very files (copied into its assets). PowerPoint is given
common fonts (Arial, Courier New); DejaVu is as wide or wider, so text measured here to
fit also fits when those fonts draw it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from math import ceil
from typing import Optional

from PIL import ImageFont

from livedeck.layout.richtext import Paragraph
from livedeck.style.fonts import font_folder

_UNITS = 1000  # fonts are loaded at 1000 px and scaled, for sub-point precision


@lru_cache(maxsize=8)
def _font(mono: bool, bold: bool, italic: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono" if mono else "DejaVuSans"
    suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Oblique", (True, True): "-BoldOblique"}
    return ImageFont.truetype(str(font_folder() / f"{name}{suffix[(bold, italic)]}.ttf"), _UNITS)


def width(text: str, size: float, mono: bool = False, bold: bool = False, italic: bool = False) -> float:
    """Width in points of `text` at `size` points."""
    return _length(text, mono, bold, italic) * size / _UNITS


# Characters Pillow's text shaper (raqm) refuses with "raqm_layout() failed": measured as the replacement
# character they are shown as (the reader makes them that in markdown; this keeps any other text safe).
UNSHAPED = str.maketrans({"\r": "\ufffd", "\x85": "\ufffd"})


@lru_cache(maxsize=65536)  # the same words are measured at every size a slide tries: measured once
def _length(text: str, mono: bool, bold: bool, italic: bool) -> float:
    return _font(mono, bold, italic).getlength(text.translate(UNSHAPED))


MathWidths = Mapping[str, float]  # an inline formula's LaTeX → its typeset width, in em


@dataclass(frozen=True)
class Segment:
    """Part of a word in one style; an inline formula is one segment, never broken."""
    text: str
    mono: bool = False
    bold: bool = False
    italic: bool = False
    em: float = 0.0  # a formula's typeset width in em (its Unicode text may be wider: PowerPoint draws that)

    def width(self, size: float) -> float:
        return max(width(self.text, size, self.mono, self.bold, self.italic), self.em * size)


def wrapped_lines(paragraph: Paragraph, size: float, available: float, math: Optional[MathWidths] = None) -> int:
    """How many lines the paragraph takes when word-wrapped into `available` points.

    Lines break only at spaces (as browsers, PowerPoint and LibreOffice break), even where
    a word spans runs of different fonts; a word longer than a line breaks inside it.
    """
    if available <= 0:  # nothing fits a box of no width: the caller must not lay text out there
        raise ValueError(f"no room to lay text out: {available:.1f} pt")
    lines = 0
    widths = tuple((run.math, (math or {}).get(run.math, 0.0)) for run in paragraph.runs if run.math)
    for words in _hard_lines(paragraph, widths):
        lines, used = lines + 1, 0.0
        for word in words:
            w = sum(segment.width(size) for segment in word)
            if used > 0 and used + w > available:
                lines, used = lines + 1, 0.0
                w = _without_leading_spaces(word, size)
            used += w
            if used > available + 0.01:  # a word longer than a line breaks inside it, over as many lines as it needs
                extra = ceil((used - available - 0.01) / available)
                lines, used = lines + extra, used - extra * available
    return max(lines, 1)


def _without_leading_spaces(word: list[Segment], size: float) -> float:
    """A word's width once it starts a line: the spaces before it vanish at the break."""
    first, *rest = word
    return replace(first, text=first.text.lstrip(" ")).width(size) + sum(s.width(size) for s in rest)


@lru_cache(maxsize=8192)
def _hard_lines(paragraph: Paragraph, math: tuple[tuple[str, float], ...]) -> list[list[list[Segment]]]:
    """The paragraph's lines between hard breaks, each a list of words with their leading spaces
    (`math`: the width of each of its formulas)."""
    ems = dict(math)
    lines: list[list[list[list]]] = [[]]  # words as [style, text] pieces, made Segments at the end
    has_text = False  # whether the word being read has more than spaces: a space then starts the next one
    for run in paragraph.runs:
        if run.math:
            if not lines[-1] or has_text:
                lines[-1].append([])
            lines[-1][-1].append([("math", ems.get(run.math, 0.0)), run.text])
            has_text = True
            continue
        style = (run.code, run.bold, run.italic)
        for index, piece in enumerate(run.text.split("\n")):
            if index:
                lines.append([])
                has_text = False
            for char in piece:
                words = lines[-1]
                if not words or (char == " " and has_text):
                    words.append([])
                    has_text = False
                word = words[-1]
                if word and word[-1][0] == style:
                    word[-1][1] += char
                else:
                    word.append([style, char])
                has_text = has_text or not char.isspace()
    return [[[Segment(text, em=style[1]) if style[0] == "math" else Segment(text, *style) for style, text in word]
             for word in words] for words in lines]
