"""Build a course: carry out the plan (plan.py), running lessons in workers and re-rendering the rest.

lesson → executor (in a worker) → deck model → writers. This module orchestrates; it neither
executes lesson code nor knows any format's insides (those are in writers/, listed in one table).
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from livedeck.base.errors import Kind, OutputError, UsageError, cannot_write, internal_error
from livedeck.base.files import remove_stale_temporaries, undo_interrupted_publishes
from livedeck.build import cache
from livedeck.build.plan import Plan, Rerender, make_plan, select_lessons, settle_formats
from livedeck.build.publish import FormatError, write_deck
from livedeck.build.reports import LessonResult, State, failed
from livedeck.build.workers import Job, default_workers, phase, run_all, start_server
from livedeck.model import Block, Deck, Error
from livedeck.read.lesson import Lesson, LessonError
from livedeck.settings.course import Settings, SettingsError, lesson_settings, read_course
from livedeck.settings.options import BuildOptions, resolved, with_theme
from livedeck.writers import BY_NAME, FORMATS, Card, CourseLesson, Warn

__all__ = ["BuildOptions", "LessonResult", "State", "build"]


def execute_job(job: Job) -> LessonResult:
    """In a worker: run the lesson, cache what it showed, write its decks (workers write in parallel)."""
    from livedeck.run.execute import execute
    from livedeck.run.table_pictures import draw_tables

    start = time.perf_counter()
    lesson, options, key = job.payload.lesson, job.payload.options, job.payload.key
    memory = lesson.front_matter.get("memory", options.course.memory)  # course.toml's, or the lesson's own
    phase("running the lesson's code")
    try:
        executed = execute(lesson, options.style, options.timeout, options.allow_errors, options.project,
                           ignore=(options.dist, options.figures, options.cache), memory=memory)
    except LessonError as exc:
        return failed(job.name, job.path, str(exc), seconds=time.perf_counter() - start)
    if executed.failure is not None:
        return failed(job.name, job.path, executed.failure.message(), seconds=time.perf_counter() - start)
    phase("laying out and writing its decks (livedeck's part, after the lesson ran)")
    errors_shown = any(isinstance(block, Error) for cell in executed.outputs for block in cell)
    files = executed.files | draw_tables(executed.outputs, options.style)  # cached beside the figures
    if not errors_shown:  # a run with errors shown (--allow-errors) is never cached
        cache.store_executed(options.cache, key, cache.code_outputs(lesson, executed.outputs), files,
                             executed.inputs)
    result = render(lesson, executed.outputs, files, executed.inputs, options, errors_shown, start, State.RAN)
    # what the run showed in a lesser form than Jupyter would (a widget's static fallback), said once, as it ran
    return replace(result, warnings=tuple(f"{lesson.path}:{notice}" for notice in executed.notices) + result.warnings)


def render(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
           inputs: dict[str, str], options: BuildOptions, errors_shown: bool, start: float,
           state: State) -> LessonResult:
    """Lay the deck out and write every format: one error path for lessons that ran and lessons
    re-rendered from the cache. A format that fails is this lesson's failure."""
    from livedeck.model.images import resolve_images
    from livedeck.model.structure import build_deck

    settings = options.course
    # a course that says whose it is also dates its decks (a memory limit or picture folders say nothing of that)
    if replace(settings, memory=0.0, picture_folders=()) != Settings() or set(lesson.front_matter) - {"memory"}:
        settings = lesson_settings(settings, lesson.front_matter, lesson.path)
    folders = tuple(Path(folder) for folder in settings.picture_folders)

    def deeper() -> Deck:  # slides from the heading level below, asked for when the slides spread too far
        return resolve_images(build_deck(lesson, outputs, options.shown(lesson.path.resolve()), settings, deeper=True),
                              lesson, folders).deck

    try:
        deck = build_deck(lesson, outputs, source=options.shown(lesson.path.resolve()), settings=settings)
        pictures = resolve_images(deck, lesson, folders)
        published = write_deck(pictures.deck, lesson, outputs, files | pictures.files, options, deeper)
    except FormatError as exc:
        return failed(lesson.name, lesson.path, str(exc), seconds=time.perf_counter() - start)
    except OutputError as exc:
        return failed(lesson.name, lesson.path, f"{lesson.path}: {exc}", Kind.OUTPUT, time.perf_counter() - start)
    return LessonResult(lesson.name, lesson.path, state, time.perf_counter() - start,
                        errors_shown=errors_shown or published.errors_shown,
                        card=Card(deck.title, deck.subtitle, published.slides), written=published.files,
                        inputs=inputs | pictures.inputs, warnings=lesson.notices + pictures.warnings + published.warnings)


def _rerender(job: Rerender, options: BuildOptions) -> LessonResult:
    """Re-render from cached results, in this process."""
    start = time.perf_counter()
    try:
        return render(job.lesson, job.outputs, job.files, job.inputs, options, False, start, State.RENDERED)
    except Exception:  # livedeck's own bug: that lesson fails with the traceback, the others go on
        return failed(job.lesson.name, job.lesson.path, internal_error(job.lesson.path), Kind.INTERNAL)


