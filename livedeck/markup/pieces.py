"""A markdown cell cut into the pieces slides are made of: headings, rules, notes, display math, pauses,
incremental lists, columns, GitHub tables, callouts, pictures and text. livedeck.model.structure decides
what each piece becomes on the slides; the student notebook (writers/notebook.py) writes them back.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Optional, Union
from urllib.parse import urlparse

from markdown_it.token import Token

from livedeck.markup.markdown import parser
from livedeck.markup.safe_html import Box, alerts_as_callouts_with_lines, html_block

COLUMNS_OPEN = re.compile(r"^:{4,}\s*(?:columns|\{\s*\.columns\s*\})\s*$")
COLUMN_OPEN = re.compile(r'^:{3,}\s*(?:column|\{\s*\.column(?:\s+width\s*=\s*"?(\d+(?:\.\d+)?)%"?)?\s*\})\s*$')
OTHER_OPEN = re.compile(r"^:{3,}\s*\S")
CLOSE = re.compile(r"^:{3,}\s*$")


GITHUB_ALERT = re.compile(r"^\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*\n?", re.IGNORECASE)
ALERT_CALLOUTS = {"NOTE": "note", "TIP": "tip", "IMPORTANT": "important", "WARNING": "warning", "CAUTION": "caution"}


class Kind(StrEnum):
    """What a piece of a markdown cell is."""
    HEADING = "heading"  # `#` … `######`: a slide, a section or a subheading (build_deck decides)
    BREAK = "break"  # `---`: a new slide without a title
    NOTES = "notes"
    MATH = "math"  # `$$…$$` on its own
    TEXT = "text"
    PAUSE = "pause"  # `. . .`
    INCREMENTAL = "incremental"
    COLUMN = "column"  # `::: column` opens
    COLUMNS_END = "columns-end"  # `::::` closes the columns
    TABLE = "table"  # a GitHub table
    CALLOUT = "callout"  # `::: {.callout-note}`, or a `<div class="alert">` note box
    IMAGE = "image"  # `![alt](file.png)` alone in its paragraph, or an <img>


@dataclass(frozen=True)
class Piece:
    kind: Kind
    text: str = ""
    width: float = 0.0  # "column": its share of the slide's width (0: an equal share)
    level: int = 0  # a heading's: 1 for `#`
    source: str = ""  # the markdown as written (a heading's stays text when it is a subheading); an image's file
    centred: bool = False  # text in <center>, or in a tag with align="center"
    title: str = ""  # a callout's, when it sets one
    table: tuple = ()  # a table's (header, rows, alignments), each cell inline markdown
    line: int = 0  # the line it starts on, counted from 0 in the text it was cut from


def split_markdown(source: str, open_divs: Optional[list[str]] = None) -> Iterator[Piece]:
    """Cut a markdown cell into headings, notes, display math, pauses, incremental lists and text, each
    with the line it starts on in the cell as written.

    `:::: columns` and `::: column` may span cells (code cells between them belong to
    the column), so their nesting is tracked in `open_divs`, kept across a lesson's cells.
    """
    divs = open_divs if open_divs is not None else []
    boxes: list[Box] = []
    if "alert" in source:
        source, boxes = alerts_as_callouts_with_lines(source)
    yield from _in_source(_cut(source, divs), boxes)


def _cut(source: str, divs: list[str]) -> Iterator[Piece]:
    segment: list[str] = []
    start = 0  # the line the segment begins on
    for number, line in enumerate(source.splitlines()):
        stripped = line.strip()
        column = COLUMN_OPEN.match(stripped)
        if COLUMNS_OPEN.match(stripped) or column:
            yield from _split_segment("\n".join(segment), start)
            segment, start = [], number + 1
            divs.append("column" if column else "columns")
            if column:
                yield Piece(Kind.COLUMN, width=float(column.group(1)) / 100 if column.group(1) else 0.0)
        elif CLOSE.match(stripped) and divs and divs[-1] in ("column", "columns"):
            yield from _split_segment("\n".join(segment), start)
            segment, start = [], number + 1
            if divs.pop() == "columns":
                yield Piece(Kind.COLUMNS_END)
        else:
            if OTHER_OPEN.match(stripped):
                divs.append("other")
            elif CLOSE.match(stripped) and divs:
                divs.pop()
            segment.append(line)
    yield from _split_segment("\n".join(segment), start)


def _in_source(pieces: Iterator[Piece], boxes: list[Box]) -> Iterator[Piece]:
    """Each piece's line as a line of the cell as written, before alert boxes became callouts: a piece from
    a box is on the box's first line; one after boxes, as many lines up as they added."""
    for piece in pieces:
        inside = next((box for box in boxes if box.start <= piece.line < box.end), None)
        line = inside.source_start if inside else piece.line - sum(b.added for b in boxes if b.end <= piece.line)
        yield replace(piece, line=line)


