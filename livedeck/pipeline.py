"""Build a course: find lessons, skip what is up to date, run or re-render the rest in workers.

lesson → executor (in a worker) → deck model → writers. This module orchestrates;
it neither executes lesson code nor knows any format's insides, and a build with
nothing to do never imports torch or matplotlib.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import textwrap
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Callable, Iterator, Optional

from livedeck import cache
from livedeck.files import publish, remove_others, remove_stale_temporaries, write_atomic
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
    root: Path = Path(".")  # the folder the build started in (paths in messages are shown relative to it)

    @property
    def style(self) -> Optional[Path]:
        style = self.templates / "figure.mplstyle"
        return style if style.exists() else None


class State(StrEnum):
    RAN = "ran"
    RENDERED = "rendered"  # from cached results
    CACHED = "cached"  # up to date: nothing to do
    FAILED = "failed"


@dataclass(frozen=True)
class LessonReport:
    name: str
    path: Path
    state: State
    seconds: float = 0.0
    message: str = ""
    bad_input: bool = False  # failed before running: the lesson file itself is malformed
    errors_shown: bool = False  # built with --allow-errors, and a cell raised
    bad_output: bool = False  # its outputs could not be written (full disk, refused folder)


def select_lessons(options: BuildOptions) -> tuple[list[tuple[str, Path]], list[LessonReport]]:
    """(name, file) of the lessons to build, checked against what slides/ holds, and a failed report
    for each file whose name is no lesson name (it fails alone, and only when every lesson is built)."""
    from livedeck.lesson import find_lessons, lesson_name

    if not options.slides.is_dir():
        raise UsageError(f"no lesson folder {options.slides}")
    found: list[tuple[str, Path]] = []
    misnamed: list[LessonReport] = []
    for path in find_lessons(options.slides):
        try:
            found.append((lesson_name(path), path))
        except LessonError as exc:
            misnamed.append(LessonReport(path.stem, path, State.FAILED, message=str(exc), bad_input=True))
    names = [name for name, _ in found]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UsageError(f"two lesson files share the name {duplicates[0]!r} in {options.slides}")
    unknown = [n for n in options.lessons if n not in names]
    if unknown:
        raise UsageError(f"unknown lesson {unknown[0]!r}; lessons are: {', '.join(names) or '(none)'}")
    if options.lessons:
        return [(n, p) for n, p in found if n in options.lessons], []
    return found, misnamed


def check_template(path: Path, shown: str, warn: Callable[[str], None]) -> None:
    """A bad --template is the user's input: refuse it before any lesson runs. One that PowerPoint
    would find invalid still builds (livedeck mends what it can), with a one-line warning.
    `shown`: the path as the lecturer typed it, for messages."""
    from livedeck.writers.pptx import TemplateError, load_template
    from livedeck.writers.pptx_schema import schema_errors

    if not path.is_file():
        raise UsageError(f"--template {shown}: no such file")
    try:
        load_template(path)
    except TemplateError as exc:
        raise UsageError(f"--template {str(exc).replace(str(path), shown)}") from None
    errors = schema_errors(path)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        warn(f"--template {shown}: not valid OOXML, PowerPoint may offer to repair it: {errors[0]}{more}")


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


class FormatError(Exception):
    """One format of a lesson could not be made; the message names the format and the cause."""


class OutputError(Exception):
    """The outputs could not be written (full disk, read-only or refused folder): exit status 2."""


def _shown(path: Path, options: BuildOptions) -> str:
    """`path` as the lecturer typed it: relative to the folder the build started in, when inside it."""
    return os.path.relpath(path, options.root) if path.is_relative_to(options.root) else str(path)


def write_deck(deck: Deck, lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
               options: BuildOptions) -> tuple[Path, ...]:
    """Make every requested format of a lesson, then publish them with its figures, all or nothing:
    if any format fails, or the disk refuses a file, every previous output stays as it was.

    Deck formats come from writers/ (the deck model only); a notebook from the lesson and its
    outputs (notebook.py); a PDF from the HTML deck just made (pdf.py)."""
    figures = options.figures / deck.name
    made: dict[Path, bytes] = {figures / name: data for name, data in sorted(files.items())}
    with _staging(options.figures, deck.name, options) as stage:
        try:
            for name, data in files.items():
                (stage / name).write_bytes(data)  # what the writers read the figures from, until published
        except OSError as exc:
            raise OutputError(f"cannot write {_shown(figures, options)}/: {exc.strerror or exc}") from None
        context = WriteContext(figures=stage, templates=options.templates, pptx_template=options.pptx_template,
                               cache=options.cache / "math", figures_shown=_shown(figures, options))
        for fmt in options.formats:
            try:
                made.update(_make_format(fmt, deck, lesson, outputs, files, context, made, options))
            except (PrintError, OSError) as exc:
                raise FormatError(f"{lesson.path}: the {LABELS[fmt]} could not be made: {exc}") from None
            except Exception as exc:  # a writer's failure costs this lesson, never its other outputs
                cause = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
                raise FormatError(f"{lesson.path}: the {LABELS[fmt]} could not be made: "
                                  f"{type(exc).__name__}: {textwrap.shorten(cause, 300)}") from exc
    try:
        publish(made)
        remove_others(figures, set(files))
    except OSError as exc:
        raise OutputError(f"cannot write {_shown(Path(exc.filename or options.dist), options)}: "
                          f"{exc.strerror or exc}") from None
    return tuple(made)


@contextlib.contextmanager
def _staging(parent: Path, name: str, options: BuildOptions) -> Iterator[Path]:
    """A temporary folder for one lesson's files; a build killed meanwhile leaves it to the next build
    to remove (its name carries the pid, like every temporary)."""
    try:
        stage = Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}.{os.getpid()}.", suffix=".tmp"))
    except OSError as exc:
        raise OutputError(f"cannot write to {_shown(parent, options)}/: {exc.strerror or exc}") from None
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _make_format(fmt: str, deck: Deck, lesson: Lesson, outputs: tuple[tuple[Block, ...], ...],
                 files: dict[str, bytes], context: WriteContext, made: dict[Path, bytes],
                 options: BuildOptions) -> dict[Path, bytes]:
    """{file in dist/: bytes} of one format."""
    if fmt in WRITERS:
        extension, writer = WRITERS[fmt]
        return {options.dist / f"{deck.name}.{extension}": writer(deck, context)}
    if fmt == "ipynb":
        from livedeck.notebook import write_notebook

        shown = (outputs, files) if options.with_outputs else ()
        return {options.dist / f"{deck.name}.ipynb": write_notebook(lesson, *shown)}
    assert fmt == "pdf", fmt
    names = (f"{deck.name}.pdf", handout_file(deck.name))
    return {options.dist / file: data for file, data in zip(names, _pdfs(deck, context, made, options))}


def _pdfs(deck: Deck, context: WriteContext, made: dict[Path, bytes], options: BuildOptions) -> list[bytes]:
    """[slides PDF, handout PDF]: printed from the HTML deck just made, or LibreOffice's from the .pptx."""
    from livedeck import pdf

    if options.pdf_maker == "libreoffice":
        pptx = made.get(options.dist / f"{deck.name}.pptx") or WRITERS["pptx"][1](deck, context)
        return [pdf.convert_pptx(pptx, deck.name)]
    # "html" comes before "pdf" whenever Chromium prints. The page is printed from a folder of its own
    # in dist/, beside a link to the assets, so that its relative links hold before it is published.
    with _staging(options.dist, deck.name, options) as stage:
        (stage / "assets").symlink_to(options.dist / "assets", target_is_directory=True)
        page = stage / f"{deck.name}.html"
        page.write_bytes(made[options.dist / f"{deck.name}.html"])
        script = options.templates / "reveal" / "handout.js" if options.handout else None
        return pdf.print_html(page, script)


