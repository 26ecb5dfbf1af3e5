"""The safe subset of raw HTML a lesson's markdown may hold, as notebooks write it.

Kept for their meaning, in every format: `<b>`, `<i>`, `<code>`, `<sub>`, `<sup>`, `<br>`,
`<s>`, links with a harmless address, images, centring (`<center>`, `align="center"`), and
Bootstrap's `<div class="alert …">` note boxes (as callouts). Tags of no meaning here
(`<span>`, `<font>`, `<p>`, `<div>`) are unwrapped: their text stays; a `<word>` that is no HTML
tag (`A <green> box`) is shown as written. Scripts, styles,
iframes, objects and forms are dropped with their content, as are event handlers and
`javascript:` links; the build warns of each. Nothing is ever passed to a deck as HTML.
Tags are read by Python's own HTML parser.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import urlparse

# Shown for what they mean (richtext.INLINE_STYLE, images, links, centring, note boxes)
KEPT = {"b", "strong", "i", "em", "code", "tt", "kbd", "s", "del", "strike", "sub", "sup", "br", "img", "a",
        "center"}
# Unwrapped: their content stays, the tag has nothing to say on a slide
UNWRAPPED = {"p", "div", "span", "font", "u", "small", "big", "mark", "abbr", "cite", "q", "ins", "figure",
             "figcaption", "section", "article", "header", "footer", "nav", "main", "details", "summary", "hr",
             "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "pre", "var",
             "samp", "table", "thead", "tbody", "tr", "td", "th", "caption", "colgroup", "col", "label"}
# Dropped with all they hold: active content, never run and never shown
DROPPED = {"script", "style", "iframe", "object", "embed", "applet", "noscript", "template", "form", "input",
           "button", "select", "textarea", "frame", "frameset", "link", "meta", "base", "audio", "video", "canvas",
           "svg", "math"}
SAFE_SCHEMES = {"", "http", "https", "mailto", "ftp"}
# Tags that break the text into paragraphs (the rest of UNWRAPPED sits inside a line)
BLOCKS = (UNWRAPPED | {"center"}) - {"span", "font", "u", "small", "big", "mark", "abbr", "cite", "q", "ins", "var",
                                     "samp", "label"}
ALERT_KINDS = {"info": "note", "success": "tip", "warning": "warning", "danger": "caution", "primary": "note",
               "secondary": "note", "light": "note", "dark": "note", "block": "note"}


@dataclass(frozen=True)
class Tag:
    name: str
    attrs: dict = field(default_factory=dict)
    closing: bool = False

    @property
    def dropped(self) -> bool:
        return self.name in DROPPED

    @property
    def known(self) -> bool:
        """An HTML tag this module has a rule for; any other `<word>` is shown as the text it is."""
        return self.name in KEPT | UNWRAPPED | DROPPED


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(Tag(tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(Tag(tag, closing=True))


def _tags(text: str) -> list[Tag]:
    reader = _TagReader()
    reader.feed(text)
    reader.close()
    return reader.tags


def read_tag(text: str) -> Optional[Tag]:
    """One inline tag (`<a href="x">`, `</b>`, `<br/>`); None for a comment or a declaration."""
    return next(iter(_tags(text)), None)


def safe_link(address: str, picture: bool = False) -> str:
    """A link's address if following it runs nothing (http, https, mailto, relative), else "". A picture's
    may also be a `data:image/…` address (notebooks embed pictures so)."""
    scheme = urlparse(address.strip()).scheme.lower()
    embedded = picture and address.strip().lower().startswith("data:image/")  # shown by <img>: never runs
    return address if scheme in SAFE_SCHEMES or embedded else ""


def problems(text: str) -> list[str]:
    """What the safe subset drops from a markdown text's raw HTML, each said once."""
    found: list[str] = []
    for tag in _tags(text):
        if tag.closing:
            continue
        if tag.name in DROPPED:
            found.append(f"<{tag.name}> dropped with its content (raw HTML may not run in a deck)")
        for name, value in tag.attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag.name} {name}=…> dropped: event handlers never run in a deck")
            elif name in ("href", "src") and not safe_link(value, picture=tag.name == "img" and name == "src"):
                found.append(f"<{tag.name} {name}=\"{value[:40]}\"> dropped: only http(s), mailto and relative "
                             "addresses are kept")
    return list(dict.fromkeys(found))


ALERT_OPEN = re.compile(r"""<div\b[^>]*\bclass\s*=\s*["'](?:[^"']*?\s)?alert(\s[^"']*)?["'][^>]*>""", re.IGNORECASE)
DIV_TAG = re.compile(r"<(/?)div\b[^>]*>", re.IGNORECASE)


def alerts_as_callouts(source: str) -> str:
    """Bootstrap's note boxes (`<div class="alert alert-info">…</div>`), as notebooks write them, as
    Quarto callouts (`::: {.callout-note}` … `:::`), which the markdown parser reads as blocks."""
    return alerts_as_callouts_with_lines(source)[0]


@dataclass(frozen=True)
class Box:
    """Where an alert box went: its lines in the new text (from `start`, up to `end`), its first line in the
    source, and how many lines longer the new text is for it."""
    start: int
    end: int
    source_start: int
    added: int


