"""The figures a cell made: saved as SVG and PNG (bounded in size, byte-identical for the same figure), their
smallest text measured for the layout, and a plotting call's return value told from a value worth showing."""
from __future__ import annotations

import io
from typing import Any

PNG_DPI = 200
MAX_FIGURE_PIXELS = 4000  # longest side of a figure's PNG: a 100-inch figure is scaled, not 20 000 px wide


def is_plot_artifact(value: Any) -> bool:
    """Return values of plotting calls (`plt.legend()`, `plt.plot(...)`): noise on a slide."""
    if isinstance(value, (list, tuple)) and value:
        return all(is_plot_artifact(v) for v in value)
    return type(value).__module__.startswith(("matplotlib.", "mpl_toolkits."))


def save_figure(fig: Any, name: str, files: dict[str, bytes]) -> None:
    # Metadata off and a fixed hash salt: the same code gives byte-identical files.
    svg, png = io.BytesIO(), io.BytesIO()
    fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    # The first save has laid the figure out; doing it again for the PNG only costs time.
    fig.set_layout_engine("none")
    dpi = min(PNG_DPI, MAX_FIGURE_PIXELS / max(*fig.get_size_inches(), 0.01))
    # zlib level 3: nearly level 6's size at a third of the time, for every figure of every build
    fig.savefig(png, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    files[f"{name}.svg"], files[f"{name}.png"] = svg.getvalue(), png.getvalue()


def smallest_text(fig: Any) -> float:
    """The size in points of the figure's smallest visible text (tick labels, legends, box labels), as
    saved: the layout shows the figure large enough to keep it legible."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return round(float(min(sizes)), 2) if sizes else 0.0
