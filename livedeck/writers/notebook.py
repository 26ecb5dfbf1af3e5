"""Student notebooks: a lesson as a Jupyter notebook, its cells as the lesson has them.

Made from the lesson (read by jupytext) and, with `--with-outputs`, what the executor
captured: it runs no code. What is only for presenting goes: speaker notes, `. . .`
pauses, column and incremental fences, and cells marked `#| student: false`. Hidden
cells (`echo: false`) stay, collapsed, so the notebook still runs top to bottom.
"""
from __future__ import annotations

import ast
import base64
import functools
import re
import sys
from collections.abc import Mapping
from typing import Optional

from livedeck.base.package_data import TEMPLATES
from livedeck.helpers.display import TableData, as_html, as_text
from livedeck.markup.pieces import Kind, split_markdown
from livedeck.model import Block, Error, Figure, Image, Markdown, Math, Stream, Table, Value
from livedeck.model.structure import take_annotations
from livedeck.read.lesson import Lesson
from livedeck.read.magics import needs_ipython, to_python
from livedeck.writers import Sources, Writer

ALERTS = {"tip": "success", "warning": "warning", "caution": "danger", "important": "danger"}  # callout → alert
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def student_markdown(source: str, open_divs: list[str]) -> str:
    """The markdown a student reads: the slide text without the lecturer's notes and fences."""
    parts: list[str] = []
    for piece in split_markdown(source, open_divs):
        match piece.kind:
            case Kind.HEADING:
                parts.append(piece.source)
            case Kind.BREAK:
                parts.append("---")
            case Kind.MATH:
                parts.append(f"$$\n{piece.text}\n$$")
            case Kind.TEXT | Kind.INCREMENTAL:
                parts.append(f'<div align="center">\n\n{piece.text}\n\n</div>' if piece.centred else piece.text)
            case Kind.TABLE:
                parts.append(piece.source or _gfm(*piece.table))
            case Kind.CALLOUT:  # a box Jupyter draws as the alert notebooks use
                title = piece.title or piece.source.capitalize()
                parts.append(f'<div class="alert alert-{ALERTS.get(piece.source, "info")}">\n\n**{title}**\n\n'
                             f'{piece.text}\n\n</div>')
            case Kind.IMAGE:
                parts.append(f"![{piece.text}]({piece.source})")
    return "\n\n".join(part for part in parts if part.strip())


