"""One lesson's build: run its code (in a worker here, or as a Ray task), keep its results (the cache; the
frozen record with --freeze, or compared with it under --check), then lay out and write its decks.

Running gives back a `Ran` wherever it happened, and everything after is the same code for a lesson that
ran in a local worker, on a Ray node, or not at all (re-rendered from the cache or a frozen record).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from livedeck.base.errors import Kind, OutputError, internal_error
from livedeck.build import cache, frozen
from livedeck.build.plan import LessonJob, Rerender
from livedeck.build.publish import FormatError, write_deck
from livedeck.build.reports import LessonResult, State, failed
from livedeck.build.workers import Job, phase
from livedeck.model import Block, Deck, Error
from livedeck.read.lesson import Lesson, LessonError
from livedeck.settings.course import Settings, lesson_settings
from livedeck.settings.options import BuildOptions
from livedeck.settings.requirements import Tolerance
from livedeck.writers import Card


@dataclass(frozen=True)
class Ran:
    """What running a lesson's code gave back: each cell's outputs, the figure and table files made, the
    data files read (path → sha256), what it showed in a lesser form, and a failure's message if it failed."""
    outputs: tuple[tuple[Block, ...], ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    failure: str = ""
    seconds: float = 0.0


def cell_timeout(lesson: Lesson, options: BuildOptions) -> float:
    """Seconds a cell may run: the lesson's own `requires.timeout_min` (its whole time), else --timeout."""
    minutes = lesson.requires.timeout_min
    return minutes * 60 if minutes else options.timeout


def run_code(lesson: Lesson, options: BuildOptions, project: Optional[Path] = None) -> Ran:
    """Run the lesson's code (in the process that is the lesson's alone). A table is data: each format draws
    it natively (HTML and PowerPoint tables, the notebook's HTML), so no picture of it is drawn.
    `project`: the course folder as this process sees it (a Ray task's copy of it)."""
    from livedeck.run.execute import execute

    start = time.perf_counter()
    memory = lesson.front_matter.get("memory", options.course.memory)  # course.toml's, or the lesson's own
    try:
        executed = execute(lesson, options.style, cell_timeout(lesson, options), options.allow_errors,
                           project or options.project, ignore=(options.dist, options.figures, options.cache),
                           memory=memory)
    except LessonError as exc:
        return Ran(failure=str(exc), seconds=time.perf_counter() - start)
    if executed.failure is not None:
        return Ran(failure=executed.failure.message(), seconds=time.perf_counter() - start)
    return Ran(executed.outputs, executed.files, executed.inputs, executed.notices, seconds=time.perf_counter() - start)


def execute_job(job: Job) -> LessonResult:
    """In a local worker: run the lesson, then keep and render what it showed (workers write in parallel)."""
    start = time.perf_counter()
    phase("running the lesson's code")
    ran = run_code(job.payload.lesson, job.payload.options)
    phase("laying out and writing its decks (livedeck's part, after the lesson ran)")
    return finish(job.payload, ran, start)


def finish(job: LessonJob, ran: Ran, start: float) -> LessonResult:
    """What follows a run, wherever it ran: the cache, the frozen record, the decks."""
    lesson, options = job.lesson, job.options
    if ran.failure:
        return failed(lesson.name, lesson.path, ran.failure, seconds=time.perf_counter() - start)
    errors_shown = any(isinstance(block, Error) for cell in ran.outputs for block in cell)
    run = cache.CachedRun(cache.code_outputs(lesson, ran.outputs), ran.files, ran.inputs, ran.seconds)
    if not errors_shown:  # a run with errors shown (--allow-errors) is never cached, nor frozen
        cache.store_executed(options.cache, job.key, run)
    try:
        differences, kept = keep(lesson, run, options, errors_shown)
    except frozen.FrozenError as exc:
        return failed(lesson.name, lesson.path, str(exc), Kind.OUTPUT, time.perf_counter() - start)
    result = render(lesson, ran.outputs, ran.files, ran.inputs, options, errors_shown, start, State.RAN)
    # what the run showed in a lesser form than Jupyter would (a widget's static fallback), said once, as it ran
    notices = tuple(f"{lesson.path}:{notice}" for notice in ran.notices)
    return replace(result, warnings=notices + kept + result.warnings, drift=differences)


def keep(lesson: Lesson, run: cache.CachedRun, options: BuildOptions,
         errors_shown: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """--freeze: the run becomes the lesson's frozen record. --check: the run against that record.
    Returns the differences found and what deserves a warning."""
    if options.freeze:
        if errors_shown:
            return (), (f"{options.shown(lesson.path)}: not frozen: it shows errors (--allow-errors)",)
        frozen.freeze(lesson, run, options)
    if not options.check:
        return (), ()
    from livedeck.build import drift

    shown = options.shown(lesson.path)
    try:  # what the lesson shows now against its record, whatever changed since it was frozen: that is the check
        before = frozen.thaw(lesson, options, fresh=False)
    except frozen.FrozenError as exc:
        return (str(exc),), ()
    found = drift.differences(lesson, shown, drift.Results(before.outputs, before.files),
                              drift.Results(run.outputs, run.files), options.course.check)
    since = frozen.changed(lesson, options, frozen.recorded_inputs(lesson, options), environment=False) if found else []
    if since:  # the lecturer's own edits, beside whatever else moved the results
        found.append(f"{shown}: since it was frozen, {', '.join(since)}")
    return tuple(found), ()


def render(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
           inputs: dict[str, str], options: BuildOptions, errors_shown: bool, start: float,
           state: State) -> LessonResult:
    """Lay the deck out and write every format: one error path for lessons that ran and lessons
    re-rendered from the cache. A format that fails is this lesson's failure."""
    from livedeck.model.images import resolve_images
    from livedeck.model.structure import build_deck

    settings = options.course
    # a course that says whose it is also dates its decks (what lessons need and may use says nothing of that)
    running = {"memory", "requires"}
    if (replace(settings, memory=0.0, picture_folders=(), check=Tolerance()) != Settings()
            or set(lesson.front_matter) - running):
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


def rerender(job: Rerender, options: BuildOptions) -> LessonResult:
    """Render from cached or frozen results, in this process (frozen again with --freeze)."""
    start = time.perf_counter()
    try:
        kept: tuple[str, ...] = ()
        if options.freeze and job.state == State.RENDERED:
            run = cache.CachedRun(cache.code_outputs(job.lesson, job.outputs), job.files, job.inputs, job.seconds)
            kept = keep(job.lesson, run, options)[1]
        result = render(job.lesson, job.outputs, job.files, job.inputs, options, False, start, job.state)
        return replace(result, warnings=job.warnings + kept + result.warnings)
    except frozen.FrozenError as exc:
        return failed(job.lesson.name, job.lesson.path, str(exc), Kind.OUTPUT)
    except Exception:  # livedeck's own bug: that lesson fails with the traceback, the others go on
        return failed(job.lesson.name, job.lesson.path, internal_error(job.lesson.path), Kind.INTERNAL)
