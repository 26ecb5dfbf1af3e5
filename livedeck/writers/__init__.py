"""The output formats: one table of them, and what each is made from.

Like pandoc's table of writers, `FORMATS` lists every format once: its name (also its file
extension), its label on the course page, the module that makes it, and any extra file it
writes. The pipeline, the course page, `--help` and the cache all read this table; adding a
format is one module and one line here.

Each format's module has `make(sources) -> {file name in dist/: bytes}`, and may have (and
then lists in `hooks`) `prepare(options, warn) -> options` (once per build, before any lesson:
check programs and templates, copy assets), `head_start(lessons, options)` (in the build's own
process while the lesson workers start) and `finish(course, options, changed)` (after the
lessons: the course page). A format's module is light to import; its libraries load in `make`. Deck writers are functions over the deck model and run no code;
a PDF is printed from the HTML deck just made; a notebook is made from the lesson itself.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Optional

from livedeck.base.package_data import TEMPLATES
from livedeck.model import Block, Deck
from livedeck.settings.options import BuildOptions

Warn = Callable[[str], None]


@dataclass(frozen=True)
class WriteContext:
    """What deck writers read besides the deck model."""
    figures: Path  # the folder holding the lesson's figures as <name>.svg and <name>.png
    templates: Path = TEMPLATES
    pptx_template: Optional[Path] = None  # a lecturer's own theme (--template)
    cache: Optional[Path] = None  # where writers may keep what they draw (formula pictures) across builds
    figures_shown: str = ""  # where the figures are published, as the lecturer would type it (for notes)


@dataclass(frozen=True)
class Sources:
    """What a format is made from: the deck model and the writers' context; for the formats made
    otherwise, the lesson, what each of its cells showed, and the files of the formats made before."""
    deck: Deck
    context: WriteContext
    options: BuildOptions
    lesson: Any = None  # livedeck.read.lesson.Lesson
    outputs: tuple[tuple[Block, ...], ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)  # the lesson's figures and side files
    laid: Any = None  # livedeck.layout.LaidDeck: the deck as laid out, for the formats that draw slides
    made: dict[str, bytes] = field(default_factory=dict)  # file name in dist/ → bytes, formats made before


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
    hooks: tuple[str, ...] = ()  # which of prepare, head_start and finish its module has (others: not imported)
    draws_slides: bool = False  # drawn from the laid-out slides (the layout stage runs once for all of them)
    math_as_text: bool = False  # inline formulas drawn as text runs, not pictures (layout.mathtext)
    by_default: bool = False  # written when a build names no format

    def files(self, lesson: str) -> list[tuple[str, str]]:
        """(label, file name in dist/) of every file this format may write for a lesson."""
        return [(self.label, f"{lesson}.{self.name}")] + [(extra.label, lesson + extra.suffix) for extra in self.extras]

    def code(self) -> ModuleType:
        return importlib.import_module(self.module)  # on use: each format pulls in its own libraries

    def make(self, sources: Sources) -> dict[str, bytes]:
        return self.code().make(sources)

    def prepare(self, options: BuildOptions, warn: Warn) -> BuildOptions:
        return self.code().prepare(options, warn) if "prepare" in self.hooks else options

    def head_start(self, lessons: list, options: BuildOptions) -> None:
        if "head_start" in self.hooks:
            self.code().head_start(lessons, options)

    def finish(self, course: Callable[[], list[CourseLesson]], options: BuildOptions, changed: bool) -> None:
        """Once the lessons are built: `course()` lists them all; `changed`: whether any was rebuilt."""
        if "finish" in self.hooks:
            self.code().finish(course, options, changed)


@dataclass(frozen=True)
class CourseLesson:
    """A lesson of the course, as its page lists it (whether or not this build touched it)."""
    name: str
    path: Path
    card: Any  # livedeck.build.reports.Card: its title, subtitle and slide count


# In build order: a format comes after those it is made from.
FORMATS = (
    Format("html", "Slides", "livedeck.writers.html", hooks=("prepare", "head_start", "finish"), draws_slides=True,
           by_default=True),
    Format("pptx", "PowerPoint", "livedeck.writers.pptx", hooks=("prepare",), draws_slides=True, math_as_text=True,
           by_default=True),
    Format("pdf", "PDF", "livedeck.writers.pdf", (Extra("Handout (PDF)", "-handout.pdf", "handout"),),
           hooks=("prepare",), draws_slides=True),
    Format("ipynb", "Notebook", "livedeck.writers.notebook"),
    Format("json", "Deck model (JSON)", "livedeck.writers.json"),
)
BY_NAME = {f.name: f for f in FORMATS}
DEFAULT_FORMATS = tuple(f.name for f in FORMATS if f.by_default)


def all_files(lesson: str) -> list[tuple[str, str]]:
    """(label, file) of everything any build may have written for a lesson, in the table's order."""
    return [pair for f in FORMATS for pair in f.files(lesson)]


def in_build_order(names: set[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f.name for f in FORMATS if f.name in names)
