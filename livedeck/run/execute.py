"""Run a lesson's code cells in one namespace and capture what each shows.

Captured per cell, in the order Jupyter shows them: printed text, livedeck
tables, the last expression's value and every matplotlib figure the cell left
open. Figures are saved as SVG and PNG bytes; tables are recorded whole, as data (every
format draws them natively: no picture of them is made). Failures come back as data. This
module never hears of HTML or PowerPoint.
"""
from __future__ import annotations

import ast
import contextlib
import io
import linecache
import multiprocessing
import os
import random
import signal
import sys
import traceback
import types
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from livedeck.helpers import display
from livedeck.helpers.describe import describe_figure
from livedeck.helpers.tables import without_address
from livedeck.model import Block, Error, Figure, Stream, Table
from livedeck.read import magics
from livedeck.read.lesson import Cell, Lesson, LessonError, source_lines
from livedeck.run import descriptors, limits, rich
from livedeck.run.figures import is_plot_artifact, save_figure, smallest_text
from livedeck.run.printable import Prefixes, path_prefixes, printable
from livedeck.run.reads import inputs_read, record_reads
from livedeck.run.shell import LessonShell

MAX_CAPTURE_CHARS = 2_000_000  # a cell printing without end must not exhaust memory
MAX_TABLE_ROWS_KEPT = 100_000  # rows a captured table keeps (memory); what slides show is the layout's choice


@dataclass(frozen=True)
class Failure:
    """Where and why a lesson stopped."""
    path: str
    line: int  # line in the lesson file where the error happened
    cell_line: int  # line where the failing cell starts
    cell_first_line: str
    error: str  # "ZeroDivisionError: division by zero"
    traceback: str = ""  # trimmed to frames in lesson code
    timed_out: bool = False  # stopped by --timeout, rather than raising
    during: str = ""  # what livedeck did with the cell's results when it failed, if not the cell's own code

    def message(self) -> str:
        where = f"{self.path}:{self.line}"
        during = f" (while {self.during})" if self.during else ""
        head = f"{where}: {self.error}{during}\n  in the cell at line {self.cell_line}: {self.cell_first_line}"
        return head + (f"\n{self.traceback.rstrip()}" if self.traceback else "")


@dataclass(frozen=True)
class Executed:
    """Outputs per lesson cell (empty for markdown), the files made, and a failure if any."""
    outputs: tuple[tuple[Block, ...], ...]
    files: dict[str, bytes] = field(default_factory=dict)
    failure: Optional[Failure] = None
    inputs: dict[str, str] = field(default_factory=dict)  # project files the lesson read: path → sha256
    notices: tuple[str, ...] = ()  # what the run showed in a lesser form than Jupyter would, each "line: what"


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its time limit (BaseException: lessons' `except Exception` can't eat it)."""


def _compile_cells(lesson: Lesson) -> list[Optional[tuple[Any, Any]]]:
    """Compile every code cell up front, so a syntax error stops the lesson before anything runs.

    Each cell compiles to (body, last expression or None), with line numbers of the lesson file.
    """
    compiled: list[Optional[tuple[Any, Any]]] = []
    for cell in lesson.cells:
        if cell.kind != "code":
            compiled.append(None)
            continue
        try:
            tree = _parse(cell.source, str(lesson.path))
        except SyntaxError as exc:
            line = cell.line - 1 + (exc.lineno or 1)
            raise LessonError(lesson.path, line, f"syntax error: {exc.msg}") from None
        ast.increment_lineno(tree, cell.line - 1)
        last: Optional[types.CodeType] = None
        # Like Jupyter: a trailing expression is shown unless the cell ends with `;`.
        if tree.body and isinstance(tail := tree.body[-1], ast.Expr) and not cell.source.rstrip().endswith(";"):
            tree.body.pop()
            last = compile(ast.Expression(tail.value), str(lesson.path), "eval")
        compiled.append((compile(tree, str(lesson.path), "exec"), last))
    return compiled


def _parse(source: str, path: str) -> ast.Module:
    """A cell as Python; one with Jupyter's magics or shell lines as IPython would run it (magics.py).
    A cell that is neither raises the SyntaxError of its Python."""
    try:
        return ast.parse(source, filename=path)
    except SyntaxError as exc:
        if not magics.needs_ipython(source):
            raise
        error = exc
    try:
        return ast.parse(magics.to_python(source), filename=path)
    except SyntaxError:
        raise error from None


class CappedText(io.TextIOBase):
    """A capture of printed text that keeps the first MAX_CAPTURE_CHARS and counts the lines after."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.kept = 0
        self.lines_dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        room = MAX_CAPTURE_CHARS - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(len(text), room)
        if len(text) > room:
            self.lines_dropped += text[max(room, 0):].count("\n")
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _stream(capture: CappedText, name: str, paths: Prefixes) -> Optional[Stream]:
    """All the cell printed (what the slide shows of it is layout's choice: livedeck.layout.cut_streams);
    `truncated` counts the lines past the capture's cap, which were never kept."""
    text = printable(without_address(capture.getvalue()), paths).rstrip("\n")
    if not text.strip():
        return None
    return Stream(text, name=name, truncated=capture.lines_dropped)