def _gfm(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], align: tuple[str, ...]) -> str:
    """A table read from raw HTML, as a GitHub table."""
    width = max([len(header)] + [len(row) for row in rows])
    lines = [header or ("",) * width, ("---",) * width, *rows]
    return "\n".join("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines)


def _outputs(blocks: tuple[Block, ...], files: dict[str, bytes], count: int) -> list:
    from nbformat import v4

    outputs = []
    for index, block in enumerate(blocks):
        bundle = getattr(block, "bundle", ())
        if bundle and index and getattr(blocks[index - 1], "bundle", ()) == bundle:
            continue  # one displayed object the slides show as several blocks (an HTML output's parts)
        if isinstance(block, Stream):
            text = files[block.full].decode("utf-8") if block.full in files else block.text
            outputs.append(v4.new_output("stream", name=block.name, text=text.rstrip("\n") + "\n"))
        elif isinstance(block, Value):
            outputs.append(v4.new_output("execute_result", dict(block.bundle) or {"text/plain": block.text},
                                         execution_count=count))
        elif isinstance(block, Figure) and f"{block.name}.png" in files:
            png = base64.b64encode(files[f"{block.name}.png"]).decode("ascii")
            # The figure's alt text where a reader shows no picture (text/plain), and beside the picture
            outputs.append(v4.new_output("display_data", {"image/png": png, "text/plain": block.alt},
                                         metadata={"image/png": {"alt": block.alt}}))
        elif isinstance(block, Table):
            data = TableData(block.header, block.rows, block.caption)
            outputs.append(v4.new_output("display_data", dict(block.bundle) or {"text/html": as_html(data),
                                                                               "text/plain": as_text(data)}))
        elif isinstance(block, (Image, Markdown, Math)):
            outputs.append(v4.new_output("display_data", _bundle(block)))
        elif isinstance(block, Error):
            last = (block.text.strip().splitlines() or ["Error"])[-1]  # "ZeroDivisionError: division by zero"
            name, _, message = last.partition(": ")
            outputs.append(v4.new_output("error", ename=name, evalue=message, traceback=block.text.splitlines()))
    return outputs


def _bundle(block: Image | Markdown | Math) -> dict[str, str]:
    """A displayed picture, markdown or formula as Jupyter saves it: every representation the object offered
    (its bundle), else the one shown (a picture from the block itself) and its text."""
    if block.bundle:
        return dict(block.bundle)
    if isinstance(block, Image) and block.src.startswith("data:"):
        kind, _, data = block.src.removeprefix("data:").partition(";base64,")
        picture = base64.b64decode(data).decode("utf-8", "replace") if kind == "image/svg+xml" else data
        return {kind: picture, "text/plain": block.alt}  # Jupyter keeps an SVG as its text
    if isinstance(block, Markdown):
        return {"text/markdown": block.text, "text/plain": block.text}
    if isinstance(block, Math):
        return {"text/latex": f"$$\n{block.latex}\n$$", "text/plain": block.latex}
    return {"text/plain": block.alt or block.src}  # a picture an HTML output named by its address: its words


LIVEDECK_IMPORT = re.compile(r"^from livedeck import [\w, ()]+$", re.M)  # a lesson's helpers (tensor_table, …)
def _distribution(module: str) -> str:
    """The name pip installs a module by: the module's own when a distribution has it (torch, IPython), else the
    distribution that provides it here, where the lesson ran (PIL: pillow, yaml: PyYAML), else the module's."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return str(distribution(module).metadata["Name"])  # as the distribution spells itself (IPython: ipython)
    except PackageNotFoundError:
        return (_providers().get(module) or [module])[0]


@functools.cache
def _providers() -> Mapping[str, list[str]]:
    """importlib.metadata's module → distributions map, read once, and only when a module is not a distribution's
    own name (it scans every installed package: a tenth of a second)."""
    from importlib.metadata import packages_distributions

    return packages_distributions()


def _needs(lesson: Lesson) -> list[str]:
    """What `pip install` a student's Python needs for the lesson's code: the packages its cells import
    (the standard library and livedeck aside; a cell that neither Python nor IPython can parse is skipped)."""
    found: set[str] = set()
    for cell in lesson.cells:
        if cell.kind != "code":
            continue
        try:  # magics and shell lines (`%matplotlib inline` among the imports) as IPython runs them
            tree = ast.parse(to_python(cell.source) if needs_ipython(cell.source) else cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return sorted(_distribution(name) for name in found - set(sys.stdlib_module_names) - {"livedeck", "__future__"})


def _pinned(package: str) -> str:
    """`package==version` as installed where the lesson ran (a local label such as torch's `+cpu` aside), or
    the bare name when it is not installed here."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{package}=={version(package).split('+')[0]}"
    except PackageNotFoundError:
        return package


def _opening(lesson: Lesson) -> list:
    """What a student's notebook starts with: what to install, and (when the lesson uses livedeck's helpers)
    the cell that imports them, or stands in for them where livedeck is not installed."""
    from nbformat import v4

    needs = _needs(lesson)
    cells = [v4.new_code_cell("# What this notebook needs, at the versions it was built with: to install them, remove the "
                              f"# below and run this cell.\n# %pip install {' '.join(map(_pinned, needs))}")] if needs else []
    if any(cell.kind == "code" and LIVEDECK_IMPORT.search(cell.source) for cell in lesson.cells):
        standins = v4.new_code_cell((TEMPLATES / "student" / "standins.py").read_text(encoding="utf-8").rstrip())
        standins.metadata["jupyter"] = {"source_hidden": True}
        standins.metadata["tags"] = ["hide-input", "livedeck-standins"]
        cells.append(standins)
    return cells


def write_notebook(lesson: Lesson, outputs: Optional[tuple[tuple[Block, ...], ...]] = None,
                   files: Optional[dict[str, bytes]] = None) -> bytes:
    """The lesson as .ipynb bytes (nbformat 4, validated); outputs only when given. It starts with what to
    install (a `%pip install` line of the versions it was built with), and runs without livedeck: its helpers'
    import is one cell that stands in for them without it."""
    import nbformat
    from nbformat import v4

    cells = []
    open_divs: list[str] = []
    count = 0
    for index, cell in enumerate(lesson.cells):
        if cell.kind == "markdown":
            text = student_markdown(cell.source, open_divs)
            if text:
                cells.append(v4.new_markdown_cell(text))
            continue
        if not cell.options.student:
            continue
        source = LIVEDECK_IMPORT.sub("", cell.source).strip("\n")  # livedeck's helpers: imported by the opening
        source = take_annotations(source)[0]  # `# <1>` markers explain the slide, not the code students copy
        if not source.strip() and cell.source.strip():
            continue  # a cell that only imported them
        code = v4.new_code_cell(source)
        if not cell.options.echo:  # hidden on the slides: collapsed here (JupyterLab, Notebook 7, Jupyter Book)
            code.metadata["jupyter"] = {"source_hidden": True}
            code.metadata["tags"] = ["hide-input"]
        if outputs is not None:
            count += 1
            code.execution_count = count
            code.outputs = _outputs(outputs[index], files or {}, count)
        cells.append(code)
    first_code = next((i for i, nb_cell in enumerate(cells) if nb_cell.cell_type == "code"), len(cells))
    title = 1 if cells and cells[0].cell_type == "markdown" and first_code > 0 else 0  # after the title cell
    cells[title:title] = _opening(lesson)
    for number, nb_cell in enumerate(cells, 1):
        nb_cell.id = f"cell-{number}"  # not nbformat's random ids: the same lesson gives the same file
    notebook = v4.new_notebook(cells=cells, metadata={
        "kernelspec": KERNEL,
        "language_info": {"name": "python"},
        "livedeck": {"lesson": lesson.path.name},
    })
    nbformat.validate(notebook)
    return (nbformat.writes(notebook) + "\n").encode("utf-8")


def make(sources: Sources) -> dict[str, bytes]:
    shown = (sources.outputs, sources.files) if sources.options.with_outputs else ()
    return {f"{sources.deck.name}.ipynb": write_notebook(sources.lesson, *shown)}


WRITER = Writer(make)
