"""Make every format of one lesson, then publish them with its figures: all of them, or none."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from livedeck.base.errors import Kind, LivedeckError, OutputError, cannot_write
from livedeck.base.files import publish, remove_others, temporary
from livedeck.model import Block, Callout, Deck, Figure, Markdown, Math, Table
from livedeck.read.lesson import Lesson
from livedeck.settings.course import where_set
from livedeck.settings.options import BuildOptions
from livedeck.writers import BY_NAME, Sources, WriteContext, side_folder

if TYPE_CHECKING:  # the layout loads when a lesson is laid out, not with the command line
    from livedeck.layout import LaidDeck, LaidSlide


class FormatError(LivedeckError):
    """One format of a lesson could not be made; the message names the format and the cause."""
    kind = Kind.LESSON


@dataclass(frozen=True)
class Published:
    """What writing a lesson's formats gave."""
    files: tuple[Path, ...]
    slides: int  # as presented, the title slide included
    errors_shown: bool = False  # a formula shown as its error (--allow-errors)
    warnings: tuple[str, ...] = ()  # what built but deserves a look, each at its file and line


def write_deck(deck: Deck, lesson: Lesson, outputs: tuple[tuple[Block, ...], ...], files: dict[str, bytes],
               options: BuildOptions, deeper: Optional[Callable[[], Deck]] = None) -> Published:
    """Make every requested format of a lesson, then publish them with its figures, all or nothing:
    if any format fails, or the disk refuses a file, every previous output stays as it was. `deeper`: the
    deck with slides from the heading level below, taken when at least half the slides with subheadings spread over
    more than SPREAD slides each (every format gets the same slides)."""
    figures = options.figures / deck.name
    made: dict[str, bytes] = {}  # file name in dist/ → bytes
    laid = _laid_out(deck, lesson, options) if any(BY_NAME[name].draws_slides for name in options.formats) else None
    if laid is not None and deeper is not None and _spread(laid) and (deeper_deck := deeper()) != deck:
        deck, laid = deeper_deck, _laid_out(deeper_deck, lesson, options)
    files = files | (laid.side_files if laid else {})  # what slides cut short, in full, beside the figures
    with _staging(options.figures, deck.name, options) as stage:
        try:
            for name, data in files.items():
                (stage / name).write_bytes(data)  # what the writers read the figures from, until published
        except OSError as exc:
            raise OutputError(cannot_write(f"{options.shown(figures)}/", exc)) from None
        assert options.theme is not None
        context = WriteContext(figures=stage, templates=options.templates, pptx_template=options.pptx_template,
                               cache=options.cache, figures_shown=options.shown(figures), theme=options.theme)
        for name in options.formats:
            made.update(_make(name, Sources(deck, context, options, lesson, outputs, files, laid, dict(made))))
    everything = {figures / name: data for name, data in sorted(files.items())}
    everything.update({options.dist / name: data for name, data in made.items()})
    side = options.dist / side_folder(deck.name)
    try:
        if any(path.parent == side for path in everything):
            side.mkdir(exist_ok=True)
        publish(everything)
        remove_others(figures, set(files))
        if f"{deck.name}.html" in made:  # the deck that links the side folder: what it no longer links goes
            remove_others(side, {path.name for path in everything if path.parent == side})
            with contextlib.suppress(OSError):
                side.rmdir()  # when empty
    except OSError as exc:
        raise OutputError(cannot_write(options.shown(Path(exc.filename or options.dist)), exc)) from None
    if laid is None:
        return Published(tuple(everything), deck.slide_count)
    return Published(tuple(everything), len(laid.slides), bool(laid.errors_shown), _warnings(deck, laid, lesson, options))


def _warnings(deck: Deck, laid: LaidDeck, lesson: Lesson, options: BuildOptions) -> tuple[str, ...]:
    """What the slides show in a lesser form than the lesson wrote it, each once, at the lesson's file:line."""
    from livedeck.layout.findings import findings

    as_text = [BY_NAME[name].label for name in options.formats if BY_NAME[name].math_as_text]
    warnings = tuple(f"{lesson.path}:{formula_line(deck, latex)}: the {' and '.join(as_text)} shows the inline "
                     f"formula ${latex}$ as text, which cannot lay it out (it is written out in full); as display "
                     "math ($$…$$) it would be a picture" for latex in laid.beyond_text) if as_text else ()
    warnings += tuple(f"{lesson.path}:{cut.line}: a text of {cut.length:,} characters is more than slides show: "
                      f"its first {cut.shown:,} are shown, and a line says how much is left" for cut in laid.cut_texts)
    warnings += small_figures(laid, lesson)
    return warnings + tuple(f"{lesson.path}:{finding.line}: {finding.message}"
                            for finding in findings((item for slide in laid.slides for item in slide.items),
                                                    options.shown(options.figures / deck.name)))


SPREAD = 3  # slides: a lesson slide whose subheadings' content takes more reads better as a section


