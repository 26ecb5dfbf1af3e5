"""Alt text for a figure, written from what the figure holds: a lesson's `fig-alt` always wins, but a
computed figure is never left undescribed.

Read from matplotlib's own objects when the executor captures the figure (the only moment the figure
is still there): the kind of plot, its titles, its axes (label, range, log scale), its legend, and of
each line one phrase that the data backs exactly (rising, falling, where its minimum is, where it
crosses zero). A helper that draws something other than a plot (`grad_graph`) attaches its own text.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import pairwise
from typing import Any, Optional

ATTACHED = "livedeck_description"  # a helper's own description of the figure it drew
MAX_SERIES = 6  # lines described one by one; past that, a listener has lost track anyway
MAX_CROSSINGS = 3


def attach(fig: Any, text: str) -> None:
    """Give the figure a description of its own (for figures that are not plots, such as `grad_graph`)."""
    setattr(fig, ATTACHED, text)


def number(value: float) -> str:
    """Three significant digits, as one would say it: 0.00123, 1.5, 2.3e+04; never "-0"."""
    text = f"{value:.3g}"
    return "0" if text in ("-0", "0") else text


def describe_figure(fig: Any) -> str:
    """One or a few sentences saying what the figure shows."""
    attached = getattr(fig, ATTACHED, "")
    if attached:
        return attached
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]
    plots = [text for text in (_describe_axes(ax) for ax in axes) if text]
    title = fig.get_suptitle()
    head = f'Figure "{title}"' if title else "Figure"
    if not plots:
        texts = [t.get_text() for t in fig.findobj(_is_text) if t.get_text().strip()]
        return f"{head} with the text: " + "; ".join(texts) + "." if texts else f"{head} with no plot or text."
    if len(plots) == 1:
        return (f"{head}: " if title else "") + plots[0]
    return f"{head} with {len(plots)} plots. " + " ".join(f"Plot {i}: {text}" for i, text in enumerate(plots, 1))


def _is_text(artist: Any) -> bool:
    from matplotlib.text import Text

    return isinstance(artist, Text) and artist.get_visible()


def _data_lines(ax: Any) -> list:
    """The lines drawn in data coordinates (not axhline/axvline guides, which span the axes)."""
    return [line for line in ax.get_lines()
            if line.get_visible() and line.get_transform() == ax.transData and len(line.get_xdata()) > 1]


def _kinds(ax: Any) -> list[str]:
    from matplotlib.collections import PathCollection, PolyCollection, QuadMesh
    from matplotlib.container import BarContainer
    from matplotlib.contour import ContourSet
    from matplotlib.quiver import Quiver

    found: list[str] = []
    collections = [c for c in ax.collections if c.get_visible()]
    if ax.name == "3d":
        found.append("3-D surface plot" if any(type(c).__name__ == "Poly3DCollection" for c in collections)
                     else "3-D plot")
    if any(isinstance(c, ContourSet) for c in collections):
        found.append("contour plot")
    if ax.images or any(isinstance(c, QuadMesh) for c in collections):
        found.append("image")
    if any(isinstance(c, BarContainer) for c in ax.containers):
        found.append("bar chart")
    if any(isinstance(c, Quiver) for c in collections):
        found.append("vector field")
    if _data_lines(ax):
        found.append("line plot")
    if any(type(c) is PathCollection for c in collections):
        found.append("scatter plot")
    if any(type(c) is PolyCollection for c in collections) and "bar chart" not in found:
        found.append("shaded region")
    return list(dict.fromkeys(found))


def _axis(ax: Any, which: str) -> str:
    """'x axis "epoch" from 0 to 100 (log scale)': the range the data spans (the view adds margins),
    or an axis of categories by its names."""
    axis = getattr(ax, f"{which}axis")
    label = axis.get_label_text()
    text = f'{which} axis "{label}"' if label else f"{which} axis"
    if type(axis.get_units()).__name__ == "UnitData":  # categories (bar names): say them, not positions
        return text + " with " + ", ".join(t.get_text() for t in axis.get_ticklabels() if t.get_text())
    low, high = (ax.dataLim.intervalx if which == "x" else ax.dataLim.intervaly)
    if not (math.isfinite(low) and math.isfinite(high)) or low >= high:
        low, high = sorted(getattr(ax, f"get_{which}lim")())
    text += f" from {number(low)} to {number(high)}"
    return text + (" (log scale)" if axis.get_scale() == "log" else "")


def _describe_axes(ax: Any) -> str:
    kinds = _kinds(ax)
    texts = [t for t in ax.texts if t.get_visible() and t.get_text().strip()]
    if not kinds and not texts and not ax.axison:
        return ""
    what = " and ".join(kinds) if kinds else "plot"
    title = ax.get_title() or ax.get_title("left") or ax.get_title("right")
    sentence = (what[0].upper() + what[1:]) + (f' "{title}"' if title else "")
    if ax.axison and ax.name != "3d":
        sentence += ": " + ", ".join((_axis(ax, "x"), _axis(ax, "y")))
    sentences = [sentence + "."]
    legend = ax.get_legend()
    if legend is not None:
        entries = [t.get_text() for t in legend.get_texts() if t.get_text()]
        if entries:
            sentences.append("Legend: " + ", ".join(entries) + ".")
    lines = _data_lines(ax)
    for index, line in enumerate(lines[:MAX_SERIES]):
        label = line.get_label()
        name = f'"{label}"' if label and not label.startswith("_") else (
            "The line" if len(lines) == 1 else f"Line {index + 1}")
        phrase = series_phrase(line.get_xdata(), line.get_ydata())
        if phrase:
            sentences.append(f"{name} {phrase}.")
    if len(lines) > MAX_SERIES:
        sentences.append(f"{len(lines) - MAX_SERIES} more lines.")
    if texts and not kinds:
        sentences.append("Text: " + "; ".join(t.get_text() for t in texts) + ".")
    return " ".join(sentences)


def series_phrase(xs: Iterable[float], ys: Iterable[float]) -> str:
    """What one line does, said only where the data shows it exactly: "rises from 0 to 4",
    "falls from …", or "has its minimum 0 at x ≈ 1"; and "crosses zero at x ≈ …"."""
    try:
        points = [(float(x), float(y)) for x, y in zip(xs, ys)]
    except (TypeError, ValueError):
        return ""  # dates, categories: no honest number to say
    points = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
    if len(points) < 3:
        return ""
    ys_only = [y for _, y in points]
    steps = [b - a for a, b in pairwise(ys_only)]
    first, last = points[0], points[-1]
    phrases = []
    if all(step >= 0 for step in steps) and last[1] > first[1]:
        phrases.append(f"rises from {number(first[1])} at x = {number(first[0])} to {number(last[1])} "
                       f"at x = {number(last[0])}")
    elif all(step <= 0 for step in steps) and last[1] < first[1]:
        phrases.append(f"falls from {number(first[1])} at x = {number(first[0])} to {number(last[1])} "
                       f"at x = {number(last[0])}")
    else:
        low = min(range(len(points)), key=lambda i: points[i][1])
        high = max(range(len(points)), key=lambda i: points[i][1])
        if 0 < low < len(points) - 1:
            phrases.append(f"has its minimum {number(points[low][1])} at x ≈ {number(points[low][0])}")
        if 0 < high < len(points) - 1:
            phrases.append(f"has its maximum {number(points[high][1])} at x ≈ {number(points[high][0])}")
        if not phrases:
            phrases.append(f"goes from {number(first[1])} to {number(last[1])}, up and down")
    crossings = []  # where the sign changes (touching zero is not crossing it)
    before: Optional[tuple[float, float]] = None  # the last point off zero
    zero_at: Optional[float] = None  # the first point on zero since then
    for x, y in points:
        if y == 0:
            zero_at = x if zero_at is None else zero_at
            continue
        if before is not None and (before[1] < 0) != (y < 0):
            x0, y0 = before  # a zero on a sampled point, or where the straight segment meets zero
            crossings.append(zero_at if zero_at is not None else x0 + (x - x0) * (-y0) / (y - y0))
        before, zero_at = (x, y), None
    if crossings:
        shown = ", ".join(f"x ≈ {number(x)}" for x in crossings[:MAX_CROSSINGS])
        more = f" and {len(crossings) - MAX_CROSSINGS} more times" if len(crossings) > MAX_CROSSINGS else ""
        phrases.append(f"crosses zero at {shown}{more}")
    return ", and ".join(phrases) if len(phrases) < 3 else ", ".join(phrases[:-1]) + ", and " + phrases[-1]
