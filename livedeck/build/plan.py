"""Decide, before anything runs, what each lesson needs: nothing, a re-render from its cached
results, or a run. A build with nothing to do imports neither torch nor matplotlib."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from livedeck.base.errors import Kind, UsageError
from livedeck.build import cache
from livedeck.build.reports import LessonResult, State, failed
from livedeck.model import Block
from livedeck.read.lesson import Lesson, LessonError
from livedeck.settings.options import BuildOptions, Executor
from livedeck.settings.requirements import Requirements
from livedeck.writers import BY_NAME, DEFAULT_FORMATS, FORMATS, Warn, in_build_order


@dataclass(frozen=True)
class LessonJob:
    """What a worker needs to run one lesson (pickled to it)."""
    lesson: Lesson
    options: BuildOptions
    key: str  # the lesson's execution key, for the cache


@dataclass(frozen=True)
class Rerender:
    """A lesson whose code ran before with these results (and read these data files, unchanged since):
    in the cache (State.RENDERED) or in its frozen record (State.FROZEN)."""
    lesson: Lesson
    outputs: tuple[tuple[Block, ...], ...]
    files: dict[str, bytes]
    inputs: dict[str, str]
    seconds: float = 0.0  # how long that run took
    state: State = State.RENDERED
    warnings: tuple[str, ...] = ()  # why it was not run (a GPU this machine lacks), said as it is built


@dataclass
class Plan:
    render_keys: dict[str, str] = field(default_factory=dict)  # every lesson's, for its build record
    up_to_date: list[LessonResult] = field(default_factory=list)  # each with what the course page says
    refused: list[LessonResult] = field(default_factory=list)  # malformed lesson files; lessons it will not build
    rerenders: list[Rerender] = field(default_factory=list)
    runs: list[LessonJob] = field(default_factory=list)

    def add(self, planned: Rerender | LessonResult) -> None:
        """A lesson rendered without running it, or its failure."""
        if isinstance(planned, Rerender):
            self.rerenders.append(planned)
        else:
            self.refused.append(planned)


def select_lessons(options: BuildOptions) -> tuple[list[tuple[str, Path]], list[LessonResult]]:
    """(name, file) of the lessons to build, checked against what slides/ holds, and a failed report
    for each file whose name is no lesson name (it fails alone, and only when every lesson is built)."""
    from livedeck.read.lesson import find_lessons, lesson_name

    if not options.slides.is_dir():
        raise UsageError(f"no lesson folder {options.slides}/: {LESSON_FILES}")
    found: list[tuple[str, Path]] = []
    misnamed: list[LessonResult] = []
    for path in find_lessons(options.slides):
        try:
            found.append((lesson_name(path), path))
        except LessonError as exc:
            misnamed.append(failed(path.stem, path, str(exc), Kind.USAGE))
    names = [name for name, _ in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"two lesson files share the name {duplicates[0]!r} in {options.slides}")
    if not found and not misnamed:
        raise UsageError(f"no lessons in {options.slides}/: {LESSON_FILES}")
    # a lesson asked for by its name, its file's name or its path: -l derivatives, 01_derivatives, slides/01_….py
    by_file = {path.stem: name for name, path in found} | {path.name: name for name, path in found}
    asked = [n if n in names else by_file.get(Path(n).name, by_file.get(Path(n).stem, n)) for n in options.lessons]
    unknown = [n for n in asked if n not in names]
    if unknown:
        raise UsageError(f"unknown lesson {unknown[0]!r}; lessons are: {', '.join(names) or '(none)'}")
    if asked:
        return [(n, p) for n, p in found if n in asked], []
    return found, misnamed


# What a course's lessons are, for a build that finds none
LESSON_FILES = ("a course keeps one file per lesson there, named NN_name: slides/01_first_lesson.py (a Python "
                "script whose `# %%` lines start code cells and `# %% [markdown]` lines prose, as jupytext writes "
                "them) or slides/01_first_lesson.ipynb (a notebook); `livedeck new PATH` makes a course to start "
                "from, and --slides names another folder")


def settle_formats(options: BuildOptions, warn: Warn) -> BuildOptions:
    """The formats in build order, each prepared once (programs found, templates checked, assets
    copied), with the formats they are made from: a handout is a PDF, and a PDF that Chromium
    prints needs the HTML deck."""
    asked = {f.name for f in FORMATS for extra in f.extras if getattr(options, extra.option)}  # --handout: a PDF
    wanted = set(options.formats or DEFAULT_FORMATS) | asked
    options = replace(options, formats=in_build_order(wanted))
    prepared: set[str] = set()
    while todo := [name for name in options.formats if name not in prepared]:
        for name in todo:
            options = BY_NAME[name].writer().prepare(options, warn)
            prepared.add(name)
        options = replace(options, formats=in_build_order(set(options.formats)))
    return options


def make_plan(lessons: list[tuple[str, Path]], options: BuildOptions) -> Plan:
    inputs = cache.KeyInputs(options.style, tuple(sorted(options.slides.glob("_*.py"))), options.allow_errors)
    variants = ("handout",) * options.handout + ("with-outputs",) * options.with_outputs
    settings = [options.project / "course.toml"] + ([Path(options.course.logo)] if options.course.logo else [])
    context = cache.render_context(inputs, options.templates, options.formats + variants, options.pptx_template,
                                   [str(options.dist), str(options.figures)], [p for p in settings if p.is_file()])
    plan = Plan()
    for name, path in lessons:
        key = cache.render_key(path, context)
        if options.frozen:  # a new freeze of the lesson is new results, though its file is unchanged
            from livedeck.build.frozen import record_digest

            key = cache.render_key(path, key + record_digest(options, name))
        plan.render_keys[name] = key
        # Up to date (same render key, outputs and data files intact): nothing to do, nothing heavy imported.
        rerun = options.force or options.freeze or options.check
        card = None if rerun else cache.up_to_date(options.cache, name, key)
        if card is not None:
            plan.up_to_date.append(LessonResult(name, path, State.CACHED, card=card))
        else:
            _plan_lesson(plan, name, path, inputs, options)
    return plan


def _plan_lesson(plan: Plan, name: str, path: Path, inputs: cache.KeyInputs, options: BuildOptions) -> None:
    """Whether the lesson runs, or is rendered from its cached results or its frozen record."""
    from livedeck.read.lesson import read_lesson

    try:
        lesson = read_lesson(path)
    except LessonError as exc:
        plan.refused.append(failed(name, path, str(exc), Kind.USAGE))
        return
    if options.frozen:
        plan.add(_from_frozen(lesson, options))
        return
    needs = lesson.requires
    short, has = _short_of(needs) if needs != Requirements() and options.executor == Executor.LOCAL else ([], "")
    if short:  # never run into an out-of-memory kill: its frozen record, or a one-line refusal
        why = f"needs {', '.join(short)} (its `requires:`); this machine has {has}"
        plan.add(_from_frozen(lesson, options, f"{options.shown(path)}: {why}: built from its frozen record",
                              f"{options.shown(path)}: {why}; run it with --executor ray on a cluster that has "
                              "them, or freeze it where it can run"))
        return
    execution_key = cache.execution_key(lesson, inputs)
    cached = None if options.force or options.check else cache.load_executed(options.cache, execution_key)
    outputs = cache.cell_outputs(lesson, cached.outputs) if cached is not None else None
    if outputs is None or cached is None:
        plan.runs.append(LessonJob(lesson, options, execution_key))
    else:
        plan.rerenders.append(Rerender(lesson, outputs, cached.files, cached.inputs, cached.seconds))


def _short_of(needs: Requirements) -> tuple[list[str], str]:
    """What this machine lacks of what a lesson needs (empty: nothing), and what it has, in words."""
    from livedeck.build.machine import this_machine, unmet

    has = this_machine()
    return unmet(needs, has), has.describe()


def _from_frozen(lesson: Lesson, options: BuildOptions, said: str = "",
                 refused: str = "") -> Rerender | LessonResult:
    """The lesson rendered from its frozen record, saying `said`; its failure when the record will not do
    (`refused`: the message then, with why the record would not do)."""
    from livedeck.build import frozen

    try:
        run = frozen.thaw(lesson, options)
    except frozen.FrozenError as exc:
        reason = str(exc).split(": ", 1)[-1]  # the record's trouble, without the lesson's path again
        return failed(lesson.name, lesson.path, f"{refused}; and {reason}" if refused else str(exc))
    outputs = cache.cell_outputs(lesson, run.outputs)
    if outputs is None:  # cannot be: the record's code cells are the lesson's (thaw checked them)
        return failed(lesson.name, lesson.path, f"{options.shown(lesson.path)}: its frozen record does not fit it")
    return Rerender(lesson, outputs, run.files, run.inputs, run.seconds, State.FROZEN, (said,) if said else ())