def _spread(laid: LaidDeck) -> bool:
    """Whether at least half of the lesson's slides that hold subheadings take more than SPREAD slides each."""
    runs: list[list[LaidSlide]] = []  # each lesson slide as drawn: its first slide and its continuations
    for slide in laid.slides:
        if slide.continued and runs:
            runs[-1].append(slide)
        else:
            runs.append([slide])
    headed = [run for run in runs if any(p.heading for slide in run for item in slide.items for p in item.paragraphs)]
    return sum(1 for run in headed if len(run) > SPREAD) * 2 >= len(headed) > 0


def small_figures(laid: LaidDeck, lesson: Lesson) -> tuple[str, ...]:
    """A warning for each figure whose smallest text the slides show under 12 pt: the size it is shown at,
    and the largest figsize that would show it at 12 pt (text keeps its points as a figure shrinks)."""
    from livedeck.layout.geometry import FIGURE_TEXT_MIN

    found: dict[str, str] = {}
    for item in (item for slide in laid.slides for item in slide.items):
        figure = item.block
        if not isinstance(figure, Figure) or not figure.text_size or item.picture is None or figure.name in found:
            continue
        shown = figure.text_size * item.picture.w / (figure.width * 72)
        if shown < FIGURE_TEXT_MIN - 0.05:
            k = shown / FIGURE_TEXT_MIN
            found[figure.name] = (f"{lesson.path}:{figure.line or 1}: figure {figure.name} shows its smallest text at "
                                  f"{shown:.1f} pt, under {FIGURE_TEXT_MIN:g} pt; figsize=({figure.width * k:.1f}, "
                                  f"{figure.height * k:.1f}) or smaller would show it at {FIGURE_TEXT_MIN:g} pt")
    return tuple(found.values())


def formula_line(deck: Deck, latex: str) -> int:
    """The line of the lesson file where a formula is written: the first block that holds it carries its own
    first line, and the formula's line within that block follows from the block's text (1: not found)."""
    for block in (b for slide in deck.slides for b in slide.blocks):
        if isinstance(block, Math) and block.latex == latex and block.line:
            return block.line
        if isinstance(block, (Markdown, Callout, Table)) and block.line:
            text = block.text if isinstance(block, (Markdown, Callout)) else \
                "\n".join(" | ".join(row) for row in (block.header, *block.rows))
            if latex in text:
                return block.line + text[:text.index(latex)].count("\n")
    return 1


def _laid_out(deck: Deck, lesson: Lesson, options: BuildOptions) -> LaidDeck:
    """The layout stage, once for every format that draws slides."""
    from livedeck.layout import FormulaError, LayoutTimeout, TooLong, lay_out_deck
    from livedeck.layout.math_engine import MathEngineMissing

    assert options.theme is not None, "the build's options are resolved (the theme read) before any lesson"
    try:
        return lay_out_deck(deck, options.cache / "math", options.theme.code_style,
                            options.shown(options.figures / deck.name), options.allow_errors)
    except TooLong as exc:  # a course setting the slides cannot hold, named where it is set
        path, line = where_set(exc.key, options.project, lesson.path, lesson.front_matter)
        raise FormatError(f"{options.shown(path.resolve())}:{line}: {exc}") from None
    except FormulaError as exc:
        where = f"{lesson.path}:{formula_line(deck, exc.latex)}"
        source = " ".join(exc.latex.split())
        source = source if len(source) <= 80 else source[:79] + "…"  # a formula may be one 9,000-character word
        raise FormatError(f"{where}: a formula cannot be typeset: {source}\n"
                          f"  {exc.message}") from None
    except MathEngineMissing as exc:
        raise FormatError(f"{deck.source}: {exc}") from None
    except LayoutTimeout as exc:  # livedeck's fault: the lesson ran fine, its deck could not be laid out
        raise FormatError(f"{deck.source}: {exc}; stopped (a bug in livedeck: please report this lesson)") from None
    except Exception as exc:  # livedeck's own failure, this lesson's alone
        raise FormatError(f"the slides of {deck.source} could not be laid out: {type(exc).__name__}: {exc}") from exc


def _make(name: str, sources: Sources) -> dict[str, bytes]:
    from livedeck.writers.pdf import PrintError

    fmt = BY_NAME[name]
    try:
        return fmt.writer().make(sources)
    except (PrintError, OSError) as exc:
        raise FormatError(f"{sources.lesson.path}: the {fmt.label} could not be made: {exc}") from None
    except Exception as exc:  # a writer's failure costs this lesson, never its other outputs
        cause = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
        raise FormatError(f"{sources.lesson.path}: the {fmt.label} could not be made: "
                          f"{type(exc).__name__}: {textwrap.shorten(cause, 300)}") from exc


@contextlib.contextmanager
def _staging(parent: Path, name: str, options: BuildOptions) -> Iterator[Path]:
    """A temporary folder for one lesson's files; a build killed meanwhile leaves it to the next build
    to remove (its name carries the pid, like every temporary)."""
    try:
        stage = Path(tempfile.mkdtemp(dir=parent, **temporary(name)))
    except OSError as exc:
        raise OutputError(cannot_write(f"to {options.shown(parent)}/", exc)) from None
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)
