"""PowerPoint: layout.py decides where each block goes, draw.py draws that with python-pptx.

Light to import: python-pptx loads on use."""
from __future__ import annotations

import contextlib


def make(sources) -> dict[str, bytes]:
    from livedeck.writers.pptx.draw import write_pptx

    return {f"{sources.deck.name}.pptx": write_pptx(sources.deck, sources.context)}


def prepare(options, warn):
    """A bad --template is the user's input: refused before any lesson runs. One that PowerPoint would
    find invalid still builds (livedeck mends what it can), with a one-line warning naming the part."""
    path = options.pptx_template
    if path is None:
        return options
    from livedeck.options import UsageError
    from livedeck.writers.pptx.draw import TemplateError, load_template
    from livedeck.writers.pptx.schema import schema_errors

    shown = options.shown(path)
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
    return options


def head_start(lessons, options) -> None:
    """Draw the lessons' display math into the cache, on the core that is free while the workers start."""
    from livedeck.structure import split_markdown
    from livedeck.writers.pptx.mathimage import formula_png

    for lesson in lessons:
        for cell in lesson.cells:
            if cell.kind == "markdown":
                for piece in split_markdown(cell.source):
                    if piece.kind == "math":
                        # A formula that cannot be drawn fails its own lesson's PowerPoint deck, in its
                        # worker, with a message; drawing ahead is only a head start.
                        with contextlib.suppress(Exception):
                            formula_png(piece.text, options.cache / "math")