def _trimmed_traceback(exc: BaseException, lesson_path: str) -> tuple[int, str]:
    """The failing line in the lesson, and the traceback cut down to lesson frames."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == lesson_path]
    line = frames[-1].lineno if frames else 0
    text = "".join(traceback.format_list(frames))
    return line or 0, text


def _on_alarm(signum: int, frame: Any) -> None:
    raise CellTimeout()


class _Run:
    """The state of one lesson run: counters for stable file names, the files made, and the folders whose
    paths what the lesson prints shows shortened."""

    def __init__(self, paths: Prefixes = ()) -> None:
        self.files: dict[str, bytes] = {}
        self.figures = 0
        self.tables = 0
        self.paths = paths
        self.notices: list[str] = []  # "line: what", said once per run

    @staticmethod
    def name(kind: str, number: int, label: str, index: int, count: int) -> str:
        """`fig-03` for the lesson's third figure, or the cell's label (`slope`, `slope-2` …)."""
        if label:
            return label if count == 1 else f"{label}-{index + 1}"
        return f"{kind}-{number:02d}"

    def capture_figures(self, cell: Cell, returned: Any = None) -> list[Block]:
        """Every figure pyplot holds, and one made without pyplot that the cell returned (`returned`)."""
        import matplotlib.pyplot as plt

        figures = [plt.figure(number) for number in plt.get_fignums()] + ([returned] if returned is not None else [])
        blocks: list[Block] = []
        for index, fig in enumerate(figures):
            self.figures += 1
            name = self.name("fig", self.figures, cell.options.label, index, len(figures))
            save_figure(fig, name, self.files)
            width, height = fig.get_size_inches()
            caption = cell.options.fig_cap
            blocks.append(Figure(name, round(float(width), 3), round(float(height), 3), caption,
                                 cell.options.fig_alt or describe_figure(fig), smallest_text(fig), line=cell.line))
            plt.close(fig)
        return blocks

    def capture_tables(self, cell: Cell, tables: list[display.TableData]) -> list[Block]:
        blocks: list[Block] = []
        for index, data in enumerate(tables):
            self.tables += 1
            label = f"{cell.options.label}-table" if cell.options.label else ""
            name = self.name("table", self.tables, label, index, len(tables))
            data = display.TableData(tuple(printable(c) for c in data.header),
                                     tuple(tuple(printable(c) for c in row) for row in data.rows), data.caption,
                                     data.bundle)
            if len(data.rows) > MAX_TABLE_ROWS_KEPT:
                note = f"the first {MAX_TABLE_ROWS_KEPT:,} of {len(data.rows):,} rows were kept"
                data = display.TableData(data.header, data.rows[:MAX_TABLE_ROWS_KEPT],
                                         f"{data.caption} ({note})" if data.caption else note.capitalize())
            blocks.append(Table(name, data.header, data.rows, data.caption, bundle=data.bundle))
        return blocks

    def capture(self, cell: Cell, out: CappedText, err: CappedText, shown: list[rich.Shown], value: Any) -> list[Block]:
        """What the cell shows, in Jupyter's order: printed text, what it displayed (livedeck tables, display()
        calls) in turn, its value, its figures."""
        if not cell.options.output:
            import matplotlib.pyplot as plt

            plt.close("all")
            return []
        blocks: list[Block] = [s for s in (_stream(out, "stdout", self.paths), _stream(err, "stderr", self.paths)) if s]
        if value is not None and not is_plot_artifact(value):
            shown = shown + self.displayed(cell, value, rich.bundle(value))
        tables = iter(self.capture_tables(cell, [item for item in shown if isinstance(item, display.TableData)]))
        blocks += [next(tables) if isinstance(item, display.TableData) else item for item in shown]
        return blocks + self.capture_figures(cell, value if rich.unmanaged_figure(value) else None)

    def displayed(self, cell: Cell, obj: Any, data: dict) -> list[rich.Shown]:
        """What the slide shows of a displayed object; a static fallback is said at the cell's line."""
        items, notice = rich.blocks(obj, data, lambda text: printable(without_address(text), self.paths))
        if notice:
            self.notices.append(f"{cell.line}: {notice}")
        return items


