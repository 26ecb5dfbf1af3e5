"""Display math as a crisp PNG drawn by matplotlib's mathtext (no LaTeX install needed).

PowerPoint's native math (OMML) draws blank in LibreOffice, so formulas are pictures,
with their LaTeX source as alt text.
"""
from __future__ import annotations

import io
import re
import struct
from functools import lru_cache

from livedeck.writers.unimath import latex_to_unicode

DPI = 300

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


@lru_cache(maxsize=256)
def render(latex: str, size: float) -> tuple[bytes, float, float]:
    """PNG bytes of the formula at `size` points, and its natural width and height in points."""
    import matplotlib
    from matplotlib.figure import Figure

    def draw(text: str) -> bytes:
        with matplotlib.rc_context({"mathtext.fontset": "cm", "figure.constrained_layout.use": False}):
            fig = Figure(figsize=(1, 1))
            fig.text(0, 0, text, fontsize=size)
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.03,
                        transparent=True, metadata={"Software": None})
            return buffer.getvalue()

    try:
        png = draw(f"${mathtext_compatible(latex)}$")
    except ValueError:  # beyond mathtext: readable Unicode rather than raw LaTeX
        png = draw(latex_to_unicode(latex))
    pixels_w, pixels_h = _png_size(png)
    return png, pixels_w * 72 / DPI, pixels_h * 72 / DPI
