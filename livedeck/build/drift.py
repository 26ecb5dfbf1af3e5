"""`livedeck --check`: what a lesson shows now, against its frozen record. Printed numbers and table cells
within the course's tolerance, the rest of their text exactly; figures by their data (the coordinates in
their SVG, within a fraction of a point), or, when a figure's drawing changed shape, by pixels within a
threshold. Each difference is one line at the lesson's file:line, old against new."""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from livedeck.model import Block, Figure, Stream, Table, Value
from livedeck.read.lesson import Cell, Lesson
from livedeck.settings.requirements import Tolerance

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|\bnan\b|\binf\b")
SHOWN = 48  # characters of old and new text a difference quotes


@dataclass(frozen=True)
class Results:
    """One side of the comparison: each code cell's outputs, and the figure files they name."""
    outputs: tuple[tuple[Block, ...], ...]  # per code cell
    files: dict[str, bytes]


def _close(old: str, new: str, tolerance: Tolerance) -> bool:
    a, b = float(old), float(new)
    if a != a or b != b:  # nan
        return a != a and b != b
    return a == b or abs(a - b) <= tolerance.atol + tolerance.rtol * abs(a)


def _split(text: str) -> tuple[list[str], list[str]]:
    """A text's words and spaces (its runs of white space made one), and its numbers, apart."""
    return [" ".join(part.split()) for part in NUMBER.split(text)], NUMBER.findall(text)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def same_text(old: str, new: str, tolerance: Tolerance) -> bool:
    """Whether two printed texts say the same, numbers within the tolerance."""
    (old_words, old_numbers), (new_words, new_numbers) = _split(old), _split(new)
    return old_words == new_words and len(old_numbers) == len(new_numbers) and all(
        _close(a, b, tolerance) for a, b in zip(old_numbers, new_numbers))


def _first_different_line(old: str, new: str, tolerance: Tolerance) -> tuple[str, str]:
    for a, b in zip(old.splitlines(), new.splitlines()):
        if not same_text(a, b, tolerance):
            return a, b
    return old, new


def _table(old: Table, new: Table, tolerance: Tolerance) -> Iterator[str]:
    if old.header != new.header or len(old.rows) != len(new.rows):
        yield (f"table {old.caption or old.name!r} changed shape: {len(old.rows)} rows of "
               f"{', '.join(old.header)}, now {len(new.rows)} rows of {', '.join(new.header)}")
        return
    for number, (old_row, new_row) in enumerate(zip(old.rows, new.rows), start=1):
        for column, a, b in zip(old.header, old_row, new_row):
            if not same_text(a, b, tolerance):
                yield f"table {old.caption or old.name!r}, row {number}, {column!r}: {_clip(a)} then, {_clip(b)} now"


def _pixels(old: bytes, new: bytes) -> float:
    """The share of pixels that differ visibly between two PNG pictures (1.0: not the same size)."""
    import numpy as np
    from PIL import Image

    a, b = (np.asarray(Image.open(io.BytesIO(data)).convert("L"), dtype=np.int16) for data in (old, new))
    if a.shape != b.shape:
        return 1.0
    return float((np.abs(a - b) > 32).mean())


def _figure(old: Figure, new: Figure, before: Results, after: Results, tolerance: Tolerance) -> Iterator[str]:
    """A figure by its data: the numbers of its SVG (its paths' coordinates, in points) where its drawing kept
    its shape, else its PNG by pixels."""
    old_svg, new_svg = (side.files.get(f"{old.name}.svg", b"").decode("utf-8", "replace") for side in (before, after))
    (old_words, old_numbers), (new_words, new_numbers) = _split(old_svg), _split(new_svg)
    if old_words == new_words and len(old_numbers) == len(new_numbers):
        moved = max((abs(float(a) - float(b)) for a, b in zip(old_numbers, new_numbers)), default=0.0)
        if moved > tolerance.points:
            yield f"figure {old.name}: its data moved by up to {moved:.3g} pt ({_clip(old.alt)})"
        return
    share = _pixels(before.files.get(f"{old.name}.png", b""), after.files.get(f"{new.name}.png", b""))
    if share > tolerance.pixels:
        yield f"figure {old.name}: {share:.1%} of its pixels changed ({_clip(old.alt)} then, {_clip(new.alt)} now)"


def _block(old: Block, new: Block, before: Results, after: Results, tolerance: Tolerance) -> Iterator[str]:
    if type(old) is not type(new):
        yield f"showed {type(old).__name__.lower()} then, {type(new).__name__.lower()} now"
    elif isinstance(old, (Stream, Value)) and isinstance(new, (Stream, Value)):
        old_text, new_text = (b.full or b.text if isinstance(b, Stream) else b.text for b in (old, new))
        if not same_text(old_text, new_text, tolerance):
            a, b = _first_different_line(old_text, new_text, tolerance)
            yield f"printed {_clip(a)!r} then, {_clip(b)!r} now"
    elif isinstance(old, Table) and isinstance(new, Table):
        yield from _table(old, new, tolerance)
    elif isinstance(old, Figure) and isinstance(new, Figure):
        yield from _figure(old, new, before, after, tolerance)
    elif old != new:
        yield f"{type(old).__name__.lower()} changed"


def _line(cell: Cell, what: str) -> int:
    """The line of the cell that printed what a difference quotes, when one `print` names its first word
    (`slope` of 'slope = 1.25'); else the cell's first line."""
    quoted = re.search(r"printed '([^']*)'", what)
    word = re.search(r"[A-Za-z_]\w*", quoted.group(1)) if quoted else None
    if word:
        printing = [number for number, line in enumerate(cell.source.splitlines(), start=cell.line)
                    if "print" in line and word.group(0) in line]
        if len(printing) == 1:
            return printing[0]
    return cell.line


def differences(lesson: Lesson, shown: str, before: Results, after: Results, tolerance: Tolerance) -> list[str]:
    """Every difference between a lesson's frozen results and this run's, each `file:line: what`."""
    found = []
    code = [cell for cell in lesson.cells if cell.kind == "code"]
    for cell, old, new in zip(code, before.outputs, after.outputs):
        if len(old) != len(new):
            kinds = [", ".join(type(b).__name__.lower() for b in side) or "nothing" for side in (old, new)]
            found.append(f"{shown}:{cell.line}: the cell showed {kinds[0]} then, {kinds[1]} now")
            continue
        found += [f"{shown}:{_line(cell, what)}: {what}"
                  for a, b in zip(old, new) for what in _block(a, b, before, after, tolerance)]
    return found