@dataclass(frozen=True)
class LessonJob:
    """What a worker needs to run one lesson (pickled to it)."""
    lesson: Lesson
    options: BuildOptions
    key: str  # the lesson's execution key, for the cache


@dataclass(frozen=True)
class Built:
    """A lesson built: its title, the files written, whether it shows errors, and the data files it read."""
    title: str
    written: tuple[Path, ...]
    errors_shown: bool = False
    inputs: dict[str, str] = field(default_factory=dict)


def execute_job(job: Job) -> Outcome:
    """In a worker: run the lesson, cache what it showed, write its decks (workers write in parallel)."""
    from livedeck.execute import execute

    start = time.perf_counter()
    lesson, options, key = job.payload.lesson, job.payload.options, job.payload.key
    try:
        executed = execute(lesson, options.style, options.timeout, options.allow_errors,
                           project=options.slides.resolve().parent,
                           ignore=(options.dist, options.figures, options.cache))
    except LessonError as exc:
        return Outcome(job.name, error=str(exc), seconds=time.perf_counter() - start)
    if executed.failure is not None:
        return Outcome(job.name, error=executed.failure.message(), seconds=time.perf_counter() - start)
    errors_shown = any(isinstance(block, Error) for cell in executed.outputs for block in cell)
    if not errors_shown:  # a run with errors shown (--allow-errors) is never cached
        cache.store_executed(options.cache, key, executed.outputs, executed.files, executed.inputs)
    return render_job(lesson, executed.outputs, executed.files, executed.inputs, options, errors_shown, start)


