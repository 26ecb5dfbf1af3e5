"""The `livedeck` command line (also `python build.py`; click): options in, BuildOptions out, reports printed."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, Optional

import click

from livedeck.base.errors import INTERRUPTED, Kind, LivedeckError, exit_status
from livedeck.base.package_data import TEMPLATES
from livedeck.build.pipeline import BuildOptions, LessonResult, State, build
from livedeck.settings.options import Executor, Shard
from livedeck.writers import DEFAULT_FORMATS, FORMATS

HELP = """Build the course's slide decks from the runnable lessons in slides/.

Every lesson (slides/NN_name.py, or a notebook slides/NN_name.ipynb) is run
top to bottom; its code, printed
output, values, figures and tables become a reveal.js deck (dist/NAME.html)
and a PowerPoint deck (dist/NAME.pptx). Figures are also saved as
SVG and PNG in figures/NAME/. On request: a PDF (dist/NAME.pdf, and with
--handout dist/NAME-handout.pdf) and a student notebook (dist/NAME.ipynb).
dist/index.html links every file of every lesson.

An optional course.toml beside slides/ (title, author, institute, date, lang,
logo, footer), and a lesson's own `---` front matter, put the course on the
title slide, in a footer on every other slide, and on dist/index.html.

\b
Examples:
  python build.py                          # every lesson, HTML and PowerPoint
  python build.py --format html --lesson partials
  python build.py -f pdf --handout         # PDFs of the slides, and handouts with notes
  python build.py -f ipynb --with-outputs  # student notebooks, with outputs
  python build.py --format json --lesson derivatives   # the deck model, for debugging
  python build.py --freeze                 # run, and keep the results in frozen/ (commit it)
  python build.py --frozen                 # decks from frozen/, running nothing
  python build.py --check                  # run, and compare with frozen/ (CI after a torch upgrade)
  python build.py --executor ray --ray-address head:6379   # lessons on a Ray cluster
