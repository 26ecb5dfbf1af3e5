"""Small hand-built deck models for writer tests (no torch, no lesson run)."""
from __future__ import annotations

from pathlib import Path

from livedeck.model import Code, ColumnBreak, Deck, Error, Figure, Markdown, Math, Slide, Stream, Table, Value
from livedeck.style.theme import CodeStyle

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


def stress_deck() -> Deck:
    """Everything the PowerPoint writer draws at once: clicks of every kind, columns, long code that
    continues on "(cont.)" slides, a wide table, many bullets, math, figures, errors."""
    long_code = "\n".join(f"value_{i} = torch.tensor({i}.0, requires_grad=True)  # line {i}" for i in range(60))
    bullets = "\n".join(f"- point {i} with **bold** and `code`" for i in range(25))
    wide = Table("table-01", ("",) + tuple(f"t{i}" for i in range(12)),
                 tuple((row,) + tuple(f"{i}.0" for i in range(12)) for row in ("data", "grad", "is_leaf")))
    return Deck(
        name="stress", title="Stress " * 12, subtitle="A long subtitle " * 10, source="tests/stress.py",
        slides=(
            Slide("Clicks", (
                Math("y = x^2"),
                Math("\\frac{dy}{dx} = 2x", step=1),
                Markdown("- first\n- second\n  - nested\n- third", step=0, items_from=2),
                Code("print('after')", step=5),
                Stream("after", step=5),
            ), notes="**Bold** notes."),
            Slide("Code lines", (Code("a = 1\nb = 2\nc = a + b\nprint(c)", line_steps=((1,), (2, 3), (4,)),
                                      lines_from=1),)),
            Slide("Columns", (ColumnBreak(0.3), Markdown("Left words."), ColumnBreak(0.7),
                              Code("print('right')", step=1), Stream("right", step=1)), layout="columns"),
            Slide("Long code", (Code(long_code), Stream("\n".join(f"out {i}" for i in range(40))))),
            Slide("Many bullets", (Markdown(bullets),)),
            Slide("Wide table", (wide,)),
            Slide("Figures", (Code("plt.plot(x)"), Figure("fig-01", 4.0, 3.0, alt="A plot"),
                              Figure("fig-01", 6.0, 3.0, caption="Again", alt="The same plot again"), Error("ValueError: bad"))),
        ),
    )


def drawn(writer, deck: Deck, context) -> bytes:
    """A writer's file for a hand-made deck: laid out first, as the build lays every deck out."""
    from livedeck.layout import lay_out_deck

    laid = lay_out_deck(deck, None, CodeStyle(), "figures/" + deck.name)
    for name, data in laid.side_files.items():  # what slides cut short, beside the figures, as publish puts it
        (context.figures / name).write_bytes(data)
    return writer(deck, laid, context)
