"""The output formats: one table of them, and what each is made from.

Like pandoc's table of writers, `FORMATS` lists every format once: its name (also its file
extension), its label on the course page, the module that makes it, and any extra file it
writes. The pipeline, the course page, `--help` and the cache all read this table; adding a
format is one module and one line here.

Each format's module exports `WRITER`, a `Writer`: its `make(sources) -> {file name in dist/: bytes}`,
and the hooks it needs of `prepare(options, warn) -> options` (once per build, before any lesson:
check programs and templates, copy assets), `head_start(lessons, options)` (in the build's own
process while the lesson workers start) and `finish(course, options, changed)` (after the lessons:
the course page); a hook it does not give does nothing. A format's module is light to import; its
libraries load in `make`. Deck writers are functions over the deck model and run no code; a PDF is
printed from the HTML deck just made; a notebook is made from the lesson itself.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from livedeck.base.package_data import TEMPLATES
from livedeck.model import Block, Deck
from livedeck.settings.options import BuildOptions
from livedeck.style.theme import Theme, load_theme

if TYPE_CHECKING:  # for the type checker alone: the command line imports this table, and they are heavy
    from livedeck.layout import LaidDeck
    from livedeck.read.lesson import Lesson

Warn = Callable[[str], None]


@dataclass(frozen=True)
class WriteContext:
    """What deck writers read besides the deck model."""
    figures: Path  # the folder holding the lesson's figures as <name>.svg and <name>.png
    templates: Path = TEMPLATES
    pptx_template: Optional[Path] = None  # a lecturer's own theme (--template)
    cache: Optional[Path] = None  # the build's cache: writers keep what they compile there (templates) across builds
    figures_shown: str = ""  # where the figures are published, as the lecturer would type it (for notes)
    theme: Theme = field(default_factory=load_theme)  # the build's, read once (BuildOptions.theme); else livedeck's


@dataclass(frozen=True)
class Sources:
    """What a format is made from: the deck model and the writers' context; for the formats made
    otherwise, the lesson, what each of its cells showed, and the files of the formats made before."""
    deck: Deck
    context: WriteContext
    options: BuildOptions
    lesson: Lesson
    outputs: tuple[tuple[Block, ...], ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)  # the lesson's figures and side files
    laid: Optional[LaidDeck] = None  # the deck as laid out, for the formats that draw slides
    made: dict[str, bytes] = field(default_factory=dict)  # file name in dist/ → bytes, formats made before

    @property
    def slides(self) -> LaidDeck:
        """The deck as laid out: every format that draws slides (`draws_slides` in its line) is given it."""
        assert self.laid is not None, f"{self.deck.name} was not laid out for a format that draws slides"
        return self.laid


@dataclass(frozen=True)
class Extra:
    """A second file a format writes when an option asks for it (a PDF's handout)."""
    label: str
    suffix: str  # after the lesson's name: "-handout.pdf"
    option: str  # the BuildOptions flag that asks for it


@dataclass(frozen=True)
class Format:
    name: str  # on the command line, and the extension of its file
    label: str  # on the course page
    module: str  # the module that makes it
    extras: tuple[Extra, ...] = ()
    draws_slides: bool = False  # drawn from the laid-out slides (the layout stage runs once for all of them)
    math_as_text: bool = False  # inline formulas drawn as text runs, not pictures (layout.mathtext)
    by_default: bool = False  # written when a build names no format
    finishes: bool = False  # its writer has a finish hook, run after every build (the course page): only those load

    def files(self, lesson: str) -> list[tuple[str, str]]:
        """(label, file name in dist/) of every file this format may write for a lesson."""
        return [(self.label, f"{lesson}.{self.name}")] + [(extra.label, lesson + extra.suffix) for extra in self.extras]

    def writer(self) -> Writer:
        writer = importlib.import_module(self.module).WRITER  # on use: each format pulls in its own libraries
        assert isinstance(writer, Writer), self.module
        return writer


@dataclass(frozen=True)
class Card:
    """What the course page says of a lesson besides its files."""
    title: str
    subtitle: str = ""  # markdown
    slides: int = 0  # as presented, the title slide included
    findings: int = 0  # the build's warnings for it: what its decks show in a lesser form than the lesson wrote


@dataclass(frozen=True)
class CourseLesson:
    """A lesson of the course, as its page lists it (whether or not this build touched it)."""
    name: str
    path: Path
    card: Card


def _unchanged(options: BuildOptions, warn: Warn) -> BuildOptions:
    return options


def _nothing(*args: object) -> None:
    return None


@dataclass(frozen=True)
class Writer:
    """What a format's module exports as WRITER: how it makes a lesson's files, and the hooks it needs
    (a hook it does not give does nothing)."""
    make: Callable[[Sources], dict[str, bytes]]
    prepare: Callable[[BuildOptions, Warn], BuildOptions] = _unchanged  # once per build, before any lesson
    head_start: Callable[[list[Lesson], BuildOptions], None] = _nothing  # while the lesson workers start
    # once the lessons are built: `course()` lists them all; the flag says whether any was rebuilt
    finish: Callable[[Callable[[], list[CourseLesson]], BuildOptions, bool], None] = _nothing


# In build order: a format comes after those it is made from.
FORMATS = (
    Format("html", "Slides", "livedeck.writers.html", draws_slides=True, by_default=True, finishes=True),
    Format("pptx", "PowerPoint", "livedeck.writers.pptx", draws_slides=True, math_as_text=True, by_default=True),
    Format("pdf", "PDF", "livedeck.writers.pdf", (Extra("Handout (PDF)", "-handout.pdf", "handout"),), draws_slides=True),
    Format("ipynb", "Notebook", "livedeck.writers.notebook"),
    Format("json", "Deck model (JSON)", "livedeck.writers.json"),
)
BY_NAME = {f.name: f for f in FORMATS}
DEFAULT_FORMATS = tuple(f.name for f in FORMATS if f.by_default)


def side_folder(lesson: str) -> str:
    """The folder in dist/ beside a lesson's decks for the files they link rather than hold (a long output in
    full): linked once from each slide that shows part of it, instead of copied into every one."""
    return f"{lesson}_files"


def all_files(lesson: str) -> list[tuple[str, str]]:
    """(label, file) of everything any build may have written for a lesson, in the table's order."""
    return [pair for f in FORMATS for pair in f.files(lesson)]


def in_build_order(names: set[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in FORMATS if f.name in names)
