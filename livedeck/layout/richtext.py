"""Markdown and highlighted code as paragraphs of styled runs: what every format's text is made of.

The layout measures these runs and both writers draw them (HTML as spans, PowerPoint as
runs), so what is measured is exactly what is drawn.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from markdown_it.token import Token
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_style_by_name

from livedeck.layout.mathtext import Script
from livedeck.layout.unimath import latex_to_unicode
from livedeck.markup.markdown import parser
from livedeck.style.colour import legible
from livedeck.style.theme import CodeStyle


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False  # monospace
    link: str = ""
    color: str = ""  # RRGGBB, for highlighted code
    math: str = ""  # inline math: its LaTeX (HTML typesets it; `text` is its Unicode reading, for notes)
    script: Script = Script.NONE  # a superscript or subscript (<sub>, <sup>; PowerPoint's inline math: mathtext.py)
    strike: bool = False  # ~~struck through~~


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    bullet: str = ""  # "", "•", or "1." style numbering ("number")
    level: int = 0
    number: int = 0  # the item's number in a numbered list
    line: int = 0  # code and output: the source line it shows (1-based)
    continued: bool = False  # the wrapped tail of a line too long for its box
    heading: bool = False  # a subheading (a heading below the slide level): bold, in the heading colour
    quote: int = 0  # how deep in block quotes (> …) it stands: indented, italic

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)




# Raw HTML in markdown: these inline tags keep their meaning, in every format (the safe subset: markup.safe_html)
INLINE_STYLE: dict[str, tuple[str, Any]] = {
    "b": ("bold", True), "strong": ("bold", True), "i": ("italic", True), "em": ("italic", True),
    "code": ("code", True), "tt": ("code", True), "kbd": ("code", True), "s": ("strike", True),
    "del": ("strike", True), "strike": ("strike", True), "sub": ("script", Script.SUB),
    "sup": ("script", Script.SUPER)}


def _inline(token: Token) -> tuple[Run, ...]:
    runs: list[Run] = []
    style = Run("")
    styles: list[tuple[str, Run]] = []  # open inline HTML tags, and the style before each
    dropped = 0  # inside <script>, <style> …: their text is never shown
    for child in token.children or []:
        if child.type == "html_inline":
            style, dropped = _html_inline(child.content, style, styles, dropped, runs)
        elif not dropped:
            style = _markdown_inline(child, style, runs)
    return _merged(runs)


def _html_inline(source: str, style: Run, styles: list[tuple[str, Run]], dropped: int,
                 runs: list[Run]) -> tuple[Run, int]:
    """Raw HTML inside a paragraph, read as its safe subset: the style after the tag, and how deep inside
    dropped tags (<script> …) the text now is; what the tag shows goes to `runs`."""
    from livedeck.markup.safe_html import read_tag, safe_link

    tag = read_tag(source)
    if tag is None:
        return style, dropped
    if not tag.known:  # `A <green> box`, `List<int>`: no HTML a deck knows, so the text it reads as
        runs.append(replace(style, text=source))
    elif tag.dropped:
        dropped = max(dropped + (-1 if tag.closing else 1), 0)
    elif tag.name == "br":
        runs.append(replace(style, text="\n"))
    elif tag.name == "img" and not tag.closing:
        runs.append(replace(style, text=tag.attrs.get("alt", "") or "[image]"))
    elif tag.name == "a":
        style = replace(style, link="" if tag.closing else safe_link(tag.attrs.get("href", "")))
    elif tag.name in INLINE_STYLE and tag.closing:
        while styles and styles[-1][0] != tag.name:
            styles.pop()
        if styles:
            style = styles.pop()[1]
    elif tag.name in INLINE_STYLE:
        styles.append((tag.name, style))
        field_name, value = INLINE_STYLE[tag.name]
        style = replace(style, **{field_name: value})
    return style, dropped


def _markdown_inline(child: Token, style: Run, runs: list[Run]) -> Run:
    """One inline markdown token: the text it shows goes to `runs`; returns the style after it."""
    from livedeck.markup.safe_html import safe_link

    kind = child.type
    if kind == "text" and child.content:  # markdown-it opens a line with an empty text before `**`
        runs.append(replace(style, text=child.content))
    elif kind == "softbreak":
        runs.append(replace(style, text=" "))
    elif kind == "hardbreak":
        runs.append(replace(style, text="\n"))
    elif kind == "code_inline":
        runs.append(replace(style, text=child.content, code=True))
    elif kind in ("math_inline", "math_inline_double"):
        runs.append(replace(style, text=latex_to_unicode(child.content), math=child.content))
    elif kind in ("strong_open", "strong_close"):
        style = replace(style, bold=kind == "strong_open")
    elif kind in ("em_open", "em_close"):
        style = replace(style, italic=kind == "em_open")
    elif kind in ("s_open", "s_close"):
        style = replace(style, strike=kind == "s_open")
    elif kind == "link_open":
        style = replace(style, link=safe_link(str(child.attrs.get("href", ""))))
    elif kind == "link_close":
        style = replace(style, link="")
    elif kind == "image":
        runs.append(replace(style, text=child.content or "[image]"))
    return style


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
    heading = False
    quote = 0
    for token in parser().parse(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1)
            lists.append(["•" if token.type == "bullet_list_open" else "number", start])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            lists[-1].append("new")  # the next paragraph carries the bullet
        elif token.type in ("heading_open", "heading_close"):
            heading = token.type == "heading_open"
        elif token.type in ("blockquote_open", "blockquote_close"):
            quote += 1 if token.type == "blockquote_open" else -1
        elif token.type == "inline":
            bullet, number = "", 0
            if lists and lists[-1][-1] == "new":
                lists[-1].pop()
                bullet, number = lists[-1][0], lists[-1][1]
                lists[-1][1] += 1
            runs = _inline(token)
            if heading or quote:
                runs = tuple(replace(r, bold=r.bold or heading, italic=r.italic or bool(quote)) for r in runs)
            if runs:
                paragraphs.append(Paragraph(runs, bullet, max(0, len(lists) - 1), number, heading=heading,
                                            quote=quote))
        elif token.type in ("math_block", "math_block_label", "amsmath"):
            paragraphs.append(Paragraph((Run(latex_to_unicode(token.content), italic=True, math=token.content),)))
        elif token.type == "html_block":  # raw HTML: its safe subset's text, read as markdown (livedeck.markup.safe_html)
            from livedeck.markup.safe_html import html_block

            for part in html_block(token.content):
                if part.text:
                    paragraphs.extend(_markdown_paragraphs(part.text))
                elif part.rows:  # a table inside a note or a callout: a line per row
                    paragraphs.extend(p for row in (part.header, *part.rows) if row
                                      for p in _markdown_paragraphs(" · ".join(row)))
                else:
                    paragraphs.append(Paragraph((Run(part.alt or "picture", italic=True),)))
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


def code_paragraphs(source: str, language: str, style: CodeStyle,
                    markers: tuple[tuple[int, int], ...] = ()) -> list[Paragraph]:
    """One paragraph per source line, its runs coloured by the style, in both formats; a line with a code
    annotation's marker ((line, number) in `markers`) ends with its number, bold in the marker colour."""
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
    marker = legible(style.marker, style.background)
    for line, number in markers:
        while len(lines) < line:
            lines.append([])
        lines[line - 1].append(Run(f"  ({number})", bold=True, code=True, color=marker))
    return [Paragraph(_merged(runs) or (Run("", code=True),), line=n) for n, runs in enumerate(lines, start=1)]


def mono_paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph((Run(line, code=True),), line=n) for n, line in enumerate(text.expandtabs(4).split("\n"), start=1)]
