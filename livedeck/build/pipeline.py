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
from typing import Optional

from livedeck.base.errors import Kind, OutputError, UsageError, cannot_write, internal_error
from livedeck.base.files import remove_stale_temporaries
from livedeck.build import cache
from livedeck.build.plan import Plan, Rerender, make_plan, select_lessons, settle_formats
from livedeck.build.publish import FormatError, write_deck
from livedeck.build.reports import Built, LessonReport, State
from livedeck.build.workers import Job, Outcome, default_workers, run_all, start_server
from livedeck.model import Block, Error
from livedeck.read.lesson import Lesson, LessonError
from livedeck.settings.course import Settings, SettingsError, lesson_settings, read_course
from livedeck.settings.options import BuildOptions, resolved
from livedeck.writers import BY_NAME, FORMATS, Card, CourseLesson, Warn

__all__ = ["BuildOptions", "LessonReport", "State", "build"]


def execute_job(job: Job) -> Outcome:
    """In a worker: run the lesson, cache what it showed, write its decks (workers write in parallel)."""
    from livedeck.run.execute import execute
    from livedeck.run.table_pictures import draw_tables

    start = time.perf_counter()
    lesson, options, key = job.payload.lesson, job.payload.options, job.payload.key
    try:
        executed = execute(lesson, options.style, options.timeout, options.allow_errors, options.project,
                           ignore=(options.dist, options.figures, options.cache))
    except LessonError as exc:
        return Outcome(job.name, error=str(exc), seconds=time.perf_counter() - start)
    if executed.failure is not None:
        return Outcome(job.name, error=executed.failure.message(), seconds=time.perf_counter() - start)
    errors_shown = any(isinstance(block, Error) for cell in executed.outputs for block in cell)
    files = executed.files | draw_tables(executed.outputs, options.style)  # cached beside the figures
    if not errors_shown:  # a run with errors shown (--allow-errors) is never cached
        cache.store_executed(options.cache, key, cache.code_outputs(lesson, executed.outputs), files,
                             executed.inputs)
    return render(lesson, executed.outputs, files, executed.inputs, options, errors_shown, start)


def render(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
           inputs: dict[str, str], options: BuildOptions, errors_shown: bool, start: float) -> Outcome:
    """Lay the deck out and write every format: one error path for lessons that ran and lessons
    re-rendered from the cache. A format that fails is this lesson's failure."""
    from livedeck.model.images import resolve_images
    from livedeck.model.structure import build_deck

    settings = options.course
    if settings != Settings() or lesson.front_matter:  # a course that says whose it is also dates its decks
        settings = lesson_settings(settings, lesson.front_matter, lesson.path)
    try:
        deck = build_deck(lesson, outputs, source=options.shown(lesson.path.resolve()), settings=settings)
        pictures = resolve_images(deck, lesson)
        published = write_deck(pictures.deck, lesson, outputs, files | pictures.files, options)
    except FormatError as exc:
        return Outcome(lesson.name, error=str(exc), seconds=time.perf_counter() - start)
    except OutputError as exc:
        return Outcome(lesson.name, error=f"{lesson.path}: {exc}", seconds=time.perf_counter() - start,
                       kind=Kind.OUTPUT)
    card = Card(deck.title, deck.subtitle, published.slides)
    built = Built(card, published.files, errors_shown or published.errors_shown, inputs | pictures.inputs,
                  lesson.notices + pictures.warnings + published.warnings)
    return Outcome(lesson.name, built, seconds=time.perf_counter() - start)


def _rerender(job: Rerender, options: BuildOptions) -> Outcome:
    """Re-render from cached results, in this process."""
    start = time.perf_counter()
    try:
        return render(job.lesson, job.outputs, job.files, job.inputs, options, False, start)
    except Exception:  # livedeck's own bug: that lesson fails with the traceback, the others go on
        return Outcome(job.lesson.name, error=internal_error(job.lesson.path), kind=Kind.INTERNAL)


@dataclass
class _Progress:
    """The reports of one build so far, and the record of each lesson built (for the next build)."""
    options: BuildOptions
    report: Callable[[LessonReport], None]
    warn: Warn
    render_keys: dict[str, str]
    reports: dict[str, LessonReport] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)

    def done(self, result: LessonReport, built: Optional[Built] = None) -> None:
        self.reports[result.name] = result
        if built is not None:
            self.cards[result.name] = built.card
            for warning in built.warnings:
                self.warn(warning)
            if built.written and not built.errors_shown:  # a deck showing errors is rebuilt next time
                cache.record_build(self.options.cache, result.name, self.render_keys[result.name], built.card,
                                   built.written, built.inputs)
        self.report(result)

    def outcome(self, outcome: Outcome, path: Path, state: State) -> None:
        if outcome.result is None:
            self.done(LessonReport(outcome.name, path, State.FAILED, outcome.seconds, outcome.error,
                                   kind=outcome.kind))
        else:
            self.done(LessonReport(outcome.name, path, state, outcome.seconds,
                                   errors_shown=outcome.result.errors_shown), outcome.result)


def _check_folders(options: BuildOptions) -> None:
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
        progress.outcome(_rerender(job, options), job.lesson.path, State.RENDERED)
    jobs = [Job(job.lesson.name, job.lesson.path, job) for job in plan.runs]
    workers = min(options.jobs or default_workers(), max(1, len(jobs)))
    # A cell stuck in C code ignores the per-cell alarm; the lesson still gets a hard stop.
    hard_limit = options.timeout * 2 + 60 if options.timeout else 0
    paths = {job.name: job.path for job in jobs}
    try:
        for outcome in run_all(jobs, execute_job, workers, hard_limit):
            progress.outcome(outcome, paths[outcome.name], State.RAN)
    except BaseException:  # stopped (Ctrl-C, SIGTERM): no worker left behind waits for the head start
        if typesetting is not None:
            typesetting.abandon()
        raise
    if typesetting is not None:
        typesetting.finish()


def build(options: BuildOptions, report: Callable[[LessonReport], None] = lambda r: None,
          warn: Warn = lambda message: None,
          formats: Callable[[tuple[str, ...]], None] = lambda names: None) -> list[LessonReport]:
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
    progress = _Progress(options, report, warn, plan.render_keys)
    for failed in misnamed + plan.unreadable:
        progress.done(failed)
    for up_to_date, card in plan.up_to_date:
        progress.done(up_to_date, Built(card, ()))
    _run(plan, lessons, options, progress)
    changed = bool(plan.runs or plan.rerenders)
    for fmt in FORMATS:  # every format hears of it: the course page lists the files of them all
        fmt.writer().finish(lambda: _course(options, progress.cards), options, changed)
    return [progress.reports[name] for name, _ in lessons] + misnamed