def render_job(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
               inputs: dict[str, str], options: BuildOptions, errors_shown: bool, start: float) -> Outcome:
    """Lay the deck out and write every format; a format that fails is this lesson's failure."""
    from livedeck.structure import build_deck

    name = lesson.name
    try:
        deck = build_deck(lesson, outputs, source=str(lesson.path))
        written = write_deck(deck, lesson, outputs, files, options)
    except FormatError as exc:
        return Outcome(name, error=str(exc), seconds=time.perf_counter() - start)
    except OutputError as exc:
        return Outcome(name, error=f"{lesson.path}: {exc}", seconds=time.perf_counter() - start, bad_output=True)
    return Outcome(name, Built(deck.title, written, errors_shown, inputs), seconds=time.perf_counter() - start)


def write_index(options: BuildOptions, titles: dict[str, str]) -> None:
    from livedeck.writers.html import write_index as render_index

    decks = []
    for name, _ in select_lessons(replace(options, lessons=()))[0]:
        files = [(label, file) for label, file in outputs_of(name, replace(options, formats=ALL_FORMATS, handout=True))
                 if (options.dist / file).exists()]
        decks.append((name, titles.get(name) or cache.last_title(options.cache, name) or name, files))
    write_atomic(options.dist / "index.html", render_index(decks, options.templates))


def _draw_formulas(lessons: list[Lesson], options: BuildOptions) -> None:
    """Draw display math into the cache now, on the core that is free while workers start."""
    from livedeck.structure import split_markdown
    from livedeck.writers.mathimage import formula_png

    for lesson in lessons:
        for cell in lesson.cells:
            if cell.kind == "markdown":
                for piece in split_markdown(cell.source):
                    if piece.kind == "math":
                        # A formula that cannot be drawn fails its own lesson's PowerPoint deck, in its
                        # worker, with a message; drawing ahead is only a head start.
                        with contextlib.suppress(Exception):
                            formula_png(piece.text, options.cache / "math")


def _prepare(options: BuildOptions, warn: Callable[[str], None]) -> None:
    if "pptx" in options.formats and options.pptx_template is not None:
        check_template(options.pptx_template, _shown(options.pptx_template, options), warn)
    for folder in (options.dist, options.figures, options.cache):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise UsageError(f"cannot write to {_shown(folder, options)}/: {exc.strerror or exc}") from None
        remove_stale_temporaries(folder)  # what a killed build left behind
    if "html" in options.formats:
        from livedeck.assets import MissingAssets, copy_assets

        try:
            copy_assets(options.dist, options.templates)
        except MissingAssets as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:  # a full disk, a refused file: one line, and every deck as it was
            raise UsageError(f"cannot write {_shown(Path(exc.filename or options.dist), options)}: "
                             f"{exc.strerror or exc}") from None


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


def _resolved(options: BuildOptions) -> BuildOptions:
    """Every folder livedeck reads templates from or writes to, made absolute before any lesson runs:
    nothing a lesson does to its working directory can move the outputs. Lesson paths stay as
    typed, for messages."""
    root = Path.cwd()

    def absolute(path: Optional[Path]) -> Optional[Path]:
        return None if path is None else Path(os.path.abspath(root / path))

    return replace(options, root=root, dist=absolute(options.dist), figures=absolute(options.figures),
                   cache=absolute(options.cache), templates=absolute(options.templates),
                   pptx_template=absolute(options.pptx_template))


@dataclass
class _Progress:
    """The reports of one build so far, and the manifest of each lesson built."""
    options: BuildOptions
    report: Callable[[LessonReport], None]
    render_keys: dict[str, str] = field(default_factory=dict)
    reports: dict[str, LessonReport] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def done(self, result: LessonReport, built: Optional[Built] = None) -> None:
        self.reports[result.name] = result
        if built is not None:
            self.titles[result.name] = built.title
            if built.written and not built.errors_shown:  # a deck showing errors is rebuilt next time
                cache.record_build(self.options.cache, result.name, self.render_keys[result.name], built.title,
                                   built.written, built.inputs)
        self.report(result)

    def outcome(self, outcome: Outcome, path: Path, state: State) -> None:
        if outcome.result is None:
            self.done(LessonReport(outcome.name, path, State.FAILED, outcome.seconds, outcome.error,
                                   bad_output=outcome.bad_output))
        else:
            self.done(LessonReport(outcome.name, path, state, outcome.seconds,
                                   errors_shown=outcome.result.errors_shown), outcome.result)