def alerts_as_callouts_with_lines(source: str) -> tuple[str, list[Box]]:
    """The same, and where each box went, so that a line of the new text can be told as a line of the source."""
    out: list[str] = []
    position = 0
    boxes: list[Box] = []
    while (opening := ALERT_OPEN.search(source, position)) is not None:
        kinds = [ALERT_KINDS[word[6:]] for word in (opening.group(1) or "").split()
                 if word.startswith("alert-") and word[6:] in ALERT_KINDS and word != "alert-block"]
        kind = kinds[0] if kinds else "note"  # `alert-block` only shapes the box
        depth, end, close = 1, len(source), len(source)
        for tag in DIV_TAG.finditer(source, opening.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                close, end = tag.start(), tag.end()
                break
        inner = source[opening.end():close].strip("\n")
        title = ""
        heading = re.match(r"\s*<h[1-6][^>]*>(.*?)</h[1-6]>", inner, re.IGNORECASE | re.DOTALL)
        if heading:  # sphinx-gallery's `<h4>Note</h4>`: the callout's title
            title, inner = " ".join(heading.group(1).split()).replace('"', "'"), inner[heading.end():]
        attribute = f' title="{title}"' if title else ""
        box = f"\n\n::: {{.callout-{kind}{attribute}}}\n{inner}\n:::\n\n"
        out.append(source[position:opening.start()])
        start = "".join(out).count("\n")
        out.append(box)
        boxes.append(Box(start, "".join(out).count("\n"), source[:opening.start()].count("\n"),
                         box.count("\n") - source[opening.start():end].count("\n")))
        position = end
    out.append(source[position:])
    return "".join(out), boxes


@dataclass(frozen=True)
class HtmlPart:
    """What a block of raw HTML shows: a picture (`src`), a table (`header`, `rows`: each cell's inline
    markdown), or text (markdown with inline tags kept)."""
    text: str = ""
    src: str = ""
    alt: str = ""
    centred: bool = False
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


class _BlockReader(HTMLParser):
    """A block of raw HTML as pictures and text: kept inline tags written back, block tags made paragraph
    breaks, dropped elements skipped with what they hold."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[HtmlPart] = []
        self.text: list[str] = []
        self.dropped = 0
        self.blocks: list[bool] = []  # the block tags open, each: whether it centres
        self.table: Optional[list[list[tuple[str, bool]]]] = None  # a <table>'s rows of (cell, is <th>) so far
        self.cell: Optional[list[str]] = None  # the text of the table cell being read
        self.in_header = False  # that cell is a <th>

    @property
    def sink(self) -> list[str]:
        """Where text goes: the table cell being read, else the text."""
        return self.cell if self.cell is not None else self.text

    def _table_tag(self, tag: str, closing: bool) -> bool:
        """A table's own tags, read into rows of cells; whether `tag` was one."""
        if tag == "table" and not closing:
            self._flush()
            self.table = []
        elif tag == "table":
            rows = [row for row in self.table or [] if row]
            header = tuple(text for text, _ in rows[0]) if rows and all(th for _, th in rows[0]) else ()
            body = tuple(tuple(text for text, _ in row) for row in rows[1 if header else 0:])
            if header or body:
                self.parts.append(HtmlPart(header=header, rows=body))
            self.table = self.cell = None
        elif self.table is None:
            return False
        elif tag == "tr" and not closing:
            self.table.append([])
        elif tag in ("td", "th") and not closing:
            self.cell, self.in_header = [], tag == "th"
        elif tag in ("td", "th") and self.cell is not None:
            if not self.table:
                self.table.append([])
            self.table[-1].append((" ".join("".join(self.cell).split()), self.in_header))
            self.cell = None
        elif tag in BLOCKS and self.cell is not None:
            self.cell.append(" ")  # a <p> or <div> in a cell: the cell stays one line
        return tag in BLOCKS or tag in ("td", "th", "tr", "table")

    @property
    def centred(self) -> bool:
        return any(self.blocks)

    def _flush(self) -> None:
        text = "".join(self.text).strip()
        if text:
            self.parts.append(HtmlPart(text=text, centred=self.centred))
        self.text = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag in DROPPED:
            self.dropped += 1
        if self.dropped:
            return
        centring = tag == "center" or values.get("align", "").lower() == "center" or \
            "text-align:center" in values.get("style", "").replace(" ", "").lower()
        if self._table_tag(tag, closing=False):
            return
        if tag in BLOCKS:
            self._flush()
            if tag not in ("hr", "br", "col"):
                self.blocks.append(centring)
            return
        if tag == "img" and self.cell is not None:
            self.cell.append(values.get("alt", ""))
        elif tag == "img":
            self._flush()
            if safe_link(values.get("src", ""), picture=True):
                self.parts.append(HtmlPart(src=values["src"], alt=values.get("alt", ""), centred=True))
            return
        if tag not in KEPT | UNWRAPPED:  # no HTML a deck knows: shown as the text it is
            self.sink.append(self.get_starttag_text() or f"<{tag}>")
        elif tag == "a":
            href = safe_link(values.get("href", ""))
            self.sink.append(f'<a href="{href}">' if href else "<a>")
        elif tag in KEPT:
            self.sink.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag in BLOCKS and tag not in ("hr", "col"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            self.dropped = max(0, self.dropped - 1)
            return
        if self.dropped or self._table_tag(tag, closing=True):
            return
        if tag in BLOCKS:
            self._flush()
            if self.blocks and tag not in ("hr", "br", "col"):
                self.blocks.pop()
        elif tag in KEPT and tag not in ("img", "br"):
            self.sink.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.dropped and (self.table is None or self.cell is not None):  # not the blanks between cells
            self.sink.append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def html_block(text: str) -> list[HtmlPart]:
    """A block of raw HTML as what it shows: pictures, and text in the safe subset."""
    reader = _BlockReader()
    reader.feed(text)
    reader.close()
    reader._flush()
    return reader.parts