@dataclass
class _Progress:
    """The results of one build so far, and the record of each lesson built (for the next build)."""
    options: BuildOptions
    report: Callable[[LessonResult], None]
    warn: Warn
    render_keys: dict[str, str]
    results: dict[str, LessonResult] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)

    def done(self, result: LessonResult) -> None:
        if result.card is not None:  # the course page counts what the build said of the lesson
            result = replace(result, card=replace(result.card, findings=len(result.warnings)))
        self.results[result.name] = result
        if result.card is not None:
            self.cards[result.name] = result.card
        for warning in result.warnings:
            self.warn(warning)
        if result.written and result.card and not result.errors_shown:  # one showing errors is rebuilt next time
            cache.record_build(self.options.cache, result.name, self.render_keys[result.name], result.card,
                               result.written, result.inputs)
        self.report(result)


def _check_folders(options: BuildOptions) -> None:
    for folder in (options.dist, options.figures):  # before any temporary goes: a killed publish is undone
        undo_interrupted_publishes(folder)
    for folder in (options.dist, options.figures, options.cache):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise OutputError(cannot_write(f"to {options.shown(folder)}/", exc)) from None
        remove_stale_temporaries(folder)  # what a killed build left behind


def _course(options: BuildOptions, cards: dict[str, Card]) -> list[CourseLesson]:
    """Every lesson of the course, built this time or not, with what the course page says of it."""
    return [CourseLesson(name, path, cards.get(name) or cache.last_card(options.cache, name) or Card(name))
            for name, path in select_lessons(replace(options, lessons=()))[0]]


def _names_torch(lessons: list[tuple[str, Path]], options: BuildOptions) -> bool:
    """Whether the lessons (or their helpers) mention torch: only then do workers start with it imported.
    A lesson that reaches torch some other way still runs; it just imports torch itself. Asked only
    when the server starts, so a build with nothing to run reads no lesson for it."""
    files = [path for _, path in lessons] + sorted(options.slides.glob("_*.py"))
    return any(b"torch" in path.read_bytes() for path in files)


def _run(plan: Plan, lessons: list[tuple[str, Path]], options: BuildOptions, progress: _Progress) -> None:
    """The plan's re-renders here, and its lessons in workers, each reported as it finishes; the layout's
    formulas typeset meanwhile (its head start), ended cleanly however the build is stopped."""
    typesetting = None
    if plan.runs:
        start_server(_names_torch(lessons, options))  # its torch import overlaps what this process does meanwhile
        for name in options.formats:
            BY_NAME[name].writer().head_start([job.lesson for job in plan.runs], options)
        if any(BY_NAME[name].draws_slides for name in options.formats):  # the layout stage's own head start
            from livedeck.layout.formula_cache import warm

            typesetting = warm([job.lesson for job in plan.runs], options.cache / "math")
    for job in plan.rerenders:
        progress.done(_rerender(job, options))
    # the build's options as they now are (with the theme, read once the plan showed something to draw)
    jobs = [Job(job.lesson.name, job.lesson.path, replace(job, options=options)) for job in plan.runs]
    workers = min(options.jobs or default_workers(), max(1, len(jobs)))
    # A cell stuck in C code ignores the per-cell alarm; the lesson still gets a hard stop.
    hard_limit = options.timeout * 2 + 60 if options.timeout else 0
    try:
        for result in run_all(jobs, execute_job, workers, hard_limit):
            progress.done(result)
    except BaseException:  # stopped (Ctrl-C, SIGTERM): no worker left behind waits for the head start
        if typesetting is not None:
            typesetting.abandon()
        raise
    if typesetting is not None:
        typesetting.finish()


def build(options: BuildOptions, report: Callable[[LessonResult], None] = lambda r: None,
          warn: Warn = lambda message: None,
          formats: Callable[[tuple[str, ...]], None] = lambda names: None) -> list[LessonResult]:
    """Build the selected lessons; a failing lesson never stops the others nor touches its old deck.
    `report` hears of each lesson as it finishes, `warn` of what builds but deserves a look, `formats`
    of the formats this build writes (those asked for, and those they are made from)."""
    options = resolved(options)
    try:
        options = replace(options, course=read_course(options.project))
    except SettingsError as exc:
        raise UsageError(f"{options.shown(exc.path)}:{exc.line}: {exc.message}") from None
    lessons, misnamed = select_lessons(options)
    _check_folders(options)
    options = settle_formats(options, warn)  # the last of what may be a usage error: before any process starts
    formats(options.formats)
    if lessons and (options.force or not cache.has_executed(options.cache)):
        # nothing cached: every lesson runs, so start the torch import before the plan reads every lesson
        start_server(_names_torch(lessons, options))
    plan = make_plan(lessons, options)
    if plan.runs or plan.rerenders:
        options = with_theme(options)
    progress = _Progress(options, report, warn, plan.render_keys)
    for result in misnamed + plan.unreadable + plan.up_to_date:
        progress.done(result)
    _run(plan, lessons, options, progress)
    changed = bool(plan.runs or plan.rerenders)
    for fmt in (f for f in FORMATS if f.finishes):  # the course page, which lists the files of every format
        fmt.writer().finish(lambda: _course(options, progress.cards), options, changed)
    return [progress.results[name] for name, _ in lessons] + misnamed
