"""Build a course: find lessons, skip what is up to date, run or re-render the rest in workers.

lesson → executor (in a worker) → deck model → writers. This module orchestrates;
it neither executes lesson code nor knows any format's insides, and a build with
nothing to do never imports torch or matplotlib.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional

from livedeck import cache
from livedeck.files import remove_stale_temporaries, sync_folder, write_atomic
from livedeck.lesson import Lesson, LessonError
from livedeck.model import Block, Deck, Error
from livedeck.pdf import PrintError
from livedeck.theme import TEMPLATES
from livedeck.workers import Job, Outcome, default_workers, run_all, start_server
from livedeck.writers import ALL_FORMATS, WRITERS, WriteContext


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
    cache: Path = Path(".livedeck-cache")
    force: bool = False  # re-execute every lesson
    handout: bool = False  # pdf: also NAME-handout.pdf, slides with their notes beneath
    with_outputs: bool = False  # ipynb: with what each cell showed when it ran
    pdf_maker: str = ""  # "chromium" or "libreoffice", chosen once per build (pdf.check_programs)

    @property
    def style(self) -> Optional[Path]:
        style = self.templates / "figure.mplstyle"
        return style if style.exists() else None


@dataclass(frozen=True)
class LessonReport:
    name: str
    path: Path
    state: str  # "ran", "rendered" (from cached results), "cached" (nothing to do), "failed"
    seconds: float = 0.0
    message: str = ""
    bad_input: bool = False  # failed before running: the lesson file itself is malformed
    errors_shown: bool = False  # built with --allow-errors, and a cell raised


def select_lessons(options: BuildOptions) -> list[tuple[str, Path]]:
    """(name, file) of the lessons to build, checked against what slides/ holds."""
    from livedeck.lesson import find_lessons, lesson_name

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


def check_template(path: Path, warn: Callable[[str], None]) -> None:
    """A bad --template is the user's input: refuse it before any lesson runs. One that PowerPoint
    would find invalid still builds (livedeck mends what it can), with a one-line warning."""
    from livedeck.writers.pptx import TemplateError, load_template
    from livedeck.writers.pptx_schema import schema_errors

    if not path.is_file():
        raise UsageError(f"--template {path}: no such file")
    try:
        load_template(path)
    except TemplateError as exc:
        raise UsageError(f"--template {exc}") from None
    errors = schema_errors(path)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        warn(f"--template {path}: not valid OOXML, PowerPoint may offer to repair it: {errors[0]}{more}")


LABELS = {"html": "Slides", "pptx": "PowerPoint", "pdf": "PDF", "handout": "Handout (PDF)",
          "ipynb": "Notebook", "json": "Deck model (JSON)"}


def handout_file(name: str) -> str:
    return f"{name}-handout.pdf"


def outputs_of(name: str, options: BuildOptions) -> list[tuple[str, str]]:
    """(label, file in dist/) of everything a lesson's build writes, in the formats' order."""
    files = []
    for fmt in options.formats:
        extension = WRITERS[fmt][0] if fmt in WRITERS else fmt
        files.append((LABELS[fmt], f"{name}.{extension}"))
        if fmt == "pdf" and options.handout:
            files.append((LABELS["handout"], handout_file(name)))
    return files


def write_deck(deck: Deck, lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
               options: BuildOptions) -> tuple[Path, ...]:
    """Write a lesson's figures, then each requested format, every file atomically.

    Deck formats come from writers/ (the deck model only); a notebook from the lesson and its
    outputs (notebook.py); a PDF from the HTML deck just written (pdf.py)."""
    figures = options.figures / deck.name
    sync_folder(figures, files)
    context = WriteContext(figures=figures, templates=options.templates, pptx_template=options.pptx_template,
                           cache=options.cache / "math")
    written = [figures / name for name in sorted(files)]

    def write(target: Path, data: bytes) -> None:
        write_atomic(target, data)
        written.append(target)

    for fmt in options.formats:
        if fmt in WRITERS:
            extension, writer = WRITERS[fmt]
            write(options.dist / f"{deck.name}.{extension}", writer(deck, context))
        elif fmt == "ipynb":
            from livedeck.notebook import write_notebook

            shown = (outputs, files) if options.with_outputs else ()
            write(options.dist / f"{deck.name}.ipynb", write_notebook(lesson, *shown))
        elif fmt == "pdf":
            for file, data in _pdfs(deck, context, options):
                write(options.dist / file, data)
    return tuple(written)


def _pdfs(deck: Deck, context: WriteContext, options: BuildOptions) -> list[tuple[str, bytes]]:
    """(file name, PDF): printed from the HTML deck just written, or LibreOffice's from the .pptx."""
    from livedeck import pdf

    if options.pdf_maker == "libreoffice":
        return [(f"{deck.name}.pdf", pdf.convert_pptx(WRITERS["pptx"][1](deck, context), deck.name))]
    html = options.dist / f"{deck.name}.html"  # "html" comes before "pdf" whenever Chromium prints
    script = options.templates / "reveal" / "handout.js" if options.handout else None
    return list(zip((f"{deck.name}.pdf", handout_file(deck.name)), pdf.print_html(html, script)))


