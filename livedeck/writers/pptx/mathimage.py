"""Display math as a crisp PNG drawn by matplotlib's mathtext (no LaTeX install needed).

PowerPoint's native math (OMML) draws blank in LibreOffice, so formulas are pictures,
with their LaTeX source as alt text.
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Optional

from livedeck.writers.pptx.unimath import latex_to_unicode

DPI = 300
REFERENCE_SIZE = 40.0  # points: drawn once at this size, scaled down on the slide (still > 300 dpi)
# A stored picture is reused only by the same drawing code and matplotlib.
_VERSION = f"mathimage-1 matplotlib-{version('matplotlib')} {REFERENCE_SIZE} {DPI}\n"

_ENVIRONMENT = re.compile(r"\\begin\{(pmatrix|bmatrix|matrix|cases)\}(.*?)\\end\{\1\}", re.S)
_DELIMITERS = {"pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "matrix": (".", "."), "cases": ("\\{", ".")}


def _stack(rows: list[str]) -> str:
    """Rows stacked vertically with mathtext's \\genfrac (no rule): mathtext has no arrays."""
    if len(rows) == 1:
        return rows[0]
    return "\\genfrac{}{}{0}{0}{%s}{%s}" % (rows[0], _stack(rows[1:]))


def mathtext_compatible(latex: str) -> str:
    """Rewrite the LaTeX that mathtext lacks (small matrices, cases, \\text) into what it has."""
    def environment(match: re.Match) -> str:
        left, right = _DELIMITERS[match.group(1)]
        rows = [r.strip() for r in match.group(2).split("\\\\") if r.strip()]
        cells = [" \\quad ".join(c.strip() for c in row.split("&")) for row in rows]
        return f"\\left{left}{_stack(cells)}\\right{right}"

    latex = _ENVIRONMENT.sub(environment, latex)
    # \text{ at } keeps its spaces, which \mathrm alone would drop
    latex = re.sub(r"\\(?:text|operatorname|textrm)\{([^{}]*)\}",
                   lambda m: "\\mathrm{%s}" % m.group(1).replace(" ", "\\ "), latex)
    # Display math sets fractions full size, as LaTeX's display style does.
    latex = latex.replace("\\displaystyle", "").replace("\\dfrac", "\\frac").replace("\\tfrac", "\\frac")
    return latex.replace("\\frac", "\\dfrac")


def _png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def natural_size(latex: str, size: float, folder: Optional[Path] = None) -> tuple[float, float]:
    """Width and height in points of the formula set at `size` points."""
    pixels_w, pixels_h = _png_size(formula_png(latex, folder))
    scale = 72 / DPI * size / REFERENCE_SIZE
    return pixels_w * scale, pixels_h * scale


@lru_cache(maxsize=256)
def formula_png(latex: str, folder: Optional[Path] = None) -> bytes:
    """The formula drawn once at REFERENCE_SIZE; kept in `folder` (the build cache) across builds."""
    from livedeck.files import write_atomic

    stored = folder / f"{hashlib.sha256((_VERSION + latex).encode()).hexdigest()}.png" if folder else None
    if stored is not None and stored.exists():
        return stored.read_bytes()
    png = _draw(latex)
    if stored is not None:
        write_atomic(stored, png)
    return png


def _draw(latex: str) -> bytes:
    import matplotlib
    from matplotlib.figure import Figure

    def draw(text: str) -> bytes:
        with matplotlib.rc_context({"mathtext.fontset": "cm", "figure.constrained_layout.use": False}):
            fig = Figure(figsize=(1, 1))
            fig.text(0, 0, text, fontsize=REFERENCE_SIZE)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.03,
                        transparent=True, metadata={"Software": None})
            return buffer.getvalue()

    try:
        return draw(f"${mathtext_compatible(latex)}$")
    except ValueError:  # beyond mathtext: readable Unicode rather than raw LaTeX
        return draw(latex_to_unicode(latex))