"""


STATES = {State.CACHED: "up to date", State.RENDERED: "re-rendered from cached results in {:.1f} s",
          State.RAN: "ran in {:.1f} s", State.FROZEN: "built from its frozen record in {:.1f} s"}


def _print_report(report: LessonResult, quiet: bool) -> None:
    if report.state == State.FAILED:
        # The message starts with the lesson file and line: "slides/02_partials.py:41: ZeroDivisionError: …"
        click.secho(f"✗ {report.message}", fg="red", err=True)
    elif report.errors_shown:  # built, but not good: the exit status is 1, and the line says why
        click.secho(f"✗ {report.name}: {STATES[report.state].format(report.seconds)}, showing errors (a cell's "
                    "or a formula's) on its slides (--allow-errors)", fg="red", err=True)
    elif report.drift:  # --check: each difference from its frozen record, at its file:line
        for difference in report.drift:
            click.secho(f"✗ {difference}", fg="red", err=True)
    elif not quiet:
        click.echo(f"✓ {report.name}: {STATES[report.state].format(report.seconds)}")


def _print_version(context: click.Context, _: click.Parameter, asked: bool) -> None:
    """--version: livedeck's, and those of what makes its figures and decks (read from the installed packages'
    metadata: nothing is imported, so it answers at once)."""
    if not asked or context.resilient_parsing:
        return
    import platform
    from importlib.metadata import PackageNotFoundError, version

    def of(package: str) -> str:
        try:
            return version(package)
        except PackageNotFoundError:
            return "not installed"

    click.echo(f"livedeck {of('livedeck')} (torch {of('torch')}, matplotlib {of('matplotlib')}, "
               f"python-pptx {of('python-pptx')}; Python {platform.python_version()})")
    context.exit()


class ShardType(click.ParamType):
    """`K/N`, 1 ≤ K ≤ N."""
    name = "K/N"

    def convert(self, value: Any, param: Optional[click.Parameter], ctx: Optional[click.Context]) -> Shard:
        if isinstance(value, Shard):
            return value
        index, _, count = str(value).partition("/")
        if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
            self.fail(f"{value!r} is not K/N with 1 ≤ K ≤ N, such as 1/2", param, ctx)
        return Shard(int(index), int(count))


SHARD = ShardType()


def _warn(message: str) -> None:
    click.secho(f"⚠ {message}", fg="yellow", err=True)


@click.command(help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--format", "-f", "formats", multiple=True, type=click.Choice([f.name for f in FORMATS]),
              help=f"Format to write; repeat for several. Default: {' and '.join(DEFAULT_FORMATS)}. "
                   "pdf: one page per slide, printed from the HTML deck by headless Chromium (or made from "
                   "the .pptx by LibreOffice when there is no Chromium). ipynb: a student notebook of the "
                   "lesson. json: the deck model, for debugging.")
@click.option("--handout", is_flag=True,
              help="With the PDF, also write NAME-handout.pdf: A4 pages of two slides, each at least 16 cm "
                   "wide with its speaker notes beneath (needs Chromium; implies --format pdf).")
@click.option("--with-outputs", is_flag=True,
              help="Student notebooks (--format ipynb) include what each cell printed and drew; "
                   "default: without outputs, for students to run.")
@click.option("--lesson", "-l", "lessons", multiple=True, metavar="NAME",
              help="Build only this lesson: the NAME of slides/NN_NAME.py or .ipynb, or its file's name or "
                   "path (01_NAME, slides/01_NAME.py); repeat for several. Default: all.")
@click.option("--slides", type=click.Path(path_type=Path), default=Path("slides"), show_default=True,
              help="Folder holding the lessons.")
@click.option("--out", "dist", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Folder the decks are written to.")
@click.option("--figures", type=click.Path(path_type=Path), default=Path("figures"), show_default=True,
              help="Folder the figures are saved to, as NAME/*.svg and NAME/*.png (and long outputs and tables in "
                   "full, as .txt and .csv).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Lessons run at once, each in its own process. Default: one per CPU core.")
@click.option("--timeout", type=click.FloatRange(min=0), default=300.0, show_default=True,
              help="Seconds a single cell may run before it is stopped and reported; 0 for no limit.")
@click.option("--templates", type=click.Path(path_type=Path, file_okay=False), default=TEMPLATES,
              help="Folder of templates: reveal/ (HTML), pptx/livedeck.pptx, theme.toml (colours and fonts of "
                   "both formats) and figure.mplstyle (the lessons' figure style). Default: livedeck's own.")
@click.option("--template", type=click.Path(path_type=Path), default=None,
              help="A PowerPoint theme (.pptx) to build the PowerPoint decks on; it needs slide layouts "
                   "named \"Title Slide\" and \"Title Only\". A theme that is not valid OOXML gets a "
                   "warning naming the part; the decks are still built. One that links outside its file (a "
                   "picture from the web, a file:// share) or holds macros is refused. "
                   "Default: templates/pptx/livedeck.pptx.")
@click.option("--allow-errors", is_flag=True,
              help="Build a lesson whose cell raises, or whose formula cannot be typeset, with the error shown "
                   "in red on the slide where it happened (the build still exits 1), instead of keeping its "
                   "previous deck.")
@click.option("--force", is_flag=True,
              help="Run every lesson again, even when its code and its cached results are unchanged.")
@click.option("--cache", type=click.Path(path_type=Path), default=Path(".livedeck-cache"), show_default=True,
              help="Folder of cached results: a lesson runs again only when its code cells, livedeck, "
                   "torch or matplotlib change; prose and template edits only re-render.")
@click.option("--freeze", is_flag=True,
              help="Keep what each lesson's run showed in frozen/NAME/ beside slides/ (text, SVG and PNG files to "
                   "commit), so that any machine can build the decks with --frozen and check them with --check.")
@click.option("--frozen", "from_frozen", is_flag=True,
              help="Build every format from frozen/ without running any lesson (no torch needed). A lesson "
                   "whose record is missing, or whose code, helpers or data files changed since it was "
                   "frozen, fails with what changed.")
@click.option("--check", is_flag=True,
              help="Run every lesson and compare what it shows with its frozen record: printed numbers within "
                   "course.toml's [check] tolerance, tables cell by cell, figures by their data or pixels. "
                   "Each difference is printed at its file:line; the build exits 1 on any.")
@click.option("--shard", type=SHARD, default=None, metavar="K/N",
              help="Build only the K-th of N shares of the lessons (CI jobs sharing a course), balanced by the "
                   "durations in their frozen records; the N shares build every lesson once.")
@click.option("--executor", type=click.Choice([e.value for e in Executor]), default=Executor.LOCAL.value,
              show_default=True,
              help="Where lessons run: worker processes here, or tasks on a Ray cluster, each with the GPUs, "
                   "CPUs and memory its `requires:` asks for (pip install 'livedeck[ray]').")
@click.option("--ray-address", envvar="RAY_ADDRESS", default="", metavar="HOST:PORT",
              help="The Ray cluster for --executor ray (default: $RAY_ADDRESS; neither: a local Ray instance).")
@click.option("--watch", is_flag=True,
              help="Build, then serve the output folder on http://127.0.0.1:PORT and rebuild whenever a lesson, "
                   "helper, template, theme, course.toml or logo is saved; open decks reload in place, on the slide they showed.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port for --watch (loopback only); 0 picks a free one.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Print livedeck's version and those of torch, matplotlib and python-pptx, and exit.")
def main(formats: tuple[str, ...], lessons: tuple[str, ...], slides: Path, dist: Path, figures: Path,
         jobs: int | None, timeout: float, templates: Path, template: Path | None, allow_errors: bool,
         force: bool, cache: Path, watch: bool, port: int, quiet: bool, handout: bool, with_outputs: bool,
         freeze: bool, from_frozen: bool, check: bool, shard: Shard | None, executor: str, ray_address: str) -> None:
    modes = [name for name, on in (("--freeze", freeze), ("--frozen", from_frozen), ("--check", check)) if on]
    if len(modes) > 1:
        raise click.UsageError(f"{' and '.join(modes)} cannot go together: each is a build of its own")
    if from_frozen and executor != Executor.LOCAL:
        raise click.UsageError("--frozen runs no lesson, so it takes no --executor")
    options = BuildOptions(
        slides=slides, dist=dist, figures=figures, formats=formats or DEFAULT_FORMATS,
        lessons=lessons, jobs=jobs or 0, timeout=timeout, templates=templates, pptx_template=template,
        force=force, cache=cache, allow_errors=allow_errors, handout=handout, with_outputs=with_outputs,
        freeze=freeze, frozen=from_frozen, check=check, shard=shard, executor=Executor(executor),
        ray_address=ray_address,
    )
    start = time.perf_counter()
    if watch:
        from livedeck.cli.watch import watch as watch_and_serve

        def report(r: LessonResult) -> None:
            if r.state != State.CACHED:  # each save reports only what it rebuilt
                _print_report(r, quiet)

        try:
            watch_and_serve(options, port, report, click.echo, _warn)
        except KeyboardInterrupt:
            click.echo("stopped")
        return
    written: list[str] = []
    reports = build(options, lambda r: _print_report(r, quiet), _warn, written.extend)
    failed = [r for r in reports if r.state == State.FAILED]
    errors_shown = [r for r in reports if r.errors_shown]
    drifted = [r for r in reports if r.drift]
    if not quiet:
        counts = {state: sum(r.state == state for r in reports) for state in State}
        shown = f", {len(errors_shown)} showing errors" if errors_shown else ""
        shown += f", {len(drifted)} drifted from their frozen records" if check else ""
        thawed = f"{counts[State.FROZEN]} from frozen records, " if counts[State.FROZEN] else ""
        click.echo(f"{len(reports)} lesson{'s' if len(reports) != 1 else ''}: {counts[State.RAN]} ran, "
                   f"{counts[State.RENDERED]} re-rendered, {thawed}{counts[State.CACHED]} up to date, "
                   f"{len(failed)} failed{shown} "
                   f"→ {', '.join(written)} in {dist}/, {time.perf_counter() - start:.1f} s")
    sys.exit(exit_status([r.kind or Kind.LESSON for r in failed] + [Kind.LESSON] * bool(errors_shown or drifted)))


def run() -> None:
    """The command (started by livedeck.cli.start, which turns SIGTERM and SIGHUP into Ctrl-C): click's own errors become
    one line and exit status 2; Ctrl-C, SIGTERM and SIGHUP stop cleanly."""
    try:
        main(standalone_mode=False, prog_name="livedeck")
    except click.UsageError as exc:
        click.secho(f"livedeck: error: {exc.format_message()}", fg="red", err=True)
        sys.exit(2)
    except LivedeckError as exc:  # before any lesson ran: settings, templates, programs, output folders
        click.secho(f"livedeck: error: {exc}", fg="red", err=True)
        sys.exit(exit_status([exc.kind]))
    except (KeyboardInterrupt, click.Abort):
        # The lessons' process groups were killed on the way here; every file was written whole or not
        # at all. Exit at once: an interpreter shutting down mid-build can abort in C code (SIGABRT),
        # and nothing is left to clean up.
        click.echo("livedeck: interrupted; outputs are as the last complete write left them", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(INTERRUPTED)