def _split_segment(source: str, offset: int = 0) -> Iterator[Piece]:
    lines = source.splitlines()
    tokens = parser().parse(source)
    text: list[str] = []  # markdown read on as text, until a piece of another kind comes
    text_line = 0  # the line that text began on

    def flush() -> Iterator[Piece]:
        if any(t.strip() for t in text):
            yield Piece(Kind.TEXT, "\n".join(text).strip("\n"), line=offset + text_line)
        text.clear()

    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None:
            continue
        found = _pieces_of(tokens, index, lines)
        if not text:
            text_line = token.map[0]
        if found is None:
            text.extend(lines[token.map[0]:token.map[1]] + [""])
            continue
        for item in found:
            if isinstance(item, str):  # text of raw HTML: it reads on with the markdown around it
                text.extend([item, ""])
            else:
                yield from flush()
                yield replace(item, line=offset + token.map[0])
    yield from flush()


def _pieces_of(tokens: list[Token], index: int, lines: list[str]) -> Optional[list[Union[Piece, str]]]:
    """The pieces a top-level block token makes; None for markdown that is text on the slide."""
    token = tokens[index]
    assert token.map is not None  # the caller passes block tokens, which have their lines
    start, end = token.map
    inner = "\n".join(ln for ln in lines[start + 1 : end] if not CLOSE.match(ln.strip())).strip()
    following = tokens[index + 1] if index + 1 < len(tokens) else Token("", "", 0)  # after an opening: its inline
    if token.type == "heading_open":
        return [Piece(Kind.HEADING, _inline_only(following.content.strip()), level=int(token.tag[1]),
                      source="\n".join(lines[start:end]))]
    if token.type == "hr":
        return [Piece(Kind.BREAK)]
    if token.type in ("container_notes_open", "container_incremental_open"):
        return [Piece(Kind.NOTES if token.type == "container_notes_open" else Kind.INCREMENTAL, inner)]
    if token.type in ("math_block", "amsmath"):  # `$$…$$`, or a bare \begin{align}…\end{align}
        return [Piece(Kind.MATH, token.content.strip())]
    if token.type == "paragraph_open" and following.content.strip() == ". . .":
        return [Piece(Kind.PAUSE)]  # Quarto's pause: what follows appears at the next click
    if token.type == "paragraph_open" and any(c.type == "image" for c in following.children or ()):
        # Pictures in a paragraph are shown as block pictures are, after its text; status badges are left out
        pictures = [Piece(Kind.IMAGE, alt, source=src) for src, alt, href in images_in(following)
                    if not is_badge(src, alt, href)]
        if _only_images(following):
            return list(pictures)
        rest = _without_images("\n".join(lines[start:end]))
        return [rest, *pictures] if rest.strip() else list(pictures)
    if token.type == "blockquote_open" and (alert := GITHUB_ALERT.match(tokens[index + 2].content or "")):
        # GitHub's `> [!NOTE]` (pandoc writes reST's admonitions so): a callout
        body = "\n".join(re.sub(r"^\s*>\s?", "", ln) for ln in lines[start:end])
        return [Piece(Kind.CALLOUT, GITHUB_ALERT.sub("", body.strip(), count=1).strip(),
                      source=ALERT_CALLOUTS[alert.group(1).upper()])]
    if token.type == "table_open":
        table = "\n".join(lines[start:end])
        return [Piece(Kind.TABLE, source=table, table=gfm_table(table))]
    if token.type.startswith("container_callout-") and token.type.endswith("_open"):
        kind = token.type[len("container_callout-"):-len("_open")]
        return [Piece(Kind.CALLOUT, inner, source=kind, title=_attribute(token.info, "title"))]
    if token.type == "html_block":
        return [Piece(Kind.IMAGE, part.alt, source=part.src) if part.src else
                Piece(Kind.TABLE, table=(part.header, part.rows, ())) if part.rows else
                Piece(Kind.TEXT, part.text, centred=True) if part.centred else part.text
                for part in html_block(token.content)]
    return None


