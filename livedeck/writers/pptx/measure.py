"""Text measured with real font metrics: the DejaVu fonts that ship with matplotlib.

PowerPoint is given common fonts (Arial, Courier New); DejaVu is as wide or wider,
so text measured here to fit also fits when those fonts draw it.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from livedeck.writers.pptx.richtext import Paragraph

LINE_SPACING = 1.2  # PowerPoint's single line spacing, as a multiple of the font size
_UNITS = 1000  # fonts are loaded at 1000 px and scaled, for sub-point precision


def _font_dir() -> Path:
    # matplotlib's data folder, found without importing matplotlib (slow, and not needed here)
    spec = importlib.util.find_spec("matplotlib")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@lru_cache(maxsize=8)
def _font(mono: bool, bold: bool, italic: bool) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono" if mono else "DejaVuSans"
    suffix = {(False, False): "", (True, False): "-Bold", (False, True): "-Oblique", (True, True): "-BoldOblique"}
    return ImageFont.truetype(str(_font_dir() / f"{name}{suffix[(bold, italic)]}.ttf"), _UNITS)


def width(text: str, size: float, mono: bool = False, bold: bool = False, italic: bool = False) -> float:
    """Width in points of `text` at `size` points."""
    return _font(mono, bold, italic).getlength(text) * size / _UNITS


def wrapped_lines(paragraph: Paragraph, size: float, available: float) -> int:
    """How many lines the paragraph takes when word-wrapped into `available` points.

    Lines break only at spaces (as PowerPoint and LibreOffice break), even where a
    word spans runs of different fonts; a word longer than a line breaks inside it.
    """
    lines = 0
    for words in _hard_lines(paragraph):
        lines, used = lines + 1, 0.0
        for word in words:
            w = sum(width(text, size, *style) for text, style in word)
            if used > 0 and used + w > available:
                lines, used = lines + 1, 0.0
                w = _without_leading_spaces(word, size)
            used += w
            while used > available + 0.01:
                lines, used = lines + 1, used - available
    return max(lines, 1)


Segment = tuple[str, tuple[bool, bool, bool]]  # text, (mono, bold, italic)


def _without_leading_spaces(word: list[Segment], size: float) -> float:
    """A word's width once it starts a line: the spaces before it vanish at the break."""
    (text, style), *rest = word
    return width(text.lstrip(" "), size, *style) + sum(width(t, size, *s) for t, s in rest)


def _hard_lines(paragraph: Paragraph) -> list[list[list[Segment]]]:
    """The paragraph's lines between hard breaks, each a list of words with their leading spaces."""
    lines: list[list[list[Segment]]] = [[]]
    for run in paragraph.runs:
        style = (run.code, run.bold, run.italic)
        for index, piece in enumerate(run.text.split("\n")):
            if index:
                lines.append([])
            for char in piece:
                words = lines[-1]
                if not words or (char == " " and any(not t.isspace() for t, _ in words[-1])):
                    words.append([])
                word = words[-1]
                if word and word[-1][1] == style:
                    word[-1] = (word[-1][0] + char, style)
                else:
                    word.append((char, style))
    return lines
