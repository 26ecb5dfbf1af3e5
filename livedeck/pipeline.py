"""Build a course: find lessons, run them in workers, write figures and every format's deck.

lesson → executor (in a worker) → deck model → writers. This module only
orchestrates; it neither executes lesson code nor knows any format's insides.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from livedeck.files import write_atomic
from livedeck.model import Deck
from livedeck.theme import TEMPLATES
from livedeck.workers import Job, Outcome, default_workers, run_all
from livedeck.writers import WRITERS, WriteContext


class UsageError(Exception):
    """Bad command-line input: reported in one line, exit status 2."""


@dataclass(frozen=True)
class BuildOptions:
    slides: Path = Path("slides")
    dist: Path = Path("dist")
    figures: Path = Path("figures")
    formats: tuple[str, ...] = ("html", "pptx")
    lessons: tuple[str, ...] = ()  # lesson names; empty = all
    jobs: int = 0  # 0 = one per core
    timeout: float = 300.0  # per cell
    allow_errors: bool = False
    templates: Path = TEMPLATES
    pptx_template: Optional[Path] = None


@dataclass(frozen=True)
class LessonReport:
    name: str
    path: Path
    state: str  # "ran", "cached", "failed"
    seconds: float = 0.0
    message: str = ""
    outputs: tuple[Path, ...] = ()


def select_lessons(options: BuildOptions) -> list[tuple[str, Path]]:
    """(name, file) of the lessons to build, checked against what slides/ holds."""
    from livedeck.lesson import LessonError, find_lessons, lesson_name

    if not options.slides.is_dir():
        raise UsageError(f"no lesson folder {options.slides}")
    found: list[tuple[str, Path]] = []
    for path in find_lessons(options.slides):
        try:
            found.append((lesson_name(path), path))
        except LessonError as exc:
            raise UsageError(str(exc)) from None
    names = [name for name, _ in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"two lesson files share the name {duplicates[0]!r} in {options.slides}")
    unknown = [n for n in options.lessons if n not in names]
    if unknown:
        raise UsageError(f"unknown lesson {unknown[0]!r}; lessons are: {', '.join(names) or '(none)'}")
    return [(n, p) for n, p in found if not options.lessons or n in options.lessons]


def check_template(path: Path) -> None:
    """A bad --template is the user's input: refuse it before any lesson runs."""
    from livedeck.writers.pptx import TemplateError, load_template

    if not path.is_file():
        raise UsageError(f"--template {path}: no such file")
    try:
        load_template(path)
    except TemplateError as exc:
        raise UsageError(f"--template {exc}") from None


def write_deck(deck: Deck, files: dict[str, bytes], options: BuildOptions) -> tuple[Path, ...]:
    """Write a lesson's figures, then each requested format, every file atomically."""
    from livedeck.files import sync_folder

    figures = options.figures / deck.name
    sync_folder(figures, files)
    context = WriteContext(figures=figures, templates=options.templates, pptx_template=options.pptx_template)
    written = []
    for fmt in options.formats:
        extension, writer = WRITERS[fmt]
        target = options.dist / f"{deck.name}.{extension}"
        write_atomic(target, writer(deck, context))
        written.append(target)
    return tuple(written)


def write_index(options: BuildOptions, lessons: list[tuple[str, Path]], titles: dict[str, str]) -> None:
    from livedeck.writers.html import write_index as render_index

    decks = []
    for name, _ in lessons:
        files = [f"{name}.{WRITERS[f][0]}" for f in WRITERS if (options.dist / f"{name}.{WRITERS[f][0]}").exists()]
        decks.append((name, titles.get(name) or _title_of(options.dist, name) or name, files))
    write_atomic(options.dist / "index.html", render_index(decks, options.templates))


def _title_of(dist: Path, name: str) -> Optional[str]:
    """A lesson's title from its last good deck (for the index when it was not rebuilt)."""
    import re

    page = dist / f"{name}.html"
    if page.exists():
        match = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8", errors="replace"))
        if match:
            import html

            return html.unescape(match.group(1))
    return None


def build(options: BuildOptions, report: Callable[[LessonReport], None] = lambda r: None) -> list[LessonReport]:
    """Build the selected lessons; a failing lesson never stops the others nor touches its old deck."""
    from livedeck.assets import MissingAssets, copy_assets

    lessons = select_lessons(options)
    if "pptx" in options.formats and options.pptx_template is not None:
        check_template(options.pptx_template)
    try:
        options.dist.mkdir(parents=True, exist_ok=True)
        options.figures.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot write output folder: {exc}") from None
    if "html" in options.formats:
        try:
            copy_assets(options.dist, options.templates)
        except MissingAssets as exc:
            raise UsageError(str(exc)) from None
    style = options.templates / "figure.mplstyle"
    jobs = [Job(path, style if style.exists() else None, options.timeout, options.allow_errors) for _, path in lessons]
    names = {path: name for name, path in lessons}
    reports: list[LessonReport] = []
    titles: dict[str, str] = {}
    workers = min(options.jobs or default_workers(), max(1, len(jobs)))
    # A cell stuck in C code ignores the alarm; the whole lesson still gets a hard stop.
    hard_limit = (lambda job: 0) if not options.timeout else (lambda job: options.timeout * 2 + 60)
    for outcome in run_all(jobs, workers, hard_limit):
        reports.append(_finish(outcome, names[outcome.path], options, titles))
        report(reports[-1])
    if "html" in options.formats:
        write_index(options, select_lessons(BuildOptions(slides=options.slides)), titles)
    order = {path: i for i, (_, path) in enumerate(lessons)}
    return sorted(reports, key=lambda r: order[r.path])


def _finish(outcome: Outcome, name: str, options: BuildOptions, titles: dict[str, str]) -> LessonReport:
    if outcome.deck is None:
        return LessonReport(name, outcome.path, "failed", outcome.seconds, outcome.error)
    titles[name] = outcome.deck.title
    start = time.perf_counter()
    written = write_deck(outcome.deck, outcome.files, options)
    return LessonReport(name, outcome.path, "ran", outcome.seconds + time.perf_counter() - start, "", written)
