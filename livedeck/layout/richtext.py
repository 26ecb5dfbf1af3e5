"""Markdown and highlighted code as paragraphs of styled runs: what every format's text is made of.

The layout measures these runs and both writers draw them (HTML as spans, PowerPoint as
runs), so what is measured is exactly what is drawn.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from markdown_it.token import Token
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name

from livedeck.colour import legible
from livedeck.markdown import parser
from livedeck.layout.mathtext import Script
from livedeck.layout.unimath import latex_to_unicode
from livedeck.theme import CodeStyle


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False  # monospace
    link: str = ""
    color: str = ""  # RRGGBB, for highlighted code
    math: str = ""  # inline math: its LaTeX (HTML typesets it; `text` is its Unicode reading, for notes)
    script: Script = Script.NONE  # a superscript or subscript (PowerPoint's inline math: mathtext.py)


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    bullet: str = ""  # "", "•", or "1." style numbering ("number")
    level: int = 0
    number: int = 0  # the item's number in a numbered list
    line: int = 0  # code and output: the source line it shows (1-based)
    continued: bool = False  # the wrapped tail of a line too long for its box

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)




def _inline(token: Token) -> tuple[Run, ...]:
    runs: list[Run] = []
    style = Run("")
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            runs.append(replace(style, text=child.content))
        elif kind in ("softbreak",):
            runs.append(replace(style, text=" "))
        elif kind == "hardbreak":
            runs.append(replace(style, text="\n"))
        elif kind == "code_inline":
            runs.append(replace(style, text=child.content, code=True))
        elif kind in ("math_inline", "math_inline_double"):
            runs.append(replace(style, text=latex_to_unicode(child.content), math=child.content))
        elif kind == "strong_open":
            style = replace(style, bold=True)
        elif kind == "strong_close":
            style = replace(style, bold=False)
        elif kind == "em_open":
            style = replace(style, italic=True)
        elif kind == "em_close":
            style = replace(style, italic=False)
        elif kind == "link_open":
            style = replace(style, link=str(child.attrs.get("href", "")))
        elif kind == "link_close":
            style = replace(style, link="")
        elif kind == "image":
            runs.append(replace(style, text=child.content or "[image]"))
    return _merged(runs)


def _merged(runs: list[Run]) -> tuple[Run, ...]:
    """Neighbouring runs of one style become one run."""
    merged: list[Run] = []
    for run in runs:
        if merged and replace(merged[-1], text="") == replace(run, text=""):
            merged[-1] = replace(run, text=merged[-1].text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


def markdown_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs, list items (with their bullet or number and nesting level) and display math lines."""
    return list(_markdown_paragraphs(text))


@lru_cache(maxsize=2048)  # titles and captions are measured at several sizes: parsed once
def _markdown_paragraphs(text: str) -> tuple[Paragraph, ...]:
    paragraphs: list[Paragraph] = []
    lists: list[list] = []  # stack of [kind, next number]
    for token in parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1)
            lists.append(["•" if token.type == "bullet_list_open" else "number", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            lists[-1].append("new")  # the next paragraph carries the bullet
        elif token.type == "inline":
            bullet, number = "", 0
            if lists and lists[-1][-1] == "new":
                lists[-1].pop()
                bullet, number = lists[-1][0], lists[-1][1]
                lists[-1][1] += 1
            paragraphs.append(Paragraph(_inline(token), bullet, max(0, len(lists) - 1), number))
        elif token.type in ("math_block", "math_block_label", "amsmath"):
            paragraphs.append(Paragraph((Run(latex_to_unicode(token.content), italic=True, math=token.content),)))
        elif token.type in ("fence", "code_block"):
            paragraphs.extend(Paragraph((Run(line, code=True),)) for line in token.content.rstrip("\n").split("\n"))
    return tuple(paragraphs)


def plain_text(markdown: str) -> str:
    """Markdown as plain text (for speaker notes and titles): markup dropped, math as Unicode."""
    lines = []
    for paragraph in markdown_paragraphs(markdown):
        prefix = {"•": "• ", "number": f"{paragraph.number}. "}.get(paragraph.bullet, "")
        lines.append("  " * paragraph.level + prefix + paragraph.text)
    return "\n".join(lines)


@lru_cache(maxsize=4)
def _token_colors(style: CodeStyle) -> dict:
    """The style's colour, weight and slant of each token type; each colour made legible (4.5:1) on the
    code's background, as few styles are on their own (Pygments' default comments stand 4.49:1)."""
    return {token: (legible(info["color"], style.background) if info["color"] else "", info["bold"], info["italic"])
            for token, info in get_style_by_name(style.pygments)}


def code_paragraphs(source: str, language: str, style: CodeStyle) -> list[Paragraph]:
    """One paragraph per source line, its runs coloured by the style, in both formats."""
    colors = _token_colors(style)
    lines: list[list[Run]] = [[]]
    for token_type, value in get_lexer_by_name(language).get_tokens(source.expandtabs(4)):
        kind = token_type
        while kind not in colors and kind.parent is not None:  # styles resolve inheritance for known types
            kind = kind.parent
        color, bold, italic = colors.get(kind, ("", False, False))
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(Run(piece, bold=bold, italic=italic, code=True, color=color))
    while lines and not lines[-1]:
        lines.pop()
    return [Paragraph(_merged(runs) or (Run("", code=True),), line=n) for n, runs in enumerate(lines, start=1)]


def mono_paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph((Run(line, code=True),), line=n) for n, line in enumerate(text.expandtabs(4).split("\n"), start=1)]