def build(options: BuildOptions, report: Callable[[LessonReport], None] = lambda r: None,
          warn: Callable[[str], None] = lambda message: None) -> list[LessonReport]:
    """Build the selected lessons; a failing lesson never stops the others nor touches its old deck.
    `report` hears of each lesson as it finishes, `warn` of what builds but deserves a look."""
    options = settle_formats(_resolved(options))
    lessons, misnamed = select_lessons(options)
    if lessons and (options.force or not cache.has_executed(options.cache)):
        start_server()  # nothing cached: every lesson runs, so start the torch import first of all
    _prepare(options, warn)
    progress = _Progress(options, report)
    for bad in misnamed:
        progress.done(bad)
    inputs = cache.KeyInputs(options.style, tuple(sorted(options.slides.glob("_*.py"))), options.allow_errors)
    variants = ("handout",) * options.handout + ("with-outputs",) * options.with_outputs
    context = cache.render_context(inputs, options.templates, options.formats + variants, options.pptx_template,
                                   [str(options.dist), str(options.figures)])
    # 1. Up to date (same render key, outputs and data files intact): nothing to do, nothing heavy imported.
    stale: list[tuple[str, Path]] = []
    for name, path in lessons:
        progress.render_keys[name] = cache.render_key(path, context)
        title = None if options.force else cache.up_to_date(options.cache, name, progress.render_keys[name])
        if title is None:
            stale.append((name, path))
        else:
            progress.done(LessonReport(name, path, State.CACHED), Built(title, ()))
    jobs, renders = _plan(stale, inputs, options, progress)
    if jobs:
        start_server()  # its torch import overlaps what this process does meanwhile:
        if "pptx" in options.formats:
            _draw_formulas([job.payload.lesson for job in jobs], options)  # drawing the lessons' formulas,
        if "html" in options.formats:
            from livedeck.writers import html  # noqa: F401  and loading what writes the index
    for lesson, outputs, files, data_files in renders:
        progress.outcome(_render_cached(lesson, outputs, files, data_files, options), lesson.path, State.RENDERED)
    # 3. Run the rest in parallel workers, reporting each as it finishes.
    paths = {job.name: job.path for job in jobs}
    workers = min(options.jobs or default_workers(), max(1, len(jobs)))
    # A cell stuck in C code ignores the per-cell alarm; the lesson still gets a hard stop.
    hard_limit = options.timeout * 2 + 60 if options.timeout else 0
    for outcome in run_all(jobs, execute_job, workers, hard_limit):
        progress.outcome(outcome, paths[outcome.name], State.RAN)
    if "html" in options.formats and (jobs or renders or not (options.dist / "index.html").exists()):
        try:
            write_index(options, progress.titles)
        except OSError as exc:
            raise UsageError(f"cannot write {_shown(options.dist / 'index.html', options)}: "
                             f"{exc.strerror or exc}") from None
    return [progress.reports[name] for name, _ in lessons] + misnamed


def _plan(stale: list[tuple[str, Path]], inputs: cache.KeyInputs, options: BuildOptions,
          progress: _Progress) -> tuple[list[Job], list[tuple]]:
    """2. Read the stale lessons: those whose code cells ran before (and whose data files are as they
    were) re-render from the cache, the others run."""
    from livedeck.lesson import read_lesson

    jobs: list[Job] = []
    renders: list[tuple] = []
    for name, path in stale:
        try:
            lesson = read_lesson(path)
        except LessonError as exc:
            progress.done(LessonReport(name, path, State.FAILED, message=str(exc), bad_input=True))
            continue
        key = cache.execution_key(lesson, inputs)
        cached = None if options.force else cache.load_executed(options.cache, key)
        if cached is None:
            jobs.append(Job(name, path, LessonJob(lesson, options, key)))
        else:
            renders.append((lesson, *cached))
    return jobs, renders


def _render_cached(lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
                   data_files: dict[str, str], options: BuildOptions) -> Outcome:
    """Re-render from cached results, in this process, through the workers' own error path."""
    start = time.perf_counter()
    try:
        return render_job(lesson, outputs, files, data_files, options, False, start)
    except Exception:  # livedeck's own bug: that lesson fails with the traceback, the others go on
        import traceback

        return Outcome(lesson.name, error=f"{lesson.path}: internal error in livedeck:\n{traceback.format_exc()}")