def _prepare(lesson: Lesson, style: Optional[Path]) -> None:
    os.environ.setdefault("MPLBACKEND", "agg")
    # This process came from livedeck's fork server, which left `forkserver` as multiprocessing's start
    # method: a lesson's top-level Pool or DataLoader(num_workers=2) would then re-import the lesson and
    # fail. The lesson sees the platform's default (fork on Linux), as under `python lesson.py`.
    multiprocessing.set_start_method(None, force=True)
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    matplotlib.rcdefaults()
    if style is not None:
        plt.style.use(str(style))
    matplotlib.rcParams["svg.hashsalt"] = "livedeck"
    # plt.show() is a no-op under Agg; its warning would be noise on a slide.
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    # Same seed every build: random data gives the same figure bytes each time.
    random.seed(0)
    with contextlib.suppress(ImportError):
        import numpy

        numpy.random.seed(0)
    # torch is seeded when the worker has it loaded (the course mentions it somewhere) or this lesson
    # names it; importing it for a lesson that never uses it would cost a second.
    if "torch" in sys.modules or any("torch" in cell.source for cell in lesson.cells):
        with contextlib.suppress(ImportError):
            import torch

            torch.manual_seed(0)
    slides_dir = str(lesson.path.parent.resolve())
    if slides_dir not in sys.path:
        sys.path.insert(0, slides_dir)  # lessons may import their `_helpers.py`
    sys.argv = [str(lesson.path)]


def _failure(exc: BaseException, cell: Cell, path: str, paths: Prefixes, during: str = "") -> Failure:
    line, trimmed = _trimmed_traceback(exc, path)
    error = without_address("".join(traceback.format_exception_only(type(exc), exc)).strip())
    return Failure(path, line or cell.line, cell.line, cell.first_line, printable(error, paths), trimmed, during=during)


