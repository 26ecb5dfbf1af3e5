"""HTML: reveal.js decks (render.py) and the course page. Light to import: the writer loads on use."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from livedeck.read.lesson import Lesson
from livedeck.settings.options import BuildOptions, with_theme
from livedeck.writers import CourseLesson, Sources, Warn, Writer, side_folder


def make(sources: Sources) -> dict[str, bytes]:
    """The deck, and each long output it cuts short, in full, in its side folder (the slides link it)."""
    from livedeck.model import Stream
    from livedeck.writers.html.render import write_html

    name = sources.deck.name
    linked = {item.block.full for slide in sources.slides.slides for item in slide.items
              if isinstance(item.block, Stream) and item.block.full}
    return {f"{name}.html": write_html(sources.deck, sources.slides, sources.context),
            **{f"{side_folder(name)}/{full}": sources.files[full] for full in sorted(linked)}}


def prepare(options: BuildOptions, warn: Warn) -> BuildOptions:
    """reveal.js, the fonts and the stylesheet copied into dist/assets/ once per build: the decks present offline."""
    from livedeck.base.errors import OutputError, cannot_write
    from livedeck.writers.html.assets import copy_assets

    try:
        copy_assets(options.dist, options.templates)  # no npm packages: MissingAssets, the environment's error
    except OSError as exc:  # a full disk, a refused file: one line, and every deck as it was
        raise OutputError(cannot_write(options.shown(Path(exc.filename or options.dist)), exc)) from None
    return options


def head_start(lessons: list[Lesson], options: BuildOptions) -> None:
    """Load the writer and compile its templates, while the lesson workers start (it also writes the course page)."""
    from livedeck.writers.html import render

    render.compile_templates(options.templates, options.cache)


def finish(course: Callable[[], list[CourseLesson]], options: BuildOptions, changed: bool) -> None:
    """dist/index.html, the course page: every lesson with each file it has in dist/. Written when
    lessons changed, by any build that makes HTML or finds the page there already."""
    page = options.dist / "index.html"
    if not (changed if page.exists() else "html" in options.formats):
        return
    from livedeck.base.errors import OutputError, cannot_write
    from livedeck.base.files import write_atomic
    from livedeck.writers import all_files
    from livedeck.writers.html.render import IndexFile, IndexLesson, write_index

    decks = []
    for lesson in course():
        # A file older than one of its inputs was not rebuilt since that changed (say, a PowerPoint deck
        # after `--format html`): the page says so rather than pass it off as current.
        files = [IndexFile(label, file, (options.dist / file).stat().st_size,
                           _newer_input(options.dist / file, lesson.path, options))
                 for label, file in all_files(lesson.name) if (options.dist / file).exists()]
        number = lesson.path.stem.split("_", 1)[0]
        decks.append(IndexLesson(number, lesson.card, files))
    try:
        theme = (options.theme or with_theme(options).theme)  # read already, unless no lesson was drawn
        assert theme is not None
        write_atomic(page, write_index(decks, options.course, options.templates, theme, options.cache))
    except OSError as exc:
        raise OutputError(cannot_write(options.shown(page), exc)) from None


def _newer_input(built: Path, lesson: Path, options: BuildOptions) -> str:
    """The newest of what a deck is made from that changed after it was built ("" when none did): the lesson,
    the course's settings, theme and logo, the PowerPoint template for a .pptx."""
    from livedeck.settings.course import COURSE_FILE

    inputs = [("the lesson", lesson), (COURSE_FILE, options.project / COURSE_FILE),
              ("theme.toml", options.templates / "theme.toml")]
    if options.course.logo:
        inputs.append(("the logo", Path(options.course.logo)))
    if options.pptx_template and built.suffix == ".pptx":
        inputs.append(("the template", options.pptx_template))
    when = built.stat().st_mtime
    changed = [(edited, name) for name, path in inputs if path.is_file() and (edited := path.stat().st_mtime) > when]
    return max(changed)[1] if changed else ""


WRITER = Writer(make, prepare=prepare, head_start=head_start, finish=finish)
