"""Build a course: carry out the plan (plan.py), running lessons in workers and re-rendering the rest.

lesson → executor (in a worker) → deck model → writers. This module orchestrates; it neither
executes lesson code nor knows any format's insides (those are in writers/, listed in one table).
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from livedeck.base.errors import OutputError, UsageError, cannot_write
from livedeck.base.files import remove_stale_temporaries, undo_interrupted_publishes
from livedeck.build import cache
from livedeck.build.plan import LessonJob, Plan, make_plan, select_lessons, settle_formats
from livedeck.build.reports import LessonResult, State
from livedeck.build.workers import Job, default_workers, run_all, start_server
from livedeck.settings.course import SettingsError, read_course
from livedeck.settings.options import BuildOptions, Executor, resolved, with_theme
from livedeck.writers import BY_NAME, FORMATS, Card, CourseLesson, Warn

__all__ = ["BuildOptions", "LessonResult", "State", "build"]


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
    if options.freeze:  # and a killed freeze
        from livedeck.build import frozen

        undo_interrupted_publishes(frozen.folder(options))
        remove_stale_temporaries(frozen.folder(options))
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
    local = options.executor == Executor.LOCAL
    if plan.runs:
        if local:
            start_server(_names_torch(lessons, options))  # its torch import overlaps what this process does meanwhile
        for name in options.formats:
            BY_NAME[name].writer().head_start([job.lesson for job in plan.runs], options)
        if any(BY_NAME[name].draws_slides for name in options.formats):  # the layout stage's own head start
            from livedeck.layout.formula_cache import warm

            typesetting = warm([job.lesson for job in plan.runs], options.cache / "math")
    if not (plan.rerenders or plan.runs):
        return  # nothing to render or run: the layout and writers are never imported
    from livedeck.build.lesson import rerender

    for job in plan.rerenders:
        progress.done(rerender(job, options))
    # the build's options as they now are (with the theme, read once the plan showed something to draw)
    runs = [replace(job, options=options) for job in plan.runs]
    running = _run_here if local else _run_on_ray
    try:
        for result in running(runs, options) if runs else ():
            progress.done(result)
    except BaseException:  # stopped (Ctrl-C, SIGTERM): no worker left behind waits for the head start
        if typesetting is not None:
            typesetting.abandon()
        raise
    if typesetting is not None:
        typesetting.finish()


def _run_here(runs: list[LessonJob], options: BuildOptions) -> Iterator[LessonResult]:
    """The lessons in worker processes on this machine, each reported as it finishes."""
    from livedeck.build.lesson import cell_timeout, execute_job

    jobs = [Job(job.lesson.name, job.lesson.path, job, _hard_limit(cell_timeout(job.lesson, options)))
            for job in runs]
    yield from run_all(jobs, execute_job, min(options.jobs or default_workers(), max(1, len(jobs))))


def _run_on_ray(runs: list[LessonJob], options: BuildOptions) -> Iterator[LessonResult]:
    """The lessons as tasks on a Ray cluster; what they showed is kept and rendered here, as it comes back."""
    from livedeck.build.lesson import finish
    from livedeck.build.ray_cluster import run_on_ray

    for job, ran, start in run_on_ray(runs, options, _hard_limit):
        yield finish(job, ran, start)


def _hard_limit(cell_timeout: float) -> float:
    """A cell stuck in C code ignores the per-cell alarm; the lesson still gets a hard stop (0: none)."""
    return cell_timeout * 2 + 60 if cell_timeout else 0


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
    if options.shard is not None:
        from livedeck.build.shards import share

        lessons, misnamed = share(lessons, options, options.shard), misnamed * (options.shard.index == 1)
    if (lessons and not options.frozen and options.executor == Executor.LOCAL
            and (options.force or options.check or not cache.has_executed(options.cache))):
        # nothing cached: every lesson runs, so start the torch import before the plan reads every lesson
        start_server(_names_torch(lessons, options))
    plan = make_plan(lessons, options)
    if plan.runs or plan.rerenders:
        options = with_theme(options)
    progress = _Progress(options, report, warn, plan.render_keys)
    for result in misnamed + plan.refused + plan.up_to_date:
        progress.done(result)
    _run(plan, lessons, options, progress)
    if options.freeze and not options.lessons and options.shard is None:  # the whole course was frozen
        from livedeck.build import frozen

        for removed in frozen.prune(options, {name for name, _ in lessons}):
            warn(removed)
    changed = bool(plan.runs or plan.rerenders)
    for fmt in (f for f in FORMATS if f.finishes):  # the course page, which lists the files of every format
        fmt.writer().finish(lambda: _course(options, progress.cards), options, changed)
    return [progress.results[name] for name, _ in lessons] + misnamed
