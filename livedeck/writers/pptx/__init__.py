"""PowerPoint: draw.py draws the laid-out slides (livedeck.layout) with python-pptx.

Light to import: python-pptx loads on use."""
from __future__ import annotations

from livedeck.settings.options import BuildOptions
from livedeck.writers import Sources, Warn, Writer


def make(sources: Sources) -> dict[str, bytes]:
    from livedeck.writers.pptx.draw import write_pptx

    return {f"{sources.deck.name}.pptx": write_pptx(sources.deck, sources.slides, sources.context)}


def prepare(options: BuildOptions, warn: Warn) -> BuildOptions:
    """A bad --template is the user's input: refused before any lesson runs. One that PowerPoint would
    find invalid still builds (livedeck mends what it can), with a one-line warning naming the part."""
    path = options.pptx_template
    if path is None:
        return options
    from livedeck.base.errors import UsageError
    from livedeck.writers.pptx.package import TemplateError, load_template
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


WRITER = Writer(make, prepare=prepare)