def _inline_only(text: str) -> str:
    """A heading's text as a title: inline markdown, so `00. Fundamentals` is not read as a list item
    numbered 0 (nor `+ x` as a bullet, `> x` as a quote) when the title is drawn."""
    return re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", re.sub(r"^([-+*>#])(\s)", r"\\\1\2", text))


# A status badge: a small picture from a service, linking to it ("Open In Colab", build status, a version)
BADGE_HOSTS = {"colab.research.google.com", "img.shields.io", "mybinder.org", "badge.fury.io", "kaggle.com",
               "www.kaggle.com", "studiolab.sagemaker.aws", "deepnote.com", "gitpod.io", "codecov.io"}
BADGE_WORDS = re.compile(r"^\s*(open in|run in|launch|binder\b|colab\b|kaggle\b)", re.IGNORECASE)
MARKDOWN_PICTURE = re.compile(r"\[\s*!\[[^\]]*\]\([^)]*\)\s*\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)")


def images_in(inline: Token) -> list[tuple[str, str, str]]:
    """(src, alt, the address the picture links to) of each picture in a paragraph."""
    found, link = [], ""
    for child in inline.children or ():
        if child.type == "link_open":
            link = str(child.attrs.get("href", ""))
        elif child.type == "link_close":
            link = ""
        elif child.type == "image":
            found.append((str(child.attrs.get("src", "")), child.content, link))
    return found


def is_badge(src: str, alt: str, link: str) -> bool:
    """Whether a picture is a status badge: from a badge service, or named and linked as one."""
    hosts = {urlparse(address).netloc.lower() for address in (src, link)}
    return bool(hosts & BADGE_HOSTS) or "/badge" in src.lower() or bool(BADGE_WORDS.match(alt))


def _without_images(text: str) -> str:
    """A paragraph's markdown without its pictures (a linked picture goes with its link)."""
    return re.sub(r"[ \t]{2,}", " ", MARKDOWN_PICTURE.sub("", text)).strip()


def _only_images(inline: Token) -> bool:
    """A paragraph of images alone (a figure), rather than text with a picture in a line."""
    children = inline.children or []
    return any(c.type == "image" for c in children) and all(
        c.type == "image" or (c.type in ("softbreak", "hardbreak", "text") and not c.content.strip())
        for c in children)


def _attribute(info: str, name: str) -> str:
    """An attribute's value in a div's `{.class name="value"}`."""
    found = re.search(rf'\b{name}\s*=\s*"([^"]*)"', info)
    return found.group(1) if found else ""


def gfm_table(source: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """A GitHub table's header, rows (each cell's inline markdown) and column alignments."""
    header: list[str] = []
    rows: list[list[str]] = []
    align: list[str] = []
    row: Optional[list[str]] = None
    in_head = False
    tokens = parser().parse(source)
    for index, token in enumerate(tokens):
        if token.type in ("thead_open", "thead_close"):
            in_head = token.type == "thead_open"
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            (header.extend if in_head else rows.append)(row)
        elif token.type in ("th_open", "td_open") and row is not None:
            row.append(tokens[index + 1].content.strip() if tokens[index + 1].type == "inline" else "")
            if in_head:
                style = str(token.attrs.get("style", ""))
                align.append(style.partition("text-align:")[2].strip())
    return tuple(header), tuple(tuple(r) for r in rows), tuple(align)


def list_items(markdown: str) -> int:
    """How many top-level list items a markdown text has (each is a click when incremental)."""
    return sum(1 for t in parser().parse(markdown) if t.type == "list_item_open" and t.level == 1)
