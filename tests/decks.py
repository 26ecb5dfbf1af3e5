"""Small hand-built deck models for writer tests (no torch, no lesson run)."""
from __future__ import annotations

from pathlib import Path

from livedeck.model import Code, Deck, Error, Figure, Markdown, Math, Slide, Stream, Table, Value

# A 4:3 figure drawn as a plain rectangle, saved as SVG and PNG.
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" '
       b'viewBox="0 0 400 300"><rect width="400" height="300" fill="#3a7"/></svg>\n')


def write_figure(folder: Path, name: str = "fig-01") -> None:
    """A real PNG (via matplotlib's image writer, no pyplot) and SVG for the figure named `name`."""
    import numpy as np
    from matplotlib.image import imsave

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.svg").write_bytes(SVG)
    pixels = np.zeros((600, 800, 3), dtype=np.uint8)
    pixels[..., 1] = 160
    imsave(folder / f"{name}.png", pixels, metadata={"Software": None})


def small_deck() -> Deck:
    return Deck(
        name="small",
        title="A *small* deck",
        subtitle="With $x^2$ in the subtitle",
        source="tests/small.py",
        title_notes="Welcome everyone.",
        slides=(
            Slide("Text and math", (
                Markdown("**Bold**, *italic*, `code`, a [link](https://example.org) and $\\frac{a}{b}$.\n\n"
                         "- one\n- two\n\n1. first\n2. second"),
                Math("\\frac{dy}{dx} = 2x"),
            ), notes="Speak slowly."),
            Slide("Code and output", (
                Code("x = 1  # a comment\nprint('<script>alert(1)</script> & \"quotes\"')"),
                Stream("<script>alert(1)</script> & \"quotes\"", truncated=3),
                Value("tensor(4.)"),
                Error("ZeroDivisionError: division by zero"),
            )),
            Slide("A figure beside its code", (
                Code("plt.plot([1, 2])"),
                Figure("fig-01", 4.0, 3.0, caption="A <green> box", alt="Green rectangle"),
            ), layout="code-figure"),
            Slide("A table", (
                Table("table-01", ("", "x", "y"), (("data", "2.0", "4.0"), ("grad", "4.0", "None"))),
            ), notes="The table."),
        ),
    )