def _run_cell(cell: Cell, code: tuple[Any, Any], namespace: dict[str, Any], run: _Run, timeout: float,
              path: str) -> tuple[list[Block], Optional[Failure]]:
    """Run one cell and capture what it shows; the time limit covers both (saving a figure can hang too).

    Whatever the cell raises is the lesson's error, SystemExit and KeyboardInterrupt included."""
    body, last = code
    out, err = CappedText(), CappedText()
    shown: list[rich.Shown] = []  # livedeck tables and what display() showed, in turn
    value: Any = None
    failure: Optional[Failure] = None
    blocks: list[Block] = []
    if timeout:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        try:
            display.collector = shown.append
            with (contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
                  descriptors.captured(out, err, MAX_CAPTURE_CHARS),
                  rich.displaying(lambda obj, data: shown.extend(run.displayed(cell, obj, data)))):
                exec(body, namespace)
                if last is not None:
                    value = eval(last, namespace)
        except CellTimeout:
            raise
        except BaseException as exc:
            failure = _failure(exc, cell, path, run.paths)
        finally:
            display.collector = None
        blocks = run.capture(cell, out, err, shown, value)
    except CellTimeout:
        failure = Failure(path, cell.line, cell.line, cell.first_line,
                          f"TimeoutError: the cell ran longer than {timeout:g} s", timed_out=True)
    except Exception as exc:  # drawing what the cell made failed (text.usetex without LaTeX, …)
        failure = failure or _failure(exc, cell, path, run.paths, during="saving what the cell showed")
    finally:
        if timeout:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return blocks, failure


def _main_namespace(lesson_file: Path) -> dict[str, Any]:
    """The lesson runs as the real __main__ module, as `python lesson.py` would: what it defines can be
    pickled by name for a multiprocessing Pool or DataLoader workers."""
    main = types.ModuleType("__main__")
    main.__file__ = str(lesson_file)
    sys.modules["__main__"] = main
    return main.__dict__


def execute(lesson: Lesson, style: Optional[Path] = None, timeout: float = 0, allow_errors: bool = False,
            project: Optional[Path] = None, ignore: tuple[Path, ...] = (), memory: float = 0) -> Executed:
    """Run every code cell of `lesson` top to bottom in one fresh namespace, in the lesson's folder
    (as Jupyter runs a notebook in its own), and come back to the build's folder after.

    Meant to run in a process of its own (the lesson's state dies with it). A syntax error
    raises LessonError before any cell runs; any other failure comes back as `Executed.failure`.
    `project`: files under it that the lesson reads are recorded (`ignore`: folders the build writes).
    `memory`: gigabytes the lesson may allocate (0: no limit), an allocation past it the lesson's error.
    """
    compiled = _compile_cells(lesson)
    _prepare(lesson, style)
    path, home, lesson_file = str(lesson.path), os.getcwd(), lesson.path.resolve()
    # Tracebacks quote lesson lines after the lesson changed folder: the source is in linecache for good.
    source = source_lines(lesson)
    linecache.cache[path] = (sum(map(len, source)), None, source, path)
    run = _Run(path_prefixes(project))
    main_before, namespace = sys.modules["__main__"], _main_namespace(lesson_file)  # put back after, as was
    shell = LessonShell(namespace, path)
    namespace["get_ipython"] = lambda: shell  # as in Jupyter, where it is a builtin: magics call it
    namespace["display"] = rich.display  # as in Jupyter, without an import
    outputs: list[tuple[Block, ...]] = []
    reads: set[str] = set()
    record_reads(reads)
    previous_alarm = signal.signal(signal.SIGALRM, _on_alarm) if timeout else None
    os.chdir(lesson_file.parent)
    failure: Optional[Failure] = None
    try:
        for cell, code in zip(lesson.cells, compiled):
            if code is None:
                outputs.append(())
                continue
            shell.line = cell.line
            with limits.memory_limit(memory):
                blocks, failure = _run_cell(cell, code, namespace, run, timeout, path)
            if failure is not None and memory and limits.ran_out(failure.error):
                failure = replace(failure, error=f"{failure.error} — out of memory (limit {memory:g} GB)")
            if failure is not None and allow_errors:
                blocks.append(Error(failure.error + ("\n" + failure.traceback.rstrip() if failure.traceback else "")))
                failure = None
            outputs.append(tuple(blocks))
            if failure is not None:
                break
    finally:
        os.chdir(home)
        sys.modules["__main__"] = main_before
        if previous_alarm is not None:
            signal.signal(signal.SIGALRM, previous_alarm)
    return Executed(tuple(outputs), run.files, failure, inputs_read(reads, project, lesson_file, ignore),
                    tuple(dict.fromkeys(run.notices)))