def execute_job(job: Job) -> Outcome:
    """In a worker: run the lesson, cache what it showed, write its decks (workers write in parallel)."""
    from livedeck.execute import execute

    start = time.perf_counter()
    lesson, options, key = job.payload
    try:
        executed = execute(lesson, options.style, options.timeout, options.allow_errors)
    except LessonError as exc:
        return Outcome(job.name, error=str(exc), seconds=time.perf_counter() - start)
    if executed.failure is not None:
        return Outcome(job.name, error=executed.failure.message(), seconds=time.perf_counter() - start)
    errors_shown = any(isinstance(block, Error) for cell in executed.outputs for block in cell)
    if not errors_shown:  # a run with errors shown (--allow-errors) is never cached
        cache.store_executed(options.cache, key, executed.outputs, executed.files)
    try:
        deck, written = render(lesson, executed.outputs, executed.files, options)
    except PrintError as exc:
        return Outcome(job.name, error=f"{lesson.path}: {exc}", seconds=time.perf_counter() - start)
    return Outcome(job.name, (deck.title, written, errors_shown), seconds=time.perf_counter() - start)


def render(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
           options: BuildOptions) -> tuple[Deck, tuple[Path, ...]]:
    """Lay the deck out from the lesson's cells and their outputs, and write every format."""
    from livedeck.structure import build_deck

    deck = build_deck(lesson, outputs, source=_display_path(lesson.path))
    return deck, write_deck(deck, lesson, outputs, files, options)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def write_index(options: BuildOptions, titles: dict[str, str]) -> None:
    from livedeck.writers.html import write_index as render_index

    decks = []
    for name, _ in select_lessons(replace(options, lessons=())):
        files = [(label, file) for label, file in outputs_of(name, replace(options, formats=ALL_FORMATS, handout=True))
                 if (options.dist / file).exists()]
        decks.append((name, titles.get(name) or _title_of(options.dist, name) or name, files))
    write_atomic(options.dist / "index.html", render_index(decks, options.templates))


def _title_of(dist: Path, name: str) -> Optional[str]:
    """A lesson's title from its last good deck (for the index when it was not rebuilt)."""
    import html
    import re

    page = dist / f"{name}.html"
    if page.exists():
        match = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8", errors="replace"))
        if match:
            return html.unescape(match.group(1))
    return None


def _draw_formulas(lessons: list[Lesson], options: BuildOptions) -> None:
    """Draw display math into the cache now, on the core that is free while workers start."""
    from livedeck.structure import split_markdown
    from livedeck.writers.mathimage import formula_png

    for lesson in lessons:
        for cell in lesson.cells:
            if cell.kind == "markdown":
                for piece in split_markdown(cell.source):
                    if piece.kind == "math":
                        formula_png(piece.text, options.cache / "math")


def _prepare(options: BuildOptions, warn: Callable[[str], None]) -> None:
    if "pptx" in options.formats and options.pptx_template is not None:
        check_template(options.pptx_template, warn)
    for folder in (options.dist, options.figures, options.cache):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise UsageError(f"cannot write to {folder}/: {exc.strerror or exc}") from None
        remove_stale_temporaries(folder)  # what a killed build left behind
    if "html" in options.formats:
        from livedeck.assets import MissingAssets, copy_assets

        try:
            copy_assets(options.dist, options.templates)
        except MissingAssets as exc:
            raise UsageError(str(exc)) from None


def settle_formats(options: BuildOptions) -> BuildOptions:
    """Formats in their build order, with what each needs: a handout is a PDF, and a PDF printed
    by Chromium is printed from the HTML deck. Which program prints is decided here, once."""
    wanted = set(options.formats) | ({"pdf"} if options.handout else set())
    maker = ""
    if "pdf" in wanted:
        from livedeck.pdf import MissingProgram, check_programs

        try:
            maker = check_programs(options.handout)
        except MissingProgram as exc:
            raise UsageError(str(exc)) from None
        if maker == "chromium":
            wanted.add("html")
    return replace(options, formats=tuple(f for f in ALL_FORMATS if f in wanted), pdf_maker=maker)


