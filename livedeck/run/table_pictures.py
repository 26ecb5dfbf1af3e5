"""Every table a lesson showed, also drawn as a picture in figures/ (`table-NN.svg` and `.png`), so a
course page or a handout can link it.

Drawn from what the executor recorded, after the lesson ran, in the course's figure style (never in
whatever style the lesson's code left set); a picture shows the rows a slide shows.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from livedeck.model import MAX_TABLE_ROWS, Block, Table


def draw_tables(outputs: tuple[tuple[Block, ...], ...], style: Optional[Path]) -> dict[str, bytes]:
    """File name → bytes of each table's picture (none imports matplotlib for a lesson without tables)."""
    tables = [block for cell in outputs for block in cell if isinstance(block, Table)]
    if not tables:
        return {}
    import matplotlib
    import matplotlib.pyplot as plt

    from livedeck.run.figures import save_figure

    files: dict[str, bytes] = {}
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        if style is not None:
            plt.style.use(str(style))
        # the style's constrained layout warns on a figure of hand-placed axes
        matplotlib.rcParams.update({"svg.hashsalt": "livedeck", "figure.constrained_layout.use": False})
        for table in tables:
            save_figure(_drawn(table), table.name, files)
    return files


def _drawn(table: Table):  # -> matplotlib.figure.Figure
    from matplotlib.figure import Figure  # not through pyplot: a table's picture is no lesson figure

    rows = table.rows[:MAX_TABLE_ROWS]
    columns = max(len(table.header), max((len(r) for r in rows), default=1))
    longest = max((len(c) for row in (table.header, *rows) for c in row), default=4)
    fig = Figure(figsize=(max(3.0, columns * (0.6 + 0.09 * longest)), 0.45 * (len(rows) + 1) + 0.2))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    drawn = ax.table(cellText=[list(r) for r in rows], colLabels=list(table.header) or None,
                     loc="center", cellLoc="center")
    drawn.auto_set_font_size(False)
    drawn.set_fontsize(12)
    drawn.scale(1, 1.6)
    for (row, _), cell in drawn.get_celld().items():
        if row == 0 and table.header:  # marked as matplotlib marks text; colours are the decks' business
            cell.set_text_props(weight="bold")
    return fig
