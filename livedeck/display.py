"""Where livedeck tables go: to the executor's collector while building, else to stdout."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class TableData:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


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


def show(table: TableData) -> None:
    if collector is not None:
        collector(table)
    else:
        print(as_text(table))