def build(options: BuildOptions, report: Callable[[LessonReport], None] = lambda r: None,
          warn: Callable[[str], None] = lambda message: None) -> list[LessonReport]:
    """Build the selected lessons; a failing lesson never stops the others nor touches its old deck.
    `report` hears of each lesson as it finishes, `warn` of what builds but deserves a look."""
    from livedeck.lesson import read_lesson

    options = settle_formats(options)

    lessons = select_lessons(options)
    if lessons and (options.force or not cache.has_executed(options.cache)):
        start_server()  # nothing cached: every lesson runs, so start the torch import first of all
    _prepare(options, warn)
    inputs = cache.KeyInputs(options.style, tuple(sorted(options.slides.glob("_*.py"))), options.allow_errors)
    destinations = [str(options.dist.resolve()), str(options.figures.resolve())]
    variants = ("handout",) * options.handout + ("with-outputs",) * options.with_outputs
    context = cache.render_context(inputs, options.templates, options.formats + variants, options.pptx_template,
                                   destinations)
    reports: dict[str, LessonReport] = {}
    titles: dict[str, str] = {}
    render_keys: dict[str, str] = {}

    def done(result: LessonReport, title: str = "", written: tuple[Path, ...] = ()) -> None:
        reports[result.name] = result
        if title:
            titles[result.name] = title
        if written and not result.errors_shown:  # a deck showing errors is rebuilt next time
            cache.record_build(options.cache, result.name, render_keys[result.name], title, written)
        report(result)

    # 1. Up to date (same render key, outputs intact): nothing to do, nothing heavy imported.
    stale: list[tuple[str, Path]] = []
    for name, path in lessons:
        render_keys[name] = cache.render_key(path, context)
        title = None if options.force else cache.up_to_date(options.cache, name, render_keys[name])
        if title is None:
            stale.append((name, path))
        else:
            done(LessonReport(name, path, "cached"), title)

    # 2. Read the rest; those whose code cells ran before re-render from the cache, the others run.
    jobs: list[Job] = []
    renders: list[tuple[str, Lesson, tuple, dict]] = []
    for name, path in stale:
        try:
            lesson = read_lesson(path)
        except LessonError as exc:
            done(LessonReport(name, path, "failed", message=str(exc), bad_input=True))
            continue
        key = cache.execution_key(lesson, inputs)
        cached = None if options.force else cache.load_executed(options.cache, key)
        if cached is None:
            jobs.append(Job(name, path, (lesson, options, key)))
        else:
            renders.append((name, lesson, *cached))
    if jobs:
        start_server()  # its torch import overlaps what this process does meanwhile:
        if "pptx" in options.formats:
            _draw_formulas([job.payload[0] for job in jobs], options)  # drawing the lessons' formulas,
        if "html" in options.formats:
            from livedeck.writers import html  # noqa: F401  and loading what writes the index
    for name, lesson, outputs, files in renders:
        start = time.perf_counter()
        try:
            deck, written = render(lesson, outputs, files, options)
        except PrintError as exc:  # Chromium or LibreOffice failed on this deck: said plainly, no traceback
            done(LessonReport(name, lesson.path, "failed", message=f"{lesson.path}: {exc}"))
            continue
        except Exception:  # livedeck's own bug: that lesson fails with the traceback, the others go on
            import traceback

            message = f"{lesson.path}: internal error in livedeck:\n{traceback.format_exc()}"
            done(LessonReport(name, lesson.path, "failed", message=message))
            continue
        done(LessonReport(name, lesson.path, "rendered", time.perf_counter() - start), deck.title, written)

    # 3. Run the rest in parallel workers, reporting each as it finishes.
    paths = {job.name: job.path for job in jobs}
    workers = min(options.jobs or default_workers(), max(1, len(jobs)))
    # A cell stuck in C code ignores the per-cell alarm; the lesson still gets a hard stop.
    hard_limit = options.timeout * 2 + 60 if options.timeout else 0
    for outcome in run_all(jobs, execute_job, workers, hard_limit):
        if outcome.result is None:
            done(LessonReport(outcome.name, paths[outcome.name], "failed", outcome.seconds, outcome.error))
        else:
            title, written, errors_shown = outcome.result
            done(LessonReport(outcome.name, paths[outcome.name], "ran", outcome.seconds, errors_shown=errors_shown),
                 title, written)
    if "html" in options.formats and (jobs or renders or not (options.dist / "index.html").exists()):
        write_index(options, titles)
    return [reports[name] for name, _ in lessons]
