"""Where livedeck tables go: to the executor's collector while building, to Jupyter's display
in a student notebook, else to stdout."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Optional


@dataclass(frozen=True)
class TableData:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    bundle: tuple[tuple[str, str], ...] = ()  # a displayed frame's representations, for student notebooks


# Set by the executor while a lesson runs; None when the lesson runs as a plain script.
collector: Optional[Callable[[TableData], None]] = None


def as_text(table: TableData) -> str:
    """Aligned plain-text columns, for `python slides/NN_name.py`."""
    grid = [table.header, *table.rows] if table.header else list(table.rows)
    widths = [max(len(row[i]) for row in grid) for i in range(len(grid[0]))] if grid else []
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in grid]
    if table.header:
        lines.insert(1, "  ".join("-" * w for w in widths))
    if table.caption:
        lines.insert(0, table.caption)
    return "\n".join(lines)


def as_html(table: TableData) -> str:
    """A plain HTML table, as Jupyter shows it, its header cells marked as column headers."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return f"<table>{caption}" + (f"<thead><tr>{head}</tr></thead>" if head else "") + f"<tbody>{body}</tbody></table>"


def _jupyter() -> bool:
    ipython = sys.modules.get("IPython")
    return ipython is not None and getattr(ipython.get_ipython(), "kernel", None) is not None


def show(table: TableData) -> None:
    if collector is not None:
        collector(table)
    elif _jupyter():
        from IPython.display import display

        display({"text/html": as_html(table), "text/plain": as_text(table)}, raw=True)
    else:
        print(as_text(table))
