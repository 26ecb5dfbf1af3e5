"""What the laid-out slides show in a lesser form than the lesson wrote it, each at the lesson's line: a code
or output line broken inside a word, a cell's code cut inside a statement, printed lines cut short. The build
prints each once (livedeck.build.publish), so that silence means the slides kept every promise.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from livedeck.layout.planner import Placed
from livedeck.layout.statements import cut_depths
from livedeck.model import Block, Code, Error, Stream, Value


@dataclass(frozen=True)
class Finding:
    line: int  # in the lesson file (1 when not known)
    message: str


def findings(items: Iterable[Placed], figures: str) -> tuple[Finding, ...]:
    """The compromises among the placed blocks of a deck's slides, in order, each said once. `figures`: the
    folder the lesson's side files are published to, as the build shows it."""
    found: dict[str, Finding] = {}
    seen: set[int] = set()  # blocks already on an earlier slide: what follows is a continuation
    cell = 0  # the line of the last cell's code: where an output comes from
    for item in items:
        block = item.block
        if isinstance(block, Code):
            cell = block.line or 1
            if id(block) in seen and item.paragraphs and _inside_statement(block, item):  # said once per cell
                line = cell + item.paragraphs[0].line - 1
                found.setdefault(f"statement {id(block)}", Finding(line, "a cell's code is cut between slides inside a "
                                 "statement, which is longer than a slide: split the cell, or shorten the statement"))
            seen.add(id(block))
        if isinstance(block, (Code, Stream, Value, Error)):
            for line, what in _broken_words(block, item, cell):
                found.setdefault(f"word {what} {line}", Finding(line, f"a line of {what} is too long for the slide at "
                                 f"{item.size:g} pt and breaks inside a word (marked ↪): shorten the line"))
        if isinstance(block, Stream) and block.full and any(p.text.endswith("…") for p in item.paragraphs):
            found.setdefault(f"cut {block.full}", Finding(cell or 1, "printed lines too long for any slide are cut "
                             f"short with …; all of the output is in {figures}/{block.full}"))
    return tuple(found.values())


def _inside_statement(code: Code, item: Placed) -> bool:
    first = item.paragraphs[0]
    return first.continued or first.line not in cut_depths(code.source)


def _broken_words(block: Block, item: Placed, cell: int) -> Iterable[tuple[int, str]]:
    """Each line (of the lesson file) whose drawn line is broken between two letters or digits of a word."""
    what = "code" if isinstance(block, Code) else "output"
    for before, after in zip(item.paragraphs, item.paragraphs[1:]):
        tail = "".join(run.text for run in after.runs[1:])  # its first run is the continuation mark
        if after.continued and before.text and tail and _word(before.text[-1]) and _word(tail[0]):
            yield (cell + before.line - 1 if isinstance(block, Code) and before.line else cell or 1), what


def _word(character: str) -> bool:
    return character.isalnum() or character == "_"
