"""Read a lesson into cells with options and file lines: a Jupytext percent-format script
(`NN_name.py`) or a Jupyter notebook (`NN_name.ipynb`, its stored outputs ignored: a lesson always runs)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Any, Optional

from livedeck.base.errors import UsageError
from livedeck.read.colab import colab_form
from livedeck.settings.course import SettingsError, split_front_matter
from livedeck.settings.requirements import Requirements

# Any alphabet's letters (`07_über.py`), digits, _ and -: the name is a file name in dist/ and a URL.
LESSON_NAME = re.compile(r"^(?:\d+_)?([^\W_][\w-]*)$")
OPTION_LINE = re.compile(r"^#\|\s?(.*)$")
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
LESSON_SUFFIXES = (".py", ".ipynb")
# Jupyter Book's and nbconvert's cell tags, as the cell options they mean
TAG_OPTIONS = {"remove-input": {"echo": False}, "hide-input": {"echo": False},
               "remove-output": {"output": False}, "hide-output": {"output": False},
               "remove-cell": {"echo": False, "output": False}, "hide-cell": {"echo": False, "output": False}}

# Quarto's cell options that livedeck understands, with the type each must have.
OPTION_TYPES: dict[str, type] = {
    "echo": bool,
    "output": bool,
    "fig-cap": str,
    "fig-alt": str,
    "label": str,
    "fragment": bool,
    "output-location": str,
    "morph": str,
    "code-line-numbers": str,
    "student": bool,
}


class LessonError(UsageError):
    """A mistake in a lesson, located in its file; shown to the user without a traceback."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


class OutputLocation(StrEnum):
    """`#| output-location:` (Quarto's revealjs option): where a cell's outputs appear."""
    FRAGMENT = "fragment"  # under the code, at the next click
    SLIDE = "slide"  # on a slide of their own, after the code's
    COLUMN = "column"  # beside the code
    COLUMN_FRAGMENT = "column-fragment"  # beside the code, at the next click


@dataclass(frozen=True)
class CellOptions:
    echo: bool = True
    output: bool = True
    fig_cap: str = ""
    fig_alt: str = ""
    label: str = ""
    fragment: bool = False
    code_line_numbers: tuple[tuple[int, ...], ...] = ()  # "1-2|3": ((1, 2), (3,)), parsed once here
    output_location: Optional[OutputLocation] = None  # Quarto's: where the cell's outputs show; None: under it
    morph: str = ""  # cells with one name on consecutive slides: one code, changing (model.structure ties them)
    student: bool = True


@dataclass(frozen=True)
class Cell:
    kind: str  # "markdown" or "code"
    source: str  # code without its option lines; markdown uncommented
    line: int  # 1-based line in the lesson file where `source` starts
    options: CellOptions = field(default_factory=CellOptions)
    attachments: tuple[tuple[str, str], ...] = ()  # a notebook markdown cell's pictures: (name, base64 data)

    @property
    def first_line(self) -> str:
        return next((ln for ln in self.source.splitlines() if ln.strip()), "")


@dataclass(frozen=True)
class Lesson:
    name: str
    path: Path
    cells: tuple[Cell, ...]
    front_matter: dict = field(default_factory=dict, compare=False)  # checked keys of its `---` block

    @property
    def requires(self) -> Requirements:
        """What its front matter's `requires:` asks of the machine that runs it (nothing, when it says nothing)."""
        return self.front_matter.get("requires", Requirements())

    @cached_property
    def notices(self) -> tuple[str, ...]:
        """What a build will not run or show of the lesson as read, each at its file and line: worked out
        from its cells once, when first asked (an up-to-date lesson never asks, nor parses its markdown)."""
        from livedeck.read.notices import lesson_notices

        return lesson_notices(self.path, self.cells)


def lesson_name(path: Path) -> str:
    """`slides/01_derivatives.py` → `derivatives`."""
    match = LESSON_NAME.match(path.stem)
    if not match:
        raise LessonError(path, 1, "a lesson file is named NN_name.py or NN_name.ipynb, the name made of "
                                   "letters (of any alphabet), digits, _ and -: no spaces or other signs")
    return match.group(1)


def find_lessons(slides_dir: Path) -> list[Path]:
    """Lesson files in course order; files starting with `_` are helpers."""
    return sorted(p for p in slides_dir.iterdir()
                  if p.suffix in LESSON_SUFFIXES and p.is_file() and not p.name.startswith("_"))


