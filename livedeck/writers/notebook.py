"""Student notebooks: a lesson as a Jupyter notebook, its cells as the lesson has them.

Made from the lesson (read by jupytext) and, with `--with-outputs`, what the executor
captured: it runs no code. What is only for presenting goes: speaker notes, `. . .`
pauses, column and incremental fences, and cells marked `#| student: false`. Hidden
cells (`echo: false`) stay, collapsed, so the notebook still runs top to bottom.
"""
from __future__ import annotations

import base64
from typing import Optional

from livedeck.helpers.display import TableData, as_html, as_text
from livedeck.markup.pieces import Kind, split_markdown
from livedeck.model import Block, Error, Figure, Image, Markdown, Math, Stream, Table, Value
from livedeck.read.lesson import Lesson
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


def write_notebook(lesson: Lesson, outputs: Optional[tuple[tuple[Block, ...], ...]] = None,
                   files: Optional[dict[str, bytes]] = None) -> bytes:
    """The lesson as .ipynb bytes (nbformat 4, validated); outputs only when given."""
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
        code = v4.new_code_cell(cell.source)
        if not cell.options.echo:  # hidden on the slides: collapsed here (JupyterLab, Notebook 7, Jupyter Book)
            code.metadata["jupyter"] = {"source_hidden": True}
            code.metadata["tags"] = ["hide-input"]
        if outputs is not None:
            count += 1
            code.execution_count = count
            code.outputs = _outputs(outputs[index], files or {}, count)
        cells.append(code)
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
