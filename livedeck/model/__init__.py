"""The deck model: format-neutral frozen dataclasses that every writer reads.

It holds no HTML and no rendering code. It round-trips through versioned JSON,
which is what the cache stores and what `--format json` prints.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Union

# Bump when a block gains, loses or renames a field: old JSON is then refused
# (and a cache entry of the old shape simply re-executes).
MODEL_VERSION = 11
# What a displayed object offered (IPython's display protocol): (MIME type, text) pairs, a picture in base64
Bundle = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Markdown:
    """CommonMark text; inline `$…$` math stays in it for writers to typeset.

    `step`: 0 = visible from the start, n = appears at the n-th click (every block has it).
    `items_from`: for an incremental list, the click at which its first top-level item
    appears; the next items follow one click each (0 = not incremental).
    """
    text: str
    step: int = 0
    line: int = field(default=0, compare=False)  # its first line in the lesson file (0: not from markdown)
    items_from: int = 0
    centred: bool = False  # raw HTML's <center>, or align="center"
    bundle: Bundle = field(default=(), compare=False)  # displayed: the representations Jupyter saves (notebooks)


class CalloutKind(StrEnum):
    """Quarto's callouts (notebooks' `<div class="alert alert-info">` boxes are read as these)."""
    NOTE = "note"
    TIP = "tip"
    WARNING = "warning"
    CAUTION = "caution"
    IMPORTANT = "important"
    MISSING = "missing"  # an image that could not be shown (not found, or on the web): its alt text, framed


@dataclass(frozen=True)
class Callout:
    """A framed box of markdown with a title ("Note", or the author's), styled by its kind."""
    kind: CalloutKind
    title: str
    text: str
    step: int = 0
    line: int = field(default=0, compare=False)  # its first line in the lesson file (0: not from markdown)


@dataclass(frozen=True)
class Image:
    """A picture the lesson's markdown shows (`![alt](src)`, `<img>`), by its address as written.
    livedeck.model.images reads it beside the lesson and makes it a Figure before layout."""
    src: str
    alt: str = ""
    step: int = 0
    line: int = field(default=0, compare=False)  # its first line in the lesson file (0: not from markdown)
    bundle: Bundle = field(default=(), compare=False)  # displayed: the representations Jupyter saves (notebooks)


@dataclass(frozen=True)
class Math:
    """A display formula (`$$…$$`), LaTeX source."""
    latex: str
    step: int = 0
    line: int = field(default=0, compare=False)  # its first line in the lesson file (0: not from markdown)
    bundle: Bundle = field(default=(), compare=False)  # displayed: the representations Jupyter saves (notebooks)


@dataclass(frozen=True)
class Code:
    """Source shown highlighted. `line_steps` ((1, 2), (3,), …) are the lines emphasised in turn:
    the first group from the start, the k-th group at click `lines_from + k - 2` (an empty group: every line).

    A morph (`#| morph: NAME`) is one code shown in states on consecutive slides: each state names it,
    a later state knows the lines new or changed since the one before, and every state but the last is
    `superseded` (screen readers read the code once, as it ends). Code annotations (`# <1>` ending a line,
    explained by the numbered list after the cell) are taken off the source and kept as `markers`."""
    source: str
    language: str = "python"
    line_steps: tuple[tuple[int, ...], ...] = ()
    lines_from: int = 0
    step: int = 0
    line: int = field(default=0, compare=False)  # where its source starts in the lesson file (0: not known)
    morph: str = ""
    changed: tuple[int, ...] = ()  # 1-based lines of `source`
    superseded: bool = False
    markers: tuple[tuple[int, int], ...] = ()  # (line of `source`, its annotation's number)


@dataclass(frozen=True)
class Stream:
    """What a cell printed. As the executor records it: all of it (`truncated` counts lines past
    the capture's cap, never kept). As laid out for a slide (layout.cut_streams): its first
    lines, `truncated` counting the lines cut off, `full` naming the file beside the lesson's
    figures that holds all of it."""
    text: str
    name: str = "stdout"
    truncated: int = 0
    full: str = ""
    step: int = 0


@dataclass(frozen=True)
class Value:
    """The repr of a cell's last expression, as Jupyter would show it."""
    text: str
    step: int = 0
    bundle: Bundle = field(default=(), compare=False)  # displayed: the representations Jupyter saves (notebooks)


@dataclass(frozen=True)
class Error:
    """An exception shown on its slide (only with --allow-errors)."""
    text: str
    step: int = 0


@dataclass(frozen=True)
class Figure:
    """A figure saved as figures/<lesson>/<name>.svg and .png."""
    name: str
    width: float  # inches, as drawn
    height: float
    caption: str = ""
    alt: str = ""  # the lesson's fig-alt, or what livedeck.helpers.describe read in the figure: never empty
    text_size: float = 0.0  # its smallest text, in points as drawn (0: no text); layout keeps it legible
    step: int = 0
    picture: bool = False  # a picture the markdown shows (livedeck.model.images): never shown over PICTURE_ZOOM × its size
    line: int = field(default=0, compare=False)  # the line of the cell that drew it (0: not known)


# Rows the slides show of a table (more go on "(cont.)" slides, all of them to a CSV file). The layout cuts
# there (livedeck.layout.regions).
MAX_TABLE_ROWS = 30


@dataclass(frozen=True)
class Table:
    """A table, as the executor recorded it (all its rows) or as slides show it (livedeck.layout.regions);
    every format draws it natively (`name`: its CSV file's, when its rows are more than slides show)."""
    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    step: int = 0
    line: int = field(default=0, compare=False)  # its first line in the lesson file (0: not from markdown)
    align: tuple[str, ...] = ()  # each column's: "left", "center", "right" or "" (a GitHub table's)
    markdown: bool = False  # cells are inline markdown (a GitHub table's), not printed values
    bundle: Bundle = field(default=(), compare=False)  # displayed: the representations Jupyter saves (notebooks)


@dataclass(frozen=True)
class ColumnBreak:
    """On a "columns" slide: the blocks after it form the next column (`width`: share, 0 = equal);
    with `end`, the columns close and the blocks after it span the slide again."""
    width: float = 0.0
    step: int = 0
    end: bool = False


Block = Union[Markdown, Callout, Image, Math, Code, Stream, Value, Error, Figure, Table, ColumnBreak]
BLOCK_TYPES: dict[str, type] = {
    cls.__name__: cls for cls in (Markdown, Callout, Image, Math, Code, Stream, Value, Error, Figure, Table,
                                  ColumnBreak)
}


class Layout(StrEnum):
    """What the author asked for; where blocks go is decided by livedeck.layout."""
    STACK = "stack"
    COLUMNS = "columns"  # by hand, `:::: columns`
    SECTION = "section"  # a heading above the slide level: its title alone, as a divider


@dataclass(frozen=True)
class Slide:
    title: str
    blocks: tuple[Block, ...] = ()
    notes: str = ""  # markdown
    layout: Layout = Layout.STACK
    continued: bool = False  # a "(cont.)" slide


@dataclass(frozen=True)
class Deck:
    name: str  # lesson id, e.g. "derivatives"
    title: str
    subtitle: str = ""  # markdown
    source: str = ""  # lesson file, relative to the project
    slides: tuple[Slide, ...] = ()
    title_notes: str = ""
    before_title: int = 0  # how many of `slides` come before the title slide (a notebook's navigation cell)
    # Whose course it is (course.toml, the lesson's front matter): on the title slide and in footers
    course: str = ""
    author: tuple[str, ...] = ()
    institute: str = ""
    date: str = ""
    footer: str = ""  # inline markdown
    logo: str = ""  # an image file
    lang: str = "en"

    @property
    def slide_count(self) -> int:
        """Slides as presented: the title slide plus the content slides."""
        return 1 + len(self.slides)


def _encode(obj: object) -> object:
    if dataclasses.is_dataclass(obj):
        data = {f.name: _encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        if not isinstance(obj, (Deck, Slide)):
            data["type"] = type(obj).__name__
        return data
    if isinstance(obj, tuple):
        return [_encode(item) for item in obj]
    return obj


def to_json(deck: Deck) -> str:
    return json.dumps({"version": MODEL_VERSION, "deck": _encode(deck)}, indent=1, ensure_ascii=False)


def _tuples(value: Any) -> Any:
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _block(data: dict) -> Block:
    data = dict(data)
    cls = BLOCK_TYPES[data.pop("type")]
    return cls(**{k: _tuples(v) for k, v in data.items()})


def from_json(text: str) -> Deck:
    """Decode a deck; raises ValueError on a version or shape mismatch."""
    try:
        payload = json.loads(text)
        if payload.get("version") != MODEL_VERSION:
            raise ValueError(f"deck model version {payload.get('version')!r}, expected {MODEL_VERSION}")
        deck = dict(payload["deck"])
        slides = tuple(
            Slide(**{**s, "blocks": tuple(_block(b) for b in s["blocks"])}) for s in deck.pop("slides")
        )
        return Deck(**{k: _tuples(v) for k, v in deck.items()}, slides=slides)
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not a livedeck deck model: {exc}") from exc


def outputs_to_json(outputs: tuple[tuple[Block, ...], ...]) -> str:
    """What each cell showed (the executor's result), versioned like decks: the cache stores it."""
    return json.dumps({"version": MODEL_VERSION, "outputs": _encode(outputs)}, ensure_ascii=False)


def outputs_from_json(text: str) -> tuple[tuple[Block, ...], ...]:
    try:
        payload = json.loads(text)
        if payload.get("version") != MODEL_VERSION:
            raise ValueError(f"outputs model version {payload.get('version')!r}, expected {MODEL_VERSION}")
        return tuple(tuple(_block(b) for b in cell) for cell in payload["outputs"])
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not livedeck outputs: {exc}") from exc