def parse_options(source: str, path: Path, line: int, metadata: Optional[dict] = None
                  ) -> tuple[CellOptions, str, int]:
    """Split `#| key: value` lines off the top of a code cell and check them, with the options its
    metadata gives (Quarto's keys, or Jupyter Book's tags such as `remove-input`); the lines win.

    Returns the options, the code without them, and how many lines were removed.
    """
    import yaml  # imported on use: a build with nothing to do never reads a lesson

    lines = source.splitlines()
    yaml_lines: list[str] = []
    for text in lines:
        match = OPTION_LINE.match(text)
        if not match:
            break
        yaml_lines.append(match.group(1))
    raw = _metadata_options(metadata or {})
    if not yaml_lines and not raw:
        return CellOptions(), source, 0
    try:
        written = yaml.safe_load("\n".join(yaml_lines)) or {} if yaml_lines else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        offset = mark.line if mark else 0
        raise LessonError(path, line + offset,
                          f"cell option is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(written, dict):
        raise LessonError(path, line, "cell options are `#| key: value` lines")
    raw.update(written)
    values = {}
    for key, value in raw.items():
        offset = next((i for i, t in enumerate(yaml_lines) if t.strip().startswith(f"{key}:")), 0)
        expected = OPTION_TYPES.get(key)
        if expected is None:
            known = ", ".join(sorted(OPTION_TYPES))
            raise LessonError(path, line + offset, f"unknown cell option {key!r} (known: {known})")
        if expected is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if key == "code-line-numbers" and isinstance(value, bool):  # Quarto's line numbers on or off: none shown
            value = ""
        if not isinstance(value, expected):
            wanted = "true or false" if expected is bool else "a string"
            raise LessonError(path, line + offset, f"cell option {key!r} must be {wanted}, not {value!r}")
        if key in ("label", "morph") and not SAFE_NAME.match(str(value)):  # a file name, an HTML id and a shape name
            what = "names files" if key == "label" else "is a name"
            raise LessonError(path, line + offset, f"cell option {key!r} {what}: letters, digits, _ and - "
                                                   f"only, not {value!r}")
        values[key.replace("-", "_")] = _parsed(key, value, path, line + offset)
    removed = len(yaml_lines)
    return CellOptions(**values), "\n".join(lines[removed:]).lstrip("\n"), removed


def _parsed(key: str, value: Any, path: Path, line: int) -> Any:
    """An option's value as CellOptions holds it, parsed once here."""
    if key == "code-line-numbers":
        return _line_groups(str(value), path, line)
    if key == "output-location":
        if value not in set(OutputLocation):
            raise LessonError(path, line, f"cell option 'output-location' is one of {', '.join(OutputLocation)}, "
                                          f"not {value!r}")
        return OutputLocation(value)
    return value


def _metadata_options(metadata: dict) -> dict:
    """Options in a notebook cell's metadata: livedeck's own keys, the tags that mean one, and a slideshow's
    types (RISE's and nbconvert's): `skip` and `notes`, a code cell that runs but shows nothing on the slides;
    `fragment`, a cell that appears at the next click."""
    options = {key: value for key, value in metadata.items() if key in OPTION_TYPES}
    for tag in metadata.get("tags") or ():
        options.update(TAG_OPTIONS.get(tag, {}))
    kind = _slide_type(metadata)
    if kind in ("skip", "notes"):
        options.update(echo=False, output=False)
    elif kind == "fragment":
        options.update(fragment=True)
    return options


def _slide_type(metadata: dict) -> str:
    """A notebook cell's slideshow type (`slide`, `fragment`, `notes`, `skip` …), as RISE and nbconvert read it."""
    slideshow = metadata.get("slideshow")
    return str(slideshow.get("slide_type") or "") if isinstance(slideshow, dict) else ""


# A slideshow's cell that starts a new slide (RISE, nbconvert): livedeck puts a slide break (`---`) before it
SLIDE_STARTS = ("slide", "subslide")


def _markdown_source(nb_cell: Any) -> tuple[str, int]:
    """A markdown cell's text as a lesson's, and how many lines were put above the cell's own: a slideshow's
    `notes` cell is the speaker notes, its `fragment` cell appears at the next click, its `skip` cell is not shown."""
    kind = _slide_type(nb_cell.get("metadata") or {})
    if kind == "skip":
        return "", 0
    if kind == "notes":
        return f"::: notes\n{nb_cell.source}\n:::", 1
    return (f". . .\n\n{nb_cell.source}", 2) if kind == "fragment" else (nb_cell.source, 0)


def _line_groups(value: str, path: Path, line: int) -> tuple[tuple[int, ...], ...]:
    """`"1-2|3,5"` → ((1, 2), (3, 5)): the groups of lines emphasised in turn. A leading `|` (`"|1-2|3"`) is
    Quarto's "every line alike first": an empty first group, ((), (1, 2), (3,))."""
    groups: list[tuple[int, ...]] = [()] if value.strip().startswith("|") else []
    for group in (g.strip() for g in value.split("|")):
        numbers: list[int] = []
        for part in (p.strip() for p in group.split(",") if p.strip()):
            first, _, last = part.partition("-")
            if not first.strip().isdigit() or not (last.strip().isdigit() or not last):
                raise LessonError(path, line, f"cell option 'code-line-numbers' is groups of lines such as "
                                              f"\"1-2|3\", not {value!r}")
            numbers += range(int(first), int(last or first) + 1)
        if numbers:
            groups.append(tuple(numbers))
    return tuple(groups)


def _cell_lines(text: str, cells: list) -> list[int]:
    """The 1-based file line where each cell's source starts (jupytext does not say)."""
    file_lines = text.splitlines()
    markers = [i for i, ln in enumerate(file_lines) if CELL_MARKER.match(ln)]
    if len(cells) == len(markers) + 1:  # content before the first `# %%`
        markers = [-1] + markers
    if len(markers) != len(cells):  # a marker jupytext read otherwise: every cell's line found by its text
        return _searched_lines(file_lines, cells)
    starts = []
    for cell, marker in zip(cells, markers):
        first = next((ln for ln in cell.source.splitlines() if ln.strip()), None)
        start = marker + 1
        if first is not None and cell.cell_type == "code":
            start = next((i for i in range(marker + 1, len(file_lines)) if file_lines[i] == first), start)
        elif first is not None:
            start = next((i for i in range(marker + 1, len(file_lines)) if file_lines[i].strip()), start)
        starts.append(start + 1)
    return starts


CELL_MARKER = re.compile(r"^# %%(?:\s|$)")  # a percent-format cell (`# %%writefile` is a commented magic)
COMMENTED_TEXT = re.compile(r"^\s*#\s?")  # how a script comments a markdown line: `# ## Squares`


def _searched_lines(file_lines: list[str], cells: list) -> list[int]:
    """The 1-based line where each cell starts, found in order by its first line's text (a script in jupytext's
    light format, or a plain one, marks no cell): a code cell's line as it is, a markdown line commented."""
    starts, at = [], 0
    for cell in cells:
        first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
        written = (lambda ln: ln.strip()) if cell.cell_type == "code" else (lambda ln: COMMENTED_TEXT.sub("", ln).strip())
        found = next((i for i in range(at, len(file_lines)) if first and written(file_lines[i]) == first), at)
        starts.append(found + 1)
        at = found + 1
    return starts


def _notebook_lines(text: str, cells: list) -> list[int]:
    """The 1-based line of a notebook file where each cell's source starts. Jupyter writes a cell's
    source one line per JSON line, so a cell's k-th line is k lines below its first; a notebook
    written otherwise (one long line) gets the line of each cell's `"source"` key, or 1."""
    keys = [i for i, line in enumerate(text.splitlines(), start=1) if re.match(r'^\s*"source":', line)]
    if len(keys) != len(cells):
        return [1] * len(cells)
    return [line + 1 if re.match(r'^\s*"source":\s*\[\s*$', text.splitlines()[line - 1]) else line for line in keys]


def source_lines(lesson: Lesson) -> list[str]:
    """The lesson file's lines as tracebacks quote them: a script's own lines; a notebook's cells
    put at the lines they are on in its JSON (each line with its newline)."""
    text = lesson.path.read_text(encoding="utf-8-sig")
    if lesson.path.suffix != ".ipynb":
        return text.splitlines(keepends=True)
    import json

    written = text.splitlines()
    lines = ["\n"] * len(written)
    for cell in lesson.cells:
        for offset, line in enumerate(cell.source.splitlines()):
            at = cell.line - 1 + offset
            # only where the JSON line holds this line (a cell written as one string has its lines on one)
            if at < len(written) and json.dumps(line, ensure_ascii=False)[1:-1] in written[at]:
                lines[at] = line + "\n"
    return lines


def _read_cells(path: Path, text: str) -> tuple[list, list[int]]:
    """The file's cells (nbformat's) and the line where each starts."""
    if path.suffix == ".ipynb":
        import nbformat

        try:
            notebook = nbformat.reads(text, as_version=4)
        except Exception as exc:  # nbformat raises JSON's, its own validation's and KeyErrors alike
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise LessonError(path, getattr(exc, "lineno", 1), f"not a readable notebook: {why}") from None
        return notebook.cells, _notebook_lines(text, notebook.cells)
    import jupytext

    from livedeck.read.scripts import as_percent

    if not any(CELL_MARKER.match(line) for line in text.splitlines()):
        exported = as_percent(text)  # a notebook nbconvert exported as a script: its cells again, line for line
        if exported is None:  # jupytext's light format, or a plain script: jupytext tells its cells
            notebook = jupytext.reads(text, fmt="py")
            return notebook.cells, _searched_lines(text.splitlines(), notebook.cells)
        text = exported
    notebook = jupytext.reads(text, fmt="py:percent")
    return notebook.cells, _cell_lines(text, notebook.cells)


def _rest_as_markdown(cells: list[Cell]) -> list[Cell]:
    """Markdown cells written in reStructuredText (a sphinx-gallery script's text), made markdown (restructuredtext.py)."""
    from livedeck.read.restructuredtext import is_rest, rest_to_markdown

    found = [i for i, cell in enumerate(cells) if cell.kind == "markdown" and is_rest(cell.source)]
    if not found:
        return cells
    converted = rest_to_markdown([cells[i].source for i in found])
    cells = list(cells)
    for i, text in zip(found, converted):
        cells[i] = replace(cells[i], source=text)
    return cells


# Control characters in a notebook's markdown (a docstring that was not raw turns `\frac` into a form feed
# and `\right` into a carriage return): invalid in HTML, `_x000C_` in PowerPoint, and a crash of the text
# shaper. Each is shown as the replacement character, as a browser shows a byte it cannot read.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(markdown: str) -> str:
    """Markdown with every control character but tab and newline shown as U+FFFD (a CRLF is a newline)."""
    return CONTROL.sub("\ufffd", markdown.replace("\r\n", "\n"))


def read_lesson(path: Path) -> Lesson:
    """Read and check one lesson file; raises LessonError on a user mistake. A lesson needs no title:
    its deck takes the first heading, or the file's name (livedeck.model.structure)."""
    name = lesson_name(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a byte-order mark is dropped; CRLF reads as LF
    except UnicodeDecodeError as exc:
        raise LessonError(path, 1, f"not UTF-8 text ({exc.reason})") from None
    cells: list[Cell] = []
    for nb_cell, line in zip(*_read_cells(path, text)):
        if _slide_type(nb_cell.get("metadata") or {}) in SLIDE_STARTS and any(c.kind == "markdown" for c in cells):
            cells.append(Cell("markdown", "---", line))  # (never before the first text: that may be front matter)
        if nb_cell.cell_type == "code":
            # blank lines above the code (an export's gap) are no part of it; a script's cell line is already
            # its first line with text, a notebook's the cell's first line
            code = nb_cell.source.lstrip("\n")
            if path.suffix == ".ipynb":
                line += len(nb_cell.source.splitlines()) - len(code.splitlines())
            options, source, removed = parse_options(code, path, line, nb_cell.get("metadata"))
            source, form_only = colab_form(source)  # Colab's form comments: no part of the code a slide shows
            options = replace(options, echo=options.echo and not form_only)
            if source.strip():
                # options removed from the top, and blank lines after them, shift the start
                skipped = len(code.splitlines()[removed:]) - len(source.splitlines())
                cells.append(Cell("code", source, line + removed + skipped, options))
        elif nb_cell.cell_type == "markdown" and (shown := _markdown_source(nb_cell))[0].strip():
            attached = tuple((name, next(iter(bundle.values()), "")) for name, bundle in
                             (nb_cell.get("attachments") or {}).items() if isinstance(bundle, dict))
            source, above = shown
            cells.append(Cell("markdown", visible(source), line - above, attachments=attached))
    cells = _rest_as_markdown(cells)
    front_matter: dict = {}
    first_text = next((c for c in cells if c.kind == "markdown"), None)
    if first_text is not None:  # Quarto's `---` … `---` front matter, at the top of the first markdown cell
        try:
            front_matter, rest = split_front_matter(first_text.source, path, first_text.line)
        except SettingsError as exc:
            raise LessonError(path, exc.line, exc.message) from None
        if front_matter:
            index = cells.index(first_text)
            cells[index:index + 1] = [replace(first_text, source=rest)] if rest.strip() else []
    return Lesson(name, path, tuple(cells), front_matter)
